/* node.h — the running node: what its parts (RPC server, later validation,
 * P2P, IPC) share, and how any of them asks it to stop.
 *
 * One UmkNode exists per process, created by main() after the options are
 * read and the datadir is locked, and freed after the main loop returns.
 * Fields are set before any server starts and read-only afterwards, so
 * worker threads may read them without locking.
 */
#pragma once

#include "common/args.h"
#include "common/chainparams.h"

#include <glib.h>

typedef struct _UmkChainstate UmkChainstate;
typedef struct _UmkMempool UmkMempool;

typedef struct
{
  UmkArgs *args;                /* parsed options and config (borrowed from main) */
  UmkChain chain;               /* the selected chain */
  const UmkChainParams *params; /* its parameters, genesis block included */
  char *datadir_net;            /* <datadir>[/<chain subdir>], created, locked */
  gint64 start_time;            /* g_get_monotonic_time () at start, for uptime */
  GMainLoop *loop;              /* the main loop: RPC server sources run on it */
  UmkChainstate *chainstate;    /* blocks, block index, UTXO set (node/chainstate.h) */
  UmkMempool *mempool;          /* unconfirmed transactions (node/mempool.h) */
  /* private */
  gint shutdown_requested; /* atomic */
} UmkNode;

/* Asks the node to stop (RPC stop, SIGINT/SIGTERM): the main loop quits and
 * main() shuts the parts down in order. Safe from any thread and from a
 * GLib signal source; repeated calls are harmless. */
void umk_node_request_shutdown (UmkNode *node);
gboolean umk_node_shutdown_requested (UmkNode *node);

/* Seconds since start (the uptime RPC). */
gint64 umk_node_uptime (const UmkNode *node);
