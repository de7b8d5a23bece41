/* hash.h — the hash functions of the Umkoin protocol, from OpenSSL's libcrypto.
 *
 * Every hash the consensus code needs goes through this one thin wrapper, so the
 * library behind it (and its use of the CPU's SHA extensions) is chosen in one
 * place. No hash is implemented here.
 *
 * Failure policy: libcrypto only fails these operations when it cannot allocate
 * memory or the default provider is missing an algorithm. Like GLib on OOM, we
 * abort with a message rather than hand a half-computed hash to consensus code.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define UMK_SHA256_SIZE    32
#define UMK_SHA512_SIZE    64
#define UMK_RIPEMD160_SIZE 20
#define UMK_HASH160_SIZE   20
#define UMK_SHA1_SIZE      20

/* Incremental SHA-256. A context borrows an OpenSSL digest context from a small
 * per-thread pool in umk_sha256_init() and gives it back in umk_sha256_final(),
 * so hashing in a loop does not allocate. Every init must be matched by a final
 * (or umk_sha256_abort()). */
typedef struct
{
  void *evp; /* EVP_MD_CTX *, opaque to callers */
} UmkSha256;

void umk_sha256_init (UmkSha256 *h);
void umk_sha256_update (UmkSha256 *h, const void *data, size_t len);
/* Writes the digest and releases the context. */
void umk_sha256_final (UmkSha256 *h, uint8_t out[UMK_SHA256_SIZE]);
/* Like final, and then hashes the digest once more (double SHA-256). */
void umk_sha256d_final (UmkSha256 *h, uint8_t out[UMK_SHA256_SIZE]);
/* Releases the context without producing a digest. */
void umk_sha256_abort (UmkSha256 *h);
/* Starts dst as a copy of the running state of src (both must be finalized). */
void umk_sha256_copy (UmkSha256 *dst, const UmkSha256 *src);

/* One-shot hashes. */
void umk_sha256 (const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE]);
/* SHA-256(SHA-256(data)): block and transaction ids, checksums. */
void umk_sha256d (const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE]);
void umk_sha512 (const void *data, size_t len, uint8_t out[UMK_SHA512_SIZE]);
void umk_ripemd160 (const void *data, size_t len, uint8_t out[UMK_RIPEMD160_SIZE]);
/* SHA-1: only for OP_SHA1, which consensus keeps. */
void umk_sha1 (const void *data, size_t len, uint8_t out[UMK_SHA1_SIZE]);
/* RIPEMD-160(SHA-256(data)): key and script hashes of P2PKH/P2SH/P2WPKH. */
void umk_hash160 (const void *data, size_t len, uint8_t out[UMK_HASH160_SIZE]);

void umk_hmac_sha256 (const void *key, size_t key_len, const void *data, size_t data_len,
                      uint8_t out[UMK_SHA256_SIZE]);
void umk_hmac_sha512 (const void *key, size_t key_len, const void *data, size_t data_len,
                      uint8_t out[UMK_SHA512_SIZE]);

/* BIP 340 tagged hash: SHA-256(SHA-256(tag) || SHA-256(tag) || data).
 * umk_tagged_hash_init() leaves h ready for the data. */
void umk_tagged_hash_init (UmkSha256 *h, const char *tag);
void umk_tagged_hash (const char *tag, const void *data, size_t len, uint8_t out[UMK_SHA256_SIZE]);

/* SipHash-2-4 with a 128-bit key given as two little-endian 64-bit halves
 * (k0 = key bytes 0..7) and a 64-bit result read little-endian, as Umkoin Core
 * uses it for salted hash tables and BIP 152 short ids. */
uint64_t umk_siphash24 (uint64_t k0, uint64_t k1, const void *data, size_t len);
