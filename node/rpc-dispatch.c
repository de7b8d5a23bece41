/* rpc-dispatch.c — JSON-RPC 1.0/2.0 requests, batches, named arguments,
 * argument checks and help, following Umkoin Core v31's httprpc.cpp
 * (HTTPReq_JSONRPC), rpc/request.cpp (JSONRPCRequest::parse, JSONRPCReplyObj),
 * rpc/server.cpp (CRPCTable, transformNamedArguments) and rpc/util.cpp
 * (RPCHelpMan::HandleRequest, ToString). Every string a client can see here is
 * Core's, because clients and Core's functional tests match them.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-dispatch.h"

#include "common/hex.h"
#include "common/logging.h"

#include <stdarg.h>
#include <string.h>

void
umk_rpc_set_internal_bug (GError **error, const char *what, const char *file, int line,
                          const char *func)
{
  /* Core's StrFormatInternalBug; only the first words are matched by tests. */
  umk_rpc_set_error (error, UMK_RPC_MISC_ERROR,
                     "Internal bug detected: %s\n%s:%d (%s)\n%s v%s\n"
                     "Please report this issue here: %s/issues\n",
                     what, file, line, func, PACKAGE_NAME, PACKAGE_VERSION, PACKAGE_URL);
}

/* ---- Types and argument access ----------------------------------------- */

const char *
umk_rpc_type_name (JsonNode *node)
{
  if (node == NULL)
    return "null";
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      return "object";
    case JSON_NODE_ARRAY:
      return "array";
    case JSON_NODE_NULL:
      return "null";
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_BOOLEAN:
          return "bool";
        case G_TYPE_STRING:
          return "string";
        default:
          return "number";
        }
    }
  return "null";
}

static gboolean
is_null (JsonNode *node)
{
  return node == NULL || JSON_NODE_HOLDS_NULL (node);
}

/* Core's UniValue::checkType failure (a UniValue::type_error, which
 * ExecuteCommand turns into RPC_TYPE_ERROR). */
static void
set_type_error (GError **error, JsonNode *node, const char *expected)
{
  umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type %s",
                     umk_rpc_type_name (node), expected);
}

JsonNode *
umk_rpc_param (const UmkRpcCall *call, guint i)
{
  if (call->params == NULL || i >= json_array_get_length (call->params))
    return NULL;
  JsonNode *node = json_array_get_element (call->params, i);
  return is_null (node) ? NULL : node;
}

/* The argument, or its table default parsed (kept alive by *tmp). */
static JsonNode *
param_or_default (const UmkRpcCall *call, guint i, JsonNode **tmp)
{
  JsonNode *node = umk_rpc_param (call, i);
  if (node != NULL || i >= call->method->n_args)
    return node;
  const UmkRpcArg *arg = &call->method->args[i];
  if (arg->fallback_kind != UMK_RPC_ARG_DEFAULT || arg->fallback == NULL)
    return NULL;
  *tmp = umk_json_parse (arg->fallback, strlen (arg->fallback), NULL);
  return *tmp;
}

gboolean
umk_rpc_param_int (const UmkRpcCall *call, guint i, gint64 min, gint64 max, gint64 *out,
                   GError **error)
{
  g_autoptr (JsonNode) tmp = NULL;
  JsonNode *node = param_or_default (call, i, &tmp);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) == G_TYPE_STRING
      || json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      set_type_error (error, node, "number");
      return FALSE;
    }
  /* UniValue keeps numbers as text and getInt parses it as an integer, so
   * "1.0" or "1e3" is out of range just as 2^63 is. */
  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < min
      || json_node_get_int (node) > max)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "JSON integer out of range");
      return FALSE;
    }
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
umk_rpc_param_bool (const UmkRpcCall *call, guint i, gboolean *out, GError **error)
{
  g_autoptr (JsonNode) tmp = NULL;
  JsonNode *node = param_or_default (call, i, &tmp);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      set_type_error (error, node, "bool");
      return FALSE;
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

const char *
umk_rpc_param_str (const UmkRpcCall *call, guint i, GError **error)
{
  JsonNode *node = umk_rpc_param (call, i);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_type_error (error, node, "string");
      return NULL;
    }
  return json_node_get_string (node);
}

gboolean
umk_rpc_param_hash (const UmkRpcCall *call, guint i, const char *name, UmkUint256 *out,
                    GError **error)
{
  const char *hex = umk_rpc_param_str (call, i, error);
  if (hex == NULL)
    return FALSE;
  size_t len = strlen (hex);
  if (len == 64 && umk_uint256_from_hex (out, hex))
    return TRUE;
  if (len != 64)
    umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                       "%s must be of length %d (not %zu, for '%s')", name, 64, len, hex);
  else
    umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "%s must be hexadecimal string (not '%s')",
                       name, hex);
  return FALSE;
}

/* ---- The dispatcher ------------------------------------------------------ */

typedef struct
{
  const char *method; /* static: the table's name */
  gint64 start;       /* monotonic microseconds */
} ActiveCommand;

struct _UmkRpcDispatcher
{
  UmkNode *node;
  GHashTable *methods; /* name -> const UmkRpcMethod* */
  GPtrArray *sorted;   /* of const UmkRpcMethod*, by category then name, as Core's help */

  GMutex lock; /* guards the fields below */
  GCond cond;
  gboolean interrupted;
  GList *active; /* of ActiveCommand* */
};

static int
compare_for_help (gconstpointer a, gconstpointer b)
{
  const UmkRpcMethod *ma = *(const UmkRpcMethod *const *) a;
  const UmkRpcMethod *mb = *(const UmkRpcMethod *const *) b;
  /* Core sorts the concatenation category + name. */
  g_autofree char *ka = g_strconcat (ma->category, ma->name, NULL);
  g_autofree char *kb = g_strconcat (mb->category, mb->name, NULL);
  return strcmp (ka, kb);
}

UmkRpcDispatcher *
umk_rpc_dispatcher_new (UmkNode *node)
{
  UmkRpcDispatcher *d = g_new0 (UmkRpcDispatcher, 1);
  d->node = node;
  d->methods = g_hash_table_new (g_str_hash, g_str_equal);
  d->sorted = g_ptr_array_new ();
  const struct
  {
    const UmkRpcMethod *table;
    guint n;
  } tables[] = {
    { umk_rpc_control_methods, umk_rpc_n_control_methods },
    { umk_rpc_blockchain_methods, umk_rpc_n_blockchain_methods },
    { umk_rpc_mempool_methods, umk_rpc_n_mempool_methods },
    { umk_rpc_mining_methods, umk_rpc_n_mining_methods },
    { umk_rpc_rawtx_methods, umk_rpc_n_rawtx_methods },
    { umk_rpc_net_methods, umk_rpc_n_net_methods },
  };
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    for (guint i = 0; i < tables[t].n; i++)
      {
        const UmkRpcMethod *m = &tables[t].table[i];
        g_warn_if_fail (!g_hash_table_contains (d->methods, m->name));
        g_hash_table_insert (d->methods, (gpointer) m->name, (gpointer) m);
        g_ptr_array_add (d->sorted, (gpointer) m);
      }
  g_ptr_array_sort (d->sorted, compare_for_help);
  g_mutex_init (&d->lock);
  g_cond_init (&d->cond);
  return d;
}

void
umk_rpc_dispatcher_free (UmkRpcDispatcher *d)
{
  if (d == NULL)
    return;
  g_warn_if_fail (d->active == NULL);
  g_hash_table_unref (d->methods);
  g_ptr_array_unref (d->sorted);
  g_mutex_clear (&d->lock);
  g_cond_clear (&d->cond);
  g_free (d);
}

void
umk_rpc_dispatcher_interrupt (UmkRpcDispatcher *d)
{
  g_mutex_lock (&d->lock);
  d->interrupted = TRUE;
  g_cond_broadcast (&d->cond);
  g_mutex_unlock (&d->lock);
}

gboolean
umk_rpc_dispatcher_interrupted (UmkRpcDispatcher *d)
{
  g_mutex_lock (&d->lock);
  gboolean r = d->interrupted;
  g_mutex_unlock (&d->lock);
  return r;
}

gboolean
umk_rpc_dispatcher_wait (UmkRpcDispatcher *d, gint64 timeout_us)
{
  gint64 deadline = timeout_us < 0 ? -1 : g_get_monotonic_time () + timeout_us;
  g_mutex_lock (&d->lock);
  while (!d->interrupted)
    {
      if (deadline < 0)
        g_cond_wait (&d->cond, &d->lock);
      else if (!g_cond_wait_until (&d->cond, &d->lock, deadline))
        break;
    }
  gboolean r = d->interrupted;
  g_mutex_unlock (&d->lock);
  return r;
}

void
umk_rpc_dispatcher_write_active (UmkRpcDispatcher *d, UmkJsonWriter *w)
{
  gint64 now = g_get_monotonic_time ();
  umk_json_writer_begin_array (w);
  g_mutex_lock (&d->lock);
  for (GList *l = d->active; l; l = l->next)
    {
      const ActiveCommand *c = l->data;
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_string (w, "method", c->method);
      umk_json_writer_kv_int (w, "duration", now - c->start);
      umk_json_writer_end_object (w);
    }
  g_mutex_unlock (&d->lock);
  umk_json_writer_end_array (w);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

void
umk_rpc_dispatcher_write_arg_map (UmkRpcDispatcher *d, UmkJsonWriter *w)
{
  /* Core walks its std::map of methods: byte order of the names. */
  g_autoptr (GPtrArray) names = umk_rpc_dispatcher_list (d);
  g_ptr_array_sort (names, compare_names);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < names->len; i++)
    {
      const UmkRpcMethod *m = g_hash_table_lookup (d->methods, names->pdata[i]);
      for (guint a = 0; a < m->n_args; a++)
        {
          g_auto (GStrv) arg_names = g_strsplit (m->args[a].names, "|", -1);
          for (guint n = 0; arg_names[n]; n++)
            {
              umk_json_writer_begin_array (w);
              umk_json_writer_string (w, m->name);
              umk_json_writer_int (w, a);
              umk_json_writer_string (w, arg_names[n]);
              umk_json_writer_bool (w, m->args[a].type == UMK_RPC_ARG_STR
                                           || m->args[a].type == UMK_RPC_ARG_STR_HEX);
              umk_json_writer_end_array (w);
            }
        }
    }
  umk_json_writer_end_array (w);
}

GPtrArray *
umk_rpc_dispatcher_list (UmkRpcDispatcher *d)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, d->methods);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* ---- Help (Core's RPCHelpMan::ToString, with our own descriptions) ------- */

static char *
method_help (const UmkRpcMethod *m)
{
  GString *s = g_string_new (NULL);
  umk_rpc_help_append_head (s, m->name, m->description, m->args, m->n_args);
  if (m->result)
    g_string_append (s, m->result);
  if (m->examples && *m->examples)
    g_string_append_printf (s, "\nExamples:\n%s", m->examples);
  return g_string_free (s, FALSE);
}

char *
umk_rpc_dispatcher_method_help (UmkRpcDispatcher *d, const char *name)
{
  const UmkRpcMethod *m = g_hash_table_lookup (d->methods, name);
  return m ? method_help (m) : NULL;
}

char *
umk_rpc_dispatcher_help (UmkRpcDispatcher *d, const char *command)
{
  if (command == NULL)
    command = "";
  GString *s = g_string_new (NULL);
  const char *category = NULL;
  for (guint i = 0; i < d->sorted->len; i++)
    {
      const UmkRpcMethod *m = d->sorted->pdata[i];
      if ((*command || strcmp (m->category, "hidden") == 0) && strcmp (m->name, command) != 0)
        continue;
      g_autofree char *help = method_help (m);
      if (*command == '\0')
        {
          char *nl = strchr (help, '\n');
          if (nl)
            *nl = '\0';
          if (category == NULL || strcmp (category, m->category) != 0)
            {
              if (category)
                g_string_append_c (s, '\n');
              category = m->category;
              g_string_append_printf (s, "== %c%s ==\n", g_ascii_toupper (category[0]),
                                      category + 1);
            }
        }
      g_string_append_printf (s, "%s\n", help);
    }
  if (s->len == 0)
    g_string_printf (s, "help: unknown command: %s\n", command);
  g_string_truncate (s, s->len - 1);
  return g_string_free (s, FALSE);
}

/* ---- Requests ------------------------------------------------------------ */

/* Core's JSONRPCRequest as far as parse() fills it. One is reused for every
 * member of a batch, as Core reuses it: a member that is not an object keeps
 * the id and version of the one before. */
typedef struct
{
  gboolean has_id; /* "id" given; for 1.0 the reply then has "id": null */
  JsonNode *id;    /* NULL for JSON null */
  gboolean v2;
  const char *method;
  JsonNode *params; /* array or object; NULL for none */
  /* the request's objects that repeat a key (UniValue keeps every member) */
  const UmkJsonDuplicates *dups;
} Request;

static void
request_init (Request *r)
{
  /* Core's default: id = null, present. */
  memset (r, 0, sizeof *r);
  r->has_id = TRUE;
}

static gboolean
request_is_notification (const Request *r)
{
  return !r->has_id && r->v2;
}

static void
write_error_object (UmkJsonWriter *w, int code, const char *message)
{
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "code", code);
  umk_json_writer_kv_string (w, "message", message);
  umk_json_writer_end_object (w);
}

/* Core's JSONRPCReplyObj: 2.0 replies carry "jsonrpc" and only one of result
 * and error; 1.0 replies both, one of them null. result_json is the result
 * as JSON text (NULL: error). */
static void
write_reply (UmkJsonWriter *w, const Request *r, const char *result_json, gsize result_len,
             const GError *error)
{
  umk_json_writer_begin_object (w);
  if (r->v2)
    umk_json_writer_kv_string (w, "jsonrpc", "2.0");
  if (error == NULL)
    {
      umk_json_writer_key (w, "result");
      umk_json_writer_raw (w, result_json, result_len);
      if (!r->v2)
        {
          umk_json_writer_key (w, "error");
          umk_json_writer_null (w);
        }
    }
  else
    {
      if (!r->v2)
        {
          umk_json_writer_key (w, "result");
          umk_json_writer_null (w);
        }
      umk_json_writer_key (w, "error");
      write_error_object (w, error->code, error->message);
    }
  if (r->has_id)
    {
      umk_json_writer_key (w, "id");
      umk_json_writer_node (w, r->id);
    }
  umk_json_writer_end_object (w);
}

/* Core's SanitizeString for log lines: letters, digits and a few marks. */
static char *
sanitize (const char *s)
{
  GString *out = g_string_new (NULL);
  for (; *s; s++)
    if (g_ascii_isalnum (*s) || strchr (" .,;-_/:?@()", *s))
      g_string_append_c (out, *s);
  return g_string_free (out, FALSE);
}

/* JSONRPCRequest::parse. */
static gboolean
request_parse (Request *r, JsonNode *value, const char *user, const char *peer, GError **error)
{
  if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "Invalid Request object");
      return FALSE;
    }
  JsonObject *o = json_node_get_object (value);

  /* The id first, so that the errors below carry it. */
  r->has_id = json_object_has_member (o, "id");
  /* Core's find_value: the first of a repeated member. */
  r->id = r->has_id ? umk_json_duplicates_first (r->dups, o, "id") : NULL;
  if (r->id && JSON_NODE_HOLDS_NULL (r->id))
    r->id = NULL;

  r->v2 = FALSE;
  JsonNode *version = umk_json_duplicates_first (r->dups, o, "jsonrpc");
  if (!is_null (version))
    {
      if (!JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "jsonrpc field must be a string");
          return FALSE;
        }
      /* "1.0" came from old documentation; Core keeps accepting it. */
      const char *v = json_node_get_string (version);
      if (strcmp (v, "2.0") == 0)
        r->v2 = TRUE;
      else if (strcmp (v, "1.0") != 0)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "JSON-RPC version not supported");
          return FALSE;
        }
    }

  JsonNode *method = umk_json_duplicates_first (r->dups, o, "method");
  if (is_null (method))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "Missing method");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_VALUE (method) || json_node_get_value_type (method) != G_TYPE_STRING)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "Method must be a string");
      return FALSE;
    }
  r->method = json_node_get_string (method);
  if (umk_log_will_log (UMK_LOG_RPC, UMK_LOG_LEVEL_DEBUG))
    {
      g_autofree char *clean = sanitize (r->method);
      if (umk_log_ips ())
        UMK_LOG_DEBUG (UMK_LOG_RPC, "ThreadRPCServer method=%s user=%s peeraddr=%s", clean, user,
                       peer ? peer : "");
      else
        UMK_LOG_DEBUG (UMK_LOG_RPC, "ThreadRPCServer method=%s user=%s", clean, user);
    }

  JsonNode *params = umk_json_duplicates_first (r->dups, o, "params");
  if (params && (JSON_NODE_HOLDS_ARRAY (params) || JSON_NODE_HOLDS_OBJECT (params)))
    r->params = params;
  else if (is_null (params))
    r->params = NULL;
  else
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "Params must be an array or object");
      return FALSE;
    }
  return TRUE;
}

/* Core's transformNamedArguments: named parameters to positions, holes
 * between given ones filled with null, and the "args" catch-all for the
 * positional ones in front. */
static JsonArray *
transform_named (const UmkRpcMethod *m, JsonObject *in, const UmkJsonDuplicates *dups,
                 GError **error)
{
  /* json-glib keeps one member per key: repeats come from dups. */
  const char *repeated = umk_json_duplicates_repeated (dups, in);
  if (repeated)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Parameter %s specified multiple times",
                         repeated);
      return NULL;
    }
  g_autoptr (GList) members = json_object_get_members (in);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (GList *k = members; k; k = k->next)
    g_ptr_array_add (keys, k->data);
  JsonNode *positional = json_object_get_member (in, "args");
  JsonArray *pos
      = positional && JSON_NODE_HOLDS_ARRAY (positional) ? json_node_get_array (positional) : NULL;
  guint n_pos = pos ? json_array_get_length (pos) : 0;
  g_autofree gint *slots = g_new (gint, MAX (m->n_args, 1));
  guint n_out;
  if (!umk_rpc_place_named (m->args, m->n_args, (const char *const *) keys->pdata, keys->len,
                            pos ? (gint) n_pos : -1, slots, &n_out, error))
    return NULL;
  JsonArray *out = json_array_new ();
  for (guint i = 0; i < n_out; i++)
    if (i < n_pos)
      json_array_add_element (out, json_node_copy (json_array_get_element (pos, i)));
    else if (slots[i] >= 0)
      json_array_add_element (out,
                              json_node_copy (json_object_get_member (in, keys->pdata[slots[i]])));
    else
      json_array_add_null_element (out);
  return out;
}

/* ---- Warm-up -------------------------------------------------------------- */

static GMutex warmup_lock;
static char *warmup_status; /* NULL once start-up has finished */

void
umk_rpc_set_warmup (const char *status)
{
  g_mutex_lock (&warmup_lock);
  g_free (warmup_status);
  warmup_status = g_strdup (status);
  g_mutex_unlock (&warmup_lock);
}

/* ---- The wallet process --------------------------------------------------- */

static GMutex forwarder_lock;
static UmkRpcForwardFunc forwarder;
static gpointer forwarder_user;

void
umk_rpc_set_wallet_forwarder (UmkRpcForwardFunc func, gpointer user)
{
  g_mutex_lock (&forwarder_lock);
  forwarder = func;
  forwarder_user = user;
  g_mutex_unlock (&forwarder_lock);
}

char *
umk_rpc_wallet_name_from_uri (const char *uri)
{
  static const char base[] = "/wallet/";
  if (uri == NULL || !g_str_has_prefix (uri, base))
    return NULL;
  /* Core's UrlDecode: a '%' with two hex digits is a byte, anything else
   * (a lone '%', "%zz", '+') stays as it is. */
  const char *in = uri + strlen (base);
  GString *out = g_string_sized_new (strlen (in));
  for (gsize i = 0; in[i] != '\0'; i++)
    {
      int hi, lo;
      if (in[i] == '%' && in[i + 1] != '\0' && in[i + 2] != '\0'
          && (hi = g_ascii_xdigit_value (in[i + 1])) >= 0
          && (lo = g_ascii_xdigit_value (in[i + 2])) >= 0)
        {
          g_string_append_c (out, (char) (hi * 16 + lo));
          i += 2;
        }
      else
        g_string_append_c (out, in[i]);
    }
  return g_string_free (out, FALSE);
}

/* A method the node does not have: the wallet process's, if one runs. The
 * node knows no wallet methods, so it hands over the arguments as they came
 * and lets the wallet check them. */
static char *
forward_to_wallet (const Request *r, const char *uri, gsize *len, GError **error)
{
  g_mutex_lock (&forwarder_lock);
  UmkRpcForwardFunc func = forwarder;
  gpointer user = forwarder_user;
  g_mutex_unlock (&forwarder_lock);
  if (func == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_METHOD_NOT_FOUND, "Method not found");
      return NULL;
    }
  g_autofree char *params = r->params != NULL ? umk_json_write_node (r->params, 0) : g_strdup ("");
  g_autofree char *wallet = umk_rpc_wallet_name_from_uri (uri);
  gsize n = 0;
  char *result = func (user, r->method, params, wallet, &n, error);
  if (result != NULL && len != NULL)
    *len = n;
  return result;
}

char *
umk_rpc_wallet_help (const char *command)
{
  g_mutex_lock (&forwarder_lock);
  UmkRpcForwardFunc func = forwarder;
  gpointer user = forwarder_user;
  g_mutex_unlock (&forwarder_lock);
  if (func == NULL)
    return NULL;
  g_autofree char *params = NULL;
  if (command != NULL && command[0] != '\0')
    {
      g_autoptr (JsonNode) arg = json_node_init_string (json_node_alloc (), command);
      g_autofree char *quoted = umk_json_write_node (arg, 0);
      params = g_strdup_printf ("[%s]", quoted);
    }
  else
    params = g_strdup ("[]");
  gsize n = 0;
  g_autofree char *result = func (user, "help", params, NULL, &n, NULL);
  if (result == NULL)
    return NULL;
  g_autoptr (JsonNode) text = json_from_string (result, NULL);
  if (text == NULL || !JSON_NODE_HOLDS_VALUE (text)
      || json_node_get_value_type (text) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (text));
}

/* CRPCTable::execute with RPCHelpMan::HandleRequest: the method's result as
 * JSON text, or FALSE with the error. */
static char *
execute (UmkRpcDispatcher *d, const Request *r, const char *user, const char *uri, gsize *len,
         GError **error)
{
  /* Core's CRPCTable::execute: nothing runs while start-up is unfinished. */
  g_mutex_lock (&warmup_lock);
  if (warmup_status != NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_IN_WARMUP, "%s", warmup_status);
      g_mutex_unlock (&warmup_lock);
      return NULL;
    }
  g_mutex_unlock (&warmup_lock);

  const UmkRpcMethod *m = g_hash_table_lookup (d->methods, r->method);
  if (m == NULL)
    return forward_to_wallet (r, uri, len, error);

  /* getrpcinfo lists the call from here on, as Core's RPCCommandExecution. */
  ActiveCommand cmd = { m->name, g_get_monotonic_time () };
  g_mutex_lock (&d->lock);
  d->active = g_list_append (d->active, &cmd);
  g_mutex_unlock (&d->lock);

  char *result = NULL;
  g_autoptr (JsonArray) params = NULL;
  if (r->params && JSON_NODE_HOLDS_OBJECT (r->params))
    params = transform_named (m, json_node_get_object (r->params), r->dups, error);
  else if (r->params)
    params = json_array_ref (json_node_get_array (r->params));
  else
    params = json_array_new ();

  if (params != NULL)
    {
      guint n = json_array_get_length (params);
      g_autofree const char **types = g_new (const char *, MAX (n, 1));
      for (guint i = 0; i < n; i++)
        types[i] = umk_rpc_type_name (json_array_get_element (params, i));
      if (!umk_rpc_valid_num_args (m->args, m->n_args, n))
        {
          /* Core answers a wrong number of arguments with the help text. */
          g_autofree char *help = method_help (m);
          g_set_error_literal (error, UMK_RPC_ERROR, UMK_RPC_MISC_ERROR, help);
        }
      else if (umk_rpc_check_types (m->args, m->n_args, types, n, error))
        {
          UmkRpcCall call = { d, d->node, m, params, uri, user, r->dups };
          g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
          if (m->handler (&call, w, error))
            result = umk_json_writer_free_to_string (g_steal_pointer (&w), len);
        }
    }

  g_mutex_lock (&d->lock);
  d->active = g_list_remove (d->active, &cmd);
  g_mutex_unlock (&d->lock);
  return result;
}

/* JSONRPCExec: the whole reply object for one request. With catch_errors
 * (2.0, and every batch member) an error becomes part of the reply;
 * otherwise it is returned, to become an HTTP error. */
static gboolean
exec_request (UmkRpcDispatcher *d, const Request *r, gboolean catch_errors, const char *user,
              const char *uri, UmkJsonWriter *reply, GError **error)
{
  g_autoptr (GError) local = NULL;
  gsize len = 0;
  g_autofree char *result = execute (d, r, user, uri, &len, &local);
  if (result == NULL && !catch_errors)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  write_reply (reply, r, result, len, local);
  return TRUE;
}

void
umk_rpc_reply_clear (UmkRpcReply *reply)
{
  g_clear_pointer (&reply->body, g_free);
  reply->len = 0;
}

static void
reply_set (UmkRpcReply *reply, guint status, UmkJsonWriter *w)
{
  reply->status = status;
  reply->json = w != NULL;
  if (w)
    {
      /* Core ends every JSON reply with a newline. */
      gsize len;
      const char *text = umk_json_writer_peek (w, &len);
      reply->body = g_malloc (len + 2);
      memcpy (reply->body, text, len);
      reply->body[len] = '\n';
      reply->body[len + 1] = '\0';
      reply->len = len + 1;
    }
}

/* Core's JSONErrorReply: a 1.0-style error as an HTTP error status. */
static void
error_reply (UmkRpcReply *reply, const Request *r, const GError *error)
{
  guint status = UMK_HTTP_INTERNAL_SERVER_ERROR;
  if (error->code == UMK_RPC_INVALID_REQUEST)
    status = UMK_HTTP_BAD_REQUEST;
  else if (error->code == UMK_RPC_METHOD_NOT_FOUND)
    status = UMK_HTTP_NOT_FOUND;
  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
  write_reply (w, r, NULL, 0, error);
  reply_set (reply, status, w);
}

static gboolean
whitelisted (const UmkRpcWhitelist *wl, const char *method)
{
  return wl->allowed && g_hash_table_contains (wl->allowed, method);
}

void
umk_rpc_dispatcher_handle (UmkRpcDispatcher *d, const char *body, gsize len, const char *user,
                           const char *peer, const char *uri, const UmkRpcWhitelist *whitelist,
                           UmkRpcReply *reply)
{
  static const UmkRpcWhitelist open = { FALSE, NULL };
  if (whitelist == NULL)
    whitelist = &open;
  memset (reply, 0, sizeof *reply);

  Request r;
  request_init (&r);
  g_autoptr (GError) error = NULL;

  g_autoptr (UmkJsonDuplicates) dups = NULL;
  g_autoptr (JsonNode) root = umk_json_parse_full (body, len, &dups);
  r.dups = dups;
  if (root == NULL)
    {
      umk_rpc_set_error (&error, UMK_RPC_PARSE_ERROR, "Parse error");
      error_reply (reply, &r, error);
      return;
    }

  gboolean has_list = whitelist->restricted && whitelist->allowed != NULL;
  if (whitelist->restricted && !has_list)
    {
      umk_log_warning ("RPC User %s not allowed to call any methods", user);
      reply->status = UMK_HTTP_FORBIDDEN;
      return;
    }

  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
  if (JSON_NODE_HOLDS_OBJECT (root))
    {
      if (!request_parse (&r, root, user, peer, &error))
        {
          error_reply (reply, &r, error);
          return;
        }
      if (has_list && !whitelisted (whitelist, r.method))
        {
          umk_log_warning ("RPC User %s not allowed to call method %s", user, r.method);
          reply->status = UMK_HTTP_FORBIDDEN;
          return;
        }
      /* 1.0 turns errors into HTTP errors; 2.0 answers 200 with the error. */
      if (!exec_request (d, &r, r.v2, user, uri, w, &error))
        {
          error_reply (reply, &r, error);
          return;
        }
      if (request_is_notification (&r))
        {
          /* Executed, but never answered. */
          reply->status = UMK_HTTP_NO_CONTENT;
          return;
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *batch = json_node_get_array (root);
      guint n = json_array_get_length (batch);
      if (has_list)
        for (guint i = 0; i < n; i++)
          {
            JsonNode *member = json_array_get_element (batch, i);
            if (!JSON_NODE_HOLDS_OBJECT (member))
              {
                umk_rpc_set_error (&error, UMK_RPC_INVALID_REQUEST, "Invalid Request object");
                error_reply (reply, &r, error);
                return;
              }
            JsonNode *method
                = umk_json_duplicates_first (dups, json_node_get_object (member), "method");
            if (method == NULL || !JSON_NODE_HOLDS_VALUE (method)
                || json_node_get_value_type (method) != G_TYPE_STRING)
              {
                /* Core's get_str() throws; the catch-all makes it a parse error. */
                umk_rpc_set_error (&error, UMK_RPC_PARSE_ERROR,
                                   "JSON value of type %s is not of expected type string",
                                   umk_rpc_type_name (method));
                error_reply (reply, &r, error);
                return;
              }
            if (!whitelisted (whitelist, json_node_get_string (method)))
              {
                umk_log_warning ("RPC User %s not allowed to call method %s", user,
                                 json_node_get_string (method));
                reply->status = UMK_HTTP_FORBIDDEN;
                return;
              }
          }

      /* Batches never become HTTP errors; notifications get no entry. */
      umk_json_writer_begin_array (w);
      guint answered = 0;
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (GError) member_error = NULL;
          g_autoptr (UmkJsonWriter) one = umk_json_writer_new (0);
          if (!request_parse (&r, json_array_get_element (batch, i), user, peer, &member_error))
            write_reply (one, &r, NULL, 0, member_error);
          else
            exec_request (d, &r, TRUE, user, uri, one, NULL);
          if (!request_is_notification (&r))
            {
              gsize one_len;
              const char *text = umk_json_writer_peek (one, &one_len);
              umk_json_writer_raw (w, text, one_len);
              answered++;
            }
        }
      umk_json_writer_end_array (w);
      /* An all-notification batch gets no body; an empty one gets [] (Core
       * keeps that for old clients). */
      if (answered == 0 && n > 0)
        {
          reply->status = UMK_HTTP_NO_CONTENT;
          return;
        }
    }
  else
    {
      umk_rpc_set_error (&error, UMK_RPC_PARSE_ERROR, "Top-level object parse error");
      error_reply (reply, &r, error);
      return;
    }
  reply_set (reply, UMK_HTTP_OK, w);
}

/* ---- Calls that do not come over HTTP ------------------------------------ */

/* The request an IPC call stands for; Request.params points into *root. */
static gboolean
request_from_call (Request *r, const char *method, const char *params, JsonNode **root,
                   UmkJsonDuplicates **dups, GError **error)
{
  request_init (r);
  r->has_id = FALSE; /* the reply carries no id: IPC matches replies itself */
  r->method = method;
  if (params == NULL || params[0] == '\0')
    return TRUE;
  *root = umk_json_parse_full (params, strlen (params), dups);
  if (*root == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_PARSE_ERROR, "Parse error");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (*root) && !JSON_NODE_HOLDS_OBJECT (*root))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_REQUEST, "Params must be an array or object");
      return FALSE;
    }
  r->params = *root;
  r->dups = *dups;
  return TRUE;
}

char *
umk_rpc_dispatcher_call (UmkRpcDispatcher *d, const char *method, const char *params,
                         const char *uri, const char *user, gsize *len, GError **error)
{
  g_return_val_if_fail (d != NULL && method != NULL, NULL);
  if (uri == NULL)
    uri = "/";
  if (user == NULL)
    user = "";
  if (umk_log_will_log (UMK_LOG_RPC, UMK_LOG_LEVEL_DEBUG))
    {
      g_autofree char *clean = sanitize (method);
      UMK_LOG_DEBUG (UMK_LOG_RPC, "IPC method=%s user=%s", clean, user);
    }
  Request r;
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (UmkJsonDuplicates) dups = NULL;
  if (!request_from_call (&r, method, params, &root, &dups, error))
    return NULL;
  gsize n = 0;
  char *result = execute (d, &r, user, uri, &n, error);
  if (result != NULL && len != NULL)
    *len = n;
  return result;
}

char *
umk_rpc_dispatcher_execute_json (UmkRpcDispatcher *d, const char *method, const char *params,
                                 const char *wallet, const char *user)
{
  g_autofree char *uri = NULL;
  if (wallet != NULL && wallet[0] != '\0')
    {
      /* The endpoint an HTTP client would use; decoded again on the way. */
      g_autofree char *escaped = g_uri_escape_string (wallet, NULL, FALSE);
      uri = g_strconcat ("/wallet/", escaped, NULL);
    }
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *result
      = umk_rpc_dispatcher_call (d, method, params, uri != NULL ? uri : "/", user, &len, &error);
  if (result == NULL && error == NULL)
    umk_rpc_set_error (&error, UMK_RPC_INTERNAL_ERROR, "Internal error");
  /* A JSON-RPC 1.0 reply without an id: both members, one of them null. */
  Request r;
  request_init (&r);
  r.has_id = FALSE;
  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
  write_reply (w, &r, result, len, result != NULL ? NULL : error);
  return umk_json_writer_free_to_string (g_steal_pointer (&w), NULL);
}
