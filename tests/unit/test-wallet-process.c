/* test-wallet-process.c — the umkoin-wallet program itself, started the
 * way umkoin-node starts it (UmkIpcChild: -ipcfd=3, the test is the
 * authenticating end) and the way a user attaches it (-ipcconnect to a
 * node.sock the test listens on), with a small org.umkoin.Chain1 backed by
 * the first blocks of the regtest chain tests/data/chains/regtest-core-1.
 * Checked: RPC through the real process, the log on stderr, a clean exit on
 * SIGTERM and on a closed connection with the last processed block
 * written, start-up wallets (-wallet), and the start-up errors. */
#include "config.h"

#include "common/block.h"
#include "common/ipc-child.h"
#include "common/ipc.h"
#include "common/value.h"
#include "test-util.h"
#include "umk-dbus.h"
#include "wallet/wallet-store.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define N_BLOCKS 12

typedef struct
{
  GBytes *bytes[N_BLOCKS];
  char hex[N_BLOCKS][UMK_UINT256_HEX_SIZE];
} Blocks;

static Blocks blocks;

/* The file starts with the genesis block and the first blocks of the chain,
 * each on its predecessor. */
static void
load_blocks (void)
{
  g_autoptr (GBytes) file = umk_test_load_bytes ("chains/regtest-core-1/blk00000.dat");
  gsize len, pos = 0;
  const guint8 *data = g_bytes_get_data (file, &len);
  UmkUint256 prev = { { 0 } };
  for (int i = 0; i < N_BLOCKS; i++)
    {
      guint32 size = data[pos + 4] | data[pos + 5] << 8 | data[pos + 6] << 16
                     | (guint32) data[pos + 7] << 24;
      blocks.bytes[i] = g_bytes_new_from_bytes (file, pos + 8, size);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkBlock) b = umk_block_new_from_bytes (blocks.bytes[i], &error);
      g_assert_no_error (error);
      g_assert_true (umk_uint256_equal (&b->header.prev_block, &prev));
      prev = b->hash;
      umk_uint256_to_hex_buf (&b->hash, blocks.hex[i]);
      pos += 8 + size;
    }
}

/* ---- A node: Chain1 on a connection ------------------------------------------------ */

typedef struct
{
  int tip; /* height */
  UmkChain1 *skeleton;
  GDBusConnection *conn;
  guint attached; /* AttachWallet calls */
} Node;

/* An attached wallet says what it is; count it. */
static gboolean
on_attach_wallet (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, Node *n)
{
  n->attached++;
  umk_chain1_complete_attach_wallet (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_get_tip (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, Node *n)
{
  umk_chain1_complete_get_tip (skeleton, invocation, n->tip, blocks.hex[n->tip], FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_get_block_hash (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, int height, Node *n)
{
  if (height < 0 || height > n->tip)
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "No block at %d", height);
  else
    umk_chain1_complete_get_block_hash (skeleton, invocation, blocks.hex[height]);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static int
height_of (const char *hash)
{
  for (int i = 0; i < N_BLOCKS; i++)
    if (strcmp (blocks.hex[i], hash) == 0)
      return i;
  return -1;
}

static gboolean
on_get_block (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, const char *hash, Node *n)
{
  (void) skeleton, (void) n;
  int h = height_of (hash);
  if (h < 0)
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "Block not found");
  else
    g_dbus_method_invocation_return_value (
        invocation,
        g_variant_new ("(@ayi)",
                       g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, blocks.bytes[h], TRUE),
                       h));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_find_fork (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, const char *hash, Node *n)
{
  int h = height_of (hash);
  if (h < 0)
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "Block not found");
  else
    umk_chain1_complete_find_fork (skeleton, invocation, MIN (h, n->tip),
                                   blocks.hex[MIN (h, n->tip)]);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
node_serve (Node *n, GDBusConnection *conn)
{
  n->conn = g_object_ref (conn);
  n->skeleton = umk_chain1_skeleton_new ();
  g_signal_connect (n->skeleton, "handle-attach-wallet", G_CALLBACK (on_attach_wallet), n);
  g_signal_connect (n->skeleton, "handle-get-tip", G_CALLBACK (on_get_tip), n);
  g_signal_connect (n->skeleton, "handle-get-block-hash", G_CALLBACK (on_get_block_hash), n);
  g_signal_connect (n->skeleton, "handle-get-block", G_CALLBACK (on_get_block), n);
  g_signal_connect (n->skeleton, "handle-find-fork", G_CALLBACK (on_find_fork), n);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (n->skeleton), conn,
                                                   UMK_IPC_CHAIN_PATH, &error));
}

static void
node_clear (Node *n)
{
  if (n->skeleton
      && g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (n->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (n->skeleton));
  g_clear_object (&n->skeleton);
  g_clear_object (&n->conn);
}

static void
node_connect_next (Node *n)
{
  n->tip++;
  g_autoptr (GError) error = NULL;
  g_dbus_connection_emit_signal (
      n->conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1", "BlockConnected",
      g_variant_new (
          "(si@ay)", blocks.hex[n->tip], n->tip,
          g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, blocks.bytes[n->tip], TRUE)),
      &error);
  g_assert_no_error (error);
}

static char *
loader_rpc (GDBusConnection *conn, const char *method, const char *params)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletLoader1) proxy = umk_wallet_loader1_proxy_new_sync (
      conn, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
      UMK_IPC_WALLET_LOADER_PATH, NULL, &error);
  g_assert_no_error (error);
  GAsyncResult *r = NULL;
  umk_wallet_loader1_call_execute_rpc (proxy, method, params, NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  char *reply = NULL;
  umk_wallet_loader1_call_execute_rpc_finish (proxy, &reply, r, &error);
  g_assert_no_error (error);
  g_object_unref (r);
  return reply;
}

static gboolean
info_has (GDBusConnection *conn, const char *text)
{
  g_autofree char *info = loader_rpc (conn, "getwalletinfo", "");
  return strstr (info, text) != NULL;
}

/* ---- The child -------------------------------------------------------------------------- */

typedef struct
{
  char *dir;
  Node node;
  GPtrArray *lines;
  gboolean exited;
  int status;
  gboolean connected;
} Run;

static void
on_output (UmkIpcChild *child, const char *line, Run *r)
{
  (void) child;
  g_test_message ("wallet: %s", line);
  g_ptr_array_add (r->lines, g_strdup (line));
}

static void
on_exited (UmkIpcChild *child, int status, const char *description, Run *r)
{
  (void) child, (void) description;
  r->exited = TRUE;
  r->status = status;
}

static void
on_connected (UmkIpcChild *child, GDBusConnection *conn, Run *r)
{
  (void) child;
  node_serve (&r->node, conn);
  g_dbus_connection_start_message_processing (conn);
  r->connected = TRUE;
}

static gboolean
has_line (Run *r, const char *text)
{
  for (guint i = 0; i < r->lines->len; i++)
    if (strstr (g_ptr_array_index (r->lines, i), text))
      return TRUE;
  return FALSE;
}

static char *
wallet_program (void)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "wallet", "umkoin-wallet", NULL);
}

static void
run_init (Run *r)
{
  r->dir = umk_test_make_tmpdir ();
  r->lines = g_ptr_array_new_with_free_func (g_free);
  r->node.tip = 5;
}

static void
run_clear (Run *r)
{
  node_clear (&r->node);
  g_ptr_array_unref (r->lines);
  umk_test_rm_rf (r->dir);
  g_free (r->dir);
}

/* Starts umkoin-wallet as the node does, with extra arguments. */
static UmkIpcChild *
spawn_wallet (Run *r, const char *extra)
{
  g_autofree char *program = wallet_program ();
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", r->dir);
  const char *argv[] = { program,           "-regtest",         datadir, "-printtoconsole=1",
                         "-nodebuglogfile", "-logtimestamps=0", extra,   NULL };
  g_autoptr (GError) error = NULL;
  UmkIpcChild *child = umk_ipc_child_spawn (argv, "umkoin-wallet", &error);
  g_assert_no_error (error);
  g_signal_connect (child, "output", G_CALLBACK (on_output), r);
  g_signal_connect (child, "exited", G_CALLBACK (on_exited), r);
  g_signal_connect (child, "connected", G_CALLBACK (on_connected), r);
  return child;
}

static int
stored_height (Run *r, const char *name)
{
  g_autofree char *path = g_build_filename (r->dir, "regtest", "wallets", name, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletStore) store = umk_wallet_store_open (path, &error);
  g_assert_no_error (error);
  int height;
  umk_wallet_store_get_best_block (store, &height, NULL);
  return height;
}

static void
test_spawned (void)
{
  Run r = { 0 };
  run_init (&r);
  g_autoptr (UmkIpcChild) child = spawn_wallet (&r, "-debug=walletdb");
  UMK_TEST_WAIT_UNTIL (r.connected || r.exited);
  g_assert_false (r.exited);
  GDBusConnection *conn = umk_ipc_child_get_connection (child);

  g_autofree char *created = loader_rpc (conn, "createwallet", "[\"p1\"]");
  g_assert_cmpstr (created, ==, "{\"result\":{\"name\":\"p1\"},\"error\":null}");
  g_autofree char *list = loader_rpc (conn, "listwallets", "");
  g_assert_cmpstr (list, ==, "{\"result\":[\"p1\"],\"error\":null}");
  /* Two blocks from the node's signals. */
  node_connect_next (&r.node);
  node_connect_next (&r.node);
  UMK_TEST_WAIT_UNTIL (info_has (conn, "\"height\":7}"));
  /* The log reaches the node on stderr, without timestamps. */
  UMK_TEST_WAIT_UNTIL (has_line (&r, "Wallet \"p1\" created"));
  g_assert_true (has_line (&r, "Using wallet directory"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r.lines, 0), "Log output")
                 || g_str_has_prefix (g_ptr_array_index (r.lines, 0), "Umkoin wallet"));

  /* SIGTERM: a clean exit, the position written although 7 is no
   * multiple of 144. */
  umk_ipc_child_terminate (child);
  UMK_TEST_WAIT_UNTIL (r.exited);
  g_assert_true (WIFEXITED (r.status));
  g_assert_cmpint (WEXITSTATUS (r.status), ==, 0);
  g_assert_true (has_line (&r, "Shutdown done"));
  g_assert_cmpint (stored_height (&r, "p1"), ==, 7);

  /* Started again with -wallet=p1 (and a missing one): p1 catches up with
   * the blocks it missed. */
  node_clear (&r.node);
  r.connected = r.exited = FALSE;
  r.node.tip = 10;
  g_autoptr (UmkIpcChild) child2 = spawn_wallet (&r, "-wallet=p1");
  UMK_TEST_WAIT_UNTIL (r.connected || r.exited);
  g_assert_false (r.exited);
  GDBusConnection *conn2 = umk_ipc_child_get_connection (child2);
  UMK_TEST_WAIT_UNTIL (info_has (conn2, "\"height\":10}"));
  UMK_TEST_WAIT_UNTIL (has_line (&r, "Done loading"));

  /* The node goes away: the wallet notices, writes out and exits. */
  g_assert_true (g_dbus_connection_close_sync (conn2, NULL, NULL));
  UMK_TEST_WAIT_UNTIL (r.exited);
  g_assert_true (WIFEXITED (r.status));
  g_assert_cmpint (WEXITSTATUS (r.status), ==, 0);
  g_assert_true (has_line (&r, "Lost the connection to the node; shutting down"));
  g_assert_cmpint (stored_height (&r, "p1"), ==, 10);
  run_clear (&r);
}

static void
test_startup_errors (void)
{
  Run r = { 0 };
  run_init (&r);
  g_autofree char *program = wallet_program ();
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", r.dir);
  struct
  {
    const char *arg, *arg2;
    const char *expect;
  } cases[] = {
    { NULL, NULL, "Error: umkoin-wallet runs as umkoin-node's wallet process" },
    { "-ipcconnect=unix", NULL, "regtest/node.sock: No such file or directory" },
    { "-ipcconnect=unix:/nonexistent/x.sock", NULL,
      "Cannot attach to a node at /nonexistent/x.sock: No such file or directory" },
    { "-ipcconnect=tcp:1", NULL, "Invalid -ipcconnect address 'tcp:1'" },
    { "-ipcfd=99", NULL, "-ipcfd=99 is not an open socket" },
    { "-ipcfd=99", "-ipcconnect=unix", "-ipcfd and -ipcconnect cannot be used together" },
    { "-nosuchoption", NULL, "Invalid parameter -nosuchoption" },
    { "-ipcconnect=unix", "-walletdir=relative",
      "Specified -walletdir \"relative\" does not exist" },
    { "-ipcconnect=unix", "-walletdir=/", "Cannot attach" /* a walletdir may be anywhere */ },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { program, "-regtest", datadir, cases[i].arg, cases[i].arg2, NULL };
      if (cases[i].arg == NULL)
        argv[1] = NULL;
      g_autofree char *out = NULL, *err = NULL;
      int status;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   &err, &status, &error));
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 1);
      if (!strstr (err, cases[i].expect))
        g_error ("%s: expected \"%s\" in: %s", cases[i].arg, cases[i].expect, err);
    }
  /* -help and -version work without a node. */
  const char *help[] = { program, "-help", NULL };
  g_autofree char *out = NULL;
  int status;
  g_assert_true (g_spawn_sync (NULL, (char **) help, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "-ipcconnect=<address>"));
  g_assert_nonnull (strstr (out, "-walletdir=<dir>"));
  g_assert_nonnull (strstr (out, "The\nwallets are empty"));
  run_clear (&r);
}

/* ---- -ipcconnect ------------------------------------------------------------------------ */

static gboolean
on_new_connection (GDBusServer *server, GDBusConnection *conn, Run *r)
{
  (void) server;
  node_serve (&r->node, conn);
  r->connected = TRUE;
  return TRUE;
}

static void
on_child_exit (GPid pid, int status, gpointer user_data)
{
  Run *r = user_data;
  g_spawn_close_pid (pid);
  r->exited = TRUE;
  r->status = status;
}

static void
test_ipcconnect (void)
{
  Run r = { 0 };
  run_init (&r);
  g_autofree char *sock = g_build_filename (r.dir, "n.sock", NULL);
  g_autofree char *address = g_strdup_printf ("unix:path=%s", sock);
  g_autofree char *guid = g_dbus_generate_guid ();
  g_autoptr (GDBusAuthObserver) observer = umk_ipc_auth_observer_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusServer) server
      = g_dbus_server_new_sync (address, G_DBUS_SERVER_FLAGS_NONE, guid, observer, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (server, "new-connection", G_CALLBACK (on_new_connection), &r);
  g_dbus_server_start (server);

  g_autofree char *program = wallet_program ();
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", r.dir);
  g_autofree char *connect = g_strdup_printf ("-ipcconnect=unix:%s", sock);
  const char *argv[] = { program, "-regtest", datadir, connect, NULL };
  GPid pid;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                    | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_child_watch_add (pid, on_child_exit, &r);
  /* It says it is a wallet before anything else. */
  UMK_TEST_WAIT_UNTIL (r.node.attached > 0 || r.exited);
  g_assert_false (r.exited);
  g_assert_cmpuint (r.node.attached, ==, 1);
  g_autofree char *created = loader_rpc (r.node.conn, "createwallet", "[\"attached\"]");
  g_assert_cmpstr (created, ==, "{\"result\":{\"name\":\"attached\"},\"error\":null}");
  /* The node stops listening and the user stops the wallet: clean. */
  g_dbus_server_stop (server);
  g_assert_cmpint (kill (pid, SIGINT), ==, 0);
  UMK_TEST_WAIT_UNTIL (r.exited);
  g_assert_true (WIFEXITED (r.status));
  g_assert_cmpint (WEXITSTATUS (r.status), ==, 0);
  g_assert_cmpint (stored_height (&r, "attached"), ==, 5);
  run_clear (&r);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  load_blocks ();
  g_test_add_func ("/wallet-process/spawned", test_spawned);
  g_test_add_func ("/wallet-process/startup-errors", test_startup_errors);
  g_test_add_func ("/wallet-process/ipcconnect", test_ipcconnect);
  return g_test_run ();
}
