/* wallet.h — UmkWallet: one loaded wallet.
 *
 * A wallet owns its open store (wallet-store.h), knows the last block it
 * processed, and is the org.umkoin.Wallet1 object at
 * umk_ipc_wallet_object_path(name) on every connection the wallet process
 * serves (the loader exports it on each). It has no keys, scripts or
 * transactions yet: processing a block means checking it follows the last
 * one and moving the chain position; the next wallet issue matches the
 * transactions against the wallet's scripts here.
 *
 * Everything runs on the main thread.
 */
#pragma once

#include "common/block.h"
#include "common/uint256.h"
#include "umk-dbus.h"
#include "wallet/wallet-store.h"

#include <gio/gio.h>

G_BEGIN_DECLS

/* The best block is written to disk when a connected block's height is a
 * multiple of this (Core writes it every 144 blocks, about a day), and on
 * every disconnection, at the end of a catch-up and at unload. */
#define UMK_WALLET_BEST_BLOCK_WRITE_INTERVAL 144

/* Wallet1.BlockProcessed comes at most this often (milliseconds). */
#define UMK_WALLET_BLOCK_PROCESSED_INTERVAL_MS 200

/* getwalletinfo's walletversion: Core reports its last legacy version for
 * compatibility; descriptor wallets have no version of their own. */
#define UMK_WALLET_RPC_WALLETVERSION 169900

#define UMK_TYPE_WALLET (umk_wallet_get_type ())
G_DECLARE_FINAL_TYPE (UmkWallet, umk_wallet, UMK, WALLET, GObject)

/* Returns: a wallet named name ("" for the default wallet) on the open
 * store, which it takes over. */
UmkWallet *umk_wallet_new (const char *name, UmkWalletStore *store) G_GNUC_WARN_UNUSED_RESULT;

const char *umk_wallet_get_name (UmkWallet *self);
const char *umk_wallet_get_object_path (UmkWallet *self);
/* Returns: the store, or NULL once closed. */
UmkWalletStore *umk_wallet_get_store (UmkWallet *self);
guint64 umk_wallet_get_flags (UmkWallet *self);
/* The org.umkoin.Wallet1 skeleton (GetInfo is answered here; the loader
 * handles ExecuteRpc). Transfer: none. */
UmkWallet1 *umk_wallet_get_skeleton (UmkWallet *self);

/* Exports the Wallet1 object on connection (once per connection). */
gboolean umk_wallet_export (UmkWallet *self, GDBusConnection *connection, GError **error);
/* Removes the object from one connection (closing), or from all. */
void umk_wallet_unexport (UmkWallet *self, GDBusConnection *connection);
void umk_wallet_unexport_all (UmkWallet *self);

/* ---- Chain position ---------------------------------------------------------- */

/* The last processed block: height -1 and a zero hash before the first.
 * Out: height, hash (each may be NULL). */
void umk_wallet_get_last_block (UmkWallet *self, int *height, UmkUint256 *hash);

/* How a new position reaches the disk. */
typedef enum
{
  UMK_WALLET_WRITE_NEVER,    /* memory only (inside a catch-up) */
  UMK_WALLET_WRITE_PERIODIC, /* when height % UMK_WALLET_BEST_BLOCK_WRITE_INTERVAL == 0 */
  UMK_WALLET_WRITE_NOW,
} UmkWalletWrite;

/* Moves the chain position. A failed write is logged (the position in
 * memory moves anyway; the next write or the unload tries again). */
void umk_wallet_set_last_block (UmkWallet *self, int height, const UmkUint256 *hash,
                                UmkWalletWrite write);
/* Emits Wallet1.BlockProcessed with the current position: at once, or,
 * within UMK_WALLET_BLOCK_PROCESSED_INTERVAL_MS of the last one, when the
 * interval is over (with the position then). */
void umk_wallet_emit_block_processed (UmkWallet *self);

/* Processes block at height, which must follow the last processed block
 * (the caller checks): nothing in it can be the wallet's yet, so the
 * position moves to it. */
void umk_wallet_block_connected (UmkWallet *self, int height, const UmkBlock *block,
                                 UmkWalletWrite write);
/* Undoes block at height, which must be the last processed block: the
 * position moves to its parent and is written. */
void umk_wallet_block_disconnected (UmkWallet *self, int height, const UmkBlock *block);

/* A catch-up in progress (getwalletinfo's "scanning"). */
void umk_wallet_set_scanning (UmkWallet *self, gboolean scanning, double progress);
/* Returns: TRUE while scanning, with the seconds since it began and the
 * progress 0..1. Out: duration, progress (each may be NULL). */
gboolean umk_wallet_get_scanning (UmkWallet *self, gint64 *duration, double *progress);

/* ---- Description ---------------------------------------------------------------- */

/* Returns: Wallet1.GetInfo's dictionary (a floating a{sv}). */
GVariant *umk_wallet_get_info (UmkWallet *self);

/* Writes the position and closes the store (idempotent); the wallet stays
 * usable as a description. Returns: FALSE with error when the last write
 * failed (the store is closed anyway). */
gboolean umk_wallet_close (UmkWallet *self, GError **error);

G_END_DECLS
