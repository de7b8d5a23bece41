/* umk-console-page.c — the RPC console (see the header).
 *
 * Commands run one at a time, in the order they were entered, as Core's
 * console runs them; the entry stays usable meanwhile and queues what is
 * typed. Each command's line is echoed when it starts, so that the output
 * reads as command, result, command, result. */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-console-page.h"

#include "app/umk-format.h"
#include "common/logging.h"
#include "common/rpc-convert.h"

#include <glib/gi18n.h>
#include <string.h>

/* Lines kept for Up/Down. */
#define HISTORY_MAX 200

struct _UmkConsolePage
{
  AdwBin parent_instance;

  GtkScrolledWindow *scroller;
  GtkTextView *output_view;
  GtkLabel *wallet_label;
  GtkEntry *entry;

  UmkNodeClient *client;
  GCancellable *cancellable;
  GtkTextBuffer *buffer;
  GtkTextMark *end_mark;

  GPtrArray *history; /* char *, oldest first */
  guint history_pos;  /* == history->len: the line being typed */
  char *typed;        /* what was typed before walking the history */

  GQueue pending; /* char *: lines not started yet */
  gboolean running;
};

G_DEFINE_FINAL_TYPE (UmkConsolePage, umk_console_page, ADW_TYPE_BIN)

static void run_next (UmkConsolePage *self);

/* ---- Output ------------------------------------------------------------------------ */

static void
append (UmkConsolePage *self, const char *text, const char *tag)
{
  GtkTextIter end;
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  if (tag != NULL)
    gtk_text_buffer_insert_with_tags_by_name (self->buffer, &end, text, -1, tag, NULL);
  else
    gtk_text_buffer_insert (self->buffer, &end, text, -1);
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  gtk_text_buffer_insert (self->buffer, &end, "\n", 1);
  gtk_text_view_scroll_mark_onscreen (self->output_view, self->end_mark);
}

static void
welcome (UmkConsolePage *self)
{
  append (self, _ ("Welcome to the Umkoin RPC console."), "dim");
  append (self,
          _ ("Type help for the list of commands, help <command> for one of them. Up and Down walk "
             "the history; Ctrl+L clears the screen."),
          "dim");
  append (self,
          _ ("Warning: people who ask you to type commands here may be trying to steal your coins. "
             "Do not run a command you do not understand."),
          "error");
}

static void
clear_output (UmkConsolePage *self)
{
  gtk_text_buffer_set_text (self->buffer, "", 0);
  welcome (self);
}

static void
on_clear_clicked (UmkConsolePage *self)
{
  clear_output (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}

static gboolean
on_ctrl_l (GtkWidget *widget, G_GNUC_UNUSED GVariant *args, G_GNUC_UNUSED gpointer user_data)
{
  clear_output (UMK_CONSOLE_PAGE (widget));
  return TRUE;
}

/* ---- Running commands ----------------------------------------------------------------- */

static void
command_done (UmkConsolePage *self)
{
  self->running = FALSE;
  run_next (self);
}

static void
on_rpc_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *reply = NULL;
  if (!umk_node1_call_execute_rpc_finish (UMK_NODE1 (source), &reply, result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  UmkConsolePage *self = user_data; /* alive: not cancelled */
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_autofree char *text = g_strdup_printf (_ ("The call failed: %s"), error->message);
      append (self, text, "error");
    }
  else
    {
      gboolean is_error = FALSE;
      g_autofree char *text = umk_console_format_reply (reply, &is_error);
      if (text[0] != '\0')
        append (self, text, is_error ? "error" : NULL);
    }
  command_done (self);
}

/* Starts one line. Returns: TRUE when a call is under way. */
static gboolean
start_line (UmkConsolePage *self, const char *line)
{
  g_autofree char *echo = g_strdup_printf ("> %s", line);
  append (self, echo, "command");

  g_autoptr (GError) error = NULL;
  g_auto (GStrv) words = umk_console_split (line, &error);
  if (words == NULL)
    {
      append (self, error->message, "error");
      return FALSE;
    }
  guint n = g_strv_length (words);
  if (n == 0)
    return FALSE;
  if (n == 1 && strcmp (words[0], "clear") == 0)
    {
      clear_output (self);
      return FALSE;
    }

  g_autoptr (UmkValue) params
      = umk_rpc_convert_positional (words[0], (const char *const *) words + 1, n - 1, &error);
  if (params == NULL)
    {
      append (self, error->message, "error");
      return FALSE;
    }
  UmkNode1 *node = umk_node_client_get_node (self->client);
  if (node == NULL)
    {
      append (self, _ ("Not connected to the node."), "error");
      return FALSE;
    }
  /* "" means no parameters (org.umkoin.Node1.ExecuteRpc). */
  g_autofree char *params_json = n > 1 ? umk_value_to_string (params, 0) : g_strdup ("");
  const char *wallet = umk_node_client_get_selected_wallet (self->client);
  UMK_LOG_DEBUG (UMK_LOG_QT, "console: %s (wallet \"%s\")", words[0], wallet ? wallet : "");
  umk_node1_call_execute_rpc (node, words[0], params_json, wallet ? wallet : "", self->cancellable,
                              on_rpc_reply, self);
  return TRUE;
}

static void
run_next (UmkConsolePage *self)
{
  while (!self->running && !g_queue_is_empty (&self->pending))
    {
      g_autofree char *line = g_queue_pop_head (&self->pending);
      self->running = start_line (self, line);
    }
}

static void
on_activate (UmkConsolePage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *line = g_strstrip (g_strdup (text));
  if (line[0] == '\0')
    return;
  if (self->history->len == 0
      || strcmp (g_ptr_array_index (self->history, self->history->len - 1), line) != 0)
    {
      g_ptr_array_add (self->history, g_strdup (line));
      if (self->history->len > HISTORY_MAX)
        g_ptr_array_remove_index (self->history, 0);
    }
  self->history_pos = self->history->len;
  g_clear_pointer (&self->typed, g_free);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  if (self->client == NULL)
    return;
  g_queue_push_tail (&self->pending, g_steal_pointer (&line));
  run_next (self);
}

/* ---- History ----------------------------------------------------------------------- */

static void
show_history (UmkConsolePage *self)
{
  const char *text = self->history_pos < self->history->len
                         ? g_ptr_array_index (self->history, self->history_pos)
                         : (self->typed ? self->typed : "");
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
}

static gboolean
on_key_pressed (G_GNUC_UNUSED GtkEventControllerKey *controller, guint keyval,
                G_GNUC_UNUSED guint keycode, GdkModifierType state, gpointer user_data)
{
  UmkConsolePage *self = user_data;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK))
    return FALSE;
  if (keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up)
    {
      if (self->history_pos == 0)
        return TRUE;
      if (self->history_pos == self->history->len)
        {
          g_free (self->typed);
          self->typed = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry)));
        }
      self->history_pos--;
      show_history (self);
      return TRUE;
    }
  if (keyval == GDK_KEY_Down || keyval == GDK_KEY_KP_Down)
    {
      if (self->history_pos >= self->history->len)
        return TRUE;
      self->history_pos++;
      show_history (self);
      return TRUE;
    }
  return FALSE;
}

/* ---- The selected wallet --------------------------------------------------------------- */

static void
on_selected_wallet (UmkNodeClient *client, G_GNUC_UNUSED GParamSpec *pspec, gpointer user_data)
{
  UmkConsolePage *self = user_data;
  const char *name = umk_node_client_get_selected_wallet (client);
  gtk_widget_set_visible (GTK_WIDGET (self->wallet_label), name != NULL);
  if (name != NULL)
    {
      /* TRANSLATORS: the wallet console commands go to */
      g_autofree char *text = g_strdup_printf (_ ("Wallet: %s"), name);
      gtk_label_set_text (self->wallet_label, text);
    }
}

void
umk_console_page_set_client (UmkConsolePage *self, UmkNodeClient *client)
{
  g_return_if_fail (UMK_IS_CONSOLE_PAGE (self) && UMK_IS_NODE_CLIENT (client));
  g_return_if_fail (self->client == NULL);
  self->client = g_object_ref (client);
  g_signal_connect_object (client, "notify::selected-wallet", G_CALLBACK (on_selected_wallet), self,
                           0);
  on_selected_wallet (client, NULL, self);
}

GtkEntry *
umk_console_page_get_entry (UmkConsolePage *self)
{
  g_return_val_if_fail (UMK_IS_CONSOLE_PAGE (self), NULL);
  return self->entry;
}

char *
umk_console_page_dup_output (UmkConsolePage *self)
{
  g_return_val_if_fail (UMK_IS_CONSOLE_PAGE (self), NULL);
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (self->buffer, &start, &end);
  return gtk_text_buffer_get_text (self->buffer, &start, &end, FALSE);
}

guint
umk_console_page_get_pending (UmkConsolePage *self)
{
  g_return_val_if_fail (UMK_IS_CONSOLE_PAGE (self), 0);
  return g_queue_get_length (&self->pending) + (self->running ? 1 : 0);
}

/* ---- GObject ----------------------------------------------------------------------- */

static void
umk_console_page_dispose (GObject *object)
{
  UmkConsolePage *self = UMK_CONSOLE_PAGE (object);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), UMK_TYPE_CONSOLE_PAGE);
  G_OBJECT_CLASS (umk_console_page_parent_class)->dispose (object);
}

static void
umk_console_page_finalize (GObject *object)
{
  UmkConsolePage *self = UMK_CONSOLE_PAGE (object);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->history);
  g_free (self->typed);
  g_queue_clear_full (&self->pending, g_free);
  G_OBJECT_CLASS (umk_console_page_parent_class)->finalize (object);
}

static void
umk_console_page_class_init (UmkConsolePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = umk_console_page_dispose;
  object_class->finalize = umk_console_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/umkoin/Umkoin/umk-console-page.ui");
  gtk_widget_class_bind_template_child (widget_class, UmkConsolePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, UmkConsolePage, output_view);
  gtk_widget_class_bind_template_child (widget_class, UmkConsolePage, wallet_label);
  gtk_widget_class_bind_template_child (widget_class, UmkConsolePage, entry);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_l, GDK_CONTROL_MASK, on_ctrl_l, NULL);
}

static void
umk_console_page_init (UmkConsolePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->history = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->pending);

  self->buffer = gtk_text_view_get_buffer (self->output_view);
  gtk_text_buffer_create_tag (self->buffer, "command", "weight", PANGO_WEIGHT_BOLD, NULL);
  gtk_text_buffer_create_tag (self->buffer, "error", "foreground", "#c01c28", NULL);
  gtk_text_buffer_create_tag (self->buffer, "dim", "foreground", "#77767b", NULL);
  GtkTextIter end;
  gtk_text_buffer_get_end_iter (self->buffer, &end);
  self->end_mark = gtk_text_buffer_create_mark (self->buffer, "end", &end, FALSE);

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_activate), self);
  GtkEventController *keys = gtk_event_controller_key_new ();
  /* Before the entry's own key handling, which would take Up and Down. */
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->entry), keys);

  welcome (self);
}
