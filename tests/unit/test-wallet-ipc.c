/* test-wallet-ipc.c — umkoin-wallet's D-Bus side against the real
 * implementation (wallet/), over real socketpairs, in a temporary wallet
 * directory.
 *
 * The test plays the node: it is the authenticating end of the connection,
 * calls org.umkoin.WalletLoader1 and org.umkoin.Wallet1, and serves a small
 * org.umkoin.Chain1 backed by real regtest blocks — the shared chain
 * tests/data/chains/regtest-core-1 (Umkoin Core v31.0: 456 blocks of the best
 * chain and 8 stale ones), whose stale branches make real reorganisations.
 * Covered: creating, listing, loading and unloading wallets with their
 * errors; every RPC method with named and positional parameters, wrong
 * types, bad JSON and the endpoint rules; AddConnection (objects and signals
 * on the handed-over socket); following the chain (connects, disconnects,
 * reorganisations, gaps, malformed blocks) and catching up on load. */
#include "config.h"

#include "common/block.h"
#include "common/ipc.h"
#include "common/logging.h"
#include "common/value.h"
#include "test-util.h"
#include "umk-dbus.h"
#include "wallet/wallet-loader.h"
#include "wallet/wallet-rpc.h"

#include <fcntl.h>
#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- The regtest chain --------------------------------------------------------------- */

typedef struct TBlock TBlock;
struct TBlock
{
  UmkBlock *block;
  GBytes *bytes;
  char hex[UMK_UINT256_HEX_SIZE];
  int height;
  TBlock *parent;
};

typedef struct
{
  GPtrArray *blocks;   /* TBlock*, owned, file order */
  GHashTable *by_hash; /* hex -> TBlock* */
  GPtrArray *main;     /* TBlock* of the best chain, by height */
  TBlock *stale_a;     /* a stale branch of two: stale_a at height h, */
  TBlock *stale_b;     /* stale_b at h + 1, parent main[h - 1] */
} Chain;

static Chain chain;

static void
load_chain (void)
{
  g_autoptr (GBytes) file = umk_test_load_bytes ("chains/regtest-core-1/blk00000.dat");
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  chain.blocks = g_ptr_array_new ();
  chain.by_hash = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize pos = 0; pos + 8 <= len;)
    {
      g_assert_cmpmem (data + pos, 4, "\xfa\xbf\xb5\xda", 4);
      guint32 size = data[pos + 4] | data[pos + 5] << 8 | data[pos + 6] << 16
                     | (guint32) data[pos + 7] << 24;
      g_assert_cmpuint (pos + 8 + size, <=, len);
      TBlock *b = g_new0 (TBlock, 1);
      b->bytes = g_bytes_new_from_bytes (file, pos + 8, size);
      g_autoptr (GError) error = NULL;
      b->block = umk_block_new_from_bytes (b->bytes, &error);
      g_assert_no_error (error);
      umk_uint256_to_hex_buf (&b->block->hash, b->hex);
      g_ptr_array_add (chain.blocks, b);
      g_hash_table_insert (chain.by_hash, b->hex, b);
      pos += 8 + size;
    }
  /* Heights from the parents (a parent may come later in the file). */
  gboolean changed = TRUE;
  for (guint i = 0; i < chain.blocks->len; i++)
    ((TBlock *) g_ptr_array_index (chain.blocks, i))->height = -1;
  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < chain.blocks->len; i++)
        {
          TBlock *b = g_ptr_array_index (chain.blocks, i);
          if (b->height >= 0)
            continue;
          if (umk_uint256_is_zero (&b->block->header.prev_block))
            b->height = 0, changed = TRUE;
          else
            {
              char prev[UMK_UINT256_HEX_SIZE];
              umk_uint256_to_hex_buf (&b->block->header.prev_block, prev);
              TBlock *p = g_hash_table_lookup (chain.by_hash, prev);
              g_assert_nonnull (p);
              if (p->height >= 0)
                b->parent = p, b->height = p->height + 1, changed = TRUE;
            }
        }
    }
  g_autoptr (JsonNode) expected = umk_test_load_json ("chains/regtest-core-1/expected.json");
  const char *tip_hex = json_object_get_string_member (json_node_get_object (expected), "tip");
  TBlock *tip = g_hash_table_lookup (chain.by_hash, tip_hex);
  g_assert_nonnull (tip);
  g_assert_cmpint (tip->height, ==, 456);
  chain.main = g_ptr_array_new ();
  g_ptr_array_set_size (chain.main, tip->height + 1);
  for (TBlock *b = tip; b; b = b->parent)
    chain.main->pdata[b->height] = b;
  g_assert_cmpuint (chain.blocks->len, ==, 457 + 8);
  /* The lowest stale branch. */
  for (guint i = 0; i < chain.blocks->len; i++)
    {
      TBlock *b = g_ptr_array_index (chain.blocks, i);
      if (g_ptr_array_index (chain.main, b->height) == b || b->parent == NULL
          || g_ptr_array_index (chain.main, b->parent->height) == b->parent)
        continue;
      /* b is stale and so is its parent: a branch of two. */
      if (chain.stale_b == NULL || b->height < chain.stale_b->height)
        chain.stale_b = b, chain.stale_a = b->parent;
    }
  g_assert_nonnull (chain.stale_b);
  g_assert_true (g_ptr_array_index (chain.main, chain.stale_a->parent->height)
                 == chain.stale_a->parent);
  g_test_message ("stale branch at heights %d-%d", chain.stale_a->height, chain.stale_b->height);
}

static TBlock *
main_block (int height)
{
  g_assert_cmpint (height, <, (int) chain.main->len);
  return g_ptr_array_index (chain.main, height);
}

/* ---- Waiting ---------------------------------------------------------------------------- */

/* Drains what is pending (signals already sent). */
static void
settle (void)
{
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* ---- The node's side: Chain1 ------------------------------------------------------------ */

typedef struct
{
  GDBusConnection *conn; /* the authenticating end, ours */
  UmkChain1 *skeleton;
  GPtrArray *active;     /* TBlock* by height */
  const TBlock *corrupt; /* GetBlock of it answers garbage */
  guint get_block_calls;
} FakeNode;

static GVariant *
bytes_variant (GBytes *bytes)
{
  return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);
}

static TBlock *
node_tip (FakeNode *n)
{
  return g_ptr_array_index (n->active, n->active->len - 1);
}

static gboolean
on_get_tip (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, gpointer user_data)
{
  FakeNode *n = user_data;
  TBlock *tip = node_tip (n);
  umk_chain1_complete_get_tip (skeleton, invocation, tip->height, tip->hex, FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_get_block_hash (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, int height,
                   gpointer user_data)
{
  FakeNode *n = user_data;
  if (height < 0 || height >= (int) n->active->len)
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "No block at height %d", height);
  else
    umk_chain1_complete_get_block_hash (skeleton, invocation,
                                        ((TBlock *) g_ptr_array_index (n->active, height))->hex);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_get_block (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, const char *hash,
              gpointer user_data)
{
  (void) skeleton;
  FakeNode *n = user_data;
  TBlock *b = g_hash_table_lookup (chain.by_hash, hash);
  n->get_block_calls++;
  if (b == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                             "Block not found");
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* Raw: the generated completion would cut the bytes at the first zero. */
  g_autoptr (GBytes) garbage = g_bytes_new_static ("\x01\x00\x00\x00garbage", 11);
  GBytes *bytes = b == n->corrupt ? garbage : b->bytes;
  g_dbus_method_invocation_return_value (
      invocation, g_variant_new ("(@ayi)", bytes_variant (bytes), b->height));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_find_fork (UmkChain1 *skeleton, GDBusMethodInvocation *invocation, const char *hash,
              gpointer user_data)
{
  FakeNode *n = user_data;
  TBlock *b = g_hash_table_lookup (chain.by_hash, hash);
  while (b && !(b->height < (int) n->active->len && g_ptr_array_index (n->active, b->height) == b))
    b = b->parent;
  if (b == NULL)
    g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_NOT_FOUND,
                                           "Block not found");
  else
    umk_chain1_complete_find_fork (skeleton, invocation, b->height, b->hex);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
node_emit (FakeNode *n, const char *member, const char *hex, int height, GBytes *bytes)
{
  g_autoptr (GError) error = NULL;
  g_dbus_connection_emit_signal (n->conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1", member,
                                 g_variant_new ("(si@ay)", hex, height, bytes_variant (bytes)),
                                 &error);
  g_assert_no_error (error);
}

/* The node's tip moves to b (a child of the tip); emit: tell the wallet. */
static void
node_connect (FakeNode *n, TBlock *b, gboolean emit)
{
  g_assert_true (b->parent == node_tip (n));
  g_ptr_array_add (n->active, b);
  if (emit)
    node_emit (n, "BlockConnected", b->hex, b->height, b->bytes);
}

static void
node_connect_main (FakeNode *n, int to_height, gboolean emit)
{
  while (node_tip (n)->height < to_height)
    node_connect (n, main_block (node_tip (n)->height + 1), emit);
}

static void
node_disconnect (FakeNode *n, gboolean emit)
{
  TBlock *b = g_ptr_array_steal_index (n->active, n->active->len - 1);
  if (emit)
    node_emit (n, "BlockDisconnected", b->hex, b->height, b->bytes);
}

/* ---- Fixture ------------------------------------------------------------------------------ */

#define START_HEIGHT 205

typedef struct
{
  char *dir;
  char *walletdir;
  UmkArgs *args;
  FakeNode node;
  GDBusConnection *wallet_conn; /* the wallet's end */
  UmkChainClient *chain;
  UmkWalletLoaderService *loader;
  UmkWalletLoader1 *proxy; /* WalletLoader1 as the node sees it */
  GPtrArray *events;       /* "loaded <name> <path>", "unloaded <name>" */
} Fixture;

static void
on_wallet_loaded (UmkWalletLoader1 *proxy, const char *name, const char *path, gpointer user_data)
{
  (void) proxy;
  g_ptr_array_add (user_data, g_strdup_printf ("loaded %s %s", name, path));
}

static void
on_wallet_unloaded (UmkWalletLoader1 *proxy, const char *name, gpointer user_data)
{
  (void) proxy;
  g_ptr_array_add (user_data, g_strdup_printf ("unloaded %s", name));
}

/* Both ends of a new connection pair: *server (ours, authenticating) and
 * *client (the wallet's), message processing not started yet. */
static void
make_pair (GDBusConnection **server, GDBusConnection **client, const char *client_label)
{
  int fds[2];
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_ipc_socketpair (fds, &error));
  GAsyncResult *rs = NULL, *rc = NULL;
  umk_ipc_connection_new_for_fd (fds[0], TRUE, "umkoin-wallet", NULL, umk_test_store_result, &rs);
  umk_ipc_connection_new_for_fd (fds[1], FALSE, client_label, NULL, umk_test_store_result, &rc);
  UMK_TEST_WAIT_UNTIL (rs && rc);
  *server = umk_ipc_connection_new_finish (rs, &error);
  g_assert_no_error (error);
  *client = umk_ipc_connection_new_finish (rc, &error);
  g_assert_no_error (error);
  g_object_unref (rs);
  g_object_unref (rc);
}

static UmkWalletLoader1 *
loader_proxy (GDBusConnection *conn, GPtrArray *events)
{
  g_autoptr (GError) error = NULL;
  UmkWalletLoader1 *proxy = umk_wallet_loader1_proxy_new_sync (
      conn, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
      UMK_IPC_WALLET_LOADER_PATH, NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (proxy, "wallet-loaded", G_CALLBACK (on_wallet_loaded), events);
  g_signal_connect (proxy, "wallet-unloaded", G_CALLBACK (on_wallet_unloaded), events);
  return proxy;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = umk_test_make_tmpdir ();
  g_autofree char *net = g_build_filename (f->dir, "regtest", NULL);
  f->walletdir = g_build_filename (net, "wallets", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->walletdir, 0700), ==, 0);
  /* Real options, for settings.json. */
  f->args = umk_args_new ();
  umk_args_add_common_options (f->args, UMK_COMMON_DATADIR | UMK_COMMON_SETTINGS);
  umk_args_add_chain_options (f->args);
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", f->dir);
  const char *argv[] = { "test", datadir, "-regtest" };
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_parse (f->args, 3, argv, &error));
  umk_args_select_chain (f->args, UMK_CHAIN_REGTEST);

  FakeNode *n = &f->node;
  n->active = g_ptr_array_new ();
  for (int h = 0; h <= START_HEIGHT; h++)
    g_ptr_array_add (n->active, main_block (h));
  make_pair (&n->conn, &f->wallet_conn, "node");
  n->skeleton = umk_chain1_skeleton_new ();
  g_signal_connect (n->skeleton, "handle-get-tip", G_CALLBACK (on_get_tip), n);
  g_signal_connect (n->skeleton, "handle-get-block-hash", G_CALLBACK (on_get_block_hash), n);
  g_signal_connect (n->skeleton, "handle-get-block", G_CALLBACK (on_get_block), n);
  g_signal_connect (n->skeleton, "handle-find-fork", G_CALLBACK (on_find_fork), n);
  g_assert_true (g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (n->skeleton), n->conn,
                                                   UMK_IPC_CHAIN_PATH, &error));
  g_dbus_connection_start_message_processing (n->conn);

  /* The wallet process's side, as wallet/main.c builds it. */
  f->chain = umk_chain_client_new (f->wallet_conn);
  f->loader = umk_wallet_loader_service_new (f->walletdir, f->args, f->chain);
  g_assert_true (umk_wallet_loader_service_add_connection (f->loader, f->wallet_conn, &error));
  g_assert_no_error (error);

  f->events = g_ptr_array_new_with_free_func (g_free);
  f->proxy = loader_proxy (n->conn, f->events);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  g_clear_object (&f->proxy);
  umk_wallet_loader_service_unload_all (f->loader);
  g_clear_object (&f->loader);
  g_clear_object (&f->chain);
  g_dbus_connection_close_sync (f->wallet_conn, NULL, NULL);
  g_clear_object (&f->wallet_conn);
  if (g_dbus_interface_skeleton_get_connection (G_DBUS_INTERFACE_SKELETON (f->node.skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->node.skeleton));
  g_clear_object (&f->node.skeleton);
  UMK_TEST_WAIT_UNTIL (g_dbus_connection_is_closed (f->node.conn));
  g_clear_object (&f->node.conn);
  settle ();
  g_ptr_array_unref (f->node.active);
  g_ptr_array_unref (f->events);
  umk_args_free (f->args);
  umk_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->walletdir);
}

/* ---- Calls ------------------------------------------------------------------------------------
 */

static char *
create_wallet (Fixture *f, const char *name, GVariant *options, char ***warnings, GError **error)
{
  GAsyncResult *r = NULL;
  if (options == NULL)
    options = g_variant_new ("a{sv}", NULL);
  umk_wallet_loader1_call_create_wallet (f->proxy, name, options, NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  char *path = NULL;
  umk_wallet_loader1_call_create_wallet_finish (f->proxy, &path, warnings, r, error);
  g_object_unref (r);
  return path;
}

static char *
load_wallet (Fixture *f, const char *name, GError **error)
{
  GAsyncResult *r = NULL;
  umk_wallet_loader1_call_load_wallet (f->proxy, name, g_variant_new ("a{sv}", NULL), NULL,
                                       umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  char *path = NULL;
  umk_wallet_loader1_call_load_wallet_finish (f->proxy, &path, NULL, r, error);
  g_object_unref (r);
  return path;
}

static gboolean
unload_wallet (Fixture *f, const char *name, GError **error)
{
  GAsyncResult *r = NULL;
  umk_wallet_loader1_call_unload_wallet (f->proxy, name, g_variant_new ("a{sv}", NULL), NULL,
                                         umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  gboolean ok = umk_wallet_loader1_call_unload_wallet_finish (f->proxy, NULL, r, error);
  g_object_unref (r);
  return ok;
}

static char **
list_wallets (UmkWalletLoader1 *proxy, gboolean dir)
{
  GAsyncResult *r = NULL;
  if (dir)
    umk_wallet_loader1_call_list_wallet_dir (proxy, NULL, umk_test_store_result, &r);
  else
    umk_wallet_loader1_call_list_wallets (proxy, NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  char **names = NULL;
  g_autoptr (GError) error = NULL;
  if (dir)
    umk_wallet_loader1_call_list_wallet_dir_finish (proxy, &names, r, &error);
  else
    umk_wallet_loader1_call_list_wallets_finish (proxy, &names, r, &error);
  g_assert_no_error (error);
  g_object_unref (r);
  return names;
}

static char *
joined (char **names)
{
  char *s = g_strjoinv (",", names);
  g_strfreev (names);
  return s;
}

static UmkWallet1 *
wallet_proxy (GDBusConnection *conn, const char *name)
{
  g_autofree char *path = umk_ipc_wallet_object_path (name);
  g_autoptr (GError) error = NULL;
  UmkWallet1 *proxy = umk_wallet1_proxy_new_sync (
      conn, G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES | G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START, NULL,
      path, NULL, &error);
  g_assert_no_error (error);
  return proxy;
}

static GVariant *
wallet_info (GDBusConnection *conn, const char *name, GError **error)
{
  g_autoptr (UmkWallet1) proxy = wallet_proxy (conn, name);
  GAsyncResult *r = NULL;
  umk_wallet1_call_get_info (proxy, NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  GVariant *info = NULL;
  umk_wallet1_call_get_info_finish (proxy, &info, r, error);
  g_object_unref (r);
  return info;
}

static int
info_height (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = wallet_info (f->node.conn, name, &error);
  g_assert_no_error (error);
  int height;
  g_assert_true (g_variant_lookup (info, "last_processed_height", "i", &height));
  return height;
}

static char *
info_hash (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = wallet_info (f->node.conn, name, &error);
  g_assert_no_error (error);
  char *hash = NULL;
  g_assert_true (g_variant_lookup (info, "last_processed_hash", "s", &hash));
  return hash;
}

/* The wallet's position as the node sees it equals block b. */
static void
assert_at (Fixture *f, const char *name, const TBlock *b)
{
  g_assert_cmpint (info_height (f, name), ==, b->height);
  g_autofree char *hash = info_hash (f, name);
  g_assert_cmpstr (hash, ==, b->hex);
}

/* WalletLoader1.ExecuteRpc (wallet NULL) or the wallet's Wallet1.ExecuteRpc. */
static char *
rpc (Fixture *f, const char *wallet, const char *method, const char *params)
{
  GAsyncResult *r = NULL;
  g_autoptr (GError) error = NULL;
  char *reply = NULL;
  if (wallet == NULL)
    {
      umk_wallet_loader1_call_execute_rpc (f->proxy, method, params, NULL, umk_test_store_result,
                                           &r);
      UMK_TEST_WAIT_UNTIL (r);
      umk_wallet_loader1_call_execute_rpc_finish (f->proxy, &reply, r, &error);
    }
  else
    {
      g_autoptr (UmkWallet1) proxy = wallet_proxy (f->node.conn, wallet);
      umk_wallet1_call_execute_rpc (proxy, method, params, NULL, umk_test_store_result, &r);
      UMK_TEST_WAIT_UNTIL (r);
      umk_wallet1_call_execute_rpc_finish (proxy, &reply, r, &error);
    }
  g_assert_no_error (error);
  g_object_unref (r);
  return reply;
}

/* The reply's result, after checking the reply's shape and that error is null. */
static UmkValue *
rpc_ok (Fixture *f, const char *wallet, const char *method, const char *params)
{
  g_autofree char *reply = rpc (f, wallet, method, params);
  g_autoptr (UmkValue) v = umk_value_read (reply, strlen (reply));
  g_assert_nonnull (v);
  g_assert_cmpuint (umk_value_size (v), ==, 2);
  g_assert_cmpstr (umk_value_key_at (v, 0)->str, ==, "result");
  g_assert_cmpstr (umk_value_key_at (v, 1)->str, ==, "error");
  if (!umk_value_is_null (umk_value_get (v, "error")))
    g_error ("%s(%s) failed: %s", method, params, reply);
  return umk_value_copy (umk_value_get (v, "result"));
}

static char *
rpc_ok_text (Fixture *f, const char *wallet, const char *method, const char *params)
{
  g_autoptr (UmkValue) v = rpc_ok (f, wallet, method, params);
  return umk_value_to_string (v, 0);
}

/* Checks the reply is error code with exactly message (or, with a trailing
 * '*', starting with it). */
static void
rpc_err (Fixture *f, const char *wallet, const char *method, const char *params, int code,
         const char *message)
{
  g_autofree char *reply = rpc (f, wallet, method, params);
  g_autoptr (UmkValue) v = umk_value_read (reply, strlen (reply));
  g_assert_nonnull (v);
  g_assert_true (umk_value_is_null (umk_value_get (v, "result")));
  const UmkValue *e = umk_value_get (v, "error");
  g_assert_cmpint (umk_value_type (e), ==, UMK_VALUE_OBJECT);
  int got;
  g_assert_true (umk_value_get_int (umk_value_get (e, "code"), &got, NULL));
  const char *text = umk_value_val_str (umk_value_get (e, "message"));
  gsize n = strlen (message);
  gboolean prefix = n > 0 && message[n - 1] == '*';
  if (got != code || (prefix ? strncmp (text, message, n - 1) != 0 : strcmp (text, message) != 0))
    g_error ("%s(%s): expected %d \"%s\", got %s", method, params, code, message, reply);
}

/* ---- WalletLoader1 -----------------------------------------------------------------------------
 */

static void
expect_dbus_error (GError *error, UmkIpcError code, const char *part)
{
  g_assert_nonnull (error);
  g_assert_error (error, UMK_IPC_ERROR, (int) code);
  if (part && !strstr (error->message, part))
    g_error ("expected \"%s\" in \"%s\"", part, error->message);
}

static void
test_loader_basic (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autofree char *empty = joined (list_wallets (f->proxy, FALSE));
  g_assert_cmpstr (empty, ==, "");

  g_auto (GStrv) warnings = NULL;
  g_autofree char *path = create_wallet (f, "w1", NULL, &warnings, &error);
  g_assert_no_error (error);
  g_autofree char *expected_path = umk_ipc_wallet_object_path ("w1");
  g_assert_cmpstr (path, ==, expected_path);
  g_assert_cmpuint (g_strv_length (warnings), ==, 0);
  UMK_TEST_WAIT_UNTIL (f->events->len == 1);
  g_autofree char *event = g_strdup_printf ("loaded w1 %s", expected_path);
  g_assert_cmpstr (g_ptr_array_index (f->events, 0), ==, event);

  /* On disk: a private folder with one private file. */
  g_autofree char *folder = g_build_filename (f->walletdir, "w1", NULL);
  g_autofree char *file = g_build_filename (folder, "wallet.mdb", NULL);
  struct stat st;
  g_assert_cmpint (stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* A nested one, a blank watch-only one, and one at an absolute path. */
  g_autofree char *p2 = create_wallet (f, "sub/w2", NULL, NULL, &error);
  g_assert_no_error (error);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "disable_private_keys", g_variant_new_boolean (TRUE));
  g_variant_builder_add (&b, "{sv}", "blank", g_variant_new_boolean (TRUE));
  g_autofree char *p3 = create_wallet (f, "watch", g_variant_builder_end (&b), NULL, &error);
  g_assert_no_error (error);
  g_autofree char *outside = g_build_filename (f->dir, "elsewhere", "abs", NULL);
  g_autofree char *p4 = create_wallet (f, outside, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (umk_wallet_store_exists (outside));
  /* The same folder with a trailing '/' is the same wallet, already open. */
  g_autofree char *slash = g_strconcat (outside, "/", NULL);
  g_autofree char *p5 = create_wallet (f, slash, NULL, NULL, &error);
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Database already exists.");
  g_clear_error (&error);
  g_free (load_wallet (f, slash, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "exclusive lock");
  g_clear_error (&error);

  g_autofree char *loaded = joined (list_wallets (f->proxy, FALSE));
  g_autofree char *expect_loaded = g_strdup_printf ("w1,sub/w2,watch,%s", outside);
  g_assert_cmpstr (loaded, ==, expect_loaded);
  /* The directory lists what is below it, sorted. */
  g_autofree char *dir = joined (list_wallets (f->proxy, TRUE));
  g_assert_cmpstr (dir, ==, "sub/w2,w1,watch");

  /* Wallet1.GetInfo: a new wallet starts at the node's tip. */
  g_autoptr (GVariant) info = wallet_info (f->node.conn, "watch", &error);
  g_assert_no_error (error);
  const char *s;
  int i;
  guint32 u;
  gboolean flag;
  g_assert_true (g_variant_lookup (info, "name", "&s", &s));
  g_assert_cmpstr (s, ==, "watch");
  g_assert_true (g_variant_lookup (info, "format", "&s", &s));
  g_assert_cmpstr (s, ==, "lmdb");
  g_assert_true (g_variant_lookup (info, "version", "i", &i));
  g_assert_cmpint (i, ==, UMK_WALLET_STORE_FORMAT);
  g_assert_true (g_variant_lookup (info, "txcount", "u", &u));
  g_assert_cmpuint (u, ==, 0);
  g_assert_true (g_variant_lookup (info, "private_keys_enabled", "b", &flag));
  g_assert_false (flag);
  g_assert_true (g_variant_lookup (info, "blank", "b", &flag));
  g_assert_true (flag);
  assert_at (f, "watch", main_block (START_HEIGHT));
  assert_at (f, "w1", main_block (START_HEIGHT));

  /* Unload: the object goes, the signal comes. */
  g_assert_true (unload_wallet (f, "w1", &error));
  g_assert_no_error (error);
  UMK_TEST_WAIT_UNTIL (f->events->len == 5);
  g_assert_cmpstr (g_ptr_array_index (f->events, 4), ==, "unloaded w1");
  g_autoptr (GVariant) gone = wallet_info (f->node.conn, "w1", &error);
  g_assert_null (gone);
  g_assert_true (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD)
                 || g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT));
  g_clear_error (&error);
  g_autofree char *after = joined (list_wallets (f->proxy, FALSE));
  g_assert_true (g_str_has_prefix (after, "sub/w2,watch,"));
  /* Load it again: same object, same position. */
  g_autofree char *again = load_wallet (f, "w1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, expected_path);
  assert_at (f, "w1", main_block (START_HEIGHT));
  g_assert_nonnull (umk_wallet_loader_service_get_wallet (f->loader, "w1"));
}

static void
test_loader_errors (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_free (create_wallet (f, "w1", NULL, NULL, &error));
  g_assert_no_error (error);

  g_autofree char *dup = create_wallet (f, "w1", NULL, NULL, &error);
  g_assert_null (dup);
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Database already exists.");
  g_clear_error (&error);
  g_autofree char *unknown = load_wallet (f, "nope", &error);
  expect_dbus_error (error, UMK_IPC_ERROR_NOT_FOUND, "Path does not exist.");
  g_clear_error (&error);
  g_free (load_wallet (f, "w1", &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Wallet \"w1\" is already loaded.");
  g_clear_error (&error);
  g_assert_false (unload_wallet (f, "nope", &error));
  expect_dbus_error (error, UMK_IPC_ERROR_NOT_FOUND,
                     "Requested wallet does not exist or is not loaded");
  g_clear_error (&error);
  g_free (create_wallet (f, "", NULL, NULL, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_INVALID_ARGS, "Wallet name cannot be empty");
  g_clear_error (&error);

  /* Names that would leave the wallet directory, or are not folders. */
  const char *bad[]
      = { "..", "../x", "a/../b", "a/..", "./a", "a/./b", "a//b", "/", "//", "/abs/../x" };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_free (create_wallet (f, bad[i], NULL, NULL, &error));
      expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Invalid wallet name");
      g_clear_error (&error);
      g_free (load_wallet (f, bad[i], &error));
      expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Invalid wallet name");
      g_clear_error (&error);
    }
  g_autofree char *x = g_build_filename (f->dir, "x", NULL);
  g_assert_false (g_file_test (x, G_FILE_TEST_EXISTS));
  g_autofree char *file = g_build_filename (f->walletdir, "plainfile", NULL);
  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_free (create_wallet (f, "plainfile", NULL, NULL, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED, "Invalid -wallet path 'plainfile'");
  g_clear_error (&error);
  /* A folder without a wallet. */
  g_autofree char *empty = g_build_filename (f->walletdir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_free (load_wallet (f, "empty", &error));
  expect_dbus_error (error, UMK_IPC_ERROR_NOT_FOUND, "Data is not in recognized format.");
  g_clear_error (&error);

  /* Options: unknown keys and wrong types. */
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "passphrase", g_variant_new_string ("x"));
  g_free (create_wallet (f, "o1", g_variant_builder_end (&b), NULL, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_INVALID_ARGS, "Unknown option \"passphrase\"");
  g_clear_error (&error);
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "blank", g_variant_new_int32 (1));
  g_free (create_wallet (f, "o2", g_variant_builder_end (&b), NULL, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_INVALID_ARGS, "must be a boolean");
  g_clear_error (&error);
  g_assert_false (g_file_test (empty, G_FILE_TEST_IS_REGULAR));

  /* A wallet another owner has open. */
  g_free (create_wallet (f, "locked", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (unload_wallet (f, "locked", &error));
  g_autofree char *locked = g_build_filename (f->walletdir, "locked", NULL);
  UmkWalletStore *holder = umk_wallet_store_open (locked, &error);
  g_assert_no_error (error);
  g_free (load_wallet (f, "locked", &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED,
                     "Wallet file verification failed. Unable to obtain an exclusive lock");
  g_clear_error (&error);
  rpc_err (f, NULL, "loadwallet", "[\"locked\"]", -4,
           "Wallet file verification failed. Unable to obtain an exclusive lock on the wallet "
           "database*");
  umk_wallet_store_close (holder);
  g_free (load_wallet (f, "locked", &error));
  g_assert_no_error (error);
  g_autofree char *loaded = joined (list_wallets (f->proxy, FALSE));
  g_assert_cmpstr (loaded, ==, "w1,locked");
}

/* ---- RPC
 * ------------------------------------------------------------------------------------------ */

static void
test_rpc_wallets (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *r1 = rpc_ok_text (f, NULL, "createwallet", "[\"r1\"]");
  g_assert_cmpstr (r1, ==, "{\"name\":\"r1\"}");
  /* Named parameters, and Core's warning for an empty passphrase. */
  g_autofree char *r2 = rpc_ok_text (
      f, NULL, "createwallet",
      "{\"wallet_name\":\"r2\",\"disable_private_keys\":true,\"blank\":true,\"passphrase\":\"\","
      "\"avoid_reuse\":true,\"descriptors\":true}");
  g_assert_cmpstr (r2, ==,
                   "{\"name\":\"r2\",\"warnings\":[\"Empty string given as passphrase, wallet "
                   "will not be encrypted.\"]}");
  /* "args" for the positional ones in front. */
  g_autofree char *r3
      = rpc_ok_text (f, NULL, "createwallet", "{\"args\":[\"r3\"],\"load_on_startup\":true}");
  g_assert_cmpstr (r3, ==, "{\"name\":\"r3\"}");
  g_autofree char *settings_path = g_build_filename (f->dir, "regtest", "settings.json", NULL);
  g_autofree char *settings = NULL;
  g_assert_true (g_file_get_contents (settings_path, &settings, NULL, NULL));
  g_assert_nonnull (strstr (settings, "\"wallet\": [\n        \"r3\"\n    ]"));

  g_autofree char *list = rpc_ok_text (f, NULL, "listwallets", "");
  g_assert_cmpstr (list, ==, "[\"r1\",\"r2\",\"r3\"]");
  g_autofree char *dir = rpc_ok_text (f, NULL, "listwalletdir", "[]");
  g_assert_cmpstr (dir, ==,
                   "{\"wallets\":[{\"name\":\"r1\",\"warnings\":[]},{\"name\":\"r2\",\"warnings\":"
                   "[]},{\"name\":\"r3\",\"warnings\":[]}]}");

  /* getwalletinfo through the wallet's endpoint, with Core's fields in
   * Core's order and what is true of an empty wallet. */
  g_autofree char *info = rpc_ok_text (f, "r2", "getwalletinfo", "");
  TBlock *tip = main_block (START_HEIGHT);
  g_autofree char *expected = g_strdup_printf (
      "{\"walletname\":\"r2\",\"walletversion\":169900,\"format\":\"lmdb\",\"txcount\":0,"
      "\"keypoolsize\":0,\"keypoolsize_hd_internal\":0,\"private_keys_enabled\":false,"
      "\"avoid_reuse\":true,\"scanning\":false,\"descriptors\":true,\"external_signer\":false,"
      "\"blank\":true,\"flags\":[\"avoid_reuse\",\"disable_private_keys\",\"blank\","
      "\"descriptor_wallet\"],\"lastprocessedblock\":{\"hash\":\"%s\",\"height\":%d}}",
      tip->hex, tip->height);
  g_assert_cmpstr (info, ==, expected);
  g_autofree char *info1 = rpc_ok_text (f, "r1", "getwalletinfo", "[]");
  g_assert_nonnull (strstr (info1, "\"private_keys_enabled\":true"));
  g_assert_nonnull (strstr (info1, "\"flags\":[\"descriptor_wallet\"]"));

  /* unloadwallet: by name at "/", by endpoint, and load_on_startup false
   * takes r3 off the list. */
  g_autofree char *u1 = rpc_ok_text (f, NULL, "unloadwallet", "[\"r1\"]");
  g_assert_cmpstr (u1, ==, "{}");
  g_autofree char *u3 = rpc_ok_text (f, "r3", "unloadwallet", "{\"load_on_startup\":false}");
  g_assert_cmpstr (u3, ==, "{}");
  g_clear_pointer (&settings, g_free);
  g_assert_true (g_file_get_contents (settings_path, &settings, NULL, NULL));
  g_assert_null (strstr (settings, "r3"));
  g_autofree char *list2 = rpc_ok_text (f, NULL, "listwallets", "[]");
  g_assert_cmpstr (list2, ==, "[\"r2\"]");
  /* One wallet: a wallet method at "/" runs on it. */
  g_autofree char *info_root = rpc_ok_text (f, NULL, "getwalletinfo", "");
  g_assert_cmpstr (info_root, ==, expected);
  g_autofree char *l1 = rpc_ok_text (f, NULL, "loadwallet", "{\"filename\":\"r1\"}");
  g_assert_cmpstr (l1, ==, "{\"name\":\"r1\"}");
  UMK_TEST_WAIT_UNTIL (f->events->len == 6);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (f->events, 5), "loaded r1 "));

  g_autofree char *help = NULL;
  {
    g_autoptr (UmkValue) h = rpc_ok (f, NULL, "help", "[\"createwallet\"]");
    help = g_strdup (umk_value_val_str (h));
  }
  g_assert_true (g_str_has_prefix (help, "createwallet \"wallet_name\" ( disable_private_keys "
                                         "blank \"passphrase\" avoid_reuse descriptors "
                                         "load_on_startup external_signer )\n"));
  g_autoptr (UmkValue) all = rpc_ok (f, NULL, "help", "");
  g_assert_true (g_str_has_prefix (umk_value_val_str (all), "== Wallet ==\ncreatewallet "));
}

static void
test_rpc_errors (Fixture *f, gconstpointer data)
{
  (void) data;
  /* No wallet at all. */
  rpc_err (f, NULL, "getwalletinfo", "", -18,
           "No wallet is loaded. Load a wallet using loadwallet or create a new one with "
           "createwallet. (Note: A default wallet is no longer automatically created)");
  g_free (rpc_ok_text (f, NULL, "createwallet", "[\"a\"]"));
  g_free (rpc_ok_text (f, NULL, "createwallet", "[\"b\"]"));
  rpc_err (f, NULL, "getwalletinfo", "", -19,
           "Multiple wallets are loaded. Please select which wallet to use by requesting the RPC "
           "through the /wallet/<walletname> URI path.");

  /* createwallet's refusals, in Core's words. */
  g_autofree char *a_path = g_build_filename (f->walletdir, "a", NULL);
  g_autofree char *exists = g_strdup_printf (
      "Wallet file verification failed. Failed to create database path '%s'. Database already "
      "exists.",
      a_path);
  rpc_err (f, NULL, "createwallet", "[\"a\"]", -4, exists);
  rpc_err (f, NULL, "createwallet", "[\"\"]", -8, "Wallet name cannot be empty");
  rpc_err (f, NULL, "createwallet", "[\"c\", false, false, \"secret\"]", -4,
           "Wallet encryption is not supported yet*");
  rpc_err (f, NULL, "createwallet", "[\"c\", true, false, \"secret\"]", -4,
           "Passphrase provided but private keys are disabled. A passphrase is only used to "
           "encrypt private keys, so cannot be used for wallets with private keys disabled.");
  rpc_err (f, NULL, "createwallet", "{\"wallet_name\":\"c\",\"descriptors\":false}", -4,
           "descriptors argument must be set to \"true\"; it is no longer possible to create a "
           "legacy wallet.");
  rpc_err (f, NULL, "createwallet", "{\"wallet_name\":\"c\",\"external_signer\":true}", -4,
           "Compiled without external signing support (required for external signing)");
  rpc_err (f, NULL, "createwallet", "[\"../c\"]", -4,
           "Wallet file verification failed. Invalid wallet name '../c'*");
  rpc_err (f, NULL, "createwallet", "[\"c\\u0000d\"]", -4,
           "Wallet file verification failed. Invalid wallet name: it contains a NUL character");
  g_autofree char *c_path = g_build_filename (f->walletdir, "c", NULL);
  g_assert_false (g_file_test (c_path, G_FILE_TEST_EXISTS));

  /* loadwallet and unloadwallet. */
  g_autofree char *nope = g_build_filename (f->walletdir, "nope", NULL);
  g_autofree char *missing = g_strdup_printf (
      "Wallet file verification failed. Failed to load database path '%s'. Path does not exist.",
      nope);
  rpc_err (f, NULL, "loadwallet", "[\"nope\"]", -18, missing);
  rpc_err (f, NULL, "loadwallet", "[\"a\"]", -35, "Wallet \"a\" is already loaded.");
  rpc_err (f, NULL, "unloadwallet", "", -8,
           "Either the RPC endpoint wallet or the wallet name parameter must be provided");
  rpc_err (f, "a", "unloadwallet", "[\"b\"]", -8,
           "The RPC endpoint wallet and the wallet name parameter specify different wallets");
  rpc_err (f, NULL, "unloadwallet", "[\"nope\"]", -18,
           "Requested wallet does not exist or is not loaded");

  /* The request itself. */
  rpc_err (f, NULL, "getbalance", "", -32601, "Method not found");
  rpc_err (f, "a", "sendtoaddress", "[]", -32601, "Method not found");
  rpc_err (f, NULL, "listwallets", "[", -32700, "Parse error");
  rpc_err (f, NULL, "listwallets", "{\"a\":", -32700, "Parse error");
  rpc_err (f, NULL, "listwallets", "5", -32600, "Params must be an array or object");
  rpc_err (f, NULL, "listwallets", "\"x\"", -32600, "Params must be an array or object");
  rpc_err (f, NULL, "createwallet", "[1]", -3,
           "Wrong type passed:\n{\n    \"Position 1 (wallet_name)\": \"JSON value of type number "
           "is not of expected type string\"\n}");
  rpc_err (f, NULL, "createwallet", "[\"c\", \"yes\", 0]", -3,
           "Wrong type passed:\n{\n    \"Position 2 (disable_private_keys)\": \"JSON value of "
           "type string is not of expected type bool\",\n    \"Position 3 (blank)\": \"JSON "
           "value of type number is not of expected type bool\"\n}");
  rpc_err (f, NULL, "createwallet", "[null]", -3,
           "Wrong type passed:\n{\n    \"Position 1 (wallet_name)\": \"JSON value of type null "
           "is not of expected type string\"\n}");
  rpc_err (f, NULL, "loadwallet", "{\"filename\":[\"a\"]}", -3,
           "Wrong type passed:\n{\n    \"Position 1 (filename)\": \"JSON value of type array is "
           "not of expected type string\"\n}");
  /* A wrong count answers the help. */
  rpc_err (f, NULL, "listwallets", "[1]", -1, "listwallets\n\n*");
  rpc_err (f, NULL, "createwallet", "[]", -1, "createwallet \"wallet_name\" ( *");
  rpc_err (f, NULL, "createwallet", "[\"c\",1,2,3,4,5,6,7,8]", -1, "createwallet *");
  /* Named parameters. */
  rpc_err (f, NULL, "createwallet", "{\"wallet_name\":\"c\",\"foo\":1}", -8,
           "Unknown named parameter foo");
  rpc_err (f, NULL, "createwallet", "{\"wallet_name\":\"c\",\"wallet_name\":\"d\"}", -8,
           "Parameter wallet_name specified multiple times");
  rpc_err (f, NULL, "createwallet", "{\"args\":[\"c\"],\"wallet_name\":\"d\"}", -8,
           "Parameter wallet_name specified twice both as positional and named argument");
  g_assert_false (g_file_test (c_path, G_FILE_TEST_EXISTS));
  /* Nothing above changed the loaded set. */
  g_autofree char *list = rpc_ok_text (f, NULL, "listwallets", "");
  g_assert_cmpstr (list, ==, "[\"a\",\"b\"]");
}

typedef struct
{
  int height;
  char *hash;
} Processed;

static void
on_block_processed (UmkWallet1 *proxy, int height, const char *hash, gpointer user_data)
{
  (void) proxy;
  GArray *list = user_data;
  Processed p = { height, g_strdup (hash) };
  g_array_append_val (list, p);
}

static void
processed_clear (gpointer data)
{
  g_free (((Processed *) data)->hash);
}

static const Processed *
last_processed (GArray *list)
{
  return list->len ? &g_array_index (list, Processed, list->len - 1) : NULL;
}

static gboolean
processed_is (GArray *list, const TBlock *b)
{
  const Processed *p = last_processed (list);
  return p && p->height == b->height && strcmp (p->hash, b->hex) == 0;
}

/* ---- AddConnection
 * ------------------------------------------------------------------------------- */

static void
test_add_connection (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_free (create_wallet (f, "first", NULL, NULL, &error));
  g_assert_no_error (error);

  /* The node hands the wallet one end of a new socketpair ... */
  int fds[2];
  g_assert_true (umk_ipc_socketpair (fds, &error));
  g_autoptr (GUnixFDList) fd_list = g_unix_fd_list_new_from_array (&fds[0], 1);
  GAsyncResult *r = NULL;
  umk_wallet_loader1_call_add_connection (f->proxy, g_variant_new_handle (0), fd_list, NULL,
                                          umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_true (umk_wallet_loader1_call_add_connection_finish (f->proxy, NULL, r, &error));
  g_assert_no_error (error);
  g_clear_object (&r);
  /* ... and the GUI, the client, speaks on the other end. */
  umk_ipc_connection_new_for_fd (fds[1], FALSE, "wallet", NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_autoptr (GDBusConnection) gui = umk_ipc_connection_new_finish (r, &error);
  g_assert_no_error (error);
  g_clear_object (&r);
  g_autoptr (GPtrArray) gui_events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (UmkWalletLoader1) gui_proxy = loader_proxy (gui, gui_events);
  g_autoptr (UmkWallet1) gui_wallet = wallet_proxy (gui, "first");
  g_autoptr (GArray) processed = g_array_new (FALSE, FALSE, sizeof (Processed));
  g_array_set_clear_func (processed, processed_clear);
  g_signal_connect (gui_wallet, "block-processed", G_CALLBACK (on_block_processed), processed);
  g_dbus_connection_start_message_processing (gui);
  UMK_TEST_WAIT_UNTIL (umk_wallet_loader_service_get_n_connections (f->loader) == 2);

  /* The objects are there... */
  g_autofree char *names = joined (list_wallets (gui_proxy, FALSE));
  g_assert_cmpstr (names, ==, "first");
  g_autoptr (GVariant) info = wallet_info (gui, "first", &error);
  g_assert_no_error (error);
  /* ... and so are the signals: a wallet made through the node's connection,
   * a block the node connects. */
  g_free (create_wallet (f, "second", NULL, NULL, &error));
  g_assert_no_error (error);
  UMK_TEST_WAIT_UNTIL (gui_events->len == 1);
  g_autofree char *second_path = umk_ipc_wallet_object_path ("second");
  g_autofree char *event = g_strdup_printf ("loaded second %s", second_path);
  g_assert_cmpstr (g_ptr_array_index (gui_events, 0), ==, event);
  g_autoptr (GVariant) info2 = wallet_info (gui, "second", &error);
  g_assert_no_error (error);
  node_connect_main (&f->node, START_HEIGHT + 1, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (processed, main_block (START_HEIGHT + 1)));
  g_assert_true (unload_wallet (f, "second", &error));
  UMK_TEST_WAIT_UNTIL (gui_events->len == 2);
  g_assert_cmpstr (g_ptr_array_index (gui_events, 1), ==, "unloaded second");

  /* The GUI goes: the wallet forgets the connection. */
  g_clear_object (&gui_wallet);
  g_clear_object (&gui_proxy);
  g_assert_true (g_dbus_connection_close_sync (gui, NULL, &error));
  UMK_TEST_WAIT_UNTIL (umk_wallet_loader_service_get_n_connections (f->loader) == 1);

  /* No descriptor, or not a socket. */
  umk_wallet_loader1_call_add_connection (f->proxy, g_variant_new_handle (0), NULL, NULL,
                                          umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_false (umk_wallet_loader1_call_add_connection_finish (f->proxy, NULL, r, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_INVALID_ARGS, NULL);
  g_clear_error (&error);
  g_clear_object (&r);
  int devnull = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  g_autoptr (GUnixFDList) not_socket = g_unix_fd_list_new_from_array (&devnull, 1);
  umk_wallet_loader1_call_add_connection (f->proxy, g_variant_new_handle (0), not_socket, NULL,
                                          umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_false (umk_wallet_loader1_call_add_connection_finish (f->proxy, NULL, r, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_INVALID_ARGS, "not a socket");
  g_clear_error (&error);
  g_clear_object (&r);
}

/* ---- Following the chain
 * --------------------------------------------------------------------------- */

static void
test_chain_follow (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_free (create_wallet (f, "f", NULL, NULL, &error));
  g_assert_no_error (error);
  g_autoptr (UmkWallet1) proxy = wallet_proxy (f->node.conn, "f");
  g_autoptr (GArray) seen = g_array_new (FALSE, FALSE, sizeof (Processed));
  g_array_set_clear_func (seen, processed_clear);
  g_signal_connect (proxy, "block-processed", G_CALLBACK (on_block_processed), seen);
  assert_at (f, "f", main_block (START_HEIGHT));

  /* Blocks connected in a burst: BlockProcessed follows, coalesced (at
   * most one per interval), ending at the last block. */
  TBlock *fork_parent = chain.stale_a->parent;
  node_connect_main (&f->node, fork_parent->height, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, fork_parent));
  g_assert_cmpuint (seen->len, >=, 1);
  g_assert_cmpuint (seen->len, <, (guint) (fork_parent->height - START_HEIGHT));
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpint (g_array_index (seen, Processed, i - 1).height, <,
                     g_array_index (seen, Processed, i).height);
  /* One block, after a pause: its own signal. */
  g_usleep (UMK_WALLET_BLOCK_PROCESSED_INTERVAL_MS * 1000);
  node_disconnect (&f->node, TRUE);
  guint n_seen = seen->len;
  UMK_TEST_WAIT_UNTIL (seen->len == n_seen + 1);
  g_assert_cmpint (g_array_index (seen, Processed, n_seen).height, ==, fork_parent->height - 1);
  node_connect_main (&f->node, fork_parent->height, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, fork_parent));
  assert_at (f, "f", fork_parent);
  guint before = f->node.get_block_calls;

  /* Onto the branch that loses, then the reorganisation: BlockDisconnected
   * tip first, BlockConnected lowest first. */
  node_connect (&f->node, chain.stale_a, TRUE);
  node_connect (&f->node, chain.stale_b, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, chain.stale_b));
  node_disconnect (&f->node, TRUE);
  node_disconnect (&f->node, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, fork_parent));
  node_connect_main (&f->node, chain.stale_b->height + 3, TRUE);
  TBlock *tip = main_block (chain.stale_b->height + 3);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, tip));
  assert_at (f, "f", tip);
  /* All of it from the signals: no block was fetched. */
  g_assert_cmpuint (f->node.get_block_calls, ==, before);
  g_autofree char *info = rpc_ok_text (f, "f", "getwalletinfo", "");
  g_autofree char *last = g_strdup_printf ("\"lastprocessedblock\":{\"hash\":\"%s\",\"height\":%d}",
                                           tip->hex, tip->height);
  g_assert_nonnull (strstr (info, last));

  /* A gap (a signal the wallet never got): it catches up through Chain1. */
  node_connect_main (&f->node, tip->height + 2, FALSE);
  node_connect_main (&f->node, tip->height + 3, TRUE);
  tip = main_block (tip->height + 3);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, tip) && umk_chain_client_is_idle (f->chain));
  assert_at (f, "f", tip);
  g_assert_cmpuint (f->node.get_block_calls, ==, before + 3);

  /* A disconnection the wallet heard only the second half of (the block
   * below its own): it asks FindFork, rewinds two, and follows the blocks
   * connected again. */
  node_disconnect (&f->node, FALSE);
  node_disconnect (&f->node, TRUE);
  UMK_TEST_WAIT_UNTIL (umk_chain_client_is_idle (f->chain)
                       && info_height (f, "f") == tip->height - 2);
  node_connect_main (&f->node, tip->height, TRUE);
  UMK_TEST_WAIT_UNTIL (processed_is (seen, tip) && umk_chain_client_is_idle (f->chain));
  assert_at (f, "f", tip);

  /* Signals that are not blocks: refused, logged, never trusted. The wallet
   * checks with the node and stays where the node is. */
  g_autoptr (GBytes) junk = g_bytes_new_static ("\x00\x01\x02", 3);
  node_emit (&f->node, "BlockConnected", tip->hex, tip->height + 1, junk);
  node_emit (&f->node, "BlockDisconnected", tip->hex, tip->height, junk);
  /* A real block under the wrong hash. */
  node_emit (&f->node, "BlockConnected", main_block (3)->hex, tip->height + 1,
             main_block (tip->height + 1)->bytes);
  /* Wrong argument types are ignored. */
  g_dbus_connection_emit_signal (f->node.conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1",
                                 "BlockConnected", g_variant_new ("(s)", "x"), &error);
  g_assert_no_error (error);
  settle ();
  UMK_TEST_WAIT_UNTIL (umk_chain_client_is_idle (f->chain));
  assert_at (f, "f", tip);

  /* The position reached the disk when the wallet was unloaded. */
  g_assert_true (unload_wallet (f, "f", &error));
  g_autofree char *folder = g_build_filename (f->walletdir, "f", NULL);
  g_autoptr (UmkWalletStore) store = umk_wallet_store_open (folder, &error);
  g_assert_no_error (error);
  int height;
  UmkUint256 hash;
  umk_wallet_store_get_best_block (store, &height, &hash);
  g_assert_cmpint (height, ==, tip->height);
  g_assert_true (umk_uint256_equal (&hash, &tip->block->hash));
}

static void
test_chain_catch_up (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  /* A wallet stays at 205 while the node moves on; loading catches up,
   * fetching each block, before LoadWallet answers. */
  g_free (create_wallet (f, "c", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (unload_wallet (f, "c", &error));
  node_connect_main (&f->node, START_HEIGHT + 15, TRUE);
  guint before = f->node.get_block_calls;
  g_free (load_wallet (f, "c", &error));
  g_assert_no_error (error);
  assert_at (f, "c", main_block (START_HEIGHT + 15));
  g_assert_cmpuint (f->node.get_block_calls, ==, before + 15);
  g_assert_true (umk_chain_client_is_idle (f->chain));

  /* A reorganisation while unloaded: the wallet is on the losing branch, the
   * node moves to the winning one; loading rewinds to the fork (FindFork)
   * and catches up on the other side. */
  g_assert_true (unload_wallet (f, "c", &error));
  while (node_tip (&f->node)->height >= chain.stale_a->height)
    node_disconnect (&f->node, TRUE);
  node_connect_main (&f->node, chain.stale_a->parent->height, TRUE);
  node_connect (&f->node, chain.stale_a, TRUE);
  node_connect (&f->node, chain.stale_b, TRUE);
  g_free (create_wallet (f, "r", NULL, NULL, &error));
  g_assert_no_error (error);
  assert_at (f, "r", chain.stale_b);
  g_assert_true (unload_wallet (f, "r", &error));
  node_disconnect (&f->node, TRUE);
  node_disconnect (&f->node, TRUE);
  TBlock *tip = main_block (chain.stale_b->height + 5);
  node_connect_main (&f->node, tip->height, TRUE);
  before = f->node.get_block_calls;
  g_free (load_wallet (f, "r", &error));
  g_assert_no_error (error);
  assert_at (f, "r", tip);
  g_assert_cmpuint (f->node.get_block_calls, ==,
                    before + (guint) (tip->height - chain.stale_a->parent->height));
  /* "c" is ahead of the node now (the node went back to the winning branch
   * below 220): it rewinds to the node's tip. */
  g_free (load_wallet (f, "c", &error));
  g_assert_no_error (error);
  assert_at (f, "c", tip);

  /* A wallet whose block the node does not know scans from the genesis. */
  g_assert_true (unload_wallet (f, "c", &error));
  g_autofree char *folder = g_build_filename (f->walletdir, "c", NULL);
  {
    g_autoptr (UmkWalletStore) store = umk_wallet_store_open (folder, &error);
    g_assert_no_error (error);
    UmkUint256 unknown;
    memset (unknown.b, 0x42, sizeof unknown.b);
    g_assert_true (umk_wallet_store_write_best_block (store, 300, &unknown, &error));
  }
  before = f->node.get_block_calls;
  g_free (load_wallet (f, "c", &error));
  g_assert_no_error (error);
  assert_at (f, "c", tip);
  g_assert_cmpuint (f->node.get_block_calls, ==, before + (guint) tip->height + 1);

  /* getwalletinfo is true to the scan: none in progress now. */
  g_autofree char *info = rpc_ok_text (f, "c", "getwalletinfo", "");
  g_assert_nonnull (strstr (info, "\"scanning\":false"));
}

static void
test_chain_bad_node (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_free (create_wallet (f, "b", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (unload_wallet (f, "b", &error));
  /* The node answers garbage for one block of the catch-up: the load fails
   * with the reason, and nothing stays open or locked. */
  node_connect_main (&f->node, START_HEIGHT + 5, TRUE);
  f->node.corrupt = main_block (START_HEIGHT + 3);
  g_free (load_wallet (f, "b", &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED,
                     "Wallet loading failed. Failed to rescan the wallet during initialization: "
                     "Chain1.GetBlock: the node sent a malformed block at height 208");
  g_clear_error (&error);
  g_autofree char *names = joined (list_wallets (f->proxy, FALSE));
  g_assert_cmpstr (names, ==, "");
  rpc_err (f, NULL, "loadwallet", "[\"b\"]", -4, "Wallet loading failed. Failed to rescan*");
  f->node.corrupt = NULL;
  g_free (load_wallet (f, "b", &error));
  g_assert_no_error (error);
  assert_at (f, "b", main_block (START_HEIGHT + 5));

  /* A node without Chain1: a new wallet cannot find the tip. */
  g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (f->node.skeleton));
  g_free (create_wallet (f, "nochain", NULL, NULL, &error));
  expect_dbus_error (error, UMK_IPC_ERROR_FAILED,
                     "Wallet creation failed. Failed to rescan the wallet during initialization: "
                     "Chain1.GetTip: Object does not exist at path");
  g_clear_error (&error);
  g_assert_true (g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (f->node.skeleton),
                                                   f->node.conn, UMK_IPC_CHAIN_PATH, &error));
}

static void
test_chain_mempool (Fixture *f, gconstpointer data)
{
  (void) data;
  const UmkTx *tx = main_block (100)->block->tx[0];
  g_autoptr (GBytes) raw = g_bytes_new (tx->raw.data, tx->raw.len);
  char txid[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&tx->txid, txid);
  GError *error = NULL;
  g_dbus_connection_emit_signal (f->node.conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1",
                                 "TransactionAddedToMempool",
                                 g_variant_new ("(s@ay)", txid, bytes_variant (raw)), &error);
  g_autoptr (GBytes) junk = g_bytes_new_static ("\x02", 1);
  g_dbus_connection_emit_signal (f->node.conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1",
                                 "TransactionAddedToMempool",
                                 g_variant_new ("(s@ay)", "00", bytes_variant (junk)), &error);
  g_dbus_connection_emit_signal (f->node.conn, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1",
                                 "TransactionRemovedFromMempool",
                                 g_variant_new ("(ss)", txid, "block"), &error);
  g_assert_no_error (error);
  guint64 added = 0, removed = 0;
  UMK_TEST_WAIT_UNTIL ((umk_chain_client_get_mempool_counts (f->chain, &added, &removed),
                        added == 2 && removed == 1));
}

static void
test_startup_wallets (Fixture *f, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_free (create_wallet (f, "s1", NULL, NULL, &error));
  g_free (create_wallet (f, "s2", NULL, NULL, &error));
  g_assert_no_error (error);
  umk_wallet_loader_service_unload_all (f->loader);
  /* unload_all ends pending work for good; a fresh loader for the start-up. */
  g_clear_object (&f->loader);
  f->loader = umk_wallet_loader_service_new (f->walletdir, f->args, f->chain);
  /* The loader's objects were removed from the connection with the old one. */
  g_assert_true (umk_wallet_loader_service_add_connection (f->loader, f->wallet_conn, &error));
  {
    /* An unnamed wallet in the directory itself: loaded without -wallet. */
    g_autoptr (UmkWalletStore) top
        = umk_wallet_store_create (f->walletdir, UMK_WALLET_FLAG_DESCRIPTORS, 1, &error);
    g_assert_no_error (error);
  }
  GAsyncResult *r = NULL;
  umk_wallet_loader_service_load_startup_async (f->loader, NULL, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_true (umk_wallet_loader_service_load_startup_finish (f->loader, r, &error));
  g_clear_object (&r);
  g_auto (GStrv) names = list_wallets (f->proxy, FALSE);
  g_assert_cmpuint (g_strv_length (names), ==, 1);
  g_assert_cmpstr (names[0], ==, "");
  g_autoptr (GVariant) info = wallet_info (f->node.conn, "", &error);
  g_assert_no_error (error);
  g_autofree char *dir = joined (list_wallets (f->proxy, TRUE));
  g_assert_cmpstr (dir, ==, ",s1,s2");

  /* Duplicates and missing ones are skipped (with a warning). */
  const char *list[] = { "s1", "s1", "missing", "s2", NULL };
  umk_wallet_loader_service_load_startup_async (f->loader, list, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_true (umk_wallet_loader_service_load_startup_finish (f->loader, r, &error));
  g_clear_object (&r);
  g_autofree char *loaded = joined (list_wallets (f->proxy, FALSE));
  g_assert_cmpstr (loaded, ==, ",s1,s2");

  /* Anything else ends the start-up. */
  const char *bad[] = { "../x", NULL };
  umk_wallet_loader_service_load_startup_async (f->loader, bad, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_false (umk_wallet_loader_service_load_startup_finish (f->loader, r, &error));
  g_assert_nonnull (strstr (error->message, "Invalid wallet name '../x'"));
  g_clear_error (&error);
  g_clear_object (&r);
  g_autofree char *empty = g_build_filename (f->walletdir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  const char *no_wallet[] = { "empty", NULL };
  umk_wallet_loader_service_load_startup_async (f->loader, no_wallet, umk_test_store_result, &r);
  UMK_TEST_WAIT_UNTIL (r);
  g_assert_false (umk_wallet_loader_service_load_startup_finish (f->loader, r, &error));
  g_assert_nonnull (strstr (error->message, "Data is not in recognized format."));
  g_clear_error (&error);
  g_clear_object (&r);
}

static void
test_method_table (void)
{
  const char *const *names = umk_wallet_rpc_method_names ();
  guint n = 0;
  for (; names[n]; n++)
    {
      g_assert_true (umk_wallet_rpc_has_method (names[n]));
      g_autofree char *help = umk_wallet_rpc_method_help (names[n]);
      g_assert_true (g_str_has_prefix (help, names[n]));
      if (n > 0)
        g_assert_cmpstr (names[n - 1], <, names[n]);
    }
  g_assert_cmpuint (n, ==, 7);
  g_assert_false (umk_wallet_rpc_has_method ("getbalance"));
  g_assert_null (umk_wallet_rpc_method_help ("getbalance"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  load_chain ();
#define ADD(name, fn) \
  g_test_add ("/wallet-ipc/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("loader/basic", test_loader_basic);
  ADD ("loader/errors", test_loader_errors);
  ADD ("rpc/wallets", test_rpc_wallets);
  ADD ("rpc/errors", test_rpc_errors);
  ADD ("add-connection", test_add_connection);
  ADD ("chain/follow", test_chain_follow);
  ADD ("chain/catch-up", test_chain_catch_up);
  ADD ("chain/bad-node", test_chain_bad_node);
  ADD ("chain/mempool", test_chain_mempool);
  ADD ("startup", test_startup_wallets);
  g_test_add_func ("/wallet-ipc/rpc/method-table", test_method_table);
  return g_test_run ();
}
