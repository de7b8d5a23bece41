/* rpc-chain-util.c — blocks, headers and transactions with their chain
 * context as RPC shows them; see rpc-chain-util.h. */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-chain-util.h"
#include "node/chainstate-query.h"
#include "node/rpc-tx.h"

#include "common/hex.h"

#include <string.h>

double
umk_rpc_difficulty (uint32_t bits)
{
  int shift = (bits >> 24) & 0xff;
  double diff = (double) 0x0000ffff / (double) (bits & 0x00ffffff);
  while (shift < 29)
    {
      diff *= 256.0;
      shift++;
    }
  while (shift > 29)
    {
      diff /= 256.0;
      shift--;
    }
  return diff;
}

void
umk_rpc_write_hash (UmkJsonWriter *w, const UmkUint256 *hash)
{
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (hash, hex);
  umk_json_writer_string (w, hex);
}

void
umk_rpc_kv_hash (UmkJsonWriter *w, const char *key, const UmkUint256 *hash)
{
  umk_json_writer_key (w, key);
  umk_rpc_write_hash (w, hash);
}

void
umk_rpc_kv_arith (UmkJsonWriter *w, const char *key, const UmkArith256 *value)
{
  UmkUint256 u;
  umk_arith256_to_uint256 (&u, value);
  umk_rpc_kv_hash (w, key, &u);
}

void
umk_rpc_kv_target (UmkJsonWriter *w, const char *key, uint32_t bits)
{
  UmkArith256 target;
  bool negative, overflow;
  umk_arith256_set_compact (&target, bits, &negative, &overflow);
  umk_rpc_kv_arith (w, key, &target);
}

int
umk_rpc_confirmations (const UmkBlockIndex *tip, const UmkBlockIndex *index,
                       const UmkBlockIndex **next)
{
  /* get_ancestor does not change the entries; the cast only drops const. */
  UmkBlockIndex *n = umk_block_index_get_ancestor ((UmkBlockIndex *) tip, index->height + 1);
  if (n != NULL && n->prev == index)
    {
      *next = n;
      return tip->height - index->height + 1;
    }
  *next = NULL;
  return index == tip ? 1 : -1;
}

void
umk_rpc_write_header_fields (UmkJsonWriter *w, const UmkBlockIndex *tip, const UmkBlockIndex *index)
{
  const UmkBlockIndex *next;
  int confirmations = umk_rpc_confirmations (tip, index, &next);
  char text[16];
  umk_rpc_kv_hash (w, "hash", &index->hash);
  umk_json_writer_kv_int (w, "confirmations", confirmations);
  umk_json_writer_kv_int (w, "height", index->height);
  umk_json_writer_kv_int (w, "version", index->version);
  g_snprintf (text, sizeof text, "%08x", (uint32_t) index->version);
  umk_json_writer_kv_string (w, "versionHex", text);
  umk_rpc_kv_hash (w, "merkleroot", &index->merkle_root);
  umk_json_writer_kv_int (w, "time", index->time);
  umk_json_writer_kv_int (w, "mediantime", umk_block_index_median_time_past (index));
  umk_json_writer_kv_int (w, "nonce", index->nonce);
  g_snprintf (text, sizeof text, "%08x", index->bits);
  umk_json_writer_kv_string (w, "bits", text);
  umk_rpc_kv_target (w, "target", index->bits);
  umk_json_writer_kv_double (w, "difficulty", umk_rpc_difficulty (index->bits));
  umk_rpc_kv_arith (w, "chainwork", &index->chain_work);
  umk_json_writer_kv_int (w, "nTx", index->n_tx);
  if (index->prev != NULL)
    umk_rpc_kv_hash (w, "previousblockhash", &index->prev->hash);
  if (next != NULL)
    umk_rpc_kv_hash (w, "nextblockhash", &next->hash);
}

gboolean
umk_rpc_parse_verbosity (const UmkRpcCall *call, guint i, gint64 def, gboolean allow_bool,
                         gint64 *out, GError **error)
{
  JsonNode *node = umk_rpc_param (call, i);
  if (node == NULL)
    {
      *out = def;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      if (!allow_bool)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "Verbosity was boolean but only integer allowed");
          return FALSE;
        }
      *out = json_node_get_boolean (node) ? 1 : 0;
      return TRUE;
    }
  return umk_rpc_param_int (call, i, G_MININT, G_MAXINT, out, error);
}

/* Core's CheckBlockDataAvailability. */
static gboolean
check_available (UmkChainstate *cs, const UmkBlockIndex *index, gboolean undo, GError **error)
{
  uint32_t flag = undo ? UMK_BLOCK_HAVE_UNDO : UMK_BLOCK_HAVE_DATA;
  if (index->status & flag)
    return TRUE;
  if (umk_chainstate_query_block_pruned (cs, index))
    umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "%s not available (pruned data)",
                       undo ? "Undo data" : "Block");
  else if (undo)
    umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Undo data not available");
  else
    umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Block not available (not fully downloaded)");
  return FALSE;
}

GBytes *
umk_rpc_read_block_bytes_checked (UmkChainstate *cs, const UmkBlockIndex *index, GError **error)
{
  if (!check_available (cs, index, FALSE, error))
    return NULL;
  g_autoptr (GError) local = NULL;
  GBytes *bytes = umk_chainstate_read_block_bytes (cs, index, &local);
  if (bytes == NULL)
    {
      g_warning ("Reading block %d: %s", index->height, local->message);
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Block not found on disk");
    }
  return bytes;
}

UmkBlock *
umk_rpc_read_block_checked (UmkChainstate *cs, const UmkBlockIndex *index, GError **error)
{
  g_autoptr (GBytes) bytes = umk_rpc_read_block_bytes_checked (cs, index, error);
  if (bytes == NULL)
    return NULL;
  g_autoptr (GError) local = NULL;
  UmkBlock *block = umk_block_new_from_bytes (bytes, &local);
  if (block == NULL || !umk_uint256_equal (&block->hash, &index->hash))
    {
      g_warning ("Reading block %d: %s", index->height,
                 local != NULL ? local->message : "another block is stored there");
      g_clear_pointer (&block, umk_block_free);
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Block not found on disk");
    }
  return block;
}

gboolean
umk_rpc_read_undo_checked (UmkChainstate *cs, const UmkBlockIndex *index, UmkBlockUndo *undo,
                           GError **error)
{
  umk_block_undo_init (undo, 0);
  if (index->height == 0)
    return TRUE;
  if (!check_available (cs, index, TRUE, error))
    return FALSE;
  g_autoptr (GError) local = NULL;
  if (!umk_chainstate_read_undo (cs, index, undo, &local))
    {
      g_warning ("Reading the undo data of block %d: %s", index->height, local->message);
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Can't read undo data from disk");
      return FALSE;
    }
  return TRUE;
}

/* Whether undo holds one entry per transaction but the coinbase, each with
 * one coin per input. */
static gboolean
undo_matches (const UmkBlock *block, const UmkBlockUndo *undo)
{
  if (undo->n + 1 != block->n_tx)
    return FALSE;
  for (size_t i = 1; i < block->n_tx; i++)
    if (undo->txundo[i - 1].n != block->tx[i]->n_in)
      return FALSE;
  return TRUE;
}

gboolean
umk_rpc_write_block (UmkJsonWriter *w, UmkChainstate *cs, const UmkAddressParams *params,
                     const UmkBlock *block, const UmkBlockIndex *tip, const UmkBlockIndex *index,
                     int verbosity, GError **error)
{
  g_auto (UmkBlockUndo) undo = { 0 };
  gboolean have_undo = FALSE;
  if (verbosity >= 2)
    {
      have_undo
          = !umk_chainstate_query_block_pruned (cs, index) && (index->status & UMK_BLOCK_HAVE_UNDO);
      g_autoptr (GError) local = NULL;
      if (have_undo
          && (!umk_chainstate_read_undo (cs, index, &undo, &local) || !undo_matches (block, &undo)))
        {
          if (local != NULL)
            g_warning ("Reading the undo data of block %d: %s", index->height, local->message);
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR,
                             "Undo data expected but can't be read. This could be due to disk "
                             "corruption or a conflict with a pruning event.");
          return FALSE;
        }
    }

  umk_json_writer_begin_object (w);
  umk_rpc_write_header_fields (w, tip, index);
  umk_json_writer_kv_int (w, "strippedsize", (gint64) block->stripped_size);
  umk_json_writer_kv_int (w, "size", (gint64) block->size);
  umk_json_writer_kv_int (w, "weight", (gint64) umk_block_weight (block));

  /* The coinbase's own fields, so clients need not decode it. */
  const UmkTx *coinbase = block->tx[0];
  const UmkTxIn *in0 = &coinbase->in[0];
  umk_json_writer_key (w, "coinbase_tx");
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "version");
  umk_json_writer_uint (w, coinbase->version);
  umk_json_writer_kv_int (w, "locktime", coinbase->lock_time);
  umk_json_writer_kv_int (w, "sequence", in0->sequence);
  g_autofree char *script_sig = umk_hex_encode (in0->script_sig.data, in0->script_sig.len);
  umk_json_writer_kv_string (w, "coinbase", script_sig);
  if (in0->n_witness > 0)
    {
      g_autofree char *witness = umk_hex_encode (in0->witness[0].data, in0->witness[0].len);
      umk_json_writer_kv_string (w, "witness", witness);
    }
  umk_json_writer_end_object (w);

  umk_json_writer_key (w, "tx");
  umk_json_writer_begin_array (w);
  for (size_t i = 0; i < block->n_tx; i++)
    {
      if (verbosity <= 1)
        {
          umk_rpc_write_hash (w, &block->tx[i]->txid);
          continue;
        }
      const UmkTxUndo *txundo = have_undo && i > 0 ? &undo.txundo[i - 1] : NULL;
      umk_json_writer_begin_object (w);
      umk_rpc_write_tx_fields (w, params, block->tx[i], txundo, verbosity >= 3, TRUE);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
  return TRUE;
}
