/* rpc-util.h — what the node's and the wallet's RPC servers share, as Umkoin
 * Core's rpc/protocol.h and rpc/util.cpp (RPCHelpMan): the error codes, the
 * argument descriptions, named arguments placed by position, the argument
 * count and type checks, and the help text.
 *
 * Nothing here reads JSON: the node keeps its arguments as json-glib nodes
 * and the wallet as UmkValue (common/value.h), so each hands in what the
 * checks need (member names, Core's type names) and builds its own values.
 */
#pragma once

#include <glib.h>

/* ---- Codes (Core's rpc/protocol.h) ---------------------------------------- */

typedef enum
{
  UMK_RPC_INVALID_REQUEST = -32600,
  UMK_RPC_METHOD_NOT_FOUND = -32601,
  UMK_RPC_INVALID_PARAMS = -32602,
  UMK_RPC_INTERNAL_ERROR = -32603,
  UMK_RPC_PARSE_ERROR = -32700,
  UMK_RPC_MISC_ERROR = -1,
  UMK_RPC_TYPE_ERROR = -3,
  UMK_RPC_INVALID_ADDRESS_OR_KEY = -5,
  UMK_RPC_OUT_OF_MEMORY = -7,
  UMK_RPC_INVALID_PARAMETER = -8,
  UMK_RPC_DATABASE_ERROR = -20,
  UMK_RPC_DESERIALIZATION_ERROR = -22,
  UMK_RPC_IN_WARMUP = -28,
  UMK_RPC_VERIFY_ERROR = -25,
  UMK_RPC_VERIFY_REJECTED = -26,
  UMK_RPC_VERIFY_ALREADY_IN_CHAIN = -27,
  UMK_RPC_CLIENT_IN_INITIAL_DOWNLOAD = -10,
  UMK_RPC_METHOD_DEPRECATED = -32,
  UMK_RPC_CLIENT_NOT_CONNECTED = -9,
  UMK_RPC_CLIENT_NODE_ALREADY_ADDED = -23,
  UMK_RPC_CLIENT_NODE_NOT_ADDED = -24,
  UMK_RPC_CLIENT_NODE_NOT_CONNECTED = -29,
  UMK_RPC_CLIENT_INVALID_IP_OR_SUBNET = -30,
  UMK_RPC_CLIENT_P2P_DISABLED = -31,
  UMK_RPC_CLIENT_NODE_CAPACITY_REACHED = -34,
} UmkRpcErrorCode;

/* GError domain of RPC errors; the GError code is the JSON-RPC error code. */
#define UMK_RPC_ERROR (umk_rpc_error_quark ())
GQuark umk_rpc_error_quark (void);

/* Sets *error to an RPC error with Core's code and message. */
void umk_rpc_set_error (GError **error, int code, const char *fmt, ...) G_GNUC_PRINTF (3, 4);

/* ---- Argument descriptions ------------------------------------------------ */

/* Core's RPCArg::Type, which decides the type check and the help layout. */
typedef enum
{
  UMK_RPC_ARG_STR,
  UMK_RPC_ARG_STR_HEX,
  UMK_RPC_ARG_NUM,
  UMK_RPC_ARG_BOOL,
  UMK_RPC_ARG_ARR,
  UMK_RPC_ARG_OBJ,
  UMK_RPC_ARG_AMOUNT,        /* number or string, checked by the method */
  UMK_RPC_ARG_OBJ_USER_KEYS, /* an object whose keys the caller chooses */
} UmkRpcArgType;

/* Whether an argument may be left out, and what it is then. */
typedef enum
{
  UMK_RPC_ARG_REQUIRED, /* Core's Optional::NO */
  UMK_RPC_ARG_OMITTED,  /* Optional::OMITTED: no default */
  UMK_RPC_ARG_DEFAULT,  /* Default: fallback is the default as JSON text */
  UMK_RPC_ARG_HINT,     /* DefaultHint: fallback describes the default */
} UmkRpcArgFallback;

typedef enum
{
  UMK_RPC_ARG_SKIP_TYPE_CHECK = 1 << 0, /* the method checks the type itself */
  UMK_RPC_ARG_HIDDEN = 1 << 1,          /* left out of help (and so are the ones after it) */
} UmkRpcArgFlags;

typedef struct _UmkRpcArg UmkRpcArg;
struct _UmkRpcArg
{
  const char *names; /* "name" or "name|alias" for named parameters */
  UmkRpcArgType type;
  UmkRpcArgFallback fallback_kind;
  const char *fallback;
  const char *description;
  unsigned flags;         /* UmkRpcArgFlags */
  const UmkRpcArg *inner; /* an array's elements or an object's keys, for help */
  guint n_inner;          /* how many (0 with inner set means 1) */
  const char *oneline;    /* the summary line's text for it, instead of the derived one */
  const char *type_str;   /* the type as help names it, instead of the derived one */
};

/* Help's "Examples:" lines for a method: umkoin-cli arguments and the JSON
 * params text of a curl call. */
#define UMK_RPC_EXAMPLES(method, cli_args, rpc_args)                                      \
  "> umkoin-cli " method " " cli_args "\n"                                                \
  "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", " \
  "\"method\": \"" method "\", \"params\": [" rpc_args "]}' "                             \
  "-H 'content-type: application/json' http://127.0.0.1:6332/\n"

gboolean umk_rpc_arg_optional (const UmkRpcArg *arg);

/* ---- Checks (RPCHelpMan::HandleRequest, transformNamedArguments) ---------- */

/* Core's transformNamedArguments without the JSON. keys are the request
 * object's member names in order; positional_len the length of its "args"
 * member when that is an array, else -1. On success the positional array is
 * the "args" elements, then, for i from their count up to *n_out - 1, member
 * slots[i] of the object, or null where slots[i] < 0. slots has room for
 * n_args entries. Returns: FALSE with Core's -8 error for a parameter given
 * twice, both by name and by position, or unknown. */
gboolean umk_rpc_place_named (const UmkRpcArg *args, guint n_args, const char *const *keys,
                              guint n_keys, gint positional_len, gint *slots, guint *n_out,
                              GError **error);

/* RPCHelpMan::IsValidNumArgs: n arguments are neither too few nor too many. */
gboolean umk_rpc_valid_num_args (const UmkRpcArg *args, guint n_args, guint n);

/* RPCHelpMan::HandleRequest's type check. types[i] is Core's type name
 * ("null", "bool", "number", "string", "array", "object") of argument i;
 * arguments from n_given on were not given. Returns: FALSE with Core's -3
 * "Wrong type passed:" error listing every mismatch. */
gboolean umk_rpc_check_types (const UmkRpcArg *args, guint n_args, const char *const *types,
                              guint n_given, GError **error);

/* ---- Help (RPCHelpMan::ToString) ------------------------------------------- */

/* The summary line: name and arguments, optional ones in "( … )". */
void umk_rpc_help_append_oneline (GString *out, const char *name, const UmkRpcArg *args,
                                  guint n_args);
/* The summary line, the description and the "Arguments:" section: help up
 * to its "Result:" section. */
void umk_rpc_help_append_head (GString *out, const char *name, const char *description,
                               const UmkRpcArg *args, guint n_args);
/* Core's Sections::ToString: each left[i] padded to the widest plus four,
 * then right[i] (NULL for none), its further lines aligned with the first. */
void umk_rpc_help_append_sections (GString *out, const char *const *left, const char *const *right,
                                   guint n);
