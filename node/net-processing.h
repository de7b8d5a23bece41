/* net-processing.h — what the node says to its peers and does with what they
 * say (Umkoin Core's PeerManager): the version handshake, pings, headers-first
 * sync with blocks fetched from several peers in a moving window, block
 * announcements, transaction relay by wtxid with Core's randomized delays,
 * orphans, address relay, and misbehaviour (disconnect and discourage).
 *
 * It runs on the connection manager's message-handler thread
 * (node/net.h); RPC threads read peer statistics through
 * umk_peerman_get_stats and queue relays with umk_peerman_relay_tx.
 */
#pragma once

#include "common/uint256.h"
#include "node/net.h"

typedef struct _UmkPeerManager UmkPeerManager;

typedef struct
{
  gboolean blocksonly;   /* -blocksonly: no transaction relay */
  gboolean pruned;       /* announce NODE_NETWORK_LIMITED instead of NODE_NETWORK */
  int64_t min_relay_fee; /* sat/kvB: -minrelaytxfee, the feefilter floor */
  char *user_agent;      /* our subversion, "/UmkoinC:x.y.z/" */
} UmkPeerManOptions;

UmkPeerManager *umk_peerman_new (UmkNode *node, UmkConnman *cm, const UmkPeerManOptions *opts);
void umk_peerman_free (UmkPeerManager *pm);
/* The callbacks to give umk_connman_start. */
void umk_peerman_events (UmkPeerManager *pm, UmkNetEvents *out);
/* Relays a transaction that entered our mempool from RPC or the wallet
 * (Core's RelayTransaction). Any thread. */
void umk_peerman_relay_tx (UmkPeerManager *pm, const UmkUint256 *txid, const UmkUint256 *wtxid);
/* The ping RPC: every peer gets a ping on the next round. */
void umk_peerman_send_pings (UmkPeerManager *pm);

/* What getpeerinfo shows of the protocol state (Core's CNodeStateStats). */
typedef struct
{
  int32_t version;
  char *subver;
  uint64_t their_services;
  int starting_height;
  gboolean relay_txs;
  int synced_headers; /* -1 unknown */
  int synced_blocks;
  GArray *inflight;    /* int heights */
  gint64 ping_us;      /* last round trip, -1 none */
  gint64 min_ping_us;  /* -1 none */
  gint64 ping_wait_us; /* outstanding ping age, -1 none */
  int64_t fee_filter;  /* sat/kvB they asked for */
  gboolean wtxid_relay;
  gboolean addr_relay_enabled;
  uint64_t addr_processed;
  uint64_t addr_rate_limited;
  gboolean bip152_hb_to, bip152_hb_from;
  int64_t last_block_time; /* unix s */
  int64_t last_tx_time;
  int64_t time_offset;
  gboolean presync;
  int presync_height;
  uint64_t last_inv_sequence; /* the mempool sequence at our last announcement round */
  uint64_t inv_to_send;       /* transactions waiting to be announced */
} UmkPeerStats;

void umk_peer_stats_clear (UmkPeerStats *st);
/* Returns: FALSE when the peer is gone (disconnecting, its protocol state
 * freed); a peer the handler has not looked at yet has a fresh state's stats. */
gboolean umk_peerman_get_stats (UmkPeerManager *pm, UmkPeer *peer, UmkPeerStats *out);
