/* test-ipc.c — the private D-Bus plumbing (common/ipc.c, common/ipc-child.c)
 * over real socketpairs and real child processes. */
#include "config.h"

#include "common/ipc-child.h"
#include "common/ipc.h"
#include "common/logging.h"
#include "test-util.h"
#include "umk-dbus.h"

#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- object paths, addresses, options -------------------------------------------------- */

static void
test_wallet_paths (void)
{
  const char *names[] = { "", "w", "_", "my wallet", "a/b", "../x", "ünï", "5f", "_5f" };
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = umk_ipc_wallet_object_path (names[i]);
      g_assert_true (g_variant_is_object_path (path));
      g_assert_true (g_str_has_prefix (path, UMK_IPC_WALLET_PATH_PREFIX));
      /* Different names, different objects. */
      g_assert_false (g_hash_table_contains (seen, path));
      g_hash_table_add (seen, g_strdup (path));
      g_autofree char *back = umk_ipc_wallet_name_from_path (path);
      g_assert_cmpstr (back, ==, names[i]);
    }
  g_assert_null (umk_ipc_wallet_name_from_path ("/org/umkoin/Node"));
  g_assert_null (umk_ipc_wallet_name_from_path (UMK_IPC_WALLET_PATH_PREFIX));
  g_assert_null (umk_ipc_wallet_name_from_path (UMK_IPC_WALLET_PATH_PREFIX "a/b"));
  g_assert_null (umk_ipc_wallet_name_from_path (NULL));
}

static void
test_parse_address (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *a = umk_ipc_parse_address ("-ipcbind", "unix", "/d/node.sock", &error);
  g_assert_cmpstr (a, ==, "/d/node.sock");
  g_autofree char *b = umk_ipc_parse_address ("-ipcbind", "unix:/tmp/x.sock", "/d", &error);
  g_assert_cmpstr (b, ==, "/tmp/x.sock");
  g_autofree char *c = umk_ipc_parse_address ("-ipcbind", "unix:rel.sock", "/d", &error);
  g_assert_true (g_path_is_absolute (c));
  g_assert_true (g_str_has_suffix (c, "/rel.sock"));
  g_assert_no_error (error);

  const char *bad[] = { "tcp:127.0.0.1:1", "unix:", "unixx", "/tmp/x.sock" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree char *p = umk_ipc_parse_address ("-ipcconnect", bad[i], "/d", &e);
      g_assert_null (p);
      g_assert_error (e, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS);
      g_assert_nonnull (strstr (e->message, "-ipcconnect"));
    }
}

static void
test_fd_arg (void)
{
  g_autoptr (UmkArgs) args = umk_args_new ();
  umk_ipc_add_options (args, TRUE);
  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, NULL));
  g_autofree char *good = g_strdup_printf ("-ipcfd=%d", fds[0]);
  const char *argv[] = { "prog", good, NULL };
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_parse (args, 2, argv, &error));
  g_assert_cmpint (umk_ipc_get_fd_arg (args, &error), ==, fds[0]);
  g_assert_no_error (error);

  /* Not a socket, not open, not a number. */
  int devnull = g_open ("/dev/null", O_RDONLY, 0);
  g_autofree char *file = g_strdup_printf ("-ipcfd=%d", devnull);
  const char *bad[] = { file, "-ipcfd=987654", "-ipcfd=x", "-ipcfd=-1" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (UmkArgs) a = umk_args_new ();
      umk_ipc_add_options (a, FALSE);
      const char *v[] = { "prog", bad[i], NULL };
      g_assert_true (umk_args_parse (a, 2, v, NULL));
      g_autoptr (GError) e = NULL;
      g_assert_cmpint (umk_ipc_get_fd_arg (a, &e), ==, -2);
      g_assert_error (e, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS);
    }
  g_autoptr (UmkArgs) none = umk_args_new ();
  umk_ipc_add_options (none, FALSE);
  g_assert_cmpint (umk_ipc_get_fd_arg (none, NULL), ==, -1);
  close (devnull);
  close (fds[0]);
  close (fds[1]);
}

/* ---- connections -------------------------------------------------------------------------- */

/* A Node1 skeleton with handlers that exercise the plumbing: replies, errors
 * of our domain, and fd passing. It stands in for nothing: the node's own
 * implementation is tested in the functional suite. */
static gboolean
handle_get_tip (UmkNode1 *node, GDBusMethodInvocation *inv, gpointer user_data)
{
  (void) user_data;
  umk_node1_complete_get_tip (node, inv, 7, "00ff", 1234, 0.5, FALSE);
  return TRUE;
}

static gboolean
handle_get_blockchain_info (UmkNode1 *node, GDBusMethodInvocation *inv, gpointer user_data)
{
  (void) node;
  (void) user_data;
  g_dbus_method_invocation_return_error (inv, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                         "nothing here");
  return TRUE;
}

static gboolean
handle_connect_wallet (UmkNode1 *node, GDBusMethodInvocation *inv, GUnixFDList *in_fds,
                       gpointer user_data)
{
  (void) in_fds;
  (void) user_data;
  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, NULL));
  g_autoptr (GUnixFDList) list = g_unix_fd_list_new_from_array (&fds[0], 1);
  /* Keep the other end open long enough to be checked: write a byte. */
  g_assert_cmpint (write (fds[1], "x", 1), ==, 1);
  close (fds[1]);
  umk_node1_complete_connect_wallet (node, inv, list, g_variant_new_handle (0));
  return TRUE;
}

typedef struct
{
  GDBusConnection *server;
  GDBusConnection *client;
  UmkNode1 *skeleton;
  char *log_dir;
  char *log_path;
  /* The server end lives on a thread of its own with its own main loop, as
   * in a real process whose main thread is busy: this thread then makes
   * blocking calls. */
  GThread *thread;
  GMainLoop *loop;
  int server_fd;
  GMutex lock;
  GCond cond;
  gboolean ready;
} Pair;

/* Drops our reference to a closed connection and waits until it is gone:
 * GDBus's worker thread lets go of it a moment after the close, and the
 * leak checker must not see it (and its -debug=ipc watch) at exit. */
static void
release_connection (GDBusConnection **conn, GMainContext *context)
{
  GDBusConnection *weak = *conn;
  g_object_add_weak_pointer (G_OBJECT (weak), (gpointer *) &weak);
  g_dbus_connection_close_sync (weak, NULL, NULL);
  g_clear_object (conn);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (weak != NULL && g_get_monotonic_time () < deadline)
    if (!g_main_context_iteration (context, FALSE))
      g_usleep (1000);
  g_assert_null (weak);
}

static gpointer
server_thread (gpointer data)
{
  Pair *p = data;
  GMainContext *context = g_main_context_new ();
  g_main_context_push_thread_default (context);
  p->loop = g_main_loop_new (context, FALSE);

  g_autoptr (GError) error = NULL;
  p->server = umk_ipc_connection_new_for_fd_sync (p->server_fd, TRUE, "test client", &error);
  g_assert_no_error (error);
  p->skeleton = UMK_NODE1 (umk_node1_skeleton_new ());
  g_signal_connect (p->skeleton, "handle-get-tip", G_CALLBACK (handle_get_tip), NULL);
  g_signal_connect (p->skeleton, "handle-get-blockchain-info",
                    G_CALLBACK (handle_get_blockchain_info), NULL);
  g_signal_connect (p->skeleton, "handle-connect-wallet", G_CALLBACK (handle_connect_wallet), NULL);
  g_assert_true (g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (p->skeleton),
                                                   p->server, UMK_IPC_NODE_PATH, NULL));
  g_dbus_connection_start_message_processing (p->server);

  g_mutex_lock (&p->lock);
  p->ready = TRUE;
  g_cond_signal (&p->cond);
  g_mutex_unlock (&p->lock);

  g_main_loop_run (p->loop);

  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (p->skeleton));
  g_clear_object (&p->skeleton);
  release_connection (&p->server, context);
  g_main_loop_unref (p->loop);
  g_main_context_pop_thread_default (context);
  /* Let sources the connection left behind run out before the context goes. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);
  return NULL;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
pair_setup (Pair *p, gconstpointer data)
{
  (void) data;
  /* Log -debug=ipc to a file we read back. */
  p->log_dir = g_dir_make_tmp ("umk-ipc-XXXXXX", NULL);
  p->log_path = g_build_filename (p->log_dir, "debug.log", NULL);
  g_autoptr (UmkArgs) args = umk_args_new ();
  umk_log_add_options (args);
  const char *argv[] = { "t", "-debug=ipc", "-printtoconsole=0", NULL };
  g_assert_true (umk_args_parse (args, 3, argv, NULL));
  g_assert_true (umk_log_configure (args, p->log_dir, FALSE, NULL));
  g_assert_true (umk_log_start (NULL));

  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, NULL));
  p->server_fd = fds[0];
  g_mutex_init (&p->lock);
  g_cond_init (&p->cond);
  p->thread = g_thread_new ("server", server_thread, p);
  g_autoptr (GError) error = NULL;
  p->client = umk_ipc_connection_new_for_fd_sync (fds[1], FALSE, "test server", &error);
  g_assert_no_error (error);
  g_dbus_connection_start_message_processing (p->client);
  g_mutex_lock (&p->lock);
  while (!p->ready)
    g_cond_wait (&p->cond, &p->lock);
  g_mutex_unlock (&p->lock);
}

static void
pair_teardown (Pair *p, gconstpointer data)
{
  (void) data;
  GSource *quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_loop, p->loop, NULL);
  g_source_attach (quit, g_main_loop_get_context (p->loop));
  g_source_unref (quit);
  g_thread_join (p->thread);
  release_connection (&p->client, NULL);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->cond);
  umk_log_shutdown ();
  g_unlink (p->log_path);
  g_rmdir (p->log_dir);
  g_free (p->log_path);
  g_free (p->log_dir);
}

static UmkNode1 *
client_proxy (Pair *p)
{
  g_autoptr (GError) error = NULL;
  UmkNode1 *proxy = umk_node1_proxy_new_sync (
      p->client, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES,
      NULL, UMK_IPC_NODE_PATH, NULL, &error);
  g_assert_no_error (error);
  return proxy;
}

static char *
read_log (Pair *p)
{
  char *text = NULL;
  g_assert_true (g_file_get_contents (p->log_path, &text, NULL, NULL));
  return text;
}

static void
test_call_reply_and_log (Pair *p, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkNode1) proxy = client_proxy (p);
  gint height = 0;
  g_autofree char *hash = NULL;
  gint64 time = 0;
  double progress = 0;
  gboolean ibd = TRUE;
  g_autoptr (GError) error = NULL;
  gboolean ok
      = umk_node1_call_get_tip_sync (proxy, &height, &hash, &time, &progress, &ibd, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpint (height, ==, 7);
  g_assert_cmpstr (hash, ==, "00ff");
  g_assert_cmpint (time, ==, 1234);
  g_assert_false (ibd);

  /* Our error domain crosses the connection with its code and message. */
  g_autoptr (GVariant) info = NULL;
  g_assert_false (umk_node1_call_get_blockchain_info_sync (proxy, &info, NULL, &error));
  g_assert_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "nothing here"));
  g_clear_error (&error);

  /* An unknown method is a D-Bus error, not a crash. */
  g_autoptr (GVariant) r = g_dbus_connection_call_sync (
      p->client, NULL, UMK_IPC_NODE_PATH, "org.umkoin.Node1", "NoSuchMethod", NULL, NULL,
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_null (r);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD);
  g_clear_error (&error);
  /* Wrong argument types likewise. */
  g_autoptr (GVariant) r2 = g_dbus_connection_call_sync (
      p->client, NULL, UMK_IPC_NODE_PATH, "org.umkoin.Node1", "ExecuteRpc",
      g_variant_new ("(i)", 5), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_null (r2);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  /* A signal. */
  umk_node1_emit_init_message (p->skeleton, "Loading block index…");
  g_assert_true (g_dbus_connection_flush_sync (p->server, NULL, NULL));
  /* Round trip once more so the signal has been read by the client. */
  g_assert_true (umk_node1_call_get_tip_sync (proxy, &height, NULL, NULL, NULL, NULL, NULL, NULL));

  g_autofree char *log = read_log (p);
  /* Each side logs the call, the reply with its latency, the error and the signal. */
  g_assert_nonnull (strstr (log, "[ipc] ipc: test server -> call org.umkoin.Node1.GetTip() #"));
  g_assert_nonnull (strstr (log, "[ipc] ipc: test client <- call org.umkoin.Node1.GetTip() #"));
  g_assert_nonnull (strstr (log, "ipc: test client -> reply org.umkoin.Node1.GetTip #"));
  g_assert_nonnull (strstr (log, "(7, '00ff', 1234, 0.5, false) (handled in "));
  g_assert_nonnull (strstr (log, "ipc: test server <- reply org.umkoin.Node1.GetTip #"));
  g_assert_nonnull (strstr (log, " ms)"));
  g_assert_nonnull (strstr (log, "error org.umkoin.Node1.GetBlockchainInfo #"));
  g_assert_nonnull (strstr (log, "org.umkoin.Error.NotFound: nothing here (latency "));
  g_assert_nonnull (strstr (log, "org.freedesktop.DBus.Error.UnknownMethod"));
  g_assert_nonnull (strstr (log, "signal org.umkoin.Node1.InitMessage('Loading block index…')"));
}

static void
test_long_arguments_cut (Pair *p, gconstpointer data)
{
  (void) data;
  /* A 1 MB string argument must be logged cut, not whole. */
  g_autofree char *big = g_strnfill (1 << 20, 'a');
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) r = g_dbus_connection_call_sync (
      p->client, NULL, UMK_IPC_NODE_PATH, "org.umkoin.Node1", "ExecuteRpc",
      g_variant_new ("(sss)", big, "", ""), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  /* The skeleton has no ExecuteRpc handler: an error, after logging. */
  g_assert_null (r);
  g_autofree char *log = read_log (p);
  g_assert_nonnull (strstr (log, "call org.umkoin.Node1.ExecuteRpc(<s, 1048577 bytes>, '', '')"));
  g_assert_cmpuint (strlen (log), <, 100000);

  g_autofree char *cut = umk_ipc_cut ("ääääää", 3);
  g_assert_cmpstr (cut, ==, "äää…(3 more)");
  g_autofree char *whole = umk_ipc_cut ("abc", 3);
  g_assert_cmpstr (whole, ==, "abc");
}

static void
test_fd_passing (Pair *p, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkNode1) proxy = client_proxy (p);
  g_autoptr (GVariant) handle = NULL;
  g_autoptr (GUnixFDList) list = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_node1_call_connect_wallet_sync (proxy, NULL, &handle, &list, NULL, &error));
  g_assert_no_error (error);
  int fd = umk_ipc_steal_fd (list, handle, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fd, >=, 0);
  char byte = 0;
  g_assert_cmpint (read (fd, &byte, 1), ==, 1);
  g_assert_cmpint (byte, ==, 'x');
  close (fd);

  /* A handle that points past the list, or no list, is refused. */
  g_assert_cmpint (umk_ipc_steal_fd (list, g_variant_new_handle (5), &error), ==, -1);
  g_assert_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  g_assert_cmpint (umk_ipc_steal_fd (NULL, g_variant_new_handle (0), &error), ==, -1);
  g_clear_error (&error);
  /* A fd that is not a socket is refused too. */
  int devnull = g_open ("/dev/null", O_RDONLY, 0);
  g_autoptr (GUnixFDList) files = g_unix_fd_list_new_from_array (&devnull, 1);
  g_autoptr (GVariant) h0 = g_variant_ref_sink (g_variant_new_handle (0));
  g_assert_cmpint (umk_ipc_steal_fd (files, h0, &error), ==, -1);
  g_assert_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS);
}

/* ---- authentication ------------------------------------------------------------------------ */

typedef struct
{
  GDBusConnection *conn;
  GError *error;
  gboolean done;
} Handshake;

static void
on_handshake (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  Handshake *h = user_data;
  h->conn = umk_ipc_connection_new_finish (result, &h->error);
  h->done = TRUE;
}

/* A peer running as another uid is refused by the server end. Needs root to
 * become another user; skipped otherwise. */
static void
test_other_uid_refused (void)
{
  if (getuid () != 0)
    {
      g_test_skip ("needs root to run a peer as another uid");
      return;
    }
  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, NULL));
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child: become nobody, then try the client handshake. */
      close (fds[0]);
      if (setgid (65534) != 0 || setuid (65534) != 0)
        _exit (2);
      GDBusConnection *c = umk_ipc_connection_new_for_fd_sync (fds[1], FALSE, "server", NULL);
      _exit (c != NULL ? 0 : 1);
    }
  close (fds[1]);
  Handshake h = { 0 };
  umk_ipc_connection_new_for_fd (fds[0], TRUE, "nobody", NULL, on_handshake, &h);
  UMK_TEST_WAIT_UNTIL (h.done);
  g_assert_null (h.conn);
  g_assert_nonnull (h.error);
  g_clear_error (&h.error);
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
}

static void
test_same_uid_accepted_sync (void)
{
  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, NULL));
  Handshake h = { 0 };
  umk_ipc_connection_new_for_fd (fds[0], TRUE, "c", NULL, on_handshake, &h);
  g_autoptr (GError) error = NULL;
  /* The sync client handshake runs while the server side answers from
   * GDBus's worker thread. */
  g_autoptr (GDBusConnection) client
      = umk_ipc_connection_new_for_fd_sync (fds[1], FALSE, "s", &error);
  g_assert_no_error (error);
  g_assert_nonnull (client);
  UMK_TEST_WAIT_UNTIL (h.done);
  g_assert_no_error (h.error);
  GDBusConnection *server = h.conn;
  /* EXTERNAL was the mechanism: the server knows the peer's uid. */
  GCredentials *cred = g_dbus_connection_get_peer_credentials (server);
  g_assert_nonnull (cred);
  g_assert_cmpint (g_credentials_get_unix_user (cred, NULL), ==, getuid ());
  g_object_unref (server);
}

/* ---- unix sockets -------------------------------------------------------------------------- */

static void
test_connect_unix_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("umk-ipc-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "node.sock", NULL);
  g_assert_null (umk_ipc_connect_unix (missing, &error));
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, "-ipcbind=unix"));
  g_clear_error (&error);

  /* A regular file is not a socket. */
  g_assert_true (g_file_set_contents (missing, "x", 1, NULL));
  g_assert_null (umk_ipc_connect_unix (missing, &error));
  g_assert_nonnull (strstr (error->message, "not a socket"));
  g_clear_error (&error);
  g_unlink (missing);

  /* A socket file nobody listens on (a node that died). */
  g_autoptr (GSocket) s
      = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_DEFAULT, NULL);
  g_autoptr (GSocketAddress) addr = g_unix_socket_address_new (missing);
  g_assert_true (g_socket_bind (s, addr, FALSE, NULL));
  g_socket_close (s, NULL);
  g_assert_null (umk_ipc_connect_unix (missing, &error));
  g_assert_nonnull (strstr (error->message, "a socket left by a node that stopped"));
  g_unlink (missing);
  g_rmdir (dir);
}

/* ---- child processes ------------------------------------------------------------------------ */

typedef struct
{
  GPtrArray *lines;
  gboolean exited;
  int status;
  char *description;
  gboolean connect_failed;
} ChildWatch;

static void
on_output (UmkIpcChild *child, const char *line, ChildWatch *w)
{
  (void) child;
  g_ptr_array_add (w->lines, g_strdup (line));
}

static void
on_exited (UmkIpcChild *child, int status, const char *description, ChildWatch *w)
{
  (void) child;
  w->exited = TRUE;
  w->status = status;
  w->description = g_strdup (description);
}

static void
on_connect_failed (UmkIpcChild *child, const GError *error, ChildWatch *w)
{
  (void) child;
  (void) error;
  w->connect_failed = TRUE;
}

static UmkIpcChild *
spawn_watched (const char *const *argv, ChildWatch *w)
{
  w->lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  UmkIpcChild *child = umk_ipc_child_spawn (argv, "sh", &error);
  g_assert_no_error (error);
  g_signal_connect (child, "output", G_CALLBACK (on_output), w);
  g_signal_connect (child, "exited", G_CALLBACK (on_exited), w);
  g_signal_connect (child, "connect-failed", G_CALLBACK (on_connect_failed), w);
  return child;
}

static void
child_watch_clear (ChildWatch *w)
{
  g_ptr_array_unref (w->lines);
  g_free (w->description);
}

static void
test_child_output_and_exit (void)
{
  /* The child sees its -ipcfd argument and fd 3 open; it says so and fails
   * the way a node with a bad option does. */
  const char *argv[] = { "/bin/sh",
                         "-c",
                         "echo \"args: $*\"; [ -S /proc/self/fd/3 ] || test -e /proc/self/fd/3 "
                         "&& echo fd3-open; echo 'Error: bad option' >&2; exit 3",
                         "sh",
                         "-x",
                         NULL };
  ChildWatch w = { 0 };
  g_autoptr (UmkIpcChild) child = spawn_watched (argv, &w);
  /* (No pid check: a child this quick may be reaped before we ask.) */
  UMK_TEST_WAIT_UNTIL (w.exited);
  g_assert_true (WIFEXITED (w.status));
  g_assert_cmpint (WEXITSTATUS (w.status), ==, 3);
  g_assert_cmpstr (w.description, ==, "exited with status 3");
  g_assert_cmpstr (umk_ipc_child_get_exit_description (child), ==, "exited with status 3");
  g_assert_false (umk_ipc_child_is_running (child));
  g_assert_cmpuint (w.lines->len, ==, 3);
  g_assert_cmpstr (w.lines->pdata[0], ==, "args: -x -ipcfd=3");
  g_assert_cmpstr (w.lines->pdata[1], ==, "fd3-open");
  g_assert_cmpstr (w.lines->pdata[2], ==, "Error: bad option");
  g_auto (GStrv) last = umk_ipc_child_dup_last_lines (child);
  g_assert_cmpuint (g_strv_length (last), ==, 3);
  g_assert_cmpstr (last[2], ==, "Error: bad option");
  /* It never spoke D-Bus: the handshake fails, it does not hang. */
  UMK_TEST_WAIT_UNTIL (w.connect_failed);
  g_assert_null (umk_ipc_child_get_connection (child));
  child_watch_clear (&w);
}

static void
test_child_killed_and_last_lines (void)
{
  const char *argv[] = { "/bin/sh", "-c",
                         "i=0; while [ $i -lt 80 ]; do echo line$i; i=$((i+1)); "
                         "done; exec sleep 60",
                         NULL };
  ChildWatch w = { 0 };
  g_autoptr (UmkIpcChild) child = spawn_watched (argv, &w);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (w.lines->len < 80)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (umk_ipc_child_is_running (child));
  g_assert_cmpint (kill (umk_ipc_child_get_pid (child), SIGKILL), ==, 0);
  UMK_TEST_WAIT_UNTIL (w.exited);
  g_assert_cmpstr (w.description, ==, "was killed by signal 9 (Killed)");
  g_auto (GStrv) last = umk_ipc_child_dup_last_lines (child);
  /* Only the last 50 are kept. */
  g_assert_cmpuint (g_strv_length (last), ==, 50);
  g_assert_cmpstr (last[0], ==, "line30");
  g_assert_cmpstr (last[49], ==, "line79");
  child_watch_clear (&w);
}

static void
test_child_terminate_and_wait (void)
{
  /* A child that ignores SIGTERM is killed when the wait times out. */
  const char *stubborn[]
      = { "/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done", NULL };
  ChildWatch w = { 0 };
  g_autoptr (UmkIpcChild) child = spawn_watched (stubborn, &w);
  while (w.lines->len < 1)
    g_main_context_iteration (NULL, TRUE);
  umk_ipc_child_terminate (child);
  g_assert_false (umk_ipc_child_wait (child, 300));
  g_assert_true (w.exited);
  g_assert_true (WIFSIGNALED (w.status));
  g_assert_cmpint (WTERMSIG (w.status), ==, SIGKILL);
  child_watch_clear (&w);

  /* One that obeys stops by itself. */
  const char *obedient[] = { "/bin/sh", "-c", "echo ready; exec sleep 60", NULL };
  ChildWatch w2 = { 0 };
  g_autoptr (UmkIpcChild) child2 = spawn_watched (obedient, &w2);
  while (w2.lines->len < 1)
    g_main_context_iteration (NULL, TRUE);
  umk_ipc_child_terminate (child2);
  g_assert_true (umk_ipc_child_wait (child2, 10000));
  g_assert_cmpint (WTERMSIG (w2.status), ==, SIGTERM);
  child_watch_clear (&w2);
}

static void
test_spawn_missing_program (void)
{
  const char *argv[] = { "/nonexistent/umkoin-node", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkIpcChild) child = umk_ipc_child_spawn (argv, "node", &error);
  g_assert_null (child);
  g_assert_nonnull (error);
}

static void
test_find_program (void)
{
  g_setenv ("UMKOIN_WALLET", "/opt/x/umkoin-wallet", TRUE);
  g_autofree char *a = umk_ipc_find_program ("umkoin-wallet", "wallet");
  g_assert_cmpstr (a, ==, "/opt/x/umkoin-wallet");
  g_unsetenv ("UMKOIN_WALLET");
  /* Nothing of that name next to the test: the bare name, for PATH. */
  g_autofree char *b = umk_ipc_find_program ("umkoin-nothing", "nothing");
  g_assert_cmpstr (b, ==, "umkoin-nothing");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First: it changes the environment, which is safe only before GDBus
   * starts its threads. */
  g_test_add_func ("/ipc/find-program", test_find_program);
  g_test_add_func ("/ipc/wallet-paths", test_wallet_paths);
  g_test_add_func ("/ipc/parse-address", test_parse_address);
  g_test_add_func ("/ipc/fd-arg", test_fd_arg);
  g_test_add ("/ipc/call-reply-and-log", Pair, NULL, pair_setup, test_call_reply_and_log,
              pair_teardown);
  g_test_add ("/ipc/long-arguments-cut", Pair, NULL, pair_setup, test_long_arguments_cut,
              pair_teardown);
  g_test_add ("/ipc/fd-passing", Pair, NULL, pair_setup, test_fd_passing, pair_teardown);
  g_test_add_func ("/ipc/same-uid-accepted", test_same_uid_accepted_sync);
  g_test_add_func ("/ipc/other-uid-refused", test_other_uid_refused);
  g_test_add_func ("/ipc/connect-unix-errors", test_connect_unix_errors);
  g_test_add_func ("/ipc/child/output-and-exit", test_child_output_and_exit);
  g_test_add_func ("/ipc/child/killed-last-lines", test_child_killed_and_last_lines);
  g_test_add_func ("/ipc/child/terminate-and-wait", test_child_terminate_and_wait);
  g_test_add_func ("/ipc/child/missing-program", test_spawn_missing_program);
  return g_test_run ();
}
