/* BIP 341's wallet vectors: output keys, script trees and control blocks for
 * each scriptPubKey case; precomputed hashes, tweaks, signature messages,
 * signature hashes and signatures for each key-path spend. */
#include "config.h"

#include "common/address.h"
#include "common/hex.h"
#include "common/key.h"
#include "common/pubkey.h"
#include "common/sighash.h"
#include "common/taproot.h"
#include "common/tx.h"
#include "test-util.h"

#include <string.h>

/* Compares 32 (or n) bytes with a hex string; on a mismatch appends to why. */
static bool
same_hex (GString *why, const char *what, const uint8_t *got, size_t n, const char *want)
{
  g_autofree char *hex = umk_hex_encode (got, n);
  if (want != NULL && g_ascii_strcasecmp (hex, want) == 0)
    return true;
  g_string_append_printf (why, " %s: got %s, want %s;", what, hex, want != NULL ? want : "null");
  return false;
}

static const char *
member_string_or_null (JsonObject *o, const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n == NULL || JSON_NODE_HOLDS_NULL (n) ? NULL : json_node_get_string (n);
}

/* ---- script trees ---- */

typedef struct
{
  uint8_t leaf_version;
  uint8_t hash[32];
  GByteArray *path; /* sibling hashes from the leaf up to the root */
} Leaf;

static void
leaf_clear (gpointer p)
{
  Leaf *l = p;
  if (l->path != NULL)
    g_byte_array_unref (l->path);
}

/* Hashes a tree node and records, in leaves (indexed by the leaves' ids),
 * each leaf's hash and path. ids gets the ids of the leaves below node. */
static void
walk_tree (JsonNode *node, GArray *leaves, GArray *ids, uint8_t out[32])
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      guint id = (guint) json_object_get_int_member (o, "id");
      g_autoptr (GByteArray) script = umk_test_hex (json_object_get_string_member (o, "script"));
      if (leaves->len <= id)
        g_array_set_size (leaves, id + 1);
      Leaf *l = &g_array_index (leaves, Leaf, id);
      g_assert_null (l->path); /* ids are unique */
      l->leaf_version = (uint8_t) json_object_get_int_member (o, "leafVersion");
      l->path = g_byte_array_new ();
      umk_tapleaf_hash (l->leaf_version, script->data, script->len, l->hash);
      memcpy (out, l->hash, 32);
      g_array_append_val (ids, id);
      return;
    }

  JsonArray *a = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (a), ==, 2);
  uint8_t h[2][32];
  GArray *below[2];
  for (guint side = 0; side < 2; side++)
    {
      below[side] = g_array_new (FALSE, FALSE, sizeof (guint));
      walk_tree (json_array_get_element (a, side), leaves, below[side], h[side]);
    }
  for (guint side = 0; side < 2; side++)
    {
      for (guint k = 0; k < below[side]->len; k++)
        {
          Leaf *l = &g_array_index (leaves, Leaf, g_array_index (below[side], guint, k));
          g_byte_array_append (l->path, h[1 - side], 32);
          g_array_append_val (ids, g_array_index (below[side], guint, k));
        }
      g_array_unref (below[side]);
    }
  umk_tapbranch_hash (h[0], h[1], out);
}

static bool
check_script_pubkey_case (JsonObject *c, GString *why)
{
  JsonObject *given = json_object_get_object_member (c, "given");
  JsonObject *inter = json_object_get_object_member (c, "intermediary");
  JsonObject *expected = json_object_get_object_member (c, "expected");
  bool ok = true;

  uint8_t internal[32];
  g_assert_true (
      umk_hex_decode_fixed (json_object_get_string_member (given, "internalPubkey"), internal, 32));

  JsonNode *tree = json_object_get_member (given, "scriptTree");
  g_autoptr (GArray) leaves = g_array_new (FALSE, TRUE, sizeof (Leaf));
  g_array_set_clear_func (leaves, leaf_clear);
  uint8_t root[32];
  bool has_tree = tree != NULL && !JSON_NODE_HOLDS_NULL (tree);
  if (has_tree)
    {
      g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
      walk_tree (tree, leaves, ids, root);
      g_assert_cmpuint (ids->len, ==, leaves->len);

      JsonArray *want = json_object_get_array_member (inter, "leafHashes");
      if (json_array_get_length (want) != leaves->len)
        {
          g_string_append_printf (why, " %u leaves, want %u;", leaves->len,
                                  json_array_get_length (want));
          return false;
        }
      for (guint i = 0; i < leaves->len; i++)
        ok &= same_hex (why, "leaf hash", g_array_index (leaves, Leaf, i).hash, 32,
                        json_array_get_string_element (want, i));
      ok &= same_hex (why, "merkleRoot", root, 32, member_string_or_null (inter, "merkleRoot"));
    }
  else if (member_string_or_null (inter, "merkleRoot") != NULL)
    {
      g_string_append (why, " a merkle root without a tree;");
      ok = false;
    }

  const uint8_t *merkle_root = has_tree ? root : NULL;
  uint8_t tweak[32];
  umk_taproot_tweak_hash (internal, merkle_root, tweak);
  ok &= same_hex (why, "tweak", tweak, 32, json_object_get_string_member (inter, "tweak"));

  uint8_t output_key[32];
  int parity = -1;
  if (!umk_taproot_output_key (internal, merkle_root, output_key, &parity))
    {
      g_string_append (why, " umk_taproot_output_key failed;");
      return false;
    }
  ok &= same_hex (why, "tweakedPubkey", output_key, 32,
                  json_object_get_string_member (inter, "tweakedPubkey"));
  ok &= umk_xonly_tweak_add_check (output_key, parity, internal, tweak);

  uint8_t spk[34] = { 0x51, 0x20 };
  memcpy (spk + 2, output_key, 32);
  ok &= same_hex (why, "scriptPubKey", spk, sizeof spk,
                  json_object_get_string_member (expected, "scriptPubKey"));

  g_autofree char *address
      = umk_address_from_script (umk_chain_address_params (UMK_CHAIN_MAIN), spk, sizeof spk);
  const char *want_address = json_object_get_string_member (expected, "bip350Address");
  if (g_strcmp0 (address, want_address) != 0)
    {
      g_string_append_printf (why, " address: got %s, want %s;", address, want_address);
      ok = false;
    }

  JsonArray *blocks = json_object_has_member (expected, "scriptPathControlBlocks")
                          ? json_object_get_array_member (expected, "scriptPathControlBlocks")
                          : NULL;
  guint n_blocks = blocks != NULL ? json_array_get_length (blocks) : 0;
  if (n_blocks != leaves->len)
    {
      g_string_append_printf (why, " %u control blocks for %u leaves;", n_blocks, leaves->len);
      return false;
    }
  for (guint i = 0; i < leaves->len; i++)
    {
      const Leaf *l = &g_array_index (leaves, Leaf, i);
      g_autoptr (GByteArray) control = g_byte_array_new ();
      uint8_t first = (uint8_t) (l->leaf_version | parity);
      g_byte_array_append (control, &first, 1);
      g_byte_array_append (control, internal, 32);
      g_byte_array_append (control, l->path->data, l->path->len);
      ok &= same_hex (why, "control block", control->data, control->len,
                      json_array_get_string_element (blocks, i));

      /* and the control block proves the root it was built from */
      uint8_t proved[32];
      umk_taproot_merkle_root (control->data, control->len, l->hash, proved);
      if (memcmp (proved, root, 32) != 0)
        {
          g_string_append_printf (why, " control block %u proves another root;", i);
          ok = false;
        }
    }
  return ok;
}

/* ---- key-path spends ---- */

typedef struct
{
  GPtrArray *scripts; /* of GByteArray, owning the spent outputs' scripts */
  UmkTxOut *outs;
  guint n;
} SpentOutputs;

static void
spent_outputs_load (SpentOutputs *s, JsonArray *utxos)
{
  s->n = json_array_get_length (utxos);
  s->scripts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  s->outs = g_new0 (UmkTxOut, s->n);
  for (guint i = 0; i < s->n; i++)
    {
      JsonObject *u = json_array_get_object_element (utxos, i);
      GByteArray *script = umk_test_hex (json_object_get_string_member (u, "scriptPubKey"));
      g_ptr_array_add (s->scripts, script);
      s->outs[i].value = json_object_get_int_member (u, "amountSats");
      s->outs[i].script_pubkey.data = script->data;
      s->outs[i].script_pubkey.len = script->len;
    }
}

static void
spent_outputs_clear (SpentOutputs *s)
{
  g_ptr_array_unref (s->scripts);
  g_free (s->outs);
}

static bool
check_precomputed (const UmkTxSigData *d, JsonObject *hashes, JsonArray *used, GString *why)
{
  bool ok = true;
  for (guint k = 0; k < json_array_get_length (used); k++)
    {
      const char *name = json_array_get_string_element (used, k);
      const uint8_t *got = NULL;
      if (strcmp (name, "hashAmounts") == 0)
        got = d->spent_amounts_single;
      else if (strcmp (name, "hashOutputs") == 0)
        got = d->outputs_single;
      else if (strcmp (name, "hashPrevouts") == 0)
        got = d->prevouts_single;
      else if (strcmp (name, "hashScriptPubkeys") == 0)
        got = d->spent_scripts_single;
      else if (strcmp (name, "hashSequences") == 0)
        got = d->sequences_single;
      if (got == NULL)
        {
          g_string_append_printf (why, " unknown precomputed hash %s;", name);
          ok = false;
          continue;
        }
      ok &= same_hex (why, name, got, 32, json_object_get_string_member (hashes, name));
    }
  return ok;
}

static bool
check_input_spending (const UmkTx *tx, const UmkTxSigData *d, const SpentOutputs *spent,
                      JsonObject *hashes, JsonObject *c, GString *why)
{
  JsonObject *given = json_object_get_object_member (c, "given");
  JsonObject *inter = json_object_get_object_member (c, "intermediary");
  JsonObject *expected = json_object_get_object_member (c, "expected");
  bool ok = true;

  uint32_t n_in = (uint32_t) json_object_get_int_member (given, "txinIndex");
  uint8_t hash_type = (uint8_t) json_object_get_int_member (given, "hashType");
  g_assert_cmpuint (n_in, <, tx->n_in);

  ok &= check_precomputed (d, hashes, json_object_get_array_member (inter, "precomputedUsed"), why);

  uint8_t seckey[32];
  g_assert_true (
      umk_hex_decode_fixed (json_object_get_string_member (given, "internalPrivkey"), seckey, 32));
  const char *root_hex = member_string_or_null (given, "merkleRoot");
  uint8_t root[32];
  if (root_hex != NULL)
    g_assert_true (umk_hex_decode_fixed (root_hex, root, 32));
  const uint8_t *merkle_root = root_hex != NULL ? root : NULL;

  uint8_t internal[32];
  if (!umk_seckey_get_xonly (seckey, internal))
    {
      g_string_append (why, " umk_seckey_get_xonly failed;");
      return false;
    }
  ok &= same_hex (why, "internalPubkey", internal, 32,
                  json_object_get_string_member (inter, "internalPubkey"));

  uint8_t tweak[32];
  umk_taproot_tweak_hash (internal, merkle_root, tweak);
  ok &= same_hex (why, "tweak", tweak, 32, json_object_get_string_member (inter, "tweak"));

  uint8_t tweaked[32];
  if (!umk_seckey_tweak_xonly (seckey, tweak, tweaked))
    {
      g_string_append (why, " umk_seckey_tweak_xonly failed;");
      return false;
    }
  ok &= same_hex (why, "tweakedPrivkey", tweaked, 32,
                  json_object_get_string_member (inter, "tweakedPrivkey"));

  /* the output key is the one the spent output pays to */
  uint8_t output_key[32];
  int parity;
  if (!umk_taproot_output_key (internal, merkle_root, output_key, &parity))
    {
      g_string_append (why, " umk_taproot_output_key failed;");
      return false;
    }
  const UmkSpan *spk = &spent->outs[n_in].script_pubkey;
  if (spk->len != 34 || memcmp (spk->data + 2, output_key, 32) != 0)
    {
      g_string_append (why, " the output key is not the spent output's;");
      ok = false;
    }

  UmkTaprootExec exec = { .annex_present = false };
  g_autoptr (GByteArray) msg = g_byte_array_new ();
  if (!umk_sighash_taproot_msg (msg, tx, n_in, hash_type, UMK_SIGVERSION_TAPROOT, d, &exec))
    {
      g_string_append (why, " umk_sighash_taproot_msg failed;");
      return false;
    }
  ok &= same_hex (why, "sigMsg", msg->data, msg->len,
                  json_object_get_string_member (inter, "sigMsg"));

  uint8_t sighash[32];
  if (!umk_sighash_taproot (tx, n_in, hash_type, UMK_SIGVERSION_TAPROOT, d, &exec, sighash))
    {
      g_string_append (why, " umk_sighash_taproot failed;");
      return false;
    }
  ok &= same_hex (why, "sigHash", sighash, 32, json_object_get_string_member (inter, "sigHash"));

  static const uint8_t zero_aux[32] = { 0 };
  uint8_t sig[65];
  if (!umk_schnorr_sign (tweaked, sighash, 32, zero_aux, sig))
    {
      g_string_append (why, " umk_schnorr_sign failed;");
      return false;
    }
  umk_memzero (seckey, sizeof seckey);
  umk_memzero (tweaked, sizeof tweaked);
  size_t sig_len = 64;
  if (hash_type != UMK_SIGHASH_DEFAULT)
    sig[sig_len++] = hash_type;
  ok &= umk_schnorr_verify (output_key, sig, sighash, 32);

  JsonArray *witness = json_object_get_array_member (expected, "witness");
  if (json_array_get_length (witness) != 1)
    {
      g_string_append (why, " a key-path witness has one item;");
      return false;
    }
  ok &= same_hex (why, "witness", sig, sig_len, json_array_get_string_element (witness, 0));
  return ok;
}

static void
test_vectors (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("bip341_wallet_vectors.json");
  JsonObject *top = json_node_get_object (root);
  UmkTally tally;
  umk_tally_init (&tally, "bip341_wallet_vectors.json");
  unsigned expected_total = 0;

  JsonArray *spks = json_object_get_array_member (top, "scriptPubKey");
  expected_total += json_array_get_length (spks);
  for (guint i = 0; i < json_array_get_length (spks); i++)
    {
      g_autoptr (GString) why = g_string_new (NULL);
      bool ok = check_script_pubkey_case (json_array_get_object_element (spks, i), why);
      umk_tally_case (&tally, ok, "scriptPubKey %u:%s", i, why->str);
    }

  JsonArray *spends = json_object_get_array_member (top, "keyPathSpending");
  for (guint i = 0; i < json_array_get_length (spends); i++)
    {
      JsonObject *v = json_array_get_object_element (spends, i);
      JsonObject *given = json_object_get_object_member (v, "given");
      JsonObject *hashes = json_object_get_object_member (v, "intermediary");
      JsonArray *inputs = json_object_get_array_member (v, "inputSpending");
      expected_total += json_array_get_length (inputs);

      g_autoptr (GByteArray) raw
          = umk_test_hex (json_object_get_string_member (given, "rawUnsignedTx"));
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkTx) tx = umk_tx_new_from_data (raw->data, raw->len, &error);
      g_assert_no_error (error);
      SpentOutputs spent;
      spent_outputs_load (&spent, json_object_get_array_member (given, "utxosSpent"));
      g_assert_cmpuint (spent.n, ==, tx->n_in);

      /* Nothing in an unsigned transaction (no witness yet) says taproot
       * hashes will be needed, so a signer has to force them. */
      UmkTxSigData lazy;
      umk_tx_sigdata_init (&lazy, tx, spent.outs, false);
      g_assert_false (lazy.bip341_ready);
      UmkTxSigData d;
      umk_tx_sigdata_init (&d, tx, spent.outs, true);
      g_assert_true (d.bip341_ready);

      /* all five hashes, whichever inputs use them */
      g_autoptr (GString) why = g_string_new (NULL);
      JsonArray *all = json_array_new ();
      const char *names[]
          = { "hashAmounts", "hashOutputs", "hashPrevouts", "hashScriptPubkeys", "hashSequences" };
      for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
        json_array_add_string_element (all, names[k]);
      bool all_ok = check_precomputed (&d, hashes, all, why);
      json_array_unref (all);
      if (!all_ok)
        g_test_message ("keyPathSpending %u:%s", i, why->str);
      g_assert_true (all_ok);

      for (guint k = 0; k < json_array_get_length (inputs); k++)
        {
          g_string_truncate (why, 0);
          bool ok = check_input_spending (tx, &d, &spent, hashes,
                                          json_array_get_object_element (inputs, k), why);
          umk_tally_case (&tally, ok, "keyPathSpending %u input %u:%s", i, k, why->str);
        }
      spent_outputs_clear (&spent);
    }
  umk_tally_finish_expect (&tally, expected_total);
  g_assert_cmpuint (expected_total, ==, 14);
}

/* Control blocks for trees the vectors do not have: deep paths and the order
 * of siblings. */
static void
test_merkle_root (void)
{
  uint8_t leaf[32], node[32], control[33 + 32 * 3];
  memset (leaf, 0x11, 32);
  memset (control, 0xc0, 33);
  uint8_t want[32];
  memcpy (want, leaf, 32);
  for (int i = 0; i < 3; i++)
    {
      memset (node, 0x10 + 0x20 * i, 32); /* below then above the running hash */
      memcpy (control + 33 + 32 * i, node, 32);
      umk_tapbranch_hash (want, node, want);
    }
  uint8_t got[32];
  umk_taproot_merkle_root (control, sizeof control, leaf, got);
  g_assert_cmpmem (got, 32, want, 32);

  /* no path: the leaf is the root */
  umk_taproot_merkle_root (control, 33, leaf, got);
  g_assert_cmpmem (got, 32, leaf, 32);

  /* branches are symmetric */
  uint8_t ab[32], ba[32];
  umk_tapbranch_hash (leaf, node, ab);
  umk_tapbranch_hash (node, leaf, ba);
  g_assert_cmpmem (ab, 32, ba, 32);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bip341/vectors", test_vectors);
  g_test_add_func ("/bip341/merkle-root", test_merkle_root);
  return g_test_run ();
}
