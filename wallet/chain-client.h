/* chain-client.h — UmkChainClient: following the node's chain through
 * org.umkoin.Chain1, for every loaded wallet.
 *
 * The client lives on the connection to the node. It subscribes to
 * BlockConnected, BlockDisconnected, TransactionAddedToMempool and
 * TransactionRemovedFromMempool, and keeps each attached wallet's last
 * processed block in step with the node's active chain:
 *
 * - Attaching catches a wallet up first: FindFork of its stored block (a
 *   reorganisation while it was away rewinds it to the fork), then
 *   GetBlockHash and GetBlock for each height up to GetTip, each block parsed
 *   and checked to follow the previous one. A wallet that never processed a
 *   block (new) starts at the tip: there is nothing before its birth to find.
 * - A BlockConnected on top of the wallet's block moves it forward, a
 *   BlockDisconnected of its block moves it back to the parent; anything
 *   else (a gap, a block the wallet did not see) starts the same catch-up,
 *   so a wallet never skips a block. Wallet1.BlockProcessed follows each
 *   move.
 * - Mempool signals are counted and logged (-debug=walletdb): an empty
 *   wallet has no transactions to match them against.
 *
 * The calls are asynchronous: the main loop, and with it every other
 * connection, keeps running during a long catch-up.
 *
 * Chain1's byte arrays ("ay") are read from the raw messages, not through
 * the generated proxy, whose default C mapping of "ay" is a NUL-terminated
 * string that would cut a block at its first zero byte.
 */
#pragma once

#include "wallet/wallet.h"

#include <gio/gio.h>

G_BEGIN_DECLS

#define UMK_TYPE_CHAIN_CLIENT (umk_chain_client_get_type ())
G_DECLARE_FINAL_TYPE (UmkChainClient, umk_chain_client, UMK, CHAIN_CLIENT, GObject)

/* Returns: a client of the Chain1 object on connection (the node's side),
 * subscribed to its signals. */
UmkChainClient *umk_chain_client_new (GDBusConnection *connection) G_GNUC_WARN_UNUSED_RESULT;

GDBusConnection *umk_chain_client_get_connection (UmkChainClient *self);

/* Starts following wallet and catches it up to the node's tip; callback
 * runs when it is (or failed: the wallet is then not followed). new_wallet:
 * the wallet was just created and starts at the tip. */
void umk_chain_client_attach_async (UmkChainClient *self, UmkWallet *wallet, gboolean new_wallet,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean umk_chain_client_attach_finish (UmkChainClient *self, GAsyncResult *result,
                                         GError **error);

/* Stops following wallet (a catch-up in progress is cancelled). */
void umk_chain_client_detach (UmkChainClient *self, UmkWallet *wallet);
gboolean umk_chain_client_is_attached (UmkChainClient *self, UmkWallet *wallet);

/* Returns: TRUE while no catch-up of any wallet runs (tests wait for it). */
gboolean umk_chain_client_is_idle (UmkChainClient *self);

/* Mempool signals seen since the client started. Out: added, removed (may be NULL). */
void umk_chain_client_get_mempool_counts (UmkChainClient *self, guint64 *added, guint64 *removed);

G_END_DECLS
