/* rpc-convert.h — turning command-line words into JSON-RPC parameters.
 *
 * The node's methods take numbers, booleans, arrays and objects, but the
 * shell gives only strings. A table lists, per method, which parameters (by
 * position and by name) the client parses as JSON before sending; every other
 * word goes as a JSON string. The table follows Umkoin Core v31's client, so
 * that the same command line sends the same request. umkoin-cli and the
 * GUI's console both use it, so that a command means the same in either.
 */
#pragma once

#include "common/value.h"

#include <glib.h>

/* Returns: a JSON array of args[0..n) converted for method (Core's
 * RPCConvertValues), or NULL with error (UMK_ERROR_INVALID) "Error parsing JSON: <word>" when a
 * JSON parameter does not parse. */
UmkValue *umk_rpc_convert_positional (const char *method, const char *const *args, gsize n,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: a JSON object for -named (Core's RPCConvertNamedValues): "name=value"
 * words become members (a later name replaces an earlier one), other words
 * are collected in order into an "args" member added at the end; a word with
 * '=' whose name the method does not know counts as positional when the next
 * positional parameter wants a string, or wants JSON and the whole word parses.
 * NULL with error as umk_rpc_convert_positional(). */
UmkValue *umk_rpc_convert_named (const char *method, const char *const *args, gsize n,
                                 GError **error) G_GNUC_WARN_UNUSED_RESULT;
