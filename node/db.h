/* db.h — the node's one LMDB environment: block index, UTXO set, chain
 * metadata, block file statistics and the optional transaction index.
 *
 * Everything the chainstate must keep consistent lives in one environment so
 * that one write transaction can move the UTXO set, its best-block marker and
 * the block index entries it depends on together: after a crash the database
 * is at the last commit, never between two.
 *
 * The environment is opened with MDB_NOMETASYNC: a commit writes and syncs the
 * data pages; the meta page is synced by the next commit or by umk_db_sync().
 * A power loss can therefore undo the last commit but never break the
 * database, and a killed process loses nothing that was committed.
 */
#pragma once

#include <glib.h>
#include <lmdb.h>
#include <stdbool.h>

typedef struct
{
  MDB_env *env;
  MDB_dbi index;   /* block hash (32) -> block index record */
  MDB_dbi coins;   /* txid (32) + output index (4, big-endian) -> coin */
  MDB_dbi meta;    /* short ASCII keys -> values (best block, flags) */
  MDB_dbi files;   /* blk file number (4, big-endian) -> block file info */
  MDB_dbi txindex; /* txid (32) -> file, block position, offset in block */
  char *path;
} UmkDb;

/* Opens (creating) the environment in the folder path. wipe_chainstate
 * empties the UTXO set and the chain metadata (-reindex-chainstate); wipe_all
 * also the block index and file statistics (-reindex). */
UmkDb *umk_db_open (const char *path, gboolean wipe_all, gboolean wipe_chainstate,
                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_db_close (UmkDb *db);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkDb, umk_db_close)

/* Forces everything committed so far to disk. */
gboolean umk_db_sync (UmkDb *db, GError **error);

/* Sets *error from an LMDB return code: "<what>: <mdb_strerror>". Returns FALSE. */
gboolean umk_db_error (GError **error, int rc, const char *what);

/* Begins a transaction (read-only with rdonly). */
MDB_txn *umk_db_begin (UmkDb *db, gboolean rdonly, GError **error);

/* Commits txn. Returns: FALSE with error (the transaction is gone either way). */
gboolean umk_db_commit (MDB_txn *txn, GError **error);

/* Small helpers on an open transaction. Return: FALSE with error on failure. */
gboolean umk_db_put (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, const void *val,
                     size_t vlen, GError **error);
/* Deleting a key that does not exist is not an error. */
gboolean umk_db_del (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, GError **error);
/* Returns: 1 found (*val points into the map until the transaction ends), 0
 * not found, -1 error. */
int umk_db_get (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, MDB_val *val,
                GError **error);

/* Meta keys. */
#define UMK_DB_META_BEST_BLOCK "best_block" /* hash the UTXO set is at */
#define UMK_DB_META_REINDEXING "reindexing" /* present while a -reindex runs */
#define UMK_DB_META_LAST_FILE  "last_file"  /* highest blk file number in use */
#define UMK_DB_META_TXINDEX    "txindex"    /* hash the transaction index is at */
#define UMK_DB_META_PRUNED     "pruned"     /* present once a block file was removed */
#define UMK_DB_META_FORMAT     "format"     /* this database's layout version */
