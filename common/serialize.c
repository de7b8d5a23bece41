#define G_LOG_DOMAIN "umk-serialize"
#include "config.h"

#include "common/serialize.h"

#include "common/error.h"

#include <string.h>

void
umk_reader_init (UmkReader *r, const void *data, size_t len)
{
  r->data = data;
  r->len = data != NULL ? len : 0;
  r->pos = 0;
  r->error = UMK_SER_OK;
  r->detail = NULL;
}

bool
umk_reader_fail (UmkReader *r, UmkSerError error, const char *detail)
{
  if (r->error == UMK_SER_OK)
    {
      r->error = error;
      r->detail = detail;
    }
  return false;
}

const char *
umk_reader_error_message (const UmkReader *r)
{
  switch (r->error)
    {
    case UMK_SER_OK:
      return "no error";
    case UMK_SER_TRUNCATED:
      return "end of data";
    case UMK_SER_NONCANONICAL:
      return "non-canonical ReadCompactSize()";
    case UMK_SER_SIZE_TOO_LARGE:
      return "ReadCompactSize(): size too large";
    case UMK_SER_INVALID:
      return r->detail != NULL ? r->detail : "invalid data";
    }
  return "invalid data";
}

void
umk_reader_set_error (const UmkReader *r, GError **error, const char *what)
{
  int code = r->error == UMK_SER_TRUNCATED        ? UMK_ERROR_TRUNCATED
             : r->error == UMK_SER_SIZE_TOO_LARGE ? UMK_ERROR_TOO_LARGE
                                                  : UMK_ERROR_INVALID;
  g_set_error (error, UMK_ERROR, code, "%s: %s at byte %zu", what, umk_reader_error_message (r),
               r->pos);
}

/* Checks n more bytes are there; on failure marks the reader. */
static inline bool
need (UmkReader *r, size_t n)
{
  if (G_UNLIKELY (r->error != UMK_SER_OK))
    return false;
  if (G_UNLIKELY (n > r->len - r->pos))
    return umk_reader_fail (r, UMK_SER_TRUNCATED, NULL);
  return true;
}

bool
umk_read_bytes (UmkReader *r, void *out, size_t n)
{
  if (!need (r, n))
    {
      if (n > 0)
        memset (out, 0, n);
      return false;
    }
  if (n > 0)
    memcpy (out, r->data + r->pos, n);
  r->pos += n;
  return true;
}

bool
umk_read_view (UmkReader *r, size_t n, const uint8_t **out)
{
  if (!need (r, n))
    {
      *out = NULL;
      return false;
    }
  *out = r->data + r->pos;
  r->pos += n;
  return true;
}

bool
umk_read_skip (UmkReader *r, size_t n)
{
  if (!need (r, n))
    return false;
  r->pos += n;
  return true;
}

bool
umk_read_u8 (UmkReader *r, uint8_t *out)
{
  if (!need (r, 1))
    {
      *out = 0;
      return false;
    }
  *out = r->data[r->pos++];
  return true;
}

bool
umk_read_u16le (UmkReader *r, uint16_t *out)
{
  if (!need (r, 2))
    {
      *out = 0;
      return false;
    }
  const uint8_t *p = r->data + r->pos;
  *out = (uint16_t) (p[0] | p[1] << 8);
  r->pos += 2;
  return true;
}

bool
umk_read_u16be (UmkReader *r, uint16_t *out)
{
  if (!need (r, 2))
    {
      *out = 0;
      return false;
    }
  const uint8_t *p = r->data + r->pos;
  *out = (uint16_t) (p[0] << 8 | p[1]);
  r->pos += 2;
  return true;
}

bool
umk_read_u32le (UmkReader *r, uint32_t *out)
{
  if (!need (r, 4))
    {
      *out = 0;
      return false;
    }
  *out = umk_load_u32le (r->data + r->pos);
  r->pos += 4;
  return true;
}

bool
umk_read_i32le (UmkReader *r, int32_t *out)
{
  uint32_t u;
  bool ok = umk_read_u32le (r, &u);
  *out = (int32_t) u;
  return ok;
}

bool
umk_read_u64le (UmkReader *r, uint64_t *out)
{
  if (!need (r, 8))
    {
      *out = 0;
      return false;
    }
  *out = umk_load_u64le (r->data + r->pos);
  r->pos += 8;
  return true;
}

bool
umk_read_i64le (UmkReader *r, int64_t *out)
{
  uint64_t u;
  bool ok = umk_read_u64le (r, &u);
  *out = (int64_t) u;
  return ok;
}

bool
umk_read_compact_size (UmkReader *r, uint64_t *out, bool range_check)
{
  uint8_t tag;
  uint64_t v = 0;
  *out = 0;
  if (!umk_read_u8 (r, &tag))
    return false;
  if (tag < 253)
    v = tag;
  else if (tag == 253)
    {
      uint16_t x;
      if (!umk_read_u16le (r, &x))
        return false;
      if (x < 253)
        return umk_reader_fail (r, UMK_SER_NONCANONICAL, NULL);
      v = x;
    }
  else if (tag == 254)
    {
      uint32_t x;
      if (!umk_read_u32le (r, &x))
        return false;
      if (x < 0x10000u)
        return umk_reader_fail (r, UMK_SER_NONCANONICAL, NULL);
      v = x;
    }
  else
    {
      uint64_t x;
      if (!umk_read_u64le (r, &x))
        return false;
      if (x < 0x100000000ull)
        return umk_reader_fail (r, UMK_SER_NONCANONICAL, NULL);
      v = x;
    }
  if (range_check && v > UMK_MAX_SIZE)
    return umk_reader_fail (r, UMK_SER_SIZE_TOO_LARGE, NULL);
  *out = v;
  return true;
}

bool
umk_read_var_view (UmkReader *r, const uint8_t **out, size_t *out_len)
{
  uint64_t n;
  *out = NULL;
  *out_len = 0;
  if (!umk_read_compact_size (r, &n, true))
    return false;
  if (!umk_read_view (r, (size_t) n, out))
    return false;
  *out_len = (size_t) n;
  return true;
}

void
umk_write_bytes (GByteArray *w, const void *data, size_t n)
{
  g_assert (n <= G_MAXUINT);
  if (n > 0)
    g_byte_array_append (w, data, (guint) n);
}

void
umk_write_u8 (GByteArray *w, uint8_t v)
{
  g_byte_array_append (w, &v, 1);
}

void
umk_write_u16le (GByteArray *w, uint16_t v)
{
  uint8_t b[2] = { (uint8_t) v, (uint8_t) (v >> 8) };
  g_byte_array_append (w, b, 2);
}

void
umk_write_u16be (GByteArray *w, uint16_t v)
{
  uint8_t b[2] = { (uint8_t) (v >> 8), (uint8_t) v };
  g_byte_array_append (w, b, 2);
}

void
umk_write_u32le (GByteArray *w, uint32_t v)
{
  uint8_t b[4];
  umk_store_u32le (b, v);
  g_byte_array_append (w, b, 4);
}

void
umk_write_i32le (GByteArray *w, int32_t v)
{
  umk_write_u32le (w, (uint32_t) v);
}

void
umk_write_u64le (GByteArray *w, uint64_t v)
{
  uint8_t b[8];
  umk_store_u64le (b, v);
  g_byte_array_append (w, b, 8);
}

void
umk_write_i64le (GByteArray *w, int64_t v)
{
  umk_write_u64le (w, (uint64_t) v);
}

size_t
umk_compact_size_len (uint64_t v)
{
  return v < 253 ? 1 : v <= 0xffff ? 3 : v <= 0xffffffffu ? 5 : 9;
}

size_t
umk_compact_size_encode (uint64_t v, uint8_t out[UMK_COMPACT_SIZE_MAX])
{
  size_t n = umk_compact_size_len (v);
  if (n == 1)
    out[0] = (uint8_t) v;
  else
    {
      out[0] = n == 3 ? 253 : n == 5 ? 254 : 255;
      for (size_t i = 1; i < n; i++)
        out[i] = (uint8_t) (v >> (8 * (i - 1)));
    }
  return n;
}

void
umk_write_compact_size (GByteArray *w, uint64_t v)
{
  uint8_t buf[UMK_COMPACT_SIZE_MAX];
  umk_write_bytes (w, buf, umk_compact_size_encode (v, buf));
}

void
umk_write_var_bytes (GByteArray *w, const void *data, size_t n)
{
  umk_write_compact_size (w, n);
  umk_write_bytes (w, data, n);
}

size_t
umk_varint_len (uint64_t v)
{
  size_t n = 1;
  while (v > 0x7f)
    {
      v = (v >> 7) - 1;
      n++;
    }
  return n;
}

void
umk_write_varint (GByteArray *w, uint64_t v)
{
  /* Digits come out least significant first; they are written reversed. */
  uint8_t tmp[UMK_VARINT_MAX];
  size_t len = 0;
  for (;;)
    {
      tmp[len] = (uint8_t) ((v & 0x7f) | (len > 0 ? 0x80 : 0x00));
      if (v <= 0x7f)
        break;
      v = (v >> 7) - 1;
      len++;
    }
  uint8_t out[UMK_VARINT_MAX];
  for (size_t i = 0; i <= len; i++)
    out[i] = tmp[len - i];
  umk_write_bytes (w, out, len + 1);
}

/* Reads a VARINT whose value must not exceed max (a type's maximum). */
static bool
read_varint_max (UmkReader *r, uint64_t max, uint64_t *out)
{
  uint64_t n = 0;
  *out = 0;
  for (;;)
    {
      uint8_t digit;
      if (!umk_read_u8 (r, &digit))
        return false;
      if (n > (max >> 7))
        return umk_reader_fail (r, UMK_SER_INVALID, "ReadVarInt(): size too large");
      n = (n << 7) | (digit & 0x7f);
      if ((digit & 0x80) == 0)
        break;
      if (n == max)
        return umk_reader_fail (r, UMK_SER_INVALID, "ReadVarInt(): size too large");
      n++;
    }
  *out = n;
  return true;
}

bool
umk_read_varint (UmkReader *r, uint64_t *out)
{
  return read_varint_max (r, UINT64_MAX, out);
}

bool
umk_read_varint_u32 (UmkReader *r, uint32_t *out)
{
  uint64_t v;
  bool ok = read_varint_max (r, UINT32_MAX, &v);
  *out = (uint32_t) v;
  return ok;
}
