/* wallet-host.c — starting, watching and talking to umkoin-wallet. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "node/wallet-host.h"

#include "common/ipc-child.h"
#include "common/ipc.h"
#include "common/logging.h"
#include "common/value.h"
#include "node/options.h"

#include "umk-dbus.h"

#include <gio/gunixfdlist.h>
#include <string.h>
#include <unistd.h>

#define WALLET_PROGRAM "umkoin-wallet"
/* What Core logs for a start-up step; the wallet logs its own the same way. */
#define INIT_MESSAGE "init message: "
#define LOADER_IFACE "org.umkoin.WalletLoader1"
#define WALLET_IFACE "org.umkoin.Wallet1"

struct _UmkWalletHost
{
  GObject parent_instance;

  UmkNode *node;
  UmkIpcServer *ipc;
  UmkIpcChild *child; /* the wallet process we started, or NULL */
  GPid child_pid;
  gboolean started; /* it logged "init message: Done loading" */
  gboolean failed;  /* its handshake failed */
  gboolean stopping;

  GMutex lock;                 /* guards what follows: RPC and IPC threads read it */
  GDBusConnection *connection; /* the wallet process's, or NULL */
  UmkWalletLoader1 *loader;    /* proxy for its /org/umkoin/WalletLoader */
  char *label;                 /* names it in logs */
  gboolean attached;           /* came through -ipcbind (not ours to stop) */
  gulong closed_handler;
  GCancellable *cancellable; /* cancelled by umk_wallet_host_interrupt() */
};

G_DEFINE_FINAL_TYPE (UmkWalletHost, umk_wallet_host, G_TYPE_OBJECT)

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

static char *forward_rpc (gpointer user, const char *method, const char *params, const char *wallet,
                          gsize *len, GError **error);

/* ---- The connection in use --------------------------------------------------------------- */

/* Forgets the wallet's connection (lock not held). Returns: whether one was
 * in use, with its label and whether it was attached. */
static gboolean
drop_connection (UmkWalletHost *self, char **label, gboolean *attached)
{
  g_mutex_lock (&self->lock);
  GDBusConnection *connection = g_steal_pointer (&self->connection);
  UmkWalletLoader1 *loader = g_steal_pointer (&self->loader);
  char *old_label = g_steal_pointer (&self->label);
  gboolean was_attached = self->attached;
  gulong handler = self->closed_handler;
  self->closed_handler = 0;
  g_mutex_unlock (&self->lock);
  if (connection == NULL)
    {
      g_free (old_label);
      return FALSE;
    }
  if (handler != 0)
    g_signal_handler_disconnect (connection, handler);
  g_clear_object (&loader);
  g_object_unref (connection);
  if (label != NULL)
    *label = old_label;
  else
    g_free (old_label);
  if (attached != NULL)
    *attached = was_attached;
  return TRUE;
}

static void
on_wallet_connection_closed (GDBusConnection *connection, gboolean remote_peer_vanished,
                             GError *error, gpointer user_data)
{
  UmkWalletHost *self = user_data;
  (void) connection;
  (void) remote_peer_vanished;
  (void) error;
  g_autofree char *label = NULL;
  gboolean attached = FALSE;
  if (!drop_connection (self, &label, &attached))
    return;
  if (!attached)
    {
      /* Our own child: "exited" follows and says how it ended. */
      UMK_LOG_DEBUG (UMK_LOG_IPC, "IPC: the connection to %s closed", label);
      return;
    }
  if (self->stopping)
    return;
  g_autofree char *message = g_strdup_printf (
      "%s disconnected; wallet RPC methods are unavailable until a wallet attaches again", label);
  umk_log_warning ("%s", message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, FALSE, message);
}

/* Makes connection the wallet's (main thread). Returns: FALSE when a wallet
 * is in use already. */
static gboolean
use_connection (UmkWalletHost *self, GDBusConnection *connection, const char *label,
                gboolean attached)
{
  g_autoptr (GError) error = NULL;
  /* No name (peer-to-peer), no properties to load, no signals wanted: the
   * proxy makes no call of its own. */
  UmkWalletLoader1 *loader = umk_wallet_loader1_proxy_new_sync (
      connection,
      G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_CONNECT_SIGNALS
          | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START,
      NULL, UMK_IPC_WALLET_LOADER_PATH, NULL, &error);
  if (loader == NULL)
    {
      umk_log_warning ("IPC: cannot talk to %s: %s", label, error->message);
      return FALSE;
    }
  g_mutex_lock (&self->lock);
  if (self->connection != NULL)
    {
      g_autofree char *current = g_strdup (self->label);
      g_mutex_unlock (&self->lock);
      g_object_unref (loader);
      umk_log_info ("IPC: %s is a umkoin-wallet too; the node keeps using %s", label, current);
      return FALSE;
    }
  self->connection = g_object_ref (connection);
  self->loader = loader;
  self->label = g_strdup (label);
  self->attached = attached;
  self->closed_handler
      = g_signal_connect (connection, "closed", G_CALLBACK (on_wallet_connection_closed), self);
  g_mutex_unlock (&self->lock);
  if (g_dbus_connection_is_closed (connection))
    {
      on_wallet_connection_closed (connection, TRUE, NULL, self);
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_wallet_host_is_connected (UmkWalletHost *self)
{
  g_return_val_if_fail (UMK_IS_WALLET_HOST (self), FALSE);
  g_mutex_lock (&self->lock);
  gboolean connected = self->connection != NULL;
  g_mutex_unlock (&self->lock);
  return connected;
}

/* ---- The process we start ---------------------------------------------------------------- */

static void
on_child_output (UmkIpcChild *child, const char *line, gpointer user_data)
{
  UmkWalletHost *self = user_data;
  (void) child;
  umk_log_info ("[wallet] %s", line);
  /* Its start-up steps ("Loading wallet…") are the node's too, as in Core,
   * where the wallet is part of the node's start-up; its "Done loading"
   * ends umk_wallet_host_wait_ready(). */
  const char *step = strstr (line, INIT_MESSAGE);
  if (step == NULL)
    return;
  step += strlen (INIT_MESSAGE);
  if (strcmp (step, "Done loading") == 0)
    self->started = TRUE;
  else if (self->node->init_message != NULL)
    self->node->init_message (self->node->init_message_user, step);
}

static void
on_child_connected (UmkIpcChild *child, GDBusConnection *connection, gpointer user_data)
{
  UmkWalletHost *self = user_data;
  (void) child;
  g_autofree char *label = g_strdup_printf (WALLET_PROGRAM " (pid %d)", (int) self->child_pid);
  /* Node1 and Chain1 first, then the wallet's calls may come in. */
  umk_ipc_server_add_connection (self->ipc, connection, WALLET_PROGRAM);
  gboolean used = !self->stopping && use_connection (self, connection, label, FALSE);
  g_dbus_connection_start_message_processing (connection);
  if (!used)
    return;
  g_autofree char *message = g_strdup_printf ("%s started", label);
  umk_log_info ("%s", message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, TRUE, message);
}

static void
on_child_connect_failed (UmkIpcChild *child, const GError *error, gpointer user_data)
{
  UmkWalletHost *self = user_data;
  umk_log_warning (WALLET_PROGRAM " (pid %d) could not be reached over IPC: %s; the node runs "
                                  "without a wallet",
                   (int) self->child_pid, error->message);
  self->failed = TRUE;
  umk_ipc_child_terminate (child);
}

static void
on_child_exited (UmkIpcChild *child, int wait_status, const char *description, gpointer user_data)
{
  UmkWalletHost *self = user_data;
  (void) child;
  (void) wait_status;
  gboolean had_connection = FALSE;
  g_mutex_lock (&self->lock);
  had_connection = self->connection != NULL && !self->attached;
  g_mutex_unlock (&self->lock);
  if (had_connection)
    drop_connection (self, NULL, NULL);
  if (self->stopping)
    {
      umk_log_info (WALLET_PROGRAM " (pid %d) %s", (int) self->child_pid, description);
      return;
    }
  g_autofree char *message
      = g_strdup_printf (WALLET_PROGRAM " (pid %d) %s; wallet RPC methods are unavailable until "
                                        "the node restarts",
                         (int) self->child_pid, description);
  umk_log_warning ("%s", message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, FALSE, message);
}

/* What the node's command line says that concerns the wallet process too.
 * The wallet reads the same umkoin.conf and settings.json itself (same
 * datadir, same -conf), so only the command line is passed on: passing the
 * merged values would give it every config-file value twice (a -wallet
 * loaded twice), or two chain selections (-chain= and the file's regtest=1). */
static const char *const passed_options[] = {
  /* where and which chain */
  "-conf",
  "-settings",
  "-chain",
  "-regtest",
  "-testnet",
  "-testnet4",
  "-signet",
  "-signetchallenge",
  "-signetseednode",
  /* logging */
  "-debug",
  "-debugexclude",
  "-loglevel",
  "-logips",
  "-logsourcelocations",
  "-logthreadnames",
  /* the wallet options */
  "-walletdir",
  "-wallet",
  "-addresstype",
  "-avoidpartialspends",
  "-changetype",
  "-consolidatefeerate",
  "-discardfee",
  "-fallbackfee",
  "-keypool",
  "-maxapsfee",
  "-mintxfee",
  "-signer",
  "-spendzeroconfchange",
  "-txconfirmtarget",
  "-walletbroadcast",
  "-walletnotify",
  "-walletrbf",
  "-maxtxfee",
  "-unsafesqlitesync",
  "-walletcrosschain",
  "-walletrejectlongchains",
};

/* Adds each value of option name as cmdline has it: "-name" (bare) or
 * "-name=value" each time, or "-noname" when it is negated. */
static void
pass_option (GPtrArray *argv, const UmkArgs *cmdline, const char *name)
{
  if (!umk_args_is_set (cmdline, name))
    return;
  if (umk_args_is_negated (cmdline, name))
    {
      g_ptr_array_add (argv, g_strdup_printf ("-no%s", name + 1));
      return;
    }
  g_auto (GStrv) values = umk_args_get_list (cmdline, name);
  for (guint i = 0; values[i] != NULL; i++)
    g_ptr_array_add (argv, values[i][0] == '\0' ? g_strdup (name)
                                                : g_strdup_printf ("%s=%s", name, values[i]));
}

void
umk_wallet_host_spawn (UmkWalletHost *self)
{
  g_return_if_fail (UMK_IS_WALLET_HOST (self));
  g_return_if_fail (self->child == NULL);
  g_autofree char *program = umk_ipc_find_program (WALLET_PROGRAM, "wallet");
  g_autofree char *datadir = umk_args_get_datadir_base (self->node->args);

  /* The node's command line again, on its own (the node parsed it once
   * already, so it parses). */
  g_autoptr (UmkArgs) cmdline = umk_args_new ();
  umk_node_add_options (cmdline);
  g_autoptr (GError) parse_error = NULL;
  if (self->node->argv != NULL
      && !umk_args_parse (cmdline, self->node->argc, self->node->argv, &parse_error))
    umk_log_warning ("%s gets none of the node's options: %s", WALLET_PROGRAM,
                     parse_error->message);

  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (program));
  /* Absolute: the wallet may not share our idea of a relative one. */
  if (datadir != NULL)
    g_ptr_array_add (argv, g_strdup_printf ("-datadir=%s", datadir));
  for (guint i = 0; i < G_N_ELEMENTS (passed_options); i++)
    pass_option (argv, cmdline, passed_options[i]);
  /* Its log comes to us on stderr, and we put it into debug.log (these
   * beat anything its config file says). */
  g_ptr_array_add (argv, g_strdup ("-printtoconsole=1"));
  g_ptr_array_add (argv, g_strdup ("-nodebuglogfile"));
  g_ptr_array_add (argv, g_strdup ("-logtimestamps=0"));
  g_ptr_array_add (argv, NULL);

  g_autoptr (GError) error = NULL;
  self->child = umk_ipc_child_spawn ((const char *const *) argv->pdata, WALLET_PROGRAM, &error);
  if (self->child == NULL)
    {
      umk_log_warning ("Could not start %s (%s): %s; the node runs without a wallet",
                       WALLET_PROGRAM, program, error->message);
      return;
    }
  self->child_pid = umk_ipc_child_get_pid (self->child);
  g_signal_connect_object (self->child, "output", G_CALLBACK (on_child_output), self, 0);
  g_signal_connect_object (self->child, "connected", G_CALLBACK (on_child_connected), self, 0);
  g_signal_connect_object (self->child, "connect-failed", G_CALLBACK (on_child_connect_failed),
                           self, 0);
  g_signal_connect_object (self->child, "exited", G_CALLBACK (on_child_exited), self, 0);
  g_autofree char *joined = g_strjoinv (" ", (char **) argv->pdata);
  umk_log_info ("Started %s (pid %d): %s", WALLET_PROGRAM, (int) self->child_pid, joined);
}

static gboolean
wake_up (gpointer data)
{
  gboolean *expired = data;
  *expired = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
umk_wallet_host_wait_ready (UmkWalletHost *self, guint timeout_ms)
{
  g_return_val_if_fail (UMK_IS_WALLET_HOST (self), FALSE);
  if (self->child == NULL)
    return FALSE;
  GMainContext *context = g_main_loop_get_context (self->node->loop);
  gboolean expired = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timer, wake_up, &expired, NULL);
  g_source_attach (timer, context);
  while (!self->started && !self->failed && !expired && umk_ipc_child_is_running (self->child)
         && !umk_node_shutdown_requested (self->node))
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  if (expired && !self->started)
    umk_log_warning ("%s (pid %d) did not finish its start-up within %u s; the node goes on",
                     WALLET_PROGRAM, (int) self->child_pid, timeout_ms / 1000);
  return self->started;
}

/* ---- Wallets that attach through -ipcbind ----------------------------------------------- */

gboolean
umk_wallet_host_attach (UmkWalletHost *self, GDBusConnection *connection, const char *label,
                        GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET_HOST (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_autofree char *name = g_strdup_printf (WALLET_PROGRAM " (%s)", label != NULL ? label : "peer");
  if (self->stopping)
    {
      g_set_error_literal (error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                           "The node is shutting down");
      return FALSE;
    }
  if (umk_wallet_host_is_connected (self) || !use_connection (self, connection, name, TRUE))
    {
      g_mutex_lock (&self->lock);
      g_autofree char *current = g_strdup (self->label != NULL ? self->label : "another wallet");
      g_mutex_unlock (&self->lock);
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                   "A wallet process already serves this node: %s", current);
      return FALSE;
    }
  g_autofree char *message = g_strdup_printf ("%s attached", name);
  umk_log_info ("%s", message);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, TRUE, message);
  return TRUE;
}

/* ---- RPC forwarding (RPC and IPC threads) -------------------------------------------------- */

/* The wallet's reply object → the result as JSON text, or the RPC error.
 * Read with common/value.h, which keeps numbers as written: the wallet's
 * amounts reach the client with their digits ("0.00000000"). */
static char *
parse_reply (const char *reply, gsize *len, GError **error)
{
  g_autoptr (UmkValue) root = umk_value_read (reply, strlen (reply));
  /* A missing member is the shared null value, an explicit null is not. */
  if (root == NULL || umk_value_type (root) != UMK_VALUE_OBJECT
      || umk_value_get (root, "result") == umk_value_null ())
    {
      umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "umkoin-wallet sent a malformed reply");
      return NULL;
    }
  const UmkValue *err = umk_value_get (root, "error");
  if (umk_value_type (err) == UMK_VALUE_OBJECT)
    {
      int code = UMK_RPC_MISC_ERROR;
      const UmkValue *c = umk_value_get (err, "code");
      if (umk_value_type (c) == UMK_VALUE_NUMBER && !umk_value_get_int (c, &code, NULL))
        code = UMK_RPC_MISC_ERROR;
      const UmkValue *m = umk_value_get (err, "message");
      umk_rpc_set_error (error, code, "%s",
                         umk_value_type (m) == UMK_VALUE_STRING ? umk_value_val_str (m) : "");
      return NULL;
    }
  GString *text = g_string_new (NULL);
  umk_value_write (umk_value_get (root, "result"), 0, text);
  *len = text->len;
  return g_string_free (text, FALSE);
}

static char *
forward_rpc (gpointer user, const char *method, const char *params, const char *wallet, gsize *len,
             GError **error)
{
  UmkWalletHost *self = user;
  g_mutex_lock (&self->lock);
  GDBusConnection *connection = self->connection != NULL ? g_object_ref (self->connection) : NULL;
  GCancellable *cancellable = g_object_ref (self->cancellable);
  g_mutex_unlock (&self->lock);
  char *result = NULL;
  if (connection == NULL)
    umk_rpc_set_error (error, UMK_RPC_METHOD_NOT_FOUND, "Method not found");
  else if (g_cancellable_is_cancelled (cancellable))
    umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Shutting down");
  else
    {
      g_autofree char *path = wallet != NULL ? umk_ipc_wallet_object_path (wallet)
                                             : g_strdup (UMK_IPC_WALLET_LOADER_PATH);
      g_autoptr (GError) local = NULL;
      /* No timeout: a wallet method may rightly take long (a rescan), and a
       * wallet that dies fails the call at once (the connection closes). */
      g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
          connection, NULL, path, wallet != NULL ? WALLET_IFACE : LOADER_IFACE, "ExecuteRpc",
          g_variant_new ("(ss)", method, params != NULL ? params : ""), G_VARIANT_TYPE ("(s)"),
          G_DBUS_CALL_FLAGS_NONE, G_MAXINT, cancellable, &local);
      if (reply != NULL)
        {
          const char *text = NULL;
          g_variant_get (reply, "(&s)", &text);
          result = parse_reply (text, len, error);
        }
      else if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Shutting down");
      else if (wallet != NULL
               && (g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
                   || g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT)
                   || g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_INTERFACE)))
        umk_rpc_set_error (error, -18, "Requested wallet does not exist or is not loaded");
      else if (g_dbus_connection_is_closed (connection)
               || g_error_matches (local, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
        umk_rpc_set_error (error, UMK_RPC_METHOD_NOT_FOUND, "Method not found");
      else
        {
          g_dbus_error_strip_remote_error (local);
          umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "umkoin-wallet: %s", local->message);
        }
    }
  g_clear_object (&connection);
  g_object_unref (cancellable);
  return result;
}

/* ---- ConnectWallet ------------------------------------------------------------------------ */

int
umk_wallet_host_connect (UmkWalletHost *self, GError **error)
{
  g_return_val_if_fail (UMK_IS_WALLET_HOST (self), -1);
  g_mutex_lock (&self->lock);
  UmkWalletLoader1 *loader = self->loader != NULL ? g_object_ref (self->loader) : NULL;
  GCancellable *cancellable = g_object_ref (self->cancellable);
  g_mutex_unlock (&self->lock);
  int result = -1;
  int fds[2];
  if (loader == NULL)
    g_set_error_literal (error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                         "No wallet process is running");
  else if (umk_ipc_socketpair (fds, error))
    {
      g_autoptr (GUnixFDList) list = g_unix_fd_list_new ();
      g_autoptr (GError) local = NULL;
      if (g_unix_fd_list_append (list, fds[0], &local) < 0
          || !umk_wallet_loader1_call_add_connection_sync (loader, g_variant_new_handle (0), list,
                                                           NULL, cancellable, &local))
        {
          close (fds[1]);
          g_dbus_error_strip_remote_error (local);
          g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_FAILED,
                       "umkoin-wallet did not take the connection: %s", local->message);
        }
      else
        result = fds[1];
      close (fds[0]); /* the list holds its own copy, now in the wallet */
    }
  g_clear_object (&loader);
  g_object_unref (cancellable);
  return result;
}

/* ---- Life ------------------------------------------------------------------------------------ */

void
umk_wallet_host_interrupt (UmkWalletHost *self)
{
  g_return_if_fail (UMK_IS_WALLET_HOST (self));
  g_mutex_lock (&self->lock);
  GCancellable *cancellable = g_object_ref (self->cancellable);
  g_mutex_unlock (&self->lock);
  g_cancellable_cancel (cancellable);
  g_object_unref (cancellable);
}

void
umk_wallet_host_stop (UmkWalletHost *self, guint timeout_ms)
{
  g_return_if_fail (UMK_IS_WALLET_HOST (self));
  if (self->stopping)
    return;
  self->stopping = TRUE;
  umk_rpc_set_wallet_forwarder (NULL, NULL);
  umk_wallet_host_interrupt (self);
  if (self->child != NULL && umk_ipc_child_is_running (self->child))
    {
      umk_log_info ("Stopping %s (pid %d)", WALLET_PROGRAM, (int) self->child_pid);
      umk_ipc_child_terminate (self->child);
      if (!umk_ipc_child_wait (self->child, timeout_ms))
        umk_log_warning ("%s (pid %d) did not stop within %u ms; killed", WALLET_PROGRAM,
                         (int) self->child_pid, timeout_ms);
    }
  drop_connection (self, NULL, NULL);
}

static void
umk_wallet_host_dispose (GObject *object)
{
  UmkWalletHost *self = UMK_WALLET_HOST (object);
  umk_wallet_host_stop (self, 0);
  if (self->child != NULL)
    g_signal_handlers_disconnect_by_data (self->child, self);
  g_clear_object (&self->child);
  G_OBJECT_CLASS (umk_wallet_host_parent_class)->dispose (object);
}

static void
umk_wallet_host_finalize (GObject *object)
{
  UmkWalletHost *self = UMK_WALLET_HOST (object);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (umk_wallet_host_parent_class)->finalize (object);
}

static void
umk_wallet_host_class_init (UmkWalletHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_wallet_host_dispose;
  object_class->finalize = umk_wallet_host_finalize;
  signals[SIGNAL_CHANGED]
      = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_BOOLEAN, G_TYPE_STRING);
}

static void
umk_wallet_host_init (UmkWalletHost *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
}

UmkWalletHost *
umk_wallet_host_new (UmkNode *node, UmkIpcServer *ipc)
{
  g_return_val_if_fail (node != NULL && UMK_IS_IPC_SERVER (ipc), NULL);
  UmkWalletHost *self = g_object_new (UMK_TYPE_WALLET_HOST, NULL);
  self->node = node;
  self->ipc = ipc;
  umk_rpc_set_wallet_forwarder (forward_rpc, self);
  return self;
}
