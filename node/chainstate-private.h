/* chainstate-private.h — what the chainstate's files share. */
#pragma once

#include "common/versionbits.h"
#include "node/chainstate.h"
#include "node/script-check.h"

struct _UmkChainstate
{
  GRecMutex lock;          /* Core's cs_main */
  GRecMutex activate_lock; /* Core's m_chainstate_mutex: taken before lock */
  const UmkChainParams *params;
  UmkChainstateOptions opts;
  char *datadir;
  UmkDb *db;
  UmkBlockStore *store;
  UmkCoinsCache *coins; /* the tip's UTXO set over the database */
  size_t coins_budget;  /* bytes the coins cache may use before a flush */
  gint64 last_flush_us;

  GHashTable *index_map; /* UmkUint256* (in the entry) -> UmkBlockIndex* (owned) */
  UmkActiveChain chain;
  GTree *candidates;    /* UmkBlockIndex* ordered best first (Core's setBlockIndexCandidates) */
  GHashTable *unlinked; /* parent UmkBlockIndex* -> GPtrArray of children with data */
  GHashTable *dirty_index;
  UmkBlockIndex *best_header;
  gint64 last_presync_report_us; /* monotonic: headers pre-sync reports are rate-limited */
  int32_t next_sequence_id;
  int32_t reverse_sequence_id; /* preciousblock's counter, going down from -1 */
  UmkArith256 last_precious_work;
  UmkVersionBitsCache *vbcache;
  UmkScriptCheckQueue *checkq;

  GHashTable *txindex_pending; /* UmkUint256* txid -> TxPos* not yet written */
  gboolean txindex;

  gboolean ibd_latched_off; /* initial block download ended, for good */
  gint interrupted;
  gint importing;
  gint reindexing;
  gint64 mocktime;
  gboolean pruned; /* some block file was removed */
  uint64_t prune_target;
  int prune_checked_file; /* the last blk file when pruning was last considered */

  GArray *callbacks; /* UmkChainstateCallbacks */
  /* tip change signalling for waitfornewblock & co. (separate from the lock) */
  GMutex tip_lock;
  GCond tip_cond;
  UmkUint256 tip_hash;
  int tip_height;
};

gint umk_cs_candidate_cmp (gconstpointer a, gconstpointer b, gpointer user);
gboolean umk_cs_index_parse (const uint8_t *data, size_t len, UmkBlockIndex *index,
                             UmkUint256 *prev_hash);
void umk_cs_set_dirty (UmkChainstate *cs, UmkBlockIndex *index);
gboolean umk_cs_commit_index (UmkChainstate *cs, GError **error);
/* Writes the coins cache, the index and the tx index in one transaction;
 * erase empties the cache (to make room), else it stays warm (a sync point
 * for readers of the database). */
gboolean umk_cs_flush (UmkChainstate *cs, gboolean erase, GError **error);
gboolean umk_cs_flush_if_needed (UmkChainstate *cs, GError **error);
UmkBlockIndex *umk_cs_lookup (UmkChainstate *cs, const UmkUint256 *hash);
void umk_cs_candidates_add (UmkChainstate *cs, UmkBlockIndex *index);
gboolean umk_cs_accept_header (UmkChainstate *cs, const UmkBlockHeader *header,
                               UmkBlockValidationState *state, UmkBlockIndex **out);
gboolean umk_cs_accept_block (UmkChainstate *cs, UmkBlock *block, UmkBlockValidationState *state,
                              gboolean force, gboolean checked, int pos_file, uint32_t pos,
                              gboolean *new_block, UmkBlockIndex **out);
void umk_cs_mark_invalid (UmkChainstate *cs, UmkBlockIndex *index);
gboolean umk_cs_activate_best_chain (UmkChainstate *cs, UmkBlock *block_hint,
                                     UmkBlockValidationState *hint_state, gboolean *hint_checked);
void umk_cs_notify_reorg_done (UmkChainstate *cs, gboolean add_to_mempool);

/* connect.c */
gboolean umk_cs_connect_tip (UmkChainstate *cs, UmkBlockIndex *index, UmkBlock *block,
                             UmkBlockValidationState *state);
gboolean umk_cs_disconnect_tip (UmkChainstate *cs);
/* Core's ConnectBlock into view; just_check: TestBlockValidity (no undo, no
 * index changes). */
gboolean umk_cs_connect_block (UmkChainstate *cs, const UmkBlock *block, UmkBlockIndex *index,
                               UmkCoinsCache *view, gboolean just_check, gboolean checked,
                               UmkBlockValidationState *state);
typedef enum
{
  UMK_DISCONNECT_OK,
  UMK_DISCONNECT_UNCLEAN, /* the UTXO set did not match; continued */
  UMK_DISCONNECT_FAILED,
} UmkDisconnectResult;
UmkDisconnectResult umk_cs_disconnect_block (UmkChainstate *cs, const UmkBlock *block,
                                             const UmkBlockIndex *index, UmkCoinsCache *view);

/* txindex.c-like pieces (in connect.c) */
void umk_cs_txindex_add_block (UmkChainstate *cs, const UmkBlock *block,
                               const UmkBlockIndex *index);
gboolean umk_cs_txindex_write (UmkChainstate *cs, MDB_txn *txn, GError **error);

/* Stops the node after an unrecoverable storage error (Core's FatalError). */
void umk_cs_fatal (UmkChainstate *cs, const char *message);
void umk_cs_prune_if_needed (UmkChainstate *cs);
