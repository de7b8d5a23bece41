#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-rpc.h"

#include "common/netaddress.h"
#include "common/rpc-convert.h"
#include "cli/cli-http.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_RPCCONNECT          "127.0.0.1"
#define DEFAULT_HTTP_CLIENT_TIMEOUT 900
#define DEFAULT_WAIT_CLIENT_TIMEOUT 0
#define COOKIEAUTH_FILE             ".cookie"
#define HTTP_BAD_REQUEST            400
#define HTTP_UNAUTHORIZED           401
#define HTTP_NOT_FOUND              404
#define HTTP_INTERNAL_SERVER_ERROR  500
#define HTTP_SERVICE_UNAVAILABLE    503

G_DEFINE_QUARK (umk_cli_error_quark, cli_error)

UmkValue *
cli_rpc_request (const char *method, UmkValue *params, int id)
{
  UmkValue *request = umk_value_new_object ();
  umk_value_push (request, "method", umk_value_new_string (method));
  umk_value_push (request, "params", params ? params : umk_value_new_null ());
  umk_value_push (request, "id", umk_value_new_int (id));
  umk_value_push (request, "jsonrpc", umk_value_new_string ("2.0"));
  return request;
}

UmkValue *
cli_rpc_reply (UmkValue *result)
{
  UmkValue *reply = umk_value_new_object ();
  umk_value_push (reply, "jsonrpc", umk_value_new_string ("2.0"));
  umk_value_push (reply, "result", result);
  umk_value_push (reply, "id", umk_value_new_int (1));
  return reply;
}

char *
cli_rpc_wallet_name (UmkArgs *args)
{
  /* -norpcwallet means the default endpoint, not a wallet named "0". */
  if (umk_args_is_negated (args, "-rpcwallet"))
    return NULL;
  return umk_args_get (args, "-rpcwallet", NULL);
}

/* ---- The default handler ---------------------------------------------- */

static UmkValue *
default_prepare (CliHandler *self, UmkArgs *args, const char *method, const char *const *params,
                 gsize n_params, GError **error)
{
  (void) self;
  UmkValue *converted = umk_args_get_bool (args, "-named", FALSE)
                            ? umk_rpc_convert_named (method, params, n_params, error)
                            : umk_rpc_convert_positional (method, params, n_params, error);
  if (converted == NULL)
    return NULL;
  return cli_rpc_request (method, converted, 1);
}

static UmkValue *
default_process (CliHandler *self, const UmkValue *answer, GError **error)
{
  (void) self;
  if (umk_value_type (answer) != UMK_VALUE_OBJECT)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED,
                   "JSON value of type %s is not of expected type object",
                   umk_value_type_name (umk_value_type (answer)));
      return NULL;
    }
  return umk_value_copy (answer);
}

CliHandler *
cli_default_handler (void)
{
  static CliHandler handler = { default_prepare, default_process };
  return &handler;
}

/* ---- Where and how to connect ------------------------------------------ */

/* Reads the cookie's first line into *user_pass. Returns: FALSE when the
 * cookie file cannot be read; TRUE with nothing read under -norpccookiefile. */
static gboolean
read_auth_cookie (UmkArgs *args, char **user_pass)
{
  g_autofree char *arg = umk_args_get_path (args, "-rpccookiefile", COOKIEAUTH_FILE);
  if (arg == NULL || arg[0] == '\0')
    return TRUE;
  g_autofree char *path = umk_args_abs_path_for_config_val (args, arg, TRUE);
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (path == NULL || !g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  const char *nl = memchr (contents, '\n', len);
  g_free (*user_pass);
  *user_pass = g_strndup (contents, nl ? (gsize) (nl - contents) : len);
  return TRUE;
}

/* Returns: the endpoint, "/" or "/wallet/<name>" with every byte but
 * letters, digits and "-._~" percent-encoded (libevent's evhttp_uriencode). */
static char *
endpoint_for (const char *wallet)
{
  if (wallet == NULL)
    return g_strdup ("/");
  g_autofree char *escaped = g_uri_escape_string (wallet, NULL, FALSE);
  return g_strconcat ("/wallet/", escaped, NULL);
}

/* ---- One call ---------------------------------------------------------- */

/* Core's CallRPC. */
static UmkValue *
call_once (UmkArgs *args, CliHandler *handler, const char *method, const char *const *params,
           gsize n_params, const char *wallet, GError **error)
{
  /* The port: -rpcport, else one given in -rpcconnect, else the chain's. */
  UmkChain chain = UMK_CHAIN_MAIN;
  (void) umk_args_get_selected_chain (args, &chain);
  guint16 port = umk_chain_default_rpc_port (chain);
  g_autofree char *rpcconnect = umk_args_get (args, "-rpcconnect", DEFAULT_RPCCONNECT);
  g_autofree char *host = NULL;
  guint16 rpcconnect_port = 0;
  if (!umk_split_host_port (rpcconnect, &rpcconnect_port, &host))
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "Invalid port provided in -rpcconnect: %s",
                   rpcconnect);
      return NULL;
    }
  if (rpcconnect_port != 0)
    port = rpcconnect_port;
  g_autofree char *rpcport = umk_args_get (args, "-rpcport", NULL);
  if (rpcport != NULL)
    {
      guint16 n = 0;
      if (!umk_parse_port (rpcport, strlen (rpcport), &n) || n == 0)
        {
          g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "Invalid port provided in -rpcport: %s",
                       rpcport);
          return NULL;
        }
      port = n;
      if (rpcconnect_port != 0)
        fprintf (stderr,
                 "Warning: Port specified in both -rpcconnect and -rpcport. Using -rpcport %u\n",
                 (unsigned) port);
    }

  gint64 timeout = umk_args_get_int (args, "-rpcclienttimeout", DEFAULT_HTTP_CLIENT_TIMEOUT);
  guint timeout_s = timeout > 0 ? (guint) MIN (timeout, (gint64) G_MAXUINT) : 0;

  /* Credentials: -rpcuser/-rpcpassword, else the cookie the node wrote. */
  g_autofree char *user_pass = g_strdup ("");
  gboolean no_cookie = FALSE;
  g_autofree char *password = umk_args_get (args, "-rpcpassword", "");
  if (password[0] == '\0')
    no_cookie = !read_auth_cookie (args, &user_pass);
  else
    {
      g_autofree char *user = umk_args_get (args, "-rpcuser", "");
      g_free (user_pass);
      user_pass = g_strconcat (user, ":", password, NULL);
    }
  g_autofree char *auth = g_base64_encode ((const guchar *) user_pass, strlen (user_pass));

  g_autoptr (UmkValue) request = handler->prepare (handler, args, method, params, n_params, error);
  if (request == NULL)
    return NULL;
  g_autofree char *request_text = umk_value_to_string (request, 0);
  g_autofree char *body = g_strconcat (request_text, "\n", NULL);
  g_autofree char *endpoint = endpoint_for (wallet);

  CliHttpReply reply;
  cli_http_post (host, port, endpoint, auth, body, timeout_s, &reply);
  /* Copied byte for byte: the body may hold NULs, and the reader gets all of it. */
  gsize body_len = 0;
  const char *body_data = g_bytes_get_data (reply.body, &body_len);
  g_autofree char *answer_text = g_malloc (body_len + 1);
  if (body_len)
    memcpy (answer_text, body_data, body_len);
  answer_text[body_len] = '\0';
  int status = reply.status;
  CliHttpErrorCode http_error = reply.error;
  cli_http_reply_clear (&reply);

  if (status == 0)
    {
      g_autofree char *detail
          = http_error == CLI_HTTP_NO_ERROR_CODE
                ? g_strdup ("")
                : g_strdup_printf (" (error code %d - \"%s\")", (int) http_error,
                                   cli_http_error_string (http_error));
      g_set_error (error, CLI_ERROR, CLI_ERROR_CONNECTION,
                   "Could not connect to the server %s:%u%s\n\n"
                   "Make sure the umkoind server is running and that you are connecting to the "
                   "correct RPC port.\n"
                   "Use \"umkoin-cli -help\" for more info.",
                   host, (unsigned) port, detail);
      return NULL;
    }
  if (status == HTTP_UNAUTHORIZED)
    {
      if (no_cookie)
        {
          g_autofree char *conf = umk_args_get_config_path (args);
          g_set_error (error, CLI_ERROR, CLI_ERROR_NO_COOKIE,
                       "Could not locate RPC credentials. No authentication cookie could be found, "
                       "and RPC password is not set.  See -rpcpassword and -stdinrpcpass.  "
                       "Configuration file: (%s)",
                       conf ? conf : "");
        }
      else
        g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                             "Authorization failed: Incorrect rpcuser or rpcpassword");
      return NULL;
    }
  if (status == HTTP_SERVICE_UNAVAILABLE)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "Server response: %s", answer_text);
      return NULL;
    }
  if (status >= 400 && status != HTTP_BAD_REQUEST && status != HTTP_NOT_FOUND
      && status != HTTP_INTERNAL_SERVER_ERROR)
    {
      g_set_error (error, CLI_ERROR, CLI_ERROR_FAILED, "server returned HTTP error %d", status);
      return NULL;
    }
  if (body_len == 0)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, "no response from server");
      return NULL;
    }

  g_autoptr (UmkValue) answer = umk_value_read (answer_text, body_len);
  if (answer == NULL)
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, "couldn't parse reply from server");
      return NULL;
    }
  UmkValue *processed = handler->process (handler, answer, error);
  if (processed == NULL)
    return NULL;
  if (umk_value_size (processed) == 0)
    {
      umk_value_free (processed);
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "expected reply to have result, error and id properties");
      return NULL;
    }
  return processed;
}

UmkValue *
cli_rpc_call (UmkArgs *args, CliHandler *handler, const char *method, const char *const *params,
              gsize n_params, const char *wallet, GError **error)
{
  gboolean wait = umk_args_get_bool (args, "-rpcwait", FALSE);
  gint64 timeout = umk_args_get_int (args, "-rpcwaittimeout", DEFAULT_WAIT_CLIENT_TIMEOUT);
  gint64 deadline = g_get_monotonic_time () + timeout * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (GError) local = NULL;
      UmkValue *reply = call_once (args, handler, method, params, n_params, wallet, &local);
      if (reply != NULL && wait)
        {
          /* A node still loading answers -28; with -rpcwait that is one
           * more reason to wait. */
          const UmkValue *err = umk_value_get (reply, "error");
          if (!umk_value_is_null (err))
            {
              int code;
              if (!umk_value_get_int (umk_value_get (err, "code"), &code, &local))
                {
                  umk_value_free (reply);
                  g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local->message);
                  return NULL;
                }
              if (code == CLI_RPC_IN_WARMUP)
                {
                  umk_value_free (reply);
                  reply = NULL;
                  g_set_error_literal (&local, CLI_ERROR, CLI_ERROR_CONNECTION, "server in warmup");
                }
            }
        }
      if (reply != NULL)
        return reply;
      /* A starting node opens its port just after it writes the cookie; a
       * client that looked for the cookie a moment before the port opened
       * gets 401. Core's cli gives up there; waiting is what -rpcwait asks. */
      gboolean no_cookie_yet = g_error_matches (local, CLI_ERROR, CLI_ERROR_NO_COOKIE);
      if (!g_error_matches (local, CLI_ERROR, CLI_ERROR_CONNECTION) && !(wait && no_cookie_yet))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (wait && (timeout <= 0 || g_get_monotonic_time () < deadline))
        {
          g_usleep (G_USEC_PER_SEC);
          continue;
        }
      if (no_cookie_yet)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      g_set_error (error, CLI_ERROR, CLI_ERROR_CONNECTION, "timeout on transient error: %s",
                   local->message);
      return NULL;
    }
}
