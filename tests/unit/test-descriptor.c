/* test-descriptor.c — descriptor checksums and addr()/raw() descriptors.
 *
 * The checksummed descriptors are Umkoin Core v31.0's src/test/descriptor_tests.cpp
 * (its Check and CheckUnparsable cases, errors included); the addr()/raw()
 * descriptors with regtest addresses are the "desc" values of its
 * test/functional/data/rpc_decodescript.json.
 */
#include "config.h"

#include "common/descriptor.h"
#include "common/error.h"
#include "common/hex.h"

#include <string.h>

static const struct
{
  const char *payload;
  const char *checksum;
} core_checksums[] = {
  { "rawtr([5a61ff8e/86h/1h/"
    "0h]"
    "xpub6DtZpc9PRL2B6pwoNGysmHAaBofDmWv5S6KQEKKGPKhf5fV62ywDtSziSApYVK3JnYY5KUSgiCwiXW5wtd8z7LNBxT"
    "9Mu5sEro8itdGfTeA/1/*)",
    "vwgx7hj9" },
  { "rawtr("
    "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1"
    "fwqWpWkeS3v86pgKt/86'/1'/0'/1/*)",
    "a5gn3t7k" },
  { "rawtr("
    "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6"
    "r1D3tgFxHmwMkQTPH/86'/1'/0'/1/*)",
    "4ur3xhft" },
  { "sh(multi(2,[00000000/111'/"
    "222]"
    "xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6rcxFLJ8HFsTjS"
    "yQbLYnMpCqE2VbFWc,"
    "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJF"
    "jaPdGZ2y9WACViL4L/0))",
    "ggrsrxfy" },
  { "sh(multi(2,[00000000/111'/"
    "222]"
    "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDM"
    "zQLcgJvLJuZZvRcEL,"
    "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLP"
    "xSb7gwQN3ih19Zm4Y/0))",
    "tjg09x5t" },
  { "sh(multi(2,[00000000/111h/"
    "222]"
    "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDM"
    "zQLcgJvLJuZZvRcEL,"
    "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLP"
    "xSb7gwQN3ih19Zm4Y/0))",
    "hgmsckna" },
  /* Computed checksums that Core's tests print in their mismatch errors. */
  { "sh(multi(3,[00000000/111'/"
    "222]"
    "xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDM"
    "zQLcgJvLJuZZvRcEL,"
    "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLP"
    "xSb7gwQN3ih19Zm4Y/0))",
    "d4x0uxyv" },
  { "wsh(and_v(vc:andor(pk(03cdabb7f2dce7bfbd8a0b9570c6fd1e712e5d64045e9d6b517b3d5072251dc204),pk_"
    "k(032707170c71d8f75e4ca4e3fce870b9409dcaf12b051d3bcadff74747fa7619c0),and_v(v:older(1),pk_k("
    "02aa27e5eb2c185e87cd1dbc3e0efc9cb1175235e0259df1713424941c3cb40402))),after(10)))",
    "tyzp6a7p" },
  /* rpc_decodescript.json */
  { "rawtr(eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee)", "jk7c6kys" },
  { "addr(bcrt1pamhqk96edn)", "vkh8uj5a" },
  { "addr(bcrt1qamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhqgdn98t)", "afaecevx" },
  { "addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp)", "ywfcpmh9" },
  { "raw(6a00)", "ncfmkl43" },
  { "raw(6aee)", "vsyzgqdt" },
  { "raw(6a02ee)", "gvdwnlzl" },
  { "raw(02eeee)", "5xzck7pr" },
  { "raw(ba)", "yy0eg44l" },
  { "raw(50)", "a7tu03xf" },
  { "addr(bcrt1qjmprdr7rq522gw9ghkgfly7yng25n4m3nrxtmdujqsakvm9jfapqk795l5)", "5akkdska" },
};

static void
test_checksums (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (core_checksums); i++)
    {
      const char *p = core_checksums[i].payload;
      char sum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1];
      g_assert_true (umk_descriptor_checksum (p, strlen (p), sum));
      g_assert_cmpstr (sum, ==, core_checksums[i].checksum);

      g_autofree char *with = umk_descriptor_add_checksum (p);
      g_autofree char *expect = g_strconcat (p, "#", core_checksums[i].checksum, NULL);
      g_assert_cmpstr (with, ==, expect);

      size_t len = 0;
      g_autoptr (GError) error = NULL;
      g_assert_true (umk_descriptor_check_checksum (with, true, &len, sum, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (len, ==, strlen (p));
      g_assert_true (umk_descriptor_check_checksum (p, false, &len, sum, &error));
      g_assert_cmpstr (sum, ==, core_checksums[i].checksum);
    }
  /* The empty descriptor has a checksum too. */
  char sum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1];
  g_assert_true (umk_descriptor_checksum ("", 0, sum));
  g_assert_cmpuint (strlen (sum), ==, 8);
  /* Characters outside the set: none, and no crash on a NUL in the middle. */
  g_assert_false (umk_descriptor_checksum ("raw(\xc3\x9c)", 7, sum));
  g_assert_cmpstr (sum, ==, "");
  g_assert_false (umk_descriptor_checksum ("raw(\0)", 6, sum));
  g_assert_false (umk_descriptor_checksum ("a\nb", 3, sum));
  g_assert_null (umk_descriptor_add_checksum ("raw(\t)"));
}

static void
expect_checksum_error (const char *text, bool require, const char *message)
{
  size_t len = 0;
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_descriptor_check_checksum (text, require, &len, NULL, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_checksum_errors (void)
{
  const char *base = core_checksums[3].payload; /* sh(multi(2,…xprv…)) */
  g_assert_cmpstr (core_checksums[3].checksum, ==, "ggrsrxfy");
  g_autofree char *empty = g_strconcat (base, "#", NULL);
  expect_checksum_error (empty, false, "Expected 8 character checksum, not 0 characters");
  g_autofree char *longer = g_strconcat (base, "#ggrsrxfyq", NULL);
  expect_checksum_error (longer, false, "Expected 8 character checksum, not 9 characters");
  g_autofree char *shorter = g_strconcat (base, "#ggrsrxf", NULL);
  expect_checksum_error (shorter, false, "Expected 8 character checksum, not 7 characters");
  g_autofree char *wrong = g_strconcat (base, "#ggssrxfy", NULL);
  expect_checksum_error (
      wrong, false, "Provided checksum 'ggssrxfy' does not match computed checksum 'ggrsrxfy'");
  g_autofree char *twice = g_strconcat (base, "##ggssrxfy", NULL);
  expect_checksum_error (twice, false, "Multiple '#' symbols");
  expect_checksum_error (base, true, "Missing checksum");
  expect_checksum_error ("raw(\xc3\x9c)#00000000", false, "Invalid characters in payload");
  expect_checksum_error ("#", false, "Expected 8 character checksum, not 0 characters");
  expect_checksum_error ("", true, "Missing checksum");
}

static UmkDescriptor *
parse (const char *text, bool require, GError **error)
{
  return umk_descriptor_parse (umk_chain_address_params (UMK_CHAIN_REGTEST), text, require, error);
}

static void
expect_parse_error (const char *text, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkDescriptor) d = parse (text, false, &error);
  g_assert_null (d);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_parse (void)
{
  static const struct
  {
    const char *text;
    const char *script;
    const char *canonical;
  } ok[] = {
    { "addr(bcrt1pamhqk96edn)#vkh8uj5a", "5102eeee", "addr(bcrt1pamhqk96edn)#vkh8uj5a" },
    { "addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp)", "a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87",
      "addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp)#ywfcpmh9" },
    /* Bech32 in capitals reads, and is shown in lower case. */
    { "addr(BCRT1QAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHWAMHQGDN98T)",
      "0020eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
      "addr(bcrt1qamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhqgdn98t)#afaecevx" },
    { "raw(6a00)#ncfmkl43", "6a00", "raw(6a00)#ncfmkl43" },
    { "raw(02EEEE)", "02eeee", "raw(02eeee)#5xzck7pr" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkDescriptor) d = parse (ok[i].text, false, &error);
      g_assert_no_error (error);
      g_assert_nonnull (d);
      g_autofree char *hex = umk_hex_encode (d->script->data, d->script->len);
      g_assert_cmpstr (hex, ==, ok[i].script);
      g_autofree char *s = umk_descriptor_to_string (d);
      g_assert_cmpstr (s, ==, ok[i].canonical);
      g_assert_cmpint (d->type, ==,
                       ok[i].text[0] == 'a' ? UMK_DESCRIPTOR_ADDR : UMK_DESCRIPTOR_RAW);
    }

  /* Core's unparsable ones. */
  expect_parse_error ("addr(asdf)", "Address is not valid");
  expect_parse_error ("raw(asdf)", "Raw script is not hex");
  expect_parse_error ("raw(Ü)#00000000", "Invalid characters in payload");
  /* An address of another chain, an empty one, odd or empty hex. */
  expect_parse_error ("addr(bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4)", "Address is not valid");
  expect_parse_error ("addr()", "Address is not valid");
  expect_parse_error ("raw(6)", "Raw script is not hex");
  expect_parse_error ("raw()", "Raw script is not hex");
  expect_parse_error ("foo(1)", "'foo(1)' is not a valid descriptor function");
  expect_parse_error ("", "'' is not a valid descriptor function");
  expect_parse_error (")", "'' is not a valid descriptor function");
  expect_parse_error (
      "addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp",
      "'addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp' is not a valid descriptor function");
  expect_parse_error ("pk(02aa27e5eb2c185e87cd1dbc3e0efc9cb1175235e0259df1713424941c3cb40402)",
                      "pk() descriptors are not supported yet");
  /* Something after a whole expression: Core's empty message. */
  expect_parse_error ("raw(00),raw(00)", "");
  expect_parse_error ("raw(00))", "");

  g_autoptr (GError) error = NULL;
  g_autoptr (UmkDescriptor) d = parse ("raw(6a00)", true, &error);
  g_assert_null (d);
  g_assert_cmpstr (error->message, ==, "Missing checksum");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/descriptor/checksums", test_checksums);
  g_test_add_func ("/descriptor/checksum-errors", test_checksum_errors);
  g_test_add_func ("/descriptor/parse", test_parse);
  return g_test_run ();
}
