/* taproot.c — BIP 341 script trees and output keys. */
#define G_LOG_DOMAIN "umk-taproot"
#include "config.h"

#include "common/taproot.h"

#include "common/hash.h"
#include "common/pubkey.h"
#include "common/serialize.h"

#include <glib.h>
#include <string.h>

void
umk_tapleaf_hash (uint8_t leaf_version, const uint8_t *script, size_t len, uint8_t out[32])
{
  uint8_t prefix[1 + UMK_COMPACT_SIZE_MAX];
  prefix[0] = leaf_version;
  size_t n = 1 + umk_compact_size_encode (len, prefix + 1);

  UmkSha256 h;
  umk_tagged_hash_init (&h, "TapLeaf");
  umk_sha256_update (&h, prefix, n);
  umk_sha256_update (&h, script, len);
  umk_sha256_final (&h, out);
}

void
umk_tapbranch_hash (const uint8_t a[32], const uint8_t b[32], uint8_t out[32])
{
  /* sorting the children spares the control block a left/right bit per level */
  uint8_t pair[64];
  bool a_first = memcmp (a, b, 32) < 0;
  memcpy (pair, a_first ? a : b, 32);
  memcpy (pair + 32, a_first ? b : a, 32);
  umk_tagged_hash ("TapBranch", pair, sizeof pair, out);
}

void
umk_taproot_tweak_hash (const uint8_t internal[32], const uint8_t *merkle_root, uint8_t out[32])
{
  uint8_t data[64];
  memcpy (data, internal, 32);
  if (merkle_root != NULL)
    memcpy (data + 32, merkle_root, 32);
  umk_tagged_hash ("TapTweak", data, merkle_root != NULL ? 64 : 32, out);
}

void
umk_taproot_merkle_root (const uint8_t *control, size_t control_len, const uint8_t tapleaf_hash[32],
                         uint8_t out[32])
{
  g_return_if_fail (
      control_len >= UMK_TAPROOT_CONTROL_BASE_SIZE && control_len <= UMK_TAPROOT_CONTROL_MAX_SIZE
      && (control_len - UMK_TAPROOT_CONTROL_BASE_SIZE) % UMK_TAPROOT_CONTROL_NODE_SIZE == 0);

  uint8_t k[32];
  memcpy (k, tapleaf_hash, 32);
  for (size_t pos = UMK_TAPROOT_CONTROL_BASE_SIZE; pos < control_len;
       pos += UMK_TAPROOT_CONTROL_NODE_SIZE)
    umk_tapbranch_hash (k, control + pos, k);
  memcpy (out, k, 32);
}

bool
umk_taproot_output_key (const uint8_t internal[32], const uint8_t *merkle_root, uint8_t out[32],
                        int *parity)
{
  uint8_t tweak[32];
  umk_taproot_tweak_hash (internal, merkle_root, tweak);
  return umk_xonly_tweak_add (internal, tweak, out, parity);
}
