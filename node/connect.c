/* connect.c — connecting and disconnecting blocks: Core's ConnectBlock,
 * DisconnectBlock, ConnectTip, DisconnectTip, and the transaction index they
 * feed.
 */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/chainstate-private.h"
#include "node/chainstate-query.h"

#include "common/block-check.h"
#include "common/error.h"
#include "common/pow.h"
#include "common/script.h"
#include "common/tx-verify.h"

#include <math.h>
#include <string.h>

/* Two weeks of proof-of-work time: blocks an -assumevalid block vouches for
 * skip their script checks only when at least this much work lies on top of
 * them up to the best header (Core's rule). */
#define ASSUMEVALID_MARGIN_SECONDS (60 * 60 * 24 * 7 * 2)

/* Core's assumevalid decision for one block. */
static gboolean
scripts_needed (UmkChainstate *cs, const UmkBlockIndex *index)
{
  if (!cs->opts.assumevalid_set
      && umk_uint256_is_zero (&cs->params->consensus.default_assume_valid))
    return TRUE;
  UmkUint256 hash = cs->opts.assumevalid_set ? cs->opts.assumevalid
                                             : cs->params->consensus.default_assume_valid;
  if (umk_uint256_is_zero (&hash))
    return TRUE;
  UmkBlockIndex *av = umk_cs_lookup (cs, &hash);
  if (av == NULL)
    return TRUE;
  UmkBlockIndex *index_nc = (UmkBlockIndex *) index;
  if (umk_block_index_get_ancestor (av, index->height) != index_nc)
    return TRUE;
  UmkBlockIndex *best = cs->best_header;
  if (best == NULL || umk_block_index_get_ancestor (best, index->height) != index_nc)
    return TRUE;
  UmkArith256 min_work;
  umk_arith256_from_uint256 (&min_work, &cs->opts.minimum_chain_work);
  if (umk_arith256_cmp (&best->chain_work, &min_work) < 0)
    return TRUE;
  /* Within two weeks of work below the best header the block is too recent
   * to trust the assumption: its scripts are checked. */
  return umk_pow_proof_equivalent_time (best, index, best, &cs->params->consensus)
         <= ASSUMEVALID_MARGIN_SECONDS;
}

/* An output that can never be spent is not added to the UTXO set (Core's
 * AddCoin skips it). */
static void
add_outputs (UmkCoinsCache *view, const UmkTx *tx, int height, gboolean coinbase)
{
  for (uint32_t o = 0; o < tx->n_out; o++)
    {
      const UmkTxOut *out = &tx->out[o];
      if (umk_script_is_unspendable (out->script_pubkey.data, out->script_pubkey.len))
        continue;
      UmkOutPoint op = { tx->txid, o };
      g_auto (UmkCoin) coin = UMK_COIN_INIT;
      umk_coin_set (&coin, out->value, out->script_pubkey.data, out->script_pubkey.len,
                    (uint32_t) height, coinbase);
      /* A coinbase may repeat an earlier one (BIP 30's two exceptions). */
      umk_coins_add (view, &op, &coin, coinbase);
    }
}

gboolean
umk_cs_connect_block (UmkChainstate *cs, const UmkBlock *block, UmkBlockIndex *index,
                      UmkCoinsCache *view, gboolean just_check, gboolean checked,
                      UmkBlockValidationState *state)
{
  const UmkConsensusParams *consensus = &cs->params->consensus;
  if (!checked && !umk_check_block (block, consensus, !just_check, !just_check, state))
    {
      if (state->result == UMK_BLOCK_RESULT_MUTATED)
        {
          /* It was valid when stored: the copy on disk went bad. Not the
           * block's fault, and nothing the node can go on from. */
          umk_cs_fatal (cs, "Corrupt block found indicating potential hardware failure.");
          return umk_block_state_error (state, "corrupt-block");
        }
      return FALSE;
    }
  UmkUint256 best;
  umk_coins_cache_get_best_block (view, &best);
  UmkUint256 prev_hash = index->prev != NULL ? index->prev->hash : (UmkUint256){ 0 };
  if (!umk_uint256_equal (&best, &prev_hash))
    return umk_block_state_error (state, "bad-view-best-block");

  if (umk_uint256_equal (&block->hash, &consensus->hash_genesis_block))
    {
      /* The genesis block's outputs are not spendable: nothing to add. */
      if (!just_check)
        umk_coins_cache_set_best_block (view, &block->hash);
      return TRUE;
    }

  gboolean check_scripts = scripts_needed (cs, index);

  if (umk_bip30_check_needed (index, consensus))
    {
      for (size_t t = 0; t < block->n_tx; t++)
        {
          const UmkTx *tx = block->tx[t];
          for (uint32_t o = 0; o < tx->n_out; o++)
            {
              UmkOutPoint op = { tx->txid, o };
              if (umk_coins_get (view, &op) != NULL)
                return umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-txns-BIP30",
                                                "tried to overwrite transaction");
            }
        }
    }

  UmkScriptFlags flags = umk_block_script_flags (index, consensus);
  int lock_flags
      = umk_buried_active_at (index, consensus, UMK_BURIED_CSV) ? UMK_LOCKTIME_VERIFY_SEQUENCE : 0;

  UmkBlockUndo undo;
  umk_block_undo_init (&undo, block->n_tx > 0 ? block->n_tx - 1 : 0);
  /* Per-transaction data the script checks read after the loop. */
  size_t n_inputs = 0;
  for (size_t t = 1; t < block->n_tx; t++)
    n_inputs += block->tx[t]->n_in;
  g_autofree UmkTxSigData *sigdata = g_new0 (UmkTxSigData, MAX (block->n_tx, 1));
  g_autofree UmkTxOut *spent_outs = g_new0 (UmkTxOut, MAX (n_inputs, 1));
  g_autofree UmkScriptCheck *checks = g_new0 (UmkScriptCheck, MAX (n_inputs, 1));
  g_autofree UmkSpentOutput *spent = NULL;
  size_t spent_alloc = 0;
  g_autofree int *prev_heights = NULL;
  size_t n_checks = 0, out_at = 0;
  int64_t fees = 0;
  int64_t sigop_cost = 0;
  gboolean ok = TRUE;

  for (size_t t = 0; ok && t < block->n_tx; t++)
    {
      const UmkTx *tx = block->tx[t];
      gboolean coinbase = t == 0;
      if (!coinbase)
        {
          if (tx->n_in > spent_alloc)
            {
              spent_alloc = tx->n_in;
              spent = g_renew (UmkSpentOutput, spent, spent_alloc);
              prev_heights = g_renew (int, prev_heights, spent_alloc);
            }
          UmkTxValidationState txs;
          umk_tx_state_init (&txs);
          gboolean have_all = TRUE;
          for (uint32_t i = 0; i < tx->n_in; i++)
            {
              const UmkCoin *c = umk_coins_get (view, &tx->in[i].prevout);
              if (c == NULL)
                {
                  have_all = FALSE;
                  break;
                }
              spent[i]
                  = (UmkSpentOutput){ c->value, c->script, c->script_len, c->height, c->coinbase };
              prev_heights[i] = (int) c->height;
            }
          int64_t fee = 0;
          if (!have_all)
            umk_tx_state_missing_inputs (&txs);
          if (!have_all || !umk_tx_check_inputs (tx, spent, index->height, &txs, &fee))
            {
              char hex[UMK_UINT256_HEX_SIZE];
              umk_uint256_to_hex_buf (&tx->txid, hex);
              ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, txs.reject_reason,
                                            "%s in transaction %s", txs.debug_message, hex);
              break;
            }
          fees += fee;
          if (!umk_money_range (fees))
            {
              ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS,
                                            "bad-txns-accumulated-fee-outofrange",
                                            "accumulated fee in the block out of range");
              break;
            }
          if (!umk_sequence_locks (tx, lock_flags, prev_heights, index))
            {
              char hex[UMK_UINT256_HEX_SIZE];
              umk_uint256_to_hex_buf (&tx->txid, hex);
              ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-txns-nonfinal",
                                            "contains a non-BIP68-final transaction %s", hex);
              break;
            }
        }
      /* Core counts the cost with the spent outputs still in the view. */
      sigop_cost += umk_tx_sigop_cost (tx, coinbase ? NULL : spent, flags);
      if (sigop_cost > UMK_MAX_BLOCK_SIGOPS_COST)
        {
          ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-sigops",
                                        "too many sigops");
          break;
        }
      if (!coinbase)
        {
          /* Spend the inputs into the undo record; the script checks read the
           * spent outputs from there, which outlives the view's entries. */
          UmkTxUndo *txu = &undo.txundo[t - 1];
          umk_tx_undo_init (txu, tx->n_in);
          UmkTxOut *outs = &spent_outs[out_at];
          for (uint32_t i = 0; i < tx->n_in; i++)
            {
              if (!umk_coins_spend (view, &tx->in[i].prevout, &txu->coins[i]))
                g_error ("A coin found a moment ago is gone");
              outs[i].value = txu->coins[i].value;
              outs[i].script_pubkey.data = txu->coins[i].script;
              outs[i].script_pubkey.len = txu->coins[i].script_len;
            }
          out_at += tx->n_in;
          if (check_scripts)
            {
              umk_tx_sigdata_init (&sigdata[t], tx, outs, false);
              for (uint32_t i = 0; i < tx->n_in; i++)
                checks[n_checks++] = (UmkScriptCheck){ tx, i, &outs[i], flags, &sigdata[t] };
            }
        }
      add_outputs (view, tx, index->height, coinbase);
    }

  if (ok)
    {
      int64_t reward = fees + umk_block_subsidy (index->height, consensus);
      int64_t paid = 0;
      const UmkTx *cb = block->tx[0];
      for (uint32_t o = 0; o < cb->n_out; o++)
        paid += cb->out[o].value;
      if (paid > reward)
        ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-amount",
                                      "coinbase pays too much (actual=%" G_GINT64_FORMAT
                                      " vs limit=%" G_GINT64_FORMAT ")",
                                      paid, reward);
    }
  if (ok && n_checks > 0)
    {
      size_t failed = 0;
      UmkScriptError err = UMK_SCRIPT_ERR_OK;
      if (!umk_script_check_run (cs->checkq, checks, n_checks, &failed, &err))
        {
          char hex[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&checks[failed].tx->txid, hex);
          char reason[UMK_REJECT_REASON_SIZE + 64];
          g_snprintf (reason, sizeof reason, "block-script-verify-flag-failed (%s)",
                      umk_script_error_message (err));
          ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_CONSENSUS, reason, "input %u of %s",
                                        checks[failed].n_in, hex);
        }
    }
  if (ok && !just_check)
    {
      if (!(index->status & UMK_BLOCK_HAVE_UNDO) && index->prev != NULL)
        {
          g_autoptr (GByteArray) w = g_byte_array_new ();
          umk_block_undo_write (&undo, w);
          g_autoptr (GError) error = NULL;
          uint32_t pos;
          if (!umk_block_store_write_undo (cs->store, index->file, w->data, w->len,
                                           &index->prev->hash, &pos, &error))
            {
              g_critical ("%s", error->message);
              umk_cs_fatal (cs, "Failed to write undo data");
              ok = umk_block_state_error (state, "Failed to write undo data");
            }
          else
            {
              index->undo_pos = pos;
              index->status |= UMK_BLOCK_HAVE_UNDO;
            }
        }
      if (ok)
        {
          umk_block_index_raise_validity (index, UMK_BLOCK_VALID_SCRIPTS);
          umk_cs_set_dirty (cs, index);
          umk_coins_cache_set_best_block (view, &block->hash);
        }
    }
  umk_block_undo_clear (&undo);
  return ok;
}

UmkDisconnectResult
umk_cs_disconnect_block (UmkChainstate *cs, const UmkBlock *block, const UmkBlockIndex *index,
                         UmkCoinsCache *view)
{
  g_autoptr (GError) error = NULL;
  UmkBlockUndo undo = { 0 };
  if (!umk_chainstate_read_undo (cs, index, &undo, &error))
    {
      g_critical ("Cannot read the undo data of block %d: %s", index->height, error->message);
      return UMK_DISCONNECT_FAILED;
    }
  if (undo.n + 1 != block->n_tx)
    {
      umk_block_undo_clear (&undo);
      g_critical ("The undo data of block %d does not match the block", index->height);
      return UMK_DISCONNECT_FAILED;
    }
  gboolean clean = TRUE;
  for (size_t t = block->n_tx; t-- > 0;)
    {
      const UmkTx *tx = block->tx[t];
      gboolean bip30_exception = t == 0 && umk_is_bip30_unspendable (&block->hash, index->height);
      for (uint32_t o = 0; o < tx->n_out; o++)
        {
          const UmkTxOut *out = &tx->out[o];
          if (umk_script_is_unspendable (out->script_pubkey.data, out->script_pubkey.len))
            continue;
          UmkOutPoint op = { tx->txid, o };
          g_auto (UmkCoin) coin = UMK_COIN_INIT;
          gboolean was = umk_coins_spend (view, &op, &coin);
          if (!was || coin.value != out->value || coin.script_len != out->script_pubkey.len
              || (coin.script_len > 0
                  && memcmp (coin.script, out->script_pubkey.data, coin.script_len) != 0)
              || coin.height != (uint32_t) index->height || coin.coinbase != (t == 0))
            {
              if (!bip30_exception)
                clean = FALSE;
            }
        }
      if (t == 0)
        continue;
      UmkTxUndo *txu = &undo.txundo[t - 1];
      if (txu->n != tx->n_in)
        {
          umk_block_undo_clear (&undo);
          g_critical ("The undo data of block %d does not match a transaction", index->height);
          return UMK_DISCONNECT_FAILED;
        }
      for (size_t i = tx->n_in; i-- > 0;)
        {
          const UmkOutPoint *op = &tx->in[i].prevout;
          gboolean overwrite = umk_coins_get (view, op) != NULL;
          if (overwrite)
            clean = FALSE;
          umk_coins_add (view, op, &txu->coins[i], overwrite);
        }
    }
  umk_block_undo_clear (&undo);
  UmkUint256 prev = index->prev != NULL ? index->prev->hash : (UmkUint256){ 0 };
  umk_coins_cache_set_best_block (view, &prev);
  return clean ? UMK_DISCONNECT_OK : UMK_DISCONNECT_UNCLEAN;
}

static void
log_tip (UmkChainstate *cs, const char *what)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip == NULL)
    return;
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&tip->hash, hex);
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (tip->time);
  g_autofree char *date = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
  g_info ("%s: new best=%s height=%d version=0x%08x log2_work=%.8g tx=%" G_GUINT64_FORMAT
          " date='%s' progress=%f cache=%.1fMiB(%utxo)",
          what, hex, tip->height, (unsigned) tip->version,
          log2 (umk_arith256_to_double (&tip->chain_work)), tip->chain_tx, date,
          umk_chainstate_query_verification_progress (cs, tip),
          umk_coins_cache_memory (cs->coins) / 1048576.0, umk_coins_cache_size (cs->coins));
}

static void
notify_block (UmkChainstate *cs, const UmkBlock *block, UmkBlockIndex *index, gboolean connected)
{
  for (guint i = 0; i < cs->callbacks->len; i++)
    {
      const UmkChainstateCallbacks *cb = &g_array_index (cs->callbacks, UmkChainstateCallbacks, i);
      if (connected && cb->block_connected != NULL)
        cb->block_connected (cb->user, block, index);
      else if (!connected && cb->block_disconnected != NULL)
        cb->block_disconnected (cb->user, block, index);
    }
}

gboolean
umk_cs_connect_tip (UmkChainstate *cs, UmkBlockIndex *index, UmkBlock *given,
                    UmkBlockValidationState *state)
{
  g_autoptr (UmkBlock) loaded = NULL;
  UmkBlock *block = given;
  gboolean checked = given != NULL; /* ProcessNewBlock checked it a moment ago */
  if (block == NULL)
    {
      g_autoptr (GError) error = NULL;
      loaded = umk_chainstate_read_block (cs, index, &error);
      if (loaded == NULL)
        {
          g_critical ("%s", error->message);
          umk_cs_fatal (cs, "Failed to read block");
          return umk_block_state_error (state, "Failed to read block");
        }
      block = loaded;
    }
  g_autoptr (UmkCoinsCache) view = umk_coins_cache_new_child (cs->coins);
  gboolean ok = umk_cs_connect_block (cs, block, index, view, FALSE, checked, state);
  if (umk_coins_cache_failed (view))
    {
      umk_cs_fatal (cs, "Failed to read the UTXO database");
      return umk_block_state_error (state, "Failed to read the UTXO database");
    }
  if (!ok)
    {
      if (umk_block_state_is_invalid (state))
        {
          g_autofree char *s = umk_block_state_to_string (state);
          char hex[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&index->hash, hex);
          g_message ("ConnectBlock %s failed, %s", hex, s);
        }
      return FALSE;
    }
  umk_coins_cache_merge_into_parent (view);
  if (cs->txindex)
    umk_cs_txindex_add_block (cs, block, index);
  umk_active_chain_set_tip (&cs->chain, index);
  g_autoptr (GError) error = NULL;
  if (!umk_cs_flush_if_needed (cs, &error))
    {
      g_critical ("%s", error->message);
      umk_cs_fatal (cs, "Failed to write to the database");
      return umk_block_state_error (state, "Failed to write to the database");
    }
  notify_block (cs, block, index, TRUE);
  log_tip (cs, "UpdateTip");
  return TRUE;
}

gboolean
umk_cs_disconnect_tip (UmkChainstate *cs)
{
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlock) block = umk_chainstate_read_block (cs, tip, &error);
  if (block == NULL)
    {
      g_critical ("%s", error->message);
      umk_cs_fatal (cs, "Failed to read block");
      return FALSE;
    }
  g_autoptr (UmkCoinsCache) view = umk_coins_cache_new_child (cs->coins);
  /* An unclean disconnect means the UTXO set and the blocks disagree: going
   * on would write that mismatch through, so the node stops (as Core). */
  if (umk_cs_disconnect_block (cs, block, tip, view) != UMK_DISCONNECT_OK)
    {
      umk_cs_fatal (cs, "Failed to disconnect block");
      return FALSE;
    }
  umk_coins_cache_merge_into_parent (view);
  umk_active_chain_set_tip (&cs->chain, tip->prev);
  if (!umk_cs_flush_if_needed (cs, &error))
    {
      g_critical ("%s", error->message);
      umk_cs_fatal (cs, "Failed to write to the database");
      return FALSE;
    }
  notify_block (cs, block, tip, FALSE);
  log_tip (cs, "UpdateTip (disconnect)");
  return TRUE;
}

gboolean
umk_chainstate_test_block_validity (UmkChainstate *cs, UmkBlock *block, gboolean check_pow,
                                    gboolean check_merkle, UmkBlockValidationState *state)
{
  umk_block_state_init (state);
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  const UmkConsensusParams *consensus = &cs->params->consensus;
  gboolean ok = TRUE;
  if (!umk_uint256_equal (&block->header.prev_block, &tip->hash))
    ok = umk_block_state_invalid (state, UMK_BLOCK_RESULT_UNSET, "inconclusive-not-best-prevblk",
                                  NULL);
  /* A throw-away index entry for the block on the tip. */
  UmkBlockIndex scratch = { 0 };
  if (ok)
    {
      umk_block_index_set_header (&scratch, &block->header, &block->hash);
      umk_block_index_link (&scratch, tip);
      ok = umk_contextual_check_block_header (&block->header, tip, consensus,
                                              umk_chainstate_now (cs), state)
           && umk_check_block (block, consensus, check_pow, check_merkle, state)
           && umk_contextual_check_block (block, tip, consensus, state);
    }
  if (ok)
    {
      g_autoptr (UmkCoinsCache) view = umk_coins_cache_new_child (cs->coins);
      ok = umk_cs_connect_block (cs, block, &scratch, view, TRUE, TRUE, state);
    }
  umk_chainstate_unlock (cs);
  return ok;
}

/* ---- The transaction index ------------------------------------------------ */

typedef struct
{
  UmkUint256 txid;
  int32_t file;
  uint32_t block_pos;
  uint32_t tx_offset; /* from the start of the block data */
} TxPos;

void
umk_cs_txindex_add_block (UmkChainstate *cs, const UmkBlock *block, const UmkBlockIndex *index)
{
  const uint8_t *base = g_bytes_get_data (block->bytes, NULL);
  for (size_t t = 0; t < block->n_tx; t++)
    {
      const UmkTx *tx = block->tx[t];
      TxPos *p = g_new (TxPos, 1);
      p->txid = tx->txid;
      p->file = index->file;
      p->block_pos = index->data_pos;
      p->tx_offset = (uint32_t) (tx->raw.data - base);
      g_hash_table_replace (cs->txindex_pending, &p->txid, p);
    }
}

gboolean
umk_cs_txindex_write (UmkChainstate *cs, MDB_txn *txn, GError **error)
{
  if (!cs->txindex)
    return TRUE;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cs->txindex_pending);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      TxPos *p = value;
      uint8_t rec[12];
      for (int b = 0; b < 4; b++)
        {
          rec[b] = (uint8_t) ((uint32_t) p->file >> (8 * b));
          rec[4 + b] = (uint8_t) (p->block_pos >> (8 * b));
          rec[8 + b] = (uint8_t) (p->tx_offset >> (8 * b));
        }
      if (!umk_db_put (txn, cs->db->txindex, p->txid.b, 32, rec, sizeof rec, error))
        return FALSE;
    }
  g_hash_table_remove_all (cs->txindex_pending);
  UmkBlockIndex *tip = umk_active_chain_tip (&cs->chain);
  if (tip != NULL
      && !umk_db_put (txn, cs->db->meta, UMK_DB_META_TXINDEX, strlen (UMK_DB_META_TXINDEX),
                      tip->hash.b, 32, error))
    return FALSE;
  return TRUE;
}

gboolean
umk_chainstate_txindex_enabled (UmkChainstate *cs)
{
  return cs->txindex;
}

gboolean
umk_chainstate_txindex_find (UmkChainstate *cs, const UmkUint256 *txid, UmkUint256 *block_hash,
                             UmkTx **tx, GError **error)
{
  *tx = NULL;
  int32_t file = -1;
  uint32_t block_pos = 0, tx_offset = 0;
  umk_chainstate_lock (cs);
  TxPos *p = g_hash_table_lookup (cs->txindex_pending, txid);
  if (p != NULL)
    {
      file = p->file;
      block_pos = p->block_pos;
      tx_offset = p->tx_offset;
    }
  umk_chainstate_unlock (cs);
  if (file < 0)
    {
      MDB_txn *txn = umk_db_begin (cs->db, TRUE, error);
      if (txn == NULL)
        return FALSE;
      MDB_val v;
      int found = umk_db_get (txn, cs->db->txindex, txid->b, 32, &v, error);
      if (found == 1 && v.mv_size == 12)
        {
          const uint8_t *d = v.mv_data;
          file = (int32_t) ((uint32_t) d[0] | (uint32_t) d[1] << 8 | (uint32_t) d[2] << 16
                            | (uint32_t) d[3] << 24);
          block_pos = (uint32_t) d[4] | (uint32_t) d[5] << 8 | (uint32_t) d[6] << 16
                      | (uint32_t) d[7] << 24;
          tx_offset = (uint32_t) d[8] | (uint32_t) d[9] << 8 | (uint32_t) d[10] << 16
                      | (uint32_t) d[11] << 24;
        }
      mdb_txn_abort (txn);
      if (found < 0)
        return FALSE;
      if (file < 0)
        return TRUE; /* not indexed */
    }
  g_autoptr (GBytes) bytes = umk_block_store_read_block (cs->store, file, block_pos, error);
  if (bytes == NULL)
    return FALSE;
  gsize len;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  if (len < UMK_BLOCK_HEADER_SIZE || tx_offset >= len)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "The transaction index is corrupted");
      return FALSE;
    }
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkBlockHeader h;
  if (!umk_block_header_read (&r, &h))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "The transaction index is corrupted");
      return FALSE;
    }
  umk_block_header_hash (&h, block_hash);
  r.pos = tx_offset;
  UmkTx *found_tx = umk_tx_read (&r, bytes, true);
  if (found_tx == NULL || !umk_uint256_equal (&found_tx->txid, txid))
    {
      if (found_tx != NULL)
        umk_tx_unref (found_tx);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "The transaction index is corrupted");
      return FALSE;
    }
  *tx = found_tx;
  return TRUE;
}
