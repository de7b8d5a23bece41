/* node-net.c — starting and stopping the peer-to-peer network. */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "node/node-net.h"

#include "node/addrman.h"
#include "node/banman.h"
#include "node/chainstate.h"
#include "node/mempool.h"
#include "node/net-processing.h"
#include "node/net.h"

#define DEFAULT_MISBEHAVING_BANTIME (60 * 60 * 24)

static char *
datadir_file (UmkNode *node, const char *name)
{
  return g_build_filename (node->datadir_net, name, NULL);
}

gboolean
umk_node_net_start (UmkNode *node, GError **error)
{
  UmkConnmanOptions opts;
  if (!umk_connman_options_from_args (&opts, node, error))
    {
      umk_connman_options_clear (&opts);
      return FALSE;
    }

  g_autofree char *banlist = datadir_file (node, "banlist.json");
  node->banman = umk_banman_new (
      banlist, umk_args_get_int (node->args, "-bantime", DEFAULT_MISBEHAVING_BANTIME));

  /* Core starts with an empty address manager when peers.dat is missing
   * or damaged (it says so and goes on). */
  g_autofree char *peers = datadir_file (node, "peers.dat");
  /* -test=addrman: a fixed bucket key, so tests place addresses alike on
   * every run (Core's deterministic addrman). */
  gboolean deterministic = umk_args_has_test_option (node->args, "addrman");
  node->addrman = umk_addrman_new (deterministic);
  g_autoptr (GError) load_error = NULL;
  gint64 start = g_get_monotonic_time ();
  if (umk_addrman_load (node->addrman, peers, node->params->message_start, &load_error))
    umk_log_info ("Loaded %zu addresses from peers.dat  %" G_GINT64_FORMAT "ms",
                  umk_addrman_size (node->addrman, -1, -1),
                  (g_get_monotonic_time () - start) / 1000);
  else if (g_error_matches (load_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    umk_log_info ("Creating peers.dat because the file was not found (\"%s\")", peers);
  else
    {
      umk_log_warning (
          "Invalid or corrupt peers.dat (%s). If you believe this is a bug, please report it. "
          "Starting with an empty address manager.",
          load_error->message);
      umk_addrman_free (node->addrman);
      node->addrman = umk_addrman_new (deterministic);
    }

  node->connman = umk_connman_new (node, &opts, node->addrman, node->banman);
  UmkPeerManOptions pm_opts = { 0 };
  pm_opts.blocksonly = umk_args_get_bool (node->args, "-blocksonly", FALSE);
  pm_opts.pruned = umk_chainstate_pruned (node->chainstate);
  UmkFeeRate relay = umk_mempool_options (node->mempool)->min_relay_feerate;
  pm_opts.min_relay_fee = relay.size > 0 ? relay.fee * 1000 / relay.size : 0;
  pm_opts.user_agent = umk_node_subversion (node->args);
  node->peerman = umk_peerman_new (node, node->connman, &pm_opts);
  g_free (pm_opts.user_agent);

  UmkNetEvents events;
  umk_peerman_events (node->peerman, &events);
  if (!umk_connman_start (node->connman, &events, error))
    return FALSE;
  return TRUE;
}

void
umk_node_net_stop (UmkNode *node)
{
  if (node->connman != NULL)
    umk_connman_stop (node->connman);
  g_clear_pointer (&node->peerman, umk_peerman_free);
  g_clear_pointer (&node->connman, umk_connman_free);
  if (node->addrman != NULL)
    {
      g_autofree char *peers = datadir_file (node, "peers.dat");
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      if (umk_addrman_save (node->addrman, peers, node->params->message_start, &error))
        UMK_LOG_DEBUG (UMK_LOG_NET, "Flushed %zu addresses to peers.dat  %" G_GINT64_FORMAT "ms",
                       umk_addrman_size (node->addrman, -1, -1),
                       (g_get_monotonic_time () - start) / 1000);
      else
        umk_log_warning ("Failed to write peers.dat: %s", error->message);
      g_clear_pointer (&node->addrman, umk_addrman_free);
    }
  if (node->banman != NULL)
    {
      g_autoptr (GError) error = NULL;
      if (!umk_banman_save (node->banman, &error))
        umk_log_warning ("Failed to write banlist.json: %s", error->message);
      g_clear_pointer (&node->banman, umk_banman_free);
    }
}
