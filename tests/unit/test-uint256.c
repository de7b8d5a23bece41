/* Tests for 256-bit values: display order, arithmetic, compact nBits and work. */
#include "config.h"

#include "common/uint256.h"
#include "test-util.h"

#include <math.h>
#include <string.h>

static void
test_hex_order (void)
{
  /* Umkoin's regtest genesis hash as displayed; the first byte on the wire is
   * the last displayed pair. */
  const char *hex = "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d";
  UmkUint256 v;
  g_assert_true (umk_uint256_from_hex (&v, hex));
  g_assert_cmphex (v.b[0], ==, 0x6d);
  g_assert_cmphex (v.b[31], ==, 0x60);
  g_autofree char *back = umk_uint256_to_hex (&v);
  g_assert_cmpstr (back, ==, hex);
  g_assert_false (umk_uint256_from_hex (&v, "00"));
  g_assert_false (umk_uint256_from_hex (&v, ""));
  g_assert_false (umk_uint256_from_hex (
      &v, "x0b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d"));
  g_assert_false (umk_uint256_from_hex (
      &v, "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d00"));

  UmkUint256 zero = { { 0 } }, one = { { 1 } }, high = { { 0 } };
  high.b[31] = 1;
  g_assert_true (umk_uint256_is_zero (&zero));
  g_assert_false (umk_uint256_is_zero (&one));
  g_assert_cmpint (umk_uint256_cmp (&one, &high), <, 0);
  g_assert_cmpint (umk_uint256_cmp (&high, &one), >, 0);
  g_assert_cmpint (umk_uint256_cmp (&one, &one), ==, 0);
  g_assert_true (umk_uint256_equal (&one, &one));
}

static void
from_hex (UmkArith256 *a, const char *hex)
{
  UmkUint256 v;
  g_assert_true (umk_uint256_from_hex (&v, hex));
  umk_arith256_from_uint256 (a, &v);
}

static char *
to_hex (const UmkArith256 *a)
{
  UmkUint256 v;
  umk_arith256_to_uint256 (&v, a);
  return umk_uint256_to_hex (&v);
}

static void
test_arith (void)
{
  UmkArith256 a, b, r, one;
  umk_arith256_from_u64 (&one, 1);
  from_hex (&a, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
  umk_arith256_add (&r, &a, &one);
  g_assert_true (umk_arith256_is_zero (&r)); /* wraps modulo 2^256 */
  umk_arith256_sub (&r, &r, &one);
  g_assert_cmpint (umk_arith256_cmp (&r, &a), ==, 0);
  g_assert_cmpuint (umk_arith256_bits (&a), ==, 256);
  g_assert_cmpuint (umk_arith256_bits (&one), ==, 1);

  umk_arith256_shl (&r, &one, 255);
  g_autofree char *h1 = to_hex (&r);
  g_assert_cmpstr (h1, ==, "8000000000000000000000000000000000000000000000000000000000000000");
  umk_arith256_shr (&r, &r, 200);
  g_assert_cmpuint (umk_arith256_low64 (&r), ==, 1ull << 55);
  umk_arith256_shl (&r, &one, 256);
  g_assert_true (umk_arith256_is_zero (&r));
  umk_arith256_shr (&r, &a, 300);
  g_assert_true (umk_arith256_is_zero (&r));

  from_hex (&a, "00000000000000000000000000000000000000000000000000000000ffffffff");
  umk_arith256_mul_u32 (&r, &a, 0xffffffffu);
  g_assert_cmpuint (umk_arith256_low64 (&r), ==, 0xfffffffe00000001ull);

  /* Division: (2^200 + 12345) / 2^100 = 2^100, and a / 0 refuses. */
  UmkArith256 n, d, q, x;
  umk_arith256_shl (&n, &one, 200);
  umk_arith256_from_u64 (&x, 12345);
  umk_arith256_add (&n, &n, &x);
  umk_arith256_shl (&d, &one, 100);
  g_assert_true (umk_arith256_div (&q, &n, &d));
  g_assert_cmpint (umk_arith256_cmp (&q, &d), ==, 0);
  umk_arith256_from_u64 (&b, 0);
  g_assert_false (umk_arith256_div (&q, &n, &b));
  umk_arith256_from_u64 (&b, 1000);
  umk_arith256_from_u64 (&x, 999);
  g_assert_true (umk_arith256_div (&q, &x, &b));
  g_assert_true (umk_arith256_is_zero (&q));
  umk_arith256_from_u64 (&x, 123456789012345ull);
  umk_arith256_from_u64 (&b, 97);
  g_assert_true (umk_arith256_div (&q, &x, &b));
  g_assert_cmpuint (umk_arith256_low64 (&q), ==, 123456789012345ull / 97);

  umk_arith256_shl (&x, &one, 128);
  g_assert_cmpfloat (umk_arith256_to_double (&x), ==, ldexp (1.0, 128));
}

typedef struct
{
  uint32_t compact;
  const char *value; /* display hex, 64 digits */
  bool negative;
  bool overflow;
  uint32_t recompact; /* get_compact(value, negative) */
} CompactCase;

/* The cases below cover every branch of the compact format: sizes 0..3 where
 * the mantissa is shifted right, zero mantissas with the sign bit, the sign bit
 * itself, a mantissa whose top bit forces one more byte, and overflow. */
static const CompactCase compact_cases[] = {
  { 0x00000000, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x00123456, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x01003456, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x02000056, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x03000000, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x04000000, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x00923456, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x01803456, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x02800056, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x03800000, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x04800000, "0000000000000000000000000000000000000000000000000000000000000000", false, false,
    0 },
  { 0x01123456, "0000000000000000000000000000000000000000000000000000000000000012", false, false,
    0x01120000 },
  { 0x01fedcba, "000000000000000000000000000000000000000000000000000000000000007e", true, false,
    0x01fe0000 },
  { 0x02123456, "0000000000000000000000000000000000000000000000000000000000001234", false, false,
    0x02123400 },
  { 0x03123456, "0000000000000000000000000000000000000000000000000000000000123456", false, false,
    0x03123456 },
  { 0x04123456, "0000000000000000000000000000000000000000000000000000000012345600", false, false,
    0x04123456 },
  { 0x04923456, "0000000000000000000000000000000000000000000000000000000012345600", true, false,
    0x04923456 },
  { 0x05009234, "0000000000000000000000000000000000000000000000000000000092340000", false, false,
    0x05009234 },
  { 0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", false, false,
    0x20123456 },
  { 0x1d00ffff, "00000000ffff0000000000000000000000000000000000000000000000000000", false, false,
    0x1d00ffff },
  { 0x207fffff, "7fffff0000000000000000000000000000000000000000000000000000000000", false, false,
    0x207fffff },
  { 0xff123456, NULL, false, true, 0 },
  { 0x21010000, NULL, false, true, 0 }, /* word > 0xff at size 33 */
  { 0x22000100, NULL, false, true, 0 }, /* size 34, word > 0xff... at size 34 is > 33 */
  { 0x23000001, NULL, false, true, 0 }, /* size 35 */
  { 0x21000001, "0001000000000000000000000000000000000000000000000000000000000000", false, false,
    0x1f010000 },
};

static void
test_compact (void)
{
  UmkTally t;
  umk_tally_init (&t, "compact nBits cases");
  for (size_t i = 0; i < G_N_ELEMENTS (compact_cases); i++)
    {
      const CompactCase *c = &compact_cases[i];
      UmkArith256 v;
      bool neg = !c->negative, ovf = !c->overflow;
      umk_arith256_set_compact (&v, c->compact, &neg, &ovf);
      bool ok = neg == c->negative && ovf == c->overflow;
      if (c->value != NULL)
        {
          g_autofree char *hex = to_hex (&v);
          ok = ok && strcmp (hex, c->value) == 0
               && umk_arith256_get_compact (&v, c->negative) == c->recompact;
        }
      umk_tally_case (&t, ok, "compact 0x%08x", c->compact);
    }
  umk_tally_finish (&t);

  /* 0x80 in the top mantissa byte moves to the next size. */
  UmkArith256 v;
  umk_arith256_from_u64 (&v, 0x80);
  g_assert_cmphex (umk_arith256_get_compact (&v, false), ==, 0x02008000);
  umk_arith256_from_u64 (&v, 0);
  g_assert_cmphex (umk_arith256_get_compact (&v, true), ==, 0);
}

static void
test_work (void)
{
  UmkArith256 w;
  /* Difficulty-1 target 0x1d00ffff: work 0x100010001. */
  umk_arith256_work_from_bits (&w, 0x1d00ffff);
  g_assert_cmpuint (umk_arith256_low64 (&w), ==, 0x100010001ull);
  /* Regtest's 0x207fffff: 2^256 / (0x7fffff * 2^232 + 1) = 2. */
  umk_arith256_work_from_bits (&w, 0x207fffff);
  g_assert_cmpuint (umk_arith256_low64 (&w), ==, 2);
  umk_arith256_work_from_bits (&w, 0x04923456); /* negative */
  g_assert_true (umk_arith256_is_zero (&w));
  umk_arith256_work_from_bits (&w, 0xff123456); /* overflow */
  g_assert_true (umk_arith256_is_zero (&w));
  umk_arith256_work_from_bits (&w, 0x00000000); /* zero target */
  g_assert_true (umk_arith256_is_zero (&w));
  /* Target 1 (0x01010000): 2^256 / 2 = 2^255. */
  umk_arith256_work_from_bits (&w, 0x01010000);
  g_autofree char *hex = to_hex (&w);
  g_assert_cmpstr (hex, ==, "8000000000000000000000000000000000000000000000000000000000000000");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/uint256/hex-order", test_hex_order);
  g_test_add_func ("/uint256/arith", test_arith);
  g_test_add_func ("/uint256/compact", test_compact);
  g_test_add_func ("/uint256/work", test_work);
  return g_test_run ();
}
