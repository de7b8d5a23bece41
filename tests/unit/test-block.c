/* Tests for blocks on two real mainnet blocks (1.2 MB and 2.3 MB, segwit): parse
 * and re-serialize byte for byte, recompute every id along an independent
 * path, check the merkle root, the witness commitment and the weight; then cut
 * and corrupt them and require a clean error or a valid parse every time. */
#include "config.h"

#include "common/block.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

typedef struct
{
  const char *hash; /* the file is named after it */
  size_t n_tx;
  size_t size;
  size_t stripped_size;
  size_t weight;
  size_t n_segwit;
} BlockFacts;

/* Sizes counted by an independent parser (a short Python script over the
 * same files) when the vectors were added. */
static const BlockFacts blocks[] = {
  { "0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2", 3315, 1245250, 915952,
    3993106, 1341 },
  { "00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab", 230, 2259447, 577962,
    3993333, 104 },
};

static GBytes *
load_block (const BlockFacts *f)
{
  g_autofree char *name = g_strdup_printf ("blocks/bitcoin-mainnet-%s.blk", f->hash);
  return umk_test_load_bytes (name);
}

/* Rebuilds a transaction from its parsed fields with the builder, which
 * serializes from scratch rather than from the original bytes. */
static GByteArray *
rebuild (const UmkTx *tx, bool with_witness)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = tx->version;
  b->lock_time = tx->lock_time;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &tx->in[i].prevout, tx->in[i].sequence);
      umk_write_bytes (in->script_sig, tx->in[i].script_sig.data, tx->in[i].script_sig.len);
      for (uint32_t k = 0; with_witness && k < tx->in[i].n_witness; k++)
        {
          GByteArray *item = g_byte_array_new ();
          umk_write_bytes (item, tx->in[i].witness[k].data, tx->in[i].witness[k].len);
          g_ptr_array_add (in->witness, item);
        }
    }
  for (uint32_t i = 0; i < tx->n_out; i++)
    umk_tx_builder_add_output (b, tx->out[i].value, tx->out[i].script_pubkey.data,
                               tx->out[i].script_pubkey.len);
  GByteArray *w = g_byte_array_new ();
  umk_tx_builder_write (b, w);
  return w;
}

static void
test_real_block (gconstpointer data)
{
  const BlockFacts *f = data;
  g_autoptr (GBytes) bytes = load_block (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (block);

  /* header hash equals the file name */
  g_autofree char *hash = umk_uint256_to_hex (&block->hash);
  g_assert_cmpstr (hash, ==, f->hash);

  /* re-serialized byte for byte */
  g_autoptr (GByteArray) out = g_byte_array_new ();
  umk_block_write (block, out);
  g_assert_cmpmem (out->data, out->len, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpuint (block->n_tx, ==, f->n_tx);
  g_assert_cmpuint (block->size, ==, f->size);
  g_assert_cmpuint (block->stripped_size, ==, f->stripped_size);
  g_assert_cmpuint (umk_block_weight (block), ==, f->weight);
  g_assert_cmpuint (umk_block_weight (block), <=, UMK_MAX_BLOCK_WEIGHT);

  /* every txid and wtxid, recomputed from a fresh serialization */
  size_t n_segwit = 0, weight_sum = 0;
  UmkTally t;
  g_autofree char *label = g_strdup_printf ("block ...%s transaction ids", f->hash + 48);
  umk_tally_init (&t, label);
  for (size_t i = 0; i < block->n_tx; i++)
    {
      const UmkTx *tx = block->tx[i];
      g_autoptr (GByteArray) full = rebuild (tx, true);
      g_autoptr (GByteArray) stripped = rebuild (tx, false);
      UmkUint256 txid, wtxid;
      umk_sha256d (stripped->data, stripped->len, txid.b);
      umk_sha256d (full->data, full->len, wtxid.b);
      bool ok = full->len == tx->raw.len && memcmp (full->data, tx->raw.data, full->len) == 0
                && stripped->len == tx->stripped_size && umk_uint256_equal (&txid, &tx->txid)
                && umk_uint256_equal (&wtxid, &tx->wtxid)
                && umk_uint256_equal (&tx->txid, &tx->wtxid) == !tx->has_witness
                && umk_tx_weight (tx) == stripped->len * 3 + full->len
                && umk_tx_vsize (tx) == (umk_tx_weight (tx) + 3) / 4;
      umk_tally_case (&t, ok, "transaction %zu", i);
      n_segwit += tx->has_witness;
      weight_sum += umk_tx_weight (tx);
    }
  umk_tally_finish_expect (&t, (unsigned) f->n_tx);
  g_assert_cmpuint (n_segwit, ==, f->n_segwit);
  /* block weight = header and count bytes * 4 + the transactions' weights */
  size_t head = UMK_BLOCK_HEADER_SIZE + umk_compact_size_len (block->n_tx);
  g_assert_cmpuint (umk_block_weight (block), ==, head * 4 + weight_sum);
  g_assert_true (umk_tx_is_coinbase (block->tx[0]));
  for (size_t i = 1; i < block->n_tx; i++)
    g_assert_false (umk_tx_is_coinbase (block->tx[i]));

  /* merkle root */
  UmkUint256 root;
  bool mutated = true;
  umk_block_merkle_root (block, &root, &mutated);
  g_assert_true (umk_uint256_equal (&root, &block->header.merkle_root));
  g_assert_false (mutated);

  /* witness commitment */
  g_assert_cmpint (umk_block_witness_commitment_index (block), >=, 0);
  const char *reason = NULL;
  g_assert_true (umk_block_check_witness (block, true, &reason));
  g_assert_null (reason);
  /* before segwit, witness data is unexpected */
  g_assert_false (umk_block_check_witness (block, false, &reason));
  g_assert_cmpstr (reason, ==, "unexpected-witness");

  /* the transactions outlive the block that parsed them */
  UmkTx *last = umk_tx_ref (block->tx[block->n_tx - 1]);
  UmkUint256 last_id = last->txid;
  g_clear_pointer (&block, umk_block_free);
  g_autoptr (GByteArray) again = g_byte_array_new ();
  umk_tx_write (last, again, true);
  UmkUint256 id2;
  g_autoptr (GByteArray) stripped_again = g_byte_array_new ();
  umk_tx_write (last, stripped_again, false);
  umk_sha256d (stripped_again->data, stripped_again->len, id2.b);
  g_assert_true (umk_uint256_equal (&id2, &last_id));
  umk_tx_unref (last);
}

/* A block whose witness commitment does not match is caught. */
static void
test_bad_commitment (void)
{
  g_autoptr (GBytes) bytes = load_block (&blocks[0]);
  g_autoptr (UmkBlock) good = umk_block_new_from_bytes (bytes, NULL);
  int pos = umk_block_witness_commitment_index (good);
  g_assert_cmpint (pos, >=, 0);
  const UmkSpan *spk = &good->tx[0]->out[pos].script_pubkey;
  size_t off = (size_t) (spk->data - (const uint8_t *) g_bytes_get_data (bytes, NULL));

  GByteArray *copy = g_byte_array_new ();
  g_byte_array_append (copy, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  copy->data[off + 6 + 5] ^= 0x01; /* inside the committed hash */
  g_autoptr (GBytes) bad_bytes = g_byte_array_free_to_bytes (copy);
  g_autoptr (UmkBlock) bad = umk_block_new_from_bytes (bad_bytes, NULL);
  g_assert_nonnull (bad);
  const char *reason = NULL;
  g_assert_false (umk_block_check_witness (bad, true, &reason));
  g_assert_cmpstr (reason, ==, "bad-witness-merkle-match");
  /* the commitment is in the coinbase, so the txid merkle root changed too */
  UmkUint256 root;
  umk_block_merkle_root (bad, &root, NULL);
  g_assert_false (umk_uint256_equal (&root, &bad->header.merkle_root));
}

/* Parses data as a block; either a clean error or a full, faithful parse. */
static bool
parse_is_clean (const uint8_t *data, size_t len)
{
  g_autoptr (GBytes) b = g_bytes_new (data, len);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlock) block = umk_block_new_from_bytes (b, &error);
  if (block == NULL)
    return error != NULL && error->domain == UMK_ERROR && error->message[0] != '\0';
  g_autoptr (GByteArray) out = g_byte_array_new ();
  umk_block_write (block, out);
  return error == NULL && out->len == len && memcmp (out->data, data, len) == 0;
}

static void
test_truncated (gconstpointer data)
{
  const BlockFacts *f = data;
  g_autoptr (GBytes) bytes = load_block (f);
  gsize len;
  const uint8_t *full = g_bytes_get_data (bytes, &len);
  GRand *rand = g_rand_new_with_seed (0x756d6b); /* fixed: a failure can be replayed */
  unsigned cuts = 0;

  /* Every cut is a truncated block: it must fail, never over-read. Each cut is
   * copied to its own allocation so ASan sees any read past its end. */
  for (size_t cut = 0; cut < 4096; cut++, cuts++)
    {
      g_autofree uint8_t *piece = g_memdup2 (full, cut);
      g_autoptr (GBytes) b = g_bytes_new_take (g_steal_pointer (&piece), cut);
      g_autoptr (GError) error = NULL;
      UmkBlock *block = umk_block_new_from_bytes (b, &error);
      g_assert_null (block);
      g_assert_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED);
    }
  for (int i = 0; i < 1000; i++, cuts++)
    {
      size_t cut = 4096 + (size_t) g_rand_int_range (rand, 0, (gint32) (len - 4096));
      g_autofree uint8_t *piece = g_memdup2 (full, cut);
      g_autoptr (GBytes) b = g_bytes_new_take (g_steal_pointer (&piece), cut);
      g_autoptr (GError) error = NULL;
      UmkBlock *block = umk_block_new_from_bytes (b, &error);
      g_assert_null (block);
      g_assert_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED);
    }
  /* one byte too many is trailing data */
  g_autofree uint8_t *longer = g_malloc (len + 1);
  memcpy (longer, full, len);
  longer[len] = 0;
  g_autoptr (GBytes) lb = g_bytes_new_take (g_steal_pointer (&longer), len + 1);
  g_autoptr (GError) error = NULL;
  g_assert_null (umk_block_new_from_bytes (lb, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_test_message ("block ...%s: %u truncations rejected", f->hash + 48, cuts);
  g_rand_free (rand);
}

static void
test_corrupted (gconstpointer data)
{
  const BlockFacts *f = data;
  g_autoptr (GBytes) bytes = load_block (f);
  gsize len;
  const uint8_t *full = g_bytes_get_data (bytes, &len);
  GRand *rand = g_rand_new_with_seed (0x666c6970);
  uint8_t *copy = g_memdup2 (full, len);
  unsigned errors = 0, parses = 0;
  const int rounds = 300;

  for (int i = 0; i < rounds; i++)
    {
      /* Flip 1 to 8 bytes; favour the first 4 KiB, where sizes and counts are. */
      int flips = g_rand_int_range (rand, 1, 9);
      size_t where[8];
      for (int k = 0; k < flips; k++)
        {
          size_t span = g_rand_boolean (rand) ? MIN (len, 4096) : len;
          where[k] = (size_t) g_rand_int_range (rand, 0, (gint32) span);
          copy[where[k]] ^= (uint8_t) g_rand_int_range (rand, 1, 256);
        }
      g_autoptr (GBytes) b = g_bytes_new_static (copy, len);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkBlock) block = umk_block_new_from_bytes (b, &error);
      if (block == NULL)
        {
          g_assert_nonnull (error);
          errors++;
        }
      else
        {
          g_autoptr (GByteArray) out = g_byte_array_new ();
          umk_block_write (block, out);
          g_assert_cmpmem (out->data, out->len, copy, len);
          parses++;
        }
      g_clear_pointer (&block, umk_block_free);
      for (int k = 0; k < flips; k++)
        copy[where[k]] = full[where[k]];
    }
  g_test_message ("block ...%s: %d corruptions: %u clean errors, %u valid parses", f->hash + 48,
                  rounds, errors, parses);
  g_assert_cmpuint (errors + parses, ==, rounds);
  g_free (copy);
  g_rand_free (rand);
}

/* Random bytes of every small length, and random garbage: never a crash. */
static void
test_random_input (void)
{
  GRand *rand = g_rand_new_with_seed (42);
  for (int i = 0; i < 20000; i++)
    {
      size_t len = (size_t) g_rand_int_range (rand, 0, 400);
      g_autofree uint8_t *buf = umk_test_random_bytes (rand, len);
      /* Make some of them look like one small transaction after a header. */
      if (len > 81 && g_rand_boolean (rand))
        buf[80] = (uint8_t) g_rand_int_range (rand, 0, 3);
      g_assert_true (parse_is_clean (buf, len));
    }
  g_rand_free (rand);
}

static void
test_merkle (void)
{
  UmkUint256 leaves[5], root, root2;
  for (int i = 0; i < 5; i++)
    {
      memset (&leaves[i], 0, sizeof leaves[i]);
      leaves[i].b[0] = (uint8_t) (i + 1);
    }
  bool mutated;
  umk_merkle_root (leaves, 0, &root, &mutated);
  g_assert_true (umk_uint256_is_zero (&root));
  g_assert_false (mutated);

  umk_merkle_root (leaves, 1, &root, &mutated);
  g_assert_true (umk_uint256_equal (&root, &leaves[0]));

  /* two leaves: SHA256d(a || b) */
  uint8_t buf[64], h[32];
  memcpy (buf, leaves[0].b, 32);
  memcpy (buf + 32, leaves[1].b, 32);
  umk_sha256d (buf, 64, h);
  umk_merkle_root (leaves, 2, &root, &mutated);
  g_assert_cmpmem (root.b, 32, h, 32);
  g_assert_false (mutated);

  /* CVE-2012-2459: [1 2 3] and [1 2 3 3] have the same root; the second is
   * flagged as mutated, the first is not. */
  UmkUint256 dup[4] = { leaves[0], leaves[1], leaves[2], leaves[2] };
  umk_merkle_root (leaves, 3, &root, &mutated);
  g_assert_false (mutated);
  umk_merkle_root (dup, 4, &root2, &mutated);
  g_assert_true (mutated);
  g_assert_true (umk_uint256_equal (&root, &root2));

  /* the same at a higher level: [1 2 3 4 5] vs [1 2 3 4 5 5 5 5]... with an
   * odd count of five, level two is [h12 h34 h55] -> pairs h55 with itself. */
  UmkUint256 six[6] = { leaves[0], leaves[1], leaves[2], leaves[3], leaves[4], leaves[4] };
  umk_merkle_root (leaves, 5, &root, &mutated);
  g_assert_false (mutated);
  umk_merkle_root (six, 6, &root2, &mutated);
  g_assert_true (mutated);
  g_assert_true (umk_uint256_equal (&root, &root2));

  /* identical leaves that do not pair up are not a mutation */
  UmkUint256 three[3] = { leaves[0], leaves[1], leaves[1] };
  umk_merkle_root (three, 3, &root, &mutated);
  g_assert_false (mutated);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_autofree char *p1 = g_strdup_printf ("/block/real/%s", blocks[i].hash + 48);
      g_autofree char *p2 = g_strdup_printf ("/block/truncated/%s", blocks[i].hash + 48);
      g_autofree char *p3 = g_strdup_printf ("/block/corrupted/%s", blocks[i].hash + 48);
      g_test_add_data_func (p1, &blocks[i], test_real_block);
      g_test_add_data_func (p2, &blocks[i], test_truncated);
      g_test_add_data_func (p3, &blocks[i], test_corrupted);
    }
  g_test_add_func ("/block/bad-commitment", test_bad_commitment);
  g_test_add_func ("/block/random-input", test_random_input);
  g_test_add_func ("/block/merkle", test_merkle);
  return g_test_run ();
}
