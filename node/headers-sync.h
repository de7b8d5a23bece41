/* headers-sync.h — the low-work headers download of Umkoin Core v31.0
 * (headerssync.{h,cpp}: HeadersSyncState).
 *
 * A peer whose headers do not lead to a chain with enough work (the minimum
 * chain work, or our active tip's if that is more) could make us store any
 * number of cheap headers. So such a chain is downloaded twice, and kept in
 * memory only the second time:
 *
 * - PRESYNC: the headers are checked for continuity and for difficulty changes
 *   the consensus rules permit, their work is added up, and for one height in
 *   every commitment_period (a secret offset) one bit of a salted hash of the
 *   header is kept. Nothing else is stored.
 * - REDOWNLOAD: once the work reaches the minimum, the same chain is asked for
 *   again from the start. Each header is checked against the stored bits and
 *   buffered; headers leave the buffer (to be stored by the chainstate) once
 *   redownload_buffer_size headers with checked commitments sit on top of
 *   them, and all of them once the redownloaded chain has the minimum work.
 * - FINAL: done or abandoned; the object only reports its phase.
 *
 * A peer that serves a high-work chain first and a cheap one second fails the
 * commitments; one that serves a chain too long for the time since chain_start
 * (at most six blocks a second, the fastest the median-time rule allows) runs
 * out of commitment space. Either way the memory used stays bounded.
 *
 * Not thread-safe: the message processing holds its own lock around it.
 */
#pragma once

#include "common/block.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct _UmkHeadersSync UmkHeadersSync;

typedef enum
{
  UMK_HEADERS_SYNC_PRESYNC,    /* building commitments; the peer has not shown enough work */
  UMK_HEADERS_SYNC_REDOWNLOAD, /* enough work seen; downloading again and releasing headers */
  UMK_HEADERS_SYNC_FINAL,      /* finished or abandoned: drop the object */
} UmkHeadersSyncPhase;

typedef struct
{
  /* UmkBlockHeader, in chain order: headers on a chain with enough work,
   * to hand to the chainstate (which still checks them fully). The first
   * one's prev_block is chain_start or the last header released before.
   * Never NULL after umk_headers_sync_process(). */
  GArray *pow_validated_headers;
  /* false when the sync was abandoned because of what the peer sent */
  bool success;
  /* ask the peer for more: a getheaders with umk_headers_sync_next_locator() */
  bool request_more;
} UmkHeadersSyncResult;

/* Starts a sync with a peer (peer_id is for the log).
 * chain_start: the last block of the peer's chain we have (an index entry; it
 *   is read, never changed, and must outlive the object: entries never move).
 * minimum_work: the chain work the peer's chain must reach.
 * The commitment period and buffer size are params->headers_sync's, copied
 * now; the consensus parameters are read later, so params must outlive it.
 * The commitment space is bounded by the time since chain_start's median
 * time past by the wall clock; umk_headers_sync_new_at() takes "now" (seconds
 * since the epoch) for a node with a mock time. */
UmkHeadersSync *umk_headers_sync_new (int64_t peer_id, const UmkChainParams *params,
                                      const UmkBlockIndex *chain_start,
                                      const UmkArith256 *minimum_work) G_GNUC_WARN_UNUSED_RESULT;
UmkHeadersSync *umk_headers_sync_new_at (int64_t peer_id, const UmkChainParams *params,
                                         const UmkBlockIndex *chain_start,
                                         const UmkArith256 *minimum_work,
                                         int64_t now) G_GNUC_WARN_UNUSED_RESULT;
void umk_headers_sync_free (UmkHeadersSync *sync);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkHeadersSync, umk_headers_sync_free)

/* Processes the headers of one headers message (Core's ProcessNextHeaders).
 * Each header must follow the one before it, and meet the target of its own
 * bits: the message processing checks both before (and punishes the peer);
 * here a header that does not simply ends the sync.
 * full_message: the message had the maximum number of headers (2000), so the
 *   peer may have more. In PRESYNC a message that is not full means the chain
 *   ended without enough work: the sync ends (successfully, with nothing).
 * out is overwritten (clear it with umk_headers_sync_result_clear()). The sync
 * is FINAL afterwards unless out->success and out->request_more. An empty
 * message, or one after FINAL, is not processed: success false, phase as it
 * was. */
void umk_headers_sync_process (UmkHeadersSync *sync, const UmkBlockHeader *headers, size_t n,
                               bool full_message, UmkHeadersSyncResult *out);
void umk_headers_sync_result_clear (UmkHeadersSyncResult *result);

/* The locator for the next getheaders (Core's NextHeadersRequestLocator): the
 * last header received (PRESYNC) or buffered (REDOWNLOAD; chain_start at its
 * start), then chain_start's own locator. Empty when FINAL.
 * Returns: a new GArray of UmkUint256. */
GArray *umk_headers_sync_next_locator (UmkHeadersSync *sync) G_GNUC_WARN_UNUSED_RESULT;

UmkHeadersSyncPhase umk_headers_sync_phase (UmkHeadersSync *sync);

/* What PRESYNC has reached, for the presync progress the node reports: the
 * height and time of the last header received (0 once FINAL), and the work
 * of the chain up to it (kept after PRESYNC ends). */
int64_t umk_headers_sync_presync_height (UmkHeadersSync *sync);
uint32_t umk_headers_sync_presync_time (UmkHeadersSync *sync);
const UmkArith256 *umk_headers_sync_presync_work (UmkHeadersSync *sync);
