/* Tests for wallet/wallet-store.c: creating, reopening and locking a wallet's
 * LMDB store, its records, and refusing with an error — never a crash —
 * every kind of foreign, damaged or newer file: nothing, garbage of many
 * sizes, a file with LMDB's magic and nonsense after it, a real store cut
 * short or with flipped bits, foreign and malformed records. */
#include "config.h"

#include "common/uint256.h"
#include "test-util.h"
#include "wallet/wallet-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <lmdb.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  char *dir;    /* the temporary folder */
  char *wallet; /* dir/w */
  char *file;   /* dir/w/wallet.mdb */
  GRand *rand;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void) data;
  f->dir = umk_test_make_tmpdir ();
  f->wallet = g_build_filename (f->dir, "w", NULL);
  f->file = g_build_filename (f->wallet, UMK_WALLET_STORE_FILENAME, NULL);
  f->rand = g_rand_new_with_seed ((guint32) g_test_rand_int ());
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  umk_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->wallet);
  g_free (f->file);
  g_rand_free (f->rand);
}

#define FLAGS (UMK_WALLET_FLAG_DESCRIPTORS | UMK_WALLET_FLAG_BLANK)

static void
make_store (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletStore) s = umk_wallet_store_create (f->wallet, FLAGS, 1700000000, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
  UmkUint256 hash;
  memset (hash.b, 0xab, sizeof hash.b);
  g_assert_true (umk_wallet_store_write_best_block (s, 7, &hash, &error));
}

static GBytes *
read_file (const char *path)
{
  char *data;
  gsize len;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  return g_bytes_new_take (data, len);
}

static void
write_file (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, data, (gssize) len, &error));
}

/* Opens the store and expects it refused with UMK_WALLET_ERROR code and a
 * message containing part. */
static void
assert_open_fails (const char *dir, int code, const char *part)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletStore) s = umk_wallet_store_open (dir, &error);
  g_assert_null (s);
  g_assert_error (error, UMK_WALLET_ERROR, code);
  if (part && !strstr (error->message, part))
    g_error ("expected \"%s\" in \"%s\"", part, error->message);
}

/* ---- Creating and reopening --------------------------------------------------------- */

static void
test_create_reopen (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_wallet_store_exists (f->wallet));
  UmkWalletStore *s = umk_wallet_store_create (f->wallet, FLAGS, 1700000000, &error);
  g_assert_no_error (error);
  g_assert_true (umk_wallet_store_exists (f->wallet));
  g_assert_cmpstr (umk_wallet_store_get_dir (s), ==, f->wallet);
  g_assert_cmpstr (umk_wallet_store_get_file (s), ==, f->file);
  g_assert_cmpuint (umk_wallet_store_get_format (s), ==, UMK_WALLET_STORE_FORMAT);
  g_assert_cmpint (umk_wallet_store_get_creation_time (s), ==, 1700000000);
  g_assert_cmpuint (umk_wallet_store_get_flags (s), ==, FLAGS);
  int height;
  UmkUint256 hash, zero = { { 0 } };
  umk_wallet_store_get_best_block (s, &height, &hash);
  g_assert_cmpint (height, ==, -1);
  g_assert_true (umk_uint256_equal (&hash, &zero));

  /* The folder is private, the file too, and LMDB's lock file is not used. */
  struct stat st;
  g_assert_cmpint (stat (f->wallet, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (stat (f->file, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *lock = g_strconcat (f->file, "-lock", NULL);
  g_assert_false (g_file_test (lock, G_FILE_TEST_EXISTS));

  memset (hash.b, 0x5a, sizeof hash.b);
  hash.b[0] = 1;
  g_assert_true (umk_wallet_store_write_best_block (s, 123456, &hash, &error));
  umk_wallet_store_close (s);

  s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
  g_assert_cmpint (umk_wallet_store_get_creation_time (s), ==, 1700000000);
  g_assert_cmpuint (umk_wallet_store_get_flags (s), ==, FLAGS);
  UmkUint256 back;
  umk_wallet_store_get_best_block (s, &height, &back);
  g_assert_cmpint (height, ==, 123456);
  g_assert_true (umk_uint256_equal (&hash, &back));
  /* -1 removes the record. */
  g_assert_true (umk_wallet_store_write_best_block (s, -1, NULL, &error));
  umk_wallet_store_close (s);
  s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
  umk_wallet_store_get_best_block (s, &height, &back);
  g_assert_cmpint (height, ==, -1);
  g_assert_true (umk_uint256_equal (&back, &zero));
  umk_wallet_store_close (s);
}

static void
test_create_refused (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  make_store (f);
  UmkWalletStore *s = umk_wallet_store_create (f->wallet, FLAGS, 1, &error);
  g_assert_null (s);
  g_assert_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_ALREADY_EXISTS);
  g_autofree char *expected = g_strdup_printf (
      "Failed to create database path '%s'. Database already exists.", f->wallet);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* An existing empty folder is fine; a foreign wallet.mdb is left alone. */
  g_autofree char *empty = g_build_filename (f->dir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  s = umk_wallet_store_create (empty, FLAGS, 1, &error);
  g_assert_no_error (error);
  umk_wallet_store_close (s);

  g_autofree char *foreign = g_build_filename (f->dir, "foreign", NULL);
  g_autofree char *foreign_file = g_build_filename (foreign, UMK_WALLET_STORE_FILENAME, NULL);
  g_assert_cmpint (g_mkdir (foreign, 0700), ==, 0);
  write_file (foreign_file, "not a wallet", 12);
  s = umk_wallet_store_create (foreign, FLAGS, 1, &error);
  g_assert_null (s);
  g_assert_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED);
  g_clear_error (&error);
  g_autoptr (GBytes) still = read_file (foreign_file);
  g_assert_cmpuint (g_bytes_get_size (still), ==, 12);

  /* A path through a file cannot become a folder; nothing stays behind. */
  g_autofree char *through = g_build_filename (foreign_file, "x", NULL);
  s = umk_wallet_store_create (through, FLAGS, 1, &error);
  g_assert_null (s);
  g_assert_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED);
}

static void
test_lock (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  make_store (f);
  UmkWalletStore *s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
  /* A second owner, in this process... */
  assert_open_fails (f->wallet, UMK_WALLET_ERROR_FAILED,
                     "Unable to obtain an exclusive lock on the wallet database");
  /* ... or in another one. */
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      GError *child_error = NULL;
      UmkWalletStore *c = umk_wallet_store_open (f->wallet, &child_error);
      _exit (c == NULL && strstr (child_error->message, "exclusive lock") ? 0 : 1);
    }
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  umk_wallet_store_close (s);
  s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
  umk_wallet_store_close (s);
}

/* ---- Not a store --------------------------------------------------------------------- */

static void
test_not_found (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *missing
      = g_strdup_printf ("Failed to load database path '%s'. Path does not exist.", f->wallet);
  assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, missing);
  g_assert_cmpint (g_mkdir (f->wallet, 0700), ==, 0);
  g_autofree char *format = g_strdup_printf (
      "Failed to load database path '%s'. Data is not in recognized format.", f->wallet);
  assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, format);
  g_assert_false (umk_wallet_store_exists (f->wallet));

  /* wallet.mdb as a folder, as a symbolic link to a real store, and the
   * wallet's path as a file. */
  g_assert_cmpint (g_mkdir (f->file, 0700), ==, 0);
  assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, format);
  g_assert_cmpint (g_rmdir (f->file), ==, 0);
  g_autofree char *real = g_build_filename (f->dir, "real", NULL);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkWalletStore) s = umk_wallet_store_create (real, FLAGS, 1, &error);
    g_assert_no_error (error);
  }
  g_autofree char *real_file = g_build_filename (real, UMK_WALLET_STORE_FILENAME, NULL);
  g_assert_cmpint (symlink (real_file, f->file), ==, 0);
  g_assert_false (umk_wallet_store_exists (f->wallet));
  assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, format);
  g_autofree char *plain = g_build_filename (f->dir, "plain", NULL);
  write_file (plain, "x", 1);
  g_autofree char *plain_msg = g_strdup_printf (
      "Failed to load database path '%s'. Data is not in recognized format.", plain);
  assert_open_fails (plain, UMK_WALLET_ERROR_NOT_FOUND, plain_msg);
}

static void
test_garbage (Fixture *f, gconstpointer data)
{
  (void) data;
  g_assert_cmpint (g_mkdir (f->wallet, 0700), ==, 0);
  static const gsize sizes[] = { 0, 1, 15, 16, 20, 44, 511, 4096, 8191, 8192, 8193, 65536, 200000 };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree guint8 *bytes = umk_test_random_bytes (f->rand, sizes[i]);
      write_file (f->file, bytes, sizes[i]);
      g_assert_false (umk_wallet_store_exists (f->wallet));
      assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, "not in recognized format");
      /* LMDB's magic and version with nonsense after them: page sizes
       * that are no power of two or out of range, a file too short. */
      if (sizes[i] >= 44)
        {
          static const guint8 magic[] = { 0xde, 0xc0, 0xef, 0xbe, 1, 0, 0, 0 };
          memcpy (bytes + 16, magic, sizeof magic);
          static const guint32 bad_psizes[] = { 0, 1, 3, 256, 4095, 131072, 0xffffffffu };
          for (gsize p = 0; p < G_N_ELEMENTS (bad_psizes); p++)
            {
              for (int k = 0; k < 4; k++)
                bytes[40 + k] = (guint8) (bad_psizes[p] >> (8 * k));
              write_file (f->file, bytes, sizes[i]);
              assert_open_fails (f->wallet, UMK_WALLET_ERROR_NOT_FOUND, "not in recognized format");
            }
          /* A plausible page size and random pages: refused by LMDB or by
           * the record checks, never a crash. */
          bytes[40] = 0, bytes[41] = 0x10, bytes[42] = 0, bytes[43] = 0;
          write_file (f->file, bytes, sizes[i]);
          g_autoptr (GError) error = NULL;
          g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
          g_assert_null (s);
          g_assert_nonnull (error);
        }
    }
}

/* A real store cut short at every page boundary and in between. */
static void
test_truncated (Fixture *f, gconstpointer data)
{
  (void) data;
  make_store (f);
  g_autoptr (GBytes) whole = read_file (f->file);
  gsize len = g_bytes_get_size (whole);
  g_assert_cmpuint (len, >=, 3 * 4096);
  for (gsize cut = 0; cut < len; cut += (cut < 64 ? 8 : 2048))
    {
      write_file (f->file, g_bytes_get_data (whole, NULL), cut);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
      g_assert_null (s);
      g_assert_nonnull (error);
    }
  /* Whole again, it opens. */
  write_file (f->file, g_bytes_get_data (whole, NULL), len);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
}

/* Flipped bits: every bit pattern 1, 8, 64 of the meta records (what LMDB
 * reads first and trusts most) and random bits anywhere in a store with a
 * few transactions' worth of pages. Each file is refused or, when the flip
 * hit an unused byte or the older meta page, opened with its records; it
 * never crashes the process (LMDB alone would read past the file for a
 * damaged page number). A flip inside a stored value cannot be noticed:
 * LMDB keeps no checksums. */
static void
test_flipped_bits (Fixture *f, gconstpointer data)
{
  (void) data;
  make_store (f);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
    UmkUint256 hash;
    memset (hash.b, 0x11, sizeof hash.b);
    for (int h = 8; h < 12; h++)
      g_assert_true (umk_wallet_store_write_best_block (s, h, &hash, &error));
  }
  g_autoptr (GBytes) whole = read_file (f->file);
  gsize len;
  const guint8 *orig = g_bytes_get_data (whole, &len);
  int fd = open (f->file, O_RDWR | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  guint refused = 0, opened = 0;
  GArray *flips = g_array_new (FALSE, FALSE, sizeof (gsize));
  for (gsize page = 0; page < 2; page++)
    for (gsize pos = page * 4096; pos < page * 4096 + 160; pos++)
      for (gsize bit = 0; bit < 8; bit += 3)
        {
          gsize flip = pos * 8 + bit;
          g_array_append_val (flips, flip);
        }
  guint n_meta = flips->len;
  for (int i = 0; i < 3000; i++)
    {
      gsize flip = (gsize) g_rand_int_range (f->rand, 0, (gint32) (len * 8));
      g_array_append_val (flips, flip);
    }
  for (guint i = 0; i < flips->len; i++)
    {
      gsize pos = g_array_index (flips, gsize, i) / 8;
      guint8 byte = orig[pos] ^ (guint8) (1u << (g_array_index (flips, gsize, i) % 8));
      g_assert_cmpint (pwrite (fd, &byte, 1, (off_t) pos), ==, 1);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
      if (s == NULL)
        {
          g_assert_nonnull (error);
          refused++;
        }
      else if (i < n_meta)
        {
          /* A meta page flip leaves the data alone: LMDB shows this or an
           * earlier committed state. */
          opened++;
          g_assert_cmpuint (umk_wallet_store_get_flags (s), ==, FLAGS);
          int height;
          umk_wallet_store_get_best_block (s, &height, NULL);
          g_assert_true (height >= 7 && height <= 11);
        }
      else
        opened++; /* LMDB has no checksums: a flip in a value reads back flipped */
      g_assert_cmpint (pwrite (fd, orig + pos, 1, (off_t) pos), ==, 1);
    }
  g_array_unref (flips);
  close (fd);
  g_test_message ("flips: %u refused, %u opened", refused, opened);
  g_assert_cmpuint (refused, >, 0);
}

/* ---- Records --------------------------------------------------------------------------- */

/* Writes (or with len -1 deletes) one record straight into the store. */
static void
poke (Fixture *f, const char *key, const void *value, gssize len)
{
  MDB_env *env;
  g_assert_cmpint (mdb_env_create (&env), ==, 0);
  g_assert_cmpint (mdb_env_open (env, f->file, MDB_NOSUBDIR | MDB_NOLOCK, 0600), ==, 0);
  MDB_txn *txn;
  MDB_dbi dbi;
  g_assert_cmpint (mdb_txn_begin (env, NULL, 0, &txn), ==, 0);
  g_assert_cmpint (mdb_dbi_open (txn, NULL, 0, &dbi), ==, 0);
  MDB_val k = { strlen (key), (void *) key }, v = { (size_t) MAX (len, 0), (void *) value };
  if (len < 0)
    {
      int rc = mdb_del (txn, dbi, &k, NULL);
      g_assert_true (rc == 0 || rc == MDB_NOTFOUND);
    }
  else
    g_assert_cmpint (mdb_put (txn, dbi, &k, &v, 0), ==, 0);
  g_assert_cmpint (mdb_txn_commit (txn), ==, 0);
  mdb_env_close (env);
}

static void
test_records (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *corrupted = NULL;
  g_autofree char *newer = NULL;
  corrupted = g_strdup_printf ("Error loading %s: Wallet corrupted", f->file);
  newer = g_strdup_printf ("Error loading %s: Wallet requires newer version of umkoin-wallet",
                           f->file);
  static const guint8 one[5] = { 1, 0, 0, 0, 0 };
  static const guint8 two[4] = { 2, 0, 0, 0 };
  static const guint8 zero4[4] = { 0 };
  guint8 flags[8], bad_best[36];

  struct
  {
    const char *key;
    const void *value;
    gssize len;
    const char *expect; /* NULL: opens */
  } cases[] = {
    { "format", NULL, -1, corrupted },
    { "format", one, 3, corrupted },
    { "format", one, 5, corrupted },
    { "format", zero4, 4, corrupted },
    { "format", two, 4, newer },
    { "created", NULL, -1, corrupted },
    { "created", one, 4, corrupted },
    { "flags", NULL, -1, corrupted },
    { "flags", flags, 8, newer }, /* bit 40: unknown and mandatory */
    { "bestblock", bad_best, 35, corrupted },
    { "bestblock", bad_best, 36, corrupted }, /* negative height */
    { "bestblock", NULL, -1, NULL },          /* absent: none yet */
    { "something_else", "x", 1, NULL },       /* unknown records are kept */
  };
  memset (flags, 0, sizeof flags);
  flags[5] = 1; /* 1 << 40 */
  memset (bad_best, 0xff, sizeof bad_best);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      make_store (f);
      poke (f, cases[i].key, cases[i].value, cases[i].len);
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
      if (cases[i].expect == NULL)
        g_assert_no_error (error);
      else
        {
          g_assert_null (s);
          g_assert_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED);
          g_assert_cmpstr (error->message, ==, cases[i].expect);
        }
      g_clear_pointer (&s, umk_wallet_store_close);
      umk_test_rm_rf (f->wallet);
    }

  /* An unknown flag below bit 32 is tolerated and kept (Core's rule). */
  make_store (f);
  guint64 tolerated = FLAGS | (G_GUINT64_CONSTANT (1) << 9);
  for (int k = 0; k < 8; k++)
    flags[k] = (guint8) (tolerated >> (8 * k));
  poke (f, "flags", flags, 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkWalletStore) s = umk_wallet_store_open (f->wallet, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (umk_wallet_store_get_flags (s), ==, tolerated);
  g_clear_pointer (&s, umk_wallet_store_close);

  /* An LMDB environment of someone else's, with none of our records. */
  umk_test_rm_rf (f->wallet);
  g_assert_cmpint (g_mkdir (f->wallet, 0700), ==, 0);
  write_file (f->file, "", 0);
  poke (f, "hello", "world", 5);
  g_assert_true (umk_wallet_store_exists (f->wallet));
  s = umk_wallet_store_open (f->wallet, &error);
  g_assert_null (s);
  g_assert_cmpstr (error->message, ==, corrupted);
}

static void
test_flag_names (void)
{
  g_assert_cmpstr (umk_wallet_flag_name (UMK_WALLET_FLAG_AVOID_REUSE), ==, "avoid_reuse");
  g_assert_cmpstr (umk_wallet_flag_name (UMK_WALLET_FLAG_BLANK), ==, "blank");
  g_assert_cmpstr (umk_wallet_flag_name (UMK_WALLET_FLAG_DISABLE_PRIVATE_KEYS), ==,
                   "disable_private_keys");
  g_assert_cmpstr (umk_wallet_flag_name (UMK_WALLET_FLAG_DESCRIPTORS), ==, "descriptor_wallet");
  g_assert_cmpstr (umk_wallet_flag_name (UMK_WALLET_FLAG_EXTERNAL_SIGNER), ==, "external_signer");
  g_assert_null (umk_wallet_flag_name (G_GUINT64_CONSTANT (1) << 20));
  g_assert_null (umk_wallet_flag_name (0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) \
  g_test_add ("/wallet-store/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("create-reopen", test_create_reopen);
  ADD ("create-refused", test_create_refused);
  ADD ("lock", test_lock);
  ADD ("not-found", test_not_found);
  ADD ("garbage", test_garbage);
  ADD ("truncated", test_truncated);
  ADD ("flipped-bits", test_flipped_bits);
  ADD ("records", test_records);
  g_test_add_func ("/wallet-store/flag-names", test_flag_names);
  return g_test_run ();
}
