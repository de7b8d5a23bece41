/* test-net-address.c — services as GIO socket addresses (node/net-address.c). */
#include "config.h"

#include "node/net-address.h"

#include <gio/gunixsocketaddress.h>

static void
test_gsocketaddress (void)
{
  const char *texts[] = { "1.2.3.4:6333", "[2001:db8::1]:80", "[fe80::1%2]:6333" };
  for (size_t i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      UmkService s, back;
      g_assert_true (umk_service_parse (texts[i], 0, &s));
      g_autoptr (GSocketAddress) sa = umk_service_to_gsocketaddress (&s);
      g_assert_nonnull (sa);
      g_assert_true (umk_service_from_gsocketaddress (sa, &back));
      g_assert_true (umk_service_equal (&s, &back));
      g_assert_cmpuint (s.addr.scope_id, ==, back.addr.scope_id);
      g_autofree char *str = umk_service_to_string (&back);
      g_assert_cmpstr (str, ==, texts[i]);
    }
  /* v4-mapped from the socket layer becomes IPv4 */
  g_autoptr (GInetAddress) mapped = g_inet_address_new_from_string ("::ffff:9.8.7.6");
  g_autoptr (GSocketAddress) msa = g_inet_socket_address_new (mapped, 1234);
  UmkService s;
  g_assert_true (umk_service_from_gsocketaddress (msa, &s));
  g_autofree char *str = umk_service_to_string (&s);
  g_assert_cmpstr (str, ==, "9.8.7.6:1234");
  /* no socket address for Tor; none from a unix socket */
  g_assert_true (umk_service_parse (
      "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion:6333", 0, &s));
  g_assert_null (umk_service_to_gsocketaddress (&s));
  g_autoptr (GSocketAddress) unix_sa = g_unix_socket_address_new ("/tmp/x");
  g_assert_false (umk_service_from_gsocketaddress (unix_sa, &s));
  /* CJDNS goes as IPv6 */
  g_assert_true (umk_service_parse ("[fc00::5]:7", 0, &s));
  umk_service_maybe_flip_cjdns (&s, true);
  g_assert_true (umk_netaddr_is_cjdns (&s.addr));
  g_autoptr (GSocketAddress) csa = umk_service_to_gsocketaddress (&s);
  g_assert_nonnull (csa);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/net-address/gsocketaddress", test_gsocketaddress);
  return g_test_run ();
}
