/* chainstate-load.c — opening and closing the chainstate, loading the block
 * index, importing block files (-loadblock, -reindex), verifychain, pruning,
 * and the read-only accessors.
 */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/chainstate-private.h"
#include "node/chainstate-query.h"

#include "common/block-check.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

/* Blocks kept below the tip when pruning (Core's MIN_BLOCKS_TO_KEEP). */
#define MIN_BLOCKS_TO_KEEP 288

/* Sequence ids of blocks loaded from disk: the active chain's blocks before
 * any other of equal work, then the rest; new blocks count up after them. */
#define SEQ_ID_BEST_CHAIN_FROM_DISK 0
#define SEQ_ID_INIT_FROM_DISK       1
#define SEQ_ID_FIRST_NEW            2

void
umk_chainstate_lock (UmkChainstate *cs)
{
  g_rec_mutex_lock (&cs->lock);
}

void
umk_chainstate_unlock (UmkChainstate *cs)
{
  g_rec_mutex_unlock (&cs->lock);
}

void
umk_cs_fatal (UmkChainstate *cs, const char *message)
{
  g_critical ("A fatal internal error occurred: %s", message);
  if (cs->opts.on_fatal != NULL)
    cs->opts.on_fatal (cs->opts.fatal_user, message);
}

static gint
by_height (gconstpointer a, gconstpointer b)
{
  const UmkBlockIndex *x = *(UmkBlockIndex *const *) a, *y = *(UmkBlockIndex *const *) b;
  return (x->height > y->height) - (x->height < y->height);
}

/* Core's LoadBlockIndex: reads every entry, links the tree, recomputes chain
 * work and transaction counts, and finds the candidates. */
static gboolean
load_index (UmkChainstate *cs, GError **error)
{
  MDB_txn *txn = umk_db_begin (cs->db, TRUE, error);
  if (txn == NULL)
    return FALSE;
  if (!umk_block_store_load_infos (cs->store, txn, cs->db->files, error))
    {
      mdb_txn_abort (txn);
      return FALSE;
    }
  MDB_cursor *cur;
  int rc = mdb_cursor_open (txn, cs->db->index, &cur);
  if (rc != 0)
    {
      mdb_txn_abort (txn);
      return umk_db_error (error, rc, "Cannot read the block index");
    }
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autoptr (GArray) prevs = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  MDB_val k, v;
  gboolean ok = TRUE;
  for (rc = mdb_cursor_get (cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get (cur, &k, &v, MDB_NEXT))
    {
      UmkBlockIndex *index = g_new0 (UmkBlockIndex, 1);
      UmkUint256 prev;
      if (k.mv_size != 32 || !umk_cs_index_parse (v.mv_data, v.mv_size, index, &prev)
          || memcmp (k.mv_data, index->hash.b, 32) != 0)
        {
          g_free (index);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "The block index database is corrupted; restart with -reindex");
          ok = FALSE;
          break;
        }
      g_hash_table_insert (cs->index_map, &index->hash, index);
      index->sequence_id = (int32_t) all->len; /* remembers where its prev hash is */
      g_ptr_array_add (all, index);
      g_array_append_val (prevs, prev);
    }
  mdb_cursor_close (cur);
  mdb_txn_abort (txn);
  if (!ok)
    return FALSE;
  /* Link in height order so every parent is linked before its children. */
  for (guint i = 0; i < all->len; i++)
    {
      UmkBlockIndex *index = all->pdata[i];
      const UmkUint256 *prev_hash = &g_array_index (prevs, UmkUint256, index->sequence_id);
      index->prev = umk_uint256_is_zero (prev_hash) ? NULL : umk_cs_lookup (cs, prev_hash);
      if (index->prev == NULL && !umk_uint256_is_zero (prev_hash))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "The block index database is corrupted (a block without its parent); "
                       "restart with -reindex");
          return FALSE;
        }
    }
  g_ptr_array_sort (all, by_height);
  for (guint i = 0; i < all->len; i++)
    {
      UmkBlockIndex *index = all->pdata[i];
      int stored_height = index->height;
      umk_block_index_link (index, index->prev);
      if (index->height != stored_height)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "The block index database is corrupted (wrong height); restart with "
                       "-reindex");
          return FALSE;
        }
      index->sequence_id = SEQ_ID_INIT_FROM_DISK;
      /* Descendants of a failed block are failed too; the old child flag
       * becomes the one flag v31 uses. */
      if (index->status & UMK_BLOCK_FAILED_CHILD)
        {
          index->status
              = (index->status & ~(uint32_t) UMK_BLOCK_FAILED_CHILD) | UMK_BLOCK_FAILED_VALID;
          umk_cs_set_dirty (cs, index);
        }
      if (index->prev != NULL && (index->prev->status & UMK_BLOCK_FAILED_MASK)
          && !(index->status & UMK_BLOCK_FAILED_MASK))
        {
          index->status |= UMK_BLOCK_FAILED_VALID;
          umk_cs_set_dirty (cs, index);
        }
      if (index->n_tx > 0)
        {
          if (index->prev == NULL || index->prev->chain_tx > 0)
            index->chain_tx = (index->prev != NULL ? index->prev->chain_tx : 0) + index->n_tx;
          else
            {
              GPtrArray *kids = g_hash_table_lookup (cs->unlinked, index->prev);
              if (kids == NULL)
                {
                  kids = g_ptr_array_new ();
                  g_hash_table_insert (cs->unlinked, index->prev, kids);
                }
              g_ptr_array_add (kids, index);
            }
        }
      if (!(index->status & UMK_BLOCK_FAILED_MASK)
          && (cs->best_header == NULL
              || umk_arith256_cmp (&index->chain_work, &cs->best_header->chain_work) > 0))
        cs->best_header = index;
    }
  g_info ("Loaded %u block index entries", all->len);
  return TRUE;
}

static gboolean
load_tip (UmkChainstate *cs, GError **error)
{
  MDB_txn *txn = umk_db_begin (cs->db, TRUE, error);
  if (txn == NULL)
    return FALSE;
  MDB_val v;
  int found = umk_db_get (txn, cs->db->meta, UMK_DB_META_BEST_BLOCK,
                          strlen (UMK_DB_META_BEST_BLOCK), &v, error);
  UmkUint256 best = { 0 };
  if (found == 1 && v.mv_size == 32)
    memcpy (best.b, v.mv_data, 32);
  found = found < 0 ? -1
                    : umk_db_get (txn, cs->db->meta, UMK_DB_META_PRUNED,
                                  strlen (UMK_DB_META_PRUNED), &v, error);
  cs->pruned = found == 1;
  mdb_txn_abort (txn);
  if (found < 0)
    return FALSE;
  umk_coins_cache_set_best_block (cs->coins, &best);
  if (umk_uint256_is_zero (&best))
    return TRUE;
  UmkBlockIndex *tip = umk_cs_lookup (cs, &best);
  if (tip == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "The UTXO set's best block is not in the block index; restart with "
                   "-reindex-chainstate");
      return FALSE;
    }
  umk_active_chain_set_tip (&cs->chain, tip);
  for (UmkBlockIndex *b = tip; b != NULL; b = b->prev)
    b->sequence_id = SEQ_ID_BEST_CHAIN_FROM_DISK;
  return TRUE;
}

static void
find_candidates (UmkChainstate *cs)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->index_map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkBlockIndex *b = value;
      if (umk_block_index_is_valid (b, UMK_BLOCK_VALID_TRANSACTIONS) && b->chain_tx > 0
          && (tip == NULL || umk_block_index_compare_work (b, tip) <= 0))
        umk_cs_candidates_add (cs, b);
    }
}

static void
free_kids (gpointer p)
{
  g_ptr_array_free (p, TRUE);
}

static void
free_txpos (gpointer p)
{
  g_free (p);
}

static gboolean
load_genesis (UmkChainstate *cs, GError **error)
{
  const UmkBlock *genesis = cs->params->genesis;
  if (umk_cs_lookup (cs, &genesis->hash) != NULL)
    return TRUE;
  /* The genesis block goes through the same path as any block, so it is
   * stored at the start of blk00000.dat as in Core. */
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  umk_block_write (genesis, raw);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&raw));
  g_autoptr (UmkBlock) copy = umk_block_new_from_bytes (bytes, error);
  if (copy == NULL)
    return FALSE;
  UmkBlockValidationState state;
  umk_block_state_init (&state);
  if (!umk_cs_accept_block (cs, copy, &state, TRUE, FALSE, -1, 0, NULL, NULL))
    {
      g_autofree char *s = umk_block_state_to_string (&state);
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot store the genesis block: %s", s);
      return FALSE;
    }
  return umk_cs_commit_index (cs, error);
}

/* Makes the genesis block the tip, so the chain is never empty once start-up
 * is over (Core waits for the same before it serves RPC). */
static gboolean
connect_genesis (UmkChainstate *cs, GError **error)
{
  UmkBlockIndex *genesis = umk_cs_lookup (cs, &cs->params->consensus.hash_genesis_block);
  if (genesis == NULL || !(genesis->status & UMK_BLOCK_HAVE_DATA))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "The genesis block is not stored");
      return FALSE;
    }
  UmkBlockValidationState state;
  umk_block_state_init (&state);
  if (!umk_cs_connect_tip (cs, genesis, NULL, &state))
    {
      g_autofree char *s = umk_block_state_to_string (&state);
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot connect the genesis block: %s", s);
      return FALSE;
    }
  cs->tip_hash = genesis->hash;
  cs->tip_height = 0;
  g_mutex_lock (&cs->tip_lock);
  g_cond_broadcast (&cs->tip_cond);
  g_mutex_unlock (&cs->tip_lock);
  return umk_cs_commit_index (cs, error);
}

UmkChainstate *
umk_chainstate_open (const UmkChainstateOptions *opts, GError **error)
{
  UmkChainstate *cs = g_new0 (UmkChainstate, 1);
  g_rec_mutex_init (&cs->lock);
  g_rec_mutex_init (&cs->activate_lock);
  g_mutex_init (&cs->tip_lock);
  g_cond_init (&cs->tip_cond);
  cs->opts = *opts;
  cs->params = opts->params;
  cs->datadir = g_strdup (opts->datadir);
  cs->mocktime = opts->mocktime;
  cs->txindex = opts->txindex;
  cs->index_map
      = g_hash_table_new_full (umk_uint256_hash_func, umk_uint256_equal_func, NULL, g_free);
  cs->candidates = g_tree_new_full ((GCompareDataFunc) umk_cs_candidate_cmp, NULL, NULL, NULL);
  cs->unlinked = g_hash_table_new_full (NULL, NULL, NULL, free_kids);
  cs->dirty_index = g_hash_table_new (NULL, NULL);
  cs->txindex_pending
      = g_hash_table_new_full (umk_uint256_hash_func, umk_uint256_equal_func, NULL, free_txpos);
  cs->callbacks = g_array_new (FALSE, TRUE, sizeof (UmkChainstateCallbacks));
  cs->next_sequence_id = SEQ_ID_FIRST_NEW;
  cs->reverse_sequence_id = -1;
  cs->vbcache = umk_versionbits_cache_new ();
  cs->checkq = umk_script_check_queue_new (MAX (opts->script_threads - 1, 0));
  /* Core gives the coins cache what -dbcache leaves after its LevelDB
   * caches; with one LMDB map (paged by the kernel) nearly all of it. */
  gint64 mib = CLAMP (opts->dbcache_mib, 4, G_GINT64_CONSTANT (1) << 20);
  cs->coins_budget = (size_t) (mib * 1024 * 1024 * 9 / 10);
  cs->prune_target = opts->prune_mib > 1 ? (uint64_t) opts->prune_mib * 1024 * 1024 : 0;
  cs->last_flush_us = g_get_monotonic_time ();

  g_autofree char *dbdir = g_build_filename (opts->datadir, "chainstate.lmdb", NULL);
  g_autofree char *blocksdir = g_build_filename (opts->datadir, "blocks", NULL);
  gboolean resume_reindex = FALSE;
  cs->db = umk_db_open (dbdir, opts->reindex, opts->reindex_chainstate, error);
  if (cs->db == NULL)
    goto fail;
  {
    MDB_txn *txn = umk_db_begin (cs->db, TRUE, error);
    if (txn == NULL)
      goto fail;
    MDB_val v;
    resume_reindex = umk_db_get (txn, cs->db->meta, UMK_DB_META_REINDEXING,
                                 strlen (UMK_DB_META_REINDEXING), &v, NULL)
                     == 1;
    mdb_txn_abort (txn);
  }
  if (resume_reindex && !opts->reindex)
    {
      /* A -reindex was interrupted: start it over. */
      g_message ("An interrupted reindex is started over");
      umk_db_close (cs->db);
      cs->db = umk_db_open (dbdir, TRUE, FALSE, error);
      if (cs->db == NULL)
        goto fail;
    }
  cs->store = umk_block_store_new (blocksdir, cs->params->message_start, opts->blocksxor, error);
  if (cs->store == NULL)
    goto fail;
  if (opts->fastprune)
    umk_block_store_set_max_file_size (cs->store, UMK_FASTPRUNE_BLOCKFILE_SIZE);
  cs->coins = umk_coins_cache_new_db (cs->db);
  if (opts->reindex || resume_reindex)
    {
      g_atomic_int_set (&cs->reindexing, 1);
      MDB_txn *txn = umk_db_begin (cs->db, FALSE, error);
      uint8_t one = 1;
      if (txn == NULL
          || !umk_db_put (txn, cs->db->meta, UMK_DB_META_REINDEXING,
                          strlen (UMK_DB_META_REINDEXING), &one, 1, error)
          || !umk_db_commit (txn, error))
        goto fail;
      return cs; /* the index is rebuilt by umk_chainstate_reindex () */
    }
  if (!load_index (cs, error) || !load_tip (cs, error))
    goto fail;
  find_candidates (cs);
  if (!load_genesis (cs, error))
    goto fail;
  if (umk_active_chain_tip (&cs->chain) == NULL && !connect_genesis (cs, error))
    goto fail;
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip != NULL)
    {
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&tip->hash, hex);
      g_message ("Loaded best chain: hashBestChain=%s height=%d", hex, tip->height);
      cs->tip_hash = tip->hash;
      cs->tip_height = tip->height;
    }
  return cs;

fail:
  umk_chainstate_close (cs);
  return NULL;
}

void
umk_chainstate_close (UmkChainstate *cs)
{
  if (cs == NULL)
    return;
  if (cs->db != NULL && cs->coins != NULL && !g_atomic_int_get (&cs->reindexing))
    {
      g_autoptr (GError) error = NULL;
      umk_chainstate_lock (cs);
      if (!umk_cs_flush (cs, TRUE, &error))
        g_critical ("Cannot save the chainstate: %s", error->message);
      umk_chainstate_unlock (cs);
    }
  g_clear_pointer (&cs->checkq, umk_script_check_queue_free);
  g_clear_pointer (&cs->coins, umk_coins_cache_free);
  g_clear_pointer (&cs->store, umk_block_store_free);
  g_clear_pointer (&cs->db, umk_db_close);
  g_clear_pointer (&cs->vbcache, umk_versionbits_cache_free);
  umk_active_chain_clear (&cs->chain);
  g_tree_destroy (cs->candidates);
  g_hash_table_destroy (cs->unlinked);
  g_hash_table_destroy (cs->dirty_index);
  g_hash_table_destroy (cs->txindex_pending);
  g_hash_table_destroy (cs->index_map);
  g_array_free (cs->callbacks, TRUE);
  g_cond_clear (&cs->tip_cond);
  g_mutex_clear (&cs->tip_lock);
  g_rec_mutex_clear (&cs->lock);
  g_rec_mutex_clear (&cs->activate_lock);
  g_free (cs->datadir);
  g_free (cs);
}

void
umk_chainstate_interrupt (UmkChainstate *cs)
{
  g_atomic_int_set (&cs->interrupted, 1);
  g_mutex_lock (&cs->tip_lock);
  g_cond_broadcast (&cs->tip_cond);
  g_mutex_unlock (&cs->tip_lock);
}

/* ---- Importing block files -------------------------------------------------- */

typedef struct
{
  int64_t offset; /* of the block data in the file being read */
  uint32_t size;
} FilePos;

/* Reads one block of size bytes at offset of an external file (fd) or of our
 * blk file reindex_file. */
static GBytes *
read_block_at (UmkChainstate *cs, int fd, int reindex_file, int64_t offset, uint32_t size)
{
  uint8_t *buf = g_malloc (size);
  gssize got;
  if (reindex_file >= 0)
    got = umk_block_store_read_raw (cs->store, reindex_file, (uint64_t) offset, buf, size, NULL);
  else
    got = pread (fd, buf, size, offset);
  if (got != (gssize) size)
    {
      g_free (buf);
      return NULL;
    }
  return g_bytes_new_take (buf, size);
}

static void
accept_imported (UmkChainstate *cs, UmkBlock *block, int reindex_file, int64_t offset)
{
  UmkBlockValidationState state;
  umk_block_state_init (&state);
  if (!umk_cs_accept_block (cs, block, &state, TRUE, FALSE, reindex_file,
                            reindex_file >= 0 ? (uint32_t) offset : 0, NULL, NULL))
    {
      g_autofree char *s = umk_block_state_to_string (&state);
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&block->hash, hex);
      g_message ("Import: block %s not accepted: %s", hex, s);
    }
}

gboolean
umk_chainstate_import_file (UmkChainstate *cs, const char *path, int reindex_file, GError **error)
{
  int fd = -1;
  uint64_t file_size = 0;
  if (reindex_file < 0)
    {
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
      if (fd < 0)
        {
          int e = errno;
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot open %s: %s", path,
                       g_strerror (e));
          return FALSE;
        }
      file_size = (uint64_t) lseek (fd, 0, SEEK_END);
    }
  else
    {
      GStatBuf st;
      g_autofree char *p = umk_block_store_path (cs->store, reindex_file, FALSE);
      if (g_stat (p, &st) != 0)
        return TRUE;
      file_size = (uint64_t) st.st_size;
    }
  g_message ("Loading blocks from %s", path);
  const uint8_t *magic = cs->params->message_start;
  /* Blocks whose parent was not seen yet, by the parent's hash. */
  g_autoptr (GHashTable) orphans
      = g_hash_table_new_full (umk_uint256_hash_func, umk_uint256_equal_func, g_free, free_kids);
  guint n_loaded = 0;
  uint64_t pos = 0;
  uint8_t window[4096];
  gboolean ok = TRUE;
  while (pos + UMK_STORAGE_HEADER_BYTES <= file_size && !g_atomic_int_get (&cs->interrupted))
    {
      /* Find the next message start: the files may hold junk or zeros
       * between records (preallocation, a crash while writing). */
      gssize n = reindex_file >= 0 ? umk_block_store_read_raw (cs->store, reindex_file, pos, window,
                                                               sizeof window, NULL)
                                   : pread (fd, window, sizeof window, (off_t) pos);
      if (n < UMK_STORAGE_HEADER_BYTES)
        break;
      gssize at = -1;
      for (gssize i = 0; i + UMK_STORAGE_HEADER_BYTES <= n; i++)
        if (memcmp (window + i, magic, 4) == 0)
          {
            at = i;
            break;
          }
      if (at < 0)
        {
          pos += (uint64_t) (n - UMK_STORAGE_HEADER_BYTES + 1);
          continue;
        }
      pos += (uint64_t) at;
      const uint8_t *h = window + at;
      uint32_t size
          = (uint32_t) h[4] | (uint32_t) h[5] << 8 | (uint32_t) h[6] << 16 | (uint32_t) h[7] << 24;
      if (size < UMK_BLOCK_HEADER_SIZE || size > UMK_MAX_BLOCK_SERIALIZED_SIZE)
        {
          pos += 1;
          continue;
        }
      int64_t data_at = (int64_t) pos + UMK_STORAGE_HEADER_BYTES;
      if ((uint64_t) data_at + size > file_size)
        break;
      g_autoptr (GBytes) bytes = read_block_at (cs, fd, reindex_file, data_at, size);
      if (bytes == NULL)
        break;
      g_autoptr (GError) perr = NULL;
      g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &perr);
      if (block == NULL)
        {
          g_message ("Import: skipping an unreadable block at %" G_GUINT64_FORMAT " of %s: %s", pos,
                     path, perr->message);
          pos += 1;
          continue;
        }
      pos = (uint64_t) data_at + size;
      umk_chainstate_lock (cs);
      UmkBlockIndex *known = umk_cs_lookup (cs, &block->hash);
      UmkBlockIndex *prev = umk_cs_lookup (cs, &block->header.prev_block);
      gboolean genesis
          = umk_uint256_equal (&block->hash, &cs->params->consensus.hash_genesis_block);
      if (known != NULL && (known->status & UMK_BLOCK_HAVE_DATA))
        {
          umk_chainstate_unlock (cs);
          continue;
        }
      if (prev == NULL && !genesis)
        {
          GArray *list = g_hash_table_lookup (orphans, &block->header.prev_block);
          if (list == NULL)
            {
              list = g_array_new (FALSE, FALSE, sizeof (FilePos));
              g_hash_table_insert (orphans, g_memdup2 (&block->header.prev_block, 32), list);
            }
          FilePos fp = { data_at, size };
          g_array_append_val (list, fp);
          umk_chainstate_unlock (cs);
          continue;
        }
      accept_imported (cs, block, reindex_file, data_at);
      n_loaded++;
      if (genesis && umk_active_chain_tip (&cs->chain) == NULL)
        {
          /* Activate the genesis block at once, so the node can serve while
           * the rest is read (Core does the same). */
          g_autoptr (GError) gerr = NULL;
          if (!connect_genesis (cs, &gerr))
            g_warning ("%s", gerr->message);
        }
      /* Children that were waiting for this block, and theirs. */
      g_autoptr (GArray) queue = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
      g_array_append_val (queue, block->hash);
      for (guint q = 0; q < queue->len; q++)
        {
          UmkUint256 parent = g_array_index (queue, UmkUint256, q);
          GArray *list = g_hash_table_lookup (orphans, &parent);
          if (list == NULL)
            continue;
          g_autoptr (GArray) kids = g_array_ref (list);
          g_hash_table_remove (orphans, &parent);
          for (guint k = 0; k < kids->len; k++)
            {
              FilePos fp = g_array_index (kids, FilePos, k);
              g_autoptr (GBytes) kb = read_block_at (cs, fd, reindex_file, fp.offset, fp.size);
              g_autoptr (UmkBlock) kid = kb != NULL ? umk_block_new_from_bytes (kb, NULL) : NULL;
              if (kid == NULL)
                continue;
              accept_imported (cs, kid, reindex_file, fp.offset);
              n_loaded++;
              g_array_append_val (queue, kid->hash);
            }
        }
      if (n_loaded % 1000 == 0)
        ok = umk_cs_commit_index (cs, error);
      umk_chainstate_unlock (cs);
      if (!ok)
        break;
    }
  if (fd >= 0)
    close (fd);
  umk_chainstate_lock (cs);
  if (ok)
    ok = umk_cs_commit_index (cs, error);
  umk_chainstate_unlock (cs);
  g_message ("Loaded %u blocks from external file %s", n_loaded, path);
  return ok;
}

gboolean
umk_chainstate_reindex (UmkChainstate *cs, GError **error)
{
  umk_block_store_reset_infos (cs->store);
  for (int file = 0; !g_atomic_int_get (&cs->interrupted); file++)
    {
      g_autofree char *path = umk_block_store_path (cs->store, file, FALSE);
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        break;
      g_message ("Reindexing block file blk%05d.dat...", file);
      if (!umk_chainstate_import_file (cs, path, file, error))
        return FALSE;
    }
  if (g_atomic_int_get (&cs->interrupted))
    return TRUE;
  umk_chainstate_lock (cs);
  gboolean ok = load_genesis (cs, error);
  if (ok && umk_active_chain_tip (&cs->chain) == NULL)
    ok = connect_genesis (cs, error);
  if (ok)
    {
      MDB_txn *txn = umk_db_begin (cs->db, FALSE, error);
      ok = txn != NULL
           && umk_db_del (txn, cs->db->meta, UMK_DB_META_REINDEXING,
                          strlen (UMK_DB_META_REINDEXING), error)
           && umk_db_commit (txn, error);
    }
  g_atomic_int_set (&cs->reindexing, 0);
  umk_chainstate_unlock (cs);
  g_message ("Reindexing finished");
  return ok;
}

gboolean
umk_chainstate_reindexing (UmkChainstate *cs)
{
  return g_atomic_int_get (&cs->reindexing);
}

gboolean
umk_chainstate_importing (UmkChainstate *cs)
{
  return g_atomic_int_get (&cs->importing);
}

void
umk_chainstate_set_importing (UmkChainstate *cs, gboolean importing)
{
  g_atomic_int_set (&cs->importing, importing);
}

/* ---- Reading ---------------------------------------------------------------- */

const UmkChainParams *
umk_chainstate_params (UmkChainstate *cs)
{
  return cs->params;
}

const UmkActiveChain *
umk_chainstate_chain (UmkChainstate *cs)
{
  return &cs->chain;
}

UmkBlockIndex *
umk_chainstate_tip (UmkChainstate *cs)
{
  return umk_active_chain_tip (&cs->chain);
}

UmkBlockIndex *
umk_chainstate_best_header (UmkChainstate *cs)
{
  return cs->best_header;
}

UmkBlockIndex *
umk_chainstate_lookup (UmkChainstate *cs, const UmkUint256 *hash)
{
  return umk_cs_lookup (cs, hash);
}

GPtrArray *
umk_chainstate_all_blocks (UmkChainstate *cs)
{
  GPtrArray *out = g_ptr_array_sized_new (g_hash_table_size (cs->index_map));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->index_map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (out, value);
  return out;
}

GBytes *
umk_chainstate_read_block_bytes (UmkChainstate *cs, const UmkBlockIndex *index, GError **error)
{
  if (!(index->status & UMK_BLOCK_HAVE_DATA))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   cs->pruned ? "Block not available (pruned data)" : "Block not found on disk");
      return NULL;
    }
  return umk_block_store_read_block (cs->store, index->file, index->data_pos, error);
}

UmkBlock *
umk_chainstate_read_block (UmkChainstate *cs, const UmkBlockIndex *index, GError **error)
{
  g_autoptr (GBytes) bytes = umk_chainstate_read_block_bytes (cs, index, error);
  if (bytes == NULL)
    return NULL;
  UmkBlock *block = umk_block_new_from_bytes (bytes, error);
  if (block == NULL)
    return NULL;
  if (!umk_uint256_equal (&block->hash, &index->hash))
    {
      umk_block_free (block);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "The block file holds another block than the index says at %u of blk%05d.dat",
                   index->data_pos, index->file);
      return NULL;
    }
  return block;
}

gboolean
umk_chainstate_read_undo (UmkChainstate *cs, const UmkBlockIndex *index, UmkBlockUndo *out,
                          GError **error)
{
  if (!(index->status & UMK_BLOCK_HAVE_UNDO) || index->prev == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Undo data not available");
      return FALSE;
    }
  g_autoptr (GBytes) bytes = umk_block_store_read_undo (cs->store, index->file, index->undo_pos,
                                                        &index->prev->hash, error);
  if (bytes == NULL)
    return FALSE;
  gsize len;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  if (!umk_block_undo_read (&r, out) || umk_reader_remaining (&r) != 0)
    {
      umk_block_undo_clear (out);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Corrupted undo data");
      return FALSE;
    }
  return TRUE;
}

UmkCoinsCache *
umk_chainstate_coins (UmkChainstate *cs)
{
  return cs->coins;
}

gboolean
umk_chainstate_flush (UmkChainstate *cs, GError **error)
{
  umk_chainstate_lock (cs);
  gboolean ok = umk_cs_flush (cs, FALSE, error);
  umk_chainstate_unlock (cs);
  return ok;
}

UmkDb *
umk_chainstate_db (UmkChainstate *cs)
{
  return cs->db;
}

UmkBlockStore *
umk_chainstate_block_store (UmkChainstate *cs)
{
  return cs->store;
}

gint64
umk_chainstate_now (UmkChainstate *cs)
{
  gint64 mock = cs->mocktime;
  return mock != 0 ? mock : g_get_real_time () / G_USEC_PER_SEC;
}

void
umk_chainstate_set_mocktime (UmkChainstate *cs, gint64 t)
{
  cs->mocktime = t;
}

gboolean
umk_chainstate_is_initial_block_download (UmkChainstate *cs)
{
  /* The latch is one-way: once off, no lock is needed to know it. The tip
   * is read under the lock, as the P2P handler asks from its own thread. */
  if (g_atomic_int_get (&cs->ibd_latched_off))
    return FALSE;
  gboolean ibd = TRUE;
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (g_atomic_int_get (&cs->importing) || g_atomic_int_get (&cs->reindexing) || tip == NULL)
    goto out;
  UmkArith256 min_work;
  umk_arith256_from_uint256 (&min_work, &cs->opts.minimum_chain_work);
  if (umk_arith256_cmp (&tip->chain_work, &min_work) < 0)
    goto out;
  gint64 max_age = cs->opts.max_tip_age > 0 ? cs->opts.max_tip_age : 24 * 60 * 60;
  if ((gint64) tip->time < umk_chainstate_now (cs) - max_age)
    goto out;
  if (!g_atomic_int_get (&cs->ibd_latched_off))
    g_message ("Leaving InitialBlockDownload (latching to false)");
  g_atomic_int_set (&cs->ibd_latched_off, TRUE);
  ibd = FALSE;
out:
  umk_chainstate_unlock (cs);
  return ibd;
}

gboolean
umk_chainstate_pruned (UmkChainstate *cs)
{
  return cs->pruned;
}

void
umk_chainstate_add_callbacks (UmkChainstate *cs, const UmkChainstateCallbacks *cb)
{
  umk_chainstate_lock (cs);
  g_array_append_val (cs->callbacks, *cb);
  umk_chainstate_unlock (cs);
}

void
umk_chainstate_wait_tip (UmkChainstate *cs, UmkUint256 *hash, int *height, gint64 deadline_us,
                         gboolean (*stop) (gpointer), gpointer stop_data)
{
  g_mutex_lock (&cs->tip_lock);
  UmkUint256 start = *hash;
  while (umk_uint256_equal (&cs->tip_hash, &start) && !g_atomic_int_get (&cs->interrupted)
         && (stop == NULL || !stop (stop_data)))
    {
      /* Wake up now and then to look at stop (the RPC server shutting down). */
      gint64 until = g_get_monotonic_time () + G_USEC_PER_SEC / 10;
      if (deadline_us >= 0)
        {
          if (g_get_monotonic_time () >= deadline_us)
            break;
          until = MIN (until, deadline_us);
        }
      g_cond_wait_until (&cs->tip_cond, &cs->tip_lock, until);
    }
  *hash = cs->tip_hash;
  *height = cs->tip_height;
  g_mutex_unlock (&cs->tip_lock);
}

/* ---- Pruning ------------------------------------------------------------------ */

static void
unlink_file_blocks (UmkChainstate *cs, int file)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->index_map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkBlockIndex *b = value;
      if (b->file == file && (b->status & UMK_BLOCK_HAVE_MASK))
        {
          b->status &= ~(uint32_t) UMK_BLOCK_HAVE_MASK;
          b->file = -1;
          b->data_pos = b->undo_pos = 0;
          umk_cs_set_dirty (cs, b);
          /* It no longer waits for its parent's data: it would have to be
           * fetched again first (Core's PruneOneBlockFile). */
          GPtrArray *kids = b->prev != NULL ? g_hash_table_lookup (cs->unlinked, b->prev) : NULL;
          if (kids != NULL)
            g_ptr_array_remove (kids, b);
        }
    }
}

static int
prune_files_below (UmkChainstate *cs, int height, uint64_t target)
{
  int last = umk_block_store_last_file (cs->store);
  int pruned_up_to = -1;
  uint64_t size = umk_block_store_size_on_disk (cs->store);
  g_autoptr (GArray) files = g_array_new (FALSE, FALSE, sizeof (int));
  for (int f = 0; f < last; f++)
    {
      if (target > 0 && size <= target)
        break;
      UmkBlockFileInfo info;
      if (!umk_block_store_file_info (cs->store, f, &info) || info.n_blocks == 0)
        continue;
      if (info.height_last > height)
        continue;
      unlink_file_blocks (cs, f);
      g_array_append_val (files, f);
      size -= MIN (size, (uint64_t) info.size + info.undo_size);
      pruned_up_to = MAX (pruned_up_to, info.height_last);
    }
  if (files->len == 0)
    return pruned_up_to;
  /* The index stops pointing into the files before they go, so a crash in
   * between leaves files nobody refers to, never references to no file
   * (Core writes the index, then unlinks). */
  cs->pruned = TRUE;
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (cs->db, FALSE, &error);
  uint8_t one = 1;
  if (txn == NULL
      || !umk_db_put (txn, cs->db->meta, UMK_DB_META_PRUNED, strlen (UMK_DB_META_PRUNED), &one, 1,
                      &error)
      || !umk_db_commit (txn, &error) || !umk_cs_commit_index (cs, &error))
    {
      g_warning ("Cannot record pruning, keeping the files: %s",
                 error != NULL ? error->message : "?");
      return -1;
    }
  for (guint i = 0; i < files->len; i++)
    umk_block_store_remove_file (cs->store, g_array_index (files, int, i));
  txn = umk_db_begin (cs->db, FALSE, &error);
  gboolean saved
      = txn != NULL && umk_block_store_save_infos (cs->store, txn, cs->db->files, &error);
  if (txn != NULL && !saved)
    mdb_txn_abort (txn);
  if (!saved || !umk_db_commit (txn, &error))
    g_warning ("Cannot record the pruned files' statistics: %s",
               error != NULL ? error->message : "?");
  return pruned_up_to;
}

void
umk_cs_prune_if_needed (UmkChainstate *cs)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip == NULL || cs->prune_target == 0)
    return;
  if (umk_block_store_size_on_disk (cs->store) <= cs->prune_target)
    return;
  if ((uint64_t) tip->height <= cs->params->prune_after_height)
    return;
  /* The UTXO set must not need the undo data of what goes: it was just
   * flushed, so only blocks above the tip's reach matter. */
  prune_files_below (cs, tip->height - MIN_BLOCKS_TO_KEEP, cs->prune_target);
}

int
umk_chainstate_prune_to (UmkChainstate *cs, int height, GError **error)
{
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  int limit = tip != NULL ? tip->height - MIN_BLOCKS_TO_KEEP : -1;
  if (height > limit)
    height = limit;
  int done = -1;
  if (height >= 0)
    {
      if (!umk_cs_flush (cs, TRUE, error))
        {
          umk_chainstate_unlock (cs);
          return -1;
        }
      prune_files_below (cs, height, 0);
    }
  done = umk_chainstate_query_last_pruned_height (cs);
  umk_chainstate_unlock (cs);
  return done;
}

/* ---- verifychain ---------------------------------------------------------- */

gboolean
umk_chainstate_verify (UmkChainstate *cs, int level, int nblocks, GError **error)
{
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip == NULL || tip->prev == NULL)
    {
      umk_chainstate_unlock (cs);
      return TRUE;
    }
  level = CLAMP (level, 0, 4);
  if (nblocks <= 0 || nblocks > tip->height)
    nblocks = tip->height;
  g_message ("Verifying last %d blocks at level %d", nblocks, level);
  g_autoptr (UmkCoinsCache) view = umk_coins_cache_new_child (cs->coins);
  UmkBlockIndex *b = tip;
  UmkBlockIndex *lowest_disconnected = NULL;
  gboolean ok = TRUE;
  /* The coins cache must stay within memory for levels 3 and 4. */
  for (; ok && b != NULL && b->prev != NULL && tip->height - b->height < nblocks; b = b->prev)
    {
      if (cs->pruned && !(b->status & UMK_BLOCK_HAVE_DATA))
        break;
      g_autoptr (UmkBlock) block = umk_chainstate_read_block (cs, b, error);
      if (block == NULL)
        {
          ok = FALSE;
          break;
        }
      UmkBlockValidationState state;
      umk_block_state_init (&state);
      if (level >= 1 && !umk_check_block (block, &cs->params->consensus, TRUE, TRUE, &state))
        {
          g_autofree char *s = umk_block_state_to_string (&state);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Found bad block at %d: %s", b->height,
                       s);
          ok = FALSE;
          break;
        }
      if (level >= 2)
        {
          UmkBlockUndo undo = { 0 };
          if (!umk_chainstate_read_undo (cs, b, &undo, error))
            {
              ok = FALSE;
              break;
            }
          umk_block_undo_clear (&undo);
        }
      if (level >= 3 && umk_coins_cache_memory (view) < cs->coins_budget)
        {
          UmkDisconnectResult r = umk_cs_disconnect_block (cs, block, b, view);
          if (r == UMK_DISCONNECT_FAILED)
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Irrecoverable inconsistency in block data at %d", b->height);
              ok = FALSE;
              break;
            }
          if (r == UMK_DISCONNECT_UNCLEAN)
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Inconsistent UTXO set below block %d", b->height);
              ok = FALSE;
              break;
            }
          lowest_disconnected = b;
        }
    }
  if (ok && level >= 4 && lowest_disconnected != NULL)
    {
      for (UmkBlockIndex *c = lowest_disconnected; ok && c != NULL;
           c = umk_active_chain_next (&cs->chain, c))
        {
          g_autoptr (UmkBlock) block = umk_chainstate_read_block (cs, c, error);
          UmkBlockValidationState state;
          umk_block_state_init (&state);
          if (block == NULL)
            ok = FALSE;
          else if (!umk_cs_connect_block (cs, block, c, view, TRUE, FALSE, &state))
            {
              g_autofree char *s = umk_block_state_to_string (&state);
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Found unconnectable block at %d: %s", c->height, s);
              ok = FALSE;
            }
          else
            umk_coins_cache_set_best_block (view, &c->hash);
        }
    }
  umk_chainstate_unlock (cs);
  if (ok)
    g_message ("Verification: No coin database inconsistencies in last %d blocks", nblocks);
  return ok;
}

int32_t
umk_chainstate_block_version (UmkChainstate *cs, const UmkBlockIndex *prev)
{
  return umk_versionbits_compute_block_version (cs->vbcache, prev, &cs->params->consensus);
}

UmkVersionBitsCache *
umk_chainstate_versionbits (UmkChainstate *cs)
{
  return cs->vbcache;
}

gint64
umk_chainstate_mocktime (UmkChainstate *cs)
{
  return cs->mocktime;
}

void
umk_chainstate_minimum_work (UmkChainstate *cs, UmkArith256 *out)
{
  umk_arith256_from_uint256 (out, &cs->opts.minimum_chain_work);
}
