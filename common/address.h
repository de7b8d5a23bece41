/* address.h — addresses and WIF private keys as Umkoin Core reads and writes
 * them (key_io.cpp), for the address parameters of one chain.
 *
 * An address stands for an output script (scriptPubKey):
 *   P2PKH   base58check(pubkey_prefix || hash160)   OP_DUP OP_HASH160 <20> OP_EQUALVERIFY
 * OP_CHECKSIG P2SH    base58check(script_prefix || hash160)   OP_HASH160 <20> OP_EQUAL segwit
 * bech32 (version 0) or bech32m (1..16)   OP_n <program> where a segwit program is 20 (P2WPKH) or
 * 32 (P2WSH) bytes for version 0 and 2..40 bytes for versions 1..16 (version 1 with 32 bytes is
 * P2TR; version 1 with the two bytes 4e73 is the pay-to-anchor output).
 *
 * Decoding gives Core's error messages (DecodeDestination), word for word, so
 * RPC errors read the same as umkoind's.
 */
#pragma once

#include "common/chainparams.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_SECRET_KEY_SIZE 32
/* Longest WIF string: base58check of prefix, key and compression flag. */
#define UMK_WIF_MAX_LEN 52

/* The address of an output script (Core's ExtractDestination followed by
 * EncodeDestination).
 * Returns: a newly allocated address; NULL if the script has no address
 *          (P2PK, multisig, OP_RETURN, a version 0 program that is neither 20
 *          nor 32 bytes, anything non-standard).
 * In:      params: the chain's prefixes.
 *          script, len: the scriptPubKey. */
char *umk_address_from_script (const UmkAddressParams *params, const uint8_t *script,
                               size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* The output script an address pays to (Core's DecodeDestination followed by
 * GetScriptForDestination). Leading and trailing whitespace is accepted
 * around a Base58 address, as Core accepts it.
 * Returns: the scriptPubKey; NULL with error (UMK_ERROR_INVALID, Core's
 *          message) if address is not a valid address for this chain.
 * In:      params: the chain's prefixes.
 *          address: the text, NUL-terminated. */
GByteArray *umk_address_to_script (const UmkAddressParams *params, const char *address,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* As umk_address_to_script(), and also gives the positions of the characters
 * found wrong in a mistyped segwit address (the validateaddress RPC's
 * error_locations).
 * Out:     error_locations: if not NULL, an array of int that is cleared and,
 *          on failure, filled with the 0-based positions (possibly none). */
GByteArray *umk_address_to_script_full (const UmkAddressParams *params, const char *address,
                                        GArray *error_locations,
                                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: true if address is a valid address for this chain (Core's
 *          IsValidDestinationString). */
bool umk_address_is_valid (const UmkAddressParams *params, const char *address);

/* Decodes a WIF private key (Core's DecodeSecret): base58check of the secret
 * prefix, the 32-byte key and, for a key whose public key is compressed, 0x01.
 * Returns: true on success; false if wif is not a WIF key of this chain or the
 *          key is not a valid secp256k1 secret key (zero, or not below the
 *          group order). On failure key_out is wiped.
 * In:      params: the chain's prefixes.
 *          wif: the text, NUL-terminated.
 * Out:     key_out: the secret key.
 *          compressed: whether the key's public key is used compressed. */
bool umk_wif_decode (const UmkAddressParams *params, const char *wif,
                     uint8_t key_out[UMK_SECRET_KEY_SIZE],
                     bool *compressed) G_GNUC_WARN_UNUSED_RESULT;

/* Encodes a private key as WIF (Core's EncodeSecret) into a caller's buffer,
 * so that the secret text can live in memory the caller wipes.
 * Returns: true on success; false if key is not a valid secret key.
 * Out:     out: the NUL-terminated WIF text.
 * In:      params: the chain's prefixes.
 *          key: the secret key.
 *          compressed: whether to mark the public key as compressed. */
bool umk_wif_encode_to (char out[UMK_WIF_MAX_LEN + 1], const UmkAddressParams *params,
                        const uint8_t key[UMK_SECRET_KEY_SIZE],
                        bool compressed) G_GNUC_WARN_UNUSED_RESULT;

/* As umk_wif_encode_to(), into a newly allocated string. It holds a secret:
 * wipe it (explicit_bzero (s, strlen (s))) before g_free().
 * Returns: the WIF text; NULL if key is not a valid secret key. */
char *umk_wif_encode (const UmkAddressParams *params, const uint8_t key[UMK_SECRET_KEY_SIZE],
                      bool compressed) G_GNUC_WARN_UNUSED_RESULT;
