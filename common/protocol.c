/* protocol.c — P2P message framing and payloads (v1 transport).
 *
 * The readers follow the order in which Core's net_processing deserializes each
 * message, because the order decides which error a bad payload gets: a count
 * over a limit is reported as OVER_LIMIT only where Core looks at the count
 * before (headers) or after (inv, getdata, locators) reading the entries.
 */
#define G_LOG_DOMAIN "umk-protocol"
#include "config.h"

#include "common/protocol.h"

#include "common/hash.h"
#include "common/serialize.h"

#include <string.h>

G_DEFINE_QUARK (umk - protocol - error - quark, umk_protocol_error)

const char *const umk_all_msg_types[] = {
  UMK_MSG_VERSION,     UMK_MSG_VERACK,       UMK_MSG_ADDR,        UMK_MSG_ADDRV2,
  UMK_MSG_SENDADDRV2,  UMK_MSG_INV,          UMK_MSG_GETDATA,     UMK_MSG_MERKLEBLOCK,
  UMK_MSG_GETBLOCKS,   UMK_MSG_GETHEADERS,   UMK_MSG_TX,          UMK_MSG_HEADERS,
  UMK_MSG_BLOCK,       UMK_MSG_GETADDR,      UMK_MSG_MEMPOOL,     UMK_MSG_PING,
  UMK_MSG_PONG,        UMK_MSG_NOTFOUND,     UMK_MSG_FILTERLOAD,  UMK_MSG_FILTERADD,
  UMK_MSG_FILTERCLEAR, UMK_MSG_SENDHEADERS,  UMK_MSG_FEEFILTER,   UMK_MSG_SENDCMPCT,
  UMK_MSG_CMPCTBLOCK,  UMK_MSG_GETBLOCKTXN,  UMK_MSG_BLOCKTXN,    UMK_MSG_GETCFILTERS,
  UMK_MSG_CFILTER,     UMK_MSG_GETCFHEADERS, UMK_MSG_CFHEADERS,   UMK_MSG_GETCFCHECKPT,
  UMK_MSG_CFCHECKPT,   UMK_MSG_WTXIDRELAY,   UMK_MSG_SENDTXRCNCL, NULL,
};

bool
umk_msg_type_is_known (const char *command)
{
  if (command == NULL)
    return false;
  for (const char *const *t = umk_all_msg_types; *t != NULL; t++)
    if (strcmp (*t, command) == 0)
      return true;
  return false;
}

GPtrArray *
umk_services_names (uint64_t services)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  for (unsigned bit = 0; bit < 64; bit++)
    {
      uint64_t flag = UINT64_C (1) << bit;
      if (!(services & flag))
        continue;
      const char *name = NULL;
      switch (flag)
        {
        case UMK_NODE_NETWORK:
          name = "NETWORK";
          break;
        case UMK_NODE_BLOOM:
          name = "BLOOM";
          break;
        case UMK_NODE_WITNESS:
          name = "WITNESS";
          break;
        case UMK_NODE_COMPACT_FILTERS:
          name = "COMPACT_FILTERS";
          break;
        case UMK_NODE_NETWORK_LIMITED:
          name = "NETWORK_LIMITED";
          break;
        case UMK_NODE_P2P_V2:
          name = "P2P_V2";
          break;
        default:
          break;
        }
      g_ptr_array_add (names,
                       name != NULL ? g_strdup (name) : g_strdup_printf ("UNKNOWN[2^%u]", bit));
    }
  return names;
}

const char *
umk_inv_type_name (uint32_t type)
{
  bool witness = (type & UMK_INV_WITNESS_FLAG) != 0;
  switch (type & UMK_INV_TYPE_MASK)
    {
    case UMK_INV_TX:
      return witness ? "witness-tx" : "tx";
    case UMK_INV_WTX:
      return witness ? "witness-wtx" : "wtx";
    case UMK_INV_BLOCK:
      return witness ? "witness-block" : "block";
    case UMK_INV_FILTERED_BLOCK:
      return witness ? "witness-merkleblock" : "merkleblock";
    case UMK_INV_CMPCT_BLOCK:
      return witness ? "witness-cmpctblock" : "cmpctblock";
    default:
      return NULL;
    }
}

/* Sets a MALFORMED error from a failed reader: "<message>: <reason>". */
static bool
fail_reader (const UmkReader *r, const char *what, GError **error)
{
  g_set_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED, "%s: %s", what,
               umk_reader_error_message (r));
  return false;
}

/* ---- framing */

UmkMsgHeaderStatus
umk_msg_header_parse (const uint8_t buf[UMK_MSG_HEADER_SIZE], const uint8_t expected_magic[4],
                      UmkMsgHeader *out)
{
  memcpy (out->magic, buf, 4);
  memcpy (out->command, buf + 4, UMK_MSG_COMMAND_SIZE);
  out->command[UMK_MSG_COMMAND_SIZE] = '\0';
  out->length = umk_load_u32le (buf + 16);
  memcpy (out->checksum, buf + 20, UMK_MSG_CHECKSUM_SIZE);

  if (memcmp (out->magic, expected_magic, 4) != 0)
    return UMK_MSG_HEADER_BAD_MAGIC;
  /* MAX_PROTOCOL_MESSAGE_LENGTH is below MAX_SIZE, so it is the only bound. */
  if (out->length > UMK_MAX_PROTOCOL_MESSAGE_LENGTH)
    return UMK_MSG_HEADER_OVERSIZED;
  /* Printable ASCII, then only NULs: a command with text after a NUL would be
   * two different commands to two parsers. */
  const uint8_t *c = buf + 4;
  size_t i = 0;
  for (; i < UMK_MSG_COMMAND_SIZE && c[i] != 0; i++)
    if (c[i] < 0x20 || c[i] > 0x7e)
      return UMK_MSG_HEADER_BAD_COMMAND;
  for (; i < UMK_MSG_COMMAND_SIZE; i++)
    if (c[i] != 0)
      return UMK_MSG_HEADER_BAD_COMMAND;
  return UMK_MSG_HEADER_OK;
}

void
umk_msg_checksum (const uint8_t *payload, size_t len, uint8_t out[UMK_MSG_CHECKSUM_SIZE])
{
  uint8_t hash[UMK_SHA256_SIZE];
  umk_sha256d (payload, len, hash);
  memcpy (out, hash, UMK_MSG_CHECKSUM_SIZE);
}

bool
umk_msg_checksum_ok (const UmkMsgHeader *h, const uint8_t *payload, size_t len)
{
  uint8_t sum[UMK_MSG_CHECKSUM_SIZE];
  umk_msg_checksum (payload, len, sum);
  return memcmp (sum, h->checksum, UMK_MSG_CHECKSUM_SIZE) == 0;
}

void
umk_msg_frame (GByteArray *w, const uint8_t magic[4], const char *command, const uint8_t *payload,
               size_t len)
{
  size_t clen = strlen (command);
  g_return_if_fail (clen <= UMK_MSG_COMMAND_SIZE);
  g_return_if_fail (len <= UINT32_MAX);
  uint8_t header[UMK_MSG_HEADER_SIZE] = { 0 };
  memcpy (header, magic, 4);
  memcpy (header + 4, command, clen);
  umk_store_u32le (header + 16, (uint32_t) len);
  umk_msg_checksum (payload, len, header + 20);
  g_byte_array_append (w, header, sizeof header);
  if (len > 0)
    g_byte_array_append (w, payload, (guint) len);
}

/* ---- version */

static bool
read_version_addr (UmkReader *r, UmkVersionAddr *a)
{
  return umk_read_u64le (r, &a->services) && umk_read_bytes (r, a->ip, 16)
         && umk_read_u16be (r, &a->port);
}

static void
write_version_addr (GByteArray *w, const UmkVersionAddr *a)
{
  umk_write_u64le (w, a->services);
  umk_write_bytes (w, a->ip, 16);
  umk_write_u16be (w, a->port);
}

bool
umk_version_msg_read (const uint8_t *p, size_t len, UmkVersionMsg *out, GError **error)
{
  UmkVersionMsg m = { 0 };
  m.nonce = 1;
  m.start_height = -1;
  m.relay = true;

  UmkReader r;
  umk_reader_init (&r, p, len);
  if (!umk_read_i32le (&r, &m.version) || !umk_read_u64le (&r, &m.services)
      || !umk_read_i64le (&r, &m.time) || !read_version_addr (&r, &m.addr_recv))
    return fail_reader (&r, UMK_MSG_VERSION, error);
  if (m.time < 0)
    m.time = 0;

  /* Each later field was added by a protocol upgrade; Core reads each only if
   * bytes remain, but a field once begun must be complete. */
  if (umk_reader_remaining (&r) > 0
      && (!read_version_addr (&r, &m.addr_from) || !umk_read_u64le (&r, &m.nonce)))
    return fail_reader (&r, UMK_MSG_VERSION, error);
  const uint8_t *ua = NULL;
  size_t ua_len = 0;
  if (umk_reader_remaining (&r) > 0)
    {
      uint64_t n;
      if (!umk_read_compact_size (&r, &n, true))
        return fail_reader (&r, UMK_MSG_VERSION, error);
      if (n > UMK_MAX_SUBVERSION_LENGTH)
        {
          g_set_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_MALFORMED,
                       "%s: String length limit exceeded", UMK_MSG_VERSION);
          return false;
        }
      if (!umk_read_view (&r, (size_t) n, &ua))
        return fail_reader (&r, UMK_MSG_VERSION, error);
      ua_len = (size_t) n;
    }
  if (umk_reader_remaining (&r) > 0 && !umk_read_i32le (&r, &m.start_height))
    return fail_reader (&r, UMK_MSG_VERSION, error);
  if (umk_reader_remaining (&r) > 0)
    {
      uint8_t b;
      if (!umk_read_u8 (&r, &b))
        return fail_reader (&r, UMK_MSG_VERSION, error);
      m.relay = b != 0;
    }

  m.user_agent = ua != NULL ? g_strndup ((const char *) ua, ua_len) : g_strdup ("");
  *out = m;
  return true;
}

void
umk_version_msg_write (GByteArray *w, const UmkVersionMsg *m)
{
  const char *ua = m->user_agent != NULL ? m->user_agent : "";
  umk_write_i32le (w, m->version);
  umk_write_u64le (w, m->services);
  umk_write_i64le (w, m->time);
  write_version_addr (w, &m->addr_recv);
  write_version_addr (w, &m->addr_from);
  umk_write_u64le (w, m->nonce);
  umk_write_var_bytes (w, ua, strlen (ua));
  umk_write_i32le (w, m->start_height);
  umk_write_u8 (w, m->relay ? 1 : 0);
}

void
umk_version_msg_clear (UmkVersionMsg *m)
{
  g_clear_pointer (&m->user_agent, g_free);
}

/* ---- inv, getdata, notfound */

#define INV_SIZE 36 /* u32 type + 32-byte hash */

bool
umk_inv_msg_read (const uint8_t *p, size_t len, const char *what, GArray *out, GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint64_t n;
  if (!umk_read_compact_size (&r, &n, true))
    return fail_reader (&r, what, error);
  /* Core reads the whole vector before it looks at its size: a count the
   * payload cannot hold is a read error, not an oversized message. */
  if (n > umk_reader_remaining (&r) / INV_SIZE)
    {
      umk_reader_fail (&r, UMK_SER_TRUNCATED, NULL);
      return fail_reader (&r, what, error);
    }
  if (n > UMK_MAX_INV_SZ && strcmp (what, UMK_MSG_NOTFOUND) != 0)
    {
      g_set_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT,
                   "%s message size = %" G_GUINT64_FORMAT, what, n);
      return false;
    }
  guint start = out->len;
  g_array_set_size (out, start + (guint) n);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkInv *inv = &g_array_index (out, UmkInv, start + i);
      /* Cannot fail: the length was checked above. */
      if (!umk_read_u32le (&r, &inv->type) || !umk_read_bytes (&r, inv->hash.b, 32))
        {
          g_array_set_size (out, start);
          return fail_reader (&r, what, error);
        }
    }
  return true;
}

void
umk_inv_msg_write (GByteArray *w, const UmkInv *inv, size_t n)
{
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    {
      umk_write_u32le (w, inv[i].type);
      umk_write_bytes (w, inv[i].hash.b, 32);
    }
}

/* ---- getheaders, getblocks */

bool
umk_locator_msg_read (const uint8_t *p, size_t len, const char *what, UmkLocatorMsg *out,
                      GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint32_t version;
  uint64_t n;
  if (!umk_read_u32le (&r, &version) || !umk_read_compact_size (&r, &n, true))
    return fail_reader (&r, what, error);
  /* The hashes and hash_stop must all be there before the count is judged. */
  if (n > umk_reader_remaining (&r) / 32 || umk_reader_remaining (&r) - n * 32 < 32)
    {
      umk_reader_fail (&r, UMK_SER_TRUNCATED, NULL);
      return fail_reader (&r, what, error);
    }
  if (n > UMK_MAX_LOCATOR_SZ)
    {
      g_set_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT,
                   "%s locator size %" G_GUINT64_FORMAT " > %d", what, n, UMK_MAX_LOCATOR_SZ);
      return false;
    }
  GArray *locator = g_array_sized_new (FALSE, FALSE, sizeof (UmkUint256), (guint) n);
  g_array_set_size (locator, (guint) n);
  UmkUint256 stop;
  bool ok = true;
  for (uint64_t i = 0; i < n && ok; i++)
    ok = umk_read_bytes (&r, g_array_index (locator, UmkUint256, i).b, 32);
  ok = ok && umk_read_bytes (&r, stop.b, 32);
  if (!ok)
    {
      g_array_unref (locator);
      return fail_reader (&r, what, error);
    }
  out->version = version;
  out->locator = locator;
  out->hash_stop = stop;
  return true;
}

void
umk_locator_msg_write (GByteArray *w, uint32_t version, const UmkUint256 *locator, size_t n,
                       const UmkUint256 *hash_stop)
{
  umk_write_u32le (w, version);
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    umk_write_bytes (w, locator[i].b, 32);
  umk_write_bytes (w, hash_stop->b, 32);
}

void
umk_locator_msg_clear (UmkLocatorMsg *m)
{
  g_clear_pointer (&m->locator, g_array_unref);
}

/* ---- headers */

bool
umk_headers_msg_read (const uint8_t *p, size_t len, GArray *out, GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint64_t n;
  if (!umk_read_compact_size (&r, &n, true))
    return fail_reader (&r, UMK_MSG_HEADERS, error);
  /* Core judges the count before reading: it must not read 2000+ entries. */
  if (n > UMK_MAX_HEADERS_RESULTS)
    {
      g_set_error (error, UMK_PROTOCOL_ERROR, UMK_PROTOCOL_ERROR_OVER_LIMIT,
                   "headers message size = %" G_GUINT64_FORMAT, n);
      return false;
    }
  guint start = out->len;
  for (uint64_t i = 0; i < n; i++)
    {
      UmkBlockHeader h;
      uint64_t n_tx;
      if (!umk_block_header_read (&r, &h) || !umk_read_compact_size (&r, &n_tx, true))
        {
          g_array_set_size (out, start);
          return fail_reader (&r, UMK_MSG_HEADERS, error);
        }
      g_array_append_val (out, h);
    }
  return true;
}

void
umk_headers_msg_write (GByteArray *w, const UmkBlockHeader *h, size_t n)
{
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    {
      umk_block_header_write (&h[i], w);
      umk_write_compact_size (w, 0);
    }
}

/* ---- ping, pong, feefilter */

bool
umk_u64_msg_read (const uint8_t *p, size_t len, uint64_t *out, GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint64_t v;
  if (!umk_read_u64le (&r, &v))
    return fail_reader (&r, "8-byte payload", error);
  *out = v;
  return true;
}

void
umk_u64_msg_write (GByteArray *w, uint64_t v)
{
  umk_write_u64le (w, v);
}

/* ---- sendcmpct */

bool
umk_sendcmpct_msg_read (const uint8_t *p, size_t len, UmkSendCmpctMsg *out, GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint8_t announce;
  uint64_t version;
  if (!umk_read_u8 (&r, &announce) || !umk_read_u64le (&r, &version))
    return fail_reader (&r, UMK_MSG_SENDCMPCT, error);
  out->announce = announce != 0;
  out->version = version;
  return true;
}

void
umk_sendcmpct_msg_write (GByteArray *w, const UmkSendCmpctMsg *m)
{
  umk_write_u8 (w, m->announce ? 1 : 0);
  umk_write_u64le (w, m->version);
}

/* ---- sendtxrcncl */

bool
umk_sendtxrcncl_msg_read (const uint8_t *p, size_t len, UmkSendTxRcnclMsg *out, GError **error)
{
  UmkReader r;
  umk_reader_init (&r, p, len);
  uint32_t version;
  uint64_t salt;
  if (!umk_read_u32le (&r, &version) || !umk_read_u64le (&r, &salt))
    return fail_reader (&r, UMK_MSG_SENDTXRCNCL, error);
  out->version = version;
  out->salt = salt;
  return true;
}

void
umk_sendtxrcncl_msg_write (GByteArray *w, const UmkSendTxRcnclMsg *m)
{
  umk_write_u32le (w, m->version);
  umk_write_u64le (w, m->salt);
}

/* ---- tx, block */

UmkTx *
umk_tx_msg_read (GBytes *payload, GError **error)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (payload, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkTx *tx = umk_tx_read (&r, payload, true);
  if (tx == NULL)
    fail_reader (&r, UMK_MSG_TX, error);
  return tx;
}

UmkBlock *
umk_block_msg_read (GBytes *payload, GError **error)
{
  gsize len;
  const uint8_t *data = g_bytes_get_data (payload, &len);
  UmkReader r;
  umk_reader_init (&r, data, len);
  UmkBlock *block = umk_block_read (&r, payload);
  if (block == NULL)
    fail_reader (&r, UMK_MSG_BLOCK, error);
  return block;
}
