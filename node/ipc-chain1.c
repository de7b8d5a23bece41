/* ipc-chain1.c — org.umkoin.Chain1: the chain, the mempool and their
 * signals, for the wallet process. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "node/ipc-chain1.h"

#include "common/hex.h"
#include "common/ipc.h"
#include "common/json.h"
#include "common/logging.h"
#include "node/chainstate.h"
#include "node/mempool.h"
#include "node/policy.h"

#include "umk-dbus.h"

#include <string.h>

#define CHAIN1_INTERFACE "org.umkoin.Chain1"
#define IPC_RPC_USER     "__ipc__"

struct _UmkIpcChain1
{
  UmkIpcServer *server;
  UmkNode *node;
  UmkChain1 *skeleton;
};

/* ---- Signals ------------------------------------------------------------------------------ */

/* Sends one signal on every connection the skeleton is exported on. The
 * caller holds the chain or mempool lock, which orders the signals; GDBus
 * keeps that order per connection (it queues without blocking). */
static void
emit (UmkIpcChain1 *self, const char *name, GVariant *parameters)
{
  g_variant_ref_sink (parameters);
  GList *connections
      = g_dbus_interface_skeleton_get_connections (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  for (GList *l = connections; l != NULL; l = l->next)
    {
      /* A connection closing meanwhile fails here; nothing to do then. */
      (void) g_dbus_connection_emit_signal (l->data, NULL, UMK_IPC_CHAIN_PATH, CHAIN1_INTERFACE,
                                            name, parameters, NULL);
    }
  g_list_free_full (connections, g_object_unref);
  g_variant_unref (parameters);
}

/* The serialized block as an "ay", sharing the block's buffer when that
 * holds exactly the block. */
static GVariant *
block_bytes_variant (const UmkBlock *block)
{
  if (block->bytes != NULL && g_bytes_get_size (block->bytes) == block->size)
    return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, block->bytes, TRUE);
  GByteArray *w = g_byte_array_sized_new ((guint) block->size);
  umk_block_write (block, w);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (w);
  return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);
}

static GVariant *
span_variant (const uint8_t *data, size_t len)
{
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, len, 1);
}

static void
emit_block (UmkIpcChain1 *self, const char *name, const UmkBlock *block, UmkBlockIndex *index)
{
  char hash[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&index->hash, hash);
  GVariant *parameters
      = g_variant_new ("(si@ay)", hash, index->height, block_bytes_variant (block));
  emit (self, name, parameters);
}

/* Validation threads, chain lock held. */
static void
on_block_connected (gpointer user, const UmkBlock *block, UmkBlockIndex *index)
{
  emit_block (user, "BlockConnected", block, index);
}

static void
on_block_disconnected (gpointer user, const UmkBlock *block, UmkBlockIndex *index)
{
  emit_block (user, "BlockDisconnected", block, index);
}

/* Any thread, mempool lock held. */
static void
on_tx_added (UmkMempoolEntry *entry, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  char txid[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&entry->tx->txid, txid);
  emit (self, "TransactionAddedToMempool",
        g_variant_new ("(s@ay)", txid, span_variant (entry->tx->raw.data, entry->tx->raw.len)));
}

static void
on_tx_removed (UmkMempoolEntry *entry, UmkRemovalReason reason, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  char txid[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&entry->tx->txid, txid);
  emit (self, "TransactionRemovedFromMempool",
        g_variant_new ("(ss)", txid, umk_removal_reason_name (reason)));
}

void
umk_ipc_chain1_chainstate_loaded (UmkIpcChain1 *self)
{
  UmkChainstateCallbacks cb = { 0 };
  cb.block_connected = on_block_connected;
  cb.block_disconnected = on_block_disconnected;
  cb.user = self;
  umk_chainstate_add_callbacks (self->node->chainstate, &cb);
  umk_mempool_set_added_callback (self->node->mempool, on_tx_added, self);
  umk_mempool_set_removed_callback (self->node->mempool, on_tx_removed, self);
}

/* ---- Methods ------------------------------------------------------------------------------ */

/* Starts a call that needs the chain; FALSE when it was answered already. */
static gboolean
begin (UmkIpcChain1 *self, GDBusMethodInvocation *invocation)
{
  return umk_ipc_server_call_begin (self->server, invocation, TRUE);
}

static void
end (UmkIpcChain1 *self)
{
  umk_ipc_server_call_end (self->server);
}

static gboolean
parse_hash (GDBusMethodInvocation *invocation, const char *what, const char *hex, UmkUint256 *out)
{
  if (hex != NULL && strlen (hex) == 64 && umk_uint256_from_hex (out, hex))
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
                                         "Invalid %s '%s': 64 hex digits expected", what,
                                         hex != NULL ? hex : "");
  return FALSE;
}

static void
return_unknown_block (GDBusMethodInvocation *invocation, const char *hex)
{
  g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                         "Block %s not found", hex);
}

static gboolean
handle_attach_wallet (UmkChain1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  (void) object;
  /* Needs no chain: a wallet may attach while the node still loads. */
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  umk_ipc_server_attach_wallet (self->server, g_dbus_method_invocation_get_connection (invocation),
                                invocation);
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

static gboolean
handle_get_tip (UmkChain1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkChainstate *cs = self->node->chainstate;
  char hash[UMK_UINT256_HEX_SIZE];
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  int height = tip->height;
  umk_uint256_to_hex_buf (&tip->hash, hash);
  gboolean ibd = umk_chainstate_is_initial_block_download (cs);
  umk_chainstate_unlock (cs);
  umk_chain1_complete_get_tip (object, invocation, height, hash, ibd);
  end (self);
  return TRUE;
}

static gboolean
handle_get_block_hash (UmkChain1 *object, GDBusMethodInvocation *invocation, int height,
                       gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkChainstate *cs = self->node->chainstate;
  char hash[UMK_UINT256_HEX_SIZE] = "";
  umk_chainstate_lock (cs);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  UmkBlockIndex *index = umk_active_chain_at (chain, height);
  int tip_height = umk_active_chain_height (chain);
  if (index != NULL)
    umk_uint256_to_hex_buf (&index->hash, hash);
  umk_chainstate_unlock (cs);
  if (index != NULL)
    umk_chain1_complete_get_block_hash (object, invocation, hash);
  else
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "No block at height %d (the tip is at %d)", height,
                                           tip_height);
  end (self);
  return TRUE;
}

static gboolean
handle_get_block_info (UmkChain1 *object, GDBusMethodInvocation *invocation, const char *hex,
                       gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkUint256 hash;
  if (parse_hash (invocation, "block hash", hex, &hash))
    {
      UmkChainstate *cs = self->node->chainstate;
      umk_chainstate_lock (cs);
      UmkBlockIndex *index = umk_chainstate_lookup (cs, &hash);
      GVariant *info = NULL;
      if (index != NULL)
        {
          GVariantBuilder b;
          g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&b, "{sv}", "height", g_variant_new_int32 (index->height));
          g_variant_builder_add (&b, "{sv}", "time", g_variant_new_int64 (index->time));
          if (index->prev != NULL)
            {
              char prev[UMK_UINT256_HEX_SIZE];
              umk_uint256_to_hex_buf (&index->prev->hash, prev);
              g_variant_builder_add (&b, "{sv}", "previousblockhash", g_variant_new_string (prev));
            }
          g_variant_builder_add (
              &b, "{sv}", "in_active_chain",
              g_variant_new_boolean (umk_active_chain_contains (umk_chainstate_chain (cs), index)));
          g_variant_builder_add (
              &b, "{sv}", "have_data",
              g_variant_new_boolean ((index->status & UMK_BLOCK_HAVE_DATA) != 0));
          info = g_variant_builder_end (&b);
        }
      umk_chainstate_unlock (cs);
      if (info != NULL)
        umk_chain1_complete_get_block_info (object, invocation, info);
      else
        return_unknown_block (invocation, hex);
    }
  end (self);
  return TRUE;
}

static gboolean
handle_get_block (UmkChain1 *object, GDBusMethodInvocation *invocation, const char *hex,
                  gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  (void) object;
  if (!begin (self, invocation))
    return TRUE;
  UmkUint256 hash;
  if (parse_hash (invocation, "block hash", hex, &hash))
    {
      UmkChainstate *cs = self->node->chainstate;
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) bytes = NULL;
      int height = -1;
      gboolean known = FALSE;
      /* Read under the lock: pruning could take the file away otherwise.
       * One block read is short. */
      umk_chainstate_lock (cs);
      UmkBlockIndex *index = umk_chainstate_lookup (cs, &hash);
      if (index != NULL)
        {
          known = TRUE;
          height = index->height;
          if (index->status & UMK_BLOCK_HAVE_DATA)
            bytes = umk_chainstate_read_block_bytes (cs, index, &error);
          else
            g_set_error (&error, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                         "Block %s is not available (%s)", hex,
                         umk_chainstate_pruned (cs) && index->n_tx > 0 ? "pruned data"
                                                                       : "not fully downloaded");
        }
      umk_chainstate_unlock (cs);
      if (!known)
        return_unknown_block (invocation, hex);
      else if (bytes == NULL)
        {
          if (error->domain == UMK_IPC_ERROR)
            g_dbus_method_invocation_return_gerror (invocation, error);
          else
            g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_FAILED,
                                                   "Cannot read block %s: %s", hex, error->message);
        }
      else
        g_dbus_method_invocation_return_value (
            invocation,
            g_variant_new ("(@ayi)",
                           g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE),
                           height));
    }
  end (self);
  return TRUE;
}

static gboolean
handle_find_fork (UmkChain1 *object, GDBusMethodInvocation *invocation, const char *hex,
                  gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkUint256 hash;
  if (parse_hash (invocation, "block hash", hex, &hash))
    {
      UmkChainstate *cs = self->node->chainstate;
      char fork_hash[UMK_UINT256_HEX_SIZE];
      int fork_height = -1;
      umk_chainstate_lock (cs);
      UmkBlockIndex *index = umk_chainstate_lookup (cs, &hash);
      UmkBlockIndex *fork
          = index != NULL ? umk_active_chain_find_fork (umk_chainstate_chain (cs), index) : NULL;
      if (fork != NULL)
        {
          fork_height = fork->height;
          umk_uint256_to_hex_buf (&fork->hash, fork_hash);
        }
      umk_chainstate_unlock (cs);
      if (fork != NULL)
        umk_chain1_complete_find_fork (object, invocation, fork_height, fork_hash);
      else
        return_unknown_block (invocation, hex);
    }
  end (self);
  return TRUE;
}

static gboolean
handle_get_mempool_transaction (UmkChain1 *object, GDBusMethodInvocation *invocation,
                                const char *hex, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  (void) object;
  if (!begin (self, invocation))
    return TRUE;
  UmkUint256 txid;
  if (parse_hash (invocation, "txid", hex, &txid))
    {
      g_autoptr (UmkTx) tx = umk_mempool_get_tx (self->node->mempool, &txid);
      if (tx == NULL)
        g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                               "Transaction %s is not in the mempool", hex);
      else
        g_dbus_method_invocation_return_value (
            invocation, g_variant_new ("(@ay)", span_variant (tx->raw.data, tx->raw.len)));
    }
  end (self);
  return TRUE;
}

static gboolean
handle_get_mempool_txids (UmkChain1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkMempool *pool = self->node->mempool;
  umk_mempool_lock (pool);
  g_autoptr (GPtrArray) entries = umk_mempool_entries (pool);
  g_autoptr (GPtrArray) txids = g_ptr_array_new_full (entries->len + 1, g_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const UmkMempoolEntry *e = entries->pdata[i];
      char *hex = g_malloc (UMK_UINT256_HEX_SIZE);
      umk_uint256_to_hex_buf (&e->tx->txid, hex);
      g_ptr_array_add (txids, hex);
    }
  umk_mempool_unlock (pool);
  g_ptr_array_add (txids, NULL);
  umk_chain1_complete_get_mempool_txids (object, invocation, (const char *const *) txids->pdata);
  end (self);
  return TRUE;
}

/* sat/kvB as the UMK/kvB amount text sendrawtransaction's maxfeerate takes. */
static char *
feerate_amount_text (gint64 sat_per_kvb)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%08" G_GINT64_FORMAT, sat_per_kvb / 100000000,
                          sat_per_kvb % 100000000);
}

static gboolean
handle_broadcast_transaction (UmkChain1 *object, GDBusMethodInvocation *invocation,
                              gconstpointer arg_tx, gint64 max_fee_rate, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  (void) object;
  (void) arg_tx; /* the generated wrapper cut it at the first zero byte */
  if (!begin (self, invocation))
    return TRUE;
  g_autoptr (GVariant) raw
      = g_variant_get_child_value (g_dbus_method_invocation_get_parameters (invocation), 0);
  gsize len = 0;
  const guint8 *data = g_variant_get_fixed_array (raw, &len, 1);
  if (max_fee_rate < 0)
    g_dbus_method_invocation_return_error (
        invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
        "Invalid max_fee_rate %" G_GINT64_FORMAT ": 0 or more expected", max_fee_rate);
  else
    {
      /* sendrawtransaction's own path: decoding, the checks, acceptance,
       * the unbroadcast set, and its reject messages. */
      g_autofree char *hex = umk_hex_encode (data, len);
      g_autofree char *rate = feerate_amount_text (max_fee_rate);
      g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
      umk_json_writer_begin_array (w);
      umk_json_writer_string (w, hex);
      umk_json_writer_string (w, rate);
      umk_json_writer_end_array (w);
      g_autoptr (GError) error = NULL;
      g_autofree char *result = umk_rpc_dispatcher_call (
          umk_ipc_server_get_dispatcher (self->server), "sendrawtransaction",
          umk_json_writer_peek (w, NULL), "/", IPC_RPC_USER, NULL, &error);
      g_autoptr (JsonNode) node
          = result != NULL ? umk_json_parse (result, strlen (result), NULL) : NULL;
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
          && json_node_get_value_type (node) == G_TYPE_STRING)
        umk_chain1_complete_broadcast_transaction (object, invocation, json_node_get_string (node));
      else
        g_dbus_method_invocation_return_error_literal (
            invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_FAILED,
            error != NULL ? error->message : "sendrawtransaction gave no txid");
    }
  end (self);
  return TRUE;
}

static gboolean
handle_get_fee_rates (UmkChain1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcChain1 *self = user_data;
  if (!begin (self, invocation))
    return TRUE;
  UmkMempool *pool = self->node->mempool;
  const UmkMempoolOptions *o = umk_mempool_options (pool);
  /* What getmempoolinfo calls mempoolminfee: the pool's rolling minimum,
   * never below the relay minimum. */
  UmkFeeRate min = umk_mempool_min_fee (pool);
  if (umk_feefrac_rate_cmp (min, o->min_relay_feerate) < 0)
    min = o->min_relay_feerate;
  umk_chain1_complete_get_fee_rates (object, invocation, umk_feerate_per_kvb (o->min_relay_feerate),
                                     umk_feerate_per_kvb (min),
                                     umk_feerate_per_kvb (o->incremental_relay_feerate));
  end (self);
  return TRUE;
}

/* ---- Life ---------------------------------------------------------------------------------- */

UmkIpcChain1 *
umk_ipc_chain1_new (UmkIpcServer *server)
{
  UmkIpcChain1 *self = g_new0 (UmkIpcChain1, 1);
  self->server = server;
  self->node = umk_ipc_server_get_node (server);
  self->skeleton = umk_chain1_skeleton_new ();
  /* Methods that take the chain lock run on GDBus's worker threads, so a
   * long validation job never holds up the main loop. */
  g_dbus_interface_skeleton_set_flags (
      G_DBUS_INTERFACE_SKELETON (self->skeleton),
      G_DBUS_INTERFACE_SKELETON_FLAGS_HANDLE_METHOD_INVOCATIONS_IN_THREAD);
  g_signal_connect (self->skeleton, "handle-attach-wallet", G_CALLBACK (handle_attach_wallet),
                    self);
  g_signal_connect (self->skeleton, "handle-get-tip", G_CALLBACK (handle_get_tip), self);
  g_signal_connect (self->skeleton, "handle-get-block-hash", G_CALLBACK (handle_get_block_hash),
                    self);
  g_signal_connect (self->skeleton, "handle-get-block-info", G_CALLBACK (handle_get_block_info),
                    self);
  g_signal_connect (self->skeleton, "handle-get-block", G_CALLBACK (handle_get_block), self);
  g_signal_connect (self->skeleton, "handle-find-fork", G_CALLBACK (handle_find_fork), self);
  g_signal_connect (self->skeleton, "handle-get-mempool-transaction",
                    G_CALLBACK (handle_get_mempool_transaction), self);
  g_signal_connect (self->skeleton, "handle-get-mempool-txids",
                    G_CALLBACK (handle_get_mempool_txids), self);
  g_signal_connect (self->skeleton, "handle-broadcast-transaction",
                    G_CALLBACK (handle_broadcast_transaction), self);
  g_signal_connect (self->skeleton, "handle-get-fee-rates", G_CALLBACK (handle_get_fee_rates),
                    self);
  return self;
}

GDBusInterfaceSkeleton *
umk_ipc_chain1_get_skeleton (UmkIpcChain1 *self)
{
  return G_DBUS_INTERFACE_SKELETON (self->skeleton);
}

void
umk_ipc_chain1_free (UmkIpcChain1 *self)
{
  if (self == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->skeleton, self);
  g_object_unref (self->skeleton);
  g_free (self);
}
