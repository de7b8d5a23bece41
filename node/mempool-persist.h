/* mempool-persist.h — mempool.dat, as Umkoin Core v31.0 writes and reads it
 * (node/mempool_persist.cpp).
 *
 * Format: version (u64 little-endian): 1, or 2 followed by an 8-byte XOR key
 * (a CompactSize 8 and the bytes). From there on, with version 2, every byte
 * at file offset p is XORed with key[p % 8]. Then the number of transactions
 * (u64), each transaction (with witness) followed by its entry time and fee
 * delta (i64 each), the fee deltas of transactions not in the pool (CompactSize
 * count, then txid and i64 delta each, by txid), and the unbroadcast txids
 * (CompactSize count, then the txids).
 */
#pragma once

#include "node/mempool-accept.h"
#include "node/mempool.h"
#include "node/node.h"

#include <glib.h>

#define UMK_MEMPOOL_DUMP_VERSION_NO_XOR_KEY 1
#define UMK_MEMPOOL_DUMP_VERSION            2

/* <datadir>/mempool.dat. */
char *umk_mempool_dat_path (const char *datadir_net) G_GNUC_WARN_UNUSED_RESULT;

/* Writes the pool to path (through path.new, synced, then renamed), in
 * version 1 when the pool's persist_v1_dat option is set, else version 2
 * with a fresh key. */
gboolean umk_mempool_dump (UmkMempool *pool, const char *path, GError **error);

/* What Core's ImportMempoolOptions choose. */
typedef struct
{
  gboolean use_current_time;         /* entry times are now, not the file's */
  gboolean apply_fee_delta_priority; /* take over the fee deltas */
  gboolean apply_unbroadcast_set;    /* take over the unbroadcast set */
} UmkMempoolLoadOptions;

/* Defaults for loading at start-up: file times, deltas and unbroadcast set. */
void umk_mempool_load_options_init (UmkMempoolLoadOptions *opts);

typedef struct
{
  guint64 succeeded;
  guint64 failed;
  guint64 expired;
  guint64 already_there;
  guint64 unbroadcast;
} UmkMempoolLoadStats;

/* Reads path and offers its transactions to the pool (with the fee rules, as
 * Core does; entries older than the expiry are skipped) one at a time, as they
 * are read. A missing file, an unknown version, a bad key or a header cut short
 * load nothing. Damage further on stops the loading with an error (domain
 * UMK_ERROR, UMK_ERROR_INVALID) but keeps what was accepted before it, and
 * stats count those; damage in the fee deltas or unbroadcast set (read whole
 * after the entries) keeps all the transactions and applies neither. stats
 * may be NULL. */
gboolean umk_mempool_load (UmkMempool *pool, const char *path, const UmkMempoolLoadOptions *opts,
                           UmkMempoolViewFunc begin, UmkMempoolViewFunc end, gpointer user,
                           UmkMempoolLoadStats *stats, GError **error);

/* umk_mempool_load and umk_mempool_dump for the node: its pool, its chain view
 * (umk_node_mempool_view_begin/end) and <datadir>/mempool.dat. Loading marks
 * the pool's first load as tried, whatever the outcome. */
gboolean umk_node_load_mempool (UmkNode *node, const UmkMempoolLoadOptions *opts,
                                UmkMempoolLoadStats *stats, GError **error);
gboolean umk_node_dump_mempool (UmkNode *node, GError **error);
