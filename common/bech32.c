/* bech32.c — Bech32 and Bech32m encoding, decoding and error location, written
 * from BIP 173 and BIP 350; the decoder's rules and messages are Core's. */
#define G_LOG_DOMAIN "umk-bech32"
#include "config.h"

#include "common/bech32.h"

#include <string.h>

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#define SEPARATOR     '1'
#define CONST_BECH32  0x00000001u
#define CONST_BECH32M 0x2bc830a3u

static uint32_t
encoding_constant (UmkBech32Encoding encoding)
{
  return encoding == UMK_BECH32_ENCODING_BECH32M ? CONST_BECH32M : CONST_BECH32;
}

/* Value of a data character in either case, or -1. */
static int
charset_value (unsigned char c)
{
  if (c >= 'A' && c <= 'Z')
    c = (unsigned char) (c - 'A' + 'a');
  const char *p = c != '\0' ? strchr (charset, c) : NULL;
  return p != NULL ? (int) (p - charset) : -1;
}

static char
ascii_lower (char c)
{
  return c >= 'A' && c <= 'Z' ? (char) (c - 'A' + 'a') : c;
}

/* The checksum is the remainder of the string's values, read as a polynomial
 * over GF(32) with a leading 1, modulo the BCH generator
 * g(x) = x^6 + 29x^5 + 22x^4 + 20x^3 + 21x^2 + 29x + 18. The state holds six
 * 5-bit coefficients; one step multiplies by x, adds the next value and
 * reduces the x^6 term with the multiples of g(x) mod x^6 for each of its bits
 * (the table of BIP 173). */
static uint32_t
polymod_step (uint32_t state, uint8_t value)
{
  static const uint32_t gen[5] = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };
  uint32_t top = state >> 25;
  state = ((state & 0x1ffffff) << 5) ^ value;
  for (unsigned i = 0; i < 5; i++)
    if ((top >> i) & 1)
      state ^= gen[i];
  return state;
}

/* The polynomial state after the HRP's expansion: the high bits of each
 * character, a zero, then the low five bits of each character (lower case). */
static uint32_t
polymod_hrp (const char *hrp, size_t hrp_len)
{
  uint32_t state = 1;
  for (size_t i = 0; i < hrp_len; i++)
    state = polymod_step (state, (uint8_t) ascii_lower (hrp[i]) >> 5);
  state = polymod_step (state, 0);
  for (size_t i = 0; i < hrp_len; i++)
    state = polymod_step (state, (uint8_t) ascii_lower (hrp[i]) & 31);
  return state;
}

char *
umk_bech32_encode (UmkBech32Encoding encoding, const char *hrp, const uint8_t *values,
                   size_t n_values)
{
  if (encoding != UMK_BECH32_ENCODING_BECH32 && encoding != UMK_BECH32_ENCODING_BECH32M)
    return NULL;
  size_t hrp_len = strlen (hrp);
  if (hrp_len == 0)
    return NULL;
  for (size_t i = 0; i < hrp_len; i++)
    {
      unsigned char c = (unsigned char) hrp[i];
      /* BIP 173 wants encoders to write lower case; an upper-case HRP would
       * give a string whose checksum does not match its own lower-case form. */
      if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z'))
        return NULL;
    }
  for (size_t i = 0; i < n_values; i++)
    if (values[i] > 31)
      return NULL;

  char *out = g_malloc (hrp_len + 1 + n_values + UMK_BECH32_CHECKSUM_LEN + 1);
  char *p = out;
  memcpy (p, hrp, hrp_len);
  p += hrp_len;
  *p++ = SEPARATOR;

  uint32_t state = polymod_hrp (hrp, hrp_len);
  for (size_t i = 0; i < n_values; i++)
    {
      state = polymod_step (state, values[i]);
      *p++ = charset[values[i]];
    }
  /* Six zero values stand in for the checksum; what is then left over, xored
   * with the encoding's constant, is the checksum that makes the remainder of
   * the whole string equal that constant. */
  for (size_t i = 0; i < UMK_BECH32_CHECKSUM_LEN; i++)
    state = polymod_step (state, 0);
  state ^= encoding_constant (encoding);
  for (size_t i = 0; i < UMK_BECH32_CHECKSUM_LEN; i++)
    *p++ = charset[(state >> (5 * (UMK_BECH32_CHECKSUM_LEN - 1 - i))) & 31];
  *p = '\0';
  return out;
}

/* Core's CheckCharacters: every character must be printable ASCII other than
 * space (33..126), and letters must not mix cases; a letter is wrong when its
 * case differs from the first letter's. Appends the bad positions. */
static bool
check_characters (GArray *bad, const char *str, size_t len)
{
  bool lower = false, upper = false, ok = true;
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) str[i];
      bool wrong;
      if (c >= 'a' && c <= 'z')
        {
          wrong = upper;
          lower = lower || !upper;
        }
      else if (c >= 'A' && c <= 'Z')
        {
          wrong = lower;
          upper = upper || !lower;
        }
      else
        wrong = c < 33 || c > 126;
      if (wrong)
        {
          ok = false;
          if (bad == NULL)
            return false;
          int pos = (int) i;
          g_array_append_val (bad, pos);
        }
    }
  return ok;
}

/* Position of the last separator, or -1. */
static gssize
find_separator (const char *str, size_t len)
{
  for (size_t i = len; i > 0; i--)
    if (str[i - 1] == SEPARATOR)
      return (gssize) (i - 1);
  return -1;
}

bool
umk_bech32_decode (UmkBech32Decoded *out, const char *str, size_t str_len)
{
  memset (out, 0, sizeof *out);
  out->encoding = UMK_BECH32_ENCODING_INVALID;

  if (!check_characters (NULL, str, str_len) || str_len > UMK_BECH32_MAX_LEN)
    return false;
  gssize sep = find_separator (str, str_len);
  if (sep <= 0 || (size_t) sep + UMK_BECH32_CHECKSUM_LEN >= str_len)
    return false;

  size_t hrp_len = (size_t) sep;
  size_t n_values = str_len - hrp_len - 1;
  uint8_t values[UMK_BECH32_MAX_LEN];
  for (size_t i = 0; i < n_values; i++)
    {
      int v = charset_value ((unsigned char) str[hrp_len + 1 + i]);
      if (v < 0)
        return false;
      values[i] = (uint8_t) v;
    }

  uint32_t state = polymod_hrp (str, hrp_len);
  for (size_t i = 0; i < n_values; i++)
    state = polymod_step (state, values[i]);
  UmkBech32Encoding encoding;
  if (state == CONST_BECH32)
    encoding = UMK_BECH32_ENCODING_BECH32;
  else if (state == CONST_BECH32M)
    encoding = UMK_BECH32_ENCODING_BECH32M;
  else
    return false;

  out->encoding = encoding;
  for (size_t i = 0; i < hrp_len; i++)
    out->hrp[i] = ascii_lower (str[i]);
  out->hrp[hrp_len] = '\0';
  out->hrp_len = hrp_len;
  out->data_len = n_values - UMK_BECH32_CHECKSUM_LEN;
  memcpy (out->data, values, out->data_len);
  return true;
}

/* Error location works in GF(1024), built as GF(32)[e] / (e^2 + 9e + 23) with
 * GF(32) = GF(2)[a] / (a^5 + a^3 + 1). The generator g(x) is the least common
 * multiple of the minimal polynomials of e^997, e^998 and e^999, so for a
 * string with error polynomial E(x), the remainder R(x) = E(x) mod g(x)
 * satisfies R(e^j) = E(e^j) for j = 997..999: these three syndromes are enough
 * to find one or two wrong characters. */
typedef struct
{
  int16_t exp[1023]; /* exp[k] = e^k */
  int16_t log[1024]; /* log[exp[k]] = k; log[0] = -1 */
} Gf1024;

static unsigned
gf32_mul (const int8_t exp32[31], const int8_t log32[32], unsigned a, unsigned b)
{
  if (a == 0 || b == 0)
    return 0;
  return (unsigned) exp32[(log32[a] + log32[b]) % 31];
}

static void
gf1024_init (Gf1024 *gf)
{
  int8_t exp32[31], log32[32];
  unsigned v = 1;
  log32[0] = -1;
  for (int i = 0; i < 31; i++)
    {
      exp32[i] = (int8_t) v;
      log32[v] = (int8_t) i;
      v <<= 1; /* times a, then reduce by a^5 = a^3 + 1 */
      if (v & 32)
        v ^= 41;
    }

  /* An element is v1 * e + v0, stored as v1 << 5 | v0 (so GF(32) is the
   * elements below 32). Multiplying by e uses e^2 = 9e + 23. */
  v = 1;
  gf->log[0] = -1;
  for (int i = 0; i < 1023; i++)
    {
      gf->exp[i] = (int16_t) v;
      gf->log[v] = (int16_t) i;
      unsigned v1 = v >> 5, v0 = v & 31;
      v = (gf32_mul (exp32, log32, 9, v1) ^ v0) << 5 | gf32_mul (exp32, log32, 23, v1);
    }
}

/* e^k for any k >= 0. */
static int
gf_pow (const Gf1024 *gf, long k)
{
  return gf->exp[k % 1023];
}

/* R(e^j) for a remainder packed as six 5-bit coefficients, the constant term
 * in the lowest bits. */
static int
syndrome (const Gf1024 *gf, uint32_t residue, int j)
{
  int s = 0;
  for (int k = 0; k < 6; k++)
    {
      unsigned c = (residue >> (5 * k)) & 31;
      if (c != 0)
        s ^= gf_pow (gf, gf->log[c] + (long) j * k);
    }
  return s;
}

/* An element e^l lies in GF(32) exactly when l is a multiple of 33: the 31
 * non-zero elements of GF(32) are the subgroup of index 33 in GF(1024)*. */
static bool
log_in_gf32 (long l)
{
  return l % 33 == 0;
}

/* Finds at most two wrong characters in a data part of length n whose
 * remainder (after the encoding constant is taken off) is residue != 0.
 * Positions p count from the end of the string (p = 0 is the last character).
 * Appends the found string positions (of a str_len-long string) to found,
 * left to right; finds nothing when more than two characters are wrong (or
 * an error is in the HRP). */
static void
find_errors (const Gf1024 *gf, GArray *found, uint32_t residue, size_t n, size_t str_len)
{
  int s0 = syndrome (gf, residue, 997);
  int s1 = syndrome (gf, residue, 998);
  int s2 = syndrome (gf, residue, 999);
  long l0 = gf->log[s0], l1 = gf->log[s1], l2 = gf->log[s2];

  /* One error E(x) = c x^p gives s_j = c e^(jp), so s1/s0 = s2/s1 = e^p. */
  if (l0 >= 0 && l1 >= 0 && l2 >= 0 && (2 * l1 - l2 - l0 + 2046) % 1023 == 0)
    {
      long p = (l1 - l0 + 1023) % 1023;
      /* c = s0 / e^(997p), and e^-997 = e^26 */
      if ((size_t) p < n && log_in_gf32 (l0 + 26 * p))
        {
          int pos = (int) (str_len - 1 - (size_t) p);
          g_array_append_val (found, pos);
        }
      return;
    }

  /* Two errors c x^p + d x^q: with a = e^p, b = e^q,
   *   s2 + s1 a = d b^998 (a + b) and s1 + s0 a = d b^997 (a + b),
   * so b = (s2 + s1 a) / (s1 + s0 a). Try every p; accept the first q that is
   * a different position in the data part with both c and d in GF(32). */
  for (size_t p = 0; p < n; p++)
    {
      int t2 = s2 ^ (s1 != 0 ? gf_pow (gf, l1 + (long) p) : 0); /* s2 + s1 a */
      int t1 = s1 ^ (s0 != 0 ? gf_pow (gf, l0 + (long) p) : 0); /* s1 + s0 a */
      if (t2 == 0 || t1 == 0)
        continue;
      size_t q = (size_t) ((gf->log[t2] - gf->log[t1] + 1023) % 1023);
      if (q >= n || q == p)
        continue;
      int u1 = s1 ^ (s0 != 0 ? gf_pow (gf, l0 + (long) q) : 0); /* s1 + s0 b = c a^997 (a + b) */
      if (u1 == 0)
        continue;
      long inv_sum = 1023 - gf->log[gf->exp[p] ^ gf->exp[q]]; /* log 1/(a + b) */
      long log_d = gf->log[t1] + inv_sum + 26 * (long) q;
      long log_c = gf->log[u1] + inv_sum + 26 * (long) p;
      if (!log_in_gf32 (log_d) || !log_in_gf32 (log_c))
        continue;
      size_t hi = MAX (p, q), lo = MIN (p, q);
      int first = (int) (str_len - 1 - hi), second = (int) (str_len - 1 - lo);
      g_array_append_val (found, first);
      g_array_append_val (found, second);
      return;
    }
}

const char *
umk_bech32_locate_errors (GArray *locations, const char *str, size_t str_len)
{
  g_autoptr (GArray) scratch = NULL;
  if (locations == NULL)
    locations = scratch = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_set_size (locations, 0);

  if (str_len > UMK_BECH32_MAX_LEN)
    {
      for (size_t i = UMK_BECH32_MAX_LEN; i < str_len; i++)
        {
          int pos = (int) MIN (i, (size_t) G_MAXINT);
          g_array_append_val (locations, pos);
        }
      return "Bech32 string too long";
    }
  if (!check_characters (locations, str, str_len))
    return "Invalid character or mixed case";

  gssize sep = find_separator (str, str_len);
  if (sep < 0)
    return "Missing separator";
  if (sep == 0 || (size_t) sep + UMK_BECH32_CHECKSUM_LEN >= str_len)
    {
      int pos = (int) sep;
      g_array_append_val (locations, pos);
      return "Invalid separator position";
    }

  size_t hrp_len = (size_t) sep;
  size_t n = str_len - hrp_len - 1;
  uint32_t state = polymod_hrp (str, hrp_len);
  for (size_t i = 0; i < n; i++)
    {
      int v = charset_value ((unsigned char) str[hrp_len + 1 + i]);
      if (v < 0)
        {
          int pos = (int) (hrp_len + 1 + i);
          g_array_append_val (locations, pos);
          return "Invalid Base 32 character";
        }
      state = polymod_step (state, (uint8_t) v);
    }
  if (state == CONST_BECH32 || state == CONST_BECH32M)
    return "";

  /* The version symbol may itself be wrong, so both checksums are tried and
   * the one explaining the string with fewer errors wins; Bech32 wins a tie. */
  Gf1024 *gf = g_new (Gf1024, 1);
  gf1024_init (gf);
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (int));
  UmkBech32Encoding which = UMK_BECH32_ENCODING_INVALID;
  const UmkBech32Encoding tries[2] = { UMK_BECH32_ENCODING_BECH32, UMK_BECH32_ENCODING_BECH32M };
  for (unsigned t = 0; t < 2; t++)
    {
      g_array_set_size (found, 0);
      find_errors (gf, found, state ^ encoding_constant (tries[t]), n, str_len);
      if (locations->len == 0 || (found->len > 0 && found->len < locations->len))
        {
          g_array_set_size (locations, 0);
          g_array_append_vals (locations, found->data, found->len);
          if (found->len > 0)
            which = tries[t];
        }
    }
  g_free (gf);

  switch (which)
    {
    case UMK_BECH32_ENCODING_BECH32:
      return "Invalid Bech32 checksum";
    case UMK_BECH32_ENCODING_BECH32M:
      return "Invalid Bech32m checksum";
    case UMK_BECH32_ENCODING_INVALID:
      break;
    }
  return "Invalid checksum";
}

bool
umk_bech32_convert_bits (uint8_t *out, size_t *out_len, unsigned to_bits, const uint8_t *in,
                         size_t in_len, unsigned from_bits, bool pad)
{
  size_t cap = *out_len;
  size_t n = 0;
  *out_len = 0;
  if (to_bits < 1 || to_bits > 8 || from_bits < 1 || from_bits > 8)
    return false;

  const uint32_t out_mask = (1u << to_bits) - 1;
  /* Bits that can still be needed: fewer than to_bits left over, plus one
   * input group. */
  const uint32_t acc_mask = (1u << (from_bits + to_bits - 1)) - 1;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < in_len; i++)
    {
      if (in[i] >> from_bits)
        return false;
      acc = ((acc << from_bits) | in[i]) & acc_mask;
      bits += from_bits;
      while (bits >= to_bits)
        {
          bits -= to_bits;
          if (n == cap)
            return false;
          out[n++] = (uint8_t) ((acc >> bits) & out_mask);
        }
    }
  if (pad)
    {
      if (bits > 0)
        {
          if (n == cap)
            return false;
          out[n++] = (uint8_t) ((acc << (to_bits - bits)) & out_mask);
        }
    }
  else if (bits >= from_bits || ((acc << (to_bits - bits)) & out_mask) != 0)
    {
      /* A whole input group left over means too much padding; non-zero
       * leftover bits were data the output cannot hold. */
      return false;
    }
  *out_len = n;
  return true;
}
