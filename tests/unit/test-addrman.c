/* Tests for the address manager: Core's src/test/addrman_tests.cpp cases
 * (the bucket numbers and collision counts depend on Core's hashes and
 * deterministic key, so they check that placement is Core's), peers.dat in
 * both directions with a file written by umkoind, and damaged files. */
#include "config.h"

#include "common/hash.h"
#include "common/hex.h"
#include "node/addrman.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

static const uint8_t regtest_magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
/* A fixed clock: Wed Nov 15 2023. */
#define NOW ((int64_t) 1700000000)

static UmkNetAddr
ip (const char *text)
{
  UmkNetAddr a;
  if (!umk_netaddr_parse (text, &a))
    g_error ("failed to resolve %s", text);
  return a;
}

static UmkService
svc (const char *text, uint16_t port)
{
  UmkService s;
  if (!umk_service_parse (text, port, &s))
    g_error ("failed to resolve %s:%u", text, port);
  return s;
}

/* Core's CAddress(service, NODE_NONE): time TIME_INIT. */
static UmkAddress
caddr (const char *text, uint16_t port)
{
  UmkAddress a = { 0 };
  a.service = svc (text, port);
  a.time = UMK_ADDRESS_TIME_INIT;
  return a;
}

static UmkAddress
caddr_special (const char *name)
{
  UmkAddress a = { 0 };
  umk_service_init (&a.service);
  g_assert_true (umk_netaddr_set_special (&a.service.addr, name));
  a.time = UMK_ADDRESS_TIME_INIT;
  return a;
}

/* A deterministic manager on the fixed clock that checks its own consistency
 * after every operation, as Core's tests run with -checkaddrman. */
static UmkAddrMan *
new_addrman (void)
{
  UmkAddrMan *am = umk_addrman_new (true);
  umk_addrman_set_mocktime (am, NOW);
  umk_addrman_set_consistency_checks (am, 1);
  return am;
}

static bool
add1 (UmkAddrMan *am, const UmkAddress *a, const UmkNetAddr *source)
{
  return umk_addrman_add (am, a, 1, source, 0) == 1;
}

static bool
good (UmkAddrMan *am, const UmkService *s)
{
  return umk_addrman_good (am, s, umk_addrman_now (am));
}

static char *
select_str (UmkAddrMan *am, bool new_only)
{
  UmkAddress out;
  (void) umk_addrman_select (am, new_only, NULL, 0, &out, NULL);
  return umk_service_to_string (&out.service);
}

static bool
select_net (UmkAddrMan *am, bool new_only, UmkNetwork net, UmkAddress *out)
{
  return umk_addrman_select (am, new_only, &net, 1, out, NULL);
}

static char *
collision_str (UmkAddrMan *am)
{
  UmkAddress out;
  (void) umk_addrman_select_tried_collision (am, &out, NULL);
  return umk_service_to_string (&out.service);
}

static size_t
size_all (UmkAddrMan *am)
{
  return umk_addrman_size (am, -1, -1);
}

static void
test_simple (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");

  g_assert_cmpuint (size_all (am), ==, 0);
  g_autofree char *none = select_str (am, false);
  g_assert_cmpstr (none, ==, "[::]:0");

  UmkAddress a1 = caddr ("250.1.1.1", 6333);
  g_assert_true (add1 (am, &a1, &source));
  g_assert_cmpuint (size_all (am), ==, 1);
  g_autofree char *s1 = select_str (am, false);
  g_assert_cmpstr (s1, ==, "250.1.1.1:6333");

  /* the same service again is not added */
  g_assert_false (add1 (am, &a1, &source));
  g_assert_cmpuint (size_all (am), ==, 1);

  UmkAddress a2 = caddr ("250.1.1.2", 6333);
  g_assert_true (add1 (am, &a2, &source));
  g_assert_cmpuint (size_all (am), >=, 1);

  g_autoptr (UmkAddrMan) am2 = new_addrman ();
  UmkAddress two[2] = { caddr ("250.1.1.3", 6333), caddr ("250.1.1.4", 6333) };
  g_assert_cmpuint (umk_addrman_add (am2, two, 2, &source, 0), >=, 1);
  g_assert_cmpuint (size_all (am2), >=, 1);

  /* unroutable addresses are never added */
  UmkAddress local = caddr ("127.0.0.1", 6333), priv = caddr ("10.0.0.1", 6333);
  g_assert_false (add1 (am2, &local, &source));
  g_assert_false (add1 (am2, &priv, &source));
  g_assert_cmpint (umk_addrman_check (am), ==, 0);
}

static void
test_penalty_self_announcement (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  const int64_t base = NOW - 10000;
  UmkAddress a1 = caddr ("250.1.1.1", 6333);
  a1.time = (uint32_t) base;
  UmkNetAddr source1 = ip ("250.1.1.1"); /* the address itself */
  g_assert_cmpuint (umk_addrman_add (am, &a1, 1, &source1, 3600), ==, 1);
  UmkAddrManEntry e;
  g_assert_true (umk_addrman_find (am, &a1.service, &e));
  g_autoptr (GArray) got = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpuint (g_array_index (got, UmkAddress, 0).time, ==, base); /* no penalty */

  UmkAddress a2 = caddr ("250.1.1.2", 6333);
  a2.time = (uint32_t) base;
  UmkNetAddr source2 = ip ("250.1.1.3");
  g_assert_cmpuint (umk_addrman_add (am, &a2, 1, &source2, 3600), ==, 1);
  g_autoptr (GArray) got2 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (got2->len, ==, 2);
  g_assert_true (umk_addrman_find (am, &a2.service, &e));
  g_assert_cmpuint (e.address.time, ==, base - 3600);
}

static void
test_ports (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  UmkAddress a1 = caddr ("250.1.1.1", 6333), a1p = caddr ("250.1.1.1", 6334);
  g_assert_true (add1 (am, &a1, &source));
  g_assert_cmpuint (size_all (am), ==, 1);
  /* same IP, another port: a second entry */
  g_assert_true (add1 (am, &a1p, &source));
  g_assert_cmpuint (size_all (am), ==, 2);
  g_autofree char *s = select_str (am, false);
  g_assert_true (g_str_equal (s, "250.1.1.1:6333") || g_str_equal (s, "250.1.1.1:6334"));
  /* only the entry with that port moves to tried */
  good (am, &a1p.service);
  g_assert_cmpuint (size_all (am), ==, 2);
  g_autofree char *n = select_str (am, true);
  g_assert_cmpstr (n, ==, "250.1.1.1:6333");
}

static void
test_select (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress out;
  g_assert_false (umk_addrman_select (am, false, NULL, 0, &out, NULL));
  g_assert_false (umk_addrman_select (am, true, NULL, 0, &out, NULL));
  g_assert_false (umk_netaddr_is_valid (&out.service.addr));

  UmkNetAddr source = ip ("252.2.2.2");
  UmkAddress a1 = caddr ("250.1.1.1", 6333);
  g_assert_true (add1 (am, &a1, &source));
  g_assert_cmpuint (size_all (am), ==, 1);
  g_assert_true (umk_addrman_select (am, true, NULL, 0, &out, NULL));
  g_assert_true (umk_service_equal (&out.service, &a1.service));
  g_assert_true (umk_addrman_select (am, false, NULL, 0, &out, NULL));
  g_assert_true (umk_service_equal (&out.service, &a1.service));

  g_assert_true (good (am, &a1.service));
  g_assert_cmpuint (size_all (am), ==, 1);
  g_assert_false (umk_addrman_select (am, true, NULL, 0, &out, NULL));
  g_assert_true (umk_addrman_select (am, false, NULL, 0, &out, NULL));
  g_assert_true (umk_service_equal (&out.service, &a1.service));

  UmkAddress a2 = caddr ("250.3.1.1", 6333);
  g_assert_true (add1 (am, &a2, &a2.service.addr));
  g_assert_true (umk_addrman_select (am, true, NULL, 0, &out, NULL));
  g_assert_true (umk_service_equal (&out.service, &a2.service));

  UmkAddress a3 = caddr ("250.3.2.2", 9999), a4 = caddr ("250.3.3.3", 9999);
  g_assert_true (add1 (am, &a3, &a2.service.addr));
  UmkNetAddr s4 = ip ("250.4.1.1");
  g_assert_true (add1 (am, &a4, &s4));

  UmkAddress a5 = caddr ("250.4.4.4", 6333), a6 = caddr ("250.4.5.5", 7777),
             a7 = caddr ("250.4.6.6", 6333);
  g_assert_true (add1 (am, &a5, &a3.service.addr));
  g_assert_true (good (am, &a5.service));
  g_assert_true (add1 (am, &a6, &a3.service.addr));
  g_assert_true (good (am, &a6.service));
  UmkNetAddr s7 = ip ("250.1.1.3");
  g_assert_true (add1 (am, &a7, &s7));
  g_assert_true (good (am, &a7.service));
  g_assert_cmpuint (size_all (am), ==, 7);

  /* picks come from both tables whatever the port */
  g_autoptr (GHashTable) ports = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int i = 0; i < 20; i++)
    {
      g_assert_true (umk_addrman_select (am, false, NULL, 0, &out, NULL));
      g_hash_table_add (ports, GUINT_TO_POINTER (out.service.port));
    }
  g_assert_cmpuint (g_hash_table_size (ports), ==, 3);
}

static void
test_select_by_network (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress out;
  g_assert_false (select_net (am, true, UMK_NET_IPV4, &out));
  g_assert_false (select_net (am, false, UMK_NET_IPV4, &out));

  UmkNetAddr source = ip ("252.2.2.2");
  UmkAddress a1 = caddr ("250.1.1.1", 6333);
  g_assert_true (add1 (am, &a1, &source));
  g_assert_true (select_net (am, true, UMK_NET_IPV4, &out));
  g_assert_true (umk_service_equal (&out.service, &a1.service));
  g_assert_true (select_net (am, false, UMK_NET_IPV4, &out));
  g_assert_false (select_net (am, false, UMK_NET_IPV6, &out));
  g_assert_false (select_net (am, false, UMK_NET_ONION, &out));
  g_assert_false (select_net (am, false, UMK_NET_I2P, &out));
  g_assert_false (select_net (am, false, UMK_NET_CJDNS, &out));
  g_assert_false (select_net (am, true, UMK_NET_CJDNS, &out));

  UmkAddress i2p = caddr_special ("udhdrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.i2p");
  g_assert_true (add1 (am, &i2p, &source));
  g_assert_true (select_net (am, true, UMK_NET_I2P, &out));
  g_assert_true (umk_service_equal (&out.service, &i2p.service));
  g_assert_true (select_net (am, false, UMK_NET_I2P, &out));
  g_assert_true (select_net (am, false, UMK_NET_IPV4, &out));
  g_assert_true (umk_service_equal (&out.service, &a1.service));
  const UmkNetwork with[] = { UMK_NET_IPV4, UMK_NET_I2P };
  g_assert_true (umk_addrman_select (am, false, with, 2, &out, NULL));
  const UmkNetwork without[] = { UMK_NET_IPV6, UMK_NET_ONION, UMK_NET_CJDNS };
  g_assert_false (umk_addrman_select (am, false, without, 3, &out, NULL));

  g_assert_true (good (am, &i2p.service));
  g_assert_false (select_net (am, true, UMK_NET_I2P, &out));
  g_assert_true (select_net (am, false, UMK_NET_I2P, &out));
  g_assert_true (umk_service_equal (&out.service, &i2p.service));

  UmkAddress i2p2 = caddr_special ("c4gfnttsuwqomiygupdqqqyy5y5emnk5c73hrfvatri67prd7vyq.b32.i2p");
  g_assert_true (add1 (am, &i2p2, &source));
  g_assert_true (select_net (am, true, UMK_NET_I2P, &out));
  g_assert_true (umk_service_equal (&out.service, &i2p2.service));

  bool new_seen = false, tried_seen = false;
  for (int i = 0; i < 256 && !(new_seen && tried_seen); i++)
    {
      g_assert_true (select_net (am, false, UMK_NET_I2P, &out));
      if (umk_service_equal (&out.service, &i2p.service))
        tried_seen = true;
      else if (umk_service_equal (&out.service, &i2p2.service))
        new_seen = true;
      else
        g_assert_not_reached ();
    }
  g_assert_true (new_seen && tried_seen);
}

static void
test_select_special (void)
{
  /* not deterministic, so a pass is not luck of the seed */
  g_autoptr (UmkAddrMan) am = umk_addrman_new (false);
  umk_addrman_set_consistency_checks (am, 1);
  UmkNetAddr source = ip ("252.2.2.2");
  UmkAddress i2p = caddr_special ("udhdrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.i2p");
  g_assert_true (add1 (am, &i2p, &source));
  g_assert_true (good (am, &i2p.service));
  UmkAddress a1 = caddr ("250.1.1.3", 6333);
  g_assert_true (add1 (am, &a1, &source));
  /* the only IPv4 address is in new: new is searched even if new_only is off */
  for (int i = 0; i < 50; i++)
    {
      UmkAddress out;
      g_assert_true (select_net (am, false, UMK_NET_IPV4, &out));
      g_assert_true (umk_service_equal (&out.service, &a1.service));
    }
}

static UmkAddress
numbered (int i)
{
  g_autofree char *text = g_strdup_printf ("250.1.1.%d", i);
  return caddr (text, 0);
}

static void
test_new_collisions (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  int n = 0;
  /* 250.1.1.1 to .22 do not collide with key 1... */
  while (n < 22)
    {
      UmkAddress a = numbered (++n);
      g_assert_true (add1 (am, &a, &source));
      g_assert_cmpuint (size_all (am), ==, (size_t) n);
    }
  /* ...and .23 takes the slot of an earlier one */
  UmkAddress a23 = numbered (++n);
  g_assert_true (add1 (am, &a23, &source));
  g_assert_cmpuint (size_all (am), ==, (size_t) n - 1);
  UmkAddress a24 = numbered (++n);
  g_assert_true (add1 (am, &a24, &source));
  g_assert_cmpuint (size_all (am), ==, (size_t) n - 1);
}

static void
test_new_multiplicity (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress a = caddr ("253.3.3.3", 6333);
  a.time = (uint32_t) NOW;
  for (unsigned i = 1; i < 20; i++)
    {
      g_autofree char *src_text = g_strdup_printf ("%u.%u.1.1", i % 256, i >> 8);
      UmkNetAddr src = ip (src_text);
      umk_addrman_add (am, &a, 1, &src, 0);
    }
  UmkAddrManEntry e;
  g_assert_true (umk_addrman_find (am, &a.service, &e));
  /* without a newer time the address stays in one bucket */
  g_assert_cmpint (e.multiplicity, ==, 1);
  g_assert_cmpuint (size_all (am), ==, 1);
  /* with newer times it spreads, less and less likely, to at most 8 */
  for (unsigned i = 1; i < 400; i++)
    {
      g_autofree char *src_text = g_strdup_printf ("%u.%u.1.1", i % 256, i >> 8);
      UmkNetAddr src = ip (src_text);
      a.time = (uint32_t) (NOW + i);
      umk_addrman_add (am, &a, 1, &src, 0);
    }
  g_assert_true (umk_addrman_find (am, &a.service, &e));
  g_assert_cmpint (e.multiplicity, ==, 8);
  g_assert_cmpuint (size_all (am), ==, 1);
  g_autoptr (GArray) entries = umk_addrman_get_entries (am, false);
  g_assert_cmpuint (entries->len, ==, 8);
}

static void
test_tried_collisions (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  int n = 0;
  /* 250.1.1.1 to .35 fit in tried with key 1 */
  while (n < 35)
    {
      UmkAddress a = numbered (++n);
      g_assert_true (add1 (am, &a, &source));
      g_assert_true (good (am, &a.service));
    }
  UmkAddress a36 = numbered (++n);
  g_assert_true (add1 (am, &a36, &source));
  g_assert_false (good (am, &a36.service));
  UmkAddress a37 = numbered (++n);
  g_assert_true (add1 (am, &a37, &source));
  g_assert_true (good (am, &a37.service));
}

static void
test_getaddr (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  umk_addrman_set_consistency_checks (am, 100);
  g_autoptr (GArray) empty = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (empty->len, ==, 0);

  UmkAddress a[5]
      = { caddr ("250.250.2.1", 6333), caddr ("250.251.2.2", 9999), caddr ("251.252.2.3", 6333),
          caddr ("252.253.3.4", 6333), caddr ("252.254.4.5", 6333) };
  for (int i = 0; i < 5; i++)
    a[i].time = (uint32_t) NOW; /* not terrible */
  UmkNetAddr source1 = ip ("250.1.2.1"), source2 = ip ("250.2.3.3");
  UmkAddress from1[3] = { a[0], a[2], a[4] }, from2[2] = { a[1], a[3] };
  g_assert_cmpuint (umk_addrman_add (am, from1, 3, &source1, 0), >, 0);
  g_assert_cmpuint (umk_addrman_add (am, from2, 2, &source2, 0), >, 0);
  g_autoptr (GArray) all = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (all->len, ==, 5);
  /* net processing asks for 23%: of 5, 1 */
  g_autoptr (GArray) pct = umk_addrman_get_addr (am, 2500, 23, -1, true);
  g_assert_cmpuint (pct->len, ==, 1);

  g_assert_true (good (am, &a[0].service));
  g_assert_true (good (am, &a[1].service));
  g_autoptr (GArray) all2 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (all2->len, ==, 5);
  g_autoptr (GArray) pct2 = umk_addrman_get_addr (am, 2500, 23, -1, true);
  g_assert_cmpuint (pct2->len, ==, 1);

  for (unsigned i = 1; i < 8 * 256; i++)
    {
      g_autofree char *text = g_strdup_printf ("%u.%u.1.23", i % 256, i >> 8);
      UmkAddress x = caddr (text, 0);
      x.time = (uint32_t) NOW;
      UmkNetAddr src = ip (text);
      umk_addrman_add (am, &x, 1, &src, 0);
      if (i % 8 == 0)
        good (am, &x.service);
    }
  g_autoptr (GArray) many = umk_addrman_get_addr (am, 2500, 23, -1, true);
  size_t pct23 = size_all (am) * 23 / 100;
  g_assert_cmpuint (many->len, ==, pct23);
  g_assert_cmpuint (many->len, ==, 461);
  /* fewer than added: collisions */
  g_assert_cmpuint (size_all (am), ==, 2006);
  /* max_addresses caps, and a network filter keeps only that class */
  g_autoptr (GArray) capped = umk_addrman_get_addr (am, 10, 0, -1, true);
  g_assert_cmpuint (capped->len, ==, 10);
  g_autoptr (GArray) v6 = umk_addrman_get_addr (am, 0, 0, UMK_NET_IPV6, true);
  g_assert_cmpuint (v6->len, ==, 0);
  g_autoptr (GArray) v4 = umk_addrman_get_addr (am, 0, 0, UMK_NET_IPV4, true);
  g_assert_cmpuint (v4->len, ==, 2006);
}

static void
test_getaddr_unfiltered (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress a1 = caddr ("250.250.2.1", 6333);
  a1.time = (uint32_t) NOW;
  UmkAddress a2 = caddr ("250.251.2.2", 9999); /* TIME_INIT: terrible */
  UmkNetAddr source = ip ("250.1.2.1");
  UmkAddress both[2] = { a1, a2 };
  g_assert_cmpuint (umk_addrman_add (am, both, 2, &source, 0), >, 0);

  UmkAddress a3 = caddr ("250.251.2.3", 9998);
  a3.time = (uint32_t) NOW;
  umk_addrman_good (am, &a3.service, NOW);
  g_assert_true (add1 (am, &a3, &source));
  /* three failures, none in the last minute: terrible */
  for (int i = 0; i < 3; i++)
    umk_addrman_attempt (am, &a3.service, true, NOW - 61);

  UmkAddress a4 = caddr ("250.252.2.4", 9997);
  a4.time = (uint32_t) (NOW + 11 * 60); /* from the future */
  g_assert_true (add1 (am, &a4, &source));

  g_autoptr (GArray) filtered = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (filtered->len, ==, 1);
  g_autoptr (GArray) unfiltered = umk_addrman_get_addr (am, 0, 0, -1, false);
  g_assert_cmpuint (unfiltered->len, ==, 4);
}

/* nKey1 and nKey2 of Core's tests: SHA256d of the int 1 and 2. */
static void
test_key (int n, uint8_t key[32])
{
  uint8_t le[4] = { (uint8_t) n, 0, 0, 0 };
  umk_sha256d (le, 4, key);
}

static void
test_tried_bucket (void)
{
  uint8_t key1[32], key2[32];
  test_key (1, key1);
  test_key (2, key2);
  /* Bitcoin Core's vector uses port 8333 (Umkoin's copy rewrote it) */
  UmkService s1 = svc ("250.1.1.1", 8333), s2 = svc ("250.1.1.1", 9999);
  g_assert_cmpint (umk_addrman_tried_bucket (key1, &s1), ==, 40);
  g_assert_cmpint (umk_addrman_tried_bucket (key1, &s1), !=, umk_addrman_tried_bucket (key2, &s1));
  /* the port is part of the key: another port may map elsewhere */
  g_assert_cmpint (umk_addrman_tried_bucket (key1, &s1), !=, umk_addrman_tried_bucket (key1, &s2));

  g_autoptr (GHashTable) buckets = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int i = 0; i < 255; i++)
    {
      g_autofree char *text = g_strdup_printf ("250.1.1.%d", i);
      UmkService s = svc (text, 0);
      g_hash_table_add (buckets, GINT_TO_POINTER (umk_addrman_tried_bucket (key1, &s) + 1));
    }
  /* one /16 spreads over at most 8 tried buckets */
  g_assert_cmpuint (g_hash_table_size (buckets), ==, 8);
  g_hash_table_remove_all (buckets);
  for (int j = 0; j < 255; j++)
    {
      g_autofree char *text = g_strdup_printf ("250.%d.1.1", j);
      UmkService s = svc (text, 0);
      g_hash_table_add (buckets, GINT_TO_POINTER (umk_addrman_tried_bucket (key1, &s) + 1));
    }
  g_assert_cmpuint (g_hash_table_size (buckets), ==, 160);
}

static void
test_new_bucket (void)
{
  uint8_t key1[32], key2[32];
  test_key (1, key1);
  test_key (2, key2);
  UmkService s1 = svc ("250.1.2.1", 8333), s2 = svc ("250.1.2.1", 9999);
  UmkNetAddr src1 = ip ("250.1.2.1");
  g_assert_cmpint (umk_addrman_new_bucket (key1, &s1.addr, &src1), ==, 786);
  g_assert_cmpint (umk_addrman_new_bucket (key1, &s1.addr, &src1), !=,
                   umk_addrman_new_bucket (key2, &s1.addr, &src1));
  /* ports do not affect the new bucket */
  g_assert_cmpint (umk_addrman_new_bucket (key1, &s1.addr, &src1), ==,
                   umk_addrman_new_bucket (key1, &s2.addr, &src1));

  g_autoptr (GHashTable) buckets = g_hash_table_new (g_direct_hash, g_direct_equal);
  for (int i = 0; i < 255; i++)
    {
      g_autofree char *text = g_strdup_printf ("250.1.1.%d", i);
      UmkNetAddr a = ip (text);
      g_hash_table_add (buckets, GINT_TO_POINTER (umk_addrman_new_bucket (key1, &a, &a) + 1));
    }
  /* one group from itself: one bucket */
  g_assert_cmpuint (g_hash_table_size (buckets), ==, 1);
  g_hash_table_remove_all (buckets);
  UmkNetAddr src = ip ("251.4.1.1");
  for (int j = 0; j < 4 * 255; j++)
    {
      g_autofree char *text = g_strdup_printf ("%d.%d.1.1", 250 + j / 255, j % 256);
      UmkNetAddr a = ip (text);
      g_hash_table_add (buckets, GINT_TO_POINTER (umk_addrman_new_bucket (key1, &a, &src) + 1));
    }
  /* one source group: at most 64 buckets */
  g_assert_cmpuint (g_hash_table_size (buckets), <=, 64);
  g_hash_table_remove_all (buckets);
  UmkNetAddr a = ip ("250.1.1.1");
  for (int p = 0; p < 255; p++)
    {
      g_autofree char *text = g_strdup_printf ("250.%d.1.1", p);
      UmkNetAddr s = ip (text);
      g_hash_table_add (buckets, GINT_TO_POINTER (umk_addrman_new_bucket (key1, &a, &s) + 1));
    }
  /* many source groups: more than 64 */
  g_assert_cmpuint (g_hash_table_size (buckets), >, 64);
}

/* Placement against umkoind's own: its getrawaddrman, with -test=addrman
 * (key 1), put these at bucket/position. */
static void
test_core_positions (void)
{
  static const struct
  {
    const char *addr;
    uint16_t port;
    bool tried;
    int bucket, position;
  } cases[] = {
    { "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion", 6333, false, 752, 55 },
    { "1.2.3.4", 6333, false, 774, 21 },
    { "44.55.66.77", 16333, false, 1010, 27 },
    { "ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p", 0, true, 87, 13 },
    { "2a01:4f8::1", 8333, true, 110, 12 },
    { "5.6.7.8", 6333, true, 239, 33 },
  };
  uint8_t key[32] = { 1 };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      UmkService s = svc (cases[i].addr, cases[i].port);
      int b = cases[i].tried ? umk_addrman_tried_bucket (key, &s)
                             : umk_addrman_new_bucket (key, &s.addr, &s.addr); /* self-sourced */
      g_assert_cmpint (b, ==, cases[i].bucket);
      g_assert_cmpint (umk_addrman_bucket_position (key, !cases[i].tried, b, &s), ==,
                       cases[i].position);
    }
}

static void
test_serialization (void)
{
  g_autoptr (UmkAddrMan) am1 = new_addrman ();
  g_autoptr (UmkAddrMan) am2 = umk_addrman_new (false);
  UmkAddress a = caddr ("250.1.1.1", 0), b = caddr ("250.2.1.1", 0), c = caddr ("250.3.3.3", 6333);
  UmkNetAddr none;
  umk_netaddr_init (&none);
  UmkAddress ab[2] = { a, b };
  g_assert_cmpuint (umk_addrman_add (am1, ab, 2, &none, 0), ==, 2);
  g_assert_true (add1 (am1, &c, &none));
  g_assert_true (good (am1, &c.service));
  umk_addrman_attempt (am1, &b.service, true, NOW - 100);

  g_autoptr (GByteArray) data = umk_addrman_serialize (am1, regtest_magic);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_addrman_deserialize (am2, data->data, data->len, regtest_magic, &error));
  g_assert_no_error (error);
  g_assert_cmpint (umk_addrman_check (am2), ==, 0);
  g_assert_cmpuint (size_all (am2), ==, 3);
  g_assert_cmpuint (umk_addrman_size (am2, -1, 0), ==, 1);
  /* the key travels with the file, so the positions are restored */
  UmkAddress all[3] = { a, b, c };
  for (int i = 0; i < 3; i++)
    {
      UmkAddrManEntry e1, e2;
      g_assert_true (umk_addrman_find (am1, &all[i].service, &e1));
      g_assert_true (umk_addrman_find (am2, &all[i].service, &e2));
      g_assert_cmpint (e1.multiplicity, !=, 0);
      g_assert_cmpint (e1.tried, ==, e2.tried);
      g_assert_cmpint (e1.multiplicity, ==, e2.multiplicity);
      g_assert_cmpint (e1.bucket, ==, e2.bucket);
      g_assert_cmpint (e1.position, ==, e2.position);
      g_assert_cmpint (e1.last_success, ==, e2.last_success);
      g_assert_cmpint (e1.attempts, ==, e2.attempts);
      g_assert_cmpuint (e1.address.time, ==, e2.address.time);
    }
  /* entries are written newest first, so the order flips on each round
   * trip and two round trips give the same bytes */
  g_autoptr (GByteArray) again = umk_addrman_serialize (am2, regtest_magic);
  g_autoptr (UmkAddrMan) am3 = umk_addrman_new (false);
  g_assert_true (umk_addrman_deserialize (am3, again->data, again->len, regtest_magic, NULL));
  g_autoptr (GByteArray) third = umk_addrman_serialize (am3, regtest_magic);
  g_assert_cmpmem (data->data, data->len, third->data, third->len);
}

/* Core's remove_invalid: entries whose address became invalid are dropped on load. */
static void
test_remove_invalid (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress n1 = caddr ("5.5.5.5", 0), n2 = caddr ("6.6.6.6", 0), t1 = caddr ("7.7.7.7", 0),
             t2 = caddr ("8.8.8.8", 0);
  UmkNetAddr none;
  umk_netaddr_init (&none);
  UmkAddress four[4] = { n1, t1, n2, t2 };
  umk_addrman_add (am, four, 4, &none, 0);
  good (am, &t1.service);
  good (am, &t2.service);
  g_assert_cmpuint (size_all (am), ==, 4);
  g_autoptr (GByteArray) data = umk_addrman_serialize (am, regtest_magic);
  /* 6.6.6.6 → 0.0.0.0 and 8.8.8.8 → 255.255.255.255, both invalid; then the
   * checksum is fixed up so that only the contents are wrong */
  static const uint8_t six[4] = { 6, 6, 6, 6 }, eight[4] = { 8, 8, 8, 8 };
  uint8_t *p6 = memmem (data->data, data->len, six, 4),
          *p8 = memmem (data->data, data->len, eight, 4);
  g_assert_nonnull (p6);
  g_assert_nonnull (p8);
  memset (p6, 0, 4);
  memset (p8, 255, 4);
  umk_sha256d (data->data, data->len - 32, data->data + data->len - 32);
  g_autoptr (UmkAddrMan) am2 = new_addrman ();
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_addrman_deserialize (am2, data->data, data->len, regtest_magic, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size_all (am2), ==, 2);
}

/* Adds numbered (first) … numbered (end - 1) from source and moves each to
 * tried, as Core's collision tests fill the tried table. */
static void
add_tried_range (UmkAddrMan *am, int first, int end, const UmkNetAddr *source)
{
  for (int i = first; i < end; i++)
    {
      UmkAddress a = numbered (i);
      g_assert_true (add1 (am, &a, source));
      g_assert_true (good (am, &a.service));
    }
}

static void
test_select_tried_collision (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  g_autofree char *none = collision_str (am);
  g_assert_cmpstr (none, ==, "[::]:0");
  UmkNetAddr source = ip ("252.2.2.2");
  for (int i = 1; i < 23; i++)
    {
      UmkAddress a = numbered (i);
      g_assert_true (add1 (am, &a, &source));
      g_assert_true (good (am, &a.service));
      g_autofree char *c = collision_str (am);
      g_assert_cmpstr (c, ==, "[::]:0");
    }
  /* a second Good of a tried address is no collision */
  for (int i = 1; i < 23; i++)
    {
      UmkAddress a = numbered (i);
      g_assert_false (good (am, &a.service));
      g_autofree char *c = collision_str (am);
      g_assert_cmpstr (c, ==, "[::]:0");
    }
}

static void
test_noevict (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  add_tried_range (am, 1, 36, &source);
  /* 36 collides with 19 in tried */
  UmkAddress a36 = numbered (36);
  g_assert_true (add1 (am, &a36, &source));
  g_assert_false (good (am, &a36.service));
  g_autofree char *c1 = collision_str (am);
  g_assert_cmpstr (c1, ==, "250.1.1.19:0");
  /* 19 was reached just now: it stays, 36 stays in new */
  umk_addrman_resolve_collisions (am);
  g_autofree char *c2 = collision_str (am);
  g_assert_cmpstr (c2, ==, "[::]:0");

  add_tried_range (am, 37, 59, &source);
  UmkAddress a59 = numbered (59);
  g_assert_true (add1 (am, &a59, &source));
  g_assert_false (good (am, &a59.service));
  g_autofree char *c3 = collision_str (am);
  g_assert_cmpstr (c3, ==, "250.1.1.10:0");
  /* 36 again: already known; still collides with 19 */
  g_assert_false (add1 (am, &a36, &source));
  g_assert_false (good (am, &a36.service));
  g_autofree char *c4 = collision_str (am);
  g_assert_cmpstr (c4, !=, "[::]:0");
  umk_addrman_resolve_collisions (am);
  g_autofree char *c5 = collision_str (am);
  g_assert_cmpstr (c5, ==, "[::]:0");
}

static void
test_evictionworks (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  add_tried_range (am, 1, 36, &source);
  UmkAddress a36 = numbered (36);
  g_assert_true (add1 (am, &a36, &source));
  g_assert_false (good (am, &a36.service));
  UmkAddress incumbent;
  g_assert_true (umk_addrman_select_tried_collision (am, &incumbent, NULL));
  g_autofree char *c1 = umk_service_to_string (&incumbent.service);
  g_assert_cmpstr (c1, ==, "250.1.1.19:0");

  /* make the test of 19 fail: last success long ago, a try 61 s ago */
  g_assert_false (umk_addrman_good (am, &incumbent.service, 1));
  umk_addrman_attempt (am, &incumbent.service, false, NOW - 61);
  umk_addrman_resolve_collisions (am);
  g_autofree char *c2 = collision_str (am);
  g_assert_cmpstr (c2, ==, "[::]:0");
  UmkAddrManEntry e;
  g_assert_true (umk_addrman_find (am, &a36.service, &e));
  g_assert_true (e.tried);
  /* 36 is in tried now: Good again is no collision */
  g_assert_false (good (am, &a36.service));
  g_autofree char *c3 = collision_str (am);
  g_assert_cmpstr (c3, ==, "[::]:0");
  /* but 19 collides with 36 */
  UmkService s19 = svc ("250.1.1.19", 0);
  g_assert_false (good (am, &s19));
  g_autofree char *c4 = collision_str (am);
  g_assert_cmpstr (c4, ==, "250.1.1.36:0");
  /* four hours later the untested incumbent goes */
  umk_addrman_set_mocktime (am, NOW + 4 * 3600);
  umk_addrman_resolve_collisions (am);
  g_autofree char *c5 = collision_str (am);
  g_assert_cmpstr (c5, ==, "[::]:0");
  g_assert_true (umk_addrman_find (am, &s19, &e));
  g_assert_true (e.tried);
  g_assert_true (umk_addrman_find (am, &a36.service, &e));
  g_assert_false (e.tried);
}

static void
test_update_address (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  UmkAddress a = caddr ("250.1.1.1", 6333);
  const int64_t start = NOW - 10000;
  a.time = (uint32_t) start;
  g_assert_true (add1 (am, &a, &source));
  g_assert_cmpuint (size_all (am), ==, 1);

  /* another port is another address: nothing changes */
  UmkAddress other = caddr ("250.1.1.1", 6334);
  other.time = (uint32_t) start;
  umk_addrman_connected (am, &other.service, NOW);
  umk_addrman_set_services (am, &other.service, 1024);
  g_autoptr (GArray) v1 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (v1->len, ==, 1);
  g_assert_cmpuint (g_array_index (v1, UmkAddress, 0).time, ==, start);
  g_assert_cmpuint (g_array_index (v1, UmkAddress, 0).services, ==, 0);

  umk_addrman_connected (am, &a.service, NOW);
  umk_addrman_set_services (am, &a.service, 1024); /* NODE_NETWORK_LIMITED */
  g_autoptr (GArray) v2 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (g_array_index (v2, UmkAddress, 0).time, >=, start + 10000);
  g_assert_cmpuint (g_array_index (v2, UmkAddress, 0).services, ==, 1024);

  /* gossip adds service bits but never removes them */
  UmkAddress gossip = caddr ("250.1.1.1", 6333);
  gossip.services = 2048; /* NODE_P2P_V2 */
  gossip.time = (uint32_t) start;
  g_assert_false (add1 (am, &gossip, &source));
  g_autoptr (GArray) v3 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (g_array_index (v3, UmkAddress, 0).services, ==, 2048 | 1024);
  /* our own connection's bits replace them */
  umk_addrman_set_services (am, &a.service, 1);
  g_autoptr (GArray) v4 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (g_array_index (v4, UmkAddress, 0).services, ==, 1);
  /* promotion keeps them; gossip still adds to a tried entry */
  g_assert_true (good (am, &a.service));
  g_autoptr (GArray) v5 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (g_array_index (v5, UmkAddress, 0).services, ==, 1);
  g_assert_false (add1 (am, &gossip, &source));
  g_autoptr (GArray) v6 = umk_addrman_get_addr (am, 0, 0, -1, true);
  g_assert_cmpuint (g_array_index (v6, UmkAddress, 0).services, ==, 1 | 2048);
}

static void
test_size (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkNetAddr source = ip ("252.2.2.2");
  g_assert_cmpuint (umk_addrman_size (am, -1, -1), ==, 0);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, -1), ==, 0);
  g_assert_cmpuint (umk_addrman_size (am, -1, 1), ==, 0);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, 0), ==, 0);

  UmkAddress a1 = caddr ("250.1.1.1", 6333), a2 = caddr ("250.1.1.2", 6333);
  g_assert_true (add1 (am, &a1, &source));
  g_assert_true (good (am, &a1.service));
  g_assert_true (add1 (am, &a2, &source));
  g_assert_cmpuint (umk_addrman_size (am, -1, -1), ==, 2);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, -1), ==, 2);
  g_assert_cmpuint (umk_addrman_size (am, -1, 1), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, -1, 0), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, 1), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, 0), ==, 1);

  UmkAddress i2p = caddr_special ("UDHDrtrcetjm5sxzskjyr5ztpeszydbh4dpl3pl4utgqqw2v4jna.b32.I2P");
  g_assert_true (add1 (am, &i2p, &source));
  g_assert_cmpuint (umk_addrman_size (am, -1, -1), ==, 3);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, -1), ==, 2);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_I2P, -1), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_I2P, 1), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, -1, 1), ==, 2);
  g_assert_cmpuint (umk_addrman_size (am, -1, 0), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_MAX, -1), ==, 0);
}

/* ---- peers.dat ------------------------------------------------------------- */

static GByteArray *
load_fixture (void)
{
  g_autoptr (GBytes) b = umk_test_load_bytes ("addrman/core-regtest-peers.dat");
  GByteArray *a = g_byte_array_new ();
  g_byte_array_append (a, g_bytes_get_data (b, NULL), (guint) g_bytes_get_size (b));
  return a;
}

/* A peers.dat written by umkoind v31.0 (-test=addrman) after addpeeraddress
 * calls: we read it, place every entry where umkoind did, and write back
 * exactly the same bytes. */
static void
test_core_file (void)
{
  g_autoptr (GByteArray) file = load_fixture ();
  g_autoptr (UmkAddrMan) am = umk_addrman_new (false);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_addrman_deserialize (am, file->data, file->len, regtest_magic, &error));
  g_assert_no_error (error);
  g_assert_cmpint (umk_addrman_check (am), ==, 0);
  g_assert_cmpuint (umk_addrman_size (am, -1, 1), ==, 3);
  g_assert_cmpuint (umk_addrman_size (am, -1, 0), ==, 3);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV4, -1), ==, 3);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_IPV6, 0), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_ONION, 1), ==, 1);
  g_assert_cmpuint (umk_addrman_size (am, UMK_NET_I2P, 0), ==, 1);

  static const struct
  {
    const char *addr;
    uint16_t port;
    bool tried;
    int bucket, position;
  } entries[] = {
    { "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion", 6333, false, 752, 55 },
    { "1.2.3.4", 6333, false, 774, 21 },
    { "44.55.66.77", 16333, false, 1010, 27 },
    { "ukeu3k5oycgaauneqgtnvselmt4yemvoilkln7jpvamvfx7dnkdq.b32.i2p", 0, true, 87, 13 },
    { "2a01:4f8::1", 8333, true, 110, 12 },
    { "5.6.7.8", 6333, true, 239, 33 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      UmkService s = svc (entries[i].addr, entries[i].port);
      UmkAddrManEntry e;
      g_assert_true (umk_addrman_find (am, &s, &e));
      g_assert_cmpint (e.tried, ==, entries[i].tried);
      g_assert_cmpint (e.bucket, ==, entries[i].bucket);
      g_assert_cmpint (e.position, ==, entries[i].position);
      g_assert_cmpuint (e.address.services, ==, 9);
      g_assert_cmpuint (e.address.time, ==, 1795962184u);
      g_assert_true (umk_netaddr_equal (&e.source, &s.addr));
    }
  g_autoptr (GArray) tried = umk_addrman_get_entries (am, true);
  g_assert_cmpuint (tried->len, ==, 3);
  g_assert_cmpint (g_array_index (tried, UmkAddrManEntry, 0).bucket, ==, 87);

  /* Written back, entries come newest first, as umkoind writes them, so a
   * second round trip gives umkoind's bytes again. */
  g_autoptr (GByteArray) once = umk_addrman_serialize (am, regtest_magic);
  g_assert_cmpuint (once->len, ==, file->len);
  g_autoptr (UmkAddrMan) am2 = umk_addrman_new (false);
  g_assert_true (umk_addrman_deserialize (am2, once->data, once->len, regtest_magic, NULL));
  g_autoptr (GByteArray) twice = umk_addrman_serialize (am2, regtest_magic);
  g_assert_cmpmem (twice->data, twice->len, file->data, file->len);

  /* and the wrong chain's magic is refused */
  g_autoptr (UmkAddrMan) other = umk_addrman_new (false);
  static const uint8_t main_magic[4] = { 0xfc, 0xc1, 0xb7, 0xdc };
  g_assert_false (umk_addrman_deserialize (other, file->data, file->len, main_magic, &error));
  g_assert_error (error, UMK_ADDRMAN_ERROR, UMK_ADDRMAN_ERROR_CORRUPT);
  g_assert_cmpstr (error->message, ==, "Invalid network magic number");
}

static void
expect_corrupt (const GByteArray *data, const char *message)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress keep = caddr ("250.9.9.9", 1);
  UmkNetAddr src = ip ("250.8.8.8");
  g_assert_true (add1 (am, &keep, &src));
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_addrman_deserialize (am, data->data, data->len, regtest_magic, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == UMK_ADDRMAN_ERROR);
  if (message)
    g_assert_cmpstr (error->message, ==, message);
  /* a failed load leaves the manager as it was */
  g_assert_cmpuint (size_all (am), ==, 1);
  g_assert_cmpint (umk_addrman_check (am), ==, 0);
}

/* Rewrites the checksum after tampering, so that the parser sees the data. */
static void
fix_checksum (GByteArray *d)
{
  umk_sha256d (d->data, d->len - 32, d->data + d->len - 32);
}

static void
test_damaged_files (void)
{
  g_autoptr (GByteArray) file = load_fixture ();

  /* truncated at every length */
  for (guint n = 0; n < file->len; n++)
    {
      g_autoptr (GByteArray) t = g_byte_array_new ();
      g_byte_array_append (t, file->data, n);
      expect_corrupt (t, NULL);
    }
  g_autoptr (GByteArray) t = g_byte_array_new ();
  g_byte_array_append (t, file->data, file->len - 1);
  expect_corrupt (t, "AutoFile::read: end of file");

  /* a flipped bit in the body: checksum */
  g_autoptr (GByteArray) flip = g_byte_array_new ();
  g_byte_array_append (flip, file->data, file->len);
  flip->data[200] ^= 0x01;
  expect_corrupt (flip, NULL);
  flip->data[200] ^= 0x01;
  flip->data[file->len - 1] ^= 0x80;
  expect_corrupt (flip, "Checksum mismatch, data corrupted");
  flip->data[file->len - 1] ^= 0x80;
  flip->data[0] ^= 1;
  expect_corrupt (flip, "Invalid network magic number");

  /* bytes after the checksum are ignored, as Core does */
  g_autoptr (GByteArray) longer = g_byte_array_new ();
  g_byte_array_append (longer, file->data, file->len);
  g_byte_array_append (longer, (const guint8 *) "junk", 4);
  g_autoptr (UmkAddrMan) am = umk_addrman_new (false);
  g_assert_true (umk_addrman_deserialize (am, longer->data, longer->len, regtest_magic, NULL));

  /* header fields: offsets after the 4-byte magic */
  g_autoptr (GByteArray) d = g_byte_array_new ();
  g_byte_array_append (d, file->data, file->len);
  d->data[5] = 31; /* compat below 32 */
  fix_checksum (d);
  expect_corrupt (d, "Corrupted addrman database: The compat value (31) is lower than the "
                     "expected minimum value 32.");
  d->data[4] = 9;
  d->data[5] = 32 + 5; /* needs format 5 */
  fix_checksum (d);
  {
    g_autoptr (UmkAddrMan) am2 = umk_addrman_new (false);
    g_autoptr (GError) error = NULL;
    g_assert_false (umk_addrman_deserialize (am2, d->data, d->len, regtest_magic, &error));
    g_assert_error (error, UMK_ADDRMAN_ERROR, UMK_ADDRMAN_ERROR_INCOMPATIBLE);
    g_assert_cmpstr (error->message, ==,
                     "Unsupported format of addrman database: 9. It is compatible with formats "
                     ">=5, but the maximum supported by this version of " PACKAGE_NAME " is 4.");
  }
  /* a higher format that says format 4 readers may read it is read */
  d->data[5] = 32 + 4;
  fix_checksum (d);
  {
    g_autoptr (UmkAddrMan) am2 = umk_addrman_new (false);
    g_assert_true (umk_addrman_deserialize (am2, d->data, d->len, regtest_magic, NULL));
    g_assert_cmpuint (size_all (am2), ==, 6);
  }
  d->data[4] = 4;
  /* nNew at offset 4 + 2 + 32 */
  umk_store_u32le (d->data + 38, (uint32_t) -1);
  fix_checksum (d);
  expect_corrupt (d, "Corrupt AddrMan serialization: nNew=-1, should be in [0, 65536]");
  umk_store_u32le (d->data + 38, 65537);
  fix_checksum (d);
  expect_corrupt (d, "Corrupt AddrMan serialization: nNew=65537, should be in [0, 65536]");
  umk_store_u32le (d->data + 38, 3);
  umk_store_u32le (d->data + 42, 16385);
  fix_checksum (d);
  expect_corrupt (d, "Corrupt AddrMan serialization: nTried=16385, should be in [0, 16384]");
  umk_store_u32le (d->data + 42, 3);
  /* more new entries than the file holds */
  umk_store_u32le (d->data + 38, 5);
  fix_checksum (d);
  expect_corrupt (d, NULL);
  umk_store_u32le (d->data + 38, 3);
  /* an absurd bucket count: read until the data ends */
  umk_store_u32le (d->data + 46, 0x7fffffffu ^ (1u << 30));
  fix_checksum (d);
  expect_corrupt (d, "AutoFile::read: end of file");
  /* a zero key: Core's consistency check -16 */
  umk_store_u32le (d->data + 46, 1024 ^ (1u << 30));
  memset (d->data + 6, 0, 32);
  fix_checksum (d);
  expect_corrupt (d, "Corrupt data. Consistency check failed with code -16");
}

/* Core's MakeCorruptPeersDat: format 1 claiming 10 new and 10 tried entries
 * with only one there. */
static void
test_load_corrupted_v1 (void)
{
  g_autoptr (GByteArray) s = g_byte_array_new ();
  g_byte_array_append (s, regtest_magic, 4);
  umk_write_u8 (s, 1);
  umk_write_u8 (s, 32);
  uint8_t one[32] = { 1 };
  umk_write_bytes (s, one, 32);
  umk_write_i32le (s, 10);
  umk_write_i32le (s, 10);
  umk_write_i32le (s, 1024 ^ (1 << 30));
  UmkAddress a = caddr ("252.1.1.1", 7777);
  a.time = UMK_ADDRESS_TIME_INIT;
  umk_address_write_disk (s, &a, false);
  UmkNetAddr src = ip ("252.2.2.2");
  umk_netaddr_write_v1 (s, &src);
  umk_write_i64le (s, 0);
  umk_write_i32le (s, 0);
  expect_corrupt (s, "AutoFile::read: end of file");
}

/* An old-format (1) file with legacy addresses: read and rebucketed. */
static void
test_load_v1_format (void)
{
  g_autoptr (GByteArray) s = g_byte_array_new ();
  g_byte_array_append (s, regtest_magic, 4);
  umk_write_u8 (s, 1);
  umk_write_u8 (s, 32);
  uint8_t one[32] = { 1 };
  umk_write_bytes (s, one, 32);
  umk_write_i32le (s, 2);
  umk_write_i32le (s, 1);
  umk_write_i32le (s, 1024 ^ (1 << 30));
  const char *addrs[3] = { "250.1.1.1", "250.2.2.2", "250.3.3.3" };
  UmkNetAddr src = ip ("252.2.2.2");
  uint8_t key[32] = { 1 };
  for (int i = 0; i < 3; i++)
    {
      UmkAddress a = caddr (addrs[i], 6333);
      a.time = (uint32_t) NOW;
      umk_address_write_disk (s, &a, false);
      umk_netaddr_write_v1 (s, &src);
      umk_write_i64le (s, i == 2 ? NOW : 0);
      umk_write_i32le (s, 0);
    }
  for (int b = 0; b < 1024; b++)
    {
      int count = 0;
      int32_t idx[2];
      for (int i = 0; i < 2; i++)
        {
          UmkService sv = svc (addrs[i], 6333);
          if (umk_addrman_new_bucket (key, &sv.addr, &src) == b)
            idx[count++] = i;
        }
      umk_write_i32le (s, count);
      for (int i = 0; i < count; i++)
        umk_write_i32le (s, idx[i]);
    }
  /* format 1 has no asmap version */
  uint8_t h[32];
  umk_sha256d (s->data, s->len, h);
  g_byte_array_append (s, h, 32);

  g_autoptr (UmkAddrMan) am = umk_addrman_new (false);
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_addrman_deserialize (am, s->data, s->len, regtest_magic, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (umk_addrman_size (am, -1, 1), ==, 2);
  g_assert_cmpuint (umk_addrman_size (am, -1, 0), ==, 1);
  /* a v2 entry inside a v1 file is refused */
  g_autoptr (GByteArray) bad = g_byte_array_new ();
  g_byte_array_append (bad, s->data, 4 + 2 + 32 + 12);
  UmkAddress a = caddr ("250.1.1.1", 6333);
  umk_address_write_disk (bad, &a, true);
  expect_corrupt (bad, "Unsupported CAddress disk format version");
}

static void
test_duplicate_entries (void)
{
  /* a file listing one address twice fails Core's consistency check (-5) */
  g_autoptr (UmkAddrMan) am = new_addrman ();
  UmkAddress a = caddr ("250.1.1.1", 1), b = caddr ("250.2.2.2", 1);
  UmkNetAddr none;
  umk_netaddr_init (&none);
  UmkAddress ab[2] = { a, b };
  g_assert_cmpuint (umk_addrman_add (am, ab, 2, &none, 0), ==, 2);
  g_autoptr (GByteArray) d = umk_addrman_serialize (am, regtest_magic);
  static const uint8_t two[4] = { 250, 2, 2, 2 };
  uint8_t *p = memmem (d->data, d->len, two, 4);
  g_assert_nonnull (p);
  p[1] = p[2] = p[3] = 1;
  fix_checksum (d);
  expect_corrupt (d, NULL);
}

static void
test_files (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "peers.dat", NULL);
  g_autoptr (UmkAddrMan) am = new_addrman ();
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_addrman_load (am, path, regtest_magic, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);

  UmkNetAddr source = ip ("252.2.2.2");
  for (int i = 1; i <= 50; i++)
    {
      g_autofree char *text = g_strdup_printf ("250.%d.1.1", i);
      UmkAddress a = caddr (text, 6333);
      a.time = (uint32_t) NOW;
      add1 (am, &a, &source);
      if (i % 5 == 0)
        good (am, &a.service);
    }
  g_assert_true (umk_addrman_save (am, path, regtest_magic, &error));
  g_assert_no_error (error);
  /* no temporary file is left behind */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "peers.dat");
  g_assert_null (g_dir_read_name (d));

  g_autoptr (UmkAddrMan) am2 = umk_addrman_new (false);
  g_assert_true (umk_addrman_load (am2, path, regtest_magic, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size_all (am2), ==, size_all (am));
  g_assert_cmpuint (umk_addrman_size (am2, -1, 0), ==, 10);

  /* anchors.dat */
  g_autofree char *anchors = g_build_filename (dir, "anchors.dat", NULL);
  UmkAddress two[2]
      = { caddr ("1.2.3.4", 6333),
          caddr_special ("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion") };
  two[0].services = 9;
  g_assert_true (umk_anchors_save (anchors, regtest_magic, two, 2, &error));
  g_autoptr (GArray) back = umk_anchors_load (anchors, regtest_magic, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  g_assert_true (umk_service_equal (&g_array_index (back, UmkAddress, 1).service, &two[1].service));
  g_assert_cmpuint (g_array_index (back, UmkAddress, 0).services, ==, 9);
  /* damaged anchors: an error, never a crash */
  g_autofree char *contents = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (anchors, &contents, &len, NULL));
  for (gsize n = 0; n < len; n++)
    {
      g_assert_true (g_file_set_contents (anchors, contents, (gssize) n, NULL));
      g_autoptr (GError) e = NULL;
      g_autoptr (GArray) none = umk_anchors_load (anchors, regtest_magic, &e);
      g_assert_null (none);
      g_assert_nonnull (e);
    }
  umk_test_rm_rf (dir);
}

/* Random operations with consistency checks along the way, and random
 * garbage as peers.dat. */
static void
test_random_operations (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  umk_addrman_set_consistency_checks (am, 20);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  int64_t now = NOW;
  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *text = g_strdup_printf (
          "%u.%u.%u.%u", 1 + g_rand_int_range (rand, 0, 3), g_rand_int_range (rand, 0, 4),
          g_rand_int_range (rand, 0, 256), g_rand_int_range (rand, 1, 255));
      UmkAddress a = caddr (text, (uint16_t) g_rand_int_range (rand, 1, 4));
      a.time = (uint32_t) (now - g_rand_int_range (rand, 0, 40 * 24 * 3600));
      UmkNetAddr src = a.service.addr;
      src.addr[1] ^= (uint8_t) g_rand_int_range (rand, 0, 3);
      switch (g_rand_int_range (rand, 0, 6))
        {
        case 0:
        case 1:
          umk_addrman_add (am, &a, 1, &src, g_rand_int_range (rand, 0, 7200));
          break;
        case 2:
          umk_addrman_good (am, &a.service, now);
          break;
        case 3:
          umk_addrman_attempt (am, &a.service, g_rand_boolean (rand), now);
          break;
        case 4:
          umk_addrman_resolve_collisions (am);
          break;
        default:
          {
            UmkAddress out;
            (void) umk_addrman_select (am, g_rand_boolean (rand), NULL, 0, &out, NULL);
          }
        }
      now += g_rand_int_range (rand, 0, 120);
      umk_addrman_set_mocktime (am, now);
    }
  g_assert_cmpint (umk_addrman_check (am), ==, 0);
  g_autoptr (GByteArray) data = umk_addrman_serialize (am, regtest_magic);
  g_autoptr (UmkAddrMan) back = umk_addrman_new (false);
  g_assert_true (umk_addrman_deserialize (back, data->data, data->len, regtest_magic, NULL));
  g_assert_cmpuint (size_all (back), ==, size_all (am));

  for (int i = 0; i < 300; i++)
    {
      g_autoptr (GByteArray) junk = g_byte_array_new ();
      g_byte_array_append (junk, regtest_magic, 4);
      size_t len = (size_t) g_rand_int_range (rand, 0, 200);
      g_autofree uint8_t *bytes = umk_test_random_bytes (rand, len);
      g_byte_array_append (junk, bytes, (guint) len);
      if (junk->len > 6)
        {
          junk->data[4] = (uint8_t) g_rand_int_range (rand, 0, 5);
          junk->data[5] = 32 + (uint8_t) g_rand_int_range (rand, 0, 5);
        }
      g_autoptr (UmkAddrMan) x = umk_addrman_new (false);
      (void) umk_addrman_deserialize (x, junk->data, junk->len, regtest_magic, NULL);
    }
}

typedef struct
{
  UmkAddrMan *am;
  int seed;
} ThreadArg;

static gpointer
worker (gpointer data)
{
  ThreadArg *arg = data;
  g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) arg->seed);
  for (int i = 0; i < 400; i++)
    {
      g_autofree char *text
          = g_strdup_printf ("%d.%u.%u.7", 20 + arg->seed, g_rand_int_range (rand, 0, 256),
                             g_rand_int_range (rand, 0, 256));
      UmkAddress a = caddr (text, 6333);
      a.time = (uint32_t) NOW;
      UmkNetAddr src = ip ("30.30.30.30");
      umk_addrman_add (arg->am, &a, 1, &src, 0);
      if (i % 3 == 0)
        umk_addrman_good (arg->am, &a.service, NOW);
      UmkAddress out;
      (void) umk_addrman_select (arg->am, false, NULL, 0, &out, NULL);
      g_autoptr (GArray) got = umk_addrman_get_addr (arg->am, 10, 0, -1, true);
    }
  return NULL;
}

static void
test_threads (void)
{
  g_autoptr (UmkAddrMan) am = new_addrman ();
  umk_addrman_set_consistency_checks (am, 50);
  ThreadArg args[4];
  GThread *threads[4];
  for (int i = 0; i < 4; i++)
    {
      args[i] = (ThreadArg){ am, i };
      threads[i] = g_thread_new ("addrman-test", worker, &args[i]);
    }
  for (int i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  g_assert_cmpint (umk_addrman_check (am), ==, 0);
  g_assert_cmpuint (size_all (am), >, 1000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/addrman/simple", test_simple);
  g_test_add_func ("/addrman/penalty-self-announcement", test_penalty_self_announcement);
  g_test_add_func ("/addrman/ports", test_ports);
  g_test_add_func ("/addrman/select", test_select);
  g_test_add_func ("/addrman/select-by-network", test_select_by_network);
  g_test_add_func ("/addrman/select-special", test_select_special);
  g_test_add_func ("/addrman/new-collisions", test_new_collisions);
  g_test_add_func ("/addrman/new-multiplicity", test_new_multiplicity);
  g_test_add_func ("/addrman/tried-collisions", test_tried_collisions);
  g_test_add_func ("/addrman/getaddr", test_getaddr);
  g_test_add_func ("/addrman/getaddr-unfiltered", test_getaddr_unfiltered);
  g_test_add_func ("/addrman/tried-bucket", test_tried_bucket);
  g_test_add_func ("/addrman/new-bucket", test_new_bucket);
  g_test_add_func ("/addrman/core-positions", test_core_positions);
  g_test_add_func ("/addrman/serialization", test_serialization);
  g_test_add_func ("/addrman/remove-invalid", test_remove_invalid);
  g_test_add_func ("/addrman/select-tried-collision", test_select_tried_collision);
  g_test_add_func ("/addrman/noevict", test_noevict);
  g_test_add_func ("/addrman/evictionworks", test_evictionworks);
  g_test_add_func ("/addrman/update-address", test_update_address);
  g_test_add_func ("/addrman/size", test_size);
  g_test_add_func ("/addrman/core-file", test_core_file);
  g_test_add_func ("/addrman/damaged-files", test_damaged_files);
  g_test_add_func ("/addrman/load-corrupted-v1", test_load_corrupted_v1);
  g_test_add_func ("/addrman/load-v1-format", test_load_v1_format);
  g_test_add_func ("/addrman/duplicate-entries", test_duplicate_entries);
  g_test_add_func ("/addrman/files", test_files);
  g_test_add_func ("/addrman/random-operations", test_random_operations);
  g_test_add_func ("/addrman/threads", test_threads);
  return g_test_run ();
}
