/* coins.h — the UTXO set as the chainstate sees it: an in-memory cache of
 * coins over the LMDB coins table, or over another cache.
 *
 * Two layers are used. The chainstate's main cache sits on the database and
 * holds every change since the last flush (-dbcache bounds its size). Each
 * block is connected into a small cache on top of it, which is merged down
 * only when the whole block turned out valid, so a bad block leaves no trace.
 *
 * Entries carry Core's two flags: DIRTY (differs from the layer below) and
 * FRESH (the layer below has no unspent coin here, so spending it may simply
 * forget it). With them a coin created and spent between two flushes never
 * reaches the database.
 *
 * Not thread-safe: the chainstate lock guards every cache.
 */
#pragma once

#include "common/coin.h"
#include "common/tx.h"
#include "common/uint256.h"
#include "node/db.h"

#include <glib.h>

typedef struct _UmkCoinsCache UmkCoinsCache;

/* A cache over the database (coins table of db) or over parent. */
UmkCoinsCache *umk_coins_cache_new_db (UmkDb *db) G_GNUC_WARN_UNUSED_RESULT;
UmkCoinsCache *umk_coins_cache_new_child (UmkCoinsCache *parent) G_GNUC_WARN_UNUSED_RESULT;
void umk_coins_cache_free (UmkCoinsCache *cache);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkCoinsCache, umk_coins_cache_free)

/* Returns: the unspent coin at out (owned by the cache, valid until the next
 * change to it), or NULL if there is none. A database read error is fatal to
 * the node (it cannot decide blocks without its UTXO set): logged, and the
 * node is asked to stop by the caller seeing *failed set. */
const UmkCoin *umk_coins_get (UmkCoinsCache *cache, const UmkOutPoint *out);

/* Adds a coin (moved from coin). With possible_overwrite false the caller
 * knows no unspent coin exists at out (BIP 30 was checked). */
void umk_coins_add (UmkCoinsCache *cache, const UmkOutPoint *out, UmkCoin *coin,
                    gboolean possible_overwrite);

/* Spends the coin at out, moving it into moved (may be NULL). Returns: FALSE
 * if there was no unspent coin. */
gboolean umk_coins_spend (UmkCoinsCache *cache, const UmkOutPoint *out, UmkCoin *moved);

/* Merges a child cache's changes into its parent and empties it. */
void umk_coins_cache_merge_into_parent (UmkCoinsCache *child);

/* Writes a database-backed cache's changes into txn. With erase the cache is
 * emptied afterwards, else only its dirty flags are cleared (call
 * umk_coins_cache_committed() after the commit succeeded). */
gboolean umk_coins_cache_write (UmkCoinsCache *cache, MDB_txn *txn, GError **error);
void umk_coins_cache_committed (UmkCoinsCache *cache, gboolean erase);

/* The block the coins describe the UTXO set after (zero for none). */
void umk_coins_cache_get_best_block (UmkCoinsCache *cache, UmkUint256 *out);
void umk_coins_cache_set_best_block (UmkCoinsCache *cache, const UmkUint256 *hash);

/* Approximate heap bytes used by the cache, and its number of entries. */
size_t umk_coins_cache_memory (const UmkCoinsCache *cache);
guint umk_coins_cache_size (const UmkCoinsCache *cache);
/* TRUE when a database read failed since the cache was made. */
gboolean umk_coins_cache_failed (const UmkCoinsCache *cache);

/* The database key of an outpoint: txid then the index big-endian, so that a
 * cursor walks the set in Core's order. */
#define UMK_COINS_KEY_SIZE 36
void umk_coins_key (const UmkOutPoint *out, uint8_t key[UMK_COINS_KEY_SIZE]);
void umk_coins_key_parse (const uint8_t key[UMK_COINS_KEY_SIZE], UmkOutPoint *out);
