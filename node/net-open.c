/* net-open.c — outbound connections (Core's ThreadOpenConnections,
 * ThreadOpenAddedConnections, ThreadDNSAddressSeed), as a timer on the main
 * loop with asynchronous connects (GSocketClient, through the -proxy SOCKS5
 * proxy when set). */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "common/protocol.h"
#include "node/net-address.h"
#include "node/net-private.h"

#include <math.h>
#include <string.h>

#define OPEN_INTERVAL_MS 500
/* Added nodes not connected are retried this often (Core: every 60 s, or 2 s
 * after a new one was added). */
#define ADDED_RETRY_S     60
#define FEELER_INTERVAL_S 120
/* Core queries DNS seeds after 11 s when it has peers in its address
 * manager, at once when it has none. */
#define DNS_SEED_DELAY_S 11

typedef struct
{
  UmkConnman *cm;
  char *target;
  UmkConnType type;
} Attempt;

static void
attempt_free (Attempt *a)
{
  g_free (a->target);
  g_free (a);
}

/* Whether a peer or a pending attempt already goes to target (an
 * "ip:port" or a name as given). */
static gboolean
already_connected (UmkConnman *cm, const char *target, const UmkService *svc)
{
  gboolean found = FALSE;
  g_mutex_lock (&cm->lock);
  if (g_hash_table_contains (cm->pending, target))
    found = TRUE;
  for (guint i = 0; i < cm->peers->len && !found; i++)
    {
      UmkPeer *p = cm->peers->pdata[i];
      if (g_strcmp0 (p->addr_name, target) == 0
          || (svc != NULL && umk_service_equal (&p->addr, svc)))
        found = TRUE;
    }
  g_mutex_unlock (&cm->lock);
  return found;
}

static void
on_connected (GObject *source, GAsyncResult *res, gpointer user_data)
{
  Attempt *a = user_data;
  UmkConnman *cm = a->cm;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) conn
      = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), res, &error);
  g_mutex_lock (&cm->lock);
  g_hash_table_remove (cm->pending, a->target);
  g_mutex_unlock (&cm->lock);
  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        UMK_LOG_DEBUG (UMK_LOG_NET, "connection attempt to %s failed: %s", a->target,
                       error->message);
      UmkService svc;
      if (a->type != UMK_CONN_MANUAL && umk_service_parse (a->target, 0, &svc))
        umk_addrman_attempt (cm->addrman, &svc, TRUE, umk_connman_now_us (cm) / G_USEC_PER_SEC);
    }
  else if (g_atomic_int_get (&cm->interrupt) || !umk_connman_network_active (cm))
    (void) g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
  else
    {
      UmkPeer *peer = umk_connman_add_peer (cm, conn, a->type, a->target, 0, FALSE);
      if (cm->opts.proxy != NULL)
        {
          /* The remote end of a proxied socket is the proxy: name the peer
           * by where we asked to go. */
          UmkService svc;
          if (umk_service_parse (a->target, cm->opts.default_port, &svc))
            peer->addr = svc;
        }
      UMK_LOG_DEBUG (UMK_LOG_NET, "connected to %s (%s) peer=%" G_GINT64_FORMAT, a->target,
                     umk_conn_type_name (a->type), peer->id);
    }
  attempt_free (a);
}

/* Starts one connection attempt (main loop). */
static void
open_connection (UmkConnman *cm, const char *target, UmkConnType type)
{
  UmkService svc;
  gboolean numeric = umk_service_parse (target, cm->opts.default_port, &svc);
  if (already_connected (cm, target, numeric ? &svc : NULL))
    return;
  if (!numeric && !cm->opts.dns && cm->opts.proxy == NULL)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "not resolving %s: -dns=0", target);
      return;
    }
  if (numeric && type != UMK_CONN_MANUAL && umk_banman_is_banned (cm->banman, &svc.addr))
    return;
  Attempt *a = g_new0 (Attempt, 1);
  a->cm = cm;
  a->target = g_strdup (target);
  a->type = type;
  g_mutex_lock (&cm->lock);
  g_hash_table_insert (cm->pending, g_strdup (target), GINT_TO_POINTER (type));
  g_mutex_unlock (&cm->lock);
  UMK_LOG_DEBUG (UMK_LOG_NET, "trying %s connection to %s", umk_conn_type_name (type), target);
  /* IPv6 literals need brackets for GIO's host parser. */
  g_autofree char *host = numeric ? umk_service_to_string (&svc) : g_strdup (target);
  /* Core sends only reachable networks through the proxy: an address that
   * is not routable (loopback, private ranges) is connected directly. */
  GSocketClient *client
      = numeric && !umk_netaddr_is_routable (&svc.addr) ? cm->direct_client : cm->client;
  g_socket_client_connect_to_host_async (client, host, cm->opts.default_port, cm->cancel,
                                         on_connected, a);
}

static gboolean
open_once_cb (gpointer data)
{
  Attempt *a = data;
  open_connection (a->cm, a->target, a->type);
  return G_SOURCE_REMOVE;
}

void
umk_connman_open_once (UmkConnman *cm, const char *node, UmkConnType type)
{
  /* From an RPC thread: the attempt starts on the main loop. */
  Attempt *a = g_new0 (Attempt, 1);
  a->cm = cm;
  a->target = g_strdup (node);
  a->type = type;
  g_main_context_invoke_full (cm->context, G_PRIORITY_DEFAULT, open_once_cb, a,
                              (GDestroyNotify) attempt_free);
}

/* ---- added nodes ------------------------------------------------------------------- */

gboolean
umk_connman_add_node (UmkConnman *cm, const char *node)
{
  gboolean added = TRUE;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->added_nodes->len && added; i++)
    if (strcmp (cm->added_nodes->pdata[i], node) == 0)
      added = FALSE;
  if (added)
    {
      g_ptr_array_add (cm->added_nodes, g_strdup (node));
      cm->last_added_try = 0; /* try it on the next tick */
    }
  g_mutex_unlock (&cm->lock);
  return added;
}

gboolean
umk_connman_remove_node (UmkConnman *cm, const char *node)
{
  gboolean removed = FALSE;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->added_nodes->len && !removed; i++)
    if (strcmp (cm->added_nodes->pdata[i], node) == 0)
      {
        g_ptr_array_remove_index (cm->added_nodes, i);
        removed = TRUE;
      }
  g_mutex_unlock (&cm->lock);
  return removed;
}

GPtrArray *
umk_connman_added_nodes (UmkConnman *cm)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->added_nodes->len; i++)
    g_ptr_array_add (out, g_strdup (cm->added_nodes->pdata[i]));
  g_mutex_unlock (&cm->lock);
  return out;
}

/* ---- automatic connections ----------------------------------------------------------- */

static int
count_type (UmkConnman *cm, UmkConnType type)
{
  int n = 0;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len; i++)
    if (((UmkPeer *) cm->peers->pdata[i])->conn_type == type)
      n++;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cm->pending);
  while (g_hash_table_iter_next (&it, NULL, &value))
    if (GPOINTER_TO_INT (value) == (int) type)
      n++;
  g_mutex_unlock (&cm->lock);
  return n;
}

/* Whether an outbound peer already is in addr's netgroup (Core keeps one
 * automatic outbound connection per netgroup). */
static gboolean
netgroup_taken (UmkConnman *cm, const UmkNetAddr *addr)
{
  uint64_t key = umk_connman_netgroup_key (cm, addr);
  gboolean taken = FALSE;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len && !taken; i++)
    {
      UmkPeer *p = cm->peers->pdata[i];
      if (!p->inbound && p->conn_type != UMK_CONN_MANUAL && p->keyed_netgroup == key)
        taken = TRUE;
    }
  g_mutex_unlock (&cm->lock);
  return taken;
}

/* Picks an address from the address manager for a new automatic
 * connection and opens it. Returns: whether one was started. */
static gboolean
open_from_addrman (UmkConnman *cm, UmkConnType type, gboolean new_only)
{
  UmkNetwork nets[UMK_NET_MAX];
  size_t n_nets = 0;
  for (int n = 1; n < UMK_NET_MAX; n++)
    if (cm->opts.onlynet[n])
      nets[n_nets++] = (UmkNetwork) n;
  int64_t now = umk_connman_now_us (cm) / G_USEC_PER_SEC;
  /* Core tries up to 100 candidates per round. */
  for (int tries = 0; tries < 100; tries++)
    {
      UmkAddress cand;
      int64_t last_try = 0;
      if (!umk_addrman_select (cm->addrman, new_only, nets, n_nets, &cand, &last_try))
        return FALSE;
      const UmkNetAddr *a = &cand.service.addr;
      if (umk_netaddr_is_local (a) && !cm->opts.onlynet[a->net])
        continue;
      if (!umk_netaddr_is_valid (a) || netgroup_taken (cm, a)
          || umk_banman_is_banned (cm->banman, a) || umk_banman_is_discouraged (cm->banman, a))
        continue;
      /* Recently tried addresses only after 30 tries (Core). */
      if (tries < 30 && now - last_try < 600)
        continue;
      /* Core avoids addresses without the services it wants, and
       * non-default ports early on. */
      if ((cand.services & (UMK_NODE_NETWORK | UMK_NODE_WITNESS))
              != (UMK_NODE_NETWORK | UMK_NODE_WITNESS)
          && (cand.services & (UMK_NODE_NETWORK_LIMITED | UMK_NODE_WITNESS))
                 != (UMK_NODE_NETWORK_LIMITED | UMK_NODE_WITNESS)
          && type != UMK_CONN_FEELER)
        continue;
      if (tries < 50 && cand.service.port != cm->opts.default_port)
        continue;
      g_autofree char *target = umk_service_to_string (&cand.service);
      if (already_connected (cm, target, &cand.service))
        continue;
      umk_addrman_attempt (cm->addrman, &cand.service, FALSE, now);
      open_connection (cm, target, type);
      return TRUE;
    }
  return FALSE;
}

static void
on_seed_resolved (GObject *source, GAsyncResult *res, gpointer user_data)
{
  UmkConnman *cm = user_data;
  g_autoptr (GError) error = NULL;
  GList *addrs = g_resolver_lookup_by_name_finish (G_RESOLVER (source), res, &error);
  const char *seed = g_object_get_data (G_OBJECT (res), "umk-seed");
  (void) seed;
  if (addrs == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        umk_log_info ("Loading addresses from DNS seed failed: %s", error->message);
      return;
    }
  g_autoptr (GArray) found = g_array_new (FALSE, TRUE, sizeof (UmkAddress));
  int64_t now = umk_connman_now_us (cm) / G_USEC_PER_SEC;
  for (GList *l = addrs; l != NULL; l = l->next)
    {
      g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (l->data, cm->opts.default_port);
      UmkAddress a = { 0 };
      if (!umk_service_from_gsocketaddress (sa, &a.service))
        continue;
      /* Core backdates seeded addresses 3 to 7 days. */
      a.time = (uint32_t) (now - 3 * 24 * 3600 - g_random_int_range (0, 4 * 24 * 3600));
      a.services = UMK_NODE_NETWORK | UMK_NODE_WITNESS;
      g_array_append_val (found, a);
    }
  g_resolver_free_addresses (addrs);
  UmkNetAddr source_addr;
  umk_netaddr_init (&source_addr);
  size_t added
      = umk_addrman_add (cm->addrman, (UmkAddress *) found->data, found->len, &source_addr, 0);
  umk_log_info ("%zu addresses found from DNS seeds", added);
}

/* Core's ThreadDNSAddressSeed and fixed seeds, simplified: seeds are asked
 * once, when the address manager is (nearly) empty. */
static void
query_seeds (UmkConnman *cm)
{
  if (cm->opts.dns_seeds->len > 0)
    {
      if (cm->opts.proxy != NULL)
        {
          /* Through a proxy the seed is an addr-fetch peer (Core). */
          for (guint i = 0; i < cm->opts.dns_seeds->len; i++)
            open_connection (cm, cm->opts.dns_seeds->pdata[i], UMK_CONN_ADDR_FETCH);
        }
      else
        {
          GResolver *resolver = g_resolver_get_default ();
          for (guint i = 0; i < cm->opts.dns_seeds->len; i++)
            {
              umk_log_info ("Loading addresses from DNS seed %s",
                            (char *) cm->opts.dns_seeds->pdata[i]);
              g_resolver_lookup_by_name_async (resolver, cm->opts.dns_seeds->pdata[i], cm->cancel,
                                               on_seed_resolved, cm);
            }
          g_object_unref (resolver);
        }
    }
  else if (cm->opts.fixed_seeds->len > 0)
    {
      umk_log_info ("Adding fixed seeds as 60 seconds have passed and addrman is empty");
      g_autoptr (GArray) found = g_array_new (FALSE, TRUE, sizeof (UmkAddress));
      for (guint i = 0; i < cm->opts.fixed_seeds->len; i++)
        {
          UmkAddress a = { 0 };
          if (!umk_service_parse (cm->opts.fixed_seeds->pdata[i], cm->opts.default_port,
                                  &a.service))
            continue;
          a.services = UMK_NODE_NETWORK | UMK_NODE_WITNESS;
          g_array_append_val (found, a);
        }
      UmkNetAddr source_addr;
      umk_netaddr_init (&source_addr);
      umk_addrman_add (cm->addrman, (UmkAddress *) found->data, found->len, &source_addr, 0);
    }
}

static gboolean
open_tick (gpointer data)
{
  UmkConnman *cm = data;
  if (!umk_connman_network_active (cm) || g_atomic_int_get (&cm->interrupt))
    return G_SOURCE_CONTINUE;
  int64_t now = umk_connman_now_us (cm) / G_USEC_PER_SEC;
  gint64 mono = g_get_monotonic_time () / G_USEC_PER_SEC;

  /* -connect: only these, retried on every tick as Core's loop does. */
  if (cm->opts.connect->len > 0)
    {
      for (guint i = 0; i < cm->opts.connect->len; i++)
        open_connection (cm, cm->opts.connect->pdata[i], UMK_CONN_MANUAL);
      return G_SOURCE_CONTINUE;
    }

  /* Added nodes (-addnode, addnode add). */
  if (cm->last_added_try == 0 || mono - cm->last_added_try >= ADDED_RETRY_S)
    {
      cm->last_added_try = mono;
      g_autoptr (GPtrArray) added = umk_connman_added_nodes (cm);
      int manual = count_type (cm, UMK_CONN_MANUAL);
      for (guint i = 0; i < added->len && manual < 8; i++)
        {
          UmkService svc;
          gboolean numeric = umk_service_parse (added->pdata[i], cm->opts.default_port, &svc);
          if (!already_connected (cm, added->pdata[i], numeric ? &svc : NULL))
            {
              open_connection (cm, added->pdata[i], UMK_CONN_MANUAL);
              manual++;
            }
        }
    }

  if (cm->opts.connect_none || cm->opts.max_connections <= 0)
    return G_SOURCE_CONTINUE;

  /* Seeds: -seednode as addr-fetch peers, then DNS or fixed seeds, when we
   * know no addresses. */
  if (!cm->seeds_tried)
    {
      cm->seeds_tried = TRUE;
      if (umk_addrman_size (cm->addrman, -1, -1) == 0)
        {
          for (guint i = 0; i < cm->opts.seednode->len; i++)
            open_connection (cm, cm->opts.seednode->pdata[i], UMK_CONN_ADDR_FETCH);
          query_seeds (cm);
        }
    }

  if (count_type (cm, UMK_CONN_OUTBOUND_FULL_RELAY) < cm->max_outbound_full_relay)
    (void) open_from_addrman (cm, UMK_CONN_OUTBOUND_FULL_RELAY, FALSE);
  else if (count_type (cm, UMK_CONN_BLOCK_RELAY) < cm->max_outbound_block_relay)
    (void) open_from_addrman (cm, UMK_CONN_BLOCK_RELAY, FALSE);
  else if (now >= cm->next_feeler)
    {
      /* A feeler tests an address from the new table (Core: every ~2 min). */
      cm->next_feeler = now + (int64_t) (-log (g_random_double ()) * FEELER_INTERVAL_S) + 1;
      if (count_type (cm, UMK_CONN_FEELER) < cm->max_feeler)
        (void) open_from_addrman (cm, UMK_CONN_FEELER, TRUE);
    }
  return G_SOURCE_CONTINUE;
}

static gboolean
open_tick_once (gpointer data)
{
  (void) open_tick (data);
  return G_SOURCE_REMOVE;
}

void
umk_connman_opener_start (UmkConnman *cm)
{
  guint timeout_s = (guint) MAX (1, cm->opts.connect_timeout_ms / 1000);
  cm->direct_client = g_socket_client_new ();
  g_socket_client_set_timeout (cm->direct_client, timeout_s);
  g_socket_client_set_enable_proxy (cm->direct_client, FALSE);
  if (cm->opts.proxy != NULL)
    {
      cm->client = g_socket_client_new ();
      g_socket_client_set_timeout (cm->client, timeout_s);
      g_autofree char *uri = g_strdup_printf ("socks5://%s", cm->opts.proxy);
      g_autoptr (GProxyResolver) resolver = g_simple_proxy_resolver_new (uri, NULL);
      g_socket_client_set_proxy_resolver (cm->client, resolver);
      g_socket_client_set_enable_proxy (cm->client, TRUE);
      umk_log_info ("Using SOCKS5 proxy %s for outbound connections to reachable networks",
                    cm->opts.proxy);
    }
  else
    cm->client = g_object_ref (cm->direct_client);
  cm->next_feeler = umk_connman_now_us (cm) / G_USEC_PER_SEC + FEELER_INTERVAL_S;
  GSource *source = g_timeout_source_new (OPEN_INTERVAL_MS);
  g_source_set_callback (source, open_tick, cm, NULL);
  cm->open_source = g_source_attach (source, cm->context);
  g_source_unref (source);
  /* The first round at once: -connect peers should not wait half a second. */
  g_main_context_invoke (cm->context, open_tick_once, cm);
}

void
umk_connman_opener_stop (UmkConnman *cm)
{
  if (cm->open_source != 0)
    {
      GSource *s = g_main_context_find_source_by_id (cm->context, cm->open_source);
      if (s != NULL)
        g_source_destroy (s);
      cm->open_source = 0;
    }
}
