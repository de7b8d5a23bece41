/* test-sign.c — signing transaction inputs (common/sign): Core's Solver,
 * signatures byte for byte against published vectors (BIP 143's native P2WPKH
 * spend as Core's wallet_signrawtransactionwithwallet.py shows it signed,
 * BIP 143's P2SH-P2WPKH spend, BIP 341's key-path spends), every script type
 * and hash type verified with the interpreter, and Core's errors for what
 * cannot be signed.
 */
#include "config.h"

#include "common/chainparams.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/script.h"
#include "common/serialize.h"
#include "common/sign.h"
#include "common/taproot.h"
#include "test-util.h"

#include <string.h>

/* ---- helpers ---- */

static const uint8_t op_return_one[] = { UMK_OP_RETURN, 1, 1 };

static UmkTx *
tx_from_hex (const char *hex)
{
  g_autoptr (GByteArray) b = umk_test_hex (hex);
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_new_from_data (b->data, b->len, &error);
  g_assert_no_error (error);
  return tx;
}

static UmkTx *
builder_to_tx (const UmkTxBuilder *b)
{
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  return tx;
}

static char *
builder_hex (const UmkTxBuilder *b)
{
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  umk_tx_builder_write (b, raw);
  return umk_hex_encode (raw->data, raw->len);
}

static void
make_seckey (uint8_t key[32], uint8_t seed)
{
  for (int i = 0; i < 32; i++)
    key[i] = (uint8_t) (seed * 7 + i);
  key[0] = 0x3f; /* well below the group order */
}

typedef struct
{
  uint8_t sec[32];
  uint8_t pub[65];
  size_t pub_len;
  bool compressed;
} TestKey;

static void
test_key (TestKey *k, uint8_t seed, bool compressed)
{
  make_seckey (k->sec, seed);
  k->compressed = compressed;
  g_assert_true (umk_seckey_get_pubkey (k->sec, compressed, k->pub, &k->pub_len));
}

static GByteArray *
script_p2pk (const TestKey *k)
{
  GByteArray *s = g_byte_array_new ();
  umk_script_write_push (s, k->pub, k->pub_len);
  umk_write_u8 (s, UMK_OP_CHECKSIG);
  return s;
}

static GByteArray *
script_p2pkh (const TestKey *k)
{
  uint8_t h[20];
  umk_hash160 (k->pub, k->pub_len, h);
  GByteArray *s = g_byte_array_new ();
  uint8_t pre[] = { UMK_OP_DUP, UMK_OP_HASH160, 20 };
  g_byte_array_append (s, pre, 3);
  g_byte_array_append (s, h, 20);
  uint8_t post[] = { UMK_OP_EQUALVERIFY, UMK_OP_CHECKSIG };
  g_byte_array_append (s, post, 2);
  return s;
}

static GByteArray *
script_p2wpkh (const TestKey *k)
{
  GByteArray *s = g_byte_array_new ();
  uint8_t pre[] = { UMK_OP_0, 20 };
  g_byte_array_append (s, pre, 2);
  g_byte_array_set_size (s, 22);
  umk_hash160 (k->pub, k->pub_len, s->data + 2);
  return s;
}

static GByteArray *
script_p2sh (const GByteArray *inner)
{
  GByteArray *s = g_byte_array_new ();
  g_byte_array_set_size (s, 23);
  s->data[0] = UMK_OP_HASH160;
  s->data[1] = 20;
  umk_hash160 (inner->data, inner->len, s->data + 2);
  s->data[22] = UMK_OP_EQUAL;
  return s;
}

static GByteArray *
script_p2wsh (const GByteArray *inner)
{
  GByteArray *s = g_byte_array_new ();
  g_byte_array_set_size (s, 34);
  s->data[0] = UMK_OP_0;
  s->data[1] = 32;
  umk_sha256 (inner->data, inner->len, s->data + 2);
  return s;
}

static GByteArray *
script_multisig (int m, const TestKey *keys, int n)
{
  GByteArray *s = g_byte_array_new ();
  umk_script_write_int (s, m);
  for (int i = 0; i < n; i++)
    umk_script_write_push (s, keys[i].pub, keys[i].pub_len);
  umk_script_write_int (s, n);
  umk_write_u8 (s, UMK_OP_CHECKMULTISIG);
  return s;
}

static GByteArray *
script_p2tr (const uint8_t output[32])
{
  GByteArray *s = g_byte_array_new ();
  uint8_t pre[] = { UMK_OP_1, 32 };
  g_byte_array_append (s, pre, 2);
  g_byte_array_append (s, output, 32);
  return s;
}

/* A transaction spending n outputs (made-up prevouts) into n outputs. */
static UmkTx *
spending_tx (guint n_in, guint n_out)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  for (guint i = 0; i < n_in; i++)
    {
      UmkOutPoint o;
      memset (o.hash.b, 0xa0 + (int) i, 32);
      o.n = i;
      umk_tx_builder_add_input (b, &o, UMK_SEQUENCE_FINAL - 2);
    }
  for (guint i = 0; i < n_out; i++)
    {
      uint8_t spk[] = { UMK_OP_RETURN, 1, (uint8_t) i };
      umk_tx_builder_add_output (b, 1000 + i, spk, sizeof spk);
    }
  return builder_to_tx (b);
}

/* Checks every input of signed against its coin with the standard flags. */
static void
assert_all_verify (const UmkTx *signed_tx, const UmkTxOut *coins)
{
  UmkTxSigData sd;
  umk_tx_sigdata_init (&sd, signed_tx, coins, true);
  for (uint32_t i = 0; i < signed_tx->n_in; i++)
    {
      UmkScriptError err;
      if (!umk_verify_input (signed_tx, i, &coins[i], UMK_SIGN_STANDARD_FLAGS, &sd, &err))
        g_error ("input %u does not verify: %s", i, umk_script_error_name (err));
    }
}

/* ---- Solver ---- */

static void
test_solver (void)
{
  static const struct
  {
    const char *hex;
    UmkTxoutType type;
  } cases[] = {
    { "a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87", UMK_TXOUT_SCRIPTHASH },
    { "0014eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", UMK_TXOUT_WITNESS_V0_KEYHASH },
    { "0020eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      UMK_TXOUT_WITNESS_V0_SCRIPTHASH },
    { "5120eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      UMK_TXOUT_WITNESS_V1_TAPROOT },
    { "51024e73", UMK_TXOUT_ANCHOR },
    { "5102eeee", UMK_TXOUT_WITNESS_UNKNOWN },
    { "0015eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", UMK_TXOUT_NONSTANDARD },
    { "6a00", UMK_TXOUT_NULL_DATA },
    { "6a", UMK_TXOUT_NULL_DATA },
    { "6aee", UMK_TXOUT_NONSTANDARD },
    { "6a02ee", UMK_TXOUT_NONSTANDARD },
    { "2103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb2ac", UMK_TXOUT_PUBKEY },
    { "2104b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb2ac",
      UMK_TXOUT_NONSTANDARD },
    { "76a9145dd1d3a048119c27b28293056724d9522f26d94588ac", UMK_TXOUT_PUBKEYHASH },
    { "512103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb251ae",
      UMK_TXOUT_MULTISIG },
    /* m greater than n, n not matching the keys, a trailing byte */
    { "522103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb251ae",
      UMK_TXOUT_NONSTANDARD },
    { "512103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb252ae",
      UMK_TXOUT_NONSTANDARD },
    { "512103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb25151ae",
      UMK_TXOUT_NONSTANDARD },
    /* m as a non-minimal push */
    { "01012103b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb251ae",
      UMK_TXOUT_NONSTANDARD },
    { "", UMK_TXOUT_NONSTANDARD },
    { "ae", UMK_TXOUT_NONSTANDARD },
    { "4c", UMK_TXOUT_NONSTANDARD },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) s = umk_test_hex (cases[i].hex);
      UmkSolution sol;
      UmkTxoutType t = umk_sign_solve (s->data, s->len, &sol);
      if (t != cases[i].type)
        g_error ("%s: %s, expected %s", cases[i].hex, umk_txout_type_name (t),
                 umk_txout_type_name (cases[i].type));
    }
  g_assert_cmpstr (umk_txout_type_name (UMK_TXOUT_WITNESS_V1_TAPROOT), ==, "witness_v1_taproot");

  /* 20 keys is the most a multisig may have; 21 is nonstandard. */
  for (int n = 20; n <= 21; n++)
    {
      TestKey keys[21];
      for (int i = 0; i < n; i++)
        test_key (&keys[i], (uint8_t) (i + 1), true);
      g_autoptr (GByteArray) ms = script_multisig (1, keys, n);
      UmkSolution sol;
      g_assert_cmpint (umk_sign_solve (ms->data, ms->len, &sol), ==,
                       n == 20 ? UMK_TXOUT_MULTISIG : UMK_TXOUT_NONSTANDARD);
      if (n == 20)
        g_assert_cmpint (sol.n_keys, ==, 20);
    }
}

/* ---- byte-for-byte vectors ---- */

static const char bip143_p2wpkh_unsigned[]
    = "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eef"
      "fffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff"
      "02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d00000000"
      "1976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";

static void
test_bip143_p2wpkh (void)
{
  g_autoptr (UmkTx) tx = tx_from_hex (bip143_p2wpkh_unsigned);
  g_autoptr (GByteArray) spk0
      = umk_test_hex ("2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac");
  g_autoptr (GByteArray) spk1 = umk_test_hex ("00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1");
  UmkTxOut coins[2] = {
    { 625000000, { spk0->data, spk0->len } },
    { 600000000, { spk1->data, spk1->len } },
  };
  bool found[2] = { true, true };
  g_autoptr (GByteArray) k0
      = umk_test_hex ("bbc27228ddcb9209d7fd6f36b02f7dfa6252af40bb2f1cbc7a557da8027ff866");
  g_autoptr (GByteArray) k1
      = umk_test_hex ("619c335025c7f4012e556c2a58b2506e30b8511b53ade95ea316fd8c3286feb9");

  /* Only the segwit key: its input is signed as Core signed it, the other
   * one reports the missing key. */
  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p, k1->data, true));
  g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));
  g_autoptr (UmkTxBuilder) b = umk_sign_transaction (tx, p, coins, found, UMK_SIGHASH_ALL, errors);
  g_autofree char *hex = builder_hex (b);
  g_assert_cmpstr (
      hex, ==,
      "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000"
      "eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffff"
      "ff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d0000000"
      "01976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bf"
      "a610b5b4542f32a8a0d5447a12fb1366d7f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43"
      "c212a8caed02de67eebee0121025476c2e83188368da1ff3e292e7acafcdb3566bb0ad253f62fc70f07aeee63"
      "5711000000");
  g_assert_cmpuint (errors->len, ==, 1);
  UmkSignInputError *e = &g_array_index (errors, UmkSignInputError, 0);
  g_assert_cmpuint (e->input, ==, 0);
  g_assert_cmpint (e->kind, ==, UMK_SIGN_ERR_SCRIPT);
  g_assert_cmpint (e->script_error, ==, UMK_SCRIPT_ERR_INVALID_STACK_OPERATION);
  g_assert_cmpstr (e->message, ==,
                   "Unable to sign input, invalid stack size (possibly missing key)");

  /* Both keys: complete. The P2PK signature's first nonce gives a high R
   * (BIP 143 shows it, 72 bytes); Core grinds to a low one. */
  g_assert_true (umk_sign_provider_add_key (p, k0->data, true));
  g_autoptr (UmkTxBuilder) b2 = umk_sign_transaction (tx, p, coins, found, UMK_SIGHASH_ALL, errors);
  g_assert_cmpuint (errors->len, ==, 0);
  g_autoptr (UmkTx) signed_tx = builder_to_tx (b2);
  assert_all_verify (signed_tx, coins);
  const UmkSpan *sig0 = &signed_tx->in[0].script_sig;
  g_assert_cmpuint (sig0->len, ==, 1 + 71);
  g_assert_cmpuint (sig0->data[5], <, 0x80);

  /* Signing a complete transaction again changes nothing. */
  g_autoptr (UmkTxBuilder) b3
      = umk_sign_transaction (signed_tx, p, coins, found, UMK_SIGHASH_NONE, errors);
  g_assert_cmpuint (errors->len, ==, 0);
  g_autofree char *again = builder_hex (b3);
  g_autofree char *before = builder_hex (b2);
  g_assert_cmpstr (again, ==, before);
}

static void
test_bip143_p2sh_p2wpkh (void)
{
  g_autoptr (UmkTx) tx = tx_from_hex (
      "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feff"
      "ffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f00000000"
      "1976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac92040000");
  g_autoptr (GByteArray) spk = umk_test_hex ("a9144733f37cf4db86fbc2efed2500b4f4e49f31202387");
  g_autoptr (GByteArray) redeem = umk_test_hex ("001479091972186c449eb1ded22b78e40d009bdf0089");
  g_autoptr (GByteArray) key
      = umk_test_hex ("eb696a065ef48a2192da5b28b694f87544b30fae8327c4510137a922f32c6dcf");
  UmkTxOut coins[1] = { { 1000000000, { spk->data, spk->len } } };
  bool found[1] = { true };
  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p, key->data, true));
  g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));

  /* Without the redeem script nothing can be done. */
  g_autoptr (UmkTxBuilder) none = umk_sign_transaction (tx, p, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (g_array_index (errors, UmkSignInputError, 0).message, ==,
                   "Unable to sign input, invalid stack size (possibly missing key)");

  umk_sign_provider_add_script (p, redeem->data, redeem->len);
  g_autoptr (UmkTxBuilder) b = umk_sign_transaction (tx, p, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 0);
  g_autofree char *hex = builder_hex (b);
  /* BIP 143's signed transaction. */
  g_assert_cmpstr (
      hex, ==,
      "01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a547701000000171600"
      "1479091972186c449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0d53"
      "9a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d7"
      "7c88ac02473044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f8288e5d794d12d482f0220217f3"
      "6a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb012103ad1d8e89212f0b92c74d23bb7"
      "10c00662ad1470198ac48c43f7d6f93a2a2687392040000");
}

/* BIP 341's key-path spends, signed through a provider that knows each
 * input's internal key and script tree root: the same witnesses. */
static void
test_bip341_key_path (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("bip341_wallet_vectors.json");
  JsonArray *kps = json_object_get_array_member (json_node_get_object (root), "keyPathSpending");
  UmkTally tally;
  umk_tally_init (&tally, "bip341_wallet_vectors.json keyPathSpending");
  for (guint v = 0; v < json_array_get_length (kps); v++)
    {
      JsonObject *given
          = json_object_get_object_member (json_array_get_object_element (kps, v), "given");
      g_autoptr (UmkTx) tx = tx_from_hex (json_object_get_string_member (given, "rawUnsignedTx"));
      JsonArray *utxos = json_object_get_array_member (given, "utxosSpent");
      guint n = json_array_get_length (utxos);
      g_assert_cmpuint (n, ==, tx->n_in);
      g_autoptr (GPtrArray) scripts
          = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
      g_autofree UmkTxOut *coins = g_new0 (UmkTxOut, n);
      g_autofree bool *found = g_new0 (bool, n);
      for (guint i = 0; i < n; i++)
        {
          JsonObject *u = json_array_get_object_element (utxos, i);
          GByteArray *s = umk_test_hex (json_object_get_string_member (u, "scriptPubKey"));
          g_ptr_array_add (scripts, s);
          coins[i].value = json_object_get_int_member (u, "amountSats");
          coins[i].script_pubkey.data = s->data;
          coins[i].script_pubkey.len = s->len;
          found[i] = true;
        }
      JsonArray *spends
          = json_object_get_array_member (json_array_get_object_element (kps, v), "inputSpending");
      for (guint s = 0; s < json_array_get_length (spends); s++)
        {
          JsonObject *o = json_array_get_object_element (spends, s);
          JsonObject *g = json_object_get_object_member (o, "given");
          guint idx = (guint) json_object_get_int_member (g, "txinIndex");
          g_autoptr (GByteArray) key
              = umk_test_hex (json_object_get_string_member (g, "internalPrivkey"));
          JsonNode *mr = json_object_get_member (g, "merkleRoot");
          g_autoptr (GByteArray) merkle
              = JSON_NODE_HOLDS_NULL (mr) ? NULL : umk_test_hex (json_node_get_string (mr));
          int hash_type = (int) json_object_get_int_member (g, "hashType");
          uint8_t internal[32];
          g_assert_true (umk_seckey_get_xonly (key->data, internal));

          g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
          g_assert_true (umk_sign_provider_add_key (p, key->data, true));
          g_assert_true (umk_sign_provider_add_taproot (p, internal, merkle ? merkle->data : NULL));
          g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));
          g_autoptr (UmkTxBuilder) b
              = umk_sign_transaction (tx, p, coins, found, hash_type, errors);
          const UmkTxBuilderIn *in = &g_array_index (b->in, UmkTxBuilderIn, idx);
          JsonArray *want = json_object_get_array_member (
              json_object_get_object_member (o, "expected"), "witness");
          bool ok = in->witness->len == json_array_get_length (want);
          g_autofree char *got = NULL;
          if (ok)
            {
              const GByteArray *item = in->witness->pdata[0];
              got = umk_hex_encode (item->data, item->len);
              ok = strcmp (got, json_array_get_string_element (want, 0)) == 0;
            }
          /* This input is complete; the others are not signed. */
          for (guint e = 0; e < errors->len; e++)
            ok = ok && g_array_index (errors, UmkSignInputError, e).input != idx;
          umk_tally_case (&tally, ok, "tx %u input %u: got %s", v, idx, got ? got : "nothing");
        }
    }
  umk_tally_finish (&tally);
}

/* ---- every script type and hash type ---- */

typedef struct
{
  const char *name;
  GByteArray *spk;
  bool witness; /* signed through a witness */
  bool schnorr;
} Case;

static void
case_clear (gpointer p)
{
  Case *c = p;
  g_byte_array_unref (c->spk);
}

static void
add_case (GArray *cases, const char *name, GByteArray *spk, bool witness, bool schnorr)
{
  Case c = { name, spk, witness, schnorr };
  g_array_append_val (cases, c);
}

static void
test_matrix (void)
{
  TestKey kc[3], ku;
  for (int i = 0; i < 3; i++)
    test_key (&kc[i], (uint8_t) (10 + i), true);
  test_key (&ku, 20, false);
  TestKey tr_raw, tr_86, tr_tree;
  test_key (&tr_raw, 30, true);
  test_key (&tr_86, 31, true);
  test_key (&tr_tree, 32, true);
  uint8_t x_raw[32], x_86[32], x_tree[32], out_86[32], out_tree[32], tree_root[32];
  int parity;
  g_assert_true (umk_seckey_get_xonly (tr_raw.sec, x_raw));
  g_assert_true (umk_seckey_get_xonly (tr_86.sec, x_86));
  g_assert_true (umk_seckey_get_xonly (tr_tree.sec, x_tree));
  memset (tree_root, 0x42, 32);
  g_assert_true (umk_taproot_output_key (x_86, NULL, out_86, &parity));
  g_assert_true (umk_taproot_output_key (x_tree, tree_root, out_tree, &parity));

  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  for (int i = 0; i < 3; i++)
    g_assert_true (umk_sign_provider_add_key (p, kc[i].sec, true));
  g_assert_true (umk_sign_provider_add_key (p, ku.sec, false));
  g_assert_true (umk_sign_provider_add_key (p, tr_raw.sec, true));
  g_assert_true (umk_sign_provider_add_key (p, tr_86.sec, true));
  g_assert_true (umk_sign_provider_add_key (p, tr_tree.sec, true));
  g_assert_true (umk_sign_provider_add_taproot (p, x_86, NULL));
  g_assert_true (umk_sign_provider_add_taproot (p, x_tree, tree_root));

  g_autoptr (GArray) cases = g_array_new (FALSE, FALSE, sizeof (Case));
  g_array_set_clear_func (cases, case_clear);
  add_case (cases, "P2PK", script_p2pk (&kc[0]), false, false);
  add_case (cases, "P2PK uncompressed", script_p2pk (&ku), false, false);
  add_case (cases, "P2PKH", script_p2pkh (&kc[1]), false, false);
  add_case (cases, "P2PKH uncompressed", script_p2pkh (&ku), false, false);
  add_case (cases, "bare 1-of-2", script_multisig (1, kc, 2), false, false);
  add_case (cases, "P2WPKH", script_p2wpkh (&kc[2]), true, false);

  g_autoptr (GByteArray) wpkh = script_p2wpkh (&kc[0]);
  umk_sign_provider_add_script (p, wpkh->data, wpkh->len);
  add_case (cases, "P2SH-P2WPKH", script_p2sh (wpkh), true, false);

  g_autoptr (GByteArray) ms23 = script_multisig (2, kc, 3);
  umk_sign_provider_add_script (p, ms23->data, ms23->len);
  add_case (cases, "P2SH 2-of-3", script_p2sh (ms23), false, false);
  add_case (cases, "P2WSH 2-of-3", script_p2wsh (ms23), true, false);
  g_autoptr (GByteArray) wsh_ms = script_p2wsh (ms23);
  umk_sign_provider_add_script (p, wsh_ms->data, wsh_ms->len);
  add_case (cases, "P2SH-P2WSH 2-of-3", script_p2sh (wsh_ms), true, false);

  g_autoptr (GByteArray) pkh = script_p2pkh (&kc[1]);
  umk_sign_provider_add_script (p, pkh->data, pkh->len);
  add_case (cases, "P2WSH P2PKH", script_p2wsh (pkh), true, false);
  g_autoptr (GByteArray) pk = script_p2pk (&kc[2]);
  umk_sign_provider_add_script (p, pk->data, pk->len);
  g_autoptr (GByteArray) wsh_pk = script_p2wsh (pk);
  umk_sign_provider_add_script (p, wsh_pk->data, wsh_pk->len);
  add_case (cases, "P2SH-P2WSH P2PK", script_p2sh (wsh_pk), true, false);
  g_autoptr (GByteArray) pk_u = script_p2pk (&ku);
  umk_sign_provider_add_script (p, pk_u->data, pk_u->len);
  add_case (cases, "P2SH P2PK uncompressed", script_p2sh (pk_u), false, false);

  add_case (cases, "P2TR key = output key", script_p2tr (x_raw), true, true);
  add_case (cases, "P2TR BIP 86", script_p2tr (out_86), true, true);
  add_case (cases, "P2TR key path with tree", script_p2tr (out_tree), true, true);

  static const int hash_types[] = {
    UMK_SIGHASH_DEFAULT,
    UMK_SIGHASH_ALL,
    UMK_SIGHASH_NONE,
    UMK_SIGHASH_SINGLE,
    UMK_SIGHASH_ALL | UMK_SIGHASH_ANYONECANPAY,
    UMK_SIGHASH_NONE | UMK_SIGHASH_ANYONECANPAY,
    UMK_SIGHASH_SINGLE | UMK_SIGHASH_ANYONECANPAY,
  };
  guint n = cases->len;
  g_autoptr (UmkTx) tx = spending_tx (n + 1, n + 1);
  g_autofree UmkTxOut *coins = g_new0 (UmkTxOut, n + 1);
  g_autofree bool *found = g_new0 (bool, n + 1);
  for (guint i = 0; i < n; i++)
    {
      const Case *c = &g_array_index (cases, Case, i);
      coins[i].value = 100000 + i;
      coins[i].script_pubkey.data = c->spk->data;
      coins[i].script_pubkey.len = c->spk->len;
      found[i] = true;
    }
  /* And a pay-to-anchor output, which needs nothing. */
  static const uint8_t anchor[] = { UMK_OP_1, 2, 0x4e, 0x73 };
  coins[n].value = 240;
  coins[n].script_pubkey.data = anchor;
  coins[n].script_pubkey.len = sizeof anchor;
  found[n] = true;

  for (size_t h = 0; h < G_N_ELEMENTS (hash_types); h++)
    {
      int ht = hash_types[h];
      g_test_message ("hash type %#x", (unsigned) ht);
      g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));
      g_autoptr (UmkTxBuilder) b = umk_sign_transaction (tx, p, coins, found, ht, errors);
      for (guint e = 0; e < errors->len; e++)
        {
          const UmkSignInputError *err = &g_array_index (errors, UmkSignInputError, e);
          g_error ("%s: %s", g_array_index (cases, Case, err->input).name, err->message);
        }
      g_autoptr (UmkTx) signed_tx = builder_to_tx (b);
      assert_all_verify (signed_tx, coins);
      g_assert_cmpuint (signed_tx->in[n].script_sig.len, ==, 0);
      g_assert_cmpuint (signed_tx->in[n].n_witness, ==, 0);
      for (guint i = 0; i < n; i++)
        {
          const Case *c = &g_array_index (cases, Case, i);
          const UmkTxIn *in = &signed_tx->in[i];
          g_assert_cmpuint (in->n_witness > 0, ==, c->witness);
          if (c->schnorr)
            {
              /* DEFAULT leaves the hash type out: 64 bytes. */
              g_assert_cmpuint (in->n_witness, ==, 1);
              g_assert_cmpuint (in->witness[0].len, ==, ht == UMK_SIGHASH_DEFAULT ? 64 : 65);
              if (ht != UMK_SIGHASH_DEFAULT)
                g_assert_cmpuint (in->witness[0].data[64], ==, ht);
            }
          else
            {
              /* The first signature pushed ends with the hash type; ECDSA has
               * no DEFAULT, it is ALL. */
              const uint8_t *sig;
              size_t len;
              if (c->witness)
                {
                  guint k = in->witness[0].len == 0 ? 1 : 0;
                  sig = in->witness[k].data;
                  len = in->witness[k].len;
                }
              else
                {
                  size_t pc = 0;
                  UmkScriptOp op;
                  do
                    g_assert_true (
                        umk_script_next_op (in->script_sig.data, in->script_sig.len, &pc, &op));
                  while (op.len == 0);
                  sig = op.data;
                  len = op.len;
                }
              g_assert_cmpuint (len, <=, 71); /* low R */
              g_assert_cmpuint (sig[len - 1], ==, ht == UMK_SIGHASH_DEFAULT ? UMK_SIGHASH_ALL : ht);
            }
        }
    }
}

/* ---- what cannot be signed ---- */

static void
expect_one_error (GArray *errors, uint32_t input, UmkSignErrorKind kind, const char *message)
{
  g_assert_cmpuint (errors->len, ==, 1);
  const UmkSignInputError *e = &g_array_index (errors, UmkSignInputError, 0);
  g_assert_cmpuint (e->input, ==, input);
  g_assert_cmpint (e->kind, ==, kind);
  g_assert_cmpstr (e->message, ==, message);
}

static void
test_errors (void)
{
  TestKey k, ku, other;
  test_key (&k, 50, true);
  test_key (&ku, 50, false);
  test_key (&other, 51, true);
  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p, k.sec, true));
  g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));

  g_autoptr (UmkTx) tx = spending_tx (2, 1);
  g_autoptr (GByteArray) pkh = script_p2pkh (&k);
  g_autoptr (GByteArray) wpkh = script_p2wpkh (&k);
  UmkTxOut coins[2] = {
    { 5000, { pkh->data, pkh->len } },
    { 5000, { pkh->data, pkh->len } },
  };
  bool found[2] = { true, false };

  /* An unknown coin. */
  g_autoptr (UmkTxBuilder) b1 = umk_sign_transaction (tx, p, coins, found, 1, errors);
  expect_one_error (errors, 1, UMK_SIGN_ERR_MISSING_INPUT, "Input not found or already spent");

  /* SINGLE without an output at the input's index: not signed. */
  found[1] = true;
  g_autoptr (UmkTxBuilder) b2 = umk_sign_transaction (tx, p, coins, found, 3, errors);
  expect_one_error (errors, 1, UMK_SIGN_ERR_SCRIPT,
                    "Unable to sign input, invalid stack size (possibly missing key)");
  g_assert_cmpuint (g_array_index (b2->in, UmkTxBuilderIn, 1).script_sig->len, ==, 0);
  g_assert_cmpuint (g_array_index (b2->in, UmkTxBuilderIn, 0).script_sig->len, >, 0);

  /* A witness made for a coin of unknown amount. */
  coins[1].value = UMK_MAX_MONEY;
  coins[1].script_pubkey.data = wpkh->data;
  coins[1].script_pubkey.len = wpkh->len;
  g_autoptr (UmkTxBuilder) b3 = umk_sign_transaction (tx, p, coins, found, 1, errors);
  expect_one_error (errors, 1, UMK_SIGN_ERR_MISSING_AMOUNT, "Missing amount");

  /* An uncompressed key cannot sign segwit; a compressed one does not sign
   * for its uncompressed form. */
  g_autoptr (GByteArray) wpkh_u = script_p2wpkh (&ku);
  g_autoptr (GByteArray) pkh_u = script_p2pkh (&ku);
  g_autoptr (UmkSignProvider) pu = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (pu, ku.sec, false));
  coins[0].script_pubkey.data = wpkh_u->data;
  coins[0].script_pubkey.len = wpkh_u->len;
  coins[1] = coins[0];
  coins[1].value = 1;
  g_autoptr (UmkTxBuilder) b4 = umk_sign_transaction (tx, pu, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 2);
  g_assert_cmpstr (g_array_index (errors, UmkSignInputError, 0).message, ==,
                   "Witness program hash mismatch");
  coins[0].script_pubkey.data = pkh_u->data;
  coins[0].script_pubkey.len = pkh_u->len;
  coins[1] = coins[0];
  g_autoptr (UmkTxBuilder) b5 = umk_sign_transaction (tx, p, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 2);

  /* Nothing to sign with at all: nonstandard and OP_RETURN outputs, a
   * P2TR output of another key, P2SH without its script. */
  static const uint8_t op_true[] = { UMK_OP_1 };
  static const uint8_t op_return[] = { UMK_OP_RETURN };
  coins[0].script_pubkey.data = op_true;
  coins[0].script_pubkey.len = 1;
  coins[1].script_pubkey.data = op_return;
  coins[1].script_pubkey.len = 1;
  g_autoptr (UmkTxBuilder) b6 = umk_sign_transaction (tx, p, coins, found, 1, errors);
  /* OP_TRUE verifies as it is; OP_RETURN never does. */
  expect_one_error (errors, 1, UMK_SIGN_ERR_SCRIPT, "OP_RETURN was encountered");

  uint8_t x_other[32];
  g_assert_true (umk_seckey_get_xonly (other.sec, x_other));
  g_autoptr (GByteArray) tr = script_p2tr (x_other);
  g_autoptr (GByteArray) sh = script_p2sh (pkh);
  coins[0].script_pubkey.data = tr->data;
  coins[0].script_pubkey.len = tr->len;
  coins[1].script_pubkey.data = sh->data;
  coins[1].script_pubkey.len = sh->len;
  g_autoptr (UmkTxBuilder) b7 = umk_sign_transaction (tx, p, coins, found, 0, errors);
  g_assert_cmpuint (errors->len, ==, 2);
  g_assert_cmpstr (g_array_index (errors, UmkSignInputError, 0).message, ==,
                   "Witness program was passed an empty witness");
  g_assert_cmpstr (g_array_index (errors, UmkSignInputError, 1).message, ==,
                   "Unable to sign input, invalid stack size (possibly missing key)");

  /* Taproot needs every spent output: with one unknown, the key's own
   * output is not signed. */
  uint8_t x_k[32];
  g_assert_true (umk_seckey_get_xonly (k.sec, x_k));
  g_autoptr (GByteArray) tr_k = script_p2tr (x_k);
  coins[0].script_pubkey.data = tr_k->data;
  coins[0].script_pubkey.len = tr_k->len;
  found[1] = false;
  g_autoptr (UmkTxBuilder) b8 = umk_sign_transaction (tx, p, coins, found, 0, errors);
  g_assert_cmpuint (errors->len, ==, 2);
  g_assert_cmpuint (g_array_index (b8->in, UmkTxBuilderIn, 0).witness->len, ==, 0);
  found[1] = true;
  coins[1] = coins[0];
  g_autoptr (UmkTxBuilder) b9 = umk_sign_transaction (tx, p, coins, found, 0, errors);
  g_assert_cmpuint (errors->len, ==, 0);
}

/* A 2-of-3 multisig signed one key at a time, as two parties would. */
static void
test_partial_multisig (void)
{
  TestKey keys[3];
  for (int i = 0; i < 3; i++)
    test_key (&keys[i], (uint8_t) (60 + i), true);
  g_autoptr (GByteArray) ms = script_multisig (2, keys, 3);
  g_autoptr (GByteArray) sh = script_p2sh (ms);
  g_autoptr (GByteArray) wsh = script_p2wsh (ms);
  g_autoptr (UmkTx) tx = spending_tx (2, 2);
  UmkTxOut coins[2] = {
    { 7000, { sh->data, sh->len } },
    { 8000, { wsh->data, wsh->len } },
  };
  bool found[2] = { true, true };
  g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));

  /* The third key first, then the first: the signatures end up in key
   * order. */
  g_autoptr (UmkSignProvider) p3 = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p3, keys[2].sec, true));
  umk_sign_provider_add_script (p3, ms->data, ms->len);
  g_autoptr (UmkTxBuilder) half = umk_sign_transaction (tx, p3, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (
        g_array_index (errors, UmkSignInputError, i).message, ==,
        "CHECK(MULTI)SIG failing with non-zero signature (possibly need more signatures)");
  /* OP_0 <sig> OP_0 <script>; the witness holds "", sig, "", script. */
  const UmkTxBuilderIn *in1 = &g_array_index (half->in, UmkTxBuilderIn, 1);
  g_assert_cmpuint (in1->witness->len, ==, 4);
  g_assert_cmpuint (((GByteArray *) in1->witness->pdata[2])->len, ==, 0);

  g_autoptr (UmkTx) half_tx = builder_to_tx (half);
  g_autoptr (UmkSignProvider) p1 = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p1, keys[0].sec, true));
  /* The scripts come from the input itself this time. */
  g_autoptr (UmkTxBuilder) full = umk_sign_transaction (half_tx, p1, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 0);
  g_autoptr (UmkTx) full_tx = builder_to_tx (full);
  assert_all_verify (full_tx, coins);

  /* The same with both keys at once gives the same transaction. */
  g_assert_true (umk_sign_provider_add_key (p1, keys[2].sec, true));
  umk_sign_provider_add_script (p1, ms->data, ms->len);
  g_autoptr (UmkTxBuilder) once = umk_sign_transaction (tx, p1, coins, found, 1, errors);
  g_autofree char *a = builder_hex (full);
  g_autofree char *b = builder_hex (once);
  g_assert_cmpstr (a, ==, b);

  /* Two parties signing apart, then combined (Core's combinerawtransaction):
   * the same again, for P2SH and P2WSH alike. */
  g_autoptr (UmkSignProvider) only1 = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (only1, keys[0].sec, true));
  umk_sign_provider_add_script (only1, ms->data, ms->len);
  g_autoptr (UmkTxBuilder) other_half = umk_sign_transaction (tx, only1, coins, found, 1, errors);
  g_assert_cmpuint (errors->len, ==, 2);
  g_autoptr (UmkTx) other_half_tx = builder_to_tx (other_half);
  const UmkTx *variants[] = { tx, half_tx, other_half_tx };
  g_autoptr (UmkTxBuilder) combined = umk_sign_combine (variants, G_N_ELEMENTS (variants), coins);
  g_autofree char *c = builder_hex (combined);
  g_assert_cmpstr (c, ==, a);
  /* One half alone stays a half; a complete version wins. */
  const UmkTx *alone[] = { half_tx };
  g_autoptr (UmkTxBuilder) still_half = umk_sign_combine (alone, 1, coins);
  g_autofree char *h = builder_hex (still_half);
  g_autofree char *h0 = builder_hex (half);
  g_assert_cmpstr (h, ==, h0);
  const UmkTx *with_full[] = { half_tx, full_tx };
  g_autoptr (UmkTxBuilder) from_full = umk_sign_combine (with_full, 2, coins);
  g_autofree char *f = builder_hex (from_full);
  g_assert_cmpstr (f, ==, a);
}

/* Inputs that already hold anything at all (random pushes, stacks that look
 * like multisig signatures, redeem scripts), for every kind of spent script:
 * signing gives an answer and an error list, never a crash. */
static void
test_random_inputs (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4242);
  TestKey keys[3];
  for (int i = 0; i < 3; i++)
    test_key (&keys[i], (uint8_t) (80 + i), true);
  g_autoptr (GByteArray) ms = script_multisig (2, keys, 3);
  g_autoptr (GByteArray) pkh = script_p2pkh (&keys[0]);
  g_autoptr (GPtrArray) spks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (spks, script_p2sh (ms));
  g_ptr_array_add (spks, script_p2wsh (ms));
  g_ptr_array_add (spks, g_byte_array_ref (ms));
  g_ptr_array_add (spks, script_p2sh (pkh));
  g_ptr_array_add (spks, script_p2wpkh (&keys[1]));
  g_ptr_array_add (spks, script_p2pk (&keys[2]));
  g_autoptr (GByteArray) wsh_ms = script_p2wsh (ms);
  g_ptr_array_add (spks, script_p2sh (wsh_ms));
  uint8_t x[32];
  g_assert_true (umk_seckey_get_xonly (keys[0].sec, x));
  g_ptr_array_add (spks, script_p2tr (x));

  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  g_assert_true (umk_sign_provider_add_key (p, keys[0].sec, true));
  g_assert_true (umk_sign_provider_add_key (p, keys[1].sec, true));
  for (int iter = 0; iter < 400; iter++)
    {
      const GByteArray *spk = spks->pdata[g_rand_int_range (rand, 0, (gint32) spks->len)];
      g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
      UmkOutPoint o = { .n = 0 };
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &o, 0);
      /* A scriptSig of pushes: empty ones, junk, real scripts, signatures
       * of the right shape. */
      g_autoptr (GPtrArray) items
          = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
      int n_items = g_rand_int_range (rand, 0, 5);
      for (int k = 0; k < n_items; k++)
        {
          GByteArray *item = g_byte_array_new ();
          switch (g_rand_int_range (rand, 0, 5))
            {
            case 0:
              break;
            case 1:
              g_byte_array_append (item, ms->data, ms->len);
              break;
            case 2:
              g_byte_array_append (item, wsh_ms->data, wsh_ms->len);
              break;
            default:
              {
                gsize len = (gsize) g_rand_int_range (rand, 1, 75);
                g_autofree uint8_t *r = umk_test_random_bytes (rand, len);
                if (len > 8)
                  r[0] = 0x30;
                g_byte_array_append (item, r, (guint) len);
              }
            }
          g_ptr_array_add (items, item);
        }
      for (guint k = 0; k < items->len; k++)
        {
          const GByteArray *item = items->pdata[k];
          if (g_rand_boolean (rand))
            umk_script_write_push (in->script_sig, item->data, item->len);
          else
            g_ptr_array_add (in->witness, g_byte_array_ref ((GByteArray *) item));
        }
      if (g_rand_int_range (rand, 0, 8) == 0)
        umk_write_u8 (in->script_sig, UMK_OP_DUP); /* not push-only */
      umk_tx_builder_add_output (b, 1, op_return_one, sizeof op_return_one);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkTx) tx = umk_tx_builder_finish (b, &error);
      if (tx == NULL)
        continue;
      UmkTxOut coin = { g_rand_boolean (rand) ? 5000 : UMK_MAX_MONEY, { spk->data, spk->len } };
      bool found = true;
      g_autoptr (GArray) errors = g_array_new (FALSE, FALSE, sizeof (UmkSignInputError));
      int ht = g_rand_boolean (rand) ? UMK_SIGHASH_ALL : UMK_SIGHASH_DEFAULT;
      g_autoptr (UmkTxBuilder) signed_b = umk_sign_transaction (tx, p, &coin, &found, ht, errors);
      g_assert_nonnull (signed_b);
      g_assert_cmpuint (errors->len, <=, 1);
      const UmkTx *variants[] = { tx, tx };
      g_autoptr (UmkTxBuilder) combined = umk_sign_combine (variants, 2, &coin);
      g_assert_nonnull (combined);
    }
}

static void
test_provider (void)
{
  g_autoptr (UmkSignProvider) p = umk_sign_provider_new ();
  uint8_t zero[32] = { 0 }, order[32];
  g_assert_false (umk_sign_provider_add_key (p, zero, true));
  memset (order, 0xff, 32);
  g_assert_false (umk_sign_provider_add_key (p, order, true));
  /* The x coordinate 0 is not on the curve. */
  g_assert_false (umk_sign_provider_add_taproot (p, zero, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sign/solver", test_solver);
  g_test_add_func ("/sign/provider", test_provider);
  g_test_add_func ("/sign/bip143-p2wpkh", test_bip143_p2wpkh);
  g_test_add_func ("/sign/bip143-p2sh-p2wpkh", test_bip143_p2sh_p2wpkh);
  g_test_add_func ("/sign/bip341-key-path", test_bip341_key_path);
  g_test_add_func ("/sign/matrix", test_matrix);
  g_test_add_func ("/sign/errors", test_errors);
  g_test_add_func ("/sign/partial-multisig", test_partial_multisig);
  g_test_add_func ("/sign/random-inputs", test_random_inputs);
  return g_test_run ();
}
