/* mempool-accept.c — acceptance into the mempool; see mempool-accept.h.
 *
 * The structure follows Core's MemPoolAccept so the checks run in the same
 * order (the order decides which reason a transaction that breaks several
 * rules gets): a Workspace per transaction, a sub-package state shared by the
 * transactions evaluated together, and the pool's changeset holding the
 * proposed additions and removals until everything passed.
 */
#define G_LOG_DOMAIN "umk-mempool"
#include "config.h"

#include "node/mempool-accept.h"

#include "common/block-check.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/logging.h"
#include "common/script-error.h"
#include "common/sighash.h"
#include "common/tx-check.h"
#include "common/tx-verify.h"
#include "node/policy.h"

#include <inttypes.h>
#include <string.h>

/* ---- results ------------------------------------------------------------------- */

void
umk_accept_result_init (UmkAcceptResult *r)
{
  memset (r, 0, sizeof *r);
}

void
umk_accept_result_clear (UmkAcceptResult *r)
{
  g_clear_pointer (&r->reject_reason, g_free);
  g_clear_pointer (&r->debug_message, g_free);
  g_clear_pointer (&r->effective_wtxids, g_array_unref);
  g_clear_pointer (&r->replaced, g_ptr_array_unref);
  umk_accept_result_init (r);
}

char *
umk_accept_result_to_string (const UmkAcceptResult *r)
{
  if (r->type != UMK_ACCEPT_INVALID)
    return g_strdup ("Valid");
  if (r->debug_message != NULL && r->debug_message[0] != '\0')
    return g_strdup_printf ("%s, %s", r->reject_reason, r->debug_message);
  return g_strdup (r->reject_reason != NULL ? r->reject_reason : "");
}

static UmkAcceptResult *
accept_result_new (void)
{
  UmkAcceptResult *r = g_new (UmkAcceptResult, 1);
  umk_accept_result_init (r);
  return r;
}

static void
accept_result_free (gpointer p)
{
  umk_accept_result_clear (p);
  g_free (p);
}

static guint
hash_wtxid (gconstpointer p)
{
  guint h;
  memcpy (&h, p, sizeof h);
  return h;
}

static gboolean
equal_wtxid (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

void
umk_package_result_init (UmkPackageResult *r)
{
  memset (r, 0, sizeof *r);
  r->results = g_hash_table_new_full (hash_wtxid, equal_wtxid, g_free, accept_result_free);
}

void
umk_package_result_clear (UmkPackageResult *r)
{
  g_clear_pointer (&r->reject_reason, g_free);
  g_clear_pointer (&r->debug_message, g_free);
  g_clear_pointer (&r->results, g_hash_table_unref);
  memset (r, 0, sizeof *r);
}

const UmkAcceptResult *
umk_package_result_get (const UmkPackageResult *r, const UmkUint256 *wtxid)
{
  return g_hash_table_lookup (r->results, wtxid);
}

char *
umk_package_result_to_string (const UmkPackageResult *r)
{
  if (r->kind == UMK_PACKAGE_RESULT_UNSET)
    return g_strdup ("Valid");
  if (r->debug_message != NULL && r->debug_message[0] != '\0')
    return g_strdup_printf ("%s, %s", r->reject_reason, r->debug_message);
  return g_strdup (r->reject_reason);
}

/* Sets the package state (Core's PackageValidationState::Invalid: the first
 * reason stays, as with any ValidationState). */
static gboolean
package_invalid (UmkPackageResult *r, UmkPackageResultKind kind, const char *reason,
                 const char *debug)
{
  r->kind = kind;
  g_free (r->reject_reason);
  g_free (r->debug_message);
  r->reject_reason = g_strdup (reason);
  r->debug_message = g_strdup (debug != NULL ? debug : "");
  return FALSE;
}

static void
package_put (UmkPackageResult *r, const UmkUint256 *wtxid, UmkAcceptResult *res)
{
  g_hash_table_replace (r->results, g_memdup2 (wtxid, sizeof *wtxid), res);
}

static char *
hex_of (const UmkUint256 *h)
{
  return umk_uint256_to_hex (h);
}

/* ---- the workspace ---------------------------------------------------------------- */

typedef struct
{
  UmkTx *tx;
  GHashTable *conflicts;        /* txid (the entry's) -> entry: direct conflicts */
  GPtrArray *iters_conflicting; /* entries, direct conflicts and an evicted sibling */
  GPtrArray *parents;           /* pool parents */
  UmkMempoolEntry *handle;      /* the staged entry */
  bool sibling_eviction;
  int64_t vsize;
  int64_t base_fees;
  int64_t modified_fees;
  UmkFeeRate package_feerate;
  /* the spent coins, in input order */
  UmkCoin *coins;
  UmkSpentOutput *spent;
  UmkTxOut *spent_out;
  /* the state */
  bool invalid;
  UmkTxResult result;
  char *reason;
  char *debug;
} Workspace;

static guint
hash_txid (gconstpointer p)
{
  guint h;
  memcpy (&h, p, sizeof h);
  return h;
}

static void
ws_init (Workspace *ws, UmkTx *tx)
{
  memset (ws, 0, sizeof *ws);
  ws->tx = tx;
  ws->conflicts = g_hash_table_new (hash_txid, equal_wtxid);
  ws->iters_conflicting = g_ptr_array_new ();
  ws->parents = g_ptr_array_new ();
  ws->package_feerate = umk_feerate_from_kvb (0);
}

static void
ws_clear (Workspace *ws)
{
  g_clear_pointer (&ws->conflicts, g_hash_table_unref);
  g_clear_pointer (&ws->iters_conflicting, g_ptr_array_unref);
  g_clear_pointer (&ws->parents, g_ptr_array_unref);
  if (ws->coins != NULL)
    for (uint32_t i = 0; i < ws->tx->n_in; i++)
      umk_coin_clear (&ws->coins[i]);
  g_clear_pointer (&ws->coins, g_free);
  g_clear_pointer (&ws->spent, g_free);
  g_clear_pointer (&ws->spent_out, g_free);
  g_clear_pointer (&ws->reason, g_free);
  g_clear_pointer (&ws->debug, g_free);
}

static bool ws_invalid (Workspace *ws, UmkTxResult result, const char *reason, const char *fmt, ...)
    G_GNUC_PRINTF (4, 5);

/* Core's ValidationState::Invalid: sets the result and strings; returns false. */
static bool
ws_invalid (Workspace *ws, UmkTxResult result, const char *reason, const char *fmt, ...)
{
  ws->invalid = true;
  ws->result = result;
  g_free (ws->reason);
  g_free (ws->debug);
  ws->reason = g_strdup (reason);
  if (fmt != NULL)
    {
      va_list ap;
      va_start (ap, fmt);
      ws->debug = g_strdup_vprintf (fmt, ap);
      va_end (ap);
    }
  else
    ws->debug = g_strdup ("");
  return false;
}

static UmkAcceptResult *
result_failure (const Workspace *ws)
{
  UmkAcceptResult *r = accept_result_new ();
  r->type = UMK_ACCEPT_INVALID;
  r->result = ws->result;
  r->reject_reason = g_strdup (ws->reason);
  r->debug_message = g_strdup (ws->debug);
  return r;
}

static GArray *
wtxid_list (const UmkUint256 *w, guint n)
{
  GArray *a = g_array_sized_new (FALSE, FALSE, sizeof (UmkUint256), n);
  g_array_append_vals (a, w, n);
  return a;
}

static UmkAcceptResult *
result_fee_failure (const Workspace *ws, UmkFeeRate feerate, GArray *wtxids)
{
  UmkAcceptResult *r = result_failure (ws);
  r->has_effective_feerate = true;
  r->effective_feerate = feerate;
  r->effective_wtxids = wtxids;
  return r;
}

static UmkAcceptResult *
result_success (GPtrArray *replaced, int64_t vsize, int64_t base_fee, UmkFeeRate feerate,
                GArray *wtxids)
{
  UmkAcceptResult *r = accept_result_new ();
  r->type = UMK_ACCEPT_VALID;
  r->replaced = replaced;
  r->vsize = vsize;
  r->base_fee = base_fee;
  r->has_effective_feerate = true;
  r->effective_feerate = feerate;
  r->effective_wtxids = wtxids;
  return r;
}

/* ---- the context: what several transactions evaluated together share ---------------- */

typedef struct
{
  int64_t accept_time;
  bool bypass_limits;
  bool test_accept;
  bool allow_replacement;
  bool allow_sibling_eviction;
  bool package_submission;
  bool package_feerates;
  bool has_client_maxfeerate;
  UmkFeeRate client_maxfeerate;
} Args;

typedef struct
{
  UmkMempool *pool;
  const UmkMempoolChainView *view;
  const UmkMempoolOptions *opts;
  GHashTable *temp; /* txid -> UmkTx: outputs of package transactions (not owned) */
  /* the sub-package state */
  UmkMempoolChangeset *cs;
  bool rbf;
  int64_t total_modified_fees;
  int64_t total_vsize;
  int64_t conflicting_fees;
  int64_t conflicting_size;
  GPtrArray *replaced; /* UmkTx */
} Ctx;

static void
ctx_init (Ctx *c, UmkMempool *pool, const UmkMempoolChainView *view)
{
  memset (c, 0, sizeof *c);
  c->pool = pool;
  c->view = view;
  c->opts = umk_mempool_options (pool);
  c->temp = g_hash_table_new (hash_txid, equal_wtxid);
  c->replaced = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
}

/* Core's ClearSubPackageState and CleanupTemporaryCoins. */
static void
ctx_clear_subpackage (Ctx *c)
{
  g_clear_pointer (&c->cs, umk_mempool_changeset_free);
  c->rbf = false;
  c->total_modified_fees = 0;
  c->total_vsize = 0;
  c->conflicting_fees = 0;
  c->conflicting_size = 0;
  g_ptr_array_set_size (c->replaced, 0);
  g_hash_table_remove_all (c->temp);
}

static void
ctx_clear (Ctx *c)
{
  ctx_clear_subpackage (c);
  g_clear_pointer (&c->temp, g_hash_table_unref);
  g_clear_pointer (&c->replaced, g_ptr_array_unref);
}

/* Takes the replaced transactions out of the context for a result. */
static GPtrArray *
ctx_take_replaced (Ctx *c)
{
  GPtrArray *r = c->replaced;
  c->replaced = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  return r;
}

static void
coin_from_output (UmkCoin *coin, const UmkTx *tx, uint32_t n)
{
  umk_coin_set (coin, tx->out[n].value, tx->out[n].script_pubkey.data, tx->out[n].script_pubkey.len,
                UMK_MEMPOOL_HEIGHT, false);
}

/* Core's CCoinsViewMemPool::GetCoin: package outputs, then pool outputs (a
 * pool transaction without the output means no coin), then the chain. */
static gboolean
ctx_get_coin (Ctx *c, const UmkOutPoint *out, UmkCoin *coin)
{
  const UmkTx *t = g_hash_table_lookup (c->temp, &out->hash);
  if (t != NULL)
    {
      if (out->n >= t->n_out)
        return FALSE;
      coin_from_output (coin, t, out->n);
      return TRUE;
    }
  UmkMempoolEntry *e = umk_mempool_get (c->pool, &out->hash);
  if (e != NULL)
    {
      if (out->n >= e->tx->n_out)
        return FALSE;
      coin_from_output (coin, e->tx, out->n);
      return TRUE;
    }
  return c->view->get_coin (c->view->user, out, coin);
}

/* ---- lock points --------------------------------------------------------------------- */

/* An index for the block after tip, as SequenceLocks wants the block that
 * would contain the transaction. */
static void
next_block_index (UmkBlockIndex *next, UmkBlockIndex *tip)
{
  memset (next, 0, sizeof *next);
  next->prev = tip;
  next->height = tip->height + 1;
}

/* CalculateLockPointsAtTip with the coins already looked up (heights per
 * input; MEMPOOL_HEIGHT for unconfirmed ones). */
static void
lock_points_from_heights (const UmkTx *tx, UmkBlockIndex *tip, int *heights, UmkLockPoints *lp)
{
  for (uint32_t i = 0; i < tx->n_in; i++)
    if (heights[i] == UMK_MEMPOOL_HEIGHT)
      heights[i] = tip->height + 1; /* pool transactions confirm in the next block at best */
  UmkBlockIndex next;
  next_block_index (&next, tip);
  UmkSequenceLocks locks
      = umk_calculate_sequence_locks (tx, UMK_LOCKTIME_VERIFY_SEQUENCE, heights, &next);
  /* the highest confirmed input block with a lock: while the chain keeps it,
   * the lock values stay right (locked unconfirmed inputs fail anyway) */
  int max_input_height = 0;
  for (uint32_t i = 0; i < tx->n_in; i++)
    if (heights[i] != next.height)
      max_input_height = MAX (max_input_height, heights[i]);
  lp->height = locks.min_height;
  lp->time = locks.min_time;
  lp->max_input_block = umk_block_index_get_ancestor (tip, max_input_height);
}

gboolean
umk_mempool_check_sequence_locks (const UmkBlockIndex *tip, const UmkLockPoints *lp)
{
  UmkBlockIndex next;
  next_block_index (&next, (UmkBlockIndex *) tip);
  UmkSequenceLocks locks = { lp->height, lp->time };
  return umk_evaluate_sequence_locks (&next, locks);
}

gboolean
umk_mempool_calculate_lock_points (UmkMempool *pool, const UmkMempoolChainView *view,
                                   const UmkTx *tx, UmkLockPoints *lp)
{
  g_autofree int *heights = g_new0 (int, MAX (tx->n_in, 1));
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      const UmkOutPoint *out = &tx->in[i].prevout;
      UmkMempoolEntry *e = umk_mempool_get (pool, &out->hash);
      if (e != NULL && out->n < e->tx->n_out)
        heights[i] = UMK_MEMPOOL_HEIGHT;
      else
        {
          g_auto (UmkCoin) coin = UMK_COIN_INIT;
          if (e != NULL || !view->get_coin (view->user, out, &coin))
            {
              char *txid = hex_of (&tx->txid);
              umk_log_info ("ERROR: CalculatePrevHeights: Missing input %u in transaction '%s'", i,
                            txid);
              g_free (txid);
              return FALSE;
            }
          heights[i] = (int) coin.height;
        }
    }
  lock_points_from_heights (tx, view->tip, heights, lp);
  return TRUE;
}

/* Core's TestLockPointValidity: the lock points hold while the active chain
 * contains the block they were computed against. */
static gboolean
lock_points_valid (const UmkBlockIndex *tip, const UmkLockPoints *lp)
{
  if (lp->max_input_block == NULL)
    return TRUE;
  return umk_block_index_get_ancestor ((UmkBlockIndex *) tip, lp->max_input_block->height)
         == lp->max_input_block;
}

/* Core's CheckFinalTxAtTip: final in the next block, by the tip's median
 * time past (BIP 113). */
static gboolean
final_at_tip (const UmkBlockIndex *tip, const UmkTx *tx)
{
  return umk_tx_is_final (tx, tip->height + 1, umk_block_index_median_time_past (tip));
}

/* ---- TRUC (policy/truc_policy.cpp) ----------------------------------------------------- */

static size_t
ancestor_count (UmkMempool *pool, UmkMempoolEntry *e)
{
  UmkMempoolSetInfo info;
  umk_mempool_ancestor_info (pool, e, &info);
  return info.count;
}

static size_t
descendant_count (UmkMempool *pool, UmkMempoolEntry *e)
{
  UmkMempoolSetInfo info;
  umk_mempool_descendant_info (pool, e, &info);
  return info.count;
}

/* Core's SingleTRUCChecks. Returns: NULL when the rules hold, else the debug
 * message, with *sibling set when evicting that one child could make room. */
static char *
single_truc_checks (UmkMempool *pool, const UmkTx *tx, GPtrArray *parents, GHashTable *conflicts,
                    int64_t vsize, UmkMempoolEntry **sibling)
{
  *sibling = NULL;
  g_autofree char *txid = hex_of (&tx->txid);
  g_autofree char *wtxid = hex_of (&tx->wtxid);
  for (guint i = 0; i < parents->len; i++)
    {
      UmkMempoolEntry *p = parents->pdata[i];
      g_autofree char *ptxid = hex_of (&p->tx->txid);
      g_autofree char *pwtxid = hex_of (&p->tx->wtxid);
      if (tx->version != UMK_TRUC_VERSION && p->tx->version == UMK_TRUC_VERSION)
        return g_strdup_printf (
            "non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)", txid,
            wtxid, ptxid, pwtxid);
      if (tx->version == UMK_TRUC_VERSION && p->tx->version != UMK_TRUC_VERSION)
        return g_strdup_printf (
            "version=3 tx %s (wtxid=%s) cannot spend from non-version=3 tx %s (wtxid=%s)", txid,
            wtxid, ptxid, pwtxid);
    }
  if (tx->version != UMK_TRUC_VERSION)
    return NULL;
  if (vsize > UMK_TRUC_MAX_VSIZE)
    return g_strdup_printf ("version=3 tx %s (wtxid=%s) is too big: %" PRId64 " > %d virtual bytes",
                            txid, wtxid, vsize, UMK_TRUC_MAX_VSIZE);
  if (parents->len + 1 > UMK_TRUC_ANCESTOR_LIMIT)
    return g_strdup_printf ("tx %s (wtxid=%s) would have too many ancestors", txid, wtxid);
  if (parents->len > 0)
    {
      UmkMempoolEntry *parent = parents->pdata[0];
      if (ancestor_count (pool, parent) + 1 > UMK_TRUC_ANCESTOR_LIMIT)
        return g_strdup_printf ("tx %s (wtxid=%s) would have too many ancestors", txid, wtxid);
      if (vsize > UMK_TRUC_CHILD_MAX_VSIZE)
        return g_strdup_printf ("version=3 child tx %s (wtxid=%s) is too big: %" PRId64
                                " > %d virtual bytes",
                                txid, wtxid, vsize, UMK_TRUC_CHILD_MAX_VSIZE);
      g_autoptr (GPtrArray) desc = umk_mempool_descendants (pool, parent);
      bool child_will_be_replaced = false;
      for (guint i = 0; i < desc->len; i++)
        if (g_hash_table_contains (conflicts, &((UmkMempoolEntry *) desc->pdata[i])->tx->txid))
          child_will_be_replaced = true;
      size_t n_desc = desc->len + 1;
      if (n_desc + 1 > UMK_TRUC_DESCENDANT_LIMIT && !child_will_be_replaced)
        {
          /* one existing child with nothing else hanging off it may be
           * evicted in favour of this one (sibling eviction) */
          bool consider = n_desc == 2 && ancestor_count (pool, desc->pdata[0]) == 2;
          if (consider)
            *sibling = desc->pdata[0];
          g_autofree char *ptxid = hex_of (&parent->tx->txid);
          g_autofree char *pwtxid = hex_of (&parent->tx->wtxid);
          return g_strdup_printf ("tx %s (wtxid=%s) would exceed descendant count limit", ptxid,
                                  pwtxid);
        }
    }
  return NULL;
}

/* Indices of the package transactions before tx that it spends. */
static GArray *
in_package_parents (UmkTx *const *txs, guint n, const UmkTx *tx)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint i = 0; i < n && txs[i] != tx; i++)
    {
      bool spends = false;
      for (uint32_t j = 0; j < tx->n_in && !spends; j++)
        spends = umk_uint256_equal (&tx->in[j].prevout.hash, &txs[i]->txid);
      if (spends)
        g_array_append_val (out, i);
    }
  return out;
}

/* Core's PackageTRUCChecks. Returns: NULL or the debug message. */
static char *
package_truc_checks (UmkMempool *pool, const UmkTx *tx, int64_t vsize, UmkTx *const *txs, guint n,
                     GPtrArray *parents)
{
  g_autoptr (GArray) pkg_parents = in_package_parents (txs, n, tx);
  g_autofree char *txid = hex_of (&tx->txid);
  g_autofree char *wtxid = hex_of (&tx->wtxid);
  if (tx->version == UMK_TRUC_VERSION)
    {
      if (vsize > UMK_TRUC_MAX_VSIZE)
        return g_strdup_printf ("version=3 tx %s (wtxid=%s) is too big: %" PRId64
                                " > %d virtual bytes",
                                txid, wtxid, vsize, UMK_TRUC_MAX_VSIZE);
      if (parents->len + pkg_parents->len + 1 > UMK_TRUC_ANCESTOR_LIMIT)
        return g_strdup_printf ("tx %s (wtxid=%s) would have too many ancestors", txid, wtxid);
      if (parents->len > 0
          && ancestor_count (pool, parents->pdata[0]) + pkg_parents->len + 1
                 > UMK_TRUC_ANCESTOR_LIMIT)
        return g_strdup_printf ("tx %s (wtxid=%s) would have too many ancestors", txid, wtxid);
      if (parents->len + pkg_parents->len > 0)
        {
          if (vsize > UMK_TRUC_CHILD_MAX_VSIZE)
            return g_strdup_printf ("version=3 child tx %s (wtxid=%s) is too big: %" PRId64
                                    " > %d virtual bytes",
                                    txid, wtxid, vsize, UMK_TRUC_CHILD_MAX_VSIZE);
          const UmkTx *ptx;
          bool has_mempool_descendant;
          if (parents->len > 0)
            {
              UmkMempoolEntry *p = parents->pdata[0];
              ptx = p->tx;
              has_mempool_descendant = descendant_count (pool, p) > 1;
            }
          else
            {
              ptx = txs[g_array_index (pkg_parents, guint, 0)];
              has_mempool_descendant = false;
            }
          g_autofree char *ptxid = hex_of (&ptx->txid);
          g_autofree char *pwtxid = hex_of (&ptx->wtxid);
          if (ptx->version != UMK_TRUC_VERSION)
            return g_strdup_printf (
                "version=3 tx %s (wtxid=%s) cannot spend from non-version=3 tx %s (wtxid=%s)", txid,
                wtxid, ptxid, pwtxid);
          for (guint i = 0; i < n; i++)
            {
              const UmkTx *other = txs[i];
              if (other == tx)
                continue;
              for (uint32_t j = 0; j < other->n_in; j++)
                {
                  if (umk_uint256_equal (&other->in[j].prevout.hash, &ptx->txid))
                    return g_strdup_printf ("tx %s (wtxid=%s) would exceed descendant count limit",
                                            ptxid, pwtxid);
                  if (umk_uint256_equal (&other->in[j].prevout.hash, &tx->txid))
                    {
                      g_autofree char *otxid = hex_of (&other->txid);
                      g_autofree char *owtxid = hex_of (&other->wtxid);
                      return g_strdup_printf ("tx %s (wtxid=%s) would have too many ancestors",
                                              otxid, owtxid);
                    }
                }
            }
          if (has_mempool_descendant)
            return g_strdup_printf ("tx %s (wtxid=%s) would exceed descendant count limit", ptxid,
                                    pwtxid);
        }
    }
  else
    {
      for (guint i = 0; i < parents->len; i++)
        {
          const UmkTx *p = ((UmkMempoolEntry *) parents->pdata[i])->tx;
          if (p->version == UMK_TRUC_VERSION)
            {
              g_autofree char *ptxid = hex_of (&p->txid);
              g_autofree char *pwtxid = hex_of (&p->wtxid);
              return g_strdup_printf (
                  "non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)",
                  txid, wtxid, ptxid, pwtxid);
            }
        }
      for (guint i = 0; i < pkg_parents->len; i++)
        {
          const UmkTx *p = txs[g_array_index (pkg_parents, guint, i)];
          if (p->version == UMK_TRUC_VERSION)
            {
              g_autofree char *ptxid = hex_of (&p->txid);
              g_autofree char *pwtxid = hex_of (&p->wtxid);
              return g_strdup_printf (
                  "non-version=3 tx %s (wtxid=%s) cannot spend from version=3 tx %s (wtxid=%s)",
                  txid, wtxid, ptxid, pwtxid);
            }
        }
    }
  return NULL;
}

/* ---- ephemeral dust (policy/ephemeral_policy.cpp) ---------------------------------------- */

/* Core's CheckEphemeralSpends: a child must spend every dust output of its
 * parents (in the package or the pool). Returns: the index of the failing
 * transaction, or -1. */
static int
check_ephemeral_spends (Ctx *c, UmkTx *const *txs, guint n, Workspace *out_state)
{
  UmkFeeRate dust_rate = c->opts->dust_relay_feerate;
  for (guint t = 0; t < n; t++)
    {
      const UmkTx *tx = txs[t];
      g_autoptr (GArray) dust = g_array_new (FALSE, FALSE, sizeof (UmkOutPoint));
      g_autoptr (GHashTable) processed = g_hash_table_new (hash_txid, equal_wtxid);
      for (uint32_t i = 0; i < tx->n_in; i++)
        {
          const UmkUint256 *ptxid = &tx->in[i].prevout.hash;
          if (!g_hash_table_add (processed, (gpointer) ptxid))
            continue;
          const UmkTx *parent = NULL;
          for (guint k = 0; k < n && parent == NULL; k++)
            if (umk_uint256_equal (&txs[k]->txid, ptxid))
              parent = txs[k];
          g_autoptr (UmkTx) pool_parent = NULL;
          if (parent == NULL)
            parent = pool_parent = umk_mempool_get_tx (c->pool, ptxid);
          if (parent == NULL)
            continue;
          for (uint32_t k = 0; k < parent->n_out; k++)
            if (umk_policy_is_dust (&parent->out[k], dust_rate))
              {
                UmkOutPoint o = { *ptxid, k };
                g_array_append_val (dust, o);
              }
        }
      if (dust->len == 0)
        continue;
      for (guint d = 0; d < dust->len; d++)
        {
          const UmkOutPoint *o = &g_array_index (dust, UmkOutPoint, d);
          bool spent = false;
          for (uint32_t i = 0; i < tx->n_in && !spent; i++)
            spent = tx->in[i].prevout.n == o->n
                    && umk_uint256_equal (&tx->in[i].prevout.hash, &o->hash);
          if (!spent)
            {
              g_autofree char *txid = hex_of (&tx->txid);
              g_autofree char *wtxid = hex_of (&tx->wtxid);
              ws_invalid (out_state, UMK_TX_RESULT_MEMPOOL_POLICY, "missing-ephemeral-spends",
                          "tx %s (wtxid=%s) did not spend parent's ephemeral dust", txid, wtxid);
              return (int) t;
            }
        }
    }
  return -1;
}

static gint
entry_by_txid (gconstpointer a, gconstpointer b)
{
  const UmkMempoolEntry *x = *(UmkMempoolEntry *const *) a;
  const UmkMempoolEntry *y = *(UmkMempoolEntry *const *) b;
  return memcmp (x->tx->txid.b, y->tx->txid.b, 32);
}

/* ---- PreChecks --------------------------------------------------------------------------- */

/* Core's CheckFeeRate: the mempool minimum and the relay minimum. */
static bool
check_fee_rate (Ctx *c, int64_t size, int64_t fee, Workspace *ws)
{
  int64_t reject = umk_feerate_get_fee (umk_mempool_min_fee (c->pool), size);
  if (reject > 0 && fee < reject)
    return ws_invalid (ws, UMK_TX_RESULT_RECONSIDERABLE, "mempool min fee not met",
                       "%" PRId64 " < %" PRId64, fee, reject);
  int64_t relay = umk_feerate_get_fee (c->opts->min_relay_feerate, size);
  if (fee < relay)
    return ws_invalid (ws, UMK_TX_RESULT_RECONSIDERABLE, "min relay fee not met",
                       "%" PRId64 " < %" PRId64, fee, relay);
  return true;
}

static bool
pre_checks (Ctx *c, const Args *args, Workspace *ws)
{
  UmkTx *tx = ws->tx;
  UmkMempool *pool = c->pool;
  const UmkMempoolOptions *opts = c->opts;
  UmkBlockIndex *tip = c->view->tip;

  const char *reason = NULL;
  if (!umk_tx_check (tx, &reason))
    return ws_invalid (ws, UMK_TX_RESULT_CONSENSUS, reason, NULL);
  if (umk_tx_is_coinbase (tx))
    return ws_invalid (ws, UMK_TX_RESULT_CONSENSUS, "coinbase", NULL);
  if (opts->require_standard
      && !umk_policy_is_standard_tx (tx, opts->max_datacarrier_bytes, opts->permit_bare_multisig,
                                     opts->dust_relay_feerate, &reason))
    return ws_invalid (ws, UMK_TX_RESULT_NOT_STANDARD, reason, NULL);
  /* 64-byte transactions look like merkle tree nodes (CVE-2017-12842) */
  if (tx->stripped_size < UMK_MIN_STANDARD_TX_NONWITNESS_SIZE)
    return ws_invalid (ws, UMK_TX_RESULT_NOT_STANDARD, "tx-size-small", NULL);
  if (!final_at_tip (tip, tx))
    return ws_invalid (ws, UMK_TX_RESULT_PREMATURE_SPEND, "non-final", NULL);
  if (umk_mempool_exists_wtxid (pool, &tx->wtxid))
    return ws_invalid (ws, UMK_TX_RESULT_CONFLICT, "txn-already-in-mempool", NULL);
  if (umk_mempool_exists (pool, &tx->txid))
    return ws_invalid (ws, UMK_TX_RESULT_CONFLICT, "txn-same-nonwitness-data-in-mempool", NULL);

  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkMempoolEntry *conflict = umk_mempool_get_spender (pool, &tx->in[i].prevout);
      if (conflict != NULL)
        {
          if (!args->allow_replacement)
            return ws_invalid (ws, UMK_TX_RESULT_MEMPOOL_POLICY, "bip125-replacement-disallowed",
                               NULL);
          g_hash_table_insert (ws->conflicts, &conflict->tx->txid, conflict);
        }
    }

  /* the coins: every input must exist, in the pool, the package or the chain */
  ws->coins = g_new0 (UmkCoin, tx->n_in);
  ws->spent = g_new0 (UmkSpentOutput, tx->n_in);
  ws->spent_out = g_new0 (UmkTxOut, tx->n_in);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      umk_coin_init (&ws->coins[i]);
      if (!ctx_get_coin (c, &tx->in[i].prevout, &ws->coins[i]))
        {
          /* missing because we have the transaction itself already? */
          for (uint32_t o = 0; o < tx->n_out; o++)
            {
              UmkOutPoint out = { tx->txid, o };
              g_auto (UmkCoin) mine = UMK_COIN_INIT;
              if (c->view->get_coin (c->view->user, &out, &mine))
                return ws_invalid (ws, UMK_TX_RESULT_CONFLICT, "txn-already-known", NULL);
            }
          return ws_invalid (ws, UMK_TX_RESULT_MISSING_INPUTS, "bad-txns-inputs-missingorspent",
                             NULL);
        }
    }
  g_autofree int *heights = g_new0 (int, tx->n_in);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkCoin *coin = &ws->coins[i];
      ws->spent[i].value = coin->value;
      ws->spent[i].script = coin->script;
      ws->spent[i].script_len = coin->script_len;
      ws->spent[i].height = coin->height;
      ws->spent[i].coinbase = coin->coinbase;
      ws->spent_out[i].value = coin->value;
      ws->spent_out[i].script_pubkey.data = coin->script;
      ws->spent_out[i].script_pubkey.len = coin->script_len;
      heights[i] = (int) coin->height;
    }

  /* only what could be in the next block: BIP 68 relative lock times */
  UmkLockPoints lp;
  lock_points_from_heights (tx, tip, heights, &lp);
  if (!umk_mempool_check_sequence_locks (tip, &lp))
    return ws_invalid (ws, UMK_TX_RESULT_PREMATURE_SPEND, "non-BIP68-final", NULL);

  UmkTxValidationState state = { 0 };
  if (!umk_tx_check_inputs (tx, ws->spent, tip->height + 1, &state, &ws->base_fees))
    return ws_invalid (ws, state.result, state.reject_reason, "%s", state.debug_message);

  if (opts->require_standard && !umk_policy_are_inputs_standard (tx, ws->spent_out))
    return ws_invalid (ws, UMK_TX_RESULT_INPUTS_NOT_STANDARD, "bad-txns-nonstandard-inputs", NULL);
  if (tx->has_witness && opts->require_standard
      && !umk_policy_is_witness_standard (tx, ws->spent_out))
    return ws_invalid (ws, UMK_TX_RESULT_WITNESS_MUTATED, "bad-witness-nonstandard", NULL);

  int64_t sigop_cost = umk_tx_sigop_cost (tx, ws->spent, UMK_STANDARD_SCRIPT_VERIFY_FLAGS);
  bool spends_coinbase = false;
  for (uint32_t i = 0; i < tx->n_in; i++)
    spends_coinbase |= ws->coins[i].coinbase;

  /* reorg re-adds get sequence 0, so they count as older than any child
   * already in the pool */
  uint64_t entry_sequence = args->bypass_limits ? 0 : umk_mempool_sequence (pool);
  if (c->cs == NULL)
    c->cs = umk_mempool_changeset_new (pool);
  ws->handle = umk_mempool_changeset_add (c->cs, tx, ws->base_fees, args->accept_time,
                                          (uint32_t) tip->height, entry_sequence, spends_coinbase,
                                          sigop_cost, &lp);
  ws->modified_fees = ws->handle->modified_fee;
  ws->vsize = ws->handle->vsize;

  /* a transaction with dust pays nothing, so it has no reason to be mined
   * without the child that sweeps the dust */
  if (opts->require_standard && (ws->base_fees != 0 || ws->modified_fees != 0)
      && umk_policy_count_dust (tx, opts->dust_relay_feerate) > 0)
    return ws_invalid (ws, UMK_TX_RESULT_NOT_STANDARD, "dust", "tx with dust output must be 0-fee");

  if (sigop_cost > UMK_MAX_STANDARD_TX_SIGOPS_COST)
    return ws_invalid (ws, UMK_TX_RESULT_NOT_STANDARD, "bad-txns-too-many-sigops", "%" PRId64,
                       sigop_cost);

  if (!args->bypass_limits && !args->package_feerates
      && !check_fee_rate (c, ws->vsize, ws->modified_fees, ws))
    return false;

  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, ws->conflicts);
  while (g_hash_table_iter_next (&it, NULL, &value))
    g_ptr_array_add (ws->iters_conflicting, value);

  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkMempoolEntry *p = umk_mempool_get (pool, &tx->in[i].prevout.hash);
      if (p != NULL && !g_ptr_array_find (ws->parents, p, NULL))
        g_ptr_array_add (ws->parents, p);
    }
  /* Core walks them as a set of txids */
  g_ptr_array_sort (ws->parents, entry_by_txid);

  if (!args->bypass_limits)
    {
      UmkMempoolEntry *sibling = NULL;
      g_autofree char *err
          = single_truc_checks (pool, tx, ws->parents, ws->conflicts, ws->vsize, &sibling);
      if (err != NULL)
        {
          if (args->allow_sibling_eviction && sibling != NULL)
            {
              /* the sibling joins the conflicts, to be judged by the RBF rules */
              g_hash_table_insert (ws->conflicts, &sibling->tx->txid, sibling);
              if (!g_ptr_array_find (ws->iters_conflicting, sibling, NULL))
                g_ptr_array_add (ws->iters_conflicting, sibling);
              ws->sibling_eviction = true;
            }
          else
            return ws_invalid (ws, UMK_TX_RESULT_MEMPOOL_POLICY, "TRUC-violation", "%s", err);
        }
    }

  c->rbf |= g_hash_table_size (ws->conflicts) > 0;
  return true;
}

/* ---- replacements (policy/rbf.cpp) ---------------------------------------------------------- */

/* Core's GetEntriesForConflicts: rule 5 (at most 100 clusters), and every
 * conflict's descendants. Returns: NULL or the error. */
static char *
entries_for_conflicts (UmkMempool *pool, const UmkTx *tx, GPtrArray *iters_conflicting,
                       GPtrArray *all_conflicts)
{
  guint n_clusters = umk_mempool_count_clusters (
      pool, (UmkMempoolEntry *const *) iters_conflicting->pdata, iters_conflicting->len);
  if (n_clusters > UMK_MAX_REPLACEMENT_CANDIDATES)
    {
      g_autofree char *txid = hex_of (&tx->txid);
      return g_strdup_printf ("rejecting replacement %s; too many conflicting clusters (%u > %d)",
                              txid, n_clusters, UMK_MAX_REPLACEMENT_CANDIDATES);
    }
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < all_conflicts->len; i++)
    g_hash_table_add (seen, all_conflicts->pdata[i]);
  for (guint i = 0; i < iters_conflicting->len; i++)
    {
      UmkMempoolEntry *e = iters_conflicting->pdata[i];
      if (g_hash_table_add (seen, e))
        g_ptr_array_add (all_conflicts, e);
      g_autoptr (GPtrArray) desc = umk_mempool_descendants (pool, e);
      for (guint j = 0; j < desc->len; j++)
        if (g_hash_table_add (seen, desc->pdata[j]))
          g_ptr_array_add (all_conflicts, desc->pdata[j]);
    }
  return NULL;
}

/* Core's PaysForRBF: rules 3 and 4. Returns: NULL or the error. */
static char *
pays_for_rbf (int64_t original_fees, int64_t replacement_fees, int64_t replacement_vsize,
              UmkFeeRate relay_fee, const UmkUint256 *txid)
{
  char a[32], b[32];
  if (replacement_fees < original_fees)
    {
      g_autofree char *hex = hex_of (txid);
      return g_strdup_printf ("rejecting replacement %s, less fees than conflicting txs; %s < %s",
                              hex, umk_format_money (replacement_fees, a),
                              umk_format_money (original_fees, b));
    }
  int64_t additional = replacement_fees - original_fees;
  int64_t needed = umk_feerate_get_fee (relay_fee, replacement_vsize);
  if (additional < needed)
    {
      g_autofree char *hex = hex_of (txid);
      return g_strdup_printf (
          "rejecting replacement %s, not enough additional fees to relay; %s < %s", hex,
          umk_format_money (additional, a), umk_format_money (needed, b));
    }
  return NULL;
}

/* Core's ImprovesFeerateDiagram. Returns: 0 when the change strictly improves
 * the touched clusters' diagram, 1 when it does not, 2 when it is over the
 * cluster limits. */
static int
improves_feerate_diagram (UmkMempoolChangeset *cs)
{
  g_autoptr (GArray) before = NULL;
  g_autoptr (GArray) after = NULL;
  if (!umk_mempool_changeset_diagrams (cs, &before, &after))
    return 2;
  int cmp = umk_feefrac_compare_diagrams ((const UmkFeeFrac *) after->data, after->len,
                                          (const UmkFeeFrac *) before->data, before->len);
  return cmp == 1 ? 0 : 1;
}

static bool
replacement_checks (Ctx *c, Workspace *ws)
{
  const UmkTx *tx = ws->tx;
  const char *suffix = ws->sibling_eviction ? " (including sibling eviction)" : "";
  g_autoptr (GPtrArray) all_conflicts = g_ptr_array_new ();
  g_autofree char *err = entries_for_conflicts (c->pool, tx, ws->iters_conflicting, all_conflicts);
  if (err != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("too many potential replacements%s", suffix);
      return ws_invalid (ws, UMK_TX_RESULT_MEMPOOL_POLICY, reason, "%s", err);
    }
  for (guint i = 0; i < all_conflicts->len; i++)
    {
      UmkMempoolEntry *e = all_conflicts->pdata[i];
      c->conflicting_fees += e->modified_fee;
      c->conflicting_size += e->vsize;
    }
  g_autofree char *pays = pays_for_rbf (c->conflicting_fees, ws->modified_fees, ws->vsize,
                                        c->opts->incremental_relay_feerate, &tx->txid);
  if (pays != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("insufficient fee%s", suffix);
      return ws_invalid (ws, UMK_TX_RESULT_RECONSIDERABLE, reason, "%s", pays);
    }
  for (guint i = 0; i < all_conflicts->len; i++)
    umk_mempool_changeset_remove (c->cs, all_conflicts->pdata[i]);
  if (!umk_mempool_changeset_check_limits (c->cs))
    return ws_invalid (ws, UMK_TX_RESULT_MEMPOOL_POLICY, "too-large-cluster", NULL);
  if (improves_feerate_diagram (c->cs) != 0)
    return ws_invalid (ws, UMK_TX_RESULT_RECONSIDERABLE, "replacement-failed",
                       "insufficient feerate: does not improve feerate diagram");
  return true;
}

/* ---- scripts -------------------------------------------------------------------------------- */

/* Core's CheckInputScripts for the mempool: every input against the output
 * it spends. */
static bool
check_input_scripts (Workspace *ws, UmkScriptFlags flags)
{
  const UmkTx *tx = ws->tx;
  UmkTxSigData sigdata;
  umk_tx_sigdata_init (&sigdata, tx, ws->spent_out, false);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkScriptError serr = UMK_SCRIPT_ERR_UNKNOWN_ERROR;
      if (umk_verify_input (tx, i, &ws->spent_out[i], flags, &sigdata, &serr))
        continue;
      g_autofree char *txid = hex_of (&tx->txid);
      g_autofree char *wtxid = hex_of (&tx->wtxid);
      g_autofree char *prev = hex_of (&tx->in[i].prevout.hash);
      bool policy = (flags & UMK_STANDARD_NOT_MANDATORY_VERIFY_FLAGS) != 0;
      g_autofree char *reason
          = g_strdup_printf ("%s-script-verify-flag-failed (%s)", policy ? "mempool" : "block",
                             umk_script_error_message (serr));
      return ws_invalid (ws, policy ? UMK_TX_RESULT_NOT_STANDARD : UMK_TX_RESULT_CONSENSUS, reason,
                         "input %u of %s (wtxid %s), spending %s:%u", i, txid, wtxid, prev,
                         tx->in[i].prevout.n);
    }
  return true;
}

static bool
policy_script_checks (Workspace *ws)
{
  return check_input_scripts (ws, UMK_STANDARD_SCRIPT_VERIFY_FLAGS);
}

/* Again with the consensus flags of the tip, as Core does to fill its script
 * cache; a failure here after the standard flags passed is a bug. */
static bool
consensus_script_checks (Ctx *c, Workspace *ws)
{
  UmkScriptFlags flags = umk_block_script_flags (c->view->tip, &c->view->params->consensus);
  if (!check_input_scripts (ws, flags))
    {
      g_autofree char *txid = hex_of (&ws->tx->txid);
      umk_log_error ("BUG! PLEASE REPORT THIS! CheckInputScripts failed against latest-block but "
                     "not STANDARD flags %s, %s, %s",
                     txid, ws->reason, ws->debug);
      return false;
    }
  return true;
}

/* ---- finishing ------------------------------------------------------------------------------ */

static void
finalize_subpackage (Ctx *c)
{
  g_autoptr (GPtrArray) removals = umk_mempool_changeset_removals (c->cs);
  for (guint i = 0; i < removals->len; i++)
    {
      UmkMempoolEntry *e = removals->pdata[i];
      if (umk_log_category_enabled (UMK_LOG_MEMPOOL))
        {
          g_autofree char *txid = hex_of (&e->tx->txid);
          g_autofree char *wtxid = hex_of (&e->tx->wtxid);
          UMK_LOG_DEBUG (UMK_LOG_MEMPOOL,
                         "replacing mempool tx %s (wtxid=%s, fees=%" PRId64
                         ", vsize=%d). New fees=%" PRId64 ", vsize=%" PRId64,
                         txid, wtxid, e->fee, e->vsize, c->total_modified_fees, c->total_vsize);
        }
      g_ptr_array_add (c->replaced, umk_tx_ref (e->tx));
    }
  umk_mempool_changeset_apply (c->cs);
  g_clear_pointer (&c->cs, umk_mempool_changeset_free);
}

/* Core's AcceptSingleTransactionInternal. */
static UmkAcceptResult *
accept_single (Ctx *c, const Args *args, UmkTx *tx)
{
  Workspace ws;
  ws_init (&ws, tx);
  UmkAcceptResult *res = NULL;
  GArray *single = wtxid_list (&tx->wtxid, 1);

  if (!pre_checks (c, args, &ws))
    {
      if (ws.result == UMK_TX_RESULT_RECONSIDERABLE)
        res = result_fee_failure (&ws, umk_feerate_from_fee (ws.modified_fees, ws.vsize),
                                  g_steal_pointer (&single));
      else
        res = result_failure (&ws);
      goto out;
    }
  if (c->rbf && !replacement_checks (c, &ws))
    {
      if (ws.result == UMK_TX_RESULT_RECONSIDERABLE)
        res = result_fee_failure (&ws, umk_feerate_from_fee (ws.modified_fees, ws.vsize),
                                  g_steal_pointer (&single));
      else
        res = result_failure (&ws);
      goto out;
    }
  if (!umk_mempool_changeset_check_limits (c->cs))
    {
      ws_invalid (&ws, UMK_TX_RESULT_MEMPOOL_POLICY, "too-large-cluster", NULL);
      res = result_failure (&ws);
      goto out;
    }
  if (g_hash_table_size (ws.conflicts) > 0)
    {
      /* spending an output of what it replaces would make it invalid */
      g_autoptr (GPtrArray) ancestors = umk_mempool_changeset_ancestors (c->cs, ws.handle);
      for (guint i = 0; i < ancestors->len; i++)
        {
          UmkMempoolEntry *a = ancestors->pdata[i];
          if (g_hash_table_contains (ws.conflicts, &a->tx->txid))
            {
              g_autofree char *txid = hex_of (&tx->txid);
              g_autofree char *atxid = hex_of (&a->tx->txid);
              ws_invalid (&ws, UMK_TX_RESULT_CONSENSUS, "bad-txns-spends-conflicting-tx",
                          "%s spends conflicting transaction %s", txid, atxid);
              res = result_failure (&ws);
              goto out;
            }
        }
    }
  c->total_vsize = ws.vsize;
  c->total_modified_fees = ws.modified_fees;

  if (args->has_client_maxfeerate
      && umk_feefrac_rate_cmp (umk_feerate_from_fee (ws.modified_fees, ws.vsize),
                               args->client_maxfeerate)
             > 0)
    {
      ws_invalid (&ws, UMK_TX_RESULT_MEMPOOL_POLICY, "max feerate exceeded", NULL);
      res = result_failure (&ws);
      goto out;
    }
  if (!args->bypass_limits && c->opts->require_standard)
    {
      UmkTx *one[1] = { tx };
      if (check_ephemeral_spends (c, one, 1, &ws) >= 0)
        {
          res = result_failure (&ws);
          goto out;
        }
    }
  if (!policy_script_checks (&ws) || !consensus_script_checks (c, &ws))
    {
      res = result_failure (&ws);
      goto out;
    }

  UmkFeeRate effective = umk_feerate_from_fee (ws.modified_fees, ws.vsize);
  if (args->test_accept)
    {
      res = result_success (ctx_take_replaced (c), ws.vsize, ws.base_fees, effective, single);
      single = NULL;
      goto out;
    }

  finalize_subpackage (c);

  if (!args->package_submission && !args->bypass_limits)
    {
      umk_mempool_limit_size (c->pool);
      if (!umk_mempool_exists (c->pool, &tx->txid))
        {
          /* evicted at once: below the new minimum, but a package might help */
          ws_invalid (&ws, UMK_TX_RESULT_RECONSIDERABLE, "mempool full", NULL);
          res = result_fee_failure (&ws, effective, wtxid_list (&tx->wtxid, 1));
          goto out;
        }
    }
  if (c->replaced->len > 0)
    UMK_LOG_DEBUG (UMK_LOG_MEMPOOL,
                   "replaced %u mempool transactions with 1 new transaction for %" PRId64
                   " additional fees, %" PRId64 " delta bytes",
                   c->replaced->len, ws.modified_fees - c->conflicting_fees,
                   ws.vsize - c->conflicting_size);
  res = result_success (ctx_take_replaced (c), ws.vsize, ws.base_fees, effective, single);
  single = NULL;

out:
  if (single != NULL)
    g_array_unref (single);
  ws_clear (&ws);
  return res;
}

static void
copy_result (UmkAcceptResult *dst, UmkAcceptResult *src)
{
  *dst = *src;
  g_free (src);
}

gboolean
umk_mempool_accept (UmkMempool *pool, const UmkMempoolChainView *view, UmkTx *tx,
                    int64_t accept_time, gboolean bypass_limits, gboolean test_accept,
                    UmkAcceptResult *result)
{
  g_return_val_if_fail (view != NULL && view->tip != NULL, FALSE);
  Args args = {
    .accept_time = accept_time != 0 ? accept_time : umk_mempool_now (pool),
    .bypass_limits = bypass_limits,
    .test_accept = test_accept,
    .allow_replacement = true,
    .allow_sibling_eviction = true,
  };
  Ctx c;
  umk_mempool_lock (pool);
  ctx_init (&c, pool, view);
  UmkAcceptResult *r = accept_single (&c, &args, tx);
  ctx_clear (&c);
  umk_mempool_unlock (pool);
  umk_accept_result_clear (result);
  copy_result (result, r);
  if (result->type != UMK_ACCEPT_VALID)
    {
      g_autofree char *txid = hex_of (&tx->txid);
      g_autofree char *wtxid = hex_of (&tx->wtxid);
      g_autofree char *text = umk_accept_result_to_string (result);
      UMK_LOG_DEBUG (UMK_LOG_MEMPOOLREJ, "%s (wtxid=%s) was not accepted: %s", txid, wtxid, text);
    }
  return result->type == UMK_ACCEPT_VALID;
}

/* ---- packages (policy/packages.cpp) ---------------------------------------------------------- */

static gboolean
topo_sorted (UmkTx *const *txs, guint n)
{
  /* no transaction may spend one that comes after it (or itself) */
  for (guint i = 0; i < n; i++)
    for (uint32_t j = 0; j < txs[i]->n_in; j++)
      for (guint k = i; k < n; k++)
        if (umk_uint256_equal (&txs[i]->in[j].prevout.hash, &txs[k]->txid))
          return FALSE;
  return TRUE;
}

static guint
hash_outpoint_simple (gconstpointer p)
{
  const UmkOutPoint *o = p;
  guint h;
  memcpy (&h, o->hash.b, sizeof h);
  return h ^ o->n;
}

static gboolean
equal_outpoint_simple (gconstpointer a, gconstpointer b)
{
  const UmkOutPoint *x = a, *y = b;
  return x->n == y->n && umk_uint256_equal (&x->hash, &y->hash);
}

static gboolean
consistent (UmkTx *const *txs, guint n)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (hash_outpoint_simple, equal_outpoint_simple);
  for (guint i = 0; i < n; i++)
    {
      if (txs[i]->n_in == 0)
        return FALSE;
      for (uint32_t j = 0; j < txs[i]->n_in; j++)
        if (g_hash_table_contains (seen, &txs[i]->in[j].prevout))
          return FALSE;
      /* one transaction's own duplicate inputs are CheckTransaction's to report */
      for (uint32_t j = 0; j < txs[i]->n_in; j++)
        g_hash_table_add (seen, (gpointer) &txs[i]->in[j].prevout);
    }
  return TRUE;
}

gboolean
umk_package_is_well_formed (UmkTx *const *txs, guint n, const char **reason)
{
  if (n > UMK_MAX_PACKAGE_COUNT)
    {
      *reason = "package-too-many-transactions";
      return FALSE;
    }
  int64_t weight = 0;
  for (guint i = 0; i < n; i++)
    weight += (int64_t) umk_tx_weight (txs[i]);
  /* for one transaction the weight is better reported as its own problem */
  if (n > 1 && weight > UMK_MAX_PACKAGE_WEIGHT)
    {
      *reason = "package-too-large";
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    for (guint k = i + 1; k < n; k++)
      if (umk_uint256_equal (&txs[i]->txid, &txs[k]->txid))
        {
          *reason = "package-contains-duplicates";
          return FALSE;
        }
  if (!topo_sorted (txs, n))
    {
      *reason = "package-not-sorted";
      return FALSE;
    }
  if (!consistent (txs, n))
    {
      *reason = "conflict-in-package";
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_package_is_child_with_parents (UmkTx *const *txs, guint n)
{
  if (n < 2)
    return FALSE;
  const UmkTx *child = txs[n - 1];
  for (guint i = 0; i + 1 < n; i++)
    {
      bool parent = false;
      for (uint32_t j = 0; j < child->n_in && !parent; j++)
        parent = umk_uint256_equal (&child->in[j].prevout.hash, &txs[i]->txid);
      if (!parent)
        return FALSE;
    }
  return TRUE;
}

gboolean
umk_package_is_child_with_parents_tree (UmkTx *const *txs, guint n)
{
  if (!umk_package_is_child_with_parents (txs, n))
    return FALSE;
  for (guint i = 0; i + 1 < n; i++)
    for (uint32_t j = 0; j < txs[i]->n_in; j++)
      for (guint k = 0; k + 1 < n; k++)
        if (umk_uint256_equal (&txs[i]->in[j].prevout.hash, &txs[k]->txid))
          return FALSE;
  return TRUE;
}

/* Core's PackageRBFChecks: a replacing package must be one parent and one
 * child without pool ancestors, pay for what it replaces and its relay, be a
 * chunk of its own, and improve the diagram. */
static bool
package_rbf_checks (Ctx *c, UmkTx *const *txs, guint n, Workspace *ws, UmkPackageResult *pr)
{
  if (n != 2 || !umk_package_is_child_with_parents (txs, n))
    return package_invalid (pr, UMK_PACKAGE_RESULT_POLICY,
                            "package RBF failed: package must be 1-parent-1-child", NULL);
  for (guint i = 0; i < n; i++)
    if (ws[i].parents->len > 0)
      return package_invalid (pr, UMK_PACKAGE_RESULT_POLICY,
                              "package RBF failed: new transaction cannot have mempool ancestors",
                              NULL);
  g_autoptr (GPtrArray) direct = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < ws[i].iters_conflicting->len; j++)
      if (!g_ptr_array_find (direct, ws[i].iters_conflicting->pdata[j], NULL))
        g_ptr_array_add (direct, ws[i].iters_conflicting->pdata[j]);
  Workspace *parent_ws = &ws[0], *child_ws = &ws[1];
  g_autoptr (GPtrArray) all_conflicts = g_ptr_array_new ();
  g_autofree char *err = entries_for_conflicts (c->pool, child_ws->tx, direct, all_conflicts);
  if (err != NULL)
    return package_invalid (pr, UMK_PACKAGE_RESULT_POLICY,
                            "package RBF failed: too many potential replacements", err);
  for (guint i = 0; i < all_conflicts->len; i++)
    {
      UmkMempoolEntry *e = all_conflicts->pdata[i];
      umk_mempool_changeset_remove (c->cs, e);
      c->conflicting_fees += e->modified_fee;
      c->conflicting_size += e->vsize;
    }
  g_autofree char *pays = pays_for_rbf (c->conflicting_fees, c->total_modified_fees, c->total_vsize,
                                        c->opts->incremental_relay_feerate, &child_ws->tx->txid);
  if (pays != NULL)
    return package_invalid (pr, UMK_PACKAGE_RESULT_POLICY,
                            "package RBF failed: insufficient anti-DoS fees", pays);
  UmkFeeRate parent_rate = umk_feerate_from_fee (parent_ws->modified_fees, parent_ws->vsize);
  UmkFeeRate package_rate = umk_feerate_from_fee (c->total_modified_fees, c->total_vsize);
  if (umk_feefrac_rate_cmp (package_rate, parent_rate) <= 0)
    {
      g_autofree char *a = umk_feerate_to_string (package_rate);
      g_autofree char *b = umk_feerate_to_string (parent_rate);
      g_autofree char *debug = g_strdup_printf ("package feerate %s <= parent feerate is %s", a, b);
      return package_invalid (
          pr, UMK_PACKAGE_RESULT_POLICY,
          "package RBF failed: package feerate is less than or equal to parent feerate", debug);
    }
  if (!umk_mempool_changeset_check_limits (c->cs))
    return package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, "too-large-cluster", NULL);
  if (improves_feerate_diagram (c->cs) != 0)
    return package_invalid (
        pr, UMK_PACKAGE_RESULT_POLICY,
        "package RBF failed: insufficient feerate: does not improve feerate diagram", NULL);
  return true;
}

/* Takes a result out of a results table (freeing its key). */
static UmkAcceptResult *
steal_result (GHashTable *results, const UmkUint256 *wtxid)
{
  gpointer key = NULL, value = NULL;
  if (!g_hash_table_steal_extended (results, wtxid, &key, &value))
    return NULL;
  g_free (key);
  return value;
}

static void
ws_array_clear (Workspace *ws, guint n)
{
  for (guint i = 0; i < n; i++)
    ws_clear (&ws[i]);
  g_free (ws);
}

/* Core's AcceptMultipleTransactionsInternal: the transactions evaluated as
 * one unit. */
static void
accept_multiple (Ctx *c, const Args *args, UmkTx *const *txs, guint n, UmkPackageResult *pr)
{
  const char *reason;
  if (!umk_package_is_well_formed (txs, n, &reason))
    {
      package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, reason, NULL);
      return;
    }
  Workspace *ws = g_new0 (Workspace, n);
  for (guint i = 0; i < n; i++)
    ws_init (&ws[i], txs[i]);
  g_autoptr (GArray) all_wtxids = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  for (guint i = 0; i < n; i++)
    g_array_append_val (all_wtxids, txs[i]->wtxid);

  for (guint i = 0; i < n; i++)
    {
      if (!pre_checks (c, args, &ws[i]))
        {
          package_invalid (pr, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
          package_put (pr, &txs[i]->wtxid, result_failure (&ws[i]));
          goto out;
        }
      if (args->has_client_maxfeerate
          && umk_feefrac_rate_cmp (umk_feerate_from_fee (ws[i].modified_fees, ws[i].vsize),
                                   args->client_maxfeerate)
                 > 0)
        {
          ws_invalid (&ws[i], UMK_TX_RESULT_MEMPOOL_POLICY, "max feerate exceeded", NULL);
          package_invalid (pr, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
          package_put (pr, &txs[i]->wtxid, result_failure (&ws[i]));
          goto out;
        }
      /* later transactions may spend this one's outputs */
      g_hash_table_insert (c->temp, &txs[i]->txid, txs[i]);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *err
          = package_truc_checks (c->pool, txs[i], ws[i].vsize, txs, n, ws[i].parents);
      if (err != NULL)
        {
          package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, "TRUC-violation", err);
          g_hash_table_remove_all (pr->results);
          goto out;
        }
    }

  c->total_vsize = 0;
  c->total_modified_fees = 0;
  for (guint i = 0; i < n; i++)
    {
      c->total_vsize += ws[i].vsize;
      c->total_modified_fees += ws[i].modified_fees;
    }
  UmkFeeRate package_feerate = umk_feerate_from_fee (c->total_modified_fees, c->total_vsize);

  if (args->package_feerates)
    {
      Workspace placeholder;
      ws_init (&placeholder, txs[n - 1]);
      if (!check_fee_rate (c, c->total_vsize, c->total_modified_fees, &placeholder))
        {
          package_invalid (pr, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
          package_put (pr, &txs[n - 1]->wtxid,
                       result_fee_failure (&placeholder, package_feerate,
                                           wtxid_list ((UmkUint256 *) all_wtxids->data, n)));
          ws_clear (&placeholder);
          goto out;
        }
      ws_clear (&placeholder);
    }

  if (c->rbf && !package_rbf_checks (c, txs, n, ws, pr))
    goto out;

  if (!umk_mempool_changeset_check_limits (c->cs))
    {
      package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, "too-large-cluster", NULL);
      goto out;
    }

  if (c->opts->require_standard)
    {
      Workspace child_state;
      ws_init (&child_state, txs[n - 1]);
      int bad = check_ephemeral_spends (c, txs, n, &child_state);
      if (bad >= 0)
        {
          package_invalid (pr, UMK_PACKAGE_RESULT_TX, "unspent-dust", NULL);
          package_put (pr, &txs[bad]->wtxid, result_failure (&child_state));
          ws_clear (&child_state);
          goto out;
        }
      ws_clear (&child_state);
    }

  for (guint i = 0; i < n; i++)
    {
      ws[i].package_feerate = package_feerate;
      if (!policy_script_checks (&ws[i]))
        {
          package_invalid (pr, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
          package_put (pr, &txs[i]->wtxid, result_failure (&ws[i]));
          goto out;
        }
      if (args->test_accept)
        {
          UmkFeeRate effective = args->package_feerates
                                     ? package_feerate
                                     : umk_feerate_from_fee (ws[i].modified_fees, ws[i].vsize);
          GArray *w = args->package_feerates ? wtxid_list ((UmkUint256 *) all_wtxids->data, n)
                                             : wtxid_list (&txs[i]->wtxid, 1);
          package_put (
              pr, &txs[i]->wtxid,
              result_success (ctx_take_replaced (c), ws[i].vsize, ws[i].base_fees, effective, w));
        }
    }
  if (args->test_accept)
    goto out;

  /* SubmitPackage */
  finalize_subpackage (c);
  bool all_submitted = true;
  for (guint i = 0; i < n; i++)
    if (!consensus_script_checks (c, &ws[i]))
      {
        package_put (pr, &txs[i]->wtxid, result_failure (&ws[i]));
        all_submitted = false;
        g_autofree char *txid = hex_of (&txs[i]->txid);
        g_autofree char *msg = g_strdup_printf (
            "BUG! PolicyScriptChecks succeeded but ConsensusScriptChecks failed: %s", txid);
        package_invalid (pr, UMK_PACKAGE_RESULT_MEMPOOL_ERROR, msg, NULL);
        umk_mempool_remove_recursive (c->pool, txs[i], UMK_REMOVAL_REPLACED);
      }
  if (!all_submitted)
    goto out;
  if (c->replaced->len > 0)
    UMK_LOG_DEBUG (UMK_LOG_MEMPOOL,
                   "replaced %u mempool transactions with %u new one(s) for %" PRId64
                   " additional fees, %" PRId64 " delta bytes",
                   c->replaced->len, n, c->total_modified_fees - c->conflicting_fees,
                   c->total_vsize - c->conflicting_size);
  for (guint i = 0; i < n; i++)
    {
      UmkFeeRate effective = args->package_feerates
                                 ? package_feerate
                                 : umk_feerate_from_fee (ws[i].modified_fees, ws[i].vsize);
      GArray *w = args->package_feerates ? wtxid_list ((UmkUint256 *) all_wtxids->data, n)
                                         : wtxid_list (&txs[i]->wtxid, 1);
      package_put (
          pr, &txs[i]->wtxid,
          result_success (ctx_take_replaced (c), ws[i].vsize, ws[i].base_fees, effective, w));
    }

out:
  ws_array_clear (ws, n);
}

/* Core's AcceptSubPackage. */
static void
accept_subpackage (Ctx *c, const Args *args, UmkTx *const *txs, guint n, UmkPackageResult *pr)
{
  if (n > 1)
    accept_multiple (c, args, txs, n, pr);
  else
    {
      Args single = *args;
      single.bypass_limits = false;
      single.allow_replacement = true;
      single.allow_sibling_eviction = true;
      single.package_submission = true;
      single.package_feerates = false;
      UmkAcceptResult *r = accept_single (c, &single, txs[0]);
      if (r->type != UMK_ACCEPT_VALID)
        package_invalid (pr, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
      package_put (pr, &txs[0]->wtxid, r);
    }
  ctx_clear_subpackage (c);
}

/* Core's AcceptPackage: a child with its parents, each tried alone first. */
static void
accept_package (Ctx *c, const Args *args, UmkTx *const *txs, guint n, UmkPackageResult *pr)
{
  const char *reason;
  if (!umk_package_is_well_formed (txs, n, &reason))
    {
      package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, reason, NULL);
      return;
    }
  if (n > 1 && !umk_package_is_child_with_parents (txs, n))
    {
      package_invalid (pr, UMK_PACKAGE_RESULT_POLICY, "package-not-child-with-parents", NULL);
      return;
    }
  UmkMempool *pool = c->pool;
  UmkPackageResult quit_state;
  umk_package_result_init (&quit_state);
  /* results_final are put straight into pr; nonfinal kept aside */
  g_autoptr (GHashTable) nonfinal
      = g_hash_table_new_full (hash_wtxid, equal_wtxid, g_free, accept_result_free);
  bool quit_early = false;
  g_autoptr (GPtrArray) eval = g_ptr_array_new ();
  for (guint i = 0; i < n; i++)
    {
      UmkTx *tx = txs[i];
      UmkMempoolEntry *e;
      if ((e = umk_mempool_get_by_wtxid (pool, &tx->wtxid)) != NULL)
        {
          UmkAcceptResult *r = accept_result_new ();
          r->type = UMK_ACCEPT_MEMPOOL_ENTRY;
          r->vsize = e->vsize;
          r->base_fee = e->fee;
          package_put (pr, &tx->wtxid, r);
        }
      else if ((e = umk_mempool_get (pool, &tx->txid)) != NULL)
        {
          UmkAcceptResult *r = accept_result_new ();
          r->type = UMK_ACCEPT_DIFFERENT_WITNESS;
          r->other_wtxid = e->tx->wtxid;
          package_put (pr, &tx->wtxid, r);
        }
      else
        {
          UmkPackageResult single;
          umk_package_result_init (&single);
          accept_subpackage (c, args, &txs[i], 1, &single);
          UmkAcceptResult *r = steal_result (single.results, &tx->wtxid);
          g_assert (r != NULL);
          if (r->type == UMK_ACCEPT_VALID)
            package_put (pr, &tx->wtxid, r);
          else if (n == 1
                   || (r->result != UMK_TX_RESULT_RECONSIDERABLE
                       && r->result != UMK_TX_RESULT_MISSING_INPUTS))
            {
              /* only fee rate (or a parent that failed on fee rate) can
               * change as a package */
              quit_early = true;
              package_invalid (&quit_state, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
              g_hash_table_replace (nonfinal, g_memdup2 (&tx->wtxid, 32), r);
            }
          else
            {
              g_hash_table_replace (nonfinal, g_memdup2 (&tx->wtxid, 32), r);
              g_ptr_array_add (eval, tx);
            }
          umk_package_result_clear (&single);
        }
    }

  UmkPackageResult multi;
  umk_package_result_init (&multi);
  if (quit_early || eval->len == 0)
    {
      multi.kind = quit_state.kind;
      multi.reject_reason = g_steal_pointer (&quit_state.reject_reason);
      multi.debug_message = g_steal_pointer (&quit_state.debug_message);
    }
  else
    accept_subpackage (c, args, (UmkTx *const *) eval->pdata, eval->len, &multi);
  umk_package_result_clear (&quit_state);
  ctx_clear_subpackage (c);

  umk_mempool_limit_size (pool);

  for (guint i = 0; i < n; i++)
    {
      const UmkTx *tx = txs[i];
      UmkAcceptResult *r;
      if ((r = steal_result (multi.results, &tx->wtxid)) != NULL)
        {
          if (r->type == UMK_ACCEPT_VALID && !umk_mempool_exists_wtxid (pool, &tx->wtxid))
            {
              package_invalid (&multi, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
              accept_result_free (r);
              r = accept_result_new ();
              r->type = UMK_ACCEPT_INVALID;
              r->result = UMK_TX_RESULT_MEMPOOL_POLICY;
              r->reject_reason = g_strdup ("mempool full");
              r->debug_message = g_strdup ("");
            }
          package_put (pr, &tx->wtxid, r);
        }
      else if ((r = g_hash_table_lookup (pr->results, &tx->wtxid)) != NULL)
        {
          if (!umk_mempool_exists (pool, &tx->txid))
            {
              package_invalid (&multi, UMK_PACKAGE_RESULT_TX, "transaction failed", NULL);
              UmkAcceptResult *full = accept_result_new ();
              full->type = UMK_ACCEPT_INVALID;
              full->result = UMK_TX_RESULT_MEMPOOL_POLICY;
              full->reject_reason = g_strdup ("mempool full");
              full->debug_message = g_strdup ("");
              package_put (pr, &tx->wtxid, full);
            }
        }
      else if ((r = steal_result (nonfinal, &tx->wtxid)) != NULL)
        {
          package_put (pr, &tx->wtxid, r);
        }
    }
  pr->kind = multi.kind;
  g_free (pr->reject_reason);
  g_free (pr->debug_message);
  pr->reject_reason = g_steal_pointer (&multi.reject_reason);
  pr->debug_message = g_steal_pointer (&multi.debug_message);
  umk_package_result_clear (&multi);
}

gboolean
umk_mempool_process_package (UmkMempool *pool, const UmkMempoolChainView *view, UmkTx *const *txs,
                             guint n, gboolean test_accept, const UmkFeeRate *client_maxfeerate,
                             UmkPackageResult *result)
{
  g_return_val_if_fail (n > 0 && view != NULL && view->tip != NULL, FALSE);
  umk_package_result_clear (result);
  umk_package_result_init (result);
  Ctx c;
  umk_mempool_lock (pool);
  ctx_init (&c, pool, view);
  Args args = { .accept_time = umk_mempool_now (pool) };
  if (test_accept)
    {
      args.test_accept = true;
      accept_multiple (&c, &args, txs, n, result);
    }
  else
    {
      args.allow_replacement = true;
      args.package_submission = true;
      args.package_feerates = true;
      if (client_maxfeerate != NULL)
        {
          args.has_client_maxfeerate = true;
          args.client_maxfeerate = *client_maxfeerate;
        }
      accept_package (&c, &args, txs, n, result);
    }
  ctx_clear (&c);
  umk_mempool_unlock (pool);
  return result->kind == UMK_PACKAGE_RESULT_UNSET;
}

/* ---- reorganisations ---------------------------------------------------------------------- */

struct _UmkDisconnectedTxs
{
  GQueue queue;        /* UmkTx refs; head: the most recently confirmed */
  GHashTable *by_txid; /* txid -> GList link */
};

UmkDisconnectedTxs *
umk_disconnected_txs_new (void)
{
  UmkDisconnectedTxs *d = g_new0 (UmkDisconnectedTxs, 1);
  g_queue_init (&d->queue);
  d->by_txid = g_hash_table_new (hash_txid, equal_wtxid);
  return d;
}

void
umk_disconnected_txs_free (UmkDisconnectedTxs *d)
{
  if (d == NULL)
    return;
  g_queue_clear_full (&d->queue, (GDestroyNotify) umk_tx_unref);
  g_hash_table_unref (d->by_txid);
  g_free (d);
}

void
umk_disconnected_txs_add_block (UmkDisconnectedTxs *d, UmkTx *const *txs, size_t n)
{
  /* blocks come off tip first; walking the queue from its tail later gives
   * the oldest block's transactions first, each block in its own order */
  for (size_t i = n; i-- > 0;)
    {
      if (g_hash_table_contains (d->by_txid, &txs[i]->txid))
        continue;
      UmkTx *tx = umk_tx_ref (txs[i]);
      g_queue_push_tail (&d->queue, tx);
      g_hash_table_insert (d->by_txid, &tx->txid, d->queue.tail);
    }
}

void
umk_disconnected_txs_remove_for_block (UmkDisconnectedTxs *d, UmkTx *const *txs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      GList *link = g_hash_table_lookup (d->by_txid, &txs[i]->txid);
      if (link == NULL)
        continue;
      g_hash_table_remove (d->by_txid, &txs[i]->txid);
      umk_tx_unref (link->data);
      g_queue_delete_link (&d->queue, link);
    }
}

guint
umk_disconnected_txs_size (UmkDisconnectedTxs *d)
{
  return d->queue.length;
}

typedef struct
{
  UmkMempool *pool;
  const UmkMempoolChainView *view;
} ReorgFilter;

/* Core's filter_final_and_mature: TRUE for entries that cannot be in the
 * next block on the new chain; refreshes the lock points of the others. */
static gboolean
reorg_filter (UmkMempoolEntry *e, gpointer user_data)
{
  ReorgFilter *f = user_data;
  UmkBlockIndex *tip = f->view->tip;
  if (!final_at_tip (tip, e->tx))
    return TRUE;
  if (lock_points_valid (tip, &e->lock_points))
    {
      if (!umk_mempool_check_sequence_locks (tip, &e->lock_points))
        return TRUE;
    }
  else
    {
      UmkLockPoints lp;
      if (umk_mempool_calculate_lock_points (f->pool, f->view, e->tx, &lp)
          && umk_mempool_check_sequence_locks (tip, &lp))
        e->lock_points = lp;
      else
        return TRUE;
    }
  if (e->spends_coinbase)
    for (uint32_t i = 0; i < e->tx->n_in; i++)
      {
        const UmkOutPoint *out = &e->tx->in[i].prevout;
        if (umk_mempool_exists (f->pool, &out->hash))
          continue;
        g_auto (UmkCoin) coin = UMK_COIN_INIT;
        if (!f->view->get_coin (f->view->user, out, &coin))
          return TRUE; /* cannot happen on a consistent chain; drop it to be safe */
        if (coin.coinbase && tip->height + 1 - (int64_t) coin.height < UMK_COINBASE_MATURITY)
          return TRUE;
      }
  return FALSE;
}

void
umk_mempool_update_for_reorg (UmkMempool *pool, const UmkMempoolChainView *view,
                              UmkDisconnectedTxs *d, gboolean add_to_mempool)
{
  umk_mempool_lock (pool);
  g_autoptr (GArray) updated = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  int64_t now = umk_mempool_now (pool);
  /* oldest first: from the tail of the queue */
  for (GList *l = d->queue.tail; l != NULL; l = l->prev)
    {
      UmkTx *tx = l->data;
      gboolean ok = FALSE;
      if (add_to_mempool && !umk_tx_is_coinbase (tx))
        {
          UmkAcceptResult r;
          umk_accept_result_init (&r);
          ok = umk_mempool_accept (pool, view, tx, now, TRUE, FALSE, &r);
          umk_accept_result_clear (&r);
        }
      if (!ok)
        umk_mempool_remove_recursive (pool, tx, UMK_REMOVAL_REORG);
      else if (umk_mempool_exists (pool, &tx->txid))
        g_array_append_val (updated, tx->txid);
    }
  g_queue_clear_full (&d->queue, (GDestroyNotify) umk_tx_unref);
  g_hash_table_remove_all (d->by_txid);

  umk_mempool_update_transactions_from_block (pool, (const UmkUint256 *) updated->data,
                                              updated->len);
  ReorgFilter f = { pool, view };
  umk_mempool_remove_for_reorg (pool, reorg_filter, &f);
  umk_mempool_limit_size (pool);
  umk_mempool_unlock (pool);
}
