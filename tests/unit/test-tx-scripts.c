/* test-tx-scripts.c — Umkoin Core's tx_valid.json and tx_invalid.json: whole
 * transactions, their spent outputs and verify flags.
 *
 * tx_valid: the transaction passes the context-free checks and its scripts
 * pass with every flag except the excluded ones, and with any subset of those;
 * turning any one excluded flag back on makes it fail (the list is minimal).
 * tx_invalid: it fails the context-free checks (flags "BADTX"), or its scripts
 * fail with the listed flags and with any superset; removing any one listed flag
 * makes it pass (the list is minimal).
 */
#include "config.h"

#include "common/hex.h"
#include "common/interpreter.h"
#include "common/tx-check.h"
#include "script-helpers.h"
#include "test-util.h"

#include <json-glib/json-glib.h>
#include <string.h>

#define RANDOM_DRAWS 8 /* random flag sets per flag, as Core's test does once */

typedef struct
{
  UmkTx *tx;
  UmkTxOut *spent;    /* per input, in input order */
  GPtrArray *scripts; /* owns the spent scriptPubKeys */
  bool *spent_known;  /* whether the vector gave this input's prevout */
  UmkTxSigData sigdata;
} TxCase;

static void
tx_case_clear (TxCase *c)
{
  g_clear_pointer (&c->tx, umk_tx_unref);
  g_clear_pointer (&c->spent, g_free);
  g_clear_pointer (&c->spent_known, g_free);
  g_clear_pointer (&c->scripts, g_ptr_array_unref);
}

/* Reads the prevouts and the transaction; false with *why on a broken entry. */
static bool
tx_case_parse (JsonArray *t, TxCase *c, char **why)
{
  JsonArray *inputs = json_array_get_array_element (t, 0);
  const char *hex = json_array_get_string_element (t, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) raw = umk_hex_decode (hex, &error);
  if (!raw || !(c->tx = umk_tx_new_from_data (raw->data, raw->len, &error)))
    {
      *why = g_strdup_printf ("transaction: %s", error->message);
      return false;
    }
  c->spent = g_new0 (UmkTxOut, c->tx->n_in);
  c->spent_known = g_new0 (bool, c->tx->n_in);
  c->scripts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);

  for (guint k = 0; k < json_array_get_length (inputs); k++)
    {
      JsonArray *in = json_array_get_array_element (inputs, k);
      guint n = json_array_get_length (in);
      if (n < 3 || n > 4)
        return (*why = g_strdup ("prevout entry of the wrong size")), false;
      UmkOutPoint prevout;
      if (!umk_uint256_from_hex (&prevout.hash, json_array_get_string_element (in, 0)))
        return (*why = g_strdup ("prevout hash")), false;
      /* -1 in the vectors is the null index, 0xffffffff. */
      prevout.n = (uint32_t) json_array_get_int_element (in, 1);
      GByteArray *script = g_byte_array_new ();
      g_ptr_array_add (c->scripts, script);
      if (!umk_test_parse_script (json_array_get_string_element (in, 2), script, &error))
        return (*why = g_strdup (error->message)), false;
      int64_t amount = n == 4 ? json_array_get_int_element (in, 3) : 0;
      for (uint32_t i = 0; i < c->tx->n_in; i++)
        if (c->tx->in[i].prevout.n == prevout.n
            && umk_uint256_equal (&c->tx->in[i].prevout.hash, &prevout.hash))
          {
            c->spent[i].value = amount;
            c->spent[i].script_pubkey = (UmkSpan){ script->data, script->len };
            c->spent_known[i] = true;
          }
    }
  for (uint32_t i = 0; i < c->tx->n_in; i++)
    if (!c->spent_known[i])
      return (*why = g_strdup_printf ("input %u spends an output the vector does not give", i)),
             false;
  umk_tx_sigdata_init (&c->sigdata, c->tx, c->spent, false);
  return true;
}

/* Core's CheckTxScripts: every input must pass (expect_valid) or some input
 * must fail, with a matching error code. */
static bool
scripts_give (const TxCase *c, UmkScriptFlags flags, bool expect_valid)
{
  bool valid = true;
  UmkScriptError err = UMK_SCRIPT_ERR_OK;
  for (uint32_t i = 0; i < c->tx->n_in && valid; i++)
    {
      valid = umk_verify_input (c->tx, i, &c->spent[i], flags, &c->sigdata, &err);
      if (expect_valid && (!valid || err != UMK_SCRIPT_ERR_OK))
        return false;
    }
  return expect_valid ? valid : !valid && err != UMK_SCRIPT_ERR_OK;
}

/* WITNESS needs P2SH and CLEANSTACK needs WITNESS: drop what lacks its base
 * (Core's TrimFlags) or add the base (FillFlags). */
static UmkScriptFlags
trim_flags (UmkScriptFlags f)
{
  if (!(f & UMK_SCRIPT_VERIFY_P2SH))
    f &= ~(UmkScriptFlags) UMK_SCRIPT_VERIFY_WITNESS;
  if (!(f & UMK_SCRIPT_VERIFY_WITNESS))
    f &= ~(UmkScriptFlags) UMK_SCRIPT_VERIFY_CLEANSTACK;
  return f;
}

static UmkScriptFlags
fill_flags (UmkScriptFlags f)
{
  if (f & UMK_SCRIPT_VERIFY_CLEANSTACK)
    f |= UMK_SCRIPT_VERIFY_WITNESS;
  if (f & UMK_SCRIPT_VERIFY_WITNESS)
    f |= UMK_SCRIPT_VERIFY_P2SH;
  return f;
}

static UmkScriptFlags
all_but (UmkScriptFlags f)
{
  return UMK_SCRIPT_VERIFY_ALL & ~f;
}

static UmkScriptFlags
random_flags (GRand *rand)
{
  return ((UmkScriptFlags) g_rand_int (rand) << 32 | g_rand_int (rand)) & UMK_SCRIPT_VERIFY_ALL;
}

static char *
check_valid (const TxCase *c, UmkScriptFlags excluded, GRand *rand)
{
  const char *reason = NULL;
  if (!umk_tx_check (c->tx, &reason))
    return g_strdup_printf ("CheckTransaction: %s", reason);
  if (all_but (excluded) != fill_flags (all_but (excluded)))
    return g_strdup ("bad test flags");
  if (!scripts_give (c, all_but (excluded), true))
    return g_strdup ("fails with every flag but the excluded ones");
  for (unsigned bit = 0; bit < UMK_SCRIPT_VERIFY_FLAG_COUNT; bit++)
    {
      UmkScriptFlags flag = 1ull << bit;
      if (!scripts_give (c, trim_flags (all_but (excluded | flag)), true))
        return g_strdup_printf ("fails with %s also unset", umk_script_flag_name (bit));
      for (int r = 0; r < RANDOM_DRAWS; r++)
        {
          UmkScriptFlags f = trim_flags (all_but (excluded | random_flags (rand)));
          if (!scripts_give (c, f, true))
            return g_strdup_printf ("fails with random flags %#" G_GINT64_MODIFIER "x",
                                    (guint64) f);
        }
      /* Minimal: setting any one excluded flag again must make it fail. */
      UmkScriptFlags less = trim_flags (excluded & ~flag);
      if (less != excluded && !scripts_give (c, all_but (less), false))
        return g_strdup_printf ("passes with %s set: the excluded list is not minimal",
                                umk_script_flag_name (bit));
    }
  return NULL;
}

static char *
check_invalid (const TxCase *c, const char *flag_text, UmkScriptFlags flags, GRand *rand)
{
  const char *reason = NULL;
  if (!umk_tx_check (c->tx, &reason))
    return strcmp (flag_text, "BADTX") == 0
               ? NULL
               : g_strdup_printf ("CheckTransaction failed (%s) but flags are not BADTX", reason);
  if (strcmp (flag_text, "BADTX") == 0)
    return g_strdup ("BADTX but CheckTransaction passes");
  if (flags != fill_flags (flags))
    return g_strdup ("bad test flags");
  if (!scripts_give (c, flags, false))
    return g_strdup ("passes with the listed flags");
  for (unsigned bit = 0; bit < UMK_SCRIPT_VERIFY_FLAG_COUNT; bit++)
    {
      UmkScriptFlags flag = 1ull << bit;
      if (!scripts_give (c, fill_flags (flags | flag), false))
        return g_strdup_printf ("passes with %s also set", umk_script_flag_name (bit));
      for (int r = 0; r < RANDOM_DRAWS; r++)
        {
          UmkScriptFlags f = fill_flags (flags | random_flags (rand));
          if (!scripts_give (c, f, false))
            return g_strdup_printf ("passes with random flags %#" G_GINT64_MODIFIER "x",
                                    (guint64) f);
        }
      /* Minimal: removing any one listed flag must make it pass. */
      UmkScriptFlags less = trim_flags (flags & ~flag);
      if (less != flags && !scripts_give (c, less, true))
        return g_strdup_printf ("fails without %s: the flag list is not minimal",
                                umk_script_flag_name (bit));
    }
  return NULL;
}

static void
run_file (const char *file, bool valid, unsigned expected_cases)
{
  g_autoptr (JsonNode) root = umk_test_load_json (file);
  JsonArray *tests = json_node_get_array (root);
  g_autoptr (GRand) rand = g_rand_new_with_seed (valid ? 121 : 93);
  UmkTally tally;
  umk_tally_init (&tally, file);

  for (guint idx = 0; idx < json_array_get_length (tests); idx++)
    {
      JsonArray *t = json_array_get_array_element (tests, idx);
      if (!JSON_NODE_HOLDS_ARRAY (json_array_get_element (t, 0)))
        continue; /* comment */
      TxCase c = { 0 };
      g_autofree char *why = NULL;
      if (json_array_get_length (t) != 3 || !tx_case_parse (t, &c, &why))
        {
          umk_tally_case (&tally, false, "entry %u: malformed: %s", idx, why ? why : "size");
          tx_case_clear (&c);
          continue;
        }
      const char *flag_text = json_array_get_string_element (t, 2);
      UmkScriptFlags flags = 0;
      g_autofree char *bad = NULL;
      if (strcmp (flag_text, "BADTX") != 0 && !umk_script_flags_parse (flag_text, &flags, &bad))
        why = g_strdup_printf ("unknown flag %s", bad);
      else
        why = valid ? check_valid (&c, flags, rand) : check_invalid (&c, flag_text, flags, rand);
      char txid[UMK_UINT256_HEX_SIZE];
      umk_uint256_to_hex_buf (&c.tx->txid, txid);
      umk_tally_case (&tally, why == NULL, "entry %u (%s, txid %s): %s", idx, flag_text, txid, why);
      tx_case_clear (&c);
    }
  umk_tally_finish_expect (&tally, expected_cases);
}

static void
test_tx_valid (void)
{
  run_file ("tx_valid.json", true, 121);
}

static void
test_tx_invalid (void)
{
  run_file ("tx_invalid.json", false, 93);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tx-scripts/valid", test_tx_valid);
  g_test_add_func ("/tx-scripts/invalid", test_tx_invalid);
  return g_test_run ();
}
