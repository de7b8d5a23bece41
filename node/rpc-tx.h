/* rpc-tx.h — transactions and scripts as the RPC shows them (Umkoin Core's
 * core_write.cpp: ValueFromAmount, ScriptToAsmStr, ScriptToUniv, TxToUniv,
 * and the descriptors its InferDescriptor gives for output scripts when no
 * wallet knows them). Shared by getblock and, later, the raw-transaction
 * methods.
 */
#pragma once

#include "common/chainparams.h"
#include "common/json.h"
#include "common/tx.h"
#include "common/undo.h"

#include <glib.h>

/* An amount in coins with eight decimals, as a JSON number ("50.00000000"). */
void umk_rpc_write_amount (UmkJsonWriter *w, int64_t amount);

/* Core's ScriptToAsmStr. sighash_decode: show a signature's hash type as
 * "[ALL]" and so on (only for scripts that may hold signatures). */
char *umk_rpc_script_asm (const uint8_t *script, size_t len,
                          gboolean sighash_decode) G_GNUC_WARN_UNUSED_RESULT;

/* Core's Solver type name: "pubkey", "pubkeyhash", "scripthash", "multisig",
 * "nulldata", "anchor", "witness_v0_keyhash", "witness_v0_scripthash",
 * "witness_v1_taproot", "witness_unknown" or "nonstandard". */
const char *umk_rpc_script_type (const uint8_t *script, size_t len);

/* The descriptor, with its checksum, that Core infers for an output script
 * without any key or script known: pk(), multi(), rawtr(), addr() or raw(). */
char *umk_rpc_infer_descriptor (const UmkAddressParams *params, const uint8_t *script,
                                size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* Core's ScriptToUniv as members of an open object: asm, desc (desc, or when
 * NULL the inferred one), [hex], address (when there is one and the script is
 * not a bare public key), type. */
void umk_rpc_write_script_fields (UmkJsonWriter *w, const UmkAddressParams *params,
                                  const uint8_t *script, size_t len, gboolean include_hex,
                                  const char *desc);

/* A scriptPubKey object: the fields above with hex and the inferred desc. */
void umk_rpc_write_script_pubkey (UmkJsonWriter *w, const UmkAddressParams *params,
                                  const uint8_t *script, size_t len);

/* Core's TxToUniv as members of an open object: txid, hash, version, size,
 * vsize, weight, locktime, vin, vout, then with undo (the spent coins, one per
 * input; NULL for none) fee, and with include_hex hex. show_prevout adds each
 * input's "prevout" from undo (verbosity 3 of getblock, 2 of
 * getrawtransaction). */
void umk_rpc_write_tx_fields (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                              const UmkTxUndo *undo, gboolean show_prevout, gboolean include_hex);

/* Core's TxToUniv without undo data (so no fee and no prevout), as an object:
 * txid, hash, version, size, vsize, weight, locktime, vin, vout, [blockhash],
 * [hex]. */
void umk_rpc_write_tx (UmkJsonWriter *w, const UmkAddressParams *params, const UmkTx *tx,
                       const UmkUint256 *block_hash, gboolean include_hex);
