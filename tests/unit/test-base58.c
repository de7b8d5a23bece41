#include "config.h"

#include "common/base58.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

/* Decodes a whole C string with a bound; the result in a new byte array or
 * NULL. */
static GByteArray *
decode (const char *s, size_t len, size_t max)
{
  GByteArray *b = g_byte_array_sized_new ((guint) max + 1);
  g_byte_array_set_size (b, (guint) max + 1);
  size_t n = max;
  if (!umk_base58_decode (b->data, &n, s, len))
    {
      g_byte_array_unref (b);
      return NULL;
    }
  g_byte_array_set_size (b, (guint) n);
  return b;
}

static bool
decodes_to (const char *s, size_t len, size_t max, const char *want_hex)
{
  g_autoptr (GByteArray) b = decode (s, len, max);
  if (b == NULL)
    return false;
  g_autofree char *hex = umk_hex_encode (b->data, b->len);
  return g_ascii_strcasecmp (hex, want_hex) == 0;
}

static bool
check_decodes (const char *s, size_t len, size_t max)
{
  g_autoptr (GByteArray) b = decode (s, len, max);
  return b != NULL;
}

#define S(lit) lit, sizeof (lit) - 1

/* Core's base58_encode_decode.json, encoded and decoded (decode bound 256 as
 * in Core's test). */
static void
test_vectors (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("base58_encode_decode.json");
  JsonArray *cases = json_node_get_array (root);
  UmkTally tally;
  umk_tally_init (&tally, "base58_encode_decode.json");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonNode *entry = json_array_get_element (cases, i);
      if (umk_test_json_is_comment (entry))
        continue;
      JsonArray *c = json_node_get_array (entry);
      const char *hex = json_array_get_string_element (c, 0);
      const char *text = json_array_get_string_element (c, 1);
      g_autoptr (GByteArray) bytes = umk_test_hex (hex);

      g_autofree char *enc = umk_base58_encode (bytes->data, bytes->len);
      char buf[512];
      size_t buf_len = sizeof buf;
      bool enc_to = umk_base58_encode_to (buf, &buf_len, bytes->data, bytes->len);
      bool dec_ok = decodes_to (text, strlen (text), 256, hex);
      umk_tally_case (&tally,
                      strcmp (enc, text) == 0 && enc_to && strcmp (buf, text) == 0
                          && buf_len == strlen (text) && dec_ok,
                      "%s <-> %s: encoded %s, decoded %s", hex, text, enc, dec_ok ? "ok" : "wrong");
    }
  umk_tally_finish_expect (&tally, 21);
}

/* The explicit cases of Core's base58_DecodeBase58 test. */
static void
test_decode_core_cases (void)
{
  g_assert_false (check_decodes (S ("invalid"), 100));
  g_assert_false (check_decodes (S ("invalid\0"), 100));
  g_assert_false (check_decodes (S ("\0invalid"), 100));
  g_assert_true (check_decodes (S ("good"), 100));
  g_assert_false (check_decodes (S ("bad0IOl"), 100));
  g_assert_false (check_decodes (S ("goodbad0IOl"), 100));
  g_assert_false (check_decodes (S ("good\0bad0IOl"), 100));

  /* Whitespace is skipped around the digits, but nothing may follow it. */
  g_assert_false (check_decodes (S (" \t\n\v\f\r skip \r\f\v\n\t a"), 3));
  g_assert_true (decodes_to (S (" \t\n\v\f\r skip \r\f\v\n\t "), 3, "971a55"));

  uint8_t out[128];
  size_t n = 100;
  g_assert_true (umk_base58check_decode (out, &n, S ("3vQB7B6MrGQZaxCuFg4oh")));
  n = 100;
  g_assert_false (umk_base58check_decode (out, &n, S ("3vQB7B6MrGQZaxCuFg4oi")));
  g_assert_cmpuint (n, ==, 0);
  n = 100;
  g_assert_false (umk_base58check_decode (out, &n, S ("3vQB7B6MrGQZaxCuFg4oh0IOl")));
  n = 100;
  g_assert_false (umk_base58check_decode (out, &n,
                                          S ("3vQB7B6MrGQZaxCuFg4oh\0"
                                             "0IOl")));
}

static void
test_whitespace_and_characters (void)
{
  /* Empty and all-whitespace strings are the empty byte string. */
  g_assert_true (decodes_to (S (""), 10, ""));
  g_assert_true (decodes_to (S (" \t\n"), 10, ""));
  /* Leading '1's are zero bytes, also after leading whitespace. */
  g_assert_true (decodes_to (S ("  11 "), 10, "0000"));
  g_assert_true (decodes_to (S ("1112"), 10, "00000001"));
  /* Whitespace inside the digits ends them; more digits after it fail. */
  g_assert_false (check_decodes (S ("2 2"), 10));
  g_assert_false (check_decodes (S ("1 1"), 10));
  /* Only Core's six whitespace characters count, not e.g. NBSP or \b. */
  g_assert_false (check_decodes (S ("\xa0"
                                    "2"),
                                 10));
  g_assert_false (check_decodes (S ("2\b"), 10));
  /* Each excluded or foreign character. */
  const char *bad[] = { "0", "O", "I", "l", "+", "/", "=", "-", "\x80", "\xff", "\xc3\xa9" };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *s = g_strconcat ("2", bad[i], "2", NULL);
      g_assert_false (check_decodes (s, strlen (s), 100));
    }
  /* Every digit decodes to its own value. */
  const char *alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  for (unsigned v = 1; v < 58; v++)
    {
      char s[2] = { alphabet[v], '\0' };
      uint8_t out[1];
      size_t n = 1;
      g_assert_true (umk_base58_decode (out, &n, s, 1));
      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpuint (out[0], ==, v);
    }
}

static void
test_max_ret_len (void)
{
  /* Leading zeroes count against the bound. */
  g_assert_true (check_decodes (S ("1111"), 4));
  g_assert_false (check_decodes (S ("1111"), 3));
  /* "zzzzz" is 271f359f (4 bytes); "211111" is 271f35a0. */
  g_assert_true (decodes_to (S ("zzzzz"), 4, "271f359f"));
  g_assert_false (check_decodes (S ("zzzzz"), 3));
  g_assert_false (check_decodes (S ("1zzzzz"), 4));
  g_assert_true (decodes_to (S ("1zzzzz"), 5, "00271f359f"));
  g_assert_true (check_decodes (S ("2"), 0) == false);
  g_assert_true (decodes_to (S (""), 0, ""));

  /* A megabyte of digits with a small bound stops early. */
  size_t big = 1 << 20;
  g_autofree char *s = g_malloc (big);
  memset (s, 'z', big);
  g_assert_false (check_decodes (s, big, 32));
  memset (s, '1', big);
  g_assert_false (check_decodes (s, big, 32));
  memset (s, ' ', big);
  g_assert_true (check_decodes (s, big, 0));

  /* A failed decode leaves nothing of the input in the buffer. */
  uint8_t out[8];
  memset (out, 0xaa, sizeof out);
  size_t n = 4;
  g_assert_false (umk_base58_decode (out, &n, S ("1zzzzz")));
  g_assert_cmpuint (n, ==, 0);
  for (size_t i = 0; i < 4; i++)
    g_assert_cmpuint (out[i], ==, 0);
}

static void
test_encode_buffer (void)
{
  const uint8_t data[] = { 0x00, 0x00, 0x27, 0x1f, 0x35, 0x9f };
  char buf[16];
  size_t n = sizeof buf;
  g_assert_true (umk_base58_encode_to (buf, &n, data, sizeof data));
  g_assert_cmpstr (buf, ==, "11zzzzz");
  g_assert_cmpuint (n, ==, 7);
  /* Exactly enough room, then one byte short (the NUL needs a byte). */
  n = 8;
  g_assert_true (umk_base58_encode_to (buf, &n, data, sizeof data));
  n = 7;
  g_assert_false (umk_base58_encode_to (buf, &n, data, sizeof data));
  g_assert_cmpuint (n, ==, 0);
  g_assert_cmpstr (buf, ==, "");
  n = 2;
  g_assert_false (umk_base58_encode_to (buf, &n, data, sizeof data));
  n = 0;
  g_assert_false (umk_base58_encode_to (buf, &n, data, sizeof data));
  n = 1;
  g_assert_true (umk_base58_encode_to (buf, &n, NULL, 0));
  g_assert_cmpstr (buf, ==, "");

  /* Checksum variant: "3vQB7B6MrGQZaxCuFg4oh" is Core's example. */
  g_autofree char *c = NULL;
  uint8_t payload[32];
  size_t plen = sizeof payload;
  g_assert_true (umk_base58check_decode (payload, &plen, S ("3vQB7B6MrGQZaxCuFg4oh")));
  c = umk_base58check_encode (payload, plen);
  g_assert_cmpstr (c, ==, "3vQB7B6MrGQZaxCuFg4oh");
  n = 5;
  g_assert_false (umk_base58check_encode_to (buf, &n, payload, plen));
  g_autofree char *empty = umk_base58check_encode (NULL, 0);
  size_t elen = 4;
  g_assert_true (umk_base58check_decode (payload, &elen, empty, strlen (empty)));
  g_assert_cmpuint (elen, ==, 0);
}

static void
test_check_errors (void)
{
  uint8_t out[64];
  size_t n;
  /* Fewer than four bytes cannot hold a checksum. */
  g_autofree char *three = umk_base58_encode ((const uint8_t *) "\x01\x02\x03", 3);
  n = sizeof out;
  g_assert_false (umk_base58check_decode (out, &n, three, strlen (three)));
  n = sizeof out;
  g_assert_false (umk_base58check_decode (out, &n, S ("")));
  /* The bound applies to the payload. */
  const uint8_t p[21] = { 0 };
  g_autofree char *s = umk_base58check_encode (p, sizeof p);
  n = 21;
  g_assert_true (umk_base58check_decode (out, &n, s, strlen (s)));
  g_assert_cmpuint (n, ==, 21);
  n = 20;
  g_assert_false (umk_base58check_decode (out, &n, s, strlen (s)));
  /* Every single-character change of a valid string is caught. */
  const char *alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  g_autofree char *mut = g_strdup (s);
  for (size_t i = 0; i < strlen (s); i++)
    for (size_t k = 0; k < 58; k++)
      {
        if (alphabet[k] == s[i])
          continue;
        mut[i] = alphabet[k];
        n = sizeof out;
        g_assert_false (umk_base58check_decode (out, &n, mut, strlen (mut)));
        mut[i] = s[i];
      }
}

static void
test_random (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (58);
  for (int iter = 0; iter < 2000; iter++)
    {
      uint8_t data[80];
      size_t len = (size_t) g_rand_int_range (rand, 0, sizeof data + 1);
      size_t zeros = (size_t) g_rand_int_range (rand, 0, 4);
      for (size_t i = 0; i < len; i++)
        data[i] = i < zeros ? 0 : (uint8_t) g_rand_int (rand);
      g_autofree char *s = umk_base58_encode (data, len);
      g_assert_cmpuint (strlen (s) + 1, <=, UMK_BASE58_ENCODED_SIZE (len));
      uint8_t back[80];
      size_t n = len;
      g_assert_true (umk_base58_decode (back, &n, s, strlen (s)));
      g_assert_cmpmem (back, n, data, len);
      if (len > 0)
        {
          n = len - 1;
          g_assert_false (umk_base58_decode (back, &n, s, strlen (s)));
        }
      g_autofree char *c = umk_base58check_encode (data, len);
      n = len;
      g_assert_true (umk_base58check_decode (back, &n, c, strlen (c)));
      g_assert_cmpmem (back, n, data, len);

      /* Random bytes as text: must never crash, rarely decodes. */
      char junk[64];
      size_t jl = (size_t) g_rand_int_range (rand, 0, sizeof junk);
      for (size_t i = 0; i < jl; i++)
        junk[i] = (char) g_rand_int (rand);
      uint8_t sink[64];
      n = sizeof sink;
      (void) !umk_base58_decode (sink, &n, junk, jl);
      n = sizeof sink;
      (void) !umk_base58check_decode (sink, &n, junk, jl);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/base58/vectors", test_vectors);
  g_test_add_func ("/base58/decode-core-cases", test_decode_core_cases);
  g_test_add_func ("/base58/whitespace-and-characters", test_whitespace_and_characters);
  g_test_add_func ("/base58/max-ret-len", test_max_ret_len);
  g_test_add_func ("/base58/encode-buffer", test_encode_buffer);
  g_test_add_func ("/base58/check-errors", test_check_errors);
  g_test_add_func ("/base58/random", test_random);
  return g_test_run ();
}
