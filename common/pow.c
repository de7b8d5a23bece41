/* pow.c — difficulty retargeting and the proof-of-work check. */
#define G_LOG_DOMAIN "umk-pow"
#include "config.h"

#include "common/pow.h"

/* get_ancestor only reads the tree, but takes a mutable pointer. */
static const UmkBlockIndex *
ancestor (const UmkBlockIndex *index, int height)
{
  return umk_block_index_get_ancestor ((UmkBlockIndex *) index, height);
}

static uint32_t
pow_limit_compact (const UmkConsensusParams *params)
{
  UmkArith256 limit;
  umk_arith256_from_uint256 (&limit, &params->pow_limit);
  return umk_arith256_get_compact (&limit, false);
}

uint32_t
umk_pow_next_work_required (const UmkBlockIndex *last, int64_t new_block_time,
                            const UmkConsensusParams *params)
{
  g_assert (last != NULL);
  const int64_t interval = umk_consensus_difficulty_adjustment_interval (params);
  const uint32_t limit_bits = pow_limit_compact (params);

  if ((last->height + 1) % interval != 0)
    {
      if (params->pow_allow_min_difficulty_blocks)
        {
          /* A block that comes more than twice the target spacing after its
           * parent may (and then must) use the easiest target. */
          if (new_block_time > (int64_t) last->time + params->pow_target_spacing * 2)
            return limit_bits;
          /* Otherwise the difficulty is that of the last block that was not
           * such an exception, found walking back to the interval's start. */
          const UmkBlockIndex *i = last;
          while (i->prev != NULL && i->height % interval != 0 && i->bits == limit_bits)
            i = i->prev;
          return i->bits;
        }
      return last->bits;
    }

  /* A retarget: measure how long the interval that ends at last took. */
  int first_height = (int) (last->height - (interval - 1));
  g_assert (first_height >= 0);
  const UmkBlockIndex *first = ancestor (last, first_height);
  g_assert (first != NULL);
  return umk_pow_calculate_next_work (last, first->time, params);
}

uint32_t
umk_pow_calculate_next_work (const UmkBlockIndex *last, int64_t first_block_time,
                             const UmkConsensusParams *params)
{
  if (params->pow_no_retargeting)
    return last->bits;

  const int64_t timespan = params->pow_target_timespan;
  int64_t actual = (int64_t) last->time - first_block_time;
  if (actual < timespan / 4)
    actual = timespan / 4;
  if (actual > timespan * 4)
    actual = timespan * 4;

  UmkArith256 target, limit, divisor;
  if (params->enforce_bip94)
    {
      /* BIP 94: scale the target of the interval's first block, which can
       * never be a min-difficulty exception, so exceptions at the end of an
       * interval cannot drag the real difficulty down. */
      int first_height
          = (int) (last->height - (umk_consensus_difficulty_adjustment_interval (params) - 1));
      const UmkBlockIndex *first = ancestor (last, first_height);
      umk_arith256_set_compact (&target, first->bits, NULL, NULL);
    }
  else
    umk_arith256_set_compact (&target, last->bits, NULL, NULL);

  /* Core multiplies by the 32-bit value and divides by the 256-bit one
   * (modulo 2^256; the chain parameters keep it from wrapping). */
  umk_arith256_mul_u32 (&target, &target, (uint32_t) actual);
  umk_arith256_from_u64 (&divisor, (uint64_t) timespan);
  if (!umk_arith256_div (&target, &target, &divisor))
    g_assert_not_reached (); /* a zero timespan is not a chain */

  umk_arith256_from_uint256 (&limit, &params->pow_limit);
  if (umk_arith256_cmp (&target, &limit) > 0)
    target = limit;
  return umk_arith256_get_compact (&target, false);
}

/* The target of old_bits scaled by timespan / target timespan, capped at the
 * limit, then rounded through the compact encoding. */
static void
scaled_rounded_target (const UmkConsensusParams *params, uint32_t old_bits, int64_t timespan,
                       UmkArith256 *out)
{
  UmkArith256 t, limit, divisor;
  umk_arith256_set_compact (&t, old_bits, NULL, NULL);
  umk_arith256_mul_u32 (&t, &t, (uint32_t) timespan);
  umk_arith256_from_u64 (&divisor, (uint64_t) params->pow_target_timespan);
  if (!umk_arith256_div (&t, &t, &divisor))
    g_assert_not_reached ();
  umk_arith256_from_uint256 (&limit, &params->pow_limit);
  if (umk_arith256_cmp (&t, &limit) > 0)
    t = limit;
  umk_arith256_set_compact (out, umk_arith256_get_compact (&t, false), NULL, NULL);
}

bool
umk_pow_permitted_difficulty_transition (const UmkConsensusParams *params, int64_t height,
                                         uint32_t old_bits, uint32_t new_bits)
{
  if (params->pow_allow_min_difficulty_blocks)
    return true;

  if (height % umk_consensus_difficulty_adjustment_interval (params) == 0)
    {
      UmkArith256 observed, largest, smallest;
      umk_arith256_set_compact (&observed, new_bits, NULL, NULL);

      scaled_rounded_target (params, old_bits, params->pow_target_timespan * 4, &largest);
      if (umk_arith256_cmp (&largest, &observed) < 0)
        return false;

      scaled_rounded_target (params, old_bits, params->pow_target_timespan / 4, &smallest);
      if (umk_arith256_cmp (&smallest, &observed) > 0)
        return false;
      return true;
    }
  return old_bits == new_bits;
}

bool
umk_pow_derive_target (uint32_t bits, const UmkUint256 *pow_limit, UmkArith256 *target)
{
  bool negative, overflow;
  umk_arith256_set_compact (target, bits, &negative, &overflow);
  if (negative || overflow || umk_arith256_is_zero (target))
    return false;
  UmkArith256 limit;
  umk_arith256_from_uint256 (&limit, pow_limit);
  return umk_arith256_cmp (target, &limit) <= 0;
}

bool
umk_pow_check (const UmkUint256 *hash, uint32_t bits, const UmkConsensusParams *params)
{
  UmkArith256 target, h;
  if (!umk_pow_derive_target (bits, &params->pow_limit, &target))
    return false;
  umk_arith256_from_uint256 (&h, hash);
  return umk_arith256_cmp (&h, &target) <= 0;
}

int64_t
umk_pow_proof_equivalent_time (const UmkBlockIndex *to, const UmkBlockIndex *from,
                               const UmkBlockIndex *tip, const UmkConsensusParams *params)
{
  UmkArith256 r, proof;
  int64_t sign = 1;
  if (umk_arith256_cmp (&to->chain_work, &from->chain_work) > 0)
    umk_arith256_sub (&r, &to->chain_work, &from->chain_work);
  else
    {
      umk_arith256_sub (&r, &from->chain_work, &to->chain_work);
      sign = -1;
    }
  /* Core's arith_uint256 times a 64-bit spacing: the spacing fits 32 bits. */
  umk_arith256_mul_u32 (&r, &r, (uint32_t) params->pow_target_spacing);
  umk_arith256_work_from_bits (&proof, tip->bits);
  /* A tip without work (invalid bits) cannot occur on a real chain; Core
   * would throw, here the distance is "infinite". */
  if (!umk_arith256_div (&r, &r, &proof) || umk_arith256_bits (&r) > 63)
    return sign * INT64_MAX;
  return sign * (int64_t) umk_arith256_low64 (&r);
}
