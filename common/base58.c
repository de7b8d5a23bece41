/* base58.c — Base58 and Base58Check; see base58.h for the rules. */
#define G_LOG_DOMAIN "umk-base58"
#include "config.h"

#include "common/base58.h"

#include "common/hash.h"

#include <string.h>

/* The 58 digits: all alphanumerics except 0, O, I and l, which are too easily
 * confused with one another. */
static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int
digit_value (unsigned char c)
{
  if (c >= '1' && c <= '9')
    return c - '1';
  if (c >= 'A' && c <= 'H')
    return c - 'A' + 9;
  if (c >= 'J' && c <= 'N')
    return c - 'J' + 17;
  if (c >= 'P' && c <= 'Z')
    return c - 'P' + 22;
  if (c >= 'a' && c <= 'k')
    return c - 'a' + 33;
  if (c >= 'm' && c <= 'z')
    return c - 'm' + 44;
  return -1;
}

/* Core's IsSpace: the C locale's whitespace, whatever the process locale is. */
static bool
is_space (char c)
{
  return c == ' ' || c == '\f' || c == '\n' || c == '\r' || c == '\t' || c == '\v';
}

/* Encodes the concatenation a || b (so that Base58Check needs no copy of a
 * possibly secret payload). The digits are built least significant first in
 * out itself, right after the '1's for the leading zero bytes, then reversed;
 * out is therefore the only working memory. */
static bool
encode_parts (char *out, size_t *out_len, const uint8_t *a, size_t a_len, const uint8_t *b,
              size_t b_len)
{
  size_t cap = *out_len;
  size_t n = a_len + b_len;
  size_t zeroes = 0;

  if (cap == 0)
    return false;
  while (zeroes < n && (zeroes < a_len ? a[zeroes] : b[zeroes - a_len]) == 0)
    zeroes++;
  if (zeroes + 1 > cap)
    goto too_small;

  char *digits = out + zeroes;
  size_t room = cap - zeroes - 1; /* keep a byte for the NUL */
  size_t n_digits = 0;
  for (size_t k = zeroes; k < n; k++)
    {
      unsigned carry = k < a_len ? a[k] : b[k - a_len];
      /* digits = digits * 256 + byte */
      for (size_t i = 0; i < n_digits; i++)
        {
          carry += (unsigned) (uint8_t) digits[i] << 8;
          digits[i] = (char) (carry % 58);
          carry /= 58;
        }
      while (carry != 0)
        {
          if (n_digits == room)
            goto too_small;
          digits[n_digits++] = (char) (carry % 58);
          carry /= 58;
        }
    }

  for (size_t i = 0; i < n_digits / 2; i++)
    {
      char t = digits[i];
      digits[i] = digits[n_digits - 1 - i];
      digits[n_digits - 1 - i] = t;
    }
  for (size_t i = 0; i < n_digits; i++)
    digits[i] = alphabet[(uint8_t) digits[i]];
  memset (out, '1', zeroes);
  out[zeroes + n_digits] = '\0';
  *out_len = zeroes + n_digits;
  return true;

too_small:
  explicit_bzero (out, cap);
  *out_len = 0;
  return false;
}

bool
umk_base58_encode_to (char *out, size_t *out_len, const uint8_t *data, size_t len)
{
  return encode_parts (out, out_len, data, len, NULL, 0);
}

char *
umk_base58_encode (const uint8_t *data, size_t len)
{
  size_t size = UMK_BASE58_ENCODED_SIZE (len);
  char *out = g_malloc (size);
  if (!umk_base58_encode_to (out, &size, data, len))
    g_assert_not_reached (); /* the size bound always holds */
  return out;
}

bool
umk_base58check_encode_to (char *out, size_t *out_len, const uint8_t *data, size_t len)
{
  uint8_t hash[UMK_SHA256_SIZE];
  umk_sha256d (data, len, hash);
  bool ok = encode_parts (out, out_len, data, len, hash, UMK_BASE58_CHECKSUM_SIZE);
  explicit_bzero (hash, sizeof hash);
  return ok;
}

char *
umk_base58check_encode (const uint8_t *data, size_t len)
{
  size_t size = UMK_BASE58_ENCODED_SIZE (len + UMK_BASE58_CHECKSUM_SIZE);
  char *out = g_malloc (size);
  if (!umk_base58check_encode_to (out, &size, data, len))
    g_assert_not_reached ();
  return out;
}

bool
umk_base58_decode (uint8_t *out, size_t *out_len, const char *str, size_t str_len)
{
  size_t cap = *out_len;
  size_t pos = 0;
  size_t zeroes = 0;
  size_t n_bytes = 0;
  uint8_t *num = NULL;

  *out_len = 0;
  if (str_len > 0 && memchr (str, '\0', str_len) != NULL)
    return false;

  while (pos < str_len && is_space (str[pos]))
    pos++;
  while (pos < str_len && str[pos] == '1')
    {
      if (++zeroes > cap)
        return false;
      pos++;
    }

  /* The number is built least significant byte first in out right after the
   * zero bytes. Its length can only grow, so failing the moment it would pass
   * the bound is Core's check "length + zeroes > max_ret_len" made early, and
   * the work stays within what the bound allows. */
  num = out != NULL ? out + zeroes : NULL;
  size_t room = cap - zeroes;
  for (; pos < str_len && !is_space (str[pos]); pos++)
    {
      int d = digit_value ((unsigned char) str[pos]);
      if (d < 0)
        goto fail;
      unsigned carry = (unsigned) d;
      /* num = num * 58 + digit */
      for (size_t i = 0; i < n_bytes; i++)
        {
          carry += num[i] * 58u;
          num[i] = (uint8_t) carry;
          carry >>= 8;
        }
      while (carry != 0)
        {
          if (n_bytes == room)
            goto fail;
          num[n_bytes++] = (uint8_t) carry;
          carry >>= 8;
        }
    }
  while (pos < str_len && is_space (str[pos]))
    pos++;
  if (pos != str_len)
    goto fail;

  for (size_t i = 0; i < n_bytes / 2; i++)
    {
      uint8_t t = num[i];
      num[i] = num[n_bytes - 1 - i];
      num[n_bytes - 1 - i] = t;
    }
  if (zeroes > 0)
    memset (out, 0, zeroes);
  *out_len = zeroes + n_bytes;
  return true;

fail:
  if (zeroes + n_bytes > 0)
    explicit_bzero (out, zeroes + n_bytes);
  return false;
}

bool
umk_base58check_decode (uint8_t *out, size_t *out_len, const char *str, size_t str_len)
{
  size_t cap = *out_len;
  *out_len = 0;
  if (cap > SIZE_MAX - UMK_BASE58_CHECKSUM_SIZE)
    cap = SIZE_MAX - UMK_BASE58_CHECKSUM_SIZE;

  /* The checksum is decoded with the payload, so the payload needs 4 bytes
   * more room than the caller's buffer has. */
  size_t tmp_cap = cap + UMK_BASE58_CHECKSUM_SIZE;
  size_t tmp_len = tmp_cap;
  uint8_t *tmp = g_malloc (tmp_cap);
  uint8_t hash[UMK_SHA256_SIZE];
  bool ok = false;

  if (!umk_base58_decode (tmp, &tmp_len, str, str_len) || tmp_len < UMK_BASE58_CHECKSUM_SIZE)
    goto out;
  size_t payload_len = tmp_len - UMK_BASE58_CHECKSUM_SIZE;
  umk_sha256d (tmp, payload_len, hash);
  if (memcmp (hash, tmp + payload_len, UMK_BASE58_CHECKSUM_SIZE) != 0)
    goto out;
  memcpy (out, tmp, payload_len);
  *out_len = payload_len;
  ok = true;

out:
  explicit_bzero (hash, sizeof hash);
  explicit_bzero (tmp, tmp_cap);
  g_free (tmp);
  return ok;
}
