/* Tests for proof of work: Core's pow_tests numbers (with Bitcoin's two-week
 * timespan, and recomputed for Umkoin's one-day one), the min-difficulty and
 * BIP 94 rules on synthetic chains, the PoW check's refusals, proof-equivalent
 * time, and every chain's genesis block and parameters. */
#include "config.h"

#include "common/chainparams.h"
#include "common/pow.h"
#include "common/uint256.h"

#include <string.h>

static UmkChainParams *
params_for (UmkChain chain)
{
  g_autoptr (GError) error = NULL;
  UmkChainParams *p = umk_chain_params_new (chain, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

/* Main's consensus parameters with Bitcoin's retarget timespan (two weeks,
 * 2016 blocks), the setting Core's pow_tests numbers were made for. */
static UmkConsensusParams
bitcoin_like (const UmkChainParams *main)
{
  UmkConsensusParams c = main->consensus;
  c.pow_target_timespan = 14 * 24 * 60 * 60;
  return c;
}

/* A block index entry standing alone (no parent), as Core's tests use. */
static UmkBlockIndex
lone_block (int height, uint32_t time, uint32_t bits)
{
  UmkBlockIndex b = { 0 };
  b.height = height;
  b.time = time;
  b.bits = bits;
  return b;
}

/* A linked chain of n blocks, spacing seconds apart from time0. */
static UmkBlockIndex *
make_chain (int n, uint32_t time0, uint32_t spacing, uint32_t bits)
{
  UmkBlockIndex *blocks = g_new0 (UmkBlockIndex, n);
  for (int i = 0; i < n; i++)
    {
      blocks[i].time = time0 + (uint32_t) i * spacing;
      blocks[i].bits = bits;
      blocks[i].version = 4;
      memcpy (blocks[i].hash.b, &i, sizeof i);
      umk_block_index_link (&blocks[i], i > 0 ? &blocks[i - 1] : NULL);
    }
  return blocks;
}

typedef struct
{
  const char *name;
  int height;
  uint32_t last_time, first_time, bits;
  uint32_t expect_bitcoin; /* Core's pow_tests value */
  uint32_t expect_umkoin;  /* with Umkoin's 86400 s timespan */
} RetargetCase;

static const RetargetCase retarget_cases[] = {
  /* get_next_work: no limit applies (Bitcoin); Umkoin's 4x cap hits the pow limit */
  { "get_next_work", 32255, 1262152739, 1261130161, 0x1d00ffff, 0x1d00d86a, 0x1d00ffff },
  /* get_next_work_pow_limit */
  { "pow_limit", 2015, 1233061996, 1231006505, 0x1d00ffff, 0x1d00ffff, 0x1d00ffff },
  /* get_next_work_lower_limit_actual (for Umkoin the timespan is within limits) */
  { "lower_limit", 68543, 1279297671, 1279008237, 0x1c05a3f4, 0x1c0168fd, 0x1c12e524 },
  /* get_next_work_upper_limit_actual */
  { "upper_limit", 46367, 1269211443, 1263163443, 0x1c387f6f, 0x1d00e1fd, 0x1d00e1fd },
  /* a quarter of the timespan floor for Umkoin: 1000 s taken, clamped to 21600 */
  { "umkoin_lower", 68543, 1279009237, 1279008237, 0x1c05a3f4, 0x1c0168fd, 0x1c0168fd },
};

static void
test_calculate_next_work (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  UmkConsensusParams btc = bitcoin_like (main);
  for (size_t i = 0; i < G_N_ELEMENTS (retarget_cases); i++)
    {
      const RetargetCase *c = &retarget_cases[i];
      UmkBlockIndex last = lone_block (c->height, c->last_time, c->bits);
      g_test_message ("case %s", c->name);
      uint32_t got = umk_pow_calculate_next_work (&last, c->first_time, &btc);
      g_assert_cmphex (got, ==, c->expect_bitcoin);
      g_assert_true (umk_pow_permitted_difficulty_transition (&btc, c->height + 1, c->bits, got));

      got = umk_pow_calculate_next_work (&last, c->first_time, &main->consensus);
      g_assert_cmphex (got, ==, c->expect_umkoin);
      g_assert_true (
          umk_pow_permitted_difficulty_transition (&main->consensus, c->height + 1, c->bits, got));
    }
}

static void
test_permitted_transition (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  UmkConsensusParams btc = bitcoin_like (main);
  const UmkConsensusParams *umk = &main->consensus;

  /* Core: one less than the lower limit's result, or one more than the upper
   * limit's, is not a permitted transition. */
  g_assert_false (
      umk_pow_permitted_difficulty_transition (&btc, 68544, 0x1c05a3f4, 0x1c0168fd - 1));
  g_assert_false (
      umk_pow_permitted_difficulty_transition (&btc, 46368, 0x1c387f6f, 0x1d00e1fd + 1));
  g_assert_false (umk_pow_permitted_difficulty_transition (umk, 68544, 0x1c05a3f4, 0x1c0168fd - 1));
  g_assert_false (umk_pow_permitted_difficulty_transition (umk, 46368, 0x1c387f6f, 0x1d00e1fd + 1));
  /* Within the limits any target goes at a retarget. */
  g_assert_true (umk_pow_permitted_difficulty_transition (umk, 68544, 0x1c05a3f4, 0x1c05a3f4));
  g_assert_true (umk_pow_permitted_difficulty_transition (umk, 68544, 0x1c05a3f4, 0x1c0a0000));
  /* Between retargets (68545 % 144 != 0) the bits may not change. */
  g_assert_true (umk_pow_permitted_difficulty_transition (umk, 68545, 0x1c05a3f4, 0x1c05a3f4));
  g_assert_false (umk_pow_permitted_difficulty_transition (umk, 68545, 0x1c05a3f4, 0x1c05a3f5));
  /* Height 2016 is a retarget on Bitcoin's interval but also on Umkoin's (14 x 144);
   * 144 is one only on Umkoin's. */
  g_assert_true (umk_pow_permitted_difficulty_transition (umk, 144, 0x1d00ffff, 0x1c7fffff));
  g_assert_false (umk_pow_permitted_difficulty_transition (&btc, 144, 0x1d00ffff, 0x1c7fffff));

  /* Chains with min-difficulty blocks allow anything. */
  g_autoptr (UmkChainParams) test = params_for (UMK_CHAIN_TEST);
  g_assert_true (
      umk_pow_permitted_difficulty_transition (&test->consensus, 68545, 0x1c05a3f4, 0x1d00ffff));
}

static void
test_check_pow (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  UmkArith256 limit, a;
  umk_arith256_from_uint256 (&limit, &c->pow_limit);
  UmkUint256 one = { { 1 } }, hash;

  /* negative target */
  uint32_t bits = umk_arith256_get_compact (&limit, true);
  g_assert_false (umk_pow_check (&one, bits, c));
  /* overflowing target */
  g_assert_false (umk_pow_check (&one, ~0x00800000u, c));
  /* target above the limit */
  umk_arith256_mul_u32 (&a, &limit, 2);
  g_assert_false (umk_pow_check (&one, umk_arith256_get_compact (&a, false), c));
  /* hash above the target */
  bits = umk_arith256_get_compact (&limit, false);
  umk_arith256_to_uint256 (&hash, &a);
  g_assert_false (umk_pow_check (&hash, bits, c));
  /* zero target, zero hash */
  umk_arith256_from_u64 (&a, 0);
  umk_arith256_to_uint256 (&hash, &a);
  g_assert_false (umk_pow_check (&hash, umk_arith256_get_compact (&a, false), c));

  /* The limit's compact form is a valid target, and a hash equal to it meets
   * it; one more does not. (The limit itself is not exactly representable.) */
  UmkArith256 t;
  umk_arith256_set_compact (&t, bits, NULL, NULL);
  g_assert_cmphex (bits, ==, 0x1d00ffff);
  umk_arith256_to_uint256 (&hash, &t);
  g_assert_true (umk_pow_check (&hash, bits, c));
  umk_arith256_from_u64 (&a, 1);
  umk_arith256_add (&a, &t, &a);
  umk_arith256_to_uint256 (&hash, &a);
  g_assert_false (umk_pow_check (&hash, bits, c));
  g_assert_true (umk_pow_check (&one, bits, c));

  UmkArith256 target;
  g_assert_true (umk_pow_derive_target (0x1c05a3f4, &c->pow_limit, &target));
  g_assert_cmphex (umk_arith256_get_compact (&target, false), ==, 0x1c05a3f4);
  g_assert_false (umk_pow_derive_target (0x1d010000, &c->pow_limit, &target)); /* > limit */
  g_assert_false (umk_pow_derive_target (0x01003456, &c->pow_limit, &target)); /* zero */
}

static void
test_next_work_main (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  g_assert_cmpint (umk_consensus_difficulty_adjustment_interval (c), ==, 144);

  /* 144 blocks at 300 s spacing: the next retarget doubles difficulty. */
  g_autofree UmkBlockIndex *fast = make_chain (145, 1500000000, 300, 0x1c05a3f4);
  /* Between retargets the last bits carry over, whatever the time. */
  g_assert_cmphex (umk_pow_next_work_required (&fast[100], fast[100].time + 100000, c), ==,
                   0x1c05a3f4);
  /* At height 144 the interval 0..143 is measured: 143 x 300 s. */
  g_assert_cmphex (umk_pow_next_work_required (&fast[143], fast[143].time + 600, c), ==,
                   0x1c02ccf6);
  g_autofree UmkBlockIndex *even = make_chain (145, 1500000000, 600, 0x1c05a3f4);
  g_assert_cmphex (umk_pow_next_work_required (&even[143], even[143].time + 600, c), ==,
                   0x1c0599ec);
  g_assert_true (umk_pow_permitted_difficulty_transition (c, 144, 0x1c05a3f4, 0x1c0599ec));
}

static void
test_next_work_testnet_min_difficulty (void)
{
  g_autoptr (UmkChainParams) test = params_for (UMK_CHAIN_TEST);
  const UmkConsensusParams *c = &test->consensus;
  const uint32_t limit = 0x1d00ffff, b = 0x1c05a3f4;
  g_autofree UmkBlockIndex *chain = make_chain (150, 1500000000, 600, b);
  UmkBlockIndex *last = &chain[149];

  /* More than 20 minutes after the last block: the easiest target. */
  g_assert_cmphex (umk_pow_next_work_required (last, last->time + 1201, c), ==, limit);
  g_assert_cmphex (umk_pow_next_work_required (last, last->time + 1200, c), ==, b);

  /* Otherwise the bits of the last block that was not a min-difficulty one. */
  for (int h = 146; h <= 149; h++)
    chain[h].bits = limit;
  g_assert_cmphex (umk_pow_next_work_required (last, last->time + 600, c), ==, b);

  /* The walk stops at the period's first block (height 144), even if that
   * one was a min-difficulty block too. */
  chain[144].bits = limit;
  chain[145].bits = limit;
  g_assert_cmphex (umk_pow_next_work_required (last, last->time + 600, c), ==, limit);
}

static void
test_next_work_bip94 (void)
{
  g_autoptr (UmkChainParams) t4 = params_for (UMK_CHAIN_TESTNET4);
  const UmkConsensusParams *c = &t4->consensus;
  g_assert_true (c->enforce_bip94);
  g_assert_cmpint (umk_consensus_difficulty_adjustment_interval (c), ==, 72);
  const uint32_t limit = 0x1d00ffff, b = 0x1c05a3f4;

  /* Period 0..71: the first block has the real difficulty, the rest are
   * min-difficulty blocks. */
  g_autofree UmkBlockIndex *chain = make_chain (72, 1700000000, 600, limit);
  chain[0].bits = b;
  /* BIP 94 retargets from the first block's bits: 71 x 600 s of 43200. */
  g_assert_cmphex (umk_pow_next_work_required (&chain[71], chain[71].time + 600, c), ==,
                   0x1c058fe5);
  /* Without BIP 94 the last block's min-difficulty bits would be the base. */
  UmkConsensusParams no94 = *c;
  no94.enforce_bip94 = false;
  g_assert_cmphex (umk_pow_next_work_required (&chain[71], chain[71].time + 600, &no94), ==,
                   0x1d00fc70);
}

static void
test_next_work_regtest (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  const UmkConsensusParams *c = &reg->consensus;
  g_assert_true (c->pow_no_retargeting);
  g_autofree UmkBlockIndex *chain = make_chain (72, 1700000000, 1, 0x207fffff);
  /* No retargeting: the bits stay, even though the blocks came fast. */
  g_assert_cmphex (umk_pow_next_work_required (&chain[71], chain[71].time + 1, c), ==, 0x207fffff);
  g_assert_cmphex (umk_pow_calculate_next_work (&chain[71], chain[0].time, c), ==, 0x207fffff);
}

static void
test_proof_equivalent_time (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  const int n = 10000;
  g_autofree UmkBlockIndex *blocks
      = make_chain (n, 1269211443, (uint32_t) c->pow_target_spacing, 0x207fffff);
  g_autoptr (GRand) rand = g_rand_new_with_seed (94);
  for (int j = 0; j < 1000; j++)
    {
      UmkBlockIndex *p1 = &blocks[g_rand_int_range (rand, 0, n)];
      UmkBlockIndex *p2 = &blocks[g_rand_int_range (rand, 0, n)];
      UmkBlockIndex *p3 = &blocks[g_rand_int_range (rand, 0, n)];
      int64_t tdiff = umk_pow_proof_equivalent_time (p1, p2, p3, c);
      g_assert_cmpint (tdiff, ==, (int64_t) p1->time - (int64_t) p2->time);
    }
  /* Saturation: a tip whose bits carry no work. */
  UmkBlockIndex zero = blocks[5];
  zero.bits = 0;
  g_assert_cmpint (umk_pow_proof_equivalent_time (&blocks[9], &blocks[1], &zero, c), ==, INT64_MAX);
  g_assert_cmpint (umk_pow_proof_equivalent_time (&blocks[1], &blocks[9], &zero, c), ==,
                   -INT64_MAX);
}

/* Core's sanity_check_chainparams, and each genesis block's proof of work. */
static void
test_chain_params_sanity (void)
{
  for (UmkChain chain = UMK_CHAIN_MAIN; chain <= UMK_CHAIN_REGTEST; chain++)
    {
      g_autoptr (UmkChainParams) p = params_for (chain);
      const UmkConsensusParams *c = &p->consensus;
      g_assert_true (umk_uint256_equal (&c->hash_genesis_block, &p->genesis->hash));
      g_assert_cmpint (c->pow_target_timespan % c->pow_target_spacing, ==, 0);

      UmkArith256 target, limit;
      bool neg, over;
      umk_arith256_set_compact (&target, p->genesis->header.bits, &neg, &over);
      g_assert_false (neg);
      g_assert_false (over);
      g_assert_false (umk_arith256_is_zero (&target));
      umk_arith256_from_uint256 (&limit, &c->pow_limit);
      g_assert_cmpint (umk_arith256_cmp (&limit, &target), >=, 0);

      if (!c->pow_no_retargeting)
        {
          /* The limit times four timespans must not wrap. */
          UmkArith256 max, d;
          memset (&max, 0xff, sizeof max);
          umk_arith256_from_u64 (&d, (uint64_t) c->pow_target_timespan * 4);
          g_assert_true (umk_arith256_div (&max, &max, &d));
          g_assert_cmpint (umk_arith256_cmp (&limit, &max), <, 0);
        }
      g_assert_true (umk_pow_check (&p->genesis->hash, p->genesis->header.bits, c));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pow/calculate-next-work", test_calculate_next_work);
  g_test_add_func ("/pow/permitted-transition", test_permitted_transition);
  g_test_add_func ("/pow/check", test_check_pow);
  g_test_add_func ("/pow/next-work/main", test_next_work_main);
  g_test_add_func ("/pow/next-work/testnet-min-difficulty", test_next_work_testnet_min_difficulty);
  g_test_add_func ("/pow/next-work/bip94", test_next_work_bip94);
  g_test_add_func ("/pow/next-work/regtest", test_next_work_regtest);
  g_test_add_func ("/pow/proof-equivalent-time", test_proof_equivalent_time);
  g_test_add_func ("/pow/chain-params-sanity", test_chain_params_sanity);
  return g_test_run ();
}
