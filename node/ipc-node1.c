/* ipc-node1.c — org.umkoin.Node1: status from a snapshot, the RPC console,
 * shutdown, the wallet's direct line, and the tip signals. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "node/ipc-node1.h"

#include "common/hex.h"
#include "common/ipc.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/protocol.h"
#include "node/blockstore.h"
#include "node/chainstate-query.h"
#include "node/chainstate.h"
#include "node/net-processing.h"
#include "node/net.h"
#include "node/rpc-chain-util.h"
#include "node/wallet-host.h"

#include "umk-dbus.h"

#include <gio/gunixfdlist.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* During initial block download at most one tip signal per this long. */
#define IBD_SIGNAL_INTERVAL_US (250 * 1000)
/* ExecuteRpc threads: as many calls at once as the RPC server's default. */
#define RPC_THREADS  16
#define IPC_RPC_USER "__ipc__"

/* What the status calls answer, as of the last tip change. */
typedef struct
{
  gboolean valid;
  int height;
  char hash[UMK_UINT256_HEX_SIZE];
  gint64 time;
  gint64 median_time;
  double difficulty;
  double progress;
  gboolean ibd;
  int headers;
  char header_hash[UMK_UINT256_HEX_SIZE];
  gint64 header_time;
} Snapshot;

typedef enum
{
  EVENT_TIP,     /* TipChanged */
  EVENT_HEADER,  /* HeaderTipChanged */
  EVENT_PRESYNC, /* HeaderPresyncChanged */
} TipEventKind;

/* A tip signal waiting for the main context. */
typedef struct
{
  TipEventKind kind;
  gboolean ibd; /* may be replaced by a later one (coalesced) */
  int height;
  char hash[UMK_UINT256_HEX_SIZE];
  gint64 time;
  double progress;
} TipEvent;

struct _UmkIpcNode1
{
  UmkIpcServer *server;
  UmkNode *node;
  UmkNode1 *skeleton;
  GThreadPool *pool; /* ExecuteRpc */
  GMainContext *context;
  gboolean pruned;

  GMutex lock; /* guards what follows */
  Snapshot snap;
  char queued_header[UMK_UINT256_HEX_SIZE]; /* the last header signalled or queued */
  GQueue events;                            /* of TipEvent*, oldest first */
  GSource *flush_source;
  gint64 flush_at;   /* monotonic µs when flush_source fires */
  gint64 last_flush; /* monotonic µs of the last emission */
  gboolean shut;

  /* main loop: ConnectionCountChanged, checked once a second */
  GSource *count_source;
  int last_in, last_out;
};

typedef struct
{
  GDBusMethodInvocation *invocation;
  char *method;
  char *params;
  char *wallet;
} RpcJob;

static void
rpc_job_free (RpcJob *job)
{
  g_object_unref (job->invocation);
  g_free (job->method);
  g_free (job->params);
  g_free (job->wallet);
  g_free (job);
}

/* ---- Snapshot and tip signals -------------------------------------------------------- */

/* Called with the chain lock held. */
static void
fill_snapshot (UmkIpcNode1 *self, UmkBlockIndex *tip, gboolean ibd, Snapshot *s)
{
  UmkChainstate *cs = self->node->chainstate;
  memset (s, 0, sizeof *s);
  s->valid = TRUE;
  s->height = tip->height;
  umk_uint256_to_hex_buf (&tip->hash, s->hash);
  s->time = tip->time;
  s->median_time = umk_block_index_median_time_past (tip);
  s->difficulty = umk_rpc_difficulty (tip->bits);
  s->progress = umk_chainstate_query_verification_progress (cs, tip);
  s->ibd = ibd;
  UmkBlockIndex *header = umk_chainstate_best_header (cs);
  if (header == NULL)
    header = tip;
  s->headers = header->height;
  umk_uint256_to_hex_buf (&header->hash, s->header_hash);
  s->header_time = header->time;
}

static gboolean flush_events (gpointer data);

/* Queues ev (lock held): during initial download an event replaces the one
 * of its kind still waiting, so that the latest wins. */
static void
queue_event (UmkIpcNode1 *self, const TipEvent *ev)
{
  if (ev->ibd)
    for (GList *l = self->events.head; l != NULL; l = l->next)
      {
        TipEvent *old = l->data;
        if (old->kind == ev->kind && old->ibd)
          {
            *old = *ev;
            return;
          }
      }
  g_queue_push_tail (&self->events, g_memdup2 (ev, sizeof *ev));
}

/* Makes sure a flush runs by `when` (lock held). */
static void
schedule_flush (UmkIpcNode1 *self, gint64 when)
{
  if (self->shut)
    return;
  if (self->flush_source != NULL && self->flush_at <= when)
    return;
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_source_unref (self->flush_source);
    }
  gint64 now = g_get_monotonic_time ();
  guint delay_ms = when > now ? (guint) ((when - now + 999) / 1000) : 0;
  self->flush_source = delay_ms > 0 ? g_timeout_source_new (delay_ms) : g_idle_source_new ();
  g_source_set_priority (self->flush_source, G_PRIORITY_DEFAULT);
  g_source_set_callback (self->flush_source, flush_events, self, NULL);
  g_source_set_static_name (self->flush_source, "umk-ipc-tip-signals");
  self->flush_at = when;
  g_source_attach (self->flush_source, self->context);
}

/* Main context: emits what is queued, in order. */
static gboolean
flush_events (gpointer data)
{
  UmkIpcNode1 *self = data;
  GQueue events = G_QUEUE_INIT;
  g_mutex_lock (&self->lock);
  if (self->flush_source == g_main_current_source ())
    g_clear_pointer (&self->flush_source, g_source_unref);
  events = self->events;
  g_queue_init (&self->events);
  self->last_flush = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);
  for (GList *l = events.head; l != NULL; l = l->next)
    {
      const TipEvent *ev = l->data;
      switch (ev->kind)
        {
        case EVENT_TIP:
          umk_node1_emit_tip_changed (self->skeleton, ev->height, ev->hash, ev->time, ev->progress,
                                      ev->ibd);
          break;
        case EVENT_HEADER:
          umk_node1_emit_header_tip_changed (self->skeleton, ev->height, ev->hash, ev->time);
          break;
        case EVENT_PRESYNC:
          umk_node1_emit_header_presync_changed (self->skeleton, ev->height, ev->time);
          break;
        }
    }
  g_queue_clear_full (&events, g_free);
  return G_SOURCE_REMOVE;
}

/* Schedules what is queued: at once, or during initial download not before
 * the interval since the last emission has passed (self->lock held). */
static void
flush_soon (UmkIpcNode1 *self, gboolean ibd)
{
  if (!g_queue_is_empty (&self->events))
    schedule_flush (self, ibd ? self->last_flush + IBD_SIGNAL_INTERVAL_US : 0);
}

/* Takes the snapshot and queues the signals for what changed (lock held). */
static void
update (UmkIpcNode1 *self, const Snapshot *s, gboolean tip_moved)
{
  g_mutex_lock (&self->lock);
  self->snap = *s;
  TipEvent ev = { 0 };
  if (tip_moved)
    {
      ev.kind = EVENT_TIP;
      ev.ibd = s->ibd;
      ev.height = s->height;
      memcpy (ev.hash, s->hash, sizeof ev.hash);
      ev.time = s->time;
      ev.progress = s->progress;
      queue_event (self, &ev);
    }
  if (strcmp (self->queued_header, s->header_hash) != 0)
    {
      memcpy (self->queued_header, s->header_hash, sizeof self->queued_header);
      ev.kind = EVENT_HEADER;
      ev.ibd = s->ibd;
      ev.height = s->headers;
      memcpy (ev.hash, s->header_hash, sizeof ev.hash);
      ev.time = s->header_time;
      ev.progress = 0;
      queue_event (self, &ev);
    }
  flush_soon (self, s->ibd);
  g_mutex_unlock (&self->lock);
}

/* The chainstate's notification: on a validation thread, chain lock held.
 * Only copies values; the signal goes out from the main context. */
static void
on_tip_changed (gpointer user, UmkBlockIndex *tip, gboolean initial_download)
{
  UmkIpcNode1 *self = user;
  Snapshot s;
  fill_snapshot (self, tip, initial_download, &s);
  update (self, &s, TRUE);
}

/* The best header moved ahead of the tip (headers from peers, submitheader):
 * the GUI shows headers ahead of blocks while it syncs. Chain lock held, as
 * for on_tip_changed, so the two never interleave their snapshot updates. */
static void
on_header_tip_changed (gpointer user, UmkBlockIndex *header, gboolean initial_download)
{
  UmkIpcNode1 *self = user;
  g_mutex_lock (&self->lock);
  Snapshot s = self->snap;
  g_mutex_unlock (&self->lock);
  if (!s.valid)
    return;
  s.ibd = initial_download;
  s.headers = header->height;
  umk_uint256_to_hex_buf (&header->hash, s.header_hash);
  s.header_time = header->time;
  update (self, &s, FALSE);
}

/* A peer's headers pre-sync progressed (chain lock held). The snapshot
 * keeps nothing of it: stored headers replace it soon. */
static void
on_headers_presync (gpointer user, int64_t height, gint64 time, gboolean initial_download)
{
  UmkIpcNode1 *self = user;
  TipEvent ev = { 0 };
  ev.kind = EVENT_PRESYNC;
  ev.ibd = initial_download;
  ev.height = (int) MIN (height, G_MAXINT);
  ev.time = time;
  g_mutex_lock (&self->lock);
  queue_event (self, &ev);
  flush_soon (self, initial_download);
  g_mutex_unlock (&self->lock);
}

void
umk_ipc_node1_chainstate_loaded (UmkIpcNode1 *self)
{
  UmkChainstate *cs = self->node->chainstate;
  uint64_t target;
  self->pruned = umk_chainstate_query_prune_mode (cs, &target);
  umk_chainstate_lock (cs);
  UmkChainstateCallbacks cb = { 0 };
  cb.tip_changed = on_tip_changed;
  cb.header_tip_changed = on_header_tip_changed;
  cb.headers_presync = on_headers_presync;
  cb.user = self;
  umk_chainstate_add_callbacks (cs, &cb);
  /* The first snapshot, and a TipChanged for peers that connected during
   * start-up (the tip may not move for a long time). */
  UmkBlockIndex *tip = umk_chainstate_tip (cs);
  if (tip != NULL)
    {
      Snapshot s;
      fill_snapshot (self, tip, umk_chainstate_is_initial_block_download (cs), &s);
      update (self, &s, TRUE);
    }
  umk_chainstate_unlock (cs);
}

/* ---- Methods ----------------------------------------------------------------------------- */

static gboolean
snapshot_get (UmkIpcNode1 *self, GDBusMethodInvocation *invocation, Snapshot *out)
{
  g_mutex_lock (&self->lock);
  *out = self->snap;
  g_mutex_unlock (&self->lock);
  if (!out->valid)
    {
      g_autofree char *step = umk_ipc_server_dup_init_message (self->server);
      g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                                             "The node is still starting (%s)", step);
      return FALSE;
    }
  return TRUE;
}

static gboolean
handle_get_tip (UmkNode1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  Snapshot s;
  if (snapshot_get (self, invocation, &s))
    umk_node1_complete_get_tip (object, invocation, s.height, s.hash, s.time, s.progress, s.ibd);
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

static gboolean
handle_get_blockchain_info (UmkNode1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  Snapshot s;
  if (snapshot_get (self, invocation, &s))
    {
      /* The block store has a lock of its own: no chain lock needed. */
      UmkBlockStore *store = umk_chainstate_block_store (self->node->chainstate);
      GVariantBuilder b;
      g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&b, "{sv}", "chain",
                             g_variant_new_string (umk_chain_name (self->node->chain)));
      g_variant_builder_add (&b, "{sv}", "blocks", g_variant_new_int32 (s.height));
      g_variant_builder_add (&b, "{sv}", "headers", g_variant_new_int32 (s.headers));
      g_variant_builder_add (&b, "{sv}", "bestblockhash", g_variant_new_string (s.hash));
      g_variant_builder_add (&b, "{sv}", "difficulty", g_variant_new_double (s.difficulty));
      g_variant_builder_add (&b, "{sv}", "time", g_variant_new_int64 (s.time));
      g_variant_builder_add (&b, "{sv}", "mediantime", g_variant_new_int64 (s.median_time));
      g_variant_builder_add (&b, "{sv}", "verificationprogress", g_variant_new_double (s.progress));
      g_variant_builder_add (&b, "{sv}", "initialblockdownload", g_variant_new_boolean (s.ibd));
      g_variant_builder_add (&b, "{sv}", "size_on_disk",
                             g_variant_new_uint64 (umk_block_store_size_on_disk (store)));
      g_variant_builder_add (&b, "{sv}", "pruned", g_variant_new_boolean (self->pruned));
      /* The node raises no warnings yet (getblockchaininfo's list is empty too). */
      g_variant_builder_add (&b, "{sv}", "warnings", g_variant_new_strv (NULL, 0));
      umk_node1_complete_get_blockchain_info (object, invocation, g_variant_builder_end (&b));
    }
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

static gboolean
handle_get_network_info (UmkNode1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  UmkConnman *cm = self->node->connman;
  g_autofree char *subversion = umk_node_subversion (self->node->args);
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "version", g_variant_new_int32 (umk_node_client_version ()));
  g_variant_builder_add (&b, "{sv}", "subversion", g_variant_new_string (subversion));
  g_variant_builder_add (&b, "{sv}", "protocolversion", g_variant_new_int32 (UMK_PROTOCOL_VERSION));
  g_variant_builder_add (
      &b, "{sv}", "connections_in",
      g_variant_new_uint32 (cm != NULL ? umk_connman_count (cm, UMK_CONN_COUNT_IN) : 0));
  g_variant_builder_add (
      &b, "{sv}", "connections_out",
      g_variant_new_uint32 (cm != NULL ? umk_connman_count (cm, UMK_CONN_COUNT_OUT) : 0));
  g_variant_builder_add (
      &b, "{sv}", "networkactive",
      g_variant_new_boolean (cm != NULL
                                 ? umk_connman_network_active (cm)
                                 : umk_args_get_bool (self->node->args, "-networkactive", TRUE)));
  umk_node1_complete_get_network_info (object, invocation, g_variant_builder_end (&b));
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

static gboolean
handle_get_peers (UmkNode1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  GVariantBuilder b;
  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  if (self->node->connman != NULL && self->node->peerman != NULL)
    {
      g_autoptr (GPtrArray) peers = umk_connman_peers (self->node->connman);
      for (guint i = 0; i < peers->len; i++)
        {
          UmkPeer *p = peers->pdata[i];
          UmkPeerStats st;
          gboolean have = umk_peerman_get_stats (self->node->peerman, p, &st);
          g_autofree char *addr = umk_service_to_string (&p->addr);
          GVariantBuilder d;
          g_variant_builder_init (&d, G_VARIANT_TYPE_VARDICT);
          g_variant_builder_add (&d, "{sv}", "id", g_variant_new_int64 (p->id));
          g_variant_builder_add (&d, "{sv}", "addr", g_variant_new_string (addr));
          g_variant_builder_add (&d, "{sv}", "version",
                                 g_variant_new_int32 (have ? st.version : 0));
          g_variant_builder_add (&d, "{sv}", "subver",
                                 g_variant_new_string (have && st.subver != NULL ? st.subver : ""));
          g_variant_builder_add (&d, "{sv}", "inbound", g_variant_new_boolean (p->inbound));
          g_variant_builder_add (
              &d, "{sv}", "pingtime",
              g_variant_new_double (have && st.ping_us >= 0 ? st.ping_us / 1e6 : -1));
          g_variant_builder_add (&d, "{sv}", "startingheight",
                                 g_variant_new_int32 (have ? st.starting_height : -1));
          g_variant_builder_add (&d, "{sv}", "synced_blocks",
                                 g_variant_new_int32 (have ? st.synced_blocks : -1));
          g_variant_builder_add (&b, "a{sv}", &d);
          if (have)
            umk_peer_stats_clear (&st);
        }
    }
  umk_node1_complete_get_peers (object, invocation, g_variant_builder_end (&b));
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

/* The connection count as a signal, checked once a second on the main loop
 * (peers come and go in bursts; a GUI needs no more). */
static gboolean
check_connection_count (gpointer data)
{
  UmkIpcNode1 *self = data;
  UmkConnman *cm = self->node->connman;
  int in = cm != NULL ? umk_connman_count (cm, UMK_CONN_COUNT_IN) : 0;
  int out = cm != NULL ? umk_connman_count (cm, UMK_CONN_COUNT_OUT) : 0;
  if (in != self->last_in || out != self->last_out)
    {
      self->last_in = in;
      self->last_out = out;
      umk_node1_emit_connection_count_changed (self->skeleton, (guint) in, (guint) out);
    }
  return G_SOURCE_CONTINUE;
}

static char *
warmup_reply (UmkIpcNode1 *self)
{
  g_autofree char *step = umk_ipc_server_dup_init_message (self->server);
  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
  umk_json_writer_begin_object (w);
  umk_json_writer_key (w, "result");
  umk_json_writer_null (w);
  umk_json_writer_key (w, "error");
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_int (w, "code", UMK_RPC_IN_WARMUP);
  umk_json_writer_kv_string (w, "message", step);
  umk_json_writer_end_object (w);
  umk_json_writer_end_object (w);
  return umk_json_writer_free_to_string (g_steal_pointer (&w), NULL);
}

/* A pool thread: one ExecuteRpc through the dispatcher, as an HTTP request
 * would run. */
static void
run_rpc_job (gpointer data, gpointer user_data)
{
  RpcJob *job = data;
  UmkIpcNode1 *self = user_data;
  g_autofree char *reply = NULL;
  if (!umk_ipc_server_chain_ready (self->server))
    reply = warmup_reply (self);
  else
    reply = umk_rpc_dispatcher_execute_json (umk_ipc_server_get_dispatcher (self->server),
                                             job->method, job->params, job->wallet, IPC_RPC_USER);
  umk_node1_complete_execute_rpc (self->skeleton, job->invocation, reply);
  rpc_job_free (job);
  umk_ipc_server_call_end (self->server);
}

static gboolean
handle_execute_rpc (UmkNode1 *object, GDBusMethodInvocation *invocation, const char *method,
                    const char *params, const char *wallet, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  (void) object;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  RpcJob *job = g_new0 (RpcJob, 1);
  job->invocation = g_object_ref (invocation);
  job->method = g_strdup (method);
  job->params = g_strdup (params);
  job->wallet = g_strdup (wallet);
  /* Off GDBus's threads too: a waitfornewblock may take minutes. */
  g_autoptr (GError) error = NULL;
  if (!g_thread_pool_push (self->pool, job, &error))
    {
      g_dbus_method_invocation_return_error (invocation, UMK_IPC_ERROR, UMK_IPC_ERROR_FAILED,
                                             "Cannot run the call: %s", error->message);
      rpc_job_free (job);
      umk_ipc_server_call_end (self->server);
    }
  return TRUE;
}

static gboolean
handle_connect_wallet (UmkNode1 *object, GDBusMethodInvocation *invocation, GUnixFDList *fd_list,
                       gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  (void) fd_list;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  g_autoptr (UmkWalletHost) host = umk_ipc_server_dup_wallet_host (self->server);
  g_autoptr (GError) error = NULL;
  int fd = -1;
  if (host == NULL)
    g_set_error_literal (&error, UMK_IPC_ERROR, UMK_IPC_ERROR_UNAVAILABLE,
                         "No wallet process is running");
  else
    fd = umk_wallet_host_connect (host, &error);
  if (fd < 0)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    {
      g_autoptr (GUnixFDList) list = g_unix_fd_list_new_from_array (&fd, 1); /* takes fd */
      umk_node1_complete_connect_wallet (object, invocation, list, g_variant_new_handle (0));
    }
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

static gboolean
handle_shutdown (UmkNode1 *object, GDBusMethodInvocation *invocation, gpointer user_data)
{
  UmkIpcNode1 *self = user_data;
  if (!umk_ipc_server_call_begin (self->server, invocation, FALSE))
    return TRUE;
  umk_log_info ("IPC: shutdown requested");
  umk_node1_complete_shutdown (object, invocation);
  umk_node_request_shutdown (self->node);
  umk_ipc_server_call_end (self->server);
  return TRUE;
}

/* ---- Signals from elsewhere ------------------------------------------------------------ */

void
umk_ipc_node1_emit_init_message (UmkIpcNode1 *self, const char *message)
{
  g_return_if_fail (self != NULL && message != NULL);
  umk_node1_emit_init_message (self->skeleton, message);
}

void
umk_ipc_node1_emit_wallet_process_changed (UmkIpcNode1 *self, gboolean running, const char *message)
{
  g_return_if_fail (self != NULL);
  umk_node1_emit_wallet_process_changed (self->skeleton, running, message != NULL ? message : "");
}

/* ---- Life ---------------------------------------------------------------------------------- */

UmkIpcNode1 *
umk_ipc_node1_new (UmkIpcServer *server)
{
  UmkIpcNode1 *self = g_new0 (UmkIpcNode1, 1);
  self->server = server;
  self->node = umk_ipc_server_get_node (server);
  self->context = g_main_context_ref (g_main_loop_get_context (self->node->loop));
  g_mutex_init (&self->lock);
  g_queue_init (&self->events);
  self->pool = g_thread_pool_new (run_rpc_job, self, RPC_THREADS, FALSE, NULL);
  self->skeleton = umk_node1_skeleton_new ();
  /* Every method on a GDBus worker thread, so the main loop never waits for
   * a handler (ConnectWallet waits for the wallet). Calls still reach the
   * handlers through the main loop, which therefore does no long work after
   * start-up: validation runs on the import and RPC threads. */
  g_dbus_interface_skeleton_set_flags (
      G_DBUS_INTERFACE_SKELETON (self->skeleton),
      G_DBUS_INTERFACE_SKELETON_FLAGS_HANDLE_METHOD_INVOCATIONS_IN_THREAD);
  g_signal_connect (self->skeleton, "handle-get-tip", G_CALLBACK (handle_get_tip), self);
  g_signal_connect (self->skeleton, "handle-get-blockchain-info",
                    G_CALLBACK (handle_get_blockchain_info), self);
  g_signal_connect (self->skeleton, "handle-get-network-info", G_CALLBACK (handle_get_network_info),
                    self);
  g_signal_connect (self->skeleton, "handle-get-peers", G_CALLBACK (handle_get_peers), self);
  g_signal_connect (self->skeleton, "handle-execute-rpc", G_CALLBACK (handle_execute_rpc), self);
  g_signal_connect (self->skeleton, "handle-connect-wallet", G_CALLBACK (handle_connect_wallet),
                    self);
  g_signal_connect (self->skeleton, "handle-shutdown", G_CALLBACK (handle_shutdown), self);
  self->count_source = g_timeout_source_new_seconds (1);
  g_source_set_callback (self->count_source, check_connection_count, self, NULL);
  g_source_attach (self->count_source, self->context);
  return self;
}

GDBusInterfaceSkeleton *
umk_ipc_node1_get_skeleton (UmkIpcNode1 *self)
{
  return G_DBUS_INTERFACE_SKELETON (self->skeleton);
}

void
umk_ipc_node1_shutdown (UmkIpcNode1 *self)
{
  g_mutex_lock (&self->lock);
  self->shut = TRUE;
  if (self->count_source != NULL)
    {
      g_source_destroy (self->count_source);
      g_clear_pointer (&self->count_source, g_source_unref);
    }
  if (self->flush_source != NULL)
    {
      g_source_destroy (self->flush_source);
      g_clear_pointer (&self->flush_source, g_source_unref);
    }
  g_mutex_unlock (&self->lock);
  if (self->pool != NULL)
    {
      /* Runs the jobs still queued (they answer quickly now that the
       * dispatcher is interrupted) and joins the threads. */
      g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);
    }
}

void
umk_ipc_node1_free (UmkIpcNode1 *self)
{
  if (self == NULL)
    return;
  umk_ipc_node1_shutdown (self);
  g_signal_handlers_disconnect_by_data (self->skeleton, self);
  g_object_unref (self->skeleton);
  g_queue_clear_full (&self->events, g_free);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self);
}
