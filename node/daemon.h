/* daemon.h — -daemon and -daemonwait: running in the background the way
 * umkoind does it (its fork_daemon and token pipe).
 *
 * The process forks; the child starts a new session, points stdin, stdout
 * and stderr at /dev/null (it stays in the current directory, so relative
 * paths keep their meaning) and carries on starting the node. A pipe joins
 * the two: the child writes one byte when it has detached, and with
 * -daemonwait one more when start-up has finished (1) or failed (0); the
 * parent waits for that byte and exits with the result.
 *
 * Fork before any thread exists (GLib's signal sources and the RPC server
 * start some): only the forking thread lives on in the child.
 */
#pragma once

#include <glib.h>

/* What umk_daemon_token_read() returns besides a byte. */
#define UMK_DAEMON_TOKEN_ERROR (-1) /* read error */
#define UMK_DAEMON_TOKEN_EOF   (-2) /* the child closed the pipe (or died) without a token */

/* Forks and detaches the child.
 * Returns: 0 in the child, with *pipe_fd the pipe's write end; the child's pid
 * in the parent once the child has detached, with *pipe_fd the read end; -1
 * in the parent on failure (errno set; nothing is left open).
 * Out: pipe_fd. */
int umk_daemon_fork (int *pipe_fd);

/* Returns: TRUE when the byte was written. */
gboolean umk_daemon_token_write (int fd, guint8 token);

/* Waits for one byte. Returns: the byte (0..255), or UMK_DAEMON_TOKEN_ERROR
 * / UMK_DAEMON_TOKEN_EOF. */
int umk_daemon_token_read (int fd);
