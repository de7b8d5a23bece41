/* Tests for gettxoutsetinfo's statistics: the TxOutSer bytes, both set hashes
 * and the counters, Core's grouping of a transaction's outputs, and a replay of
 * a real regtest chain made by Umkoin Core v31.0 whose UTXO set statistics
 * (from Core's gettxoutsetinfo) must come out the same. */
#include "config.h"

#include "common/block.h"
#include "common/coin.h"
#include "common/coinstats.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/muhash.h"
#include "common/script.h"
#include "common/undo.h"
#include "test-util.h"

#include <stdlib.h>
#include <string.h>

static void
make_outpoint (UmkOutPoint *o, uint8_t fill, uint32_t n)
{
  memset (o->hash.b, fill, 32);
  o->hash.b[0] = 0x10; /* so the first byte orders the txids */
  o->hash.b[31] = fill;
  o->n = n;
}

/* TxOutSer written out by hand, independently of umk_coin_txout_ser(). */
static void
ser_by_hand (GByteArray *w, const UmkOutPoint *o, int64_t value, const uint8_t *script, size_t len,
             uint32_t height, bool coinbase)
{
  uint8_t b[8];
  g_byte_array_append (w, o->hash.b, 32);
  umk_store_u32le (b, o->n);
  g_byte_array_append (w, b, 4);
  umk_store_u32le (b, height * 2 + (coinbase ? 1 : 0));
  g_byte_array_append (w, b, 4);
  umk_store_u64le (b, (uint64_t) value);
  g_byte_array_append (w, b, 8);
  g_assert (len < 253);
  uint8_t l = (uint8_t) len;
  g_byte_array_append (w, &l, 1);
  if (len > 0)
    g_byte_array_append (w, script, (guint) len);
}

static void
test_txout_ser (void)
{
  UmkOutPoint o;
  make_outpoint (&o, 0xab, 0x01020304);
  const uint8_t script[] = { 0x51, 0x52 };
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  umk_coin_set (&c, 5000000000, script, sizeof script, 0x123, true);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_coin_txout_ser (w, &o, &c);
  g_autofree char *hex = umk_hex_encode (w->data, w->len);
  g_assert_cmpstr (hex, ==,
                   "10ababababababababababababababababababababababababababababababab" /* txid */
                   "04030201"                                                         /* n */
                   "47020000"         /* 0x123 * 2 + 1 */
                   "00f2052a01000000" /* value */
                   "025152");
  g_assert_cmpuint (umk_coin_bogosize (2), ==, 52);
}

typedef struct
{
  uint8_t fill;
  uint32_t n;
  int64_t value;
  uint32_t height;
  bool coinbase;
  const char *script;
} Row;

/* Three transactions; the last run's outputs arrive out of index order. */
static const Row rows[] = {
  { 0x01, 0, 5000000000, 1, true, "76a914816115944e077fe7c803cfa57f29b36bf87c1d3588ac" },
  { 0x02, 1, 12345, 7, false, "0014816115944e077fe7c803cfa57f29b36bf87c1d35" },
  { 0x02, 3, 1, 7, false, "" },
  { 0x03, 2, 300, 9, false, "a914816115944e077fe7c803cfa57f29b36bf87c1d3587" },
  { 0x03, 0, 100, 9, false, "51" },
};
/* the order Core hashes them: by txid, then index */
static const int hash_order[] = { 0, 1, 2, 4, 3 };

static void
feed (UmkCoinStats *s, const Row *r)
{
  UmkOutPoint o;
  make_outpoint (&o, r->fill, r->n);
  g_autoptr (GByteArray) script = umk_test_hex (r->script);
  g_auto (UmkCoin) c = UMK_COIN_INIT;
  umk_coin_set (&c, r->value, script->data, script->len, r->height, r->coinbase);
  umk_coin_stats_add (s, &o, &c);
}

static void
test_small_set (void)
{
  /* the expected values, from hand-made bytes */
  UmkSha256 sha;
  umk_sha256_init (&sha);
  UmkMuHash mu;
  umk_muhash_init (&mu);
  uint64_t bogo = 0;
  int64_t total = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (hash_order); i++)
    {
      const Row *r = &rows[hash_order[i]];
      UmkOutPoint o;
      make_outpoint (&o, r->fill, r->n);
      g_autoptr (GByteArray) script = umk_test_hex (r->script);
      g_autoptr (GByteArray) w = g_byte_array_new ();
      ser_by_hand (w, &o, r->value, script->data, script->len, r->height, r->coinbase);
      umk_sha256_update (&sha, w->data, w->len);
      umk_muhash_insert (&mu, w->data, w->len);
      bogo += 50 + script->len;
      total += r->value;
    }
  UmkUint256 want_ser, want_mu, zero = { { 0 } };
  umk_sha256d_final (&sha, want_ser.b);
  umk_muhash_finalize (&mu, &want_mu);

  const UmkCoinStatsHash kinds[]
      = { UMK_COIN_STATS_HASH_NONE, UMK_COIN_STATS_HASH_SERIALIZED, UMK_COIN_STATS_HASH_MUHASH };
  const UmkUint256 *want[] = { &zero, &want_ser, &want_mu };
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (UmkCoinStats) s = umk_coin_stats_new (kinds[k]);
      for (size_t i = 0; i < G_N_ELEMENTS (rows); i++)
        feed (s, &rows[i]);
      UmkUint256 h;
      umk_coin_stats_finish (s, &h);
      g_assert_cmpmem (h.b, 32, want[k]->b, 32);
      g_assert_cmpuint (s->transactions, ==, 3);
      g_assert_cmpuint (s->txouts, ==, 5);
      g_assert_cmpuint (s->coins_count, ==, 5);
      g_assert_cmpuint (s->bogosize, ==, bogo);
      g_assert_true (s->total_amount_valid);
      g_assert_cmpint (s->total_amount, ==, total);
    }

  /* an empty set: Core's values for no coins */
  g_autoptr (UmkCoinStats) e = umk_coin_stats_new (UMK_COIN_STATS_HASH_SERIALIZED);
  UmkUint256 h;
  umk_coin_stats_finish (e, &h);
  uint8_t empty[32];
  umk_sha256d (NULL, 0, empty);
  g_assert_cmpmem (h.b, 32, empty, 32);
  g_assert_cmpuint (e->transactions, ==, 0);
  g_assert_cmpint (e->total_amount, ==, 0);

  /* freed without finishing */
  UmkCoinStats *unfinished = umk_coin_stats_new (UMK_COIN_STATS_HASH_SERIALIZED);
  feed (unfinished, &rows[0]);
  umk_coin_stats_free (unfinished);
}

/* What Core's cursor loop does with odd input: a txid that comes back after
 * another counts as a second transaction; a repeated index replaces the coin. */
static void
test_grouping (void)
{
  g_autoptr (UmkCoinStats) s = umk_coin_stats_new (UMK_COIN_STATS_HASH_SERIALIZED);
  feed (s, &rows[0]);
  feed (s, &rows[1]);
  feed (s, &rows[0]);
  UmkUint256 h;
  umk_coin_stats_finish (s, &h);
  g_assert_cmpuint (s->transactions, ==, 3);
  g_assert_cmpuint (s->txouts, ==, 3);

  /* the same index twice: the later coin is the one counted and hashed */
  Row dup = rows[1];
  dup.value = 999;
  g_autoptr (UmkCoinStats) a = umk_coin_stats_new (UMK_COIN_STATS_HASH_MUHASH);
  feed (a, &rows[1]);
  feed (a, &rows[2]);
  feed (a, &dup);
  UmkUint256 ha;
  umk_coin_stats_finish (a, &ha);
  g_assert_cmpuint (a->transactions, ==, 1);
  g_assert_cmpuint (a->txouts, ==, 2);
  g_assert_cmpuint (a->coins_count, ==, 3);
  g_assert_cmpint (a->total_amount, ==, 999 + 1);

  g_autoptr (UmkCoinStats) b = umk_coin_stats_new (UMK_COIN_STATS_HASH_MUHASH);
  feed (b, &dup);
  feed (b, &rows[2]);
  UmkUint256 hb;
  umk_coin_stats_finish (b, &hb);
  g_assert_cmpmem (ha.b, 32, hb.b, 32);
}

static void
test_amount_overflow (void)
{
  g_autoptr (UmkCoinStats) s = umk_coin_stats_new (UMK_COIN_STATS_HASH_NONE);
  Row big = rows[0];
  big.value = INT64_MAX;
  feed (s, &big);
  big.n = 1;
  feed (s, &big);
  big.fill = 0x05;
  big.value = 1;
  feed (s, &big);
  UmkUint256 h;
  umk_coin_stats_finish (s, &h);
  g_assert_false (s->total_amount_valid);
  g_assert_cmpuint (s->txouts, ==, 3);
}

/* ---- the regtest chain ---- */

typedef struct
{
  uint8_t key[36]; /* txid || n (big-endian, so memcmp orders as the database does) */
  UmkCoin coin;
} Utxo;

static void
utxo_free (gpointer p)
{
  Utxo *u = p;
  umk_coin_clear (&u->coin);
  g_free (u);
}

static void
utxo_key (uint8_t key[36], const UmkOutPoint *o)
{
  memcpy (key, o->hash.b, 32);
  key[32] = (uint8_t) (o->n >> 24);
  key[33] = (uint8_t) (o->n >> 16);
  key[34] = (uint8_t) (o->n >> 8);
  key[35] = (uint8_t) o->n;
}

static guint
key_hash (gconstpointer k)
{
  guint h;
  memcpy (&h, k, sizeof h);
  return h ^ ((const uint8_t *) k)[35];
}

static gboolean
key_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 36) == 0;
}

/* Block hashes: 32-byte keys. */
static guint
hash_hash (gconstpointer k)
{
  guint h;
  memcpy (&h, k, sizeof h);
  return h;
}

static gboolean
hash_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

static int
utxo_cmp (const void *a, const void *b)
{
  return memcmp ((*(Utxo *const *) a)->key, (*(Utxo *const *) b)->key, 36);
}

static void
outpoint_of (UmkOutPoint *o, const Utxo *u)
{
  memcpy (o->hash.b, u->key, 32);
  o->n = (uint32_t) u->key[32] << 24 | (uint32_t) u->key[33] << 16 | (uint32_t) u->key[34] << 8
         | u->key[35];
}

static void
check_coin_db_roundtrip (const UmkCoin *c)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_coin_serialize (c, w);
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  g_auto (UmkCoin) back = UMK_COIN_INIT;
  g_assert_true (umk_coin_deserialize (&r, &back));
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  g_assert_cmpint (back.value, ==, c->value);
  g_assert_cmpuint (back.height, ==, c->height);
  g_assert_cmpint (back.coinbase, ==, c->coinbase);
  g_assert_cmpmem (back.script, back.script_len, c->script, c->script_len);
}

static bool
blocks_equal_undo (const UmkBlockUndo *a, const UmkBlockUndo *b)
{
  if (a->n != b->n)
    return false;
  for (size_t t = 0; t < a->n; t++)
    {
      if (a->txundo[t].n != b->txundo[t].n)
        return false;
      for (size_t i = 0; i < a->txundo[t].n; i++)
        {
          const UmkCoin *x = &a->txundo[t].coins[i], *y = &b->txundo[t].coins[i];
          if (x->value != y->value || x->height != y->height || x->coinbase != y->coinbase
              || x->script_len != y->script_len
              || (x->script_len > 0 && memcmp (x->script, y->script, x->script_len) != 0))
            return false;
        }
    }
  return true;
}

/* The blk file: Umkoin Core's regtest chain (tests/data/chains/regtest-core-1,
 * or the file named by UMK_TEST_REGTEST_BLOCKS). */
static char *
find_chain_file (void)
{
  const char *env = g_getenv ("UMK_TEST_REGTEST_BLOCKS");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  char *path = umk_test_data_path ("chains/regtest-core-1/blk00000.dat");
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return path;
  g_free (path);
  return NULL;
}

static void
test_regtest_chain (void)
{
  g_autofree char *path = find_chain_file ();
  /* Part of the repository: missing means a broken checkout. */
  g_assert_nonnull (path);
  g_autoptr (GError) error = NULL;
  g_autoptr (GMappedFile) mf = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  g_autoptr (GBytes) file = g_mapped_file_get_bytes (mf);

  /* every block by hash */
  static const uint8_t magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
  g_autoptr (GHashTable) blocks
      = g_hash_table_new_full (hash_hash, hash_equal, NULL, (GDestroyNotify) umk_block_free);
  gsize flen;
  const uint8_t *fdata = g_bytes_get_data (file, &flen);
  UmkReader r;
  umk_reader_init (&r, fdata, flen);
  while (umk_reader_remaining (&r) > 0)
    {
      uint8_t m[4];
      uint32_t size;
      g_assert_true (umk_read_bytes (&r, m, 4) && umk_read_u32le (&r, &size));
      g_assert_cmpmem (m, 4, magic, 4);
      g_autoptr (GBytes) bb = g_bytes_new_from_bytes (file, r.pos, size);
      UmkBlock *b = umk_block_new_from_bytes (bb, &error);
      g_assert_no_error (error);
      g_assert_true (umk_read_skip (&r, size));
      g_hash_table_replace (blocks, b->hash.b, b);
    }

  /* the best chain, from the tip down */
  UmkUint256 tip;
  g_assert_true (umk_uint256_from_hex (
      &tip, "72c36db4dadf3a598b3b56813918a97e8c27c8ec5c51f1bbe487b459c64254b3"));
  g_autoptr (GPtrArray) chain = g_ptr_array_new ();
  for (UmkBlock *b = g_hash_table_lookup (blocks, tip.b); b != NULL;
       b = g_hash_table_lookup (blocks, b->header.prev_block.b))
    g_ptr_array_insert (chain, 0, b);
  g_assert_cmpuint (chain->len, ==, 457);

  /* connect every block but the genesis block, whose outputs Core never adds;
   * keep the MuHash of the set up to date as the coinstats index does */
  g_autoptr (GHashTable) utxo = g_hash_table_new_full (key_hash, key_equal, NULL, utxo_free);
  UmkMuHash running, before_tip;
  umk_muhash_init (&running);
  g_auto (UmkBlockUndo) tip_undo = { 0 };
  for (guint h = 1; h < chain->len; h++)
    {
      const UmkBlock *b = chain->pdata[h];
      if (h == chain->len - 1)
        before_tip = running;
      g_auto (UmkBlockUndo) undo = { 0 };
      umk_block_undo_init (&undo, b->n_tx - 1);
      for (size_t t = 0; t < b->n_tx; t++)
        {
          const UmkTx *tx = b->tx[t];
          bool coinbase = t == 0;
          if (!coinbase)
            {
              UmkTxUndo *tu = &undo.txundo[t - 1];
              umk_tx_undo_init (tu, tx->n_in);
              for (uint32_t i = 0; i < tx->n_in; i++)
                {
                  uint8_t key[36];
                  utxo_key (key, &tx->in[i].prevout);
                  Utxo *u = g_hash_table_lookup (utxo, key);
                  g_assert_nonnull (u);
                  umk_muhash_remove_coin (&running, &tx->in[i].prevout, &u->coin);
                  umk_coin_move (&tu->coins[i], &u->coin);
                  g_hash_table_remove (utxo, key);
                }
            }
          for (uint32_t o = 0; o < tx->n_out; o++)
            {
              const UmkTxOut *out = &tx->out[o];
              if (umk_script_is_unspendable (out->script_pubkey.data, out->script_pubkey.len))
                continue;
              Utxo *u = g_new0 (Utxo, 1);
              UmkOutPoint op = { .hash = tx->txid, .n = o };
              utxo_key (u->key, &op);
              umk_coin_init (&u->coin);
              umk_coin_set (&u->coin, out->value, out->script_pubkey.data, out->script_pubkey.len,
                            h, coinbase);
              check_coin_db_roundtrip (&u->coin);
              umk_muhash_insert_coin (&running, &op, &u->coin);
              g_assert_true (g_hash_table_insert (utxo, u->key, u));
            }
        }

      /* the undo data through a rev-file record and back */
      g_autoptr (GByteArray) rec = g_byte_array_new ();
      size_t pos = umk_block_undo_write_record (rec, magic, &b->header.prev_block, &undo);
      UmkReader ur;
      umk_reader_init (&ur, rec->data + pos, rec->len - pos);
      g_auto (UmkBlockUndo) back = { 0 };
      g_assert_true (umk_block_undo_read_checked (&ur, &b->header.prev_block, &back, &error));
      g_assert_no_error (error);
      g_assert_true (blocks_equal_undo (&undo, &back));
      if (h == chain->len - 1)
        {
          tip_undo = undo;
          undo = (UmkBlockUndo){ 0 };
        }
    }

  /* the set in database order, through gettxoutsetinfo's three hash types */
  guint n = g_hash_table_size (utxo);
  g_autofree Utxo **sorted = g_new (Utxo *, n);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, utxo);
  for (guint i = 0; g_hash_table_iter_next (&it, NULL, &value); i++)
    sorted[i] = value;
  qsort (sorted, n, sizeof *sorted, utxo_cmp);
  static const struct
  {
    UmkCoinStatsHash kind;
    const char *hash;
  } runs[] = {
    { UMK_COIN_STATS_HASH_NONE,
      "0000000000000000000000000000000000000000000000000000000000000000" },
    { UMK_COIN_STATS_HASH_SERIALIZED,
      "69e1df91925593af234adb56c04ac54becfa88e01468e57fc166c297a523a048" },
    { UMK_COIN_STATS_HASH_MUHASH,
      "4179ce51f00d910c9eb9e0c25657eb90576fd0be0f2c34d62a55a919700fd60a" },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (runs); k++)
    {
      g_autoptr (UmkCoinStats) s = umk_coin_stats_new (runs[k].kind);
      for (guint i = 0; i < n; i++)
        {
          UmkOutPoint op;
          outpoint_of (&op, sorted[i]);
          umk_coin_stats_add (s, &op, &sorted[i]->coin);
        }
      UmkUint256 hash;
      umk_coin_stats_finish (s, &hash);
      g_autofree char *hex = umk_uint256_to_hex (&hash);
      g_assert_cmpstr (hex, ==, runs[k].hash);
      g_assert_cmpuint (s->txouts, ==, 2010);
      g_assert_cmpuint (s->bogosize, ==, 165908);
      g_assert_cmpuint (s->transactions, ==, 1661);
      g_assert_true (s->total_amount_valid);
      g_assert_cmpint (s->total_amount, ==, INT64_C (1311875000000)); /* 13118.75 */
    }

  /* the running MuHash agrees */
  UmkUint256 rh;
  UmkMuHash copy = running;
  umk_muhash_finalize (&copy, &rh);
  g_autofree char *rhex = umk_uint256_to_hex (&rh);
  g_assert_cmpstr (rhex, ==, runs[2].hash);

  /* disconnect the tip with its undo data: the set of height 455 again */
  const UmkBlock *tb = chain->pdata[chain->len - 1];
  for (size_t t = tb->n_tx; t-- > 0;)
    {
      const UmkTx *tx = tb->tx[t];
      for (uint32_t o = 0; o < tx->n_out; o++)
        {
          UmkOutPoint op = { .hash = tx->txid, .n = o };
          uint8_t key[36];
          utxo_key (key, &op);
          Utxo *u = g_hash_table_lookup (utxo, key);
          if (u == NULL)
            continue; /* unspendable, or spent later in the block */
          umk_muhash_remove_coin (&running, &op, &u->coin);
        }
      if (t > 0)
        for (uint32_t i = 0; i < tx->n_in; i++)
          umk_muhash_insert_coin (&running, &tx->in[i].prevout, &tip_undo.txundo[t - 1].coins[i]);
    }
  UmkUint256 a, b;
  umk_muhash_finalize (&running, &a);
  umk_muhash_finalize (&before_tip, &b);
  g_assert_cmpmem (a.b, 32, b.b, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coinstats/txout-ser", test_txout_ser);
  g_test_add_func ("/coinstats/small-set", test_small_set);
  g_test_add_func ("/coinstats/grouping", test_grouping);
  g_test_add_func ("/coinstats/amount-overflow", test_amount_overflow);
  g_test_add_func ("/coinstats/regtest-chain", test_regtest_chain);
  return g_test_run ();
}
