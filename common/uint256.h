/* uint256.h — 256-bit hashes and the 256-bit arithmetic of proof of work.
 *
 * UmkUint256 is an opaque 32-byte value (a hash) in the byte order it has on the
 * wire and in SHA-256 output. Umkoin Core *displays* such values byte-reversed,
 * as a little-endian number printed most significant digit first; the _hex
 * functions here follow that convention.
 *
 * UmkArith256 is the same value as an unsigned 256-bit integer, for targets and
 * chain work: compact nBits encoding, comparison, add, shift, divide.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct
{
  uint8_t b[32];
} UmkUint256;

#define UMK_UINT256_HEX_SIZE 65 /* 64 digits and a NUL */

/* Writes the display (byte-reversed) hex of v. */
void umk_uint256_to_hex_buf (const UmkUint256 *v, char out[UMK_UINT256_HEX_SIZE]);
char *umk_uint256_to_hex (const UmkUint256 *v) G_GNUC_WARN_UNUSED_RESULT;
/* Parses exactly 64 hex digits in display order. Returns false on anything else. */
bool umk_uint256_from_hex (UmkUint256 *out, const char *hex) G_GNUC_WARN_UNUSED_RESULT;

bool umk_uint256_is_zero (const UmkUint256 *v);
bool umk_uint256_equal (const UmkUint256 *a, const UmkUint256 *b);
/* Numeric comparison, treating the bytes as a little-endian number; -1, 0 or 1. */
int umk_uint256_cmp (const UmkUint256 *a, const UmkUint256 *b);
/* GHashTable functions for keys that point at UmkUint256 (hashes are random
 * already: the first bytes are the hash). */
guint umk_uint256_hash_func (gconstpointer v);
gboolean umk_uint256_equal_func (gconstpointer a, gconstpointer b);

/* ---- arithmetic ---- */

typedef struct
{
  uint32_t w[8]; /* little-endian 32-bit limbs: w[0] is least significant */
} UmkArith256;

void umk_arith256_from_uint256 (UmkArith256 *out, const UmkUint256 *in);
void umk_arith256_to_uint256 (UmkUint256 *out, const UmkArith256 *in);
void umk_arith256_from_u64 (UmkArith256 *out, uint64_t v);
uint64_t umk_arith256_low64 (const UmkArith256 *a);
int umk_arith256_cmp (const UmkArith256 *a, const UmkArith256 *b);
bool umk_arith256_is_zero (const UmkArith256 *a);
/* Number of significant bits (0 for zero). */
unsigned umk_arith256_bits (const UmkArith256 *a);
/* Modulo 2^256, like Umkoin Core's arith_uint256. */
void umk_arith256_add (UmkArith256 *r, const UmkArith256 *a, const UmkArith256 *b);
void umk_arith256_sub (UmkArith256 *r, const UmkArith256 *a, const UmkArith256 *b);
void umk_arith256_mul_u32 (UmkArith256 *r, const UmkArith256 *a, uint32_t m);
void umk_arith256_not (UmkArith256 *r, const UmkArith256 *a);
/* Shifts by any amount; 256 or more gives zero. */
void umk_arith256_shl (UmkArith256 *r, const UmkArith256 *a, unsigned shift);
void umk_arith256_shr (UmkArith256 *r, const UmkArith256 *a, unsigned shift);
/* r = a / b. Returns: false (r untouched) when b is zero. */
bool umk_arith256_div (UmkArith256 *r, const UmkArith256 *a,
                       const UmkArith256 *b) G_GNUC_WARN_UNUSED_RESULT;
/* The value as a double (rounded), for difficulty and log2 of chain work. */
double umk_arith256_to_double (const UmkArith256 *a);

/* Decodes a compact ("nBits") target. negative / overflow (may be NULL) report
 * the sign bit and a value that does not fit in 256 bits, exactly as Umkoin
 * Core's SetCompact does; the value is then meaningless. */
void umk_arith256_set_compact (UmkArith256 *r, uint32_t compact, bool *negative, bool *overflow);
/* Encodes a value as compact nBits; negative sets the sign bit if the mantissa is
 * non-zero. */
uint32_t umk_arith256_get_compact (const UmkArith256 *a, bool negative);

/* Work represented by a block with this nBits: 2^256 / (target + 1), computed as
 * ~target / (target + 1) + 1. A negative, overflowing or zero target has no work
 * (r = 0). */
void umk_arith256_work_from_bits (UmkArith256 *r, uint32_t bits);
