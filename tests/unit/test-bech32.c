#include "config.h"

#include "common/bech32.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

/* A vector string: "string", or "string_hex" for bytes JSON cannot carry. */
static char *
entry_string (JsonObject *o, size_t *len)
{
  if (json_object_has_member (o, "string"))
    {
      const char *s = json_object_get_string_member (o, "string");
      *len = strlen (s);
      return g_strdup (s);
    }
  g_autoptr (GByteArray) b = umk_test_hex (json_object_get_string_member (o, "string_hex"));
  *len = b->len;
  char *s = g_malloc (b->len + 1);
  memcpy (s, b->data, b->len);
  s[b->len] = '\0';
  return s;
}

static bool
locations_equal (GArray *got, JsonArray *want)
{
  if (got->len != json_array_get_length (want))
    return false;
  for (guint i = 0; i < got->len; i++)
    if (g_array_index (got, int, i) != json_array_get_int_element (want, i))
      return false;
  return true;
}

static void
run_valid (const char *file, const char *list, UmkBech32Encoding encoding)
{
  g_autoptr (JsonNode) root = umk_test_load_json (file);
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), list);
  g_autofree char *name = g_strdup_printf ("%s %s", file, list);
  UmkTally tally;
  umk_tally_init (&tally, name);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      const char *s = json_array_get_string_element (cases, i);
      UmkBech32Decoded dec;
      bool ok = umk_bech32_decode (&dec, s, strlen (s));
      g_autofree char *recode
          = ok ? umk_bech32_encode (dec.encoding, dec.hrp, dec.data, dec.data_len) : NULL;
      const char *why = umk_bech32_locate_errors (NULL, s, strlen (s));
      umk_tally_case (&tally,
                      ok && dec.encoding == encoding && recode != NULL
                          && g_ascii_strcasecmp (recode, s) == 0 && strcmp (why, "") == 0,
                      "%s: decoded %d as encoding %d, re-encoded %s", s, ok, dec.encoding,
                      recode ? recode : "(null)");
    }
  umk_tally_finish (&tally);
}

static void
run_invalid (const char *file, const char *list)
{
  g_autoptr (JsonNode) root = umk_test_load_json (file);
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), list);
  g_autofree char *name = g_strdup_printf ("%s %s", file, list);
  UmkTally tally;
  umk_tally_init (&tally, name);
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *o = json_array_get_object_element (cases, i);
      size_t len;
      g_autofree char *s = entry_string (o, &len);
      const char *want = json_object_get_string_member (o, "error");
      JsonArray *want_locs = json_object_get_array_member (o, "error_locations");

      UmkBech32Decoded dec;
      bool ok = umk_bech32_decode (&dec, s, len);
      g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
      const char *why = umk_bech32_locate_errors (locs, s, len);
      umk_tally_case (&tally,
                      !ok && dec.encoding == UMK_BECH32_ENCODING_INVALID && strcmp (why, want) == 0
                          && locations_equal (locs, want_locs),
                      "case %u (%s): decoded %d, error \"%s\" (want \"%s\"), %u locations", i,
                      json_object_get_string_member (o, "reason"), ok, why, want, locs->len);
    }
  umk_tally_finish (&tally);
}

static void
test_bip173 (void)
{
  run_valid ("bip173_vectors.json", "valid_bech32", UMK_BECH32_ENCODING_BECH32);
  run_invalid ("bip173_vectors.json", "invalid_bech32");
  run_invalid ("bip173_vectors.json", "invalid_bech32_core");
}

static void
test_bip350 (void)
{
  run_valid ("bip350_vectors.json", "valid_bech32m", UMK_BECH32_ENCODING_BECH32M);
  run_invalid ("bip350_vectors.json", "invalid_bech32m");
  run_invalid ("bip350_vectors.json", "invalid_bech32m_core");
}

/* No string is valid as both: the valid strings of each BIP are invalid for
 * the other encoding. */
static void
test_no_cross_validity (void)
{
  UmkBech32Decoded dec;
  g_assert_true (umk_bech32_decode (&dec, "a12uel5l", 8));
  g_assert_cmpint (dec.encoding, ==, UMK_BECH32_ENCODING_BECH32);
  g_assert_cmpstr (dec.hrp, ==, "a");
  g_assert_cmpuint (dec.data_len, ==, 0);
  g_assert_true (umk_bech32_decode (&dec, "A1LQFN3A", 8));
  g_assert_cmpint (dec.encoding, ==, UMK_BECH32_ENCODING_BECH32M);
  g_assert_cmpstr (dec.hrp, ==, "a");
  g_autofree char *m = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32M, "a", NULL, 0);
  g_assert_cmpstr (m, ==, "a1lqfn3a");
  g_autofree char *b = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "a", NULL, 0);
  g_assert_cmpstr (b, ==, "a12uel5l");
}

static void
test_encode_errors (void)
{
  const uint8_t v[] = { 0, 31 };
  const uint8_t bad[] = { 0, 32 };
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_INVALID, "bc", v, 2));
  g_assert_null (umk_bech32_encode ((UmkBech32Encoding) 7, "bc", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "BC", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "b c", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "b\x7f", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "\xc3\xa9", v, 2));
  g_assert_null (umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "bc", bad, 2));
  g_autofree char *ok = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, "?1!", v, 2);
  UmkBech32Decoded dec;
  g_assert_true (umk_bech32_decode (&dec, ok, strlen (ok)));
  g_assert_cmpstr (dec.hrp, ==, "?1!");
  g_assert_cmpmem (dec.data, dec.data_len, v, 2);
}

static void
test_decode_edges (void)
{
  UmkBech32Decoded dec;
  /* The 90-character limit, at and just over it. */
  g_autofree char *hrp83 = g_strnfill (83, 'a');
  g_autofree char *s90 = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, hrp83, NULL, 0);
  g_assert_cmpuint (strlen (s90), ==, 90);
  g_assert_true (umk_bech32_decode (&dec, s90, 90));
  g_assert_cmpuint (dec.hrp_len, ==, 83);
  g_autofree char *hrp84 = g_strnfill (84, 'a');
  g_autofree char *s91 = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32, hrp84, NULL, 0);
  g_assert_false (umk_bech32_decode (&dec, s91, 91));
  g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
  g_assert_cmpstr (umk_bech32_locate_errors (locs, s91, 91), ==, "Bech32 string too long");
  g_assert_cmpuint (locs->len, ==, 1);
  g_assert_cmpint (g_array_index (locs, int, 0), ==, 90);
  /* Longest data part: one-character HRP, 82 values. */
  uint8_t values[UMK_BECH32_MAX_DATA_LEN];
  for (size_t i = 0; i < sizeof values; i++)
    values[i] = (uint8_t) (i % 32);
  g_autofree char *full
      = umk_bech32_encode (UMK_BECH32_ENCODING_BECH32M, "x", values, sizeof values);
  g_assert_true (umk_bech32_decode (&dec, full, strlen (full)));
  g_assert_cmpmem (dec.data, dec.data_len, values, sizeof values);

  /* A NUL inside the string is an invalid character, not an end. */
  char with_nul[] = "a12uel5l";
  with_nul[4] = '\0';
  g_assert_false (umk_bech32_decode (&dec, with_nul, 8));
  g_assert_cmpstr (umk_bech32_locate_errors (locs, with_nul, 8), ==,
                   "Invalid character or mixed case");
  g_assert_cmpuint (locs->len, ==, 1);
  g_assert_cmpint (g_array_index (locs, int, 0), ==, 4);

  /* The separator is the last '1': the HRP may contain '1's. */
  g_autofree char *qs = g_strnfill (82, 'q');
  g_autofree char *ones = g_strconcat ("11", qs, "c8247j", NULL);
  g_assert_true (umk_bech32_decode (&dec, ones, 90));
  g_assert_cmpstr (dec.hrp, ==, "1");

  /* Upper-case input gives a lower-case HRP. */
  g_assert_true (umk_bech32_decode (&dec, "A12UEL5L", 8));
  g_assert_cmpstr (dec.hrp, ==, "a");

  /* Valid strings report no error. */
  g_assert_cmpstr (umk_bech32_locate_errors (locs, "a12uel5l", 8), ==, "");
  g_assert_cmpuint (locs->len, ==, 0);
  g_assert_cmpstr (umk_bech32_locate_errors (NULL, "a1lqfn3a", 8), ==, "");
  g_assert_cmpstr (umk_bech32_locate_errors (NULL, "", 0), ==, "Missing separator");
  g_assert_false (umk_bech32_decode (&dec, "", 0));
}

/* Every single substitution in a data part is located exactly, and pairs of
 * substitutions are located when within the BCH guarantee. */
static void
test_error_location (void)
{
  const char *good = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
  const char *charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  size_t len = strlen (good);
  g_autofree char *s = g_strdup (good);
  g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
  for (size_t i = 3; i < len; i++)
    for (size_t k = 0; k < 32; k++)
      {
        if (charset[k] == good[i])
          continue;
        s[i] = charset[k];
        const char *why = umk_bech32_locate_errors (locs, s, len);
        g_assert_cmpstr (why, ==, "Invalid Bech32 checksum");
        g_assert_cmpuint (locs->len, ==, 1);
        g_assert_cmpint (g_array_index (locs, int, 0), ==, (int) i);
        s[i] = good[i];
      }
  g_autoptr (GRand) rand = g_rand_new_with_seed (173);
  for (int iter = 0; iter < 300; iter++)
    {
      size_t i = 3 + (size_t) g_rand_int_range (rand, 0, (gint32) (len - 3));
      size_t j = 3 + (size_t) g_rand_int_range (rand, 0, (gint32) (len - 3));
      if (i == j)
        continue;
      s[i] = charset[(strchr (charset, good[i]) - charset + 1 + g_rand_int_range (rand, 0, 31))
                     % 32];
      s[j] = charset[(strchr (charset, good[j]) - charset + 1 + g_rand_int_range (rand, 0, 31))
                     % 32];
      const char *why = umk_bech32_locate_errors (locs, s, len);
      g_assert_cmpstr (why, !=, "");
      /* Two errors in a 42-character string are always found; either
       * encoding may explain them, but never with fewer than two. */
      if (locs->len == 2)
        {
          g_assert_cmpint (g_array_index (locs, int, 0), ==, (int) MIN (i, j));
          g_assert_cmpint (g_array_index (locs, int, 1), ==, (int) MAX (i, j));
        }
      s[i] = good[i];
      s[j] = good[j];
    }
}

static void
test_convert_bits (void)
{
  const uint8_t bytes[] = { 0x75, 0x1e, 0x76, 0xe8, 0x19 };
  uint8_t five[16], back[16];
  size_t n5 = sizeof five, n8 = sizeof back;
  g_assert_true (umk_bech32_convert_bits (five, &n5, 5, bytes, sizeof bytes, 8, true));
  g_assert_cmpuint (n5, ==, 8);
  g_assert_true (umk_bech32_convert_bits (back, &n8, 8, five, n5, 5, false));
  g_assert_cmpmem (back, n8, bytes, sizeof bytes);

  /* One byte needs two groups with 2 padding bits. */
  const uint8_t one[] = { 0xff };
  n5 = sizeof five;
  g_assert_true (umk_bech32_convert_bits (five, &n5, 5, one, 1, 8, true));
  g_assert_cmpuint (n5, ==, 2);
  g_assert_cmpuint (five[0], ==, 31);
  g_assert_cmpuint (five[1], ==, 28);
  /* Non-zero padding bits are refused on the way back. */
  const uint8_t nonzero_pad[] = { 31, 29 };
  n8 = sizeof back;
  g_assert_false (umk_bech32_convert_bits (back, &n8, 8, nonzero_pad, 2, 5, false));
  /* A whole leftover group (5 bits or more of padding) is refused. */
  const uint8_t extra[] = { 31, 28, 0 };
  n8 = sizeof back;
  g_assert_false (umk_bech32_convert_bits (back, &n8, 8, extra, 3, 5, false));
  /* A lone group of zeros is all padding: five bits of it, too many. */
  const uint8_t zero[] = { 0, 0 };
  n8 = sizeof back;
  g_assert_false (umk_bech32_convert_bits (back, &n8, 8, zero, 1, 5, false));
  /* Two groups are one byte and two zero padding bits. */
  n8 = sizeof back;
  g_assert_true (umk_bech32_convert_bits (back, &n8, 8, zero, 2, 5, false));
  g_assert_cmpuint (n8, ==, 1);
  g_assert_cmpuint (back[0], ==, 0);
  /* Values that do not fit, buffers too small, bad group sizes. */
  const uint8_t big[] = { 32 };
  n8 = sizeof back;
  g_assert_false (umk_bech32_convert_bits (back, &n8, 8, big, 1, 5, false));
  n5 = 1;
  g_assert_false (umk_bech32_convert_bits (five, &n5, 5, bytes, sizeof bytes, 8, true));
  n5 = 7;
  g_assert_false (umk_bech32_convert_bits (five, &n5, 5, bytes, sizeof bytes, 8, true));
  n5 = sizeof five;
  g_assert_false (umk_bech32_convert_bits (five, &n5, 0, bytes, sizeof bytes, 8, true));
  g_assert_false (umk_bech32_convert_bits (five, &n5, 5, bytes, sizeof bytes, 9, true));
  n5 = 0;
  g_assert_true (umk_bech32_convert_bits (five, &n5, 5, NULL, 0, 8, true));
  g_assert_cmpuint (n5, ==, 0);

  /* Random round trips. */
  g_autoptr (GRand) rand = g_rand_new_with_seed (350);
  for (int iter = 0; iter < 500; iter++)
    {
      uint8_t data[40], groups[64], again[40];
      size_t len = (size_t) g_rand_int_range (rand, 0, 41);
      for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t) g_rand_int (rand);
      size_t ng = sizeof groups, na = sizeof again;
      g_assert_true (umk_bech32_convert_bits (groups, &ng, 5, data, len, 8, true));
      g_assert_cmpuint (ng, ==, (len * 8 + 4) / 5);
      g_assert_true (umk_bech32_convert_bits (again, &na, 8, groups, ng, 5, false));
      g_assert_cmpmem (again, na, data, len);
    }
}

static void
test_random_input (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (90);
  g_autoptr (GArray) locs = g_array_new (FALSE, FALSE, sizeof (int));
  const char *pool
      = "qpzry9x8gf2tvdw0s3jn54khce6mua7lQPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L1bio\x01 \x80\xff";
  for (int iter = 0; iter < 5000; iter++)
    {
      char s[128];
      size_t len = (size_t) g_rand_int_range (rand, 0, sizeof s);
      bool any = g_rand_boolean (rand);
      for (size_t i = 0; i < len; i++)
        s[i] = any ? (char) g_rand_int (rand)
                   : pool[g_rand_int_range (rand, 0, (gint32) strlen (pool))];
      UmkBech32Decoded dec;
      bool ok = umk_bech32_decode (&dec, s, len);
      const char *why = umk_bech32_locate_errors (locs, s, len);
      /* Decoding and error location agree on validity. */
      g_assert_cmpint (ok, ==, strcmp (why, "") == 0);
      for (guint i = 0; i < locs->len; i++)
        g_assert_cmpint (g_array_index (locs, int, i), <, (int) len);
    }
  /* A long string of valid characters. */
  size_t big = 1 << 16;
  g_autofree char *s = g_strnfill (big, 'q');
  s[10] = '1';
  UmkBech32Decoded dec;
  g_assert_false (umk_bech32_decode (&dec, s, big));
  g_assert_cmpstr (umk_bech32_locate_errors (locs, s, big), ==, "Bech32 string too long");
  g_assert_cmpuint (locs->len, ==, big - 90);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bech32/bip173", test_bip173);
  g_test_add_func ("/bech32/bip350", test_bip350);
  g_test_add_func ("/bech32/no-cross-validity", test_no_cross_validity);
  g_test_add_func ("/bech32/encode-errors", test_encode_errors);
  g_test_add_func ("/bech32/decode-edges", test_decode_edges);
  g_test_add_func ("/bech32/error-location", test_error_location);
  g_test_add_func ("/bech32/convert-bits", test_convert_bits);
  g_test_add_func ("/bech32/random-input", test_random_input);
  return g_test_run ();
}
