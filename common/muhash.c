/* muhash.c — MuHash3072 arithmetic modulo 2^3072 - 1103717; see muhash.h.
 *
 * Numbers are 48 limbs of 64 bits; products use 128-bit intermediates. Since
 * 2^3072 ≡ 1103717 (mod p), the high half of a product folds into the low half
 * by one multiplication per limb. The inverse is a^(p-2): p-2 is 3051 one bits
 * followed by a 21-bit tail, so an addition chain needs only about 3100
 * squarings and 35 multiplications.
 */
#define G_LOG_DOMAIN "umk-muhash"
#include "config.h"

#include "common/muhash.h"

#include "common/hash.h"

#include <string.h>

#define LIMBS UMK_NUM3072_LIMBS
/* p = 2^3072 - PRIME_DIFF */
#define PRIME_DIFF UINT64_C (1103717)
/* p - 2 = 2^21 * (2^3051 - 1) + INV_TAIL */
#define INV_ONES      3051
#define INV_TAIL_BITS 21
#define INV_TAIL      UINT64_C (993433)

typedef unsigned __int128 u128;

G_STATIC_ASSERT ((UINT64_C (1) << INV_TAIL_BITS) - INV_TAIL == PRIME_DIFF + 2);
G_STATIC_ASSERT (INV_ONES + INV_TAIL_BITS == 3072);

void
umk_num3072_set_one (UmkNum3072 *a)
{
  memset (a->limbs, 0, sizeof a->limbs);
  a->limbs[0] = 1;
}

void
umk_num3072_from_bytes (UmkNum3072 *a, const uint8_t in[UMK_NUM3072_SIZE])
{
  for (int i = 0; i < LIMBS; i++)
    a->limbs[i] = umk_load_u64le (in + 8 * i);
}

void
umk_num3072_to_bytes (const UmkNum3072 *a, uint8_t out[UMK_NUM3072_SIZE])
{
  for (int i = 0; i < LIMBS; i++)
    umk_store_u64le (out + 8 * i, a->limbs[i]);
}

/* a >= p: only the values p … 2^3072-1, whose upper limbs are all ones. */
static bool
is_overflow (const uint64_t *a)
{
  if (a[0] <= UINT64_MAX - PRIME_DIFF)
    return false;
  for (int i = 1; i < LIMBS; i++)
    if (a[i] != UINT64_MAX)
      return false;
  return true;
}

/* a += c; returns the carry out of the top limb (0 or 1). */
static uint64_t
add_small (uint64_t *a, uint64_t c)
{
  for (int i = 0; i < LIMBS && c != 0; i++)
    {
      a[i] += c;
      c = a[i] < c;
    }
  return c;
}

/* out = r mod p, fully reduced, for a 6144-bit r. */
static void
reduce (const uint64_t r[2 * LIMBS], uint64_t out[LIMBS])
{
  /* r = lo + hi·2^3072 ≡ lo + hi·PRIME_DIFF */
  uint64_t carry = 0;
  for (int j = 0; j < LIMBS; j++)
    {
      u128 t = (u128) r[LIMBS + j] * PRIME_DIFF + r[j] + carry;
      out[j] = (uint64_t) t;
      carry = (uint64_t) (t >> 64);
    }
  /* carry < PRIME_DIFF + 2: fold it the same way; a carry out of that leaves
   * a small value, so the second fold cannot carry again. */
  if (add_small (out, carry * PRIME_DIFF))
    add_small (out, PRIME_DIFF);
  if (is_overflow (out))
    add_small (out, PRIME_DIFF); /* subtracts p, dropping the 2^3072 carry */
}

static void
mul_mod (uint64_t out[LIMBS], const uint64_t a[LIMBS], const uint64_t b[LIMBS])
{
  uint64_t r[2 * LIMBS];
  memset (r, 0, sizeof r);
  for (int i = 0; i < LIMBS; i++)
    {
      uint64_t carry = 0;
      uint64_t ai = a[i];
      for (int j = 0; j < LIMBS; j++)
        {
          u128 t = (u128) ai * b[j] + r[i + j] + carry;
          r[i + j] = (uint64_t) t;
          carry = (uint64_t) (t >> 64);
        }
      r[i + LIMBS] = carry;
    }
  reduce (r, out);
}

/* Squaring computes each cross product once and doubles them. */
static void
sqr_mod (uint64_t out[LIMBS], const uint64_t a[LIMBS])
{
  uint64_t r[2 * LIMBS];
  memset (r, 0, sizeof r);
  for (int i = 0; i < LIMBS - 1; i++)
    {
      uint64_t carry = 0;
      uint64_t ai = a[i];
      for (int j = i + 1; j < LIMBS; j++)
        {
          u128 t = (u128) ai * a[j] + r[i + j] + carry;
          r[i + j] = (uint64_t) t;
          carry = (uint64_t) (t >> 64);
        }
      r[i + LIMBS] = carry;
    }
  for (int k = 2 * LIMBS - 1; k > 0; k--)
    r[k] = r[k] << 1 | r[k - 1] >> 63;
  r[0] <<= 1;
  uint64_t carry = 0;
  for (int i = 0; i < LIMBS; i++)
    {
      u128 sq = (u128) a[i] * a[i];
      u128 lo = (u128) r[2 * i] + (uint64_t) sq + carry;
      r[2 * i] = (uint64_t) lo;
      u128 hi = (u128) r[2 * i + 1] + (uint64_t) (sq >> 64) + (uint64_t) (lo >> 64);
      r[2 * i + 1] = (uint64_t) hi;
      carry = (uint64_t) (hi >> 64);
    }
  reduce (r, out);
}

static void
sqr_n (uint64_t a[LIMBS], unsigned n)
{
  for (unsigned i = 0; i < n; i++)
    sqr_mod (a, a);
}

/* out = a^(p-2) = a^-1 mod p. */
static void
inverse (uint64_t out[LIMBS], const uint64_t a[LIMBS])
{
  /* e holds a^(2^n - 1); doubling n: e·e^(2^n); adding one: e^2·a. */
  uint64_t e[LIMBS], t[LIMBS];
  memcpy (e, a, sizeof e);
  unsigned n = 1;
  int top = 31 - __builtin_clz (INV_ONES);
  for (int bit = top - 1; bit >= 0; bit--)
    {
      memcpy (t, e, sizeof t);
      sqr_n (t, n);
      mul_mod (e, t, e);
      n *= 2;
      if ((INV_ONES >> bit) & 1)
        {
          sqr_mod (e, e);
          mul_mod (e, e, a);
          n++;
        }
    }
  g_assert (n == INV_ONES);
  /* Then the 21-bit tail, square-and-multiply. */
  for (int bit = INV_TAIL_BITS - 1; bit >= 0; bit--)
    {
      sqr_mod (e, e);
      if ((INV_TAIL >> bit) & 1)
        mul_mod (e, e, a);
    }
  memcpy (out, e, sizeof e);
}

void
umk_num3072_mul (UmkNum3072 *a, const UmkNum3072 *b)
{
  mul_mod (a->limbs, a->limbs, b->limbs);
}

void
umk_num3072_div (UmkNum3072 *a, const UmkNum3072 *b)
{
  uint64_t inv[LIMBS];
  inverse (inv, b->limbs);
  mul_mod (a->limbs, a->limbs, inv);
}

/* ---- ChaCha20 (RFC 8439 block function), only as the keystream generator
 * that maps an element's hash to a number: zero nonce, counter from 0. ---- */

#define ROTL32(v, n) ((v) << (n) | (v) >> (32 - (n)))
#define QUARTER(a, b, c, d)   \
  do                          \
    {                         \
      a += b;                 \
      d = ROTL32 (d ^ a, 16); \
      c += d;                 \
      b = ROTL32 (b ^ c, 12); \
      a += b;                 \
      d = ROTL32 (d ^ a, 8);  \
      c += d;                 \
      b = ROTL32 (b ^ c, 7);  \
    }                         \
  while (0)

static void
chacha20_keystream (const uint8_t key[32], uint8_t *out, size_t blocks)
{
  uint32_t init[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
  for (int i = 0; i < 8; i++)
    init[4 + i] = umk_load_u32le (key + 4 * i);
  for (size_t blk = 0; blk < blocks; blk++)
    {
      init[12] = (uint32_t) blk;
      uint32_t x[16];
      memcpy (x, init, sizeof x);
      for (int round = 0; round < 10; round++)
        {
          QUARTER (x[0], x[4], x[8], x[12]);
          QUARTER (x[1], x[5], x[9], x[13]);
          QUARTER (x[2], x[6], x[10], x[14]);
          QUARTER (x[3], x[7], x[11], x[15]);
          QUARTER (x[0], x[5], x[10], x[15]);
          QUARTER (x[1], x[6], x[11], x[12]);
          QUARTER (x[2], x[7], x[8], x[13]);
          QUARTER (x[3], x[4], x[9], x[14]);
        }
      for (int i = 0; i < 16; i++)
        umk_store_u32le (out + 64 * blk + 4 * i, x[i] + init[i]);
    }
}

static void
element_to_num (UmkNum3072 *out, const void *data, size_t len)
{
  uint8_t key[UMK_SHA256_SIZE];
  uint8_t stream[UMK_NUM3072_SIZE];
  umk_sha256 (data, len, key);
  chacha20_keystream (key, stream, UMK_NUM3072_SIZE / 64);
  umk_num3072_from_bytes (out, stream);
}

void
umk_muhash_init (UmkMuHash *m)
{
  umk_num3072_set_one (&m->numerator);
  umk_num3072_set_one (&m->denominator);
}

void
umk_muhash_init_element (UmkMuHash *m, const void *data, size_t len)
{
  element_to_num (&m->numerator, data, len);
  umk_num3072_set_one (&m->denominator);
}

void
umk_muhash_insert (UmkMuHash *m, const void *data, size_t len)
{
  UmkNum3072 x;
  element_to_num (&x, data, len);
  umk_num3072_mul (&m->numerator, &x);
}

void
umk_muhash_remove (UmkMuHash *m, const void *data, size_t len)
{
  UmkNum3072 x;
  element_to_num (&x, data, len);
  umk_num3072_mul (&m->denominator, &x);
}

void
umk_muhash_combine (UmkMuHash *m, const UmkMuHash *other)
{
  umk_num3072_mul (&m->numerator, &other->numerator);
  umk_num3072_mul (&m->denominator, &other->denominator);
}

void
umk_muhash_subtract (UmkMuHash *m, const UmkMuHash *other)
{
  /* Copies first: other may be m itself. */
  UmkNum3072 num = other->numerator, den = other->denominator;
  umk_num3072_mul (&m->numerator, &den);
  umk_num3072_mul (&m->denominator, &num);
}

void
umk_muhash_finalize (UmkMuHash *m, UmkUint256 *out)
{
  umk_num3072_div (&m->numerator, &m->denominator);
  umk_num3072_set_one (&m->denominator);
  uint8_t bytes[UMK_NUM3072_SIZE];
  umk_num3072_to_bytes (&m->numerator, bytes);
  umk_sha256 (bytes, sizeof bytes, out->b);
}

void
umk_muhash_write (const UmkMuHash *m, GByteArray *w)
{
  uint8_t bytes[UMK_NUM3072_SIZE];
  umk_num3072_to_bytes (&m->numerator, bytes);
  umk_write_bytes (w, bytes, sizeof bytes);
  umk_num3072_to_bytes (&m->denominator, bytes);
  umk_write_bytes (w, bytes, sizeof bytes);
}

bool
umk_muhash_read (UmkReader *r, UmkMuHash *m)
{
  const uint8_t *p;
  if (!umk_read_view (r, UMK_MUHASH_SERIALIZED_SIZE, &p))
    {
      umk_muhash_init (m);
      return false;
    }
  umk_num3072_from_bytes (&m->numerator, p);
  umk_num3072_from_bytes (&m->denominator, p + UMK_NUM3072_SIZE);
  return true;
}
