/* chain-client.c — following the node's chain for each loaded wallet.
 *
 * Each followed wallet has a Follow record. A catch-up ("sync") is a chain of
 * asynchronous Chain1 calls that moves the wallet's position one block at a
 * time; while it runs, the signals for that wallet are not applied but
 * noted (again), and the catch-up ends only when GetTip says the wallet is
 * at the tip, after which the next signal continues from there. */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/chain-client.h"

#include "common/ipc.h"
#include "common/logging.h"
#include "common/tx.h"

#include <string.h>

#define CHAIN1_INTERFACE "org.umkoin.Chain1"

/* A catch-up that keeps meeting a moving chain gives up after this many
 * restarts (the next signal starts a new one). */
#define MAX_RESTARTS 64

typedef struct
{
  gatomicrefcount ref;
  UmkChainClient *client; /* not a reference; only used while attached */
  GDBusConnection *connection;
  UmkWallet *wallet;
  GCancellable *cancellable;
  GTask *task; /* the attach waiting for the first catch-up, or NULL */
  gboolean detached;
  gboolean syncing;
  gboolean again;      /* a signal arrived during the catch-up */
  gboolean changed;    /* the position moved during the catch-up */
  gboolean new_wallet; /* starts at the tip */
  int restarts;
  int target_height; /* the tip the catch-up is heading for */
  int scan_from;     /* the height the block fetching began at, -2 before */
} Follow;

struct _UmkChainClient
{
  GObject parent_instance;
  GDBusConnection *connection;
  guint subscription;
  GPtrArray *follows; /* Follow*, in attach order */
  guint64 mempool_added;
  guint64 mempool_removed;
};

G_DEFINE_FINAL_TYPE (UmkChainClient, umk_chain_client, G_TYPE_OBJECT)

static Follow *
follow_ref (Follow *f)
{
  g_atomic_ref_count_inc (&f->ref);
  return f;
}

static void
follow_unref (Follow *f)
{
  if (!g_atomic_ref_count_dec (&f->ref))
    return;
  g_warn_if_fail (f->task == NULL);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->connection);
  g_clear_object (&f->wallet);
  g_free (f);
}

static void sync_begin (Follow *f);
static void find_fork (Follow *f);
static void step_tip (Follow *f);
static void fetch_next (Follow *f);

static void
call_chain (Follow *f, const char *method, GVariant *params, const char *reply_type,
            GAsyncReadyCallback callback)
{
  g_dbus_connection_call (f->connection, NULL, UMK_IPC_CHAIN_PATH, CHAIN1_INTERFACE, method, params,
                          G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          f->cancellable, callback, follow_ref (f));
}

static const char *
wallet_label (Follow *f)
{
  const char *name = umk_wallet_get_name (f->wallet);
  return name[0] ? name : "default wallet";
}

/* Ends a catch-up: writes the position, tells the connections, completes the
 * attach (or logs the failure of a catch-up started by a signal). */
static void
sync_done (Follow *f, GError *error)
{
  f->syncing = FALSE;
  umk_wallet_set_scanning (f->wallet, FALSE, 0.0);
  gboolean cancelled = error && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (!cancelled)
    {
      int height;
      UmkUint256 hash;
      umk_wallet_get_last_block (f->wallet, &height, &hash);
      umk_wallet_set_last_block (f->wallet, height, &hash, UMK_WALLET_WRITE_NOW);
      if (f->changed)
        umk_wallet_emit_block_processed (f->wallet);
      if (error == NULL)
        {
          char hex[UMK_UINT256_HEX_SIZE];
          umk_uint256_to_hex_buf (&hash, hex);
          UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "[%s] at the node's tip: height %d, block %s",
                         wallet_label (f), height, hex);
        }
    }
  f->changed = FALSE;

  if (f->task)
    {
      GTask *task = g_steal_pointer (&f->task);
      if (error)
        {
          /* A wallet whose first catch-up failed is not followed. */
          if (!f->detached)
            umk_chain_client_detach (f->client, f->wallet);
          g_task_return_error (task, error);
        }
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      error = NULL;
    }
  else if (error)
    {
      if (!cancelled)
        umk_log_warning ("[%s] Cannot follow the node's chain: %s", wallet_label (f),
                         error->message);
      g_clear_error (&error);
    }

  if (f->again && !f->detached)
    {
      f->again = FALSE;
      sync_begin (f);
    }
}

/* Finishes a Chain1 call: the reply, or NULL after ending the catch-up with
 * the error (also when the wallet was detached meanwhile). */
static GVariant *
call_finish (Follow *f, GAsyncResult *result, const char *method)
{
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (f->connection, result, &error);
  if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_dbus_error_strip_remote_error (error);
      g_prefix_error (&error, "Chain1.%s: ", method);
    }
  if (reply == NULL || f->detached)
    {
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The wallet was unloaded");
      g_clear_pointer (&reply, g_variant_unref);
      sync_done (f, error);
      return NULL;
    }
  return reply;
}

static gboolean
is_not_found (const GError *error)
{
  if (g_error_matches (error, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND))
    return TRUE;
  g_autofree char *name = g_dbus_error_get_remote_error (error);
  return g_strcmp0 (name, "org.umkoin.Error.NotFound") == 0;
}

static gboolean
restart (Follow *f)
{
  if (++f->restarts <= MAX_RESTARTS)
    return TRUE;
  sync_done (f, g_error_new (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                             "the node's chain kept changing during %d attempts to catch up",
                             MAX_RESTARTS));
  return FALSE;
}

/* ---- A new wallet: the tip ---------------------------------------------------- */

static void
on_tip_for_new (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Follow *f = user_data;
  g_autoptr (GVariant) reply = call_finish (f, result, "GetTip");
  if (reply)
    {
      gint32 height;
      const char *hex;
      gboolean ibd;
      UmkUint256 hash;
      g_variant_get (reply, "(i&sb)", &height, &hex, &ibd);
      if (height < 0 || !umk_uint256_from_hex (&hash, hex))
        sync_done (f, g_error_new (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                   "Chain1.GetTip: the node answered a malformed tip"));
      else
        {
          umk_wallet_set_last_block (f->wallet, height, &hash, UMK_WALLET_WRITE_NOW);
          f->changed = TRUE;
          sync_done (f, NULL);
        }
    }
  follow_unref (f);
}

/* ---- The fork point ------------------------------------------------------------- */

static void
on_find_fork (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Follow *f = user_data;
  GError *error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (f->connection, result, &error);
  if (reply == NULL && !f->detached && is_not_found (error))
    {
      /* The node does not know the block: scan its whole chain, as Core does
       * when nothing of a wallet's locator is found. */
      int height;
      UmkUint256 hash;
      umk_wallet_get_last_block (f->wallet, &height, &hash);
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&hash, hex);
      umk_log_warning ("[%s] The node does not know the last processed block %s (height %d); "
                       "scanning its chain from the genesis block",
                       wallet_label (f), hex, height);
      g_clear_error (&error);
      umk_wallet_set_last_block (f->wallet, -1, NULL, UMK_WALLET_WRITE_NEVER);
      f->changed = TRUE;
      step_tip (f);
    }
  else if (reply == NULL || f->detached)
    {
      if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          g_prefix_error (&error, "Chain1.FindFork: ");
        }
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The wallet was unloaded");
      sync_done (f, error);
    }
  else
    {
      gint32 fork_height;
      const char *fork_hex;
      UmkUint256 fork_hash;
      g_variant_get (reply, "(i&s)", &fork_height, &fork_hex);
      int height;
      umk_wallet_get_last_block (f->wallet, &height, NULL);
      if (fork_height < 0 || fork_height > height || !umk_uint256_from_hex (&fork_hash, fork_hex))
        sync_done (f, g_error_new (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                   "Chain1.FindFork: the node answered a fork at height %d above "
                                   "the block at height %d",
                                   fork_height, height));
      else
        {
          if (fork_height < height)
            {
              /* The chain was reorganised below the wallet's block: go back to
               * where the wallet's chain and the active one meet. */
              UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "[%s] rewinding from height %d to the fork at %d",
                             wallet_label (f), height, fork_height);
              umk_wallet_set_last_block (f->wallet, fork_height, &fork_hash, UMK_WALLET_WRITE_NOW);
              f->changed = TRUE;
            }
          step_tip (f);
        }
    }
  follow_unref (f);
}

static void
find_fork (Follow *f)
{
  UmkUint256 hash;
  int height;
  umk_wallet_get_last_block (f->wallet, &height, &hash);
  if (height < 0)
    {
      step_tip (f);
      return;
    }
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&hash, hex);
  call_chain (f, "FindFork", g_variant_new ("(s)", hex), "(is)", on_find_fork);
}

/* ---- The tip --------------------------------------------------------------------- */

static void
on_tip (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Follow *f = user_data;
  g_autoptr (GVariant) reply = call_finish (f, result, "GetTip");
  if (reply)
    {
      gint32 tip_height;
      const char *tip_hex;
      gboolean ibd;
      g_variant_get (reply, "(i&sb)", &tip_height, &tip_hex, &ibd);
      int height;
      UmkUint256 hash;
      umk_wallet_get_last_block (f->wallet, &height, &hash);
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&hash, hex);
      if (tip_height == height && strcmp (tip_hex, hex) == 0)
        sync_done (f, NULL);
      else if (tip_height <= height)
        {
          /* Not ahead yet not our block: the chain changed under us. */
          if (restart (f))
            find_fork (f);
        }
      else
        {
          f->target_height = tip_height;
          if (f->scan_from < -1)
            f->scan_from = height;
          umk_wallet_set_scanning (f->wallet, TRUE, 0.0);
          fetch_next (f);
        }
    }
  follow_unref (f);
}

static void
step_tip (Follow *f)
{
  call_chain (f, "GetTip", NULL, "(isb)", on_tip);
}

/* ---- The blocks ------------------------------------------------------------------ */

static void
on_block (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Follow *f = user_data;
  g_autoptr (GVariant) reply = call_finish (f, result, "GetBlock");
  if (reply)
    {
      g_autoptr (GVariant) bytes_v = g_variant_get_child_value (reply, 0);
      gint32 block_height;
      g_variant_get_child (reply, 1, "i", &block_height);
      g_autoptr (GBytes) bytes = g_variant_get_data_as_bytes (bytes_v);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
      int height;
      UmkUint256 hash;
      umk_wallet_get_last_block (f->wallet, &height, &hash);
      if (block == NULL)
        sync_done (f, g_error_new (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                   "Chain1.GetBlock: the node sent a malformed block at height "
                                   "%d: %s",
                                   height + 1, error->message));
      else if (block_height != height + 1)
        {
          /* The hash we asked for left the chain at that height meanwhile. */
          if (restart (f))
            find_fork (f);
        }
      else if (!umk_uint256_equal (&block->header.prev_block, &hash))
        {
          if (restart (f))
            find_fork (f);
        }
      else
        {
          umk_wallet_block_connected (f->wallet, block_height, block, UMK_WALLET_WRITE_PERIODIC);
          f->changed = TRUE;
          int span = f->target_height - f->scan_from;
          umk_wallet_set_scanning (f->wallet, TRUE,
                                   span > 0 ? (double) (block_height - f->scan_from) / span : 1.0);
          if (block_height < f->target_height)
            fetch_next (f);
          else
            step_tip (f);
        }
    }
  follow_unref (f);
}

static void
on_block_hash (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Follow *f = user_data;
  GError *error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_finish (f->connection, result, &error);
  if (reply == NULL && !f->detached && is_not_found (error))
    {
      /* The tip went down since GetTip. */
      g_clear_error (&error);
      if (restart (f))
        find_fork (f);
    }
  else if (reply == NULL || f->detached)
    {
      if (reply == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          g_prefix_error (&error, "Chain1.GetBlockHash: ");
        }
      if (error == NULL)
        error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "The wallet was unloaded");
      sync_done (f, error);
    }
  else
    {
      const char *hex;
      g_variant_get (reply, "(&s)", &hex);
      call_chain (f, "GetBlock", g_variant_new ("(s)", hex), "(ayi)", on_block);
    }
  follow_unref (f);
}

static void
fetch_next (Follow *f)
{
  int height;
  umk_wallet_get_last_block (f->wallet, &height, NULL);
  call_chain (f, "GetBlockHash", g_variant_new ("(i)", height + 1), "(s)", on_block_hash);
}

static void
sync_begin (Follow *f)
{
  if (f->detached)
    return;
  if (f->syncing)
    {
      f->again = TRUE;
      return;
    }
  f->syncing = TRUE;
  f->again = FALSE;
  f->changed = FALSE;
  f->restarts = 0;
  f->scan_from = -2;
  int height;
  umk_wallet_get_last_block (f->wallet, &height, NULL);
  /* A new wallet, or one that never processed a block (made while no node
   * was reachable), was born after the blocks there are: nothing in them can
   * be its own, so it starts at the tip. */
  if (height < 0 || f->new_wallet)
    call_chain (f, "GetTip", NULL, "(isb)", on_tip_for_new);
  else
    find_fork (f);
  f->new_wallet = FALSE;
}

/* ---- Signals ----------------------------------------------------------------------- */

static Follow *
find_follow (UmkChainClient *self, UmkWallet *wallet, guint *index)
{
  for (guint i = 0; i < self->follows->len; i++)
    {
      Follow *f = g_ptr_array_index (self->follows, i);
      if (f->wallet == wallet)
        {
          if (index)
            *index = i;
          return f;
        }
    }
  return NULL;
}

/* The block of a BlockConnected/BlockDisconnected, parsed and checked
 * against the hash the signal names; NULL (logged) when it is not. */
static UmkBlock *
signal_block (GVariant *params, const char *member, const char **hash_hex, gint32 *height)
{
  g_autoptr (GVariant) bytes_v = g_variant_get_child_value (params, 2);
  g_variant_get_child (params, 0, "&s", hash_hex);
  g_variant_get_child (params, 1, "i", height);
  g_autoptr (GBytes) bytes = g_variant_get_data_as_bytes (bytes_v);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
  if (block == NULL)
    {
      umk_log_warning ("Chain1.%s: malformed block %s at height %d: %s", member, *hash_hex, *height,
                       error->message);
      return NULL;
    }
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&block->hash, hex);
  if (strcmp (hex, *hash_hex) != 0 || *height < 0)
    {
      umk_log_warning ("Chain1.%s: the block sent as %s at height %d is %s", member, *hash_hex,
                       *height, hex);
      return NULL;
    }
  return g_steal_pointer (&block);
}

static void
on_block_connected (UmkChainClient *self, GVariant *params)
{
  const char *hash_hex;
  gint32 height;
  g_autoptr (UmkBlock) block = signal_block (params, "BlockConnected", &hash_hex, &height);
  for (guint i = 0; i < self->follows->len; i++)
    {
      Follow *f = g_ptr_array_index (self->follows, i);
      if (f->syncing)
        {
          f->again = TRUE;
          continue;
        }
      int last;
      UmkUint256 last_hash;
      umk_wallet_get_last_block (f->wallet, &last, &last_hash);
      if (block && height == last + 1 && umk_uint256_equal (&block->header.prev_block, &last_hash))
        {
          umk_wallet_block_connected (f->wallet, height, block, UMK_WALLET_WRITE_PERIODIC);
          umk_wallet_emit_block_processed (f->wallet);
        }
      else if (block && height == last && umk_uint256_equal (&block->hash, &last_hash))
        ; /* already processed (a catch-up reached it first) */
      else
        sync_begin (f);
    }
}

static void
on_block_disconnected (UmkChainClient *self, GVariant *params)
{
  const char *hash_hex;
  gint32 height;
  g_autoptr (UmkBlock) block = signal_block (params, "BlockDisconnected", &hash_hex, &height);
  for (guint i = 0; i < self->follows->len; i++)
    {
      Follow *f = g_ptr_array_index (self->follows, i);
      if (f->syncing)
        {
          f->again = TRUE;
          continue;
        }
      int last;
      UmkUint256 last_hash;
      umk_wallet_get_last_block (f->wallet, &last, &last_hash);
      if (block && height == last && umk_uint256_equal (&block->hash, &last_hash))
        {
          umk_wallet_block_disconnected (f->wallet, height, block);
          umk_wallet_emit_block_processed (f->wallet);
        }
      else if (block && height > last)
        ; /* a block the wallet has not reached */
      else
        sync_begin (f);
    }
}

static void
on_mempool_added (UmkChainClient *self, GVariant *params)
{
  const char *txid;
  g_autoptr (GVariant) tx_v = NULL;
  g_variant_get (params, "(&s@ay)", &txid, &tx_v);
  self->mempool_added++;
  if (!umk_log_will_log (UMK_LOG_WALLETDB, UMK_LOG_LEVEL_DEBUG))
    return;
  /* Parsed for the log only: an empty wallet has nothing to match. */
  g_autoptr (GBytes) bytes = g_variant_get_data_as_bytes (tx_v);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkTx) tx = umk_tx_new_from_bytes (bytes, &error);
  if (tx == NULL)
    UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "mempool: malformed transaction %s: %s", txid, error->message);
  else
    UMK_LOG_DEBUG (UMK_LOG_WALLETDB,
                   "mempool: added %s (%u inputs, %u outputs; %" G_GUINT64_FORMAT
                   " added, %" G_GUINT64_FORMAT " removed so far)",
                   txid, tx->n_in, tx->n_out, self->mempool_added, self->mempool_removed);
}

static void
on_mempool_removed (UmkChainClient *self, GVariant *params)
{
  const char *txid, *reason;
  g_variant_get (params, "(&s&s)", &txid, &reason);
  self->mempool_removed++;
  UMK_LOG_DEBUG (UMK_LOG_WALLETDB,
                 "mempool: removed %s (%s; %" G_GUINT64_FORMAT " added, %" G_GUINT64_FORMAT
                 " removed so far)",
                 txid, reason, self->mempool_added, self->mempool_removed);
}

static void
on_signal (GDBusConnection *connection, const char *sender, const char *path, const char *interface,
           const char *member, GVariant *params, gpointer user_data)
{
  (void) connection, (void) sender, (void) path, (void) interface;
  UmkChainClient *self = user_data;
  /* Keep the client alive even if a handler ends the last reference. */
  g_autoptr (UmkChainClient) hold = g_object_ref (self);
  if (strcmp (member, "BlockConnected") == 0
      && g_variant_is_of_type (params, G_VARIANT_TYPE ("(siay)")))
    on_block_connected (self, params);
  else if (strcmp (member, "BlockDisconnected") == 0
           && g_variant_is_of_type (params, G_VARIANT_TYPE ("(siay)")))
    on_block_disconnected (self, params);
  else if (strcmp (member, "TransactionAddedToMempool") == 0
           && g_variant_is_of_type (params, G_VARIANT_TYPE ("(say)")))
    on_mempool_added (self, params);
  else if (strcmp (member, "TransactionRemovedFromMempool") == 0
           && g_variant_is_of_type (params, G_VARIANT_TYPE ("(ss)")))
    on_mempool_removed (self, params);
  else
    UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "Chain1: ignoring signal %s%s", member,
                   g_variant_get_type_string (params));
}

/* ---- The object ---------------------------------------------------------------------- */

static void
umk_chain_client_dispose (GObject *object)
{
  UmkChainClient *self = UMK_CHAIN_CLIENT (object);
  while (self->follows && self->follows->len > 0)
    {
      Follow *f = g_ptr_array_index (self->follows, self->follows->len - 1);
      umk_chain_client_detach (self, f->wallet);
    }
  if (self->subscription)
    {
      g_dbus_connection_signal_unsubscribe (self->connection, self->subscription);
      self->subscription = 0;
    }
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (umk_chain_client_parent_class)->dispose (object);
}

static void
umk_chain_client_finalize (GObject *object)
{
  UmkChainClient *self = UMK_CHAIN_CLIENT (object);
  g_clear_pointer (&self->follows, g_ptr_array_unref);
  G_OBJECT_CLASS (umk_chain_client_parent_class)->finalize (object);
}

static void
umk_chain_client_class_init (UmkChainClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_chain_client_dispose;
  object_class->finalize = umk_chain_client_finalize;
}

static void
umk_chain_client_init (UmkChainClient *self)
{
  self->follows = g_ptr_array_new ();
}

UmkChainClient *
umk_chain_client_new (GDBusConnection *connection)
{
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  /* The org.umkoin.Error names must be known before the first reply. */
  (void) UMK_IPC_ERROR;
  UmkChainClient *self = g_object_new (UMK_TYPE_CHAIN_CLIENT, NULL);
  self->connection = g_object_ref (connection);
  /* A peer-to-peer connection has no bus names: no sender filter. */
  self->subscription = g_dbus_connection_signal_subscribe (
      connection, NULL, CHAIN1_INTERFACE, NULL, UMK_IPC_CHAIN_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_signal, self, NULL);
  return self;
}

GDBusConnection *
umk_chain_client_get_connection (UmkChainClient *self)
{
  g_return_val_if_fail (UMK_IS_CHAIN_CLIENT (self), NULL);
  return self->connection;
}

static void
on_outer_cancelled (GCancellable *outer, gpointer user_data)
{
  (void) outer;
  g_cancellable_cancel (user_data);
}

void
umk_chain_client_attach_async (UmkChainClient *self, UmkWallet *wallet, gboolean new_wallet,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (UMK_IS_CHAIN_CLIENT (self) && UMK_IS_WALLET (wallet));
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, umk_chain_client_attach_async);
  if (find_follow (self, wallet, NULL) != NULL)
    {
      g_task_return_new_error (task, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                               "The wallet is already followed");
      g_object_unref (task);
      return;
    }
  Follow *f = g_new0 (Follow, 1);
  g_atomic_ref_count_init (&f->ref);
  f->client = self;
  f->wallet = g_object_ref (wallet);
  f->cancellable = g_cancellable_new ();
  f->new_wallet = new_wallet;
  f->task = task;
  f->connection = g_object_ref (self->connection);
  if (cancellable)
    g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                           g_object_ref (f->cancellable), g_object_unref);
  g_ptr_array_add (self->follows, f);
  sync_begin (f);
}

gboolean
umk_chain_client_attach_finish (UmkChainClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
umk_chain_client_detach (UmkChainClient *self, UmkWallet *wallet)
{
  g_return_if_fail (UMK_IS_CHAIN_CLIENT (self));
  guint index;
  Follow *f = find_follow (self, wallet, &index);
  if (f == NULL)
    return;
  g_ptr_array_remove_index (self->follows, index);
  f->detached = TRUE;
  /* A call in flight ends in its callback, which sees detached. */
  g_cancellable_cancel (f->cancellable);
  follow_unref (f);
}

gboolean
umk_chain_client_is_attached (UmkChainClient *self, UmkWallet *wallet)
{
  g_return_val_if_fail (UMK_IS_CHAIN_CLIENT (self), FALSE);
  return find_follow (self, wallet, NULL) != NULL;
}

gboolean
umk_chain_client_is_idle (UmkChainClient *self)
{
  g_return_val_if_fail (UMK_IS_CHAIN_CLIENT (self), TRUE);
  for (guint i = 0; i < self->follows->len; i++)
    if (((Follow *) g_ptr_array_index (self->follows, i))->syncing)
      return FALSE;
  return TRUE;
}

void
umk_chain_client_get_mempool_counts (UmkChainClient *self, guint64 *added, guint64 *removed)
{
  g_return_if_fail (UMK_IS_CHAIN_CLIENT (self));
  if (added)
    *added = self->mempool_added;
  if (removed)
    *removed = self->mempool_removed;
}
