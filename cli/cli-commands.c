#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-commands.h"

#include "common/rpc-convert.h"

#include <string.h>

/* ---- -addrinfo --------------------------------------------------------- */

/* getnodeaddresses' network names; the first and last are never counted
 * (not publicly routable, internal). */
static const char *const networks[] = {
  "not_publicly_routable", "ipv4", "ipv6", "onion", "i2p", "cjdns", "internal",
};

static UmkValue *
addrinfo_prepare (CliHandler *self, UmkArgs *args, const char *method, const char *const *params,
                  gsize n_params, GError **error)
{
  (void) self;
  (void) args;
  (void) method;
  (void) params;
  if (n_params != 0)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, "-addrinfo takes no arguments");
      return NULL;
    }
  /* count 0: every address the node knows. */
  static const char *const all[] = { "0" };
  UmkValue *converted = umk_rpc_convert_positional ("getnodeaddresses", all, 1, error);
  if (converted == NULL)
    return NULL;
  return cli_rpc_request ("getnodeaddresses", converted, 1);
}

static UmkValue *
addrinfo_process (CliHandler *self, const UmkValue *answer, GError **error)
{
  (void) self;
  if (!umk_value_is_null (umk_value_get (answer, "error")))
    return umk_value_copy (answer);
  const UmkValue *nodes = umk_value_get (answer, "result");
  UmkValueType t = umk_value_type (nodes);
  if (t != UMK_VALUE_ARRAY && t != UMK_VALUE_OBJECT)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "JSON value is not an object or array as expected");
      return NULL;
    }
  if (umk_value_size (nodes) > 0
      && umk_value_is_null (umk_value_get (umk_value_at (nodes, 0), "network")))
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "-addrinfo requires umkoind server to be running v22.0 and up");
      return NULL;
    }

  guint64 counts[G_N_ELEMENTS (networks)] = { 0 };
  for (gsize i = 0; i < umk_value_size (nodes); i++)
    {
      g_autoptr (GError) local = NULL;
      const char *name
          = umk_value_get_str (umk_value_get (umk_value_at (nodes, i), "network"), &local);
      if (name == NULL)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local->message);
          return NULL;
        }
      for (gsize n = 0; n < G_N_ELEMENTS (networks); n++)
        if (strcmp (name, networks[n]) == 0)
          counts[n]++;
    }

  UmkValue *addresses = umk_value_new_object ();
  guint64 total = 0;
  for (gsize n = 1; n + 1 < G_N_ELEMENTS (networks); n++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GUINT64_FORMAT, counts[n]);
      umk_value_push (addresses, networks[n], umk_value_new_number (count));
      total += counts[n];
    }
  g_autofree char *total_text = g_strdup_printf ("%" G_GUINT64_FORMAT, total);
  umk_value_push (addresses, "total", umk_value_new_number (total_text));
  UmkValue *result = umk_value_new_object ();
  umk_value_push (result, "addresses_known", addresses);
  return cli_rpc_reply (result);
}

CliHandler *
cli_addrinfo_handler (void)
{
  static CliHandler handler = { addrinfo_prepare, addrinfo_process };
  return &handler;
}

/* ---- -generate --------------------------------------------------------- */

typedef struct
{
  CliHandler parent;
  char *address; /* the new address the blocks pay to */
} GenerateHandler;

static UmkValue *
generate_prepare (CliHandler *self, UmkArgs *args, const char *method, const char *const *params,
                  gsize n_params, GError **error)
{
  (void) args;
  (void) method;
  GenerateHandler *gh = (GenerateHandler *) self;
  g_return_val_if_fail (n_params >= 2, NULL);
  g_free (gh->address);
  gh->address = g_strdup (params[1]);
  UmkValue *converted = umk_rpc_convert_positional ("generatetoaddress", params, n_params, error);
  if (converted == NULL)
    return NULL;
  return cli_rpc_request ("generatetoaddress", converted, 1);
}

static UmkValue *
generate_process (CliHandler *self, const UmkValue *answer, GError **error)
{
  GenerateHandler *gh = (GenerateHandler *) self;
  if (umk_value_type (answer) != UMK_VALUE_OBJECT)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED,
                   "JSON value of type %s is not of expected type object",
                   umk_value_type_name (umk_value_type (answer)));
      return NULL;
    }
  /* As in Core, only the result is kept: an error from the node shows as
   * "blocks": null. */
  UmkValue *result = umk_value_new_object ();
  umk_value_push (result, "address", umk_value_new_string (gh->address ? gh->address : ""));
  umk_value_push (result, "blocks", umk_value_copy (umk_value_get (answer, "result")));
  return cli_rpc_reply (result);
}

CliHandler *
cli_generate_handler_new (void)
{
  GenerateHandler *gh = g_new0 (GenerateHandler, 1);
  gh->parent.prepare = generate_prepare;
  gh->parent.process = generate_process;
  return &gh->parent;
}

void
cli_generate_handler_free (CliHandler *handler)
{
  GenerateHandler *gh = (GenerateHandler *) handler;
  if (gh == NULL)
    return;
  g_free (gh->address);
  g_free (gh);
}

gboolean
cli_generate_set_args (const char *address, GPtrArray *words, GError **error)
{
  if (words->len > 2)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "too many arguments (maximum 2 for nblocks and maxtries)");
      return FALSE;
    }
  if (words->len == 0)
    g_ptr_array_add (words, g_strdup ("1"));
  else if (strcmp (g_ptr_array_index (words, 0), "0") == 0)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "the first argument (number of blocks to generate, default: 1) must be "
                           "an integer value greater than zero");
      return FALSE;
    }
  g_ptr_array_insert (words, 1, g_strdup (address));
  return TRUE;
}
