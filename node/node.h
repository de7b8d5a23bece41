/* node.h — the running node: what its parts (RPC server, later validation,
 * P2P, IPC) share, and how any of them asks it to stop.
 *
 * One UmkNode exists per process, created by main() after the options are
 * read and the datadir is locked, and freed after the main loop returns.
 * Fields are set before any server starts and read-only afterwards, so
 * worker threads may read them without locking. The exceptions are set by
 * main() while only the IPC server runs: chainstate and mempool (the IPC
 * server reads them once told they exist) and wallet (main() only).
 */
#pragma once

#include "common/args.h"
#include "common/chainparams.h"
#include "common/logging.h"

#include <glib.h>

typedef struct _UmkChainstate UmkChainstate;
typedef struct _UmkMempool UmkMempool;
typedef struct _UmkIpcServer UmkIpcServer;
typedef struct _UmkWalletHost UmkWalletHost;
typedef struct _UmkConnman UmkConnman;
typedef struct _UmkPeerManager UmkPeerManager;
typedef struct _UmkAddrMan UmkAddrMan;
typedef struct _UmkBanMan UmkBanMan;

typedef struct
{
  UmkArgs *args;                /* parsed options and config (borrowed from main) */
  int argc;                     /* the command line as given, */
  const char *const *argv;      /* for what umkoin-wallet is passed on */
  UmkChain chain;               /* the selected chain */
  const UmkChainParams *params; /* its parameters, genesis block included */
  char *datadir_net;            /* <datadir>[/<chain subdir>], created, locked */
  gint64 start_time;            /* g_get_monotonic_time () at start, for uptime */
  GMainLoop *loop;              /* the main loop: RPC server sources run on it */
  UmkChainstate *chainstate;    /* blocks, block index, UTXO set (node/chainstate.h) */
  UmkMempool *mempool;          /* unconfirmed transactions (node/mempool.h) */
  /* The private D-Bus side (node/ipc-server.h): started before the
   * chainstate, so that a GUI sees the start-up steps; NULL without IPC. */
  UmkIpcServer *ipc;
  UmkWalletHost *wallet; /* the umkoin-wallet process (node/wallet-host.h), or NULL */
  /* The peer-to-peer network (node/net.h, node/net-processing.h) and its
   * address and ban lists; set before the RPC server starts, NULL until
   * then (and in tests without a network). */
  UmkConnman *connman;
  UmkPeerManager *peerman;
  UmkAddrMan *addrman;
  UmkBanMan *banman;
  /* Where start-up steps go besides the log (the IPC server's InitMessage
   * signal); set before the chainstate starts, called from any thread. */
  void (*init_message) (gpointer user, const char *message);
  gpointer init_message_user;
  /* private */
  gint shutdown_requested; /* atomic */
} UmkNode;

/* Asks the node to stop (RPC stop, SIGINT/SIGTERM): the main loop quits and
 * main() shuts the parts down in order. Safe from any thread and from a
 * GLib signal source; repeated calls are harmless. */
void umk_node_request_shutdown (UmkNode *node);
gboolean umk_node_shutdown_requested (UmkNode *node);

/* Core's CLIENT_VERSION number (major * 10000 + minor * 100 + patch). */
int umk_node_client_version (void);
/* Core's FormatSubVersion: "/Name:version(comment; comment)/" with the
 * -uacomment values; our user agent on the network. */
char *umk_node_subversion (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;

/* Seconds since start (the uptime RPC). */
gint64 umk_node_uptime (const UmkNode *node);

/* A start-up step began ("Loading block index…"): logged as Core logs its
 * InitMessage, "init message: <message>", and passed to node->init_message. */
static inline void
umk_node_init_message (UmkNode *node, const char *message)
{
  umk_log_info ("init message: %s", message);
  if (node->init_message != NULL)
    node->init_message (node->init_message_user, message);
}
