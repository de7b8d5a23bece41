/* umk-application.c — the application (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-application.h"

#include "common/logging.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>

struct _UmkApplication
{
  AdwApplication parent_instance;

  UmkGuiOptions *opts;
  gint64 start_time_us;
  UmkNodeClient *client;
  UmkWindow *window;
  gboolean quitting;
  gboolean quit_done;
  guint sigint_id;
  guint sigterm_id;
};

G_DEFINE_FINAL_TYPE (UmkApplication, umk_application, ADW_TYPE_APPLICATION)

static void
on_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UmkApplication *self = user_data;
  g_autoptr (GError) error = NULL;
  if (!umk_node_client_stop_finish (UMK_NODE_CLIENT (source), result, &error))
    umk_log_warning ("Stopping the node: %s", error->message);
  self->quit_done = TRUE;
  if (self->window != NULL)
    {
      umk_window_allow_close (self->window);
      gtk_window_destroy (GTK_WINDOW (self->window));
    }
  g_application_release (G_APPLICATION (self));
  g_application_quit (G_APPLICATION (self));
  g_object_unref (self);
}

void
umk_application_request_quit (UmkApplication *self)
{
  g_return_if_fail (UMK_IS_APPLICATION (self));
  if (self->quitting)
    return;
  self->quitting = TRUE;
  g_application_hold (G_APPLICATION (self));
  if (self->client == NULL)
    {
      self->quit_done = TRUE;
      g_application_release (G_APPLICATION (self));
      g_application_quit (G_APPLICATION (self));
      return;
    }
  umk_node_client_stop_async (self->client, NULL, on_stopped, g_object_ref (self));
}

gboolean
umk_application_get_quit_done (UmkApplication *self)
{
  g_return_val_if_fail (UMK_IS_APPLICATION (self), FALSE);
  return self->quit_done;
}

UmkNodeClient *
umk_application_get_node_client (UmkApplication *self)
{
  g_return_val_if_fail (UMK_IS_APPLICATION (self), NULL);
  return self->client;
}

UmkWindow *
umk_application_get_window (UmkApplication *self)
{
  g_return_val_if_fail (UMK_IS_APPLICATION (self), NULL);
  return self->window;
}

/* ---- Actions and signals ------------------------------------------------------------- */

static void
on_quit_action (G_GNUC_UNUSED GSimpleAction *action, G_GNUC_UNUSED GVariant *param,
                gpointer user_data)
{
  umk_application_request_quit (user_data);
}

static void
on_about_action (G_GNUC_UNUSED GSimpleAction *action, G_GNUC_UNUSED GVariant *param,
                 gpointer user_data)
{
  UmkApplication *self = user_data;
  GtkWidget *about = adw_about_window_new ();
  g_object_set (about, "application-name", _ ("Umkoin"), "application-icon", UMK_ICON_NAME,
                "version", PACKAGE_VERSION, "website", PACKAGE_URL, "license-type",
                GTK_LICENSE_MIT_X11, "comments", _ ("A full node and wallet for Umkoin"),
                "transient-for", self->window, "modal", TRUE, NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static gboolean
on_unix_signal (gpointer user_data)
{
  UmkApplication *self = user_data;
  if (self->quitting)
    {
      /* Asked twice: go now. A spawned node still gets SIGTERM, from the
       * kernel (its parent-death signal) or when its UmkIpcChild goes. */
      umk_log_warning ("Quitting without waiting for the node to stop");
      g_application_quit (G_APPLICATION (self));
      return G_SOURCE_CONTINUE;
    }
  umk_log_info ("Signal received: quitting");
  umk_application_request_quit (self);
  return G_SOURCE_CONTINUE;
}

/* ---- GApplication ---------------------------------------------------------------------- */

static void
umk_application_startup (GApplication *app)
{
  UmkApplication *self = UMK_APPLICATION (app);
  G_APPLICATION_CLASS (umk_application_parent_class)->startup (app);

  static const GActionEntry actions[] = {
    { .name = "quit", .activate = on_quit_action },
    { .name = "about", .activate = on_about_action },
  };
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), self);
  static const char *const quit_accels[] = { "<Control>q", NULL };
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_window_set_default_icon_name (UMK_ICON_NAME);

  self->sigint_id = g_unix_signal_add (SIGINT, on_unix_signal, self);
  self->sigterm_id = g_unix_signal_add (SIGTERM, on_unix_signal, self);
}

static void
umk_application_activate (GApplication *app)
{
  UmkApplication *self = UMK_APPLICATION (app);
  if (self->window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->window));
      return;
    }
  if (self->opts->connect_path != NULL)
    self->client = umk_node_client_new_attach (self->opts->connect_path);
  else
    self->client = umk_node_client_new_spawn (NULL, (const char *const *) self->opts->node_args);
  self->window = umk_window_new (GTK_APPLICATION (app), self->client, self->start_time_us);
  /* The window goes away with the application (or gtk_window_destroy);
   * this pointer must not outlive it. */
  g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  gtk_window_present (GTK_WINDOW (self->window));
  umk_node_client_start (self->client);
}

static void
umk_application_shutdown (GApplication *app)
{
  UmkApplication *self = UMK_APPLICATION (app);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  G_APPLICATION_CLASS (umk_application_parent_class)->shutdown (app);
}

static void
umk_application_dispose (GObject *object)
{
  UmkApplication *self = UMK_APPLICATION (object);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  if (self->window != NULL)
    {
      g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      self->window = NULL;
    }
  g_clear_object (&self->client);
  G_OBJECT_CLASS (umk_application_parent_class)->dispose (object);
}

static void
umk_application_finalize (GObject *object)
{
  UmkApplication *self = UMK_APPLICATION (object);
  g_clear_pointer (&self->opts, umk_gui_options_free);
  G_OBJECT_CLASS (umk_application_parent_class)->finalize (object);
}

static void
umk_application_class_init (UmkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  object_class->dispose = umk_application_dispose;
  object_class->finalize = umk_application_finalize;
  app_class->startup = umk_application_startup;
  app_class->activate = umk_application_activate;
  app_class->shutdown = umk_application_shutdown;
}

static void
umk_application_init (G_GNUC_UNUSED UmkApplication *self)
{
}

UmkApplication *
umk_application_new (UmkGuiOptions *opts, gint64 start_time_us)
{
  g_return_val_if_fail (opts != NULL, NULL);
  /* One resource path for both profiles (and tests' ids): GtkApplication
   * finds the window icon under it, in icons/. */
  UmkApplication *self
      = g_object_new (UMK_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                      G_APPLICATION_NON_UNIQUE, "resource-base-path", "/org/umkoin/Umkoin", NULL);
  self->opts = opts;
  self->start_time_us = start_time_us;
  return self;
}
