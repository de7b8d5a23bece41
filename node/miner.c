/* miner.c — block templates and the regtest miner. */
#define G_LOG_DOMAIN "umk-mining"
#include "config.h"

#include "node/miner.h"

#include "common/block-check.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/pow.h"
#include "common/script.h"
#include "common/tx-verify.h"
#include "common/versionbits.h"
#include "node/chainstate.h"
#include "node/miner-select.h"

#include <string.h>

void
umk_block_template_free (UmkBlockTemplate *t)
{
  if (t == NULL)
    return;
  g_clear_pointer (&t->block, umk_block_free);
  g_clear_pointer (&t->fees, g_array_unref);
  g_clear_pointer (&t->sigops, g_array_unref);
  if (t->commitment != NULL)
    g_byte_array_unref (t->commitment);
  g_free (t);
}

int64_t
umk_miner_minimum_time (const UmkBlockIndex *prev, const UmkConsensusParams *params)
{
  int64_t min_time = umk_block_index_median_time_past (prev) + 1;
  int height = prev->height + 1;
  /* The BIP 94 rule is followed on every chain, so that activating it later
   * elsewhere is safe (as Core does). */
  if (height % umk_consensus_difficulty_adjustment_interval (params) == 0)
    min_time = MAX (min_time, (int64_t) prev->time - UMK_MAX_TIMEWARP);
  return min_time;
}

UmkBlock *
umk_miner_assemble (const UmkBlockHeader *header, const UmkTx *const *txs, size_t n, GError **error)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_block_header_write (header, w);
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    umk_tx_write (txs[i], w, true);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&w));
  return umk_block_new_from_bytes (bytes, error);
}

gboolean
umk_miner_solve (UmkBlock *block, const UmkConsensusParams *params, guint64 *max_tries)
{
  /* Hash the 80 header bytes in place; the block's stored bytes are patched
   * once a nonce works. */
  uint8_t header[UMK_BLOCK_HEADER_SIZE];
  umk_block_header_serialize (&block->header, header);
  uint32_t nonce = block->header.nonce;
  while (*max_tries > 0)
    {
      header[76] = (uint8_t) nonce;
      header[77] = (uint8_t) (nonce >> 8);
      header[78] = (uint8_t) (nonce >> 16);
      header[79] = (uint8_t) (nonce >> 24);
      UmkUint256 hash;
      umk_sha256d (header, sizeof header, hash.b);
      (*max_tries)--;
      if (umk_pow_check (&hash, block->header.bits, params))
        {
          block->header.nonce = nonce;
          block->hash = hash;
          /* The block's serialization starts with the header. */
          gsize len;
          uint8_t *data = (uint8_t *) g_bytes_get_data (block->bytes, &len);
          memcpy (data, header, sizeof header);
          return TRUE;
        }
      if (nonce == UINT32_MAX)
        return FALSE;
      nonce++;
    }
  return FALSE;
}

/* The coinbase: BIP 34 height (and OP_0, so heights up to 16 still make two
 * bytes), the reward to the script, lock time height - 1 with a non-final
 * sequence (Core's miner), and the witness reserved value when segwit. */
static UmkTx *
make_coinbase (int height, int64_t value, const uint8_t *script, size_t script_len, gboolean segwit,
               GError **error)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  b->lock_time = (uint32_t) (height - 1);
  UmkOutPoint null = { { { 0 } }, UINT32_MAX };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &null, UMK_SEQUENCE_FINAL - 1);
  umk_script_write_int (in->script_sig, height);
  umk_write_u8 (in->script_sig, 0x00); /* OP_0 */
  if (segwit)
    {
      GByteArray *reserved = g_byte_array_new ();
      g_byte_array_set_size (reserved, 32);
      memset (reserved->data, 0, 32);
      g_ptr_array_add (in->witness, reserved);
    }
  umk_tx_builder_add_output (b, value, script, script_len);
  return umk_tx_builder_finish (b, error);
}

/* Adds the BIP 141 commitment output to the coinbase (a new transaction). */
static UmkTx *
add_commitment (const UmkTx *coinbase, const UmkTx *const *txs, size_t n, GByteArray **out_script,
                GError **error)
{
  g_autofree UmkUint256 *leaves = g_new0 (UmkUint256, n);
  for (size_t i = 1; i < n; i++)
    leaves[i] = txs[i]->wtxid;
  UmkUint256 root;
  umk_merkle_root (leaves, n, &root, NULL);
  uint8_t buf[64] = { 0 };
  memcpy (buf, root.b, 32); /* followed by the 32-byte reserved value, zeros */
  uint8_t commitment[32];
  umk_sha256d (buf, sizeof buf, commitment);
  GByteArray *script = g_byte_array_new ();
  static const uint8_t header[6] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
  g_byte_array_append (script, header, sizeof header);
  g_byte_array_append (script, commitment, 32);

  /* Rebuild the coinbase with one more output. */
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = coinbase->version;
  b->lock_time = coinbase->lock_time;
  UmkTxBuilderIn *in
      = umk_tx_builder_add_input (b, &coinbase->in[0].prevout, coinbase->in[0].sequence);
  g_byte_array_append (in->script_sig, coinbase->in[0].script_sig.data,
                       coinbase->in[0].script_sig.len);
  for (uint32_t i = 0; i < coinbase->in[0].n_witness; i++)
    {
      GByteArray *item = g_byte_array_new ();
      g_byte_array_append (item, coinbase->in[0].witness[i].data, coinbase->in[0].witness[i].len);
      g_ptr_array_add (in->witness, item);
    }
  for (uint32_t o = 0; o < coinbase->n_out; o++)
    umk_tx_builder_add_output (b, coinbase->out[o].value, coinbase->out[o].script_pubkey.data,
                               coinbase->out[o].script_pubkey.len);
  umk_tx_builder_add_output (b, 0, script->data, script->len);
  *out_script = script;
  return umk_tx_builder_finish (b, error);
}

UmkBlockTemplate *
umk_miner_create_block (UmkNode *node, const UmkMinerOptions *opts, GError **error)
{
  UmkChainstate *cs = node->chainstate;
  const UmkConsensusParams *consensus = &node->params->consensus;
  g_autoptr (UmkBlockTemplate) t = g_new0 (UmkBlockTemplate, 1);
  t->fees = g_array_new (FALSE, FALSE, sizeof (gint64));
  t->sigops = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) txs = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  g_ptr_array_add (txs, NULL); /* the coinbase's place */
  gint64 zero = 0;
  g_array_append_val (t->fees, zero);
  g_array_append_val (t->sigops, zero);

  umk_chainstate_lock (cs);
  UmkBlockIndex *prev = umk_chainstate_tip (cs);
  t->height = prev->height + 1;
  t->segwit = umk_buried_active_after (prev, consensus, UMK_BURIED_SEGWIT);
  int64_t fees = 0;
  if (opts->use_mempool && node->mempool != NULL)
    umk_miner_select_from_mempool (node, prev, t->height, txs, t->fees, t->sigops, &fees);
  for (size_t i = 0; i < opts->n_txs; i++)
    {
      g_ptr_array_add (txs, umk_tx_ref ((UmkTx *) opts->txs[i]));
      g_array_append_val (t->fees, zero);
      g_array_append_val (t->sigops, zero);
    }
  t->coinbase_value = fees + umk_block_subsidy (t->height, consensus);
  g_array_index (t->fees, gint64, 0) = -fees;

  UmkTx *coinbase = make_coinbase (t->height, t->coinbase_value, opts->script, opts->script_len,
                                   t->segwit, error);
  if (coinbase == NULL)
    {
      umk_chainstate_unlock (cs);
      return NULL;
    }
  txs->pdata[0] = coinbase;
  if (t->segwit)
    {
      UmkTx *with = add_commitment (coinbase, (const UmkTx *const *) txs->pdata, txs->len,
                                    &t->commitment, error);
      if (with == NULL)
        {
          umk_chainstate_unlock (cs);
          return NULL;
        }
      umk_tx_unref (coinbase);
      txs->pdata[0] = with;
    }
  /* The coinbase's sigops count against the block too. */
  g_array_index (t->sigops, gint64, 0)
      = (gint64) umk_tx_legacy_sigop_count (txs->pdata[0]) * UMK_WITNESS_SCALE_FACTOR;

  UmkBlockHeader h = { 0 };
  h.version = umk_chainstate_block_version (cs, prev);
  if (node->chain == UMK_CHAIN_REGTEST)
    h.version = (int32_t) umk_args_get_int (node->args, "-blockversion", h.version);
  h.prev_block = prev->hash;
  t->min_time = umk_miner_minimum_time (prev, consensus);
  h.time = (uint32_t) MAX (t->min_time, umk_chainstate_now (cs));
  h.bits = umk_pow_next_work_required (prev, h.time, consensus);
  g_autofree UmkUint256 *ids = g_new (UmkUint256, txs->len);
  for (guint i = 0; i < txs->len; i++)
    ids[i] = ((UmkTx *) txs->pdata[i])->txid;
  umk_merkle_root (ids, txs->len, &h.merkle_root, NULL);
  t->block = umk_miner_assemble (&h, (const UmkTx *const *) txs->pdata, txs->len, error);
  umk_chainstate_unlock (cs);
  if (t->block == NULL)
    return NULL;
  if (opts->test_validity)
    {
      UmkBlockValidationState state;
      if (!umk_chainstate_test_block_validity (cs, t->block, FALSE, FALSE, &state))
        {
          g_autofree char *s = umk_block_state_to_string (&state);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "TestBlockValidity failed: %s", s);
          return NULL;
        }
    }
  return g_steal_pointer (&t);
}
