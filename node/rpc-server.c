/* rpc-server.c — the HTTP side of the JSON-RPC server, on libsoup 3's
 * SoupServer, following Umkoin Core v31's httpserver.cpp and httprpc.cpp:
 *
 *  - listening: -rpcbind/-rpcport, loopback unless -rpcallowip is given too,
 *    with Core's warnings; every client address checked against the allowed
 *    subnets (403);
 *  - limits: request line and headers 8192 bytes, body 32 MiB (Core's
 *    MAX_HEADERS_SIZE and MAX_SIZE), both answered 413 and the connection
 *    closed; an idle keep-alive connection is closed after -rpcservertimeout;
 *  - work: each request for "/" or "/wallet/<name>" goes to a pool of
 *    -rpcthreads workers, at most -rpcworkqueue waiting (then 503 "Work queue
 *    depth exceeded"); the message is paused meanwhile and the worker's answer
 *    is handed back to the main context, so a slow call blocks nobody;
 *  - authentication (in the worker, as Core): HTTP Basic against the cookie
 *    file, -rpcuser/-rpcpassword and -rpcauth, all kept as salted
 *    HMAC-SHA256; a wrong password costs 250 ms, Core's brake on guessing;
 *  - shutdown: new requests get 503, requests in flight are answered, then the
 *    workers stop and the cookie file is removed.
 *
 * libsoup objects are touched only on the main context; workers see copies.
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include "node/rpc-server.h"

#include "common/args.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/logging.h"
#include "node/rpc-dispatch.h"

#include <errno.h>
#include <fcntl.h>
#include <libsoup/soup.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* Core's limits and defaults (httpserver.h, httpserver.cpp, serialize.h). */
#define MAX_HEADERS_SIZE            8192
#define MAX_BODY_SIZE               0x02000000
#define DEFAULT_HTTP_THREADS        16
#define DEFAULT_HTTP_WORKQUEUE      64
#define DEFAULT_HTTP_SERVER_TIMEOUT 30
#define FAILED_AUTH_DELAY_US        (250 * 1000)
#define WWW_AUTH_HEADER_DATA        "Basic realm=\"jsonrpc\""
#define COOKIEAUTH_USER             "__cookie__"
#define COOKIEAUTH_FILE             ".cookie"
/* What libevent puts on replies that do not say (Core sets none for text). */
#define DEFAULT_CONTENT_TYPE "text/html; charset=ISO-8859-1"

/* One allowed client network (Core's CSubNet). */
typedef struct
{
  gboolean v4;
  guint8 net[16];
  guint8 mask[16];
} Subnet;

/* One accepted credential: password hashes only, as Core's g_rpcauth. */
typedef struct
{
  char *user;
  char *salt;
  char *hash; /* hex HMAC-SHA256 of the password keyed by salt */
} AuthEntry;

struct _UmkRpcServer
{
  UmkNode *node;
  GMainContext *context;
  SoupServer *soup;
  UmkRpcDispatcher *dispatcher;
  GAsyncQueue *queue; /* of Job*, for the workers */
  GPtrArray *workers; /* of GThread* */
  guint max_queue;
  guint timeout_s;
  GArray *allow;          /* of Subnet */
  GPtrArray *auth;        /* of AuthEntry* */
  GHashTable *whitelists; /* user -> GHashTable set of methods */
  gboolean whitelist_default;
  char *cookie_path; /* set once this process wrote the cookie file */
  gboolean stopping;
  guint jobs;       /* requests handed to workers and not yet done with (main context) */
  GHashTable *idle; /* GSocket* -> IdleConn*: keep-alive connections between requests */
};

/* ---- Small helpers ------------------------------------------------------- */

static void
auth_entry_free (gpointer p)
{
  AuthEntry *e = p;
  g_free (e->user);
  if (e->salt)
    memset (e->salt, 0, strlen (e->salt));
  g_free (e->salt);
  g_free (e->hash);
  g_free (e);
}

static void
random_bytes (void *buf, size_t len)
{
  for (size_t done = 0; done < len;)
    {
      ssize_t n = getrandom ((char *) buf + done, len - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        g_error ("getrandom: %s", g_strerror (errno));
      done += (size_t) n;
    }
}

/* Core's TimingResistantEqual: the time taken depends on the lengths only. */
static gboolean
timing_resistant_equal (const char *a, gsize a_len, const char *b, gsize b_len)
{
  if (b_len == 0)
    return a_len == 0;
  gsize acc = a_len ^ b_len;
  for (gsize i = 0; i < a_len; i++)
    acc |= (gsize) ((guchar) a[i] ^ (guchar) b[i % b_len]);
  return acc == 0;
}

static char *
hmac_hex (const char *salt, const char *pass, gsize pass_len)
{
  uint8_t out[UMK_SHA256_SIZE];
  umk_hmac_sha256 (salt, strlen (salt), pass, pass_len, out);
  char *hex = umk_hex_encode (out, sizeof out);
  memset (out, 0, sizeof out);
  return hex;
}

static void
add_credential (UmkRpcServer *s, const char *user, const char *pass)
{
  /* Plain passwords are kept only as HMACs under a fresh random salt. */
  uint8_t raw_salt[16];
  random_bytes (raw_salt, sizeof raw_salt);
  AuthEntry *e = g_new0 (AuthEntry, 1);
  e->user = g_strdup (user);
  e->salt = umk_hex_encode (raw_salt, sizeof raw_salt);
  e->hash = hmac_hex (e->salt, pass, strlen (pass));
  g_ptr_array_add (s->auth, e);
}

/* Core's DecodeBase64: length a multiple of four, at most two '=' at the
 * end, no other characters, and no stray bits in the last group. */
static guint8 *
decode_base64_strict (const char *in, gsize len, gsize *out_len)
{
  if (len % 4 != 0)
    return NULL;
  for (int pad = 0; pad < 2 && len > 0 && in[len - 1] == '='; pad++)
    len--;
  guint8 *out = g_malloc (len * 3 / 4 + 1);
  gsize n = 0;
  guint32 acc = 0;
  int bits = 0;
  for (gsize i = 0; i < len; i++)
    {
      char c = in[i];
      int v = c >= 'A' && c <= 'Z'   ? c - 'A'
              : c >= 'a' && c <= 'z' ? c - 'a' + 26
              : c >= '0' && c <= '9' ? c - '0' + 52
              : c == '+'             ? 62
              : c == '/'             ? 63
                                     : -1;
      if (v < 0)
        {
          g_free (out);
          return NULL;
        }
      acc = (acc << 6) | (guint32) v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          out[n++] = (guint8) (acc >> bits);
        }
      acc &= (1u << bits) - 1;
    }
  if (bits >= 6 || acc != 0)
    {
      g_free (out);
      return NULL;
    }
  *out_len = n;
  return out;
}

/* Core's RPCAuthorized. Out: user (the name given, even when wrong). */
static gboolean
authorized (UmkRpcServer *s, const char *header, char **user)
{
  if (!g_str_has_prefix (header, "Basic "))
    return FALSE;
  g_autofree char *b64 = g_strdup (header + 6);
  g_strstrip (b64);
  gsize len = 0;
  g_autofree guint8 *userpass = decode_base64_strict (b64, strlen (b64), &len);
  if (userpass == NULL)
    return FALSE;
  const guint8 *colon = memchr (userpass, ':', len);
  if (colon == NULL)
    return FALSE;
  gsize user_len = (gsize) (colon - userpass);
  *user = g_strndup ((const char *) userpass, user_len);
  const char *pass = (const char *) colon + 1;
  gsize pass_len = len - user_len - 1;

  gboolean ok = FALSE;
  for (guint i = 0; i < s->auth->len && !ok; i++)
    {
      const AuthEntry *e = s->auth->pdata[i];
      if (!timing_resistant_equal (e->user, strlen (e->user), (const char *) userpass, user_len))
        continue;
      g_autofree char *hash = hmac_hex (e->salt, pass, pass_len);
      ok = timing_resistant_equal (hash, strlen (hash), e->hash, strlen (e->hash));
    }
  memset (userpass, 0, len);
  return ok;
}

/* ---- Client networks (Core's InitHTTPAllowList, CSubNet) ---------------- */

/* The address as Core's CNetAddr holds it: IPv4-mapped IPv6 is IPv4. */
static gboolean
address_bytes (GInetAddress *addr, guint8 out[16], gboolean *v4)
{
  const guint8 *b = g_inet_address_to_bytes (addr);
  if (g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV4)
    {
      memcpy (out, b, 4);
      *v4 = TRUE;
      return TRUE;
    }
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  if (memcmp (b, mapped, 12) == 0)
    {
      memcpy (out, b + 12, 4);
      *v4 = TRUE;
      return TRUE;
    }
  memcpy (out, b, 16);
  *v4 = FALSE;
  return TRUE;
}

static gboolean
parse_ip (const char *text, guint8 out[16], gboolean *v4)
{
  g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (text);
  return addr != NULL && address_bytes (addr, out, v4);
}

/* Core's LookupSubNet without name lookups: "ip", "ip/bits" or
 * "ip/netmask"; host bits of the network are cleared. */
static gboolean
parse_subnet (const char *text, Subnet *out)
{
  memset (out, 0, sizeof *out);
  g_auto (GStrv) parts = g_strsplit (text, "/", 2);
  if (parts[0] == NULL || !parse_ip (parts[0], out->net, &out->v4))
    return FALSE;
  guint n_bytes = out->v4 ? 4 : 16;
  if (parts[1] == NULL)
    memset (out->mask, 0xff, n_bytes);
  else
    {
      guint64 bits;
      guint8 mask[16];
      gboolean mask_v4;
      if (g_ascii_string_to_unsigned (parts[1], 10, 0, n_bytes * 8, &bits, NULL))
        {
          for (guint i = 0; i < n_bytes; i++)
            out->mask[i] = bits >= 8 * (i + 1) ? 0xff
                           : bits > 8 * i      ? (guint8) (0xff << (8 - (bits - 8 * i)))
                                               : 0;
        }
      else if (parse_ip (parts[1], mask, &mask_v4) && mask_v4 == out->v4)
        {
          /* Only contiguous netmasks: ones, then zeros. */
          gboolean zero_seen = FALSE;
          for (guint i = 0; i < n_bytes * 8; i++)
            {
              gboolean one = (mask[i / 8] >> (7 - i % 8)) & 1;
              if (one && zero_seen)
                return FALSE;
              zero_seen |= !one;
            }
          memcpy (out->mask, mask, n_bytes);
        }
      else
        return FALSE;
    }
  for (guint i = 0; i < 16; i++)
    out->net[i] &= out->mask[i];
  return TRUE;
}

static char *
subnet_to_string (const Subnet *s)
{
  guint n_bytes = s->v4 ? 4 : 16, bits = 0;
  for (guint i = 0; i < n_bytes; i++)
    bits += (guint) __builtin_popcount (s->mask[i]);
  g_autoptr (GInetAddress) a
      = g_inet_address_new_from_bytes (s->net, s->v4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_autofree char *ip = g_inet_address_to_string (a);
  return g_strdup_printf ("%s/%u", ip, bits);
}

static gboolean
client_allowed (UmkRpcServer *s, GSocketAddress *remote)
{
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return FALSE;
  guint8 b[16];
  gboolean v4;
  address_bytes (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)), b, &v4);
  for (guint i = 0; i < s->allow->len; i++)
    {
      const Subnet *n = &g_array_index (s->allow, Subnet, i);
      if (n->v4 != v4)
        continue;
      gboolean match = TRUE;
      for (guint k = 0; k < (v4 ? 4u : 16u) && match; k++)
        match = (b[k] & n->mask[k]) == n->net[k];
      if (match)
        return TRUE;
    }
  return FALSE;
}

static gboolean
init_allow_list (UmkRpcServer *s)
{
  Subnet n;
  /* Always the IPv4 loopback network and the IPv6 loopback address. */
  parse_subnet ("127.0.0.1/8", &n);
  g_array_append_val (s->allow, n);
  parse_subnet ("::1", &n);
  g_array_append_val (s->allow, n);
  g_auto (GStrv) extra = umk_args_get_list (s->node->args, "-rpcallowip");
  for (guint i = 0; extra[i]; i++)
    {
      if (!parse_subnet (extra[i], &n))
        {
          /* Core shows this as an error message box: log and stderr. */
          g_autofree char *msg = g_strdup_printf (
              "Invalid -rpcallowip subnet specification: %s. Valid values are a single IP (e.g. "
              "1.2.3.4), a network/netmask (e.g. 1.2.3.4/255.255.255.0), a network/CIDR (e.g. "
              "1.2.3.4/24), all ipv4 (0.0.0.0/0), or all ipv6 (::/0). RFC4193 is allowed only if "
              "-cjdnsreachable=0.",
              extra[i]);
          umk_log_error ("%s", msg);
          fprintf (stderr, "Error: %s\n", msg);
          return FALSE;
        }
      g_array_append_val (s->allow, n);
    }
  if (umk_log_will_log (UMK_LOG_HTTP, UMK_LOG_LEVEL_DEBUG))
    {
      GString *list = g_string_new (NULL);
      for (guint i = 0; i < s->allow->len; i++)
        {
          g_autofree char *text = subnet_to_string (&g_array_index (s->allow, Subnet, i));
          g_string_append_printf (list, "%s ", text);
        }
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "Allowing HTTP connections from: %s", list->str);
      g_string_free (list, TRUE);
    }
  return TRUE;
}

/* ---- Listening (Core's HTTPBindAddresses) -------------------------------- */

/* Core's SplitHostPort: "host", "host:port", "[v6]:port", or a bare IPv6
 * address. Returns: FALSE for a port that is not 1..65535. */
static gboolean
split_host_port (const char *in, guint16 *port, char **host)
{
  gboolean valid = FALSE;
  gsize len = strlen (in);
  const char *colon = strrchr (in, ':');
  gboolean bracketed = colon && colon > in && in[0] == '[' && colon[-1] == ']';
  gboolean multi = colon && colon > in && memchr (in, ':', (gsize) (colon - in)) != NULL;
  if (colon && (colon == in || bracketed || !multi))
    {
      guint64 n;
      if (g_ascii_string_to_unsigned (colon + 1, 10, 0, G_MAXUINT16, &n, NULL))
        {
          len = (gsize) (colon - in);
          *port = (guint16) n;
          valid = n != 0;
        }
    }
  else
    valid = TRUE;
  if (len >= 2 && in[0] == '[' && in[len - 1] == ']')
    *host = g_strndup (in + 1, len - 2);
  else
    *host = g_strndup (in, len);
  return valid;
}

static gboolean
listen_on (UmkRpcServer *s, const char *host, guint16 port)
{
  g_autoptr (GInetAddress) addr = NULL;
  if (host[0] == '\0')
    addr = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6); /* all addresses, as libevent binds */
  else if ((addr = g_inet_address_new_from_string (host)) == NULL)
    {
      /* A name: the first address it resolves to, as libevent binds. */
      g_autoptr (GResolver) resolver = g_resolver_get_default ();
      GList *found = g_resolver_lookup_by_name (resolver, host, NULL, NULL);
      if (found)
        addr = g_object_ref (found->data);
      g_resolver_free_addresses (found);
    }
  g_autoptr (GError) error = NULL;
  gboolean ok = FALSE;
  if (addr)
    {
      g_autoptr (GSocketAddress) sa = g_inet_socket_address_new (addr, port);
      ok = soup_server_listen (s->soup, sa, 0, &error);
      if (ok && host[0] == '\0')
        {
          /* libsoup makes IPv6 sockets IPv6-only: add IPv4 for "every address". */
          g_autoptr (GInetAddress) any4 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
          g_autoptr (GSocketAddress) sa4 = g_inet_socket_address_new (any4, port);
          (void) soup_server_listen (s->soup, sa4, 0, NULL);
        }
    }
  if (!ok)
    {
      umk_log_warning ("Binding RPC on address %s port %u failed.", host, port);
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "Bind error: %s", error ? error->message : "cannot resolve");
      return FALSE;
    }
  if (host[0] == '\0' || g_inet_address_get_is_any (addr))
    umk_log_warning ("The RPC server is not safe to expose to untrusted networks such as the "
                     "public internet");
  return TRUE;
}

static gboolean
bind_addresses (UmkRpcServer *s, GError **error)
{
  const UmkArgs *args = s->node->args;
  guint16 port = umk_chain_default_rpc_port (s->node->chain);
  g_autofree char *port_arg = umk_args_get (args, "-rpcport", NULL);
  if (port_arg)
    {
      guint64 n;
      if (!g_ascii_string_to_unsigned (port_arg, 10, 1, G_MAXUINT16, &n, NULL))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid port specified in %s: '%s'",
                       "-rpcport", port_arg);
          return FALSE;
        }
      port = (guint16) n;
    }

  g_auto (GStrv) allow = umk_args_get_list (args, "-rpcallowip");
  g_auto (GStrv) binds = umk_args_get_list (args, "-rpcbind");
  guint bound = 0;
  /* Both -rpcallowip and -rpcbind, or loopback only: a lone one of them is
   * more likely a mistake than a wish to expose the server. */
  if (allow[0] == NULL || binds[0] == NULL)
    {
      if (allow[0] != NULL)
        umk_log_warning ("Option -rpcallowip was specified without -rpcbind; this doesn't "
                         "usually make sense");
      if (binds[0] != NULL)
        umk_log_warning ("Option -rpcbind was ignored because -rpcallowip was not specified, "
                         "refusing to allow everyone to connect");
      const char *loopback[] = { "::1", "127.0.0.1" };
      for (guint i = 0; i < G_N_ELEMENTS (loopback); i++)
        {
          umk_log_info ("Binding RPC on address %s port %u", loopback[i], port);
          bound += listen_on (s, loopback[i], port);
        }
    }
  else
    {
      g_autoptr (GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GArray) ports = g_array_new (FALSE, FALSE, sizeof (guint16));
      for (guint i = 0; binds[i]; i++)
        {
          guint16 p = port;
          char *host = NULL;
          gboolean ok = split_host_port (binds[i], &p, &host);
          g_ptr_array_add (hosts, host);
          g_array_append_val (ports, p);
          if (!ok)
            {
              umk_log_error ("Invalid port specified in %s: '%s'", "-rpcbind", binds[i]);
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Unable to start HTTP server. See debug log for details.");
              return FALSE;
            }
        }
      for (guint i = 0; i < hosts->len; i++)
        {
          guint16 p = g_array_index (ports, guint16, i);
          umk_log_info ("Binding RPC on address %s port %u", (const char *) hosts->pdata[i], p);
          bound += listen_on (s, hosts->pdata[i], p);
        }
    }
  if (bound == 0)
    {
      umk_log_error ("Unable to bind any endpoint for RPC server");
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Unable to start HTTP server. See debug log for details.");
      return FALSE;
    }
  return TRUE;
}

/* ---- Authentication set-up (Core's InitRPCAuthentication) --------------- */

static char *
cookie_file (const UmkArgs *args, gboolean temp)
{
  g_autofree char *arg = umk_args_get_path (args, "-rpccookiefile", COOKIEAUTH_FILE);
  if (arg == NULL || arg[0] == '\0')
    return NULL; /* -norpccookiefile */
  g_autofree char *name = temp ? g_strconcat (arg, ".tmp", NULL) : g_strdup (arg);
  return umk_args_abs_path_for_config_val (args, name, TRUE);
}

static void
perms_to_symbolic (mode_t m, char out[10])
{
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++)
    out[i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
  out[9] = '\0';
}

/* Core's GenerateAuthCookie. Returns: FALSE on an error (logged); *user and
 * *pass are set when a cookie was written, NULL when cookies are off. */
static gboolean
generate_cookie (UmkRpcServer *s, int perms, char **user, char **pass)
{
  *user = *pass = NULL;
  g_autofree char *tmp = cookie_file (s->node->args, TRUE);
  if (tmp == NULL)
    {
      umk_log_info ("RPC authentication cookie file generation is disabled.");
      return TRUE;
    }
  uint8_t raw[32];
  random_bytes (raw, sizeof raw);
  g_autofree char *secret = umk_hex_encode (raw, sizeof raw);
  memset (raw, 0, sizeof raw);
  g_autofree char *content = g_strconcat (COOKIEAUTH_USER ":", secret, NULL);

  /* Readable by the owner only (Core runs under umask 077), unless
   * -rpccookieperms says otherwise below. */
  int fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  gboolean written = FALSE;
  if (fd >= 0)
    {
      size_t len = strlen (content), done = 0;
      while (done < len)
        {
          ssize_t n = write (fd, content + done, len - done);
          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            break;
          done += (size_t) n;
        }
      written = done == len;
      written = close (fd) == 0 && written;
    }
  memset (content, 0, strlen (content));
  if (!written)
    {
      umk_log_warning ("Unable to open cookie authentication file %s for writing", tmp);
      unlink (tmp);
      return FALSE;
    }
  g_autofree char *path = cookie_file (s->node->args, FALSE);
  if (rename (tmp, path) != 0)
    {
      umk_log_warning ("Unable to rename cookie authentication file %s to %s", tmp, path);
      unlink (tmp);
      return FALSE;
    }
  if (perms >= 0 && chmod (path, (mode_t) perms) != 0)
    {
      umk_log_warning ("Unable to set permissions on cookie authentication file %s", path);
      return FALSE;
    }
  s->cookie_path = g_strdup (path);
  struct stat st;
  char symbolic[10] = "---------";
  if (stat (path, &st) == 0)
    perms_to_symbolic (st.st_mode & 0777, symbolic);
  umk_log_info ("Generated RPC authentication cookie %s", path);
  umk_log_info ("Permissions used for cookie: %s", symbolic);
  *user = g_strdup (COOKIEAUTH_USER);
  *pass = g_steal_pointer (&secret);
  return TRUE;
}

static gboolean
init_authentication (UmkRpcServer *s)
{
  const UmkArgs *args = s->node->args;
  g_autofree char *password = umk_args_get (args, "-rpcpassword", "");
  if (password[0] == '\0')
    {
      int perms = -1;
      g_autofree char *perms_arg = umk_args_get (args, "-rpccookieperms", NULL);
      if (perms_arg)
        {
          if (strcmp (perms_arg, "owner") == 0)
            perms = 0600;
          else if (strcmp (perms_arg, "group") == 0)
            perms = 0640;
          else if (strcmp (perms_arg, "all") == 0)
            perms = 0644;
          else
            {
              umk_log_error ("Invalid -rpccookieperms=%s; must be one of 'owner', 'group', or "
                             "'all'.",
                             perms_arg);
              return FALSE;
            }
        }
      g_autofree char *user = NULL, *pass = NULL;
      if (!generate_cookie (s, perms, &user, &pass))
        return FALSE;
      if (user)
        {
          umk_log_info ("Using random cookie authentication.");
          add_credential (s, user, pass);
          memset (pass, 0, strlen (pass));
        }
    }
  else
    {
      umk_log_info ("Using rpcuser/rpcpassword authentication.");
      umk_log_warning ("The use of rpcuser/rpcpassword is less secure, because credentials are "
                       "configured in plain text. It is recommended that locally-run instances "
                       "switch to cookie-based auth, or otherwise to use hashed rpcauth "
                       "credentials. See share/rpcauth in the source directory for more "
                       "information.");
      g_autofree char *user = umk_args_get (args, "-rpcuser", "");
      add_credential (s, user, password);
      memset (password, 0, strlen (password));
    }

  g_auto (GStrv) rpcauth = umk_args_get_list (args, "-rpcauth");
  if (rpcauth[0])
    umk_log_info ("Using rpcauth authentication.");
  for (guint i = 0; rpcauth[i]; i++)
    {
      /* <user>:<salt>$<hmac>, split on every ':' and '$' as Core does. */
      g_auto (GStrv) fields = g_strsplit (rpcauth[i], ":", -1);
      g_auto (GStrv) salt_hmac
          = fields[0] ? g_strsplit (fields[g_strv_length (fields) - 1], "$", -1) : NULL;
      if (g_strv_length (fields) != 2 || salt_hmac == NULL || g_strv_length (salt_hmac) != 2)
        {
          umk_log_warning ("Invalid -rpcauth argument.");
          return FALSE;
        }
      AuthEntry *e = g_new0 (AuthEntry, 1);
      e->user = g_strdup (fields[0]);
      e->salt = g_strdup (salt_hmac[0]);
      e->hash = g_strdup (salt_hmac[1]);
      g_ptr_array_add (s->auth, e);
    }

  /* -rpcwhitelist=<user>:<method>,<method>…; several for one user intersect. */
  g_auto (GStrv) lists = umk_args_get_list (args, "-rpcwhitelist");
  s->whitelist_default = umk_args_get_bool (args, "-rpcwhitelistdefault", lists[0] != NULL);
  for (guint i = 0; lists[i]; i++)
    {
      const char *colon = strchr (lists[i], ':');
      g_autofree char *user
          = colon ? g_strndup (lists[i], (gsize) (colon - lists[i])) : g_strdup (lists[i]);
      GHashTable *old = g_hash_table_lookup (s->whitelists, user);
      gboolean intersect = old != NULL;
      if (old == NULL)
        {
          /* A user named without methods may call nothing. */
          old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
          g_hash_table_insert (s->whitelists, g_strdup (user), old);
        }
      if (colon == NULL)
        continue;
      GHashTable *fresh = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_auto (GStrv) methods = g_strsplit_set (colon + 1, ", ", -1);
      for (guint m = 0; methods[m]; m++)
        if (!intersect || g_hash_table_contains (old, methods[m]))
          g_hash_table_add (fresh, g_strdup (methods[m]));
      g_hash_table_insert (s->whitelists, g_strdup (user), fresh);
    }
  return TRUE;
}

/* ---- Requests ------------------------------------------------------------ */

/* A request on its way through a worker. Two references: the worker's answer
 * and the message's "finished" signal; the last one frees it. */
typedef struct
{
  UmkRpcServer *server;
  SoupServerMessage *msg;
  gulong finished_id, disconnected_id;
  gboolean finished; /* the message is done with: sent, failed or its connection gone */
  int refs;
  /* copies for the worker */
  char *method;
  char *authorization;
  char *peer;
  char *uri;
  GBytes *body;
  /* the answer */
  UmkRpcReply reply;
  gboolean challenge; /* add WWW-Authenticate */
} Job;

static void
job_unref (Job *job)
{
  if (--job->refs > 0)
    return;
  job->server->jobs--;
  g_object_unref (job->msg);
  g_free (job->method);
  g_free (job->authorization);
  g_free (job->peer);
  g_free (job->uri);
  g_bytes_unref (job->body);
  umk_rpc_reply_clear (&job->reply);
  g_free (job);
}

/* "finished" or "disconnected", whichever comes first. */
static void
on_job_message_done (SoupServerMessage *msg, gpointer data)
{
  Job *job = data;
  job->finished = TRUE;
  g_signal_handler_disconnect (msg, job->finished_id);
  g_signal_handler_disconnect (msg, job->disconnected_id);
  job_unref (job);
}

/* Sets an answer on a message (main context only). */
static void
respond (UmkRpcServer *s, SoupServerMessage *msg, guint status, const char *content_type,
         char *body, gsize len)
{
  soup_server_message_set_status (msg, status, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  /* Once the node is stopping, connections are not kept (Core's interrupt). */
  if (s->stopping || umk_node_shutdown_requested (s->node))
    soup_message_headers_replace (headers, "Connection", "close");
  if (body && len > 0)
    soup_server_message_set_response (msg, content_type ? content_type : DEFAULT_CONTENT_TYPE,
                                      SOUP_MEMORY_TAKE, body, len);
  else
    g_free (body);
}

static gboolean
job_done (gpointer data)
{
  Job *job = data;
  /* A client gone meanwhile has finished its message: nothing to send. */
  if (!job->finished)
    {
      if (job->challenge)
        soup_message_headers_replace (soup_server_message_get_response_headers (job->msg),
                                      "WWW-Authenticate", WWW_AUTH_HEADER_DATA);
      respond (job->server, job->msg, job->reply.status,
               job->reply.json ? "application/json" : NULL, g_steal_pointer (&job->reply.body),
               job->reply.len);
      soup_server_message_unpause (job->msg);
    }
  job_unref (job);
  return G_SOURCE_REMOVE;
}

/* Core's HTTPReq_JSONRPC, on a worker thread. */
static void
job_run (Job *job, UmkRpcServer *s)
{
  UmkRpcReply *r = &job->reply;
  g_autofree char *user = NULL;
  if (strcmp (job->method, "POST") != 0)
    {
      r->status = UMK_HTTP_BAD_METHOD;
      r->body = g_strdup ("JSONRPC server handles only POST requests");
      r->len = strlen (r->body);
    }
  else if (job->authorization == NULL)
    {
      r->status = UMK_HTTP_UNAUTHORIZED;
      job->challenge = TRUE;
    }
  else if (!authorized (s, job->authorization, &user))
    {
      umk_log_warning ("ThreadRPCServer incorrect password attempt from %s", job->peer);
      /* Deliberately slow: guessing passwords over RPC should not pay. */
      g_usleep (FAILED_AUTH_DELAY_US);
      r->status = UMK_HTTP_UNAUTHORIZED;
      job->challenge = TRUE;
    }
  else
    {
      UmkRpcWhitelist wl = { FALSE, NULL };
      wl.allowed = g_hash_table_lookup (s->whitelists, user);
      wl.restricted = wl.allowed != NULL || s->whitelist_default;
      gsize len;
      const char *body = g_bytes_get_data (job->body, &len);
      umk_rpc_dispatcher_handle (s->dispatcher, body ? body : "", len, user, job->peer, job->uri,
                                 &wl, r);
    }
  /* Always through an idle source: g_main_context_invoke() would run
   * job_done() right here whenever it can take the context, and libsoup
   * belongs to the main thread. */
  GSource *done = g_idle_source_new ();
  g_source_set_priority (done, G_PRIORITY_DEFAULT);
  g_source_set_callback (done, job_done, job, NULL);
  g_source_attach (done, s->context);
  g_source_unref (done);
}

/* What tells a worker to stop (pushed once per worker). */
static char stop_token;

/* The workers are our own threads rather than a GThreadPool so that shutdown
 * can join them: a pool's threads exit on their own after it is freed, and
 * libcrypto's exit-time cleanup then races their thread-local destructors
 * (seen as a double free at exit under load). */
static gpointer
worker_main (gpointer data)
{
  UmkRpcServer *s = data;
  for (;;)
    {
      gpointer item = g_async_queue_pop (s->queue);
      if (item == &stop_token)
        return NULL;
      job_run (item, s);
    }
}

static char *
peer_string (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return g_strdup ("");
  GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (remote);
  GInetAddress *addr = g_inet_socket_address_get_address (isa);
  guint8 b[16];
  gboolean v4;
  address_bytes (addr, b, &v4);
  g_autoptr (GInetAddress) plain
      = g_inet_address_new_from_bytes (b, v4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  g_autofree char *ip = g_inet_address_to_string (plain);
  guint port = g_inet_socket_address_get_port (isa);
  return v4 ? g_strdup_printf ("%s:%u", ip, port) : g_strdup_printf ("[%s]:%u", ip, port);
}

/* The request target as the client sent it (libevent's view of the URI). */
static char *
request_uri (SoupServerMessage *msg)
{
  GUri *uri = soup_server_message_get_uri (msg);
  const char *query = g_uri_get_query (uri);
  return query ? g_strconcat (g_uri_get_path (uri), "?", query, NULL)
               : g_strdup (g_uri_get_path (uri));
}

/* Core's http_request_cb: who and what, then a worker. */
static void
handle_request (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer data)
{
  (void) soup;
  (void) path;
  (void) query;
  UmkRpcServer *s = data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *peer = peer_string (msg);
  g_autofree char *uri = request_uri (msg);

  if (s->stopping)
    {
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "Rejecting request while shutting down");
      respond (s, msg, UMK_HTTP_SERVICE_UNAVAILABLE, NULL, NULL, 0);
      return;
    }
  /* got-headers answered disallowed clients already; this is the backstop. */
  if (!client_allowed (s, soup_server_message_get_remote_address (msg)))
    {
      respond (s, msg, UMK_HTTP_FORBIDDEN, NULL, NULL, 0);
      return;
    }
  if (strcmp (method, "GET") != 0 && strcmp (method, "POST") != 0 && strcmp (method, "HEAD") != 0
      && strcmp (method, "PUT") != 0)
    {
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "HTTP request from %s rejected: Unknown HTTP request method",
                     peer);
      respond (s, msg, UMK_HTTP_BAD_METHOD, NULL, NULL, 0);
      return;
    }
  if (umk_log_will_log (UMK_LOG_HTTP, UMK_LOG_LEVEL_DEBUG))
    {
      GString *clean = g_string_new (NULL);
      for (const char *c = uri; *c && clean->len < 100; c++)
        if (g_ascii_isalnum (*c) || strchr (" .,;-_/:?@()!*'=&%#+~", *c))
          g_string_append_c (clean, *c);
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "Received a %s request for %s from %s", method, clean->str,
                     peer);
      g_string_free (clean, TRUE);
    }

  /* "/" exactly, or anything under "/wallet/". */
  if (strcmp (uri, "/") != 0 && !g_str_has_prefix (uri, "/wallet/"))
    {
      respond (s, msg, UMK_HTTP_NOT_FOUND, NULL, NULL, 0);
      return;
    }
  /* Requests waiting for a worker, not those being worked on (Core's
   * WorkQueueSize). The queue's length is negative while workers wait. */
  if (g_async_queue_length (s->queue) >= (gint) s->max_queue)
    {
      umk_log_warning ("Request rejected because http work queue depth exceeded, it can be "
                       "increased with the -rpcworkqueue= setting");
      respond (s, msg, UMK_HTTP_SERVICE_UNAVAILABLE, NULL, g_strdup ("Work queue depth exceeded"),
               strlen ("Work queue depth exceeded"));
      return;
    }

  Job *job = g_new0 (Job, 1);
  job->server = s;
  job->msg = g_object_ref (msg);
  job->refs = 2;
  job->method = g_strdup (method);
  job->authorization = g_strdup (soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Authorization"));
  job->peer = g_steal_pointer (&peer);
  job->uri = g_steal_pointer (&uri);
  job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  job->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_job_message_done), job);
  job->disconnected_id
      = g_signal_connect (msg, "disconnected", G_CALLBACK (on_job_message_done), job);
  s->jobs++;
  soup_server_message_pause (msg);
  g_async_queue_push (s->queue, job);
}

/* ---- Limits and per-connection settings ---------------------------------- */

static void
refuse_too_large (UmkRpcServer *s, SoupServerMessage *msg)
{
  /* Read and drop the rest of the body, answer 413, then close: Core
   * (libevent) answers oversized requests 413 and closes too. */
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  respond (s, msg, UMK_HTTP_PAYLOAD_TOO_LARGE, NULL, NULL, 0);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

static void
count_header (const char *name, const char *value, gpointer data)
{
  *(gsize *) data += strlen (name) + strlen (value) + 4; /* ": " and CRLF */
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  UmkRpcServer *s = data;
  if (soup_server_message_get_status (msg) != 0)
    return;
  gsize *total = g_object_get_data (G_OBJECT (msg), "umk-body-size");
  if (total == NULL)
    {
      total = g_new0 (gsize, 1);
      g_object_set_data_full (G_OBJECT (msg), "umk-body-size", total, g_free);
    }
  *total += g_bytes_get_size (chunk);
  if (*total > MAX_BODY_SIZE)
    refuse_too_large (s, msg);
}

static void
on_got_headers (SoupServerMessage *msg, gpointer data)
{
  UmkRpcServer *s = data;
  if (soup_server_message_get_status (msg) != 0)
    return; /* libsoup refused it already (400) */
  if (!client_allowed (s, soup_server_message_get_remote_address (msg)))
    {
      g_autofree char *peer = peer_string (msg);
      UMK_LOG_DEBUG (UMK_LOG_HTTP,
                     "HTTP request from %s rejected: Client network is not allowed RPC access",
                     peer);
      respond (s, msg, UMK_HTTP_FORBIDDEN, NULL, NULL, 0);
      return;
    }
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *declared = soup_message_headers_get_one (headers, "Content-Length");
  if (declared && (declared[strspn (declared, "0123456789")] != '\0' || declared[0] == '\0'))
    {
      /* libsoup takes "-5" for a length; libevent answers it 400. */
      respond (s, msg, UMK_HTTP_BAD_REQUEST, NULL, NULL, 0);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      return;
    }
  g_autofree char *uri = request_uri (msg);
  gsize size = strlen (soup_server_message_get_method (msg)) + strlen (uri) + 12;
  soup_message_headers_foreach (headers, count_header, &size);
  goffset length = soup_message_headers_get_content_length (headers);
  if (size > MAX_HEADERS_SIZE
      || (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
          && length > MAX_BODY_SIZE))
    {
      refuse_too_large (s, msg);
      return;
    }
  /* Bodies without a length (chunked) are counted as they come. */
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), s);
}

/* ---- Keep-alive connections between requests -----------------------------
 *
 * libsoup 3.2 (Debian 12) neither closes a keep-alive connection that the
 * client closes between requests nor one that times out there: it drops the
 * message it was waiting on and keeps the socket open for ever (fixed in
 * libsoup 3.3, commit d20c6601). So the server watches each connection
 * between requests itself: a watch of higher priority than libsoup's own
 * source sees the client's close (or its next request) first, and a timer
 * ends it after -rpcservertimeout idle seconds, as libevent does for Core.
 * Closing goes through soup_server_message_steal_connection(), which is
 * libsoup's own way to let go of a connection, so nothing is left behind.
 * The socket's own timeout is off meanwhile: it would lead libsoup into the
 * same dead end. */

typedef struct
{
  UmkRpcServer *server;
  GSocket *socket;
  SoupServerMessage *msg; /* the last message, to reach its connection */
  GSource *watch;
  GSource *timer;
} IdleConn;

static void
idle_conn_free (gpointer p)
{
  IdleConn *c = p;
  if (c->watch)
    {
      g_source_destroy (c->watch);
      g_source_unref (c->watch);
    }
  if (c->timer)
    {
      g_source_destroy (c->timer);
      g_source_unref (c->timer);
    }
  g_object_unref (c->msg);
  g_object_unref (c->socket);
  g_free (c);
}

/* Returns: > 0 when the client sent something, 0 when it closed (or the
 * connection failed), < 0 when there is nothing to read yet. */
static int
peek_socket (GSocket *socket)
{
  char byte;
  ssize_t n = recv (g_socket_get_fd (socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0)
    return 1;
  if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
    return 0;
  return -1;
}

/* Ends an idle connection (removes c). */
static void
idle_conn_close (IdleConn *c)
{
  UmkRpcServer *s = c->server;
  GIOStream *stream = soup_server_message_steal_connection (c->msg);
  if (stream)
    {
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
    }
  g_hash_table_remove (s->idle, c->socket);
}

static gboolean
on_idle_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  (void) condition;
  IdleConn *c = data;
  if (g_socket_is_closed (socket))
    {
      g_hash_table_remove (c->server->idle, socket);
      return G_SOURCE_REMOVE;
    }
  int state = peek_socket (socket);
  if (state < 0)
    return G_SOURCE_CONTINUE;
  /* Its next request is libsoup's to read; a close is ours to finish. */
  if (state > 0)
    g_hash_table_remove (c->server->idle, socket);
  else
    idle_conn_close (c);
  return G_SOURCE_REMOVE;
}

static gboolean
on_idle_timeout (gpointer data)
{
  IdleConn *c = data;
  if (g_socket_is_closed (c->socket))
    g_hash_table_remove (c->server->idle, c->socket);
  else if (peek_socket (c->socket) > 0)
    {
      /* A request has just come: the watch takes it from here. */
      g_source_unref (c->timer);
      c->timer = NULL;
    }
  else
    {
      UMK_LOG_DEBUG (UMK_LOG_HTTP, "Closing an idle RPC connection");
      idle_conn_close (c);
    }
  return G_SOURCE_REMOVE;
}

/* A response has been sent: libsoup waits for the connection's next request. */
static void
on_msg_finished (SoupServerMessage *msg, gpointer data)
{
  UmkRpcServer *s = data;
  GSocket *socket = soup_server_message_get_socket (msg);
  if (socket == NULL || g_socket_is_closed (socket) || s->stopping)
    return;
  g_socket_set_timeout (socket, 0);
  IdleConn *c = g_new0 (IdleConn, 1);
  c->server = s;
  c->socket = g_object_ref (socket);
  c->msg = g_object_ref (msg);
  c->watch = g_socket_create_source (socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_priority (c->watch, G_PRIORITY_HIGH);
  g_source_set_callback (c->watch, (GSourceFunc) (void (*) (void)) on_idle_readable, c, NULL);
  g_source_attach (c->watch, s->context);
  if (s->timeout_s > 0)
    {
      c->timer = g_timeout_source_new_seconds (s->timeout_s);
      g_source_set_callback (c->timer, on_idle_timeout, c, NULL);
      g_source_attach (c->timer, s->context);
    }
  g_hash_table_replace (s->idle, socket, c);
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer data)
{
  (void) soup;
  UmkRpcServer *s = data;
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), s);
  g_signal_connect (msg, "finished", G_CALLBACK (on_msg_finished), s);
  GSocket *socket = soup_server_message_get_socket (msg);
  if (socket)
    {
      /* A request has begun (maybe one pipelined behind the last): the
       * connection is no longer idle. */
      g_hash_table_remove (s->idle, socket);
      /* -rpcservertimeout: a request that stalls is dropped. */
      g_socket_set_timeout (socket, s->timeout_s);
      /* Small replies must not wait for Nagle (the listener sets it too). */
      g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
    }
}

/* ---- Life cycle ---------------------------------------------------------- */

UmkRpcServer *
umk_rpc_server_new (UmkNode *node, GError **error)
{
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  UmkRpcServer *s = g_new0 (UmkRpcServer, 1);
  s->node = node;
  s->context = g_main_context_ref (node->loop ? g_main_loop_get_context (node->loop)
                                              : g_main_context_default ());
  s->allow = g_array_new (FALSE, FALSE, sizeof (Subnet));
  s->auth = g_ptr_array_new_with_free_func (auth_entry_free);
  s->whitelists = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  s->dispatcher = umk_rpc_dispatcher_new (node);
  s->idle = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, idle_conn_free);
  s->queue = g_async_queue_new ();
  s->workers = g_ptr_array_new ();

  if (!umk_args_get_bool (node->args, "-server", TRUE))
    return s; /* a server that does not listen */

  UMK_LOG_DEBUG (UMK_LOG_RPC, "Starting HTTP RPC server");
  if (!init_allow_list (s))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Unable to start HTTP server. See debug log for details.");
      umk_rpc_server_free (s);
      return NULL;
    }

  gint64 timeout = umk_args_get_int (node->args, "-rpcservertimeout", DEFAULT_HTTP_SERVER_TIMEOUT);
  s->timeout_s = timeout > 0 ? (guint) MIN (timeout, G_MAXUINT) : 0;
  gint64 depth = umk_args_get_int (node->args, "-rpcworkqueue", DEFAULT_HTTP_WORKQUEUE);
  s->max_queue = (guint) CLAMP (depth, 1, G_MAXINT);
  gint64 threads = umk_args_get_int (node->args, "-rpcthreads", DEFAULT_HTTP_THREADS);
  threads = CLAMP (threads, 1, 1024);

  /* The cookie exists before the port opens (Core opens the port first):
   * a client that finds the port open and reads no cookie would get 401
   * and "Could not locate RPC credentials", which -rpcwait does not retry. */
  if (!init_authentication (s))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Unable to start HTTP server. See debug log for details.");
      umk_rpc_server_free (s);
      return NULL;
    }

  /* libsoup attaches its sources to the thread-default context. */
  g_main_context_push_thread_default (s->context);
  s->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->soup, NULL, handle_request, s, NULL);
  g_signal_connect (s->soup, "request-started", G_CALLBACK (on_request_started), s);
  gboolean bound = bind_addresses (s, error);
  g_main_context_pop_thread_default (s->context);
  if (!bound)
    {
      umk_rpc_server_free (s);
      return NULL;
    }
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "Initialized HTTP server");
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "set work queue of depth %u", s->max_queue);

  umk_log_info ("Starting HTTP server with %d worker threads", (int) threads);
  for (gint64 i = 0; i < threads; i++)
    {
      g_autofree char *name = g_strdup_printf ("httpworker.%d", (int) i);
      GThread *t = g_thread_try_new (name, worker_main, s, error);
      if (t == NULL)
        {
          umk_rpc_server_free (s);
          return NULL;
        }
      g_ptr_array_add (s->workers, t);
    }
  return s;
}

void
umk_rpc_server_free (UmkRpcServer *s)
{
  if (s == NULL)
    return;
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "Stopping HTTP server");
  s->stopping = TRUE;
  /* Calls that wait (waitfornewblock…) return now. */
  umk_rpc_dispatcher_interrupt (s->dispatcher);
  /* Answer what is in flight: the main loop has stopped, so turn it here. */
  while (s->jobs > 0)
    g_main_context_iteration (s->context, TRUE);
  for (guint i = 0; i < s->workers->len; i++)
    g_async_queue_push (s->queue, &stop_token);
  for (guint i = 0; i < s->workers->len; i++)
    g_thread_join (s->workers->pdata[i]);
  g_ptr_array_set_size (s->workers, 0);
  g_hash_table_remove_all (s->idle);
  if (s->soup)
    {
      soup_server_disconnect (s->soup);
      g_clear_object (&s->soup);
      /* Let the closed connections' sources run their course (bounded:
       * other parts of the node may have sources that are always ready). */
      for (int i = 0; i < 100 && g_main_context_iteration (s->context, FALSE); i++)
        ;
    }
  if (s->cookie_path)
    {
      /* Only a cookie this process wrote. */
      if (unlink (s->cookie_path) != 0 && errno != ENOENT)
        umk_log_warning ("Unable to remove random auth cookie file %s: %s", s->cookie_path,
                         g_strerror (errno));
      g_free (s->cookie_path);
    }
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "Stopped HTTP server");
  umk_rpc_dispatcher_free (s->dispatcher);
  g_array_unref (s->allow);
  g_ptr_array_unref (s->auth);
  g_hash_table_unref (s->whitelists);
  g_hash_table_unref (s->idle);
  g_async_queue_unref (s->queue);
  g_ptr_array_unref (s->workers);
  g_main_context_unref (s->context);
  g_free (s);
}
