/* miner.h — block templates (Umkoin Core's BlockAssembler) and the regtest
 * miner behind generatetoaddress, generatetodescriptor and generateblock.
 */
#pragma once

#include "common/block.h"
#include "common/chain.h"
#include "node/node.h"

#include <glib.h>

/* Core's defaults (policy/policy.h). */
#define UMK_DEFAULT_BLOCK_MAX_WEIGHT      4000000
#define UMK_DEFAULT_BLOCK_RESERVED_WEIGHT 8000
#define UMK_MINIMUM_BLOCK_RESERVED_WEIGHT 2000
#define UMK_DEFAULT_BLOCK_MIN_TX_FEE      1 /* sat/kvB */
#define UMK_MAX_TIMEWARP                  600

typedef struct
{
  UmkBlock *block;        /* coinbase first, commitment and merkle root set, nonce 0 */
  GArray *fees;           /* gint64 per transaction; the coinbase's is minus the total */
  GArray *sigops;         /* gint64 sigop cost per transaction */
  int64_t coinbase_value; /* subsidy + fees */
  int height;
  int64_t min_time;       /* the earliest time the block may carry */
  gboolean segwit;        /* the witness rules apply to it */
  GByteArray *commitment; /* the witness commitment output script, or NULL */
} UmkBlockTemplate;

void umk_block_template_free (UmkBlockTemplate *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkBlockTemplate, umk_block_template_free)

typedef struct
{
  const uint8_t *script; /* the coinbase output's scriptPubKey */
  size_t script_len;
  gboolean use_mempool;    /* fill from the mempool by feerate */
  const UmkTx *const *txs; /* or exactly these transactions (generateblock) */
  size_t n_txs;
  gboolean test_validity; /* check the result as if connected (Core's TestBlockValidity) */
} UmkMinerOptions;

/* Builds a block on the tip. Returns: NULL with error ("TestBlockValidity
 * failed: …" as Core says when the result would be invalid). */
UmkBlockTemplate *umk_miner_create_block (UmkNode *node, const UmkMinerOptions *opts,
                                          GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Core's GetMinimumTime: past the median time, and with BIP 94 at a retarget
 * not too far before the parent. */
int64_t umk_miner_minimum_time (const UmkBlockIndex *prev, const UmkConsensusParams *params);

/* Grinds the nonce until the header meets its target, at most *max_tries
 * attempts (decremented). Returns: TRUE if solved. */
gboolean umk_miner_solve (UmkBlock *block, const UmkConsensusParams *params, guint64 *max_tries);

/* Rebuilds a block's bytes after its header or transactions changed. */
UmkBlock *umk_miner_assemble (const UmkBlockHeader *header, const UmkTx *const *txs, size_t n,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
