/* wallet-rpc.c — the wallet's JSON-RPC methods.
 *
 * Requests arrive as (method, params JSON, endpoint wallet) from the two
 * ExecuteRpc methods. Arguments are checked as Core's RPCHelpMan does, in its
 * order: named parameters placed (transformNamedArguments), the count (a
 * wrong one answers the help text, -1), then each argument's type (-3), then
 * the method, which finds its wallet (GetWalletForJSONRPCRequest) and does
 * its work through the loader. Values are read with common/value.h, which
 * keeps what json-glib loses (repeated keys, NUL bytes in strings). */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/wallet-rpc.h"

#include "common/json.h"
#include "common/logging.h"
#include "common/rpc-util.h"
#include "common/value.h"

#include <string.h>

/* ---- Method descriptions ------------------------------------------------------------------ */

/* One line of help's "Result:" section: the JSON shape on the left, its
 * description on the right (NULL for none). */
typedef struct
{
  const char *left;
  const char *right;
} ResultLine;

typedef struct _Call Call;

typedef struct
{
  const char *name;
  const char *description;
  const UmkRpcArg *args;
  guint n_args;
  const ResultLine *result;
  guint n_result;
  const char *examples;
  void (*handler) (Call *call);
} Method;

struct _Call
{
  GTask *task;
  UmkWalletLoaderService *loader;
  char *endpoint; /* the /wallet/<name> endpoint's wallet, NULL for "/" */
  const Method *method;
  UmkValue *params; /* positional, named ones placed */
};

static void
call_free (Call *call)
{
  g_free (call->endpoint);
  g_clear_pointer (&call->params, umk_value_free);
  g_free (call);
}

#define LOAD_ON_STARTUP_HELP                                                              \
  "Save the wallet name to settings.json's \"wallet\" list, so that it is loaded at the " \
  "next start: true adds it, false removes it, null leaves the list unchanged."

static const ResultLine warnings_result[] = {
  { "  \"warnings\" : [", "(json array, optional) Warnings about the wallet, if any." },
  { "    \"str\",", "(string)" },
  { "    ...", NULL },
  { "  ]", NULL },
};

/* ---- Replies ----------------------------------------------------------------------------------
 */

static void
call_reply (Call *call, UmkValue *result, int code, const char *message)
{
  g_autoptr (UmkValue) reply = umk_value_new_object ();
  if (message == NULL)
    {
      umk_value_push_end (reply, "result", result ? result : umk_value_new_null ());
      umk_value_push_end (reply, "error", umk_value_new_null ());
    }
  else
    {
      g_clear_pointer (&result, umk_value_free);
      UmkValue *error = umk_value_new_object ();
      umk_value_push_end (error, "code", umk_value_new_int (code));
      umk_value_push_end (error, "message", umk_value_new_string (message));
      umk_value_push_end (reply, "result", umk_value_new_null ());
      umk_value_push_end (reply, "error", error);
    }
  GTask *task = g_steal_pointer (&call->task);
  g_task_return_pointer (task, umk_value_to_string (reply, 0), g_free);
  g_object_unref (task); /* frees call, its task data */
}

static void
call_return (Call *call, UmkValue *result)
{
  call_reply (call, result, 0, NULL);
}

static void call_error (Call *call, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

static void
call_error (Call *call, int code, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  call_reply (call, NULL, code, message);
}

static void
call_gerror (Call *call, const GError *error)
{
  int code = error->domain == UMK_WALLET_ERROR || error->domain == UMK_RPC_ERROR
                 ? error->code
                 : UMK_RPC_MISC_ERROR;
  call_reply (call, NULL, code, error->message);
}

static UmkValue *
string_array (const char *const *strings)
{
  UmkValue *a = umk_value_new_array ();
  for (guint i = 0; strings && strings[i]; i++)
    umk_value_append (a, umk_value_new_string (strings[i]));
  return a;
}

/* Core's PushWarnings: the member only when there are warnings. */
static void
push_warnings (UmkValue *object, const char *const *warnings)
{
  if (warnings && warnings[0])
    umk_value_push_end (object, "warnings", string_array (warnings));
}

/* ---- Arguments --------------------------------------------------------------------------------
 */

static const UmkValue *
arg (Call *call, guint i)
{
  return umk_value_at (call->params, i);
}

static gboolean
arg_given (Call *call, guint i)
{
  return !umk_value_is_null (arg (call, i));
}

/* A boolean argument (its type was checked), or def when absent. */
static gboolean
arg_bool (Call *call, guint i, gboolean def)
{
  const UmkValue *v = arg (call, i);
  return umk_value_is_null (v) ? def : strcmp (umk_value_val_str (v), "1") == 0;
}

/* -1 absent (null), else 0/1: load_on_startup. */
static int
arg_tristate (Call *call, guint i)
{
  return arg_given (call, i) ? arg_bool (call, i, FALSE) : -1;
}

/* A string argument as a C string, or NULL when it holds a NUL byte (which
 * no file name can). */
static const char *
arg_str (Call *call, guint i)
{
  const GString *s = umk_value_val_gstring (arg (call, i));
  return strlen (s->str) == s->len ? s->str : NULL;
}

/* Core's transformNamedArguments. Returns: the positional array, or NULL
 * after answering the error. */
static UmkValue *
transform_named (Call *call, const UmkValue *in)
{
  const Method *m = call->method;
  gsize n_members = umk_value_size (in);
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();
  for (gsize i = 0; i < n_members; i++)
    g_ptr_array_add (keys, umk_value_key_at (in, i)->str);
  /* The first "args" member, as UniValue's find_value takes it. */
  const UmkValue *positional = umk_value_get (in, "args");
  gboolean have_pos = umk_value_type (positional) == UMK_VALUE_ARRAY;
  gsize n_pos = have_pos ? umk_value_size (positional) : 0;
  g_autofree gint *slots = g_new (gint, MAX (m->n_args, 1));
  guint n_out;
  g_autoptr (GError) error = NULL;
  if (!umk_rpc_place_named (m->args, m->n_args, (const char *const *) keys->pdata, keys->len,
                            have_pos ? (gint) n_pos : -1, slots, &n_out, &error))
    {
      call_gerror (call, error);
      return NULL;
    }
  UmkValue *out = umk_value_new_array ();
  for (guint i = 0; i < n_out; i++)
    if (i < n_pos)
      umk_value_append (out, umk_value_copy (umk_value_at (positional, i)));
    else if (slots[i] >= 0)
      umk_value_append (out, umk_value_copy (umk_value_at (in, slots[i])));
    else
      umk_value_append (out, umk_value_new_null ());
  return out;
}

/* RPCHelpMan::HandleRequest's checks. Returns: FALSE after answering. */
static gboolean
check_args (Call *call)
{
  const Method *m = call->method;
  guint n = (guint) umk_value_size (call->params);
  if (!umk_rpc_valid_num_args (m->args, m->n_args, n))
    {
      /* Core answers a wrong number of arguments with the help text. */
      g_autofree char *help = umk_wallet_rpc_method_help (m->name);
      call_reply (call, NULL, UMK_RPC_MISC_ERROR, help);
      return FALSE;
    }
  g_autofree const char **types = g_new (const char *, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    types[i] = umk_value_type_name (umk_value_type (arg (call, i)));
  g_autoptr (GError) error = NULL;
  if (!umk_rpc_check_types (m->args, m->n_args, types, n, &error))
    {
      call_gerror (call, error);
      return FALSE;
    }
  return TRUE;
}

/* Core's GetWalletForJSONRPCRequest. Returns: NULL after answering. */
static UmkWallet *
wallet_for_request (Call *call)
{
  if (call->endpoint != NULL)
    {
      UmkWallet *wallet = umk_wallet_loader_service_get_wallet (call->loader, call->endpoint);
      if (wallet == NULL)
        call_error (call, UMK_WALLET_ERROR_NOT_FOUND,
                    "Requested wallet does not exist or is not loaded");
      return wallet;
    }
  GPtrArray *wallets = umk_wallet_loader_service_get_wallets (call->loader);
  if (wallets->len == 1)
    return g_ptr_array_index (wallets, 0);
  if (wallets->len == 0)
    call_error (call, UMK_WALLET_ERROR_NOT_FOUND,
                "No wallet is loaded. Load a wallet using loadwallet or create a new one with "
                "createwallet. (Note: A default wallet is no longer automatically created)");
  else
    call_error (call, UMK_WALLET_ERROR_NOT_SPECIFIED,
                "Multiple wallets are loaded. Please select which wallet to use by requesting "
                "the RPC through the /wallet/<walletname> URI path.");
  return NULL;
}

/* A wallet name argument that holds a NUL byte. */
static void
call_bad_name (Call *call)
{
  call_error (call, UMK_WALLET_ERROR_FAILED,
              "Wallet file verification failed. Invalid wallet name: it contains a NUL "
              "character");
}

/* ---- createwallet, loadwallet --------------------------------------------------------------- */

static void
on_wallet_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Call *call = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;
  UmkWallet *wallet = umk_wallet_loader_service_load_finish (UMK_WALLET_LOADER_SERVICE (source),
                                                             result, &warnings, &error);
  if (wallet == NULL)
    {
      call_gerror (call, error);
      return;
    }
  UmkValue *obj = umk_value_new_object ();
  umk_value_push_end (obj, "name", umk_value_new_string (umk_wallet_get_name (wallet)));
  push_warnings (obj, (const char *const *) warnings);
  call_return (call, obj);
}

static void
rpc_createwallet (Call *call)
{
  const char *name = arg_str (call, 0);
  UmkWalletCreateOptions options = { 0, NULL, arg_tristate (call, 6) };
  if (arg_bool (call, 1, FALSE))
    options.flags |= UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS;
  if (arg_bool (call, 2, FALSE))
    options.flags |= UMK_WALLET_FLAG_BLANK;
  if (arg_given (call, 3))
    {
      options.passphrase = arg_str (call, 3);
      if (options.passphrase == NULL)
        {
          call_error (call, UMK_WALLET_ERROR_FAILED,
                      "Wallet encryption is not supported yet: umkoin-wallet has no keys to "
                      "encrypt. Create the wallet without a passphrase.");
          return;
        }
    }
  if (arg_bool (call, 4, FALSE))
    options.flags |= UMK_WALLET_FLAG_AVOID_REUSE;
  if (!arg_bool (call, 5, TRUE))
    {
      call_error (call, UMK_WALLET_ERROR_FAILED,
                  "descriptors argument must be set to \"true\"; it is no longer possible to "
                  "create a legacy wallet.");
      return;
    }
  if (arg_bool (call, 7, FALSE))
    {
      call_error (call, UMK_WALLET_ERROR_FAILED,
                  "Compiled without external signing support (required for external signing)");
      return;
    }
  if (name == NULL)
    {
      call_bad_name (call);
      return;
    }
  umk_wallet_loader_service_create_async (call->loader, name, &options, on_wallet_loaded, call);
}

static void
rpc_loadwallet (Call *call)
{
  const char *name = arg_str (call, 0);
  if (name == NULL)
    {
      call_bad_name (call);
      return;
    }
  umk_wallet_loader_service_load_async (call->loader, name, arg_tristate (call, 1),
                                        on_wallet_loaded, call);
}

/* ---- unloadwallet --------------------------------------------------------------------------- */

static void
rpc_unloadwallet (Call *call)
{
  /* Core's EnsureUniqueWalletName. */
  const char *name;
  if (call->endpoint != NULL)
    {
      if (arg_given (call, 0)
          && (arg_str (call, 0) == NULL || strcmp (arg_str (call, 0), call->endpoint) != 0))
        {
          call_error (call, UMK_WALLET_ERROR_INVALID_PARAMETER,
                      "The RPC endpoint wallet and the wallet name parameter specify different "
                      "wallets");
          return;
        }
      name = call->endpoint;
    }
  else if (!arg_given (call, 0))
    {
      call_error (call, UMK_WALLET_ERROR_INVALID_PARAMETER,
                  "Either the RPC endpoint wallet or the wallet name parameter must be provided");
      return;
    }
  else if ((name = arg_str (call, 0)) == NULL)
    {
      call_error (call, UMK_WALLET_ERROR_NOT_FOUND,
                  "Requested wallet does not exist or is not loaded");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;
  if (!umk_wallet_loader_service_unload (call->loader, name, arg_tristate (call, 1), &warnings,
                                         &error))
    {
      call_gerror (call, error);
      return;
    }
  UmkValue *obj = umk_value_new_object ();
  push_warnings (obj, (const char *const *) warnings);
  call_return (call, obj);
}

/* ---- listwallets, listwalletdir ---------------------------------------------------------------
 */

static void
rpc_listwallets (Call *call)
{
  UmkValue *list = umk_value_new_array ();
  GPtrArray *wallets = umk_wallet_loader_service_get_wallets (call->loader);
  for (guint i = 0; i < wallets->len; i++)
    umk_value_append (list,
                      umk_value_new_string (umk_wallet_get_name (g_ptr_array_index (wallets, i))));
  call_return (call, list);
}

static void
rpc_listwalletdir (Call *call)
{
  g_auto (GStrv) names = umk_wallet_loader_service_list_wallet_dir (call->loader);
  UmkValue *wallets = umk_value_new_array ();
  for (guint i = 0; names[i]; i++)
    {
      UmkValue *w = umk_value_new_object ();
      umk_value_push_end (w, "name", umk_value_new_string (names[i]));
      /* Core lists legacy-wallet warnings here; a wallet of ours has none. */
      umk_value_push_end (w, "warnings", umk_value_new_array ());
      umk_value_append (wallets, w);
    }
  UmkValue *obj = umk_value_new_object ();
  umk_value_push_end (obj, "wallets", wallets);
  call_return (call, obj);
}

/* ---- getwalletinfo ----------------------------------------------------------------------------
 */

static void
rpc_getwalletinfo (Call *call)
{
  UmkWallet *wallet = wallet_for_request (call);
  if (wallet == NULL)
    return;
  guint64 flags = umk_wallet_get_flags (wallet);
  UmkValue *obj = umk_value_new_object ();
  umk_value_push_end (obj, "walletname", umk_value_new_string (umk_wallet_get_name (wallet)));
  umk_value_push_end (obj, "walletversion", umk_value_new_int (UMK_WALLET_RPC_WALLETVERSION));
  umk_value_push_end (obj, "format", umk_value_new_string (UMK_WALLET_STORE_FORMAT_NAME));
  /* No transactions and no keys exist yet: these are the true counts. */
  umk_value_push_end (obj, "txcount", umk_value_new_int (0));
  umk_value_push_end (obj, "keypoolsize", umk_value_new_int (0));
  umk_value_push_end (obj, "keypoolsize_hd_internal", umk_value_new_int (0));
  /* unlocked_until only for an encrypted wallet, which cannot exist yet. */
  umk_value_push_end (obj, "private_keys_enabled",
                      umk_value_new_bool ((flags & UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS) == 0));
  umk_value_push_end (obj, "avoid_reuse",
                      umk_value_new_bool ((flags & UMK_WALLET_FLAG_AVOID_REUSE) != 0));
  gint64 duration;
  double progress;
  if (umk_wallet_get_scanning (wallet, &duration, &progress))
    {
      UmkValue *scanning = umk_value_new_object ();
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      umk_value_push_end (scanning, "duration", umk_value_new_int (duration));
      umk_value_push_end (scanning, "progress",
                          umk_value_new_number (umk_json_format_double (progress, buf)));
      umk_value_push_end (obj, "scanning", scanning);
    }
  else
    umk_value_push_end (obj, "scanning", umk_value_new_bool (FALSE));
  umk_value_push_end (obj, "descriptors",
                      umk_value_new_bool ((flags & UMK_WALLET_FLAG_DESCRIPTORS) != 0));
  umk_value_push_end (obj, "external_signer",
                      umk_value_new_bool ((flags & UMK_WALLET_FLAG_EXTERNAL_SIGNER) != 0));
  umk_value_push_end (obj, "blank", umk_value_new_bool ((flags & UMK_WALLET_FLAG_BLANK) != 0));
  /* birthtime is the earliest key's time, which Core leaves out while a
   * wallet has no keys. */
  UmkValue *flag_list = umk_value_new_array ();
  for (guint bit = 0; bit < 64; bit++)
    {
      guint64 flag = G_GUINT64_CONSTANT (1) << bit;
      if (!(flags & flag))
        continue;
      const char *flag_name = umk_wallet_flag_name (flag);
      if (flag_name)
        umk_value_append (flag_list, umk_value_new_string (flag_name));
      else
        {
          g_autofree char *unknown = g_strdup_printf ("unknown_flag_%u", bit);
          umk_value_append (flag_list, umk_value_new_string (unknown));
        }
    }
  umk_value_push_end (obj, "flags", flag_list);
  int height;
  UmkUint256 hash;
  umk_wallet_get_last_block (wallet, &height, &hash);
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&hash, hex);
  UmkValue *last = umk_value_new_object ();
  umk_value_push_end (last, "hash", umk_value_new_string (hex));
  umk_value_push_end (last, "height", umk_value_new_int (height));
  umk_value_push_end (obj, "lastprocessedblock", last);
  call_return (call, obj);
}

/* ---- help -------------------------------------------------------------------------------------
 */

static void rpc_help (Call *call);

static const UmkRpcArg createwallet_args[] = {
  { "wallet_name", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The name of the new wallet: a folder below the wallet directory, or an absolute path." },
  { "disable_private_keys", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Make a watch-only wallet, which never holds private keys." },
  { "blank", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Make a wallet without keys or descriptors." },
  { "passphrase", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL,
    "Encrypt the wallet with this passphrase (not supported yet: umkoin-wallet has no keys to "
    "encrypt; \"\" creates an unencrypted wallet)." },
  { "avoid_reuse", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Keep track of reused addresses and spend their coins apart, for privacy." },
  { "descriptors", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "Must be true: only descriptor wallets can be created." },
  { "load_on_startup", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_OMITTED, NULL, LOAD_ON_STARTUP_HELP },
  { "external_signer", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Use an external signer such as a hardware wallet (not supported by this build)." },
};

static const ResultLine name_result[] = {
  { "{", "(json object)" },
  { "  \"name\" : \"str\",", "(string) The name of the wallet." },
  { NULL, NULL }, /* warnings_result */
  { "}", NULL },
};

static const UmkRpcArg loadwallet_args[] = {
  { "filename", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The wallet to load: a folder below the wallet directory (-walletdir, by default the "
    "\"wallets\" folder of the data directory), or an absolute path." },
  { "load_on_startup", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_OMITTED, NULL, LOAD_ON_STARTUP_HELP },
};

static const UmkRpcArg unloadwallet_args[] = {
  { "wallet_name", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "the wallet name from the RPC endpoint",
    "The wallet to unload. When the request also names a wallet through its endpoint, both must "
    "be the same." },
  { "load_on_startup", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_OMITTED, NULL, LOAD_ON_STARTUP_HELP },
};

static const ResultLine unload_result[] = {
  { "{", "(json object)" },
  { NULL, NULL }, /* warnings_result */
  { "}", NULL },
};

static const ResultLine listwallets_result[] = {
  { "[", "(json array)" },
  { "  \"str\",", "(string) The name of a loaded wallet." },
  { "  ...", NULL },
  { "]", NULL },
};

static const ResultLine listwalletdir_result[] = {
  { "{", "(json object)" },
  { "  \"wallets\" : [", "(json array)" },
  { "    {", "(json object)" },
  { "      \"name\" : \"str\",", "(string) The wallet's name." },
  { "      \"warnings\" : [", "(json array, optional) Warnings about loading the wallet, if any." },
  { "        \"str\",", "(string)" },
  { "        ...", NULL },
  { "      ]", NULL },
  { "    },", NULL },
  { "    ...", NULL },
  { "  ]", NULL },
  { "}", NULL },
};

static const ResultLine getwalletinfo_result[] = {
  { "{", "(json object)" },
  { "  \"walletname\" : \"str\",", "(string) The wallet's name." },
  { "  \"walletversion\" : n,", "(numeric) (DEPRECATED) Always 169900, as Core reports." },
  { "  \"format\" : \"str\",", "(string) The database the wallet is kept in (lmdb)." },
  { "  \"txcount\" : n,", "(numeric) How many transactions the wallet holds." },
  { "  \"keypoolsize\" : n,", "(numeric) How many receiving keys are derived ahead." },
  { "  \"keypoolsize_hd_internal\" : n,", "(numeric) How many change keys are derived ahead." },
  { "  \"unlocked_until\" : xxx,",
    "(numeric, optional) For an encrypted wallet: the UNIX time until which it stays unlocked, "
    "0 when locked." },
  { "  \"private_keys_enabled\" : true|false,",
    "(boolean) false for a watch-only wallet (private keys disabled)." },
  { "  \"avoid_reuse\" : true|false,",
    "(boolean) Whether coins of reused addresses are kept apart." },
  { "  \"scanning\" : {", "(json object) The catch-up with the chain in progress, or false." },
  { "    \"duration\" : n,", "(numeric) Seconds since it began." },
  { "    \"progress\" : n", "(numeric) How far it is, from 0 to 1." },
  { "  },", NULL },
  { "  \"descriptors\" : true|false,", "(boolean) Whether the wallet uses descriptors." },
  { "  \"external_signer\" : true|false,",
    "(boolean) Whether the wallet signs with an external device." },
  { "  \"blank\" : true|false,", "(boolean) Whether the wallet was made without keys." },
  { "  \"birthtime\" : xxx,",
    "(numeric, optional) The UNIX time from which blocks are scanned for the wallet (absent "
    "while it has no keys)." },
  { "  \"flags\" : [", "(json array) The wallet's flags." },
  { "    \"str\",", "(string) A flag's name." },
  { "    ...", NULL },
  { "  ],", NULL },
  { "  \"lastprocessedblock\" : {", "(json object) The last block the wallet processed." },
  { "    \"hash\" : \"hex\",", "(string) Its hash." },
  { "    \"height\" : n", "(numeric) Its height." },
  { "  }", NULL },
  { "}", NULL },
};

static const UmkRpcArg help_args[] = {
  { "command", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "all wallet commands",
    "The command to describe." },
};

static const ResultLine help_result[] = {
  { "\"str\"", "(string) The help text" },
};

static const Method methods[] = {
  { "createwallet",
    "Creates a wallet and loads it.\n"
    "The wallet holds no keys or transactions yet: keys, addresses and "
    "transactions come with a later version of umkoin-wallet.",
    createwallet_args, G_N_ELEMENTS (createwallet_args), name_result, G_N_ELEMENTS (name_result),
    UMK_RPC_EXAMPLES ("createwallet", "\"testwallet\"", "\"testwallet\""), rpc_createwallet },
  { "getwalletinfo", "Returns what the wallet is and how far it has followed the chain.", NULL, 0,
    getwalletinfo_result, G_N_ELEMENTS (getwalletinfo_result),
    UMK_RPC_EXAMPLES ("getwalletinfo", "", ""), rpc_getwalletinfo },
  { "help", "Lists the wallet's RPC commands, or describes one.", help_args,
    G_N_ELEMENTS (help_args), help_result, G_N_ELEMENTS (help_result), NULL, rpc_help },
  { "listwalletdir", "Returns the wallets found in the wallet directory.", NULL, 0,
    listwalletdir_result, G_N_ELEMENTS (listwalletdir_result),
    UMK_RPC_EXAMPLES ("listwalletdir", "", ""), rpc_listwalletdir },
  { "listwallets",
    "Returns the names of the loaded wallets, in the order they were loaded.\n"
    "For more about one wallet, use \"getwalletinfo\".",
    NULL, 0, listwallets_result, G_N_ELEMENTS (listwallets_result),
    UMK_RPC_EXAMPLES ("listwallets", "", ""), rpc_listwallets },
  { "loadwallet", "Loads an existing wallet.", loadwallet_args, G_N_ELEMENTS (loadwallet_args),
    name_result, G_N_ELEMENTS (name_result),
    UMK_RPC_EXAMPLES ("loadwallet", "\"walletname\"", "\"walletname\""), rpc_loadwallet },
  { "unloadwallet",
    "Unloads the wallet of the request's endpoint, or the one named.\n"
    "When both are given, they must be the same wallet.",
    unloadwallet_args, G_N_ELEMENTS (unloadwallet_args), unload_result,
    G_N_ELEMENTS (unload_result), UMK_RPC_EXAMPLES ("unloadwallet", "wallet_name", "wallet_name"),
    rpc_unloadwallet },
};

static const Method *
find_method (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    if (strcmp (methods[i].name, name) == 0)
      return &methods[i];
  return NULL;
}

char *
umk_wallet_rpc_method_help (const char *name)
{
  const Method *m = name ? find_method (name) : NULL;
  if (m == NULL)
    return NULL;
  GString *s = g_string_new (NULL);
  umk_rpc_help_append_head (s, m->name, m->description, m->args, m->n_args);

  /* The result, with the shared warnings lines where a placeholder is. */
  g_autoptr (GPtrArray) left = g_ptr_array_new ();
  g_autoptr (GPtrArray) right = g_ptr_array_new ();
  for (guint i = 0; i < m->n_result; i++)
    {
      if (m->result[i].left == NULL)
        {
          for (guint w = 0; w < G_N_ELEMENTS (warnings_result); w++)
            {
              g_ptr_array_add (left, (gpointer) warnings_result[w].left);
              g_ptr_array_add (right, (gpointer) warnings_result[w].right);
            }
          continue;
        }
      g_ptr_array_add (left, (gpointer) m->result[i].left);
      g_ptr_array_add (right, (gpointer) m->result[i].right);
    }
  g_string_append (s, "\nResult:\n");
  umk_rpc_help_append_sections (s, (const char *const *) left->pdata,
                                (const char *const *) right->pdata, left->len);
  if (m->examples)
    g_string_append_printf (s, "\nExamples:\n%s", m->examples);
  return g_string_free (s, FALSE);
}

static void
rpc_help (Call *call)
{
  if (arg_given (call, 0))
    {
      const char *command = arg_str (call, 0);
      g_autofree char *text = umk_wallet_rpc_method_help (command);
      if (text == NULL)
        text = g_strdup_printf ("help: unknown command: %s", command ? command : "");
      call_return (call, umk_value_new_string (text));
      return;
    }
  GString *s = g_string_new ("== Wallet ==\n");
  /* methods[] is sorted by name, as Core's help lists. */
  for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      const Method *m = &methods[i];
      if (m->handler == rpc_help)
        continue;
      umk_rpc_help_append_oneline (s, m->name, m->args, m->n_args);
      g_string_append_c (s, '\n');
    }
  g_string_truncate (s, s->len - 1);
  g_autofree char *text = g_string_free (s, FALSE);
  call_return (call, umk_value_new_string (text));
}

gboolean
umk_wallet_rpc_has_method (const char *method)
{
  return method != NULL && find_method (method) != NULL;
}

const char *const *
umk_wallet_rpc_method_names (void)
{
  /* Derived from the table, so the two cannot disagree. */
  static gsize once = 0;
  static const char *names[G_N_ELEMENTS (methods) + 1];
  if (g_once_init_enter (&once))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (methods); i++)
        names[i] = methods[i].name;
      names[G_N_ELEMENTS (methods)] = NULL;
      g_once_init_leave (&once, 1);
    }
  return names;
}

/* ---- Dispatch ----------------------------------------------------------------------------------
 */

void
umk_wallet_rpc_execute_async (UmkWalletLoaderService *loader, const char *endpoint_wallet,
                              const char *method, const char *params, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  g_return_if_fail (UMK_IS_WALLET_LOADER_SERVICE (loader) && method != NULL);
  Call *call = g_new0 (Call, 1);
  call->task = g_task_new (loader, NULL, callback, user_data);
  g_task_set_source_tag (call->task, umk_wallet_rpc_execute_async);
  g_task_set_task_data (call->task, call, (GDestroyNotify) call_free);
  call->loader = loader;
  call->endpoint = g_strdup (endpoint_wallet);
  call->method = find_method (method);
  UMK_LOG_DEBUG (UMK_LOG_RPC, "wallet RPC method=%s endpoint=%s", method,
                 endpoint_wallet ? endpoint_wallet : "/");
  if (call->method == NULL)
    {
      call_error (call, UMK_RPC_METHOD_NOT_FOUND, "Method not found");
      return;
    }

  gsize len = params ? strlen (params) : 0;
  if (len == 0 || strspn (params, " \t\r\n") == len)
    call->params = umk_value_new_array ();
  else
    {
      g_autoptr (UmkValue) value = umk_value_read (params, len);
      if (value == NULL)
        {
          call_error (call, UMK_RPC_PARSE_ERROR, "Parse error");
          return;
        }
      if (umk_value_type (value) == UMK_VALUE_ARRAY)
        call->params = g_steal_pointer (&value);
      else if (umk_value_type (value) == UMK_VALUE_OBJECT)
        {
          call->params = transform_named (call, value);
          if (call->params == NULL)
            return;
        }
      else
        {
          call_error (call, UMK_RPC_INVALID_REQUEST, "Params must be an array or object");
          return;
        }
    }

  if (!check_args (call))
    return;
  call->method->handler (call);
}

char *
umk_wallet_rpc_execute_finish (GAsyncResult *result)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  return g_task_propagate_pointer (G_TASK (result), NULL);
}
