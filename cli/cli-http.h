/* cli-http.h — one JSON-RPC POST over HTTP/1.1, as umkoin-cli sends it.
 *
 * Built on libsoup 3 (the node's RPC server uses it too): it frames the
 * response whatever the server chooses (Content-Length, chunked, close), and
 * its GIO errors say which of the three ways Core's client (libevent) tells
 * apart a request failed without an HTTP answer: refused, timed out, or cut.
 */
#pragma once

#include <glib.h>

/* Why no HTTP response came, with libevent's evhttp_request_error numbers,
 * which Core's client prints: "(error code 0 - "timeout reached")". */
typedef enum
{
  CLI_HTTP_NO_ERROR_CODE = -1, /* e.g. connection refused: Core prints no code */
  CLI_HTTP_TIMEOUT = 0,        /* "timeout reached" */
  CLI_HTTP_EOF = 1,            /* "EOF reached" */
  CLI_HTTP_INVALID_HEADER = 2, /* "error while reading header, or invalid header" */
  CLI_HTTP_BUFFER_ERROR = 3,   /* "error encountered while reading or writing" */
} CliHttpErrorCode;

typedef struct
{
  int status;             /* HTTP status, or 0 when there was no response */
  CliHttpErrorCode error; /* when status is 0 */
  GBytes *body;           /* the response body (empty when none) */
} CliHttpReply;

/* Returns: libevent's text for code ("unknown" for others). */
const char *cli_http_error_string (CliHttpErrorCode code);

/* POSTs body to http://host:port<path>; waits at most timeout_s seconds for
 * each step (0: no limit). Headers: "Connection: close",
 * "Content-Type: application/json", "Authorization: Basic <auth_b64>".
 * Out: reply (clear with cli_http_reply_clear()). Always fills it; a reply
 * with status 0 means the request failed. */
void cli_http_post (const char *host, guint16 port, const char *path, const char *auth_b64,
                    const char *body, guint timeout_s, CliHttpReply *reply);
void cli_http_reply_clear (CliHttpReply *reply);
