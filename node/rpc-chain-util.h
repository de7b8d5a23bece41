/* rpc-chain-util.h — blocks and headers as the chain-aware RPC methods show
 * them (Umkoin Core v31.0's blockheaderToJSON, blockToJSON, GetDifficulty,
 * GetTarget; transactions, with or without undo data, come from rpc-tx.h),
 * and the block and undo reads with Core's errors (GetRawBlockChecked,
 * GetUndoChecked).
 *
 * Everything that looks at the block index expects the chainstate lock held.
 */
#pragma once

#include "common/block.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/json.h"
#include "common/undo.h"
#include "node/chainstate.h"
#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include <glib.h>

/* Core's GetDifficulty: how many times the target of difficulty 1 (compact
 * 0x1d00ffff) the target of bits is, computed as Core does (its rounding
 * shows in the output). */
double umk_rpc_difficulty (uint32_t bits);

/* A hash as RPC shows it (byte-reversed hex), as a value or a member. */
void umk_rpc_write_hash (UmkJsonWriter *w, const UmkUint256 *hash);
void umk_rpc_kv_hash (UmkJsonWriter *w, const char *key, const UmkUint256 *hash);
/* The target bits encode, as a 64-digit hex member. */
void umk_rpc_kv_target (UmkJsonWriter *w, const char *key, uint32_t bits);
/* A 256-bit number (chain work) as a 64-digit hex member. */
void umk_rpc_kv_arith (UmkJsonWriter *w, const char *key, const UmkArith256 *value);

/* Core's ComputeNextBlockAndDepth: confirmations of index against tip (-1
 * when it is not on tip's chain, 1 for tip itself) and the next block of that
 * chain (NULL if none). */
int umk_rpc_confirmations (const UmkBlockIndex *tip, const UmkBlockIndex *index,
                           const UmkBlockIndex **next);

/* Core's blockheaderToJSON, as members of an open object: hash,
 * confirmations, height, version, versionHex, merkleroot, time, mediantime,
 * nonce, bits, target, difficulty, chainwork, nTx, [previousblockhash],
 * [nextblockhash]. */
void umk_rpc_write_header_fields (UmkJsonWriter *w, const UmkBlockIndex *tip,
                                  const UmkBlockIndex *index);

/* Core's ParseVerbosity: absent is def; a boolean is 0/1 (with allow_bool,
 * else -3 "Verbosity was boolean but only integer allowed"); otherwise an int. */
gboolean umk_rpc_parse_verbosity (const UmkRpcCall *call, guint i, gint64 def, gboolean allow_bool,
                                  gint64 *out, GError **error);

/* Core's CheckBlockDataAvailability and read: -1 "Block not available (pruned
 * data)", "Block not available (not fully downloaded)", "Undo data not
 * available (pruned data)" / "Undo data not available", and for a read that
 * fails -1 "Block not found on disk" / "Can't read undo data from disk". */
GBytes *umk_rpc_read_block_bytes_checked (UmkChainstate *cs, const UmkBlockIndex *index,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
UmkBlock *umk_rpc_read_block_checked (UmkChainstate *cs, const UmkBlockIndex *index,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The genesis block's undo data is empty (Core's GetUndoChecked). */
gboolean umk_rpc_read_undo_checked (UmkChainstate *cs, const UmkBlockIndex *index,
                                    UmkBlockUndo *undo, GError **error);

/* Core's blockToJSON for verbosity 1 (txids), 2 (transactions, with fees when
 * undo data exists) or 3 (also prevouts): the header fields, strippedsize,
 * size, weight, coinbase_tx, tx. Returns: FALSE with -32603 when undo data
 * should exist but cannot be read. */
gboolean umk_rpc_write_block (UmkJsonWriter *w, UmkChainstate *cs, const UmkAddressParams *params,
                              const UmkBlock *block, const UmkBlockIndex *tip,
                              const UmkBlockIndex *index, int verbosity, GError **error);
