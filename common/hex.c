#define G_LOG_DOMAIN "umk-hex"
#include "config.h"

#include "common/hex.h"

#include "common/error.h"

#include <string.h>

static const char digits[] = "0123456789abcdef";

void
umk_hex_encode_to (char *out, const uint8_t *data, size_t len)
{
  for (size_t i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[2 * len] = '\0';
}

char *
umk_hex_encode (const uint8_t *data, size_t len)
{
  char *out = g_malloc (2 * len + 1);
  umk_hex_encode_to (out, data, len);
  return out;
}

int
umk_hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

bool
umk_hex_is_valid (const char *str)
{
  size_t n = 0;
  for (; str[n] != '\0'; n++)
    if (umk_hex_digit (str[n]) < 0)
      return false;
  return n > 0 && n % 2 == 0;
}

static bool
decode_into (const char *hex, size_t n_bytes, uint8_t *out)
{
  for (size_t i = 0; i < n_bytes; i++)
    {
      int hi = umk_hex_digit (hex[2 * i]);
      int lo = hi < 0 ? -1 : umk_hex_digit (hex[2 * i + 1]);
      if (lo < 0)
        return false;
      out[i] = (uint8_t) (hi << 4 | lo);
    }
  return true;
}

bool
umk_hex_decode_fixed (const char *hex, uint8_t *out, size_t out_len)
{
  if (strlen (hex) != 2 * out_len)
    return false;
  return decode_into (hex, out_len, out);
}

GByteArray *
umk_hex_decode (const char *hex, GError **error)
{
  size_t n = strlen (hex);
  if (n % 2 != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "hex string has an odd length (%zu)", n);
      return NULL;
    }
  GByteArray *out = g_byte_array_sized_new ((guint) (n / 2));
  g_byte_array_set_size (out, (guint) (n / 2));
  if (!decode_into (hex, n / 2, out->data))
    {
      g_byte_array_unref (out);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "hex string has a character that is not a hex digit");
      return NULL;
    }
  return out;
}
