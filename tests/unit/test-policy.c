/* Tests for node/policy: fee rates, diagram comparison, dust thresholds and
 * the standardness rules (IsStandardTx, AreInputsStandard, IsWitnessStandard).
 *
 * The numbers of the fee-rate, diagram and standardness cases are those of
 * Umkoin Core v31.0's src/test/amount_tests.cpp, rbf_tests.cpp and
 * transaction_tests.cpp (test_IsStandard, max_standard_legacy_sigops).
 */
#include "config.h"

#include "common/chainparams.h"
#include "common/hash.h"
#include "common/interpreter.h"
#include "common/script.h"
#include "node/policy.h"
#include "script-helpers.h"
#include "test-util.h"

#include <string.h>

static UmkFeeRate dust_rate;

static GByteArray *
script (const char *text)
{
  GByteArray *b = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_test_parse_script (text, b, &error));
  g_assert_no_error (error);
  return b;
}

static UmkTx *
finish (UmkTxBuilder *b)
{
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_builder_finish (b, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tx);
  return tx;
}

/* ---- fee rates --------------------------------------------------------------- */

static void
test_get_fee (void)
{
  UmkFeeRate r = umk_feerate_from_kvb (0);
  g_assert_cmpint (umk_feerate_get_fee (r, 0), ==, 0);
  g_assert_cmpint (umk_feerate_get_fee (r, 100000), ==, 0);

  r = umk_feerate_from_kvb (1000);
  const int64_t sizes[] = { 0, 1, 121, 999, 1000, 9000 };
  for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_cmpint (umk_feerate_get_fee (r, sizes[i]), ==, sizes[i]);
  r = umk_feerate_from_kvb (-1000);
  for (size_t i = 0; i < G_N_ELEMENTS (sizes); i++)
    g_assert_cmpint (umk_feerate_get_fee (r, sizes[i]), ==, -sizes[i]);

  /* rounding up, with 1 rather than 0 for a small positive result */
  r = umk_feerate_from_kvb (123);
  g_assert_cmpint (umk_feerate_get_fee (r, 0), ==, 0);
  g_assert_cmpint (umk_feerate_get_fee (r, 8), ==, 1);
  g_assert_cmpint (umk_feerate_get_fee (r, 9), ==, 2);
  g_assert_cmpint (umk_feerate_get_fee (r, 121), ==, 15);
  g_assert_cmpint (umk_feerate_get_fee (r, 122), ==, 16);
  g_assert_cmpint (umk_feerate_get_fee (r, 999), ==, 123);
  g_assert_cmpint (umk_feerate_get_fee (r, 1000), ==, 123);
  g_assert_cmpint (umk_feerate_get_fee (r, 9000), ==, 1107);
  r = umk_feerate_from_kvb (-123);
  g_assert_cmpint (umk_feerate_get_fee (r, 0), ==, 0);
  g_assert_cmpint (umk_feerate_get_fee (r, 8), ==, -1);
  g_assert_cmpint (umk_feerate_get_fee (r, 9), ==, -1);

  /* CFeeRate(fee, size) with a size of 0 or less is the zero rate */
  g_assert_cmpint (umk_feerate_from_fee (-1, 0).size, ==, 0);
  g_assert_cmpint (umk_feerate_from_fee (1, -1000).size, ==, 0);
  g_assert_cmpint (umk_feerate_per_kvb (umk_feerate_from_fee (1, 1000)), ==, 1);
  /* precision beyond sat/kvB is kept */
  UmkFeeRate a = umk_feerate_from_fee (1, 1001);
  g_assert_cmpint (umk_feefrac_rate_cmp (a, umk_feerate_from_kvb (0)), >, 0);
  g_assert_cmpint (umk_feefrac_rate_cmp (a, umk_feerate_from_kvb (1)), <, 0);
  a = umk_feerate_from_fee (26, 789);
  g_assert_cmpint (umk_feefrac_rate_cmp (a, umk_feerate_from_kvb (32)), >, 0);
  g_assert_cmpint (umk_feefrac_rate_cmp (a, umk_feerate_from_kvb (33)), <, 0);
  /* the largest values must not overflow */
  (void) umk_feerate_per_kvb (umk_feerate_from_fee (UMK_MAX_MONEY, G_MAXINT32));

  g_autofree char *s1 = umk_feerate_to_string (umk_feerate_from_kvb (1));
  g_assert_cmpstr (s1, ==, "0.00000001 UMK/kvB");
  g_autofree char *s2 = umk_feerate_to_string (umk_feerate_from_kvb (100000000));
  g_assert_cmpstr (s2, ==, "1.00000000 UMK/kvB");
}

static void
test_feefrac_evaluate (void)
{
  UmkFeeFrac f = { 0x7ffffffdfffffffbll, 0x7ffffffd };
  g_assert_cmpint (umk_feefrac_evaluate (f, 0x7fffffff, true), ==, 0x7fffffffffffffffll);
  UmkFeeFrac g = { 10, 3 };
  g_assert_cmpint (umk_feefrac_evaluate (g, 1, true), ==, 3);
  g_assert_cmpint (umk_feefrac_evaluate (g, 1, false), ==, 4);
  UmkFeeFrac h = { -10, 3 };
  g_assert_cmpint (umk_feefrac_evaluate (h, 1, true), ==, -4);
  g_assert_cmpint (umk_feefrac_evaluate (h, 1, false), ==, -3);
  /* ordering: rate first, then the larger size is lower */
  UmkFeeFrac x = { 1, 1 }, y = { 2, 2 };
  g_assert_cmpint (umk_feefrac_rate_cmp (x, y), ==, 0);
  g_assert_cmpint (umk_feefrac_cmp (x, y), >, 0);
}

typedef struct
{
  UmkFeeFrac c[6];
  size_t n;
} Diagram;

static int
cmp_diag (const Diagram *a, const Diagram *b)
{
  return umk_feefrac_compare_diagrams (a->c, a->n, b->c, b->n);
}

static void
test_compare_diagrams (void)
{
  Diagram old = { { { 950, 300 }, { 100, 100 } }, 2 };
  Diagram nw = { { { 1000, 300 }, { 50, 100 } }, 2 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, -1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 1);

  nw = (Diagram){ { { 1000, 300 }, { 0, 100 } }, 2 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 2);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 2);

  nw = (Diagram){ { { 1100, 300 } }, 1 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, -1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 1);

  nw = (Diagram){ { { 1100, 100 }, { 0, 100 } }, 2 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, -1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 1);

  nw = (Diagram){ { { 750, 100 }, { 249, 250 }, { 151, 650 } }, 3 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 2);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 2);

  nw = (Diagram){ { { 750, 100 }, { 250, 250 }, { 150, 150 } }, 3 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, -1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 1);

  nw = old;
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 0);

  old = (Diagram){ { { 950, 300 }, { 100, 99 } }, 2 };
  nw = (Diagram){ { { 950, 300 }, { 100, 100 } }, 2 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, -1);

  nw = (Diagram){ { { 950, 300 }, { 100, 100 }, { 0, 1 }, { 0, 1 } }, 4 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 1);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, -1);

  nw = (Diagram){ { { 950, 300 }, { 100, 100 }, { 0, 1 }, { 0, 1 }, { 1, 1 } }, 5 };
  g_assert_cmpint (cmp_diag (&old, &nw), ==, 2);
  g_assert_cmpint (cmp_diag (&nw, &old), ==, 2);
}

/* ---- dust and IsStandardTx --------------------------------------------------- */

static const char p2pkh[] = "DUP HASH160 0x14 0x0000000000000000000000000000000000000000 "
                            "EQUALVERIFY CHECKSIG";

/* Core's test transaction: one input with a 65-byte push, one P2PKH output. */
static UmkTxBuilder *
standard_builder (void)
{
  UmkTxBuilder *b = umk_tx_builder_new ();
  b->version = 2;
  UmkOutPoint prev = { { { 1 } }, 1 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
  uint8_t zeros[65] = { 0 };
  umk_script_write_push (in->script_sig, zeros, sizeof zeros);
  g_autoptr (GByteArray) spk = script (p2pkh);
  umk_tx_builder_add_output (b, 90 * 1000000, spk->data, spk->len);
  return b;
}

static void
set_output_script (UmkTxBuilder *b, guint i, const GByteArray *spk)
{
  UmkTxBuilderOut *out = &g_array_index (b->out, UmkTxBuilderOut, i);
  g_byte_array_set_size (out->script_pubkey, 0);
  g_byte_array_append (out->script_pubkey, spk->data, spk->len);
}

static void
set_output_value (UmkTxBuilder *b, guint i, int64_t value)
{
  g_array_index (b->out, UmkTxBuilderOut, i).value = value;
}

static void
check_standard (UmkTxBuilder *b, int64_t max_datacarrier, bool bare_multisig, const char *expect)
{
  g_autoptr (UmkTx) tx = finish (b);
  const char *reason = NULL;
  bool ok = umk_policy_is_standard_tx (tx, max_datacarrier, bare_multisig, dust_rate, &reason);
  if (expect == NULL)
    {
      if (!ok)
        g_error ("expected standard, got %s", reason);
    }
  else
    {
      g_assert_false (ok);
      g_assert_cmpstr (reason, ==, expect);
    }
}

#define STD(b)       check_standard ((b), UMK_MAX_OP_RETURN_RELAY, true, NULL)
#define NONSTD(b, r) check_standard ((b), UMK_MAX_OP_RETURN_RELAY, true, (r))

static void
test_dust_thresholds (void)
{
  struct
  {
    const char *script;
    int64_t threshold;
  } cases[] = {
    { p2pkh, 546 },
    { "0x21 0x020202020202020202020202020202020202020202020202020202020202020202 CHECKSIG", 576 },
    { "0x41 0x040404040404040404040404040404040404040404040404040404040404040404"
      "0404040404040404040404040404040404040404040404040404040404040404 CHECKSIG",
      672 },
    { "HASH160 0x14 0x0000000000000000000000000000000000000000 EQUAL", 540 },
    { "0 0x14 0x0000000000000000000000000000000000000000", 294 },
    { "0 0x20 0x0000000000000000000000000000000000000000000000000000000000000000", 330 },
    { "1 0x20 0x0000000000000000000000000000000000000000000000000000000000000000", 330 },
    { "1 0x02 0x4e73", 240 }, /* pay-to-anchor */
    { "RETURN 0x04 0x01020304", 0 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GByteArray) spk = script (cases[i].script);
      UmkTxOut out = { 0, { spk->data, spk->len } };
      g_assert_cmpint (umk_policy_dust_threshold (&out, dust_rate), ==, cases[i].threshold);
    }
  /* every future witness version with a 2-byte program: 240 */
  for (int v = 1; v <= 16; v++)
    {
      uint8_t spk[4] = { (uint8_t) (UMK_OP_1 + v - 1), 2, 0, 0 };
      UmkTxOut out = { 0, { spk, sizeof spk } };
      g_assert_cmpint (umk_policy_dust_threshold (&out, dust_rate), ==, 240);
    }

  /* as IsStandardTx sees them: one dust output is allowed (ephemeral dust) */
  for (size_t i = 0; i + 1 < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (UmkTxBuilder) b = standard_builder ();
      g_autoptr (GByteArray) spk = script (cases[i].script);
      set_output_script (b, 0, spk);
      umk_tx_builder_add_output (b, 0, spk->data, spk->len);
      set_output_value (b, 0, cases[i].threshold);
      STD (b);
      set_output_value (b, 0, cases[i].threshold - 1);
      NONSTD (b, "dust");
    }
}

static void
test_is_standard_tx (void)
{
  g_autoptr (UmkTxBuilder) b = standard_builder ();
  STD (b);
  /* 182 bytes at 3000 sat/kvB */
  umk_tx_builder_add_output (b, 0, g_array_index (b->out, UmkTxBuilderOut, 0).script_pubkey->data,
                             g_array_index (b->out, UmkTxBuilderOut, 0).script_pubkey->len);
  STD (b);
  set_output_value (b, 0, 545);
  NONSTD (b, "dust");
  set_output_value (b, 0, 546);
  STD (b);

  b->version = 0xffffffffu;
  NONSTD (b, "version");
  b->version = 0;
  NONSTD (b, "version");
  b->version = UMK_TX_MAX_STANDARD_VERSION + 1;
  NONSTD (b, "version");
  b->version = 1;
  STD (b);
  b->version = 2;
  STD (b);
  b->version = 3;
  STD (b);

  /* odd dust rate: 182 * 3702 / 1000, rounded up */
  dust_rate = umk_feerate_from_kvb (3702);
  set_output_value (b, 0, 673);
  NONSTD (b, "dust");
  set_output_value (b, 0, 674);
  STD (b);
  dust_rate = umk_feerate_from_kvb (UMK_DUST_RELAY_TX_FEE);

  g_autoptr (GByteArray) op1 = script ("1");
  set_output_script (b, 0, op1);
  NONSTD (b, "scriptpubkey");

  /* data carriers: their sizes count against one budget */
  g_array_set_size (b->out, 1);
  g_autoptr (GByteArray) d83 = script ("RETURN 0x4c 0x50 0x"
                                       "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0"
                                       "ea1f61deb649f6bc3f4cef3804678afdb0fe5548271967f1a67130b7"
                                       "105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38");
  g_assert_cmpuint (d83->len, ==, 83);
  set_output_script (b, 0, d83);
  check_standard (b, 83, true, NULL);
  check_standard (b, 82, true, "datacarrier");
  check_standard (b, -1, true, "datacarrier");
  g_autoptr (GByteArray) reserved = script ("RETURN RESERVED -1 0 0x01 0x01 2 3 16");
  set_output_script (b, 0, reserved);
  STD (b);
  g_autoptr (GByteArray) two_returns = script ("RETURN RETURN");
  set_output_script (b, 0, two_returns);
  NONSTD (b, "scriptpubkey");
  g_autoptr (GByteArray) bare_return = script ("RETURN");
  set_output_script (b, 0, bare_return);
  STD (b);
  umk_tx_builder_add_output (b, 0, d83->data, d83->len);
  set_output_script (b, 0, d83);
  STD (b);
  check_standard (b, 166, true, NULL);
  check_standard (b, 165, true, "datacarrier");

  /* scriptSig size: 1650 is the largest standard one */
  g_array_set_size (b->out, 1);
  g_autoptr (GByteArray) spk = script (p2pkh);
  set_output_script (b, 0, spk);
  set_output_value (b, 0, UMK_MAX_MONEY);
  UmkTxBuilderIn *in = &g_array_index (b->in, UmkTxBuilderIn, 0);
  g_autofree uint8_t *big = g_malloc0 (1648);
  g_byte_array_set_size (in->script_sig, 0);
  umk_script_write_push (in->script_sig, big, 1647);
  g_assert_cmpuint (in->script_sig->len, ==, 1650);
  STD (b);
  g_byte_array_set_size (in->script_sig, 0);
  umk_script_write_push (in->script_sig, big, 1648);
  NONSTD (b, "scriptsig-size");

  /* push-only scriptSigs, with each kind of push; any other operation is not */
  g_byte_array_set_size (in->script_sig, 0);
  g_autoptr (GByteArray) pushes = script ("1 0 -1 16");
  g_byte_array_append (in->script_sig, pushes->data, pushes->len);
  umk_script_write_push (in->script_sig, big, 75);
  umk_script_write_push (in->script_sig, big, 235);
  umk_script_write_push (in->script_sig, big, 1234);
  g_byte_array_append (in->script_sig, (const uint8_t[]){ UMK_OP_1 + 8 }, 1);
  STD (b);
  const uint8_t non_push[] = { UMK_OP_NOP,
                               UMK_OP_VERIFY,
                               UMK_OP_IF,
                               UMK_OP_ROT,
                               UMK_OP_3DUP,
                               UMK_OP_SIZE,
                               UMK_OP_EQUAL,
                               UMK_OP_ADD,
                               UMK_OP_SUB,
                               UMK_OP_HASH256,
                               UMK_OP_CODESEPARATOR,
                               UMK_OP_CHECKSIG,
                               UMK_OP_CHECKLOCKTIMEVERIFY };
  for (size_t k = 0; k < G_N_ELEMENTS (non_push); k++)
    {
      uint8_t orig = in->script_sig->data[0];
      in->script_sig->data[0] = non_push[k];
      NONSTD (b, "scriptsig-not-pushonly");
      in->script_sig->data[0] = orig;
    }
  STD (b);

  /* weight: 2438 empty inputs and a 30-byte output weigh exactly 400000 */
  g_autoptr (UmkTxBuilder) w = umk_tx_builder_new ();
  w->version = 2;
  for (int i = 0; i < 2438; i++)
    {
      UmkOutPoint prev = { { { 2 } }, (uint32_t) i };
      umk_tx_builder_add_input (w, &prev, UMK_SEQUENCE_FINAL);
    }
  uint8_t data[20] = { 0 };
  g_autoptr (GByteArray) ret19 = g_byte_array_new ();
  g_byte_array_append (ret19, (const uint8_t[]){ UMK_OP_RETURN }, 1);
  umk_script_write_push (ret19, data, 19);
  umk_tx_builder_add_output (w, 0, ret19->data, ret19->len);
  {
    g_autoptr (UmkTx) tx = finish (w);
    g_assert_cmpuint (umk_tx_weight (tx), ==, 400000);
  }
  STD (w);
  g_autoptr (GByteArray) ret20 = g_byte_array_new ();
  g_byte_array_append (ret20, (const uint8_t[]){ UMK_OP_RETURN }, 1);
  umk_script_write_push (ret20, data, 20);
  set_output_script (w, 0, ret20);
  {
    g_autoptr (UmkTx) tx = finish (w);
    g_assert_cmpuint (umk_tx_weight (tx), ==, 400004);
  }
  NONSTD (w, "tx-size");

  /* bare multisig, standard only when permitted and at most x-of-3 */
  g_autoptr (GByteArray) ms
      = script ("1 0x21 0x020202020202020202020202020202020202020202020202020202020202020202 1 "
                "CHECKMULTISIG");
  set_output_script (b, 0, ms);
  set_output_value (b, 0, 100000);
  g_byte_array_set_size (in->script_sig, 0);
  umk_script_write_push (in->script_sig, big, 65);
  STD (b);
  check_standard (b, UMK_MAX_OP_RETURN_RELAY, false, "bare-multisig");
  g_autoptr (GByteArray) ms4
      = script ("1 0x21 0x020202020202020202020202020202020202020202020202020202020202020202 "
                "0x21 0x020202020202020202020202020202020202020202020202020202020202020202 "
                "0x21 0x020202020202020202020202020202020202020202020202020202020202020202 "
                "0x21 0x020202020202020202020202020202020202020202020202020202020202020202 4 "
                "CHECKMULTISIG");
  set_output_script (b, 0, ms4);
  NONSTD (b, "scriptpubkey");
}

/* ---- inputs -------------------------------------------------------------------- */

static GByteArray *
p2sh_of (const GByteArray *redeem)
{
  uint8_t h[UMK_HASH160_SIZE];
  umk_hash160 (redeem->data, redeem->len, h);
  GByteArray *s = g_byte_array_new ();
  g_byte_array_append (s, (const uint8_t[]){ UMK_OP_HASH160, 20 }, 2);
  g_byte_array_append (s, h, 20);
  g_byte_array_append (s, (const uint8_t[]){ UMK_OP_EQUAL }, 1);
  return s;
}

static void
test_are_inputs_standard (void)
{
  const char *key = "0x21 0x02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  /* a P2SH redeem script with 15 sigops (the most a standard one may have) */
  g_autoptr (GString) text = g_string_new ("0 ");
  g_string_append (text, key);
  for (int i = 0; i < UMK_MAX_P2SH_SIGOPS - 1; i++)
    g_string_append (text, " 2DUP CHECKSIG DROP");
  g_string_append (text, " CHECKSIG NOT");
  g_autoptr (GByteArray) redeem = script (text->str);
  g_autoptr (GByteArray) p2sh = p2sh_of (redeem);
  g_assert_cmpuint (umk_script_sigop_count (redeem->data, redeem->len, true), ==, 15);

  /* 166 inputs of 15 sigops: 2490, under the 2500 of BIP 54 */
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  b->version = 2;
  GArray *spent = g_array_new (FALSE, FALSE, sizeof (UmkTxOut));
  UmkTxOut p2sh_out = { 424242, { p2sh->data, p2sh->len } };
  guint n = UMK_MAX_TX_LEGACY_SIGOPS / UMK_MAX_P2SH_SIGOPS;
  for (guint i = 0; i < n; i++)
    {
      UmkOutPoint prev = { { { 3 } }, i };
      UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
      umk_script_write_push (in->script_sig, redeem->data, redeem->len);
      g_array_append_val (spent, p2sh_out);
    }
  umk_tx_builder_add_output (b, 1000, NULL, 0);
  {
    g_autoptr (UmkTx) tx = finish (b);
    g_assert_true (umk_policy_are_inputs_standard (tx, (UmkTxOut *) spent->data));
  }
  /* one more: 2505 */
  {
    UmkOutPoint prev = { { { 3 } }, n };
    UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
    umk_script_write_push (in->script_sig, redeem->data, redeem->len);
    g_array_append_val (spent, p2sh_out);
    g_autoptr (UmkTx) tx = finish (b);
    g_assert_false (umk_policy_are_inputs_standard (tx, (UmkTxOut *) spent->data));
  }
  /* back to 166, plus 10 P2PK inputs: exactly 2500 passes */
  g_array_set_size (b->in, n);
  g_array_set_size (spent, n);
  g_autofree char *p2pk_text = g_strconcat (key, " CHECKSIG", NULL);
  g_autoptr (GByteArray) p2pk = script (p2pk_text);
  UmkTxOut p2pk_out = { 212121, { p2pk->data, p2pk->len } };
  for (guint i = 0; i < 10; i++)
    {
      UmkOutPoint prev = { { { 4 } }, i };
      umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
      g_array_append_val (spent, p2pk_out);
    }
  {
    g_autoptr (UmkTx) tx = finish (b);
    g_assert_true (umk_policy_are_inputs_standard (tx, (UmkTxOut *) spent->data));
  }
  /* witness inputs do not count */
  g_autoptr (GByteArray) p2wpkh = script ("0 0x14 0x1111111111111111111111111111111111111111");
  UmkTxOut wit_out = { 121212, { p2wpkh->data, p2wpkh->len } };
  {
    UmkOutPoint prev = { { { 5 } }, 0 };
    umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
    g_array_append_val (spent, wit_out);
    g_autoptr (UmkTx) tx = finish (b);
    g_assert_true (umk_policy_are_inputs_standard (tx, (UmkTxOut *) spent->data));
  }
  /* one more P2PK: 2501 */
  {
    UmkOutPoint prev = { { { 4 } }, 10 };
    umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
    g_array_append_val (spent, p2pk_out);
    g_autoptr (UmkTx) tx = finish (b);
    g_assert_false (umk_policy_are_inputs_standard (tx, (UmkTxOut *) spent->data));
  }
  g_array_unref (spent);

  /* one input at a time: what it spends decides */
  struct
  {
    const char *spk;
    bool standard;
  } kinds[] = {
    { p2pkh, true },
    { "1", false }, /* OP_TRUE */
    { "2 0x20 0x0000000000000000000000000000000000000000000000000000000000000000", false }, /* v2 */
    { "0 0x20 0x0000000000000000000000000000000000000000000000000000000000000000", true },
    { "1 0x02 0x4e73", true }, /* anchor */
  };
  for (size_t k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr (UmkTxBuilder) one = umk_tx_builder_new ();
      UmkOutPoint prev = { { { 6 } }, 0 };
      umk_tx_builder_add_input (one, &prev, UMK_SEQUENCE_FINAL);
      umk_tx_builder_add_output (one, 1, NULL, 0);
      g_autoptr (UmkTx) tx = finish (one);
      g_autoptr (GByteArray) spk = script (kinds[k].spk);
      UmkTxOut out = { 1000, { spk->data, spk->len } };
      g_assert_cmpint (umk_policy_are_inputs_standard (tx, &out), ==, kinds[k].standard);
    }

  /* a redeem script with 16 sigops */
  g_autoptr (GByteArray) redeem16 = script ("CHECKSIG CHECKSIG CHECKSIG CHECKSIG CHECKSIG CHECKSIG "
                                            "CHECKSIG CHECKSIG CHECKSIG CHECKSIG CHECKSIG CHECKSIG "
                                            "CHECKSIG CHECKSIG CHECKSIG CHECKSIG");
  g_autoptr (GByteArray) p2sh16 = p2sh_of (redeem16);
  g_autoptr (UmkTxBuilder) one = umk_tx_builder_new ();
  UmkOutPoint prev = { { { 7 } }, 0 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (one, &prev, UMK_SEQUENCE_FINAL);
  umk_script_write_push (in->script_sig, redeem16->data, redeem16->len);
  umk_tx_builder_add_output (one, 1, NULL, 0);
  g_autoptr (UmkTx) tx16 = finish (one);
  UmkTxOut out16 = { 1000, { p2sh16->data, p2sh16->len } };
  g_assert_false (umk_policy_are_inputs_standard (tx16, &out16));
  /* a P2SH spend without any push: an empty stack */
  g_byte_array_set_size (in->script_sig, 0);
  g_autoptr (UmkTx) tx0 = finish (one);
  g_assert_false (umk_policy_are_inputs_standard (tx0, &out16));
}

static UmkTx *
witness_spend (const GByteArray *script_sig, guint n_items, const size_t *item_lens,
               const uint8_t *first_bytes)
{
  g_autoptr (UmkTxBuilder) b = umk_tx_builder_new ();
  UmkOutPoint prev = { { { 8 } }, 0 };
  UmkTxBuilderIn *in = umk_tx_builder_add_input (b, &prev, UMK_SEQUENCE_FINAL);
  if (script_sig != NULL)
    g_byte_array_append (in->script_sig, script_sig->data, script_sig->len);
  for (guint i = 0; i < n_items; i++)
    {
      GByteArray *item = g_byte_array_new ();
      g_byte_array_set_size (item, item_lens[i]);
      memset (item->data, 0, item->len);
      if (first_bytes != NULL && item->len > 0)
        item->data[0] = first_bytes[i];
      g_ptr_array_add (in->witness, item);
    }
  umk_tx_builder_add_output (b, 1, NULL, 0);
  return finish (b);
}

static void
test_is_witness_standard (void)
{
  g_autoptr (GByteArray) p2wsh
      = script ("0 0x20 0x0000000000000000000000000000000000000000000000000000000000000000");
  UmkTxOut wsh = { 1000, { p2wsh->data, p2wsh->len } };
  /* P2WSH: script up to 3600 bytes, up to 100 items of 80 bytes */
  size_t ok_lens[] = { 80, 80, 3600 };
  g_autoptr (UmkTx) ok = witness_spend (NULL, 3, ok_lens, NULL);
  g_assert_true (umk_policy_is_witness_standard (ok, &wsh));
  size_t big_script[] = { 80, 3601 };
  g_autoptr (UmkTx) t1 = witness_spend (NULL, 2, big_script, NULL);
  g_assert_false (umk_policy_is_witness_standard (t1, &wsh));
  size_t big_item[] = { 81, 10 };
  g_autoptr (UmkTx) t2 = witness_spend (NULL, 2, big_item, NULL);
  g_assert_false (umk_policy_is_witness_standard (t2, &wsh));
  size_t many[102];
  for (int i = 0; i < 102; i++)
    many[i] = 1;
  g_autoptr (UmkTx) t3 = witness_spend (NULL, 101, many, NULL);
  g_assert_true (umk_policy_is_witness_standard (t3, &wsh));
  g_autoptr (UmkTx) t4 = witness_spend (NULL, 102, many, NULL);
  g_assert_false (umk_policy_is_witness_standard (t4, &wsh));

  /* a witness on a non-witness output or an anchor */
  g_autoptr (GByteArray) pkh = script (p2pkh);
  UmkTxOut legacy = { 1000, { pkh->data, pkh->len } };
  g_assert_false (umk_policy_is_witness_standard (ok, &legacy));
  g_autoptr (GByteArray) anchor = script ("1 0x02 0x4e73");
  UmkTxOut anc = { 1000, { anchor->data, anchor->len } };
  g_assert_false (umk_policy_is_witness_standard (ok, &anc));

  /* taproot: no annex; tapscript items up to 80 bytes */
  g_autoptr (GByteArray) p2tr
      = script ("1 0x20 0x0000000000000000000000000000000000000000000000000000000000000000");
  UmkTxOut tr = { 1000, { p2tr->data, p2tr->len } };
  size_t key_path[] = { 64 };
  g_autoptr (UmkTx) kp = witness_spend (NULL, 1, key_path, NULL);
  g_assert_true (umk_policy_is_witness_standard (kp, &tr));
  size_t annexed[] = { 64, 5 };
  const uint8_t annex_first[] = { 0, UMK_ANNEX_TAG };
  g_autoptr (UmkTx) an = witness_spend (NULL, 2, annexed, annex_first);
  g_assert_false (umk_policy_is_witness_standard (an, &tr));
  size_t script_path[] = { 80, 30, 33 };
  const uint8_t leaf[] = { 0, 0, 0xc0 };
  g_autoptr (UmkTx) sp = witness_spend (NULL, 3, script_path, leaf);
  g_assert_true (umk_policy_is_witness_standard (sp, &tr));
  size_t script_path_big[] = { 81, 30, 33 };
  g_autoptr (UmkTx) spb = witness_spend (NULL, 3, script_path_big, leaf);
  g_assert_false (umk_policy_is_witness_standard (spb, &tr));
  /* other leaf versions have no item limit */
  const uint8_t other_leaf[] = { 0, 0, 0xc2 };
  g_autoptr (UmkTx) spo = witness_spend (NULL, 3, script_path_big, other_leaf);
  g_assert_true (umk_policy_is_witness_standard (spo, &tr));

  /* P2SH-wrapped P2WSH: the redeem script is the program */
  g_autoptr (GByteArray) sh = p2sh_of (p2wsh);
  UmkTxOut shw = { 1000, { sh->data, sh->len } };
  g_autoptr (GByteArray) sig = g_byte_array_new ();
  umk_script_write_push (sig, p2wsh->data, p2wsh->len);
  g_autoptr (UmkTx) wrapped_ok = witness_spend (sig, 3, ok_lens, NULL);
  g_assert_true (umk_policy_is_witness_standard (wrapped_ok, &shw));
  g_autoptr (UmkTx) wrapped_bad = witness_spend (sig, 2, big_item, NULL);
  g_assert_false (umk_policy_is_witness_standard (wrapped_bad, &shw));
}

static void
test_vsize (void)
{
  /* the sigop adjustment: 20 vbytes per sigop when that exceeds the weight */
  g_assert_cmpint (umk_policy_vsize (400, 0, 20), ==, 100);
  g_assert_cmpint (umk_policy_vsize (401, 0, 20), ==, 101);
  g_assert_cmpint (umk_policy_vsize (400, 80, 20), ==, 400);
  g_assert_cmpint (umk_policy_vsize (400, 20, 20), ==, 100);
  g_assert_cmpint (umk_policy_adjusted_weight (400, 21, 20), ==, 420);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dust_rate = umk_feerate_from_kvb (UMK_DUST_RELAY_TX_FEE);
  g_test_add_func ("/policy/feerate/get-fee", test_get_fee);
  g_test_add_func ("/policy/feerate/evaluate", test_feefrac_evaluate);
  g_test_add_func ("/policy/feerate/diagrams", test_compare_diagrams);
  g_test_add_func ("/policy/vsize", test_vsize);
  g_test_add_func ("/policy/dust", test_dust_thresholds);
  g_test_add_func ("/policy/standard-tx", test_is_standard_tx);
  g_test_add_func ("/policy/inputs-standard", test_are_inputs_standard);
  g_test_add_func ("/policy/witness-standard", test_is_witness_standard);
  return g_test_run ();
}
