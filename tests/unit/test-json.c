/* Tests for the strict JSON wrapper: what RFC 8259 allows parses, what
 * json-glib alone would let through does not, and output reads as UniValue's. */
#include "config.h"

#include "common/json.h"
#include "test-util.h"

#include <string.h>

static const char *const valid[] = {
  "null",
  "true",
  "false",
  "0",
  "-0",
  "1.5",
  "-1e-3",
  "2E+10",
  "\"\"",
  "\"a\\u00e9\\n\"",
  "[]",
  "{}",
  " [1, [2, {\"a\": [null]}]] ",
  "{\"k\":\"v\",\"k2\":[true,false]}",
  "9223372036854775807",
  "-9223372036854775808",
  "\"\xc3\xa9\"",
};

static const char *const invalid[] = {
  "",
  " ",
  "01",
  "1.",
  ".5",
  "+1",
  "1e",
  "0x10",
  "NaN",
  "Infinity",
  "'a'",
  "\"a\nb\"",
  "\"\\u0000\"",
  "\"\\x41\"",
  "[1,]",
  "{\"a\":1,}",
  "[] []",
  "1 2",
  "{\"a\" 1}",
  "[",
  "]",
  "{",
  "// c\n1",
  "/* c */ 1",
  "tru",
  "nul",
  "\"unterminated",
  "9223372036854775808",
  "1e999",
  "\"\xff\"",
  "[1] x",
};

static void
test_accepts_and_refuses (void)
{
  UmkTally t;
  umk_tally_init (&t, "strict JSON cases");
  for (size_t i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr (JsonNode) n = umk_json_parse (valid[i], strlen (valid[i]), NULL);
      umk_tally_case (&t, n != NULL, "valid %s refused", valid[i]);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (JsonNode) n = umk_json_parse (invalid[i], strlen (invalid[i]), NULL);
      umk_tally_case (&t, n == NULL, "invalid %s accepted", invalid[i]);
    }
  umk_tally_finish (&t);

  /* an embedded NUL byte ends nothing: the length decides, and NUL is refused */
  g_autoptr (JsonNode) nul = umk_json_parse ("[1]\0", 4, NULL);
  g_assert_null (nul);
}

static void
test_duplicates (void)
{
  g_autofree char *dup = NULL;
  const char *text = "{\"a\": 1, \"b\": 2, \"a\": 3}";
  g_autoptr (JsonNode) n = umk_json_parse (text, strlen (text), &dup);
  g_assert_nonnull (n);
  g_assert_cmpstr (dup, ==, "a");
  g_autofree char *none = NULL;
  const char *nested = "{\"a\": {\"a\": 1}}";
  g_autoptr (JsonNode) m = umk_json_parse (nested, strlen (nested), &none);
  g_assert_nonnull (m);
  g_assert_null (none);
}

static void
test_depth (void)
{
  for (int depth = UMK_JSON_MAX_DEPTH; depth <= UMK_JSON_MAX_DEPTH + 1; depth++)
    {
      GString *s = g_string_new (NULL);
      for (int i = 0; i < depth; i++)
        g_string_append_c (s, '[');
      for (int i = 0; i < depth; i++)
        g_string_append_c (s, ']');
      g_autoptr (JsonNode) n = umk_json_parse (s->str, s->len, NULL);
      if (depth <= UMK_JSON_MAX_DEPTH)
        g_assert_nonnull (n);
      else
        g_assert_null (n);
      g_string_free (s, TRUE);
    }
  /* far deeper than any stack would survive in a recursive parser */
  gsize deep = 1000000;
  char *s = g_malloc (deep);
  memset (s, '[', deep);
  g_autoptr (JsonNode) n = umk_json_parse (s, deep, NULL);
  g_assert_null (n);
  g_free (s);
}

static void
test_pretty (void)
{
  const char *text = "{\"b\":[1,\"x : y\"],\"a\":{\"c\":null}}";
  g_autoptr (JsonNode) n = umk_json_parse (text, strlen (text), NULL);
  g_autofree char *out = umk_json_to_pretty (n, 4);
  g_assert_null (strstr (out, "\" : "));
  g_assert_nonnull (strstr (out, "    \"b\": ["));
  g_assert_nonnull (strstr (out, "\"x : y\""));
  /* and it reads back to the same value */
  g_autoptr (JsonNode) back = umk_json_parse (out, strlen (out), NULL);
  g_assert_true (json_node_equal (n, back));
}

static void
test_random (void)
{
  static const char alphabet[] = "[]{}:,\"\\0123456789.eE+-truefalsn \t\n\xc3\xa9u";
  GRand *rand = g_rand_new_with_seed (1234);
  for (int i = 0; i < 20000; i++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 0, 64);
      char *s = g_malloc (len + 1);
      for (gsize k = 0; k < len; k++)
        s[k] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
      s[len] = '\0';
      g_autoptr (JsonNode) n = umk_json_parse (s, len, NULL);
      if (n != NULL)
        {
          /* whatever is accepted writes and re-reads to the same value */
          g_autofree char *out = umk_json_to_pretty (n, 2);
          g_autoptr (JsonNode) back = umk_json_parse (out, strlen (out), NULL);
          g_assert_nonnull (back);
        }
      g_free (s);
    }
  g_rand_free (rand);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/accepts-and-refuses", test_accepts_and_refuses);
  g_test_add_func ("/json/duplicates", test_duplicates);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/pretty", test_pretty);
  g_test_add_func ("/json/random", test_random);
  return g_test_run ();
}
