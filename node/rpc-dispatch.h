/* rpc-dispatch.h — JSON-RPC requests and replies, the method table, argument
 * checking and help, as Umkoin Core's rpc/server.cpp, rpc/request.cpp and
 * rpc/util.cpp (RPCHelpMan) do them.
 *
 * Nothing here knows HTTP beyond the status code a reply needs: rpc-server.c
 * authenticates, hands the body to umk_rpc_dispatcher_handle() on a worker
 * thread and sends back what it returns. Methods live in rpc-control.c and
 * rpc-blockchain.c, each as a table of UmkRpcMethod.
 */
#pragma once

#include "common/json.h"
#include "common/rpc-util.h"
#include "common/uint256.h"
#include "node/node.h"

#include <glib.h>

/* ---- Codes (Core's rpc/protocol.h) ---------------------------------------- */

typedef enum
{
  UMK_HTTP_OK = 200,
  UMK_HTTP_NO_CONTENT = 204,
  UMK_HTTP_BAD_REQUEST = 400,
  UMK_HTTP_UNAUTHORIZED = 401,
  UMK_HTTP_FORBIDDEN = 403,
  UMK_HTTP_NOT_FOUND = 404,
  UMK_HTTP_BAD_METHOD = 405,
  UMK_HTTP_PAYLOAD_TOO_LARGE = 413,
  UMK_HTTP_INTERNAL_SERVER_ERROR = 500,
  UMK_HTTP_SERVICE_UNAVAILABLE = 503,
} UmkHttpStatus;

typedef struct _UmkRpcDispatcher UmkRpcDispatcher;
typedef struct _UmkRpcCall UmkRpcCall;

/* Writes the method's result into result (one JSON value), or returns FALSE
 * with an RPC error (what was written is then discarded). Runs on a worker
 * thread; several calls may run at once. */
typedef gboolean (*UmkRpcHandler) (UmkRpcCall *call, UmkJsonWriter *result, GError **error);

typedef struct
{
  const char *category; /* "blockchain", "control", … ("hidden" is not listed by help) */
  const char *name;
  const char *description; /* help paragraph(s) after the summary line */
  const UmkRpcArg *args;
  guint n_args;
  const char *result;   /* help's "Result:" section(s), preformatted, or NULL */
  const char *examples; /* help's "Examples:" lines, or NULL */
  UmkRpcHandler handler;
} UmkRpcMethod;

/* A method call as a handler sees it. */
struct _UmkRpcCall
{
  UmkRpcDispatcher *dispatcher;
  UmkNode *node;
  const UmkRpcMethod *method;
  JsonArray *params; /* positional arguments (named ones already placed) */
  const char *uri;   /* "/" or "/wallet/<name>" */
  const char *user;  /* the authenticated user */
  /* The request's objects that repeat a key, arguments included (see
   * umk_json_duplicates_members()); NULL when none does. */
  const UmkJsonDuplicates *dups;
};

/* The method tables (rpc-control.c, rpc-blockchain.c). */
extern const UmkRpcMethod umk_rpc_control_methods[];
extern const guint umk_rpc_n_control_methods;
extern const UmkRpcMethod umk_rpc_blockchain_methods[];
extern const guint umk_rpc_n_blockchain_methods;
extern const UmkRpcMethod umk_rpc_mempool_methods[];
extern const guint umk_rpc_n_mempool_methods;
extern const UmkRpcMethod umk_rpc_mining_methods[];
extern const guint umk_rpc_n_mining_methods;
extern const UmkRpcMethod umk_rpc_rawtx_methods[];
extern const guint umk_rpc_n_rawtx_methods;
extern const UmkRpcMethod umk_rpc_net_methods[];
extern const guint umk_rpc_n_net_methods;

/* ---- Argument access for handlers ---------------------------------------- */

/* Returns: argument i, or NULL when it was not given or is null. */
JsonNode *umk_rpc_param (const UmkRpcCall *call, guint i);
/* Core's UniValue getters on argument i (which must be given or have a
 * default in the method's table): FALSE with Core's -3 "JSON value of type X
 * is not of expected type Y" for the wrong type, -1 "JSON integer out of
 * range" for a number that is not an integer in range. The default from the
 * table is used when the argument is absent. */
gboolean umk_rpc_param_int (const UmkRpcCall *call, guint i, gint64 min, gint64 max, gint64 *out,
                            GError **error);
gboolean umk_rpc_param_bool (const UmkRpcCall *call, guint i, gboolean *out, GError **error);
/* Returns: the string (owned by the request), or NULL with the type error. */
const char *umk_rpc_param_str (const UmkRpcCall *call, guint i, GError **error);
/* Core's ParseHashV: a 64-digit hex hash, with Core's -8 messages naming it. */
gboolean umk_rpc_param_hash (const UmkRpcCall *call, guint i, const char *name, UmkUint256 *out,
                             GError **error);
/* Returns: Core's UniValue type name of a node ("null", "bool", "object",
 * "array", "string", "number"). */
const char *umk_rpc_type_name (JsonNode *node);

/* Core's CHECK_NONFATAL failure: -1 "Internal bug detected: <what>…". */
void umk_rpc_set_internal_bug (GError **error, const char *what, const char *file, int line,
                               const char *func);
#define UMK_RPC_INTERNAL_BUG(error, what) \
  umk_rpc_set_internal_bug ((error), (what), __FILE__, __LINE__, G_STRFUNC)

/* ---- The dispatcher ------------------------------------------------------ */

UmkRpcDispatcher *umk_rpc_dispatcher_new (UmkNode *node) G_GNUC_WARN_UNUSED_RESULT;
void umk_rpc_dispatcher_free (UmkRpcDispatcher *d);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkRpcDispatcher, umk_rpc_dispatcher_free)

/* Makes calls that wait (waitfornewblock, …) return now and from now on:
 * the server is stopping (Core's InterruptRPC). */
void umk_rpc_dispatcher_interrupt (UmkRpcDispatcher *d);
gboolean umk_rpc_dispatcher_interrupted (UmkRpcDispatcher *d);
/* Waits until the dispatcher is interrupted or timeout_us (microseconds,
 * monotonic; < 0 for ever) passes. Returns: TRUE when interrupted. */
gboolean umk_rpc_dispatcher_wait (UmkRpcDispatcher *d, gint64 timeout_us);

/* Who may call what (-rpcwhitelist), for one user. */
typedef struct
{
  gboolean restricted; /* the user has a whitelist, or -rpcwhitelistdefault applies */
  GHashTable *allowed; /* method names (NULL with restricted: nothing allowed) */
} UmkRpcWhitelist;

typedef struct
{
  guint status; /* UmkHttpStatus */
  char *body;   /* NULL for none */
  gsize len;
  gboolean json; /* Content-Type: application/json */
} UmkRpcReply;

void umk_rpc_reply_clear (UmkRpcReply *reply);

/* Answers one authenticated HTTP request body the way Core's HTTPReq_JSONRPC
 * does: a request object or a batch array, JSON-RPC 1.0 and 2.0, errors as
 * HTTP statuses for 1.0 and in the body for 2.0, notifications without a
 * body (204). Thread-safe. */
void umk_rpc_dispatcher_handle (UmkRpcDispatcher *d, const char *body, gsize len, const char *user,
                                const char *peer, const char *uri, const UmkRpcWhitelist *whitelist,
                                UmkRpcReply *reply);

/* Returns: the help text of one method (Core's RPCHelpMan::ToString), or
 * NULL for an unknown method. */
char *umk_rpc_dispatcher_method_help (UmkRpcDispatcher *d,
                                      const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: Core's `help` text: every method's summary line grouped by
 * category (command NULL or ""), or one method's help, or "help: unknown
 * command: <command>". */
char *umk_rpc_dispatcher_help (UmkRpcDispatcher *d, const char *command) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the names of every method, sorted (for tests and completion). */
GPtrArray *umk_rpc_dispatcher_list (UmkRpcDispatcher *d) G_GNUC_WARN_UNUSED_RESULT;

/* Writes help's undocumented dump_all_command_conversions answer: for every
 * method and argument name [method, position, name, passed as a string]. */
void umk_rpc_dispatcher_write_arg_map (UmkRpcDispatcher *d, UmkJsonWriter *w);

/* Writes getrpcinfo's active_commands array (the calls running now). */
void umk_rpc_dispatcher_write_active (UmkRpcDispatcher *d, UmkJsonWriter *w);

/* ---- Calls that do not come over HTTP, and the wallet process ------------- */

/* Runs one method call as an HTTP request for uri ("/" or "/wallet/<name>")
 * by user would run: the same argument checks and handlers, and methods the
 * node does not have go to the wallet forwarder. params is the JSON text of
 * an array (positional) or an object (named arguments); NULL or "" for none.
 * Returns: the result as JSON text (length in *len, which may be NULL), or
 * NULL with the RPC error (UMK_RPC_ERROR, Core's code and message). Runs on
 * the calling thread; thread-safe. */
char *umk_rpc_dispatcher_call (UmkRpcDispatcher *d, const char *method, const char *params,
                               const char *uri, const char *user, gsize *len,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* umk_rpc_dispatcher_call() for org.umkoin.Node1.ExecuteRpc: wallet names
 * the /wallet/<name> endpoint (NULL or "" for "/").
 * Returns: the JSON-RPC reply object as JSON text, {"result": …, "error":
 * null} or {"result": null, "error": {"code": n, "message": s}}. */
char *umk_rpc_dispatcher_execute_json (UmkRpcDispatcher *d, const char *method, const char *params,
                                       const char *wallet,
                                       const char *user) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: the wallet name a "/wallet/<name>" URI names, %XX sequences
 * decoded as Core's UrlDecode does; NULL for any other URI. */
char *umk_rpc_wallet_name_from_uri (const char *uri) G_GNUC_WARN_UNUSED_RESULT;

/* Runs a method the node does not have in the wallet process: params is the
 * request's arguments as JSON text ("" for none), wallet the endpoint's
 * wallet name (NULL for "/"). Returns: the result as JSON text, or NULL with
 * the RPC error (-32601 "Method not found" when no wallet process runs).
 * Called on RPC worker threads and IPC threads. */
typedef char *(*UmkRpcForwardFunc) (gpointer user, const char *method, const char *params,
                                    const char *wallet, gsize *len, GError **error);
/* Returns: the wallet process's help text for command (NULL or "" for its
 * == Wallet == list), or NULL when no wallet process answers. */
char *umk_rpc_wallet_help (const char *command) G_GNUC_WARN_UNUSED_RESULT;

/* Core's RPC warm-up, for every dispatcher of the process: while status is
 * set, every call answers -28 with it ("Loading wallet…"); NULL ends it. */
void umk_rpc_set_warmup (const char *status);

/* Installs the forwarder for every dispatcher of the process (node/wallet-
 * host.c); NULL removes it, after which such methods are "Method not found"
 * again. The caller keeps user alive until calls in flight have returned. */
void umk_rpc_set_wallet_forwarder (UmkRpcForwardFunc func, gpointer user);
