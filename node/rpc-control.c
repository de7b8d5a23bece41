/* rpc-control.c — the "control" methods (help, stop, uptime, getrpcinfo,
 * logging) and the hidden echo/echojson test methods, as Umkoin Core v31's
 * rpc/server.cpp and rpc/node.cpp answer them. Help texts are our own.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-dispatch.h"

#include "common/args.h"
#include "common/logging.h"

#include <string.h>

/* Core's CLIENT_NAME " stopping": clients and test frameworks may look for it. */
#define STOP_RESULT "Umkoin Core stopping"

/* ---- help ---------------------------------------------------------------- */

static gboolean
rpc_help (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *command = "";
  if (umk_rpc_param (call, 0) && (command = umk_rpc_param_str (call, 0, error)) == NULL)
    return FALSE;
  if (strcmp (command, "dump_all_command_conversions") == 0)
    {
      /* Undocumented, for tests: how umkoin-cli should convert each argument. */
      umk_rpc_dispatcher_write_arg_map (call->dispatcher, w);
      return TRUE;
    }
  g_autofree char *text = umk_rpc_dispatcher_help (call->dispatcher, command);
  /* The wallet process's methods, as Core lists its own wallet's: their own
   * category after the node's, and their help when the node has none. */
  if (command[0] == '\0')
    {
      g_autofree char *wallet = umk_rpc_wallet_help (NULL);
      if (wallet != NULL)
        {
          char *both = g_strconcat (text, "\n\n", wallet, NULL);
          g_free (text);
          text = both;
        }
    }
  else if (g_str_has_prefix (text, "help: unknown command"))
    {
      g_autofree char *wallet = umk_rpc_wallet_help (command);
      if (wallet != NULL && !g_str_has_prefix (wallet, "help: unknown command"))
        {
          g_free (text);
          text = g_steal_pointer (&wallet);
        }
    }
  umk_json_writer_string (w, text);
  return TRUE;
}

static const UmkRpcArg help_args[] = {
  { "command", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "all commands",
    "The method to describe; without it, every method is listed by category", 0, NULL },
};

/* ---- stop ---------------------------------------------------------------- */

static gboolean
rpc_stop (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  /* The main loop stops after this request's reply has been sent: the
   * server waits for requests in flight before it closes. */
  umk_node_request_shutdown (call->node);
  JsonNode *wait = umk_rpc_param (call, 0);
  if (wait && JSON_NODE_HOLDS_VALUE (wait) && json_node_get_value_type (wait) != G_TYPE_STRING
      && json_node_get_value_type (wait) != G_TYPE_BOOLEAN)
    {
      /* The hidden argument: milliseconds to wait before answering (tests). */
      gint64 ms;
      if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &ms, error))
        return FALSE;
      if (ms > 0)
        g_usleep ((gulong) ms * 1000);
    }
  umk_json_writer_string (w, STOP_RESULT);
  return TRUE;
}

static const UmkRpcArg stop_args[] = {
  { "wait", UMK_RPC_ARG_NUM, UMK_RPC_ARG_OMITTED, NULL, "Milliseconds to wait before answering",
    UMK_RPC_ARG_HIDDEN, NULL },
};

/* ---- uptime -------------------------------------------------------------- */

static gboolean
rpc_uptime (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  umk_json_writer_int (w, umk_node_uptime (call->node));
  return TRUE;
}

/* ---- getrpcinfo ---------------------------------------------------------- */

static gboolean
rpc_getrpcinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "active_commands");
  umk_rpc_dispatcher_write_active (call->dispatcher, w);
  /* Where debug.log is, as the logger resolved -debuglogfile. */
  g_autofree char *file
      = umk_args_get_path (call->node->args, "-debuglogfile", UMK_DEFAULT_DEBUGLOGFILE);
  g_autofree char *path = umk_args_abs_path_for_config_val (call->node->args, file, TRUE);
  umk_json_writer_kv_string (w, "logpath", path ? path : "");
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- logging ------------------------------------------------------------- */

static gboolean
toggle_categories (JsonNode *list, gboolean enable, GError **error)
{
  JsonArray *a = json_node_get_array (list);
  for (guint i = 0, n = json_array_get_length (a); i < n; i++)
    {
      JsonNode *item = json_array_get_element (a, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type string",
                             umk_rpc_type_name (item));
          return FALSE;
        }
      const char *name = json_node_get_string (item);
      if (!umk_log_set_category (name, enable))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "unknown logging category %s", name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
rpc_logging (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  /* Include first, then exclude: a category in both ends up off. */
  JsonNode *include = umk_rpc_param (call, 0);
  JsonNode *exclude = umk_rpc_param (call, 1);
  if (include && JSON_NODE_HOLDS_ARRAY (include) && !toggle_categories (include, TRUE, error))
    return FALSE;
  if (exclude && JSON_NODE_HOLDS_ARRAY (exclude) && !toggle_categories (exclude, FALSE, error))
    return FALSE;

  umk_json_writer_begin_object (w);
  for (const char *const *name = umk_log_category_names (); *name; name++)
    {
      UmkLogCategory c;
      if (umk_log_category_from_name (*name, &c))
        umk_json_writer_kv_bool (w, *name, umk_log_category_enabled (c));
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg logging_include_item = {
  "include_category", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "a logging category", 0, NULL,
};
static const UmkRpcArg logging_exclude_item = {
  "exclude_category", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "a logging category", 0, NULL,
};
static const UmkRpcArg logging_args[] = {
  { "include", UMK_RPC_ARG_ARR, UMK_RPC_ARG_OMITTED, NULL,
    "Categories to turn debug logging on for", 0, &logging_include_item },
  { "exclude", UMK_RPC_ARG_ARR, UMK_RPC_ARG_OMITTED, NULL,
    "Categories to turn debug logging off for", 0, &logging_exclude_item },
};

/* ---- echo, echojson ------------------------------------------------------ */

static gboolean
rpc_echo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  JsonNode *last = umk_rpc_param (call, 9);
  if (last && JSON_NODE_HOLDS_VALUE (last) && json_node_get_value_type (last) == G_TYPE_STRING
      && strcmp (json_node_get_string (last), "trigger_internal_bug") == 0)
    {
      /* How Core's tests make sure an internal bug reaches the client. */
      UMK_RPC_INTERNAL_BUG (error, "params[9] != \"trigger_internal_bug\"");
      return FALSE;
    }
  /* Whatever came in, as positions (named arguments already placed). */
  umk_json_writer_begin_array (w);
  for (guint i = 0, n = json_array_get_length (call->params); i < n; i++)
    umk_json_writer_node (w, json_array_get_element (call->params, i));
  umk_json_writer_end_array (w);
  return TRUE;
}

#define ECHO_ARG(n)                                                                             \
  {                                                                                             \
    "arg" #n, UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "", UMK_RPC_ARG_SKIP_TYPE_CHECK, NULL \
  }
static const UmkRpcArg echo_args[] = {
  ECHO_ARG (0), ECHO_ARG (1), ECHO_ARG (2), ECHO_ARG (3), ECHO_ARG (4),
  ECHO_ARG (5), ECHO_ARG (6), ECHO_ARG (7), ECHO_ARG (8), ECHO_ARG (9),
};

#define ECHO_DESCRIPTION                                                                   \
  "Returns its arguments unchanged, for testing.\n"                                        \
  "\n"                                                                                     \
  "Passing arg9=\"trigger_internal_bug\" makes it fail the way an internal error would.\n" \
  "\n"                                                                                     \
  "echo and echojson behave the same here; they differ only in umkoin-cli, which passes "  \
  "echojson's arguments as JSON and echo's as strings."

/* ---- The table ----------------------------------------------------------- */

const UmkRpcMethod umk_rpc_control_methods[] = {
  { "control", "getrpcinfo", "Describes the RPC server: the calls running now and the log file.",
    NULL, 0,
    "\nResult:\n"
    "{                          (json object)\n"
    "  \"active_commands\" : [    (json array) The calls being executed, this one included\n"
    "    {                      (json object)\n"
    "      \"method\" : \"str\",    (string) The method's name\n"
    "      \"duration\" : n       (numeric) How long it has been running, in microseconds\n"
    "    },\n"
    "    ...\n"
    "  ],\n"
    "  \"logpath\" : \"str\"      (string) The full path of debug.log\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getrpcinfo", "", ""), rpc_getrpcinfo },
  { "control", "help", "Lists the methods, or explains one of them.", help_args,
    G_N_ELEMENTS (help_args),
    "\nResult:\n"
    "\"str\"    (string) The help text\n",
    "", rpc_help },
  { "control", "logging",
    "Shows which categories are debug-logged, after turning some on or off.\n"
    "Without arguments nothing changes. \"include\" is applied before \"exclude\", so a "
    "category named in both is switched off.\n"
    "The result lists every category there is; \"all\" and \"1\" stand for all of them.",
    logging_args, G_N_ELEMENTS (logging_args),
    "\nResult:\n"
    "{                   (json object) One member per category\n"
    "  \"category\" : true|false,    (boolean) Whether its debug messages are logged\n"
    "  ...\n"
    "}\n",
    UMK_RPC_EXAMPLES ("logging", "\"[\\\"all\\\"]\" \"[\\\"http\\\"]\"",
                      "[\"all\"], [\"libevent\"]"),
    rpc_logging },
  { "control", "stop", "Asks " PACKAGE_NAME " to shut down cleanly.", stop_args,
    G_N_ELEMENTS (stop_args),
    "\nResult:\n"
    "\"str\"    (string) The text '" STOP_RESULT "'\n",
    "", rpc_stop },
  { "control", "uptime", "Tells how long the node has been running.", NULL, 0,
    "\nResult:\n"
    "n    (numeric) Seconds since the node started\n",
    UMK_RPC_EXAMPLES ("uptime", "", ""), rpc_uptime },
  { "hidden", "echo", ECHO_DESCRIPTION, echo_args, G_N_ELEMENTS (echo_args),
    "\nResult:\n"
    "any    (any) The arguments, as a JSON array\n",
    "", rpc_echo },
  { "hidden", "echojson", ECHO_DESCRIPTION, echo_args, G_N_ELEMENTS (echo_args),
    "\nResult:\n"
    "any    (any) The arguments, as a JSON array\n",
    "", rpc_echo },
};
const guint umk_rpc_n_control_methods = G_N_ELEMENTS (umk_rpc_control_methods);
