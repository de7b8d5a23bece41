/* rpc-net.c — the "network" methods (peers, added nodes, bans, traffic, the
 * address manager) and the hidden test helpers addconnection, addpeeraddress,
 * sendmsgtopeer, getrawaddrman and setmocktime, as Umkoin Core v31.0's
 * rpc/net.cpp and rpc/node.cpp answer them: same arguments, result members
 * in the same order, same error codes and messages. Help texts are our own.
 *
 * The parts of the network come from the node (node->connman, peerman,
 * addrman, banman); each is NULL when the network does not run, and a method
 * that needs one then fails as Core's Ensure* helpers do.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/addrman.h"
#include "node/banman.h"
#include "node/chainstate.h"
#include "node/mempool.h"
#include "node/net-processing.h"
#include "node/net.h"
#include "node/policy.h"
#include "node/rpc-dispatch.h"
#include "node/rpc-tx.h"

#include "common/args.h"
#include "common/hex.h"
#include "common/logging.h"
#include "common/netaddress.h"
#include "common/protocol.h"

#include <inttypes.h>
#include <string.h>

/* Core's proxy defaults (netbase.h, i2p.h, init.cpp). */
#define DEFAULT_TOR_SOCKS_PORT  9050
#define DEFAULT_I2P_SAM_PORT    7656
#define DEFAULT_PROXYRANDOMIZE  TRUE
#define MAX_UPLOAD_TIMEFRAME    (60 * 60 * 24)
#define MAX_OUTBOUND_FULL_RELAY 8
#define MAX_BLOCK_RELAY_ONLY    2
#define MAX_FEELER_CONNECTIONS  1
#define DEFAULT_MAX_CONNECTIONS 125
/* setmocktime's upper bound: the seconds a signed 64-bit count of nanoseconds
 * can hold (Core's std::chrono::nanoseconds::max()). */
#define MAX_MOCKTIME (G_MAXINT64 / 1000000000)

/* ---- Shared helpers ------------------------------------------------------ */

static UmkConnman *
ensure_connman (UmkRpcCall *call, GError **error)
{
  if (call->node->connman == NULL)
    umk_rpc_set_error (error, UMK_RPC_CLIENT_P2P_DISABLED,
                       "Error: Peer-to-peer functionality missing or disabled");
  return call->node->connman;
}

static UmkPeerManager *
ensure_peerman (UmkRpcCall *call, GError **error)
{
  if (call->node->peerman == NULL)
    umk_rpc_set_error (error, UMK_RPC_CLIENT_P2P_DISABLED,
                       "Error: Peer-to-peer functionality missing or disabled");
  return call->node->peerman;
}

static UmkBanMan *
ensure_banman (UmkRpcCall *call, GError **error)
{
  if (call->node->banman == NULL)
    umk_rpc_set_error (error, UMK_RPC_DATABASE_ERROR, "Error: Ban database not loaded");
  return call->node->banman;
}

static UmkAddrMan *
ensure_addrman (UmkRpcCall *call, GError **error)
{
  if (call->node->addrman == NULL)
    umk_rpc_set_error (error, UMK_RPC_CLIENT_P2P_DISABLED,
                       "Error: Address manager functionality missing or disabled");
  return call->node->addrman;
}

/* Core's GetTime(): the mock time when one is set (setmocktime, -mocktime). */
static gint64
now_seconds (UmkRpcCall *call)
{
  if (call->node->chainstate != NULL)
    return umk_chainstate_now (call->node->chainstate);
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
deprecated_rpc_enabled (UmkRpcCall *call, const char *what)
{
  g_auto (GStrv) enabled = umk_args_get_list (call->node->args, "-deprecatedrpc");
  return enabled != NULL && g_strv_contains ((const char *const *) enabled, what);
}

/* Core throws its help text as a plain error (-1) for a command word it
 * does not know (addnode, setban). */
static void
set_help_error (UmkRpcCall *call, int code, GError **error)
{
  g_autofree char *help = umk_rpc_dispatcher_method_help (call->dispatcher, call->method->name);
  g_set_error_literal (error, UMK_RPC_ERROR, code, help ? help : call->method->name);
}

/* Whether CJDNS counts as reachable: Core removes it unless -cjdnsreachable
 * is given (set at all, whatever its value), and -onlynet may leave it out. */
static gboolean
cjdns_reachable (UmkRpcCall *call)
{
  UmkArgs *args = call->node->args;
  if (!umk_args_is_set (args, "-cjdnsreachable"))
    return FALSE;
  g_auto (GStrv) onlynet = umk_args_get_list (args, "-onlynet");
  if (onlynet == NULL || onlynet[0] == NULL)
    return TRUE;
  for (char **o = onlynet; *o != NULL; o++)
    {
      UmkNetwork net;
      if (umk_network_parse (*o, &net) && net == UMK_NET_CJDNS)
        return TRUE;
    }
  return FALSE;
}

/* Core's LookupHost(name, false): a numeric address only, never DNS. */
static gboolean
lookup_host (const char *text, UmkNetAddr *out)
{
  return text[0] != '\0' && umk_netaddr_parse (text, out);
}

static void
write_services (UmkJsonWriter *w, const char *key, const char *names_key, uint64_t services)
{
  char hex[17];
  g_snprintf (hex, sizeof hex, "%016" PRIx64, services);
  umk_json_writer_kv_string (w, key, hex);
  umk_json_writer_key (w, names_key);
  umk_json_writer_begin_array (w);
  g_autoptr (GPtrArray) names = umk_services_names (services);
  for (guint i = 0; i < names->len; i++)
    umk_json_writer_string (w, names->pdata[i]);
  umk_json_writer_end_array (w);
}

/* ---- getconnectioncount, ping ---------------------------------------------- */

static gboolean
rpc_getconnectioncount (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  umk_json_writer_int (w, umk_connman_count (cm, UMK_CONN_COUNT_ALL));
  return TRUE;
}

static gboolean
rpc_ping (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkPeerManager *pm = ensure_peerman (call, error);
  if (pm == NULL)
    return FALSE;
  /* Every peer gets a ping on the message handler's next round. */
  umk_peerman_send_pings (pm);
  umk_json_writer_null (w);
  return TRUE;
}

/* ---- getpeerinfo ------------------------------------------------------------- */

/* One entry of a per-message byte count table. The name is the peer's own
 * key: entries are never removed while the peer lives. */
typedef struct
{
  const char *name;
  guint64 bytes;
} PerMsgBytes;

static gint
per_msg_cmp (gconstpointer a, gconstpointer b)
{
  return strcmp (((const PerMsgBytes *) a)->name, ((const PerMsgBytes *) b)->name);
}

/* Copies a per-message table as Core's std::map shows it: keys in byte
 * order, zero counts left out. The peer is locked. */
static GArray *
per_msg_snapshot (GHashTable *table)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (PerMsgBytes));
  if (table == NULL)
    return out;
  GHashTableIter it;
  gpointer k, v;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &k, &v))
    if (*(const guint64 *) v > 0)
      {
        PerMsgBytes e = { k, *(const guint64 *) v };
        g_array_append_val (out, e);
      }
  g_array_sort (out, per_msg_cmp);
  return out;
}

static void
write_per_msg (UmkJsonWriter *w, const char *key, GArray *entries)
{
  umk_json_writer_key (w, key);
  umk_json_writer_begin_object (w);
  for (guint i = 0; i < entries->len; i++)
    {
      const PerMsgBytes *e = &g_array_index (entries, PerMsgBytes, i);
      umk_json_writer_key (w, e->name);
      umk_json_writer_uint (w, e->bytes);
    }
  umk_json_writer_end_object (w);
}

static void
write_peer (UmkRpcCall *call, UmkJsonWriter *w, UmkPeer *peer, const UmkPeerStats *st)
{
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "id", peer->id);
  umk_json_writer_kv_string (w, "addr", peer->addr_name ? peer->addr_name : "");
  if (umk_netaddr_is_valid (&peer->addr_bind.addr))
    {
      g_autofree char *bind = umk_service_to_string (&peer->addr_bind);
      umk_json_writer_kv_string (w, "addrbind", bind);
    }
  /* "addrlocal" (our address as the peer saw it) is not kept; Core leaves
   * the member out when it has none, and "mapped_as" without -asmap. */
  umk_json_writer_kv_string (w, "network",
                             umk_network_name (umk_netaddr_get_net_class (&peer->addr.addr)));
  write_services (w, "services", "servicesnames", st->their_services);
  umk_json_writer_kv_bool (w, "relaytxes", st->relay_txs);
  umk_json_writer_kv_int (w, "last_inv_sequence", (gint64) st->last_inv_sequence);
  umk_json_writer_kv_int (w, "inv_to_send", (gint64) st->inv_to_send);

  /* The totals and the per-message tables from one moment, so that the
   * received messages never add up to more than bytesrecv. (Sent messages
   * are counted when queued and bytessent when written, as in Core.) */
  g_mutex_lock (&peer->lock);
  gint64 last_send = peer->last_send, last_recv = peer->last_recv;
  guint64 bytes_sent = peer->bytes_sent, bytes_recv = peer->bytes_recv;
  g_autoptr (GArray) sent_per_msg = per_msg_snapshot (peer->sent_per_type);
  g_autoptr (GArray) recv_per_msg = per_msg_snapshot (peer->recv_per_type);
  g_mutex_unlock (&peer->lock);
  umk_json_writer_kv_int (w, "lastsend", last_send);
  umk_json_writer_kv_int (w, "lastrecv", last_recv);
  umk_json_writer_kv_int (w, "last_transaction", st->last_tx_time);
  umk_json_writer_kv_int (w, "last_block", st->last_block_time);
  umk_json_writer_key (w, "bytessent");
  umk_json_writer_uint (w, bytes_sent);
  umk_json_writer_key (w, "bytesrecv");
  umk_json_writer_uint (w, bytes_recv);
  umk_json_writer_kv_int (w, "conntime", peer->connected_time);
  umk_json_writer_kv_int (w, "timeoffset", st->time_offset);
  /* Seconds as a double, as Core's Ticks<SecondsDouble>. */
  if (st->ping_us > 0)
    umk_json_writer_kv_double (w, "pingtime", (double) st->ping_us / 1e6);
  if (st->min_ping_us >= 0)
    umk_json_writer_kv_double (w, "minping", (double) st->min_ping_us / 1e6);
  if (st->ping_wait_us > 0)
    umk_json_writer_kv_double (w, "pingwait", (double) st->ping_wait_us / 1e6);
  umk_json_writer_kv_int (w, "version", st->version);
  umk_json_writer_kv_string (w, "subver", st->subver ? st->subver : "");
  umk_json_writer_kv_bool (w, "inbound", peer->inbound);
  umk_json_writer_kv_bool (w, "bip152_hb_to", st->bip152_hb_to);
  umk_json_writer_kv_bool (w, "bip152_hb_from", st->bip152_hb_from);
  if (deprecated_rpc_enabled (call, "startingheight"))
    umk_json_writer_kv_int (w, "startingheight", st->starting_height);
  umk_json_writer_kv_int (w, "presynced_headers", st->presync ? st->presync_height : -1);
  umk_json_writer_kv_int (w, "synced_headers", st->synced_headers);
  umk_json_writer_kv_int (w, "synced_blocks", st->synced_blocks);
  umk_json_writer_key (w, "inflight");
  umk_json_writer_begin_array (w);
  for (guint i = 0; st->inflight != NULL && i < st->inflight->len; i++)
    umk_json_writer_int (w, g_array_index (st->inflight, int, i));
  umk_json_writer_end_array (w);
  umk_json_writer_kv_bool (w, "addr_relay_enabled", st->addr_relay_enabled);
  umk_json_writer_key (w, "addr_processed");
  umk_json_writer_uint (w, st->addr_processed);
  umk_json_writer_key (w, "addr_rate_limited");
  umk_json_writer_uint (w, st->addr_rate_limited);
  umk_json_writer_key (w, "permissions");
  umk_json_writer_begin_array (w);
  g_autoptr (GPtrArray) perms = umk_net_permissions_names (peer->permissions);
  for (guint i = 0; i < perms->len; i++)
    umk_json_writer_string (w, perms->pdata[i]);
  umk_json_writer_end_array (w);
  umk_json_writer_key (w, "minfeefilter");
  umk_rpc_write_amount (w, st->fee_filter);

  write_per_msg (w, "bytessent_per_msg", sent_per_msg);
  write_per_msg (w, "bytesrecv_per_msg", recv_per_msg);
  umk_json_writer_kv_string (w, "connection_type", umk_conn_type_name (peer->conn_type));
  /* Only the plaintext transport exists here. */
  umk_json_writer_kv_string (w, "transport_protocol_type", "v1");
  umk_json_writer_kv_string (w, "session_id", "");
  umk_json_writer_end_object (w);
}

static gboolean
rpc_getpeerinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  UmkPeerManager *pm = ensure_peerman (call, error);
  if (pm == NULL)
    return FALSE;
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *peer = peers->pdata[i];
      UmkPeerStats st;
      memset (&st, 0, sizeof st);
      /* A peer that disconnected meanwhile is left out, as Core does. */
      if (!umk_peerman_get_stats (pm, peer, &st))
        {
          umk_peer_stats_clear (&st);
          continue;
        }
      write_peer (call, w, peer, &st);
      umk_peer_stats_clear (&st);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

/* ---- addnode, addconnection, disconnectnode, getaddednodeinfo ------------------ */

/* Core's GetDefaultPort(string): I2P names have no ports, the rest use the
 * chain's port. */
static guint16
default_port_for (UmkRpcCall *call, const char *name)
{
  UmkNetAddr a;
  umk_netaddr_init (&a);
  if (umk_netaddr_set_special (&a, name) && umk_netaddr_is_i2p (&a))
    return 0;
  return call->node->params->default_port;
}

/* Core's LookupNumeric + MaybeFlipIPv6toCJDNS for an added node's text.
 * Returns: whether it is a valid numeric address. */
static gboolean
resolve_numeric (UmkRpcCall *call, const char *text, UmkService *out)
{
  if (!umk_service_parse (text, default_port_for (call, text), out))
    return FALSE;
  umk_service_maybe_flip_cjdns (out, cjdns_reachable (call));
  return umk_netaddr_is_valid (&out->addr);
}

static gboolean
local_v2 (UmkConnman *cm)
{
  return (umk_connman_local_services (cm) & UMK_NODE_P2P_V2) != 0;
}

static gboolean
rpc_addnode (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *command = umk_rpc_param_str (call, 1, error);
  if (command == NULL)
    return FALSE;
  if (strcmp (command, "onetry") != 0 && strcmp (command, "add") != 0
      && strcmp (command, "remove") != 0)
    {
      set_help_error (call, UMK_RPC_MISC_ERROR, error);
      return FALSE;
    }
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  const char *node = umk_rpc_param_str (call, 0, error);
  if (node == NULL)
    return FALSE;
  gboolean use_v2 = local_v2 (cm);
  if (umk_rpc_param (call, 2) != NULL && !umk_rpc_param_bool (call, 2, &use_v2, error))
    return FALSE;
  if (use_v2 && !local_v2 (cm))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Error: v2transport requested but not enabled (see -v2transport)");
      return FALSE;
    }

  if (strcmp (command, "onetry") == 0)
    umk_connman_open_once (cm, node, UMK_CONN_MANUAL);
  else if (strcmp (command, "add") == 0)
    {
      /* Core also refuses a second spelling of the same numeric address
       * ("127.1:6333" after "127.0.0.1:6333"). */
      UmkService want, have;
      gboolean numeric = resolve_numeric (call, node, &want);
      gboolean duplicate = FALSE;
      g_autoptr (GPtrArray) added = umk_connman_added_nodes (cm);
      for (guint i = 0; numeric && i < added->len && !duplicate; i++)
        duplicate
            = resolve_numeric (call, added->pdata[i], &have) && umk_service_equal (&want, &have);
      if (duplicate || !umk_connman_add_node (cm, node))
        {
          umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_ALREADY_ADDED, "Error: Node already added");
          return FALSE;
        }
    }
  else if (!umk_connman_remove_node (cm, node))
    {
      umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_NOT_ADDED,
                         "Error: Node could not be removed. It has not been added previously.");
      return FALSE;
    }
  umk_json_writer_null (w);
  return TRUE;
}

static const UmkRpcArg addnode_args[] = {
  { "node", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The peer's IP address or host name, optionally with :port", 0, NULL },
  { "command", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "'add' puts it on the list of added nodes, 'remove' takes it off, 'onetry' connects to it "
    "once",
    0, NULL },
  { "v2transport", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_HINT, "set by -v2transport",
    "Whether to use the BIP324 v2 transport (not for 'remove')", 0, NULL },
};

/* How many outbound connections of each automatic kind Core allows (its
 * CConnman::Init from -maxconnections). */
static void
outbound_limits (UmkRpcCall *call, int *full_relay, int *block_relay, int *total)
{
  gint64 max = umk_args_get_int (call->node->args, "-maxconnections", DEFAULT_MAX_CONNECTIONS);
  max = CLAMP (max, 0, 100000);
  *full_relay = (int) MIN (MAX_OUTBOUND_FULL_RELAY, max);
  *block_relay = (int) MIN (MAX_BLOCK_RELAY_ONLY, max - *full_relay);
  *total = (int) MIN (*full_relay + *block_relay + MAX_FEELER_CONNECTIONS, max);
}

/* Core's CConnman::AddConnection capacity check: the type's own limit, then
 * the outbound semaphore shared by every automatic outbound connection. */
static gboolean
have_capacity (UmkRpcCall *call, UmkConnman *cm, UmkConnType type)
{
  int full_relay, block_relay, total;
  outbound_limits (call, &full_relay, &block_relay, &total);
  int same = 0, automatic = 0;
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (p->conn_type == type)
        same++;
      if (!p->inbound && p->conn_type != UMK_CONN_MANUAL)
        automatic++;
    }
  if (type == UMK_CONN_OUTBOUND_FULL_RELAY && same >= full_relay)
    return FALSE;
  if (type == UMK_CONN_BLOCK_RELAY && same >= block_relay)
    return FALSE;
  return automatic < total;
}

static gboolean
rpc_addconnection (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  if (call->node->chain != UMK_CHAIN_REGTEST)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR,
                         "addconnection is for regression testing (-regtest mode) only.");
      return FALSE;
    }
  const char *address = umk_rpc_param_str (call, 0, error);
  const char *type_in = address ? umk_rpc_param_str (call, 1, error) : NULL;
  if (type_in == NULL)
    return FALSE;
  g_autofree char *type_text = g_strstrip (g_strdup (type_in));
  UmkConnType type;
  if (strcmp (type_text, "outbound-full-relay") == 0)
    type = UMK_CONN_OUTBOUND_FULL_RELAY;
  else if (strcmp (type_text, "block-relay-only") == 0)
    type = UMK_CONN_BLOCK_RELAY;
  else if (strcmp (type_text, "addr-fetch") == 0)
    type = UMK_CONN_ADDR_FETCH;
  else if (strcmp (type_text, "feeler") == 0)
    type = UMK_CONN_FEELER;
  else
    {
      set_help_error (call, UMK_RPC_INVALID_PARAMETER, error);
      return FALSE;
    }
  gboolean use_v2;
  if (!umk_rpc_param_bool (call, 2, &use_v2, error))
    return FALSE;
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  if (use_v2 && !local_v2 (cm))
    {
      umk_rpc_set_error (
          error, UMK_RPC_INVALID_PARAMETER,
          "Error: Adding v2transport connections requires -v2transport init flag to be set.");
      return FALSE;
    }
  if (!have_capacity (call, cm, type))
    {
      umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_CAPACITY_REACHED,
                         "Error: Already at capacity for specified connection type.");
      return FALSE;
    }
  umk_connman_open_once (cm, address, type);
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, "address", address);
  umk_json_writer_kv_string (w, "connection_type", type_text);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg addconnection_args[] = {
  { "address", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "The IP address and port to connect to",
    0, NULL },
  { "connection_type", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The kind of connection: \"outbound-full-relay\", \"block-relay-only\", \"addr-fetch\" or "
    "\"feeler\"",
    0, NULL },
  { "v2transport", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_REQUIRED, NULL,
    "Whether to use the BIP324 v2 transport", 0, NULL },
};

static gboolean
rpc_disconnectnode (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  const char *address = NULL;
  if (umk_rpc_param (call, 0) != NULL && (address = umk_rpc_param_str (call, 0, error)) == NULL)
    return FALSE;
  gboolean have_id = umk_rpc_param (call, 1) != NULL;
  gint64 id = 0;
  if (have_id && !umk_rpc_param_int (call, 1, G_MININT64, G_MAXINT64, &id, error))
    return FALSE;

  gboolean by_address = address != NULL && !have_id;
  if (!by_address && !(have_id && (address == NULL || address[0] == '\0')))
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMS,
                         "Only one of address and nodeid should be provided.");
      return FALSE;
    }
  gboolean found = by_address ? umk_connman_disconnect_address (cm, address)
                              : umk_connman_disconnect_id (cm, id);
  if (!found)
    {
      umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_NOT_CONNECTED,
                         "Node not found in connected nodes");
      return FALSE;
    }
  umk_json_writer_null (w);
  return TRUE;
}

static const UmkRpcArg disconnectnode_args[] = {
  { "address", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "fallback to nodeid",
    "The peer's IP address and port", 0, NULL },
  { "nodeid", UMK_RPC_ARG_NUM, UMK_RPC_ARG_HINT, "fallback to address",
    "The peer's id (as getpeerinfo shows it)", 0, NULL },
};

static gboolean
rpc_getaddednodeinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  const char *only = NULL;
  if (umk_rpc_param (call, 0) != NULL && (only = umk_rpc_param_str (call, 0, error)) == NULL)
    return FALSE;

  g_autoptr (GPtrArray) added = umk_connman_added_nodes (cm);
  if (only != NULL)
    {
      gboolean found = FALSE;
      for (guint i = 0; i < added->len && !found; i++)
        found = strcmp (added->pdata[i], only) == 0;
      if (!found)
        {
          umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_NOT_ADDED,
                             "Error: Node has not been added.");
          return FALSE;
        }
    }

  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < added->len; i++)
    {
      const char *name = added->pdata[i];
      if (only != NULL && strcmp (name, only) != 0)
        continue;
      /* Core matches a numeric entry with the peers' addresses and any other
       * with the names peers were connected by; like its std::map, the last
       * peer that matches decides. */
      UmkService svc;
      gboolean numeric = resolve_numeric (call, name, &svc);
      UmkPeer *match = NULL;
      for (guint p = 0; p < peers->len; p++)
        {
          UmkPeer *peer = peers->pdata[p];
          if (numeric
                  ? umk_service_equal (&peer->addr, &svc) && umk_netaddr_is_valid (&peer->addr.addr)
                  : g_strcmp0 (peer->addr_name, name) == 0)
            match = peer;
        }
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_string (w, "addednode", name);
      umk_json_writer_kv_bool (w, "connected", match != NULL);
      umk_json_writer_key (w, "addresses");
      umk_json_writer_begin_array (w);
      if (match != NULL)
        {
          g_autofree char *text = umk_service_to_string (numeric ? &svc : &match->addr);
          umk_json_writer_begin_object (w);
          umk_json_writer_kv_string (w, "address", text);
          umk_json_writer_kv_string (w, "connected", match->inbound ? "inbound" : "outbound");
          umk_json_writer_end_object (w);
        }
      umk_json_writer_end_array (w);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

static const UmkRpcArg getaddednodeinfo_args[] = {
  { "node", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "all nodes",
    "Only this added node, as it was given to addnode", 0, NULL },
};

/* ---- getnettotals ---------------------------------------------------------------- */

static gboolean
rpc_getnettotals (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  uint64_t recv = 0, sent = 0;
  umk_connman_totals (cm, &recv, &sent);
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "totalbytesrecv");
  umk_json_writer_uint (w, recv);
  umk_json_writer_key (w, "totalbytessent");
  umk_json_writer_uint (w, sent);
  /* The system clock, never the mock time (Core's SystemClock). */
  umk_json_writer_kv_int (w, "timemillis", g_get_real_time () / 1000);
  /* There is no -maxuploadtarget here: what Core reports without one. */
  umk_json_writer_key (w, "uploadtarget");
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "timeframe", MAX_UPLOAD_TIMEFRAME);
  umk_json_writer_kv_int (w, "target", 0);
  umk_json_writer_kv_bool (w, "target_reached", FALSE);
  umk_json_writer_kv_bool (w, "serve_historical_blocks", TRUE);
  umk_json_writer_kv_int (w, "bytes_left_in_cycle", 0);
  umk_json_writer_kv_int (w, "time_left_in_cycle", 0);
  umk_json_writer_end_object (w);
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- getnetworkinfo ---------------------------------------------------------------- */

typedef struct
{
  gboolean reachable;
  char *proxy; /* "host:port", or NULL */
  gboolean randomize;
} NetInfo;

/* A proxy as Core's Proxy::ToString shows it: the address and port of a
 * numeric proxy, a unix socket's path as given. */
static char *
proxy_text (const char *spec, guint16 default_port)
{
  if (g_str_has_prefix (spec, "unix:"))
    return g_strdup (spec);
  UmkService svc;
  if (umk_service_parse (spec, default_port, &svc))
    return umk_service_to_string (&svc);
  return g_strdup (spec);
}

/* What Core's init makes of -onlynet, -proxy, -onion, -i2psam and
 * -cjdnsreachable for each network (g_reachable_nets and the proxies);
 * the options were checked at start-up. */
static void
networks_info (UmkRpcCall *call, NetInfo info[UMK_NET_MAX])
{
  UmkArgs *args = call->node->args;
  gboolean randomize = umk_args_get_bool (args, "-proxyrandomize", DEFAULT_PROXYRANDOMIZE);
  memset (info, 0, sizeof (NetInfo) * UMK_NET_MAX);

  g_auto (GStrv) onlynet = umk_args_get_list (args, "-onlynet");
  gboolean any_onlynet = onlynet != NULL && onlynet[0] != NULL;
  for (int n = 0; n < UMK_NET_MAX; n++)
    info[n].reachable = !any_onlynet;
  for (char **o = onlynet; o != NULL && *o != NULL; o++)
    {
      UmkNetwork net;
      if (umk_network_parse (*o, &net))
        info[net].reachable = TRUE;
    }
  if (!umk_args_is_set (args, "-cjdnsreachable"))
    info[UMK_NET_CJDNS].reachable = FALSE;

  /* -proxy=addr[=network]: the last one for each network wins. */
  g_auto (GStrv) proxies = umk_args_get_list (args, "-proxy");
  for (char **p = proxies; p != NULL && *p != NULL; p++)
    {
      const char *eq = strrchr (*p, '=');
      g_autofree char *spec = eq ? g_strndup (*p, (gsize) (eq - *p)) : g_strdup (*p);
      g_autofree char *net = eq ? g_ascii_strdown (eq + 1, -1) : NULL;
      char *text = NULL;
      if (spec[0] != '\0' && strcmp (spec, "0") != 0)
        text = proxy_text (spec, DEFAULT_TOR_SOCKS_PORT);
      UmkNetwork targets[4];
      size_t n_targets = 0;
      if (net == NULL)
        {
          targets[n_targets++] = UMK_NET_IPV4;
          targets[n_targets++] = UMK_NET_IPV6;
          targets[n_targets++] = UMK_NET_ONION;
          targets[n_targets++] = UMK_NET_CJDNS;
        }
      else if (strcmp (net, "ipv4") == 0)
        targets[n_targets++] = UMK_NET_IPV4;
      else if (strcmp (net, "ipv6") == 0)
        targets[n_targets++] = UMK_NET_IPV6;
      else if (strcmp (net, "onion") == 0)
        targets[n_targets++] = UMK_NET_ONION;
      else if (strcmp (net, "cjdns") == 0)
        targets[n_targets++] = UMK_NET_CJDNS;
      for (size_t i = 0; i < n_targets; i++)
        {
          g_free (info[targets[i]].proxy);
          info[targets[i]].proxy = g_strdup (text);
          info[targets[i]].randomize = text != NULL && randomize;
        }
      g_free (text);
    }

  /* -onion overrides the onion proxy, -onion=0 removes it; without one
   * onion is unreachable. */
  g_autofree char *onion = umk_args_get (args, "-onion", "");
  if (umk_args_is_negated (args, "-onion") || strcmp (onion, "0") == 0)
    g_clear_pointer (&info[UMK_NET_ONION].proxy, g_free);
  else if (onion[0] != '\0')
    {
      g_free (info[UMK_NET_ONION].proxy);
      info[UMK_NET_ONION].proxy = proxy_text (onion, DEFAULT_TOR_SOCKS_PORT);
      info[UMK_NET_ONION].randomize = randomize;
    }
  if (info[UMK_NET_ONION].proxy == NULL)
    {
      info[UMK_NET_ONION].reachable = FALSE;
      info[UMK_NET_ONION].randomize = FALSE;
    }

  /* I2P goes through a SAM proxy, whose sessions need no credentials. */
  g_autofree char *sam = umk_args_get (args, "-i2psam", "");
  if (sam[0] != '\0' && !umk_args_is_negated (args, "-i2psam"))
    info[UMK_NET_I2P].proxy = proxy_text (sam, DEFAULT_I2P_SAM_PORT);
  else
    info[UMK_NET_I2P].reachable = FALSE;
}

/* Core's median outbound time offset: taken only from 5 or more peers. Core
 * keeps the last 50 outbound peers' offsets; the connected ones stand in. */
static gint64
median_outbound_offset (UmkConnman *cm, UmkPeerManager *pm)
{
  g_autoptr (GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *peer = peers->pdata[i];
      if (peer->inbound)
        continue;
      UmkPeerStats st;
      memset (&st, 0, sizeof st);
      if (umk_peerman_get_stats (pm, peer, &st) && st.version != 0)
        {
          gint64 off = st.time_offset;
          g_array_append_val (offsets, off);
        }
      umk_peer_stats_clear (&st);
    }
  if (offsets->len < 5)
    return 0;
  gint64 *v = (gint64 *) offsets->data;
  for (guint i = 1; i < offsets->len; i++)
    for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        gint64 t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[offsets->len / 2];
}

static gboolean
rpc_getnetworkinfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  (void) error;
  UmkNode *node = call->node;
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "version", umk_node_client_version ());
  g_autofree char *subversion = umk_node_subversion (node->args);
  umk_json_writer_kv_string (w, "subversion", subversion);
  umk_json_writer_kv_int (w, "protocolversion", UMK_PROTOCOL_VERSION);
  if (node->connman != NULL)
    write_services (w, "localservices", "localservicesnames",
                    umk_connman_local_services (node->connman));
  if (node->peerman != NULL)
    {
      umk_json_writer_kv_bool (w, "localrelay",
                               !umk_args_get_bool (node->args, "-blocksonly", FALSE));
      umk_json_writer_kv_int (w, "timeoffset",
                              node->connman ? median_outbound_offset (node->connman, node->peerman)
                                            : 0);
    }
  if (node->connman != NULL)
    {
      umk_json_writer_kv_bool (w, "networkactive", umk_connman_network_active (node->connman));
      umk_json_writer_kv_int (w, "connections",
                              umk_connman_count (node->connman, UMK_CONN_COUNT_ALL));
      umk_json_writer_kv_int (w, "connections_in",
                              umk_connman_count (node->connman, UMK_CONN_COUNT_IN));
      umk_json_writer_kv_int (w, "connections_out",
                              umk_connman_count (node->connman, UMK_CONN_COUNT_OUT));
    }

  NetInfo info[UMK_NET_MAX];
  networks_info (call, info);
  umk_json_writer_key (w, "networks");
  umk_json_writer_begin_array (w);
  for (int n = 0; n < UMK_NET_MAX; n++)
    {
      if (n == UMK_NET_UNROUTABLE || n == UMK_NET_INTERNAL)
        continue;
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_string (w, "name", umk_network_name ((UmkNetwork) n));
      umk_json_writer_kv_bool (w, "limited", !info[n].reachable);
      umk_json_writer_kv_bool (w, "reachable", info[n].reachable);
      umk_json_writer_kv_string (w, "proxy", info[n].proxy ? info[n].proxy : "");
      umk_json_writer_kv_bool (w, "proxy_randomize_credentials", info[n].randomize);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  for (int n = 0; n < UMK_NET_MAX; n++)
    g_free (info[n].proxy);

  if (node->mempool != NULL)
    {
      const UmkMempoolOptions *o = umk_mempool_options (node->mempool);
      umk_json_writer_key (w, "relayfee");
      umk_rpc_write_amount (w, umk_feerate_per_kvb (o->min_relay_feerate));
      umk_json_writer_key (w, "incrementalfee");
      umk_rpc_write_amount (w, umk_feerate_per_kvb (o->incremental_relay_feerate));
    }
  /* Our own addresses are not discovered (-discover) nor taken from
   * -externalip: none to show. */
  umk_json_writer_key (w, "localaddresses");
  umk_json_writer_begin_array (w);
  umk_json_writer_end_array (w);
  /* The node raises no warnings yet: an empty list, or the old single string. */
  umk_json_writer_key (w, "warnings");
  if (deprecated_rpc_enabled (call, "warnings"))
    umk_json_writer_string (w, "");
  else
    {
      umk_json_writer_begin_array (w);
      umk_json_writer_end_array (w);
    }
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- setban, listbanned, clearbanned ------------------------------------------------ */

/* Writes banlist.json now, as Core's BanMan does after every change (the
 * ban manager writes bans and unbans itself; this is a no-op then). */
static void
save_bans (UmkBanMan *bm)
{
  g_autoptr (GError) error = NULL;
  if (!umk_banman_save (bm, &error))
    umk_log_warning ("Failed to write banlist.json: %s", error->message);
}

static gboolean
rpc_setban (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  const char *command = umk_rpc_param_str (call, 1, error);
  if (command == NULL)
    return FALSE;
  gboolean add = strcmp (command, "add") == 0;
  if (!add && strcmp (command, "remove") != 0)
    {
      set_help_error (call, UMK_RPC_MISC_ERROR, error);
      return FALSE;
    }
  UmkBanMan *bm = ensure_banman (call, error);
  if (bm == NULL)
    return FALSE;
  const char *text = umk_rpc_param_str (call, 0, error);
  if (text == NULL)
    return FALSE;

  /* A single address (made into a one-host subnet) or, with a '/', a
   * subnet; numeric only, never through DNS. */
  gboolean is_subnet = strchr (text, '/') != NULL;
  gboolean cjdns = cjdns_reachable (call);
  UmkSubNet subnet;
  UmkService single;
  umk_subnet_init (&subnet);
  umk_service_init (&single);
  gboolean valid;
  if (is_subnet)
    valid = umk_subnet_parse_full (text, cjdns, &subnet);
  else
    {
      valid = lookup_host (text, &single.addr);
      if (valid)
        {
          umk_service_maybe_flip_cjdns (&single, cjdns);
          valid = umk_netaddr_is_valid (&single.addr);
        }
      if (valid)
        umk_subnet_from_addr (&single.addr, &subnet);
    }
  if (!valid || !subnet.valid)
    {
      umk_rpc_set_error (error, UMK_RPC_CLIENT_INVALID_IP_OR_SUBNET, "Error: Invalid IP/Subnet");
      return FALSE;
    }

  if (add)
    {
      if (is_subnet ? umk_banman_is_subnet_banned (bm, &subnet)
                    : umk_banman_is_banned (bm, &single.addr))
        {
          umk_rpc_set_error (error, UMK_RPC_CLIENT_NODE_ALREADY_ADDED,
                             "Error: IP/Subnet already banned");
          return FALSE;
        }
      gint64 ban_time = 0; /* 0: the default (-bantime) */
      if (umk_rpc_param (call, 2) != NULL
          && !umk_rpc_param_int (call, 2, G_MININT64, G_MAXINT64, &ban_time, error))
        return FALSE;
      gboolean absolute = FALSE;
      if (umk_rpc_param (call, 3) != NULL && !umk_rpc_param_bool (call, 3, &absolute, error))
        return FALSE;
      if (absolute && ban_time < now_seconds (call))
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                             "Error: Absolute timestamp is in the past");
          return FALSE;
        }
      umk_banman_ban (bm, &subnet, ban_time, absolute);
      save_bans (bm);
      if (call->node->connman != NULL)
        umk_connman_disconnect_subnet (call->node->connman, &subnet);
    }
  else
    {
      if (!umk_banman_unban (bm, &subnet))
        {
          umk_rpc_set_error (
              error, UMK_RPC_CLIENT_INVALID_IP_OR_SUBNET,
              "Error: Unban failed. Requested address/subnet was not previously manually banned.");
          return FALSE;
        }
      save_bans (bm);
    }
  umk_json_writer_null (w);
  return TRUE;
}

static const UmkRpcArg setban_args[] = {
  { "subnet", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "An IP address, or a subnet with a netmask or prefix length (a single address is a /32 or "
    "/128)",
    0, NULL },
  { "command", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "'add' bans it, 'remove' lifts a ban made with 'add'", 0, NULL },
  { "bantime", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "0",
    "How many seconds the ban lasts, or with absolute the time it ends; 0 means -bantime (24 "
    "hours unless set)",
    0, NULL },
  { "absolute", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Whether bantime is a point in time, in UNIX epoch time", 0, NULL },
};

static gboolean
rpc_listbanned (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkBanMan *bm = ensure_banman (call, error);
  if (bm == NULL)
    return FALSE;
  /* Swept and in Core's order (by subnet). */
  g_autoptr (GArray) bans = umk_banman_list (bm);
  gint64 now = now_seconds (call);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < bans->len; i++)
    {
      const UmkBanEntry *e = &g_array_index (bans, UmkBanEntry, i);
      g_autofree char *address = umk_subnet_to_string (&e->subnet);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_string (w, "address", address);
      umk_json_writer_kv_int (w, "ban_created", e->created);
      umk_json_writer_kv_int (w, "banned_until", e->until);
      umk_json_writer_kv_int (w, "ban_duration", e->until - e->created);
      umk_json_writer_kv_int (w, "time_remaining", e->until - now);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

static gboolean
rpc_clearbanned (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkBanMan *bm = ensure_banman (call, error);
  if (bm == NULL)
    return FALSE;
  umk_banman_clear (bm);
  save_bans (bm);
  umk_json_writer_null (w);
  return TRUE;
}

/* ---- setnetworkactive -------------------------------------------------------------- */

static gboolean
rpc_setnetworkactive (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  gboolean state;
  if (!umk_rpc_param_bool (call, 0, &state, error))
    return FALSE;
  umk_connman_set_network_active (cm, state);
  umk_json_writer_bool (w, umk_connman_network_active (cm));
  return TRUE;
}

static const UmkRpcArg setnetworkactive_args[] = {
  { "state", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_REQUIRED, NULL,
    "true turns peer-to-peer networking on, false off", 0, NULL },
};

/* ---- getnodeaddresses, addpeeraddress, getaddrmaninfo, getrawaddrman ----------------- */

static gboolean
rpc_getnodeaddresses (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  gint64 count = 1;
  if (umk_rpc_param (call, 0) != NULL
      && !umk_rpc_param_int (call, 0, G_MININT, G_MAXINT, &count, error))
    return FALSE;
  if (count < 0)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Address count out of range");
      return FALSE;
    }
  int network = -1;
  if (umk_rpc_param (call, 1) != NULL)
    {
      const char *name = umk_rpc_param_str (call, 1, error);
      if (name == NULL)
        return FALSE;
      UmkNetwork net;
      if (!umk_network_parse (name, &net) || net == UMK_NET_UNROUTABLE)
        {
          umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Network not recognized: %s", name);
          return FALSE;
        }
      network = (int) net;
    }

  /* Core's GetAddressesUnsafe: quality-filtered, shuffled, and without
   * banned or discouraged addresses. */
  UmkAddrMan *am = umk_connman_addrman (cm);
  UmkBanMan *bm = call->node->banman;
  g_autoptr (GArray) addrs = am ? umk_addrman_get_addr (am, (size_t) count, 0, network, TRUE)
                                : g_array_new (FALSE, FALSE, sizeof (UmkAddress));
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < addrs->len; i++)
    {
      const UmkAddress *a = &g_array_index (addrs, UmkAddress, i);
      if (bm != NULL
          && (umk_banman_is_banned (bm, &a->service.addr)
              || umk_banman_is_discouraged (bm, &a->service.addr)))
        continue;
      g_autofree char *text = umk_netaddr_to_string (&a->service.addr);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "time", a->time);
      umk_json_writer_key (w, "services");
      umk_json_writer_uint (w, a->services);
      umk_json_writer_kv_string (w, "address", text);
      umk_json_writer_kv_int (w, "port", a->service.port);
      umk_json_writer_kv_string (w, "network",
                                 umk_network_name (umk_netaddr_get_net_class (&a->service.addr)));
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  return TRUE;
}

static const UmkRpcArg getnodeaddresses_args[] = {
  { "count", UMK_RPC_ARG_NUM, UMK_RPC_ARG_DEFAULT, "1",
    "At most this many addresses; 0 for all that pass the filter", 0, NULL },
  { "network", UMK_RPC_ARG_STR, UMK_RPC_ARG_HINT, "all networks",
    "Only addresses of this network: ipv4, ipv6, onion, i2p, cjdns.", 0, NULL },
};

static gboolean
rpc_addpeeraddress (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkAddrMan *am = ensure_addrman (call, error);
  if (am == NULL)
    return FALSE;
  const char *text = umk_rpc_param_str (call, 0, error);
  if (text == NULL)
    return FALSE;
  gint64 port;
  if (!umk_rpc_param_int (call, 1, 0, G_MAXUINT16, &port, error))
    return FALSE;
  gboolean tried = FALSE;
  if (umk_rpc_param (call, 2) != NULL && !umk_rpc_param_bool (call, 2, &tried, error))
    return FALSE;

  UmkAddress addr;
  memset (&addr, 0, sizeof addr);
  if (!lookup_host (text, &addr.service.addr))
    {
      umk_rpc_set_error (error, UMK_RPC_CLIENT_INVALID_IP_OR_SUBNET, "Invalid IP address");
      return FALSE;
    }
  addr.service.port = (uint16_t) port;
  umk_service_maybe_flip_cjdns (&addr.service, cjdns_reachable (call));
  addr.services = UMK_NODE_NETWORK | UMK_NODE_WITNESS;
  int64_t now = umk_addrman_now (am);
  addr.time = (uint32_t) now;

  /* The address is its own source, as if the peer had announced itself. */
  const char *failure = NULL;
  if (umk_addrman_add (am, &addr, 1, &addr.service.addr, 0) == 0)
    failure = "failed-adding-to-new";
  else if (tried && !umk_addrman_good (am, &addr.service, now))
    failure = "failed-adding-to-tried";
  umk_json_writer_begin_object (w);
  if (failure != NULL)
    umk_json_writer_kv_string (w, "error", failure);
  umk_json_writer_kv_bool (w, "success", failure == NULL);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg addpeeraddress_args[] = {
  { "address", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL, "The peer's IP address", 0, NULL },
  { "port", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The peer's port", 0, NULL },
  { "tried", UMK_RPC_ARG_BOOL, UMK_RPC_ARG_DEFAULT, "false",
    "Whether to move it on into the tried table", 0, NULL },
};

static gboolean
rpc_getaddrmaninfo (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkAddrMan *am = ensure_addrman (call, error);
  if (am == NULL)
    return FALSE;
  umk_json_writer_begin_object (w);
  /* Every network a peer can be on, then all of them together. */
  for (int net = 0; net < UMK_NET_MAX; net++)
    {
      if (net == UMK_NET_UNROUTABLE || net == UMK_NET_INTERNAL)
        continue;
      umk_json_writer_key (w, umk_network_name ((UmkNetwork) net));
      umk_json_writer_begin_object (w);
      umk_json_writer_key (w, "new");
      umk_json_writer_uint (w, umk_addrman_size (am, net, 1));
      umk_json_writer_key (w, "tried");
      umk_json_writer_uint (w, umk_addrman_size (am, net, 0));
      umk_json_writer_key (w, "total");
      umk_json_writer_uint (w, umk_addrman_size (am, net, -1));
      umk_json_writer_end_object (w);
    }
  umk_json_writer_key (w, "all_networks");
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "new");
  umk_json_writer_uint (w, umk_addrman_size (am, -1, 1));
  umk_json_writer_key (w, "tried");
  umk_json_writer_uint (w, umk_addrman_size (am, -1, 0));
  umk_json_writer_key (w, "total");
  umk_json_writer_uint (w, umk_addrman_size (am, -1, -1));
  umk_json_writer_end_object (w);
  umk_json_writer_end_object (w);
  return TRUE;
}

static void
write_addrman_table (UmkJsonWriter *w, UmkAddrMan *am, gboolean tried)
{
  g_autoptr (GArray) entries = umk_addrman_get_entries (am, tried);
  umk_json_writer_key (w, tried ? "tried" : "new");
  umk_json_writer_begin_object (w);
  for (guint i = 0; i < entries->len; i++)
    {
      const UmkAddrManEntry *e = &g_array_index (entries, UmkAddrManEntry, i);
      char key[32];
      g_snprintf (key, sizeof key, "%d/%d", e->bucket, e->position);
      g_autofree char *address = umk_netaddr_to_string (&e->address.service.addr);
      g_autofree char *source = umk_netaddr_to_string (&e->source);
      umk_json_writer_key (w, key);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_string (w, "address", address);
      umk_json_writer_kv_int (w, "port", e->address.service.port);
      umk_json_writer_key (w, "services");
      umk_json_writer_uint (w, e->address.services);
      umk_json_writer_kv_int (w, "time", e->address.time);
      umk_json_writer_kv_string (
          w, "network", umk_network_name (umk_netaddr_get_net_class (&e->address.service.addr)));
      umk_json_writer_kv_string (w, "source", source);
      umk_json_writer_kv_string (w, "source_network",
                                 umk_network_name (umk_netaddr_get_net_class (&e->source)));
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_object (w);
}

static gboolean
rpc_getrawaddrman (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkAddrMan *am = ensure_addrman (call, error);
  if (am == NULL || ensure_connman (call, error) == NULL)
    return FALSE;
  umk_json_writer_begin_object (w);
  write_addrman_table (w, am, FALSE);
  write_addrman_table (w, am, TRUE);
  umk_json_writer_end_object (w);
  return TRUE;
}

/* ---- sendmsgtopeer ----------------------------------------------------------------- */

/* Core's TryParseHex: pairs of hex digits, white space between pairs
 * skipped. Returns: NULL for anything else. */
static GByteArray *
parse_hex_loose (const char *text)
{
  GByteArray *out = g_byte_array_new ();
  const char *p = text;
  while (*p != '\0')
    {
      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      int hi = umk_hex_digit (*p++);
      if (*p == '\0')
        {
          g_byte_array_unref (out);
          return NULL;
        }
      int lo = umk_hex_digit (*p++);
      if (hi < 0 || lo < 0)
        {
          g_byte_array_unref (out);
          return NULL;
        }
      guint8 byte = (guint8) (hi << 4 | lo);
      g_byte_array_append (out, &byte, 1);
    }
  return out;
}

static gboolean
rpc_sendmsgtopeer (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  gint64 id;
  if (!umk_rpc_param_int (call, 0, G_MININT64, G_MAXINT64, &id, error))
    return FALSE;
  const char *type = umk_rpc_param_str (call, 1, error);
  if (type == NULL)
    return FALSE;
  if (strlen (type) > UMK_MSG_COMMAND_SIZE)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Error: msg_type too long, max length is %d", UMK_MSG_COMMAND_SIZE);
      return FALSE;
    }
  const char *hex = umk_rpc_param_str (call, 2, error);
  if (hex == NULL)
    return FALSE;
  g_autoptr (GByteArray) msg = parse_hex_loose (hex);
  if (msg == NULL)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER, "Error parsing input for msg");
      return FALSE;
    }
  UmkConnman *cm = ensure_connman (call, error);
  if (cm == NULL)
    return FALSE;
  /* Only to a peer that finished its handshake and is not leaving. */
  g_autoptr (UmkPeer) peer = umk_connman_find_peer (cm, id);
  if (peer == NULL || !g_atomic_int_get (&peer->successfully_connected)
      || umk_peer_disconnecting (peer))
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR, "Error: Could not send message to peer");
      return FALSE;
    }
  umk_connman_push_message (cm, peer, type, msg->data, msg->len);
  umk_json_writer_begin_object (w);
  umk_json_writer_end_object (w);
  return TRUE;
}

static const UmkRpcArg sendmsgtopeer_args[] = {
  { "peer_id", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL, "The id of the peer to send it to", 0,
    NULL },
  { "msg_type", UMK_RPC_ARG_STR, UMK_RPC_ARG_REQUIRED, NULL,
    "The message type (at most 12 characters)", 0, NULL },
  { "msg", UMK_RPC_ARG_STR_HEX, UMK_RPC_ARG_REQUIRED, NULL,
    "The message's payload in hex, without the header", 0, NULL },
};

/* ---- setmocktime ------------------------------------------------------------------- */

static gboolean
rpc_setmocktime (UmkRpcCall *call, UmkJsonWriter *w, GError **error)
{
  UmkNode *node = call->node;
  if (!node->params->is_mockable_chain)
    {
      umk_rpc_set_error (error, UMK_RPC_MISC_ERROR,
                         "setmocktime is for regression testing (-regtest mode) only");
      return FALSE;
    }
  gint64 t;
  if (!umk_rpc_param_int (call, 0, G_MININT64, G_MAXINT64, &t, error))
    return FALSE;
  if (t < 0 || t > MAX_MOCKTIME)
    {
      umk_rpc_set_error (error, UMK_RPC_INVALID_PARAMETER,
                         "Mocktime must be in the range [0, %" G_GINT64_FORMAT
                         "], not %" G_GINT64_FORMAT ".",
                         (gint64) MAX_MOCKTIME, t);
      return FALSE;
    }
  /* Under the chainstate's lock, as Core holds cs_main: validation never
   * sees the clock change half-way through a block. Every part keeps its
   * own clock; each is told. */
  if (node->chainstate != NULL)
    {
      umk_chainstate_lock (node->chainstate);
      umk_chainstate_set_mocktime (node->chainstate, t);
      umk_chainstate_unlock (node->chainstate);
    }
  if (node->mempool != NULL)
    umk_mempool_set_mock_time (node->mempool, t);
  if (node->addrman != NULL)
    umk_addrman_set_mocktime (node->addrman, t);
  if (node->banman != NULL)
    umk_banman_set_mocktime (node->banman, t);
  umk_log_set_mocktime (t);
  /* Timers that wait for a time (pings, timeouts) look again now. */
  if (node->connman != NULL)
    umk_connman_wake (node->connman);
  umk_json_writer_null (w);
  return TRUE;
}

static const UmkRpcArg setmocktime_args[] = {
  { "timestamp", UMK_RPC_ARG_NUM, UMK_RPC_ARG_REQUIRED, NULL,
    "UNIX epoch time\nPass 0 to go back to using the system time.", 0, NULL },
};

/* ---- The table --------------------------------------------------------------------- */

#define NULL_RESULT \
  "\nResult:\n"     \
  "null    (json null)\n"

const UmkRpcMethod umk_rpc_net_methods[] = {
  { "network", "getconnectioncount", "Tells how many peers the node is connected to.", NULL, 0,
    "\nResult:\n"
    "n    (numeric) Connections, inbound and outbound\n",
    UMK_RPC_EXAMPLES ("getconnectioncount", "", ""), rpc_getconnectioncount },
  { "network", "ping",
    "Makes the node ping every peer on its next round; getpeerinfo then shows the round trip "
    "times.\n"
    "The ping waits in line with the peer's other messages, so it measures the time they take to "
    "be processed as well as the network.",
    NULL, 0, NULL_RESULT, UMK_RPC_EXAMPLES ("ping", "", ""), rpc_ping },
  { "network", "getpeerinfo", "Describes each connected peer.", NULL, 0,
    "\nResult:\n"
    "[                                     (json array)\n"
    "  {                                   (json object)\n"
    "    \"id\" : n,                         (numeric) The peer's id\n"
    "    \"addr\" : \"str\",                   (string) (host:port) Its address, as connected "
    "to\n"
    "    \"addrbind\" : \"str\",               (string, optional) (ip:port) Our end of the "
    "connection\n"
    "    \"addrlocal\" : \"str\",              (string, optional) (ip:port) Our address as the "
    "peer saw it\n"
    "    \"network\" : \"str\",                (string) Network (ipv4, ipv6, onion, i2p, cjdns, "
    "not_publicly_routable)\n"
    "    \"mapped_as\" : n,                  (numeric, optional) Its AS number (only with "
    "-asmap)\n"
    "    \"services\" : \"hex\",               (string) The services it offers\n"
    "    \"servicesnames\" : [               (json array) The same by name\n"
    "      \"str\",                          (string) A service's name, if known\n"
    "      ...\n"
    "    ],\n"
    "    \"relaytxes\" : true|false,         (boolean) Whether we relay transactions to it\n"
    "    \"last_inv_sequence\" : n,          (numeric) The mempool sequence number of our last "
    "inv to it\n"
    "    \"inv_to_send\" : n,                (numeric) Transactions waiting to be announced to "
    "it\n"
    "    \"lastsend\" : xxx,                 (numeric) When we last sent to it, UNIX epoch time\n"
    "    \"lastrecv\" : xxx,                 (numeric) When we last received from it\n"
    "    \"last_transaction\" : xxx,         (numeric) When it last sent us a valid new "
    "transaction\n"
    "    \"last_block\" : xxx,               (numeric) When it last sent us a new block\n"
    "    \"bytessent\" : n,                  (numeric) Bytes sent\n"
    "    \"bytesrecv\" : n,                  (numeric) Bytes received\n"
    "    \"conntime\" : xxx,                 (numeric) When it connected, UNIX epoch time\n"
    "    \"timeoffset\" : n,                 (numeric) Its clock minus ours, in seconds\n"
    "    \"pingtime\" : n,                   (numeric, optional) The last ping's round trip, in "
    "seconds\n"
    "    \"minping\" : n,                    (numeric, optional) The fastest round trip seen\n"
    "    \"pingwait\" : n,                   (numeric, optional) How long a ping has been "
    "waiting for an answer\n"
    "    \"version\" : n,                    (numeric) Its protocol version, such as 70016\n"
    "    \"subver\" : \"str\",                 (string) Its user agent\n"
    "    \"inbound\" : true|false,           (boolean) Whether it connected to us\n"
    "    \"bip152_hb_to\" : true|false,      (boolean) Whether we asked it for high-bandwidth "
    "compact blocks\n"
    "    \"bip152_hb_from\" : true|false,    (boolean) Whether it asked us for them\n"
    "    \"startingheight\" : n,             (numeric, optional) Its height when it connected "
    "(DEPRECATED, only with -deprecatedrpc=startingheight)\n"
    "    \"presynced_headers\" : n,          (numeric) How far the low-work header pre-sync with "
    "it got, or -1\n"
    "    \"synced_headers\" : n,             (numeric) The last header we both have\n"
    "    \"synced_blocks\" : n,              (numeric) The last block we both have\n"
    "    \"inflight\" : [                    (json array)\n"
    "      n,                              (numeric) The height of a block we asked it for\n"
    "      ...\n"
    "    ],\n"
    "    \"addr_relay_enabled\" : true|false, (boolean) Whether we exchange addresses with it\n"
    "    \"addr_processed\" : n,             (numeric) Addresses taken from it\n"
    "    \"addr_rate_limited\" : n,          (numeric) Addresses from it dropped by the rate "
    "limit\n"
    "    \"permissions\" : [                 (json array) What it may do (-whitelist, "
    "-whitebind)\n"
    "      \"str\",                          (string) bloomfilter, noban, forcerelay, relay, "
    "mempool, download or addr\n"
    "      ...\n"
    "    ],\n"
    "    \"minfeefilter\" : n,               (numeric) The lowest fee rate it wants to hear "
    "about, in UMK/kvB\n"
    "    \"bytessent_per_msg\" : {           (json object)\n"
    "      \"msg\" : n,                      (numeric) Bytes sent in messages of this type "
    "(types without any are left out)\n"
    "      ...\n"
    "    },\n"
    "    \"bytesrecv_per_msg\" : {           (json object)\n"
    "      \"msg\" : n,                      (numeric) Bytes received in messages of this type; "
    "unknown types count as '*other*'\n"
    "      ...\n"
    "    },\n"
    "    \"connection_type\" : \"str\",        (string) outbound-full-relay, block-relay-only, "
    "inbound, manual, addr-fetch, feeler or private-broadcast\n"
    "    \"transport_protocol_type\" : \"str\", (string) detecting, v1 (plaintext) or v2 "
    "(BIP324)\n"
    "    \"session_id\" : \"str\"              (string) The v2 session id, or \"\"\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("getpeerinfo", "", ""), rpc_getpeerinfo },
  { "network", "addnode",
    "Adds a node to the list of nodes the node keeps connecting to, or removes one from it, or "
    "connects to a node once.\n"
    "Such connections are manual: never disconnected for misbehaviour, and the peer need not be "
    "a full node or support segwit (though blocks are not downloaded from it then). At most 8 "
    "are open at a time, counted apart from -maxconnections.",
    addnode_args, G_N_ELEMENTS (addnode_args), NULL_RESULT,
    UMK_RPC_EXAMPLES ("addnode", "\"192.168.0.6:6333\" \"onetry\" true",
                      "\"192.168.0.6:6333\", \"onetry\" true"),
    rpc_addnode },
  { "network", "disconnectnode",
    "Closes the connection to a peer at once.\n"
    "\n"
    "Name the peer either by 'address' or by 'nodeid', not both.\n"
    "\n"
    "To use nodeid, pass an empty string as address, or call with the named argument nodeid "
    "alone.",
    disconnectnode_args, G_N_ELEMENTS (disconnectnode_args), NULL_RESULT,
    UMK_RPC_EXAMPLES ("disconnectnode", "\"192.168.0.6:6333\"", "\"192.168.0.6:6333\"")
        UMK_RPC_EXAMPLES ("disconnectnode", "\"\" 1", "\"\", 1"),
    rpc_disconnectnode },
  { "network", "getaddednodeinfo",
    "Describes the nodes added with addnode or -addnode (not the 'onetry' ones), or one of them.",
    getaddednodeinfo_args, G_N_ELEMENTS (getaddednodeinfo_args),
    "\nResult:\n"
    "[                                (json array)\n"
    "  {                              (json object)\n"
    "    \"addednode\" : \"str\",         (string) The node, as given to addnode\n"
    "    \"connected\" : true|false,    (boolean) Whether we are connected to it\n"
    "    \"addresses\" : [              (json array) The connection, when connected\n"
    "      {                          (json object)\n"
    "        \"address\" : \"str\",       (string) Its IP address and port\n"
    "        \"connected\" : \"str\"      (string) inbound or outbound\n"
    "      },\n"
    "      ...\n"
    "    ]\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("getaddednodeinfo", "\"192.168.0.201\"", "\"192.168.0.201\""),
    rpc_getaddednodeinfo },
  { "network", "getnettotals", "Tells how many bytes went over the network, and the time now.",
    NULL, 0,
    "\nResult:\n"
    "{                                    (json object)\n"
    "  \"totalbytesrecv\" : n,              (numeric) Bytes received\n"
    "  \"totalbytessent\" : n,              (numeric) Bytes sent\n"
    "  \"timemillis\" : xxx,                (numeric) The system's UNIX epoch time in "
    "milliseconds\n"
    "  \"uploadtarget\" : {                 (json object)\n"
    "    \"timeframe\" : n,                 (numeric) The measuring period, in seconds\n"
    "    \"target\" : n,                    (numeric) The target in bytes (0: none)\n"
    "    \"target_reached\" : true|false,   (boolean) Whether it was reached\n"
    "    \"serve_historical_blocks\" : true|false, (boolean) Whether old blocks are served\n"
    "    \"bytes_left_in_cycle\" : n,       (numeric) Bytes left in this period\n"
    "    \"time_left_in_cycle\" : n         (numeric) Seconds left in this period\n"
    "  }\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getnettotals", "", ""), rpc_getnettotals },
  { "network", "getnetworkinfo", "Describes the node's peer-to-peer networking.", NULL, 0,
    "\nResult:\n"
    "{                                   (json object)\n"
    "  \"version\" : n,                    (numeric) The node's version number\n"
    "  \"subversion\" : \"str\",             (string) Its user agent\n"
    "  \"protocolversion\" : n,            (numeric) The protocol version\n"
    "  \"localservices\" : \"hex\",          (string) The services we offer\n"
    "  \"localservicesnames\" : [          (json array) The same by name\n"
    "    \"str\",                          (string) A service's name\n"
    "    ...\n"
    "  ],\n"
    "  \"localrelay\" : true|false,        (boolean) Whether we ask peers to relay "
    "transactions\n"
    "  \"timeoffset\" : n,                 (numeric) The outbound peers' median clock offset\n"
    "  \"networkactive\" : true|false,     (boolean) Whether networking is on\n"
    "  \"connections\" : n,                (numeric) Connections\n"
    "  \"connections_in\" : n,             (numeric) Inbound ones\n"
    "  \"connections_out\" : n,            (numeric) Outbound ones\n"
    "  \"networks\" : [                    (json array) By network\n"
    "    {                               (json object)\n"
    "      \"name\" : \"str\",               (string) network (ipv4, ipv6, onion, i2p, cjdns)\n"
    "      \"limited\" : true|false,       (boolean) Whether -onlynet leaves it out\n"
    "      \"reachable\" : true|false,     (boolean) Whether we can reach it\n"
    "      \"proxy\" : \"str\",              (string) (\"host:port\") Its proxy, or empty\n"
    "      \"proxy_randomize_credentials\" : true|false (boolean) Whether random proxy "
    "credentials are used\n"
    "    },\n"
    "    ...\n"
    "  ],\n"
    "  \"relayfee\" : n,                   (numeric) The minimum relay fee rate, in UMK/kvB\n"
    "  \"incrementalfee\" : n,             (numeric) The fee rate step for replacement and "
    "mempool limiting, in UMK/kvB\n"
    "  \"localaddresses\" : [              (json array) Our own addresses\n"
    "    {                               (json object)\n"
    "      \"address\" : \"str\",            (string) An address\n"
    "      \"port\" : n,                   (numeric) Its port\n"
    "      \"score\" : n                   (numeric) Its score\n"
    "    },\n"
    "    ...\n"
    "  ],\n"
    "  \"warnings\" : [                    (json array) Warnings about the node or the network "
    "(a string with -deprecatedrpc=warnings)\n"
    "    \"str\",                          (string) A warning\n"
    "    ...\n"
    "  ]\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getnetworkinfo", "", ""), rpc_getnetworkinfo },
  { "network", "setban", "Bans an IP address or a subnet, or lifts a ban.", setban_args,
    G_N_ELEMENTS (setban_args), NULL_RESULT,
    "> umkoin-cli setban \"192.168.0.6\" \"add\" 86400\n"
    "> umkoin-cli setban \"192.168.0.0/24\" \"add\"\n"
    "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", "
    "\"method\": \"setban\", \"params\": [\"192.168.0.6\", \"add\", 86400]}' "
    "-H 'content-type: application/json' http://127.0.0.1:6332/\n",
    rpc_setban },
  { "network", "listbanned", "Lists the banned addresses and subnets.", NULL, 0,
    "\nResult:\n"
    "[                              (json array)\n"
    "  {                            (json object)\n"
    "    \"address\" : \"str\",         (string) The address or subnet\n"
    "    \"ban_created\" : xxx,       (numeric) When the ban was made, UNIX epoch time\n"
    "    \"banned_until\" : xxx,      (numeric) When it ends, UNIX epoch time\n"
    "    \"ban_duration\" : xxx,      (numeric) Its length in seconds\n"
    "    \"time_remaining\" : xxx     (numeric) Seconds until it ends\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("listbanned", "", ""), rpc_listbanned },
  { "network", "clearbanned", "Lifts every ban.", NULL, 0, NULL_RESULT,
    UMK_RPC_EXAMPLES ("clearbanned", "", ""), rpc_clearbanned },
  { "network", "setnetworkactive", "Turns all peer-to-peer networking off or on again.",
    setnetworkactive_args, G_N_ELEMENTS (setnetworkactive_args),
    "\nResult:\n"
    "true|false    (boolean) The state now\n",
    "", rpc_setnetworkactive },
  { "network", "getnodeaddresses",
    "Gives addresses the node knows, those that pass its quality and age filter, in random "
    "order: candidates for new peers. The node may know more.",
    getnodeaddresses_args, G_N_ELEMENTS (getnodeaddresses_args),
    "\nResult:\n"
    "[                         (json array)\n"
    "  {                       (json object)\n"
    "    \"time\" : xxx,         (numeric) When it was last seen, UNIX epoch time\n"
    "    \"services\" : n,       (numeric) The services it offers\n"
    "    \"address\" : \"str\",    (string) Its address\n"
    "    \"port\" : n,           (numeric) Its port\n"
    "    \"network\" : \"str\"     (string) Its network (ipv4, ipv6, onion, i2p, cjdns)\n"
    "  },\n"
    "  ...\n"
    "]\n",
    UMK_RPC_EXAMPLES ("getnodeaddresses", "8", "8")
        UMK_RPC_EXAMPLES ("getnodeaddresses", "4 \"i2p\"", "4, \"i2p\""),
    rpc_getnodeaddresses },
  { "network", "getaddrmaninfo",
    "Counts the addresses in the address manager's new and tried tables, by network and in "
    "all.",
    NULL, 0,
    "\nResult:\n"
    "{                   (json object) By network\n"
    "  \"network\" : {     (json object) the network (ipv4, ipv6, onion, i2p, cjdns, "
    "all_networks)\n"
    "    \"new\" : n,      (numeric) Addresses heard of but not yet connected to\n"
    "    \"tried\" : n,    (numeric) Addresses connected to before\n"
    "    \"total\" : n     (numeric) Both together\n"
    "  },\n"
    "  ...\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getaddrmaninfo", "", ""), rpc_getaddrmaninfo },
  { "hidden", "addconnection", "Opens an outbound connection of a given kind, for testing.",
    addconnection_args, G_N_ELEMENTS (addconnection_args),
    "\nResult:\n"
    "{                            (json object)\n"
    "  \"address\" : \"str\",         (string) The address, as given\n"
    "  \"connection_type\" : \"str\"  (string) The kind of connection\n"
    "}\n",
    UMK_RPC_EXAMPLES ("addconnection", "\"192.168.0.6:6333\" \"outbound-full-relay\" true",
                      "\"192.168.0.6:6333\" \"outbound-full-relay\" true"),
    rpc_addconnection },
  { "hidden", "addpeeraddress", "Adds an address to the address manager, for testing.",
    addpeeraddress_args, G_N_ELEMENTS (addpeeraddress_args),
    "\nResult:\n"
    "{                        (json object)\n"
    "  \"success\" : true|false,  (boolean) Whether it went into the table asked for\n"
    "  \"error\" : \"str\"        (string, optional) Why not\n"
    "}\n",
    UMK_RPC_EXAMPLES ("addpeeraddress", "\"1.2.3.4\" 6333 true", "\"1.2.3.4\", 6333, true"),
    rpc_addpeeraddress },
  { "hidden", "sendmsgtopeer",
    "Sends a message of any type to a peer; the node adds the header. For testing.",
    sendmsgtopeer_args, G_N_ELEMENTS (sendmsgtopeer_args),
    "\nResult:\n"
    "{}    (json object)\n",
    UMK_RPC_EXAMPLES ("sendmsgtopeer", "0 \"addr\" \"ffffff\"", "0 \"addr\" \"ffffff\""),
    rpc_sendmsgtopeer },
  { "hidden", "getrawaddrman",
    "EXPERIMENTAL warning: this call may be changed in future releases.\n"
    "\n"
    "Lists every slot of the address manager's new and tried tables.",
    NULL, 0,
    "\nResult:\n"
    "{                                 (json object)\n"
    "  \"table\" : {                     (json object) new or tried\n"
    "    \"bucket/position\" : {         (json object) Where the entry is\n"
    "      \"address\" : \"str\",          (string) The address\n"
    "      \"port\" : n,                 (numeric) Its port\n"
    "      \"services\" : n,             (numeric) The services it offers\n"
    "      \"time\" : xxx,               (numeric) When it was last seen, UNIX epoch time\n"
    "      \"network\" : \"str\",          (string) Its network (ipv4, ipv6, onion, i2p, cjdns)\n"
    "      \"source\" : \"str\",           (string) Who told us about it\n"
    "      \"source_network\" : \"str\"    (string) The source's network\n"
    "    },\n"
    "    ...\n"
    "  },\n"
    "  ...\n"
    "}\n",
    UMK_RPC_EXAMPLES ("getrawaddrman", "", ""), rpc_getrawaddrman },
  { "hidden", "setmocktime", "Sets the node's clock to a fixed time (-regtest only).",
    setmocktime_args, G_N_ELEMENTS (setmocktime_args), NULL_RESULT, "", rpc_setmocktime },
};
const guint umk_rpc_n_net_methods = G_N_ELEMENTS (umk_rpc_net_methods);
