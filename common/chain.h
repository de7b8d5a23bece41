/* chain.h — the block index (one entry per known header) and the active chain.
 *
 * A UmkBlockIndex is what the node knows about a block without its
 * transactions: the header, its place in the tree (prev, height, skip), the
 * total work up to it, whether and where its data and undo data are stored, and
 * how far it has been validated. Entries are created once and never freed while
 * the node runs; their addresses are stable, so other entries point at them.
 *
 * The fields besides the header are written by the chainstate under its lock.
 * The consensus checks (pow, versionbits, block checks) only read them.
 */
#pragma once

#include "common/block.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* How far a block has been validated (the low three bits of status), and what
 * the node has of it: Core's BlockStatus, same values (they are stored). */
typedef enum
{
  UMK_BLOCK_VALID_UNKNOWN = 0,
  UMK_BLOCK_VALID_RESERVED = 1,     /* parsed, version ok, hash meets the claimed target */
  UMK_BLOCK_VALID_TREE = 2,         /* the header connects to a valid parent and is valid */
  UMK_BLOCK_VALID_TRANSACTIONS = 3, /* the block's own checks passed (merkle, coinbase, …) */
  UMK_BLOCK_VALID_CHAIN = 4,        /* outputs do not overspend, no double spends, BIP 30 */
  UMK_BLOCK_VALID_SCRIPTS = 5,      /* scripts and signatures valid */
  UMK_BLOCK_VALID_MASK = 7,
  UMK_BLOCK_HAVE_DATA = 8,  /* the full block is in a blk file */
  UMK_BLOCK_HAVE_UNDO = 16, /* its undo data is in a rev file */
  UMK_BLOCK_HAVE_MASK = UMK_BLOCK_HAVE_DATA | UMK_BLOCK_HAVE_UNDO,
  UMK_BLOCK_FAILED_VALID = 32, /* the block is invalid, or descends from one */
  UMK_BLOCK_FAILED_CHILD = 64, /* no longer set (v31); read as FAILED_VALID */
  UMK_BLOCK_FAILED_MASK = UMK_BLOCK_FAILED_VALID | UMK_BLOCK_FAILED_CHILD,
  UMK_BLOCK_OPT_WITNESS = 128, /* validated with the witness rules */
  UMK_BLOCK_STATUS_RESERVED = 256,
} UmkBlockStatus;

typedef struct _UmkBlockIndex UmkBlockIndex;
struct _UmkBlockIndex
{
  UmkUint256 hash;
  UmkBlockIndex *prev;
  UmkBlockIndex *skip; /* an ancestor further back, for O(log n) get_ancestor */
  int height;
  /* header fields */
  int32_t version;
  UmkUint256 merkle_root;
  uint32_t time;
  uint32_t bits;
  uint32_t nonce;
  /* storage */
  int file;          /* blk/rev file number, valid with HAVE_DATA / HAVE_UNDO */
  uint32_t data_pos; /* offset of the block (after its 8-byte record header) */
  uint32_t undo_pos; /* offset of the undo data (after its record header) */
  uint32_t status;   /* UmkBlockStatus bits */
  unsigned n_tx;     /* transactions in this block, 0 until the data was seen */
  /* transactions in the chain up to and including this block; 0 unless this
   * block and all its ancestors have data (Core's m_chain_tx_count) */
  uint64_t chain_tx;
  UmkArith256 chain_work; /* total work of the chain up to and including this block */
  uint32_t time_max;      /* the largest time of any block up to this one */
  /* the order blocks arrived in, to break ties between chains of equal work;
   * negative for blocks loaded from disk, 0 for precious ones */
  int32_t sequence_id;
};

/* The block index entry's header. */
void umk_block_index_header (const UmkBlockIndex *index, UmkBlockHeader *out);

/* Sets the header fields and hash from a header (prev is linked by the caller). */
void umk_block_index_set_header (UmkBlockIndex *index, const UmkBlockHeader *header,
                                 const UmkUint256 *hash);

/* Links the entry into the tree under prev (NULL for genesis): height, skip,
 * chain work and time_max. Call once, after the header fields are set. */
void umk_block_index_link (UmkBlockIndex *index, UmkBlockIndex *prev);

/* Returns: the ancestor at height (the entry itself at its own height), or NULL
 * when height is out of [0, index->height]. */
UmkBlockIndex *umk_block_index_get_ancestor (UmkBlockIndex *index, int height);

/* The median of the timestamps of this block and up to ten before it (BIP 113). */
int64_t umk_block_index_median_time_past (const UmkBlockIndex *index);

/* Returns: the last block both a and b descend from (NULL if a or b is NULL). */
UmkBlockIndex *umk_block_index_last_common_ancestor (UmkBlockIndex *a, UmkBlockIndex *b);

static inline bool
umk_block_index_is_valid (const UmkBlockIndex *index, UmkBlockStatus upto)
{
  if (index->status & UMK_BLOCK_FAILED_MASK)
    return false;
  return (index->status & UMK_BLOCK_VALID_MASK) >= (uint32_t) upto;
}

/* Raises the validity level to upto unless the block failed or already is
 * there. Returns: true if the status changed. */
bool umk_block_index_raise_validity (UmkBlockIndex *index, UmkBlockStatus upto);

/* Orders chain candidates as Core's CBlockIndexWorkComparator: more work
 * first, then earlier sequence id, then the lower address (a total order).
 * Returns: < 0 if a comes before b (is better), > 0 if after, 0 if equal. */
int umk_block_index_compare_work (const UmkBlockIndex *a, const UmkBlockIndex *b);

/* ---- The active chain ----------------------------------------------------- */

/* The blocks of one chain from genesis to its tip, by height. */
typedef struct
{
  UmkBlockIndex **blocks;
  int len; /* height of the tip + 1; 0 when empty */
  int alloc;
} UmkActiveChain;

void umk_active_chain_clear (UmkActiveChain *chain);

static inline UmkBlockIndex *
umk_active_chain_tip (const UmkActiveChain *chain)
{
  return chain->len > 0 ? chain->blocks[chain->len - 1] : NULL;
}

static inline int
umk_active_chain_height (const UmkActiveChain *chain)
{
  return chain->len - 1;
}

static inline UmkBlockIndex *
umk_active_chain_at (const UmkActiveChain *chain, int height)
{
  return height >= 0 && height < chain->len ? chain->blocks[height] : NULL;
}

static inline bool
umk_active_chain_contains (const UmkActiveChain *chain, const UmkBlockIndex *index)
{
  return index != NULL && umk_active_chain_at (chain, index->height) == index;
}

/* Returns: the block after index on this chain, or NULL. */
UmkBlockIndex *umk_active_chain_next (const UmkActiveChain *chain, const UmkBlockIndex *index);

/* Makes the chain end at tip (NULL empties it), filling heights from tip back
 * to the point where it already agrees. */
void umk_active_chain_set_tip (UmkActiveChain *chain, UmkBlockIndex *tip);

/* Returns: the last block of this chain that index descends from (or index
 * itself), or NULL when index is NULL. */
UmkBlockIndex *umk_active_chain_find_fork (const UmkActiveChain *chain, UmkBlockIndex *index);

/* Returns: the first block of the chain with time_max >= time and height >=
 * height (Core's FindEarliestAtLeast), or NULL. */
UmkBlockIndex *umk_active_chain_find_earliest_at_least (const UmkActiveChain *chain, int64_t time,
                                                        int height);

/* A block locator from index back to genesis: the last ten hashes, then
 * exponentially sparser ones, then genesis (Core's LocatorEntries). */
GArray *umk_block_locator (UmkBlockIndex *index) G_GNUC_WARN_UNUSED_RESULT; /* of UmkUint256 */
