/* hex.h — hexadecimal text, as Umkoin Core reads and writes it (lower case out,
 * either case in, no prefix, no separators). */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes 2 * len lower-case hex digits and a NUL to out (2 * len + 1 bytes). */
void umk_hex_encode_to (char *out, const uint8_t *data, size_t len);
/* Returns a newly allocated lower-case hex string of data. */
char *umk_hex_encode (const uint8_t *data, size_t len) G_GNUC_WARN_UNUSED_RESULT;

/* Value of one hex digit, or -1. */
int umk_hex_digit (char c);

/* True if str is a non-empty string of an even number of hex digits (Core's IsHex). */
bool umk_hex_is_valid (const char *str);

/* Decodes exactly out_len bytes from a string of exactly 2 * out_len hex digits.
 * Returns: true on success; false (out untouched past what was written) otherwise. */
bool umk_hex_decode_fixed (const char *hex, uint8_t *out, size_t out_len) G_GNUC_WARN_UNUSED_RESULT;

/* Decodes an even-length hex string (empty allowed) into a new byte array.
 * Returns: NULL with error set when a character is not a hex digit or the
 * length is odd. */
GByteArray *umk_hex_decode (const char *hex, GError **error) G_GNUC_WARN_UNUSED_RESULT;
