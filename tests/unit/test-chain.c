/* Tests for the block index tree and the active chain: skip pointers and
 * get_ancestor against a plain walk on trees with many forks, median time
 * past, last common ancestor, the work order, validity levels, set_tip moving
 * between branches, find_fork, find_earliest_at_least and block locators.
 *
 * The locator and find_earliest_at_least cases follow Umkoin Core v31.0
 * src/test/skiplist_tests.cpp (MIT licence). Random choices come from the
 * GTest seed, so a failure repeats with --seed. */
#include "config.h"

#include "common/chain.h"
#include "test-util.h"

#include <string.h>

/* Easiest regtest target: every block adds a work of exactly 2. */
#define EASY_BITS 0x207fffffu
/* A harder target (about 2^247): a block adds 512 units of work. */
#define HARD_BITS 0x1f7fffffu

#define GENESIS_TIME 1296688602u

/* A set of block index entries in one allocation; entry i has i in the first
 * four bytes of its hash, so a hash in a locator names its entry. */
typedef struct
{
  UmkBlockIndex *e;
  int n;
} Tree;

static void
tree_free (Tree *t)
{
  g_free (t->e);
  g_free (t);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tree, tree_free)

static void
set_entry_hash (UmkBlockIndex *e, int i)
{
  memset (&e->hash, 0, sizeof e->hash);
  e->hash.b[0] = (uint8_t) i;
  e->hash.b[1] = (uint8_t) (i >> 8);
  e->hash.b[2] = (uint8_t) (i >> 16);
  e->hash.b[3] = (uint8_t) (i >> 24);
  e->hash.b[31] = 0xab;
}

static int
entry_of_hash (const UmkUint256 *h)
{
  g_assert_cmpuint (h->b[31], ==, 0xab);
  return (int) ((uint32_t) h->b[0] | (uint32_t) h->b[1] << 8 | (uint32_t) h->b[2] << 16
                | (uint32_t) h->b[3] << 24);
}

/* Sets entry i's header fields and links it under prev (NULL for genesis). */
static void
make_entry (Tree *t, int i, UmkBlockIndex *prev, uint32_t time, uint32_t bits)
{
  UmkBlockIndex *e = &t->e[i];
  set_entry_hash (e, i);
  e->version = 4;
  e->time = time;
  e->bits = bits;
  e->nonce = (uint32_t) i;
  e->sequence_id = i;
  umk_block_index_link (e, prev);
}

/* A tree of n entries: each block extends the one made just before it most of
 * the time, and otherwise any earlier block, which starts a fork. Times go up
 * and down as real block times do. */
static Tree *
tree_new_random (GRand *rand, int n, double fork_rate)
{
  Tree *t = g_new0 (Tree, 1);
  t->n = n;
  t->e = g_new0 (UmkBlockIndex, n);
  make_entry (t, 0, NULL, GENESIS_TIME, EASY_BITS);
  for (int i = 1; i < n; i++)
    {
      UmkBlockIndex *prev
          = g_rand_double (rand) < fork_rate ? &t->e[g_rand_int_range (rand, 0, i)] : &t->e[i - 1];
      uint32_t time = (uint32_t) ((int64_t) prev->time + g_rand_int_range (rand, -600, 1800));
      make_entry (t, i, prev, time, EASY_BITS);
    }
  return t;
}

/* A single chain of n blocks, one second apart. */
static Tree *
tree_new_line (int n)
{
  Tree *t = g_new0 (Tree, 1);
  t->n = n;
  t->e = g_new0 (UmkBlockIndex, n);
  for (int i = 0; i < n; i++)
    make_entry (t, i, i > 0 ? &t->e[i - 1] : NULL, GENESIS_TIME + (uint32_t) i, EASY_BITS);
  return t;
}

static GRand *
test_rand (void)
{
  return g_rand_new_with_seed ((guint32) g_test_rand_int ());
}

static UmkBlockIndex *
naive_ancestor (UmkBlockIndex *e, int height)
{
  if (height < 0 || height > e->height)
    return NULL;
  while (e->height > height)
    e = e->prev;
  return e;
}

static gboolean
naive_descends (UmkBlockIndex *e, const UmkBlockIndex *ancestor)
{
  return naive_ancestor (e, ancestor->height) == ancestor;
}

/* ---- Linking ---------------------------------------------------------------- */

static void
test_link (void)
{
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_random (rand, 4000, 0.1);
  for (int i = 0; i < t->n; i++)
    {
      UmkBlockIndex *e = &t->e[i];
      if (i == 0)
        {
          g_assert_null (e->prev);
          g_assert_null (e->skip);
          g_assert_cmpint (e->height, ==, 0);
          g_assert_cmpuint (e->time_max, ==, GENESIS_TIME);
        }
      else
        {
          g_assert_cmpint (e->height, ==, e->prev->height + 1);
          /* the skip points back into the block's own branch */
          g_assert_nonnull (e->skip);
          g_assert_cmpint (e->skip->height, <, e->height);
          g_assert_true (naive_ancestor (e, e->skip->height) == e->skip);
          g_assert_cmpuint (e->time_max, ==, MAX (e->prev->time_max, e->time));
        }
      /* two units of work per block at the easiest target */
      UmkArith256 want;
      umk_arith256_from_u64 (&want, 2 * (uint64_t) (e->height + 1));
      g_assert_cmpint (umk_arith256_cmp (&e->chain_work, &want), ==, 0);
      /* the header round-trips, with the parent's hash as prev_block */
      UmkBlockHeader h;
      umk_block_index_header (e, &h);
      g_assert_cmpint (h.version, ==, 4);
      g_assert_cmpuint (h.time, ==, e->time);
      g_assert_cmpuint (h.bits, ==, EASY_BITS);
      g_assert_cmpuint (h.nonce, ==, (uint32_t) i);
      if (i == 0)
        {
          UmkUint256 zero = { { 0 } };
          g_assert_true (umk_uint256_equal (&h.prev_block, &zero));
        }
      else
        g_assert_true (umk_uint256_equal (&h.prev_block, &e->prev->hash));
    }
}

static void
test_set_header (void)
{
  UmkBlockHeader h = { .version = 0x20000000, .time = 1700000000, .bits = HARD_BITS, .nonce = 7 };
  memset (h.merkle_root.b, 0x5a, 32);
  UmkUint256 hash;
  umk_block_header_hash (&h, &hash);
  UmkBlockIndex e = { 0 };
  umk_block_index_set_header (&e, &h, &hash);
  umk_block_index_link (&e, NULL);
  g_assert_true (umk_uint256_equal (&e.hash, &hash));
  UmkBlockHeader back;
  umk_block_index_header (&e, &back);
  UmkUint256 hash2;
  umk_block_header_hash (&back, &hash2);
  g_assert_true (umk_uint256_equal (&hash2, &hash));
  /* a harder target gives more work than the easiest one */
  UmkArith256 easy;
  umk_arith256_work_from_bits (&easy, EASY_BITS);
  g_assert_cmpint (umk_arith256_cmp (&e.chain_work, &easy), >, 0);
}

/* ---- get_ancestor ------------------------------------------------------------ */

static void
test_ancestor_line (void)
{
  /* Core's skiplist_test, on a shorter line. */
  enum
  {
    N = 30000
  };
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_line (N);
  for (int i = 1; i < N; i++)
    {
      g_assert_true (t->e[i].skip == &t->e[t->e[i].skip->height]);
      g_assert_cmpint (t->e[i].skip->height, <, i);
    }
  for (int k = 0; k < 2000; k++)
    {
      int from = g_rand_int_range (rand, 0, N - 1);
      int to = g_rand_int_range (rand, 0, from + 1);
      g_assert_true (umk_block_index_get_ancestor (&t->e[N - 1], from) == &t->e[from]);
      g_assert_true (umk_block_index_get_ancestor (&t->e[from], to) == &t->e[to]);
      g_assert_true (umk_block_index_get_ancestor (&t->e[from], 0) == &t->e[0]);
    }
  /* every height from the tip, once */
  for (int h = 0; h < N; h++)
    g_assert_true (umk_block_index_get_ancestor (&t->e[N - 1], h) == &t->e[h]);
}

static void
test_ancestor_tree (void)
{
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_random (rand, 5000, 0.05);
  for (int k = 0; k < 20000; k++)
    {
      UmkBlockIndex *e = &t->e[g_rand_int_range (rand, 0, t->n)];
      int h = g_rand_int_range (rand, 0, e->height + 1);
      g_assert_true (umk_block_index_get_ancestor (e, h) == naive_ancestor (e, h));
    }
  /* out of range, itself, and no entry */
  for (int i = 0; i < t->n; i += 97)
    {
      UmkBlockIndex *e = &t->e[i];
      g_assert_true (umk_block_index_get_ancestor (e, e->height) == e);
      g_assert_null (umk_block_index_get_ancestor (e, e->height + 1));
      g_assert_null (umk_block_index_get_ancestor (e, -1));
      g_assert_null (umk_block_index_get_ancestor (e, G_MININT));
      g_assert_null (umk_block_index_get_ancestor (e, G_MAXINT));
    }
  g_assert_null (umk_block_index_get_ancestor (NULL, 0));
}

/* ---- Median time past -------------------------------------------------------- */

static int
cmp_u32 (const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return (x > y) - (x < y);
}

static void
test_median_time_past (void)
{
  /* Times out of order, as miners may set them. */
  static const uint32_t times[]
      = { 1000, 1600, 1200, 1100, 1900, 1300, 1000, 2500, 1400, 1450, 1700, 1800, 1250, 3000, 900 };
  enum
  {
    N = G_N_ELEMENTS (times)
  };
  g_autoptr (Tree) t = g_new0 (Tree, 1);
  t->n = N;
  t->e = g_new0 (UmkBlockIndex, N);
  for (int i = 0; i < N; i++)
    make_entry (t, i, i > 0 ? &t->e[i - 1] : NULL, times[i], EASY_BITS);

  /* Hand-worked values for the first few: one block is its own median, two
   * take the later one (index n / 2 of the sorted times), three the middle. */
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[0]), ==, 1000);
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[1]), ==, 1600);
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[2]), ==, 1200);
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[3]), ==, 1200);
  /* 1000 1000 1100 1200 1300 1400 1450 1600 1900 2500 1700 → sorted middle */
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[10]), ==, 1400);
  /* only the last eleven count from block 11 on */
  for (int i = 0; i < N; i++)
    {
      uint32_t w[11];
      int n = 0;
      for (int j = i; j >= 0 && n < 11; j--)
        w[n++] = times[j];
      qsort (w, n, sizeof w[0], cmp_u32);
      g_assert_cmpint (umk_block_index_median_time_past (&t->e[i]), ==, w[n / 2]);
    }
  /* 1300 1000 2500 1400 1450 1700 1800 1250 3000 900 1900 sorted:
   * 900 1000 1250 1300 1400 1450 1700 1800 1900 2500 3000 → 1450 */
  g_assert_cmpint (umk_block_index_median_time_past (&t->e[14]), ==, 1450);
}

/* ---- Last common ancestor ------------------------------------------------------ */

static UmkBlockIndex *
naive_lca (UmkBlockIndex *a, UmkBlockIndex *b)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  for (UmkBlockIndex *i = a; i != NULL; i = i->prev)
    g_hash_table_add (seen, i);
  for (UmkBlockIndex *i = b; i != NULL; i = i->prev)
    if (g_hash_table_contains (seen, i))
      return i;
  return NULL;
}

static void
test_last_common_ancestor (void)
{
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_random (rand, 3000, 0.1);
  for (int k = 0; k < 2000; k++)
    {
      UmkBlockIndex *a = &t->e[g_rand_int_range (rand, 0, t->n)];
      UmkBlockIndex *b = &t->e[g_rand_int_range (rand, 0, t->n)];
      UmkBlockIndex *want = naive_lca (a, b);
      g_assert_nonnull (want);
      g_assert_true (umk_block_index_last_common_ancestor (a, b) == want);
      g_assert_true (umk_block_index_last_common_ancestor (b, a) == want);
    }
  UmkBlockIndex *e = &t->e[t->n - 1];
  g_assert_true (umk_block_index_last_common_ancestor (e, e) == e);
  g_assert_true (umk_block_index_last_common_ancestor (e, &t->e[0]) == &t->e[0]);
  g_assert_true (umk_block_index_last_common_ancestor (e, e->prev) == e->prev);
  g_assert_null (umk_block_index_last_common_ancestor (e, NULL));
  g_assert_null (umk_block_index_last_common_ancestor (NULL, e));
}

/* ---- Validity ------------------------------------------------------------------ */

static void
test_raise_validity (void)
{
  UmkBlockIndex e = { 0 };
  e.status = UMK_BLOCK_HAVE_DATA | UMK_BLOCK_OPT_WITNESS;
  g_assert_false (umk_block_index_is_valid (&e, UMK_BLOCK_VALID_TREE));
  g_assert_true (umk_block_index_raise_validity (&e, UMK_BLOCK_VALID_TREE));
  g_assert_cmpuint (e.status & UMK_BLOCK_VALID_MASK, ==, UMK_BLOCK_VALID_TREE);
  /* the other bits are kept */
  g_assert_cmpuint (e.status & ~(uint32_t) UMK_BLOCK_VALID_MASK, ==,
                    UMK_BLOCK_HAVE_DATA | UMK_BLOCK_OPT_WITNESS);
  g_assert_true (umk_block_index_is_valid (&e, UMK_BLOCK_VALID_TREE));
  g_assert_false (umk_block_index_is_valid (&e, UMK_BLOCK_VALID_TRANSACTIONS));
  /* same level again, or a lower one: no change */
  g_assert_false (umk_block_index_raise_validity (&e, UMK_BLOCK_VALID_TREE));
  g_assert_false (umk_block_index_raise_validity (&e, UMK_BLOCK_VALID_RESERVED));
  g_assert_cmpuint (e.status & UMK_BLOCK_VALID_MASK, ==, UMK_BLOCK_VALID_TREE);
  g_assert_true (umk_block_index_raise_validity (&e, UMK_BLOCK_VALID_SCRIPTS));
  g_assert_cmpuint (e.status & UMK_BLOCK_VALID_MASK, ==, UMK_BLOCK_VALID_SCRIPTS);
  g_assert_true (umk_block_index_is_valid (&e, UMK_BLOCK_VALID_CHAIN));
  g_assert_cmpuint (e.status & UMK_BLOCK_HAVE_MASK, ==, UMK_BLOCK_HAVE_DATA);

  /* a failed block (or a child of one) never rises and is valid at no level */
  UmkBlockIndex f = { 0 };
  f.status = UMK_BLOCK_VALID_TREE | UMK_BLOCK_FAILED_VALID;
  g_assert_false (umk_block_index_raise_validity (&f, UMK_BLOCK_VALID_SCRIPTS));
  g_assert_cmpuint (f.status, ==, UMK_BLOCK_VALID_TREE | UMK_BLOCK_FAILED_VALID);
  g_assert_false (umk_block_index_is_valid (&f, UMK_BLOCK_VALID_UNKNOWN));
  f.status = UMK_BLOCK_FAILED_CHILD;
  g_assert_false (umk_block_index_raise_validity (&f, UMK_BLOCK_VALID_TREE));
  g_assert_cmpuint (f.status, ==, UMK_BLOCK_FAILED_CHILD);

  /* Core's stored values */
  g_assert_cmpint (UMK_BLOCK_VALID_SCRIPTS, ==, 5);
  g_assert_cmpint (UMK_BLOCK_HAVE_UNDO, ==, 16);
  g_assert_cmpint (UMK_BLOCK_FAILED_CHILD, ==, 64);
  g_assert_cmpint (UMK_BLOCK_OPT_WITNESS, ==, 128);
}

/* ---- Work order ---------------------------------------------------------------- */

static int
cmp_work_qsort (const void *a, const void *b)
{
  return umk_block_index_compare_work (*(UmkBlockIndex *const *) a, *(UmkBlockIndex *const *) b);
}

static void
test_compare_work (void)
{
  /* Three branches from one genesis: a two-block chain of easy blocks, a
   * one-block chain of a hard block (more work than the two easy ones), and
   * two one-block easy chains that tie on work. */
  g_autoptr (Tree) t = g_new0 (Tree, 1);
  t->n = 6;
  t->e = g_new0 (UmkBlockIndex, t->n);
  make_entry (t, 0, NULL, GENESIS_TIME, EASY_BITS);
  make_entry (t, 1, &t->e[0], GENESIS_TIME + 1, EASY_BITS);
  make_entry (t, 2, &t->e[1], GENESIS_TIME + 2, EASY_BITS);
  make_entry (t, 3, &t->e[0], GENESIS_TIME + 3, HARD_BITS);
  make_entry (t, 4, &t->e[0], GENESIS_TIME + 4, EASY_BITS);
  make_entry (t, 5, &t->e[0], GENESIS_TIME + 5, EASY_BITS);
  UmkBlockIndex *e = t->e;

  /* more work first, whatever the height or the sequence */
  g_assert_cmpint (umk_block_index_compare_work (&e[3], &e[2]), <, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[2], &e[3]), >, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[2], &e[1]), <, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[1], &e[0]), <, 0);

  /* equal work: the lower sequence id first (it arrived first) */
  e[4].sequence_id = 10;
  e[5].sequence_id = 9;
  g_assert_cmpint (umk_block_index_compare_work (&e[5], &e[4]), <, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[4], &e[5]), >, 0);
  /* negative ids (loaded from disk) come before arrivals */
  e[4].sequence_id = -1;
  g_assert_cmpint (umk_block_index_compare_work (&e[4], &e[5]), <, 0);

  /* equal work and id: the lower address first */
  e[4].sequence_id = e[5].sequence_id = 0;
  g_assert_cmpint (umk_block_index_compare_work (&e[4], &e[5]), <, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[5], &e[4]), >, 0);
  g_assert_cmpint (umk_block_index_compare_work (&e[4], &e[4]), ==, 0);

  /* a total order: sort all six, and every pair agrees with the sorted order */
  UmkBlockIndex *sorted[6];
  for (int i = 0; i < 6; i++)
    sorted[5 - i] = &e[i];
  qsort (sorted, 6, sizeof sorted[0], cmp_work_qsort);
  g_assert_true (sorted[0] == &e[3]);
  g_assert_true (sorted[1] == &e[2]);
  /* e[1] ties with e[4] and e[5] on work but has sequence id 1 */
  g_assert_true (sorted[2] == &e[4]);
  g_assert_true (sorted[3] == &e[5]);
  g_assert_true (sorted[4] == &e[1]);
  g_assert_true (sorted[5] == &e[0]);
  for (int i = 0; i < 6; i++)
    for (int j = 0; j < 6; j++)
      {
        int c = umk_block_index_compare_work (sorted[i], sorted[j]);
        g_assert_cmpint (c < 0, ==, i < j);
        g_assert_cmpint (c == 0, ==, i == j);
      }
}

/* ---- Active chain --------------------------------------------------------------- */

/* Checks every height of the chain against the tip's ancestors. */
static void
check_chain (const UmkActiveChain *c, UmkBlockIndex *tip)
{
  if (tip == NULL)
    {
      g_assert_cmpint (c->len, ==, 0);
      g_assert_cmpint (umk_active_chain_height (c), ==, -1);
      g_assert_null (umk_active_chain_tip (c));
      return;
    }
  g_assert_true (umk_active_chain_tip (c) == tip);
  g_assert_cmpint (umk_active_chain_height (c), ==, tip->height);
  UmkBlockIndex *walk = tip;
  for (int h = tip->height; h >= 0; h--, walk = walk->prev)
    {
      g_assert_true (umk_active_chain_at (c, h) == walk);
      g_assert_true (umk_active_chain_contains (c, walk));
    }
  g_assert_null (walk);
  g_assert_null (umk_active_chain_at (c, tip->height + 1));
  g_assert_null (umk_active_chain_at (c, -1));
  g_assert_null (umk_active_chain_next (c, tip));
  if (tip->prev != NULL)
    g_assert_true (umk_active_chain_next (c, tip->prev) == tip);
}

static GPtrArray *
tree_leaves (Tree *t)
{
  g_autofree gboolean *has_child = g_new0 (gboolean, t->n);
  for (int i = 1; i < t->n; i++)
    has_child[t->e[i].prev - t->e] = TRUE;
  GPtrArray *leaves = g_ptr_array_new ();
  for (int i = 0; i < t->n; i++)
    if (!has_child[i])
      g_ptr_array_add (leaves, &t->e[i]);
  return leaves;
}

static void
test_set_tip (void)
{
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_random (rand, 4000, 0.02);
  g_autoptr (GPtrArray) leaves = tree_leaves (t);
  g_assert_cmpuint (leaves->len, >, 10);

  UmkActiveChain c = { 0 };
  check_chain (&c, NULL);
  g_assert_null (umk_active_chain_next (&c, &t->e[0]));
  g_assert_false (umk_active_chain_contains (&c, &t->e[0]));
  g_assert_false (umk_active_chain_contains (&c, NULL));

  /* Any block may become the tip: leaves (switching branches, longer and
   * shorter), inner blocks (going back), and NULL (emptying). */
  for (int k = 0; k < 300; k++)
    {
      UmkBlockIndex *tip;
      int r = g_rand_int_range (rand, 0, 10);
      if (r == 0)
        tip = NULL;
      else if (r < 7)
        tip = leaves->pdata[g_rand_int_range (rand, 0, leaves->len)];
      else
        tip = &t->e[g_rand_int_range (rand, 0, t->n)];
      umk_active_chain_set_tip (&c, tip);
      check_chain (&c, tip);
      /* blocks off the chain are not contained and have no next */
      for (int j = 0; tip != NULL && j < 50; j++)
        {
          UmkBlockIndex *o = &t->e[g_rand_int_range (rand, 0, t->n)];
          gboolean on = naive_ancestor (tip, o->height) == o;
          g_assert_cmpint (umk_active_chain_contains (&c, o), ==, on);
          if (!on)
            g_assert_null (umk_active_chain_next (&c, o));
        }
    }

  /* Walking forward along the chain with next reaches the tip. */
  UmkBlockIndex *tip = leaves->pdata[0];
  umk_active_chain_set_tip (&c, tip);
  int steps = 0;
  for (UmkBlockIndex *i = umk_active_chain_at (&c, 0); i != tip; i = umk_active_chain_next (&c, i))
    steps++;
  g_assert_cmpint (steps, ==, tip->height);

  /* A shorter branch, then extending the same chain by one block at a time
   * (the path a node takes while syncing). */
  umk_active_chain_set_tip (&c, &t->e[0]);
  check_chain (&c, &t->e[0]);
  g_autoptr (Tree) line = tree_new_line (3000);
  for (int i = 0; i < line->n; i++)
    {
      umk_active_chain_set_tip (&c, &line->e[i]);
      g_assert_true (umk_active_chain_tip (&c) == &line->e[i]);
      g_assert_true (umk_active_chain_at (&c, 0) == &line->e[0]);
    }
  check_chain (&c, &line->e[line->n - 1]);
  umk_active_chain_clear (&c);
  check_chain (&c, NULL);
  umk_active_chain_clear (&c);
}

static UmkBlockIndex *
naive_find_fork (UmkBlockIndex *tip, UmkBlockIndex *e)
{
  if (tip == NULL)
    return NULL;
  for (UmkBlockIndex *i = e; i != NULL; i = i->prev)
    if (naive_descends (tip, i))
      return i;
  return NULL;
}

static void
test_find_fork (void)
{
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = tree_new_random (rand, 3000, 0.05);
  g_autoptr (GPtrArray) leaves = tree_leaves (t);
  UmkActiveChain c = { 0 };
  g_assert_null (umk_active_chain_find_fork (&c, NULL));
  /* an empty chain shares nothing */
  g_assert_null (umk_active_chain_find_fork (&c, &t->e[5]));
  for (int k = 0; k < 20; k++)
    {
      UmkBlockIndex *tip = leaves->pdata[g_rand_int_range (rand, 0, leaves->len)];
      umk_active_chain_set_tip (&c, tip);
      for (int j = 0; j < 200; j++)
        {
          UmkBlockIndex *e = &t->e[g_rand_int_range (rand, 0, t->n)];
          UmkBlockIndex *want = naive_find_fork (tip, e);
          g_assert_true (umk_active_chain_find_fork (&c, e) == want);
          g_assert_true (want == umk_block_index_last_common_ancestor (tip, e));
        }
      /* blocks of the chain are their own fork point */
      g_assert_true (umk_active_chain_find_fork (&c, tip) == tip);
      g_assert_true (umk_active_chain_find_fork (&c, &t->e[0]) == &t->e[0]);
    }
  g_assert_null (umk_active_chain_find_fork (&c, NULL));
  umk_active_chain_clear (&c);
}

/* ---- find_earliest_at_least ----------------------------------------------------- */

static void
test_find_earliest_random (void)
{
  /* Core's findearliestatleast_test draws times from [MTP, 2·MTP), which
   * leaves 32 bits after a few hundred blocks; here the step past the MTP is
   * at most an hour, so times still go up and down but stay in range. */
  enum
  {
    N = 20000
  };
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = g_new0 (Tree, 1);
  t->n = N;
  t->e = g_new0 (UmkBlockIndex, N);
  for (int i = 0; i < N; i++)
    {
      UmkBlockIndex *prev = i > 0 ? &t->e[i - 1] : NULL;
      uint32_t time = (uint32_t) i;
      if (i >= 10)
        {
          /* the median of the eleven blocks ending at the new one, whose time
           * is still unset (0): Core computes it the same way */
          t->e[i].prev = prev;
          t->e[i].time = 0;
          int64_t mtp = umk_block_index_median_time_past (&t->e[i]);
          time = (uint32_t) (mtp + g_rand_int_range (rand, 0, (gint32) MIN (mtp, 3600)));
        }
      make_entry (t, i, prev, time, EASY_BITS);
    }
  uint32_t max = 0;
  for (int i = 0; i < N; i++)
    {
      max = MAX (max, t->e[i].time);
      g_assert_cmpuint (t->e[i].time_max, ==, max);
    }
  UmkActiveChain c = { 0 };
  umk_active_chain_set_tip (&c, &t->e[N - 1]);
  for (int k = 0; k < 10000; k++)
    {
      UmkBlockIndex *r = &t->e[g_rand_int_range (rand, 0, N)];
      int64_t when = r->time;
      UmkBlockIndex *ret = umk_active_chain_find_earliest_at_least (&c, when, 0);
      g_assert_nonnull (ret);
      g_assert_cmpint (ret->time_max, >=, when);
      g_assert_true (ret->prev == NULL || ret->prev->time_max < when);
      g_assert_true (umk_block_index_get_ancestor (r, ret->height) == ret);
    }
  umk_active_chain_clear (&c);
}

static void
test_find_earliest_edges (void)
{
  /* Core's findearliestatleast_edge_test. */
  static const uint32_t time_max[] = { 100, 100, 100, 200, 200, 200, 300, 300, 300 };
  g_autoptr (Tree) t = g_new0 (Tree, 1);
  t->n = G_N_ELEMENTS (time_max);
  t->e = g_new0 (UmkBlockIndex, t->n);
  for (int i = 0; i < t->n; i++)
    {
      make_entry (t, i, i > 0 ? &t->e[i - 1] : NULL, time_max[i], EASY_BITS);
      g_assert_cmpuint (t->e[i].time_max, ==, time_max[i]);
    }
  UmkActiveChain c = { 0 };
  umk_active_chain_set_tip (&c, &t->e[t->n - 1]);
#define EARLIEST(time, height) umk_active_chain_find_earliest_at_least (&c, (time), (height))
  g_assert_cmpint (EARLIEST (50, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (100, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (150, 0)->height, ==, 3);
  g_assert_cmpint (EARLIEST (200, 0)->height, ==, 3);
  g_assert_cmpint (EARLIEST (250, 0)->height, ==, 6);
  g_assert_cmpint (EARLIEST (300, 0)->height, ==, 6);
  g_assert_null (EARLIEST (350, 0));

  g_assert_cmpint (EARLIEST (0, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (-1, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (G_MININT64, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (-(int64_t) G_MAXUINT32 - 1, 0)->height, ==, 0);
  g_assert_null (EARLIEST (G_MAXINT64, 0));
  g_assert_null (EARLIEST (G_MAXUINT32, 0));
  g_assert_null (EARLIEST ((int64_t) G_MAXUINT32 + 1, 0));

  g_assert_cmpint (EARLIEST (0, -1)->height, ==, 0);
  g_assert_cmpint (EARLIEST (0, 0)->height, ==, 0);
  g_assert_cmpint (EARLIEST (0, 3)->height, ==, 3);
  g_assert_cmpint (EARLIEST (0, 8)->height, ==, 8);
  g_assert_null (EARLIEST (0, 9));
  g_assert_null (EARLIEST (0, G_MAXINT));
  g_assert_cmpint (EARLIEST (0, G_MININT)->height, ==, 0);

  UmkBlockIndex *ret1 = EARLIEST (100, 2);
  g_assert_true (ret1->time_max >= 100 && ret1->height == 2);
  g_assert_null (EARLIEST (300, 9));
  UmkBlockIndex *ret2 = EARLIEST (200, 4);
  g_assert_true (ret2->time_max >= 200 && ret2->height == 4);
#undef EARLIEST

  umk_active_chain_clear (&c);
  g_assert_null (umk_active_chain_find_earliest_at_least (&c, 0, 0));
}

/* ---- Locators -------------------------------------------------------------------- */

static void
check_locator (Tree *t, UmkBlockIndex *tip)
{
  g_autoptr (GArray) loc = umk_block_locator (tip);
  g_assert_cmpuint (loc->len, >, 0);
  const UmkUint256 *h = (const UmkUint256 *) loc->data;
  /* the tip first, genesis last */
  g_assert_true (umk_uint256_equal (&h[0], &tip->hash));
  g_assert_true (umk_uint256_equal (&h[loc->len - 1], &t->e[0].hash));
  /* every entry lies on the tip's own branch */
  int heights[64];
  g_assert_cmpuint (loc->len, <=, G_N_ELEMENTS (heights));
  for (guint i = 0; i < loc->len; i++)
    {
      UmkBlockIndex *e = &t->e[entry_of_hash (&h[i])];
      g_assert_true (naive_ancestor (tip, e->height) == e);
      heights[i] = e->height;
    }
  /* entries 1 to 11 go back one block each */
  for (guint i = 1; i < 12 && i < loc->len - 1; i++)
    g_assert_cmpint (heights[i], ==, tip->height - (int) i);
  /* then the steps double (the last entry, genesis, may be closer) */
  int dist = 2;
  for (guint i = 12; i < loc->len - 1; i++)
    {
      g_assert_cmpint (heights[i - 1] - heights[i], ==, dist);
      dist *= 2;
    }
  /* heights strictly fall, genesis once */
  for (guint i = 1; i < loc->len; i++)
    g_assert_cmpint (heights[i], <, heights[i - 1]);
  /* exactly as long as the rule makes it */
  guint want = 0;
  for (int ht = tip->height, step = 1;;)
    {
      want++;
      if (ht == 0)
        break;
      ht = MAX (ht - step, 0);
      if (want > 10)
        step *= 2;
    }
  g_assert_cmpuint (loc->len, ==, want);
}

static void
test_locator (void)
{
  /* Core's getlocator_test on a smaller scale: a main line, and a side
   * branch that splits off half-way. */
  enum
  {
    MAIN = 20000,
    SIDE = 10000
  };
  g_autoptr (GRand) rand = test_rand ();
  g_autoptr (Tree) t = g_new0 (Tree, 1);
  t->n = MAIN + SIDE;
  t->e = g_new0 (UmkBlockIndex, t->n);
  for (int i = 0; i < MAIN; i++)
    make_entry (t, i, i > 0 ? &t->e[i - 1] : NULL, GENESIS_TIME + (uint32_t) i, EASY_BITS);
  for (int i = 0; i < SIDE; i++)
    make_entry (t, MAIN + i, i > 0 ? &t->e[MAIN + i - 1] : &t->e[MAIN / 2 - 1],
                GENESIS_TIME + (uint32_t) i, EASY_BITS);
  g_assert_cmpint (t->e[t->n - 1].height, ==, MAIN / 2 + SIDE - 1);

  for (int k = 0; k < 200; k++)
    check_locator (t, &t->e[g_rand_int_range (rand, 0, t->n)]);
  /* every short chain, where the rule's edges are */
  for (int i = 0; i < 40; i++)
    check_locator (t, &t->e[i]);
  check_locator (t, &t->e[MAIN - 1]);
  check_locator (t, &t->e[t->n - 1]);
  check_locator (t, &t->e[MAIN]);

  g_autoptr (GArray) one = umk_block_locator (&t->e[0]);
  g_assert_cmpuint (one->len, ==, 1);
  g_autoptr (GArray) none = umk_block_locator (NULL);
  g_assert_cmpuint (none->len, ==, 0);

  /* a locator from a random forked tree too */
  g_autoptr (Tree) r = tree_new_random (rand, 3000, 0.1);
  for (int k = 0; k < 100; k++)
    check_locator (r, &r->e[g_rand_int_range (rand, 0, r->n)]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/chain/index/link", test_link);
  g_test_add_func ("/chain/index/set-header", test_set_header);
  g_test_add_func ("/chain/index/ancestor-line", test_ancestor_line);
  g_test_add_func ("/chain/index/ancestor-tree", test_ancestor_tree);
  g_test_add_func ("/chain/index/median-time-past", test_median_time_past);
  g_test_add_func ("/chain/index/last-common-ancestor", test_last_common_ancestor);
  g_test_add_func ("/chain/index/raise-validity", test_raise_validity);
  g_test_add_func ("/chain/index/compare-work", test_compare_work);
  g_test_add_func ("/chain/active/set-tip", test_set_tip);
  g_test_add_func ("/chain/active/find-fork", test_find_fork);
  g_test_add_func ("/chain/active/find-earliest-random", test_find_earliest_random);
  g_test_add_func ("/chain/active/find-earliest-edges", test_find_earliest_edges);
  g_test_add_func ("/chain/locator", test_locator);
  return g_test_run ();
}
