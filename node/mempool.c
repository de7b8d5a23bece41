/* mempool.c — the transaction pool and its clusters; see mempool.h.
 *
 * Entries live in hash tables by txid and wtxid, with a table from each spent
 * outpoint to its spender, and explicit parent/child links. Clusters are
 * rebuilt whenever they change: their members are gathered by walking the
 * links, linearized (linearize() below) and cut into chunks, and the chunks
 * are kept in one ordered tree in mining order. The tree's last chunk is what
 * eviction takes; walking it from the start is what the miner does.
 *
 * The linearization is ours, not a port of Core's spanning-forest search:
 * repeatedly take the best-rate set of transactions that includes its own
 * ancestors, found by exhaustive search for small remainders and among the
 * ancestor sets otherwise. For the clusters seen in practice (chains, fans,
 * CPFP) that is the optimal order Core finds too; for large tangled clusters
 * it may be a little worse, which only shifts which of two equal-looking
 * chunks is mined or evicted first.
 */
#define G_LOG_DOMAIN "umk-mempool"
#include "config.h"

#include "node/mempool.h"

#include "common/error.h"
#include "common/hash.h"
#include "common/logging.h"

#include <math.h>
#include <string.h>

struct _UmkMempoolCluster
{
  UmkMempoolEntry **txs; /* linearization order */
  int n;
  struct Chunk *chunks;
  int n_chunks;
  uint64_t sequence;
  bool optimal; /* the search for each chunk was exhaustive */
};

typedef struct Chunk
{
  UmkMempoolCluster *cluster;
  int start, count;
  UmkFeeFrac feerate;         /* modified fees, adjusted weight */
  int32_t equal_prefix_size;  /* weight of this and earlier chunks of the same rate */
  const UmkUint256 *max_txid; /* the chunk's last transaction in fallback order */
} Chunk;

struct _UmkMempool
{
  GRecMutex lock;
  UmkMempoolOptions opts;
  GHashTable *by_txid;     /* const UmkUint256 * (the entry's) -> entry */
  GHashTable *by_wtxid;    /* idem */
  GHashTable *spenders;    /* const UmkOutPoint * (the spender's input) -> entry */
  GHashTable *deltas;      /* UmkUint256 * (owned) -> gint64 * (owned) */
  GHashTable *unbroadcast; /* UmkUint256 * (owned) set */
  GTree *chunks;           /* Chunk * in mining order */
  GTree *by_time;          /* entry in (time, id) order */
  uint64_t total_vsize;
  int64_t total_fee;
  size_t inner_usage;
  size_t n_inputs;
  guint n_clusters;
  guint n_nonoptimal; /* clusters whose linearization may not be optimal */
  uint64_t sequence_number;
  unsigned transactions_updated;
  int64_t last_rolling_fee_update;
  bool block_since_last_rolling_fee_bump;
  double rolling_minimum_fee_rate;
  bool load_tried;
  int64_t mock_time;
  uint64_t next_cluster_sequence;
  uint64_t next_entry_id;
  bool have_changeset;
  UmkMempoolRemovedFunc removed_func;
  gpointer removed_data;
  UmkMempoolAddedFunc added_func;
  gpointer added_data;
};

/* ---- options --------------------------------------------------------------- */

void
umk_mempool_options_init (UmkMempoolOptions *o)
{
  memset (o, 0, sizeof *o);
  o->max_size_bytes = (int64_t) UMK_DEFAULT_MAX_MEMPOOL_SIZE_MB * 1000000;
  o->expiry_seconds = (int64_t) UMK_DEFAULT_MEMPOOL_EXPIRY_HOURS * 3600;
  o->incremental_relay_feerate = umk_feerate_from_kvb (UMK_DEFAULT_INCREMENTAL_RELAY_FEE);
  o->min_relay_feerate = umk_feerate_from_kvb (UMK_DEFAULT_MIN_RELAY_TX_FEE);
  o->dust_relay_feerate = umk_feerate_from_kvb (UMK_DUST_RELAY_TX_FEE);
  o->max_datacarrier_bytes = UMK_DEFAULT_ACCEPT_DATACARRIER ? UMK_MAX_OP_RETURN_RELAY : -1;
  o->permit_bare_multisig = UMK_DEFAULT_PERMIT_BAREMULTISIG;
  o->require_standard = !UMK_DEFAULT_ACCEPT_NON_STD_TXN;
  o->persist_v1_dat = UMK_DEFAULT_PERSIST_V1_DAT;
  o->bytes_per_sigop = UMK_DEFAULT_BYTES_PER_SIGOP;
  o->cluster_count = UMK_DEFAULT_CLUSTER_LIMIT;
  o->cluster_size_vbytes = (int64_t) UMK_DEFAULT_CLUSTER_SIZE_LIMIT_KVB * 1000;
  o->ancestor_count = UMK_DEFAULT_ANCESTOR_LIMIT;
  o->descendant_count = UMK_DEFAULT_DESCENDANT_LIMIT;
}

gboolean
umk_parse_money (const char *text, int64_t *out)
{
  if (text == NULL)
    return FALSE;
  /* Core trims " \f\n\r\t\v" at both ends */
  const char *ws = " \f\n\r\t\v";
  while (*text && strchr (ws, *text))
    text++;
  size_t len = strlen (text);
  while (len > 0 && strchr (ws, text[len - 1]))
    len--;
  if (len == 0)
    return FALSE;
  int64_t whole = 0, units = 0;
  size_t whole_digits = 0, i = 0;
  for (; i < len; i++)
    {
      char c = text[i];
      if (c == '.')
        {
          i++;
          int64_t mult = UMK_COIN / 10;
          while (i < len && g_ascii_isdigit (text[i]) && mult > 0)
            {
              units += mult * (text[i++] - '0');
              mult /= 10;
            }
          break;
        }
      if (!g_ascii_isdigit (c))
        return FALSE;
      if (++whole_digits > 10) /* Core refuses more than 10 digits (63-bit overflow guard) */
        return FALSE;
      whole = whole * 10 + (c - '0');
    }
  if (i != len)
    return FALSE;
  int64_t value = whole * UMK_COIN + units;
  if (!umk_money_range (value))
    return FALSE;
  *out = value;
  return TRUE;
}

static gboolean
read_amount_option (const UmkArgs *args, const char *name, UmkFeeRate *rate, GError **error)
{
  g_autofree char *value = umk_args_get (args, name, NULL);
  if (value == NULL)
    return TRUE;
  int64_t amount;
  if (!umk_parse_money (value, &amount))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid amount for %s=<amount>: '%s'",
                   name, value);
      return FALSE;
    }
  *rate = umk_feerate_from_kvb (amount);
  return TRUE;
}

gboolean
umk_mempool_options_from_args (UmkMempoolOptions *o, const UmkArgs *args,
                               const UmkChainParams *params, GError **error)
{
  if (umk_args_is_set (args, "-maxmempool"))
    o->max_size_bytes = umk_args_get_int (args, "-maxmempool", 0) * 1000000;
  if (umk_args_is_set (args, "-mempoolexpiry"))
    o->expiry_seconds = umk_args_get_int (args, "-mempoolexpiry", 0) * 3600;
  if (!read_amount_option (args, "-incrementalrelayfee", &o->incremental_relay_feerate, error))
    return FALSE;
  if (umk_args_is_set (args, "-minrelaytxfee"))
    {
      if (!read_amount_option (args, "-minrelaytxfee", &o->min_relay_feerate, error))
        return FALSE;
    }
  else if (umk_feefrac_rate_cmp (o->incremental_relay_feerate, o->min_relay_feerate) > 0)
    {
      /* raising the incremental fee alone raises the relay minimum with it */
      o->min_relay_feerate = o->incremental_relay_feerate;
      g_autofree char *text = umk_feerate_to_string (o->min_relay_feerate);
      umk_log_info ("Increasing minrelaytxfee to %s to match incrementalrelayfee", text);
    }
  if (!read_amount_option (args, "-dustrelayfee", &o->dust_relay_feerate, error))
    return FALSE;
  o->permit_bare_multisig
      = umk_args_get_bool (args, "-permitbaremultisig", UMK_DEFAULT_PERMIT_BAREMULTISIG);
  if (umk_args_get_bool (args, "-datacarrier", UMK_DEFAULT_ACCEPT_DATACARRIER))
    o->max_datacarrier_bytes = umk_args_get_int (args, "-datacarriersize", UMK_MAX_OP_RETURN_RELAY);
  else
    o->max_datacarrier_bytes = -1;
  o->require_standard
      = !umk_args_get_bool (args, "-acceptnonstdtxn", UMK_DEFAULT_ACCEPT_NON_STD_TXN);
  if (params != NULL && !o->require_standard && params->chain == UMK_CHAIN_MAIN)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "acceptnonstdtxn is not currently supported for %s chain",
                   umk_chain_name (params->chain));
      return FALSE;
    }
  o->persist_v1_dat = umk_args_get_bool (args, "-persistmempoolv1", o->persist_v1_dat);
  gint64 bps = umk_args_get_int (args, "-bytespersigop", o->bytes_per_sigop);
  o->bytes_per_sigop = (unsigned) CLAMP (bps, 0, G_MAXUINT32);
  gint64 cc = umk_args_get_int (args, "-limitclustercount", o->cluster_count);
  if (umk_args_is_set (args, "-limitclustersize"))
    o->cluster_size_vbytes = umk_args_get_int (args, "-limitclustersize", 0) * 1000;
  o->ancestor_count = umk_args_get_int (args, "-limitancestorcount", o->ancestor_count);
  o->descendant_count = umk_args_get_int (args, "-limitdescendantcount", o->descendant_count);
  if (cc > UMK_MAX_CLUSTER_COUNT_LIMIT || cc < 0)
    {
      /* Core stores the value in an unsigned, so negatives wrap to huge */
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "limitclustercount must be less than or equal to %d",
                   UMK_MAX_CLUSTER_COUNT_LIMIT);
      return FALSE;
    }
  o->cluster_count = (unsigned) cc;
  /* the pool must hold at least 40 maximal clusters */
  int64_t cluster_limit_bytes = o->cluster_size_vbytes * 40;
  if (o->max_size_bytes < 0 || (o->max_size_bytes > 0 && o->max_size_bytes < cluster_limit_bytes))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "-maxmempool must be at least %.0f MB",
                   ceil ((double) cluster_limit_bytes / 1000000.0));
      return FALSE;
    }
  return TRUE;
}

const char *
umk_removal_reason_name (UmkRemovalReason reason)
{
  switch (reason)
    {
    case UMK_REMOVAL_EXPIRY:
      return "expiry";
    case UMK_REMOVAL_SIZELIMIT:
      return "sizelimit";
    case UMK_REMOVAL_REORG:
      return "reorg";
    case UMK_REMOVAL_BLOCK:
      return "block";
    case UMK_REMOVAL_CONFLICT:
      return "conflict";
    case UMK_REMOVAL_REPLACED:
      return "replaced";
    }
  return "unknown";
}

/* ---- hashing ----------------------------------------------------------------- */

/* Txids are chosen by whoever sends transactions, so the tables hash them
 * with a secret key (Core's salted hashers). */
static uint64_t hash_k0, hash_k1;

static void
init_hash_keys (void)
{
  static gsize done = 0;
  if (g_once_init_enter (&done))
    {
      hash_k0 = ((uint64_t) g_random_int () << 32) | g_random_int ();
      hash_k1 = ((uint64_t) g_random_int () << 32) | g_random_int ();
      g_once_init_leave (&done, 1);
    }
}

static guint
hash_uint256 (gconstpointer p)
{
  return (guint) umk_siphash24 (hash_k0, hash_k1, p, 32);
}

static gboolean
equal_uint256 (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

/* Core orders txids (in sets and maps) by their bytes as stored. */
static int
txid_cmp (const UmkUint256 *a, const UmkUint256 *b)
{
  return memcmp (a->b, b->b, 32);
}

static gint
entry_txid_cmp (gconstpointer a, gconstpointer b)
{
  const UmkMempoolEntry *x = *(UmkMempoolEntry *const *) a;
  const UmkMempoolEntry *y = *(UmkMempoolEntry *const *) b;
  return txid_cmp (&x->tx->txid, &y->tx->txid);
}

/* ---- memory estimates (Core's memusage on 64-bit glibc) ---------------------- */

static size_t
malloc_usage (size_t alloc)
{
  return alloc == 0 ? 0 : ((alloc + 31) >> 4) << 4;
}

/* RecursiveDynamicUsage of a shared CTransaction: the object and counter,
 * input and output vectors, scripts beyond the 28 bytes a prevector holds
 * inline, witness stacks. */
static size_t
tx_usage (const UmkTx *tx)
{
  size_t m = malloc_usage (128) + malloc_usage (24);
  m += malloc_usage ((size_t) tx->n_in * 96) + malloc_usage ((size_t) tx->n_out * 40);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkTxIn *in = &tx->in[i];
      if (in->script_sig.len > 28)
        m += malloc_usage (in->script_sig.len);
      m += malloc_usage ((size_t) in->n_witness * 24);
      for (uint32_t j = 0; j < in->n_witness; j++)
        m += malloc_usage (in->witness[j].len);
    }
  for (uint32_t i = 0; i < tx->n_out; i++)
    if (tx->out[i].script_pubkey.len > 28)
      m += malloc_usage (tx->out[i].script_pubkey.len);
  return m;
}

size_t
umk_mempool_usage (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  size_t n = g_hash_table_size (pool->by_txid);
  size_t usage = malloc_usage (144 + 9 * sizeof (void *)) * n /* entries in the index */
                 + malloc_usage (48) * pool->n_inputs         /* spent outpoints */
                 + malloc_usage (72) * g_hash_table_size (pool->deltas)
                 + malloc_usage (40 * n)           /* the random-order vector */
                 + 160 * n + 64 * pool->n_clusters /* the cluster graph */
                 + pool->inner_usage;
  umk_mempool_unlock (pool);
  return usage;
}

/* ---- the pool ---------------------------------------------------------------- */

static gint
chunk_order (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  (void) user_data;
  const Chunk *a = pa, *b = pb;
  if (a == b)
    return 0;
  /* higher rate first */
  int c = umk_feefrac_rate_cmp (b->feerate, a->feerate);
  if (c != 0)
    return c;
  /* among equal rates, the smaller prefix of equal-rate chunks first (which
   * also keeps a cluster's equal-rate chunks in order) */
  if (a->equal_prefix_size != b->equal_prefix_size)
    return a->equal_prefix_size < b->equal_prefix_size ? -1 : 1;
  if (a->cluster != b->cluster)
    {
      c = txid_cmp (a->max_txid, b->max_txid);
      if (c != 0)
        return c;
      return a->cluster->sequence < b->cluster->sequence ? -1 : 1;
    }
  return a->start < b->start ? -1 : a->start > b->start ? 1 : 0;
}

static gint
time_order (gconstpointer pa, gconstpointer pb, gpointer user_data)
{
  (void) user_data;
  const UmkMempoolEntry *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  return a->id < b->id ? -1 : a->id > b->id ? 1 : 0;
}

UmkMempool *
umk_mempool_new (const UmkMempoolOptions *opts)
{
  init_hash_keys ();
  UmkMempool *pool = g_new0 (UmkMempool, 1);
  g_rec_mutex_init (&pool->lock);
  if (opts != NULL)
    pool->opts = *opts;
  else
    umk_mempool_options_init (&pool->opts);
  pool->by_txid = g_hash_table_new (hash_uint256, equal_uint256);
  pool->by_wtxid = g_hash_table_new (hash_uint256, equal_uint256);
  pool->spenders = g_hash_table_new (umk_outpoint_hash, umk_outpoint_equal);
  pool->deltas = g_hash_table_new_full (hash_uint256, equal_uint256, g_free, g_free);
  pool->unbroadcast = g_hash_table_new_full (hash_uint256, equal_uint256, g_free, NULL);
  pool->chunks = g_tree_new_full (chunk_order, NULL, NULL, NULL);
  pool->by_time = g_tree_new_full (time_order, NULL, NULL, NULL);
  pool->sequence_number = 1;
  pool->last_rolling_fee_update = umk_mempool_now (pool);
  return pool;
}

static void cluster_destroy (UmkMempool *pool, UmkMempoolCluster *c);

static void
entry_free (UmkMempoolEntry *e)
{
  if (e == NULL)
    return;
  g_clear_pointer (&e->tx, umk_tx_unref);
  g_clear_pointer (&e->parents, g_ptr_array_unref);
  g_clear_pointer (&e->children, g_ptr_array_unref);
  g_clear_pointer (&e->staged_parents, g_ptr_array_unref);
  g_free (e);
}

void
umk_mempool_free (UmkMempool *pool)
{
  if (pool == NULL)
    return;
  g_return_if_fail (!pool->have_changeset);
  /* clusters first (they point at entries), each once */
  GHashTableIter it;
  gpointer value;
  g_autoptr (GHashTable) clusters = g_hash_table_new (NULL, NULL);
  g_hash_table_iter_init (&it, pool->by_txid);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkMempoolEntry *e = value;
      if (e->cluster != NULL)
        g_hash_table_add (clusters, e->cluster);
    }
  g_hash_table_iter_init (&it, clusters);
  while (g_hash_table_iter_next (&it, &value, NULL))
    cluster_destroy (pool, value);
  g_hash_table_iter_init (&it, pool->by_txid);
  while (g_hash_table_iter_next (&it, NULL, &value))
    entry_free (value);
  g_hash_table_unref (pool->by_txid);
  g_hash_table_unref (pool->by_wtxid);
  g_hash_table_unref (pool->spenders);
  g_hash_table_unref (pool->deltas);
  g_hash_table_unref (pool->unbroadcast);
  g_tree_unref (pool->chunks);
  g_tree_unref (pool->by_time);
  g_rec_mutex_clear (&pool->lock);
  g_free (pool);
}

const UmkMempoolOptions *
umk_mempool_options (const UmkMempool *pool)
{
  return &pool->opts;
}

void
umk_mempool_lock (UmkMempool *pool)
{
  g_rec_mutex_lock (&pool->lock);
}

void
umk_mempool_unlock (UmkMempool *pool)
{
  g_rec_mutex_unlock (&pool->lock);
}

void
umk_mempool_set_mock_time (UmkMempool *pool, int64_t seconds)
{
  umk_mempool_lock (pool);
  pool->mock_time = seconds;
  umk_mempool_unlock (pool);
}

int64_t
umk_mempool_now (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  int64_t mock = pool->mock_time;
  umk_mempool_unlock (pool);
  return mock != 0 ? mock : g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- linearization ------------------------------------------------------------ */

/* One transaction of a cluster being linearized; dependencies as bitsets over
 * the cluster's indices (clusters hold at most 64 transactions). */
typedef struct
{
  int64_t fee;
  int32_t size;
  const UmkUint256 *txid;
  uint64_t parents;
  uint64_t anc; /* ancestors, itself included */
} LinTx;

typedef struct
{
  int start, count;
  UmkFeeFrac feerate;
} LinChunk;

#define BIT(i) (UINT64_C (1) << (i))

static inline int
bit_next (uint64_t *set)
{
  int i = __builtin_ctzll (*set);
  *set &= *set - 1;
  return i;
}

static UmkFeeFrac
set_feerate (const LinTx *t, uint64_t set)
{
  UmkFeeFrac f = { 0, 0 };
  while (set)
    {
      int i = bit_next (&set);
      f.fee += t[i].fee;
      f.size += t[i].size;
    }
  return f;
}

/* The largest txid in a set, for breaking ties between equal sets. */
static const UmkUint256 *
set_max_txid (const LinTx *t, uint64_t set)
{
  const UmkUint256 *m = NULL;
  while (set)
    {
      int i = bit_next (&set);
      if (m == NULL || txid_cmp (t[i].txid, m) > 0)
        m = t[i].txid;
    }
  return m;
}

typedef struct
{
  uint64_t set;
  UmkFeeFrac feerate;
} Candidate;

/* Whether a is a better next set than b: a higher rate, then a smaller set
 * (ties split into separate chunks), then the smaller largest txid. */
static bool
candidate_better (const LinTx *t, const Candidate *a, const Candidate *b)
{
  if (b->set == 0)
    return true;
  int c = umk_feefrac_rate_cmp (a->feerate, b->feerate);
  if (c != 0)
    return c > 0;
  if (a->feerate.size != b->feerate.size)
    return a->feerate.size < b->feerate.size;
  return txid_cmp (set_max_txid (t, a->set), set_max_txid (t, b->set)) < 0;
}

typedef struct
{
  const LinTx *t;
  int list[64]; /* the remaining transactions in a topological order */
  int m;
  uint64_t rem;
  Candidate best;
  long budget;
} Search;

/* Visits the sets of remaining transactions that contain their remaining
 * ancestors (each exactly once), keeping the best. */
static void
search_closed_sets (Search *s, int k, uint64_t inc, UmkFeeFrac f)
{
  if (s->budget <= 0)
    return;
  s->budget--;
  if (k == s->m)
    {
      if (inc != 0)
        {
          Candidate c = { inc, f };
          if (candidate_better (s->t, &c, &s->best))
            s->best = c;
        }
      return;
    }
  int x = s->list[k];
  search_closed_sets (s, k + 1, inc, f);
  if ((s->t[x].anc & s->rem & ~BIT (x) & ~inc) == 0)
    {
      UmkFeeFrac g = { f.fee + s->t[x].fee, f.size + s->t[x].size };
      search_closed_sets (s, k + 1, inc | BIT (x), g);
    }
}

static int
popcount (uint64_t x)
{
  return __builtin_popcountll (x);
}

/* Orders n (<= 64) transactions parents first and best rate first, and cuts
 * the order into chunks. Returns: the number of chunks. */
static int
linearize (LinTx *t, int n, int *order, LinChunk *chunks, bool *optimal)
{
  bool exhaustive = true;
  g_assert (n > 0 && n <= 64);
  for (int i = 0; i < n; i++)
    t[i].anc = BIT (i) | t[i].parents;
  for (bool changed = true; changed;)
    {
      changed = false;
      for (int i = 0; i < n; i++)
        {
          uint64_t a = t[i].anc, p = t[i].parents;
          while (p)
            a |= t[bit_next (&p)].anc;
          if (a != t[i].anc)
            {
              t[i].anc = a;
              changed = true;
            }
        }
    }

  uint64_t rem = n == 64 ? ~UINT64_C (0) : BIT (n) - 1;
  int pos = 0;
  while (rem)
    {
      Search s = { .t = t, .rem = rem, .best = { 0, { 0, 0 } } };
      /* the ancestor sets first: for chains and single-parent shapes one of
       * them is the answer */
      for (uint64_t r = rem; r;)
        {
          int i = bit_next (&r);
          Candidate c = { t[i].anc & rem, set_feerate (t, t[i].anc & rem) };
          if (candidate_better (t, &c, &s.best))
            s.best = c;
        }
      /* then every ancestor-closed set while there are few enough (2^14
       * at most), or a bounded part of them */
      int m = popcount (rem);
      if (m > 1)
        {
          /* topological order: fewer remaining ancestors first */
          for (int cnt = 1; cnt <= m && s.m < m; cnt++)
            for (uint64_t r = rem; r;)
              {
                int i = bit_next (&r);
                if (popcount (t[i].anc & rem) == cnt)
                  s.list[s.m++] = i;
              }
          s.budget = m <= 14 ? (1L << 16) : 20000;
          UmkFeeFrac zero = { 0, 0 };
          search_closed_sets (&s, 0, 0, zero);
          if (s.budget <= 0)
            exhaustive = false;
        }
      /* place the chosen set parents first, lower txids first among ready ones */
      uint64_t placed = 0;
      while (placed != s.best.set)
        {
          int pick = -1;
          for (uint64_t r = s.best.set & ~placed; r;)
            {
              int i = bit_next (&r);
              if ((t[i].anc & s.best.set & ~placed & ~BIT (i)) != 0)
                continue;
              if (pick < 0 || txid_cmp (t[i].txid, t[pick].txid) < 0)
                pick = i;
            }
          g_assert (pick >= 0);
          order[pos++] = pick;
          placed |= BIT (pick);
        }
      rem &= ~s.best.set;
    }

  /* chunks: each transaction starts one and absorbs the chunks before it
   * while it has a strictly higher rate */
  int n_chunks = 0;
  for (int i = 0; i < n; i++)
    {
      LinChunk c = { i, 1, { t[order[i]].fee, t[order[i]].size } };
      while (n_chunks > 0 && umk_feefrac_rate_cmp (c.feerate, chunks[n_chunks - 1].feerate) > 0)
        {
          LinChunk *prev = &chunks[--n_chunks];
          c.start = prev->start;
          c.count += prev->count;
          c.feerate.fee += prev->feerate.fee;
          c.feerate.size += prev->feerate.size;
        }
      chunks[n_chunks++] = c;
    }
  if (optimal != NULL)
    *optimal = exhaustive;
  return n_chunks;
}

/* ---- clusters ----------------------------------------------------------------- */

static void
cluster_destroy (UmkMempool *pool, UmkMempoolCluster *c)
{
  for (int i = 0; i < c->n_chunks; i++)
    g_tree_remove (pool->chunks, &c->chunks[i]);
  for (int i = 0; i < c->n; i++)
    if (c->txs[i]->cluster == c)
      c->txs[i]->cluster = NULL;
  pool->n_clusters--;
  if (!c->optimal)
    pool->n_nonoptimal--;
  g_free (c->txs);
  g_free (c->chunks);
  g_free (c);
}

/* Fallback for more than 64 transactions (only while a reorg briefly joins
 * clusters beyond the limit, before trimming): parents first by txid. */
static int
linearize_large (UmkMempoolEntry **ents, int n, int *order, LinChunk *chunks)
{
  g_autofree int *indeg = g_new0 (int, n);
  g_autofree bool *done = g_new0 (bool, n);
  for (int i = 0; i < n; i++)
    indeg[i] = (int) ents[i]->parents->len;
  for (int pos = 0; pos < n; pos++)
    {
      int pick = -1;
      for (int i = 0; i < n; i++)
        if (!done[i] && indeg[i] == 0
            && (pick < 0 || txid_cmp (&ents[i]->tx->txid, &ents[pick]->tx->txid) < 0))
          pick = i;
      g_assert (pick >= 0);
      done[pick] = true;
      order[pos] = pick;
      for (guint j = 0; j < ents[pick]->children->len; j++)
        indeg[((UmkMempoolEntry *) ents[pick]->children->pdata[j])->mark]--;
    }
  int n_chunks = 0;
  for (int i = 0; i < n; i++)
    {
      UmkMempoolEntry *e = ents[order[i]];
      LinChunk c = { i, 1, { e->modified_fee, e->adjusted_weight } };
      while (n_chunks > 0 && umk_feefrac_rate_cmp (c.feerate, chunks[n_chunks - 1].feerate) > 0)
        {
          LinChunk *prev = &chunks[--n_chunks];
          c.start = prev->start;
          c.count += prev->count;
          c.feerate.fee += prev->feerate.fee;
          c.feerate.size += prev->feerate.size;
        }
      chunks[n_chunks++] = c;
    }
  return n_chunks;
}

/* Makes a cluster of a connected set of pool entries (taking ents). */
static void
cluster_create (UmkMempool *pool, UmkMempoolEntry **ents, int n)
{
  g_autofree int *order = g_new (int, n);
  g_autofree LinChunk *lchunks = g_new (LinChunk, n);
  int n_chunks;
  bool optimal = false;
  for (int i = 0; i < n; i++)
    ents[i]->mark = i;
  if (n <= 64)
    {
      LinTx t[64];
      for (int i = 0; i < n; i++)
        {
          UmkMempoolEntry *e = ents[i];
          t[i].fee = e->modified_fee;
          t[i].size = e->adjusted_weight;
          t[i].txid = &e->tx->txid;
          t[i].parents = 0;
          for (guint j = 0; j < e->parents->len; j++)
            t[i].parents |= BIT (((UmkMempoolEntry *) e->parents->pdata[j])->mark);
        }
      n_chunks = linearize (t, n, order, lchunks, &optimal);
    }
  else
    n_chunks = linearize_large (ents, n, order, lchunks);

  UmkMempoolCluster *c = g_new0 (UmkMempoolCluster, 1);
  c->n = n;
  c->txs = g_new (UmkMempoolEntry *, n);
  for (int i = 0; i < n; i++)
    {
      UmkMempoolEntry *e = ents[order[i]];
      c->txs[i] = e;
      e->cluster = c;
      e->lin_index = i;
      e->mark = 0;
    }
  c->sequence = pool->next_cluster_sequence++;
  c->optimal = optimal;
  if (!optimal)
    pool->n_nonoptimal++;
  c->n_chunks = n_chunks;
  c->chunks = g_new0 (Chunk, n_chunks);
  UmkFeeFrac equal = { 0, 0 };
  for (int k = 0; k < n_chunks; k++)
    {
      Chunk *ch = &c->chunks[k];
      ch->cluster = c;
      ch->start = lchunks[k].start;
      ch->count = lchunks[k].count;
      ch->feerate = lchunks[k].feerate;
      if (umk_feefrac_rate_cmp (ch->feerate, equal) < 0)
        equal = ch->feerate;
      else
        {
          equal.fee += ch->feerate.fee;
          equal.size += ch->feerate.size;
        }
      ch->equal_prefix_size = equal.size;
      for (int i = ch->start; i < ch->start + ch->count; i++)
        {
          c->txs[i]->chunk_index = k;
          if (ch->max_txid == NULL || txid_cmp (&c->txs[i]->tx->txid, ch->max_txid) > 0)
            ch->max_txid = &c->txs[i]->tx->txid;
        }
      g_tree_insert (pool->chunks, ch, ch);
    }
  pool->n_clusters++;
}

/* Collects the pool entries connected to start (through parents and children)
 * into out, marking them in visited. */
static void
collect_component (UmkMempoolEntry *start, GHashTable *visited, GPtrArray *out)
{
  if (!g_hash_table_add (visited, start))
    return;
  guint first = out->len;
  g_ptr_array_add (out, start);
  for (guint k = first; k < out->len; k++)
    {
      UmkMempoolEntry *e = out->pdata[k];
      for (guint j = 0; j < e->parents->len; j++)
        if (g_hash_table_add (visited, e->parents->pdata[j]))
          g_ptr_array_add (out, e->parents->pdata[j]);
      for (guint j = 0; j < e->children->len; j++)
        if (g_hash_table_add (visited, e->children->pdata[j]))
          g_ptr_array_add (out, e->children->pdata[j]);
    }
}

/* Re-forms the clusters after a change: every remaining member of a dirty
 * cluster, and every seed, is regrouped into connected components, which
 * become new clusters (the old ones, and any they merged with, go). */
static void
rebuild_clusters (UmkMempool *pool, GHashTable *dirty, GPtrArray *seeds)
{
  g_autoptr (GPtrArray) starts = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, dirty);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      UmkMempoolCluster *c = key;
      for (int i = 0; i < c->n; i++)
        if (c->txs[i]->in_pool)
          g_ptr_array_add (starts, c->txs[i]);
    }
  if (seeds != NULL)
    for (guint i = 0; i < seeds->len; i++)
      if (((UmkMempoolEntry *) seeds->pdata[i])->in_pool)
        g_ptr_array_add (starts, seeds->pdata[i]);

  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) components
      = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < starts->len; i++)
    {
      if (g_hash_table_contains (visited, starts->pdata[i]))
        continue;
      GPtrArray *comp = g_ptr_array_new ();
      collect_component (starts->pdata[i], visited, comp);
      for (guint j = 0; j < comp->len; j++)
        {
          UmkMempoolEntry *e = comp->pdata[j];
          if (e->cluster != NULL)
            g_hash_table_add (dirty, e->cluster);
        }
      g_ptr_array_add (components, comp);
    }
  g_hash_table_iter_init (&it, dirty);
  while (g_hash_table_iter_next (&it, &key, NULL))
    cluster_destroy (pool, key);
  g_hash_table_remove_all (dirty);
  for (guint i = 0; i < components->len; i++)
    {
      GPtrArray *comp = components->pdata[i];
      cluster_create (pool, (UmkMempoolEntry **) comp->pdata, (int) comp->len);
    }
}

/* ---- adding and removing entries ---------------------------------------------- */

static void
link_parent_child (UmkMempoolEntry *parent, UmkMempoolEntry *child)
{
  for (guint i = 0; i < child->parents->len; i++)
    if (child->parents->pdata[i] == parent)
      return;
  g_ptr_array_add (child->parents, parent);
  g_ptr_array_add (parent->children, child);
}

/* Puts an entry in the tables and links it to its in-pool parents. Its
 * cluster is made by the caller's rebuild. */
static void
pool_insert (UmkMempool *pool, UmkMempoolEntry *e)
{
  const UmkTx *tx = e->tx;
  e->in_pool = true;
  e->staged = false;
  e->id = pool->next_entry_id++;
  g_hash_table_insert (pool->by_txid, &e->tx->txid, e);
  g_hash_table_insert (pool->by_wtxid, &e->tx->wtxid, e);
  if (e->parents == NULL)
    e->parents = g_ptr_array_new ();
  if (e->children == NULL)
    e->children = g_ptr_array_new ();
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      g_hash_table_insert (pool->spenders, (gpointer) &tx->in[i].prevout, e);
      UmkMempoolEntry *parent = g_hash_table_lookup (pool->by_txid, &tx->in[i].prevout.hash);
      if (parent != NULL && parent != e)
        link_parent_child (parent, e);
    }
  pool->n_inputs += tx->n_in;
  g_tree_insert (pool->by_time, e, e);
  pool->total_vsize += (uint64_t) e->vsize;
  pool->total_fee += e->fee;
  pool->inner_usage += e->usage;
  pool->transactions_updated++;
}

/* Takes an entry out of the tables and the graph (Core's removeUnchecked).
 * The caller rebuilds the clusters and frees the entry. */
static void
pool_unlink (UmkMempool *pool, UmkMempoolEntry *e, UmkRemovalReason reason)
{
  g_assert (e->in_pool);
  pool->sequence_number++;
  if (pool->removed_func != NULL)
    pool->removed_func (e, reason, pool->removed_data);
  const UmkTx *tx = e->tx;
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      /* only if it still points here: a conflicting spender never coexists */
      if (g_hash_table_lookup (pool->spenders, &tx->in[i].prevout) == e)
        g_hash_table_remove (pool->spenders, &tx->in[i].prevout);
    }
  pool->n_inputs -= tx->n_in;
  if (g_hash_table_remove (pool->unbroadcast, &tx->txid))
    {
      char hex[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&tx->txid, hex);
      UMK_LOG_DEBUG (UMK_LOG_MEMPOOL,
                     "Removed %s from set of unbroadcast txns before confirmation that txn was "
                     "sent out",
                     hex);
    }
  g_hash_table_remove (pool->by_txid, &tx->txid);
  g_hash_table_remove (pool->by_wtxid, &tx->wtxid);
  g_tree_remove (pool->by_time, e);
  for (guint i = 0; i < e->parents->len; i++)
    g_ptr_array_remove_fast (((UmkMempoolEntry *) e->parents->pdata[i])->children, e);
  for (guint i = 0; i < e->children->len; i++)
    g_ptr_array_remove_fast (((UmkMempoolEntry *) e->children->pdata[i])->parents, e);
  g_ptr_array_set_size (e->parents, 0);
  g_ptr_array_set_size (e->children, 0);
  pool->total_vsize -= (uint64_t) e->vsize;
  pool->total_fee -= e->fee;
  pool->inner_usage -= e->usage;
  pool->transactions_updated++;
  e->in_pool = false;
}

/* Removes a set of entries (which must include the descendants of each
 * unless they leave for a block) and re-forms the affected clusters. */
static void
remove_entries (UmkMempool *pool, GPtrArray *list, UmkRemovalReason reason)
{
  if (list->len == 0)
    return;
  g_autoptr (GHashTable) dirty = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < list->len; i++)
    {
      UmkMempoolEntry *e = list->pdata[i];
      if (e->cluster != NULL)
        g_hash_table_add (dirty, e->cluster);
      pool_unlink (pool, e, reason);
    }
  rebuild_clusters (pool, dirty, NULL);
  for (guint i = 0; i < list->len; i++)
    entry_free (list->pdata[i]);
}

/* Adds the descendants (themselves included) of each of n entries to out
 * once, using visited. */
static void
collect_descendants (UmkMempoolEntry *const *starts, guint n, GHashTable *visited, GPtrArray *out)
{
  for (guint s = 0; s < n; s++)
    {
      if (!g_hash_table_add (visited, starts[s]))
        continue;
      guint first = out->len;
      g_ptr_array_add (out, starts[s]);
      for (guint k = first; k < out->len; k++)
        {
          UmkMempoolEntry *e = out->pdata[k];
          for (guint j = 0; j < e->children->len; j++)
            if (g_hash_table_add (visited, e->children->pdata[j]))
              g_ptr_array_add (out, e->children->pdata[j]);
        }
    }
}

static void
collect_ancestors (UmkMempoolEntry *start, GHashTable *visited, GPtrArray *out)
{
  if (!g_hash_table_add (visited, start))
    return;
  guint first = out->len;
  g_ptr_array_add (out, start);
  for (guint k = first; k < out->len; k++)
    {
      UmkMempoolEntry *e = out->pdata[k];
      GPtrArray *parents = e->staged ? e->staged_parents : e->parents;
      for (guint j = 0; j < parents->len; j++)
        if (g_hash_table_add (visited, parents->pdata[j]))
          g_ptr_array_add (out, parents->pdata[j]);
    }
}

/* Removes the given entries and all their descendants. */
static void
remove_with_descendants (UmkMempool *pool, UmkMempoolEntry *const *starts, guint n,
                         UmkRemovalReason reason)
{
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  collect_descendants (starts, n, visited, all);
  remove_entries (pool, all, reason);
}

/* ---- lookups ---------------------------------------------------------------------- */

guint
umk_mempool_size (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  guint n = g_hash_table_size (pool->by_txid);
  umk_mempool_unlock (pool);
  return n;
}

uint64_t
umk_mempool_total_vsize (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  uint64_t v = pool->total_vsize;
  umk_mempool_unlock (pool);
  return v;
}

int64_t
umk_mempool_total_fee (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  int64_t v = pool->total_fee;
  umk_mempool_unlock (pool);
  return v;
}

/* A lookup in one of the pool's indexes (which live as long as the pool). */
static UmkMempoolEntry *
lookup_locked (UmkMempool *pool, GHashTable *index, gconstpointer key)
{
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = g_hash_table_lookup (index, key);
  umk_mempool_unlock (pool);
  return e;
}

UmkMempoolEntry *
umk_mempool_get (UmkMempool *pool, const UmkUint256 *txid)
{
  return lookup_locked (pool, pool->by_txid, txid);
}

UmkMempoolEntry *
umk_mempool_get_by_wtxid (UmkMempool *pool, const UmkUint256 *wtxid)
{
  return lookup_locked (pool, pool->by_wtxid, wtxid);
}

gboolean
umk_mempool_exists (UmkMempool *pool, const UmkUint256 *txid)
{
  return umk_mempool_get (pool, txid) != NULL;
}

gboolean
umk_mempool_exists_wtxid (UmkMempool *pool, const UmkUint256 *wtxid)
{
  return umk_mempool_get_by_wtxid (pool, wtxid) != NULL;
}

UmkTx *
umk_mempool_get_tx (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, txid);
  UmkTx *tx = e != NULL ? umk_tx_ref (e->tx) : NULL;
  umk_mempool_unlock (pool);
  return tx;
}

UmkMempoolEntry *
umk_mempool_get_spender (UmkMempool *pool, const UmkOutPoint *out)
{
  return lookup_locked (pool, pool->spenders, out);
}

gboolean
umk_mempool_is_spent (UmkMempool *pool, const UmkOutPoint *out)
{
  return umk_mempool_get_spender (pool, out) != NULL;
}

gboolean
umk_mempool_get_output (UmkMempool *pool, const UmkOutPoint *out, UmkTxOut *output)
{
  umk_mempool_lock (pool);
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, &out->hash);
  gboolean ok = e != NULL && out->n < e->tx->n_out;
  if (ok)
    *output = e->tx->out[out->n];
  umk_mempool_unlock (pool);
  return ok;
}

GPtrArray *
umk_mempool_entries (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  GPtrArray *out = g_ptr_array_sized_new (g_hash_table_size (pool->by_txid));
  for (GTreeNode *n = g_tree_node_first (pool->chunks); n != NULL; n = g_tree_node_next (n))
    {
      const Chunk *ch = g_tree_node_key (n);
      for (int i = ch->start; i < ch->start + ch->count; i++)
        g_ptr_array_add (out, ch->cluster->txs[i]);
    }
  umk_mempool_unlock (pool);
  return out;
}

static GPtrArray *
sorted_copy (GPtrArray *a)
{
  GPtrArray *out = g_ptr_array_sized_new (a->len);
  for (guint i = 0; i < a->len; i++)
    g_ptr_array_add (out, a->pdata[i]);
  g_ptr_array_sort (out, entry_txid_cmp);
  return out;
}

GPtrArray *
umk_mempool_parents (UmkMempool *pool, UmkMempoolEntry *e)
{
  umk_mempool_lock (pool);
  GPtrArray *out = sorted_copy (e->parents);
  umk_mempool_unlock (pool);
  return out;
}

GPtrArray *
umk_mempool_children (UmkMempool *pool, UmkMempoolEntry *e)
{
  umk_mempool_lock (pool);
  GPtrArray *out = sorted_copy (e->children);
  umk_mempool_unlock (pool);
  return out;
}

GPtrArray *
umk_mempool_ancestors (UmkMempool *pool, UmkMempoolEntry *e)
{
  umk_mempool_lock (pool);
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  GPtrArray *out = g_ptr_array_new ();
  collect_ancestors (e, visited, out);
  g_ptr_array_remove_index_fast (out, 0);
  g_ptr_array_sort (out, entry_txid_cmp);
  umk_mempool_unlock (pool);
  return out;
}

GPtrArray *
umk_mempool_descendants (UmkMempool *pool, UmkMempoolEntry *e)
{
  umk_mempool_lock (pool);
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  GPtrArray *out = g_ptr_array_new ();
  collect_descendants (&e, 1, visited, out);
  g_ptr_array_remove_index_fast (out, 0);
  g_ptr_array_sort (out, entry_txid_cmp);
  umk_mempool_unlock (pool);
  return out;
}

static void
set_info (GPtrArray *set, UmkMempoolSetInfo *out)
{
  out->count = set->len;
  out->vsize = 0;
  out->fees = 0;
  for (guint i = 0; i < set->len; i++)
    {
      UmkMempoolEntry *e = set->pdata[i];
      out->vsize += e->vsize;
      out->fees += e->modified_fee;
    }
}

void
umk_mempool_ancestor_info (UmkMempool *pool, UmkMempoolEntry *e, UmkMempoolSetInfo *out)
{
  umk_mempool_lock (pool);
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) set = g_ptr_array_new ();
  collect_ancestors (e, visited, set);
  set_info (set, out);
  umk_mempool_unlock (pool);
}

void
umk_mempool_descendant_info (UmkMempool *pool, UmkMempoolEntry *e, UmkMempoolSetInfo *out)
{
  umk_mempool_lock (pool);
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) set = g_ptr_array_new ();
  collect_descendants (&e, 1, visited, set);
  set_info (set, out);
  umk_mempool_unlock (pool);
}

UmkFeeFrac
umk_mempool_chunk_feerate (UmkMempool *pool, UmkMempoolEntry *e)
{
  UmkFeeFrac f = { 0, 0 };
  umk_mempool_lock (pool);
  if (e->in_pool && e->cluster != NULL)
    f = e->cluster->chunks[e->chunk_index].feerate;
  umk_mempool_unlock (pool);
  return f;
}

GPtrArray *
umk_mempool_cluster (UmkMempool *pool, UmkMempoolEntry *e)
{
  umk_mempool_lock (pool);
  GPtrArray *out = g_ptr_array_new ();
  if (e->in_pool && e->cluster != NULL)
    for (int i = 0; i < e->cluster->n; i++)
      g_ptr_array_add (out, e->cluster->txs[i]);
  umk_mempool_unlock (pool);
  return out;
}

void
umk_mempool_ancestry (UmkMempool *pool, const UmkUint256 *txid, size_t *ancestors,
                      size_t *cluster_count, size_t *ancestor_vsize, int64_t *ancestor_fees)
{
  umk_mempool_lock (pool);
  *ancestors = *cluster_count = 0;
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, txid);
  if (e != NULL)
    {
      UmkMempoolSetInfo info;
      umk_mempool_ancestor_info (pool, e, &info);
      *ancestors = info.count;
      if (ancestor_vsize != NULL)
        *ancestor_vsize = (size_t) info.vsize;
      if (ancestor_fees != NULL)
        *ancestor_fees = info.fees;
      *cluster_count = e->cluster != NULL ? (size_t) e->cluster->n : 1;
    }
  umk_mempool_unlock (pool);
}

static bool
signals_rbf (const UmkTx *tx)
{
  for (uint32_t i = 0; i < tx->n_in; i++)
    if (tx->in[i].sequence <= 0xfffffffdu)
      return true;
  return false;
}

int
umk_mempool_rbf_opt_in (UmkMempool *pool, const UmkTx *tx)
{
  if (signals_rbf (tx))
    return 1;
  umk_mempool_lock (pool);
  int result = -1;
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, &tx->txid);
  if (e != NULL)
    {
      result = 0;
      g_autoptr (GPtrArray) anc = umk_mempool_ancestors (pool, e);
      for (guint i = 0; i < anc->len && result == 0; i++)
        if (signals_rbf (((UmkMempoolEntry *) anc->pdata[i])->tx))
          result = 1;
    }
  umk_mempool_unlock (pool);
  return result;
}

GArray *
umk_mempool_feerate_diagram (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (UmkFeeFrac));
  UmkFeeFrac acc = { 0, 0 };
  g_array_append_val (out, acc);
  for (GTreeNode *n = g_tree_node_first (pool->chunks); n != NULL; n = g_tree_node_next (n))
    {
      const Chunk *ch = g_tree_node_key (n);
      acc.fee += ch->feerate.fee;
      acc.size += ch->feerate.size;
      g_array_append_val (out, acc);
    }
  umk_mempool_unlock (pool);
  return out;
}

gboolean
umk_mempool_is_optimal (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  gboolean r = pool->n_nonoptimal == 0;
  umk_mempool_unlock (pool);
  return r;
}

/* ---- fees --------------------------------------------------------------------------- */

UmkFeeRate
umk_mempool_min_fee (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  UmkFeeRate result;
  if (!pool->block_since_last_rolling_fee_bump || pool->rolling_minimum_fee_rate == 0)
    result = umk_feerate_from_kvb ((int64_t) llround (pool->rolling_minimum_fee_rate));
  else
    {
      int64_t now = umk_mempool_now (pool);
      if (now > pool->last_rolling_fee_update + 10)
        {
          double halflife = UMK_ROLLING_FEE_HALFLIFE;
          size_t usage = umk_mempool_usage (pool);
          size_t limit = (size_t) MAX (pool->opts.max_size_bytes, 0);
          if (usage < limit / 4)
            halflife /= 4;
          else if (usage < limit / 2)
            halflife /= 2;
          pool->rolling_minimum_fee_rate
              = pool->rolling_minimum_fee_rate
                / pow (2.0, (double) (now - pool->last_rolling_fee_update) / halflife);
          pool->last_rolling_fee_update = now;
          if (pool->rolling_minimum_fee_rate
              < (double) umk_feerate_per_kvb (pool->opts.incremental_relay_feerate) / 2)
            {
              pool->rolling_minimum_fee_rate = 0;
              umk_mempool_unlock (pool);
              return umk_feerate_from_kvb (0);
            }
        }
      result = umk_feerate_from_kvb ((int64_t) llround (pool->rolling_minimum_fee_rate));
      if (umk_feefrac_rate_cmp (result, pool->opts.incremental_relay_feerate) < 0)
        result = pool->opts.incremental_relay_feerate;
    }
  umk_mempool_unlock (pool);
  return result;
}

static void
track_package_removed (UmkMempool *pool, UmkFeeRate rate)
{
  int64_t k = umk_feerate_per_kvb (rate);
  if ((double) k > pool->rolling_minimum_fee_rate)
    {
      pool->rolling_minimum_fee_rate = (double) k;
      pool->block_since_last_rolling_fee_bump = false;
    }
}

static int64_t
saturating_add (int64_t a, int64_t b)
{
  int64_t r;
  if (__builtin_add_overflow (a, b, &r))
    return b > 0 ? INT64_MAX : INT64_MIN;
  return r;
}

void
umk_mempool_prioritise (UmkMempool *pool, const UmkUint256 *txid, int64_t delta)
{
  umk_mempool_lock (pool);
  gint64 *d = g_hash_table_lookup (pool->deltas, txid);
  if (d == NULL)
    {
      d = g_new0 (gint64, 1);
      g_hash_table_insert (pool->deltas, g_memdup2 (txid, sizeof *txid), d);
    }
  *d = saturating_add (*d, delta);
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, txid);
  if (e != NULL)
    {
      e->modified_fee = saturating_add (e->modified_fee, delta);
      g_autoptr (GHashTable) dirty = g_hash_table_new (NULL, NULL);
      if (e->cluster != NULL)
        g_hash_table_add (dirty, e->cluster);
      rebuild_clusters (pool, dirty, NULL);
      pool->transactions_updated++;
    }
  char hex[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (txid, hex);
  if (*d == 0)
    {
      g_hash_table_remove (pool->deltas, txid);
      umk_log_info ("PrioritiseTransaction: %s (%sin mempool) delta cleared", hex,
                    e == NULL ? "not " : "");
    }
  else
    umk_log_info ("PrioritiseTransaction: %s (%sin mempool) fee += %" G_GINT64_FORMAT
                  ", new delta=%" G_GINT64_FORMAT,
                  hex, e == NULL ? "not " : "", delta, *d);
  umk_mempool_unlock (pool);
}

int64_t
umk_mempool_get_delta (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  gint64 *d = g_hash_table_lookup (pool->deltas, txid);
  int64_t v = d != NULL ? *d : 0;
  umk_mempool_unlock (pool);
  return v;
}

void
umk_mempool_clear_delta (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  g_hash_table_remove (pool->deltas, txid);
  umk_mempool_unlock (pool);
}

static gint
delta_cmp (gconstpointer a, gconstpointer b)
{
  return txid_cmp (&((const UmkMempoolDelta *) a)->txid, &((const UmkMempoolDelta *) b)->txid);
}

GArray *
umk_mempool_get_deltas (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (UmkMempoolDelta));
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, pool->deltas);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      UmkMempoolDelta d = { .txid = *(UmkUint256 *) key, .delta = *(gint64 *) value };
      UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, key);
      d.in_mempool = e != NULL;
      d.modified_fee = e != NULL ? e->modified_fee : 0;
      g_array_append_val (out, d);
    }
  g_array_sort (out, delta_cmp);
  umk_mempool_unlock (pool);
  return out;
}

/* ---- bookkeeping ----------------------------------------------------------------------- */

uint64_t
umk_mempool_sequence (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  uint64_t s = pool->sequence_number;
  umk_mempool_unlock (pool);
  return s;
}

unsigned
umk_mempool_transactions_updated (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  unsigned n = pool->transactions_updated;
  umk_mempool_unlock (pool);
  return n;
}

void
umk_mempool_add_unbroadcast (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  if (g_hash_table_contains (pool->by_txid, txid))
    g_hash_table_add (pool->unbroadcast, g_memdup2 (txid, sizeof *txid));
  umk_mempool_unlock (pool);
}

void
umk_mempool_remove_unbroadcast (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  g_hash_table_remove (pool->unbroadcast, txid);
  umk_mempool_unlock (pool);
}

gboolean
umk_mempool_is_unbroadcast (UmkMempool *pool, const UmkUint256 *txid)
{
  umk_mempool_lock (pool);
  gboolean r = g_hash_table_contains (pool->unbroadcast, txid);
  umk_mempool_unlock (pool);
  return r;
}

static gint
uint256_bytes_cmp (gconstpointer a, gconstpointer b)
{
  return txid_cmp (a, b);
}

GArray *
umk_mempool_get_unbroadcast (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, pool->unbroadcast);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_array_append_vals (out, key, 1);
  g_array_sort (out, uint256_bytes_cmp);
  umk_mempool_unlock (pool);
  return out;
}

guint
umk_mempool_unbroadcast_count (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  guint n = g_hash_table_size (pool->unbroadcast);
  umk_mempool_unlock (pool);
  return n;
}

gboolean
umk_mempool_load_tried (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  gboolean r = pool->load_tried;
  umk_mempool_unlock (pool);
  return r;
}

void
umk_mempool_set_load_tried (UmkMempool *pool, gboolean tried)
{
  umk_mempool_lock (pool);
  pool->load_tried = tried;
  umk_mempool_unlock (pool);
}

void
umk_mempool_set_removed_callback (UmkMempool *pool, UmkMempoolRemovedFunc func, gpointer user_data)
{
  umk_mempool_lock (pool);
  pool->removed_func = func;
  pool->removed_data = user_data;
  umk_mempool_unlock (pool);
}

void
umk_mempool_set_added_callback (UmkMempool *pool, UmkMempoolAddedFunc func, gpointer user_data)
{
  umk_mempool_lock (pool);
  pool->added_func = func;
  pool->added_data = user_data;
  umk_mempool_unlock (pool);
}

/* ---- removals ------------------------------------------------------------------------ */

void
umk_mempool_remove_recursive (UmkMempool *pool, const UmkTx *tx, UmkRemovalReason reason)
{
  umk_mempool_lock (pool);
  g_return_if_fail (!pool->have_changeset);
  UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, &tx->txid);
  if (e != NULL)
    remove_with_descendants (pool, &e, 1, reason);
  else
    {
      /* not in the pool (a reorg did not take it back): its spenders are now
       * orphans */
      g_autoptr (GPtrArray) spenders = g_ptr_array_new ();
      for (uint32_t i = 0; i < tx->n_out; i++)
        {
          UmkOutPoint out = { tx->txid, i };
          UmkMempoolEntry *s = g_hash_table_lookup (pool->spenders, &out);
          if (s != NULL)
            g_ptr_array_add (spenders, s);
        }
      remove_with_descendants (pool, (UmkMempoolEntry **) spenders->pdata, spenders->len, reason);
    }
  umk_mempool_unlock (pool);
}

void
umk_mempool_remove_for_block (UmkMempool *pool, UmkTx *const *txs, size_t n_txs, unsigned height)
{
  (void) height;
  umk_mempool_lock (pool);
  g_return_if_fail (!pool->have_changeset);
  if (g_hash_table_size (pool->by_txid) > 0 || g_hash_table_size (pool->deltas) > 0)
    {
      for (size_t t = 0; t < n_txs; t++)
        {
          const UmkTx *tx = txs[t];
          UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, &tx->txid);
          if (e != NULL)
            {
              /* only the transaction itself: its children stay, now spending
               * a confirmed output */
              g_autoptr (GPtrArray) one = g_ptr_array_new ();
              g_ptr_array_add (one, e);
              remove_entries (pool, one, UMK_REMOVAL_BLOCK);
            }
          /* whatever spends the same outputs can never confirm now */
          for (uint32_t i = 0; i < tx->n_in; i++)
            {
              UmkMempoolEntry *c = g_hash_table_lookup (pool->spenders, &tx->in[i].prevout);
              if (c != NULL && !umk_uint256_equal (&c->tx->txid, &tx->txid))
                {
                  g_hash_table_remove (pool->deltas, &c->tx->txid);
                  remove_with_descendants (pool, &c, 1, UMK_REMOVAL_CONFLICT);
                }
            }
          g_hash_table_remove (pool->deltas, &tx->txid);
        }
    }
  pool->last_rolling_fee_update = umk_mempool_now (pool);
  pool->block_since_last_rolling_fee_bump = true;
  umk_mempool_unlock (pool);
}

void
umk_mempool_remove_for_reorg (UmkMempool *pool, UmkMempoolFilterFunc remove, gpointer user_data)
{
  umk_mempool_lock (pool);
  g_return_if_fail (!pool->have_changeset);
  g_autoptr (GPtrArray) starts = g_ptr_array_new ();
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pool->by_txid);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (remove (value, user_data))
      g_ptr_array_add (starts, value);
  remove_with_descendants (pool, (UmkMempoolEntry **) starts->pdata, starts->len,
                           UMK_REMOVAL_REORG);
  umk_mempool_unlock (pool);
}

typedef struct
{
  UmkMempoolEntry *e;
  UmkFeeFrac chunk_feerate;
  int n_deps;    /* unmet dependencies; -1 once included */
  int uf_parent; /* union-find over included transactions */
  int uf_count;
  int64_t uf_size;
} TrimTx;

static int
uf_find (TrimTx *t, int i)
{
  while (t[i].uf_parent != i)
    {
      t[i].uf_parent = t[t[i].uf_parent].uf_parent;
      i = t[i].uf_parent;
    }
  return i;
}

/* Core's TxGraph::Trim for one would-be cluster over the limits: merge the
 * old clusters' orders by chunk rate, respecting the new dependencies, and
 * keep each transaction only while the group it joins stays within the
 * limits; what is not kept (and so everything depending on it) goes. */
static void
trim_component (UmkMempool *pool, GPtrArray *comp, GPtrArray *to_remove)
{
  guint n_txs = comp->len;
  int n = (int) n_txs;
  int64_t max_size = pool->opts.cluster_size_vbytes * UMK_WITNESS_SCALE_FACTOR;
  int64_t max_count = pool->opts.cluster_count;
  g_autofree TrimTx *t = g_new0 (TrimTx, n_txs);
  for (int i = 0; i < n; i++)
    {
      UmkMempoolEntry *e = comp->pdata[i];
      e->mark = i;
      t[i].e = e;
      t[i].chunk_feerate = e->cluster != NULL ? e->cluster->chunks[e->chunk_index].feerate
                                              : (UmkFeeFrac){ e->modified_fee, e->adjusted_weight };
    }
  /* dependencies: real parents, and the predecessor in the old linearization */
  g_autofree GPtrArray **deps_of = g_new0 (GPtrArray *, n_txs);
  g_autofree GPtrArray **dependents = g_new0 (GPtrArray *, n_txs);
  for (int i = 0; i < n; i++)
    {
      deps_of[i] = g_ptr_array_new ();
      dependents[i] = g_ptr_array_new ();
    }
  for (int i = 0; i < n; i++)
    {
      UmkMempoolEntry *e = t[i].e;
      for (guint j = 0; j < e->parents->len; j++)
        {
          int p = ((UmkMempoolEntry *) e->parents->pdata[j])->mark;
          g_ptr_array_add (deps_of[i], GINT_TO_POINTER (p));
          g_ptr_array_add (dependents[p], GINT_TO_POINTER (i));
        }
      if (e->cluster != NULL && e->lin_index > 0)
        {
          int p = e->cluster->txs[e->lin_index - 1]->mark;
          g_ptr_array_add (deps_of[i], GINT_TO_POINTER (p));
          g_ptr_array_add (dependents[p], GINT_TO_POINTER (i));
        }
      t[i].n_deps = (int) deps_of[i]->len;
    }
  for (;;)
    {
      int best = -1;
      for (int i = 0; i < n; i++)
        if (t[i].n_deps == 0 && t[i].e->adjusted_weight <= max_size
            && (best < 0 || umk_feefrac_cmp (t[i].chunk_feerate, t[best].chunk_feerate) > 0))
          best = i;
      if (best < 0)
        break;
      t[best].n_deps = -2; /* taken off the heap */
      int count = 1;
      int64_t size = t[best].e->adjusted_weight;
      g_autoptr (GArray) reps = g_array_new (FALSE, FALSE, sizeof (int));
      for (guint j = 0; j < deps_of[best]->len; j++)
        {
          int r = uf_find (t, GPOINTER_TO_INT (deps_of[best]->pdata[j]));
          bool seen = false;
          for (guint k = 0; k < reps->len; k++)
            seen |= g_array_index (reps, int, k) == r;
          if (!seen)
            {
              g_array_append_val (reps, r);
              count += t[r].uf_count;
              size += t[r].uf_size;
            }
        }
      if (count > max_count || size > max_size)
        continue; /* left out, with everything that depends on it */
      t[best].n_deps = -1;
      t[best].uf_parent = best;
      t[best].uf_count = count;
      t[best].uf_size = size;
      for (guint k = 0; k < reps->len; k++)
        t[g_array_index (reps, int, k)].uf_parent = best;
      for (guint j = 0; j < dependents[best]->len; j++)
        t[GPOINTER_TO_INT (dependents[best]->pdata[j])].n_deps--;
    }
  for (int i = 0; i < n; i++)
    {
      if (t[i].n_deps != -1)
        g_ptr_array_add (to_remove, t[i].e);
      t[i].e->mark = 0;
      g_ptr_array_unref (deps_of[i]);
      g_ptr_array_unref (dependents[i]);
    }
}

void
umk_mempool_update_transactions_from_block (UmkMempool *pool, const UmkUint256 *txids, size_t n)
{
  umk_mempool_lock (pool);
  g_return_if_fail (!pool->have_changeset);
  g_autoptr (GPtrArray) seeds = g_ptr_array_new ();
  /* link the re-added transactions to the pool transactions spending them */
  for (size_t k = n; k-- > 0;)
    {
      UmkMempoolEntry *e = g_hash_table_lookup (pool->by_txid, &txids[k]);
      if (e == NULL)
        continue;
      g_ptr_array_add (seeds, e);
      for (uint32_t i = 0; i < e->tx->n_out; i++)
        {
          UmkOutPoint out = { e->tx->txid, i };
          UmkMempoolEntry *child = g_hash_table_lookup (pool->spenders, &out);
          if (child != NULL && child != e)
            {
              link_parent_child (e, child);
              g_ptr_array_add (seeds, child);
            }
        }
    }
  /* enforce the cluster limits on what that joined */
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) dirty = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) to_remove = g_ptr_array_new ();
  for (guint s = 0; s < seeds->len; s++)
    {
      if (g_hash_table_contains (visited, seeds->pdata[s]))
        continue;
      g_autoptr (GPtrArray) comp = g_ptr_array_new ();
      collect_component (seeds->pdata[s], visited, comp);
      int64_t size = 0;
      for (guint j = 0; j < comp->len; j++)
        {
          UmkMempoolEntry *e = comp->pdata[j];
          size += e->adjusted_weight;
          if (e->cluster != NULL)
            g_hash_table_add (dirty, e->cluster);
        }
      if (comp->len > pool->opts.cluster_count
          || size > pool->opts.cluster_size_vbytes * UMK_WITNESS_SCALE_FACTOR)
        trim_component (pool, comp, to_remove);
    }
  for (guint i = 0; i < to_remove->len; i++)
    pool_unlink (pool, to_remove->pdata[i], UMK_REMOVAL_SIZELIMIT);
  rebuild_clusters (pool, dirty, seeds);
  for (guint i = 0; i < to_remove->len; i++)
    entry_free (to_remove->pdata[i]);
  umk_mempool_unlock (pool);
}

guint
umk_mempool_expire (UmkMempool *pool, int64_t cutoff)
{
  umk_mempool_lock (pool);
  g_return_val_if_fail (!pool->have_changeset, 0);
  g_autoptr (GPtrArray) old = g_ptr_array_new ();
  for (GTreeNode *n = g_tree_node_first (pool->by_time); n != NULL; n = g_tree_node_next (n))
    {
      UmkMempoolEntry *e = g_tree_node_key (n);
      if (e->time >= cutoff)
        break;
      g_ptr_array_add (old, e);
    }
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  collect_descendants ((UmkMempoolEntry **) old->pdata, old->len, visited, all);
  guint removed = all->len;
  remove_entries (pool, all, UMK_REMOVAL_EXPIRY);
  umk_mempool_unlock (pool);
  return removed;
}

void
umk_mempool_trim_to_size (UmkMempool *pool, size_t size_limit, GArray *no_spends)
{
  umk_mempool_lock (pool);
  g_return_if_fail (!pool->have_changeset);
  guint n_removed = 0;
  UmkFeeRate max_removed = umk_feerate_from_kvb (0);
  while (g_hash_table_size (pool->by_txid) > 0 && umk_mempool_usage (pool) > size_limit)
    {
      GTreeNode *last = g_tree_node_last (pool->chunks);
      const Chunk *ch = g_tree_node_key (last);
      /* the new minimum: the evicted chunk's rate plus the incremental fee, so
       * nothing at the evicted rate gets straight back in */
      UmkFeeRate removed
          = umk_feerate_from_fee (ch->feerate.fee, (ch->feerate.size + UMK_WITNESS_SCALE_FACTOR - 1)
                                                       / UMK_WITNESS_SCALE_FACTOR);
      removed = umk_feerate_from_kvb (umk_feerate_per_kvb (removed)
                                      + umk_feerate_per_kvb (pool->opts.incremental_relay_feerate));
      track_package_removed (pool, removed);
      if (umk_feefrac_rate_cmp (removed, max_removed) > 0)
        max_removed = removed;
      g_autoptr (GPtrArray) stage = g_ptr_array_new ();
      for (int i = ch->start; i < ch->start + ch->count; i++)
        g_ptr_array_add (stage, ch->cluster->txs[i]);
      n_removed += stage->len;
      g_autoptr (GPtrArray) txs = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
      for (guint i = 0; i < stage->len; i++)
        g_ptr_array_add (txs, umk_tx_ref (((UmkMempoolEntry *) stage->pdata[i])->tx));
      remove_entries (pool, stage, UMK_REMOVAL_SIZELIMIT);
      if (no_spends != NULL)
        for (guint i = 0; i < txs->len; i++)
          {
            const UmkTx *tx = txs->pdata[i];
            for (uint32_t j = 0; j < tx->n_in; j++)
              if (!g_hash_table_contains (pool->by_txid, &tx->in[j].prevout.hash))
                g_array_append_val (no_spends, tx->in[j].prevout);
          }
    }
  if (umk_feerate_per_kvb (max_removed) > 0)
    {
      g_autofree char *text = umk_feerate_to_string (max_removed);
      UMK_LOG_DEBUG (UMK_LOG_MEMPOOL, "Removed %u txn, rolling minimum fee bumped to %s", n_removed,
                     text);
    }
  umk_mempool_unlock (pool);
}

void
umk_mempool_limit_size (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  guint expired = umk_mempool_expire (pool, umk_mempool_now (pool) - pool->opts.expiry_seconds);
  if (expired != 0)
    UMK_LOG_DEBUG (UMK_LOG_MEMPOOL, "Expired %u transactions from the memory pool", expired);
  umk_mempool_trim_to_size (pool, (size_t) MAX (pool->opts.max_size_bytes, 0), NULL);
  umk_mempool_unlock (pool);
}

/* ---- block building --------------------------------------------------------------- */

struct _UmkMempoolBlockBuilder
{
  UmkMempool *pool;
  GTreeNode *node;
  GHashTable *skipped; /* clusters */
};

static void
builder_settle (UmkMempoolBlockBuilder *b)
{
  while (b->node != NULL)
    {
      const Chunk *ch = g_tree_node_key (b->node);
      if (!g_hash_table_contains (b->skipped, ch->cluster))
        break;
      b->node = g_tree_node_next (b->node);
    }
}

UmkMempoolBlockBuilder *
umk_mempool_block_builder_new (UmkMempool *pool)
{
  UmkMempoolBlockBuilder *b = g_new0 (UmkMempoolBlockBuilder, 1);
  umk_mempool_lock (pool);
  b->pool = pool;
  b->skipped = g_hash_table_new (NULL, NULL);
  b->node = g_tree_node_first (pool->chunks);
  return b;
}

gboolean
umk_mempool_block_builder_current (UmkMempoolBlockBuilder *b, UmkMempoolEntry *const **entries,
                                   guint *n, UmkFeeFrac *feerate)
{
  builder_settle (b);
  if (b->node == NULL)
    return FALSE;
  const Chunk *ch = g_tree_node_key (b->node);
  *entries = ch->cluster->txs + ch->start;
  *n = (guint) ch->count;
  if (feerate != NULL)
    *feerate = ch->feerate;
  return TRUE;
}

void
umk_mempool_block_builder_include (UmkMempoolBlockBuilder *b)
{
  builder_settle (b);
  if (b->node != NULL)
    b->node = g_tree_node_next (b->node);
}

void
umk_mempool_block_builder_skip (UmkMempoolBlockBuilder *b)
{
  builder_settle (b);
  if (b->node != NULL)
    {
      const Chunk *ch = g_tree_node_key (b->node);
      g_hash_table_add (b->skipped, ch->cluster);
      b->node = g_tree_node_next (b->node);
    }
}

void
umk_mempool_block_builder_free (UmkMempoolBlockBuilder *b)
{
  if (b == NULL)
    return;
  g_hash_table_unref (b->skipped);
  umk_mempool_unlock (b->pool);
  g_free (b);
}

/* ---- changesets ----------------------------------------------------------------------- */

struct _UmkMempoolChangeset
{
  UmkMempool *pool;
  GPtrArray *added;          /* staged entries in order */
  GHashTable *added_by_txid; /* txid -> staged entry */
  GHashTable *removed;       /* set of pool entries */
  GPtrArray *removed_list;   /* the same, in order */
};

UmkMempoolChangeset *
umk_mempool_changeset_new (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  g_assert (!pool->have_changeset);
  pool->have_changeset = true;
  UmkMempoolChangeset *cs = g_new0 (UmkMempoolChangeset, 1);
  cs->pool = pool;
  cs->added = g_ptr_array_new ();
  cs->added_by_txid = g_hash_table_new (hash_uint256, equal_uint256);
  cs->removed = g_hash_table_new (NULL, NULL);
  cs->removed_list = g_ptr_array_new ();
  return cs;
}

void
umk_mempool_changeset_free (UmkMempoolChangeset *cs)
{
  if (cs == NULL)
    return;
  for (guint i = 0; i < cs->added->len; i++)
    entry_free (cs->added->pdata[i]);
  g_ptr_array_unref (cs->added);
  g_hash_table_unref (cs->added_by_txid);
  g_hash_table_unref (cs->removed);
  g_ptr_array_unref (cs->removed_list);
  cs->pool->have_changeset = false;
  umk_mempool_unlock (cs->pool);
  g_free (cs);
}

UmkMempoolEntry *
umk_mempool_changeset_add (UmkMempoolChangeset *cs, UmkTx *tx, int64_t fee, int64_t time,
                           uint32_t height, uint64_t sequence, bool spends_coinbase,
                           int64_t sigop_cost, const UmkLockPoints *lp)
{
  UmkMempool *pool = cs->pool;
  UmkMempoolEntry *e = g_new0 (UmkMempoolEntry, 1);
  e->tx = umk_tx_ref (tx);
  e->fee = fee;
  e->modified_fee = fee;
  gint64 *delta = g_hash_table_lookup (pool->deltas, &tx->txid);
  if (delta != NULL)
    e->modified_fee = saturating_add (fee, *delta);
  e->weight = (int32_t) umk_tx_weight (tx);
  e->sigop_cost = sigop_cost;
  e->adjusted_weight
      = (int32_t) umk_policy_adjusted_weight (e->weight, sigop_cost, pool->opts.bytes_per_sigop);
  e->vsize = (int32_t) umk_policy_vsize (e->weight, sigop_cost, pool->opts.bytes_per_sigop);
  e->time = time;
  e->sequence = sequence;
  e->height = height;
  e->spends_coinbase = spends_coinbase;
  if (lp != NULL)
    e->lock_points = *lp;
  e->usage = tx_usage (tx);
  e->staged = true;
  e->staged_parents = g_ptr_array_new ();
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkUint256 *h = &tx->in[i].prevout.hash;
      UmkMempoolEntry *p = g_hash_table_lookup (pool->by_txid, h);
      if (p == NULL)
        p = g_hash_table_lookup (cs->added_by_txid, h);
      if (p != NULL && p != e)
        {
          bool seen = false;
          for (guint j = 0; j < e->staged_parents->len; j++)
            seen |= e->staged_parents->pdata[j] == p;
          if (!seen)
            g_ptr_array_add (e->staged_parents, p);
        }
    }
  g_ptr_array_add (cs->added, e);
  g_hash_table_insert (cs->added_by_txid, &e->tx->txid, e);
  return e;
}

void
umk_mempool_changeset_remove (UmkMempoolChangeset *cs, UmkMempoolEntry *entry)
{
  g_return_if_fail (entry->in_pool);
  if (g_hash_table_add (cs->removed, entry))
    g_ptr_array_add (cs->removed_list, entry);
}

gboolean
umk_mempool_changeset_is_removed (UmkMempoolChangeset *cs, UmkMempoolEntry *entry)
{
  return g_hash_table_contains (cs->removed, entry);
}

guint
umk_mempool_changeset_n_added (UmkMempoolChangeset *cs)
{
  return cs->added->len;
}

guint
umk_mempool_changeset_n_removed (UmkMempoolChangeset *cs)
{
  return cs->removed_list->len;
}

GPtrArray *
umk_mempool_changeset_removals (UmkMempoolChangeset *cs)
{
  GPtrArray *out = g_ptr_array_sized_new (cs->removed_list->len);
  for (guint i = 0; i < cs->removed_list->len; i++)
    g_ptr_array_add (out, cs->removed_list->pdata[i]);
  return out;
}

GPtrArray *
umk_mempool_changeset_ancestors (UmkMempoolChangeset *cs, UmkMempoolEntry *staged)
{
  (void) cs;
  g_autoptr (GHashTable) visited = g_hash_table_new (NULL, NULL);
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  collect_ancestors (staged, visited, all);
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; i < all->len; i++)
    if (!((UmkMempoolEntry *) all->pdata[i])->staged)
      g_ptr_array_add (out, all->pdata[i]);
  g_ptr_array_sort (out, entry_txid_cmp);
  return out;
}

/* The graph after a change, restricted to what it touches: the clusters of
 * the staged transactions' pool parents and of the removals ("old"), and the
 * connected components their surviving members and the staged transactions
 * form ("new"). */
typedef struct
{
  GHashTable *old_clusters;
  GPtrArray *nodes;  /* surviving members and staged entries */
  GHashTable *index; /* entry -> index + 1 */
  GArray *comp_of;   /* int per node: its component's representative */
} Hypo;

static int
hypo_find (GArray *uf, int i)
{
  while (g_array_index (uf, int, i) != i)
    {
      int p = g_array_index (uf, int, i);
      g_array_index (uf, int, i) = g_array_index (uf, int, p);
      i = p;
    }
  return i;
}

/* Parents of a node that survive the change. */
static GPtrArray *
node_parents (UmkMempoolEntry *e)
{
  return e->staged ? e->staged_parents : e->parents;
}

static void
hypo_build (UmkMempoolChangeset *cs, Hypo *h)
{
  h->old_clusters = g_hash_table_new (NULL, NULL);
  h->nodes = g_ptr_array_new ();
  h->index = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < cs->added->len; i++)
    {
      UmkMempoolEntry *e = cs->added->pdata[i];
      for (guint j = 0; j < e->staged_parents->len; j++)
        {
          UmkMempoolEntry *p = e->staged_parents->pdata[j];
          if (!p->staged && p->cluster != NULL)
            g_hash_table_add (h->old_clusters, p->cluster);
        }
    }
  for (guint i = 0; i < cs->removed_list->len; i++)
    {
      UmkMempoolEntry *e = cs->removed_list->pdata[i];
      if (e->cluster != NULL)
        g_hash_table_add (h->old_clusters, e->cluster);
    }
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, h->old_clusters);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      UmkMempoolCluster *c = key;
      for (int i = 0; i < c->n; i++)
        if (!g_hash_table_contains (cs->removed, c->txs[i]))
          g_ptr_array_add (h->nodes, c->txs[i]);
    }
  for (guint i = 0; i < cs->added->len; i++)
    g_ptr_array_add (h->nodes, cs->added->pdata[i]);
  for (guint i = 0; i < h->nodes->len; i++)
    g_hash_table_insert (h->index, h->nodes->pdata[i], GINT_TO_POINTER (i + 1));
  h->comp_of = g_array_sized_new (FALSE, FALSE, sizeof (int), h->nodes->len);
  for (guint i = 0; i < h->nodes->len; i++)
    {
      int v = (int) i;
      g_array_append_val (h->comp_of, v);
    }
  for (guint i = 0; i < h->nodes->len; i++)
    {
      GPtrArray *parents = node_parents (h->nodes->pdata[i]);
      for (guint j = 0; j < parents->len; j++)
        {
          int p = GPOINTER_TO_INT (g_hash_table_lookup (h->index, parents->pdata[j])) - 1;
          if (p < 0)
            continue; /* a removed parent: the dependency disappears */
          int a = hypo_find (h->comp_of, (int) i), b = hypo_find (h->comp_of, p);
          if (a != b)
            g_array_index (h->comp_of, int, a) = b;
        }
    }
  for (guint i = 0; i < h->nodes->len; i++)
    g_array_index (h->comp_of, int, i) = hypo_find (h->comp_of, (int) i);
}

static void
hypo_clear (Hypo *h)
{
  g_clear_pointer (&h->old_clusters, g_hash_table_unref);
  g_clear_pointer (&h->nodes, g_ptr_array_unref);
  g_clear_pointer (&h->index, g_hash_table_unref);
  g_clear_pointer (&h->comp_of, g_array_unref);
}

static gboolean
hypo_within_limits (UmkMempool *pool, Hypo *h)
{
  guint n = h->nodes->len;
  g_autofree int *count = g_new0 (int, n);
  g_autofree int64_t *size = g_new0 (int64_t, n);
  int64_t max_size = pool->opts.cluster_size_vbytes * UMK_WITNESS_SCALE_FACTOR;
  for (guint i = 0; i < n; i++)
    {
      int r = g_array_index (h->comp_of, int, i);
      count[r]++;
      size[r] += ((UmkMempoolEntry *) h->nodes->pdata[i])->adjusted_weight;
      if ((unsigned) count[r] > pool->opts.cluster_count || size[r] > max_size)
        return FALSE;
    }
  return TRUE;
}

gboolean
umk_mempool_changeset_check_limits (UmkMempoolChangeset *cs)
{
  Hypo h = { 0 };
  hypo_build (cs, &h);
  gboolean ok = hypo_within_limits (cs->pool, &h);
  hypo_clear (&h);
  return ok;
}

static gint
feefrac_desc (gconstpointer a, gconstpointer b)
{
  return umk_feefrac_cmp (*(const UmkFeeFrac *) b, *(const UmkFeeFrac *) a);
}

gboolean
umk_mempool_changeset_diagrams (UmkMempoolChangeset *cs, GArray **before, GArray **after)
{
  Hypo h = { 0 };
  hypo_build (cs, &h);
  if (!hypo_within_limits (cs->pool, &h))
    {
      hypo_clear (&h);
      return FALSE;
    }
  GArray *old = g_array_new (FALSE, FALSE, sizeof (UmkFeeFrac));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, h.old_clusters);
  while (g_hash_table_iter_next (&it, &key, NULL))
    {
      UmkMempoolCluster *c = key;
      for (int k = 0; k < c->n_chunks; k++)
        g_array_append_val (old, c->chunks[k].feerate);
    }
  GArray *new_ = g_array_new (FALSE, FALSE, sizeof (UmkFeeFrac));
  guint n = h.nodes->len;
  g_autofree bool *done = g_new0 (bool, n);
  for (guint r = 0; r < n; r++)
    {
      if (done[r] || g_array_index (h.comp_of, int, r) != (int) r)
        continue;
      /* the members of component r, indexed locally */
      LinTx t[64];
      int members[64];
      int m = 0;
      for (guint i = 0; i < n; i++)
        if (g_array_index (h.comp_of, int, i) == (int) r)
          {
            g_assert (m < 64);
            members[m] = (int) i;
            ((UmkMempoolEntry *) h.nodes->pdata[i])->mark = m;
            m++;
          }
      for (int k = 0; k < m; k++)
        {
          UmkMempoolEntry *e = h.nodes->pdata[members[k]];
          t[k].fee = e->modified_fee;
          t[k].size = e->adjusted_weight;
          t[k].txid = &e->tx->txid;
          t[k].parents = 0;
          GPtrArray *parents = node_parents (e);
          for (guint j = 0; j < parents->len; j++)
            if (g_hash_table_contains (h.index, parents->pdata[j]))
              t[k].parents |= BIT (((UmkMempoolEntry *) parents->pdata[j])->mark);
        }
      int order[64];
      LinChunk chunks[64];
      int n_chunks = linearize (t, m, order, chunks, NULL);
      for (int k = 0; k < n_chunks; k++)
        g_array_append_val (new_, chunks[k].feerate);
      for (int k = 0; k < m; k++)
        ((UmkMempoolEntry *) h.nodes->pdata[members[k]])->mark = 0;
      done[r] = true;
    }
  g_array_sort (old, feefrac_desc);
  g_array_sort (new_, feefrac_desc);
  *before = old;
  *after = new_;
  hypo_clear (&h);
  return TRUE;
}

void
umk_mempool_changeset_apply (UmkMempoolChangeset *cs)
{
  UmkMempool *pool = cs->pool;
  g_autoptr (GHashTable) dirty = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < cs->removed_list->len; i++)
    {
      UmkMempoolEntry *e = cs->removed_list->pdata[i];
      if (e->cluster != NULL)
        g_hash_table_add (dirty, e->cluster);
      pool_unlink (pool, e, UMK_REMOVAL_REPLACED);
    }
  for (guint i = 0; i < cs->added->len; i++)
    {
      UmkMempoolEntry *e = cs->added->pdata[i];
      g_clear_pointer (&e->staged_parents, g_ptr_array_unref);
      pool_insert (pool, e);
      pool->sequence_number++;
    }
  rebuild_clusters (pool, dirty, cs->added);
  if (pool->added_func != NULL)
    for (guint i = 0; i < cs->added->len; i++)
      pool->added_func (cs->added->pdata[i], pool->added_data);
  for (guint i = 0; i < cs->removed_list->len; i++)
    entry_free (cs->removed_list->pdata[i]);
  g_ptr_array_set_size (cs->removed_list, 0);
  g_hash_table_remove_all (cs->removed);
  g_ptr_array_set_size (cs->added, 0);
  g_hash_table_remove_all (cs->added_by_txid);
}

guint
umk_mempool_count_clusters (UmkMempool *pool, UmkMempoolEntry *const *entries, guint n)
{
  umk_mempool_lock (pool);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    if (entries[i]->in_pool)
      g_hash_table_add (seen, entries[i]->cluster);
  guint r = g_hash_table_size (seen);
  umk_mempool_unlock (pool);
  return r;
}

/* ---- consistency ------------------------------------------------------------------- */

void
umk_mempool_check (UmkMempool *pool)
{
  umk_mempool_lock (pool);
  uint64_t vsize = 0;
  int64_t fee = 0;
  size_t inputs = 0, usage = 0;
  guint n_in_chunks = 0;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, pool->by_txid);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      UmkMempoolEntry *e = value;
      g_assert_true (e->in_pool && !e->staged);
      g_assert_true (g_hash_table_lookup (pool->by_wtxid, &e->tx->wtxid) == e);
      vsize += (uint64_t) e->vsize;
      fee += e->fee;
      usage += e->usage;
      inputs += e->tx->n_in;
      /* parents are exactly the pool transactions its inputs spend */
      guint expect = 0;
      for (uint32_t i = 0; i < e->tx->n_in; i++)
        {
          g_assert_true (g_hash_table_lookup (pool->spenders, &e->tx->in[i].prevout) == e);
          UmkMempoolEntry *p = g_hash_table_lookup (pool->by_txid, &e->tx->in[i].prevout.hash);
          if (p != NULL)
            {
              g_assert_cmpuint (e->tx->in[i].prevout.n, <, p->tx->n_out);
              bool dup = false;
              for (uint32_t j = 0; j < i; j++)
                dup |= umk_uint256_equal (&e->tx->in[j].prevout.hash, &p->tx->txid);
              if (!dup)
                expect++;
              g_assert_true (g_ptr_array_find (e->parents, p, NULL));
              g_assert_true (g_ptr_array_find (p->children, e, NULL));
              g_assert_true (p->cluster == e->cluster);
              g_assert_cmpint (p->lin_index, <, e->lin_index);
            }
        }
      g_assert_cmpuint (e->parents->len, ==, expect);
      g_assert_nonnull (e->cluster);
      g_assert_true (e->cluster->txs[e->lin_index] == e);
    }
  g_assert_cmpuint (vsize, ==, pool->total_vsize);
  g_assert_cmpint (fee, ==, pool->total_fee);
  g_assert_cmpuint (usage, ==, pool->inner_usage);
  g_assert_cmpuint (inputs, ==, pool->n_inputs);
  g_assert_cmpuint (g_hash_table_size (pool->spenders), ==, inputs);
  g_assert_cmpuint (g_tree_nnodes (pool->by_time), ==, g_hash_table_size (pool->by_txid));
  const Chunk *prev = NULL;
  for (GTreeNode *n = g_tree_node_first (pool->chunks); n != NULL; n = g_tree_node_next (n))
    {
      const Chunk *ch = g_tree_node_key (n);
      UmkFeeFrac sum = { 0, 0 };
      for (int i = ch->start; i < ch->start + ch->count; i++)
        {
          UmkMempoolEntry *e = ch->cluster->txs[i];
          g_assert_true (e->in_pool && e->cluster == ch->cluster);
          sum.fee += e->modified_fee;
          sum.size += e->adjusted_weight;
          n_in_chunks++;
        }
      g_assert_cmpint (sum.fee, ==, ch->feerate.fee);
      g_assert_cmpint (sum.size, ==, ch->feerate.size);
      if (prev != NULL)
        g_assert_cmpint (umk_feefrac_rate_cmp (prev->feerate, ch->feerate), >=, 0);
      prev = ch;
    }
  g_assert_cmpuint (n_in_chunks, ==, g_hash_table_size (pool->by_txid));
  umk_mempool_unlock (pool);
}
