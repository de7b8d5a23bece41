/* test-value.c — the UniValue-like JSON model: numbers kept as written,
 * member order and repeated keys kept, strict input, bounded nesting, and
 * random input that must never crash or read out of bounds. */
#include "config.h"

#include "common/value.h"
#include "test-util.h"

#include <string.h>

static char *
round_trip (const char *text, guint indent)
{
  g_autoptr (UmkValue) v = umk_value_read (text, strlen (text));
  if (v == NULL)
    return NULL;
  return umk_value_to_string (v, indent);
}

static void
assert_compact (const char *in, const char *want)
{
  g_autofree char *got = round_trip (in, 0);
  g_assert_cmpstr (got, ==, want);
}

static void
assert_rejected (const char *in)
{
  g_autoptr (UmkValue) v = umk_value_read (in, strlen (in));
  if (v != NULL)
    g_error ("accepted %s", in);
}

static void
test_numbers_kept (void)
{
  /* An amount must reach the node as typed, not as the nearest double. */
  assert_compact ("[0.10000000,1.0,-0,1e3,1E-8,21000000.00000000]",
                  "[0.10000000,1.0,-0,1e3,1E-8,21000000.00000000]");
  assert_compact ("123456789012345678901234567890", "123456789012345678901234567890");
  g_autoptr (UmkValue) n = umk_value_read ("0.10000000", 10);
  g_assert_cmpint (umk_value_type (n), ==, UMK_VALUE_NUMBER);
  g_assert_cmpstr (umk_value_val_str (n), ==, "0.10000000");
}

static void
test_objects (void)
{
  /* Order and repeated keys are kept; lookups find the first. */
  const char *in = "{\"b\":1,\"a\":2,\"b\":3}";
  assert_compact (in, in);
  g_autoptr (UmkValue) v = umk_value_read (in, strlen (in));
  g_assert_cmpuint (umk_value_size (v), ==, 3);
  g_assert_cmpstr (umk_value_val_str (umk_value_get (v, "b")), ==, "1");
  g_assert_true (umk_value_is_null (umk_value_get (v, "missing")));
  g_assert_true (umk_value_is_null (umk_value_at (v, 99)));

  g_autoptr (UmkValue) o = umk_value_new_object ();
  umk_value_push (o, "k", umk_value_new_int (1));
  umk_value_push (o, "k", umk_value_new_int (2));         /* replaces */
  umk_value_push_end (o, "k", umk_value_new_bool (TRUE)); /* appends */
  g_autofree char *s = umk_value_to_string (o, 0);
  g_assert_cmpstr (s, ==, "{\"k\":2,\"k\":true}");
}

static void
test_pretty (void)
{
  g_autofree char *got = round_trip ("{\"a\":[],\"b\":{},\"c\":[1,\"x\"]}", 2);
  g_assert_cmpstr (got, ==,
                   "{\n  \"a\": [\n  ],\n  \"b\": {\n  },\n  \"c\": [\n    1,\n    \"x\"\n  ]\n}");
}

static void
test_strings (void)
{
  /* Escapes in, UTF-8 and Core's escapes out; NUL survives. */
  assert_compact ("\"\\u00e9\\ud83d\\ude00\\t\\\"\"", "\"\xc3\xa9\xf0\x9f\x98\x80\\t\\\"\"");
  g_autoptr (UmkValue) v = umk_value_read ("\"a\\u0000b\"", 10);
  g_assert_nonnull (v);
  g_assert_cmpuint (umk_value_val_gstring (v)->len, ==, 3);
  g_autofree char *out = umk_value_to_string (v, 0);
  g_assert_cmpstr (out, ==, "\"a\\u0000b\"");
}

static void
test_rejects (void)
{
  const char *bad[] = {
    "",         "[",        "]",     "[1,]",     "{\"a\":1,}",  "{\"a\"}",
    "01",       "-x",       "1.",    ".5",       "1e",          "+1",
    "nul",      "[1] x",    "\"abc", "\"\\x\"",  "\"\\ud800\"", "\"\\udc00\"",
    "\"\xff\"", "\"\xc3\"", "{1:2}", "\"a\nb\"", "NaN",         "[1 2]",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_rejected (bad[i]);
  /* UniValue's quirk, kept: a lone "-" at the very end reads as a number. */
  assert_compact ("-", "-");
  /* Surrounding white space is fine. */
  assert_compact (" \t\r\n[ 1 , true ]\n", "[1,true]");
}

static void
test_depth (void)
{
  /* 512 levels are accepted, 513 are not, and 100,000 do not recurse. */
  for (int depth = 511; depth <= 100000; depth = depth == 513 ? 100000 : depth + 1)
    {
      GString *s = g_string_new (NULL);
      for (int i = 0; i < depth; i++)
        g_string_append_c (s, '[');
      for (int i = 0; i < depth; i++)
        g_string_append_c (s, ']');
      g_autoptr (UmkValue) v = umk_value_read (s->str, s->len);
      if (depth <= 512)
        g_assert_nonnull (v);
      else
        g_assert_null (v);
      g_string_free (s, TRUE);
    }
}

/* Random bytes, and valid documents with bytes changed: never a crash; what
 * parses writes back to text that parses to the same text. */
static void
test_random (void)
{
  static const char *const seeds[] = {
    "{\"method\":\"getblock\",\"params\":[\"00ff\",2],\"id\":1,\"jsonrpc\":\"2.0\"}",
    "[{\"a\":[1.5e10,-0.0,true,false,null]},\"\\u00e9\\ud83d\\ude00\",{}]",
  };
  const char alphabet[] = "{}[]\",:0123456789.eE+-tfnrul\\ \n\x80\xc3\xff";
  g_autoptr (GRand) rand = g_rand_new_with_seed (4242);
  for (int r = 0; r < 20000; r++)
    {
      gsize len;
      char *buf;
      if (r % 2)
        {
          len = (gsize) g_rand_int_range (rand, 0, 64);
          buf = g_malloc (len + 1);
          for (gsize i = 0; i < len; i++)
            buf[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      else
        {
          const char *seed = seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))];
          len = strlen (seed);
          buf = g_memdup2 (seed, len + 1);
          for (int k = g_rand_int_range (rand, 1, 4); k > 0; k--)
            buf[g_rand_int_range (rand, 0, (gint32) len)]
                = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
        }
      /* An exact-size copy, so ASan sees any read past the end. */
      char *exact = g_memdup2 (buf, len ? len : 1);
      g_autoptr (UmkValue) v = umk_value_read (exact, len);
      if (v)
        {
          g_autofree char *once = umk_value_to_string (v, 0);
          g_autofree char *twice = round_trip (once, 0);
          g_assert_cmpstr (once, ==, twice);
        }
      g_free (exact);
      g_free (buf);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/value/numbers-kept", test_numbers_kept);
  g_test_add_func ("/value/objects", test_objects);
  g_test_add_func ("/value/pretty", test_pretty);
  g_test_add_func ("/value/strings", test_strings);
  g_test_add_func ("/value/rejects", test_rejects);
  g_test_add_func ("/value/depth", test_depth);
  g_test_add_func ("/value/random", test_random);
  return g_test_run ();
}
