/* netaddress.c — network addresses, services, addr entries and subnets; see
 * netaddress.h for the rules.
 *
 * Every function first maps a struct whose network or length is not one a
 * real address can have (a zero-filled struct, or a caller's mistake) to "::",
 * Core's default address, so no byte beyond an address's length is ever read
 * and such a struct behaves like Core's default-constructed CNetAddr.
 */
#define G_LOG_DOMAIN "umk-netaddress"
#include "config.h"

#include "common/netaddress.h"

#include "common/error.h"
#include "common/hash.h"

#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* Legacy (16-byte) prefixes of addresses that are not IPv6. */
static const uint8_t ipv4_in_ipv6_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };
static const uint8_t torv2_in_ipv6_prefix[6] = { 0xFD, 0x87, 0xD8, 0x7E, 0xEB, 0x43 };
/* fd6b:88c0:8724::/48, inside RFC 4193's unique-local range so that it can
 * never be routable; the bytes are Core's and part of peers.dat. */
static const uint8_t internal_in_ipv6_prefix[6] = { 0xFD, 0x6B, 0x88, 0xC0, 0x87, 0x24 };
#define CJDNS_PREFIX 0xFC

/* Disk format words of CAddress (see umk_address_write_disk). */
#define DISK_VERSION_INIT        220000u
#define DISK_VERSION_IGNORE_MASK 0x0007FFFFu
#define DISK_VERSION_ADDRV2      (1u << 29)

static uint8_t
net_size (UmkNetwork n)
{
  switch (n)
    {
    case UMK_NET_IPV4:
      return UMK_ADDR_IPV4_SIZE;
    case UMK_NET_IPV6:
      return UMK_ADDR_IPV6_SIZE;
    case UMK_NET_ONION:
      return UMK_ADDR_TORV3_SIZE;
    case UMK_NET_I2P:
      return UMK_ADDR_I2P_SIZE;
    case UMK_NET_CJDNS:
      return UMK_ADDR_CJDNS_SIZE;
    case UMK_NET_INTERNAL:
      return UMK_ADDR_INTERNAL_SIZE;
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      break;
    }
  return 0;
}

void
umk_netaddr_init (UmkNetAddr *a)
{
  memset (a, 0, sizeof *a);
  a->net = UMK_NET_IPV6;
  a->len = UMK_ADDR_IPV6_SIZE;
}

/* a itself when it is a well-formed address, else "::" in *tmp. */
static const UmkNetAddr *
norm (const UmkNetAddr *a, UmkNetAddr *tmp)
{
  if (a->net > UMK_NET_UNROUTABLE && a->net < UMK_NET_MAX && a->len == net_size (a->net))
    return a;
  umk_netaddr_init (tmp);
  return tmp;
}

#define NORM(a)       \
  UmkNetAddr a##_tmp; \
  a = norm (a, &a##_tmp)

static void
set_bytes (UmkNetAddr *a, UmkNetwork net, const uint8_t *bytes)
{
  memset (a, 0, sizeof *a);
  a->net = net;
  a->len = net_size (net);
  memcpy (a->addr, bytes, a->len);
}

static bool
has_prefix (const UmkNetAddr *a, const uint8_t *prefix, size_t n)
{
  return a->len >= n && memcmp (a->addr, prefix, n) == 0;
}

bool
umk_netaddr_set_ipv4 (UmkNetAddr *a, const uint8_t ip[4])
{
  set_bytes (a, UMK_NET_IPV4, ip);
  return true;
}

bool
umk_netaddr_set_ipv6 (UmkNetAddr *a, const uint8_t ip[16])
{
  if (memcmp (ip, ipv4_in_ipv6_prefix, sizeof ipv4_in_ipv6_prefix) == 0)
    set_bytes (a, UMK_NET_IPV4, ip + sizeof ipv4_in_ipv6_prefix);
  else if (memcmp (ip, torv2_in_ipv6_prefix, sizeof torv2_in_ipv6_prefix) == 0)
    /* Tor v2 is gone; such an address reads as the invalid "::" so that it is
     * skipped rather than mistaken for IPv6. */
    umk_netaddr_init (a);
  else if (memcmp (ip, internal_in_ipv6_prefix, sizeof internal_in_ipv6_prefix) == 0)
    set_bytes (a, UMK_NET_INTERNAL, ip + sizeof internal_in_ipv6_prefix);
  else
    set_bytes (a, UMK_NET_IPV6, ip);
  return true;
}

bool
umk_netaddr_set_internal (UmkNetAddr *a, const char *name)
{
  if (name == NULL || name[0] == '\0')
    return false;
  uint8_t hash[UMK_SHA256_SIZE];
  umk_sha256 (name, strlen (name), hash);
  set_bytes (a, UMK_NET_INTERNAL, hash);
  return true;
}

/* ---- Base32 (RFC 4648 alphabet, lower case, as Tor and I2P names use) ---- */

static char *
base32_encode (const uint8_t *data, size_t len, bool pad)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  GString *s = g_string_sized_new ((len + 4) / 5 * 8 + 1);
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < len; i++)
    {
      acc = (acc << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          g_string_append_c (s, alphabet[(acc >> bits) & 31]);
        }
    }
  if (bits > 0)
    g_string_append_c (s, alphabet[(acc << (5 - bits)) & 31]);
  if (pad)
    while (s->len % 8 != 0)
      g_string_append_c (s, '=');
  return g_string_free (s, FALSE);
}

static int
base32_digit (char c)
{
  if (c >= 'a' && c <= 'z')
    return c - 'a';
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= '2' && c <= '7')
    return c - '2' + 26;
  return -1;
}

/* Core's DecodeBase32: the length must be a multiple of 8, with 1, 3, 4 or 6
 * '=' of padding, and the unused low bits of the last digit must be zero.
 * Appends to out. */
static bool
base32_decode (const char *s, size_t len, GByteArray *out)
{
  if (len % 8 != 0)
    return false;
  /* Core strips '=', "==", '=', "==" in this order, each only if present. */
  if (len >= 1 && s[len - 1] == '=')
    len -= 1;
  if (len >= 2 && s[len - 1] == '=' && s[len - 2] == '=')
    len -= 2;
  if (len >= 1 && s[len - 1] == '=')
    len -= 1;
  if (len >= 2 && s[len - 1] == '=' && s[len - 2] == '=')
    len -= 2;
  uint32_t acc = 0;
  unsigned bits = 0;
  for (size_t i = 0; i < len; i++)
    {
      int v = base32_digit (s[i]);
      if (v < 0)
        return false;
      acc = ((acc << 5) | (uint32_t) v) & 0xFFF; /* 12 bits are all the state needed */
      bits += 5;
      if (bits >= 8)
        {
          bits -= 8;
          uint8_t b = (uint8_t) (acc >> bits);
          g_byte_array_append (out, &b, 1);
        }
    }
  return bits < 5 && ((acc << (8 - bits)) & 0xFF) == 0;
}

/* ---- SHA3-256, for the checksum of Tor v3 names ---------------------------
 *
 * libcrypto is reached only through common/hash, which has no SHA-3, and one
 * 15-byte-prefixed hash per onion name does not justify widening that door:
 * this is the Keccak-f[1600] permutation with FIPS 202's padding. */

static inline uint64_t
rotl64 (uint64_t x, unsigned n)
{
  return (x << n) | (x >> ((64 - n) & 63));
}

static void
keccak_f1600 (uint64_t st[25])
{
  static const uint64_t rc[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
  };
  /* Rotation amounts and lane order of the combined rho and pi steps. */
  static const unsigned rot[24] = { 1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                    27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44 };
  static const unsigned lane[24]
      = { 10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1 };
  for (unsigned round = 0; round < 24; round++)
    {
      uint64_t c[5];
      for (unsigned x = 0; x < 5; x++)
        c[x] = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
      for (unsigned x = 0; x < 5; x++)
        {
          uint64_t d = c[(x + 4) % 5] ^ rotl64 (c[(x + 1) % 5], 1);
          for (unsigned y = 0; y < 25; y += 5)
            st[y + x] ^= d;
        }
      uint64_t t = st[1];
      for (unsigned i = 0; i < 24; i++)
        {
          uint64_t next = st[lane[i]];
          st[lane[i]] = rotl64 (t, rot[i]);
          t = next;
        }
      for (unsigned y = 0; y < 25; y += 5)
        {
          uint64_t row[5];
          memcpy (row, st + y, sizeof row);
          for (unsigned x = 0; x < 5; x++)
            st[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
        }
      st[0] ^= rc[round];
    }
}

/* SHA3-256 of data (shorter than one 136-byte block is all this file needs,
 * but any length works). */
static void
sha3_256 (const uint8_t *data, size_t len, uint8_t out[32])
{
  enum
  {
    RATE = 136
  };
  uint64_t st[25] = { 0 };
  uint8_t block[RATE];
  for (;;)
    {
      size_t n = len < RATE ? len : RATE;
      memset (block, 0, sizeof block);
      memcpy (block, data, n);
      if (n == RATE)
        {
          for (unsigned i = 0; i < RATE / 8; i++)
            st[i] ^= umk_load_u64le (block + 8 * i);
          keccak_f1600 (st);
          data += RATE;
          len -= RATE;
          continue;
        }
      block[n] ^= 0x06;
      block[RATE - 1] ^= 0x80;
      for (unsigned i = 0; i < RATE / 8; i++)
        st[i] ^= umk_load_u64le (block + 8 * i);
      keccak_f1600 (st);
      break;
    }
  for (unsigned i = 0; i < 4; i++)
    umk_store_u64le (out + 8 * i, st[i]);
}

/* ---- Tor v3 and I2P names ------------------------------------------------- */

#define TORV3_VERSION      3
#define TORV3_CHECKSUM_LEN 2
#define TORV3_TOTAL_LEN    (UMK_ADDR_TORV3_SIZE + TORV3_CHECKSUM_LEN + 1)

/* The two checksum bytes of rend-spec-v3: SHA3-256(".onion checksum" | key | 3). */
static void
torv3_checksum (const uint8_t key[UMK_ADDR_TORV3_SIZE], uint8_t out[TORV3_CHECKSUM_LEN])
{
  static const char prefix[] = ".onion checksum";
  uint8_t buf[sizeof prefix - 1 + UMK_ADDR_TORV3_SIZE + 1];
  memcpy (buf, prefix, sizeof prefix - 1);
  memcpy (buf + sizeof prefix - 1, key, UMK_ADDR_TORV3_SIZE);
  buf[sizeof buf - 1] = TORV3_VERSION;
  uint8_t h[32];
  sha3_256 (buf, sizeof buf, h);
  memcpy (out, h, TORV3_CHECKSUM_LEN);
}

static bool
set_tor (UmkNetAddr *a, const char *name, size_t len)
{
  static const char suffix[] = ".onion";
  const size_t suffix_len = sizeof suffix - 1;
  if (len < suffix_len || memcmp (name + len - suffix_len, suffix, suffix_len) != 0)
    return false;
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  if (!base32_decode (name, len - suffix_len, bytes) || bytes->len != TORV3_TOTAL_LEN)
    return false;
  if (bytes->data[TORV3_TOTAL_LEN - 1] != TORV3_VERSION)
    return false;
  uint8_t checksum[TORV3_CHECKSUM_LEN];
  torv3_checksum (bytes->data, checksum);
  if (memcmp (checksum, bytes->data + UMK_ADDR_TORV3_SIZE, TORV3_CHECKSUM_LEN) != 0)
    return false;
  set_bytes (a, UMK_NET_ONION, bytes->data);
  return true;
}

static bool
set_i2p (UmkNetAddr *a, const char *name, size_t len)
{
  /* Only the 52-character names of 32-byte destination hashes; the longer
   * encrypted-leaseset names are not addresses BIP 155 can carry. */
  enum
  {
    B32_LEN = 52
  };
  static const char suffix[] = ".b32.i2p";
  if (len != B32_LEN + sizeof suffix - 1 || g_ascii_strncasecmp (name + B32_LEN, suffix, 8) != 0)
    return false;
  char padded[B32_LEN + 4];
  memcpy (padded, name, B32_LEN);
  memset (padded + B32_LEN, '=', 4);
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  if (!base32_decode (padded, sizeof padded, bytes) || bytes->len != UMK_ADDR_I2P_SIZE)
    return false;
  set_bytes (a, UMK_NET_I2P, bytes->data);
  return true;
}

bool
umk_netaddr_set_special (UmkNetAddr *a, const char *name)
{
  if (name == NULL)
    return false;
  size_t len = strlen (name);
  UmkNetAddr tmp;
  if (set_tor (&tmp, name, len) || set_i2p (&tmp, name, len))
    {
      *a = tmp;
      return true;
    }
  return false;
}

/* Core's LookupIntern for one numeric answer: a special name, else what the C
 * library's numeric parser makes of it (Core calls getaddrinfo with
 * AI_NUMERICHOST when lookups are off, so every IPv4 form the library accepts
 * is accepted alike). Internal addresses are never an answer. */
static bool
lookup_numeric (const char *name, UmkNetAddr *out)
{
  if (umk_netaddr_set_special (out, name))
    return true;
  if (name[0] == '\0')
    return false;
  struct addrinfo hints = { 0 };
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = AI_NUMERICHOST;
  struct addrinfo *res = NULL;
  if (getaddrinfo (name, NULL, &hints, &res) != 0)
    return false;
  bool found = false;
  for (struct addrinfo *ai = res; ai != NULL && !found; ai = ai->ai_next)
    {
      UmkNetAddr a;
      if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof (struct sockaddr_in))
        {
          const struct sockaddr_in *sin = (const struct sockaddr_in *) ai->ai_addr;
          umk_netaddr_set_ipv4 (&a, (const uint8_t *) &sin->sin_addr);
        }
      else if (ai->ai_family == AF_INET6 && ai->ai_addrlen >= sizeof (struct sockaddr_in6))
        {
          const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) ai->ai_addr;
          umk_netaddr_set_ipv6 (&a, sin6->sin6_addr.s6_addr);
          a.scope_id = sin6->sin6_scope_id;
        }
      else
        continue;
      /* Core takes the first answer and then drops it if it is internal. */
      if (a.net != UMK_NET_INTERNAL)
        {
          *out = a;
          found = true;
        }
      break;
    }
  freeaddrinfo (res);
  return found;
}

bool
umk_netaddr_parse (const char *text, UmkNetAddr *out)
{
  umk_netaddr_init (out);
  if (text == NULL || text[0] == '\0')
    return false;
  size_t len = strlen (text);
  g_autofree char *host = (len >= 2 && text[0] == '[' && text[len - 1] == ']')
                              ? g_strndup (text + 1, len - 2)
                              : g_strdup (text);
  UmkNetAddr a;
  if (!lookup_numeric (host, &a))
    return false;
  *out = a;
  return true;
}

/* ---- Text ------------------------------------------------------------------ */

static void
append_ipv6 (GString *s, const uint8_t *b, uint32_t scope_id)
{
  uint16_t groups[8];
  for (unsigned i = 0; i < 8; i++)
    groups[i] = (uint16_t) (b[2 * i] << 8 | b[2 * i + 1]);
  /* RFC 5952: the longest run of two or more zero groups (the first of equal
   * runs) becomes "::". */
  unsigned best_start = 0, best_len = 0, cur_start = 0, cur_len = 0;
  for (unsigned i = 0; i < 8; i++)
    {
      if (groups[i] != 0)
        {
          cur_start = i + 1;
          cur_len = 0;
          continue;
        }
      cur_len++;
      if (cur_len > best_len)
        {
          best_start = cur_start;
          best_len = cur_len;
        }
    }
  size_t start = s->len;
  for (unsigned i = 0; i < 8; i++)
    {
      if (best_len >= 2 && i >= best_start && i < best_start + best_len)
        {
          if (i == best_start)
            g_string_append (s, "::");
          continue;
        }
      if (s->len > start && s->str[s->len - 1] != ':')
        g_string_append_c (s, ':');
      g_string_append_printf (s, "%x", groups[i]);
    }
  if (scope_id != 0)
    g_string_append_printf (s, "%%%u", scope_id);
}

static void
append_addr (GString *s, const UmkNetAddr *a)
{
  switch (a->net)
    {
    case UMK_NET_IPV4:
      g_string_append_printf (s, "%u.%u.%u.%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3]);
      return;
    case UMK_NET_IPV6:
      append_ipv6 (s, a->addr, a->scope_id);
      return;
    case UMK_NET_CJDNS:
      append_ipv6 (s, a->addr, 0);
      return;
    case UMK_NET_ONION:
      {
        uint8_t full[TORV3_TOTAL_LEN];
        memcpy (full, a->addr, UMK_ADDR_TORV3_SIZE);
        torv3_checksum (a->addr, full + UMK_ADDR_TORV3_SIZE);
        full[TORV3_TOTAL_LEN - 1] = TORV3_VERSION;
        g_autofree char *b32 = base32_encode (full, sizeof full, true);
        g_string_append_printf (s, "%s.onion", b32);
        return;
      }
    case UMK_NET_I2P:
      {
        g_autofree char *b32 = base32_encode (a->addr, a->len, false);
        g_string_append_printf (s, "%s.b32.i2p", b32);
        return;
      }
    case UMK_NET_INTERNAL:
      {
        g_autofree char *b32 = base32_encode (a->addr, a->len, true);
        g_string_append_printf (s, "%s.internal", b32);
        return;
      }
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      break;
    }
}

char *
umk_netaddr_to_string (const UmkNetAddr *a)
{
  NORM (a);
  GString *s = g_string_sized_new (40);
  append_addr (s, a);
  return g_string_free (s, FALSE);
}

/* ---- Properties ------------------------------------------------------------- */

bool
umk_netaddr_is_ipv4 (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_IPV4;
}

bool
umk_netaddr_is_ipv6 (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_IPV6;
}

bool
umk_netaddr_is_tor (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_ONION;
}

bool
umk_netaddr_is_i2p (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_I2P;
}

bool
umk_netaddr_is_cjdns (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_CJDNS;
}

bool
umk_netaddr_is_internal (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_INTERNAL;
}

bool
umk_netaddr_is_privacy_net (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_ONION || a->net == UMK_NET_I2P;
}

bool
umk_netaddr_has_cjdns_prefix (const UmkNetAddr *a)
{
  NORM (a);
  return a->addr[0] == CJDNS_PREFIX;
}

bool
umk_netaddr_is_bind_any (const UmkNetAddr *a)
{
  NORM (a);
  if (a->net != UMK_NET_IPV4 && a->net != UMK_NET_IPV6)
    return false;
  for (unsigned i = 0; i < a->len; i++)
    if (a->addr[i] != 0)
      return false;
  return true;
}

static bool
v4 (const UmkNetAddr *a)
{
  return a->net == UMK_NET_IPV4;
}

static bool
v6 (const UmkNetAddr *a)
{
  return a->net == UMK_NET_IPV6;
}

static bool
v6_prefix (const UmkNetAddr *a, const uint8_t *prefix, size_t n)
{
  return v6 (a) && has_prefix (a, prefix, n);
}

static bool
is_rfc1918 (const UmkNetAddr *a)
{
  const uint8_t *b = a->addr;
  return v4 (a)
         && (b[0] == 10 || (b[0] == 192 && b[1] == 168)
             || (b[0] == 172 && b[1] >= 16 && b[1] <= 31));
}

static bool
is_rfc2544 (const UmkNetAddr *a)
{
  return v4 (a) && a->addr[0] == 198 && (a->addr[1] == 18 || a->addr[1] == 19);
}

static bool
is_rfc3927 (const UmkNetAddr *a)
{
  return v4 (a) && a->addr[0] == 169 && a->addr[1] == 254;
}

static bool
is_rfc6598 (const UmkNetAddr *a)
{
  return v4 (a) && a->addr[0] == 100 && a->addr[1] >= 64 && a->addr[1] <= 127;
}

static bool
is_rfc5737 (const UmkNetAddr *a)
{
  const uint8_t *b = a->addr;
  return v4 (a)
         && ((b[0] == 192 && b[1] == 0 && b[2] == 2) || (b[0] == 198 && b[1] == 51 && b[2] == 100)
             || (b[0] == 203 && b[1] == 0 && b[2] == 113));
}

static bool
is_rfc3849 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x01, 0x0D, 0xB8 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc3964 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x02 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc6052 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc4380 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x01, 0x00, 0x00 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc4862 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0xFE, 0x80, 0, 0, 0, 0, 0, 0 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc4193 (const UmkNetAddr *a)
{
  return v6 (a) && (a->addr[0] & 0xFE) == 0xFC;
}

static bool
is_rfc6145 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_rfc4843 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x01, 0x00 };
  return v6_prefix (a, p, sizeof p) && (a->addr[3] & 0xF0) == 0x10;
}

static bool
is_rfc7343 (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x01, 0x00 };
  return v6_prefix (a, p, sizeof p) && (a->addr[3] & 0xF0) == 0x20;
}

static bool
is_he_net (const UmkNetAddr *a)
{
  static const uint8_t p[] = { 0x20, 0x01, 0x04, 0x70 };
  return v6_prefix (a, p, sizeof p);
}

static bool
is_local (const UmkNetAddr *a)
{
  if (v4 (a) && (a->addr[0] == 127 || a->addr[0] == 0))
    return true;
  static const uint8_t loopback[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
  return v6 (a) && memcmp (a->addr, loopback, 16) == 0;
}

static bool
is_valid (const UmkNetAddr *a)
{
  static const uint8_t none6[16] = { 0 };
  if (v6 (a) && memcmp (a->addr, none6, 16) == 0)
    return false;
  if (a->net == UMK_NET_CJDNS && a->addr[0] != CJDNS_PREFIX)
    return false;
  if (is_rfc3849 (a) || a->net == UMK_NET_INTERNAL)
    return false;
  if (v4 (a))
    {
      uint32_t ip = (uint32_t) a->addr[0] << 24 | (uint32_t) a->addr[1] << 16
                    | (uint32_t) a->addr[2] << 8 | a->addr[3];
      if (ip == 0 || ip == 0xFFFFFFFFu)
        return false;
    }
  return true;
}

static bool
is_routable (const UmkNetAddr *a)
{
  return is_valid (a)
         && !(is_rfc1918 (a) || is_rfc2544 (a) || is_rfc3927 (a) || is_rfc4862 (a) || is_rfc6598 (a)
              || is_rfc5737 (a) || is_rfc4193 (a) || is_rfc4843 (a) || is_rfc7343 (a)
              || is_local (a) || a->net == UMK_NET_INTERNAL);
}

#define PUBLIC_PREDICATE(name)                  \
  bool umk_netaddr_##name (const UmkNetAddr *a) \
  {                                             \
    NORM (a);                                   \
    return name (a);                            \
  }

PUBLIC_PREDICATE (is_rfc1918)
PUBLIC_PREDICATE (is_rfc2544)
PUBLIC_PREDICATE (is_rfc3927)
PUBLIC_PREDICATE (is_rfc6598)
PUBLIC_PREDICATE (is_rfc5737)
PUBLIC_PREDICATE (is_rfc3849)
PUBLIC_PREDICATE (is_rfc3964)
PUBLIC_PREDICATE (is_rfc6052)
PUBLIC_PREDICATE (is_rfc4380)
PUBLIC_PREDICATE (is_rfc4862)
PUBLIC_PREDICATE (is_rfc4193)
PUBLIC_PREDICATE (is_rfc6145)
PUBLIC_PREDICATE (is_rfc4843)
PUBLIC_PREDICATE (is_rfc7343)
PUBLIC_PREDICATE (is_he_net)
PUBLIC_PREDICATE (is_local)
PUBLIC_PREDICATE (is_valid)
PUBLIC_PREDICATE (is_routable)

bool
umk_netaddr_is_relayable (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_IPV4 || a->net == UMK_NET_IPV6 || a->net == UMK_NET_ONION
         || a->net == UMK_NET_I2P || a->net == UMK_NET_CJDNS;
}

bool
umk_netaddr_is_addr_v1_compatible (const UmkNetAddr *a)
{
  NORM (a);
  return a->net == UMK_NET_IPV4 || a->net == UMK_NET_IPV6 || a->net == UMK_NET_INTERNAL;
}

static UmkNetwork
get_network (const UmkNetAddr *a)
{
  if (a->net == UMK_NET_INTERNAL)
    return UMK_NET_INTERNAL;
  if (!is_routable (a))
    return UMK_NET_UNROUTABLE;
  return a->net;
}

UmkNetwork
umk_netaddr_get_network (const UmkNetAddr *a)
{
  NORM (a);
  return get_network (a);
}

static bool
has_linked_ipv4 (const UmkNetAddr *a)
{
  return is_routable (a)
         && (v4 (a) || is_rfc6145 (a) || is_rfc6052 (a) || is_rfc3964 (a) || is_rfc4380 (a));
}

bool
umk_netaddr_has_linked_ipv4 (const UmkNetAddr *a)
{
  NORM (a);
  return has_linked_ipv4 (a);
}

static uint32_t
load_be32 (const uint8_t *p)
{
  return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint32_t
linked_ipv4 (const UmkNetAddr *a)
{
  if (v4 (a))
    return load_be32 (a->addr);
  if (is_rfc6052 (a) || is_rfc6145 (a))
    return load_be32 (a->addr + 12);
  if (is_rfc3964 (a))
    return load_be32 (a->addr + 2);
  if (is_rfc4380 (a))
    return ~load_be32 (a->addr + 12); /* Teredo stores the client's IPv4 inverted */
  return 0;
}

uint32_t
umk_netaddr_get_linked_ipv4 (const UmkNetAddr *a)
{
  NORM (a);
  return linked_ipv4 (a);
}

static UmkNetwork
get_net_class (const UmkNetAddr *a)
{
  /* Internal first: such addresses are also unroutable. */
  if (a->net == UMK_NET_INTERNAL)
    return UMK_NET_INTERNAL;
  if (!is_routable (a))
    return UMK_NET_UNROUTABLE;
  if (has_linked_ipv4 (a))
    return UMK_NET_IPV4;
  return a->net;
}

UmkNetwork
umk_netaddr_get_net_class (const UmkNetAddr *a)
{
  NORM (a);
  return get_net_class (a);
}

int
umk_netaddr_get_reachability_from (const UmkNetAddr *a, const UmkNetAddr *partner)
{
  enum
  {
    UNREACHABLE,
    DEFAULT,
    TEREDO,
    IPV6_WEAK,
    IPV4,
    IPV6_STRONG,
    PRIVATE
  };
  /* Teredo counts as a network of its own here (Core's NET_TEREDO). */
  const int net_teredo = UMK_NET_MAX;
  NORM (a);
  NORM (partner);
  if (!is_routable (a) || a->net == UMK_NET_INTERNAL)
    return UNREACHABLE;
  int ours = is_rfc4380 (a) ? net_teredo : (int) get_network (a);
  int theirs = is_rfc4380 (partner) ? net_teredo : (int) get_network (partner);
  bool tunnel = is_rfc3964 (a) || is_rfc6052 (a) || is_rfc6145 (a);
  switch (theirs)
    {
    case UMK_NET_IPV4:
      return ours == UMK_NET_IPV4 ? IPV4 : DEFAULT;
    case UMK_NET_IPV6:
      if (ours == net_teredo)
        return TEREDO;
      if (ours == UMK_NET_IPV4)
        return IPV4;
      if (ours == UMK_NET_IPV6)
        return tunnel ? IPV6_WEAK : IPV6_STRONG;
      return DEFAULT;
    case UMK_NET_ONION:
      if (ours == UMK_NET_IPV4)
        return IPV4;
      if (ours == UMK_NET_ONION)
        return PRIVATE;
      return DEFAULT;
    case UMK_NET_I2P:
      return ours == UMK_NET_I2P ? PRIVATE : DEFAULT;
    case UMK_NET_CJDNS:
      return ours == UMK_NET_CJDNS ? PRIVATE : DEFAULT;
    default:
      if (theirs == net_teredo)
        {
          if (ours == net_teredo)
            return TEREDO;
          if (ours == UMK_NET_IPV6)
            return IPV6_WEAK;
          if (ours == UMK_NET_IPV4)
            return IPV4;
          return DEFAULT;
        }
      /* unroutable or internal partner */
      if (ours == net_teredo)
        return TEREDO;
      if (ours == UMK_NET_IPV6)
        return IPV6_WEAK;
      if (ours == UMK_NET_IPV4)
        return IPV4;
      if (ours == UMK_NET_ONION)
        return PRIVATE;
      return DEFAULT;
    }
}

/* The legacy 16 bytes of an address. */
static void
v1_bytes (const UmkNetAddr *a, uint8_t out[16])
{
  switch (a->net)
    {
    case UMK_NET_IPV6:
      memcpy (out, a->addr, 16);
      return;
    case UMK_NET_IPV4:
      memcpy (out, ipv4_in_ipv6_prefix, 12);
      memcpy (out + 12, a->addr, 4);
      return;
    case UMK_NET_INTERNAL:
      memcpy (out, internal_in_ipv6_prefix, 6);
      memcpy (out + 6, a->addr, 10);
      return;
    case UMK_NET_ONION:
    case UMK_NET_I2P:
    case UMK_NET_CJDNS:
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      break;
    }
  memset (out, 0, 16);
}

static bool
v1_compatible (const UmkNetAddr *a)
{
  return a->net == UMK_NET_IPV4 || a->net == UMK_NET_IPV6 || a->net == UMK_NET_INTERNAL;
}

static void
addr_bytes (const UmkNetAddr *a, GByteArray *out)
{
  if (v1_compatible (a))
    {
      uint8_t b[16];
      v1_bytes (a, b);
      g_byte_array_append (out, b, 16);
    }
  else
    g_byte_array_append (out, a->addr, a->len);
}

void
umk_netaddr_get_addr_bytes (const UmkNetAddr *a, GByteArray *out)
{
  NORM (a);
  addr_bytes (a, out);
}

void
umk_netaddr_get_group (const UmkNetAddr *a, GByteArray *out)
{
  NORM (a);
  uint8_t net_class = (uint8_t) get_net_class (a);
  g_byte_array_append (out, &net_class, 1);
  unsigned start = 0, bits = 0;
  if (is_local (a))
    ; /* all local addresses form one group */
  else if (a->net == UMK_NET_INTERNAL)
    {
      /* each name its own group: the hash bytes after the legacy prefix */
      start = sizeof internal_in_ipv6_prefix;
      bits = UMK_ADDR_INTERNAL_SIZE * 8;
    }
  else if (!is_routable (a))
    ; /* all other unroutable addresses form one group */
  else if (has_linked_ipv4 (a))
    {
      uint32_t ip = linked_ipv4 (a);
      uint8_t b[2] = { (uint8_t) (ip >> 24), (uint8_t) (ip >> 16) };
      g_byte_array_append (out, b, 2);
      return;
    }
  else if (a->net == UMK_NET_ONION || a->net == UMK_NET_I2P)
    bits = 4;
  else if (a->net == UMK_NET_CJDNS)
    bits = 12; /* the first byte is always 0xfc: group by the 4 bits after it */
  else if (is_he_net (a))
    bits = 36;
  else
    bits = 32;

  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  addr_bytes (a, bytes);
  unsigned whole = bits / 8;
  g_byte_array_append (out, bytes->data + start, whole);
  if (bits % 8 != 0)
    {
      uint8_t last = bytes->data[start + whole] | (uint8_t) ((1u << (8 - bits % 8)) - 1);
      g_byte_array_append (out, &last, 1);
    }
}

/* ---- Comparison and hashing ------------------------------------------------ */

bool
umk_netaddr_equal (const UmkNetAddr *a, const UmkNetAddr *b)
{
  NORM (a);
  NORM (b);
  return a->net == b->net && a->len == b->len && memcmp (a->addr, b->addr, a->len) == 0;
}

int
umk_netaddr_compare (const UmkNetAddr *a, const UmkNetAddr *b)
{
  NORM (a);
  NORM (b);
  if (a->net != b->net)
    return a->net < b->net ? -1 : 1;
  if (a->len != b->len)
    return a->len < b->len ? -1 : 1;
  return memcmp (a->addr, b->addr, a->len);
}

/* Salted so that peers cannot choose addresses that all land in one slot of
 * the tables keyed by them. */
static void
hash_keys (uint64_t *k0, uint64_t *k1)
{
  static gsize once = 0;
  static uint64_t keys[2];
  if (g_once_init_enter (&once))
    {
      for (unsigned i = 0; i < 2; i++)
        keys[i] = (uint64_t) g_random_int () << 32 | g_random_int ();
      g_once_init_leave (&once, 1);
    }
  *k0 = keys[0];
  *k1 = keys[1];
}

static guint
hash_addr_port (const UmkNetAddr *a, int port)
{
  uint8_t buf[2 + 32 + 2];
  size_t n = 0;
  buf[n++] = (uint8_t) a->net;
  buf[n++] = a->len;
  memcpy (buf + n, a->addr, a->len);
  n += a->len;
  if (port >= 0)
    {
      buf[n++] = (uint8_t) (port >> 8);
      buf[n++] = (uint8_t) port;
    }
  uint64_t k0, k1;
  hash_keys (&k0, &k1);
  uint64_t h = umk_siphash24 (k0, k1, buf, n);
  return (guint) (h ^ (h >> 32));
}

guint
umk_netaddr_hash (gconstpointer p)
{
  const UmkNetAddr *a = p;
  NORM (a);
  return hash_addr_port (a, -1);
}

gboolean
umk_netaddr_equal_func (gconstpointer a, gconstpointer b)
{
  return umk_netaddr_equal (a, b);
}

/* ---- Services ------------------------------------------------------------- */

void
umk_service_init (UmkService *s)
{
  umk_netaddr_init (&s->addr);
  s->port = 0;
}

bool
umk_parse_port (const char *s, size_t len, uint16_t *out)
{
  if (len == 0)
    return false;
  uint32_t v = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (uint32_t) (s[i] - '0');
      if (v > 0xFFFF)
        return false;
    }
  *out = (uint16_t) v;
  return true;
}

bool
umk_split_host_port (const char *in, uint16_t *port, char **host)
{
  size_t len = strlen (in);
  const char *colon = strrchr (in, ':');
  bool valid = false;
  if (colon != NULL)
    {
      size_t pos = (size_t) (colon - in);
      bool bracketed = in[0] == '[' && in[pos - 1] == ']'; /* in[0] '[' means pos > 0 */
      bool multi_colon = pos != 0 && memchr (in, ':', pos) != NULL;
      if (pos == 0 || bracketed || !multi_colon)
        {
          uint16_t n;
          if (umk_parse_port (colon + 1, len - pos - 1, &n))
            {
              len = pos;
              *port = n;
              valid = n != 0;
            }
        }
      else
        valid = true;
    }
  else
    valid = true;
  if (len >= 2 && in[0] == '[' && in[len - 1] == ']')
    *host = g_strndup (in + 1, len - 2);
  else
    *host = g_strndup (in, len);
  return valid;
}

bool
umk_service_parse (const char *text, uint16_t default_port, UmkService *out)
{
  umk_service_init (out);
  if (text == NULL || text[0] == '\0')
    return false;
  uint16_t port = default_port;
  g_autofree char *host = NULL;
  /* Like Core's Lookup, the host is tried whatever the port's validity. */
  (void) umk_split_host_port (text, &port, &host);
  UmkNetAddr a;
  if (!lookup_numeric (host, &a))
    return false;
  out->addr = a;
  out->port = port;
  return true;
}

char *
umk_service_to_string (const UmkService *s)
{
  const UmkNetAddr *a = &s->addr;
  NORM (a);
  GString *str = g_string_sized_new (48);
  bool bare = a->net == UMK_NET_IPV4 || a->net == UMK_NET_ONION || a->net == UMK_NET_I2P
              || a->net == UMK_NET_INTERNAL;
  if (!bare)
    g_string_append_c (str, '[');
  append_addr (str, a);
  g_string_append_printf (str, "%s:%u", bare ? "" : "]", s->port);
  return g_string_free (str, FALSE);
}

void
umk_service_get_key (const UmkService *s, GByteArray *out)
{
  const UmkNetAddr *a = &s->addr;
  NORM (a);
  addr_bytes (a, out);
  uint8_t p[2] = { (uint8_t) (s->port >> 8), (uint8_t) s->port };
  g_byte_array_append (out, p, 2);
}

void
umk_service_maybe_flip_cjdns (UmkService *s, bool cjdns_reachable)
{
  if (s->addr.net == UMK_NET_IPV6 && s->addr.len == 16 && s->addr.addr[0] == CJDNS_PREFIX
      && cjdns_reachable)
    s->addr.net = UMK_NET_CJDNS;
}

bool
umk_service_equal (const UmkService *a, const UmkService *b)
{
  return a->port == b->port && umk_netaddr_equal (&a->addr, &b->addr);
}

int
umk_service_compare (const UmkService *a, const UmkService *b)
{
  int c = umk_netaddr_compare (&a->addr, &b->addr);
  if (c != 0)
    return c;
  return a->port < b->port ? -1 : a->port > b->port ? 1 : 0;
}

guint
umk_service_hash (gconstpointer p)
{
  const UmkService *s = p;
  const UmkNetAddr *a = &s->addr;
  NORM (a);
  return hash_addr_port (a, s->port);
}

gboolean
umk_service_equal_func (gconstpointer a, gconstpointer b)
{
  return umk_service_equal (a, b);
}

bool
umk_is_bad_port (uint16_t port)
{
  /* Core's list (doc/p2p-bad-ports.md), ascending. */
  static const uint16_t bad[] = {
    1,    7,    9,    11,   13,   15,   17,   19,   20,    21,    22,   23,   25,   37,   42,
    43,   53,   69,   77,   79,   87,   95,   101,  102,   103,   104,  109,  110,  111,  113,
    115,  117,  119,  123,  135,  137,  139,  143,  161,   179,   389,  427,  465,  512,  513,
    514,  515,  526,  530,  531,  532,  540,  548,  554,   556,   563,  587,  601,  636,  989,
    990,  993,  995,  1719, 1720, 1723, 2049, 3306, 3389,  3659,  4045, 5060, 5061, 5432, 5900,
    6000, 6566, 6665, 6666, 6667, 6668, 6669, 6697, 10080, 27017,
  };
  size_t lo = 0, hi = G_N_ELEMENTS (bad);
  while (lo < hi)
    {
      size_t mid = (lo + hi) / 2;
      if (bad[mid] == port)
        return true;
      if (bad[mid] < port)
        lo = mid + 1;
      else
        hi = mid;
    }
  return false;
}

/* ---- Networks --------------------------------------------------------------- */

const char *
umk_network_name (UmkNetwork n)
{
  switch (n)
    {
    case UMK_NET_UNROUTABLE:
      return "not_publicly_routable";
    case UMK_NET_IPV4:
      return "ipv4";
    case UMK_NET_IPV6:
      return "ipv6";
    case UMK_NET_ONION:
      return "onion";
    case UMK_NET_I2P:
      return "i2p";
    case UMK_NET_CJDNS:
      return "cjdns";
    case UMK_NET_INTERNAL:
      return "internal";
    case UMK_NET_MAX:
      break;
    }
  return NULL;
}

bool
umk_network_parse (const char *name, UmkNetwork *out)
{
  static const UmkNetwork nets[]
      = { UMK_NET_IPV4, UMK_NET_IPV6, UMK_NET_ONION, UMK_NET_I2P, UMK_NET_CJDNS };
  if (name == NULL)
    return false;
  for (size_t i = 0; i < G_N_ELEMENTS (nets); i++)
    if (g_ascii_strcasecmp (name, umk_network_name (nets[i])) == 0)
      {
        *out = nets[i];
        return true;
      }
  return false;
}

/* ---- Wire formats ------------------------------------------------------------ */

/* Core's messages carry numbers; UmkReader keeps a static text, so they are
 * formatted into a small per-thread ring. A text stays intact until seven more
 * such failures happen on the same thread, far beyond a reader's life. */
static const char *fail_text (UmkReader *r, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static const char *
fail_text (UmkReader *r, const char *fmt, ...)
{
  static _Thread_local char ring[8][96];
  static _Thread_local unsigned next;
  char *buf = ring[next++ % G_N_ELEMENTS (ring)];
  va_list ap;
  va_start (ap, fmt);
  g_vsnprintf (buf, sizeof ring[0], fmt, ap);
  va_end (ap);
  umk_reader_fail (r, UMK_SER_INVALID, buf);
  return buf;
}

void
umk_netaddr_write_v1 (GByteArray *w, const UmkNetAddr *a)
{
  NORM (a);
  uint8_t b[16];
  v1_bytes (a, b);
  g_byte_array_append (w, b, 16);
}

bool
umk_netaddr_read_v1 (UmkReader *r, UmkNetAddr *out)
{
  uint8_t b[16];
  umk_netaddr_init (out);
  if (!umk_read_bytes (r, b, 16))
    return false;
  return umk_netaddr_set_ipv6 (out, b);
}

static uint8_t
bip155_id (UmkNetwork n)
{
  switch (n)
    {
    case UMK_NET_IPV4:
      return UMK_BIP155_IPV4;
    case UMK_NET_ONION:
      return UMK_BIP155_TORV3;
    case UMK_NET_I2P:
      return UMK_BIP155_I2P;
    case UMK_NET_CJDNS:
      return UMK_BIP155_CJDNS;
    case UMK_NET_IPV6:
    case UMK_NET_INTERNAL:
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      break;
    }
  return UMK_BIP155_IPV6;
}

void
umk_netaddr_write_v2 (GByteArray *w, const UmkNetAddr *a)
{
  NORM (a);
  if (a->net == UMK_NET_INTERNAL)
    {
      /* Only peers.dat holds internal addresses; they go as their legacy
       * IPv6 form, which reading maps back. */
      umk_write_u8 (w, UMK_BIP155_IPV6);
      umk_write_compact_size (w, 16);
      umk_netaddr_write_v1 (w, a);
      return;
    }
  umk_write_u8 (w, bip155_id (a->net));
  umk_write_var_bytes (w, a->addr, a->len);
}

bool
umk_netaddr_read_v2 (UmkReader *r, UmkNetAddr *out)
{
  uint8_t id;
  uint64_t size;
  umk_netaddr_init (out);
  if (!umk_read_u8 (r, &id) || !umk_read_compact_size (r, &size, true))
    return false;
  if (size > UMK_MAX_ADDRV2_SIZE)
    {
      fail_text (r, "Address too long: %" G_GUINT64_FORMAT " > %u", size, UMK_MAX_ADDRV2_SIZE);
      return false;
    }
  UmkNetwork net = UMK_NET_MAX;
  const char *name = NULL;
  switch (id)
    {
    case UMK_BIP155_IPV4:
      net = UMK_NET_IPV4, name = "IPv4";
      break;
    case UMK_BIP155_IPV6:
      net = UMK_NET_IPV6, name = "IPv6";
      break;
    case UMK_BIP155_TORV3:
      net = UMK_NET_ONION, name = "TORv3";
      break;
    case UMK_BIP155_I2P:
      net = UMK_NET_I2P, name = "I2P";
      break;
    case UMK_BIP155_CJDNS:
      net = UMK_NET_CJDNS, name = "CJDNS";
      break;
    default:
      /* Tor v2 and ids from the future: skipped, read as the invalid "::" so
       * that the entries after them still count. */
      return umk_read_skip (r, (size_t) size);
    }
  if (size != net_size (net))
    {
      fail_text (r, "BIP155 %s address with length %" G_GUINT64_FORMAT " (should be %u)", name,
                 size, net_size (net));
      return false;
    }
  uint8_t b[32];
  if (!umk_read_bytes (r, b, (size_t) size))
    return false;
  if (net != UMK_NET_IPV6)
    {
      set_bytes (out, net, b);
      return true;
    }
  if (memcmp (b, internal_in_ipv6_prefix, sizeof internal_in_ipv6_prefix) == 0)
    {
      set_bytes (out, UMK_NET_INTERNAL, b + sizeof internal_in_ipv6_prefix);
      return true;
    }
  /* IPv4 and Tor v2 have ids of their own in BIP 155; disguised as IPv6
   * they are ignored (left as "::"). */
  if (memcmp (b, ipv4_in_ipv6_prefix, sizeof ipv4_in_ipv6_prefix) != 0
      && memcmp (b, torv2_in_ipv6_prefix, sizeof torv2_in_ipv6_prefix) != 0)
    set_bytes (out, UMK_NET_IPV6, b);
  return true;
}

void
umk_service_write (GByteArray *w, const UmkService *s, bool v2)
{
  if (v2)
    umk_netaddr_write_v2 (w, &s->addr);
  else
    umk_netaddr_write_v1 (w, &s->addr);
  umk_write_u16be (w, s->port);
}

bool
umk_service_read (UmkReader *r, bool v2, UmkService *out)
{
  umk_service_init (out);
  bool ok = v2 ? umk_netaddr_read_v2 (r, &out->addr) : umk_netaddr_read_v1 (r, &out->addr);
  return ok && umk_read_u16be (r, &out->port);
}

void
umk_address_write (GByteArray *w, const UmkAddress *a, bool v2)
{
  umk_write_u32le (w, a->time);
  if (v2)
    umk_write_compact_size (w, a->services);
  else
    umk_write_u64le (w, a->services);
  umk_service_write (w, &a->service, v2);
}

bool
umk_address_read (UmkReader *r, bool v2, UmkAddress *out)
{
  memset (out, 0, sizeof *out);
  umk_service_init (&out->service);
  if (!umk_read_u32le (r, &out->time))
    return false;
  /* Service bits are a CompactSize in addrv2, with no range limit. */
  bool ok
      = v2 ? umk_read_compact_size (r, &out->services, false) : umk_read_u64le (r, &out->services);
  return ok && umk_service_read (r, v2, &out->service);
}

void
umk_address_write_disk (GByteArray *w, const UmkAddress *a, bool v2)
{
  umk_write_u32le (w, DISK_VERSION_INIT | (v2 ? DISK_VERSION_ADDRV2 : 0));
  umk_address_write (w, a, v2);
}

bool
umk_address_read_disk (UmkReader *r, bool allow_v2, UmkAddress *out)
{
  uint32_t version;
  memset (out, 0, sizeof *out);
  umk_service_init (&out->service);
  if (!umk_read_u32le (r, &version))
    return false;
  /* The low bits once held a client version and mean nothing now. */
  version &= ~DISK_VERSION_IGNORE_MASK;
  bool v2;
  if (version == 0)
    v2 = false;
  else if (version == DISK_VERSION_ADDRV2 && allow_v2)
    v2 = true;
  else
    return umk_reader_fail (r, UMK_SER_INVALID, "Unsupported CAddress disk format version");
  return umk_address_read (r, v2, out);
}

bool
umk_addr_msg_read (const uint8_t *payload, size_t len, bool v2, GArray *out, GError **error)
{
  g_return_val_if_fail (out != NULL && g_array_get_element_size (out) == sizeof (UmkAddress),
                        false);
  UmkReader r;
  umk_reader_init (&r, payload, len);
  uint64_t n;
  /* Smallest entry: time, services and port, and an address of an unknown
   * network with no bytes (v2), or 16 bytes (v1). */
  const size_t min_entry = v2 ? 4 + 1 + 1 + 1 + 2 : 4 + 8 + 16 + 2;
  if (umk_read_compact_size (&r, &n, true) && n > umk_reader_remaining (&r) / min_entry)
    umk_reader_fail (&r, UMK_SER_TRUNCATED, NULL);
  guint start = out->len;
  for (uint64_t i = 0; umk_reader_ok (&r) && i < n; i++)
    {
      UmkAddress a;
      if (umk_address_read (&r, v2, &a))
        g_array_append_val (out, a);
    }
  if (!umk_reader_ok (&r))
    {
      g_array_set_size (out, start);
      int code = r.error == UMK_SER_TRUNCATED        ? UMK_ERROR_TRUNCATED
                 : r.error == UMK_SER_SIZE_TOO_LARGE ? UMK_ERROR_TOO_LARGE
                                                     : UMK_ERROR_INVALID;
      g_set_error_literal (error, UMK_ERROR, code, umk_reader_error_message (&r));
      return false;
    }
  if (n > UMK_MAX_ADDR_TO_SEND)
    {
      g_array_set_size (out, start);
      g_set_error (error, UMK_ERROR, UMK_ERROR_TOO_LARGE, "%s message size = %" G_GUINT64_FORMAT,
                   v2 ? "addrv2" : "addr", n);
      return false;
    }
  return true;
}

void
umk_addr_msg_write (GByteArray *w, const UmkAddress *addrs, size_t n, bool v2)
{
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    umk_address_write (w, &addrs[i], v2);
}

/* ---- Subnets ----------------------------------------------------------------- */

void
umk_subnet_init (UmkSubNet *s)
{
  memset (s, 0, sizeof *s);
  umk_netaddr_init (&s->network);
  s->valid = false;
}

void
umk_subnet_from_cidr (const UmkNetAddr *a, uint8_t bits, UmkSubNet *out)
{
  NORM (a);
  umk_subnet_init (out);
  out->valid = (a->net == UMK_NET_IPV4 && bits <= 32) || (a->net == UMK_NET_IPV6 && bits <= 128);
  if (!out->valid)
    return;
  out->network = *a;
  unsigned n = bits;
  for (unsigned i = 0; i < a->len; i++)
    {
      unsigned b = n < 8 ? n : 8;
      out->netmask[i] = (uint8_t) (0xFF << (8 - b));
      out->network.addr[i] &= out->netmask[i];
      n -= b;
    }
}

/* Leading 1-bits of a netmask byte, or -1 when it is not of the form 1…10…0. */
static int
netmask_bits (uint8_t x)
{
  for (int n = 0; n <= 8; n++)
    if (x == (uint8_t) (0xFF00 >> n))
      return n;
  return -1;
}

void
umk_subnet_from_mask (const UmkNetAddr *a, const UmkNetAddr *mask, UmkSubNet *out)
{
  NORM (a);
  NORM (mask);
  umk_subnet_init (out);
  if (!((a->net == UMK_NET_IPV4 || a->net == UMK_NET_IPV6) && a->net == mask->net))
    return;
  bool zeros = false;
  for (unsigned i = 0; i < mask->len; i++)
    {
      int n = netmask_bits (mask->addr[i]);
      if (n < 0 || (zeros && n != 0))
        return;
      if (n < 8)
        zeros = true;
    }
  out->valid = true;
  memcpy (out->netmask, mask->addr, mask->len);
  out->network = *a;
  for (unsigned i = 0; i < a->len; i++)
    out->network.addr[i] &= out->netmask[i];
}

void
umk_subnet_from_addr (const UmkNetAddr *a, UmkSubNet *out)
{
  NORM (a);
  umk_subnet_init (out);
  switch (a->net)
    {
    case UMK_NET_IPV4:
    case UMK_NET_IPV6:
      memset (out->netmask, 0xFF, a->len);
      break;
    case UMK_NET_ONION:
    case UMK_NET_I2P:
    case UMK_NET_CJDNS:
      break;
    case UMK_NET_INTERNAL:
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      return;
    }
  out->valid = true;
  out->network = *a;
}

bool
umk_subnet_parse_full (const char *text, bool cjdns_reachable, UmkSubNet *out)
{
  umk_subnet_init (out);
  if (text == NULL)
    return false;
  const char *slash = strrchr (text, '/');
  g_autofree char *addr_text = slash ? g_strndup (text, (size_t) (slash - text)) : g_strdup (text);
  UmkService s;
  if (!umk_netaddr_parse (addr_text, &s.addr))
    return false;
  s.port = 0;
  umk_service_maybe_flip_cjdns (&s, cjdns_reachable);
  if (slash == NULL)
    {
      umk_subnet_from_addr (&s.addr, out);
      return out->valid;
    }
  const char *mask_text = slash + 1;
  size_t mask_len = strlen (mask_text);
  /* Core's ToIntegral<uint8_t>: digits only, at most 255; anything else is
   * read as a netmask address. */
  uint16_t bits;
  if (umk_parse_port (mask_text, mask_len, &bits) && bits <= 255)
    umk_subnet_from_cidr (&s.addr, (uint8_t) bits, out);
  else
    {
      UmkNetAddr mask;
      if (umk_netaddr_parse (mask_text, &mask))
        umk_subnet_from_mask (&s.addr, &mask, out);
    }
  return out->valid;
}

bool
umk_subnet_parse (const char *text, UmkSubNet *out)
{
  return umk_subnet_parse_full (text, true, out);
}

bool
umk_subnet_match (const UmkSubNet *s, const UmkNetAddr *a)
{
  const UmkNetAddr *net = &s->network;
  NORM (net);
  NORM (a);
  if (!s->valid || !is_valid (a) || net->net != a->net)
    return false;
  switch (net->net)
    {
    case UMK_NET_IPV4:
    case UMK_NET_IPV6:
      for (unsigned i = 0; i < a->len; i++)
        if ((a->addr[i] & s->netmask[i]) != net->addr[i])
          return false;
      return true;
    case UMK_NET_ONION:
    case UMK_NET_I2P:
    case UMK_NET_CJDNS:
    case UMK_NET_INTERNAL:
      return umk_netaddr_equal (net, a);
    case UMK_NET_UNROUTABLE:
    case UMK_NET_MAX:
      break;
    }
  return false;
}

char *
umk_subnet_to_string (const UmkSubNet *s)
{
  const UmkNetAddr *net = &s->network;
  NORM (net);
  GString *str = g_string_sized_new (48);
  append_addr (str, net);
  if (net->net == UMK_NET_IPV4 || net->net == UMK_NET_IPV6)
    {
      unsigned cidr = 0;
      for (unsigned i = 0; i < net->len && s->netmask[i] != 0; i++)
        {
          int n = netmask_bits (s->netmask[i]);
          cidr += n > 0 ? (unsigned) n : 0;
        }
      g_string_append_printf (str, "/%u", cidr);
    }
  return g_string_free (str, FALSE);
}

bool
umk_subnet_equal (const UmkSubNet *a, const UmkSubNet *b)
{
  return a->valid == b->valid && umk_netaddr_equal (&a->network, &b->network)
         && memcmp (a->netmask, b->netmask, 16) == 0;
}

int
umk_subnet_compare (const UmkSubNet *a, const UmkSubNet *b)
{
  int c = umk_netaddr_compare (&a->network, &b->network);
  if (c != 0)
    return c;
  return memcmp (a->netmask, b->netmask, 16);
}
