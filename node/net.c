/* net.c — peers, their sockets and queues, and the message-handler thread
 * (Core's CConnman socket and message handling, CNode). See net.h. */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "node/net.h"

#include "common/hash.h"
#include "common/hex.h"
#include "common/protocol.h"
#include "node/chainstate.h"
#include "node/net-eviction.h"
#include "node/net-address.h"
#include "node/net-private.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

#define READ_CHUNK (64 * 1024)
#define RECV_AHEAD (256 * 1024)
/* How long the handler sleeps when no peer has work (it is woken early). */
#define HANDLER_IDLE_US    (100 * 1000)
#define TIMEOUT_INTERVAL_S (20 * 60)

const char *
umk_conn_type_name (UmkConnType type)
{
  switch (type)
    {
    case UMK_CONN_INBOUND:
      return "inbound";
    case UMK_CONN_OUTBOUND_FULL_RELAY:
      return "outbound-full-relay";
    case UMK_CONN_MANUAL:
      return "manual";
    case UMK_CONN_FEELER:
      return "feeler";
    case UMK_CONN_BLOCK_RELAY:
      return "block-relay-only";
    case UMK_CONN_ADDR_FETCH:
      return "addr-fetch";
    }
  return "unknown";
}

void
umk_net_msg_free (UmkNetMsg *msg)
{
  if (msg == NULL)
    return;
  g_bytes_unref (msg->payload);
  g_free (msg);
}

/* ---- peers ------------------------------------------------------------------ */

UmkPeer *
umk_peer_ref (UmkPeer *peer)
{
  g_atomic_int_inc (&peer->refcount);
  return peer;
}

void
umk_peer_unref (UmkPeer *peer)
{
  if (peer == NULL || !g_atomic_int_dec_and_test (&peer->refcount))
    return;
  g_queue_clear_full (&peer->recv_queue, (GDestroyNotify) umk_net_msg_free);
  g_queue_clear_full (&peer->send_queue, (GDestroyNotify) g_bytes_unref);
  g_clear_pointer (&peer->sent_per_type, g_hash_table_unref);
  g_clear_pointer (&peer->recv_per_type, g_hash_table_unref);
  g_clear_object (&peer->conn);
  g_clear_object (&peer->cancel);
  g_free (peer->rbuf);
  if (peer->data != NULL)
    g_byte_array_unref (peer->data);
  g_free (peer->addr_name);
  g_mutex_clear (&peer->lock);
  g_free (peer);
}

gint64
umk_connman_now_us (UmkConnman *cm)
{
  UmkChainstate *cs = cm->node->chainstate;
  gint64 mock = cs != NULL ? umk_chainstate_mocktime (cs) : 0;
  return mock != 0 ? mock * G_USEC_PER_SEC : g_get_real_time ();
}

static int64_t
now_s (UmkConnman *cm)
{
  return umk_connman_now_us (cm) / G_USEC_PER_SEC;
}

uint64_t
umk_connman_netgroup_key (UmkConnman *cm, const UmkNetAddr *addr)
{
  g_autoptr (GByteArray) group = g_byte_array_new ();
  umk_netaddr_get_group (addr, group);
  return umk_siphash24 (cm->netgroup_k0, cm->netgroup_k1, group->data, group->len);
}

static void
count_bytes (GHashTable *table, const char *command, size_t n)
{
  const char *key = umk_msg_type_is_known (command) ? command : "*other*";
  guint64 *total = g_hash_table_lookup (table, key);
  if (total == NULL)
    {
      total = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_strdup (key), total);
    }
  *total += n;
}

static void start_read (UmkPeer *peer);
static void start_write (UmkPeer *peer);
static void close_peer (UmkPeer *peer);

UmkPeer *
umk_connman_add_peer (UmkConnman *cm, GSocketConnection *conn, UmkConnType type,
                      const char *addr_name, guint32 permissions, gboolean inbound)
{
  UmkPeer *peer = g_new0 (UmkPeer, 1);
  peer->refcount = 1;
  peer->connman = cm;
  peer->conn_type = type;
  peer->inbound = inbound;
  peer->permissions = permissions;
  peer->conn = g_object_ref (conn);
  peer->cancel = g_cancellable_new ();
  peer->rbuf = g_malloc (READ_CHUNK);
  peer->listen_index = -1;
  peer->min_ping_us = G_MAXINT64;
  g_mutex_init (&peer->lock);
  g_queue_init (&peer->recv_queue);
  g_queue_init (&peer->send_queue);
  peer->sent_per_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  peer->recv_per_type = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  peer->connected_time = now_s (cm);

  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (conn, NULL);
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (conn, NULL);
  if (remote != NULL)
    (void) umk_service_from_gsocketaddress (remote, &peer->addr);
  if (local != NULL)
    (void) umk_service_from_gsocketaddress (local, &peer->addr_bind);
  peer->addr_name = addr_name != NULL ? g_strdup (addr_name) : umk_service_to_string (&peer->addr);
  peer->keyed_netgroup = umk_connman_netgroup_key (cm, &peer->addr.addr);
  /* Small messages (pings, invs) go out at once. */
  GSocket *socket = g_socket_connection_get_socket (conn);
  (void) g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  g_mutex_lock (&cm->lock);
  peer->id = cm->next_id++;
  g_ptr_array_add (cm->peers, peer); /* the list takes the creation reference */
  g_mutex_unlock (&cm->lock);

  start_read (peer);
  umk_connman_wake (cm);
  return peer;
}

/* ---- receiving (main loop) ---------------------------------------------------- */

/* Takes bytes off the wire: the 24-byte header, then the payload. Returns:
 * FALSE when the peer must be dropped (wrong magic, oversized). */
static gboolean
receive_bytes (UmkPeer *peer, const guint8 *p, size_t n)
{
  UmkConnman *cm = peer->connman;
  while (n > 0)
    {
      if (peer->data == NULL)
        {
          size_t take = MIN (n, sizeof peer->hdr - peer->hdr_pos);
          memcpy (peer->hdr + peer->hdr_pos, p, take);
          peer->hdr_pos += take;
          p += take;
          n -= take;
          if (peer->hdr_pos < sizeof peer->hdr)
            break;
          UmkMsgHeader *h = &peer->msg_header;
          UmkMsgHeaderStatus st
              = umk_msg_header_parse (peer->hdr, cm->node->params->message_start, h);
          if (st == UMK_MSG_HEADER_BAD_MAGIC)
            {
              g_autofree char *magic = umk_hex_encode (peer->hdr, 4);
              UMK_LOG_DEBUG (UMK_LOG_NET,
                             "Header error: Wrong MessageStart %s received, peer=%" G_GINT64_FORMAT,
                             magic, peer->id);
              return FALSE;
            }
          if (st == UMK_MSG_HEADER_OVERSIZED)
            {
              UMK_LOG_DEBUG (UMK_LOG_NET,
                             "Header error: Size too large (%s, %u bytes), peer=%" G_GINT64_FORMAT,
                             h->command, h->length, peer->id);
              return FALSE;
            }
          /* A malformed command is dropped with its payload, as Core drops
           * a message with a bad checksum: the stream stays in step. */
          peer->msg_bad_command = st == UMK_MSG_HEADER_BAD_COMMAND;
          /* The payload buffer grows as bytes arrive (at most 256 KiB
           * ahead), so headers that promise 4 MB cost nothing until the
           * bytes come (Core's fix of 2024). */
          peer->data = g_byte_array_sized_new (MIN (h->length, RECV_AHEAD));
        }
      const UmkMsgHeader *h = &peer->msg_header;
      size_t take = MIN (n, h->length - peer->data->len);
      g_byte_array_append (peer->data, p, (guint) take);
      p += take;
      n -= take;
      if (peer->data->len < h->length)
        break;

      /* A whole message. */
      size_t raw = UMK_MSG_HEADER_SIZE + h->length;
      gboolean reject = FALSE;
      if (!umk_msg_checksum_ok (h, peer->data->data, h->length))
        {
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Header error: Wrong checksum (%s, %zu bytes), peer=%" G_GINT64_FORMAT,
                         h->command, (size_t) h->length, peer->id);
          reject = TRUE;
        }
      else if (peer->msg_bad_command)
        {
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Header error: Invalid message type (%zu bytes), peer=%" G_GINT64_FORMAT,
                         (size_t) h->length, peer->id);
          reject = TRUE;
        }
      g_mutex_lock (&peer->lock);
      if (reject)
        count_bytes (peer->recv_per_type, "*other*", raw);
      else
        {
          UmkNetMsg *msg = g_new0 (UmkNetMsg, 1);
          g_strlcpy (msg->command, h->command, sizeof msg->command);
          msg->payload = g_byte_array_free_to_bytes (g_steal_pointer (&peer->data));
          msg->time_us = umk_connman_now_us (cm);
          msg->raw_size = raw;
          count_bytes (peer->recv_per_type, msg->command, raw);
          g_queue_push_tail (&peer->recv_queue, msg);
          peer->recv_queue_size += raw;
          if (peer->recv_queue_size > cm->opts.max_receive_buffer)
            peer->pause_recv = TRUE;
        }
      g_mutex_unlock (&peer->lock);
      g_clear_pointer (&peer->data, g_byte_array_unref);
      peer->hdr_pos = 0;
      if (!reject)
        umk_connman_wake (cm);
    }
  return TRUE;
}

static void
on_read (GObject *source, GAsyncResult *res, gpointer user_data)
{
  UmkPeer *peer = user_data;
  UmkConnman *cm = peer->connman;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), res, &error);
  peer->reading = FALSE;
  if (peer->closed)
    {
      umk_peer_unref (peer);
      return;
    }
  if (n <= 0)
    {
      if (n == 0)
        UMK_LOG_DEBUG (UMK_LOG_NET, "socket closed, disconnecting peer=%" G_GINT64_FORMAT,
                       peer->id);
      else
        UMK_LOG_DEBUG (UMK_LOG_NET, "socket recv error for peer=%" G_GINT64_FORMAT ": %s", peer->id,
                       error->message);
      g_atomic_int_set (&peer->disconnect, 1);
      close_peer (peer);
      umk_peer_unref (peer);
      return;
    }
  /* The node's total first: read after a peer's count, it covers it. */
  g_mutex_lock (&cm->lock);
  cm->total_recv += (uint64_t) n;
  g_mutex_unlock (&cm->lock);
  g_mutex_lock (&peer->lock);
  peer->bytes_recv += (uint64_t) n;
  peer->last_recv = now_s (cm);
  g_mutex_unlock (&peer->lock);
  if (!receive_bytes (peer, peer->rbuf, (size_t) n))
    {
      g_atomic_int_set (&peer->disconnect, 1);
      close_peer (peer);
    }
  else
    start_read (peer);
  umk_peer_unref (peer);
}

static void
start_read (UmkPeer *peer)
{
  if (peer->reading || peer->closed || umk_peer_disconnecting (peer))
    return;
  g_mutex_lock (&peer->lock);
  gboolean paused = peer->pause_recv;
  g_mutex_unlock (&peer->lock);
  if (paused)
    return; /* resumed by resume_receive */
  peer->reading = TRUE;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (peer->conn));
  g_input_stream_read_async (in, peer->rbuf, READ_CHUNK, G_PRIORITY_DEFAULT, peer->cancel, on_read,
                             umk_peer_ref (peer));
}

static gboolean
resume_read_cb (gpointer data)
{
  start_read (data);
  return G_SOURCE_REMOVE;
}

static void
resume_receive (UmkConnman *cm, UmkPeer *peer)
{
  g_main_context_invoke_full (cm->context, G_PRIORITY_DEFAULT, resume_read_cb, umk_peer_ref (peer),
                              (GDestroyNotify) umk_peer_unref);
}

UmkNetMsg *
umk_connman_pop_message (UmkConnman *cm, UmkPeer *peer, gboolean *more)
{
  gboolean resume = FALSE;
  g_mutex_lock (&peer->lock);
  /* A peer that does not read what we send gets no more of our time. */
  UmkNetMsg *msg = peer->pause_send ? NULL : g_queue_pop_head (&peer->recv_queue);
  if (msg != NULL)
    {
      peer->recv_queue_size -= msg->raw_size;
      if (peer->pause_recv && peer->recv_queue_size <= cm->opts.max_receive_buffer)
        {
          peer->pause_recv = FALSE;
          resume = TRUE;
        }
    }
  *more = !peer->pause_send && !g_queue_is_empty (&peer->recv_queue);
  g_mutex_unlock (&peer->lock);
  if (resume)
    resume_receive (cm, peer);
  return msg;
}

/* ---- sending ---------------------------------------------------------------------- */

static void
on_written (GObject *source, GAsyncResult *res, gpointer user_data)
{
  UmkPeer *peer = user_data;
  UmkConnman *cm = peer->connman;
  g_autoptr (GError) error = NULL;
  gsize written = 0;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), res, &written, &error);
  peer->writing = FALSE;
  /* The node's total first, as in on_read. */
  g_mutex_lock (&cm->lock);
  cm->total_sent += written;
  g_mutex_unlock (&cm->lock);
  g_mutex_lock (&peer->lock);
  GBytes *done = g_queue_pop_head (&peer->send_queue);
  size_t len = done != NULL ? g_bytes_get_size (done) : 0;
  peer->send_size -= MIN (peer->send_size, len);
  peer->bytes_sent += written;
  if (written > 0)
    peer->last_send = now_s (cm);
  gboolean was_paused = peer->pause_send;
  if (peer->send_size < cm->opts.max_send_buffer)
    peer->pause_send = FALSE;
  g_mutex_unlock (&peer->lock);
  g_clear_pointer (&done, g_bytes_unref);
  if (!ok && !peer->closed)
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "socket send error for peer=%" G_GINT64_FORMAT ": %s", peer->id,
                     error->message);
      g_atomic_int_set (&peer->disconnect, 1);
      close_peer (peer);
    }
  else if (!peer->closed)
    start_write (peer);
  if (was_paused)
    umk_connman_wake (cm);
  umk_peer_unref (peer);
}

static void
start_write (UmkPeer *peer)
{
  if (peer->writing || peer->closed)
    return;
  g_mutex_lock (&peer->lock);
  GBytes *next = g_queue_peek_head (&peer->send_queue);
  g_mutex_unlock (&peer->lock);
  if (next == NULL)
    return;
  peer->writing = TRUE;
  gsize len;
  const void *data = g_bytes_get_data (next, &len);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (peer->conn));
  /* next stays at the head of the queue, referenced, until on_written. */
  g_output_stream_write_all_async (out, data, len, G_PRIORITY_DEFAULT, peer->cancel, on_written,
                                   umk_peer_ref (peer));
}

static gboolean
write_cb (gpointer data)
{
  start_write (data);
  return G_SOURCE_REMOVE;
}

void
umk_connman_push_message (UmkConnman *cm, UmkPeer *peer, const char *command, const guint8 *payload,
                          size_t len)
{
  if (umk_peer_disconnecting (peer))
    return;
  GByteArray *frame = g_byte_array_sized_new (UMK_MSG_HEADER_SIZE + len);
  umk_msg_frame (frame, cm->node->params->message_start, command, payload, len);
  UMK_LOG_DEBUG (UMK_LOG_NET, "sending %s (%zu bytes) peer=%" G_GINT64_FORMAT, command, len,
                 peer->id);
  size_t raw = frame->len;
  g_mutex_lock (&peer->lock);
  gboolean first = g_queue_is_empty (&peer->send_queue);
  g_queue_push_tail (&peer->send_queue, g_byte_array_free_to_bytes (frame));
  peer->send_size += raw;
  count_bytes (peer->sent_per_type, command, raw);
  if (peer->send_size >= cm->opts.max_send_buffer)
    peer->pause_send = TRUE;
  g_mutex_unlock (&peer->lock);
  if (first)
    g_main_context_invoke_full (cm->context, G_PRIORITY_DEFAULT, write_cb, umk_peer_ref (peer),
                                (GDestroyNotify) umk_peer_unref);
}

/* ---- disconnecting ------------------------------------------------------------------- */

/* Closes the socket and hands the peer to the handler for finalizing
 * (main loop). */
static void
close_peer (UmkPeer *peer)
{
  UmkConnman *cm = peer->connman;
  if (peer->closed)
    return;
  peer->closed = TRUE;
  g_atomic_int_set (&peer->disconnect, 1);
  g_cancellable_cancel (peer->cancel);
  (void) g_socket_close (g_socket_connection_get_socket (peer->conn), NULL);
  g_mutex_lock (&cm->lock);
  if (g_ptr_array_remove_fast (cm->peers, peer))
    g_ptr_array_add (cm->disconnected, peer); /* the list's reference moves */
  g_mutex_unlock (&cm->lock);
  umk_connman_wake (cm);
}

static gboolean
close_cb (gpointer data)
{
  close_peer (data);
  return G_SOURCE_REMOVE;
}

void
umk_connman_disconnect (UmkConnman *cm, UmkPeer *peer, const char *reason)
{
  if (g_atomic_int_exchange (&peer->disconnect, 1) == 0 && reason != NULL)
    UMK_LOG_DEBUG (UMK_LOG_NET, "%s, disconnecting peer=%" G_GINT64_FORMAT, reason, peer->id);
  g_main_context_invoke_full (cm->context, G_PRIORITY_DEFAULT, close_cb, umk_peer_ref (peer),
                              (GDestroyNotify) umk_peer_unref);
}

GPtrArray *
umk_connman_peers (UmkConnman *cm)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_peer_unref);
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len; i++)
    g_ptr_array_add (out, umk_peer_ref (cm->peers->pdata[i]));
  g_mutex_unlock (&cm->lock);
  return out;
}

UmkPeer *
umk_connman_find_peer (UmkConnman *cm, int64_t id)
{
  UmkPeer *found = NULL;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len && found == NULL; i++)
    {
      UmkPeer *p = cm->peers->pdata[i];
      if (p->id == id && !umk_peer_disconnecting (p))
        found = umk_peer_ref (p);
    }
  g_mutex_unlock (&cm->lock);
  return found;
}

/* Core's DisconnectNode by name or id: the first peer with exactly this
 * name (as connected: "ip:port" as dialled, or the remote end of an inbound
 * connection) or id, also one already on its way out. */
static gboolean
disconnect_first (UmkConnman *cm, const char *name, int64_t id, const char *reason)
{
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (name != NULL ? g_strcmp0 (p->addr_name, name) == 0 : p->id == id)
        {
          umk_connman_disconnect (cm, p, reason);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
umk_connman_disconnect_id (UmkConnman *cm, int64_t id)
{
  return disconnect_first (cm, NULL, id, "disconnect by id");
}

gboolean
umk_connman_disconnect_address (UmkConnman *cm, const char *addr)
{
  return disconnect_first (cm, addr, 0, "disconnect by address match");
}

void
umk_connman_disconnect_subnet (UmkConnman *cm, const UmkSubNet *subnet)
{
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (umk_subnet_match (subnet, &p->addr.addr))
        umk_connman_disconnect (cm, p, "banned");
    }
}

int
umk_connman_count (UmkConnman *cm, UmkConnCount which)
{
  int n = 0;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len; i++)
    {
      UmkPeer *p = cm->peers->pdata[i];
      if (((which & UMK_CONN_COUNT_IN) && p->inbound)
          || ((which & UMK_CONN_COUNT_OUT) && !p->inbound))
        n++;
    }
  g_mutex_unlock (&cm->lock);
  return n;
}

void
umk_connman_totals (UmkConnman *cm, uint64_t *recv, uint64_t *sent)
{
  g_mutex_lock (&cm->lock);
  *recv = cm->total_recv;
  *sent = cm->total_sent;
  g_mutex_unlock (&cm->lock);
}

static gboolean
disconnect_all_cb (gpointer data)
{
  UmkConnman *cm = data;
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    close_peer (peers->pdata[i]);
  return G_SOURCE_REMOVE;
}

void
umk_connman_set_network_active (UmkConnman *cm, gboolean active)
{
  g_mutex_lock (&cm->lock);
  gboolean changed = cm->network_active != active;
  cm->network_active = active;
  g_mutex_unlock (&cm->lock);
  if (!changed)
    return;
  umk_log_info ("SetNetworkActive: %s", active ? "true" : "false");
  if (!active)
    g_main_context_invoke (cm->context, disconnect_all_cb, cm);
}

gboolean
umk_connman_network_active (UmkConnman *cm)
{
  g_mutex_lock (&cm->lock);
  gboolean active = cm->network_active;
  g_mutex_unlock (&cm->lock);
  return active;
}

void
umk_connman_wake (UmkConnman *cm)
{
  g_mutex_lock (&cm->wake_lock);
  cm->wake = TRUE;
  g_cond_signal (&cm->wake_cond);
  g_mutex_unlock (&cm->wake_lock);
}

/* ---- the message handler thread -------------------------------------------------------- */

/* Core's InactivityCheck: peers that never talk, stop talking, or never
 * finish the handshake. */
gboolean
umk_connman_inactivity_checks_due (UmkConnman *cm, UmkPeer *peer, int64_t now)
{
  return peer->connected_time + cm->opts.peer_connect_timeout < now;
}

static void
inactivity_check (UmkConnman *cm, UmkPeer *peer, int64_t now)
{
  if (!umk_connman_inactivity_checks_due (cm, peer, now))
    return;
  g_mutex_lock (&peer->lock);
  int64_t last_send = peer->last_send, last_recv = peer->last_recv;
  g_mutex_unlock (&peer->lock);
  g_autofree char *reason = NULL;
  if (last_recv == 0 || last_send == 0)
    reason = g_strdup_printf ("socket no message in first %" G_GINT64_FORMAT " seconds%s%s",
                              cm->opts.peer_connect_timeout,
                              last_recv == 0 ? ", never received from peer" : "",
                              last_send == 0 ? ", never sent to peer" : "");
  else if (now > last_send + TIMEOUT_INTERVAL_S)
    reason = g_strdup_printf ("socket sending timeout: %" G_GINT64_FORMAT "s", now - last_send);
  else if (now > last_recv + TIMEOUT_INTERVAL_S)
    reason = g_strdup_printf ("socket receive timeout: %" G_GINT64_FORMAT "s", now - last_recv);
  else if (!g_atomic_int_get (&peer->successfully_connected))
    reason = g_strdup ("version handshake timeout");
  if (reason != NULL)
    umk_connman_disconnect (cm, peer, reason);
}

static gpointer
handler_thread (gpointer data)
{
  UmkConnman *cm = data;
  while (!g_atomic_int_get (&cm->interrupt))
    {
      /* Peers closed by the main loop: their protocol state goes here, on
       * the only thread that touches it. */
      g_mutex_lock (&cm->lock);
      GPtrArray *gone = cm->disconnected;
      cm->disconnected = g_ptr_array_new ();
      g_mutex_unlock (&cm->lock);
      for (guint i = 0; i < gone->len; i++)
        {
          UmkPeer *p = gone->pdata[i];
          if (cm->events.peer_finalize != NULL)
            cm->events.peer_finalize (cm->events.user, p);
          umk_peer_unref (p);
        }
      g_ptr_array_unref (gone);

      g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
      gboolean more = FALSE;
      int64_t now = now_s (cm);
      for (guint i = 0; i < peers->len && !g_atomic_int_get (&cm->interrupt); i++)
        {
          UmkPeer *p = peers->pdata[i];
          if (umk_peer_disconnecting (p))
            continue;
          if (cm->events.process_messages (cm->events.user, p))
            more = TRUE;
          if (umk_peer_disconnecting (p))
            continue;
          cm->events.send_messages (cm->events.user, p);
          inactivity_check (cm, p, now);
        }
      g_clear_pointer (&peers, g_ptr_array_unref);
      if (more)
        continue;
      g_mutex_lock (&cm->wake_lock);
      gint64 until = g_get_monotonic_time () + HANDLER_IDLE_US;
      while (!cm->wake && !g_atomic_int_get (&cm->interrupt))
        if (!g_cond_wait_until (&cm->wake_cond, &cm->wake_lock, until))
          break;
      cm->wake = FALSE;
      g_mutex_unlock (&cm->wake_lock);
    }
  return NULL;
}

/* ---- inbound ------------------------------------------------------------------------- */

/* Core's AttemptToEvictConnection. Returns: whether a peer was dropped. */
static gboolean
evict_one (UmkConnman *cm)
{
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  g_autofree UmkEvictionCandidate *cand = g_new0 (UmkEvictionCandidate, MAX (peers->len, 1));
  size_t n = 0;
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (umk_peer_disconnecting (p))
        continue;
      UmkEvictionCandidate *c = &cand[n++];
      c->id = p->id;
      c->connected = p->connected_time;
      c->min_ping_us = g_atomic_int_get (&p->successfully_connected) ? p->min_ping_us : G_MAXINT64;
      c->last_block_time = p->last_block_time;
      c->last_tx_time = p->last_tx_time;
      c->relevant_services = TRUE;
      c->relay_txs = g_atomic_int_get (&p->relays_txs) != 0;
      c->keyed_netgroup = p->keyed_netgroup;
      c->is_local = umk_netaddr_is_local (&p->addr.addr);
      c->network = p->addr.addr.net;
      c->noban = umk_perm_has (p->permissions, UMK_PERM_NOBAN);
      c->inbound = p->inbound;
      c->prefer_evict = umk_banman_is_discouraged (cm->banman, &p->addr.addr);
    }
  int64_t id;
  if (!umk_select_node_to_evict (cand, n, &id))
    return FALSE;
  for (guint i = 0; i < peers->len; i++)
    {
      UmkPeer *p = peers->pdata[i];
      if (p->id == id)
        {
          UMK_LOG_DEBUG (UMK_LOG_NET, "selected peer=%" G_GINT64_FORMAT " for eviction", p->id);
          close_peer (p);
          return TRUE;
        }
    }
  return FALSE;
}

static void on_accept (GObject *source, GAsyncResult *res, gpointer user_data);

static void
accept_next (UmkConnman *cm, guint index)
{
  GSocketListener *l = cm->listeners->pdata[index];
  g_socket_listener_accept_async (l, cm->cancel, on_accept, GUINT_TO_POINTER (index));
}

static void
on_accept (GObject *source, GAsyncResult *res, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) conn
      = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), res, NULL, &error);
  if (conn == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  UmkConnman *cm = g_object_get_data (source, "umk-connman");
  guint index = GPOINTER_TO_UINT (user_data);
  accept_next (cm, index);
  if (conn == NULL)
    {
      umk_log_warning ("socket error accept failed: %s", error->message);
      return;
    }
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (conn, NULL);
  UmkService addr;
  if (remote == NULL || !umk_service_from_gsocketaddress (remote, &addr))
    return;
  g_autofree char *name = umk_service_to_string (&addr);
  guint32 perms = g_array_index (cm->listener_perms, guint32, index)
                  | umk_connman_whitelist_perms (cm, &addr.addr);
  if (!umk_connman_network_active (cm))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "connection from %s dropped: not accepting new connections",
                     name);
      return;
    }
  gboolean noban = umk_perm_has (perms, UMK_PERM_NOBAN);
  if (!noban && umk_banman_is_banned (cm->banman, &addr.addr))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "connection from %s dropped (banned)", name);
      return;
    }
  int inbound = umk_connman_count (cm, UMK_CONN_COUNT_IN);
  if (!noban && inbound + 1 >= cm->max_inbound
      && umk_banman_is_discouraged (cm->banman, &addr.addr))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET, "connection from %s dropped (discouraged)", name);
      return;
    }
  if (inbound >= cm->max_inbound && !evict_one (cm))
    {
      UMK_LOG_DEBUG (UMK_LOG_NET,
                     "failed to find an eviction candidate - connection dropped (full)");
      return;
    }
  /* Core's implicit permissions: -whitelist* without explicit ones. */
  UmkPeer *peer
      = umk_connman_add_peer (cm, conn, UMK_CONN_INBOUND, NULL, perms & ~UMK_PERM_IMPLICIT, TRUE);
  peer->listen_index = (int) index;
  UMK_LOG_DEBUG (UMK_LOG_NET, "connection from %s accepted", name);
}

/* Binds one listening address. Returns: FALSE with Core's message. */
static gboolean
bind_one (UmkConnman *cm, const UmkService *where, guint32 perms, GError **error)
{
  g_autoptr (GSocketAddress) sa = umk_service_to_gsocketaddress (where);
  g_autofree char *text = umk_service_to_string (where);
  if (sa == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Cannot bind to %s", text);
      return FALSE;
    }
  GSocketFamily family = g_socket_address_get_family (sa);
  g_autoptr (GSocket) sock
      = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (sock == NULL)
    return FALSE;
  if (family == G_SOCKET_FAMILY_IPV6)
    (void) g_socket_set_option (sock, IPPROTO_IPV6, IPV6_V6ONLY, 1, NULL);
  g_socket_set_listen_backlog (sock, 4096);
  g_autoptr (GError) local = NULL;
  if (!g_socket_bind (sock, sa, TRUE, &local) || !g_socket_listen (sock, &local))
    {
      /* Core: "Unable to bind to %s on this computer. %s is probably already running." */
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     "Unable to bind to %s on this computer. %s is probably already running.", text,
                     PACKAGE_NAME);
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "Unable to bind to %s on this computer (bind returned error %s)", text,
                     local->message);
      return FALSE;
    }
  GSocketListener *l = g_socket_listener_new ();
  if (!g_socket_listener_add_socket (l, sock, NULL, error))
    {
      g_object_unref (l);
      return FALSE;
    }
  g_object_set_data (G_OBJECT (l), "umk-connman", cm);
  g_ptr_array_add (cm->listeners, l);
  g_array_append_val (cm->listener_perms, perms);
  umk_log_info ("Bound to %s", text);
  return TRUE;
}

/* ---- life ------------------------------------------------------------------------------- */

UmkConnman *
umk_connman_new (UmkNode *node, const UmkConnmanOptions *opts, UmkAddrMan *addrman,
                 UmkBanMan *banman)
{
  UmkConnman *cm = g_new0 (UmkConnman, 1);
  cm->node = node;
  cm->opts = *opts; /* takes the options' allocations */
  cm->addrman = addrman;
  cm->banman = banman;
  cm->context = g_main_loop_get_context (node->loop);
  cm->netgroup_k0 = ((uint64_t) g_random_int () << 32) | g_random_int ();
  cm->netgroup_k1 = ((uint64_t) g_random_int () << 32) | g_random_int ();
  cm->network_active = opts->networkactive;
  /* Core's split of the automatic connections. */
  int max_auto = opts->max_connections;
  cm->max_outbound_full_relay = MIN ((int) opts->max_outbound_full_relay, max_auto);
  cm->max_outbound_block_relay
      = MIN ((int) opts->max_outbound_block_relay, max_auto - cm->max_outbound_full_relay);
  cm->max_feeler = 1;
  cm->max_inbound = MAX (
      0, max_auto - (cm->max_outbound_full_relay + cm->max_outbound_block_relay + cm->max_feeler));
  g_mutex_init (&cm->lock);
  g_mutex_init (&cm->wake_lock);
  g_cond_init (&cm->wake_cond);
  cm->peers = g_ptr_array_new ();
  cm->disconnected = g_ptr_array_new ();
  cm->added_nodes = g_ptr_array_new_with_free_func (g_free);
  cm->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cm->listeners = g_ptr_array_new_with_free_func (g_object_unref);
  cm->listener_perms = g_array_new (FALSE, FALSE, sizeof (guint32));
  cm->cancel = g_cancellable_new ();
  cm->local_services = UMK_NODE_NETWORK | UMK_NODE_WITNESS;
  for (guint i = 0; opts->addnode != NULL && i < opts->addnode->len; i++)
    g_ptr_array_add (cm->added_nodes, g_strdup (opts->addnode->pdata[i]));
  return cm;
}

gboolean
umk_connman_start (UmkConnman *cm, const UmkNetEvents *events, GError **error)
{
  cm->events = *events;
  if (cm->opts.listen)
    {
      gboolean any = FALSE;
      g_autoptr (GError) first = NULL;
      guint n_binds = cm->opts.binds != NULL ? cm->opts.binds->len : 0;
      guint n_white = cm->opts.whitebinds != NULL ? cm->opts.whitebinds->len : 0;
      for (guint i = 0; i < n_binds; i++)
        {
          g_autoptr (GError) e = NULL;
          if (bind_one (cm, cm->opts.binds->pdata[i], 0, &e))
            any = TRUE;
          else
            {
              umk_log_error ("%s", e->message);
              if (first == NULL)
                first = g_steal_pointer (&e);
            }
        }
      for (guint i = 0; i < n_white; i++)
        {
          g_autoptr (GError) e = NULL;
          if (bind_one (cm, cm->opts.whitebinds->pdata[i],
                        g_array_index (cm->opts.whitebind_perms, guint32, i), &e))
            any = TRUE;
          else
            {
              umk_log_error ("%s", e->message);
              if (first == NULL)
                first = g_steal_pointer (&e);
            }
        }
      if (n_binds == 0 && n_white == 0)
        {
          /* Core binds :: and 0.0.0.0 on the default port. */
          UmkService v6 = { 0 }, v4 = { 0 };
          (void) umk_service_parse ("::", cm->opts.default_port, &v6);
          (void) umk_service_parse ("0.0.0.0", cm->opts.default_port, &v4);
          g_autoptr (GError) e6 = NULL, e4 = NULL;
          any = bind_one (cm, &v6, 0, &e6);
          any = bind_one (cm, &v4, 0, &e4) || any;
          if (!any)
            first = g_steal_pointer (&e4);
        }
      if (!any || first != NULL)
        {
          /* Core: binding a port the user asked for is fatal. */
          if (first != NULL)
            g_propagate_error (error, g_steal_pointer (&first));
          else
            g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                         "Failed to listen on any port. Use -listen=0 if you want this.");
          return FALSE;
        }
      for (guint i = 0; i < cm->listeners->len; i++)
        accept_next (cm, i);
    }
  cm->handler = g_thread_new ("msghand", handler_thread, cm);
  umk_connman_opener_start (cm);
  return TRUE;
}

void
umk_connman_stop (UmkConnman *cm)
{
  umk_connman_opener_stop (cm);
  g_cancellable_cancel (cm->cancel);
  for (guint i = 0; i < cm->listeners->len; i++)
    g_socket_listener_close (cm->listeners->pdata[i]);
  g_atomic_int_set (&cm->interrupt, 1);
  umk_connman_wake (cm);
  if (cm->handler != NULL)
    g_thread_join (g_steal_pointer (&cm->handler));
  /* Close every socket and finalize every peer here (the handler is gone). */
  g_autoptr (GPtrArray) peers = umk_connman_peers (cm);
  for (guint i = 0; i < peers->len; i++)
    close_peer (peers->pdata[i]);
  g_mutex_lock (&cm->lock);
  GPtrArray *gone = g_steal_pointer (&cm->disconnected);
  cm->disconnected = g_ptr_array_new ();
  g_mutex_unlock (&cm->lock);
  for (guint i = 0; i < gone->len; i++)
    {
      if (cm->events.peer_finalize != NULL)
        cm->events.peer_finalize (cm->events.user, gone->pdata[i]);
      umk_peer_unref (gone->pdata[i]);
    }
  g_ptr_array_unref (gone);
  /* Let cancelled operations deliver their callbacks, which hold peer
   * references; connection attempts (a name lookup may be on a resolver
   * thread) report back before the manager goes. */
  gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  for (;;)
    {
      while (g_main_context_iteration (cm->context, FALSE))
        ;
      g_mutex_lock (&cm->lock);
      guint pending = g_hash_table_size (cm->pending);
      g_mutex_unlock (&cm->lock);
      if (pending == 0 || g_get_monotonic_time () > deadline)
        break;
      g_usleep (10 * 1000);
    }
}

void
umk_connman_free (UmkConnman *cm)
{
  if (cm == NULL)
    return;
  g_ptr_array_unref (cm->peers);
  g_ptr_array_unref (cm->disconnected);
  g_ptr_array_unref (cm->added_nodes);
  g_hash_table_unref (cm->pending);
  g_ptr_array_unref (cm->listeners);
  g_array_unref (cm->listener_perms);
  g_clear_object (&cm->client);
  g_clear_object (&cm->direct_client);
  g_clear_object (&cm->cancel);
  umk_connman_options_clear (&cm->opts);
  g_mutex_clear (&cm->lock);
  g_mutex_clear (&cm->wake_lock);
  g_cond_clear (&cm->wake_cond);
  g_free (cm);
}

UmkAddrMan *
umk_connman_addrman (UmkConnman *cm)
{
  return cm->addrman;
}

UmkBanMan *
umk_connman_banman (UmkConnman *cm)
{
  return cm->banman;
}

uint64_t
umk_connman_local_services (UmkConnman *cm)
{
  return cm->local_services;
}

void
umk_connman_set_local_services (UmkConnman *cm, uint64_t services)
{
  cm->local_services = services;
}

gboolean
umk_connman_is_local_nonce (UmkConnman *cm, uint64_t nonce)
{
  /* An inbound version carrying the nonce of one of our own outbound
   * connections that has not finished its handshake: we reached ourselves. */
  gboolean found = FALSE;
  g_mutex_lock (&cm->lock);
  for (guint i = 0; i < cm->peers->len && !found; i++)
    {
      UmkPeer *p = cm->peers->pdata[i];
      if (!p->inbound && !g_atomic_int_get (&p->successfully_connected) && p->local_nonce == nonce)
        found = TRUE;
    }
  g_mutex_unlock (&cm->lock);
  return found;
}
