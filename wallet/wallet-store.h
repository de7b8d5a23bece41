/* wallet-store.h — one wallet's storage: a folder holding one LMDB
 * environment, the file wallet.mdb (0600; the folder 0700).
 *
 * What a wallet keeps today is its description and its place in the chain:
 *
 *   "format"    uint32 LE   layout version of the records (UMK_WALLET_STORE_FORMAT)
 *   "created"   int64 LE    creation time, UNIX seconds
 *   "flags"     uint64 LE   wallet flags, with Umkoin Core's bit values
 *   "bestblock" int32 LE height + 32-byte hash (internal byte order): the last
 *               block the wallet processed; absent before the first one
 *
 * Keys, scripts and transactions come with the next wallet issue, as new
 * records. A store is owned by one process at a time: opening takes an
 * exclusive lock (flock) on wallet.mdb, which a second process, or a second
 * open in this one, cannot get. LMDB's own lock file is not used (MDB_NOLOCK):
 * the process has one environment per wallet and uses it from one thread.
 *
 * Anything that is not such a store — a missing folder, a foreign or damaged
 * file, a record of the wrong size, a newer format — is refused with an error
 * whose text follows Umkoin Core's wording where Core has one.
 */
#pragma once

#include "common/uint256.h"

#include <glib.h>

#define UMK_WALLET_STORE_FILENAME "wallet.mdb"
/* The layout version this program writes and reads. */
#define UMK_WALLET_STORE_FORMAT 1
/* getwalletinfo's "format": the database the records live in. */
#define UMK_WALLET_STORE_FORMAT_NAME "lmdb"

/* Wallet flags, with Core's bit values (wallet/walletutil.h): a flag below
 * bit 32 that this program does not know is kept and tolerated, one from bit
 * 32 up means the wallet needs a newer program. */
#define UMK_WALLET_FLAG_AVOID_REUSE               (G_GUINT64_CONSTANT (1) << 0)
#define UMK_WALLET_FLAG_KEY_ORIGIN_METADATA       (G_GUINT64_CONSTANT (1) << 1)
#define UMK_WALLET_FLAG_LAST_HARDENED_XPUB_CACHED (G_GUINT64_CONSTANT (1) << 2)
#define UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS      (G_GUINT64_CONSTANT (1) << 32)
#define UMK_WALLET_FLAG_BLANK                     (G_GUINT64_CONSTANT (1) << 33)
#define UMK_WALLET_FLAG_DESCRIPTORS               (G_GUINT64_CONSTANT (1) << 34)
#define UMK_WALLET_FLAG_EXTERNAL_SIGNER           (G_GUINT64_CONSTANT (1) << 35)
#define UMK_WALLET_KNOWN_FLAGS                                                        \
  (UMK_WALLET_FLAG_AVOID_REUSE | UMK_WALLET_FLAG_KEY_ORIGIN_METADATA                  \
   | UMK_WALLET_FLAG_LAST_HARDENED_XPUB_CACHED | UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS \
   | UMK_WALLET_FLAG_BLANK | UMK_WALLET_FLAG_DESCRIPTORS | UMK_WALLET_FLAG_EXTERNAL_SIGNER)

/* Returns: Core's name of one flag bit ("avoid_reuse", "descriptor_wallet",
 * ...; getwalletinfo's "flags"), or NULL for an unknown bit. */
const char *umk_wallet_flag_name (guint64 flag);

/* Errors of the wallet process. The code is the JSON-RPC error code Umkoin
 * Core answers with, so that the RPC layer passes it on as it is. */
#define UMK_WALLET_ERROR (umk_wallet_error_quark ())
GQuark umk_wallet_error_quark (void);

typedef enum
{
  UMK_WALLET_ERROR_MISC = -1,              /* RPC_MISC_ERROR */
  UMK_WALLET_ERROR_FAILED = -4,            /* RPC_WALLET_ERROR */
  UMK_WALLET_ERROR_INVALID_PARAMETER = -8, /* RPC_INVALID_PARAMETER */
  UMK_WALLET_ERROR_NOT_FOUND = -18,        /* RPC_WALLET_NOT_FOUND */
  UMK_WALLET_ERROR_NOT_SPECIFIED = -19,    /* RPC_WALLET_NOT_SPECIFIED */
  UMK_WALLET_ERROR_ALREADY_LOADED = -35,   /* RPC_WALLET_ALREADY_LOADED */
  UMK_WALLET_ERROR_ALREADY_EXISTS = -36,   /* RPC_WALLET_ALREADY_EXISTS */
} UmkWalletErrorCode;

typedef struct _UmkWalletStore UmkWalletStore;

/* Returns: TRUE when dir holds a file wallet.mdb that starts like an LMDB
 * environment (what listwalletdir lists and loadwallet tries). */
gboolean umk_wallet_store_exists (const char *dir);

/* Creates the store in dir (made 0700 with its parents when missing; an
 * existing empty folder is fine) with the given flags and creation time.
 * Returns: the open, locked store, or NULL with UMK_WALLET_ERROR_ALREADY_EXISTS
 * ("Failed to create database path '<dir>'. Database already exists.") when a
 * wallet.mdb is there, UMK_WALLET_ERROR_FAILED for anything else. Nothing
 * created stays behind on failure. */
UmkWalletStore *umk_wallet_store_create (const char *dir, guint64 flags, gint64 creation_time,
                                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Opens and locks the store in dir and reads its records.
 * Returns: the store, or NULL with UMK_WALLET_ERROR_NOT_FOUND ("Failed to load
 * database path '<dir>'. Path does not exist." / "... Data is not in
 * recognized format."), or UMK_WALLET_ERROR_FAILED: locked by another owner,
 * an LMDB error, a missing or malformed record ("Error loading <file>: Wallet
 * corrupted"), a newer format or an unknown mandatory flag ("Error loading
 * <file>: Wallet requires newer version of umkoin-wallet"). */
UmkWalletStore *umk_wallet_store_open (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Syncs, unlocks and frees (NULL is fine). */
void umk_wallet_store_close (UmkWalletStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkWalletStore, umk_wallet_store_close)

const char *umk_wallet_store_get_dir (const UmkWalletStore *store);
/* The path of wallet.mdb. */
const char *umk_wallet_store_get_file (const UmkWalletStore *store);
guint32 umk_wallet_store_get_format (const UmkWalletStore *store);
gint64 umk_wallet_store_get_creation_time (const UmkWalletStore *store);
guint64 umk_wallet_store_get_flags (const UmkWalletStore *store);

/* The last processed block as stored: *height -1 and a zero hash when none
 * was written yet. Out: height, hash (each may be NULL). */
void umk_wallet_store_get_best_block (const UmkWalletStore *store, int *height, UmkUint256 *hash);
/* Writes the last processed block (height >= -1; -1 removes the record) and
 * syncs it to disk. Returns: FALSE with UMK_WALLET_ERROR_FAILED. */
gboolean umk_wallet_store_write_best_block (UmkWalletStore *store, int height,
                                            const UmkUint256 *hash, GError **error);
