/* bench.c — benchmarks of the common library (not a test: run by hand).
 *
 *   build/tests/bench/umk-bench [DATA_DIR]
 *
 * Each figure is the best of several timed rounds of about 0.2 s, so a busy
 * machine inflates it less. DATA_DIR defaults to the source tree's tests/data.
 */
#include "config.h"

#include "common/block.h"
#include "common/hash.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>

#define ROUNDS 7

typedef void (*BenchFunc) (gpointer data, guint64 iterations);

/* Runs func for about 0.2 s per round; returns the best nanoseconds per iteration. */
static double
measure (BenchFunc func, gpointer data)
{
  guint64 iterations = 1;
  /* calibrate: grow until one round takes at least 50 ms */
  for (;;)
    {
      gint64 t0 = g_get_monotonic_time ();
      func (data, iterations);
      gint64 dt = g_get_monotonic_time () - t0;
      if (dt >= 50000)
        {
          iterations = MAX (1, iterations * 200000 / (guint64) dt);
          break;
        }
      iterations *= 4;
    }
  double best = G_MAXDOUBLE;
  for (int r = 0; r < ROUNDS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      func (data, iterations);
      double ns = (double) (g_get_monotonic_time () - t0) * 1000.0 / (double) iterations;
      best = MIN (best, ns);
    }
  return best;
}

static void
bench_sha256d_64 (gpointer data, guint64 n)
{
  uint8_t *buf = data;
  for (guint64 i = 0; i < n; i++)
    umk_sha256d (buf, 64, buf); /* chained, as a merkle tree does */
}

static void
bench_sha256_1m (gpointer data, guint64 n)
{
  uint8_t out[32];
  for (guint64 i = 0; i < n; i++)
    umk_sha256 (data, 1 << 20, out);
}

static void
bench_sha256d_1m (gpointer data, guint64 n)
{
  uint8_t out[32];
  for (guint64 i = 0; i < n; i++)
    umk_sha256d (data, 1 << 20, out);
}

static void
bench_block_parse (gpointer data, guint64 n)
{
  GBytes *bytes = data;
  for (guint64 i = 0; i < n; i++)
    {
      /* parsing computes every txid and wtxid */
      UmkBlock *block = umk_block_new_from_bytes (bytes, NULL);
      g_assert (block != NULL);
      umk_block_free (block);
    }
}

static void
bench_block_merkle (gpointer data, guint64 n)
{
  const UmkBlock *block = data;
  UmkUint256 root;
  for (guint64 i = 0; i < n; i++)
    umk_block_merkle_root (block, &root, NULL);
}

int
main (int argc, char **argv)
{
  const char *dir = argc > 1 ? argv[1] : SOURCE_DATA_DIR;
  uint8_t small[64] = { 1 };
  uint8_t *big = g_malloc0 (1 << 20);

  double ns = measure (bench_sha256d_64, small);
  printf ("sha256d 64 B:        %8.1f ns/hash   %8.1f MB/s\n", ns, 64e3 / ns);
  ns = measure (bench_sha256_1m, big);
  printf ("sha256  1 MiB:       %8.1f us/hash   %8.1f MB/s\n", ns / 1e3, (1 << 20) * 1e3 / ns);
  ns = measure (bench_sha256d_1m, big);
  printf ("sha256d 1 MiB:       %8.1f us/hash   %8.1f MB/s\n", ns / 1e3, (1 << 20) * 1e3 / ns);

  const char *names[] = {
    "bitcoin-mainnet-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk",
    "bitcoin-mainnet-0000000000000000001602407ac49862a7bca9d00f7f402db20b7be2f5de59d2.blk",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (dir, "blocks", names[i], NULL);
      g_autoptr (GError) error = NULL;
      char *contents;
      gsize len;
      if (!g_file_get_contents (path, &contents, &len, &error))
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      g_autoptr (GBytes) bytes = g_bytes_new_take (contents, len);
      g_autoptr (UmkBlock) block = umk_block_new_from_bytes (bytes, &error);
      g_assert_no_error (error);
      ns = measure (bench_block_parse, bytes);
      printf (
          "block %.1f MB, %4zu txs: parse + all txids/wtxids %7.3f ms   %7.1f MB/s   %6.0f tx/ms\n",
          len / 1e6, block->n_tx, ns / 1e6, len * 1e3 / ns, block->n_tx * 1e6 / ns);
      ns = measure (bench_block_merkle, block);
      printf ("block %.1f MB, %4zu txs: merkle root                %7.3f ms\n", len / 1e6,
              block->n_tx, ns / 1e6);
    }
  g_free (big);
  return 0;
}
