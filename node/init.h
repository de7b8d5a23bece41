/* init.h — the pieces of umkoin-node's start-up and shutdown around main()'s
 * sequence: Core's InitError and InitWarning, the parameter checks, the pid
 * file, signal handling and the -startupnotify / -shutdownnotify commands.
 */
#pragma once

#include "common/args.h"
#include "common/chainparams.h"
#include "node/node.h"

#include <glib.h>

/* Core's InitError: "Error: <message>" on stderr and the message in the log
 * (as an error). Returns: EXIT_FAILURE, so that main() can return it. */
int umk_init_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Core's InitWarning: "Warning: <message>" on stderr, a warning in the log. */
void umk_init_warning (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* The checks of Core's AppInitParameterInteraction that apply to what the
 * node has: warnings for options Core removed, network-only options set
 * outside their section, unrecognised config sections, a missing -blocksdir.
 * Call after the chain is selected and the log is configured.
 * Returns: FALSE with Core's message for a fatal problem. */
gboolean umk_init_check_parameters (const UmkArgs *args, const UmkChainParams *params,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: the -pid file's path (default umkoind.pid in the net datadir), or
 * NULL with -nopid. Newly allocated. */
char *umk_pid_file_path (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Writes "<pid>\n" to the -pid file, unless -nopid.
 * Returns: FALSE with "Unable to create the PID file '<path>': <reason>"; else
 * TRUE with *created the path written (NULL with -nopid), to pass to
 * umk_pid_file_remove() at shutdown. Out: created. */
gboolean umk_pid_file_create (const UmkArgs *args, char **created,
                              GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Removes the pid file this process wrote (NULL: nothing to do); a failure
 * is logged as a warning. */
void umk_pid_file_remove (const char *created);

/* Signal handling while the node runs: SIGINT and SIGTERM ask for a clean
 * shutdown (GLib sources dispatched on node->loop's context), SIGHUP makes
 * the next log message reopen debug.log (after log rotation), SIGPIPE is
 * ignored (a client hanging up must not kill the node).
 * Out: ids (2 source ids, for umk_init_unwatch_signals()). */
void umk_init_watch_signals (UmkNode *node, guint ids[2]);
void umk_init_unwatch_signals (guint ids[2]);

/* Runs -startupnotify's command through the shell in the background. */
void umk_init_startup_notify (const UmkArgs *args);
/* Runs every -shutdownnotify command through the shell, all at once, and
 * waits until each has finished. */
void umk_init_shutdown_notify (const UmkArgs *args);
