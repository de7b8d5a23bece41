/* block-check.h — the validity rules of block headers and blocks, as Umkoin
 * Core v31.0's validation.cpp applies them outside ConnectBlock: CheckBlockHeader,
 * CheckBlock, ContextualCheckBlockHeader, ContextualCheckBlock; and the pieces
 * ConnectBlock takes from there (subsidy, script flags, the BIP 30 rule).
 *
 * Failures fill a UmkBlockValidationState with Core's result kind, reject
 * reason and debug message. The functions only read the block and the index
 * (the chainstate's lock keeps the index still) and keep no state: any
 * thread may call them.
 */
#pragma once

#include "common/block.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/script-flags.h"
#include "common/validation-state.h"

#include <stdbool.h>
#include <stdint.h>

/* How far a block's time may be ahead of the node's clock (seconds). */
#define UMK_MAX_FUTURE_BLOCK_TIME (2 * 60 * 60)
/* BIP 94: how much earlier than its parent the first block of a difficulty
 * period may be. */
#define UMK_MAX_TIMEWARP 600
/* Height from which BIP 34 no longer rules out duplicate coinbases (blocks
 * before BIP 34 committed to heights this large), so BIP 30 applies again. */
#define UMK_BIP34_IMPLIES_BIP30_LIMIT 1983702

/* The header's hash meets its claimed target (if check_pow).
 * Fails with INVALID_HEADER "high-hash". hash is the header's hash. */
bool umk_check_block_header (const UmkBlockHeader *header, const UmkUint256 *hash,
                             const UmkConsensusParams *params, bool check_pow,
                             UmkBlockValidationState *state);

/* The merkle root matches the transactions ("bad-txnmrklroot") and no
 * duplicated tail could give the same root ("bad-txns-duplicate"), both
 * MUTATED. */
bool umk_check_merkle_root (const UmkBlock *block, UmkBlockValidationState *state);

/* The witness rules (Core's CheckWitnessMalleation): with expect_commitment
 * and a commitment in the coinbase, the reserved value and the commitment must
 * be right; otherwise no transaction may carry a witness. MUTATED with
 * "bad-witness-nonce-size", "bad-witness-merkle-match" or "unexpected-witness". */
bool umk_check_witness_malleation (const UmkBlock *block, bool expect_commitment,
                                   UmkBlockValidationState *state);

/* The context-free checks of a block (Core's CheckBlock): header PoW, signet
 * solution (signet, with check_pow), merkle root (with check_merkle_root),
 * size ("bad-blk-length"), the coinbase first and only there
 * ("bad-cb-missing", "bad-cb-multiple"), each transaction's own checks
 * (their "bad-txns-…" reasons, debug "Transaction check failed (tx hash …) "),
 * and the legacy sigop limit ("bad-blk-sigops"). */
bool umk_check_block (const UmkBlock *block, const UmkConsensusParams *params, bool check_pow,
                      bool check_merkle_root, UmkBlockValidationState *state);

/* Whether the transactions do not match what the header commits to (Core's
 * IsBlockMutated): merkle root, duplicate tail, 64-byte transactions in a
 * block without coinbase, and (with check_witness_root) the witness rules. A
 * mutated block says nothing about the header's validity. */
bool umk_block_is_mutated (const UmkBlock *block, bool check_witness_root);

/* Whether a signet block carries a valid solution of the chain's challenge
 * in its witness commitment (BIP 325). The genesis block always does. */
bool umk_signet_check_block_solution (const UmkBlock *block, const UmkConsensusParams *params);

/* The header's checks against its parent prev (not NULL): the bits the
 * difficulty rules require ("bad-diffbits"), time after the median time past
 * ("time-too-old"), with BIP 94 not more than UMK_MAX_TIMEWARP before the
 * parent at a retarget ("time-timewarp-attack"), all INVALID_HEADER; at most
 * UMK_MAX_FUTURE_BLOCK_TIME after now, the node's clock in seconds (TIME_FUTURE
 * "time-too-new"); and a version the active buried deployments allow
 * (INVALID_HEADER "bad-version(0x%08x)"). */
bool umk_contextual_check_block_header (const UmkBlockHeader *header, const UmkBlockIndex *prev,
                                        const UmkConsensusParams *params, int64_t now,
                                        UmkBlockValidationState *state);

/* The block's checks against its parent prev (NULL for genesis): every
 * transaction final at the block's height and time, the median time past
 * once CSV is active ("bad-txns-nonfinal"); with BIP 34 the coinbase starts
 * with the height ("bad-cb-height"); the witness rules with segwit; the weight
 * limit ("bad-blk-weight"). Expects a block that passed umk_check_block. */
bool umk_contextual_check_block (const UmkBlock *block, const UmkBlockIndex *prev,
                                 const UmkConsensusParams *params, UmkBlockValidationState *state);

/* The new coins a block at height may create: 50 coins halved every
 * subsidy_halving_interval blocks, zero from the 64th halving on. */
int64_t umk_block_subsidy (int height, const UmkConsensusParams *params);

/* The script verification flags for the block at index (Core's
 * GetBlockScriptFlags): P2SH, WITNESS and TAPROOT (or a chain's exception for
 * this block hash), plus DERSIG, CHECKLOCKTIMEVERIFY, CHECKSEQUENCEVERIFY and
 * NULLDUMMY from their buried heights. */
UmkScriptFlags umk_block_script_flags (const UmkBlockIndex *index,
                                       const UmkConsensusParams *params);

/* The two historic blocks whose coinbases repeated earlier ones, and
 * the two whose coinbases were overwritten so are unspendable (Core's
 * IsBIP30Repeat / IsBIP30Unspendable; heights and hashes of Bitcoin's chain,
 * as Umkoin Core keeps them). */
bool umk_is_bip30_repeat (const UmkBlockIndex *index);
bool umk_is_bip30_unspendable (const UmkUint256 *block_hash, int height);

/* Whether ConnectBlock must look for outputs of the block's transactions
 * already in the UTXO set (BIP 30, reject "bad-txns-BIP30"): not for the two
 * repeats, not below UMK_BIP34_IMPLIES_BIP30_LIMIT on a chain whose block at
 * bip34_height is bip34_hash, always from that limit on. index must have a
 * parent. */
bool umk_bip30_check_needed (const UmkBlockIndex *index, const UmkConsensusParams *params);

/* Whether every header meets its own claimed target (Core's HasValidProofOfWork). */
bool umk_headers_have_valid_pow (const UmkBlockHeader *headers, size_t n,
                                 const UmkConsensusParams *params);
/* The work the headers claim, valid or not (Core's CalculateClaimedHeadersWork). */
void umk_headers_claimed_work (const UmkBlockHeader *headers, size_t n, UmkArith256 *work);
