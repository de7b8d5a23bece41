/* main.c — umkoin-node: start-up, the main loop and shutdown, in the order
 * Umkoin Core's umkoind follows.
 *
 * Start-up reads the options and configuration, selects the chain and
 * checks its genesis block, checks the parameters, claims the network's data
 * directory (its .lock), detaches with -daemon/-daemonwait, writes the pid
 * file, opens debug.log and starts the JSON-RPC server. The node then runs
 * its main loop until asked to stop (SIGINT, SIGTERM, the stop RPC) and
 * shuts down in reverse order. Messages and exit codes follow umkoind's:
 * any start-up error prints "Error: <message>" and exits with 1.
 */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "common/args.h"
#include "common/chainparams.h"
#include "common/logging.h"
#include "node/chainstate-init.h"
#include "node/daemon.h"
#include "node/dirlock.h"
#include "node/init.h"
#include "node/ipc-server.h"
#include "node/node-net.h"
#include "node/node.h"
#include "node/options.h"
#include "node/rpc-server.h"
#include "node/wallet-host.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char description[]
    = "umkoin-node is the headless Umkoin full node. It is meant to replace Umkoin Core's\n"
      "umkoind: the same options, configuration file and data directory.\n"
      "\n"
      "This version validates and stores a chain (blocks from -loadblock, submitblock or\n"
      "the regtest miner), keeps a mempool, answers JSON-RPC, starts umkoin-wallet (unless\n"
      "-disablewallet) and serves umkoin-gui over private D-Bus (-ipcbind); it runs until\n"
      "stopped (SIGINT, SIGTERM or the stop RPC), and -daemon runs it in the background.\n"
      "P2P is not built yet: its options are accepted and say so below.\n";

/* How long the node waits for umkoin-wallet to flush and exit at shutdown
 * before it kills it. */
#define WALLET_STOP_TIMEOUT_MS 30000
/* How long start-up waits for umkoin-wallet to load its wallets before the
 * node says "Done loading" anyway. */
#define WALLET_START_TIMEOUT_MS 120000

/* Everything start-up decided before the node runs. */
typedef struct
{
  UmkArgs *args;
  int argc;
  const char *const *argv;
  UmkChain chain;
  const UmkChainParams *params;
  const char *net_datadir;
  gint64 start_time;
  int daemon_fd; /* -daemonwait: the pipe to the waiting parent, else -1 */
} StartUp;

static void
log_startup_info (const UmkArgs *args, const UmkChainParams *params, const char *net_datadir)
{
  g_autofree char *default_datadir = umk_default_datadir ();
  umk_log_info ("Default data directory %s", default_datadir);
  umk_log_info ("Using data directory %s", net_datadir);

  /* Core's wording for each state of the config file. */
  g_autofree char *conf = umk_args_get_config_path (args);
  if (conf == NULL || conf[0] == '\0' || umk_args_is_negated (args, "-conf"))
    umk_log_info ("Config file: <disabled>");
  else if (g_file_test (conf, G_FILE_TEST_IS_DIR))
    umk_log_warning ("Config file: %s (is directory, not file)", conf);
  else if (g_file_test (conf, G_FILE_TEST_EXISTS))
    umk_log_info ("Config file: %s", conf);
  else if (umk_args_is_set (args, "-conf"))
    umk_init_warning ("The specified config file %s does not exist", conf);
  else
    umk_log_info ("Config file: %s (not found, skipping)", conf);
  umk_args_log (args);

  char genesis[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&params->genesis->hash, genesis);
  umk_log_info ("Chain %s: genesis block %s verified", umk_chain_name (params->chain), genesis);
}

/* Runs the node once start-up checks passed (and, with -daemon, in the
 * child): the lock, the pid file, the log, the RPC server, the main loop,
 * then the shutdown. Returns: the exit status. */
static int
run (const StartUp *s)
{
  g_autoptr (GError) error = NULL;
  UmkDirLock *lock = NULL;
  char *pid_path = NULL;
  UmkRpcServer *rpc = NULL;
  guint signal_ids[2] = { 0, 0 };
  gboolean ok = FALSE;

  UmkNode node = {
    .args = s->args,
    .argc = s->argc,
    .argv = s->argv,
    .chain = s->chain,
    .params = s->params,
    .datadir_net = g_strdup (s->net_datadir),
    .start_time = s->start_time,
    .loop = g_main_loop_new (NULL, FALSE),
  };

  /* First thing after the fork (GLib's signal sources run a helper thread,
   * which a fork would lose): a SIGTERM during start-up now waits for the
   * main loop, which shuts down at once, instead of killing the process. */
  umk_init_watch_signals (&node, signal_ids);

  /* umk_args_init_config() created the net datadir (0700 under our umask). */
  lock = umk_dir_lock_acquire (node.datadir_net, &error);
  if (lock == NULL)
    {
      umk_init_error ("%s", error->message);
      goto out;
    }
  if (!umk_pid_file_create (s->args, &pid_path, &error) || !umk_log_start (&error))
    {
      umk_init_error ("%s", error->message);
      goto out;
    }
  log_startup_info (s->args, s->params, node.datadir_net);

  /* IPC before the chainstate: a GUI that started us (-ipcfd) or attached
   * (-ipcbind) sees the start-up steps as InitMessage signals. */
  node.ipc = umk_ipc_server_new (&node, &error);
  if (node.ipc == NULL)
    {
      umk_init_error ("%s", error->message);
      goto out;
    }

  if (!umk_node_chainstate_start (&node, &error))
    {
      umk_init_error ("%s", error->message);
      goto out;
    }
  umk_ipc_server_chainstate_loaded (node.ipc);

  /* The network after the chainstate: peers are served from it at once. */
  if (!umk_node_net_start (&node, &error))
    {
      umk_init_error ("%s", error->message);
      goto out;
    }

  /* RPC answers "Loading wallet…" (-28) until the wallet process has
   * loaded its wallets, as Core's warm-up: no client sees a node whose
   * wallet methods are not there yet. */
  gboolean spawn_wallet = !umk_args_get_bool (s->args, "-disablewallet", FALSE);
  if (spawn_wallet)
    umk_rpc_set_warmup ("Loading wallet…");
  rpc = umk_rpc_server_new (&node, &error);
  if (rpc == NULL)
    {
      umk_init_error ("%s", error->message);
      goto out;
    }

  /* The wallet process after the RPC server, as Core loads its wallets
   * once RPC is up (in warm-up). A umkoin-wallet that attaches through
   * -ipcbind is used even with -disablewallet. */
  node.wallet = umk_wallet_host_new (&node, node.ipc);
  umk_ipc_server_set_wallet_host (node.ipc, node.wallet);
  if (!spawn_wallet)
    umk_log_info ("Wallet disabled!");
  else
    {
      umk_wallet_host_spawn (node.wallet);
      (void) umk_wallet_host_wait_ready (node.wallet, WALLET_START_TIMEOUT_MS);
    }
  umk_rpc_set_warmup (NULL);

  umk_node_init_message (&node, "Done loading");
  umk_init_startup_notify (s->args);
  ok = TRUE;

out:
  if (s->daemon_fd >= 0)
    {
      /* Tells the parent waiting under -daemonwait how start-up went. */
      (void) umk_daemon_token_write (s->daemon_fd, ok ? 1 : 0);
      close (s->daemon_fd);
    }

  if (ok)
    {
      /* Not g_main_loop_run(): a request that came before the loop started
       * would be lost; the flag is checked after every iteration instead. */
      GMainContext *context = g_main_loop_get_context (node.loop);
      while (!umk_node_shutdown_requested (&node))
        g_main_context_iteration (context, TRUE);
    }

  /* Shutdown, also after a failed start-up (Core's Interrupt + Shutdown). */
  umk_init_shutdown_notify (s->args);
  umk_log_info ("Shutdown in progress...");
  /* Forwarded wallet calls return now, so that the RPC server's requests in
   * flight finish. */
  if (node.wallet != NULL)
    umk_wallet_host_interrupt (node.wallet);
  g_clear_pointer (&rpc, umk_rpc_server_free);
  umk_rpc_set_warmup (NULL); /* after a start-up that failed during it */
  /* The wallet flushes and exits while the node still answers its calls. */
  if (node.wallet != NULL)
    umk_wallet_host_stop (node.wallet, WALLET_STOP_TIMEOUT_MS);
  /* No new IPC calls; those in flight (a console call may still be in the
   * wallet host) finish before the host and the chain go. */
  if (node.ipc != NULL)
    {
      umk_ipc_server_shutdown (node.ipc);
      umk_ipc_server_set_wallet_host (node.ipc, NULL);
    }
  g_clear_object (&node.wallet);
  /* Peers go before the chainstate they are served from. */
  umk_node_net_stop (&node);
  umk_node_chainstate_stop (&node);
  /* The IPC connections close last: a GUI sees the node gone when it is. */
  g_clear_object (&node.ipc);
  umk_init_unwatch_signals (signal_ids);
  umk_pid_file_remove (pid_path);
  g_free (pid_path);
  umk_log_info ("Shutdown done");
  umk_log_shutdown ();
  umk_dir_lock_release (lock);
  g_main_loop_unref (node.loop);
  g_free (node.datadir_net);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* -daemon / -daemonwait. Returns: TRUE in the process that goes on to run
 * the node (the child; *fd the pipe with -daemonwait, else -1); FALSE in the
 * parent, with *status its exit status. */
static gboolean
daemonize (const UmkArgs *args, int *fd, int *status)
{
  *fd = -1;
  /* Core's wording; flushed, or both processes would print it. */
  printf ("Umkoin Core starting\n");
  fflush (stdout);

  int pipe_fd;
  int pid = umk_daemon_fork (&pipe_fd);
  if (pid < 0)
    {
      int saved = errno;
      *status = umk_init_error ("fork_daemon() failed: %s (%d)", g_strerror (saved), saved);
      return FALSE;
    }
  if (pid == 0)
    {
      if (umk_args_get_bool (args, "-daemonwait", FALSE))
        *fd = pipe_fd;
      else
        {
          (void) umk_daemon_token_write (pipe_fd, 1);
          close (pipe_fd);
        }
      return TRUE;
    }

  int token = umk_daemon_token_read (pipe_fd);
  close (pipe_fd);
  /* Only the child's "1" means start-up finished; a pipe closed without it
   * (the child died) is a failure. Core's comment says so too, though its
   * code takes any non-zero read result, end of stream included, as 1. */
  if (token > 0)
    *status = EXIT_SUCCESS;
  else
    {
      fprintf (stderr, "Error during initialization - check debug.log for details\n");
      *status = EXIT_FAILURE;
    }
  return FALSE;
}

int
main (int argc, char **argv)
{
  gint64 start_time = g_get_monotonic_time ();
  /* Core's SetupEnvironment: the datadir, debug.log, the pid file, .cookie
   * and the rest are for this user only. */
  umask (0077);

  g_autoptr (UmkArgs) args = umk_args_new ();
  g_autoptr (GError) error = NULL;

  umk_log_install_glib_writer ();
  umk_node_add_options (args);
  if (!umk_args_parse (args, argc, (const char *const *) argv, &error))
    return umk_init_error ("Error parsing command line arguments: %s", error->message);

  if (umk_args_help_requested (args) || umk_args_get_bool (args, "-version", FALSE))
    {
      printf ("%s node version v%s\n", PACKAGE_NAME, PACKAGE_VERSION);
      if (umk_args_get_bool (args, "-version", FALSE))
        printf ("Umkoin in C is free software under the MIT license.\n");
      else
        {
          g_autofree char *help = umk_args_help_message (args);
          printf ("\n%s\nUsage: umkoin-node [options]\n\n%s", description, help);
        }
      return EXIT_SUCCESS;
    }

  if (!umk_args_init_config (args, &error))
    return umk_init_error ("%s", error->message);
  for (const char *const *w = umk_args_get_console_warnings (args); w && *w; w++)
    fprintf (stderr, "%s\n", *w);

  /* Positional arguments mean a mistyped option (umkoind's check). */
  g_autofree char *command = NULL;
  g_auto (GStrv) command_args = NULL;
  if (umk_args_get_command (args, &command, &command_args))
    {
      const char *token = command[0] != '\0' ? command : command_args[0];
      return umk_init_error (
          "Command line contains unexpected token '%s', see umkoin-node -h for a "
          "list of options.",
          token);
    }

  UmkChain chain;
  if (!umk_args_get_chain (args, &chain, &error))
    return umk_init_error ("%s", error->message);

  /* Core selects the chain's parameters while reading the configuration,
   * before anything else can fail: a bad -testactivationheight is reported
   * on the console even with -daemon. */
  UmkChainOptions opts;
  umk_chain_options_init (&opts);
  gboolean options_ok = umk_chain_options_from_args (&opts, args, &error);
  g_autoptr (UmkChainParams) params
      = options_ok ? umk_chain_params_new (chain, &opts, &error) : NULL;
  umk_chain_options_clear (&opts);
  if (params == NULL)
    return umk_init_error ("%s", error->message);

  /* The log is configured now, so that messages are kept until debug.log
   * opens, but the file opens only once the datadir is ours. Core prints the
   * log on the console by default unless it runs as a daemon. */
  g_autofree char *net_datadir = umk_args_get_datadir_net (args);
  if (!umk_log_configure (args, net_datadir, !umk_args_get_bool (args, "-daemon", FALSE), &error))
    return umk_init_error ("%s", error->message);
  umk_log_info ("%s node version v%s", PACKAGE_NAME, PACKAGE_VERSION);

  if (!umk_init_check_parameters (args, params, &error))
    return umk_init_error ("%s", error->message);

  /* A second node on this datadir is told here, on the console, before it
   * forks; the lock itself is taken after the fork (fcntl locks stay with the
   * process that took them). */
  if (!umk_dir_lock_probe (net_datadir, &error))
    return umk_init_error ("%s", error->message);

  StartUp s = {
    .args = args,
    .argc = argc,
    .argv = (const char *const *) argv,
    .chain = chain,
    .params = params,
    .net_datadir = net_datadir,
    .start_time = start_time,
    .daemon_fd = -1,
  };
  if (umk_args_get_bool (args, "-daemon", FALSE) || umk_args_get_bool (args, "-daemonwait", FALSE))
    {
      int status;
      if (!daemonize (args, &s.daemon_fd, &status))
        return status;
    }
  return run (&s);
}
