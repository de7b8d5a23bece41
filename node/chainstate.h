/* chainstate.h — the node's chain: block index, block files, UTXO set, and the
 * validation that moves them (Umkoin Core's ChainstateManager and Chainstate).
 *
 * One lock (Core's cs_main) guards all of it. Every function here takes it
 * itself; callers that need several reads to agree (RPC handlers building a
 * reply) hold it around them with umk_chainstate_lock()/unlock() — the lock is
 * recursive.
 *
 * Blocks are written to blk files and their index entries committed at once;
 * the UTXO set is flushed together with its best-block marker when the coins
 * cache outgrows -dbcache, periodically and at shutdown. After a crash the
 * node starts from the last flushed UTXO set and connects the stored blocks
 * after it again, so nothing acknowledged is lost.
 */
#pragma once

#include "common/block.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/coin.h"
#include "common/undo.h"
#include "common/validation-state.h"
#include "node/blockstore.h"
#include "node/coins.h"
#include "node/db.h"

#include <glib.h>

typedef struct _UmkChainstate UmkChainstate;

typedef struct
{
  const UmkChainParams *params;
  const char *datadir; /* the chain's datadir */
  gint64 dbcache_mib;  /* -dbcache */
  gint64 prune_mib;    /* -prune: 0 off, 1 manual, else the target */
  gboolean txindex;
  gboolean reindex;              /* -reindex: rebuild the index from the blk files */
  gboolean reindex_chainstate;   /* -reindex-chainstate */
  gboolean blocksxor;            /* -blocksxor for a new blocks folder */
  gboolean fastprune;            /* -fastprune: 64 KiB block files */
  int script_threads;            /* -par, resolved */
  UmkUint256 minimum_chain_work; /* the chain's, or -minimumchainwork (display order parsed) */
  gboolean assumevalid_set;      /* -assumevalid given */
  UmkUint256 assumevalid;        /* zero: check every script */
  gint64 checkblocks;            /* -checkblocks / -checklevel at start-up */
  gint64 checklevel;
  gint64 mocktime;    /* 0, or a fixed "now" (-mocktime) */
  gint64 max_tip_age; /* -maxtipage, seconds */
  /* called after an unrecoverable storage error; the node should stop */
  void (*on_fatal) (gpointer user, const char *message);
  gpointer fatal_user;
} UmkChainstateOptions;

/* Opens or creates the chainstate: database, block files, index, UTXO set.
 * Connects stored blocks above the UTXO set's best block (crash recovery). */
UmkChainstate *umk_chainstate_open (const UmkChainstateOptions *opts,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Flushes everything and closes. */
void umk_chainstate_close (UmkChainstate *cs);

void umk_chainstate_lock (UmkChainstate *cs);
void umk_chainstate_unlock (UmkChainstate *cs);

/* Asks long work (import, reindex, verifychain) to stop soon. */
void umk_chainstate_interrupt (UmkChainstate *cs);

const UmkChainParams *umk_chainstate_params (UmkChainstate *cs);

/* ---- Reading (hold the lock for a consistent view) -------------------------- */

const UmkActiveChain *umk_chainstate_chain (UmkChainstate *cs);
UmkBlockIndex *umk_chainstate_tip (UmkChainstate *cs);
UmkBlockIndex *umk_chainstate_best_header (UmkChainstate *cs);
UmkBlockIndex *umk_chainstate_lookup (UmkChainstate *cs, const UmkUint256 *hash);
/* Every index entry (for getchaintips); the array is owned by the caller but
 * its entries by the chainstate. */
GPtrArray *umk_chainstate_all_blocks (UmkChainstate *cs) G_GNUC_WARN_UNUSED_RESULT;

/* Reads a stored block. NULL with error when it is not stored (pruned, or
 * only a header) or cannot be read. */
UmkBlock *umk_chainstate_read_block (UmkChainstate *cs, const UmkBlockIndex *index,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
GBytes *umk_chainstate_read_block_bytes (UmkChainstate *cs, const UmkBlockIndex *index,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The spent outputs of a connected block's transactions (getblock verbosity 3). */
gboolean umk_chainstate_read_undo (UmkChainstate *cs, const UmkBlockIndex *index, UmkBlockUndo *out,
                                   GError **error);

/* The coins view of the tip (lock held by the caller). */
UmkCoinsCache *umk_chainstate_coins (UmkChainstate *cs);
/* Makes the UTXO database match the coins cache (gettxoutsetinfo reads it). */
gboolean umk_chainstate_flush (UmkChainstate *cs, GError **error);
UmkDb *umk_chainstate_db (UmkChainstate *cs);
UmkBlockStore *umk_chainstate_block_store (UmkChainstate *cs);

/* The version a new block on prev carries (Core's ComputeBlockVersion), and
 * the version-bits state cache (getdeploymentinfo). */
int32_t umk_chainstate_block_version (UmkChainstate *cs, const UmkBlockIndex *prev);
struct _UmkVersionBitsCache *umk_chainstate_versionbits (UmkChainstate *cs);

gboolean umk_chainstate_is_initial_block_download (UmkChainstate *cs);
gboolean umk_chainstate_pruned (UmkChainstate *cs);
gboolean umk_chainstate_txindex_enabled (UmkChainstate *cs);
/* Finds a transaction through -txindex: the block hash and the tx. */
gboolean umk_chainstate_txindex_find (UmkChainstate *cs, const UmkUint256 *txid, UmkUint256 *block,
                                      UmkTx **tx, GError **error);
/* "now" for validation (-mocktime aware), seconds. */
gint64 umk_chainstate_now (UmkChainstate *cs);
void umk_chainstate_set_mocktime (UmkChainstate *cs, gint64 t);
/* The mock time set, or 0. */
gint64 umk_chainstate_mocktime (UmkChainstate *cs);
/* The chain work below which headers are pre-synced (-minimumchainwork). */
void umk_chainstate_minimum_work (UmkChainstate *cs, UmkArith256 *out);

/* ---- Changing ---------------------------------------------------------------- */

/* Core's ProcessNewBlock for a block from RPC or import. new_block (may be
 * NULL) says whether it was new to us. The state receives the block's result
 * as submitblock reports it; checked says whether validation reached a
 * verdict about this block (Core's "found" in submitblock's state catcher).
 * Returns: Core's "accepted": FALSE when the block failed its own checks or
 * could not be stored, or the chain could not be activated. */
gboolean umk_chainstate_process_block (UmkChainstate *cs, UmkBlock *block, gboolean force,
                                       gboolean *new_block, UmkBlockValidationState *state,
                                       gboolean *checked);
/* Core's ProcessNewBlockHeaders: accepts headers in order, stopping at the
 * first that fails (state says why), with one index write for all of them.
 * last (may be NULL) receives the index of the last header accepted. */
gboolean umk_chainstate_process_headers (UmkChainstate *cs, const UmkBlockHeader *headers, size_t n,
                                         UmkBlockValidationState *state, UmkBlockIndex **last);
/* The same for one header (submitheader). */
gboolean umk_chainstate_process_header (UmkChainstate *cs, const UmkBlockHeader *header,
                                        UmkBlockValidationState *state);
/* Checks a block as if it were connected on the tip (templates, proposals). */
gboolean umk_chainstate_test_block_validity (UmkChainstate *cs, UmkBlock *block, gboolean check_pow,
                                             gboolean check_merkle, UmkBlockValidationState *state);

gboolean umk_chainstate_invalidate_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error);
gboolean umk_chainstate_reconsider_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error);
gboolean umk_chainstate_precious_block (UmkChainstate *cs, UmkBlockIndex *index, GError **error);
/* Core's VerifyDB. Returns: FALSE with error describing the first problem. */
gboolean umk_chainstate_verify (UmkChainstate *cs, int level, int nblocks, GError **error);
/* Prunes block files whose blocks are all below height. Returns: the height
 * of the last pruned block (umk_chainstate_query_last_pruned_height), or -1. */
int umk_chainstate_prune_to (UmkChainstate *cs, int height, GError **error);

/* Reads blocks from a file of records (-loadblock, or a blk file during
 * -reindex when reindex_file >= 0, which then is not copied). */
gboolean umk_chainstate_import_file (UmkChainstate *cs, const char *path, int reindex_file,
                                     GError **error);
/* Runs -reindex's scan of all blk files, then connects the best chain. */
gboolean umk_chainstate_reindex (UmkChainstate *cs, GError **error);
/* Connects the best chain known (after import). */
gboolean umk_chainstate_activate_best_chain (UmkChainstate *cs, GError **error);
gboolean umk_chainstate_reindexing (UmkChainstate *cs);
gboolean umk_chainstate_importing (UmkChainstate *cs);
void umk_chainstate_set_importing (UmkChainstate *cs, gboolean importing);

/* ---- Notifications ------------------------------------------------------------ */

typedef struct
{
  /* the tip changed (called with the lock held) */
  void (*tip_changed) (gpointer user, UmkBlockIndex *tip, gboolean initial_download);
  /* the best header moved: once per batch of headers or block (lock held) */
  void (*header_tip_changed) (gpointer user, UmkBlockIndex *header, gboolean initial_download);
  /* a peer's low-work headers pre-sync reached height (headers not stored
   * yet; at most 4 per second, lock held) */
  void (*headers_presync) (gpointer user, int64_t height, gint64 time, gboolean initial_download);
  /* a block was connected to / disconnected from the active chain (lock held) */
  void (*block_connected) (gpointer user, const UmkBlock *block, UmkBlockIndex *index);
  void (*block_disconnected) (gpointer user, const UmkBlock *block, UmkBlockIndex *index);
  /* a reorganisation finished (after block_disconnected/connected calls);
   * add_to_mempool FALSE after a deep invalidation, whose transactions are not
   * worth re-adding (Core's limit of ten blocks) */
  void (*reorg_done) (gpointer user, gboolean add_to_mempool);
  gpointer user;
} UmkChainstateCallbacks;

void umk_chainstate_add_callbacks (UmkChainstate *cs, const UmkChainstateCallbacks *cb);

/* Core's ReportHeadersPresync: the best peer's pre-sync of low-work headers
 * (node/headers-sync.c) reached height, whose header has time. Logs it
 * during initial download and calls headers_presync, at most 4 times a
 * second and only while the best header has less than the minimum chain
 * work (so a peer that sends low-work headers cannot fill the log). */
void umk_chainstate_report_headers_presync (UmkChainstate *cs, int64_t height, gint64 time);

/* Waits (without the lock) until the tip differs from *hash or timeout_ms
 * passes or the chainstate is interrupted; fills hash/height with the tip. */
void umk_chainstate_wait_tip (UmkChainstate *cs, UmkUint256 *hash, int *height, gint64 deadline_us,
                              gboolean (*stop) (gpointer), gpointer stop_data);
