#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "common/rpc-convert.h"

#include "common/error.h"

#include <string.h>

typedef enum
{
  PARAM_JSON,           /* parsed as JSON; a word that does not parse is an error */
  PARAM_STRING,         /* sent as a string; listed so that -named knows the name */
  PARAM_JSON_OR_STRING, /* parsed as JSON, else sent as a string (a hash or a height) */
} ParamFormat;

typedef struct
{
  const char *method;
  int index; /* position, from 0 */
  const char *name;
  ParamFormat format;
} ConvertParam;

#define J(m, i, n)      \
  {                     \
    m, i, n, PARAM_JSON \
  }
#define S(m, i, n)        \
  {                       \
    m, i, n, PARAM_STRING \
  }
#define JS(m, i, n)               \
  {                               \
    m, i, n, PARAM_JSON_OR_STRING \
  }

/* Parameters that are not plain strings, and string parameters that -named
 * must recognise by name (values such as base64 PSBTs, labels, file names and
 * passphrases may contain '='). Grouped as the node's help lists the methods.
 * A position may appear several times: options objects list their fields
 * too, so that -named accepts them as top-level names; the first entry of a
 * position decides how a positional word is read. */
static const ConvertParam convert_params[] = {
  /* Blockchain */
  S ("dumptxoutset", 0, "path"),
  S ("dumptxoutset", 1, "type"),
  J ("dumptxoutset", 2, "options"),
  JS ("dumptxoutset", 2, "rollback"),
  J ("getblock", 1, "verbosity"),
  J ("getblock", 1, "verbose"),
  J ("getblockfrompeer", 1, "peer_id"),
  J ("getblockhash", 0, "height"),
  J ("getblockheader", 1, "verbose"),
  JS ("getblockstats", 0, "hash_or_height"),
  J ("getblockstats", 1, "stats"),
  J ("getchaintxstats", 0, "nblocks"),
  J ("getdescriptoractivity", 0, "blockhashes"),
  J ("getdescriptoractivity", 1, "scanobjects"),
  J ("getdescriptoractivity", 2, "include_mempool"),
  J ("getmempoolancestors", 1, "verbose"),
  J ("getmempooldescendants", 1, "verbose"),
  J ("getrawmempool", 0, "verbose"),
  J ("getrawmempool", 1, "mempool_sequence"),
  J ("gettxout", 1, "n"),
  J ("gettxout", 2, "include_mempool"),
  J ("gettxoutproof", 0, "txids"),
  JS ("gettxoutsetinfo", 1, "hash_or_height"),
  J ("gettxoutsetinfo", 2, "use_index"),
  J ("gettxspendingprevout", 0, "outputs"),
  J ("gettxspendingprevout", 1, "options"),
  J ("gettxspendingprevout", 1, "mempool_only"),
  J ("gettxspendingprevout", 1, "return_spending_tx"),
  S ("importmempool", 0, "filepath"),
  J ("importmempool", 1, "options"),
  J ("importmempool", 1, "apply_fee_delta_priority"),
  J ("importmempool", 1, "use_current_time"),
  J ("importmempool", 1, "apply_unbroadcast_set"),
  S ("loadtxoutset", 0, "path"),
  J ("pruneblockchain", 0, "height"),
  J ("scanblocks", 1, "scanobjects"),
  J ("scanblocks", 2, "start_height"),
  J ("scanblocks", 3, "stop_height"),
  J ("scanblocks", 5, "options"),
  J ("scanblocks", 5, "filter_false_positives"),
  J ("scantxoutset", 1, "scanobjects"),
  J ("verifychain", 0, "checklevel"),
  J ("verifychain", 1, "nblocks"),
  J ("waitforblock", 1, "timeout"),
  J ("waitforblockheight", 0, "height"),
  J ("waitforblockheight", 1, "timeout"),
  J ("waitfornewblock", 0, "timeout"),

  /* Control */
  J ("logging", 0, "include"),
  J ("logging", 1, "exclude"),
  J ("stop", 0, "wait"),

  /* Mining and block generation */
  J ("generateblock", 1, "transactions"),
  J ("generateblock", 2, "submit"),
  J ("generatetoaddress", 0, "nblocks"),
  J ("generatetoaddress", 2, "maxtries"),
  J ("generatetodescriptor", 0, "num_blocks"),
  J ("generatetodescriptor", 2, "maxtries"),
  J ("getblocktemplate", 0, "template_request"),
  J ("getnetworkhashps", 0, "nblocks"),
  J ("getnetworkhashps", 1, "height"),
  J ("prioritisetransaction", 1, "dummy"),
  J ("prioritisetransaction", 2, "fee_delta"),

  /* Network */
  J ("addnode", 2, "v2transport"),
  J ("disconnectnode", 1, "nodeid"),
  J ("getnodeaddresses", 0, "count"),
  J ("setban", 2, "bantime"),
  J ("setban", 3, "absolute"),
  J ("setnetworkactive", 0, "state"),

  /* Raw transactions and PSBTs */
  S ("analyzepsbt", 0, "psbt"),
  J ("combinepsbt", 0, "txs"),
  J ("combinerawtransaction", 0, "txs"),
  J ("converttopsbt", 1, "permitsigdata"),
  J ("converttopsbt", 2, "iswitness"),
  J ("createpsbt", 0, "inputs"),
  J ("createpsbt", 1, "outputs"),
  J ("createpsbt", 2, "locktime"),
  J ("createpsbt", 3, "replaceable"),
  J ("createpsbt", 4, "version"),
  J ("createrawtransaction", 0, "inputs"),
  J ("createrawtransaction", 1, "outputs"),
  J ("createrawtransaction", 2, "locktime"),
  J ("createrawtransaction", 3, "replaceable"),
  J ("createrawtransaction", 4, "version"),
  S ("decodepsbt", 0, "psbt"),
  J ("decoderawtransaction", 1, "iswitness"),
  S ("descriptorprocesspsbt", 0, "psbt"),
  J ("descriptorprocesspsbt", 1, "descriptors"),
  S ("descriptorprocesspsbt", 2, "sighashtype"),
  J ("descriptorprocesspsbt", 3, "bip32derivs"),
  J ("descriptorprocesspsbt", 4, "finalize"),
  S ("finalizepsbt", 0, "psbt"),
  J ("finalizepsbt", 1, "extract"),
  J ("fundrawtransaction", 1, "options"),
  J ("fundrawtransaction", 1, "add_inputs"),
  J ("fundrawtransaction", 1, "include_unsafe"),
  J ("fundrawtransaction", 1, "minconf"),
  J ("fundrawtransaction", 1, "maxconf"),
  J ("fundrawtransaction", 1, "changePosition"),
  J ("fundrawtransaction", 1, "includeWatching"),
  J ("fundrawtransaction", 1, "lockUnspents"),
  J ("fundrawtransaction", 1, "fee_rate"),
  J ("fundrawtransaction", 1, "feeRate"),
  J ("fundrawtransaction", 1, "subtractFeeFromOutputs"),
  J ("fundrawtransaction", 1, "input_weights"),
  J ("fundrawtransaction", 1, "conf_target"),
  J ("fundrawtransaction", 1, "replaceable"),
  J ("fundrawtransaction", 1, "solving_data"),
  J ("fundrawtransaction", 1, "max_tx_weight"),
  J ("fundrawtransaction", 2, "iswitness"),
  J ("getrawtransaction", 1, "verbosity"),
  J ("getrawtransaction", 1, "verbose"),
  J ("joinpsbts", 0, "txs"),
  J ("sendrawtransaction", 1, "maxfeerate"),
  J ("sendrawtransaction", 2, "maxburnamount"),
  J ("signrawtransactionwithkey", 1, "privkeys"),
  J ("signrawtransactionwithkey", 2, "prevtxs"),
  J ("submitpackage", 0, "package"),
  J ("submitpackage", 1, "maxfeerate"),
  J ("submitpackage", 2, "maxburnamount"),
  J ("testmempoolaccept", 0, "rawtxs"),
  J ("testmempoolaccept", 1, "maxfeerate"),
  S ("utxoupdatepsbt", 0, "psbt"),
  J ("utxoupdatepsbt", 1, "descriptors"),

  /* Util */
  J ("createmultisig", 0, "nrequired"),
  J ("createmultisig", 1, "keys"),
  J ("deriveaddresses", 1, "range"),
  J ("estimatesmartfee", 0, "conf_target"),
  S ("signmessagewithprivkey", 1, "message"),
  S ("verifymessage", 1, "signature"),
  S ("verifymessage", 2, "message"),

  /* Wallet */
  S ("backupwallet", 0, "destination"),
  J ("bumpfee", 1, "options"),
  J ("bumpfee", 1, "conf_target"),
  J ("bumpfee", 1, "fee_rate"),
  J ("bumpfee", 1, "replaceable"),
  J ("bumpfee", 1, "outputs"),
  J ("bumpfee", 1, "original_change_index"),
  S ("createwallet", 0, "wallet_name"),
  J ("createwallet", 1, "disable_private_keys"),
  J ("createwallet", 2, "blank"),
  S ("createwallet", 3, "passphrase"),
  J ("createwallet", 4, "avoid_reuse"),
  J ("createwallet", 5, "descriptors"),
  J ("createwallet", 6, "load_on_startup"),
  J ("createwallet", 7, "external_signer"),
  J ("createwalletdescriptor", 1, "options"),
  J ("createwalletdescriptor", 1, "internal"),
  S ("encryptwallet", 0, "passphrase"),
  S ("getaddressesbylabel", 0, "label"),
  J ("getbalance", 1, "minconf"),
  J ("getbalance", 2, "include_watchonly"),
  J ("getbalance", 3, "avoid_reuse"),
  J ("gethdkeys", 0, "active_only"),
  J ("gethdkeys", 0, "options"),
  J ("gethdkeys", 0, "private"),
  S ("getnewaddress", 0, "label"),
  S ("getnewaddress", 1, "address_type"),
  J ("getreceivedbyaddress", 1, "minconf"),
  J ("getreceivedbyaddress", 2, "include_immature_coinbase"),
  S ("getreceivedbylabel", 0, "label"),
  J ("getreceivedbylabel", 1, "minconf"),
  J ("getreceivedbylabel", 2, "include_immature_coinbase"),
  J ("gettransaction", 1, "include_watchonly"),
  J ("gettransaction", 2, "verbose"),
  J ("importdescriptors", 0, "requests"),
  J ("keypoolrefill", 0, "newsize"),
  J ("listdescriptors", 0, "private"),
  J ("listreceivedbyaddress", 0, "minconf"),
  J ("listreceivedbyaddress", 1, "include_empty"),
  J ("listreceivedbyaddress", 2, "include_watchonly"),
  J ("listreceivedbyaddress", 4, "include_immature_coinbase"),
  J ("listreceivedbylabel", 0, "minconf"),
  J ("listreceivedbylabel", 1, "include_empty"),
  J ("listreceivedbylabel", 2, "include_watchonly"),
  J ("listreceivedbylabel", 3, "include_immature_coinbase"),
  S ("listsinceblock", 0, "blockhash"),
  J ("listsinceblock", 1, "target_confirmations"),
  J ("listsinceblock", 2, "include_watchonly"),
  J ("listsinceblock", 3, "include_removed"),
  J ("listsinceblock", 4, "include_change"),
  S ("listsinceblock", 5, "label"),
  S ("listtransactions", 0, "label"),
  J ("listtransactions", 1, "count"),
  J ("listtransactions", 2, "skip"),
  J ("listtransactions", 3, "include_watchonly"),
  J ("listunspent", 0, "minconf"),
  J ("listunspent", 1, "maxconf"),
  J ("listunspent", 2, "addresses"),
  J ("listunspent", 3, "include_unsafe"),
  J ("listunspent", 4, "query_options"),
  J ("listunspent", 4, "minimumAmount"),
  J ("listunspent", 4, "maximumAmount"),
  J ("listunspent", 4, "maximumCount"),
  J ("listunspent", 4, "minimumSumAmount"),
  J ("listunspent", 4, "include_immature_coinbase"),
  S ("loadwallet", 0, "filename"),
  J ("loadwallet", 1, "load_on_startup"),
  J ("lockunspent", 0, "unlock"),
  J ("lockunspent", 1, "transactions"),
  J ("lockunspent", 2, "persistent"),
  S ("migratewallet", 0, "wallet_name"),
  S ("migratewallet", 1, "passphrase"),
  J ("psbtbumpfee", 1, "options"),
  J ("psbtbumpfee", 1, "conf_target"),
  J ("psbtbumpfee", 1, "fee_rate"),
  J ("psbtbumpfee", 1, "replaceable"),
  J ("psbtbumpfee", 1, "outputs"),
  J ("psbtbumpfee", 1, "original_change_index"),
  J ("rescanblockchain", 0, "start_height"),
  J ("rescanblockchain", 1, "stop_height"),
  S ("restorewallet", 0, "wallet_name"),
  S ("restorewallet", 1, "backup_file"),
  J ("restorewallet", 2, "load_on_startup"),
  J ("send", 0, "outputs"),
  J ("send", 1, "conf_target"),
  J ("send", 3, "fee_rate"),
  J ("send", 4, "options"),
  J ("send", 4, "add_inputs"),
  J ("send", 4, "include_unsafe"),
  J ("send", 4, "minconf"),
  J ("send", 4, "maxconf"),
  J ("send", 4, "add_to_wallet"),
  J ("send", 4, "change_position"),
  J ("send", 4, "fee_rate"),
  J ("send", 4, "include_watching"),
  J ("send", 4, "inputs"),
  J ("send", 4, "locktime"),
  J ("send", 4, "lock_unspents"),
  J ("send", 4, "psbt"),
  J ("send", 4, "subtract_fee_from_outputs"),
  J ("send", 4, "conf_target"),
  J ("send", 4, "replaceable"),
  J ("send", 4, "solving_data"),
  J ("send", 4, "max_tx_weight"),
  J ("send", 5, "version"),
  J ("sendall", 0, "recipients"),
  J ("sendall", 1, "conf_target"),
  J ("sendall", 3, "fee_rate"),
  J ("sendall", 4, "options"),
  J ("sendall", 4, "add_to_wallet"),
  J ("sendall", 4, "fee_rate"),
  J ("sendall", 4, "include_watching"),
  J ("sendall", 4, "inputs"),
  J ("sendall", 4, "locktime"),
  J ("sendall", 4, "lock_unspents"),
  J ("sendall", 4, "psbt"),
  J ("sendall", 4, "send_max"),
  J ("sendall", 4, "minconf"),
  J ("sendall", 4, "maxconf"),
  J ("sendall", 4, "conf_target"),
  J ("sendall", 4, "replaceable"),
  J ("sendall", 4, "solving_data"),
  J ("sendall", 4, "version"),
  S ("sendmany", 0, "dummy"),
  J ("sendmany", 1, "amounts"),
  J ("sendmany", 2, "minconf"),
  S ("sendmany", 3, "comment"),
  J ("sendmany", 4, "subtractfeefrom"),
  J ("sendmany", 5, "replaceable"),
  J ("sendmany", 6, "conf_target"),
  S ("sendmany", 7, "estimate_mode"),
  J ("sendmany", 8, "fee_rate"),
  J ("sendmany", 9, "verbose"),
  S ("sendtoaddress", 0, "address"),
  J ("sendtoaddress", 1, "amount"),
  S ("sendtoaddress", 2, "comment"),
  S ("sendtoaddress", 3, "comment_to"),
  J ("sendtoaddress", 4, "subtractfeefromamount"),
  J ("sendtoaddress", 5, "replaceable"),
  J ("sendtoaddress", 6, "conf_target"),
  S ("sendtoaddress", 7, "estimate_mode"),
  J ("sendtoaddress", 8, "avoid_reuse"),
  J ("sendtoaddress", 9, "fee_rate"),
  J ("sendtoaddress", 10, "verbose"),
  S ("setlabel", 1, "label"),
  J ("setwalletflag", 1, "value"),
  S ("signmessage", 1, "message"),
  J ("signrawtransactionwithwallet", 1, "prevtxs"),
  J ("simulaterawtransaction", 0, "rawtxs"),
  J ("simulaterawtransaction", 1, "options"),
  J ("simulaterawtransaction", 1, "include_watchonly"),
  S ("unloadwallet", 0, "wallet_name"),
  J ("unloadwallet", 1, "load_on_startup"),
  J ("walletcreatefundedpsbt", 0, "inputs"),
  J ("walletcreatefundedpsbt", 1, "outputs"),
  J ("walletcreatefundedpsbt", 2, "locktime"),
  J ("walletcreatefundedpsbt", 3, "options"),
  J ("walletcreatefundedpsbt", 3, "add_inputs"),
  J ("walletcreatefundedpsbt", 3, "include_unsafe"),
  J ("walletcreatefundedpsbt", 3, "minconf"),
  J ("walletcreatefundedpsbt", 3, "maxconf"),
  J ("walletcreatefundedpsbt", 3, "changePosition"),
  J ("walletcreatefundedpsbt", 3, "includeWatching"),
  J ("walletcreatefundedpsbt", 3, "lockUnspents"),
  J ("walletcreatefundedpsbt", 3, "fee_rate"),
  J ("walletcreatefundedpsbt", 3, "feeRate"),
  J ("walletcreatefundedpsbt", 3, "subtractFeeFromOutputs"),
  J ("walletcreatefundedpsbt", 3, "conf_target"),
  J ("walletcreatefundedpsbt", 3, "replaceable"),
  J ("walletcreatefundedpsbt", 3, "solving_data"),
  J ("walletcreatefundedpsbt", 3, "max_tx_weight"),
  J ("walletcreatefundedpsbt", 4, "bip32derivs"),
  J ("walletcreatefundedpsbt", 5, "version"),
  S ("walletpassphrase", 0, "passphrase"),
  J ("walletpassphrase", 1, "timeout"),
  S ("walletpassphrasechange", 0, "oldpassphrase"),
  S ("walletpassphrasechange", 1, "newpassphrase"),
  S ("walletprocesspsbt", 0, "psbt"),
  J ("walletprocesspsbt", 1, "sign"),
  S ("walletprocesspsbt", 2, "sighashtype"),
  J ("walletprocesspsbt", 3, "bip32derivs"),
  J ("walletprocesspsbt", 4, "finalize"),

  /* Hidden and test-only methods (the node's help does not list them, but
   * test frameworks call them through the cli) */
  J ("addconnection", 2, "v2transport"),
  J ("addpeeraddress", 1, "port"),
  J ("addpeeraddress", 2, "tried"),
  S ("echoipc", 0, "arg"),
  J ("echojson", 0, "arg0"),
  J ("echojson", 1, "arg1"),
  J ("echojson", 2, "arg2"),
  J ("echojson", 3, "arg3"),
  J ("echojson", 4, "arg4"),
  J ("echojson", 5, "arg5"),
  J ("echojson", 6, "arg6"),
  J ("echojson", 7, "arg7"),
  J ("echojson", 8, "arg8"),
  J ("echojson", 9, "arg9"),
  J ("estimaterawfee", 0, "conf_target"),
  J ("estimaterawfee", 1, "threshold"),
  J ("getorphantxs", 0, "verbosity"),
  J ("mockscheduler", 0, "delta_time"),
  J ("sendmsgtopeer", 0, "peer_id"),
  J ("setmocktime", 0, "timestamp"),
};

static const ConvertParam *
find_by_position (const char *method, gsize index)
{
  for (gsize i = 0; i < G_N_ELEMENTS (convert_params); i++)
    if ((gsize) convert_params[i].index == index && strcmp (convert_params[i].method, method) == 0)
      return &convert_params[i];
  return NULL;
}

static const ConvertParam *
find_by_name (const char *method, const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (convert_params); i++)
    if (strcmp (convert_params[i].name, name) == 0
        && strcmp (convert_params[i].method, method) == 0)
      return &convert_params[i];
  return NULL;
}

/* One word as the parameter p wants it; NULL with error for bad JSON. */
static UmkValue *
convert_word (const ConvertParam *p, const char *word, GError **error)
{
  if (p == NULL || p->format == PARAM_STRING)
    return umk_value_new_string (word);
  UmkValue *v = umk_value_read (word, strlen (word));
  if (v != NULL)
    return v;
  if (p->format == PARAM_JSON_OR_STRING)
    return umk_value_new_string (word);
  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Error parsing JSON: %s", word);
  return NULL;
}

UmkValue *
umk_rpc_convert_positional (const char *method, const char *const *args, gsize n, GError **error)
{
  g_autoptr (UmkValue) params = umk_value_new_array ();
  for (gsize i = 0; i < n; i++)
    {
      UmkValue *v = convert_word (find_by_position (method, i), args[i], error);
      if (v == NULL)
        return NULL;
      umk_value_append (params, v);
    }
  return g_steal_pointer (&params);
}

UmkValue *
umk_rpc_convert_named (const char *method, const char *const *args, gsize n, GError **error)
{
  g_autoptr (UmkValue) params = umk_value_new_object ();
  g_autoptr (UmkValue) positional = umk_value_new_array ();

  for (gsize i = 0; i < n; i++)
    {
      const char *word = args[i];
      const char *eq = strchr (word, '=');
      if (eq == NULL)
        {
          UmkValue *v
              = convert_word (find_by_position (method, umk_value_size (positional)), word, error);
          if (v == NULL)
            return NULL;
          umk_value_append (positional, v);
          continue;
        }

      g_autofree char *name = g_strndup (word, (gsize) (eq - word));
      const char *value = eq + 1;
      const ConvertParam *named = find_by_name (method, name);
      if (named == NULL)
        {
          /* Not a name the method has: maybe a positional value that happens
           * to contain '=' (a JSON array of "k=v" strings, a wallet name). */
          const ConvertParam *next = find_by_position (method, umk_value_size (positional));
          if (next != NULL && next->format == PARAM_JSON)
            {
              UmkValue *whole = umk_value_read (word, strlen (word));
              if (whole != NULL)
                {
                  umk_value_append (positional, whole);
                  continue;
                }
            }
          else if (next != NULL && next->format == PARAM_STRING)
            {
              umk_value_append (positional, umk_value_new_string (word));
              continue;
            }
        }

      UmkValue *v = convert_word (named, value, error);
      if (v == NULL)
        return NULL;
      /* A later value for the same name replaces the earlier one, so scripts
       * can append overrides. */
      umk_value_push (params, name, v);
    }

  /* Added at the end even if "args=" was given by name: the node then
   * reports the clash rather than the client hiding one of them. */
  if (umk_value_size (positional) > 0)
    umk_value_push_end (params, "args", g_steal_pointer (&positional));
  return g_steal_pointer (&params);
}
