/* pubkey.c — verification through libsecp256k1; see pubkey.h for the rules. */
#define G_LOG_DOMAIN "umk-secp"
#include "config.h"

#include "common/pubkey.h"
#include "common/key.h"

#include <glib.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

G_STATIC_ASSERT (sizeof (size_t) >= 4);

static void
fill_random (uint8_t *buf, size_t len)
{
  size_t done = 0;
  while (done < len)
    {
      /* Flags 0: the kernel pool, blocking only until it is first seeded. */
      ssize_t n = getrandom (buf + done, len - done, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom: %s", g_strerror (errno));
        }
      done += (size_t) n;
    }
}

static gpointer
create_context (gpointer unused)
{
  (void) unused;
  secp256k1_context *ctx = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  uint8_t seed[32];
  fill_random (seed, sizeof seed);
  /* Blinding only protects signing against side channels; a failure here
   * would mean a broken library, not a bad seed. */
  if (!secp256k1_context_randomize (ctx, seed))
    g_error ("secp256k1_context_randomize failed");
  umk_memzero (seed, sizeof seed);
  /* Never destroyed: callers on any thread may hold it until exit. */
  return ctx;
}

const secp256k1_context *
umk_secp256k1_context (void)
{
  static GOnce once = G_ONCE_INIT;
  return g_once (&once, create_context, NULL);
}

bool
umk_pubkey_has_valid_size (const uint8_t *pubkey, size_t len)
{
  if (len == 0)
    return false;
  switch (pubkey[0])
    {
    case 0x02:
    case 0x03:
      return len == UMK_PUBKEY_COMPRESSED_SIZE;
    case 0x04:
    case 0x06:
    case 0x07:
      return len == UMK_PUBKEY_SIZE;
    default:
      return false;
    }
}

/* One length octet group after an INTEGER tag, as the lax rules read it: the
 * short form as is; the long form with any number of leading zero octets and
 * at most three significant ones (Core's limit, which also keeps the value
 * far below SIZE_MAX). The content must fit in what is left of the input. */
static bool
read_integer_length (const uint8_t *in, size_t len, size_t *pos, size_t *out)
{
  if (*pos == len)
    return false;
  size_t first = in[(*pos)++];
  size_t value = first;
  if (first & 0x80)
    {
      size_t n = first & 0x7f;
      if (n > len - *pos)
        return false;
      while (n > 0 && in[*pos] == 0)
        {
          (*pos)++;
          n--;
        }
      if (n > 3)
        return false;
      value = 0;
      for (; n > 0; n--)
        value = (value << 8) | in[(*pos)++];
    }
  if (value > len - *pos)
    return false;
  *out = value;
  return true;
}

static bool
read_integer (const uint8_t *in, size_t len, size_t *pos, const uint8_t **start, size_t *int_len)
{
  if (*pos == len || in[*pos] != 0x02)
    return false;
  (*pos)++;
  if (!read_integer_length (in, len, pos, int_len))
    return false;
  *start = in + *pos;
  *pos += *int_len;
  return true;
}

/* Right-aligns a big-endian integer in 32 bytes after dropping its leading
 * zeros; false if it still does not fit. The sign bit is ignored: early
 * transactions carry "negative" R and S that were always read as unsigned. */
static bool
put_integer (const uint8_t *p, size_t n, uint8_t out[32])
{
  while (n > 0 && *p == 0)
    {
      p++;
      n--;
    }
  if (n > 32)
    return false;
  memcpy (out + 32 - n, p, n);
  return true;
}

bool
umk_ecdsa_sig_parse_lax (const uint8_t *sig, size_t len, uint8_t compact[64])
{
  memset (compact, 0, 64);
  size_t pos = 0;
  if (pos == len || sig[pos] != 0x30)
    return false;
  pos++;
  if (pos == len)
    return false;
  /* The sequence length is never checked against the content, so trailing
   * garbage is fine; a long form only tells how many octets to skip. */
  size_t seq_len = sig[pos++];
  if (seq_len & 0x80)
    {
      seq_len &= 0x7f;
      if (seq_len > len - pos)
        return false;
      pos += seq_len;
    }

  const uint8_t *r, *s;
  size_t r_len, s_len;
  if (!read_integer (sig, len, &pos, &r, &r_len) || !read_integer (sig, len, &pos, &s, &s_len))
    return false;

  /* An R or S that is too long or not below the group order still counts as
   * parsed (the script goes on to fail the check, not the parse): it becomes
   * the all-zero signature, which no key verifies. */
  uint8_t tmp[64] = { 0 };
  secp256k1_ecdsa_signature parsed;
  if (put_integer (r, r_len, tmp) && put_integer (s, s_len, tmp + 32)
      && secp256k1_ecdsa_signature_parse_compact (umk_secp256k1_context (), &parsed, tmp))
    memcpy (compact, tmp, 64);
  return true;
}

/* The lax parse as a libsecp256k1 object. */
static bool
parse_lax_sig (const uint8_t *sig, size_t len, secp256k1_ecdsa_signature *out)
{
  uint8_t compact[64];
  if (!umk_ecdsa_sig_parse_lax (sig, len, compact))
    return false;
  return secp256k1_ecdsa_signature_parse_compact (umk_secp256k1_context (), out, compact);
}

bool
umk_ecdsa_verify (const uint8_t *pubkey, size_t pubkey_len, const uint8_t *sig, size_t sig_len,
                  const uint8_t hash[32])
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  if (!umk_pubkey_has_valid_size (pubkey, pubkey_len))
    return false;
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_parse (ctx, &pk, pubkey, pubkey_len))
    return false;
  secp256k1_ecdsa_signature s;
  if (!parse_lax_sig (sig, sig_len, &s))
    return false;
  /* libsecp256k1 only verifies low-S signatures; consensus never required it. */
  secp256k1_ecdsa_signature_normalize (ctx, &s, &s);
  return secp256k1_ecdsa_verify (ctx, &s, hash, &pk);
}

bool
umk_ecdsa_sig_has_low_s (const uint8_t *sig, size_t len)
{
  secp256k1_ecdsa_signature s;
  if (!parse_lax_sig (sig, len, &s))
    return false;
  /* normalize reports whether S had to be flipped; NULL output just asks. */
  return !secp256k1_ecdsa_signature_normalize (umk_secp256k1_context (), NULL, &s);
}

bool
umk_schnorr_verify (const uint8_t xonly[32], const uint8_t sig[64], const uint8_t *msg,
                    size_t msg_len)
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_xonly_pubkey pk;
  if (!secp256k1_xonly_pubkey_parse (ctx, &pk, xonly))
    return false;
  return secp256k1_schnorrsig_verify (ctx, sig, msg, msg_len, &pk);
}

bool
umk_xonly_is_valid (const uint8_t xonly[32])
{
  secp256k1_xonly_pubkey pk;
  return secp256k1_xonly_pubkey_parse (umk_secp256k1_context (), &pk, xonly);
}

bool
umk_xonly_tweak_add (const uint8_t internal[32], const uint8_t tweak[32], uint8_t out[32],
                     int *parity)
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_xonly_pubkey base, result;
  secp256k1_pubkey tweaked;
  if (!secp256k1_xonly_pubkey_parse (ctx, &base, internal)
      || !secp256k1_xonly_pubkey_tweak_add (ctx, &tweaked, &base, tweak)
      || !secp256k1_xonly_pubkey_from_pubkey (ctx, &result, parity, &tweaked))
    return false;
  return secp256k1_xonly_pubkey_serialize (ctx, out, &result);
}

bool
umk_xonly_tweak_add_check (const uint8_t output_key[32], int parity, const uint8_t internal[32],
                           const uint8_t tweak[32])
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_xonly_pubkey base;
  if (!secp256k1_xonly_pubkey_parse (ctx, &base, internal))
    return false;
  return secp256k1_xonly_pubkey_tweak_add_check (ctx, output_key, parity, &base, tweak);
}
