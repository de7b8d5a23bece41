/* rpc-bench.c — requests per second of a running node's JSON-RPC server.
 *
 * Each client thread keeps one HTTP/1.1 connection open and sends the same
 * JSON-RPC call over it, one at a time, for a fixed time; the replies are read
 * in full (Content-Length) and checked for "error":null. Raw sockets, so the
 * figure is the server's, not an HTTP library's.
 *
 *   umkoin-node -regtest -datadir=/tmp/bench &
 *   build/tests/bench/rpc-bench -port=16443 -cookie=/tmp/bench/regtest/.cookie
 *
 * Options: -host=127.0.0.1 -port=16443 -cookie=FILE | -user=U -password=P
 *          -method=getblockcount -clients=1,8 -seconds=5
 */
#define G_LOG_DOMAIN "umk-rpc"
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct
{
  const char *host;
  const char *port;
  char *request; /* the whole HTTP request, sent again and again */
  gsize request_len;
  gint64 deadline; /* monotonic microseconds */
} Target;

typedef struct
{
  const Target *target;
  guint64 done;
  guint64 failed;
  char *error;
} Client;

static int
connect_to (const Target *t)
{
  struct addrinfo hints = { 0 }, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo (t->host, t->port, &hints, &res) != 0)
    return -1;
  int fd = -1;
  for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next)
    {
      fd = socket (a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd >= 0 && connect (fd, a->ai_addr, a->ai_addrlen) != 0)
        {
          close (fd);
          fd = -1;
        }
    }
  freeaddrinfo (res);
  if (fd >= 0)
    {
      /* Requests are small and strictly alternate with replies: no Nagle. */
      int one = 1;
      setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  return fd;
}

static gboolean
send_all (int fd, const char *p, gsize len)
{
  while (len > 0)
    {
      ssize_t n = send (fd, p, len, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* Reads one response into buf (reused); returns its status, -1 on failure.
 * Out: ok: the body says "error":null. */
static int
read_response (int fd, GString *buf, gboolean *ok)
{
  g_string_truncate (buf, 0);
  gsize head_end = 0;
  char chunk[4096];
  while (head_end == 0)
    {
      ssize_t n = recv (fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      g_string_append_len (buf, chunk, n);
      const char *end = g_strstr_len (buf->str, (gssize) buf->len, "\r\n\r\n");
      if (end)
        head_end = (gsize) (end - buf->str) + 4;
    }
  int status = 0;
  if (sscanf (buf->str, "HTTP/1.%*d %d", &status) != 1)
    return -1;
  const char *cl = strstr (buf->str, "Content-Length: ");
  if (cl == NULL || cl > buf->str + head_end)
    return -1;
  gsize body_len = strtoul (cl + 16, NULL, 10);
  while (buf->len < head_end + body_len)
    {
      ssize_t n = recv (fd, chunk, sizeof chunk, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      g_string_append_len (buf, chunk, n);
    }
  *ok = g_strstr_len (buf->str + head_end, (gssize) body_len, "\"error\":null") != NULL;
  return status;
}

static gpointer
client_main (gpointer data)
{
  Client *c = data;
  const Target *t = c->target;
  int fd = connect_to (t);
  if (fd < 0)
    {
      c->error = g_strdup_printf ("cannot connect to %s:%s", t->host, t->port);
      return NULL;
    }
  g_autoptr (GString) buf = g_string_sized_new (1024);
  while (g_get_monotonic_time () < t->deadline)
    {
      gboolean ok = FALSE;
      if (!send_all (fd, t->request, t->request_len))
        {
          c->error = g_strdup ("send failed");
          break;
        }
      int status = read_response (fd, buf, &ok);
      if (status < 0)
        {
          c->error = g_strdup ("connection closed or bad reply");
          break;
        }
      if (status == 200 && ok)
        c->done++;
      else
        c->failed++;
    }
  close (fd);
  return NULL;
}

static char *
base64_credentials (const char *user, const char *password)
{
  g_autofree char *plain = g_strconcat (user, ":", password, NULL);
  return g_base64_encode ((const guchar *) plain, strlen (plain));
}

int
main (int argc, char **argv)
{
  const char *host = "127.0.0.1", *port = "16443", *cookie = NULL, *user = NULL;
  const char *password = NULL, *method = "getblockcount", *clients_arg = "1,8";
  double seconds = 5;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
#define OPT(name) (g_str_has_prefix (a, "-" name "=") ? a + strlen ("-" name "=") : NULL)
      const char *v;
      if ((v = OPT ("host")))
        host = v;
      else if ((v = OPT ("port")))
        port = v;
      else if ((v = OPT ("cookie")))
        cookie = v;
      else if ((v = OPT ("user")))
        user = v;
      else if ((v = OPT ("password")))
        password = v;
      else if ((v = OPT ("method")))
        method = v;
      else if ((v = OPT ("clients")))
        clients_arg = v;
      else if ((v = OPT ("seconds")))
        seconds = g_ascii_strtod (v, NULL);
      else
        {
          fprintf (stderr,
                   "usage: %s [-host=H] [-port=P] (-cookie=FILE | -user=U -password=P) "
                   "[-method=M] [-clients=1,8] [-seconds=S]\n",
                   argv[0]);
          return 2;
        }
#undef OPT
    }

  g_autofree char *credentials = NULL;
  if (cookie)
    {
      g_autofree char *text = NULL;
      g_autoptr (GError) error = NULL;
      if (!g_file_get_contents (cookie, &text, NULL, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_strstrip (text);
      credentials = g_base64_encode ((const guchar *) text, strlen (text));
    }
  else if (user && password)
    credentials = base64_credentials (user, password);
  else
    {
      fprintf (stderr, "give -cookie=FILE or -user= and -password=\n");
      return 2;
    }

  g_autofree char *body = g_strdup_printf (
      "{\"jsonrpc\":\"1.0\",\"id\":\"bench\",\"method\":\"%s\",\"params\":[]}", method);
  Target t = { host, port, NULL, 0, 0 };
  t.request = g_strdup_printf ("POST / HTTP/1.1\r\nHost: %s\r\nAuthorization: Basic %s\r\n"
                               "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                               host, credentials, strlen (body), body);
  t.request_len = strlen (t.request);

  printf ("%s on %s:%s, keep-alive connections, %.1f s each\n", method, host, port, seconds);
  g_auto (GStrv) counts = g_strsplit (clients_arg, ",", -1);
  int status = 0;
  for (guint k = 0; counts[k]; k++)
    {
      int n = atoi (counts[k]);
      if (n <= 0)
        continue;
      Client *clients = g_new0 (Client, n);
      GThread **threads = g_new0 (GThread *, n);
      gint64 start = g_get_monotonic_time ();
      t.deadline = start + (gint64) (seconds * G_USEC_PER_SEC);
      for (int i = 0; i < n; i++)
        {
          clients[i].target = &t;
          threads[i] = g_thread_new ("client", client_main, &clients[i]);
        }
      guint64 done = 0, failed = 0;
      for (int i = 0; i < n; i++)
        {
          g_thread_join (threads[i]);
          done += clients[i].done;
          failed += clients[i].failed;
          if (clients[i].error)
            {
              fprintf (stderr, "client %d: %s\n", i, clients[i].error);
              g_free (clients[i].error);
              status = 1;
            }
        }
      double elapsed = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
      printf ("%2d client%s: %9.0f requests/s  (%" G_GUINT64_FORMAT " ok, %" G_GUINT64_FORMAT
              " failed, %.2f s)\n",
              n, n == 1 ? " " : "s", (double) done / elapsed, done, failed, elapsed);
      if (failed)
        status = 1;
      g_free (threads);
      g_free (clients);
    }
  g_free (t.request);
  return status;
}
