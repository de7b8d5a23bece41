/* blockstore.c — blk/rev files. */
#define G_LOG_DOMAIN "umk-blockstore"
#include "config.h"

#include "node/blockstore.h"

#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define XOR_KEY_SIZE 8

struct _UmkBlockStore
{
  char *dir;
  uint8_t magic[4];
  uint8_t xor_key[XOR_KEY_SIZE];
  gboolean xored;
  GMutex lock;       /* infos, last_file, dirty, the open write descriptors */
  GArray *infos;     /* UmkBlockFileInfo by file number */
  GHashTable *dirty; /* file numbers whose info changed */
  int last_file;
  int blk_fd; /* the open last blk file, or -1 */
  int blk_fd_file;
  GHashTable *rev_fds;      /* file number -> fd + 1 of rev files written to */
  GHashTable *unsynced_blk; /* file numbers with unsynced writes */
  uint32_t max_file_size;   /* UMK_MAX_BLOCKFILE_SIZE, or less with -fastprune */
};

char *
umk_block_store_path (const UmkBlockStore *bs, int file, gboolean undo)
{
  char name[32];
  g_snprintf (name, sizeof name, "%s%05d.dat", undo ? "rev" : "blk", file);
  return g_build_filename (bs->dir, name, NULL);
}

void
umk_block_store_set_max_file_size (UmkBlockStore *bs, uint32_t size)
{
  g_mutex_lock (&bs->lock);
  bs->max_file_size = CLAMP (size, 1, UMK_MAX_BLOCKFILE_SIZE);
  g_mutex_unlock (&bs->lock);
}

const char *
umk_block_store_dir (const UmkBlockStore *bs)
{
  return bs->dir;
}

static gboolean
set_errno_error (GError **error, int e, const char *what, const char *path)
{
  g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "%s %s: %s", what, path, g_strerror (e));
  return FALSE;
}

/* Core's xor.dat rules: keep a key that exists; make a random one for a new
 * (empty) folder; an old folder without one was written unobfuscated. */
static gboolean
load_xor_key (UmkBlockStore *bs, gboolean xor_new_files, GError **error)
{
  g_autofree char *path = g_build_filename (bs->dir, "xor.dat", NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (g_file_get_contents (path, &contents, &len, NULL))
    {
      if (len != XOR_KEY_SIZE)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "The block files' key %s is not %d bytes long", path, XOR_KEY_SIZE);
          return FALSE;
        }
      memcpy (bs->xor_key, contents, XOR_KEY_SIZE);
    }
  else
    {
      /* Only a folder with nothing in it yet is new; block files of any
       * number (a pruned node keeps only late ones) mean an old, plain one. */
      gboolean fresh = TRUE;
      g_autoptr (GDir) dir = g_dir_open (bs->dir, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        if (name[0] != '.')
          fresh = FALSE;
      memset (bs->xor_key, 0, XOR_KEY_SIZE);
      if (fresh && xor_new_files)
        {
          if (getrandom (bs->xor_key, XOR_KEY_SIZE, 0) != XOR_KEY_SIZE)
            return set_errno_error (error, errno, "Cannot make a key for", bs->dir);
        }
      GError *e = NULL;
      if (!g_file_set_contents_full (path, (const char *) bs->xor_key, XOR_KEY_SIZE,
                                     G_FILE_SET_CONTENTS_CONSISTENT, 0600, &e))
        {
          g_propagate_error (error, e);
          return FALSE;
        }
    }
  for (int i = 0; i < XOR_KEY_SIZE; i++)
    if (bs->xor_key[i] != 0)
      bs->xored = TRUE;
  if (bs->xored && !xor_new_files)
    {
      /* Turning the key off would make the existing files unreadable. */
      g_autofree char *hex = umk_hex_encode (bs->xor_key, XOR_KEY_SIZE);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "The blocksdir XOR-key can not be disabled when a random key was already "
                   "stored! Stored key: '%s', stored path: '%s'.",
                   hex, path);
      return FALSE;
    }
  if (bs->xored)
    g_info ("Block files are obfuscated with the key in %s", path);
  return TRUE;
}

static void
xor_at (const UmkBlockStore *bs, uint8_t *buf, size_t len, uint64_t offset)
{
  if (!bs->xored)
    return;
  for (size_t i = 0; i < len; i++)
    buf[i] ^= bs->xor_key[(offset + i) % XOR_KEY_SIZE];
}

UmkBlockStore *
umk_block_store_new (const char *blocks_dir, const uint8_t message_start[4], gboolean xor_new_files,
                     GError **error)
{
  if (g_mkdir_with_parents (blocks_dir, 0700) != 0)
    {
      set_errno_error (error, errno, "Cannot create", blocks_dir);
      return NULL;
    }
  g_autoptr (UmkBlockStore) bs = g_new0 (UmkBlockStore, 1);
  bs->dir = g_strdup (blocks_dir);
  memcpy (bs->magic, message_start, 4);
  g_mutex_init (&bs->lock);
  bs->infos = g_array_new (FALSE, TRUE, sizeof (UmkBlockFileInfo));
  bs->dirty = g_hash_table_new (NULL, NULL);
  bs->rev_fds = g_hash_table_new (NULL, NULL);
  bs->unsynced_blk = g_hash_table_new (NULL, NULL);
  bs->blk_fd = -1;
  bs->max_file_size = UMK_MAX_BLOCKFILE_SIZE;
  if (!load_xor_key (bs, xor_new_files, error))
    return NULL;
  return g_steal_pointer (&bs);
}

static void
close_fd (gpointer key, gpointer value, gpointer user)
{
  (void) key;
  (void) user;
  close (GPOINTER_TO_INT (value) - 1);
}

void
umk_block_store_free (UmkBlockStore *bs)
{
  if (bs == NULL)
    return;
  if (bs->blk_fd >= 0)
    close (bs->blk_fd);
  g_hash_table_foreach (bs->rev_fds, close_fd, NULL);
  g_hash_table_destroy (bs->rev_fds);
  g_hash_table_destroy (bs->unsynced_blk);
  g_hash_table_destroy (bs->dirty);
  g_array_free (bs->infos, TRUE);
  g_mutex_clear (&bs->lock);
  g_free (bs->dir);
  g_free (bs);
}

/* ---- File statistics ------------------------------------------------------ */

#define INFO_RECORD_SIZE 36

static void
info_serialize (const UmkBlockFileInfo *i, uint8_t out[INFO_RECORD_SIZE])
{
  uint32_t v[5] = { i->n_blocks, i->size, i->undo_size, (uint32_t) i->height_first,
                    (uint32_t) i->height_last };
  for (int k = 0; k < 5; k++)
    for (int b = 0; b < 4; b++)
      out[k * 4 + b] = (uint8_t) (v[k] >> (8 * b));
  for (int b = 0; b < 8; b++)
    {
      out[20 + b] = (uint8_t) (i->time_first >> (8 * b));
      out[28 + b] = (uint8_t) (i->time_last >> (8 * b));
    }
}

static gboolean
info_parse (const uint8_t *in, size_t len, UmkBlockFileInfo *i)
{
  if (len != INFO_RECORD_SIZE)
    return FALSE;
  uint32_t v[5];
  for (int k = 0; k < 5; k++)
    v[k] = (uint32_t) in[k * 4] | (uint32_t) in[k * 4 + 1] << 8 | (uint32_t) in[k * 4 + 2] << 16
           | (uint32_t) in[k * 4 + 3] << 24;
  i->n_blocks = v[0];
  i->size = v[1];
  i->undo_size = v[2];
  i->height_first = (int32_t) v[3];
  i->height_last = (int32_t) v[4];
  i->time_first = i->time_last = 0;
  for (int b = 0; b < 8; b++)
    {
      i->time_first |= (uint64_t) in[20 + b] << (8 * b);
      i->time_last |= (uint64_t) in[28 + b] << (8 * b);
    }
  return TRUE;
}

static UmkBlockFileInfo *
info_at (UmkBlockStore *bs, int file)
{
  if ((guint) file >= bs->infos->len)
    g_array_set_size (bs->infos, file + 1);
  return &g_array_index (bs->infos, UmkBlockFileInfo, file);
}

gboolean
umk_block_store_load_infos (UmkBlockStore *bs, MDB_txn *txn, MDB_dbi files, GError **error)
{
  MDB_cursor *cur;
  int rc = mdb_cursor_open (txn, files, &cur);
  if (rc != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot read the block file table: %s",
                   mdb_strerror (rc));
      return FALSE;
    }
  MDB_val k, v;
  g_mutex_lock (&bs->lock);
  g_array_set_size (bs->infos, 0);
  bs->last_file = 0;
  gboolean ok = TRUE;
  for (rc = mdb_cursor_get (cur, &k, &v, MDB_FIRST); rc == 0;
       rc = mdb_cursor_get (cur, &k, &v, MDB_NEXT))
    {
      if (k.mv_size != 4)
        continue;
      const uint8_t *kb = k.mv_data;
      int file
          = (int) ((uint32_t) kb[0] << 24 | (uint32_t) kb[1] << 16 | (uint32_t) kb[2] << 8 | kb[3]);
      UmkBlockFileInfo info;
      if (file < 0 || file > 99999 || !info_parse (v.mv_data, v.mv_size, &info))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "The block file table is corrupted");
          ok = FALSE;
          break;
        }
      *info_at (bs, file) = info;
      bs->last_file = MAX (bs->last_file, file);
    }
  g_mutex_unlock (&bs->lock);
  mdb_cursor_close (cur);
  return ok;
}

gboolean
umk_block_store_save_infos (UmkBlockStore *bs, MDB_txn *txn, MDB_dbi files, GError **error)
{
  g_mutex_lock (&bs->lock);
  GHashTableIter it;
  gpointer key;
  gboolean ok = TRUE;
  g_hash_table_iter_init (&it, bs->dirty);
  while (ok && g_hash_table_iter_next (&it, &key, NULL))
    {
      int file = GPOINTER_TO_INT (key) - 1;
      uint8_t k[4] = { (uint8_t) (file >> 24), (uint8_t) (file >> 16), (uint8_t) (file >> 8),
                       (uint8_t) file };
      uint8_t rec[INFO_RECORD_SIZE];
      info_serialize (info_at (bs, file), rec);
      MDB_val kv = { 4, k }, vv = { sizeof rec, rec };
      int rc = mdb_put (txn, files, &kv, &vv, 0);
      if (rc != 0)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot write the block file table: %s",
                       mdb_strerror (rc));
          ok = FALSE;
        }
    }
  if (ok)
    g_hash_table_remove_all (bs->dirty);
  g_mutex_unlock (&bs->lock);
  return ok;
}

void
umk_block_store_reset_infos (UmkBlockStore *bs)
{
  g_mutex_lock (&bs->lock);
  g_array_set_size (bs->infos, 0);
  g_hash_table_remove_all (bs->dirty);
  bs->last_file = 0;
  if (bs->blk_fd >= 0)
    close (bs->blk_fd);
  bs->blk_fd = -1;
  g_mutex_unlock (&bs->lock);
}

static void
mark_dirty (UmkBlockStore *bs, int file)
{
  g_hash_table_add (bs->dirty, GINT_TO_POINTER (file + 1));
}

static void
add_block_to_info (UmkBlockStore *bs, int file, uint32_t end, int height, uint32_t time)
{
  UmkBlockFileInfo *info = info_at (bs, file);
  if (info->n_blocks == 0 || height < info->height_first)
    info->height_first = height;
  if (info->n_blocks == 0 || time < info->time_first)
    info->time_first = time;
  if (height > info->height_last)
    info->height_last = height;
  if (time > info->time_last)
    info->time_last = time;
  info->n_blocks++;
  info->size = MAX (info->size, end);
  mark_dirty (bs, file);
}

void
umk_block_store_note_block (UmkBlockStore *bs, int file, uint32_t pos, size_t len, int height,
                            uint32_t time)
{
  g_mutex_lock (&bs->lock);
  add_block_to_info (bs, file, pos + (uint32_t) len, height, time);
  bs->last_file = MAX (bs->last_file, file);
  g_mutex_unlock (&bs->lock);
}

/* ---- Writing -------------------------------------------------------------- */

static gboolean
pwrite_all (int fd, const uint8_t *buf, size_t len, uint64_t offset, const char *path,
            GError **error)
{
  while (len > 0)
    {
      ssize_t n = pwrite (fd, buf, len, (off_t) offset);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return set_errno_error (error, errno, "Cannot write to", path);
        }
      buf += n;
      len -= (size_t) n;
      offset += (uint64_t) n;
    }
  return TRUE;
}

/* Writes a record (header, payload, optional trailer) at offset, obfuscated. */
static gboolean
write_record (UmkBlockStore *bs, int fd, uint64_t offset, const uint8_t *data, size_t len,
              const uint8_t *trailer, size_t trailer_len, const char *path, GError **error)
{
  size_t total = UMK_STORAGE_HEADER_BYTES + len + trailer_len;
  g_autofree uint8_t *buf = g_malloc (total);
  memcpy (buf, bs->magic, 4);
  buf[4] = (uint8_t) len;
  buf[5] = (uint8_t) (len >> 8);
  buf[6] = (uint8_t) (len >> 16);
  buf[7] = (uint8_t) (len >> 24);
  if (len > 0)
    memcpy (buf + UMK_STORAGE_HEADER_BYTES, data, len);
  if (trailer_len > 0)
    memcpy (buf + UMK_STORAGE_HEADER_BYTES + len, trailer, trailer_len);
  xor_at (bs, buf, total, offset);
  return pwrite_all (fd, buf, total, offset, path, error);
}

static int
open_for_write (const char *path, GError **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    set_errno_error (error, errno, "Cannot open", path);
  return fd;
}

gboolean
umk_block_store_write_block (UmkBlockStore *bs, const uint8_t *data, size_t len, int height,
                             uint32_t time, int *file, uint32_t *pos, GError **error)
{
  g_mutex_lock (&bs->lock);
  int f = bs->last_file;
  UmkBlockFileInfo *info = info_at (bs, f);
  uint64_t need = UMK_STORAGE_HEADER_BYTES + (uint64_t) len;
  if (info->size > 0 && info->size + need >= bs->max_file_size)
    {
      f++;
      bs->last_file = f;
      info = info_at (bs, f);
      g_info ("Leaving block file %d, starting %05d", f - 1, f);
    }
  g_autofree char *path = umk_block_store_path (bs, f, FALSE);
  gboolean ok = TRUE;
  if (bs->blk_fd < 0 || bs->blk_fd_file != f)
    {
      if (bs->blk_fd >= 0)
        {
          /* The file being left must reach the disk before its blocks are
           * referred to by a commit that no longer flushes it. */
          if (fdatasync (bs->blk_fd) != 0)
            g_warning ("Cannot sync block file %d: %s", bs->blk_fd_file, g_strerror (errno));
          close (bs->blk_fd);
          g_hash_table_remove (bs->unsynced_blk, GINT_TO_POINTER (bs->blk_fd_file + 1));
        }
      bs->blk_fd = open_for_write (path, error);
      bs->blk_fd_file = f;
      ok = bs->blk_fd >= 0;
    }
  uint64_t offset = info->size;
  if (ok)
    ok = write_record (bs, bs->blk_fd, offset, data, len, NULL, 0, path, error);
  if (ok)
    {
      *file = f;
      *pos = (uint32_t) (offset + UMK_STORAGE_HEADER_BYTES);
      add_block_to_info (bs, f, (uint32_t) (offset + need), height, time);
      g_hash_table_add (bs->unsynced_blk, GINT_TO_POINTER (f + 1));
    }
  g_mutex_unlock (&bs->lock);
  return ok;
}

static void
undo_checksum (const UmkUint256 *prev_hash, const uint8_t *data, size_t len, uint8_t out[32])
{
  UmkSha256 h;
  umk_sha256_init (&h);
  umk_sha256_update (&h, prev_hash->b, 32);
  umk_sha256_update (&h, data, len);
  umk_sha256d_final (&h, out);
}

gboolean
umk_block_store_write_undo (UmkBlockStore *bs, int file, const uint8_t *data, size_t len,
                            const UmkUint256 *prev_hash, uint32_t *pos, GError **error)
{
  uint8_t sum[32];
  undo_checksum (prev_hash, data, len, sum);
  g_mutex_lock (&bs->lock);
  g_autofree char *path = umk_block_store_path (bs, file, TRUE);
  gboolean ok = TRUE;
  int fd = GPOINTER_TO_INT (g_hash_table_lookup (bs->rev_fds, GINT_TO_POINTER (file + 1))) - 1;
  if (fd < 0)
    {
      fd = open_for_write (path, error);
      if (fd < 0)
        ok = FALSE;
      else
        g_hash_table_insert (bs->rev_fds, GINT_TO_POINTER (file + 1), GINT_TO_POINTER (fd + 1));
    }
  UmkBlockFileInfo *info = info_at (bs, file);
  uint64_t offset = info->undo_size;
  if (ok && offset + UMK_STORAGE_HEADER_BYTES + len + 32 > UINT32_MAX)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_TOO_LARGE, "Undo file %s is full", path);
      ok = FALSE;
    }
  if (ok)
    ok = write_record (bs, fd, offset, data, len, sum, 32, path, error);
  if (ok)
    {
      *pos = (uint32_t) (offset + UMK_STORAGE_HEADER_BYTES);
      info->undo_size = (uint32_t) (offset + UMK_STORAGE_HEADER_BYTES + len + 32);
      mark_dirty (bs, file);
    }
  g_mutex_unlock (&bs->lock);
  return ok;
}

gboolean
umk_block_store_flush (UmkBlockStore *bs, GError **error)
{
  g_mutex_lock (&bs->lock);
  gboolean ok = TRUE;
  if (bs->blk_fd >= 0
      && g_hash_table_contains (bs->unsynced_blk, GINT_TO_POINTER (bs->blk_fd_file + 1)))
    {
      if (fdatasync (bs->blk_fd) != 0)
        {
          g_autofree char *path = umk_block_store_path (bs, bs->blk_fd_file, FALSE);
          ok = set_errno_error (error, errno, "Cannot sync", path);
        }
    }
  g_hash_table_remove_all (bs->unsynced_blk);
  /* Undo files are written in many places at once; sync and close them all. */
  GHashTableIter it;
  gpointer key, value;
  g_hash_table_iter_init (&it, bs->rev_fds);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      int fd = GPOINTER_TO_INT (value) - 1;
      if (ok && fdatasync (fd) != 0)
        {
          g_autofree char *path = umk_block_store_path (bs, GPOINTER_TO_INT (key) - 1, TRUE);
          ok = set_errno_error (error, errno, "Cannot sync", path);
        }
      close (fd);
    }
  g_hash_table_remove_all (bs->rev_fds);
  g_mutex_unlock (&bs->lock);
  return ok;
}

/* ---- Reading -------------------------------------------------------------- */

gssize
umk_block_store_read_raw (UmkBlockStore *bs, int file, uint64_t offset, uint8_t *buf, size_t len,
                          GError **error)
{
  g_autofree char *path = umk_block_store_path (bs, file, FALSE);
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, "Cannot open", path);
      return -1;
    }
  size_t got = 0;
  while (got < len)
    {
      ssize_t n = pread (fd, buf + got, len - got, (off_t) (offset + got));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_errno_error (error, errno, "Cannot read", path);
          close (fd);
          return -1;
        }
      if (n == 0)
        break;
      got += (size_t) n;
    }
  close (fd);
  xor_at (bs, buf, got, offset);
  return (gssize) got;
}

/* Reads the record whose payload starts at pos: checks the message start and
 * returns the payload plus extra trailing bytes. */
static GBytes *
read_record (UmkBlockStore *bs, int file, gboolean undo, uint32_t pos, size_t extra, GError **error)
{
  g_autofree char *path = umk_block_store_path (bs, file, undo);
  if (pos < UMK_STORAGE_HEADER_BYTES)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Bad position %u in %s", pos, path);
      return NULL;
    }
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, "Cannot open", path);
      return NULL;
    }
  uint8_t header[UMK_STORAGE_HEADER_BYTES];
  uint64_t start = pos - UMK_STORAGE_HEADER_BYTES;
  ssize_t n = pread (fd, header, sizeof header, (off_t) start);
  if (n != (ssize_t) sizeof header)
    {
      close (fd);
      g_set_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED, "Cannot read the record at %u of %s", pos,
                   path);
      return NULL;
    }
  xor_at (bs, header, sizeof header, start);
  uint32_t size = (uint32_t) header[4] | (uint32_t) header[5] << 8 | (uint32_t) header[6] << 16
                  | (uint32_t) header[7] << 24;
  if (memcmp (header, bs->magic, 4) != 0 || size > 0x02000000u)
    {
      close (fd);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "No valid record at %u of %s", pos, path);
      return NULL;
    }
  size_t total = size + extra;
  uint8_t *buf = g_malloc (total > 0 ? total : 1);
  size_t got = 0;
  while (got < total)
    {
      n = pread (fd, buf + got, total - got, (off_t) (pos + got));
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (size_t) n;
    }
  close (fd);
  if (got != total)
    {
      g_free (buf);
      g_set_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED, "The record at %u of %s is truncated",
                   pos, path);
      return NULL;
    }
  xor_at (bs, buf, total, pos);
  return g_bytes_new_take (buf, total);
}

GBytes *
umk_block_store_read_block (UmkBlockStore *bs, int file, uint32_t pos, GError **error)
{
  return read_record (bs, file, FALSE, pos, 0, error);
}

GBytes *
umk_block_store_read_undo (UmkBlockStore *bs, int file, uint32_t pos, const UmkUint256 *prev_hash,
                           GError **error)
{
  g_autoptr (GBytes) rec = read_record (bs, file, TRUE, pos, 32, error);
  if (rec == NULL)
    return NULL;
  gsize len;
  const uint8_t *data = g_bytes_get_data (rec, &len);
  uint8_t sum[32];
  undo_checksum (prev_hash, data, len - 32, sum);
  if (memcmp (sum, data + len - 32, 32) != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "The undo data at %u of rev%05d.dat has a bad checksum", pos, file);
      return NULL;
    }
  return g_bytes_new_from_bytes (rec, 0, len - 32);
}

/* ---- Statistics and pruning ------------------------------------------------ */

uint64_t
umk_block_store_size_on_disk (UmkBlockStore *bs)
{
  g_mutex_lock (&bs->lock);
  uint64_t total = 0;
  for (guint i = 0; i < bs->infos->len; i++)
    {
      const UmkBlockFileInfo *info = &g_array_index (bs->infos, UmkBlockFileInfo, i);
      total += info->size + info->undo_size;
    }
  g_mutex_unlock (&bs->lock);
  return total;
}

int
umk_block_store_last_file (UmkBlockStore *bs)
{
  g_mutex_lock (&bs->lock);
  int f = bs->last_file;
  g_mutex_unlock (&bs->lock);
  return f;
}

gboolean
umk_block_store_file_info (UmkBlockStore *bs, int file, UmkBlockFileInfo *out)
{
  g_mutex_lock (&bs->lock);
  gboolean ok = file >= 0 && (guint) file < bs->infos->len;
  if (ok)
    *out = g_array_index (bs->infos, UmkBlockFileInfo, file);
  g_mutex_unlock (&bs->lock);
  return ok;
}

void
umk_block_store_remove_file (UmkBlockStore *bs, int file)
{
  g_mutex_lock (&bs->lock);
  if (file >= 0 && (guint) file < bs->infos->len)
    {
      memset (info_at (bs, file), 0, sizeof (UmkBlockFileInfo));
      mark_dirty (bs, file);
    }
  if (bs->blk_fd >= 0 && bs->blk_fd_file == file)
    {
      close (bs->blk_fd);
      bs->blk_fd = -1;
    }
  gpointer fdp = g_hash_table_lookup (bs->rev_fds, GINT_TO_POINTER (file + 1));
  if (fdp != NULL)
    {
      close (GPOINTER_TO_INT (fdp) - 1);
      g_hash_table_remove (bs->rev_fds, GINT_TO_POINTER (file + 1));
    }
  g_autofree char *blk = umk_block_store_path (bs, file, FALSE);
  g_autofree char *rev = umk_block_store_path (bs, file, TRUE);
  g_unlink (blk);
  g_unlink (rev);
  g_info ("Pruned block file %05d", file);
  g_mutex_unlock (&bs->lock);
}
