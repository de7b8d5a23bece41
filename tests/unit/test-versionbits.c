/* Tests for BIP 9: Core's versionbits_tests scenarios (every state and the
 * "since" heights, on a synthetic chain, with caches that see only some of
 * the queries), ComputeBlockVersion on every chain's deployments, the
 * getdeploymentinfo statistics, unknown-bit warnings, buried deployments and
 * concurrent use of one cache. */
#include "config.h"

#include "common/chainparams.h"
#include "common/versionbits.h"

#include <limits.h>
#include <string.h>

/* One block per 10 minutes from Nov 14 2014, as in Core's test. */
static int64_t
test_time (int height)
{
  return 1415926536 + 600 * (int64_t) height;
}

#define CHECKERS   6
#define MAX_BLOCKS 24001

enum
{
  NORMAL,
  DELAYED,
  ALWAYS,
  NEVER,
  N_VARIANTS
};

/* A fake chain and, per variant of the deployment, CHECKERS caches: cache i
 * is asked only with probability 2^-i, to show that missing cache entries
 * give the same answers. */
typedef struct
{
  GRand *rand;
  UmkBlockIndex *blocks;
  int n;
  int32_t version_base;
  UmkConsensusParams params[N_VARIANTS];
  UmkVersionBitsCache *caches[N_VARIANTS][CHECKERS];
  int num; /* test counter, to identify failures */
} Tester;

static void
tester_init (Tester *t, GRand *rand, int32_t version_base)
{
  memset (t, 0, sizeof *t);
  t->rand = rand;
  t->blocks = g_new0 (UmkBlockIndex, MAX_BLOCKS);
  t->version_base = version_base;
  UmkBip9Deployment normal = {
    .bit = 8,
    .start_time = test_time (10000),
    .timeout = test_time (20000),
    .min_activation_height = 0,
    .period = 1000,
    .threshold = 900,
  };
  for (int v = 0; v < N_VARIANTS; v++)
    {
      UmkBip9Deployment d = normal;
      if (v == DELAYED)
        d.min_activation_height = 15000;
      else if (v == ALWAYS)
        d.start_time = UMK_BIP9_ALWAYS_ACTIVE;
      else if (v == NEVER)
        d.start_time = UMK_BIP9_NEVER_ACTIVE;
      t->params[v].deployments[UMK_DEPLOYMENT_TESTDUMMY] = d;
      for (int i = 0; i < CHECKERS; i++)
        t->caches[v][i] = umk_versionbits_cache_new ();
    }
  t->num = 1000;
}

static void
tester_clear (Tester *t)
{
  for (int v = 0; v < N_VARIANTS; v++)
    for (int i = 0; i < CHECKERS; i++)
      umk_versionbits_cache_free (t->caches[v][i]);
  g_free (t->blocks);
}

static UmkBlockIndex *
tip (Tester *t)
{
  return t->n > 0 ? &t->blocks[t->n - 1] : NULL;
}

static Tester *
reset (Tester *t)
{
  t->num = t->num - t->num % 1000 + 1000;
  for (int v = 0; v < N_VARIANTS; v++)
    for (int i = 0; i < CHECKERS; i++)
      umk_versionbits_cache_clear (t->caches[v][i]);
  t->n = 0;
  return t;
}

static Tester *
mine (Tester *t, int height, int64_t time, int32_t version)
{
  g_assert_cmpint (height, <=, MAX_BLOCKS);
  while (t->n < height)
    {
      UmkBlockIndex *b = &t->blocks[t->n];
      UmkBlockIndex *prev = tip (t);
      memset (b, 0, sizeof *b);
      b->time = (uint32_t) time;
      b->version = t->version_base | version;
      memcpy (b->hash.b, &t->n, sizeof t->n);
      umk_block_index_link (b, prev);
      t->n++;
    }
  return t;
}

static bool
ask (Tester *t, int i)
{
  /* Core's randbits(i) == 0: probability 2^-i. */
  return i == 0 || (g_rand_int (t->rand) & ((1u << i) - 1)) == 0;
}

static Tester *
since2 (Tester *t, int height, int height_delayed)
{
  for (int i = 0; i < CHECKERS; i++)
    if (ask (t, i))
      {
        int got[N_VARIANTS];
        for (int v = 0; v < N_VARIANTS; v++)
          got[v] = umk_versionbits_state_since_height (t->caches[v][i], tip (t), &t->params[v],
                                                       UMK_DEPLOYMENT_TESTDUMMY);
        if (got[NORMAL] != height || got[DELAYED] != height_delayed || got[ALWAYS] != 0
            || got[NEVER] != 0)
          g_error ("test %d for state-since height: got %d/%d/%d/%d, want %d/%d/0/0", t->num,
                   got[NORMAL], got[DELAYED], got[ALWAYS], got[NEVER], height, height_delayed);
      }
  t->num++;
  return t;
}

static Tester *
since (Tester *t, int height)
{
  return since2 (t, height, height);
}

static Tester *
state2 (Tester *t, UmkThresholdState exp, UmkThresholdState exp_delayed)
{
  if (exp != exp_delayed)
    {
      /* only difference expected: the delayed one stays locked in longer */
      g_assert_cmpint (exp, ==, UMK_THRESHOLD_ACTIVE);
      g_assert_cmpint (exp_delayed, ==, UMK_THRESHOLD_LOCKED_IN);
    }
  for (int i = 0; i < CHECKERS; i++)
    if (ask (t, i))
      {
        UmkThresholdState want[N_VARIANTS]
            = { exp, exp_delayed, UMK_THRESHOLD_ACTIVE, UMK_THRESHOLD_FAILED };
        for (int v = 0; v < N_VARIANTS; v++)
          {
            UmkThresholdState got = umk_versionbits_state (t->caches[v][i], tip (t), &t->params[v],
                                                           UMK_DEPLOYMENT_TESTDUMMY);
            if (got != want[v])
              g_error ("test %d (variant %d) for %s at height %d: got %s", t->num, v,
                       umk_threshold_state_name (want[v]), t->n, umk_threshold_state_name (got));
          }
      }
  t->num++;
  return t;
}

#define DEFINED(t)        state2 (t, UMK_THRESHOLD_DEFINED, UMK_THRESHOLD_DEFINED)
#define STARTED(t)        state2 (t, UMK_THRESHOLD_STARTED, UMK_THRESHOLD_STARTED)
#define LOCKED_IN(t)      state2 (t, UMK_THRESHOLD_LOCKED_IN, UMK_THRESHOLD_LOCKED_IN)
#define ACTIVE(t)         state2 (t, UMK_THRESHOLD_ACTIVE, UMK_THRESHOLD_ACTIVE)
#define FAILED(t)         state2 (t, UMK_THRESHOLD_FAILED, UMK_THRESHOLD_FAILED)
#define ACTIVE_DELAYED(t) state2 (t, UMK_THRESHOLD_ACTIVE, UMK_THRESHOLD_LOCKED_IN)

static void
test_state_machine (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (9);
  for (int round = 0; round < 64; round++)
    {
      Tester tester, *t = &tester;
      tester_init (t, rand, UMK_VERSIONBITS_TOP_BITS);

      /* DEFINED -> STARTED after timeout reached -> FAILED */
      since (DEFINED (t), 0);
      since (DEFINED (mine (t, 1, test_time (1), 0x100)), 0);
      since (DEFINED (mine (t, 11, test_time (11), 0x100)), 0);
      since (DEFINED (mine (t, 989, test_time (989), 0x100)), 0);
      /* start time and timeout reached at once */
      since (DEFINED (mine (t, 999, test_time (20000), 0x100)), 0);
      /* started; stop signalling */
      since (STARTED (mine (t, 1000, test_time (20000), 0)), 1000);
      since (STARTED (mine (t, 1999, test_time (30001), 0)), 1000);
      /* failed; signal again */
      since (FAILED (mine (t, 2000, test_time (30002), 0x100)), 2000);
      since (FAILED (mine (t, 2001, test_time (30003), 0x100)), 2000);
      since (FAILED (mine (t, 2999, test_time (30004), 0x100)), 2000);
      since (FAILED (mine (t, 3000, test_time (30005), 0x100)), 2000);
      since (FAILED (mine (t, 4000, test_time (30006), 0x100)), 2000);

      /* DEFINED -> STARTED -> FAILED */
      since (DEFINED (reset (t)), 0);
      since (DEFINED (mine (t, 1, test_time (1), 0)), 0);
      /* one second more and it would be started */
      since (DEFINED (mine (t, 1000, test_time (10000) - 1, 0x100)), 0);
      since (STARTED (mine (t, 2000, test_time (10000), 0x100)), 2000);
      since (STARTED (mine (t, 2051, test_time (10010), 0)), 2000);     /* 51 old blocks */
      since (STARTED (mine (t, 2950, test_time (10020), 0x100)), 2000); /* 899 new blocks */
      /* 50 old blocks: 899 out of the past 1000 */
      since (FAILED (mine (t, 3000, test_time (20000), 0)), 3000);
      since (FAILED (mine (t, 4000, test_time (20010), 0x100)), 3000);

      /* DEFINED -> STARTED -> LOCKED_IN after timeout reached -> ACTIVE */
      since (DEFINED (reset (t)), 0);
      since (DEFINED (mine (t, 1, test_time (1), 0)), 0);
      since (DEFINED (mine (t, 1000, test_time (10000) - 1, 0x101)), 0);
      since (STARTED (mine (t, 2000, test_time (10000), 0x101)), 2000);
      since (STARTED (mine (t, 2999, test_time (30000), 0x100)), 2000); /* 999 new blocks */
      /* one more: 1000 of the past 1000 are new */
      since (LOCKED_IN (mine (t, 3000, test_time (30000), 0x100)), 3000);
      since (LOCKED_IN (mine (t, 3999, test_time (30001), 0)), 3000);
      since2 (ACTIVE_DELAYED (mine (t, 4000, test_time (30002), 0)), 4000, 3000);
      since2 (ACTIVE_DELAYED (mine (t, 14333, test_time (30003), 0)), 4000, 3000);
      since2 (ACTIVE (mine (t, 24000, test_time (40000), 0)), 4000, 15000);

      /* DEFINED -> STARTED -> LOCKED_IN before timeout -> ACTIVE */
      DEFINED (reset (t));
      since (DEFINED (mine (t, 1, test_time (1), 0)), 0);
      since (DEFINED (mine (t, 1000, test_time (10000) - 1, 0x101)), 0);
      since (STARTED (mine (t, 2000, test_time (10000), 0x101)), 2000);
      since (STARTED (mine (t, 2050, test_time (10010), 0x200)), 2000); /* 50 old blocks */
      since (STARTED (mine (t, 2950, test_time (10020), 0x100)), 2000); /* 900 new blocks */
      since (STARTED (mine (t, 2999, test_time (19999), 0x200)), 2000); /* 49 old blocks */
      /* one old block: 900 of the past 1000 */
      since (LOCKED_IN (mine (t, 3000, test_time (29999), 0x200)), 3000);
      since (LOCKED_IN (mine (t, 3999, test_time (30001), 0)), 3000);
      /* the delayed one waits for height 15000 */
      since2 (ACTIVE_DELAYED (mine (t, 4000, test_time (30002), 0)), 4000, 3000);
      since2 (ACTIVE_DELAYED (mine (t, 14333, test_time (30003), 0)), 4000, 3000);
      since2 (ACTIVE (mine (t, 15000, test_time (40000), 0)), 4000, 15000);
      since2 (ACTIVE (mine (t, 24000, test_time (40000), 0)), 4000, 15000);

      /* DEFINED multiple periods -> STARTED multiple periods -> FAILED */
      since (DEFINED (reset (t)), 0);
      since (DEFINED (mine (t, 999, test_time (999), 0)), 0);
      since (DEFINED (mine (t, 1000, test_time (1000), 0)), 0);
      since (DEFINED (mine (t, 2000, test_time (2000), 0)), 0);
      since (STARTED (mine (t, 3000, test_time (10000), 0)), 3000);
      since (STARTED (mine (t, 4000, test_time (10000), 0)), 3000);
      since (STARTED (mine (t, 5000, test_time (10000), 0)), 3000);
      since (STARTED (mine (t, 5999, test_time (20000), 0)), 3000);
      since (FAILED (mine (t, 6000, test_time (20000), 0)), 6000);
      since (FAILED (mine (t, 7000, test_time (20000), 0x100)), 6000);
      /* no amount of signalling leaves FAILED */
      since (FAILED (mine (t, 24000, test_time (20000), 0x100)), 6000);

      tester_clear (t);
    }
}

/* A plain chain for the block-version checks: mine up to height with time
 * and version. */
typedef struct
{
  UmkBlockIndex *blocks;
  int n, cap;
} Chain;

static const UmkBlockIndex *
chain_mine (Chain *c, int height, int64_t time, int32_t version)
{
  g_assert_cmpint (height, <=, c->cap);
  while (c->n < height)
    {
      UmkBlockIndex *b = &c->blocks[c->n];
      memset (b, 0, sizeof *b);
      b->time = (uint32_t) time;
      b->version = version;
      memcpy (b->hash.b, &c->n, sizeof c->n);
      umk_block_index_link (b, c->n > 0 ? &c->blocks[c->n - 1] : NULL);
      c->n++;
    }
  return c->n > 0 ? &c->blocks[c->n - 1] : NULL;
}

static bool
cbv_bit (UmkVersionBitsCache *cache, const UmkBlockIndex *prev, const UmkConsensusParams *p,
         int bit)
{
  return (umk_versionbits_compute_block_version (cache, prev, p) & (1 << bit)) != 0;
}

/* Core's check_computeblockversion: the bit is set while STARTED and
 * LOCKED_IN, then dropped once ACTIVE or FAILED. Umkoin's mainnet taproot
 * activation height is not on a period boundary (155843, periods of 144),
 * so activation is expected at the first boundary at or after it. */
static void
check_block_version (UmkVersionBitsCache *cache, const UmkConsensusParams *params,
                     UmkDeployment dep)
{
  umk_versionbits_cache_clear (cache);
  const UmkBip9Deployment *d = &params->deployments[dep];
  const int bit = d->bit;
  const int64_t start = d->start_time, timeout = d->timeout;
  const int min_height = d->min_activation_height;
  const uint32_t period = d->period, threshold = d->threshold;
  const int32_t old_version = UMK_VERSIONBITS_LAST_OLD_BLOCK_VERSION;

  g_assert_cmpuint (period, >, 0);
  g_assert_cmpuint (threshold, >, 0);
  g_assert_cmpuint (threshold, <, period);

  /* no signalling for the first block */
  g_assert_cmpint (umk_versionbits_compute_block_version (cache, NULL, params), ==,
                   UMK_VERSIONBITS_TOP_BITS);

  if (start == UMK_BIP9_ALWAYS_ACTIVE || start == UMK_BIP9_NEVER_ACTIVE)
    {
      g_assert_cmpint (umk_deployment_active_after (cache, NULL, params, dep), ==,
                       start == UMK_BIP9_ALWAYS_ACTIVE);
      g_assert_cmpint (min_height, ==, 0);
      g_assert_cmpint (timeout, ==, UMK_BIP9_NO_TIMEOUT);
      return;
    }

  g_assert_cmpint (start, <, timeout);
  g_assert_cmpint (start, >=, 0);
  g_assert_true (timeout <= UINT32_MAX || timeout == UMK_BIP9_NO_TIMEOUT);
  g_assert_true (bit >= 0 && bit < 32);
  g_assert_true (((1u << bit) & UMK_VERSIONBITS_TOP_MASK) == 0);
  g_assert_cmpint (min_height, >=, 0);

  int cap = (int) period * 6 + min_height + 10;
  Chain first = { g_new0 (UmkBlockIndex, cap), 0, cap };
  Chain second = { g_new0 (UmkBlockIndex, cap), 0, cap };
  const UmkBlockIndex *last;
  int64_t time = start;

  if (time == 0)
    {
      /* Times cannot go below 0: DEFINED -> STARTED at the end of the first
       * period, mining at time 0. */
      last = chain_mine (&first, (int) period - 1, time, old_version);
      g_assert_false (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
      last = chain_mine (&first, (int) period, time, old_version);
      g_assert_true (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
    }
  else
    {
      /* one second before the start time: stays DEFINED */
      time--;
      last = chain_mine (&first, (int) period, time, old_version);
      g_assert_false (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
      for (uint32_t i = 1; i < period - 4; i++)
        {
          last = chain_mine (&first, (int) (period + i), time, old_version);
          g_assert_false (cbv_bit (cache, last, params, bit));
          g_assert_false (umk_deployment_active_after (cache, last, params, dep));
        }
      /* five blocks at the start time: the median time has not passed it */
      time = start;
      for (uint32_t i = period - 4; i <= period; i++)
        {
          last = chain_mine (&first, (int) (period + i), time, old_version);
          g_assert_false (cbv_bit (cache, last, params, bit));
          g_assert_false (umk_deployment_active_after (cache, last, params, dep));
        }
    }

  /* next period: STARTED, the bit is set, with the top bits */
  last = chain_mine (&first, (int) period * 3, time, old_version);
  g_assert_true (cbv_bit (cache, last, params, bit));
  g_assert_cmphex ((uint32_t) umk_versionbits_compute_block_version (cache, last, params)
                       & UMK_VERSIONBITS_TOP_MASK,
                   ==, UMK_VERSIONBITS_TOP_BITS);
  g_assert_false (umk_deployment_active_after (cache, last, params, dep));

  /* set until the timeout */
  time += 600;
  uint32_t to_mine = period * 2;
  int height = (int) period * 3;
  while (time < timeout && to_mine > 0)
    {
      last = chain_mine (&first, height + 1, time, old_version);
      g_assert_true (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
      to_mine--;
      time += 600;
      height++;
    }

  if (timeout != UMK_BIP9_NO_TIMEOUT)
    {
      time = timeout;
      /* finish the period before timing out */
      while (height % (int) period != 0)
        {
          last = chain_mine (&first, height + 1, time - 1, old_version);
          g_assert_true (cbv_bit (cache, last, params, bit));
          g_assert_false (umk_deployment_active_after (cache, last, params, dep));
          height++;
        }
      /* FAILED only comes at the end of a period */
      for (uint32_t i = 0; i < period - 1; i++)
        {
          last = chain_mine (&first, height + 1, time, old_version);
          g_assert_true (cbv_bit (cache, last, params, bit));
          g_assert_false (umk_deployment_active_after (cache, last, params, dep));
          height++;
        }
      last = chain_mine (&first, height + 1, time, old_version);
      g_assert_false (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
    }

  /* A new chain: set while locked in, dropped once active. */
  time = start;
  last = chain_mine (&second, (int) period, time, old_version);
  g_assert_true (cbv_bit (cache, last, params, bit));
  g_assert_false (umk_deployment_active_after (cache, last, params, dep));
  /* a period of signalling locks it in; the bit stays set until activation */
  last = chain_mine (&second, (int) period * 2, time, UMK_VERSIONBITS_TOP_BITS | (1 << bit));
  g_assert_true (cbv_bit (cache, last, params, bit));
  g_assert_false (umk_deployment_active_after (cache, last, params, dep));
  last = chain_mine (&second, (int) period * 3 - 1, time, old_version);
  g_assert_true (cbv_bit (cache, last, params, bit));
  g_assert_false (umk_deployment_active_after (cache, last, params, dep));
  last = chain_mine (&second, (int) period * 3, time, old_version);

  if (last->height + 1 < min_height)
    {
      int activation = (min_height + (int) period - 1) / (int) period * (int) period;
      last = chain_mine (&second, activation - 1, time, old_version);
      g_assert_true (cbv_bit (cache, last, params, bit));
      g_assert_false (umk_deployment_active_after (cache, last, params, dep));
      last = chain_mine (&second, activation, time, old_version);
    }
  g_assert_false (cbv_bit (cache, last, params, bit));
  g_assert_true (umk_deployment_active_after (cache, last, params, dep));
  /* active exactly from the block after last */
  g_assert_cmpint (umk_versionbits_state_since_height (cache, last, params, dep), ==,
                   last->height + 1);
  g_assert_false (umk_deployment_active_at (cache, last, params, dep));

  /* free the chains only after the cache forgot them */
  umk_versionbits_cache_clear (cache);
  g_free (first.blocks);
  g_free (second.blocks);
}

static void
test_compute_block_version (void)
{
  g_autoptr (UmkVersionBitsCache) cache = umk_versionbits_cache_new ();
  for (UmkChain chain = UMK_CHAIN_MAIN; chain <= UMK_CHAIN_REGTEST; chain++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkChainParams) p = umk_chain_params_new (chain, NULL, &error);
      g_assert_no_error (error);
      uint32_t all_bits = 0;
      for (int dep = 0; dep < UMK_N_DEPLOYMENTS; dep++)
        {
          /* no bit used twice on one chain */
          uint32_t mask = 1u << p->consensus.deployments[dep].bit;
          g_assert_false (all_bits & mask);
          all_bits |= mask;
          check_block_version (cache, &p->consensus, dep);
        }
    }

  /* regtest testdummy during 2008, and with a minimum activation height */
  const char *vbparams[]
      = { "testdummy:1199145601:1230767999", "testdummy:1199145601:1230767999:403200" };
  for (size_t i = 0; i < G_N_ELEMENTS (vbparams); i++)
    {
      g_autoptr (GError) error = NULL;
      UmkChainOptions opts;
      umk_chain_options_init (&opts);
      g_assert_true (umk_chain_options_add_vbparams (&opts, vbparams[i], &error));
      g_assert_no_error (error);
      g_autoptr (UmkChainParams) p = umk_chain_params_new (UMK_CHAIN_REGTEST, &opts, &error);
      g_assert_no_error (error);
      umk_chain_options_clear (&opts);
      check_block_version (cache, &p->consensus, UMK_DEPLOYMENT_TESTDUMMY);
    }
}

/* Statistics and getdeploymentinfo's view of the "normal" deployment. */
static void
test_info (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  Tester tester, *t = &tester;
  tester_init (t, rand, UMK_VERSIONBITS_TOP_BITS);
  const UmkConsensusParams *p = &t->params[NORMAL];
  UmkVersionBitsCache *cache = t->caches[NORMAL][0];
  UmkBip9Info info;

  /* DEFINED: no statistics */
  mine (t, 1500, test_time (1), 0);
  umk_versionbits_info (cache, tip (t), p, UMK_DEPLOYMENT_TESTDUMMY, &info);
  g_assert_cmpint (info.current_state, ==, UMK_THRESHOLD_DEFINED);
  g_assert_cmpint (info.next_state, ==, UMK_THRESHOLD_DEFINED);
  g_assert_cmpint (info.since, ==, 0);
  g_assert_false (info.has_stats);
  g_assert_null (info.signalling);
  g_assert_false (info.has_active_since);
  umk_bip9_info_clear (&info);

  /* started at 2000; blocks 2000..2049 alternate, starting with a signal */
  mine (t, 2000, test_time (10000), 0);
  for (int h = 2000; h < 2050; h++)
    mine (t, h + 1, test_time (10000), (h % 2 == 0) ? 0x100 : 0);
  umk_versionbits_info (cache, tip (t), p, UMK_DEPLOYMENT_TESTDUMMY, &info);
  g_assert_cmpint (info.current_state, ==, UMK_THRESHOLD_STARTED);
  g_assert_cmpint (info.next_state, ==, UMK_THRESHOLD_STARTED);
  g_assert_cmpint (info.since, ==, 2000);
  g_assert_true (info.has_stats);
  g_assert_cmpuint (info.stats.period, ==, 1000);
  g_assert_cmpuint (info.stats.threshold, ==, 900);
  g_assert_cmpuint (info.stats.elapsed, ==, 50);
  g_assert_cmpuint (info.stats.count, ==, 25);
  g_assert_true (info.stats.possible); /* 25 missed of 100 allowed */
  g_assert_cmpuint (strlen (info.signalling), ==, 50);
  g_assert_true (g_str_has_prefix (info.signalling, "#-#-#-"));
  g_assert_cmpint (info.signalling[49], ==, '-');
  umk_bip9_info_clear (&info);

  /* 101 misses: no longer possible */
  mine (t, 2126, test_time (10000), 0);
  UmkBip9Stats stats;
  g_autofree bool *bits = g_new0 (bool, 1000);
  umk_versionbits_statistics (tip (t), &p->deployments[UMK_DEPLOYMENT_TESTDUMMY], &stats, bits);
  g_assert_cmpuint (stats.elapsed, ==, 126);
  g_assert_cmpuint (stats.count, ==, 25);
  g_assert_false (stats.possible);
  g_assert_true (bits[0] && !bits[1] && !bits[125]);
  umk_versionbits_statistics (NULL, &p->deployments[UMK_DEPLOYMENT_TESTDUMMY], &stats, NULL);
  g_assert_cmpuint (stats.elapsed, ==, 0);
  g_assert_cmpuint (stats.period, ==, 1000);

  /* lock in: the period 3000..3999 signals throughout */
  reset (t);
  mine (t, 2000, test_time (10000), 0);
  mine (t, 3000, test_time (10000), 0x100);
  mine (t, 3010, test_time (10000), 0x100);
  umk_versionbits_info (cache, tip (t), p, UMK_DEPLOYMENT_TESTDUMMY, &info);
  g_assert_cmpint (info.current_state, ==, UMK_THRESHOLD_LOCKED_IN);
  g_assert_cmpint (info.since, ==, 3000);
  g_assert_true (info.has_stats);
  g_assert_cmpuint (info.stats.threshold, ==, 0);
  g_assert_false (info.stats.possible);
  g_assert_cmpuint (info.stats.elapsed, ==, 10);
  g_assert_cmpstr (info.signalling, ==, "##########");
  g_assert_false (info.has_active_since);
  umk_bip9_info_clear (&info);

  /* the last locked-in block: next is active, from height 4000 */
  mine (t, 4000, test_time (10000), 0);
  umk_versionbits_info (cache, tip (t), p, UMK_DEPLOYMENT_TESTDUMMY, &info);
  g_assert_cmpint (info.current_state, ==, UMK_THRESHOLD_LOCKED_IN);
  g_assert_cmpint (info.next_state, ==, UMK_THRESHOLD_ACTIVE);
  g_assert_true (info.has_active_since);
  g_assert_cmpint (info.active_since, ==, 4000);
  umk_bip9_info_clear (&info);

  mine (t, 4500, test_time (10000), 0);
  umk_versionbits_info (cache, tip (t), p, UMK_DEPLOYMENT_TESTDUMMY, &info);
  g_assert_cmpint (info.current_state, ==, UMK_THRESHOLD_ACTIVE);
  g_assert_false (info.has_stats);
  g_assert_true (info.has_active_since);
  g_assert_cmpint (info.active_since, ==, 4000);
  g_assert_cmpint (info.since, ==, 4000);
  umk_bip9_info_clear (&info);

  g_assert_cmpstr (umk_threshold_state_name (UMK_THRESHOLD_LOCKED_IN), ==, "locked_in");
  g_assert_cmpstr (umk_threshold_state_name (UMK_THRESHOLD_FAILED), ==, "failed");
  tester_clear (t);
}

static void
test_unknown_activations (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) p = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  g_autoptr (UmkVersionBitsCache) cache = umk_versionbits_cache_new ();
  /* regtest is a test chain: periods of 72 blocks, threshold 54. Every block
   * signals bit 5 (unknown) and bit 28 (testdummy, which our own version
   * sets while it is started, so it is not unknown). */
  Chain c = { g_new0 (UmkBlockIndex, 300), 0, 300 };
  const int32_t v = UMK_VERSIONBITS_TOP_BITS | (1 << 5) | (1 << 28);
  int bits[UMK_VERSIONBITS_NUM_BITS];
  bool active[UMK_VERSIONBITS_NUM_BITS];

  const UmkBlockIndex *last = chain_mine (&c, 72, 0, v);
  g_assert_cmpint (
      umk_versionbits_unknown_activations (cache, last, &p->consensus, true, bits, active), ==, 0);
  last = chain_mine (&c, 144, 0, v);
  g_assert_cmpint (
      umk_versionbits_unknown_activations (cache, last, &p->consensus, true, bits, active), ==, 1);
  g_assert_cmpint (bits[0], ==, 5);
  g_assert_false (active[0]);
  last = chain_mine (&c, 216, 0, v);
  g_assert_cmpint (
      umk_versionbits_unknown_activations (cache, last, &p->consensus, true, bits, active), ==, 1);
  g_assert_cmpint (bits[0], ==, 5);
  g_assert_true (active[0]);
  /* As a main-like chain (periods of 2016) nothing has locked in yet. */
  g_autoptr (UmkVersionBitsCache) cache2 = umk_versionbits_cache_new ();
  g_assert_cmpint (
      umk_versionbits_unknown_activations (cache2, last, &p->consensus, false, bits, active), ==,
      0);
  umk_versionbits_cache_clear (cache);
  umk_versionbits_cache_clear (cache2);
  g_free (c.blocks);
}

static void
test_buried (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) main = umk_chain_params_new (UMK_CHAIN_MAIN, NULL, &error);
  g_assert_no_error (error);
  const UmkConsensusParams *c = &main->consensus;
  /* Umkoin main: CSV and segwit at 432, BIP 34/65/66 from genesis. */
  Chain ch = { g_new0 (UmkBlockIndex, 440), 0, 440 };
  const UmkBlockIndex *b430 = chain_mine (&ch, 431, 1511563812, 4);
  const UmkBlockIndex *b431 = chain_mine (&ch, 432, 1511563812, 4);
  const UmkBlockIndex *b432 = chain_mine (&ch, 433, 1511563812, 4);
  g_assert_cmpint (b431->height, ==, 431);
  g_assert_true (umk_buried_active_after (NULL, c, UMK_BURIED_HEIGHTINCB));
  g_assert_false (umk_buried_active_after (b430, c, UMK_BURIED_CSV));
  g_assert_true (umk_buried_active_after (b431, c, UMK_BURIED_CSV));
  g_assert_false (umk_buried_active_at (b431, c, UMK_BURIED_SEGWIT));
  g_assert_true (umk_buried_active_at (b432, c, UMK_BURIED_SEGWIT));
  for (int d = 0; d < UMK_N_BURIED; d++)
    g_assert_true (umk_buried_enabled (c, d));
  UmkConsensusParams off = *c;
  off.segwit_height = INT_MAX;
  g_assert_false (umk_buried_enabled (&off, UMK_BURIED_SEGWIT));
  g_assert_false (umk_deployment_enabled (c, UMK_DEPLOYMENT_TESTDUMMY)); /* NEVER_ACTIVE */
  g_assert_true (umk_deployment_enabled (c, UMK_DEPLOYMENT_TAPROOT));
  g_free (ch.blocks);
}

/* Many threads asking one cache about one chain get the same answers. */
typedef struct
{
  UmkVersionBitsCache *cache;
  const UmkConsensusParams *params;
  const UmkBlockIndex *blocks;
  int n;
  int mismatches;
} ThreadJob;

static gpointer
thread_main (gpointer data)
{
  ThreadJob *job = data;
  for (int h = job->n - 1; h >= 0; h -= 7)
    {
      UmkThresholdState s = umk_versionbits_state (job->cache, &job->blocks[h], job->params,
                                                   UMK_DEPLOYMENT_TESTDUMMY);
      /* started from height 1000, locked in at 2000, active from 3000 */
      int next = h + 1;
      UmkThresholdState want = next < 1000   ? UMK_THRESHOLD_DEFINED
                               : next < 2000 ? UMK_THRESHOLD_STARTED
                               : next < 3000 ? UMK_THRESHOLD_LOCKED_IN
                                             : UMK_THRESHOLD_ACTIVE;
      if (s != want)
        g_atomic_int_inc (&job->mismatches);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);
  Tester tester, *t = &tester;
  tester_init (t, rand, UMK_VERSIONBITS_TOP_BITS);
  mine (t, 500, test_time (10000) - 1, 0);
  mine (t, 4000, test_time (10000), 0x100);
  ThreadJob job = { t->caches[NORMAL][0], &t->params[NORMAL], t->blocks, 4000, 0 };
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    threads[i] = g_thread_new ("vb", thread_main, &job);
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (job.mismatches, ==, 0);
  tester_clear (t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/versionbits/state-machine", test_state_machine);
  g_test_add_func ("/versionbits/compute-block-version", test_compute_block_version);
  g_test_add_func ("/versionbits/info", test_info);
  g_test_add_func ("/versionbits/unknown-activations", test_unknown_activations);
  g_test_add_func ("/versionbits/buried", test_buried);
  g_test_add_func ("/versionbits/threads", test_threads);
  return g_test_run ();
}
