/* rpc-blockchain.c — the "blockchain" methods, as Umkoin Core v31's
 * rpc/blockchain.cpp answers them (result fields, their order, errors), over
 * the node's chainstate; and getrawtransaction (rpc/rawtransaction.cpp), which
 * needs the chain and the mempool. Help texts are our own.
 *
 * Each handler holds the chainstate lock while it builds its reply, so the
 * tip, the index and the stored blocks it reports belong to one moment; the
 * lock is never held while waiting (waitfor*) or while walking the UTXO
 * database (gettxoutsetinfo reads a snapshot).
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/chainstate-query.h"
#include "node/mempool.h"
#include "node/rpc-chain-util.h"
#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include "common/args.h"
#include "common/block-check.h"
#include "common/coinstats.h"
#include "common/hex.h"
#include "common/script-flags.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/versionbits.h"

#include <string.h>

/* Core's TIMESTAMP_WINDOW: pruneblockchain's slack for block times. */
#define TIMESTAMP_WINDOW (2 * 60 * 60)
/* Core's DEFAULT_CHECKLEVEL and DEFAULT_CHECKBLOCKS. */
#define DEFAULT_CHECKLEVEL  3
#define DEFAULT_CHECKBLOCKS 6

/* ---- Access to the chain ------------------------------------------------- */

/* The chainstate, or -28 while it is not there yet (Core's warm-up). */
static UmkChainstate *
chainstate (const UmkRpcCall *call, GError **error)
{
  UmkChainstate *cs = call->node->chainstate;
  if (cs == NULL)
    umk_rpc_set_error (error, UMK_RPC_IN_WARMUP, "Loading block index…");
  return cs;
}

/* Locks the chainstate for the rest of the scope. */
static void
unlock_chainstate (UmkChainstate **cs)
{
  if (*cs != NULL)
    umk_chainstate_unlock (*cs);
}

#define LOCK_CHAINSTATE(cs)                                                     \
  UmkChainstate *_held_##cs __attribute__ ((cleanup (unlock_chainstate))) = cs; \
  umk_chainstate_lock (cs)

static const UmkAddressParams *
address_params (const UmkRpcCall *call)
{
  return &call->node->params->address;
}

/* Core's LookupBlockIndex with -5 "Block not found". */
static UmkBlockIndex *
lookup_block (UmkChainstate *cs, const UmkUint256 *hash, GError **error)
{
  UmkBlockIndex *index = umk_chainstate_lookup (cs, hash);
  if (index == NULL)
    umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
  return index;
}

/* Core's ParseHashOrHeight: a height in the active chain, or a block hash. */
static UmkBlockIndex *
parse_hash_or_height (const UmkRpcCall *call, UmkChainstate *cs, guint i, GError **error)
{
  JsonNode *node = umk_rpc_param (call, i);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && (json_node_get_value_type (node) == G_TYPE_INT64
          || json_node_get_value_type (node) == G_TYPE_DOUBLE))
    {
      gint64 height;
      if (!umk_rpc_param_int (call, i, G_MININT, G_MAXINT, &height, error))
        return NULL;
      if (height < 0)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Target block height %" G_GINT64_FORMAT " is negative", height);
          return NULL;
        }
      const UmkActiveChain *chain = umk_chainstate_chain (cs);
      int tip = umk_active_chain_height (chain);
      if (height > tip)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Target block height %" G_GINT64_FORMAT " after current tip %d",
                             height, tip);
          return NULL;
        }
      return umk_active_chain_at (chain, (int) height);
    }
  UmkUint256 hash;
  if (!umk_rpc_param_hash (call, i, "hash_or_height", &hash, error))
    return NULL;
  return lookup_block (cs, &hash, error);
}

static gboolean
deprecated_rpc_enabled (const UmkRpcCall *call, const char *what)
{
  g_auto (GStrv) enabled = umk_args_get_list (call->node->args, "-deprecatedrpc");
  return g_strv_contains ((const char *const *) enabled, what);
}

/* ---- getblockcount, getbestblockhash, getdifficulty ----------------------- */

static gboolean
rpc_getblockcount (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  umk_json_writer_int (w, umk_active_chain_height (umk_chainstate_chain (cs)));
  return TRUE;
}

static gboolean
rpc_getbestblockhash (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  umk_rpc_write_hash (w, &umk_chainstate_tip (cs)->hash);
  return TRUE;
}

static gboolean
rpc_getdifficulty (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  umk_json_writer_double (w, umk_rpc_difficulty (umk_chainstate_tip (cs)->bits));
  return TRUE;
}

/* ---- getblockhash -------------------------------------------------------- */

static gboolean
rpc_getblockhash (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  gint64 height;
  if (cs == NULL || !umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &height, error))
    return FALSE;
  LOCK_CHAINSTATE (cs);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  if (height < 0 || height > umk_active_chain_height (chain))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Block height out of range");
      return FALSE;
    }
  umk_rpc_write_hash (w, &umk_active_chain_at (chain, (int) height)->hash);
  return TRUE;
}

static const UmkRpcArg getblockhash_args[] = {
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "A height in the best chain", 0, NULL },
};

/* ---- getblockheader ------------------------------------------------------ */

static gboolean
rpc_getblockheader (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  UmkUint256 hash;
  if (cs == NULL || !umk_rpc_param_hash (call, 0, "hash", &hash, error))
    return FALSE;
  gboolean verbose = TRUE;
  if (umk_rpc_param (call, 1) && !umk_rpc_param_bool (call, 1, &verbose, error))
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = lookup_block (cs, &hash, error);
  if (index == NULL)
    return FALSE;
  if (!verbose)
    {
      UmkBlockHeader header;
      umk_block_index_header (index, &header);
      uint8_t raw[UMK_BLOCK_HEADER_SIZE];
      umk_block_header_serialize (&header, raw);
      g_autofree char *hex = umk_hex_encode (raw, sizeof raw);
      umk_json_writer_string (w, hex);
      return TRUE;
    }
  umk_json_writer_begin_object (w);
  umk_rpc_write_header_fields (w, umk_chainstate_tip (cs), index);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getblockheader_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The hash of the block", 0,
    NULL },
  { "verbose", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "true for a JSON object, false for the serialized header in hex", 0, NULL },
};

/* ---- getblock ------------------------------------------------------------ */

static gboolean
rpc_getblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  UmkUint256 hash;
  gint64 verbosity;
  if (cs == NULL || !umk_rpc_param_hash (call, 0, "blockhash", &hash, error)
      || !umk_rpc_parse_verbosity (call, 1, 1, TRUE, &verbosity, error))
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = lookup_block (cs, &hash, error);
  if (index == NULL)
    return FALSE;
  g_autoptr (GBytes) bytes = umk_rpc_read_block_bytes_checked (cs, index, error);
  if (bytes == NULL)
    return FALSE;
  if (verbosity <= 0)
    {
      gsize len;
      const uint8_t *raw = g_bytes_get_data (bytes, &len);
      g_autofree char *hex = umk_hex_encode (raw, len);
      umk_json_writer_string (w, hex);
      return TRUE;
    }
  g_autoptr (GError) local = NULL;
  g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &local);
  if (block == NULL)
    {
      g_warning ("Block %d does not parse: %s", index->height, local->message);
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Block not found on disk");
      return FALSE;
    }
  return umk_rpc_write_block (w, cs, address_params (call), block, umk_chainstate_tip (cs), index,
                              (int) MIN (verbosity, 3), error);
}

static const UmkRpcArg getblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The hash of the block", 0,
    NULL },
  { "verbosity|verbose", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "1",
    "0: the serialized block in hex; 1: a JSON object with the transaction ids; 2: the "
    "transactions decoded as well; 3: also each input's previous output, where undo data exists",
    UMK_RPC_ARG_SKIP_TYPE_CHECK, NULL },
};

/* ---- getblockchaininfo --------------------------------------------------- */

static gboolean
rpc_getblockchaininfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  const UmkChainParams *p = call->node->params;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  UmkBlockIndex *best_header = umk_chainstate_best_header (cs);
  char bits[16];
  g_snprintf (bits, sizeof bits, "%08x", tip->bits);

  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "chain", umk_chain_name (p->chain));
  umk_json_writer_kv_int (w, "blocks", tip->height);
  umk_json_writer_kv_int (w, "headers", best_header != NULL ? best_header->height : -1);
  umk_rpc_kv_hash (w, "bestblockhash", &tip->hash);
  umk_json_writer_kv_string (w, "bits", bits);
  umk_rpc_kv_target (w, "target", tip->bits);
  umk_json_writer_kv_double (w, "difficulty", umk_rpc_difficulty (tip->bits));
  umk_json_writer_kv_int (w, "time", tip->time);
  umk_json_writer_kv_int (w, "mediantime", umk_block_index_median_time_past (tip));
  umk_json_writer_kv_double (w, "verificationprogress",
                             umk_chainstate_query_verification_progress (cs, tip));
  umk_json_writer_kv_bool (w, "initialblockdownload",
                           umk_chainstate_is_initial_block_download (cs));
  umk_rpc_kv_arith (w, "chainwork", &tip->chain_work);
  umk_json_writer_key (w, "size_on_disk");
  umk_json_writer_uint (w, umk_block_store_size_on_disk (umk_chainstate_block_store (cs)));
  uint64_t prune_target;
  gboolean prune_mode = umk_chainstate_query_prune_mode (cs, &prune_target);
  umk_json_writer_kv_bool (w, "pruned", prune_mode);
  if (prune_mode)
    {
      /* The first height still stored: one above the last pruned block. */
      int last_pruned = umk_chainstate_query_last_pruned_height (cs);
      umk_json_writer_kv_int (w, "pruneheight", last_pruned >= 0 ? last_pruned + 1 : 0);
      umk_json_writer_kv_bool (w, "automatic_pruning", prune_target != 0);
      if (prune_target != 0)
        {
          umk_json_writer_key (w, "prune_target_size");
          umk_json_writer_uint (w, prune_target);
        }
    }
  if (p->chain == UMK_CHAIN_SIGNET)
    {
      g_autofree char *challenge
          = umk_hex_encode (p->consensus.signet_challenge, p->consensus.signet_challenge_len);
      umk_json_writer_kv_string (w, "signet_challenge", challenge);
    }
  /* The node raises no warnings yet: an empty list, or the old single string. */
  umk_json_writer_key (w, "warnings");
  if (deprecated_rpc_enabled (call, "warnings"))
    umk_json_writer_string (w, "");
  else
    {
      umk_json_writer_begin_array (w);
      umk_json_writer_end_array (w);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- getchaintips --------------------------------------------------------- */

/* Highest first; blocks at one height in a fixed order (Core compares the
 * entries' addresses). */
static gint
compare_tips (gconstpointer a, gconstpointer b)
{
  const UmkBlockIndex *x = *(const UmkBlockIndex *const *) a;
  const UmkBlockIndex *y = *(const UmkBlockIndex *const *) b;
  if (x->height != y->height)
    return x->height > y->height ? -1 : 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

static const char *
tip_status (const UmkActiveChain *chain, const UmkBlockIndex *b)
{
  if (umk_active_chain_contains (chain, b))
    return "active";
  /* v31 marks descendants of an invalid block invalid too; our index keeps
   * them apart as failed children, which count the same here. */
  if (b->status & UMK_BLOCK_FAILED_MASK)
    return "invalid";
  if (b->chain_tx == 0)
    return "headers-only";
  if (umk_block_index_is_valid (b, UMK_BLOCK_VALID_SCRIPTS))
    return "valid-fork";
  if (umk_block_index_is_valid (b, UMK_BLOCK_VALID_TREE))
    return "valid-headers";
  return "unknown";
}

static gboolean
rpc_getchaintips (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  g_autoptr (GPtrArray) all = umk_chainstate_all_blocks (cs);
  /* Tips: blocks off the active chain that no other such block builds on,
   * plus the active tip. */
  g_autoptr (GHashTable) parents = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < all->len; i++)
    {
      const UmkBlockIndex *b = all->pdata[i];
      if (!umk_active_chain_contains (chain, b) && b->prev != NULL)
        g_hash_table_add (parents, b->prev);
    }
  g_autoptr (GPtrArray) tips = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    {
      UmkBlockIndex *b = all->pdata[i];
      if (!umk_active_chain_contains (chain, b) && !g_hash_table_contains (parents, b))
        g_ptr_array_add (tips, b);
    }
  g_ptr_array_add (tips, umk_active_chain_tip (chain));
  g_ptr_array_sort (tips, compare_tips);

  umk_json_writer_begin_array (w);
  for (guint i = 0; i < tips->len; i++)
    {
      UmkBlockIndex *b = tips->pdata[i];
      UmkBlockIndex *fork = umk_active_chain_find_fork (chain, b);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "height", b->height);
      umk_rpc_kv_hash (w, "hash", &b->hash);
      umk_json_writer_kv_int (w, "branchlen", b->height - (fork != NULL ? fork->height : -1));
      umk_json_writer_kv_string (w, "status", tip_status (chain, b));
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

/* ---- getchaintxstats ------------------------------------------------------ */

static gboolean
rpc_getchaintxstats (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  const UmkConsensusParams *consensus = &call->node->params->consensus;
  gint64 blockcount = 30 * 24 * 60 * 60 / consensus->pow_target_spacing; /* a month */
  UmkUint256 hash;
  gboolean given_hash = umk_rpc_param (call, 1) != NULL;
  if (given_hash && !umk_rpc_param_hash (call, 1, "blockhash", &hash, error))
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = umk_chainstate_tip (cs);
  if (given_hash)
    {
      index = lookup_block (cs, &hash, error);
      if (index == NULL)
        return FALSE;
      if (!umk_active_chain_contains (umk_chainstate_chain (cs), index))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Block is not in main chain");
          return FALSE;
        }
    }
  if (umk_rpc_param (call, 0) == NULL)
    blockcount = MAX (0, MIN (blockcount, (gint64) index->height - 1));
  else
    {
      if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &blockcount, error))
        return FALSE;
      if (blockcount < 0 || (blockcount > 0 && blockcount >= index->height))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Invalid block count: should be between 0 and the block's height - 1");
          return FALSE;
        }
    }
  const UmkBlockIndex *past
      = umk_block_index_get_ancestor (index, index->height - (int) blockcount);
  gint64 time_diff
      = umk_block_index_median_time_past (index) - umk_block_index_median_time_past (past);

  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "time", index->time);
  if (index->chain_tx != 0)
    {
      umk_json_writer_key (w, "txcount");
      umk_json_writer_uint (w, index->chain_tx);
    }
  umk_rpc_kv_hash (w, "window_final_block_hash", &index->hash);
  umk_json_writer_kv_int (w, "window_final_block_height", index->height);
  umk_json_writer_kv_int (w, "window_block_count", blockcount);
  if (blockcount > 0)
    {
      umk_json_writer_kv_int (w, "window_interval", time_diff);
      if (index->chain_tx != 0 && past->chain_tx != 0)
        {
          uint64_t window_tx = index->chain_tx - past->chain_tx;
          umk_json_writer_key (w, "window_tx_count");
          umk_json_writer_uint (w, window_tx);
          if (time_diff > 0)
            umk_json_writer_kv_double (w, "txrate", (double) window_tx / (double) time_diff);
        }
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getchaintxstats_args[] = {
  { "nblocks", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT, "one month", "How many blocks the window spans",
    0, NULL },
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_HINT, "chain tip", "The last block of the window",
    0, NULL },
};

/* ---- getblockstats -------------------------------------------------------- */

#define N_PERCENTILES 5
/* What one UTXO costs besides its output: outpoint, height and coinbase flag
 * (Core's PER_UTXO_OVERHEAD, sizes of its C++ members). */
#define PER_UTXO_OVERHEAD (36 + 4 + 1)

typedef struct
{
  int64_t feerate;
  int64_t weight;
} FeerateWeight;

static gint
compare_feerate_weight (gconstpointer a, gconstpointer b)
{
  const FeerateWeight *x = a, *y = b;
  if (x->feerate != y->feerate)
    return x->feerate < y->feerate ? -1 : 1;
  return x->weight < y->weight ? -1 : x->weight > y->weight ? 1 : 0;
}

static gint
compare_int64 (gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x < y ? -1 : x > y ? 1 : 0;
}

/* Core's CalculateTruncatedMedian: the mean of the middle two, rounded toward
 * zero, for an even count. */
static int64_t
truncated_median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_int64);
  guint n = values->len;
  const int64_t *v = (const int64_t *) (gpointer) values->data;
  return n % 2 == 0 ? (v[n / 2 - 1] + v[n / 2]) / 2 : v[n / 2];
}

/* Core's CalculatePercentilesByWeight: the fee rate at which the cumulative
 * weight reaches 10, 25, 50, 75 and 90 % of total_weight. */
static void
percentiles_by_weight (int64_t result[N_PERCENTILES], GArray *scores, int64_t total_weight)
{
  if (scores->len == 0)
    return;
  g_array_sort (scores, compare_feerate_weight);
  const double marks[N_PERCENTILES] = { total_weight / 10.0, total_weight / 4.0, total_weight / 2.0,
                                        (total_weight * 3.0) / 4.0, (total_weight * 9.0) / 10.0 };
  int next = 0;
  int64_t cumulative = 0;
  for (guint i = 0; i < scores->len; i++)
    {
      const FeerateWeight *e = &g_array_index (scores, FeerateWeight, i);
      cumulative += e->weight;
      while (next < N_PERCENTILES && cumulative >= marks[next])
        result[next++] = e->feerate;
    }
  for (int i = next; i < N_PERCENTILES; i++)
    result[i] = g_array_index (scores, FeerateWeight, scores->len - 1).feerate;
}

/* The serialized size of an output (Core's GetSerializeSize of a CTxOut). */
static uint64_t
txout_size (size_t script_len)
{
  return 8 + umk_compact_size_len (script_len) + script_len;
}

static const char *const block_stats_names[] = {
  "avgfee",
  "avgfeerate",
  "avgtxsize",
  "blockhash",
  "feerate_percentiles",
  "height",
  "ins",
  "maxfee",
  "maxfeerate",
  "maxtxsize",
  "medianfee",
  "mediantime",
  "mediantxsize",
  "minfee",
  "minfeerate",
  "mintxsize",
  "outs",
  "subsidy",
  "swtotal_size",
  "swtotal_weight",
  "swtxs",
  "time",
  "total_out",
  "total_size",
  "total_weight",
  "totalfee",
  "txs",
  "utxo_increase",
  "utxo_size_inc",
  "utxo_increase_actual",
  "utxo_size_inc_actual",
};

typedef struct
{
  const UmkBlockIndex *index;
  int64_t values[G_N_ELEMENTS (block_stats_names)];
  int64_t percentiles[N_PERCENTILES];
} BlockStats;

static void
write_block_stat (UmkJsonWriter *w, const BlockStats *s, guint i)
{
  umk_json_writer_key (w, block_stats_names[i]);
  if (strcmp (block_stats_names[i], "blockhash") == 0)
    umk_rpc_write_hash (w, &s->index->hash);
  else if (strcmp (block_stats_names[i], "feerate_percentiles") == 0)
    {
      umk_json_writer_begin_array (w);
      for (int k = 0; k < N_PERCENTILES; k++)
        umk_json_writer_int (w, s->percentiles[k]);
      umk_json_writer_end_array (w);
    }
  else
    umk_json_writer_int (w, s->values[i]);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gboolean
rpc_getblockstats (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = parse_hash_or_height (call, cs, 0, error);
  if (index == NULL)
    return FALSE;

  /* The chosen statistics, sorted and without repeats as Core's std::set. */
  g_autoptr (GPtrArray) wanted = g_ptr_array_new ();
  JsonNode *stats_node = umk_rpc_param (call, 1);
  if (stats_node != NULL)
    {
      JsonArray *arr = json_node_get_array (stats_node);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonNode *e = json_array_get_element (arr, i);
          if (!JSON_NODE_HOLDS_VALUE (e) || json_node_get_value_type (e) != G_TYPE_STRING)
            {
              umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                                 "JSON value of type %s is not of expected type string",
                                 umk_rpc_type_name (e));
              return FALSE;
            }
          g_ptr_array_add (wanted, (gpointer) json_node_get_string (e));
        }
      g_ptr_array_sort (wanted, compare_strings);
    }

  g_autoptr (UmkBlock) block = umk_rpc_read_block_checked (cs, index, error);
  if (block == NULL)
    return FALSE;
  g_auto (UmkBlockUndo) undo = { 0 };
  if (!umk_rpc_read_undo_checked (cs, index, &undo, error))
    return FALSE;
  if (index->height > 0 && undo.n + 1 != block->n_tx)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Can't read undo data from disk");
      return FALSE;
    }

  int64_t maxfee = 0, maxfeerate = 0, minfee = UMK_MAX_MONEY, minfeerate = UMK_MAX_MONEY;
  int64_t total_out = 0, totalfee = 0, inputs = 0, maxtxsize = 0;
  int64_t mintxsize = UMK_MAX_BLOCK_SERIALIZED_SIZE, outputs = 0;
  int64_t swtotal_size = 0, swtotal_weight = 0, swtxs = 0, total_size = 0, total_weight = 0;
  int64_t utxos = 0, utxo_size_inc = 0, utxo_size_inc_actual = 0;
  g_autoptr (GArray) fees = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (int64_t));
  g_autoptr (GArray) feerates = g_array_new (FALSE, FALSE, sizeof (FeerateWeight));
  gboolean bip30_repeat = umk_is_bip30_repeat (index);

  for (size_t i = 0; i < block->n_tx; i++)
    {
      const UmkTx *tx = block->tx[i];
      gboolean coinbase = umk_tx_is_coinbase (tx);
      outputs += tx->n_out;
      int64_t tx_out = 0;
      for (uint32_t k = 0; k < tx->n_out; k++)
        {
          const UmkTxOut *out = &tx->out[k];
          tx_out += out->value;
          uint64_t out_size = txout_size (out->script_pubkey.len) + PER_UTXO_OVERHEAD;
          utxo_size_inc += (int64_t) out_size;
          /* The genesis block and the two repeated coinbases add no coins;
           * unspendable outputs never enter the set. */
          if (index->height == 0 || (bip30_repeat && coinbase))
            continue;
          if (umk_script_is_unspendable (out->script_pubkey.data, out->script_pubkey.len))
            continue;
          utxos++;
          utxo_size_inc_actual += (int64_t) out_size;
        }
      if (coinbase)
        continue;

      inputs += tx->n_in;
      total_out += tx_out;
      int64_t tx_size = (int64_t) umk_tx_total_size (tx);
      g_array_append_val (sizes, tx_size);
      maxtxsize = MAX (maxtxsize, tx_size);
      mintxsize = MIN (mintxsize, tx_size);
      total_size += tx_size;
      int64_t weight = (int64_t) umk_tx_weight (tx);
      total_weight += weight;
      if (tx->has_witness)
        {
          swtxs++;
          swtotal_size += tx_size;
          swtotal_weight += weight;
        }

      const UmkTxUndo *txundo = &undo.txundo[i - 1];
      int64_t tx_in = 0;
      for (size_t k = 0; k < txundo->n; k++)
        {
          const UmkCoin *prev = &txundo->coins[k];
          tx_in += prev->value;
          uint64_t prev_size = txout_size (prev->script_len) + PER_UTXO_OVERHEAD;
          utxo_size_inc -= (int64_t) prev_size;
          utxo_size_inc_actual -= (int64_t) prev_size;
        }
      int64_t fee = tx_in - tx_out;
      if (fee < 0 || fee > UMK_MAX_MONEY)
        {
          UMK_RPC_INTERNAL_BUG (error, "MoneyRange(txfee)");
          return FALSE;
        }
      g_array_append_val (fees, fee);
      maxfee = MAX (maxfee, fee);
      minfee = MIN (minfee, fee);
      totalfee += fee;
      /* Satoshis per virtual byte. */
      FeerateWeight fw = { weight ? fee * UMK_WITNESS_SCALE_FACTOR / weight : 0, weight };
      g_array_append_val (feerates, fw);
      maxfeerate = MAX (maxfeerate, fw.feerate);
      minfeerate = MIN (minfeerate, fw.feerate);
    }

  BlockStats s = { .index = index };
  percentiles_by_weight (s.percentiles, feerates, total_weight);
  int64_t n_non_coinbase = (int64_t) block->n_tx - 1;
  const int64_t values[] = {
    n_non_coinbase > 0 ? totalfee / n_non_coinbase : 0,
    total_weight ? totalfee * UMK_WITNESS_SCALE_FACTOR / total_weight : 0,
    n_non_coinbase > 0 ? total_size / n_non_coinbase : 0,
    0, /* blockhash */
    0, /* feerate_percentiles */
    index->height,
    inputs,
    maxfee,
    maxfeerate,
    maxtxsize,
    truncated_median (fees),
    umk_block_index_median_time_past (index),
    truncated_median (sizes),
    minfee == UMK_MAX_MONEY ? 0 : minfee,
    minfeerate == UMK_MAX_MONEY ? 0 : minfeerate,
    mintxsize == UMK_MAX_BLOCK_SERIALIZED_SIZE ? 0 : mintxsize,
    outputs,
    umk_block_subsidy (index->height, &call->node->params->consensus),
    swtotal_size,
    swtotal_weight,
    swtxs,
    index->time,
    total_out,
    total_size,
    total_weight,
    totalfee,
    (int64_t) block->n_tx,
    outputs - inputs,
    utxo_size_inc,
    utxos - inputs,
    utxo_size_inc_actual,
  };
  G_STATIC_ASSERT (G_N_ELEMENTS (values) == G_N_ELEMENTS (block_stats_names));
  memcpy (s.values, values, sizeof values);

  umk_json_writer_begin_object (w);
  if (wanted->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (block_stats_names); i++)
      write_block_stat (w, &s, i);
  for (guint k = 0; k < wanted->len; k++)
    {
      const char *name = wanted->pdata[k];
      if (k > 0 && strcmp (name, wanted->pdata[k - 1]) == 0)
        continue;
      guint i = 0;
      while (i < G_N_ELEMENTS (block_stats_names) && strcmp (block_stats_names[i], name) != 0)
        i++;
      if (i == G_N_ELEMENTS (block_stats_names))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Invalid selected statistic '%s'",
                             name);
          return FALSE;
        }
      write_block_stat (w, &s, i);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getblockstats_stat = {
  "height", UMK_RPC_ARG_STR, UMK_RPC_ARG_OMITTED, NULL, "The name of a statistic", 0, NULL,
};

static const UmkRpcArg getblockstats_args[] = {
  { "hash_or_height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL,
    "The block, by hash (a string) or by height in the best chain", UMK_RPC_ARG_SKIP_TYPE_CHECK,
    NULL, 0, NULL, "string or numeric" },
  { "stats", UMK_RPC_ARG_ARR, UMK_RPC_ARG_HINT, "all values",
    "The statistics to compute (names as in the result)", 0, &getblockstats_stat, 1, "stats",
    NULL },
};

/* ---- gettxout ------------------------------------------------------------- */

static gboolean
rpc_gettxout (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkOutPoint out;
  gint64 n;
  gboolean include_mempool = TRUE;
  if (!umk_rpc_param_hash (call, 0, "txid", &out.hash, error)
      || !umk_rpc_param_int (call, 1, 0, G_MAXUINT32, &n, error)
      || (umk_rpc_param (call, 2) && !umk_rpc_param_bool (call, 2, &include_mempool, error)))
    return FALSE;
  out.n = (uint32_t) n;

  UmkCoinsCache *coins = umk_chainstate_coins (cs);
  UmkMempool *pool = call->node->mempool;
  /* The coin: from a mempool transaction (height "in the mempool"), else from
   * the UTXO set; nothing when a mempool transaction spends it. */
  int64_t value = 0;
  const uint8_t *script = NULL;
  size_t script_len = 0;
  gboolean coinbase = FALSE, in_mempool = FALSE, found = FALSE;
  uint32_t height = 0;
  g_autoptr (UmkTx) pool_tx = NULL;
  gboolean use_pool = include_mempool && pool != NULL, from_utxo = TRUE;
  /* The pool stays locked through the UTXO read, so that both are one view. */
  if (use_pool)
    {
      umk_mempool_lock (pool);
      if (umk_mempool_is_spent (pool, &out))
        from_utxo = FALSE;
      else if ((pool_tx = umk_mempool_get_tx (pool, &out.hash)) != NULL)
        {
          from_utxo = FALSE;
          if (out.n < pool_tx->n_out)
            {
              found = in_mempool = TRUE;
              value = pool_tx->out[out.n].value;
              script = pool_tx->out[out.n].script_pubkey.data;
              script_len = pool_tx->out[out.n].script_pubkey.len;
            }
        }
    }
  if (from_utxo)
    {
      const UmkCoin *coin = umk_coins_get (coins, &out);
      if (coin != NULL)
        {
          found = TRUE;
          value = coin->value;
          script = coin->script;
          script_len = coin->script_len;
          height = coin->height;
          coinbase = coin->coinbase;
        }
    }
  if (use_pool)
    umk_mempool_unlock (pool);
  if (!found)
    {
      umk_json_writer_null (w);
      return TRUE;
    }

  UmkUint256 best_hash;
  umk_coins_cache_get_best_block (coins, &best_hash);
  const UmkBlockIndex *best = umk_chainstate_lookup (cs, &best_hash);
  if (best == NULL)
    best = umk_chainstate_tip (cs);
  umk_json_writer_begin_object (w);
  umk_rpc_kv_hash (w, "bestblock", &best->hash);
  umk_json_writer_kv_int (w, "confirmations",
                          in_mempool ? 0 : (gint64) best->height - (gint64) height + 1);
  umk_json_writer_key (w, "value");
  umk_rpc_write_amount (w, value);
  umk_json_writer_key (w, "scriptPubKey");
  umk_rpc_write_script_pubkey (w, address_params (call), script, script_len);
  umk_json_writer_kv_bool (w, "coinbase", coinbase);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg gettxout_args[] = {
  { "txid", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "The transaction id", 0, NULL },
  { "n", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The output's index", 0, NULL },
  { "include_mempool", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "Also look at the mempool: its transactions' outputs count, and outputs they spend do not", 0,
    NULL },
};

/* ---- gettxoutsetinfo ------------------------------------------------------ */

static gboolean
stop_requested (gpointer dispatcher)
{
  return umk_rpc_dispatcher_interrupted (dispatcher);
}

static gboolean
rpc_gettxoutsetinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  const char *hash_type = "hash_serialized_3";
  if (umk_rpc_param (call, 0) && (hash_type = umk_rpc_param_str (call, 0, error)) == NULL)
    return FALSE;
  UmkCoinStatsHash kind;
  if (strcmp (hash_type, "hash_serialized_3") == 0)
    kind = UMK_COIN_STATS_HASH_SERIALIZED;
  else if (strcmp (hash_type, "muhash") == 0)
    kind = UMK_COIN_STATS_HASH_MUHASH;
  else if (strcmp (hash_type, "none") == 0)
    kind = UMK_COIN_STATS_HASH_NONE;
  else
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "'%s' is not a valid hash_type",
                         hash_type);
      return FALSE;
    }
  gboolean use_index = TRUE;
  if (umk_rpc_param (call, 2) && !umk_rpc_param_bool (call, 2, &use_index, error))
    return FALSE;
  /* Statistics of other blocks than the tip need a coinstats index, which this
   * node does not keep. */
  if (umk_rpc_param (call, 1) != NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Querying specific block heights requires coinstatsindex");
      return FALSE;
    }

  UmkCoinsSnapshot snap;
  g_autoptr (GError) local = NULL;
  if (!umk_chainstate_query_coins_snapshot (cs, &snap, &local))
    {
      g_warning ("gettxoutsetinfo: %s", local->message);
      umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "Unable to read UTXO set");
      return FALSE;
    }
  g_autoptr (UmkCoinStats) stats = umk_coin_stats_new (kind);
  UmkOutPoint out;
  g_auto (UmkCoin) coin = UMK_COIN_INIT;
  int rc;
  guint64 count = 0;
  while ((rc = umk_coins_snapshot_next (&snap, &out, &coin, &local)) == 1)
    {
      umk_coin_stats_add (stats, &out, &coin);
      if (++count % 8192 == 0 && stop_requested (call->dispatcher))
        {
          umk_coins_snapshot_clear (&snap);
          umk_rpc_set_error (error, UMK_RPC_CLIENT_NOT_CONNECTED, "Shutting down");
          return FALSE;
        }
    }
  umk_coins_snapshot_clear (&snap);
  if (rc < 0)
    {
      g_warning ("gettxoutsetinfo: %s", local->message);
      umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, "Unable to read UTXO set");
      return FALSE;
    }
  UmkUint256 hash;
  umk_coin_stats_finish (stats, &hash);
  if (!stats->total_amount_valid)
    {
      UMK_RPC_INTERNAL_BUG (error, "stats.total_amount.has_value()");
      return FALSE;
    }

  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "height", snap.height);
  umk_rpc_kv_hash (w, "bestblock", &snap.best_block);
  umk_json_writer_key (w, "txouts");
  umk_json_writer_uint (w, stats->txouts);
  umk_json_writer_key (w, "bogosize");
  umk_json_writer_uint (w, stats->bogosize);
  if (kind == UMK_COIN_STATS_HASH_SERIALIZED)
    umk_rpc_kv_hash (w, "hash_serialized_3", &hash);
  if (kind == UMK_COIN_STATS_HASH_MUHASH)
    umk_rpc_kv_hash (w, "muhash", &hash);
  umk_json_writer_key (w, "total_amount");
  umk_rpc_write_amount (w, stats->total_amount);
  umk_json_writer_key (w, "transactions");
  umk_json_writer_uint (w, stats->transactions);
  umk_json_writer_key (w, "disk_size");
  umk_json_writer_uint (w, snap.disk_size);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg gettxoutsetinfo_args[] = {
  { "hash_type", UMK_RPC_ARG_STR, UMK_RPC_ARG_DEFAULT, "\"hash_serialized_3\"",
    "The hash of the set to compute: 'hash_serialized_3' (SHA256d over every coin, the older "
    "one), 'muhash' or 'none'",
    0, NULL },
  { "hash_or_height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT, "the current best block",
    "A block by hash or height, for the set after it (needs -coinstatsindex)",
    UMK_RPC_ARG_SKIP_TYPE_CHECK, NULL },
  { "use_index", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "true",
    "Use the coinstats index when there is one", 0, NULL },
};

/* ---- getdeploymentinfo ---------------------------------------------------- */

static void
write_buried (UmkJsonWriter *w, const UmkBlockIndex *index, const UmkConsensusParams *c,
              UmkBuriedDeployment dep)
{
  if (!umk_buried_enabled (c, dep))
    return;
  umk_json_writer_key (w, umk_buried_deployment_name (dep));
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "type", "buried");
  /* Active from the block after index, as the mempool and the next block see it. */
  umk_json_writer_kv_bool (w, "active", umk_buried_active_after (index, c, dep));
  umk_json_writer_kv_int (w, "height", umk_consensus_buried_height (c, dep));
  umk_json_writer_end_object (w);
}

static void
write_bip9 (UmkJsonWriter *w, UmkVersionBitsCache *cache, const UmkBlockIndex *index,
            const UmkConsensusParams *c, UmkDeployment dep)
{
  if (!umk_deployment_enabled (c, dep))
    return;
  const UmkBip9Deployment *d = &c->deployments[dep];
  UmkBip9Info info;
  umk_versionbits_info (cache, index, c, dep, &info);

  umk_json_writer_key (w, umk_deployment_name (dep));
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "type", "bip9");
  gboolean active = FALSE;
  if (info.has_active_since)
    {
      umk_json_writer_kv_int (w, "height", info.active_since);
      active = info.active_since <= index->height + 1;
    }
  umk_json_writer_kv_bool (w, "active", active);
  umk_json_writer_key (w, "bip9");
  umk_json_writer_begin_object (w);
  if (info.has_stats)
    umk_json_writer_kv_int (w, "bit", d->bit);
  umk_json_writer_kv_int (w, "start_time", d->start_time);
  umk_json_writer_kv_int (w, "timeout", d->timeout);
  umk_json_writer_kv_int (w, "min_activation_height", d->min_activation_height);
  umk_json_writer_kv_string (w, "status", umk_threshold_state_name (info.current_state));
  umk_json_writer_kv_int (w, "since", info.since);
  umk_json_writer_kv_string (w, "status_next", umk_threshold_state_name (info.next_state));
  if (info.has_stats)
    {
      umk_json_writer_key (w, "statistics");
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "period", info.stats.period);
      umk_json_writer_kv_int (w, "elapsed", info.stats.elapsed);
      umk_json_writer_kv_int (w, "count", info.stats.count);
      if (info.stats.threshold > 0 || info.stats.possible)
        {
          umk_json_writer_kv_int (w, "threshold", info.stats.threshold);
          umk_json_writer_kv_bool (w, "possible", info.stats.possible);
        }
      umk_json_writer_end_object (w);
      umk_json_writer_kv_string (w, "signalling", info.signalling ? info.signalling : "");
    }
  umk_json_writer_end_object (w);
  umk_json_writer_end_object (w);
  umk_bip9_info_clear (&info);
}

static gboolean
rpc_getdeploymentinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  const UmkConsensusParams *c = &call->node->params->consensus;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = umk_chainstate_tip (cs);
  if (umk_rpc_param (call, 0) != NULL)
    {
      UmkUint256 hash;
      if (!umk_rpc_param_hash (call, 0, "blockhash", &hash, error)
          || (index = lookup_block (cs, &hash, error)) == NULL)
        return FALSE;
    }
  umk_json_writer_begin_object (w);
  umk_rpc_kv_hash (w, "hash", &index->hash);
  umk_json_writer_kv_int (w, "height", index->height);

  /* The flags' names in alphabetical order (Core lists them from a sorted map). */
  UmkScriptFlags flags = umk_block_script_flags (index, c);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  UmkScriptFlags leftover = flags;
  for (unsigned bit = 0; bit < UMK_SCRIPT_VERIFY_FLAG_COUNT; bit++)
    if (flags & (1ull << bit))
      {
        g_ptr_array_add (names, (gpointer) umk_script_flag_name (bit));
        leftover &= ~(1ull << bit);
      }
  g_ptr_array_sort (names, compare_strings);
  umk_json_writer_key (w, "script_flags");
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < names->len; i++)
    umk_json_writer_string (w, names->pdata[i]);
  if (leftover != 0)
    {
      char text[24];
      g_snprintf (text, sizeof text, "0x%08x", (unsigned) leftover);
      umk_json_writer_string (w, text);
    }
  umk_json_writer_end_array (w);

  umk_json_writer_key (w, "deployments");
  umk_json_writer_begin_object (w);
  write_buried (w, index, c, UMK_BURIED_HEIGHTINCB);
  write_buried (w, index, c, UMK_BURIED_DERSIG);
  write_buried (w, index, c, UMK_BURIED_CLTV);
  write_buried (w, index, c, UMK_BURIED_CSV);
  write_buried (w, index, c, UMK_BURIED_SEGWIT);
  UmkVersionBitsCache *cache = umk_chainstate_versionbits (cs);
  write_bip9 (w, cache, index, c, UMK_DEPLOYMENT_TESTDUMMY);
  write_bip9 (w, cache, index, c, UMK_DEPLOYMENT_TAPROOT);
  umk_json_writer_end_object (w);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getdeploymentinfo_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_DEFAULT, "\"hash of current chain tip\"",
    "The block after which the deployments' state is wanted", 0, NULL },
};

/* ---- invalidateblock, reconsiderblock, preciousblock ---------------------- */

typedef gboolean (*BlockAction) (UmkChainstate *cs, UmkBlockIndex *index, GError **error);

/* Looks the block up, then acts on it without holding the lock: the action
 * connects and disconnects blocks, taking the lock step by step. */
static gboolean
act_on_block (UmkRpcCall *call, UmkJsonWriter *w, BlockAction action, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  UmkUint256 hash;
  if (cs == NULL || !umk_rpc_param_hash (call, 0, "blockhash", &hash, error))
    return FALSE;
  umk_chainstate_lock (cs);
  UmkBlockIndex *index = lookup_block (cs, &hash, error);
  umk_chainstate_unlock (cs);
  if (index == NULL)
    return FALSE;
  g_autoptr (GError) local = NULL;
  if (!action (cs, index, &local))
    {
      umk_rpc_set_error (error, UMK_RPC_DATABASE_ERROR, "%s", local->message);
      return FALSE;
    }
  umk_json_writer_null (w);
  return TRUE;
}

static gboolean
rpc_invalidateblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  return act_on_block (call, w, umk_chainstate_invalidate_block, error);
}

static gboolean
rpc_reconsiderblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  return act_on_block (call, w, umk_chainstate_reconsider_block, error);
}

static gboolean
rpc_preciousblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  return act_on_block (call, w, umk_chainstate_precious_block, error);
}

static const UmkRpcArg invalidateblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The block to treat as invalid",
    0, NULL },
};
static const UmkRpcArg reconsiderblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The block to consider again", 0,
    NULL },
};
static const UmkRpcArg preciousblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The block to prefer", 0, NULL },
};

/* ---- verifychain ---------------------------------------------------------- */

static gboolean
rpc_verifychain (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  gint64 level = DEFAULT_CHECKLEVEL, depth = DEFAULT_CHECKBLOCKS;
  if ((umk_rpc_param (call, 0) && !umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &level, error))
      || (umk_rpc_param (call, 1)
          && !umk_rpc_param_int (call, 1, G_MININT, G_MAXINT, &depth, error)))
    return FALSE;
  g_autoptr (GError) local = NULL;
  gboolean ok = umk_chainstate_verify (cs, (int) level, (int) depth, &local);
  if (!ok)
    g_warning ("verifychain: %s", local != NULL ? local->message : "failed");
  umk_json_writer_bool (w, ok);
  return TRUE;
}

static const UmkRpcArg verifychain_args[] = {
  { "checklevel", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT, "3, range=0-4",
    "How much to check of each block:\n"
    "- level 0 reads the blocks from disk\n"
    "- level 1 checks that they are valid by themselves\n"
    "- level 2 reads their undo data too\n"
    "- level 3 disconnects them from the tip in memory to check the UTXO set\n"
    "- level 4 then connects them again, checking them fully\n"
    "- every level includes the ones before it",
    0, NULL },
  { "nblocks", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT, "6, 0=all", "How many blocks to check", 0, NULL },
};

/* ---- pruneblockchain ------------------------------------------------------ */

static gboolean
rpc_pruneblockchain (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  if (cs == NULL)
    return FALSE;
  uint64_t target;
  if (!umk_chainstate_query_prune_mode (cs, &target))
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR,
                         "Cannot prune blocks because node is not in prune mode.");
      return FALSE;
    }
  LOCK_CHAINSTATE (cs);
  gint64 height;
  if (!umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &height, error))
    return FALSE;
  if (height < 0)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Negative block height.");
      return FALSE;
    }
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  /* Above a billion it is a time (September 2001 on), not a height: the first
   * block that could be that late, with two hours' slack. */
  if (height > 1000000000)
    {
      UmkBlockIndex *b
          = umk_active_chain_find_earliest_at_least (chain, height - TIMESTAMP_WINDOW, 0);
      if (b == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Could not find block with at least the specified timestamp.");
          return FALSE;
        }
      height = b->height;
    }
  gint64 chain_height = umk_active_chain_height (chain);
  if ((uint64_t) chain_height < call->node->params->prune_after_height)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Blockchain is too short for pruning.");
      return FALSE;
    }
  if (height > chain_height)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Blockchain is shorter than the attempted prune height.");
      return FALSE;
    }
  if (height > chain_height - UMK_MIN_BLOCKS_TO_KEEP)
    {
      g_debug ("Attempt to prune blocks close to the tip. Retaining the minimum number of "
               "blocks.");
      height = chain_height - UMK_MIN_BLOCKS_TO_KEEP;
    }
  g_autoptr (GError) local = NULL;
  if (umk_chainstate_prune_to (cs, (int) height, &local) < 0 && local != NULL)
    g_warning ("pruneblockchain: %s", local->message);
  umk_json_writer_int (w, umk_chainstate_query_last_pruned_height (cs));
  return TRUE;
}

static const UmkRpcArg pruneblockchain_args[] = {
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL,
    "The height to prune up to, or a time in seconds since 1970 (a value above 1000000000): "
    "then blocks at least two hours older than it are pruned",
    0, NULL },
};

/* ---- waitfornewblock, waitforblock, waitforblockheight ------------------ */

static gboolean
parse_timeout (const UmkRpcCall *call, guint i, gint64 *timeout_ms, GError **error)
{
  *timeout_ms = 0;
  if (umk_rpc_param (call, i)
      && !umk_rpc_param_int (call, i, G_MININT, G_MAXINT, timeout_ms, error))
    return FALSE;
  if (*timeout_ms < 0)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Negative timeout");
      return FALSE;
    }
  return TRUE;
}

static void
write_block_ref (UmkJsonWriter *w, const UmkUint256 *hash, int height)
{
  umk_json_writer_begin_object (w);
  umk_rpc_kv_hash (w, "hash", hash);
  umk_json_writer_kv_int (w, "height", height);
  umk_json_writer_end_object (w);
}

static void
current_tip (UmkChainstate *cs, UmkUint256 *hash, int *height)
{
  umk_chainstate_lock (cs);
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  *hash = tip->hash;
  *height = tip->height;
  umk_chainstate_unlock (cs);
}

/* Waits for the tip to be another block than *hash; fills in the tip. FALSE
 * when the server is stopping (the values are then left alone). */
static gboolean
wait_tip_changed (UmkRpcCall *call, UmkChainstate *cs, UmkUint256 *hash, int *height,
                  gint64 deadline_us)
{
  UmkUint256 h = *hash;
  int n = *height;
  umk_chainstate_wait_tip (cs, &h, &n, deadline_us, stop_requested, call->dispatcher);
  if (umk_rpc_dispatcher_interrupted (call->dispatcher))
    return FALSE;
  *hash = h;
  *height = n;
  return TRUE;
}

static gboolean
rpc_waitfornewblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  gint64 timeout;
  if (cs == NULL || !parse_timeout (call, 0, &timeout, error))
    return FALSE;
  UmkUint256 tip_hash;
  int tip_height;
  current_tip (cs, &tip_hash, &tip_height);
  /* Wait for the tip to differ from current_tip, or from the tip now: a
   * current_tip that is not the tip returns at once. */
  UmkUint256 hash = tip_hash;
  if (umk_rpc_param (call, 1) && !umk_rpc_param_hash (call, 1, "current_tip", &hash, error))
    return FALSE;
  int height = tip_height;
  gint64 deadline = timeout > 0 ? g_get_monotonic_time () + timeout * 1000 : -1;
  if (wait_tip_changed (call, cs, &hash, &height, deadline))
    {
      tip_hash = hash;
      tip_height = height;
    }
  write_block_ref (w, &tip_hash, tip_height);
  return TRUE;
}

static gboolean
rpc_waitforblock (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  UmkUint256 want;
  gint64 timeout;
  if (cs == NULL || !umk_rpc_param_hash (call, 0, "blockhash", &want, error)
      || !parse_timeout (call, 1, &timeout, error))
    return FALSE;
  UmkUint256 hash;
  int height;
  current_tip (cs, &hash, &height);
  gint64 deadline = g_get_monotonic_time () + timeout * 1000;
  while (!umk_uint256_equal (&hash, &want))
    {
      if (timeout > 0 && g_get_monotonic_time () >= deadline)
        break;
      if (!wait_tip_changed (call, cs, &hash, &height, timeout > 0 ? deadline : -1))
        break;
    }
  write_block_ref (w, &hash, height);
  return TRUE;
}

static gboolean
rpc_waitforblockheight (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  gint64 want, timeout;
  if (cs == NULL || !umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &want, error)
      || !parse_timeout (call, 1, &timeout, error))
    return FALSE;
  UmkUint256 hash;
  int height;
  current_tip (cs, &hash, &height);
  gint64 deadline = g_get_monotonic_time () + timeout * 1000;
  while (height < want)
    {
      if (timeout > 0 && g_get_monotonic_time () >= deadline)
        break;
      if (!wait_tip_changed (call, cs, &hash, &height, timeout > 0 ? deadline : -1))
        break;
    }
  write_block_ref (w, &hash, height);
  return TRUE;
}

#define TIMEOUT_ARG(fallback)                                               \
  {                                                                         \
    "timeout", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, fallback,              \
        "How long to wait, in milliseconds; 0 waits without limit", 0, NULL \
  }

static const UmkRpcArg waitfornewblock_args[] = {
  TIMEOUT_ARG ("0"),
  { "current_tip", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL,
    "Wait until the tip is another block than this one", 0, NULL },
};
static const UmkRpcArg waitforblock_args[] = {
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL,
    "The block that should become the tip", 0, NULL },
  TIMEOUT_ARG ("0"),
};
static const UmkRpcArg waitforblockheight_args[] = {
  { "height", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The height the tip should reach", 0,
    NULL },
  TIMEOUT_ARG ("0"),
};

/* ---- syncwithvalidationinterfacequeue ------------------------------------- */

static gboolean
rpc_syncwithvalidationinterfacequeue (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) call;
  (void) error;
  /* The chainstate calls its listeners before it returns: nothing is queued. */
  umk_json_writer_null (w);
  return TRUE;
}

/* ---- getrawtransaction ---------------------------------------------------- */

/* Core's TxToJSON: the transaction's fields, then where it was found. */
static void
write_tx_with_context (UmkJsonWriter *w, UmkChainstate *cs, const UmkAddressParams *params,
                       const UmkTx *tx, const UmkUint256 *block_hash, const UmkTxUndo *undo)
{
  umk_rpc_write_tx_fields (w, params, tx, undo, undo != NULL, TRUE);
  if (umk_uint256_is_zero (block_hash))
    return;
  umk_rpc_kv_hash (w, "blockhash", block_hash);
  const UmkBlockIndex *index = umk_chainstate_lookup (cs, block_hash);
  if (index == NULL)
    return;
  const UmkActiveChain *chain = umk_chainstate_chain (cs);
  if (umk_active_chain_contains (chain, index))
    {
      umk_json_writer_kv_int (w, "confirmations",
                              1 + umk_active_chain_height (chain) - index->height);
      umk_json_writer_kv_int (w, "time", index->time);
      umk_json_writer_kv_int (w, "blocktime", index->time);
    }
  else
    umk_json_writer_kv_int (w, "confirmations", 0);
}

/* Core's GetTransaction: the mempool (unless a block is given), the
 * transaction index, then the given block. */
static UmkTx *
find_transaction (UmkRpcCall *call, UmkChainstate *cs, const UmkUint256 *txid,
                  const UmkBlockIndex *index, UmkUint256 *block_hash)
{
  memset (block_hash, 0, sizeof *block_hash);
  if (index == NULL && call->node->mempool != NULL)
    {
      UmkTx *tx = umk_mempool_get_tx (call->node->mempool, txid);
      if (tx != NULL)
        return tx;
    }
  if (umk_chainstate_txindex_enabled (cs))
    {
      UmkTx *tx = NULL;
      UmkUint256 found_in;
      g_autoptr (GError) local = NULL;
      if (!umk_chainstate_txindex_find (cs, txid, &found_in, &tx, &local))
        g_warning ("Reading the transaction index: %s", local->message);
      else if (tx != NULL)
        {
          /* A transaction in another block than the given one is looked for
           * in the given block below (it may be in both, after a reorg). */
          if (index == NULL || umk_uint256_equal (&index->hash, &found_in))
            {
              *block_hash = found_in;
              return tx;
            }
          umk_tx_unref (tx);
        }
    }
  if (index != NULL && (index->status & UMK_BLOCK_HAVE_DATA))
    {
      g_autoptr (GError) local = NULL;
      g_autoptr (UmkBlock) block = umk_chainstate_read_block (cs, index, &local);
      if (block != NULL)
        for (size_t i = 0; i < block->n_tx; i++)
          if (umk_uint256_equal (&block->tx[i]->txid, txid))
            {
              *block_hash = index->hash;
              return umk_tx_ref (block->tx[i]);
            }
    }
  return NULL;
}

#define UNDO_UNREADABLE                                                                       \
  "Undo data expected but can't be read. This could be due to disk corruption or a conflict " \
  "with a pruning event."
#define BLOCK_UNREADABLE                                                                       \
  "Block data expected but can't be read. This could be due to disk corruption or a conflict " \
  "with a pruning event."

static gboolean
rpc_getrawtransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkChainstate *cs = chainstate (call, error);
  UmkUint256 txid;
  if (cs == NULL || !umk_rpc_param_hash (call, 0, "parameter 1", &txid, error))
    return FALSE;
  if (umk_uint256_equal (&txid, &call->node->params->genesis->header.merkle_root))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY,
                         "The genesis block coinbase is not considered an ordinary transaction "
                         "and cannot be retrieved");
      return FALSE;
    }
  gint64 verbosity;
  if (!umk_rpc_parse_verbosity (call, 1, 0, TRUE, &verbosity, error))
    return FALSE;
  LOCK_CHAINSTATE (cs);
  UmkBlockIndex *index = NULL;
  gboolean given_block = umk_rpc_param (call, 2) != NULL;
  if (given_block)
    {
      UmkUint256 hash;
      if (!umk_rpc_param_hash (call, 2, "parameter 3", &hash, error))
        return FALSE;
      index = umk_chainstate_lookup (cs, &hash);
      if (index == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found");
          return FALSE;
        }
    }

  UmkUint256 block_hash;
  g_autoptr (UmkTx) tx = find_transaction (call, cs, &txid, index, &block_hash);
  if (tx == NULL)
    {
      const char *what;
      if (index != NULL)
        {
          if (!(index->status & UMK_BLOCK_HAVE_DATA))
            {
              umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Block not available");
              return FALSE;
            }
          what = "No such transaction found in the provided block";
        }
      else if (!umk_chainstate_txindex_enabled (cs))
        what = "No such mempool transaction. Use -txindex or provide a block hash to enable "
               "blockchain transaction queries";
      else
        what = "No such mempool or blockchain transaction";
      umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY,
                         "%s. Use gettransaction for wallet transactions.", what);
      return FALSE;
    }

  if (verbosity <= 0)
    {
      g_autofree char *hex = umk_hex_encode (tx->raw.data, tx->raw.len);
      umk_json_writer_string (w, hex);
      return TRUE;
    }

  const UmkAddressParams *params = address_params (call);
  if (!given_block)
    index = umk_uint256_is_zero (&block_hash) ? NULL : umk_chainstate_lookup (cs, &block_hash);
  /* Verbosity 2 adds the fee and the spent outputs from the block's undo
   * data, where the block has any data at all. */
  g_auto (UmkBlockUndo) undo = { 0 };
  const UmkTxUndo *txundo = NULL;
  if (verbosity >= 2 && !umk_tx_is_coinbase (tx) && index != NULL
      && (index->status & UMK_BLOCK_HAVE_MASK))
    {
      g_autoptr (GError) local = NULL;
      if (!umk_chainstate_read_undo (cs, index, &undo, &local))
        {
          g_warning ("getrawtransaction: %s", local->message);
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, UNDO_UNREADABLE);
          return FALSE;
        }
      g_autoptr (UmkBlock) block = umk_chainstate_read_block (cs, index, &local);
      if (block == NULL)
        {
          g_warning ("getrawtransaction: %s", local->message);
          umk_rpc_set_error (error, UMK_RPC_INTERNAL_ERROR, BLOCK_UNREADABLE);
          return FALSE;
        }
      for (size_t i = 1; i < block->n_tx && i - 1 < undo.n; i++)
        if (umk_uint256_equal (&block->tx[i]->wtxid, &tx->wtxid))
          {
            txundo = &undo.txundo[i - 1];
            break;
          }
    }

  umk_json_writer_begin_object (w);
  if (given_block)
    umk_json_writer_kv_bool (w, "in_active_chain",
                             umk_active_chain_contains (umk_chainstate_chain (cs), index));
  write_tx_with_context (w, cs, params, tx, &block_hash, txundo);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg getrawtransaction_args[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The transaction id", 0, NULL },
  { "verbosity|verbose", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "0",
    "0: the serialized transaction in hex; 1: a JSON object; 2: a JSON object with the fee and "
    "each input's previous output",
    UMK_RPC_ARG_SKIP_TYPE_CHECK, NULL },
  { "blockhash", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL,
    "The block to look for the transaction in", 0, NULL },
};

/* ---- Help texts ------------------------------------------------------------ */

#define WAIT_RESULT                                        \
  "\nResult:\n"                                            \
  "{                       (json object)\n"                \
  "  \"hash\" : \"hex\",       (string) The tip's hash\n"  \
  "  \"height\" : n          (numeric) The tip's height\n" \
  "}\n"

#define HASH_EXAMPLE "\"60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d\""

#define HEADER_FIELDS_RESULT                                                                     \
  "  \"hash\" : \"hex\",                 (string) The block's hash\n"                            \
  "  \"confirmations\" : n,            (numeric) Blocks on top of it in the best chain, itself " \
  "included; -1 outside the best chain\n"                                                        \
  "  \"height\" : n,                   (numeric) Its height\n"                                   \
  "  \"version\" : n,                  (numeric) The version field\n"                            \
  "  \"versionHex\" : \"hex\",           (string) The version field in hex\n"                    \
  "  \"merkleroot\" : \"hex\",           (string) The merkle root of its transactions\n"         \
  "  \"time\" : xxx,                   (numeric) Its timestamp, in seconds since 1970\n"         \
  "  \"mediantime\" : xxx,             (numeric) The median timestamp of it and the ten "        \
  "blocks before\n"                                                                              \
  "  \"nonce\" : n,                    (numeric) The nonce\n"                                    \
  "  \"bits\" : \"hex\",                 (string) The target in compact form\n"                  \
  "  \"target\" : \"hex\",               (string) The target\n"                                  \
  "  \"difficulty\" : n,               (numeric) The difficulty\n"                               \
  "  \"chainwork\" : \"hex\",            (string) Work of the chain up to it, in hex\n"          \
  "  \"nTx\" : n,                      (numeric) Its number of transactions\n"                   \
  "  \"previousblockhash\" : \"hex\",    (string, optional) The block before it\n"               \
  "  \"nextblockhash\" : \"hex\",        (string, optional) The block after it, if in the best " \
  "chain\n"

/* A "prevout" member as verbosity 3 of getblock and 2 of getrawtransaction
 * show it inside an input. */
#define PREVOUT_RESULT                                                                    \
  "  \"prevout\" : {                   (json object, optional) The output it spends, if " \
  "undo data is stored\n"                                                                 \
  "    \"generated\" : true|false,     (boolean) Whether a coinbase made it\n"            \
  "    \"height\" : n,                 (numeric) The height of the block that made it\n"  \
  "    \"value\" : n,                  (numeric) Its amount in UMK\n"                     \
  "    \"scriptPubKey\" : {            (json object) Its script, as in \"vout\"\n"        \
  "      ...\n"                                                                           \
  "    }\n"                                                                               \
  "  }\n"

#define TX_FIELDS_RESULT                                                                        \
  "  \"txid\" : \"hex\",                 (string) The transaction id\n"                         \
  "  \"hash\" : \"hex\",                 (string) The witness transaction id\n"                 \
  "  \"version\" : n,                  (numeric) The version\n"                                 \
  "  \"size\" : n,                     (numeric) The serialized size\n"                         \
  "  \"vsize\" : n,                    (numeric) The virtual size (weight / 4, rounded up)\n"   \
  "  \"weight\" : n,                   (numeric) The weight (BIP 141)\n"                        \
  "  \"locktime\" : xxx,               (numeric) The lock time\n"                               \
  "  \"vin\" : [                       (json array) The inputs: txid, vout, scriptSig "         \
  "{asm, hex} (or coinbase), txinwitness, [prevout], sequence\n"                                \
  "    ...\n"                                                                                   \
  "  ],\n"                                                                                      \
  "  \"vout\" : [                      (json array) The outputs: value, n, scriptPubKey\n"      \
  "    ...\n"                                                                                   \
  "  ],\n"                                                                                      \
  "  \"fee\" : n,                      (numeric, optional) The fee, where undo data tells the " \
  "spent amounts\n"                                                                             \
  "  \"hex\" : \"hex\",                  (string) The serialized transaction\n"

/* ---- The table ----------------------------------------------------------- */

const UmkRpcMethod umk_rpc_blockchain_methods[] = {
  { "blockchain", "getbestblockhash",
    "Gives the hash of the tip of the best fully validated chain.", NULL, 0,
    "\nResult:\n"
    "\"hex\"    (string) The tip's block hash\n",
    UMK_RPC_EXAMPLES ("getbestblockhash", "", ""), rpc_getbestblockhash },
  { "blockchain", "getblock",
    "Gives a block: in hex (verbosity 0), or as a JSON object with its header fields and "
    "transaction ids (1), with its transactions decoded (2), or with their inputs' previous "
    "outputs too (3; only where the block's undo data is stored, so for blocks of the best "
    "chain that are not pruned).",
    getblock_args, G_N_ELEMENTS (getblock_args),
    "\nResult (for verbosity = 0):\n"
    "\"hex\"    (string) The serialized block\n"
    "\nResult (for verbosity = 1):\n"
    "{                                 (json object)\n" HEADER_FIELDS_RESULT
    "  \"strippedsize\" : n,             (numeric) Its size without witness data\n"
    "  \"size\" : n,                     (numeric) Its size in bytes\n"
    "  \"weight\" : n,                   (numeric) Its weight (BIP 141)\n"
    "  \"coinbase_tx\" : {               (json object) Fields of its coinbase transaction\n"
    "    \"version\" : n,                (numeric) The version\n"
    "    \"locktime\" : n,               (numeric) The lock time\n"
    "    \"sequence\" : n,               (numeric) The input's sequence number\n"
    "    \"coinbase\" : \"hex\",           (string) The input's script\n"
    "    \"witness\" : \"hex\"             (string, optional) The input's witness item, if any\n"
    "  },\n"
    "  \"tx\" : [                        (json array) Its transaction ids\n"
    "    \"hex\",                        (string) A transaction id\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\nResult (for verbosity = 2):\n"
    "{                                 (json object)\n"
    "  ...,                            As for verbosity 1, but each member of \"tx\" is the\n"
    "                                  decoded transaction as getrawtransaction shows it, with\n"
    "  \"fee\" : n                       (numeric, optional) its fee, if undo data is stored\n"
    "}\n"
    "\nResult (for verbosity = 3):\n"
    "{                                 (json object)\n"
    "  ...,                            As for verbosity 2, and each input has\n" PREVOUT_RESULT
    "}\n",
    UMK_RPC_EXAMPLES ("getblock", HASH_EXAMPLE, HASH_EXAMPLE), rpc_getblock },
  { "blockchain", "getblockchaininfo", "Describes the state of the block chain.", NULL, 0,
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"chain\" : \"str\",                (string) The chain: main, test, testnet4, signet or "
    "regtest\n"
    "  \"blocks\" : n,                   (numeric) Height of the best fully validated chain\n"
    "  \"headers\" : n,                  (numeric) Height of the best validated header\n"
    "  \"bestblockhash\" : \"str\",        (string) The tip's hash\n"
    "  \"bits\" : \"hex\",                 (string) The tip's target in compact form\n"
    "  \"target\" : \"hex\",               (string) The tip's target\n"
    "  \"difficulty\" : n,               (numeric) The tip's difficulty\n"
    "  \"time\" : xxx,                   (numeric) The tip's timestamp\n"
    "  \"mediantime\" : xxx,             (numeric) The tip's median time past\n"
    "  \"verificationprogress\" : n,     (numeric) Estimated share of the chain verified, 0 to "
    "1\n"
    "  \"initialblockdownload\" : true|false,    (boolean) Whether the node thinks it is still "
    "catching up\n"
    "  \"chainwork\" : \"hex\",            (string) Work of the best chain, in hex\n"
    "  \"size_on_disk\" : n,             (numeric) Bytes of block and undo files on disk\n"
    "  \"pruned\" : true|false,          (boolean) Whether old blocks are deleted\n"
    "  \"pruneheight\" : n,              (numeric, optional) The lowest height still stored "
    "(pruning only)\n"
    "  \"automatic_pruning\" : true|false,    (boolean, optional) Whether pruning is automatic "
    "(pruning only)\n"
    "  \"prune_target_size\" : n,        (numeric, optional) The size pruning keeps to "
    "(automatic pruning only)\n"
    "  \"signet_challenge\" : \"hex\",     (string, optional) The block script (signet only)\n"
    "  \"warnings\" : [                  (json array) Warnings about the node or the network "
    "(a string with -deprecatedrpc=warnings)\n"
    "    \"str\",                        (string) A warning\n"
    "    ...\n"
    "  ]\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getblockchaininfo", "", ""), rpc_getblockchaininfo },
  { "blockchain", "getblockcount",
    "Gives the height of the best fully validated chain; a chain of only the genesis block has "
    "height 0.",
    NULL, 0,
    "\nResult:\n"
    "n    (numeric) The height\n",
    UMK_RPC_EXAMPLES ("getblockcount", "", ""), rpc_getblockcount },
  { "blockchain", "getblockhash", "Gives the hash of the block at a height of the best chain.",
    getblockhash_args, G_N_ELEMENTS (getblockhash_args),
    "\nResult:\n"
    "\"hex\"    (string) The block's hash\n",
    UMK_RPC_EXAMPLES ("getblockhash", "1000", "1000"), rpc_getblockhash },
  { "blockchain", "getblockheader",
    "Gives a block's header: as a JSON object, or with verbose false as the 80 serialized bytes "
    "in hex.",
    getblockheader_args, G_N_ELEMENTS (getblockheader_args),
    "\nResult (for verbose = true):\n"
    "{                                 (json object)\n" HEADER_FIELDS_RESULT "}\n"
    "\nResult (for verbose = false):\n"
    "\"hex\"    (string) The serialized header\n",
    UMK_RPC_EXAMPLES ("getblockheader", HASH_EXAMPLE, HASH_EXAMPLE), rpc_getblockheader },
  { "blockchain", "getblockstats",
    "Computes statistics of one block; amounts are in satoshis.\n"
    "Blocks whose data or undo data was pruned cannot be described.",
    getblockstats_args, G_N_ELEMENTS (getblockstats_args),
    "\nResult:\n"
    "{                                 (json object) The chosen statistics, or all of them\n"
    "  \"avgfee\" : n,                   (numeric, optional) Mean fee of its transactions\n"
    "  \"avgfeerate\" : n,               (numeric, optional) Mean fee rate, in sat/vB\n"
    "  \"avgtxsize\" : n,                (numeric, optional) Mean transaction size\n"
    "  \"blockhash\" : \"hex\",            (string, optional) The block's hash\n"
    "  \"feerate_percentiles\" : [       (json array, optional) Fee rates (sat/vB) at 10, 25, "
    "50, 75 and 90 % of the block's weight\n"
    "    n,                            (numeric) A fee rate\n"
    "    ...\n"
    "  ],\n"
    "  \"height\" : n,                   (numeric, optional) The block's height\n"
    "  \"ins\" : n,                      (numeric, optional) Inputs, the coinbase's aside\n"
    "  \"maxfee\" : n,                   (numeric, optional) Highest fee\n"
    "  \"maxfeerate\" : n,               (numeric, optional) Highest fee rate, in sat/vB\n"
    "  \"maxtxsize\" : n,                (numeric, optional) Largest transaction\n"
    "  \"medianfee\" : n,                (numeric, optional) Median fee (rounded down)\n"
    "  \"mediantime\" : n,               (numeric, optional) The block's median time past\n"
    "  \"mediantxsize\" : n,             (numeric, optional) Median transaction size\n"
    "  \"minfee\" : n,                   (numeric, optional) Lowest fee\n"
    "  \"minfeerate\" : n,               (numeric, optional) Lowest fee rate, in sat/vB\n"
    "  \"mintxsize\" : n,                (numeric, optional) Smallest transaction\n"
    "  \"outs\" : n,                     (numeric, optional) Outputs\n"
    "  \"subsidy\" : n,                  (numeric, optional) The block's new coins\n"
    "  \"swtotal_size\" : n,             (numeric, optional) Total size of its segwit "
    "transactions\n"
    "  \"swtotal_weight\" : n,           (numeric, optional) Total weight of its segwit "
    "transactions\n"
    "  \"swtxs\" : n,                    (numeric, optional) Segwit transactions\n"
    "  \"time\" : n,                     (numeric, optional) The block's timestamp\n"
    "  \"total_out\" : n,                (numeric, optional) Total of the outputs of its "
    "transactions but the coinbase\n"
    "  \"total_size\" : n,               (numeric, optional) Total size of its transactions "
    "but the coinbase\n"
    "  \"total_weight\" : n,             (numeric, optional) Total weight of its transactions "
    "but the coinbase\n"
    "  \"totalfee\" : n,                 (numeric, optional) Total fees\n"
    "  \"txs\" : n,                      (numeric, optional) Transactions, the coinbase "
    "included\n"
    "  \"utxo_increase\" : n,            (numeric, optional) Outputs made less outputs spent\n"
    "  \"utxo_size_inc\" : n,            (numeric, optional) Change of the UTXO set's size\n"
    "  \"utxo_increase_actual\" : n,     (numeric, optional) As utxo_increase, without outputs "
    "that can never be spent\n"
    "  \"utxo_size_inc_actual\" : n      (numeric, optional) As utxo_size_inc, without outputs "
    "that can never be spent\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getblockstats", "1000 '[\"minfeerate\",\"avgfeerate\"]'",
                      "1000, [\"minfeerate\",\"avgfeerate\"]"),
    rpc_getblockstats },
  { "blockchain", "getchaintips",
    "Lists the tips of every branch of the block tree the node knows: the active chain's, and "
    "those of forks off it.",
    NULL, 0,
    "\nResult:\n"
    "[                                 (json array)\n"
    "  {                               (json object)\n"
    "    \"height\" : n,                 (numeric) The tip's height\n"
    "    \"hash\" : \"hex\",               (string) The tip's hash\n"
    "    \"branchlen\" : n,              (numeric) Blocks of the branch off the active chain "
    "(0 for the active tip)\n"
    "    \"status\" : \"str\"              (string) \"active\" for the active tip; "
    "\"invalid\" when the branch holds an invalid block; \"headers-only\" when some block's "
    "data is missing; \"valid-headers\" when all data is there but not all of it was "
    "validated; \"valid-fork\" for a fully validated branch off the active chain\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("getchaintips", "", ""), rpc_getchaintips },
  { "blockchain", "getchaintxstats",
    "Counts the transactions of the chain and their rate over a window of blocks.",
    getchaintxstats_args, G_N_ELEMENTS (getchaintxstats_args),
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"time\" : xxx,                   (numeric) The timestamp of the window's last block\n"
    "  \"txcount\" : n,                  (numeric, optional) Transactions of the chain up to "
    "it, if known\n"
    "  \"window_final_block_hash\" : \"hex\",    (string) The window's last block\n"
    "  \"window_final_block_height\" : n,      (numeric) Its height\n"
    "  \"window_block_count\" : n,       (numeric) Blocks in the window\n"
    "  \"window_interval\" : n,          (numeric, optional) Seconds the window spans (when it "
    "has blocks)\n"
    "  \"window_tx_count\" : n,          (numeric, optional) Transactions in the window (when "
    "known)\n"
    "  \"txrate\" : n                    (numeric, optional) Transactions per second in the "
    "window (when its interval is positive)\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getchaintxstats", "", "2016"), rpc_getchaintxstats },
  { "blockchain", "getdeploymentinfo",
    "Describes the soft forks the chain knows and their state after a block.",
    getdeploymentinfo_args, G_N_ELEMENTS (getdeploymentinfo_args),
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"hash\" : \"str\",                 (string) The block\n"
    "  \"height\" : n,                   (numeric) Its height\n"
    "  \"script_flags\" : [              (json array) The script checks applied to its "
    "transactions\n"
    "    \"str\",                        (string) A flag\n"
    "    ...\n"
    "  ],\n"
    "  \"deployments\" : {               (json object) By name\n"
    "    \"xxxx\" : {                    (json object) One deployment\n"
    "      \"type\" : \"str\",             (string) \"buried\" or \"bip9\"\n"
    "      \"height\" : n,               (numeric, optional) The first height where its rules "
    "apply (buried, or bip9 once locked in)\n"
    "      \"active\" : true|false,      (boolean) Whether its rules apply to the next block "
    "and the mempool\n"
    "      \"bip9\" : {                  (json object, optional) Its BIP 9 state (bip9 only)\n"
    "        \"bit\" : n,                (numeric, optional) The version bit that signals it "
    "(while started or locked in)\n"
    "        \"start_time\" : xxx,       (numeric) Median time past from which signals count\n"
    "        \"timeout\" : xxx,          (numeric) Median time past at which it fails unless "
    "locked in\n"
    "        \"min_activation_height\" : n,    (numeric) The lowest height its rules may apply "
    "from\n"
    "        \"status\" : \"str\",         (string) defined, started, locked_in, active or "
    "failed, for the block\n"
    "        \"since\" : n,              (numeric) The height from which that status holds\n"
    "        \"status_next\" : \"str\",    (string) The status for the next block\n"
    "        \"statistics\" : {          (json object, optional) Signalling in the current "
    "period (while started or locked in)\n"
    "          \"period\" : n,           (numeric) Blocks per period\n"
    "          \"threshold\" : n,        (numeric, optional) Signals needed (while started)\n"
    "          \"elapsed\" : n,          (numeric) Blocks of the period so far\n"
    "          \"count\" : n,            (numeric) Of them, blocks that signalled\n"
    "          \"possible\" : true|false (boolean, optional) Whether the threshold can still "
    "be reached (while started)\n"
    "        },\n"
    "        \"signalling\" : \"str\"      (string, optional) One character per block of the "
    "period: # signalled, - did not\n"
    "      }\n"
    "    },\n"
    "    ...\n"
    "  }\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getdeploymentinfo", "", ""), rpc_getdeploymentinfo },
  { "blockchain", "getdifficulty",
    "Gives the difficulty of the tip: how many times harder than the easiest target its "
    "proof of work is.",
    NULL, 0,
    "\nResult:\n"
    "n    (numeric) The difficulty\n",
    UMK_RPC_EXAMPLES ("getdifficulty", "", ""), rpc_getdifficulty },
  { "blockchain", "gettxout", "Describes an unspent transaction output.", gettxout_args,
    G_N_ELEMENTS (gettxout_args),
    "\nResult (if the output is spent or unknown):\n"
    "null    (json null)\n"
    "\nResult (otherwise):\n"
    "{                                 (json object)\n"
    "  \"bestblock\" : \"hex\",            (string) The tip the answer is for\n"
    "  \"confirmations\" : n,            (numeric) Blocks since the one that made it, that one "
    "included (0 in the mempool)\n"
    "  \"value\" : n,                    (numeric) Its amount in UMK\n"
    "  \"scriptPubKey\" : {              (json object) The output script\n"
    "    \"asm\" : \"str\",                (string) Its disassembly\n"
    "    \"desc\" : \"str\",               (string) The descriptor inferred for it\n"
    "    \"hex\" : \"hex\",                (string) Its bytes\n"
    "    \"address\" : \"str\",            (string, optional) Its address, if it has one\n"
    "    \"type\" : \"str\"                (string) Its kind, e.g. \"witness_v0_keyhash\"\n"
    "  },\n"
    "  \"coinbase\" : true|false         (boolean) Whether a coinbase made it\n"
    "}\n",
    UMK_RPC_EXAMPLES ("gettxout", "\"txid\" 1", "\"txid\", 1"), rpc_gettxout },
  { "blockchain", "gettxoutsetinfo",
    "Computes statistics of the set of unspent transaction outputs; it reads the whole set, "
    "which takes a while on a large chain.",
    gettxoutsetinfo_args, G_N_ELEMENTS (gettxoutsetinfo_args),
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"height\" : n,                   (numeric) The height of the block the set is after\n"
    "  \"bestblock\" : \"hex\",            (string) That block's hash\n"
    "  \"txouts\" : n,                   (numeric) Unspent outputs\n"
    "  \"bogosize\" : n,                 (numeric) A size of the set that does not depend on "
    "how it is stored\n"
    "  \"hash_serialized_3\" : \"hex\",    (string, optional) The set's hash (hash_type "
    "hash_serialized_3)\n"
    "  \"muhash\" : \"hex\",               (string, optional) The set's MuHash (hash_type "
    "muhash)\n"
    "  \"transactions\" : n,             (numeric, optional) Transactions with unspent "
    "outputs\n"
    "  \"disk_size\" : n,                (numeric, optional) Bytes the set takes in the "
    "database\n"
    "  \"total_amount\" : n              (numeric) The coins in the set\n"
    "}\n",
    UMK_RPC_EXAMPLES ("gettxoutsetinfo", "", ""), rpc_gettxoutsetinfo },
  { "hidden", "invalidateblock",
    "Treats a block as invalid, as if it broke a consensus rule: the chain is rolled back below "
    "it and its descendants are never connected again, until reconsiderblock.",
    invalidateblock_args, G_N_ELEMENTS (invalidateblock_args),
    "\nResult:\n"
    "null    (json null)\n",
    UMK_RPC_EXAMPLES ("invalidateblock", "\"blockhash\"", "\"blockhash\""), rpc_invalidateblock },
  { "blockchain", "preciousblock",
    "Prefers a block over others of the same total work, as if it had arrived first; a later "
    "call overrides an earlier one, and a restart forgets them all.",
    preciousblock_args, G_N_ELEMENTS (preciousblock_args),
    "\nResult:\n"
    "null    (json null)\n",
    UMK_RPC_EXAMPLES ("preciousblock", "\"blockhash\"", "\"blockhash\""), rpc_preciousblock },
  { "blockchain", "pruneblockchain",
    "Deletes block and undo data up to a height or time, where it may be deleted; needs "
    "-prune. What is deleted is gone from this node for good.",
    pruneblockchain_args, G_N_ELEMENTS (pruneblockchain_args),
    "\nResult:\n"
    "n    (numeric) The height of the last block pruned (-1 for none)\n",
    UMK_RPC_EXAMPLES ("pruneblockchain", "1000", "1000"), rpc_pruneblockchain },
  { "hidden", "reconsiderblock",
    "Undoes invalidateblock: the block, its ancestors and its descendants may be connected "
    "again.",
    reconsiderblock_args, G_N_ELEMENTS (reconsiderblock_args),
    "\nResult:\n"
    "null    (json null)\n",
    UMK_RPC_EXAMPLES ("reconsiderblock", "\"blockhash\"", "\"blockhash\""), rpc_reconsiderblock },
  { "hidden", "syncwithvalidationinterfacequeue",
    "Waits until the notifications about blocks queued so far were handled.", NULL, 0,
    "\nResult:\n"
    "null    (json null)\n",
    UMK_RPC_EXAMPLES ("syncwithvalidationinterfacequeue", "", ""),
    rpc_syncwithvalidationinterfacequeue },
  { "blockchain", "verifychain",
    "Checks the last blocks of the chain and the UTXO set against each other.", verifychain_args,
    G_N_ELEMENTS (verifychain_args),
    "\nResult:\n"
    "true|false    (boolean) Whether the check passed; debug.log tells why not\n",
    UMK_RPC_EXAMPLES ("verifychain", "", ""), rpc_verifychain },
  { "blockchain", "waitforblock",
    "Waits until a given block is the tip, then describes the tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitforblock_args, G_N_ELEMENTS (waitforblock_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitforblock", HASH_EXAMPLE " 1000", HASH_EXAMPLE ", 1000"),
    rpc_waitforblock },
  { "blockchain", "waitforblockheight",
    "Waits until the tip reaches a height, then describes the tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitforblockheight_args, G_N_ELEMENTS (waitforblockheight_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitforblockheight", "100 1000", "100, 1000"), rpc_waitforblockheight },
  { "blockchain", "waitfornewblock",
    "Waits until the tip changes, then describes the new tip; on timeout or shutdown it "
    "describes the tip as it is.\n"
    "Use umkoin-cli -rpcclienttimeout=0 so that the client does not give up first.",
    waitfornewblock_args, G_N_ELEMENTS (waitfornewblock_args), WAIT_RESULT,
    UMK_RPC_EXAMPLES ("waitfornewblock", "1000", "1000"), rpc_waitfornewblock },
  { "rawtransactions", "getrawtransaction",
    "Gives a transaction: one in the mempool; with -txindex one in any block; or one in a "
    "given block, where that block's data is stored. Wallet transactions: see gettransaction.\n"
    "Verbosity 0 gives it in hex, 1 as a JSON object, 2 also with its fee and the outputs it "
    "spends (for transactions in blocks with undo data).",
    getrawtransaction_args, G_N_ELEMENTS (getrawtransaction_args),
    "\nResult (for verbosity = 0):\n"
    "\"hex\"    (string) The serialized transaction\n"
    "\nResult (for verbosity = 1):\n"
    "{                                 (json object)\n"
    "  \"in_active_chain\" : true|false, (boolean, optional) Whether the given block is in the "
    "best chain (only with blockhash)\n" TX_FIELDS_RESULT
    "  \"blockhash\" : \"hex\",            (string, optional) The block holding it\n"
    "  \"confirmations\" : n,            (numeric, optional) Blocks since that one, itself "
    "included (0 outside the best chain)\n"
    "  \"time\" : xxx,                   (numeric, optional) The block's timestamp\n"
    "  \"blocktime\" : xxx               (numeric, optional) The same\n"
    "}\n"
    "\nResult (for verbosity = 2):\n"
    "{                                 (json object)\n"
    "  ...,                            As for verbosity 1, with \"fee\", and each input "
    "has\n" PREVOUT_RESULT "}\n",
    UMK_RPC_EXAMPLES ("getrawtransaction", "\"mytxid\" 1", "\"mytxid\", 1"),
    rpc_getrawtransaction },
};
const guint umk_rpc_n_blockchain_methods = G_N_ELEMENTS (umk_rpc_blockchain_methods);
