/* mempool-persist.c — mempool.dat; see mempool-persist.h. */
#define G_LOG_DOMAIN "umk-mempool"
#include "config.h"

#include "node/mempool-persist.h"

#include "common/error.h"
#include "common/logging.h"
#include "common/serialize.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define KEY_SIZE 8

char *
umk_mempool_dat_path (const char *datadir_net)
{
  return g_build_filename (datadir_net, "mempool.dat", NULL);
}

void
umk_mempool_load_options_init (UmkMempoolLoadOptions *opts)
{
  opts->use_current_time = FALSE;
  opts->apply_fee_delta_priority = TRUE;
  opts->apply_unbroadcast_set = TRUE;
}

/* XORs data[start..] with the key by absolute file offset, as Core's AutoFile
 * does once the key is set. */
static void
obfuscate (uint8_t *data, size_t len, size_t start, const uint8_t key[KEY_SIZE])
{
  for (size_t p = start; p < len; p++)
    data[p] ^= key[p % KEY_SIZE];
}

/* ---- dumping ---------------------------------------------------------------- */

gboolean
umk_mempool_dump (UmkMempool *pool, const char *path, GError **error)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GByteArray) w = g_byte_array_new ();
  uint8_t key[KEY_SIZE] = { 0 };
  size_t body_start;
  guint64 n_txs = 0;
  guint n_unbroadcast = 0;

  umk_mempool_lock (pool);
  const UmkMempoolOptions *opts = umk_mempool_options (pool);
  bool v1 = opts->persist_v1_dat;
  umk_write_u64le (w, v1 ? UMK_MEMPOOL_DUMP_VERSION_NO_XOR_KEY : UMK_MEMPOOL_DUMP_VERSION);
  if (!v1)
    {
      for (int i = 0; i < KEY_SIZE; i++)
        key[i] = (uint8_t) g_random_int_range (0, 256);
      umk_write_var_bytes (w, key, KEY_SIZE);
    }
  body_start = w->len;
  g_autoptr (GPtrArray) entries = umk_mempool_entries (pool);
  n_txs = entries->len;
  umk_write_u64le (w, n_txs);
  for (guint i = 0; i < entries->len; i++)
    {
      const UmkMempoolEntry *e = entries->pdata[i];
      umk_tx_write (e->tx, w, true);
      umk_write_i64le (w, e->time);
      umk_write_i64le (w, e->modified_fee - e->fee);
    }
  /* deltas of transactions not in the pool (those in it went with them) */
  g_autoptr (GArray) deltas = umk_mempool_get_deltas (pool);
  guint n_out = 0;
  for (guint i = 0; i < deltas->len; i++)
    n_out += !g_array_index (deltas, UmkMempoolDelta, i).in_mempool;
  umk_write_compact_size (w, n_out);
  for (guint i = 0; i < deltas->len; i++)
    {
      const UmkMempoolDelta *d = &g_array_index (deltas, UmkMempoolDelta, i);
      if (d->in_mempool)
        continue;
      umk_write_bytes (w, d->txid.b, 32);
      umk_write_i64le (w, d->delta);
    }
  g_autoptr (GArray) unbroadcast = umk_mempool_get_unbroadcast (pool);
  n_unbroadcast = unbroadcast->len;
  umk_write_compact_size (w, unbroadcast->len);
  for (guint i = 0; i < unbroadcast->len; i++)
    umk_write_bytes (w, g_array_index (unbroadcast, UmkUint256, i).b, 32);
  umk_mempool_unlock (pool);

  gint64 mid = g_get_monotonic_time ();
  umk_log_info ("Writing %" G_GUINT64_FORMAT " mempool transactions to file...", n_txs);
  umk_log_info ("Writing %u unbroadcast transactions to file.", n_unbroadcast);
  if (!v1)
    obfuscate (w->data, w->len, body_start, key);

  g_autofree char *tmp = g_strconcat (path, ".new", NULL);
  FILE *f = g_fopen (tmp, "wb");
  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Failed to open %s: %s", tmp,
                   g_strerror (saved));
      return FALSE;
    }
  gboolean ok = fwrite (w->data, 1, w->len, f) == w->len && fflush (f) == 0;
  ok = ok && fsync (fileno (f)) == 0;
  int saved = errno;
  if (fclose (f) != 0 && ok)
    {
      saved = errno;
      ok = FALSE;
    }
  if (!ok)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Failed to dump mempool: %s",
                   g_strerror (saved));
      umk_log_info ("Failed to dump mempool: %s. Continuing anyway.", g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Failed to dump mempool: Rename failed (%s)",
                   g_strerror (saved));
      umk_log_info ("Failed to dump mempool: Rename failed. Continuing anyway.");
      g_unlink (tmp);
      return FALSE;
    }
  gint64 last = g_get_monotonic_time ();
  umk_log_info ("Dumped mempool: %.3fs to copy, %.3fs to dump, %u bytes dumped to file",
                (double) (mid - start) / G_USEC_PER_SEC, (double) (last - mid) / G_USEC_PER_SEC,
                w->len);
  return TRUE;
}

/* ---- loading ------------------------------------------------------------------ */

/* Logs, as Core does, why the file could not be read (further) and sets error.
 * what names the part being read; r, when failed, tells why. in_body says the
 * header was read, so the n_read of n_total entries read before the damage
 * were offered to the pool and stay; otherwise nothing was loaded. */
static gboolean
load_error (GError **error, const UmkReader *r, const char *what, gboolean in_body, guint64 n_read,
            guint64 n_total)
{
  g_autofree char *msg = NULL;
  if (r != NULL && !umk_reader_ok (r))
    msg = g_strdup_printf ("%s: %s", what, umk_reader_error_message (r));
  else
    msg = g_strdup (what);
  umk_log_info ("Failed to deserialize mempool data on file: %s. Continuing anyway.", msg);
  if (in_body)
    g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                 "Damaged mempool file, loading stopped after %" G_GUINT64_FORMAT
                 " of %" G_GUINT64_FORMAT " transactions (those are kept): %s",
                 n_read, n_total, msg);
  else
    g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Damaged mempool file, nothing loaded: %s",
                 msg);
  return FALSE;
}

/* Offers one entry of the file to the pool and counts the outcome. */
static void
load_entry (UmkMempool *pool, const UmkMempoolLoadOptions *opts, UmkMempoolViewFunc begin,
            UmkMempoolViewFunc end, gpointer user, UmkTx *tx, int64_t time, int64_t delta,
            int64_t now, UmkMempoolLoadStats *stats)
{
  int64_t t = opts->use_current_time ? now : time;
  if (delta != 0 && opts->apply_fee_delta_priority)
    umk_mempool_prioritise (pool, &tx->txid, delta);
  if (t <= now - umk_mempool_options (pool)->expiry_seconds)
    {
      stats->expired++;
      return;
    }
  UmkMempoolChainView view = { 0 };
  begin (user, &view);
  UmkAcceptResult r;
  umk_accept_result_init (&r);
  gboolean ok = view.tip != NULL && umk_mempool_accept (pool, &view, tx, t, FALSE, FALSE, &r);
  umk_accept_result_clear (&r);
  end (user, &view);
  if (ok)
    stats->succeeded++;
  /* e.g. a wallet put it there while the file was loading: not a failure */
  else if (umk_mempool_exists (pool, &tx->txid))
    stats->already_there++;
  else
    stats->failed++;
}

gboolean
umk_mempool_load (UmkMempool *pool, const char *path, const UmkMempoolLoadOptions *opts,
                  UmkMempoolViewFunc begin, UmkMempoolViewFunc end, gpointer user,
                  UmkMempoolLoadStats *stats, GError **error)
{
  UmkMempoolLoadStats local = { 0 };
  if (stats == NULL)
    stats = &local;
  memset (stats, 0, sizeof *stats);
  UmkMempoolLoadOptions defaults;
  if (opts == NULL)
    {
      umk_mempool_load_options_init (&defaults);
      opts = &defaults;
    }
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) local_error = NULL;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      umk_log_info ("Failed to open mempool file. Continuing anyway.");
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Failed to open mempool file: %s",
                   local_error->message);
      return FALSE;
    }

  /* The header: without a known version and a whole key nothing can be read. */
  UmkReader r;
  umk_reader_init (&r, contents, len);
  uint64_t version;
  if (!umk_read_u64le (&r, &version))
    return load_error (error, &r, "version", FALSE, 0, 0);
  uint8_t key[KEY_SIZE] = { 0 };
  bool xor = false;
  if (version == UMK_MEMPOOL_DUMP_VERSION)
    {
      uint64_t key_len;
      if (!umk_read_compact_size (&r, &key_len, true))
        return load_error (error, &r, "obfuscation key", FALSE, 0, 0);
      if (key_len != KEY_SIZE)
        return load_error (error, NULL, "Obfuscation key size should be exactly 8 bytes long",
                           FALSE, 0, 0);
      if (!umk_read_bytes (&r, key, KEY_SIZE))
        return load_error (error, &r, "obfuscation key", FALSE, 0, 0);
      xor = true;
    }
  else if (version != UMK_MEMPOOL_DUMP_VERSION_NO_XOR_KEY)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Unknown mempool file version %" G_GUINT64_FORMAT ", nothing loaded", version);
      return FALSE;
    }
  /* Unmask the rest in place; the buffer then becomes the GBytes the
   * transactions read from it keep alive. */
  size_t body = r.pos;
  if (xor)
    obfuscate ((uint8_t *) contents, len, body, key);
  g_autoptr (GBytes) plain = g_bytes_new_take (g_steal_pointer (&contents), len);
  umk_reader_init (&r, g_bytes_get_data (plain, NULL), len);
  r.pos = body;

  uint64_t count;
  if (!umk_read_u64le (&r, &count))
    return load_error (error, &r, "transaction count", FALSE, 0, 0);

  /* Entries are read and offered one at a time, as Core does: damage further
   * on keeps what came before it. The count is only a loop bound (it is not
   * trusted for any allocation); a count larger than the file stops at the
   * first entry missing. */
  umk_log_info ("Loading %" G_GUINT64_FORMAT " mempool transactions from file...", count);
  int64_t now = umk_mempool_now (pool);
  int next_tenth = 0;
  for (uint64_t tried = 0; tried < count; tried++)
    {
      int percent = (int) (100.0 * (double) tried / (double) count);
      if (next_tenth < percent / 10)
        {
          umk_log_info (
              "Progress loading mempool transactions from file: %d%% (tried %" G_GUINT64_FORMAT
              ", %" G_GUINT64_FORMAT " remaining)",
              percent, tried, count - tried);
          next_tenth = percent / 10;
        }
      g_autoptr (UmkTx) tx = umk_tx_read (&r, plain, true);
      int64_t time, delta;
      if (tx == NULL)
        return load_error (error, &r, "transaction", TRUE, tried, count);
      if (!umk_read_i64le (&r, &time) || !umk_read_i64le (&r, &delta))
        return load_error (error, &r, "transaction entry", TRUE, tried, count);
      load_entry (pool, opts, begin, end, user, tx, time, delta, now, stats);
    }

  /* The deltas and the unbroadcast set are each read whole before being
   * applied; damage in them keeps the transactions. */
  g_autoptr (GArray) deltas = g_array_new (FALSE, TRUE, sizeof (UmkMempoolDelta));
  uint64_t n;
  if (!umk_read_compact_size (&r, &n, true))
    return load_error (error, &r, "fee deltas", TRUE, count, count);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkMempoolDelta d = { 0 };
      if (!umk_read_bytes (&r, d.txid.b, 32) || !umk_read_i64le (&r, &d.delta))
        return load_error (error, &r, "fee deltas", TRUE, count, count);
      g_array_append_val (deltas, d);
    }
  if (opts->apply_fee_delta_priority)
    for (guint i = 0; i < deltas->len; i++)
      {
        const UmkMempoolDelta *d = &g_array_index (deltas, UmkMempoolDelta, i);
        umk_mempool_prioritise (pool, &d->txid, d->delta);
      }

  g_autoptr (GArray) unbroadcast = g_array_new (FALSE, FALSE, sizeof (UmkUint256));
  if (!umk_read_compact_size (&r, &n, true))
    return load_error (error, &r, "unbroadcast set", TRUE, count, count);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkUint256 h;
      if (!umk_read_bytes (&r, h.b, 32))
        return load_error (error, &r, "unbroadcast set", TRUE, count, count);
      g_array_append_val (unbroadcast, h);
    }
  if (opts->apply_unbroadcast_set)
    {
      stats->unbroadcast = unbroadcast->len;
      /* only those now in the pool are taken (umk_mempool_add_unbroadcast checks) */
      for (guint i = 0; i < unbroadcast->len; i++)
        umk_mempool_add_unbroadcast (pool, &g_array_index (unbroadcast, UmkUint256, i));
    }
  umk_log_info (
      "Imported mempool transactions from file: %" G_GUINT64_FORMAT " succeeded, %" G_GUINT64_FORMAT
      " failed, %" G_GUINT64_FORMAT " expired, %" G_GUINT64_FORMAT
      " already there, %" G_GUINT64_FORMAT " waiting for initial broadcast",
      stats->succeeded, stats->failed, stats->expired, stats->already_there, stats->unbroadcast);
  return TRUE;
}

/* ---- the node's pool ----------------------------------------------------------- */

static void
node_view_begin (gpointer user, UmkMempoolChainView *view)
{
  umk_node_mempool_view_begin (user, view);
}

static void
node_view_end (gpointer user, UmkMempoolChainView *view)
{
  umk_node_mempool_view_end (user, view);
}

gboolean
umk_node_load_mempool (UmkNode *node, const UmkMempoolLoadOptions *opts, UmkMempoolLoadStats *stats,
                       GError **error)
{
  g_autofree char *path = umk_mempool_dat_path (node->datadir_net);
  gboolean ok = umk_mempool_load (node->mempool, path, opts, node_view_begin, node_view_end, node,
                                  stats, error);
  umk_mempool_set_load_tried (node->mempool, TRUE);
  return ok;
}

gboolean
umk_node_dump_mempool (UmkNode *node, GError **error)
{
  g_autofree char *path = umk_mempool_dat_path (node->datadir_net);
  return umk_mempool_dump (node->mempool, path, error);
}
