/* muhash.h — MuHash3072, the rolling hash of a set that Umkoin Core uses for
 * gettxoutsetinfo's "muhash" and the coinstats index.
 *
 * Each element is hashed to a number modulo the prime p = 2^3072 - 1103717
 * (SHA-256 of the element keys a ChaCha20 keystream of 384 bytes, read as a
 * little-endian number); the set's value is the product of its elements'
 * numbers. Adding multiplies the numerator, removing multiplies the
 * denominator, so both are cheap and order does not matter; the one modular
 * inverse is paid when the hash is finalized. The final hash is SHA-256 of the
 * 384-byte little-endian value numerator / denominator mod p.
 */
#pragma once

#include "common/serialize.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_NUM3072_LIMBS 48
#define UMK_NUM3072_SIZE  384 /* bytes */

/* A number below 2^3072 as 64-bit little-endian limbs (limbs[0] least
 * significant). It may be at or above p until an operation reduces it. */
typedef struct
{
  uint64_t limbs[UMK_NUM3072_LIMBS];
} UmkNum3072;

void umk_num3072_set_one (UmkNum3072 *a);
void umk_num3072_from_bytes (UmkNum3072 *a, const uint8_t in[UMK_NUM3072_SIZE]);
void umk_num3072_to_bytes (const UmkNum3072 *a, uint8_t out[UMK_NUM3072_SIZE]);
/* a = a * b mod p; the result is fully reduced (below p). */
void umk_num3072_mul (UmkNum3072 *a, const UmkNum3072 *b);
/* a = a / b mod p (b's inverse by Fermat's little theorem; b ≡ 0 gives 0). */
void umk_num3072_div (UmkNum3072 *a, const UmkNum3072 *b);

typedef struct
{
  UmkNum3072 numerator;
  UmkNum3072 denominator;
} UmkMuHash;

/* The serialization of a MuHash state: numerator then denominator, each as 48
 * little-endian uint64 limbs (Core's MuHash3072 serialization). */
#define UMK_MUHASH_SERIALIZED_SIZE (2 * UMK_NUM3072_SIZE)

/* The empty set. */
void umk_muhash_init (UmkMuHash *m);
/* The set holding only data. */
void umk_muhash_init_element (UmkMuHash *m, const void *data, size_t len);
void umk_muhash_insert (UmkMuHash *m, const void *data, size_t len);
void umk_muhash_remove (UmkMuHash *m, const void *data, size_t len);
/* m = m ∪ other (Core's *=). */
void umk_muhash_combine (UmkMuHash *m, const UmkMuHash *other);
/* m = m \ other (Core's /=). */
void umk_muhash_subtract (UmkMuHash *m, const UmkMuHash *other);
/* Writes the 32-byte hash of the set. Like Core's Finalize it folds the
 * denominator into the numerator (the set is unchanged, its state simpler). */
void umk_muhash_finalize (UmkMuHash *m, UmkUint256 *out);

void umk_muhash_write (const UmkMuHash *m, GByteArray *w);
bool umk_muhash_read (UmkReader *r, UmkMuHash *m) G_GNUC_WARN_UNUSED_RESULT;
