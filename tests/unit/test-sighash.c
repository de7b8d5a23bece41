/* Tests for signature hashes: Core's legacy vectors, BIP 143's worked
 * examples, the precomputed and on-the-spot paths, and the taproot message's
 * undefined cases and structure. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "common/sighash.h"
#include "common/tx.h"
#include "common/uint256.h"
#include "test-util.h"

#include <string.h>

static UmkTx *
tx_from_hex (const char *hex)
{
  g_autoptr (GByteArray) b = umk_test_hex (hex);
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_new_from_data (b->data, b->len, &error);
  g_assert_no_error (error);
  return tx;
}

static void
assert_hash_hex (const uint8_t h[32], const char *want)
{
  g_autofree char *got = umk_hex_encode (h, 32);
  g_assert_cmpstr (got, ==, want);
}

/* Core's sighash.json: random transactions, scripts full of OP_CODESEPARATOR
 * and random 32-bit hash types. */
static void
test_vectors (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("sighash.json");
  JsonArray *cases = json_node_get_array (root);
  UmkTally tally;
  umk_tally_init (&tally, "sighash.json");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonNode *entry = json_array_get_element (cases, i);
      if (umk_test_json_is_comment (entry))
        continue;
      JsonArray *c = json_node_get_array (entry);
      const char *raw = json_array_get_string_element (c, 0);
      const char *script_hex = json_array_get_string_element (c, 1);
      gint64 n_in = json_array_get_int_element (c, 2);
      gint64 hash_type = json_array_get_int_element (c, 3);
      const char *want = json_array_get_string_element (c, 4);

      g_autoptr (GByteArray) raw_bytes = umk_test_hex (raw);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkTx) tx = umk_tx_new_from_data (raw_bytes->data, raw_bytes->len, &error);
      if (tx == NULL)
        {
          umk_tally_case (&tally, false, "case %u: transaction does not parse: %s", i,
                          error->message);
          continue;
        }
      g_autoptr (GByteArray) script = umk_test_hex (script_hex);
      UmkUint256 h;
      umk_sighash_legacy (tx, (uint32_t) n_in, script->data, script->len, (int32_t) hash_type, h.b);
      g_autofree char *got = umk_uint256_to_hex (&h);
      umk_tally_case (
          &tally, hash_type >= G_MININT32 && hash_type <= G_MAXINT32 && strcmp (got, want) == 0,
          "case %u (hashType %" G_GINT64_FORMAT "): got %s, want %s", i, hash_type, got, want);
    }
  umk_tally_finish_expect (&tally, 500);
}

/* The worked examples of BIP 143. Each is checked without precomputed data,
 * with it, and with sigdata that lacks the BIP 143 hashes. */
typedef struct
{
  const char *name;
  const char *tx;
  uint32_t n_in;
  const char *script_code;
  int64_t amount;
  int32_t hash_type;
  const char *sighash;
} Bip143Case;

static const char p2wpkh_tx[]
    = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eef"
      "fffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff"
      "02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d00000000"
      "1976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
static const char p2sh_p2wpkh_tx[]
    = "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000fef"
      "fffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f0000"
      "00001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000";
static const char p2wsh_single_tx[]
    = "0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e0000000000fff"
      "fffff0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffffffff"
      "0100f2052a010000001976a914a30741f8145e5acadf23f751864167f32e0963f788ac00000000";
static const char p2wsh_acp_tx[]
    = "0100000002e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000fff"
      "fffff80e68831516392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff"
      "0280969800000000001976a914de4b231626ef508c9a74a8517e6783c0546d6b2888ac8096980000000000"
      "1976a9146648a8cd4531e1ec47f35916de8e259237294d1e88ac00000000";

static const Bip143Case bip143_cases[] = {
  { "native P2WPKH", p2wpkh_tx, 1, "76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac", 600000000,
    UMK_SIGHASH_ALL, "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670" },
  { "P2SH-P2WPKH", p2sh_p2wpkh_tx, 0, "76a91479091972186c449eb1ded22b78e40d009bdf008988ac",
    1000000000, UMK_SIGHASH_ALL,
    "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6" },
  /* SINGLE past the last output: hashOutputs is zero, not the legacy "one" */
  { "P2WSH SINGLE, unexecuted separator kept", p2wsh_single_tx, 1,
    "21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab210255a9626aebf5e29c0"
    "e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac",
    4900000000, UMK_SIGHASH_SINGLE,
    "82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391" },
  { "P2WSH SINGLE, after the separator", p2wsh_single_tx, 1,
    "210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac", 4900000000,
    UMK_SIGHASH_SINGLE, "fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47" },
  { "P2WSH SINGLE|ANYONECANPAY, input 0", p2wsh_acp_tx, 0,
    "0063ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac", 16777215,
    UMK_SIGHASH_SINGLE | UMK_SIGHASH_ANYONECANPAY,
    "e9071e75e25b8a1e298a72f0d2e9f4f95a0f5cdf86a533cda597eb402ed13b3a" },
  { "P2WSH SINGLE|ANYONECANPAY, input 1", p2wsh_acp_tx, 1,
    "68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac", 16777215,
    UMK_SIGHASH_SINGLE | UMK_SIGHASH_ANYONECANPAY,
    "cd72f1f1a433ee9df816857fad88d8ebd97e09a75cd481583eb841c330275e54" },
};

static void
test_bip143 (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (bip143_cases); i++)
    {
      const Bip143Case *c = &bip143_cases[i];
      g_test_message ("%s", c->name);
      g_autoptr (UmkTx) tx = tx_from_hex (c->tx);
      g_autoptr (GByteArray) code = umk_test_hex (c->script_code);
      uint8_t h[32];

      umk_sighash_witness_v0 (tx, c->n_in, code->data, code->len, c->amount, c->hash_type, NULL, h);
      assert_hash_hex (h, c->sighash);

      UmkTxSigData forced;
      umk_tx_sigdata_init (&forced, tx, NULL, true);
      g_assert_true (forced.bip143_ready);
      g_assert_false (forced.bip341_ready); /* no spent outputs given */
      memset (h, 0, sizeof h);
      umk_sighash_witness_v0 (tx, c->n_in, code->data, code->len, c->amount, c->hash_type, &forced,
                              h);
      assert_hash_hex (h, c->sighash);

      /* the unsigned transactions have no witness: nothing to precompute */
      UmkTxSigData lazy;
      umk_tx_sigdata_init (&lazy, tx, NULL, false);
      g_assert_false (lazy.bip143_ready);
      memset (h, 0, sizeof h);
      umk_sighash_witness_v0 (tx, c->n_in, code->data, code->len, c->amount, c->hash_type, &lazy,
                              h);
      assert_hash_hex (h, c->sighash);
    }

  /* the intermediate hashes BIP 143 shows for its first example */
  g_autoptr (UmkTx) tx = tx_from_hex (p2wpkh_tx);
  UmkTxSigData d;
  umk_tx_sigdata_init (&d, tx, NULL, true);
  assert_hash_hex (d.hash_prevouts,
                   "96b827c8483d4e9b96712b6713a7b68d6e8003a781feba36c31143470b4efd37");
  assert_hash_hex (d.hash_sequence,
                   "52b0a642eea2fb7ae638c36f6252b6750293dbe574a806984b8e4d8548339a3b");
  assert_hash_hex (d.hash_outputs,
                   "863ef3e1a92afbfdb97f31ad0fc7683ee943e9abcf2501590ff8f6551f47e5e5");
}

/* A transaction with n_in inputs and n_out outputs, all distinct, the first
 * input with a witness item. */
static UmkTx *
make_tx (unsigned n_in, unsigned n_out)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  for (unsigned i = 0; i < n_in; i++)
    {
      UmkOutPoint op = { .n = i };
      memset (op.hash.b, 0x30 + (int) i, 32);
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &op, 0xfffffff0u + i);
      if (i == 0)
        {
          GByteArray *item = g_byte_array_new ();
          g_byte_array_append (item, (const guint8 *) "\x01\x02", 2);
          g_ptr_array_add (in->witness, item);
        }
    }
  for (unsigned i = 0; i < n_out; i++)
    {
      uint8_t script[22] = { 0x00, 0x14 };
      memset (script + 2, 0x50 + (int) i, 20);
      umk_tx_builder_add_output (b, 1000 * (int64_t) (i + 1), script, sizeof script);
    }
  b->lock_time = 12345;
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  return tx;
}

static bool
is_one (const uint8_t h[32])
{
  static const uint8_t one[32] = { 1 };
  return memcmp (h, one, 32) == 0;
}

/* SIGHASH_SINGLE without a matching output: the legacy hash is the constant
 * one (whatever the high bits of the type), BIP 143 signs zero for the
 * outputs, taproot refuses. */
static void
test_single_out_of_range (void)
{
  g_autoptr (UmkTx) tx = make_tx (3, 1);
  const uint8_t script[] = { 0x51 };
  uint8_t h[32];

  umk_sighash_legacy (tx, 0, script, sizeof script, UMK_SIGHASH_SINGLE, h);
  g_assert_false (is_one (h));
  const int32_t singles[] = { 0x03, 0x83, 0x43, 0x23, (int32_t) 0xffffff03u, 0x7fffffe3 };
  for (size_t i = 0; i < G_N_ELEMENTS (singles); i++)
    {
      memset (h, 0xee, sizeof h);
      umk_sighash_legacy (tx, 1, script, sizeof script, singles[i], h);
      g_assert_true (is_one (h));
      memset (h, 0xee, sizeof h);
      umk_sighash_legacy (tx, 2, script, sizeof script, singles[i], h);
      g_assert_true (is_one (h));
    }
  /* an input index past the inputs, whatever the type */
  umk_sighash_legacy (tx, 3, script, sizeof script, UMK_SIGHASH_ALL, h);
  g_assert_true (is_one (h));
  /* 0x13 is not SINGLE for the 5-bit test: an ordinary hash */
  umk_sighash_legacy (tx, 1, script, sizeof script, 0x13, h);
  g_assert_false (is_one (h));

  /* BIP 143: the output hash is zero, so SINGLE and NONE at an index without
   * an output sign the same outputs but a different type */
  uint8_t s[32], n[32];
  umk_sighash_witness_v0 (tx, 1, script, sizeof script, 5000, UMK_SIGHASH_SINGLE, NULL, s);
  umk_sighash_witness_v0 (tx, 1, script, sizeof script, 5000, UMK_SIGHASH_NONE, NULL, n);
  g_assert_false (is_one (s));
  g_assert_false (memcmp (s, n, 32) == 0);
}

/* Legacy hashes checked against a preimage written out by hand: blanked
 * inputs, zeroed sequences, null outputs below a SINGLE index, separators
 * dropped from the scriptCode. */
static void
append_le32 (GByteArray *a, uint32_t v)
{
  uint8_t b[4] = { (uint8_t) v, (uint8_t) (v >> 8), (uint8_t) (v >> 16), (uint8_t) (v >> 24) };
  g_byte_array_append (a, b, 4);
}

static void
append_le64 (GByteArray *a, uint64_t v)
{
  append_le32 (a, (uint32_t) v);
  append_le32 (a, (uint32_t) (v >> 32));
}

static void
append_outpoint (GByteArray *a, const UmkTxIn *in)
{
  g_byte_array_append (a, in->prevout.hash.b, 32);
  append_le32 (a, in->prevout.n);
}

static void
append_out (GByteArray *a, const UmkTxOut *o)
{
  append_le64 (a, (uint64_t) o->value);
  guint8 len = (guint8) o->script_pubkey.len;
  g_byte_array_append (a, &len, 1);
  g_byte_array_append (a, o->script_pubkey.data, o->script_pubkey.len);
}

static void
check_preimage (const UmkTx *tx, uint32_t n_in, const uint8_t *code, size_t code_len,
                int32_t hash_type, GByteArray *preimage)
{
  append_le32 (preimage, (uint32_t) hash_type);
  uint8_t want[32], got[32];
  umk_sha256d (preimage->data, preimage->len, want);
  umk_sighash_legacy (tx, n_in, code, code_len, hash_type, got);
  g_assert_cmpmem (got, 32, want, 32);
}

static void
test_legacy_preimage (void)
{
  g_autoptr (UmkTx) tx = make_tx (3, 3);
  /* OP_1 OP_CODESEPARATOR OP_2 OP_CODESEPARATOR OP_CODESEPARATOR <ab> OP_CODESEPARATOR */
  const uint8_t code[] = { 0x51, 0xab, 0x52, 0xab, 0xab, 0x01, 0xab, 0xab };
  const uint8_t stripped[] = { 0x51, 0x52, 0x01, 0xab };

  /* SINGLE at input 1: input 0 and 2 blanked with sequence 0; output 0 null */
  g_autoptr (GByteArray) p = g_byte_array_new ();
  append_le32 (p, tx->version);
  guint8 b = 3;
  g_byte_array_append (p, &b, 1);
  for (uint32_t i = 0; i < 3; i++)
    {
      append_outpoint (p, &tx->in[i]);
      if (i == 1)
        {
          b = sizeof stripped;
          g_byte_array_append (p, &b, 1);
          g_byte_array_append (p, stripped, sizeof stripped);
          append_le32 (p, tx->in[i].sequence);
        }
      else
        {
          b = 0;
          g_byte_array_append (p, &b, 1);
          append_le32 (p, 0);
        }
    }
  b = 2;
  g_byte_array_append (p, &b, 1);
  append_le64 (p, UINT64_MAX);
  b = 0;
  g_byte_array_append (p, &b, 1);
  append_out (p, &tx->out[1]);
  append_le32 (p, tx->lock_time);
  check_preimage (tx, 1, code, sizeof code, UMK_SIGHASH_SINGLE, p);

  /* NONE|ANYONECANPAY at input 2: only that input, with its own sequence */
  g_byte_array_set_size (p, 0);
  append_le32 (p, tx->version);
  b = 1;
  g_byte_array_append (p, &b, 1);
  append_outpoint (p, &tx->in[2]);
  b = sizeof stripped;
  g_byte_array_append (p, &b, 1);
  g_byte_array_append (p, stripped, sizeof stripped);
  append_le32 (p, tx->in[2].sequence);
  b = 0;
  g_byte_array_append (p, &b, 1);
  append_le32 (p, tx->lock_time);
  check_preimage (tx, 2, code, sizeof code, UMK_SIGHASH_NONE | UMK_SIGHASH_ANYONECANPAY, p);

  /* ALL at input 0 with a scriptCode that ends in a truncated push: Core's
   * length prefix counts the whole script minus the separators, but only the
   * bytes up to where its cursor stopped (after the push's opcode and any
   * complete length field) are hashed. */
  const struct
  {
    uint8_t code[8];
    size_t len;
    uint8_t hashed[8];
    size_t hashed_len;
  } truncated[] = {
    { { 0xab, 0x05, 0x01, 0x02 }, 4, { 0x05 }, 1 },
    { { 0x51, 0xab, 0x4c }, 3, { 0x51, 0x4c }, 2 },
    { { 0xab, 0x4c, 0x09, 0x01 }, 4, { 0x4c, 0x09 }, 2 },
    { { 0x4d, 0x03 }, 2, { 0x4d }, 1 },
    { { 0x4d, 0x03, 0x00, 0x01, 0xab }, 5, { 0x4d, 0x03, 0x00 }, 3 },
    { { 0xab, 0x4e, 0x01, 0x00, 0x00 }, 5, { 0x4e }, 1 },
  };
  for (size_t k = 0; k < G_N_ELEMENTS (truncated); k++)
    {
      g_byte_array_set_size (p, 0);
      append_le32 (p, tx->version);
      b = 3;
      g_byte_array_append (p, &b, 1);
      for (uint32_t i = 0; i < 3; i++)
        {
          append_outpoint (p, &tx->in[i]);
          if (i == 0)
            {
              size_t separators = truncated[k].code[0] == 0xab || truncated[k].code[1] == 0xab;
              b = (guint8) (truncated[k].len - separators);
              g_byte_array_append (p, &b, 1);
              g_byte_array_append (p, truncated[k].hashed, (guint) truncated[k].hashed_len);
            }
          else
            {
              b = 0;
              g_byte_array_append (p, &b, 1);
            }
          append_le32 (p, tx->in[i].sequence);
        }
      b = 3;
      g_byte_array_append (p, &b, 1);
      for (uint32_t i = 0; i < 3; i++)
        append_out (p, &tx->out[i]);
      append_le32 (p, tx->lock_time);
      check_preimage (tx, 0, truncated[k].code, truncated[k].len, UMK_SIGHASH_ALL, p);
    }
}

/* Spent outputs for make_tx()'s inputs: taproot outputs of distinct keys. */
typedef struct
{
  uint8_t scripts[4][34];
  UmkTxOut outs[4];
} Spent;

static void
make_spent (Spent *s, unsigned n)
{
  g_assert_cmpuint (n, <=, 4);
  for (unsigned i = 0; i < n; i++)
    {
      s->scripts[i][0] = 0x51;
      s->scripts[i][1] = 0x20;
      memset (s->scripts[i] + 2, 0x70 + (int) i, 32);
      s->outs[i].value = 100000 * (int64_t) (i + 1);
      s->outs[i].script_pubkey.data = s->scripts[i];
      s->outs[i].script_pubkey.len = 34;
    }
}

static void
test_taproot_undefined (void)
{
  g_autoptr (UmkTx) tx = make_tx (2, 1);
  Spent spent;
  make_spent (&spent, 2);
  UmkTxSigData d;
  umk_tx_sigdata_init (&d, tx, spent.outs, false);
  g_assert_true (d.bip341_ready);
  g_assert_false (d.bip143_ready); /* input 0's witness spends a taproot output */

  UmkTaprootExec exec = { .codesep_pos = 0xffffffffu };
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  g_byte_array_append (msg, (const guint8 *) "xy", 2);
  uint8_t h[32];
  for (unsigned t = 0; t < 256; t++)
    {
      bool defined = t <= 3 || (t >= 0x81 && t <= 0x83);
      g_assert_cmpint (
          umk_sighash_taproot (tx, 0, (uint8_t) t, UMK_SIGVERSION_TAPROOT, &d, &exec, h), ==,
          defined);
      g_assert_cmpint (
          umk_sighash_taproot (tx, 0, (uint8_t) t, UMK_SIGVERSION_TAPSCRIPT, &d, &exec, h), ==,
          defined);
      bool ok
          = umk_sighash_taproot_msg (msg, tx, 0, (uint8_t) t, UMK_SIGVERSION_TAPROOT, &d, &exec);
      g_assert_cmpint (ok, ==, defined);
      if (!ok)
        g_assert_cmpuint (msg->len, ==, 2);
      g_byte_array_set_size (msg, 2);
    }
  g_assert_false (umk_sighash_taproot (tx, 0, 0x04, UMK_SIGVERSION_TAPROOT, &d, &exec, h));
  g_assert_false (umk_sighash_taproot (tx, 0, 0x84, UMK_SIGVERSION_TAPROOT, &d, &exec, h));

  /* SINGLE at input 1, past the one output */
  g_assert_true (umk_sighash_taproot (tx, 0, 0x03, UMK_SIGVERSION_TAPROOT, &d, &exec, h));
  g_assert_true (umk_sighash_taproot (tx, 1, 0x01, UMK_SIGVERSION_TAPROOT, &d, &exec, h));
  g_assert_false (umk_sighash_taproot (tx, 1, 0x03, UMK_SIGVERSION_TAPROOT, &d, &exec, h));
  g_assert_false (umk_sighash_taproot (tx, 1, 0x83, UMK_SIGVERSION_TAPSCRIPT, &d, &exec, h));
  g_assert_false (umk_sighash_taproot_msg (msg, tx, 1, 0x83, UMK_SIGVERSION_TAPROOT, &d, &exec));
  g_assert_cmpuint (msg->len, ==, 2);

  /* without the spent outputs there is nothing to sign */
  g_assert_false (umk_sighash_taproot (tx, 0, 0x00, UMK_SIGVERSION_TAPROOT, NULL, &exec, h));
  UmkTxSigData none;
  umk_tx_sigdata_init (&none, tx, NULL, true);
  g_assert_true (none.bip143_ready);
  g_assert_false (none.bip341_ready);
  g_assert_false (umk_sighash_taproot (tx, 0, 0x00, UMK_SIGVERSION_TAPROOT, &none, &exec, h));
  g_assert_false (umk_sighash_taproot_msg (msg, tx, 0, 0x00, UMK_SIGVERSION_TAPROOT, &none, &exec));
  g_assert_cmpuint (msg->len, ==, 2);
}

/* What the sigdata flags say after init for the different kinds of spends. */
static void
test_sigdata_init (void)
{
  g_autoptr (UmkTx) tx = make_tx (2, 2);
  Spent spent;
  make_spent (&spent, 2);
  UmkTxSigData d;

  /* input 0 (with a witness) spends P2WPKH: only BIP 143 */
  uint8_t p2wpkh[22] = { 0x00, 0x14 };
  UmkTxOut mixed[2] = { { 5, { p2wpkh, sizeof p2wpkh } }, spent.outs[1] };
  umk_tx_sigdata_init (&d, tx, mixed, false);
  g_assert_true (d.bip143_ready);
  g_assert_false (d.bip341_ready);
  g_assert_true (d.spent_outputs == mixed);

  umk_tx_sigdata_init (&d, tx, mixed, true);
  g_assert_true (d.bip143_ready);
  g_assert_true (d.bip341_ready);

  /* the BIP 143 hashes are the single ones hashed once more */
  uint8_t again[32];
  umk_sha256 (d.prevouts_single, 32, again);
  g_assert_cmpmem (again, 32, d.hash_prevouts, 32);
  umk_sha256 (d.sequences_single, 32, again);
  g_assert_cmpmem (again, 32, d.hash_sequence, 32);
  umk_sha256 (d.outputs_single, 32, again);
  g_assert_cmpmem (again, 32, d.hash_outputs, 32);

  /* a legacy-only transaction needs neither */
  g_autoptr (UmkTx) legacy = tx_from_hex (p2sh_p2wpkh_tx);
  umk_tx_sigdata_init (&d, legacy, NULL, false);
  g_assert_false (d.bip143_ready);
  g_assert_false (d.bip341_ready);
}

/* The message's parts that the wallet vectors (key path, no annex) leave
 * untested: the annex and the tapscript extension, against the key-path
 * message of the same input. */
static void
test_taproot_msg_structure (void)
{
  g_autoptr (UmkTx) tx = make_tx (3, 3);
  Spent spent;
  make_spent (&spent, 3);
  UmkTxSigData d;
  umk_tx_sigdata_init (&d, tx, spent.outs, false);
  g_assert_true (d.bip341_ready);

  const uint8_t types[] = { 0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83 };
  for (size_t i = 0; i < G_N_ELEMENTS (types); i++)
    for (uint32_t n_in = 0; n_in < 3; n_in++)
      {
        uint8_t t = types[i];
        UmkTaprootExec plain = { 0 };
        UmkTaprootExec annexed = { .annex_present = true };
        memset (annexed.annex_hash, 0xa5, 32);
        UmkTaprootExec script = { .codesep_pos = 0x01020304 };
        memset (script.tapleaf_hash, 0x5a, 32);
        script.annex_present = true;
        memset (script.annex_hash, 0xa5, 32);

        g_autoptr (GByteArray) base = g_byte_array_new ();
        g_autoptr (GByteArray) with_annex = g_byte_array_new ();
        g_autoptr (GByteArray) tapscript = g_byte_array_new ();
        g_assert_true (
            umk_sighash_taproot_msg (base, tx, n_in, t, UMK_SIGVERSION_TAPROOT, &d, &plain));
        g_assert_true (umk_sighash_taproot_msg (with_annex, tx, n_in, t, UMK_SIGVERSION_TAPROOT, &d,
                                                &annexed));
        g_assert_true (umk_sighash_taproot_msg (tapscript, tx, n_in, t, UMK_SIGVERSION_TAPSCRIPT,
                                                &d, &script));

        /* epoch, type, version, lock time, then the transaction's hashes */
        bool acp = (t & 0x80) != 0;
        unsigned out_type = t == 0 ? 1 : t & 3;
        size_t spend_type_at = 10 + (acp ? 0 : 128) + (out_type == 1 ? 32 : 0);
        size_t input_len = acp ? 36 + 8 + 1 + 34 + 4 : 4;
        size_t single_len = out_type == 3 ? 32 : 0;
        g_assert_cmpuint (base->data[0], ==, 0);
        g_assert_cmpuint (base->data[1], ==, t);
        g_assert_cmpuint (base->len, ==, spend_type_at + 1 + input_len + single_len);
        g_assert_cmpuint (base->data[spend_type_at], ==, 0);
        g_assert_cmpuint (with_annex->data[spend_type_at], ==, 1);
        g_assert_cmpuint (tapscript->data[spend_type_at], ==, 3);
        if (!acp)
          g_assert_cmpuint (umk_load_u32le (base->data + spend_type_at + 1), ==, n_in);

        /* the annex hash sits after the input's data, before the output's */
        size_t annex_at = spend_type_at + 1 + input_len;
        g_assert_cmpuint (with_annex->len, ==, base->len + 32);
        g_assert_cmpmem (with_annex->data, spend_type_at, base->data, spend_type_at);
        g_assert_cmpmem (with_annex->data + spend_type_at + 1, input_len,
                         base->data + spend_type_at + 1, input_len);
        g_assert_cmpmem (with_annex->data + annex_at, 32, annexed.annex_hash, 32);
        g_assert_cmpmem (with_annex->data + annex_at + 32, single_len, base->data + annex_at,
                         single_len);

        /* tapscript: the same, then leaf hash, key version 0, separator position */
        g_assert_cmpuint (tapscript->len, ==, with_annex->len + 37);
        g_assert_cmpmem (tapscript->data + spend_type_at + 1, with_annex->len - spend_type_at - 1,
                         with_annex->data + spend_type_at + 1, with_annex->len - spend_type_at - 1);
        g_assert_cmpmem (tapscript->data + with_annex->len, 32, script.tapleaf_hash, 32);
        g_assert_cmpuint (tapscript->data[with_annex->len + 32], ==, 0);
        g_assert_cmpuint (umk_load_u32le (tapscript->data + with_annex->len + 33), ==, 0x01020304);

        /* the hash is the tagged hash of the message, for each sigversion */
        uint8_t want[32], got[32];
        umk_tagged_hash ("TapSighash", tapscript->data, tapscript->len, want);
        g_assert_true (
            umk_sighash_taproot (tx, n_in, t, UMK_SIGVERSION_TAPSCRIPT, &d, &script, got));
        g_assert_cmpmem (got, 32, want, 32);
        umk_tagged_hash ("TapSighash", with_annex->data, with_annex->len, want);
        g_assert_true (
            umk_sighash_taproot (tx, n_in, t, UMK_SIGVERSION_TAPROOT, &d, &annexed, got));
        g_assert_cmpmem (got, 32, want, 32);
        /* key path: the tapscript fields are not read */
        umk_tagged_hash ("TapSighash", base->data, base->len, want);
        UmkTaprootExec noise = { .codesep_pos = 7 };
        memset (noise.tapleaf_hash, 0x99, 32);
        g_assert_true (umk_sighash_taproot (tx, n_in, t, UMK_SIGVERSION_TAPROOT, &d, &noise, got));
        g_assert_cmpmem (got, 32, want, 32);
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sighash/vectors", test_vectors);
  g_test_add_func ("/sighash/bip143", test_bip143);
  g_test_add_func ("/sighash/single-out-of-range", test_single_out_of_range);
  g_test_add_func ("/sighash/legacy-preimage", test_legacy_preimage);
  g_test_add_func ("/sighash/sigdata-init", test_sigdata_init);
  g_test_add_func ("/sighash/taproot-undefined", test_taproot_undefined);
  g_test_add_func ("/sighash/taproot-msg-structure", test_taproot_msg_structure);
  return g_test_run ();
}
