/* bech32.h — Bech32 (BIP 173) and Bech32m (BIP 350) strings, the text form of
 * segwit addresses.
 *
 * A string is a human-readable part (HRP), the separator '1' (the last '1' in
 * the string) and a data part of 5-bit values written in a 32-character
 * alphabet, the last six of which are a BCH checksum over the HRP and the data.
 * Bech32 and Bech32m differ only in the constant the checksum is xored with
 * (1 and 0x2bc830a3), so one decoder recognises both and says which it found.
 *
 * Decoding applies Umkoin Core's rules (bech32.cpp): at most 90 characters,
 * every character in 33..126, no mixing of upper and lower case, a non-empty
 * HRP, at least six checksum characters. umk_bech32_locate_errors() gives
 * Core's message for a string that does not decode and, for checksum errors,
 * the positions of up to two wrong characters.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest string accepted (BIP 173; the checksum finds up to 4 errors in it). */
#define UMK_BECH32_MAX_LEN      90
#define UMK_BECH32_CHECKSUM_LEN 6
/* Longest HRP and data part (without the checksum) a decodable string can have. */
#define UMK_BECH32_MAX_HRP_LEN  (UMK_BECH32_MAX_LEN - 1 - UMK_BECH32_CHECKSUM_LEN)
#define UMK_BECH32_MAX_DATA_LEN (UMK_BECH32_MAX_LEN - 2 - UMK_BECH32_CHECKSUM_LEN)

typedef enum
{
  UMK_BECH32_ENCODING_INVALID, /* not a valid string of either kind */
  UMK_BECH32_ENCODING_BECH32,  /* BIP 173 */
  UMK_BECH32_ENCODING_BECH32M, /* BIP 350 */
} UmkBech32Encoding;

/* A decoded string. */
typedef struct
{
  UmkBech32Encoding encoding;
  char hrp[UMK_BECH32_MAX_HRP_LEN + 1]; /* lower case, NUL-terminated */
  size_t hrp_len;
  uint8_t data[UMK_BECH32_MAX_DATA_LEN]; /* 5-bit values, checksum removed */
  size_t data_len;
} UmkBech32Decoded;

/* Encodes an HRP and 5-bit values, appending the checksum of the encoding.
 * Like Core's bech32::Encode the length is not limited; a result over 90
 * characters will not decode.
 * Returns: a newly allocated lower-case string; NULL if encoding is INVALID,
 *          hrp is empty or has a character outside 33..126 or an upper-case
 *          letter, or a value is over 31.
 * In:      encoding: BECH32 or BECH32M.
 *          hrp: the human-readable part, NUL-terminated.
 *          values, n_values: the data part without its checksum. */
char *umk_bech32_encode (UmkBech32Encoding encoding, const char *hrp, const uint8_t *values,
                         size_t n_values) G_GNUC_WARN_UNUSED_RESULT;

/* Decodes a Bech32 or Bech32m string (Core's bech32::Decode).
 * Returns: true if str is valid; false otherwise, with out->encoding INVALID.
 * Out:     out: the encoding, lower-case HRP and data values.
 * In:      str, str_len: the string (a NUL in it makes it invalid). */
bool umk_bech32_decode (UmkBech32Decoded *out, const char *str,
                        size_t str_len) G_GNUC_WARN_UNUSED_RESULT;

/* Explains why a string does not decode (Core's bech32::LocateErrors): "Bech32
 * string too long", "Invalid character or mixed case", "Missing separator",
 * "Invalid separator position", "Invalid Base 32 character", "Invalid Bech32
 * checksum", "Invalid Bech32m checksum" or "Invalid checksum".
 * Returns: that message (static), or "" if str is a valid Bech32 or Bech32m
 *          string.
 * Out:     locations: if not NULL, an array of int (g_array_new (FALSE, FALSE,
 *          sizeof (int))) that is cleared and filled with the 0-based positions
 *          of the offending characters, in increasing order.
 * In:      str, str_len: the string. */
const char *umk_bech32_locate_errors (GArray *locations, const char *str, size_t str_len);

/* Regroups a bit string from from_bits-bit values to to_bits-bit values, most
 * significant bits first (BIP 173's convertbits).
 * Returns: true on success; false if an input value does not fit in from_bits,
 *          out is too small, or, without pad, the input leaves a group of
 *          from_bits or more bits over or non-zero padding bits.
 * Out:     out: the regrouped values.
 * In/Out:  out_len: in, the size of out; out, the number of values written.
 * In:      to_bits, from_bits: group sizes, 1..8 each.
 *          in, in_len: the input values.
 *          pad: whether a last, incomplete output group is padded with zero
 *          bits (encoding) rather than required to be zero padding (decoding). */
bool umk_bech32_convert_bits (uint8_t *out, size_t *out_len, unsigned to_bits, const uint8_t *in,
                              size_t in_len, unsigned from_bits,
                              bool pad) G_GNUC_WARN_UNUSED_RESULT;
