/* db.c — the LMDB environment. */
#define G_LOG_DOMAIN "umk-db"
#include "config.h"

#include "node/db.h"

#include "common/error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <string.h>

/* The layout of the records; a database written with another one is refused
 * rather than misread. */
#define DB_FORMAT 1

/* The address space reserved for the map. LMDB grows the file as it is used;
 * the reservation only has to be larger than the database will ever get
 * (mainnet's UTXO set and block index with -txindex fit in far less). */
#define DB_MAP_SIZE ((size_t) 1 << 40)

gboolean
umk_db_error (GError **error, int rc, const char *what)
{
  g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "%s: %s", what, mdb_strerror (rc));
  return FALSE;
}

MDB_txn *
umk_db_begin (UmkDb *db, gboolean rdonly, GError **error)
{
  MDB_txn *txn = NULL;
  int rc = mdb_txn_begin (db->env, NULL, rdonly ? MDB_RDONLY : 0, &txn);
  if (rc != 0)
    {
      umk_db_error (error, rc, "Cannot begin a database transaction");
      return NULL;
    }
  return txn;
}

gboolean
umk_db_commit (MDB_txn *txn, GError **error)
{
  int rc = mdb_txn_commit (txn);
  if (rc != 0)
    return umk_db_error (error, rc, "Cannot write to the database");
  return TRUE;
}

gboolean
umk_db_put (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, const void *val, size_t vlen,
            GError **error)
{
  MDB_val k = { klen, (void *) key }, v = { vlen, (void *) val };
  int rc = mdb_put (txn, dbi, &k, &v, 0);
  if (rc != 0)
    return umk_db_error (error, rc, "Cannot write to the database");
  return TRUE;
}

gboolean
umk_db_del (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, GError **error)
{
  MDB_val k = { klen, (void *) key };
  int rc = mdb_del (txn, dbi, &k, NULL);
  if (rc != 0 && rc != MDB_NOTFOUND)
    return umk_db_error (error, rc, "Cannot write to the database");
  return TRUE;
}

int
umk_db_get (MDB_txn *txn, MDB_dbi dbi, const void *key, size_t klen, MDB_val *val, GError **error)
{
  MDB_val k = { klen, (void *) key };
  int rc = mdb_get (txn, dbi, &k, val);
  if (rc == MDB_NOTFOUND)
    return 0;
  if (rc != 0)
    {
      umk_db_error (error, rc, "Cannot read the database");
      return -1;
    }
  return 1;
}

static gboolean
open_dbi (MDB_txn *txn, const char *name, gboolean wipe, MDB_dbi *out, GError **error)
{
  int rc = mdb_dbi_open (txn, name, MDB_CREATE, out);
  if (rc != 0)
    return umk_db_error (error, rc, "Cannot open the database");
  if (wipe)
    {
      rc = mdb_drop (txn, *out, 0);
      if (rc != 0)
        return umk_db_error (error, rc, "Cannot empty the database");
    }
  return TRUE;
}

UmkDb *
umk_db_open (const char *path, gboolean wipe_all, gboolean wipe_chainstate, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot create %s: %s", path,
                   g_strerror (e));
      return NULL;
    }
  g_autoptr (UmkDb) db = g_new0 (UmkDb, 1);
  db->path = g_strdup (path);
  int rc = mdb_env_create (&db->env);
  if (rc != 0)
    {
      db->env = NULL;
      umk_db_error (error, rc, "Cannot create the database environment");
      return NULL;
    }
  mdb_env_set_maxdbs (db->env, 8);
  mdb_env_set_mapsize (db->env, DB_MAP_SIZE);
  /* Worker threads read through their own transactions; MDB_NOTLS ties a
   * read slot to the transaction, not to the thread. */
  rc = mdb_env_open (db->env, path, MDB_NOTLS | MDB_NOMETASYNC, 0600);
  if (rc != 0)
    {
      g_autofree char *what = g_strdup_printf ("Cannot open the database in %s", path);
      umk_db_error (error, rc, what);
      return NULL;
    }
  MDB_txn *txn = umk_db_begin (db, FALSE, error);
  if (txn == NULL)
    return NULL;
  gboolean wipe_cs = wipe_all || wipe_chainstate;
  if (!open_dbi (txn, "index", wipe_all, &db->index, error)
      || !open_dbi (txn, "coins", wipe_cs, &db->coins, error)
      || !open_dbi (txn, "meta", wipe_all, &db->meta, error)
      || !open_dbi (txn, "files", wipe_all, &db->files, error)
      || !open_dbi (txn, "txindex", wipe_cs, &db->txindex, error))
    {
      mdb_txn_abort (txn);
      return NULL;
    }
  /* The block storage's own keys survive -reindex-chainstate. */
  if (wipe_cs
      && (!umk_db_del (txn, db->meta, UMK_DB_META_BEST_BLOCK, strlen (UMK_DB_META_BEST_BLOCK),
                       error)
          || !umk_db_del (txn, db->meta, UMK_DB_META_TXINDEX, strlen (UMK_DB_META_TXINDEX), error)))
    {
      mdb_txn_abort (txn);
      return NULL;
    }
  MDB_val v;
  int found
      = umk_db_get (txn, db->meta, UMK_DB_META_FORMAT, strlen (UMK_DB_META_FORMAT), &v, error);
  if (found < 0)
    {
      mdb_txn_abort (txn);
      return NULL;
    }
  uint8_t format = DB_FORMAT;
  if (found == 1 && (v.mv_size != 1 || *(const uint8_t *) v.mv_data != DB_FORMAT))
    {
      mdb_txn_abort (txn);
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "The database in %s has an unknown format; start with -reindex to rebuild it",
                   path);
      return NULL;
    }
  if (found == 0
      && !umk_db_put (txn, db->meta, UMK_DB_META_FORMAT, strlen (UMK_DB_META_FORMAT), &format, 1,
                      error))
    {
      mdb_txn_abort (txn);
      return NULL;
    }
  if (!umk_db_commit (txn, error))
    return NULL;
  return g_steal_pointer (&db);
}

gboolean
umk_db_sync (UmkDb *db, GError **error)
{
  int rc = mdb_env_sync (db->env, 1);
  if (rc != 0)
    return umk_db_error (error, rc, "Cannot sync the database");
  return TRUE;
}

void
umk_db_close (UmkDb *db)
{
  if (db == NULL)
    return;
  if (db->env != NULL)
    {
      mdb_env_sync (db->env, 1);
      mdb_env_close (db->env);
    }
  g_free (db->path);
  g_free (db);
}
