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

/* Writes every member of object as the text gave it: "k=v,k=v". */
static char *
members_text (const UmkJsonDuplicates *dups, JsonObject *object)
{
  guint n = 0;
  const UmkJsonMember *m = umk_json_duplicates_members (dups, object, &n);
  if (m == NULL)
    return NULL;
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *v = umk_json_write_node (m[i].value, 0);
      g_string_append_printf (out, "%s%s=%s", i ? "," : "", m[i].name, v);
    }
  return g_string_free (out, FALSE);
}

static void
test_duplicates_full (void)
{
  /* nothing repeated: no table at all */
  g_autoptr (UmkJsonDuplicates) none = NULL;
  const char *plain = "{\"a\":{\"a\":1},\"b\":[{\"c\":1},{\"c\":2}]}";
  g_autoptr (JsonNode) p = umk_json_parse_full (plain, strlen (plain), &none);
  g_assert_nonnull (p);
  g_assert_null (none);
  JsonObject *po = json_node_get_object (p);
  g_assert_null (umk_json_duplicates_repeated (NULL, po));
  g_assert_true (umk_json_duplicates_first (NULL, po, "a") == json_object_get_member (po, "a"));
  g_assert_null (umk_json_duplicates_first (NULL, po, "zz"));

  /* The top object repeats "x" (second time after "y"), then "y"; the
   * first "x" holds an object that repeats "k"; an array element repeats
   * "e"; the last "x" wins in json-glib. */
  const char *text = "{\"x\":{\"k\":1,\"j\":[],\"k\":2},\"y\":true,\"x\":3,\"z\":null,"
                     "\"y\":false,\"arr\":[{\"e\":\"a\"},{\"e\":\"b\",\"e\":\"c\"}]}";
  g_autoptr (UmkJsonDuplicates) dups = NULL;
  g_autoptr (JsonNode) root = umk_json_parse_full (text, strlen (text), &dups);
  g_assert_nonnull (root);
  g_assert_nonnull (dups);
  JsonObject *o = json_node_get_object (root);
  g_assert_cmpuint (json_object_get_size (o), ==, 4);
  g_assert_cmpint (json_object_get_int_member (o, "x"), ==, 3);
  g_assert_cmpstr (umk_json_duplicates_repeated (dups, o), ==, "x");
  /* (values written as json-glib holds them: the last "k") */
  g_autofree char *all = members_text (dups, o);
  g_assert_cmpstr (all, ==,
                   "x={\"k\":2,\"j\":[]},y=true,x=3,z=null,y=false,"
                   "arr=[{\"e\":\"a\"},{\"e\":\"c\"}]");
  /* find_value: the first value */
  JsonNode *x = umk_json_duplicates_first (dups, o, "x");
  g_assert_true (JSON_NODE_HOLDS_OBJECT (x));
  g_assert_true (json_node_get_boolean (umk_json_duplicates_first (dups, o, "y")));
  g_assert_true (JSON_NODE_HOLDS_NULL (umk_json_duplicates_first (dups, o, "z")));
  g_assert_null (umk_json_duplicates_first (dups, o, "w"));
  /* the first "x", which json-glib dropped, is still there with its own */
  JsonObject *xo = json_node_get_object (x);
  g_assert_cmpstr (umk_json_duplicates_repeated (dups, xo), ==, "k");
  g_assert_cmpint (json_node_get_int (umk_json_duplicates_first (dups, xo, "k")), ==, 1);
  g_autofree char *xs = members_text (dups, xo);
  g_assert_cmpstr (xs, ==, "k=1,j=[],k=2");
  JsonArray *arr = json_object_get_array_member (o, "arr");
  JsonObject *e0 = json_array_get_object_element (arr, 0);
  JsonObject *e1 = json_array_get_object_element (arr, 1);
  g_assert_null (umk_json_duplicates_repeated (dups, e0));
  guint n = 99;
  g_assert_null (umk_json_duplicates_members (dups, e0, &n));
  g_assert_cmpstr (json_node_get_string (umk_json_duplicates_first (dups, e0, "e")), ==, "a");
  g_assert_cmpstr (umk_json_duplicates_repeated (dups, e1), ==, "e");
  g_assert_cmpstr (json_node_get_string (umk_json_duplicates_first (dups, e1, "e")), ==, "b");
  g_autofree char *es = members_text (dups, e1);
  g_assert_cmpstr (es, ==, "e=\"b\",e=\"c\"");

  /* the table outlives the tree */
  g_clear_pointer (&root, json_node_unref);
  g_assert_cmpint (json_node_get_int (umk_json_duplicates_first (dups, xo, "k")), ==, 1);

  /* the first repeat by position: "b" comes back before "a" does */
  g_autoptr (UmkJsonDuplicates) d2 = NULL;
  const char *order = "{\"a\":1,\"b\":2,\"b\":3,\"a\":4,\"a\":5}";
  g_autoptr (JsonNode) r2 = umk_json_parse_full (order, strlen (order), &d2);
  g_assert_cmpstr (umk_json_duplicates_repeated (d2, json_node_get_object (r2)), ==, "b");
  g_autofree char *s2 = members_text (d2, json_node_get_object (r2));
  g_assert_cmpstr (s2, ==, "a=1,b=2,b=3,a=4,a=5");
  g_autofree char *dup = NULL;
  g_autoptr (JsonNode) r3 = umk_json_parse (order, strlen (order), &dup);
  g_assert_cmpstr (dup, ==, "b");

  /* malformed or cut text after a repeat: NULL, and nothing leaks */
  static const char *const bad[] = {
    "{\"a\":1,\"a\":2",
    "{\"a\":{\"b\":1,\"b\":2},\"a\":",
    "[{\"a\":1,\"a\":2},{\"c\":3,\"c\"",
    "{\"a\":1,\"a\":2}}",
    "{\"a\":1,\"a\":2,}",
    "{\"a\":1,\"a\":2} 1",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      UmkJsonDuplicates *d = (UmkJsonDuplicates *) 1;
      g_autoptr (JsonNode) r = umk_json_parse_full (bad[i], strlen (bad[i]), &d);
      g_assert_null (r);
      g_assert_null (d);
    }
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
      /* the same text with the repeats kept: the same verdict, same tree */
      g_autoptr (UmkJsonDuplicates) dups = NULL;
      g_autoptr (JsonNode) full = umk_json_parse_full (s, len, &dups);
      g_assert_true ((n == NULL) == (full == NULL));
      if (n != NULL)
        g_assert_true (json_node_equal (n, full));
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
  g_test_add_func ("/json/duplicates-full", test_duplicates_full);
  g_test_add_func ("/json/depth", test_depth);
  g_test_add_func ("/json/pretty", test_pretty);
  g_test_add_func ("/json/random", test_random);
  return g_test_run ();
}
