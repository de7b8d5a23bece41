#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-getinfo.h"

#include <string.h>
#include <unistd.h>

#define CURRENCY_UNIT        "UMK"
#define RPC_METHOD_NOT_FOUND (-32601)

/* The batch members' ids: their places in the batch. */
enum
{
  ID_NETWORKINFO,
  ID_BLOCKCHAININFO,
  ID_WALLETINFO,
  ID_BALANCES,
  N_IDS
};

static UmkValue *
getinfo_prepare (CliHandler *self, UmkArgs *args, const char *method, const char *const *params,
                 gsize n_params, GError **error)
{
  (void) self;
  (void) args;
  (void) method;
  (void) params;
  if (n_params != 0)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, "-getinfo takes no arguments");
      return NULL;
    }
  static const char *const methods[N_IDS]
      = { "getnetworkinfo", "getblockchaininfo", "getwalletinfo", "getbalances" };
  UmkValue *batch = umk_value_new_array ();
  for (int id = 0; id < N_IDS; id++)
    umk_value_append (batch, cli_rpc_request (methods[id], NULL, id));
  return batch;
}

/* Core's JSONRPCProcessBatchReply: the members by id; missing ones are null. */
static gboolean
sort_batch (const UmkValue *answer, const UmkValue **batch, GError **error)
{
  if (umk_value_type (answer) != UMK_VALUE_ARRAY)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, "Batch must be an array");
      return FALSE;
    }
  gsize n = umk_value_size (answer);
  for (gsize i = 0; i < N_IDS; i++)
    batch[i] = umk_value_null ();
  for (gsize i = 0; i < n; i++)
    {
      const UmkValue *rec = umk_value_at (answer, i);
      if (umk_value_type (rec) != UMK_VALUE_OBJECT)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "Batch member must be an object");
          return FALSE;
        }
      int id;
      g_autoptr (GError) local = NULL;
      if (!umk_value_get_int (umk_value_get (rec, "id"), &id, &local))
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local->message);
          return FALSE;
        }
      /* A negative id wraps to a huge size_t in Core, hence "larger". */
      if (id < 0 || (gsize) id >= n)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "Batch member id is larger than batch size");
          return FALSE;
        }
      if (id < N_IDS)
        batch[id] = rec;
    }
  return TRUE;
}

/* TRUE when the member's error is the node saying it has no such method. */
static gboolean
method_missing (const UmkValue *member)
{
  int code;
  return umk_value_get_int (umk_value_get (umk_value_get (member, "error"), "code"), &code, NULL)
         && code == RPC_METHOD_NOT_FOUND;
}

static void
push_copy (UmkValue *obj, const char *key, const UmkValue *value)
{
  umk_value_push (obj, key, umk_value_copy (value));
}

static UmkValue *
getinfo_process (CliHandler *self, const UmkValue *answer, GError **error)
{
  (void) self;
  const UmkValue *batch[N_IDS];
  if (!sort_batch (answer, batch, error))
    return NULL;

  /* The node-wide calls must work (Core passes their errors on); the wallet
   * calls may fail when no wallet is loaded. */
  for (int id = ID_NETWORKINFO; id <= ID_BLOCKCHAININFO; id++)
    if (!umk_value_is_null (umk_value_get (batch[id], "error")))
      {
        if (!method_missing (batch[id]))
          return umk_value_copy (batch[id]);
        batch[id] = umk_value_null ();
      }

  const UmkValue *net = umk_value_get (batch[ID_NETWORKINFO], "result");
  const UmkValue *chain = umk_value_get (batch[ID_BLOCKCHAININFO], "result");
  const UmkValue *wallet = umk_value_get (batch[ID_WALLETINFO], "result");
  const UmkValue *balances = umk_value_get (batch[ID_BALANCES], "result");

  UmkValue *result = umk_value_new_object ();
  push_copy (result, "version", umk_value_get (net, "version"));
  push_copy (result, "blocks", umk_value_get (chain, "blocks"));
  push_copy (result, "headers", umk_value_get (chain, "headers"));
  push_copy (result, "verificationprogress", umk_value_get (chain, "verificationprogress"));
  push_copy (result, "timeoffset", umk_value_get (net, "timeoffset"));
  UmkValue *connections = umk_value_new_object ();
  push_copy (connections, "in", umk_value_get (net, "connections_in"));
  push_copy (connections, "out", umk_value_get (net, "connections_out"));
  push_copy (connections, "total", umk_value_get (net, "connections"));
  umk_value_push (result, "connections", connections);
  push_copy (result, "networks", umk_value_get (net, "networks"));
  push_copy (result, "difficulty", umk_value_get (chain, "difficulty"));
  push_copy (result, "chain", umk_value_get (chain, "chain"));
  if (!umk_value_is_null (wallet))
    {
      umk_value_push (result, "has_wallet", umk_value_new_bool (TRUE));
      push_copy (result, "keypoolsize", umk_value_get (wallet, "keypoolsize"));
      push_copy (result, "walletname", umk_value_get (wallet, "walletname"));
      if (!umk_value_is_null (umk_value_get (wallet, "unlocked_until")))
        push_copy (result, "unlocked_until", umk_value_get (wallet, "unlocked_until"));
    }
  if (!umk_value_is_null (balances))
    push_copy (result, "balance", umk_value_get (umk_value_get (balances, "mine"), "trusted"));
  push_copy (result, "relayfee", umk_value_get (net, "relayfee"));
  push_copy (result, "warnings", umk_value_get (net, "warnings"));
  return cli_rpc_reply (result);
}

CliHandler *
cli_getinfo_handler (void)
{
  static CliHandler handler = { getinfo_prepare, getinfo_process };
  return &handler;
}

gboolean
cli_getinfo_add_wallet_balances (UmkArgs *args, UmkValue *result, GError **error)
{
  CliHandler *rh = cli_default_handler ();
  g_autoptr (UmkValue) listwallets = cli_rpc_call (args, rh, "listwallets", NULL, 0, NULL, error);
  if (listwallets == NULL)
    return FALSE;
  if (!umk_value_is_null (umk_value_get (listwallets, "error")))
    return TRUE;
  const UmkValue *wallets = umk_value_get (listwallets, "result");
  if (umk_value_size (wallets) <= 1)
    return TRUE;

  g_autoptr (UmkValue) balances = umk_value_new_object ();
  for (gsize i = 0; i < umk_value_size (wallets); i++)
    {
      g_autoptr (GError) local = NULL;
      const char *name = umk_value_get_str (umk_value_at (wallets, i), &local);
      if (name == NULL)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local->message);
          return FALSE;
        }
      g_autoptr (UmkValue) getbalances
          = cli_rpc_call (args, rh, "getbalances", NULL, 0, name, error);
      if (getbalances == NULL)
        return FALSE;
      const UmkValue *trusted = umk_value_get (
          umk_value_get (umk_value_get (getbalances, "result"), "mine"), "trusted");
      umk_value_push (balances, name, umk_value_copy (trusted));
    }
  umk_value_push (result, "balances", g_steal_pointer (&balances));
  return TRUE;
}

/* Core's GetProgressBar: one block per 5 %, filled then empty. */
static void
append_progress_bar (GString *out, double progress)
{
  static const double increment = 0.05;
  if (progress < 0 || progress > 1)
    return;
  for (int i = 0; i < progress / increment; ++i)
    g_string_append (out, "\u2592");
  for (int i = 0; i < (1 - progress) / increment; ++i)
    g_string_append (out, "\u2591");
}

typedef struct
{
  const char *reset, *green, *blue, *yellow, *magenta, *cyan;
} Colors;

/* The "Proxies:" line: each proxy once, in order of first use, with the
 * networks that use it. */
static void
append_proxies (GString *out, const UmkValue *networks)
{
  g_autoptr (GPtrArray) proxies = g_ptr_array_new (); /* const char *, borrowed */
  g_autoptr (GHashTable) names
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (gsize i = 0; i < umk_value_size (networks); i++)
    {
      const UmkValue *network = umk_value_at (networks, i);
      const char *proxy = umk_value_val_str (umk_value_get (network, "proxy"));
      if (proxy[0] == '\0')
        continue;
      GPtrArray *list = g_hash_table_lookup (names, proxy);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (names, (gpointer) proxy, list);
          g_ptr_array_add (proxies, (gpointer) proxy);
        }
      g_ptr_array_add (list, (gpointer) umk_value_val_str (umk_value_get (network, "name")));
    }
  g_string_append (out, "Proxies: ");
  if (proxies->len == 0)
    g_string_append (out, "n/a");
  for (guint i = 0; i < proxies->len; i++)
    {
      const char *proxy = g_ptr_array_index (proxies, i);
      GPtrArray *list = g_hash_table_lookup (names, proxy);
      g_string_append_printf (out, "%s%s (", i ? ", " : "", proxy);
      for (guint j = 0; j < list->len; j++)
        g_string_append_printf (out, "%s%s", j ? ", " : "", (char *) g_ptr_array_index (list, j));
      g_string_append_c (out, ')');
    }
  g_string_append_c (out, '\n');
}

char *
cli_getinfo_format (UmkArgs *args, const UmkValue *result, GError **error)
{
  if (!umk_value_is_null (umk_value_get (result, "error")))
    return NULL;

  gboolean colorize = isatty (STDOUT_FILENO);
  g_autofree char *color = umk_args_get (args, "-color", "auto");
  if (strcmp (color, "always") == 0)
    colorize = TRUE;
  else if (strcmp (color, "never") == 0)
    colorize = FALSE;
  else if (strcmp (color, "auto") != 0)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "Invalid value for -color option. Valid values: always, auto, never.");
      return NULL;
    }
  Colors c = { "", "", "", "", "", "" };
  if (colorize)
    c = (Colors){ "\x1B[0m", "\x1B[32m", "\x1B[34m", "\x1B[33m", "\x1B[35m", "\x1B[36m" };

#define VAL(v) umk_value_val_str (v)
#define GET(k) umk_value_get (result, k)
  GString *out = g_string_new (NULL);
  g_string_append_printf (out, "%sChain: %s%s\n", c.blue, VAL (GET ("chain")), c.reset);
  g_string_append_printf (out, "Blocks: %s\n", VAL (GET ("blocks")));
  g_string_append_printf (out, "Headers: %s\n", VAL (GET ("headers")));

  /* A node without getblockchaininfo yet has no progress to show. */
  const UmkValue *progress_value = GET ("verificationprogress");
  g_string_append (out, "Verification progress: ");
  if (!umk_value_is_null (progress_value))
    {
      double progress;
      if (!umk_value_get_real (progress_value, &progress, error))
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      /* The bar only while the node is well behind. */
      if (progress < 0.99)
        {
          append_progress_bar (out, progress);
          g_string_append_c (out, ' ');
        }
      g_string_append_printf (out, "%.4f%%", progress * 100);
    }
  g_string_append_c (out, '\n');
  g_string_append_printf (out, "Difficulty: %s\n\n", VAL (GET ("difficulty")));

  const UmkValue *conns = GET ("connections");
  g_string_append_printf (out, "%sNetwork: in %s, out %s, total %s%s\n", c.green,
                          VAL (umk_value_get (conns, "in")), VAL (umk_value_get (conns, "out")),
                          VAL (umk_value_get (conns, "total")), c.reset);
  g_string_append_printf (out, "Version: %s\n", VAL (GET ("version")));
  g_string_append_printf (out, "Time offset (s): %s\n", VAL (GET ("timeoffset")));

  const UmkValue *networks = GET ("networks");
  UmkValueType nt = umk_value_type (networks);
  if (nt != UMK_VALUE_NULL && nt != UMK_VALUE_ARRAY && nt != UMK_VALUE_OBJECT)
    {
      g_string_free (out, TRUE);
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "JSON value is not an object or array as expected");
      return NULL;
    }
  append_proxies (out, networks);
  g_string_append_printf (out, "Min tx relay fee rate (%s/kvB): %s\n\n", CURRENCY_UNIT,
                          VAL (GET ("relayfee")));

  if (!umk_value_is_null (GET ("has_wallet")))
    {
      const char *walletname = VAL (GET ("walletname"));
      g_string_append_printf (out, "%sWallet: %s%s\n", c.magenta,
                              walletname[0] ? walletname : "\"\"", c.reset);
      g_string_append_printf (out, "Keypool size: %s\n", VAL (GET ("keypoolsize")));
      if (!umk_value_is_null (GET ("unlocked_until")))
        g_string_append_printf (out, "Unlocked until: %s\n", VAL (GET ("unlocked_until")));
    }
  if (!umk_value_is_null (GET ("balance")))
    g_string_append_printf (out, "%sBalance:%s %s\n\n", c.cyan, c.reset, VAL (GET ("balance")));

  const UmkValue *balances = GET ("balances");
  if (!umk_value_is_null (balances))
    {
      g_string_append_printf (out, "%sBalances%s\n", c.cyan, c.reset);
      gsize width = 10;
      for (gsize i = 0; i < umk_value_size (balances); i++)
        width = MAX (width, strlen (VAL (umk_value_at (balances, i))));
      for (gsize i = 0; i < umk_value_size (balances); i++)
        {
          const GString *name = umk_value_key_at (balances, i);
          g_string_append_printf (out, "%*s %s\n", (int) width, VAL (umk_value_at (balances, i)),
                                  name->len ? name->str : "\"\"");
        }
      g_string_append_c (out, '\n');
    }

  /* Core shows warnings given as a string; a list (newer nodes) shows as none. */
  const char *warnings = VAL (GET ("warnings"));
  g_string_append_printf (out, "%sWarnings:%s %s", c.yellow, c.reset,
                          warnings[0] ? warnings : "(none)");
#undef GET
#undef VAL
  return g_string_free (out, FALSE);
}
