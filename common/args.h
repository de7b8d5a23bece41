/* args.h — options, umkoin.conf, settings.json, chain selection and the data
 * directory, with Umkoin Core's rules.
 *
 * Every program registers the options it knows (umk_args_add() and the
 * umk_args_add_*_options() helpers), then parses its command line
 * (umk_args_parse()), then reads the configuration (umk_args_init_config(), or
 * umk_args_read_config_files() for tools that want less). After that the
 * getters answer with Core's precedence:
 *
 *   forced settings (umk_args_force_set)
 *   > command line
 *   > settings.json (read-write settings)
 *   > config file, section of the selected network ([test], regtest.x=, ...)
 *   > config file, top section (ignored for NETWORK_ONLY options off main)
 *
 * Within one source the command line takes its LAST value and the config file
 * its FIRST (Core keeps that for backwards compatibility); "-nofoo" clears the
 * values before it. Lists (umk_args_get_list()) merge all sources in that order.
 *
 * Option names may be given with or without their leading dash ("-dbcache" or
 * "dbcache"). All functions are thread-safe: an UmkArgs has its own lock.
 * Nothing here prints or exits; errors come back as GError (domain UMK_ERROR)
 * with Umkoin Core's wording, and warnings go to the log (common/logging.h), as
 * Core's do.
 */
#pragma once

#include "common/chaintype.h"

#include <glib.h>
#include <stdint.h>

#define UMK_CONF_FILENAME     "umkoin.conf"
#define UMK_SETTINGS_FILENAME "settings.json"

/* How an option may be written; the values are Core's ArgsManager::Flags. */
typedef enum
{
  UMK_ARG_ALLOW_ANY = 0x01,         /* no validation of the value */
  UMK_ARG_DISALLOW_NEGATION = 0x20, /* "-nofoo" is an error */
  UMK_ARG_DISALLOW_ELISION = 0x40,  /* bare "-foo" without "=value" is an error */
  UMK_ARG_DEBUG_ONLY = 0x100,       /* listed by -help only with -help-debug */
  UMK_ARG_NETWORK_ONLY = 0x200,     /* top-section config value ignored off mainnet */
  UMK_ARG_SENSITIVE = 0x400,        /* value shown as **** in the log */
  UMK_ARG_COMMAND = 0x800,          /* a sub-command (set by umk_args_add_command) */
} UmkArgFlags;

/* Help sections, in the order -help prints them (Core's OptionsCategory). */
typedef enum
{
  UMK_OPTIONS_OPTIONS,
  UMK_OPTIONS_CONNECTION,
  UMK_OPTIONS_WALLET,
  UMK_OPTIONS_WALLET_DEBUG_TEST,
  UMK_OPTIONS_ZMQ,
  UMK_OPTIONS_DEBUG_TEST,
  UMK_OPTIONS_CHAINPARAMS,
  UMK_OPTIONS_NODE_RELAY,
  UMK_OPTIONS_BLOCK_CREATION,
  UMK_OPTIONS_RPC,
  UMK_OPTIONS_GUI,
  UMK_OPTIONS_COMMANDS,
  UMK_OPTIONS_REGISTER_COMMANDS,
  UMK_OPTIONS_CLI_COMMANDS,
  UMK_OPTIONS_IPC,
  UMK_OPTIONS_HIDDEN, /* accepted, never listed */
  UMK_OPTIONS_N_CATEGORIES
} UmkOptionsCategory;

/* UmkChain and its names, datadir subdirectories and RPC ports live in chaintype.h. */

typedef struct _UmkArgs UmkArgs;

/* Returns: a new, empty option registry with no settings. Free with umk_args_free(). */
UmkArgs *umk_args_new (void) G_GNUC_WARN_UNUSED_RESULT;
void umk_args_free (UmkArgs *args);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkArgs, umk_args_free)

/* ---- Registry ---------------------------------------------------------- */

/* Registers an option.
 * Args: args.
 * In:   name_with_syntax  "-name" or "-name=<syntax>"; the part from '=' on is only
 *                         shown by -help. Registering a name twice in one category
 *                         is a programming error (g_critical).
 *       flags             UmkArgFlags (not UMK_ARG_COMMAND).
 *       help              the help paragraph (may contain '\n').
 *       category          the -help section. */
void umk_args_add (UmkArgs *args, const char *name_with_syntax, unsigned flags, const char *help,
                   UmkOptionsCategory category);
/* Registers a sub-command (a first non-dash argument, as umkoin-wallet's "create").
 * Once one is registered, an unregistered first non-dash argument is an error. */
void umk_args_add_command (UmkArgs *args, const char *command, const char *help);
/* Registers options that are accepted but never listed by -help.
 * In: names  NULL-terminated array of "-name" strings. */
void umk_args_add_hidden (UmkArgs *args, const char *const *names);

/* -help (and the hidden -h, -?). */
void umk_args_add_help_options (UmkArgs *args);
/* -chain, -regtest, -testnet, -testnet4, -signet, -signetchallenge,
 * -signetseednode, -testactivationheight, -vbparams (Core's
 * SetupChainParamsBaseOptions). Every program registers them. */
void umk_args_add_chain_options (UmkArgs *args);

/* Groups of the options most programs share, for umk_args_add_common_options(). */
typedef enum
{
  UMK_COMMON_VERSION = 1 << 0,    /* -version */
  UMK_COMMON_HELP_DEBUG = 1 << 1, /* -help-debug */
  UMK_COMMON_DATADIR = 1 << 2,    /* -datadir */
  UMK_COMMON_CONF = 1 << 3,       /* -conf, -includeconf, -allowignoredconf */
  UMK_COMMON_SETTINGS = 1 << 4,   /* -settings */
} UmkCommonOptions;

/* Registers the shared options selected by `which` (UmkCommonOptions bits), in
 * Core's categories. Help options come from umk_args_add_help_options(). */
void umk_args_add_common_options (UmkArgs *args, unsigned which);

/* Returns: TRUE when the option is registered; its flags in *flags.
 * In: name ("-name"). Out: flags (may be NULL). */
gboolean umk_args_get_flags (const UmkArgs *args, const char *name, unsigned *flags);

/* Returns: the -help text: each non-empty category under its title, options
 * sorted, help wrapped at 79 columns and indented 7, DEBUG_ONLY options (and
 * the wallet debugging title) only when -help-debug is set. Free with g_free(). */
char *umk_args_help_message (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: TRUE when -?, -h, -help or -help-debug was given. */
gboolean umk_args_help_requested (const UmkArgs *args);
/* Returns: in wrapped to width columns, continuation lines indented by indent
 * spaces (Core's FormatParagraph), newly allocated.
 * In: in, width >= indent, indent. */
char *umk_format_paragraph (const char *in, size_t width, size_t indent) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Command line ------------------------------------------------------ */

/* Parses argv[1..argc-1], replacing earlier command-line settings.
 * Accepts "-name", "--name", "-name=value", "-noname" (false), "-noname=0"
 * (true). Parsing stops at the first argument not starting with '-': it and
 * all later arguments become the command (see umk_args_get_command()). A lone
 * "-" also stops parsing and is dropped.
 * Returns: FALSE with error (UMK_ERROR_INVALID) for an unknown option or one with
 * a "section." prefix ("Invalid parameter -foo"), a negated DISALLOW_NEGATION
 * option, a bare DISALLOW_ELISION option, an unregistered command when commands
 * are registered, and any non-negated -includeconf.
 * Args: args. In: argc, argv. */
gboolean umk_args_parse (UmkArgs *args, int argc, const char *const *argv,
                         GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Returns: FALSE when no positional argument was given. Otherwise TRUE, with
 * *command the registered command ("" when none is registered, and then the
 * first positional argument is the first of *command_args) and *command_args
 * the arguments after it.
 * Out: command, command_args (each may be NULL; free with g_free/g_strfreev). */
gboolean umk_args_get_command (const UmkArgs *args, char **command, char ***command_args);

/* Returns: FALSE with Core's "Only one of -a, -b may be specified." when more
 * than one option of the UMK_OPTIONS_CLI_COMMANDS category is set. */
gboolean umk_args_check_multiple_cli_commands (const UmkArgs *args, GError **error);

/* ---- Getters and setters ----------------------------------------------- */

/* Returns: the effective value as a newly allocated string ("0"/"1" for a
 * negation/double negation), or a copy of def (NULL if def is NULL) when unset. */
char *umk_args_get (const UmkArgs *args, const char *name,
                    const char *def) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the value as an integer the way Core reads it (atoi-like: leading
 * spaces and '+' allowed, trailing junk ignored, non-numbers 0, saturating at
 * the int64 range); def when unset. */
gint64 umk_args_get_int (const UmkArgs *args, const char *name, gint64 def);
/* Returns: the value as a boolean: "" and non-zero numbers are true, anything
 * else false ("true" is false, as in Core); def when unset. */
gboolean umk_args_get_bool (const UmkArgs *args, const char *name, gboolean def);
/* Returns: every value of a multi-valued option, all sources merged in Core's
 * order, NULL-terminated (never NULL; empty when unset or negated). */
char **umk_args_get_list (const UmkArgs *args, const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: a path option, lexically normalised without a trailing '/'
 * ("a/./b/../c/" -> "a/c"); "" when negated; a copy of def (or NULL) when unset or
 * empty. Relative paths stay relative (see umk_args_abs_path_for_config_val). */
char *umk_args_get_path (const UmkArgs *args, const char *name,
                         const char *def) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: TRUE when one of -test's values is exactly option (Core's
 * HasTestOption). */
gboolean umk_args_has_test_option (const UmkArgs *args, const char *option);
/* Returns: TRUE when the option has a value from any source (negation counts). */
gboolean umk_args_is_set (const UmkArgs *args, const char *name);
/* Returns: TRUE when the effective value is a negation ("-nofoo"). */
gboolean umk_args_is_negated (const UmkArgs *args, const char *name);
/* Returns: the effective setting as JSON text, as Core writes it: null, false,
 * true, "string", or what settings.json held. Newly allocated. */
char *umk_args_get_setting_json (const UmkArgs *args, const char *name) G_GNUC_WARN_UNUSED_RESULT;

/* Sets name to value unless it is already set.
 * Returns: TRUE when it was set. */
gboolean umk_args_soft_set (UmkArgs *args, const char *name, const char *value);
/* As umk_args_soft_set() with "1" or "0". */
gboolean umk_args_soft_set_bool (UmkArgs *args, const char *name, gboolean value);
/* Sets name to value over every other source. */
void umk_args_force_set (UmkArgs *args, const char *name, const char *value);

/* ---- Configuration files ----------------------------------------------- */

/* Reads the config file: -conf (default umkoin.conf, relative paths under the
 * datadir; -noconf reads nothing), then its includeconf= files (those of the
 * top section and of the chosen chain's section; includeconf inside included
 * files is ignored with a warning from umk_args_get_console_warnings()).
 * A missing default file is fine; a missing explicit -conf is an error. Unknown
 * options are logged and skipped when ignore_invalid_keys, errors otherwise.
 * Returns: FALSE with Core's message on a malformed line, a directory given as
 * config file, an unreadable -conf or include, an invalid chain combination, or
 * when a datadir= from the file does not exist. */
gboolean umk_args_read_config_files (UmkArgs *args, gboolean ignore_invalid_keys,
                                     GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses config file contents (may contain NULs; values are cut at a NUL) and
 * adds them to the config-file settings, as Core's ReadConfigStream.
 * In: data, len, filepath (for section warnings), ignore_invalid_keys. */
gboolean umk_args_read_config_data (UmkArgs *args, const char *data, gsize len,
                                    const char *filepath, gboolean ignore_invalid_keys,
                                    GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the config file path the last umk_args_read_config_files() used
 * ("" with -noconf), or NULL before. Newly allocated. */
char *umk_args_get_config_path (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: lines Core prints on stderr while reading config files
 * ("warning: -includeconf cannot be used from included files; ..."); the
 * program should print them. Owned by args, valid until the next read. */
const char *const *umk_args_get_console_warnings (const UmkArgs *args);
/* Returns: NETWORK_ONLY options ("-name") that are set only in the top section
 * of the config file while a chain other than main is selected (they are
 * ignored), sorted. Free with g_strfreev(). */
char **umk_args_get_unsuitable_section_only_args (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: FALSE with Core's init error ("Config setting for -x only applied on
 * test network when in [test] section.", one line per option) when
 * umk_args_get_unsuitable_section_only_args() is not empty. */
gboolean umk_args_check_section_only_args (const UmkArgs *args, GError **error);
/* Returns: a warning "<file>:<line> Section [<name>] is not recognized." for every
 * unknown section seen in the config files. Free with g_strfreev(). */
char **umk_args_get_unrecognized_section_warnings (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the config-file, settings.json and command-line settings to the log
 * (SENSITIVE values as ****), as Core's LogArgs. */
void umk_args_log (const UmkArgs *args);

/* ---- Chain ------------------------------------------------------------- */

/* Returns: TRUE with the chain chosen by -chain/-regtest/-testnet/-testnet4/
 * -signet (main by default). FALSE with error "Invalid combination of ...",
 * or "Unknown chain foo." for an unknown -chain value. Out: chain. */
gboolean umk_args_get_chain (const UmkArgs *args, UmkChain *chain,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* As umk_args_get_chain() but returns the name, or the unknown -chain value as
 * given (Core's GetChainTypeString). NULL with error on a combination. */
char *umk_args_get_chain_name (const UmkArgs *args, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Makes chain's config section the one getters read, and its subdirectory the
 * net datadir. */
void umk_args_select_chain (UmkArgs *args, UmkChain chain);
/* As umk_args_select_chain() with any section name (tests; unknown names give
 * the top datadir). NULL selects nothing. */
void umk_args_select_config_network (UmkArgs *args, const char *network);
/* Returns: TRUE with the selected chain, FALSE when none (or no chain) is selected. */
gboolean umk_args_get_selected_chain (const UmkArgs *args, UmkChain *chain);

/* ---- Data directory ---------------------------------------------------- */

/* Returns: $HOME/.umkoin (g_get_home_dir() when HOME is unset or empty). */
char *umk_default_datadir (void) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: TRUE when -datadir is unset or names an existing directory. */
gboolean umk_args_check_datadir_option (const UmkArgs *args);
/* Returns: the absolute datadir (-datadir, else the default), or NULL when
 * -datadir is not a directory. Newly allocated. */
char *umk_args_get_datadir_base (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the datadir with the selected chain's subdirectory (Core's
 * GetDataDirNet), or NULL as umk_args_get_datadir_base(). */
char *umk_args_get_datadir_net (const UmkArgs *args) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: path if absolute or empty, else path under the (net) datadir. */
char *umk_args_abs_path_for_config_val (const UmkArgs *args, const char *path,
                                        gboolean net_specific) G_GNUC_WARN_UNUSED_RESULT;
/* Creates the datadir and the net datadir, each with a "wallets" subdirectory,
 * when they do not exist yet (Core: default permissions, i.e. 0777 & ~umask). */
gboolean umk_args_ensure_datadirs (const UmkArgs *args, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* ---- settings.json ----------------------------------------------------- */

/* Returns: FALSE when -nosettings; else TRUE with *path (net datadir /
 * -settings, plus ".bak" when backup and ".tmp" when temp). Out: path (may be NULL). */
gboolean umk_args_get_settings_path (const UmkArgs *args, gboolean temp, gboolean backup,
                                     char **path);
/* Replaces the read-write settings with settings.json's (a missing file is
 * empty). Returns: FALSE with Core's error text(s), one per line. */
gboolean umk_args_read_settings_file (UmkArgs *args, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the read-write settings to settings.json (or its .bak) through a
 * .tmp file and a rename. */
gboolean umk_args_write_settings_file (UmkArgs *args, gboolean backup,
                                       GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: a read-write setting as JSON text, or NULL when absent. */
char *umk_args_get_rw_setting_json (const UmkArgs *args,
                                    const char *name) G_GNUC_WARN_UNUSED_RESULT;
/* Sets a read-write setting from JSON text (any JSON value).
 * Returns: FALSE with error when json does not parse. */
gboolean umk_args_set_rw_setting_json (UmkArgs *args, const char *name, const char *json,
                                       GError **error);
void umk_args_remove_rw_setting (UmkArgs *args, const char *name);
/* Returns: the setting from settings.json or the config file only (what would
 * apply after a restart without command-line arguments), as JSON text. */
char *umk_args_get_persistent_setting_json (const UmkArgs *args,
                                            const char *name) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Start-up ---------------------------------------------------------- */

/* What every program does after umk_args_parse() (Core's InitConfig): checks
 * -datadir, reads the config files (unknown options ignored with a warning),
 * selects the chain, creates the datadirs, refuses a umkoin.conf in the datadir
 * that would be silently ignored (unless -allowignoredconf), then reads and
 * rewrites settings.json (unless -nosettings).
 * Returns: FALSE with Core's message, e.g. "Specified data directory \"x\" does
 * not exist.", "Error reading configuration file: ...", "Unknown chain x.". */
gboolean umk_args_init_config (UmkArgs *args, GError **error) G_GNUC_WARN_UNUSED_RESULT;
