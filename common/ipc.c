/* ipc.c — private peer-to-peer D-Bus plumbing shared by the node, the wallet
 * and the GUI: connections, authentication, addresses and the -debug=ipc
 * message log. */
#define G_LOG_DOMAIN "umk-ipc"
#include "config.h"

#include "common/ipc.h"
#include "common/logging.h"

#include <errno.h>
#include <gio/gunixfdlist.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- Object paths ---------------------------------------------------------- */

/* g_dbus_escape_object_path() turns "" into "", which cannot end a path;
 * a bare "_" can never come out of the escaping (it writes "_" as "_5f"),
 * so it stands for the default wallet without clashing with any name. */
#define DEFAULT_WALLET_ELEMENT "_"

char *
umk_ipc_wallet_object_path (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  if (name[0] == '\0')
    return g_strdup (UMK_IPC_WALLET_PATH_PREFIX DEFAULT_WALLET_ELEMENT);
  g_autofree char *escaped = g_dbus_escape_object_path (name);
  return g_strconcat (UMK_IPC_WALLET_PATH_PREFIX, escaped, NULL);
}

char *
umk_ipc_wallet_name_from_path (const char *path)
{
  if (path == NULL || !g_str_has_prefix (path, UMK_IPC_WALLET_PATH_PREFIX))
    return NULL;
  const char *element = path + strlen (UMK_IPC_WALLET_PATH_PREFIX);
  if (strcmp (element, DEFAULT_WALLET_ELEMENT) == 0)
    return g_strdup ("");
  if (element[0] == '\0' || strchr (element, '/') != NULL)
    return NULL;
  return (char *) g_dbus_unescape_object_path (element);
}

/* ---- Errors ------------------------------------------------------------------- */

static const GDBusErrorEntry error_entries[] = {
  { UMK_IPC_ERROR_FAILED, "org.umkoin.Error.Failed" },
  { UMK_IPC_ERROR_NOT_FOUND, "org.umkoin.Error.NotFound" },
  { UMK_IPC_ERROR_UNAVAILABLE, "org.umkoin.Error.Unavailable" },
  { UMK_IPC_ERROR_INVALID_ARGS, "org.umkoin.Error.InvalidArgs" },
};

GQuark
umk_ipc_error_quark (void)
{
  static gsize quark = 0;
  g_dbus_error_register_error_domain ("umk-ipc-error-quark", &quark, error_entries,
                                      G_N_ELEMENTS (error_entries));
  return (GQuark) quark;
}

/* ---- Options ------------------------------------------------------------------ */

void
umk_ipc_add_options (UmkArgs *args, gboolean with_connect)
{
  umk_args_add (args, "-ipcfd=<fd>", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Speak private D-Bus on this inherited socket: the process that started this "
                "one passes it (umkoin-gui for umkoin-node, umkoin-node for umkoin-wallet).",
                UMK_OPTIONS_IPC);
  if (with_connect)
    umk_args_add (args, "-ipcconnect=<address>", UMK_ARG_ALLOW_ANY,
                  "Attach to a running umkoin-node through its IPC socket instead of starting "
                  "one: unix (<datadir>/node.sock) or unix:<path>. The node must run with "
                  "-ipcbind=unix.",
                  UMK_OPTIONS_IPC);
}

char *
umk_ipc_parse_address (const char *option, const char *value, const char *default_path,
                       GError **error)
{
  g_return_val_if_fail (option != NULL && default_path != NULL, NULL);
  if (value == NULL || value[0] == '\0' || strcmp (value, "1") == 0 || strcmp (value, "unix") == 0)
    return g_strdup (default_path);
  if (g_str_has_prefix (value, "unix:") && value[5] != '\0')
    {
      const char *path = value + 5;
      if (g_path_is_absolute (path))
        return g_strdup (path);
      g_autofree char *cwd = g_get_current_dir ();
      return g_build_filename (cwd, path, NULL);
    }
  g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
               "Invalid %s address '%s': use unix or unix:<path>", option, value);
  return NULL;
}

int
umk_ipc_get_fd_arg (const UmkArgs *args, GError **error)
{
  if (!umk_args_is_set (args, "-ipcfd") || umk_args_is_negated (args, "-ipcfd"))
    return -1;
  g_autofree char *text = umk_args_get (args, "-ipcfd", NULL);
  guint64 fd = 0;
  struct stat st;
  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &fd, NULL)
      || fstat ((int) fd, &st) != 0 || !S_ISSOCK (st.st_mode))
    {
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
                   "-ipcfd=%s is not an open socket; it is meant for the process that starts "
                   "this one",
                   text != NULL ? text : "");
      return -2;
    }
  return (int) fd;
}

/* ---- Authentication --------------------------------------------------------------- */

static gboolean
on_allow_mechanism (G_GNUC_UNUSED GDBusAuthObserver *observer, const char *mechanism,
                    G_GNUC_UNUSED gpointer user_data)
{
  /* Who may connect is decided in on_authorize_peer() from the kernel's
   * SO_PEERCRED, for every mechanism; the mechanism only adds a claim.
   * EXTERNAL's claim (the client's own uid) must match the connecting
   * process; ANONYMOUS claims nothing, which is what a client forwarded by
   * ssh -L needs (it runs as another uid than sshd, which connects). The
   * -ipcbind listener offers ANONYMOUS; socketpairs offer only EXTERNAL.
   * Never DBUS_COOKIE_SHA1: it trusts files in a home directory. */
  return strcmp (mechanism, "EXTERNAL") == 0 || strcmp (mechanism, "ANONYMOUS") == 0;
}

static gboolean
on_authorize_peer (G_GNUC_UNUSED GDBusAuthObserver *observer, G_GNUC_UNUSED GIOStream *stream,
                   GCredentials *credentials, G_GNUC_UNUSED gpointer user_data)
{
  if (credentials == NULL)
    {
      umk_log_warning ("ipc: refused a peer that gave no credentials");
      return FALSE;
    }
  g_autoptr (GError) error = NULL;
  uid_t uid = g_credentials_get_unix_user (credentials, &error);
  if (uid == (uid_t) -1 || uid != getuid ())
    {
      umk_log_warning ("ipc: refused a peer running as uid %ld (we are uid %ld)", (long) uid,
                       (long) getuid ());
      return FALSE;
    }
  return TRUE;
}

GDBusAuthObserver *
umk_ipc_auth_observer_new (void)
{
  GDBusAuthObserver *observer = g_dbus_auth_observer_new ();
  g_signal_connect (observer, "allow-mechanism", G_CALLBACK (on_allow_mechanism), NULL);
  g_signal_connect (observer, "authorize-authenticated-peer", G_CALLBACK (on_authorize_peer), NULL);
  return observer;
}

/* ---- Connections -------------------------------------------------------------------- */

gboolean
umk_ipc_socketpair (int fds[2], GError **error)
{
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "socketpair: %s",
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Wraps fd in a stream; takes it over (closes it on failure). */
static GIOStream *
stream_for_fd (int fd, GError **error)
{
  GSocket *socket = g_socket_new_from_fd (fd, error);
  if (socket == NULL)
    {
      close (fd);
      return NULL;
    }
  GSocketConnection *conn = g_socket_connection_factory_create_connection (socket);
  g_object_unref (socket);
  return G_IO_STREAM (conn);
}

static GDBusConnectionFlags
connection_flags (gboolean as_server)
{
  return (as_server ? G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_SERVER
                    : G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT)
         | G_DBUS_CONNECTION_FLAGS_DELAY_MESSAGE_PROCESSING;
}

typedef struct
{
  char *label;
} NewData;

static void
new_data_free (NewData *d)
{
  g_free (d->label);
  g_free (d);
}

static void
on_connection_new (G_GNUC_UNUSED GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  NewData *d = g_task_get_task_data (task);
  GError *error = NULL;
  GDBusConnection *conn = g_dbus_connection_new_finish (result, &error);
  if (conn == NULL)
    {
      UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: %s: handshake failed: %s", d->label, error->message);
      g_task_return_error (task, error);
    }
  else
    {
      umk_ipc_watch_connection (conn, d->label);
      g_task_return_pointer (task, conn, g_object_unref);
    }
  g_object_unref (task);
}

void
umk_ipc_connection_new_for_fd (int fd, gboolean as_server, const char *peer_label,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, umk_ipc_connection_new_for_fd);
  NewData *d = g_new0 (NewData, 1);
  d->label = g_strdup (peer_label != NULL ? peer_label : "peer");
  g_task_set_task_data (task, d, (GDestroyNotify) new_data_free);

  GError *error = NULL;
  g_autoptr (GIOStream) stream = stream_for_fd (fd, &error);
  if (stream == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_autofree char *guid = as_server ? g_dbus_generate_guid () : NULL;
  g_autoptr (GDBusAuthObserver) observer = as_server ? umk_ipc_auth_observer_new () : NULL;
  g_dbus_connection_new (stream, guid, connection_flags (as_server), observer, cancellable,
                         on_connection_new, task);
}

GDBusConnection *
umk_ipc_connection_new_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GDBusConnection *
umk_ipc_connection_new_for_fd_sync (int fd, gboolean as_server, const char *peer_label,
                                    GError **error)
{
  g_autoptr (GIOStream) stream = stream_for_fd (fd, error);
  if (stream == NULL)
    return NULL;
  g_autofree char *guid = as_server ? g_dbus_generate_guid () : NULL;
  g_autoptr (GDBusAuthObserver) observer = as_server ? umk_ipc_auth_observer_new () : NULL;
  GDBusConnection *conn = g_dbus_connection_new_sync (stream, guid, connection_flags (as_server),
                                                      observer, NULL, error);
  if (conn != NULL)
    umk_ipc_watch_connection (conn, peer_label != NULL ? peer_label : "peer");
  return conn;
}

GDBusConnection *
umk_ipc_connect_unix (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  struct stat st;
  if (stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot attach to a node at %s: %s (is umkoin-node running with "
                   "-ipcbind=unix?)",
                   path, g_strerror (saved));
      return NULL;
    }
  if (!S_ISSOCK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Cannot attach to a node at %s: not a socket", path);
      return NULL;
    }

  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (path);
  g_autoptr (GError) local = NULL;
  g_autoptr (GSocketConnection) stream
      = g_socket_client_connect (client, G_SOCKET_CONNECTABLE (address), NULL, &local);
  if (stream == NULL)
    {
      g_set_error (error, local->domain, local->code,
                   "Cannot attach to a node at %s: %s (a socket left by a node that stopped?)",
                   path, local->message);
      return NULL;
    }
  GDBusConnection *conn = g_dbus_connection_new_sync (G_IO_STREAM (stream), NULL,
                                                      connection_flags (FALSE), NULL, NULL, &local);
  if (conn == NULL)
    {
      g_set_error (error, local->domain, local->code,
                   "Cannot attach to a node at %s: the D-Bus handshake failed: %s", path,
                   local->message);
      return NULL;
    }
  g_autofree char *label = g_strdup_printf ("node %s", path);
  umk_ipc_watch_connection (conn, label);
  return conn;
}

int
umk_ipc_steal_fd (GUnixFDList *list, GVariant *handle, GError **error)
{
  gint32 index = -1;
  if (handle != NULL && g_variant_is_of_type (handle, G_VARIANT_TYPE_HANDLE))
    index = g_variant_get_handle (handle);
  if (list == NULL || index < 0 || index >= g_unix_fd_list_get_length (list))
    {
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
                   "the message carries no file descriptor at index %d", index);
      return -1;
    }
  GError *local = NULL;
  int fd = g_unix_fd_list_get (list, index, &local); /* a dup we own */
  if (fd < 0)
    {
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS, "%s", local->message);
      g_error_free (local);
      return -1;
    }
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISSOCK (st.st_mode))
    {
      close (fd);
      g_set_error (error, UMK_IPC_ERROR, UMK_IPC_ERROR_INVALID_ARGS,
                   "the file descriptor passed is not a socket");
      return -1;
    }
  return fd;
}

/* ---- -debug=ipc -------------------------------------------------------------------- */

#define ARGS_MAX_CHARS 200
/* An argument bigger than this (a block, a transaction) is summarized, not
 * printed and then cut: printing a 1 MB "ay" would cost more than the call. */
#define ARG_MAX_BYTES 256

char *
umk_ipc_cut (const char *text, gsize max_chars)
{
  g_return_val_if_fail (text != NULL, NULL);
  glong n = g_utf8_strlen (text, -1);
  if ((gsize) n <= max_chars)
    return g_strdup (text);
  const char *end = g_utf8_offset_to_pointer (text, (glong) max_chars);
  return g_strdup_printf ("%.*s…(%ld more)", (int) (end - text), text, n - (glong) max_chars);
}

static char *
print_body (GVariant *body)
{
  if (body == NULL)
    return g_strdup ("()");
  GString *out = g_string_new ("(");
  gsize n = g_variant_n_children (body);
  for (gsize i = 0; i < n && out->len <= ARGS_MAX_CHARS; i++)
    {
      g_autoptr (GVariant) child = g_variant_get_child_value (body, i);
      if (i > 0)
        g_string_append (out, ", ");
      gsize size = g_variant_get_size (child);
      if (size > ARG_MAX_BYTES)
        g_string_append_printf (out, "<%s, %zu bytes>", g_variant_get_type_string (child), size);
      else
        {
          g_autofree char *text = g_variant_print (child, FALSE);
          g_string_append (out, text);
        }
    }
  g_string_append_c (out, ')');
  g_autofree char *all = g_string_free (out, FALSE);
  return umk_ipc_cut (all, ARGS_MAX_CHARS);
}

typedef struct
{
  char *label;
  GMutex lock;
  /* serial of a call in flight → Pending, separately for the calls we sent
   * and the calls we received (serials are per sender) */
  GHashTable *sent;
  GHashTable *received;
} Watch;

typedef struct
{
  gint64 start_us;
  char *member; /* "interface.member" */
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->member);
  g_free (p);
}

static void
watch_free (gpointer data)
{
  Watch *w = data;
  g_free (w->label);
  g_hash_table_unref (w->sent);
  g_hash_table_unref (w->received);
  g_mutex_clear (&w->lock);
  g_free (w);
}

static char *
member_of (GDBusMessage *message)
{
  const char *iface = g_dbus_message_get_interface (message);
  const char *member = g_dbus_message_get_member (message);
  return g_strdup_printf ("%s.%s", iface != NULL ? iface : "?", member != NULL ? member : "?");
}

static GDBusMessage *
ipc_filter (G_GNUC_UNUSED GDBusConnection *connection, GDBusMessage *message, gboolean incoming,
            gpointer user_data)
{
  Watch *w = user_data;
  GDBusMessageType type = g_dbus_message_get_message_type (message);
  guint32 serial = g_dbus_message_get_serial (message);
  gint64 now = g_get_monotonic_time ();
  const char *arrow = incoming ? "<-" : "->";
  gboolean log = umk_log_will_log (UMK_LOG_IPC, UMK_LOG_LEVEL_DEBUG);

  switch (type)
    {
    case G_DBUS_MESSAGE_TYPE_METHOD_CALL:
      {
        Pending *p = g_new0 (Pending, 1);
        p->start_us = now;
        p->member = member_of (message);
        if (log)
          {
            g_autofree char *args = print_body (g_dbus_message_get_body (message));
            umk_log_print (UMK_LOG_IPC, UMK_LOG_LEVEL_DEBUG, FALSE, __FILE__, __LINE__, G_STRFUNC,
                           "ipc: %s %s call %s%s #%u", w->label, arrow, p->member, args, serial);
          }
        /* Calls that want no reply never get one; don't wait for it. */
        if (g_dbus_message_get_flags (message) & G_DBUS_MESSAGE_FLAGS_NO_REPLY_EXPECTED)
          pending_free (p);
        else
          {
            g_mutex_lock (&w->lock);
            g_hash_table_replace (incoming ? w->received : w->sent, GUINT_TO_POINTER (serial), p);
            g_mutex_unlock (&w->lock);
          }
        break;
      }
    case G_DBUS_MESSAGE_TYPE_METHOD_RETURN:
    case G_DBUS_MESSAGE_TYPE_ERROR:
      {
        guint32 reply_to = g_dbus_message_get_reply_serial (message);
        /* A reply we receive answers a call we sent, and the other way round. */
        g_mutex_lock (&w->lock);
        GHashTable *table = incoming ? w->sent : w->received;
        Pending *p = g_hash_table_lookup (table, GUINT_TO_POINTER (reply_to));
        gint64 start = p != NULL ? p->start_us : now;
        char *member = p != NULL ? g_steal_pointer (&p->member) : g_strdup ("?");
        g_hash_table_remove (table, GUINT_TO_POINTER (reply_to));
        g_mutex_unlock (&w->lock);
        if (log)
          {
            double ms = (double) (now - start) / 1000.0;
            const char *what = incoming ? "latency" : "handled in";
            if (type == G_DBUS_MESSAGE_TYPE_ERROR)
              {
                GVariant *body = g_dbus_message_get_body (message);
                const char *text = NULL;
                if (body != NULL && g_variant_is_of_type (body, G_VARIANT_TYPE ("(s)")))
                  g_variant_get (body, "(&s)", &text);
                g_autofree char *cut = umk_ipc_cut (text != NULL ? text : "", ARGS_MAX_CHARS);
                umk_log_print (UMK_LOG_IPC, UMK_LOG_LEVEL_DEBUG, FALSE, __FILE__, __LINE__,
                               G_STRFUNC, "ipc: %s %s error %s #%u %s: %s (%s %.3f ms)", w->label,
                               arrow, member, reply_to, g_dbus_message_get_error_name (message),
                               cut, what, ms);
              }
            else
              {
                g_autofree char *args = print_body (g_dbus_message_get_body (message));
                umk_log_print (UMK_LOG_IPC, UMK_LOG_LEVEL_DEBUG, FALSE, __FILE__, __LINE__,
                               G_STRFUNC, "ipc: %s %s reply %s #%u %s (%s %.3f ms)", w->label,
                               arrow, member, reply_to, args, what, ms);
              }
          }
        g_free (member);
        break;
      }
    case G_DBUS_MESSAGE_TYPE_SIGNAL:
      if (log)
        {
          g_autofree char *member = member_of (message);
          g_autofree char *args = print_body (g_dbus_message_get_body (message));
          umk_log_print (UMK_LOG_IPC, UMK_LOG_LEVEL_DEBUG, FALSE, __FILE__, __LINE__, G_STRFUNC,
                         "ipc: %s %s signal %s%s", w->label, arrow, member, args);
        }
      break;
    default:
      break;
    }
  return message;
}

static void
on_closed (G_GNUC_UNUSED GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
           gpointer user_data)
{
  Watch *w = user_data;
  UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: %s: connection closed (%s%s%s)", w->label,
                 remote_peer_vanished ? "the peer went away" : "closed here",
                 error != NULL ? ": " : "", error != NULL ? error->message : "");
}

void
umk_ipc_watch_connection (GDBusConnection *connection, const char *peer_label)
{
  g_return_if_fail (G_IS_DBUS_CONNECTION (connection));
  Watch *w = g_new0 (Watch, 1);
  w->label = g_strdup (peer_label != NULL ? peer_label : "peer");
  g_mutex_init (&w->lock);
  w->sent = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pending_free);
  w->received = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pending_free);
  UMK_LOG_DEBUG (UMK_LOG_IPC, "ipc: %s: connected", w->label);
  /* The watch lives as long as the connection: the filter's destroy notify
   * frees it when the connection is finalized. "closed" only borrows it. */
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), w);
  g_dbus_connection_add_filter (connection, ipc_filter, w, watch_free);
}

/* ---- Finding the other programs ---------------------------------------------------- */

char *
umk_ipc_find_program (const char *name, const char *build_subdir)
{
  g_return_val_if_fail (name != NULL, NULL);
  const char *suffix = g_str_has_prefix (name, "umkoin-") ? name + 7 : name;
  g_autofree char *upper = g_ascii_strup (suffix, -1);
  g_autofree char *var = g_strconcat ("UMKOIN_", upper, NULL);
  const char *env = g_getenv (var);
  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *sibling = g_build_filename (dir, name, NULL);
      if (g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&sibling);
      /* Uninstalled: meson puts each program in its own folder of the
       * build tree, next to a meson-private folder one level up. */
      if (build_subdir != NULL)
        {
          g_autofree char *marker = g_build_filename (dir, "..", "meson-private", NULL);
          g_autofree char *built = g_build_filename (dir, "..", build_subdir, name, NULL);
          if (g_file_test (marker, G_FILE_TEST_IS_DIR)
              && g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
            return g_steal_pointer (&built);
        }
    }
  return g_strdup (name);
}
