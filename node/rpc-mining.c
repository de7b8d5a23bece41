/* rpc-mining.c — the "mining" and "generating" methods, as Umkoin Core v31's
 * rpc/mining.cpp answers them: templates for pools (BIP 22/23), block and
 * header submission, and the regtest miner. Help texts are our own.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include "common/address.h"
#include "common/block-check.h"
#include "common/descriptor.h"
#include "common/hex.h"
#include "common/pow.h"
#include "common/tx-verify.h"
#include "common/versionbits.h"
#include "node/chainstate.h"
#include "node/mempool.h"
#include "node/miner.h"
#include "node/miner-select.h"

#include <math.h>
#include <string.h>

#define DEFAULT_MAX_TRIES 1000000

/* Hex text to bytes; NULL for invalid hex. */
static uint8_t *
hex_to_bytes (const char *hex, gsize *len)
{
  GByteArray *a = umk_hex_decode (hex, NULL);
  if (a == NULL)
    return NULL;
  *len = a->len;
  if (a->len == 0)
    {
      g_byte_array_unref (a);
      return g_malloc0 (1);
    }
  return g_byte_array_free (a, FALSE);
}

/* ---- Shared pieces ----------------------------------------------------------- */

static void
write_hash (UmkJsonWriter *w, const UmkUint256 *hash)
{
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (hash, hex);
  umk_json_writer_string (w, hex);
}

/* Core's GetDifficulty on compact bits. */
static double
difficulty_of (uint32_t bits)
{
  int shift = (bits >> 24) & 0xff;
  double diff = (double) 0x0000ffff / (double) (bits & 0x00ffffff);
  for (; shift < 29; shift++)
    diff *= 256.0;
  for (; shift > 29; shift--)
    diff /= 256.0;
  return diff;
}

static void
write_target_hex (UmkJsonWriter *w, const char *key, uint32_t bits)
{
  UmkArith256 target;
  bool negative, overflow;
  umk_arith256_set_compact (&target, bits, &negative, &overflow);
  UmkUint256 t;
  umk_arith256_to_uint256 (&t, &target);
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&t, hex);
  umk_json_writer_kv_string (w, key, hex);
}

static void
write_bits (UmkJsonWriter *w, const char *key, uint32_t bits)
{
  char buf[9];
  g_snprintf (buf, sizeof buf, "%08x", bits);
  umk_json_writer_kv_string (w, key, buf);
}

/* Mines nblocks on the tip paying script; Core's generateBlocks. */
static gboolean
generate_blocks (UmkRpcCall *call, const uint8_t *script, size_t script_len, gint64 nblocks,
                 guint64 max_tries, UmkJsonWriter *w, GError **error)
{
  UmkNode *node = call->node;
  const UmkConsensusParams *consensus = &node->params->consensus;
  g_autoptr (GArray) hashes = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  while (nblocks > 0 && !umk_rpc_dispatcher_interrupted (call->dispatcher))
    {
      UmkMinerOptions opts = { script, script_len, TRUE, NULL, 0, TRUE };
      GError *e = NULL;
      g_autoptr (UmkBlockTemplate) t = umk_miner_create_block (node, &opts, &e);
      if (t == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "%s", e->message);
          g_error_free (e);
          return FALSE;
        }
      if (!umk_miner_solve (t->block, consensus, &max_tries))
        {
          if (max_tries == 0)
            break;
          continue; /* nonce space exhausted: a new template gets a new time */
        }
      UmkBlockValidationState state;
      gboolean checked;
      if (!umk_chainstate_process_block (node->chainstate, t->block, TRUE, NULL, &state, &checked))
        {
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "ProcessNewBlock, block not accepted");
          return FALSE;
        }
      g_array_append_val (hashes, t->block->hash);
      nblocks--;
    }
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < hashes->len; i++)
    write_hash (w, &g_array_index (hashes, UmkUint256, i));
  umk_json_writer_end_array (w);
  return TRUE;
}

static gboolean
param_max_tries (UmkRpcCall *call, guint i, guint64 *out, GError **error)
{
  gint64 v = DEFAULT_MAX_TRIES;
  if (umk_rpc_param (call, i) != NULL
      && !umk_rpc_param_int (call, i, G_MININT64, G_MAXINT64, &v, error))
    return FALSE;
  *out = v < 0 ? 0 : (guint64) v;
  return TRUE;
}

/* ---- generatetoaddress, generatetodescriptor, generateblock, generate ----- */

static gboolean
rpc_generatetoaddress (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 nblocks;
  guint64 max_tries;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &nblocks, error))
    return FALSE;
  const char *address = umk_rpc_param_str (call, 1, error);
  if (address == NULL || !param_max_tries (call, 2, &max_tries, error))
    return FALSE;
  g_autoptr (GByteArray) script
      = umk_address_to_script (&call->node->params->address, address, NULL);
  if (script == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address");
      return FALSE;
    }
  return generate_blocks (call, script->data, script->len, nblocks, max_tries, w, error);
}

static gboolean
rpc_generatetodescriptor (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 nblocks;
  guint64 max_tries;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &nblocks, error))
    return FALSE;
  const char *text = umk_rpc_param_str (call, 1, error);
  if (text == NULL || !param_max_tries (call, 2, &max_tries, error))
    return FALSE;
  g_autoptr (GError) perr = NULL;
  g_autoptr (UmkDescriptor) desc
      = umk_descriptor_parse (&call->node->params->address, text, FALSE, &perr);
  if (desc == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "%s", perr->message);
      return FALSE;
    }
  return generate_blocks (call, desc->script->data, desc->script->len, nblocks, max_tries, w,
                          error);
}

static gboolean
rpc_generate (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) call;
  (void) w;
  umk_rpc_set_error (error, UMK_RPC_METHOD_NOT_FOUND,
                     "generate\n\nhas been replaced by the -generate cli option. Refer to -help "
                     "for more information.");
  return FALSE;
}

static gboolean
rpc_generateblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkNode *node = call->node;
  const char *output = umk_rpc_param_str (call, 0, error);
  if (output == NULL)
    return FALSE;
  g_autoptr (GByteArray) script = NULL;
  g_autoptr (UmkDescriptor) desc
      = umk_descriptor_parse (&node->params->address, output, FALSE, NULL);
  if (desc != NULL)
    script = g_byte_array_ref (desc->script);
  else
    script = umk_address_to_script (&node->params->address, output, NULL);
  if (script == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY,
                         "Error: Invalid address or descriptor");
      return FALSE;
    }
  JsonNode *list = umk_rpc_param (call, 1);
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                         "JSON value of type %s is not of expected "
                         "type array",
                         list == NULL ? "null" : umk_rpc_type_name (list));
      return FALSE;
    }
  gboolean submit = TRUE;
  if (umk_rpc_param (call, 2) != NULL && !umk_rpc_param_bool (call, 2, &submit, error))
    return FALSE;
  g_autoptr (GPtrArray) txs = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  JsonArray *arr = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *item = json_array_get_element (arr, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type string",
                             umk_rpc_type_name (item));
          return FALSE;
        }
      const char *str = json_node_get_string (item);
      UmkUint256 txid;
      if (strlen (str) == 64 && umk_uint256_from_hex (&txid, str))
        {
          UmkTx *tx = node->mempool != NULL ? umk_mempool_get_tx (node->mempool, &txid) : NULL;
          if (tx == NULL)
            {
              umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY,
                                 "Transaction %s not in mempool.", str);
              return FALSE;
            }
          g_ptr_array_add (txs, tx);
          continue;
        }
      gsize len = 0;
      g_autofree uint8_t *raw = hex_to_bytes (str, &len);
      UmkTx *tx = raw != NULL ? umk_tx_new_from_data (raw, len, NULL) : NULL;
      if (tx == NULL || tx->n_in == 0)
        {
          if (tx != NULL)
            umk_tx_unref (tx);
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                             "Transaction decode failed for %s. Make sure the tx has at least one "
                             "input.",
                             str);
          return FALSE;
        }
      g_ptr_array_add (txs, tx);
    }
  UmkMinerOptions opts
      = { script->data, script->len, FALSE, (const UmkTx *const *) txs->pdata, txs->len, TRUE };
  GError *e = NULL;
  g_autoptr (UmkBlockTemplate) t = umk_miner_create_block (node, &opts, &e);
  if (t == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_VERIFY_ERROR, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  guint64 max_tries = DEFAULT_MAX_TRIES;
  if (!umk_miner_solve (t->block, &node->params->consensus, &max_tries))
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Failed to make block.");
      return FALSE;
    }
  if (submit)
    {
      UmkBlockValidationState state;
      gboolean checked;
      if (!umk_chainstate_process_block (node->chainstate, t->block, TRUE, NULL, &state, &checked))
        {
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "ProcessNewBlock, block not accepted");
          return FALSE;
        }
    }
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "hash");
  write_hash (w, &t->block->hash);
  if (!submit)
    {
      gsize len;
      const uint8_t *data = g_bytes_get_data (t->block->bytes, &len);
      g_autofree char *hex = umk_hex_encode (data, len);
      umk_json_writer_kv_string (w, "hex", hex);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- submitblock, submitheader --------------------------------------------- */

/* Core's UpdateUncommittedBlockStructures: a block with a witness
 * commitment but no coinbase witness gets the reserved value a miner left
 * out. Returns: the block to use (block itself, or a fixed copy). */
static UmkBlock *
add_missing_reserved_value (UmkRpcCall *call, UmkBlock *block)
{
  UmkChainstate *cs = call->node->chainstate;
  umk_chainstate_lock (cs);
  UmkBlockIndex *prev = umk_chainstate_lookup (cs, &block->header.prev_block);
  gboolean segwit
      = prev != NULL
        && umk_buried_active_after (prev, &call->node->params->consensus, UMK_BURIED_SEGWIT);
  umk_chainstate_unlock (cs);
  const UmkTx *cb = block->n_tx > 0 ? block->tx[0] : NULL;
  if (!segwit || cb == NULL || cb->n_in == 0 || cb->in[0].n_witness > 0
      || umk_block_witness_commitment_index (block) < 0)
    return NULL;
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = cb->version;
  b->lock_time = cb->lock_time;
  for (uint32_t i = 0; i < cb->n_in; i++)
    {
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &cb->in[i].prevout, cb->in[i].sequence);
      g_byte_array_append (in->script_sig, cb->in[i].script_sig.data, cb->in[i].script_sig.len);
      if (i == 0)
        {
          GByteArray *reserved = g_byte_array_new ();
          g_byte_array_set_size (reserved, 32);
          memset (reserved->data, 0, 32);
          g_ptr_array_add (in->witness, reserved);
        }
    }
  for (uint32_t o = 0; o < cb->n_out; o++)
    umk_tx_builder_add_output (b, cb->out[o].value, cb->out[o].script_pubkey.data,
                               cb->out[o].script_pubkey.len);
  g_autoptr (UmkTx) fixed = umk_tx_builder_finish (b, NULL);
  if (fixed == NULL)
    return NULL;
  g_autofree const UmkTx **txs = g_new (const UmkTx *, block->n_tx);
  txs[0] = fixed;
  for (size_t i = 1; i < block->n_tx; i++)
    txs[i] = block->tx[i];
  return umk_miner_assemble (&block->header, txs, block->n_tx, NULL);
}

/* Core's BIP22ValidationResult for a conclusive state. */
static gboolean
write_bip22 (UmkJsonWriter *w, const UmkBlockValidationState *state, GError **error)
{
  if (umk_block_state_is_valid (state))
    {
      umk_json_writer_null (w);
      return TRUE;
    }
  if (umk_block_state_is_error (state))
    {
      g_autofree char *s = umk_block_state_to_string (state);
      umk_rpc_set_error (error, UMK_RPC_VERIFY_ERROR, "%s", s);
      return FALSE;
    }
  umk_json_writer_string (w, state->reject_reason[0] != '\0' ? state->reject_reason : "rejected");
  return TRUE;
}

/* Core's DecodeHexBlk: a block at the start of the hex; bytes after it are
 * ignored. Returns: NULL for bad hex or a bad block. */
static UmkBlock *
decode_block_hex (const char *hex)
{
  gsize len = 0;
  g_autofree uint8_t *raw = hex_to_bytes (hex, &len);
  if (raw == NULL)
    return NULL;
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&raw), len);
  UmkReader r;
  umk_reader_init (&r, g_bytes_get_data (bytes, NULL), len);
  return umk_block_read (&r, bytes);
}

static UmkBlock *
decode_block_param (UmkRpcCall *call, guint i, const char *message, GError **error)
{
  const char *hex = umk_rpc_param_str (call, i, error);
  if (hex == NULL)
    return NULL;
  UmkBlock *block = decode_block_hex (hex);
  if (block == NULL)
    umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "%s", message);
  return block;
}

static gboolean
rpc_submitblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  g_autoptr (UmkBlock) block = decode_block_param (call, 0, "Block decode failed", error);
  if (block == NULL)
    return FALSE;
  UmkBlock *fixed = add_missing_reserved_value (call, block);
  if (fixed != NULL)
    {
      umk_block_free (block);
      block = fixed;
    }
  gboolean new_block = FALSE, checked = FALSE;
  UmkBlockValidationState state;
  gboolean accepted = umk_chainstate_process_block (call->node->chainstate, block, TRUE, &new_block,
                                                    &state, &checked);
  if (!new_block && accepted)
    {
      umk_json_writer_string (w, "duplicate");
      return TRUE;
    }
  if (!checked)
    {
      umk_json_writer_string (w, "inconclusive");
      return TRUE;
    }
  return write_bip22 (w, &state, error);
}

static gboolean
rpc_submitheader (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *hex = umk_rpc_param_str (call, 0, error);
  if (hex == NULL)
    return FALSE;
  gsize len = 0;
  g_autofree uint8_t *raw = hex_to_bytes (hex, &len);
  UmkBlockHeader h;
  UmkReader r;
  umk_reader_init (&r, raw, raw != NULL ? len : 0);
  /* As Core's DecodeHexBlockHeader: anything after the 80 bytes is ignored. */
  if (raw == NULL || !umk_block_header_read (&r, &h))
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "Block header decode failed");
      return FALSE;
    }
  UmkChainstate *cs = call->node->chainstate;
  umk_chainstate_lock (cs);
  gboolean have_prev = umk_chainstate_lookup (cs, &h.prev_block) != NULL;
  umk_chainstate_unlock (cs);
  if (!have_prev)
    {
      char prev[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&h.prev_block, prev);
      umk_rpc_set_error (error, UMK_RPC_VERIFY_ERROR, "Must submit previous header (%s) first",
                         prev);
      return FALSE;
    }
  UmkBlockValidationState state;
  if (umk_chainstate_process_header (cs, &h, &state))
    {
      umk_json_writer_null (w);
      return TRUE;
    }
  if (umk_block_state_is_error (&state))
    {
      g_autofree char *s = umk_block_state_to_string (&state);
      umk_rpc_set_error (error, UMK_RPC_VERIFY_ERROR, "%s", s);
      return FALSE;
    }
  umk_rpc_set_error (error, UMK_RPC_VERIFY_ERROR, "%s", state.reject_reason);
  return FALSE;
}

/* ---- getnetworkhashps, getmininginfo --------------------------------------- */

static gboolean
network_hash_ps (UmkRpcCall *call, gint64 lookup, gint64 height, double *out, GError **error)
{
  if (lookup < -1 || lookup == 0)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Invalid nblocks. Must be a positive number or -1.");
      return FALSE;
    }
  UmkChainstate *cs = call->node->chainstate;
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  if (height < -1 || height > umk_active_chain_height (chain))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Block does not exist at specified height");
      return FALSE;
    }
  UmkBlockIndex *pb = umk_active_chain_tip (chain);
  *out = 0;
  if (pb != NULL && height >= 0 && height < pb->height)
    pb = umk_active_chain_at (chain, (int) height);
  if (pb == NULL || pb->height == 0)
    return TRUE;
  if (lookup <= 0)
    lookup
        = pb->height % umk_consensus_difficulty_adjustment_interval (&call->node->params->consensus)
          + 1;
  if (lookup > pb->height)
    lookup = pb->height;
  UmkBlockIndex *pb0 = pb;
  int64_t min_time = pb0->time, max_time = pb0->time;
  for (gint64 i = 0; i < lookup && pb0->prev != NULL; i++)
    {
      pb0 = pb0->prev;
      min_time = MIN (min_time, (int64_t) pb0->time);
      max_time = MAX (max_time, (int64_t) pb0->time);
    }
  if (min_time == max_time)
    return TRUE;
  UmkArith256 work;
  umk_arith256_sub (&work, &pb->chain_work, &pb0->chain_work);
  *out = umk_arith256_to_double (&work) / (double) (max_time - min_time);
  return TRUE;
}

static gboolean
rpc_getnetworkhashps (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 nblocks = 120, height = -1;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &nblocks, error)
      || !umk_rpc_param_int (call, 1, G_MININT, G_MAXINT, &height, error))
    return FALSE;
  umk_chainstate_lock (call->node->chainstate);
  double v;
  gboolean ok = network_hash_ps (call, nblocks, height, &v, error);
  umk_chainstate_unlock (call->node->chainstate);
  if (ok)
    umk_json_writer_double (w, v);
  return ok;
}

static gboolean
rpc_getmininginfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkNode *node = call->node;
  UmkChainstate *cs = node->chainstate;
  const UmkConsensusParams *consensus = &node->params->consensus;
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  double hashps = 0;
  if (!network_hash_ps (call, 120, -1, &hashps, error))
    {
      umk_chainstate_unlock (cs);
      return FALSE;
    }
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "blocks", tip->height);
  gint64 weight, ntx;
  if (umk_miner_last_block_stats (&weight, &ntx))
    {
      umk_json_writer_kv_int (w, "currentblockweight", weight);
      umk_json_writer_kv_int (w, "currentblocktx", ntx);
    }
  write_bits (w, "bits", tip->bits);
  umk_json_writer_kv_double (w, "difficulty", difficulty_of (tip->bits));
  write_target_hex (w, "target", tip->bits);
  umk_json_writer_kv_double (w, "networkhashps", hashps);
  umk_json_writer_kv_int (w, "pooledtx",
                          node->mempool != NULL ? umk_mempool_size (node->mempool) : 0);
  umk_json_writer_key (w, "blockmintxfee");
  umk_rpc_write_amount (w, umk_miner_block_min_fee (node));
  umk_json_writer_kv_string (w, "chain", umk_chain_name (node->chain));
  if (node->chain == UMK_CHAIN_SIGNET)
    {
      g_autofree char *hex
          = umk_hex_encode (consensus->signet_challenge, consensus->signet_challenge_len);
      umk_json_writer_kv_string (w, "signet_challenge", hex);
    }
  /* The next block if it came now, empty (Core's NextEmptyBlockIndex). */
  UmkBlockIndex next = { 0 };
  next.height = tip->height + 1;
  int64_t t = MAX (umk_miner_minimum_time (tip, consensus), umk_chainstate_now (cs));
  next.bits = umk_pow_next_work_required (tip, t, consensus);
  umk_json_writer_key (w, "next");
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "height", next.height);
  write_bits (w, "bits", next.bits);
  umk_json_writer_kv_double (w, "difficulty", difficulty_of (next.bits));
  write_target_hex (w, "target", next.bits);
  umk_json_writer_end_object (w);
  umk_json_writer_key (w, "warnings");
  umk_json_writer_begin_array (w);
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
  umk_chainstate_unlock (cs);
  return TRUE;
}

/* ---- getblocktemplate -------------------------------------------------------- */

static const char *const deployment_names[UMK_N_DEPLOYMENTS] = { "testdummy", "taproot" };

static gboolean
gbt_proposal (UmkRpcCall *call, JsonObject *req, UmkJsonWriter *w, GError **error)
{
  JsonNode *data = json_object_get_member (req, "data");
  if (data == NULL || !JSON_NODE_HOLDS_VALUE (data)
      || json_node_get_value_type (data) != G_TYPE_STRING)
    {
      umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR, "Missing data String key for proposal");
      return FALSE;
    }
  g_autoptr (UmkBlock) block = decode_block_hex (json_node_get_string (data));
  if (block == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR, "Block decode failed");
      return FALSE;
    }
  UmkChainstate *cs = call->node->chainstate;
  umk_chainstate_lock (cs);
  UmkBlockIndex *known = umk_chainstate_lookup (cs, &block->hash);
  if (known != NULL)
    {
      const char *r = umk_block_index_is_valid (known, UMK_BLOCK_VALID_SCRIPTS) ? "duplicate"
                      : (known->status & UMK_BLOCK_FAILED_MASK) ? "duplicate-invalid"
                                                                : "duplicate-inconclusive";
      umk_chainstate_unlock (cs);
      umk_json_writer_string (w, r);
      return TRUE;
    }
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  if (!umk_uint256_equal (&block->header.prev_block, &tip->hash))
    {
      umk_chainstate_unlock (cs);
      umk_json_writer_string (w, "inconclusive-not-best-prevblk");
      return TRUE;
    }
  UmkBlockValidationState state;
  umk_chainstate_test_block_validity (cs, block, FALSE, TRUE, &state);
  umk_chainstate_unlock (cs);
  return write_bip22 (w, &state, error);
}

static gboolean
rpc_getblocktemplate (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkNode *node = call->node;
  const UmkConsensusParams *consensus = &node->params->consensus;
  JsonNode *reqn = umk_rpc_param (call, 0);
  JsonObject *req = NULL;
  const char *mode = "template";
  g_autoptr (GHashTable) client_rules = g_hash_table_new (g_str_hash, g_str_equal);
  if (reqn != NULL)
    {
      req = json_node_get_object (reqn);
      JsonNode *m = json_object_get_member (req, "mode");
      if (m != NULL && JSON_NODE_HOLDS_VALUE (m) && json_node_get_value_type (m) == G_TYPE_STRING)
        mode = json_node_get_string (m);
      else if (m != NULL && !JSON_NODE_HOLDS_NULL (m))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Invalid mode");
          return FALSE;
        }
      if (strcmp (mode, "proposal") == 0)
        return gbt_proposal (call, req, w, error);
      JsonNode *rules = json_object_get_member (req, "rules");
      if (rules != NULL && JSON_NODE_HOLDS_ARRAY (rules))
        {
          JsonArray *ra = json_node_get_array (rules);
          for (guint i = 0; i < json_array_get_length (ra); i++)
            {
              JsonNode *r = json_array_get_element (ra, i);
              if (JSON_NODE_HOLDS_VALUE (r) && json_node_get_value_type (r) == G_TYPE_STRING)
                g_hash_table_add (client_rules, (gpointer) json_node_get_string (r));
            }
        }
    }
  if (strcmp (mode, "template") != 0)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Invalid mode");
      return FALSE;
    }
  if (!node->params->is_mockable_chain)
    {
      /* Without peers a template only helps a miner waste work (Core refuses too). */
      umk_rpc_set_error (error, UMK_RPC_CLIENT_NOT_CONNECTED, "Umkoin Core is not connected!");
      return FALSE;
    }
  if (node->chain == UMK_CHAIN_SIGNET && !g_hash_table_contains (client_rules, "signet"))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "getblocktemplate must be called with the signet rule set (call with "
                         "{\"rules\": [\"segwit\", \"signet\"]})");
      return FALSE;
    }
  if (!g_hash_table_contains (client_rules, "segwit"))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "getblocktemplate must be called with the segwit rule set (call with "
                         "{\"rules\": [\"segwit\"]})");
      return FALSE;
    }
  /* The template pays to an empty script: pools build their own coinbase. */
  UmkMinerOptions opts = { NULL, 0, TRUE, NULL, 0, TRUE };
  GError *e = NULL;
  g_autoptr (UmkBlockTemplate) t = umk_miner_create_block (node, &opts, &e);
  if (t == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "%s", e->message);
      g_error_free (e);
      return FALSE;
    }
  UmkChainstate *cs = node->chainstate;
  umk_chainstate_lock (cs);
  UmkBlockIndex *prev = umk_chainstate_lookup (cs, &t->block->header.prev_block);
  UmkVersionBitsCache *vb = umk_chainstate_versionbits (cs);
  int32_t version = t->block->header.version;
  gboolean pre_segwit = !t->segwit;

  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "capabilities");
  umk_json_writer_begin_array (w);
  umk_json_writer_string (w, "proposal");
  umk_json_writer_end_array (w);

  /* vbavailable and rules, from each deployment's state (Core's GBTStatus). */
  g_autoptr (UmkJsonWriter) avail = umk_json_writer_new (0);
  umk_json_writer_begin_object (avail);
  g_autoptr (GPtrArray) rules = g_ptr_array_new ();
  g_ptr_array_add (rules, "csv");
  if (!pre_segwit)
    g_ptr_array_add (rules, "!segwit");
  if (node->chain == UMK_CHAIN_SIGNET)
    g_ptr_array_add (rules, "!signet");
  for (int d = 0; d < UMK_N_DEPLOYMENTS; d++)
    {
      if (!umk_deployment_enabled (consensus, (UmkDeployment) d))
        continue;
      UmkThresholdState s = umk_versionbits_state (vb, prev, consensus, (UmkDeployment) d);
      int bit = consensus->deployments[d].bit;
      /* Both of Umkoin's deployments are optional rules for clients. */
      if (s == UMK_THRESHOLD_STARTED || s == UMK_THRESHOLD_LOCKED_IN)
        {
          umk_json_writer_kv_int (avail, deployment_names[d], bit);
          if (s == UMK_THRESHOLD_LOCKED_IN)
            version |= (int32_t) (1u << bit);
        }
      else if (s == UMK_THRESHOLD_ACTIVE)
        g_ptr_array_add (rules, (gpointer) deployment_names[d]);
    }
  umk_json_writer_end_object (avail);
  umk_json_writer_kv_int (w, "version", version);
  umk_json_writer_key (w, "rules");
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < rules->len; i++)
    umk_json_writer_string (w, rules->pdata[i]);
  umk_json_writer_end_array (w);
  gsize alen;
  const char *atext = umk_json_writer_peek (avail, &alen);
  umk_json_writer_key (w, "vbavailable");
  umk_json_writer_raw (w, atext, alen);
  umk_json_writer_kv_int (w, "vbrequired", 0);
  umk_json_writer_key (w, "previousblockhash");
  write_hash (w, &t->block->header.prev_block);

  umk_json_writer_key (w, "transactions");
  umk_json_writer_begin_array (w);
  for (size_t i = 1; i < t->block->n_tx; i++)
    {
      const UmkTx *tx = t->block->tx[i];
      umk_json_writer_begin_object (w);
      g_autofree char *data = umk_hex_encode (tx->raw.data, tx->raw.len);
      umk_json_writer_kv_string (w, "data", data);
      umk_json_writer_key (w, "txid");
      write_hash (w, &tx->txid);
      umk_json_writer_key (w, "hash");
      write_hash (w, &tx->wtxid);
      umk_json_writer_key (w, "depends");
      umk_json_writer_begin_array (w);
      for (uint32_t in = 0; in < tx->n_in; in++)
        for (size_t j = 1; j < i; j++)
          if (umk_uint256_equal (&tx->in[in].prevout.hash, &t->block->tx[j]->txid))
            {
              umk_json_writer_int (w, (gint64) j);
              break;
            }
      umk_json_writer_end_array (w);
      umk_json_writer_kv_int (w, "fee", g_array_index (t->fees, gint64, i));
      gint64 sigops = g_array_index (t->sigops, gint64, i);
      if (pre_segwit)
        sigops /= UMK_WITNESS_SCALE_FACTOR;
      umk_json_writer_kv_int (w, "sigops", sigops);
      umk_json_writer_kv_int (w, "weight", (gint64) umk_tx_weight (tx));
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  umk_json_writer_key (w, "coinbaseaux");
  umk_json_writer_begin_object (w);
  umk_json_writer_end_object (w);
  umk_json_writer_kv_int (w, "coinbasevalue", t->coinbase_value);
  char tiphex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&t->block->header.prev_block, tiphex);
  g_autofree char *longpoll = g_strdup_printf (
      "%s%u", tiphex, node->mempool != NULL ? umk_mempool_transactions_updated (node->mempool) : 0);
  umk_json_writer_kv_string (w, "longpollid", longpoll);
  write_target_hex (w, "target", t->block->header.bits);
  umk_json_writer_kv_int (w, "mintime", t->min_time);
  umk_json_writer_key (w, "mutable");
  umk_json_writer_begin_array (w);
  umk_json_writer_string (w, "time");
  umk_json_writer_string (w, "transactions");
  umk_json_writer_string (w, "prevblock");
  umk_json_writer_end_array (w);
  umk_json_writer_kv_string (w, "noncerange", "00000000ffffffff");
  gint64 sigop_limit = UMK_MAX_BLOCK_SIGOPS_COST, size_limit = UMK_MAX_BLOCK_SERIALIZED_SIZE;
  if (pre_segwit)
    {
      sigop_limit /= UMK_WITNESS_SCALE_FACTOR;
      size_limit /= UMK_WITNESS_SCALE_FACTOR;
    }
  umk_json_writer_kv_int (w, "sigoplimit", sigop_limit);
  umk_json_writer_kv_int (w, "sizelimit", size_limit);
  if (!pre_segwit)
    umk_json_writer_kv_int (w, "weightlimit", UMK_MAX_BLOCK_WEIGHT);
  umk_json_writer_kv_int (w, "curtime", t->block->header.time);
  write_bits (w, "bits", t->block->header.bits);
  umk_json_writer_kv_int (w, "height", t->height);
  if (node->chain == UMK_CHAIN_SIGNET)
    {
      g_autofree char *hex
          = umk_hex_encode (consensus->signet_challenge, consensus->signet_challenge_len);
      umk_json_writer_kv_string (w, "signet_challenge", hex);
    }
  if (t->commitment != NULL)
    {
      g_autofree char *hex = umk_hex_encode (t->commitment->data, t->commitment->len);
      umk_json_writer_kv_string (w, "default_witness_commitment", hex);
    }
  umk_json_writer_end_object (w);
  umk_chainstate_unlock (cs);
  return TRUE;
}

/* ---- The table -------------------------------------------------------------- */

#define ADDRESS_EXAMPLE "\"bcrt1qxyz\""

static const UmkRpcArg generatetoaddress_args[] = {
  { "nblocks", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "How many blocks to mine", 0, NULL },
  { "address", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "The address the coinbase outputs pay",
    0, NULL },
  { "maxtries", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "1000000",
    "How many nonces to try before giving up", 0, NULL },
};

static const UmkRpcArg generatetodescriptor_args[] = {
  { "num_blocks", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "How many blocks to mine", 0, NULL },
  { "descriptor", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The descriptor (addr() or raw()) of the script the coinbase outputs pay", 0, NULL },
  { "maxtries", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "1000000",
    "How many nonces to try before giving up", 0, NULL },
};

static const UmkRpcArg generateblock_txs_inner[] = {
  { "rawtx/txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL,
    "A serialized transaction, or the id of one in the mempool", 0, NULL },
};

static const UmkRpcArg generateblock_args[] = {
  { "output", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The address or descriptor the coinbase output pays", 0, NULL },
  { "transactions", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "The transactions to include, in this order", 0, generateblock_txs_inner },
  { "submit", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "Whether to submit the block, or only return it", 0, NULL },
};

static const UmkRpcArg submitblock_args[] = {
  { "hexdata", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The serialized block", 0, NULL },
  { "dummy", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "ignored", "Not used (BIP 22 compatibility)", 0,
    NULL },
};

static const UmkRpcArg submitheader_args[] = {
  { "hexdata", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The serialized block header", 0,
    NULL },
};

static const UmkRpcArg getnetworkhashps_args[] = {
  { "nblocks", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "120",
    "How many blocks to average over, or -1 for those since the last retarget", 0, NULL },
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "-1",
    "The height to estimate at, or -1 for the tip", 0, NULL },
};

static const UmkRpcArg gbt_str[] = {
  { "str", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "A name", 0, NULL },
};

static const UmkRpcArg gbt_rules[] = {
  { "segwit", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "segwit must be among them", 0, NULL },
  { "str", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "Another rule", 0, NULL },
};

static const UmkRpcArg gbt_request_keys[] = {
  { "mode", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL,
    "\"template\", \"proposal\" (BIP 23), or omitted", 0, NULL },
  { "capabilities", UMK_RPC_ARG_ARR, UMK_RPC_ARG_OMITTED, NULL, "The client's capabilities", 0,
    gbt_str, 1, NULL, NULL },
  { "rules", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "The rules the client supports; must contain \"segwit\"", 0, gbt_rules,
    G_N_ELEMENTS (gbt_rules), NULL, NULL },
  { "longpollid", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "Not supported yet", 0, NULL },
  { "data", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "A proposed block (proposal mode)", 0,
    NULL },
};

static const UmkRpcArg getblocktemplate_args[] = {
  { "template_request", UMK_RPC_ARG_OBJ, UMK_RPC_ARG_REQUIRED, NULL,
    "The request (BIP 22, 23, 9 and 145)", 0, gbt_request_keys, G_N_ELEMENTS (gbt_request_keys),
    NULL, NULL },
};

const UmkRpcMethod umk_rpc_mining_methods[] = {
  { "hidden", "generateblock",
    "Mines a block with exactly the given transactions, in order, at once (regtest). Their "
    "fees are not claimed.",
    generateblock_args, G_N_ELEMENTS (generateblock_args),
    "\nResult:\n"
    "{                    (json object)\n"
    "  \"hash\" : \"hex\",    (string) The block's hash\n"
    "  \"hex\" : \"hex\"      (string, optional) The serialized block, with submit false\n"
    "}\n",
    UMK_RPC_EXAMPLES ("generateblock", ADDRESS_EXAMPLE " '[\"rawtx\"]'",
                      ADDRESS_EXAMPLE ", [\"rawtx\"]"),
    rpc_generateblock },
  { "hidden", "generatetoaddress",
    "Mines blocks at once (regtest), their coinbases paying the address.", generatetoaddress_args,
    G_N_ELEMENTS (generatetoaddress_args),
    "\nResult:\n"
    "[           (json array) The hashes of the blocks made\n"
    "  \"hex\",    (string) A block hash\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("generatetoaddress", "11 " ADDRESS_EXAMPLE, "11, " ADDRESS_EXAMPLE),
    rpc_generatetoaddress },
  { "hidden", "generatetodescriptor",
    "Mines blocks at once (regtest), their coinbases paying the descriptor's script.",
    generatetodescriptor_args, G_N_ELEMENTS (generatetodescriptor_args),
    "\nResult:\n"
    "[           (json array) The hashes of the blocks made\n"
    "  \"hex\",    (string) A block hash\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("generatetodescriptor", "11 \"mydesc\"", "11, \"mydesc\""),
    rpc_generatetodescriptor },
  { "hidden", "generate", "Replaced by umkoin-cli -generate.", NULL, 0,
    "\nResult:\n"
    "null    (json null)\n",
    NULL, rpc_generate },
  { "mining", "getblocktemplate",
    "Gives what a miner needs to build a block (BIP 22, 23, 9 and 145), or checks a proposed "
    "block.",
    getblocktemplate_args, G_N_ELEMENTS (getblocktemplate_args),
    "\nResult:\n"
    "{...}    (json object) The template: version, rules, transactions, coinbasevalue, target, "
    "bits, height, and the rest BIP 22 lists\n",
    UMK_RPC_EXAMPLES ("getblocktemplate", "'{\"rules\": [\"segwit\"]}'",
                      "{\"rules\": [\"segwit\"]}"),
    rpc_getblocktemplate },
  { "mining", "getmininginfo", "Describes the state of mining.", NULL, 0,
    "\nResult:\n"
    "{...}    (json object) blocks, bits, difficulty, target, networkhashps, pooledtx, "
    "blockmintxfee, chain, next, warnings\n",
    UMK_RPC_EXAMPLES ("getmininginfo", "", ""), rpc_getmininginfo },
  { "mining", "getnetworkhashps",
    "Estimates the network's hash rate from the work and times of recent blocks.",
    getnetworkhashps_args, G_N_ELEMENTS (getnetworkhashps_args),
    "\nResult:\n"
    "n    (numeric) Hashes per second\n",
    UMK_RPC_EXAMPLES ("getnetworkhashps", "", ""), rpc_getnetworkhashps },
  { "mining", "submitblock", "Offers a new block to the node, which validates it.",
    submitblock_args, G_N_ELEMENTS (submitblock_args),
    "\nResult (if the block was accepted):\n"
    "null    (json null)\n"
    "\nResult (otherwise):\n"
    "\"str\"    (string) Why not, as BIP 22 words it\n",
    UMK_RPC_EXAMPLES ("submitblock", "\"mydata\"", "\"mydata\""), rpc_submitblock },
  { "mining", "submitheader",
    "Offers a block header, which becomes a candidate for the best chain once its block "
    "arrives.",
    submitheader_args, G_N_ELEMENTS (submitheader_args),
    "\nResult:\n"
    "null    (json null)\n",
    UMK_RPC_EXAMPLES ("submitheader", "\"aabbcc\"", "\"aabbcc\""), rpc_submitheader },
};

const guint umk_rpc_n_mining_methods = G_N_ELEMENTS (umk_rpc_mining_methods);
