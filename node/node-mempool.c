/* node-mempool.c — the mempool next to the chainstate. */
#define G_LOG_DOMAIN "umk-mempool"
#include "config.h"

#include "node/node-mempool.h"

#include "node/chainstate.h"
#include "node/mempool-accept.h"
#include "node/mempool-persist.h"
#include "node/mempool.h"
#include "node/rpc-rawtx-util.h"

#include <string.h>

/* Transactions of blocks disconnected in the reorganisation under way; only
 * touched from chainstate callbacks, which run under the chainstate lock. */
static UmkDisconnectedTxs *disconnected;

static gboolean
get_chain_coin (gpointer user, const UmkOutPoint *out, UmkCoin *coin)
{
  UmkNode *node = user;
  const UmkCoin *c = umk_coins_get (umk_chainstate_coins (node->chainstate), out);
  if (c == NULL)
    return FALSE;
  umk_coin_copy (coin, c);
  return TRUE;
}

void
umk_node_mempool_view_begin (UmkNode *node, UmkMempoolChainView *view)
{
  memset (view, 0, sizeof *view);
  view->params = node->params;
  if (node->chainstate == NULL)
    return;
  /* The lock is held until _end: the view's coins and tip stay as they are
   * while a transaction is checked against them. */
  umk_chainstate_lock (node->chainstate);
  view->user = node;
  view->get_coin = get_chain_coin;
  view->tip = umk_chainstate_tip (node->chainstate);
}

void
umk_node_mempool_view_end (UmkNode *node, UmkMempoolChainView *view)
{
  if (node->chainstate != NULL && view->get_coin != NULL)
    umk_chainstate_unlock (node->chainstate);
  memset (view, 0, sizeof *view);
}

static void
on_block_connected (gpointer user, const UmkBlock *block, UmkBlockIndex *index)
{
  UmkNode *node = user;
  umk_mempool_remove_for_block (node->mempool, block->tx, block->n_tx, (uint32_t) index->height);
  if (disconnected != NULL)
    umk_disconnected_txs_remove_for_block (disconnected, block->tx, block->n_tx);
}

static void
on_block_disconnected (gpointer user, const UmkBlock *block, UmkBlockIndex *index)
{
  (void) user;
  (void) index;
  if (disconnected == NULL)
    disconnected = umk_disconnected_txs_new ();
  umk_disconnected_txs_add_block (disconnected, block->tx, block->n_tx);
}

static void
on_reorg_done (gpointer user, gboolean add_to_mempool)
{
  UmkNode *node = user;
  if (disconnected == NULL)
    return;
  UmkMempoolChainView view;
  umk_node_mempool_view_begin (node, &view);
  umk_mempool_update_for_reorg (node->mempool, &view, disconnected, add_to_mempool);
  umk_node_mempool_view_end (node, &view);
  g_clear_pointer (&disconnected, umk_disconnected_txs_free);
}

/* signrawtransactionwithkey's coins (Core's FindCoins): a mempool output, or
 * an unspent output of the chain. */
static gboolean
find_coin (UmkNode *node, const UmkOutPoint *out, int64_t *value, GByteArray *script, gpointer user)
{
  (void) user;
  UmkTxOut txout;
  if (node->mempool != NULL)
    {
      umk_mempool_lock (node->mempool);
      gboolean in_pool = umk_mempool_get_output (node->mempool, out, &txout);
      if (in_pool)
        {
          *value = txout.value;
          g_byte_array_append (script, txout.script_pubkey.data, txout.script_pubkey.len);
        }
      umk_mempool_unlock (node->mempool);
      if (in_pool)
        return TRUE;
    }
  if (node->chainstate == NULL)
    return FALSE;
  umk_chainstate_lock (node->chainstate);
  const UmkCoin *c = umk_coins_get (umk_chainstate_coins (node->chainstate), out);
  if (c != NULL)
    {
      *value = c->value;
      g_byte_array_append (script, c->script, c->script_len);
    }
  umk_chainstate_unlock (node->chainstate);
  return c != NULL;
}

gboolean
umk_node_mempool_start (UmkNode *node, GError **error)
{
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  if (umk_args_get_bool (node->args, "-blocksonly", FALSE))
    opts.max_size_bytes = (int64_t) UMK_DEFAULT_BLOCKSONLY_MAX_MEMPOOL_SIZE_MB * 1000000;
  if (!umk_mempool_options_from_args (&opts, node->args, node->params, error))
    return FALSE;
  node->mempool = umk_mempool_new (&opts);
  gint64 mock = umk_args_get_int (node->args, "-mocktime", 0);
  if (mock != 0)
    umk_mempool_set_mock_time (node->mempool, mock);
  UmkChainstateCallbacks cb = { 0 };
  cb.block_connected = on_block_connected;
  cb.block_disconnected = on_block_disconnected;
  cb.reorg_done = on_reorg_done;
  cb.user = node;
  umk_chainstate_add_callbacks (node->chainstate, &cb);
  umk_rpc_rawtx_set_coin_lookup (find_coin, NULL);
  return TRUE;
}

void
umk_node_mempool_load (UmkNode *node)
{
  if (node->mempool == NULL)
    return;
  if (!umk_args_get_bool (node->args, "-persistmempool", TRUE))
    {
      umk_mempool_set_load_tried (node->mempool, TRUE);
      return;
    }
  g_autofree char *path = umk_mempool_dat_path (node->datadir_net);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* A first start, or the last run did not save one: nothing to load. */
      g_info ("No mempool file %s to load; starting with an empty mempool", path);
      umk_mempool_set_load_tried (node->mempool, TRUE);
      return;
    }
  g_autoptr (GError) error = NULL;
  UmkMempoolLoadStats stats = { 0 };
  if (!umk_node_load_mempool (node, NULL, &stats, &error))
    g_message ("Failed to load the mempool: %s", error->message);
  else
    g_info ("Imported mempool transactions from disk: %" G_GUINT64_FORMAT
            " succeeded, %" G_GUINT64_FORMAT " failed, %" G_GUINT64_FORMAT
            " expired, %" G_GUINT64_FORMAT " already there, %" G_GUINT64_FORMAT
            " waiting for initial broadcast",
            stats.succeeded, stats.failed, stats.expired, stats.already_there, stats.unbroadcast);
}

void
umk_node_mempool_stop (UmkNode *node)
{
  if (node->mempool == NULL)
    return;
  umk_rpc_rawtx_set_coin_lookup (NULL, NULL);
  if (umk_args_get_bool (node->args, "-persistmempool", TRUE)
      && umk_mempool_load_tried (node->mempool))
    {
      g_autoptr (GError) error = NULL;
      if (!umk_node_dump_mempool (node, &error))
        g_warning ("Failed to save the mempool: %s", error->message);
    }
  g_clear_pointer (&node->mempool, umk_mempool_free);
}
