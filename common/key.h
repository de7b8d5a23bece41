/* key.h — secret keys and signing, for the wallet and for tests.
 *
 * Secret material passed in is only read; every copy made here (keypairs,
 * tweaked keys, nonces' inputs) is wiped before returning. Callers wipe their
 * own buffers with umk_memzero().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_SECKEY_SIZE 32

/* Zeroes memory in a way the compiler may not optimise away. */
void umk_memzero (void *p, size_t len);

/* A valid secret key is a 32-byte big-endian number in [1, n-1]. */
bool umk_seckey_is_valid (const uint8_t seckey[32]);

/* Serialized public key: 33 bytes if compressed, else 65. Writes the length. */
bool umk_seckey_get_pubkey (const uint8_t seckey[32], bool compressed, uint8_t out[65],
                            size_t *out_len);
/* The BIP 340 x-only public key (the x coordinate of seckey·G). */
bool umk_seckey_get_xonly (const uint8_t seckey[32], uint8_t out[32]);

/* ECDSA with an RFC 6979 deterministic nonce, low S, strict DER output
 * (at most 72 bytes). With grind_r, retries with extra entropy 1, 2, … until R
 * has its top bit clear (a 32-byte R: at most 70 bytes of DER, 71 with the
 * hash-type byte), as Umkoin Core's wallet signs. */
bool umk_ecdsa_sign (const uint8_t seckey[32], const uint8_t hash[32], bool grind_r,
                     uint8_t der[72], size_t *der_len);

/* BIP 340 signature of msg (any length; NULL only if msg_len is 0) with 32
 * bytes of auxiliary randomness aux (NULL: libsecp256k1 then uses 32 zero
 * bytes). The signature is verified before it is returned; on failure sig is
 * zeroed. */
bool umk_schnorr_sign (const uint8_t seckey[32], const uint8_t *msg, size_t msg_len,
                       const uint8_t *aux, uint8_t sig[64]);

/* The secret key of the BIP 341 output key: seckey negated if its point has an
 * odd y, plus tweak (x-only keypair tweak). Fails if the result is invalid. */
bool umk_seckey_tweak_xonly (const uint8_t seckey[32], const uint8_t tweak[32], uint8_t out[32]);
