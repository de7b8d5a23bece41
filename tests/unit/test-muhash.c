/* Tests for MuHash3072: Umkoin Core v31.0's vectors (src/test/crypto_tests.cpp,
 * muhash_tests, MIT licence), and the 3072-bit arithmetic against values
 * computed independently with arbitrary-precision integers.
 *
 * The serialization vector is Bitcoin Core's text: Umkoin's sync tooling
 * rewrote "2009" to "2017" inside it ("…356c020090c8…" became "…356c020170c8…"),
 * the same corruption tests/data/README.md describes for other vector files. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "common/muhash.h"
#include "test-util.h"

#include <string.h>

/* Core's FromInt: the set holding the 32 bytes {i, 0, …, 0}. */
static void
from_int (UmkMuHash *m, uint8_t i)
{
  uint8_t tmp[32] = { i };
  umk_muhash_init_element (m, tmp, sizeof tmp);
}

static char *
finalize_hex (UmkMuHash *m)
{
  UmkUint256 out;
  umk_muhash_finalize (m, &out);
  return umk_uint256_to_hex (&out);
}

static void
test_core_vectors (void)
{
  /* {0} ∪ {1} \ {2}, shown as Core shows a uint256 */
  UmkMuHash acc, t;
  from_int (&acc, 0);
  from_int (&t, 1);
  umk_muhash_combine (&acc, &t);
  from_int (&t, 2);
  umk_muhash_subtract (&acc, &t);
  g_autofree char *h1 = finalize_hex (&acc);
  g_assert_cmpstr (h1, ==, "10d312b100cbd32ada024a6646e40d3482fcff103668d2625f10002a607d5863");

  /* the same through insert and remove */
  UmkMuHash acc2;
  from_int (&acc2, 0);
  uint8_t one[32] = { 1 }, two[32] = { 2 };
  umk_muhash_insert (&acc2, one, sizeof one);
  umk_muhash_remove (&acc2, two, sizeof two);
  g_autofree char *h2 = finalize_hex (&acc2);
  g_assert_cmpstr (h2, ==, h1);
}

static void
test_core_serialization (void)
{
  UmkMuHash m, t;
  from_int (&m, 1);
  from_int (&t, 2);
  umk_muhash_combine (&m, &t);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_muhash_write (&m, w);
  g_assert_cmpuint (w->len, ==, UMK_MUHASH_SERIALIZED_SIZE);
  g_autofree char *hex = umk_hex_encode (w->data, w->len);
  g_autofree char *want = g_strconcat (
      "1fa093295ea30a6a3acdc7b3f770fa538eff537528e990e2910e40bbcfd7f6696b1256901929094694b56316de34"
      "2f593303dd12ac43e06dce1be1ff8301c845beb15468fff0ef002dbf80c29f26e6452bccc91b5cb9437ad410d2a6"
      "7ea847887fa3c6a6553309946880fe20db2c73fe0641adbd4e86edfee0d9f8cd0ee1230898873dc13ed8ddcaf045"
      "c80faa082774279007a2253f8922ee3ef361d378a6af3ddaf180b190ac97e556888c36b3d1fb1c85aab9ccd46e3d"
      "eaeb7b7cf5db067a7e9ff86b658cf3acd6662bbcce37232daa753c48b794356c020090c831a8304416e2aa7ad633"
      "c0ddb2f11be1be316a81be7f7e472071c042cb68faef549c221ebff209273638b741aba5a81675c45a5fa92fea4c"
      "a821d7a324cb1e1a2ccd3b76c4228ec8066dad2a5df6e1bd0de45c7dd5de8070bdb46db6c554cf9aefc9b7b2bbf9"
      "f75b1864d9f95005314593905c0109b71f703d49944ae94477b51dac10a816bb6d1c700bafabc8bd86fac8df24be"
      "519a2f2836b16392e18036cb13e48c5c01",
      NULL);
  /* the denominator is one: 01 and 383 zero bytes */
  g_autoptr (GString) full = g_string_new (want);
  for (int i = 0; i < 383; i++)
    g_string_append (full, "00");
  g_assert_cmpuint (full->len, ==, 2 * UMK_MUHASH_SERIALIZED_SIZE);
  g_assert_cmpstr (hex, ==, full->str);

  /* read back: the same hash */
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  UmkMuHash back;
  g_assert_true (umk_muhash_read (&r, &back));
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  g_autofree char *h1 = finalize_hex (&m);
  g_autofree char *h2 = finalize_hex (&back);
  g_assert_cmpstr (h1, ==, h2);

  /* truncated state */
  umk_reader_init (&r, w->data, w->len - 1);
  g_assert_false (umk_muhash_read (&r, &back));
  g_assert_cmpint (r.error, ==, UMK_SER_TRUNCATED);
}

/* A numerator of 2^3072 - 1, above the modulus, must be reduced when finalized. */
static void
test_core_overflow (void)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  for (int i = 0; i < UMK_NUM3072_SIZE; i++)
    umk_write_u8 (w, 0xff);
  umk_write_u8 (w, 0x01);
  for (int i = 1; i < UMK_NUM3072_SIZE; i++)
    umk_write_u8 (w, 0x00);
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  UmkMuHash m;
  g_assert_true (umk_muhash_read (&r, &m));
  UmkUint256 out;
  umk_muhash_finalize (&m, &out);
  /* Core prints this one with HexStr: bytes in stored order */
  g_autofree char *hex = umk_hex_encode (out.b, 32);
  g_assert_cmpstr (hex, ==, "3a31e6903aff0de9f62f9a9f7f8b861de76ce2cda09822b90014319ae5dc2271");
}

/* Core's randomized checks: the order of operations does not matter, and
 * x·y / (y·x) is the empty set. */
static void
test_order_independence (void)
{
  UmkMuHash empty;
  umk_muhash_init (&empty);
  g_autofree char *empty_hex = finalize_hex (&empty);

  for (int iter = 0; iter < 10; iter++)
    {
      int table[4];
      for (int i = 0; i < 4; i++)
        table[i] = g_test_rand_int_range (0, 8);
      g_autofree char *first = NULL;
      for (int order = 0; order < 4; order++)
        {
          UmkMuHash acc, t;
          umk_muhash_init (&acc);
          for (int i = 0; i < 4; i++)
            {
              int v = table[i ^ order];
              from_int (&t, (uint8_t) (v & 3));
              if (v & 4)
                umk_muhash_subtract (&acc, &t);
              else
                umk_muhash_combine (&acc, &t);
            }
          char *hex = finalize_hex (&acc);
          if (order == 0)
            first = hex;
          else
            {
              g_assert_cmpstr (hex, ==, first);
              g_free (hex);
            }
        }

      UmkMuHash x, y, z;
      from_int (&x, (uint8_t) g_test_rand_int_range (0, 16));
      from_int (&y, (uint8_t) g_test_rand_int_range (0, 16));
      umk_muhash_init (&z);
      umk_muhash_combine (&z, &x);
      umk_muhash_combine (&z, &y);
      umk_muhash_combine (&y, &x);
      umk_muhash_subtract (&z, &y);
      g_autofree char *zhex = finalize_hex (&z);
      g_assert_cmpstr (zhex, ==, empty_hex);
    }

  /* subtracting a set from itself */
  UmkMuHash s;
  from_int (&s, 9);
  umk_muhash_subtract (&s, &s);
  g_autofree char *shex = finalize_hex (&s);
  g_assert_cmpstr (shex, ==, empty_hex);

  /* finalizing does not change the set */
  UmkMuHash a, b;
  from_int (&a, 3);
  from_int (&b, 4);
  umk_muhash_subtract (&a, &b);
  g_autofree char *a1 = finalize_hex (&a);
  g_autofree char *a2 = finalize_hex (&a);
  g_assert_cmpstr (a1, ==, a2);
}

static char *
num_sha_hex (const UmkNum3072 *n)
{
  uint8_t bytes[UMK_NUM3072_SIZE], h[32];
  umk_num3072_to_bytes (n, bytes);
  umk_sha256 (bytes, sizeof bytes, h);
  return umk_hex_encode (h, 32);
}

static void
num_small (UmkNum3072 *n, uint64_t v)
{
  memset (n, 0, sizeof *n);
  n->limbs[0] = v;
}

/* base^e by square-and-multiply, the base kept as given (maybe unreduced). */
static void
num_pow (UmkNum3072 *out, const UmkNum3072 *base, uint64_t e)
{
  umk_num3072_set_one (out);
  for (int bit = 63; bit >= 0; bit--)
    {
      UmkNum3072 sq = *out;
      umk_num3072_mul (out, &sq);
      if ((e >> bit) & 1)
        umk_num3072_mul (out, base);
    }
}

/* Expected values from Python's integers: SHA-256 of the 384-byte LE result. */
static void
test_arithmetic (void)
{
  UmkNum3072 three, x, inv;
  num_small (&three, 3);
  num_pow (&x, &three, 5000);
  g_autofree char *hx = num_sha_hex (&x);
  g_assert_cmpstr (hx, ==, "6b5edb379281b0c266e365bf3f5cf7cd842235ab03e89f0534283668cd7507ec");

  umk_num3072_set_one (&inv);
  umk_num3072_div (&inv, &x);
  g_autofree char *hi = num_sha_hex (&inv);
  g_assert_cmpstr (hi, ==, "d17a69419a315cdc0f025c23a438390f719541626792f1cc07acd70fdea91389");
  umk_num3072_mul (&inv, &x);
  UmkNum3072 one;
  umk_num3072_set_one (&one);
  g_assert_cmpmem (inv.limbs, sizeof inv.limbs, one.limbs, sizeof one.limbs);

  /* 2^3072 - 1 (above p) squared: (p + 1103716)^2 ≡ 1103716^2 */
  UmkNum3072 ff, r;
  memset (ff.limbs, 0xff, sizeof ff.limbs);
  r = ff;
  umk_num3072_mul (&r, &ff);
  UmkNum3072 want;
  num_small (&want, UINT64_C (1218189008656));
  g_assert_cmpmem (r.limbs, sizeof r.limbs, want.limbs, sizeof want.limbs);
  num_pow (&r, &ff, 12345);
  g_autofree char *hf = num_sha_hex (&r);
  g_assert_cmpstr (hf, ==, "4f86611e82a40927918dc621d6ca3d48208ac4c069b35e0fbd53d253690a31e2");

  /* p - 1 ≡ -1: its square is 1, and it is its own inverse */
  UmkNum3072 m1 = ff;
  m1.limbs[0] = UINT64_MAX - 1103717;
  r = m1;
  umk_num3072_mul (&r, &m1);
  g_assert_cmpmem (r.limbs, sizeof r.limbs, one.limbs, sizeof one.limbs);
  r = one;
  umk_num3072_div (&r, &m1);
  g_assert_cmpmem (r.limbs, sizeof r.limbs, m1.limbs, sizeof m1.limbs);

  /* 2^3071 · 2 = 2^3072 ≡ 1103717 */
  UmkNum3072 half, two;
  memset (&half, 0, sizeof half);
  half.limbs[UMK_NUM3072_LIMBS - 1] = UINT64_C (1) << 63;
  num_small (&two, 2);
  umk_num3072_mul (&half, &two);
  num_small (&want, 1103717);
  g_assert_cmpmem (half.limbs, sizeof half.limbs, want.limbs, sizeof want.limbs);

  /* random a, b: (a·b)/b = a (reduced), a·b = b·a */
  for (int iter = 0; iter < 20; iter++)
    {
      UmkNum3072 a, b, ab, ba, q;
      for (int i = 0; i < UMK_NUM3072_LIMBS; i++)
        {
          a.limbs[i] = (uint64_t) g_test_rand_int () << 32 | (uint32_t) g_test_rand_int ();
          b.limbs[i] = (uint64_t) g_test_rand_int () << 32 | (uint32_t) g_test_rand_int ();
        }
      ab = a;
      umk_num3072_mul (&ab, &b);
      ba = b;
      umk_num3072_mul (&ba, &a);
      g_assert_cmpmem (ab.limbs, sizeof ab.limbs, ba.limbs, sizeof ba.limbs);
      q = ab;
      umk_num3072_div (&q, &b);
      UmkNum3072 ar = a;
      umk_num3072_mul (&ar, &one);
      g_assert_cmpmem (q.limbs, sizeof q.limbs, ar.limbs, sizeof ar.limbs);
    }
}

static void
test_many_inserts (void)
{
  /* 100,000 elements take about half a second optimized (-m perf); fewer by default. */
  unsigned n = g_test_perf () ? 100000 : 5000;
  UmkMuHash fwd, rev;
  umk_muhash_init (&fwd);
  umk_muhash_init (&rev);
  gint64 start = g_get_monotonic_time ();
  for (unsigned i = 0; i < n; i++)
    {
      uint8_t e[8];
      umk_store_u64le (e, i);
      umk_muhash_insert (&fwd, e, sizeof e);
    }
  gint64 mid = g_get_monotonic_time ();
  UmkUint256 h1, h2;
  umk_muhash_finalize (&fwd, &h1);
  gint64 end = g_get_monotonic_time ();
  g_test_message ("%u inserts: %.3f s; finalize: %.3f ms", n, (mid - start) / 1e6,
                  (end - mid) / 1e3);
  for (unsigned i = n; i-- > 0;)
    {
      uint8_t e[8];
      umk_store_u64le (e, i);
      umk_muhash_insert (&rev, e, sizeof e);
    }
  umk_muhash_finalize (&rev, &h2);
  g_assert_cmpmem (h1.b, 32, h2.b, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/muhash/core-vectors", test_core_vectors);
  g_test_add_func ("/muhash/core-serialization", test_core_serialization);
  g_test_add_func ("/muhash/core-overflow", test_core_overflow);
  g_test_add_func ("/muhash/order-independence", test_order_independence);
  g_test_add_func ("/muhash/arithmetic", test_arithmetic);
  g_test_add_func ("/muhash/many-inserts", test_many_inserts);
  return g_test_run ();
}
