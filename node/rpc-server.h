/* rpc-server.h — the JSON-RPC server over HTTP (libsoup 3), as umkoind's.
 *
 * Listens on -rpcbind/-rpcport (loopback unless -rpcallowip), authenticates
 * (cookie file, -rpcuser/-rpcpassword, -rpcauth), runs requests on a pool of
 * -rpcthreads workers with at most -rpcworkqueue waiting, and answers
 * JSON-RPC 1.0 and 2.0 exactly as Umkoin Core does.
 */
#pragma once

#include "node/node.h"

#include <glib.h>

typedef struct _UmkRpcServer UmkRpcServer;

/* Binds every address, writes the cookie file (unless -rpcpassword is set)
 * and starts serving on node->loop's context. On failure nothing is left
 * listening and error holds Core's message (e.g. "Unable to bind any
 * endpoint for RPC server"). With -server=0 (and not -rpcbind…) it returns
 * a server that does not listen. */
UmkRpcServer *umk_rpc_server_new (UmkNode *node, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Stops accepting, lets requests in flight finish (their answers are sent),
 * stops the workers, and removes the cookie file. Call from the main thread. */
void umk_rpc_server_free (UmkRpcServer *server);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkRpcServer, umk_rpc_server_free)
