/* net-eviction.c — choosing the inbound peer to evict; see net-eviction.h.
 *
 * Each protection rule sorts the candidates so that the ones it wants to keep
 * end up last, then drops (protects) up to k of the last ones. Core sorts with
 * std::sort, whose order among equal keys is unspecified; here every
 * comparison ends with the peer id, so the result is the same whatever order
 * the caller passes: of two peers the rules cannot tell apart, the one with
 * the higher id (the newer connection) goes towards the eviction end. The
 * sort is a merge sort, stable besides, taking a context for the network
 * rule.
 */
#define G_LOG_DOMAIN "umk-net-eviction"
#include "config.h"

#include "node/net-eviction.h"

#include "common/netaddress.h"

#include <string.h>

/* How many peers each fixed rule protects (Core's numbers). */
#define PROTECT_BY_NETGROUP      4
#define PROTECT_BY_PING          8
#define PROTECT_BY_TX            4
#define PROTECT_BLOCK_RELAY_ONLY 8
#define PROTECT_BY_BLOCK         4
#define N_DISADVANTAGED_NETWORKS 4

typedef struct
{
  bool is_local;
  int network;
} NetRule;

/* Negative when a goes before b, i.e. a is nearer to eviction. */
typedef int (*CandidateCmp) (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b,
                             const NetRule *rule);
typedef bool (*CandidatePred) (const UmkEvictionCandidate *c, const NetRule *rule);

#define ORDER(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

/* Younger peers (connected later) first: uptime is the final tie-break of
 * most rules, and then the id, so no two distinct peers compare equal. */
static int
younger_first (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b)
{
  int r = ORDER (b->connected, a->connected);
  return r ? r : ORDER (b->id, a->id);
}

static int
cmp_netgroup (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  (void) rule;
  int r = ORDER (a->keyed_netgroup, b->keyed_netgroup);
  return r ? r : ORDER (b->id, a->id);
}

/* Slowest first: the fastest peers are kept. */
static int
cmp_min_ping (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  (void) rule;
  int r = ORDER (b->min_ping_us, a->min_ping_us);
  return r ? r : ORDER (b->id, a->id);
}

static int
cmp_uptime (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  (void) rule;
  return younger_first (a, b);
}

/* Many peers have never sent a transaction, so the time alone rarely decides:
 * peers that asked for transactions, then those without a bloom filter, then
 * the older ones are worth more. */
static int
cmp_tx_time (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  (void) rule;
  int r = ORDER (a->last_tx_time, b->last_tx_time);
  if (r)
    return r;
  if (a->relay_txs != b->relay_txs)
    return a->relay_txs ? 1 : -1;
  if (a->bloom_filter != b->bloom_filter)
    return a->bloom_filter ? -1 : 1;
  return younger_first (a, b);
}

/* Likewise for blocks: many peers have not sent one yet. */
static int
cmp_block_time (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  (void) rule;
  int r = ORDER (a->last_block_time, b->last_block_time);
  if (r)
    return r;
  if (a->relevant_services != b->relevant_services)
    return a->relevant_services ? 1 : -1;
  return younger_first (a, b);
}

/* Peers that relay transactions first, so that the likely block-relay-only
 * ones gather at the end, ordered by their last block. */
static int
cmp_block_relay_only (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b,
                      const NetRule *rule)
{
  if (a->relay_txs != b->relay_txs)
    return a->relay_txs ? -1 : 1;
  return cmp_block_time (a, b, rule);
}

static bool
is_block_relay_only (const UmkEvictionCandidate *c, const NetRule *rule)
{
  (void) rule;
  return !c->relay_txs && c->relevant_services;
}

/* Peers outside the rule's network (or, for localhost, non-local peers) first,
 * then by uptime within each part. The localhost rule still compares the
 * network against UMK_NET_MAX, as Core does, which no real peer has. */
static int
cmp_network_time (const UmkEvictionCandidate *a, const UmkEvictionCandidate *b, const NetRule *rule)
{
  if (rule->is_local && a->is_local != b->is_local)
    return a->is_local ? 1 : -1;
  bool a_in = a->network == rule->network;
  bool b_in = b->network == rule->network;
  if (a_in != b_in)
    return a_in ? 1 : -1;
  return younger_first (a, b);
}

static bool
in_network (const UmkEvictionCandidate *c, const NetRule *rule)
{
  return rule->is_local ? c->is_local : c->network == rule->network;
}

static void
sort_candidates (UmkEvictionCandidate *c, size_t n, CandidateCmp cmp, const NetRule *rule)
{
  if (n < 2)
    return;
  /* Bottom-up merge sort between c and a scratch copy. */
  g_autofree UmkEvictionCandidate *tmp = g_new (UmkEvictionCandidate, n);
  UmkEvictionCandidate *src = c, *dst = tmp;
  for (size_t width = 1; width < n; width *= 2)
    {
      for (size_t lo = 0; lo < n; lo += 2 * width)
        {
          size_t mid = MIN (lo + width, n), hi = MIN (lo + 2 * width, n);
          size_t i = lo, j = mid, k = lo;
          while (i < mid && j < hi)
            dst[k++] = cmp (&src[j], &src[i], rule) < 0 ? src[j++] : src[i++];
          while (i < mid)
            dst[k++] = src[i++];
          while (j < hi)
            dst[k++] = src[j++];
        }
      UmkEvictionCandidate *t = src;
      src = dst;
      dst = t;
    }
  if (src != c)
    memcpy (c, src, n * sizeof *c);
}

/* Sorts, then protects (removes) those of the last k candidates that pred
 * accepts (all of them without pred); the others keep their order. */
static void
protect_last_k (UmkEvictionCandidate *c, size_t *n, CandidateCmp cmp, const NetRule *rule, size_t k,
                CandidatePred pred)
{
  sort_candidates (c, *n, cmp, rule);
  size_t start = *n - MIN (k, *n);
  size_t keep = start;
  for (size_t i = start; i < *n; i++)
    if (pred && !pred (&c[i], rule))
      c[keep++] = c[i];
  *n = keep;
}

/* Removes every candidate matching drop, keeping the others' order. */
static void
remove_where (UmkEvictionCandidate *c, size_t *n, bool (*drop) (const UmkEvictionCandidate *))
{
  size_t keep = 0;
  for (size_t i = 0; i < *n; i++)
    if (!drop (&c[i]))
      c[keep++] = c[i];
  *n = keep;
}

static bool
is_noban (const UmkEvictionCandidate *c)
{
  return c->noban;
}

static bool
is_outbound (const UmkEvictionCandidate *c)
{
  return !c->inbound;
}

static bool
not_prefer_evict (const UmkEvictionCandidate *c)
{
  return !c->prefer_evict;
}

typedef struct
{
  NetRule rule;
  size_t count;
} Disadvantaged;

void
umk_eviction_protect_by_ratio (UmkEvictionCandidate *candidates, size_t *n)
{
  g_return_if_fail (n != NULL);
  g_return_if_fail (candidates != NULL || *n == 0);

  /* Half of the candidates are protected by uptime: being connected long is
   * what keeps a peer without eviction, and an attack started later cannot
   * buy it. Up to half of that half goes first to the privacy networks and
   * localhost (often a hidden service), even when others have more uptime. */
  const size_t initial = *n;
  const size_t total_protect = initial / 2;
  const size_t max_by_network = total_protect / 2;

  /* The array order breaks ties between networks with equal counts, and the
   * sort below is stable so that it does. */
  Disadvantaged nets[N_DISADVANTAGED_NETWORKS] = {
    { { false, UMK_NET_CJDNS }, 0 },
    { { false, UMK_NET_I2P }, 0 },
    { { true, UMK_NET_MAX }, 0 },
    { { false, UMK_NET_ONION }, 0 },
  };
  for (size_t i = 0; i < N_DISADVANTAGED_NETWORKS; i++)
    for (size_t j = 0; j < *n; j++)
      nets[i].count += in_network (&candidates[j], &nets[i].rule);

  /* Fewest candidates first: those networks get the first chance at the slots
   * that others left unused in the previous round. */
  for (size_t i = 1; i < N_DISADVANTAGED_NETWORKS; i++)
    for (size_t j = i; j > 0 && nets[j].count < nets[j - 1].count; j--)
      {
        Disadvantaged t = nets[j];
        nets[j] = nets[j - 1];
        nets[j - 1] = t;
      }

  size_t protected = 0;
  while (protected < max_by_network)
    {
      size_t with_peers = 0;
      for (size_t i = 0; i < N_DISADVANTAGED_NETWORKS; i++)
        with_peers += nets[i].count > 0;
      if (with_peers == 0)
        break;
      size_t per_network = MAX ((max_by_network - protected) / with_peers, (size_t) 1);
      bool progress = false;

      for (size_t i = 0; i < N_DISADVANTAGED_NETWORKS; i++)
        {
          Disadvantaged *d = &nets[i];
          if (d->count == 0)
            continue;
          size_t before = *n;
          protect_last_k (candidates, n, cmp_network_time, &d->rule, per_network, in_network);
          size_t delta = before - *n;
          if (delta == 0)
            continue;
          progress = true;
          protected += delta;
          if (protected >= max_by_network)
            break;
          d->count -= delta;
        }
      if (!progress)
        break;
    }

  /* per_network can round the last round up to one each, never past the cap
   * (the loop stops at it), so the rest of the half goes by uptime. */
  g_assert (protected == initial - *n && protected <= total_protect);
  protect_last_k (candidates, n, cmp_uptime, NULL, total_protect - protected, NULL);
}

gboolean
umk_select_node_to_evict (UmkEvictionCandidate *candidates, size_t n, int64_t *id)
{
  g_return_val_if_fail (candidates != NULL || n == 0, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  remove_where (candidates, &n, is_noban);
  remove_where (candidates, &n, is_outbound);

  /* The hash key makes the protected netgroups unpredictable to an attacker. */
  protect_last_k (candidates, &n, cmp_netgroup, NULL, PROTECT_BY_NETGROUP, NULL);
  /* Latency cannot be faked without moving machines closer to us. */
  protect_last_k (candidates, &n, cmp_min_ping, NULL, PROTECT_BY_PING, NULL);
  /* Novel transactions and blocks cost the sender real work. */
  protect_last_k (candidates, &n, cmp_tx_time, NULL, PROTECT_BY_TX, NULL);
  protect_last_k (candidates, &n, cmp_block_relay_only, NULL, PROTECT_BLOCK_RELAY_ONLY,
                  is_block_relay_only);
  protect_last_k (candidates, &n, cmp_block_time, NULL, PROTECT_BY_BLOCK, NULL);

  umk_eviction_protect_by_ratio (candidates, &n);
  if (n == 0)
    return FALSE;

  /* Only now, so that a peer marked for eviction but excellent by the rules
   * above (say, it relays our blocks) still stays. */
  for (size_t i = 0; i < n; i++)
    if (candidates[i].prefer_evict)
      {
        remove_where (candidates, &n, not_prefer_evict);
        break;
      }

  /* The candidates are now youngest first, so the first member seen of each
   * netgroup is its youngest. The largest group loses its youngest peer; of
   * groups of equal size, the one whose youngest peer is younger. */
  GHashTable *slots = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree size_t *group_first = g_new (size_t, n);
  g_autofree size_t *group_size = g_new (size_t, n);
  size_t n_groups = 0;
  size_t best_size = 0;
  int64_t best_time = 0;
  const UmkEvictionCandidate *victim = &candidates[0]; /* n > 0 here */
  for (size_t i = 0; i < n; i++)
    {
      const UmkEvictionCandidate *c = &candidates[i];
      /* value: the group's slot + 1, so that slot 0 is not NULL */
      gpointer found = g_hash_table_lookup (slots, &c->keyed_netgroup);
      size_t slot;
      if (found)
        slot = GPOINTER_TO_SIZE (found) - 1;
      else
        {
          slot = n_groups++;
          group_first[slot] = i;
          group_size[slot] = 0;
          g_hash_table_insert (slots, (gpointer) &c->keyed_netgroup, GSIZE_TO_POINTER (slot + 1));
        }
      size_t size = ++group_size[slot];
      int64_t group_time = candidates[group_first[slot]].connected;
      if (size > best_size || (size == best_size && group_time > best_time))
        {
          best_size = size;
          best_time = group_time;
          victim = &candidates[group_first[slot]];
        }
    }
  g_hash_table_destroy (slots);

  *id = victim->id;
  return TRUE;
}
