/* umk-wallets-page.c — the Wallet area (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-wallets-page.h"

#include <glib/gi18n.h>
#include <string.h>

struct _UmkWalletsPage
{
  AdwBin parent_instance;

  GtkStack *stack;
  AdwStatusPage *empty_page;
  GtkListBox *wallets_list;

  UmkNodeClient *client;
};

G_DEFINE_FINAL_TYPE (UmkWalletsPage, umk_wallets_page, ADW_TYPE_BIN)

/* AdwStatusPage's description is Pango markup; ours is plain text (paths,
 * "<name>", the node's messages). */
static void
set_description (AdwStatusPage *page, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  adw_status_page_set_description (page, escaped);
}

/* The name the wallet process uses for the default wallet is "". */
static const char *
display_name (const char *name)
{
  return name[0] == '\0' ? _ ("(default wallet)") : name;
}

static GtkWidget *
create_row (gpointer item, gpointer user_data)
{
  UmkWalletsPage *self = user_data;
  const char *name = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), display_name (name));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "wallet-name", g_strdup (name), g_free);
  GtkWidget *check = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
  const char *selected = umk_node_client_get_selected_wallet (self->client);
  gtk_widget_set_visible (check, selected != NULL && strcmp (selected, name) == 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), check);
  return row;
}

static void
on_row_activated (UmkWalletsPage *self, GtkListBoxRow *row)
{
  const char *name = g_object_get_data (G_OBJECT (row), "wallet-name");
  if (name == NULL || self->client == NULL)
    return;
  /* Picking the picked one again un-picks it. */
  const char *selected = umk_node_client_get_selected_wallet (self->client);
  umk_node_client_set_selected_wallet (self->client, g_strcmp0 (selected, name) == 0 ? NULL : name);
}

static void
update (UmkWalletsPage *self)
{
  UmkNodeClient *client = self->client;
  GListModel *wallets = umk_node_client_get_wallets (client);
  if (g_list_model_get_n_items (wallets) > 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "list");
      return;
    }
  gtk_stack_set_visible_child_name (self->stack, "empty");
  const char *status = umk_node_client_get_wallet_status (client);
  if (umk_node_client_get_node (client) == NULL)
    {
      adw_status_page_set_title (self->empty_page, _ ("No wallets"));
      set_description (self->empty_page, _ ("Not connected to the node."));
    }
  else if (umk_node_client_get_wallet_connected (client))
    {
      adw_status_page_set_title (self->empty_page, _ ("No wallet loaded"));
      set_description (
          self->empty_page,
          _ ("Create one or load one in the console: createwallet <name>, loadwallet <name>."));
    }
  else if (status != NULL)
    {
      adw_status_page_set_title (self->empty_page, _ ("The wallet is not available"));
      set_description (self->empty_page, status);
    }
  else
    {
      adw_status_page_set_title (self->empty_page, _ ("No wallet loaded"));
      set_description (self->empty_page, _ ("Connecting to the wallet process…"));
    }
}

static void
on_changed (G_GNUC_UNUSED GObject *object, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  update (user_data);
}

static void
on_items_changed (G_GNUC_UNUSED GListModel *model, G_GNUC_UNUSED guint position,
                  G_GNUC_UNUSED guint removed, G_GNUC_UNUSED guint added, gpointer user_data)
{
  update (user_data);
}

static void
on_selected_wallet (G_GNUC_UNUSED GObject *object, G_GNUC_UNUSED GParamSpec *pspec,
                    gpointer user_data)
{
  UmkWalletsPage *self = user_data;
  /* Rebuild the rows to move the check mark. */
  gtk_list_box_bind_model (self->wallets_list, umk_node_client_get_wallets (self->client),
                           create_row, self, NULL);
}

void
umk_wallets_page_set_client (UmkWalletsPage *self, UmkNodeClient *client)
{
  g_return_if_fail (UMK_IS_WALLETS_PAGE (self) && UMK_IS_NODE_CLIENT (client));
  g_return_if_fail (self->client == NULL);
  self->client = g_object_ref (client);
  gtk_list_box_bind_model (self->wallets_list, umk_node_client_get_wallets (client), create_row,
                           self, NULL);
  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_changed), self, 0);
  g_signal_connect_object (client, "notify::wallet-connected", G_CALLBACK (on_changed), self, 0);
  g_signal_connect_object (client, "notify::wallet-status", G_CALLBACK (on_changed), self, 0);
  g_signal_connect_object (client, "notify::selected-wallet", G_CALLBACK (on_selected_wallet), self,
                           0);
  g_signal_connect_object (umk_node_client_get_wallets (client), "items-changed",
                           G_CALLBACK (on_items_changed), self, 0);
  update (self);
}

const char *
umk_wallets_page_get_empty_title (UmkWalletsPage *self)
{
  g_return_val_if_fail (UMK_IS_WALLETS_PAGE (self), NULL);
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") != 0)
    return NULL;
  return adw_status_page_get_title (self->empty_page);
}

static void
umk_wallets_page_dispose (GObject *object)
{
  UmkWalletsPage *self = UMK_WALLETS_PAGE (object);
  if (self->wallets_list != NULL)
    gtk_list_box_bind_model (self->wallets_list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->client);
  /* The stack is both AdwBin's child and a template child: let AdwBin drop
   * it first, or both would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), UMK_TYPE_WALLETS_PAGE);
  G_OBJECT_CLASS (umk_wallets_page_parent_class)->dispose (object);
}

static void
umk_wallets_page_class_init (UmkWalletsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = umk_wallets_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/umkoin/Umkoin/umk-wallets-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UmkWalletsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, UmkWalletsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWalletsPage, wallets_list);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
umk_wallets_page_init (UmkWalletsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
