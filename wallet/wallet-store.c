/* wallet-store.c — one wallet's LMDB environment.
 *
 * LMDB trusts its file: it maps it and follows the page numbers and offsets
 * it finds there, so a damaged page can make it read past the end of the
 * file (SIGBUS) or of the map. A wallet file must never crash the process,
 * so before LMDB sees a file, check_lmdb_file() walks the pages LMDB will
 * use — the meta page it picks, the free-page tree and the main tree, every
 * node and overflow run — and refuses anything out of bounds. The walk reads
 * LMDB's on-disk format, version 1 (lmdb/mdb.c of LMDB 0.9: MDB_page,
 * MDB_node, MDB_meta, MDB_db on a 64-bit little-endian host); the records
 * are then read through LMDB with their sizes checked. */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/wallet-store.h"

#include "common/logging.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <lmdb.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

G_DEFINE_QUARK (umk - wallet - error - quark, umk_wallet_error)

/* Address space reserved for the map; the file grows only as it is used. */
#define STORE_MAP_SIZE ((size_t) 1 << 32)

#define KEY_FORMAT     "format"
#define KEY_CREATED    "created"
#define KEY_FLAGS      "flags"
#define KEY_BEST_BLOCK "bestblock"

/* LMDB's file layout (lmdb/mdb.c): a page header of 16 bytes, then the meta
 * record: magic, version, address, map size, and two database records of 48
 * bytes, the first of which keeps the page size in its first field. */
#define LMDB_META_OFFSET  16
#define LMDB_MAGIC        0xBEEFC0DEu
#define LMDB_DATA_VERSION 1u
#define LMDB_PSIZE_OFFSET (LMDB_META_OFFSET + 4 + 4 + 8 + 8)
#define LMDB_MIN_PSIZE    512u
#define LMDB_MAX_PSIZE    65536u

struct _UmkWalletStore
{
  char *dir;
  char *file;
  int lock_fd; /* wallet.mdb, holding the flock */
  MDB_env *env;
  MDB_dbi dbi;
  guint32 format;
  gint64 created;
  guint64 flags;
  int best_height;
  UmkUint256 best_hash;
};

static const struct
{
  guint64 flag;
  const char *name;
} flag_names[] = {
  { UMK_WALLET_FLAG_AVOID_REUSE, "avoid_reuse" },
  { UMK_WALLET_FLAG_KEY_ORIGIN_METADATA, "key_origin_metadata" },
  { UMK_WALLET_FLAG_LAST_HARDENED_XPUB_CACHED, "last_hardened_xpub_cached" },
  { UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS, "disable_private_keys" },
  { UMK_WALLET_FLAG_BLANK, "blank" },
  { UMK_WALLET_FLAG_DESCRIPTORS, "descriptor_wallet" },
  { UMK_WALLET_FLAG_EXTERNAL_SIGNER, "external_signer" },
};

const char *
umk_wallet_flag_name (guint64 flag)
{
  for (gsize i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (flag_names[i].flag == flag)
      return flag_names[i].name;
  return NULL;
}

/* ---- Little-endian records ------------------------------------------------ */

static void
put_le (guint8 *out, guint64 v, gsize n)
{
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (v >> (8 * i));
}

static guint64
get_le (const guint8 *in, gsize n)
{
  guint64 v = 0;
  for (gsize i = 0; i < n; i++)
    v |= (guint64) in[i] << (8 * i);
  return v;
}

/* ---- Recognising the file --------------------------------------------------- */

/* Reads the start of an LMDB file and checks what LMDB relies on before it
 * maps the file. Out: psize. Returns: FALSE when it is not such a file. */
static gboolean
read_lmdb_header (int fd, guint32 *psize, goffset *size)
{
  struct stat st;
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    return FALSE;
  guint8 head[LMDB_PSIZE_OFFSET + 4];
  if (pread (fd, head, sizeof head, 0) != (ssize_t) sizeof head)
    return FALSE;
  if (get_le (head + LMDB_META_OFFSET, 4) != LMDB_MAGIC
      || get_le (head + LMDB_META_OFFSET + 4, 4) != LMDB_DATA_VERSION)
    return FALSE;
  guint32 ps = (guint32) get_le (head + LMDB_PSIZE_OFFSET, 4);
  if (ps < LMDB_MIN_PSIZE || ps > LMDB_MAX_PSIZE || (ps & (ps - 1)) != 0)
    return FALSE;
  /* Two meta pages at least. */
  if (st.st_size < 2 * (goffset) ps)
    return FALSE;
  *psize = ps;
  *size = st.st_size;
  return TRUE;
}

gboolean
umk_wallet_store_exists (const char *dir)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  g_autofree char *file = g_build_filename (dir, UMK_WALLET_STORE_FILENAME, NULL);
  int fd = open (file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return FALSE;
  guint32 psize;
  goffset size;
  gboolean ok = read_lmdb_header (fd, &psize, &size);
  close (fd);
  return ok;
}

/* ---- Checking LMDB's pages -------------------------------------------------------- */

/* LMDB 0.9's layout: a page header (pgno 8, pad 2, flags 2, lower 2,
 * upper 2 — or an overflow run's page count 4 in their place), then either
 * the meta record or the node offsets; a node is lo 2, hi 2, flags 2, key
 * size 2, then the key and the data (or an overflow page number, or for a
 * branch the child's page number in lo, hi, flags). */
#define PAGE_HDR     16
#define NODE_HDR     8
#define P_BRANCH     0x01
#define P_LEAF       0x02
#define P_OVERFLOW   0x04
#define F_BIGDATA    0x01
#define MAX_DEPTH    32
#define META_FREE_DB (LMDB_META_OFFSET + 24)
#define META_MAIN_DB (META_FREE_DB + 48)
#define META_LAST_PG (META_MAIN_DB + 48)
#define META_TXNID   (META_LAST_PG + 8)
#define DB_FLAGS     4
#define DB_DEPTH     6
#define DB_ROOT      40
#define INVALID_PGNO G_MAXUINT64

typedef struct
{
  int fd;
  guint32 psize;
  guint64 npages;  /* pages in the file */
  guint64 last_pg; /* the meta page's last used page */
  guint8 *page;    /* one page, reused */
  guint8 *seen;    /* a bit per page */
} Check;

static gboolean
read_page (Check *c, guint64 pgno)
{
  if (pgno > c->last_pg || pgno >= c->npages || pgno < 2)
    return FALSE;
  return pread (c->fd, c->page, c->psize, (off_t) (pgno * c->psize)) == (ssize_t) c->psize
         && get_le (c->page, 8) == pgno;
}

/* Marks pages [pgno, pgno + n) used; FALSE when one already was (a cycle or
 * two trees sharing a page). */
static gboolean
mark_pages (Check *c, guint64 pgno, guint64 n)
{
  if (n == 0 || pgno + n > c->npages || pgno + n - 1 > c->last_pg)
    return FALSE;
  for (guint64 p = pgno; p < pgno + n; p++)
    {
      if (c->seen[p / 8] & (1u << (p % 8)))
        return FALSE;
      c->seen[p / 8] |= (guint8) (1u << (p % 8));
    }
  return TRUE;
}

/* A value in an overflow run: its first page, and enough pages for len. */
static gboolean
check_overflow (Check *c, guint64 pgno, guint64 len, gboolean free_list)
{
  if (!read_page (c, pgno) || (get_le (c->page + 10, 2) & P_OVERFLOW) == 0)
    return FALSE;
  guint64 pages = get_le (c->page + 12, 4);
  if (pages == 0 || len > pages * c->psize - PAGE_HDR || !mark_pages (c, pgno, pages))
    return FALSE;
  if (free_list)
    {
      /* A free-page list: a count, then that many page numbers, which
       * LMDB reuses for writing. */
      g_autofree guint8 *data = g_malloc (len);
      if (pread (c->fd, data, len, (off_t) (pgno * c->psize + PAGE_HDR)) != (ssize_t) len
          || len < 8)
        return FALSE;
      guint64 n = get_le (data, 8);
      if (n > len / 8 - 1)
        return FALSE;
      for (guint64 i = 1; i <= n; i++)
        if (get_le (data + 8 * i, 8) > c->last_pg)
          return FALSE;
    }
  return TRUE;
}

static gboolean
check_tree (Check *c, guint64 pgno, guint depth, guint want_depth, gboolean free_list)
{
  if (depth > want_depth || !read_page (c, pgno) || !mark_pages (c, pgno, 1))
    return FALSE;
  guint flags = (guint) get_le (c->page + 10, 2);
  guint lower = (guint) get_le (c->page + 12, 2), upper = (guint) get_le (c->page + 14, 2);
  gboolean branch = flags == P_BRANCH, leaf = flags == P_LEAF;
  if ((!branch && !leaf) || (branch && depth == want_depth) || (leaf && depth != want_depth)
      || lower < PAGE_HDR || (lower - PAGE_HDR) % 2 != 0 || lower > upper || upper > c->psize)
    return FALSE;
  guint n = (lower - PAGE_HDR) / 2;
  if (branch && n == 0)
    return FALSE;
  /* The page is reused by the recursion: collect what it points to first. */
  g_autofree guint64 *children = g_new0 (guint64, MAX (n, 1));
  g_autofree guint64 *lens = g_new0 (guint64, MAX (n, 1));
  guint n_children = 0, n_overflow = 0;
  for (guint i = 0; i < n; i++)
    {
      guint off = (guint) get_le (c->page + PAGE_HDR + 2 * i, 2);
      if (off < upper || off + NODE_HDR > c->psize)
        return FALSE;
      const guint8 *node = c->page + off;
      guint64 lo = get_le (node, 2), hi = get_le (node + 2, 2), nflags = get_le (node + 4, 2);
      guint64 ksize = get_le (node + 6, 2);
      if (off + NODE_HDR + ksize > c->psize)
        return FALSE;
      if (branch)
        {
          children[n_children++] = lo | (hi << 16) | (nflags << 32);
          continue;
        }
      guint64 dsize = lo | (hi << 16);
      if (nflags == F_BIGDATA)
        {
          if (off + NODE_HDR + ksize + 8 > c->psize)
            return FALSE;
          lens[n_overflow] = dsize;
          children[n_overflow++] = get_le (node + NODE_HDR + ksize, 8);
        }
      else if (nflags != 0 || off + NODE_HDR + ksize + dsize > c->psize)
        return FALSE; /* no sub-databases or duplicates in our trees */
      else if (free_list)
        {
          const guint8 *data = node + NODE_HDR + ksize;
          if (dsize < 8 || get_le (data, 8) > dsize / 8 - 1)
            return FALSE;
          for (guint64 k = 1; k <= get_le (data, 8); k++)
            if (get_le (data + 8 * k, 8) > c->last_pg)
              return FALSE;
        }
    }
  if (branch)
    {
      for (guint i = 0; i < n_children; i++)
        if (!check_tree (c, children[i], depth + 1, want_depth, free_list))
          return FALSE;
      return TRUE;
    }
  for (guint i = 0; i < n_overflow; i++)
    if (!check_overflow (c, children[i], lens[i], free_list))
      return FALSE;
  return TRUE;
}

static gboolean
check_db (Check *c, const guint8 *meta, guint offset, gboolean free_list)
{
  guint64 root = get_le (meta + offset + DB_ROOT, 8);
  guint depth = (guint) get_le (meta + offset + DB_DEPTH, 2);
  if (root == INVALID_PGNO)
    return depth == 0;
  /* The main database is ours: opened without flags. */
  if (!free_list && get_le (meta + offset + DB_FLAGS, 2) != 0)
    return FALSE;
  return depth >= 1 && depth <= MAX_DEPTH && check_tree (c, root, 1, depth, free_list);
}

/* Walks the file as LMDB would read it. Returns: TRUE when every page LMDB
 * can reach is inside the file and well formed. */
static gboolean
check_lmdb_file (int fd, guint32 psize, goffset size)
{
  guint8 metas[2][META_TXNID + 8];
  for (int i = 0; i < 2; i++)
    if (pread (fd, metas[i], sizeof metas[i], (off_t) i * psize) != (ssize_t) sizeof metas[i]
        || get_le (metas[i] + LMDB_META_OFFSET, 4) != LMDB_MAGIC
        || get_le (metas[i] + LMDB_META_OFFSET + 4, 4) != LMDB_DATA_VERSION)
      return FALSE;
  /* LMDB uses the meta page of the later transaction (mdb_env_pick_meta). */
  const guint8 *meta
      = metas[get_le (metas[0] + META_TXNID, 8) < get_le (metas[1] + META_TXNID, 8) ? 1 : 0];
  if (get_le (meta + LMDB_PSIZE_OFFSET, 4) != psize)
    return FALSE;
  Check c = { fd, psize, (guint64) size / psize, get_le (meta + META_LAST_PG, 8), NULL, NULL };
  if (c.last_pg < 1 || c.last_pg >= c.npages)
    return FALSE;
  c.page = g_malloc (psize);
  c.seen = g_malloc0 (c.npages / 8 + 1);
  gboolean ok = check_db (&c, meta, META_FREE_DB, TRUE) && check_db (&c, meta, META_MAIN_DB, FALSE);
  g_free (c.page);
  g_free (c.seen);
  return ok;
}

/* ---- Opening ------------------------------------------------------------------ */

static gboolean
set_mdb_error (GError **error, int rc, const char *file)
{
  g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Error loading %s: %s", file,
               mdb_strerror (rc));
  return FALSE;
}

static gboolean
set_corrupt (GError **error, const char *file, const char *what)
{
  UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "%s: %s", file, what);
  g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
               "Error loading %s: Wallet corrupted", file);
  return FALSE;
}

static UmkWalletStore *
store_new (const char *dir)
{
  UmkWalletStore *s = g_new0 (UmkWalletStore, 1);
  s->dir = g_strdup (dir);
  s->file = g_build_filename (dir, UMK_WALLET_STORE_FILENAME, NULL);
  s->lock_fd = -1;
  s->best_height = -1;
  return s;
}

/* Takes the exclusive lock on the open file. */
static gboolean
take_lock (UmkWalletStore *s, GError **error)
{
  if (flock (s->lock_fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;
  int e = errno;
  if (e == EWOULDBLOCK)
    g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                 "Unable to obtain an exclusive lock on the wallet database %s, is it being used "
                 "by another instance of umkoin-wallet?",
                 s->file);
  else
    g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Cannot lock %s: %s", s->file,
                 g_strerror (e));
  return FALSE;
}

/* Opens the LMDB environment on the locked file and the main database. */
static gboolean
open_env (UmkWalletStore *s, GError **error)
{
  int rc = mdb_env_create (&s->env);
  if (rc != 0)
    {
      s->env = NULL;
      return set_mdb_error (error, rc, s->file);
    }
  mdb_env_set_mapsize (s->env, STORE_MAP_SIZE);
  rc = mdb_env_open (s->env, s->file, MDB_NOSUBDIR | MDB_NOLOCK, 0600);
  if (rc != 0)
    return set_mdb_error (error, rc, s->file);

  /* Every page the meta page counts must be in the file before anything is
   * read through the map. */
  MDB_envinfo info;
  MDB_stat st;
  struct stat fst;
  if (mdb_env_info (s->env, &info) != 0 || mdb_env_stat (s->env, &st) != 0
      || fstat (s->lock_fd, &fst) != 0)
    return set_corrupt (error, s->file, "cannot read the environment's meta data");
  if (((guint64) info.me_last_pgno + 1) * st.ms_psize > (guint64) fst.st_size)
    return set_corrupt (error, s->file, "the file is shorter than its last page");

  MDB_txn *txn = NULL;
  rc = mdb_txn_begin (s->env, NULL, 0, &txn);
  if (rc != 0)
    return set_mdb_error (error, rc, s->file);
  rc = mdb_dbi_open (txn, NULL, 0, &s->dbi);
  if (rc != 0)
    {
      mdb_txn_abort (txn);
      return set_mdb_error (error, rc, s->file);
    }
  rc = mdb_txn_commit (txn);
  if (rc != 0)
    return set_mdb_error (error, rc, s->file);
  return TRUE;
}

static gboolean
put_record (MDB_txn *txn, MDB_dbi dbi, const char *key, const void *data, gsize len, int *rc)
{
  MDB_val k = { strlen (key), (void *) key }, v = { len, (void *) data };
  *rc = mdb_put (txn, dbi, &k, &v, 0);
  return *rc == 0;
}

/* Returns: 1 found with exactly len bytes copied into out, 0 absent, -1 a
 * record of another size, -2 an LMDB error (*rc). */
static int
get_record (MDB_txn *txn, MDB_dbi dbi, const char *key, void *out, gsize len, int *rc)
{
  MDB_val k = { strlen (key), (void *) key }, v;
  *rc = mdb_get (txn, dbi, &k, &v);
  if (*rc == MDB_NOTFOUND)
    {
      *rc = 0;
      return 0;
    }
  if (*rc != 0)
    return -2;
  if (v.mv_size != len)
    return -1;
  memcpy (out, v.mv_data, len);
  return 1;
}

static gboolean
read_records (UmkWalletStore *s, GError **error)
{
  MDB_txn *txn = NULL;
  int rc = mdb_txn_begin (s->env, NULL, MDB_RDONLY, &txn);
  if (rc != 0)
    return set_mdb_error (error, rc, s->file);

  guint8 format[4], created[8], flags[8], best[36];
  int r_format = get_record (txn, s->dbi, KEY_FORMAT, format, sizeof format, &rc);
  int r_created
      = rc == 0 ? get_record (txn, s->dbi, KEY_CREATED, created, sizeof created, &rc) : -2;
  int r_flags = rc == 0 ? get_record (txn, s->dbi, KEY_FLAGS, flags, sizeof flags, &rc) : -2;
  int r_best = rc == 0 ? get_record (txn, s->dbi, KEY_BEST_BLOCK, best, sizeof best, &rc) : -2;
  mdb_txn_abort (txn);
  if (rc != 0)
    return set_mdb_error (error, rc, s->file);

  /* The format first: a newer program may have changed everything else. */
  if (r_format != 1)
    return set_corrupt (error, s->file, "no valid format record");
  s->format = (guint32) get_le (format, 4);
  if (s->format > UMK_WALLET_STORE_FORMAT)
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                   "Error loading %s: Wallet requires newer version of umkoin-wallet", s->file);
      return FALSE;
    }
  if (s->format == 0)
    return set_corrupt (error, s->file, "format 0");
  if (r_created != 1 || r_flags != 1)
    return set_corrupt (error, s->file, "no valid creation time or flags record");
  s->created = (gint64) get_le (created, 8);
  s->flags = get_le (flags, 8);
  /* Core's rule: unknown flags below bit 32 are tolerated, above are not. */
  guint64 unknown = s->flags & ~UMK_WALLET_KNOWN_FLAGS;
  if ((unknown >> 32) != 0)
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                   "Error loading %s: Wallet requires newer version of umkoin-wallet", s->file);
      return FALSE;
    }
  if (r_best < 0)
    return set_corrupt (error, s->file, "malformed best block record");
  if (r_best == 1)
    {
      gint32 height = (gint32) (guint32) get_le (best, 4);
      if (height < 0)
        return set_corrupt (error, s->file, "negative best block height");
      s->best_height = height;
      memcpy (s->best_hash.b, best + 4, 32);
    }
  return TRUE;
}

UmkWalletStore *
umk_wallet_store_open (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_autoptr (UmkWalletStore) s = store_new (dir);

  struct stat st;
  if (stat (dir, &st) != 0)
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_NOT_FOUND,
                   "Failed to load database path '%s'. Path does not exist.", dir);
      return NULL;
    }
  s->lock_fd = open (s->file, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  guint32 psize;
  goffset size;
  if (!S_ISDIR (st.st_mode) || s->lock_fd < 0 || !read_lmdb_header (s->lock_fd, &psize, &size))
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_NOT_FOUND,
                   "Failed to load database path '%s'. Data is not in recognized format.", dir);
      return NULL;
    }
  if (!take_lock (s, error))
    return NULL;
  /* Under the lock: nobody changes the file between the check and LMDB. */
  if (!check_lmdb_file (s->lock_fd, psize, size))
    {
      set_corrupt (error, s->file, "LMDB pages out of bounds or malformed");
      return NULL;
    }
  if (!open_env (s, error) || !read_records (s, error))
    return NULL;
  UMK_LOG_DEBUG (UMK_LOG_WALLETDB,
                 "Opened wallet database %s (format %u, flags 0x%" G_GINT64_MODIFIER
                 "x, best block height %d)",
                 s->file, s->format, s->flags, s->best_height);
  return g_steal_pointer (&s);
}

/* Removes what a failed create made: wallet.mdb, and the folder when this
 * call made it and it is empty again. */
static void
undo_create (UmkWalletStore *s, gboolean made_dir)
{
  if (s->env != NULL)
    {
      mdb_env_close (s->env);
      s->env = NULL;
    }
  g_unlink (s->file);
  if (made_dir)
    g_rmdir (s->dir);
}

UmkWalletStore *
umk_wallet_store_create (const char *dir, guint64 flags, gint64 creation_time, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_autoptr (UmkWalletStore) s = store_new (dir);

  if (umk_wallet_store_exists (dir))
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_ALREADY_EXISTS,
                   "Failed to create database path '%s'. Database already exists.", dir);
      return NULL;
    }
  gboolean made_dir = !g_file_test (dir, G_FILE_TEST_EXISTS);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Cannot create %s: %s", dir,
                   g_strerror (e));
      return NULL;
    }
  /* O_EXCL: a file in the way that is not a wallet is left alone. */
  s->lock_fd = open (s->file, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (s->lock_fd < 0)
    {
      int e = errno;
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Cannot create %s: %s",
                   s->file, g_strerror (e));
      if (made_dir)
        g_rmdir (dir);
      return NULL;
    }
  if (!take_lock (s, error))
    {
      undo_create (s, made_dir);
      return NULL;
    }
  /* An empty file is a new environment to LMDB. */
  if (!open_env (s, error))
    {
      undo_create (s, made_dir);
      return NULL;
    }

  guint8 format[4], created[8], fl[8];
  put_le (format, UMK_WALLET_STORE_FORMAT, 4);
  put_le (created, (guint64) creation_time, 8);
  put_le (fl, flags, 8);
  MDB_txn *txn = NULL;
  int rc = mdb_txn_begin (s->env, NULL, 0, &txn);
  if (rc == 0
      && (!put_record (txn, s->dbi, KEY_FORMAT, format, sizeof format, &rc)
          || !put_record (txn, s->dbi, KEY_CREATED, created, sizeof created, &rc)
          || !put_record (txn, s->dbi, KEY_FLAGS, fl, sizeof fl, &rc)))
    mdb_txn_abort (txn);
  else if (rc == 0)
    rc = mdb_txn_commit (txn);
  if (rc == 0)
    rc = mdb_env_sync (s->env, 1);
  if (rc != 0)
    {
      set_mdb_error (error, rc, s->file);
      undo_create (s, made_dir);
      return NULL;
    }
  s->format = UMK_WALLET_STORE_FORMAT;
  s->created = creation_time;
  s->flags = flags;
  UMK_LOG_DEBUG (UMK_LOG_WALLETDB, "Created wallet database %s", s->file);
  return g_steal_pointer (&s);
}

void
umk_wallet_store_close (UmkWalletStore *store)
{
  if (store == NULL)
    return;
  if (store->env != NULL)
    {
      mdb_env_sync (store->env, 1);
      mdb_env_close (store->env);
    }
  if (store->lock_fd >= 0)
    close (store->lock_fd); /* releases the flock */
  g_free (store->dir);
  g_free (store->file);
  g_free (store);
}

const char *
umk_wallet_store_get_dir (const UmkWalletStore *store)
{
  return store->dir;
}

const char *
umk_wallet_store_get_file (const UmkWalletStore *store)
{
  return store->file;
}

guint32
umk_wallet_store_get_format (const UmkWalletStore *store)
{
  return store->format;
}

gint64
umk_wallet_store_get_creation_time (const UmkWalletStore *store)
{
  return store->created;
}

guint64
umk_wallet_store_get_flags (const UmkWalletStore *store)
{
  return store->flags;
}

void
umk_wallet_store_get_best_block (const UmkWalletStore *store, int *height, UmkUint256 *hash)
{
  if (height)
    *height = store->best_height;
  if (hash)
    *hash = store->best_hash;
}

gboolean
umk_wallet_store_write_best_block (UmkWalletStore *store, int height, const UmkUint256 *hash,
                                   GError **error)
{
  g_return_val_if_fail (store != NULL && store->env != NULL && height >= -1, FALSE);
  MDB_txn *txn = NULL;
  int rc = mdb_txn_begin (store->env, NULL, 0, &txn);
  if (rc == 0)
    {
      if (height < 0)
        {
          MDB_val k = { strlen (KEY_BEST_BLOCK), (void *) KEY_BEST_BLOCK };
          rc = mdb_del (txn, store->dbi, &k, NULL);
          if (rc == MDB_NOTFOUND)
            rc = 0;
        }
      else
        {
          guint8 best[36];
          put_le (best, (guint32) height, 4);
          memcpy (best + 4, hash->b, 32);
          put_record (txn, store->dbi, KEY_BEST_BLOCK, best, sizeof best, &rc);
        }
      if (rc == 0)
        rc = mdb_txn_commit (txn);
      else
        mdb_txn_abort (txn);
    }
  if (rc != 0)
    {
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                   "Cannot write the last processed block to %s: %s", store->file,
                   mdb_strerror (rc));
      return FALSE;
    }
  store->best_height = height;
  if (height < 0)
    memset (&store->best_hash, 0, sizeof store->best_hash);
  else
    store->best_hash = *hash;
  return TRUE;
}
