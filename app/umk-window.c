/* umk-window.c — the main window (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-window.h"

#include "app/umk-node-page.h"
#include "app/umk-overview-page.h"
#include "app/umk-wallets-page.h"
#include "common/logging.h"
#include "umkoin-gui-resources.h"

#include <glib/gi18n.h>

/* The starting page shows the node's last output line, cut to this. */
#define STATUS_LINE_MAX 120

struct _UmkWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar *switcher_bar;
  GtkStack *state_stack;
  AdwStatusPage *starting_page;
  AdwViewStack *view_stack;
  UmkOverviewPage *overview_page;
  UmkNodePage *node_page;
  UmkConsolePage *console_page;
  UmkWalletsPage *wallets_page;
  AdwStatusPage *error_page;
  GtkFrame *log_frame;
  GtkTextView *log_view;

  UmkNodeClient *client;
  gint64 start_time_us;
  gulong after_paint_id;
  gboolean allow_close;
  gboolean had_wallet;
};

G_DEFINE_FINAL_TYPE (UmkWindow, umk_window, ADW_TYPE_APPLICATION_WINDOW)

/* AdwStatusPage's description is Pango markup; ours is plain text (paths,
 * "<name>", the node's messages). */
static void
set_description (AdwStatusPage *page, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);
  adw_status_page_set_description (page, escaped);
}

static void
update_switcher (UmkWindow *self)
{
  gboolean on_main = g_strcmp0 (gtk_stack_get_visible_child_name (self->state_stack), "main") == 0;
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, on_main);
  adw_view_switcher_bar_set_reveal (
      self->switcher_bar,
      on_main && adw_view_switcher_title_get_title_visible (self->switcher_title));
}

static void
show_error (UmkWindow *self)
{
  adw_status_page_set_title (self->error_page, umk_node_client_get_error_title (self->client));
  set_description (self->error_page, umk_node_client_get_error_message (self->client));
  g_auto (GStrv) lines = umk_node_client_dup_log_lines (self->client);
  g_autofree char *text = g_strjoinv ("\n", lines);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->log_view), text, -1);
  gtk_widget_set_visible (GTK_WIDGET (self->log_frame), lines[0] != NULL);
}

static void
on_state (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkWindow *self = user_data;
  const char *page = "starting";
  switch (umk_node_client_get_state (client))
    {
    case UMK_NODE_CLIENT_STARTING:
      page = "starting";
      break;
    case UMK_NODE_CLIENT_CONNECTED:
      page = "main";
      break;
    case UMK_NODE_CLIENT_STOPPING:
    case UMK_NODE_CLIENT_STOPPED:
      page = "stopping";
      break;
    case UMK_NODE_CLIENT_FAILED:
    default:
      show_error (self);
      page = "error";
      break;
    }
  gtk_stack_set_visible_child_name (self->state_stack, page);
  update_switcher (self);
}

static void
on_output (G_GNUC_UNUSED UmkNodeClient *client, const char *line, gpointer user_data)
{
  UmkWindow *self = user_data;
  if (umk_node_client_get_state (self->client) != UMK_NODE_CLIENT_STARTING)
    return;
  g_autofree char *shown
      = g_utf8_substring (line, 0, MIN (g_utf8_strlen (line, -1), STATUS_LINE_MAX));
  set_description (self->starting_page, shown);
}

static void
on_init_message (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkWindow *self = user_data;
  const char *message = umk_node_client_get_init_message (client);
  if (message != NULL && umk_node_client_get_state (client) == UMK_NODE_CLIENT_STARTING)
    set_description (self->starting_page, message);
}

static void
on_wallet_connected (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkWindow *self = user_data;
  gboolean connected = umk_node_client_get_wallet_connected (client);
  /* Say so when a wallet process that was there goes away while the node
   * runs; the Wallets page has the details. */
  if (self->had_wallet && !connected
      && umk_node_client_get_state (client) == UMK_NODE_CLIENT_CONNECTED)
    {
      const char *status = umk_node_client_get_wallet_status (client);
      adw_toast_overlay_add_toast (
          self->toast_overlay,
          adw_toast_new (status != NULL ? status : _ ("The wallet process stopped.")));
    }
  self->had_wallet = connected;
}

/* ---- First frame --------------------------------------------------------------------- */

static void
on_after_paint (GdkFrameClock *clock, gpointer user_data)
{
  UmkWindow *self = user_data;
  gint64 ms = (g_get_monotonic_time () - self->start_time_us) / 1000;
  UMK_LOG_DEBUG (UMK_LOG_QT, "first frame drawn after %" G_GINT64_FORMAT " ms", ms);
  g_signal_handler_disconnect (clock, self->after_paint_id);
  self->after_paint_id = 0;
}

static void
umk_window_realize (GtkWidget *widget)
{
  UmkWindow *self = UMK_WINDOW (widget);
  GTK_WIDGET_CLASS (umk_window_parent_class)->realize (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  if (clock != NULL && self->after_paint_id == 0 && self->start_time_us > 0)
    self->after_paint_id
        = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
umk_window_unrealize (GtkWidget *widget)
{
  UmkWindow *self = UMK_WINDOW (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  if (clock != NULL && self->after_paint_id != 0)
    g_signal_handler_disconnect (clock, self->after_paint_id);
  self->after_paint_id = 0;
  GTK_WIDGET_CLASS (umk_window_parent_class)->unrealize (widget);
}

/* ---- Closing -------------------------------------------------------------------------- */

static gboolean
umk_window_close_request (GtkWindow *window)
{
  UmkWindow *self = UMK_WINDOW (window);
  if (self->allow_close)
    return GTK_WINDOW_CLASS (umk_window_parent_class)->close_request (window);
  /* The application stops the node first, then lets the window go. */
  GApplication *app = G_APPLICATION (gtk_window_get_application (window));
  if (app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return TRUE;
}

void
umk_window_allow_close (UmkWindow *self)
{
  g_return_if_fail (UMK_IS_WINDOW (self));
  self->allow_close = TRUE;
}

/* ---- Public ------------------------------------------------------------------------------ */

UmkWindow *
umk_window_new (GtkApplication *app, UmkNodeClient *client, gint64 start_time_us)
{
  g_return_val_if_fail (UMK_IS_NODE_CLIENT (client), NULL);
  UmkWindow *self = g_object_new (UMK_TYPE_WINDOW, "application", app, NULL);
  self->client = g_object_ref (client);
  self->start_time_us = start_time_us;

  umk_overview_page_set_client (self->overview_page, client);
  umk_node_page_set_client (self->node_page, client);
  umk_console_page_set_client (self->console_page, client);
  umk_wallets_page_set_client (self->wallets_page, client);

  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_state), self, 0);
  g_signal_connect_object (client, "notify::init-message", G_CALLBACK (on_init_message), self, 0);
  g_signal_connect_object (client, "notify::wallet-connected", G_CALLBACK (on_wallet_connected),
                           self, 0);
  g_signal_connect_object (client, "output", G_CALLBACK (on_output), self, 0);
  if (!umk_node_client_get_spawned (client))
    adw_status_page_set_title (self->starting_page, _ ("Connecting to the node…"));
  on_state (client, NULL, self);
  return self;
}

const char *
umk_window_get_state_page (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->state_stack);
}

const char *
umk_window_get_blocks_text (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return umk_overview_page_get_blocks_text (self->overview_page);
}

const char *
umk_window_get_status_text (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return umk_overview_page_get_status_text (self->overview_page);
}

const char *
umk_window_get_headers_text (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return umk_overview_page_get_headers_text (self->overview_page);
}

char *
umk_window_dup_error_text (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->log_view);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_autofree char *log = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  return g_strdup_printf ("%s\n%s\n%s", adw_status_page_get_title (self->error_page),
                          umk_node_client_get_error_message (self->client), log);
}

UmkConsolePage *
umk_window_get_console_page (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return self->console_page;
}

UmkNodePage *
umk_window_get_node_page (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return self->node_page;
}

UmkWalletsPage *
umk_window_get_wallets_page (UmkWindow *self)
{
  g_return_val_if_fail (UMK_IS_WINDOW (self), NULL);
  return self->wallets_page;
}

void
umk_window_show_page (UmkWindow *self, const char *name)
{
  g_return_if_fail (UMK_IS_WINDOW (self));
  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

/* ---- GObject --------------------------------------------------------------------------- */

static void
on_title_visible (G_GNUC_UNUSED GObject *object, G_GNUC_UNUSED GParamSpec *pspec,
                  gpointer user_data)
{
  update_switcher (user_data);
}

static void
umk_window_dispose (GObject *object)
{
  UmkWindow *self = UMK_WINDOW (object);
  g_clear_object (&self->client);
  /* libadwaita 1.2's switchers let go of the stack's pages late, after the
   * stack itself is gone: detach them first. */
  if (self->switcher_bar != NULL)
    adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);
  if (self->switcher_title != NULL)
    adw_view_switcher_title_set_stack (self->switcher_title, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), UMK_TYPE_WINDOW);
  G_OBJECT_CLASS (umk_window_parent_class)->dispose (object);
}

static void
umk_window_class_init (UmkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  object_class->dispose = umk_window_dispose;
  widget_class->realize = umk_window_realize;
  widget_class->unrealize = umk_window_unrealize;
  window_class->close_request = umk_window_close_request;

  /* Before any template is loaded: the pages' classes too read theirs. */
  umk_gui_register_resource ();
  g_type_ensure (UMK_TYPE_OVERVIEW_PAGE);
  g_type_ensure (UMK_TYPE_NODE_PAGE);
  g_type_ensure (UMK_TYPE_CONSOLE_PAGE);
  g_type_ensure (UMK_TYPE_WALLETS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/umkoin/Umkoin/umk-window.ui");
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, state_stack);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, starting_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, node_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, console_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, wallets_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, log_frame);
  gtk_widget_class_bind_template_child (widget_class, UmkWindow, log_view);
}

static void
umk_window_init (UmkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->switcher_title, "notify::title-visible",
                           G_CALLBACK (on_title_visible), self, 0);
}
