/* compress.h — the compact encodings of amounts, scripts and outputs that the
 * UTXO database and the undo files use (Umkoin Core's compressor).
 *
 * Amounts: most amounts are round numbers, so trailing decimal zeros are
 * folded into a small exponent. Scripts: the six common templates (P2PKH,
 * P2SH, P2PK with a compressed or an uncompressed key) are stored as a one-byte
 * kind and the 20- or 32-byte payload; any other script as a VARINT of its
 * length plus 6, then its bytes.
 */
#pragma once

#include "common/serialize.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Number of special script kinds (0x00…0x05); larger size codes are lengths + 6. */
#define UMK_SPECIAL_SCRIPTS 6
/* Longest compressed template: kind byte and 32 bytes of key. */
#define UMK_COMPRESSED_SCRIPT_MAX 33
/* Longest script a template decompresses to (P2PK with an uncompressed key). */
#define UMK_DECOMPRESSED_SCRIPT_MAX 67

uint64_t umk_compress_amount (uint64_t amount);
/* The inverse of umk_compress_amount(). Out-of-range codes wrap modulo 2^64
 * exactly as Core's does (such codes are never written). */
uint64_t umk_decompress_amount (uint64_t code);

/* If script is one of the six templates, writes kind byte and payload to out
 * and returns that length (21 or 33); else returns 0. An uncompressed key that
 * is not a point on the curve is not a template (it could not be rebuilt). */
size_t umk_compress_script (const uint8_t *script, size_t len,
                            uint8_t out[UMK_COMPRESSED_SCRIPT_MAX]);
/* Payload size of special kind 0…5 (20 or 32); 0 for any other code. */
size_t umk_special_script_size (uint32_t kind);
/* Rebuilds the script of special kind 0…5 from its payload into out and sets
 * *out_len. Fails for another kind, or for kinds 4/5 whose x coordinate is not
 * on the curve. */
bool umk_decompress_script (uint32_t kind, const uint8_t *payload,
                            uint8_t out[UMK_DECOMPRESSED_SCRIPT_MAX], size_t *out_len);

/* Core's ScriptCompression. */
void umk_write_compressed_script (GByteArray *w, const uint8_t *script, size_t len);
/* Reads a compressed script into a new g_malloc'd buffer (NULL when empty).
 * A stored script longer than UMK_MAX_SCRIPT_SIZE is skipped and read as the
 * single byte OP_RETURN, as Core does (it is unspendable either way). A special
 * kind whose key is not on the curve is refused (Core's writer never makes one). */
bool umk_read_compressed_script (UmkReader *r, uint8_t **script,
                                 uint32_t *len) G_GNUC_WARN_UNUSED_RESULT;

/* Core's TxOutCompression: VARINT(compressed amount), then the script as above. */
void umk_write_compressed_txout (GByteArray *w, int64_t value, const uint8_t *script, size_t len);
bool umk_read_compressed_txout (UmkReader *r, int64_t *value, uint8_t **script,
                                uint32_t *len) G_GNUC_WARN_UNUSED_RESULT;
