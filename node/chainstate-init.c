/* chainstate-init.c — the chainstate's start and stop. */
#define G_LOG_DOMAIN "umk-validation"
#include "config.h"

#include "node/chainstate-init.h"

#include "common/error.h"
#include "common/hex.h"
#include "node/chainstate.h"
#include "node/node-mempool.h"
#include "node/script-check.h"

#include <string.h>

/* Core's defaults. */
#define DEFAULT_DBCACHE_MIB 450
#define MIN_DBCACHE_MIB     4
#define MIN_PRUNE_MIB       550
#define DEFAULT_MAX_TIP_AGE (24 * 60 * 60)

static GThread *import_thread;

static gboolean
node_stopping (gpointer node)
{
  return umk_node_shutdown_requested (node);
}
static gint64 stop_at_height;

/* -stopatheight: a test aid that stops the node once the tip reaches it. */
static void
on_tip (gpointer user, UmkBlockIndex *tip, gboolean ibd)
{
  (void) ibd;
  if (stop_at_height > 0 && tip->height >= stop_at_height)
    umk_node_request_shutdown (user);
}

static void
on_fatal (gpointer user, const char *message)
{
  (void) message;
  umk_node_request_shutdown (user);
}

typedef struct
{
  UmkNode *node;
  gboolean reindex;
  char **loadblock;
} ImportJob;

/* Core's ImportBlocks, on its own thread so RPC answers meanwhile. */
static gpointer
import_main (gpointer data)
{
  ImportJob *job = data;
  UmkChainstate *cs = job->node->chainstate;
  g_autoptr (GError) error = NULL;
  umk_chainstate_set_importing (cs, TRUE);
  gboolean ok = TRUE;
  if (job->reindex)
    ok = umk_chainstate_reindex (cs, &error);
  for (char **f = job->loadblock; ok && f != NULL && *f != NULL; f++)
    {
      g_autoptr (GError) ferr = NULL;
      if (!g_file_test (*f, G_FILE_TEST_IS_REGULAR))
        {
          g_warning ("Could not open blocks file %s", *f);
          continue;
        }
      if (!umk_chainstate_import_file (cs, *f, -1, &ferr))
        g_warning ("%s", ferr->message);
    }
  umk_chainstate_set_importing (cs, FALSE);
  if (ok)
    ok = umk_chainstate_activate_best_chain (cs, &error);
  if (ok)
    umk_node_mempool_load (job->node);
  if (ok && umk_args_get_bool (job->node->args, "-stopafterblockimport", FALSE))
    {
      g_message ("Stopping after block import");
      umk_node_request_shutdown (job->node);
    }
  if (!ok)
    {
      g_critical ("Importing blocks failed: %s", error != NULL ? error->message : "?");
      umk_node_request_shutdown (job->node);
    }
  g_strfreev (job->loadblock);
  g_free (job);
  return NULL;
}

gboolean
umk_node_chainstate_start (UmkNode *node, GError **error)
{
  const UmkArgs *args = node->args;
  UmkChainstateOptions opts = { 0 };
  opts.params = node->params;
  opts.datadir = node->datadir_net;
  opts.dbcache_mib
      = MAX (umk_args_get_int (args, "-dbcache", DEFAULT_DBCACHE_MIB), MIN_DBCACHE_MIB);
  gint64 prune = umk_args_get_int (args, "-prune", 0);
  if (prune < 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Prune cannot be configured with a negative value.");
      return FALSE;
    }
  if (prune > 1 && prune < MIN_PRUNE_MIB)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Prune configured below the minimum of %d MiB.  Please use a higher number.",
                   MIN_PRUNE_MIB);
      return FALSE;
    }
  opts.prune_mib = prune;
  opts.txindex = umk_args_get_bool (args, "-txindex", FALSE);
  if (prune > 0 && opts.txindex)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Prune mode is incompatible with -txindex.");
      return FALSE;
    }
  opts.reindex = umk_args_get_bool (args, "-reindex", FALSE);
  opts.reindex_chainstate = umk_args_get_bool (args, "-reindex-chainstate", FALSE);
  opts.blocksxor = umk_args_get_bool (args, "-blocksxor", TRUE);
  opts.fastprune = umk_args_get_bool (args, "-fastprune", FALSE);
  opts.script_threads = umk_script_check_threads_for_par (umk_args_get_int (args, "-par", 0));
  if (umk_args_is_set (args, "-assumevalid"))
    {
      g_autofree char *av = umk_args_get (args, "-assumevalid", "0");
      if (av == NULL || strcmp (av, "0") == 0 || umk_args_is_negated (args, "-assumevalid"))
        {
          opts.assumevalid_set = TRUE;
          memset (&opts.assumevalid, 0, sizeof opts.assumevalid);
        }
      else if (umk_uint256_from_hex (&opts.assumevalid, av))
        opts.assumevalid_set = TRUE;
      else
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Invalid value for -assumevalid: '%s' (a block hash, or 0)", av);
          return FALSE;
        }
    }
  opts.minimum_chain_work = node->params->consensus.minimum_chain_work;
  if (umk_args_is_set (args, "-minimumchainwork"))
    {
      /* Core's uint256::FromUserHex: an optional 0x, then up to 64 digits. */
      g_autofree char *text = umk_args_get (args, "-minimumchainwork", "");
      const char *hex = text != NULL ? text : "";
      if (g_str_has_prefix (hex, "0x") || g_str_has_prefix (hex, "0X"))
        hex += 2;
      size_t len = strlen (hex);
      gboolean ok = len > 0 && len <= 64;
      for (size_t i = 0; ok && i < len; i++)
        ok = umk_hex_digit (hex[i]) >= 0;
      if (ok)
        {
          char padded[65];
          memset (padded, '0', 64 - len);
          memcpy (padded + 64 - len, hex, len + 1);
          ok = umk_uint256_from_hex (&opts.minimum_chain_work, padded);
        }
      if (!ok)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Invalid minimum work specified (%s), must be up to 64 hex digits",
                       text != NULL ? text : "");
          return FALSE;
        }
    }
  opts.mocktime = umk_args_get_int (args, "-mocktime", 0);
  opts.max_tip_age = umk_args_get_int (args, "-maxtipage", DEFAULT_MAX_TIP_AGE);
  opts.checkblocks = umk_args_get_int (args, "-checkblocks", 6);
  opts.checklevel = umk_args_get_int (args, "-checklevel", 3);
  opts.on_fatal = on_fatal;
  opts.fatal_user = node;
  g_message ("Script verification uses %d threads", opts.script_threads);
  g_message ("Cache configuration: %" G_GINT64_FORMAT " MiB for the coins cache", opts.dbcache_mib);

  umk_node_init_message (node, "Loading block index…");
  node->chainstate = umk_chainstate_open (&opts, error);
  if (node->chainstate == NULL)
    return FALSE;
  umk_node_init_message (node, "Verifying blocks…");

  /* Core's -checkblocks check at start-up (not while reindexing). */
  if (!opts.reindex && !opts.reindex_chainstate && !umk_chainstate_reindexing (node->chainstate)
      && opts.checkblocks != 0)
    {
      g_autoptr (GError) verr = NULL;
      if (!umk_chainstate_verify (node->chainstate, (int) CLAMP (opts.checklevel, 0, 4),
                                  (int) CLAMP (opts.checkblocks, -1, G_MAXINT), &verr))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                       "Corrupted block database detected (%s). Please restart with -reindex "
                       "or -reindex-chainstate to recover.",
                       verr->message);
          return FALSE;
        }
    }

  if (!umk_node_mempool_start (node, error))
    return FALSE;

  stop_at_height = umk_args_get_int (args, "-stopatheight", 0);
  UmkChainstateCallbacks cb = { 0 };
  cb.tip_changed = on_tip;
  cb.user = node;
  umk_chainstate_add_callbacks (node->chainstate, &cb);

  /* Blocks stored after the UTXO set's last flush (a crash, kill -9) are
   * connected again now, before RPC answers: a client must see the tip it
   * was told about before the node stopped. */
  if (!umk_chainstate_reindexing (node->chainstate)
      && !umk_chainstate_activate_best_chain (node->chainstate, error))
    return FALSE;

  ImportJob *job = g_new0 (ImportJob, 1);
  job->node = node;
  job->reindex = umk_chainstate_reindexing (node->chainstate);
  job->loadblock = umk_args_get_list (args, "-loadblock");
  import_thread = g_thread_new ("loadblk", import_main, job);

  /* RPC starts only once the chain has a tip (with -reindex, when the
   * genesis block was read back from blk00000.dat). */
  UmkUint256 none = { 0 };
  int height;
  umk_chainstate_wait_tip (node->chainstate, &none, &height, -1, node_stopping, node);
  return TRUE;
}

void
umk_node_chainstate_stop (UmkNode *node)
{
  if (node->chainstate == NULL)
    return;
  umk_chainstate_interrupt (node->chainstate);
  if (import_thread != NULL)
    {
      g_thread_join (import_thread);
      import_thread = NULL;
    }
  umk_node_mempool_stop (node);
  g_clear_pointer (&node->chainstate, umk_chainstate_close);
}
