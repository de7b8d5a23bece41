/* netaddress.h — network addresses as Umkoin Core keeps them: IPv4, IPv6, Tor v3,
 * I2P, CJDNS and the "internal" names addrman uses for DNS seeds; services
 * (address and port), addr/addrv2 entries and subnets.
 *
 * The values are plain structs that can be copied, compared and hashed. An
 * address is its network and its raw bytes (network byte order for IP); the
 * rules (which addresses are routable, how they group, how they serialize in
 * the legacy 16-byte form and in BIP 155) follow Core's CNetAddr, CService,
 * CAddress and CSubNet so that buckets, bans and files agree with umkoind.
 *
 * Parsing is numeric only: no function here resolves names through DNS.
 */
#pragma once

#include "common/serialize.h"

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Core's enum Network, in its order (the numbers are hashed into bucket keys). */
typedef enum
{
  UMK_NET_UNROUTABLE = 0,
  UMK_NET_IPV4,
  UMK_NET_IPV6,
  UMK_NET_ONION,
  UMK_NET_I2P,
  UMK_NET_CJDNS,
  UMK_NET_INTERNAL,
  UMK_NET_MAX
} UmkNetwork;

/* BIP 155 network ids. */
enum
{
  UMK_BIP155_IPV4 = 1,
  UMK_BIP155_IPV6 = 2,
  UMK_BIP155_TORV2 = 3,
  UMK_BIP155_TORV3 = 4,
  UMK_BIP155_I2P = 5,
  UMK_BIP155_CJDNS = 6,
};

#define UMK_ADDR_IPV4_SIZE     4
#define UMK_ADDR_IPV6_SIZE     16
#define UMK_ADDR_TORV3_SIZE    32
#define UMK_ADDR_I2P_SIZE      32
#define UMK_ADDR_CJDNS_SIZE    16
#define UMK_ADDR_INTERNAL_SIZE 10
/* Longest address BIP 155 allows on the wire. */
#define UMK_MAX_ADDRV2_SIZE 512
/* Most entries an addr/addrv2 message may carry (Core's MAX_ADDR_TO_SEND). */
#define UMK_MAX_ADDR_TO_SEND 1000
/* CAddress's time when none was given (Core's TIME_INIT). */
#define UMK_ADDRESS_TIME_INIT 100000000u

/* An address. net is never UMK_NET_UNROUTABLE for a real address (that value
 * is only a classification, see umk_netaddr_get_network()); len is the number
 * of meaningful bytes in addr (4, 10, 16 or 32), the rest is zero. A struct
 * initialised to zero, like umk_netaddr_init(), stands for Core's default
 * address "::", which is not valid. */
typedef struct
{
  UmkNetwork net;
  uint8_t len;
  uint8_t addr[32];
  uint32_t scope_id; /* IPv6 zone index; not part of equality or hashing */
} UmkNetAddr;

typedef struct
{
  UmkNetAddr addr;
  uint16_t port;
} UmkService;

/* An entry of an addr/addrv2 message (Core's CAddress). */
typedef struct
{
  UmkService service;
  uint32_t time; /* seconds since the epoch */
  uint64_t services;
} UmkAddress;

/* A subnet: a network address and a mask of the same size (16 bytes are kept;
 * IPv4 uses the first 4). Tor, I2P and CJDNS subnets are single addresses. */
typedef struct
{
  UmkNetAddr network;
  uint8_t netmask[16];
  bool valid;
} UmkSubNet;

/* ---- Construction ------------------------------------------------------- */

/* Sets "::" (Core's default-constructed CNetAddr). */
void umk_netaddr_init (UmkNetAddr *a);
bool umk_netaddr_set_ipv4 (UmkNetAddr *a, const uint8_t ip[4]);
/* Sets from 16 bytes as the legacy encoding reads them: ::ffff:a.b.c.d becomes
 * IPv4, the internal prefix fd6b:88c0:8724::/48 becomes NET_INTERNAL and the old
 * Tor v2 prefix the invalid "::". scope_id is cleared. */
bool umk_netaddr_set_ipv6 (UmkNetAddr *a, const uint8_t ip[16]);
/* Sets an "internal" address for a name (Core's SetInternal: the first 10
 * bytes of SHA-256(name)). Returns: false for an empty name. */
bool umk_netaddr_set_internal (UmkNetAddr *a, const char *name);
/* Parses a Tor v3 ".onion" or a 52-character ".b32.i2p" name (Core's
 * SetSpecial). On failure a is left unchanged. */
bool umk_netaddr_set_special (UmkNetAddr *a, const char *name);
/* Parses a numeric address: dotted IPv4 (every form the C library accepts,
 * as Core's getaddrinfo call does), IPv6 (optionally in brackets, with a
 * %zone), ".onion" and ".b32.i2p" names. Never resolves through DNS; internal
 * addresses are refused. On failure *out is "::". */
bool umk_netaddr_parse (const char *text, UmkNetAddr *out);

/* ---- Text --------------------------------------------------------------- */

/* Core's ToStringAddr: "1.2.3.4", RFC 5952 IPv6 ("2001:db8::1", "fe80::1%3"),
 * "<base32>.onion", "<base32>.b32.i2p", "<base32>.internal". Free with g_free(). */
char *umk_netaddr_to_string (const UmkNetAddr *a) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Properties (Core's CNetAddr::Is*) ------------------------------------ */

bool umk_netaddr_is_ipv4 (const UmkNetAddr *a);
bool umk_netaddr_is_ipv6 (const UmkNetAddr *a);
bool umk_netaddr_is_tor (const UmkNetAddr *a);
bool umk_netaddr_is_i2p (const UmkNetAddr *a);
bool umk_netaddr_is_cjdns (const UmkNetAddr *a);
bool umk_netaddr_is_internal (const UmkNetAddr *a);
bool umk_netaddr_is_privacy_net (const UmkNetAddr *a); /* Tor or I2P */
bool umk_netaddr_has_cjdns_prefix (const UmkNetAddr *a);
bool umk_netaddr_is_bind_any (const UmkNetAddr *a);
bool umk_netaddr_is_rfc1918 (const UmkNetAddr *a); /* 10/8, 192.168/16, 172.16/12 */
bool umk_netaddr_is_rfc2544 (const UmkNetAddr *a); /* 198.18/15 */
bool umk_netaddr_is_rfc3927 (const UmkNetAddr *a); /* 169.254/16 */
bool umk_netaddr_is_rfc6598 (const UmkNetAddr *a); /* 100.64/10 */
bool umk_netaddr_is_rfc5737 (const UmkNetAddr *a); /* documentation IPv4 */
bool umk_netaddr_is_rfc3849 (const UmkNetAddr *a); /* 2001:db8::/32 */
bool umk_netaddr_is_rfc3964 (const UmkNetAddr *a); /* 6to4 2002::/16 */
bool umk_netaddr_is_rfc6052 (const UmkNetAddr *a); /* 64:ff9b::/96 */
bool umk_netaddr_is_rfc4380 (const UmkNetAddr *a); /* Teredo 2001::/32 */
bool umk_netaddr_is_rfc4862 (const UmkNetAddr *a); /* fe80::/64 */
bool umk_netaddr_is_rfc4193 (const UmkNetAddr *a); /* fc00::/7 */
bool umk_netaddr_is_rfc6145 (const UmkNetAddr *a); /* ::ffff:0:0:0/96 */
bool umk_netaddr_is_rfc4843 (const UmkNetAddr *a); /* ORCHID 2001:10::/28 */
bool umk_netaddr_is_rfc7343 (const UmkNetAddr *a); /* ORCHIDv2 2001:20::/28 */
bool umk_netaddr_is_he_net (const UmkNetAddr *a);  /* 2001:470::/36 */
bool umk_netaddr_is_local (const UmkNetAddr *a);
bool umk_netaddr_is_valid (const UmkNetAddr *a);
bool umk_netaddr_is_routable (const UmkNetAddr *a);
/* Whether peers may be told about it even when we cannot reach it. */
bool umk_netaddr_is_relayable (const UmkNetAddr *a);
/* Whether the legacy 16-byte encoding can carry it (IPv4, IPv6, internal). */
bool umk_netaddr_is_addr_v1_compatible (const UmkNetAddr *a);

/* Core's GetNetwork: NET_INTERNAL, NET_UNROUTABLE for anything not routable,
 * else the address's network. This is what -onlynet and getpeerinfo use. */
UmkNetwork umk_netaddr_get_network (const UmkNetAddr *a);
/* Core's GetNetClass: as GetNetwork, but IPv6 addresses that embed an IPv4
 * address (6to4, Teredo, NAT64, SIIT) count as IPv4. */
UmkNetwork umk_netaddr_get_net_class (const UmkNetAddr *a);
bool umk_netaddr_has_linked_ipv4 (const UmkNetAddr *a);
/* The embedded IPv4 address as a host-order integer (a.b.c.d = a << 24 | ...);
 * only when umk_netaddr_has_linked_ipv4() or umk_netaddr_is_ipv4(). */
uint32_t umk_netaddr_get_linked_ipv4 (const UmkNetAddr *a);
/* Core's GetReachabilityFrom: how well this (local) address suits a partner,
 * 0 (unreachable) to 6 (private network). */
int umk_netaddr_get_reachability_from (const UmkNetAddr *a, const UmkNetAddr *partner);

/* Appends Core's GetAddrBytes: the 16-byte legacy form for addresses that have
 * one, else the raw bytes. */
void umk_netaddr_get_addr_bytes (const UmkNetAddr *a, GByteArray *out);
/* Appends Core's NetGroupManager::GetGroup without an asmap: the network class
 * and the /16 (IPv4), /32 (IPv6), /36 (he.net) or 4 bits (Tor, I2P) that
 * addrman buckets by and eviction protects. */
void umk_netaddr_get_group (const UmkNetAddr *a, GByteArray *out);

/* ---- Comparison and hashing ----------------------------------------------- */

/* Network and bytes (not the scope id), as Core's operator==. */
bool umk_netaddr_equal (const UmkNetAddr *a, const UmkNetAddr *b);
/* Core's operator<: by network, then by length, then bytes. Returns <0, 0, >0. */
int umk_netaddr_compare (const UmkNetAddr *a, const UmkNetAddr *b);
/* GHashTable-ready: umk_netaddr_hash / umk_netaddr_equal_func take UmkNetAddr *. */
guint umk_netaddr_hash (gconstpointer a);
gboolean umk_netaddr_equal_func (gconstpointer a, gconstpointer b);

/* ---- Services ------------------------------------------------------------- */

/* Sets "[::]:0". */
void umk_service_init (UmkService *s);
/* Core's ToIntegral<uint16_t> for a port: decimal digits only, the whole of
 * s[0..len), at most 65535 (0 included). */
bool umk_parse_port (const char *s, size_t len, uint16_t *out);
/* Core's SplitHostPort: splits "host:port", "[v6]:port", "[v6]" or a bare host.
 * host is newly allocated (brackets removed); *port is set only when a port
 * number was found. Returns: false when a port was given but is not a number
 * in 1..65535 (then host is the whole input, or the host for port 0). */
bool umk_split_host_port (const char *in, uint16_t *port, char **host);
/* Parses "1.2.3.4", "1.2.3.4:6333", "[::1]:6333", "::1", "x.onion:6333" as Core's
 * numeric Lookup does: default_port when none is given; like Core, a port the
 * text gives is used even when it is 0. On failure *out is "[::]:0". */
bool umk_service_parse (const char *text, uint16_t default_port, UmkService *out);
/* Core's ToStringAddrPort: "1.2.3.4:6333", "[::1]:6333", "x.onion:6333".
 * Free with g_free(). */
char *umk_service_to_string (const UmkService *s) G_GNUC_WARN_UNUSED_RESULT;
/* Core's GetKey: umk_netaddr_get_addr_bytes() then the port big-endian. */
void umk_service_get_key (const UmkService *s, GByteArray *out);
/* Core's MaybeFlipIPv6toCJDNS: an IPv6 address in fc00::/8 is CJDNS when that
 * network is reachable. */
void umk_service_maybe_flip_cjdns (UmkService *s, bool cjdns_reachable);

bool umk_service_equal (const UmkService *a, const UmkService *b);
int umk_service_compare (const UmkService *a, const UmkService *b);
guint umk_service_hash (gconstpointer s);
gboolean umk_service_equal_func (gconstpointer a, gconstpointer b);

/* Core's IsBadPort: ports of other well-known services that automatic
 * connections avoid. */
bool umk_is_bad_port (uint16_t port);

/* ---- Networks ------------------------------------------------------------- */

/* "ipv4", "ipv6", "onion", "i2p", "cjdns", "internal", "not_publicly_routable"
 * (getnetworkinfo and getpeerinfo's "network"); NULL for UMK_NET_MAX. */
const char *umk_network_name (UmkNetwork n);
/* Core's ParseNetwork for -onlynet and friends: "ipv4", "ipv6", "onion",
 * "i2p", "cjdns", case-insensitive. Like Core v31 (which dropped the old
 * "tor" alias), anything else, "tor" included, returns false. */
bool umk_network_parse (const char *name, UmkNetwork *out);

/* ---- Wire formats --------------------------------------------------------- */

/* The legacy 16-byte form: IPv6 as is, IPv4 as ::ffff:a.b.c.d, internal with
 * its fd6b:88c0:8724::/48 prefix; Tor, I2P and CJDNS as 16 zero bytes (Core
 * writes them so; callers send such addresses only to addrv2 peers). */
void umk_netaddr_write_v1 (GByteArray *w, const UmkNetAddr *a);
bool umk_netaddr_read_v1 (UmkReader *r, UmkNetAddr *out) G_GNUC_WARN_UNUSED_RESULT;
/* BIP 155: network id, CompactSize length, bytes (internal addresses go as
 * their legacy IPv6 form, as Core writes them into peers.dat). */
void umk_netaddr_write_v2 (GByteArray *w, const UmkNetAddr *a);
/* Reads a BIP 155 address. A length over 512 or a known network id with the
 * wrong length fails with Core's words ("Address too long: 513 > 512", "BIP155
 * IPv4 address with length 5 (should be 4)"). Like Core, an unknown network
 * id, Tor v2, and IPv4 or Tor v2 disguised as IPv6 are consumed and give the
 * invalid address "::" (net UMK_NET_IPV6, all zero), so a caller skips them. */
bool umk_netaddr_read_v2 (UmkReader *r, UmkNetAddr *out) G_GNUC_WARN_UNUSED_RESULT;

/* A service: address (v1 or v2) then the port big-endian. */
void umk_service_write (GByteArray *w, const UmkService *s, bool v2);
bool umk_service_read (UmkReader *r, bool v2, UmkService *out) G_GNUC_WARN_UNUSED_RESULT;

/* One addr (v2 false) or addrv2 entry: time (u32), services (u64, or a
 * CompactSize in v2), service. */
void umk_address_write (GByteArray *w, const UmkAddress *a, bool v2);
bool umk_address_read (UmkReader *r, bool v2, UmkAddress *out) G_GNUC_WARN_UNUSED_RESULT;
/* The disk form (peers.dat, anchors.dat): a format word (220000, or'ed with
 * 1 << 29 for BIP 155) and then the entry. Reading with allow_v2 false refuses
 * BIP 155 entries ("Unsupported CAddress disk format version"), as Core's
 * V1_DISK does. */
void umk_address_write_disk (GByteArray *w, const UmkAddress *a, bool v2);
bool umk_address_read_disk (UmkReader *r, bool allow_v2, UmkAddress *out) G_GNUC_WARN_UNUSED_RESULT;

/* An addr (v2 false) or addrv2 message payload into out (a GArray of
 * UmkAddress, appended to). Returns: false with UMK_ERROR_TOO_LARGE and
 * "addr message size = N" ("addrv2 …") when it holds more than 1000 entries
 * (Core treats that as misbehaviour), or with UMK_ERROR_INVALID/TRUNCATED and
 * Core's deserialization message for malformed data (which Core only logs).
 * Bytes after the last entry are ignored, as Core does. */
bool umk_addr_msg_read (const uint8_t *payload, size_t len, bool v2, GArray *out, GError **error);
void umk_addr_msg_write (GByteArray *w, const UmkAddress *addrs, size_t n, bool v2);

/* ---- Subnets -------------------------------------------------------------- */

/* An invalid subnet (matches nothing). */
void umk_subnet_init (UmkSubNet *s);
/* A network and a prefix length (0..32 for IPv4, 0..128 for IPv6); invalid for
 * other networks or lengths. */
void umk_subnet_from_cidr (const UmkNetAddr *a, uint8_t bits, UmkSubNet *out);
/* A network and a netmask address of the same family without 1-bits after
 * 0-bits; invalid otherwise. */
void umk_subnet_from_mask (const UmkNetAddr *a, const UmkNetAddr *mask, UmkSubNet *out);
/* The single-host subnet of a (/32, /128, or the exact Tor/I2P/CJDNS address);
 * invalid for internal addresses. */
void umk_subnet_from_addr (const UmkNetAddr *a, UmkSubNet *out);
/* Core's LookupSubNet without name resolution: "1.2.3.4", "1.2.3.0/24",
 * "1.2.3.0/255.255.255.0", "2001:db8::/32", "x.onion". An fc00::/8 address is
 * taken as CJDNS (Core's default, where CJDNS counts as reachable).
 * Returns: out->valid. */
bool umk_subnet_parse (const char *text, UmkSubNet *out);
/* As umk_subnet_parse(), saying whether CJDNS is reachable (-onlynet). */
bool umk_subnet_parse_full (const char *text, bool cjdns_reachable, UmkSubNet *out);
/* Whether a is a valid address inside s. */
bool umk_subnet_match (const UmkSubNet *s, const UmkNetAddr *a);
/* Core's CSubNet::ToString: "1.2.3.4/32", "1.2.3.0/24", "2001:db8::/32", or the
 * bare address for Tor, I2P and CJDNS. Free with g_free(). */
char *umk_subnet_to_string (const UmkSubNet *s) G_GNUC_WARN_UNUSED_RESULT;
bool umk_subnet_equal (const UmkSubNet *a, const UmkSubNet *b);
/* Core's operator< (the order of banlist.json). */
int umk_subnet_compare (const UmkSubNet *a, const UmkSubNet *b);
