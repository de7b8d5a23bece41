/* versionbits.h — BIP 9 soft-fork deployments and the deployment status of
 * the rules activated by height (Umkoin Core v31.0's versionbits.cpp and
 * deploymentstatus.h).
 *
 * Every block has, for each deployment, a state that is the same for all
 * blocks of a period (a run of `period` blocks starting at a multiple of it):
 *
 *   DEFINED ──(period start: MTP ≥ start_time)──► STARTED
 *   STARTED ──(≥ threshold blocks of the previous period signalled)──► LOCKED_IN
 *   STARTED ──(otherwise, once MTP ≥ timeout)──► FAILED
 *   LOCKED_IN ──(next period, once its height ≥ min_activation_height)──► ACTIVE
 *
 * The state of a period is computed from its parent's and cached per
 * deployment, keyed by the last block of the previous period (NULL for the
 * first period), so a walk over a long chain is done once. The cache takes a
 * mutex: any thread may call these functions. Block index entries must stay
 * alive as long as the cache (the node never frees them; a test that does
 * clears the cache first).
 */
#pragma once

#include "common/chain.h"
#include "common/chainparams.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_VERSIONBITS_LAST_OLD_BLOCK_VERSION 4
#define UMK_VERSIONBITS_TOP_BITS               0x20000000
#define UMK_VERSIONBITS_TOP_MASK               0xE0000000u
#define UMK_VERSIONBITS_NUM_BITS               29

typedef enum
{
  UMK_THRESHOLD_DEFINED,
  UMK_THRESHOLD_STARTED,
  UMK_THRESHOLD_LOCKED_IN,
  UMK_THRESHOLD_ACTIVE,
  UMK_THRESHOLD_FAILED,
} UmkThresholdState;

/* "defined", "started", "locked_in", "active", "failed" (as RPC shows them). */
const char *umk_threshold_state_name (UmkThresholdState state);

/* Whether version signals for bit: top bits 001 and the bit set. */
static inline bool
umk_versionbits_signals (int32_t version, int bit)
{
  return ((uint32_t) version & UMK_VERSIONBITS_TOP_MASK) == (uint32_t) UMK_VERSIONBITS_TOP_BITS
         && ((uint32_t) version >> bit & 1) != 0;
}

typedef struct _UmkVersionBitsCache UmkVersionBitsCache;

UmkVersionBitsCache *umk_versionbits_cache_new (void);
void umk_versionbits_cache_free (UmkVersionBitsCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkVersionBitsCache, umk_versionbits_cache_free)
/* Forgets every cached state (after blocks were freed, or parameters changed). */
void umk_versionbits_cache_clear (UmkVersionBitsCache *cache);

/* The state of dep for the block after prev (prev NULL: the genesis block). */
UmkThresholdState umk_versionbits_state (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                                         const UmkConsensusParams *params, UmkDeployment dep);

/* The height of the first block of the run of periods that share the state of
 * the block after prev (0 while DEFINED, and for ALWAYS/NEVER_ACTIVE). */
int umk_versionbits_state_since_height (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                                        const UmkConsensusParams *params, UmkDeployment dep);

/* Signalling in the period that contains index, up to and including it. */
typedef struct
{
  uint32_t period;
  uint32_t threshold;
  uint32_t elapsed; /* blocks of the period so far */
  uint32_t count;   /* of them, blocks that signalled */
  bool possible;    /* the threshold can still be reached in this period */
} UmkBip9Stats;

/* Fills stats for the period that contains index (index NULL: only period and
 * threshold). signalling, if not NULL, receives elapsed entries (at most
 * period), true for each block of the period that signalled, oldest first. */
void umk_versionbits_statistics (const UmkBlockIndex *index, const UmkBip9Deployment *dep,
                                 UmkBip9Stats *stats, bool *signalling);

/* What getdeploymentinfo shows of a BIP 9 deployment at index. */
typedef struct
{
  int since;                       /* height the current state began */
  UmkThresholdState current_state; /* of index */
  UmkThresholdState next_state;    /* of the block after index */
  bool has_stats;                  /* while STARTED or LOCKED_IN */
  UmkBip9Stats stats;              /* LOCKED_IN: threshold 0, possible false */
  char *signalling;                /* with has_stats: '#' signalled, '-' not, oldest first */
  bool has_active_since;
  int active_since; /* height it is (or will be) active from */
} UmkBip9Info;

void umk_versionbits_info (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                           const UmkConsensusParams *params, UmkDeployment dep, UmkBip9Info *info);
void umk_bip9_info_clear (UmkBip9Info *info);

/* The version a new block after prev should have: the top bits, plus the bit
 * of every deployment that is STARTED or LOCKED_IN. */
int32_t umk_versionbits_compute_block_version (UmkVersionBitsCache *cache,
                                               const UmkBlockIndex *prev,
                                               const UmkConsensusParams *params);

/* Bits (0..28) that blocks after min_bip9_warning_height signal for an
 * unknown deployment that has locked in or is active by BIP 9's rules (Core's
 * CheckUnknownActivations; periods of 2016 blocks at 90%, or on test chains
 * the difficulty interval at 75%). Writes up to UMK_VERSIONBITS_NUM_BITS
 * entries to bits and active (true: likely ACTIVE, false: LOCKED_IN).
 * Returns: the number of entries. */
int umk_versionbits_unknown_activations (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                                         const UmkConsensusParams *params, bool is_test_chain,
                                         int bits[UMK_VERSIONBITS_NUM_BITS],
                                         bool active[UMK_VERSIONBITS_NUM_BITS]);

/* ---- deployment status (deploymentstatus.h) ---- */

/* Whether a BIP 9 deployment is active for the block after prev. */
bool umk_deployment_active_after (UmkVersionBitsCache *cache, const UmkBlockIndex *prev,
                                  const UmkConsensusParams *params, UmkDeployment dep);
/* Whether it is active for index itself. */
bool umk_deployment_active_at (UmkVersionBitsCache *cache, const UmkBlockIndex *index,
                               const UmkConsensusParams *params, UmkDeployment dep);
/* Whether it can ever be active (its start time is not NEVER_ACTIVE). */
bool umk_deployment_enabled (const UmkConsensusParams *params, UmkDeployment dep);

/* Whether a buried (height) deployment is active for the block after prev
 * (prev NULL: the genesis block). */
bool umk_buried_active_after (const UmkBlockIndex *prev, const UmkConsensusParams *params,
                              UmkBuriedDeployment dep);
/* Whether it is active for index itself. */
bool umk_buried_active_at (const UmkBlockIndex *index, const UmkConsensusParams *params,
                           UmkBuriedDeployment dep);
/* Whether it can ever be active (its height is not INT_MAX). */
bool umk_buried_enabled (const UmkConsensusParams *params, UmkBuriedDeployment dep);
