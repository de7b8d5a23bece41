#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-http.h"

#include <libsoup/soup.h>
#include <string.h>

const char *
cli_http_error_string (CliHttpErrorCode code)
{
  switch (code)
    {
    case CLI_HTTP_TIMEOUT:
      return "timeout reached";
    case CLI_HTTP_EOF:
      return "EOF reached";
    case CLI_HTTP_INVALID_HEADER:
      return "error while reading header, or invalid header";
    case CLI_HTTP_BUFFER_ERROR:
      return "error encountered while reading or writing";
    case CLI_HTTP_NO_ERROR_CODE:
    default:
      return "unknown";
    }
}

/* Sorts a failed request into the classes Core's client reports. libevent
 * hands a refused connection back without an error code, a timeout as
 * EVREQ_HTTP_TIMEOUT, an unparsable answer as EVREQ_HTTP_INVALID_HEADER and
 * every other failure (name lookup, reset, closed early) as EVREQ_HTTP_EOF. */
static CliHttpErrorCode
classify (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return CLI_HTTP_NO_ERROR_CODE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return CLI_HTTP_TIMEOUT;
  if (g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_PARSING)
      || g_error_matches (error, SOUP_SESSION_ERROR, SOUP_SESSION_ERROR_ENCODING))
    return CLI_HTTP_INVALID_HEADER;
  return CLI_HTTP_EOF;
}

static SoupSession *
new_session (guint timeout_s)
{
  SoupSession *session = soup_session_new ();
  /* Core's client talks straight to the node: no http_proxy from the
   * environment, no gzip negotiation, no second try on a 401 (the auth
   * manager would answer WWW-Authenticate by itself). */
  soup_session_set_proxy_resolver (session, NULL);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_CONTENT_DECODER);
  soup_session_remove_feature_by_type (session, SOUP_TYPE_AUTH_MANAGER);
  soup_session_set_timeout (session, timeout_s);
  return session;
}

void
cli_http_post (const char *host, guint16 port, const char *path, const char *auth_b64,
               const char *body, guint timeout_s, CliHttpReply *reply)
{
  reply->status = 0;
  reply->error = CLI_HTTP_NO_ERROR_CODE;
  reply->body = NULL;

  /* An empty host cannot be looked up; libsoup would refuse the URI outright. */
  if (host[0] == '\0')
    {
      reply->error = CLI_HTTP_EOF;
      reply->body = g_bytes_new (NULL, 0);
      return;
    }

  g_autoptr (GUri) uri
      = g_uri_build (G_URI_FLAGS_ENCODED_PATH, "http", NULL, host, port, path, NULL, NULL);
  g_autoptr (SoupSession) session = new_session (timeout_s);
  g_autoptr (SoupMessage) msg = soup_message_new_from_uri ("POST", uri);
  if (msg == NULL)
    {
      reply->error = CLI_HTTP_EOF;
      reply->body = g_bytes_new (NULL, 0);
      return;
    }

  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Connection", "close");
  g_autofree char *auth = g_strconcat ("Basic ", auth_b64, NULL);
  soup_message_headers_replace (headers, "Authorization", auth);
  g_autoptr (GBytes) request = g_bytes_new (body, strlen (body));
  soup_message_set_request_body_from_bytes (msg, "application/json", request);

  g_autoptr (GError) error = NULL;
  GBytes *response = soup_session_send_and_read (session, msg, NULL, &error);
  if (response == NULL)
    {
      g_debug ("request failed: %s", error->message);
      reply->error = classify (error);
      reply->body = g_bytes_new (NULL, 0);
      return;
    }
  reply->status = (int) soup_message_get_status (msg);
  reply->body = response;
}

void
cli_http_reply_clear (CliHttpReply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
}
