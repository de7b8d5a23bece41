/* versionbits.c — the BIP 9 state machine, its cache, and deployment status. */
#define G_LOG_DOMAIN "umk-versionbits"
#include "config.h"

#include "common/versionbits.h"

#include <limits.h>

struct _UmkVersionBitsCache
{
  GMutex mutex;
  GHashTable *deployments[UMK_N_DEPLOYMENTS];     /* const UmkBlockIndex * → state */
  GHashTable *warnings[UMK_VERSIONBITS_NUM_BITS]; /* the same, per unknown bit */
};

/* A threshold rule: the parameters of a deployment, and what counts as a
 * signal. BIP 9 deployments and the unknown-bit warnings share the machine. */
typedef struct Checker Checker;
struct Checker
{
  int64_t begin;
  int64_t end;
  int min_activation_height;
  int period;
  int threshold;
  int bit;
  bool (*condition) (const Checker *c, const UmkBlockIndex *index);
  /* the warning checker's context */
  UmkVersionBitsCache *cache;
  const UmkConsensusParams *params;
};

const char *
umk_threshold_state_name (UmkThresholdState state)
{
  switch (state)
    {
    case UMK_THRESHOLD_DEFINED:
      return "defined";
    case UMK_THRESHOLD_STARTED:
      return "started";
    case UMK_THRESHOLD_LOCKED_IN:
      return "locked_in";
    case UMK_THRESHOLD_ACTIVE:
      return "active";
    case UMK_THRESHOLD_FAILED:
      return "failed";
    }
  return "invalid";
}

static const UmkBlockIndex *
ancestor (const UmkBlockIndex *index, int height)
{
  return umk_block_index_get_ancestor ((UmkBlockIndex *) index, height);
}

static bool
deployment_condition (const Checker *c, const UmkBlockIndex *index)
{
  return umk_versionbits_signals (index->version, c->bit);
}

static void
deployment_checker (Checker *c, const UmkBip9Deployment *dep)
{
  *c = (Checker){
    .begin = dep->start_time,
    .end = dep->timeout,
    .min_activation_height = dep->min_activation_height,
    .period = (int) dep->period,
    .threshold = (int) dep->threshold,
    .bit = dep->bit,
    .condition = deployment_condition,
  };
}

static GHashTable *
new_table (void)
{
  return g_hash_table_new (g_direct_hash, g_direct_equal);
}

UmkVersionBitsCache *
umk_versionbits_cache_new (void)
{
  UmkVersionBitsCache *cache = g_new0 (UmkVersionBitsCache, 1);
  g_mutex_init (&cache->mutex);
  for (int i = 0; i < UMK_N_DEPLOYMENTS; i++)
    cache->deployments[i] = new_table ();
  for (int i = 0; i < UMK_VERSIONBITS_NUM_BITS; i++)
    cache->warnings[i] = new_table ();
  return cache;
}

void
umk_versionbits_cache_free (UmkVersionBitsCache *cache)
{
  if (cache == NULL)
    return;
  for (int i = 0; i < UMK_N_DEPLOYMENTS; i++)
    g_hash_table_unref (cache->deployments[i]);
  for (int i = 0; i < UMK_VERSIONBITS_NUM_BITS; i++)
    g_hash_table_unref (cache->warnings[i]);
  g_mutex_clear (&cache->mutex);
  g_free (cache);
}

void
umk_versionbits_cache_clear (UmkVersionBitsCache *cache)
{
  g_mutex_lock (&cache->mutex);
  for (int i = 0; i < UMK_N_DEPLOYMENTS; i++)
    g_hash_table_remove_all (cache->deployments[i]);
  for (int i = 0; i < UMK_VERSIONBITS_NUM_BITS; i++)
    g_hash_table_remove_all (cache->warnings[i]);
  g_mutex_unlock (&cache->mutex);
}

static bool
cache_get (GHashTable *cache, const UmkBlockIndex *key, UmkThresholdState *state)
{
  gpointer value;
  if (!g_hash_table_lookup_extended (cache, key, NULL, &value))
    return false;
  *state = (UmkThresholdState) GPOINTER_TO_INT (value);
  return true;
}

static void
cache_put (GHashTable *cache, const UmkBlockIndex *key, UmkThresholdState state)
{
  g_hash_table_insert (cache, (gpointer) key, GINT_TO_POINTER ((int) state));
}

/* The last block of the period before the one the block after prev is in
 * (NULL for the first period): every block of a period has the state computed
 * from that one. */
static const UmkBlockIndex *
period_parent (const UmkBlockIndex *prev, int period)
{
  if (prev == NULL)
    return NULL;
  return ancestor (prev, prev->height - ((prev->height + 1) % period));
}

/* The state of the block after prev. The caller holds the cache's mutex. */
static UmkThresholdState
state_for (const Checker *c, const UmkBlockIndex *prev, GHashTable *cache)
{
  if (c->begin == UMK_BIP9_ALWAYS_ACTIVE)
    return UMK_THRESHOLD_ACTIVE;
  if (c->begin == UMK_BIP9_NEVER_ACTIVE)
    return UMK_THRESHOLD_FAILED;

  prev = period_parent (prev, c->period);

  /* Walk back a period at a time to a state that is known, then forward
   * again computing each period from its predecessor. */
  g_autoptr (GPtrArray) to_compute = NULL;
  UmkThresholdState state;
  while (!cache_get (cache, prev, &state))
    {
      if (prev == NULL)
        {
          /* The genesis block is DEFINED by definition. */
          state = UMK_THRESHOLD_DEFINED;
          cache_put (cache, prev, state);
          break;
        }
      if (umk_block_index_median_time_past (prev) < c->begin)
        {
          /* Every earlier period is before the start time as well. */
          state = UMK_THRESHOLD_DEFINED;
          cache_put (cache, prev, state);
          break;
        }
      if (to_compute == NULL)
        to_compute = g_ptr_array_new ();
      g_ptr_array_add (to_compute, (gpointer) prev);
      prev = ancestor (prev, prev->height - c->period);
    }

  for (guint n = to_compute != NULL ? to_compute->len : 0; n > 0; n--)
    {
      const UmkBlockIndex *p = g_ptr_array_index (to_compute, n - 1);
      UmkThresholdState next = state;
      switch (state)
        {
        case UMK_THRESHOLD_DEFINED:
          if (umk_block_index_median_time_past (p) >= c->begin)
            next = UMK_THRESHOLD_STARTED;
          break;
        case UMK_THRESHOLD_STARTED:
          {
            /* Count the signals of the period that ends at p. Lock-in wins
             * over a timeout reached in the same period. */
            int count = 0;
            const UmkBlockIndex *i = p;
            for (int k = 0; k < c->period; k++, i = i->prev)
              if (c->condition (c, i))
                count++;
            if (count >= c->threshold)
              next = UMK_THRESHOLD_LOCKED_IN;
            else if (umk_block_index_median_time_past (p) >= c->end)
              next = UMK_THRESHOLD_FAILED;
            break;
          }
        case UMK_THRESHOLD_LOCKED_IN:
          /* Active from the next period on, once it reaches the minimum
           * activation height. */
          if (p->height + 1 >= c->min_activation_height)
            next = UMK_THRESHOLD_ACTIVE;
          break;
        case UMK_THRESHOLD_ACTIVE:
        case UMK_THRESHOLD_FAILED:
          break; /* final */
        }
      cache_put (cache, p, next);
      state = next;
    }
  return state;
}

static int
state_since_height (const Checker *c, const UmkBlockIndex *prev, GHashTable *cache)
{
  if (c->begin == UMK_BIP9_ALWAYS_ACTIVE || c->begin == UMK_BIP9_NEVER_ACTIVE)
    return 0;
  const UmkThresholdState initial = state_for (c, prev, cache);
  /* BIP 9: the genesis block is DEFINED, so DEFINED has held since 0. */
  if (initial == UMK_THRESHOLD_DEFINED)
    return 0;

  /* Not DEFINED, so prev is past the first period and has a period parent. */
  prev = period_parent (prev, c->period);
  g_assert (prev != NULL);
  const UmkBlockIndex *earlier = ancestor (prev, prev->height - c->period);
  while (earlier != NULL && state_for (c, earlier, cache) == initial)
    {
      prev = earlier;
      earlier = ancestor (prev, prev->height - c->period);
    }
  /* prev is the parent of the first block with this state. */
  return prev->height + 1;
}

UmkThresholdState
umk_versionbits_state (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                       const UmkConsensusParams *params, UmkDeployment dep)
{
  g_return_val_if_fail ((unsigned) dep < UMK_N_DEPLOYMENTS, UMK_THRESHOLD_FAILED);
  Checker c;
  deployment_checker (&c, &params->deployments[dep]);
  g_mutex_lock (&cache->mutex);
  UmkThresholdState state = state_for (&c, prev, cache->deployments[dep]);
  g_mutex_unlock (&cache->mutex);
  return state;
}

int
umk_versionbits_state_since_height (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                                    const UmkConsensusParams *params, UmkDeployment dep)
{
  g_return_val_if_fail ((unsigned) dep < UMK_N_DEPLOYMENTS, 0);
  Checker c;
  deployment_checker (&c, &params->deployments[dep]);
  g_mutex_lock (&cache->mutex);
  int since = state_since_height (&c, prev, cache->deployments[dep]);
  g_mutex_unlock (&cache->mutex);
  return since;
}

void
umk_versionbits_statistics (const UmkBlockIndex *index, const UmkBip9Deployment *dep,
                            UmkBip9Stats *stats, bool *signalling)
{
  *stats = (UmkBip9Stats){ .period = dep->period, .threshold = dep->threshold };
  if (index == NULL)
    return;

  /* Blocks of index's period so far, index included. */
  int remaining = 1 + (int) ((uint32_t) index->height % dep->period);
  uint32_t elapsed = 0, count = 0;
  for (const UmkBlockIndex *i = index; remaining > 0; i = i->prev)
    {
      elapsed++;
      remaining--;
      bool signalled = umk_versionbits_signals (i->version, dep->bit);
      if (signalled)
        count++;
      if (signalling != NULL)
        signalling[remaining] = signalled;
    }
  stats->elapsed = elapsed;
  stats->count = count;
  /* Unsigned as in Core: the threshold never exceeds the period. */
  stats->possible = stats->period - stats->threshold >= elapsed - count;
}

void
umk_versionbits_info (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                      const UmkConsensusParams *params, UmkDeployment dep, UmkBip9Info *info)
{
  g_return_if_fail ((unsigned) dep < UMK_N_DEPLOYMENTS && index != NULL);
  const UmkBip9Deployment *d = &params->deployments[dep];
  Checker c;
  deployment_checker (&c, d);
  *info = (UmkBip9Info){ 0 };

  g_mutex_lock (&cache->mutex);
  info->current_state = state_for (&c, index->prev, cache->deployments[dep]);
  info->next_state = state_for (&c, index, cache->deployments[dep]);
  info->since = state_since_height (&c, index->prev, cache->deployments[dep]);
  g_mutex_unlock (&cache->mutex);

  if (info->current_state == UMK_THRESHOLD_STARTED
      || info->current_state == UMK_THRESHOLD_LOCKED_IN)
    {
      g_autofree bool *bits = g_new0 (bool, d->period);
      umk_versionbits_statistics (index, d, &info->stats, bits);
      info->has_stats = true;
      info->signalling = g_malloc (info->stats.elapsed + 1);
      for (uint32_t k = 0; k < info->stats.elapsed; k++)
        info->signalling[k] = bits[k] ? '#' : '-';
      info->signalling[info->stats.elapsed] = '\0';
      if (info->current_state == UMK_THRESHOLD_LOCKED_IN)
        {
          /* Signalling no longer matters once locked in. */
          info->stats.threshold = 0;
          info->stats.possible = false;
        }
    }

  if (info->current_state == UMK_THRESHOLD_ACTIVE)
    {
      info->has_active_since = true;
      info->active_since = info->since;
    }
  else if (info->next_state == UMK_THRESHOLD_ACTIVE)
    {
      info->has_active_since = true;
      info->active_since = index->height + 1;
    }
}

void
umk_bip9_info_clear (UmkBip9Info *info)
{
  g_clear_pointer (&info->signalling, g_free);
}

/* The caller holds the cache's mutex. */
static int32_t
compute_block_version_locked (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                              const UmkConsensusParams *params)
{
  uint32_t version = UMK_VERSIONBITS_TOP_BITS;
  for (int i = 0; i < UMK_N_DEPLOYMENTS; i++)
    {
      Checker c;
      deployment_checker (&c, &params->deployments[i]);
      UmkThresholdState state = state_for (&c, prev, cache->deployments[i]);
      if (state == UMK_THRESHOLD_LOCKED_IN || state == UMK_THRESHOLD_STARTED)
        version |= 1u << c.bit;
    }
  return (int32_t) version;
}

int32_t
umk_versionbits_compute_block_version (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                                       const UmkConsensusParams *params)
{
  g_mutex_lock (&cache->mutex);
  int32_t version = compute_block_version_locked (cache, prev, params);
  g_mutex_unlock (&cache->mutex);
  return version;
}

/* An unknown bit counts when a block signals it that our own template
 * would not have set. */
static bool
warning_condition (const Checker *c, const UmkBlockIndex *index)
{
  if (index->height < c->params->min_bip9_warning_height
      || !umk_versionbits_signals (index->version, c->bit))
    return false;
  int32_t ours = compute_block_version_locked (c->cache, index->prev, c->params);
  return ((uint32_t) ours >> c->bit & 1) == 0;
}

int
umk_versionbits_unknown_activations (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                                     const UmkConsensusParams *params, bool is_test_chain,
                                     int bits[UMK_VERSIONBITS_NUM_BITS],
                                     bool active[UMK_VERSIONBITS_NUM_BITS])
{
  int period = 2016, threshold = 1815; /* BIP 341's 90% */
  if (is_test_chain)
    {
      period = (int) umk_consensus_difficulty_adjustment_interval (params);
      threshold = period * 3 / 4; /* BIP 9's suggestion for test networks */
    }
  int n = 0;
  g_mutex_lock (&cache->mutex);
  for (int bit = 0; bit < UMK_VERSIONBITS_NUM_BITS; bit++)
    {
      Checker c = {
        .begin = 0,
        .end = INT64_MAX,
        .min_activation_height = 0,
        .period = period,
        .threshold = threshold,
        .bit = bit,
        .condition = warning_condition,
        .cache = cache,
        .params = params,
      };
      UmkThresholdState state = state_for (&c, index, cache->warnings[bit]);
      if (state == UMK_THRESHOLD_ACTIVE || state == UMK_THRESHOLD_LOCKED_IN)
        {
          bits[n] = bit;
          active[n] = state == UMK_THRESHOLD_ACTIVE;
          n++;
        }
    }
  g_mutex_unlock (&cache->mutex);
  return n;
}

/* ---- deployment status ---- */

bool
umk_deployment_active_after (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                             const UmkConsensusParams *params, UmkDeployment dep)
{
  return umk_versionbits_state (cache, prev, params, dep) == UMK_THRESHOLD_ACTIVE;
}

bool
umk_deployment_active_at (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                          const UmkConsensusParams *params, UmkDeployment dep)
{
  return umk_deployment_active_after (cache, index->prev, params, dep);
}

bool
umk_deployment_enabled (const UmkConsensusParams *params, UmkDeployment dep)
{
  g_return_val_if_fail ((unsigned) dep < UMK_N_DEPLOYMENTS, false);
  return params->deployments[dep].start_time != UMK_BIP9_NEVER_ACTIVE;
}

bool
umk_buried_active_after (const UmkBlockIndex *prev, const UmkConsensusParams *params,
                         UmkBuriedDeployment dep)
{
  int height = prev == NULL ? 0 : prev->height + 1;
  return height >= umk_consensus_buried_height (params, dep);
}

bool
umk_buried_active_at (const UmkBlockIndex *index, const UmkConsensusParams *params,
                      UmkBuriedDeployment dep)
{
  return index->height >= umk_consensus_buried_height (params, dep);
}

bool
umk_buried_enabled (const UmkConsensusParams *params, UmkBuriedDeployment dep)
{
  return umk_consensus_buried_height (params, dep) != INT_MAX;
}
