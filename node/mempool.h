/* mempool.h — the pool of unconfirmed transactions, as Umkoin Core v31.0's
 * CTxMemPool with its cluster graph (txmempool.cpp, txgraph.cpp).
 *
 * Transactions that spend one another form clusters (connected components
 * of the spend graph), at most 64 transactions and 101 kvB each by default.
 * Each cluster keeps a linearization: an order that puts parents before
 * children and the best fee rate first, cut into chunks (the highest-rate
 * prefixes of what remains, which a miner takes whole). Mining takes chunks
 * across all clusters by rate; eviction under -maxmempool drops the worst
 * chunk; a replacement must improve the fee rate diagram of the clusters it
 * touches. Sizes in the graph are sigop-adjusted weights, fees are modified
 * fees (base fee plus prioritisetransaction deltas).
 *
 * Thread-safety: every function locks the pool's recursive mutex, so RPC
 * threads may call in at any time. Code that must see a consistent pool over
 * several calls (the block assembler, RPC listings, acceptance) holds
 * umk_mempool_lock() around them; entries returned are valid only while the
 * lock is held. The pool knows no consensus rules: acceptance
 * (mempool-accept.h) and the chainstate decide what goes in and out.
 */
#pragma once

#include "common/args.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/tx.h"
#include "node/policy.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Defaults of the options (kernel/mempool_options.h). */
#define UMK_DEFAULT_MAX_MEMPOOL_SIZE_MB            300
#define UMK_DEFAULT_BLOCKSONLY_MAX_MEMPOOL_SIZE_MB 5
#define UMK_DEFAULT_MEMPOOL_EXPIRY_HOURS           336
#define UMK_DEFAULT_PERSIST_V1_DAT                 false
#define UMK_DEFAULT_ACCEPT_NON_STD_TXN             false
/* The rolling minimum fee halves every 12 hours (faster when the pool is
 * mostly empty). */
#define UMK_ROLLING_FEE_HALFLIFE (60 * 60 * 12)
/* Coins of mempool transactions have this height (Core's MEMPOOL_HEIGHT). */
#define UMK_MEMPOOL_HEIGHT 0x7FFFFFFF

typedef struct
{
  int64_t max_size_bytes; /* -maxmempool, in bytes */
  int64_t expiry_seconds; /* -mempoolexpiry, in seconds */
  UmkFeeRate incremental_relay_feerate;
  UmkFeeRate min_relay_feerate;
  UmkFeeRate dust_relay_feerate;
  int64_t max_datacarrier_bytes; /* -datacarriersize; -1 with -datacarrier=0 */
  bool permit_bare_multisig;
  bool require_standard; /* !-acceptnonstdtxn */
  bool persist_v1_dat;
  unsigned bytes_per_sigop;    /* -bytespersigop */
  unsigned cluster_count;      /* -limitclustercount */
  int64_t cluster_size_vbytes; /* -limitclustersize * 1000 */
  int64_t ancestor_count;      /* -limitancestorcount (wallet only) */
  int64_t descendant_count;    /* -limitdescendantcount (wallet only) */
} UmkMempoolOptions;

/* Fills the defaults. */
void umk_mempool_options_init (UmkMempoolOptions *opts);
/* Reads the options as Core's ApplyArgsManOptions does, with its messages
 * ("Invalid amount for -minrelaytxfee=<amount>: 'x'", "acceptnonstdtxn is
 * not currently supported for main chain", "-maxmempool must be at least N
 * MB", "limitclustercount must be less than or equal to 64"). */
gboolean umk_mempool_options_from_args (UmkMempoolOptions *opts, const UmkArgs *args,
                                        const UmkChainParams *params, GError **error);
/* Core's ParseMoney: "1.5", " 0.00001 " → satoshis. Returns: FALSE for
 * anything else (signs, exponents, more than 8 decimals, out of range). */
gboolean umk_parse_money (const char *text, int64_t *out);

/* The height and median time past a transaction's relative lock times need
 * (BIP 68), and the block those values depend on: while the active chain
 * still contains max_input_block, they stay valid across reorgs. */
typedef struct
{
  int height;
  int64_t time;
  UmkBlockIndex *max_input_block;
} UmkLockPoints;

/* Why a transaction left the pool (Core's MemPoolRemovalReason). */
typedef enum
{
  UMK_REMOVAL_EXPIRY,
  UMK_REMOVAL_SIZELIMIT,
  UMK_REMOVAL_REORG,
  UMK_REMOVAL_BLOCK,
  UMK_REMOVAL_CONFLICT,
  UMK_REMOVAL_REPLACED,
} UmkRemovalReason;

const char *umk_removal_reason_name (UmkRemovalReason reason);

typedef struct _UmkMempoolCluster UmkMempoolCluster;

/* One transaction in the pool. Fields are read-only for users, and valid
 * while the pool lock is held. */
typedef struct _UmkMempoolEntry UmkMempoolEntry;
struct _UmkMempoolEntry
{
  UmkTx *tx;
  int64_t fee;          /* what the transaction pays */
  int64_t modified_fee; /* fee plus the prioritisetransaction delta */
  int32_t weight;
  int32_t adjusted_weight; /* max(weight, sigops * bytes per sigop) */
  int32_t vsize;           /* adjusted weight / 4, rounded up */
  int64_t sigop_cost;
  int64_t time;      /* seconds since the epoch when it entered */
  uint64_t sequence; /* the pool's sequence number then (0 for reorg re-adds) */
  uint32_t height;   /* chain height when it entered */
  bool spends_coinbase;
  UmkLockPoints lock_points;
  size_t usage; /* estimated memory of the transaction */
  /* private */
  GPtrArray *parents;  /* in-pool parents (UmkMempoolEntry *) */
  GPtrArray *children; /* in-pool children */
  UmkMempoolCluster *cluster;
  int lin_index;   /* position in the cluster's linearization */
  int chunk_index; /* the chunk of the cluster it is in */
  int mark;        /* scratch for graph walks */
  bool staged;     /* in a changeset, not yet in the pool */
  bool in_pool;
  uint64_t id;               /* order of arrival, for ties in the expiry order */
  GPtrArray *staged_parents; /* staged entries only: parents, pool or staged */
};

typedef struct _UmkMempool UmkMempool;

UmkMempool *umk_mempool_new (const UmkMempoolOptions *opts) G_GNUC_WARN_UNUSED_RESULT;
void umk_mempool_free (UmkMempool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkMempool, umk_mempool_free)

const UmkMempoolOptions *umk_mempool_options (const UmkMempool *pool);

/* The recursive pool lock, for sequences of calls that must see one state. */
void umk_mempool_lock (UmkMempool *pool);
void umk_mempool_unlock (UmkMempool *pool);

/* The clock the pool reads (entry times, expiry, the rolling fee): the real
 * time, or a fixed time while a mock time (seconds, 0 for none) is set. */
void umk_mempool_set_mock_time (UmkMempool *pool, int64_t seconds);
int64_t umk_mempool_now (UmkMempool *pool);

/* ---- lookups ---- */

guint umk_mempool_size (UmkMempool *pool);
/* Sum of the entries' vsizes (getmempoolinfo "bytes"). */
uint64_t umk_mempool_total_vsize (UmkMempool *pool);
/* Sum of base fees. */
int64_t umk_mempool_total_fee (UmkMempool *pool);
/* Estimated memory use, as Core's DynamicMemoryUsage estimates it. */
size_t umk_mempool_usage (UmkMempool *pool);

UmkMempoolEntry *umk_mempool_get (UmkMempool *pool, const UmkUint256 *txid);
UmkMempoolEntry *umk_mempool_get_by_wtxid (UmkMempool *pool, const UmkUint256 *wtxid);
gboolean umk_mempool_exists (UmkMempool *pool, const UmkUint256 *txid);
gboolean umk_mempool_exists_wtxid (UmkMempool *pool, const UmkUint256 *wtxid);
/* Returns: a new reference to the transaction with this txid, or NULL. */
UmkTx *umk_mempool_get_tx (UmkMempool *pool, const UmkUint256 *txid) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the pool transaction spending out, or NULL (Core's GetConflictTx). */
UmkMempoolEntry *umk_mempool_get_spender (UmkMempool *pool, const UmkOutPoint *out);
gboolean umk_mempool_is_spent (UmkMempool *pool, const UmkOutPoint *out);
/* Copies the output a pool transaction creates. Returns: FALSE if the
 * transaction is not in the pool or has no such output. */
gboolean umk_mempool_get_output (UmkMempool *pool, const UmkOutPoint *out, UmkTxOut *output);

/* Every entry in mining order (chunks by rate, each chunk in its order):
 * getrawmempool's order. Free the array; entries stay the pool's. */
GPtrArray *umk_mempool_entries (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT;

/* Direct parents and children in the pool, ordered by txid bytes. */
GPtrArray *umk_mempool_parents (UmkMempool *pool, UmkMempoolEntry *e) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *umk_mempool_children (UmkMempool *pool, UmkMempoolEntry *e) G_GNUC_WARN_UNUSED_RESULT;
/* All in-pool ancestors or descendants, without e itself, ordered by txid
 * bytes (as Core's sets of iterators are). */
GPtrArray *umk_mempool_ancestors (UmkMempool *pool, UmkMempoolEntry *e) G_GNUC_WARN_UNUSED_RESULT;
GPtrArray *umk_mempool_descendants (UmkMempool *pool, UmkMempoolEntry *e) G_GNUC_WARN_UNUSED_RESULT;

/* Count, vsize and modified fees of the ancestor or descendant set, the entry
 * itself included. */
typedef struct
{
  size_t count;
  int64_t vsize;
  int64_t fees;
} UmkMempoolSetInfo;
void umk_mempool_ancestor_info (UmkMempool *pool, UmkMempoolEntry *e, UmkMempoolSetInfo *out);
void umk_mempool_descendant_info (UmkMempool *pool, UmkMempoolEntry *e, UmkMempoolSetInfo *out);

/* The chunk e is in: its modified fees and sigop-adjusted weight. */
UmkFeeFrac umk_mempool_chunk_feerate (UmkMempool *pool, UmkMempoolEntry *e);
/* The entries of e's cluster in linearization order (Core's GetCluster). */
GPtrArray *umk_mempool_cluster (UmkMempool *pool, UmkMempoolEntry *e) G_GNUC_WARN_UNUSED_RESULT;
/* Ancestor count and cluster size of a txid (0, 0 when absent), as the
 * wallet asks (GetTransactionAncestry). */
void umk_mempool_ancestry (UmkMempool *pool, const UmkUint256 *txid, size_t *ancestors,
                           size_t *cluster_count, size_t *ancestor_vsize, int64_t *ancestor_fees);
/* Whether tx or one of its in-pool ancestors signals BIP 125 replaceability.
 * Returns: 1 replaceable, 0 final, -1 unknown (tx not in the pool and not
 * signalling itself). */
int umk_mempool_rbf_opt_in (UmkMempool *pool, const UmkTx *tx);

/* The pool's fee rate diagram: cumulative (fee, weight) after each chunk in
 * mining order, starting with (0, 0) (getmempoolfeeratediagram). */
GArray *umk_mempool_feerate_diagram (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT; /* UmkFeeFrac */

/* Whether every cluster's order is known to be optimal (getmempoolinfo
 * "optimal"): false while some large cluster was ordered by a bounded search. */
gboolean umk_mempool_is_optimal (UmkMempool *pool);

/* ---- fees ---- */

/* The rolling minimum fee rate to enter (0 when the pool never filled),
 * decaying since the last eviction once a block has been seen. */
UmkFeeRate umk_mempool_min_fee (UmkMempool *pool);

/* prioritisetransaction: adds delta to txid's fee delta (kept whether or not
 * the transaction is in the pool; a zero sum removes it). */
void umk_mempool_prioritise (UmkMempool *pool, const UmkUint256 *txid, int64_t delta);
/* Returns: the delta of txid (0 without one). */
int64_t umk_mempool_get_delta (UmkMempool *pool, const UmkUint256 *txid);
void umk_mempool_clear_delta (UmkMempool *pool, const UmkUint256 *txid);

typedef struct
{
  UmkUint256 txid;
  int64_t delta;
  bool in_mempool;
  int64_t modified_fee; /* when in_mempool */
} UmkMempoolDelta;
/* Every delta, ordered by txid bytes (getprioritisedtransactions). */
GArray *umk_mempool_get_deltas (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT; /* UmkMempoolDelta */

/* ---- bookkeeping ---- */

/* The sequence number (getrawmempool mempool_sequence): bumped by every
 * addition and removal. */
uint64_t umk_mempool_sequence (UmkMempool *pool);
/* Counts changes, for getblocktemplate's long polling. */
unsigned umk_mempool_transactions_updated (UmkMempool *pool);

/* Transactions submitted locally that no peer has asked for yet. */
void umk_mempool_add_unbroadcast (UmkMempool *pool, const UmkUint256 *txid);
void umk_mempool_remove_unbroadcast (UmkMempool *pool, const UmkUint256 *txid);
gboolean umk_mempool_is_unbroadcast (UmkMempool *pool, const UmkUint256 *txid);
GArray *umk_mempool_get_unbroadcast (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT; /* UmkUint256 */
guint umk_mempool_unbroadcast_count (UmkMempool *pool);

/* Whether the first load of mempool.dat was tried (getmempoolinfo "loaded"). */
gboolean umk_mempool_load_tried (UmkMempool *pool);
void umk_mempool_set_load_tried (UmkMempool *pool, gboolean tried);

/* Called for every removal (not for additions), with the pool locked; used
 * by tests and later by notifications (ZMQ, wallet). */
typedef void (*UmkMempoolRemovedFunc) (UmkMempoolEntry *entry, UmkRemovalReason reason,
                                       gpointer user_data);
void umk_mempool_set_removed_callback (UmkMempool *pool, UmkMempoolRemovedFunc func,
                                       gpointer user_data);
/* Called for every transaction that entered the pool, with the pool locked,
 * after the removals its acceptance caused (the IPC server's
 * TransactionAddedToMempool). */
typedef void (*UmkMempoolAddedFunc) (UmkMempoolEntry *entry, gpointer user_data);
void umk_mempool_set_added_callback (UmkMempool *pool, UmkMempoolAddedFunc func,
                                     gpointer user_data);

/* ---- removals: what the chainstate calls ---- */

/* A block was connected: its transactions leave the pool (BLOCK), anything
 * spending the same outputs leaves with its descendants (CONFLICT), and their
 * fee deltas are dropped. Also lets the rolling minimum fee start decaying. */
void umk_mempool_remove_for_block (UmkMempool *pool, UmkTx *const *txs, size_t n_txs,
                                   unsigned height);
/* Removes tx and its descendants; when tx is not in the pool, the pool
 * transactions spending its outputs and their descendants. */
void umk_mempool_remove_recursive (UmkMempool *pool, const UmkTx *tx, UmkRemovalReason reason);
/* Removes every entry for which remove(entry) returns TRUE, with its
 * descendants (REORG). remove may update entry->lock_points. */
typedef gboolean (*UmkMempoolFilterFunc) (UmkMempoolEntry *entry, gpointer user_data);
void umk_mempool_remove_for_reorg (UmkMempool *pool, UmkMempoolFilterFunc remove,
                                   gpointer user_data);
/* After re-adding a disconnected block's transactions (txids in block order),
 * links them to the pool transactions that spend them, then drops what
 * breaks the cluster limits (SIZELIMIT), as Core's UpdateTransactionsFromBlock. */
void umk_mempool_update_transactions_from_block (UmkMempool *pool, const UmkUint256 *txids,
                                                 size_t n);
/* Drops transactions that entered before now - expiry, with descendants.
 * Returns: how many were removed. */
guint umk_mempool_expire (UmkMempool *pool, int64_t cutoff);
/* Evicts the worst chunks until the usage is at most size_limit, raising
 * the rolling minimum fee to the evicted rate plus the incremental fee.
 * no_spends (may be NULL) receives the outpoints (UmkOutPoint) that were
 * spent by evicted transactions and are not outputs of the pool. */
void umk_mempool_trim_to_size (UmkMempool *pool, size_t size_limit, GArray *no_spends);
/* Expiry then trimming to -maxmempool (Core's LimitMempoolSize). */
void umk_mempool_limit_size (UmkMempool *pool);

/* ---- mining: chunks in order (Core's TxGraph::BlockBuilder) ---- */

typedef struct _UmkMempoolBlockBuilder UmkMempoolBlockBuilder;

/* Starts walking the pool's chunks from the best rate. The pool must stay
 * locked and unchanged until the builder is freed. */
UmkMempoolBlockBuilder *umk_mempool_block_builder_new (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT;
/* The current chunk: its entries (parents before children) and their
 * total modified fee and sigop-adjusted weight. Returns: FALSE when no chunk
 * is left. */
gboolean umk_mempool_block_builder_current (UmkMempoolBlockBuilder *b,
                                            UmkMempoolEntry *const **entries, guint *n,
                                            UmkFeeFrac *feerate);
/* Takes the current chunk and moves to the next. */
void umk_mempool_block_builder_include (UmkMempoolBlockBuilder *b);
/* Leaves the current chunk out, and with it the rest of its cluster (later
 * chunks may depend on it). */
void umk_mempool_block_builder_skip (UmkMempoolBlockBuilder *b);
void umk_mempool_block_builder_free (UmkMempoolBlockBuilder *b);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkMempoolBlockBuilder, umk_mempool_block_builder_free)

/* ---- changesets: how acceptance adds (mempool-accept.c) ---- */

/* A proposed addition of transactions and removal of their conflicts. At
 * most one exists per pool; the pool is locked from _new to _free. */
typedef struct _UmkMempoolChangeset UmkMempoolChangeset;

UmkMempoolChangeset *umk_mempool_changeset_new (UmkMempool *pool) G_GNUC_WARN_UNUSED_RESULT;
void umk_mempool_changeset_free (UmkMempoolChangeset *cs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkMempoolChangeset, umk_mempool_changeset_free)

/* Stages tx (parents before children). The entry's modified fee includes
 * the pool's delta for the txid. Returns: the staged entry (owned by cs). */
UmkMempoolEntry *umk_mempool_changeset_add (UmkMempoolChangeset *cs, UmkTx *tx, int64_t fee,
                                            int64_t time, uint32_t height, uint64_t sequence,
                                            bool spends_coinbase, int64_t sigop_cost,
                                            const UmkLockPoints *lp);
void umk_mempool_changeset_remove (UmkMempoolChangeset *cs, UmkMempoolEntry *entry);
gboolean umk_mempool_changeset_is_removed (UmkMempoolChangeset *cs, UmkMempoolEntry *entry);
guint umk_mempool_changeset_n_added (UmkMempoolChangeset *cs);
guint umk_mempool_changeset_n_removed (UmkMempoolChangeset *cs);
/* The entries staged for removal. */
GPtrArray *umk_mempool_changeset_removals (UmkMempoolChangeset *cs) G_GNUC_WARN_UNUSED_RESULT;
/* Whether every cluster the change makes is within the cluster limits. */
gboolean umk_mempool_changeset_check_limits (UmkMempoolChangeset *cs);
/* In-pool (not staged) ancestors of a staged entry. */
GPtrArray *umk_mempool_changeset_ancestors (UmkMempoolChangeset *cs,
                                            UmkMempoolEntry *staged) G_GNUC_WARN_UNUSED_RESULT;
/* The fee rate diagrams (chunks, best first, in weight units) of the
 * clusters the change touches, before and after. Returns: FALSE when the
 * change breaks the cluster limits. */
gboolean umk_mempool_changeset_diagrams (UmkMempoolChangeset *cs, GArray **before, GArray **after);
/* Makes the change: removals (REPLACED), then additions. */
void umk_mempool_changeset_apply (UmkMempoolChangeset *cs);

/* Number of distinct clusters among entries (RBF rule 5). */
guint umk_mempool_count_clusters (UmkMempool *pool, UmkMempoolEntry *const *entries, guint n);

/* Core's CTxMemPool::check: asserts the pool's internal consistency (graph,
 * clusters, chunk order, totals). For tests. */
void umk_mempool_check (UmkMempool *pool);
