/* taproot.h — BIP 341 tagged hashes, script trees and output keys. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_TAPROOT_LEAF_MASK        0xfe
#define UMK_TAPROOT_LEAF_TAPSCRIPT   0xc0
#define UMK_TAPROOT_CONTROL_BASE_SIZE 33
#define UMK_TAPROOT_CONTROL_NODE_SIZE 32
#define UMK_TAPROOT_CONTROL_MAX_NODE_COUNT 128
#define UMK_TAPROOT_CONTROL_MAX_SIZE \
  (UMK_TAPROOT_CONTROL_BASE_SIZE + UMK_TAPROOT_CONTROL_NODE_SIZE * UMK_TAPROOT_CONTROL_MAX_NODE_COUNT)

/* TaggedHash("TapLeaf", leaf_version || compact_size(len) || script). */
void umk_tapleaf_hash (uint8_t leaf_version, const uint8_t *script, size_t len, uint8_t out[32]);
/* TaggedHash("TapBranch", min(a,b) || max(a,b)), ordered bytewise. */
void umk_tapbranch_hash (const uint8_t a[32], const uint8_t b[32], uint8_t out[32]);
/* TaggedHash("TapTweak", internal || merkle_root), or of internal alone when
 * merkle_root is NULL (a key-path-only output). */
void umk_taproot_tweak_hash (const uint8_t internal[32], const uint8_t *merkle_root,
                             uint8_t out[32]);
/* The script tree root a control block proves for a leaf: the leaf hash
 * combined with each 32-byte node of control[33..] in turn. control_len must
 * be 33 + 32·m, m ≤ 128 (the caller checks). */
void umk_taproot_merkle_root (const uint8_t *control, size_t control_len,
                              const uint8_t tapleaf_hash[32], uint8_t out[32]);
/* The output key for an internal key and optional script tree root. */
bool umk_taproot_output_key (const uint8_t internal[32], const uint8_t *merkle_root,
                             uint8_t out[32], int *parity);
