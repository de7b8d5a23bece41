/* protocol.h — the P2P wire protocol (v1 transport): message framing and the
 * payloads of the messages the node reads and writes.
 *
 * Every _read takes one whole payload (the bytes after the 24-byte header) and
 * either fills its output completely or fails with a GError in the domain
 * UMK_PROTOCOL_ERROR, leaving the output as it was. Like Umkoin Core, the
 * readers ignore bytes after the fields they know: later protocol versions may
 * append fields, and Core never rejects a payload for trailing data. Each
 * _write appends one payload to a GByteArray; umk_msg_frame adds the header.
 *
 * The error code tells the caller what Core does with such a message:
 * UMK_PROTOCOL_ERROR_MALFORMED is a payload Core fails to deserialize (it logs
 * the exception and drops the message, the peer stays), OVER_LIMIT is a count
 * over a protocol limit (Core punishes the peer: Misbehaving for inv, getdata
 * and headers, disconnection for a getheaders/getblocks locator). The messages
 * are Core's log texts ("inv message size = 50001").
 *
 * Addresses in the version message are kept raw (16-byte v1 IP, port, services)
 * so that this module does not depend on netaddress.
 */
#pragma once

#include "common/block.h"
#include "common/uint256.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMK_PROTOCOL_VERSION       70016
#define UMK_MIN_PEER_PROTO_VERSION 31800 /* older peers are disconnected */
/* Versions that introduced features peers are judged by. */
#define UMK_BIP0031_VERSION           60000 /* ping carries a nonce, pong exists */
#define UMK_SENDHEADERS_VERSION       70012
#define UMK_FEEFILTER_VERSION         70013
#define UMK_SHORT_IDS_BLOCKS_VERSION  70014 /* BIP 152 compact blocks */
#define UMK_INVALID_CB_NO_BAN_VERSION 70015
#define UMK_WTXID_RELAY_VERSION       70016

#define UMK_MAX_PROTOCOL_MESSAGE_LENGTH (4 * 1000 * 1000)
#define UMK_MSG_HEADER_SIZE             24
#define UMK_MSG_COMMAND_SIZE            12
#define UMK_MSG_CHECKSUM_SIZE           4
#define UMK_MAX_INV_SZ                  50000
#define UMK_MAX_HEADERS_RESULTS         2000
#define UMK_MAX_LOCATOR_SZ              101
#define UMK_MAX_SUBVERSION_LENGTH       256
/* The compact-block version Core speaks (sendcmpct). */
#define UMK_CMPCTBLOCKS_VERSION 2

/* Service bits (the version message's services, getpeerinfo's "services"). */
enum
{
  UMK_NODE_NONE = 0,
  UMK_NODE_NETWORK = 1,
  UMK_NODE_BLOOM = 4,
  UMK_NODE_WITNESS = 8,
  UMK_NODE_COMPACT_FILTERS = 64,
  UMK_NODE_NETWORK_LIMITED = 1024,
  UMK_NODE_P2P_V2 = 2048,
};

/* Inventory types (inv, getdata, notfound). */
enum
{
  UMK_INV_UNDEFINED = 0,
  UMK_INV_TX = 1,
  UMK_INV_BLOCK = 2,
  UMK_INV_FILTERED_BLOCK = 3, /* getdata only (BIP 37) */
  UMK_INV_CMPCT_BLOCK = 4,    /* getdata only (BIP 152) */
  UMK_INV_WTX = 5,            /* BIP 339 */
  UMK_INV_WITNESS_FLAG = 1 << 30,
  UMK_INV_TYPE_MASK = 0x3fffffff,
  UMK_INV_WITNESS_TX = UMK_INV_TX | UMK_INV_WITNESS_FLAG,
  UMK_INV_WITNESS_BLOCK = UMK_INV_BLOCK | UMK_INV_WITNESS_FLAG,
};

/* Message types: every one Core v31 knows (ALL_NET_MESSAGE_TYPES), in its order. */
#define UMK_MSG_VERSION      "version"
#define UMK_MSG_VERACK       "verack"
#define UMK_MSG_ADDR         "addr"
#define UMK_MSG_ADDRV2       "addrv2"
#define UMK_MSG_SENDADDRV2   "sendaddrv2"
#define UMK_MSG_INV          "inv"
#define UMK_MSG_GETDATA      "getdata"
#define UMK_MSG_MERKLEBLOCK  "merkleblock"
#define UMK_MSG_GETBLOCKS    "getblocks"
#define UMK_MSG_GETHEADERS   "getheaders"
#define UMK_MSG_TX           "tx"
#define UMK_MSG_HEADERS      "headers"
#define UMK_MSG_BLOCK        "block"
#define UMK_MSG_GETADDR      "getaddr"
#define UMK_MSG_MEMPOOL      "mempool"
#define UMK_MSG_PING         "ping"
#define UMK_MSG_PONG         "pong"
#define UMK_MSG_NOTFOUND     "notfound"
#define UMK_MSG_FILTERLOAD   "filterload"
#define UMK_MSG_FILTERADD    "filteradd"
#define UMK_MSG_FILTERCLEAR  "filterclear"
#define UMK_MSG_SENDHEADERS  "sendheaders"
#define UMK_MSG_FEEFILTER    "feefilter"
#define UMK_MSG_SENDCMPCT    "sendcmpct"
#define UMK_MSG_CMPCTBLOCK   "cmpctblock"
#define UMK_MSG_GETBLOCKTXN  "getblocktxn"
#define UMK_MSG_BLOCKTXN     "blocktxn"
#define UMK_MSG_GETCFILTERS  "getcfilters"
#define UMK_MSG_CFILTER      "cfilter"
#define UMK_MSG_GETCFHEADERS "getcfheaders"
#define UMK_MSG_CFHEADERS    "cfheaders"
#define UMK_MSG_GETCFCHECKPT "getcfcheckpt"
#define UMK_MSG_CFCHECKPT    "cfcheckpt"
#define UMK_MSG_WTXIDRELAY   "wtxidrelay"
#define UMK_MSG_SENDTXRCNCL  "sendtxrcncl"

/* NULL-terminated list of the above, in Core's order (getpeerinfo's
 * bytessent_per_msg / bytesrecv_per_msg know these names and "*other*"). */
extern const char *const umk_all_msg_types[];
bool umk_msg_type_is_known (const char *command);

/* Service bits as getpeerinfo's "servicesnames" shows them, lowest bit first:
 * "NETWORK", "BLOOM", "WITNESS", "COMPACT_FILTERS", "NETWORK_LIMITED", "P2P_V2",
 * and "UNKNOWN[2^n]" for other bits. An array of g_malloc'd strings (frees them). */
GPtrArray *umk_services_names (uint64_t services);

/* Core's name for an inventory type ("tx", "witness-block", "wtx", …), or NULL
 * for an unknown type (Core then prints it as 0x%08x). */
const char *umk_inv_type_name (uint32_t type);

/* ---- errors */

#define UMK_PROTOCOL_ERROR (umk_protocol_error_quark ())
typedef enum
{
  UMK_PROTOCOL_ERROR_MALFORMED,  /* truncated or badly encoded payload */
  UMK_PROTOCOL_ERROR_OVER_LIMIT, /* a count over a protocol limit */
} UmkProtocolError;
GQuark umk_protocol_error_quark (void);

/* ---- framing: magic (4), command (12, NUL-padded), payload length (u32le),
 * checksum (first 4 bytes of SHA256d of the payload) */

typedef struct
{
  uint8_t magic[4];
  char command[13]; /* NUL-terminated (the wire field is 12 bytes) */
  uint32_t length;
  uint8_t checksum[4];
} UmkMsgHeader;

typedef enum
{
  UMK_MSG_HEADER_OK,
  UMK_MSG_HEADER_BAD_MAGIC,   /* Core disconnects */
  UMK_MSG_HEADER_BAD_COMMAND, /* not NUL-padded printable ASCII */
  UMK_MSG_HEADER_OVERSIZED,   /* length > UMK_MAX_PROTOCOL_MESSAGE_LENGTH: Core disconnects */
} UmkMsgHeaderStatus;

/* Parses a 24-byte header and checks it as Core's V1Transport does: the magic,
 * then the size, then the command. *out is filled whatever the result. The checks
 * come in Core's order, so BAD_COMMAND means magic and size are good: Core then
 * reads the payload, drops the message and keeps the peer (as it does for a bad
 * checksum). */
UmkMsgHeaderStatus umk_msg_header_parse (const uint8_t buf[UMK_MSG_HEADER_SIZE],
                                         const uint8_t expected_magic[4], UmkMsgHeader *out);
/* The first 4 bytes of SHA256d(payload). */
void umk_msg_checksum (const uint8_t *payload, size_t len, uint8_t out[UMK_MSG_CHECKSUM_SIZE]);
bool umk_msg_checksum_ok (const UmkMsgHeader *h, const uint8_t *payload, size_t len);
/* Appends header + payload (checksum computed) to w. command ≤ 12 characters. */
void umk_msg_frame (GByteArray *w, const uint8_t magic[4], const char *command,
                    const uint8_t *payload, size_t len);

/* ---- version: the first message each side sends; who it is, what it offers,
 * how far its chain goes and whether it wants transactions relayed. */

typedef struct
{
  uint64_t services;
  uint8_t ip[16]; /* v1 form: IPv6, or IPv4-mapped ::ffff:a.b.c.d */
  uint16_t port;  /* host order (big-endian on the wire) */
} UmkVersionAddr;

typedef struct
{
  int32_t version;
  uint64_t services;
  int64_t time; /* a negative time is read as 0, as Core does */
  UmkVersionAddr addr_recv;
  UmkVersionAddr addr_from; /* zero if absent */
  uint64_t nonce;           /* 1 if absent (Core's default) */
  char *user_agent;         /* g_malloc'd, NUL-terminated, not sanitized; "" if absent */
  int32_t start_height;     /* -1 if absent */
  bool relay;               /* true if absent */
} UmkVersionMsg;

/* As Core v31: version, services, time and addr_recv are required; then, each only
 * if bytes remain, addr_from + nonce (together), user agent (at most 256 bytes,
 * else MALFORMED "String length limit exceeded"), start height, relay (any
 * non-zero byte is true). The user agent may contain any bytes but NUL-free text
 * is what callers get: bytes after an embedded NUL are lost (sanitize anyway). */
bool umk_version_msg_read (const uint8_t *p, size_t len, UmkVersionMsg *out,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes every field (as Core sends it). */
void umk_version_msg_write (GByteArray *w, const UmkVersionMsg *m);
void umk_version_msg_clear (UmkVersionMsg *m);

/* ---- inv (announce), getdata (request), notfound (answer to getdata): a list of
 * (type, hash) entries. */

typedef struct
{
  uint32_t type;
  UmkUint256 hash;
} UmkInv;

/* Appends the entries to out (a GArray of UmkInv). what is the message type and
 * words the error: for "inv" and "getdata" more than UMK_MAX_INV_SZ entries is
 * OVER_LIMIT "inv message size = N" / "getdata message size = N"; "notfound" has
 * no limit (Core reads it and ignores the entries when there are too many). */
bool umk_inv_msg_read (const uint8_t *p, size_t len, const char *what, GArray *out,
                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_inv_msg_write (GByteArray *w, const UmkInv *inv, size_t n);

/* ---- getheaders / getblocks: "send me what follows the first of these blocks you
 * know, up to hash_stop (zero: as many as allowed)". */

typedef struct
{
  uint32_t version; /* the sender's protocol version, ignored by Core */
  GArray *locator;  /* UmkUint256, newest first */
  UmkUint256 hash_stop;
} UmkLocatorMsg;

/* what ("getheaders" or "getblocks") words the error: more than UMK_MAX_LOCATOR_SZ
 * hashes is OVER_LIMIT "getheaders locator size N > 101" (Core disconnects). */
bool umk_locator_msg_read (const uint8_t *p, size_t len, const char *what, UmkLocatorMsg *out,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_locator_msg_write (GByteArray *w, uint32_t version, const UmkUint256 *locator, size_t n,
                            const UmkUint256 *hash_stop);
void umk_locator_msg_clear (UmkLocatorMsg *m);

/* ---- headers: block headers answering getheaders, or announcing new blocks.
 * Each header is followed by a transaction count, which Core reads (as a
 * CompactSize, canonical and ≤ MAX_SIZE) and ignores. */

/* Appends to out (a GArray of UmkBlockHeader). More than UMK_MAX_HEADERS_RESULTS
 * is OVER_LIMIT "headers message size = N", checked before the headers are read. */
bool umk_headers_msg_read (const uint8_t *p, size_t len, GArray *out,
                           GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Each header followed by a count of 0. */
void umk_headers_msg_write (GByteArray *w, const UmkBlockHeader *h, size_t n);

/* ---- ping / pong (liveness and latency: pong echoes ping's nonce) and feefilter
 * (the lowest fee rate, sat/kvB, of transactions the peer wants announced; an
 * int64 on the wire: cast). Core handles a pong shorter than 8 bytes itself
 * ("Short payload"): a truncation error here. */
bool umk_u64_msg_read (const uint8_t *p, size_t len, uint64_t *out,
                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_u64_msg_write (GByteArray *w, uint64_t v);

/* ---- sendcmpct (BIP 152): the peer can take compact blocks of this version; with
 * announce, it wants new blocks pushed as cmpctblock (high bandwidth). */
typedef struct
{
  bool announce;
  uint64_t version;
} UmkSendCmpctMsg;
bool umk_sendcmpct_msg_read (const uint8_t *p, size_t len, UmkSendCmpctMsg *out,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_sendcmpct_msg_write (GByteArray *w, const UmkSendCmpctMsg *m);

/* ---- sendtxrcncl (BIP 330): reconciliation version and salt, sent before verack. */
typedef struct
{
  uint32_t version;
  uint64_t salt;
} UmkSendTxRcnclMsg;
bool umk_sendtxrcncl_msg_read (const uint8_t *p, size_t len, UmkSendTxRcnclMsg *out,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_sendtxrcncl_msg_write (GByteArray *w, const UmkSendTxRcnclMsg *m);

/* ---- tx and block: one transaction (witness serialization allowed) and one
 * block. The result keeps a reference to payload (no copy). Trailing bytes are
 * ignored, as Core ignores them (ids and sizes come from the object's own bytes).
 * Errors are MALFORMED with the tx.h / block.h parsers' words. */
UmkTx *umk_tx_msg_read (GBytes *payload, GError **error) G_GNUC_WARN_UNUSED_RESULT;
UmkBlock *umk_block_msg_read (GBytes *payload, GError **error) G_GNUC_WARN_UNUSED_RESULT;
