/* miner-select.h — choosing mempool transactions for a block template. */
#pragma once

#include "common/chain.h"
#include "node/node.h"

#include <glib.h>

/* Appends to txs (UmkTx*, a reference each), fees and sigops (gint64) the
 * mempool's transactions in the order Core's BlockAssembler takes them: best
 * feerate chunks first, parents before children, while they fit the block's
 * weight and sigop budget and are final at height. Call with the chainstate
 * lock held. */
void umk_miner_select_from_mempool (UmkNode *node, const UmkBlockIndex *prev, int height,
                                    GPtrArray *txs, GArray *fees, GArray *sigops,
                                    int64_t *total_fees);

/* The weight and transaction count of the last template built from the
 * mempool (getmininginfo). Returns: FALSE before the first. */
gboolean umk_miner_last_block_stats (gint64 *weight, gint64 *ntx);
/* -blockmintxfee in sat/kvB. */
int64_t umk_miner_block_min_fee (UmkNode *node);
