#include "config.h"

#include "common/address.h"
#include "common/base58.h"
#include "common/bech32.h"
#include "common/error.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

/* The chains key_io_invalid.json is checked on (Core's test), plus testnet4. */
static const UmkChain all_chains[]
    = { UMK_CHAIN_MAIN, UMK_CHAIN_TEST, UMK_CHAIN_TESTNET4, UMK_CHAIN_SIGNET, UMK_CHAIN_REGTEST };

static const UmkAddressParams *
params_named (const char *name)
{
  UmkChain chain;
  if (!umk_chain_from_name (name, &chain))
    g_error ("unknown chain %s in test data", name);
  return umk_chain_address_params (chain);
}

/* The scriptPubKey hex of an address, or NULL (error message in *why). */
static char *
script_hex (const UmkAddressParams *p, const char *address, char **why)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) script = umk_address_to_script (p, address, &error);
  if (script == NULL)
    {
      g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
      if (why != NULL)
        *why = g_strdup (error->message);
      return NULL;
    }
  g_assert_no_error (error);
  return umk_hex_encode (script->data, script->len);
}

static bool
is_wif (const UmkAddressParams *p, const char *s)
{
  uint8_t key[32];
  bool compressed = false;
  return umk_wif_decode (p, s, key, &compressed);
}

static char *
flip_case (const char *s)
{
  char *f = g_strdup (s);
  for (char *c = f; *c; c++)
    {
      if (g_ascii_islower (*c))
        *c = g_ascii_toupper (*c);
      else if (g_ascii_isupper (*c))
        *c = g_ascii_tolower (*c);
    }
  return f;
}

static bool
same_prefixes (const UmkAddressParams *a, const UmkAddressParams *b, bool bech32)
{
  if (bech32)
    return strcmp (a->bech32_hrp, b->bech32_hrp) == 0;
  return a->pubkey_prefix == b->pubkey_prefix && a->script_prefix == b->script_prefix;
}

/* key_io_valid.json: Core's key_io_valid_parse and key_io_valid_gen, plus the
 * other-chain checks. */
static void
test_key_io_valid (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("key_io_valid.json");
  JsonArray *cases = json_node_get_array (root);
  UmkTally tally;
  umk_tally_init (&tally, "key_io_valid.json");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonNode *entry = json_array_get_element (cases, i);
      if (umk_test_json_is_comment (entry))
        continue;
      JsonArray *c = json_node_get_array (entry);
      const char *text = json_array_get_string_element (c, 0);
      const char *payload = json_array_get_string_element (c, 1);
      JsonObject *meta = json_array_get_object_element (c, 2);
      const UmkAddressParams *p = params_named (json_object_get_string_member (meta, "chain"));
      bool is_privkey = json_object_get_boolean_member (meta, "isPrivkey");
      g_autofree char *flipped = flip_case (text);
      GString *fail = g_string_new (NULL);

      if (is_privkey)
        {
          bool want_compressed = json_object_get_boolean_member (meta, "isCompressed");
          uint8_t key[32];
          bool compressed = !want_compressed;
          if (!umk_wif_decode (p, text, key, &compressed))
            g_string_append (fail, "WIF does not decode; ");
          else
            {
              g_autofree char *hex = umk_hex_encode (key, 32);
              if (strcmp (hex, payload) != 0)
                g_string_append_printf (fail, "key %s; ", hex);
              if (compressed != want_compressed)
                g_string_append (fail, "compressed flag; ");
            }
          g_autoptr (GByteArray) k = umk_test_hex (payload);
          g_autofree char *enc = umk_wif_encode (p, k->data, want_compressed);
          if (enc == NULL || strcmp (enc, text) != 0)
            g_string_append_printf (fail, "encodes to %s; ", enc ? enc : "(null)");
          char buf[UMK_WIF_MAX_LEN + 1];
          if (!umk_wif_encode_to (buf, p, k->data, want_compressed) || strcmp (buf, text) != 0)
            g_string_append (fail, "encode_to differs; ");
          /* A private key is no address, on any chain. */
          for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
            if (umk_address_is_valid (umk_chain_address_params (all_chains[j]), text)
                || umk_address_is_valid (umk_chain_address_params (all_chains[j]), flipped))
              g_string_append_printf (fail, "is an address on %s; ",
                                      umk_chain_name (all_chains[j]));
          /* Nor a key of a chain with another secret prefix. */
          for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
            {
              const UmkAddressParams *o = umk_chain_address_params (all_chains[j]);
              if (o->secret_prefix != p->secret_prefix && is_wif (o, text))
                g_string_append_printf (fail, "is a key on %s; ", umk_chain_name (all_chains[j]));
            }
        }
      else
        {
          bool try_case_flip = json_object_has_member (meta, "tryCaseFlip")
                               && json_object_get_boolean_member (meta, "tryCaseFlip");
          g_autofree char *why = NULL;
          g_autofree char *hex = script_hex (p, text, &why);
          if (hex == NULL || strcmp (hex, payload) != 0)
            g_string_append_printf (fail, "script %s (%s); ", hex ? hex : "(none)", why ? why : "");
          g_autofree char *flipped_hex = script_hex (p, flipped, NULL);
          if ((flipped_hex != NULL) != try_case_flip
              || (flipped_hex != NULL && strcmp (flipped_hex, payload) != 0))
            g_string_append (fail, "case-flipped result; ");
          g_autoptr (GByteArray) script = umk_test_hex (payload);
          g_autofree char *addr = umk_address_from_script (p, script->data, script->len);
          if (addr == NULL || strcmp (addr, text) != 0)
            g_string_append_printf (fail, "script encodes to %s; ", addr ? addr : "(null)");
          /* An address is no private key, on any chain. */
          for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
            {
              const UmkAddressParams *o = umk_chain_address_params (all_chains[j]);
              if (is_wif (o, text) || is_wif (o, flipped))
                g_string_append_printf (fail, "is a key on %s; ", umk_chain_name (all_chains[j]));
            }
          /* On a chain with other prefixes it is no address; on one with the
           * same prefixes it is the same one. */
          bool bech32 = g_ascii_strncasecmp (text, p->bech32_hrp, strlen (p->bech32_hrp)) == 0;
          for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
            {
              const UmkAddressParams *o = umk_chain_address_params (all_chains[j]);
              g_autofree char *other = script_hex (o, text, NULL);
              bool same = same_prefixes (o, p, bech32);
              if (same ? other == NULL || strcmp (other, payload) != 0 : other != NULL)
                g_string_append_printf (fail, "wrong result on %s; ",
                                        umk_chain_name (all_chains[j]));
            }
        }
      umk_tally_case (&tally, fail->len == 0, "%s: %s", text, fail->str);
      g_string_free (fail, TRUE);
    }
  umk_tally_finish_expect (&tally, 70);
}

/* key_io_invalid.json: no string is an address or a key on any chain. */
static void
test_key_io_invalid (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("key_io_invalid.json");
  JsonArray *cases = json_node_get_array (root);
  UmkTally tally;
  umk_tally_init (&tally, "key_io_invalid.json");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonArray *c = json_array_get_array_element (cases, i);
      const char *text = json_array_get_string_element (c, 0);
      bool ok = true;
      for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
        {
          const UmkAddressParams *p = umk_chain_address_params (all_chains[j]);
          g_autoptr (GError) error = NULL;
          g_autoptr (GByteArray) script = umk_address_to_script (p, text, &error);
          ok = ok && script == NULL && error != NULL && error->message[0] != '\0'
               && !umk_address_is_valid (p, text) && !is_wif (p, text);
        }
      umk_tally_case (&tally, ok, "\"%s\" decodes", text);
    }
  umk_tally_finish_expect (&tally, 70);
}

/* The chain a BIP segwit address belongs to, by its HRP. */
static const UmkAddressParams *
params_for_segwit (const char *address)
{
  return g_ascii_strncasecmp (address, "bc1", 3) == 0 ? umk_chain_address_params (UMK_CHAIN_MAIN)
                                                      : umk_chain_address_params (UMK_CHAIN_TEST);
}

static void
run_valid_segwit (const char *file)
{
  g_autoptr (JsonNode) root = umk_test_load_json (file);
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "valid_segwit");
  g_autofree char *name = g_strdup_printf ("%s valid_segwit", file);
  UmkTally tally;
  umk_tally_init (&tally, name);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      const char *address = json_object_get_string_member (o, "address");
      const char *want = json_object_get_string_member (o, "script");
      const UmkAddressParams *p = params_for_segwit (address);
      g_autofree char *why = NULL;
      g_autofree char *hex = script_hex (p, address, &why);
      g_autoptr (GByteArray) script = umk_test_hex (want);
      g_autofree char *back = umk_address_from_script (p, script->data, script->len);
      g_autofree char *lower = g_ascii_strdown (address, -1);
      umk_tally_case (&tally,
                      hex != NULL && strcmp (hex, want) == 0 && back != NULL
                          && strcmp (back, lower) == 0,
                      "%s: script %s (%s), back %s", address, hex ? hex : "(none)", why ? why : "",
                      back ? back : "(null)");
    }
  umk_tally_finish (&tally);
}

static void
run_invalid_segwit (const char *file, const char *list, const char *main_error)
{
  g_autoptr (JsonNode) root = umk_test_load_json (file);
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), list);
  g_autofree char *name = g_strdup_printf ("%s %s", file, list);
  UmkTally tally;
  umk_tally_init (&tally, name);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      const char *address = json_object_get_string_member (o, "address");
      bool ok = true;
      for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
        {
          const UmkAddressParams *p = umk_chain_address_params (all_chains[j]);
          g_autofree char *why = NULL;
          g_autofree char *hex = script_hex (p, address, &why);
          ok = ok && hex == NULL && why != NULL && why[0] != '\0';
          if (main_error != NULL && all_chains[j] == UMK_CHAIN_MAIN)
            ok = ok && why != NULL && strcmp (why, main_error) == 0;
        }
      umk_tally_case (&tally, ok, "%s decodes, or with the wrong error", address);
    }
  umk_tally_finish (&tally);
}

static void
test_bip173_segwit (void)
{
  run_valid_segwit ("bip173_vectors.json");
  run_invalid_segwit ("bip173_vectors.json", "invalid_segwit", NULL);
  /* BIP 350 made the version 1+ Bech32 addresses of BIP 173 invalid. */
  run_invalid_segwit ("bip173_vectors.json", "superseded_segwit",
                      "Version 1+ witness address must use Bech32m checksum");
}

static void
test_bip350_segwit (void)
{
  run_valid_segwit ("bip350_vectors.json");
  run_invalid_segwit ("bip350_vectors.json", "invalid_segwit", NULL);
}

/* Core's own validateaddress expectations: exact messages and locations. */
static void
test_core_validateaddress (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("core_validateaddress.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "cases");
  UmkTally tally;
  umk_tally_init (&tally, "core_validateaddress.json");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      const UmkAddressParams *p = params_named (json_object_get_string_member (o, "chain"));
      const char *address = json_object_get_string_member (o, "address");
      g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
      g_autoptr (GError) error = NULL;
      g_autoptr (GByteArray) script = umk_address_to_script_full (p, address, locs, &error);
      bool ok;
      if (json_object_has_member (o, "error"))
        {
          JsonArray *want_locs = json_object_get_array_member (o, "error_locations");
          ok = script == NULL && error != NULL
               && strcmp (error->message, json_object_get_string_member (o, "error")) == 0
               && locs->len == json_array_get_length (want_locs);
          for (guint k = 0; ok && k < locs->len; k++)
            ok = g_array_index (locs, int, k) == json_array_get_int_element (want_locs, k);
        }
      else if (json_object_has_member (o, "script"))
        {
          g_autofree char *hex = script ? umk_hex_encode (script->data, script->len) : NULL;
          ok = hex != NULL && strcmp (hex, json_object_get_string_member (o, "script")) == 0
               && locs->len == 0;
        }
      else
        ok = script != NULL && locs->len == 0;
      umk_tally_case (&tally, ok, "%s: %s", address, error ? error->message : "decoded");
    }
  umk_tally_finish_expect (&tally, 59);
}

static void
assert_error (const UmkAddressParams *p, const char *address, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) script = umk_address_to_script (p, address, &error);
  g_assert_null (script);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
  g_assert_false (umk_address_is_valid (p, address));
}

static void
assert_script (const UmkAddressParams *p, const char *address, const char *want_hex)
{
  g_autofree char *why = NULL;
  g_autofree char *hex = script_hex (p, address, &why);
  g_assert_cmpstr (why, ==, NULL);
  g_assert_cmpstr (hex, ==, want_hex);
  g_assert_true (umk_address_is_valid (p, address));
}

static char *
segwit (const char *hrp, UmkBech32Encoding enc, unsigned version, const uint8_t *prog, size_t len)
{
  uint8_t values[128];
  size_t n = sizeof values - 1;
  values[0] = (uint8_t) version;
  g_assert_true (umk_bech32_convert_bits (values + 1, &n, 5, prog, len, 8, true));
  return umk_bech32_encode (enc, hrp, values, n + 1);
}

static char *
base58_payload (uint8_t prefix, size_t hash_len)
{
  uint8_t data[64] = { prefix };
  for (size_t i = 1; i <= hash_len; i++)
    data[i] = (uint8_t) i;
  return umk_base58check_encode (data, 1 + hash_len);
}

/* Every message of DecodeDestination, reached on purpose. */
static void
test_error_branches (void)
{
  const UmkAddressParams *main = umk_chain_address_params (UMK_CHAIN_MAIN);
  const UmkAddressParams *reg = umk_chain_address_params (UMK_CHAIN_REGTEST);
  uint8_t prog[41];
  for (size_t i = 0; i < sizeof prog; i++)
    prog[i] = (uint8_t) (i * 7 + 1);

  /* Base58 branches. */
  g_autofree char *short_pkh = base58_payload (0, 19);
  assert_error (main, short_pkh, "Invalid length for Base58 address (P2PKH or P2SH)");
  g_autofree char *short_sh = base58_payload (5, 10);
  assert_error (main, short_sh, "Invalid length for Base58 address (P2PKH or P2SH)");
  g_autofree char *only_prefix = base58_payload (5, 0);
  assert_error (main, only_prefix, "Invalid length for Base58 address (P2PKH or P2SH)");
  g_autofree char *other_prefix = base58_payload (42, 20);
  assert_error (main, other_prefix, "Invalid or unsupported Base58-encoded address.");
  g_autofree char *empty_payload = umk_base58check_encode (NULL, 0);
  assert_error (main, empty_payload, "Invalid or unsupported Base58-encoded address.");
  /* Too long for an address (payload over 21 bytes) reads as a bad checksum. */
  g_autofree char *long_pkh = base58_payload (0, 21);
  assert_error (main, long_pkh, "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
  /* A test-chain address on main has another prefix. */
  assert_error (main, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn",
                "Invalid or unsupported Base58-encoded address.");
  /* "" is valid Base58 (no bytes) but too short for a checksum. */
  assert_error (main, "", "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
  assert_error (main, "0", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.");
  /* Over 100 bytes of Base58 is no encoding at all. */
  g_autofree char *huge = g_strnfill (200, 'z');
  assert_error (main, huge, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.");
  g_autofree char *big = g_strnfill (60, 'z');
  assert_error (main, big, "Invalid checksum or length of Base58 address (P2PKH or P2SH)");

  /* Bech32 branches. */
  g_autofree char *empty_data = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32M, "bc", NULL, 0);
  assert_error (main, empty_data, "Empty Bech32 data section");
  g_autofree char *reg_on_main = segwit ("bcrt", UMK_BECH32_ENCODING_BECH32, 0, prog, 20);
  assert_error (
      main, reg_on_main,
      "Invalid or unsupported prefix for Segwit (Bech32) address (expected bc, got bcrt).");
  /* bc1... on regtest does not start with "bcrt": it is read as Base58 and fails. */
  g_autofree char *main_on_reg = segwit ("bc", UMK_BECH32_ENCODING_BECH32, 0, prog, 20);
  g_assert_false (umk_address_is_valid (reg, main_on_reg));
  g_assert_true (umk_address_is_valid (main, main_on_reg));
  g_autofree char *v0m = segwit ("bc", UMK_BECH32_ENCODING_BECH32M, 0, prog, 20);
  assert_error (main, v0m, "Version 0 witness address must use Bech32 checksum");
  g_autofree char *v1b = segwit ("bc", UMK_BECH32_ENCODING_BECH32, 1, prog, 32);
  assert_error (main, v1b, "Version 1+ witness address must use Bech32m checksum");
  const size_t v0_bad[] = { 0, 1, 2, 19, 21, 31, 33, 40 };
  for (size_t i = 0; i < G_N_ELEMENTS (v0_bad); i++)
    {
      g_autofree char *a = segwit ("bc", UMK_BECH32_ENCODING_BECH32, 0, prog, v0_bad[i]);
      g_autofree char *msg
          = g_strdup_printf ("Invalid Bech32 v0 address program size (%zu %s), per BIP141",
                             v0_bad[i], v0_bad[i] == 1 ? "byte" : "bytes");
      assert_error (main, a, msg);
    }
  for (unsigned v = 17; v < 32; v++)
    {
      g_autofree char *a = segwit ("bc", UMK_BECH32_ENCODING_BECH32M, v, prog, 32);
      assert_error (main, a, "Invalid Bech32 address witness version");
    }
  const size_t v1_bad[] = { 0, 1, 41 };
  for (size_t i = 0; i < G_N_ELEMENTS (v1_bad); i++)
    {
      g_autofree char *a = segwit ("bc", UMK_BECH32_ENCODING_BECH32M, 3, prog, v1_bad[i]);
      g_autofree char *msg = g_strdup_printf ("Invalid Bech32 address program size (%zu %s)",
                                              v1_bad[i], v1_bad[i] == 1 ? "byte" : "bytes");
      assert_error (main, a, msg);
    }
  /* Padding: non-zero pad bits, and a whole extra group. */
  const uint8_t bad_pad[] = { 1, 31, 31, 31, 31, 31, 31, 31 }; /* 35 bits: 3 set pad bits */
  g_autofree char *pad1 = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32M, "bc", bad_pad, 8);
  assert_error (main, pad1, "Invalid padding in Bech32 data section");
  /* Padding is checked before the version. */
  const uint8_t bad_pad_v20[] = { 20, 31, 31, 31, 31, 31, 31, 31 };
  g_autofree char *pad2 = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32M, "bc", bad_pad_v20, 8);
  assert_error (main, pad2, "Invalid padding in Bech32 data section");
  /* Checksum and character errors come from the error locator. */
  assert_error (main, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid Bech32 checksum");
  assert_error (main, "bc1", "Invalid separator position");
  assert_error (main, "bcq", "Missing separator");
  assert_error (main, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", "Invalid Base 32 character");
  assert_error (main, "bc1\xc3\xa9", "Invalid character or mixed case");
  assert_error (main, "Bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                "Invalid character or mixed case");
}

static void
test_scripts (void)
{
  const UmkAddressParams *main = umk_chain_address_params (UMK_CHAIN_MAIN);
  const UmkAddressParams *test = umk_chain_address_params (UMK_CHAIN_TEST);
  uint8_t prog[40];
  for (size_t i = 0; i < sizeof prog; i++)
    prog[i] = (uint8_t) (0xa0 + i);

  /* Every witness version and every program size that has an address. */
  for (unsigned v = 0; v <= 16; v++)
    for (size_t len = 2; len <= 40; len++)
      {
        bool valid = v != 0 || len == 20 || len == 32;
        uint8_t script[42];
        script[0] = v == 0 ? 0x00 : (uint8_t) (0x50 + v);
        script[1] = (uint8_t) len;
        memcpy (script + 2, prog, len);
        g_autofree char *addr = umk_address_from_script (main, script, len + 2);
        if (!valid)
          {
            g_assert_null (addr);
            continue;
          }
        g_assert_nonnull (addr);
        g_assert_true (g_str_has_prefix (addr, "bc1"));
        g_autoptr (GError) error = NULL;
        g_autoptr (GByteArray) back = umk_address_to_script (main, addr, &error);
        g_assert_no_error (error);
        g_assert_cmpmem (back->data, back->len, script, len + 2);
        UmkBech32Decoded dec;
        g_assert_true (umk_bech32_decode (&dec, addr, strlen (addr)));
        g_assert_cmpint (dec.encoding, ==,
                         v == 0 ? UMK_BECH32_ENCODING_BECH32 : UMK_BECH32_ENCODING_BECH32M);
        g_assert_cmpuint (dec.data[0], ==, v);
      }

  /* P2PKH, P2SH, P2A. */
  g_autoptr (GByteArray) pkh = umk_test_hex ("76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac");
  g_autofree char *a1 = umk_address_from_script (main, pkh->data, pkh->len);
  g_assert_cmpstr (a1, ==, "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo");
  g_autoptr (GByteArray) sh = umk_test_hex ("a914373b819a068f32b7a6b38b6b38729647cfde01c287");
  g_autofree char *a2 = umk_address_from_script (main, sh->data, sh->len);
  g_assert_cmpstr (a2, ==, "36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm");
  g_autofree char *a2t = umk_address_from_script (test, sh->data, sh->len);
  g_assert_true (g_str_has_prefix (a2t, "2"));
  g_autoptr (GByteArray) p2a = umk_test_hex ("51024e73");
  g_autofree char *a3 = umk_address_from_script (main, p2a->data, p2a->len);
  g_assert_cmpstr (a3, ==, "bc1pfeessrawgf");

  /* Leading and trailing whitespace around Base58, as Core accepts. */
  assert_script (main, " \t1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo\n",
                 "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac");
  /* But not around Bech32. */
  /* With a leading space the HRP test fails, and the text happens to be
   * valid Base58. */
  assert_error (main, " bc1pfeessrawgf",
                "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
  assert_error (main, "bc1pfeessrawgf ", "Invalid character or mixed case");

  /* Scripts without an address. */
  const char *none[] = {
    "", "00", "0014751e76e8199196d454941c45d1b3a323f1433b", /* push length does not match */
    "0015751e76e8199196d454941c45d1b3a323f1433bd6ff",       /* v0, 21 bytes */
    "0001ff",                                               /* program too short */
    "5101ff",
    /* 41-byte program */
    "5129000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728",
    "4f02ffff", /* OP_1NEGATE is no version */
    "6102ffff", /* OP_NOP */
    "21"
    "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
    "ac",                                                 /* P2PK */
    "6a0401020304",                                       /* OP_RETURN */
    "76a914a31c06bd463e3923bc1aadbde48b16976c08071788ad", /* P2PKH with a wrong last opcode */
    "76a913a31c06bd463e3923bc1aadbde48b16976c080717ff88ac",
    "a914373b819a068f32b7a6b38b6b38729647cfde01c288",
    "a914373b819a068f32b7a6b38b6b38729647cfde01c28700",
    "5121030000000000000000000000000000000000000000000000000000000000000000"
    "51ae", /* multisig */
  };
  for (size_t i = 0; i < G_N_ELEMENTS (none); i++)
    {
      g_autoptr (GByteArray) s = umk_test_hex (none[i]);
      g_autofree char *a = umk_address_from_script (main, s->data, s->len);
      if (a != NULL)
        g_error ("script %s has address %s", none[i], a);
    }
  g_autofree char *nul = umk_address_from_script (main, NULL, 0);
  g_assert_null (nul);
}

static void
test_wif (void)
{
  const UmkAddressParams *main = umk_chain_address_params (UMK_CHAIN_MAIN);
  const UmkAddressParams *test = umk_chain_address_params (UMK_CHAIN_TEST);
  uint8_t key[32], out[32];
  bool compressed;

  /* The bounds of a secret key: 1 and n-1 are valid, 0 and n are not. */
  memset (key, 0, 32);
  g_assert_null (umk_wif_encode (main, key, true));
  key[31] = 1;
  g_autofree char *one = umk_wif_encode (main, key, true);
  g_assert_nonnull (one);
  g_assert_true (umk_wif_decode (main, one, out, &compressed));
  g_assert_cmpmem (out, 32, key, 32);
  g_assert_true (compressed);
  g_assert_false (umk_wif_decode (test, one, out, &compressed));

  g_autoptr (GByteArray) n
      = umk_test_hex ("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
  g_autoptr (GByteArray) n1
      = umk_test_hex ("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140");
  char buf[UMK_WIF_MAX_LEN + 1];
  g_assert_false (umk_wif_encode_to (buf, main, n->data, false));
  g_assert_cmpstr (buf, ==, "");
  g_assert_true (umk_wif_encode_to (buf, main, n1->data, false));
  g_assert_true (umk_wif_decode (main, buf, out, &compressed));
  g_assert_false (compressed);
  g_assert_cmpmem (out, 32, n1->data, 32);
  g_assert_true (umk_wif_encode_to (buf, main, n1->data, true));
  g_assert_cmpuint (strlen (buf), ==, 52);
  g_assert_cmpuint (strlen (buf), <=, UMK_WIF_MAX_LEN);

  /* Hand-made payloads: key n, key 0, flag 2, wrong lengths, wrong prefix. */
  uint8_t data[40];
  data[0] = main->secret_prefix;
  memcpy (data + 1, n->data, 32);
  g_autofree char *at_n = umk_base58check_encode (data, 33);
  memset (out, 0x55, 32);
  g_assert_false (umk_wif_decode (main, at_n, out, &compressed));
  for (size_t i = 0; i < 32; i++)
    g_assert_cmpuint (out[i], ==, 0); /* wiped on failure */
  memset (data + 1, 0, 32);
  g_autofree char *zero = umk_base58check_encode (data, 34);
  g_assert_false (umk_wif_decode (main, zero, out, &compressed));
  memcpy (data + 1, n1->data, 32);
  data[33] = 2;
  g_autofree char *flag2 = umk_base58check_encode (data, 34);
  g_assert_false (umk_wif_decode (main, flag2, out, &compressed));
  data[33] = 1;
  g_autofree char *flag1 = umk_base58check_encode (data, 34);
  g_assert_true (umk_wif_decode (main, flag1, out, NULL));
  g_autofree char *short_key = umk_base58check_encode (data, 32);
  g_assert_false (umk_wif_decode (main, short_key, out, &compressed));
  data[34] = 1;
  g_autofree char *long_key = umk_base58check_encode (data, 35);
  g_assert_false (umk_wif_decode (main, long_key, out, &compressed));
  data[0] = test->secret_prefix;
  g_autofree char *test_key = umk_base58check_encode (data, 34);
  g_assert_false (umk_wif_decode (main, test_key, out, &compressed));
  g_assert_true (umk_wif_decode (test, test_key, out, &compressed));
  g_assert_false (umk_wif_decode (main, "", out, &compressed));
  g_assert_false (umk_wif_decode (main, "5", out, &compressed));
  /* A WIF is not an address: its payload is over the 21 bytes of one. */
  assert_error (main, flag1, "Invalid checksum or length of Base58 address (P2PKH or P2SH)");
}

/* Junk of every kind fails cleanly. */
static void
test_bad_input (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2024);
  for (int iter = 0; iter < 3000; iter++)
    {
      char s[160];
      size_t len = (size_t) g_rand_int_range (rand, 0, sizeof s);
      int style = g_rand_int_range (rand, 0, 3);
      const char *alpha = style == 0 ? "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
                                     : "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
      if (style == 1 && len >= 3)
        memcpy (s, "bc1", 3);
      for (size_t i = (style == 1 && len >= 3) ? 3 : 0; i < len; i++)
        s[i] = style == 2 ? (char) g_rand_int_range (rand, 1, 256)
                          : alpha[g_rand_int_range (rand, 0, (gint32) strlen (alpha))];
      s[len] = '\0';
      for (size_t j = 0; j < G_N_ELEMENTS (all_chains); j++)
        {
          const UmkAddressParams *p = umk_chain_address_params (all_chains[j]);
          g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
          g_autoptr (GError) error = NULL;
          g_autoptr (GByteArray) script = umk_address_to_script_full (p, s, locs, &error);
          g_assert_true ((script == NULL) == (error != NULL));
          if (script != NULL)
            {
              g_assert_cmpuint (locs->len, ==, 0);
              g_autofree char *back = umk_address_from_script (p, script->data, script->len);
              g_assert_nonnull (back);
            }
          uint8_t key[32];
          bool compressed;
          (void) !umk_wif_decode (p, s, key, &compressed);
        }
    }
  /* Very long strings of each kind. */
  size_t big = 1 << 18;
  g_autofree char *longs = g_strnfill (big, 'z');
  const UmkAddressParams *main = umk_chain_address_params (UMK_CHAIN_MAIN);
  assert_error (main, longs, "Invalid or unsupported Segwit (Bech32) or Base58 encoding.");
  memcpy (longs, "bc1", 3);
  g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) script = umk_address_to_script_full (main, longs, locs, &error);
  g_assert_null (script);
  g_assert_cmpstr (error->message, ==, "Bech32 string too long");
  g_assert_cmpuint (locs->len, ==, big - 90);
  uint8_t key[32];
  bool compressed;
  g_assert_false (umk_wif_decode (main, longs, key, &compressed));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/address/key-io-valid", test_key_io_valid);
  g_test_add_func ("/address/key-io-invalid", test_key_io_invalid);
  g_test_add_func ("/address/bip173-segwit", test_bip173_segwit);
  g_test_add_func ("/address/bip350-segwit", test_bip350_segwit);
  g_test_add_func ("/address/core-validateaddress", test_core_validateaddress);
  g_test_add_func ("/address/error-branches", test_error_branches);
  g_test_add_func ("/address/scripts", test_scripts);
  g_test_add_func ("/address/wif", test_wif);
  g_test_add_func ("/address/bad-input", test_bad_input);
  return g_test_run ();
}
