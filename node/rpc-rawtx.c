/* rpc-rawtx.c — the "rawtransactions" methods that need no chain: decoding
 * transactions and scripts, creating unsigned transactions and signing them
 * with given keys, as Umkoin Core v31.0's rpc/rawtransaction.cpp answers them
 * (result fields, their order, error codes and messages). Help texts are our
 * own. getrawtransaction, sendrawtransaction and testmempoolaccept live with
 * the chain and mempool.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-dispatch.h"
#include "node/rpc-rawtx-util.h"
#include "node/rpc-tx.h"

#include "common/address.h"
#include "common/descriptor.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/key.h"
#include "common/script.h"
#include "common/sign.h"

#include <string.h>

static const UmkAddressParams *
address_params (const UmkRpcCall *call)
{
  return &call->node->params->address;
}

/* ---- decoderawtransaction ------------------------------------------------ */

static gboolean
rpc_decoderawtransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *hex = umk_rpc_param_str (call, 0, error);
  if (hex == NULL)
    return FALSE;
  gboolean try_witness = TRUE, try_no_witness = TRUE;
  if (umk_rpc_param (call, 1))
    {
      gboolean witness;
      if (!umk_rpc_param_bool (call, 1, &witness, error))
        return FALSE;
      try_witness = witness;
      try_no_witness = !witness;
    }
  g_autoptr (UmkTx) tx = umk_rpc_decode_hex_tx (hex, try_no_witness, try_witness);
  if (tx == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "TX decode failed");
      return FALSE;
    }
  umk_rpc_write_tx (w, address_params (call), tx, NULL, FALSE);
  return TRUE;
}

static const UmkRpcArg decoderawtransaction_args[] = {
  { "hexstring", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The serialized transaction", 0,
    NULL },
  { "iswitness", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_HINT, "depends on heuristic tests",
    "true: read it in the segwit encoding only; false: in the legacy encoding only. Left out, "
    "both are tried and the reading whose scripts make sense is taken. Say false for a "
    "transaction without inputs, which the segwit reading would misread.",
    0, NULL },
};

#define DECODED_TX_RESULT                                                                       \
  "{                               (json object)\n"                                             \
  "  \"txid\" : \"hex\",             (string) The transaction id\n"                             \
  "  \"hash\" : \"hex\",             (string) The hash with witness data (the txid without)\n"  \
  "  \"size\" : n,                 (numeric) Serialized size in bytes\n"                        \
  "  \"vsize\" : n,                (numeric) Virtual size (weight / 4, rounded up)\n"           \
  "  \"weight\" : n,               (numeric) Weight (BIP 141)\n"                                \
  "  \"version\" : n,              (numeric) The version\n"                                     \
  "  \"locktime\" : xxx,           (numeric) The lock time\n"                                   \
  "  \"vin\" : [                   (json array)\n"                                              \
  "    {                           (json object)\n"                                             \
  "      \"coinbase\" : \"hex\",     (string, optional) The coinbase script (coinbase only)\n"  \
  "      \"txid\" : \"hex\",         (string, optional) The spent output's transaction\n"       \
  "      \"vout\" : n,             (numeric, optional) The spent output's index\n"              \
  "      \"scriptSig\" : {         (json object, optional) The input script\n"                  \
  "        \"asm\" : \"str\",        (string) Its operations\n"                                 \
  "        \"hex\" : \"hex\"         (string) Its bytes\n"                                      \
  "      },\n"                                                                                  \
  "      \"txinwitness\" : [       (json array, optional) The witness stack\n"                  \
  "        \"hex\",                (string) An item\n"                                          \
  "        ...\n"                                                                               \
  "      ],\n"                                                                                  \
  "      \"sequence\" : n          (numeric) The sequence number\n"                             \
  "    },\n"                                                                                    \
  "    ...\n"                                                                                   \
  "  ],\n"                                                                                      \
  "  \"vout\" : [                  (json array)\n"                                              \
  "    {                           (json object)\n"                                             \
  "      \"value\" : n,            (numeric) The amount in UMK\n"                               \
  "      \"n\" : n,                (numeric) Its index\n"                                       \
  "      \"scriptPubKey\" : {      (json object)\n"                                             \
  "        \"asm\" : \"str\",        (string) The script's operations\n"                        \
  "        \"desc\" : \"str\",       (string) The descriptor inferred for it\n"                 \
  "        \"hex\" : \"hex\",        (string) Its bytes\n"                                      \
  "        \"address\" : \"str\",    (string, optional) Its address, if it has one\n"           \
  "        \"type\" : \"str\"        (string) Its type (pubkeyhash, witness_v0_keyhash, …)\n" \
  "      }\n"                                                                                   \
  "    },\n"                                                                                    \
  "    ...\n"                                                                                   \
  "  ]\n"                                                                                       \
  "}\n"

/* ---- decodescript -------------------------------------------------------- */

static void
write_address_of (UmkJsonWriter *w, const char *key, const UmkAddressParams *params,
                  const uint8_t *script, size_t len)
{
  g_autofree char *address = umk_address_from_script (params, script, len);
  if (address)
    umk_json_writer_kv_string (w, key, address);
}

/* Whether P2SH may wrap the script: a type that makes sense inside it, valid
 * operations, spendable, and nothing of tapscript. */
static gboolean
can_wrap (const uint8_t *script, size_t len, UmkTxoutType type)
{
  switch (type)
    {
    case UMK_TXOUT_MULTISIG:
    case UMK_TXOUT_NONSTANDARD:
    case UMK_TXOUT_PUBKEY:
    case UMK_TXOUT_PUBKEYHASH:
    case UMK_TXOUT_WITNESS_V0_KEYHASH:
    case UMK_TXOUT_WITNESS_V0_SCRIPTHASH:
      break;
    case UMK_TXOUT_NULL_DATA:
    case UMK_TXOUT_SCRIPTHASH:
    case UMK_TXOUT_WITNESS_UNKNOWN:
    case UMK_TXOUT_WITNESS_V1_TAPROOT:
    case UMK_TXOUT_ANCHOR:
      return FALSE;
    }
  if (umk_script_is_unspendable (script, len))
    return FALSE;
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < len)
    {
      if (!umk_script_next_op (script, len, &pc, &op) || op.opcode > UMK_OP_NOP10
          || op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE)
        return FALSE;
      if (op.opcode == UMK_OP_CHECKSIGADD || umk_opcode_is_success (op.opcode))
        return FALSE;
    }
  return TRUE;
}

/* Whether the script may go into a segwit v0 program: keys must all be
 * compressed, and witness programs and P2SH cannot nest. */
static gboolean
can_wrap_p2wsh (const UmkSolution *sol)
{
  switch (sol->type)
    {
    case UMK_TXOUT_MULTISIG:
    case UMK_TXOUT_PUBKEY:
      for (int i = 0; i < sol->n_keys; i++)
        if (sol->key_lens[i] != 33)
          return FALSE;
      return TRUE;
    case UMK_TXOUT_NONSTANDARD:
    case UMK_TXOUT_PUBKEYHASH:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
rpc_decodescript (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *hex = umk_rpc_param_str (call, 0, error);
  if (hex == NULL)
    return FALSE;
  g_autoptr (GByteArray) script = NULL;
  if (*hex != '\0')
    {
      script = umk_rpc_parse_hex_v (umk_rpc_param (call, 0), "argument", error);
      if (script == NULL)
        return FALSE;
    }
  else
    script = g_byte_array_new (); /* an empty script is a script */

  const UmkAddressParams *params = address_params (call);
  umk_json_writer_begin_object (w);
  umk_rpc_write_script_fields (w, params, script->data, script->len, FALSE, NULL);

  UmkSolution sol;
  umk_sign_solve (script->data, script->len, &sol);
  if (can_wrap (script->data, script->len, sol.type))
    {
      uint8_t sh[23];
      umk_rpc_p2sh_script (script->data, script->len, sh);
      write_address_of (w, "p2sh", params, sh, sizeof sh);
      if (can_wrap_p2wsh (&sol))
        {
          /* Keys go into P2WPKH, everything else into P2WSH. */
          uint8_t segwit[34];
          size_t segwit_len;
          g_autofree char *desc = NULL;
          segwit[0] = UMK_OP_0;
          if (sol.type == UMK_TXOUT_PUBKEY || sol.type == UMK_TXOUT_PUBKEYHASH)
            {
              segwit[1] = 20;
              if (sol.type == UMK_TXOUT_PUBKEY)
                umk_hash160 (sol.keys[0], sol.key_lens[0], segwit + 2);
              else
                memcpy (segwit + 2, sol.hash, 20);
              segwit_len = 22;
            }
          else
            {
              umk_rpc_p2wsh_script (script->data, script->len, segwit);
              segwit_len = 34;
              /* The script is known here, so a multisig shows inside wsh(). */
              if (sol.type == UMK_TXOUT_MULTISIG)
                {
                  GString *s = g_string_new (NULL);
                  g_string_append_printf (s, "wsh(multi(%d", sol.required);
                  for (int i = 0; i < sol.n_keys; i++)
                    {
                      g_autofree char *key = umk_hex_encode (sol.keys[i], sol.key_lens[i]);
                      g_string_append_printf (s, ",%s", key);
                    }
                  g_string_append (s, "))");
                  g_autofree char *plain = g_string_free (s, FALSE);
                  desc = umk_descriptor_add_checksum (plain);
                }
            }
          umk_json_writer_key (w, "segwit");
          umk_json_writer_begin_object (w);
          umk_rpc_write_script_fields (w, params, segwit, segwit_len, TRUE, desc);
          uint8_t sh_segwit[23];
          umk_rpc_p2sh_script (segwit, segwit_len, sh_segwit);
          write_address_of (w, "p2sh-segwit", params, sh_segwit, sizeof sh_segwit);
          umk_json_writer_end_object (w);
        }
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg decodescript_args[] = {
  { "hexstring", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The script in hex", 0, NULL },
};

/* ---- createrawtransaction ------------------------------------------------ */

static gboolean
rpc_createrawtransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  int replaceable = -1;
  if (umk_rpc_param (call, 3))
    {
      gboolean b;
      if (!umk_rpc_param_bool (call, 3, &b, error))
        return FALSE;
      replaceable = b ? 1 : 0;
    }
  gint64 version;
  if (!umk_rpc_param_int (call, 4, 0, G_MAXUINT32, &version, error))
    return FALSE;
  g_autoptr (GByteArray) raw = umk_rpc_construct_transaction (
      address_params (call), umk_rpc_param (call, 0), umk_rpc_param (call, 1),
      umk_rpc_param (call, 2), replaceable, (guint32) version, call->dups, error);
  if (raw == NULL)
    return FALSE;
  g_autofree char *hex = umk_hex_encode (raw->data, raw->len);
  umk_json_writer_string (w, hex);
  return TRUE;
}

static const UmkRpcArg create_input_keys[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The id of the transaction", 0, NULL },
  { "vout", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The output's index", 0, NULL },
  { "sequence", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT,
    "depends on the value of the 'replaceable' and 'locktime' arguments",
    "The sequence number: 0xfffffffd when replaceable, else 0xfffffffe with a lock time and "
    "0xffffffff without",
    0, NULL },
};

static const UmkRpcArg create_input_arg = {
  "",
  UMK_RPC_ARG_OBJ,
  UMK_RPC_ARG_OMITTED,
  NULL,
  "An output to spend",
  0,
  create_input_keys,
  G_N_ELEMENTS (create_input_keys),
  NULL,
  NULL,
};

static const UmkRpcArg create_address_key[] = {
  { "address", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_REQUIRED, NULL,
    "An address and the amount in UMK it gets (a number or a string)", 0, NULL },
};

static const UmkRpcArg create_data_key[] = {
  { "data", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "Data for an OP_RETURN output", 0,
    NULL },
};

static const UmkRpcArg create_output_arg[] = {
  { "", UMK_RPC_ARG_OBJ_USER_KEYS, UMK_RPC_ARG_OMITTED, NULL,
    "Addresses and amounts, one pair per object (each address may appear once)", 0,
    create_address_key, 1, NULL, NULL },
  { "", UMK_RPC_ARG_OBJ, UMK_RPC_ARG_OMITTED, NULL, "An OP_RETURN output (at most one)", 0,
    create_data_key, 1, NULL, NULL },
};

static const UmkRpcArg createrawtransaction_args[] = {
  { "inputs", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL, "The outputs to spend", 0,
    &create_input_arg },
  { "outputs", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "The new outputs, each a one-member object. Each address may appear once, and there may be "
    "one \"data\" output. One object holding all the pairs is accepted too.",
    UMK_RPC_ARG_SKIP_TYPE_CHECK, create_output_arg, G_N_ELEMENTS (create_output_arg), NULL, NULL },
  { "locktime", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "0",
    "The lock time; a non-zero one also makes the default sequence numbers enforce it", 0, NULL },
  { "replaceable", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "Signal BIP 125 replaceability; when given, explicit sequence numbers must agree with it", 0,
    NULL },
  { "version", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "2", "The transaction version (1 to 3)", 0,
    NULL },
};

/* ---- signrawtransactionwithkey ------------------------------------------- */

static gboolean
rpc_signrawtransactionwithkey (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *hex = umk_rpc_param_str (call, 0, error);
  if (hex == NULL)
    return FALSE;
  g_autoptr (UmkTx) tx = umk_rpc_decode_hex_tx (hex, TRUE, TRUE);
  if (tx == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                         "TX decode failed. Make sure the tx has at least one input.");
      return FALSE;
    }

  const UmkAddressParams *params = address_params (call);
  g_autoptr (UmkSignProvider) keystore = umk_sign_provider_new ();
  JsonNode *keys = umk_rpc_param (call, 1);
  JsonArray *arr = keys && JSON_NODE_HOLDS_ARRAY (keys) ? json_node_get_array (keys) : NULL;
  for (guint i = 0; arr && i < json_array_get_length (arr); i++)
    {
      JsonNode *k = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_VALUE (k) || json_node_get_value_type (k) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type string",
                             umk_rpc_type_name (k));
          return FALSE;
        }
      uint8_t secret[UMK_SECRET_KEY_SIZE];
      bool compressed;
      gboolean ok = umk_wif_decode (params, json_node_get_string (k), secret, &compressed)
                    && umk_sign_provider_add_key (keystore, secret, compressed);
      umk_memzero (secret, sizeof secret);
      if (!ok)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Invalid private key");
          return FALSE;
        }
    }

  g_autoptr (UmkRpcCoins) coins = umk_rpc_coins_new ();
  umk_rpc_coins_find (coins, call->node, tx);
  if (!umk_rpc_parse_prevouts (umk_rpc_param (call, 2), keystore, coins, error))
    return FALSE;
  int hash_type;
  if (!umk_rpc_parse_sighash (umk_rpc_param (call, 3), &hash_type, error))
    return FALSE;
  return umk_rpc_sign_transaction (w, tx, keystore, coins, hash_type, error);
}

static const UmkRpcArg privkey_arg = {
  "privatekey", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "A private key in WIF", 0, NULL,
};

static const UmkRpcArg prevtx_keys[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The id of the transaction", 0, NULL },
  { "vout", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The output's index", 0, NULL },
  { "scriptPubKey", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The output's script", 0,
    NULL },
  { "redeemScript", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "For P2SH: the redeem script",
    0, NULL },
  { "witnessScript", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL,
    "For P2WSH and P2SH-P2WSH: the witness script", 0, NULL },
  { "amount", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_OMITTED, NULL,
    "The output's amount (needed for segwit inputs)", 0, NULL },
};

static const UmkRpcArg prevtx_arg = {
  "", UMK_RPC_ARG_OBJ, UMK_RPC_ARG_OMITTED,        NULL, "An output the transaction spends",
  0,  prevtx_keys,     G_N_ELEMENTS (prevtx_keys), NULL, NULL,
};

static const UmkRpcArg signrawtransactionwithkey_args[] = {
  { "hexstring", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "The serialized transaction", 0,
    NULL },
  { "privkeys", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "The private keys to sign with (only these are used)", 0, &privkey_arg },
  { "prevtxs", UMK_RPC_ARG_ARR, UMK_RPC_ARG_OMITTED, NULL,
    "The outputs the transaction spends, where the node may not know them", 0, &prevtx_arg },
  { "sighashtype", UMK_RPC_ARG_STR, UMK_RPC_ARG_DEFAULT, "\"DEFAULT for Taproot, ALL otherwise\"",
    "What the signatures commit to: \"DEFAULT\", \"ALL\", \"NONE\", \"SINGLE\", "
    "\"ALL|ANYONECANPAY\", \"NONE|ANYONECANPAY\" or \"SINGLE|ANYONECANPAY\"",
    0, NULL },
};

/* ---- combinerawtransaction ---------------------------------------------- */

/* Core's RPC_VERIFY_ERROR (rpc/protocol.h). */
#define RPC_VERIFY_ERROR (-25)

static gboolean
rpc_combinerawtransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  JsonNode *txs = umk_rpc_param (call, 0);
  JsonArray *arr = txs && JSON_NODE_HOLDS_ARRAY (txs) ? json_node_get_array (txs) : NULL;
  guint n = arr ? json_array_get_length (arr) : 0;
  g_autoptr (GPtrArray) variants = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *hex = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_VALUE (hex) || json_node_get_value_type (hex) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type string",
                             umk_rpc_type_name (hex));
          return FALSE;
        }
      UmkTx *tx = umk_rpc_decode_hex_tx (json_node_get_string (hex), TRUE, TRUE);
      if (tx == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                             "TX decode failed for tx %u. Make sure the tx has at least one input.",
                             i);
          return FALSE;
        }
      g_ptr_array_add (variants, tx);
    }
  if (variants->len == 0)
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "Missing transactions");
      return FALSE;
    }

  /* The spent outputs come from the node only (no prevtxs here). */
  const UmkTx *merged = variants->pdata[0];
  g_autoptr (UmkRpcCoins) coins = umk_rpc_coins_new ();
  umk_rpc_coins_find (coins, call->node, merged);
  g_autofree UmkTxOut *spent = g_new0 (UmkTxOut, (gsize) merged->n_in + 1);
  for (uint32_t i = 0; i < merged->n_in; i++)
    {
      const GByteArray *script;
      if (!umk_rpc_coins_get (coins, &merged->in[i].prevout, &spent[i].value, &script))
        {
          umk_rpc_set_error (error, RPC_VERIFY_ERROR, "Input not found or already spent");
          return FALSE;
        }
      spent[i].script_pubkey.data = script->data;
      spent[i].script_pubkey.len = script->len;
    }
  g_autoptr (UmkTxBuilder) b
      = umk_sign_combine ((const UmkTx *const *) variants->pdata, variants->len, spent);
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  umk_tx_builder_write (b, raw);
  g_autofree char *hex = umk_hex_encode (raw->data, raw->len);
  umk_json_writer_string (w, hex);
  return TRUE;
}

static const UmkRpcArg combine_tx_arg = {
  "hexstring", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "A serialized transaction", 0, NULL,
};

static const UmkRpcArg combinerawtransaction_args[] = {
  { "txs", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "Versions of one transaction, each with some of the signatures", 0, &combine_tx_arg },
};

/* ---- The table ----------------------------------------------------------- */

#define TX_HEX_EXAMPLE "\"hexstring\""

const UmkRpcMethod umk_rpc_rawtx_methods[] = {
  { "rawtransactions", "combinerawtransaction",
    "Merges the signatures of several versions of one transaction (the first one's inputs and "
    "outputs are kept). The result may still lack signatures. The spent outputs must be known "
    "to the node.",
    combinerawtransaction_args, G_N_ELEMENTS (combinerawtransaction_args),
    "\nResult:\n"
    "\"str\"    (string) The serialized transaction with the signatures merged\n",
    "> umkoin-cli combinerawtransaction '[\"myhex1\", \"myhex2\", \"myhex3\"]'\n",
    rpc_combinerawtransaction },
  { "rawtransactions", "createrawtransaction",
    "Builds a transaction that spends the given outputs and pays the given addresses or "
    "data, and gives it in hex. The inputs are left unsigned; nothing is stored or sent.",
    createrawtransaction_args, G_N_ELEMENTS (createrawtransaction_args),
    "\nResult:\n"
    "\"hex\"    (string) The serialized transaction\n",
    UMK_RPC_EXAMPLES ("createrawtransaction",
                      "\"[{\\\"txid\\\":\\\"myid\\\",\\\"vout\\\":0}]\" "
                      "\"[{\\\"address\\\":0.01}]\"",
                      "\"[{\\\"txid\\\":\\\"myid\\\",\\\"vout\\\":0}]\", "
                      "\"[{\\\"data\\\":\\\"00010203\\\"}]\""),
    rpc_createrawtransaction },
  { "rawtransactions", "decoderawtransaction",
    "Decodes a serialized transaction given in hex into a JSON object.", decoderawtransaction_args,
    G_N_ELEMENTS (decoderawtransaction_args), "\nResult:\n" DECODED_TX_RESULT,
    UMK_RPC_EXAMPLES ("decoderawtransaction", TX_HEX_EXAMPLE, TX_HEX_EXAMPLE),
    rpc_decoderawtransaction },
  { "rawtransactions", "decodescript",
    "Decodes a script given in hex, and tells the addresses that would pay to it through P2SH "
    "and segwit where those make sense.",
    decodescript_args, G_N_ELEMENTS (decodescript_args),
    "\nResult:\n"
    "{                             (json object)\n"
    "  \"asm\" : \"str\",              (string) The script's operations\n"
    "  \"desc\" : \"str\",             (string) The descriptor inferred for it\n"
    "  \"type\" : \"str\",             (string) Its output type (pubkeyhash, multisig, "
    "nonstandard, …)\n"
    "  \"address\" : \"str\",          (string, optional) Its address, if it has one\n"
    "  \"p2sh\" : \"str\",             (string, optional) The P2SH address of it as a redeem "
    "script (not for types that cannot be wrapped)\n"
    "  \"segwit\" : {                (json object, optional) The segwit output paying to it "
    "(not for types that cannot be wrapped)\n"
    "    \"asm\" : \"str\",            (string) That output's operations\n"
    "    \"hex\" : \"hex\",            (string) Its bytes\n"
    "    \"type\" : \"str\",           (string) witness_v0_keyhash or witness_v0_scripthash\n"
    "    \"address\" : \"str\",        (string, optional) Its address\n"
    "    \"desc\" : \"str\",           (string) Its descriptor\n"
    "    \"p2sh-segwit\" : \"str\"     (string) Its address wrapped in P2SH\n"
    "  }\n"
    "}\n",
    UMK_RPC_EXAMPLES ("decodescript", TX_HEX_EXAMPLE, TX_HEX_EXAMPLE), rpc_decodescript },
  { "rawtransactions", "signrawtransactionwithkey",
    "Signs the inputs of a serialized transaction that the given private keys can sign, and "
    "only with them. The spent outputs come from the node where it knows them, and from "
    "prevtxs, which also gives the redeem and witness scripts.",
    signrawtransactionwithkey_args, G_N_ELEMENTS (signrawtransactionwithkey_args),
    "\nResult:\n"
    "{                             (json object)\n"
    "  \"hex\" : \"hex\",              (string) The transaction with the signatures made\n"
    "  \"complete\" : true|false,    (boolean) Whether every input is fully signed\n"
    "  \"errors\" : [                (json array, optional) The inputs that are not, if any\n"
    "    {                         (json object)\n"
    "      \"txid\" : \"hex\",         (string) The spent output's transaction\n"
    "      \"vout\" : n,             (numeric) The spent output's index\n"
    "      \"witness\" : [           (json array) The input's witness stack\n"
    "        \"hex\",                (string) An item\n"
    "        ...\n"
    "      ],\n"
    "      \"scriptSig\" : \"hex\",    (string) The input's script\n"
    "      \"sequence\" : n,         (numeric) The input's sequence number\n"
    "      \"error\" : \"str\"         (string) Why it does not verify\n"
    "    },\n"
    "    ...\n"
    "  ]\n"
    "}\n",
    UMK_RPC_EXAMPLES ("signrawtransactionwithkey", "\"myhex\" \"[\\\"key1\\\",\\\"key2\\\"]\"",
                      "\"myhex\", \"[\\\"key1\\\",\\\"key2\\\"]\""),
    rpc_signrawtransactionwithkey },
};
const guint umk_rpc_n_rawtx_methods = G_N_ELEMENTS (umk_rpc_rawtx_methods);
