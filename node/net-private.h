/* net-private.h — the connection manager's insides, shared by node/net.c
 * (peers and their I/O), node/net-open.c (outbound connections) and
 * node/net-options.c. Nothing outside node/net*.c includes this. */
#pragma once

#include "node/net.h"

struct _UmkConnman
{
  UmkNode *node;
  UmkConnmanOptions opts;
  UmkAddrMan *addrman;
  UmkBanMan *banman;
  UmkNetEvents events;
  GMainContext *context;             /* the node's main loop's */
  uint64_t netgroup_k0, netgroup_k1; /* key of the keyed netgroup hash */
  uint64_t local_services;           /* atomic-ish: set before start */
  int max_inbound;
  int max_outbound_full_relay;
  int max_outbound_block_relay;
  int max_feeler;

  GMutex lock;
  /* (lock) */
  GPtrArray *peers;        /* UmkPeer *, connected */
  GPtrArray *disconnected; /* UmkPeer *, closed, waiting for the handler to finalize */
  GHashTable *nonces;      /* our version nonces in use (uint64 as key pointers to int64) */
  GPtrArray *added_nodes;  /* char * */
  GHashTable *pending;     /* "ip:port" of connections being opened -> type */
  int64_t next_id;
  uint64_t total_recv, total_sent;
  gboolean network_active;

  /* handler thread */
  GThread *handler;
  GMutex wake_lock;
  GCond wake_cond;
  gboolean wake;
  gint interrupt; /* atomic */

  /* main loop */
  GPtrArray *listeners;         /* GSocketListener * */
  GArray *listener_perms;       /* guint32 per listener */
  guint open_source;            /* the opener's timer */
  GSocketClient *client;        /* through -proxy when set */
  GSocketClient *direct_client; /* never through a proxy */
  GCancellable *cancel;         /* for pending connects at shutdown */
  int64_t next_feeler;
  int64_t last_added_try;
  gboolean seeds_tried;
};

/* Adds a new connection as a peer and starts reading (main loop). */
UmkPeer *umk_connman_add_peer (UmkConnman *cm, GSocketConnection *conn, UmkConnType type,
                               const char *addr_name, guint32 permissions, gboolean inbound);
/* The outbound opener (node/net-open.c). */
void umk_connman_opener_start (UmkConnman *cm);
void umk_connman_opener_stop (UmkConnman *cm);
/* The whitelist's permissions for an inbound address. */
guint32 umk_connman_whitelist_perms (UmkConnman *cm, const UmkNetAddr *addr);
/* Keyed hash of a netgroup, for eviction and diversity (Core's
 * CalculateKeyedNetGroup). */
uint64_t umk_connman_netgroup_key (UmkConnman *cm, const UmkNetAddr *addr);
/* Parses "[perm,perm…@]rest" (-whitebind, -whitelist): *flags gets the
 * permissions (Core's defaults "noban,mempool,download,relay" with none
 * given, marked implicit), *rest points into text after the '@'.
 * Returns: FALSE with Core's message for an unknown permission. */
gboolean umk_net_permissions_parse (const char *text, guint32 *flags, const char **rest,
                                    GError **error);
