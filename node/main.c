/* main.c — umkoin-node: start-up as Umkoin Core's umkoind does it.
 *
 * Today the node reads its options and configuration, selects the chain,
 * creates the data directory, opens debug.log and checks the chain's genesis
 * block; then it says that the rest (validation, storage, P2P, RPC) is not
 * built yet and exits. Messages and exit codes follow umkoind's.
 */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "common/args.h"
#include "common/chainparams.h"
#include "common/logging.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

static const char description[]
    = "umkoin-node is the headless Umkoin full node. It is meant to replace Umkoin Core's\n"
      "umkoind: the same options, configuration file and data directory.\n"
      "\n"
      "This version only starts up: it reads its options and umkoin.conf, selects the\n"
      "chain, prepares the data directory and debug.log, checks the genesis block, and\n"
      "exits. Validation, storage, networking and RPC are not built yet.\n";

/* Core's InitError: the message on stderr after "Error: ", and in the log. */
static int init_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

static int
init_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  umk_log_error ("%s", msg);
  fprintf (stderr, "Error: %s\n", msg);
  return EXIT_FAILURE;
}

static void
register_options (UmkArgs *args)
{
  umk_args_add_help_options (args);
  umk_args_add_common_options (args, UMK_COMMON_VERSION | UMK_COMMON_HELP_DEBUG | UMK_COMMON_DATADIR
                                         | UMK_COMMON_CONF | UMK_COMMON_SETTINGS);
  umk_args_add_chain_options (args);
  umk_log_add_options (args);
  /* Two regtest knobs read by umk_chain_options_from_args(). */
  umk_args_add (args, "-fastprune", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Use smaller block files and a lower minimum prune height, for tests",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-test=<option>", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Turn on a test-only behaviour; may be given more than once. Known: bip94 "
                "(enforce BIP 94's timewarp rules on regtest).",
                UMK_OPTIONS_DEBUG_TEST);
}

int
main (int argc, char **argv)
{
  g_autoptr (UmkArgs) args = umk_args_new ();
  g_autoptr (GError) error = NULL;

  umk_log_install_glib_writer ();
  register_options (args);
  if (!umk_args_parse (args, argc, (const char *const *) argv, &error))
    return init_error ("Error parsing command line arguments: %s", error->message);

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
    return init_error ("%s", error->message);
  for (const char *const *w = umk_args_get_console_warnings (args); w && *w; w++)
    fprintf (stderr, "%s\n", *w);

  /* Positional arguments mean a mistyped option (umkoind's check). */
  g_autofree char *command = NULL;
  g_auto (GStrv) command_args = NULL;
  if (umk_args_get_command (args, &command, &command_args))
    {
      const char *token = command[0] != '\0' ? command : command_args[0];
      return init_error ("Command line contains unexpected token '%s', see umkoin-node -h for a "
                         "list of options.",
                         token);
    }

  UmkChain chain;
  if (!umk_args_get_chain (args, &chain, &error))
    return init_error ("%s", error->message);
  if (!umk_args_check_section_only_args (args, &error))
    return init_error ("%s", error->message);

  g_autofree char *net_datadir = umk_args_get_datadir_net (args);
  if (!umk_log_setup (args, net_datadir, TRUE, &error))
    return init_error ("%s", error->message);

  UmkChainOptions opts;
  umk_chain_options_init (&opts);
  gboolean options_ok = umk_chain_options_from_args (&opts, args, &error);
  g_autoptr (UmkChainParams) params
      = options_ok ? umk_chain_params_new (chain, &opts, &error) : NULL;
  umk_chain_options_clear (&opts);
  if (params == NULL)
    return init_error ("%s", error->message);

  g_autofree char *default_datadir = umk_default_datadir ();
  g_autofree char *conf = umk_args_get_config_path (args);
  char genesis[UMK_UINT256_HEX_SIZE];
  umk_uint256_to_hex_buf (&params->genesis->hash, genesis);
  umk_log_info ("%s node version v%s", PACKAGE_NAME, PACKAGE_VERSION);
  umk_log_info ("Default data directory %s", default_datadir);
  umk_log_info ("Using data directory %s", net_datadir);
  if (conf == NULL || conf[0] == '\0')
    umk_log_info ("Config file: <disabled>");
  else if (g_file_test (conf, G_FILE_TEST_EXISTS))
    umk_log_info ("Config file: %s", conf);
  else
    umk_log_info ("Config file: %s (not found, skipping)", conf);
  umk_args_log (args);
  umk_log_info ("Chain %s: genesis block %s verified", umk_chain_name (chain), genesis);
  umk_log_info ("Start-up checks passed. Validation, storage, P2P and RPC are not built yet; "
                "exiting.");
  umk_log_shutdown ();
  return EXIT_SUCCESS;
}
