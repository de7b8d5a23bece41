/* ipc-server.h — umkoin-node's side of private D-Bus (DESIGN §2): the
 * -ipcfd connection to a umkoin-gui that started the node, the -ipcbind
 * listeners on unix sockets, and every connection they and the wallet
 * process bring. Each connection gets org.umkoin.Node1 at /org/umkoin/Node
 * and org.umkoin.Chain1 at /org/umkoin/Chain (node/ipc-node1.c,
 * node/ipc-chain1.c).
 *
 * The server starts right after the log, before the chainstate loads, so
 * that a GUI sees the start-up steps (InitMessage). Until
 * umk_ipc_server_chainstate_loaded() the interfaces answer what needs the
 * chain with org.umkoin.Error.Unavailable (ExecuteRpc with Core's -28
 * warm-up error).
 *
 * Methods run on GDBus's worker threads, never on the main loop, so a long
 * validation job delays no answer that does not need the chain lock.
 * umk_ipc_server_shutdown() refuses new calls and waits for those in
 * flight; the connections stay open until the object is finalized, after
 * the chainstate has been closed.
 *
 * All functions are for the main thread unless they say otherwise.
 */
#pragma once

#include "node/node.h"
#include "node/rpc-dispatch.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define UMK_TYPE_IPC_SERVER (umk_ipc_server_get_type ())
G_DECLARE_FINAL_TYPE (UmkIpcServer, umk_ipc_server, UMK, IPC_SERVER, GObject)

/* Reads -ipcbind and -ipcfd, listens on each socket and builds the -ipcfd
 * connection (the node shuts down when that one closes). Sets
 * node->init_message.
 * Returns: the server, or NULL with a start-up error (a bad value, a folder
 * others may write to, another node listening on the path, …). */
UmkIpcServer *umk_ipc_server_new (UmkNode *node, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* node->chainstate and node->mempool exist now: the interfaces follow them
 * (tip snapshot, chain and mempool signals) and answer in full. */
void umk_ipc_server_chainstate_loaded (UmkIpcServer *self);

/* The wallet process's keeper (ConnectWallet, WalletProcessChanged, and
 * Chain1.AttachWallet from a umkoin-wallet that came through -ipcbind). */
void umk_ipc_server_set_wallet_host (UmkIpcServer *self, UmkWalletHost *host);

/* Exports Node1 and Chain1 on connection and keeps it until it closes.
 * label names the peer in logs. The caller then starts its message
 * processing (connections from common/ipc.h start held back). */
void umk_ipc_server_add_connection (UmkIpcServer *self, GDBusConnection *connection,
                                    const char *label);

/* Stops listening (the socket files are removed), refuses new calls and
 * waits for the calls in flight, interrupting those that wait (RPC
 * waitfornewblock and the like). */
void umk_ipc_server_shutdown (UmkIpcServer *self);

/* ---- For the interface implementations (any thread) ---------------------- */

/* Counts a method call in. Returns: FALSE, with the invocation answered
 * (org.umkoin.Error.Unavailable), once the server shuts down, or when
 * need_chain and the chainstate is not loaded yet. Pair a TRUE with
 * umk_ipc_server_call_end() when the call is answered. */
gboolean umk_ipc_server_call_begin (UmkIpcServer *self, GDBusMethodInvocation *invocation,
                                    gboolean need_chain);
void umk_ipc_server_call_end (UmkIpcServer *self);

UmkNode *umk_ipc_server_get_node (UmkIpcServer *self);
/* The dispatcher Node1.ExecuteRpc and Chain1.BroadcastTransaction use. */
UmkRpcDispatcher *umk_ipc_server_get_dispatcher (UmkIpcServer *self);
/* Returns: whether the chainstate is loaded (then node->chainstate and
 * node->mempool may be read). */
gboolean umk_ipc_server_chain_ready (UmkIpcServer *self);
/* Returns: the latest start-up step, for the RPC warm-up error. */
char *umk_ipc_server_dup_init_message (UmkIpcServer *self) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the wallet host (a new reference), or NULL. */
UmkWalletHost *umk_ipc_server_dup_wallet_host (UmkIpcServer *self) G_GNUC_WARN_UNUSED_RESULT;
/* Chain1.AttachWallet from connection: hands it to the wallet host on the
 * main thread and completes invocation (any thread). */
void umk_ipc_server_attach_wallet (UmkIpcServer *self, GDBusConnection *connection,
                                   GDBusMethodInvocation *invocation);

G_END_DECLS
