/* ipc-chain1.h — org.umkoin.Chain1 (data/dbus/org.umkoin.Chain1.xml): what
 * the node offers the wallet process: the active chain, raw blocks and
 * transactions, the mempool, broadcasting and fee rates, and a signal for
 * every change a wallet must follow.
 *
 * Methods run on GDBus's worker threads and take the chain lock for as long
 * as a lookup (or one block read) needs. The signals are emitted from the
 * chainstate's and the mempool's notifications, under their locks, straight
 * onto every connection: GDBus keeps their order per connection, and none
 * is coalesced or dropped (the wallet must see every block). Blocks and
 * transactions travel as raw bytes ("ay") built here as GVariants, not
 * through the generated C wrappers, which treat "ay" as a C string.
 */
#pragma once

#include "node/ipc-server.h"

#include <gio/gio.h>

typedef struct _UmkIpcChain1 UmkIpcChain1;

UmkIpcChain1 *umk_ipc_chain1_new (UmkIpcServer *server) G_GNUC_WARN_UNUSED_RESULT;
/* Frees it; the chainstate and the mempool, whose callbacks point here, must
 * be gone. */
void umk_ipc_chain1_free (UmkIpcChain1 *self);

/* The skeleton to export (transfer none). */
GDBusInterfaceSkeleton *umk_ipc_chain1_get_skeleton (UmkIpcChain1 *self);

/* node->chainstate and node->mempool exist: emit their changes from now on. */
void umk_ipc_chain1_chainstate_loaded (UmkIpcChain1 *self);
