/* chainstate.c — block index, storage and chain selection (Umkoin Core's
 * ChainstateManager/Chainstate/BlockManager, validation.cpp and
 * node/blockstorage.cpp). Connecting blocks lives in connect.c.
 */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/chainstate-private.h"

#include "common/block-check.h"
#include "common/error.h"
#include "common/logging.h"
#include "common/pow.h"

#include <string.h>

/* The blocks connected per step of ActivateBestChain before the lock is let
 * go, so RPC calls get in during a long sync (Core connects 32 at a time). */
#define CONNECT_STEP 32

/* ---- Index records ----------------------------------------------------------- */

#define INDEX_RECORD_VERSION 1
#define INDEX_RECORD_SIZE    (1 + 4 * 6 + UMK_BLOCK_HEADER_SIZE)

static void
index_record (const UmkBlockIndex *index, uint8_t out[INDEX_RECORD_SIZE])
{
  g_autoptr (GByteArray) w = g_byte_array_sized_new (INDEX_RECORD_SIZE);
  umk_write_u8 (w, INDEX_RECORD_VERSION);
  umk_write_u32le (w, (uint32_t) index->height);
  umk_write_u32le (w, index->status);
  umk_write_u32le (w, index->n_tx);
  umk_write_u32le (w, (uint32_t) index->file);
  umk_write_u32le (w, index->data_pos);
  umk_write_u32le (w, index->undo_pos);
  UmkBlockHeader h;
  umk_block_index_header (index, &h);
  umk_block_header_write (&h, w);
  g_assert (w->len == INDEX_RECORD_SIZE);
  memcpy (out, w->data, INDEX_RECORD_SIZE);
}

/* Parses a record into index and the parent's hash. */
gboolean
umk_cs_index_parse (const uint8_t *data, size_t len, UmkBlockIndex *index, UmkUint256 *prev_hash)
{
  UmkReader r;
  umk_reader_init (&r, data, len);
  uint8_t version;
  uint32_t height, file;
  UmkBlockHeader h;
  if (!umk_read_u8 (&r, &version) || version != INDEX_RECORD_VERSION
      || !umk_read_u32le (&r, &height) || !umk_read_u32le (&r, &index->status)
      || !umk_read_u32le (&r, &index->n_tx) || !umk_read_u32le (&r, &file)
      || !umk_read_u32le (&r, &index->data_pos) || !umk_read_u32le (&r, &index->undo_pos)
      || !umk_block_header_read (&r, &h) || umk_reader_remaining (&r) != 0)
    return FALSE;
  /* file is -1 for a block without data (a header, or pruned). */
  if (height > G_MAXINT32 || ((int32_t) file < -1 || (int32_t) file > 99999))
    return FALSE;
  index->height = (int) height;
  index->file = (int32_t) file;
  UmkUint256 hash;
  umk_block_header_hash (&h, &hash);
  umk_block_index_set_header (index, &h, &hash);
  *prev_hash = h.prev_block;
  return TRUE;
}

void
umk_cs_set_dirty (UmkChainstate *cs, UmkBlockIndex *index)
{
  g_hash_table_add (cs->dirty_index, index);
}

/* Writes dirty index entries and file statistics into txn. */
static gboolean
write_index (UmkChainstate *cs, MDB_txn *txn, GError **error)
{
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, cs->dirty_index);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      UmkBlockIndex *index = key;
      uint8_t rec[INDEX_RECORD_SIZE];
      index_record (index, rec);
      if (!umk_db_put (txn, cs->db->index, index->hash.b, 32, rec, sizeof rec, error))
        return FALSE;
    }
  return umk_block_store_save_infos (cs->store, txn, cs->db->files, error);
}

gboolean
umk_cs_commit_index (UmkChainstate *cs, GError **error)
{
  if (g_hash_table_size (cs->dirty_index) == 0)
    return TRUE;
  /* Block and undo data first: a committed index entry must never point at
   * bytes that are not on disk. */
  if (!umk_block_store_flush (cs->store, error))
    return FALSE;
  MDB_txn *txn = umk_db_begin (cs->db, FALSE, error);
  if (txn == NULL)
    return FALSE;
  if (!write_index (cs, txn, error))
    {
      mdb_txn_abort (txn);
      return FALSE;
    }
  if (!umk_db_commit (txn, error))
    return FALSE;
  g_hash_table_remove_all (cs->dirty_index);
  return TRUE;
}

gboolean
umk_cs_flush (UmkChainstate *cs, gboolean erase, GError **error)
{
  if (!umk_block_store_flush (cs->store, error))
    return FALSE;
  MDB_txn *txn = umk_db_begin (cs->db, FALSE, error);
  if (txn == NULL)
    return FALSE;
  if (!write_index (cs, txn, error) || !umk_coins_cache_write (cs->coins, txn, error)
      || !umk_cs_txindex_write (cs, txn, error))
    {
      mdb_txn_abort (txn);
      return FALSE;
    }
  if (!umk_db_commit (txn, error))
    return FALSE;
  g_hash_table_remove_all (cs->dirty_index);
  umk_coins_cache_committed (cs->coins, erase);
  cs->last_flush_us = g_get_monotonic_time ();
  return TRUE;
}

/* Core's FlushStateToDisk(IF_NEEDED): when the coins cache outgrows its
 * budget, or an hour passed. */
gboolean
umk_cs_flush_if_needed (UmkChainstate *cs, GError **error)
{
  size_t used = umk_coins_cache_memory (cs->coins);
  gboolean full = used > cs->coins_budget;
  gboolean late = g_get_monotonic_time () - cs->last_flush_us > (gint64) G_USEC_PER_SEC * 3600;
  /* Automatic pruning looks again whenever a new block file was started (as
   * Core's fCheckForPruning): the UTXO set is flushed first, so no undo data
   * it may still need goes. */
  int last_file = umk_block_store_last_file (cs->store);
  gboolean prune = cs->prune_target > 0 && last_file != cs->prune_checked_file
                   && umk_block_store_size_on_disk (cs->store) > cs->prune_target;
  cs->prune_checked_file = last_file;
  if (prune)
    {
      if (!umk_cs_flush (cs, FALSE, error))
        return FALSE;
      umk_cs_prune_if_needed (cs);
    }
  if (!full && !late)
    return TRUE;
  gint64 t0 = g_get_monotonic_time ();
  guint n = umk_coins_cache_size (cs->coins);
  if (!umk_cs_flush (cs, TRUE, error))
    return FALSE;
  g_info ("Flushed %u coins (%zu MiB) to the database in %.2f s", n, used >> 20,
          (g_get_monotonic_time () - t0) / 1e6);
  return TRUE;
}

/* ---- The index ---------------------------------------------------------------- */

UmkBlockIndex *
umk_cs_lookup (UmkChainstate *cs, const UmkUint256 *hash)
{
  return g_hash_table_lookup (cs->index_map, hash);
}

gint
umk_cs_candidate_cmp (gconstpointer a, gconstpointer b, gpointer user)
{
  (void) user;
  return umk_block_index_compare_work (a, b);
}

void
umk_cs_candidates_add (UmkChainstate *cs, UmkBlockIndex *index)
{
  g_tree_insert (cs->candidates, index, index);
}

static void
candidates_remove (UmkChainstate *cs, UmkBlockIndex *index)
{
  g_tree_remove (cs->candidates, index);
}

static void
update_best_header (UmkChainstate *cs, UmkBlockIndex *index)
{
  if (index->status & UMK_BLOCK_FAILED_MASK)
    return;
  if (cs->best_header == NULL
      || umk_arith256_cmp (&index->chain_work, &cs->best_header->chain_work) > 0)
    cs->best_header = index;
}

/* Core's AddToBlockIndex. */
static UmkBlockIndex *
add_to_index (UmkChainstate *cs, const UmkBlockHeader *header, const UmkUint256 *hash)
{
  UmkBlockIndex *index = g_new0 (UmkBlockIndex, 1);
  umk_block_index_set_header (index, header, hash);
  UmkBlockIndex *prev = umk_cs_lookup (cs, &header->prev_block);
  umk_block_index_link (index, prev);
  index->file = -1;
  g_hash_table_insert (cs->index_map, &index->hash, index);
  umk_block_index_raise_validity (index, UMK_BLOCK_VALID_TREE);
  update_best_header (cs, index);
  umk_cs_set_dirty (cs, index);
  return index;
}

/* Core's AcceptBlockHeader. */
gboolean
umk_cs_accept_header (UmkChainstate *cs, const UmkBlockHeader *header,
                      UmkBlockValidationState *state, UmkBlockIndex **out)
{
  UmkUint256 hash;
  umk_block_header_hash (header, &hash);
  const UmkConsensusParams *consensus = &cs->params->consensus;
  UmkBlockIndex *index = umk_cs_lookup (cs, &hash);
  if (index != NULL)
    {
      if (out != NULL)
        *out = index;
      if (index->status & UMK_BLOCK_FAILED_MASK)
        {
          char hex[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&hash, hex);
          return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CACHED_INVALID,
                                          "duplicate-invalid",
                                          "block %s was previously marked invalid", hex);
        }
      return TRUE;
    }
  if (!umk_check_block_header (header, &hash, consensus, true, state))
    return FALSE;
  if (!umk_uint256_equal (&hash, &consensus->hash_genesis_block))
    {
      UmkBlockIndex *prev = umk_cs_lookup (cs, &header->prev_block);
      if (prev == NULL)
        return umk_block_state_invalid (state, UMK_BLOCK_RESULT_MISSING_PREV, "prev-blk-not-found",
                                        NULL);
      if (prev->status & UMK_BLOCK_FAILED_MASK)
        return umk_block_state_invalid (state, UMK_BLOCK_RESULT_INVALID_PREV, "bad-prevblk", NULL);
      if (!umk_contextual_check_block_header (header, prev, consensus, umk_chainstate_now (cs),
                                              state))
        return FALSE;
    }
  index = add_to_index (cs, header, &hash);
  if (out != NULL)
    *out = index;
  return TRUE;
}

/* Core's ReceivedBlockTransactions: the block's data is stored at index. */
static void
received_transactions (UmkChainstate *cs, const UmkBlock *block, UmkBlockIndex *index, int file,
                       uint32_t pos)
{
  index->n_tx = (unsigned) block->n_tx;
  index->file = file;
  index->data_pos = pos;
  index->status |= UMK_BLOCK_HAVE_DATA;
  if (umk_buried_active_at (index, &cs->params->consensus, UMK_BURIED_SEGWIT))
    index->status |= UMK_BLOCK_OPT_WITNESS;
  umk_block_index_raise_validity (index, UMK_BLOCK_VALID_TRANSACTIONS);
  umk_cs_set_dirty (cs, index);

  if (index->prev != NULL && index->prev->chain_tx == 0)
    {
      /* Its parent's data is missing: it waits until that arrives. */
      if (umk_block_index_is_valid (index->prev, UMK_BLOCK_VALID_TREE))
        {
          GPtrArray *kids = g_hash_table_lookup (cs->unlinked, index->prev);
          if (kids == NULL)
            {
              kids = g_ptr_array_new ();
              g_hash_table_insert (cs->unlinked, index->prev, kids);
            }
          g_ptr_array_add (kids, index);
        }
      return;
    }
  /* Now it and every waiting descendant are complete: give them their
   * transaction counts and make them candidates. */
  g_autoptr (GPtrArray) queue = g_ptr_array_new ();
  g_ptr_array_add (queue, index);
  for (guint q = 0; q < queue->len; q++)
    {
      UmkBlockIndex *b = queue->pdata[q];
      b->chain_tx = (b->prev != NULL ? b->prev->chain_tx : 0) + b->n_tx;
      b->sequence_id = cs->next_sequence_id++;
      UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
      if (tip == NULL || umk_block_index_compare_work (b, tip) <= 0)
        umk_cs_candidates_add (cs, b);
      GPtrArray *kids = g_hash_table_lookup (cs->unlinked, b);
      if (kids != NULL)
        {
          for (guint k = 0; k < kids->len; k++)
            g_ptr_array_add (queue, kids->pdata[k]);
          g_hash_table_remove (cs->unlinked, b);
        }
    }
}

/* Core's InvalidBlockFound / InvalidChainFound: marks the block failed and its
 * descendants failed children; none of them is a candidate any more. */
void
umk_cs_mark_invalid (UmkChainstate *cs, UmkBlockIndex *index)
{
  index->status |= UMK_BLOCK_FAILED_VALID;
  umk_cs_set_dirty (cs, index);
  candidates_remove (cs, index);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->index_map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkBlockIndex *b = value;
      if (b != index && b->height > index->height
          && umk_block_index_get_ancestor (b, index->height) == index
          && !(b->status & UMK_BLOCK_FAILED_VALID))
        {
          /* v31 marks descendants as failed themselves (FAILED_CHILD is no
           * longer set). */
          b->status |= UMK_BLOCK_FAILED_VALID;
          umk_cs_set_dirty (cs, b);
          candidates_remove (cs, b);
        }
    }
  if (cs->best_header != NULL && (cs->best_header->status & UMK_BLOCK_FAILED_MASK))
    {
      cs->best_header = NULL;
      g_hash_table_iter_init (&it, cs->index_map);
      while (g_hash_table_iter_next (&it, NULL, &value))
        update_best_header (cs, value);
    }
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&index->hash, hex);
  g_message ("Invalid block found: %s at height %d", hex, index->height);
}

/* Core's AcceptBlock: header, block checks, storage. checked says the block
 * already passed umk_check_block (ProcessNewBlock checks it first; merkle
 * roots and every transaction need not be checked twice). pos_file >= 0 says
 * the block already is at (pos_file, pos) in a blk file (-reindex). */
gboolean
umk_cs_accept_block (UmkChainstate *cs, UmkBlock *block, UmkBlockValidationState *state,
                     gboolean force, gboolean checked, int pos_file, uint32_t pos,
                     gboolean *new_block, UmkBlockIndex **out)
{
  if (new_block != NULL)
    *new_block = FALSE;
  UmkBlockIndex *index = NULL;
  if (!umk_cs_accept_header (cs, &block->header, state, &index))
    return FALSE;
  if (out != NULL)
    *out = index;
  if (index->status & UMK_BLOCK_HAVE_DATA)
    return TRUE;
  /* Blocks nobody asked for are stored only if they could matter: more work
   * than the tip. RPC and import force them, as Core does. */
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (!force && tip != NULL && umk_arith256_cmp (&index->chain_work, &tip->chain_work) < 0)
    return TRUE;
  const UmkConsensusParams *consensus = &cs->params->consensus;
  /* The genesis block is given, not checked (Core's LoadGenesisBlock stores it
   * directly; on chains with BIP 34 from height 0 it could not pass). */
  gboolean genesis = index->prev == NULL;
  if (!genesis
      && ((!checked && !umk_check_block (block, consensus, TRUE, TRUE, state))
          || !umk_contextual_check_block (block, index->prev, consensus, state)))
    {
      if (umk_block_state_is_invalid (state) && state->result != UMK_BLOCK_RESULT_MUTATED)
        umk_cs_mark_invalid (cs, index);
      return FALSE;
    }
  if (new_block != NULL)
    *new_block = TRUE;
  GError *error = NULL;
  int file = pos_file;
  if (pos_file < 0)
    {
      g_autoptr (GByteArray) raw = g_byte_array_sized_new (block->size);
      umk_block_write (block, raw);
      if (!umk_block_store_write_block (cs->store, raw->data, raw->len, index->height,
                                        block->header.time, &file, &pos, &error))
        {
          g_critical ("Cannot store a block: %s", error->message);
          g_error_free (error);
          umk_cs_fatal (cs, "Failed to write block");
          return umk_block_state_error (state, "Failed to write block");
        }
    }
  else
    umk_block_store_note_block (cs->store, pos_file, pos, block->size, index->height,
                                block->header.time);
  received_transactions (cs, block, index, file, pos);
  return TRUE;
}

/* ---- Chain selection --------------------------------------------------------- */

/* Core's FindMostWorkChain: the best candidate whose whole branch has data
 * and is not known invalid. */
static UmkBlockIndex *
find_most_work_chain (UmkChainstate *cs)
{
  for (;;)
    {
      GTreeNode *first = g_tree_node_first (cs->candidates);
      if (first == NULL)
        return NULL;
      UmkBlockIndex *best = g_tree_node_key (first);
      gboolean usable = TRUE;
      for (UmkBlockIndex *b = best; b != NULL && !umk_active_chain_contains (&cs->chain, b);
           b = b->prev)
        {
          gboolean missing = !(b->status & UMK_BLOCK_HAVE_DATA);
          gboolean failed = (b->status & UMK_BLOCK_FAILED_MASK) != 0;
          if (missing || failed)
            {
              /* Everything from best down to b is unusable for now. */
              for (UmkBlockIndex *x = best; x != b; x = x->prev)
                {
                  if (failed)
                    {
                      x->status |= UMK_BLOCK_FAILED_VALID;
                      umk_cs_set_dirty (cs, x);
                    }
                  else if (missing && x->prev != NULL)
                    {
                      GPtrArray *kids = g_hash_table_lookup (cs->unlinked, x->prev);
                      if (kids == NULL)
                        {
                          kids = g_ptr_array_new ();
                          g_hash_table_insert (cs->unlinked, x->prev, kids);
                        }
                      g_ptr_array_add (kids, x);
                    }
                  candidates_remove (cs, x);
                }
              /* b itself goes too, or the same candidate comes back forever. */
              candidates_remove (cs, b);
              usable = FALSE;
              break;
            }
        }
      if (usable)
        return best;
    }
}

/* Core's PruneBlockIndexCandidates: drop candidates worse than the tip. */
static void
prune_candidates (UmkChainstate *cs)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip == NULL)
    return;
  g_autoptr (GPtrArray) drop = g_ptr_array_new ();
  GTreeNode *node = g_tree_node_last (cs->candidates);
  while (node != NULL)
    {
      UmkBlockIndex *b = g_tree_node_key (node);
      if (umk_block_index_compare_work (b, tip) <= 0)
        break;
      g_ptr_array_add (drop, b);
      node = g_tree_node_previous (node);
    }
  for (guint i = 0; i < drop->len; i++)
    candidates_remove (cs, drop->pdata[i]);
  /* The tip itself stays a candidate. */
  umk_cs_candidates_add (cs, tip);
}

static void
notify_tip (UmkChainstate *cs)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  gboolean ibd = umk_chainstate_is_initial_block_download (cs);
  for (guint i = 0; i < cs->callbacks->len; i++)
    {
      const UmkChainstateCallbacks *cb = &g_array_index (cs->callbacks, UmkChainstateCallbacks, i);
      if (cb->tip_changed != NULL)
        cb->tip_changed (cb->user, tip, ibd);
    }
  g_mutex_lock (&cs->tip_lock);
  cs->tip_hash = tip->hash;
  cs->tip_height = tip->height;
  g_cond_broadcast (&cs->tip_cond);
  g_mutex_unlock (&cs->tip_lock);
}

/* Core's NotifyHeaderTip: once per batch of headers or per block, when the
 * best header moved (lock held). */
static void
notify_header_tip (UmkChainstate *cs, UmkBlockIndex *best_before)
{
  UmkBlockIndex *best = cs->best_header;
  if (best == NULL || best == best_before)
    return;
  gboolean ibd = umk_chainstate_is_initial_block_download (cs);
  for (guint i = 0; i < cs->callbacks->len; i++)
    {
      const UmkChainstateCallbacks *cb = &g_array_index (cs->callbacks, UmkChainstateCallbacks, i);
      if (cb->header_tip_changed != NULL)
        cb->header_tip_changed (cb->user, best, ibd);
    }
}

void
umk_chainstate_report_headers_presync (UmkChainstate *cs, int64_t height, gint64 time)
{
  umk_chainstate_lock (cs);
  /* The minimum in effect (-minimumchainwork), which decides whether headers
   * are pre-synced at all. Core compares with the chain's built-in value
   * instead, so with a raised -minimumchainwork (as on regtest in tests) it
   * goes quiet while pre-syncs go on. */
  UmkArith256 minimum;
  umk_chainstate_minimum_work (cs, &minimum);
  gint64 now_us = g_get_monotonic_time ();
  if ((cs->best_header != NULL && umk_arith256_cmp (&cs->best_header->chain_work, &minimum) >= 0)
      || (cs->last_presync_report_us != 0 && now_us < cs->last_presync_report_us + 250000))
    {
      umk_chainstate_unlock (cs);
      return;
    }
  cs->last_presync_report_us = now_us;
  gboolean ibd = umk_chainstate_is_initial_block_download (cs);
  for (guint i = 0; i < cs->callbacks->len; i++)
    {
      const UmkChainstateCallbacks *cb = &g_array_index (cs->callbacks, UmkChainstateCallbacks, i);
      if (cb->headers_presync != NULL)
        cb->headers_presync (cb->user, height, time, ibd);
    }
  gint64 spacing = cs->params->consensus.pow_target_spacing;
  gint64 blocks_left = MAX (0, (umk_chainstate_now (cs) - time) / spacing);
  umk_chainstate_unlock (cs);
  if (ibd && height + blocks_left > 0)
    umk_log_info ("Pre-synchronizing blockheaders, height: %" G_GINT64_FORMAT " (~%.2f%%)",
                  (gint64) height, 100.0 * (double) height / (double) (height + blocks_left));
}

void
umk_cs_notify_reorg_done (UmkChainstate *cs, gboolean add_to_mempool)
{
  for (guint i = 0; i < cs->callbacks->len; i++)
    {
      const UmkChainstateCallbacks *cb = &g_array_index (cs->callbacks, UmkChainstateCallbacks, i);
      if (cb->reorg_done != NULL)
        cb->reorg_done (cb->user, add_to_mempool);
    }
}

/* Core's ActivateBestChainStep: disconnect to the fork, connect up to
 * CONNECT_STEP blocks towards most_work. *invalid_found is set when a block
 * turned out invalid (the search starts over). */
static gboolean
activate_step (UmkChainstate *cs, UmkBlockIndex *most_work, UmkBlock *block_hint,
               gboolean *invalid_found, UmkBlockValidationState *hint_state, gboolean *hint_checked)
{
  UmkBlockIndex *old_tip = umk_active_chain_tip (&cs->chain);
  UmkBlockIndex *fork = umk_active_chain_find_fork (&cs->chain, most_work);
  gboolean disconnected = FALSE;
  while (umk_active_chain_tip (&cs->chain) != NULL && umk_active_chain_tip (&cs->chain) != fork)
    {
      if (!umk_cs_disconnect_tip (cs))
        return FALSE;
      disconnected = TRUE;
    }
  int target = MIN (most_work->height, (fork != NULL ? fork->height : -1) + CONNECT_STEP);
  g_autoptr (GPtrArray) path = g_ptr_array_new ();
  for (UmkBlockIndex *b = umk_block_index_get_ancestor (most_work, target); b != fork; b = b->prev)
    g_ptr_array_add (path, b);
  for (guint i = path->len; i-- > 0;)
    {
      UmkBlockIndex *b = path->pdata[i];
      UmkBlockValidationState state;
      umk_block_state_init (&state);
      UmkBlock *given = (block_hint != NULL && umk_uint256_equal (&block_hint->hash, &b->hash))
                            ? block_hint
                            : NULL;
      gboolean ok = umk_cs_connect_tip (cs, b, given, &state);
      if (given != NULL && hint_state != NULL)
        {
          *hint_state = state;
          *hint_checked = TRUE;
        }
      if (!ok)
        {
          if (umk_block_state_is_invalid (&state))
            {
              umk_cs_mark_invalid (cs, b);
              *invalid_found = TRUE;
              break;
            }
          return FALSE;
        }
      prune_candidates (cs);
      if (old_tip == NULL || umk_arith256_cmp (&b->chain_work, &old_tip->chain_work) > 0)
        {
          /* Better than before: let go of the lock and tell listeners now;
           * the next step goes on from here (as Core does). */
          break;
        }
    }
  if (disconnected)
    umk_cs_notify_reorg_done (cs, TRUE);
  return TRUE;
}

static gboolean activate_best_chain_locked (UmkChainstate *cs, UmkBlock *block_hint,
                                            UmkBlockValidationState *hint_state,
                                            gboolean *hint_checked);

gboolean
umk_cs_activate_best_chain (UmkChainstate *cs, UmkBlock *block_hint,
                            UmkBlockValidationState *hint_state, gboolean *hint_checked)
{
  /* One activation at a time (Core's m_chainstate_mutex): steps of two
   * callers must not interleave, or one caller's verdict about its block could
   * be reached by the other. */
  g_rec_mutex_lock (&cs->activate_lock);
  gboolean ok = activate_best_chain_locked (cs, block_hint, hint_state, hint_checked);
  g_rec_mutex_unlock (&cs->activate_lock);
  return ok;
}

static gboolean
activate_best_chain_locked (UmkChainstate *cs, UmkBlock *block_hint,
                            UmkBlockValidationState *hint_state, gboolean *hint_checked)
{
  for (;;)
    {
      if (g_atomic_int_get (&cs->interrupted))
        return TRUE;
      umk_chainstate_lock (cs);
      UmkBlockIndex *old_tip = umk_active_chain_tip (&cs->chain);
      UmkBlockIndex *most_work = find_most_work_chain (cs);
      if (most_work == NULL || most_work == old_tip)
        {
          umk_chainstate_unlock (cs);
          return TRUE;
        }
      gboolean invalid_found = FALSE;
      gboolean ok
          = activate_step (cs, most_work, block_hint, &invalid_found, hint_state, hint_checked);
      if (ok && umk_active_chain_tip (&cs->chain) != old_tip)
        notify_tip (cs);
      umk_chainstate_unlock (cs);
      if (!ok)
        return FALSE;
    }
}

/* ---- Public entry points ------------------------------------------------------ */

gboolean
umk_chainstate_process_block (UmkChainstate *cs, UmkBlock *block, gboolean force,
                              gboolean *new_block, UmkBlockValidationState *state,
                              gboolean *checked)
{
  umk_block_state_init (state);
  *checked = FALSE;
  if (new_block != NULL)
    *new_block = FALSE;
  umk_chainstate_lock (cs);
  UmkBlockIndex *best_before = cs->best_header;
  const UmkConsensusParams *consensus = &cs->params->consensus;
  gboolean ok = umk_check_block (block, consensus, TRUE, TRUE, state);
  if (ok)
    ok = umk_cs_accept_block (cs, block, state, force, TRUE, -1, 0, new_block, NULL);
  notify_header_tip (cs, best_before);
  if (!ok)
    {
      /* Core's BlockChecked fires for a block that failed here. */
      *checked = TRUE;
      umk_chainstate_unlock (cs);
      return FALSE;
    }
  umk_chainstate_unlock (cs);
  UmkBlockValidationState connect_state;
  umk_block_state_init (&connect_state);
  gboolean connect_checked = FALSE;
  gboolean activated = umk_cs_activate_best_chain (cs, block, &connect_state, &connect_checked);
  if (connect_checked)
    {
      *state = connect_state;
      *checked = TRUE;
    }
  /* What was acknowledged must survive a crash: the block and its index entry
   * are on disk before the caller hears about it. */
  umk_chainstate_lock (cs);
  GError *error = NULL;
  gboolean committed = umk_cs_commit_index (cs, &error);
  if (committed)
    committed = umk_cs_flush_if_needed (cs, &error);
  if (!committed)
    {
      g_critical ("%s", error->message);
      g_error_free (error);
      umk_cs_fatal (cs, "Failed to write the block index");
    }
  umk_chainstate_unlock (cs);
  return activated && committed;
}

gboolean
umk_chainstate_process_headers (UmkChainstate *cs, const UmkBlockHeader *headers, size_t n,
                                UmkBlockValidationState *state, UmkBlockIndex **last)
{
  umk_block_state_init (state);
  if (last != NULL)
    *last = NULL;
  umk_chainstate_lock (cs);
  UmkBlockIndex *best_before = cs->best_header;
  gboolean ok = TRUE;
  for (size_t i = 0; i < n && ok; i++)
    {
      UmkBlockIndex *index = NULL;
      ok = umk_cs_accept_header (cs, &headers[i], state, &index);
      if (ok && last != NULL)
        *last = index;
    }
  /* One index write for the batch: a header costs no disk sync of its own
   * (Core does not write headers before its next flush at all). */
  GError *error = NULL;
  if (!umk_cs_commit_index (cs, &error))
    {
      g_critical ("%s", error->message);
      g_error_free (error);
    }
  notify_header_tip (cs, best_before);
  umk_chainstate_unlock (cs);
  return ok;
}

gboolean
umk_chainstate_process_header (UmkChainstate *cs, const UmkBlockHeader *header,
                               UmkBlockValidationState *state)
{
  return umk_chainstate_process_headers (cs, header, 1, state, NULL);
}

gboolean
umk_chainstate_activate_best_chain (UmkChainstate *cs, GError **error)
{
  if (!umk_cs_activate_best_chain (cs, NULL, NULL, NULL))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot connect the best chain");
      return FALSE;
    }
  umk_chainstate_lock (cs);
  gboolean ok = umk_cs_commit_index (cs, error);
  umk_chainstate_unlock (cs);
  return ok;
}

/* ---- invalidateblock, reconsiderblock, preciousblock ------------------------ */

gboolean
umk_chainstate_invalidate_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error)
{
  /* The genesis block cannot be invalid (Core refuses quietly). */
  if (index->height == 0)
    return TRUE;
  g_rec_mutex_lock (&cs->activate_lock);
  umk_chainstate_lock (cs);
  gboolean ok = TRUE;
  gboolean disconnected = FALSE;
  int n_disconnected = 0;
  /* Walk the tip back below the block, then mark it and everything after it.
   * The mempool follows block by block, as in Core: the transactions of the
   * first ten blocks go back into it, deeper ones are dropped. */
  while (ok && umk_active_chain_contains (&cs->chain, index))
    {
      if (!umk_cs_disconnect_tip (cs))
        {
          ok = FALSE;
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot disconnect the tip");
        }
      disconnected = TRUE;
      umk_cs_notify_reorg_done (cs, ok && ++n_disconnected <= 10);
    }
  if (ok)
    {
      umk_cs_mark_invalid (cs, index);
      /* Candidates that lost their rank to the old tip may be best again. */
      GHashTableIter it;
      gpointer value;
      g_hash_table_iter_init (&it, cs->index_map);
      UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
      while (g_hash_table_iter_next (&it, NULL, &value))
        {
          UmkBlockIndex *b = value;
          if (umk_block_index_is_valid (b, UMK_BLOCK_VALID_TRANSACTIONS) && b->chain_tx > 0
              && (tip == NULL || umk_block_index_compare_work (b, tip) <= 0))
            umk_cs_candidates_add (cs, b);
        }
      if (disconnected)
        notify_tip (cs);
    }
  umk_chainstate_unlock (cs);
  if (ok)
    ok = umk_chainstate_activate_best_chain (cs, error);
  g_rec_mutex_unlock (&cs->activate_lock);
  return ok;
}

/* A block whose failure flags were cleared is a candidate again if it is
 * complete and not worse than the tip (Core's ResetBlockFailureFlags). */
static void
maybe_candidate (UmkChainstate *cs, UmkBlockIndex *b)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (umk_block_index_is_valid (b, UMK_BLOCK_VALID_TRANSACTIONS) && b->chain_tx > 0
      && (tip == NULL || umk_block_index_compare_work (b, tip) <= 0))
    umk_cs_candidates_add (cs, b);
}

gboolean
umk_chainstate_reconsider_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error)
{
  umk_chainstate_lock (cs);
  /* Clear failure flags on the block, its descendants and its ancestors. */
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->index_map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkBlockIndex *b = value;
      if ((b->status & UMK_BLOCK_FAILED_MASK)
          && umk_block_index_get_ancestor (b, index->height) == index)
        {
          b->status &= ~(uint32_t) UMK_BLOCK_FAILED_MASK;
          umk_cs_set_dirty (cs, b);
          maybe_candidate (cs, b);
          update_best_header (cs, b);
        }
    }
  for (UmkBlockIndex *b = index; b != NULL; b = b->prev)
    if (b->status & UMK_BLOCK_FAILED_MASK)
      {
        b->status &= ~(uint32_t) UMK_BLOCK_FAILED_MASK;
        umk_cs_set_dirty (cs, b);
        maybe_candidate (cs, b);
        update_best_header (cs, b);
      }
  umk_chainstate_unlock (cs);
  return umk_chainstate_activate_best_chain (cs, error);
}

gboolean
umk_chainstate_precious_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error)
{
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip != NULL && umk_arith256_cmp (&index->chain_work, &tip->chain_work) < 0)
    {
      umk_chainstate_unlock (cs);
      return TRUE; /* nothing to do for a block with less work */
    }
  if (tip != NULL && umk_arith256_cmp (&tip->chain_work, &cs->last_precious_work) > 0)
    {
      /* The chain grew since the last call: start the counter afresh. */
      cs->reverse_sequence_id = -1;
    }
  cs->last_precious_work = tip != NULL ? tip->chain_work : cs->last_precious_work;
  candidates_remove (cs, index);
  index->sequence_id = cs->reverse_sequence_id;
  if (cs->reverse_sequence_id > G_MININT32)
    cs->reverse_sequence_id--;
  if (umk_block_index_is_valid (index, UMK_BLOCK_VALID_TRANSACTIONS) && index->chain_tx > 0)
    umk_cs_candidates_add (cs, index);
  umk_chainstate_unlock (cs);
  return umk_chainstate_activate_best_chain (cs, error);
}
