/* umk-node-page.c — the Node page (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-node-page.h"

#include "app/umk-format.h"
#include "app/umk-peer.h"
#include "common/json.h"
#include "common/logging.h"
#include "common/netaddress.h"

#include <glib/gi18n.h>

/* While the page is shown the peers list is this fresh (pings and heights
 * change without a signal). */
#define PEERS_REFRESH_S 5

/* One kind of refresh: at most one call in flight, and one more after it
 * when something changed meanwhile, so that a burst of signals costs two
 * calls, not one each. */
typedef struct
{
  gboolean busy;
  gboolean again;
} Refresh;

struct _UmkNodePage
{
  AdwBin parent_instance;

  GtkLabel *connections_label;
  GtkLabel *version_label;
  GtkListBox *peers_list;
  GtkLabel *chain_label;
  GtkLabel *height_label;
  GtkLabel *hash_label;
  GtkLabel *difficulty_label;
  GtkLabel *size_label;

  UmkNodeClient *client;
  GCancellable *cancellable;
  GListStore *peers;
  guint timer_id;
  Refresh chain;
  Refresh network;
};

G_DEFINE_FINAL_TYPE (UmkNodePage, umk_node_page, ADW_TYPE_BIN)

static void refresh_chain (UmkNodePage *self);
static void refresh_network (UmkNodePage *self);

static void
show_connections (UmkNodePage *self, guint in, guint out)
{
  /* TRANSLATORS: connection counts, "3 in / 8 out" */
  g_autofree char *text = g_strdup_printf (_ ("%u in / %u out"), in, out);
  gtk_label_set_text (self->connections_label, text);
}

/* ---- Chain ---------------------------------------------------------------------- */

static void
on_blockchain_info (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = NULL;
  gboolean ok
      = umk_node1_call_get_blockchain_info_finish (UMK_NODE1 (source), &info, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  UmkNodePage *self = user_data; /* alive: the call was not cancelled */
  self->chain.busy = FALSE;
  if (!ok)
    UMK_LOG_DEBUG (UMK_LOG_QT, "node page: GetBlockchainInfo: %s", error->message);
  else
    {
      GVariantDict d;
      g_variant_dict_init (&d, info);
      const char *s;
      int height;
      double difficulty;
      guint64 size;
      if (g_variant_dict_lookup (&d, "chain", "&s", &s))
        gtk_label_set_text (self->chain_label, s);
      if (g_variant_dict_lookup (&d, "blocks", "i", &height))
        {
          g_autofree char *text = g_strdup_printf ("%d", height);
          gtk_label_set_text (self->height_label, text);
        }
      if (g_variant_dict_lookup (&d, "bestblockhash", "&s", &s))
        gtk_label_set_text (self->hash_label, s);
      if (g_variant_dict_lookup (&d, "difficulty", "d", &difficulty))
        {
          g_autofree char *text = g_strdup_printf ("%.10g", difficulty);
          gtk_label_set_text (self->difficulty_label, text);
        }
      if (g_variant_dict_lookup (&d, "size_on_disk", "t", &size))
        {
          g_autofree char *text = g_format_size (size);
          gtk_label_set_text (self->size_label, text);
        }
      g_variant_dict_clear (&d);
    }
  if (self->chain.again)
    refresh_chain (self);
}

static void
refresh_chain (UmkNodePage *self)
{
  UmkNode1 *node = self->client ? umk_node_client_get_node (self->client) : NULL;
  if (node == NULL)
    return;
  if (self->chain.busy)
    {
      self->chain.again = TRUE;
      return;
    }
  self->chain.busy = TRUE;
  self->chain.again = FALSE;
  umk_node1_call_get_blockchain_info (node, self->cancellable, on_blockchain_info, self);
}

/* ---- Network ---------------------------------------------------------------------- */

static void
on_network_info (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = NULL;
  if (!umk_node1_call_get_network_info_finish (UMK_NODE1 (source), &info, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        UMK_LOG_DEBUG (UMK_LOG_QT, "node page: GetNetworkInfo: %s", error->message);
      return;
    }
  UmkNodePage *self = user_data;
  GVariantDict d;
  g_variant_dict_init (&d, info);
  guint in = 0, out = 0;
  int protocol = 0;
  const char *subversion = NULL;
  if (g_variant_dict_lookup (&d, "connections_in", "u", &in)
      && g_variant_dict_lookup (&d, "connections_out", "u", &out))
    show_connections (self, in, out);
  if (g_variant_dict_lookup (&d, "subversion", "&s", &subversion))
    {
      g_variant_dict_lookup (&d, "protocolversion", "i", &protocol);
      /* TRANSLATORS: the node's user agent and P2P protocol version */
      g_autofree char *text = g_strdup_printf (_ ("%s (protocol %d)"), subversion, protocol);
      gtk_label_set_text (self->version_label, text);
    }
  g_variant_dict_clear (&d);
}

static void
on_peers (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) peers = NULL;
  gboolean ok = umk_node1_call_get_peers_finish (UMK_NODE1 (source), &peers, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  UmkNodePage *self = user_data;
  self->network.busy = FALSE;
  if (!ok)
    UMK_LOG_DEBUG (UMK_LOG_QT, "node page: GetPeers: %s", error->message);
  else
    {
      gsize n = g_variant_n_children (peers);
      g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr (GVariant) dict = g_variant_get_child_value (peers, i);
          g_ptr_array_add (items, umk_peer_new_from_variant (dict));
        }
      g_list_store_splice (self->peers, 0, g_list_model_get_n_items (G_LIST_MODEL (self->peers)),
                           items->pdata, items->len);
    }
  if (self->network.again)
    refresh_network (self);
}

static void
refresh_network (UmkNodePage *self)
{
  UmkNode1 *node = self->client ? umk_node_client_get_node (self->client) : NULL;
  if (node == NULL)
    return;
  if (self->network.busy)
    {
      self->network.again = TRUE;
      return;
    }
  self->network.busy = TRUE;
  self->network.again = FALSE;
  umk_node1_call_get_network_info (node, self->cancellable, on_network_info, self);
  umk_node1_call_get_peers (node, self->cancellable, on_peers, self);
}

/* ---- Peer actions (Core's peers table: disconnect, ban) ------------------------------ */

/* How long "Ban for …" bans, as Core's GUI offers. */
static const struct
{
  const char *label;
  gint64 seconds;
} ban_times[] = {
  { N_ ("Ban for 1 _Hour"), 3600 },
  { N_ ("Ban for 1 _Day"), 86400 },
  { N_ ("Ban for 1 _Week"), 7 * 86400 },
  { N_ ("Ban for 1 _Year"), 365 * 86400 },
};

/* Shows text in the window's toast overlay, if the page is in one. */
static void
toast (UmkNodePage *self, const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
on_peer_action_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (UmkNodePage) self = user_data;
  g_autofree char *reply = NULL;
  g_autoptr (GError) error = NULL;
  if (!umk_node1_call_execute_rpc_finish (UMK_NODE1 (source), &reply, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  gboolean is_error = FALSE;
  g_autofree char *text = umk_console_format_reply (reply, &is_error);
  if (is_error)
    toast (self, text); /* e.g. the peer left meanwhile */
  self->network.again = TRUE;
  refresh_network (self);
}

/* Runs one RPC method with params (JSON array text) for a peer action. */
static void
peer_rpc (UmkNodePage *self, const char *method, const char *params)
{
  UmkNode1 *node = self->client ? umk_node_client_get_node (self->client) : NULL;
  if (node == NULL)
    return;
  UMK_LOG_DEBUG (UMK_LOG_QT, "node page: %s %s", method, params);
  umk_node1_call_execute_rpc (node, method, params, "", self->cancellable, on_peer_action_done,
                              g_object_ref (self));
}

/* peer.disconnect(x id): Core's disconnectnode by id. */
static void
on_disconnect_activated (GtkWidget *widget, G_GNUC_UNUSED const char *action, GVariant *param)
{
  g_autofree char *params
      = g_strdup_printf ("[\"\", %" G_GINT64_FORMAT "]", g_variant_get_int64 (param));
  peer_rpc (UMK_NODE_PAGE (widget), "disconnectnode", params);
}

/* peer.ban((xx) id, seconds): Core's setban of the peer's address, which
 * also disconnects it. */
static void
on_ban_activated (GtkWidget *widget, G_GNUC_UNUSED const char *action, GVariant *param)
{
  UmkNodePage *self = UMK_NODE_PAGE (widget);
  gint64 id, seconds;
  g_variant_get (param, "(xx)", &id, &seconds);
  const char *address = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->peers)); i++)
    {
      g_autoptr (UmkPeer) peer = g_list_model_get_item (G_LIST_MODEL (self->peers), i);
      if (umk_peer_get_id (peer) == id)
        address = umk_peer_get_address (peer); /* the store keeps the peer alive */
    }
  uint16_t port = 0;
  g_autofree char *host = NULL;
  if (address == NULL || !umk_split_host_port (address, &port, &host) || host == NULL
      || *host == '\0')
    {
      toast (self, _ ("That peer is gone."));
      return;
    }
  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (0);
  umk_json_writer_begin_array (w);
  umk_json_writer_string (w, host);
  umk_json_writer_string (w, "add");
  umk_json_writer_int (w, seconds);
  umk_json_writer_end_array (w);
  peer_rpc (self, "setban", umk_json_writer_peek (w, NULL));
}

/* The row's menu: Disconnect, and the ban times. */
static GtkWidget *
peer_menu_button (UmkPeer *peer)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenuItem) disconnect = g_menu_item_new (_ ("_Disconnect"), NULL);
  g_menu_item_set_action_and_target_value (disconnect, "peer.disconnect",
                                           g_variant_new_int64 (umk_peer_get_id (peer)));
  g_menu_append_item (menu, disconnect);
  g_autoptr (GMenu) bans = g_menu_new ();
  for (gsize i = 0; i < G_N_ELEMENTS (ban_times); i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ (ban_times[i].label), NULL);
      g_menu_item_set_action_and_target_value (
          item, "peer.ban", g_variant_new ("(xx)", umk_peer_get_id (peer), ban_times[i].seconds));
      g_menu_append_item (bans, item);
    }
  g_menu_append_section (menu, NULL, G_MENU_MODEL (bans));
  GtkWidget *button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _ ("Disconnect or ban this peer"));
  return button;
}

static GtkWidget *
create_peer_row (gpointer item, G_GNUC_UNUSED gpointer user_data)
{
  UmkPeer *peer = item;
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), umk_peer_get_address (peer));
  g_autofree char *subtitle = g_strdup_printf (
      "%s · %d · %s", umk_peer_get_subversion (peer), umk_peer_get_version (peer),
      umk_peer_get_inbound (peer) ? _ ("inbound") : _ ("outbound"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  g_autofree char *ping
      = umk_peer_get_ping (peer) < 0
            ? g_strdup (_ ("no ping yet"))
            : g_strdup_printf (_ ("ping %.0f ms"), umk_peer_get_ping (peer) * 1000);
  g_autofree char *suffix
      = g_strdup_printf (_ ("%s · height %d"), ping, umk_peer_get_height (peer));
  GtkWidget *label = gtk_label_new (suffix);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), peer_menu_button (peer));
  return row;
}

/* ---- Following the client --------------------------------------------------------- */

static void
on_state (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkNodePage *self = user_data;
  if (umk_node_client_get_node (client) == NULL)
    return;
  refresh_chain (self);
  refresh_network (self);
}

static void
on_tip_changed (G_GNUC_UNUSED UmkNodeClient *client, G_GNUC_UNUSED int height,
                G_GNUC_UNUSED const char *hash, G_GNUC_UNUSED gint64 time,
                G_GNUC_UNUSED double progress, G_GNUC_UNUSED gboolean ibd, gpointer user_data)
{
  refresh_chain (user_data);
}

static void
on_connection_count_changed (G_GNUC_UNUSED UmkNodeClient *client, guint in, guint out,
                             gpointer user_data)
{
  UmkNodePage *self = user_data;
  show_connections (self, in, out);
  refresh_network (self);
}

static gboolean
on_timer (gpointer user_data)
{
  refresh_network (user_data);
  return G_SOURCE_CONTINUE;
}

static void
umk_node_page_map (GtkWidget *widget)
{
  UmkNodePage *self = UMK_NODE_PAGE (widget);
  GTK_WIDGET_CLASS (umk_node_page_parent_class)->map (widget);
  refresh_network (self);
  if (self->timer_id == 0)
    self->timer_id = g_timeout_add_seconds (PEERS_REFRESH_S, on_timer, self);
}

static void
umk_node_page_unmap (GtkWidget *widget)
{
  UmkNodePage *self = UMK_NODE_PAGE (widget);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  GTK_WIDGET_CLASS (umk_node_page_parent_class)->unmap (widget);
}

void
umk_node_page_set_client (UmkNodePage *self, UmkNodeClient *client)
{
  g_return_if_fail (UMK_IS_NODE_PAGE (self) && UMK_IS_NODE_CLIENT (client));
  g_return_if_fail (self->client == NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_state), self, 0);
  g_signal_connect_object (client, "tip-changed", G_CALLBACK (on_tip_changed), self, 0);
  g_signal_connect_object (client, "connection-count-changed",
                           G_CALLBACK (on_connection_count_changed), self, 0);
  on_state (client, NULL, self);
}

GListModel *
umk_node_page_get_peers (UmkNodePage *self)
{
  g_return_val_if_fail (UMK_IS_NODE_PAGE (self), NULL);
  return G_LIST_MODEL (self->peers);
}

const char *
umk_node_page_get_height_text (UmkNodePage *self)
{
  g_return_val_if_fail (UMK_IS_NODE_PAGE (self), NULL);
  return gtk_label_get_text (self->height_label);
}

static void
umk_node_page_dispose (GObject *object)
{
  UmkNodePage *self = UMK_NODE_PAGE (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), UMK_TYPE_NODE_PAGE);
  G_OBJECT_CLASS (umk_node_page_parent_class)->dispose (object);
}

static void
umk_node_page_finalize (GObject *object)
{
  UmkNodePage *self = UMK_NODE_PAGE (object);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->peers);
  G_OBJECT_CLASS (umk_node_page_parent_class)->finalize (object);
}

static void
umk_node_page_class_init (UmkNodePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = umk_node_page_dispose;
  object_class->finalize = umk_node_page_finalize;
  widget_class->map = umk_node_page_map;
  widget_class->unmap = umk_node_page_unmap;

  gtk_widget_class_install_action (widget_class, "peer.disconnect", "x", on_disconnect_activated);
  gtk_widget_class_install_action (widget_class, "peer.ban", "(xx)", on_ban_activated);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/umkoin/Umkoin/umk-node-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, connections_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, version_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, peers_list);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, chain_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, height_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, hash_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, difficulty_label);
  gtk_widget_class_bind_template_child (widget_class, UmkNodePage, size_label);
}

static void
umk_node_page_init (UmkNodePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->peers = g_list_store_new (UMK_TYPE_PEER);
  gtk_list_box_bind_model (self->peers_list, G_LIST_MODEL (self->peers), create_peer_row, NULL,
                           NULL);
}
