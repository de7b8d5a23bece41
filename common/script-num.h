/* script-num.h — numbers on the script stack (Core's CScriptNum).
 *
 * Little-endian magnitude with the sign in the top bit of the last byte,
 * zero as the empty string. Arithmetic operands are at most 4 bytes, but
 * results may overflow into 5 (they can be compared or pushed, not fed back
 * into arithmetic), so values are carried as int64.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_SCRIPT_NUM_DEFAULT_SIZE 4
#define UMK_SCRIPT_NUM_MAX_ENCODED  9 /* an int64 magnitude and a sign byte */

/* Decodes at most max_len bytes; with require_minimal, rejects encodings with
 * a needless trailing zero (or 0x80) byte. Returns false when the value cannot
 * be a script number under those rules. */
static inline bool
umk_script_num_decode (const uint8_t *p, size_t len, size_t max_len, bool require_minimal,
                       int64_t *out)
{
  if (len > max_len)
    return false;
  if (require_minimal && len > 0 && (p[len - 1] & 0x7f) == 0)
    {
      /* The last byte may be only a sign byte if the one before it needs
       * its top bit for the magnitude. */
      if (len == 1 || (p[len - 2] & 0x80) == 0)
        return false;
    }
  if (len == 0)
    {
      *out = 0;
      return true;
    }
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++)
    v |= (uint64_t) p[i] << (8 * i);
  /* max_len ≤ 5 in every use, so the magnitude fits comfortably. */
  if (p[len - 1] & 0x80)
    *out = -(int64_t) (v & ~((uint64_t) 0x80 << (8 * (len - 1))));
  else
    *out = (int64_t) v;
  return true;
}

/* Encodes n minimally into out; returns the length (0 for zero). */
static inline size_t
umk_script_num_encode (int64_t n, uint8_t out[UMK_SCRIPT_NUM_MAX_ENCODED])
{
  if (n == 0)
    return 0;
  bool neg = n < 0;
  uint64_t mag = neg ? (uint64_t) 0 - (uint64_t) n : (uint64_t) n;
  size_t len = 0;
  while (mag)
    {
      out[len++] = (uint8_t) (mag & 0xff);
      mag >>= 8;
    }
  if (out[len - 1] & 0x80)
    out[len++] = neg ? 0x80 : 0x00;
  else if (neg)
    out[len - 1] |= 0x80;
  return len;
}

/* The int32 a number becomes where Core calls getint(): clamped. */
static inline int32_t
umk_script_num_to_int32 (int64_t n)
{
  return n > INT32_MAX ? INT32_MAX : n < INT32_MIN ? INT32_MIN : (int32_t) n;
}
