/* chain.c — the block index tree and the active chain. */
#define G_LOG_DOMAIN "umk-chain"
#include "config.h"

#include "common/chain.h"

#include <string.h>

void
umk_block_index_header (const UmkBlockIndex *index, UmkBlockHeader *out)
{
  out->version = index->version;
  if (index->prev != NULL)
    out->prev_block = index->prev->hash;
  else
    memset (&out->prev_block, 0, sizeof out->prev_block);
  out->merkle_root = index->merkle_root;
  out->time = index->time;
  out->bits = index->bits;
  out->nonce = index->nonce;
}

void
umk_block_index_set_header (UmkBlockIndex *index, const UmkBlockHeader *header,
                            const UmkUint256 *hash)
{
  index->hash = *hash;
  index->version = header->version;
  index->merkle_root = header->merkle_root;
  index->time = header->time;
  index->bits = header->bits;
  index->nonce = header->nonce;
}

/* Clears the lowest set bit. */
static inline int
drop_lowest_bit (int n)
{
  return n & (n - 1);
}

/* The height the skip pointer of a block at height points to. Any
 * deterministic choice that jumps far but not too far works; this one (as in
 * Core) makes every get_ancestor walk take O(log n) steps, because from a
 * height the skips and the single steps together descend like a binary
 * counter. */
static int
skip_height (int height)
{
  if (height < 2)
    return 0;
  if (height & 1)
    return drop_lowest_bit (drop_lowest_bit (height - 1)) + 1;
  return drop_lowest_bit (height);
}

void
umk_block_index_link (UmkBlockIndex *index, UmkBlockIndex *prev)
{
  index->prev = prev;
  UmkArith256 work;
  umk_arith256_work_from_bits (&work, index->bits);
  if (prev != NULL)
    {
      index->height = prev->height + 1;
      umk_arith256_add (&index->chain_work, &prev->chain_work, &work);
      index->time_max = MAX (prev->time_max, index->time);
      index->skip = umk_block_index_get_ancestor (prev, skip_height (index->height));
    }
  else
    {
      index->height = 0;
      index->chain_work = work;
      index->time_max = index->time;
      index->skip = NULL;
    }
}

UmkBlockIndex *
umk_block_index_get_ancestor (UmkBlockIndex *index, int height)
{
  if (index == NULL || height > index->height || height < 0)
    return NULL;
  UmkBlockIndex *walk = index;
  int h = index->height;
  while (h > height)
    {
      int h_skip = skip_height (h);
      int h_skip_prev = skip_height (h - 1);
      /* Take the skip unless it overshoots, or unless stepping back one
       * block first would give a better skip that still does not overshoot. */
      if (walk->skip != NULL
          && (h_skip == height
              || (h_skip > height && !(h_skip_prev < h_skip - 2 && h_skip_prev >= height))))
        {
          walk = walk->skip;
          h = h_skip;
        }
      else
        {
          walk = walk->prev;
          h--;
        }
    }
  return walk;
}

static int
cmp_int64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

int64_t
umk_block_index_median_time_past (const UmkBlockIndex *index)
{
  int64_t times[11];
  int n = 0;
  for (const UmkBlockIndex *i = index; i != NULL && n < 11; i = i->prev)
    times[n++] = i->time;
  qsort (times, n, sizeof times[0], cmp_int64);
  return times[n / 2];
}

UmkBlockIndex *
umk_block_index_last_common_ancestor (UmkBlockIndex *a, UmkBlockIndex *b)
{
  if (a == NULL || b == NULL)
    return NULL;
  if (a->height > b->height)
    a = umk_block_index_get_ancestor (a, b->height);
  else if (b->height > a->height)
    b = umk_block_index_get_ancestor (b, a->height);
  while (a != b && a != NULL && b != NULL)
    {
      a = a->prev;
      b = b->prev;
    }
  return a;
}

bool
umk_block_index_raise_validity (UmkBlockIndex *index, UmkBlockStatus upto)
{
  if (index->status & UMK_BLOCK_FAILED_MASK)
    return false;
  if ((index->status & UMK_BLOCK_VALID_MASK) < (uint32_t) upto)
    {
      index->status = (index->status & ~(uint32_t) UMK_BLOCK_VALID_MASK) | (uint32_t) upto;
      return true;
    }
  return false;
}

int
umk_block_index_compare_work (const UmkBlockIndex *a, const UmkBlockIndex *b)
{
  int c = umk_arith256_cmp (&a->chain_work, &b->chain_work);
  if (c != 0)
    return -c;
  if (a->sequence_id != b->sequence_id)
    return a->sequence_id < b->sequence_id ? -1 : 1;
  if (a != b)
    return (uintptr_t) a < (uintptr_t) b ? -1 : 1;
  return 0;
}

/* ---- The active chain ----------------------------------------------------- */

void
umk_active_chain_clear (UmkActiveChain *chain)
{
  g_clear_pointer (&chain->blocks, g_free);
  chain->len = 0;
  chain->alloc = 0;
}

UmkBlockIndex *
umk_active_chain_next (const UmkActiveChain *chain, const UmkBlockIndex *index)
{
  if (!umk_active_chain_contains (chain, index))
    return NULL;
  return umk_active_chain_at (chain, index->height + 1);
}

void
umk_active_chain_set_tip (UmkActiveChain *chain, UmkBlockIndex *tip)
{
  if (tip == NULL)
    {
      chain->len = 0;
      return;
    }
  int len = tip->height + 1;
  if (len > chain->alloc)
    {
      int alloc = MAX (len + len / 2, 1024);
      chain->blocks = g_renew (UmkBlockIndex *, chain->blocks, alloc);
      chain->alloc = alloc;
    }
  int old_len = chain->len;
  chain->len = len;
  for (UmkBlockIndex *i = tip; i != NULL; i = i->prev)
    {
      if (i->height < old_len && chain->blocks[i->height] == i)
        break;
      chain->blocks[i->height] = i;
    }
}

UmkBlockIndex *
umk_active_chain_find_fork (const UmkActiveChain *chain, UmkBlockIndex *index)
{
  if (index == NULL)
    return NULL;
  if (index->height > umk_active_chain_height (chain))
    index = umk_block_index_get_ancestor (index, umk_active_chain_height (chain));
  while (index != NULL && !umk_active_chain_contains (chain, index))
    index = index->prev;
  return index;
}

UmkBlockIndex *
umk_active_chain_find_earliest_at_least (const UmkActiveChain *chain, int64_t time, int height)
{
  /* time_max only grows along a chain, so a binary search finds the first
   * block whose time_max reaches time. */
  int lo = MAX (height, 0), hi = chain->len;
  while (lo < hi)
    {
      int mid = lo + (hi - lo) / 2;
      if ((int64_t) chain->blocks[mid]->time_max < time)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < chain->len ? chain->blocks[lo] : NULL;
}

GArray *
umk_block_locator (UmkBlockIndex *index)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  int step = 1;
  while (index != NULL)
    {
      g_array_append_val (out, index->hash);
      if (index->height == 0)
        break;
      int height = MAX (index->height - step, 0);
      index = umk_block_index_get_ancestor (index, height);
      if (out->len > 10)
        step *= 2;
    }
  return out;
}
