/* main.c — umkoin-cli: Umkoin Core's command-line RPC client.
 *
 * Reads options and umkoin.conf like the node (same sections and
 * precedence), turns the command line into a JSON-RPC request, sends it to
 * the node and prints the answer: strings bare, other JSON indented by two,
 * errors on stderr as "error code: N" / "error message:" with the exit code
 * Core's client computes (the error code's absolute value; 1 for the
 * client's own errors). The order of checks, every message scripts read and
 * every exit code follow Umkoin Core v31's umkoin-cli.
 */
#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-commands.h"
#include "cli/cli-getinfo.h"
#include "common/value.h"
#include "cli/cli-rpc.h"
#include "cli/cli-stdin.h"
#include "common/args.h"
#include "common/logging.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char description[]
    = "umkoin-cli sends one command to a running Umkoin node over its JSON-RPC interface\n"
      "and prints the answer. It is meant to replace Umkoin Core's umkoin-cli: the same\n"
      "options, configuration file, output and exit codes.\n"
      "\n"
      "\"umkoin-cli help\" asks the node for its list of commands, \"umkoin-cli help <command>\"\n"
      "for the details of one. With -named, parameters are given as name=value, so that\n"
      "optional parameters before the one you want can be left out.\n";

static const char usage[] = "Usage: umkoin-cli [options] <command> [params]\n"
                            "or:    umkoin-cli [options] -named <command> [name=value]...\n"
                            "or:    umkoin-cli [options] help\n"
                            "or:    umkoin-cli [options] help <command>\n";

static void
register_options (UmkArgs *args)
{
  umk_args_add_help_options (args);
  umk_args_add_common_options (args, UMK_COMMON_VERSION | UMK_COMMON_DATADIR);
  /* Only -conf: like Core's client, this one does not follow includeconf=. */
  umk_args_add (args, "-conf=<file>", UMK_ARG_ALLOW_ANY,
                "Read this configuration file instead of umkoin.conf; a relative path is taken "
                "from the data directory (default: umkoin.conf)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add_chain_options (args);

  umk_args_add (args, "-addrinfo", UMK_ARG_ALLOW_ANY,
                "Ask the node how many peer addresses it knows, for each network and in total, "
                "counting only addresses recent and good enough to use. The node may know more.",
                UMK_OPTIONS_CLI_COMMANDS);
  umk_args_add (args, "-generate", UMK_ARG_ALLOW_ANY,
                "Mine blocks to a new address of the wallet (getnewaddress, then "
                "generatetoaddress). Two optional numbers may follow: how many blocks (default: 1) "
                "and the most tries (default: 1000000). Example: umkoin-cli -generate 4 1000",
                UMK_OPTIONS_CLI_COMMANDS);
  umk_args_add (args, "-getinfo", UMK_ARG_ALLOW_ANY,
                "Show a summary of the node: chain, blocks, peers, version, and the wallet if one "
                "is loaded. The figures come from several requests made one after the other, so "
                "they may describe slightly different moments.",
                UMK_OPTIONS_CLI_COMMANDS);
  umk_args_add (args, "-netinfo", UMK_ARG_ALLOW_ANY,
                "Show the node's peer connections (accepted for compatibility; this client does "
                "not build that report yet)",
                UMK_OPTIONS_CLI_COMMANDS);

  umk_args_add (args, "-color=<when>", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION,
                "Colour the output of -getinfo: always, never, or auto (when standard output is a "
                "terminal) (default: auto)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-named", UMK_ARG_ALLOW_ANY,
                "Give parameters as name=value instead of by position (default: 0)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcclienttimeout=<n>", UMK_ARG_ALLOW_ANY,
                "Seconds to wait for each step of an HTTP request, 0 for no limit (default: 900)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcconnect=<ip>", UMK_ARG_ALLOW_ANY,
                "Address of the node, optionally with :port (default: 127.0.0.1)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpccookiefile=<loc>", UMK_ARG_ALLOW_ANY,
                "Where the node's authentication cookie is; a relative path is taken from the "
                "network's data directory (default: .cookie there)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcpassword=<pw>", UMK_ARG_ALLOW_ANY,
                "Password for the node's JSON-RPC interface", UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcport=<port>", UMK_ARG_ALLOW_ANY | UMK_ARG_NETWORK_ONLY,
                "Port of the node's JSON-RPC interface (default: 6332, testnet: 16332, testnet4: "
                "46332, signet: 36332, regtest: 16443)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcuser=<user>", UMK_ARG_ALLOW_ANY,
                "User name for the node's JSON-RPC interface", UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcwait", UMK_ARG_ALLOW_ANY,
                "If the node does not answer yet, try again every second", UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcwaittimeout=<n>", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION,
                "With -rpcwait, give up after this many seconds, 0 for never (default: 0)",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-rpcwallet=<walletname>", UMK_ARG_ALLOW_ANY,
                "Send the command to this wallet of the node (the name it was loaded with), "
                "through the endpoint /wallet/<walletname>, e.g. "
                "http://127.0.0.1:6332/wallet/<walletname>",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-stdin", UMK_ARG_ALLOW_ANY,
                "Read more parameters from standard input, one per line, until its end; safer "
                "than the command line for secrets. With -stdinrpcpass the first line is the RPC "
                "password.",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-stdinrpcpass", UMK_ARG_ALLOW_ANY,
                "Read the RPC password from the first line of standard input. With "
                "-stdinwalletpassphrase, the passphrase is the second line.",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-stdinwalletpassphrase", UMK_ARG_ALLOW_ANY,
                "Read the wallet passphrase of walletpassphrase or walletpassphrasechange from a "
                "line of standard input (the first, unless -stdinrpcpass takes it)",
                UMK_OPTIONS_OPTIONS);
}

/* Core's AppInitRPC. Returns: -1 to go on, else the exit code. */
static int
init (UmkArgs *args, int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  register_options (args);
  if (!umk_args_parse (args, argc, (const char *const *) argv, &error))
    {
      fprintf (stderr, "Error parsing command line arguments: %s\n", error->message);
      return EXIT_FAILURE;
    }

  gboolean version = umk_args_get_bool (args, "-version", FALSE);
  if (argc < 2 || umk_args_help_requested (args) || version)
    {
      printf ("%s RPC client version v%s\n", PACKAGE_NAME, PACKAGE_VERSION);
      if (version)
        printf ("Umkoin in C is free software under the MIT license.\n");
      else
        {
          g_autofree char *help = umk_args_help_message (args);
          printf ("\n%s\n%s\n\n%s", description, usage, help);
        }
      if (argc < 2)
        {
          fflush (stdout);
          fprintf (stderr, "Error: too few parameters\n");
          return EXIT_FAILURE;
        }
      return EXIT_SUCCESS;
    }

  if (!umk_args_check_datadir_option (args))
    {
      g_autofree char *datadir = umk_args_get (args, "-datadir", "");
      fprintf (stderr, "Error: Specified data directory \"%s\" does not exist.\n", datadir);
      return EXIT_FAILURE;
    }
  if (!umk_args_read_config_files (args, TRUE, &error))
    {
      /* A chain clash found while reading includes is not a file error. */
      g_autoptr (GError) chain_error = NULL;
      g_autofree char *name = umk_args_get_chain_name (args, &chain_error);
      if (name == NULL && strcmp (chain_error->message, error->message) == 0)
        fprintf (stderr, "Error: %s\n", error->message);
      else
        fprintf (stderr, "Error reading configuration file: %s\n", error->message);
      return EXIT_FAILURE;
    }
  UmkChain chain;
  if (!umk_args_get_chain (args, &chain, &error))
    {
      fprintf (stderr, "Error: %s\n", error->message);
      return EXIT_FAILURE;
    }
  umk_args_select_chain (args, chain);
  return -1;
}

/* Reads one secret line with the terminal's echo off, prompting when the
 * user would otherwise face a silent terminal. */
static gboolean
read_secret (const char *prompt, char **line)
{
  cli_stdin_set_echo (FALSE);
  if (!cli_stdin_ready ())
    {
      fputs (prompt, stderr);
      fflush (stderr);
    }
  gboolean ok = cli_stdin_read_line (line);
  if (ok && cli_stdin_terminal ())
    fputc ('\n', stdout);
  cli_stdin_set_echo (TRUE);
  return ok;
}

/* Core's ParseError: the text to print and the exit code. */
static gboolean
format_error (const UmkValue *err, GString *print, int *ret, GError **error)
{
  if (umk_value_type (err) == UMK_VALUE_OBJECT)
    {
      const UmkValue *code = umk_value_get (err, "code");
      const UmkValue *message = umk_value_get (err, "message");
      if (!umk_value_is_null (code))
        g_string_printf (print, "error code: %s\n", umk_value_val_str (code));
      if (umk_value_type (message) == UMK_VALUE_STRING)
        {
          const GString *m = umk_value_val_gstring (message);
          g_string_append (print, "error message:\n");
          g_string_append_len (print, m->str, (gssize) m->len);
        }
      int n;
      if (umk_value_type (code) == UMK_VALUE_NUMBER)
        {
          if (!umk_value_get_int (code, &n, error))
            return FALSE;
          if (n == CLI_RPC_WALLET_NOT_SPECIFIED)
            g_string_append (print, " Or for the CLI, specify the \"-rpcwallet=<walletname>\" "
                                    "option before the command (run \"umkoin-cli -h\" for help "
                                    "or \"umkoin-cli listwallets\" to see which wallets are "
                                    "currently loaded).");
        }
    }
  else
    {
      g_autofree char *text = umk_value_to_string (err, 0);
      g_string_printf (print, "error: %s", text);
    }
  int code;
  if (!umk_value_get_int (umk_value_get (err, "code"), &code, error))
    return FALSE;
  /* abs() of INT_MIN is undefined; the exit status keeps the low byte anyway. */
  *ret = code == G_MININT ? G_MININT : ABS (code);
  return TRUE;
}

/* Core's ParseResult: strings bare, null as nothing, the rest as JSON. */
static void
format_result (const UmkValue *result, GString *print)
{
  if (umk_value_is_null (result))
    return;
  if (umk_value_type (result) == UMK_VALUE_STRING)
    {
      const GString *s = umk_value_val_gstring (result);
      g_string_assign (print, "");
      g_string_append_len (print, s->str, (gssize) s->len);
    }
  else
    {
      g_string_truncate (print, 0);
      umk_value_write (result, 2, print);
    }
}

/* Only -generate's handler is allocated. */
typedef CliHandler CliGenerateHandler;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliGenerateHandler, cli_generate_handler_free)

/* Core's CommandLineRPC, up to what to print: fills print and returns the
 * exit code, or FALSE with error for what Core throws. */
static gboolean
command_line_rpc (UmkArgs *args, int argc, char **argv, GString *print, int *ret, GError **error)
{
  /* The command and its parameters: everything from the first word not
   * starting with '-'. */
  int first = 1;
  while (first < argc && argv[first][0] == '-')
    first++;
  g_autoptr (GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  for (int i = first; i < argc; i++)
    g_ptr_array_add (words, g_strdup (argv[i]));

  if (umk_args_get_bool (args, "-stdinrpcpass", FALSE))
    {
      g_autofree char *password = NULL;
      if (!read_secret ("RPC password> ", &password))
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "-stdinrpcpass specified but failed to read from standard input");
          return FALSE;
        }
      umk_args_force_set (args, "-rpcpassword", password);
    }
  if (umk_args_get_bool (args, "-stdinwalletpassphrase", FALSE))
    {
      if (words->len < 1 || !g_str_has_prefix (g_ptr_array_index (words, 0), "walletpassphrase"))
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "-stdinwalletpassphrase is only applicable for "
                               "walletpassphrase(change)");
          return FALSE;
        }
      char *passphrase = NULL;
      if (!read_secret ("Wallet passphrase> ", &passphrase))
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "-stdinwalletpassphrase specified but failed to read from standard "
                               "input");
          return FALSE;
        }
      g_ptr_array_insert (words, 1, passphrase);
    }
  if (umk_args_get_bool (args, "-stdin", FALSE))
    {
      char *line;
      while (cli_stdin_read_line (&line))
        g_ptr_array_add (words, line);
      if (cli_stdin_terminal ())
        fputc ('\n', stdout);
    }
  if (!umk_args_check_multiple_cli_commands (args, error))
    return FALSE;

  CliHandler *handler = NULL;
  g_autoptr (CliGenerateHandler) generate = NULL;
  g_autofree char *method = g_strdup ("");
  g_autofree char *wallet = cli_rpc_wallet_name (args);
  if (umk_args_get_bool (args, "-getinfo", FALSE))
    handler = cli_getinfo_handler ();
  else if (umk_args_get_bool (args, "-netinfo", FALSE))
    {
      g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                           "-netinfo is not available in this umkoin-cli yet; use getpeerinfo "
                           "and getnetworkinfo");
      return FALSE;
    }
  else if (umk_args_get_bool (args, "-generate", FALSE))
    {
      g_autoptr (UmkValue) address_reply
          = cli_rpc_call (args, cli_default_handler (), "getnewaddress", NULL, 0, wallet, error);
      if (address_reply == NULL)
        return FALSE;
      const UmkValue *err = umk_value_get (address_reply, "error");
      if (!umk_value_is_null (err))
        return format_error (err, print, ret, error);
      g_autoptr (GError) local = NULL;
      const char *address = umk_value_get_str (umk_value_get (address_reply, "result"), &local);
      if (address == NULL)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED, local->message);
          return FALSE;
        }
      if (!cli_generate_set_args (address, words, error))
        return FALSE;
      generate = cli_generate_handler_new ();
      handler = generate;
    }
  else if (umk_args_get_bool (args, "-addrinfo", FALSE))
    handler = cli_addrinfo_handler ();
  else
    {
      handler = cli_default_handler ();
      if (words->len < 1)
        {
          g_set_error_literal (error, CLI_ERROR, CLI_ERROR_FAILED,
                               "too few parameters (need at least command)");
          return FALSE;
        }
      g_free (method);
      method = g_ptr_array_steal_index (words, 0);
    }

  g_autoptr (UmkValue) reply = cli_rpc_call (
      args, handler, method, (const char *const *) words->pdata, words->len, wallet, error);
  if (reply == NULL)
    return FALSE;
  const UmkValue *err = umk_value_get (reply, "error");
  if (!umk_value_is_null (err))
    return format_error (err, print, ret, error);

  g_autoptr (UmkValue) result = umk_value_copy (umk_value_get (reply, "result"));
  if (umk_args_get_bool (args, "-getinfo", FALSE))
    {
      if (wallet == NULL && !cli_getinfo_add_wallet_balances (args, result, error))
        return FALSE;
      g_autoptr (GError) local = NULL;
      g_autofree char *report = cli_getinfo_format (args, result, &local);
      if (local != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      if (report != NULL)
        {
          umk_value_free (result);
          result = umk_value_new_string (report);
        }
    }
  format_result (result, print);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (UmkArgs) args = umk_args_new ();
  int ret = init (args, argc, argv);
  if (ret >= 0)
    return ret;

  g_autoptr (GString) print = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  ret = 0;
  if (!command_line_rpc (args, argc, argv, print, &ret, &error))
    {
      g_string_printf (print, "error: %s", error->message);
      ret = EXIT_FAILURE;
    }
  if (print->len > 0)
    {
      FILE *out = ret == 0 ? stdout : stderr;
      fwrite (print->str, 1, print->len, out);
      fputc ('\n', out);
    }
  /* Config reading may have logged to memory; nothing is written anywhere. */
  umk_log_shutdown ();
  return ret;
}
