/* ipc-child.h — a child process reached over private D-Bus: umkoin-gui's
 * umkoin-node, umkoin-node's umkoin-wallet.
 *
 * The spawner makes a socketpair, starts the program with its end as fd
 * UMK_IPC_CHILD_FD and "-ipcfd=3" appended to the arguments, and builds the
 * server end of a D-Bus connection on the other (DESIGN §2).
 *
 * The child dies with its parent: it gets SIGTERM when the spawning thread
 * exits (PR_SET_PDEATHSIG; spawn from the main thread), and it also sees
 * the connection close. The parent sees the child die: the "exited" signal,
 * with a description such as "killed by signal 9".
 *
 * The child's stderr and stdout are read line by line: each line is emitted
 * as "output" and the last ones are kept, so that a parent can show why a
 * child failed to start ("Error: …").
 *
 * All signals are emitted on the thread-default main context of the thread
 * that created the object.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define UMK_TYPE_IPC_CHILD (umk_ipc_child_get_type ())
G_DECLARE_FINAL_TYPE (UmkIpcChild, umk_ipc_child, UMK, IPC_CHILD, GObject)

/* Starts argv (argv[0] a path or a name looked up in PATH) with "-ipcfd=3"
 * appended. label names the child in logs ("umkoin-wallet").
 * Returns: the child, running, or NULL with error when it could not start.
 * The connection comes later: see umk_ipc_child_get_connection() and the
 * "connected" signal. */
UmkIpcChild *umk_ipc_child_spawn (const char *const *argv, const char *label,
                                  GError **error) G_GNUC_WARN_UNUSED_RESULT;

const char *umk_ipc_child_get_label (UmkIpcChild *self);
GPid umk_ipc_child_get_pid (UmkIpcChild *self); /* 0 once it exited */
gboolean umk_ipc_child_is_running (UmkIpcChild *self);

/* Returns: the D-Bus connection to the child, or NULL until it has
 * authenticated (then "connected" is emitted once) or after it failed.
 * Transfer: none. */
GDBusConnection *umk_ipc_child_get_connection (UmkIpcChild *self);

/* Returns: the child's last output lines (oldest first), at most 50.
 * Transfer: full (g_strfreev). */
char **umk_ipc_child_dup_last_lines (UmkIpcChild *self) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: how it ended ("exited with status 1", "killed by signal 9"), or
 * NULL while it runs. */
const char *umk_ipc_child_get_exit_description (UmkIpcChild *self);

/* Sends SIGTERM (once), which the node and the wallet take as a request to
 * shut down cleanly. */
void umk_ipc_child_terminate (UmkIpcChild *self);

/* Waits until the child exited, at most timeout_ms (iterating the object's
 * main context); sends SIGKILL if it has not by then.
 * Returns: TRUE when it exited by itself. */
gboolean umk_ipc_child_wait (UmkIpcChild *self, guint timeout_ms);

G_END_DECLS

/* Signals:
 *   "connected" (GDBusConnection *connection) — the connection is up;
 *     export your objects on it, then call
 *     g_dbus_connection_start_message_processing() (see common/ipc.h).
 *   "connect-failed" (const GError *error) — the handshake failed.
 *   "output" (const char *line) — one line of the child's stderr/stdout,
 *     without its newline.
 *   "exited" (int wait_status, const char *description) — the child is gone
 *     (its output has been read to the end first).
 */
