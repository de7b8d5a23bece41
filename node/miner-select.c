/* miner-select.c — filling a template from the mempool's chunks (Core's
 * BlockAssembler::addChunks). */
#define G_LOG_DOMAIN "umk-mining"
#include "config.h"

#include "node/miner-select.h"

#include "common/tx-verify.h"
#include "node/mempool.h"
#include "node/miner.h"

/* Give up after this many chunks in a row did not fit, once the block is
 * within BLOCK_FULL_ENOUGH of full (Core's numbers). */
#define MAX_CONSECUTIVE_FAILURES 1000
#define BLOCK_FULL_ENOUGH_WEIGHT 4000

static gint64 last_weight = -1;
static gint64 last_ntx = -1;

gboolean
umk_miner_last_block_stats (gint64 *weight, gint64 *ntx)
{
  *weight = last_weight;
  *ntx = last_ntx;
  return last_weight >= 0;
}

int64_t
umk_miner_block_min_fee (UmkNode *node)
{
  g_autofree char *text = umk_args_get (node->args, "-blockmintxfee", NULL);
  int64_t v;
  if (text != NULL && umk_parse_money (text, &v))
    return v;
  return UMK_DEFAULT_BLOCK_MIN_TX_FEE;
}

void
umk_miner_select_from_mempool (UmkNode *node, const UmkBlockIndex *prev, int height, GPtrArray *txs,
                               GArray *fees, GArray *sigops, int64_t *total_fees)
{
  UmkMempool *pool = node->mempool;
  int64_t lock_time_cutoff = umk_block_index_median_time_past (prev);
  /* Core's ClampOptions: the reserved weight within [2000, 4M], the maximum
   * between it and 4M. */
  int64_t reserved = CLAMP (
      umk_args_get_int (node->args, "-blockreservedweight", UMK_DEFAULT_BLOCK_RESERVED_WEIGHT),
      UMK_MINIMUM_BLOCK_RESERVED_WEIGHT, UMK_MAX_BLOCK_WEIGHT);
  int64_t max_weight
      = CLAMP (umk_args_get_int (node->args, "-blockmaxweight", UMK_DEFAULT_BLOCK_MAX_WEIGHT),
               reserved, UMK_MAX_BLOCK_WEIGHT);
  int64_t block_weight = reserved;
  int64_t block_sigops = 400; /* Core's coinbase_output_max_additional_sigops */
  int64_t min_fee_per_kvb = umk_miner_block_min_fee (node);
  int consecutive_failed = 0;
  gint64 ntx = 0;
  umk_mempool_lock (pool);
  g_autoptr (UmkMempoolBlockBuilder) b = umk_mempool_block_builder_new (pool);
  UmkMempoolEntry *const *entries;
  guint n;
  UmkFeeFrac rate;
  while (umk_mempool_block_builder_current (b, &entries, &n, &rate))
    {
      /* Everything after a chunk below the minimum rate is lower still. */
      int64_t vsize = (rate.size + 3) / 4;
      if (rate.fee * 1000 < min_fee_per_kvb * vsize)
        break;
      int64_t chunk_sigops = 0;
      gboolean final = TRUE;
      for (guint i = 0; i < n; i++)
        {
          chunk_sigops += entries[i]->sigop_cost;
          if (!umk_tx_is_final (entries[i]->tx, height, lock_time_cutoff))
            final = FALSE;
        }
      if (block_weight + rate.size >= max_weight
          || block_sigops + chunk_sigops >= UMK_MAX_BLOCK_SIGOPS_COST || !final)
        {
          umk_mempool_block_builder_skip (b);
          if (++consecutive_failed > MAX_CONSECUTIVE_FAILURES
              && block_weight + BLOCK_FULL_ENOUGH_WEIGHT > max_weight)
            break;
          continue;
        }
      consecutive_failed = 0;
      for (guint i = 0; i < n; i++)
        {
          const UmkMempoolEntry *e = entries[i];
          g_ptr_array_add (txs, umk_tx_ref (e->tx));
          gint64 fee = e->fee, cost = e->sigop_cost;
          g_array_append_val (fees, fee);
          g_array_append_val (sigops, cost);
          block_weight += e->weight;
          block_sigops += e->sigop_cost;
          *total_fees += e->fee;
          ntx++;
        }
      umk_mempool_block_builder_include (b);
    }
  g_clear_pointer (&b, umk_mempool_block_builder_free);
  umk_mempool_unlock (pool);
  last_weight = block_weight;
  last_ntx = ntx;
}
