/* key.c — signing through libsecp256k1; see key.h for the rules. */
#define G_LOG_DOMAIN "umk-key"
#include "config.h"

#include "common/key.h"
#include "common/pubkey.h"

#include <glib.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <string.h>

void
umk_memzero (void *p, size_t len)
{
  /* glibc declares the pointer non-null even for a zero length. */
  if (len > 0)
    explicit_bzero (p, len);
}

bool
umk_seckey_is_valid (const uint8_t seckey[32])
{
  return secp256k1_ec_seckey_verify (umk_secp256k1_context (), seckey);
}

bool
umk_seckey_get_pubkey (const uint8_t seckey[32], bool compressed, uint8_t out[65], size_t *out_len)
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_create (ctx, &pk, seckey))
    return false;
  *out_len = UMK_PUBKEY_SIZE;
  return secp256k1_ec_pubkey_serialize (
      ctx, out, out_len, &pk, compressed ? SECP256K1_EC_COMPRESSED : SECP256K1_EC_UNCOMPRESSED);
}

bool
umk_seckey_get_xonly (const uint8_t seckey[32], uint8_t out[32])
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  /* Through the public point rather than a keypair: no copy of the secret. */
  secp256k1_pubkey pk;
  secp256k1_xonly_pubkey xonly;
  if (!secp256k1_ec_pubkey_create (ctx, &pk, seckey)
      || !secp256k1_xonly_pubkey_from_pubkey (ctx, &xonly, NULL, &pk))
    return false;
  return secp256k1_xonly_pubkey_serialize (ctx, out, &xonly);
}

/* A compact R below 0x80 needs no sign-padding octet in DER, which saves a
 * byte of every signature (and of the fee). */
static bool
sig_has_low_r (const secp256k1_ecdsa_signature *sig)
{
  uint8_t compact[64];
  secp256k1_ecdsa_signature_serialize_compact (umk_secp256k1_context (), compact, sig);
  return compact[0] < 0x80;
}

bool
umk_ecdsa_sign (const uint8_t seckey[32], const uint8_t hash[32], bool grind_r, uint8_t der[72],
                size_t *der_len)
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_ecdsa_signature sig;
  /* The first attempt has no extra data, so an ungrinded signature is plain
   * RFC 6979 and matches other implementations; the counter is Core's
   * encoding, so ground signatures match Core's wallet byte for byte. */
  uint8_t extra[32] = { 0 };
  uint32_t counter = 0;
  bool ok = secp256k1_ecdsa_sign (ctx, &sig, hash, seckey, secp256k1_nonce_function_rfc6979, NULL);
  while (ok && grind_r && !sig_has_low_r (&sig))
    {
      counter++;
      for (int i = 0; i < 4; i++)
        extra[i] = (uint8_t) (counter >> (8 * i));
      ok = secp256k1_ecdsa_sign (ctx, &sig, hash, seckey, secp256k1_nonce_function_rfc6979, extra);
    }
  umk_memzero (extra, sizeof extra);
  if (!ok)
    return false;

  /* Verify before releasing it, as Core does: a fault during signing could
   * otherwise leak the key through a bad signature. */
  secp256k1_pubkey pk;
  if (!secp256k1_ec_pubkey_create (ctx, &pk, seckey)
      || !secp256k1_ecdsa_verify (ctx, &sig, hash, &pk))
    return false;
  *der_len = UMK_ECDSA_DER_MAX_SIZE;
  return secp256k1_ecdsa_signature_serialize_der (ctx, der, der_len, &sig);
}

bool
umk_schnorr_sign (const uint8_t seckey[32], const uint8_t *msg, size_t msg_len, const uint8_t *aux,
                  uint8_t sig[64])
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_keypair kp;
  /* ndata is not const, hence a private copy (wiped below like the keypair);
   * without aux it stays all zero, BIP 340's fallback. */
  uint8_t aux_copy[32] = { 0 };
  if (aux != NULL)
    memcpy (aux_copy, aux, sizeof aux_copy);
  secp256k1_schnorrsig_extraparams params = SECP256K1_SCHNORRSIG_EXTRAPARAMS_INIT;
  params.ndata = aux_copy;

  secp256k1_xonly_pubkey xonly;
  bool ok = secp256k1_keypair_create (ctx, &kp, seckey)
            && secp256k1_schnorrsig_sign_custom (ctx, sig, msg, msg_len, &kp, &params)
            && secp256k1_keypair_xonly_pub (ctx, &xonly, NULL, &kp)
            && secp256k1_schnorrsig_verify (ctx, sig, msg, msg_len, &xonly);
  umk_memzero (&kp, sizeof kp);
  umk_memzero (aux_copy, sizeof aux_copy);
  if (!ok)
    memset (sig, 0, 64);
  return ok;
}

bool
umk_seckey_tweak_xonly (const uint8_t seckey[32], const uint8_t tweak[32], uint8_t out[32])
{
  const secp256k1_context *ctx = umk_secp256k1_context ();
  secp256k1_keypair kp;
  /* The keypair tweak negates the key first when its point has an odd y,
   * which is exactly BIP 341's rule for the output key's secret. */
  bool ok = secp256k1_keypair_create (ctx, &kp, seckey)
            && secp256k1_keypair_xonly_tweak_add (ctx, &kp, tweak)
            && secp256k1_keypair_sec (ctx, out, &kp);
  umk_memzero (&kp, sizeof kp);
  if (!ok)
    umk_memzero (out, 32);
  return ok;
}
