/* Tests for the low-work headers sync (node/headers-sync): header chains mined
 * on regtest parameters, fed through both phases.
 *
 * The first three cases are the scenarios of Umkoin Core v31.0
 * src/test/headers_sync_chainwork_tests.cpp (MIT licence) with its numbers:
 * 15,000 target blocks of work 2 each, a minimum work of 30,000, commitments
 * every 600 headers and a redownload buffer of 15,000 - 2,123. The others cover
 * what that file leaves to the message processing or does not reach: headers
 * that do not connect or lack proof of work, difficulty changes the rules do
 * not permit, the commitment limit, the locators, a chain_start above genesis
 * and calls with nothing to do. */
#include "config.h"

#include "common/chain.h"
#include "common/chainparams.h"
#include "common/pow.h"
#include "node/headers-sync.h"

#include <string.h>

#define TARGET_BLOCKS          15000
#define CHAIN_WORK             (TARGET_BLOCKS * 2)
#define MAX_HEADERS            2000
#define REDOWNLOAD_BUFFER_SIZE (TARGET_BLOCKS - (MAX_HEADERS + 123))
#define COMMITMENT_PERIOD      600

#define EASY_BITS 0x207fffffu /* regtest's pow limit: every block adds a work of 2 */

typedef struct
{
  UmkChainParams *params;
  UmkBlockIndex genesis;
  /* both from genesis, one second apart; they differ by merkle root */
  UmkBlockHeader *first; /* TARGET_BLOCKS - 1 headers: exactly the minimum work */
  size_t n_first;
  UmkBlockHeader *second; /* TARGET_BLOCKS - 2: just short of it */
  size_t n_second;
} Fixture;

static Fixture fx;

static void
mine (UmkBlockHeader *h, const UmkConsensusParams *c)
{
  UmkUint256 hash;
  for (;;)
    {
      umk_block_header_hash (h, &hash);
      if (umk_pow_check (&hash, h->bits, c))
        return;
      h->nonce++;
    }
}

/* n headers after prev (hash prev_hash, time prev_time), each with the given
 * bits and merkle root, mined. */
static UmkBlockHeader *
make_headers (size_t n, const UmkUint256 *prev_hash, uint32_t prev_time, uint8_t merkle_byte,
              uint32_t bits, const UmkConsensusParams *c)
{
  UmkBlockHeader *hs = g_new0 (UmkBlockHeader, n);
  UmkUint256 prev = *prev_hash;
  for (size_t i = 0; i < n; i++)
    {
      UmkBlockHeader *h = &hs[i];
      h->version = fx.params->genesis->header.version;
      h->prev_block = prev;
      h->merkle_root.b[0] = merkle_byte;
      h->time = prev_time + (uint32_t) i + 1;
      h->bits = bits;
      mine (h, c);
      umk_block_header_hash (h, &prev);
    }
  return hs;
}

static void
hash_of (const UmkBlockHeader *h, UmkUint256 *out)
{
  umk_block_header_hash (h, out);
}

static UmkArith256
work (uint64_t w)
{
  UmkArith256 a;
  umk_arith256_from_u64 (&a, w);
  return a;
}

/* A sync on the fixture's parameters with Core's test numbers. */
static UmkHeadersSync *
new_sync (void)
{
  UmkArith256 min = work (CHAIN_WORK);
  return umk_headers_sync_new (0, fx.params, &fx.genesis, &min);
}

/* Core's CHECK_RESULT: the phase, the flags, how many headers were released
 * and the prev hash of the first (NULL: none released), and the first entry
 * of the next locator (NULL: the sync must be FINAL). Clears the result. */
static void
check_result (UmkHeadersSync *s, UmkHeadersSyncResult *r, UmkHeadersSyncPhase phase, bool success,
              bool request_more, size_t n_headers, const UmkUint256 *first_prev,
              const UmkUint256 *locator_first)
{
  g_assert_cmpint (umk_headers_sync_phase (s), ==, phase);
  g_assert_cmpint (r->success, ==, success);
  g_assert_cmpint (r->request_more, ==, request_more);
  g_assert_nonnull (r->pow_validated_headers);
  g_assert_cmpuint (r->pow_validated_headers->len, ==, n_headers);
  if (first_prev != NULL)
    g_assert_true (umk_uint256_equal (
        &g_array_index (r->pow_validated_headers, UmkBlockHeader, 0).prev_block, first_prev));
  else
    g_assert_cmpuint (n_headers, ==, 0);
  g_autoptr (GArray) locator = umk_headers_sync_next_locator (s);
  if (locator_first != NULL)
    {
      g_assert_cmpuint (locator->len, >, 0);
      g_assert_true (umk_uint256_equal (&g_array_index (locator, UmkUint256, 0), locator_first));
    }
  else
    {
      g_assert_cmpint (phase, ==, UMK_HEADERS_SYNC_FINAL);
      g_assert_cmpuint (locator->len, ==, 0);
    }
  umk_headers_sync_result_clear (r);
}

/* ---- Core's scenarios --------------------------------------------------- */

static void
test_sneaky_redownload (void)
{
  g_autoptr (UmkHeadersSync) s = new_sync ();
  UmkHeadersSyncResult r;
  UmkUint256 h0, genesis_hash = fx.genesis.hash;
  hash_of (&fx.first[0], &h0);

  /* One header, pretending the message was full so the sync goes on. */
  umk_headers_sync_process (s, fx.first, 1, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_PRESYNC, true, true, 0, NULL, &h0);

  /* The rest reaches the minimum work: ask again from the start. */
  umk_headers_sync_process (s, fx.first + 1, fx.n_first - 1, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 0, NULL, &genesis_hash);

  /* 25 commitments must all match by chance for this to pass: 1 in 2^25. */
  g_assert_cmpint (TARGET_BLOCKS / COMMITMENT_PERIOD, ==, 25);
  umk_headers_sync_process (s, fx.second, fx.n_second, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
}

static void
test_happy_path (void)
{
  const bool fulls[] = { false, true };
  UmkUint256 genesis_hash = fx.genesis.hash;
  for (size_t k = 0; k < G_N_ELEMENTS (fulls); k++)
    {
      bool full = fulls[k];
      g_autoptr (UmkHeadersSync) s = new_sync ();
      UmkHeadersSyncResult r;

      /* Enough work moves to REDOWNLOAD, full message or not. */
      umk_headers_sync_process (s, fx.first, fx.n_first, full, &r);
      check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 0, NULL, &genesis_hash);

      /* A buffer's worth: nothing released yet. */
      UmkUint256 last;
      hash_of (&fx.first[REDOWNLOAD_BUFFER_SIZE - 1], &last);
      umk_headers_sync_process (s, fx.first, REDOWNLOAD_BUFFER_SIZE, true, &r);
      check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 0, NULL, &last);

      /* One more pushes the first header out. */
      hash_of (&fx.first[REDOWNLOAD_BUFFER_SIZE], &last);
      umk_headers_sync_process (s, fx.first + REDOWNLOAD_BUFFER_SIZE, 1, true, &r);
      g_assert_true (memcmp (&g_array_index (r.pow_validated_headers, UmkBlockHeader, 0),
                             &fx.first[0], sizeof (UmkBlockHeader))
                     == 0);
      check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 1, &genesis_hash, &last);

      /* The rest reaches the minimum work again: everything left comes out,
       * each header exactly as the peer sent it. */
      UmkUint256 h0;
      hash_of (&fx.first[0], &h0);
      size_t done = REDOWNLOAD_BUFFER_SIZE + 1;
      umk_headers_sync_process (s, fx.first + done, fx.n_first - done, full, &r);
      g_assert_cmpuint (r.pow_validated_headers->len, ==, fx.n_first - 1);
      g_assert_true (memcmp (r.pow_validated_headers->data, fx.first + 1,
                             (fx.n_first - 1) * sizeof (UmkBlockHeader))
                     == 0);
      check_result (s, &r, UMK_HEADERS_SYNC_FINAL, true, false, fx.n_first - 1, &h0, NULL);
    }
}

static void
test_too_little_work (void)
{
  g_autoptr (UmkHeadersSync) s = new_sync ();
  UmkHeadersSyncResult r;
  g_assert_cmpint (umk_headers_sync_phase (s), ==, UMK_HEADERS_SYNC_PRESYNC);

  UmkUint256 h0;
  hash_of (&fx.second[0], &h0);
  umk_headers_sync_process (s, fx.second, 1, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_PRESYNC, true, true, 0, NULL, &h0);

  /* The chain ends short of the minimum: the sync ends with nothing, but the
   * headers themselves were fine (success stays true, as in Core). */
  umk_headers_sync_process (s, fx.second + 1, fx.n_second - 1, false, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, true, false, 0, NULL, NULL);
}

/* ---- beyond Core's test file -------------------------------------------- */

/* Released across several messages of 2000, as a real peer sends them, the
 * headers come out in order, once each, identical to the chain. */
static void
test_released_in_messages (void)
{
  g_autoptr (UmkHeadersSync) s = new_sync ();
  g_autoptr (GArray) released = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  UmkHeadersSyncResult r;
  int rounds = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t at = 0; at < fx.n_first; at += MAX_HEADERS)
      {
        size_t n = MIN (MAX_HEADERS, fx.n_first - at);
        umk_headers_sync_process (s, fx.first + at, n, n == MAX_HEADERS, &r);
        g_assert_true (r.success);
        g_array_append_vals (released, r.pow_validated_headers->data, r.pow_validated_headers->len);
        if (r.pow_validated_headers->len > 0)
          rounds++;
        /* The presync phase ends at its last header: from then on asked
         * again from genesis. */
        if (pass == 0 && at + n == fx.n_first)
          g_assert_cmpint (umk_headers_sync_phase (s), ==, UMK_HEADERS_SYNC_REDOWNLOAD);
        umk_headers_sync_result_clear (&r);
      }
  g_assert_cmpint (umk_headers_sync_phase (s), ==, UMK_HEADERS_SYNC_FINAL);
  g_assert_cmpuint (released->len, ==, fx.n_first);
  g_assert_true (memcmp (released->data, fx.first, fx.n_first * sizeof (UmkBlockHeader)) == 0);
  /* Some were released before the chain was complete (the buffer overflowed),
   * the rest at the end. */
  g_assert_cmpint (rounds, >=, 2);
}

/* A commitment at every height and a small buffer: thousands of bits and a
 * buffer that fills and drains on every message, and still the chain comes
 * out whole; a changed header anywhere after the first is caught. */
static void
test_every_height_committed (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) p = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  p->headers_sync.commitment_period = 1;
  p->headers_sync.redownload_buffer_size = 100;
  UmkArith256 min = work (CHAIN_WORK);
  UmkHeadersSyncResult r;

  g_autoptr (UmkHeadersSync) s = umk_headers_sync_new (0, p, &fx.genesis, &min);
  g_autoptr (GArray) released = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  for (int pass = 0; pass < 2; pass++)
    for (size_t at = 0; at < fx.n_first; at += MAX_HEADERS)
      {
        size_t n = MIN (MAX_HEADERS, fx.n_first - at);
        umk_headers_sync_process (s, fx.first + at, n, n == MAX_HEADERS, &r);
        g_assert_true (r.success);
        if (pass == 1 && n == MAX_HEADERS)
          g_assert_cmpuint (r.pow_validated_headers->len, ==, at == 0 ? MAX_HEADERS - 100 : n);
        g_array_append_vals (released, r.pow_validated_headers->data, r.pow_validated_headers->len);
        umk_headers_sync_result_clear (&r);
      }
  g_assert_cmpint (umk_headers_sync_phase (s), ==, UMK_HEADERS_SYNC_FINAL);
  g_assert_cmpuint (released->len, ==, fx.n_first);
  g_assert_true (memcmp (released->data, fx.first, fx.n_first * sizeof (UmkBlockHeader)) == 0);

  /* The second chain differs from the first at every height; served on the
   * second pass it fails at the first header (or, rarely, a later one, when
   * commitment bits agree by chance). */
  g_autoptr (UmkHeadersSync) s2 = umk_headers_sync_new (0, p, &fx.genesis, &min);
  umk_headers_sync_process (s2, fx.first, fx.n_first, true, &r);
  g_assert_cmpint (umk_headers_sync_phase (s2), ==, UMK_HEADERS_SYNC_REDOWNLOAD);
  umk_headers_sync_result_clear (&r);
  umk_headers_sync_process (s2, fx.second, MAX_HEADERS, true, &r);
  check_result (s2, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
}

/* The peer stops serving its chain in the middle of the redownload: the sync
 * ends, what was released stays released, and it is not an error. */
static void
test_redownload_incomplete (void)
{
  g_autoptr (UmkHeadersSync) s = new_sync ();
  UmkHeadersSyncResult r;
  umk_headers_sync_process (s, fx.first, fx.n_first, false, &r);
  g_assert_true (r.success && r.request_more);
  umk_headers_sync_result_clear (&r);

  umk_headers_sync_process (s, fx.first, REDOWNLOAD_BUFFER_SIZE + 10, false, &r);
  UmkUint256 genesis_hash = fx.genesis.hash;
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, true, false, 10, &genesis_hash, NULL);
}

static void
test_non_continuous (void)
{
  UmkHeadersSyncResult r;
  /* The first header of a message does not follow the last one received. */
  {
    g_autoptr (UmkHeadersSync) s = new_sync ();
    umk_headers_sync_process (s, fx.first, 1, true, &r);
    g_assert_true (r.success);
    umk_headers_sync_result_clear (&r);
    umk_headers_sync_process (s, fx.first + 2, 10, true, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
  }
  /* Nor does the very first one follow chain_start. */
  {
    g_autoptr (UmkHeadersSync) s = new_sync ();
    umk_headers_sync_process (s, fx.first + 1, 10, true, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
  }
  /* A gap inside one message. */
  {
    g_autoptr (UmkHeadersSync) s = new_sync ();
    UmkBlockHeader gap[3] = { fx.first[0], fx.first[1], fx.first[3] };
    umk_headers_sync_process (s, gap, 3, true, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
  }
  /* In REDOWNLOAD: the second pass starts elsewhere than chain_start, or
   * skips a header later. */
  for (int variant = 0; variant < 2; variant++)
    {
      g_autoptr (UmkHeadersSync) s = new_sync ();
      umk_headers_sync_process (s, fx.first, fx.n_first, true, &r);
      g_assert_cmpint (umk_headers_sync_phase (s), ==, UMK_HEADERS_SYNC_REDOWNLOAD);
      umk_headers_sync_result_clear (&r);
      if (variant == 0)
        umk_headers_sync_process (s, fx.first + 1, 100, true, &r);
      else
        {
          umk_headers_sync_process (s, fx.first, 100, true, &r);
          g_assert_true (r.success && r.request_more);
          umk_headers_sync_result_clear (&r);
          umk_headers_sync_process (s, fx.first + 101, 100, true, &r);
        }
      check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
    }
}

/* A header whose hash does not meet its own target ends the sync. */
static void
test_bad_pow (void)
{
  UmkHeadersSyncResult r;
  UmkBlockHeader bad[2] = { fx.first[0], fx.first[1] };
  /* Regtest's target is half the range: find a nonce that misses it. */
  UmkUint256 hash;
  do
    {
      bad[1].nonce++;
      umk_block_header_hash (&bad[1], &hash);
    }
  while (umk_pow_check (&hash, bad[1].bits, &fx.params->consensus));
  g_autoptr (UmkHeadersSync) s = new_sync ();
  umk_headers_sync_process (s, bad, 2, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);

  /* Bits above the pow limit are no target at all. */
  g_autoptr (UmkHeadersSync) s2 = new_sync ();
  UmkBlockHeader over = fx.first[0];
  over.bits = 0x2100ffffu;
  umk_headers_sync_process (s2, &over, 1, true, &r);
  check_result (s2, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
}

/* Regtest allows any difficulty change (min-difficulty blocks). Without that,
 * bits may change only at a retarget and by at most a factor of four either
 * way (after compact rounding). The bounds are computed as Core does, as the
 * old target times four timespans in 256 bits, which wraps for targets near
 * regtest's limit; so these chains start from a harder target, at a
 * chain_start of their own, with a retarget every second block (timespan
 * 1200 s) to keep the mining short. */
#define STRICT_BITS 0x1f07ffffu /* target 0x7ffff << 224 */

static void
test_difficulty_transitions (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) strict = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  strict->consensus.pow_allow_min_difficulty_blocks = false;
  strict->consensus.pow_target_timespan = 2 * strict->consensus.pow_target_spacing;
  const UmkConsensusParams *c = &strict->consensus;
  g_assert_cmpint (umk_consensus_difficulty_adjustment_interval (c), ==, 2);

  UmkBlockIndex start = { 0 };
  UmkBlockHeader start_header = { .version = 4, .time = fx.genesis.time, .bits = STRICT_BITS };
  UmkUint256 start_hash;
  umk_block_header_hash (&start_header, &start_hash);
  umk_block_index_set_header (&start, &start_header, &start_hash);
  umk_block_index_link (&start, NULL);

  UmkArith256 min = work (UINT64_MAX);
  UmkHeadersSyncResult r;
  UmkUint256 prev;

  /* Height 1 keeps the bits; height 2 is a retarget. */
  g_autofree UmkBlockHeader *base = make_headers (1, &start_hash, start.time, 7, STRICT_BITS, c);
  hash_of (&base[0], &prev);
  const struct
  {
    uint32_t bits;
    bool ok;
  } at_retarget[] = {
    { STRICT_BITS, true },  /* unchanged */
    { 0x1f01ffffu, true },  /* a quarter of the target, rounded down by the encoding */
    { 0x1f00ffffu, false }, /* an eighth */
    { 0x1f1ffffcu, true },  /* four times the target */
    { 0x1f3ffff8u, false }, /* eight times */
  };
  for (size_t k = 0; k < G_N_ELEMENTS (at_retarget); k++)
    {
      g_assert_cmpint (
          umk_pow_permitted_difficulty_transition (c, 2, STRICT_BITS, at_retarget[k].bits), ==,
          at_retarget[k].ok);
      g_autoptr (UmkHeadersSync) s = umk_headers_sync_new (1, strict, &start, &min);
      umk_headers_sync_process (s, base, 1, true, &r);
      g_assert_true (r.success);
      umk_headers_sync_result_clear (&r);
      g_autofree UmkBlockHeader *next
          = make_headers (1, &prev, base[0].time, 7, at_retarget[k].bits, c);
      umk_headers_sync_process (s, next, 1, true, &r);
      g_assert_cmpint (r.success, ==, at_retarget[k].ok);
      g_assert_cmpint (umk_headers_sync_phase (s), ==,
                       at_retarget[k].ok ? UMK_HEADERS_SYNC_PRESYNC : UMK_HEADERS_SYNC_FINAL);
      g_assert_cmpint (umk_headers_sync_presync_height (s), ==, at_retarget[k].ok ? 2 : 0);
      umk_headers_sync_result_clear (&r);
    }

  /* Between retargets no change is permitted, not even to an easier target. */
  {
    g_autoptr (UmkHeadersSync) s = umk_headers_sync_new (1, strict, &start, &min);
    g_autofree UmkBlockHeader *next = make_headers (1, &start_hash, start.time, 7, 0x1f0fffffu, c);
    umk_headers_sync_process (s, next, 1, true, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);
  }

  /* The same check in REDOWNLOAD: presync six headers, then serve a chain
   * that agrees up to height 4 and changes bits at height 5. The difficulty
   * check comes before any commitment could catch the difference. */
  {
    g_autofree UmkBlockHeader *chain = make_headers (6, &start_hash, start.time, 8, STRICT_BITS, c);
    UmkArith256 min6, proof;
    umk_arith256_work_from_bits (&proof, STRICT_BITS);
    umk_arith256_mul_u32 (&min6, &proof, 7);
    g_assert_cmpint (umk_arith256_cmp (&min6, &start.chain_work), >, 0);
    g_autoptr (UmkHeadersSync) s = umk_headers_sync_new (1, strict, &start, &min6);
    umk_headers_sync_process (s, chain, 6, false, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 0, NULL, &start_hash);

    UmkBlockHeader other[5];
    memcpy (other, chain, 4 * sizeof (UmkBlockHeader));
    hash_of (&chain[3], &prev);
    g_autofree UmkBlockHeader *changed = make_headers (1, &prev, chain[3].time, 8, 0x1f0fffffu, c);
    other[4] = changed[0];
    umk_headers_sync_process (s, other, 5, true, &r);
    check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);

    /* The true chain redownloads and is released whole. */
    g_autoptr (UmkHeadersSync) s2 = umk_headers_sync_new (1, strict, &start, &min6);
    umk_headers_sync_process (s2, chain, 6, false, &r);
    umk_headers_sync_result_clear (&r);
    umk_headers_sync_process (s2, chain, 6, false, &r);
    g_assert_true (memcmp (r.pow_validated_headers->data, chain, 6 * sizeof (UmkBlockHeader)) == 0);
    check_result (s2, &r, UMK_HEADERS_SYNC_FINAL, true, false, 6, &start_hash, NULL);
  }
}

/* No chain can have more blocks after chain_start than six a second since
 * its median time past (plus the two hours a block may be ahead): with a
 * commitment at every height and "now" one second into that window, the
 * seventh header is too many. */
static void
test_max_commitments (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) p = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  p->headers_sync.commitment_period = 1;
  UmkArith256 min = work (CHAIN_WORK);
  int64_t now = umk_block_index_median_time_past (&fx.genesis) - 2 * 60 * 60 + 1;
  UmkHeadersSyncResult r;

  g_autoptr (UmkHeadersSync) s = umk_headers_sync_new_at (0, p, &fx.genesis, &min, now);
  umk_headers_sync_process (s, fx.first, 6, true, &r);
  g_assert_true (r.success && r.request_more);
  umk_headers_sync_result_clear (&r);
  umk_headers_sync_process (s, fx.first + 6, 1, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);

  /* With a real clock the same chain goes on. */
  g_autoptr (UmkHeadersSync) s2 = umk_headers_sync_new (0, p, &fx.genesis, &min);
  umk_headers_sync_process (s2, fx.first, 100, true, &r);
  g_assert_true (r.success && r.request_more);
  umk_headers_sync_result_clear (&r);
}

/* The locators, the presync figures, and a chain_start above genesis: the
 * peer's headers continue from an index entry we have, heights count from
 * it, and the work starts from its chain work. */
static void
test_locator_and_progress (void)
{
  const size_t n_index = 20;
  g_autofree UmkBlockIndex *index = g_new0 (UmkBlockIndex, n_index + 1);
  index[0] = fx.genesis;
  for (size_t i = 1; i <= n_index; i++)
    {
      UmkUint256 hash;
      umk_block_header_hash (&fx.first[i - 1], &hash);
      umk_block_index_set_header (&index[i], &fx.first[i - 1], &hash);
      umk_block_index_link (&index[i], &index[i - 1]);
    }
  const UmkBlockIndex *start = &index[n_index];
  g_assert_cmpint (start->height, ==, 20);
  g_autoptr (GArray) start_locator = umk_block_locator ((UmkBlockIndex *) start);

  UmkArith256 min = work (CHAIN_WORK);
  g_autoptr (UmkHeadersSync) s = umk_headers_sync_new (3, fx.params, start, &min);
  UmkHeadersSyncResult r;

  /* Before any header: at chain_start. */
  g_assert_cmpint (umk_headers_sync_presync_height (s), ==, 20);
  g_assert_cmpuint (umk_headers_sync_presync_time (s), ==, start->time);
  g_assert_cmpint (umk_arith256_cmp (umk_headers_sync_presync_work (s), &start->chain_work), ==, 0);
  {
    g_autoptr (GArray) loc = umk_headers_sync_next_locator (s);
    g_assert_cmpuint (loc->len, ==, start_locator->len + 1);
    g_assert_true (umk_uint256_equal (&g_array_index (loc, UmkUint256, 0), &start->hash));
    g_assert_true (memcmp (&g_array_index (loc, UmkUint256, 1), start_locator->data,
                           start_locator->len * sizeof (UmkUint256))
                   == 0);
  }

  /* 2000 headers on. */
  umk_headers_sync_process (s, fx.first + n_index, MAX_HEADERS, true, &r);
  g_assert_true (r.success && r.request_more);
  umk_headers_sync_result_clear (&r);
  const UmkBlockHeader *last = &fx.first[n_index + MAX_HEADERS - 1];
  g_assert_cmpint (umk_headers_sync_presync_height (s), ==, 20 + MAX_HEADERS);
  g_assert_cmpuint (umk_headers_sync_presync_time (s), ==, last->time);
  UmkArith256 expect = work (2 * (21 + MAX_HEADERS));
  g_assert_cmpint (umk_arith256_cmp (umk_headers_sync_presync_work (s), &expect), ==, 0);
  {
    UmkUint256 last_hash;
    hash_of (last, &last_hash);
    g_autoptr (GArray) loc = umk_headers_sync_next_locator (s);
    g_assert_cmpuint (loc->len, ==, start_locator->len + 1);
    g_assert_true (umk_uint256_equal (&g_array_index (loc, UmkUint256, 0), &last_hash));
    g_assert_true (umk_uint256_equal (&g_array_index (loc, UmkUint256, 1), &start->hash));
  }

  /* The rest of the first chain reaches the minimum (its total is exactly
   * CHAIN_WORK). REDOWNLOAD asks from chain_start; the released headers start
   * right after it. */
  size_t at = n_index + MAX_HEADERS;
  umk_headers_sync_process (s, fx.first + at, fx.n_first - at, false, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_REDOWNLOAD, true, true, 0, NULL, &start->hash);
  g_assert_cmpint (umk_arith256_cmp (umk_headers_sync_presync_work (s), &min), ==, 0);

  umk_headers_sync_process (s, fx.first + n_index, fx.n_first - n_index, false, &r);
  g_assert_cmpuint (r.pow_validated_headers->len, ==, fx.n_first - n_index);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, true, false, fx.n_first - n_index, &start->hash,
                NULL);
  /* FINAL forgets the presync position. */
  g_assert_cmpint (umk_headers_sync_presync_height (s), ==, 0);
  g_assert_cmpuint (umk_headers_sync_presync_time (s), ==, 0);
}

/* Nothing to process: an empty message is not processed and changes nothing;
 * after FINAL nothing is processed at all. */
static void
test_nothing_to_do (void)
{
  g_autoptr (UmkHeadersSync) s = new_sync ();
  UmkHeadersSyncResult r;
  UmkUint256 genesis_hash = fx.genesis.hash;

  umk_headers_sync_process (s, fx.first, 0, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_PRESYNC, false, false, 0, NULL, &genesis_hash);
  umk_headers_sync_process (s, NULL, 0, false, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_PRESYNC, false, false, 0, NULL, &genesis_hash);

  /* A message that is not full ends a presync short of the work. */
  umk_headers_sync_process (s, fx.first, 5, false, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, true, false, 0, NULL, NULL);

  umk_headers_sync_process (s, fx.first + 5, 5, true, &r);
  check_result (s, &r, UMK_HEADERS_SYNC_FINAL, false, false, 0, NULL, NULL);

  /* Clearing twice, or a zeroed result, is harmless. */
  UmkHeadersSyncResult zero = { 0 };
  umk_headers_sync_result_clear (&zero);
  umk_headers_sync_result_clear (&zero);
  umk_headers_sync_free (NULL);
}

/* Every chain's parameters carry Core's v31 headers-sync numbers. */
static void
test_chain_params (void)
{
  const struct
  {
    UmkChain chain;
    unsigned period, buffer;
  } expect[] = {
    { UMK_CHAIN_MAIN, 445, 11402 },    { UMK_CHAIN_TEST, 440, 11266 },
    { UMK_CHAIN_TESTNET4, 275, 7017 }, { UMK_CHAIN_SIGNET, 390, 9584 },
    { UMK_CHAIN_REGTEST, 275, 7017 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (expect); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkChainParams) p = umk_chain_params_new (expect[i].chain, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (p->headers_sync.commitment_period, ==, expect[i].period);
      g_assert_cmpuint (p->headers_sync.redownload_buffer_size, ==, expect[i].buffer);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_autoptr (GError) error = NULL;
  fx.params = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  /* Core's test numbers, not regtest's own. */
  fx.params->headers_sync.commitment_period = COMMITMENT_PERIOD;
  fx.params->headers_sync.redownload_buffer_size = REDOWNLOAD_BUFFER_SIZE;
  const UmkBlock *genesis = fx.params->genesis;
  g_assert_cmphex (genesis->header.bits, ==, EASY_BITS);
  umk_block_index_set_header (&fx.genesis, &genesis->header, &genesis->hash);
  umk_block_index_link (&fx.genesis, NULL);

  const UmkConsensusParams *c = &fx.params->consensus;
  fx.n_first = TARGET_BLOCKS - 1;
  fx.first = make_headers (fx.n_first, &genesis->hash, genesis->header.time, 0, EASY_BITS, c);
  fx.n_second = TARGET_BLOCKS - 2;
  fx.second = make_headers (fx.n_second, &genesis->hash, genesis->header.time, 1, EASY_BITS, c);

  g_test_add_func ("/headers-sync/sneaky-redownload", test_sneaky_redownload);
  g_test_add_func ("/headers-sync/happy-path", test_happy_path);
  g_test_add_func ("/headers-sync/too-little-work", test_too_little_work);
  g_test_add_func ("/headers-sync/released-in-messages", test_released_in_messages);
  g_test_add_func ("/headers-sync/every-height-committed", test_every_height_committed);
  g_test_add_func ("/headers-sync/redownload-incomplete", test_redownload_incomplete);
  g_test_add_func ("/headers-sync/non-continuous", test_non_continuous);
  g_test_add_func ("/headers-sync/bad-pow", test_bad_pow);
  g_test_add_func ("/headers-sync/difficulty-transitions", test_difficulty_transitions);
  g_test_add_func ("/headers-sync/max-commitments", test_max_commitments);
  g_test_add_func ("/headers-sync/locator-and-progress", test_locator_and_progress);
  g_test_add_func ("/headers-sync/nothing-to-do", test_nothing_to_do);
  g_test_add_func ("/headers-sync/chain-params", test_chain_params);
  int ret = g_test_run ();

  g_free (fx.first);
  g_free (fx.second);
  umk_chain_params_free (fx.params);
  return ret;
}
