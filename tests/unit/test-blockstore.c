/* Tests for the blk/rev files: Umkoin Core's record layout (message start,
 * size, payload; undo records with their SHA256d checksum) under the xor.dat
 * obfuscation, the key rules for new, old and pruned folders, reading back,
 * every kind of bad position or damaged file, the file statistics in the
 * database, the move to the next file at 128 MiB (with sparse files), and
 * removing a file pair. */
#include "config.h"

#include "common/block.h"
#include "common/chainparams.h"
#include "common/error.h"
#include "common/hash.h"
#include "node/blockstore.h"
#include "node/db.h"
#include "test-util.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct
{
  char *dir;        /* the temporary folder */
  char *blocks_dir; /* dir/blocks */
  UmkChainParams *params;
  GRand *rand;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = umk_test_make_tmpdir ();
  f->blocks_dir = g_build_filename (f->dir, "blocks", NULL);
  g_autoptr (GError) error = NULL;
  f->params = umk_chain_params_new (UMK_CHAIN_REGTEST, NULL, &error);
  g_assert_no_error (error);
  f->rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  umk_test_rm_rf (f->dir);
  g_assert_false (g_file_test (f->dir, G_FILE_TEST_EXISTS));
  g_free (f->dir);
  g_free (f->blocks_dir);
  umk_chain_params_free (f->params);
  g_rand_free (f->rand);
}

static UmkBlockStore *
open_store (Fixture *f, gboolean xor_new_files)
{
  g_autoptr (GError) error = NULL;
  UmkBlockStore *bs
      = umk_block_store_new (f->blocks_dir, f->params->message_start, xor_new_files, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bs);
  g_assert_cmpstr (umk_block_store_dir (bs), ==, f->blocks_dir);
  return bs;
}

static char *
blocks_file (Fixture *f, const char *name)
{
  return g_build_filename (f->blocks_dir, name, NULL);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents;
  gsize len;
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
read_key (Fixture *f, uint8_t key[8])
{
  g_autofree char *path = blocks_file (f, "xor.dat");
  g_autoptr (GBytes) b = read_file (path);
  g_assert_cmpuint (g_bytes_get_size (b), ==, 8);
  memcpy (key, g_bytes_get_data (b, NULL), 8);
}

static gboolean
key_is_zero (const uint8_t key[8])
{
  for (int i = 0; i < 8; i++)
    if (key[i] != 0)
      return FALSE;
  return TRUE;
}

/* The regtest genesis block, serialized. */
static GByteArray *
genesis_bytes (Fixture *f)
{
  GByteArray *w = g_byte_array_new ();
  umk_block_write (f->params->genesis, w);
  return w;
}

/* Random bytes; data is never NULL, even for len 0 (the store copies with
 * memcpy, and memcpy (dst, NULL, 0) is undefined behaviour). */
static GByteArray *
random_payload (GRand *rand, size_t len)
{
  GByteArray *b = g_byte_array_sized_new (MAX (len, 1));
  g_byte_array_set_size (b, len);
  for (size_t i = 0; i < len; i++)
    b->data[i] = (uint8_t) g_rand_int (rand);
  return b;
}

/* Appends Core's record for payload: message start, size (LE), payload. */
static void
append_record (GByteArray *out, const uint8_t magic[4], const GByteArray *payload)
{
  g_byte_array_append (out, magic, 4);
  uint8_t size[4] = { (uint8_t) payload->len, (uint8_t) (payload->len >> 8),
                      (uint8_t) (payload->len >> 16), (uint8_t) (payload->len >> 24) };
  g_byte_array_append (out, size, 4);
  g_byte_array_append (out, payload->data, payload->len);
}

static void
assert_bytes (GBytes *got, const GByteArray *want)
{
  g_assert_nonnull (got);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), want->data, want->len);
}

/* The file's bytes with the key taken off. */
static GByteArray *
plain_file (const char *path, const uint8_t key[8])
{
  g_autoptr (GBytes) raw = read_file (path);
  gsize len;
  const uint8_t *p = g_bytes_get_data (raw, &len);
  GByteArray *out = g_byte_array_sized_new (len);
  for (gsize i = 0; i < len; i++)
    {
      uint8_t b = p[i] ^ key[i % 8];
      g_byte_array_append (out, &b, 1);
    }
  return out;
}

static void
write_block (UmkBlockStore *bs, const GByteArray *payload, int height, uint32_t time, int *file,
             uint32_t *pos)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_block_store_write_block (bs, payload->data, payload->len, height, time, file,
                                              pos, &error));
  g_assert_no_error (error);
}

/* ---- Blocks ------------------------------------------------------------------ */

static void
test_write_read (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  g_autoptr (GPtrArray) payloads
      = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_ptr_array_add (payloads, genesis_bytes (f));
  g_ptr_array_add (payloads, random_payload (f->rand, 80));
  g_ptr_array_add (payloads, random_payload (f->rand, 81));
  g_ptr_array_add (payloads, random_payload (f->rand, 4001));
  g_ptr_array_add (payloads, random_payload (f->rand, 1000000));
  static const int heights[] = { 0, 1, 2, 3, 4 };
  static const uint32_t times[] = { 1296688602, 1296688700, 1296688650, 1296688900, 1296688800 };

  g_autoptr (GByteArray) expect = g_byte_array_new ();
  uint32_t positions[5];
  for (guint i = 0; i < payloads->len; i++)
    {
      GByteArray *p = payloads->pdata[i];
      int file = -1;
      uint32_t pos = 0;
      write_block (bs, p, heights[i], times[i], &file, &pos);
      g_assert_cmpint (file, ==, 0);
      /* the position is that of the block itself, after its 8-byte header */
      g_assert_cmpuint (pos, ==, expect->len + UMK_STORAGE_HEADER_BYTES);
      positions[i] = pos;
      append_record (expect, f->params->message_start, p);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_block_store_flush (bs, &error));
  g_assert_no_error (error);

  /* read back, in another order */
  for (int i = (int) payloads->len - 1; i >= 0; i--)
    {
      g_autoptr (GBytes) got = umk_block_store_read_block (bs, 0, positions[i], &error);
      g_assert_no_error (error);
      assert_bytes (got, payloads->pdata[i]);
    }
  /* the genesis block parses and is regtest's */
  g_autoptr (GBytes) gb = umk_block_store_read_block (bs, 0, positions[0], &error);
  g_autoptr (UmkBlock) genesis = umk_block_new_from_bytes (gb, &error);
  g_assert_no_error (error);
  g_assert_true (umk_uint256_equal (&genesis->hash, &f->params->consensus.hash_genesis_block));

  /* the file is the records XORed with the key from byte 0 of the file */
  uint8_t key[8];
  read_key (f, key);
  g_assert_false (key_is_zero (key));
  g_autofree char *blk = blocks_file (f, "blk00000.dat");
  g_autoptr (GByteArray) plain = plain_file (blk, key);
  g_assert_cmpmem (plain->data, plain->len, expect->data, expect->len);
  g_autoptr (GBytes) raw = read_file (blk);
  /* and obfuscated for real: the magic does not show */
  g_assert_true (memcmp (g_bytes_get_data (raw, NULL), f->params->message_start, 4) != 0);

  /* read_raw takes the key off at any offset */
  for (int k = 0; k < 50; k++)
    {
      uint64_t off = (uint64_t) g_rand_int_range (f->rand, 0, (gint32) expect->len);
      size_t len = MIN ((size_t) g_rand_int_range (f->rand, 1, 300), expect->len - off);
      uint8_t buf[300];
      gssize n = umk_block_store_read_raw (bs, 0, off, buf, len, &error);
      g_assert_no_error (error);
      g_assert_cmpint (n, ==, (gssize) len);
      g_assert_cmpmem (buf, len, expect->data + off, len);
    }
  /* a short read at the end, and nothing past it */
  uint8_t buf[16];
  g_assert_cmpint (umk_block_store_read_raw (bs, 0, expect->len - 5, buf, sizeof buf, &error), ==,
                   5);
  g_assert_cmpmem (buf, 5, expect->data + expect->len - 5, 5);
  g_assert_cmpint (umk_block_store_read_raw (bs, 0, expect->len + 100, buf, sizeof buf, &error), ==,
                   0);
  g_assert_no_error (error);
  g_assert_cmpint (umk_block_store_read_raw (bs, 3, 0, buf, sizeof buf, &error), ==, -1);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_FAILED);
  g_clear_error (&error);

  /* statistics */
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.n_blocks, ==, 5);
  g_assert_cmpuint (info.size, ==, expect->len);
  g_assert_cmpuint (info.undo_size, ==, 0);
  g_assert_cmpint (info.height_first, ==, 0);
  g_assert_cmpint (info.height_last, ==, 4);
  g_assert_cmpuint (info.time_first, ==, 1296688602);
  g_assert_cmpuint (info.time_last, ==, 1296688900);
  g_assert_false (umk_block_store_file_info (bs, 1, &info));
  g_assert_false (umk_block_store_file_info (bs, -1, &info));
  g_assert_cmpint (umk_block_store_last_file (bs), ==, 0);
  g_assert_cmpuint (umk_block_store_size_on_disk (bs), ==, expect->len);

  g_autofree char *path = umk_block_store_path (bs, 12, FALSE);
  g_autofree char *want_path = blocks_file (f, "blk00012.dat");
  g_assert_cmpstr (path, ==, want_path);
  g_autofree char *rpath = umk_block_store_path (bs, 12345, TRUE);
  g_autofree char *want_rpath = blocks_file (f, "rev12345.dat");
  g_assert_cmpstr (rpath, ==, want_rpath);
}

/* ---- The key ------------------------------------------------------------------- */

static void
test_xor_new_folder (Fixture *f, gconstpointer data)
{
  (void) data;
  uint8_t key1[8], key2[8];
  {
    g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
    read_key (f, key1);
    g_assert_false (key_is_zero (key1));
  }
  /* a second folder gets another key */
  g_autofree char *other = g_build_filename (f->dir, "blocks2", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkBlockStore) bs
        = umk_block_store_new (other, f->params->message_start, TRUE, &error);
    g_assert_no_error (error);
    g_autofree char *path = g_build_filename (other, "xor.dat", NULL);
    g_autoptr (GBytes) b = read_file (path);
    g_assert_cmpuint (g_bytes_get_size (b), ==, 8);
    memcpy (key2, g_bytes_get_data (b, NULL), 8);
  }
  g_assert_true (memcmp (key1, key2, 8) != 0);

  /* a folder that held only a hidden file (Core's .lock) is new too */
  g_autofree char *third = g_build_filename (f->dir, "blocks3", NULL);
  g_assert_cmpint (g_mkdir (third, 0700), ==, 0);
  g_autofree char *lock = g_build_filename (third, ".lock", NULL);
  g_assert_true (g_file_set_contents (lock, "", 0, NULL));
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkBlockStore) bs
        = umk_block_store_new (third, f->params->message_start, TRUE, &error);
    g_assert_no_error (error);
    g_autofree char *path = g_build_filename (third, "xor.dat", NULL);
    g_autoptr (GBytes) b = read_file (path);
    g_assert_false (key_is_zero (g_bytes_get_data (b, NULL)));
  }

  /* reopening keeps the key, and the blocks read back */
  g_autoptr (GByteArray) p = random_payload (f->rand, 300);
  int file;
  uint32_t pos;
  {
    g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
    write_block (bs, p, 1, 1, &file, &pos);
  }
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  read_key (f, key2);
  g_assert_cmpmem (key1, 8, key2, 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, file, pos, &error);
  g_assert_no_error (error);
  assert_bytes (got, p);
}

static void
test_xor_disabled (Fixture *f, gconstpointer data)
{
  (void) data;
  /* -blocksxor=0: a key of zeros, and the file is the plain records */
  g_autoptr (UmkBlockStore) bs = open_store (f, FALSE);
  uint8_t key[8];
  read_key (f, key);
  g_assert_true (key_is_zero (key));
  g_autoptr (GByteArray) p = random_payload (f->rand, 200);
  int file;
  uint32_t pos;
  write_block (bs, p, 0, 0, &file, &pos);
  g_autoptr (GByteArray) expect = g_byte_array_new ();
  append_record (expect, f->params->message_start, p);
  g_autofree char *blk = blocks_file (f, "blk00000.dat");
  g_autoptr (GBytes) raw = read_file (blk);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), expect->data, expect->len);
}

static void
test_xor_cannot_be_disabled (Fixture *f, gconstpointer data)
{
  (void) data;
  /* Core refuses to start with -blocksxor=0 once a random key is stored
   * ("The blocksdir XOR-key can not be disabled when a random key was
   * already stored!"). */
  {
    g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  }
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkBlockStore) bs
      = umk_block_store_new (f->blocks_dir, f->params->message_start, FALSE, &error);
  if (bs != NULL)
    {
      g_test_fail_printf ("%s",
                          "umk_block_store_new (xor_new_files = FALSE) accepts a stored non-zero "
                          "key; Core v31 refuses to start (node/blockstore.c load_xor_key)");
      return;
    }
  g_assert_nonnull (error);
}

static void
write_plain_file (Fixture *f, const char *name, const GByteArray *contents)
{
  g_assert_cmpint (g_mkdir_with_parents (f->blocks_dir, 0700), ==, 0);
  g_autofree char *path = blocks_file (f, name);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, (const char *) contents->data, contents->len, &error));
}

static void
test_xor_old_folder (Fixture *f, gconstpointer data)
{
  (void) data;
  /* A folder from before v28: blk00000.dat and no xor.dat. Its files are
   * plain, so the key must be zeros even with -blocksxor=1. */
  g_autoptr (GByteArray) p0 = genesis_bytes (f);
  g_autoptr (GByteArray) contents = g_byte_array_new ();
  append_record (contents, f->params->message_start, p0);
  write_plain_file (f, "blk00000.dat", contents);

  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  uint8_t key[8];
  read_key (f, key);
  g_assert_true (key_is_zero (key));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, 0, 8, &error);
  g_assert_no_error (error);
  assert_bytes (got, p0);

  /* -reindex tells the store where the old block ends; the next one follows */
  umk_block_store_note_block (bs, 0, 8, p0->len, 0, 1296688602);
  g_autoptr (GByteArray) p1 = random_payload (f->rand, 500);
  int file;
  uint32_t pos;
  write_block (bs, p1, 1, 1296688700, &file, &pos);
  g_assert_cmpint (file, ==, 0);
  g_assert_cmpuint (pos, ==, contents->len + 8);
  append_record (contents, f->params->message_start, p1);
  g_autofree char *blk = blocks_file (f, "blk00000.dat");
  g_autoptr (GBytes) raw = read_file (blk);
  g_assert_cmpmem (g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), contents->data,
                   contents->len);
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.n_blocks, ==, 2);
  g_assert_cmpuint (info.size, ==, contents->len);
}

static void
test_xor_old_pruned_folder (Fixture *f, gconstpointer data)
{
  (void) data;
  /* A pruned folder from before v28 whose blk00000.dat was pruned away: only
   * blk00003.dat/rev00003.dat remain, plain. Core sees a folder that is not
   * empty and keeps a key of zeros. */
  g_autoptr (GByteArray) p = random_payload (f->rand, 300);
  g_autoptr (GByteArray) contents = g_byte_array_new ();
  append_record (contents, f->params->message_start, p);
  write_plain_file (f, "blk00003.dat", contents);
  write_plain_file (f, "rev00003.dat", contents);

  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  uint8_t key[8];
  read_key (f, key);
  if (!key_is_zero (key))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) got = umk_block_store_read_block (bs, 3, 8, &error);
      g_assert_null (got);
      g_assert_nonnull (error);
      g_test_fail_printf ("%s",
                          "a pruned pre-v28 blocks folder (no blk00000.dat, no xor.dat) gets a "
                          "random key; its plain blk files become unreadable "
                          "(node/blockstore.c load_xor_key)");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, 3, 8, &error);
  g_assert_no_error (error);
  assert_bytes (got, p);
}

static void
test_xor_bad_key_file (Fixture *f, gconstpointer data)
{
  (void) data;
  static const int sizes[] = { 0, 1, 7, 9, 64 };
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_assert_cmpint (g_mkdir_with_parents (f->blocks_dir, 0700), ==, 0);
      g_autofree char *path = blocks_file (f, "xor.dat");
      char buf[64];
      memset (buf, 0x42, sizeof buf);
      g_assert_true (g_file_set_contents (path, buf, sizes[i], NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkBlockStore) bs
          = umk_block_store_new (f->blocks_dir, f->params->message_start, TRUE, &error);
      g_assert_null (bs);
      g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
      /* the bad key is left for the user to look at */
      g_autoptr (GBytes) still = read_file (path);
      g_assert_cmpuint (g_bytes_get_size (still), ==, sizes[i]);
    }
}

/* ---- Undo records ---------------------------------------------------------------- */

static void
write_undo (UmkBlockStore *bs, int file, const GByteArray *p, const UmkUint256 *prev, uint32_t *pos)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_block_store_write_undo (bs, file, p->data, p->len, prev, pos, &error));
  g_assert_no_error (error);
}

static void
flip_byte (const char *path, off_t offset)
{
  int fd = g_open (path, O_RDWR, 0);
  g_assert_cmpint (fd, >=, 0);
  uint8_t b;
  g_assert_cmpint (pread (fd, &b, 1, offset), ==, 1);
  b ^= 0x01;
  g_assert_cmpint (pwrite (fd, &b, 1, offset), ==, 1);
  close (fd);
}

static void
test_undo (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  UmkUint256 prev[3];
  for (int i = 0; i < 3; i++)
    memset (prev[i].b, 0x10 + i, 32);
  g_autoptr (GByteArray) u0 = random_payload (f->rand, 1);
  g_autoptr (GByteArray) u1 = random_payload (f->rand, 777);
  g_autoptr (GByteArray) u2 = random_payload (f->rand, 0);
  uint32_t pos[3];
  write_undo (bs, 0, u0, &prev[0], &pos[0]);
  write_undo (bs, 0, u1, &prev[1], &pos[1]);
  /* after a flush the rev file is opened again and appended to */
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_block_store_flush (bs, &error));
  write_undo (bs, 0, u2, &prev[2], &pos[2]);
  g_assert_cmpuint (pos[0], ==, 8);
  g_assert_cmpuint (pos[1], ==, 8 + 1 + 32 + 8);
  g_assert_cmpuint (pos[2], ==, pos[1] + 777 + 32 + 8);

  GByteArray *u[3] = { u0, u1, u2 };
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (GBytes) got = umk_block_store_read_undo (bs, 0, pos[i], &prev[i], &error);
      g_assert_no_error (error);
      assert_bytes (got, u[i]);
    }

  /* the file: magic, size, data, SHA256d(prev hash ‖ data), all XORed */
  g_autoptr (GByteArray) expect = g_byte_array_new ();
  for (int i = 0; i < 3; i++)
    {
      append_record (expect, f->params->message_start, u[i]);
      g_autoptr (GByteArray) pre = g_byte_array_new ();
      g_byte_array_append (pre, prev[i].b, 32);
      g_byte_array_append (pre, u[i]->data, u[i]->len);
      uint8_t sum[32];
      umk_sha256d (pre->data, pre->len, sum);
      g_byte_array_append (expect, sum, 32);
    }
  uint8_t key[8];
  read_key (f, key);
  g_autofree char *rev = blocks_file (f, "rev00000.dat");
  g_autoptr (GByteArray) plain = plain_file (rev, key);
  g_assert_cmpmem (plain->data, plain->len, expect->data, expect->len);
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.undo_size, ==, expect->len);
  g_assert_cmpuint (info.size, ==, 0);
  g_assert_cmpuint (umk_block_store_size_on_disk (bs), ==, expect->len);

  /* the wrong previous block: the checksum does not match */
  g_autoptr (GBytes) wrong = umk_block_store_read_undo (bs, 0, pos[1], &prev[0], &error);
  g_assert_null (wrong);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad checksum"));
  g_clear_error (&error);

  /* a flipped bit in the data, then one in the checksum */
  g_assert_true (umk_block_store_flush (bs, &error));
  flip_byte (rev, pos[1] + 100);
  g_autoptr (GBytes) bad = umk_block_store_read_undo (bs, 0, pos[1], &prev[1], &error);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error->message, "bad checksum"));
  g_clear_error (&error);
  flip_byte (rev, pos[1] + 100);
  flip_byte (rev, pos[1] + 777 + 31);
  g_autoptr (GBytes) bad2 = umk_block_store_read_undo (bs, 0, pos[1], &prev[1], &error);
  g_assert_null (bad2);
  g_assert_nonnull (strstr (error->message, "bad checksum"));
  g_clear_error (&error);
  flip_byte (rev, pos[1] + 777 + 31);
  g_autoptr (GBytes) good = umk_block_store_read_undo (bs, 0, pos[1], &prev[1], &error);
  g_assert_no_error (error);
  assert_bytes (good, u1);

  /* the checksum cut off at the end of the file */
  g_assert_cmpint (truncate (rev, expect->len - 1), ==, 0);
  g_autoptr (GBytes) cut = umk_block_store_read_undo (bs, 0, pos[2], &prev[2], &error);
  g_assert_null (cut);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED);
  g_clear_error (&error);
  /* no such rev file */
  g_autoptr (GBytes) none = umk_block_store_read_undo (bs, 5, 8, &prev[0], &error);
  g_assert_null (none);
  g_assert_error (error, UMK_ERROR, UMK_ERROR_FAILED);
  g_clear_error (&error);

  /* rev files of other numbers are separate */
  uint32_t p7;
  write_undo (bs, 7, u1, &prev[1], &p7);
  g_assert_cmpuint (p7, ==, 8);
  g_autoptr (GBytes) got7 = umk_block_store_read_undo (bs, 7, p7, &prev[1], &error);
  g_assert_no_error (error);
  assert_bytes (got7, u1);
  g_assert_true (umk_block_store_file_info (bs, 7, &info));
  g_assert_cmpuint (info.undo_size, ==, 8 + 777 + 32);
  g_assert_cmpuint (info.n_blocks, ==, 0);
}

/* ---- Bad reads -------------------------------------------------------------------- */

static void
expect_read_error (UmkBlockStore *bs, int file, uint32_t pos, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, file, pos, &error);
  g_assert_null (got);
  g_assert_error (error, UMK_ERROR, code);
}

static void
test_bad_reads (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  g_autoptr (GByteArray) p0 = random_payload (f->rand, 1000);
  g_autoptr (GByteArray) p1 = random_payload (f->rand, 2000);
  int file;
  uint32_t pos0, pos1;
  write_block (bs, p0, 0, 0, &file, &pos0);
  write_block (bs, p1, 1, 0, &file, &pos1);
  uint32_t end = pos1 + 2000;

  /* before any record header fits */
  for (uint32_t pos = 0; pos < UMK_STORAGE_HEADER_BYTES; pos++)
    expect_read_error (bs, 0, pos, UMK_ERROR_INVALID);
  /* inside a block: no message start there */
  expect_read_error (bs, 0, pos0 + 1, UMK_ERROR_INVALID);
  expect_read_error (bs, 0, pos0 + 500, UMK_ERROR_INVALID);
  expect_read_error (bs, 0, pos1 - 1, UMK_ERROR_INVALID);
  /* the header would be the last block's end; then past the end of the file */
  expect_read_error (bs, 0, end, UMK_ERROR_INVALID);
  expect_read_error (bs, 0, end + 4, UMK_ERROR_TRUNCATED);
  expect_read_error (bs, 0, end + 8, UMK_ERROR_TRUNCATED);
  expect_read_error (bs, 0, UINT32_MAX, UMK_ERROR_TRUNCATED);
  /* no such file */
  expect_read_error (bs, 1, 8, UMK_ERROR_FAILED);
  expect_read_error (bs, -1, 8, UMK_ERROR_FAILED);
  expect_read_error (bs, 99999, 8, UMK_ERROR_FAILED);

  /* another chain's message start: a mainnet store reading regtest files */
  {
    g_autoptr (UmkChainParams) mainnet = umk_chain_params_new (UMK_CHAIN_MAIN, NULL, NULL);
    g_assert_nonnull (mainnet);
    g_assert_true (memcmp (mainnet->message_start, f->params->message_start, 4) != 0);
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkBlockStore) other
        = umk_block_store_new (f->blocks_dir, mainnet->message_start, TRUE, &error);
    g_assert_no_error (error);
    expect_read_error (other, 0, pos0, UMK_ERROR_INVALID);
  }

  /* the file cut in the middle of the second block */
  g_autofree char *blk = blocks_file (f, "blk00000.dat");
  g_assert_cmpint (truncate (blk, pos1 + 1000), ==, 0);
  expect_read_error (bs, 0, pos1, UMK_ERROR_TRUNCATED);
  /* cut inside its header */
  g_assert_cmpint (truncate (blk, pos1 - 3), ==, 0);
  expect_read_error (bs, 0, pos1, UMK_ERROR_TRUNCATED);
  /* the first block is still fine */
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, 0, pos0, &error);
  g_assert_no_error (error);
  assert_bytes (got, p0);

  /* a record header claiming more than the 32 MiB serialization limit */
  uint8_t key[8];
  read_key (f, key);
  uint8_t hdr[8];
  memcpy (hdr, f->params->message_start, 4);
  hdr[4] = 0x01;
  hdr[5] = 0x00;
  hdr[6] = 0x00;
  hdr[7] = 0x02; /* 0x02000001 */
  for (int i = 0; i < 8; i++)
    hdr[i] ^= key[i % 8];
  g_autofree char *blk1 = blocks_file (f, "blk00001.dat");
  g_assert_true (g_file_set_contents (blk1, (const char *) hdr, sizeof hdr, NULL));
  expect_read_error (bs, 1, 8, UMK_ERROR_INVALID);
  /* the largest allowed size, with nothing behind it */
  hdr[7] = 0x02 ^ key[7];
  hdr[4] = 0x00 ^ key[4];
  g_assert_true (g_file_set_contents (blk1, (const char *) hdr, sizeof hdr, NULL));
  expect_read_error (bs, 1, 8, UMK_ERROR_TRUNCATED);
  /* a record of size 0 reads as an empty block */
  hdr[7] = key[7];
  g_assert_true (g_file_set_contents (blk1, (const char *) hdr, sizeof hdr, NULL));
  g_autoptr (GBytes) empty = umk_block_store_read_block (bs, 1, 8, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (empty), ==, 0);
  /* an empty file */
  g_assert_true (g_file_set_contents (blk1, "", 0, NULL));
  expect_read_error (bs, 1, 8, UMK_ERROR_TRUNCATED);
}

/* ---- File statistics ---------------------------------------------------------------- */

static UmkDb *
open_db (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "db", NULL);
  g_autoptr (GError) error = NULL;
  UmkDb *db = umk_db_open (path, FALSE, FALSE, &error);
  g_assert_no_error (error);
  return db;
}

static void
save_infos (UmkBlockStore *bs, UmkDb *db)
{
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (db, FALSE, &error);
  g_assert_no_error (error);
  g_assert_true (umk_block_store_save_infos (bs, txn, db->files, &error));
  g_assert_no_error (error);
  g_assert_true (umk_db_commit (txn, &error));
}

static void
load_infos (UmkBlockStore *bs, UmkDb *db)
{
  g_autoptr (GError) error = NULL;
  MDB_txn *txn = umk_db_begin (db, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (umk_block_store_load_infos (bs, txn, db->files, &error));
  g_assert_no_error (error);
  mdb_txn_abort (txn);
}

static void
assert_info_equal (const UmkBlockFileInfo *a, const UmkBlockFileInfo *b)
{
  g_assert_cmpuint (a->n_blocks, ==, b->n_blocks);
  g_assert_cmpuint (a->size, ==, b->size);
  g_assert_cmpuint (a->undo_size, ==, b->undo_size);
  g_assert_cmpint (a->height_first, ==, b->height_first);
  g_assert_cmpint (a->height_last, ==, b->height_last);
  g_assert_cmpuint (a->time_first, ==, b->time_first);
  g_assert_cmpuint (a->time_last, ==, b->time_last);
}

static void
test_infos (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkDb) db = open_db (f);
  UmkBlockFileInfo before0, before2;
  {
    g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
    load_infos (bs, db); /* empty table */
    g_assert_cmpint (umk_block_store_last_file (bs), ==, 0);
    static const int heights[] = { 5, 3, 9, 4 };
    static const uint32_t times[] = { 2000, 1000, 4000, 3000 };
    for (int i = 0; i < 4; i++)
      {
        g_autoptr (GByteArray) p = random_payload (f->rand, 100 + i);
        int file;
        uint32_t pos;
        write_block (bs, p, heights[i], times[i], &file, &pos);
      }
    g_autoptr (GByteArray) u = random_payload (f->rand, 50);
    UmkUint256 prev = { { 1 } };
    uint32_t upos;
    write_undo (bs, 0, u, &prev, &upos);
    /* a block noted in file 2 (as -reindex does) */
    umk_block_store_note_block (bs, 2, 8, 300, 77, 0xfffffff0u);
    umk_block_store_note_block (bs, 2, 316, 50, -1, 5);
    g_assert_cmpint (umk_block_store_last_file (bs), ==, 2);
    g_assert_true (umk_block_store_file_info (bs, 0, &before0));
    g_assert_true (umk_block_store_file_info (bs, 2, &before2));
    g_assert_cmpuint (before0.n_blocks, ==, 4);
    g_assert_cmpint (before0.height_first, ==, 3);
    g_assert_cmpint (before0.height_last, ==, 9);
    g_assert_cmpuint (before0.time_first, ==, 1000);
    g_assert_cmpuint (before0.time_last, ==, 4000);
    g_assert_cmpuint (before0.size, ==, 4 * 8 + 100 + 101 + 102 + 103);
    g_assert_cmpuint (before0.undo_size, ==, 8 + 50 + 32);
    g_assert_cmpuint (before2.n_blocks, ==, 2);
    g_assert_cmpuint (before2.size, ==, 316 + 50);
    g_assert_cmpint (before2.height_first, ==, -1);
    g_assert_cmpint (before2.height_last, ==, 77);
    g_assert_cmpuint (before2.time_first, ==, 5);
    g_assert_cmpuint (before2.time_last, ==, 0xfffffff0u);
    save_infos (bs, db);
    /* nothing changed since: saving again is harmless */
    save_infos (bs, db);
  }
  umk_db_close (g_steal_pointer (&db));
  db = open_db (f);
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  load_infos (bs, db);
  UmkBlockFileInfo after;
  g_assert_true (umk_block_store_file_info (bs, 0, &after));
  assert_info_equal (&after, &before0);
  g_assert_true (umk_block_store_file_info (bs, 2, &after));
  assert_info_equal (&after, &before2);
  /* file 1 was never used: zeros */
  g_assert_true (umk_block_store_file_info (bs, 1, &after));
  g_assert_cmpuint (after.n_blocks, ==, 0);
  g_assert_cmpint (umk_block_store_last_file (bs), ==, 2);
  g_assert_cmpuint (umk_block_store_size_on_disk (bs), ==,
                    before0.size + before0.undo_size + before2.size);

  /* writing goes on in the last file */
  g_autoptr (GByteArray) p = random_payload (f->rand, 100);
  int file;
  uint32_t pos;
  write_block (bs, p, 10, 5000, &file, &pos);
  g_assert_cmpint (file, ==, 2);
  g_assert_cmpuint (pos, ==, before2.size + 8);

  /* -reindex forgets them all */
  umk_block_store_reset_infos (bs);
  g_assert_false (umk_block_store_file_info (bs, 0, &after));
  g_assert_cmpint (umk_block_store_last_file (bs), ==, 0);
  g_assert_cmpuint (umk_block_store_size_on_disk (bs), ==, 0);
}

static void
test_infos_corrupted (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkDb) db = open_db (f);
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  g_autoptr (GError) error = NULL;
  static const struct
  {
    uint8_t key[4];
    size_t klen;
    size_t vlen;
    gboolean ok;
  } cases[] = {
    { { 0, 0, 0, 1 }, 4, 35, FALSE },       /* short record */
    { { 0, 0, 0, 1 }, 4, 37, FALSE },       /* long record */
    { { 0, 0, 0, 1 }, 4, 0, FALSE },        /* empty */
    { { 0x80, 0, 0, 0 }, 4, 36, FALSE },    /* negative file number */
    { { 0, 1, 0x86, 0xa0 }, 4, 36, FALSE }, /* file 100000 */
    { { 0, 0, 0 }, 3, 36, TRUE },           /* some other key: skipped */
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MDB_txn *txn = umk_db_begin (db, FALSE, &error);
      g_assert_no_error (error);
      g_assert_cmpint (mdb_drop (txn, db->files, 0), ==, 0);
      uint8_t val[64] = { 1 };
      g_assert_true (
          umk_db_put (txn, db->files, cases[i].key, cases[i].klen, val, cases[i].vlen, &error));
      gboolean ok = umk_block_store_load_infos (bs, txn, db->files, &error);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (!ok)
        g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
      else
        g_assert_no_error (error);
      g_clear_error (&error);
      mdb_txn_abort (txn);
    }
}

/* ---- Rollover ---------------------------------------------------------------------- */

static void
test_rollover (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  /* Pretend file 0 holds almost 128 MiB: the statistics decide where the next
   * block goes, and the file itself stays sparse. */
  const uint32_t used = UMK_MAX_BLOCKFILE_SIZE - 1000;
  umk_block_store_note_block (bs, 0, 8, used - 8, 0, 1);
  g_autoptr (GByteArray) small = random_payload (f->rand, 500);
  g_autoptr (GByteArray) big = random_payload (f->rand, 600);
  int file;
  uint32_t pos;
  /* 508 bytes fit below the limit */
  write_block (bs, small, 1, 2, &file, &pos);
  g_assert_cmpint (file, ==, 0);
  g_assert_cmpuint (pos, ==, used + 8);
  /* 608 more do not: the block starts blk00001.dat */
  write_block (bs, big, 2, 3, &file, &pos);
  g_assert_cmpint (file, ==, 1);
  g_assert_cmpuint (pos, ==, 8);
  g_assert_cmpint (umk_block_store_last_file (bs), ==, 1);
  g_autofree char *blk1 = blocks_file (f, "blk00001.dat");
  g_assert_true (g_file_test (blk1, G_FILE_TEST_EXISTS));
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, 1, 8, &error);
  g_assert_no_error (error);
  assert_bytes (got, big);
  g_autoptr (GBytes) got0 = umk_block_store_read_block (bs, 0, used + 8, &error);
  g_assert_no_error (error);
  assert_bytes (got0, small);
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.size, ==, used + 508);
  g_assert_cmpuint (info.n_blocks, ==, 2);
  g_assert_true (umk_block_store_file_info (bs, 1, &info));
  g_assert_cmpuint (info.size, ==, 608);
  g_assert_cmpuint (info.n_blocks, ==, 1);
  g_assert_cmpint (info.height_first, ==, 2);
  /* and the next block follows it there */
  write_block (bs, small, 3, 4, &file, &pos);
  g_assert_cmpint (file, ==, 1);
  g_assert_cmpuint (pos, ==, 608 + 8);
}

static void
test_rollover_boundary (Fixture *f, gconstpointer data)
{
  (void) data;
  /* Core moves on when size + record >= MAX_BLOCKFILE_SIZE (FindNextBlockPos),
   * so a file never reaches 128 MiB exactly. */
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  const uint32_t used = UMK_MAX_BLOCKFILE_SIZE - 1000;
  umk_block_store_note_block (bs, 0, 8, used - 8, 0, 1);
  /* leaves 9 bytes below the limit */
  g_autoptr (GByteArray) one_less = random_payload (f->rand, 1000 - 8 - 9);
  g_autoptr (GByteArray) exact = random_payload (f->rand, 1);
  int file;
  uint32_t pos;
  write_block (bs, one_less, 1, 2, &file, &pos);
  g_assert_cmpint (file, ==, 0);
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.size, ==, UMK_MAX_BLOCKFILE_SIZE - 9);
  /* a record of 9 bytes would bring the file exactly to the limit */
  write_block (bs, exact, 2, 3, &file, &pos);
  if (file == 0)
    {
      g_test_fail_printf ("%s",
                          "a block record ending exactly at UMK_MAX_BLOCKFILE_SIZE stays in the "
                          "file; Core moves to the next one (>=, node/blockstore.c)");
      return;
    }
  g_assert_cmpint (file, ==, 1);
}

/* ---- Removing files ------------------------------------------------------------------- */

static void
test_remove_file (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkDb) db = open_db (f);
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  /* blocks in file 0 and file 1 (file 0 made to look full) */
  g_autoptr (GByteArray) p = random_payload (f->rand, 200);
  int file;
  uint32_t pos;
  write_block (bs, p, 0, 1, &file, &pos);
  g_assert_cmpint (file, ==, 0);
  UmkUint256 prev = { { 2 } };
  uint32_t upos;
  write_undo (bs, 0, p, &prev, &upos);
  umk_block_store_note_block (bs, 0, pos, UMK_MAX_BLOCKFILE_SIZE - pos - 100, 1, 2);
  write_block (bs, p, 2, 3, &file, &pos);
  g_assert_cmpint (file, ==, 1);
  write_undo (bs, 1, p, &prev, &upos);
  save_infos (bs, db);

  g_autofree char *blk0 = blocks_file (f, "blk00000.dat");
  g_autofree char *rev0 = blocks_file (f, "rev00000.dat");
  g_autofree char *blk1 = blocks_file (f, "blk00001.dat");
  g_assert_true (g_file_test (blk0, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (rev0, G_FILE_TEST_EXISTS));
  uint64_t before = umk_block_store_size_on_disk (bs);

  umk_block_store_remove_file (bs, 0);
  g_assert_false (g_file_test (blk0, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (rev0, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (blk1, G_FILE_TEST_EXISTS));
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.n_blocks, ==, 0);
  g_assert_cmpuint (info.size, ==, 0);
  g_assert_cmpuint (info.undo_size, ==, 0);
  g_assert_cmpuint (umk_block_store_size_on_disk (bs), ==,
                    before - (UMK_MAX_BLOCKFILE_SIZE - 100) - (8 + 200 + 32));
  expect_read_error (bs, 0, 8, UMK_ERROR_FAILED);
  /* file 1 still reads */
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, 1, 8, &error);
  g_assert_no_error (error);
  assert_bytes (got, p);
  g_autoptr (GBytes) ugot = umk_block_store_read_undo (bs, 1, upos, &prev, &error);
  g_assert_no_error (error);
  assert_bytes (ugot, p);

  /* the zeroed statistics reach the database */
  save_infos (bs, db);
  g_autoptr (UmkBlockStore) bs2 = open_store (f, TRUE);
  load_infos (bs2, db);
  g_assert_true (umk_block_store_file_info (bs2, 0, &info));
  g_assert_cmpuint (info.size, ==, 0);
  g_assert_cmpint (umk_block_store_last_file (bs2), ==, 1);

  /* files that do not exist: nothing happens */
  umk_block_store_remove_file (bs, 0);
  umk_block_store_remove_file (bs, 42);
  umk_block_store_remove_file (bs, -1);
  g_assert_true (g_file_test (blk1, G_FILE_TEST_EXISTS));
}

static void
test_remove_current_file (Fixture *f, gconstpointer data)
{
  (void) data;
  /* Core never prunes the file it is writing to (FindFilesToPrune stops
   * before the last one); if a caller does, later blocks must not vanish. */
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  g_autoptr (GByteArray) p = random_payload (f->rand, 100);
  int file;
  uint32_t pos;
  write_block (bs, p, 0, 1, &file, &pos);
  umk_block_store_remove_file (bs, 0);
  g_autofree char *blk0 = blocks_file (f, "blk00000.dat");
  g_assert_false (g_file_test (blk0, G_FILE_TEST_EXISTS));
  g_autoptr (GError) error = NULL;
  gboolean ok = umk_block_store_write_block (bs, p->data, p->len, 1, 2, &file, &pos, &error);
  if (!ok)
    {
      /* refusing is fine too */
      g_assert_nonnull (error);
      return;
    }
  g_autoptr (GBytes) got = umk_block_store_read_block (bs, file, pos, &error);
  if (got == NULL)
    {
      g_test_fail_printf ("%s",
                          "after umk_block_store_remove_file of the current blk file, new blocks "
                          "are written to the unlinked file and cannot be read back");
      return;
    }
  assert_bytes (got, p);
}

/* ---- Reading while writing ------------------------------------------------------------- */

typedef struct
{
  UmkBlockStore *bs;
  GPtrArray *payloads;
  GAsyncQueue *written; /* positions (pos + 1) of blocks written, in order */
} WriterData;

static gpointer
writer_main (gpointer p)
{
  WriterData *w = p;
  for (guint i = 0; i < w->payloads->len; i++)
    {
      GByteArray *b = w->payloads->pdata[i];
      int file;
      uint32_t pos;
      if (!umk_block_store_write_block (w->bs, b->data, b->len, (int) i, i, &file, &pos, NULL))
        return GINT_TO_POINTER (1);
      g_async_queue_push (w->written, GUINT_TO_POINTER (pos + 1));
    }
  return NULL;
}

static void
test_read_while_writing (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (UmkBlockStore) bs = open_store (f, TRUE);
  g_autoptr (GPtrArray) payloads
      = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  for (int i = 0; i < 300; i++)
    g_ptr_array_add (payloads,
                     random_payload (f->rand, (size_t) g_rand_int_range (f->rand, 80, 3000)));
  WriterData w = { bs, payloads, g_async_queue_new () };
  GThread *t = g_thread_new ("writer", writer_main, &w);
  uint32_t positions[300];
  for (int i = 0; i < 300; i++)
    {
      positions[i] = GPOINTER_TO_UINT (g_async_queue_pop (w.written)) - 1;
      /* read this one and an earlier one while the writer goes on */
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) got = umk_block_store_read_block (bs, 0, positions[i], &error);
      g_assert_no_error (error);
      assert_bytes (got, payloads->pdata[i]);
      int j = g_rand_int_range (f->rand, 0, i + 1);
      g_autoptr (GBytes) old = umk_block_store_read_block (bs, 0, positions[j], &error);
      g_assert_no_error (error);
      assert_bytes (old, payloads->pdata[j]);
    }
  g_assert_null (g_thread_join (t));
  g_async_queue_unref (w.written);
  UmkBlockFileInfo info;
  g_assert_true (umk_block_store_file_info (bs, 0, &info));
  g_assert_cmpuint (info.n_blocks, ==, 300);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/blockstore/write-read", test_write_read);
  ADD ("/blockstore/xor/new-folder", test_xor_new_folder);
  ADD ("/blockstore/xor/disabled", test_xor_disabled);
  ADD ("/blockstore/xor/cannot-be-disabled", test_xor_cannot_be_disabled);
  ADD ("/blockstore/xor/old-folder", test_xor_old_folder);
  ADD ("/blockstore/xor/old-pruned-folder", test_xor_old_pruned_folder);
  ADD ("/blockstore/xor/bad-key-file", test_xor_bad_key_file);
  ADD ("/blockstore/undo", test_undo);
  ADD ("/blockstore/bad-reads", test_bad_reads);
  ADD ("/blockstore/infos", test_infos);
  ADD ("/blockstore/infos-corrupted", test_infos_corrupted);
  ADD ("/blockstore/rollover", test_rollover);
  ADD ("/blockstore/rollover-boundary", test_rollover_boundary);
  ADD ("/blockstore/remove-file", test_remove_file);
  ADD ("/blockstore/remove-current-file", test_remove_current_file);
  ADD ("/blockstore/read-while-writing", test_read_while_writing);
#undef ADD
  return g_test_run ();
}
