/* Tests for the block rules: the five genesis blocks, regtest blocks built
 * and mined here and then broken one rule at a time (each of Core's reject
 * reasons and debug messages), the contextual header and block checks on
 * synthetic chains, Core's subsidy tests, script flags, BIP 30, signet block
 * solutions (with a real signature), and — when the test chain made by Umkoin
 * Core is at hand — every block of that chain run through all the checks and
 * connected against an in-memory UTXO set. */
#include "config.h"

#include "common/block-check.h"
#include "common/chainparams.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/pow.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/sighash.h"
#include "common/tx-check.h"
#include "common/tx-verify.h"
#include "common/versionbits.h"
#include "test-util.h"

#include <limits.h>
#include <string.h>

static UmkChainParams *
params_for (UmkChain chain)
{
  g_autoptr (GError) error = NULL;
  UmkChainParams *p = umk_chain_params_new (chain, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

/* ---- building transactions and blocks ---- */

static UmkTx *
finish (UmkTxBuilder *b)
{
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  return tx;
}

/* The BIP 141 commitment hash for a block whose non-coinbase transactions are
 * others, with a zero reserved value. */
static void
witness_commitment (UmkTx *const *others, size_t n, uint8_t out[32])
{
  g_autofree UmkUint256 *leaves = g_new0 (UmkUint256, n + 1);
  for (size_t i = 0; i < n; i++)
    leaves[i + 1] = others[i]->wtxid;
  UmkUint256 root;
  umk_merkle_root (leaves, n + 1, &root, NULL);
  uint8_t buf[64] = { 0 };
  memcpy (buf, root.b, 32);
  umk_sha256d (buf, 64, out);
}

/* A coinbase for height paying value, as Core's miner writes it (height,
 * OP_0); with commitment, a witness commitment output and the zero reserved
 * value as its witness. extra_spk adds an output before the commitment. */
static UmkTx *
coinbase (int height, int64_t value, const uint8_t *commitment, const GByteArray *extra_spk)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  UmkOutPoint null = { .n = UINT32_MAX };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &null, UMK_SEQUENCE_FINAL);
  umk_script_write_int (in->script_sig, height);
  umk_write_u8 (in->script_sig, UMK_OP_0);
  const uint8_t op_true = UMK_OP_1;
  umk_tx_builder_add_output (b, value, &op_true, 1);
  if (extra_spk != NULL)
    umk_tx_builder_add_output (b, 0, extra_spk->data, extra_spk->len);
  if (commitment != NULL)
    {
      uint8_t spk[38] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
      memcpy (spk + 6, commitment, 32);
      umk_tx_builder_add_output (b, 0, spk, sizeof spk);
      GByteArray *nonce = g_byte_array_new ();
      g_byte_array_set_size (nonce, 32);
      memset (nonce->data, 0, 32);
      g_ptr_array_add (in->witness, nonce);
    }
  return finish (b);
}

/* A transaction spending (hash byte, n) with an OP_TRUE output. With
 * witness_len, one witness item of that many bytes. */
static UmkTx *
spend (uint8_t hash_byte, uint32_t n, int64_t value, uint32_t lock_time, uint32_t sequence,
       size_t witness_len)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  b->lock_time = lock_time;
  UmkOutPoint prev = { .n = n };
  memset (prev.hash.b, hash_byte, 32);
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prev, sequence);
  if (witness_len > 0)
    {
      GByteArray *item = g_byte_array_new ();
      g_byte_array_set_size (item, (guint) witness_len);
      memset (item->data, 0x42, witness_len);
      g_ptr_array_add (in->witness, item);
    }
  const uint8_t op_true = UMK_OP_1;
  umk_tx_builder_add_output (b, value, &op_true, 1);
  return finish (b);
}

typedef struct
{
  int32_t version;
  UmkUint256 prev;
  uint32_t time;
  uint32_t bits;
  const UmkUint256 *merkle; /* NULL: the right one */
  int mine;                 /* 1: meet the target, -1: miss it, 0: nonce 0 */
} HeaderSpec;

static UmkBlock *
assemble (const HeaderSpec *spec, UmkTx *const *txs, size_t n, const UmkConsensusParams *params)
{
  UmkBlockHeader h = {
    .version = spec->version,
    .prev_block = spec->prev,
    .time = spec->time,
    .bits = spec->bits,
  };
  if (spec->merkle != NULL)
    h.merkle_root = *spec->merkle;
  else
    {
      g_autofree UmkUint256 *leaves = g_new (UmkUint256, n + 1);
      for (size_t i = 0; i < n; i++)
        leaves[i] = txs[i]->txid;
      umk_merkle_root (leaves, n, &h.merkle_root, NULL);
    }
  for (;;)
    {
      UmkUint256 hash;
      umk_block_header_hash (&h, &hash);
      bool ok = umk_pow_check (&hash, h.bits, params);
      if (spec->mine == 0 || (spec->mine > 0) == ok)
        break;
      h.nonce++;
    }
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_block_header_write (&h, w);
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    umk_write_bytes (w, txs[i]->raw.data, txs[i]->raw.len);
  g_autoptr (GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&w));
  g_autoptr (GError) error = NULL;
  UmkBlock *block = umk_block_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  return block;
}

/* A chain of n index entries, spacing seconds apart from time0. */
static UmkBlockIndex *
make_chain (int n, uint32_t time0, uint32_t spacing, uint32_t bits, int32_t version)
{
  UmkBlockIndex *blocks = g_new0 (UmkBlockIndex, n);
  for (int i = 0; i < n; i++)
    {
      blocks[i].time = time0 + (uint32_t) i * spacing;
      blocks[i].bits = bits;
      blocks[i].version = version;
      memcpy (blocks[i].hash.b, &i, sizeof i);
      blocks[i].hash.b[31] = 0x77;
      umk_block_index_link (&blocks[i], i > 0 ? &blocks[i - 1] : NULL);
    }
  return blocks;
}

static void
free_txs (UmkTx **txs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    g_clear_pointer (&txs[i], umk_tx_unref);
}

#define ASSERT_STATE(st, res, reason, debug)             \
  G_STMT_START                                           \
  {                                                      \
    g_assert_true (umk_block_state_is_invalid (st));     \
    g_assert_cmpint ((st)->result, ==, (res));           \
    g_assert_cmpstr ((st)->reject_reason, ==, (reason)); \
    g_assert_cmpstr ((st)->debug_message, ==, (debug));  \
  }                                                      \
  G_STMT_END

/* ---- genesis ---- */

static void
test_genesis (void)
{
  for (UmkChain chain = UMK_CHAIN_MAIN; chain <= UMK_CHAIN_REGTEST; chain++)
    {
      g_autoptr (UmkChainParams) p = params_for (chain);
      UmkBlockValidationState st = { 0 };
      g_assert_true (umk_check_block (p->genesis, &p->consensus, true, true, &st));
      g_assert_true (umk_block_state_is_valid (&st));
      g_assert_false (umk_block_is_mutated (p->genesis, true));
      g_assert_true (umk_check_block_header (&p->genesis->header, &p->genesis->hash, &p->consensus,
                                             true, &st));
      if (p->consensus.signet_blocks)
        g_assert_true (umk_signet_check_block_solution (p->genesis, &p->consensus));
      g_assert_cmpint (umk_block_subsidy (0, &p->consensus), ==, 50 * UMK_COIN);
    }
}

/* ---- CheckBlock ---- */

static void
test_check_block (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  const UmkConsensusParams *c = &reg->consensus;
  HeaderSpec hs = { .version = 0x20000000,
                    .prev = reg->genesis->hash,
                    .time = 1700000000,
                    .bits = 0x207fffff,
                    .mine = 1 };
  UmkBlockValidationState st = { 0 };
  UmkTx *txs[4] = { 0 };

  /* a good block: coinbase with commitment and a witness spend */
  txs[1] = spend (0x11, 0, 1000, 0, UMK_SEQUENCE_FINAL, 10);
  uint8_t com[32];
  witness_commitment (&txs[1], 1, com);
  txs[0] = coinbase (1, 50 * UMK_COIN, com, NULL);
  {
    g_autoptr (UmkBlock) b = assemble (&hs, txs, 2, c);
    g_assert_true (umk_check_block (b, c, true, true, &st));
    g_assert_false (umk_block_is_mutated (b, true));
  }

  /* high-hash */
  {
    HeaderSpec miss = hs;
    miss.mine = -1;
    g_autoptr (UmkBlock) b = assemble (&miss, txs, 2, c);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_INVALID_HEADER, "high-hash", "proof of work failed");
    g_autofree char *s = umk_block_state_to_string (&st);
    g_assert_cmpstr (s, ==, "high-hash, proof of work failed");
    /* without the PoW check it passes */
    umk_block_state_init (&st);
    g_assert_true (umk_check_block (b, c, false, true, &st));
  }

  /* bad-txnmrklroot */
  {
    UmkUint256 wrong = { { 1 } };
    HeaderSpec h2 = hs;
    h2.merkle = &wrong;
    g_autoptr (UmkBlock) b = assemble (&h2, txs, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_MUTATED, "bad-txnmrklroot", "hashMerkleRoot mismatch");
    g_assert_true (umk_block_is_mutated (b, true));
    umk_block_state_init (&st);
    g_assert_true (umk_check_block (b, c, true, false, &st)); /* not checked */
  }

  /* bad-txns-duplicate: [cb, a, x, x] has the root of [cb, a, x] */
  {
    UmkTx *x = spend (0x12, 0, 1, 0, UMK_SEQUENCE_FINAL, 0);
    UmkTx *dup[4] = { txs[0], txs[1], x, x };
    g_autoptr (UmkBlock) b = assemble (&hs, dup, 4, c);
    g_autoptr (UmkBlock) orig = assemble (&hs, dup, 3, c);
    g_assert_true (umk_uint256_equal (&b->header.merkle_root, &orig->header.merkle_root));
    UmkBlockValidationState ost = { 0 };
    g_assert_true (umk_check_merkle_root (orig, &ost));
    umk_tx_unref (x);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_MUTATED, "bad-txns-duplicate", "duplicate transaction");
    g_assert_true (umk_block_is_mutated (b, false));
  }

  /* bad-blk-length: no transactions at all */
  {
    g_autoptr (UmkBlock) b = assemble (&hs, NULL, 0, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-length", "size limits failed");
  }

  /* bad-blk-length: over 1 MB without witness (checked before the
   * transaction's own oversize rule) */
  {
    g_autoptr (GByteArray) big = g_byte_array_new ();
    g_byte_array_set_size (big, 1000000);
    memset (big->data, UMK_OP_NOP, big->len);
    UmkTx *b1[1] = { coinbase (1, 0, NULL, big) };
    g_autoptr (UmkBlock) b = assemble (&hs, b1, 1, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-length", "size limits failed");
    free_txs (b1, 1);
  }

  /* bad-cb-missing, bad-cb-multiple */
  {
    UmkTx *nocb[2] = { txs[1], txs[0] };
    g_autoptr (UmkBlock) b = assemble (&hs, nocb, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-missing", "first tx is not coinbase");

    UmkTx *cb2 = coinbase (2, 1, NULL, NULL);
    UmkTx *two[3] = { txs[0], txs[1], cb2 };
    g_autoptr (UmkBlock) b2 = assemble (&hs, two, 3, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b2, c, true, true, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-multiple", "more than one coinbase");
    umk_tx_unref (cb2);
  }

  /* a transaction's own check: its reason, and Core's debug message */
  {
    UmkTx *neg = spend (0x22, 0, -1, 0, UMK_SEQUENCE_FINAL, 0);
    UmkTx *t3[2] = { txs[0], neg };
    g_autoptr (UmkBlock) b = assemble (&hs, t3, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b, c, true, true, &st));
    char txid[UMK_UINT256_HEX_SIZE];
    umk_uint256_to_hex_buf (&neg->txid, txid);
    g_autofree char *debug = g_strdup_printf ("Transaction check failed (tx hash %s) ", txid);
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-txns-vout-negative", debug);
    umk_tx_unref (neg);

    /* a coinbase scriptSig of one byte */
    g_autoptr (UmkTxBuilder) cbb = umk_tx_builder_new ();
    UmkOutPoint null = { .n = UINT32_MAX };
    UmkTxBuilderIn *in = umk_tx_builder_add_input (cbb, &null, 0);
    umk_write_u8 (in->script_sig, UMK_OP_1);
    umk_tx_builder_add_output (cbb, 0, NULL, 0);
    UmkTx *short_cb[1] = { finish (cbb) };
    g_autoptr (UmkBlock) b2 = assemble (&hs, short_cb, 1, c);
    umk_block_state_init (&st);
    g_assert_false (umk_check_block (b2, c, true, true, &st));
    g_assert_cmpstr (st.reject_reason, ==, "bad-cb-length");
    free_txs (short_cb, 1);
  }

  /* bad-blk-sigops: 20000 legacy sigops pass, 20001 do not */
  for (int extra = 0; extra <= 1; extra++)
    {
      g_autoptr (GByteArray) ops = g_byte_array_new ();
      g_byte_array_set_size (ops, 20000 + extra - 1);
      memset (ops->data, UMK_OP_CHECKSIG, ops->len);
      /* the coinbase's OP_TRUE output has none; the spend's one is in ops */
      UmkTx *s[2] = { coinbase (1, 0, NULL, ops), spend (0x33, 0, 1, 0, 0, 0) };
      g_autoptr (GByteArray) more = g_byte_array_new ();
      umk_write_u8 (more, UMK_OP_CHECKSIG);
      UmkTx *s3[3] = { s[0], s[1], NULL };
      g_autoptr (UmkTxBuilder) tb = umk_tx_builder_new ();
      UmkOutPoint prev = { .n = 0 };
      memset (prev.hash.b, 0x44, 32);
      umk_tx_builder_add_input (tb, &prev, 0);
      umk_tx_builder_add_output (tb, 1, more->data, more->len);
      s3[2] = finish (tb);
      g_autoptr (UmkBlock) b = assemble (&hs, s3, 3, c);
      umk_block_state_init (&st);
      if (extra == 0)
        g_assert_true (umk_check_block (b, c, true, true, &st));
      else
        {
          g_assert_false (umk_check_block (b, c, true, true, &st));
          ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-sigops",
                        "out-of-bounds SigOpCount");
        }
      free_txs (s3, 3);
    }

  free_txs (txs, 2);
}

static void
test_mutated (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  const UmkConsensusParams *c = &reg->consensus;
  HeaderSpec hs = {
    .version = 4, .prev = reg->genesis->hash, .time = 1700000000, .bits = 0x207fffff, .mine = 0
  };

  /* A 64-byte transaction in a block without coinbase: mutated. */
  g_autoptr (UmkTxBuilder) b64 = umk_tx_builder_new ();
  UmkOutPoint prev = { .n = 1 };
  memset (prev.hash.b, 0x55, 32);
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b64, &prev, 0);
  umk_write_bytes (in->script_sig, "abcd", 4);
  umk_tx_builder_add_output (b64, 0, NULL, 0);
  UmkTx *t64[1] = { finish (b64) };
  g_assert_cmpuint (t64[0]->stripped_size, ==, 64);
  {
    g_autoptr (UmkBlock) b = assemble (&hs, t64, 1, c);
    g_assert_true (umk_block_is_mutated (b, false));
  }
  /* 65 bytes: not */
  UmkTx *t65[1] = { spend (0x55, 1, 0, 0, 0, 0) };
  g_assert_cmpuint (t65[0]->stripped_size, !=, 64);
  {
    g_autoptr (UmkBlock) b = assemble (&hs, t65, 1, c);
    g_assert_false (umk_block_is_mutated (b, false));
  }
  /* a witness without commitment */
  UmkTx *w[2] = { coinbase (1, 0, NULL, NULL), spend (0x66, 0, 0, 0, 0, 3) };
  {
    g_autoptr (UmkBlock) b = assemble (&hs, w, 2, c);
    g_assert_true (umk_block_is_mutated (b, true));
    g_assert_true (umk_block_is_mutated (b, false));
  }
  free_txs (t64, 1);
  free_txs (t65, 1);
  free_txs (w, 2);
}

/* ---- contextual header checks ---- */

static void
test_contextual_header (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  g_autofree UmkBlockIndex *chain = make_chain (100, 1600000000, 600, 0x1d00ffff, 4);
  UmkBlockIndex *prev = &chain[99];
  const int64_t now = prev->time + 600;
  UmkBlockHeader h
      = { .version = 4, .prev_block = prev->hash, .time = prev->time + 600, .bits = 0x1d00ffff };
  UmkBlockValidationState st = { 0 };
  g_assert_true (umk_contextual_check_block_header (&h, prev, c, now, &st));

  UmkBlockHeader bad = h;
  bad.bits = 0x1c00ffff;
  g_assert_false (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  ASSERT_STATE (&st, UMK_BLOCK_RESULT_INVALID_HEADER, "bad-diffbits", "incorrect proof of work");

  /* time must exceed the median of the last 11 (block 94's time) */
  bad = h;
  bad.time = chain[94].time;
  umk_block_state_init (&st);
  g_assert_false (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  ASSERT_STATE (&st, UMK_BLOCK_RESULT_INVALID_HEADER, "time-too-old",
                "block's timestamp is too early");
  bad.time = chain[94].time + 1;
  umk_block_state_init (&st);
  g_assert_true (umk_contextual_check_block_header (&bad, prev, c, now, &st));

  /* at most two hours ahead of now */
  bad = h;
  bad.time = (uint32_t) (now + 2 * 60 * 60);
  g_assert_true (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  bad.time++;
  g_assert_false (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  ASSERT_STATE (&st, UMK_BLOCK_RESULT_TIME_FUTURE, "time-too-new",
                "block timestamp too far in the future");

  /* versions below 4 are obsolete once BIP 65 is (on Umkoin main: always) */
  for (int32_t v = -1; v <= 4; v++)
    {
      bad = h;
      bad.version = v;
      umk_block_state_init (&st);
      bool ok = umk_contextual_check_block_header (&bad, prev, c, now, &st);
      g_assert_cmpint (ok, ==, v >= 4);
      if (!ok)
        {
          g_autofree char *reason = g_strdup_printf ("bad-version(0x%08x)", (unsigned) v);
          g_autofree char *debug = g_strdup_printf ("rejected nVersion=0x%08x block", (unsigned) v);
          ASSERT_STATE (&st, UMK_BLOCK_RESULT_INVALID_HEADER, reason, debug);
        }
    }
  bad.version = 3;
  g_assert_false (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  g_assert_cmpstr (st.reject_reason, ==, "bad-version(0x00000003)");
  bad.version = INT32_MIN;
  umk_block_state_init (&st);
  g_assert_false (umk_contextual_check_block_header (&bad, prev, c, now, &st));
  g_assert_cmpstr (st.reject_reason, ==, "bad-version(0x80000000)");

  /* On a chain whose buried heights are later, old versions pass before them. */
  UmkConsensusParams late = *c;
  late.bip34_height = 1000;
  late.bip66_height = 1000;
  late.bip65_height = 101;
  bad = h;
  bad.version = 3;
  umk_block_state_init (&st);
  g_assert_true (umk_contextual_check_block_header (&bad, prev, &late, now, &st));
  late.bip65_height = 100;
  g_assert_false (umk_contextual_check_block_header (&bad, prev, &late, now, &st));
  bad.version = 1;
  late.bip65_height = 1000;
  late.bip66_height = 1000;
  umk_block_state_init (&st);
  g_assert_true (umk_contextual_check_block_header (&bad, prev, &late, now, &st));
  late.bip34_height = 100;
  g_assert_false (umk_contextual_check_block_header (&bad, prev, &late, now, &st));
  g_assert_cmpstr (st.reject_reason, ==, "bad-version(0x00000001)");
}

static void
test_timewarp (void)
{
  g_autoptr (UmkChainParams) t4 = params_for (UMK_CHAIN_TESTNET4);
  const UmkConsensusParams *c = &t4->consensus;
  /* heights 0..71: the next block (72) starts a period */
  g_autofree UmkBlockIndex *chain = make_chain (72, 1714777860, 600, 0x1d00ffff, 0x20000000);
  UmkBlockIndex *prev = &chain[71];
  UmkBlockHeader h = { .version = 0x20000000, .prev_block = prev->hash };
  UmkBlockValidationState st = { 0 };
  const int64_t now = prev->time + 100000;

  /* 600 s earlier than its parent is still allowed, 601 not */
  h.time = prev->time - UMK_MAX_TIMEWARP;
  h.bits = umk_pow_next_work_required (prev, h.time, c);
  g_assert_true (umk_contextual_check_block_header (&h, prev, c, now, &st));
  h.time--;
  h.bits = umk_pow_next_work_required (prev, h.time, c);
  g_assert_false (umk_contextual_check_block_header (&h, prev, c, now, &st));
  ASSERT_STATE (&st, UMK_BLOCK_RESULT_INVALID_HEADER, "time-timewarp-attack",
                "block's timestamp is too early on diff adjustment block");

  /* not a period start: no such rule */
  UmkBlockHeader h2 = { .version = 0x20000000, .prev_block = chain[70].hash };
  h2.time = chain[70].time - 601;
  h2.bits = umk_pow_next_work_required (&chain[70], h2.time, c);
  umk_block_state_init (&st);
  g_assert_true (umk_contextual_check_block_header (&h2, &chain[70], c, now, &st));

  /* testnet3 does not enforce BIP 94 */
  g_autoptr (UmkChainParams) t3 = params_for (UMK_CHAIN_TEST);
  g_autofree UmkBlockIndex *c3 = make_chain (144, 1714777860, 600, 0x1d00ffff, 0x20000000);
  UmkBlockHeader h3 = { .version = 0x20000000, .prev_block = c3[143].hash };
  h3.time = c3[143].time - 601;
  h3.bits = umk_pow_next_work_required (&c3[143], h3.time, &t3->consensus);
  g_assert_true (umk_contextual_check_block_header (&h3, &c3[143], &t3->consensus, now, &st));
}

/* ---- contextual block checks ---- */

static void
test_contextual_block (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  const UmkConsensusParams *c = &reg->consensus;
  /* regtest: BIP 34, CSV from height 1, segwit from 0 */
  g_autofree UmkBlockIndex *chain = make_chain (20, 1700000000, 600, 0x207fffff, 4);
  UmkBlockIndex *prev = &chain[19]; /* the block under test is at height 20 */
  const int64_t mtp = umk_block_index_median_time_past (prev);
  g_assert_cmpint (mtp, ==, chain[14].time);
  HeaderSpec hs = {
    .version = 4, .prev = prev->hash, .time = prev->time + 600, .bits = 0x207fffff, .mine = 0
  };
  UmkBlockValidationState st = { 0 };

  /* good: height 20 in the coinbase, commitment, a witness spend */
  UmkTx *txs[2] = { NULL, spend (0x11, 0, 1000, 0, UMK_SEQUENCE_FINAL, 10) };
  uint8_t com[32];
  witness_commitment (&txs[1], 1, com);
  txs[0] = coinbase (20, 0, com, NULL);
  {
    g_autoptr (UmkBlock) b = assemble (&hs, txs, 2, c);
    g_assert_true (umk_check_block (b, c, false, true, &st));
    g_assert_true (umk_contextual_check_block (b, prev, c, &st));
  }

  /* bad-cb-height: the coinbase says 21 */
  {
    UmkTx *wrong[2] = { coinbase (21, 0, com, NULL), txs[1] };
    g_autoptr (UmkBlock) b = assemble (&hs, wrong, 2, c);
    g_assert_false (umk_contextual_check_block (b, prev, c, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-cb-height",
                  "block height mismatch in coinbase");
    umk_tx_unref (wrong[0]);
  }

  /* non-final: a height lock of 20 is not final at 20, 19 is */
  for (uint32_t lock = 19; lock <= 20; lock++)
    {
      UmkTx *t[2] = { coinbase (20, 0, NULL, NULL), spend (0x12, 0, 1, lock, 0, 0) };
      g_autoptr (UmkBlock) b = assemble (&hs, t, 2, c);
      umk_block_state_init (&st);
      bool ok = umk_contextual_check_block (b, prev, c, &st);
      g_assert_cmpint (ok, ==, lock == 19);
      if (!ok)
        ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-txns-nonfinal",
                      "non-final transaction");
      free_txs (t, 2);
    }

  /* BIP 113: with CSV active, a time lock compares with the median time
   * past, not the block's own time */
  {
    UmkTx *t[2] = { coinbase (20, 0, NULL, NULL), spend (0x13, 0, 1, (uint32_t) mtp, 0, 0) };
    g_autoptr (UmkBlock) b = assemble (&hs, t, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_contextual_check_block (b, prev, c, &st));
    g_assert_cmpstr (st.reject_reason, ==, "bad-txns-nonfinal");
    UmkConsensusParams no_csv = *c;
    no_csv.csv_height = 1000;
    umk_block_state_init (&st);
    g_assert_true (umk_contextual_check_block (b, prev, &no_csv, &st));
    free_txs (t, 2);
  }

  /* witness rules */
  {
    /* no commitment: the witness is unexpected */
    UmkTx *t[2] = { coinbase (20, 0, NULL, NULL), txs[1] };
    g_autoptr (UmkBlock) b = assemble (&hs, t, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_contextual_check_block (b, prev, c, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_MUTATED, "unexpected-witness",
                  "CheckWitnessMalleation : unexpected witness data found");
    umk_tx_unref (t[0]);

    /* a wrong commitment */
    uint8_t bad_com[32];
    memcpy (bad_com, com, 32);
    bad_com[0] ^= 1;
    UmkTx *t2[2] = { coinbase (20, 0, bad_com, NULL), txs[1] };
    g_autoptr (UmkBlock) b2 = assemble (&hs, t2, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_contextual_check_block (b2, prev, c, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_MUTATED, "bad-witness-merkle-match",
                  "CheckWitnessMalleation : witness merkle commitment mismatch");
    umk_tx_unref (t2[0]);

    /* the reserved value must be exactly one 32-byte item */
    g_autoptr (UmkTxBuilder) cb = umk_tx_builder_new ();
    UmkOutPoint null = { .n = UINT32_MAX };
    UmkTxBuilderIn *in = umk_tx_builder_add_input (cb, &null, UMK_SEQUENCE_FINAL);
    umk_script_write_int (in->script_sig, 20);
    umk_write_u8 (in->script_sig, UMK_OP_0);
    GByteArray *nonce = g_byte_array_new ();
    g_byte_array_set_size (nonce, 31);
    memset (nonce->data, 0, 31);
    g_ptr_array_add (in->witness, nonce);
    uint8_t spk[38] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
    memcpy (spk + 6, com, 32);
    umk_tx_builder_add_output (cb, 0, spk, sizeof spk);
    UmkTx *t3[2] = { finish (cb), txs[1] };
    g_autoptr (UmkBlock) b3 = assemble (&hs, t3, 2, c);
    umk_block_state_init (&st);
    g_assert_false (umk_contextual_check_block (b3, prev, c, &st));
    ASSERT_STATE (&st, UMK_BLOCK_RESULT_MUTATED, "bad-witness-nonce-size",
                  "CheckWitnessMalleation : invalid witness reserved value size");
    umk_tx_unref (t3[0]);

    /* before segwit a commitment does not make witnesses acceptable */
    g_autoptr (UmkBlock) b4 = assemble (&hs, txs, 2, c);
    UmkConsensusParams no_segwit = *c;
    no_segwit.segwit_height = 21;
    umk_block_state_init (&st);
    g_assert_false (umk_contextual_check_block (b4, prev, &no_segwit, &st));
    g_assert_cmpstr (st.reject_reason, ==, "unexpected-witness");
    no_segwit.segwit_height = 20;
    umk_block_state_init (&st);
    g_assert_true (umk_contextual_check_block (b4, prev, &no_segwit, &st));
  }

  /* bad-blk-weight: 900 kB without witness (weight 3.6 M) plus a committed
   * witness of 400 kB */
  for (int over = 0; over <= 1; over++)
    {
      g_autoptr (GByteArray) fill = g_byte_array_new ();
      g_byte_array_set_size (fill, 900000);
      memset (fill->data, UMK_OP_NOP, fill->len);
      UmkTx *w = spend (0x14, 0, 1, 0, 0, 1);
      /* size the witness so the weight lands exactly on the limit (+1) */
      uint8_t wcom[32];
      witness_commitment (&w, 1, wcom);
      UmkTx *cb = coinbase (20, 0, wcom, fill);
      UmkTx *probe[2] = { cb, w };
      size_t base_weight;
      {
        g_autoptr (UmkBlock) b = assemble (&hs, probe, 2, c);
        base_weight = umk_block_weight (b);
      }
      size_t want = UMK_MAX_BLOCK_WEIGHT + (size_t) over;
      /* growing the item from 1 byte to n adds n - 1 bytes, and the
       * CompactSize length from 1 byte to 5 (n > 65535) adds 4 */
      size_t n = want - base_weight + 1 - 4;
      umk_tx_unref (w);
      umk_tx_unref (cb);
      w = spend (0x14, 0, 1, 0, 0, n);
      witness_commitment (&w, 1, wcom);
      cb = coinbase (20, 0, wcom, fill);
      UmkTx *t[2] = { cb, w };
      g_autoptr (UmkBlock) b = assemble (&hs, t, 2, c);
      g_assert_cmpuint (umk_block_weight (b), ==, want);
      umk_block_state_init (&st);
      g_assert_true (umk_check_block (b, c, false, true, &st));
      bool ok = umk_contextual_check_block (b, prev, c, &st);
      g_assert_cmpint (ok, ==, !over);
      if (over)
        ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-blk-weight",
                      "ContextualCheckBlock : weight limit failed");
      free_txs (t, 2);
    }

  free_txs (txs, 2);
}

/* The BIP 34 height encodings of CScript() << height. */
static void
test_bip34_heights (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  UmkConsensusParams c = reg->consensus;
  c.bip34_height = 0; /* so that height 0 is checked too */
  c.csv_height = INT_MAX;
  static const int heights[]
      = { 0, 1, 16, 17, 127, 128, 255, 256, 32767, 32768, 8388607, 8388608, 2147483647 };
  for (size_t i = 0; i < G_N_ELEMENTS (heights); i++)
    {
      int height = heights[i];
      UmkBlockIndex prev = { 0 };
      prev.height = height - 1;
      g_autoptr (GByteArray) expect = g_byte_array_new ();
      umk_script_write_int (expect, height);
      for (int wrong = 0; wrong <= 1; wrong++)
        {
          UmkTx *t[1] = { coinbase (wrong ? height ^ 1 : height, 0, NULL, NULL) };
          HeaderSpec hs = { .version = 4, .time = 1700000000, .bits = 0x207fffff };
          g_autoptr (UmkBlock) b = assemble (&hs, t, 1, &c);
          UmkBlockValidationState st = { 0 };
          bool ok = umk_contextual_check_block (b, height > 0 ? &prev : NULL, &c, &st);
          g_assert_cmpint (ok, ==, !wrong);
          if (!wrong)
            g_assert_cmpmem (b->tx[0]->in[0].script_sig.data, expect->len, expect->data,
                             expect->len);
          free_txs (t, 1);
        }
    }
}

/* ---- subsidy, flags, BIP 30 ---- */

static void
test_subsidy (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  /* Core's subsidy_limit_test */
  int64_t sum = 0;
  for (int h = 0; h < 14000000; h += 1000)
    {
      int64_t s = umk_block_subsidy (h, c);
      g_assert_cmpint (s, <=, 50 * UMK_COIN);
      sum += s * 1000;
      g_assert_true (umk_money_range (sum));
    }
  g_assert_cmpint (sum, ==, INT64_C (2099999997690000));

  /* Core's block_subsidy_test: halvings at 210000, 150 (regtest) and 1000 */
  const int intervals[] = { 210000, 150, 1000 };
  for (size_t k = 0; k < G_N_ELEMENTS (intervals); k++)
    {
      UmkConsensusParams p = *c;
      p.subsidy_halving_interval = intervals[k];
      int64_t initial = 50 * UMK_COIN, previous = initial * 2;
      for (int halvings = 0; halvings < 64; halvings++)
        {
          int h = halvings * p.subsidy_halving_interval;
          int64_t s = umk_block_subsidy (h, &p);
          g_assert_cmpint (s, <=, initial);
          g_assert_cmpint (s, ==, previous / 2);
          previous = s;
        }
      g_assert_cmpint (umk_block_subsidy (64 * p.subsidy_halving_interval, &p), ==, 0);
    }
  g_assert_cmpint (umk_block_subsidy (209999, c), ==, 50 * UMK_COIN);
  g_assert_cmpint (umk_block_subsidy (210000, c), ==, 25 * UMK_COIN);
  g_assert_cmpint (umk_block_subsidy (INT_MAX, c), ==, 0);
}

static void
test_script_flags (void)
{
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  const UmkScriptFlags base
      = UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_TAPROOT;
  UmkBlockIndex b = { 0 };
  b.hash.b[0] = 0x99;

  /* Umkoin main: BIP 66/65 from genesis, CSV and segwit at 432 */
  b.height = 431;
  g_assert_cmphex (umk_block_script_flags (&b, c), ==,
                   base | UMK_SCRIPT_VERIFY_DERSIG | UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY);
  b.height = 432;
  const UmkScriptFlags all = base | UMK_SCRIPT_VERIFY_DERSIG | UMK_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY
                             | UMK_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | UMK_SCRIPT_VERIFY_NULLDUMMY;
  g_assert_cmphex (umk_block_script_flags (&b, c), ==, all);

  /* the two exception blocks of main replace the baseline */
  g_assert_cmpuint (c->n_script_flag_exceptions, ==, 2);
  UmkUint256 bip16, taproot;
  g_assert_true (umk_uint256_from_hex (
      &bip16, "0000000000281e753b0fc8c003269be3ad8e7af0689763840f884f302297f14a"));
  g_assert_true (umk_uint256_from_hex (
      &taproot, "0000000000006416703a4143581f958afc8325fe6e7b5fc427ff8a2a065f84da"));
  b.hash = bip16;
  g_assert_cmphex (umk_block_script_flags (&b, c), ==, all & ~base);
  b.hash = taproot;
  g_assert_cmphex (umk_block_script_flags (&b, c), ==,
                   all & ~(UmkScriptFlags) UMK_SCRIPT_VERIFY_TAPROOT);

  /* regtest: everything from height 1, NULLDUMMY from 0 (segwit at 0) */
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  UmkBlockIndex g = { 0 };
  g_assert_cmphex (umk_block_script_flags (&g, &reg->consensus), ==,
                   base | UMK_SCRIPT_VERIFY_NULLDUMMY);
  g.height = 1;
  g_assert_cmphex (umk_block_script_flags (&g, &reg->consensus), ==, all);
}

static void
test_bip30 (void)
{
  UmkBlockIndex b = { 0 };
  g_assert_true (umk_uint256_from_hex (
      &b.hash, "0000000000428ff926372c6ea99712fd7b18e3f904a3dd78283857a03ec0900d"));
  b.height = 91842;
  g_assert_true (umk_is_bip30_repeat (&b));
  b.height = 91843;
  g_assert_false (umk_is_bip30_repeat (&b));
  g_assert_true (umk_uint256_from_hex (
      &b.hash, "000000000024d0f4c29f736bd6d1ea4c44d0cd5c1439f18ca69f144eef28af3f"));
  b.height = 91880;
  g_assert_true (umk_is_bip30_repeat (&b));
  b.hash.b[0] ^= 1;
  g_assert_false (umk_is_bip30_repeat (&b));

  UmkUint256 h;
  g_assert_true (umk_uint256_from_hex (
      &h, "000000000020b729598284afb9ae56a533511bb58ca4fd1ef2bb0a6066150464"));
  g_assert_true (umk_is_bip30_unspendable (&h, 91722));
  g_assert_false (umk_is_bip30_unspendable (&h, 91812));
  g_assert_true (umk_uint256_from_hex (
      &h, "000000000022213d0d4b6a18ea70cc42bb8ef80d7c45a7c993dd9e8b7391d33b"));
  g_assert_true (umk_is_bip30_unspendable (&h, 91812));

  /* Umkoin main: BIP 34 from genesis, whose hash is bip34_hash: no lookups
   * until height 1983702 */
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  const UmkConsensusParams *c = &main->consensus;
  UmkBlockIndex genesis = { 0 };
  genesis.hash = c->bip34_hash;
  UmkBlockIndex next = { 0 };
  next.prev = &genesis;
  next.height = 1;
  g_assert_false (umk_bip30_check_needed (&next, c));
  next.height = UMK_BIP34_IMPLIES_BIP30_LIMIT - 1;
  g_assert_false (umk_bip30_check_needed (&next, c));
  next.height = UMK_BIP34_IMPLIES_BIP30_LIMIT;
  g_assert_true (umk_bip30_check_needed (&next, c));
  /* another chain (a different block at the BIP 34 height): always */
  genesis.hash.b[5] ^= 1;
  next.height = 1;
  g_assert_true (umk_bip30_check_needed (&next, c));

  /* regtest: BIP 34 at height 1 with a zero hash, so always */
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  g_autofree UmkBlockIndex *chain = make_chain (10, 1700000000, 600, 0x207fffff, 4);
  g_assert_true (umk_bip30_check_needed (&chain[1], &reg->consensus));
  g_assert_true (umk_bip30_check_needed (&chain[9], &reg->consensus));
}

static void
test_headers_pow (void)
{
  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  g_autoptr (UmkChainParams) main = params_for (UMK_CHAIN_MAIN);
  UmkBlockHeader hs[2] = { reg->genesis->header, main->genesis->header };
  /* regtest's easy genesis target is above main's limit */
  g_assert_true (umk_headers_have_valid_pow (hs, 2, &reg->consensus));
  g_assert_false (umk_headers_have_valid_pow (hs, 2, &main->consensus));
  g_assert_true (umk_headers_have_valid_pow (hs + 1, 1, &main->consensus));
  g_assert_true (umk_headers_have_valid_pow (hs, 0, &main->consensus));
  hs[1].nonce++;
  g_assert_false (umk_headers_have_valid_pow (hs, 2, &reg->consensus));
  UmkArith256 work, w1, w2;
  umk_headers_claimed_work (hs, 2, &work);
  umk_arith256_work_from_bits (&w1, 0x207fffff);
  umk_arith256_work_from_bits (&w2, 0x1d00ffff);
  umk_arith256_add (&w1, &w1, &w2);
  g_assert_cmpint (umk_arith256_cmp (&work, &w1), ==, 0);
}

/* ---- signet ---- */

/* Builds and signs a signet block on a chain whose challenge is
 * <pubkey> OP_CHECKSIG, following BIP 325 step by step. */
static void
test_signet_solution (void)
{
  g_autoptr (UmkChainParams) sig = params_for (UMK_CHAIN_SIGNET);
  UmkConsensusParams c = sig->consensus;
  uint8_t seckey[32];
  memset (seckey, 0x31, sizeof seckey);
  uint8_t pub[65];
  size_t pub_len;
  g_assert_true (umk_seckey_get_pubkey (seckey, true, pub, &pub_len));
  g_autoptr (GByteArray) challenge = g_byte_array_new ();
  umk_script_write_push (challenge, pub, pub_len);
  umk_write_u8 (challenge, UMK_OP_CHECKSIG);
  c.signet_challenge = challenge->data;
  c.signet_challenge_len = challenge->len;

  UmkTx *other = spend (0x21, 0, 5, 0, UMK_SEQUENCE_FINAL, 0);
  uint8_t com[32];
  witness_commitment (&other, 1, com);
  HeaderSpec hs = { .version = 0x20000000,
                    .prev = sig->genesis->hash,
                    .time = 1700000000,
                    .bits = 0x1e0377ae,
                    .mine = 0 };

  /* The coinbase as the signer sees it: the signet push holds only the
   * header. Commitment output: OP_RETURN <36 bytes> <ecc7daa2>. */
  uint8_t spk_head[38] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
  memcpy (spk_head + 6, com, 32);
  const uint8_t signet_header[4] = { 0xec, 0xc7, 0xda, 0xa2 };

  for (int variant = 0; variant < 4; variant++)
    {
      /* 0: valid; 1: wrong key; 2: trailing byte in the solution; 3: no
       * solution at all */
      g_autoptr (GByteArray) spk_bare = g_byte_array_new ();
      g_byte_array_append (spk_bare, spk_head, sizeof spk_head);
      umk_script_write_push (spk_bare, signet_header, 4);

      g_autoptr (UmkTxBuilder) cbb = umk_tx_builder_new ();
      cbb->version = 2;
      UmkOutPoint null = { .n = UINT32_MAX };
      UmkTxBuilderIn *cin = umk_tx_builder_add_input (cbb, &null, UMK_SEQUENCE_FINAL);
      umk_script_write_int (cin->script_sig, 1);
      umk_write_u8 (cin->script_sig, UMK_OP_0);
      const uint8_t op_true = UMK_OP_1;
      umk_tx_builder_add_output (cbb, 50 * UMK_COIN, &op_true, 1);
      umk_tx_builder_add_output (cbb, 0, spk_bare->data, spk_bare->len);
      g_autoptr (UmkTx) cb_bare = finish (cbb);

      /* the signet merkle root and the block data */
      UmkUint256 leaves[2] = { cb_bare->txid, other->txid }, root;
      umk_merkle_root (leaves, 2, &root, NULL);
      uint8_t data[72];
      umk_store_u32le (data, (uint32_t) hs.version);
      memcpy (data + 4, hs.prev.b, 32);
      memcpy (data + 36, root.b, 32);
      umk_store_u32le (data + 68, hs.time);

      g_autoptr (UmkTxBuilder) sb = umk_tx_builder_new ();
      sb->version = 0;
      UmkTxBuilderIn *sin = umk_tx_builder_add_input (sb, &null, 0);
      umk_write_u8 (sin->script_sig, UMK_OP_0);
      umk_script_write_push (sin->script_sig, data, sizeof data);
      umk_tx_builder_add_output (sb, 0, challenge->data, challenge->len);
      g_autoptr (UmkTx) to_spend = finish (sb);

      g_autoptr (UmkTxBuilder) gb = umk_tx_builder_new ();
      gb->version = 0;
      UmkOutPoint p0 = { .hash = to_spend->txid, .n = 0 };
      umk_tx_builder_add_input (gb, &p0, 0);
      const uint8_t op_return = UMK_OP_RETURN;
      umk_tx_builder_add_output (gb, 0, &op_return, 1);
      g_autoptr (UmkTx) to_sign = finish (gb);

      uint8_t sighash[32], der[72];
      size_t der_len;
      umk_sighash_legacy (to_sign, 0, challenge->data, challenge->len, 1, sighash);
      uint8_t key[32];
      memcpy (key, seckey, 32);
      if (variant == 1)
        key[0] ^= 1;
      g_assert_true (umk_ecdsa_sign (key, sighash, true, der, &der_len));
      der[der_len++] = 1; /* SIGHASH_ALL */

      /* the solution: scriptSig <sig>, an empty witness stack */
      g_autoptr (GByteArray) script_sig = g_byte_array_new ();
      umk_script_write_push (script_sig, der, der_len);
      g_autoptr (GByteArray) solution = g_byte_array_new ();
      g_byte_array_append (solution, signet_header, 4);
      umk_write_var_bytes (solution, script_sig->data, script_sig->len);
      umk_write_compact_size (solution, 0);
      if (variant == 2)
        umk_write_u8 (solution, 0);

      g_autoptr (GByteArray) spk_full = g_byte_array_new ();
      g_byte_array_append (spk_full, spk_head, sizeof spk_head);
      if (variant != 3)
        umk_script_write_push (spk_full, solution->data, solution->len);
      else
        umk_script_write_push (spk_full, signet_header, 4); /* header only: no solution */

      g_autoptr (UmkTxBuilder) cbf = umk_tx_builder_new ();
      cbf->version = 2;
      UmkTxBuilderIn *fin = umk_tx_builder_add_input (cbf, &null, UMK_SEQUENCE_FINAL);
      umk_script_write_int (fin->script_sig, 1);
      umk_write_u8 (fin->script_sig, UMK_OP_0);
      umk_tx_builder_add_output (cbf, 50 * UMK_COIN, &op_true, 1);
      umk_tx_builder_add_output (cbf, 0, spk_full->data, spk_full->len);
      GByteArray *nonce = g_byte_array_new ();
      g_byte_array_set_size (nonce, 32);
      memset (nonce->data, 0, 32);
      g_ptr_array_add (fin->witness, nonce);
      UmkTx *txs[2] = { finish (cbf), umk_tx_ref (other) };
      g_autoptr (UmkBlock) block = assemble (&hs, txs, 2, &c);

      bool ok = umk_signet_check_block_solution (block, &c);
      g_assert_cmpint (ok, ==, variant == 0);
      UmkBlockValidationState st = { 0 };
      /* CheckBlock checks it only together with the PoW (a signet block at
       * this target is not mined here): without PoW it passes */
      g_assert_true (umk_check_block (block, &c, false, true, &st));
      free_txs (txs, 2);
    }

  /* A trivial challenge (OP_TRUE) needs no solution; a block without a
   * witness commitment never passes. */
  static uint8_t trivial[1] = { UMK_OP_1 }, impossible[1] = { UMK_OP_0 };
  c.signet_challenge = trivial;
  c.signet_challenge_len = 1;
  UmkTx *t[2] = { coinbase (1, 0, com, NULL), umk_tx_ref (other) };
  g_autoptr (UmkBlock) b = assemble (&hs, t, 2, &c);
  g_assert_true (umk_signet_check_block_solution (b, &c));
  UmkTx *t2[1] = { coinbase (1, 0, NULL, NULL) };
  g_autoptr (UmkBlock) b2 = assemble (&hs, t2, 1, &c);
  g_assert_false (umk_signet_check_block_solution (b2, &c));
  /* with PoW checking, CheckBlock reports the bad solution before the root */
  c.signet_challenge = impossible;
  UmkBlockValidationState st = { 0 };
  HeaderSpec easy = hs;
  /* a target the test can meet: pow_limit is raised for this check only */
  memset (c.pow_limit.b, 0xff, 31);
  c.pow_limit.b[31] = 0x7f;
  easy.bits = 0x207fffff;
  easy.mine = 1;
  g_autoptr (UmkBlock) b3 = assemble (&easy, t, 2, &c);
  g_assert_false (umk_check_block (b3, &c, true, true, &st));
  ASSERT_STATE (&st, UMK_BLOCK_RESULT_CONSENSUS, "bad-signet-blksig",
                "signet block signature validation failure");
  free_txs (t, 2);
  free_txs (t2, 1);
  umk_tx_unref (other);
}

/* ---- Umkoin Core's regtest chain ---- */

typedef struct
{
  int64_t value;
  GByteArray *script;
  uint32_t height;
  bool coinbase;
} Coin;

static void
coin_free (gpointer p)
{
  Coin *c = p;
  g_byte_array_unref (c->script);
  g_free (c);
}

static guint
outpoint_hash (gconstpointer p)
{
  const UmkOutPoint *o = p;
  guint h;
  memcpy (&h, o->hash.b, sizeof h);
  return h ^ o->n;
}

static gboolean
outpoint_equal (gconstpointer a, gconstpointer b)
{
  const UmkOutPoint *x = a, *y = b;
  return x->n == y->n && umk_uint256_equal (&x->hash, &y->hash);
}

static guint
uint256_hash (gconstpointer p)
{
  guint h;
  memcpy (&h, p, sizeof h);
  return h;
}

static gboolean
uint256_equal (gconstpointer a, gconstpointer b)
{
  return memcmp (a, b, 32) == 0;
}

static char *
find_core_chain (void)
{
  const char *candidates[][6] = {
    { "data", "chains", "regtest-core-1", "blk00000.dat", NULL },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      char *path = g_test_build_filename (G_TEST_DIST, candidates[i][0], candidates[i][1],
                                          candidates[i][2], candidates[i][3], candidates[i][4],
                                          candidates[i][5], NULL);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
    }
  return NULL;
}

static void
test_core_chain (void)
{
  g_autofree char *path = find_core_chain ();
  /* The chain is part of the repository (tests/data/chains); its absence is a
   * broken checkout, not a reason to skip. */
  g_assert_nonnull (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_autoptr (GBytes) file = g_bytes_new_static (data, len);

  g_autoptr (UmkChainParams) reg = params_for (UMK_CHAIN_REGTEST);
  const UmkConsensusParams *c = &reg->consensus;
  g_autoptr (UmkVersionBitsCache) vb = umk_versionbits_cache_new ();
  g_autoptr (GHashTable) index = g_hash_table_new (uint256_hash, uint256_equal);
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_block_free);
  GPtrArray *entries = g_ptr_array_new_with_free_func (g_free);

  /* Read every record: magic, size, block. */
  UmkReader r;
  umk_reader_init (&r, data, len);
  size_t n_checked = 0;
  UmkBlockIndex *best = NULL;
  while (umk_reader_remaining (&r) > 0)
    {
      uint32_t magic, size;
      g_assert_true (umk_read_u32le (&r, &magic) && umk_read_u32le (&r, &size));
      g_assert_cmphex (magic, ==, umk_load_u32le (reg->message_start));
      g_autoptr (GBytes) bytes = g_bytes_new_from_bytes (file, r.pos, size);
      g_assert_true (umk_read_skip (&r, size));
      UmkBlock *block = umk_block_new_from_bytes (bytes, &error);
      g_assert_no_error (error);
      g_ptr_array_add (blocks, block);

      UmkBlockValidationState st = { 0 };
      if (!umk_check_block (block, c, true, true, &st))
        g_error ("CheckBlock: %s, %s", st.reject_reason, st.debug_message);
      g_assert_false (umk_block_is_mutated (block, true));

      UmkBlockIndex *prev = NULL;
      if (!umk_uint256_equal (&block->hash, &c->hash_genesis_block))
        {
          prev = g_hash_table_lookup (index, &block->header.prev_block);
          g_assert_nonnull (prev);
          if (!umk_contextual_check_block_header (&block->header, prev, c, block->header.time, &st))
            g_error ("ContextualCheckBlockHeader: %s, %s", st.reject_reason, st.debug_message);
          if (!umk_contextual_check_block (block, prev, c, &st))
            g_error ("ContextualCheckBlock: %s, %s", st.reject_reason, st.debug_message);
          /* Core's miner asks ComputeBlockVersion for each block's version */
          g_assert_cmphex ((uint32_t) block->header.version, ==,
                           (uint32_t) umk_versionbits_compute_block_version (vb, prev, c));
          g_assert_true (umk_pow_permitted_difficulty_transition (c, prev->height + 1, prev->bits,
                                                                  block->header.bits));
          n_checked++;
        }
      UmkBlockIndex *entry = g_new0 (UmkBlockIndex, 1);
      umk_block_index_set_header (entry, &block->header, &block->hash);
      umk_block_index_link (entry, prev);
      entry->data_pos = blocks->len - 1; /* where the block is, for below */
      g_ptr_array_add (entries, entry);
      g_hash_table_insert (index, &entry->hash, entry);
      if (best == NULL || umk_arith256_cmp (&entry->chain_work, &best->chain_work) > 0)
        best = entry;
    }
  g_assert_cmpuint (blocks->len, ==, 1 + 456 + 8);
  g_assert_cmpuint (n_checked, ==, 456 + 8);
  char tip[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&best->hash, tip);
  g_assert_cmpstr (tip, ==, "72c36db4dadf3a598b3b56813918a97e8c27c8ec5c51f1bbe487b459c64254b3");
  g_assert_cmpint (best->height, ==, 456);

  /* Connect the best chain against an in-memory UTXO set. */
  g_autoptr (GHashTable) utxo
      = g_hash_table_new_full (outpoint_hash, outpoint_equal, g_free, coin_free);
  size_t n_tx = 0, n_inputs = 0;
  for (int h = 1; h <= best->height; h++)
    {
      UmkBlockIndex *bi = umk_block_index_get_ancestor (best, h);
      const UmkBlock *block = g_ptr_array_index (blocks, bi->data_pos);
      UmkScriptFlags flags = umk_block_script_flags (bi, c);
      int lock_flags
          = umk_buried_active_at (bi, c, UMK_BURIED_CSV) ? UMK_LOCKTIME_VERIFY_SEQUENCE : 0;
      g_assert_true (umk_bip30_check_needed (bi, c));
      int64_t fees = 0, sigops = 0;
      for (size_t i = 0; i < block->n_tx; i++)
        {
          const UmkTx *tx = block->tx[i];
          /* BIP 30: no output of this transaction may be unspent already */
          for (uint32_t o = 0; o < tx->n_out; o++)
            {
              UmkOutPoint op = { tx->txid, o };
              g_assert_false (g_hash_table_contains (utxo, &op));
            }
          g_autofree UmkSpentOutput *spent = g_new0 (UmkSpentOutput, tx->n_in);
          g_autofree UmkTxOut *spent_outs = g_new0 (UmkTxOut, tx->n_in);
          g_autofree int *heights = g_new0 (int, tx->n_in);
          if (!umk_tx_is_coinbase (tx))
            {
              for (uint32_t k = 0; k < tx->n_in; k++)
                {
                  Coin *coin = g_hash_table_lookup (utxo, &tx->in[k].prevout);
                  g_assert_nonnull (coin);
                  spent[k] = (UmkSpentOutput){ coin->value, coin->script->data, coin->script->len,
                                               coin->height, coin->coinbase };
                  spent_outs[k]
                      = (UmkTxOut){ coin->value, { coin->script->data, coin->script->len } };
                  heights[k] = (int) coin->height;
                }
              UmkTxValidationState ts = { 0 };
              int64_t fee;
              if (!umk_tx_check_inputs (tx, spent, bi->height, &ts, &fee))
                g_error ("CheckTxInputs: %s, %s", ts.reject_reason, ts.debug_message);
              fees += fee;
              g_assert_true (umk_sequence_locks (tx, lock_flags, heights, bi));
              UmkTxSigData sd;
              umk_tx_sigdata_init (&sd, tx, spent_outs, false);
              for (uint32_t k = 0; k < tx->n_in; k++)
                {
                  UmkScriptError err;
                  if (!umk_verify_input (tx, k, &spent_outs[k], flags, &sd, &err))
                    g_error ("script of input %u at height %d failed: %d", k, bi->height, err);
                }
              n_inputs += tx->n_in;
            }
          sigops += umk_tx_sigop_cost (tx, umk_tx_is_coinbase (tx) ? NULL : spent, flags);
          /* the inputs' coins are spent before the outputs are added */
          for (uint32_t k = 0; !umk_tx_is_coinbase (tx) && k < tx->n_in; k++)
            g_assert_true (g_hash_table_remove (utxo, &tx->in[k].prevout));
          for (uint32_t o = 0; o < tx->n_out; o++)
            {
              const UmkSpan *s = &tx->out[o].script_pubkey;
              if (umk_script_is_unspendable (s->data, s->len))
                continue;
              UmkOutPoint *op = g_new (UmkOutPoint, 1);
              *op = (UmkOutPoint){ tx->txid, o };
              Coin *coin = g_new0 (Coin, 1);
              coin->value = tx->out[o].value;
              coin->script = g_byte_array_new ();
              g_byte_array_append (coin->script, s->data, (guint) s->len);
              coin->height = (uint32_t) bi->height;
              coin->coinbase = umk_tx_is_coinbase (tx);
              g_hash_table_insert (utxo, op, coin);
            }
          n_tx++;
        }
      g_assert_cmpint (sigops, <=, UMK_MAX_BLOCK_SIGOPS_COST);
      int64_t cb_out = 0;
      for (uint32_t o = 0; o < block->tx[0]->n_out; o++)
        cb_out += block->tx[0]->out[o].value;
      g_assert_cmpint (cb_out, <=, fees + umk_block_subsidy (bi->height, c));
    }

  /* gettxoutsetinfo of Umkoin Core at the tip: 2010 outputs, 13118.75 coins */
  int64_t total = 0;
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, utxo);
  while (g_hash_table_iter_next (&it, &key, &value))
    total += ((Coin *) value)->value;
  g_assert_cmpuint (g_hash_table_size (utxo), ==, 2010);
  g_assert_cmpint (total, ==, INT64_C (1311875000000));
  g_test_message ("%zu blocks checked, %zu transactions and %zu inputs connected", n_checked, n_tx,
                  n_inputs);
  g_ptr_array_unref (entries);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/block-check/genesis", test_genesis);
  g_test_add_func ("/block-check/check-block", test_check_block);
  g_test_add_func ("/block-check/mutated", test_mutated);
  g_test_add_func ("/block-check/contextual-header", test_contextual_header);
  g_test_add_func ("/block-check/timewarp", test_timewarp);
  g_test_add_func ("/block-check/contextual-block", test_contextual_block);
  g_test_add_func ("/block-check/bip34-heights", test_bip34_heights);
  g_test_add_func ("/block-check/subsidy", test_subsidy);
  g_test_add_func ("/block-check/script-flags", test_script_flags);
  g_test_add_func ("/block-check/bip30", test_bip30);
  g_test_add_func ("/block-check/headers-pow", test_headers_pow);
  g_test_add_func ("/block-check/signet-solution", test_signet_solution);
  g_test_add_func ("/block-check/core-chain", test_core_chain);
  return g_test_run ();
}
