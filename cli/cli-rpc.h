/* cli-rpc.h — one JSON-RPC call from umkoin-cli to the node, the way Umkoin
 * Core's client makes it: where to connect (-rpcconnect, -rpcport, the
 * chain's port), how to log in (-rpcuser/-rpcpassword or the cookie file),
 * which endpoint (/ or /wallet/<name>), what an HTTP answer means, and
 * -rpcwait's retries.
 *
 * Errors use CLI_ERROR: CLI_ERROR_CONNECTION for the transient failures that
 * -rpcwait retries (no HTTP answer, node warming up), CLI_ERROR_FAILED for the
 * rest. Their messages are Core's; main() prints "error: <message>".
 */
#pragma once

#include "common/value.h"
#include "common/args.h"

#include <glib.h>

#define CLI_ERROR (cli_error_quark ())
GQuark cli_error_quark (void);

typedef enum
{
  CLI_ERROR_FAILED,     /* Core's std::runtime_error */
  CLI_ERROR_CONNECTION, /* Core's CConnectionFailed */
  CLI_ERROR_NO_COOKIE,  /* 401 and no cookie to send: as FAILED, but -rpcwait retries it */
} CliError;

/* The node's error codes the client looks at (Core's RPCErrorCode). */
#define CLI_RPC_WALLET_NOT_SPECIFIED (-19)
#define CLI_RPC_IN_WARMUP            (-28)

/* Turns a command into a request and the node's answer into a reply object
 * with "result" or "error" (Core's BaseRequestHandler). */
typedef struct _CliHandler CliHandler;
struct _CliHandler
{
  /* Returns: the request (an object, or an array for a batch), or NULL with error. */
  UmkValue *(*prepare) (CliHandler *self, UmkArgs *args, const char *method,
                        const char *const *params, gsize n_params, GError **error);
  /* Returns: the reply to show, built from the node's answer, or NULL with error. */
  UmkValue *(*process) (CliHandler *self, const UmkValue *answer, GError **error);
};

/* Returns: {"method": method, "params": params, "id": id, "jsonrpc": "2.0"},
 * the request object Core's client writes. Takes params (NULL for null). */
UmkValue *cli_rpc_request (const char *method, UmkValue *params, int id) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: {"jsonrpc": "2.0", "result": result, "id": 1}, the reply object
 * Core's handlers build from what they computed. Takes result. */
UmkValue *cli_rpc_reply (UmkValue *result) G_GNUC_WARN_UNUSED_RESULT;

/* One request through handler, with -rpcwait's retries (Core's
 * ConnectAndCallRPC). wallet: the /wallet/<name> endpoint, or NULL for "/".
 * Returns: the handler's reply, or NULL with error; a connection failure's
 * message then starts with "timeout on transient error: ". */
UmkValue *cli_rpc_call (UmkArgs *args, CliHandler *handler, const char *method,
                        const char *const *params, gsize n_params, const char *wallet,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: -rpcwallet's value, or NULL when unset or negated (Core's RpcWalletName). */
char *cli_rpc_wallet_name (UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;

/* A handler that sends the command as it is, with the parameters converted
 * by position or, with -named, by name; the reply is the node's answer. */
CliHandler *cli_default_handler (void);
