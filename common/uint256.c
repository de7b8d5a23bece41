#define G_LOG_DOMAIN "umk-uint256"
#include "config.h"

#include "common/uint256.h"

#include "common/hex.h"

#include <math.h>
#include <string.h>

void
umk_uint256_to_hex_buf (const UmkUint256 *v, char out[UMK_UINT256_HEX_SIZE])
{
  uint8_t rev[32];
  for (int i = 0; i < 32; i++)
    rev[i] = v->b[31 - i];
  umk_hex_encode_to (out, rev, sizeof rev);
}

char *
umk_uint256_to_hex (const UmkUint256 *v)
{
  char *out = g_malloc (UMK_UINT256_HEX_SIZE);
  umk_uint256_to_hex_buf (v, out);
  return out;
}

bool
umk_uint256_from_hex (UmkUint256 *out, const char *hex)
{
  uint8_t rev[32];
  if (!umk_hex_decode_fixed (hex, rev, sizeof rev))
    return false;
  for (int i = 0; i < 32; i++)
    out->b[i] = rev[31 - i];
  return true;
}

bool
umk_uint256_is_zero (const UmkUint256 *v)
{
  uint8_t acc = 0;
  for (int i = 0; i < 32; i++)
    acc |= v->b[i];
  return acc == 0;
}

bool
umk_uint256_equal (const UmkUint256 *a, const UmkUint256 *b)
{
  return memcmp (a->b, b->b, 32) == 0;
}

int
umk_uint256_cmp (const UmkUint256 *a, const UmkUint256 *b)
{
  for (int i = 31; i >= 0; i--)
    if (a->b[i] != b->b[i])
      return a->b[i] < b->b[i] ? -1 : 1;
  return 0;
}

void
umk_arith256_from_uint256 (UmkArith256 *out, const UmkUint256 *in)
{
  for (int i = 0; i < 8; i++)
    out->w[i] = (uint32_t) in->b[4 * i] | (uint32_t) in->b[4 * i + 1] << 8
                | (uint32_t) in->b[4 * i + 2] << 16 | (uint32_t) in->b[4 * i + 3] << 24;
}

void
umk_arith256_to_uint256 (UmkUint256 *out, const UmkArith256 *in)
{
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++)
      out->b[4 * i + j] = (uint8_t) (in->w[i] >> (8 * j));
}

void
umk_arith256_from_u64 (UmkArith256 *out, uint64_t v)
{
  memset (out, 0, sizeof *out);
  out->w[0] = (uint32_t) v;
  out->w[1] = (uint32_t) (v >> 32);
}

uint64_t
umk_arith256_low64 (const UmkArith256 *a)
{
  return (uint64_t) a->w[0] | (uint64_t) a->w[1] << 32;
}

int
umk_arith256_cmp (const UmkArith256 *a, const UmkArith256 *b)
{
  for (int i = 7; i >= 0; i--)
    if (a->w[i] != b->w[i])
      return a->w[i] < b->w[i] ? -1 : 1;
  return 0;
}

bool
umk_arith256_is_zero (const UmkArith256 *a)
{
  for (int i = 0; i < 8; i++)
    if (a->w[i] != 0)
      return false;
  return true;
}

unsigned
umk_arith256_bits (const UmkArith256 *a)
{
  for (int i = 7; i >= 0; i--)
    if (a->w[i] != 0)
      return 32 * (unsigned) i + 32 - (unsigned) __builtin_clz (a->w[i]);
  return 0;
}

void
umk_arith256_add (UmkArith256 *r, const UmkArith256 *a, const UmkArith256 *b)
{
  uint64_t carry = 0;
  for (int i = 0; i < 8; i++)
    {
      uint64_t n = carry + a->w[i] + b->w[i];
      r->w[i] = (uint32_t) n;
      carry = n >> 32;
    }
}

void
umk_arith256_sub (UmkArith256 *r, const UmkArith256 *a, const UmkArith256 *b)
{
  uint64_t borrow = 0;
  for (int i = 0; i < 8; i++)
    {
      uint64_t n = (uint64_t) a->w[i] - b->w[i] - borrow;
      r->w[i] = (uint32_t) n;
      borrow = (n >> 32) & 1;
    }
}

void
umk_arith256_mul_u32 (UmkArith256 *r, const UmkArith256 *a, uint32_t m)
{
  uint64_t carry = 0;
  for (int i = 0; i < 8; i++)
    {
      uint64_t n = carry + (uint64_t) a->w[i] * m;
      r->w[i] = (uint32_t) n;
      carry = n >> 32;
    }
}

void
umk_arith256_not (UmkArith256 *r, const UmkArith256 *a)
{
  for (int i = 0; i < 8; i++)
    r->w[i] = ~a->w[i];
}

void
umk_arith256_shl (UmkArith256 *r, const UmkArith256 *a, unsigned shift)
{
  UmkArith256 t = { { 0 } };
  unsigned k = shift / 32, s = shift % 32;
  for (unsigned i = 0; i < 8; i++)
    {
      if (i + k < 8)
        t.w[i + k] |= a->w[i] << s;
      if (s != 0 && i + k + 1 < 8)
        t.w[i + k + 1] |= a->w[i] >> (32 - s);
    }
  *r = t;
}

void
umk_arith256_shr (UmkArith256 *r, const UmkArith256 *a, unsigned shift)
{
  UmkArith256 t = { { 0 } };
  unsigned k = shift / 32, s = shift % 32;
  for (unsigned i = 0; i < 8; i++)
    {
      if (i >= k)
        t.w[i - k] |= a->w[i] >> s;
      if (s != 0 && i >= k + 1)
        t.w[i - k - 1] |= a->w[i] << (32 - s);
    }
  *r = t;
}

bool
umk_arith256_div (UmkArith256 *r, const UmkArith256 *a, const UmkArith256 *b)
{
  /* Binary long division: at most 256 shift-and-subtract steps. Only used for
   * chain work and retargeting, far from any hot path. */
  unsigned num_bits = umk_arith256_bits (a), div_bits = umk_arith256_bits (b);
  if (div_bits == 0)
    return false;
  UmkArith256 num = *a, quot = { { 0 } };
  if (div_bits > num_bits)
    {
      *r = quot;
      return true;
    }
  unsigned shift = num_bits - div_bits;
  UmkArith256 div;
  umk_arith256_shl (&div, b, shift);
  for (;;)
    {
      if (umk_arith256_cmp (&num, &div) >= 0)
        {
          umk_arith256_sub (&num, &num, &div);
          quot.w[shift / 32] |= 1u << (shift % 32);
        }
      if (shift == 0)
        break;
      umk_arith256_shr (&div, &div, 1);
      shift--;
    }
  *r = quot;
  return true;
}

double
umk_arith256_to_double (const UmkArith256 *a)
{
  double ret = 0.0, fact = 1.0;
  for (int i = 0; i < 8; i++)
    {
      ret += fact * a->w[i];
      fact *= 4294967296.0;
    }
  return ret;
}

void
umk_arith256_set_compact (UmkArith256 *r, uint32_t compact, bool *negative, bool *overflow)
{
  unsigned size = compact >> 24;
  uint32_t word = compact & 0x007fffff;
  if (size <= 3)
    {
      word >>= 8 * (3 - size);
      umk_arith256_from_u64 (r, word);
    }
  else
    {
      UmkArith256 w;
      umk_arith256_from_u64 (&w, word);
      umk_arith256_shl (r, &w, 8 * (size - 3));
    }
  if (negative != NULL)
    *negative = word != 0 && (compact & 0x00800000) != 0;
  if (overflow != NULL)
    *overflow
        = word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
}

uint32_t
umk_arith256_get_compact (const UmkArith256 *a, bool negative)
{
  unsigned size = (umk_arith256_bits (a) + 7) / 8;
  uint32_t compact;
  if (size <= 3)
    compact = (uint32_t) (umk_arith256_low64 (a) << 8 * (3 - size));
  else
    {
      UmkArith256 t;
      umk_arith256_shr (&t, a, 8 * (size - 3));
      compact = (uint32_t) umk_arith256_low64 (&t);
    }
  /* The mantissa is signed: if its top bit would be set, use one more byte. */
  if (compact & 0x00800000)
    {
      compact >>= 8;
      size++;
    }
  g_assert ((compact & ~0x007fffffu) == 0 && size < 256);
  compact |= size << 24;
  if (negative && (compact & 0x007fffff) != 0)
    compact |= 0x00800000;
  return compact;
}

void
umk_arith256_work_from_bits (UmkArith256 *r, uint32_t bits)
{
  bool negative, overflow;
  UmkArith256 target;
  umk_arith256_set_compact (&target, bits, &negative, &overflow);
  if (negative || overflow || umk_arith256_is_zero (&target))
    {
      umk_arith256_from_u64 (r, 0);
      return;
    }
  /* 2^256 does not fit; 2^256 / (t + 1) == ~t / (t + 1) + 1. */
  UmkArith256 not_t, t_plus_1, one;
  umk_arith256_from_u64 (&one, 1);
  umk_arith256_not (&not_t, &target);
  umk_arith256_add (&t_plus_1, &target, &one);
  bool ok = umk_arith256_div (r, &not_t, &t_plus_1);
  g_assert (ok); /* t + 1 > 0 since t < 2^256 - 1 when not overflowing */
  umk_arith256_add (r, r, &one);
}

guint
umk_uint256_hash_func (gconstpointer v)
{
  guint h;
  memcpy (&h, ((const UmkUint256 *) v)->b, sizeof h);
  return h;
}

gboolean
umk_uint256_equal_func (gconstpointer a, gconstpointer b)
{
  return memcmp (((const UmkUint256 *) a)->b, ((const UmkUint256 *) b)->b, 32) == 0;
}
