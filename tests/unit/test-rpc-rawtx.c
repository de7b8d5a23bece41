/* test-rpc-rawtx.c — the raw-transaction RPC methods through the dispatcher,
 * on regtest, with the expectations of Umkoin Core v31.0's functional tests
 * (test/functional/rpc_decodescript.py and its data file
 * data/rpc_decodescript.json, rpc_rawtransaction.py,
 * rpc_signrawtransactionwithkey.py): the same results, field order, error
 * codes and messages. Values those tests leave unchecked were worked out
 * independently (addresses and hashes with a separate script).
 */
#include "config.h"

#include "common/descriptor.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/interpreter.h"
#include "common/json.h"
#include "common/key.h"
#include "common/script.h"
#include "common/sign.h"
#include "node/rpc-dispatch.h"
#include "node/rpc-rawtx-util.h"
#include "test-util.h"

#include <string.h>

static UmkNode test_node;
static UmkRpcDispatcher *dispatcher;

/* The reply to one JSON-RPC 2.0 call, as text. */
static char *
call_text (const char *method, const char *params)
{
  g_autofree char *body = g_strdup_printf (
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}", method, params);
  UmkRpcReply reply;
  umk_rpc_dispatcher_handle (dispatcher, body, strlen (body), "test", NULL, "/", NULL, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  char *text = g_strndup (reply.body, reply.len);
  umk_rpc_reply_clear (&reply);
  return text;
}

/* The result of a call that must succeed, as the exact text the server
 * wrote (numbers as written, members in order). */
static char *
call_ok (const char *method, const char *params)
{
  g_autofree char *text = call_text (method, params);
  static const char head[] = "{\"jsonrpc\":\"2.0\",\"result\":";
  static const char tail[] = ",\"id\":1}\n";
  if (!g_str_has_prefix (text, head) || !g_str_has_suffix (text, tail))
    g_error ("%s %s failed: %s", method, params, text);
  return g_strndup (text + strlen (head), strlen (text) - strlen (head) - strlen (tail));
}

static JsonNode *
call_ok_json (const char *method, const char *params)
{
  g_autofree char *text = call_ok (method, params);
  JsonNode *n = umk_json_parse (text, strlen (text), NULL);
  g_assert_nonnull (n);
  return n;
}

/* A call that must fail with code; message is matched whole, or as a part
 * when contains is set (the dispatcher's type errors wrap Core's text). */
static void
call_error_full (const char *method, const char *params, int code, const char *message,
                 gboolean contains)
{
  g_autofree char *text = call_text (method, params);
  g_autoptr (JsonNode) n = umk_json_parse (text, strlen (text), NULL);
  g_assert_nonnull (n);
  JsonObject *o = json_node_get_object (n);
  if (!json_object_has_member (o, "error"))
    g_error ("%s %s: expected error %d, got %s", method, params, code, text);
  JsonObject *e = json_object_get_object_member (o, "error");
  const char *got = json_object_get_string_member (e, "message");
  if (json_object_get_int_member (e, "code") != code
      || (contains ? strstr (got, message) == NULL : strcmp (got, message) != 0))
    g_error ("%s %s: expected %d \"%s\", got %s", method, params, code, message, text);
}

static void
call_error (const char *method, const char *params, int code, const char *message)
{
  call_error_full (method, params, code, message, FALSE);
}

static void
call_error_contains (const char *method, const char *params, int code, const char *message)
{
  call_error_full (method, params, code, message, TRUE);
}

/* ---- values -------------------------------------------------------------- */

static void
test_amounts (void)
{
  static const struct
  {
    const char *json;
    gint64 sats; /* -1: Invalid amount, -2: out of range, -3: not a number or string */
  } cases[] = {
    { "0.1", 10000000 },
    { "\"0.1\"", 10000000 },
    { "1", 100000000 },
    { "\"1.00000000\"", 100000000 },
    { "1e-8", 1 },
    { "\"1E-8\"", 1 },
    { "\"1e+2\"", 10000000000 },
    { "0.00000001", 1 },
    { "21000000", 2100000000000000 },
    { "\"21000000.00000001\"", -2 },
    { "-1", -2 },
    { "\"-0.00000001\"", -2 },
    { "\"-0\"", 0 },
    { "0.000000001", -1 },
    { "\"0.123456789\"", -1 },
    { "1e21", -1 },
    { "\"1e18\"", -1 },
    { "\"abc\"", -1 },
    { "\"\"", -1 },
    { "\"01\"", -1 },
    { "\".5\"", -1 },
    { "\"5.\"", -1 },
    { "\"1e\"", -1 },
    { "\"1e-\"", -1 },
    { "\"--1\"", -1 },
    { "\" 1\"", -1 },
    { "\"1 \"", -1 },
    { "\"99999999999999999999\"", -1 },
    { "\"0.00000000000000000000000000001e29\"", 100000000 },
    { "\"1000000000000000000000000e-24\"", 100000000 },
    { "true", -3 },
    { "null", -3 },
    { "[]", -3 },
    { "{}", -3 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) v = umk_json_parse (cases[i].json, strlen (cases[i].json), NULL);
      g_assert_nonnull (v);
      g_autoptr (GError) error = NULL;
      int64_t amount = -42;
      gboolean ok = umk_rpc_amount_from_value (v, &amount, &error);
      if (cases[i].sats >= 0)
        {
          if (!ok)
            g_error ("%s: %s", cases[i].json, error->message);
          g_assert_cmpint (amount, ==, cases[i].sats);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, UMK_RPC_ERROR, UMK_RPC_TYPE_ERROR);
      const char *want = cases[i].sats == -1   ? "Invalid amount"
                         : cases[i].sats == -2 ? "Amount out of range"
                                               : "Amount is not a number or string";
      if (strcmp (error->message, want) != 0)
        g_error ("%s: %s, expected %s", cases[i].json, error->message, want);
    }

  /* ParseFixedPoint on its own, with Core's limits. */
  int64_t v;
  g_assert_true (umk_rpc_parse_fixed_point ("999999999999999999", 0, &v));
  g_assert_cmpint (v, ==, G_GINT64_CONSTANT (999999999999999999));
  g_assert_false (umk_rpc_parse_fixed_point ("1000000000000000000", 0, &v));
  g_assert_true (umk_rpc_parse_fixed_point ("-9999999999.99999999", 8, &v));
  g_assert_cmpint (v, ==, -G_GINT64_CONSTANT (999999999999999999));
  g_assert_false (umk_rpc_parse_fixed_point ("", 8, &v));
  g_assert_false (umk_rpc_parse_fixed_point ("-", 8, &v));
  g_assert_false (umk_rpc_parse_fixed_point ("1e99999999999999999999", 8, &v));
}

/* ---- decodescript --------------------------------------------------------- */

/* Core's data-driven cases (rpc_decodescript.json), members in Core's order. */
static const struct
{
  const char *script;
  const char *result;
} decodescript_data[] = {
  { "5120eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    "{\"asm\":\"1 "
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\",\"desc\":\"rawtr("
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee)#jk7c6kys\",\"address\":"
    "\"bcrt1pamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhqz6nvlh\",\"type\":\"witness_v1_"
    "taproot\"}" },
  { "5102eeee", "{\"asm\":\"1 "
                "-28398\",\"desc\":\"addr(bcrt1pamhqk96edn)#vkh8uj5a\",\"address\":"
                "\"bcrt1pamhqk96edn\",\"type\":\"witness_unknown\"}" },
  { "0020eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
    "{\"asm\":\"0 "
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\",\"desc\":\"addr("
    "bcrt1qamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhqgdn98t)#afaecevx\",\"address\":"
    "\"bcrt1qamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhwamhqgdn98t\",\"type\":\"witness_v0_"
    "scripthash\",\"p2sh\":\"2MwGk8mw1GBP6U9D5X8gTvgvXpuknmAK3fo\"}" },
  { "a914eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee87",
    "{\"asm\":\"OP_HASH160 eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee "
    "OP_EQUAL\",\"desc\":\"addr(2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp)#ywfcpmh9\",\"address\":"
    "\"2NF2b3KS8xXb9XHvbRMXdZh8s5g92rUZHtp\",\"type\":\"scripthash\"}" },
  { "6a00", "{\"asm\":\"OP_RETURN 0\",\"desc\":\"raw(6a00)#ncfmkl43\",\"type\":\"nulldata\"}" },
  { "6aee",
    "{\"asm\":\"OP_RETURN OP_UNKNOWN\",\"desc\":\"raw(6aee)#vsyzgqdt\",\"type\":\"nonstandard\"}" },
  { "6a02ee",
    "{\"asm\":\"OP_RETURN [error]\",\"desc\":\"raw(6a02ee)#gvdwnlzl\",\"type\":\"nonstandard\"}" },
  { "02eeee",
    "{\"asm\":\"-28398\",\"desc\":\"raw(02eeee)#5xzck7pr\",\"type\":\"nonstandard\",\"p2sh\":"
    "\"2N34iiGoUUkVSPiaaTFpJjB1FR9TXQu3PGM\",\"segwit\":{\"asm\":\"0 "
    "96c2368fc30514a438a8bd909f93c49a1549d77198ccbdb792043b666cb24f42\",\"desc\":\"addr("
    "bcrt1qjmprdr7rq522gw9ghkgfly7yng25n4m3nrxtmdujqsakvm9jfapqk795l5)#5akkdska\",\"hex\":"
    "\"002096c2368fc30514a438a8bd909f93c49a1549d77198ccbdb792043b666cb24f42\",\"address\":"
    "\"bcrt1qjmprdr7rq522gw9ghkgfly7yng25n4m3nrxtmdujqsakvm9jfapqk795l5\",\"type\":\"witness_v0_"
    "scripthash\",\"p2sh-segwit\":\"2MtoejEictTQ6XtmHYzoYttt35Ec6krqFKN\"}}" },
  { "ba", "{\"asm\":\"OP_CHECKSIGADD\",\"desc\":\"raw(ba)#yy0eg44l\",\"type\":\"nonstandard\"}" },
  { "50", "{\"asm\":\"OP_RESERVED\",\"desc\":\"raw(50)#a7tu03xf\",\"type\":\"nonstandard\"}" },
};

static void
test_decodescript_data (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (decodescript_data); i++)
    {
      g_autofree char *params = g_strdup_printf ("[\"%s\"]", decodescript_data[i].script);
      g_autofree char *got = call_ok ("decodescript", params);
      g_assert_cmpstr (got, ==, decodescript_data[i].result);
    }
}

static char *
checksummed (const char *desc)
{
  char *s = umk_descriptor_add_checksum (desc);
  g_assert_nonnull (s);
  return s;
}

#define PUBKEY      "03b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb2"
#define PUBKEY_HASH "5dd1d3a048119c27b28293056724d9522f26d945"
#define UNCOMPRESSED_PUBKEY                                                                     \
  "04b0da749730dc9b4b1f4a14d6902877a92541f5368778853d9c4a0cb7802dcfb25e01fc8fde47c96c98a4f3a81" \
  "23e33a38a50cf9025cc8c4494a518f991792bb7"
#define SIGNATURE                                                                               \
  "304502207fa7a6d1e0ee81132a269ad84e68d695483745cde8b541e3bf630749894e342a022100c1f7ab20e13e2" \
  "2fb95281a870f3dcf38d782e53023ee313d741ad0cfbc0c509001"

static void
test_decodescript_types (void)
{
  /* scriptSigs: signatures are not decoded in decodescript. */
  g_autoptr (JsonNode) sig = call_ok_json ("decodescript", "[\"48" SIGNATURE "\"]");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sig), "asm"), ==,
                   SIGNATURE);
  g_autoptr (JsonNode) sig2
      = call_ok_json ("decodescript", "[\"0048" SIGNATURE "48" SIGNATURE "\"]");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (sig2), "asm"), ==,
                   "0 " SIGNATURE " " SIGNATURE);
  g_autoptr (JsonNode) p2sh_sig = call_ok_json ("decodescript", "[\"5100\"]");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (p2sh_sig), "asm"), ==,
                   "1 0");

  /* P2PK: wrapped in P2SH, and as P2WPKH. */
  g_autofree char *pk_desc = checksummed ("pk(" PUBKEY ")");
  g_autofree char *wpkh_desc = checksummed ("addr(bcrt1qthga8gzgzxwz0v5zjvzkwfxe2ghjdk2997w9up)");
  g_autofree char *p2pk = call_ok ("decodescript", "[\"21" PUBKEY "ac\"]");
  g_autofree char *p2pk_want = g_strdup_printf (
      "{\"asm\":\"" PUBKEY " OP_CHECKSIG\",\"desc\":\"%s\",\"type\":\"pubkey\","
      "\"p2sh\":\"2NGPSb9XrNbqMS2rhEPezerzXVsnMk2e5oW\",\"segwit\":{\"asm\":\"0 " PUBKEY_HASH
      "\",\"desc\":\"%s\",\"hex\":\"0014" PUBKEY_HASH
      "\",\"address\":\"bcrt1qthga8gzgzxwz0v5zjvzkwfxe2ghjdk2997w9up\",\"type\":"
      "\"witness_v0_keyhash\",\"p2sh-segwit\":\"2MszFsCB9jCc65ZyLXAXjXN3nq6yhKJEcqQ\"}}",
      pk_desc, wpkh_desc);
  g_assert_cmpstr (p2pk, ==, p2pk_want);

  /* P2PKH: the same P2WPKH. */
  g_autofree char *pkh_desc = checksummed ("addr(mp52VuXfTKhzYpuR3jLvPEYYUCWt84J7D5)");
  g_autofree char *p2pkh = call_ok ("decodescript", "[\"76a914" PUBKEY_HASH "88ac\"]");
  g_autofree char *p2pkh_want = g_strdup_printf (
      "{\"asm\":\"OP_DUP OP_HASH160 " PUBKEY_HASH " OP_EQUALVERIFY OP_CHECKSIG\",\"desc\":\"%s\","
      "\"address\":\"mp52VuXfTKhzYpuR3jLvPEYYUCWt84J7D5\",\"type\":\"pubkeyhash\","
      "\"p2sh\":\"2MyCZFCg1RftUb1FfgmuEH12C13uPvwrhQq\",\"segwit\":{\"asm\":\"0 " PUBKEY_HASH
      "\",\"desc\":\"%s\",\"hex\":\"0014" PUBKEY_HASH
      "\",\"address\":\"bcrt1qthga8gzgzxwz0v5zjvzkwfxe2ghjdk2997w9up\",\"type\":"
      "\"witness_v0_keyhash\",\"p2sh-segwit\":\"2MszFsCB9jCc65ZyLXAXjXN3nq6yhKJEcqQ\"}}",
      pkh_desc, wpkh_desc);
  g_assert_cmpstr (p2pkh, ==, p2pkh_want);

  /* 2-of-3 multisig: P2WSH, whose descriptor shows the script. */
  g_autofree char *ms_desc = checksummed ("multi(2," PUBKEY "," PUBKEY "," PUBKEY ")");
  g_autofree char *wsh_desc = checksummed ("wsh(multi(2," PUBKEY "," PUBKEY "," PUBKEY "))");
  g_autofree char *ms
      = call_ok ("decodescript", "[\"5221" PUBKEY "21" PUBKEY "21" PUBKEY "53ae\"]");
  g_autofree char *ms_want = g_strdup_printf (
      "{\"asm\":\"2 " PUBKEY " " PUBKEY " " PUBKEY " 3 OP_CHECKMULTISIG\",\"desc\":\"%s\","
      "\"type\":\"multisig\",\"p2sh\":\"2MwtFW8ZnW2hgeEnW8pos6dNgqSHroF8v7R\",\"segwit\":{"
      "\"asm\":\"0 0f320decca000221b611117448134c78dd220cd22384ac80025b59e43c8698e8\","
      "\"desc\":\"%s\",\"hex\":"
      "\"00200f320decca000221b611117448134c78dd220cd22384ac80025b59e43c8698e8\","
      "\"address\":\"bcrt1qpueqmmx2qqpzrds3z96ysy6v0rwjyrxjywz2eqqztdv7g0yxnr5q7ckd78\","
      "\"type\":\"witness_v0_scripthash\",\"p2sh-segwit\":\"2MyAJNJ4QTTwnM9TBPmKyD2XzwQGNhqBDCc\"}"
      "}",
      ms_desc, wsh_desc);
  g_assert_cmpstr (ms, ==, ms_want);

  /* P2SH: no segwit. */
  g_autoptr (JsonNode) p2sh = call_ok_json ("decodescript", "[\"a914" PUBKEY_HASH "87\"]");
  JsonObject *o = json_node_get_object (p2sh);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "scripthash");
  g_assert_cmpstr (json_object_get_string_member (o, "asm"), ==,
                   "OP_HASH160 " PUBKEY_HASH " OP_EQUAL");
  g_assert_false (json_object_has_member (o, "segwit"));
  g_assert_false (json_object_has_member (o, "p2sh"));

  /* OP_RETURN data that looks like a signature stays hex. */
  g_autoptr (JsonNode) nd = call_ok_json ("decodescript", "[\"6a48" SIGNATURE "\"]");
  o = json_node_get_object (nd);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "nulldata");
  g_assert_cmpstr (json_object_get_string_member (o, "asm"), ==, "OP_RETURN " SIGNATURE);
  g_assert_false (json_object_has_member (o, "p2sh"));

  /* CLTV: nonstandard, wrapped in P2WSH. */
  g_autoptr (JsonNode) cltv
      = call_ok_json ("decodescript", "[\"6321" PUBKEY "ad670320a107b1756821" PUBKEY "ac\"]");
  o = json_node_get_object (cltv);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "nonstandard");
  g_assert_cmpstr (json_object_get_string_member (o, "asm"), ==,
                   "OP_IF " PUBKEY " OP_CHECKSIGVERIFY OP_ELSE 500000 OP_CHECKLOCKTIMEVERIFY "
                   "OP_DROP OP_ENDIF " PUBKEY " OP_CHECKSIG");
  g_autoptr (GByteArray) cltv_script
      = umk_test_hex ("6321" PUBKEY "ad670320a107b1756821" PUBKEY "ac");
  uint8_t h[32];
  umk_sha256 (cltv_script->data, cltv_script->len, h);
  g_autofree char *h_hex = umk_hex_encode (h, 32);
  g_autofree char *cltv_asm = g_strdup_printf ("0 %s", h_hex);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (o, "segwit"), "asm"), ==,
      cltv_asm);

  /* Uncompressed keys: P2SH, but no segwit. */
  g_autoptr (JsonNode) upk = call_ok_json ("decodescript", "[\"41" UNCOMPRESSED_PUBKEY "ac\"]");
  o = json_node_get_object (upk);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "pubkey");
  g_assert_true (json_object_has_member (o, "p2sh"));
  g_assert_false (json_object_has_member (o, "segwit"));
  g_autoptr (JsonNode) ums
      = call_ok_json ("decodescript", "[\"5221" PUBKEY "41" UNCOMPRESSED_PUBKEY "52ae\"]");
  o = json_node_get_object (ums);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "multisig");
  g_assert_cmpstr (json_object_get_string_member (o, "asm"), ==,
                   "2 " PUBKEY " " UNCOMPRESSED_PUBKEY " 2 OP_CHECKMULTISIG");
  g_assert_false (json_object_has_member (o, "segwit"));

  /* Witness programs: no nesting. */
  g_autoptr (JsonNode) wpkh = call_ok_json ("decodescript", "[\"0014" PUBKEY_HASH "\"]");
  o = json_node_get_object (wpkh);
  g_assert_cmpstr (json_object_get_string_member (o, "type"), ==, "witness_v0_keyhash");
  g_assert_cmpstr (json_object_get_string_member (o, "asm"), ==, "0 " PUBKEY_HASH);
  g_assert_false (json_object_has_member (o, "segwit"));
  g_assert_true (json_object_has_member (o, "p2sh"));

  /* P2A. */
  g_autofree char *anchor = call_ok ("decodescript", "[\"51024e73\"]");
  g_autofree char *anchor_desc = checksummed ("addr(bcrt1pfeesnyr2tx)");
  g_autofree char *anchor_want
      = g_strdup_printf ("{\"asm\":\"1 29518\",\"desc\":\"%s\",\"address\":\"bcrt1pfeesnyr2tx\","
                         "\"type\":\"anchor\"}",
                         anchor_desc);
  g_assert_cmpstr (anchor, ==, anchor_want);

  /* The empty script is a script; hex must be hex. */
  g_autofree char *empty = call_ok ("decodescript", "[\"\"]");
  g_autofree char *empty_desc = checksummed ("raw()");
  g_assert_true (strstr (empty, "\"type\":\"nonstandard\"") != NULL);
  g_assert_true (strstr (empty, empty_desc) != NULL);
  call_error ("decodescript", "[\"0\"]", -8, "argument must be hexadecimal string (not '0')");
  call_error ("decodescript", "[\"zz\"]", -8, "argument must be hexadecimal string (not 'zz')");
  call_error_contains ("decodescript", "[1]", -3,
                       "JSON value of type number is not of expected type string");
  call_error_contains ("decodescript", "[]", -1, "decodescript");
  /* Malformed pushes decode with [error], never past the end. */
  g_autoptr (JsonNode) bad = call_ok_json ("decodescript", "[\"4dffff01\"]");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (bad), "asm"), ==,
                   "[error]");
  g_assert_false (json_object_has_member (json_node_get_object (bad), "p2sh"));
}

/* ---- decoderawtransaction ------------------------------------------------ */

static const char decode_tx0[]
    = "0100000001696a20784a2c70143f634e95227dbdfdf0ecd51647052e70854512235f5986ca010000008a47304402"
      "207174775824bec6c2700023309a168231ec80b82c6069282f5133e6f11cbb04460220570edc55c7c5da2ca687eb"
      "d0372d3546ebc3f810516a002350cac72dfe192dfb014104d3f898e6487787910a690410b7a917ef198905c27fb9"
      "d3b0a42da12aceae0544fc7088d239d9a48f2828a15a09e84043001f27cc80d162cb95404e1210161536ffffffff"
      "0100e1f505000000001976a914eb6c6e0cdb2d256a32d97b8df1fc75d1920d9bca88ac00000000";
static const char decode_tx1[]
    = "01000000018d1f5635abd06e2c7e2ddf58dc85b3de111e4ad6e0ab51bb0dcf5e84126d927300000000fdfe000048"
      "3045022100ae3b4e589dfc9d48cb82d41008dc5fa6a86f94d5c54f9935531924602730ab8002202f88cf464414c4"
      "ed9fa11b773c5ee944f66e9b05cc1e51d97abc22ce098937ea01483045022100b44883be035600e9328a01b66c7d"
      "8439b74db64187e76b99a68f7893b701d5380220225bf286493e4c4adcf928c40f785422572eb232f84a0b83b0de"
      "a823c3a19c75014c695221020743d44be989540d27b1b4bbbcfd17721c337cb6bc9af20eb8a32520b393532f2102"
      "c0120a1dda9e51a938d39ddd9fe0ebc45ea97e1d27a7cbd671d5431416d3dd87210213820eb3d5f509d7438c9eee"
      "cb4157b2f595105e7cd564b3cdbb9ead3da41eed53aeffffffff02611e0000000000001976a914dc863734a218bf"
      "e83ef770ee9d41a27f824a6e5688acee2a02000000000017a9142a5edea39971049a540474c6a99edf0aa4074c58"
      "8700000000";
static const char decode_tx2[]
    = "01000000015ded05872fdbda629c7d3d02b194763ce3b9b1535ea884e3c8e765d42e316724020000006b48304502"
      "204c10d4064885c42638cbff3585915b322de33762598321145ba033fc796971e2022100bb153ad3baa8b757e30a"
      "2175bd32852d2e1cb9080f84d7e32fcdfd667934ef1b012103163c0ff73511ea1743fb5b98384a2ff09dd0694948"
      "8028fd819f4d83f56264efffffffff0200000000000000000b6a0930060201000201000180380100000000001976"
      "a9141cabd296e753837c086da7a45a6c2fe0d49d7b7b88ac00000000";
static const char decode_tx3[]
    = "01000000018d1f5635abd06e2c7e2ddf58dc85b3de111e4ad6e0ab51bb0dcf5e84126d927300000000fdfe000048"
      "3045022100ae3b4e589dfc9d48cb82d41008dc5fa6a86f94d5c54f9935531924602730ab8002202f88cf464414c4"
      "ed9fa11b773c5ee944f66e9b05cc1e51d97abc22ce098937ea01483045022100b44883be035600e9328a01b66c7d"
      "8439b74db64187e76b99a68f7893b701d5380220225bf286493e4c4adcf928c40f785422572eb232f84a0b83b0de"
      "a823c3a19c75014c695221020743d44be989540d27b1b4bbbcfd17721c337cb6bc9af20eb8a32520b393532f2102"
      "c0120a1dda9e51a938d39ddd9fe0ebc45ea97e1d27a7cbd671d5431416d3dd87210213820eb3d5f509d7438c9eee"
      "cb4157b2f595105e7cd564b3cdbb9ead3da41eed53aeffffffff02611e0000000000001976a91430110207010101"
      "0101010102060101010101010188acee2a02000000000017a9143011020701010101010101020601010101010101"
      "8700000000";
static const char decode_tx0_sig_asm[]
    = "304402207174775824bec6c2700023309a168231ec80b82c6069282f5133e6f11cbb04460220570edc55c7c5da2c"
      "a687ebd0372d3546ebc3f810516a002350cac72dfe192dfb[ALL] "
      "04d3f898e6487787910a690410b7a917ef198905c27fb9d3b0a42da12aceae0544fc7088d239d9a48f2828a15a09"
      "e84043001f27cc80d162cb95404e1210161536";
static const char decode_tx1_sig_asm[]
    = "0 "
      "3045022100ae3b4e589dfc9d48cb82d41008dc5fa6a86f94d5c54f9935531924602730ab8002202f88cf464414c4"
      "ed9fa11b773c5ee944f66e9b05cc1e51d97abc22ce098937ea[ALL] "
      "3045022100b44883be035600e9328a01b66c7d8439b74db64187e76b99a68f7893b701d5380220225bf286493e4c"
      "4adcf928c40f785422572eb232f84a0b83b0dea823c3a19c75[ALL] "
      "5221020743d44be989540d27b1b4bbbcfd17721c337cb6bc9af20eb8a32520b393532f2102c0120a1dda9e51a938"
      "d39ddd9fe0ebc45ea97e1d27a7cbd671d5431416d3dd87210213820eb3d5f509d7438c9eeecb4157b2f595105e7c"
      "d564b3cdbb9ead3da41eed53ae";

static JsonObject *
vin0 (JsonNode *tx)
{
  return json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (tx), "vin"), 0);
}

static JsonObject *
vout_spk (JsonNode *tx, guint i)
{
  return json_object_get_object_member (
      json_array_get_object_element (
          json_object_get_array_member (json_node_get_object (tx), "vout"), i),
      "scriptPubKey");
}

static void
test_decoderawtransaction (void)
{
  g_autofree char *p0 = g_strdup_printf ("[\"%s\"]", decode_tx0);
  g_autoptr (JsonNode) t0 = call_ok_json ("decoderawtransaction", p0);
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (vin0 (t0), "scriptSig"), "asm"),
      ==, decode_tx0_sig_asm);

  g_autofree char *p1 = g_strdup_printf ("[\"%s\"]", decode_tx1);
  g_autoptr (JsonNode) t1 = call_ok_json ("decoderawtransaction", p1);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (t1), "txid"), ==,
                   "8e3730608c3b0bb5df54f09076e196bc292a8e39a78e73b44b6ba08c78f5cbb0");
  g_assert_cmpstr (
      json_object_get_string_member (json_object_get_object_member (vin0 (t1), "scriptSig"), "asm"),
      ==, decode_tx1_sig_asm);
  g_assert_cmpstr (json_object_get_string_member (vout_spk (t1, 0), "asm"), ==,
                   "OP_DUP OP_HASH160 dc863734a218bfe83ef770ee9d41a27f824a6e56 OP_EQUALVERIFY "
                   "OP_CHECKSIG");
  g_assert_cmpstr (json_object_get_string_member (vout_spk (t1, 1), "asm"), ==,
                   "OP_HASH160 2a5edea39971049a540474c6a99edf0aa4074c58 OP_EQUAL");

  g_autofree char *p2 = g_strdup_printf ("[\"%s\"]", decode_tx2);
  g_autoptr (JsonNode) t2 = call_ok_json ("decoderawtransaction", p2);
  g_assert_cmpstr (json_object_get_string_member (vout_spk (t2, 0), "asm"), ==,
                   "OP_RETURN 300602010002010001");

  g_autofree char *p3 = g_strdup_printf ("[\"%s\"]", decode_tx3);
  g_autoptr (JsonNode) t3 = call_ok_json ("decoderawtransaction", p3);
  g_assert_cmpstr (json_object_get_string_member (vout_spk (t3, 0), "asm"), ==,
                   "OP_DUP OP_HASH160 3011020701010101010101020601010101010101 OP_EQUALVERIFY "
                   "OP_CHECKSIG");
  g_assert_cmpstr (json_object_get_string_member (vout_spk (t3, 1), "asm"), ==,
                   "OP_HASH160 3011020701010101010101020601010101010101 OP_EQUAL");

  /* rpc_rawtransaction.py: a witness transaction, read only as one. */
  static const char witness_tx[]
      = "010000000001010000000000000072c1a6a246ae63f74f931e8365e15a089c68d61900000000000000000000"
        "ffffffff0100e1f50500000000000102616100000000";
  g_autofree char *w = call_ok ("decoderawtransaction",
                                "[\""
                                "010000000001010000000000000072c1a6a246ae63f74f931e8365e15a089c68d6"
                                "1900000000000000000000ffffffff0100e1f50500000000000102616100000000"
                                "\", true]");
  g_assert_true (strstr (w, "\"value\":1.00000000,") != NULL);
  g_assert_true (strstr (w, "\"txinwitness\":[\"6161\"]") != NULL);
  g_autofree char *wp = g_strdup_printf ("[\"%s\", false]", witness_tx);
  call_error ("decoderawtransaction", wp, -22, "TX decode failed");
  g_autofree char *legacy = call_ok (
      "decoderawtransaction",
      "[\"01000000010000000000000072c1a6a246ae63f74f931e8365e15a089c68d6190000000000000000000"
      "0ffffffff0100e1f505000000000000000000\", false]");
  /* The whole object, in Core's member order. */
  g_autofree char *raw_desc = checksummed ("raw()");
  g_autofree char *legacy_want = g_strdup_printf (
      "{\"txid\":\"d006b4ece5d4adbd6f46b3a6f65f4a230caf6c44d8510e4340d0f26b7ceeb44a\","
      "\"hash\":\"d006b4ece5d4adbd6f46b3a6f65f4a230caf6c44d8510e4340d0f26b7ceeb44a\","
      "\"version\":1,\"size\":60,\"vsize\":60,\"weight\":240,\"locktime\":0,\"vin\":[{\"txid\":"
      "\"000000000019d6689c085ae165831e934ff763ae46a2a6c17200000000000000\",\"vout\":0,"
      "\"scriptSig\":{\"asm\":\"\",\"hex\":\"\"},\"sequence\":4294967295}],\"vout\":[{\"value\":"
      "1.00000000,\"n\":0,\"scriptPubKey\":{\"asm\":\"\",\"desc\":\"%s\",\"hex\":\"\","
      "\"type\":\"nonstandard\"}}]}",
      raw_desc);
  g_assert_cmpstr (legacy, ==, legacy_want);

  /* The ambiguous coinbase of bitcoin/bitcoin#20579: the witness reading. */
  static const char ambiguous[]
      = "020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff4b"
        "03c68708046ff8415c622f4254432e434f4d2ffabe6d6de1965d02c68f928e5b244ab1965115a36f56eb997633"
        "c7f690124bbf43644e23080000000ca3d3af6d005a65ff0200fd00000000ffffffff03f4c1fb4b000000001600"
        "1497cfc76442fe717f2a3f0cc9c175f7561b6619970000000000000000266a24aa21a9ed957d1036a80343e0d1"
        "b659497e1b48a38ebe876a056d45965fac4a85cda84e1900000000000000002952534b424c4f434b3a8e092581"
        "ab01986cbadc84f4b43f4fa4bb9e7a2e2a0caf9b7cf64d939028e22c012000000000000000000000000000000"
        "0000000000000000000000000000000000000000000";
  g_autofree char *pa = g_strdup_printf ("[\"%s\"]", ambiguous);
  g_autofree char *paw = g_strdup_printf ("[\"%s\", true]", ambiguous);
  g_autofree char *pal = g_strdup_printf ("[\"%s\", false]", ambiguous);
  g_autofree char *amb = call_ok ("decoderawtransaction", pa);
  g_autofree char *amb_w = call_ok ("decoderawtransaction", paw);
  g_assert_cmpstr (amb, ==, amb_w);
  g_assert_true (
      strstr (amb, "\"coinbase\":\"03c68708046ff8415c622f4254432e434f4d2ffabe6d6de1965d02c68f"
                   "928e5b244ab1965115a36f56eb997633c7f690124bbf43644e23080000000ca3d3af6d005a"
                   "65ff0200fd00000000\"")
      != NULL);
  call_error ("decoderawtransaction", pal, -22, "TX decode failed");

  /* Versions are unsigned. */
  static const struct
  {
    const char *hex;
    const char *version;
  } versions[] = {
    { "00000080000000000000", "\"version\":2147483648," },
    { "ffffff7f000000000000", "\"version\":2147483647," },
    { "00000000000000000000", "\"version\":0," },
    { "ffffffff000000000000", "\"version\":4294967295," },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autofree char *p = g_strdup_printf ("[\"%s\"]", versions[i].hex);
      g_autofree char *r = call_ok ("decoderawtransaction", p);
      g_assert_true (strstr (r, versions[i].version) != NULL);
    }

  /* Malformed: not hex, odd, empty, truncated, trailing bytes, wrong types. */
  static const char *const bad[] = {
    "[\"\"]",           "[\"0\"]",          "[\"zz\"]",
    "[\"0100\"]",       "[\"01000000\"]",   "[\"0000000000000000000000\"]",
    "[\"01000000ff\"]", "[\"0100000001\"]",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    call_error ("decoderawtransaction", bad[i], -22, "TX decode failed");
  g_autofree char *trunc = g_strndup (decode_tx1, strlen (decode_tx1) - 2);
  g_autofree char *ptrunc = g_strdup_printf ("[\"%s\"]", trunc);
  call_error ("decoderawtransaction", ptrunc, -22, "TX decode failed");
  for (size_t cut = 2; cut < strlen (decode_tx0); cut += 26)
    {
      g_autofree char *part = g_strndup (decode_tx0, cut);
      g_autofree char *pp = g_strdup_printf ("[\"%s\"]", part);
      g_autofree char *text = call_text ("decoderawtransaction", pp);
      g_assert_true (strstr (text, "\"error\"") != NULL);
    }
  call_error_contains ("decoderawtransaction", "[1]", -3,
                       "JSON value of type number is not of expected type string");
  call_error_contains ("decoderawtransaction", "[\"00\", 1]", -3,
                       "JSON value of type number is not of expected type bool");
}

/* ---- createrawtransaction ------------------------------------------------ */

/* The reply to a whole request body: its HTTP status and text. */
static char *
call_body (const char *body, guint *status)
{
  UmkRpcReply reply;
  umk_rpc_dispatcher_handle (dispatcher, body, strlen (body), "test", NULL, "/", NULL, &reply);
  *status = reply.status;
  char *text = g_strndup (reply.body, reply.len);
  umk_rpc_reply_clear (&reply);
  return text;
}

#define TXID     "1d1d4e24ed99057e84c3f80fd8fbec79ed9e1acee37da269356ecea000000000"
#define ADDRESS  "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB"
#define ADDRESS2 "bcrt1qthga8gzgzxwz0v5zjvzkwfxe2ghjdk2997w9up"

static void
test_createrawtransaction (void)
{
  static const char one[]
      = "\"020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0900000000fd"
        "ffffff010003164e020000001976a91460baa0f494b38ce3c940dea67f3804dc52d1fb9488ac00000000\"";
  g_autofree char *a = call_ok ("createrawtransaction",
                                "[[{\"txid\":\"" TXID "\",\"vout\":9}],{\"" ADDRESS "\":99}]");
  g_assert_cmpstr (a, ==, one);
  g_autofree char *b = call_ok ("createrawtransaction",
                                "[[{\"txid\":\"" TXID "\",\"vout\":9}],[{\"" ADDRESS "\":99}]]");
  g_assert_cmpstr (b, ==, one);
  g_autofree char *c
      = call_ok ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":9}],[{\"" ADDRESS
                                         "\":\"99\"}],null,null,null]");
  g_assert_cmpstr (c, ==, one);
  /* Named arguments. */
  g_autofree char *n
      = call_ok ("createrawtransaction", "{\"outputs\":{\"" ADDRESS
                                         "\":99},\"inputs\":[{\"txid\":\"" TXID "\",\"vout\":9}]}");
  g_assert_cmpstr (n, ==, one);

  g_autofree char *mixed = call_ok ("createrawtransaction",
                                    "[[{\"txid\":\"" TXID "\",\"vout\":9}],[{\"" ADDRESS
                                    "\":99},{\"" ADDRESS2 "\":0.00000001},{\"data\":\"99\"}]]");
  g_assert_cmpstr (
      mixed, ==,
      "\"020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0900000000fdff"
      "ffff030003164e020000001976a91460baa0f494b38ce3c940dea67f3804dc52d1fb9488ac010000000000000016"
      "00145dd1d3a048119c27b28293056724d9522f26d9450000000000000000036a019900000000\"");

  /* Sequence numbers: replaceable, final, and one below final with a lock
   * time; explicit ones kept. */
  g_autofree char *final
      = call_ok ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":0}],{},0,false]");
  g_assert_cmpstr (final, ==,
                   "\"020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d"
                   "0000000000ffffffff0000000000\"");
  g_autofree char *locked
      = call_ok ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":0}],[],1000,false]");
  g_assert_cmpstr (locked, ==,
                   "\"020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d"
                   "0000000000feffffff00e8030000\"");
  g_autofree char *v3 = call_ok ("createrawtransaction", "[[],{},0,false,3]");
  g_assert_cmpstr (v3, ==, "\"03000000000000000000\"");
  for (int i = 0; i < 2; i++)
    {
      static const char *const seqs[] = { "1000", "4294967294" };
      static const char *const hex[] = { "e8030000", "feffffff" };
      g_autofree char *p = g_strdup_printf (
          "[[{\"txid\":\"" TXID "\",\"vout\":1,\"sequence\":%s}],{\"" ADDRESS "\":1}]", seqs[i]);
      g_autofree char *r = call_ok ("createrawtransaction", p);
      g_autofree char *want = g_strdup_printf ("0100000000%s", hex[i]);
      g_assert_true (strstr (r, want) != NULL);
    }

  /* Core's errors, in rpc_rawtransaction.py's order. */
  call_error_contains ("createrawtransaction", "[]", -1, "createrawtransaction");
  call_error_contains ("createrawtransaction", "[[]]", -1, "createrawtransaction");
  call_error_contains ("createrawtransaction", "[[],{},0,false,2,3,\"foo\"]", -1,
                       "createrawtransaction");
  call_error ("createrawtransaction", "[[],{},0,false,0]", -8,
              "Invalid parameter, version out of range(1~3)");
  call_error ("createrawtransaction", "[[],{},0,false,4]", -8,
              "Invalid parameter, version out of range(1~3)");
  call_error ("createrawtransaction", "[[],{},0,false,-1]", -1, "JSON integer out of range");
  call_error_contains ("createrawtransaction", "[\"foo\",{}]", -3,
                       "JSON value of type string is not of expected type array");
  call_error ("createrawtransaction", "[[\"foo\"],{}]", -3,
              "JSON value of type string is not of expected type object");
  call_error ("createrawtransaction", "[[{}],{}]", -3,
              "JSON value of type null is not of expected type string");
  call_error ("createrawtransaction", "[[{\"txid\":\"foo\"}],{}]", -8,
              "txid must be of length 64 (not 3, for 'foo')");
  call_error (
      "createrawtransaction",
      "[[{\"txid\":\"ZZZ7bb8b1697ea987f3b223ba7819250cae33efacb068d23dc24859824a77844\"}],{}]", -8,
      "txid must be hexadecimal string (not "
      "'ZZZ7bb8b1697ea987f3b223ba7819250cae33efacb068d23dc24859824a77844')");
  call_error ("createrawtransaction", "[[{\"txid\":\"" TXID "\"}],{}]", -8,
              "Invalid parameter, missing vout key");
  call_error ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":\"foo\"}],{}]", -8,
              "Invalid parameter, missing vout key");
  call_error ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":-1}],{}]", -8,
              "Invalid parameter, vout cannot be negative");
  call_error ("createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":1.5}],{}]", -1,
              "JSON integer out of range");
  call_error ("createrawtransaction",
              "[[{\"txid\":\"" TXID "\",\"vout\":1,\"sequence\":-1}],{\"" ADDRESS "\":1}]", -8,
              "Invalid parameter, sequence number is out of range");
  call_error ("createrawtransaction",
              "[[{\"txid\":\"" TXID "\",\"vout\":1,\"sequence\":4294967296}],{\"" ADDRESS "\":1}]",
              -8, "Invalid parameter, sequence number is out of range");
  call_error_contains ("createrawtransaction", "[[],\"foo\"]", -3,
                       "JSON value of type string is not of expected type array");
  call_error ("createrawtransaction", "[[],null]", -8,
              "Invalid parameter, output argument must be non-null");
  g_free (call_ok ("createrawtransaction", "[[],{}]"));
  g_free (call_ok ("createrawtransaction", "[[],[]]"));
  call_error ("createrawtransaction", "[[],{\"data\":\"foo\"}]", -8,
              "Data must be hexadecimal string (not 'foo')");
  call_error ("createrawtransaction", "[[],{\"data\":\"\"}]", -8,
              "Data must be hexadecimal string (not '')");
  call_error ("createrawtransaction", "[[],{\"data\":true}]", -8,
              "Data must be hexadecimal string (not '1')");
  call_error ("createrawtransaction", "[[],{\"foo\":0}]", -5, "Invalid Umkoin address: foo");
  call_error ("createrawtransaction", "[[],{\"bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4\":0}]", -5,
              "Invalid Umkoin address: bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  /* The amount is checked before the address. */
  call_error ("createrawtransaction", "[[],{\"foo\":\"bar\"}]", -3, "Invalid amount");
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":\"foo\"}]", -3, "Invalid amount");
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":-1}]", -3, "Amount out of range");
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":null}]", -3,
              "Amount is not a number or string");
  call_error ("createrawtransaction", "[[],[{\"" ADDRESS "\":1},{\"" ADDRESS "\":1}]]", -8,
              "Invalid parameter, duplicated address: " ADDRESS);
  /* The same destination written in capitals is a duplicate too. */
  call_error (
      "createrawtransaction",
      "[[],[{\"" ADDRESS2 "\":1},{\"BCRT1QTHGA8GZGZXWZ0V5ZJVZKWFXE2GHJDK2997W9UP\":1}]]", -8,
      "Invalid parameter, duplicated address: BCRT1QTHGA8GZGZXWZ0V5ZJVZKWFXE2GHJDK2997W9UP");
  call_error ("createrawtransaction", "[[],[{\"data\":\"aa\"},{\"data\":\"bb\"}]]", -8,
              "Invalid parameter, duplicate key: data");
  call_error ("createrawtransaction", "[[],[{\"a\":1,\"b\":2}]]", -8,
              "Invalid parameter, key-value pair must contain exactly one key");
  call_error ("createrawtransaction", "[[],[{}]]", -8,
              "Invalid parameter, key-value pair must contain exactly one key");
  call_error ("createrawtransaction", "[[],[[\"key-value pair1\"],[\"2\"]]]", -8,
              "Invalid parameter, key-value pair not an object as expected");
  call_error ("createrawtransaction",
              "[[{\"txid\":\"" TXID "\",\"vout\":0,\"sequence\":4294967294}],{},0,true]", -8,
              "Invalid parameter combination: Sequence number(s) contradict replaceable option");
  call_error_contains ("createrawtransaction", "[[],{},\"foo\"]", -3,
                       "JSON value of type string is not of expected type number");
  call_error ("createrawtransaction", "[[],{},-1]", -8, "Invalid parameter, locktime out of range");
  call_error ("createrawtransaction", "[[],{},4294967296]", -8,
              "Invalid parameter, locktime out of range");
  call_error_contains ("createrawtransaction", "[[],{},0,\"foo\"]", -3,
                       "JSON value of type string is not of expected type bool");
}

/* ---- signrawtransactionwithkey ------------------------------------------- */

/* rpc_signrawtransactionwithkey.py's inputs and keys. */
#define SIGN_INPUTS                                                                             \
  "[{\"txid\":\"9b907ef1e3c26fc71fe4a4b3580bc75264112f95050014157059c736f0202e71\",\"vout\":0," \
  "\"scriptPubKey\":\"76a91460baa0f494b38ce3c940dea67f3804dc52d1fb9488ac\"},"                   \
  "{\"txid\":\"83a4f6a6b73660e13ee6cb3c6063fa3759c50c9b7521d0536022961898f4fb02\",\"vout\":0,"  \
  "\"scriptPubKey\":\"76a914669b857c03a5ed269d5d85a1ffac9ed5d663072788ac\"}]"
#define SIGN_KEYS                                              \
  "[\"cUeKHd5orzT3mz8P9pxyREHfsWtVfgsfDjiZZBcjUBAaGk1BTj7N\"," \
  "\"cVKpPfVKSJxKqVpE9awvXNWuLHCa5j5tiE7K6zbUSptFpTEtiFrA\"]"

static char *
string_result (const char *method, const char *params)
{
  g_autoptr (JsonNode) n = call_ok_json (method, params);
  return g_strdup (json_node_get_string (n));
}

static UmkTx *
tx_of_hex (const char *hex)
{
  g_autoptr (GByteArray) b = umk_test_hex (hex);
  g_autoptr (GError) error = NULL;
  UmkTx *tx = umk_tx_new_from_data (b->data, b->len, &error);
  g_assert_no_error (error);
  return tx;
}

/* The node's coins, for the lookup hook. */
typedef struct
{
  UmkOutPoint out;
  int64_t value;
  const char *script_hex;
} NodeCoin;

static GArray *node_coins; /* of NodeCoin */
static guint lookups;

static gboolean
lookup (UmkNode *node, const UmkOutPoint *out, int64_t *value, GByteArray *script, gpointer user)
{
  g_assert_true (node == &test_node);
  g_assert_true (user == &lookups);
  lookups++;
  for (guint i = 0; i < node_coins->len; i++)
    {
      const NodeCoin *c = &g_array_index (node_coins, NodeCoin, i);
      if (c->out.n == out->n && umk_uint256_equal (&c->out.hash, &out->hash))
        {
          g_autoptr (GByteArray) s = umk_test_hex (c->script_hex);
          g_byte_array_append (script, s->data, s->len);
          *value = c->value;
          return TRUE;
        }
    }
  return FALSE;
}

/* Objects that name a key twice, which JSON allows: Core's UniValue keeps
 * every member, json-glib only the last value. */
static void
test_duplicate_keys (void)
{
  static const char empty[] = "\"02000000000000000000\"";
  /* The outputs: ParseOutputs meets the key a second time. */
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":1,\"" ADDRESS "\":1}]", -8,
              "Invalid parameter, duplicated address: " ADDRESS);
  call_error ("createrawtransaction", "[[],{\"data\":\"aa\",\"data\":\"bb\"}]", -8,
              "Invalid parameter, duplicate key: data");
  call_error ("createrawtransaction",
              "{\"inputs\":[],\"outputs\":{\"" ADDRESS "\":1,\"" ADDRESS "\":2}}", -8,
              "Invalid parameter, duplicated address: " ADDRESS);
  /* ... in text order: a bad member before the repeat fails first, and
   * operator[] gives the first value (here the one that is fine) */
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":1,\"foo\":0,\"" ADDRESS "\":1}]", -5,
              "Invalid Umkoin address: foo");
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":1,\"" ADDRESS "\":\"bad\"}]", -8,
              "Invalid parameter, duplicated address: " ADDRESS);
  call_error ("createrawtransaction", "[[],{\"" ADDRESS "\":\"bad\",\"" ADDRESS "\":1}]", -3,
              "Invalid amount");
  call_error ("createrawtransaction", "[[],{\"data\":\"zz\",\"data\":\"aa\"}]", -8,
              "Data must be hexadecimal string (not 'zz')");
  call_error ("createrawtransaction", "[[],{\"data\":\"aa\",\"" ADDRESS "\":1,\"data\":\"bb\"}]",
              -8, "Invalid parameter, duplicate key: data");
  /* a key-value pair whose key is given twice has two keys */
  call_error ("createrawtransaction", "[[],[{\"" ADDRESS "\":1,\"" ADDRESS "\":1}]]", -8,
              "Invalid parameter, key-value pair must contain exactly one key");
  /* an input's members are find_value's: the first */
  g_autofree char *in
      = call_ok ("createrawtransaction",
                 "[[{\"txid\":\"" TXID "\",\"vout\":9,\"vout\":\"x\"}],{\"" ADDRESS "\":99}]");
  g_assert_cmpstr (in, ==,
                   "\"020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d09"
                   "00000000fdffffff010003164e020000001976a91460baa0f494b38ce3c940dea67f3804dc52d1"
                   "fb9488ac00000000\"");
  call_error ("createrawtransaction",
              "[[{\"txid\":\"" TXID "\",\"vout\":\"x\",\"vout\":9}],{\"" ADDRESS "\":99}]", -8,
              "Invalid parameter, missing vout key");

  /* Named parameters: transformNamedArguments refuses a repeat, the first
   * one repeated by position, before anything else. */
  call_error ("createrawtransaction", "{\"inputs\":[],\"inputs\":[],\"outputs\":{}}", -8,
              "Parameter inputs specified multiple times");
  call_error ("createrawtransaction", "{\"outputs\":{},\"inputs\":[],\"inputs\":[],\"outputs\":{}}",
              -8, "Parameter inputs specified multiple times");
  call_error ("createrawtransaction", "{\"foo\":1,\"outputs\":{},\"outputs\":[]}", -8,
              "Parameter outputs specified multiple times");
  call_error ("getblockhash", "{\"height\":0,\"height\":1}", -8,
              "Parameter height specified multiple times");
  /* a repeat inside a named argument is the argument's business */
  call_error ("createrawtransaction",
              "{\"inputs\":[],\"outputs\":{\"data\":\"aa\",\"data\":\"bb\"}}", -8,
              "Invalid parameter, duplicate key: data");

  /* The request: find_value takes the first "params", "method", "id" and
   * "jsonrpc". */
  static const struct
  {
    const char *body;
    guint status;
    const char *reply;
  } requests[] = {
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createrawtransaction\",\"params\":[[],{}],"
      "\"params\":\"x\"}",
      200, "{\"jsonrpc\":\"2.0\",\"result\":\"02000000000000000000\",\"id\":1}\n" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createrawtransaction\",\"params\":\"x\","
      "\"params\":[[],{}]}",
      400,
      "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Params must be an array or "
      "object\"},\"id\":1}\n" },
    { "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createrawtransaction\",\"params\":[[],{}],"
      "\"method\":\"nosuchmethod\"}",
      200, "{\"jsonrpc\":\"2.0\",\"result\":\"02000000000000000000\",\"id\":1}\n" },
    { "{\"jsonrpc\":\"2.0\",\"id\":\"first\",\"method\":\"createrawtransaction\",\"params\":[[],"
      "{}],\"id\":2}",
      200, "{\"jsonrpc\":\"2.0\",\"result\":\"02000000000000000000\",\"id\":\"first\"}\n" },
    { "{\"jsonrpc\":\"2.0\",\"jsonrpc\":\"3.0\",\"id\":1,\"method\":\"createrawtransaction\","
      "\"params\":[[],{}]}",
      200, "{\"jsonrpc\":\"2.0\",\"result\":\"02000000000000000000\",\"id\":1}\n" },
    { "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"createrawtransaction\",\"params\":[[],{}],"
      "\"params\":{\"height\":0}}]",
      200, "[{\"jsonrpc\":\"2.0\",\"result\":\"02000000000000000000\",\"id\":1}]\n" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      guint status = 0;
      g_autofree char *text = call_body (requests[i].body, &status);
      g_assert_cmpuint (status, ==, requests[i].status);
      g_assert_cmpstr (text, ==, requests[i].reply);
    }
  g_autofree char *plain = call_ok ("createrawtransaction", "[[],{}]");
  g_assert_cmpstr (plain, ==, empty);
}

static void
test_signrawtransactionwithkey (void)
{
  g_autofree char *raw
      = string_result ("createrawtransaction", "[" SIGN_INPUTS ",{\"" ADDRESS "\":0.1}]");
  g_autofree char *p = g_strdup_printf ("[\"%s\"," SIGN_KEYS "," SIGN_INPUTS "]", raw);
  g_autoptr (JsonNode) signed_ = call_ok_json ("signrawtransactionwithkey", p);
  JsonObject *o = json_node_get_object (signed_);
  g_assert_true (json_object_get_boolean_member (o, "complete"));
  g_assert_false (json_object_has_member (o, "errors"));
  g_autoptr (UmkTx) tx = tx_of_hex (json_object_get_string_member (o, "hex"));
  g_autoptr (GByteArray) spk0 = umk_test_hex ("76a91460baa0f494b38ce3c940dea67f3804dc52d1fb9488ac");
  g_autoptr (GByteArray) spk1 = umk_test_hex ("76a914669b857c03a5ed269d5d85a1ffac9ed5d663072788ac");
  UmkTxOut coins[2] = { { 0, { spk0->data, spk0->len } }, { 0, { spk1->data, spk1->len } } };
  for (uint32_t i = 0; i < 2; i++)
    {
      UmkScriptError err;
      g_assert_true (umk_verify_input (tx, i, &coins[i], UMK_SIGN_STANDARD_FLAGS, NULL, &err));
    }

  /* The result object's layout: hex, complete, errors with each input's
   * state. Without prevtxs and no node coins, nothing is found. */
  g_autofree char *p_none = g_strdup_printf ("[\"%s\"," SIGN_KEYS "]", raw);
  g_autofree char *none = call_ok ("signrawtransactionwithkey", p_none);
  g_autofree char *none_want = g_strdup_printf (
      "{\"hex\":\"%s\",\"complete\":false,\"errors\":[{\"txid\":"
      "\"9b907ef1e3c26fc71fe4a4b3580bc75264112f95050014157059c736f0202e71\",\"vout\":0,"
      "\"witness\":[],\"scriptSig\":\"\",\"sequence\":4294967293,\"error\":\"Input not found or "
      "already spent\"},{\"txid\":"
      "\"83a4f6a6b73660e13ee6cb3c6063fa3759c50c9b7521d0536022961898f4fb02\",\"vout\":0,"
      "\"witness\":[],\"scriptSig\":\"\",\"sequence\":4294967293,\"error\":\"Input not found or "
      "already spent\"}]}",
      raw);
  g_assert_cmpstr (none, ==, none_want);

  /* One key only: the other input names the missing key. */
  g_autofree char *p_one = g_strdup_printf (
      "[\"%s\",[\"cUeKHd5orzT3mz8P9pxyREHfsWtVfgsfDjiZZBcjUBAaGk1BTj7N\"]," SIGN_INPUTS "]", raw);
  g_autoptr (JsonNode) one = call_ok_json ("signrawtransactionwithkey", p_one);
  o = json_node_get_object (one);
  g_assert_false (json_object_get_boolean_member (o, "complete"));
  JsonArray *errs = json_object_get_array_member (o, "errors");
  g_assert_cmpuint (json_array_get_length (errs), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (errs, 0), "error"),
                   ==, "Unable to sign input, invalid stack size (possibly missing key)");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (errs, 0), "vout"), ==,
                   0);

  /* Errors of the call itself. */
  g_autofree char *p_hash = g_strdup_printf ("[\"%s\"," SIGN_KEYS ",null,\"all\"]", raw);
  call_error ("signrawtransactionwithkey", p_hash, -8, "'all' is not a valid sighash parameter.");
  g_autofree char *p_hash2 = g_strdup_printf ("[\"%s\"," SIGN_KEYS ",null,1]", raw);
  call_error_contains ("signrawtransactionwithkey", p_hash2, -3,
                       "JSON value of type number is not of expected type string");
  g_autofree char *p_key = g_strdup_printf ("[\"%s\",[\"123\"]]", raw);
  call_error ("signrawtransactionwithkey", p_key, -5, "Invalid private key");
  /* A main-chain key is not a regtest key. */
  g_autofree char *p_main = g_strdup_printf (
      "[\"%s\",[\"KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn\"]]", raw);
  call_error ("signrawtransactionwithkey", p_main, -5, "Invalid private key");
  g_autofree char *p_num = g_strdup_printf ("[\"%s\",[1]]", raw);
  call_error ("signrawtransactionwithkey", p_num, -3,
              "JSON value of type number is not of expected type string");
  g_autofree char *p_dec = g_strdup_printf ("[\"%s00\"," SIGN_KEYS "]", raw);
  call_error ("signrawtransactionwithkey", p_dec, -22,
              "TX decode failed. Make sure the tx has at least one input.");
  call_error ("signrawtransactionwithkey", "[\"zz\",[]]", -22,
              "TX decode failed. Make sure the tx has at least one input.");
  call_error_contains ("signrawtransactionwithkey", "[\"00\",{}]", -3,
                       "JSON value of type object is not of expected type array");

  /* prevtxs checks, in Core's order. */
  static const struct
  {
    const char *prevtxs;
    int code;
    const char *message;
  } prev_errors[] = {
    { "[1]", -22, "expected object with {\"txid'\",\"vout\",\"scriptPubKey\"}" },
    { "[{}]", -3, "Missing scriptPubKey" },
    { "[{\"scriptPubKey\":\"00\"}]", -3, "Missing txid" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\"}]", -3, "Missing vout" },
    { "[{\"scriptPubKey\":1,\"txid\":\"" TXID "\",\"vout\":0}]", -3,
      "JSON value of type number for field scriptPubKey is not of expected type string" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":\"0\"}]", -3,
      "JSON value of type string for field vout is not of expected type number" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":null}]", -3, "Missing vout" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"abc\",\"vout\":0}]", -8,
      "txid must be of length 64 (not 3, for 'abc')" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":-1}]", -22,
      "vout cannot be negative" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":0.5}]", -1,
      "JSON integer out of range" },
    { "[{\"scriptPubKey\":\"0g\",\"txid\":\"" TXID "\",\"vout\":0}]", -8,
      "scriptPubKey must be hexadecimal string (not '0g')" },
    { "[{\"scriptPubKey\":\"\",\"txid\":\"" TXID "\",\"vout\":0}]", -8,
      "scriptPubKey must be hexadecimal string (not '')" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":0,\"amount\":\"x\"}]", -3,
      "Invalid amount" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":0,\"amount\":null}]", -3,
      "Amount is not a number or string" },
    { "[{\"scriptPubKey\":\"00\",\"txid\":\"" TXID "\",\"vout\":0},"
      "{\"scriptPubKey\":\"51\",\"txid\":\"" TXID "\",\"vout\":0}]",
      -22, "Previous output scriptPubKey mismatch:\n0\nvs:\n1" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID "\",\"vout\":0}]", -8,
      "Missing redeemScript/witnessScript" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID
      "\",\"vout\":0,\"redeemScript\":5}]",
      -3, "JSON value of type number for field redeemScript is not of expected type string" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID
      "\",\"vout\":0,\"witnessScript\":[]}]",
      -3, "JSON value of type array for field witnessScript is not of expected type string" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID
      "\",\"vout\":0,\"redeemScript\":\"51\"}]",
      -8, "redeemScript/witnessScript does not match scriptPubKey" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID
      "\",\"vout\":0,\"redeemScript\":\"5\"}]",
      -8, "redeemScript must be hexadecimal string (not '5')" },
    { "[{\"scriptPubKey\":\"0020" PUBKEY_HASH "000000000000000000000000\",\"txid\":\"" TXID
      "\",\"vout\":0,\"witnessScript\":\"51\"}]",
      -8, "redeemScript/witnessScript does not match scriptPubKey" },
    { "[{\"scriptPubKey\":\"a914" PUBKEY_HASH "87\",\"txid\":\"" TXID
      "\",\"vout\":0,\"witnessScript\":\"51\",\"redeemScript\":\"52\"}]",
      -8, "redeemScript does not correspond to witnessScript" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (prev_errors); i++)
    {
      g_autofree char *pp
          = g_strdup_printf ("[\"%s\"," SIGN_KEYS ",%s]", raw, prev_errors[i].prevtxs);
      call_error ("signrawtransactionwithkey", pp, prev_errors[i].code, prev_errors[i].message);
    }
}

/* A P2SH-P2WSH 1-of-1 multisig, a P2SH-P2WSH P2PKH and P2PK, as Core's
 * witness_script_test; then the amount rule. */
static void
test_sign_witness_scripts (void)
{
  /* regtest WIF of the secret 0x01…01 (compressed) and its public key */
  static const char wif[] = "cMceqPhHedrhbcR9eXgzmfWy7kRqLyAxMYwFT6ABDWsiwUp9Nsq9";
  uint8_t secret[32];
  memset (secret, 1, 32);
  uint8_t pub[65];
  size_t pub_len;
  g_assert_true (umk_seckey_get_pubkey (secret, true, pub, &pub_len));
  g_autofree char *pub_hex = umk_hex_encode (pub, pub_len);

  g_autofree char *ms_hex = g_strdup_printf ("5121%s51ae", pub_hex);
  g_autoptr (GByteArray) ms = umk_test_hex (ms_hex);
  uint8_t wsh[34] = { 0, 32 };
  umk_sha256 (ms->data, ms->len, wsh + 2);
  g_autofree char *wsh_hex = umk_hex_encode (wsh, sizeof wsh);
  uint8_t sh[23] = { UMK_OP_HASH160, 20 };
  umk_hash160 (wsh, sizeof wsh, sh + 2);
  sh[22] = UMK_OP_EQUAL;
  g_autofree char *sh_hex = umk_hex_encode (sh, sizeof sh);

  g_autofree char *prev = g_strdup_printf (
      "[{\"txid\":\"" TXID "\",\"vout\":3,\"scriptPubKey\":\"%s\",\"witnessScript\":\"%s\","
      "\"redeemScript\":\"%s\",\"amount\":49.999}]",
      sh_hex, ms_hex, wsh_hex);
  g_autofree char *raw = string_result (
      "createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":3}],{\"" ADDRESS2 "\":49.998}]");
  g_autofree char *p = g_strdup_printf ("[\"%s\",[\"%s\"],%s]", raw, wif, prev);
  g_autoptr (JsonNode) r = call_ok_json ("signrawtransactionwithkey", p);
  JsonObject *o = json_node_get_object (r);
  g_assert_true (json_object_get_boolean_member (o, "complete"));
  g_autoptr (UmkTx) tx = tx_of_hex (json_object_get_string_member (o, "hex"));
  UmkTxOut coin = { 4999900000, { sh, sizeof sh } };
  UmkTxSigData sd;
  umk_tx_sigdata_init (&sd, tx, &coin, true);
  UmkScriptError err;
  g_assert_true (umk_verify_input (tx, 0, &coin, UMK_SIGN_STANDARD_FLAGS, &sd, &err));
  g_assert_cmpuint (tx->in[0].n_witness, ==, 3);

  /* The same with the witness script given as redeemScript alone. */
  g_autofree char *prev2 = g_strdup_printf (
      "[{\"txid\":\"" TXID "\",\"vout\":3,\"scriptPubKey\":\"%s\",\"redeemScript\":\"%s\","
      "\"amount\":\"49.999\"}]",
      sh_hex, ms_hex);
  g_autofree char *p2 = g_strdup_printf ("[\"%s\",[\"%s\"],%s]", raw, wif, prev2);
  g_autoptr (JsonNode) r2 = call_ok_json ("signrawtransactionwithkey", p2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (r2), "hex"), ==,
                   json_object_get_string_member (o, "hex"));

  /* P2PKH and P2PK as witness scripts, in P2SH-P2WSH. */
  static const char *const kinds[] = { "pkh", "pk" };
  for (int k = 0; k < 2; k++)
    {
      g_autoptr (GByteArray) ws = g_byte_array_new ();
      if (k == 0)
        {
          uint8_t h[20];
          umk_hash160 (pub, pub_len, h);
          uint8_t pre[] = { UMK_OP_DUP, UMK_OP_HASH160, 20 };
          uint8_t post[] = { UMK_OP_EQUALVERIFY, UMK_OP_CHECKSIG };
          g_byte_array_append (ws, pre, 3);
          g_byte_array_append (ws, h, 20);
          g_byte_array_append (ws, post, 2);
        }
      else
        {
          uint8_t len = 33;
          g_byte_array_append (ws, &len, 1);
          g_byte_array_append (ws, pub, 33);
          uint8_t cs = UMK_OP_CHECKSIG;
          g_byte_array_append (ws, &cs, 1);
        }
      g_autofree char *ws_hex = umk_hex_encode (ws->data, ws->len);
      uint8_t w2[34] = { 0, 32 };
      umk_sha256 (ws->data, ws->len, w2 + 2);
      g_autofree char *w2_hex = umk_hex_encode (w2, 34);
      uint8_t s2[23] = { UMK_OP_HASH160, 20 };
      umk_hash160 (w2, 34, s2 + 2);
      s2[22] = UMK_OP_EQUAL;
      g_autofree char *s2_hex = umk_hex_encode (s2, 23);
      g_autofree char *pk = g_strdup_printf (
          "[\"%s\",[\"%s\"],[{\"txid\":\"" TXID "\",\"vout\":3,\"scriptPubKey\":\"%s\","
          "\"redeemScript\":\"%s\",\"witnessScript\":\"%s\",\"amount\":10}]]",
          raw, wif, s2_hex, w2_hex, ws_hex);
      g_test_message ("witness script %s", kinds[k]);
      g_autoptr (JsonNode) rk = call_ok_json ("signrawtransactionwithkey", pk);
      g_assert_true (json_object_get_boolean_member (json_node_get_object (rk), "complete"));
    }

  /* A segwit input without an amount fails the whole call. */
  g_autofree char *prev3 = g_strdup_printf (
      "[{\"txid\":\"" TXID "\",\"vout\":3,\"scriptPubKey\":\"%s\",\"witnessScript\":\"%s\"}]",
      wsh_hex, ms_hex);
  g_autofree char *p3 = g_strdup_printf ("[\"%s\",[\"%s\"],%s]", raw, wif, prev3);
  g_autofree char *want = g_strdup_printf (
      "Missing amount for CTxOut(nValue=21000000.00000000, scriptPubKey=%.30s)", wsh_hex);
  call_error ("signrawtransactionwithkey", p3, -3, want);

  /* Taproot: a key whose x coordinate is the output key signs with DEFAULT
   * (64 bytes) or a given hash type (65). */
  uint8_t x[32];
  memcpy (x, pub + 1, 32);
  g_autofree char *x_hex = umk_hex_encode (x, 32);
  for (int with_type = 0; with_type < 2; with_type++)
    {
      g_autofree char *pt = g_strdup_printf (
          "[\"%s\",[\"%s\"],[{\"txid\":\"" TXID "\",\"vout\":3,\"scriptPubKey\":\"5120%s\","
          "\"amount\":1}]%s]",
          raw, wif, x_hex, with_type ? ",\"ALL|ANYONECANPAY\"" : "");
      g_autoptr (JsonNode) rt = call_ok_json ("signrawtransactionwithkey", pt);
      JsonObject *ot = json_node_get_object (rt);
      g_assert_true (json_object_get_boolean_member (ot, "complete"));
      g_autoptr (UmkTx) ttx = tx_of_hex (json_object_get_string_member (ot, "hex"));
      g_assert_cmpuint (ttx->in[0].n_witness, ==, 1);
      g_assert_cmpuint (ttx->in[0].witness[0].len, ==, with_type ? 65 : 64);
    }
}

/* Coins from the node, through the lookup hook: pay-to-anchor needs no key,
 * and prevtxs may not contradict the node. */
static void
test_coin_lookup (void)
{
  node_coins = g_array_new (FALSE, FALSE, sizeof (NodeCoin));
  NodeCoin anchor = { .value = 4999900000, .script_hex = "51024e73" };
  g_assert_true (umk_uint256_from_hex (&anchor.out.hash, TXID));
  anchor.out.n = 7;
  g_array_append_val (node_coins, anchor);
  umk_rpc_rawtx_set_coin_lookup (lookup, &lookups);

  g_autofree char *raw = string_result (
      "createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":7}],[{\"" ADDRESS2 "\":49.998}]]");
  g_autofree char *p = g_strdup_printf ("[\"%s\",[],[]]", raw);
  lookups = 0;
  g_autofree char *r = call_ok ("signrawtransactionwithkey", p);
  g_autofree char *want = g_strdup_printf ("{\"hex\":\"%s\",\"complete\":true}", raw);
  g_assert_cmpstr (r, ==, want);
  g_assert_cmpuint (lookups, ==, 1);

  g_autofree char *pm = g_strdup_printf (
      "[\"%s\",[],[{\"txid\":\"" TXID "\",\"vout\":7,\"scriptPubKey\":\"51\"}]]", raw);
  call_error ("signrawtransactionwithkey", pm, -22,
              "Previous output scriptPubKey mismatch:\n1 29518\nvs:\n1");

  umk_rpc_rawtx_set_coin_lookup (NULL, NULL);
  g_autoptr (JsonNode) gone = call_ok_json ("signrawtransactionwithkey", p);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (gone), "complete"));
  g_clear_pointer (&node_coins, g_array_unref);
}

/* combinerawtransaction: two parties sign a 2-of-2 P2SH multisig apart. */
static void
test_combinerawtransaction (void)
{
  static const char wif1[] = "cMceqPhHedrhbcR9eXgzmfWy7kRqLyAxMYwFT6ABDWsiwUp9Nsq9";
  static const char wif2[] = "cMec2DGaTXkYJYfi7x3ZGjRXkeqmAvYAoWzMAcWj5fdLaqudWsNi";
  uint8_t s1[32], s2[32], p1[65], p2[65];
  size_t l1, l2;
  memset (s1, 1, 32);
  memset (s2, 2, 32);
  g_assert_true (umk_seckey_get_pubkey (s1, true, p1, &l1));
  g_assert_true (umk_seckey_get_pubkey (s2, true, p2, &l2));
  g_autofree char *h1 = umk_hex_encode (p1, l1);
  g_autofree char *h2 = umk_hex_encode (p2, l2);
  g_autofree char *ms_hex = g_strdup_printf ("5221%s21%s52ae", h1, h2);
  g_autoptr (GByteArray) ms = umk_test_hex (ms_hex);
  uint8_t sh[23] = { UMK_OP_HASH160, 20 };
  umk_hash160 (ms->data, ms->len, sh + 2);
  sh[22] = UMK_OP_EQUAL;
  g_autofree char *sh_hex = umk_hex_encode (sh, sizeof sh);

  g_autofree char *raw = string_result (
      "createrawtransaction", "[[{\"txid\":\"" TXID "\",\"vout\":2}],{\"" ADDRESS "\":1}]");
  g_autofree char *prev = g_strdup_printf ("[{\"txid\":\"" TXID "\",\"vout\":2,\"scriptPubKey\":"
                                           "\"%s\",\"redeemScript\":\"%s\"}]",
                                           sh_hex, ms_hex);
  const char *wifs[2] = { wif1, wif2 };
  char *halves[2];
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *p = g_strdup_printf ("[\"%s\",[\"%s\"],%s]", raw, wifs[i], prev);
      g_autoptr (JsonNode) r = call_ok_json ("signrawtransactionwithkey", p);
      JsonObject *o = json_node_get_object (r);
      g_assert_false (json_object_get_boolean_member (o, "complete"));
      halves[i] = g_strdup (json_object_get_string_member (o, "hex"));
    }

  /* The coin must come from the node. */
  g_autofree char *pc = g_strdup_printf ("[[\"%s\",\"%s\"]]", halves[1], halves[0]);
  call_error ("combinerawtransaction", pc, -25, "Input not found or already spent");

  node_coins = g_array_new (FALSE, FALSE, sizeof (NodeCoin));
  NodeCoin coin = { .value = 300000000, .script_hex = sh_hex };
  g_assert_true (umk_uint256_from_hex (&coin.out.hash, TXID));
  coin.out.n = 2;
  g_array_append_val (node_coins, coin);
  umk_rpc_rawtx_set_coin_lookup (lookup, &lookups);
  g_autoptr (JsonNode) merged = call_ok_json ("combinerawtransaction", pc);
  g_autoptr (UmkTx) tx = tx_of_hex (json_node_get_string (merged));
  UmkTxOut out = { 300000000, { sh, sizeof sh } };
  UmkScriptError err;
  g_assert_true (umk_verify_input (tx, 0, &out, UMK_SIGN_STANDARD_FLAGS, NULL, &err));
  /* The same as signing with both keys at once. */
  g_autofree char *pboth = g_strdup_printf ("[\"%s\",[\"%s\",\"%s\"],%s]", raw, wif2, wif1, prev);
  g_autoptr (JsonNode) both = call_ok_json ("signrawtransactionwithkey", pboth);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (both), "hex"), ==,
                   json_node_get_string (merged));
  /* One version alone stays incomplete; the unsigned one adds nothing. */
  g_autofree char *pone = g_strdup_printf ("[[\"%s\",\"%s\"]]", raw, halves[0]);
  g_autoptr (JsonNode) one = call_ok_json ("combinerawtransaction", pone);
  g_autoptr (UmkTx) one_tx = tx_of_hex (json_node_get_string (one));
  g_assert_false (umk_verify_input (one_tx, 0, &out, UMK_SIGN_STANDARD_FLAGS, NULL, &err));

  umk_rpc_rawtx_set_coin_lookup (NULL, NULL);
  g_clear_pointer (&node_coins, g_array_unref);
  g_free (halves[0]);
  g_free (halves[1]);

  call_error ("combinerawtransaction", "[[]]", -22, "Missing transactions");
  call_error ("combinerawtransaction", "[[\"zz\"]]", -22,
              "TX decode failed for tx 0. Make sure the tx has at least one input.");
  g_autofree char *pbad = g_strdup_printf ("[[\"%s\",\"00\"]]", raw);
  call_error ("combinerawtransaction", pbad, -22,
              "TX decode failed for tx 1. Make sure the tx has at least one input.");
  call_error ("combinerawtransaction", "[[1]]", -3,
              "JSON value of type number is not of expected type string");
  call_error_contains ("combinerawtransaction", "[\"00\"]", -3,
                       "JSON value of type string is not of expected type array");
}

/* Random and damaged input: answers or errors, never a crash (run under
 * the sanitizers in CI). */
static void
test_robustness (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20250101);
  for (int i = 0; i < 300; i++)
    {
      gsize len = (gsize) g_rand_int_range (rand, 0, 80);
      g_autofree uint8_t *bytes = umk_test_random_bytes (rand, len);
      /* Bias towards script-like bytes: pushes, small numbers, CHECKSIG… */
      for (gsize k = 0; k < len; k++)
        if (g_rand_boolean (rand))
          {
            static const uint8_t ops[] = { 0x00, 0x01, 0x14, 0x20, 0x21, 0x4c, 0x4d, 0x51,
                                           0x52, 0x63, 0x68, 0x6a, 0xa9, 0xac, 0xae, 0xba };
            bytes[k] = ops[g_rand_int_range (rand, 0, G_N_ELEMENTS (ops))];
          }
      g_autofree char *hex = umk_hex_encode (bytes, len);
      g_autofree char *p = g_strdup_printf ("[\"%s\"]", hex);
      g_autofree char *r = call_text ("decodescript", p);
      g_autofree char *r2 = call_text ("decoderawtransaction", p);
      g_assert_true (len == 0 || strstr (r, "\"result\"") != NULL);

      /* The same bytes as a spent output to sign for. */
      g_autofree char *ps = g_strdup_printf (
          "[\"%s\",[\"cMceqPhHedrhbcR9eXgzmfWy7kRqLyAxMYwFT6ABDWsiwUp9Nsq9\"],[{\"txid\":"
          "\"" TXID "\",\"vout\":0,\"scriptPubKey\":\"%s\",\"redeemScript\":\"%s\","
          "\"witnessScript\":\"%s\",\"amount\":1}]]",
          "020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000ffff"
          "ff"
          "ff0100e1f50500000000015100000000",
          len ? hex : "00", len ? hex : "00", len ? hex : "00");
      g_autofree char *rs = call_text ("signrawtransactionwithkey", ps);
      g_assert_true (strstr (rs, "\"result\"") != NULL || strstr (rs, "\"error\"") != NULL);
    }

  /* Damaged copies of a signed transaction. */
  g_autofree char *raw
      = string_result ("createrawtransaction", "[" SIGN_INPUTS ",{\"" ADDRESS "\":0.1}]");
  g_autofree char *p = g_strdup_printf ("[\"%s\"," SIGN_KEYS "," SIGN_INPUTS "]", raw);
  g_autoptr (JsonNode) signed_ = call_ok_json ("signrawtransactionwithkey", p);
  const char *good = json_object_get_string_member (json_node_get_object (signed_), "hex");
  g_autoptr (GByteArray) tx = umk_test_hex (good);
  for (int i = 0; i < 300; i++)
    {
      g_autoptr (GByteArray) bad = g_byte_array_new ();
      g_byte_array_append (bad, tx->data, tx->len);
      int n = g_rand_int_range (rand, 1, 4);
      for (int k = 0; k < n; k++)
        bad->data[g_rand_int_range (rand, 0, (gint32) bad->len)] = (uint8_t) g_rand_int (rand);
      if (g_rand_boolean (rand))
        g_byte_array_set_size (bad, (guint) g_rand_int_range (rand, 0, (gint32) bad->len));
      g_autofree char *hex = umk_hex_encode (bad->data, bad->len);
      g_autofree char *pd = g_strdup_printf ("[\"%s\"]", hex);
      g_autofree char *rd = call_text ("decoderawtransaction", pd);
      g_autofree char *ps
          = g_strdup_printf ("[\"%s\"," SIGN_KEYS "," SIGN_INPUTS ",\"SINGLE\"]", hex);
      g_autofree char *rs = call_text ("signrawtransactionwithkey", ps);
      g_autofree char *pc = g_strdup_printf ("[[\"%s\",\"%s\"]]", hex, good);
      g_autofree char *rc = call_text ("combinerawtransaction", pc);
      g_assert_true (strstr (rs, "\"result\"") != NULL || strstr (rs, "\"error\"") != NULL);
    }
}

static void
test_help (void)
{
  static const char *const methods[]
      = { "combinerawtransaction", "createrawtransaction", "decoderawtransaction", "decodescript",
          "signrawtransactionwithkey" };
  for (size_t i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autofree char *help = umk_rpc_dispatcher_method_help (dispatcher, methods[i]);
      g_assert_nonnull (help);
      g_assert_true (g_str_has_prefix (help, methods[i]));
    }
  g_autofree char *all = umk_rpc_dispatcher_help (dispatcher, NULL);
  g_assert_true (strstr (all, "== Rawtransactions ==") != NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkChainParams) params = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  test_node.chain = UMK_CHAIN_REGTEST;
  test_node.params = params;
  dispatcher = umk_rpc_dispatcher_new (&test_node);

  g_test_add_func ("/rpc-rawtx/amounts", test_amounts);
  g_test_add_func ("/rpc-rawtx/decodescript/data", test_decodescript_data);
  g_test_add_func ("/rpc-rawtx/decodescript/types", test_decodescript_types);
  g_test_add_func ("/rpc-rawtx/decoderawtransaction", test_decoderawtransaction);
  g_test_add_func ("/rpc-rawtx/createrawtransaction", test_createrawtransaction);
  g_test_add_func ("/rpc-rawtx/duplicate-keys", test_duplicate_keys);
  g_test_add_func ("/rpc-rawtx/signrawtransactionwithkey", test_signrawtransactionwithkey);
  g_test_add_func ("/rpc-rawtx/sign-witness-scripts", test_sign_witness_scripts);
  g_test_add_func ("/rpc-rawtx/coin-lookup", test_coin_lookup);
  g_test_add_func ("/rpc-rawtx/combinerawtransaction", test_combinerawtransaction);
  g_test_add_func ("/rpc-rawtx/robustness", test_robustness);
  g_test_add_func ("/rpc-rawtx/help", test_help);
  int ret = g_test_run ();
  umk_rpc_dispatcher_free (dispatcher);
  return ret;
}
