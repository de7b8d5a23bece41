/* net.h — connections to other nodes (Umkoin Core's CConnman and CNode).
 *
 * Sockets live on the node's GLib main loop: listening, connecting (through a
 * SOCKS5 proxy with -proxy), reading and writing are asynchronous GIO
 * operations there, so a slow peer never blocks anything. Received bytes are
 * cut into messages (header, magic, size limit, checksum) on the main loop
 * and queued per peer; one message-handler thread takes them from the queues
 * and hands them to the protocol logic (node/net-processing.h), which may
 * validate blocks for seconds without stalling the loop. What it sends is
 * framed into the peer's send queue and written by the main loop.
 *
 * Outbound connections are opened by a timer on the main loop: -connect
 * only, else the -addnode peers, -seednode and addresses from the address
 * manager (full-relay and block-relay-only slots). Inbound connections beyond
 * the limit evict an existing inbound peer chosen as Core chooses
 * (node/net-eviction.c), or are refused.
 *
 * Threads: a UmkPeer's fields marked (lock) are guarded by its lock; the
 * connection manager's peer list by the manager's lock; everything else is
 * set at creation and read-only. Peers are reference counted: whoever holds
 * one (the handler thread during a round, RPC during getpeerinfo) may read
 * it after it disconnected.
 */
#pragma once

#include "common/netaddress.h"
#include "common/protocol.h"
#include "node/addrman.h"
#include "node/banman.h"
#include "node/node.h"

#include <gio/gio.h>
#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Core's ConnectionType; the names are getpeerinfo's "connection_type". */
typedef enum
{
  UMK_CONN_INBOUND,
  UMK_CONN_OUTBOUND_FULL_RELAY,
  UMK_CONN_MANUAL,
  UMK_CONN_FEELER,
  UMK_CONN_BLOCK_RELAY,
  UMK_CONN_ADDR_FETCH,
} UmkConnType;

const char *umk_conn_type_name (UmkConnType type);

/* Core's NetPermissionFlags (same bits). */
typedef enum
{
  UMK_PERM_NONE = 0,
  UMK_PERM_BLOOMFILTER = 1 << 1,
  UMK_PERM_RELAY = 1 << 3,
  UMK_PERM_FORCERELAY = (1 << 2) | UMK_PERM_RELAY,
  UMK_PERM_DOWNLOAD = 1 << 6,
  UMK_PERM_NOBAN = (1 << 4) | UMK_PERM_DOWNLOAD,
  UMK_PERM_MEMPOOL = 1 << 5,
  UMK_PERM_ADDR = 1 << 7,
  UMK_PERM_IMPLICIT = 1 << 31,
  UMK_PERM_ALL = UMK_PERM_BLOOMFILTER | UMK_PERM_FORCERELAY | UMK_PERM_RELAY | UMK_PERM_NOBAN
                 | UMK_PERM_MEMPOOL | UMK_PERM_DOWNLOAD | UMK_PERM_ADDR,
} UmkNetPermissions;

static inline bool
umk_perm_has (guint32 flags, UmkNetPermissions f)
{
  return (flags & (guint32) f) == (guint32) f;
}

/* getpeerinfo's "permissions" names of flags (without "implicit"). */
GPtrArray *umk_net_permissions_names (guint32 flags);

/* One received message, waiting for the handler thread. */
typedef struct
{
  char command[13];
  GBytes *payload;
  gint64 time_us;  /* when its last byte arrived (g_get_real_time) */
  size_t raw_size; /* header + payload */
} UmkNetMsg;

void umk_net_msg_free (UmkNetMsg *msg);

typedef struct _UmkConnman UmkConnman;
typedef struct _UmkPeer UmkPeer;

struct _UmkPeer
{
  int64_t id;
  gint refcount;
  UmkConnman *connman;
  UmkConnType conn_type;
  UmkService addr;         /* the remote end */
  UmkService addr_bind;    /* our end */
  char *addr_name;         /* as given for manual connections, else addr */
  guint32 permissions;     /* UmkNetPermissions */
  int64_t connected_time;  /* unix seconds */
  uint64_t local_nonce;    /* our version message's nonce (self-connection check) */
  uint64_t keyed_netgroup; /* for eviction and netgroup diversity */
  gboolean inbound;

  /* set once by message processing, read anywhere */
  gint successfully_connected; /* atomic: verack received */
  gint disconnect;             /* atomic: being disconnected */
  gint relays_txs;             /* atomic: may receive transaction relay (eviction input) */
  gint64 last_block_time;      /* atomic-ish, unix s: last new block from it (eviction) */
  gint64 last_tx_time;         /* unix s: last new transaction from it (eviction) */
  gint64 min_ping_us;          /* atomic: best ping seen, G_MAXINT64 when none */

  /* per-peer state of node/net-processing.c (its own locking) */
  gpointer proc;

  GMutex lock;
  /* (lock) */
  GQueue recv_queue;      /* of UmkNetMsg */
  size_t recv_queue_size; /* payload bytes queued */
  gboolean pause_recv;    /* reading stopped: the queue is over -maxreceivebuffer */
  GQueue send_queue;      /* of GBytes, framed */
  size_t send_size;       /* bytes queued, not yet written */
  gboolean pause_send;    /* send queue over -maxsendbuffer: processing waits */
  int64_t last_send;      /* unix s, 0 never */
  int64_t last_recv;
  uint64_t bytes_sent;
  uint64_t bytes_recv;
  GHashTable *sent_per_type; /* command -> guint64 *, known commands + "*other*" */
  GHashTable *recv_per_type;

  /* main loop only */
  GSocketConnection *conn;
  GCancellable *cancel;
  guint8 *rbuf;
  gboolean reading;
  gboolean writing;
  gboolean closed;
  guint8 hdr[24];
  size_t hdr_pos;
  UmkMsgHeader msg_header;  /* of the message being read, parsed once */
  gboolean msg_bad_command; /* its command is malformed: drop it when whole */
  GByteArray *data;         /* its payload so far; NULL while reading a header */
  int listen_index;         /* which listener accepted it, -1 */
};

UmkPeer *umk_peer_ref (UmkPeer *peer);
void umk_peer_unref (UmkPeer *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkPeer, umk_peer_unref)

static inline gboolean
umk_peer_disconnecting (UmkPeer *peer)
{
  return g_atomic_int_get (&peer->disconnect) != 0;
}

/* Whether the peer's send queue is over -maxsendbuffer (it does not read
 * what we send): serving more to it waits. */
static inline gboolean
umk_peer_send_paused (UmkPeer *peer)
{
  g_mutex_lock (&peer->lock);
  gboolean paused = peer->pause_send;
  g_mutex_unlock (&peer->lock);
  return paused;
}

/* What the protocol logic provides (node/net-processing.c). */
typedef struct
{
  /* The peer is gone and its socket closed (handler thread): free its state. */
  void (*peer_finalize) (gpointer user, UmkPeer *peer);
  /* Handles at most one queued message (handler thread). Returns: TRUE when
   * more are waiting. */
  gboolean (*process_messages) (gpointer user, UmkPeer *peer);
  /* Sends what is due: pings, requests, announcements (handler thread). */
  void (*send_messages) (gpointer user, UmkPeer *peer);
  gpointer user;
} UmkNetEvents;

typedef struct
{
  gboolean listen;
  GPtrArray *binds;        /* UmkService *: -bind (empty: all interfaces) */
  GPtrArray *whitebinds;   /* UmkService * with whitebind_perms */
  GArray *whitebind_perms; /* guint32, parallel to whitebinds */
  GPtrArray *whitelist;    /* UmkSubNet * */
  GArray *whitelist_perms; /* guint32 */
  GPtrArray *connect;      /* char *: -connect (non-empty: only these) */
  gboolean connect_none;   /* -connect=0 / -noconnect: no automatic outbound */
  GPtrArray *addnode;      /* char * */
  GPtrArray *seednode;     /* char * */
  GPtrArray *dns_seeds;    /* char *: the chain's, when -dnsseed */
  GPtrArray *fixed_seeds;  /* char *: "host:port", when -fixedseeds */
  gboolean dns;            /* -dns: names may be looked up */
  gboolean networkactive;
  int max_connections;       /* automatic connections (-maxconnections) */
  size_t max_receive_buffer; /* bytes */
  size_t max_send_buffer;
  int64_t peer_connect_timeout;  /* -peertimeout, s */
  int64_t connect_timeout_ms;    /* -timeout */
  char *proxy;                   /* "host:port" of a SOCKS5 proxy, or NULL */
  gboolean onlynet[UMK_NET_MAX]; /* reachable networks */
  guint16 default_port;
  int64_t max_outbound_full_relay;
  int64_t max_outbound_block_relay;
} UmkConnmanOptions;

void umk_connman_options_clear (UmkConnmanOptions *opts);

/* Reads the network options of args into opts (Core's AppInitMain part).
 * Returns: FALSE with Core's message for a bad value. */
gboolean umk_connman_options_from_args (UmkConnmanOptions *opts, UmkNode *node, GError **error);

UmkConnman *umk_connman_new (UmkNode *node, const UmkConnmanOptions *opts, UmkAddrMan *addrman,
                             UmkBanMan *banman);
/* Binds the listening sockets and starts the handler thread and the opener.
 * Returns: FALSE when no requested port could be bound (Core's message). */
gboolean umk_connman_start (UmkConnman *cm, const UmkNetEvents *events, GError **error);
/* Stops opening, disconnects everyone and joins the handler thread. */
void umk_connman_stop (UmkConnman *cm);
void umk_connman_free (UmkConnman *cm);

UmkAddrMan *umk_connman_addrman (UmkConnman *cm);
UmkBanMan *umk_connman_banman (UmkConnman *cm);
uint64_t umk_connman_local_services (UmkConnman *cm);
void umk_connman_set_local_services (UmkConnman *cm, uint64_t services);
/* A random nonce of our own for version messages (self-connection check). */
gboolean umk_connman_is_local_nonce (UmkConnman *cm, uint64_t nonce);

/* Frames payload as command and queues it on the peer (any thread). */
void umk_connman_push_message (UmkConnman *cm, UmkPeer *peer, const char *command,
                               const guint8 *payload, size_t len);
/* Takes the next queued message (handler thread), or NULL. */
UmkNetMsg *umk_connman_pop_message (UmkConnman *cm, UmkPeer *peer, gboolean *more);
/* Closes the connection (any thread); the reason is logged with -debug=net. */
void umk_connman_disconnect (UmkConnman *cm, UmkPeer *peer, const char *reason);
/* Wakes the handler thread (new work not from a peer: a new tip, a tx). */
void umk_connman_wake (UmkConnman *cm);

/* The connected peers, referenced (free with g_ptr_array_unref). */
GPtrArray *umk_connman_peers (UmkConnman *cm);
UmkPeer *umk_connman_find_peer (UmkConnman *cm, int64_t id);
/* disconnectnode: the first peer named exactly addr ("ip:port" as
 * connected), or with this id. Returns: whether one was found. */
gboolean umk_connman_disconnect_address (UmkConnman *cm, const char *addr);
gboolean umk_connman_disconnect_id (UmkConnman *cm, int64_t id);
/* Disconnects every peer in subnet (after setban). */
void umk_connman_disconnect_subnet (UmkConnman *cm, const UmkSubNet *subnet);

typedef enum
{
  UMK_CONN_COUNT_IN = 1,
  UMK_CONN_COUNT_OUT = 2,
  UMK_CONN_COUNT_ALL = 3,
} UmkConnCount;
int umk_connman_count (UmkConnman *cm, UmkConnCount which);

void umk_connman_set_network_active (UmkConnman *cm, gboolean active);
gboolean umk_connman_network_active (UmkConnman *cm);

void umk_connman_totals (UmkConnman *cm, uint64_t *recv, uint64_t *sent);

/* -addnode / addnode RPC. Returns: FALSE when already added / not found. */
gboolean umk_connman_add_node (UmkConnman *cm, const char *node);
gboolean umk_connman_remove_node (UmkConnman *cm, const char *node);
/* The added nodes: char * (free with g_ptr_array_unref). */
GPtrArray *umk_connman_added_nodes (UmkConnman *cm);
/* addnode onetry / addconnection: opens one connection now (main loop). */
void umk_connman_open_once (UmkConnman *cm, const char *node, UmkConnType type);

/* Core's "now" for the network, microseconds: the mock time (setmocktime)
 * when set, so that tests can move pings and timeouts along. */
gint64 umk_connman_now_us (UmkConnman *cm);

/* Whether a peer is older than -peertimeout, so that it may be dropped for
 * silence (Core's RunInactivityChecks). */
gboolean umk_connman_inactivity_checks_due (UmkConnman *cm, UmkPeer *peer, int64_t now);
