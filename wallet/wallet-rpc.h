/* wallet-rpc.h — the wallet's JSON-RPC methods, as Umkoin Core v31 answers
 * them: createwallet, loadwallet, unloadwallet, listwallets, listwalletdir
 * and getwalletinfo (plus help for them).
 *
 * The node forwards a method it does not know to WalletLoader1.ExecuteRpc
 * (URI "/") or to a wallet's Wallet1.ExecuteRpc (URI /wallet/<name>); both
 * end here, with the wallet of the endpoint or NULL. Parameters come as the
 * JSON text of an array (positional) or an object (named, with Core's "args"
 * for positional ones in front), "" for none; they are checked as Core's
 * RPCHelpMan does (count, then types: -3 "Wrong type passed: ..."). The
 * reply is the JSON text {"result": …, "error": null} or {"result": null,
 * "error": {"code": n, "message": s}}.
 *
 * A wallet method at "/" runs on the only loaded wallet; with none it fails
 * with -18 "No wallet is loaded. …", with several with -19 "Multiple wallets
 * are loaded. …" (Core v31's text).
 */
#pragma once

#include "wallet/wallet-loader.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs method. endpoint_wallet: the wallet of the /wallet/<name> endpoint,
 * or NULL for "/". Completes on the main loop (at once for most methods;
 * createwallet and loadwallet after the wallet caught up with the chain). */
void umk_wallet_rpc_execute_async (UmkWalletLoaderService *loader, const char *endpoint_wallet,
                                   const char *method, const char *params,
                                   GAsyncReadyCallback callback, gpointer user_data);
/* Returns: the reply JSON text (never NULL). */
char *umk_wallet_rpc_execute_finish (GAsyncResult *result) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: TRUE when method is one of ours (help included). */
gboolean umk_wallet_rpc_has_method (const char *method);
/* Returns: the method names (NULL-terminated, static), sorted. */
const char *const *umk_wallet_rpc_method_names (void);
/* Returns: Core-style help of one method, or NULL for an unknown one. */
char *umk_wallet_rpc_method_help (const char *method) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
