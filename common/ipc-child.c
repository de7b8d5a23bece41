/* ipc-child.c — spawning a child program that speaks private D-Bus on an
 * inherited socketpair, reading its output, and noticing its death. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "common/ipc-child.h"
#include "common/ipc.h"
#include "common/logging.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define LAST_LINES 50

struct _UmkIpcChild
{
  GObject parent_instance;

  char *label;
  GSubprocess *process;
  GPid pid;
  GMainContext *context; /* where signals are emitted */
  GDBusConnection *connection;
  GDataInputStream *output;
  GQueue last_lines; /* char * */
  gboolean output_done;
  gboolean waited;
  int wait_status;
  char *exit_description;
  gboolean exited_emitted;
  gboolean terminated;
};

enum
{
  SIGNAL_CONNECTED,
  SIGNAL_CONNECT_FAILED,
  SIGNAL_OUTPUT,
  SIGNAL_EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (UmkIpcChild, umk_ipc_child, G_TYPE_OBJECT)

static void
umk_ipc_child_dispose (GObject *object)
{
  UmkIpcChild *self = UMK_IPC_CHILD (object);
  /* Nothing to cancel: the wait, the output reader and the connection
   * attempt each hold a reference, so by now the child has been reaped and
   * its output read. The SIGTERM is only a safety net. */
  if (self->process != NULL && !self->waited)
    umk_ipc_child_terminate (self);
  if (self->connection != NULL)
    g_dbus_connection_close (self->connection, NULL, NULL, NULL);
  g_clear_object (&self->connection);
  g_clear_object (&self->output);
  g_clear_object (&self->process);
  G_OBJECT_CLASS (umk_ipc_child_parent_class)->dispose (object);
}

static void
umk_ipc_child_finalize (GObject *object)
{
  UmkIpcChild *self = UMK_IPC_CHILD (object);
  g_queue_clear_full (&self->last_lines, g_free);
  g_free (self->label);
  g_free (self->exit_description);
  g_clear_pointer (&self->context, g_main_context_unref);
  G_OBJECT_CLASS (umk_ipc_child_parent_class)->finalize (object);
}

static void
umk_ipc_child_class_init (UmkIpcChildClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = umk_ipc_child_dispose;
  object_class->finalize = umk_ipc_child_finalize;

  signals[SIGNAL_CONNECTED]
      = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_DBUS_CONNECTION);
  signals[SIGNAL_CONNECT_FAILED]
      = g_signal_new ("connect-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
  signals[SIGNAL_OUTPUT] = g_signal_new ("output", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EXITED]
      = g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_STRING);
}

static void
umk_ipc_child_init (UmkIpcChild *self)
{
  g_queue_init (&self->last_lines);
  self->context = g_main_context_ref_thread_default ();
}

/* Runs in the child between fork and exec. */
static void
child_setup (gpointer user_data)
{
  pid_t parent = (pid_t) GPOINTER_TO_INT (user_data);
  /* Die with the parent: SIGTERM lets the node or wallet flush and stop.
   * The parent may have died before prctl took effect; then we are already
   * re-parented and must not go on. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
  if (getppid () != parent)
    _exit (1);
}

static char *
describe_status (int status)
{
  if (WIFEXITED (status))
    return g_strdup_printf ("exited with status %d", WEXITSTATUS (status));
  if (WIFSIGNALED (status))
    return g_strdup_printf ("was killed by signal %d (%s)", WTERMSIG (status),
                            strsignal (WTERMSIG (status)));
  return g_strdup_printf ("ended with wait status %d", status);
}

/* "exited" waits for both the process status and the end of its output, so
 * that a handler sees the child's last words. */
static void
maybe_emit_exited (UmkIpcChild *self)
{
  if (!self->waited || !self->output_done || self->exited_emitted)
    return;
  self->exited_emitted = TRUE;
  g_signal_emit (self, signals[SIGNAL_EXITED], 0, self->wait_status, self->exit_description);
}

static void
on_wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UmkIpcChild *self = user_data; /* a reference held by the wait */
  g_autoptr (GError) error = NULL;
  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    {
      /* Only cancellation ends a wait early, and ours cannot be cancelled. */
      g_warning ("waiting for %s failed: %s", self->label, error->message);
      g_object_unref (self);
      return;
    }
  self->waited = TRUE;
  self->wait_status = g_subprocess_get_status (G_SUBPROCESS (source));
  self->exit_description = describe_status (self->wait_status);
  self->pid = 0;
  UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: %s %s", self->label, self->exit_description);
  maybe_emit_exited (self);
  g_object_unref (self);
}

static void read_next_line (UmkIpcChild *self);

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  UmkIpcChild *self = user_data;
  g_autoptr (GError) error = NULL;
  gsize len = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, &len, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_object_unref (self);
      return;
    }
  if (line == NULL && error != NULL && error->domain == G_CONVERT_ERROR)
    {
      /* Not UTF-8: keep the line, shown with replacement characters. */
      line = g_strdup ("(a line that is not UTF-8)");
      g_clear_error (&error);
    }
  if (line == NULL)
    {
      self->output_done = TRUE;
      maybe_emit_exited (self);
      g_object_unref (self);
      return;
    }
  g_queue_push_tail (&self->last_lines, g_strdup (line));
  while (g_queue_get_length (&self->last_lines) > LAST_LINES)
    g_free (g_queue_pop_head (&self->last_lines));
  g_signal_emit (self, signals[SIGNAL_OUTPUT], 0, line);
  read_next_line (self);
  g_object_unref (self);
}

static void
read_next_line (UmkIpcChild *self)
{
  g_data_input_stream_read_line_async (self->output, G_PRIORITY_DEFAULT, NULL, on_line,
                                       g_object_ref (self));
}

static void
on_connected (G_GNUC_UNUSED GObject *source, GAsyncResult *result, gpointer user_data)
{
  UmkIpcChild *self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *conn = umk_ipc_connection_new_finish (result, &error);
  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (self, signals[SIGNAL_CONNECT_FAILED], 0, error);
      g_object_unref (self);
      return;
    }
  self->connection = conn;
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, conn);
  g_object_unref (self);
}

UmkIpcChild *
umk_ipc_child_spawn (const char *const *argv, const char *label, GError **error)
{
  g_return_val_if_fail (argv != NULL && argv[0] != NULL, NULL);

  int fds[2];
  if (!umk_ipc_socketpair (fds, error))
    return NULL;

  g_autoptr (GPtrArray) full = g_ptr_array_new_with_free_func (g_free);
  for (const char *const *a = argv; *a != NULL; a++)
    g_ptr_array_add (full, g_strdup (*a));
  g_ptr_array_add (full, g_strdup_printf ("-ipcfd=%d", UMK_IPC_CHILD_FD));
  g_ptr_array_add (full, NULL);

  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
      G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* The launcher closes our copy of the child's end once it has spawned
   * (or failed to). */
  g_subprocess_launcher_take_fd (launcher, fds[1], UMK_IPC_CHILD_FD);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, GINT_TO_POINTER (getpid ()), NULL);
  GSubprocess *process
      = g_subprocess_launcher_spawnv (launcher, (const char *const *) full->pdata, error);
  if (process == NULL)
    {
      close (fds[0]);
      return NULL;
    }

  UmkIpcChild *self = g_object_new (UMK_TYPE_IPC_CHILD, NULL);
  self->label = g_strdup (label != NULL ? label : argv[0]);
  self->process = process;
  const char *ident = g_subprocess_get_identifier (process);
  self->pid = ident != NULL ? (GPid) atoi (ident) : 0;
  UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: started %s (pid %d) with -ipcfd=%d", self->label,
                 (int) self->pid, UMK_IPC_CHILD_FD);

  self->output = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_data_input_stream_set_newline_type (self->output, G_DATA_STREAM_NEWLINE_TYPE_LF);
  read_next_line (self);
  /* None of the three takes a cancellable: each ends when the child does.
   * (A cancellable used to be cancelled in dispose. GLib ties the wait's
   * "cancelled" handler to a task that its worker thread may free, so that
   * could run the handler on a freed task: seen once under ASan as a crash
   * at node shutdown.) */
  g_subprocess_wait_async (process, NULL, on_wait_done, g_object_ref (self));
  umk_ipc_connection_new_for_fd (fds[0], TRUE, self->label, NULL, on_connected,
                                 g_object_ref (self));
  return self;
}

const char *
umk_ipc_child_get_label (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), NULL);
  return self->label;
}

GPid
umk_ipc_child_get_pid (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), 0);
  return self->pid;
}

gboolean
umk_ipc_child_is_running (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), FALSE);
  return self->process != NULL && !self->waited;
}

GDBusConnection *
umk_ipc_child_get_connection (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), NULL);
  return self->connection;
}

char **
umk_ipc_child_dup_last_lines (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), NULL);
  GStrvBuilder *b = g_strv_builder_new ();
  for (GList *l = self->last_lines.head; l != NULL; l = l->next)
    g_strv_builder_add (b, l->data);
  char **lines = g_strv_builder_end (b);
  g_strv_builder_unref (b);
  return lines;
}

const char *
umk_ipc_child_get_exit_description (UmkIpcChild *self)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), NULL);
  return self->waited ? self->exit_description : NULL;
}

void
umk_ipc_child_terminate (UmkIpcChild *self)
{
  g_return_if_fail (UMK_IS_IPC_CHILD (self));
  if (self->process == NULL || self->waited || self->terminated)
    return;
  self->terminated = TRUE;
  g_subprocess_send_signal (self->process, SIGTERM);
}

static gboolean
on_wait_timeout (gpointer user_data)
{
  gboolean *timed_out = user_data;
  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
umk_ipc_child_wait (UmkIpcChild *self, guint timeout_ms)
{
  g_return_val_if_fail (UMK_IS_IPC_CHILD (self), FALSE);
  if (self->process == NULL)
    return TRUE;
  g_object_ref (self);
  gboolean timed_out = FALSE;
  GSource *timer = g_timeout_source_new (timeout_ms);
  g_source_set_callback (timer, on_wait_timeout, &timed_out, NULL);
  g_source_attach (timer, self->context);
  while (!self->exited_emitted && !timed_out)
    g_main_context_iteration (self->context, TRUE);
  g_source_destroy (timer);
  g_source_unref (timer);
  gboolean by_itself = self->waited;
  if (!self->waited)
    {
      umk_log_warning ("%s (pid %d) did not stop within %u ms; killing it", self->label,
                       (int) self->pid, timeout_ms);
      g_subprocess_force_exit (self->process);
      /* Now it goes quickly: the kernel reaps it. */
      while (!self->exited_emitted)
        g_main_context_iteration (self->context, TRUE);
    }
  g_object_unref (self);
  return by_itself;
}
