/* umk-overview-page.c — the sync status (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-overview-page.h"

#include "app/umk-format.h"
#include "common/logging.h"

#include <glib/gi18n.h>

/* A tip younger than this counts as up to date (Core's GUI uses the same
 * 90 minutes). */
#define UP_TO_DATE_S (90 * 60)
/* "N days behind" moves with the clock: redraw that often. */
#define REFRESH_S 10

struct _UmkOverviewPage
{
  AdwBin parent_instance;

  GtkLabel *status_label;
  GtkProgressBar *progress_bar;
  GtkLabel *blocks_label;
  GtkLabel *headers_label;
  GtkLabel *progress_label;
  GtkLabel *behind_label;
  GtkLabel *remaining_label;

  UmkNodeClient *client;
  GCancellable *cancellable;
  UmkSyncEstimate *estimate;
  guint refresh_id;

  gboolean have_tip;
  int blocks;
  int headers;
  int presync_height; /* a peer's headers pre-sync, until headers are stored (0: none) */
  gint64 presync_time;
  gint64 tip_time;
  double progress;
  gboolean ibd;
};

G_DEFINE_FINAL_TYPE (UmkOverviewPage, umk_overview_page, ADW_TYPE_BIN)

static void
show (UmkOverviewPage *self)
{
  if (!self->have_tip)
    {
      const char *init = self->client ? umk_node_client_get_init_message (self->client) : NULL;
      gtk_label_set_text (self->status_label, init != NULL ? init : _ ("Waiting for the node…"));
      return;
    }

  g_autofree char *blocks = g_strdup_printf ("%d", self->blocks);
  gtk_label_set_text (self->blocks_label, blocks);
  g_autofree char *headers = g_strdup_printf ("%d", MAX (self->headers, self->blocks));
  gtk_label_set_text (self->headers_label, headers);

  double percent = CLAMP (self->progress, 0.0, 1.0) * 100.0;
  g_autofree char *progress = g_strdup_printf (_ ("%.2f %%"), percent);
  gtk_label_set_text (self->progress_label, progress);
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (self->progress, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, progress);

  gint64 behind = g_get_real_time () / G_USEC_PER_SEC - self->tip_time;
  gboolean up_to_date = !self->ibd && behind < UP_TO_DATE_S;
  if (behind < UP_TO_DATE_S)
    gtk_label_set_text (self->behind_label, _ ("Up to date"));
  else
    {
      g_autofree char *span = umk_format_duration (behind);
      /* TRANSLATORS: "3 days behind": the age of the newest block */
      g_autofree char *text = g_strdup_printf (_ ("%s behind"), span);
      gtk_label_set_text (self->behind_label, text);
    }
  if (up_to_date)
    gtk_label_set_text (self->status_label, _ ("Up to date"));
  else if (self->presync_height > MAX (self->headers, self->blocks))
    {
      /* Core's low-work headers sync checks a chain before storing any of
       * it: without this the headers would seem stuck for minutes. */
      gint64 age = g_get_real_time () / G_USEC_PER_SEC - self->presync_time;
      g_autofree char *span = umk_format_duration (MAX (age, 0));
      /* TRANSLATORS: "Pre-syncing headers: 123456, 3 years behind…" */
      g_autofree char *text
          = g_strdup_printf (_ ("Pre-syncing headers: %d, %s behind…"), self->presync_height, span);
      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, _ ("Synchronizing with the network…"));

  if (up_to_date || self->progress >= 0.999999)
    gtk_label_set_text (self->remaining_label, _ ("Done"));
  else
    {
      gint64 left = umk_sync_estimate_remaining (self->estimate);
      if (left < 0)
        gtk_label_set_text (self->remaining_label, _ ("estimating…"));
      else
        {
          g_autofree char *span = umk_format_duration (left);
          gtk_label_set_text (self->remaining_label, span);
        }
    }
}

static void
on_tip_changed (G_GNUC_UNUSED UmkNodeClient *client, int height, G_GNUC_UNUSED const char *hash,
                gint64 time, double progress, gboolean ibd, gpointer user_data)
{
  UmkOverviewPage *self = user_data;
  self->have_tip = TRUE;
  self->blocks = height;
  self->tip_time = time;
  self->progress = progress;
  self->ibd = ibd;
  umk_sync_estimate_add (self->estimate, g_get_monotonic_time (), progress);
  show (self);
}

static void
on_header_tip_changed (G_GNUC_UNUSED UmkNodeClient *client, int height,
                       G_GNUC_UNUSED const char *hash, G_GNUC_UNUSED gint64 time,
                       gpointer user_data)
{
  UmkOverviewPage *self = user_data;
  self->headers = height;
  self->presync_height = 0; /* stored headers replace the pre-sync's */
  show (self);
}

static void
on_header_presync_changed (G_GNUC_UNUSED UmkNodeClient *client, int height, gint64 time,
                           gpointer user_data)
{
  UmkOverviewPage *self = user_data;
  self->presync_height = height;
  self->presync_time = time;
  show (self);
}

static void
on_blockchain_info (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) info = NULL;
  if (!umk_node1_call_get_blockchain_info_finish (UMK_NODE1 (source), &info, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        UMK_LOG_DEBUG (UMK_LOG_QT, "overview: GetBlockchainInfo: %s", error->message);
      return;
    }
  UmkOverviewPage *self = user_data; /* alive: the call was not cancelled */
  GVariantDict d;
  g_variant_dict_init (&d, info);
  int blocks = 0, headers = 0;
  gint64 time = 0;
  double progress = 0;
  gboolean ibd = FALSE;
  if (g_variant_dict_lookup (&d, "blocks", "i", &blocks)
      && g_variant_dict_lookup (&d, "time", "x", &time))
    {
      /* A TipChanged that came meanwhile is newer. */
      if (!self->have_tip || blocks >= self->blocks)
        {
          g_variant_dict_lookup (&d, "verificationprogress", "d", &progress);
          g_variant_dict_lookup (&d, "initialblockdownload", "b", &ibd);
          self->have_tip = TRUE;
          self->blocks = blocks;
          self->tip_time = time;
          self->progress = progress;
          self->ibd = ibd;
          umk_sync_estimate_add (self->estimate, g_get_monotonic_time (), progress);
        }
      if (g_variant_dict_lookup (&d, "headers", "i", &headers) && headers > self->headers)
        self->headers = headers;
    }
  g_variant_dict_clear (&d);
  show (self);
}

static void
on_state (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkOverviewPage *self = user_data;
  UmkNode1 *node = umk_node_client_get_node (client);
  if (node == NULL)
    return;
  umk_sync_estimate_reset (self->estimate);
  self->presync_height = 0; /* a new connection reports its own */
  umk_node1_call_get_blockchain_info (node, self->cancellable, on_blockchain_info, self);
}

static void
on_init_message (G_GNUC_UNUSED UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec,
                 gpointer user_data)
{
  show (user_data);
}

static gboolean
on_refresh (gpointer user_data)
{
  show (user_data);
  return G_SOURCE_CONTINUE;
}

void
umk_overview_page_set_client (UmkOverviewPage *self, UmkNodeClient *client)
{
  g_return_if_fail (UMK_IS_OVERVIEW_PAGE (self) && UMK_IS_NODE_CLIENT (client));
  g_return_if_fail (self->client == NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "notify::state", G_CALLBACK (on_state), self, 0);
  g_signal_connect_object (client, "notify::init-message", G_CALLBACK (on_init_message), self, 0);
  g_signal_connect_object (client, "tip-changed", G_CALLBACK (on_tip_changed), self, 0);
  g_signal_connect_object (client, "header-tip-changed", G_CALLBACK (on_header_tip_changed), self,
                           0);
  g_signal_connect_object (client, "header-presync-changed", G_CALLBACK (on_header_presync_changed),
                           self, 0);
  on_state (client, NULL, self);
  show (self);
}

const char *
umk_overview_page_get_blocks_text (UmkOverviewPage *self)
{
  g_return_val_if_fail (UMK_IS_OVERVIEW_PAGE (self), NULL);
  return gtk_label_get_text (self->blocks_label);
}

const char *
umk_overview_page_get_status_text (UmkOverviewPage *self)
{
  g_return_val_if_fail (UMK_IS_OVERVIEW_PAGE (self), NULL);
  return gtk_label_get_text (self->status_label);
}

const char *
umk_overview_page_get_headers_text (UmkOverviewPage *self)
{
  g_return_val_if_fail (UMK_IS_OVERVIEW_PAGE (self), NULL);
  return gtk_label_get_text (self->headers_label);
}

static void
umk_overview_page_dispose (GObject *object)
{
  UmkOverviewPage *self = UMK_OVERVIEW_PAGE (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), UMK_TYPE_OVERVIEW_PAGE);
  G_OBJECT_CLASS (umk_overview_page_parent_class)->dispose (object);
}

static void
umk_overview_page_finalize (GObject *object)
{
  UmkOverviewPage *self = UMK_OVERVIEW_PAGE (object);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->estimate, umk_sync_estimate_free);
  G_OBJECT_CLASS (umk_overview_page_parent_class)->finalize (object);
}

static void
umk_overview_page_class_init (UmkOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = umk_overview_page_dispose;
  object_class->finalize = umk_overview_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/umkoin/Umkoin/umk-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, blocks_label);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, headers_label);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, behind_label);
  gtk_widget_class_bind_template_child (widget_class, UmkOverviewPage, remaining_label);
}

static void
umk_overview_page_init (UmkOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->estimate = umk_sync_estimate_new ();
  self->refresh_id = g_timeout_add_seconds (REFRESH_S, on_refresh, self);
}
