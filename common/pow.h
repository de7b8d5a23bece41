/* pow.h — proof of work: the target each block must meet and the check that
 * its hash meets it (Umkoin Core v31.0's pow.cpp).
 *
 * Pure functions of the block index and the consensus parameters; they only
 * read the index, so any thread may call them while the chainstate's lock
 * keeps the index from changing.
 */
#pragma once

#include "common/chain.h"
#include "common/chainparams.h"
#include "common/uint256.h"

#include <stdbool.h>
#include <stdint.h>

/* The nBits the block after last must carry. new_block_time is that block's
 * timestamp: on chains that allow min-difficulty blocks (testnet3, testnet4,
 * regtest) a block more than two target spacings after last may use the
 * easiest target; otherwise those chains keep the bits of the last block that
 * was not such an exception. At each retarget the difficulty follows the time
 * the last interval took (CalculateNextWorkRequired).
 * Returns: the required compact target. last must not be NULL. */
uint32_t umk_pow_next_work_required (const UmkBlockIndex *last, int64_t new_block_time,
                                     const UmkConsensusParams *params);

/* The retarget itself: the target of last (with BIP 94, of the first block of
 * its interval) scaled by the interval's actual timespan (clamped to a
 * quarter and four times the target timespan) and capped at pow_limit. With
 * pow_no_retargeting the bits of last.
 * Returns: the new compact target. */
uint32_t umk_pow_calculate_next_work (const UmkBlockIndex *last, int64_t first_block_time,
                                      const UmkConsensusParams *params);

/* Whether new_bits at height may follow old_bits without knowing the block
 * times (used on headers before their ancestors are known): at a retarget at
 * most a factor of four either way (after compact rounding), otherwise
 * unchanged; always true on chains with min-difficulty blocks. */
bool umk_pow_permitted_difficulty_transition (const UmkConsensusParams *params, int64_t height,
                                              uint32_t old_bits, uint32_t new_bits);

/* Decodes bits into a target. Returns: false for a negative, zero or
 * overflowing target or one above pow_limit (target is then unspecified). */
bool umk_pow_derive_target (uint32_t bits, const UmkUint256 *pow_limit, UmkArith256 *target);

/* Whether hash meets the target encoded in bits (and the target is valid for
 * these parameters). */
bool umk_pow_check (const UmkUint256 *hash, uint32_t bits, const UmkConsensusParams *params);

/* How many seconds at the current difficulty of tip the work between from and
 * to represents (Core's GetBlockProofEquivalentTime; negative when from has
 * more work). Saturates at ±INT64_MAX, also when tip's bits carry no work. */
int64_t umk_pow_proof_equivalent_time (const UmkBlockIndex *to, const UmkBlockIndex *from,
                                       const UmkBlockIndex *tip, const UmkConsensusParams *params);
