/* wallet-host.h — the node's keeper of the wallet process (DESIGN §2).
 *
 * Unless -disablewallet, the node starts umkoin-wallet with UmkIpcChild on
 * a socketpair (the node authenticates it, and serves it Node1 and Chain1),
 * writes the wallet's output lines into debug.log as "[wallet] <line>", and
 * notices when it dies: it says so in the log and with
 * Node1.WalletProcessChanged, and goes on without a wallet (no restart). A
 * umkoin-wallet started by hand with -ipcconnect, which reaches the node
 * through an -ipcbind socket, says what it is with Chain1.AttachWallet and
 * is used the same way while no other wallet process is there.
 *
 * Through the wallet's connection go the RPC methods the node does not have
 * (installed as the dispatcher's forwarder: "/" to WalletLoader1.ExecuteRpc,
 * "/wallet/<name>" to that wallet's Wallet1.ExecuteRpc) and the sockets
 * Node1.ConnectWallet hands to a GUI (WalletLoader1.AddConnection).
 */
#pragma once

#include "node/ipc-server.h"
#include "node/node.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define UMK_TYPE_WALLET_HOST (umk_wallet_host_get_type ())
G_DECLARE_FINAL_TYPE (UmkWalletHost, umk_wallet_host, UMK, WALLET_HOST, GObject)

/* A host without a wallet yet; it installs the RPC forwarder. ipc (not
 * referenced) must outlive it. */
UmkWalletHost *umk_wallet_host_new (UmkNode *node, UmkIpcServer *ipc) G_GNUC_WARN_UNUSED_RESULT;

/* Starts umkoin-wallet (umk_ipc_find_program ("umkoin-wallet", "wallet"))
 * with the node's datadir, chain, wallet and logging options. A program that
 * cannot be started is a warning, not an error: the node then runs without
 * a wallet. Call from the main thread (the child dies with it). */
void umk_wallet_host_spawn (UmkWalletHost *self);

/* Runs the main context until the wallet process started by
 * umk_wallet_host_spawn() has finished its start-up (it logged "init
 * message: Done loading", as Core's wallet does), exited, failed its
 * handshake, the node was asked to stop, or timeout_ms passed: Core's node
 * says "Done loading" once its wallets are loaded. Meanwhile the wallet's
 * start-up steps go out as the node's InitMessage.
 * Returns: whether the wallet is up. */
gboolean umk_wallet_host_wait_ready (UmkWalletHost *self, guint timeout_ms);

/* Chain1.AttachWallet: connection (an -ipcbind client, named label in
 * logs) is a umkoin-wallet serving WalletLoader1; use it until it closes.
 * Main thread. Returns: FALSE with UMK_IPC_ERROR_UNAVAILABLE while another
 * wallet process serves the node, or while the node stops. */
gboolean umk_wallet_host_attach (UmkWalletHost *self, GDBusConnection *connection,
                                 const char *label, GError **error);

/* Whether a wallet process is connected now. Any thread. */
gboolean umk_wallet_host_is_connected (UmkWalletHost *self);

/* Node1.ConnectWallet: a new socketpair, one end handed to the wallet with
 * WalletLoader1.AddConnection. Returns: the other end (the caller owns it),
 * or -1 with UMK_IPC_ERROR_UNAVAILABLE when no wallet process is there or
 * with the wallet's error. Any thread (blocks for the wallet's answer). */
int umk_wallet_host_connect (UmkWalletHost *self, GError **error);

/* Makes forwarded calls in flight return now ("Shutting down"), and new
 * ones fail: the node is stopping. Any thread. */
void umk_wallet_host_interrupt (UmkWalletHost *self);

/* Stops the wallet process it started: SIGTERM, then waits up to
 * timeout_ms for it to exit (SIGKILL after that). An attached wallet is
 * left alone. Removes the RPC forwarder. */
void umk_wallet_host_stop (UmkWalletHost *self, guint timeout_ms);

G_END_DECLS

/* Signals (main context):
 *   "changed" (gboolean running, const char *message) — a wallet process
 *     connected, exited or went away; message says what happened. */
