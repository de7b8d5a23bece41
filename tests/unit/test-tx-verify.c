/* Tests for tx-verify: lock-time finality, BIP 68 sequence locks on a
 * synthetic chain, Core's sigopcount_tests (legacy, P2SH, witness counts),
 * the input value rules with Core's reasons and debug messages, and Core's
 * FormatMoney cases. */
#include "config.h"

#include "common/chainparams.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/script.h"
#include "common/tx-verify.h"

#include <string.h>

/* ---- building transactions ---- */

typedef struct
{
  uint8_t hash_byte; /* prevout hash: 32 times this byte (0 and n = -1: null) */
  uint32_t n;
  uint32_t sequence;
  const GByteArray *script_sig;
  const GByteArray *const *witness; /* NULL-terminated, or NULL */
} InSpec;

static UmkTx *
make_tx (uint32_t version, uint32_t lock_time, const InSpec *ins, size_t n_in, int64_t out_value,
         size_t n_out)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = version;
  b->lock_time = lock_time;
  for (size_t i = 0; i < n_in; i++)
    {
      UmkOutPoint prevout;
      memset (prevout.hash.b, ins[i].hash_byte, 32);
      prevout.n = ins[i].n;
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prevout, ins[i].sequence);
      if (ins[i].script_sig != NULL)
        g_byte_array_append (in->script_sig, ins[i].script_sig->data, ins[i].script_sig->len);
      for (size_t k = 0; ins[i].witness != NULL && ins[i].witness[k] != NULL; k++)
        {
          GByteArray *item = g_byte_array_new ();
          g_byte_array_append (item, ins[i].witness[k]->data, ins[i].witness[k]->len);
          g_ptr_array_add (in->witness, item);
        }
    }
  for (size_t i = 0; i < n_out; i++)
    umk_tx_builder_add_output (b, out_value, NULL, 0);
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  return tx;
}

static UmkTx *
simple_tx (uint32_t version, uint32_t lock_time, uint32_t sequence)
{
  InSpec in = { .hash_byte = 1, .n = 0, .sequence = sequence };
  return make_tx (version, lock_time, &in, 1, 1000, 1);
}

/* ---- finality ---- */

static void
test_is_final (void)
{
  g_autoptr (UmkTx) zero = simple_tx (1, 0, 0);
  g_assert_true (umk_tx_is_final (zero, 0, 0));

  /* a height lock: final in blocks above it */
  g_autoptr (UmkTx) h = simple_tx (1, 100, 0);
  g_assert_true (umk_tx_is_final (h, 101, 0));
  g_assert_false (umk_tx_is_final (h, 100, 0));
  g_assert_false (umk_tx_is_final (h, 99, 2000000000));
  /* unless every input has the final sequence */
  g_autoptr (UmkTx) hf = simple_tx (1, 100, UMK_SEQUENCE_FINAL);
  g_assert_true (umk_tx_is_final (hf, 50, 0));

  /* a time lock (at and above 500000000): compared with the block time */
  g_autoptr (UmkTx) t = simple_tx (1, 500000000, 0);
  g_assert_true (umk_tx_is_final (t, 1000000, 500000001));
  g_assert_false (umk_tx_is_final (t, 1000000, 500000000));
  g_autoptr (UmkTx) t2 = simple_tx (1, 499999999, 0);
  g_assert_true (umk_tx_is_final (t2, 500000000, 0)); /* a height, below the threshold */
  g_autoptr (UmkTx) tmax = simple_tx (1, UINT32_MAX, 0xfffffffe);
  g_assert_false (umk_tx_is_final (tmax, INT32_MAX, INT64_C (4294967295)));
  g_assert_true (umk_tx_is_final (tmax, INT32_MAX, INT64_C (4294967296)));

  /* one non-final input of two is enough to keep it non-final */
  InSpec ins[2] = { { 1, 0, UMK_SEQUENCE_FINAL, NULL, NULL }, { 2, 0, 0, NULL, NULL } };
  g_autoptr (UmkTx) mixed = make_tx (1, 100, ins, 2, 1, 1);
  g_assert_false (umk_tx_is_final (mixed, 50, 0));
}

/* ---- sequence locks ---- */

static UmkBlockIndex *
make_chain (int n, uint32_t time0, uint32_t spacing)
{
  UmkBlockIndex *blocks = g_new0 (UmkBlockIndex, n);
  for (int i = 0; i < n; i++)
    {
      blocks[i].time = time0 + (uint32_t) i * spacing;
      blocks[i].bits = 0x207fffff;
      memcpy (blocks[i].hash.b, &i, sizeof i);
      umk_block_index_link (&blocks[i], i > 0 ? &blocks[i - 1] : NULL);
    }
  return blocks;
}

static void
test_sequence_locks (void)
{
  const uint32_t t0 = 1600000000;
  g_autofree UmkBlockIndex *chain = make_chain (200, t0, 600);
  UmkBlockIndex *block = &chain[150];

  /* input 0: 10 blocks after height 100; input 1: 5 x 512 s after the MTP of
   * block 119 (coin at 120); input 2: lock disabled; input 3: 0 blocks */
  InSpec ins[4] = {
    { 1, 0, 10, NULL, NULL },
    { 2, 0, UMK_SEQUENCE_LOCKTIME_TYPE_FLAG | 5, NULL, NULL },
    { 3, 0, UMK_SEQUENCE_LOCKTIME_DISABLE_FLAG | 0xffff, NULL, NULL },
    { 4, 0, 0, NULL, NULL },
  };
  g_autoptr (UmkTx) tx = make_tx (2, 0, ins, 4, 1, 1);
  int heights[4] = { 100, 120, 130, 149 };
  UmkSequenceLocks locks
      = umk_calculate_sequence_locks (tx, UMK_LOCKTIME_VERIFY_SEQUENCE, heights, block);
  /* max(100 + 10 - 1, 149 + 0 - 1) */
  g_assert_cmpint (locks.min_height, ==, 148);
  /* MTP of block 119 is block 114's time */
  int64_t mtp119 = umk_block_index_median_time_past (&chain[119]);
  g_assert_cmpint (mtp119, ==, t0 + 114 * 600);
  g_assert_cmpint (locks.min_time, ==, mtp119 + 5 * 512 - 1);
  g_assert_cmpint (heights[2], ==, 0); /* disabled input's height cleared */
  g_assert_cmpint (heights[0], ==, 100);
  g_assert_true (umk_evaluate_sequence_locks (block, locks));

  /* the height lock needs the block at height 149 to be too early */
  /* the height lock: 141 + 10 - 1 = 150 is still too early at 150, not at 151 */
  int h2[4] = { 141, 120, 130, 149 };
  g_assert_false (umk_sequence_locks (tx, UMK_LOCKTIME_VERIFY_SEQUENCE, h2, block));
  int h3[4] = { 141, 120, 130, 149 };
  g_assert_true (umk_sequence_locks (tx, UMK_LOCKTIME_VERIFY_SEQUENCE, h3, &chain[151]));

  /* a time lock just reached or not: MTP of block 149 is block 144's time */
  InSpec tin = { 5, 0, UMK_SEQUENCE_LOCKTIME_TYPE_FLAG | 0, NULL, NULL };
  g_autoptr (UmkTx) ttx = make_tx (2, 0, &tin, 1, 1, 1);
  int th[1] = { 150 };
  /* coin at 150: based on MTP(149); lock of 0 units: min_time = MTP(149) - 1 */
  g_assert_true (umk_sequence_locks (ttx, UMK_LOCKTIME_VERIFY_SEQUENCE, th, block));
  InSpec tin2 = { 5, 0, UMK_SEQUENCE_LOCKTIME_TYPE_FLAG | 1, NULL, NULL };
  g_autoptr (UmkTx) ttx2 = make_tx (2, 0, &tin2, 1, 1, 1);
  int th2[1] = { 150 };
  g_assert_false (umk_sequence_locks (ttx2, UMK_LOCKTIME_VERIFY_SEQUENCE, th2, block));
  /* coin height 0 counts from genesis's MTP */
  int th3[1] = { 0 };
  UmkSequenceLocks l0
      = umk_calculate_sequence_locks (ttx2, UMK_LOCKTIME_VERIFY_SEQUENCE, th3, block);
  g_assert_cmpint (l0.min_time, ==, (int64_t) t0 + 512 - 1);

  /* version 1, or no flag: no locks at all */
  g_autoptr (UmkTx) v1 = simple_tx (1, 0, 0xffff);
  int hv[1] = { 149 };
  UmkSequenceLocks none
      = umk_calculate_sequence_locks (v1, UMK_LOCKTIME_VERIFY_SEQUENCE, hv, block);
  g_assert_cmpint (none.min_height, ==, -1);
  g_assert_cmpint (none.min_time, ==, -1);
  g_autoptr (UmkTx) v2 = simple_tx (2, 0, 0xffff);
  none = umk_calculate_sequence_locks (v2, 0, hv, block);
  g_assert_cmpint (none.min_height, ==, -1);
  g_assert_true (umk_sequence_locks (v2, 0, hv, block));
  g_assert_false (umk_sequence_locks (v2, UMK_LOCKTIME_VERIFY_SEQUENCE, hv, block));
  /* versions above 2 (compared unsigned, as Core does) enforce too */
  g_autoptr (UmkTx) vmax = simple_tx (UINT32_MAX, 0, 0xffff);
  g_assert_false (umk_sequence_locks (vmax, UMK_LOCKTIME_VERIFY_SEQUENCE, hv, block));

  /* The mempool's way: a dummy entry one above the tip. */
  UmkBlockIndex next = { 0 };
  next.prev = &chain[199];
  next.height = 200;
  int hn[1] = { 199 };
  g_autoptr (UmkTx) one = simple_tx (2, 0, 1);
  g_assert_true (umk_sequence_locks (one, UMK_LOCKTIME_VERIFY_SEQUENCE, hn, &next));
  g_autoptr (UmkTx) two = simple_tx (2, 0, 2);
  g_assert_false (umk_sequence_locks (two, UMK_LOCKTIME_VERIFY_SEQUENCE, hn, &next));
  /* a time lock from the dummy walks its prev pointers */
  int hnt[1] = { 199 };
  UmkSequenceLocks lt
      = umk_calculate_sequence_locks (ttx2, UMK_LOCKTIME_VERIFY_SEQUENCE, hnt, &next);
  g_assert_cmpint (lt.min_time, ==, umk_block_index_median_time_past (&chain[198]) + 511);
}

/* ---- sigop counts (Core's sigopcount_tests) ---- */

static GByteArray *
bytes (const void *data, size_t len)
{
  GByteArray *a = g_byte_array_new ();
  g_byte_array_append (a, data, (guint) len);
  return a;
}

static void
push (GByteArray *s, const void *data, size_t len)
{
  umk_script_write_push (s, data, len);
}

static void
op (GByteArray *s, uint8_t opcode)
{
  g_byte_array_append (s, &opcode, 1);
}

static GByteArray *
p2sh_of (const GByteArray *script)
{
  uint8_t h[20];
  umk_hash160 (script->data, script->len, h);
  GByteArray *s = g_byte_array_new ();
  op (s, UMK_OP_HASH160);
  push (s, h, 20);
  op (s, UMK_OP_EQUAL);
  return s;
}

static GByteArray *
p2wpkh_of (const uint8_t pubkey[33])
{
  uint8_t h[20];
  umk_hash160 (pubkey, 33, h);
  GByteArray *s = g_byte_array_new ();
  op (s, UMK_OP_0);
  push (s, h, 20);
  return s;
}

static GByteArray *
p2wsh_of (const GByteArray *script)
{
  uint8_t h[32];
  umk_sha256 (script->data, script->len, h);
  GByteArray *s = g_byte_array_new ();
  op (s, UMK_OP_0);
  push (s, h, 32);
  return s;
}

/* 1 <pubkey> <pubkey> 2 CHECKMULTISIGVERIFY */
static GByteArray *
multisig_1of2 (const uint8_t pubkey[33])
{
  GByteArray *s = g_byte_array_new ();
  umk_script_write_int (s, 1);
  push (s, pubkey, 33);
  push (s, pubkey, 33);
  umk_script_write_int (s, 2);
  op (s, UMK_OP_CHECKMULTISIGVERIFY);
  return s;
}

static void
test_script_sigop_count (void)
{
  uint8_t dummy[20] = { 0 };
  g_autoptr (GByteArray) s1 = g_byte_array_new ();
  g_assert_cmpuint (umk_script_sigop_count (s1->data, s1->len, false), ==, 0);
  g_assert_cmpuint (umk_script_sigop_count (s1->data, s1->len, true), ==, 0);
  op (s1, UMK_OP_1);
  push (s1, dummy, 20);
  push (s1, dummy, 20);
  op (s1, UMK_OP_1 + 1);
  op (s1, UMK_OP_CHECKMULTISIG);
  g_assert_cmpuint (umk_script_sigop_count (s1->data, s1->len, true), ==, 2);
  op (s1, UMK_OP_IF);
  op (s1, UMK_OP_CHECKSIG);
  op (s1, UMK_OP_ENDIF);
  g_assert_cmpuint (umk_script_sigop_count (s1->data, s1->len, true), ==, 3);
  g_assert_cmpuint (umk_script_sigop_count (s1->data, s1->len, false), ==, 21);

  /* p2sh.GetSigOpCount(scriptSig) via a spending transaction */
  g_autoptr (GByteArray) p2sh = p2sh_of (s1);
  g_autoptr (GByteArray) sig = g_byte_array_new ();
  op (sig, UMK_OP_0);
  push (sig, s1->data, s1->len);
  InSpec in = { 1, 0, 0, sig, NULL };
  g_autoptr (UmkTx) tx = make_tx (1, 0, &in, 1, 1, 1);
  UmkSpentOutput spent = { 1, p2sh->data, p2sh->len, 1, false };
  g_assert_cmpuint (umk_tx_p2sh_sigop_count (tx, &spent), ==, 3);

  /* 1-of-3 multisig */
  uint8_t keys[3][33];
  for (int i = 0; i < 3; i++)
    {
      memset (keys[i], 0x11 * (i + 1), 33);
      keys[i][0] = 0x02;
    }
  g_autoptr (GByteArray) s2 = g_byte_array_new ();
  umk_script_write_int (s2, 1);
  for (int i = 0; i < 3; i++)
    push (s2, keys[i], 33);
  umk_script_write_int (s2, 3);
  op (s2, UMK_OP_CHECKMULTISIG);
  g_assert_cmpuint (umk_script_sigop_count (s2->data, s2->len, true), ==, 3);
  g_assert_cmpuint (umk_script_sigop_count (s2->data, s2->len, false), ==, 20);
  g_autoptr (GByteArray) p2sh2 = p2sh_of (s2);
  g_assert_cmpuint (umk_script_sigop_count (p2sh2->data, p2sh2->len, true), ==, 0);
  g_assert_cmpuint (umk_script_sigop_count (p2sh2->data, p2sh2->len, false), ==, 0);
  g_autoptr (GByteArray) sig2 = g_byte_array_new ();
  op (sig2, UMK_OP_1);
  push (sig2, dummy, 20);
  push (sig2, dummy, 20);
  push (sig2, s2->data, s2->len);
  InSpec in2 = { 1, 0, 0, sig2, NULL };
  g_autoptr (UmkTx) tx2 = make_tx (1, 0, &in2, 1, 1, 1);
  UmkSpentOutput spent2 = { 1, p2sh2->data, p2sh2->len, 1, false };
  g_assert_cmpuint (umk_tx_p2sh_sigop_count (tx2, &spent2), ==, 3);

  /* A scriptSig that is not push-only, or malformed, counts nothing. */
  g_autoptr (GByteArray) bad = g_byte_array_new ();
  push (bad, s2->data, s2->len);
  op (bad, UMK_OP_NOP);
  InSpec in3 = { 1, 0, 0, bad, NULL };
  g_autoptr (UmkTx) tx3 = make_tx (1, 0, &in3, 1, 1, 1);
  g_assert_cmpuint (umk_tx_p2sh_sigop_count (tx3, &spent2), ==, 0);
  g_autoptr (GByteArray) cut = g_byte_array_new ();
  push (cut, s2->data, s2->len);
  op (cut, UMK_OP_PUSHDATA1); /* length byte missing */
  InSpec in4 = { 1, 0, 0, cut, NULL };
  g_autoptr (UmkTx) tx4 = make_tx (1, 0, &in4, 1, 1, 1);
  g_assert_cmpuint (umk_tx_p2sh_sigop_count (tx4, &spent2), ==, 0);
  /* a last push of OP_1..OP_16 is an empty redeem script */
  g_autoptr (GByteArray) small = g_byte_array_new ();
  push (small, s2->data, s2->len);
  op (small, UMK_OP_1 + 4);
  InSpec in5 = { 1, 0, 0, small, NULL };
  g_autoptr (UmkTx) tx5 = make_tx (1, 0, &in5, 1, 1, 1);
  g_assert_cmpuint (umk_tx_p2sh_sigop_count (tx5, &spent2), ==, 0);
}

/* A coinbase-like creation transaction paying to spk, and a spending one;
 * returns the spending transaction and fills the creation's output. */
typedef struct
{
  UmkTx *creation;
  UmkTx *spending;
  UmkSpentOutput spent;
} TxPair;

static void
build_pair (TxPair *p, const GByteArray *spk, const GByteArray *script_sig,
            const GByteArray *const *witness)
{
  g_autoptr (UmkTxBuilder) c = umk_tx_builder_new ();
  c->version = 1;
  UmkOutPoint null = { .n = UINT32_MAX };
  umk_tx_builder_add_input (c, &null, UMK_SEQUENCE_FINAL);
  umk_tx_builder_add_output (c, 1, spk->data, spk->len);
  p->creation = umk_tx_builder_finish (c, NULL);
  g_assert_nonnull (p->creation);

  g_autoptr (UmkTxBuilder) s = umk_tx_builder_new ();
  s->version = 1;
  UmkOutPoint prev = { .hash = p->creation->txid, .n = 0 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (s, &prev, UMK_SEQUENCE_FINAL);
  if (script_sig != NULL)
    g_byte_array_append (in->script_sig, script_sig->data, script_sig->len);
  for (size_t k = 0; witness != NULL && witness[k] != NULL; k++)
    g_ptr_array_add (in->witness, bytes (witness[k]->data, witness[k]->len));
  umk_tx_builder_add_output (s, 1, NULL, 0);
  p->spending = umk_tx_builder_finish (s, NULL);
  g_assert_nonnull (p->spending);
  p->spent = (UmkSpentOutput){ 1, p->creation->out[0].script_pubkey.data,
                               p->creation->out[0].script_pubkey.len, 0, true };
}

static void
clear_pair (TxPair *p)
{
  g_clear_pointer (&p->creation, umk_tx_unref);
  g_clear_pointer (&p->spending, umk_tx_unref);
}

static void
test_tx_sigop_cost (void)
{
  uint8_t pubkey[33];
  memset (pubkey, 0x5a, sizeof pubkey);
  pubkey[0] = 0x03;
  const UmkScriptFlags flags = UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_P2SH;
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  g_autoptr (GByteArray) item0 = g_byte_array_new (); /* an empty stack item */
  TxPair p = { 0 };

  /* multisig, legacy counting: the spender has none, the creator 20 (x4) */
  {
    g_autoptr (GByteArray) spk = multisig_1of2 (pubkey);
    g_autoptr (GByteArray) sig = g_byte_array_new ();
    op (sig, UMK_OP_0);
    op (sig, UMK_OP_0);
    build_pair (&p, spk, sig, NULL);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 0);
    g_assert_cmpint (umk_tx_sigop_cost (p.creation, NULL, flags), ==,
                     UMK_MAX_PUBKEYS_PER_MULTISIG * UMK_WITNESS_SCALE_FACTOR);
    clear_pair (&p);
  }

  /* multisig nested in P2SH: 2 x 4; nothing without the P2SH flag */
  {
    g_autoptr (GByteArray) redeem = multisig_1of2 (pubkey);
    g_autoptr (GByteArray) spk = p2sh_of (redeem);
    g_autoptr (GByteArray) sig = g_byte_array_new ();
    op (sig, UMK_OP_0);
    op (sig, UMK_OP_0);
    push (sig, redeem->data, redeem->len);
    build_pair (&p, spk, sig, NULL);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==,
                     2 * UMK_WITNESS_SCALE_FACTOR);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, 0), ==, 0);
    clear_pair (&p);
  }

  /* P2WPKH: 1; nothing without WITNESS; nothing for version 1; nothing for
   * a coinbase */
  {
    g_autoptr (GByteArray) spk = p2wpkh_of (pubkey);
    const GByteArray *wit[] = { item0, item0, NULL };
    build_pair (&p, spk, empty, wit);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 1);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent,
                                        flags & ~(UmkScriptFlags) UMK_SCRIPT_VERIFY_WITNESS),
                     ==, 0);
    clear_pair (&p);

    spk->data[0] = UMK_OP_1;
    build_pair (&p, spk, empty, wit);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 0);
    clear_pair (&p);
    spk->data[0] = UMK_OP_0;

    /* the witness of a coinbase is not looked at */
    g_autoptr (UmkTxBuilder) cb = umk_tx_builder_new ();
    cb->version = 1;
    UmkOutPoint null = { .n = UINT32_MAX };
    UmkTxBuilderIn *in = umk_tx_builder_add_input (cb, &null, UMK_SEQUENCE_FINAL);
    g_ptr_array_add (in->witness, g_byte_array_new ());
    g_ptr_array_add (in->witness, g_byte_array_new ());
    umk_tx_builder_add_output (cb, 1, NULL, 0);
    g_autoptr (UmkTx) cbtx = umk_tx_builder_finish (cb, NULL);
    g_assert_true (umk_tx_is_coinbase (cbtx));
    UmkSpentOutput s = { 1, spk->data, spk->len, 0, false };
    g_assert_cmpint (umk_tx_sigop_cost (cbtx, &s, flags), ==, 0);
    g_assert_cmpuint (umk_tx_p2sh_sigop_count (cbtx, &s), ==, 0);
  }

  /* P2WPKH nested in P2SH: 1 */
  {
    g_autoptr (GByteArray) redeem = p2wpkh_of (pubkey);
    g_autoptr (GByteArray) spk = p2sh_of (redeem);
    g_autoptr (GByteArray) sig = g_byte_array_new ();
    push (sig, redeem->data, redeem->len);
    const GByteArray *wit[] = { item0, item0, NULL };
    build_pair (&p, spk, sig, wit);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 1);
    clear_pair (&p);
  }

  /* P2WSH: 2 (accurate count of the witness script); nothing without WITNESS */
  {
    g_autoptr (GByteArray) ws = multisig_1of2 (pubkey);
    g_autoptr (GByteArray) spk = p2wsh_of (ws);
    const GByteArray *wit[] = { item0, item0, ws, NULL };
    build_pair (&p, spk, empty, wit);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 2);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent,
                                        flags & ~(UmkScriptFlags) UMK_SCRIPT_VERIFY_WITNESS),
                     ==, 0);
    clear_pair (&p);

    /* an empty witness: nothing to count */
    build_pair (&p, spk, empty, NULL);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 0);
    clear_pair (&p);
  }

  /* P2WSH nested in P2SH: 2 */
  {
    g_autoptr (GByteArray) ws = multisig_1of2 (pubkey);
    g_autoptr (GByteArray) redeem = p2wsh_of (ws);
    g_autoptr (GByteArray) spk = p2sh_of (redeem);
    g_autoptr (GByteArray) sig = g_byte_array_new ();
    push (sig, redeem->data, redeem->len);
    const GByteArray *wit[] = { item0, item0, ws, NULL };
    build_pair (&p, spk, sig, wit);
    g_assert_cmpint (umk_tx_sigop_cost (p.spending, &p.spent, flags), ==, 2);
    clear_pair (&p);
  }

  /* legacy count of a whole transaction: scriptSigs and scriptPubKeys */
  {
    g_autoptr (GByteArray) spk = multisig_1of2 (pubkey);
    g_autoptr (GByteArray) sig = g_byte_array_new ();
    op (sig, UMK_OP_CHECKSIG);
    build_pair (&p, spk, sig, NULL);
    g_assert_cmpuint (umk_tx_legacy_sigop_count (p.spending), ==, 1);
    g_assert_cmpuint (umk_tx_legacy_sigop_count (p.creation), ==, 20);
    clear_pair (&p);
  }
}

/* ---- input values ---- */

static void
test_check_inputs (void)
{
  InSpec ins[2] = { { 1, 0, 0, NULL, NULL }, { 2, 0, 0, NULL, NULL } };
  g_autoptr (UmkTx) tx = make_tx (2, 0, ins, 2, UMK_COIN, 1); /* pays 1 coin */
  UmkSpentOutput spent[2] = {
    { UMK_COIN / 2, NULL, 0, 100, false },
    { UMK_COIN, NULL, 0, 100, true },
  };
  UmkTxValidationState st = { 0 };
  int64_t fee = -1;

  /* coinbase maturity: 100 blocks */
  g_assert_false (umk_tx_check_inputs (tx, spent, 199, &st, &fee));
  g_assert_cmpint (st.result, ==, UMK_TX_RESULT_PREMATURE_SPEND);
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-premature-spend-of-coinbase");
  g_assert_cmpstr (st.debug_message, ==, "tried to spend coinbase at depth 99");
  umk_tx_state_init (&st);
  g_assert_true (umk_tx_check_inputs (tx, spent, 200, &st, &fee));
  g_assert_true (umk_tx_state_is_valid (&st));
  g_assert_cmpint (fee, ==, UMK_COIN / 2);

  /* values out of range */
  UmkSpentOutput bad[2] = { spent[0], spent[1] };
  bad[0].value = -1;
  g_assert_false (umk_tx_check_inputs (tx, bad, 300, &st, &fee));
  g_assert_cmpint (st.result, ==, UMK_TX_RESULT_CONSENSUS);
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-inputvalues-outofrange");
  g_assert_cmpstr (st.debug_message, ==, "");
  umk_tx_state_init (&st);
  bad[0].value = UMK_MAX_MONEY + 1;
  g_assert_false (umk_tx_check_inputs (tx, bad, 300, &st, &fee));
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-inputvalues-outofrange");
  umk_tx_state_init (&st);
  bad[0].value = UMK_MAX_MONEY;
  bad[1].value = 1; /* the sum is out of range */
  g_assert_false (umk_tx_check_inputs (tx, bad, 300, &st, &fee));
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-inputvalues-outofrange");
  umk_tx_state_init (&st);
  bad[0].value = INT64_MAX;
  g_assert_false (umk_tx_check_inputs (tx, bad, 300, &st, &fee));
  umk_tx_state_init (&st);
  bad[0].value = UMK_MAX_MONEY - 1;
  g_assert_true (umk_tx_check_inputs (tx, bad, 300, &st, &fee));
  g_assert_cmpint (fee, ==, UMK_MAX_MONEY - UMK_COIN);

  /* less in than out */
  UmkSpentOutput low[2] = { spent[0], spent[1] };
  low[1].value = UMK_COIN / 4;
  g_assert_false (umk_tx_check_inputs (tx, low, 300, &st, &fee));
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-in-belowout");
  g_assert_cmpstr (st.debug_message, ==, "value in (0.75) < value out (1.00)");
  g_autofree char *s = umk_tx_state_to_string (&st);
  g_assert_cmpstr (s, ==, "bad-txns-in-belowout, value in (0.75) < value out (1.00)");

  /* exactly spent: zero fee */
  umk_tx_state_init (&st);
  low[1].value = UMK_COIN / 2;
  g_assert_true (umk_tx_check_inputs (tx, low, 300, &st, &fee));
  g_assert_cmpint (fee, ==, 0);

  umk_tx_state_init (&st);
  g_assert_false (umk_tx_state_missing_inputs (&st));
  g_assert_cmpint (st.result, ==, UMK_TX_RESULT_MISSING_INPUTS);
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-inputs-missingorspent");
  g_assert_cmpstr (st.debug_message, ==, "CheckTxInputs: inputs missing/spent");

  /* an error is not overwritten by a later invalidity */
  umk_tx_state_init (&st);
  g_assert_false (umk_tx_state_error (&st, "disk"));
  g_assert_false (umk_tx_state_missing_inputs (&st));
  g_assert_true (umk_tx_state_is_error (&st));
  g_assert_cmpstr (st.reject_reason, ==, "bad-txns-inputs-missingorspent");
  umk_tx_state_init (&st);
  g_autofree char *valid = umk_tx_state_to_string (&st);
  g_assert_cmpstr (valid, ==, "Valid");
}

/* Core's util_tests FormatMoney cases. */
static void
test_format_money (void)
{
  static const struct
  {
    int64_t v;
    const char *s;
  } cases[] = {
    { 0, "0.00" },
    { (UMK_COIN / 10000) * 123456789, "12345.6789" },
    { -UMK_COIN, "-1.00" },
    { UMK_COIN * 100000000, "100000000.00" },
    { UMK_COIN * 10000000, "10000000.00" },
    { UMK_COIN * 1000000, "1000000.00" },
    { UMK_COIN * 100000, "100000.00" },
    { UMK_COIN * 10000, "10000.00" },
    { UMK_COIN * 1000, "1000.00" },
    { UMK_COIN * 100, "100.00" },
    { UMK_COIN * 10, "10.00" },
    { UMK_COIN, "1.00" },
    { UMK_COIN / 10, "0.10" },
    { UMK_COIN / 100, "0.01" },
    { UMK_COIN / 1000, "0.001" },
    { UMK_COIN / 10000, "0.0001" },
    { UMK_COIN / 100000, "0.00001" },
    { UMK_COIN / 1000000, "0.000001" },
    { UMK_COIN / 10000000, "0.0000001" },
    { UMK_COIN / 100000000, "0.00000001" },
    { INT64_MAX, "92233720368.54775807" },
    { INT64_MAX - 1, "92233720368.54775806" },
    { INT64_MAX - 2, "92233720368.54775805" },
    { INT64_MAX - 3, "92233720368.54775804" },
    { INT64_MIN + 1, "-92233720368.54775807" },
    { INT64_MIN + 2, "-92233720368.54775806" },
    { INT64_MIN + 3, "-92233720368.54775805" },
    { INT64_MIN, "-92233720368.54775808" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char buf[32];
      g_assert_cmpstr (umk_format_money (cases[i].v, buf), ==, cases[i].s);
    }
}

/* The state's fixed buffers: long texts are cut, never overrun. */
static void
test_state_buffers (void)
{
  UmkBlockValidationState st = { 0 };
  g_autofree char *long_reason = g_strnfill (200, 'r');
  g_autofree char *long_debug = g_strnfill (1000, 'd');
  g_assert_false (
      umk_block_state_invalid (&st, UMK_BLOCK_RESULT_CONSENSUS, long_reason, "%s", long_debug));
  g_assert_cmpuint (strlen (st.reject_reason), ==, UMK_REJECT_REASON_SIZE - 1);
  g_assert_cmpuint (strlen (st.debug_message), ==, UMK_DEBUG_MESSAGE_SIZE - 1);
  g_assert_false (umk_block_state_invalid (&st, UMK_BLOCK_RESULT_MUTATED, "x", NULL));
  g_assert_cmpstr (st.debug_message, ==, "");
  g_autofree char *s = umk_block_state_to_string (&st);
  g_assert_cmpstr (s, ==, "x");
  /* an error keeps the first reason only if the state was valid */
  g_assert_false (umk_block_state_error (&st, "disk"));
  g_assert_true (umk_block_state_is_error (&st));
  g_assert_cmpstr (st.reject_reason, ==, "x");
  umk_block_state_init (&st);
  g_assert_false (umk_block_state_error (&st, "disk"));
  g_assert_cmpstr (st.reject_reason, ==, "disk");
  g_assert_false (umk_block_state_is_invalid (&st));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tx-verify/is-final", test_is_final);
  g_test_add_func ("/tx-verify/sequence-locks", test_sequence_locks);
  g_test_add_func ("/tx-verify/script-sigop-count", test_script_sigop_count);
  g_test_add_func ("/tx-verify/tx-sigop-cost", test_tx_sigop_cost);
  g_test_add_func ("/tx-verify/check-inputs", test_check_inputs);
  g_test_add_func ("/tx-verify/format-money", test_format_money);
  g_test_add_func ("/tx-verify/state-buffers", test_state_buffers);
  return g_test_run ();
}
