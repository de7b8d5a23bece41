/* Tests for common/pubkey and common/key: the lax DER parser case by case
 * (expected outcomes follow Umkoin Core's ecdsa_signature_parse_der_lax),
 * ECDSA and BIP 340 signing and verification, published RFC 6979 and BIP 341
 * vectors, x-only tweaks, and random garbage fed to every parser. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "test-util.h"

#include <string.h>

/* The group order n, big-endian. */
static const uint8_t ORDER[32] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                   0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41 };

#define G_X "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define G_Y "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"

/* Published RFC 6979 vector (bitcointalk topic 285142, repeated in many
 * libraries' tests): key 1, SHA-256("Satoshi Nakamoto"), low-S form. */
#define SATOSHI_R   "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
#define SATOSHI_S   "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5"
#define SATOSHI_DER "3045022100" SATOSHI_R "0220" SATOSHI_S

static GByteArray *
hexa (const char *hex)
{
  return umk_test_hex (hex);
}

static void
hex32 (const char *hex, uint8_t out[32])
{
  g_assert_true (umk_hex_decode_fixed (hex, out, 32));
}

static void
assert_hex (const uint8_t *data, size_t len, const char *expected)
{
  g_autofree char *hex = umk_hex_encode (data, len);
  g_assert_cmpstr (hex, ==, expected);
}

static void
sha256_str (const char *s, uint8_t out[32])
{
  umk_sha256 (s, strlen (s), out);
}

/* out = n - v (v in [1, n-1]). */
static void
order_minus (const uint8_t v[32], uint8_t out[32])
{
  int borrow = 0;
  for (int i = 31; i >= 0; i--)
    {
      int d = ORDER[i] - v[i] - borrow;
      borrow = d < 0;
      out[i] = (uint8_t) (d + (borrow ? 256 : 0));
    }
}

/* Appends a minimal DER INTEGER of the 32-byte unsigned value. */
static void
der_append_int (GByteArray *b, const uint8_t v[32])
{
  size_t skip = 0;
  while (skip < 31 && v[skip] == 0)
    skip++;
  bool pad = v[skip] & 0x80;
  uint8_t head[3] = { 0x02, (uint8_t) (32 - skip + pad), 0x00 };
  g_byte_array_append (b, head, 2 + pad);
  g_byte_array_append (b, v + skip, 32 - skip);
}

static GByteArray *
der_from_rs (const uint8_t r[32], const uint8_t s[32])
{
  GByteArray *body = g_byte_array_new ();
  der_append_int (body, r);
  der_append_int (body, s);
  GByteArray *out = g_byte_array_new ();
  uint8_t head[2] = { 0x30, (uint8_t) body->len };
  g_byte_array_append (out, head, 2);
  g_byte_array_append (out, body->data, body->len);
  g_byte_array_unref (body);
  return out;
}

/* Parses hex with the lax rules; on expected success compares R || S with
 * expected_rs (NULL: the all-zero signature of an overflow). */
static void
check_lax (const char *sig_hex, bool expect_ok, const char *expected_rs)
{
  g_autoptr (GByteArray) sig = hexa (sig_hex);
  /* An exact-size copy, so ASan catches a read one byte too far. */
  g_autofree uint8_t *exact = sig->len ? g_memdup2 (sig->data, sig->len) : NULL;
  uint8_t compact[64];
  memset (compact, 0xaa, sizeof compact);
  bool ok = umk_ecdsa_sig_parse_lax (exact, sig->len, compact);
  if (ok != expect_ok)
    g_error ("lax parse of \"%s\": got %s, expected %s", sig_hex, ok ? "true" : "false",
             expect_ok ? "true" : "false");
  if (!ok)
    return;
  g_autofree char *got = umk_hex_encode (compact, 64);
  const char *want = expected_rs
                         ? expected_rs
                         : "0000000000000000000000000000000000000000000000000000000000000000"
                           "0000000000000000000000000000000000000000000000000000000000000000";
  if (strcmp (got, want) != 0)
    g_error ("lax parse of \"%s\": R || S %s, expected %s", sig_hex, got, want);
}

#define ONE32   "0000000000000000000000000000000000000000000000000000000000000001"
#define ZERO32  "0000000000000000000000000000000000000000000000000000000000000000"
#define FF_32   "ff00000000000000000000000000000000000000000000000000000000000000"
#define N_HEX   "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141"
#define N_1_HEX "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140"

static void
test_lax_structure (void)
{
  /* Missing pieces. */
  check_lax ("", false, NULL);
  check_lax ("30", false, NULL);
  check_lax ("3000", false, NULL);
  check_lax ("300002", false, NULL);
  check_lax ("30000201", false, NULL);   /* R longer than what is left */
  check_lax ("3000020101", false, NULL); /* no S */
  check_lax ("300002010102", false, NULL);
  check_lax ("30000201010201", false, NULL);
  /* Wrong tags. */
  check_lax ("3106020101020101", false, NULL);
  check_lax ("3006030101020101", false, NULL);
  check_lax ("3006020101030101", false, NULL);
  check_lax ("0006020101020101", false, NULL);

  /* The smallest well-formed signature, and empty integers (zero). */
  check_lax ("3006020101020101", true, ONE32 ONE32);
  check_lax ("300402000200", true, ZERO32 ZERO32);
  check_lax ("3000020002000000", true, ZERO32 ZERO32);

  /* Sequence length: a short form is never checked; a long form is skipped
   * (its octets are not read); 0x80 is a long form with no octets. */
  check_lax ("3000020101020101", true, ONE32 ONE32);
  check_lax ("307f020101020101", true, ONE32 ONE32);
  check_lax ("3080020101020101", true, ONE32 ONE32);
  check_lax ("3082ffff020101020101", true, ONE32 ONE32);
  check_lax ("3081020101020101", false, NULL); /* skips the R tag */
  check_lax ("3086020101020101", false, NULL); /* skips everything */
}

static void
test_lax_lengths (void)
{
  /* Long-form integer lengths, leading zero octets skipped. */
  check_lax ("30000281010102820001"
             "01",
             true, ONE32 ONE32);
  check_lax ("3000028400000001010201"
             "01",
             true, ONE32 ONE32);
  check_lax ("30000288000000000000000002"
             "0101",
             true, ZERO32 ONE32);
  /* Four significant length octets are refused even if they would fit. */
  check_lax ("300002840100000001020101", false, NULL);
  check_lax ("3000020101028401000000", false, NULL);
  /* Three are read, then checked against what is left. */
  check_lax ("3000028301000001020101", false, NULL);
  /* More length octets than input. */
  check_lax ("3000028501", false, NULL);
  check_lax ("300002010102850000", false, NULL);
  /* Length byte 0x80: an integer of length zero. */
  check_lax ("300002800201"
             "01",
             true, ZERO32 ONE32);
  check_lax ("3000020101"
             "0280",
             true, ONE32 ZERO32);
  /* S's length may not exceed the input either. */
  check_lax ("300602010102030101", false, NULL);
  check_lax ("300602010102020101", true,
             ONE32 "0000000000000000000000000000000000000000000000000000000000000101");
  check_lax ("3006020101028101", false, NULL);
}

static void
test_lax_values (void)
{
  /* Zero padding beyond DER, also padding to more than 32 bytes. */
  check_lax ("300002050000000001020101", true, ONE32 ONE32);
  g_autofree char *padded_r = g_strdup_printf ("30000228%s%s020101", "0000000000000000", N_1_HEX);
  check_lax (padded_r, true, N_1_HEX ONE32);
  /* "Negative" integers are read as unsigned. */
  check_lax ("30000201ff020101", true,
             "00000000000000000000000000000000000000000000000000000000000000ff" ONE32);
  g_autofree char *neg_s = g_strdup_printf ("3000020101"
                                            "0220%s",
                                            FF_32);
  check_lax (neg_s, true, ONE32 FF_32);

  /* Overflow: parsed, but as the all-zero signature. */
  g_autofree char *r33 = g_strdup_printf ("30000221"
                                          "01%s"
                                          "020101",
                                          ZERO32);
  check_lax (r33, true, NULL);
  g_autofree char *s33 = g_strdup_printf ("3000020101"
                                          "0221"
                                          "01%s",
                                          ZERO32);
  check_lax (s33, true, NULL);
  g_autofree char *r_n = g_strdup_printf ("30000220%s020101", N_HEX);
  check_lax (r_n, true, NULL);
  g_autofree char *s_n = g_strdup_printf ("3000020101"
                                          "0220%s",
                                          N_HEX);
  check_lax (s_n, true, NULL);
  g_autofree char *r_n1 = g_strdup_printf ("30000220%s020101", N_1_HEX);
  check_lax (r_n1, true, N_1_HEX ONE32);
  /* An overflowing R is still followed to S, whose structure must parse. */
  g_autofree char *r33_no_s = g_strdup_printf ("30000221"
                                               "01%s",
                                               ZERO32);
  check_lax (r33_no_s, false, NULL);

  /* Trailing garbage after S is ignored. */
  check_lax ("3006020101020101deadbeef", true, ONE32 ONE32);
  check_lax (SATOSHI_DER "00", true, SATOSHI_R SATOSHI_S);
}

/* Length octets are limited by count, not value: three significant ones are
 * read even when they say 64 KiB, four are refused even when the input is
 * long enough to hold what they say. */
static void
test_lax_huge (void)
{
  const size_t sizes[] = { 0x010000, 0x01000000 };
  const uint8_t heads[][8] = {
    { 0x30, 0x00, 0x02, 0x83, 0x01, 0x00, 0x00 },
    { 0x30, 0x00, 0x02, 0x84, 0x01, 0x00, 0x00, 0x00 },
  };
  const size_t head_len[] = { 7, 8 };
  for (size_t i = 0; i < 2; i++)
    {
      /* R: all zero but its last byte, then S = 1 */
      size_t len = head_len[i] + sizes[i] + 3;
      g_autofree uint8_t *sig = g_malloc0 (len);
      memcpy (sig, heads[i], head_len[i]);
      sig[head_len[i] + sizes[i] - 1] = 0x05;
      memcpy (sig + len - 3, (const uint8_t[]){ 0x02, 0x01, 0x01 }, 3);
      uint8_t compact[64];
      bool ok = umk_ecdsa_sig_parse_lax (sig, len, compact);
      g_assert_cmpint (ok, ==, i == 0);
      if (ok)
        {
          g_assert_cmpuint (compact[31], ==, 0x05);
          g_assert_cmpuint (compact[63], ==, 0x01);
        }
    }
}

/* Every strict prefix of a DER signature fails: S always ends the input. */
static void
test_lax_truncated (void)
{
  g_autoptr (GByteArray) sig = hexa (SATOSHI_DER);
  uint8_t compact[64];
  for (guint len = 0; len < sig->len; len++)
    {
      g_autofree uint8_t *exact = len ? g_memdup2 (sig->data, len) : NULL;
      g_assert_false (umk_ecdsa_sig_parse_lax (exact, len, compact));
    }
  g_assert_true (umk_ecdsa_sig_parse_lax (sig->data, sig->len, compact));
  assert_hex (compact, 64, SATOSHI_R SATOSHI_S);
}

/* Lax encodings of known R and S, made at random, all parse back to them. */
static void
test_lax_encodings (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (340);
  for (int iter = 0; iter < 3000; iter++)
    {
      uint8_t rs[64];
      for (int i = 0; i < 64; i++)
        rs[i] = (uint8_t) g_rand_int (rand);
      rs[0] &= 0x7f; /* both below n */
      rs[32] &= 0x7f;
      /* shorter values too */
      memset (rs, 0, g_rand_int_range (rand, 0, 33));
      memset (rs + 32, 0, g_rand_int_range (rand, 0, 33));

      g_autoptr (GByteArray) body = g_byte_array_new ();
      for (int k = 0; k < 2; k++)
        {
          const uint8_t *v = rs + 32 * k;
          size_t skip = 0;
          while (skip < 32 && v[skip] == 0)
            skip++;
          size_t zeros = g_rand_int_range (rand, 0, 4);
          size_t n = 32 - skip + zeros;
          uint8_t tag = 0x02;
          g_byte_array_append (body, &tag, 1);
          if (g_rand_boolean (rand))
            {
              uint8_t b = (uint8_t) n;
              g_byte_array_append (body, &b, 1);
            }
          else
            {
              /* long form, 0..2 zero octets, then one significant octet or none */
              size_t lz = g_rand_int_range (rand, 0, 3);
              bool empty = n == 0 && g_rand_boolean (rand);
              uint8_t b = (uint8_t) (0x80 | (lz + (empty ? 0 : 1)));
              g_byte_array_append (body, &b, 1);
              for (size_t z = 0; z < lz; z++)
                g_byte_array_append (body, (const uint8_t[]){ 0 }, 1);
              if (!empty)
                {
                  b = (uint8_t) n;
                  g_byte_array_append (body, &b, 1);
                }
            }
          for (size_t z = 0; z < zeros; z++)
            g_byte_array_append (body, (const uint8_t[]){ 0 }, 1);
          g_byte_array_append (body, v + skip, 32 - skip);
        }
      g_autoptr (GByteArray) sig = g_byte_array_new ();
      uint8_t seq = 0x30;
      g_byte_array_append (sig, &seq, 1);
      switch (g_rand_int_range (rand, 0, 3))
        {
        case 0:
          {
            uint8_t b = (uint8_t) g_rand_int_range (rand, 0, 0x80);
            g_byte_array_append (sig, &b, 1);
            break;
          }
        case 1:
          {
            uint8_t b[3] = { 0x82, (uint8_t) g_rand_int (rand), (uint8_t) g_rand_int (rand) };
            g_byte_array_append (sig, b, 3);
            break;
          }
        default:
          g_byte_array_append (sig, (const uint8_t[]){ 0x80 }, 1);
        }
      g_byte_array_append (sig, body->data, body->len);
      size_t garbage = g_rand_int_range (rand, 0, 5);
      for (size_t k = 0; k < garbage; k++)
        {
          uint8_t b = (uint8_t) g_rand_int (rand);
          g_byte_array_append (sig, &b, 1);
        }

      g_autofree uint8_t *exact = g_memdup2 (sig->data, sig->len);
      uint8_t compact[64];
      g_assert_true (umk_ecdsa_sig_parse_lax (exact, sig->len, compact));
      g_assert_cmpmem (compact, 64, rs, 64);
    }
}

static void
test_pubkey_size (void)
{
  uint8_t k[65] = { 0 };
  g_assert_false (umk_pubkey_has_valid_size (NULL, 0));
  struct
  {
    uint8_t first;
    size_t len;
    bool ok;
  } cases[] = {
    { 0x02, 33, true },  { 0x03, 33, true },  { 0x04, 65, true },  { 0x06, 65, true },
    { 0x07, 65, true },  { 0x02, 65, false }, { 0x03, 32, false }, { 0x02, 34, false },
    { 0x04, 33, false }, { 0x04, 64, false }, { 0x06, 33, false }, { 0x05, 65, false },
    { 0x05, 33, false }, { 0x00, 33, false }, { 0x01, 33, false }, { 0x08, 65, false },
    { 0xff, 65, false }, { 0x02, 1, false },  { 0x04, 1, false },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      k[0] = cases[i].first;
      g_assert_cmpint (umk_pubkey_has_valid_size (k, cases[i].len), ==, cases[i].ok);
    }
}

static void
test_ecdsa_verify_known (void)
{
  uint8_t hash[32];
  sha256_str ("Satoshi Nakamoto", hash);
  g_autoptr (GByteArray) sig = hexa (SATOSHI_DER);
  g_autoptr (GByteArray) comp = hexa ("02" G_X);
  g_autoptr (GByteArray) uncomp = hexa ("04" G_X G_Y);
  g_autoptr (GByteArray) hybrid_even = hexa ("06" G_X G_Y); /* G's y is even */
  g_autoptr (GByteArray) hybrid_odd = hexa ("07" G_X G_Y);
  g_autoptr (GByteArray) odd = hexa ("03" G_X); /* -G */

  g_assert_true (umk_ecdsa_verify (comp->data, comp->len, sig->data, sig->len, hash));
  g_assert_true (umk_ecdsa_verify (uncomp->data, uncomp->len, sig->data, sig->len, hash));
  g_assert_true (umk_ecdsa_verify (hybrid_even->data, 65, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_verify (hybrid_odd->data, 65, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_verify (odd->data, odd->len, sig->data, sig->len, hash));
  g_assert_true (umk_ecdsa_sig_has_low_s (sig->data, sig->len));

  /* wrong hash, wrong size, key not on the curve, no key */
  uint8_t other[32];
  sha256_str ("Satoshi Nakamoto.", other);
  g_assert_false (umk_ecdsa_verify (comp->data, comp->len, sig->data, sig->len, other));
  g_assert_false (umk_ecdsa_verify (comp->data, 32, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_verify (uncomp->data, 33, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_verify (NULL, 0, sig->data, sig->len, hash));
  g_autoptr (GByteArray) off_curve = hexa ("04" G_X G_X);
  g_assert_false (umk_ecdsa_verify (off_curve->data, 65, sig->data, sig->len, hash));
  g_autoptr (GByteArray) x_too_big
      = hexa ("02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
  g_assert_false (umk_ecdsa_verify (x_too_big->data, 33, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_verify (comp->data, comp->len, NULL, 0, hash));
  g_assert_false (umk_ecdsa_sig_has_low_s (NULL, 0));

  /* Lax encodings of the same signature verify: padding, long forms, garbage. */
  const char *lax[] = {
    "3000022100" SATOSHI_R "0220" SATOSHI_S "ffff",
    "3080022300"
    "0000" SATOSHI_R "028120" SATOSHI_S,
    "304502820021"
    "00" SATOSHI_R "0283000020" SATOSHI_S,
  };
  for (size_t i = 0; i < G_N_ELEMENTS (lax); i++)
    {
      g_autoptr (GByteArray) l = hexa (lax[i]);
      g_assert_true (umk_ecdsa_verify (comp->data, comp->len, l->data, l->len, hash));
    }
  /* Flip one bit anywhere in R or S. */
  for (guint i = 4; i < sig->len; i++)
    {
      if (i == 37 || i == 38) /* S's tag and length */
        continue;
      g_autoptr (GByteArray) bad = hexa (SATOSHI_DER);
      bad->data[i] ^= 0x10;
      g_assert_false (umk_ecdsa_verify (comp->data, comp->len, bad->data, bad->len, hash));
    }
  /* An overflowing S parses but never verifies. */
  g_autoptr (GByteArray) s_over = hexa ("3000022100" SATOSHI_R "0221ff" SATOSHI_S);
  uint8_t compact[64];
  g_assert_true (umk_ecdsa_sig_parse_lax (s_over->data, s_over->len, compact));
  g_assert_false (umk_ecdsa_verify (comp->data, comp->len, s_over->data, s_over->len, hash));
}

static void
test_ecdsa_high_s (void)
{
  uint8_t hash[32], r[32], s[32], high[32];
  sha256_str ("Satoshi Nakamoto", hash);
  hex32 (SATOSHI_R, r);
  hex32 (SATOSHI_S, s);
  order_minus (s, high);
  g_autoptr (GByteArray) sig = der_from_rs (r, high);
  g_assert_cmpuint (sig->len, ==, 72);
  g_autoptr (GByteArray) comp = hexa ("02" G_X);
  g_assert_true (umk_ecdsa_verify (comp->data, comp->len, sig->data, sig->len, hash));
  g_assert_false (umk_ecdsa_sig_has_low_s (sig->data, sig->len));

  /* n/2 is low, n/2 + 1 is high */
  uint8_t half[32], half1[32];
  hex32 ("7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0", half);
  memcpy (half1, half, 32);
  half1[31]++;
  g_autoptr (GByteArray) at_half = der_from_rs (r, half);
  g_autoptr (GByteArray) above_half = der_from_rs (r, half1);
  g_assert_true (umk_ecdsa_sig_has_low_s (at_half->data, at_half->len));
  g_assert_false (umk_ecdsa_sig_has_low_s (above_half->data, above_half->len));
  /* The all-zero signature of an overflow counts as low. */
  g_autoptr (GByteArray) over = hexa ("30000221ff" SATOSHI_R "0201"
                                      "01");
  g_assert_true (umk_ecdsa_sig_has_low_s (over->data, over->len));
}

/* RFC 6979 vectors from bitcointalk topic 285142, also used by many other
 * libraries' tests; libsecp256k1's nonce is plain RFC 6979 with SHA-256. */
static void
test_ecdsa_rfc6979 (void)
{
  struct
  {
    const char *key, *msg, *der;
  } v[] = {
    { ONE32, "Satoshi Nakamoto", SATOSHI_DER },
    { ONE32, "Everything should be made as simple as possible, but not simpler.",
      "3044022033a69cd2065432a30f3d1ce4eb0d59b8ab58c74f27c41a7fdb5696ad4e6108c9"
      "02206f807982866f785d3f6418d24163ddae117b7db4d5fdf0071de069fa54342262" },
    { N_1_HEX, "Satoshi Nakamoto",
      "3045022100fd567d121db66e382991534ada77a6bd3106f0a1098c231e47993447cd6af2d0"
      "02206b39cd0eb1bc8603e159ef5c20a5c8ad685a45b06ce9bebed3f153d10d93bed5" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (v); i++)
    {
      uint8_t key[32], hash[32], der[72], again[72];
      size_t len, len2;
      hex32 (v[i].key, key);
      sha256_str (v[i].msg, hash);
      g_assert_true (umk_ecdsa_sign (key, hash, false, der, &len));
      assert_hex (der, len, v[i].der);
      g_assert_true (umk_ecdsa_sign (key, hash, false, again, &len2));
      g_assert_cmpmem (der, len, again, len2);

      /* Grinding: deterministic too, R below 0x80, and the same as the plain
       * signature exactly when that one already had a low R. */
      g_assert_true (umk_ecdsa_sign (key, hash, true, der, &len));
      g_assert_true (umk_ecdsa_sign (key, hash, true, again, &len2));
      g_assert_cmpmem (der, len, again, len2);
      g_assert_cmpuint (der[3], <=, 0x20); /* a low R may also be shorter */
      g_assert_cmpuint (der[4], <, 0x80);
      g_assert_cmpuint (len, <=, 70);
      bool plain_low_r = strncmp (v[i].der + 6, "20", 2) == 0; /* R length */
      g_autofree char *ground = umk_hex_encode (der, len);
      g_assert_cmpint (strcmp (ground, v[i].der) == 0, ==, plain_low_r);

      uint8_t pub[65];
      size_t pub_len;
      g_assert_true (umk_seckey_get_pubkey (key, true, pub, &pub_len));
      g_assert_true (umk_ecdsa_verify (pub, pub_len, der, len, hash));
    }
}

/* Umkoin Core's key_tests: its strSecret1 and strSecret2 signing
 * SHA-256d("Very deterministic message") (Core's Sign grinds by default), and
 * ground signatures of "A message to be signed<i>" never longer than 70 bytes. */
static void
test_ecdsa_core_vectors (void)
{
  struct
  {
    const char *key, *der;
  } v[] = {
    { "12b004fff7f4b69ef8650e767f18f11ede158148b425660723b9f9a66e61f747",
      "304402205dbbddda71772d95ce91cd2d14b592cfbc1dd0aabd6a394b6c2d377bbe59d31d"
      "022014ddda21494a4e221f0824f0b8b924c43fa43c0ad57dccdaa11f81a6bd4582f6" },
    { "b524c28b61c9b2c49b2c7dd4c2d75887abb78768c054bd7c01af4029f6c0d117",
      "3044022052d8a32079c11e79db95af63bb9600c5b04f21a9ca33dc129c2bfa8ac9dc1cd5"
      "022061d8ae5e0f6c1a16bde3719c64c2fd70e404b6428ab9a69566962e8771b5944d" },
  };
  const char *msg = "Very deterministic message";
  uint8_t hash[32], key[32], der[72];
  size_t len;
  umk_sha256d (msg, strlen (msg), hash);
  for (size_t i = 0; i < G_N_ELEMENTS (v); i++)
    {
      hex32 (v[i].key, key);
      g_assert_true (umk_ecdsa_sign (key, hash, true, der, &len));
      assert_hex (der, len, v[i].der);
      g_assert_true (umk_ecdsa_sign (key, hash, false, der, &len));
      assert_hex (der, len, v[i].der);
    }

  hex32 (v[0].key, key);
  bool found_small = false;
  for (int i = 0; i < 256; i++)
    {
      g_autofree char *m = g_strdup_printf ("A message to be signed%d", i);
      umk_sha256d (m, strlen (m), hash);
      g_assert_true (umk_ecdsa_sign (key, hash, true, der, &len));
      g_assert_cmpuint (der[3], <=, 32);
      g_assert_cmpuint (len, <=, 70);
      found_small |= len < 70;
    }
  g_assert_true (found_small);
}

static void
random_seckey (GRand *rand, uint8_t key[32])
{
  do
    {
      for (int i = 0; i < 32; i++)
        key[i] = (uint8_t) g_rand_int (rand);
    }
  while (!umk_seckey_is_valid (key));
}

static void
test_ecdsa_round_trip (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (6979);
  unsigned plain_long = 0;
  for (int iter = 0; iter < 200; iter++)
    {
      uint8_t key[32], hash[32], der[72];
      size_t len;
      random_seckey (rand, key);
      for (int i = 0; i < 32; i++)
        hash[i] = (uint8_t) g_rand_int (rand);
      bool grind = iter % 2;
      g_assert_true (umk_ecdsa_sign (key, hash, grind, der, &len));
      g_assert_cmpuint (len, <=, 72);
      g_assert_cmpuint (der[0], ==, 0x30);
      g_assert_cmpuint (der[1], ==, len - 2);
      if (grind)
        {
          /* low R and low S: neither needs a sign-padding byte */
          g_assert_cmpuint (len, <=, 70);
          g_assert_cmpuint (der[3], <=, 0x20); /* a low R may also be shorter */
          g_assert_cmpuint (der[4], <, 0x80);
        }
      else if (der[3] == 0x21)
        plain_long++;
      g_assert_true (umk_ecdsa_sig_has_low_s (der, len));

      for (int c = 0; c < 2; c++)
        {
          uint8_t pub[65];
          size_t pub_len = 0;
          g_assert_true (umk_seckey_get_pubkey (key, c, pub, &pub_len));
          g_assert_cmpuint (pub_len, ==, c ? 33 : 65);
          g_assert_true (umk_pubkey_has_valid_size (pub, pub_len));
          g_assert_true (umk_ecdsa_verify (pub, pub_len, der, len, hash));
          hash[0] ^= 1;
          g_assert_false (umk_ecdsa_verify (pub, pub_len, der, len, hash));
          hash[0] ^= 1;
        }
    }
  /* about half of ungrinded signatures have a high R; grinding is not a no-op */
  g_assert_cmpuint (plain_long, >, 10);
}

static void
test_seckey_invalid (void)
{
  const char *bad[] = {
    ZERO32,
    N_HEX,
    "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364142",
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
  };
  uint8_t hash[32] = { 1 }, out[65], sig[72], tweak[32] = { 1 };
  size_t len;
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      uint8_t key[32];
      hex32 (bad[i], key);
      g_assert_false (umk_seckey_is_valid (key));
      g_assert_false (umk_seckey_get_pubkey (key, true, out, &len));
      g_assert_false (umk_seckey_get_xonly (key, out));
      g_assert_false (umk_ecdsa_sign (key, hash, true, sig, &len));
      g_assert_false (umk_schnorr_sign (key, hash, 32, NULL, sig));
      g_assert_false (umk_seckey_tweak_xonly (key, tweak, out));
    }
  uint8_t key[32];
  hex32 (ONE32, key);
  g_assert_true (umk_seckey_is_valid (key));
  g_assert_true (umk_seckey_get_pubkey (key, false, out, &len));
  assert_hex (out, len, "04" G_X G_Y);
  g_assert_true (umk_seckey_get_xonly (key, out));
  assert_hex (out, 32, G_X);
  hex32 (N_1_HEX, key);
  g_assert_true (umk_seckey_is_valid (key));
  g_assert_true (umk_seckey_get_pubkey (key, true, out, &len));
  assert_hex (out, len, "03" G_X); /* -G */

  uint8_t buf[4] = { 1, 2, 3, 4 };
  umk_memzero (buf, sizeof buf);
  g_assert_cmpmem (buf, 4, ((const uint8_t[]){ 0, 0, 0, 0 }), 4);
  umk_memzero (NULL, 0);
}

static void
test_schnorr_round_trip (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (340);
  for (int iter = 0; iter < 200; iter++)
    {
      uint8_t key[32], xonly[32], aux[32], sig[64], sig2[64];
      random_seckey (rand, key);
      for (int i = 0; i < 32; i++)
        aux[i] = (uint8_t) g_rand_int (rand);
      size_t msg_len = g_rand_int_range (rand, 0, 101);
      g_autofree uint8_t *msg = umk_test_random_bytes (rand, msg_len);
      g_assert_true (umk_seckey_get_xonly (key, xonly));
      g_assert_true (umk_xonly_is_valid (xonly));
      g_assert_true (umk_schnorr_sign (key, msg, msg_len, aux, sig));
      g_assert_true (umk_schnorr_verify (xonly, sig, msg, msg_len));
      /* deterministic given aux; different aux, different but valid */
      g_assert_true (umk_schnorr_sign (key, msg, msg_len, aux, sig2));
      g_assert_cmpmem (sig, 64, sig2, 64);
      aux[0] ^= 1;
      g_assert_true (umk_schnorr_sign (key, msg, msg_len, aux, sig2));
      g_assert_true (memcmp (sig, sig2, 64) != 0);
      g_assert_true (umk_schnorr_verify (xonly, sig2, msg, msg_len));

      sig[g_rand_int_range (rand, 0, 64)] ^= (uint8_t) (1 << g_rand_int_range (rand, 0, 8));
      g_assert_false (umk_schnorr_verify (xonly, sig, msg, msg_len));
      if (msg_len > 0)
        g_assert_false (umk_schnorr_verify (xonly, sig2, msg, msg_len - 1));
    }
  /* the empty message as NULL */
  uint8_t key[32], xonly[32], sig[64];
  hex32 (ONE32, key);
  g_assert_true (umk_seckey_get_xonly (key, xonly));
  g_assert_true (umk_schnorr_sign (key, NULL, 0, NULL, sig));
  g_assert_true (umk_schnorr_verify (xonly, sig, NULL, 0));
  g_assert_true (umk_schnorr_verify (xonly, sig, (const uint8_t *) "", 0));
}

/* BIP 341 wallet vectors, keyPathSpending input 0 (key path, no scripts):
 * internal key, TapTweak, output key, tweaked secret key and its signature of
 * the sighash (aux_rand all zero). */
static void
test_xonly_tweak_bip341 (void)
{
  uint8_t seckey[32], internal[32], tweak[32], out[32], tweaked_sec[32], sighash[32], sig[64];
  hex32 ("6b973d88838f27366ed61c9ad6367663045cb456e28335c109e30717ae0c6baa", seckey);
  hex32 ("b86e7be8f39bab32a6f2c0443abbc210f0edac0e2c53d501b36b64437d9c6c70", tweak);
  hex32 ("2514a6272f85cfa0f45eb907fcb0d121b808ed37c6ea160a5a9046ed5526d555", sighash);

  g_assert_true (umk_seckey_get_xonly (seckey, internal));
  assert_hex (internal, 32, "d6889cb081036e0faefa3a35157ad71086b123b2b144b649798b494c300a961d");
  /* the tweak is TapTweak(internal key) when there are no scripts */
  uint8_t t2[32];
  umk_tagged_hash ("TapTweak", internal, 32, t2);
  g_assert_cmpmem (t2, 32, tweak, 32);

  int parity = -1;
  g_assert_true (umk_xonly_tweak_add (internal, tweak, out, &parity));
  assert_hex (out, 32, "53a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343");
  g_assert_true (parity == 0 || parity == 1);
  g_assert_true (umk_xonly_tweak_add_check (out, parity, internal, tweak));
  g_assert_false (umk_xonly_tweak_add_check (out, !parity, internal, tweak));

  g_assert_true (umk_seckey_tweak_xonly (seckey, tweak, tweaked_sec));
  assert_hex (tweaked_sec, 32, "2405b971772ad26915c8dcdf10f238753a9b837e5f8e6a86fd7c0cce5b7296d9");
  g_assert_true (umk_schnorr_sign (tweaked_sec, sighash, 32, NULL, sig));
  assert_hex (sig, 64,
              "ed7c1647cb97379e76892be0cacff57ec4a7102aa24296ca39af7541246d8ff1"
              "4d38958d4cc1e2e478e4d4a764bbfd835b16d4e314b72937b29833060b87276c");
  g_assert_true (umk_schnorr_verify (out, sig, sighash, 32));
}

static void
test_xonly_tweak (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (341);
  unsigned odd_keys = 0, odd_outputs = 0;
  for (int iter = 0; iter < 100; iter++)
    {
      uint8_t key[32], internal[32], tweak[32], out[32], sec[32], check[32], wrong[32];
      random_seckey (rand, key);
      g_assert_true (umk_seckey_get_xonly (key, internal));
      uint8_t full[65];
      size_t full_len;
      g_assert_true (umk_seckey_get_pubkey (key, true, full, &full_len));
      odd_keys += full[0] == 0x03;
      umk_tagged_hash ("TapTweak", internal, 32, tweak);

      int parity = -1;
      g_assert_true (umk_xonly_tweak_add (internal, tweak, out, &parity));
      g_assert_true (parity == 0 || parity == 1);
      odd_outputs += parity;
      g_assert_true (umk_xonly_tweak_add_check (out, parity, internal, tweak));
      g_assert_false (umk_xonly_tweak_add_check (out, !parity, internal, tweak));
      g_assert_false (umk_xonly_tweak_add_check (out, 2, internal, tweak));
      memcpy (wrong, tweak, 32);
      wrong[31] ^= 1;
      g_assert_false (umk_xonly_tweak_add_check (out, parity, internal, wrong));
      memcpy (wrong, out, 32);
      wrong[0] ^= 1;
      g_assert_false (umk_xonly_tweak_add_check (wrong, parity, internal, tweak));

      /* the tweaked secret key belongs to the output key, parity included */
      g_assert_true (umk_seckey_tweak_xonly (key, tweak, sec));
      g_assert_true (umk_seckey_get_xonly (sec, check));
      g_assert_cmpmem (check, 32, out, 32);
      g_assert_true (umk_seckey_get_pubkey (sec, true, full, &full_len));
      g_assert_cmpuint (full[0], ==, 0x02 + parity);
      uint8_t msg[32] = { 7 }, sig[64];
      g_assert_true (umk_schnorr_sign (sec, msg, 32, NULL, sig));
      g_assert_true (umk_schnorr_verify (out, sig, msg, 32));
      g_assert_false (umk_schnorr_verify (internal, sig, msg, 32));
    }
  /* both parities were exercised on the way in and out */
  g_assert_cmpuint (odd_keys, >, 0);
  g_assert_cmpuint (odd_keys, <, 100);
  g_assert_cmpuint (odd_outputs, >, 0);
  g_assert_cmpuint (odd_outputs, <, 100);

  /* tweak not below n; invalid internal key */
  uint8_t internal[32], tweak[32], out[32], key[32];
  int parity;
  hex32 (G_X, internal);
  hex32 (N_HEX, tweak);
  g_assert_false (umk_xonly_tweak_add (internal, tweak, out, &parity));
  g_assert_false (umk_xonly_tweak_add_check (internal, 0, internal, tweak));
  hex32 (ONE32, key);
  g_assert_false (umk_seckey_tweak_xonly (key, tweak, out));
  /* key 1 tweaked by n-1 is the zero key: invalid, like the point at infinity */
  hex32 (N_1_HEX, tweak);
  g_assert_false (umk_seckey_tweak_xonly (key, tweak, out));
  g_assert_false (umk_xonly_tweak_add (internal, tweak, out, &parity));
  hex32 ("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", internal);
  g_assert_false (umk_xonly_is_valid (internal));
  hex32 (ONE32, tweak);
  g_assert_false (umk_xonly_tweak_add (internal, tweak, out, &parity));
  g_assert_false (umk_xonly_tweak_add_check (out, 0, internal, tweak));
}

/* Random bytes into every parser: no crash, no out-of-bounds read (each
 * buffer is allocated to its exact length), and consistent answers. */
static void
test_garbage (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20240);
  uint8_t hash[32] = { 0 };
  for (int iter = 0; iter < 5000; iter++)
    {
      size_t len = g_rand_int_range (rand, 0, 80);
      g_autofree uint8_t *tmp = umk_test_random_bytes (rand, len);
      /* half of them look like the start of a signature */
      if (len > 0 && iter % 2)
        tmp[0] = 0x30;
      if (len > 2 && iter % 4 == 1)
        tmp[2] = 0x02;
      g_autofree uint8_t *buf = len ? g_memdup2 (tmp, len) : NULL;

      uint8_t compact[64];
      bool parsed = umk_ecdsa_sig_parse_lax (buf, len, compact);
      g_assert_true (umk_ecdsa_sig_has_low_s (buf, len) ? parsed : true);

      size_t klen = iter % 3 == 0 ? 33 : iter % 3 == 1 ? 65 : len;
      g_autofree uint8_t *key_tmp = umk_test_random_bytes (rand, klen);
      if (klen == 33)
        key_tmp[0] = 0x02 | (iter & 1);
      else if (klen == 65)
        key_tmp[0] = 0x04;
      g_autofree uint8_t *key = klen ? g_memdup2 (key_tmp, klen) : NULL;
      umk_pubkey_has_valid_size (key, klen);
      g_assert_false (umk_ecdsa_verify (key, klen, buf, len, hash));

      uint8_t block[96];
      for (size_t k = 0; k < sizeof block; k++)
        block[k] = (uint8_t) g_rand_int (rand);
      int parity;
      uint8_t out[32];
      bool valid = umk_xonly_is_valid (block);
      g_assert_false (umk_schnorr_verify (block, block + 32, buf, len));
      bool tweaked = umk_xonly_tweak_add (block, block + 64, out, &parity);
      g_assert_true (tweaked ? valid : true);
      if (tweaked)
        g_assert_true (umk_xonly_tweak_add_check (out, parity, block, block + 64));
      umk_xonly_tweak_add_check (block + 32, iter & 1, block, block + 64);
      umk_seckey_is_valid (block);
    }
}

/* First use of the shared context from several threads at once: one context
 * for all, and signing and verifying concurrently afterwards. */
static gpointer
thread_sign_verify (gpointer seed)
{
  const void *ctx = umk_secp256k1_context ();
  g_autoptr (GRand) rand = g_rand_new_with_seed (GPOINTER_TO_UINT (seed));
  for (int iter = 0; iter < 50; iter++)
    {
      uint8_t key[32], hash[32], der[72], pub[65], xonly[32], sig[64];
      size_t der_len, pub_len;
      random_seckey (rand, key);
      for (int i = 0; i < 32; i++)
        hash[i] = (uint8_t) g_rand_int (rand);
      if (!umk_ecdsa_sign (key, hash, true, der, &der_len)
          || !umk_seckey_get_pubkey (key, true, pub, &pub_len)
          || !umk_ecdsa_verify (pub, pub_len, der, der_len, hash)
          || !umk_seckey_get_xonly (key, xonly) || !umk_schnorr_sign (key, hash, 32, NULL, sig)
          || !umk_schnorr_verify (xonly, sig, hash, 32))
        return NULL;
    }
  return (gpointer) ctx;
}

static void
test_threads (void)
{
  GThread *threads[6];
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("secp", thread_sign_verify, GUINT_TO_POINTER (i + 1));
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      gpointer ctx = g_thread_join (threads[i]);
      g_assert_nonnull (ctx);
      g_assert_true (ctx == (gpointer) umk_secp256k1_context ());
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* first, so that it is the first use of the shared context */
  g_test_add_func ("/pubkey/threads", test_threads);
  g_test_add_func ("/pubkey/lax-der/structure", test_lax_structure);
  g_test_add_func ("/pubkey/lax-der/lengths", test_lax_lengths);
  g_test_add_func ("/pubkey/lax-der/values", test_lax_values);
  g_test_add_func ("/pubkey/lax-der/truncated", test_lax_truncated);
  g_test_add_func ("/pubkey/lax-der/huge", test_lax_huge);
  g_test_add_func ("/pubkey/lax-der/encodings", test_lax_encodings);
  g_test_add_func ("/pubkey/size", test_pubkey_size);
  g_test_add_func ("/pubkey/ecdsa/verify-known", test_ecdsa_verify_known);
  g_test_add_func ("/pubkey/ecdsa/high-s", test_ecdsa_high_s);
  g_test_add_func ("/pubkey/ecdsa/rfc6979", test_ecdsa_rfc6979);
  g_test_add_func ("/pubkey/ecdsa/core-vectors", test_ecdsa_core_vectors);
  g_test_add_func ("/pubkey/ecdsa/round-trip", test_ecdsa_round_trip);
  g_test_add_func ("/pubkey/seckey/invalid", test_seckey_invalid);
  g_test_add_func ("/pubkey/schnorr/round-trip", test_schnorr_round_trip);
  g_test_add_func ("/pubkey/xonly-tweak/bip341", test_xonly_tweak_bip341);
  g_test_add_func ("/pubkey/xonly-tweak/random", test_xonly_tweak);
  g_test_add_func ("/pubkey/garbage", test_garbage);
  return g_test_run ();
}
