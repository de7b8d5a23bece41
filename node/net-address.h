/* net-address.h — common/netaddress.h's services as GIO socket addresses,
 * for the connection manager (node/net*.c). Kept out of common/ so that
 * libumkcommon needs no GIO networking. */
#pragma once

#include "common/netaddress.h"

#include <gio/gio.h>

/* A GInetSocketAddress for IPv4, IPv6 and CJDNS (with the scope id); NULL for
 * the other networks. */
GSocketAddress *umk_service_to_gsocketaddress (const UmkService *s) G_GNUC_WARN_UNUSED_RESULT;
/* From a GInetSocketAddress (v4-mapped IPv6 becomes IPv4, as Core's
 * SetSockAddr). Returns: false for other kinds of socket address. */
bool umk_service_from_gsocketaddress (GSocketAddress *sa, UmkService *out);
