/* Tests for the P2P wire protocol: framing, header checks, and every payload's
 * round trip, truncation and limits. */
#include "config.h"

#include "common/chainparams.h"
#include "common/hex.h"
#include "common/protocol.h"
#include "test-util.h"

#include <string.h>

/* A version message sent by Bitcoin Core 0.9.3 (protocol 70002), from the
 * Bitcoin Developer Reference's P2P network section (see tests/data/README.md). */
static const char version_hex[] = "72110100"                         /* version 70002 */
                                  "0100000000000000"                 /* NODE_NETWORK */
                                  "bc8f5e5400000000"                 /* time 1415483324 */
                                  "0100000000000000"                 /* addr_recv services */
                                  "00000000000000000000ffffc61b6409" /* 198.27.100.9 */
                                  "208d"                             /* port 8333 */
                                  "0100000000000000"                 /* addr_from services */
                                  "00000000000000000000ffffcb0071c0" /* 203.0.113.192 */
                                  "208d"
                                  "128035cbc97953f8"                 /* nonce */
                                  "0f2f5361746f7368693a302e392e332f" /* "/Satoshi:0.9.3/" */
                                  "cf050500"                         /* start height 329167 */
                                  "01";                              /* relay */

static const uint8_t main_magic[4] = { 0xf9, 0xbe, 0xb4, 0xd9 };
static const uint8_t regtest_magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };

static char *
hex_of (const GByteArray *b)
{
  return umk_hex_encode (b->data, b->len);
}

static void
fill_hash (UmkUint256 *h, uint8_t seed)
{
  for (int i = 0; i < 32; i++)
    h->b[i] = (uint8_t) (seed + i);
}

static void
test_msg_types (void)
{
  size_t n = 0;
  for (const char *const *t = umk_all_msg_types; *t != NULL; t++, n++)
    {
      g_assert_true (umk_msg_type_is_known (*t));
      g_assert_cmpuint (strlen (*t), <=, UMK_MSG_COMMAND_SIZE);
    }
  g_assert_cmpuint (n, ==, 35);
  g_assert_cmpstr (umk_all_msg_types[0], ==, "version");
  g_assert_cmpstr (umk_all_msg_types[34], ==, "sendtxrcncl");
  g_assert_false (umk_msg_type_is_known ("alert"));
  g_assert_false (umk_msg_type_is_known ("reject"));
  g_assert_false (umk_msg_type_is_known ("Version"));
  g_assert_false (umk_msg_type_is_known (""));
  g_assert_false (umk_msg_type_is_known (NULL));
}

static void
check_names (uint64_t services, const char *expected)
{
  g_autoptr (GPtrArray) names = umk_services_names (services);
  g_ptr_array_add (names, NULL);
  g_autofree char *joined = g_strjoinv (",", (char **) names->pdata);
  g_assert_cmpstr (joined, ==, expected);
}

static void
test_services_names (void)
{
  check_names (0, "");
  check_names (UMK_NODE_NETWORK | UMK_NODE_WITNESS | UMK_NODE_NETWORK_LIMITED,
               "NETWORK,WITNESS,NETWORK_LIMITED");
  check_names (0xc4d, "NETWORK,BLOOM,WITNESS,COMPACT_FILTERS,NETWORK_LIMITED,P2P_V2");
  /* unknown bits are named by their power of two, as Core does */
  check_names (UMK_NODE_WITNESS | (UINT64_C (1) << 24) | (UINT64_C (1) << 63),
               "WITNESS,UNKNOWN[2^24],UNKNOWN[2^63]");
  check_names (2, "UNKNOWN[2^1]");
}

static void
test_inv_type_name (void)
{
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_TX), ==, "tx");
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_WTX), ==, "wtx");
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_WITNESS_BLOCK), ==, "witness-block");
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_WITNESS_TX), ==, "witness-tx");
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_FILTERED_BLOCK), ==, "merkleblock");
  g_assert_cmpstr (umk_inv_type_name (UMK_INV_CMPCT_BLOCK), ==, "cmpctblock");
  g_assert_null (umk_inv_type_name (0));
  g_assert_null (umk_inv_type_name (6));
}

/* ---- framing */

static void
test_frame_verack (void)
{
  /* An empty payload's checksum is the first bytes of SHA256d(""): 5df6e0e2. */
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_msg_frame (w, main_magic, UMK_MSG_VERACK, NULL, 0);
  g_autofree char *hex = hex_of (w);
  g_assert_cmpstr (hex, ==, "f9beb4d976657261636b000000000000000000005df6e0e2");

  UmkMsgHeader h;
  g_assert_cmpint (umk_msg_header_parse (w->data, main_magic, &h), ==, UMK_MSG_HEADER_OK);
  g_assert_cmpstr (h.command, ==, "verack");
  g_assert_cmpuint (h.length, ==, 0);
  g_assert_true (umk_msg_checksum_ok (&h, NULL, 0));
  g_assert_cmpint (umk_msg_header_parse (w->data, regtest_magic, &h), ==, UMK_MSG_HEADER_BAD_MAGIC);
}

static void
test_frame_round_trip (void)
{
  g_autoptr (GByteArray) payload = umk_test_hex (version_hex);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_msg_frame (w, regtest_magic, UMK_MSG_VERSION, payload->data, payload->len);
  g_assert_cmpuint (w->len, ==, UMK_MSG_HEADER_SIZE + payload->len);

  UmkMsgHeader h;
  g_assert_cmpint (umk_msg_header_parse (w->data, regtest_magic, &h), ==, UMK_MSG_HEADER_OK);
  g_assert_cmpstr (h.command, ==, "version");
  g_assert_cmpuint (h.length, ==, payload->len);
  g_assert_true (umk_msg_checksum_ok (&h, w->data + UMK_MSG_HEADER_SIZE, h.length));
  /* One changed payload bit breaks the checksum. */
  w->data[UMK_MSG_HEADER_SIZE + 5] ^= 1;
  g_assert_false (umk_msg_checksum_ok (&h, w->data + UMK_MSG_HEADER_SIZE, h.length));
  /* So does a short payload. */
  g_assert_false (umk_msg_checksum_ok (&h, payload->data, payload->len - 1));

  /* A command of exactly 12 characters has no NUL on the wire. */
  g_byte_array_set_size (w, 0);
  umk_msg_frame (w, main_magic, UMK_MSG_GETCFCHECKPT, NULL, 0);
  g_assert_cmpint (umk_msg_header_parse (w->data, main_magic, &h), ==, UMK_MSG_HEADER_OK);
  g_assert_cmpstr (h.command, ==, "getcfcheckpt");
}

static void
test_header_checks (void)
{
  uint8_t buf[UMK_MSG_HEADER_SIZE];
  UmkMsgHeader h;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_msg_frame (w, main_magic, UMK_MSG_PING, NULL, 0);

  /* size: the limit itself is fine, one more is not */
  memcpy (buf, w->data, sizeof buf);
  umk_store_u32le (buf + 16, UMK_MAX_PROTOCOL_MESSAGE_LENGTH);
  g_assert_cmpint (umk_msg_header_parse (buf, main_magic, &h), ==, UMK_MSG_HEADER_OK);
  umk_store_u32le (buf + 16, UMK_MAX_PROTOCOL_MESSAGE_LENGTH + 1);
  g_assert_cmpint (umk_msg_header_parse (buf, main_magic, &h), ==, UMK_MSG_HEADER_OVERSIZED);
  g_assert_cmpuint (h.length, ==, UMK_MAX_PROTOCOL_MESSAGE_LENGTH + 1);
  umk_store_u32le (buf + 16, UINT32_MAX);
  g_assert_cmpint (umk_msg_header_parse (buf, main_magic, &h), ==, UMK_MSG_HEADER_OVERSIZED);
  /* magic is checked first */
  buf[0] = 0;
  g_assert_cmpint (umk_msg_header_parse (buf, main_magic, &h), ==, UMK_MSG_HEADER_BAD_MAGIC);

  /* commands: text after a NUL, control characters, DEL, high bytes */
  static const struct
  {
    const char cmd[12];
    bool ok;
  } cases[] = {
    { "ping", true },         { "", true }, /* all NULs: valid to Core, just unknown */
    { "ver\0ack", false },    { "ping\0\0\0\0\0\0\0x", false },
    { "pi\nng", false },      { "ping\x7f", false },
    { "p\x80ng", false },     { " ~ ~", true },
    { "abcdefghijkl", true },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      memcpy (buf, w->data, sizeof buf);
      memcpy (buf + 4, cases[i].cmd, 12);
      UmkMsgHeaderStatus s = umk_msg_header_parse (buf, main_magic, &h);
      g_assert_cmpint (s, ==, cases[i].ok ? UMK_MSG_HEADER_OK : UMK_MSG_HEADER_BAD_COMMAND);
      g_assert_cmpuint (strlen (h.command), <=, 12);
    }
}

/* ---- version */

static void
test_version_real (void)
{
  g_autoptr (GByteArray) b = umk_test_hex (version_hex);
  g_autoptr (GError) error = NULL;
  UmkVersionMsg m;
  g_assert_true (umk_version_msg_read (b->data, b->len, &m, &error));
  g_assert_no_error (error);
  g_assert_cmpint (m.version, ==, 70002);
  g_assert_cmpuint (m.services, ==, UMK_NODE_NETWORK);
  g_assert_cmpint (m.time, ==, 1415483324);
  g_assert_cmpuint (m.addr_recv.services, ==, 1);
  static const uint8_t ip_recv[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 27, 100, 9 };
  g_assert_cmpmem (m.addr_recv.ip, 16, ip_recv, 16);
  g_assert_cmpuint (m.addr_recv.port, ==, 8333);
  static const uint8_t ip_from[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 192 };
  g_assert_cmpmem (m.addr_from.ip, 16, ip_from, 16);
  g_assert_cmpuint (m.addr_from.port, ==, 8333);
  g_assert_cmpuint (m.nonce, ==, UINT64_C (0xf85379c9cb358012));
  g_assert_cmpstr (m.user_agent, ==, "/Satoshi:0.9.3/");
  g_assert_cmpint (m.start_height, ==, 329167);
  g_assert_true (m.relay);

  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_version_msg_write (w, &m);
  g_autofree char *hex = hex_of (w);
  g_assert_cmpstr (hex, ==, version_hex);
  umk_version_msg_clear (&m);
  g_assert_null (m.user_agent);
  umk_version_msg_clear (&m);

  /* Trailing bytes (fields of a later version) are ignored, as Core does. */
  g_byte_array_append (b, (const guint8 *) "\x01\x02\x03", 3);
  g_assert_true (umk_version_msg_read (b->data, b->len, &m, &error));
  g_assert_cmpstr (m.user_agent, ==, "/Satoshi:0.9.3/");
  umk_version_msg_clear (&m);
}

/* Every prefix of the message: the optional fields may stop only at a field
 * boundary (46: after addr_recv; 80: after the nonce; 96: after the user agent;
 * 100: after the start height). */
static void
test_version_truncated (void)
{
  g_autoptr (GByteArray) b = umk_test_hex (version_hex);
  for (size_t len = 0; len <= b->len; len++)
    {
      g_autoptr (GError) error = NULL;
      /* a copy of exactly len bytes, so that a read past it is caught by ASan */
      g_autofree uint8_t *p = g_memdup2 (b->data, len);
      UmkVersionMsg m = { 0 };
      bool ok = umk_version_msg_read (p, len, &m, &error);
      bool expect = len == 46 || len == 80 || len == 96 || len == 100 || len == 101;
      if (ok != expect)
        g_error ("length %zu: read %s", len, ok ? "succeeded" : error->message);
      if (!ok)
        {
          g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
          g_assert_true (g_str_has_prefix (error->message, "version: "));
          g_assert_null (m.user_agent);
          continue;
        }
      g_assert_cmpint (m.version, ==, 70002);
      g_assert_cmpuint (m.nonce, ==, len >= 80 ? UINT64_C (0xf85379c9cb358012) : 1);
      g_assert_cmpstr (m.user_agent, ==, len >= 96 ? "/Satoshi:0.9.3/" : "");
      g_assert_cmpint (m.start_height, ==, len >= 100 ? 329167 : -1);
      g_assert_true (m.relay);
      if (len < 80)
        g_assert_cmpuint (m.addr_from.port, ==, 0);
      umk_version_msg_clear (&m);
    }
}

static void
test_version_fields (void)
{
  UmkVersionMsg m = {
    .version = UMK_PROTOCOL_VERSION,
    .services = UMK_NODE_NETWORK | UMK_NODE_WITNESS,
    .time = -5,
    .addr_recv = { .services = 9, .port = 16333 },
    .nonce = 42,
    .user_agent = NULL,
    .start_height = 0,
    .relay = false,
  };
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_version_msg_write (w, &m);
  g_assert_cmpuint (w->len, ==, 86);
  /* port big-endian on the wire */
  g_assert_cmpuint (w->data[44], ==, 16333 >> 8);
  g_assert_cmpuint (w->data[45], ==, 16333 & 0xff);

  g_autoptr (GError) error = NULL;
  UmkVersionMsg r;
  g_assert_true (umk_version_msg_read (w->data, w->len, &r, &error));
  g_assert_cmpint (r.version, ==, 70016);
  g_assert_cmpint (r.time, ==, 0); /* negative time reads as 0 */
  g_assert_cmpuint (r.addr_recv.port, ==, 16333);
  g_assert_cmpstr (r.user_agent, ==, "");
  g_assert_false (r.relay);
  g_assert_cmpint (r.start_height, ==, 0);
  umk_version_msg_clear (&r);

  /* any non-zero relay byte is true */
  w->data[w->len - 1] = 2;
  g_assert_true (umk_version_msg_read (w->data, w->len, &r, &error));
  g_assert_true (r.relay);
  umk_version_msg_clear (&r);

  /* user agent: 256 bytes is the limit */
  for (size_t n = 255; n <= 258; n++)
    {
      g_autofree char *ua = g_strnfill (n, 'u');
      m.user_agent = ua;
      g_byte_array_set_size (w, 0);
      umk_version_msg_write (w, &m);
      g_autoptr (GError) e = NULL;
      bool ok = umk_version_msg_read (w->data, w->len, &r, &e);
      if (n <= UMK_MAX_SUBVERSION_LENGTH)
        {
          g_assert_no_error (e);
          g_assert_cmpuint (strlen (r.user_agent), ==, n);
          umk_version_msg_clear (&r);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
          g_assert_cmpstr (e->message, ==, "version: String length limit exceeded");
        }
    }
  m.user_agent = NULL;

  /* a non-canonical length (0xfd 0x05 0x00) is refused */
  g_byte_array_set_size (w, 0);
  umk_version_msg_write (w, &m);
  g_byte_array_set_size (w, 80);
  g_byte_array_append (w, (const guint8 *) "\xfd\x05\x00hello", 8);
  g_assert_false (umk_version_msg_read (w->data, w->len, &r, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);
  /* a huge length over MAX_SIZE */
  g_byte_array_set_size (w, 80);
  g_byte_array_append (w, (const guint8 *) "\xff\xff\xff\xff\xff\xff\xff\xff\xff", 9);
  g_assert_false (umk_version_msg_read (w->data, w->len, &r, &error));
  g_clear_error (&error);
}

/* ---- inv, getdata, notfound */

static void
test_inv (void)
{
  UmkInv inv[3] = { { UMK_INV_WTX, { { 0 } } },
                    { UMK_INV_WITNESS_BLOCK, { { 0 } } },
                    { UMK_INV_TX, { { 0 } } } };
  for (int i = 0; i < 3; i++)
    fill_hash (&inv[i].hash, (uint8_t) (i * 40));
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_inv_msg_write (w, inv, 3);
  g_assert_cmpuint (w->len, ==, 1 + 3 * 36);
  g_assert_cmpuint (w->data[0], ==, 3);
  g_assert_cmpuint (umk_load_u32le (w->data + 37), ==, 0x40000002);

  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_inv_msg_read (w->data, w->len, UMK_MSG_INV, out, &error));
  g_assert_cmpuint (out->len, ==, 3);
  g_assert_cmpmem (out->data, 3 * sizeof (UmkInv), inv, sizeof inv);
  /* appends */
  g_assert_true (umk_inv_msg_read (w->data, w->len, UMK_MSG_GETDATA, out, &error));
  g_assert_cmpuint (out->len, ==, 6);

  for (size_t len = 0; len < w->len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      g_assert_false (umk_inv_msg_read (p, len, UMK_MSG_INV, out, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      g_assert_cmpuint (out->len, ==, 6);
    }
  /* an empty inv is valid */
  g_assert_true (umk_inv_msg_read ((const uint8_t *) "\0", 1, UMK_MSG_INV, out, &error));
  /* a count that no payload could hold */
  static const uint8_t huge[] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 };
  g_assert_false (umk_inv_msg_read (huge, sizeof huge, UMK_MSG_INV, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);
}

static void
test_inv_limit (void)
{
  g_autofree UmkInv *inv = g_new0 (UmkInv, UMK_MAX_INV_SZ + 1);
  for (size_t i = 0; i <= UMK_MAX_INV_SZ; i++)
    {
      inv[i].type = UMK_INV_TX;
      umk_store_u32le (inv[i].hash.b, (uint32_t) i);
    }
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (UmkInv));
  g_autoptr (GByteArray) w = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  umk_inv_msg_write (w, inv, UMK_MAX_INV_SZ);
  g_assert_true (umk_inv_msg_read (w->data, w->len, UMK_MSG_INV, out, &error));
  g_assert_cmpuint (out->len, ==, UMK_MAX_INV_SZ);

  g_byte_array_set_size (w, 0);
  g_array_set_size (out, 0);
  umk_inv_msg_write (w, inv, UMK_MAX_INV_SZ + 1);
  g_assert_false (umk_inv_msg_read (w->data, w->len, UMK_MSG_INV, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT);
  g_assert_cmpstr (error->message, ==, "inv message size = 50001");
  g_clear_error (&error);
  g_assert_false (umk_inv_msg_read (w->data, w->len, UMK_MSG_GETDATA, out, &error));
  g_assert_cmpstr (error->message, ==, "getdata message size = 50001");
  g_clear_error (&error);
  g_assert_cmpuint (out->len, ==, 0);
  /* notfound has no limit of its own */
  g_assert_true (umk_inv_msg_read (w->data, w->len, UMK_MSG_NOTFOUND, out, &error));
  g_assert_cmpuint (out->len, ==, UMK_MAX_INV_SZ + 1);
  /* an over-limit count whose entries are not all there is a read error, as in
   * Core (which reads the vector before it checks its size) */
  g_assert_false (umk_inv_msg_read (w->data, w->len - 1, UMK_MSG_INV, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
}

/* ---- getheaders, getblocks */

static void
test_locator (void)
{
  UmkUint256 loc[3], stop;
  for (int i = 0; i < 3; i++)
    fill_hash (&loc[i], (uint8_t) (i + 1));
  memset (&stop, 0, sizeof stop);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_locator_msg_write (w, UMK_PROTOCOL_VERSION, loc, 3, &stop);
  g_assert_cmpuint (w->len, ==, 4 + 1 + 3 * 32 + 32);
  g_assert_cmpuint (umk_load_u32le (w->data), ==, 70016);

  UmkLocatorMsg m = { 0 };
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_locator_msg_read (w->data, w->len, UMK_MSG_GETHEADERS, &m, &error));
  g_assert_cmpuint (m.version, ==, 70016);
  g_assert_cmpuint (m.locator->len, ==, 3);
  g_assert_cmpmem (m.locator->data, 3 * 32, loc, sizeof loc);
  g_assert_true (umk_uint256_is_zero (&m.hash_stop));
  umk_locator_msg_clear (&m);
  g_assert_null (m.locator);

  for (size_t len = 0; len < w->len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      g_assert_false (umk_locator_msg_read (p, len, UMK_MSG_GETBLOCKS, &m, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      g_assert_null (m.locator);
    }

  /* 101 hashes is the limit */
  UmkUint256 many[UMK_MAX_LOCATOR_SZ + 1];
  for (int i = 0; i <= UMK_MAX_LOCATOR_SZ; i++)
    fill_hash (&many[i], (uint8_t) i);
  fill_hash (&stop, 7);
  g_byte_array_set_size (w, 0);
  umk_locator_msg_write (w, 70016, many, UMK_MAX_LOCATOR_SZ, &stop);
  g_assert_true (umk_locator_msg_read (w->data, w->len, UMK_MSG_GETBLOCKS, &m, &error));
  g_assert_cmpuint (m.locator->len, ==, 101);
  g_assert_true (umk_uint256_equal (&m.hash_stop, &stop));
  umk_locator_msg_clear (&m);
  g_byte_array_set_size (w, 0);
  umk_locator_msg_write (w, 70016, many, UMK_MAX_LOCATOR_SZ + 1, &stop);
  g_assert_false (umk_locator_msg_read (w->data, w->len, UMK_MSG_GETHEADERS, &m, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT);
  g_assert_cmpstr (error->message, ==, "getheaders locator size 102 > 101");
  g_clear_error (&error);
  g_assert_false (umk_locator_msg_read (w->data, w->len, UMK_MSG_GETBLOCKS, &m, &error));
  g_assert_cmpstr (error->message, ==, "getblocks locator size 102 > 101");
  g_assert_null (m.locator);
}

/* ---- headers */

static void
test_headers (void)
{
  g_autoptr (UmkChainParams) params = umk_chain_params_new (UMK_CHAIN_MAIN, NULL, NULL);
  g_assert_nonnull (params);
  UmkBlockHeader h[2] = { params->genesis->header, params->genesis->header };
  h[1].nonce++;
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_headers_msg_write (w, h, 2);
  g_assert_cmpuint (w->len, ==, 1 + 2 * 81);
  g_assert_cmpuint (w->data[81], ==, 0);

  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (UmkBlockHeader));
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_headers_msg_read (w->data, w->len, out, &error));
  g_assert_cmpuint (out->len, ==, 2);
  UmkUint256 hash;
  umk_block_header_hash (&g_array_index (out, UmkBlockHeader, 0), &hash);
  g_assert_true (umk_uint256_equal (&hash, &params->consensus.hash_genesis_block));
  g_assert_cmpuint (g_array_index (out, UmkBlockHeader, 1).nonce, ==, h[1].nonce);
  g_autoptr (GByteArray) w2 = g_byte_array_new ();
  umk_headers_msg_write (w2, (const UmkBlockHeader *) out->data, out->len);
  g_assert_cmpmem (w2->data, w2->len, w->data, w->len);

  for (size_t len = 0; len < w->len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      g_assert_false (umk_headers_msg_read (p, len, out, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      g_assert_cmpuint (out->len, ==, 2);
    }

  /* the transaction count is read and ignored, but must be a valid CompactSize */
  w->data[81] = 5;
  g_assert_true (umk_headers_msg_read (w->data, w->len, out, &error));
  g_assert_cmpuint (out->len, ==, 4);
  g_byte_array_set_size (w, 0);
  umk_write_compact_size (w, 1);
  umk_block_header_write (&h[0], w);
  g_byte_array_append (w, (const guint8 *) "\xfd\x01\x00", 3); /* non-canonical 1 */
  g_assert_false (umk_headers_msg_read (w->data, w->len, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);

  /* 2000 is the limit; 2001 is refused from the count alone, before any header */
  g_byte_array_set_size (w, 0);
  g_autofree UmkBlockHeader *many = g_new0 (UmkBlockHeader, UMK_MAX_HEADERS_RESULTS);
  umk_headers_msg_write (w, many, UMK_MAX_HEADERS_RESULTS);
  g_array_set_size (out, 0);
  g_assert_true (umk_headers_msg_read (w->data, w->len, out, &error));
  g_assert_cmpuint (out->len, ==, 2000);
  static const uint8_t over[] = { 0xfd, 0xd1, 0x07 };
  g_assert_false (umk_headers_msg_read (over, sizeof over, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT);
  g_assert_cmpstr (error->message, ==, "headers message size = 2001");
  g_clear_error (&error);
  static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  g_assert_false (umk_headers_msg_read (huge, sizeof huge, out, &error));
  g_assert_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
}

/* ---- small payloads */

static void
test_small (void)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  umk_u64_msg_write (w, UINT64_C (0x0123456789abcdef));
  g_autofree char *hex = hex_of (w);
  g_assert_cmpstr (hex, ==, "efcdab8967452301");
  uint64_t v = 0;
  g_assert_true (umk_u64_msg_read (w->data, w->len, &v, &error));
  g_assert_cmpuint (v, ==, UINT64_C (0x0123456789abcdef));
  for (size_t len = 0; len < 8; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      v = 7;
      g_assert_false (umk_u64_msg_read (p, len, &v, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      g_assert_cmpuint (v, ==, 7);
    }

  /* sendcmpct(1, 2) as Core sends it */
  g_byte_array_set_size (w, 0);
  UmkSendCmpctMsg sc = { true, UMK_CMPCTBLOCKS_VERSION };
  umk_sendcmpct_msg_write (w, &sc);
  g_clear_pointer (&hex, g_free);
  hex = hex_of (w);
  g_assert_cmpstr (hex, ==, "010200000000000000");
  UmkSendCmpctMsg rc = { 0 };
  g_assert_true (umk_sendcmpct_msg_read (w->data, w->len, &rc, &error));
  g_assert_true (rc.announce);
  g_assert_cmpuint (rc.version, ==, 2);
  for (size_t len = 0; len < w->len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      g_assert_false (umk_sendcmpct_msg_read (p, len, &rc, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
    }

  g_byte_array_set_size (w, 0);
  UmkSendTxRcnclMsg tr = { 1, UINT64_C (0xdeadbeefcafef00d) };
  umk_sendtxrcncl_msg_write (w, &tr);
  g_assert_cmpuint (w->len, ==, 12);
  UmkSendTxRcnclMsg rt = { 0 };
  g_assert_true (umk_sendtxrcncl_msg_read (w->data, w->len, &rt, &error));
  g_assert_cmpuint (rt.version, ==, 1);
  g_assert_cmpuint (rt.salt, ==, tr.salt);
  for (size_t len = 0; len < w->len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autofree uint8_t *p = g_memdup2 (w->data, len);
      g_assert_false (umk_sendtxrcncl_msg_read (p, len, &rt, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
    }
}

/* ---- block and tx */

static void
test_block_tx (void)
{
  g_autoptr (UmkChainParams) params = umk_chain_params_new (UMK_CHAIN_MAIN, NULL, NULL);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_block_write (params->genesis, w);
  size_t block_len = w->len;
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (GBytes) payload = g_bytes_new (w->data, w->len);
    g_autoptr (UmkBlock) block = umk_block_msg_read (payload, &error);
    g_assert_no_error (error);
    g_assert_true (umk_uint256_equal (&block->hash, &params->consensus.hash_genesis_block));
    g_assert_cmpuint (block->n_tx, ==, 1);

    /* the coinbase alone as a tx message */
    UmkSpan raw = block->tx[0]->raw;
    g_autoptr (GBytes) txp = g_bytes_new (raw.data, raw.len);
    g_autoptr (UmkTx) tx = umk_tx_msg_read (txp, &error);
    g_assert_no_error (error);
    g_assert_true (umk_uint256_equal (&tx->txid, &block->tx[0]->txid));
    for (size_t len = 0; len < raw.len; len++)
      {
        g_autoptr (GError) e = NULL;
        g_autoptr (GBytes) cut = g_bytes_new (raw.data, len);
        g_assert_null (umk_tx_msg_read (cut, &e));
        g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      }
  }

  /* trailing bytes are ignored, as Core does */
  g_byte_array_append (w, (const guint8 *) "xyz", 3);
  {
    g_autoptr (GBytes) payload = g_bytes_new (w->data, w->len);
    g_autoptr (UmkBlock) block = umk_block_msg_read (payload, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (block->size, ==, block_len);
  }

  for (size_t len = 0; len < block_len; len++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (GBytes) cut = g_bytes_new (w->data, len);
      g_assert_null (umk_block_msg_read (cut, &e));
      g_assert_error (e, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED);
      g_assert_true (g_str_has_prefix (e->message, "block: "));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/msg-types", test_msg_types);
  g_test_add_func ("/protocol/services-names", test_services_names);
  g_test_add_func ("/protocol/inv-type-name", test_inv_type_name);
  g_test_add_func ("/protocol/frame/verack", test_frame_verack);
  g_test_add_func ("/protocol/frame/round-trip", test_frame_round_trip);
  g_test_add_func ("/protocol/frame/header-checks", test_header_checks);
  g_test_add_func ("/protocol/version/real", test_version_real);
  g_test_add_func ("/protocol/version/truncated", test_version_truncated);
  g_test_add_func ("/protocol/version/fields", test_version_fields);
  g_test_add_func ("/protocol/inv/round-trip", test_inv);
  g_test_add_func ("/protocol/inv/limit", test_inv_limit);
  g_test_add_func ("/protocol/locator", test_locator);
  g_test_add_func ("/protocol/headers", test_headers);
  g_test_add_func ("/protocol/small", test_small);
  g_test_add_func ("/protocol/block-tx", test_block_tx);
  return g_test_run ();
}
