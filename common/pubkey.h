/* pubkey.h — public keys and signature verification through libsecp256k1.
 *
 * All verification shares one secp256k1 context, created once and randomized
 * (side-channel blinding; it does not change results), safe to use from any
 * thread after creation.
 *
 * ECDSA signatures are parsed with the lax DER rules Umkoin Core has always
 * accepted in consensus (the BER-ish encodings of early transactions); strict
 * DER and low-S are policy rules the script interpreter checks separately.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_PUBKEY_SIZE            65 /* uncompressed (and hybrid) */
#define UMK_PUBKEY_COMPRESSED_SIZE 33
#define UMK_XONLY_PUBKEY_SIZE      32
#define UMK_SCHNORR_SIG_SIZE       64
#define UMK_ECDSA_DER_MAX_SIZE     72

struct secp256k1_context_struct;

/* The shared context (verification and signing). */
const struct secp256k1_context_struct *umk_secp256k1_context (void);

/* Core's CPubKey size rule from the first byte: 0x02/0x03 → 33 bytes,
 * 0x04/0x06/0x07 → 65 bytes; anything else, or another length, is invalid.
 * It says nothing about the point being on the curve. */
bool umk_pubkey_has_valid_size (const uint8_t *pubkey, size_t len);

/* Lax DER: Core's ecdsa_signature_parse_der_lax. Accepts any length bytes and
 * padded integers; overflowing R or S parse as a signature that cannot verify.
 * Writes R || S (32 bytes each, big-endian). Returns false when the outer
 * structure cannot be parsed at all. */
bool umk_ecdsa_sig_parse_lax (const uint8_t *sig, size_t len, uint8_t compact[64]);

/* CPubKey::Verify: the key must parse (sizes as above, point on the curve),
 * the signature lax-parse; a high S is normalized before verifying (low-S is
 * policy, enforced elsewhere). hash is the 32-byte signature hash. */
bool umk_ecdsa_verify (const uint8_t *pubkey, size_t pubkey_len, const uint8_t *sig,
                       size_t sig_len, const uint8_t hash[32]);

/* CPubKey::CheckLowS: true if the signature lax-parses and its S is at most n/2. */
bool umk_ecdsa_sig_has_low_s (const uint8_t *sig, size_t len);

/* BIP 340 verification of a 64-byte signature over msg (any length, 32 in
 * Umkoin's use) with a 32-byte x-only key. */
bool umk_schnorr_verify (const uint8_t xonly[32], const uint8_t sig[64], const uint8_t *msg,
                         size_t msg_len);

/* True if the 32 bytes are the x coordinate of a point on the curve. */
bool umk_xonly_is_valid (const uint8_t xonly[32]);

/* Q = P + t·G for the x-only key P and 32-byte tweak t (BIP 341 output key).
 * Writes Q's x coordinate and the parity of its y (0 even, 1 odd). Fails if
 * P is not a valid key or t is not below the group order or Q is infinity. */
bool umk_xonly_tweak_add (const uint8_t internal[32], const uint8_t tweak[32], uint8_t out[32],
                          int *parity);

/* Checks that output_key (with y parity) is internal + tweak·G
 * (secp256k1_xonly_pubkey_tweak_add_check). */
bool umk_xonly_tweak_add_check (const uint8_t output_key[32], int parity,
                                const uint8_t internal[32], const uint8_t tweak[32]);
