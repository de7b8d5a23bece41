/* net-processing-private.h — the peer manager's state, shared by
 * node/net-processing.c (handshake, pings, dispatch, misbehaviour),
 * node/net-sync.c (headers, blocks, announcements) and node/net-relay.c
 * (transactions, orphans, addresses).
 *
 * Threads: a PeerState belongs to the message-handler thread, which alone
 * reads and writes it, without locks. What RPC may see of it is copied into
 * its `stats` under pm->lock after every step (publish_stats). Work from
 * other threads (new tips, transactions from RPC, ping requests) arrives
 * through queues under pm->queue_lock, which is taken with no other lock
 * held by its holder — the chainstate calls in with its own lock held, so
 * the handler never holds queue_lock while calling the chainstate. */
#pragma once

#include "common/block.h"
#include "common/protocol.h"
#include "common/tx.h"
#include "node/headers-sync.h"
#include "node/net-processing.h"

#define MAX_BLOCKS_IN_TRANSIT_PER_PEER           16
#define BLOCK_DOWNLOAD_WINDOW                    1024
#define MAX_BLOCKS_TO_ANNOUNCE                   8
#define STALLING_TIMEOUT_DEFAULT_US              (2 * G_USEC_PER_SEC)
#define STALLING_TIMEOUT_MAX_US                  (64 * G_USEC_PER_SEC)
#define PING_INTERVAL_US                         (120 * G_USEC_PER_SEC)
#define TIMEOUT_INTERVAL_US                      (20 * 60 * G_USEC_PER_SEC)
#define HEADERS_RESPONSE_TIME_US                 (120 * G_USEC_PER_SEC)
#define MAX_ADDR_TO_SEND                         1000
#define MAX_PCT_ADDR_TO_SEND                     23
#define MAX_ADDR_RATE_PER_SECOND                 0.1
#define MAX_ADDR_PROCESSING_TOKEN_BUCKET         MAX_ADDR_TO_SEND
#define AVG_ADDRESS_BROADCAST_INTERVAL_US        (30 * G_USEC_PER_SEC)
#define INBOUND_INVENTORY_BROADCAST_INTERVAL_US  (5 * G_USEC_PER_SEC)
#define OUTBOUND_INVENTORY_BROADCAST_INTERVAL_US (2 * G_USEC_PER_SEC)
#define INVENTORY_BROADCAST_TARGET               (14 * 5)
#define INVENTORY_BROADCAST_MAX                  1000
#define AVG_FEEFILTER_BROADCAST_INTERVAL_US      (600 * G_USEC_PER_SEC)
#define MAX_FEEFILTER_CHANGE_DELAY_US            (300 * G_USEC_PER_SEC)
#define GETDATA_TX_INTERVAL_US                   (60 * G_USEC_PER_SEC)
#define TXID_RELAY_DELAY_US                      (2 * G_USEC_PER_SEC)
#define NONPREF_PEER_TX_DELAY_US                 (2 * G_USEC_PER_SEC)
#define OVERLOADED_PEER_TX_DELAY_US              (2 * G_USEC_PER_SEC)
#define MAX_PEER_TX_REQUEST_IN_FLIGHT            100
#define MAX_PEER_TX_ANNOUNCEMENTS                5000
#define MAX_ORPHANS                              100
#define ORPHAN_EXPIRE_S                          (20 * 60)
#define MAX_KNOWN_INVENTORY                      50000
#define MAX_KNOWN_ADDRS                          5000
#define MAX_MONEY_SATS                           (INT64_C (21000000) * 100000000)

/* A hash's display hex for a log line: the buffer lives as long as the
 * statement's block. */
static inline const char *
hash_hex_into (const UmkUint256 *h, char *buf)
{
  umk_uint256_to_hex_buf (h, buf);
  return buf;
}
#define HASH_HEX(h) hash_hex_into ((h), (char[UMK_UINT256_HEX_SIZE]){ 0 })

typedef struct
{
  UmkUint256 hash;
  UmkBlockIndex *index;
  gint64 requested_us;
} InFlight;

/* A transaction announced to us, not yet requested. */
typedef struct
{
  gint64 reqtime_us;
  gboolean is_wtxid;
} Announcement;

typedef struct
{
  UmkPeer *peer; /* borrowed: the peer outlives its state */

  /* handshake */
  gboolean got_version;
  gboolean sent_version;
  int32_t version;
  uint64_t their_services;
  char *subver;
  int starting_height;
  gboolean tx_relay;    /* we relay transactions to it (it asked, not block-relay-only) */
  gboolean wtxid_relay; /* BIP 339 */
  gboolean wants_addrv2;
  gboolean prefers_headers;
  gboolean preferred_download;
  int64_t time_offset;
  gboolean should_discourage;
  gboolean bip152_hb_from;

  /* ping */
  uint64_t ping_nonce; /* 0: none outstanding */
  gint64 ping_start_us;
  gint64 last_ping_us; /* -1 none */
  gint64 min_ping_us;
  gint64 last_ping_sent_us;
  gint ping_generation; /* the ping RPC's request last served */

  /* headers and blocks */
  UmkBlockIndex *best_known;
  UmkUint256 last_unknown;
  gboolean have_last_unknown;
  UmkBlockIndex *last_common;
  UmkBlockIndex *best_header_sent;
  gboolean sync_started;
  gint64 headers_sync_timeout_us;
  gint64 last_getheaders_us;
  UmkHeadersSync *presync;
  GQueue in_flight; /* InFlight *, oldest first */
  gint64 stalling_since_us;
  gint64 downloading_since_us;
  GArray *blocks_to_announce; /* UmkUint256 */
  int64_t last_block_time;

  GArray *getdata_queue; /* UmkInv: requests not served yet (send queue full) */

  /* transactions to it */
  GHashTable *known_inv;          /* UmkUint256 * set: what it has or we told it */
  GHashTable *tx_to_send;         /* UmkUint256 * (txid or wtxid, as it relays) */
  GHashTable *recently_announced; /* UmkUint256 * set: what we may serve by getdata */
  gint64 next_inv_send_us;
  int64_t fee_filter; /* theirs, sat/kvB */
  gboolean send_mempool;
  uint64_t last_inv_sequence; /* the pool's sequence at our last announcement round */
  int64_t sent_fee_filter;
  gint64 next_feefilter_us;
  /* transactions from it */
  GHashTable *announced; /* UmkUint256 * -> Announcement * */
  int n_requested;
  int64_t last_tx_time;

  /* addresses */
  gboolean addr_relay;
  GArray *addr_to_send;   /* UmkAddress */
  GHashTable *known_addr; /* UmkService * set */
  gint64 next_addr_send_us;
  double addr_tokens;
  gint64 addr_token_time_us;
  gboolean getaddr_sent;
  gboolean getaddr_recvd;
  uint64_t addr_processed;
  uint64_t addr_rate_limited;

  UmkPeerStats stats; /* (pm->lock) what RPC sees */
} PeerState;

typedef struct
{
  UmkTx *tx;
  int64_t from;
  int64_t expire;
} Orphan;

typedef struct
{
  UmkUint256 txid;
  UmkUint256 wtxid;
} RelayItem;

struct _UmkPeerManager
{
  UmkNode *node;
  UmkConnman *cm;
  UmkPeerManOptions opts;

  GMutex lock; /* stats and peer->proc */

  GMutex queue_lock;
  /* (queue_lock) */
  GArray *new_blocks;  /* UmkUint256: connected blocks to announce, in order */
  GArray *relay_queue; /* RelayItem */
  gboolean tip_changed;
  gint send_pings; /* atomic: generation of ping RPC requests */

  /* handler thread only */
  GHashTable *states;           /* int64 id -> PeerState * */
  GHashTable *blocks_in_flight; /* UmkUint256 * -> int64 peer id (as pointer to the state) */
  int n_sync_started;
  int n_preferred_download;
  int n_wtxid_peers;
  int n_peers_downloading;
  gint64 stalling_timeout_us;
  gint64 next_inbound_inv_us;
  GHashTable *recent_rejects; /* UmkUint256 * set: txids and wtxids rejected since the last tip */
  GHashTable *tx_requested;   /* UmkUint256 * -> gint64 * expiry (us) of the request */
  GHashTable *orphans;        /* wtxid UmkUint256 * -> Orphan * */
  GArray *orphan_work;        /* UmkUint256 wtxids whose parents arrived */
  /* getaddr answers, one per network of the asking peer, kept for about a
   * day so that repeated requests learn nothing new (Core's
   * m_addr_response_caches) */
  GArray *addr_cache[UMK_NET_MAX + 1]; /* UmkAddress */
  int64_t addr_cache_expiry[UMK_NET_MAX + 1];
};

/* ---- net-processing.c ---- */
PeerState *peer_state (UmkPeerManager *pm, UmkPeer *peer);
void push (UmkPeerManager *pm, UmkPeer *peer, const char *command, const GByteArray *payload);
void push_empty (UmkPeerManager *pm, UmkPeer *peer, const char *command);
/* Core's Misbehaving: the peer is disconnected (and discouraged unless local,
 * manual or noban) after the current message. */
void misbehaving (UmkPeerManager *pm, PeerState *st, const char *message);
gint64 pm_now_us (UmkPeerManager *pm);
gboolean pm_ibd (UmkPeerManager *pm);
void publish_stats (UmkPeerManager *pm, PeerState *st);
guint uint256_hash (gconstpointer p);
gboolean uint256_equal (gconstpointer a, gconstpointer b);
UmkUint256 *uint256_dup (const UmkUint256 *h);
void set_add (GHashTable *set, const UmkUint256 *h, guint cap);
/* An exponentially distributed delay with the given mean (Core's
 * rand_exp_duration), microseconds. */
gint64 rand_exp_us (gint64 mean_us);

/* ---- net-sync.c ---- */
void sync_peer_init (UmkPeerManager *pm, PeerState *st);
void sync_peer_finalize (UmkPeerManager *pm, PeerState *st);
void sync_on_headers (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void sync_on_block (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void sync_on_getheaders (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void sync_on_getblocks (UmkPeerManager *pm, PeerState *st, GBytes *payload);
/* A block inv: fetch its headers. */
void sync_on_block_inv (UmkPeerManager *pm, PeerState *st, const UmkUint256 *hash);
/* Serves one getdata block request. Returns: FALSE when not found. */
gboolean sync_serve_block (UmkPeerManager *pm, PeerState *st, const UmkInv *inv);
/* SendMessages' part: headers sync start, announcements, block requests,
 * stalling and timeouts. */
void sync_send (UmkPeerManager *pm, PeerState *st, gint64 now_us);
/* New tips since the last round: queue announcements for every peer. */
void sync_new_blocks (UmkPeerManager *pm, const UmkUint256 *hashes, guint n);

/* ---- net-relay.c ---- */
void relay_peer_finalize (UmkPeerManager *pm, PeerState *st);
void relay_on_inv_tx (UmkPeerManager *pm, PeerState *st, const UmkInv *inv);
void relay_on_tx (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void relay_on_notfound (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void relay_on_mempool (UmkPeerManager *pm, PeerState *st);
void relay_on_feefilter (UmkPeerManager *pm, PeerState *st, GBytes *payload);
void relay_on_addr (UmkPeerManager *pm, PeerState *st, GBytes *payload, gboolean v2);
void relay_on_getaddr (UmkPeerManager *pm, PeerState *st);
/* Serves one getdata tx request. Returns: FALSE when not found. */
gboolean relay_serve_tx (UmkPeerManager *pm, PeerState *st, const UmkInv *inv);
void relay_send (UmkPeerManager *pm, PeerState *st, gint64 now_us);
/* Queues a transaction for every peer's next announcement. */
void relay_tx_to_all (UmkPeerManager *pm, const UmkUint256 *txid, const UmkUint256 *wtxid,
                      int64_t except);
/* Retries one orphan whose parent arrived. Returns: whether one was tried. */
gboolean relay_process_orphan (UmkPeerManager *pm);
/* A new tip: rejected transactions may be valid now. */
void relay_new_tip (UmkPeerManager *pm);
