/* Tests for node/net-eviction: which inbound peer is evicted.
 *
 * The protection-by-ratio scenarios (peer counts, uptimes, networks and the
 * expected protected and unprotected ids) and the properties checked over 0 to
 * 199 random candidates are those of Umkoin Core v31.0's
 * src/test/net_peer_eviction_tests.cpp (MIT). The random values come from
 * GRand rather than Core's generator; every check holds whatever they are.
 * The netgroup, prefer_evict, noban and outbound cases, which Core's file
 * lists as left to test, are this project's own.
 */
#include "config.h"

#include "common/netaddress.h"
#include "node/net-eviction.h"

#include <string.h>

/* Candidate ids in a scenario are below 32: sets of them are bit masks. */
#define B(x)         (UINT32_C (1) << (x))
#define R(lo, hi)    ((UINT32_MAX >> (31 - (hi))) & (UINT32_MAX << (lo)))
#define HAS(mask, i) (((mask) >> (i)) & 1)

/* Core's GetRandomNodeEvictionCandidates: every field random, inbound, not noban. */
static UmkEvictionCandidate *
random_candidates (GRand *rand, size_t n)
{
  UmkEvictionCandidate *c = g_new0 (UmkEvictionCandidate, MAX (n, 1));
  for (size_t i = 0; i < n; i++)
    c[i] = (UmkEvictionCandidate){
      .id = (int64_t) i,
      .connected = g_rand_int_range (rand, 0, 100),
      .min_ping_us = g_rand_int_range (rand, 0, 100),
      .last_block_time = g_rand_int_range (rand, 0, 100),
      .last_tx_time = g_rand_int_range (rand, 0, 100),
      .relevant_services = g_rand_boolean (rand),
      .relay_txs = g_rand_boolean (rand),
      .bloom_filter = g_rand_boolean (rand),
      .keyed_netgroup = (uint64_t) g_rand_int_range (rand, 0, 100),
      .prefer_evict = g_rand_boolean (rand),
      .is_local = g_rand_boolean (rand),
      .network = g_rand_int_range (rand, UMK_NET_UNROUTABLE, UMK_NET_INTERNAL + 1),
      .noban = false,
      .inbound = true,
    };
  return c;
}

static void
shuffle (GRand *rand, UmkEvictionCandidate *c, size_t n)
{
  for (size_t i = n; i > 1; i--)
    {
      size_t j = (size_t) g_rand_int_range (rand, 0, (gint32) i);
      UmkEvictionCandidate t = c[i - 1];
      c[i - 1] = c[j];
      c[j] = t;
    }
}

/* ---- protection by ratio ------------------------------------------------ */

typedef enum
{
  TIME_RANDOM,
  TIME_ID,      /* connected = id: lower ids have more uptime */
  TIME_REVERSE, /* connected = n - id */
} TimeMode;

typedef struct
{
  const char *what;
  unsigned n;
  TimeMode time;
  int other_network; /* of peers in none of the masks below */
  uint32_t local, onion, i2p, cjdns;
  uint32_t protected_ids, unprotected_ids;
} RatioCase;

static const RatioCase ratio_cases[] = {
  { "uptime, oldest protected", 12, TIME_ID, UMK_NET_IPV4, 0, 0, 0, 0, R (0, 5), R (6, 11) },
  { "uptime, other direction", 12, TIME_REVERSE, UMK_NET_IPV6, 0, 0, 0, 0, R (6, 11), R (0, 5) },
  /* one network */
  { "3 onion of 12", 12, TIME_RANDOM, UMK_NET_IPV4, 0, B (3) | B (8) | B (9), 0, 0,
    B (3) | B (8) | B (9), 0 },
  { "5 onion of 12 by uptime", 12, TIME_ID, UMK_NET_IPV6, 0, B (3) | R (8, 11), 0, 0,
    R (0, 3) | B (8) | B (9), R (4, 7) | B (10) | B (11) },
  { "3 localhost of 12", 12, TIME_RANDOM, UMK_NET_IPV4, B (1) | B (9) | B (11), 0, 0, 0,
    B (1) | B (9) | B (11), 0 },
  { "5 localhost of 12 by uptime", 12, TIME_ID, UMK_NET_IPV6, R (7, 11), 0, 0, 0,
    R (0, 2) | R (7, 9), R (3, 6) | B (10) | B (11) },
  { "3 I2P of 12", 12, TIME_RANDOM, UMK_NET_IPV4, 0, 0, B (2) | B (7) | B (10), 0,
    B (2) | B (7) | B (10), 0 },
  { "4 I2P of 12 by uptime", 12, TIME_ID, UMK_NET_IPV6, 0, 0, B (4) | R (9, 11), 0,
    R (0, 2) | B (4) | B (9) | B (10), B (3) | R (5, 8) | B (11) },
  { "3 CJDNS of 12", 12, TIME_RANDOM, UMK_NET_IPV4, 0, 0, 0, B (2) | B (7) | B (10),
    B (2) | B (7) | B (10), 0 },
  { "4 CJDNS of 12 by uptime", 12, TIME_ID, UMK_NET_IPV6, 0, 0, 0, B (4) | R (9, 11),
    R (0, 2) | B (4) | B (9) | B (10), B (3) | R (5, 8) | B (11) },
  /* two networks; "localhost" id 4 of 4 peers does not exist, as in Core */
  { "localhost+onion of 4", 4, TIME_ID, UMK_NET_IPV4, B (4), B (3), 0, 0, B (0) | B (4),
    B (1) | B (2) },
  { "localhost+onion of 7", 7, TIME_ID, UMK_NET_IPV4, B (6), B (5), 0, 0, B (0) | B (1) | B (6),
    R (2, 5) },
  { "localhost+onion of 8", 8, TIME_ID, UMK_NET_IPV4, B (6), B (5), 0, 0, R (0, 1) | R (5, 6),
    R (2, 4) | B (7) },
  { "3 localhost, 3 onion of 12", 12, TIME_ID, UMK_NET_IPV6, B (6) | B (9) | B (11),
    B (7) | B (8) | B (10), 0, 0, R (0, 2) | B (6) | B (7) | B (9),
    R (3, 5) | B (8) | B (10) | B (11) },
  { "4 localhost, 1 onion of 12", 12, TIME_ID, UMK_NET_IPV4, R (5, 8), B (10), 0, 0,
    R (0, 2) | B (5) | B (6) | B (10), B (3) | B (4) | R (7, 9) | B (11) },
  { "4 localhost, 2 onion of 16", 16, TIME_ID, UMK_NET_IPV6, B (6) | B (9) | B (11) | B (12),
    B (8) | B (10), 0, 0, R (0, 3) | B (6) | R (8, 10), B (4) | B (5) | B (7) | R (11, 15) },
  { "5 localhost, 1 onion of 16", 16, TIME_ID, UMK_NET_IPV4, R (11, 15), B (10), 0, 0,
    R (0, 3) | R (10, 13), R (4, 9) | B (14) | B (15) },
  { "1 localhost, 4 onion of 16", 16, TIME_ID, UMK_NET_IPV6, B (15), R (7, 10), 0, 0,
    R (0, 3) | R (7, 9) | B (15), B (5) | B (6) | R (10, 14) },
  { "2 onion, 4 I2P of 12", 12, TIME_ID, UMK_NET_IPV4, 0, B (8) | B (10),
    B (6) | B (9) | B (11) | B (12), 0, R (0, 2) | B (6) | B (8) | B (10),
    R (3, 5) | B (7) | B (9) | B (11) },
  /* three networks */
  { "localhost+I2P+onion of 4", 4, TIME_ID, UMK_NET_IPV6, B (2), B (1), B (3), 0, B (0) | B (3),
    B (1) | B (2) },
  { "localhost+I2P+onion of 7", 7, TIME_ID, UMK_NET_IPV6, B (4), B (5), B (6), 0,
    B (0) | B (1) | B (6), R (2, 5) },
  { "localhost+I2P+onion of 8", 8, TIME_ID, UMK_NET_IPV6, B (6), B (4), B (5), 0,
    R (0, 1) | R (5, 6), R (2, 4) | B (7) },
  { "4 localhost, 2 I2P, 2 onion of 16", 16, TIME_ID, UMK_NET_IPV4, B (6) | R (12, 15),
    B (9) | B (10), B (7) | B (11), 0, R (0, 3) | B (6) | B (7) | B (9) | B (11),
    B (4) | B (5) | B (8) | B (10) | R (12, 15) },
  { "1 localhost, 8 I2P, 1 onion of 24", 24, TIME_ID, UMK_NET_IPV6, B (12), B (23), R (15, 22), 0,
    R (0, 5) | B (12) | R (15, 18) | B (23), R (6, 11) | B (13) | B (14) | R (19, 22) },
  { "1 localhost, 3 I2P, 6 onion of 24", 24, TIME_ID, UMK_NET_IPV4, B (15), R (18, 23),
    B (12) | B (14) | B (17), 0, R (0, 5) | B (12) | B (14) | B (15) | B (17) | B (18) | B (19),
    R (6, 11) | B (13) | B (16) | R (20, 23) },
  { "1 localhost, 7 I2P, 4 onion of 24", 24, TIME_ID, UMK_NET_IPV6, B (13), B (12) | R (14, 16),
    R (17, 23), 0, R (0, 5) | R (12, 15) | B (17) | B (18), R (6, 11) | B (16) | R (19, 23) },
  { "8 localhost, 4 CJDNS, 3 onion of 24", 24, TIME_ID, UMK_NET_IPV4, R (16, 23), R (7, 9), 0,
    R (11, 14), R (0, 5) | B (7) | B (8) | B (11) | B (12) | B (16) | B (17),
    B (6) | R (9, 10) | R (13, 15) | R (18, 23) },
  /* four networks; in the 8-peer case id 3 is both localhost and onion */
  { "one of each of 5", 5, TIME_ID, UMK_NET_IPV6, B (3), B (2), B (1), B (4), B (0) | B (4),
    R (1, 3) },
  { "one of each of 7", 7, TIME_ID, UMK_NET_IPV4, B (4), B (3), B (5), B (6), B (0) | B (1) | B (6),
    R (2, 5) },
  { "one of each of 8", 8, TIME_ID, UMK_NET_IPV6, B (3), B (3), B (6), B (5), R (0, 1) | R (5, 6),
    R (2, 4) | B (7) },
  { "2 CJDNS, 2 I2P, 10 localhost, 2 onion of 16", 16, TIME_ID, UMK_NET_IPV4, R (6, 15),
    B (8) | B (9), B (10) | B (14), B (11) | B (15), R (0, 3) | B (6) | B (8) | B (10) | B (11),
    B (4) | B (5) | B (7) | B (9) | R (12, 15) },
  { "6 CJDNS, 1 I2P, 1 localhost, 4 onion of 24", 24, TIME_ID, UMK_NET_IPV6, B (13),
    B (12) | R (14, 16), B (17), R (18, 23), R (0, 5) | R (12, 14) | R (17, 19),
    R (6, 11) | B (15) | B (16) | R (20, 23) },
};

/* Core's IsProtected: random candidates set up as the case says, shuffled,
 * then half must be protected, including every id of protected_ids and none
 * of unprotected_ids. */
static void
check_ratio_case (const RatioCase *rc, GRand *rand)
{
  g_autofree UmkEvictionCandidate *c = random_candidates (rand, rc->n);
  for (unsigned i = 0; i < rc->n; i++)
    {
      if (rc->time == TIME_ID)
        c[i].connected = i;
      else if (rc->time == TIME_REVERSE)
        c[i].connected = rc->n - i;
      c[i].is_local = HAS (rc->local, i);
      c[i].network = HAS (rc->cjdns, i)   ? UMK_NET_CJDNS
                     : HAS (rc->i2p, i)   ? UMK_NET_I2P
                     : HAS (rc->onion, i) ? UMK_NET_ONION
                                          : rc->other_network;
    }
  shuffle (rand, c, rc->n);

  size_t n = rc->n;
  umk_eviction_protect_by_ratio (c, &n);
  g_assert_cmpuint (n, ==, rc->n - rc->n / 2);

  uint32_t left = 0;
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpint (c[i].id, >=, 0);
      g_assert_cmpint (c[i].id, <, rc->n);
      left |= B (c[i].id);
    }
  if ((left & rc->protected_ids) != 0 || (left & rc->unprotected_ids) != rc->unprotected_ids)
    g_error ("%s: left unprotected %#x; expected protected %#x, unprotected %#x", rc->what, left,
             rc->protected_ids, rc->unprotected_ids);
}

static void
test_protect_by_ratio (void)
{
  /* Every case with several seeds, so that neither the random fields nor
   * the input order can matter. */
  for (guint32 seed = 1; seed <= 20; seed++)
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
      for (size_t i = 0; i < G_N_ELEMENTS (ratio_cases); i++)
        check_ratio_case (&ratio_cases[i], rand);
    }
}

static void
test_protect_by_ratio_small (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  size_t n = 0;
  umk_eviction_protect_by_ratio (NULL, &n);
  g_assert_cmpuint (n, ==, 0);

  /* One candidate: half of one is nothing, so it stays. */
  g_autofree UmkEvictionCandidate *one = random_candidates (rand, 1);
  n = 1;
  umk_eviction_protect_by_ratio (one, &n);
  g_assert_cmpuint (n, ==, 1);

  /* The candidates left come youngest first (the order eviction relies on). */
  g_autofree UmkEvictionCandidate *c = random_candidates (rand, 50);
  n = 50;
  umk_eviction_protect_by_ratio (c, &n);
  g_assert_cmpuint (n, ==, 25);
  for (size_t i = 1; i < n; i++)
    g_assert_cmpint (c[i - 1].connected, >=, c[i].connected);
}

/* ---- selection ------------------------------------------------------------ */

typedef void (*SetupFn) (UmkEvictionCandidate *c, unsigned n);

/* Core's IsEvicted: TRUE if the peer chosen is one of ids. */
static bool
is_evicted (GRand *rand, unsigned n, SetupFn setup, uint64_t ids_below)
{
  g_autofree UmkEvictionCandidate *c = random_candidates (rand, n);
  for (unsigned i = 0; i < n; i++)
    setup (&c[i], n);
  shuffle (rand, c, n);
  int64_t id = -1;
  if (!umk_select_node_to_evict (c, n, &id))
    return false;
  g_assert_cmpint (id, >=, 0);
  g_assert_cmpint (id, <, n);
  return (uint64_t) id < ids_below;
}

static void
setup_netgroup (UmkEvictionCandidate *c, unsigned n)
{
  c->keyed_netgroup = n - c->id;
}

static void
setup_ping (UmkEvictionCandidate *c, unsigned n)
{
  (void) n;
  c->min_ping_us = c->id;
}

static void
setup_tx (UmkEvictionCandidate *c, unsigned n)
{
  c->last_tx_time = n - c->id;
}

static void
setup_block (UmkEvictionCandidate *c, unsigned n)
{
  c->last_block_time = n - c->id;
}

static void
setup_block_relay_only (UmkEvictionCandidate *c, unsigned n)
{
  c->last_block_time = n - c->id;
  if (c->id <= 7)
    {
      c->relay_txs = false;
      c->relevant_services = true;
    }
}

static void
setup_all (UmkEvictionCandidate *c, unsigned n)
{
  c->keyed_netgroup = n - c->id;
  c->min_ping_us = c->id;
  c->last_tx_time = n - c->id;
  c->last_block_time = n - c->id;
}

static void
test_eviction_properties (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  for (unsigned n = 0; n < 200; n++)
    {
      /* the 4 highest keyed netgroups */
      g_assert_false (is_evicted (rand, n, setup_netgroup, 4));
      /* the 8 lowest minimum pings */
      g_assert_false (is_evicted (rand, n, setup_ping, 8));
      /* the 4 that sent novel transactions last */
      g_assert_false (is_evicted (rand, n, setup_tx, 4));
      /* up to 8 non-tx-relay peers that sent novel blocks last */
      g_assert_false (is_evicted (rand, n, setup_block_relay_only, 8));
      /* the 4 that sent novel blocks last */
      g_assert_false (is_evicted (rand, n, setup_block, 4));
      /* both block rules together */
      g_assert_false (is_evicted (rand, n, setup_block_relay_only, 12));
      /* 4 + 8 + 4 + 4 from the rules above, all at once */
      g_assert_false (is_evicted (rand, n, setup_all, 20));

      /* At most 4 + 8 + 4 + 8 + 4 = 28 are protected before the ratio step,
       * which leaves at least one of 29; at least 20 always are. */
      g_autofree UmkEvictionCandidate *c = random_candidates (rand, n);
      int64_t id = -1;
      gboolean evicted = umk_select_node_to_evict (c, n, &id);
      if (n >= 29)
        g_assert_true (evicted);
      if (n <= 20)
        g_assert_false (evicted);
      if (evicted)
        g_assert_cmpint (id, <, n);
    }
}

/* 40 peers with distinct values, each fixed rule protecting known ids:
 * 0..3 the highest netgroups, 4..11 the lowest pings, 12..15 the last
 * transactions, 16..19 the last blocks (nobody is block-relay-only), then
 * 20..29 the longest uptime (half of the 20 left). 30..39 can be evicted;
 * higher ids connected later, and each peer is its own netgroup. */
#define N_PLAIN 40

static void
plain_candidates (UmkEvictionCandidate *c)
{
  for (int i = 0; i < N_PLAIN; i++)
    c[i] = (UmkEvictionCandidate){
      .id = i,
      .connected = 1000 + 10 * i,
      .min_ping_us = i >= 4 && i <= 11 ? 100 + i : 10000 + i,
      .last_block_time = i >= 16 && i <= 19 ? 5000 + i : i,
      .last_tx_time = i >= 12 && i <= 15 ? 5000 + i : i,
      .relevant_services = true,
      .relay_txs = true,
      .bloom_filter = false,
      .keyed_netgroup = i <= 3 ? 1000 + (uint64_t) i : 100 + (uint64_t) i,
      .prefer_evict = false,
      .is_local = false,
      .network = UMK_NET_IPV4,
      .noban = false,
      .inbound = true,
    };
}

/* Runs the selection on copies of c in several orders; all must agree. */
static gboolean
select_shuffled (const UmkEvictionCandidate *c, size_t n, int64_t *id)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  g_autofree UmkEvictionCandidate *copy = g_new (UmkEvictionCandidate, MAX (n, 1));
  gboolean first_result = FALSE;
  int64_t first_id = -1;
  for (int round = 0; round < 10; round++)
    {
      memcpy (copy, c, n * sizeof *c);
      if (round > 0)
        shuffle (rand, copy, n);
      int64_t got = -1;
      gboolean r = umk_select_node_to_evict (copy, n, &got);
      if (round == 0)
        {
          first_result = r;
          first_id = got;
        }
      else
        {
          g_assert_cmpint (r, ==, first_result);
          if (r)
            g_assert_cmpint (got, ==, first_id);
        }
    }
  *id = first_id;
  return first_result;
}

static void
test_youngest_of_largest_netgroup (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* all groups of one: the youngest peer */
  plain_candidates (c);
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 39);

  /* the group with three peers loses its youngest */
  plain_candidates (c);
  c[30].keyed_netgroup = c[31].keyed_netgroup = c[32].keyed_netgroup = 7;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 32);

  /* two groups of two: the one whose youngest is younger */
  plain_candidates (c);
  c[30].keyed_netgroup = c[33].keyed_netgroup = 7;
  c[31].keyed_netgroup = c[36].keyed_netgroup = 8;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 36);

  /* Equal sizes, and the group completed first is not the one with the
   * youngest member: {33, 35} reaches two before {30, 36}, 36 still goes. */
  plain_candidates (c);
  c[30].keyed_netgroup = c[36].keyed_netgroup = 7;
  c[33].keyed_netgroup = c[35].keyed_netgroup = 8;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 36);

  /* Protected peers do not count towards a group: 4..19 and 39 share a
   * netgroup, but only 39 is a candidate, so the pair wins. */
  plain_candidates (c);
  for (int i = 4; i <= 19; i++)
    c[i].keyed_netgroup = 9;
  c[39].keyed_netgroup = 9;
  c[33].keyed_netgroup = c[34].keyed_netgroup = 7;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 34);

  /* uptime decides the order, not the id */
  plain_candidates (c);
  c[31].connected = 99999;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 31);
}

static void
test_prefer_evict (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* only the preferred candidates are considered, even from a smaller group */
  plain_candidates (c);
  c[37].keyed_netgroup = c[38].keyed_netgroup = c[39].keyed_netgroup = 7;
  c[31].prefer_evict = true;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 31);

  /* among several preferred, the usual rule */
  c[33].prefer_evict = true;
  c[35].prefer_evict = true;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 35);

  /* a protected peer marked for eviction still stays */
  plain_candidates (c);
  for (int i = 0; i < 30; i++)
    c[i].prefer_evict = true;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 39);
}

static void
test_noban_and_outbound (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* Leaving out the would-be victim first: 19 remain after the fixed rules,
   * 9 of them are protected by uptime (20..28), and 38 is the youngest. */
  plain_candidates (c);
  c[39].noban = true;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 38);

  plain_candidates (c);
  c[39].inbound = false;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 38);

  /* only noban and outbound peers: nothing to evict */
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autofree UmkEvictionCandidate *r = random_candidates (rand, 100);
  for (int i = 0; i < 100; i++)
    {
      r[i].noban = i % 2 == 0;
      r[i].inbound = i % 2 == 0;
    }
  g_assert_false (umk_select_node_to_evict (r, 100, &id));

  /* 29 inbound peers among 200 outbound or noban ones: one goes, inbound */
  g_autofree UmkEvictionCandidate *m = random_candidates (rand, 229);
  for (int i = 0; i < 200; i++)
    {
      m[i].noban = i % 2 == 0;
      m[i].inbound = i % 2 == 0;
    }
  g_assert_true (umk_select_node_to_evict (m, 229, &id));
  g_assert_cmpint (id, >=, 200);
  g_assert_cmpint (id, <, 229);
}

/* Block-relay-only peers are protected up to 8 on top of the 4 by block time,
 * and only if they offer relevant services and do not relay transactions. */
static void
test_block_relay_only (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* 30..39 relay no transactions and sent the latest blocks: the 8 latest
   * (32..39) are kept as block-relay-only, then 30, 31, 18 and 19 by block
   * time, so 16 and 17 lose their spot. */
  plain_candidates (c);
  for (int i = 30; i < 40; i++)
    {
      c[i].relay_txs = false;
      c[i].last_block_time = 6000 + i;
    }
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  /* left: 16, 17, 20..29; half by uptime (16, 17, 20..23); 29 is youngest */
  g_assert_cmpint (id, ==, 29);

  /* Without relevant services they are ordinary peers again: 36..39 are kept
   * by block time, 16..25 by uptime. */
  for (int i = 30; i < 40; i++)
    c[i].relevant_services = false;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 35);
}

/* The second keys of the transaction and block rules. 30..39 tie on the
 * time; the four preferred by the second key (36..39, the youngest) are kept,
 * so 35 goes. Were the tie left to uptime, 30..33 would be kept and 39 go. */
static void
test_second_keys (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* peers that asked for transactions beat those that did not */
  plain_candidates (c);
  for (int i = 12; i < 16; i++)
    c[i].last_tx_time = i;
  for (int i = 30; i < 40; i++)
    {
      c[i].last_tx_time = 9000;
      c[i].relay_txs = i >= 36;
      c[i].relevant_services = false; /* not block-relay-only */
    }
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 35);

  /* peers without a bloom filter beat those with one */
  plain_candidates (c);
  for (int i = 12; i < 16; i++)
    c[i].last_tx_time = i;
  for (int i = 30; i < 40; i++)
    {
      c[i].last_tx_time = 9000;
      c[i].bloom_filter = i < 36;
    }
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 35);

  /* for blocks, peers offering the services we need */
  plain_candidates (c);
  for (int i = 16; i < 20; i++)
    c[i].last_block_time = i;
  for (int i = 30; i < 40; i++)
    {
      c[i].last_block_time = 9000;
      c[i].relevant_services = i >= 36;
    }
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 35);
}

static void
test_disadvantaged_network_kept (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;

  /* 20 peers are left after the fixed rules: 10 are protected, up to 5 of
   * those spots reserved for the disadvantaged networks. The youngest peer is
   * on onion and takes one; 20..28 take the rest by uptime. */
  plain_candidates (c);
  c[39].network = UMK_NET_ONION;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 38);

  /* one each of localhost, I2P and CJDNS: all three kept, 20..26 by uptime */
  plain_candidates (c);
  c[39].is_local = true;
  c[38].network = UMK_NET_I2P;
  c[37].network = UMK_NET_CJDNS;
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 36);
}

static void
test_empty_and_small (void)
{
  int64_t id = 1234;
  g_assert_false (umk_select_node_to_evict (NULL, 0, &id));
  g_assert_cmpint (id, ==, 1234);

  /* 20 peers are always all protected, whatever they look like */
  UmkEvictionCandidate c[N_PLAIN];
  plain_candidates (c);
  g_assert_false (umk_select_node_to_evict (c + 20, 20, &id));
  plain_candidates (c);
  /* of 19..39 the fixed rules keep 36..39 (netgroup), 19..26 (ping), 32..35
   * (transactions) and 28..31 (blocks); one is left for half of one */
  g_assert_true (umk_select_node_to_evict (c + 19, 21, &id));
  g_assert_cmpint (id, ==, 27);
}

/* This project's own rule (Core's sort leaves it unspecified): peers the rules
 * cannot tell apart are ordered by id, the higher (newer) id nearer to
 * eviction, so the answer does not depend on the order the caller used. */
static void
test_ties_by_id (void)
{
  UmkEvictionCandidate c[N_PLAIN];
  int64_t id;
  for (int i = 0; i < N_PLAIN; i++)
    c[i] = (UmkEvictionCandidate){ .id = i,
                                   .connected = 5,
                                   .min_ping_us = G_MAXINT64,
                                   .relay_txs = true,
                                   .keyed_netgroup = 1,
                                   .network = UMK_NET_IPV4,
                                   .inbound = true };
  g_assert_true (select_shuffled (c, N_PLAIN, &id));
  g_assert_cmpint (id, ==, 39);
}

static void
test_large (void)
{
  /* Many candidates, many of them in few netgroups: the answer is a
   * candidate, and the same for every input order. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  const size_t n = 5000;
  g_autofree UmkEvictionCandidate *c = random_candidates (rand, n);
  for (size_t i = 0; i < n; i++)
    c[i].keyed_netgroup = (uint64_t) g_rand_int_range (rand, 0, 8);
  int64_t id;
  g_assert_true (select_shuffled (c, n, &id));
  g_assert_cmpint (id, >=, 0);
  g_assert_cmpint (id, <, (int64_t) n);
}

static void
test_bad_arguments (void)
{
  UmkEvictionCandidate c[1] = { { .id = 1, .inbound = true } };
  g_test_expect_message ("umk-net-eviction", G_LOG_LEVEL_CRITICAL, "*id != NULL*");
  g_assert_false (umk_select_node_to_evict (c, 1, NULL));
  g_test_assert_expected_messages ();

  int64_t id;
  g_test_expect_message ("umk-net-eviction", G_LOG_LEVEL_CRITICAL, "*candidates != NULL*");
  g_assert_false (umk_select_node_to_evict (NULL, 3, &id));
  g_test_assert_expected_messages ();
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net-eviction/protect-by-ratio/core-cases", test_protect_by_ratio);
  g_test_add_func ("/net-eviction/protect-by-ratio/small", test_protect_by_ratio_small);
  g_test_add_func ("/net-eviction/select/core-properties", test_eviction_properties);
  g_test_add_func ("/net-eviction/select/netgroup", test_youngest_of_largest_netgroup);
  g_test_add_func ("/net-eviction/select/prefer-evict", test_prefer_evict);
  g_test_add_func ("/net-eviction/select/noban-outbound", test_noban_and_outbound);
  g_test_add_func ("/net-eviction/select/block-relay-only", test_block_relay_only);
  g_test_add_func ("/net-eviction/select/second-keys", test_second_keys);
  g_test_add_func ("/net-eviction/select/disadvantaged-network", test_disadvantaged_network_kept);
  g_test_add_func ("/net-eviction/select/empty-small", test_empty_and_small);
  g_test_add_func ("/net-eviction/select/ties-by-id", test_ties_by_id);
  g_test_add_func ("/net-eviction/select/large", test_large);
  g_test_add_func ("/net-eviction/bad-arguments", test_bad_arguments);
  return g_test_run ();
}
