/* net-relay.c — transactions and addresses between peers (Core's tx
 * relay and download, TxOrphanage, feefilter, and address relay).
 *
 * Transactions are announced by wtxid to peers that sent wtxidrelay (else
 * by txid) on Poisson timers: every 2 s on average to outbound peers, 5 s
 * to inbound ones (one timer shared by all inbound peers, so that timing
 * does not tell which peer we heard a transaction from). Announcements from
 * peers are requested once, preferring outbound peers and wtxid relayers
 * (the others wait 2 s), and re-requested elsewhere after 60 s. A
 * transaction whose inputs are unknown waits as an orphan (at most 100, for
 * 20 minutes) while its parents are fetched from the same peer. */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "common/hex.h"
#include "common/error.h"
#include "common/hash.h"
#include "node/mempool-accept.h"
#include "node/mempool.h"
#include "node/net-processing-private.h"

#include <string.h>

typedef struct
{
  gint64 reqtime_us;
  gboolean is_wtxid;
  gboolean requested;
  gint64 expiry_us;
} TxAnnouncement;

static UmkMempool *
pool_of (UmkPeerManager *pm)
{
  return pm->node->mempool;
}

/* Core's RejectIncomingTxs: -blocksonly without relay permission, and
 * block-relay-only connections. */
static gboolean
reject_incoming_txs (UmkPeerManager *pm, PeerState *st)
{
  if (st->peer->conn_type == UMK_CONN_BLOCK_RELAY)
    return TRUE;
  return pm->opts.blocksonly && !umk_perm_has (st->peer->permissions, UMK_PERM_RELAY);
}

/* Whether we have (or just rejected) a transaction by this hash. */
static gboolean
already_have_tx (UmkPeerManager *pm, const UmkUint256 *hash, gboolean is_wtxid)
{
  if (g_hash_table_contains (pm->recent_rejects, hash) || g_hash_table_contains (pm->orphans, hash))
    return TRUE;
  UmkMempool *pool = pool_of (pm);
  return is_wtxid ? umk_mempool_exists_wtxid (pool, hash) : umk_mempool_exists (pool, hash);
}

void
relay_on_inv_tx (UmkPeerManager *pm, PeerState *st, const UmkInv *inv)
{
  uint32_t type = inv->type & UMK_INV_TYPE_MASK;
  gboolean is_wtxid = type == UMK_INV_WTX;
  /* The other kind of announcement than the peer agreed to is ignored. */
  if (st->wtxid_relay != is_wtxid)
    return;
  set_add (st->known_inv, &inv->hash, MAX_KNOWN_INVENTORY);
  if (reject_incoming_txs (pm, st))
    {
      g_autofree char *why = g_strdup_printf ("transaction (%s) inv sent in violation of protocol",
                                              HASH_HEX (&inv->hash));
      umk_connman_disconnect (pm->cm, st->peer, why);
      return;
    }
  if (pm_ibd (pm) || already_have_tx (pm, &inv->hash, is_wtxid))
    return;
  if (g_hash_table_contains (st->announced, &inv->hash))
    return;
  gboolean relay_perm = umk_perm_has (st->peer->permissions, UMK_PERM_RELAY);
  if (g_hash_table_size (st->announced) >= MAX_PEER_TX_ANNOUNCEMENTS && !relay_perm)
    return;
  gint64 delay = 0;
  if (!st->preferred_download)
    delay += NONPREF_PEER_TX_DELAY_US;
  if (!is_wtxid && pm->n_wtxid_peers > 0)
    delay += TXID_RELAY_DELAY_US;
  if (st->n_requested >= MAX_PEER_TX_REQUEST_IN_FLIGHT && !relay_perm)
    delay += OVERLOADED_PEER_TX_DELAY_US;
  TxAnnouncement *a = g_new0 (TxAnnouncement, 1);
  a->reqtime_us = pm_now_us (pm) + delay;
  a->is_wtxid = is_wtxid;
  g_hash_table_insert (st->announced, uint256_dup (&inv->hash), a);
}

/* Forgets a request or announcement of hash from every peer (it arrived). */
static void
forget_tx (UmkPeerManager *pm, const UmkUint256 *hash)
{
  g_hash_table_remove (pm->tx_requested, hash);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pm->states);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      PeerState *st = value;
      TxAnnouncement *a = g_hash_table_lookup (st->announced, hash);
      if (a != NULL)
        {
          if (a->requested)
            st->n_requested--;
          g_hash_table_remove (st->announced, hash);
        }
    }
}

void
relay_on_notfound (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  if (!umk_inv_msg_read (p, len, "notfound", invs, NULL))
    return;
  for (guint i = 0; i < invs->len; i++)
    {
      UmkInv *inv = &g_array_index (invs, UmkInv, i);
      TxAnnouncement *a = g_hash_table_lookup (st->announced, &inv->hash);
      if (a != NULL && a->requested)
        {
          /* Another announcer may be asked at once. */
          st->n_requested--;
          g_hash_table_remove (st->announced, &inv->hash);
          g_hash_table_remove (pm->tx_requested, &inv->hash);
        }
    }
}

void
relay_tx_to_all (UmkPeerManager *pm, const UmkUint256 *txid, const UmkUint256 *wtxid,
                 int64_t except)
{
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pm->states);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      PeerState *st = value;
      if (!st->tx_relay || st->peer->id == except)
        continue;
      const UmkUint256 *h = st->wtxid_relay ? wtxid : txid;
      if (!g_hash_table_contains (st->known_inv, h))
        g_hash_table_add (st->tx_to_send, uint256_dup (h));
    }
}

/* ---- orphans ---------------------------------------------------------------------- */

static void
orphan_free (Orphan *o)
{
  umk_tx_unref (o->tx);
  g_free (o);
}

static void
orphan_erase (UmkPeerManager *pm, const UmkUint256 *wtxid)
{
  Orphan *o = g_hash_table_lookup (pm->orphans, wtxid);
  if (o == NULL)
    return;
  g_hash_table_remove (pm->orphans, wtxid);
  orphan_free (o);
}

static void
orphan_add (UmkPeerManager *pm, UmkTx *tx, int64_t from)
{
  if (g_hash_table_contains (pm->orphans, &tx->wtxid))
    return;
  int64_t now = pm_now_us (pm) / G_USEC_PER_SEC;
  /* Expired ones go first, then random ones while over the limit. */
  g_autoptr (GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, pm->orphans);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (((Orphan *) value)->expire <= now)
      g_ptr_array_add (expired, uint256_dup (key));
  for (guint i = 0; i < expired->len; i++)
    orphan_erase (pm, expired->pdata[i]);
  while (g_hash_table_size (pm->orphans) >= MAX_ORPHANS)
    {
      guint pick = g_random_int_range (0, (gint32) g_hash_table_size (pm->orphans));
      g_hash_table_iter_init (&it, pm->orphans);
      for (guint i = 0; g_hash_table_iter_next (&it, &key, NULL); i++)
        if (i == pick)
          break;
      UmkUint256 victim = *(UmkUint256 *) key;
      orphan_erase (pm, &victim);
    }
  Orphan *o = g_new0 (Orphan, 1);
  o->tx = umk_tx_ref (tx);
  o->from = from;
  o->expire = now + ORPHAN_EXPIRE_S;
  g_hash_table_insert (pm->orphans, uint256_dup (&tx->wtxid), o);
  UMK_LOG_DEBUG (UMK_LOG_TXPACKAGES, "stored orphan tx %s (wtxid=%s), from peer=%" G_GINT64_FORMAT,
                 HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid), from);
}

/* Orphans spending an output of txid become work. */
static void
orphans_of (UmkPeerManager *pm, const UmkUint256 *txid)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, pm->orphans);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      Orphan *o = value;
      for (size_t i = 0; i < o->tx->n_in; i++)
        if (uint256_equal (&o->tx->in[i].prevout.hash, txid))
          {
            g_array_append_val (pm->orphan_work, *(UmkUint256 *) key);
            break;
          }
    }
}

/* Accepts tx into the mempool. Returns: TRUE when accepted; *missing for
 * missing inputs; *consensus for a consensus violation. */
static gboolean
accept_tx (UmkPeerManager *pm, UmkTx *tx, gboolean *missing, gboolean *consensus, char **why)
{
  UmkMempoolChainView view;
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  umk_node_mempool_view_begin (pm->node, &view);
  gboolean ok = umk_mempool_accept (pool_of (pm), &view, tx, 0, FALSE, FALSE, &r);
  umk_node_mempool_view_end (pm->node, &view);
  *missing = !ok && r.result == UMK_TX_RESULT_MISSING_INPUTS;
  *consensus = !ok && r.result == UMK_TX_RESULT_CONSENSUS;
  if (!ok && why != NULL)
    *why = umk_accept_result_to_string (&r);
  umk_accept_result_clear (&r);
  return ok;
}

static void
accepted (UmkPeerManager *pm, UmkTx *tx, int64_t from)
{
  UmkMempool *pool = pool_of (pm);
  UMK_LOG_DEBUG (UMK_LOG_MEMPOOL,
                 "AcceptToMemoryPool: peer=%" G_GINT64_FORMAT
                 ": accepted %s (wtxid=%s) (poolsz %u txn, %zu kB)",
                 from, HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid), umk_mempool_size (pool),
                 umk_mempool_usage (pool) / 1000);
  relay_tx_to_all (pm, &tx->txid, &tx->wtxid, -1);
  orphans_of (pm, &tx->txid);
}

gboolean
relay_process_orphan (UmkPeerManager *pm)
{
  while (pm->orphan_work->len > 0)
    {
      UmkUint256 wtxid = g_array_index (pm->orphan_work, UmkUint256, pm->orphan_work->len - 1);
      g_array_remove_index (pm->orphan_work, pm->orphan_work->len - 1);
      Orphan *o = g_hash_table_lookup (pm->orphans, &wtxid);
      if (o == NULL)
        continue;
      UmkTx *tx = umk_tx_ref (o->tx);
      int64_t from = o->from;
      gboolean missing, consensus;
      g_autofree char *why = NULL;
      if (accept_tx (pm, tx, &missing, &consensus, &why))
        {
          UMK_LOG_DEBUG (UMK_LOG_TXPACKAGES, "   accepted orphan tx %s (wtxid=%s)",
                         HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid));
          orphan_erase (pm, &wtxid);
          accepted (pm, tx, from);
        }
      else if (!missing)
        {
          UMK_LOG_DEBUG (UMK_LOG_TXPACKAGES, "   invalid orphan tx %s: %s", HASH_HEX (&tx->txid),
                         why);
          orphan_erase (pm, &wtxid);
          set_add (pm->recent_rejects, &tx->wtxid, MAX_KNOWN_INVENTORY);
        }
      umk_tx_unref (tx);
      return TRUE;
    }
  return FALSE;
}

void
relay_new_tip (UmkPeerManager *pm)
{
  /* A rejection may not hold on the new tip (Core resets its filter). */
  g_hash_table_remove_all (pm->recent_rejects);
}

void
relay_on_tx (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  if (reject_incoming_txs (pm, st))
    {
      umk_connman_disconnect (pm->cm, st->peer, "transaction sent in violation of protocol");
      return;
    }
  /* During initial download we cannot judge it; an unsolicited transaction
   * is not misbehaviour either (Core). */
  if (pm_ibd (pm))
    return;
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_msg_read (payload, &error);
  if (tx == NULL)
    {
      UMK_LOG_DEBUG (
          UMK_LOG_NET,
          "ProcessMessages(tx, %zu bytes): Exception '%s' caught, peer=%" G_GINT64_FORMAT,
          g_bytes_get_size (payload), error->message, st->peer->id);
      return;
    }
  set_add (st->known_inv, &tx->txid, MAX_KNOWN_INVENTORY);
  set_add (st->known_inv, &tx->wtxid, MAX_KNOWN_INVENTORY);
  forget_tx (pm, &tx->txid);
  forget_tx (pm, &tx->wtxid);
  UmkMempool *pool = pool_of (pm);
  if (umk_mempool_exists_wtxid (pool, &tx->wtxid) || umk_mempool_exists (pool, &tx->txid)
      || g_hash_table_contains (pm->recent_rejects, &tx->wtxid))
    {
      /* Forcerelay peers may make us announce what we already have. */
      if (umk_perm_has (st->peer->permissions, UMK_PERM_FORCERELAY)
          && umk_mempool_exists_wtxid (pool, &tx->wtxid))
        {
          umk_log_info ("Force relaying tx %s (wtxid=%s) from peer=%" G_GINT64_FORMAT,
                        HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid), st->peer->id);
          relay_tx_to_all (pm, &tx->txid, &tx->wtxid, -1);
        }
      umk_tx_unref (tx);
      return;
    }
  gboolean missing, consensus;
  g_autofree char *why = NULL;
  if (accept_tx (pm, tx, &missing, &consensus, &why))
    {
      st->last_tx_time = pm_now_us (pm) / G_USEC_PER_SEC;
      st->peer->last_tx_time = st->last_tx_time;
      accepted (pm, tx, st->peer->id);
    }
  else if (missing)
    {
      /* Parents we rejected make the child hopeless. */
      gboolean rejected_parent = FALSE;
      for (size_t i = 0; i < tx->n_in; i++)
        if (g_hash_table_contains (pm->recent_rejects, &tx->in[i].prevout.hash))
          rejected_parent = TRUE;
      if (rejected_parent)
        {
          UMK_LOG_DEBUG (UMK_LOG_MEMPOOL, "not keeping orphan with rejected parents %s (wtxid=%s)",
                         HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid));
          set_add (pm->recent_rejects, &tx->wtxid, MAX_KNOWN_INVENTORY);
        }
      else
        {
          orphan_add (pm, tx, st->peer->id);
          /* Ask the same peer for the parents, by txid. */
          gint64 now = pm_now_us (pm);
          for (size_t i = 0; i < tx->n_in; i++)
            {
              const UmkUint256 *parent = &tx->in[i].prevout.hash;
              if (already_have_tx (pm, parent, FALSE)
                  || g_hash_table_contains (st->announced, parent))
                continue;
              TxAnnouncement *a = g_new0 (TxAnnouncement, 1);
              a->reqtime_us = now;
              a->is_wtxid = FALSE;
              g_hash_table_insert (st->announced, uint256_dup (parent), a);
              set_add (st->known_inv, parent, MAX_KNOWN_INVENTORY);
            }
        }
    }
  else
    {
      UMK_LOG_DEBUG (UMK_LOG_MEMPOOLREJ,
                     "%s (wtxid=%s) from peer=%" G_GINT64_FORMAT " was not accepted: %s",
                     HASH_HEX (&tx->txid), HASH_HEX (&tx->wtxid), st->peer->id, why);
      set_add (pm->recent_rejects, &tx->wtxid, MAX_KNOWN_INVENTORY);
      if (consensus)
        misbehaving (pm, st, "");
    }
  umk_tx_unref (tx);
}

gboolean
relay_serve_tx (UmkPeerManager *pm, PeerState *st, const UmkInv *inv)
{
  uint32_t type = inv->type & UMK_INV_TYPE_MASK;
  UmkMempool *pool = pool_of (pm);
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = type == UMK_INV_WTX ? umk_mempool_get_by_wtxid (pool, &inv->hash)
                                           : umk_mempool_get (pool, &inv->hash);
  UmkTx *tx = NULL;
  /* Core's FindTxForGetData: what we announced to this peer, or what was in
   * the pool before our last announcement round to it (asking for it then
   * reveals nothing about when we got it). */
  if (e != NULL
      && (g_hash_table_contains (st->recently_announced, &inv->hash)
          || (e->sequence != 0 && e->sequence < st->last_inv_sequence)))
    tx = umk_tx_ref (e->tx);
  umk_mempool_unlock (pool);
  if (tx == NULL)
    return FALSE;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  gboolean witness = type == UMK_INV_WTX || (inv->type & UMK_INV_WITNESS_FLAG) != 0;
  umk_tx_write (tx, w, witness);
  push (pm, st->peer, UMK_MSG_TX, w);
  umk_mempool_remove_unbroadcast (pool, &tx->txid);
  umk_tx_unref (tx);
  return TRUE;
}

void
relay_on_mempool (UmkPeerManager *pm, PeerState *st)
{
  UmkPeer *peer = st->peer;
  if (!umk_perm_has (peer->permissions, UMK_PERM_MEMPOOL))
    {
      if (!umk_perm_has (peer->permissions, UMK_PERM_NOBAN))
        umk_connman_disconnect (pm->cm, peer, "mempool request with bloom filters disabled");
      return;
    }
  if (st->tx_relay)
    st->send_mempool = TRUE;
}

void
relay_on_feefilter (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  (void) pm;
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  uint64_t v;
  if (!umk_u64_msg_read (p, len, &v, NULL))
    return;
  int64_t fee = (int64_t) v;
  if (fee >= 0 && fee <= MAX_MONEY_SATS)
    {
      st->fee_filter = fee;
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "received: feefilter of %" G_GINT64_FORMAT
                     " sat/kvB from peer=%" G_GINT64_FORMAT,
                     fee, st->peer->id);
    }
}

void
relay_peer_finalize (UmkPeerManager *pm, PeerState *st)
{
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, st->announced);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (((TxAnnouncement *) value)->requested)
      g_hash_table_remove (pm->tx_requested, key);
  /* Orphans kept for this peer go with it. */
  g_autoptr (GPtrArray) drop = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&it, pm->orphans);
  while (g_hash_table_iter_next (&it, &key, &value))
    if (((Orphan *) value)->from == st->peer->id)
      g_ptr_array_add (drop, uint256_dup (key));
  for (guint i = 0; i < drop->len; i++)
    orphan_erase (pm, drop->pdata[i]);
}

/* ---- sending ------------------------------------------------------------------------ */

static void
request_txs (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  g_autoptr (GPtrArray) done = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, st->announced);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      TxAnnouncement *a = value;
      const UmkUint256 *h = key;
      if (a->requested)
        {
          if (now > a->expiry_us)
            {
              /* Timed out: someone else may be asked. */
              g_hash_table_remove (pm->tx_requested, h);
              st->n_requested--;
              g_ptr_array_add (done, uint256_dup (h));
            }
          continue;
        }
      if (a->reqtime_us > now)
        continue;
      if (already_have_tx (pm, h, a->is_wtxid))
        {
          g_ptr_array_add (done, uint256_dup (h));
          continue;
        }
      if (g_hash_table_contains (pm->tx_requested, h))
        continue; /* asked of another peer; ours waits */
      UmkInv inv = { a->is_wtxid ? UMK_INV_WTX : (UMK_INV_TX | UMK_INV_WITNESS_FLAG), *h };
      g_array_append_val (invs, inv);
      a->requested = TRUE;
      a->expiry_us = now + GETDATA_TX_INTERVAL_US;
      st->n_requested++;
      g_hash_table_insert (pm->tx_requested, uint256_dup (h),
                           g_memdup2 (&a->expiry_us, sizeof (gint64)));
      if (invs->len >= 1000)
        break;
    }
  for (guint i = 0; i < done->len; i++)
    g_hash_table_remove (st->announced, done->pdata[i]);
  if (invs->len > 0)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_inv_msg_write (w, (UmkInv *) invs->data, invs->len);
      push (pm, st->peer, UMK_MSG_GETDATA, w);
    }
}

typedef struct
{
  UmkUint256 hash;
  size_t ancestors;
  int64_t fee_rate; /* sat/kvB */
} InvCandidate;

static int
compare_inv (gconstpointer a, gconstpointer b)
{
  const InvCandidate *x = a, *y = b;
  /* Parents before children; then the better fee rate first. */
  if (x->ancestors != y->ancestors)
    return x->ancestors < y->ancestors ? -1 : 1;
  if (x->fee_rate != y->fee_rate)
    return x->fee_rate > y->fee_rate ? -1 : 1;
  return memcmp (&x->hash, &y->hash, sizeof x->hash);
}

static void
send_tx_invs (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  UmkPeer *peer = st->peer;
  gboolean trickle = umk_perm_has (peer->permissions, UMK_PERM_NOBAN);
  if (st->next_inv_send_us < now)
    {
      trickle = TRUE;
      if (peer->inbound)
        {
          if (pm->next_inbound_inv_us < now)
            pm->next_inbound_inv_us = now + rand_exp_us (INBOUND_INVENTORY_BROADCAST_INTERVAL_US);
          st->next_inv_send_us = pm->next_inbound_inv_us;
        }
      else
        st->next_inv_send_us = now + rand_exp_us (OUTBOUND_INVENTORY_BROADCAST_INTERVAL_US);
    }
  if (!trickle)
    return;
  UmkMempool *pool = pool_of (pm);
  st->last_inv_sequence = umk_mempool_sequence (pool);
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  uint32_t inv_type = st->wtxid_relay ? UMK_INV_WTX : UMK_INV_TX;
  if (st->send_mempool)
    {
      /* The whole pool above the peer's fee filter (mempool message). */
      st->send_mempool = FALSE;
      umk_mempool_lock (pool);
      g_autoptr (GPtrArray) entries = umk_mempool_entries (pool);
      for (guint i = 0; i < entries->len; i++)
        {
          UmkMempoolEntry *e = entries->pdata[i];
          const UmkUint256 *h = st->wtxid_relay ? &e->tx->wtxid : &e->tx->txid;
          g_hash_table_remove (st->tx_to_send, h);
          if (st->fee_filter > 0 && e->vsize > 0 && e->fee * 1000 / e->vsize < st->fee_filter)
            continue;
          UmkInv inv = { inv_type, *h };
          g_array_append_val (invs, inv);
          set_add (st->known_inv, h, MAX_KNOWN_INVENTORY);
          set_add (st->recently_announced, h, MAX_KNOWN_INVENTORY);
        }
      umk_mempool_unlock (pool);
    }
  if (g_hash_table_size (st->tx_to_send) > 0)
    {
      g_autoptr (GArray) cands = g_array_new (FALSE, FALSE, sizeof (InvCandidate));
      umk_mempool_lock (pool);
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, st->tx_to_send);
      while (g_hash_table_iter_next (&it, &key, NULL))
        {
          const UmkUint256 *h = key;
          UmkMempoolEntry *e
              = st->wtxid_relay ? umk_mempool_get_by_wtxid (pool, h) : umk_mempool_get (pool, h);
          if (e == NULL || g_hash_table_contains (st->known_inv, h))
            continue;
          InvCandidate c = { *h, 0, e->vsize > 0 ? e->fee * 1000 / e->vsize : 0 };
          if (st->fee_filter > 0 && c.fee_rate < st->fee_filter)
            continue;
          size_t cluster;
          umk_mempool_ancestry (pool, &e->tx->txid, &c.ancestors, &cluster, NULL, NULL);
          g_array_append_val (cands, c);
        }
      umk_mempool_unlock (pool);
      g_array_sort (cands, compare_inv);
      size_t max = MIN (INVENTORY_BROADCAST_MAX,
                        INVENTORY_BROADCAST_TARGET + g_hash_table_size (st->tx_to_send) / 1000 * 5);
      guint sent = 0;
      for (guint i = 0; i < cands->len && sent < max; i++, sent++)
        {
          InvCandidate *c = &g_array_index (cands, InvCandidate, i);
          UmkInv inv = { inv_type, c->hash };
          g_array_append_val (invs, inv);
          set_add (st->known_inv, &c->hash, MAX_KNOWN_INVENTORY);
          set_add (st->recently_announced, &c->hash, MAX_KNOWN_INVENTORY);
          g_hash_table_remove (st->tx_to_send, &c->hash);
        }
      /* What was dropped (gone from the pool, filtered) is not retried. */
      if (sent == cands->len)
        g_hash_table_remove_all (st->tx_to_send);
    }
  for (guint off = 0; off < invs->len; off += UMK_MAX_INV_SZ)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_inv_msg_write (w, &g_array_index (invs, UmkInv, off),
                         MIN (UMK_MAX_INV_SZ, invs->len - off));
      push (pm, peer, UMK_MSG_INV, w);
    }
}

/* Core's MaybeSendFeefilter. */
static void
maybe_send_feefilter (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  UmkPeer *peer = st->peer;
  /* -blocksonly asked for no transactions in the version message already. */
  if (pm->opts.blocksonly)
    return;
  if (st->version < UMK_FEEFILTER_VERSION || peer->conn_type == UMK_CONN_BLOCK_RELAY
      || umk_perm_has (peer->permissions, UMK_PERM_FORCERELAY))
    return;
  int64_t filter;
  if (pm_ibd (pm))
    filter = MAX_MONEY_SATS; /* we drop transaction announcements now */
  else
    {
      /* Out of initial download: the "send nothing" filter goes at once. */
      if (st->sent_fee_filter == MAX_MONEY_SATS)
        st->next_feefilter_us = 0;
      UmkFeeRate min = umk_mempool_min_fee (pool_of (pm));
      int64_t pool_min = min.size > 0 ? min.fee * 1000 / min.size : 0;
      filter = MAX (pool_min, pm->opts.min_relay_fee);
    }
  if (now > st->next_feefilter_us)
    {
      if (filter != st->sent_fee_filter)
        {
          g_autoptr (GByteArray) w = g_byte_array_new ();
          umk_u64_msg_write (w, (uint64_t) filter);
          push (pm, peer, UMK_MSG_FEEFILTER, w);
          st->sent_fee_filter = filter;
        }
      st->next_feefilter_us = now + rand_exp_us (AVG_FEEFILTER_BROADCAST_INTERVAL_US);
    }
  else if (now + MAX_FEEFILTER_CHANGE_DELAY_US < st->next_feefilter_us
           && (filter < 3 * st->sent_fee_filter / 4 || filter > 4 * st->sent_fee_filter / 3))
    st->next_feefilter_us
        = now + g_random_int_range (0, (gint32) (MAX_FEEFILTER_CHANGE_DELAY_US / 1000)) * 1000;
}

/* ---- addresses ----------------------------------------------------------------------- */

static void
push_address (PeerState *st, const UmkAddress *a)
{
  if (g_hash_table_contains (st->known_addr, &a->service))
    return;
  if (!st->wants_addrv2 && !umk_netaddr_is_addr_v1_compatible (&a->service.addr))
    return;
  if (st->addr_to_send->len >= MAX_ADDR_TO_SEND)
    {
      /* Core replaces a random one. */
      guint i = g_random_int_range (0, (gint32) st->addr_to_send->len);
      g_array_index (st->addr_to_send, UmkAddress, i) = *a;
    }
  else
    g_array_append_val (st->addr_to_send, *a);
}

static void
known_addr_add (PeerState *st, const UmkService *s)
{
  if (g_hash_table_size (st->known_addr) >= MAX_KNOWN_ADDRS)
    g_hash_table_remove_all (st->known_addr);
  g_hash_table_add (st->known_addr, g_memdup2 (s, sizeof *s));
}

/* Core's RelayAddress: to one or two peers chosen by a hash of the address
 * and the day, so that the same address goes the same way for a while. */
static void
relay_address (UmkPeerManager *pm, int64_t from, const UmkAddress *a, gboolean reachable)
{
  guint n_relay = reachable ? 2 : 1;
  int64_t day = pm_now_us (pm) / G_USEC_PER_SEC / (24 * 3600);
  g_autoptr (GByteArray) key = g_byte_array_new ();
  umk_netaddr_get_addr_bytes (&a->service.addr, key);
  g_byte_array_append (key, (const guint8 *) &day, sizeof day);
  PeerState *best[2] = { NULL, NULL };
  uint64_t best_key[2] = { 0, 0 };
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pm->states);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      PeerState *st = value;
      if (!st->addr_relay || st->peer->id == from
          || !g_atomic_int_get (&st->peer->successfully_connected))
        continue;
      uint64_t k
          = umk_siphash24 (0x3cac0035b5866b90ULL, (uint64_t) st->peer->id, key->data, key->len);
      for (guint i = 0; i < n_relay; i++)
        if (best[i] == NULL || k > best_key[i])
          {
            for (guint j = n_relay - 1; j > i; j--)
              {
                best[j] = best[j - 1];
                best_key[j] = best_key[j - 1];
              }
            best[i] = st;
            best_key[i] = k;
            break;
          }
    }
  for (guint i = 0; i < n_relay; i++)
    if (best[i] != NULL)
      push_address (best[i], a);
}

void
relay_on_addr (UmkPeerManager *pm, PeerState *st, GBytes *payload, gboolean v2)
{
  UmkPeer *peer = st->peer;
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  g_autoptr (GArray) addrs = g_array_new (FALSE, FALSE, sizeof (UmkAddress));
  g_autoptr (GError) error = NULL;
  if (!umk_addr_msg_read (p, len, v2, addrs, &error))
    {
      if (g_error_matches (error, UMK_ERROR, UMK_ERROR_TOO_LARGE))
        misbehaving (pm, st, error->message);
      else
        UMK_LOG_DEBUG (
            UMK_LOG_NET,
            "ProcessMessages(%s, %zu bytes): Exception '%s' caught, peer=%" G_GINT64_FORMAT,
            v2 ? "addrv2" : "addr", len, error->message, peer->id);
      return;
    }
  /* Address relay with inbound peers starts when they send addresses. */
  if (peer->conn_type == UMK_CONN_BLOCK_RELAY)
    return;
  st->addr_relay = TRUE;
  gint64 now_us = pm_now_us (pm);
  int64_t now = now_us / G_USEC_PER_SEC;
  /* The token bucket refills at 0.1 per second, up to 1000. */
  if (st->addr_tokens < MAX_ADDR_PROCESSING_TOKEN_BUCKET)
    {
      double add = (double) MAX (0, now_us - st->addr_token_time_us) / G_USEC_PER_SEC
                   * MAX_ADDR_RATE_PER_SECOND;
      st->addr_tokens = MIN (st->addr_tokens + add, (double) MAX_ADDR_PROCESSING_TOKEN_BUCKET);
    }
  st->addr_token_time_us = now_us;
  gboolean unlimited = umk_perm_has (peer->permissions, UMK_PERM_ADDR);
  g_autoptr (GArray) ok = g_array_new (FALSE, FALSE, sizeof (UmkAddress));
  UmkBanMan *bans = umk_connman_banman (pm->cm);
  guint64 processed = 0, rate_limited = 0;
  /* Core shuffles, so that rate limiting drops random entries. */
  for (guint i = addrs->len; i > 1; i--)
    {
      guint j = g_random_int_range (0, (gint32) i);
      UmkAddress t = g_array_index (addrs, UmkAddress, i - 1);
      g_array_index (addrs, UmkAddress, i - 1) = g_array_index (addrs, UmkAddress, j);
      g_array_index (addrs, UmkAddress, j) = t;
    }
  for (guint i = 0; i < addrs->len; i++)
    {
      UmkAddress a = g_array_index (addrs, UmkAddress, i);
      if (!unlimited)
        {
          if (st->addr_tokens < 1.0)
            {
              rate_limited++;
              continue;
            }
          st->addr_tokens -= 1.0;
        }
      /* Only addresses of networks we can reach. */
      if (a.service.addr.net == UMK_NET_UNROUTABLE || a.service.addr.net >= UMK_NET_MAX)
        continue;
      if (a.time <= 100000000 || (int64_t) a.time > now + 10 * 60)
        a.time = (uint32_t) (now - 5 * 24 * 3600);
      known_addr_add (st, &a.service);
      if (umk_banman_is_discouraged (bans, &a.service.addr)
          || umk_banman_is_banned (bans, &a.service.addr))
        continue;
      processed++;
      if ((int64_t) a.time > now - 10 * 60 && !st->getaddr_sent && addrs->len <= 10
          && umk_netaddr_is_routable (&a.service.addr))
        relay_address (pm, peer->id, &a, TRUE);
      g_array_append_val (ok, a);
    }
  st->addr_processed += processed;
  st->addr_rate_limited += rate_limited;
  UMK_LOG_DEBUG (UMK_LOG_NET,
                 "Received addr: %u addresses (%" G_GUINT64_FORMAT " processed, %" G_GUINT64_FORMAT
                 " rate-limited) from peer=%" G_GINT64_FORMAT,
                 addrs->len, processed, rate_limited, peer->id);
  if (ok->len > 0)
    umk_addrman_add (umk_connman_addrman (pm->cm), (UmkAddress *) ok->data, ok->len,
                     &peer->addr.addr, 2 * 3600);
  if (addrs->len < MAX_ADDR_TO_SEND)
    st->getaddr_sent = FALSE;
  if (peer->conn_type == UMK_CONN_ADDR_FETCH)
    umk_connman_disconnect (pm->cm, peer, "addrfetch connection completed");
}

void
relay_on_getaddr (UmkPeerManager *pm, PeerState *st)
{
  UmkPeer *peer = st->peer;
  if (!peer->inbound)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "Ignoring \"getaddr\" from %s connection. peer=%" G_GINT64_FORMAT,
                     umk_conn_type_name (peer->conn_type), peer->id);
      return;
    }
  if (peer->conn_type == UMK_CONN_BLOCK_RELAY)
    return;
  st->addr_relay = TRUE;
  if (st->getaddr_recvd)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "Ignoring repeated \"getaddr\". peer=%" G_GINT64_FORMAT,
                     peer->id);
      return;
    }
  st->getaddr_recvd = TRUE;
  g_array_set_size (st->addr_to_send, 0);
  g_autoptr (GArray) addrs = NULL;
  UmkAddrMan *am = umk_connman_addrman (pm->cm);
  if (umk_perm_has (peer->permissions, UMK_PERM_ADDR))
    addrs = umk_addrman_get_addr (am, MAX_ADDR_TO_SEND, MAX_PCT_ADDR_TO_SEND, -1, TRUE);
  else
    {
      int net = MIN ((int) peer->addr.addr.net, UMK_NET_MAX);
      int64_t now = pm_now_us (pm) / G_USEC_PER_SEC;
      if (pm->addr_cache[net] == NULL || pm->addr_cache_expiry[net] < now)
        {
          g_clear_pointer (&pm->addr_cache[net], g_array_unref);
          pm->addr_cache[net]
              = umk_addrman_get_addr (am, MAX_ADDR_TO_SEND, MAX_PCT_ADDR_TO_SEND, -1, TRUE);
          /* 21 to 27 hours, as Core. */
          pm->addr_cache_expiry[net] = now + 21 * 3600 + g_random_int_range (0, 6 * 3600);
        }
      addrs = g_array_copy (pm->addr_cache[net]);
    }
  UmkBanMan *bans = umk_connman_banman (pm->cm);
  for (guint i = 0; i < addrs->len; i++)
    {
      UmkAddress *a = &g_array_index (addrs, UmkAddress, i);
      if (umk_banman_is_discouraged (bans, &a->service.addr)
          || umk_banman_is_banned (bans, &a->service.addr))
        continue;
      push_address (st, a);
    }
}

static void
maybe_send_addr (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  if (!st->addr_relay || now <= st->next_addr_send_us)
    return;
  st->next_addr_send_us = now + rand_exp_us (AVG_ADDRESS_BROADCAST_INTERVAL_US);
  if (st->addr_to_send->len == 0)
    return;
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (UmkAddress));
  for (guint i = 0; i < st->addr_to_send->len; i++)
    {
      UmkAddress *a = &g_array_index (st->addr_to_send, UmkAddress, i);
      if (g_hash_table_contains (st->known_addr, &a->service))
        continue;
      known_addr_add (st, &a->service);
      g_array_append_val (out, *a);
    }
  g_array_set_size (st->addr_to_send, 0);
  if (out->len == 0)
    return;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_addr_msg_write (w, (UmkAddress *) out->data, out->len, st->wants_addrv2);
  push (pm, st->peer, st->wants_addrv2 ? UMK_MSG_ADDRV2 : UMK_MSG_ADDR, w);
  (void) pm;
}

void
relay_send (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  maybe_send_addr (pm, st, now);
  if (umk_peer_disconnecting (st->peer))
    return;
  if (st->tx_relay)
    send_tx_invs (pm, st, now);
  maybe_send_feefilter (pm, st, now);
  if (!pm_ibd (pm))
    request_txs (pm, st, now);
}
