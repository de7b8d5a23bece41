/* main.c — umkoin-wallet: the wallet process.
 *
 * umkoin-node starts it with -ipcfd=3 (its end of a socketpair, on which
 * this process is the D-Bus client); by hand it attaches to a node running
 * with -ipcbind=unix through -ipcconnect. Start-up reads the options and
 * umkoin.conf as the node does, selects the chain, opens the log (stderr by
 * default: a spawned wallet's output goes to the node's debug.log), finds the
 * wallet directory, connects, serves WalletLoader1 on the connection, loads
 * the start-up wallets and runs until SIGINT/SIGTERM or until the connection
 * to the node closes; then it writes every wallet out and exits. Any start-up
 * error prints "Error: <message>" and exits with 1, as the node does.
 */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "common/args.h"
#include "common/ipc.h"
#include "common/logging.h"
#include "wallet/chain-client.h"
#include "wallet/wallet-loader.h"
#include "wallet/wallet-options.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static const char description[]
    = "umkoin-wallet is Umkoin's wallet process. umkoin-node starts it (unless -disablewallet)\n"
      "and talks to it over private D-Bus; umkoin-node forwards the wallet RPC methods to it and\n"
      "umkoin-gui reaches it through the node. To attach it by hand to a node started with\n"
      "-ipcbind=unix, use -ipcconnect=unix.\n"
      "\n"
      "This version creates, loads, unloads and lists wallets (folders under -walletdir, each\n"
      "an LMDB database) and keeps each loaded wallet in step with the node's chain. The\n"
      "wallets are empty: keys, addresses and transactions come with a later version.\n";

typedef struct
{
  GMainLoop *loop;
  int status;
} Run;

static int G_GNUC_PRINTF (1, 2) init_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *message = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* Logged and on stderr, as Core's InitError (and umkoin-node) do. */
  umk_log_error ("%s", message);
  fprintf (stderr, "Error: %s\n", message);
  return EXIT_FAILURE;
}

static gboolean
on_signal (gpointer user_data)
{
  Run *run = user_data;
  umk_log_info ("Shutdown requested");
  g_main_loop_quit (run->loop);
  return G_SOURCE_CONTINUE;
}

static void
on_node_closed (GDBusConnection *connection, gboolean remote_peer_vanished, GError *error,
                gpointer user_data)
{
  (void) connection, (void) remote_peer_vanished, (void) error;
  Run *run = user_data;
  umk_log_info ("Lost the connection to the node; shutting down");
  g_main_loop_quit (run->loop);
}

static void
on_startup_wallets (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  if (!umk_wallet_loader_service_load_startup_finish (UMK_WALLET_LOADER_SERVICE (source), result,
                                                      &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      run->status = init_error ("%s", error->message);
      g_main_loop_quit (run->loop);
      return;
    }
  umk_log_info ("init message: Done loading");
}

/* Core's VerifyWallets rules for -walletdir; without it <net
 * datadir>/wallets, made when missing. Returns: the absolute folder. */
static char *
wallet_dir (const UmkArgs *args, const char *net_datadir, GError **error)
{
  if (umk_args_is_set (args, "-walletdir") && !umk_args_is_negated (args, "-walletdir"))
    {
      g_autofree char *dir = umk_args_get_path (args, "-walletdir", "");
      g_autofree char *canonical = NULL;
      struct stat st;
      if (dir[0] == '\0' || stat (dir, &st) != 0)
        g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                     "Specified -walletdir \"%s\" does not exist", dir);
      else if (!S_ISDIR (st.st_mode))
        g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                     "Specified -walletdir \"%s\" is not a directory", dir);
      else if (!g_path_is_absolute (dir))
        g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED,
                     "Specified -walletdir \"%s\" is a relative path", dir);
      else
        canonical = g_canonicalize_filename (dir, NULL);
      return g_steal_pointer (&canonical);
    }
  char *dir = g_build_filename (net_datadir, "wallets", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int e = errno;
      g_set_error (error, UMK_WALLET_ERROR, UMK_WALLET_ERROR_FAILED, "Cannot create %s: %s", dir,
                   g_strerror (e));
      g_free (dir);
      return NULL;
    }
  return dir;
}

/* The connection to the node: the inherited socket, or node.sock. */
static GDBusConnection *
connect_node (const UmkArgs *args, int fd, const char *net_datadir, GError **error)
{
  if (fd >= 0)
    return umk_ipc_connection_new_for_fd_sync (fd, FALSE, "node", error);
  g_autofree char *value = umk_args_get (args, "-ipcconnect", "unix");
  g_autofree char *default_path = g_build_filename (net_datadir, "node.sock", NULL);
  g_autofree char *path = umk_ipc_parse_address ("-ipcconnect", value, default_path, error);
  if (path == NULL)
    return NULL;
  umk_log_info ("Attaching to the node at %s", path);
  return umk_ipc_connect_unix (path, error);
}

static int
run (UmkArgs *args, const char *net_datadir)
{
  g_autoptr (GError) error = NULL;

  gboolean attach
      = umk_args_is_set (args, "-ipcconnect") && !umk_args_is_negated (args, "-ipcconnect");
  if (attach && umk_args_is_set (args, "-ipcfd"))
    return init_error ("-ipcfd and -ipcconnect cannot be used together");
  int fd = umk_ipc_get_fd_arg (args, &error);
  if (fd == -2)
    return init_error ("%s", error->message);
  if (fd < 0 && !attach)
    return init_error ("-ipcfd or -ipcconnect is needed");

  g_autofree char *walletdir = wallet_dir (args, net_datadir, &error);
  if (walletdir == NULL)
    return init_error ("%s", error->message);
  umk_log_info ("Using wallet directory %s", walletdir);

  g_autoptr (GDBusConnection) connection = connect_node (args, fd, net_datadir, &error);
  if (connection == NULL)
    return init_error ("%s", error->message);

  g_auto (GStrv) names = NULL;
  Run r = { g_main_loop_new (NULL, FALSE), EXIT_SUCCESS };
  guint sigint = g_unix_signal_add (SIGINT, on_signal, &r);
  guint sigterm = g_unix_signal_add (SIGTERM, on_signal, &r);
  gulong closed_id = g_signal_connect (connection, "closed", G_CALLBACK (on_node_closed), &r);

  g_autoptr (UmkChainClient) chain = umk_chain_client_new (connection);
  g_autoptr (UmkWalletLoaderService) loader
      = umk_wallet_loader_service_new (walletdir, args, chain);
  if (!umk_wallet_loader_service_add_connection (loader, connection, &error))
    {
      r.status = init_error ("%s", error->message);
      goto out;
    }
  /* Attached by hand: say that this connection is a wallet process, so the
   * node forwards wallet RPC here (a node that spawned us knows it). Our
   * objects are exported already, so the node may use them at once. */
  if (attach)
    {
      g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
          connection, NULL, UMK_IPC_CHAIN_PATH, "org.umkoin.Chain1", "AttachWallet", NULL, NULL,
          G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
      if (reply == NULL)
        {
          g_dbus_error_strip_remote_error (error);
          r.status = init_error ("The node refused this wallet process: %s", error->message);
          goto out;
        }
    }

  /* Core's start-up wallets: -wallet (and settings.json's list); without
   * -wallet at all, an unnamed wallet in the wallet directory. */
  umk_log_info ("init message: Verifying wallet(s)…");
  if (umk_args_is_set (args, "-wallet"))
    names = umk_args_get_list (args, "-wallet");
  umk_wallet_loader_service_load_startup_async (loader, (const char *const *) names,
                                                on_startup_wallets, &r);
  g_main_loop_run (r.loop);

out:
  umk_log_info ("Shutdown in progress...");
  umk_wallet_loader_service_unload_all (loader);
  g_clear_object (&loader);
  g_clear_object (&chain);
  g_signal_handler_disconnect (connection, closed_id);
  /* Replies and signals still queued reach the node before we go. */
  if (!g_dbus_connection_is_closed (connection))
    {
      g_dbus_connection_flush_sync (connection, NULL, NULL);
      g_dbus_connection_close_sync (connection, NULL, NULL);
    }
  g_source_remove (sigint);
  g_source_remove (sigterm);
  g_main_loop_unref (r.loop);
  umk_log_info ("Shutdown done");
  return r.status;
}

int
main (int argc, char **argv)
{
  /* Core's SetupEnvironment: wallets are for this user only. */
  umask (0077);

  g_autoptr (UmkArgs) args = umk_args_new ();
  g_autoptr (GError) error = NULL;
  umk_log_install_glib_writer ();
  umk_wallet_add_options (args);

  /* No log file unless this command line asks for one: debug.log is the
   * node's (a spawned wallet's lines reach it through the node), and a
   * debuglogfile= in umkoin.conf is meant for the node too. */
  g_autoptr (GPtrArray) argv2 = g_ptr_array_new ();
  g_ptr_array_add (argv2, argv[0]);
  g_ptr_array_add (argv2, (gpointer) "-nodebuglogfile");
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (argv2, argv[i]);
  if (!umk_args_parse (args, (int) argv2->len, (const char *const *) argv2->pdata, &error))
    {
      fprintf (stderr, "Error: Error parsing command line arguments: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (umk_args_help_requested (args) || umk_args_get_bool (args, "-version", FALSE))
    {
      printf ("%s wallet version v%s\n", PACKAGE_NAME, PACKAGE_VERSION);
      if (umk_args_get_bool (args, "-version", FALSE))
        printf ("Umkoin in C is free software under the MIT license.\n");
      else
        {
          g_autofree char *help = umk_args_help_message (args);
          printf ("\n%s\nUsage: umkoin-wallet -ipcconnect=unix[:<path>] [options]\n"
                  "       (umkoin-node starts it with -ipcfd)\n\n%s",
                  description, help);
        }
      return EXIT_SUCCESS;
    }

  /* Before anything touches the data directory: without a node there is
   * nothing to do (the offline wallet tool's commands are not here yet). */
  if (!umk_args_is_set (args, "-ipcfd") && !umk_args_is_set (args, "-ipcconnect"))
    {
      fprintf (stderr,
               "Error: umkoin-wallet runs as umkoin-node's wallet process: the node starts it "
               "(unless -disablewallet). To attach it to a node started with -ipcbind=unix, use "
               "-ipcconnect=unix (or -ipcconnect=unix:<path>).\n");
      return EXIT_FAILURE;
    }

  if (!umk_args_init_config (args, &error))
    {
      fprintf (stderr, "Error: %s\n", error->message);
      return EXIT_FAILURE;
    }
  /* umkoin.conf is shared with the node, so every node option in it was
   * logged as unknown; the node reads the same file and reports what is
   * really wrong. Drop what reading it logged. */
  umk_log_shutdown ();
  for (const char *const *w = umk_args_get_console_warnings (args); w && *w; w++)
    fprintf (stderr, "%s\n", *w);

  g_autofree char *command = NULL;
  g_auto (GStrv) command_args = NULL;
  if (umk_args_get_command (args, &command, &command_args))
    {
      const char *token = command[0] != '\0' ? command : command_args[0];
      fprintf (stderr,
               "Error: Command line contains unexpected token '%s', see umkoin-wallet -h for a "
               "list of options.\n",
               token);
      return EXIT_FAILURE;
    }

  UmkChain chain;
  if (!umk_args_get_chain (args, &chain, &error))
    {
      fprintf (stderr, "Error: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_autofree char *net_datadir = umk_args_get_datadir_net (args);
  if (!umk_log_setup (args, net_datadir, TRUE, &error))
    {
      fprintf (stderr, "Error: %s\n", error->message);
      return EXIT_FAILURE;
    }
  umk_log_info ("%s wallet version v%s (%s)", PACKAGE_NAME, PACKAGE_VERSION,
                umk_chain_name (chain));

  int status = run (args, net_datadir);
  umk_log_shutdown ();
  return status;
}
