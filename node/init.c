/* init.c — errors, checks, pid file, signals and notify commands of the
 * node's start-up and shutdown, after Core's init.cpp. */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "node/init.h"

#include "common/error.h"
#include "common/hex.h"
#include "common/logging.h"
#include "node/options.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- InitError, InitWarning ---------------------------------------------- */

int
umk_init_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  umk_log_error ("%s", msg);
  fprintf (stderr, "Error: %s\n", msg);
  return EXIT_FAILURE;
}

void
umk_init_warning (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  umk_log_warning ("%s", msg);
  fprintf (stderr, "Warning: %s\n", msg);
}

/* ---- Parameter checks ---------------------------------------------------- */

gboolean
umk_init_check_parameters (const UmkArgs *args, const UmkChainParams *params, GError **error)
{
  g_return_val_if_fail (args != NULL && params != NULL, FALSE);

  /* Core still recognises these removed options, to say they do nothing. */
  if (umk_args_is_set (args, "-checkpoints"))
    umk_init_warning ("Option '-checkpoints' is set but checkpoints were removed. This option has "
                      "no effect.");
  if (umk_args_is_set (args, "-limitancestorsize"))
    umk_init_warning ("Option '-limitancestorsize' is given but ancestor size limits have been "
                      "replaced with cluster size limits (see -limitclustersize). This option has "
                      "no effect.");
  if (umk_args_is_set (args, "-limitdescendantsize"))
    umk_init_warning ("Option '-limitdescendantsize' is given but descendant size limits have been "
                      "replaced with cluster size limits (see -limitclustersize). This option has "
                      "no effect.");

  if (params->chain == UMK_CHAIN_SIGNET)
    {
      g_autofree char *magic = umk_hex_encode (params->message_start, sizeof params->message_start);
      umk_log_info ("Signet derived magic (message start): %s", magic);
    }

  if (!umk_args_check_section_only_args (args, error))
    return FALSE;

  if (params->chain == UMK_CHAIN_TEST)
    umk_log_info ("Warning: Support for testnet3 is deprecated and will be removed in an upcoming "
                  "release. Consider switching to testnet4.");

  g_auto (GStrv) sections = umk_args_get_unrecognized_section_warnings (args);
  if (sections && sections[0])
    {
      /* Core sends them as one warning, each line ended by a newline. */
      g_autofree char *joined = g_strjoinv ("\n", sections);
      umk_init_warning ("%s\n", joined);
    }

  /* Blocks are not stored yet, but a -blocksdir that does not exist is an
   * error in Core, and a configuration that umkoind refuses should not start
   * here either. */
  if (umk_args_is_set (args, "-blocksdir") && !umk_args_is_negated (args, "-blocksdir"))
    {
      g_autofree char *dir = umk_args_get_path (args, "-blocksdir", "");
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *given = umk_args_get (args, "-blocksdir", "");
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Specified blocks directory \"%s\" does not exist.", given);
          return FALSE;
        }
    }

  /* -test=<option> changes behaviour for tests only: regtest alone takes
   * it, and an option we do not know is worth a warning, not a refusal
   * (Core's rules; its list is in -help-debug). */
  g_auto (GStrv) tests = umk_args_get_list (args, "-test");
  if (tests[0] != NULL && params->chain != UMK_CHAIN_REGTEST)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "-test=<option> can only be used with regtest");
      return FALSE;
    }
  static const char *const known[]
      = { "addrman", "reindex_after_failure_noninteractive_yes", "bip94", NULL };
  for (char **t = tests; *t != NULL; t++)
    if (!g_strv_contains (known, *t))
      umk_init_warning ("Unrecognised option \"%s\" provided in -test=<option>.", *t);
  return TRUE;
}

/* ---- Pid file ------------------------------------------------------------ */

char *
umk_pid_file_path (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  if (umk_args_is_negated (args, "-pid"))
    return NULL;
  g_autofree char *name = umk_args_get_path (args, "-pid", UMK_NODE_PID_FILENAME);
  return umk_args_abs_path_for_config_val (args, name, TRUE);
}

gboolean
umk_pid_file_create (const UmkArgs *args, char **created, GError **error)
{
  g_return_val_if_fail (args != NULL && created != NULL, FALSE);
  *created = NULL;
  g_autofree char *path = umk_pid_file_path (args);
  if (path == NULL)
    return TRUE;

  FILE *f = fopen (path, "w");
  gboolean ok = f != NULL && fprintf (f, "%d\n", (int) getpid ()) > 0;
  int saved = errno;
  if (f != NULL && fclose (f) != 0 && ok)
    {
      ok = FALSE;
      saved = errno;
    }
  if (!ok)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Unable to create the PID file '%s': %s (%d)", path, g_strerror (saved), saved);
      return FALSE;
    }
  *created = g_steal_pointer (&path);
  return TRUE;
}

void
umk_pid_file_remove (const char *created)
{
  if (created == NULL)
    return;
  if (unlink (created) != 0)
    {
      int saved = errno;
      umk_log_warning ("Unable to remove PID file (%s): %s", created,
                       saved == ENOENT ? "File does not exist" : g_strerror (saved));
    }
}

/* ---- Signals ------------------------------------------------------------- */

static gboolean
on_shutdown_signal (gpointer user_data)
{
  umk_node_request_shutdown (user_data);
  return G_SOURCE_CONTINUE;
}

/* Runs in the signal handler itself, as Core's does: the flag is an atomic
 * store (async-signal-safe), and it is set before any later signal, such as
 * a SIGTERM right after a log rotation, can reach the main loop. */
static void
on_sighup (int signum)
{
  (void) signum;
  umk_log_reopen ();
}

static guint
add_signal_source (GMainContext *context, int signum, GSourceFunc func, gpointer data)
{
  GSource *source = g_unix_signal_source_new (signum);
  g_source_set_callback (source, func, data, NULL);
  guint id = g_source_attach (source, context);
  g_source_unref (source);
  return id;
}

void
umk_init_watch_signals (UmkNode *node, guint ids[2])
{
  g_return_if_fail (node != NULL && node->loop != NULL);
  GMainContext *context = g_main_loop_get_context (node->loop);
  ids[0] = add_signal_source (context, SIGTERM, on_shutdown_signal, node);
  ids[1] = add_signal_source (context, SIGINT, on_shutdown_signal, node);

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_sighup;
  sigemptyset (&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction (SIGHUP, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);
}

void
umk_init_unwatch_signals (guint ids[2])
{
  /* The SIGHUP handler stays: it only sets a flag, harmless until exit. */
  for (int i = 0; i < 2; i++)
    if (ids[i] != 0)
      {
        g_source_remove (ids[i]);
        ids[i] = 0;
      }
}

/* ---- Notify commands ----------------------------------------------------- */

/* Core's runCommand: the command goes to the shell as system() would pass
 * it, and a non-zero wait status is only logged. */
static void
run_command (const char *cmd)
{
  if (cmd[0] == '\0')
    return;
  char *argv[] = { (char *) "/bin/sh", (char *) "-c", (char *) cmd, NULL };
  int wait_status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &wait_status,
                     &error))
    wait_status = -1; /* what system() returns when no shell could be started */
  if (wait_status != 0)
    umk_log_warning ("runCommand error: system(%s) returned %d", cmd, wait_status);
}

static gpointer
command_thread (gpointer data)
{
  run_command (data);
  g_free (data);
  return NULL;
}

void
umk_init_startup_notify (const UmkArgs *args)
{
  g_return_if_fail (args != NULL);
  g_autofree char *cmd = umk_args_get (args, "-startupnotify", "");
  if (cmd[0] == '\0')
    return;
  /* Nobody waits for it: the thread ends with the command, or with us. */
  g_thread_unref (g_thread_new ("startupnotify", command_thread, g_steal_pointer (&cmd)));
}

void
umk_init_shutdown_notify (const UmkArgs *args)
{
  g_return_if_fail (args != NULL);
  g_auto (GStrv) cmds = umk_args_get_list (args, "-shutdownnotify");
  guint n = g_strv_length (cmds);
  if (n == 0)
    return;
  GThread **threads = g_new (GThread *, n);
  for (guint i = 0; i < n; i++)
    threads[i] = g_thread_new ("shutoff", command_thread, g_strdup (cmds[i]));
  for (guint i = 0; i < n; i++)
    g_thread_join (threads[i]);
  g_free (threads);
}
