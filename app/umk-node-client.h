/* umk-node-client.h — the window's line to umkoin-node, and through it to
 * umkoin-wallet.
 *
 * The client either spawns a node (with the user's options; the node's end
 * of the socketpair is its -ipcfd) or attaches to a running one through its
 * -ipcbind socket. Either way it ends up with an org.umkoin.Node1 proxy, and
 * relays the node's signals as its own, so that pages connect once and
 * never hold a proxy that may go away.
 *
 * It also asks the node for a direct connection to the wallet process
 * (Node1.ConnectWallet) and keeps the list of loaded wallets as a
 * GListModel of names, following WalletLoader1's signals and the node's
 * WalletProcessChanged.
 *
 * What went wrong is kept for the window: a title ("The node failed to
 * start", "The node stopped unexpectedly", "The connection to the node was
 * lost"), a message, and the node's last output lines.
 *
 * Every call is asynchronous; the client lives on the main thread.
 */
#pragma once

#include "umk-dbus.h"

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  UMK_NODE_CLIENT_STARTING,  /* spawning or connecting */
  UMK_NODE_CLIENT_CONNECTED, /* umk_node_client_get_node() answers */
  UMK_NODE_CLIENT_STOPPING,  /* umk_node_client_stop_async() is under way */
  UMK_NODE_CLIENT_STOPPED,   /* stopped as asked; nothing runs */
  UMK_NODE_CLIENT_FAILED,    /* see the error title, message and log lines */
} UmkNodeClientState;

#define UMK_TYPE_NODE_CLIENT_STATE (umk_node_client_state_get_type ())
GType umk_node_client_state_get_type (void);

#define UMK_TYPE_NODE_CLIENT (umk_node_client_get_type ())
G_DECLARE_FINAL_TYPE (UmkNodeClient, umk_node_client, UMK, NODE_CLIENT, GObject)

/* A client that will start node_program (NULL: umkoin-node found with
 * umk_ipc_find_program()) with node_args (not including argv[0]). */
UmkNodeClient *umk_node_client_new_spawn (const char *node_program,
                                          const char *const *node_args) G_GNUC_WARN_UNUSED_RESULT;
/* A client that will attach to the node listening on socket_path. */
UmkNodeClient *umk_node_client_new_attach (const char *socket_path) G_GNUC_WARN_UNUSED_RESULT;

/* Spawns or connects (once). The outcome arrives as notify::state. */
void umk_node_client_start (UmkNodeClient *self);

UmkNodeClientState umk_node_client_get_state (UmkNodeClient *self);
/* Returns: TRUE when this client started the node (and stops it). */
gboolean umk_node_client_get_spawned (UmkNodeClient *self);
/* Returns: the spawned node's pid, 0 when attached or once it exited. */
GPid umk_node_client_get_pid (UmkNodeClient *self);
/* Returns: the Node1 proxy while CONNECTED, else NULL. Transfer: none. */
UmkNode1 *umk_node_client_get_node (UmkNodeClient *self);

/* While FAILED: what happened, in a few words and in a sentence. */
const char *umk_node_client_get_error_title (UmkNodeClient *self);
const char *umk_node_client_get_error_message (UmkNodeClient *self);
/* Returns: the spawned node's last output lines (empty when attached).
 * Transfer: full. */
char **umk_node_client_dup_log_lines (UmkNodeClient *self) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the node's latest InitMessage, or NULL. */
const char *umk_node_client_get_init_message (UmkNodeClient *self);

/* Stops what the client started: a spawned node is asked to shut down
 * (Node1.Shutdown; SIGTERM if it is not connected or does not stop within a
 * minute; SIGKILL ten seconds after that) and waited for; an attached node
 * is only disconnected from, and keeps running. Completes once that is
 * done; state is STOPPED then (or stays FAILED when it had failed). */
void umk_node_client_stop_async (UmkNodeClient *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean umk_node_client_stop_finish (UmkNodeClient *self, GAsyncResult *result, GError **error);

/* ---- The wallet process ---------------------------------------------------- */

/* Returns: the names of the loaded wallets (GtkStringList, in load order);
 * empty while the wallet process is not reached. Transfer: none. */
GListModel *umk_node_client_get_wallets (UmkNodeClient *self);
/* Returns: TRUE while the wallet process is connected. */
gboolean umk_node_client_get_wallet_connected (UmkNodeClient *self);
/* Returns: why the wallet process is not reached (NULL while it is, or
 * before anyone asked). */
const char *umk_node_client_get_wallet_status (UmkNodeClient *self);
/* Returns: the WalletLoader1 proxy while connected, else NULL. Transfer: none. */
UmkWalletLoader1 *umk_node_client_get_wallet_loader (UmkNodeClient *self);

/* The wallet RPC console commands go to ("" or NULL: none, the node's "/"
 * endpoint). Cleared when that wallet is unloaded. */
const char *umk_node_client_get_selected_wallet (UmkNodeClient *self);
void umk_node_client_set_selected_wallet (UmkNodeClient *self, const char *name);

G_END_DECLS

/* Properties (all read-only but "selected-wallet"; notify on change):
 *   "state" (UmkNodeClientState), "init-message", "wallet-connected",
 *   "wallet-status", "selected-wallet".
 * Signals, relaying Node1's (see org.umkoin.Node1.xml):
 *   "tip-changed" (int height, const char *hash, gint64 time,
 *                  double verification_progress, gboolean ibd)
 *   "header-tip-changed" (int height, const char *hash, gint64 time)
 *   "header-presync-changed" (int height, gint64 time)
 *   "connection-count-changed" (guint in, guint out)
 *   "output" (const char *line) — a line of the spawned node's output.
 */
