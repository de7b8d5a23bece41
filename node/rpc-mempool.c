/* rpc-mempool.c — the mempool methods, as Umkoin Core v31.0's rpc/mempool.cpp
 * (and prioritisetransaction, getprioritisedtransactions of rpc/mining.cpp)
 * answer them: same result shapes, member order and errors. Help texts are
 * our own.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/mempool-accept.h"
#include "node/mempool-persist.h"
#include "node/mempool.h"
#include "node/net-processing.h"
#include "node/policy.h"
#include "node/rpc-chain-util.h"
#include "node/rpc-dispatch.h"
#include "node/rpc-rawtx-util.h"
#include "node/rpc-tx.h"

#include "common/hex.h"
#include "common/script.h"

#include <string.h>

/* Core's codes for transaction submission (rpc/protocol.h). */
#define RPC_TRANSACTION_ERROR          (-25)
#define RPC_TRANSACTION_REJECTED       (-26)
#define RPC_VERIFY_ALREADY_IN_UTXO_SET (-27)
#define RPC_CLIENT_MEMPOOL_DISABLED    (-33)

/* Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 UMK/kvB. */
#define DEFAULT_MAX_RAW_TX_FEE_RATE (UMK_COIN / 10)

static UmkMempool *
ensure_mempool (UmkRpcCall *call, GError **error)
{
  if (call->node->mempool == NULL)
    umk_rpc_set_error (error, RPC_CLIENT_MEMPOOL_DISABLED,
                       "Mempool disabled or instance not found");
  return call->node->mempool;
}

static void
key_hash (UmkJsonWriter *w, const UmkUint256 *hash)
{
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (hash, hex);
  umk_json_writer_key (w, hex);
}

static gint
str_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Core's entryToJSON. */
static void
write_entry (UmkJsonWriter *w, UmkMempool *pool, UmkMempoolEntry *e)
{
  UmkMempoolSetInfo anc, desc;
  umk_mempool_ancestor_info (pool, e, &anc);
  umk_mempool_descendant_info (pool, e, &desc);
  UmkFeeFrac chunk = umk_mempool_chunk_feerate (pool, e);

  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "vsize", e->vsize);
  umk_json_writer_kv_int (w, "weight", e->weight);
  umk_json_writer_kv_int (w, "time", e->time);
  umk_json_writer_kv_int (w, "height", e->height);
  umk_json_writer_kv_int (w, "descendantcount", (gint64) desc.count);
  umk_json_writer_kv_int (w, "descendantsize", desc.vsize);
  umk_json_writer_kv_int (w, "ancestorcount", (gint64) anc.count);
  umk_json_writer_kv_int (w, "ancestorsize", anc.vsize);
  umk_json_writer_key (w, "wtxid");
  umk_rpc_write_hash (w, &e->tx->wtxid);
  umk_json_writer_kv_int (w, "chunkweight", chunk.size);
  umk_json_writer_key (w, "fees");
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "base");
  umk_rpc_write_amount (w, e->fee);
  umk_json_writer_key (w, "modified");
  umk_rpc_write_amount (w, e->modified_fee);
  umk_json_writer_key (w, "ancestor");
  umk_rpc_write_amount (w, anc.fees);
  umk_json_writer_key (w, "descendant");
  umk_rpc_write_amount (w, desc.fees);
  umk_json_writer_key (w, "chunk");
  umk_rpc_write_amount (w, chunk.fee);
  umk_json_writer_end_object (w);

  /* parents as a set of hex strings, in their text order */
  g_autoptr (GPtrArray) parents = umk_mempool_parents (pool, e);
  g_autoptr (GPtrArray) depends = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < parents->len; i++)
    g_ptr_array_add (depends,
                     umk_uint256_to_hex (&((UmkMempoolEntry *) parents->pdata[i])->tx->txid));
  g_ptr_array_sort (depends, str_cmp);
  umk_json_writer_key (w, "depends");
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < depends->len; i++)
    umk_json_writer_string (w, depends->pdata[i]);
  umk_json_writer_end_array (w);

  g_autoptr (GPtrArray) children = umk_mempool_children (pool, e);
  umk_json_writer_key (w, "spentby");
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < children->len; i++)
    umk_rpc_write_hash (w, &((UmkMempoolEntry *) children->pdata[i])->tx->txid);
  umk_json_writer_end_array (w);

  umk_json_writer_kv_bool (w, "bip125-replaceable", umk_mempool_rbf_opt_in (pool, e->tx) == 1);
  umk_json_writer_kv_bool (w, "unbroadcast", umk_mempool_is_unbroadcast (pool, &e->tx->txid));
  umk_json_writer_end_object (w);
}

/* A set of entries as getrawmempool and getmempoolancestors/descendants show
 * it: verbose, an object of entryToJSON objects keyed by txid; else an array
 * of the txids. The pool is locked. */
static void
write_entries (UmkJsonWriter *w, UmkMempool *pool, GPtrArray *entries, gboolean verbose)
{
  if (verbose)
    umk_json_writer_begin_object (w);
  else
    umk_json_writer_begin_array (w);
  for (guint i = 0; i < entries->len; i++)
    {
      UmkMempoolEntry *e = entries->pdata[i];
      if (!verbose)
        {
          umk_rpc_write_hash (w, &e->tx->txid);
          continue;
        }
      key_hash (w, &e->tx->txid);
      write_entry (w, pool, e);
    }
  if (verbose)
    umk_json_writer_end_object (w);
  else
    umk_json_writer_end_array (w);
}

static gboolean
param_bool_default (UmkRpcCall *call, guint i, gboolean def, gboolean *out, GError **error)
{
  *out = def;
  if (umk_rpc_param (call, i) == NULL)
    return TRUE;
  return umk_rpc_param_bool (call, i, out, error);
}

/* ---- getrawmempool ---------------------------------------------------------- */

static gboolean
rpc_getrawmempool (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gboolean verbose, with_sequence;
  if (!param_bool_default (call, 0, FALSE, &verbose, error)
      || !param_bool_default (call, 1, FALSE, &with_sequence, error))
    return FALSE;
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  if (verbose && with_sequence)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Verbose results cannot contain mempool sequence values.");
      return FALSE;
    }
  umk_mempool_lock (pool);
  g_autoptr (GPtrArray) entries = umk_mempool_entries (pool);
  if (with_sequence)
    {
      umk_json_writer_begin_object (w);
      umk_json_writer_key (w, "txids");
    }
  write_entries (w, pool, entries, verbose);
  if (with_sequence)
    {
      umk_json_writer_key (w, "mempool_sequence");
      umk_json_writer_uint (w, umk_mempool_sequence (pool));
      umk_json_writer_end_object (w);
    }
  umk_mempool_unlock (pool);
  return TRUE;
}

static const UmkRpcArg getrawmempool_args[] = {
  { "verbose", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "true: an object with each transaction's details; false: its ids only", 0, NULL },
  { "mempool_sequence", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "With verbose false: an object holding the ids and the mempool's sequence number", 0, NULL },
};

#define ENTRY_RESULT(indent)                                                                       \
  indent                                                                                           \
      "{                                (json object)\n" indent                                    \
      "  \"vsize\" : n,                     (numeric) Virtual size (BIP 141), sigops "             \
      "counted\n" indent                                                                           \
      "  \"weight\" : n,                    (numeric) Weight (BIP 141)\n" indent                   \
      "  \"time\" : xxx,                    (numeric) When it entered, in seconds since the "      \
      "epoch\n" indent                                                                             \
      "  \"height\" : n,                    (numeric) The chain height then\n" indent              \
      "  \"descendantcount\" : n,           (numeric) Unconfirmed descendants, itself "            \
      "included\n" indent                                                                          \
      "  \"descendantsize\" : n,            (numeric) Their virtual size\n" indent                 \
      "  \"ancestorcount\" : n,             (numeric) Unconfirmed ancestors, itself "              \
      "included\n" indent                                                                          \
      "  \"ancestorsize\" : n,              (numeric) Their virtual size\n" indent                 \
      "  \"wtxid\" : \"hex\",                 (string) The witness hash\n" indent                  \
      "  \"chunkweight\" : n,               (numeric) Sigop-adjusted weight of its chunk\n" indent \
      "  \"fees\" : {                       (json object)\n" indent                                \
      "    \"base\" : n,                    (numeric) Its fee in UMK\n" indent                     \
      "    \"modified\" : n,                (numeric) With prioritisetransaction's delta\n" indent \
      "    \"ancestor\" : n,                (numeric) Modified fees of its ancestors and "         \
      "it\n" indent "    \"descendant\" : n,              (numeric) Modified fees of its "         \
      "descendants and it\n" indent                                                                \
      "    \"chunk\" : n                    (numeric) Modified fees of its chunk\n" indent         \
      "  },\n" indent                                                                              \
      "  \"depends\" : [ \"hex\", ... ],      (json array) Unconfirmed parents\n" indent           \
      "  \"spentby\" : [ \"hex\", ... ],      (json array) Unconfirmed children\n" indent          \
      "  \"bip125-replaceable\" : true|false, (boolean) It or an ancestor signals BIP 125 "        \
      "(DEPRECATED)\n" indent                                                                      \
      "  \"unbroadcast\" : true|false       (boolean) No peer has asked for it yet\n" indent "}"

/* ---- getmempoolentry, getmempoolancestors, getmempooldescendants ------------------- */

static UmkMempoolEntry *
lookup_entry (UmkRpcCall *call, UmkMempool *pool, GError **error)
{
  UmkUint256 txid;
  if (!umk_rpc_param_hash (call, 0, "txid", &txid, error))
    return NULL;
  UmkMempoolEntry *e = umk_mempool_get (pool, &txid);
  if (e == NULL)
    umk_rpc_set_error (error, UMK_RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool");
  return e;
}

static gboolean
rpc_getmempoolentry (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = lookup_entry (call, pool, error);
  if (e != NULL)
    write_entry (w, pool, e);
  umk_mempool_unlock (pool);
  return e != NULL;
}

static gboolean
write_relatives (UmkRpcCall *call, UmkJsonWriter *w, gboolean ancestors, GError **error)
{
  gboolean verbose;
  if (!param_bool_default (call, 1, FALSE, &verbose, error))
    return FALSE;
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = lookup_entry (call, pool, error);
  if (e == NULL)
    {
      umk_mempool_unlock (pool);
      return FALSE;
    }
  g_autoptr (GPtrArray) set
      = ancestors ? umk_mempool_ancestors (pool, e) : umk_mempool_descendants (pool, e);
  write_entries (w, pool, set, verbose);
  umk_mempool_unlock (pool);
  return TRUE;
}

static gboolean
rpc_getmempoolancestors (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  return write_relatives (call, w, TRUE, error);
}

static gboolean
rpc_getmempooldescendants (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  return write_relatives (call, w, FALSE, error);
}

static const UmkRpcArg getmempoolentry_args[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL,
    "The id of a transaction in the mempool", 0, NULL },
};

static const UmkRpcArg relatives_args[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL,
    "The id of a transaction in the mempool", 0, NULL },
  { "verbose", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "true: an object with each transaction's details; false: their ids only", 0, NULL },
};

/* ---- getmempoolcluster, getmempoolfeeratediagram -------------------------------------- */

static void
write_chunk (UmkJsonWriter *w, UmkFeeFrac rate, GPtrArray *txs)
{
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "chunkfee");
  umk_rpc_write_amount (w, rate.fee);
  umk_json_writer_kv_int (w, "chunkweight", rate.size);
  umk_json_writer_key (w, "txs");
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < txs->len; i++)
    umk_rpc_write_hash (w, &((UmkMempoolEntry *) txs->pdata[i])->tx->txid);
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
}

static gboolean
rpc_getmempoolcluster (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = lookup_entry (call, pool, error);
  if (e == NULL)
    {
      umk_mempool_unlock (pool);
      return FALSE;
    }
  g_autoptr (GPtrArray) cluster = umk_mempool_cluster (pool, e);
  gint64 total = 0;
  for (guint i = 0; i < cluster->len; i++)
    total += ((UmkMempoolEntry *) cluster->pdata[i])->adjusted_weight;
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "clusterweight", total);
  umk_json_writer_kv_int (w, "txcount", cluster->len);
  umk_json_writer_key (w, "chunks");
  umk_json_writer_begin_array (w);
  /* the cluster is in linearization order: cut it where each chunk's weight
   * is used up */
  g_autoptr (GPtrArray) chunk = g_ptr_array_new ();
  UmkFeeFrac rate = { 0, 0 };
  int32_t left = 0;
  for (guint i = 0; i < cluster->len; i++)
    {
      UmkMempoolEntry *t = cluster->pdata[i];
      if (left == 0)
        {
          if (chunk->len > 0)
            write_chunk (w, rate, chunk);
          g_ptr_array_set_size (chunk, 0);
          rate = umk_mempool_chunk_feerate (pool, t);
          left = rate.size;
        }
      g_ptr_array_add (chunk, t);
      left -= t->adjusted_weight;
    }
  if (chunk->len > 0)
    write_chunk (w, rate, chunk);
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
  umk_mempool_unlock (pool);
  return TRUE;
}

static gboolean
rpc_getmempoolfeeratediagram (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  g_autoptr (GArray) diagram = umk_mempool_feerate_diagram (pool);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < diagram->len; i++)
    {
      const UmkFeeFrac *f = &g_array_index (diagram, UmkFeeFrac, i);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "weight", f->size);
      umk_json_writer_key (w, "fee");
      umk_rpc_write_amount (w, f->fee);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

/* ---- getmempoolinfo ------------------------------------------------------------------ */

static gboolean
rpc_getmempoolinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  const UmkMempoolOptions *o = umk_mempool_options (pool);
  umk_mempool_lock (pool);
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_bool (w, "loaded", umk_mempool_load_tried (pool));
  umk_json_writer_kv_int (w, "size", umk_mempool_size (pool));
  umk_json_writer_key (w, "bytes");
  umk_json_writer_uint (w, umk_mempool_total_vsize (pool));
  umk_json_writer_key (w, "usage");
  umk_json_writer_uint (w, umk_mempool_usage (pool));
  umk_json_writer_key (w, "total_fee");
  umk_rpc_write_amount (w, umk_mempool_total_fee (pool));
  umk_json_writer_kv_int (w, "maxmempool", o->max_size_bytes);
  UmkFeeRate min = umk_mempool_min_fee (pool);
  if (umk_feefrac_rate_cmp (min, o->min_relay_feerate) < 0)
    min = o->min_relay_feerate;
  umk_json_writer_key (w, "mempoolminfee");
  umk_rpc_write_amount (w, umk_feerate_per_kvb (min));
  umk_json_writer_key (w, "minrelaytxfee");
  umk_rpc_write_amount (w, umk_feerate_per_kvb (o->min_relay_feerate));
  umk_json_writer_key (w, "incrementalrelayfee");
  umk_rpc_write_amount (w, umk_feerate_per_kvb (o->incremental_relay_feerate));
  umk_json_writer_kv_int (w, "unbroadcastcount", umk_mempool_unbroadcast_count (pool));
  umk_json_writer_kv_bool (w, "fullrbf", TRUE);
  umk_json_writer_kv_bool (w, "permitbaremultisig", o->permit_bare_multisig);
  umk_json_writer_kv_int (w, "maxdatacarriersize",
                          o->max_datacarrier_bytes < 0 ? 0 : o->max_datacarrier_bytes);
  umk_json_writer_kv_int (w, "limitclustercount", o->cluster_count);
  umk_json_writer_kv_int (w, "limitclustersize", o->cluster_size_vbytes);
  umk_json_writer_kv_bool (w, "optimal", umk_mempool_is_optimal (pool));
  umk_json_writer_end_object (w);
  umk_mempool_unlock (pool);
  return TRUE;
}

/* ---- savemempool ------------------------------------------------------------------- */

static gboolean
rpc_savemempool (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  if (!umk_mempool_load_tried (pool))
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "The mempool was not loaded yet");
      return FALSE;
    }
  g_autofree char *path = umk_mempool_dat_path (call->node->datadir_net);
  g_autoptr (GError) local = NULL;
  if (!umk_mempool_dump (pool, path, &local))
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Unable to dump mempool to disk");
      return FALSE;
    }
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "filename", path);
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- fee rate arguments -------------------------------------------------------------- */

/* Core's ParseFeeRate on the maxfeerate argument (default 0.10 UMK/kvB). */
static gboolean
param_max_feerate (UmkRpcCall *call, guint i, UmkFeeRate *out, GError **error)
{
  int64_t amount = DEFAULT_MAX_RAW_TX_FEE_RATE;
  JsonNode *node = umk_rpc_param (call, i);
  if (node != NULL && !umk_rpc_amount_from_value (node, &amount, error))
    return FALSE;
  if (amount >= UMK_COIN)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Fee rates larger than or equal to 1UMK/kvB are not accepted");
      return FALSE;
    }
  *out = umk_feerate_from_kvb (amount);
  return TRUE;
}

/* Core's CScript::HasValidOps: every operation decodes, is a known opcode
 * (up to OP_NOP10) and pushes at most 520 bytes. */
static gboolean
script_has_valid_ops (const uint8_t *s, size_t len)
{
  size_t pc = 0;
  UmkScriptOp op;
  while (pc < len)
    {
      if (!umk_script_next_op (s, len, &pc, &op) || op.opcode > UMK_OP_NOP10
          || (op.data != NULL && op.len > UMK_MAX_SCRIPT_ELEMENT_SIZE))
        return FALSE;
    }
  return TRUE;
}

static UmkMempoolViewFunc provider_begin, provider_end;
static gpointer provider_user;
static GMutex provider_lock;

void
umk_rpc_mempool_set_view_provider (UmkMempoolViewFunc begin, UmkMempoolViewFunc end, gpointer user)
{
  g_mutex_lock (&provider_lock);
  provider_begin = begin;
  provider_end = end;
  provider_user = user;
  g_mutex_unlock (&provider_lock);
}

static void
view_end (UmkRpcCall *call, UmkMempoolChainView *view)
{
  g_mutex_lock (&provider_lock);
  UmkMempoolViewFunc end = provider_end;
  gpointer user = provider_user;
  g_mutex_unlock (&provider_lock);
  if (end != NULL)
    end (user, view);
  else
    umk_node_mempool_view_end (call->node, view);
}

/* The chain view for acceptance; fails while the node has no chain yet. */
static gboolean
view_begin (UmkRpcCall *call, UmkMempoolChainView *view, GError **error)
{
  g_mutex_lock (&provider_lock);
  UmkMempoolViewFunc begin = provider_begin;
  gpointer user = provider_user;
  g_mutex_unlock (&provider_lock);
  if (begin != NULL)
    begin (user, view);
  else
    umk_node_mempool_view_begin (call->node, view);
  if (view->tip == NULL)
    {
      view_end (call, view);
      umk_rpc_set_error (error, UMK_RPC_IN_WARMUP, "Loading block index...");
      return FALSE;
    }
  return TRUE;
}

/* ---- sendrawtransaction ------------------------------------------------------------------ */

/* Core's HandleATMPError and JSONRPCTransactionError. */
static void
set_atmp_error (GError **error, const UmkAcceptResult *r)
{
  g_autofree char *text = umk_accept_result_to_string (r);
  int code = r->result == UMK_TX_RESULT_MISSING_INPUTS ? RPC_TRANSACTION_ERROR
                                                       : RPC_TRANSACTION_REJECTED;
  umk_rpc_set_error (error, code, "%s", text);
}

static gboolean
rpc_sendrawtransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  int64_t max_burn = 0;
  JsonNode *burn = umk_rpc_param (call, 2);
  if (burn != NULL && !umk_rpc_amount_from_value (burn, &max_burn, error))
    return FALSE;
  const char *hex = umk_rpc_param_str (call, 0, error);
  if (hex == NULL)
    return FALSE;
  g_autoptr (UmkTx) tx = umk_rpc_decode_hex_tx (hex, FALSE, TRUE);
  if (tx == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                         "TX decode failed. Make sure the tx has at least one input.");
      return FALSE;
    }
  for (uint32_t i = 0; i < tx->n_out; i++)
    {
      const UmkTxOut *out = &tx->out[i];
      const uint8_t *s = out->script_pubkey.data;
      size_t len = out->script_pubkey.len;
      if ((umk_script_is_unspendable (s, len) || !script_has_valid_ops (s, len))
          && out->value > max_burn)
        {
          umk_rpc_set_error (error, RPC_TRANSACTION_ERROR,
                             "Unspendable output exceeds maximum configured by user "
                             "(maxburnamount)");
          return FALSE;
        }
    }
  UmkFeeRate max_rate;
  if (!param_max_feerate (call, 1, &max_rate, error))
    return FALSE;
  int64_t max_fee = umk_feerate_get_fee (max_rate, (int64_t) umk_tx_vsize (tx));

  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  UmkMempoolChainView view = { 0 };
  if (!view_begin (call, &view, error))
    return FALSE;
  gboolean ok = TRUE;
  /* already confirmed: an output of it is in the UTXO set */
  for (uint32_t o = 0; o < tx->n_out && ok; o++)
    {
      UmkOutPoint out = { tx->txid, o };
      g_auto (UmkCoin) coin = UMK_COIN_INIT;
      if (view.get_coin (view.user, &out, &coin))
        {
          umk_rpc_set_error (error, RPC_VERIFY_ALREADY_IN_UTXO_SET,
                             "Transaction outputs already in utxo set");
          ok = FALSE;
        }
    }
  /* the same txid already in the pool: nothing to submit */
  if (ok && !umk_mempool_exists (pool, &tx->txid))
    {
      UmkAcceptResult r;
      umk_accept_result_init (&r);
      if (max_fee > 0)
        {
          if (!umk_mempool_accept (pool, &view, tx, 0, FALSE, TRUE, &r))
            {
              set_atmp_error (error, &r);
              ok = FALSE;
            }
          else if (r.base_fee > max_fee)
            {
              umk_rpc_set_error (error, RPC_TRANSACTION_ERROR,
                                 "Fee exceeds maximum configured by user (e.g. -maxtxfee, "
                                 "maxfeerate)");
              ok = FALSE;
            }
        }
      if (ok && !umk_mempool_accept (pool, &view, tx, 0, FALSE, FALSE, &r))
        {
          set_atmp_error (error, &r);
          ok = FALSE;
        }
      if (ok)
        umk_mempool_add_unbroadcast (pool, &tx->txid);
      umk_accept_result_clear (&r);
    }
  view_end (call, &view);
  if (!ok)
    return FALSE;
  /* Core's BroadcastTransaction relays also what the pool already had. */
  if (call->node->peerman != NULL)
    umk_peerman_relay_tx (call->node->peerman, &tx->txid, &tx->wtxid);
  umk_rpc_write_hash (w, &tx->txid);
  return TRUE;
}

static const UmkRpcArg sendrawtransaction_args[] = {
  { "hexstring", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The signed transaction in hex",
    0, NULL },
  { "maxfeerate", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_DEFAULT, "\"0.10\"",
    "Refuse the transaction if its fee rate exceeds this, in UMK/kvB; rates of 1 UMK/kvB or "
    "more are refused; 0 accepts any rate.",
    0, NULL },
  { "maxburnamount", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_DEFAULT, "\"0.00\"",
    "Refuse the transaction if an output that can never be spent (OP_RETURN data, invalid "
    "scripts) carries more than this, in UMK.",
    0, NULL },
};

/* ---- testmempoolaccept ---------------------------------------------------------------- */

static gboolean
rpc_testmempoolaccept (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  JsonNode *raw = umk_rpc_param (call, 0);
  JsonArray *list = json_node_get_array (raw);
  guint n = json_array_get_length (list);
  if (n < 1 || n > UMK_MAX_PACKAGE_COUNT)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Array must contain between 1 and %d transactions.",
                         UMK_MAX_PACKAGE_COUNT);
      return FALSE;
    }
  UmkFeeRate max_rate;
  if (!param_max_feerate (call, 1, &max_rate, error))
    return FALSE;
  g_autoptr (GPtrArray) txs = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = json_array_get_element (list, i);
      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        {
          umk_rpc_set_error (error, UMK_RPC_TYPE_ERROR,
                             "JSON value of type %s is not of expected type string",
                             umk_rpc_type_name (item));
          return FALSE;
        }
      const char *hex = json_node_get_string (item);
      UmkTx *tx = umk_rpc_decode_hex_tx (hex, FALSE, TRUE);
      if (tx == NULL)
        {
          umk_rpc_set_error (error, UMK_RPC_DESERIALIZATION_ERROR,
                             "TX decode failed: %s Make sure the tx has at least one input.", hex);
          return FALSE;
        }
      g_ptr_array_add (txs, tx);
    }
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;

  UmkMempoolChainView view = { 0 };
  if (!view_begin (call, &view, error))
    return FALSE;
  UmkPackageResult pr;
  umk_package_result_init (&pr);
  if (n > 1)
    umk_mempool_process_package (pool, &view, (UmkTx *const *) txs->pdata, n, TRUE, NULL, &pr);
  else
    {
      UmkTx *tx = txs->pdata[0];
      UmkAcceptResult *r = g_new0 (UmkAcceptResult, 1);
      umk_mempool_accept (pool, &view, tx, 0, FALSE, TRUE, r);
      g_hash_table_replace (pr.results, g_memdup2 (&tx->wtxid, sizeof tx->wtxid), r);
    }
  view_end (call, &view);

  g_autofree char *package_error = NULL;
  if (pr.kind == UMK_PACKAGE_RESULT_POLICY)
    package_error = umk_package_result_to_string (&pr);
  gboolean exit_early = FALSE;
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < n; i++)
    {
      UmkTx *tx = txs->pdata[i];
      umk_json_writer_begin_object (w);
      umk_json_writer_key (w, "txid");
      umk_rpc_write_hash (w, &tx->txid);
      umk_json_writer_key (w, "wtxid");
      umk_rpc_write_hash (w, &tx->wtxid);
      if (package_error != NULL)
        umk_json_writer_kv_string (w, "package-error", package_error);
      const UmkAcceptResult *r = umk_package_result_get (&pr, &tx->wtxid);
      if (exit_early || r == NULL)
        {
          umk_json_writer_end_object (w);
          continue;
        }
      if (r->type == UMK_ACCEPT_VALID)
        {
          int64_t max_fee = umk_feerate_get_fee (max_rate, r->vsize);
          if (max_fee != 0 && r->base_fee > max_fee)
            {
              umk_json_writer_kv_bool (w, "allowed", FALSE);
              umk_json_writer_kv_string (w, "reject-reason", "max-fee-exceeded");
              exit_early = TRUE;
            }
          else
            {
              umk_json_writer_kv_bool (w, "allowed", TRUE);
              umk_json_writer_kv_int (w, "vsize", r->vsize);
              umk_json_writer_key (w, "fees");
              umk_json_writer_begin_object (w);
              umk_json_writer_key (w, "base");
              umk_rpc_write_amount (w, r->base_fee);
              umk_json_writer_key (w, "effective-feerate");
              umk_rpc_write_amount (w, umk_feerate_per_kvb (r->effective_feerate));
              umk_json_writer_key (w, "effective-includes");
              umk_json_writer_begin_array (w);
              for (guint k = 0; r->effective_wtxids != NULL && k < r->effective_wtxids->len; k++)
                umk_rpc_write_hash (w, &g_array_index (r->effective_wtxids, UmkUint256, k));
              umk_json_writer_end_array (w);
              umk_json_writer_end_object (w);
            }
        }
      else
        {
          umk_json_writer_kv_bool (w, "allowed", FALSE);
          if (r->result == UMK_TX_RESULT_MISSING_INPUTS)
            umk_json_writer_kv_string (w, "reject-reason", "missing-inputs");
          else
            {
              g_autofree char *details = umk_accept_result_to_string (r);
              umk_json_writer_kv_string (w, "reject-reason", r->reject_reason);
              umk_json_writer_kv_string (w, "reject-details", details);
            }
        }
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  umk_package_result_clear (&pr);
  return TRUE;
}

static const UmkRpcArg rawtx_item
    = { "rawtx", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_OMITTED, NULL, "", 0, NULL };

static const UmkRpcArg testmempoolaccept_args[] = {
  { "rawtxs", UMK_RPC_ARG_ARR, UMK_RPC_ARG_REQUIRED, NULL,
    "Serialized transactions in hex; more than one are checked as a package (parents first, no "
    "conflicts with each other or the mempool)",
    0, &rawtx_item },
  { "maxfeerate", UMK_RPC_ARG_AMOUNT, UMK_RPC_ARG_DEFAULT, "\"0.10\"",
    "Report a transaction as not allowed if its fee rate exceeds this, in UMK/kvB; rates of "
    "1 UMK/kvB or more are refused; 0 accepts any rate.",
    0, NULL },
};

/* ---- prioritisetransaction, getprioritisedtransactions -------------------------------------- */

static gboolean
rpc_prioritisetransaction (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkUint256 txid;
  if (!umk_rpc_param_hash (call, 0, "txid", &txid, error))
    return FALSE;
  JsonNode *dummy = umk_rpc_param (call, 1);
  if (dummy != NULL && json_node_get_double (dummy) != 0)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Priority is no longer supported, dummy argument to "
                         "prioritisetransaction must be 0.");
      return FALSE;
    }
  gint64 delta;
  if (!umk_rpc_param_int (call, 2, G_MININT64, G_MAXINT64, &delta, error))
    return FALSE;
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  umk_mempool_lock (pool);
  /* a dust-carrying transaction must stay at zero fee, so no deltas for it */
  g_autoptr (UmkTx) tx = umk_mempool_get_tx (pool, &txid);
  const UmkMempoolOptions *o = umk_mempool_options (pool);
  if (o->require_standard && tx != NULL && umk_policy_count_dust (tx, o->dust_relay_feerate) > 0)
    {
      umk_mempool_unlock (pool);
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Priority is not supported for transactions with dust outputs.");
      return FALSE;
    }
  umk_mempool_prioritise (pool, &txid, delta);
  umk_mempool_unlock (pool);
  umk_json_writer_bool (w, TRUE);
  return TRUE;
}

static const UmkRpcArg prioritisetransaction_args[] = {
  { "txid", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL, "The transaction id", 0, NULL },
  { "dummy", UMK_RPC_ARG_NUM, UMK_RPC_ARG_OMITTED, NULL,
    "Kept for the old interface; must be zero or null (DEPRECATED: use named arguments and "
    "leave it out)",
    0, NULL },
  { "fee_delta", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL,
    "Satoshis to add to (or, negative, take from) the fee the miner counts for it; the "
    "transaction's real fee does not change",
    0, NULL },
};

static gboolean
rpc_getprioritisedtransactions (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkMempool *pool = ensure_mempool (call, error);
  if (pool == NULL)
    return FALSE;
  g_autoptr (GArray) deltas = umk_mempool_get_deltas (pool);
  umk_json_writer_begin_object (w);
  for (guint i = 0; i < deltas->len; i++)
    {
      const UmkMempoolDelta *d = &g_array_index (deltas, UmkMempoolDelta, i);
      key_hash (w, &d->txid);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "fee_delta", d->delta);
      umk_json_writer_kv_bool (w, "in_mempool", d->in_mempool);
      if (d->in_mempool)
        umk_json_writer_kv_int (w, "modified_fee", d->modified_fee);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- the table ------------------------------------------------------------------------- */

const UmkRpcMethod umk_rpc_mempool_methods[] = {
  { "rawtransactions", "sendrawtransaction",
    "Puts a signed transaction into the mempool for relay, unless it is invalid, breaks the "
    "relay policy, pays more than maxfeerate or burns more than maxburnamount. A transaction "
    "already in the mempool is accepted again without change. When its outputs are already in "
    "the UTXO set the error is -27.",
    sendrawtransaction_args, G_N_ELEMENTS (sendrawtransaction_args),
    "\nResult:\n"
    "\"hex\"    (string) The transaction id\n",
    UMK_RPC_EXAMPLES ("sendrawtransaction", "\"signedhex\"", "\"signedhex\""),
    rpc_sendrawtransaction },
  { "rawtransactions", "testmempoolaccept",
    "Tells whether the mempool would accept the given transactions, without adding them. Up to "
    "25 transactions; several are checked together as a package. When one fails, the ones "
    "after it may be left unchecked (no \"allowed\" member).",
    testmempoolaccept_args, G_N_ELEMENTS (testmempoolaccept_args),
    "\nResult:\n"
    "[                                 (json array) One result per transaction, in order\n"
    "  {                               (json object)\n"
    "    \"txid\" : \"hex\",                 (string) The transaction id\n"
    "    \"wtxid\" : \"hex\",                (string) The witness hash\n"
    "    \"package-error\" : \"str\",        (string, optional) Why the package as a whole failed\n"
    "    \"allowed\" : true|false,         (boolean, optional) Whether it would be accepted and "
    "is within maxfeerate\n"
    "    \"vsize\" : n,                    (numeric, optional) Its virtual size, when allowed\n"
    "    \"fees\" : {                      (json object, optional) When allowed\n"
    "      \"base\" : n,                   (numeric) Its fee in UMK\n"
    "      \"effective-feerate\" : n,      (numeric) The rate its acceptance was judged by, in "
    "UMK/kvB\n"
    "      \"effective-includes\" : [      (json array) Whose fees and sizes that rate counts\n"
    "        \"hex\",                      (string) A wtxid\n"
    "        ...\n"
    "      ]\n"
    "    },\n"
    "    \"reject-reason\" : \"str\",        (string, optional) Why not, when not allowed\n"
    "    \"reject-details\" : \"str\"        (string, optional) The reason with its details\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("testmempoolaccept", "'[\"signedhex\"]'", "[\"signedhex\"]"),
    rpc_testmempoolaccept },
  { "blockchain", "getmempoolancestors",
    "Gives the unconfirmed ancestors of a mempool transaction.", relatives_args,
    G_N_ELEMENTS (relatives_args),
    "\nResult (for verbose = false):\n"
    "[ \"hex\", ... ]    (json array) The ancestors' ids\n"
    "\nResult (for verbose = true):\n"
    "{                 (json object) By transaction id\n"
    "  \"transactionid\" : " ENTRY_RESULT ("  ") ",\n"
                                                 "  ...\n"
                                                 "}\n",
    UMK_RPC_EXAMPLES ("getmempoolancestors", "\"mytxid\"", "\"mytxid\""), rpc_getmempoolancestors },
  { "blockchain", "getmempooldescendants",
    "Gives the unconfirmed descendants of a mempool transaction.", relatives_args,
    G_N_ELEMENTS (relatives_args),
    "\nResult (for verbose = false):\n"
    "[ \"hex\", ... ]    (json array) The descendants' ids\n"
    "\nResult (for verbose = true):\n"
    "{                 (json object) By transaction id\n"
    "  \"transactionid\" : " ENTRY_RESULT ("  ") ",\n"
                                                 "  ...\n"
                                                 "}\n",
    UMK_RPC_EXAMPLES ("getmempooldescendants", "\"mytxid\"", "\"mytxid\""),
    rpc_getmempooldescendants },
  { "blockchain", "getmempoolentry", "Gives what the mempool knows of one of its transactions.",
    getmempoolentry_args, G_N_ELEMENTS (getmempoolentry_args), "\nResult:\n" ENTRY_RESULT ("") "\n",
    UMK_RPC_EXAMPLES ("getmempoolentry", "\"mytxid\"", "\"mytxid\""), rpc_getmempoolentry },
  { "blockchain", "getmempoolcluster",
    "Gives the cluster of a mempool transaction: all unconfirmed transactions linked to it, in "
    "the chunks a miner would take them in.",
    getmempoolentry_args, G_N_ELEMENTS (getmempoolentry_args),
    "\nResult:\n"
    "{                          (json object)\n"
    "  \"clusterweight\" : n,     (numeric) Sigop-adjusted weight of the cluster\n"
    "  \"txcount\" : n,           (numeric) Its transactions\n"
    "  \"chunks\" : [             (json array) In mining order\n"
    "    {                      (json object)\n"
    "      \"chunkfee\" : n,      (numeric) Modified fees of the chunk\n"
    "      \"chunkweight\" : n,   (numeric) Its sigop-adjusted weight\n"
    "      \"txs\" : [ \"hex\", ... ] (json array) Its transactions in mining order\n"
    "    },\n"
    "    ...\n"
    "  ]\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getmempoolcluster", "txid", "txid"), rpc_getmempoolcluster },
  { "blockchain", "getmempoolinfo", "Gives the state of the mempool and its settings.", NULL, 0,
    "\nResult:\n"
    "{                             (json object)\n"
    "  \"loaded\" : true|false,      (boolean) Whether the load of mempool.dat at start-up "
    "finished\n"
    "  \"size\" : n,                 (numeric) Transactions\n"
    "  \"bytes\" : n,                (numeric) Their total virtual size\n"
    "  \"usage\" : n,                (numeric) Memory used, in bytes\n"
    "  \"total_fee\" : n,            (numeric) Their fees in UMK, deltas not counted\n"
    "  \"maxmempool\" : n,           (numeric) The memory limit, in bytes\n"
    "  \"mempoolminfee\" : n,        (numeric) The lowest fee rate accepted now, in UMK/kvB\n"
    "  \"minrelaytxfee\" : n,        (numeric) The relay minimum, in UMK/kvB\n"
    "  \"incrementalrelayfee\" : n,  (numeric) What replacements and evictions add, in UMK/kvB\n"
    "  \"unbroadcastcount\" : n,     (numeric) Local transactions no peer has asked for yet\n"
    "  \"fullrbf\" : true|false,     (boolean) Always true (DEPRECATED)\n"
    "  \"permitbaremultisig\" : true|false, (boolean) Whether bare multisig outputs are relayed\n"
    "  \"maxdatacarriersize\" : n,   (numeric) Bytes of OP_RETURN outputs a transaction may have\n"
    "  \"limitclustercount\" : n,    (numeric) Transactions a cluster may have\n"
    "  \"limitclustersize\" : n,     (numeric) Virtual bytes a cluster may have\n"
    "  \"optimal\" : true|false      (boolean) Whether the mining order is known to be optimal\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getmempoolinfo", "", ""), rpc_getmempoolinfo },
  { "hidden", "getmempoolfeeratediagram",
    "Gives the mempool's fee rate diagram: the running totals after each chunk in mining order.",
    NULL, 0,
    "\nResult:\n"
    "[                 (json array)\n"
    "  {               (json object)\n"
    "    \"weight\" : n, (numeric) Sigop-adjusted weight so far\n"
    "    \"fee\" : n     (numeric) Fees so far\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("getmempoolfeeratediagram", "", ""), rpc_getmempoolfeeratediagram },
  { "blockchain", "getrawmempool",
    "Gives the ids of the mempool's transactions, in mining order, or with verbose their "
    "details.",
    getrawmempool_args, G_N_ELEMENTS (getrawmempool_args),
    "\nResult (for verbose = false):\n"
    "[ \"hex\", ... ]    (json array) The transaction ids\n"
    "\nResult (for verbose = true):\n"
    "{                 (json object) By transaction id\n"
    "  \"transactionid\" : " ENTRY_RESULT (
        "  ") ",\n"
              "  ...\n"
              "}\n"
              "\nResult (for verbose = false and mempool_sequence = true):\n"
              "{                            (json object)\n"
              "  \"txids\" : [ \"hex\", ... ],  (json array) The transaction ids\n"
              "  \"mempool_sequence\" : n     (numeric) The mempool's sequence number\n"
              "}\n",
    UMK_RPC_EXAMPLES ("getrawmempool", "true", "true"), rpc_getrawmempool },
  { "blockchain", "savemempool",
    "Writes the mempool to mempool.dat in the data directory. Fails until the mempool.dat of "
    "the start was loaded.",
    NULL, 0,
    "\nResult:\n"
    "{                      (json object)\n"
    "  \"filename\" : \"str\"   (string) The file written\n"
    "}\n",
    UMK_RPC_EXAMPLES ("savemempool", "", ""), rpc_savemempool },
  { "mining", "prioritisetransaction",
    "Makes block templates treat a transaction as paying more (or less) fee than it does. The "
    "delta is kept for a transaction not in the mempool too, and adds to earlier ones.",
    prioritisetransaction_args, G_N_ELEMENTS (prioritisetransaction_args),
    "\nResult:\n"
    "true|false    (boolean) Always true\n",
    UMK_RPC_EXAMPLES ("prioritisetransaction", "\"txid\" 0.0 10000", "\"txid\", 0.0, 10000"),
    rpc_prioritisetransaction },
  { "mining", "getprioritisedtransactions",
    "Gives the fee deltas set with prioritisetransaction, by transaction id, and whether each "
    "transaction is in the mempool.",
    NULL, 0,
    "\nResult:\n"
    "{                            (json object) By transaction id\n"
    "  \"<transactionid>\" : {      (json object)\n"
    "    \"fee_delta\" : n,         (numeric) The delta in satoshis\n"
    "    \"in_mempool\" : true|false, (boolean) Whether the transaction is in the mempool\n"
    "    \"modified_fee\" : n       (numeric, optional) Fee plus delta, when in the mempool\n"
    "  },\n"
    "  ...\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getprioritisedtransactions", "", ""), rpc_getprioritisedtransactions },
};

const guint umk_rpc_n_mempool_methods = G_N_ELEMENTS (umk_rpc_mempool_methods);
