/* ipc-server.c — the node's private D-Bus connections: -ipcfd, -ipcbind
 * listeners, and the bookkeeping every connection needs. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "node/ipc-server.h"

#include "common/error.h"
#include "common/ipc.h"
#include "common/logging.h"
#include "node/ipc-chain1.h"
#include "node/ipc-node1.h"
#include "node/wallet-host.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_SOCKET_NAME "node.sock"

typedef struct
{
  GDBusServer *server;
  char *path;
} Listener;

/* One connection Node1 and Chain1 are exported on (main thread only). */
typedef struct
{
  UmkIpcServer *self;
  GDBusConnection *connection;
  char *label;
  gulong closed_handler;
  gboolean is_parent; /* the -ipcfd connection: its end is the node's end */
} Conn;

struct _UmkIpcServer
{
  GObject parent_instance;

  UmkNode *node;
  UmkRpcDispatcher *dispatcher;
  UmkIpcNode1 *node1;
  UmkIpcChain1 *chain1;
  GPtrArray *listeners;   /* of Listener* */
  GPtrArray *connections; /* of Conn* */
  gboolean shut_down;     /* main thread: umk_ipc_server_shutdown() ran */
  guint n_clients;        /* -ipcbind connections so far, for their names */

  GMutex lock; /* guards what follows; cond signals busy reaching 0 */
  GCond cond;
  guint busy;      /* method calls in flight */
  gboolean closed; /* new calls are refused */
  gboolean ready;  /* the chainstate is loaded */
  char *init_message;
  UmkWalletHost *wallet;
};

G_DEFINE_FINAL_TYPE (UmkIpcServer, umk_ipc_server, G_TYPE_OBJECT)

static void
listener_free (gpointer data)
{
  Listener *l = data;
  if (l->server != NULL)
    {
      g_dbus_server_stop (l->server);
      g_object_unref (l->server);
    }
  g_free (l->path);
  g_free (l);
}

static void
conn_free (gpointer data)
{
  Conn *c = data;
  if (c->closed_handler != 0)
    g_signal_handler_disconnect (c->connection, c->closed_handler);
  g_object_unref (c->connection);
  g_free (c->label);
  g_free (c);
}

static void
unexport (UmkIpcServer *self, GDBusConnection *connection)
{
  if (self->node1 != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (umk_ipc_node1_get_skeleton (self->node1),
                                                        connection);
  if (self->chain1 != NULL)
    g_dbus_interface_skeleton_unexport_from_connection (umk_ipc_chain1_get_skeleton (self->chain1),
                                                        connection);
}

static void
umk_ipc_server_dispose (GObject *object)
{
  UmkIpcServer *self = UMK_IPC_SERVER (object);
  umk_ipc_server_shutdown (self);
  if (self->node != NULL && self->node->init_message_user == self)
    {
      self->node->init_message = NULL;
      self->node->init_message_user = NULL;
    }
  /* The connections close only now, after the chainstate: a GUI that asked
   * for the shutdown sees the connection close when the node is done. */
  if (self->connections != NULL)
    {
      for (guint i = 0; i < self->connections->len; i++)
        {
          Conn *c = self->connections->pdata[i];
          unexport (self, c->connection);
          g_signal_handler_disconnect (c->connection, c->closed_handler);
          c->closed_handler = 0;
          g_dbus_connection_close (c->connection, NULL, NULL, NULL);
        }
      g_clear_pointer (&self->connections, g_ptr_array_unref);
    }
  g_clear_pointer (&self->listeners, g_ptr_array_unref);
  g_mutex_lock (&self->lock);
  UmkWalletHost *wallet = g_steal_pointer (&self->wallet);
  g_mutex_unlock (&self->lock);
  g_clear_object (&wallet);
  G_OBJECT_CLASS (umk_ipc_server_parent_class)->dispose (object);
}

static void
umk_ipc_server_finalize (GObject *object)
{
  UmkIpcServer *self = UMK_IPC_SERVER (object);
  g_clear_pointer (&self->node1, umk_ipc_node1_free);
  g_clear_pointer (&self->chain1, umk_ipc_chain1_free);
  g_clear_pointer (&self->dispatcher, umk_rpc_dispatcher_free);
  g_free (self->init_message);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (umk_ipc_server_parent_class)->finalize (object);
}

static void
umk_ipc_server_class_init (UmkIpcServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_ipc_server_dispose;
  object_class->finalize = umk_ipc_server_finalize;
}

static void
umk_ipc_server_init (UmkIpcServer *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->listeners = g_ptr_array_new_with_free_func (listener_free);
  self->connections = g_ptr_array_new_with_free_func (conn_free);
}

/* ---- Start-up steps --------------------------------------------------------------- */

static void
on_init_message (gpointer user, const char *message)
{
  UmkIpcServer *self = user;
  g_mutex_lock (&self->lock);
  g_free (self->init_message);
  self->init_message = g_strdup (message);
  g_mutex_unlock (&self->lock);
  /* Sent from this thread: during start-up the main loop does not run yet,
   * and GDBus writes from its own thread. */
  umk_ipc_node1_emit_init_message (self->node1, message);
}

/* ---- Connections -------------------------------------------------------------------- */

static Conn *
find_conn (UmkIpcServer *self, GDBusConnection *connection)
{
  for (guint i = 0; self->connections != NULL && i < self->connections->len; i++)
    {
      Conn *c = self->connections->pdata[i];
      if (c->connection == connection)
        return c;
    }
  return NULL;
}

static void
on_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                      gpointer user_data)
{
  Conn *c = user_data;
  UmkIpcServer *self = c->self;
  (void) remote_peer_vanished;
  if (c->is_parent)
    {
      if (!umk_node_shutdown_requested (self->node))
        umk_log_info ("IPC: the connection to the program that started this node (-ipcfd) "
                      "closed%s%s; shutting down",
                      error != NULL ? ": " : "", error != NULL ? error->message : "");
      umk_node_request_shutdown (self->node);
    }
  else
    UMK_LOG_DEBUG (UMK_LOG_IPC, "IPC: %s went away", c->label);
  unexport (self, connection);
  g_ptr_array_remove (self->connections, c); /* frees c */
}

static Conn *
add_connection (UmkIpcServer *self, GDBusConnection *connection, const char *label,
                gboolean is_parent)
{
  g_autoptr (GError) error = NULL;
  if (!g_dbus_interface_skeleton_export (umk_ipc_node1_get_skeleton (self->node1), connection,
                                         UMK_IPC_NODE_PATH, &error)
      || !g_dbus_interface_skeleton_export (umk_ipc_chain1_get_skeleton (self->chain1), connection,
                                            UMK_IPC_CHAIN_PATH, &error))
    umk_log_warning ("IPC: cannot serve %s: %s", label, error->message);
  Conn *c = g_new0 (Conn, 1);
  c->self = self;
  c->connection = g_object_ref (connection);
  c->label = g_strdup (label);
  c->is_parent = is_parent;
  c->closed_handler = g_signal_connect (connection, "closed", G_CALLBACK (on_connection_closed), c);
  g_ptr_array_add (self->connections, c);
  /* A peer that went away before we got here sends no "closed" any more. */
  if (g_dbus_connection_is_closed (connection))
    {
      on_connection_closed (connection, TRUE, NULL, c);
      return NULL;
    }
  return c;
}

void
umk_ipc_server_add_connection (UmkIpcServer *self, GDBusConnection *connection, const char *label)
{
  g_return_if_fail (UMK_IS_IPC_SERVER (self));
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  add_connection (self, connection, label != NULL ? label : "peer", FALSE);
}

/* `gdbus call --address …` of GLib 2.74 takes every address for a message
 * bus: it says Hello first and fails without a unique name. A node socket
 * answers that one call (nothing else of a bus), so that the standard tool
 * works on it: gdbus call --address unix:path=… --dest org.umkoin.Node …
 * (any name will do for --dest; nothing routes here). */
static const char bus_xml[] = "<node><interface name='org.freedesktop.DBus'>"
                              "<method name='Hello'><arg type='s' direction='out'/></method>"
                              "</interface></node>";

static void
on_bus_method (GDBusConnection *connection, const char *sender, const char *path,
               const char *interface, const char *method, GVariant *parameters,
               GDBusMethodInvocation *invocation, gpointer user_data)
{
  (void) connection;
  (void) sender;
  (void) path;
  (void) interface;
  (void) method;
  (void) parameters;
  /* Hello is the only method of the interface info: GDBus refuses others. */
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", user_data));
}

static void
answer_hello (UmkIpcServer *self, GDBusConnection *connection)
{
  static GDBusNodeInfo *info;
  static const GDBusInterfaceVTable vtable = { on_bus_method, NULL, NULL, { 0 } };
  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (bus_xml, NULL));
  char *name = g_strdup_printf (":1.%u", ++self->n_clients);
  (void) g_dbus_connection_register_object (connection, "/org/freedesktop/DBus",
                                            info->interfaces[0], &vtable, name, g_free, NULL);
}

static gboolean
on_new_connection (GDBusServer *server, GDBusConnection *connection, gpointer user_data)
{
  UmkIpcServer *self = user_data;
  (void) server;
  if (self->shut_down)
    return FALSE; /* not claimed: GDBus drops it */
  GCredentials *credentials = g_dbus_connection_get_peer_credentials (connection);
  pid_t pid = credentials != NULL ? g_credentials_get_unix_pid (credentials, NULL) : -1;
  g_autofree char *label = g_strdup_printf ("unix client %ld", (long) pid);
  /* Connections the common constructors make are watched by them; this one
   * GDBusServer made. */
  umk_ipc_watch_connection (connection, label);
  answer_hello (self, connection);
  (void) add_connection (self, connection, label, FALSE);
  return TRUE; /* GDBus starts its message processing */
}

typedef struct
{
  GWeakRef self; /* not a reference: a source that never runs keeps nothing alive */
  GDBusConnection *connection;
  GDBusMethodInvocation *invocation;
} AttachData;

static void
attach_data_free (gpointer data)
{
  AttachData *d = data;
  g_weak_ref_clear (&d->self);
  g_object_unref (d->connection);
  /* Never left unanswered, even when the node went away first. */
  if (d->invocation != NULL)
    g_dbus_method_invocation_return_error_literal (
        d->invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE, "The node is shutting down");
  g_free (d);
}

static gboolean
attach_wallet_idle (gpointer data)
{
  AttachData *d = data;
  g_autoptr (UmkIpcServer) self = g_weak_ref_get (&d->self);
  if (self == NULL || self->shut_down)
    return G_SOURCE_REMOVE;
  Conn *c = find_conn (self, d->connection);
  g_autoptr (UmkWalletHost) wallet = umk_ipc_server_dup_wallet_host (self);
  g_autoptr (GError) error = NULL;
  if (c == NULL || c->is_parent)
    g_set_error_literal (&error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                         "Only a wallet process that attached through -ipcbind can attach");
  else if (wallet == NULL)
    g_set_error_literal (&error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                         "The node is not ready for a wallet yet");
  else
    umk_wallet_host_attach (wallet, d->connection, c->label, &error);
  GDBusMethodInvocation *invocation = g_steal_pointer (&d->invocation);
  if (error != NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, NULL);
  return G_SOURCE_REMOVE;
}

void
umk_ipc_server_attach_wallet (UmkIpcServer *self, GDBusConnection *connection,
                              GDBusMethodInvocation *invocation)
{
  g_return_if_fail (UMK_IS_IPC_SERVER (self));
  AttachData *d = g_new0 (AttachData, 1);
  g_weak_ref_init (&d->self, self);
  d->connection = g_object_ref (connection);
  d->invocation = invocation; /* ours to complete */
  g_main_context_invoke_full (g_main_loop_get_context (self->node->loop), G_PRIORITY_DEFAULT,
                              attach_wallet_idle, d, attach_data_free);
}

/* ---- -ipcbind ------------------------------------------------------------------------- */

/* Returns: 1 when something accepts connections on path, 0 when nobody
 * does (a socket left by a node that was killed), -errno otherwise. */
static int
socket_is_live (const char *path)
{
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -errno;
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  g_strlcpy (sa.sun_path, path, sizeof sa.sun_path);
  int r = connect (fd, (struct sockaddr *) &sa, sizeof sa);
  int saved = errno;
  close (fd);
  if (r == 0)
    return 1;
  return saved == ECONNREFUSED ? 0 : -saved;
}

/* The socket's folder: ours, and nobody else may put a file there (a
 * socket of their own, which our clients would talk to). A missing one is
 * made, 0700. */
static gboolean
prepare_folder (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct stat st;
  if (stat (dir, &st) != 0)
    {
      int saved = errno;
      if (saved != ENOENT)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                       "Cannot listen for IPC on %s: cannot read its folder %s: %s", path, dir,
                       g_strerror (saved));
          return FALSE;
        }
      if (g_mkdir_with_parents (dir, 0700) != 0)
        {
          saved = errno;
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                       "Cannot listen for IPC on %s: cannot create its folder %s: %s", path, dir,
                       g_strerror (saved));
          return FALSE;
        }
      umk_log_info ("IPC: created the folder %s (mode 0700)", dir);
      return TRUE;
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot listen for IPC on %s: %s is not a folder", path, dir);
      return FALSE;
    }
  if (st.st_uid != getuid () && st.st_uid != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot listen for IPC on %s: its folder %s belongs to another user (uid %ld)",
                   path, dir, (long) st.st_uid);
      return FALSE;
    }
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    {
      /* Even with the sticky bit, another user could have put a socket of
       * their own at the path while the node was not running. */
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot listen for IPC on %s: its folder %s may be written by other users "
                   "(mode %04o); use a folder only you can write to",
                   path, dir, (unsigned) (st.st_mode & 07777));
      return FALSE;
    }
  return TRUE;
}

/* Clears the way for a new socket: nothing there, or a stale socket. */
static gboolean
prepare_path (const char *path, GError **error)
{
  struct sockaddr_un sa;
  if (strlen (path) >= sizeof sa.sun_path)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot listen for IPC on %s: the path is longer than the %zu bytes a unix "
                   "socket allows",
                   path, sizeof sa.sun_path - 1);
      return FALSE;
    }
  if (!prepare_folder (path, error))
    return FALSE;
  struct stat st;
  if (lstat (path, &st) != 0)
    return TRUE;
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot listen for IPC on %s: a file that is not a socket is in the way", path);
      return FALSE;
    }
  int live = socket_is_live (path);
  if (live == 1)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot listen for IPC on %s: another node is listening on %s", path, path);
      return FALSE;
    }
  if (live < 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot listen for IPC on %s: cannot tell whether the socket there is in use: "
                   "%s",
                   path, g_strerror (-live));
      return FALSE;
    }
  if (unlink (path) != 0)
    {
      int saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot listen for IPC on %s: cannot remove the stale socket: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  umk_log_info ("IPC: removed the stale socket %s", path);
  return TRUE;
}

static gboolean
listen_on (UmkIpcServer *self, const char *path, GError **error)
{
  if (!prepare_path (path, error))
    return FALSE;
  g_autofree char *escaped = g_dbus_address_escape_value (path);
  g_autofree char *address = g_strconcat ("unix:path=", escaped, NULL);
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autoptr (GDBusAuthObserver) observer = umk_ipc_auth_observer_new ();
  g_autoptr (GError) local = NULL;
  /* ANONYMOUS offered too, for a client behind ssh -L: its own uid is not
   * the uid of the process that connects (sshd). The observer decides by
   * the kernel's word on the connecting process, whatever the mechanism. */
  GDBusServer *server = g_dbus_server_new_sync (
      address, G_DBUS_SERVER_FLAGS_AUTHENTICATION_ALLOW_ANONYMOUS, guid, observer, NULL, &local);
  if (server == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot listen for IPC on %s: %s", path,
                   local->message);
      return FALSE;
    }
  Listener *l = g_new0 (Listener, 1);
  l->server = server;
  l->path = g_strdup (path);
  g_ptr_array_add (self->listeners, l);
  /* Made under umask 077 already; 0600 says it plainly (only the owner may
   * connect to a unix socket it can write). */
  if (chmod (path, 0600) != 0)
    {
      int saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot listen for IPC on %s: cannot make the socket 0600: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  g_signal_connect (server, "new-connection", G_CALLBACK (on_new_connection), self);
  g_dbus_server_start (server);
  umk_log_info ("IPC: listening on %s", path);
  return TRUE;
}

static gboolean
start_listeners (UmkIpcServer *self, GError **error)
{
  g_auto (GStrv) values = umk_args_get_list (self->node->args, "-ipcbind");
  g_autofree char *default_path
      = g_build_filename (self->node->datadir_net, DEFAULT_SOCKET_NAME, NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; values[i] != NULL; i++)
    {
      GError *local = NULL;
      char *path = umk_ipc_parse_address ("-ipcbind", values[i], default_path, &local);
      if (path == NULL)
        {
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, local->message);
          g_error_free (local);
          return FALSE;
        }
      gboolean seen = FALSE;
      for (guint k = 0; k < paths->len && !seen; k++)
        seen = strcmp (paths->pdata[k], path) == 0;
      if (seen)
        g_free (path); /* the same socket twice is one socket */
      else
        g_ptr_array_add (paths, path);
    }
  for (guint i = 0; i < paths->len; i++)
    if (!listen_on (self, paths->pdata[i], error))
      return FALSE;
  return TRUE;
}

static void
stop_listeners (UmkIpcServer *self)
{
  for (guint i = 0; i < self->listeners->len; i++)
    {
      Listener *l = self->listeners->pdata[i];
      if (l->server == NULL)
        continue;
      g_dbus_server_stop (l->server);
      g_clear_object (&l->server);
      /* GLib 2.74 removes the socket file itself when the server stops;
       * older ones do not. */
      struct stat st;
      if (lstat (l->path, &st) == 0 && S_ISSOCK (st.st_mode) && unlink (l->path) != 0)
        umk_log_warning ("IPC: cannot remove %s: %s", l->path, g_strerror (errno));
      UMK_LOG_DEBUG (UMK_LOG_IPC, "IPC: stopped listening on %s", l->path);
    }
}

/* ---- -ipcfd ----------------------------------------------------------------------------- */

static gboolean
connect_parent (UmkIpcServer *self, GError **error)
{
  GError *local = NULL;
  int fd = umk_ipc_get_fd_arg (self->node->args, &local);
  if (fd == -1)
    return TRUE;
  if (fd < 0)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, local->message);
      g_error_free (local);
      return FALSE;
    }
  /* Blocking: the program that started us waits for this handshake, and
   * nothing else is running yet. */
  GDBusConnection *connection
      = umk_ipc_connection_new_for_fd_sync (fd, FALSE, "umkoin-gui", &local);
  if (connection == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot speak IPC on -ipcfd=%d: %s", fd,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  /* A parent that closed right after the handshake is noticed here or by
   * the "closed" signal, whichever comes first: either way the node logs it
   * and stops once start-up is done, with success (it was asked to go). */
  (void) add_connection (self, connection, "umkoin-gui", TRUE);
  g_dbus_connection_start_message_processing (connection);
  g_object_unref (connection);
  UMK_LOG_DEBUG (UMK_LOG_IPC, "IPC: connected on -ipcfd=%d", fd);
  return TRUE;
}

/* ---- Public API ------------------------------------------------------------------------ */

UmkIpcServer *
umk_ipc_server_new (UmkNode *node, GError **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_autoptr (UmkIpcServer) self = g_object_new (UMK_TYPE_IPC_SERVER, NULL);
  self->node = node;
  self->dispatcher = umk_rpc_dispatcher_new (node);
  self->node1 = umk_ipc_node1_new (self);
  self->chain1 = umk_ipc_chain1_new (self);
  if (!start_listeners (self, error) || !connect_parent (self, error))
    {
      umk_ipc_server_shutdown (self);
      return NULL;
    }
  node->init_message = on_init_message;
  node->init_message_user = self;
  return g_steal_pointer (&self);
}

void
umk_ipc_server_chainstate_loaded (UmkIpcServer *self)
{
  g_return_if_fail (UMK_IS_IPC_SERVER (self));
  g_return_if_fail (self->node->chainstate != NULL && self->node->mempool != NULL);
  umk_ipc_chain1_chainstate_loaded (self->chain1);
  umk_ipc_node1_chainstate_loaded (self->node1);
  /* The lock orders the node's fields before the flag for other threads. */
  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_mutex_unlock (&self->lock);
}

static void
on_wallet_changed (UmkWalletHost *host, gboolean running, const char *message, gpointer user_data)
{
  UmkIpcServer *self = user_data;
  (void) host;
  umk_ipc_node1_emit_wallet_process_changed (self->node1, running, message);
}

void
umk_ipc_server_set_wallet_host (UmkIpcServer *self, UmkWalletHost *host)
{
  g_return_if_fail (UMK_IS_IPC_SERVER (self));
  g_mutex_lock (&self->lock);
  UmkWalletHost *old = self->wallet;
  self->wallet = host != NULL ? g_object_ref (host) : NULL;
  g_mutex_unlock (&self->lock);
  if (old != NULL)
    {
      g_signal_handlers_disconnect_by_data (old, self);
      g_object_unref (old);
    }
  if (host == NULL)
    return;
  g_signal_connect_object (host, "changed", G_CALLBACK (on_wallet_changed), self, 0);
}

void
umk_ipc_server_shutdown (UmkIpcServer *self)
{
  g_return_if_fail (UMK_IS_IPC_SERVER (self));
  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_mutex_unlock (&self->lock);
  if (self->listeners != NULL)
    stop_listeners (self);
  if (self->dispatcher != NULL)
    umk_rpc_dispatcher_interrupt (self->dispatcher);
  if (self->node1 != NULL)
    umk_ipc_node1_shutdown (self->node1);
  g_mutex_lock (&self->lock);
  while (self->busy > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}

gboolean
umk_ipc_server_call_begin (UmkIpcServer *self, GDBusMethodInvocation *invocation,
                           gboolean need_chain)
{
  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      g_dbus_method_invocation_return_error_literal (
          invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE, "The node is shutting down");
      return FALSE;
    }
  if (need_chain && !self->ready)
    {
      g_autofree char *step
          = g_strdup (self->init_message != NULL ? self->init_message : "Starting");
      g_mutex_unlock (&self->lock);
      g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                                             "The node is still starting (%s)", step);
      return FALSE;
    }
  self->busy++;
  g_mutex_unlock (&self->lock);
  return TRUE;
}

void
umk_ipc_server_call_end (UmkIpcServer *self)
{
  g_mutex_lock (&self->lock);
  g_assert (self->busy > 0);
  if (--self->busy == 0)
    g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

UmkNode *
umk_ipc_server_get_node (UmkIpcServer *self)
{
  return self->node;
}

UmkRpcDispatcher *
umk_ipc_server_get_dispatcher (UmkIpcServer *self)
{
  return self->dispatcher;
}

gboolean
umk_ipc_server_chain_ready (UmkIpcServer *self)
{
  g_mutex_lock (&self->lock);
  gboolean ready = self->ready;
  g_mutex_unlock (&self->lock);
  return ready;
}

char *
umk_ipc_server_dup_init_message (UmkIpcServer *self)
{
  g_mutex_lock (&self->lock);
  char *message = g_strdup (self->init_message != NULL ? self->init_message : "Starting");
  g_mutex_unlock (&self->lock);
  return message;
}

UmkWalletHost *
umk_ipc_server_dup_wallet_host (UmkIpcServer *self)
{
  g_mutex_lock (&self->lock);
  UmkWalletHost *wallet = self->wallet != NULL ? g_object_ref (self->wallet) : NULL;
  g_mutex_unlock (&self->lock);
  return wallet;
}
