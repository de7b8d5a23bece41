/* net-eviction.h — which inbound peer to drop when a new one arrives and the
 * inbound slots are full (Umkoin Core's SelectNodeToEvict).
 *
 * Peers with qualities an attacker finds hard to fake (a netgroup we cannot
 * predict, low latency, useful transactions or blocks, long uptime, a
 * privacy network) are set aside first, each rule protecting a fixed number
 * or share of what is left. Of the rest, the youngest peer of the netgroup
 * holding the most connections is chosen, so that no single group can push
 * out the others by opening many connections.
 *
 * Self-contained on purpose: the connection manager fills the array from its
 * peers under its own lock and calls this without any other state.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct
{
  int64_t id;
  int64_t connected;       /* unix seconds (or any monotonic seconds) */
  int64_t min_ping_us;     /* G_MAXINT64 when unknown */
  int64_t last_block_time; /* seconds, 0 never */
  int64_t last_tx_time;
  bool relevant_services;
  bool relay_txs;
  bool bloom_filter;
  uint64_t keyed_netgroup;
  bool prefer_evict;
  bool is_local;
  int network; /* a UmkNetwork (common/netaddress.h) */
  bool noban;
  bool inbound; /* false: outbound of any type (protected) */
} UmkEvictionCandidate;

/* Returns: TRUE and *id of the peer to evict, FALSE when every candidate is
 * protected. candidates may be reordered/modified. */
gboolean umk_select_node_to_evict (UmkEvictionCandidate *candidates, size_t n, int64_t *id);

/* The last protection step on its own (Core's ProtectEvictionCandidatesByRatio),
 * exposed so its shares can be tested: removes half of the candidates (rounded
 * down) from the array, those connected longest, with up to half of that half
 * reserved for CJDNS, I2P, localhost and onion peers, which their higher
 * latency would otherwise leave unprotected. The remaining candidates are
 * compacted at the start of the array, youngest first, and *n is updated. */
void umk_eviction_protect_by_ratio (UmkEvictionCandidate *candidates, size_t *n);
