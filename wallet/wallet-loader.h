/* wallet-loader.h — UmkWalletLoaderService: the set of loaded wallets and
 * org.umkoin.WalletLoader1.
 *
 * The service serves WalletLoader1 at UMK_IPC_WALLET_LOADER_PATH and each
 * loaded wallet's Wallet1 on every connection it is given: the one to the
 * node, and each socket the node hands over with AddConnection (on which the
 * wallet process is the authenticating side; the GUI is the client). A
 * connection that closes is forgotten.
 *
 * Wallet names and where they live (-walletdir, default <net
 * datadir>/wallets):
 * - a relative name is a folder below the wallet directory ("a", "a/b");
 * - an absolute name is that folder, anywhere (as Core allows);
 * - "" is the wallet directory itself, Core's unnamed default wallet: it
 *   can be loaded when one is there, never created ("Wallet name cannot be
 *   empty");
 * - a trailing "/" is ignored (the folder is the same; the name, and so the
 *   object path, stays as given);
 * - a name with a "." or ".." component, an empty component ("a//b"), only
 *   slashes, a NUL byte or invalid UTF-8 is refused, so no name leaves the
 *   wallet directory unless it says so by being absolute.
 *
 * Creating, loading and unloading go through the same functions whether they
 * come from JSON-RPC (wallet-rpc.c) or from the D-Bus methods, and emit
 * WalletLoaded / WalletUnloaded. With a chain client, a wallet is caught up
 * with the node's chain before it counts as loaded (Core's AttachChain).
 */
#pragma once

#include "common/args.h"
#include "wallet/chain-client.h"
#include "wallet/wallet.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define UMK_TYPE_WALLET_LOADER_SERVICE (umk_wallet_loader_service_get_type ())
G_DECLARE_FINAL_TYPE (UmkWalletLoaderService, umk_wallet_loader_service, UMK, WALLET_LOADER_SERVICE,
                      GObject)

/* Returns: a service for the wallets in walletdir (an existing directory).
 * In: args (may be NULL): where settings.json is, for load_on_startup;
 *     chain (may be NULL): the client that keeps wallets in step with the
 *     node (NULL: wallets do not follow a chain). */
UmkWalletLoaderService *
umk_wallet_loader_service_new (const char *walletdir, UmkArgs *args,
                               UmkChainClient *chain) G_GNUC_WARN_UNUSED_RESULT;

const char *umk_wallet_loader_service_get_wallet_dir (UmkWalletLoaderService *self);
UmkChainClient *umk_wallet_loader_service_get_chain (UmkWalletLoaderService *self);

/* Serves WalletLoader1 and the loaded wallets on connection, then starts its
 * message processing (our connections are made with it delayed). */
gboolean umk_wallet_loader_service_add_connection (UmkWalletLoaderService *self,
                                                   GDBusConnection *connection, GError **error);
guint umk_wallet_loader_service_get_n_connections (UmkWalletLoaderService *self);

/* ---- Wallets --------------------------------------------------------------------- */

/* Returns: the loaded wallets in load order (transfer none). */
GPtrArray *umk_wallet_loader_service_get_wallets (UmkWalletLoaderService *self);
/* Returns: the loaded wallet name, or NULL (transfer none). */
UmkWallet *umk_wallet_loader_service_get_wallet (UmkWalletLoaderService *self, const char *name);

/* Returns: the names of the wallets in the wallet directory (folders, at any
 * depth, holding a wallet.mdb; "" for the directory itself), sorted. */
char **
umk_wallet_loader_service_list_wallet_dir (UmkWalletLoaderService *self) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: the folder of wallet name, or NULL with UMK_WALLET_ERROR_FAILED for
 * a refused name (see above). */
char *umk_wallet_loader_service_wallet_path (UmkWalletLoaderService *self, const char *name,
                                             GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* load_on_startup: -1 leaves settings.json's "wallet" list alone, 0 removes
 * the name, 1 adds it. */
typedef struct
{
  guint64 flags;          /* UMK_WALLET_FLAG_* asked for (DESCRIPTORS is added) */
  const char *passphrase; /* NULL or "" for none; anything else is refused for now */
  int load_on_startup;
} UmkWalletCreateOptions;

/* Creates and loads wallet name. Errors (UMK_WALLET_ERROR, Core's codes and
 * texts): INVALID_PARAMETER "Wallet name cannot be empty"; FAILED for
 * everything else, as Core: a passphrase (encryption does not exist yet), a
 * refused name, an unusable path, a wallet already there ("Wallet file
 * verification failed. Failed to create database path '…'. Database already
 * exists."), a failed catch-up with the chain. */
void umk_wallet_loader_service_create_async (UmkWalletLoaderService *self, const char *name,
                                             const UmkWalletCreateOptions *options,
                                             GAsyncReadyCallback callback, gpointer user_data);
/* Returns: the wallet (transfer none; it is loaded), or NULL with error.
 * Out: warnings (NULL-terminated; may be NULL). */
UmkWallet *umk_wallet_loader_service_create_finish (UmkWalletLoaderService *self,
                                                    GAsyncResult *result, char ***warnings,
                                                    GError **error);

/* Loads the existing wallet name. Errors: ALREADY_LOADED ("Wallet \"x\" is
 * already loaded."), NOT_FOUND (no such wallet), FAILED (locked by another
 * process, damaged, a newer format, the chain). */
void umk_wallet_loader_service_load_async (UmkWalletLoaderService *self, const char *name,
                                           int load_on_startup, GAsyncReadyCallback callback,
                                           gpointer user_data);
UmkWallet *umk_wallet_loader_service_load_finish (UmkWalletLoaderService *self,
                                                  GAsyncResult *result, char ***warnings,
                                                  GError **error);

/* Writes wallet name out, stops following the chain for it, removes its
 * object from every connection and unloads it. Returns: FALSE with NOT_FOUND
 * when it is not loaded. Out: warnings (may be NULL). */
gboolean umk_wallet_loader_service_unload (UmkWalletLoaderService *self, const char *name,
                                           int load_on_startup, char ***warnings, GError **error);

/* Unloads every wallet, last loaded first, without touching settings.json
 * (shutdown), and cancels loads in progress. */
void umk_wallet_loader_service_unload_all (UmkWalletLoaderService *self);

/* Loads the start-up wallets as Core's VerifyWallets and LoadWallets do:
 * names (the -wallet list, settings.json's included; NULL when -wallet is not
 * set at all, which loads the unnamed wallet when the wallet directory holds
 * one). A duplicate is skipped with a warning, a missing wallet with the
 * warning "Skipping -wallet path that doesn't exist. ...", any other failure
 * ends the start-up with the error. */
void umk_wallet_loader_service_load_startup_async (UmkWalletLoaderService *self,
                                                   const char *const *names,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
gboolean umk_wallet_loader_service_load_startup_finish (UmkWalletLoaderService *self,
                                                        GAsyncResult *result, GError **error);

G_END_DECLS
