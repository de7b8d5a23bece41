/* wallet-loader.c — UmkWalletLoaderService: loaded wallets, their lifecycle
 * and org.umkoin.WalletLoader1 on every connection. */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/wallet-loader.h"

#include "common/ipc.h"
#include "common/logging.h"
#include "common/value.h"
#include "wallet/wallet-rpc.h"

#include <gio/gunixfdlist.h>
#include <string.h>
#include <sys/stat.h>

/* Deepest folder listwalletdir descends into. */
#define MAX_SCAN_DEPTH 32

typedef struct
{
  GDBusConnection *connection;
  gulong closed_id;
} Connection;

struct _UmkWalletLoaderService
{
  GObject parent_instance;
  char *walletdir;
  UmkArgs *args; /* not owned: the program's, which outlives us */
  UmkChainClient *chain;
  UmkWalletLoader1 *skeleton;
  GPtrArray *connections; /* Connection* */
  GPtrArray *wallets;     /* UmkWallet*, in load order */
  GHashTable *loading;    /* names being created or loaded */
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (UmkWalletLoaderService, umk_wallet_loader_service, G_TYPE_OBJECT)

/* ---- Connections ---------------------------------------------------------------------- */

static void
connection_free (UmkWalletLoaderService *self, Connection *c)
{
  g_signal_handler_disconnect (c->connection, c->closed_id);
  GDBusInterfaceSkeleton *skeleton = G_DBUS_INTERFACE_SKELETON (self->skeleton);
  if (g_dbus_interface_skeleton_has_connection (skeleton, c->connection))
    g_dbus_interface_skeleton_unexport_from_connection (skeleton, c->connection);
  for (guint i = 0; i < self->wallets->len; i++)
    umk_wallet_unexport (g_ptr_array_index (self->wallets, i), c->connection);
  g_object_unref (c->connection);
  g_free (c);
}

static void
on_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                      gpointer user_data)
{
  (void) remote_peer_vanished, (void) error;
  UmkWalletLoaderService *self = user_data;
  for (guint i = 0; i < self->connections->len; i++)
    {
      Connection *c = g_ptr_array_index (self->connections, i);
      if (c->connection == connection)
        {
          g_ptr_array_remove_index (self->connections, i);
          connection_free (self, c);
          UMK_LOG_DEBUG (UMK_LOG_IPC,
                         "ipc: wallet objects removed from a closed connection "
                         "(%u left)",
                         self->connections->len);
          return;
        }
    }
}

gboolean
umk_wallet_loader_service_add_connection (UmkWalletLoaderService *self, GDBusConnection *connection,
                                          GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  if (g_dbus_connection_is_closed (connection))
    {
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE, "The connection is closed");
      return FALSE;
    }
  if (!g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton), connection,
                                         UMK_IPC_WALLET_LOADER_PATH, error))
    return FALSE;
  for (guint i = 0; i < self->wallets->len; i++)
    if (!umk_wallet_export (g_ptr_array_index (self->wallets, i), connection, error))
      {
        for (guint j = 0; j < i; j++)
          umk_wallet_unexport (g_ptr_array_index (self->wallets, j), connection);
        g_dbus_interface_skeleton_unexport_from_connection (
            G_DBUS_INTERFACE_SKELETON (self->skeleton), connection);
        return FALSE;
      }
  Connection *c = g_new0 (Connection, 1);
  c->connection = g_object_ref (connection);
  c->closed_id = g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed), self);
  g_ptr_array_add (self->connections, c);
  g_dbus_connection_start_message_processing (connection);
  return TRUE;
}

guint
umk_wallet_loader_service_get_n_connections (UmkWalletLoaderService *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), 0);
  return self->connections->len;
}

/* ---- Names and paths ------------------------------------------------------------------- */

char *
umk_wallet_loader_service_wallet_path (UmkWalletLoaderService *self, const char *name,
                                       GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self) && name != NULL, NULL);
  if (name[0] == '\0')
    return g_strdup (self->walletdir);
  gboolean ok = g_utf8_validate (name, -1, NULL);
  gboolean absolute = name[0] == '/';
  /* A trailing '/' is allowed (Core's own example loads "/path/to/walletname/"). */
  g_autofree char *trimmed = g_strdup (name);
  for (gsize n = strlen (trimmed); n > 0 && trimmed[n - 1] == '/'; n--)
    trimmed[n - 1] = '\0';
  g_auto (GStrv) parts = g_strsplit (absolute ? trimmed + 1 : trimmed, "/", -1);
  if (trimmed[0] == '\0' || (absolute && trimmed[1] == '\0'))
    ok = FALSE; /* nothing but slashes */
  for (guint i = 0; ok && parts[i]; i++)
    if (parts[i][0] == '\0' || strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
      ok = FALSE;
  if (!ok)
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                   "Invalid wallet name '%s'. A wallet name is a folder below the wallet "
                   "directory, or an absolute path; '.', '..' and empty path components are "
                   "not allowed",
                   name);
      return NULL;
    }
  return absolute ? g_steal_pointer (&trimmed) : g_build_filename (self->walletdir, trimmed, NULL);
}

/* Core's GetWalletPath: the path must be a folder, a symbolic link to one, or
 * not exist yet. Returns: the path, or NULL with the error. */
static char *
usable_wallet_path (UmkWalletLoaderService *self, const char *name, GError **error)
{
  g_autofree char *path = umk_wallet_loader_service_wallet_path (self, name, error);
  if (path == NULL)
    return NULL;
  struct stat st;
  if (stat (path, &st) == 0 && !S_ISDIR (st.st_mode))
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                   "Invalid -wallet path '%s'. -wallet path should point to a directory where "
                   "the wallet's files can be stored, or a location where such a directory "
                   "could be created (wallet directory \"%s\")",
                   name, self->walletdir);
      return NULL;
    }
  return g_steal_pointer (&path);
}

/* ---- The wallet directory --------------------------------------------------------------- */

static void
scan_dir (const char *path, const char *rel, int depth, GPtrArray *out)
{
  GError *error = NULL;
  GDir *dir = g_dir_open (path, 0, &error);
  if (dir == NULL)
    {
      umk_log_warning ("Error scanning directory entries under %s: %s", path, error->message);
      g_error_free (error);
      return;
    }
  const char *entry;
  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *full = g_build_filename (path, entry, NULL);
      g_autofree char *name = rel[0] ? g_build_filename (rel, entry, NULL) : g_strdup (entry);
      struct stat st;
      if (lstat (full, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        {
          if (umk_wallet_store_exists (full))
            g_ptr_array_add (out, g_strdup (name));
          if (depth < MAX_SCAN_DEPTH)
            scan_dir (full, name, depth + 1, out);
        }
      else if (S_ISLNK (st.st_mode) && stat (full, &st) == 0 && S_ISDIR (st.st_mode)
               && umk_wallet_store_exists (full))
        g_ptr_array_add (out, g_strdup (name)); /* listed, not followed */
    }
  g_dir_close (dir);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char **
umk_wallet_loader_service_list_wallet_dir (UmkWalletLoaderService *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), NULL);
  GPtrArray *out = g_ptr_array_new ();
  if (umk_wallet_store_exists (self->walletdir))
    g_ptr_array_add (out, g_strdup (""));
  scan_dir (self->walletdir, "", 0, out);
  g_ptr_array_sort (out, compare_names);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* ---- settings.json's "wallet" list --------------------------------------------------------- */

/* Core's AddWalletSetting / RemoveWalletSetting. The file is read again first:
 * the node may have written it since we started. Returns: FALSE when the
 * setting could not be written. */
static gboolean
change_startup_setting (UmkWalletLoaderService *self, const char *name, gboolean add)
{
  if (self->args == NULL || !umk_args_get_settings_path (self->args, FALSE, FALSE, NULL))
    return FALSE;
  g_autoptr (GError) error = NULL;
  if (!umk_args_read_settings_file (self->args, &error))
    {
      umk_log_warning ("%s", error->message);
      return FALSE;
    }
  g_autofree char *json = umk_args_get_rw_setting_json (self->args, "wallet");
  g_autoptr (UmkValue) old = json ? umk_value_read (json, strlen (json)) : NULL;
  gboolean was_array = old && umk_value_type (old) == UMK_VALUE_ARRAY;
  g_autoptr (UmkValue) list = umk_value_new_array ();
  gboolean found = FALSE;
  for (gsize i = 0; was_array && i < umk_value_size (old); i++)
    {
      const UmkValue *v = umk_value_at (old, i);
      gboolean same = umk_value_type (v) == UMK_VALUE_STRING
                      && umk_value_val_gstring (v)->len == strlen (name)
                      && strcmp (umk_value_val_str (v), name) == 0;
      found |= same;
      if (!(same && !add))
        umk_value_append (list, umk_value_copy (v));
    }
  if (add && found)
    return TRUE;
  if (!add && !found)
    return TRUE;
  if (add)
    umk_value_append (list, umk_value_new_string (name));
  g_autofree char *text = umk_value_to_string (list, 0);
  if (!umk_args_set_rw_setting_json (self->args, "wallet", text, &error)
      || !umk_args_write_settings_file (self->args, FALSE, &error))
    {
      umk_log_warning ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
update_startup_setting (UmkWalletLoaderService *self, const char *name, int load_on_startup,
                        GPtrArray *warnings)
{
  if (load_on_startup < 0)
    return;
  if (load_on_startup && !change_startup_setting (self, name, TRUE))
    g_ptr_array_add (warnings,
                     g_strdup ("Wallet load on startup setting could not be updated, so wallet "
                               "may not be loaded next node startup."));
  else if (!load_on_startup && !change_startup_setting (self, name, FALSE))
    g_ptr_array_add (warnings,
                     g_strdup ("Wallet load on startup setting could not be updated, so wallet "
                               "may still be loaded next node startup."));
}

/* ---- Creating and loading ------------------------------------------------------------------- */

typedef struct
{
  char *name;
  UmkWallet *wallet;
  GPtrArray *warnings; /* char* */
  int load_on_startup;
  gboolean create;
  gint64 start_us;
} LoadOp;

static void
load_op_free (LoadOp *op)
{
  g_free (op->name);
  g_clear_object (&op->wallet);
  g_ptr_array_unref (op->warnings);
  g_free (op);
}

static GTask *
load_task_new (UmkWalletLoaderService *self, const char *name, int load_on_startup, gboolean create,
               gpointer source_tag, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  LoadOp *op = g_new0 (LoadOp, 1);
  op->name = g_strdup (name);
  op->warnings = g_ptr_array_new_with_free_func (g_free);
  op->load_on_startup = load_on_startup;
  op->create = create;
  op->start_us = g_get_monotonic_time ();
  g_task_set_task_data (task, op, (GDestroyNotify) load_op_free);
  return task;
}

static void
task_fail (GTask *task, GError *error)
{
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* Fails the task and returns from the (void) caller. */
#define TASK_FAIL(task, error) \
  G_STMT_START                 \
  {                            \
    task_fail (task, error);   \
    return;                    \
  }                            \
  G_STMT_END

/* Puts Core's stage in front of a message ("Wallet file verification
 * failed. …") keeping the code. */
static GError *
staged_error (GError *error, const char *stage)
{
  g_prefix_error (&error, "%s ", stage);
  return error;
}

static gboolean on_wallet_execute_rpc (UmkWallet1 *skeleton, GDBusMethodInvocation *invocation,
                                       const char *method, const char *params, gpointer user_data);

static void
finish_load (GTask *task, GError *error)
{
  UmkWalletLoaderService *self = g_task_get_source_object (task);
  LoadOp *op = g_task_get_task_data (task);
  g_hash_table_remove (self->loading, op->name);
  if (error)
    {
      umk_wallet_close (op->wallet, NULL);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GError *wrapped = g_error_new (
              UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
              "%s Failed to rescan the wallet during initialization: %s",
              op->create ? "Wallet creation failed." : "Wallet loading failed.", error->message);
          g_error_free (error);
          error = wrapped;
        }
      task_fail (task, error);
      return;
    }

  UmkWallet *wallet = op->wallet;
  g_ptr_array_add (self->wallets, g_object_ref (wallet));
  g_signal_connect_object (umk_wallet_get_skeleton (wallet), "handle-execute-rpc",
                           G_CALLBACK (on_wallet_execute_rpc), self, 0);
  for (guint i = 0; i < self->connections->len; i++)
    {
      Connection *c = g_ptr_array_index (self->connections, i);
      g_autoptr (GError) export_error = NULL;
      if (!umk_wallet_export (wallet, c->connection, &export_error))
        umk_log_warning ("Cannot serve wallet %s on a connection: %s", op->name,
                         export_error->message);
    }
  update_startup_setting (self, op->name, op->load_on_startup, op->warnings);
  int height;
  umk_wallet_get_last_block (wallet, &height, NULL);
  umk_log_info ("Wallet \"%s\" %s in %" G_GINT64_FORMAT " ms (%s; last processed block at height "
                "%d)",
                op->name, op->create ? "created" : "loaded",
                (g_get_monotonic_time () - op->start_us) / 1000,
                umk_wallet_store_get_dir (umk_wallet_get_store (wallet)), height);
  umk_wallet_loader1_emit_wallet_loaded (self->skeleton, op->name,
                                         umk_wallet_get_object_path (wallet));
  g_task_return_pointer (task, wallet, NULL);
  g_object_unref (task);
}

static void
on_attached (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  if (!umk_chain_client_attach_finish (UMK_CHAIN_CLIENT (source), result, &error))
    finish_load (task, error);
  else
    finish_load (task, NULL);
}

/* The wallet is open: catch it up with the chain, then it is loaded. */
static void
attach (GTask *task)
{
  UmkWalletLoaderService *self = g_task_get_source_object (task);
  LoadOp *op = g_task_get_task_data (task);
  g_hash_table_add (self->loading, g_strdup (op->name));
  if (self->chain)
    umk_chain_client_attach_async (self->chain, op->wallet, op->create, self->cancellable,
                                   on_attached, task);
  else
    finish_load (task, NULL);
}

static gboolean
check_loading (UmkWalletLoaderService *self, const char *name, GError **error)
{
  if (!g_hash_table_contains (self->loading, name))
    return TRUE;
  g_set_error_literal (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Wallet already loading.");
  return FALSE;
}

void
umk_wallet_loader_service_create_async (UmkWalletLoaderService *self, const char *name,
                                        const UmkWalletCreateOptions *options,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self) && name != NULL && options != NULL);
  GTask *task = load_task_new (self, name, options->load_on_startup, TRUE,
                               umk_wallet_loader_service_create_async, callback, user_data);
  LoadOp *op = g_task_get_task_data (task);
  guint64 flags = options->flags | UMK_WALLET_FLAG_DESCRIPTORS;
  const char *passphrase = options->passphrase;

  if (passphrase && passphrase[0] == '\0')
    g_ptr_array_add (op->warnings,
                     g_strdup ("Empty string given as passphrase, wallet will not be encrypted."));
  /* Core's checks, in Core's order. */
  if (name[0] == '\0')
    TASK_FAIL (task, g_error_new_literal (UMK_WALLET_ERROR, UMK_WALLET_ERROR_INVALID_PARAMETER,
                                          "Wallet name cannot be empty"));
  if (flags & UMK_WALLET_FLAG_EXTERNAL_SIGNER)
    TASK_FAIL (task, g_error_new_literal (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                          "Compiled without external signing support (required for "
                                          "external signing)"));
  if (passphrase && passphrase[0] && (flags & UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS))
    return task_fail (task,
                      g_error_new_literal (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                           "Passphrase provided but private keys are disabled. A "
                                           "passphrase is only used to encrypt private keys, so "
                                           "cannot be used for wallets with private keys "
                                           "disabled."));
  /* Ours: an encrypted wallet needs keys to encrypt, which come next. */
  if (passphrase && passphrase[0])
    TASK_FAIL (task,
               g_error_new_literal (UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                                    "Wallet encryption is not supported yet: umkoin-wallet has no "
                                    "keys to encrypt. Create the wallet without a passphrase."));
  GError *error = NULL;
  if (!check_loading (self, name, &error))
    TASK_FAIL (task, error);
  g_autofree char *path = usable_wallet_path (self, name, &error);
  if (path == NULL)
    TASK_FAIL (task, staged_error (error, "Wallet file verification failed."));
  UmkWalletStore *store
      = umk_wallet_store_create (path, flags, g_get_real_time () / G_USEC_PER_SEC, &error);
  if (store == NULL)
    {
      /* Core answers every failure to make the database, an existing one
       * included, with RPC_WALLET_ERROR (its CreateWallet sets
       * FAILED_VERIFY). */
      gboolean exists = error->code == UMK_WALLET_ERROR_ALREADY_EXISTS;
      error->code = UMK_WALLET_ERROR_FAILED;
      TASK_FAIL (task, staged_error (error, exists ? "Wallet file verification failed."
                                                   : "Wallet creation failed."));
    }
  op->wallet = umk_wallet_new (name, store);
  attach (task);
}

UmkWallet *
umk_wallet_loader_service_create_finish (UmkWalletLoaderService *self, GAsyncResult *result,
                                         char ***warnings, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  LoadOp *op = g_task_get_task_data (G_TASK (result));
  if (warnings)
    {
      *warnings = g_new0 (char *, op->warnings->len + 1);
      for (guint i = 0; i < op->warnings->len; i++)
        (*warnings)[i] = g_strdup (g_ptr_array_index (op->warnings, i));
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
umk_wallet_loader_service_load_async (UmkWalletLoaderService *self, const char *name,
                                      int load_on_startup, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self) && name != NULL);
  GTask *task = load_task_new (self, name, load_on_startup, FALSE,
                               umk_wallet_loader_service_load_async, callback, user_data);
  LoadOp *op = g_task_get_task_data (task);
  if (umk_wallet_loader_service_get_wallet (self, name) != NULL)
    TASK_FAIL (task, g_error_new (UMK_WALLET_ERROR, UMK_WALLET_ERROR_ALREADY_LOADED,
                                  "Wallet \"%s\" is already loaded.", name));
  GError *error = NULL;
  if (!check_loading (self, name, &error))
    TASK_FAIL (task, error);
  g_autofree char *path = usable_wallet_path (self, name, &error);
  if (path == NULL)
    TASK_FAIL (task, staged_error (error, "Wallet file verification failed."));
  UmkWalletStore *store = umk_wallet_store_open (path, &error);
  if (store == NULL)
    {
      /* The store words a problem with the records it read "Error loading
       * …": Core reports those at the loading stage, the rest (no wallet
       * there, a lock, a file LMDB refuses) at verification. */
      gboolean records = g_str_has_prefix (error->message, "Error loading ");
      TASK_FAIL (task, staged_error (error, records ? "Wallet loading failed."
                                                    : "Wallet file verification failed."));
    }
  op->wallet = umk_wallet_new (name, store);
  attach (task);
}

UmkWallet *
umk_wallet_loader_service_load_finish (UmkWalletLoaderService *self, GAsyncResult *result,
                                       char ***warnings, GError **error)
{
  return umk_wallet_loader_service_create_finish (self, result, warnings, error);
}

/* ---- Unloading ------------------------------------------------------------------------------ */

static void
unload_wallet (UmkWalletLoaderService *self, guint index, int load_on_startup, GPtrArray *warnings)
{
  UmkWallet *wallet = g_ptr_array_steal_index (self->wallets, index);
  g_autofree char *name = g_strdup (umk_wallet_get_name (wallet));
  /* Core's order: write the best block, stop the notifications, leave the
   * list, tell the others, then the setting. */
  if (self->chain)
    umk_chain_client_detach (self->chain, wallet);
  umk_wallet_close (wallet, NULL);
  umk_wallet_unexport_all (wallet);
  g_signal_handlers_disconnect_by_data (umk_wallet_get_skeleton (wallet), self);
  umk_wallet_loader1_emit_wallet_unloaded (self->skeleton, name);
  update_startup_setting (self, name, load_on_startup, warnings);
  umk_log_info ("Wallet \"%s\" unloaded", name);
  g_object_unref (wallet);
}

gboolean
umk_wallet_loader_service_unload (UmkWalletLoaderService *self, const char *name,
                                  int load_on_startup, char ***warnings, GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self) && name != NULL, FALSE);
  for (guint i = 0; i < self->wallets->len; i++)
    if (strcmp (umk_wallet_get_name (g_ptr_array_index (self->wallets, i)), name) == 0)
      {
        g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
        unload_wallet (self, i, load_on_startup, list);
        if (warnings)
          {
            g_ptr_array_add (list, NULL);
            *warnings = (char **) g_ptr_array_steal (list, NULL);
          }
        return TRUE;
      }
  g_set_error_literal (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_NOT_FOUND,
                       "Requested wallet does not exist or is not loaded");
  return FALSE;
}

void
umk_wallet_loader_service_unload_all (UmkWalletLoaderService *self)
{
  g_return_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self));
  g_cancellable_cancel (self->cancellable);
  g_autoptr (GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  while (self->wallets->len > 0)
    unload_wallet (self, self->wallets->len - 1, -1, warnings);
}

/* ---- Start-up wallets ------------------------------------------------------------------------ */

typedef struct
{
  GStrv names;
  guint next;
  GHashTable *paths; /* seen, for duplicates */
} StartupOp;

static void
startup_op_free (StartupOp *op)
{
  g_strfreev (op->names);
  g_hash_table_unref (op->paths);
  g_free (op);
}

static void startup_next (GTask *task);

static void
on_startup_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;
  g_auto (GStrv) warnings = NULL;
  if (umk_wallet_loader_service_load_finish (UMK_WALLET_LOADER_SERVICE (source), result, &warnings,
                                             &error)
      == NULL)
    {
      task_fail (task, error);
      return;
    }
  for (guint i = 0; warnings && warnings[i]; i++)
    umk_log_warning ("%s", warnings[i]);
  startup_next (task);
}

static void
startup_next (GTask *task)
{
  UmkWalletLoaderService *self = g_task_get_source_object (task);
  StartupOp *op = g_task_get_task_data (task);
  while (op->names[op->next] != NULL)
    {
      const char *name = op->names[op->next++];
      GError *error = NULL;
      g_autofree char *path = usable_wallet_path (self, name, &error);
      if (path == NULL)
        TASK_FAIL (task, error);
      if (!g_hash_table_add (op->paths, g_strdup (path)))
        {
          umk_log_warning ("Ignoring duplicate -wallet %s.", name);
          continue;
        }
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          umk_log_warning ("Skipping -wallet path that doesn't exist. Failed to load database path "
                           "'%s'. Path does not exist.",
                           path);
          continue;
        }
      /* The node shows our start-up steps as its own (Core's initMessage). */
      umk_log_info ("init message: Loading wallet…");
      umk_wallet_loader_service_load_async (self, name, -1, on_startup_loaded, task);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
umk_wallet_loader_service_load_startup_async (UmkWalletLoaderService *self,
                                              const char *const *names,
                                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self));
  GTask *task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, umk_wallet_loader_service_load_startup_async);
  StartupOp *op = g_new0 (StartupOp, 1);
  if (names != NULL)
    op->names = g_strdupv ((char **) names);
  else if (umk_wallet_store_exists (self->walletdir))
    {
      /* Core loads an unnamed wallet in the wallet directory by default. */
      const char *const unnamed[] = { "", NULL };
      op->names = g_strdupv ((char **) unnamed);
    }
  else
    op->names = g_new0 (char *, 1);
  op->paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, op, (GDestroyNotify) startup_op_free);
  startup_next (task);
}

gboolean
umk_wallet_loader_service_load_startup_finish (UmkWalletLoaderService *self, GAsyncResult *result,
                                               GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- org.umkoin.WalletLoader1 ------------------------------------------------------------------
 */

/* A wallet error as the org.umkoin.Error a D-Bus caller gets. */
static void
return_wallet_error (GDBusMethodInvocation *invocation, const GError *error)
{
  UmkIpcError code = UMK_IPC_ERROR_FAILED;
  if (error->domain == UMK_WALLET_ERROR && error->code == UMK_WALLET_ERROR_NOT_FOUND)
    code = UMK_IPC_ERROR_NOT_FOUND;
  else if (error->domain == UMK_WALLET_ERROR && error->code == UMK_WALLET_ERROR_INVALID_PARAMETER)
    code = UMK_IPC_ERROR_INVALID_ARGS;
  g_dbus_method_invocation_return_error_literal (invocation, UMK_IPC_ERROR, code, error->message);
}

/* Reads the a{sv} options of CreateWallet/LoadWallet/UnloadWallet: every key
 * must be one of allowed (booleans). Returns: FALSE after answering the call. */
static gboolean
read_options (GDBusMethodInvocation *invocation, GVariant *options, const char *const *allowed,
              GHashTable *out)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      if (!g_strv_contains (allowed, key))
        {
          g_dbus_method_invocation_return_error (
              invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS, "Unknown option \"%s\"", key);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
        {
          g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR,
                                                 UMK_IPC_ERROR_INVALID_ARGS,
                                                 "Option \"%s\" must be a boolean (b), not %s", key,
                                                 g_variant_get_type_string (value));
          return FALSE;
        }
      g_hash_table_insert (out, g_strdup (key), GINT_TO_POINTER (g_variant_get_boolean (value)));
    }
  return TRUE;
}

static int
option_tristate (GHashTable *options, const char *key)
{
  gpointer value;
  if (!g_hash_table_lookup_extended (options, key, NULL, &value))
    return -1;
  return GPOINTER_TO_INT (value) ? 1 : 0;
}

static GHashTable *
options_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static gboolean
on_list_wallets (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkWalletLoaderService *self = user_data;
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  for (guint i = 0; i < self->wallets->len; i++)
    g_ptr_array_add (names, (gpointer) umk_wallet_get_name (g_ptr_array_index (self->wallets, i)));
  g_ptr_array_add (names, NULL);
  umk_wallet_loader1_complete_list_wallets (skeleton, invocation,
                                            (const char *const *) names->pdata);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_list_wallet_dir (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation,
                    gpointer user_data)
{
  UmkWalletLoaderService *self = user_data;
  g_auto (GStrv) names = umk_wallet_loader_service_list_wallet_dir (self);
  umk_wallet_loader1_complete_list_wallet_dir (skeleton, invocation, (const char *const *) names);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_dbus_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UmkWalletLoaderService *self = UMK_WALLET_LOADER_SERVICE (source);
  GDBusMethodInvocation *invocation = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;
  UmkWallet *wallet = umk_wallet_loader_service_load_finish (self, result, &warnings, &error);
  if (wallet == NULL)
    return_wallet_error (invocation, error);
  else if (g_task_get_source_tag (G_TASK (result)) == umk_wallet_loader_service_create_async)
    umk_wallet_loader1_complete_create_wallet (self->skeleton, invocation,
                                               umk_wallet_get_object_path (wallet),
                                               (const char *const *) warnings);
  else
    umk_wallet_loader1_complete_load_wallet (self->skeleton, invocation,
                                             umk_wallet_get_object_path (wallet),
                                             (const char *const *) warnings);
}

static gboolean
on_create_wallet (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation, const char *name,
                  GVariant *options, gpointer user_data)
{
  (void) skeleton;
  UmkWalletLoaderService *self = user_data;
  static const char *const allowed[] = { "disable_private_keys", "blank", "load_on_startup", NULL };
  g_autoptr (GHashTable) opts = options_table ();
  if (!read_options (invocation, options, allowed, opts))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  UmkWalletCreateOptions create = { 0, NULL, option_tristate (opts, "load_on_startup") };
  if (option_tristate (opts, "disable_private_keys") == 1)
    create.flags |= UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS;
  if (option_tristate (opts, "blank") == 1)
    create.flags |= UMK_WALLET_FLAG_BLANK;
  umk_wallet_loader_service_create_async (self, name, &create, on_dbus_loaded, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_load_wallet (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation, const char *name,
                GVariant *options, gpointer user_data)
{
  (void) skeleton;
  UmkWalletLoaderService *self = user_data;
  static const char *const allowed[] = { "load_on_startup", NULL };
  g_autoptr (GHashTable) opts = options_table ();
  if (!read_options (invocation, options, allowed, opts))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  umk_wallet_loader_service_load_async (self, name, option_tristate (opts, "load_on_startup"),
                                        on_dbus_loaded, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_unload_wallet (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation, const char *name,
                  GVariant *options, gpointer user_data)
{
  UmkWalletLoaderService *self = user_data;
  static const char *const allowed[] = { "load_on_startup", NULL };
  g_autoptr (GHashTable) opts = options_table ();
  if (!read_options (invocation, options, allowed, opts))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) warnings = NULL;
  if (!umk_wallet_loader_service_unload (self, name, option_tristate (opts, "load_on_startup"),
                                         &warnings, &error))
    return_wallet_error (invocation, error);
  else
    umk_wallet_loader1_complete_unload_wallet (skeleton, invocation,
                                               (const char *const *) warnings);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_rpc_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  GDBusMethodInvocation *invocation = user_data;
  g_autofree char *reply = umk_wallet_rpc_execute_finish (result);
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", reply));
}

static gboolean
on_execute_rpc (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation, const char *method,
                const char *params, gpointer user_data)
{
  (void) skeleton;
  UmkWalletLoaderService *self = user_data;
  umk_wallet_rpc_execute_async (self, NULL, method, params, on_rpc_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_wallet_execute_rpc (UmkWallet1 *skeleton, GDBusMethodInvocation *invocation, const char *method,
                       const char *params, gpointer user_data)
{
  (void) skeleton;
  UmkWalletLoaderService *self = user_data;
  g_autofree char *name
      = umk_ipc_wallet_name_from_path (g_dbus_method_invocation_get_object_path (invocation));
  if (name == NULL)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND, "Not a wallet's object path");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  umk_wallet_rpc_execute_async (self, name, method, params, on_rpc_done, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
on_connection_made (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  UmkWalletLoaderService *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = umk_ipc_connection_new_finish (result, &error);
  if (connection == NULL || !umk_wallet_loader_service_add_connection (self, connection, &error))
    umk_log_warning ("A connection handed over by the node failed: %s", error->message);
  else
    UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: serving the wallets on a connection from the node (%u now)",
                   self->connections->len);
  g_object_unref (self);
}

static gboolean
on_add_connection (UmkWalletLoader1 *skeleton, GDBusMethodInvocation *invocation,
                   GUnixFDList *fd_list, GVariant *handle, gpointer user_data)
{
  UmkWalletLoaderService *self = user_data;
  g_autoptr (GError) error = NULL;
  int fd = umk_ipc_steal_fd (fd_list, handle, &error);
  if (fd < 0)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* Answer before the handshake: the peer gets its end of the socket only
   * once the node has our answer, and the handshake needs the peer. */
  umk_ipc_connection_new_for_fd (fd, TRUE, "gui (from node)", self->cancellable, on_connection_made,
                                 g_object_ref (self));
  umk_wallet_loader1_complete_add_connection (skeleton, invocation, NULL);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* ---- The object
 * ---------------------------------------------------------------------------------- */

static void
umk_wallet_loader_service_dispose (GObject *object)
{
  UmkWalletLoaderService *self = UMK_WALLET_LOADER_SERVICE (object);
  if (self->wallets)
    umk_wallet_loader_service_unload_all (self);
  while (self->connections && self->connections->len > 0)
    connection_free (self, g_ptr_array_steal_index (self->connections, self->connections->len - 1));
  if (self->skeleton)
    {
      if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
        g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
      g_signal_handlers_disconnect_by_data (self->skeleton, self);
    }
  g_clear_object (&self->skeleton);
  g_clear_object (&self->chain);
  G_OBJECT_CLASS (umk_wallet_loader_service_parent_class)->dispose (object);
}

static void
umk_wallet_loader_service_finalize (GObject *object)
{
  UmkWalletLoaderService *self = UMK_WALLET_LOADER_SERVICE (object);
  g_free (self->walletdir);
  g_clear_pointer (&self->connections, g_ptr_array_unref);
  g_clear_pointer (&self->wallets, g_ptr_array_unref);
  g_clear_pointer (&self->loading, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (umk_wallet_loader_service_parent_class)->finalize (object);
}

static void
umk_wallet_loader_service_class_init (UmkWalletLoaderServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_wallet_loader_service_dispose;
  object_class->finalize = umk_wallet_loader_service_finalize;
}

static void
umk_wallet_loader_service_init (UmkWalletLoaderService *self)
{
  self->connections = g_ptr_array_new ();
  self->wallets = g_ptr_array_new_with_free_func (g_object_unref);
  self->loading = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  self->skeleton = umk_wallet_loader1_skeleton_new ();
  g_signal_connect (self->skeleton, "handle-list-wallets", G_CALLBACK (on_list_wallets), self);
  g_signal_connect (self->skeleton, "handle-list-wallet-dir", G_CALLBACK (on_list_wallet_dir),
                    self);
  g_signal_connect (self->skeleton, "handle-create-wallet", G_CALLBACK (on_create_wallet), self);
  g_signal_connect (self->skeleton, "handle-load-wallet", G_CALLBACK (on_load_wallet), self);
  g_signal_connect (self->skeleton, "handle-unload-wallet", G_CALLBACK (on_unload_wallet), self);
  g_signal_connect (self->skeleton, "handle-execute-rpc", G_CALLBACK (on_execute_rpc), self);
  g_signal_connect (self->skeleton, "handle-add-connection", G_CALLBACK (on_add_connection), self);
}

UmkWalletLoaderService *
umk_wallet_loader_service_new (const char *walletdir, UmkArgs *args, UmkChainClient *chain)
{
  g_return_val_if_fail (walletdir != NULL, NULL);
  UmkWalletLoaderService *self = g_object_new (UMK_TYPE_WALLET_LOADER_SERVICE, NULL);
  self->walletdir = g_strdup (walletdir);
  self->args = args;
  self->chain = chain ? g_object_ref (chain) : NULL;
  return self;
}

const char *
umk_wallet_loader_service_get_wallet_dir (UmkWalletLoaderService *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), NULL);
  return self->walletdir;
}

UmkChainClient *
umk_wallet_loader_service_get_chain (UmkWalletLoaderService *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), NULL);
  return self->chain;
}

GPtrArray *
umk_wallet_loader_service_get_wallets (UmkWalletLoaderService *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self), NULL);
  return self->wallets;
}

UmkWallet *
umk_wallet_loader_service_get_wallet (UmkWalletLoaderService *self, const char *name)
{
  g_return_val_if_fail (UMK_IS_WALLET_LOADER_SERVICE (self) && name != NULL, NULL);
  for (guint i = 0; i < self->wallets->len; i++)
    {
      UmkWallet *w = g_ptr_array_index (self->wallets, i);
      if (strcmp (umk_wallet_get_name (w), name) == 0)
        return w;
    }
  return NULL;
}
