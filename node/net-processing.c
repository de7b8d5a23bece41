/* net-processing.c — the peer manager's core: per-peer state, the version
 * handshake, pings, message dispatch, getdata and misbehaviour (Core's
 * PeerManagerImpl::ProcessMessage and SendMessages, their first parts). */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "node/net-processing.h"

#include "common/hex.h"
#include "node/chainstate.h"
#include "node/net-processing-private.h"

#include <math.h>
#include <string.h>

/* ---- small helpers ------------------------------------------------------------- */

guint
uint256_hash (gconstpointer p)
{
  guint h;
  memcpy (&h, p, sizeof h);
  return h;
}

gboolean
uint256_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, sizeof (UmkUint256)) == 0;
}

UmkUint256 *
uint256_dup (const UmkUint256 *h)
{
  return g_memdup2 (h, sizeof *h);
}

/* Adds h to a bounded set; a full set starts over (Core uses rolling bloom
 * filters of this size; forgetting old entries has the same effect: at
 * worst an announcement is repeated). */
void
set_add (GHashTable *set, const UmkUint256 *h, guint cap)
{
  if (g_hash_table_size (set) >= cap)
    g_hash_table_remove_all (set);
  g_hash_table_add (set, uint256_dup (h));
}

gint64
rand_exp_us (gint64 mean_us)
{
  double u = g_random_double ();
  if (u <= 0)
    u = 1e-12;
  return (gint64) (-log (u) * (double) mean_us);
}

gint64
pm_now_us (UmkPeerManager *pm)
{
  return umk_connman_now_us (pm->cm);
}

gboolean
pm_ibd (UmkPeerManager *pm)
{
  return umk_chainstate_is_initial_block_download (pm->node->chainstate);
}

void
push (UmkPeerManager *pm, UmkPeer *peer, const char *command, const GByteArray *payload)
{
  umk_connman_push_message (pm->cm, peer, command, payload != NULL ? payload->data : NULL,
                            payload != NULL ? payload->len : 0);
}

void
push_empty (UmkPeerManager *pm, UmkPeer *peer, const char *command)
{
  umk_connman_push_message (pm->cm, peer, command, NULL, 0);
}

void
misbehaving (UmkPeerManager *pm, PeerState *st, const char *message)
{
  (void) pm;
  st->should_discourage = TRUE;
  UMK_LOG_DEBUG (UMK_LOG_NET, "Misbehaving: peer=%" G_GINT64_FORMAT ": %s", st->peer->id, message);
}

/* Core's MaybeDiscourageAndDisconnect. */
static void
maybe_discourage (UmkPeerManager *pm, PeerState *st)
{
  if (!st->should_discourage)
    return;
  st->should_discourage = FALSE;
  UmkPeer *peer = st->peer;
  if (umk_perm_has (peer->permissions, UMK_PERM_NOBAN))
    {
      umk_log_warning ("Not punishing noban peer %" G_GINT64_FORMAT "!", peer->id);
      return;
    }
  if (peer->conn_type == UMK_CONN_MANUAL)
    {
      umk_log_warning ("Not punishing manually connected peer %" G_GINT64_FORMAT "!", peer->id);
      return;
    }
  if (umk_netaddr_is_local (&peer->addr.addr))
    {
      /* Discouraging a local address would discourage every local peer. */
      g_autofree char *why = g_strdup_printf (
          "Warning: disconnecting but not discouraging local peer %" G_GINT64_FORMAT "!", peer->id);
      umk_connman_disconnect (pm->cm, peer, why);
      return;
    }
  umk_banman_discourage (umk_connman_banman (pm->cm), &peer->addr.addr);
  g_autofree char *why
      = g_strdup_printf ("Disconnecting and discouraging peer %" G_GINT64_FORMAT "!", peer->id);
  /* Core drops every peer at the address. */
  g_autoptr (GPtrArray) peers = umk_connman_peers (pm->cm);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (umk_netaddr_equal (&p->addr.addr, &peer->addr.addr))
        umk_connman_disconnect (pm->cm, p, why);
    }
}

/* ---- state ------------------------------------------------------------------------- */

static void
announcement_free (gpointer p)
{
  g_free (p);
}

/* The stats of a peer that has sent nothing yet. */
static void
peer_stats_init (UmkPeerStats *s)
{
  memset (s, 0, sizeof *s);
  s->synced_headers = -1;
  s->synced_blocks = -1;
  s->starting_height = -1;
  s->ping_us = s->min_ping_us = s->ping_wait_us = -1;
  s->presync_height = -1;
}

static PeerState *
state_new (UmkPeerManager *pm, UmkPeer *peer)
{
  PeerState *st = g_new0 (PeerState, 1);
  st->peer = peer;
  st->starting_height = -1;
  st->last_ping_us = -1;
  st->min_ping_us = G_MAXINT64;
  st->fee_filter = 0;
  g_queue_init (&st->in_flight);
  st->getdata_queue = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  st->blocks_to_announce = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  st->known_inv = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  st->tx_to_send = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  st->recently_announced = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  st->announced = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, announcement_free);
  st->addr_to_send = g_array_new (FALSE, FALSE, sizeof (UmkAddress));
  st->known_addr = g_hash_table_new_full (umk_service_hash, umk_service_equal_func, g_free, NULL);
  st->addr_token_time_us = pm_now_us (pm);
  st->addr_tokens = 1.0; /* Core's bucket starts with one token */
  peer_stats_init (&st->stats);
  g_hash_table_insert (pm->states, g_memdup2 (&peer->id, sizeof peer->id), st);
  g_mutex_lock (&pm->lock);
  peer->proc = st;
  g_mutex_unlock (&pm->lock);
  sync_peer_init (pm, st);
  return st;
}

static void
state_free (PeerState *st)
{
  g_free (st->subver);
  g_queue_clear_full (&st->in_flight, g_free);
  g_array_unref (st->getdata_queue);
  g_array_unref (st->blocks_to_announce);
  g_hash_table_unref (st->known_inv);
  g_hash_table_unref (st->tx_to_send);
  g_hash_table_unref (st->recently_announced);
  g_hash_table_unref (st->announced);
  g_array_unref (st->addr_to_send);
  g_hash_table_unref (st->known_addr);
  g_clear_pointer (&st->presync, umk_headers_sync_free);
  umk_peer_stats_clear (&st->stats);
  g_free (st);
}

void
umk_peer_stats_clear (UmkPeerStats *st)
{
  g_clear_pointer (&st->subver, g_free);
  g_clear_pointer (&st->inflight, g_array_unref);
}

void
publish_stats (UmkPeerManager *pm, PeerState *st)
{
  UmkPeerStats *s = &st->stats;
  g_mutex_lock (&pm->lock);
  s->version = st->version;
  if (g_strcmp0 (s->subver, st->subver) != 0)
    {
      g_free (s->subver);
      s->subver = g_strdup (st->subver);
    }
  s->their_services = st->their_services;
  s->starting_height = st->starting_height;
  s->relay_txs = st->tx_relay;
  s->synced_headers = st->best_known != NULL ? st->best_known->height : -1;
  s->synced_blocks = st->last_common != NULL ? st->last_common->height : -1;
  if (s->inflight == NULL)
    s->inflight = g_array_new (FALSE, FALSE, sizeof (int));
  g_array_set_size (s->inflight, 0);
  for (GList *l = st->in_flight.head; l != NULL; l = l->next)
    {
      InFlight *f = l->data;
      int h = f->index != NULL ? f->index->height : -1;
      g_array_append_val (s->inflight, h);
    }
  s->ping_us = st->last_ping_us;
  s->min_ping_us = st->min_ping_us == G_MAXINT64 ? -1 : st->min_ping_us;
  s->ping_wait_us = st->ping_nonce != 0 ? MAX (0, pm_now_us (pm) - st->ping_start_us) : -1;
  s->fee_filter = st->fee_filter;
  s->wtxid_relay = st->wtxid_relay;
  s->addr_relay_enabled = st->addr_relay;
  s->addr_processed = st->addr_processed;
  s->addr_rate_limited = st->addr_rate_limited;
  s->bip152_hb_from = st->bip152_hb_from;
  s->last_block_time = st->last_block_time;
  s->last_tx_time = st->last_tx_time;
  s->time_offset = st->time_offset;
  s->presync = st->presync != NULL;
  s->presync_height
      = st->presync != NULL ? (int) umk_headers_sync_presync_height (st->presync) : -1;
  s->last_inv_sequence = st->last_inv_sequence;
  s->inv_to_send = g_hash_table_size (st->tx_to_send);
  g_mutex_unlock (&pm->lock);
}

gboolean
umk_peerman_get_stats (UmkPeerManager *pm, UmkPeer *peer, UmkPeerStats *out)
{
  memset (out, 0, sizeof *out);
  g_mutex_lock (&pm->lock);
  PeerState *st = peer->proc;
  /* The message handler makes a peer's state when it first looks at the
   * peer. Until then the peer is connected all the same (Core makes the
   * state with the connection): it has a fresh state's stats. Without a
   * state and disconnecting, it is gone. */
  gboolean known = st != NULL || !umk_peer_disconnecting (peer);
  if (st != NULL)
    {
      *out = st->stats;
      out->subver = g_strdup (st->stats.subver);
      out->inflight = st->stats.inflight != NULL ? g_array_copy (st->stats.inflight)
                                                 : g_array_new (FALSE, FALSE, sizeof (int));
    }
  else if (known)
    {
      peer_stats_init (out);
      out->inflight = g_array_new (FALSE, FALSE, sizeof (int));
    }
  g_mutex_unlock (&pm->lock);
  return known;
}

PeerState *
peer_state (UmkPeerManager *pm, UmkPeer *peer)
{
  PeerState *st = g_hash_table_lookup (pm->states, &peer->id);
  return st != NULL ? st : state_new (pm, peer);
}

/* ---- the handshake ------------------------------------------------------------------ */

static void
version_addr_from_service (UmkVersionAddr *out, const UmkService *svc, uint64_t services)
{
  g_autoptr (GByteArray) ip = g_byte_array_new ();
  umk_netaddr_write_v1 (ip, &svc->addr);
  memset (out, 0, sizeof *out);
  out->services = services;
  if (ip->len == 16)
    memcpy (out->ip, ip->data, 16);
  out->port = svc->port;
}

/* Core's PushNodeVersion. */
static void
push_version (UmkPeerManager *pm, PeerState *st)
{
  UmkPeer *peer = st->peer;
  UmkVersionMsg m = { 0 };
  m.version = UMK_PROTOCOL_VERSION;
  m.services = umk_connman_local_services (pm->cm);
  m.time = pm_now_us (pm) / G_USEC_PER_SEC;
  /* Core tells the peer its address only where that does not leak ours
   * through a proxy; our own address is sent as unknown. */
  version_addr_from_service (&m.addr_recv, &peer->addr, 0);
  UmkService none;
  umk_service_init (&none);
  version_addr_from_service (&m.addr_from, &none, m.services);
  do
    peer->local_nonce = ((uint64_t) g_random_int () << 32) | g_random_int ();
  while (peer->local_nonce == 0);
  m.nonce = peer->local_nonce;
  m.user_agent = pm->opts.user_agent;
  umk_chainstate_lock (pm->node->chainstate);
  m.start_height = umk_active_chain_height (umk_chainstate_chain (pm->node->chainstate));
  umk_chainstate_unlock (pm->node->chainstate);
  /* Block-relay-only and feeler connections, and -blocksonly, ask for no
   * transactions. */
  m.relay = !pm->opts.blocksonly && peer->conn_type != UMK_CONN_BLOCK_RELAY
            && peer->conn_type != UMK_CONN_FEELER;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_version_msg_write (w, &m);
  push (pm, peer, UMK_MSG_VERSION, w);
  st->sent_version = TRUE;
  UMK_LOG_DEBUG (UMK_LOG_NET,
                 "send version message: version %d, blocks=%d, txrelay=%d, peer=%" G_GINT64_FORMAT,
                 m.version, m.start_height, m.relay, peer->id);
}

static gboolean
expects_services (UmkPeer *peer)
{
  return peer->conn_type == UMK_CONN_OUTBOUND_FULL_RELAY || peer->conn_type == UMK_CONN_BLOCK_RELAY
         || peer->conn_type == UMK_CONN_ADDR_FETCH;
}

/* Core's HasAllDesirableServiceFlags during sync: NETWORK (or
 * NETWORK_LIMITED once synced) and WITNESS. */
static gboolean
has_desirable_services (UmkPeerManager *pm, uint64_t services)
{
  uint64_t want = UMK_NODE_WITNESS | (pm_ibd (pm) ? UMK_NODE_NETWORK : UMK_NODE_NETWORK_LIMITED);
  if ((services & UMK_NODE_NETWORK) != 0)
    services |= UMK_NODE_NETWORK_LIMITED;
  return (services & want) == want;
}

static void
on_version (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  UmkPeer *peer = st->peer;
  if (st->got_version)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "redundant version message from peer=%" G_GINT64_FORMAT,
                     peer->id);
      return;
    }
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  UmkVersionMsg m;
  g_autoptr (GError) error = NULL;
  if (!umk_version_msg_read (p, len, &m, &error))
    {
      /* Core's deserialization exception: the message is dropped. */
      UMK_LOG_DEBUG (UMK_LOG_NET, "Exception '%s' (version) caught, peer=%" G_GINT64_FORMAT,
                     error->message, peer->id);
      return;
    }
  if (!peer->inbound)
    {
      UmkAddrMan *am = umk_connman_addrman (pm->cm);
      umk_addrman_set_services (am, &peer->addr, m.services);
    }
  if (expects_services (peer) && !has_desirable_services (pm, m.services))
    {
      g_autofree char *why = g_strdup_printf (
          "peer does not offer the expected services (%08" G_GINT64_MODIFIER "x offered)",
          m.services);
      umk_connman_disconnect (pm->cm, peer, why);
      umk_version_msg_clear (&m);
      return;
    }
  if (m.version < UMK_MIN_PEER_PROTO_VERSION)
    {
      g_autofree char *why = g_strdup_printf ("peer using obsolete version %d", m.version);
      umk_connman_disconnect (pm->cm, peer, why);
      umk_version_msg_clear (&m);
      return;
    }
  if (peer->inbound && umk_connman_is_local_nonce (pm->cm, m.nonce))
    {
      g_autofree char *addr = umk_service_to_string (&peer->addr);
      umk_log_info ("connected to self at %s, disconnecting", addr);
      umk_connman_disconnect (pm->cm, peer, NULL);
      umk_version_msg_clear (&m);
      return;
    }
  if (peer->inbound)
    push_version (pm, st);

  st->got_version = TRUE;
  st->version = m.version;
  st->their_services = m.services;
  /* Core's SanitizeString: printable characters of its safe set only. */
  GString *clean = g_string_new (NULL);
  for (const char *c = m.user_agent != NULL ? m.user_agent : ""; *c != '\0'; c++)
    if (g_ascii_isalnum (*c) || strchr (" .,;-_/:?@()", *c) != NULL)
      g_string_append_c (clean, *c);
  g_free (st->subver);
  st->subver = g_string_free (clean, FALSE);
  st->starting_height = m.start_height;
  if (peer->conn_type != UMK_CONN_BLOCK_RELAY && peer->conn_type != UMK_CONN_FEELER && m.relay)
    {
      st->tx_relay = TRUE;
      g_atomic_int_set (&peer->relays_txs, 1);
    }
  st->time_offset = m.time - pm_now_us (pm) / G_USEC_PER_SEC;
  UMK_LOG_DEBUG (
      UMK_LOG_NET,
      "receive version message: %s: version %d, blocks=%d, txrelay=%d, peer=%" G_GINT64_FORMAT,
      st->subver, m.version, m.start_height, m.relay, peer->id);
  int common = MIN (m.version, UMK_PROTOCOL_VERSION);
  if (common >= UMK_WTXID_RELAY_VERSION)
    push_empty (pm, peer, UMK_MSG_WTXIDRELAY);
  if (common >= 70016)
    push_empty (pm, peer, UMK_MSG_SENDADDRV2);
  push_empty (pm, peer, UMK_MSG_VERACK);

  st->preferred_download = (!peer->inbound || umk_perm_has (peer->permissions, UMK_PERM_NOBAN))
                           && peer->conn_type != UMK_CONN_ADDR_FETCH
                           && (m.services & UMK_NODE_NETWORK) != 0;
  pm->n_preferred_download += st->preferred_download;

  if (!peer->inbound && peer->conn_type != UMK_CONN_BLOCK_RELAY)
    {
      /* Address relay with outbound peers starts now; a one-time getaddr
       * fills our address manager. */
      st->addr_relay = TRUE;
      push_empty (pm, peer, UMK_MSG_GETADDR);
      st->getaddr_sent = TRUE;
      st->addr_tokens += MAX_ADDR_TO_SEND;
    }
  if (!peer->inbound)
    umk_addrman_good (umk_connman_addrman (pm->cm), &peer->addr, pm_now_us (pm) / G_USEC_PER_SEC);
  if (peer->conn_type == UMK_CONN_FEELER)
    umk_connman_disconnect (pm->cm, peer, "feeler connection completed");
  umk_version_msg_clear (&m);
}

static void
on_verack (UmkPeerManager *pm, PeerState *st)
{
  UmkPeer *peer = st->peer;
  if (g_atomic_int_get (&peer->successfully_connected))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "ignoring redundant verack message from peer=%" G_GINT64_FORMAT,
                     peer->id);
      return;
    }
  if (peer->inbound)
    UMK_LOG_DEBUG (
        UMK_LOG_NET,
        "New %s peer connected: transport: v1, version: %d, blocks=%d peer=%" G_GINT64_FORMAT,
        umk_conn_type_name (peer->conn_type), st->version, st->starting_height, peer->id);
  else
    umk_log_info (
        "New %s peer connected: transport: v1, version: %d, blocks=%d peer=%" G_GINT64_FORMAT,
        umk_conn_type_name (peer->conn_type), st->version, st->starting_height, peer->id);
  /* Blocks are announced to us by headers (BIP 130). We do not offer
   * compact blocks (no sendcmpct): a Core peer then sends full blocks. */
  if (st->version >= UMK_SENDHEADERS_VERSION)
    push_empty (pm, peer, UMK_MSG_SENDHEADERS);
  if (st->wtxid_relay)
    pm->n_wtxid_peers++;
  g_atomic_int_set (&peer->successfully_connected, 1);
}

/* ---- ping --------------------------------------------------------------------------- */

static void
on_ping (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  uint64_t nonce;
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  if (!umk_u64_msg_read (p, len, &nonce, NULL))
    return;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_u64_msg_write (w, nonce);
  push (pm, st->peer, UMK_MSG_PONG, w);
}

static void
on_pong (UmkPeerManager *pm, PeerState *st, GBytes *payload, gint64 time_us)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  uint64_t nonce = 0;
  const char *problem = NULL;
  gboolean clear = FALSE;
  if (len >= 8 && umk_u64_msg_read (p, len, &nonce, NULL))
    {
      if (st->ping_nonce != 0)
        {
          if (nonce == st->ping_nonce)
            {
              clear = TRUE;
              gint64 rtt = time_us - st->ping_start_us;
              if (rtt >= 0)
                {
                  st->last_ping_us = rtt;
                  st->min_ping_us = MIN (st->min_ping_us, rtt);
                  st->peer->min_ping_us = st->min_ping_us;
                }
              else
                problem = "Timing mishap";
            }
          else if (nonce == 0)
            {
              problem = "Nonce zero";
              clear = TRUE;
            }
          else
            problem = "Nonce mismatch";
        }
      else
        problem = "Unsolicited pong without ping";
    }
  else
    {
      problem = "Short payload";
      clear = TRUE;
    }
  if (problem != NULL)
    UMK_LOG_DEBUG (UMK_LOG_NET, "pong peer=%" G_GINT64_FORMAT ": %s", st->peer->id, problem);
  if (clear)
    st->ping_nonce = 0;
  (void) pm;
}

/* Core's MaybeSendPing: a ping every two minutes, or when asked; a ping
 * outstanding for 20 minutes drops the peer. */
static void
maybe_send_ping (UmkPeerManager *pm, PeerState *st, gint64 now_us, gboolean asked)
{
  UmkPeer *peer = st->peer;
  if (st->ping_nonce != 0 && now_us > st->ping_start_us + TIMEOUT_INTERVAL_US
      && umk_connman_inactivity_checks_due (pm->cm, peer, now_us / G_USEC_PER_SEC))
    {
      g_autofree char *why = g_strdup_printf (
          "ping timeout: %fs", (double) (now_us - st->ping_start_us) / G_USEC_PER_SEC);
      umk_connman_disconnect (pm->cm, peer, why);
      return;
    }
  /* A ping asked for by RPC goes out even with one outstanding (it takes
   * the old one's place); otherwise one every two minutes. */
  if (!asked && (st->ping_nonce != 0 || now_us <= st->last_ping_sent_us + PING_INTERVAL_US))
    return;
  uint64_t nonce;
  do
    nonce = ((uint64_t) g_random_int () << 32) | g_random_int ();
  while (nonce == 0);
  st->ping_nonce = nonce;
  st->ping_start_us = now_us;
  st->last_ping_sent_us = now_us;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_u64_msg_write (w, nonce);
  push (pm, peer, UMK_MSG_PING, w);
}

void
umk_peerman_send_pings (UmkPeerManager *pm)
{
  /* Each peer compares the generation with the one it last answered. */
  g_atomic_int_inc (&pm->send_pings);
  umk_connman_wake (pm->cm);
}

/* ---- getdata ------------------------------------------------------------------------- */

/* Reads an inv or getdata payload; too many entries is misbehaviour,
 * a malformed payload is only dropped. Returns: the entries, or NULL. */
static GArray *
read_inv (UmkPeerManager *pm, PeerState *st, GBytes *payload, const char *what)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  g_autoptr (GError) error = NULL;
  if (umk_inv_msg_read (p, len, what, invs, &error))
    return g_steal_pointer (&invs);
  if (g_error_matches (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT))
    misbehaving (pm, st, error->message);
  return NULL;
}

/* Serves queued getdata requests while the peer reads what we send (Core's
 * ProcessGetData): a request for many blocks does not fill our memory with
 * a slow peer's send queue; the rest waits for the next rounds. */
static void
process_getdata (UmkPeerManager *pm, PeerState *st)
{
  g_autoptr (GArray) missing = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  guint done = 0;
  for (; done < st->getdata_queue->len && !umk_peer_disconnecting (st->peer); done++)
    {
      if (umk_peer_send_paused (st->peer))
        break;
      UmkInv *inv = &g_array_index (st->getdata_queue, UmkInv, done);
      uint32_t type = inv->type & UMK_INV_TYPE_MASK;
      if (type == UMK_INV_TX || type == UMK_INV_WTX)
        {
          if (!relay_serve_tx (pm, st, inv))
            g_array_append_val (missing, *inv);
        }
      else if (type == UMK_INV_BLOCK || type == UMK_INV_FILTERED_BLOCK
               || type == UMK_INV_CMPCT_BLOCK)
        (void) sync_serve_block (pm, st, inv); /* Core sends no notfound for blocks */
    }
  g_array_remove_range (st->getdata_queue, 0, done);
  if (missing->len > 0)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_inv_msg_write (w, (UmkInv *) missing->data, missing->len);
      push (pm, st->peer, UMK_MSG_NOTFOUND, w);
    }
}

static void
on_getdata (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  g_autoptr (GArray) invs = read_inv (pm, st, payload, "getdata");
  if (invs == NULL)
    return;
  g_array_append_vals (st->getdata_queue, invs->data, invs->len);
  process_getdata (pm, st);
}

static void
on_inv (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  g_autoptr (GArray) invs = read_inv (pm, st, payload, "inv");
  if (invs == NULL)
    return;
  /* Core announces the last block inv of the message only. */
  const UmkUint256 *best_block = NULL;
  for (guint i = 0; i < invs->len && !umk_peer_disconnecting (st->peer); i++)
    {
      UmkInv *inv = &g_array_index (invs, UmkInv, i);
      uint32_t type = inv->type & UMK_INV_TYPE_MASK;
      if (type == UMK_INV_BLOCK)
        {
          UmkBlockIndex *known;
          umk_chainstate_lock (pm->node->chainstate);
          known = umk_chainstate_lookup (pm->node->chainstate, &inv->hash);
          umk_chainstate_unlock (pm->node->chainstate);
          if (known == NULL)
            best_block = &inv->hash;
          else if (st->best_known == NULL
                   || umk_arith256_cmp (&known->chain_work, &st->best_known->chain_work) > 0)
            {
              if (umk_block_index_is_valid (known, UMK_BLOCK_VALID_TREE))
                st->best_known = known;
            }
        }
      else if (type == UMK_INV_TX || type == UMK_INV_WTX)
        relay_on_inv_tx (pm, st, inv);
    }
  if (best_block != NULL)
    sync_on_block_inv (pm, st, best_block);
}

/* ---- dispatch ---------------------------------------------------------------------------- */

static void
process_message (UmkPeerManager *pm, PeerState *st, UmkNetMsg *msg)
{
  UmkPeer *peer = st->peer;
  const char *c = msg->command;
  UMK_LOG_DEBUG (UMK_LOG_NET, "received: %s (%zu bytes) peer=%" G_GINT64_FORMAT, c,
                 g_bytes_get_size (msg->payload), peer->id);
  if (strcmp (c, UMK_MSG_VERSION) == 0)
    {
      on_version (pm, st, msg->payload);
      return;
    }
  if (!st->got_version)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "non-version message before version handshake. Message \"%s\" from "
                     "peer=%" G_GINT64_FORMAT,
                     c, peer->id);
      return;
    }
  gboolean connected = g_atomic_int_get (&peer->successfully_connected);
  if (strcmp (c, UMK_MSG_VERACK) == 0)
    {
      on_verack (pm, st);
      return;
    }
  if (strcmp (c, UMK_MSG_SENDHEADERS) == 0)
    {
      st->prefers_headers = TRUE;
      return;
    }
  if (strcmp (c, UMK_MSG_SENDCMPCT) == 0)
    {
      /* Understood and remembered; we announce by headers until compact
       * blocks exist here. */
      UmkSendCmpctMsg m;
      gsize len;
      const guint8 *p = g_bytes_get_data (msg->payload, &len);
      if (umk_sendcmpct_msg_read (p, len, &m, NULL) && m.version == UMK_CMPCTBLOCKS_VERSION)
        st->bip152_hb_from = m.announce;
      return;
    }
  if (strcmp (c, UMK_MSG_WTXIDRELAY) == 0)
    {
      if (connected)
        {
          umk_connman_disconnect (pm->cm, peer, "wtxidrelay received after verack");
          return;
        }
      if (st->version >= UMK_WTXID_RELAY_VERSION)
        st->wtxid_relay = TRUE;
      return;
    }
  if (strcmp (c, UMK_MSG_SENDADDRV2) == 0)
    {
      if (connected)
        {
          umk_connman_disconnect (pm->cm, peer, "sendaddrv2 received after verack");
          return;
        }
      st->wants_addrv2 = TRUE;
      return;
    }
  if (strcmp (c, UMK_MSG_SENDTXRCNCL) == 0)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "sendtxrcncl from peer=%" G_GINT64_FORMAT
                     " ignored, as our node does not have txreconciliation enabled",
                     peer->id);
      return;
    }
  if (!connected)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Unsupported message \"%s\" prior to verack from peer=%" G_GINT64_FORMAT, c,
                     peer->id);
      return;
    }
  if (strcmp (c, UMK_MSG_ADDR) == 0 || strcmp (c, UMK_MSG_ADDRV2) == 0)
    relay_on_addr (pm, st, msg->payload, strcmp (c, UMK_MSG_ADDRV2) == 0);
  else if (strcmp (c, UMK_MSG_INV) == 0)
    on_inv (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_GETDATA) == 0)
    on_getdata (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_GETBLOCKS) == 0)
    sync_on_getblocks (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_GETHEADERS) == 0)
    sync_on_getheaders (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_TX) == 0)
    relay_on_tx (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_HEADERS) == 0)
    sync_on_headers (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_BLOCK) == 0)
    sync_on_block (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_GETADDR) == 0)
    relay_on_getaddr (pm, st);
  else if (strcmp (c, UMK_MSG_MEMPOOL) == 0)
    relay_on_mempool (pm, st);
  else if (strcmp (c, UMK_MSG_PING) == 0)
    on_ping (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_PONG) == 0)
    on_pong (pm, st, msg->payload, msg->time_us);
  else if (strcmp (c, UMK_MSG_FEEFILTER) == 0)
    relay_on_feefilter (pm, st, msg->payload);
  else if (strcmp (c, UMK_MSG_NOTFOUND) == 0)
    relay_on_notfound (pm, st, msg->payload);
  else
    UMK_LOG_DEBUG (UMK_LOG_NET, "Unknown message type \"%s\" from peer=%" G_GINT64_FORMAT, c,
                   peer->id);
}

static gboolean
ev_process_messages (gpointer user, UmkPeer *peer)
{
  UmkPeerManager *pm = user;
  PeerState *st = peer_state (pm, peer);
  if (!peer->inbound && !st->sent_version)
    push_version (pm, st);
  /* Requests we could not serve yet come before anything new (Core). */
  if (st->getdata_queue->len > 0)
    {
      process_getdata (pm, st);
      /* More to do unless the peer is not reading: then the write that
       * drains its queue wakes the handler. */
      if (st->getdata_queue->len > 0)
        return !umk_peer_send_paused (peer);
    }
  /* Orphans whose parents arrived go first, one per round (Core). */
  gboolean more = relay_process_orphan (pm);
  gboolean queued = FALSE;
  UmkNetMsg *msg = umk_connman_pop_message (pm->cm, peer, &queued);
  if (msg != NULL)
    {
      process_message (pm, st, msg);
      umk_net_msg_free (msg);
      maybe_discourage (pm, st);
      publish_stats (pm, st);
    }
  return more || queued;
}

/* Work queued by other threads: new blocks to announce, transactions to
 * relay. */
static void
drain_queues (UmkPeerManager *pm)
{
  g_mutex_lock (&pm->queue_lock);
  GArray *blocks = pm->new_blocks;
  pm->new_blocks = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  GArray *relays = pm->relay_queue;
  pm->relay_queue = g_array_new (FALSE, FALSE, sizeof (RelayItem));
  gboolean tip = pm->tip_changed;
  pm->tip_changed = FALSE;
  g_mutex_unlock (&pm->queue_lock);
  if (tip)
    relay_new_tip (pm);
  if (blocks->len > 0)
    sync_new_blocks (pm, (UmkUint256 *) blocks->data, blocks->len);
  for (guint i = 0; i < relays->len; i++)
    {
      RelayItem *r = &g_array_index (relays, RelayItem, i);
      relay_tx_to_all (pm, &r->txid, &r->wtxid, -1);
    }
  g_array_unref (blocks);
  g_array_unref (relays);
}

static void
ev_send_messages (gpointer user, UmkPeer *peer)
{
  UmkPeerManager *pm = user;
  drain_queues (pm);
  PeerState *st = peer_state (pm, peer);
  if (!st->got_version || umk_peer_disconnecting (peer))
    return;
  /* Nothing goes out before the handshake is complete. */
  if (!g_atomic_int_get (&peer->successfully_connected) || umk_peer_disconnecting (peer))
    return;
  gint64 now = pm_now_us (pm);
  gint generation = g_atomic_int_get (&pm->send_pings);
  gboolean asked = generation != st->ping_generation;
  st->ping_generation = generation;
  maybe_send_ping (pm, st, now, asked);
  if (umk_peer_disconnecting (peer))
    return;
  relay_send (pm, st, now);
  sync_send (pm, st, now);
  maybe_discourage (pm, st);
  publish_stats (pm, st);
}

static void
ev_peer_finalize (gpointer user, UmkPeer *peer)
{
  UmkPeerManager *pm = user;
  PeerState *st = g_hash_table_lookup (pm->states, &peer->id);
  if (st == NULL)
    return;
  sync_peer_finalize (pm, st);
  relay_peer_finalize (pm, st);
  pm->n_preferred_download -= st->preferred_download;
  if (st->wtxid_relay && g_atomic_int_get (&peer->successfully_connected))
    pm->n_wtxid_peers--;
  if (!peer->inbound && g_atomic_int_get (&peer->successfully_connected)
      && peer->conn_type != UMK_CONN_BLOCK_RELAY)
    umk_addrman_connected (umk_connman_addrman (pm->cm), &peer->addr,
                           pm_now_us (pm) / G_USEC_PER_SEC);
  g_mutex_lock (&pm->lock);
  peer->proc = NULL;
  g_mutex_unlock (&pm->lock);
  g_hash_table_remove (pm->states, &peer->id);
  UMK_LOG_DEBUG (UMK_LOG_NET, "Cleared nodestate for peer=%" G_GINT64_FORMAT, peer->id);
}

void
umk_peerman_events (UmkPeerManager *pm, UmkNetEvents *out)
{
  memset (out, 0, sizeof *out);
  out->peer_finalize = ev_peer_finalize;
  out->process_messages = ev_process_messages;
  out->send_messages = ev_send_messages;
  out->user = pm;
}

/* ---- chainstate notifications (any thread, chainstate lock held) ----------------------- */

static void
on_block_connected (gpointer user, const UmkBlock *block, UmkBlockIndex *index)
{
  UmkPeerManager *pm = user;
  (void) block;
  g_mutex_lock (&pm->queue_lock);
  g_array_append_val (pm->new_blocks, index->hash);
  /* Only the last few matter for announcements. */
  if (pm->new_blocks->len > 4 * MAX_BLOCKS_TO_ANNOUNCE)
    g_array_remove_range (pm->new_blocks, 0, pm->new_blocks->len - MAX_BLOCKS_TO_ANNOUNCE);
  pm->tip_changed = TRUE;
  g_mutex_unlock (&pm->queue_lock);
  umk_connman_wake (pm->cm);
}

void
umk_peerman_relay_tx (UmkPeerManager *pm, const UmkUint256 *txid, const UmkUint256 *wtxid)
{
  RelayItem r = { *txid, *wtxid };
  g_mutex_lock (&pm->queue_lock);
  g_array_append_val (pm->relay_queue, r);
  g_mutex_unlock (&pm->queue_lock);
  umk_connman_wake (pm->cm);
}

static void
free_state_value (gpointer p)
{
  state_free (p);
}

UmkPeerManager *
umk_peerman_new (UmkNode *node, UmkConnman *cm, const UmkPeerManOptions *opts)
{
  UmkPeerManager *pm = g_new0 (UmkPeerManager, 1);
  pm->node = node;
  pm->cm = cm;
  pm->opts = *opts;
  pm->opts.user_agent = g_strdup (opts->user_agent);
  g_mutex_init (&pm->lock);
  g_mutex_init (&pm->queue_lock);
  pm->new_blocks = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  pm->relay_queue = g_array_new (FALSE, FALSE, sizeof (RelayItem));
  pm->states = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, free_state_value);
  pm->blocks_in_flight = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  pm->recent_rejects = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  pm->tx_requested = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, g_free);
  pm->orphans = g_hash_table_new_full (uint256_hash, uint256_equal, g_free, NULL);
  pm->orphan_work = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  pm->stalling_timeout_us = STALLING_TIMEOUT_DEFAULT_US;
  /* Core always offers the last 288 blocks (NETWORK_LIMITED), and all of
   * them (NETWORK) unless pruned. */
  uint64_t services
      = UMK_NODE_WITNESS | UMK_NODE_NETWORK_LIMITED | (opts->pruned ? 0 : UMK_NODE_NETWORK);
  umk_connman_set_local_services (cm, services);
  UmkChainstateCallbacks cb = { 0 };
  cb.block_connected = on_block_connected;
  cb.user = pm;
  umk_chainstate_add_callbacks (node->chainstate, &cb);
  return pm;
}

void
umk_peerman_free (UmkPeerManager *pm)
{
  if (pm == NULL)
    return;
  g_hash_table_unref (pm->states);
  g_hash_table_unref (pm->blocks_in_flight);
  g_hash_table_unref (pm->recent_rejects);
  g_hash_table_unref (pm->tx_requested);
  GHashTableIter it;
  gpointer v;
  g_hash_table_iter_init (&it, pm->orphans);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      Orphan *o = v;
      umk_tx_unref (o->tx);
      g_free (o);
    }
  g_hash_table_unref (pm->orphans);
  g_array_unref (pm->orphan_work);
  for (int i = 0; i <= UMK_NET_MAX; i++)
    g_clear_pointer (&pm->addr_cache[i], g_array_unref);
  g_array_unref (pm->new_blocks);
  g_array_unref (pm->relay_queue);
  g_free (pm->opts.user_agent);
  g_mutex_clear (&pm->lock);
  g_mutex_clear (&pm->queue_lock);
  g_free (pm);
}
