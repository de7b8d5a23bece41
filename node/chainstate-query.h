/* chainstate-query.h — read-only questions the RPC methods ask the
 * chainstate beyond node/chainstate.h: pruning as Umkoin Core's BlockManager
 * reports it, v31's verification progress, and a consistent snapshot of the
 * UTXO database for gettxoutsetinfo.
 *
 * Functions that take no GError and return values about the index expect the
 * caller to hold the chainstate lock (umk_chainstate_lock()), as Core's
 * callers hold cs_main.
 */
#pragma once

#include "common/coin.h"
#include "common/tx.h"
#include "node/chainstate.h"

#include <glib.h>
#include <lmdb.h>
#include <stdint.h>

/* Blocks the node keeps below the tip whatever the pruning target. */
#define UMK_MIN_BLOCKS_TO_KEEP 288

/* Whether -prune is on (Core's IsPruneMode). *target_bytes receives the
 * automatic pruning target, or 0 when pruning is manual (-prune=1). */
gboolean umk_chainstate_query_prune_mode (UmkChainstate *cs, uint64_t *target_bytes);

/* Core's IsBlockPruned: some block file was deleted, this block's data is not
 * stored, and its data had been seen once (n_tx > 0). */
gboolean umk_chainstate_query_block_pruned (UmkChainstate *cs, const UmkBlockIndex *index);

/* Core's GetPruneHeight: the height of the highest block of the active chain
 * (genesis aside) that lacks its block or undo data below the first run of
 * complete blocks up to the tip; -1 when nothing is pruned. */
int umk_chainstate_query_last_pruned_height (UmkChainstate *cs);

/* Core v31's GuessVerificationProgress for index: when its time is within two
 * hours of now, "now" is moved back by the best header's lead in target
 * spacings, so the value settles at exactly 1 at the tip. */
double umk_chainstate_query_verification_progress (UmkChainstate *cs, const UmkBlockIndex *index);

/* ---- The UTXO database as of one moment ---------------------------------- */

typedef struct
{
  MDB_txn *txn;
  MDB_cursor *cursor;
  UmkUint256 best_block; /* the block the coins are the UTXO set after */
  int height;            /* its height */
  uint64_t disk_size;    /* pages the coins table takes, in bytes */
  gboolean started;
} UmkCoinsSnapshot;

/* Flushes the coins cache so the database holds the tip's UTXO set, and opens
 * a read transaction on it (LMDB keeps it unchanged while blocks connect).
 * Takes the chainstate lock itself; the caller should not hold it while
 * walking the snapshot. */
gboolean umk_chainstate_query_coins_snapshot (UmkChainstate *cs, UmkCoinsSnapshot *snap,
                                              GError **error);
/* The next coin in key order (txid bytes, then index). Returns: 1 with out
 * and coin (replaced), 0 at the end, -1 with error for a database read error
 * or a coin that does not parse. */
int umk_coins_snapshot_next (UmkCoinsSnapshot *snap, UmkOutPoint *out, UmkCoin *coin,
                             GError **error);
/* Ends the read transaction. */
void umk_coins_snapshot_clear (UmkCoinsSnapshot *snap);
