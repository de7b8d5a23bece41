/* rpc-rawtx-util.h — reading the arguments of the raw-transaction methods as
 * Umkoin Core v31.0's rpc/rawtransaction_util.cpp, rpc/util.cpp and
 * core_io.cpp do: amounts, hex, transactions in hex, the inputs and outputs
 * of createrawtransaction, the prevtxs of signrawtransactionwithkey, and the
 * signing result. Every error is Core's code and message.
 */
#pragma once

#include "common/chainparams.h"
#include "common/json.h"
#include "common/sign.h"
#include "common/tx.h"
#include "common/uint256.h"
#include "node/node.h"

#include <glib.h>
#include <json-glib/json-glib.h>

/* ---- Coins the node knows (chain and mempool) ---------------------------- */

/* Looks up an unspent output: TRUE with its value and script (appended to
 * script, which is empty on entry), FALSE when the node has no such coin.
 * Called on RPC worker threads. */
typedef gboolean (*UmkRpcCoinLookup) (UmkNode *node, const UmkOutPoint *out, int64_t *value,
                                      GByteArray *script, gpointer user);

/* Installs the lookup that signrawtransactionwithkey (Core's FindCoins) uses
 * for inputs not given in prevtxs; NULL removes it. Without one, such inputs
 * are "Input not found or already spent". Thread-safe. */
void umk_rpc_rawtx_set_coin_lookup (UmkRpcCoinLookup fn, gpointer user);

/* ---- Values -------------------------------------------------------------- */

/* Core's ParseFixedPoint: a decimal number (optional '-', digits, optional
 * fraction and exponent) as an integer scaled by 10^decimals, within ±(10^18-1).
 * Returns: FALSE for anything else or a value that does not fit exactly. */
gboolean umk_rpc_parse_fixed_point (const char *text, int decimals, int64_t *out);

/* Core's UniValue::getValStr of a node: a string's text, a number's text, "1"
 * for true and "" otherwise. json-glib keeps no number text, so a fraction is
 * written back in its shortest form that reads as the same double. */
char *umk_rpc_value_str (JsonNode *node) G_GNUC_WARN_UNUSED_RESULT;

/* Core's AmountFromValue with 8 decimals: -3 "Amount is not a number or
 * string", -3 "Invalid amount", -3 "Amount out of range". */
gboolean umk_rpc_amount_from_value (JsonNode *value, int64_t *amount, GError **error);

/* Core's ParseHashV: a string of 64 hex digits (node NULL is JSON null). */
gboolean umk_rpc_parse_hash_v (JsonNode *value, const char *name, UmkUint256 *out, GError **error);

/* Core's ParseHexV: -8 "<name> must be hexadecimal string (not '<text>')"
 * unless value is a non-empty even-length hex string. */
GByteArray *umk_rpc_parse_hex_v (JsonNode *value, const char *name,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Core's UniValue::getInt<int64_t/int> on a member: -1 "JSON integer out of
 * range" unless an integer in [min, max]. */
gboolean umk_rpc_node_int (JsonNode *value, gint64 min, gint64 max, gint64 *out, GError **error);

/* ---- Transactions -------------------------------------------------------- */

/* The P2SH (OP_HASH160 <HASH160> OP_EQUAL) and P2WSH (OP_0 <SHA256>) output
 * scripts that pay to script. */
void umk_rpc_p2sh_script (const uint8_t *script, size_t len, uint8_t out[23]);
void umk_rpc_p2wsh_script (const uint8_t *script, size_t len, uint8_t out[34]);

/* Core's DecodeHexTx: hex of one transaction, read with the witness encoding,
 * the legacy one, or both (the one whose scripts parse wins; the witness one
 * when both or neither do).
 * Returns: the transaction, or NULL when no allowed reading takes the whole
 *          text. */
UmkTx *umk_rpc_decode_hex_tx (const char *hex, gboolean try_no_witness,
                              gboolean try_witness) G_GNUC_WARN_UNUSED_RESULT;

/* Core's ConstructTransaction: inputs (array of {txid, vout, sequence?} or
 * NULL), outputs (object, or array of one-member objects: address → amount,
 * or "data" → hex), locktime (NULL or a number), replaceable (-1 when not
 * given, else 0/1) and version. dups (NULL for none) gives the members
 * json-glib dropped from objects that repeat a key, which Core sees: a key
 * given twice in the outputs is -8 "Invalid parameter, duplicated address: …"
 * or "Invalid parameter, duplicate key: data".
 * Returns: the unsigned transaction serialized (legacy encoding), or NULL with
 *          Core's error. */
GByteArray *umk_rpc_construct_transaction (const UmkAddressParams *params, JsonNode *inputs,
                                           JsonNode *outputs, JsonNode *locktime, int replaceable,
                                           guint32 version, const UmkJsonDuplicates *dups,
                                           GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Signing ------------------------------------------------------------- */

/* Coins by outpoint, as Core's std::map<COutPoint, Coin> in
 * signrawtransactionwithkey: an entry may be empty (spent or unknown). */
typedef struct _UmkRpcCoins UmkRpcCoins;

UmkRpcCoins *umk_rpc_coins_new (void) G_GNUC_WARN_UNUSED_RESULT;
void umk_rpc_coins_free (UmkRpcCoins *coins);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkRpcCoins, umk_rpc_coins_free)

/* Sets a coin (script copied); value < 0 makes the entry empty. */
void umk_rpc_coins_set (UmkRpcCoins *coins, const UmkOutPoint *out, int64_t value,
                        const uint8_t *script, size_t script_len);
/* Returns: TRUE with the coin when the entry exists and is not empty. */
gboolean umk_rpc_coins_get (const UmkRpcCoins *coins, const UmkOutPoint *out, int64_t *value,
                            const GByteArray **script);

/* Core's FindCoins for the inputs of tx: an empty entry for each, filled
 * through the installed lookup where it finds the coin. */
void umk_rpc_coins_find (UmkRpcCoins *coins, UmkNode *node, const UmkTx *tx);

/* Core's ParsePrevouts: adds the coins of prevtxs (NULL or an array) and,
 * with a keystore, their redeem and witness scripts. */
gboolean umk_rpc_parse_prevouts (JsonNode *prevtxs, UmkSignProvider *keystore, UmkRpcCoins *coins,
                                 GError **error);

/* Core's ParseSighashString: NULL (not given) is UMK_SIGHASH_DEFAULT; else
 * one of "DEFAULT", "ALL", "NONE", "SINGLE" and the last three with
 * "|ANYONECANPAY"; -8 "'x' is not a valid sighash parameter." otherwise. */
gboolean umk_rpc_parse_sighash (JsonNode *value, int *hash_type, GError **error);

/* Core's SignTransaction and SignTransactionResultToJSON: signs tx and writes
 * {hex, complete, errors?}; a witness input with no amount given is Core's
 * -3 "Missing amount for CTxOut(...)". */
gboolean umk_rpc_sign_transaction (UmkJsonWriter *w, const UmkTx *tx,
                                   const UmkSignProvider *keystore, const UmkRpcCoins *coins,
                                   int hash_type, GError **error);
