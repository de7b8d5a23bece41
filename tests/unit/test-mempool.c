/* Tests for node/mempool, node/mempool-accept and node/mempool-persist: real
 * transactions (built with the tx builder, spending P2WSH(OP_TRUE) outputs of
 * a fake UTXO set on a fake chain) through acceptance, the cluster graph,
 * replacement, eviction, expiry, blocks, reorganisations, packages and
 * mempool.dat.
 */
#include "config.h"

#include "common/chain.h"
#include "common/chainparams.h"
#include "common/coin.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/script.h"
#include "node/mempool-accept.h"
#include "node/mempool-persist.h"
#include "node/mempool.h"
#include "node/policy.h"
#include "node/rpc-dispatch.h"
#include "common/hex.h"
#include "common/json.h"
#include "test-util.h"

#include <string.h>

#define N_BLOCKS 400
#define TIP      199
#define COIN_VAL 100000

/* ---- the fake chain --------------------------------------------------------- */

typedef struct
{
  UmkChainParams *params;
  UmkBlockIndex *blocks;
  int height;
  GHashTable *coins; /* UmkOutPoint * -> UmkCoin * */
  guint32 next_id;
  UmkMempool *pool;
  UmkMempoolChainView view;
  GByteArray *spk_true;  /* P2WSH(OP_TRUE) */
  GByteArray *spk_drop;  /* P2WSH(OP_DROP OP_TRUE) */
  GByteArray *spk_false; /* P2WSH(OP_0) */
  GPtrArray *removed;    /* (reason << 8 | 1) per removal, for the callback test */
} Fx;

static guint
outpoint_hash (gconstpointer p)
{
  const UmkOutPoint *o = p;
  guint h;
  memcpy (&h, o->hash.b, sizeof h);
  return h ^ (o->n * 2654435761u);
}

static gboolean
outpoint_equal (gconstpointer a, gconstpointer b)
{
  const UmkOutPoint *x = a, *y = b;
  return x->n == y->n && memcmp (x->hash.b, y->hash.b, 32) == 0;
}

static void
coin_free (gpointer p)
{
  umk_coin_clear (p);
  g_free (p);
}

static gboolean
fake_get_coin (gpointer user, const UmkOutPoint *out, UmkCoin *coin)
{
  Fx *fx = user;
  UmkCoin *c = g_hash_table_lookup (fx->coins, out);
  if (c == NULL)
    return FALSE;
  umk_coin_copy (coin, c);
  return TRUE;
}

static void
set_tip (Fx *fx, int height)
{
  fx->height = height;
  fx->view.tip = &fx->blocks[height];
  /* the pool's clock a minute after the tip */
  if (fx->pool != NULL)
    umk_mempool_set_mock_time (fx->pool, fx->blocks[height].time + 60);
}

static GByteArray *
p2wsh (const uint8_t *script, size_t len)
{
  uint8_t h[32];
  umk_sha256 (script, len, h);
  GByteArray *s = g_byte_array_new ();
  g_byte_array_append (s, (const uint8_t[]){ UMK_OP_0, 32 }, 2);
  g_byte_array_append (s, h, 32);
  return s;
}

static void
fx_new_pool (Fx *fx, const UmkMempoolOptions *opts)
{
  g_clear_pointer (&fx->pool, umk_mempool_free);
  fx->pool = umk_mempool_new (opts);
  set_tip (fx, fx->height);
}

static Fx *
fx_new (const UmkMempoolOptions *opts)
{
  Fx *fx = g_new0 (Fx, 1);
  g_autoptr (GError) error = NULL;
  fx->params = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  fx->blocks = g_new0 (UmkBlockIndex, N_BLOCKS);
  for (int i = 0; i < N_BLOCKS; i++)
    {
      UmkBlockIndex *b = &fx->blocks[i];
      b->time = 1700000000u + 600u * (uint32_t) i;
      b->bits = 0x207fffff;
      b->hash.b[0] = (uint8_t) i;
      b->hash.b[1] = (uint8_t) (i >> 8);
      b->hash.b[2] = 0xbb;
      umk_block_index_link (b, i > 0 ? &fx->blocks[i - 1] : NULL);
    }
  fx->coins = g_hash_table_new_full (outpoint_hash, outpoint_equal, g_free, coin_free);
  fx->view.user = fx;
  fx->view.get_coin = fake_get_coin;
  fx->view.params = fx->params;
  fx->height = TIP;
  const uint8_t t[] = { UMK_OP_1 }, d[] = { UMK_OP_DROP, UMK_OP_1 }, f[] = { UMK_OP_0 };
  fx->spk_true = p2wsh (t, 1);
  fx->spk_drop = p2wsh (d, 2);
  fx->spk_false = p2wsh (f, 1);
  fx->removed = g_ptr_array_new ();
  fx_new_pool (fx, opts);
  return fx;
}

static void
fx_free (Fx *fx)
{
  umk_mempool_check (fx->pool);
  umk_mempool_free (fx->pool);
  umk_chain_params_free (fx->params);
  g_free (fx->blocks);
  g_hash_table_unref (fx->coins);
  g_byte_array_unref (fx->spk_true);
  g_byte_array_unref (fx->spk_drop);
  g_byte_array_unref (fx->spk_false);
  g_ptr_array_unref (fx->removed);
  g_free (fx);
}

static void
add_coin (Fx *fx, const UmkOutPoint *out, int64_t value, const GByteArray *spk, int height,
          bool coinbase)
{
  UmkCoin *c = g_new0 (UmkCoin, 1);
  umk_coin_init (c);
  umk_coin_set (c, value, spk->data, spk->len, (uint32_t) height, coinbase);
  g_hash_table_replace (fx->coins, g_memdup2 (out, sizeof *out), c);
}

/* A new confirmed output, paying to spk (P2WSH(OP_TRUE) by default). */
static UmkOutPoint
fund_full (Fx *fx, int64_t value, const GByteArray *spk, int height, bool coinbase)
{
  UmkOutPoint out = { { { 0 } }, 0 };
  out.hash.b[0] = 0xf0;
  guint32 id = ++fx->next_id;
  memcpy (out.hash.b + 1, &id, sizeof id);
  add_coin (fx, &out, value, spk != NULL ? spk : fx->spk_true, height, coinbase);
  return out;
}

static UmkOutPoint
fund (Fx *fx)
{
  return fund_full (fx, COIN_VAL, NULL, 100, false);
}

/* ---- transactions ----------------------------------------------------------------- */

typedef struct
{
  uint32_t version;
  uint32_t lock_time;
  uint32_t sequence;
  const GByteArray *out_script; /* default P2WSH(OP_TRUE) */
  size_t op_return_bytes;       /* an extra OP_RETURN output with this much data */
  const uint8_t *witness_item;  /* for P2WSH(DROP TRUE) inputs: the item to drop */
  size_t witness_item_len;
} TxOpts;

/* A transaction spending ins (P2WSH(OP_TRUE) or, with a witness item,
 * P2WSH(OP_DROP OP_TRUE) outputs) into outputs of the given values. */
static UmkTx *
make_tx_opts (const UmkOutPoint *ins, guint n_in, const int64_t *values, guint n_out,
              const TxOpts *o)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = o != NULL && o->version != 0 ? o->version : 2;
  b->lock_time = o != NULL ? o->lock_time : 0;
  uint32_t seq = o != NULL && o->sequence != 0 ? o->sequence : 0xfffffffdu;
  for (guint i = 0; i < n_in; i++)
    {
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &ins[i], seq);
      GByteArray *item;
      if (o != NULL && o->witness_item != NULL)
        {
          item = g_byte_array_new ();
          g_byte_array_append (item, o->witness_item, o->witness_item_len);
          g_ptr_array_add (in->witness, item);
          item = g_byte_array_new ();
          g_byte_array_append (item, (const uint8_t[]){ UMK_OP_DROP, UMK_OP_1 }, 2);
        }
      else
        {
          item = g_byte_array_new ();
          g_byte_array_append (item, (const uint8_t[]){ UMK_OP_1 }, 1);
        }
      g_ptr_array_add (in->witness, item);
    }
  const uint8_t t[] = { UMK_OP_1 };
  g_autoptr (GByteArray) spk = p2wsh (t, 1);
  const GByteArray *out_script = o != NULL && o->out_script != NULL ? o->out_script : spk;
  for (guint i = 0; i < n_out; i++)
    umk_tx_builder_add_output (b, values[i], out_script->data, out_script->len);
  if (o != NULL && o->op_return_bytes > 0)
    {
      g_autoptr (GByteArray) ret = g_byte_array_new ();
      g_byte_array_append (ret, (const uint8_t[]){ UMK_OP_RETURN }, 1);
      g_autofree uint8_t *data = g_malloc0 (o->op_return_bytes);
      umk_script_write_push (ret, data, o->op_return_bytes);
      umk_tx_builder_add_output (b, 0, ret->data, ret->len);
    }
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  return tx;
}

static UmkTx *
make_tx (const UmkOutPoint *ins, guint n_in, const int64_t *values, guint n_out)
{
  return make_tx_opts (ins, n_in, values, n_out, NULL);
}

/* One input, one output paying value - fee. */
static UmkTx *
tx1 (const UmkOutPoint *in, int64_t in_value, int64_t fee)
{
  int64_t v = in_value - fee;
  return make_tx (in, 1, &v, 1);
}

static UmkOutPoint
out_of (const UmkTx *tx, uint32_t n)
{
  UmkOutPoint o = { tx->txid, n };
  return o;
}

static gboolean
accept_full (Fx *fx, UmkTx *tx, gboolean test, UmkAcceptResult *r)
{
  gboolean ok = umk_mempool_accept (fx->pool, &fx->view, tx, 0, FALSE, test, r);
  umk_mempool_check (fx->pool);
  return ok;
}

static void
expect_accept (Fx *fx, UmkTx *tx)
{
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  if (!accept_full (fx, tx, FALSE, &r))
    {
      g_autofree char *s = umk_accept_result_to_string (&r);
      g_error ("expected acceptance, got %s", s);
    }
  umk_accept_result_clear (&r);
}

/* Expects a rejection with reason; returns the result string ("reason,
 * details") for further checks. */
static char *
expect_reject (Fx *fx, UmkTx *tx, const char *reason)
{
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_false (accept_full (fx, tx, FALSE, &r));
  g_assert_cmpint (r.type, ==, UMK_ACCEPT_INVALID);
  g_assert_cmpstr (r.reject_reason, ==, reason);
  char *s = umk_accept_result_to_string (&r);
  umk_accept_result_clear (&r);
  return s;
}

#define REJECT(fx, tx, reason) g_free (expect_reject ((fx), (tx), (reason)))

static gboolean
in_pool (Fx *fx, const UmkTx *tx)
{
  return umk_mempool_exists (fx->pool, &tx->txid);
}

/* ---- acceptance -------------------------------------------------------------------- */

static void
test_accept_basic (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) tx = tx1 (&c, COIN_VAL, 1000);

  /* a test first: valid, nothing added */
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_true (accept_full (fx, tx, TRUE, &r));
  g_assert_cmpint (r.base_fee, ==, 1000);
  g_assert_cmpint (r.vsize, ==, (int64_t) umk_tx_vsize (tx));
  g_assert_cmpint (umk_feerate_per_kvb (r.effective_feerate), ==, 1000 * 1000 / r.vsize);
  g_assert_cmpuint (r.effective_wtxids->len, ==, 1);
  umk_accept_result_clear (&r);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 0);

  expect_accept (fx, tx);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 1);
  UmkMempoolEntry *e = umk_mempool_get (fx->pool, &tx->txid);
  g_assert_nonnull (e);
  g_assert_true (umk_mempool_get_by_wtxid (fx->pool, &tx->wtxid) == e);
  g_assert_cmpint (e->fee, ==, 1000);
  g_assert_cmpint (e->modified_fee, ==, 1000);
  g_assert_cmpint (e->weight, ==, (int32_t) umk_tx_weight (tx));
  g_assert_cmpint (e->vsize, ==, (int32_t) umk_tx_vsize (tx));
  g_assert_cmpuint (e->height, ==, TIP);
  g_assert_cmpint (e->time, ==, fx->blocks[TIP].time + 60);
  g_assert_false (e->spends_coinbase);
  g_assert_cmpuint (umk_mempool_total_vsize (fx->pool), ==, (uint64_t) e->vsize);
  g_assert_cmpint (umk_mempool_total_fee (fx->pool), ==, 1000);
  g_assert_true (umk_mempool_is_spent (fx->pool, &c));
  g_assert_true (umk_mempool_get_spender (fx->pool, &c) == e);
  g_assert_cmpint (umk_mempool_rbf_opt_in (fx->pool, tx), ==, 1);
  UmkFeeFrac chunk = umk_mempool_chunk_feerate (fx->pool, e);
  g_assert_cmpint (chunk.fee, ==, 1000);
  g_assert_cmpint (chunk.size, ==, e->adjusted_weight);
  g_assert_cmpuint (umk_mempool_sequence (fx->pool), ==, 2);
  g_assert_true (umk_mempool_is_optimal (fx->pool));

  /* the same again */
  REJECT (fx, tx, "txn-already-in-mempool");
  fx_free (fx);
}

static void
test_reject_reasons (void)
{
  Fx *fx = fx_new (NULL);

  /* an unknown input */
  UmkOutPoint nowhere = { { { 0xee } }, 7 };
  g_autoptr (UmkTx) orphan = tx1 (&nowhere, COIN_VAL, 1000);
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_false (accept_full (fx, orphan, FALSE, &r));
  g_assert_cmpint (r.result, ==, UMK_TX_RESULT_MISSING_INPUTS);
  g_assert_cmpstr (r.reject_reason, ==, "bad-txns-inputs-missingorspent");
  umk_accept_result_clear (&r);

  /* inputs gone because the transaction is already confirmed */
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) known = tx1 (&c, COIN_VAL, 1000);
  UmkOutPoint known_out = out_of (known, 0);
  g_hash_table_remove (fx->coins, &c);
  add_coin (fx, &known_out, COIN_VAL - 1000, fx->spk_true, TIP, false);
  REJECT (fx, known, "txn-already-known");

  /* fees */
  c = fund (fx);
  g_autoptr (UmkTx) free_tx = tx1 (&c, COIN_VAL, 0);
  g_autofree char *s = expect_reject (fx, free_tx, "min relay fee not met");
  g_assert_true (g_str_has_prefix (s, "min relay fee not met, 0 < "));
  g_autoptr (UmkTx) below = tx1 (&c, COIN_VAL + 1, 0);
  REJECT (fx, below, "bad-txns-in-belowout");

  /* lock time: final only from the next block on */
  TxOpts lt = { .lock_time = TIP + 1, .sequence = 0xfffffffeu };
  int64_t v = COIN_VAL - 1000;
  g_autoptr (UmkTx) nonfinal = make_tx_opts (&c, 1, &v, 1, &lt);
  REJECT (fx, nonfinal, "non-final");
  lt.lock_time = TIP;
  g_autoptr (UmkTx) final = make_tx_opts (&c, 1, &v, 1, &lt);
  UmkAcceptResult t;
  umk_accept_result_init (&t);
  g_assert_true (accept_full (fx, final, TRUE, &t));
  umk_accept_result_clear (&t);

  /* BIP 68: 10 blocks after a coin confirmed at the tip */
  UmkOutPoint young = fund_full (fx, COIN_VAL, NULL, TIP, false);
  TxOpts rel = { .sequence = 10 };
  g_autoptr (UmkTx) locked = make_tx_opts (&young, 1, &v, 1, &rel);
  REJECT (fx, locked, "non-BIP68-final");
  rel.sequence = 1; /* one block: the next one */
  g_autoptr (UmkTx) unlocked = make_tx_opts (&young, 1, &v, 1, &rel);
  expect_accept (fx, unlocked);

  /* coinbase maturity: spent in block 200, a coinbase of block 101 is 99 deep */
  UmkOutPoint cb = fund_full (fx, COIN_VAL, NULL, 101, true);
  g_autoptr (UmkTx) premature = tx1 (&cb, COIN_VAL, 1000);
  g_autofree char *p = expect_reject (fx, premature, "bad-txns-premature-spend-of-coinbase");
  g_assert_cmpstr (p, ==,
                   "bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 99");
  UmkOutPoint cb2 = fund_full (fx, COIN_VAL, NULL, 100, true);
  g_autoptr (UmkTx) mature = tx1 (&cb2, COIN_VAL, 1000);
  expect_accept (fx, mature);
  g_assert_true (umk_mempool_get (fx->pool, &mature->txid)->spends_coinbase);

  /* standardness */
  UmkOutPoint c2 = fund (fx);
  TxOpts v4 = { .version = 4 };
  g_autoptr (UmkTx) version4 = make_tx_opts (&c2, 1, &v, 1, &v4);
  REJECT (fx, version4, "version");
  g_autoptr (GByteArray) ret = g_byte_array_new ();
  g_byte_array_append (ret, (const uint8_t[]){ UMK_OP_RETURN }, 1);
  TxOpts small = { .out_script = ret };
  int64_t zero = 0;
  g_autoptr (UmkTx) tiny = make_tx_opts (&c2, 1, &zero, 1, &small);
  g_assert_cmpuint (tiny->stripped_size, <, 65);
  REJECT (fx, tiny, "tx-size-small");
  g_autoptr (GByteArray) bare_true = g_byte_array_new ();
  g_byte_array_append (bare_true, (const uint8_t[]){ UMK_OP_1 }, 1);
  UmkOutPoint bare = fund_full (fx, COIN_VAL, bare_true, 100, false);
  {
    g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
    b->version = 2;
    umk_tx_builder_add_input (b, &bare, UMK_SEQUENCE_FINAL);
    umk_tx_builder_add_output (b, v, fx->spk_true->data, fx->spk_true->len);
    g_autoptr (UmkTx) spend_bare = umk_tx_builder_finish (b, NULL);
    REJECT (fx, spend_bare, "bad-txns-nonstandard-inputs");
  }
  uint8_t big_item[81] = { 0 };
  UmkOutPoint drop = fund_full (fx, COIN_VAL, fx->spk_drop, 100, false);
  TxOpts fat = { .witness_item = big_item, .witness_item_len = sizeof big_item };
  g_autoptr (UmkTx) fat_tx = make_tx_opts (&drop, 1, &v, 1, &fat);
  REJECT (fx, fat_tx, "bad-witness-nonstandard");

  /* a script that fails */
  UmkOutPoint bad = fund_full (fx, COIN_VAL, fx->spk_false, 100, false);
  {
    g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
    b->version = 2;
    UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &bad, UMK_SEQUENCE_FINAL);
    GByteArray *item = g_byte_array_new ();
    g_byte_array_append (item, (const uint8_t[]){ UMK_OP_0 }, 1);
    g_ptr_array_add (in->witness, item);
    umk_tx_builder_add_output (b, v, fx->spk_true->data, fx->spk_true->len);
    g_autoptr (UmkTx) fails = umk_tx_builder_finish (b, NULL);
    g_autofree char *f = expect_reject (
        fx, fails,
        "mempool-script-verify-flag-failed (Script evaluated without error but finished with a "
        "false/empty top stack element)");
    g_autofree char *txid = umk_uint256_to_hex (&fails->txid);
    g_autofree char *wtxid = umk_uint256_to_hex (&fails->wtxid);
    g_autofree char *prev = umk_uint256_to_hex (&bad.hash);
    g_autofree char *details
        = g_strdup_printf ("input 0 of %s (wtxid %s), spending %s:0", txid, wtxid, prev);
    g_assert_true (g_str_has_suffix (f, details));
  }

  /* dust must be 0-fee (ephemeral dust) */
  UmkOutPoint c3 = fund (fx);
  int64_t dusty[2] = { COIN_VAL - 1000, 1 };
  g_autoptr (UmkTx) dust = make_tx (&c3, 1, dusty, 2);
  g_autofree char *d = expect_reject (fx, dust, "dust");
  g_assert_cmpstr (d, ==, "dust, tx with dust output must be 0-fee");

  /* a coinbase */
  {
    g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
    UmkOutPoint null = { { { 0 } }, UINT32_MAX };
    UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &null, UMK_SEQUENCE_FINAL);
    g_byte_array_append (in->script_sig, (const uint8_t[]){ 1, 1 }, 2);
    umk_tx_builder_add_output (b, v, fx->spk_true->data, fx->spk_true->len);
    g_autoptr (UmkTx) coinbase = umk_tx_builder_finish (b, NULL);
    REJECT (fx, coinbase, "coinbase");
  }

  /* same txid, another witness */
  UmkOutPoint dc = fund_full (fx, COIN_VAL, fx->spk_drop, 100, false);
  TxOpts w1 = { .witness_item = (const uint8_t *) "a", .witness_item_len = 1 };
  TxOpts w2 = { .witness_item = (const uint8_t *) "bb", .witness_item_len = 2 };
  g_autoptr (UmkTx) wa = make_tx_opts (&dc, 1, &v, 1, &w1);
  g_autoptr (UmkTx) wb = make_tx_opts (&dc, 1, &v, 1, &w2);
  g_assert_true (umk_uint256_equal (&wa->txid, &wb->txid));
  expect_accept (fx, wa);
  REJECT (fx, wb, "txn-same-nonwitness-data-in-mempool");
  fx_free (fx);
}

/* ---- the graph ------------------------------------------------------------------------- */

static void
test_ancestors_descendants (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  /* A pays B and D; B pays C */
  int64_t va[2] = { 40000, 40000 };
  g_autoptr (UmkTx) a = make_tx (&c, 1, va, 2);
  UmkOutPoint a0 = out_of (a, 0), a1 = out_of (a, 1);
  g_autoptr (UmkTx) b = tx1 (&a0, 40000, 2000);
  UmkOutPoint b0 = out_of (b, 0);
  g_autoptr (UmkTx) cc = tx1 (&b0, 38000, 3000);
  g_autoptr (UmkTx) d = tx1 (&a1, 40000, 500);
  expect_accept (fx, a);
  expect_accept (fx, b);
  expect_accept (fx, cc);
  expect_accept (fx, d);

  UmkMempool *pool = fx->pool;
  UmkMempoolEntry *ea = umk_mempool_get (pool, &a->txid), *eb = umk_mempool_get (pool, &b->txid);
  UmkMempoolEntry *ec = umk_mempool_get (pool, &cc->txid), *ed = umk_mempool_get (pool, &d->txid);
  UmkMempoolSetInfo info;
  umk_mempool_ancestor_info (pool, ec, &info);
  g_assert_cmpuint (info.count, ==, 3);
  g_assert_cmpint (info.vsize, ==, ea->vsize + eb->vsize + ec->vsize);
  g_assert_cmpint (info.fees, ==, ea->fee + 2000 + 3000);
  umk_mempool_descendant_info (pool, ea, &info);
  g_assert_cmpuint (info.count, ==, 4);
  g_assert_cmpint (info.fees, ==, ea->fee + 2000 + 3000 + 500);
  umk_mempool_descendant_info (pool, ed, &info);
  g_assert_cmpuint (info.count, ==, 1);

  g_autoptr (GPtrArray) anc = umk_mempool_ancestors (pool, ec);
  g_assert_cmpuint (anc->len, ==, 2);
  g_assert_true (g_ptr_array_find (anc, ea, NULL) && g_ptr_array_find (anc, eb, NULL));
  g_assert_cmpint (memcmp (((UmkMempoolEntry *) anc->pdata[0])->tx->txid.b,
                           ((UmkMempoolEntry *) anc->pdata[1])->tx->txid.b, 32),
                   <, 0);
  g_autoptr (GPtrArray) desc = umk_mempool_descendants (pool, ea);
  g_assert_cmpuint (desc->len, ==, 3);
  g_autoptr (GPtrArray) kids = umk_mempool_children (pool, ea);
  g_assert_cmpuint (kids->len, ==, 2);
  g_autoptr (GPtrArray) parents = umk_mempool_parents (pool, ec);
  g_assert_cmpuint (parents->len, ==, 1);
  g_assert_true (parents->pdata[0] == eb);
  g_autoptr (GPtrArray) cluster = umk_mempool_cluster (pool, ed);
  g_assert_cmpuint (cluster->len, ==, 4);
  g_assert_true (cluster->pdata[0] == ea);
  g_assert_cmpuint (umk_mempool_count_clusters (pool, (UmkMempoolEntry *[]){ ea, ed }, 2), ==, 1);

  size_t n_anc, n_cluster, anc_vsize;
  int64_t anc_fees;
  umk_mempool_ancestry (pool, &cc->txid, &n_anc, &n_cluster, &anc_vsize, &anc_fees);
  g_assert_cmpuint (n_anc, ==, 3);
  g_assert_cmpuint (n_cluster, ==, 4);

  /* A pays 96000 - 80000: high; its children lower; the chunks follow rates */
  g_autoptr (GPtrArray) order = umk_mempool_entries (pool);
  g_assert_cmpuint (order->len, ==, 4);
  g_assert_true (order->pdata[0] == ea);
  g_assert_true (order->pdata[3] == ed); /* the lowest rate last */

  /* remove C by removing B's input... through remove_recursive of B */
  umk_mempool_remove_recursive (pool, b, UMK_REMOVAL_CONFLICT);
  umk_mempool_check (pool);
  g_assert_false (in_pool (fx, b));
  g_assert_false (in_pool (fx, cc));
  g_assert_true (in_pool (fx, d));
  fx_free (fx);
}

static void
test_cpfp_mining_order (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c1 = fund (fx), c2 = fund (fx);
  /* a parent at the relay minimum and a child paying a lot for both */
  g_autoptr (UmkTx) parent = tx1 (&c1, COIN_VAL, 100);
  UmkOutPoint p0 = out_of (parent, 0);
  g_autoptr (UmkTx) child = tx1 (&p0, COIN_VAL - 100, 20000);
  /* and an unrelated one in between */
  g_autoptr (UmkTx) middle = tx1 (&c2, COIN_VAL, 5000);
  expect_accept (fx, parent);
  expect_accept (fx, middle);
  expect_accept (fx, child);

  UmkMempoolEntry *ep = umk_mempool_get (fx->pool, &parent->txid);
  UmkMempoolEntry *ec = umk_mempool_get (fx->pool, &child->txid);
  UmkFeeFrac chunk = umk_mempool_chunk_feerate (fx->pool, ep);
  g_assert_cmpint (chunk.fee, ==, 20100);
  g_assert_cmpint (chunk.size, ==, ep->adjusted_weight + ec->adjusted_weight);

  g_autoptr (UmkMempoolBlockBuilder) b = umk_mempool_block_builder_new (fx->pool);
  UmkMempoolEntry *const *ents;
  guint n;
  UmkFeeFrac rate;
  g_assert_true (umk_mempool_block_builder_current (b, &ents, &n, &rate));
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (ents[0] == ep && ents[1] == ec);
  g_assert_cmpint (rate.fee, ==, 20100);
  umk_mempool_block_builder_include (b);
  g_assert_true (umk_mempool_block_builder_current (b, &ents, &n, &rate));
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (umk_uint256_equal (&ents[0]->tx->txid, &middle->txid));
  umk_mempool_block_builder_skip (b);
  g_assert_false (umk_mempool_block_builder_current (b, &ents, &n, &rate));
  g_clear_pointer (&b, umk_mempool_block_builder_free);

  g_autoptr (GArray) diagram = umk_mempool_feerate_diagram (fx->pool);
  g_assert_cmpuint (diagram->len, ==, 3);
  g_assert_cmpint (g_array_index (diagram, UmkFeeFrac, 2).fee, ==, 25100);

  /* prioritising the middle one above: it comes first */
  umk_mempool_prioritise (fx->pool, &middle->txid, 1000000);
  umk_mempool_check (fx->pool);
  g_autoptr (GPtrArray) order = umk_mempool_entries (fx->pool);
  g_assert_true (
      umk_uint256_equal (&((UmkMempoolEntry *) order->pdata[0])->tx->txid, &middle->txid));
  g_assert_cmpint (umk_mempool_get (fx->pool, &middle->txid)->modified_fee, ==, 1005000);
  fx_free (fx);
}

static void
test_cluster_limit (void)
{
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  opts.cluster_count = 3;
  Fx *fx = fx_new (&opts);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) a = tx1 (&c, COIN_VAL, 1000);
  UmkOutPoint o = out_of (a, 0);
  g_autoptr (UmkTx) b = tx1 (&o, COIN_VAL - 1000, 1000);
  UmkOutPoint o2 = out_of (b, 0);
  g_autoptr (UmkTx) cc = tx1 (&o2, COIN_VAL - 2000, 1000);
  UmkOutPoint o3 = out_of (cc, 0);
  g_autoptr (UmkTx) d = tx1 (&o3, COIN_VAL - 3000, 1000);
  expect_accept (fx, a);
  expect_accept (fx, b);
  expect_accept (fx, cc);
  REJECT (fx, d, "too-large-cluster");
  fx_free (fx);
}

/* The default limit, 64, with a fan: a parent and 63 children with rates that
 * vary, then one child too many. */
static void
test_large_cluster (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund_full (fx, 64 * 10000 + 100000, NULL, 100, false);
  int64_t values[64];
  for (int i = 0; i < 64; i++)
    values[i] = 10000;
  g_autoptr (UmkTx) parent = make_tx (&c, 1, values, 64);
  expect_accept (fx, parent);
  gint64 start = g_get_monotonic_time ();
  for (uint32_t i = 0; i < 64; i++)
    {
      UmkOutPoint o = out_of (parent, i);
      g_autoptr (UmkTx) kid = tx1 (&o, 10000, 100 + 37 * ((i * 7) % 23));
      if (i < 63)
        expect_accept (fx, kid);
      else
        REJECT (fx, kid, "too-large-cluster");
    }
  g_test_message ("63 children in %.3f s", (g_get_monotonic_time () - start) / 1e6);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 64);
  /* the chunks come out by rate, the parent first */
  g_autoptr (GPtrArray) order = umk_mempool_entries (fx->pool);
  g_assert_true (
      umk_uint256_equal (&((UmkMempoolEntry *) order->pdata[0])->tx->txid, &parent->txid));
  g_autoptr (GArray) diagram = umk_mempool_feerate_diagram (fx->pool);
  for (guint i = 2; i < diagram->len; i++)
    {
      UmkFeeFrac a = g_array_index (diagram, UmkFeeFrac, i - 2);
      UmkFeeFrac b = g_array_index (diagram, UmkFeeFrac, i - 1);
      UmkFeeFrac d = g_array_index (diagram, UmkFeeFrac, i);
      UmkFeeFrac s1 = { b.fee - a.fee, b.size - a.size }, s2 = { d.fee - b.fee, d.size - b.size };
      g_assert_cmpint (umk_feefrac_rate_cmp (s1, s2), >=, 0);
    }
  fx_free (fx);
}

/* ---- replacement -------------------------------------------------------------------- */

static void
test_rbf (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) orig = tx1 (&c, COIN_VAL, 2000);
  UmkOutPoint o0 = out_of (orig, 0);
  g_autoptr (UmkTx) child = tx1 (&o0, COIN_VAL - 2000, 1000);
  expect_accept (fx, orig);
  expect_accept (fx, child);

  /* less than the 3000 it would replace */
  g_autoptr (UmkTx) cheap = tx1 (&c, COIN_VAL, 2500);
  g_autofree char *s = expect_reject (fx, cheap, "insufficient fee");
  g_autofree char *txid = umk_uint256_to_hex (&cheap->txid);
  g_autofree char *want = g_strdup_printf (
      "insufficient fee, rejecting replacement %s, less fees than conflicting txs; 0.000025 < "
      "0.00003",
      txid);
  g_assert_cmpstr (s, ==, want);

  /* more, but not the incremental relay fee for its own size (100 sat/kvB) */
  g_autoptr (UmkTx) close = tx1 (&c, COIN_VAL, 3005);
  g_autofree char *s2 = expect_reject (fx, close, "insufficient fee");
  g_assert_nonnull (strstr (s2, "not enough additional fees to relay; 0.00000005 < 0.0000001"));

  /* spending what it replaces */
  UmkOutPoint c2 = fund (fx);
  UmkOutPoint ins[2] = { c, o0 };
  int64_t v = 2 * COIN_VAL - 50000;
  g_autoptr (UmkTx) self = make_tx (ins, 2, &v, 1);
  (void) c2;
  g_autofree char *s3 = expect_reject (fx, self, "bad-txns-spends-conflicting-tx");
  g_autofree char *self_id = umk_uint256_to_hex (&self->txid);
  g_autofree char *orig_id = umk_uint256_to_hex (&orig->txid);
  g_autofree char *want3 = g_strdup_printf (
      "bad-txns-spends-conflicting-tx, %s spends conflicting transaction %s", self_id, orig_id);
  g_assert_cmpstr (s3, ==, want3);

  /* paying enough: both go, and the result names them */
  g_autoptr (UmkTx) better = tx1 (&c, COIN_VAL, 10000);
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_true (accept_full (fx, better, FALSE, &r));
  g_assert_cmpuint (r.replaced->len, ==, 2);
  umk_accept_result_clear (&r);
  g_assert_false (in_pool (fx, orig));
  g_assert_false (in_pool (fx, child));
  g_assert_true (in_pool (fx, better));

  /* more fees but a worse diagram: a big, low-rate replacement */
  TxOpts big = { .op_return_bytes = 2000 };
  int64_t vb = COIN_VAL - 10300;
  g_autoptr (UmkTx) huge = make_tx_opts (&c, 1, &vb, 1, &big);
  g_autofree char *s4 = expect_reject (fx, huge, "replacement-failed");
  g_assert_cmpstr (s4, ==,
                   "replacement-failed, insufficient feerate: does not improve feerate diagram");
  g_assert_true (in_pool (fx, better));
  fx_free (fx);
}

static void
test_truc (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  TxOpts v3 = { .version = 3 };
  int64_t two[2] = { 45000, 45000 };
  g_autoptr (UmkTx) parent = make_tx_opts (&c, 1, two, 2, &v3);
  expect_accept (fx, parent);
  UmkOutPoint p0 = out_of (parent, 0), p1 = out_of (parent, 1);

  /* a non-TRUC child of a TRUC parent */
  int64_t v = 44000;
  g_autoptr (UmkTx) v2child = make_tx (&p0, 1, &v, 1);
  g_autofree char *s = expect_reject (fx, v2child, "TRUC-violation");
  g_autofree char *cid = umk_uint256_to_hex (&v2child->txid);
  g_autofree char *pid = umk_uint256_to_hex (&parent->txid);
  g_assert_true (g_str_has_prefix (s, "TRUC-violation, non-version=3 tx "));
  g_assert_nonnull (strstr (s, cid));
  g_assert_nonnull (strstr (s, pid));

  g_autoptr (UmkTx) child1 = make_tx_opts (&p0, 1, &v, 1, &v3);
  expect_accept (fx, child1);
  /* a second child evicts the first if it pays for it (sibling eviction) */
  int64_t v2 = 45000 - 1005;
  g_autoptr (UmkTx) weak = make_tx_opts (&p1, 1, &v2, 1, &v3);
  g_autofree char *s2 = expect_reject (fx, weak, "insufficient fee (including sibling eviction)");
  (void) s2;
  v2 = 45000 - 5000;
  g_autoptr (UmkTx) child2 = make_tx_opts (&p1, 1, &v2, 1, &v3);
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_true (accept_full (fx, child2, FALSE, &r));
  g_assert_cmpuint (r.replaced->len, ==, 1);
  g_assert_true (umk_uint256_equal (&((UmkTx *) r.replaced->pdata[0])->txid, &child1->txid));
  umk_accept_result_clear (&r);
  g_assert_false (in_pool (fx, child1));

  /* no grandchildren */
  UmkOutPoint g0 = out_of (child2, 0);
  int64_t v3v = v2 - 1000;
  g_autoptr (UmkTx) grandchild = make_tx_opts (&g0, 1, &v3v, 1, &v3);
  g_autofree char *s3 = expect_reject (fx, grandchild, "TRUC-violation");
  g_assert_nonnull (strstr (s3, "would have too many ancestors"));

  /* a TRUC child of a non-TRUC parent */
  UmkOutPoint c2 = fund (fx);
  g_autoptr (UmkTx) v2parent = tx1 (&c2, COIN_VAL, 1000);
  expect_accept (fx, v2parent);
  UmkOutPoint q0 = out_of (v2parent, 0);
  g_autoptr (UmkTx) v3child = make_tx_opts (&q0, 1, &v, 1, &v3);
  g_autofree char *s4 = expect_reject (fx, v3child, "TRUC-violation");
  g_assert_nonnull (strstr (s4, "cannot spend from non-version=3 tx"));
  fx_free (fx);
}

/* ---- size limit, expiry, blocks --------------------------------------------------------- */

static size_t
usage_of_one (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) tx = tx1 (&c, COIN_VAL, 1000);
  expect_accept (fx, tx);
  size_t u = umk_mempool_usage (fx->pool);
  fx_free (fx);
  return u;
}

static void
test_eviction (void)
{
  size_t one = usage_of_one ();
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  opts.max_size_bytes = (int64_t) (one * 3 + one / 2);
  Fx *fx = fx_new (&opts);
  UmkTx *txs[4];
  int64_t fees[4] = { 1000, 2000, 3000, 4000 };
  for (int i = 0; i < 4; i++)
    {
      UmkOutPoint c = fund (fx);
      txs[i] = tx1 (&c, COIN_VAL, fees[i]);
      expect_accept (fx, txs[i]);
    }
  /* the lowest rate went, and the minimum rose above it */
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 3);
  g_assert_false (in_pool (fx, txs[0]));
  int64_t vsize = (int64_t) umk_tx_vsize (txs[0]);
  UmkFeeRate min = umk_mempool_min_fee (fx->pool);
  int64_t expect = 1000 * 1000 / vsize + UMK_DEFAULT_INCREMENTAL_RELAY_FEE;
  g_assert_cmpint (umk_feerate_per_kvb (min), ==, expect);

  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) low = tx1 (&c, COIN_VAL, 1000);
  g_autofree char *s = expect_reject (fx, low, "mempool min fee not met");
  g_assert_true (g_str_has_prefix (s, "mempool min fee not met, 1000 < "));
  /* above the minimum but the worst: in and out at once */
  g_autoptr (UmkTx) worst = tx1 (&c, COIN_VAL, 1500);
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  g_assert_false (accept_full (fx, worst, FALSE, &r));
  g_assert_cmpstr (r.reject_reason, ==, "mempool full");
  g_assert_cmpint (r.result, ==, UMK_TX_RESULT_RECONSIDERABLE);
  umk_accept_result_clear (&r);
  g_assert_false (in_pool (fx, worst));

  /* after a block the minimum decays: half after 12 hours (pool over half full) */
  int64_t before = umk_feerate_per_kvb (umk_mempool_min_fee (fx->pool));
  umk_mempool_remove_for_block (fx->pool, NULL, 0, TIP + 1);
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 60 + UMK_ROLLING_FEE_HALFLIFE);
  int64_t after = umk_feerate_per_kvb (umk_mempool_min_fee (fx->pool));
  g_assert_cmpint (after, >=, before / 2 - 1);
  g_assert_cmpint (after, <=, before / 2 + 1);
  /* and drops to zero below half the incremental fee */
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 60 + 20 * UMK_ROLLING_FEE_HALFLIFE);
  g_assert_cmpint (umk_feerate_per_kvb (umk_mempool_min_fee (fx->pool)), ==, 0);
  for (int i = 0; i < 4; i++)
    umk_tx_unref (txs[i]);
  fx_free (fx);
}

static void
on_removed (UmkMempoolEntry *entry, UmkRemovalReason reason, gpointer user_data)
{
  Fx *fx = user_data;
  (void) entry;
  g_ptr_array_add (fx->removed, GINT_TO_POINTER ((int) reason + 1));
}

static void
test_expiry (void)
{
  Fx *fx = fx_new (NULL);
  umk_mempool_set_removed_callback (fx->pool, on_removed, fx);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) old = tx1 (&c, COIN_VAL, 1000);
  expect_accept (fx, old);
  /* a child that arrived later goes with its parent */
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 3600);
  UmkOutPoint o = out_of (old, 0);
  g_autoptr (UmkTx) child = tx1 (&o, COIN_VAL - 1000, 1000);
  expect_accept (fx, child);
  UmkOutPoint c2 = fund (fx);
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 7200);
  g_autoptr (UmkTx) young = tx1 (&c2, COIN_VAL, 1000);
  expect_accept (fx, young);

  /* two weeks after the first: it and its child expire, the young one stays */
  int64_t t0 = fx->blocks[TIP].time + 60;
  umk_mempool_set_mock_time (fx->pool, t0 + 336 * 3600 + 1);
  umk_mempool_limit_size (fx->pool);
  umk_mempool_check (fx->pool);
  g_assert_false (in_pool (fx, old));
  g_assert_false (in_pool (fx, child));
  g_assert_true (in_pool (fx, young));
  g_assert_cmpuint (fx->removed->len, ==, 2);
  g_assert_cmpint (GPOINTER_TO_INT (fx->removed->pdata[0]) - 1, ==, UMK_REMOVAL_EXPIRY);
  g_assert_cmpuint (umk_mempool_expire (fx->pool, t0 + 7200 + 1), ==, 1);
  fx_free (fx);
}

static void
test_remove_for_block (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c1 = fund (fx), c2 = fund (fx);
  g_autoptr (UmkTx) a = tx1 (&c1, COIN_VAL, 1000);
  UmkOutPoint a0 = out_of (a, 0);
  g_autoptr (UmkTx) b = tx1 (&a0, COIN_VAL - 1000, 1000);
  g_autoptr (UmkTx) x = tx1 (&c2, COIN_VAL, 1000);
  UmkOutPoint x0 = out_of (x, 0);
  g_autoptr (UmkTx) y = tx1 (&x0, COIN_VAL - 1000, 1000);
  expect_accept (fx, a);
  expect_accept (fx, b);
  expect_accept (fx, x);
  expect_accept (fx, y);
  umk_mempool_prioritise (fx->pool, &x->txid, 500);
  umk_mempool_prioritise (fx->pool, &a->txid, 500);
  umk_mempool_set_removed_callback (fx->pool, on_removed, fx);

  /* a block with A, and with a double spend of X's input */
  g_autoptr (UmkTx) x_conflict = tx1 (&c2, COIN_VAL, 7000);
  UmkTx *block[2] = { a, x_conflict };
  umk_mempool_remove_for_block (fx->pool, block, 2, TIP + 1);
  umk_mempool_check (fx->pool);
  g_assert_false (in_pool (fx, a));
  g_assert_true (in_pool (fx, b)); /* now spends a confirmed output */
  g_assert_false (in_pool (fx, x));
  g_assert_false (in_pool (fx, y));
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 1);
  UmkMempoolEntry *eb = umk_mempool_get (fx->pool, &b->txid);
  g_autoptr (GPtrArray) parents = umk_mempool_parents (fx->pool, eb);
  g_assert_cmpuint (parents->len, ==, 0);
  /* the deltas of what left went too */
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &a->txid), ==, 0);
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &x->txid), ==, 0);
  int blocks = 0, conflicts = 0;
  for (guint i = 0; i < fx->removed->len; i++)
    {
      int reason = GPOINTER_TO_INT (fx->removed->pdata[i]) - 1;
      blocks += reason == UMK_REMOVAL_BLOCK;
      conflicts += reason == UMK_REMOVAL_CONFLICT;
    }
  g_assert_cmpint (blocks, ==, 1);
  g_assert_cmpint (conflicts, ==, 2);
  fx_free (fx);
}

static void
test_reorg (void)
{
  Fx *fx = fx_new (NULL);
  /* A confirms in block 200; C spends it from the pool */
  UmkOutPoint x = fund (fx);
  g_autoptr (UmkTx) a = tx1 (&x, COIN_VAL, 1000);
  UmkOutPoint a0 = out_of (a, 0);
  g_hash_table_remove (fx->coins, &x);
  add_coin (fx, &a0, COIN_VAL - 1000, fx->spk_true, TIP + 1, false);
  set_tip (fx, TIP + 1);
  g_autoptr (UmkTx) cc = tx1 (&a0, COIN_VAL - 1000, 1000);
  expect_accept (fx, cc);
  /* a coinbase spend, mature at block 201 but not at 200 */
  UmkOutPoint cb = fund_full (fx, COIN_VAL, NULL, 101, true);
  g_autoptr (UmkTx) m = tx1 (&cb, COIN_VAL, 1000);
  expect_accept (fx, m);
  /* a lock time that block 201 satisfies but block 200 does not */
  UmkOutPoint c3 = fund (fx);
  TxOpts lt = { .lock_time = TIP + 1, .sequence = 0xfffffffeu };
  int64_t v = COIN_VAL - 1000;
  g_autoptr (UmkTx) timed = make_tx_opts (&c3, 1, &v, 1, &lt);
  expect_accept (fx, timed);

  /* block 200 goes away: A comes back, C becomes its child again */
  g_hash_table_remove (fx->coins, &a0);
  add_coin (fx, &x, COIN_VAL, fx->spk_true, 100, false);
  set_tip (fx, TIP);
  g_autoptr (UmkDisconnectedTxs) d = umk_disconnected_txs_new ();
  UmkTx *blk[1] = { a };
  umk_disconnected_txs_add_block (d, blk, 1);
  g_assert_cmpuint (umk_disconnected_txs_size (d), ==, 1);
  umk_mempool_update_for_reorg (fx->pool, &fx->view, d, TRUE);
  umk_mempool_check (fx->pool);
  g_assert_cmpuint (umk_disconnected_txs_size (d), ==, 0);
  g_assert_true (in_pool (fx, a));
  g_assert_true (in_pool (fx, cc));
  UmkMempoolEntry *ec = umk_mempool_get (fx->pool, &cc->txid);
  g_autoptr (GPtrArray) anc = umk_mempool_ancestors (fx->pool, ec);
  g_assert_cmpuint (anc->len, ==, 1);
  g_assert_cmpuint (umk_mempool_get (fx->pool, &a->txid)->sequence, ==, 0);
  /* immature and non-final ones left */
  g_assert_false (in_pool (fx, m));
  g_assert_false (in_pool (fx, timed));

  /* without re-adding, the orphans go */
  g_autoptr (UmkDisconnectedTxs) d2 = umk_disconnected_txs_new ();
  UmkTx *blk2[1] = { a };
  umk_disconnected_txs_add_block (d2, blk2, 1);
  umk_mempool_remove_recursive (fx->pool, a, UMK_REMOVAL_REORG);
  g_assert_false (in_pool (fx, cc));
  umk_disconnected_txs_remove_for_block (d2, blk2, 1);
  g_assert_cmpuint (umk_disconnected_txs_size (d2), ==, 0);
  fx_free (fx);
}

static void
test_reorg_cluster_trim (void)
{
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  opts.cluster_count = 2;
  Fx *fx = fx_new (&opts);
  /* A confirmed with three outputs, each spent by a pool transaction */
  UmkOutPoint x = fund (fx);
  int64_t vals[3] = { 30000, 30000, 30000 };
  g_autoptr (UmkTx) a = make_tx (&x, 1, vals, 3);
  g_hash_table_remove (fx->coins, &x);
  UmkTx *kids[3];
  for (uint32_t i = 0; i < 3; i++)
    {
      UmkOutPoint o = out_of (a, i);
      add_coin (fx, &o, 30000, fx->spk_true, TIP, false);
      kids[i] = tx1 (&o, 30000, 1000 * (i + 1));
      expect_accept (fx, kids[i]);
    }
  /* A returns: a cluster of 4 over the limit of 2 keeps A and its best child */
  for (uint32_t i = 0; i < 3; i++)
    {
      UmkOutPoint o = out_of (a, i);
      g_hash_table_remove (fx->coins, &o);
    }
  add_coin (fx, &x, COIN_VAL, fx->spk_true, 100, false);
  g_autoptr (UmkDisconnectedTxs) d = umk_disconnected_txs_new ();
  UmkTx *blk[1] = { a };
  umk_disconnected_txs_add_block (d, blk, 1);
  umk_mempool_update_for_reorg (fx->pool, &fx->view, d, TRUE);
  umk_mempool_check (fx->pool);
  g_assert_true (in_pool (fx, a));
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 2);
  g_assert_true (in_pool (fx, kids[2]));
  for (int i = 0; i < 3; i++)
    umk_tx_unref (kids[i]);
  fx_free (fx);
}

/* ---- prioritisation ------------------------------------------------------------------- */

static void
test_prioritise (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) free_tx = tx1 (&c, COIN_VAL, 0);
  /* a delta given before the transaction arrives counts when it does */
  umk_mempool_prioritise (fx->pool, &free_tx->txid, 5000);
  umk_mempool_prioritise (fx->pool, &free_tx->txid, 1000);
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &free_tx->txid), ==, 6000);
  g_autoptr (GArray) d1 = umk_mempool_get_deltas (fx->pool);
  g_assert_cmpuint (d1->len, ==, 1);
  g_assert_false (g_array_index (d1, UmkMempoolDelta, 0).in_mempool);
  expect_accept (fx, free_tx);
  UmkMempoolEntry *e = umk_mempool_get (fx->pool, &free_tx->txid);
  g_assert_cmpint (e->fee, ==, 0);
  g_assert_cmpint (e->modified_fee, ==, 6000);
  g_autoptr (GArray) d2 = umk_mempool_get_deltas (fx->pool);
  g_assert_true (g_array_index (d2, UmkMempoolDelta, 0).in_mempool);
  g_assert_cmpint (g_array_index (d2, UmkMempoolDelta, 0).modified_fee, ==, 6000);
  /* a sum of zero removes it */
  umk_mempool_prioritise (fx->pool, &free_tx->txid, -6000);
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &free_tx->txid), ==, 0);
  g_autoptr (GArray) d3 = umk_mempool_get_deltas (fx->pool);
  g_assert_cmpuint (d3->len, ==, 0);
  g_assert_cmpint (e->modified_fee, ==, 0);
  /* deltas list in txid byte order */
  for (int i = 0; i < 10; i++)
    {
      UmkUint256 h = { { 0 } };
      h.b[0] = (uint8_t) (200 - i * 7);
      h.b[31] = (uint8_t) i;
      umk_mempool_prioritise (fx->pool, &h, i + 1);
    }
  g_autoptr (GArray) d4 = umk_mempool_get_deltas (fx->pool);
  g_assert_cmpuint (d4->len, ==, 10);
  for (guint i = 1; i < d4->len; i++)
    g_assert_cmpint (memcmp (g_array_index (d4, UmkMempoolDelta, i - 1).txid.b,
                             g_array_index (d4, UmkMempoolDelta, i).txid.b, 32),
                     <, 0);
  fx_free (fx);
}

/* ---- packages ---------------------------------------------------------------------------- */

static void
test_packages (void)
{
  Fx *fx = fx_new (NULL);
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) parent = tx1 (&c, COIN_VAL, 0);
  UmkOutPoint p0 = out_of (parent, 0);
  g_autoptr (UmkTx) child = tx1 (&p0, COIN_VAL, 5000);
  UmkTx *pkg[2] = { parent, child };

  /* testmempoolaccept: each by its own rate, so the free parent fails */
  UmkPackageResult pr;
  umk_package_result_init (&pr);
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, pkg, 2, TRUE, NULL, &pr));
  g_assert_cmpint (pr.kind, ==, UMK_PACKAGE_RESULT_TX);
  g_assert_cmpstr (pr.reject_reason, ==, "transaction failed");
  const UmkAcceptResult *rp = umk_package_result_get (&pr, &parent->wtxid);
  g_assert_nonnull (rp);
  g_assert_cmpstr (rp->reject_reason, ==, "min relay fee not met");
  g_assert_null (umk_package_result_get (&pr, &child->wtxid));

  /* well-formedness */
  UmkTx *unsorted[2] = { child, parent };
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, unsorted, 2, TRUE, NULL, &pr));
  g_assert_cmpint (pr.kind, ==, UMK_PACKAGE_RESULT_POLICY);
  g_assert_cmpstr (pr.reject_reason, ==, "package-not-sorted");
  UmkTx *dup[2] = { parent, parent };
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, dup, 2, TRUE, NULL, &pr));
  g_assert_cmpstr (pr.reject_reason, ==, "package-contains-duplicates");
  g_autoptr (UmkTx) rival = tx1 (&c, COIN_VAL, 100);
  UmkTx *conflict[2] = { parent, rival };
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, conflict, 2, TRUE, NULL, &pr));
  g_assert_cmpstr (pr.reject_reason, ==, "conflict-in-package");

  /* a fine pair passes the test with each rate its own */
  g_autoptr (UmkTx) paying = tx1 (&c, COIN_VAL, 1000);
  UmkOutPoint q0 = out_of (paying, 0);
  g_autoptr (UmkTx) kid = tx1 (&q0, COIN_VAL - 1000, 1000);
  UmkTx *good[2] = { paying, kid };
  g_assert_true (umk_mempool_process_package (fx->pool, &fx->view, good, 2, TRUE, NULL, &pr));
  g_assert_cmpint (umk_package_result_get (&pr, &kid->wtxid)->type, ==, UMK_ACCEPT_VALID);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 0);
  /* a test package may not replace */
  expect_accept (fx, rival);
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, good, 2, TRUE, NULL, &pr));
  g_assert_cmpstr (umk_package_result_get (&pr, &paying->wtxid)->reject_reason, ==,
                   "bip125-replacement-disallowed");
  umk_mempool_remove_recursive (fx->pool, rival, UMK_REMOVAL_REPLACED);

  /* submitted, the child pays for its parent (CPFP by package rate) */
  g_assert_true (umk_mempool_process_package (fx->pool, &fx->view, pkg, 2, FALSE, NULL, &pr));
  umk_mempool_check (fx->pool);
  g_assert_true (in_pool (fx, parent));
  g_assert_true (in_pool (fx, child));
  const UmkAcceptResult *rc = umk_package_result_get (&pr, &child->wtxid);
  g_assert_cmpint (rc->type, ==, UMK_ACCEPT_VALID);
  g_assert_cmpuint (rc->effective_wtxids->len, ==, 2);
  /* again: both already there */
  g_assert_true (umk_mempool_process_package (fx->pool, &fx->view, pkg, 2, FALSE, NULL, &pr));
  g_assert_cmpint (umk_package_result_get (&pr, &parent->wtxid)->type, ==,
                   UMK_ACCEPT_MEMPOOL_ENTRY);
  /* not child-with-parents */
  UmkOutPoint c2 = fund (fx), c3 = fund (fx);
  g_autoptr (UmkTx) s1 = tx1 (&c2, COIN_VAL, 1000);
  g_autoptr (UmkTx) s2 = tx1 (&c3, COIN_VAL, 1000);
  UmkTx *siblings[2] = { s1, s2 };
  g_assert_false (umk_mempool_process_package (fx->pool, &fx->view, siblings, 2, FALSE, NULL, &pr));
  g_assert_cmpstr (pr.reject_reason, ==, "package-not-child-with-parents");
  umk_package_result_clear (&pr);
  fx_free (fx);
}

/* ---- mempool.dat ----------------------------------------------------------------------------- */

static void
view_begin (gpointer user, UmkMempoolChainView *view)
{
  *view = ((Fx *) user)->view;
}

static void
view_end (gpointer user, UmkMempoolChainView *view)
{
  (void) user;
  (void) view;
}

static void
fill_for_dump (Fx *fx, UmkTx **a, UmkTx **b)
{
  UmkOutPoint c = fund (fx), c2 = fund (fx);
  *a = tx1 (&c, COIN_VAL, 1000);
  UmkOutPoint a0 = out_of (*a, 0);
  *b = tx1 (&a0, COIN_VAL - 1000, 2000);
  expect_accept (fx, *a);
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 100);
  expect_accept (fx, *b);
  umk_mempool_prioritise (fx->pool, &(*b)->txid, 777);
  UmkUint256 absent = { { 0x42 } };
  umk_mempool_prioritise (fx->pool, &absent, -5);
  umk_mempool_add_unbroadcast (fx->pool, &(*a)->txid);
  (void) c2;
}

/* Where each entry of a file just dumped from pool ends, in the file's order
 * (the pool's mining order, as the dump writes it); header is the number of
 * bytes before the first entry. The txids go to order when it is not NULL. */
static GArray *
dump_entry_ends (UmkMempool *pool, gsize header, GArray *order)
{
  GArray *ends = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr (GPtrArray) entries = umk_mempool_entries (pool);
  gsize at = header;
  for (guint i = 0; i < entries->len; i++)
    {
      const UmkMempoolEntry *e = entries->pdata[i];
      at += umk_tx_total_size (e->tx) + 16; /* the transaction, its time and delta */
      g_array_append_val (ends, at);
      if (order != NULL)
        g_array_append_val (order, e->tx->txid);
    }
  return ends;
}

static void
test_persist_roundtrip (gconstpointer data)
{
  gboolean v1 = GPOINTER_TO_INT (data);
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  opts.persist_v1_dat = v1;
  Fx *fx = fx_new (&opts);
  UmkTx *a, *b;
  fill_for_dump (fx, &a, &b);
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = umk_mempool_dat_path (dir);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_mempool_dump (fx->pool, path, &error));
  g_assert_no_error (error);
  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  g_assert_false (g_file_test (tmp, G_FILE_TEST_EXISTS));

  gchar *raw;
  gsize len;
  g_assert_true (g_file_get_contents (path, &raw, &len, NULL));
  g_assert_cmpuint (raw[0], ==, v1 ? 1 : 2);
  if (!v1)
    g_assert_cmpuint (raw[8], ==, 8); /* the key's length */
  g_free (raw);

  fx_new_pool (fx, &opts);
  UmkMempoolLoadStats stats;
  g_assert_true (umk_mempool_load (fx->pool, path, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_no_error (error);
  umk_mempool_check (fx->pool);
  g_assert_cmpuint (stats.succeeded, ==, 2);
  g_assert_cmpuint (stats.failed, ==, 0);
  g_assert_cmpuint (stats.unbroadcast, ==, 1);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 2);
  UmkMempoolEntry *eb = umk_mempool_get (fx->pool, &b->txid);
  g_assert_nonnull (eb);
  g_assert_cmpint (eb->modified_fee, ==, 2777);
  g_assert_cmpint (eb->time, ==, fx->blocks[TIP].time + 100);
  UmkUint256 absent = { { 0x42 } };
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &absent), ==, -5);
  g_assert_true (umk_mempool_is_unbroadcast (fx->pool, &a->txid));

  /* loading again: already there */
  g_assert_true (umk_mempool_load (fx->pool, path, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_cmpuint (stats.already_there, ==, 2);

  /* expired entries are skipped */
  fx_new_pool (fx, &opts);
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 400 * 3600);
  g_assert_true (umk_mempool_load (fx->pool, path, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_cmpuint (stats.expired, ==, 2);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 0);
  /* unless the file's times are not used */
  UmkMempoolLoadOptions lo;
  umk_mempool_load_options_init (&lo);
  lo.use_current_time = TRUE;
  lo.apply_unbroadcast_set = FALSE;
  g_assert_true (umk_mempool_load (fx->pool, path, &lo, view_begin, view_end, fx, &stats, &error));
  g_assert_cmpuint (stats.succeeded, ==, 2);
  g_assert_false (umk_mempool_is_unbroadcast (fx->pool, &a->txid));

  umk_test_rm_rf (dir);
  umk_tx_unref (a);
  umk_tx_unref (b);
  fx_free (fx);
}

static void
test_persist_corrupt (void)
{
  Fx *fx = fx_new (NULL);
  UmkTx *a, *b;
  fill_for_dump (fx, &a, &b);
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = umk_mempool_dat_path (dir);
  g_assert_true (umk_mempool_dump (fx->pool, path, NULL));
  gchar *raw;
  gsize len;
  g_assert_true (g_file_get_contents (path, &raw, &len, NULL));
  g_autofree char *bad = g_build_filename (dir, "bad.dat", NULL);
  UmkMempoolLoadStats stats;

  /* Every truncation is an error. Cut in the header (version, key, count)
   * nothing loads; further on, the entries read whole before the cut stay. */
  const gsize header = 8 + 1 + 8 + 8;
  g_autoptr (GArray) ends = dump_entry_ends (fx->pool, header, NULL);
  g_assert_cmpuint (ends->len, ==, 2);
  for (gsize cut = 0; cut < len; cut++)
    {
      fx_new_pool (fx, NULL);
      g_assert_true (g_file_set_contents (bad, raw, (gssize) cut, NULL));
      g_autoptr (GError) error = NULL;
      g_assert_false (
          umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
      g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
      guint kept = 0;
      while (kept < ends->len && g_array_index (ends, gsize, kept) <= cut)
        kept++;
      g_assert_cmpuint (umk_mempool_size (fx->pool), ==, kept);
      g_assert_cmpuint (stats.succeeded, ==, kept);
      g_assert_cmpuint (stats.failed + stats.expired + stats.already_there, ==, 0);
      g_assert_true ((strstr (error->message, "nothing loaded") != NULL) == (cut < header));
    }
  /* an unknown version, a bad key length */
  for (int which = 0; which < 2; which++)
    {
      g_autofree char *copy = g_memdup2 (raw, len);
      if (which == 0)
        copy[0] = 3;
      else
        copy[8] = 7;
      g_assert_true (g_file_set_contents (bad, copy, (gssize) len, NULL));
      g_autoptr (GError) error = NULL;
      g_assert_false (
          umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
      g_assert_nonnull (error);
    }
  /* a huge transaction count: nothing is sized from it, the two entries load
   * and the read of a third fails (on the trailer's bytes or the end) */
  {
    g_autofree char *copy = g_memdup2 (raw, len);
    for (int i = 17; i < 25; i++)
      copy[i] = (char) 0x7f;
    g_assert_true (g_file_set_contents (bad, copy, (gssize) len, NULL));
    g_autoptr (GError) error = NULL;
    fx_new_pool (fx, NULL);
    g_assert_false (
        umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
    g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
    g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 2);
  }
  /* random damage: never a crash */
  GRand *rand = g_rand_new_with_seed (7);
  for (int round = 0; round < 300; round++)
    {
      g_autofree char *copy = g_memdup2 (raw, len);
      int flips = g_rand_int_range (rand, 1, 4);
      for (int k = 0; k < flips; k++)
        copy[g_rand_int_range (rand, 0, (gint32) len)]
            ^= (char) (1 << g_rand_int_range (rand, 0, 8));
      g_assert_true (g_file_set_contents (bad, copy, (gssize) len, NULL));
      fx_new_pool (fx, NULL);
      (void) umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, NULL);
      umk_mempool_check (fx->pool);
    }
  g_rand_free (rand);
  /* a missing file */
  g_autofree char *missing = g_build_filename (dir, "none.dat", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_false (
      umk_mempool_load (fx->pool, missing, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_nonnull (error);

  g_free (raw);
  umk_test_rm_rf (dir);
  umk_tx_unref (a);
  umk_tx_unref (b);
  fx_free (fx);
}

/* Core's partial loading, on a version 1 file of four transactions: entries
 * are read and accepted one by one, so damage keeps what came before it. */
static void
test_persist_partial (void)
{
  UmkMempoolOptions opts;
  umk_mempool_options_init (&opts);
  opts.persist_v1_dat = TRUE;
  Fx *fx = fx_new (&opts);
  UmkTx *txs[4];
  for (int i = 0; i < 4; i++)
    {
      UmkOutPoint c = fund (fx);
      txs[i] = tx1 (&c, COIN_VAL, 1000 * (i + 1));
      expect_accept (fx, txs[i]);
    }
  UmkUint256 absent = { { 0x42 } };
  umk_mempool_prioritise (fx->pool, &absent, -5);
  umk_mempool_add_unbroadcast (fx->pool, &txs[0]->txid);
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = umk_mempool_dat_path (dir);
  g_assert_true (umk_mempool_dump (fx->pool, path, NULL));
  g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  g_autoptr (GArray) ends = dump_entry_ends (fx->pool, 8 + 8, order);
  g_assert_cmpuint (ends->len, ==, 4);
  gchar *raw;
  gsize len;
  g_assert_true (g_file_get_contents (path, &raw, &len, NULL));
  g_assert_cmpuint (raw[0], ==, 1);
  g_autofree char *bad = g_build_filename (dir, "bad.dat", NULL);
  UmkMempoolLoadStats stats;
  g_autoptr (GError) error = NULL;

  /* cut just after the second entry: the first two are kept */
  gsize cut = g_array_index (ends, gsize, 1);
  g_assert_true (g_file_set_contents (bad, raw, (gssize) cut, NULL));
  fx_new_pool (fx, &opts);
  g_assert_false (umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_clear_error (&error);
  umk_mempool_check (fx->pool);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 2);
  for (guint i = 0; i < 4; i++)
    g_assert_true (umk_mempool_exists (fx->pool, &g_array_index (order, UmkUint256, i)) == (i < 2));
  g_assert_cmpuint (stats.succeeded, ==, 2);
  g_assert_cmpuint (stats.failed, ==, 0);
  g_assert_cmpuint (stats.expired, ==, 0);
  g_assert_cmpuint (stats.already_there, ==, 0);
  g_assert_cmpuint (stats.unbroadcast, ==, 0);
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &absent), ==, 0);
  /* again into the same pool: those two are already there */
  g_assert_false (umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
  g_clear_error (&error);
  g_assert_cmpuint (stats.succeeded, ==, 0);
  g_assert_cmpuint (stats.already_there, ==, 2);
  /* long after: the two read are counted expired */
  fx_new_pool (fx, &opts);
  umk_mempool_set_mock_time (fx->pool, fx->blocks[TIP].time + 400 * 3600);
  g_assert_false (umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
  g_clear_error (&error);
  g_assert_cmpuint (stats.expired, ==, 2);
  g_assert_cmpuint (stats.succeeded, ==, 0);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 0);

  /* one byte short, inside the unbroadcast set: every transaction is in, and
   * the deltas (read before that set) too; the set is not taken */
  g_assert_true (g_file_set_contents (bad, raw, (gssize) len - 1, NULL));
  fx_new_pool (fx, &opts);
  g_assert_false (umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_clear_error (&error);
  umk_mempool_check (fx->pool);
  g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 4);
  g_assert_cmpuint (stats.succeeded, ==, 4);
  g_assert_cmpuint (stats.failed, ==, 0);
  g_assert_cmpuint (stats.unbroadcast, ==, 0);
  g_assert_cmpint (umk_mempool_get_delta (fx->pool, &absent), ==, -5);
  g_assert_false (umk_mempool_is_unbroadcast (fx->pool, &txs[0]->txid));

  /* a count of 1000 before the four entries: those four load, the fifth read
   * fails at the end of the file */
  {
    gsize n = g_array_index (ends, gsize, 3);
    g_autofree char *copy = g_memdup2 (raw, n);
    memset (copy + 8, 0, 8);
    copy[8] = (char) (1000 & 0xff);
    copy[9] = (char) (1000 >> 8);
    g_assert_true (g_file_set_contents (bad, copy, (gssize) n, NULL));
    fx_new_pool (fx, &opts);
    g_assert_false (
        umk_mempool_load (fx->pool, bad, NULL, view_begin, view_end, fx, &stats, &error));
    g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "4 of 1000"));
    g_clear_error (&error);
    umk_mempool_check (fx->pool);
    g_assert_cmpuint (umk_mempool_size (fx->pool), ==, 4);
    g_assert_cmpuint (stats.succeeded, ==, 4);
  }

  /* the whole file still loads cleanly */
  fx_new_pool (fx, &opts);
  g_assert_true (umk_mempool_load (fx->pool, path, NULL, view_begin, view_end, fx, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.succeeded, ==, 4);
  g_assert_cmpuint (stats.unbroadcast, ==, 1);
  g_assert_true (umk_mempool_is_unbroadcast (fx->pool, &txs[0]->txid));

  g_free (raw);
  umk_test_rm_rf (dir);
  for (int i = 0; i < 4; i++)
    umk_tx_unref (txs[i]);
  fx_free (fx);
}

/* ---- the RPC methods ------------------------------------------------------------------ */

/* Strings made inline in calls, freed at the end of the test. */
static GPtrArray *garbage;

static char *
keep (char *s)
{
  if (garbage == NULL)
    garbage = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (garbage, s);
  return s;
}

#define S(...) keep (g_strdup_printf (__VA_ARGS__))

typedef struct
{
  Fx *fx;
  UmkNode node;
  UmkRpcDispatcher *d;
  char *dir;
} Rpc;

static void
rpc_view_begin (gpointer user, UmkMempoolChainView *view)
{
  *view = ((Fx *) user)->view;
}

static void
rpc_view_end (gpointer user, UmkMempoolChainView *view)
{
  (void) user;
  (void) view;
}

static Rpc *
rpc_new (void)
{
  Rpc *r = g_new0 (Rpc, 1);
  r->fx = fx_new (NULL);
  r->dir = umk_test_make_tmpdir ();
  r->node.chain = UMK_CHAIN_REGTEST;
  r->node.params = r->fx->params;
  r->node.datadir_net = r->dir;
  r->node.mempool = r->fx->pool;
  r->d = umk_rpc_dispatcher_new (&r->node);
  umk_rpc_mempool_set_view_provider (rpc_view_begin, rpc_view_end, r->fx);
  return r;
}

static void
rpc_free (Rpc *r)
{
  umk_rpc_mempool_set_view_provider (NULL, NULL, NULL);
  g_clear_pointer (&garbage, g_ptr_array_unref);
  umk_rpc_dispatcher_free (r->d);
  umk_test_rm_rf (r->dir);
  g_free (r->dir);
  fx_free (r->fx);
  g_free (r);
}

/* The JSON-RPC 2.0 reply to method(params), as text. */
static char *
rpc_text (Rpc *r, const char *method, const char *params)
{
  g_autofree char *body = g_strdup_printf (
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}", method, params);
  UmkRpcReply reply;
  umk_rpc_dispatcher_handle (r->d, body, strlen (body), "test", NULL, "/", NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  char *text = g_strndup (reply.body, reply.len);
  umk_rpc_reply_clear (&reply);
  return text;
}

/* The result text of a call that must succeed. */
static char *
rpc_ok (Rpc *r, const char *method, const char *params)
{
  g_autofree char *text = rpc_text (r, method, params);
  const char *head = "{\"jsonrpc\":\"2.0\",\"result\":", *tail = ",\"id\":1}\n";
  if (!g_str_has_prefix (text, head) || !g_str_has_suffix (text, tail))
    g_error ("%s(%s): %s", method, params, text);
  return g_strndup (text + strlen (head), strlen (text) - strlen (head) - strlen (tail));
}

static void
rpc_err (Rpc *r, const char *method, const char *params, int code, const char *message)
{
  g_autofree char *text = rpc_text (r, method, params);
  g_autofree char *want = g_strdup_printf (
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":%d,\"message\":\"%s\"},\"id\":1}\n", code, message);
  g_assert_cmpstr (text, ==, want);
}

static char *
tx_hex (const UmkTx *tx)
{
  return umk_hex_encode (tx->raw.data, tx->raw.len);
}

static char *
amount (int64_t v)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ".%08" G_GINT64_FORMAT, v / 100000000, v % 100000000);
}

static void
test_rpc_read (void)
{
  Rpc *r = rpc_new ();
  Fx *fx = r->fx;
  g_autofree char *empty = rpc_ok (r, "getrawmempool", "[]");
  g_assert_cmpstr (empty, ==, "[]");

  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) a = tx1 (&c, COIN_VAL, 1000);
  UmkOutPoint a0 = out_of (a, 0);
  g_autoptr (UmkTx) b = tx1 (&a0, COIN_VAL - 1000, 3000);
  expect_accept (fx, a);
  expect_accept (fx, b);
  UmkMempoolEntry *ea = umk_mempool_get (fx->pool, &a->txid);
  UmkMempoolEntry *eb = umk_mempool_get (fx->pool, &b->txid);
  g_autofree char *ta = umk_uint256_to_hex (&a->txid);
  g_autofree char *tb = umk_uint256_to_hex (&b->txid);
  g_autofree char *wa = umk_uint256_to_hex (&a->wtxid);

  /* mining order: A's chunk (A alone pays more per byte than A+B? no: B pays
   * more, so both are one chunk, A first) */
  g_autofree char *ids = rpc_ok (r, "getrawmempool", "[]");
  g_autofree char *want_ids = g_strdup_printf ("[\"%s\",\"%s\"]", ta, tb);
  g_assert_cmpstr (ids, ==, want_ids);
  g_autofree char *seq = rpc_ok (r, "getrawmempool", "[false, true]");
  g_autofree char *want_seq
      = g_strdup_printf ("{\"txids\":[\"%s\",\"%s\"],\"mempool_sequence\":3}", ta, tb);
  g_assert_cmpstr (seq, ==, want_seq);
  rpc_err (r, "getrawmempool", "[true, true]", -8,
           "Verbose results cannot contain mempool sequence values.");

  /* an entry, member for member */
  g_autofree char *entry = rpc_ok (r, "getmempoolentry", S ("[\"%s\"]", ta));
  g_autofree char *fee_a = amount (1000);
  g_autofree char *fee_ab = amount (4000);
  g_autofree char *want_entry = g_strdup_printf (
      "{\"vsize\":%d,\"weight\":%d,\"time\":%" G_GINT64_FORMAT ",\"height\":%d,"
      "\"descendantcount\":2,\"descendantsize\":%d,\"ancestorcount\":1,\"ancestorsize\":%d,"
      "\"wtxid\":\"%s\",\"chunkweight\":%d,\"fees\":{\"base\":%s,\"modified\":%s,\"ancestor\":%s,"
      "\"descendant\":%s,\"chunk\":%s},\"depends\":[],\"spentby\":[\"%s\"],"
      "\"bip125-replaceable\":true,\"unbroadcast\":false}",
      ea->vsize, ea->weight, ea->time, TIP, ea->vsize + eb->vsize, ea->vsize, wa,
      ea->adjusted_weight + eb->adjusted_weight, fee_a, fee_a, fee_a, fee_ab, fee_ab, tb);
  g_assert_cmpstr (entry, ==, want_entry);
  g_autofree char *verbose = rpc_ok (r, "getrawmempool", "[true]");
  g_assert_true (g_str_has_prefix (verbose, S ("{\"%s\":{\"vsize\":", ta)));
  rpc_err (r, "getmempoolentry", "[\"abc\"]", -8, "txid must be of length 64 (not 3, for 'abc')");
  rpc_err (r, "getmempoolentry",
           "[\"0000000000000000000000000000000000000000000000000000000000000000\"]", -5,
           "Transaction not in mempool");

  g_autofree char *anc = rpc_ok (r, "getmempoolancestors", S ("[\"%s\"]", tb));
  g_autofree char *want_anc = g_strdup_printf ("[\"%s\"]", ta);
  g_assert_cmpstr (anc, ==, want_anc);
  g_autofree char *desc = rpc_ok (r, "getmempooldescendants", S ("[\"%s\"]", tb));
  g_assert_cmpstr (desc, ==, "[]");
  g_autofree char *desc_v = rpc_ok (r, "getmempooldescendants", S ("[\"%s\", true]", ta));
  g_assert_true (g_str_has_prefix (desc_v, S ("{\"%s\":{", tb)));

  g_autofree char *cluster = rpc_ok (r, "getmempoolcluster", S ("[\"%s\"]", tb));
  g_autofree char *want_cluster = g_strdup_printf (
      "{\"clusterweight\":%d,\"txcount\":2,\"chunks\":[{\"chunkfee\":%s,\"chunkweight\":%d,"
      "\"txs\":[\"%s\",\"%s\"]}]}",
      ea->adjusted_weight + eb->adjusted_weight, fee_ab, ea->adjusted_weight + eb->adjusted_weight,
      ta, tb);
  g_assert_cmpstr (cluster, ==, want_cluster);

  g_autofree char *info = rpc_ok (r, "getmempoolinfo", "[]");
  g_autofree char *want_info = g_strdup_printf (
      "{\"loaded\":false,\"size\":2,\"bytes\":%d,\"usage\":%" G_GSIZE_FORMAT
      ",\"total_fee\":%s,\"maxmempool\":300000000,\"mempoolminfee\":0.00000100,"
      "\"minrelaytxfee\":0.00000100,\"incrementalrelayfee\":0.00000100,\"unbroadcastcount\":0,"
      "\"fullrbf\":true,\"permitbaremultisig\":true,\"maxdatacarriersize\":100000,"
      "\"limitclustercount\":64,\"limitclustersize\":101000,\"optimal\":true}",
      ea->vsize + eb->vsize, umk_mempool_usage (fx->pool), fee_ab);
  g_assert_cmpstr (info, ==, want_info);

  /* prioritisation */
  g_autofree char *t = rpc_ok (r, "prioritisetransaction", S ("[\"%s\", 0, 500]", ta));
  g_assert_cmpstr (t, ==, "true");
  rpc_err (r, "prioritisetransaction", S ("[\"%s\", 1, 500]", ta), -8,
           "Priority is no longer supported, dummy argument to prioritisetransaction must be 0.");
  g_autofree char *deltas = rpc_ok (r, "getprioritisedtransactions", "[]");
  g_autofree char *want_deltas = g_strdup_printf (
      "{\"%s\":{\"fee_delta\":500,\"in_mempool\":true,\"modified_fee\":1500}}", ta);
  g_assert_cmpstr (deltas, ==, want_deltas);

  g_autofree char *diagram = rpc_ok (r, "getmempoolfeeratediagram", "[]");
  g_assert_true (g_str_has_prefix (diagram, "[{\"weight\":0,\"fee\":0.00000000},{\"weight\":"));

  /* saving: only once the start-up load was tried */
  rpc_err (r, "savemempool", "[]", -1, "The mempool was not loaded yet");
  umk_mempool_set_load_tried (fx->pool, TRUE);
  g_autofree char *saved = rpc_ok (r, "savemempool", "[]");
  g_autofree char *path = umk_mempool_dat_path (r->dir);
  g_autofree char *want_saved = g_strdup_printf ("{\"filename\":\"%s\"}", path);
  g_assert_cmpstr (saved, ==, want_saved);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  rpc_free (r);
}

static void
test_rpc_submit (void)
{
  Rpc *r = rpc_new ();
  Fx *fx = r->fx;
  UmkOutPoint c = fund (fx);
  g_autoptr (UmkTx) tx = tx1 (&c, COIN_VAL, 1000);
  g_autofree char *hex = tx_hex (tx);
  g_autofree char *txid = umk_uint256_to_hex (&tx->txid);
  g_autofree char *wtxid = umk_uint256_to_hex (&tx->wtxid);

  /* testmempoolaccept */
  g_autofree char *p1 = g_strdup_printf ("[[\"%s\"]]", hex);
  g_autofree char *res = rpc_ok (r, "testmempoolaccept", p1);
  int64_t vsize = (int64_t) umk_tx_vsize (tx);
  g_autofree char *rate = amount (1000 * 1000 / vsize);
  g_autofree char *want = g_strdup_printf (
      "[{\"txid\":\"%s\",\"wtxid\":\"%s\",\"allowed\":true,\"vsize\":%" G_GINT64_FORMAT
      ",\"fees\":{\"base\":0.00001000,\"effective-feerate\":%s,\"effective-includes\":[\"%s\"]}}]",
      txid, wtxid, vsize, rate, wtxid);
  g_assert_cmpstr (res, ==, want);
  /* over a tiny maxfeerate */
  g_autofree char *p2 = g_strdup_printf ("[[\"%s\"], 0.00001]", hex);
  g_autofree char *res2 = rpc_ok (r, "testmempoolaccept", p2);
  g_autofree char *want2 = g_strdup_printf ("[{\"txid\":\"%s\",\"wtxid\":\"%s\",\"allowed\":false,"
                                            "\"reject-reason\":\"max-fee-exceeded\"}]",
                                            txid, wtxid);
  g_assert_cmpstr (res2, ==, want2);
  rpc_err (r, "testmempoolaccept", S ("[[\"%s\"], 1]", hex), -8,
           "Fee rates larger than or equal to 1UMK/kvB are not accepted");
  rpc_err (r, "testmempoolaccept", "[[]]", -8, "Array must contain between 1 and 25 transactions.");
  rpc_err (r, "testmempoolaccept", "[[\"00\"]]", -22,
           "TX decode failed: 00 Make sure the tx has at least one input.");

  /* a missing input and a fee failure */
  UmkOutPoint nowhere = { { { 0xee } }, 7 };
  g_autoptr (UmkTx) orphan = tx1 (&nowhere, COIN_VAL, 1000);
  g_autofree char *ohex = tx_hex (orphan);
  g_autofree char *ores = rpc_ok (r, "testmempoolaccept", S ("[[\"%s\"]]", ohex));
  g_assert_true (
      g_str_has_suffix (ores, "\"allowed\":false,\"reject-reason\":\"missing-inputs\"}]"));
  UmkOutPoint c2 = fund (fx);
  g_autoptr (UmkTx) free_tx = tx1 (&c2, COIN_VAL, 0);
  g_autofree char *fhex = tx_hex (free_tx);
  g_autofree char *fres = rpc_ok (r, "testmempoolaccept", S ("[[\"%s\"]]", fhex));
  g_autofree char *fwant
      = g_strdup_printf ("\"allowed\":false,\"reject-reason\":\"min relay fee not met\","
                         "\"reject-details\":\"min relay fee not met, 0 < %" G_GINT64_FORMAT "\"}]",
                         (vsize * 100 + 999) / 1000);
  g_assert_true (g_str_has_suffix (fres, fwant));
  /* a package with an error of its own */
  g_autofree char *pkg = rpc_ok (r, "testmempoolaccept", S ("[[\"%s\",\"%s\"]]", hex, hex));
  g_assert_nonnull (strstr (pkg, "\"package-error\":\"package-contains-duplicates\""));
  g_assert_null (strstr (pkg, "allowed"));

  /* sendrawtransaction */
  rpc_err (r, "sendrawtransaction", S ("[\"%s\"]", fhex), -26,
           S ("min relay fee not met, 0 < %" G_GINT64_FORMAT, (vsize * 100 + 999) / 1000));
  rpc_err (r, "sendrawtransaction", S ("[\"%s\"]", ohex), -25, "bad-txns-inputs-missingorspent");
  rpc_err (r, "sendrawtransaction", S ("[\"%s\", 0.00001]", hex), -25,
           "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
  rpc_err (r, "sendrawtransaction", "[\"zz\"]", -22,
           "TX decode failed. Make sure the tx has at least one input.");
  g_autofree char *sent = rpc_ok (r, "sendrawtransaction", S ("[\"%s\"]", hex));
  g_autofree char *want_sent = g_strdup_printf ("\"%s\"", txid);
  g_assert_cmpstr (sent, ==, want_sent);
  g_assert_true (umk_mempool_is_unbroadcast (fx->pool, &tx->txid));
  /* again: already there, same answer */
  g_autofree char *again = rpc_ok (r, "sendrawtransaction", S ("[\"%s\"]", hex));
  g_assert_cmpstr (again, ==, want_sent);
  g_autofree char *info = rpc_ok (r, "getmempoolinfo", "[]");
  g_assert_nonnull (strstr (info, "\"unbroadcastcount\":1,"));
  /* confirmed already */
  UmkOutPoint c3 = fund (fx);
  g_autoptr (UmkTx) conf = tx1 (&c3, COIN_VAL, 1000);
  UmkOutPoint conf0 = out_of (conf, 0);
  add_coin (fx, &conf0, COIN_VAL - 1000, fx->spk_true, TIP, false);
  g_autofree char *chex = tx_hex (conf);
  rpc_err (r, "sendrawtransaction", S ("[\"%s\"]", chex), -27,
           "Transaction outputs already in utxo set");
  /* burning more than allowed */
  UmkOutPoint c4 = fund (fx);
  TxOpts burn = { .op_return_bytes = 10 };
  int64_t v = COIN_VAL - 2000;
  g_autoptr (UmkTx) burner = make_tx_opts (&c4, 1, &v, 1, &burn);
  (void) burner;
  {
    g_autoptr (UmkTxBuilder) bb = umk_tx_builder_new ();
    bb->version = 2;
    UmkTxBuilderIn *in = umk_tx_builder_add_input (bb, &c4, UMK_SEQUENCE_FINAL);
    GByteArray *item = g_byte_array_new ();
    g_byte_array_append (item, (const uint8_t[]){ UMK_OP_1 }, 1);
    g_ptr_array_add (in->witness, item);
    umk_tx_builder_add_output (bb, 1000, (const uint8_t[]){ UMK_OP_RETURN }, 1);
    umk_tx_builder_add_output (bb, COIN_VAL - 3000, fx->spk_true->data, fx->spk_true->len);
    g_autoptr (UmkTx) bt = umk_tx_builder_finish (bb, NULL);
    g_autofree char *bhex = tx_hex (bt);
    rpc_err (r, "sendrawtransaction", S ("[\"%s\"]", bhex), -25,
             "Unspendable output exceeds maximum configured by user (maxburnamount)");
    g_autofree char *ok = rpc_ok (r, "sendrawtransaction", S ("[\"%s\", 0, 0.00001]", bhex));
    (void) ok;
  }
  rpc_free (r);
}

/* ---- options ---------------------------------------------------------------------------- */

static void
test_parse_money (void)
{
  int64_t v;
  g_assert_true (umk_parse_money ("0.00001", &v));
  g_assert_cmpint (v, ==, 1000);
  g_assert_true (umk_parse_money (" 1.5 ", &v));
  g_assert_cmpint (v, ==, 150000000);
  g_assert_true (umk_parse_money ("21000000", &v));
  g_assert_true (umk_parse_money ("1.", &v));
  g_assert_cmpint (v, ==, 100000000);
  g_assert_true (umk_parse_money (".5", &v));
  g_assert_cmpint (v, ==, 50000000);
  g_assert_false (umk_parse_money ("21000001", &v));
  g_assert_false (umk_parse_money ("-1", &v));
  g_assert_false (umk_parse_money ("1e3", &v));
  g_assert_false (umk_parse_money ("0.000000001", &v));
  g_assert_false (umk_parse_money ("", &v));
  g_assert_false (umk_parse_money ("1 2", &v));
  g_assert_false (umk_parse_money ("12345678901", &v));

  UmkMempoolOptions o;
  umk_mempool_options_init (&o);
  g_assert_cmpint (o.max_size_bytes, ==, 300000000);
  g_assert_cmpint (o.expiry_seconds, ==, 336 * 3600);
  g_assert_cmpint (umk_feerate_per_kvb (o.min_relay_feerate), ==, 100);
  g_assert_cmpint (umk_feerate_per_kvb (o.incremental_relay_feerate), ==, 100);
  g_assert_cmpint (umk_feerate_per_kvb (o.dust_relay_feerate), ==, 3000);
  g_assert_cmpint (o.max_datacarrier_bytes, ==, 100000);
  g_assert_cmpuint (o.cluster_count, ==, 64);
  g_assert_cmpint (o.cluster_size_vbytes, ==, 101000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mempool/options", test_parse_money);
  g_test_add_func ("/mempool/accept", test_accept_basic);
  g_test_add_func ("/mempool/reject-reasons", test_reject_reasons);
  g_test_add_func ("/mempool/ancestors-descendants", test_ancestors_descendants);
  g_test_add_func ("/mempool/cpfp-mining-order", test_cpfp_mining_order);
  g_test_add_func ("/mempool/cluster-limit", test_cluster_limit);
  g_test_add_func ("/mempool/large-cluster", test_large_cluster);
  g_test_add_func ("/mempool/rbf", test_rbf);
  g_test_add_func ("/mempool/truc", test_truc);
  g_test_add_func ("/mempool/eviction", test_eviction);
  g_test_add_func ("/mempool/expiry", test_expiry);
  g_test_add_func ("/mempool/remove-for-block", test_remove_for_block);
  g_test_add_func ("/mempool/reorg", test_reorg);
  g_test_add_func ("/mempool/reorg-cluster-trim", test_reorg_cluster_trim);
  g_test_add_func ("/mempool/prioritise", test_prioritise);
  g_test_add_func ("/mempool/packages", test_packages);
  g_test_add_data_func ("/mempool/persist/v2", GINT_TO_POINTER (FALSE), test_persist_roundtrip);
  g_test_add_data_func ("/mempool/persist/v1", GINT_TO_POINTER (TRUE), test_persist_roundtrip);
  g_test_add_func ("/mempool/persist/corrupt", test_persist_corrupt);
  g_test_add_func ("/mempool/persist/partial", test_persist_partial);
  g_test_add_func ("/mempool/rpc/read", test_rpc_read);
  g_test_add_func ("/mempool/rpc/submit", test_rpc_submit);
  return g_test_run ();
}
