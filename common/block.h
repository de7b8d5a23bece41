/* block.h — block headers and blocks. */
#pragma once

#include "common/serialize.h"
#include "common/tx.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_BLOCK_HEADER_SIZE         80
#define UMK_MAX_BLOCK_WEIGHT          4000000
#define UMK_MAX_BLOCK_SERIALIZED_SIZE 4000000

typedef struct
{
  int32_t version;
  UmkUint256 prev_block;
  UmkUint256 merkle_root;
  uint32_t time;
  uint32_t bits;
  uint32_t nonce;
} UmkBlockHeader;

bool umk_block_header_read (UmkReader *r, UmkBlockHeader *out) G_GNUC_WARN_UNUSED_RESULT;
void umk_block_header_write (const UmkBlockHeader *h, GByteArray *w);
void umk_block_header_serialize (const UmkBlockHeader *h, uint8_t out[UMK_BLOCK_HEADER_SIZE]);
/* The block hash: double SHA-256 of the 80-byte header. */
void umk_block_header_hash (const UmkBlockHeader *h, UmkUint256 *out);

typedef struct
{
  UmkBlockHeader header;
  UmkUint256 hash;
  size_t n_tx;
  UmkTx **tx;
  GBytes *bytes;        /* holds the serialized block the transactions point into */
  size_t size;          /* serialized size with witness data */
  size_t stripped_size; /* serialized size without witness data */
} UmkBlock;

/* Parses a block that is exactly the given bytes. Returns: NULL with error
 * (domain UMK_ERROR) on any malformed or truncated input or trailing data. */
UmkBlock *umk_block_new_from_bytes (GBytes *bytes, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses a block at the reader's position (r must read from bytes). */
UmkBlock *umk_block_read (UmkReader *r, GBytes *bytes) G_GNUC_WARN_UNUSED_RESULT;
void umk_block_free (UmkBlock *block);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkBlock, umk_block_free)

/* Appends the serialization (with witness data). */
void umk_block_write (const UmkBlock *block, GByteArray *w);

/* BIP 141 weight of the block: stripped size * 3 + total size. */
static inline size_t
umk_block_weight (const UmkBlock *b)
{
  return b->stripped_size * (UMK_WITNESS_SCALE_FACTOR - 1) + b->size;
}

/* ---- merkle trees ---- */

/* Merkle root of the leaves (consumes nothing; uses scratch space internally).
 * mutated (may be NULL) is set when two identical hashes pair up at some level:
 * the duplicated-tail ambiguity of CVE-2012-2459, which lets a different list of
 * transactions have the same root. An empty list has the zero root. */
void umk_merkle_root (const UmkUint256 *leaves, size_t n, UmkUint256 *root, bool *mutated);
/* Merkle root of the block's txids. */
void umk_block_merkle_root (const UmkBlock *block, UmkUint256 *root, bool *mutated);
/* Merkle root of the block's wtxids, with the coinbase's taken as zero (BIP 141). */
void umk_block_witness_merkle_root (const UmkBlock *block, UmkUint256 *root, bool *mutated);

/* Index of the coinbase output holding the witness commitment (the last output
 * whose script starts OP_RETURN 0x24 aa21a9ed and is at least 38 bytes), or -1. */
int umk_block_witness_commitment_index (const UmkBlock *block);
/* The witness rules of a block (BIP 141). With expect_commitment (segwit is
 * active) and a commitment present: the coinbase witness must be exactly one
 * 32-byte reserved value and SHA256d(witness root || reserved value) must equal
 * the 32 bytes after the commitment header. Otherwise no transaction may carry
 * witness data.
 * Returns: true if the rules hold; false with *reason set to Core's reject
 * reason ("bad-witness-nonce-size", "bad-witness-merkle-match",
 * "unexpected-witness"). */
bool umk_block_check_witness (const UmkBlock *block, bool expect_commitment, const char **reason);
