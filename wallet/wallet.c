/* wallet.c — UmkWallet: one loaded wallet and its org.umkoin.Wallet1 object. */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/wallet.h"

#include "common/ipc.h"
#include "common/logging.h"

#include <string.h>

struct _UmkWallet
{
  GObject parent_instance;

  char *name;
  char *object_path;
  UmkWalletStore *store; /* NULL once closed */
  guint64 flags;         /* copies of the store's records, valid after close */
  guint32 format;

  UmkWallet1 *skeleton;

  int last_height;
  UmkUint256 last_hash;
  gboolean dirty; /* the position in memory is newer than the stored one */

  gboolean scanning;
  gint64 scan_start_us; /* monotonic */
  double scan_progress;

  gint64 last_emit_us; /* BlockProcessed, monotonic */
  guint emit_source;   /* a BlockProcessed waiting for its turn */
};

G_DEFINE_FINAL_TYPE (UmkWallet, umk_wallet, G_TYPE_OBJECT)

static gboolean
on_get_info (UmkWallet1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkWallet *self = user_data;
  umk_wallet1_complete_get_info (skeleton, invocation, umk_wallet_get_info (self));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
umk_wallet_dispose (GObject *object)
{
  UmkWallet *self = UMK_WALLET (object);
  g_clear_handle_id (&self->emit_source, g_source_remove);
  if (self->skeleton != NULL)
    {
      if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
        g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
      g_signal_handlers_disconnect_by_data (self->skeleton, self);
      g_clear_object (&self->skeleton);
    }
  umk_wallet_close (self, NULL);
  G_OBJECT_CLASS (umk_wallet_parent_class)->dispose (object);
}

static void
umk_wallet_finalize (GObject *object)
{
  UmkWallet *self = UMK_WALLET (object);
  g_free (self->name);
  g_free (self->object_path);
  G_OBJECT_CLASS (umk_wallet_parent_class)->finalize (object);
}

static void
umk_wallet_class_init (UmkWalletClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_wallet_dispose;
  object_class->finalize = umk_wallet_finalize;
}

static void
umk_wallet_init (UmkWallet *self)
{
  self->last_height = -1;
}

UmkWallet *
umk_wallet_new (const char *name, UmkWalletStore *store)
{
  g_return_val_if_fail (name != NULL && store != NULL, NULL);
  UmkWallet *self = g_object_new (UMK_TYPE_WALLET, NULL);
  self->name = g_strdup (name);
  self->object_path = umk_ipc_wallet_object_path (name);
  self->store = store;
  self->flags = umk_wallet_store_get_flags (store);
  self->format = umk_wallet_store_get_format (store);
  umk_wallet_store_get_best_block (store, &self->last_height, &self->last_hash);
  self->skeleton = umk_wallet1_skeleton_new ();
  g_signal_connect (self->skeleton, "handle-get-info", G_CALLBACK (on_get_info), self);
  return self;
}

const char *
umk_wallet_get_name (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), NULL);
  return self->name;
}

const char *
umk_wallet_get_object_path (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), NULL);
  return self->object_path;
}

UmkWalletStore *
umk_wallet_get_store (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), NULL);
  return self->store;
}

guint64
umk_wallet_get_flags (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), 0);
  return self->flags;
}

UmkWallet1 *
umk_wallet_get_skeleton (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), NULL);
  return self->skeleton;
}

gboolean
umk_wallet_export (UmkWallet *self, GDBusConnection *connection, GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), FALSE);
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->skeleton);
  if (g_dbus_interface_skeleton_has_connection (skeleton, connection))
    return TRUE;
  return g_dbus_interface_skeleton_export (skeleton, connection, self->object_path, error);
}

void
umk_wallet_unexport (UmkWallet *self, GDBusConnection *connection)
{
  g_return_if_fail (UMK_IS_WALLET (self));
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->skeleton);
  if (g_dbus_interface_skeleton_has_connection (skeleton, connection))
    g_dbus_interface_skeleton_unexport_from_connection (skeleton, connection);
}

void
umk_wallet_unexport_all (UmkWallet *self)
{
  g_return_if_fail (UMK_IS_WALLET (self));
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->skeleton);
  /* GLib refuses to unexport what is exported nowhere. */
  if (g_dbus_interface_skeleton_get_connection (skeleton) != NULL)
    g_dbus_interface_skeleton_unexport (skeleton);
}

/* ---- Chain position -------------------------------------------------------------- */

void
umk_wallet_get_last_block (UmkWallet *self, int *height, UmkUint256 *hash)
{
  g_return_if_fail (UMK_IS_WALLET (self));
  if (height)
    *height = self->last_height;
  if (hash)
    *hash = self->last_hash;
}

static gboolean
write_position (UmkWallet *self, GError **error)
{
  if (self->store == NULL || !self->dirty)
    return TRUE;
  if (!umk_wallet_store_write_best_block (self->store, self->last_height, &self->last_hash, error))
    return FALSE;
  self->dirty = FALSE;
  return TRUE;
}

void
umk_wallet_set_last_block (UmkWallet *self, int height, const UmkUint256 *hash,
                           UmkWalletWrite write)
{
  g_return_if_fail (UMK_IS_WALLET (self) && height >= -1);
  static const UmkUint256 zero;
  self->last_height = height;
  self->last_hash = height >= 0 ? *hash : zero;
  self->dirty = TRUE;
  if (write == UMK_WALLET_WRITE_NOW
      || (write == UMK_WALLET_WRITE_PERIODIC && height % UMK_WALLET_BEST_BLOCK_WRITE_INTERVAL == 0))
    {
      g_autoptr (GError) error = NULL;
      if (!write_position (self, &error))
        umk_log_warning ("[%s] %s", self->name, error->message);
    }
}

static void
emit_now (UmkWallet *self)
{
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&self->last_hash, hex);
  self->last_emit_us = g_get_monotonic_time ();
  umk_wallet1_emit_block_processed (self->skeleton, self->last_height, hex);
}

static gboolean
on_emit_due (gpointer user_data)
{
  UmkWallet *self = user_data;
  self->emit_source = 0;
  emit_now (self);
  return G_SOURCE_REMOVE;
}

void
umk_wallet_emit_block_processed (UmkWallet *self)
{
  g_return_if_fail (UMK_IS_WALLET (self));
  /* At most one signal per interval, the latest position winning, and the
   * last one always sent: during the node's initial sync a block a
   * millisecond would otherwise flood the GUI (the node coalesces its tip
   * signals the same way). */
  if (self->emit_source != 0)
    return;
  gint64 wait_us = self->last_emit_us + UMK_WALLET_BLOCK_PROCESSED_INTERVAL_MS * 1000
                   - g_get_monotonic_time ();
  if (self->last_emit_us == 0 || wait_us <= 0)
    emit_now (self);
  else
    self->emit_source = g_timeout_add ((guint) (wait_us / 1000) + 1, on_emit_due, self);
}

void
umk_wallet_block_connected (UmkWallet *self, int height, const UmkBlock *block,
                            UmkWalletWrite write)
{
  g_return_if_fail (UMK_IS_WALLET (self) && block != NULL);
  g_return_if_fail (height == self->last_height + 1);
  /* The transactions would be matched against the wallet's scripts here;
   * an empty wallet has none, so nothing in the block is ours. */
  if (umk_log_will_log (UMK_LOG_WALLETDB, UMK_LOG_LEVEL_TRACE))
    {
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&block->hash, hex);
      UMK_LOG_TRACE (UMK_LOG_WALLETDB, "[%s] block %s at height %d: %zu transactions, none ours",
                     self->name, hex, height, block->n_tx);
    }
  umk_wallet_set_last_block (self, height, &block->hash, write);
}

void
umk_wallet_block_disconnected (UmkWallet *self, int height, const UmkBlock *block)
{
  g_return_if_fail (UMK_IS_WALLET (self) && block != NULL);
  g_return_if_fail (height == self->last_height);
  /* The wallet's transactions in the block would go back to unconfirmed here. */
  umk_wallet_set_last_block (self, height - 1, &block->header.prev_block, UMK_WALLET_WRITE_NOW);
}

void
umk_wallet_set_scanning (UmkWallet *self, gboolean scanning, double progress)
{
  g_return_if_fail (UMK_IS_WALLET (self));
  if (scanning && !self->scanning)
    self->scan_start_us = g_get_monotonic_time ();
  self->scanning = scanning;
  self->scan_progress = CLAMP (progress, 0.0, 1.0);
}

gboolean
umk_wallet_get_scanning (UmkWallet *self, gint64 *duration, double *progress)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), FALSE);
  if (duration)
    *duration
        = self->scanning ? (g_get_monotonic_time () - self->scan_start_us) / G_USEC_PER_SEC : 0;
  if (progress)
    *progress = self->scanning ? self->scan_progress : 0.0;
  return self->scanning;
}

/* ---- Description ------------------------------------------------------------------ */

GVariant *
umk_wallet_get_info (UmkWallet *self)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), NULL);
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&self->last_hash, hex);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "name", g_variant_new_string (self->name));
  g_variant_builder_add (&b, "{sv}", "format", g_variant_new_string (UMK_WALLET_STORE_FORMAT_NAME));
  g_variant_builder_add (&b, "{sv}", "version", g_variant_new_int32 ((gint32) self->format));
  g_variant_builder_add (&b, "{sv}", "txcount", g_variant_new_uint32 (0));
  g_variant_builder_add (
      &b, "{sv}", "private_keys_enabled",
      g_variant_new_boolean ((self->flags & UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS) == 0));
  g_variant_builder_add (&b, "{sv}", "blank",
                         g_variant_new_boolean ((self->flags & UMK_WALLET_FLAG_BLANK) != 0));
  g_variant_builder_add (&b, "{sv}", "last_processed_height",
                         g_variant_new_int32 (self->last_height));
  g_variant_builder_add (&b, "{sv}", "last_processed_hash", g_variant_new_string (hex));
  return g_variant_builder_end (&b);
}

gboolean
umk_wallet_close (UmkWallet *self, GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET (self), FALSE);
  if (self->store == NULL)
    return TRUE;
  g_autoptr (GError) local = NULL;
  gboolean ok = write_position (self, &local);
  if (!ok)
    umk_log_warning ("[%s] %s", self->name, local->message);
  g_clear_pointer (&self->store, umk_wallet_store_close);
  if (!ok && error)
    *error = g_steal_pointer (&local);
  return ok;
}
