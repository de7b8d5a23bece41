/* test-interpreter.c — the script errors the public vectors never reach
 * (mostly taproot's, whose vectors need signatures over transactions the
 * vector format cannot carry), built here with real keys and signatures; and
 * random scripts and witnesses that must never crash or read out of bounds. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "common/script.h"
#include "common/taproot.h"
#include "script-helpers.h"
#include "test-util.h"

#include <string.h>

#define AMOUNT 100000

static const uint8_t SECKEY[32]
    = { 0x4b, 0x11, 0x3f, 0x9a, 0x27, 0x05, 0xd1, 0x6c, 0x80, 0x19, 0xe2,
        0x74, 0x3c, 0xaa, 0x52, 0x08, 0x61, 0xf3, 0x9e, 0x2d, 0x47, 0xb5,
        0x13, 0x88, 0x0c, 0x6e, 0xd9, 0x21, 0x35, 0x7a, 0xc4, 0x0f };

static GByteArray *
script (const char *text)
{
  GByteArray *s = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  if (!umk_test_parse_script (text, s, &error))
    g_error ("%s: %s", text, error->message);
  return s;
}

static GByteArray *
bytes (const void *p, size_t n)
{
  GByteArray *b = g_byte_array_sized_new ((guint) n);
  g_byte_array_append (b, p, (guint) n);
  return b;
}

/* Verifies input 0 of spend against credit's output with full sigdata. */
static UmkScriptError
run (const UmkTx *spend, const UmkTx *credit, UmkScriptFlags flags)
{
  UmkTxSigData sigdata;
  umk_tx_sigdata_init (&sigdata, spend, credit->out, true);
  UmkScriptError err;
  bool ok = umk_verify_input (spend, 0, &credit->out[0], flags, &sigdata, &err);
  g_assert_true (ok == (err == UMK_SCRIPT_ERR_OK));
  return err;
}

/* Runs a legacy scriptSig/scriptPubKey pair written in vector notation. */
static UmkScriptError
run_legacy (const char *sig, const char *pub, UmkScriptFlags flags)
{
  g_autoptr (GByteArray) s = script (sig);
  g_autoptr (GByteArray) p = script (pub);
  UmkTx *credit;
  g_autoptr (UmkTx) spend = umk_test_build_spend (p, AMOUNT, s, NULL, &credit);
  g_autoptr (UmkTx) owned = credit;
  return run (spend, credit, flags);
}

#define assert_err(got, want) \
  g_assert_cmpstr (umk_script_error_name (got), ==, umk_script_error_name (want))

static void
test_legacy_errors (void)
{
  uint8_t pub[65];
  size_t pub_len;
  g_assert_true (umk_seckey_get_pubkey (SECKEY, true, pub, &pub_len));
  g_autofree char *pub_hex = umk_hex_encode (pub, pub_len);
  const UmkScriptFlags p2sh = UMK_SCRIPT_VERIFY_P2SH;

  /* A failed CHECKSIGVERIFY with an empty signature (allowed without NULLFAIL). */
  g_autofree char *csv = g_strdup_printf ("0x21 0x%s CHECKSIGVERIFY 1", pub_hex);
  assert_err (run_legacy ("0", csv, p2sh), UMK_SCRIPT_ERR_CHECKSIGVERIFY);
  g_autofree char *cmsv = g_strdup_printf ("1 0x21 0x%s 1 CHECKMULTISIGVERIFY 1", pub_hex);
  assert_err (run_legacy ("0 0", cmsv, p2sh), UMK_SCRIPT_ERR_CHECKMULTISIGVERIFY);

  /* OP_CODESEPARATOR in a legacy script, executed or not, under CONST_SCRIPTCODE. */
  assert_err (run_legacy ("1", "CODESEPARATOR", p2sh | UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE),
              UMK_SCRIPT_ERR_OP_CODESEPARATOR);
  assert_err (
      run_legacy ("1", "0 IF CODESEPARATOR ENDIF", p2sh | UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE),
      UMK_SCRIPT_ERR_OP_CODESEPARATOR);
  assert_err (run_legacy ("1", "CODESEPARATOR", p2sh), UMK_SCRIPT_ERR_OK);

  /* The signature pushed again inside the scriptPubKey: FindAndDelete would
   * remove it from the scriptCode, which CONST_SCRIPTCODE forbids. */
  g_autofree char *fad = g_strdup_printf ("0x02 0xabcd DROP 0x21 0x%s CHECKSIG NOT", pub_hex);
  assert_err (run_legacy ("0x02 0xabcd", fad, p2sh | UMK_SCRIPT_VERIFY_CONST_SCRIPTCODE),
              UMK_SCRIPT_ERR_SIG_FINDANDDELETE);
  assert_err (run_legacy ("0x02 0xabcd", fad, p2sh), UMK_SCRIPT_ERR_OK);

  /* Flag combinations Core refuses to run. */
  assert_err (run_legacy ("1", "", UMK_SCRIPT_VERIFY_WITNESS), UMK_SCRIPT_ERR_UNKNOWN_ERROR);
  assert_err (run_legacy ("1", "", p2sh | UMK_SCRIPT_VERIFY_CLEANSTACK),
              UMK_SCRIPT_ERR_UNKNOWN_ERROR);
}

/* ---- taproot ---- */

typedef struct
{
  uint8_t internal[32];
  uint8_t output[32];
  int parity;
  uint8_t merkle_root[32];
  bool has_tree;
} TapOutput;

static GByteArray *
p2tr_script (const TapOutput *t)
{
  GByteArray *s = g_byte_array_new ();
  g_byte_array_append (s, (const guint8 *) "\x51\x20", 2);
  g_byte_array_append (s, t->output, 32);
  return s;
}

/* An output whose script tree is one leaf (leaf_version, leaf). */
static void
tap_one_leaf (TapOutput *t, uint8_t leaf_version, const GByteArray *leaf, uint8_t tapleaf[32])
{
  g_assert_true (umk_seckey_get_xonly (SECKEY, t->internal));
  umk_tapleaf_hash (leaf_version, leaf->data, leaf->len, tapleaf);
  memcpy (t->merkle_root, tapleaf, 32);
  t->has_tree = true;
  g_assert_true (umk_taproot_output_key (t->internal, t->merkle_root, t->output, &t->parity));
}

static GByteArray *
control_block (const TapOutput *t, uint8_t leaf_version)
{
  GByteArray *c = g_byte_array_new ();
  uint8_t first = (uint8_t) (leaf_version | t->parity);
  g_byte_array_append (c, &first, 1);
  g_byte_array_append (c, t->internal, 32);
  return c;
}

/* Signs input 0 of spend (key path when tapleaf is NULL). */
static GByteArray *
tap_sign (const UmkTx *spend, const UmkTx *credit, const uint8_t seckey[32], uint8_t hash_type,
          const uint8_t *tapleaf)
{
  UmkTxSigData sigdata;
  umk_tx_sigdata_init (&sigdata, spend, credit->out, true);
  UmkTaprootExec exec = { .codesep_pos = UINT32_MAX };
  if (tapleaf)
    memcpy (exec.tapleaf_hash, tapleaf, 32);
  uint8_t hash[32], sig[65];
  g_assert_true (umk_sighash_taproot (spend, 0, hash_type,
                                      tapleaf ? UMK_SIGVERSION_TAPSCRIPT : UMK_SIGVERSION_TAPROOT,
                                      &sigdata, &exec, hash));
  g_assert_true (umk_schnorr_sign (seckey, hash, 32, NULL, sig));
  sig[64] = hash_type;
  return bytes (sig, hash_type == UMK_SIGHASH_DEFAULT ? 64 : 65);
}

/* A spend of a taproot output whose witness is filled in afterwards. The
 * signature does not cover the witness, so the transaction is rebuilt with
 * the final witness and the same sighash. */
static UmkScriptError
run_witness (const TapOutput *t, GPtrArray *witness, UmkScriptFlags flags)
{
  g_autoptr (GByteArray) spk = p2tr_script (t);
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  UmkTx *credit;
  g_autoptr (UmkTx) spend = umk_test_build_spend (spk, AMOUNT, empty, witness, &credit);
  g_autoptr (UmkTx) owned = credit;
  return run (spend, credit, flags);
}

/* The unsigned spend (for computing signatures). */
static UmkTx *
unsigned_spend (const TapOutput *t, UmkTx **credit)
{
  g_autoptr (GByteArray) spk = p2tr_script (t);
  g_autoptr (GByteArray) empty = g_byte_array_new ();
  return umk_test_build_spend (spk, AMOUNT, empty, NULL, credit);
}

#define TAPROOT_FLAGS \
  (UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_TAPROOT)

static void
test_taproot_key_path (void)
{
  TapOutput t = { 0 };
  g_assert_true (umk_seckey_get_xonly (SECKEY, t.internal));
  uint8_t tweak[32], tweaked_key[32];
  umk_taproot_tweak_hash (t.internal, NULL, tweak);
  g_assert_true (umk_taproot_output_key (t.internal, NULL, t.output, &t.parity));
  g_assert_true (umk_seckey_tweak_xonly (SECKEY, tweak, tweaked_key));

  UmkTx *credit;
  g_autoptr (UmkTx) spend = unsigned_spend (&t, &credit);
  g_autoptr (UmkTx) owned = credit;

  for (int ht = 0; ht < 0x84; ht = ht == 3 ? 0x81 : ht + 1)
    {
      g_autoptr (GPtrArray) w
          = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
      g_ptr_array_add (w, tap_sign (spend, credit, tweaked_key, (uint8_t) ht, NULL));
      assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_OK);
      /* Before taproot activation any witness satisfies a v1 output. */
      GByteArray *sig = w->pdata[0];
      sig->data[10] ^= 1;
      assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG);
      assert_err (run_witness (&t, w, UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS),
                  UMK_SCRIPT_ERR_OK);
    }

  g_autoptr (GPtrArray) w = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GByteArray *sig = tap_sign (spend, credit, tweaked_key, UMK_SIGHASH_DEFAULT, NULL);
  g_ptr_array_add (w, sig);
  /* 63 and 66 bytes: wrong size. */
  g_byte_array_set_size (sig, 63);
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG_SIZE);
  g_byte_array_set_size (sig, 66);
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG_SIZE);
  /* 65 bytes spelling out SIGHASH_DEFAULT, or an undefined type. */
  g_byte_array_set_size (sig, 65);
  sig->data[64] = UMK_SIGHASH_DEFAULT;
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
  sig->data[64] = 0x04;
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
  /* An empty witness. */
  g_ptr_array_set_size (w, 0);
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY);
}

/* Builds a script-path witness for a one-leaf tree: items…, leaf, control. */
static UmkScriptError
run_leaf (const char *leaf_text, uint8_t leaf_version, GPtrArray *items, UmkScriptFlags flags,
          size_t control_len)
{
  g_autoptr (GByteArray) leaf = script (leaf_text);
  TapOutput t = { 0 };
  uint8_t tapleaf[32];
  tap_one_leaf (&t, leaf_version, leaf, tapleaf);
  g_autoptr (GPtrArray) w = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  for (guint i = 0; items && i < items->len; i++)
    g_ptr_array_add (w, g_byte_array_ref (items->pdata[i]));
  g_ptr_array_add (w, g_byte_array_ref (leaf));
  GByteArray *control = control_block (&t, leaf_version);
  g_byte_array_set_size (control, (guint) control_len);
  g_ptr_array_add (w, control);
  return run_witness (&t, w, flags);
}

static void
test_tapscript (void)
{
  const UmkScriptFlags f = TAPROOT_FLAGS;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) two = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (two, bytes ("\x02", 1));

  assert_err (run_leaf ("1", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 33), UMK_SCRIPT_ERR_OK);
  /* Control blocks of 32, 34 and 33 + 129·32 bytes. */
  assert_err (run_leaf ("1", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 32),
              UMK_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE);
  assert_err (run_leaf ("1", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 34),
              UMK_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE);
  assert_err (run_leaf ("1", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 33 + 129 * 32),
              UMK_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE);
  /* A path node of zeros proves a different root. */
  assert_err (run_leaf ("1", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 65),
              UMK_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);

  /* An unknown leaf version succeeds unless discouraged. */
  assert_err (run_leaf ("0", 0xc2, none, f, 33), UMK_SCRIPT_ERR_OK);
  assert_err (
      run_leaf ("0", 0xc2, none, f | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION, 33),
      UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION);

  /* OP_SUCCESSx (0x50, 0xbb) beats everything after it, even a bad push. */
  assert_err (run_leaf ("0 0x50 RETURN", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 33),
              UMK_SCRIPT_ERR_OK);
  assert_err (run_leaf ("0 0xbb", UMK_TAPROOT_LEAF_TAPSCRIPT, none,
                        f | UMK_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS, 33),
              UMK_SCRIPT_ERR_DISCOURAGE_OP_SUCCESS);
  /* …but a malformed push before it is BAD_OPCODE. */
  assert_err (run_leaf ("0x4c", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 33),
              UMK_SCRIPT_ERR_BAD_OPCODE);

  assert_err (run_leaf ("CHECKMULTISIG", UMK_TAPROOT_LEAF_TAPSCRIPT, none, f, 33),
              UMK_SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG);
  assert_err (run_leaf ("IF 1 ENDIF", UMK_TAPROOT_LEAF_TAPSCRIPT, two, f, 33),
              UMK_SCRIPT_ERR_TAPSCRIPT_MINIMALIF);

  /* A 33-byte key is an unknown key type: a non-empty signature passes (and
   * costs budget) unless discouraged. */
  g_autofree char *k33 = g_strdup_printf ("0x21 0x02%064d CHECKSIG", 0);
  assert_err (run_leaf (k33, UMK_TAPROOT_LEAF_TAPSCRIPT, two, f, 33), UMK_SCRIPT_ERR_OK);
  assert_err (run_leaf (k33, UMK_TAPROOT_LEAF_TAPSCRIPT, two,
                        f | UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE, 33),
              UMK_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE);

  /* The signature budget: witness size + 50, 50 per non-empty signature. One
   * check fits; ten checks on a small witness do not. */
  GString *many = g_string_new ("");
  for (int i = 0; i < 10; i++)
    g_string_append (many, "DUP 0x01 0x02 CHECKSIG DROP ");
  assert_err (run_leaf ("DUP 0x01 0x02 CHECKSIG DROP", UMK_TAPROOT_LEAF_TAPSCRIPT, two, f, 33),
              UMK_SCRIPT_ERR_OK);
  assert_err (run_leaf (many->str, UMK_TAPROOT_LEAF_TAPSCRIPT, two, f, 33),
              UMK_SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT);
  g_string_free (many, TRUE);
}

/* A real tapscript signature check: <key> CHECKSIG signed over the leaf. */
static void
test_tapscript_signature (void)
{
  uint8_t xonly[32];
  g_assert_true (umk_seckey_get_xonly (SECKEY, xonly));
  g_autofree char *hex = umk_hex_encode (xonly, 32);
  g_autofree char *text = g_strdup_printf ("0x20 0x%s CHECKSIG", hex);
  g_autoptr (GByteArray) leaf = script (text);
  TapOutput t = { 0 };
  uint8_t tapleaf[32];
  tap_one_leaf (&t, UMK_TAPROOT_LEAF_TAPSCRIPT, leaf, tapleaf);

  UmkTx *credit;
  g_autoptr (UmkTx) spend = unsigned_spend (&t, &credit);
  g_autoptr (UmkTx) owned = credit;
  GByteArray *sig = tap_sign (spend, credit, SECKEY, UMK_SIGHASH_ALL, tapleaf);

  g_autoptr (GPtrArray) w = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (w, sig);
  g_ptr_array_add (w, g_byte_array_ref (leaf));
  g_ptr_array_add (w, control_block (&t, UMK_TAPROOT_LEAF_TAPSCRIPT));
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_OK);

  /* With an annex the message changes: the same signature no longer holds. */
  g_ptr_array_add (w, bytes ("\x50\x01", 2));
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG);
  g_ptr_array_remove_index (w, w->len - 1);

  /* A corrupted signature is an error in tapscript, not a false result. */
  sig->data[3] ^= 0x40;
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_SCHNORR_SIG);
  /* An empty one is a false result: EVAL_FALSE. */
  g_byte_array_set_size (sig, 0);
  assert_err (run_witness (&t, w, TAPROOT_FLAGS), UMK_SCRIPT_ERR_EVAL_FALSE);
}

/* Every error name maps back to its value, and every value has a message. */
static void
test_error_names (void)
{
  for (int e = 0; e < UMK_SCRIPT_ERR_COUNT; e++)
    {
      g_assert_cmpint (umk_script_error_from_name (umk_script_error_name (e)), ==, e);
      g_assert_cmpuint (strlen (umk_script_error_message (e)), >, 0);
    }
  g_assert_cmpint (umk_script_error_from_name ("NOPE"), ==, UMK_SCRIPT_ERR_COUNT);
}

/* Random scripts, scriptSigs and witnesses under random valid flags: any
 * result is fine, a crash or an ASan report is not. Half the bytes are drawn
 * from opcodes that do something, so evaluation gets past the first byte. */
static void
fill_random_script (GRand *rand, GByteArray *s, size_t len)
{
  static const uint8_t interesting[] = { UMK_OP_0,
                                         UMK_OP_1,
                                         UMK_OP_16,
                                         UMK_OP_1NEGATE,
                                         UMK_OP_IF,
                                         UMK_OP_NOTIF,
                                         UMK_OP_ELSE,
                                         UMK_OP_ENDIF,
                                         UMK_OP_DUP,
                                         UMK_OP_2DUP,
                                         UMK_OP_3DUP,
                                         UMK_OP_2ROT,
                                         UMK_OP_PICK,
                                         UMK_OP_ROLL,
                                         UMK_OP_TUCK,
                                         UMK_OP_TOALTSTACK,
                                         UMK_OP_FROMALTSTACK,
                                         UMK_OP_ADD,
                                         UMK_OP_WITHIN,
                                         UMK_OP_SIZE,
                                         UMK_OP_CHECKSIG,
                                         UMK_OP_CHECKMULTISIG,
                                         UMK_OP_CHECKSIGADD,
                                         UMK_OP_SHA256,
                                         UMK_OP_HASH160,
                                         UMK_OP_CODESEPARATOR,
                                         UMK_OP_CHECKLOCKTIMEVERIFY,
                                         UMK_OP_CHECKSEQUENCEVERIFY,
                                         0x4c,
                                         0x4d,
                                         0x4e,
                                         0x01,
                                         0x21,
                                         0x50,
                                         0xbb };
  g_byte_array_set_size (s, (guint) len);
  for (size_t i = 0; i < len; i++)
    s->data[i] = g_rand_boolean (rand)
                     ? interesting[g_rand_int_range (rand, 0, G_N_ELEMENTS (interesting))]
                     : (uint8_t) g_rand_int_range (rand, 0, 256);
}

static void
test_random_inputs (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261129);
  unsigned rounds = g_test_slow () ? 200000 : 20000;
  for (unsigned r = 0; r < rounds; r++)
    {
      g_autoptr (GByteArray) sig = g_byte_array_new ();
      g_autoptr (GByteArray) pub = g_byte_array_new ();
      fill_random_script (rand, sig, (size_t) g_rand_int_range (rand, 0, 40));
      /* Sometimes a real template, so the witness paths run. */
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          g_byte_array_set_size (pub, 34);
          pub->data[0] = UMK_OP_1;
          pub->data[1] = 32;
          for (int i = 2; i < 34; i++)
            pub->data[i] = (uint8_t) g_rand_int (rand);
          g_byte_array_set_size (sig, 0);
          break;
        case 1:
          g_byte_array_set_size (pub, 22);
          pub->data[0] = UMK_OP_0;
          pub->data[1] = 20;
          g_byte_array_set_size (sig, 0);
          break;
        default:
          fill_random_script (rand, pub, (size_t) g_rand_int_range (rand, 0, 60));
          break;
        }
      g_autoptr (GPtrArray) w
          = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
      int n_w = g_rand_int_range (rand, 0, 5);
      for (int i = 0; i < n_w; i++)
        {
          GByteArray *item = g_byte_array_new ();
          size_t len = (size_t) g_rand_int_range (rand, 0, 3) == 0
                           ? 33 + 32 * (size_t) g_rand_int_range (rand, 0, 3)
                           : (size_t) g_rand_int_range (rand, 0, 80);
          fill_random_script (rand, item, len);
          g_ptr_array_add (w, item);
        }
      UmkScriptFlags flags = ((UmkScriptFlags) g_rand_int (rand)) & UMK_SCRIPT_VERIFY_ALL;
      if (g_rand_boolean (rand))
        flags |= UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS | UMK_SCRIPT_VERIFY_TAPROOT;
      UmkTx *credit;
      g_autoptr (UmkTx) spend = umk_test_build_spend (pub, AMOUNT, sig, w, &credit);
      g_autoptr (UmkTx) owned = credit;
      UmkTxSigData sigdata;
      umk_tx_sigdata_init (&sigdata, spend, credit->out, true);
      UmkScriptError err = UMK_SCRIPT_ERR_COUNT;
      bool ok = umk_verify_input (spend, 0, &credit->out[0], flags, &sigdata, &err);
      g_assert_true (err < UMK_SCRIPT_ERR_COUNT);
      g_assert_true (ok == (err == UMK_SCRIPT_ERR_OK));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/interpreter/legacy-errors", test_legacy_errors);
  g_test_add_func ("/interpreter/taproot-key-path", test_taproot_key_path);
  g_test_add_func ("/interpreter/tapscript", test_tapscript);
  g_test_add_func ("/interpreter/tapscript-signature", test_tapscript_signature);
  g_test_add_func ("/interpreter/error-names", test_error_names);
  g_test_add_func ("/interpreter/random-inputs", test_random_inputs);
  return g_test_run ();
}
