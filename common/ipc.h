/* ipc.h — the plumbing every process shares for private, peer-to-peer D-Bus
 * (DESIGN §2): connections over an inherited socketpair (-ipcfd), over a
 * unix socket (-ipcconnect / -ipcbind), and over a socket handed across a
 * connection; who may connect; and the -debug=ipc log of every message.
 *
 * There is no bus daemon. Each connection has two ends: the "server" end
 * authenticates the other and accepts only a peer process running under
 * our own uid, as the kernel reports it (SO_PEERCRED); the "client" end
 * proves its uid. Either end may export objects and call the other's.
 *
 * Who is which:
 *   spawner (gui → node, node → wallet)   server     child (-ipcfd)   client
 *   node -ipcbind listener (GDBusServer)  server     -ipcconnect      client
 *   wallet, for a socket from AddConnection server   the GUI          client
 *
 * The generated interface code (Umk{Node1,Chain1,WalletLoader1,Wallet1}
 * proxies and skeletons) comes from the XML in data/dbus/ via "umk-dbus.h".
 */
#pragma once

#include "common/args.h"

#include <gio/gio.h>

/* Object paths. A wallet's object is UMK_IPC_WALLET_PATH_PREFIX followed by
 * its name escaped with g_dbus_escape_object_path(). */
#define UMK_IPC_NODE_PATH          "/org/umkoin/Node"
#define UMK_IPC_CHAIN_PATH         "/org/umkoin/Chain"
#define UMK_IPC_WALLET_LOADER_PATH "/org/umkoin/WalletLoader"
#define UMK_IPC_WALLET_PATH_PREFIX "/org/umkoin/Wallet/"

/* The fd number a spawned child finds its end of the socketpair on. */
#define UMK_IPC_CHILD_FD 3

/* Returns: the object path of wallet name ("" is the default wallet). */
char *umk_ipc_wallet_object_path (const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the wallet name an object path stands for, or NULL when path is
 * not a wallet's object path. */
char *umk_ipc_wallet_name_from_path (const char *path) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Errors ----------------------------------------------------------------- */

/* D-Bus errors of the org.umkoin interfaces, registered as the names
 * org.umkoin.Error.<Name>, so that a GError returned by a method
 * implementation reaches the caller with its code and message intact. */
#define UMK_IPC_ERROR (umk_ipc_error_quark ())
GQuark umk_ipc_error_quark (void);

typedef enum
{
  UMK_IPC_ERROR_FAILED,       /* org.umkoin.Error.Failed */
  UMK_IPC_ERROR_NOT_FOUND,    /* org.umkoin.Error.NotFound */
  UMK_IPC_ERROR_UNAVAILABLE,  /* org.umkoin.Error.Unavailable */
  UMK_IPC_ERROR_INVALID_ARGS, /* org.umkoin.Error.InvalidArgs */
} UmkIpcError;

/* ---- Options -------------------------------------------------------------- */

/* Registers -ipcfd (hidden: for a spawner), and, when with_connect,
 * -ipcconnect (umkoin-gui and umkoin-wallet). The node registers -ipcbind
 * itself. */
void umk_ipc_add_options (UmkArgs *args, gboolean with_connect);

/* Parses an -ipcbind / -ipcconnect value: "unix" means default_path,
 * "unix:<path>" means path (made absolute against the working directory).
 * Returns: the path, or NULL with UMK_IPC_ERROR_INVALID_ARGS naming option
 * for anything else. */
char *umk_ipc_parse_address (const char *option, const char *value, const char *default_path,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads -ipcfd. Returns: the fd number, -1 when not given, or -2 with error
 * for a value that is not an open socket. */
int umk_ipc_get_fd_arg (const UmkArgs *args, GError **error);

/* ---- Authentication ------------------------------------------------------------ */

/* Returns: an observer that accepts a peer only when the process on the
 * other end of the socket runs under our uid (SO_PEERCRED), and logs the
 * refusal of any other. It allows the EXTERNAL and ANONYMOUS mechanisms
 * (the uid check does not depend on them), never DBUS_COOKIE_SHA1. */
GDBusAuthObserver *umk_ipc_auth_observer_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Connections --------------------------------------------------------------- */

/* IMPORTANT: every connection made here starts with message processing
 * held back (G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING): export your
 * objects on it first, then call g_dbus_connection_start_message_processing().
 * Otherwise a call that arrives in between would be answered "no such
 * object" by GDBus's worker thread. Nothing is processed until you do.
 * exit-on-close is FALSE: watch GDBusConnection::closed yourself. */

/* Builds a connection on an already connected unix stream socket fd (taken
 * over; closed on failure too). as_server: this end authenticates the peer
 * (same uid only). peer_label names the other side in logs
 * ("umkoin-wallet", "gui"). Asynchronous; finish with
 * umk_ipc_connection_new_finish(). The -debug=ipc log is attached. */
void umk_ipc_connection_new_for_fd (int fd, gboolean as_server, const char *peer_label,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
GDBusConnection *umk_ipc_connection_new_finish (GAsyncResult *result,
                                                GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, blocking (for a child that has nothing to do before it is
 * connected). */
GDBusConnection *umk_ipc_connection_new_for_fd_sync (int fd, gboolean as_server,
                                                     const char *peer_label,
                                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Connects, as the client, to a node's unix socket (-ipcconnect). Fails
 * with a message that names the path and says whether nothing listens
 * there. The -debug=ipc log is attached. Blocking: the handshake is short. */
GDBusConnection *umk_ipc_connect_unix (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Makes a connected pair of unix stream sockets (close-on-exec). */
gboolean umk_ipc_socketpair (int fds[2], GError **error);

/* Takes the fd at index 0 out of a method's fd list (e.g. the "h" argument
 * of ConnectWallet or AddConnection). Returns: a fd the caller owns, or -1
 * with UMK_IPC_ERROR_INVALID_ARGS. */
int umk_ipc_steal_fd (GUnixFDList *list, GVariant *handle, GError **error);

/* ---- -debug=ipc ------------------------------------------------------------------ */

/* Logs, with -debug=ipc, every method call, reply, error and signal the
 * connection sends or receives: direction, peer_label, interface.member,
 * the arguments (g_variant_print, cut at about 200 characters), and for
 * replies and errors the time since the call (latency as the caller sees
 * it, or the handling time on the callee's side). Also logs the connection
 * closing. The umk_ipc_connection_* constructors call it themselves. */
void umk_ipc_watch_connection (GDBusConnection *connection, const char *peer_label);

/* Cuts text for a log line: at most max_chars characters, with "…(N more)". */
char *umk_ipc_cut (const char *text, gsize max_chars) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Finding the other programs ---------------------------------------------------- */

/* Returns: the path of the sibling program name ("umkoin-wallet"): the
 * environment variable UMKOIN_<NAME> (upper case, after "umkoin-": e.g.
 * UMKOIN_WALLET) when set; else name in the directory of the running
 * executable; else, in an uninstalled build tree, <that directory>/../
 * build_subdir/name; else name itself (looked up in PATH when spawned). */
char *umk_ipc_find_program (const char *name, const char *build_subdir) G_GNUC_WARN_UNUSED_RESULT;
