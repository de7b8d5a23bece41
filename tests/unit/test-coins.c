/* Tests for the layered coins cache over LMDB: adding, reading and spending;
 * the FRESH and DIRTY rules (a coin created and spent between two flushes
 * never reaches the database); merging a child cache; best-block
 * bookkeeping; a corrupted database value; and a randomized model test in the
 * spirit of Umkoin Core's coins_tests.cpp "simulation" test, where random
 * operations through one to three layers, merges, discards and flushes are
 * compared against a plain hash table, and the database is reopened at the
 * end. Random choices come from the GTest seed, so a failure repeats with
 * --seed. */
#include "config.h"

#include "common/coin.h"
#include "common/script.h"
#include "node/coins.h"
#include "node/db.h"
#include "test-util.h"

#include <string.h>

/* ---- Fixture: a database in a temporary folder ----------------------------- */

typedef struct
{
  char *dir;
  UmkDb *db;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = umk_test_make_tmpdir ();
  g_autoptr (GError) error = NULL;
  f->db = umk_db_open (f->dir, FALSE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->db);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  g_clear_pointer (&f->db, umk_db_close);
  umk_test_rm_rf (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
}

static void
reopen_db (Fixture *f)
{
  g_clear_pointer (&f->db, umk_db_close);
  g_autoptr (GError) error = NULL;
  f->db = umk_db_open (f->dir, FALSE, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->db);
}

/* Writes a database-backed cache in one transaction, as the chainstate's
 * flush does. */
static void
flush_cache (UmkDb *db, UmkCoinsCache *cache, gboolean erase)
{
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (umk_coins_cache_write (cache, txn, &error));
  g_assert_no_error (error);
  g_assert_true (umk_db_commit (txn, &error));
  g_assert_no_error (error);
  umk_coins_cache_committed (cache, erase);
}

/* Writes a raw value into the coins table, behind any cache's back. */
static void
db_put_raw (UmkDb *db, const UmkOutPoint *out, const void *val, size_t len)
{
  g_autoptr (GError) error = NULL;
  uint8_t key[UMK_COINS_KEY_SIZE];
  umk_coins_key (out, key);
  MDB_txn *txn = umk_db_begin (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (umk_db_put (txn, db->coins, key, sizeof key, val, len, &error));
  g_assert_true (umk_db_commit (txn, &error));
  g_assert_no_error (error);
}

/* The raw value stored for out: NULL when there is none. */
static GBytes *
db_get_raw (UmkDb *db, const UmkOutPoint *out)
{
  g_autoptr (GError) error = NULL;
  uint8_t key[UMK_COINS_KEY_SIZE];
  umk_coins_key (out, key);
  MDB_txn *txn = umk_db_begin (db, TRUE, &error);
  g_assert_no_error (error);
  MDB_val v;
  int found = umk_db_get (txn, db->coins, key, sizeof key, &v, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found, >=, 0);
  GBytes *b = found ? g_bytes_new (v.mv_data, v.mv_size) : NULL;
  mdb_txn_abort (txn);
  return b;
}

static guint
db_count (UmkDb *db)
{
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (db, TRUE, &error);
  g_assert_no_error (error);
  MDB_stat st;
  g_assert_cmpint (mdb_stat (txn, db->coins, &st), ==, 0);
  mdb_txn_abort (txn);
  return (guint) st.ms_entries;
}

/* ---- Coins -------------------------------------------------------------------- */

static void
random_outpoint (GRand *rand, UmkOutPoint *out)
{
  for (int i = 0; i < 32; i += 4)
    {
      guint32 r = g_rand_int (rand);
      memcpy (out->hash.b + i, &r, 4);
    }
  static const uint32_t ns[] = { 0, 1, 2, 255, 256, 65536, 1000000, UINT32_MAX - 1 };
  out->n = ns[g_rand_int_range (rand, 0, G_N_ELEMENTS (ns))];
}

/* A coin with one of the script shapes the database compresses, or a script
 * of random bytes. */
static void
random_coin (GRand *rand, UmkCoin *c)
{
  uint8_t script[80];
  size_t len;
  switch (g_rand_int_range (rand, 0, 5))
    {
    case 0: /* P2PKH */
      script[0] = 0x76;
      script[1] = 0xa9;
      script[2] = 20;
      for (int i = 3; i < 23; i++)
        script[i] = (uint8_t) g_rand_int (rand);
      script[23] = 0x88;
      script[24] = 0xac;
      len = 25;
      break;
    case 1: /* P2SH */
      script[0] = 0xa9;
      script[1] = 20;
      for (int i = 2; i < 22; i++)
        script[i] = (uint8_t) g_rand_int (rand);
      script[22] = 0x87;
      len = 23;
      break;
    case 2: /* P2WPKH */
      script[0] = 0;
      script[1] = 20;
      for (int i = 2; i < 22; i++)
        script[i] = (uint8_t) g_rand_int (rand);
      len = 22;
      break;
    default:
      len = (size_t) g_rand_int_range (rand, 0, sizeof script);
      for (size_t i = 0; i < len; i++)
        script[i] = (uint8_t) g_rand_int (rand);
      break;
    }
  int64_t value;
  switch (g_rand_int_range (rand, 0, 4))
    {
    case 0:
      value = 0;
      break;
    case 1:
      value = (int64_t) g_rand_int_range (rand, 1, 100) * 100000000;
      break;
    default:
      value = (int64_t) g_rand_int (rand) * 1000 + g_rand_int_range (rand, 0, 1000);
      break;
    }
  umk_coin_set (c, value, script, len, (uint32_t) g_rand_int_range (rand, 0, 2000000),
                g_rand_boolean (rand));
}

static gboolean
coin_equal (const UmkCoin *a, const UmkCoin *b)
{
  return a->value == b->value && a->script_len == b->script_len && a->height == b->height
         && a->coinbase == b->coinbase
         && (a->script_len == 0 || memcmp (a->script, b->script, a->script_len) == 0);
}

static void
assert_coin (const UmkCoin *got, const UmkCoin *want)
{
  if (want == NULL)
    {
      g_assert_null (got);
      return;
    }
  g_assert_nonnull (got);
  g_assert_false (umk_coin_is_spent (got));
  g_assert_cmpint (got->value, ==, want->value);
  g_assert_cmpuint (got->height, ==, want->height);
  g_assert_cmpint (got->coinbase, ==, want->coinbase);
  g_assert_cmpmem (got->script, got->script_len, want->script, want->script_len);
}

static void
make_coin (UmkCoin *c, int64_t value, uint32_t height, uint8_t fill)
{
  uint8_t script[25] = { 0x76, 0xa9, 20 };
  memset (script + 3, fill, 20);
  script[23] = 0x88;
  script[24] = 0xac;
  umk_coin_set (c, value, script, sizeof script, height, false);
}

static void
make_outpoint (UmkOutPoint *o, uint8_t fill, uint32_t n)
{
  memset (o->hash.b, fill, 32);
  o->n = n;
}

/* ---- Keys ----------------------------------------------------------------------- */

static void
test_key (void)
{
  UmkOutPoint o;
  make_outpoint (&o, 0x11, 0x01020304);
  uint8_t key[UMK_COINS_KEY_SIZE];
  umk_coins_key (&o, key);
  /* txid bytes as stored, then the index big-endian */
  for (int i = 0; i < 32; i++)
    g_assert_cmpuint (key[i], ==, 0x11);
  g_assert_cmpuint (key[32], ==, 1);
  g_assert_cmpuint (key[33], ==, 2);
  g_assert_cmpuint (key[34], ==, 3);
  g_assert_cmpuint (key[35], ==, 4);
  UmkOutPoint back;
  umk_coins_key_parse (key, &back);
  g_assert_cmpuint (back.n, ==, o.n);
  g_assert_cmpmem (back.hash.b, 32, o.hash.b, 32);

  /* big-endian indexes sort like numbers, so a cursor walks a txid's outputs
   * in order */
  uint8_t k1[UMK_COINS_KEY_SIZE], k2[UMK_COINS_KEY_SIZE];
  make_outpoint (&o, 0x11, 255);
  umk_coins_key (&o, k1);
  make_outpoint (&o, 0x11, 256);
  umk_coins_key (&o, k2);
  g_assert_cmpint (memcmp (k1, k2, sizeof k1), <, 0);
  make_outpoint (&o, 0x11, UINT32_MAX);
  umk_coins_key (&o, k1);
  umk_coins_key_parse (k1, &back);
  g_assert_cmpuint (back.n, ==, UINT32_MAX);
}

/* ---- Basics --------------------------------------------------------------------- */

static void
test_add_get_spend (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  UmkOutPoint a, b;
  make_outpoint (&a, 0xaa, 0);
  make_outpoint (&b, 0xaa, 1);
  g_assert_null (umk_coins_get (cache, &a));
  g_assert_false (umk_coins_spend (cache, &a, NULL));
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 0);

  g_auto (UmkCoin) want = UMK_COIN_INIT;
  make_coin (&want, 5000, 7, 0x01);
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  umk_coin_copy (&c, &want);
  umk_coins_add (cache, &a, &c, FALSE);
  /* the coin was moved into the cache */
  g_assert_true (umk_coin_is_spent (&c));
  g_assert_null (c.script);
  assert_coin (umk_coins_get (cache, &a), &want);
  g_assert_null (umk_coins_get (cache, &b));
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 1);

  /* an overwrite (possible_overwrite) replaces it */
  g_auto (UmkCoin) want2 = UMK_COIN_INIT;
  make_coin (&want2, 6000, 8, 0x02);
  umk_coin_copy (&c, &want2);
  umk_coins_add (cache, &a, &c, TRUE);
  assert_coin (umk_coins_get (cache, &a), &want2);

  /* spending hands the coin over and leaves nothing */
  g_auto (UmkCoin) moved = UMK_COIN_INIT;
  g_assert_true (umk_coins_spend (cache, &a, &moved));
  g_assert_true (coin_equal (&moved, &want2));
  g_assert_null (umk_coins_get (cache, &a));
  g_assert_false (umk_coins_spend (cache, &a, &moved));
  /* the coin was fresh: the entry is gone */
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 0);

  /* re-adding a spent outpoint (a reorg brings it back) works */
  umk_coin_copy (&c, &want);
  umk_coins_add (cache, &a, &c, FALSE);
  assert_coin (umk_coins_get (cache, &a), &want);
  flush_cache (f->db, cache, FALSE);
  g_assert_false (umk_coins_cache_failed (cache));
  g_assert_cmpuint (db_count (f->db), ==, 1);
}

static void
test_unspendable_stored (Fixture *f, gconstpointer data)
{
  (void) data;
  /* Core's AddCoin drops OP_RETURN outputs itself; here the callers skip
   * them, and the cache stores whatever it is given. */
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  UmkOutPoint o;
  make_outpoint (&o, 0x6a, 0);
  const uint8_t op_return[] = { UMK_OP_RETURN, 4, 'u', 'm', 'k', '!' };
  g_auto (UmkCoin) want = UMK_COIN_INIT;
  umk_coin_set (&want, 0, op_return, sizeof op_return, 12, false);
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  umk_coin_copy (&c, &want);
  umk_coins_add (cache, &o, &c, FALSE);
  assert_coin (umk_coins_get (cache, &o), &want);
  flush_cache (f->db, cache, TRUE);
  g_assert_cmpuint (db_count (f->db), ==, 1);
  assert_coin (umk_coins_get (cache, &o), &want);
  g_assert_true (umk_coins_spend (cache, &o, NULL));
  flush_cache (f->db, cache, TRUE);
  g_assert_cmpuint (db_count (f->db), ==, 0);
}

static void
test_overwrite_unspent_aborts (void)
{
  /* Adding over an unspent coin without possible_overwrite is a caller bug
   * (BIP 30 was not checked): the node stops rather than lose a coin. */
  if (g_test_subprocess ())
    {
      /* no database: the check happens before any read */
      g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (NULL);
      UmkOutPoint o;
      make_outpoint (&o, 0x30, 0);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      make_coin (&c, 1, 1, 1);
      umk_coins_add (cache, &o, &c, FALSE);
      make_coin (&c, 2, 2, 2);
      umk_coins_add (cache, &o, &c, FALSE);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*Attempted to overwrite an unspent coin*");
}

static void
test_fresh_misapplied_aborts (void)
{
  /* A child that marks a coin FRESH although its parent holds an unspent
   * one (a caller that skipped the BIP 30 check) is caught at the merge. */
  if (g_test_subprocess ())
    {
      g_autoptr (UmkCoinsCache) parent = umk_coins_cache_new_db (NULL);
      UmkOutPoint o;
      make_outpoint (&o, 0x31, 0);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      make_coin (&c, 1, 1, 1);
      umk_coins_add (parent, &o, &c, FALSE);
      g_autoptr (UmkCoinsCache) child = umk_coins_cache_new_child (parent);
      make_coin (&c, 2, 2, 2);
      umk_coins_add (child, &o, &c, FALSE);
      umk_coins_cache_merge_into_parent (child);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*fresh coin overwrote an unspent one*");
}

/* ---- FRESH ---------------------------------------------------------------------- */

static void
test_fresh_never_reaches_db (Fixture *f, gconstpointer data)
{
  (void) data;
  /* A marker value is put into the table behind the cache's back at the
   * outpoint of a FRESH coin. A flush that wrote anything for that outpoint
   * (a put or a delete) would change the marker. */
  static const uint8_t marker[] = { 0xde, 0xad };
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  UmkOutPoint fresh, old;
  make_outpoint (&fresh, 0x01, 0);
  make_outpoint (&old, 0x02, 0);
  g_auto (UmkCoin) c = UMK_COIN_INIT;

  /* an old coin, in the database before */
  make_coin (&c, 10, 1, 0x10);
  umk_coins_add (cache, &old, &c, FALSE);
  flush_cache (f->db, cache, TRUE);
  g_assert_cmpuint (db_count (f->db), ==, 1);

  /* created and spent in the base cache */
  make_coin (&c, 20, 2, 0x20);
  umk_coins_add (cache, &fresh, &c, FALSE);
  g_assert_true (umk_coins_spend (cache, &fresh, NULL));
  db_put_raw (f->db, &fresh, marker, sizeof marker);
  /* the old coin, spent, must be deleted */
  g_assert_true (umk_coins_spend (cache, &old, NULL));
  flush_cache (f->db, cache, FALSE);
  g_autoptr (GBytes) got = db_get_raw (f->db, &fresh);
  g_assert_nonnull (got);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), marker, sizeof marker);
  g_autoptr (GBytes) gone = db_get_raw (f->db, &old);
  g_assert_null (gone);

  /* created and spent in a child, then merged: the parent never sees it */
  UmkOutPoint fresh2;
  make_outpoint (&fresh2, 0x03, 5);
  g_autoptr (UmkCoinsCache) child = umk_coins_cache_new_child (cache);
  make_coin (&c, 30, 3, 0x30);
  umk_coins_add (child, &fresh2, &c, FALSE);
  g_assert_true (umk_coins_spend (child, &fresh2, NULL));
  umk_coins_cache_merge_into_parent (child);
  g_assert_cmpuint (umk_coins_cache_size (child), ==, 0);
  db_put_raw (f->db, &fresh2, marker, sizeof marker);
  flush_cache (f->db, cache, TRUE);
  g_autoptr (GBytes) got2 = db_get_raw (f->db, &fresh2);
  g_assert_nonnull (got2);
  g_assert_cmpmem (g_bytes_get_data (got2, NULL), g_bytes_get_size (got2), marker, sizeof marker);

  /* created in a child, merged (FRESH in the parent too), spent in a second
   * child, merged: nothing is left for the database */
  UmkOutPoint fresh3;
  make_outpoint (&fresh3, 0x04, 1);
  make_coin (&c, 40, 4, 0x40);
  umk_coins_add (child, &fresh3, &c, FALSE);
  umk_coins_cache_merge_into_parent (child);
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 1);
  g_autoptr (UmkCoinsCache) child2 = umk_coins_cache_new_child (cache);
  g_assert_true (umk_coins_spend (child2, &fresh3, NULL));
  umk_coins_cache_merge_into_parent (child2);
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 0);
  db_put_raw (f->db, &fresh3, marker, sizeof marker);
  flush_cache (f->db, cache, TRUE);
  g_autoptr (GBytes) got3 = db_get_raw (f->db, &fresh3);
  g_assert_nonnull (got3);

  /* a spent-then-re-added coin is not FRESH: its spend must reach the
   * database (Core's "spent and DIRTY" case) */
  UmkOutPoint reorg;
  make_outpoint (&reorg, 0x05, 0);
  make_coin (&c, 50, 5, 0x50);
  umk_coins_add (cache, &reorg, &c, FALSE);
  flush_cache (f->db, cache, TRUE);
  g_assert_true (umk_coins_spend (cache, &reorg, NULL));
  make_coin (&c, 51, 6, 0x51);
  umk_coins_add (cache, &reorg, &c, FALSE);
  g_assert_true (umk_coins_spend (cache, &reorg, NULL));
  /* the entry must survive, as a spent one to delete */
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 1);
  flush_cache (f->db, cache, TRUE);
  g_autoptr (GBytes) reorg_gone = db_get_raw (f->db, &reorg);
  g_assert_null (reorg_gone);
}

static void
test_flush_keep (Fixture *f, gconstpointer data)
{
  (void) data;
  /* A flush without erase keeps unspent coins (now clean) and drops spent
   * ones; a second flush writes nothing more. */
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  UmkOutPoint o[4];
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  for (int i = 0; i < 4; i++)
    {
      make_outpoint (&o[i], 0x40, (uint32_t) i);
      make_coin (&c, 100 + i, 1, (uint8_t) i);
      umk_coins_add (cache, &o[i], &c, FALSE);
    }
  flush_cache (f->db, cache, FALSE);
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 4);
  g_assert_cmpuint (db_count (f->db), ==, 4);
  g_assert_true (umk_coins_spend (cache, &o[1], NULL));
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 4);
  flush_cache (f->db, cache, FALSE);
  g_assert_cmpuint (umk_coins_cache_size (cache), ==, 3);
  g_assert_cmpuint (db_count (f->db), ==, 3);
  /* clean entries are not written again: a marker behind them stays */
  static const uint8_t marker[] = { 0x55 };
  db_put_raw (f->db, &o[2], marker, sizeof marker);
  flush_cache (f->db, cache, FALSE);
  g_autoptr (GBytes) got = db_get_raw (f->db, &o[2]);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), marker, sizeof marker);
  /* and the cache still answers from memory */
  g_assert_nonnull (umk_coins_get (cache, &o[2]));
  g_assert_false (umk_coins_cache_failed (cache));
}

/* ---- Memory accounting ----------------------------------------------------------- */

static void
test_memory (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  g_assert_cmpuint (umk_coins_cache_memory (cache), ==, 0);
  UmkOutPoint o;
  make_outpoint (&o, 0x50, 0);
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  g_auto (UmkCoin) moved = UMK_COIN_INIT;

  /* a coin costs more with a longer script */
  uint8_t script[1000];
  memset (script, 0x51, sizeof script);
  umk_coin_set (&c, 1, script, 10, 1, false);
  umk_coins_add (cache, &o, &c, FALSE);
  size_t small = umk_coins_cache_memory (cache);
  g_assert_cmpuint (small, >, 10);
  g_assert_true (umk_coins_spend (cache, &o, NULL));
  g_assert_cmpuint (umk_coins_cache_memory (cache), ==, 0);
  umk_coin_set (&c, 1, script, sizeof script, 1, false);
  umk_coins_add (cache, &o, &c, FALSE);
  g_assert_cmpuint (umk_coins_cache_memory (cache), ==, small + sizeof script - 10);
  g_assert_true (umk_coins_spend (cache, &o, NULL));
  g_assert_cmpuint (umk_coins_cache_memory (cache), ==, 0);

  umk_coin_set (&c, 1, script, sizeof script, 1, false);
  umk_coins_add (cache, &o, &c, FALSE);
  g_assert_true (umk_coins_spend (cache, &o, &moved));
  g_assert_cmpuint (moved.script_len, ==, sizeof script);
  if (umk_coins_cache_memory (cache) != 0)
    {
      g_test_fail_printf ("%s",
                          "umk_coins_spend with moved != NULL leaves the script's size counted "
                          "in umk_coins_cache_memory (node/coins.c)");
      return;
    }
  /* the same for an entry that stays (spent, DIRTY) */
  umk_coin_set (&c, 1, script, sizeof script, 1, false);
  umk_coins_add (cache, &o, &c, FALSE);
  flush_cache (f->db, cache, TRUE);
  g_assert_nonnull (umk_coins_get (cache, &o));
  size_t loaded = umk_coins_cache_memory (cache);
  g_assert_true (umk_coins_spend (cache, &o, &moved));
  g_assert_cmpuint (umk_coins_cache_memory (cache), ==, loaded - sizeof script);
}

/* ---- Best block ------------------------------------------------------------------ */

static void
test_best_block (Fixture *f, gconstpointer data)
{
  (void) data;
  UmkUint256 zero = { { 0 } }, h1, h2, got;
  memset (h1.b, 0x11, 32);
  memset (h2.b, 0x22, 32);
  {
    g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
    umk_coins_cache_get_best_block (cache, &got);
    g_assert_true (umk_uint256_equal (&got, &zero));
    umk_coins_cache_set_best_block (cache, &h1);
    /* a child starts at its parent's block, and hands its own back */
    g_autoptr (UmkCoinsCache) child = umk_coins_cache_new_child (cache);
    umk_coins_cache_get_best_block (child, &got);
    g_assert_true (umk_uint256_equal (&got, &h1));
    umk_coins_cache_set_best_block (child, &h2);
    umk_coins_cache_get_best_block (cache, &got);
    g_assert_true (umk_uint256_equal (&got, &h1));
    umk_coins_cache_merge_into_parent (child);
    umk_coins_cache_get_best_block (cache, &got);
    g_assert_true (umk_uint256_equal (&got, &h2));
    flush_cache (f->db, cache, TRUE);
    /* an erase keeps the best block */
    umk_coins_cache_get_best_block (cache, &got);
    g_assert_true (umk_uint256_equal (&got, &h2));
  }
  reopen_db (f);
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (f->db, TRUE, &error);
  g_assert_no_error (error);
  MDB_val v;
  g_assert_cmpint (umk_db_get (txn, f->db->meta, UMK_DB_META_BEST_BLOCK,
                               strlen (UMK_DB_META_BEST_BLOCK), &v, &error),
                   ==, 1);
  g_assert_cmpmem (v.mv_data, v.mv_size, h2.b, 32);
  mdb_txn_abort (txn);
  /* a new cache does not read it (the chainstate does and sets it) */
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  umk_coins_cache_get_best_block (cache, &got);
  g_assert_true (umk_uint256_equal (&got, &zero));
}

/* ---- Corruption ------------------------------------------------------------------- */

static void
test_corrupted (Fixture *f, gconstpointer data)
{
  (void) data;
  /* a good value to cut and extend */
  g_auto (UmkCoin) good = UMK_COIN_INIT;
  make_coin (&good, 123456, 77, 0x77);
  g_autoptr (GByteArray) ser = g_byte_array_new ();
  umk_coin_serialize (&good, ser);

  g_autoptr (GPtrArray) bad = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_ptr_array_add (bad, g_bytes_new ("", 0));
  g_ptr_array_add (bad, g_bytes_new ("\xff", 1));
  g_ptr_array_add (bad, g_bytes_new ("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 10));
  /* height code, amount, then a raw script said to be 0x4000 bytes long */
  g_ptr_array_add (bad, g_bytes_new ("\x00\x00\xff\x7f\x01", 5));
  for (guint cut = 1; cut < ser->len; cut += 3)
    g_ptr_array_add (bad, g_bytes_new (ser->data, ser->len - cut));
  g_byte_array_append (ser, (const guint8 *) "\x00", 1);
  g_ptr_array_add (bad, g_bytes_new (ser->data, ser->len));

  for (guint i = 0; i < bad->len; i++)
    {
      UmkOutPoint o;
      make_outpoint (&o, 0x60, i);
      gsize len;
      const void *val = g_bytes_get_data (bad->pdata[i], &len);
      db_put_raw (f->db, &o, val, len);

      g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
      g_autoptr (UmkCoinsCache) child = umk_coins_cache_new_child (cache);
      g_assert_false (umk_coins_cache_failed (child));
      g_test_expect_message ("umk-coins", G_LOG_LEVEL_CRITICAL, "*corrupted*");
      g_assert_null (umk_coins_get (child, &o));
      g_test_assert_expected_messages ();
      g_assert_true (umk_coins_cache_failed (child));
      g_assert_true (umk_coins_cache_failed (cache));
      /* spending it fails the same way, without crashing */
      g_autoptr (UmkCoinsCache) cache2 = umk_coins_cache_new_db (f->db);
      g_test_expect_message ("umk-coins", G_LOG_LEVEL_CRITICAL, "*corrupted*");
      g_assert_false (umk_coins_spend (cache2, &o, NULL));
      g_test_assert_expected_messages ();
      g_assert_true (umk_coins_cache_failed (cache2));
    }

  /* a good coin next to them reads fine, and the cache is not failed */
  UmkOutPoint o;
  make_outpoint (&o, 0x61, 0);
  g_autoptr (GByteArray) ok = g_byte_array_new ();
  umk_coin_serialize (&good, ok);
  db_put_raw (f->db, &o, ok->data, ok->len);
  g_autoptr (UmkCoinsCache) cache = umk_coins_cache_new_db (f->db);
  assert_coin (umk_coins_get (cache, &o), &good);
  g_assert_false (umk_coins_cache_failed (cache));
}

/* ---- Model test ------------------------------------------------------------------- */

#define N_OUTPOINTS 400
#define MAX_LAYERS  3

/* The expected view: outpoint index -> coin (NULL when none), and the best
 * block; one per layer, so that a discarded child can be rolled back. */
typedef struct
{
  UmkCoin *coins[N_OUTPOINTS];
  UmkUint256 best;
} Model;

static void
model_clear (Model *m)
{
  for (int i = 0; i < N_OUTPOINTS; i++)
    if (m->coins[i] != NULL)
      {
        umk_coin_clear (m->coins[i]);
        g_clear_pointer (&m->coins[i], g_free);
      }
}

static void
model_copy (Model *dst, const Model *src)
{
  model_clear (dst);
  for (int i = 0; i < N_OUTPOINTS; i++)
    if (src->coins[i] != NULL)
      {
        dst->coins[i] = g_new0 (UmkCoin, 1);
        umk_coin_init (dst->coins[i]);
        umk_coin_copy (dst->coins[i], src->coins[i]);
      }
  dst->best = src->best;
}

static guint
model_count (const Model *m)
{
  guint n = 0;
  for (int i = 0; i < N_OUTPOINTS; i++)
    n += m->coins[i] != NULL;
  return n;
}

/* Compares the database's coins table, entry by entry, with the model. */
static void
check_db_against_model (UmkDb *db, const UmkOutPoint *outs, const Model *m)
{
  g_assert_cmpuint (db_count (db), ==, model_count (m));
  for (int i = 0; i < N_OUTPOINTS; i++)
    {
      g_autoptr (GBytes) raw = db_get_raw (db, &outs[i]);
      if (m->coins[i] == NULL)
        {
          g_assert_null (raw);
          continue;
        }
      g_assert_nonnull (raw);
      gsize len;
      const uint8_t *p = g_bytes_get_data (raw, &len);
      UmkReader r;
      umk_reader_init (&r, p, len);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      g_assert_true (umk_coin_deserialize (&r, &c));
      g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
      assert_coin (&c, m->coins[i]);
    }
}

typedef struct
{
  guint gets, adds, spends, pushes, merges, discards, flushes, full_checks;
  guint hits, found_spends, fresh_adds;
} SimStats;

static void
run_simulation (Fixture *f, GRand *rand, guint steps, SimStats *st)
{
  UmkOutPoint outs[N_OUTPOINTS];
  for (int i = 0; i < N_OUTPOINTS; i++)
    random_outpoint (rand, &outs[i]);

  UmkCoinsCache *layers[MAX_LAYERS] = { NULL };
  Model models[MAX_LAYERS];
  memset (models, 0, sizeof models);
  int depth = 1;
  layers[0] = umk_coins_cache_new_db (f->db);

  for (guint step = 0; step < steps; step++)
    {
      UmkCoinsCache *top = layers[depth - 1];
      Model *m = &models[depth - 1];
      int i = g_rand_int_range (rand, 0, N_OUTPOINTS);
      int op = g_rand_int_range (rand, 0, 100);
      if (op < 30)
        {
          st->gets++;
          const UmkCoin *got = umk_coins_get (top, &outs[i]);
          assert_coin (got, m->coins[i]);
          st->hits += got != NULL;
        }
      else if (op < 55)
        {
          st->adds++;
          UmkCoin c = UMK_COIN_INIT;
          random_coin (rand, &c);
          /* As Core's simulation: an overwrite when a coin is there, else
           * either way. */
          gboolean overwrite = m->coins[i] != NULL || g_rand_boolean (rand);
          st->fresh_adds += !overwrite;
          if (m->coins[i] == NULL)
            {
              m->coins[i] = g_new0 (UmkCoin, 1);
              umk_coin_init (m->coins[i]);
            }
          umk_coin_copy (m->coins[i], &c);
          umk_coins_add (top, &outs[i], &c, overwrite);
          g_assert_true (umk_coin_is_spent (&c));
        }
      else if (op < 80)
        {
          st->spends++;
          g_auto (UmkCoin) moved = UMK_COIN_INIT;
          gboolean with_moved = g_rand_boolean (rand);
          gboolean ok = umk_coins_spend (top, &outs[i], with_moved ? &moved : NULL);
          g_assert_cmpint (ok, ==, m->coins[i] != NULL);
          if (ok)
            {
              st->found_spends++;
              if (with_moved)
                assert_coin (&moved, m->coins[i]);
              umk_coin_clear (m->coins[i]);
              g_clear_pointer (&m->coins[i], g_free);
            }
          g_assert_null (umk_coins_get (top, &outs[i]));
        }
      else if (op < 84)
        {
          UmkUint256 best;
          for (int k = 0; k < 32; k++)
            best.b[k] = (uint8_t) g_rand_int (rand);
          umk_coins_cache_set_best_block (top, &best);
          m->best = best;
        }
      else if (op < 89)
        {
          if (depth == MAX_LAYERS)
            continue;
          st->pushes++;
          layers[depth] = umk_coins_cache_new_child (top);
          model_copy (&models[depth], m);
          UmkUint256 best;
          umk_coins_cache_get_best_block (layers[depth], &best);
          g_assert_true (umk_uint256_equal (&best, &m->best));
          depth++;
        }
      else if (op < 96)
        {
          if (depth == 1)
            continue;
          if (g_rand_int_range (rand, 0, 4) == 0)
            {
              /* an invalid block: its cache goes, and nothing changed below */
              st->discards++;
              umk_coins_cache_free (top);
              model_clear (m);
            }
          else
            {
              st->merges++;
              umk_coins_cache_merge_into_parent (top);
              g_assert_cmpuint (umk_coins_cache_size (top), ==, 0);
              g_assert_cmpuint (umk_coins_cache_memory (top), ==, 0);
              model_copy (&models[depth - 2], m);
              if (g_rand_boolean (rand))
                {
                  /* the emptied child stays in use */
                  UmkUint256 best;
                  umk_coins_cache_get_best_block (top, &best);
                  g_assert_true (umk_uint256_equal (&best, &m->best));
                  continue;
                }
              umk_coins_cache_free (top);
              model_clear (m);
            }
          layers[depth - 1] = NULL;
          depth--;
        }
      else
        {
          /* Only the layer on top is flushed, as in Core's test (the
           * chainstate flushes when no block is being connected). */
          if (depth != 1)
            continue;
          st->flushes++;
          flush_cache (f->db, top, g_rand_boolean (rand));
          check_db_against_model (f->db, outs, m);
        }
      g_assert_false (umk_coins_cache_failed (layers[depth - 1]));

      if (g_rand_int_range (rand, 0, 500) == 0)
        {
          /* read every outpoint through the top layer */
          st->full_checks++;
          for (int k = 0; k < N_OUTPOINTS; k++)
            assert_coin (umk_coins_get (layers[depth - 1], &outs[k]), models[depth - 1].coins[k]);
        }
    }

  /* Merge everything down and flush. */
  while (depth > 1)
    {
      umk_coins_cache_merge_into_parent (layers[depth - 1]);
      model_copy (&models[depth - 2], &models[depth - 1]);
      umk_coins_cache_free (layers[depth - 1]);
      model_clear (&models[depth - 1]);
      depth--;
    }
  flush_cache (f->db, layers[0], FALSE);
  check_db_against_model (f->db, outs, &models[0]);
  umk_coins_cache_free (layers[0]);

  /* Reopen the database: the persisted set is the model's. */
  reopen_db (f);
  check_db_against_model (f->db, outs, &models[0]);
  g_autoptr (UmkCoinsCache) again = umk_coins_cache_new_db (f->db);
  for (int k = 0; k < N_OUTPOINTS; k++)
    assert_coin (umk_coins_get (again, &outs[k]), models[0].coins[k]);
  g_assert_false (umk_coins_cache_failed (again));
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (f->db, TRUE, &error);
  g_assert_no_error (error);
  MDB_val v;
  g_assert_cmpint (umk_db_get (txn, f->db->meta, UMK_DB_META_BEST_BLOCK,
                               strlen (UMK_DB_META_BEST_BLOCK), &v, &error),
                   ==, 1);
  g_assert_cmpmem (v.mv_data, v.mv_size, models[0].best.b, 32);
  mdb_txn_abort (txn);
  model_clear (&models[0]);
}

static void
test_simulation (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
  SimStats st = { 0 };
  run_simulation (f, rand, g_test_slow () ? 400000 : 60000, &st);
  g_test_message ("gets %u (%u found), adds %u (%u not overwrites), spends %u (%u found), "
                  "pushes %u, merges %u, discards %u, flushes %u, full checks %u",
                  st.gets, st.hits, st.adds, st.fresh_adds, st.spends, st.found_spends, st.pushes,
                  st.merges, st.discards, st.flushes, st.full_checks);
  /* every kind of step happened often enough to mean something */
  g_assert_cmpuint (st.hits, >, 1000);
  g_assert_cmpuint (st.found_spends, >, 1000);
  g_assert_cmpuint (st.fresh_adds, >, 1000);
  g_assert_cmpuint (st.merges, >, 100);
  g_assert_cmpuint (st.discards, >, 30);
  g_assert_cmpuint (st.flushes, >, 100);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coins/key", test_key);
  g_test_add_func ("/coins/overwrite-unspent-aborts", test_overwrite_unspent_aborts);
  g_test_add_func ("/coins/fresh-misapplied-aborts", test_fresh_misapplied_aborts);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/coins/add-get-spend", test_add_get_spend);
  ADD ("/coins/unspendable-stored", test_unspendable_stored);
  ADD ("/coins/fresh-never-reaches-db", test_fresh_never_reaches_db);
  ADD ("/coins/flush-keep", test_flush_keep);
  ADD ("/coins/memory", test_memory);
  ADD ("/coins/best-block", test_best_block);
  ADD ("/coins/corrupted", test_corrupted);
  ADD ("/coins/simulation", test_simulation);
#undef ADD
  return g_test_run ();
}
