/* net-address.c — UmkService ⇄ GInetSocketAddress. */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "node/net-address.h"

GSocketAddress *
umk_service_to_gsocketaddress (const UmkService *s)
{
  const UmkNetAddr *a = &s->addr;
  GSocketFamily family;
  uint32_t scope = 0;
  /* A malformed address (a length that is not its network's) has none. */
  if (a->net == UMK_NET_IPV4 && a->len == 4)
    family = G_SOCKET_FAMILY_IPV4;
  else if ((a->net == UMK_NET_IPV6 || a->net == UMK_NET_CJDNS) && a->len == 16)
    {
      family = G_SOCKET_FAMILY_IPV6;
      scope = a->scope_id;
    }
  else
    return NULL;
  g_autoptr (GInetAddress) inet = g_inet_address_new_from_bytes (a->addr, family);
  return g_object_new (G_TYPE_INET_SOCKET_ADDRESS, "address", inet, "port", (guint) s->port,
                       "scope-id", (guint) scope, NULL);
}

bool
umk_service_from_gsocketaddress (GSocketAddress *sa, UmkService *out)
{
  umk_service_init (out);
  if (sa == NULL || !G_IS_INET_SOCKET_ADDRESS (sa))
    return false;
  GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (sa);
  GInetAddress *inet = g_inet_socket_address_get_address (isa);
  const guint8 *bytes = g_inet_address_to_bytes (inet);
  switch (g_inet_address_get_family (inet))
    {
    case G_SOCKET_FAMILY_IPV4:
      umk_netaddr_set_ipv4 (&out->addr, bytes);
      break;
    case G_SOCKET_FAMILY_IPV6:
      umk_netaddr_set_ipv6 (&out->addr, bytes);
      out->addr.scope_id = g_inet_socket_address_get_scope_id (isa);
      break;
    case G_SOCKET_FAMILY_INVALID:
    case G_SOCKET_FAMILY_UNIX:
    default:
      return false;
    }
  out->port = g_inet_socket_address_get_port (isa);
  return true;
}
