/* mempool-accept.h — what may enter the mempool: Umkoin Core v31.0's
 * MemPoolAccept (validation.cpp) with its policy pieces (policy/rbf.cpp,
 * policy/packages.cpp, truc_policy.cpp, ephemeral_policy.cpp).
 *
 * A transaction goes through PreChecks (standardness, inputs, lock times,
 * fees, TRUC), replacement checks when it conflicts with pool transactions
 * (full RBF: more fees, pays for its relay, improves the fee rate diagram),
 * the cluster limits, script checks with the standard flags and then with the
 * next block's consensus flags, and only then into the pool. Reject reasons
 * and their details are Core's, word for word.
 *
 * The chain is seen through a UmkMempoolChainView: a coin lookup into the
 * UTXO set and the tip. The caller holds whatever lock keeps both still (the
 * chainstate's) for the whole call; the mempool lock is taken here.
 */
#pragma once

#include "common/chain.h"
#include "common/chainparams.h"
#include "common/coin.h"
#include "common/validation-state.h"
#include "node/mempool.h"
#include "node/node.h"

#include <glib.h>

/* The chain as acceptance needs it. get_coin fills coin (initialized by the
 * caller) and returns TRUE when out is an unspent output of the chain's UTXO
 * set (not the mempool); tip is the active tip (lock times and heights are
 * for the block after it); params gives the script flags. */
typedef struct
{
  gpointer user;
  gboolean (*get_coin) (gpointer user, const UmkOutPoint *out, UmkCoin *coin);
  UmkBlockIndex *tip;
  const UmkChainParams *params;
} UmkMempoolChainView;

/* Implemented by the chainstate (node/chainstate*.c): begin takes the
 * chainstate lock and fills view for the current tip; end releases it. RPC
 * methods bracket acceptance with them. */
void umk_node_mempool_view_begin (UmkNode *node, UmkMempoolChainView *view);
void umk_node_mempool_view_end (UmkNode *node, UmkMempoolChainView *view);

/* A source of chain views: begin fills view (taking the chain's lock), end
 * releases it. */
typedef void (*UmkMempoolViewFunc) (gpointer user, UmkMempoolChainView *view);

/* Makes the mempool RPC methods take their chain views from begin/end
 * instead of umk_node_mempool_view_begin/end (NULL restores those). For
 * tests, which have no chainstate. */
void umk_rpc_mempool_set_view_provider (UmkMempoolViewFunc begin, UmkMempoolViewFunc end,
                                        gpointer user);

/* ---- results ---- */

typedef enum
{
  UMK_ACCEPT_VALID,             /* accepted (or would be, for a test) */
  UMK_ACCEPT_INVALID,           /* rejected: see result, reject_reason */
  UMK_ACCEPT_MEMPOOL_ENTRY,     /* packages: already in the pool */
  UMK_ACCEPT_DIFFERENT_WITNESS, /* packages: same txid with another witness in the pool */
} UmkAcceptResultType;

/* Core's MempoolAcceptResult. */
typedef struct
{
  UmkAcceptResultType type;
  UmkTxResult result;  /* the kind of failure (UMK_TX_RESULT_*) */
  char *reject_reason; /* "min relay fee not met", … */
  char *debug_message; /* may be NULL */
  /* valid and mempool-entry results */
  int64_t vsize;
  int64_t base_fee;
  /* valid results, and fee failures (RECONSIDERABLE) */
  bool has_effective_feerate;
  UmkFeeRate effective_feerate;
  GArray *effective_wtxids; /* UmkUint256: whose fees and sizes it counts */
  GPtrArray *replaced;      /* UmkTx: what the transaction(s) replaced */
  UmkUint256 other_wtxid;   /* different-witness results */
} UmkAcceptResult;

void umk_accept_result_init (UmkAcceptResult *r);
void umk_accept_result_clear (UmkAcceptResult *r);
/* Core's TxValidationState::ToString: "reason" or "reason, details". */
char *umk_accept_result_to_string (const UmkAcceptResult *r) G_GNUC_WARN_UNUSED_RESULT;

/* Core's AcceptToMemoryPool. accept_time 0 is the pool's now. bypass_limits
 * skips the fee minimums, TRUC and ephemeral-dust rules and the size limit
 * (for transactions of disconnected blocks). Returns: TRUE when valid. */
gboolean umk_mempool_accept (UmkMempool *pool, const UmkMempoolChainView *view, UmkTx *tx,
                             int64_t accept_time, gboolean bypass_limits, gboolean test_accept,
                             UmkAcceptResult *result);

/* ---- packages ---- */

typedef enum
{
  UMK_PACKAGE_RESULT_UNSET = 0,
  UMK_PACKAGE_RESULT_POLICY, /* the package itself is refused */
  UMK_PACKAGE_RESULT_TX,     /* one of its transactions is */
  UMK_PACKAGE_RESULT_MEMPOOL_ERROR,
} UmkPackageResultKind;

/* Core's PackageMempoolAcceptResult. */
typedef struct
{
  UmkPackageResultKind kind; /* UNSET when the package passed */
  char *reject_reason;
  char *debug_message;
  GHashTable *results; /* wtxid (UmkUint256 *) -> UmkAcceptResult *, owned */
} UmkPackageResult;

void umk_package_result_init (UmkPackageResult *r);
void umk_package_result_clear (UmkPackageResult *r);
/* The result for a wtxid, or NULL when the transaction was not validated. */
const UmkAcceptResult *umk_package_result_get (const UmkPackageResult *r, const UmkUint256 *wtxid);
char *umk_package_result_to_string (const UmkPackageResult *r) G_GNUC_WARN_UNUSED_RESULT;

/* Core's ProcessNewPackage. With test_accept: every transaction checked as a
 * package that may not replace anything (testmempoolaccept). Otherwise the
 * package must be a child with its parents, which are tried alone first
 * (submitpackage). client_maxfeerate may be NULL. Returns: TRUE when the
 * package state is valid. */
gboolean umk_mempool_process_package (UmkMempool *pool, const UmkMempoolChainView *view,
                                      UmkTx *const *txs, guint n, gboolean test_accept,
                                      const UmkFeeRate *client_maxfeerate,
                                      UmkPackageResult *result);

/* Context-free package checks (policy/packages.cpp). */
gboolean umk_package_is_well_formed (UmkTx *const *txs, guint n, const char **reason);
gboolean umk_package_is_child_with_parents (UmkTx *const *txs, guint n);
gboolean umk_package_is_child_with_parents_tree (UmkTx *const *txs, guint n);

/* ---- reorganisations ---- */

/* The transactions of disconnected blocks waiting to go back into the pool
 * (Core's DisconnectedBlockTransactions). */
typedef struct _UmkDisconnectedTxs UmkDisconnectedTxs;

UmkDisconnectedTxs *umk_disconnected_txs_new (void) G_GNUC_WARN_UNUSED_RESULT;
void umk_disconnected_txs_free (UmkDisconnectedTxs *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkDisconnectedTxs, umk_disconnected_txs_free)
/* Adds the transactions of a block just disconnected (call per block, tip
 * first, as the blocks come off). */
void umk_disconnected_txs_add_block (UmkDisconnectedTxs *d, UmkTx *const *txs, size_t n);
/* A block connected during the same reorganisation: its transactions need no
 * re-adding. */
void umk_disconnected_txs_remove_for_block (UmkDisconnectedTxs *d, UmkTx *const *txs, size_t n);
guint umk_disconnected_txs_size (UmkDisconnectedTxs *d);

/* Core's MaybeUpdateMempoolForReorg, after the reorganisation reached its new
 * tip (view is that tip): re-admits the disconnected transactions oldest
 * first (add_to_mempool FALSE drops them instead), removing the pool
 * transactions that depended on one that did not make it; links the re-added
 * ones to their pool children; drops what is no longer final, no longer
 * BIP 68 final or spends a now-immature coinbase (refreshing lock points of
 * the rest); then trims to the size limit. Empties d. */
void umk_mempool_update_for_reorg (UmkMempool *pool, const UmkMempoolChainView *view,
                                   UmkDisconnectedTxs *d, gboolean add_to_mempool);

/* ---- helpers shared with the RPC ---- */

/* Core's CalculateLockPointsAtTip and CheckSequenceLocksAtTip. The coins of
 * the inputs come from the pool or view. Returns: FALSE when an input is
 * missing. */
gboolean umk_mempool_calculate_lock_points (UmkMempool *pool, const UmkMempoolChainView *view,
                                            const UmkTx *tx, UmkLockPoints *lp);
gboolean umk_mempool_check_sequence_locks (const UmkBlockIndex *tip, const UmkLockPoints *lp);
