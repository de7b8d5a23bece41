/* net-sync.c — headers-first sync and block relay (Core's
 * ProcessHeadersMessage, FindNextBlocksToDownload, the block parts of
 * SendMessages, and serving headers and blocks to others).
 *
 * Headers come from one peer at a time during initial download (any peer
 * once our best header is recent); blocks from every peer that has them, at
 * most 16 in flight each, within a 1024-block window beyond the last block
 * all our chains share with the peer. A peer that holds back the window for
 * longer than the stalling timeout is dropped. */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "common/hex.h"
#include "common/pow.h"
#include "node/chainstate.h"
#include "node/net-processing-private.h"

#include <string.h>

#define HEADERS_DOWNLOAD_TIMEOUT_BASE_US       (15 * 60 * G_USEC_PER_SEC)
#define HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER_US 1000
#define NODE_NETWORK_LIMITED_MIN_BLOCKS        288
#define STALE_RELAY_AGE_LIMIT_S                (30 * 24 * 60 * 60)
#define MAX_GETBLOCKS_RESULTS                  500

static UmkChainstate *
cs_of (UmkPeerManager *pm)
{
  return pm->node->chainstate;
}

void
sync_peer_init (UmkPeerManager *pm, PeerState *st)
{
  (void) pm;
  st->stalling_since_us = 0;
}

static gboolean
is_limited_peer (PeerState *st)
{
  return (st->their_services & UMK_NODE_NETWORK) == 0
         && (st->their_services & UMK_NODE_NETWORK_LIMITED) != 0;
}

static gboolean
can_serve_blocks (PeerState *st)
{
  return (st->their_services & (UMK_NODE_NETWORK | UMK_NODE_NETWORK_LIMITED)) != 0;
}

/* Sends a getheaders unless one is still unanswered (Core's
 * MaybeSendGetHeaders: at most one per two minutes). */
static gboolean
maybe_send_getheaders (UmkPeerManager *pm, PeerState *st, GArray *locator)
{
  gint64 now = pm_now_us (pm);
  if (st->last_getheaders_us != 0 && now - st->last_getheaders_us < HEADERS_RESPONSE_TIME_US)
    return FALSE;
  UmkUint256 stop = { { 0 } };
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_locator_msg_write (w, UMK_PROTOCOL_VERSION, (UmkUint256 *) locator->data, locator->len,
                         &stop);
  push (pm, st->peer, UMK_MSG_GETHEADERS, w);
  st->last_getheaders_us = now;
  return TRUE;
}

static gboolean
send_getheaders_from (UmkPeerManager *pm, PeerState *st, UmkBlockIndex *from)
{
  g_autoptr (GArray) locator = umk_block_locator (from);
  return maybe_send_getheaders (pm, st, locator);
}

/* Core's UpdateBlockAvailability with a known entry (lock held). */
static void
update_best_known (PeerState *st, UmkBlockIndex *index)
{
  if (index == NULL || !umk_block_index_is_valid (index, UMK_BLOCK_VALID_TREE))
    return;
  if (st->best_known == NULL
      || umk_arith256_cmp (&index->chain_work, &st->best_known->chain_work) >= 0)
    st->best_known = index;
}

/* Core's ProcessBlockAvailability: a hash announced before we had its
 * header may be known now (lock held). */
static void
process_block_availability (UmkPeerManager *pm, PeerState *st)
{
  if (!st->have_last_unknown)
    return;
  UmkBlockIndex *index = umk_chainstate_lookup (cs_of (pm), &st->last_unknown);
  if (index != NULL && !umk_arith256_is_zero (&index->chain_work))
    {
      update_best_known (st, index);
      st->have_last_unknown = FALSE;
    }
}

void
sync_on_block_inv (UmkPeerManager *pm, PeerState *st, const UmkUint256 *hash)
{
  UmkChainstate *cs = cs_of (pm);
  if (umk_chainstate_importing (cs) || umk_chainstate_reindexing (cs))
    return;
  if (g_hash_table_contains (pm->blocks_in_flight, hash))
    return;
  st->last_unknown = *hash;
  st->have_last_unknown = TRUE;
  umk_chainstate_lock (cs);
  UmkBlockIndex *best = umk_chainstate_best_header (cs);
  if (send_getheaders_from (pm, st, best))
    UMK_LOG_DEBUG (UMK_LOG_NET, "getheaders (%d) to peer=%" G_GINT64_FORMAT, best->height,
                   st->peer->id);
  umk_chainstate_unlock (cs);
}

/* ---- blocks in flight ----------------------------------------------------------- */

static InFlight *
find_in_flight (PeerState *st, const UmkUint256 *hash, GList **link)
{
  for (GList *l = st->in_flight.head; l != NULL; l = l->next)
    {
      InFlight *f = l->data;
      if (uint256_equal (&f->hash, hash))
        {
          if (link != NULL)
            *link = l;
          return f;
        }
    }
  return NULL;
}

static PeerState *
state_by_id (UmkPeerManager *pm, int64_t id)
{
  return g_hash_table_lookup (pm->states, &id);
}

static void
block_requested (UmkPeerManager *pm, PeerState *st, UmkBlockIndex *index, gint64 now)
{
  InFlight *f = g_new0 (InFlight, 1);
  f->hash = index->hash;
  f->index = index;
  f->requested_us = now;
  if (g_queue_is_empty (&st->in_flight))
    {
      st->downloading_since_us = MAX (st->downloading_since_us, now);
      pm->n_peers_downloading++;
    }
  g_queue_push_tail (&st->in_flight, f);
  /* The value is the requesting peer's id + 1 (never NULL). */
  g_hash_table_replace (pm->blocks_in_flight, uint256_dup (&index->hash),
                        (gpointer) (intptr_t) (st->peer->id + 1));
}

/* Removes hash from st's requests (Core's RemoveBlockRequest). */
static void
remove_block_request (UmkPeerManager *pm, PeerState *st, const UmkUint256 *hash)
{
  GList *link = NULL;
  InFlight *f = find_in_flight (st, hash, &link);
  if (f == NULL)
    return;
  gint64 now = pm_now_us (pm);
  if (link == st->in_flight.head)
    st->downloading_since_us = MAX (st->downloading_since_us, now);
  g_queue_delete_link (&st->in_flight, link);
  g_free (f);
  if (g_queue_is_empty (&st->in_flight))
    pm->n_peers_downloading--;
  st->stalling_since_us = 0;
  gpointer owner = g_hash_table_lookup (pm->blocks_in_flight, hash);
  if (owner != NULL && (int64_t) (intptr_t) owner - 1 == st->peer->id)
    g_hash_table_remove (pm->blocks_in_flight, hash);
}

void
sync_peer_finalize (UmkPeerManager *pm, PeerState *st)
{
  while (!g_queue_is_empty (&st->in_flight))
    {
      InFlight *f = g_queue_peek_head (&st->in_flight);
      UmkUint256 h = f->hash;
      remove_block_request (pm, st, &h);
    }
  if (st->sync_started)
    pm->n_sync_started--;
}

/* ---- headers ------------------------------------------------------------------------ */

/* Core's MaybePunishNodeForBlock. */
static void
punish_for_block (UmkPeerManager *pm, PeerState *st, const UmkBlockValidationState *state,
                  const char *message)
{
  switch (state->result)
    {
    case UMK_BLOCK_RESULT_CONSENSUS:
    case UMK_BLOCK_RESULT_MUTATED:
    case UMK_BLOCK_RESULT_INVALID_HEADER:
    case UMK_BLOCK_RESULT_INVALID_PREV:
    case UMK_BLOCK_RESULT_MISSING_PREV:
      misbehaving (pm, st, message);
      return;
    case UMK_BLOCK_RESULT_CACHED_INVALID:
      if (!st->peer->inbound)
        {
          misbehaving (pm, st, message);
          return;
        }
      break;
    default:
      break;
    }
  UMK_LOG_DEBUG (UMK_LOG_NET, "peer=%" G_GINT64_FORMAT ": %s", st->peer->id, message);
}

/* The total work of a run of headers on top of start. */
static void
headers_work (const UmkBlockIndex *start, const UmkBlockHeader *h, size_t n, UmkArith256 *out)
{
  *out = start->chain_work;
  for (size_t i = 0; i < n; i++)
    {
      UmkArith256 proof;
      umk_arith256_work_from_bits (&proof, h[i].bits);
      umk_arith256_add (out, out, &proof);
    }
}

/* Core's GetAntiDoSWorkThreshold: the minimum chain work, or the work of
 * our tip less 144 blocks, whichever is more (lock held). */
static void
anti_dos_threshold (UmkPeerManager *pm, UmkArith256 *out)
{
  UmkChainstate *cs = cs_of (pm);
  umk_chainstate_minimum_work (cs, out);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  if (tip == NULL)
    return;
  UmkArith256 proof, k144, near;
  umk_arith256_work_from_bits (&proof, tip->bits);
  memset (&k144, 0, sizeof k144);
  /* 144 × proof by shifts and adds (128 + 16). */
  UmkArith256 a, b;
  umk_arith256_shl (&a, &proof, 7);
  umk_arith256_shl (&b, &proof, 4);
  umk_arith256_add (&k144, &a, &b);
  if (umk_arith256_cmp (&k144, &tip->chain_work) > 0)
    k144 = tip->chain_work;
  umk_arith256_sub (&near, &tip->chain_work, &k144);
  if (umk_arith256_cmp (&near, out) > 0)
    *out = near;
}

/* Whether index is an ancestor of our best header or tip (Core's
 * IsAncestorOfBestHeaderOrTip; lock held). */
static gboolean
ancestor_of_best (UmkPeerManager *pm, UmkBlockIndex *index)
{
  if (index == NULL)
    return FALSE;
  UmkChainstate *cs = cs_of (pm);
  UmkBlockIndex *best = umk_chainstate_best_header (cs);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  return (best != NULL && umk_block_index_get_ancestor (best, index->height) == index)
         || (tip != NULL && umk_block_index_get_ancestor (tip, index->height) == index);
}

/* Core's HeadersDirectFetchBlocks: a headers announcement near our tip is
 * followed by the blocks themselves at once (lock held). */
static void
direct_fetch (UmkPeerManager *pm, PeerState *st, UmkBlockIndex *last)
{
  UmkChainstate *cs = cs_of (pm);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  const UmkChainParams *params = pm->node->params;
  /* Core's CanDirectFetch: our tip is within 20 block intervals of now. */
  gint64 now = pm_now_us (pm) / G_USEC_PER_SEC;
  if ((int64_t) tip->time <= now - 20 * params->consensus.pow_target_spacing)
    return;
  if (umk_arith256_cmp (&last->chain_work, &tip->chain_work) <= 0)
    return;
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  GPtrArray *to_fetch = g_ptr_array_new ();
  UmkBlockIndex *walk = last;
  while (walk != NULL && !umk_active_chain_contains (chain, walk)
         && to_fetch->len <= MAX_BLOCKS_IN_TRANSIT_PER_PEER)
    {
      if (!(walk->status & UMK_BLOCK_HAVE_DATA)
          && !g_hash_table_contains (pm->blocks_in_flight, &walk->hash))
        g_ptr_array_add (to_fetch, walk);
      walk = walk->prev;
    }
  if (walk == NULL || !umk_active_chain_contains (chain, walk))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "Large reorg, won't direct fetch to %s (%d)",
                     "the announced block", last->height);
      g_ptr_array_unref (to_fetch);
      return;
    }
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  gint64 now_us = pm_now_us (pm);
  for (guint i = to_fetch->len; i > 0; i--)
    {
      if (g_queue_get_length (&st->in_flight) >= MAX_BLOCKS_IN_TRANSIT_PER_PEER)
        break;
      UmkBlockIndex *index = to_fetch->pdata[i - 1];
      UmkInv inv = { UMK_INV_WITNESS_BLOCK, index->hash };
      g_array_append_val (invs, inv);
      block_requested (pm, st, index, now_us);
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Requesting block %s from peer=%" G_GINT64_FORMAT " (direct fetch)",
                     HASH_HEX (&index->hash), st->peer->id);
    }
  g_ptr_array_unref (to_fetch);
  if (invs->len > 0)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_inv_msg_write (w, (UmkInv *) invs->data, invs->len);
      push (pm, st->peer, UMK_MSG_GETDATA, w);
    }
}

/* Stores headers that passed the checks (and presync), then asks for more
 * or for the blocks. */
static void
accept_headers (UmkPeerManager *pm, PeerState *st, const UmkBlockHeader *headers, size_t n,
                gboolean full, gboolean have_presync)
{
  UmkChainstate *cs = cs_of (pm);
  umk_chainstate_lock (cs);
  UmkUint256 last_hash;
  umk_block_header_hash (&headers[n - 1], &last_hash);
  gboolean new_header = umk_chainstate_lookup (cs, &last_hash) == NULL;
  UmkBlockIndex *last = NULL;
  UmkBlockValidationState state;
  if (!umk_chainstate_process_headers (cs, headers, n, &state, &last))
    {
      umk_chainstate_unlock (cs);
      if (state.result == UMK_BLOCK_RESULT_CACHED_INVALID && !st->peer->inbound)
        umk_log_warning ("%s (received from peer=%" G_GINT64_FORMAT
                         "). If this happens with all peers, consider database corruption "
                         "(that -reindex may fix) or a potential consensus incompatibility.",
                         state.debug_message, st->peer->id);
      punish_for_block (pm, st, &state, "invalid header received");
      return;
    }
  if (new_header)
    {
      if (pm_ibd (pm))
        UMK_LOG_DEBUG (UMK_LOG_VALIDATION,
                       "Saw new header hash=%s height=%d peer=%" G_GINT64_FORMAT,
                       HASH_HEX (&last->hash), last->height, st->peer->id);
      else
        {
          g_autofree char *hex = umk_uint256_to_hex (&last->hash);
          umk_log_info ("Saw new header hash=%s height=%d peer=%" G_GINT64_FORMAT, hex,
                        last->height, st->peer->id);
        }
    }
  if (full && !have_presync)
    {
      if (send_getheaders_from (pm, st, last))
        UMK_LOG_DEBUG (UMK_LOG_NET,
                       "more getheaders (%d) to end to peer=%" G_GINT64_FORMAT " (startheight:%d)",
                       last->height, st->peer->id, st->starting_height);
    }
  update_best_known (st, last);
  direct_fetch (pm, st, last);
  umk_chainstate_unlock (cs);
}

/* Core's m_headers_presync_bestpeer: of the peers pre-syncing, the one with
 * the most work reports its progress to validation (the log line and the
 * app's HeaderPresyncChanged); a peer behind it stays quiet. */
static void
report_presync (UmkPeerManager *pm, PeerState *st)
{
  if (st->presync == NULL || umk_headers_sync_phase (st->presync) != UMK_HEADERS_SYNC_PRESYNC)
    return;
  const UmkArith256 *work = umk_headers_sync_presync_work (st->presync);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pm->states);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      PeerState *other = value;
      if (other != st && other->presync != NULL
          && umk_arith256_cmp (umk_headers_sync_presync_work (other->presync), work) > 0)
        return;
    }
  umk_chainstate_report_headers_presync (cs_of (pm), umk_headers_sync_presync_height (st->presync),
                                         umk_headers_sync_presync_time (st->presync));
}

/* Feeds one headers message to the peer's pre-sync, asks for the next
 * batch when it wants one, and ends the sync when it is over. Returns: the
 * headers it released to be stored, or NULL for none. */
static GArray *
presync_step (UmkPeerManager *pm, PeerState *st, const UmkBlockHeader *h, size_t n, gboolean full)
{
  UmkHeadersSyncResult r;
  umk_headers_sync_process (st->presync, h, n, full, &r);
  if (r.request_more)
    {
      g_autoptr (GArray) locator = umk_headers_sync_next_locator (st->presync);
      st->last_getheaders_us = 0;
      (void) maybe_send_getheaders (pm, st, locator);
    }
  if (umk_headers_sync_phase (st->presync) == UMK_HEADERS_SYNC_FINAL)
    {
      g_clear_pointer (&st->presync, umk_headers_sync_free);
      /* getpeerinfo shows the pre-sync over before any of its headers is
       * stored, as in Core (the stats are otherwise published after the
       * message). */
      publish_stats (pm, st);
    }
  else
    report_presync (pm, st);
  GArray *released = g_steal_pointer (&r.pow_validated_headers);
  umk_headers_sync_result_clear (&r);
  if (released != NULL && released->len == 0)
    g_clear_pointer (&released, g_array_unref);
  return released;
}

void
sync_on_headers (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  g_autoptr (GArray) headers = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  g_autoptr (GError) error = NULL;
  if (!umk_headers_msg_read (p, len, headers, &error))
    {
      if (g_error_matches (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT))
        misbehaving (pm, st, error->message);
      return;
    }
  size_t n = headers->len;
  gboolean full = n == UMK_MAX_HEADERS_RESULTS;
  if (n == 0)
    {
      g_clear_pointer (&st->presync, umk_headers_sync_free);
      st->last_getheaders_us = 0;
      return;
    }
  const UmkBlockHeader *h = (const UmkBlockHeader *) headers->data;
  /* Core's CheckHeadersPoW: every header meets its own target, and they
   * form one chain. */
  const UmkChainParams *params = pm->node->params;
  UmkUint256 prev_hash = { { 0 } };
  for (size_t i = 0; i < n; i++)
    {
      UmkUint256 hash;
      umk_block_header_hash (&h[i], &hash);
      if (!umk_pow_check (&hash, h[i].bits, &params->consensus))
        {
          misbehaving (pm, st, "header with invalid proof of work");
          return;
        }
      if (i > 0 && !uint256_equal (&h[i].prev_block, &prev_hash))
        {
          misbehaving (pm, st, "non-continuous headers sequence");
          return;
        }
      prev_hash = hash;
    }

  UmkChainstate *cs = cs_of (pm);
  /* A pre-sync in progress with this peer takes what continues it. */
  gboolean validated_work = FALSE;
  g_autoptr (GArray) released = NULL;
  if (st->presync != NULL)
    {
      released = presync_step (pm, st, h, n, full);
      if (released == NULL)
        return;
      h = (const UmkBlockHeader *) released->data;
      n = released->len;
      validated_work = TRUE;
    }

  umk_chainstate_lock (cs);
  UmkBlockIndex *chain_start = umk_chainstate_lookup (cs, &h[0].prev_block);
  if (chain_start == NULL)
    {
      /* Core's HandleUnconnectingHeaders: ask from our best header. */
      UmkBlockIndex *best = umk_chainstate_best_header (cs);
      if (send_getheaders_from (pm, st, best))
        UMK_LOG_DEBUG (UMK_LOG_NET,
                       "received header: missing prev block, sending getheaders (%d) to end "
                       "(peer=%" G_GINT64_FORMAT ")",
                       best->height, st->peer->id);
      umk_block_header_hash (&h[n - 1], &st->last_unknown);
      st->have_last_unknown = TRUE;
      umk_chainstate_unlock (cs);
      return;
    }
  st->last_getheaders_us = 0;
  UmkUint256 last_hash;
  umk_block_header_hash (&h[n - 1], &last_hash);
  validated_work = validated_work || ancestor_of_best (pm, umk_chainstate_lookup (cs, &last_hash))
                   || umk_perm_has (st->peer->permissions, UMK_PERM_NOBAN);
  if (!validated_work)
    {
      /* Core's TryLowWorkHeadersSync. */
      UmkArith256 work, threshold;
      headers_work (chain_start, h, n, &work);
      anti_dos_threshold (pm, &threshold);
      if (umk_arith256_cmp (&work, &threshold) < 0)
        {
          if (full)
            {
              g_clear_pointer (&st->presync, umk_headers_sync_free);
              st->presync = umk_headers_sync_new_at (st->peer->id, params, chain_start, &threshold,
                                                     pm_now_us (pm) / G_USEC_PER_SEC);
              umk_chainstate_unlock (cs);
              /* The first message cannot release anything: with enough
               * work it would not have needed a pre-sync. */
              g_autoptr (GArray) none = presync_step (pm, st, h, n, full);
              return;
            }
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Ignoring low-work chain (height=%d) from peer=%" G_GINT64_FORMAT,
                         chain_start->height + (int) n, st->peer->id);
          umk_chainstate_unlock (cs);
          return;
        }
    }
  umk_chainstate_unlock (cs);
  accept_headers (pm, st, h, n, full, st->presync != NULL);
}

/* ---- blocks ---------------------------------------------------------------------------- */

void
sync_on_block (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  g_autoptr (GError) error = NULL;
  UmkBlock *block = umk_block_msg_read (payload, &error);
  if (block == NULL)
    {
      UMK_LOG_DEBUG (
          UMK_LOG_NET,
          "ProcessMessages(block, %zu bytes): Exception '%s' caught, peer=%" G_GINT64_FORMAT,
          g_bytes_get_size (payload), error->message, st->peer->id);
      return;
    }
  UmkUint256 hash;
  umk_block_header_hash (&block->header, &hash);
  UMK_LOG_DEBUG (UMK_LOG_NET, "received block %s peer=%" G_GINT64_FORMAT, HASH_HEX (&hash),
                 st->peer->id);
  /* Requested from this peer: processed even if it does not look best
   * (Core's force_processing). */
  gboolean requested = find_in_flight (st, &hash, NULL) != NULL;
  remove_block_request (pm, st, &hash);
  if (requested && pm->stalling_timeout_us > STALLING_TIMEOUT_DEFAULT_US)
    {
      /* A block arrived: the stalling timeout shrinks back (Core: 15%). */
      pm->stalling_timeout_us
          = MAX (STALLING_TIMEOUT_DEFAULT_US, pm->stalling_timeout_us * 85 / 100);
    }
  UmkBlockValidationState state;
  umk_block_state_init (&state);
  gboolean new_block = FALSE, checked = FALSE;
  (void) umk_chainstate_process_block (cs_of (pm), block, requested, &new_block, &state, &checked);
  if (new_block)
    {
      st->last_block_time = pm_now_us (pm) / G_USEC_PER_SEC;
      st->peer->last_block_time = st->last_block_time;
    }
  if (state.result != UMK_BLOCK_RESULT_UNSET)
    punish_for_block (pm, st, &state,
                      state.reject_reason[0] != '\0' ? state.reject_reason : "invalid block");
  else
    {
      UmkChainstate *cs = cs_of (pm);
      umk_chainstate_lock (cs);
      update_best_known (st, umk_chainstate_lookup (cs, &hash));
      umk_chainstate_unlock (cs);
    }
  umk_block_free (block);
}

/* Core's FindForkInGlobalIndex (lock held). */
static UmkBlockIndex *
find_fork (UmkPeerManager *pm, const GArray *locator)
{
  UmkChainstate *cs = cs_of (pm);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (chain);
  for (guint i = 0; i < locator->len; i++)
    {
      UmkBlockIndex *index = umk_chainstate_lookup (cs, &g_array_index (locator, UmkUint256, i));
      if (index == NULL)
        continue;
      if (umk_active_chain_contains (chain, index))
        return index;
      if (umk_block_index_get_ancestor (index, umk_active_chain_height (chain)) == tip)
        return tip;
    }
  return umk_active_chain_at (chain, 0);
}

/* Reads a getheaders or getblocks payload. A locator over the limit drops
 * the peer (Core); a malformed payload is only dropped. */
static gboolean
read_locator (UmkPeerManager *pm, PeerState *st, GBytes *payload, const char *what,
              UmkLocatorMsg *m)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (payload, &len);
  g_autoptr (GError) error = NULL;
  if (umk_locator_msg_read (p, len, what, m, &error))
    return TRUE;
  if (g_error_matches (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT))
    umk_connman_disconnect (pm->cm, st->peer, error->message);
  return FALSE;
}

void
sync_on_getheaders (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  UmkLocatorMsg m;
  if (!read_locator (pm, st, payload, "getheaders", &m))
    return;
  UmkChainstate *cs = cs_of (pm);
  if (umk_chainstate_importing (cs) || umk_chainstate_reindexing (cs))
    {
      umk_locator_msg_clear (&m);
      return;
    }
  umk_chainstate_lock (cs);
  /* Below the minimum chain work we serve nothing: an empty answer tells the
   * peer to go elsewhere without looking unresponsive (Core). */
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  UmkArith256 min_work;
  umk_chainstate_minimum_work (cs, &min_work);
  if (tip == NULL
      || (umk_arith256_cmp (&tip->chain_work, &min_work) < 0
          && !umk_perm_has (st->peer->permissions, UMK_PERM_DOWNLOAD)))
    {
      umk_chainstate_unlock (cs);
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Ignoring getheaders from peer=%" G_GINT64_FORMAT
                     " because active chain has too little work; sending empty response",
                     st->peer->id);
      g_autoptr (GByteArray) empty = g_byte_array_new ();
      umk_headers_msg_write (empty, NULL, 0);
      push (pm, st->peer, UMK_MSG_HEADERS, empty);
      umk_locator_msg_clear (&m);
      return;
    }
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  UmkBlockIndex *index;
  if (m.locator->len == 0)
    {
      index = umk_chainstate_lookup (cs, &m.hash_stop);
      if (index == NULL || !umk_active_chain_contains (chain, index))
        {
          umk_chainstate_unlock (cs);
          umk_locator_msg_clear (&m);
          return;
        }
    }
  else
    {
      index = find_fork (pm, m.locator);
      if (index != NULL)
        index = umk_active_chain_next (chain, index);
    }
  g_autoptr (GArray) headers = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  UmkBlockIndex *last = NULL;
  for (; index != NULL; index = umk_active_chain_next (chain, index))
    {
      UmkBlockHeader hdr;
      umk_block_index_header (index, &hdr);
      g_array_append_val (headers, hdr);
      last = index;
      if (headers->len >= UMK_MAX_HEADERS_RESULTS || uint256_equal (&index->hash, &m.hash_stop))
        break;
    }
  /* Nothing sent means the peer has our tip: either way it knows it now. */
  st->best_header_sent = last != NULL ? last : umk_active_chain_tip (chain);
  umk_chainstate_unlock (cs);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_headers_msg_write (w, (UmkBlockHeader *) headers->data, headers->len);
  push (pm, st->peer, UMK_MSG_HEADERS, w);
  umk_locator_msg_clear (&m);
}

void
sync_on_getblocks (UmkPeerManager *pm, PeerState *st, GBytes *payload)
{
  UmkLocatorMsg m;
  if (!read_locator (pm, st, payload, "getblocks", &m))
    return;
  UmkChainstate *cs = cs_of (pm);
  umk_chainstate_lock (cs);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  UmkBlockIndex *index = find_fork (pm, m.locator);
  if (index != NULL)
    index = umk_active_chain_next (chain, index);
  g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  for (; index != NULL && invs->len < MAX_GETBLOCKS_RESULTS;
       index = umk_active_chain_next (chain, index))
    {
      if (uint256_equal (&index->hash, &m.hash_stop))
        break;
      UmkInv inv = { UMK_INV_BLOCK, index->hash };
      g_array_append_val (invs, inv);
    }
  umk_chainstate_unlock (cs);
  if (invs->len > 0)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_inv_msg_write (w, (UmkInv *) invs->data, invs->len);
      push (pm, st->peer, UMK_MSG_INV, w);
    }
  umk_locator_msg_clear (&m);
}

/* A block without its witnesses (getdata MSG_BLOCK from old peers). */
static GByteArray *
strip_witness (GBytes *raw, GError **error)
{
  UmkBlock *block = umk_block_msg_read (raw, error);
  if (block == NULL)
    return NULL;
  GByteArray *w = g_byte_array_new ();
  umk_block_header_write (&block->header, w);
  umk_write_compact_size (w, block->n_tx);
  for (size_t i = 0; i < block->n_tx; i++)
    umk_tx_write (block->tx[i], w, false);
  umk_block_free (block);
  return w;
}

gboolean
sync_serve_block (UmkPeerManager *pm, PeerState *st, const UmkInv *inv)
{
  UmkChainstate *cs = cs_of (pm);
  umk_chainstate_lock (cs);
  UmkBlockIndex *index = umk_chainstate_lookup (cs, &inv->hash);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  gboolean allowed = index != NULL && (index->status & UMK_BLOCK_HAVE_DATA);
  if (allowed && !umk_active_chain_contains (chain, index))
    {
      /* Core's BlockRequestAllowed: blocks off our chain only if fully
       * valid and recent (no fingerprinting with stale blocks). */
      UmkBlockIndex *best = umk_chainstate_best_header (cs);
      allowed = umk_block_index_is_valid (index, UMK_BLOCK_VALID_SCRIPTS) && best != NULL
                && (int64_t) best->time - (int64_t) index->time < STALE_RELAY_AGE_LIMIT_S;
    }
  if (allowed && umk_chainstate_pruned (cs) && !umk_perm_has (st->peer->permissions, UMK_PERM_NOBAN)
      && umk_active_chain_height (chain) - index->height > NODE_NETWORK_LIMITED_MIN_BLOCKS + 2)
    {
      umk_chainstate_unlock (cs);
      umk_connman_disconnect (pm->cm, st->peer,
                              "Ignore block request below NODE_NETWORK_LIMITED threshold");
      return FALSE;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) raw = allowed ? umk_chainstate_read_block_bytes (cs, index, &error) : NULL;
  umk_chainstate_unlock (cs);
  if (raw == NULL)
    {
      if (allowed)
        UMK_LOG_DEBUG (UMK_LOG_NET, "Cannot load block from disk: %s", error->message);
      return FALSE;
    }
  gboolean witness = (inv->type & UMK_INV_WITNESS_FLAG) != 0
                     || (inv->type & UMK_INV_TYPE_MASK) == UMK_INV_CMPCT_BLOCK;
  if (witness)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (raw, &len);
      umk_connman_push_message (pm->cm, st->peer, UMK_MSG_BLOCK, data, len);
    }
  else
    {
      g_autoptr (GByteArray) w = strip_witness (raw, NULL);
      if (w == NULL)
        return FALSE;
      push (pm, st->peer, UMK_MSG_BLOCK, w);
    }
  return TRUE;
}

/* ---- announcements ---------------------------------------------------------------------- */

void
sync_new_blocks (UmkPeerManager *pm, const UmkUint256 *hashes, guint n)
{
  /* Core announces nothing during initial download. */
  if (pm_ibd (pm))
    return;
  guint first = n > MAX_BLOCKS_TO_ANNOUNCE ? n - MAX_BLOCKS_TO_ANNOUNCE : 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pm->states);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      PeerState *st = value;
      g_array_append_vals (st->blocks_to_announce, hashes + first, n - first);
      if (st->blocks_to_announce->len > MAX_BLOCKS_TO_ANNOUNCE)
        g_array_remove_range (st->blocks_to_announce, 0,
                              st->blocks_to_announce->len - MAX_BLOCKS_TO_ANNOUNCE);
    }
}

/* Core's PeerHasHeader (lock held). */
static gboolean
peer_has_header (PeerState *st, UmkBlockIndex *index)
{
  if (st->best_known != NULL
      && umk_block_index_get_ancestor (st->best_known, index->height) == index)
    return TRUE;
  if (st->best_header_sent != NULL
      && umk_block_index_get_ancestor (st->best_header_sent, index->height) == index)
    return TRUE;
  return FALSE;
}

static void
announce_blocks (UmkPeerManager *pm, PeerState *st)
{
  if (st->blocks_to_announce->len == 0)
    return;
  UmkChainstate *cs = cs_of (pm);
  umk_chainstate_lock (cs);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  gboolean revert_to_inv = !st->prefers_headers;
  g_autoptr (GArray) headers = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  UmkBlockIndex *best = NULL;
  gboolean found_start = FALSE;
  for (guint i = 0; i < st->blocks_to_announce->len && !revert_to_inv; i++)
    {
      UmkBlockIndex *index
          = umk_chainstate_lookup (cs, &g_array_index (st->blocks_to_announce, UmkUint256, i));
      if (index == NULL || !umk_active_chain_contains (chain, index)
          || (best != NULL && index->prev != best))
        {
          revert_to_inv = TRUE;
          break;
        }
      best = index;
      UmkBlockHeader hdr;
      umk_block_index_header (index, &hdr);
      if (found_start)
        g_array_append_val (headers, hdr);
      else if (peer_has_header (st, index))
        continue;
      else if (index->prev == NULL || peer_has_header (st, index->prev))
        {
          found_start = TRUE;
          g_array_append_val (headers, hdr);
        }
      else
        revert_to_inv = TRUE;
    }
  if (!revert_to_inv && headers->len > 0)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_headers_msg_write (w, (UmkBlockHeader *) headers->data, headers->len);
      push (pm, st->peer, UMK_MSG_HEADERS, w);
      st->best_header_sent = best;
    }
  else if (revert_to_inv || headers->len == 0)
    {
      /* Fall back to an inv of the tip, unless the peer has it. */
      UmkUint256 *last
          = &g_array_index (st->blocks_to_announce, UmkUint256, st->blocks_to_announce->len - 1);
      UmkBlockIndex *index = umk_chainstate_lookup (cs, last);
      if (index != NULL && !peer_has_header (st, index) && (revert_to_inv || !st->prefers_headers))
        {
          UmkInv inv = { UMK_INV_BLOCK, *last };
          g_autoptr (GByteArray) w = g_byte_array_new ();
          umk_inv_msg_write (w, &inv, 1);
          push (pm, st->peer, UMK_MSG_INV, w);
          g_hash_table_add (st->known_inv, uint256_dup (last));
        }
    }
  umk_chainstate_unlock (cs);
  g_array_set_size (st->blocks_to_announce, 0);
}

/* ---- SendMessages: sync and downloads --------------------------------------------------- */

/* Core's FindNextBlocksToDownload (lock held). */
static void
find_next_blocks (UmkPeerManager *pm, PeerState *st, guint count, GPtrArray *out, int64_t *staller)
{
  UmkChainstate *cs = cs_of (pm);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  UmkBlockIndex *tip = umk_active_chain_tip (chain);
  process_block_availability (pm, st);
  UmkArith256 min_work;
  umk_chainstate_minimum_work (cs, &min_work);
  if (st->best_known == NULL || umk_arith256_cmp (&st->best_known->chain_work, &tip->chain_work) < 0
      || umk_arith256_cmp (&st->best_known->chain_work, &min_work) < 0)
    return;
  if (st->last_common == NULL)
    st->last_common = umk_active_chain_at (
        chain, MIN (st->best_known->height, umk_active_chain_height (chain)));
  st->last_common = umk_block_index_last_common_ancestor (st->last_common, st->best_known);
  if (st->last_common == st->best_known)
    return;
  UmkBlockIndex *walk = st->last_common;
  int window_end = st->last_common->height + BLOCK_DOWNLOAD_WINDOW;
  int max_height = MIN (st->best_known->height, window_end + 1);
  int64_t waiting_for = -1;
  gboolean limited = is_limited_peer (st);
  while (walk->height < max_height)
    {
      int n_fetch = MIN (max_height - walk->height, (int) MAX (count - out->len, 128u));
      UmkBlockIndex *end = umk_block_index_get_ancestor (st->best_known, walk->height + n_fetch);
      g_autofree UmkBlockIndex **run = g_new (UmkBlockIndex *, n_fetch);
      run[n_fetch - 1] = end;
      for (int i = n_fetch - 1; i > 0; i--)
        run[i - 1] = run[i]->prev;
      walk = end;
      for (int i = 0; i < n_fetch; i++)
        {
          UmkBlockIndex *index = run[i];
          if (!umk_block_index_is_valid (index, UMK_BLOCK_VALID_TREE))
            return;
          if ((index->status & UMK_BLOCK_HAVE_DATA) || umk_active_chain_contains (chain, index))
            {
              if (index->chain_tx != 0)
                st->last_common = index;
              continue;
            }
          gpointer owner = g_hash_table_lookup (pm->blocks_in_flight, &index->hash);
          if (owner != NULL)
            {
              if (waiting_for == -1)
                waiting_for = (int64_t) (intptr_t) owner - 1;
              continue;
            }
          if (index->height > window_end)
            {
              if (out->len == 0 && waiting_for != st->peer->id)
                *staller = waiting_for;
              return;
            }
          if (limited
              && st->best_known->height - index->height >= NODE_NETWORK_LIMITED_MIN_BLOCKS - 2)
            continue;
          g_ptr_array_add (out, index);
          if (out->len == count)
            return;
        }
    }
}

void
sync_send (UmkPeerManager *pm, PeerState *st, gint64 now)
{
  UmkPeer *peer = st->peer;
  UmkChainstate *cs = cs_of (pm);
  gboolean ibd = pm_ibd (pm);
  gboolean sync_from
      = st->preferred_download
        || (can_serve_blocks (st) && peer->conn_type != UMK_CONN_ADDR_FETCH
            && (pm->n_preferred_download == 0 || g_hash_table_size (pm->blocks_in_flight) == 0));

  umk_chainstate_lock (cs);
  /* Start headers sync: with one peer while the best header is old, with
   * every peer once it is recent. */
  UmkBlockIndex *best = umk_chainstate_best_header (cs);
  if (!st->sync_started && can_serve_blocks (st) && !umk_chainstate_importing (cs)
      && !umk_chainstate_reindexing (cs))
    {
      gboolean recent = (int64_t) best->time > now / G_USEC_PER_SEC - 24 * 3600;
      if ((pm->n_sync_started == 0 && sync_from) || recent)
        {
          UmkBlockIndex *start = best->prev != NULL ? best->prev : best;
          if (send_getheaders_from (pm, st, start))
            {
              UMK_LOG_DEBUG (UMK_LOG_NET,
                             "initial getheaders (%d) to peer=%" G_GINT64_FORMAT
                             " (startheight:%d)",
                             start->height, peer->id, st->starting_height);
              st->sync_started = TRUE;
              int64_t behind = MAX (0, now / G_USEC_PER_SEC - (int64_t) best->time);
              st->headers_sync_timeout_us
                  = now + HEADERS_DOWNLOAD_TIMEOUT_BASE_US
                    + HEADERS_DOWNLOAD_TIMEOUT_PER_HEADER_US * behind
                          / MAX (1, pm->node->params->consensus.pow_target_spacing);
              pm->n_sync_started++;
            }
        }
    }
  umk_chainstate_unlock (cs);

  announce_blocks (pm, st);
  if (umk_peer_disconnecting (peer))
    return;

  /* Blocks to request. */
  if ((sync_from && !is_limited_peer (st)) || !ibd)
    {
      guint in_flight = g_queue_get_length (&st->in_flight);
      if (in_flight < MAX_BLOCKS_IN_TRANSIT_PER_PEER && can_serve_blocks (st))
        {
          g_autoptr (GPtrArray) fetch = g_ptr_array_new ();
          int64_t staller = -1;
          umk_chainstate_lock (cs);
          find_next_blocks (pm, st, MAX_BLOCKS_IN_TRANSIT_PER_PEER - in_flight, fetch, &staller);
          g_autoptr (GArray) invs = g_array_new (FALSE, FALSE, sizeof (UmkInv));
          for (guint i = 0; i < fetch->len; i++)
            {
              UmkBlockIndex *index = fetch->pdata[i];
              UmkInv inv = { UMK_INV_WITNESS_BLOCK, index->hash };
              g_array_append_val (invs, inv);
              block_requested (pm, st, index, now);
              UMK_LOG_DEBUG (UMK_LOG_NET, "Requesting block %s (%d) peer=%" G_GINT64_FORMAT,
                             HASH_HEX (&index->hash), index->height, peer->id);
            }
          umk_chainstate_unlock (cs);
          if (invs->len > 0)
            {
              g_autoptr (GByteArray) w = g_byte_array_new ();
              umk_inv_msg_write (w, (UmkInv *) invs->data, invs->len);
              push (pm, peer, UMK_MSG_GETDATA, w);
            }
          if (g_queue_is_empty (&st->in_flight) && staller != -1)
            {
              PeerState *s = state_by_id (pm, staller);
              if (s != NULL && s->stalling_since_us == 0)
                {
                  s->stalling_since_us = now;
                  UMK_LOG_DEBUG (UMK_LOG_NET, "Stall started peer=%" G_GINT64_FORMAT, staller);
                }
            }
        }
    }

  /* A peer that holds back the download window. */
  if (st->stalling_since_us != 0 && st->stalling_since_us < now - pm->stalling_timeout_us)
    {
      umk_log_info ("Peer is stalling block download, disconnecting peer=%" G_GINT64_FORMAT,
                    peer->id);
      umk_connman_disconnect (pm->cm, peer, "stalling block download");
      /* The next staller gets more time: our own bandwidth may be short. */
      pm->stalling_timeout_us = MIN (2 * pm->stalling_timeout_us, STALLING_TIMEOUT_MAX_US);
      return;
    }
  /* A block requested too long ago. */
  if (!g_queue_is_empty (&st->in_flight))
    {
      InFlight *first = g_queue_peek_head (&st->in_flight);
      int others = MAX (0, pm->n_peers_downloading - 1);
      gint64 limit = (gint64) ((double) pm->node->params->consensus.pow_target_spacing
                               * G_USEC_PER_SEC * (1.0 + 0.5 * others));
      if (now > st->downloading_since_us + limit)
        {
          g_autofree char *hex = umk_uint256_to_hex (&first->hash);
          umk_log_info ("Timeout downloading block %s, disconnecting peer=%" G_GINT64_FORMAT, hex,
                        peer->id);
          umk_connman_disconnect (pm->cm, peer, "block download timeout");
          return;
        }
    }
  /* Headers sync that does not progress (only while we are behind). */
  if (st->sync_started && st->headers_sync_timeout_us != G_MAXINT64)
    {
      umk_chainstate_lock (cs);
      UmkBlockIndex *b = umk_chainstate_best_header (cs);
      gboolean old = (int64_t) b->time <= now / G_USEC_PER_SEC - 24 * 3600;
      umk_chainstate_unlock (cs);
      if (!old)
        st->headers_sync_timeout_us = G_MAXINT64;
      else if (now > st->headers_sync_timeout_us && pm->n_sync_started == 1
               && pm->n_preferred_download - st->preferred_download >= 1)
        {
          if (umk_perm_has (peer->permissions, UMK_PERM_NOBAN))
            {
              umk_log_warning ("Timeout downloading headers from noban peer, not disconnecting "
                               "peer=%" G_GINT64_FORMAT,
                               peer->id);
              st->sync_started = FALSE;
              pm->n_sync_started--;
              st->headers_sync_timeout_us = 0;
            }
          else
            {
              umk_log_info ("Timeout downloading headers, disconnecting peer=%" G_GINT64_FORMAT,
                            peer->id);
              umk_connman_disconnect (pm->cm, peer, "headers download timeout");
            }
        }
    }
}
