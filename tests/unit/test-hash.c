/* Tests for common/hash: published vectors for every function, and the
 * incremental interface against the one-shot one. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "test-util.h"

#include <string.h>

static void
assert_hex (const uint8_t *digest, size_t len, const char *expected)
{
  g_autofree char *hex = umk_hex_encode (digest, len);
  g_assert_cmpstr (hex, ==, expected);
}

static char *
million_a (void)
{
  char *m = g_malloc (1000000);
  memset (m, 'a', 1000000);
  return m;
}

/* FIPS 180-2 examples. */
static void
test_sha256 (void)
{
  uint8_t out[32];
  umk_sha256 ("", 0, out);
  assert_hex (out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  umk_sha256 ("abc", 3, out);
  assert_hex (out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const char *m2 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  umk_sha256 (m2, strlen (m2), out);
  assert_hex (out, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  g_autofree char *m3 = million_a ();
  umk_sha256 (m3, 1000000, out);
  assert_hex (out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void
test_sha256_incremental (void)
{
  g_autofree char *m = million_a ();
  uint8_t one[32], inc[32];
  umk_sha256 (m, 1000000, one);
  /* Odd-sized pieces cross block boundaries in every way. */
  UmkSha256 h;
  umk_sha256_init (&h);
  size_t off = 0, step = 1;
  while (off < 1000000)
    {
      size_t n = MIN (step, 1000000 - off);
      umk_sha256_update (&h, m + off, n);
      off += n;
      step = step * 7 % 1031 + 1;
    }
  umk_sha256_final (&h, inc);
  g_assert_cmpmem (one, 32, inc, 32);

  /* copy continues from the same state */
  UmkSha256 a, b;
  umk_sha256_init (&a);
  umk_sha256_update (&a, "ab", 2);
  umk_sha256_copy (&b, &a);
  umk_sha256_update (&a, "c", 1);
  umk_sha256_update (&b, "c", 1);
  umk_sha256_final (&a, one);
  umk_sha256_final (&b, inc);
  assert_hex (one, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpmem (one, 32, inc, 32);

  /* More contexts in flight than the per-thread pool holds. */
  UmkSha256 many[20];
  for (int i = 0; i < 20; i++)
    {
      umk_sha256_init (&many[i]);
      umk_sha256_update (&many[i], "abc", 3);
    }
  for (int i = 0; i < 20; i++)
    {
      umk_sha256_final (&many[i], one);
      assert_hex (one, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
  umk_sha256_init (&a);
  umk_sha256_abort (&a);
  g_assert_null (a.evp);
}

static void
test_sha256d (void)
{
  uint8_t out[32];
  umk_sha256d ("", 0, out);
  assert_hex (out, 32, "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
  umk_sha256d ("hello", 5, out);
  assert_hex (out, 32, "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
  UmkSha256 h;
  umk_sha256_init (&h);
  umk_sha256_update (&h, "hel", 3);
  umk_sha256_update (&h, "lo", 2);
  umk_sha256d_final (&h, out);
  assert_hex (out, 32, "9595c9df90075148eb06860365df33584b75bff782a510c6cd4883a419833d50");
}

static void
test_sha512 (void)
{
  uint8_t out[64];
  umk_sha512 ("abc", 3, out);
  assert_hex (out, 64,
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
}

/* Vectors of the RIPEMD-160 paper (Dobbertin, Bosselaers, Preneel). */
static void
test_ripemd160 (void)
{
  uint8_t out[20];
  umk_ripemd160 ("", 0, out);
  assert_hex (out, 20, "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  umk_ripemd160 ("abc", 3, out);
  assert_hex (out, 20, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  umk_ripemd160 ("message digest", 14, out);
  assert_hex (out, 20, "5d0689ef49d2fae572b881b123a85ffa21595f36");
  g_autofree char *m = million_a ();
  umk_ripemd160 (m, 1000000, out);
  assert_hex (out, 20, "52783243c1697bdbe16d37f97f68f08325dc1528");
}

/* BIP 173's example key: its HASH160 is the P2WPKH program of
 * bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4. */
static void
test_hash160 (void)
{
  g_autoptr (GByteArray) pk
      = umk_test_hex ("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
  uint8_t out[20];
  umk_hash160 (pk->data, pk->len, out);
  assert_hex (out, 20, "751e76e8199196d454941c45d1b3a323f1433bd6");
}

/* RFC 4231 test cases 1, 2 and 6, plus the empty key and message. */
static void
test_hmac (void)
{
  uint8_t k1[20], k6[131], o256[32], o512[64];
  memset (k1, 0x0b, sizeof k1);
  memset (k6, 0xaa, sizeof k6);
  umk_hmac_sha256 (k1, sizeof k1, "Hi There", 8, o256);
  assert_hex (o256, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  umk_hmac_sha512 (k1, sizeof k1, "Hi There", 8, o512);
  assert_hex (o512, 64,
              "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
              "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854");
  const char *m2 = "what do ya want for nothing?";
  umk_hmac_sha256 ("Jefe", 4, m2, strlen (m2), o256);
  assert_hex (o256, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  umk_hmac_sha512 ("Jefe", 4, m2, strlen (m2), o512);
  assert_hex (o512, 64,
              "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
              "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
  const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  umk_hmac_sha256 (k6, sizeof k6, m6, strlen (m6), o256);
  assert_hex (o256, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  umk_hmac_sha512 (k6, sizeof k6, m6, strlen (m6), o512);
  assert_hex (o512, 64,
              "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
              "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598");
  umk_hmac_sha256 (NULL, 0, NULL, 0, o256);
  assert_hex (o256, 32, "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

static void
test_siphash (void)
{
  g_autoptr (GBytes) file = umk_test_load_bytes ("siphash24_vectors.txt");
  g_autofree char *text = g_strndup (g_bytes_get_data (file, NULL), g_bytes_get_size (file));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  uint8_t msg[64];
  for (int i = 0; i < 64; i++)
    msg[i] = (uint8_t) i;
  UmkTally t;
  umk_tally_init (&t, "siphash24_vectors.txt");
  size_t i = 0;
  for (char **l = lines; *l != NULL; l++)
    {
      if (**l == '#' || **l == '\0')
        continue;
      uint64_t expected = g_ascii_strtoull (*l, NULL, 16);
      uint64_t got = umk_siphash24 (0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, msg, i);
      umk_tally_case (&t, got == expected, "length %zu: got %016" G_GINT64_MODIFIER "x", i, got);
      i++;
    }
  umk_tally_finish_expect (&t, 64);
}

/* Walks a BIP 341 script tree, checking every leaf's TapLeaf hash in order. */
static void
check_leaves (JsonNode *tree, JsonArray *expected, guint *next, UmkTally *t)
{
  if (JSON_NODE_HOLDS_ARRAY (tree))
    {
      JsonArray *a = json_node_get_array (tree);
      for (guint i = 0; i < json_array_get_length (a); i++)
        check_leaves (json_array_get_element (a, i), expected, next, t);
      return;
    }
  JsonObject *leaf = json_node_get_object (tree);
  g_autoptr (GByteArray) script = umk_test_hex (json_object_get_string_member (leaf, "script"));
  GByteArray *msg = g_byte_array_new ();
  uint8_t ver = (uint8_t) json_object_get_int_member (leaf, "leafVersion");
  g_byte_array_append (msg, &ver, 1);
  uint8_t len = (uint8_t) script->len; /* every vector script is under 253 bytes */
  g_assert_cmpuint (script->len, <, 253);
  g_byte_array_append (msg, &len, 1);
  g_byte_array_append (msg, script->data, script->len);
  uint8_t out[32];
  umk_tagged_hash ("TapLeaf", msg->data, msg->len, out);
  g_byte_array_unref (msg);
  g_autofree char *hex = umk_hex_encode (out, 32);
  const char *want = json_array_get_string_element (expected, (*next)++);
  umk_tally_case (t, strcmp (hex, want) == 0, "TapLeaf %s != %s", hex, want);
}

/* BIP 340 tagged hashes, checked on BIP 341's TapLeaf and TapTweak intermediates. */
static void
test_tagged_hash (void)
{
  g_autoptr (JsonNode) root = umk_test_load_json ("bip341_wallet_vectors.json");
  JsonArray *cases = json_object_get_array_member (json_node_get_object (root), "scriptPubKey");
  UmkTally t;
  umk_tally_init (&t, "bip341_wallet_vectors.json (tagged hashes)");
  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      JsonObject *given = json_object_get_object_member (c, "given");
      JsonObject *inter = json_object_get_object_member (c, "intermediary");
      JsonNode *tree = json_object_get_member (given, "scriptTree");
      if (!JSON_NODE_HOLDS_NULL (tree))
        {
          guint next = 0;
          JsonArray *leaves = json_object_get_array_member (inter, "leafHashes");
          check_leaves (tree, leaves, &next, &t);
          g_assert_cmpuint (next, ==, json_array_get_length (leaves));
        }
      GByteArray *msg = umk_test_hex (json_object_get_string_member (given, "internalPubkey"));
      JsonNode *mr = json_object_get_member (inter, "merkleRoot");
      if (!JSON_NODE_HOLDS_NULL (mr))
        {
          g_autoptr (GByteArray) root_bytes = umk_test_hex (json_node_get_string (mr));
          g_byte_array_append (msg, root_bytes->data, root_bytes->len);
        }
      uint8_t tweak[32];
      umk_tagged_hash ("TapTweak", msg->data, msg->len, tweak);
      g_byte_array_unref (msg);
      g_autofree char *hex = umk_hex_encode (tweak, 32);
      const char *want = json_object_get_string_member (inter, "tweak");
      umk_tally_case (&t, strcmp (hex, want) == 0, "TapTweak %s != %s", hex, want);
    }
  umk_tally_finish (&t);
}

static gpointer
thread_hashes (gpointer data)
{
  (void) data;
  uint8_t out[32];
  for (int i = 0; i < 2000; i++)
    {
      umk_sha256d ("abc", 3, out);
      if (umk_siphash24 (0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull, NULL, 0)
          != 0x726fdb47dd0e0e31ull)
        return GINT_TO_POINTER (0);
    }
  umk_sha256 ("abc", 3, out);
  g_autofree char *hex = umk_hex_encode (out, 32);
  return GINT_TO_POINTER (
      strcmp (hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
}

/* The per-thread context pools: threads hash at once and exit cleanly. */
static void
test_threads (void)
{
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    threads[i] = g_thread_new ("hash", thread_hashes, NULL);
  for (int i = 0; i < 4; i++)
    g_assert_true (GPOINTER_TO_INT (g_thread_join (threads[i])));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hash/sha256", test_sha256);
  g_test_add_func ("/hash/sha256-incremental", test_sha256_incremental);
  g_test_add_func ("/hash/sha256d", test_sha256d);
  g_test_add_func ("/hash/sha512", test_sha512);
  g_test_add_func ("/hash/ripemd160", test_ripemd160);
  g_test_add_func ("/hash/hash160", test_hash160);
  g_test_add_func ("/hash/hmac", test_hmac);
  g_test_add_func ("/hash/siphash24", test_siphash);
  g_test_add_func ("/hash/tagged", test_tagged_hash);
  g_test_add_func ("/hash/threads", test_threads);
  return g_test_run ();
}
