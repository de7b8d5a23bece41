/* umk-node-client.c — spawning or attaching to umkoin-node, and reaching the
 * wallet process through it (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-node-client.h"

#include "common/ipc-child.h"
#include "common/ipc.h"
#include "common/logging.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* How long a spawned node may take to shut down after Node1.Shutdown before
 * it gets SIGTERM, and after that before SIGKILL. A node flushing a large
 * cache needs a while; one that ignores both is stuck. */
#define SHUTDOWN_GRACE_S  60
#define TERMINATE_GRACE_S 10
/* A spawned node whose connection closed is given this long to exit (and
 * say why) before the window calls it a lost connection. */
#define LOST_GRACE_S 3

struct _UmkNodeClient
{
  GObject parent_instance;

  char *program;
  char **node_args;
  char *socket_path;
  gboolean spawned;
  gboolean started;

  UmkNodeClientState state;
  UmkIpcChild *child;
  GDBusConnection *connection;
  UmkNode1 *node;
  GCancellable *cancellable;

  char *error_title;
  char *error_message;
  char *init_message;
  char *connect_error; /* the handshake's failure, while waiting for the exit */

  GTask *stop_task;
  guint stop_timer;
  guint lost_timer;

  GtkStringList *wallets;
  GDBusConnection *wallet_connection;
  UmkWalletLoader1 *wallet_loader;
  GCancellable *wallet_cancellable;
  gboolean wallet_connected;
  gboolean wallet_retry; /* the wallet process started while we were connecting */
  char *wallet_status;
  char *selected_wallet;
};

G_DEFINE_ENUM_TYPE (UmkNodeClientState, umk_node_client_state,
                    G_DEFINE_ENUM_VALUE (UMK_NODE_CLIENT_STARTING, "starting"),
                    G_DEFINE_ENUM_VALUE (UMK_NODE_CLIENT_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (UMK_NODE_CLIENT_STOPPING, "stopping"),
                    G_DEFINE_ENUM_VALUE (UMK_NODE_CLIENT_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (UMK_NODE_CLIENT_FAILED, "failed"))

G_DEFINE_FINAL_TYPE (UmkNodeClient, umk_node_client, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_INIT_MESSAGE,
  PROP_WALLET_CONNECTED,
  PROP_WALLET_STATUS,
  PROP_SELECTED_WALLET,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum
{
  SIGNAL_TIP_CHANGED,
  SIGNAL_HEADER_TIP_CHANGED,
  SIGNAL_HEADER_PRESYNC_CHANGED,
  SIGNAL_CONNECTION_COUNT_CHANGED,
  SIGNAL_OUTPUT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void clear_wallet (UmkNodeClient *self, const char *status);
static void finish_stop (UmkNodeClient *self);

/* ---- State ------------------------------------------------------------------ */

static void
set_state (UmkNodeClient *self, UmkNodeClientState state)
{
  if (self->state == state)
    return;
  UMK_LOG_DEBUG (
      UMK_LOG_QT, "node client: %s -> %s",
      g_enum_get_value (g_type_class_peek (UMK_TYPE_NODE_CLIENT_STATE), (int) self->state)
          ->value_nick,
      g_enum_get_value (g_type_class_peek (UMK_TYPE_NODE_CLIENT_STATE), (int) state)->value_nick);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

/* Drops the node proxy and connection: after a failure nothing should call
 * a node that is gone. */
static void
drop_node (UmkNodeClient *self)
{
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  if (self->connection != NULL)
    g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
}

/* Records a failure. A second one (the exit status after a lost
 * connection) replaces the message, and notifies again so the window shows
 * the better one. */
static void
fail (UmkNodeClient *self, const char *title, const char *message)
{
  umk_log_warning ("%s: %s", title, message);
  /* title may be self->error_title itself. */
  char *new_title = g_strdup (title);
  g_free (self->error_title);
  self->error_title = new_title;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_clear_handle_id (&self->lost_timer, g_source_remove);
  drop_node (self);
  clear_wallet (self, NULL);
  if (self->state == UMK_NODE_CLIENT_FAILED)
    g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
  else
    set_state (self, UMK_NODE_CLIENT_FAILED);
}

/* The node's own reason, if its last lines have one ("Error: ..."). */
static char *
last_error_line (UmkNodeClient *self)
{
  g_auto (GStrv) lines = umk_node_client_dup_log_lines (self);
  for (gssize i = (gssize) g_strv_length (lines) - 1; i >= 0; i--)
    {
      const char *e = strstr (lines[i], "Error: ");
      if (e != NULL)
        return g_strdup (e + strlen ("Error: "));
    }
  return NULL;
}

/* ---- Node1 ------------------------------------------------------------------ */

static void
on_tip_changed (G_GNUC_UNUSED UmkNode1 *node, int height, const char *hash, gint64 time,
                double progress, gboolean ibd, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_TIP_CHANGED], 0, height, hash, time, progress, ibd);
}

static void
on_header_tip_changed (G_GNUC_UNUSED UmkNode1 *node, int height, const char *hash, gint64 time,
                       gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_HEADER_TIP_CHANGED], 0, height, hash, time);
}

static void
on_header_presync_changed (G_GNUC_UNUSED UmkNode1 *node, int height, gint64 time,
                           gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_HEADER_PRESYNC_CHANGED], 0, height, time);
}

static void
on_connection_count_changed (G_GNUC_UNUSED UmkNode1 *node, guint in, guint out, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CONNECTION_COUNT_CHANGED], 0, in, out);
}

static void
on_init_message (G_GNUC_UNUSED UmkNode1 *node, const char *message, gpointer user_data)
{
  UmkNodeClient *self = user_data;
  g_free (self->init_message);
  g_free (self->connect_error);
  self->init_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INIT_MESSAGE]);
}

static void connect_wallet (UmkNodeClient *self);

static void
on_wallet_process_changed (G_GNUC_UNUSED UmkNode1 *node, gboolean running, const char *message,
                           gpointer user_data)
{
  UmkNodeClient *self = user_data;
  if (running && self->wallet_cancellable != NULL)
    {
      /* Connecting or connected already (the node says so at start-up too,
       * around our first ConnectWallet): one connection is enough, but a
       * first attempt that comes back "unavailable" is worth a second. */
      if (!self->wallet_connected)
        self->wallet_retry = TRUE;
    }
  else if (running)
    connect_wallet (self);
  else
    clear_wallet (self, message != NULL && message[0] != '\0'
                            ? message
                            : _ ("The wallet process is not running."));
}

static void
on_proxy_ready (G_GNUC_UNUSED GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  UmkNode1 *node = umk_node1_proxy_new_finish (result, &error);
  if (node == NULL)
    {
      if (self->state == UMK_NODE_CLIENT_STARTING)
        {
          fail (self, _ ("Could not connect to the node"), error->message);
          if (self->child != NULL)
            umk_ipc_child_terminate (self->child);
        }
      return;
    }
  if (self->state != UMK_NODE_CLIENT_STARTING)
    {
      g_object_unref (node);
      return;
    }
  /* A console command may take long (a rescan, waitfornewblock): nothing
   * waits on a reply, so there is no reason to give up on one. */
  g_dbus_proxy_set_default_timeout (G_DBUS_PROXY (node), G_MAXINT);
  self->node = node;
  g_signal_connect (node, "tip-changed", G_CALLBACK (on_tip_changed), self);
  g_signal_connect (node, "header-tip-changed", G_CALLBACK (on_header_tip_changed), self);
  g_signal_connect (node, "header-presync-changed", G_CALLBACK (on_header_presync_changed), self);
  g_signal_connect (node, "connection-count-changed", G_CALLBACK (on_connection_count_changed),
                    self);
  g_signal_connect (node, "init-message", G_CALLBACK (on_init_message), self);
  g_signal_connect (node, "wallet-process-changed", G_CALLBACK (on_wallet_process_changed), self);
  /* The connection holds messages back until we are ready for them
   * (common/ipc.h): the proxy and its signal handlers are in place now. */
  g_dbus_connection_start_message_processing (self->connection);
  set_state (self, UMK_NODE_CLIENT_CONNECTED);
  connect_wallet (self);
}

static gboolean
on_lost_timeout (gpointer user_data)
{
  UmkNodeClient *self = user_data;
  self->lost_timer = 0;
  fail (self, _ ("The connection to the node was lost"),
        _ ("umkoin-node closed the connection but is still running; it is being stopped."));
  if (self->child != NULL)
    umk_ipc_child_terminate (self->child);
  return G_SOURCE_REMOVE;
}

static void
on_connection_closed (G_GNUC_UNUSED GDBusConnection *connection,
                      G_GNUC_UNUSED gboolean remote_peer_vanished, GError *error,
                      gpointer user_data)
{
  UmkNodeClient *self = user_data;
  UMK_LOG_DEBUG (UMK_LOG_QT, "node client: connection closed%s%s", error ? ": " : "",
                 error ? error->message : "");
  if (self->state == UMK_NODE_CLIENT_STOPPING)
    {
      if (!self->spawned)
        finish_stop (self);
      return; /* a spawned node: its exit ends the stop */
    }
  if (self->state != UMK_NODE_CLIENT_STARTING && self->state != UMK_NODE_CLIENT_CONNECTED)
    return;
  if (self->spawned)
    {
      /* Its exit usually follows at once and says more (status, last
       * lines); wait a moment for it. */
      if (self->lost_timer == 0 && self->child != NULL && umk_ipc_child_is_running (self->child))
        self->lost_timer = g_timeout_add_seconds (LOST_GRACE_S, on_lost_timeout, self);
      return;
    }
  g_autofree char *message = g_strdup_printf (
      _ ("The node at %s closed the connection: it stopped, or was restarted."), self->socket_path);
  fail (self, _ ("The connection to the node was lost"), message);
}

/* The connection is up (either way): make the Node1 proxy. */
static void
take_connection (UmkNodeClient *self, GDBusConnection *connection)
{
  g_set_object (&self->connection, connection);
  g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed), self);
  umk_node1_proxy_new (
      connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
      NULL, UMK_IPC_NODE_PATH, self->cancellable, on_proxy_ready, g_object_ref (self));
}

/* ---- Spawning ------------------------------------------------------------------ */

static void
on_child_output (G_GNUC_UNUSED UmkIpcChild *child, const char *line, gpointer user_data)
{
  /* The node's log goes on where the user started us. */
  fprintf (stderr, "%s\n", line);
  g_signal_emit (user_data, signals[SIGNAL_OUTPUT], 0, line);
}

static void
on_child_connected (G_GNUC_UNUSED UmkIpcChild *child, GDBusConnection *connection,
                    gpointer user_data)
{
  UmkNodeClient *self = user_data;
  if (self->state != UMK_NODE_CLIENT_STARTING)
    return;
  take_connection (self, connection);
}

static gboolean
on_connect_failed_timeout (gpointer user_data)
{
  UmkNodeClient *self = user_data;
  self->lost_timer = 0;
  g_autofree char *message = g_steal_pointer (&self->connect_error);
  fail (self, _ ("Could not connect to the node"), message);
  umk_ipc_child_terminate (self->child);
  return G_SOURCE_REMOVE;
}

static void
on_child_connect_failed (G_GNUC_UNUSED UmkIpcChild *child, const GError *error, gpointer user_data)
{
  UmkNodeClient *self = user_data;
  if (self->state != UMK_NODE_CLIENT_STARTING)
    return;
  /* Usually the node closed its end because it is exiting (bad options):
   * its exit, which follows at once, tells the story better. */
  g_free (self->connect_error);
  self->connect_error = g_strdup (error->message);
  if (self->lost_timer == 0)
    self->lost_timer = g_timeout_add_seconds (LOST_GRACE_S, on_connect_failed_timeout, self);
}

static void
on_child_exited (G_GNUC_UNUSED UmkIpcChild *child, int status, const char *description,
                 gpointer user_data)
{
  UmkNodeClient *self = user_data;
  umk_log_info ("umkoin-node %s", description);
  g_autofree char *reason = last_error_line (self);
  g_autofree char *what = g_strdup_printf (_ ("umkoin-node %s."), description);
  g_autofree char *message
      = reason != NULL ? g_strdup_printf ("%s\n%s", reason, what) : g_strdup (what);

  switch (self->state)
    {
    case UMK_NODE_CLIENT_STOPPING:
      finish_stop (self);
      break;
    case UMK_NODE_CLIENT_STARTING:
      fail (self, _ ("The node failed to start"), message);
      break;
    case UMK_NODE_CLIENT_CONNECTED:
      if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
        fail (self, _ ("The node has shut down"), message);
      else
        fail (self, _ ("The node stopped unexpectedly"), message);
      break;
    case UMK_NODE_CLIENT_FAILED:
      /* Failed while it ran (lost connection, handshake): now we know how
       * it ended. */
      fail (self, self->error_title, message);
      break;
    case UMK_NODE_CLIENT_STOPPED:
    default:
      break;
    }
}

static void
spawn (UmkNodeClient *self)
{
  g_autofree char *program = self->program != NULL ? g_strdup (self->program)
                                                   : umk_ipc_find_program ("umkoin-node", "node");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, program);
  for (char **a = self->node_args; a != NULL && *a != NULL; a++)
    g_ptr_array_add (argv, *a);
  g_ptr_array_add (argv, NULL);

  UMK_LOG_DEBUG (UMK_LOG_QT, "node client: starting %s", program);
  g_autoptr (GError) error = NULL;
  self->child = umk_ipc_child_spawn ((const char *const *) argv->pdata, "umkoin-node", &error);
  if (self->child == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("Could not run %s: %s"), program, error->message);
      fail (self, _ ("The node failed to start"), message);
      return;
    }
  g_signal_connect_object (self->child, "output", G_CALLBACK (on_child_output), self, 0);
  g_signal_connect_object (self->child, "connected", G_CALLBACK (on_child_connected), self, 0);
  g_signal_connect_object (self->child, "connect-failed", G_CALLBACK (on_child_connect_failed),
                           self, 0);
  g_signal_connect_object (self->child, "exited", G_CALLBACK (on_child_exited), self, 0);
}

/* ---- Attaching ---------------------------------------------------------------- */

static void
connect_thread (GTask *task, G_GNUC_UNUSED gpointer source, gpointer task_data,
                G_GNUC_UNUSED GCancellable *cancellable)
{
  /* umk_ipc_connect_unix blocks for the handshake: off the main thread, so
   * the window draws meanwhile. The connection emits its signals in the
   * global default context, the main thread's. */
  GError *error = NULL;
  GDBusConnection *connection = umk_ipc_connect_unix (task_data, &error);
  if (connection == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, connection, g_object_unref);
}

static void
on_attached (GObject *source, GAsyncResult *result, G_GNUC_UNUSED gpointer user_data)
{
  UmkNodeClient *self = UMK_NODE_CLIENT (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = g_task_propagate_pointer (G_TASK (result), &error);
  if (self->state != UMK_NODE_CLIENT_STARTING)
    {
      if (connection != NULL)
        g_dbus_connection_close (connection, NULL, NULL, NULL);
      if (self->state == UMK_NODE_CLIENT_STOPPING)
        finish_stop (self);
      return;
    }
  if (connection == NULL)
    {
      fail (self, _ ("Could not connect to the node"), error->message);
      return;
    }
  take_connection (self, connection);
}

static void
attach (UmkNodeClient *self)
{
  UMK_LOG_DEBUG (UMK_LOG_QT, "node client: attaching to %s", self->socket_path);
  g_autoptr (GTask) task = g_task_new (self, NULL, on_attached, NULL);
  g_task_set_task_data (task, g_strdup (self->socket_path), g_free);
  g_task_run_in_thread (task, connect_thread);
}

/* ---- The wallet process ----------------------------------------------------------- */

/* Forgets the wallet connection; status says why (NULL: keep the old one). */
static void
clear_wallet (UmkNodeClient *self, const char *status)
{
  g_cancellable_cancel (self->wallet_cancellable);
  g_clear_object (&self->wallet_cancellable);
  if (self->wallet_loader != NULL)
    g_signal_handlers_disconnect_by_data (self->wallet_loader, self);
  g_clear_object (&self->wallet_loader);
  if (self->wallet_connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->wallet_connection, self);
      g_dbus_connection_close (self->wallet_connection, NULL, NULL, NULL);
      g_clear_object (&self->wallet_connection);
    }
  if (self->wallets != NULL)
    gtk_string_list_splice (self->wallets, 0,
                            g_list_model_get_n_items (G_LIST_MODEL (self->wallets)), NULL);
  umk_node_client_set_selected_wallet (self, NULL);
  if (self->wallet_connected)
    {
      self->wallet_connected = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WALLET_CONNECTED]);
    }
  if (status != NULL && g_strcmp0 (status, self->wallet_status) != 0)
    {
      g_free (self->wallet_status);
      self->wallet_status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WALLET_STATUS]);
    }
}

static gboolean
find_wallet (UmkNodeClient *self, const char *name, guint *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->wallets));
  for (guint i = 0; i < n; i++)
    if (strcmp (gtk_string_list_get_string (self->wallets, i), name) == 0)
      {
        *position = i;
        return TRUE;
      }
  return FALSE;
}

static void
on_wallet_loaded (G_GNUC_UNUSED UmkWalletLoader1 *loader, const char *name,
                  G_GNUC_UNUSED const char *path, gpointer user_data)
{
  UmkNodeClient *self = user_data;
  guint pos;
  if (!find_wallet (self, name, &pos))
    gtk_string_list_append (self->wallets, name);
}

static void
on_wallet_unloaded (G_GNUC_UNUSED UmkWalletLoader1 *loader, const char *name, gpointer user_data)
{
  UmkNodeClient *self = user_data;
  guint pos;
  if (find_wallet (self, name, &pos))
    gtk_string_list_remove (self->wallets, pos);
  if (g_strcmp0 (self->selected_wallet, name) == 0)
    umk_node_client_set_selected_wallet (self, NULL);
}

static void
on_wallet_closed (G_GNUC_UNUSED GDBusConnection *connection,
                  G_GNUC_UNUSED gboolean remote_peer_vanished, G_GNUC_UNUSED GError *error,
                  gpointer user_data)
{
  /* The node says more with WalletProcessChanged when the process died. */
  clear_wallet (user_data, _ ("The connection to the wallet process was lost."));
}

static void
on_list_wallets (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;
  if (!umk_wallet_loader1_call_list_wallets_finish (UMK_WALLET_LOADER1 (source), &names, result,
                                                    &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_dbus_error_strip_remote_error (error);
          clear_wallet (self, error->message);
        }
      return;
    }
  if (self->wallet_loader != UMK_WALLET_LOADER1 (source))
    return;
  /* Signals that came before the reply are in it already. */
  gtk_string_list_splice (self->wallets, 0, g_list_model_get_n_items (G_LIST_MODEL (self->wallets)),
                          (const char *const *) names);
  g_clear_pointer (&self->wallet_status, g_free);
  self->wallet_connected = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WALLET_STATUS]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_WALLET_CONNECTED]);
}

static void
on_wallet_loader_ready (G_GNUC_UNUSED GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  UmkWalletLoader1 *loader = umk_wallet_loader1_proxy_new_finish (result, &error);
  if (loader == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        clear_wallet (self, error->message);
      return;
    }
  self->wallet_loader = loader;
  g_signal_connect (loader, "wallet-loaded", G_CALLBACK (on_wallet_loaded), self);
  g_signal_connect (loader, "wallet-unloaded", G_CALLBACK (on_wallet_unloaded), self);
  g_dbus_connection_start_message_processing (self->wallet_connection);
  umk_wallet_loader1_call_list_wallets (loader, self->wallet_cancellable, on_list_wallets,
                                        g_object_ref (self));
}

static void
on_wallet_connection (G_GNUC_UNUSED GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = umk_ipc_connection_new_finish (result, &error);
  if (connection == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        clear_wallet (self, error->message);
      return;
    }
  if (self->wallet_cancellable == NULL || g_cancellable_is_cancelled (self->wallet_cancellable))
    {
      g_dbus_connection_close (connection, NULL, NULL, NULL);
      return;
    }
  self->wallet_connection = g_object_ref (connection);
  g_signal_connect (connection, "closed", G_CALLBACK (on_wallet_closed), self);
  umk_wallet_loader1_proxy_new (
      connection, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
      NULL, UMK_IPC_WALLET_LOADER_PATH, self->wallet_cancellable, on_wallet_loader_ready,
      g_object_ref (self));
}

static void
on_connect_wallet (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) handle = NULL;
  g_autoptr (GUnixFDList) fds = NULL;
  if (!umk_node1_call_connect_wallet_finish (UMK_NODE1 (source), &handle, &fds, result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->wallet_retry)
        {
          connect_wallet (self);
          return;
        }
      if (g_error_matches (error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE))
        clear_wallet (self, _ ("The wallet process is not running (started with -disablewallet?)"));
      else
        {
          g_dbus_error_strip_remote_error (error);
          clear_wallet (self, error->message);
        }
      return;
    }
  if (self->wallet_cancellable == NULL || g_cancellable_is_cancelled (self->wallet_cancellable))
    return;
  int fd = umk_ipc_steal_fd (fds, handle, &error);
  if (fd < 0)
    {
      clear_wallet (self, error->message);
      return;
    }
  umk_ipc_connection_new_for_fd (fd, FALSE, "umkoin-wallet", self->wallet_cancellable,
                                 on_wallet_connection, g_object_ref (self));
}

static void
connect_wallet (UmkNodeClient *self)
{
  if (self->node == NULL)
    return;
  clear_wallet (self, NULL);
  self->wallet_retry = FALSE;
  self->wallet_cancellable = g_cancellable_new ();
  umk_node1_call_connect_wallet (self->node, NULL, self->wallet_cancellable, on_connect_wallet,
                                 g_object_ref (self));
}

/* ---- Stopping -------------------------------------------------------------------- */

static void
finish_stop (UmkNodeClient *self)
{
  g_clear_handle_id (&self->stop_timer, g_source_remove);
  g_clear_handle_id (&self->lost_timer, g_source_remove);
  clear_wallet (self, NULL);
  drop_node (self);
  if (self->state == UMK_NODE_CLIENT_STOPPING)
    set_state (self, UMK_NODE_CLIENT_STOPPED);
  if (self->stop_task != NULL)
    {
      GTask *task = g_steal_pointer (&self->stop_task);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static gboolean
on_kill_timeout (gpointer user_data)
{
  UmkNodeClient *self = user_data;
  self->stop_timer = 0;
  /* Sends SIGKILL at once (1 ms) and waits for the kernel to reap it;
   * "exited" then finishes the stop. */
  umk_ipc_child_wait (self->child, 1);
  return G_SOURCE_REMOVE;
}

static gboolean
on_shutdown_timeout (gpointer user_data)
{
  UmkNodeClient *self = user_data;
  umk_log_warning ("umkoin-node did not stop within %d s; sending SIGTERM", SHUTDOWN_GRACE_S);
  umk_ipc_child_terminate (self->child);
  self->stop_timer = g_timeout_add_seconds (TERMINATE_GRACE_S, on_kill_timeout, self);
  return G_SOURCE_REMOVE;
}

static void
on_shutdown_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_autoptr (GError) error = NULL;
  if (umk_node1_call_shutdown_finish (UMK_NODE1 (source), result, &error))
    return;
  UMK_LOG_DEBUG (UMK_LOG_QT, "node client: Shutdown: %s", error->message);
  /* The connection often closes before the reply comes: the node is on its
   * way out then, and a SIGTERM now could cut its shutdown short. Any other
   * failure (a node without the method?): ask with SIGTERM instead. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED))
    return;
  if (self->child != NULL && umk_ipc_child_is_running (self->child))
    umk_ipc_child_terminate (self->child);
}

static void
on_attached_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodeClient) self = user_data;
  g_dbus_connection_close_finish (G_DBUS_CONNECTION (source), result, NULL);
  if (self->state == UMK_NODE_CLIENT_STOPPING)
    finish_stop (self);
}

void
umk_node_client_stop_async (UmkNodeClient *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (UMK_IS_NODE_CLIENT (self));
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, umk_node_client_stop_async);
  if (self->stop_task != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING,
                               "The node is being stopped already");
      return;
    }
  g_clear_handle_id (&self->lost_timer, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  if (self->spawned)
    {
      if (self->child == NULL || !umk_ipc_child_is_running (self->child))
        {
          clear_wallet (self, NULL);
          drop_node (self);
          if (self->state != UMK_NODE_CLIENT_FAILED)
            set_state (self, UMK_NODE_CLIENT_STOPPED);
          g_task_return_boolean (task, TRUE);
          return;
        }
      self->stop_task = g_steal_pointer (&task);
      gboolean connected = self->node != NULL && self->state == UMK_NODE_CLIENT_CONNECTED;
      set_state (self, UMK_NODE_CLIENT_STOPPING);
      umk_log_info ("Stopping umkoin-node (pid %d)", (int) umk_ipc_child_get_pid (self->child));
      if (connected)
        {
          umk_node1_call_shutdown (self->node, NULL, on_shutdown_reply, g_object_ref (self));
          self->stop_timer = g_timeout_add_seconds (SHUTDOWN_GRACE_S, on_shutdown_timeout, self);
        }
      else
        {
          umk_ipc_child_terminate (self->child);
          self->stop_timer = g_timeout_add_seconds (TERMINATE_GRACE_S, on_kill_timeout, self);
        }
      return;
    }

  /* Attached: the node is not ours to stop. */
  clear_wallet (self, NULL);
  if (self->connection == NULL || g_dbus_connection_is_closed (self->connection))
    {
      drop_node (self);
      if (self->state == UMK_NODE_CLIENT_STARTING)
        {
          /* The connecting thread still runs; its result is dropped. */
          self->stop_task = g_steal_pointer (&task);
          set_state (self, UMK_NODE_CLIENT_STOPPING);
          return;
        }
      if (self->state != UMK_NODE_CLIENT_FAILED)
        set_state (self, UMK_NODE_CLIENT_STOPPED);
      g_task_return_boolean (task, TRUE);
      return;
    }
  self->stop_task = g_steal_pointer (&task);
  set_state (self, UMK_NODE_CLIENT_STOPPING);
  GDBusConnection *connection = g_object_ref (self->connection);
  g_dbus_connection_close (connection, NULL, on_attached_closed, g_object_ref (self));
  g_object_unref (connection);
}

gboolean
umk_node_client_stop_finish (UmkNodeClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
umk_node_client_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  UmkNodeClient *self = UMK_NODE_CLIENT (object);
  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_INIT_MESSAGE:
      g_value_set_string (value, self->init_message);
      break;
    case PROP_WALLET_CONNECTED:
      g_value_set_boolean (value, self->wallet_connected);
      break;
    case PROP_WALLET_STATUS:
      g_value_set_string (value, self->wallet_status);
      break;
    case PROP_SELECTED_WALLET:
      g_value_set_string (value, self->selected_wallet);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
umk_node_client_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  UmkNodeClient *self = UMK_NODE_CLIENT (object);
  switch (prop_id)
    {
    case PROP_SELECTED_WALLET:
      umk_node_client_set_selected_wallet (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
umk_node_client_dispose (GObject *object)
{
  UmkNodeClient *self = UMK_NODE_CLIENT (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->stop_timer, g_source_remove);
  g_clear_handle_id (&self->lost_timer, g_source_remove);
  clear_wallet (self, NULL);
  drop_node (self);
  /* Dropping the child sends it SIGTERM if it still runs (ipc-child.c). */
  g_clear_object (&self->child);
  g_clear_object (&self->wallets);
  G_OBJECT_CLASS (umk_node_client_parent_class)->dispose (object);
}

static void
umk_node_client_finalize (GObject *object)
{
  UmkNodeClient *self = UMK_NODE_CLIENT (object);
  g_free (self->program);
  g_strfreev (self->node_args);
  g_free (self->socket_path);
  g_clear_object (&self->cancellable);
  g_free (self->error_title);
  g_free (self->error_message);
  g_free (self->init_message);
  g_free (self->wallet_status);
  g_free (self->selected_wallet);
  G_OBJECT_CLASS (umk_node_client_parent_class)->finalize (object);
}

static void
umk_node_client_class_init (UmkNodeClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = umk_node_client_get_property;
  object_class->set_property = umk_node_client_set_property;
  object_class->dispose = umk_node_client_dispose;
  object_class->finalize = umk_node_client_finalize;

  /* Registers org.umkoin.Error.* so that the node's errors arrive as
   * UMK_IPC_ERROR codes. */
  (void) umk_ipc_error_quark ();

  props[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, UMK_TYPE_NODE_CLIENT_STATE,
                           UMK_NODE_CLIENT_STARTING, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_INIT_MESSAGE] = g_param_spec_string ("init-message", NULL, NULL, NULL,
                                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_WALLET_CONNECTED] = g_param_spec_boolean ("wallet-connected", NULL, NULL, FALSE,
                                                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_WALLET_STATUS] = g_param_spec_string ("wallet-status", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  props[PROP_SELECTED_WALLET]
      = g_param_spec_string ("selected-wallet", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_TIP_CHANGED] = g_signal_new (
      "tip-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
      5, G_TYPE_INT, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_DOUBLE, G_TYPE_BOOLEAN);
  signals[SIGNAL_HEADER_TIP_CHANGED]
      = g_signal_new ("header-tip-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_INT64);
  signals[SIGNAL_HEADER_PRESYNC_CHANGED]
      = g_signal_new ("header-presync-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT64);
  signals[SIGNAL_CONNECTION_COUNT_CHANGED]
      = g_signal_new ("connection-count-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[SIGNAL_OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
umk_node_client_init (UmkNodeClient *self)
{
  self->state = UMK_NODE_CLIENT_STARTING;
  self->cancellable = g_cancellable_new ();
  self->wallets = gtk_string_list_new (NULL);
}

/* ---- Public ---------------------------------------------------------------------------- */

UmkNodeClient *
umk_node_client_new_spawn (const char *node_program, const char *const *node_args)
{
  UmkNodeClient *self = g_object_new (UMK_TYPE_NODE_CLIENT, NULL);
  self->spawned = TRUE;
  self->program = g_strdup (node_program);
  self->node_args = g_strdupv ((char **) node_args);
  return self;
}

UmkNodeClient *
umk_node_client_new_attach (const char *socket_path)
{
  g_return_val_if_fail (socket_path != NULL, NULL);
  UmkNodeClient *self = g_object_new (UMK_TYPE_NODE_CLIENT, NULL);
  self->socket_path = g_strdup (socket_path);
  return self;
}

void
umk_node_client_start (UmkNodeClient *self)
{
  g_return_if_fail (UMK_IS_NODE_CLIENT (self));
  if (self->started)
    return;
  self->started = TRUE;
  if (self->spawned)
    spawn (self);
  else
    attach (self);
}

UmkNodeClientState
umk_node_client_get_state (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), UMK_NODE_CLIENT_FAILED);
  return self->state;
}

gboolean
umk_node_client_get_spawned (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), FALSE);
  return self->spawned;
}

GPid
umk_node_client_get_pid (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), 0);
  return self->child != NULL ? umk_ipc_child_get_pid (self->child) : 0;
}

UmkNode1 *
umk_node_client_get_node (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->state == UMK_NODE_CLIENT_CONNECTED ? self->node : NULL;
}

const char *
umk_node_client_get_error_title (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->error_title;
}

const char *
umk_node_client_get_error_message (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->error_message;
}

char **
umk_node_client_dup_log_lines (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  if (self->child == NULL)
    return g_new0 (char *, 1);
  return umk_ipc_child_dup_last_lines (self->child);
}

const char *
umk_node_client_get_init_message (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->init_message;
}

GListModel *
umk_node_client_get_wallets (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return G_LIST_MODEL (self->wallets);
}

gboolean
umk_node_client_get_wallet_connected (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), FALSE);
  return self->wallet_connected;
}

const char *
umk_node_client_get_wallet_status (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->wallet_status;
}

UmkWalletLoader1 *
umk_node_client_get_wallet_loader (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->wallet_connected ? self->wallet_loader : NULL;
}

const char *
umk_node_client_get_selected_wallet (UmkNodeClient *self)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (self), NULL);
  return self->selected_wallet;
}

void
umk_node_client_set_selected_wallet (UmkNodeClient *self, const char *name)
{
  g_return_if_fail (UMK_IS_NODE_CLIENT (self));
  if (name != NULL && name[0] == '\0')
    name = NULL;
  if (g_strcmp0 (self->selected_wallet, name) == 0)
    return;
  g_free (self->selected_wallet);
  self->selected_wallet = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SELECTED_WALLET]);
}
