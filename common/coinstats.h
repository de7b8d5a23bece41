/* coinstats.h — the statistics and hashes of gettxoutsetinfo over a UTXO set
 * (Umkoin Core's kernel/coinstats).
 *
 * Feed every coin in the database's order (by txid bytes, then output index)
 * to umk_coin_stats_add(), then call umk_coin_stats_finish(). Coins of one
 * transaction are grouped while they arrive consecutively, exactly as Core's
 * cursor loop groups them: each group counts as one transaction and its
 * outputs are hashed in index order.
 *
 * Each coin is hashed as Core's TxOutSer: txid (32 bytes) || index (uint32 LE)
 * || height * 2 + coinbase (uint32 LE) || value (int64 LE) || CompactSize
 * script length || script. hash_serialized_3 is SHA256d over all of them in
 * order; muhash is MuHash3072 over each of them as one element. Both are shown
 * as Core shows a uint256 (umk_uint256_to_hex, byte-reversed).
 */
#pragma once

#include "common/coin.h"
#include "common/muhash.h"
#include "common/tx.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum
{
  UMK_COIN_STATS_HASH_NONE,
  UMK_COIN_STATS_HASH_SERIALIZED, /* "hash_serialized_3" */
  UMK_COIN_STATS_HASH_MUHASH,     /* "muhash" */
} UmkCoinStatsHash;

typedef struct _UmkCoinStatsPriv UmkCoinStatsPriv;

typedef struct
{
  /* public, read-only; final after umk_coin_stats_finish() */
  UmkCoinStatsHash kind;
  uint64_t transactions;   /* "transactions": runs of coins with the same txid */
  uint64_t txouts;         /* "txouts": distinct outputs */
  uint64_t bogosize;       /* "bogosize" */
  uint64_t coins_count;    /* coins fed in (equals txouts unless an outpoint repeats) */
  int64_t total_amount;    /* "total_amount" in base units; meaningless unless total_amount_valid */
  bool total_amount_valid; /* false once the sum overflowed (Core's nullopt) */
  /* private */
  UmkCoinStatsPriv *priv;
} UmkCoinStats;

UmkCoinStats *umk_coin_stats_new (UmkCoinStatsHash kind);
void umk_coin_stats_free (UmkCoinStats *s);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkCoinStats, umk_coin_stats_free)

/* Adds one unspent coin (not spent). The coin is not kept. */
void umk_coin_stats_add (UmkCoinStats *s, const UmkOutPoint *outpoint, const UmkCoin *coin);
/* Ends the run and writes the hash (all zeros for UMK_COIN_STATS_HASH_NONE).
 * No coin may be added afterwards; call it once. */
void umk_coin_stats_finish (UmkCoinStats *s, UmkUint256 *hash_out);

/* Core's GetBogoSize: a database-independent size of one coin. */
static inline uint64_t
umk_coin_bogosize (size_t script_len)
{
  return 32 /* txid */ + 4 /* index */ + 4 /* height, coinbase */ + 8 /* amount */
         + 2 /* script length */ + script_len;
}

/* Appends the TxOutSer bytes of a coin (what both hashes consume). */
void umk_coin_txout_ser (GByteArray *w, const UmkOutPoint *outpoint, const UmkCoin *coin);
/* Adds a coin to / removes it from a MuHash set, as the coinstats index does. */
void umk_muhash_insert_coin (UmkMuHash *m, const UmkOutPoint *outpoint, const UmkCoin *coin);
void umk_muhash_remove_coin (UmkMuHash *m, const UmkOutPoint *outpoint, const UmkCoin *coin);
