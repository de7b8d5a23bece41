/* Tests for the UTXO database encodings: VARINT, amount and script compression,
 * the coin value format and block undo data with its rev-file record.
 *
 * Vectors: Umkoin Core v31.0 src/test/serialize_tests.cpp (varints_bitpatterns),
 * compress_tests.cpp (compress_amounts) and coins_tests.cpp
 * (ccoins_serialization), MIT licence. */
#include "config.h"

#include "common/coin.h"
#include "common/compress.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/undo.h"
#include "test-util.h"

#include <string.h>

#define COIN UINT64_C (100000000)
#define CENT UINT64_C (1000000)

/* An uncompressed key with odd y: Bitcoin's genesis output key. */
static const char valid_key[] = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
                                "49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";
static const char valid_x[] = "678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6";
/* The key of Umkoin's genesis output: its x is on the curve but its y is not
 * the point's, so it is no key at all and cannot be compressed. */
static const char genesis_key[]
    = "04880766d2f2a4f8e8a2ca8ef5f6baf014f2ac460acc69604df1af697ec9cd9d01"
      "548a7d6015e0cabfcbc160316143d9aae4a17c944f611b8daf18fb1492935d67";

static char *
hex_of (const GByteArray *w)
{
  return umk_hex_encode (w->data, w->len);
}

/* ---- VARINT ---- */

static void
test_varint_bitpatterns (void)
{
  static const struct
  {
    uint64_t v;
    const char *hex;
  } cases[] = {
    { 0, "00" },
    { 0x7f, "7f" },
    { 0x80, "8000" },
    { 0x1234, "a334" },
    { 0xffff, "82fe7f" },
    { 0x123456, "c7e756" },
    { 0x80123456u, "86ffc7e756" },
    { 0xffffffffu, "8efefefe7f" },
    { 0x7fffffffffffffffull, "fefefefefefefefe7f" },
    { 0xffffffffffffffffull, "80fefefefefefefefe7f" },
    { 3000000000ull, "8a95c0bb00" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_write_varint (w, cases[i].v);
      g_autofree char *hex = hex_of (w);
      g_assert_cmpstr (hex, ==, cases[i].hex);
      g_assert_cmpuint (umk_varint_len (cases[i].v), ==, w->len);
      UmkReader r;
      uint64_t back;
      umk_reader_init (&r, w->data, w->len);
      g_assert_true (umk_read_varint (&r, &back));
      g_assert_cmpuint (back, ==, cases[i].v);
      g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
      /* 32-bit reads accept exactly the values that fit */
      uint32_t back32;
      umk_reader_init (&r, w->data, w->len);
      g_assert_true (umk_read_varint_u32 (&r, &back32) == (cases[i].v <= UINT32_MAX));
      if (cases[i].v > UINT32_MAX)
        g_assert_cmpstr (umk_reader_error_message (&r), ==, "ReadVarInt(): size too large");
      else
        g_assert_cmpuint (back32, ==, cases[i].v);
    }
}

static void
test_varint_roundtrip (void)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  size_t size = 0;
  for (uint64_t i = 0; i < 100000; i++)
    {
      umk_write_varint (w, i);
      size += umk_varint_len (i);
      g_assert_cmpuint (size, ==, w->len);
    }
  for (uint64_t i = 0; i < 100000000000ull; i += 999999937)
    {
      umk_write_varint (w, i);
      size += umk_varint_len (i);
      g_assert_cmpuint (size, ==, w->len);
    }
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  for (uint64_t i = 0; i < 100000; i++)
    {
      uint64_t v;
      g_assert_true (umk_read_varint (&r, &v));
      g_assert_cmpuint (v, ==, i);
    }
  for (uint64_t i = 0; i < 100000000000ull; i += 999999937)
    {
      uint64_t v;
      g_assert_true (umk_read_varint (&r, &v));
      g_assert_cmpuint (v, ==, i);
    }
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
}

static void
test_varint_bad (void)
{
  static const struct
  {
    const char *hex;
    bool u32;
    UmkSerError error;
  } cases[] = {
    { "", false, UMK_SER_TRUNCATED },
    { "80", false, UMK_SER_TRUNCATED },
    { "ffffff", false, UMK_SER_TRUNCATED },
    /* one more than UINT64_MAX: the digits would need 65 bits */
    { "81fefefefefefefefe7f", false, UMK_SER_INVALID },
    { "8080808080808080808000", false, UMK_SER_INVALID },
    /* 2^32 into a 32-bit value */
    { "8efefeff00", true, UMK_SER_INVALID },
    { "8efefefeff00", true, UMK_SER_INVALID }, /* the maximum, continued */
    { "ffffffffffffffffffffffffff", false, UMK_SER_INVALID },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) b = umk_test_hex (cases[i].hex);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      bool ok;
      if (cases[i].u32)
        {
          uint32_t v;
          ok = umk_read_varint_u32 (&r, &v);
        }
      else
        {
          uint64_t v;
          ok = umk_read_varint (&r, &v);
        }
      g_assert_false (ok);
      g_assert_cmpint (r.error, ==, cases[i].error);
      if (cases[i].error == UMK_SER_INVALID)
        g_assert_cmpstr (umk_reader_error_message (&r), ==, "ReadVarInt(): size too large");
    }
}

/* ---- amounts ---- */

static bool
amount_pair (uint64_t dec, uint64_t enc)
{
  return umk_compress_amount (dec) == enc && umk_decompress_amount (enc) == dec;
}

static void
test_amounts (void)
{
  g_assert_true (amount_pair (0, 0x0));
  g_assert_true (amount_pair (1, 0x1));
  g_assert_true (amount_pair (CENT, 0x7));
  g_assert_true (amount_pair (COIN, 0x9));
  g_assert_true (amount_pair (50 * COIN, 0x32));
  g_assert_true (amount_pair (21000000 * COIN, 0x1406f40));

  for (uint64_t i = 1; i <= 100000; i++)
    g_assert_cmpuint (umk_decompress_amount (umk_compress_amount (i)), ==, i);
  for (uint64_t i = 1; i <= 10000; i++)
    g_assert_cmpuint (umk_decompress_amount (umk_compress_amount (i * CENT)), ==, i * CENT);
  for (uint64_t i = 1; i <= 10000; i++)
    g_assert_cmpuint (umk_decompress_amount (umk_compress_amount (i * COIN)), ==, i * COIN);
  for (uint64_t i = 1; i <= 420000; i++)
    g_assert_cmpuint (umk_decompress_amount (umk_compress_amount (i * 50 * COIN)), ==,
                      i * 50 * COIN);
  for (uint64_t i = 0; i < 100000; i++)
    g_assert_cmpuint (umk_compress_amount (umk_decompress_amount (i)), ==, i);
  /* e == 9: only multiples of 10^9 reach it */
  g_assert_cmpuint (umk_decompress_amount (umk_compress_amount (UINT64_C (7000000000000))), ==,
                    UINT64_C (7000000000000));
}

/* ---- scripts ---- */

static GByteArray *
compressed_script_bytes (const GByteArray *script)
{
  GByteArray *w = g_byte_array_new ();
  umk_write_compressed_script (w, script->data, script->len);
  return w;
}

/* Writes, reads back and checks the script survives and the whole input is used. */
static void
check_script_roundtrip (const GByteArray *script, const char *want_hex)
{
  g_autoptr (GByteArray) w = compressed_script_bytes (script);
  g_autofree char *hex = hex_of (w);
  g_assert_cmpstr (hex, ==, want_hex);
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  g_autofree uint8_t *back = NULL;
  uint32_t len;
  g_assert_true (umk_read_compressed_script (&r, &back, &len));
  g_assert_cmpmem (back, len, script->data, script->len);
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  /* every shorter prefix is refused */
  for (size_t cut = 0; cut < w->len; cut++)
    {
      g_autofree uint8_t *s = NULL;
      umk_reader_init (&r, w->data, cut);
      g_assert_false (umk_read_compressed_script (&r, &s, &len));
      g_assert_null (s);
      g_assert_cmpint (r.error, ==, UMK_SER_TRUNCATED);
    }
}

static void
test_scripts (void)
{
  const char *h20 = "816115944e077fe7c803cfa57f29b36bf87c1d35";
  g_autofree char *p2pkh_hex = g_strdup_printf ("76a914%s88ac", h20);
  g_autofree char *p2sh_hex = g_strdup_printf ("a914%s87", h20);
  g_autofree char *want = NULL;

  g_autoptr (GByteArray) p2pkh = umk_test_hex (p2pkh_hex);
  want = g_strdup_printf ("00%s", h20);
  check_script_roundtrip (p2pkh, want);
  g_clear_pointer (&want, g_free);

  g_autoptr (GByteArray) p2sh = umk_test_hex (p2sh_hex);
  want = g_strdup_printf ("01%s", h20);
  check_script_roundtrip (p2sh, want);
  g_clear_pointer (&want, g_free);

  /* P2PK, compressed key: copied as is (kind = the key's prefix) */
  g_autofree char *cpk_hex = g_strdup_printf ("2103%sac", valid_x);
  g_autoptr (GByteArray) cpk = umk_test_hex (cpk_hex);
  want = g_strdup_printf ("03%s", valid_x);
  check_script_roundtrip (cpk, want);
  g_clear_pointer (&want, g_free);

  /* P2PK, uncompressed key: x and y's parity (odd → 5) */
  g_autofree char *upk_hex = g_strdup_printf ("41%sac", valid_key);
  g_autoptr (GByteArray) upk = umk_test_hex (upk_hex);
  want = g_strdup_printf ("05%s", valid_x);
  check_script_roundtrip (upk, want);
  g_clear_pointer (&want, g_free);

  /* Umkoin's genesis output is P2PK-shaped but its key is off the curve */
  g_autofree char *gpk_hex = g_strdup_printf ("41%sac", genesis_key);
  g_autoptr (GByteArray) gpk = umk_test_hex (gpk_hex);
  want = g_strdup_printf ("49%s", gpk_hex);
  check_script_roundtrip (gpk, want);
  g_clear_pointer (&want, g_free);

  /* not templates: stored as VARINT(size + 6) and the bytes */
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  check_script_roundtrip (empty, "06");
  g_autoptr (GByteArray) p2wpkh = umk_test_hex ("0014816115944e077fe7c803cfa57f29b36bf87c1d35");
  check_script_roundtrip (p2wpkh, "1c0014816115944e077fe7c803cfa57f29b36bf87c1d35");
  /* almost templates */
  g_autofree char *p2pkh_bad_hex = g_strdup_printf ("76a914%s88ad", h20);
  g_autoptr (GByteArray) p2pkh_bad = umk_test_hex (p2pkh_bad_hex);
  want = g_strdup_printf ("1f%s", p2pkh_bad_hex);
  check_script_roundtrip (p2pkh_bad, want);
  g_clear_pointer (&want, g_free);
  g_autofree char *hybrid_hex = g_strdup_printf ("4107%sac", valid_key + 2);
  g_autoptr (GByteArray) hybrid = umk_test_hex (hybrid_hex);
  want = g_strdup_printf ("49%s", hybrid_hex);
  check_script_roundtrip (hybrid, want);
  g_clear_pointer (&want, g_free);

  /* a long script: a two-byte VARINT size */
  g_autoptr (GByteArray) longs = g_byte_array_new ();
  for (int i = 0; i < 300; i++)
    umk_write_u8 (longs, (uint8_t) i);
  g_autoptr (GByteArray) longw = compressed_script_bytes (longs);
  g_assert_cmpuint (longw->len, ==, 2 + 300);
  g_assert_cmphex (longw->data[0], ==, 0x81);
  g_assert_cmphex (longw->data[1], ==, 0x32); /* 306 = 0x81 0x32 */
}

/* x = 5 is not the x coordinate of any point (5^3 + 7 is not a square mod p). */
static void
test_scripts_not_on_curve (void)
{
  uint8_t script[67] = { 65, 0x04 };
  script[1 + 32] = 5;
  memset (script + 34, 0x11, 32);
  script[66] = UMK_OP_CHECKSIG;
  uint8_t out[UMK_COMPRESSED_SCRIPT_MAX];
  g_assert_cmpuint (umk_compress_script (script, sizeof script, out), ==, 0);

  /* so it is written in full */
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_compressed_script (w, script, sizeof script);
  g_assert_cmpuint (w->len, ==, 1 + 67);
  g_assert_cmphex (w->data[0], ==, 67 + 6);

  uint8_t x[32] = { 0 };
  x[31] = 5;
  uint8_t dec[UMK_DECOMPRESSED_SCRIPT_MAX];
  size_t dlen;
  for (uint32_t kind = 4; kind <= 5; kind++)
    {
      g_assert_false (umk_decompress_script (kind, x, dec, &dlen));
      /* and a stored kind 4/5 with such an x is refused by the reader */
      uint8_t stored[33] = { (uint8_t) kind };
      memcpy (stored + 1, x, 32);
      UmkReader r;
      umk_reader_init (&r, stored, sizeof stored);
      g_autofree uint8_t *s = NULL;
      uint32_t len;
      g_assert_false (umk_read_compressed_script (&r, &s, &len));
      g_assert_cmpint (r.error, ==, UMK_SER_INVALID);
    }
  g_assert_false (umk_decompress_script (6, x, dec, &dlen));
  g_assert_cmpuint (umk_special_script_size (6), ==, 0);

  /* kinds 4 and 5 of a valid x: the two points with that x */
  g_autoptr (GByteArray) vk = umk_test_hex (valid_key);
  g_assert_true (umk_decompress_script (4, vk->data + 1, dec, &dlen));
  g_assert_cmpuint (dlen, ==, 67);
  g_autofree char *even = umk_hex_encode (dec, dlen);
  g_autofree char *want_even = g_strdup_printf (
      "4104%sb60943c0b310c73b0caafb1ae13eed21a3c7b20845f472a875b38fd3940eded0ac", valid_x);
  g_assert_cmpstr (even, ==, want_even);
  g_assert_true (umk_decompress_script (5, vk->data + 1, dec, &dlen));
  g_assert_cmpuint (dlen, ==, 67);
  g_assert_cmpmem (dec + 1, 65, vk->data, 65);
}

static void
test_oversized_script (void)
{
  for (size_t size = UMK_MAX_SCRIPT_SIZE; size <= UMK_MAX_SCRIPT_SIZE + 1; size++)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_write_varint (w, 0);                          /* height 0, not coinbase */
      umk_write_varint (w, umk_compress_amount (1234)); /* amount */
      umk_write_varint (w, size + UMK_SPECIAL_SCRIPTS);
      for (size_t i = 0; i < size; i++)
        umk_write_u8 (w, 0x51);
      UmkReader r;
      umk_reader_init (&r, w->data, w->len);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      g_assert_true (umk_coin_deserialize (&r, &c));
      g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
      g_assert_cmpint (c.value, ==, 1234);
      if (size == UMK_MAX_SCRIPT_SIZE)
        g_assert_cmpuint (c.script_len, ==, size);
      else
        {
          g_assert_cmpuint (c.script_len, ==, 1);
          g_assert_cmphex (c.script[0], ==, UMK_OP_RETURN);
        }
      /* the skipped bytes must still be there */
      umk_reader_init (&r, w->data, w->len - 1);
      g_assert_false (umk_coin_deserialize (&r, &c));
      g_assert_true (umk_coin_is_spent (&c));
      g_assert_null (c.script);
    }
}

/* ---- coins ---- */

static void
test_coin_vectors (void)
{
  static const struct
  {
    const char *hex;
    bool coinbase;
    uint32_t height;
    int64_t value;
    const char *script;
  } good[] = {
    { "97f23c835800816115944e077fe7c803cfa57f29b36bf87c1d35", false, 203998, 60000000000,
      "76a914816115944e077fe7c803cfa57f29b36bf87c1d3588ac" },
    { "8ddf77bbd123008c988f1a4a4de2161e0f50aac7f17e7f9555caa4", true, 120891, 110397,
      "76a9148c988f1a4a4de2161e0f50aac7f17e7f9555caa488ac" },
    { "000006", false, 0, 0, "" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GByteArray) b = umk_test_hex (good[i].hex);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      g_assert_true (umk_coin_deserialize (&r, &c));
      g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
      g_assert_cmpint (c.coinbase, ==, good[i].coinbase);
      g_assert_cmpuint (c.height, ==, good[i].height);
      g_assert_cmpint (c.value, ==, good[i].value);
      g_autofree char *script = umk_hex_encode (c.script, c.script_len);
      g_assert_cmpstr (script, ==, good[i].script);

      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_coin_serialize (&c, w);
      g_autofree char *again = hex_of (w);
      g_assert_cmpstr (again, ==, good[i].hex);

      for (size_t cut = 0; cut < b->len; cut++)
        {
          g_auto (UmkCoin) t = UMK_COIN_INIT;
          umk_reader_init (&r, b->data, cut);
          g_assert_false (umk_coin_deserialize (&r, &t));
          g_assert_true (umk_coin_is_spent (&t));
        }
    }

  /* a script that ends beyond the data; a 3*10^9-byte one likewise */
  static const char *bad[] = { "000007", "00008a95c0bb00" };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GByteArray) b = umk_test_hex (bad[i]);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      g_assert_false (umk_coin_deserialize (&r, &c));
      g_assert_cmpint (r.error, ==, UMK_SER_TRUNCATED);
    }

  /* a script size code over 32 bits, and a height code over 32 bits */
  static const char *too_large[] = { "00008fbfbfbf7f", "8fbfbfbf7f0006" };
  for (size_t i = 0; i < G_N_ELEMENTS (too_large); i++)
    {
      g_autoptr (GByteArray) b = umk_test_hex (too_large[i]);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      g_auto (UmkCoin) c = UMK_COIN_INIT;
      g_assert_false (umk_coin_deserialize (&r, &c));
      g_assert_cmpstr (umk_reader_error_message (&r), ==, "ReadVarInt(): size too large");
    }
}

static void
test_coin_ownership (void)
{
  const uint8_t s1[] = { 0x51 }, s2[] = { 0x52, 0x53 };
  g_auto (UmkCoin) a = UMK_COIN_INIT;
  g_auto (UmkCoin) b = UMK_COIN_INIT;
  g_assert_true (umk_coin_is_spent (&a));
  umk_coin_set (&a, 5, s1, sizeof s1, 7, true);
  umk_coin_set (&a, 6, s2, sizeof s2, 8, false); /* replaces, frees the old script */
  g_assert_cmpint (a.value, ==, 6);
  g_assert_cmpuint (umk_coin_code (&a), ==, 16);
  umk_coin_copy (&b, &a);
  g_assert_true (b.script != a.script);
  g_assert_cmpmem (b.script, b.script_len, s2, sizeof s2);
  umk_coin_copy (&b, &b);
  g_assert_cmpmem (b.script, b.script_len, s2, sizeof s2);
  umk_coin_set (&a, 1, NULL, 0, 1, true);
  g_assert_null (a.script);
  g_assert_cmpuint (umk_coin_code (&a), ==, 3);
  umk_coin_move (&a, &b);
  g_assert_true (umk_coin_is_spent (&b));
  g_assert_null (b.script);
  g_assert_cmpint (a.value, ==, 6);
  umk_coin_clear (&a);
  g_assert_true (umk_coin_is_spent (&a));
  umk_coin_clear (&a);
}

/* ---- undo ---- */

/* One block, two transactions: the first spends a P2PK coinbase
 * output of height 1, the second a P2PKH output at height 0 and a P2WPKH one. */
static void
make_undo (UmkBlockUndo *u)
{
  g_autoptr (GByteArray) gk = umk_test_hex (valid_key);
  g_autoptr (GByteArray) spk = umk_test_hex ("76a914816115944e077fe7c803cfa57f29b36bf87c1d3588ac");
  g_autoptr (GByteArray) wpk = umk_test_hex ("0014816115944e077fe7c803cfa57f29b36bf87c1d35");
  uint8_t p2pk[67];
  p2pk[0] = 65;
  memcpy (p2pk + 1, gk->data, 65);
  p2pk[66] = UMK_OP_CHECKSIG;
  umk_block_undo_init (u, 2);
  umk_tx_undo_init (&u->txundo[0], 1);
  umk_coin_set (&u->txundo[0].coins[0], 5000000000, p2pk, sizeof p2pk, 1, true);
  umk_tx_undo_init (&u->txundo[1], 2);
  umk_coin_set (&u->txundo[1].coins[0], 12345, spk->data, spk->len, 0, false);
  umk_coin_set (&u->txundo[1].coins[1], 100000, wpk->data, wpk->len, 300, false);
}

/* tx count; coin count; then per coin: code, dummy version (height > 0 only),
 * compressed amount, compressed script */
static const char undo_hex[] = "02"
                               "01"
                               "030032"
                               "05678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
                               "02"
                               "0085e27d"
                               "00816115944e077fe7c803cfa57f29b36bf87c1d35"
                               "83580006"
                               "1c0014816115944e077fe7c803cfa57f29b36bf87c1d35";

static void
test_undo_format (void)
{
  g_auto (UmkBlockUndo) u = { 0 };
  make_undo (&u);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_block_undo_write (&u, w);
  g_autofree char *hex = hex_of (w);
  g_assert_cmpstr (hex, ==, undo_hex);

  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  g_auto (UmkBlockUndo) back = { 0 };
  g_assert_true (umk_block_undo_read (&r, &back));
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  g_assert_cmpuint (back.n, ==, 2);
  g_assert_cmpuint (back.txundo[0].n, ==, 1);
  g_assert_cmpuint (back.txundo[1].n, ==, 2);
  for (size_t t = 0; t < 2; t++)
    for (size_t i = 0; i < back.txundo[t].n; i++)
      {
        const UmkCoin *a = &u.txundo[t].coins[i], *b = &back.txundo[t].coins[i];
        g_assert_cmpint (a->value, ==, b->value);
        g_assert_cmpuint (a->height, ==, b->height);
        g_assert_cmpint (a->coinbase, ==, b->coinbase);
        g_assert_cmpmem (a->script, a->script_len, b->script, b->script_len);
      }

  /* reading into a used undo replaces it; every prefix fails and leaves it empty */
  for (size_t cut = 0; cut < w->len; cut++)
    {
      umk_reader_init (&r, w->data, cut);
      g_assert_false (umk_block_undo_read (&r, &back));
      g_assert_cmpuint (back.n, ==, 0);
      g_assert_null (back.txundo);
      g_assert_cmpint (r.error, ==, UMK_SER_TRUNCATED);
    }

  /* the dummy version is read as a VARINT and ignored, whatever its value */
  g_autoptr (GByteArray) dv = umk_test_hex ("0101"
                                            "03"
                                            "8100"
                                            "32"
                                            "00816115944e077fe7c803cfa57f29b36bf87c1d35");
  umk_reader_init (&r, dv->data, dv->len);
  g_assert_true (umk_block_undo_read (&r, &back));
  g_assert_cmpuint (back.txundo[0].coins[0].height, ==, 1);
  g_assert_cmpint (back.txundo[0].coins[0].value, ==, 5000000000);

  /* an empty block (only a coinbase) */
  g_autoptr (GByteArray) e = umk_test_hex ("00");
  umk_reader_init (&r, e->data, e->len);
  g_assert_true (umk_block_undo_read (&r, &back));
  g_assert_cmpuint (back.n, ==, 0);
}

static void
test_undo_absurd_counts (void)
{
  static const struct
  {
    const char *hex;
    UmkSerError error;
  } cases[] = {
    { "fe01000002", UMK_SER_SIZE_TOO_LARGE }, /* over MAX_SIZE */
    { "ffffffffffffffffff", UMK_SER_SIZE_TOO_LARGE },
    { "fdffff", UMK_SER_TRUNCATED },             /* 65535 tx undos, no bytes */
    { "01fe0000ff01000000", UMK_SER_TRUNCATED }, /* 16.7 M coins in 4 bytes */
    { "0102000006", UMK_SER_TRUNCATED },         /* 2 coins, room for one */
    { "01fd0100", UMK_SER_NONCANONICAL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) b = umk_test_hex (cases[i].hex);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      g_auto (UmkBlockUndo) u = { 0 };
      g_assert_false (umk_block_undo_read (&r, &u));
      g_assert_cmpint (r.error, ==, cases[i].error);
      g_assert_cmpuint (u.n, ==, 0);
    }
}

static void
test_undo_record (void)
{
  const uint8_t magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
  UmkUint256 prev;
  g_assert_true (umk_uint256_from_hex (
      &prev, "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206"));
  g_auto (UmkBlockUndo) u = { 0 };
  make_undo (&u);

  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_u8 (w, 0x99); /* something earlier in the file */
  size_t pos = umk_block_undo_write_record (w, magic, &prev, &u);
  g_assert_cmpuint (pos, ==, 1 + UMK_UNDO_RECORD_HEADER_SIZE);
  size_t undo_len = strlen (undo_hex) / 2;
  g_assert_cmpuint (w->len, ==, 1 + UMK_UNDO_DATA_DISK_OVERHEAD + undo_len);
  g_assert_cmpmem (w->data + 1, 4, magic, 4);
  g_assert_cmpuint (umk_load_u32le (w->data + 5), ==, undo_len);
  g_autofree char *body = umk_hex_encode (w->data + pos, undo_len);
  g_assert_cmpstr (body, ==, undo_hex);

  /* the checksum is SHA256d(prev hash as stored || undo data) */
  g_autoptr (GByteArray) pre = g_byte_array_new ();
  umk_write_bytes (pre, prev.b, 32);
  umk_write_bytes (pre, w->data + pos, undo_len);
  uint8_t sum[32];
  umk_sha256d (pre->data, pre->len, sum);
  g_assert_cmpmem (w->data + pos + undo_len, 32, sum, 32);
  UmkUint256 sum2;
  umk_block_undo_checksum (&prev, w->data + pos, undo_len, &sum2);
  g_assert_cmpmem (sum2.b, 32, sum, 32);

  /* read back from the stored position */
  UmkReader r;
  umk_reader_init (&r, w->data + pos, w->len - pos);
  g_auto (UmkBlockUndo) back = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_block_undo_read_checked (&r, &prev, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (back.n, ==, 2);
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);

  /* another previous block: checksum mismatch */
  UmkUint256 other = prev;
  other.b[0] ^= 1;
  umk_reader_init (&r, w->data + pos, w->len - pos);
  g_assert_false (umk_block_undo_read_checked (&r, &other, &back, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Checksum mismatch");
  g_assert_cmpuint (back.n, ==, 0);
  g_clear_error (&error);

  /* a changed data byte (the P2PKH coin's coinbase flag): checksum mismatch, though it parses */
  g_autoptr (GByteArray) copy = g_byte_array_new ();
  umk_write_bytes (copy, w->data + pos, w->len - pos);
  copy->data[39] ^= 0x01;
  umk_reader_init (&r, copy->data, copy->len);
  g_assert_false (umk_block_undo_read_checked (&r, &prev, &back, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_clear_error (&error);

  /* cut anywhere: an error, never a crash */
  for (size_t cut = 0; cut < w->len - pos; cut++)
    {
      umk_reader_init (&r, w->data + pos, cut);
      g_assert_false (umk_block_undo_read_checked (&r, &prev, &back, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/coin/varint/bitpatterns", test_varint_bitpatterns);
  g_test_add_func ("/coin/varint/roundtrip", test_varint_roundtrip);
  g_test_add_func ("/coin/varint/bad", test_varint_bad);
  g_test_add_func ("/coin/compress/amounts", test_amounts);
  g_test_add_func ("/coin/compress/scripts", test_scripts);
  g_test_add_func ("/coin/compress/not-on-curve", test_scripts_not_on_curve);
  g_test_add_func ("/coin/compress/oversized", test_oversized_script);
  g_test_add_func ("/coin/vectors", test_coin_vectors);
  g_test_add_func ("/coin/ownership", test_coin_ownership);
  g_test_add_func ("/coin/undo/format", test_undo_format);
  g_test_add_func ("/coin/undo/absurd-counts", test_undo_absurd_counts);
  g_test_add_func ("/coin/undo/record", test_undo_record);
  return g_test_run ();
}
