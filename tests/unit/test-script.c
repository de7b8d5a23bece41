/* test-script.c — Umkoin Core's script_tests.json: every case must give its
 * exact expected result and error, and keep its result when flags are removed
 * from a passing case or added to a failing one. */
#include "config.h"

#include "common/hex.h"
#include "common/interpreter.h"
#include "common/key.h"
#include "common/taproot.h"
#include "script-helpers.h"
#include "test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

/* Random flag sets tried per case (Core tries 256; the behaviour under test
 * is monotonicity, which a few dozen draws per case across 1,222 cases cover). */
#define FLAG_DRAWS 64

typedef struct
{
  GByteArray *script_sig;
  GByteArray *script_pubkey;
  GPtrArray *witness; /* of GByteArray */
  int64_t amount;
  UmkScriptFlags flags;
  UmkScriptError expected;
} Case;

static void
case_clear (Case *c)
{
  g_clear_pointer (&c->script_sig, g_byte_array_unref);
  g_clear_pointer (&c->script_pubkey, g_byte_array_unref);
  g_clear_pointer (&c->witness, g_ptr_array_unref);
}

/* The test's taproot internal key: secret key 1, so the point G. */
static void
internal_key (uint8_t out[32])
{
  uint8_t one[32] = { 0 };
  one[31] = 1;
  g_assert_true (umk_seckey_get_xonly (one, out));
}

/* Fills c from a vector entry; returns false with *why for a malformed entry. */
static bool
parse_case (JsonArray *t, Case *c, char **why)
{
  GError *error = NULL;
  guint pos = 0;
  uint8_t tap_output[32];
  bool have_tap_output = false;

  c->witness = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  if (json_array_get_length (t) > 0 && JSON_NODE_HOLDS_ARRAY (json_array_get_element (t, 0)))
    {
      JsonArray *w = json_array_get_array_element (t, 0);
      guint n = json_array_get_length (w);
      if (n == 0)
        return (*why = g_strdup ("empty witness array")), false;
      for (guint i = 0; i + 1 < n; i++)
        {
          const char *item = json_array_get_string_element (w, i);
          GByteArray *bytes = g_byte_array_new ();
          g_ptr_array_add (c->witness, bytes);
          if (g_str_has_prefix (item, "#SCRIPT#"))
            {
              if (!umk_test_parse_script (item + strlen ("#SCRIPT#"), bytes, &error))
                goto parse_error;
            }
          else if (strcmp (item, "#CONTROLBLOCK#") == 0)
            {
              /* A one-leaf tree over the previous item (the tapscript):
               * its leaf hash is the root. */
              if (c->witness->len < 2)
                return (*why = g_strdup ("#CONTROLBLOCK# without a script")), false;
              GByteArray *script = c->witness->pdata[c->witness->len - 2];
              uint8_t key[32], leaf[32];
              int parity;
              internal_key (key);
              umk_tapleaf_hash (UMK_TAPROOT_LEAF_TAPSCRIPT, script->data, script->len, leaf);
              g_assert_true (umk_taproot_output_key (key, leaf, tap_output, &parity));
              have_tap_output = true;
              uint8_t control0 = (uint8_t) (UMK_TAPROOT_LEAF_TAPSCRIPT | parity);
              g_byte_array_append (bytes, &control0, 1);
              g_byte_array_append (bytes, key, 32);
            }
          else
            {
              g_autoptr (GByteArray) raw = umk_hex_decode (item, &error);
              if (!raw)
                goto parse_error;
              g_byte_array_append (bytes, raw->data, raw->len);
            }
        }
      /* The amount in coins, exact to the satoshi. */
      double coins = json_array_get_double_element (w, n - 1);
      c->amount = (int64_t) (coins * 1e8 + (coins < 0 ? -0.5 : 0.5));
      pos++;
    }

  const char *sig = json_array_get_string_element (t, pos++);
  const char *pub = json_array_get_string_element (t, pos++);
  const char *flags = json_array_get_string_element (t, pos++);
  const char *expected = json_array_get_string_element (t, pos++);

  c->script_sig = g_byte_array_new ();
  if (!umk_test_parse_script (sig, c->script_sig, &error))
    goto parse_error;
  c->script_pubkey = g_byte_array_new ();
  if (strcmp (pub, "0x51 0x20 #TAPROOTOUTPUT#") == 0)
    {
      if (!have_tap_output)
        return (*why = g_strdup ("#TAPROOTOUTPUT# without #CONTROLBLOCK#")), false;
      g_byte_array_append (c->script_pubkey, (const guint8 *) "\x51\x20", 2);
      g_byte_array_append (c->script_pubkey, tap_output, 32);
    }
  else if (!umk_test_parse_script (pub, c->script_pubkey, &error))
    goto parse_error;

  g_autofree char *bad = NULL;
  if (!umk_script_flags_parse (flags, &c->flags, &bad))
    return (*why = g_strdup_printf ("unknown flag %s", bad)), false;
  c->expected = umk_script_error_from_name (expected);
  if (c->expected == UMK_SCRIPT_ERR_COUNT)
    return (*why = g_strdup_printf ("unknown error %s", expected)), false;
  return true;

parse_error:
  *why = g_strdup (error->message);
  g_error_free (error);
  return false;
}

static bool
verify (const UmkTx *spend, const UmkTx *credit, UmkScriptFlags flags, UmkScriptError *err)
{
  UmkTxSigData sigdata;
  umk_tx_sigdata_init (&sigdata, spend, credit->out, false);
  return umk_verify_input (spend, 0, &credit->out[0], flags, &sigdata, err);
}

static void
test_script_vectors (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("script_tests.json");
  JsonArray *tests = json_node_get_array (root);
  g_autoptr (GRand) rand = g_rand_new_with_seed (1222);
  UmkTally tally;
  umk_tally_init (&tally, "script_tests.json");

  for (guint idx = 0; idx < json_array_get_length (tests); idx++)
    {
      JsonArray *t = json_array_get_array_element (tests, idx);
      guint pos = JSON_NODE_HOLDS_ARRAY (json_array_get_element (t, 0)) ? 1 : 0;
      if (json_array_get_length (t) < 4 + pos)
        {
          /* Comments are one string; anything else short is a broken vector. */
          if (json_array_get_length (t) != 1)
            umk_tally_case (&tally, false, "entry %u: malformed", idx);
          continue;
        }

      Case c = { 0 };
      g_autofree char *why = NULL;
      if (!parse_case (t, &c, &why))
        {
          umk_tally_case (&tally, false, "entry %u: %s", idx, why);
          case_clear (&c);
          continue;
        }
      /* As Core's DoTest: CLEANSTACK is only meaningful with P2SH and WITNESS. */
      if (c.flags & UMK_SCRIPT_VERIFY_CLEANSTACK)
        c.flags |= UMK_SCRIPT_VERIFY_P2SH | UMK_SCRIPT_VERIFY_WITNESS;

      UmkTx *credit;
      g_autoptr (UmkTx) spend
          = umk_test_build_spend (c.script_pubkey, c.amount, c.script_sig, c.witness, &credit);
      g_autoptr (UmkTx) credit_owned = credit;
      bool expect = c.expected == UMK_SCRIPT_ERR_OK;
      UmkScriptError err;
      bool ok = verify (spend, credit, c.flags, &err);
      bool pass = ok == expect && err == c.expected;
      g_autofree char *detail = NULL;
      if (!pass)
        detail = g_strdup_printf ("got %s, want %s", umk_script_error_name (err),
                                  umk_script_error_name (c.expected));

      for (int i = 0; pass && i < FLAG_DRAWS; i++)
        {
          UmkScriptFlags extra = ((UmkScriptFlags) g_rand_int (rand) << 32 | g_rand_int (rand))
                                 & UMK_SCRIPT_VERIFY_ALL;
          UmkScriptFlags flags = expect ? c.flags & ~extra : c.flags | extra;
          if (!umk_script_flags_are_valid (flags))
            continue;
          if (verify (spend, credit, flags, &err) != expect)
            {
              pass = false;
              detail = g_strdup_printf ("result changed with flags %#" G_GINT64_MODIFIER "x (%s)",
                                        (guint64) flags, umk_script_error_name (err));
            }
        }
      g_autofree char *text = json_to_string (json_array_get_element (tests, idx), FALSE);
      umk_tally_case (&tally, pass, "entry %u %s: %s", idx, text, detail);
      case_clear (&c);
    }
  umk_tally_finish_expect (&tally, 1222);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/script/vectors", test_script_vectors);
  return g_test_run ();
}
