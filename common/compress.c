/* compress.c — compact amounts, scripts and outputs; see compress.h. */
#define G_LOG_DOMAIN "umk-compress"
#include "config.h"

#include "common/compress.h"

#include "common/pubkey.h"
#include "common/script.h"

#include <secp256k1.h>
#include <string.h>

uint64_t
umk_compress_amount (uint64_t n)
{
  if (n == 0)
    return 0;
  unsigned e = 0;
  while (n % 10 == 0 && e < 9)
    {
      n /= 10;
      e++;
    }
  if (e < 9)
    {
      /* The last digit is not zero here: store it apart as d in 1…9. */
      uint64_t d = n % 10;
      n /= 10;
      return 1 + (n * 9 + d - 1) * 10 + e;
    }
  /* With e == 9 only n >= 1 is known. */
  return 1 + (n - 1) * 10 + 9;
}

uint64_t
umk_decompress_amount (uint64_t x)
{
  if (x == 0)
    return 0;
  x--;
  unsigned e = (unsigned) (x % 10);
  x /= 10;
  uint64_t n;
  if (e < 9)
    {
      uint64_t d = x % 9 + 1;
      x /= 9;
      n = x * 10 + d;
    }
  else
    n = x + 1;
  /* Unsigned arithmetic: absurd codes wrap instead of overflowing. */
  for (; e > 0; e--)
    n *= 10;
  return n;
}

size_t
umk_compress_script (const uint8_t *s, size_t len, uint8_t out[UMK_COMPRESSED_SCRIPT_MAX])
{
  /* OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG */
  if (len == 25 && s[0] == UMK_OP_DUP && s[1] == UMK_OP_HASH160 && s[2] == 20
      && s[23] == UMK_OP_EQUALVERIFY && s[24] == UMK_OP_CHECKSIG)
    {
      out[0] = 0x00;
      memcpy (out + 1, s + 3, 20);
      return 21;
    }
  /* OP_HASH160 <20> OP_EQUAL */
  if (len == 23 && s[0] == UMK_OP_HASH160 && s[1] == 20 && s[22] == UMK_OP_EQUAL)
    {
      out[0] = 0x01;
      memcpy (out + 1, s + 2, 20);
      return 21;
    }
  /* <33-byte compressed key> OP_CHECKSIG: stored without checking the point,
   * since decompression only copies it back. */
  if (len == 35 && s[0] == 33 && s[34] == UMK_OP_CHECKSIG && (s[1] == 0x02 || s[1] == 0x03))
    {
      memcpy (out, s + 1, 33);
      return 33;
    }
  /* <65-byte uncompressed key> OP_CHECKSIG: only x and y's parity are kept, so
   * y must be recomputable — the key has to be a valid point. */
  if (len == 67 && s[0] == 65 && s[66] == UMK_OP_CHECKSIG && s[1] == 0x04)
    {
      secp256k1_pubkey pk;
      if (!secp256k1_ec_pubkey_parse (umk_secp256k1_context (), &pk, s + 1, 65))
        return 0;
      out[0] = (uint8_t) (0x04 | (s[65] & 0x01));
      memcpy (out + 1, s + 2, 32);
      return 33;
    }
  return 0;
}

size_t
umk_special_script_size (uint32_t kind)
{
  if (kind == 0 || kind == 1)
    return 20;
  if (kind >= 2 && kind <= 5)
    return 32;
  return 0;
}

bool
umk_decompress_script (uint32_t kind, const uint8_t *payload,
                       uint8_t out[UMK_DECOMPRESSED_SCRIPT_MAX], size_t *out_len)
{
  *out_len = 0;
  switch (kind)
    {
    case 0x00:
      out[0] = UMK_OP_DUP;
      out[1] = UMK_OP_HASH160;
      out[2] = 20;
      memcpy (out + 3, payload, 20);
      out[23] = UMK_OP_EQUALVERIFY;
      out[24] = UMK_OP_CHECKSIG;
      *out_len = 25;
      return true;
    case 0x01:
      out[0] = UMK_OP_HASH160;
      out[1] = 20;
      memcpy (out + 2, payload, 20);
      out[22] = UMK_OP_EQUAL;
      *out_len = 23;
      return true;
    case 0x02:
    case 0x03:
      out[0] = 33;
      out[1] = (uint8_t) kind;
      memcpy (out + 2, payload, 32);
      out[34] = UMK_OP_CHECKSIG;
      *out_len = 35;
      return true;
    case 0x04:
    case 0x05:
      {
        /* Kinds 4/5 carry y's parity like the 0x02/0x03 prefix of a compressed key. */
        const secp256k1_context *ctx = umk_secp256k1_context ();
        uint8_t compressed[33];
        compressed[0] = (uint8_t) (kind - 2);
        memcpy (compressed + 1, payload, 32);
        secp256k1_pubkey pk;
        if (!secp256k1_ec_pubkey_parse (ctx, &pk, compressed, sizeof compressed))
          return false;
        size_t klen = 65;
        out[0] = 65;
        secp256k1_ec_pubkey_serialize (ctx, out + 1, &klen, &pk, SECP256K1_EC_UNCOMPRESSED);
        g_assert (klen == 65);
        out[66] = UMK_OP_CHECKSIG;
        *out_len = 67;
        return true;
      }
    default:
      return false;
    }
}

void
umk_write_compressed_script (GByteArray *w, const uint8_t *script, size_t len)
{
  uint8_t compressed[UMK_COMPRESSED_SCRIPT_MAX];
  size_t clen = umk_compress_script (script, len, compressed);
  if (clen > 0)
    {
      umk_write_bytes (w, compressed, clen);
      return;
    }
  /* Core stores the size in a 32-bit integer; scripts are far smaller. */
  g_assert (len <= UINT32_MAX - UMK_SPECIAL_SCRIPTS);
  umk_write_varint (w, (uint64_t) len + UMK_SPECIAL_SCRIPTS);
  umk_write_bytes (w, script, len);
}

bool
umk_read_compressed_script (UmkReader *r, uint8_t **script, uint32_t *len)
{
  *script = NULL;
  *len = 0;
  uint32_t size;
  if (!umk_read_varint_u32 (r, &size))
    return false;
  if (size < UMK_SPECIAL_SCRIPTS)
    {
      const uint8_t *payload;
      if (!umk_read_view (r, umk_special_script_size (size), &payload))
        return false;
      uint8_t buf[UMK_DECOMPRESSED_SCRIPT_MAX];
      size_t blen;
      if (!umk_decompress_script (size, payload, buf, &blen))
        return umk_reader_fail (r, UMK_SER_INVALID, "invalid compressed public key");
      *script = g_memdup2 (buf, blen);
      *len = (uint32_t) blen;
      return true;
    }
  size -= UMK_SPECIAL_SCRIPTS;
  if (size > UMK_MAX_SCRIPT_SIZE)
    {
      /* Too long to ever be spent: keep a short unspendable stand-in. */
      if (!umk_read_skip (r, size))
        return false;
      *script = g_malloc (1);
      (*script)[0] = UMK_OP_RETURN;
      *len = 1;
      return true;
    }
  const uint8_t *bytes;
  if (!umk_read_view (r, size, &bytes))
    return false;
  if (size > 0)
    *script = g_memdup2 (bytes, size);
  *len = size;
  return true;
}

void
umk_write_compressed_txout (GByteArray *w, int64_t value, const uint8_t *script, size_t len)
{
  umk_write_varint (w, umk_compress_amount ((uint64_t) value));
  umk_write_compressed_script (w, script, len);
}

bool
umk_read_compressed_txout (UmkReader *r, int64_t *value, uint8_t **script, uint32_t *len)
{
  uint64_t code;
  *script = NULL;
  *len = 0;
  if (!umk_read_varint (r, &code))
    {
      *value = -1;
      return false;
    }
  *value = (int64_t) umk_decompress_amount (code);
  if (!umk_read_compressed_script (r, script, len))
    {
      *value = -1;
      return false;
    }
  return true;
}
