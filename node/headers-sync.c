/* headers-sync.c — download a low-work peer's headers twice, storing them only
 * the second time (Core's HeadersSyncState; see headers-sync.h).
 *
 * Memory is what bounds an attacker here, so both stores are compact ring
 * buffers: the commitments one bit each, the redownload buffer headers without
 * their prev hash (48 bytes; the chain of hashes is rebuilt on release).
 */
#define G_LOG_DOMAIN "umk-headers-sync"
#include "config.h"

#include "node/headers-sync.h"

#include "common/block-check.h"
#include "common/hash.h"
#include "common/logging.h"
#include "common/pow.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* ---- a queue of bits ------------------------------------------------------ */

typedef struct
{
  guint64 *words;
  size_t n_words; /* 0 or a power of two */
  size_t head;    /* bit index of the front */
  size_t len;     /* bits queued */
} BitQueue;

static bool
bit_queue_get (const BitQueue *q, size_t i)
{
  size_t pos = (q->head + i) & (q->n_words * 64 - 1);
  return (q->words[pos / 64] >> (pos % 64)) & 1;
}

static void
bit_queue_set (BitQueue *q, size_t i, bool bit)
{
  size_t pos = (q->head + i) & (q->n_words * 64 - 1);
  guint64 mask = G_GUINT64_CONSTANT (1) << (pos % 64);
  if (bit)
    q->words[pos / 64] |= mask;
  else
    q->words[pos / 64] &= ~mask;
}

static void
bit_queue_push (BitQueue *q, bool bit)
{
  if (q->len == q->n_words * 64)
    {
      /* Unwrap into a buffer twice the size; each bit is copied O(1) times on
       * average, and the bits stay few (one per commitment period). */
      BitQueue bigger = { .n_words = q->n_words ? q->n_words * 2 : 16 };
      bigger.words = g_new0 (guint64, bigger.n_words);
      for (size_t i = 0; i < q->len; i++)
        bit_queue_set (&bigger, i, bit_queue_get (q, i));
      bigger.len = q->len;
      g_free (q->words);
      *q = bigger;
    }
  q->len++;
  bit_queue_set (q, q->len - 1, bit);
}

static bool
bit_queue_pop (BitQueue *q)
{
  g_assert (q->len > 0);
  bool bit = bit_queue_get (q, 0);
  q->head = (q->head + 1) & (q->n_words * 64 - 1);
  q->len--;
  return bit;
}

static void
bit_queue_clear (BitQueue *q)
{
  g_free (q->words);
  *q = (BitQueue){ 0 };
}

/* ---- a queue of headers without their prev hash ---------------------------- */

typedef struct
{
  int32_t version;
  UmkUint256 merkle_root;
  uint32_t time;
  uint32_t bits;
  uint32_t nonce;
} CompressedHeader;

typedef struct
{
  CompressedHeader *items;
  size_t cap; /* 0 or a power of two */
  size_t head;
  size_t len;
} HeaderQueue;

static CompressedHeader *
header_queue_at (const HeaderQueue *q, size_t i)
{
  return &q->items[(q->head + i) & (q->cap - 1)];
}

static void
header_queue_push (HeaderQueue *q, const UmkBlockHeader *h)
{
  if (q->len == q->cap)
    {
      size_t cap = q->cap ? q->cap * 2 : 256;
      CompressedHeader *items = g_new (CompressedHeader, cap);
      for (size_t i = 0; i < q->len; i++)
        items[i] = *header_queue_at (q, i);
      g_free (q->items);
      q->items = items;
      q->cap = cap;
      q->head = 0;
    }
  CompressedHeader *c = &q->items[(q->head + q->len) & (q->cap - 1)];
  c->version = h->version;
  c->merkle_root = h->merkle_root;
  c->time = h->time;
  c->bits = h->bits;
  c->nonce = h->nonce;
  q->len++;
}

/* Removes the front header, completing it with its prev hash. */
static void
header_queue_pop (HeaderQueue *q, const UmkUint256 *prev, UmkBlockHeader *out)
{
  g_assert (q->len > 0);
  const CompressedHeader *c = header_queue_at (q, 0);
  out->version = c->version;
  out->prev_block = *prev;
  out->merkle_root = c->merkle_root;
  out->time = c->time;
  out->bits = c->bits;
  out->nonce = c->nonce;
  q->head = (q->head + 1) & (q->cap - 1);
  q->len--;
}

static void
header_queue_clear (HeaderQueue *q)
{
  g_free (q->items);
  *q = (HeaderQueue){ 0 };
}

/* ---- the sync --------------------------------------------------------------- */

struct _UmkHeadersSync
{
  int64_t peer_id;
  const UmkConsensusParams *consensus;
  UmkHeadersSyncParams hs_params;
  const UmkBlockIndex *chain_start;
  UmkArith256 minimum_work;
  UmkHeadersSyncPhase phase;

  /* Commitments are made at heights h with h % commitment_period ==
   * commit_offset; the offset and the hash key are secret, so a peer cannot
   * build a cheap second chain that matches the bits it will be checked on. */
  uint64_t salt_k0, salt_k1;
  unsigned commit_offset;
  BitQueue commitments;
  /* The most commitments an honest chain could need (see new_at). */
  uint64_t max_commitments;

  /* PRESYNC: the last header received (at first chain_start's) */
  UmkBlockHeader last_header;
  UmkUint256 last_hash;
  int64_t current_height;
  UmkArith256 current_work;

  /* REDOWNLOAD: headers checked but not released yet */
  HeaderQueue buffer;
  int64_t buffer_last_height;
  UmkUint256 buffer_last_hash;
  uint32_t buffer_last_bits;
  UmkUint256 buffer_first_prev; /* prev hash of the buffer's front */
  UmkArith256 redownload_work;
  /* the redownloaded chain has the minimum work: release everything */
  bool release_all;
};

static bool
commitment_bit (const UmkHeadersSync *s, const UmkUint256 *hash)
{
  return umk_siphash24 (s->salt_k0, s->salt_k1, hash->b, sizeof hash->b) & 1;
}

static void
fill_random (void *buf, size_t len)
{
  size_t done = 0;
  while (done < len)
    {
      ssize_t n = getrandom ((char *) buf + done, len - done, 0);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          g_error ("getrandom: %s", g_strerror (errno));
        }
      done += (size_t) n;
    }
}

UmkHeadersSync *
umk_headers_sync_new (int64_t peer_id, const UmkChainParams *params,
                      const UmkBlockIndex *chain_start, const UmkArith256 *minimum_work)
{
  return umk_headers_sync_new_at (peer_id, params, chain_start, minimum_work,
                                  g_get_real_time () / G_USEC_PER_SEC);
}

UmkHeadersSync *
umk_headers_sync_new_at (int64_t peer_id, const UmkChainParams *params,
                         const UmkBlockIndex *chain_start, const UmkArith256 *minimum_work,
                         int64_t now)
{
  g_return_val_if_fail (params != NULL && chain_start != NULL && minimum_work != NULL, NULL);
  g_return_val_if_fail (params->headers_sync.commitment_period > 0, NULL);

  UmkHeadersSync *s = g_new0 (UmkHeadersSync, 1);
  s->peer_id = peer_id;
  s->consensus = &params->consensus;
  s->hs_params = params->headers_sync;
  s->chain_start = chain_start;
  s->minimum_work = *minimum_work;
  s->phase = UMK_HEADERS_SYNC_PRESYNC;

  uint64_t rnd[3];
  fill_random (rnd, sizeof rnd);
  s->salt_k0 = rnd[0];
  s->salt_k1 = rnd[1];
  /* The modulo bias (at most period / 2^64) is of no use to anyone. */
  s->commit_offset = (unsigned) (rnd[2] % s->hs_params.commitment_period);

  umk_block_index_header (chain_start, &s->last_header);
  s->last_hash = chain_start->hash;
  s->current_height = chain_start->height;
  s->current_work = chain_start->chain_work;

  /* No valid chain can have more blocks after chain_start than six a second
   * (the median-time-past rule lets time advance one second every six
   * blocks) from chain_start's median time past until the latest time a block
   * may carry now. A longer chain may be honest later, not now. As in Core,
   * a clock before that time wraps to a practically unbounded limit. */
  int64_t seconds
      = now - umk_block_index_median_time_past (chain_start) + UMK_MAX_FUTURE_BLOCK_TIME;
  s->max_commitments = (uint64_t) seconds * 6 / s->hs_params.commitment_period;

  if (umk_log_will_log (UMK_LOG_NET, UMK_LOG_LEVEL_DEBUG))
    {
      UmkUint256 w;
      char hex[UMK_UINT256_HEX_SIZE];
      umk_arith256_to_uint256 (&w, minimum_work);
      umk_uint256_to_hex_buf (&w, hex);
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync started with peer=%" G_GINT64_FORMAT
                     ": height=%" G_GINT64_FORMAT ", max_commitments=%" G_GUINT64_FORMAT
                     ", min_work=%s",
                     peer_id, s->current_height, s->max_commitments, hex);
    }
  return s;
}

void
umk_headers_sync_free (UmkHeadersSync *s)
{
  if (s == NULL)
    return;
  bit_queue_clear (&s->commitments);
  header_queue_clear (&s->buffer);
  g_free (s);
}

/* Drops everything the sync holds; the object is spent (the salt must never
 * serve another sync, so it is not reset but retired). */
static void
finalize (UmkHeadersSync *s)
{
  bit_queue_clear (&s->commitments);
  header_queue_clear (&s->buffer);
  memset (&s->last_header, 0, sizeof s->last_header);
  memset (&s->last_hash, 0, sizeof s->last_hash);
  memset (&s->buffer_last_hash, 0, sizeof s->buffer_last_hash);
  memset (&s->buffer_first_prev, 0, sizeof s->buffer_first_prev);
  s->release_all = false;
  s->current_height = 0;
  s->phase = UMK_HEADERS_SYNC_FINAL;
}

/* PRESYNC: one header that follows last_header (hash its block hash). */
static bool
presync_one (UmkHeadersSync *s, const UmkBlockHeader *h, const UmkUint256 *hash)
{
  int64_t height = s->current_height + 1;

  /* A weak attacker's best chance at a high-work chain is to pack the work
   * into few blocks; the retarget limits make that as hard as honest mining. */
  if (!umk_pow_permitted_difficulty_transition (s->consensus, height, s->last_header.bits, h->bits))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                     ": invalid difficulty transition at height=%" G_GINT64_FORMAT
                     " (presync phase)",
                     s->peer_id, height);
      return false;
    }

  if (height % s->hs_params.commitment_period == s->commit_offset)
    {
      bit_queue_push (&s->commitments, commitment_bit (s, hash));
      if (s->commitments.len > s->max_commitments)
        {
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                         ": exceeded max commitments at height=%" G_GINT64_FORMAT
                         " (presync phase)",
                         s->peer_id, height);
          return false;
        }
    }

  UmkArith256 proof;
  umk_arith256_work_from_bits (&proof, h->bits);
  umk_arith256_add (&s->current_work, &s->current_work, &proof);
  s->last_header = *h;
  s->last_hash = *hash;
  s->current_height = height;
  return true;
}

/* Whether h, to be at height, follows prev_hash and meets its own target
 * (the caller checked both already; a header failing here is the caller's
 * error). Core reports a header that does not connect in PRESYNC at the
 * height reached before it (log_height). */
static bool
connects_with_pow (const UmkHeadersSync *s, const UmkBlockHeader *h, const UmkUint256 *prev_hash,
                   const UmkUint256 *hash, int64_t height, int64_t log_height, const char *phase)
{
  if (!umk_uint256_equal (&h->prev_block, prev_hash))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                     ": non-continuous headers at height=%" G_GINT64_FORMAT " (%s phase)",
                     s->peer_id, log_height, phase);
      return false;
    }
  if (!umk_pow_check (hash, h->bits, s->consensus))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                     ": invalid proof of work at height=%" G_GINT64_FORMAT " (%s phase)",
                     s->peer_id, height, phase);
      return false;
    }
  return true;
}

static bool
presync_headers (UmkHeadersSync *s, const UmkBlockHeader *headers, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      UmkUint256 hash;
      umk_block_header_hash (&headers[i], &hash);
      /* A first header that does not connect may be benign (the peer moved
       * to another chain); the sync ends all the same, and a new one may
       * start from a new chain_start. */
      if (!connects_with_pow (s, &headers[i], &s->last_hash, &hash, s->current_height + 1,
                              s->current_height, "presync"))
        return false;
      if (!presync_one (s, &headers[i], &hash))
        return false;
    }

  if (umk_arith256_cmp (&s->current_work, &s->minimum_work) >= 0)
    {
      header_queue_clear (&s->buffer);
      s->buffer_last_height = s->chain_start->height;
      s->buffer_first_prev = s->chain_start->hash;
      s->buffer_last_hash = s->chain_start->hash;
      s->buffer_last_bits = s->chain_start->bits;
      s->redownload_work = s->chain_start->chain_work;
      s->phase = UMK_HEADERS_SYNC_REDOWNLOAD;
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync transition with peer=%" G_GINT64_FORMAT
                     ": reached sufficient work at height=%" G_GINT64_FORMAT
                     ", redownloading from height=%" G_GINT64_FORMAT,
                     s->peer_id, s->current_height, s->buffer_last_height);
    }
  return true;
}

/* REDOWNLOAD: checks one header against the presynced chain and buffers it. */
static bool
redownload_one (UmkHeadersSync *s, const UmkBlockHeader *h)
{
  int64_t height = s->buffer_last_height + 1;
  UmkUint256 hash;
  umk_block_header_hash (h, &hash);
  if (!connects_with_pow (s, h, &s->buffer_last_hash, &hash, height, height, "redownload"))
    return false;

  /* The bits of the header before, which Core takes from the buffer's back
   * (chain_start's when empty); kept apart so a released buffer cannot lose
   * it. */
  if (!umk_pow_permitted_difficulty_transition (s->consensus, height, s->buffer_last_bits, h->bits))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                     ": invalid difficulty transition at height=%" G_GINT64_FORMAT
                     " (redownload phase)",
                     s->peer_id, height);
      return false;
    }

  UmkArith256 proof;
  umk_arith256_work_from_bits (&proof, h->bits);
  umk_arith256_add (&s->redownload_work, &s->redownload_work, &proof);
  if (umk_arith256_cmp (&s->redownload_work, &s->minimum_work) >= 0)
    s->release_all = true;

  /* Past the header that gives the minimum work, commitments are no longer
   * checked: the peer may have extended its chain since the first pass, and
   * running out of bits there is no sign of a different chain. */
  if (!s->release_all && height % s->hs_params.commitment_period == s->commit_offset)
    {
      if (s->commitments.len == 0)
        {
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                         ": commitment overrun at height=%" G_GINT64_FORMAT " (redownload phase)",
                         s->peer_id, height);
          return false;
        }
      bool expected = bit_queue_pop (&s->commitments);
      if (commitment_bit (s, &hash) != expected)
        {
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                         ": commitment mismatch at height=%" G_GINT64_FORMAT " (redownload phase)",
                         s->peer_id, height);
          return false;
        }
    }

  header_queue_push (&s->buffer, h);
  s->buffer_last_height = height;
  s->buffer_last_hash = hash;
  s->buffer_last_bits = h->bits;
  return true;
}

/* Moves the headers that are safe to store into out: those with a full
 * buffer's worth of checked commitments after them, or all once the chain
 * has the minimum work. */
static void
release_ready (UmkHeadersSync *s, GArray *out)
{
  while (s->buffer.len > s->hs_params.redownload_buffer_size
         || (s->buffer.len > 0 && s->release_all))
    {
      UmkBlockHeader h;
      header_queue_pop (&s->buffer, &s->buffer_first_prev, &h);
      g_array_append_val (out, h);
      umk_block_header_hash (&h, &s->buffer_first_prev);
    }
}

void
umk_headers_sync_process (UmkHeadersSync *s, const UmkBlockHeader *headers, size_t n,
                          bool full_message, UmkHeadersSyncResult *out)
{
  g_return_if_fail (s != NULL && out != NULL);
  *out = (UmkHeadersSyncResult){ 0 };
  out->pow_validated_headers = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));

  if (n == 0 || headers == NULL || s->phase == UMK_HEADERS_SYNC_FINAL)
    return;

  if (s->phase == UMK_HEADERS_SYNC_PRESYNC)
    {
      out->success = presync_headers (s, headers, n);
      if (out->success)
        {
          /* After the switch to REDOWNLOAD the peer is asked again from the
           * start, whether or not it has more. */
          if (full_message || s->phase == UMK_HEADERS_SYNC_REDOWNLOAD)
            out->request_more = true;
          else
            UMK_LOG_DEBUG (UMK_LOG_NET,
                           "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                           ": incomplete headers message at height=%" G_GINT64_FORMAT
                           " (presync phase)",
                           s->peer_id, s->current_height);
        }
    }
  else
    {
      out->success = true;
      for (size_t i = 0; i < n; i++)
        if (!redownload_one (s, &headers[i]))
          {
            out->success = false;
            break;
          }

      if (out->success)
        {
          release_ready (s, out->pow_validated_headers);
          if (s->buffer.len == 0 && s->release_all)
            UMK_LOG_DEBUG (UMK_LOG_NET,
                           "Initial headers sync complete with peer=%" G_GINT64_FORMAT
                           ": releasing all at height=%" G_GINT64_FORMAT " (redownload phase)",
                           s->peer_id, s->buffer_last_height);
          else if (full_message)
            out->request_more = true;
          else
            /* The peer showed a chain with enough work but will not serve it
             * again. What was released is still good. */
            UMK_LOG_DEBUG (UMK_LOG_NET,
                           "Initial headers sync aborted with peer=%" G_GINT64_FORMAT
                           ": incomplete headers message at height=%" G_GINT64_FORMAT
                           " (redownload phase)",
                           s->peer_id, s->buffer_last_height);
        }
    }

  if (!(out->success && out->request_more))
    finalize (s);
}

void
umk_headers_sync_result_clear (UmkHeadersSyncResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->pow_validated_headers, g_array_unref);
  result->success = false;
  result->request_more = false;
}

GArray *
umk_headers_sync_next_locator (UmkHeadersSync *s)
{
  GArray *locator = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  g_return_val_if_fail (s != NULL, locator);
  if (s->phase == UMK_HEADERS_SYNC_FINAL)
    return locator;

  if (s->phase == UMK_HEADERS_SYNC_PRESYNC)
    g_array_append_val (locator, s->last_hash);
  else
    g_array_append_val (locator, s->buffer_last_hash);

  /* umk_block_locator only reads the index; it takes a mutable pointer
   * because its walk uses the index's own (mutable) links. */
  g_autoptr (GArray) start = umk_block_locator ((UmkBlockIndex *) s->chain_start);
  g_array_append_vals (locator, start->data, start->len);
  return locator;
}

UmkHeadersSyncPhase
umk_headers_sync_phase (UmkHeadersSync *s)
{
  return s->phase;
}

int64_t
umk_headers_sync_presync_height (UmkHeadersSync *s)
{
  return s->current_height;
}

uint32_t
umk_headers_sync_presync_time (UmkHeadersSync *s)
{
  return s->last_header.time;
}

const UmkArith256 *
umk_headers_sync_presync_work (UmkHeadersSync *s)
{
  return &s->current_work;
}
