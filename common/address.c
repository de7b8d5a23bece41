/* address.c — addresses <-> output scripts and WIF keys, with Core's rules and
 * messages (key_io.cpp, script/solver.cpp); see address.h. */
#define G_LOG_DOMAIN "umk-address"
#include "config.h"

#include "common/address.h"

#include "common/base58.h"
#include "common/bech32.h"
#include "common/error.h"

#include <string.h>

/* The opcodes an address script is made of. */
enum
{
  OP_0 = 0x00,
  OP_1 = 0x51,
  OP_16 = 0x60,
  OP_DUP = 0x76,
  OP_EQUAL = 0x87,
  OP_EQUALVERIFY = 0x88,
  OP_HASH160 = 0xa9,
  OP_CHECKSIG = 0xac,
};

#define HASH160_SIZE            20
#define WITNESS_V0_KEYHASH_SIZE 20
#define WITNESS_V0_SCRIPT_SIZE  32
#define WITNESS_V1_TAPROOT_SIZE 32
#define WITNESS_PROGRAM_MIN     2
#define WITNESS_PROGRAM_MAX     40
/* Core caps Base58 decoding of an address at a version byte and a hash, and
 * of anything else it tries (to tell a bad checksum from bad characters) at
 * 100 bytes. */
#define BASE58_ADDRESS_MAX_PAYLOAD 21
#define BASE58_PROBE_MAX           100
#define WIF_MAX_PAYLOAD            34

/* What an address stands for (Core's CTxDestination, reduced to the kinds
 * that have an address). */
typedef enum
{
  DEST_NONE,
  DEST_PKH,
  DEST_SH,
  DEST_WITNESS,
} DestKind;

typedef struct
{
  DestKind kind;
  unsigned version;                     /* witness version 0..16 */
  uint8_t program[WITNESS_PROGRAM_MAX]; /* hash160 for PKH/SH, else the program */
  size_t program_len;
} Dest;

/* Core's Solver, as far as it matters for ExtractDestination. */
static bool
dest_from_script (Dest *dest, const uint8_t *s, size_t len)
{
  memset (dest, 0, sizeof *dest);
  if (len == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == HASH160_SIZE
      && s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG)
    {
      dest->kind = DEST_PKH;
      memcpy (dest->program, s + 3, HASH160_SIZE);
      dest->program_len = HASH160_SIZE;
      return true;
    }
  if (len == 23 && s[0] == OP_HASH160 && s[1] == HASH160_SIZE && s[22] == OP_EQUAL)
    {
      dest->kind = DEST_SH;
      memcpy (dest->program, s + 2, HASH160_SIZE);
      dest->program_len = HASH160_SIZE;
      return true;
    }
  /* A witness program: a version opcode and one direct push of 2..40 bytes
   * that ends the script. */
  if (len >= 2 + WITNESS_PROGRAM_MIN && len <= 2 + WITNESS_PROGRAM_MAX
      && (s[0] == OP_0 || (s[0] >= OP_1 && s[0] <= OP_16)) && (size_t) s[1] + 2 == len)
    {
      unsigned version = s[0] == OP_0 ? 0 : (unsigned) (s[0] - OP_1 + 1);
      size_t n = len - 2;
      /* Version 0 defines only the two sizes; any other is unspendable and
       * Core gives it no address. */
      if (version == 0 && n != WITNESS_V0_KEYHASH_SIZE && n != WITNESS_V0_SCRIPT_SIZE)
        return false;
      dest->kind = DEST_WITNESS;
      dest->version = version;
      memcpy (dest->program, s + 2, n);
      dest->program_len = n;
      return true;
    }
  return false;
}

static GByteArray *
dest_to_script (const Dest *dest)
{
  GByteArray *script = g_byte_array_sized_new (2 + WITNESS_PROGRAM_MAX + 3);
  uint8_t head[3];
  switch (dest->kind)
    {
    case DEST_PKH:
      head[0] = OP_DUP;
      head[1] = OP_HASH160;
      head[2] = HASH160_SIZE;
      g_byte_array_append (script, head, 3);
      g_byte_array_append (script, dest->program, HASH160_SIZE);
      head[0] = OP_EQUALVERIFY;
      head[1] = OP_CHECKSIG;
      g_byte_array_append (script, head, 2);
      break;
    case DEST_SH:
      head[0] = OP_HASH160;
      head[1] = HASH160_SIZE;
      g_byte_array_append (script, head, 2);
      g_byte_array_append (script, dest->program, HASH160_SIZE);
      head[0] = OP_EQUAL;
      g_byte_array_append (script, head, 1);
      break;
    case DEST_WITNESS:
      head[0] = dest->version == 0 ? OP_0 : (uint8_t) (OP_1 + dest->version - 1);
      head[1] = (uint8_t) dest->program_len;
      g_byte_array_append (script, head, 2);
      g_byte_array_append (script, dest->program, (guint) dest->program_len);
      break;
    case DEST_NONE:
      g_assert_not_reached ();
    }
  return script;
}

static char *
encode_base58_hash (uint8_t prefix, const uint8_t hash[HASH160_SIZE])
{
  uint8_t payload[1 + HASH160_SIZE];
  payload[0] = prefix;
  memcpy (payload + 1, hash, HASH160_SIZE);
  return umk_base58check_encode (payload, sizeof payload);
}

static char *
encode_segwit (const char *hrp, unsigned version, const uint8_t *program, size_t len)
{
  uint8_t values[1 + (WITNESS_PROGRAM_MAX * 8 + 4) / 5];
  size_t n = sizeof values - 1;
  values[0] = (uint8_t) version;
  if (!umk_bech32_convert_bits (values + 1, &n, 5, program, len, 8, true))
    g_assert_not_reached (); /* the buffer holds the longest program */
  /* BIP 350: version 0 keeps Bech32, every later version uses Bech32m. */
  UmkBech32Encoding encoding
      = version == 0 ? UMK_BECH32_ENCODING_BECH32 : UMK_BECH32_ENCODING_BECH32M;
  return umk_bech32_encode (encoding, hrp, values, n + 1);
}

char *
umk_address_from_script (const UmkAddressParams *params, const uint8_t *script, size_t len)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (script != NULL || len == 0, NULL);

  Dest dest;
  if (!dest_from_script (&dest, script, len))
    return NULL;
  switch (dest.kind)
    {
    case DEST_PKH:
      return encode_base58_hash (params->pubkey_prefix, dest.program);
    case DEST_SH:
      return encode_base58_hash (params->script_prefix, dest.program);
    case DEST_WITNESS:
      return encode_segwit (params->bech32_hrp, dest.version, dest.program, dest.program_len);
    case DEST_NONE:
      break;
    }
  return NULL;
}

static const char *
byte_word (size_t n)
{
  return n == 1 ? "byte" : "bytes";
}

/* Core's DecodeDestination: the checks in its order, with its messages. */
static bool
decode_destination (Dest *dest, const UmkAddressParams *params, const char *str,
                    GArray *error_locations, GError **error)
{
  size_t len = strlen (str);
  size_t hrp_len = strlen (params->bech32_hrp);
  memset (dest, 0, sizeof *dest);

  /* A string that starts with this chain's HRP (in either case) is read as
   * Bech32 only; everything else is tried as Base58. So a segwit address of
   * another chain fails as Base58, as it does in Core. */
  bool is_bech32 = len >= hrp_len && g_ascii_strncasecmp (str, params->bech32_hrp, hrp_len) == 0;

  if (!is_bech32)
    {
      uint8_t data[BASE58_PROBE_MAX];
      size_t n = BASE58_ADDRESS_MAX_PAYLOAD;
      if (umk_base58check_decode (data, &n, str, len))
        {
          if (n == 1 + HASH160_SIZE
              && (data[0] == params->pubkey_prefix || data[0] == params->script_prefix))
            {
              /* The pubkey prefix is tried first, should a chain ever share one. */
              dest->kind = data[0] == params->pubkey_prefix ? DEST_PKH : DEST_SH;
              memcpy (dest->program, data + 1, HASH160_SIZE);
              dest->program_len = HASH160_SIZE;
              return true;
            }
          if (n >= 1 && (data[0] == params->pubkey_prefix || data[0] == params->script_prefix))
            g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                                 "Invalid length for Base58 address (P2PKH or P2SH)");
          else
            g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                                 "Invalid or unsupported Base58-encoded address.");
          return false;
        }
      /* Not an address; a second, looser decode only picks the message. */
      n = BASE58_PROBE_MAX;
      if (!umk_base58_decode (data, &n, str, len))
        g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                             "Invalid or unsupported Segwit (Bech32) or Base58 encoding.");
      else
        g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                             "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
      return false;
    }

  UmkBech32Decoded dec;
  if (!umk_bech32_decode (&dec, str, len))
    {
      const char *why = umk_bech32_locate_errors (error_locations, str, len);
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, why);
      return false;
    }
  if (dec.data_len == 0)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Empty Bech32 data section");
      return false;
    }
  if (strcmp (dec.hrp, params->bech32_hrp) != 0)
    {
      /* Reached when the string only starts with this chain's HRP (a regtest
       * "bcrt1..." address read on main, whose HRP is "bc"). */
      g_set_error (
          error, UMK_ERROR, UMK_ERROR_INVALID,
          "Invalid or unsupported prefix for Segwit (Bech32) address (expected %s, got %s).",
          params->bech32_hrp, dec.hrp);
      return false;
    }
  unsigned version = dec.data[0];
  if (version == 0 && dec.encoding != UMK_BECH32_ENCODING_BECH32)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Version 0 witness address must use Bech32 checksum");
      return false;
    }
  if (version != 0 && dec.encoding != UMK_BECH32_ENCODING_BECH32M)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Version 1+ witness address must use Bech32m checksum");
      return false;
    }

  uint8_t program[UMK_BECH32_MAX_DATA_LEN];
  size_t n = sizeof program;
  if (!umk_bech32_convert_bits (program, &n, 8, dec.data + 1, dec.data_len - 1, 5, false))
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Invalid padding in Bech32 data section");
      return false;
    }
  if (version == 0 && n != WITNESS_V0_KEYHASH_SIZE && n != WITNESS_V0_SCRIPT_SIZE)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Invalid Bech32 v0 address program size (%zu %s), per BIP141", n, byte_word (n));
      return false;
    }
  /* Core checks the version only after the program has been decoded, so a
   * padding error wins over a version error. */
  if (version > 16)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Invalid Bech32 address witness version");
      return false;
    }
  if (n < WITNESS_PROGRAM_MIN || n > WITNESS_PROGRAM_MAX)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Invalid Bech32 address program size (%zu %s)", n, byte_word (n));
      return false;
    }
  dest->kind = DEST_WITNESS;
  dest->version = version;
  memcpy (dest->program, program, n);
  dest->program_len = n;
  return true;
}

GByteArray *
umk_address_to_script_full (const UmkAddressParams *params, const char *address,
                            GArray *error_locations, GError **error)
{
  g_return_val_if_fail (params != NULL, NULL);
  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (error_locations != NULL)
    g_array_set_size (error_locations, 0);
  Dest dest;
  if (!decode_destination (&dest, params, address, error_locations, error))
    return NULL;
  return dest_to_script (&dest);
}

GByteArray *
umk_address_to_script (const UmkAddressParams *params, const char *address, GError **error)
{
  return umk_address_to_script_full (params, address, NULL, error);
}

bool
umk_address_is_valid (const UmkAddressParams *params, const char *address)
{
  g_return_val_if_fail (params != NULL, false);
  g_return_val_if_fail (address != NULL, false);

  Dest dest;
  return decode_destination (&dest, params, address, NULL, NULL);
}

/* secp256k1's group order n, big-endian: a secret key is 1..n-1. */
static const uint8_t curve_order[UMK_SECRET_KEY_SIZE] = {
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
  0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

/* Core's CKey::Check, in constant time: key - n borrows exactly when key < n. */
static bool
secret_key_is_valid (const uint8_t key[UMK_SECRET_KEY_SIZE])
{
  unsigned borrow = 0, any = 0;
  for (size_t i = UMK_SECRET_KEY_SIZE; i-- > 0;)
    {
      int d = (int) key[i] - (int) curve_order[i] - (int) borrow;
      borrow = (unsigned) d >> (sizeof (unsigned) * 8 - 1);
      any |= key[i];
    }
  return (borrow & (any != 0)) != 0;
}

bool
umk_wif_decode (const UmkAddressParams *params, const char *wif,
                uint8_t key_out[UMK_SECRET_KEY_SIZE], bool *compressed)
{
  g_return_val_if_fail (params != NULL, false);
  g_return_val_if_fail (wif != NULL, false);
  g_return_val_if_fail (key_out != NULL, false);

  uint8_t data[WIF_MAX_PAYLOAD];
  size_t n = sizeof data;
  bool ok = false;
  if (umk_base58check_decode (data, &n, wif, strlen (wif)) && n >= 1
      && data[0] == params->secret_prefix
      && (n == 1 + UMK_SECRET_KEY_SIZE || (n == 2 + UMK_SECRET_KEY_SIZE && data[n - 1] == 1))
      && secret_key_is_valid (data + 1))
    {
      memcpy (key_out, data + 1, UMK_SECRET_KEY_SIZE);
      if (compressed != NULL)
        *compressed = n == 2 + UMK_SECRET_KEY_SIZE;
      ok = true;
    }
  else
    explicit_bzero (key_out, UMK_SECRET_KEY_SIZE);
  explicit_bzero (data, sizeof data);
  return ok;
}

bool
umk_wif_encode_to (char out[UMK_WIF_MAX_LEN + 1], const UmkAddressParams *params,
                   const uint8_t key[UMK_SECRET_KEY_SIZE], bool compressed)
{
  g_return_val_if_fail (out != NULL, false);
  g_return_val_if_fail (params != NULL, false);
  g_return_val_if_fail (key != NULL, false);

  out[0] = '\0';
  if (!secret_key_is_valid (key))
    return false;
  uint8_t data[WIF_MAX_PAYLOAD];
  size_t n = 1 + UMK_SECRET_KEY_SIZE;
  data[0] = params->secret_prefix;
  memcpy (data + 1, key, UMK_SECRET_KEY_SIZE);
  if (compressed)
    data[n++] = 1;
  size_t out_len = UMK_WIF_MAX_LEN + 1;
  bool ok = umk_base58check_encode_to (out, &out_len, data, n);
  explicit_bzero (data, sizeof data);
  g_assert (ok); /* 38 bytes always fit in 52 digits */
  return ok;
}

char *
umk_wif_encode (const UmkAddressParams *params, const uint8_t key[UMK_SECRET_KEY_SIZE],
                bool compressed)
{
  char buf[UMK_WIF_MAX_LEN + 1];
  if (!umk_wif_encode_to (buf, params, key, compressed))
    return NULL;
  char *s = g_strdup (buf);
  explicit_bzero (buf, sizeof buf);
  return s;
}
