/* serialize.h — Umkoin's wire encoding: little-endian integers, CompactSize
 * lengths and length-prefixed byte strings.
 *
 * UmkReader is a bounds-checked cursor over a buffer it does not own. Every read
 * either succeeds completely or fails, and the first failure sticks: later reads
 * fail at once and the reader keeps the first error. A parser can therefore
 * read a whole structure and check once, and can never read past the end.
 *
 * Writers append to a GByteArray.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest CompactSize accepted where a length or count is expected (Core's MAX_SIZE). */
#define UMK_MAX_SIZE 0x02000000u

typedef enum
{
  UMK_SER_OK = 0,
  UMK_SER_TRUNCATED,    /* the input ended inside a value */
  UMK_SER_NONCANONICAL, /* a CompactSize not in its shortest form */
  UMK_SER_SIZE_TOO_LARGE /* a CompactSize length over UMK_MAX_SIZE */,
  UMK_SER_INVALID, /* a structure-level error (set by a caller's parser) */
} UmkSerError;

typedef struct
{
  const uint8_t *data;
  size_t len;
  size_t pos;
  UmkSerError error;
  const char *detail; /* static text for UMK_SER_INVALID, else NULL */
} UmkReader;

void umk_reader_init (UmkReader *r, const void *data, size_t len);
static inline size_t
umk_reader_remaining (const UmkReader *r)
{
  return r->len - r->pos;
}
static inline bool
umk_reader_ok (const UmkReader *r)
{
  return r->error == UMK_SER_OK;
}
/* Marks the reader failed with a structural error (first error wins). Returns false. */
bool umk_reader_fail (UmkReader *r, UmkSerError error, const char *detail);
/* A message for the reader's error, in Umkoin Core's words where it has them. */
const char *umk_reader_error_message (const UmkReader *r);
/* Sets a GError (domain UMK_ERROR) from the reader's error, saying what was read. */
void umk_reader_set_error (const UmkReader *r, GError **error, const char *what);

bool umk_read_bytes (UmkReader *r, void *out, size_t n) G_GNUC_WARN_UNUSED_RESULT;
/* Zero-copy: *out points into the reader's buffer. */
bool umk_read_view (UmkReader *r, size_t n, const uint8_t **out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_skip (UmkReader *r, size_t n) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_u8 (UmkReader *r, uint8_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_u16le (UmkReader *r, uint16_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_u16be (UmkReader *r, uint16_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_u32le (UmkReader *r, uint32_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_i32le (UmkReader *r, int32_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_u64le (UmkReader *r, uint64_t *out) G_GNUC_WARN_UNUSED_RESULT;
bool umk_read_i64le (UmkReader *r, int64_t *out) G_GNUC_WARN_UNUSED_RESULT;
/* A CompactSize. With range_check, values over UMK_MAX_SIZE are refused (use it
 * for every length and count). Non-canonical encodings are always refused. */
bool umk_read_compact_size (UmkReader *r, uint64_t *out,
                            bool range_check) G_GNUC_WARN_UNUSED_RESULT;
/* A CompactSize length followed by that many bytes, returned as a view. */
bool umk_read_var_view (UmkReader *r, const uint8_t **out,
                        size_t *out_len) G_GNUC_WARN_UNUSED_RESULT;

void umk_write_bytes (GByteArray *w, const void *data, size_t n);
void umk_write_u8 (GByteArray *w, uint8_t v);
void umk_write_u16le (GByteArray *w, uint16_t v);
void umk_write_u16be (GByteArray *w, uint16_t v);
void umk_write_u32le (GByteArray *w, uint32_t v);
void umk_write_i32le (GByteArray *w, int32_t v);
void umk_write_u64le (GByteArray *w, uint64_t v);
void umk_write_i64le (GByteArray *w, int64_t v);
void umk_write_compact_size (GByteArray *w, uint64_t v);
void umk_write_var_bytes (GByteArray *w, const void *data, size_t n);
/* Encoded length of a CompactSize: 1, 3, 5 or 9. */
size_t umk_compact_size_len (uint64_t v);
#define UMK_COMPACT_SIZE_MAX 9
/* Encodes v into out (for hashing without a buffer); returns its length. */
size_t umk_compact_size_encode (uint64_t v, uint8_t out[UMK_COMPACT_SIZE_MAX]);

/* Little-endian loads and stores on raw memory. */
static inline uint32_t
umk_load_u32le (const uint8_t *p)
{
  return (uint32_t) p[0] | (uint32_t) p[1] << 8 | (uint32_t) p[2] << 16 | (uint32_t) p[3] << 24;
}
static inline void
umk_store_u32le (uint8_t *p, uint32_t v)
{
  p[0] = (uint8_t) v;
  p[1] = (uint8_t) (v >> 8);
  p[2] = (uint8_t) (v >> 16);
  p[3] = (uint8_t) (v >> 24);
}
static inline uint64_t
umk_load_u64le (const uint8_t *p)
{
  return (uint64_t) umk_load_u32le (p) | (uint64_t) umk_load_u32le (p + 4) << 32;
}
static inline void
umk_store_u64le (uint8_t *p, uint64_t v)
{
  umk_store_u32le (p, (uint32_t) v);
  umk_store_u32le (p + 4, (uint32_t) (v >> 32));
}

/* Umkoin Core's VARINT (non-negative mode): base-128 digits, most significant
 * first, every digit but the last with its high bit set, and each continuation
 * digit stores one less than its value, so every number has exactly one
 * encoding. Used by the UTXO database and undo files, never on the network. */
void umk_write_varint (GByteArray *w, uint64_t v);
/* Encoded length of a VARINT: 1 to 10 bytes. */
size_t umk_varint_len (uint64_t v);
#define UMK_VARINT_MAX 10
/* Reads a VARINT into a 64-bit value; a value that does not fit is refused as
 * "ReadVarInt(): size too large", as Core does. */
bool umk_read_varint (UmkReader *r, uint64_t *out) G_GNUC_WARN_UNUSED_RESULT;
/* The same into a 32-bit value (Core reads heights, codes and script sizes into
 * 32-bit integers, so larger values are refused there). */
bool umk_read_varint_u32 (UmkReader *r, uint32_t *out) G_GNUC_WARN_UNUSED_RESULT;
