#include "config.h"

#include "common/error.h"
#include "common/hex.h"
#include "test-util.h"

static void
test_encode (void)
{
  const uint8_t b[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
  g_autofree char *s = umk_hex_encode (b, sizeof b);
  g_assert_cmpstr (s, ==, "0001abff7f");
  g_autofree char *e = umk_hex_encode (NULL, 0);
  g_assert_cmpstr (e, ==, "");
}

static void
test_decode (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GByteArray) b = umk_hex_decode ("0001ABff7f", &error);
  g_assert_no_error (error);
  const uint8_t want[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
  g_assert_cmpmem (b->data, b->len, want, sizeof want);

  g_autoptr (GByteArray) empty = umk_hex_decode ("", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (empty->len, ==, 0);

  const char *bad[] = { "0", "abc", "0g", "g0", " 00", "00 ", "0x00", "zz", "\xff\xff" };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) err = NULL;
      GByteArray *r = umk_hex_decode (bad[i], &err);
      g_assert_null (r);
      g_assert_error (err, UMK_ERROR, UMK_ERROR_INVALID);
    }
}

static void
test_fixed_and_valid (void)
{
  uint8_t out[2];
  g_assert_true (umk_hex_decode_fixed ("beef", out, 2));
  g_assert_cmphex (out[0], ==, 0xbe);
  g_assert_cmphex (out[1], ==, 0xef);
  g_assert_false (umk_hex_decode_fixed ("bee", out, 2));
  g_assert_false (umk_hex_decode_fixed ("beefee", out, 2));
  g_assert_false (umk_hex_decode_fixed ("be-f", out, 2));

  g_assert_true (umk_hex_is_valid ("00ff"));
  g_assert_false (umk_hex_is_valid (""));
  g_assert_false (umk_hex_is_valid ("0"));
  g_assert_false (umk_hex_is_valid ("0q"));
  g_assert_cmpint (umk_hex_digit ('F'), ==, 15);
  g_assert_cmpint (umk_hex_digit ('/'), ==, -1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hex/encode", test_encode);
  g_test_add_func ("/hex/decode", test_decode);
  g_test_add_func ("/hex/fixed-and-valid", test_fixed_and_valid);
  return g_test_run ();
}
