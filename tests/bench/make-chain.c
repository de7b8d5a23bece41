/* make-chain.c — writes a valid regtest chain to a block file, without a node
 * (a benchmark tool, not a test).
 *
 *   build/tests/bench/umk-make-chain [--blocks N] [--txs-per-block M] [--out FILE]
 *                                    [--seed S] [--start-time T] [--check]
 *
 * The file has Core's blk*.dat layout (per block: the regtest message start,
 * the block's size as 4 bytes little-endian, the block), so a node imports it
 * with -loadblock=FILE. The genesis block is not written: every node has it.
 *
 * The chain: every coinbase pays into up to 60 outputs, and from block 101 on
 * (when the first coinbase matures) each block holds M transactions of 1–3
 * inputs and 2 outputs, spending coins drawn at random from all those
 * confirmed and mature, so the UTXO set both churns and grows. Outputs are P2WPKH, P2PKH and BIP 86
 * P2TR (key path) in about equal thirds, from a fixed set of keys; signatures
 * are SIGHASH_ALL (ECDSA with low R and S) and SIGHASH_DEFAULT (BIP 340).
 * Everything follows from the seed and the start time (signing runs on
 * several threads, but choices are made in order beforehand), so a run is
 * reproducible; the start time defaults to a day boundary about N·600 s ago,
 * so the tip lies in the past (as the node's clock requires) but not by much.
 *
 * With --check every block also passes the library's own block checks, with a
 * block index built alongside, and every input the script interpreter: slower,
 * and only a second opinion (the node is the judge).
 */
#define G_LOG_DOMAIN "umk-make-chain"
#include "config.h"

#include "common/block-check.h"
#include "common/block.h"
#include "common/chain.h"
#include "common/chainparams.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/pow.h"
#include "common/script.h"
#include "common/sighash.h"
#include "common/taproot.h"
#include "common/tx.h"
#include "common/validation-state.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COINBASE_MATURITY 100
#define BLOCK_SPACING     600
#define BLOCK_VERSION     0x20000000
#define N_KEYS            256
/* Coinbase outputs per block: enough that block 101 can already hold a full
 * set of transactions spending block 1's coinbase alone. */
#define COINBASE_OUTPUTS   60
#define MIN_COINBASE_SPLIT 20000 /* satoshis: fewer outputs below this each */

typedef enum
{
  KIND_P2WPKH,
  KIND_P2PKH,
  KIND_P2TR,
  N_KINDS,
} CoinKind;

static const char *const kind_names[N_KINDS] = { "P2WPKH", "P2PKH", "P2TR" };

typedef struct
{
  uint8_t seckey[32];
  uint8_t pubkey[33]; /* compressed */
  uint8_t hash160[20];
  uint8_t output_key[32]; /* BIP 86: internal key tweaked with no script tree */
  uint8_t tap_seckey[32]; /* the secret key of output_key */
} Key;

typedef struct
{
  UmkOutPoint outpoint;
  int64_t value;
  uint16_t key;
  uint8_t kind;
} Coin;

typedef struct
{
  int height; /* of the coinbase that made it */
  Coin coin;
} ImmatureCoin;

typedef struct
{
  uint64_t s;
} Rng;

/* splitmix64: small, fast and the same everywhere, so a seed names one chain. */
static uint64_t
rng_next (Rng *r)
{
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint32_t
rng_below (Rng *r, uint32_t n)
{
  return (uint32_t) (rng_next (r) % n);
}

/* Counts the signing jobs of a block still running. */
typedef struct
{
  GMutex lock;
  GCond done;
  guint pending;
} WaitGroup;

typedef struct
{
  const UmkChainParams *params;
  Key keys[N_KEYS];
  Rng rng;
  GArray *pool;     /* Coin: spendable in the block being built */
  GArray *fresh;    /* Coin: made in the block being built, spendable from the next */
  GArray *immature; /* ImmatureCoin, in height order */
  guint immature_next;
  bool check;
  GThreadPool *signers;
  WaitGroup wg;
  UmkBlockIndex *index; /* one entry per height: the checks of pow and --check need it */
  int64_t now;
  /* statistics */
  uint64_t n_tx;
  uint64_t n_in[N_KINDS];
  uint64_t n_out[N_KINDS];
  uint64_t bytes;
  size_t max_weight;
} Gen;

static size_t
write_script_pubkey (const Key *k, CoinKind kind, uint8_t out[34])
{
  switch (kind)
    {
    case KIND_P2WPKH:
      out[0] = UMK_OP_0;
      out[1] = 20;
      memcpy (out + 2, k->hash160, 20);
      return 22;
    case KIND_P2PKH:
      out[0] = UMK_OP_DUP;
      out[1] = UMK_OP_HASH160;
      out[2] = 20;
      memcpy (out + 3, k->hash160, 20);
      out[23] = UMK_OP_EQUALVERIFY;
      out[24] = UMK_OP_CHECKSIG;
      return 25;
    case KIND_P2TR:
    default:
      out[0] = UMK_OP_1;
      out[1] = 32;
      memcpy (out + 2, k->output_key, 32);
      return 34;
    }
}

static void
make_keys (Gen *g, uint64_t seed)
{
  for (unsigned i = 0; i < N_KEYS; i++)
    {
      Key *k = &g->keys[i];
      uint8_t material[32];
      uint32_t counter = 0;
      do
        {
          g_autofree char *text = g_strdup_printf ("umk-make-chain key %" G_GUINT64_FORMAT " %u %u",
                                                   seed, i, counter++);
          umk_sha256 (text, strlen (text), material);
        }
      while (!umk_seckey_is_valid (material));
      memcpy (k->seckey, material, 32);
      umk_memzero (material, sizeof material);

      size_t len;
      uint8_t pub[65], xonly[32], tweak[32];
      if (!umk_seckey_get_pubkey (k->seckey, true, pub, &len) || len != 33
          || !umk_seckey_get_xonly (k->seckey, xonly))
        g_error ("key %u: cannot derive the public key", i);
      memcpy (k->pubkey, pub, 33);
      umk_hash160 (k->pubkey, 33, k->hash160);
      umk_taproot_tweak_hash (xonly, NULL, tweak);
      int parity;
      if (!umk_taproot_output_key (xonly, NULL, k->output_key, &parity)
          || !umk_seckey_tweak_xonly (k->seckey, tweak, k->tap_seckey))
        g_error ("key %u: cannot tweak", i);
    }
}

/* The virtual size a spend of this kind adds, to price it. */
static size_t
input_vbytes (CoinKind kind)
{
  switch (kind)
    {
    case KIND_P2WPKH:
      return 68;
    case KIND_P2PKH:
      return 148;
    case KIND_P2TR:
    default:
      return 58;
    }
}

static size_t
output_vbytes (CoinKind kind)
{
  return kind == KIND_P2TR ? 43 : kind == KIND_P2PKH ? 34 : 31;
}

static Coin
take_random_coin (Gen *g)
{
  guint i = rng_below (&g->rng, g->pool->len);
  Coin c = g_array_index (g->pool, Coin, i);
  g_array_index (g->pool, Coin, i) = g_array_index (g->pool, Coin, g->pool->len - 1);
  g_array_set_size (g->pool, g->pool->len - 1);
  return c;
}

/* Signs input n of tx (built without signatures: no signature message
 * covers scriptSigs or witnesses, so the unsigned transaction gives the same
 * messages) into the builder's input. */
static void
sign_input (const Gen *g, UmkTxBuilderIn *bin, const UmkTx *tx, uint32_t n, const Coin *coin,
            const UmkTxOut *spent, const UmkTxSigData *sd)
{
  const Key *k = &g->keys[coin->key];
  uint8_t hash[32], sig[73];
  size_t der_len;

  switch ((CoinKind) coin->kind)
    {
    case KIND_P2PKH:
      umk_sighash_legacy (tx, n, spent[n].script_pubkey.data, spent[n].script_pubkey.len,
                          UMK_SIGHASH_ALL, hash);
      if (!umk_ecdsa_sign (k->seckey, hash, true, sig, &der_len))
        g_error ("ECDSA signing failed");
      sig[der_len++] = UMK_SIGHASH_ALL;
      umk_script_write_push (bin->script_sig, sig, der_len);
      umk_script_write_push (bin->script_sig, k->pubkey, sizeof k->pubkey);
      break;
    case KIND_P2WPKH:
      {
        /* BIP 143: the scriptCode of P2WPKH is the P2PKH script of the hash. */
        uint8_t code[34];
        size_t code_len = write_script_pubkey (k, KIND_P2PKH, code);
        umk_sighash_witness_v0 (tx, n, code, code_len, coin->value, UMK_SIGHASH_ALL, sd, hash);
        if (!umk_ecdsa_sign (k->seckey, hash, true, sig, &der_len))
          g_error ("ECDSA signing failed");
        sig[der_len++] = UMK_SIGHASH_ALL;
        GByteArray *item = g_byte_array_new ();
        g_byte_array_append (item, sig, (guint) der_len);
        g_ptr_array_add (bin->witness, item);
        item = g_byte_array_new ();
        g_byte_array_append (item, k->pubkey, sizeof k->pubkey);
        g_ptr_array_add (bin->witness, item);
        break;
      }
    case KIND_P2TR:
    default:
      {
        UmkTaprootExec exec = { .codesep_pos = 0xffffffffu };
        if (!umk_sighash_taproot (tx, n, UMK_SIGHASH_DEFAULT, UMK_SIGVERSION_TAPROOT, sd, &exec,
                                  hash)
            || !umk_schnorr_sign (k->tap_seckey, hash, 32, NULL, sig))
          g_error ("BIP 340 signing failed");
        GByteArray *item = g_byte_array_new ();
        g_byte_array_append (item, sig, 64);
        g_ptr_array_add (bin->witness, item);
        break;
      }
    }
}

/* With --check: every input verifies under the block's script flags. */
static void
verify_inputs (const UmkTx *tx, const UmkTxOut *spent, UmkScriptFlags flags)
{
  UmkTxSigData sd;
  umk_tx_sigdata_init (&sd, tx, spent, false);
  for (uint32_t i = 0; i < tx->n_in; i++)
    {
      UmkScriptError err;
      if (!umk_verify_input (tx, i, &spent[i], flags, &sd, &err))
        g_error ("input %u of a generated transaction does not verify (error %d)", i, (int) err);
    }
}

/* A spending transaction between choosing its coins (on the main thread, in
 * the seed's order) and being signed (on any thread). */
typedef struct
{
  const Gen *g;
  UmkTxBuilder *builder;
  guint n_in;
  Coin coins[3];
  Coin outs[2];
  int64_t fee;
  UmkScriptFlags flags;
  UmkTx *tx; /* the signed transaction */
} Spend;

static void
spend_clear (Spend *s)
{
  g_clear_pointer (&s->builder, umk_tx_builder_free);
  g_clear_pointer (&s->tx, umk_tx_unref);
}

/* Chooses 1–3 inputs and 2 outputs; remaining counts this transaction and
 * those still to come in the block, which each need at least one coin. */
static void
plan_spend (Gen *g, guint remaining, UmkScriptFlags flags, Spend *s)
{
  memset (s, 0, sizeof *s);
  s->g = g;
  s->flags = flags;
  uint32_t pick = rng_below (&g->rng, 100);
  s->n_in = pick < 40 ? 1 : pick < 75 ? 2 : 3;
  s->n_in = MIN (s->n_in, g->pool->len - (remaining - 1));
  s->n_in = MAX (s->n_in, 1);

  int64_t total = 0;
  size_t vsize = 11;
  UmkTxBuilder *b = s->builder = umk_tx_builder_new ();
  b->version = 2;
  b->lock_time = 0;
  for (guint i = 0; i < s->n_in; i++)
    {
      s->coins[i] = take_random_coin (g);
      total += s->coins[i].value;
      vsize += input_vbytes (s->coins[i].kind);
      /* nSequence of a wallet that signals RBF */
      umk_tx_builder_add_input (b, &s->coins[i].outpoint, 0xfffffffdu);
    }

  for (int o = 0; o < 2; o++)
    {
      s->outs[o].kind = (uint8_t) rng_below (&g->rng, N_KINDS);
      s->outs[o].key = (uint16_t) rng_below (&g->rng, N_KEYS);
      vsize += output_vbytes (s->outs[o].kind);
    }
  /* 1–5 sat/vB, but never more than a quarter of the inputs: coins do not
   * run dry when late, small ones are spent. */
  s->fee = (int64_t) vsize * (1 + rng_below (&g->rng, 5));
  s->fee = MIN (s->fee, total / 4);
  int64_t send = total - s->fee;
  s->outs[0].value = send * (20 + rng_below (&g->rng, 61)) / 100;
  s->outs[1].value = send - s->outs[0].value;
  for (int o = 0; o < 2; o++)
    {
      uint8_t spk[34];
      size_t len = write_script_pubkey (&g->keys[s->outs[o].key], s->outs[o].kind, spk);
      umk_tx_builder_add_output (b, s->outs[o].value, spk, len);
    }
}

/* Signs a planned spend (a thread pool's function: signing is nearly all of
 * the time this program takes, and spends of one block are independent). */
static void
sign_spend (gpointer data, gpointer user_data)
{
  Spend *s = data;
  const Gen *g = s->g;
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkTx) unsigned_tx = umk_tx_builder_finish (s->builder, &error);
  if (unsigned_tx == NULL)
    g_error ("unsigned transaction: %s", error->message);

  uint8_t spk[3][34];
  UmkTxOut spent[3];
  for (guint i = 0; i < s->n_in; i++)
    {
      spent[i].value = s->coins[i].value;
      spent[i].script_pubkey.data = spk[i];
      spent[i].script_pubkey.len
          = write_script_pubkey (&g->keys[s->coins[i].key], s->coins[i].kind, spk[i]);
    }
  UmkTxSigData sd;
  umk_tx_sigdata_init (&sd, unsigned_tx, spent, true);
  for (guint i = 0; i < s->n_in; i++)
    sign_input (g, &g_array_index (s->builder->in, UmkTxBuilderIn, i), unsigned_tx, i, &s->coins[i],
                spent, &sd);

  s->tx = umk_tx_builder_finish (s->builder, &error);
  if (s->tx == NULL)
    g_error ("signed transaction: %s", error->message);
  if (g->check)
    verify_inputs (s->tx, spent, s->flags);

  WaitGroup *wg = user_data;
  g_mutex_lock (&wg->lock);
  if (--wg->pending == 0)
    g_cond_signal (&wg->done);
  g_mutex_unlock (&wg->lock);
}

/* The coinbase as Core v31's miner makes it (height push then OP_0, sequence
 * non-final, lock time height - 1, the witness commitment last), with the
 * reward split into many outputs so later blocks have coins to spend. */
static UmkTx *
make_coinbase (Gen *g, int height, int64_t reward, const UmkUint256 *witness_root)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  b->lock_time = (uint32_t) (height - 1);
  UmkOutPoint null = { .n = UINT32_MAX };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &null, 0xfffffffeu);
  umk_script_write_int (in->script_sig, height);
  umk_write_u8 (in->script_sig, UMK_OP_0);
  static const uint8_t reserved[32] = { 0 };
  GByteArray *item = g_byte_array_new ();
  g_byte_array_append (item, reserved, sizeof reserved);
  g_ptr_array_add (in->witness, item);

  int64_t n_out = COINBASE_OUTPUTS;
  if (reward / n_out < MIN_COINBASE_SPLIT)
    n_out = MAX (1, reward / MIN_COINBASE_SPLIT);
  Coin outs[COINBASE_OUTPUTS];
  for (int64_t o = 0; o < n_out; o++)
    {
      Coin *c = &outs[o];
      c->kind = (uint8_t) rng_below (&g->rng, N_KINDS);
      c->key = (uint16_t) rng_below (&g->rng, N_KEYS);
      c->value = reward / n_out + (o == n_out - 1 ? reward % n_out : 0);
      uint8_t spk[34];
      size_t len = write_script_pubkey (&g->keys[c->key], c->kind, spk);
      umk_tx_builder_add_output (b, c->value, spk, len);
    }

  /* BIP 141: OP_RETURN, push of 36 bytes: aa21a9ed, then
   * SHA256d(witness merkle root || reserved value). */
  uint8_t commit[38] = { UMK_OP_RETURN, 0x24, 0xaa, 0x21, 0xa9, 0xed };
  uint8_t pre[64];
  memcpy (pre, witness_root->b, 32);
  memcpy (pre + 32, reserved, 32);
  umk_sha256d (pre, sizeof pre, commit + 6);
  umk_tx_builder_add_output (b, 0, commit, sizeof commit);

  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  if (tx == NULL)
    g_error ("coinbase: %s", error->message);
  for (int64_t o = 0; o < n_out; o++)
    {
      ImmatureCoin ic = { .height = height, .coin = outs[o] };
      ic.coin.outpoint.hash = tx->txid;
      ic.coin.outpoint.n = (uint32_t) o;
      g_array_append_val (g->immature, ic);
      g->n_out[outs[o].kind]++;
    }
  return tx;
}

static void
check_block (Gen *g, GBytes *bytes, const UmkBlockIndex *prev)
{
  const UmkConsensusParams *cp = &g->params->consensus;
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
  if (block == NULL)
    g_error ("block %d does not parse: %s", prev->height + 1, error->message);
  UmkBlockValidationState state = { 0 };
  if (!umk_check_block (block, cp, true, true, &state)
      || !umk_contextual_check_block_header (&block->header, prev, cp, g->now, &state)
      || !umk_contextual_check_block (block, prev, cp, &state))
    g_error ("block %d: %s (%s)", prev->height + 1, state.reject_reason, state.debug_message);
}

/* Builds, solves and writes the block at height. */
static void
make_block (Gen *g, int height, guint txs_per_block, int64_t start_time, FILE *out)
{
  const UmkConsensusParams *cp = &g->params->consensus;
  UmkBlockIndex *prev = &g->index[height - 1];
  UmkBlockIndex *index = &g->index[height];

  /* Coinbases COINBASE_MATURITY blocks back become spendable here. */
  while (g->immature_next < g->immature->len)
    {
      ImmatureCoin *ic = &g_array_index (g->immature, ImmatureCoin, g->immature_next);
      if (height - ic->height < COINBASE_MATURITY)
        break;
      g_array_append_val (g->pool, ic->coin);
      g->immature_next++;
    }

  UmkBlockHeader header = {
    .version = BLOCK_VERSION,
    .prev_block = prev->hash,
    .time = (uint32_t) (start_time + (int64_t) height * BLOCK_SPACING),
  };
  header.bits = umk_pow_next_work_required (prev, header.time, cp);

  /* The script flags depend on the block's height (and, for a few historic
   * mainnet blocks, hash): an index entry with the height is enough. */
  UmkScriptFlags flags = 0;
  if (g->check)
    {
      index->prev = prev;
      index->height = height;
      flags = umk_block_script_flags (index, cp);
    }

  g_autoptr (GPtrArray) txs = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_tx_unref);
  g_ptr_array_add (txs, NULL); /* the coinbase, made last */
  int64_t fees = 0;
  guint n_spend = MIN (txs_per_block, g->pool->len);
  size_t weight = 0;
  g_autofree Spend *spends = g_new (Spend, n_spend);
  for (guint i = 0; i < n_spend; i++)
    plan_spend (g, n_spend - i, flags, &spends[i]);
  g->wg.pending = n_spend;
  for (guint i = 0; i < n_spend; i++)
    g_thread_pool_push (g->signers, &spends[i], NULL);
  g_mutex_lock (&g->wg.lock);
  while (g->wg.pending > 0)
    g_cond_wait (&g->wg.done, &g->wg.lock);
  g_mutex_unlock (&g->wg.lock);
  for (guint i = 0; i < n_spend; i++)
    {
      Spend *s = &spends[i];
      for (guint k = 0; k < s->n_in; k++)
        g->n_in[s->coins[k].kind]++;
      for (uint32_t o = 0; o < 2; o++)
        {
          s->outs[o].outpoint.hash = s->tx->txid;
          s->outs[o].outpoint.n = o;
          g_array_append_val (g->fresh, s->outs[o]);
          g->n_out[s->outs[o].kind]++;
        }
      fees += s->fee;
      weight += umk_tx_weight (s->tx);
      g_ptr_array_add (txs, umk_tx_ref (s->tx));
      spend_clear (s);
    }
  if (weight > UMK_MAX_BLOCK_WEIGHT - 40000)
    g_error ("block %d would be too heavy (%zu): use fewer transactions per block", height, weight);

  g_autofree UmkUint256 *leaves = g_new0 (UmkUint256, txs->len);
  for (guint i = 1; i < txs->len; i++)
    leaves[i] = ((UmkTx *) txs->pdata[i])->wtxid;
  UmkUint256 witness_root;
  umk_merkle_root (leaves, txs->len, &witness_root, NULL);
  txs->pdata[0] = make_coinbase (g, height, umk_block_subsidy (height, cp) + fees, &witness_root);
  for (guint i = 0; i < txs->len; i++)
    leaves[i] = ((UmkTx *) txs->pdata[i])->txid;
  umk_merkle_root (leaves, txs->len, &header.merkle_root, NULL);

  UmkUint256 hash;
  for (;; header.nonce++)
    {
      umk_block_header_hash (&header, &hash);
      if (umk_pow_check (&hash, header.bits, cp))
        break;
    }

  g_autoptr (GByteArray) w = g_byte_array_sized_new (80 + txs->len * 300);
  umk_write_bytes (w, g->params->message_start, 4);
  umk_write_u32le (w, 0); /* size, filled in below */
  umk_block_header_write (&header, w);
  umk_write_compact_size (w, txs->len);
  for (guint i = 0; i < txs->len; i++)
    {
      const UmkTx *tx = txs->pdata[i];
      umk_write_bytes (w, tx->raw.data, tx->raw.len);
    }
  uint32_t size = w->len - 8;
  umk_store_u32le (w->data + 4, size);
  weight += umk_tx_weight (txs->pdata[0])
            + (UMK_BLOCK_HEADER_SIZE + umk_compact_size_len (txs->len)) * UMK_WITNESS_SCALE_FACTOR;
  g->max_weight = MAX (g->max_weight, weight);

  umk_block_index_set_header (index, &header, &hash);
  umk_block_index_link (index, prev);
  if (g->check)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (w->data + 8, size);
      check_block (g, bytes, prev);
    }

  if (fwrite (w->data, 1, w->len, out) != w->len)
    g_error ("write: %s", g_strerror (errno));
  g->bytes += w->len;
  g->n_tx += txs->len;

  /* This block's outputs can be spent from the next one on. */
  g_array_append_vals (g->pool, g->fresh->data, g->fresh->len);
  g_array_set_size (g->fresh, 0);
}

int
main (int argc, char **argv)
{
  gint blocks = 2000;
  gint txs_per_block = 55;
  gint64 seed = 1;
  gint64 start_time = 0;
  gboolean check = FALSE;
  g_autofree char *out_path = NULL;
  GOptionEntry entries[] = {
    { "blocks", 0, 0, G_OPTION_ARG_INT, &blocks, "Blocks after genesis (default 2000)", "N" },
    { "txs-per-block", 0, 0, G_OPTION_ARG_INT, &txs_per_block,
      "Spending transactions per block once coins have matured (default 55)", "M" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_path, "Block file to write (default chain.dat)",
      "FILE" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of keys and choices (default 1)", "S" },
    { "start-time", 0, 0, G_OPTION_ARG_INT64, &start_time,
      "Time of block 0 + 600·height (default: a day boundary about N·600 s ago)", "T" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check,
      "Check each block and input with the library's consensus code (slower)", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- write a regtest chain for -loadblock");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (blocks < 1 || txs_per_block < 0)
    {
      g_printerr ("--blocks must be at least 1 and --txs-per-block not negative\n");
      return 2;
    }
  if (out_path == NULL)
    out_path = g_strdup ("chain.dat");

  g_autoptr (UmkChainParams) params = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  if (params == NULL)
    g_error ("regtest parameters: %s", error->message);
  int64_t now = g_get_real_time () / G_USEC_PER_SEC;
  if (start_time == 0)
    start_time = (now - (int64_t) (blocks + 1) * BLOCK_SPACING) / 86400 * 86400;
  if (start_time <= (int64_t) params->genesis->header.time)
    {
      g_printerr ("--start-time must be after the genesis block's time (%u)\n",
                  params->genesis->header.time);
      return 2;
    }
  FILE *out = fopen (out_path, "wb");
  if (out == NULL)
    {
      g_printerr ("%s: %s\n", out_path, g_strerror (errno));
      return 1;
    }

  Gen g = { .params = params, .rng.s = (uint64_t) seed, .check = check, .now = now };
  g.pool = g_array_new (FALSE, FALSE, sizeof (Coin));
  g.fresh = g_array_new (FALSE, FALSE, sizeof (Coin));
  g.immature = g_array_new (FALSE, FALSE, sizeof (ImmatureCoin));
  g.index = g_new0 (UmkBlockIndex, (gsize) blocks + 1);
  umk_block_index_set_header (&g.index[0], &params->genesis->header, &params->genesis->hash);
  umk_block_index_link (&g.index[0], NULL);
  make_keys (&g, (uint64_t) seed);
  g_mutex_init (&g.wg.lock);
  g_cond_init (&g.wg.done);
  g.signers = g_thread_pool_new (sign_spend, &g.wg, (gint) g_get_num_processors (), FALSE, &error);
  if (g.signers == NULL)
    g_error ("thread pool: %s", error->message);

  gint64 t0 = g_get_monotonic_time ();
  for (int h = 1; h <= blocks; h++)
    make_block (&g, h, (guint) txs_per_block, start_time, out);
  if (fclose (out) != 0)
    g_error ("%s: %s", out_path, g_strerror (errno));
  double secs = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;

  char tip[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&g.index[blocks].hash, tip);
  uint64_t n_in = g.n_in[0] + g.n_in[1] + g.n_in[2];
  uint64_t utxos = g.pool->len + (g.immature->len - g.immature_next);
  g_print ("wrote %s: %d blocks (tip %s, height %d), %" G_GUINT64_FORMAT
           " transactions, %" G_GUINT64_FORMAT " bytes, in %.1f s\n",
           out_path, blocks, tip, blocks, g.n_tx, g.bytes, secs);
  g_print ("inputs spent: %" G_GUINT64_FORMAT, n_in);
  for (int k = 0; k < N_KINDS; k++)
    g_print (" %s %" G_GUINT64_FORMAT, kind_names[k], g.n_in[k]);
  g_print ("\noutputs made: ");
  for (int k = 0; k < N_KINDS; k++)
    g_print ("%s%s %" G_GUINT64_FORMAT, k ? " " : "", kind_names[k], g.n_out[k]);
  g_print ("\nUTXOs at the tip: %" G_GUINT64_FORMAT " (plus %d commitment outputs, unspendable)"
           "; heaviest block %zu WU; start time %" G_GINT64_FORMAT "\n",
           utxos, blocks, g.max_weight, start_time);

  g_thread_pool_free (g.signers, FALSE, TRUE);
  g_mutex_clear (&g.wg.lock);
  g_cond_clear (&g.wg.done);
  g_array_unref (g.pool);
  g_array_unref (g.fresh);
  g_array_unref (g.immature);
  g_free (g.index);
  umk_memzero (g.keys, sizeof g.keys);
  return 0;
}
