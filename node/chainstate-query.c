/* chainstate-query.c — read-only questions about the chainstate; see
 * chainstate-query.h. */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/chainstate-query.h"
#include "node/chainstate-private.h"

#include "common/error.h"

#include <string.h>

gboolean
umk_chainstate_query_prune_mode (UmkChainstate *cs, uint64_t *target_bytes)
{
  *target_bytes = cs->prune_target;
  return cs->opts.prune_mib != 0;
}

gboolean
umk_chainstate_query_block_pruned (UmkChainstate *cs, const UmkBlockIndex *index)
{
  return cs->pruned && !(index->status & UMK_BLOCK_HAVE_DATA) && index->n_tx > 0;
}

int
umk_chainstate_query_last_pruned_height (UmkChainstate *cs)
{
  /* The genesis block never has undo data, so the search stops at height 1. */
  UmkBlockIndex *first = umk_active_chain_at (&cs->chain, 1);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (first == NULL || tip == NULL)
    return -1;
  if ((tip->status & UMK_BLOCK_HAVE_MASK) != UMK_BLOCK_HAVE_MASK)
    return tip->height;
  UmkBlockIndex *b = tip;
  while (b != first && b->prev != NULL
         && (b->prev->status & UMK_BLOCK_HAVE_MASK) == UMK_BLOCK_HAVE_MASK)
    b = b->prev;
  if (b == first || b->prev == NULL)
    return -1;
  return b->prev->height;
}

double
umk_chainstate_query_verification_progress (UmkChainstate *cs, const UmkBlockIndex *index)
{
  if (index == NULL || index->chain_tx == 0)
    return 0.0;
  const UmkChainTxData *data = &cs->params->chain_tx_data;
  gint64 now = umk_chainstate_now (cs);
  gint64 block_time = index->time;
  const UmkBlockIndex *best = cs->best_header;
  if (best != NULL && ABS (now - (gint64) index->time) <= 2 * 60 * 60
      && best->height >= index->height)
    block_time
        = now - (gint64) (best->height - index->height) * cs->params->consensus.pow_target_spacing;
  double total;
  if (index->chain_tx <= data->tx_count)
    total = (double) data->tx_count + (double) (now - data->time) * data->tx_rate;
  else
    total = (double) index->chain_tx + (double) (now - block_time) * data->tx_rate;
  double p = (double) index->chain_tx / total;
  return p < 1.0 ? p : 1.0;
}

/* ---- UTXO snapshot ---------------------------------------------------------- */

gboolean
umk_chainstate_query_coins_snapshot (UmkChainstate *cs, UmkCoinsSnapshot *snap, GError **error)
{
  memset (snap, 0, sizeof *snap);
  umk_chainstate_lock (cs);
  if (!umk_cs_flush (cs, FALSE, error))
    {
      umk_chainstate_unlock (cs);
      return FALSE;
    }
  snap->txn = umk_db_begin (cs->db, TRUE, error);
  if (snap->txn == NULL)
    {
      umk_chainstate_unlock (cs);
      return FALSE;
    }
  /* The marker written with the coins, read in the same transaction, says
   * which block they belong to (Core's cursor GetBestBlock). */
  MDB_val v;
  int found = umk_db_get (snap->txn, cs->db->meta, UMK_DB_META_BEST_BLOCK,
                          strlen (UMK_DB_META_BEST_BLOCK), &v, error);
  UmkBlockIndex *index = NULL;
  if (found == 1 && v.mv_size == 32)
    {
      memcpy (snap->best_block.b, v.mv_data, 32);
      index = umk_cs_lookup (cs, &snap->best_block);
    }
  umk_chainstate_unlock (cs);
  if (found < 0)
    goto fail;
  if (index == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "The UTXO database names no known best block");
      goto fail;
    }
  snap->height = index->height;
  MDB_stat st;
  int rc = mdb_stat (snap->txn, cs->db->coins, &st);
  if (rc != 0)
    {
      umk_db_error (error, rc, "mdb_stat");
      goto fail;
    }
  snap->disk_size
      = ((uint64_t) st.ms_branch_pages + st.ms_leaf_pages + st.ms_overflow_pages) * st.ms_psize;
  rc = mdb_cursor_open (snap->txn, cs->db->coins, &snap->cursor);
  if (rc != 0)
    {
      umk_db_error (error, rc, "mdb_cursor_open");
      goto fail;
    }
  return TRUE;

fail:
  umk_coins_snapshot_clear (snap);
  return FALSE;
}

int
umk_coins_snapshot_next (UmkCoinsSnapshot *snap, UmkOutPoint *out, UmkCoin *coin, GError **error)
{
  MDB_val k, v;
  int rc = mdb_cursor_get (snap->cursor, &k, &v, snap->started ? MDB_NEXT : MDB_FIRST);
  snap->started = TRUE;
  if (rc == MDB_NOTFOUND)
    return 0;
  if (rc != 0)
    {
      umk_db_error (error, rc, "Reading the UTXO set");
      return -1;
    }
  if (k.mv_size != UMK_COINS_KEY_SIZE)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "A UTXO database key has %zu bytes",
                   k.mv_size);
      return -1;
    }
  umk_coins_key_parse (k.mv_data, out);
  UmkReader r;
  umk_reader_init (&r, v.mv_data, v.mv_size);
  if (!umk_coin_deserialize (&r, coin) || umk_reader_remaining (&r) != 0)
    {
      umk_coin_clear (coin);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "A coin in the UTXO database is corrupted");
      return -1;
    }
  return 1;
}

void
umk_coins_snapshot_clear (UmkCoinsSnapshot *snap)
{
  if (snap->cursor != NULL)
    mdb_cursor_close (snap->cursor);
  if (snap->txn != NULL)
    mdb_txn_abort (snap->txn);
  snap->cursor = NULL;
  snap->txn = NULL;
}
