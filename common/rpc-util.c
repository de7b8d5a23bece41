/* rpc-util.c — the RPC parts the node and the wallet share: Core's
 * transformNamedArguments, RPCHelpMan's argument checks and its help text.
 * Every string a client can see here is Core's, because clients and Core's
 * functional tests match them. */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "common/rpc-util.h"

#include "common/json.h"

#include <stdarg.h>
#include <string.h>

G_DEFINE_QUARK (umk - rpc - error - quark, umk_rpc_error)

void
umk_rpc_set_error (GError **error, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, UMK_RPC_ERROR, code, msg);
}

gboolean
umk_rpc_arg_optional (const UmkRpcArg *arg)
{
  return arg->fallback_kind != UMK_RPC_ARG_REQUIRED;
}

/* ---- Checks ---------------------------------------------------------------- */

/* Returns: the index of the first key that names arg (its name or an alias)
 * and is not used yet, or -1. */
static gint
find_key (const UmkRpcArg *arg, const char *const *keys, guint n_keys, const gboolean *used)
{
  g_auto (GStrv) names = g_strsplit (arg->names, "|", -1);
  for (guint n = 0; names[n] != NULL; n++)
    for (guint k = 0; k < n_keys; k++)
      if (!used[k] && strcmp (keys[k], names[n]) == 0)
        return (gint) k;
  return -1;
}

gboolean
umk_rpc_place_named (const UmkRpcArg *args, guint n_args, const char *const *keys, guint n_keys,
                     gint positional_len, gint *slots, guint *n_out, GError **error)
{
  *n_out = 0;
  for (guint k = 0; k < n_keys; k++)
    for (guint j = 0; j < k; j++)
      if (strcmp (keys[j], keys[k]) == 0)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Parameter %s specified multiple times", keys[k]);
          return FALSE;
        }

  g_autofree gboolean *used = g_new0 (gboolean, MAX (n_keys, 1));
  guint n_named = 0, initial_hole = 0;
  const char *initial_param = NULL;
  for (guint i = 0; i < n_args; i++)
    {
      gint k = find_key (&args[i], keys, n_keys, used);
      slots[i] = k;
      if (k < 0)
        continue;
      used[k] = TRUE;
      if (initial_param == NULL)
        {
          initial_param = args[i].names;
          initial_hole = i; /* how many arguments in front are not named */
        }
      n_named = i + 1;
    }

  /* "args" is taken out whatever its type; only an array is used. */
  for (guint k = 0; k < n_keys; k++)
    if (!used[k] && strcmp (keys[k], "args") == 0)
      used[k] = TRUE;
  if (positional_len >= 0 && initial_param != NULL && initial_hole < (guint) positional_len)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Parameter %s specified twice both as positional and named argument",
                         initial_param);
      return FALSE;
    }
  /* What is left is unknown; the first in the request's order is named. */
  for (guint k = 0; k < n_keys; k++)
    if (!used[k])
      {
        umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Unknown named parameter %s", keys[k]);
        return FALSE;
      }
  *n_out = MAX (n_named, positional_len > 0 ? (guint) positional_len : 0);
  return TRUE;
}

gboolean
umk_rpc_valid_num_args (const UmkRpcArg *args, guint n_args, guint n)
{
  guint required = 0;
  for (guint i = n_args; i > 0; i--)
    if (!umk_rpc_arg_optional (&args[i - 1]))
      {
        required = i;
        break;
      }
  return required <= n && n <= n_args;
}

/* Returns: Core's type name an argument must have, or NULL for any. */
static const char *
expected_type (const UmkRpcArg *arg)
{
  if (arg->flags & UMK_RPC_ARG_SKIP_TYPE_CHECK)
    return NULL;
  switch (arg->type)
    {
    case UMK_RPC_ARG_STR:
    case UMK_RPC_ARG_STR_HEX:
      return "string";
    case UMK_RPC_ARG_NUM:
      return "number";
    case UMK_RPC_ARG_BOOL:
      return "bool";
    case UMK_RPC_ARG_ARR:
      return "array";
    case UMK_RPC_ARG_OBJ:
    case UMK_RPC_ARG_OBJ_USER_KEYS:
      return "object";
    case UMK_RPC_ARG_AMOUNT:
      return NULL;
    }
  return NULL;
}

gboolean
umk_rpc_check_types (const UmkRpcArg *args, guint n_args, const char *const *types, guint n_given,
                     GError **error)
{
  g_autoptr (UmkJsonWriter) mismatch = NULL;
  for (guint i = 0; i < n_args; i++)
    {
      const char *actual = i < n_given ? types[i] : "null";
      const char *expected = expected_type (&args[i]);
      if (expected == NULL || strcmp (actual, expected) == 0)
        continue;
      if (umk_rpc_arg_optional (&args[i]) && strcmp (actual, "null") == 0)
        continue;
      if (mismatch == NULL)
        {
          mismatch = umk_json_writer_new (4);
          umk_json_writer_begin_object (mismatch);
        }
      g_autofree char *key = g_strdup_printf ("Position %u (%s)", i + 1, args[i].names);
      g_autofree char *text
          = g_strdup_printf ("JSON value of type %s is not of expected type %s", actual, expected);
      umk_json_writer_kv_string (mismatch, key, text);
    }
  if (mismatch == NULL)
    return TRUE;
  umk_json_writer_end_object (mismatch);
  umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Wrong type passed:\n%s",
                     umk_json_writer_peek (mismatch, NULL));
  return FALSE;
}

/* ---- Help ------------------------------------------------------------------ */

static void
arg_first_name (const UmkRpcArg *arg, GString *out)
{
  const char *bar = strchr (arg->names, '|');
  g_string_append_len (out, arg->names, bar ? bar - arg->names : (gssize) strlen (arg->names));
}

static guint
arg_n_inner (const UmkRpcArg *arg)
{
  return arg->inner == NULL ? 0 : MAX (arg->n_inner, 1);
}

static void arg_oneline (const UmkRpcArg *arg, GString *out);

/* RPCArg::ToStringObj(oneline = true): one key of an object. */
static void
arg_oneline_key (const UmkRpcArg *arg, GString *out)
{
  g_string_append_c (out, '"');
  arg_first_name (arg, out);
  g_string_append (out, "\":");
  switch (arg->type)
    {
    case UMK_RPC_ARG_STR:
      g_string_append (out, "\"str\"");
      break;
    case UMK_RPC_ARG_STR_HEX:
      g_string_append (out, "\"hex\"");
      break;
    case UMK_RPC_ARG_NUM:
      g_string_append_c (out, 'n');
      break;
    case UMK_RPC_ARG_AMOUNT:
      g_string_append (out, "amount");
      break;
    case UMK_RPC_ARG_BOOL:
      g_string_append (out, "bool");
      break;
    case UMK_RPC_ARG_ARR:
      arg_oneline (arg, out); /* "[elements,...]", as at the top level */
      break;
    case UMK_RPC_ARG_OBJ:
    case UMK_RPC_ARG_OBJ_USER_KEYS:
      g_string_append (out, "{...}");
      break;
    }
}

/* RPCArg::ToString(oneline = true). */
static void
arg_oneline (const UmkRpcArg *arg, GString *out)
{
  if (arg->oneline != NULL)
    {
      g_string_append (out, arg->oneline);
      return;
    }
  switch (arg->type)
    {
    case UMK_RPC_ARG_STR:
    case UMK_RPC_ARG_STR_HEX:
      g_string_append_c (out, '"');
      arg_first_name (arg, out);
      g_string_append_c (out, '"');
      break;
    case UMK_RPC_ARG_ARR:
      g_string_append_c (out, '[');
      for (guint i = 0; i < arg_n_inner (arg); i++)
        {
          arg_oneline (&arg->inner[i], out);
          g_string_append_c (out, ',');
        }
      g_string_append (out, "...]");
      break;
    case UMK_RPC_ARG_OBJ:
    case UMK_RPC_ARG_OBJ_USER_KEYS:
      if (arg->inner == NULL)
        {
          g_string_append (out, "{...}");
          break;
        }
      g_string_append_c (out, '{');
      for (guint i = 0; i < arg_n_inner (arg); i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          arg_oneline_key (&arg->inner[i], out);
        }
      g_string_append (out, arg->type == UMK_RPC_ARG_OBJ ? "}" : ",...}");
      break;
    default:
      arg_first_name (arg, out);
    }
}

static const char *
arg_type_text (const UmkRpcArg *arg)
{
  if (arg->type_str != NULL)
    return arg->type_str;
  switch (arg->type)
    {
    case UMK_RPC_ARG_STR:
    case UMK_RPC_ARG_STR_HEX:
      return "string";
    case UMK_RPC_ARG_NUM:
      return "numeric";
    case UMK_RPC_ARG_BOOL:
      return "boolean";
    case UMK_RPC_ARG_ARR:
      return "json array";
    case UMK_RPC_ARG_OBJ:
    case UMK_RPC_ARG_OBJ_USER_KEYS:
      return "json object";
    case UMK_RPC_ARG_AMOUNT:
      return "numeric or string";
    }
  return "";
}

/* RPCArg::ToDescriptionString. */
static char *
arg_description (const UmkRpcArg *arg, gboolean named)
{
  GString *s = g_string_new ("(");
  g_string_append (s, arg_type_text (arg));
  switch (arg->fallback_kind)
    {
    case UMK_RPC_ARG_DEFAULT:
    case UMK_RPC_ARG_HINT:
      g_string_append_printf (s, ", optional, default=%s", arg->fallback);
      break;
    case UMK_RPC_ARG_OMITTED:
      if (named)
        g_string_append (s, ", optional");
      break;
    case UMK_RPC_ARG_REQUIRED:
      g_string_append (s, ", required");
      break;
    }
  g_string_append_c (s, ')');
  if (arg->description && *arg->description)
    g_string_append_printf (s, " %s", arg->description);
  return g_string_free (s, FALSE);
}

void
umk_rpc_help_append_sections (GString *out, const char *const *left, const char *const *right,
                              guint n)
{
  gsize pad = 0;
  for (guint i = 0; i < n; i++)
    pad = MAX (pad, strlen (left[i]));
  pad += 4;
  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, left[i]);
      if (right[i] == NULL || *right[i] == '\0')
        {
          g_string_append_c (out, '\n');
          continue;
        }
      for (gsize k = strlen (left[i]); k < pad; k++)
        g_string_append_c (out, ' ');
      g_auto (GStrv) lines = g_strsplit (right[i], "\n", -1);
      for (guint l = 0; lines[l]; l++)
        {
          if (l > 0)
            {
              g_string_append_c (out, '\n');
              for (gsize k = 0; k < pad; k++)
                g_string_append_c (out, ' ');
            }
          g_string_append (out, g_strchug (lines[l]));
        }
      g_string_append_c (out, '\n');
    }
}

void
umk_rpc_help_append_oneline (GString *out, const char *name, const UmkRpcArg *args, guint n_args)
{
  g_string_append (out, name);
  gboolean was_optional = FALSE;
  for (guint i = 0; i < n_args; i++)
    {
      const UmkRpcArg *arg = &args[i];
      if (arg->flags & UMK_RPC_ARG_HIDDEN)
        break;
      g_string_append_c (out, ' ');
      gboolean optional = umk_rpc_arg_optional (arg);
      if (optional && !was_optional)
        g_string_append (out, "( ");
      else if (!optional && was_optional)
        g_string_append (out, ") ");
      was_optional = optional;
      arg_oneline (arg, out);
    }
  if (was_optional)
    g_string_append (out, " )");
}

void
umk_rpc_help_append_head (GString *out, const char *name, const char *description,
                          const UmkRpcArg *args, guint n_args)
{
  umk_rpc_help_append_oneline (out, name, args, n_args);
  g_autofree char *desc = g_strstrip (g_strdup (description));
  g_string_append_printf (out, "\n\n%s\n", desc);

  g_autoptr (GPtrArray) left = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) right = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_args; i++)
    {
      const UmkRpcArg *arg = &args[i];
      if (arg->flags & UMK_RPC_ARG_HIDDEN)
        break;
      GString *l = g_string_new (NULL);
      g_string_printf (l, "%u. ", i + 1);
      arg_first_name (arg, l);
      g_ptr_array_add (left, g_string_free (l, FALSE));
      g_ptr_array_add (right, arg_description (arg, TRUE));
      if (arg->type == UMK_RPC_ARG_ARR && arg->inner)
        {
          GString *inner = g_string_new ("       ");
          arg_oneline (arg->inner, inner);
          g_string_append_c (inner, ',');
          const char *lines[] = { "     [", NULL, "       ...", "     ]" };
          for (guint k = 0; k < G_N_ELEMENTS (lines); k++)
            {
              g_ptr_array_add (left, k == 1 ? g_string_free (inner, FALSE) : g_strdup (lines[k]));
              g_ptr_array_add (right, k == 1 ? arg_description (arg->inner, FALSE) : NULL);
            }
        }
    }
  if (left->len > 0)
    {
      g_string_append (out, "\nArguments:\n");
      umk_rpc_help_append_sections (out, (const char *const *) left->pdata,
                                    (const char *const *) right->pdata, left->len);
    }
}
