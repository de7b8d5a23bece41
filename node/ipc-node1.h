/* ipc-node1.h — org.umkoin.Node1 (data/dbus/org.umkoin.Node1.xml): what
 * the node offers umkoin-gui and any tool on node.sock.
 *
 * One skeleton serves every connection of the IPC server. Status calls
 * (GetTip, GetBlockchainInfo, …) answer from a snapshot that the
 * chainstate's notifications keep current, so they never wait for the
 * chain lock; ExecuteRpc runs on a pool of its own threads. TipChanged,
 * HeaderTipChanged and HeaderPresyncChanged are emitted from the main
 * context: one per change, or, during initial block download, at most one
 * of each per 250 ms carrying the latest.
 */
#pragma once

#include "node/ipc-server.h"
#include "node/node.h"

#include <gio/gio.h>

typedef struct _UmkIpcNode1 UmkIpcNode1;

UmkIpcNode1 *umk_ipc_node1_new (UmkIpcServer *server) G_GNUC_WARN_UNUSED_RESULT;
/* Frees it; the chainstate, whose callbacks point here, must be closed. */
void umk_ipc_node1_free (UmkIpcNode1 *self);

/* The skeleton to export (transfer none). */
GDBusInterfaceSkeleton *umk_ipc_node1_get_skeleton (UmkIpcNode1 *self);

/* node->chainstate exists: take the first snapshot, follow the tip from now
 * on, and tell the connected peers (a TipChanged). */
void umk_ipc_node1_chainstate_loaded (UmkIpcNode1 *self);

/* InitMessage, on every connection. Any thread. */
void umk_ipc_node1_emit_init_message (UmkIpcNode1 *self, const char *message);
/* WalletProcessChanged, on every connection. */
void umk_ipc_node1_emit_wallet_process_changed (UmkIpcNode1 *self, gboolean running,
                                                const char *message);

/* No more ExecuteRpc jobs: waits for the pool's threads (the dispatcher
 * must have been interrupted), and drops the pending tip signals. */
void umk_ipc_node1_shutdown (UmkIpcNode1 *self);
