/* Tests for transaction parsing: both encodings, Core's format errors, and
 * bad input of every shape. */
#include "config.h"

#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/tx.h"
#include "test-util.h"

#include <string.h>

/* A legacy transaction: Umkoin's genesis coinbase. */
static const char genesis_coinbase[]
    = "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff"
      "2804ffff001d0104"
      "20"
      "554d4b206573742e20323030362e20556d6b6f696e206573742e20323031372e"
      "ffffffff0100f2052a01000000434104880766d2f2a4f8e8a2ca8ef5f6baf014f2ac460acc69604df1af697e"
      "c9cd9d01548a7d6015e0cabfcbc160316143d9aae4a17c944f611b8daf18fb1492935d67ac00000000";

static UmkTx *
parse_hex (const char *hex, GError **error)
{
  g_autoptr (GByteArray) b = umk_test_hex (hex);
  return umk_tx_new_from_data (b->data, b->len, error);
}

static void
test_legacy (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkTx) tx = parse_hex (genesis_coinbase, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tx->version, ==, 1);
  g_assert_cmpuint (tx->n_in, ==, 1);
  g_assert_cmpuint (tx->n_out, ==, 1);
  g_assert_true (umk_tx_is_coinbase (tx));
  g_assert_false (tx->has_witness);
  g_assert_cmpint (tx->out[0].value, ==, 5000000000);
  g_assert_cmpuint (tx->out[0].script_pubkey.len, ==, 67);
  g_assert_cmpuint (tx->in[0].script_sig.len, ==, 40);
  g_assert_cmpuint (tx->in[0].sequence, ==, UMK_SEQUENCE_FINAL);
  /* its txid is every Umkoin chain's genesis merkle root */
  g_autofree char *txid = umk_uint256_to_hex (&tx->txid);
  g_assert_cmpstr (txid, ==, "550ccf92f28cb76c3f8ccd5073a0175182ac8b03abe96d6b18da9b46f2e2941d");
  g_assert_true (umk_uint256_equal (&tx->txid, &tx->wtxid));
  g_assert_cmpuint (tx->stripped_size, ==, tx->raw.len);
  g_assert_cmpuint (umk_tx_weight (tx), ==, 4 * tx->raw.len);
  g_assert_cmpuint (umk_tx_vsize (tx), ==, tx->raw.len);

  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_tx_write (tx, w, true);
  g_autofree char *hex = umk_hex_encode (w->data, w->len);
  g_assert_cmpstr (hex, ==, genesis_coinbase);
}

static void
test_segwit_builder (void)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  UmkOutPoint op = { .n = 7 };
  memset (op.hash.b, 0x11, 32);
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &op, 0xfffffffd);
  GByteArray *sig = g_byte_array_new ();
  g_byte_array_set_size (sig, 71);
  memset (sig->data, 0x30, 71);
  g_ptr_array_add (in->witness, sig);
  GByteArray *pk = g_byte_array_new ();
  g_byte_array_set_size (pk, 33);
  memset (pk->data, 0x02, 33);
  g_ptr_array_add (in->witness, pk);
  umk_tx_builder_add_input (b, &op, 0); /* a second input with an empty witness */
  const uint8_t p2wpkh[22] = { 0x00, 0x14 };
  umk_tx_builder_add_output (b, 12345, p2wpkh, sizeof p2wpkh);
  b->lock_time = 500000;

  g_autoptr (GError) error = NULL;
  g_autoptr (UmkTx) tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  g_assert_true (tx->has_witness);
  g_assert_cmpuint (tx->version, ==, 2);
  g_assert_cmpuint (tx->lock_time, ==, 500000);
  g_assert_cmpuint (tx->n_in, ==, 2);
  g_assert_cmpuint (tx->in[0].n_witness, ==, 2);
  g_assert_cmpuint (tx->in[0].witness[0].len, ==, 71);
  g_assert_cmpuint (tx->in[0].witness[1].len, ==, 33);
  g_assert_cmpuint (tx->in[1].n_witness, ==, 0);
  g_assert_cmpuint (tx->in[0].prevout.n, ==, 7);
  g_assert_cmpuint (tx->in[0].sequence, ==, 0xfffffffd);
  g_assert_false (umk_uint256_equal (&tx->txid, &tx->wtxid));

  /* stripped: version 4 + 1 + 2 inputs of 41 + 1 + output 8+1+22 + lock time 4 */
  size_t stripped = 4 + 1 + 2 * 41 + 1 + 31 + 4;
  /* witness: marker and flag 2 + (1 + 1+71 + 1+33) + 1 */
  size_t total = stripped + 2 + 107 + 1;
  g_assert_cmpuint (tx->stripped_size, ==, stripped);
  g_assert_cmpuint (tx->raw.len, ==, total);
  g_assert_cmpuint (umk_tx_weight (tx), ==, stripped * 3 + total);
  g_assert_cmpuint (umk_tx_vsize (tx), ==, (stripped * 3 + total + 3) / 4);

  /* txid is the hash of the stripped form, wtxid of the whole */
  g_autoptr (GByteArray) s = g_byte_array_new ();
  umk_tx_write (tx, s, false);
  g_assert_cmpuint (s->len, ==, stripped);
  UmkUint256 id;
  umk_sha256d (s->data, s->len, id.b);
  g_assert_true (umk_uint256_equal (&id, &tx->txid));
  umk_sha256d (tx->raw.data, tx->raw.len, id.b);
  g_assert_true (umk_uint256_equal (&id, &tx->wtxid));

  /* The stripped form parses as a legacy transaction with the same txid. */
  g_autoptr (UmkTx) legacy = umk_tx_new_from_data (s->data, s->len, &error);
  g_assert_no_error (error);
  g_assert_true (umk_uint256_equal (&legacy->txid, &tx->txid));
  g_assert_false (legacy->has_witness);
}

typedef struct
{
  const char *name;
  const char *hex;
  int code;            /* UMK_ERROR code, or -1 for success */
  const char *message; /* substring of the error */
} TxCase;

/* Umkoin Core's transaction format rules, case by case. */
static const TxCase cases[] = {
  /* version, 0 inputs, flag byte 0 = an empty output list: a valid empty tx */
  { "empty extended",
    "01000000"
    "00"
    "00"
    "00000000",
    -1, NULL },
  { "unknown flag",
    "01000000"
    "00"
    "02"
    "00"
    "00"
    "00000000",
    UMK_ERROR_INVALID, "Unknown transaction optional data" },
  { "superfluous witness",
    "01000000"
    "00"
    "01"
    "01"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "00000000"
    "00"
    "ffffffff"
    "00"
    "00"
    "00000000",
    UMK_ERROR_INVALID, "Superfluous witness record" },
  { "flag 3: witness then unknown",
    "01000000"
    "00"
    "03"
    "01"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "00000000"
    "00"
    "ffffffff"
    "00"
    "0101aa"
    "00000000",
    UMK_ERROR_INVALID, "Unknown transaction optional data" },
  { "non-canonical input count",
    "01000000"
    "fd0100"
    "00",
    UMK_ERROR_INVALID, "non-canonical ReadCompactSize()" },
  { "input count over MAX_SIZE",
    "01000000"
    "fe01000002",
    UMK_ERROR_TOO_LARGE, "size too large" },
  { "input count past the data",
    "01000000"
    "fe00000002"
    "00",
    UMK_ERROR_TRUNCATED, NULL },
  { "script length past the data",
    "01000000"
    "01"
    "1111111111111111111111111111111111111111111111111111111111111111"
    "00000000"
    "fd0002"
    "00",
    UMK_ERROR_TRUNCATED, NULL },
  { "trailing byte",
    "01000000"
    "00"
    "00"
    "00000000"
    "00",
    UMK_ERROR_INVALID, "unexpected bytes" },
  { "no lock time",
    "01000000"
    "00"
    "00",
    UMK_ERROR_TRUNCATED, "end of data" },
  { "nothing", "", UMK_ERROR_TRUNCATED, NULL },
};

static void
test_format_errors (void)
{
  UmkTally t;
  umk_tally_init (&t, "transaction format cases");
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const TxCase *c = &cases[i];
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkTx) tx = parse_hex (c->hex, &error);
      bool ok;
      if (c->code < 0)
        ok = tx != NULL && error == NULL;
      else
        ok = tx == NULL && g_error_matches (error, UMK_ERROR, c->code)
             && (c->message == NULL || strstr (error->message, c->message) != NULL);
      umk_tally_case (&t, ok, "%s: %s", c->name, error ? error->message : "parsed");
    }
  umk_tally_finish (&t);

  /* the empty extended form: no inputs, no outputs */
  g_autoptr (UmkTx) empty = parse_hex ("01000000"
                                       "00"
                                       "00"
                                       "00000000",
                                       NULL);
  g_assert_cmpuint (empty->n_in, ==, 0);
  g_assert_cmpuint (empty->n_out, ==, 0);
  g_assert_false (empty->has_witness);
}

/* Without witness support the extended encoding is not recognised. */
static void
test_no_witness_mode (void)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  UmkOutPoint op = { .n = 0 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &op, 0);
  GByteArray *item = g_byte_array_new ();
  g_byte_array_append (item, (const guint8 *) "x", 1);
  g_ptr_array_add (in->witness, item);
  umk_tx_builder_add_output (b, 1, "\x51", 1);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_tx_builder_write (b, w);

  g_autoptr (GBytes) bytes = g_bytes_new (w->data, w->len);
  UmkReader r;
  umk_reader_init (&r, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  UmkTx *tx = umk_tx_read (&r, bytes, false);
  /* read as legacy: 0 inputs, 1 output (the flag byte) whose fields are the
   * rest; whatever comes of it, it is not the segwit transaction */
  if (tx != NULL)
    {
      g_assert_cmpuint (tx->n_in, ==, 0);
      g_assert_false (tx->has_witness);
      umk_tx_unref (tx);
    }
  else
    g_assert_false (umk_reader_ok (&r));
}

/* Every truncation of a segwit transaction fails cleanly, in its own
 * allocation so ASan catches any over-read. */
static void
test_truncations (void)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  UmkOutPoint op = { .n = 1 };
  for (int i = 0; i < 3; i++)
    {
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &op, (uint32_t) i);
      g_byte_array_append (in->script_sig, (const guint8 *) "\x01\x02", 2);
      for (int k = 0; k < i; k++)
        {
          GByteArray *item = g_byte_array_new ();
          g_byte_array_set_size (item, (guint) (10 * k + 1));
          memset (item->data, k, item->len);
          g_ptr_array_add (in->witness, item);
        }
    }
  umk_tx_builder_add_output (b, 5, "\x6a", 1);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_tx_builder_write (b, w);
  for (size_t cut = 0; cut < w->len; cut++)
    {
      g_autofree uint8_t *piece = g_memdup2 (w->data, cut);
      g_autoptr (GError) error = NULL;
      UmkTx *tx = umk_tx_new_from_data (piece, cut, &error);
      g_assert_null (tx);
      g_assert_nonnull (error);
    }
  g_autoptr (UmkTx) whole = umk_tx_new_from_data (w->data, w->len, NULL);
  g_assert_nonnull (whole);
  g_assert_cmpuint (whole->in[2].n_witness, ==, 2);
  g_assert_cmpuint (whole->in[2].witness[1].len, ==, 11);
}

static void
test_random (void)
{
  GRand *rand = g_rand_new_with_seed (7);
  for (int i = 0; i < 50000; i++)
    {
      size_t len = (size_t) g_rand_int_range (rand, 0, 200);
      g_autofree uint8_t *buf = umk_test_random_bytes (rand, len);
      /* steer toward the interesting shapes: the extended marker, small counts */
      if (len > 6)
        {
          buf[4] = (uint8_t) g_rand_int_range (rand, 0, 3);
          buf[5] = (uint8_t) g_rand_int_range (rand, 0, 4);
        }
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkTx) tx = umk_tx_new_from_data (buf, len, &error);
      if (tx == NULL)
        g_assert_nonnull (error);
      else
        {
          g_autoptr (GByteArray) w = g_byte_array_new ();
          umk_tx_write (tx, w, true);
          g_assert_cmpmem (w->data, w->len, buf, len);
        }
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tx/legacy", test_legacy);
  g_test_add_func ("/tx/segwit-builder", test_segwit_builder);
  g_test_add_func ("/tx/format-errors", test_format_errors);
  g_test_add_func ("/tx/no-witness-mode", test_no_witness_mode);
  g_test_add_func ("/tx/truncations", test_truncations);
  g_test_add_func ("/tx/random", test_random);
  return g_test_run ();
}
