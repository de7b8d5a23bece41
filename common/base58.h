/* base58.h — Base58 and Base58Check, the text form of legacy addresses, WIF
 * private keys and extended keys, with Umkoin Core's exact decoding rules.
 *
 * Decoding follows Core's DecodeBase58: leading and trailing whitespace (space,
 * \f \n \r \t \v) is skipped, anything else that is not a Base58 digit fails,
 * a NUL anywhere in the input fails, and each leading '1' stands for one
 * leading zero byte. The caller bounds the size of the result, and decoding
 * stops as soon as the bound is passed, so a huge input costs no more work
 * than the bound allows.
 *
 * Strings are passed with their length so that an embedded NUL is seen (and
 * rejected, as Core does) rather than silently cutting the input short.
 *
 * Nothing here allocates on the heap except the char * returning wrappers and
 * the checksum buffer of umk_base58check_decode(); decoded bytes are written
 * only to the caller's buffer, and every temporary is wiped, so the functions
 * are safe for private keys.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Size of a buffer that holds the Base58 text of n bytes plus its NUL: every
 * byte needs at most log(256)/log(58) < 1.38 digits. */
#define UMK_BASE58_ENCODED_SIZE(n) (138 * (n) / 100 + 2)

/* Length of the Base58Check checksum: the first bytes of SHA256d(payload). */
#define UMK_BASE58_CHECKSUM_SIZE 4

/* Encodes bytes as Base58 into a caller's buffer.
 * Returns: true on success; false if out is too small (out then holds "").
 * Out:     out: the NUL-terminated text.
 * In/Out:  out_len: in, the size of out (UMK_BASE58_ENCODED_SIZE (len) is
 *          always enough); out, the length of the text without its NUL.
 * In:      data, len: the bytes (data may be NULL when len is 0). */
bool umk_base58_encode_to (char *out, size_t *out_len, const uint8_t *data,
                           size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* Encodes bytes as Base58.
 * Returns: a newly allocated NUL-terminated string ("" for no bytes). */
char *umk_base58_encode (const uint8_t *data, size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* Encodes bytes followed by their 4-byte SHA256d checksum as Base58.
 * Returns: true on success; false if out is too small (out then holds "").
 * Out:     out: the NUL-terminated text.
 * In/Out:  out_len: in, the size of out (UMK_BASE58_ENCODED_SIZE (len + 4) is
 *          always enough); out, the length of the text without its NUL.
 * In:      data, len: the payload. */
bool umk_base58check_encode_to (char *out, size_t *out_len, const uint8_t *data,
                                size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* As umk_base58check_encode_to(), into a newly allocated string. */
char *umk_base58check_encode (const uint8_t *data, size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* Decodes Base58 text (Core's DecodeBase58).
 * Returns: true on success; false if the text has a character that is neither
 *          a Base58 digit nor surrounding whitespace, contains a NUL, or would
 *          decode to more than the bound. On failure out is wiped.
 * Out:     out: the decoded bytes.
 * In/Out:  out_len: in, the bound on the result and the size of out (Core's
 *          max_ret_len); out, the number of bytes decoded.
 * In:      str, str_len: the text. */
bool umk_base58_decode (uint8_t *out, size_t *out_len, const char *str,
                        size_t str_len) G_GNUC_WARN_UNUSED_RESULT;

/* Decodes Base58Check text and verifies and strips its checksum (Core's
 * DecodeBase58Check).
 * Returns: true on success; false as for umk_base58_decode(), or if the
 *          decoded bytes are fewer than 4 or the checksum does not match.
 *          On failure out is wiped.
 * Out:     out: the payload, without the checksum.
 * In/Out:  out_len: in, the bound on the payload and the size of out; out, the
 *          payload length.
 * In:      str, str_len: the text. */
bool umk_base58check_decode (uint8_t *out, size_t *out_len, const char *str,
                             size_t str_len) G_GNUC_WARN_UNUSED_RESULT;
