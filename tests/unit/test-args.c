#include "config.h"

#include "common/args.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/hex.h"
#include "common/logging.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* ---- Helpers ------------------------------------------------------------- */

/* A registry with each name of the NULL-terminated list under `flags`. */
static UmkArgs *
args_with (unsigned flags, const char *first, ...)
{
  UmkArgs *a = umk_args_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *n = first; n; n = va_arg (ap, const char *))
    umk_args_add (a, n, flags, "", UMK_OPTIONS_OPTIONS);
  va_end (ap);
  return a;
}

/* Parses "prog" + the space-separated words of line (none when line is ""). */
static gboolean
parse_line (UmkArgs *a, const char *line, GError **error)
{
  g_auto (GStrv) words = line[0] ? g_strsplit (line, " ", -1) : g_new0 (char *, 1);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "prog");
  for (char **w = words; *w; w++)
    g_ptr_array_add (argv, *w);
  return umk_args_parse (a, (int) argv->len, (const char *const *) argv->pdata, error);
}

static void
parse_ok (UmkArgs *a, const char *line)
{
  g_autoptr (GError) error = NULL;
  gboolean ok = parse_line (a, line, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
conf_ok (UmkArgs *a, const char *text)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_read_config_data (a, text, strlen (text), "test.conf", FALSE, &error));
  g_assert_no_error (error);
}

static void
assert_get (UmkArgs *a, const char *name, const char *expected)
{
  g_autofree char *v = umk_args_get (a, name, "xxx");
  g_assert_cmpstr (v, ==, expected);
}

/* Asserts the list value joined with '|'. */
static void
assert_list (UmkArgs *a, const char *name, const char *expected)
{
  g_auto (GStrv) l = umk_args_get_list (a, name);
  g_autofree char *joined = g_strjoinv ("|", l);
  g_assert_cmpstr (joined, ==, expected);
}

static void
write_file (const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
}

/* ---- Chain facts --------------------------------------------------------- */

static void
test_chain_facts (void)
{
  static const struct
  {
    UmkChain chain;
    const char *name, *suffix;
    guint16 port;
  } want[] = {
    { UMK_CHAIN_MAIN, "main", "", 6332 },
    { UMK_CHAIN_TEST, "test", "testnet3", 16332 },
    { UMK_CHAIN_TESTNET4, "testnet4", "testnet4", 46332 },
    { UMK_CHAIN_SIGNET, "signet", "signet", 36332 },
    { UMK_CHAIN_REGTEST, "regtest", "regtest", 16443 },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (want); i++)
    {
      UmkChain c;
      g_assert_cmpstr (umk_chain_name (want[i].chain), ==, want[i].name);
      g_assert_true (umk_chain_from_name (want[i].name, &c));
      g_assert_cmpint (c, ==, want[i].chain);
      g_assert_cmpstr (umk_chain_datadir_suffix (want[i].chain), ==, want[i].suffix);
      g_assert_cmpuint (umk_chain_default_rpc_port (want[i].chain), ==, want[i].port);
    }
}

/* ---- Command line -------------------------------------------------------- */

static void
test_parse_parameters (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-a", "-b", "-ccc", "-d", NULL);
  const char *argv[] = { "-ignored", "-a", "-b", "-ccc=argument", "-ccc=multiple", "f", "-d=e" };
  g_autoptr (GError) error = NULL;

  g_assert_true (umk_args_parse (a, 0, argv, &error));
  g_assert_false (umk_args_is_set (a, "-a"));
  g_assert_true (umk_args_parse (a, 1, argv, &error));
  g_assert_false (umk_args_is_set (a, "-ignored"));

  g_assert_true (umk_args_parse (a, 7, argv, &error));
  g_assert_no_error (error);
  /* Parsing stops at "f": -d is a command argument, not an option. */
  g_assert_true (umk_args_is_set (a, "-a") && umk_args_is_set (a, "-b"));
  g_assert_true (umk_args_is_set (a, "-ccc") && umk_args_is_set (a, "ccc"));
  g_assert_false (umk_args_is_set (a, "f") || umk_args_is_set (a, "-d"));
  assert_get (a, "-a", "");
  assert_get (a, "-ccc", "multiple"); /* command line: last wins */
  assert_list (a, "-ccc", "argument|multiple");

  g_autofree char *cmd = NULL;
  g_auto (GStrv) cmd_args = NULL;
  g_assert_true (umk_args_get_command (a, &cmd, &cmd_args));
  g_assert_cmpstr (cmd, ==, "");
  g_assert_cmpuint (g_strv_length (cmd_args), ==, 2);
  g_assert_cmpstr (cmd_args[0], ==, "f");
  g_assert_cmpstr (cmd_args[1], ==, "-d=e");

  /* A lone "-" ends the options and is dropped (umkoin-tx reads stdin). */
  parse_ok (a, "-a - -b");
  g_assert_true (umk_args_is_set (a, "-a"));
  g_assert_false (umk_args_is_set (a, "-b"));
  g_assert_false (umk_args_get_command (a, NULL, NULL));
}

typedef struct
{
  const char *arg;     /* NULL: no argument */
  const char *setting; /* JSON of the effective setting */
  const char *str;     /* umk_args_get (..., "zzzzz") */
  gint64 i;            /* umk_args_get_int (..., 99999) */
  int b;               /* umk_args_get_bool, -1: default */
  const char *list;    /* '|'-joined */
} CheckValueCase;

/* Core's util_CheckValue table. */
static void
test_check_value (void)
{
  static const CheckValueCase cases[] = {
    { NULL, "null", "zzzzz", 99999, -1, "" },
    { "-novalue", "false", "0", 0, 0, "" },
    { "-novalue=", "false", "0", 0, 0, "" },
    { "-novalue=0", "true", "1", 1, 1, "1" },
    { "-novalue=1", "false", "0", 0, 0, "" },
    { "-novalue=2", "false", "0", 0, 0, "" },
    { "-novalue=abc", "true", "1", 1, 1, "1" },
    { "-value", "\"\"", "", 0, 1, "" },
    { "-value=", "\"\"", "", 0, 1, "" },
    { "-value=0", "\"0\"", "0", 0, 0, "0" },
    { "-value=1", "\"1\"", "1", 1, 1, "1" },
    { "-value=2", "\"2\"", "2", 2, 1, "2" },
    { "-value=abc", "\"abc\"", "abc", 0, 0, "abc" },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const CheckValueCase *c = &cases[i];
      g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-value", NULL);
      const char *argv[] = { "ignored", c->arg };
      g_autoptr (GError) error = NULL;
      g_assert_true (umk_args_parse (a, c->arg ? 2 : 1, argv, &error));
      g_autofree char *json = umk_args_get_setting_json (a, "-value");
      g_assert_cmpstr (json, ==, c->setting);
      g_autofree char *s = umk_args_get (a, "-value", "zzzzz");
      g_assert_cmpstr (s, ==, c->str);
      g_assert_cmpint (umk_args_get_int (a, "-value", 99999), ==, c->i);
      if (c->b < 0)
        {
          g_assert_false (umk_args_get_bool (a, "-value", FALSE));
          g_assert_true (umk_args_get_bool (a, "-value", TRUE));
        }
      else
        {
          g_assert_cmpint (umk_args_get_bool (a, "-value", FALSE), ==, c->b);
          g_assert_cmpint (umk_args_get_bool (a, "-value", TRUE), ==, c->b);
        }
      g_auto (GStrv) l = umk_args_get_list (a, "-value");
      /* "-value" gives one empty value; join cannot show that, so count. */
      if (g_strcmp0 (c->setting, "\"\"") == 0)
        g_assert_true (g_strv_length (l) == 1 && l[0][0] == '\0');
      else
        assert_list (a, "-value", c->list);
    }
}

static void
test_negation (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-foo", "-bar", NULL);
  static const struct
  {
    const char *line;
    gboolean expect;
  } bools[] = {
    { "-foo", TRUE },
    { "-foo=0", FALSE },
    { "-foo=1", TRUE },
    { "-nofoo", FALSE },
    { "-nofoo=1", FALSE },
    { "-nofoo=0", TRUE },
    { "-foo -nofoo", FALSE },
    { "-foo=1 -nofoo=1", FALSE },
    { "-foo=0 -nofoo=0", TRUE },
    { "--foo=1", TRUE },
    { "--nofoo=1", FALSE },
    { "-foo --nofoo", FALSE },
    { "-nofoo -foo", TRUE },
    { "--foo", TRUE },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (bools); i++)
    {
      parse_ok (a, bools[i].line);
      g_assert_cmpint (umk_args_get_bool (a, "-foo", FALSE), ==, bools[i].expect);
      g_assert_cmpint (umk_args_get_bool (a, "-foo", TRUE), ==, bools[i].expect);
    }
  /* Unknown names are simply unset. */
  parse_ok (a, "-foo");
  g_assert_false (umk_args_get_bool (a, "-fo", FALSE));
  g_assert_true (umk_args_get_bool (a, "-fooo", TRUE));

  parse_ok (a, "--foo=verbose --bar=1");
  assert_get (a, "-foo", "verbose");
  g_assert_cmpint (umk_args_get_int (a, "-bar", 0), ==, 1);

  /* Core's util_GetBoolArgEdgeCases, command line part. */
  parse_ok (a, "-nofoo -foo -nobar=0");
  g_assert_false (umk_args_is_negated (a, "-foo"));
  assert_get (a, "-foo", "");
  g_assert_false (umk_args_is_negated (a, "-bar"));
  assert_get (a, "-bar", "1");
  g_assert_false (umk_args_is_set (a, "-nofoo"));

  parse_ok (a, "-nofoo");
  g_assert_true (umk_args_is_negated (a, "-foo"));
  g_assert_true (umk_args_is_set (a, "-foo"));
  assert_get (a, "-foo", "0");
  assert_list (a, "-foo", "");
}

static void
expect_parse_error (UmkArgs *a, const char *line, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (parse_line (a, line, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_parse_errors (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-registered", "-includeconf", NULL);
  umk_args_add (a, "-datadir=<dir>", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION, "",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (a, "-proxy=<ip>", UMK_ARG_DISALLOW_ELISION, "", UMK_OPTIONS_OPTIONS);
  parse_ok (a, "-registered");

  expect_parse_error (a, "-unregistered", "Invalid parameter -unregistered");
  expect_parse_error (a, "-unregistered=5", "Invalid parameter -unregistered=5");
  expect_parse_error (a, "--", "Invalid parameter --");
  /* Section prefixes are for config files only. */
  expect_parse_error (a, "-test.registered", "Invalid parameter -test.registered");
  expect_parse_error (a, "-regtest.registered=1", "Invalid parameter -regtest.registered=1");
  expect_parse_error (a, "-nodatadir",
                      "Negating of -datadir is meaningless and therefore forbidden");
  expect_parse_error (a, "-proxy",
                      "Can not set -proxy with no value. Please specify value with -proxy=value.");
  parse_ok (a, "-proxy=1.2.3.4");
  parse_ok (a, "-noproxy");

  /* Core's util_NoIncludeConf. */
  parse_ok (a, "-noincludeconf");
  expect_parse_error (a, "-includeconf",
                      "-includeconf cannot be used from commandline; -includeconf=\"\"");
  expect_parse_error (a, "-includeconf=file",
                      "-includeconf cannot be used from commandline; -includeconf=\"file\"");
  expect_parse_error (a, "-noincludeconf -includeconf=b",
                      "-includeconf cannot be used from commandline; -includeconf=\"b\"");
  parse_ok (a, "-includeconf=a -noincludeconf");
}

static void
test_commands (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-wallet", NULL);
  umk_args_add_command (a, "create", "Create a wallet");
  umk_args_add_command (a, "info", "Show a wallet");
  expect_parse_error (a, "-wallet=x bogus", "Invalid command 'bogus'");

  parse_ok (a, "-wallet=x info extra -more");
  g_autofree char *cmd = NULL;
  g_auto (GStrv) rest = NULL;
  g_assert_true (umk_args_get_command (a, &cmd, &rest));
  g_assert_cmpstr (cmd, ==, "info");
  g_assert_cmpuint (g_strv_length (rest), ==, 2);
  g_assert_cmpstr (rest[0], ==, "extra");
  g_assert_cmpstr (rest[1], ==, "-more");

  parse_ok (a, "-wallet=x");
  g_assert_false (umk_args_get_command (a, NULL, NULL));

  /* umkoin-cli's mutually exclusive commands. */
  g_autoptr (UmkArgs) cli = umk_args_new ();
  umk_args_add (cli, "-getinfo", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_CLI_COMMANDS);
  umk_args_add (cli, "-netinfo", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_CLI_COMMANDS);
  umk_args_add (cli, "-generate", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_CLI_COMMANDS);
  parse_ok (cli, "-netinfo");
  g_assert_true (umk_args_check_multiple_cli_commands (cli, NULL));
  parse_ok (cli, "-netinfo -getinfo -generate");
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_check_multiple_cli_commands (cli, &error));
  g_assert_cmpstr (error->message, ==,
                   "Only one of -generate, -getinfo, -netinfo may be specified.");
}

/* Core's util_ArgParsing: how strings read as bools and integers. */
static void
test_arg_parsing (void)
{
  static const struct
  {
    const char *s;
    gboolean b;
    gint64 i;
  } cases[] = {
    { "", TRUE, 0 },      { " ", FALSE, 0 },   { "0", FALSE, 0 },   { "0 ", FALSE, 0 },
    { " 0", FALSE, 0 },   { "+0", FALSE, 0 },  { "-0", FALSE, 0 },  { "5", TRUE, 5 },
    { "5 ", TRUE, 5 },    { " 5", TRUE, 5 },   { "+5", TRUE, 5 },   { "-5", TRUE, -5 },
    { "0 5", FALSE, 0 },  { "5 0", TRUE, 5 },  { "050", TRUE, 50 }, { "0.", FALSE, 0 },
    { "5.", TRUE, 5 },    { "0.0", FALSE, 0 }, { "0.5", FALSE, 0 }, { "5.0", TRUE, 5 },
    { "5.5", TRUE, 5 },   { "x", FALSE, 0 },   { "x0", FALSE, 0 },  { "x5", FALSE, 0 },
    { "0x", FALSE, 0 },   { "5x", TRUE, 5 },   { "0x5", FALSE, 0 }, { "false", FALSE, 0 },
    { "true", FALSE, 0 }, { "yes", FALSE, 0 }, { "no", FALSE, 0 },  { "+-5", FALSE, 0 },
    { "--5", FALSE, 0 },
  };
  UmkTally t;
  umk_tally_init (&t, "arg parsing");
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-value", NULL);
      g_autofree char *arg = g_strconcat ("-value=", cases[i].s, NULL);
      const char *argv[] = { "ignored", arg };
      gboolean ok = umk_args_parse (a, 2, argv, NULL)
                    && umk_args_get_bool (a, "-value", FALSE) == cases[i].b
                    && umk_args_get_bool (a, "-value", TRUE) == cases[i].b
                    && umk_args_get_int (a, "-value", 99998) == cases[i].i
                    && umk_args_get_int (a, "-value", 99999) == cases[i].i;
      umk_tally_case (&t, ok, "\"%s\"", cases[i].s);
    }
  umk_tally_finish_expect (&t, G_N_ELEMENTS (cases));

  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-foo", "-bar", NULL);
  parse_ok (a, "");
  g_assert_cmpint (umk_args_get_int (a, "-foo", 11), ==, 11);
  parse_ok (a, "-foo -bar");
  g_assert_cmpint (umk_args_get_int (a, "-foo", 11), ==, 0);
  parse_ok (a, "-foo=-9223372036854775809 -bar=9223372036854775808");
  g_assert_cmpint (umk_args_get_int (a, "-foo", 0), ==, G_MININT64);
  g_assert_cmpint (umk_args_get_int (a, "-bar", 0), ==, G_MAXINT64);
  parse_ok (a, "-foo=-9223372036854775808 -bar=9223372036854775807");
  g_assert_cmpint (umk_args_get_int (a, "-foo", 0), ==, G_MININT64);
  g_assert_cmpint (umk_args_get_int (a, "-bar", 0), ==, G_MAXINT64);
  parse_ok (a, "-foo=NaN -bar=99999999999");
  g_assert_cmpint (umk_args_get_int (a, "-foo", 1), ==, 0);
  /* Booleans read an int: a huge number saturates, still true. */
  g_assert_true (umk_args_get_bool (a, "-bar", FALSE));
}

static void
test_path_arg (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-dir", NULL);
  static const struct
  {
    const char *arg, *path;
  } cases[] = {
    { "-dir=/", "/" },
    { "-dir=/.", "/" },
    { "-dir=/./", "/" },
    { "-dir=/.//", "/" },
    { "-dir=/home/user/.umkoin", "/home/user/.umkoin" },
    { "-dir=/root/../home/user/.umkoin", "/home/user/.umkoin" },
    { "-dir=/home/./user/.umkoin", "/home/user/.umkoin" },
    { "-dir=/home/user/.umkoin/", "/home/user/.umkoin" },
    { "-dir=/home/user/.umkoin//", "/home/user/.umkoin" },
    { "-dir=/home/user/.umkoin/.", "/home/user/.umkoin" },
    { "-dir=/home/user/.umkoin/./", "/home/user/.umkoin" },
    { "-dir=/home/user/.umkoin/.//", "/home/user/.umkoin" },
    { "-dir=user/.umkoin", "user/.umkoin" },
    { "-dir=somewhere/../user/.umkoin", "user/.umkoin" },
    { "-dir=user/./.umkoin", "user/.umkoin" },
    { "-dir=user/.umkoin/", "user/.umkoin" },
    { "-dir=user/.umkoin//", "user/.umkoin" },
    { "-dir=user/.umkoin/./", "user/.umkoin" },
    { "-dir=/..", "/" },
    { "-dir=../a/b/..", "../a" },
    { "-dir=a/..", "." },
    { "-dir=override", "override" },
    { "-dir=", "default" },
    { "-dir", "default" },
    { "-nodir", "" },
    { "", "default" },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      parse_ok (a, cases[i].arg);
      g_autofree char *p = umk_args_get_path (a, "-dir", "default");
      g_assert_cmpstr (p, ==, cases[i].path);
    }
  parse_ok (a, "");
  g_autofree char *none = umk_args_get_path (a, "-dir", NULL);
  g_assert_null (none);
}

static void
test_soft_force_set (void)
{
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-server", "-listen", NULL);
  parse_ok (a, "-listen=0");
  g_assert_false (umk_args_soft_set_bool (a, "-listen", TRUE));
  g_assert_false (umk_args_get_bool (a, "-listen", TRUE));
  g_assert_true (umk_args_soft_set_bool (a, "-server", TRUE));
  assert_get (a, "-server", "1");
  g_assert_false (umk_args_soft_set (a, "-server", "0"));
  umk_args_force_set (a, "-listen", "1");
  assert_get (a, "-listen", "1");
  /* A forced value ends a list: lower sources no longer count. */
  assert_list (a, "-listen", "1");
}

/* ---- Config files -------------------------------------------------------- */

/* Core's util_ReadConfigStream, including sections and NETWORK_ONLY. */
static void
test_read_config_stream (void)
{
  const char *conf = "a=\n"
                     "b=1\n"
                     "ccc=argument\n"
                     "ccc=multiple\n"
                     "d=e\n"
                     "nofff=1\n"
                     "noggg=0\n"
                     "h=1\n"
                     "noh=1\n"
                     "noi=1\n"
                     "i=1\n"
                     "sec1.ccc=extend1\n"
                     "\n"
                     "[sec1]\n"
                     "ccc=extend2\n"
                     "d=eee\n"
                     "h=1\n"
                     "[sec2]\n"
                     "ccc=extend3\n"
                     "iii=2\n";
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-a", "-b", "-ccc", "-d", "-e", "-fff",
                                     "-ggg", "-h", "-i", "-iii", NULL);
  conf_ok (a, conf);

  static const char *const set[] = { "-a", "-b", "-ccc", "-d", "-fff", "-ggg", "-h", "-i" };
  for (unsigned i = 0; i < G_N_ELEMENTS (set); i++)
    g_assert_true (umk_args_is_set (a, set[i]));
  g_assert_false (umk_args_is_set (a, "-zzz"));
  g_assert_false (umk_args_is_set (a, "-iii"));

  assert_get (a, "-a", "");
  assert_get (a, "-b", "1");
  assert_get (a, "-ccc", "argument"); /* config file: first wins */
  assert_get (a, "-d", "e");
  assert_get (a, "-fff", "0");
  assert_get (a, "-ggg", "1");
  assert_get (a, "-h", "0");
  assert_get (a, "-i", "1");
  assert_get (a, "-zzz", "xxx");
  assert_get (a, "-iii", "xxx");
  for (int def = 0; def < 2; def++)
    {
      g_assert_true (umk_args_get_bool (a, "-a", def));
      g_assert_true (umk_args_get_bool (a, "-b", def));
      g_assert_false (umk_args_get_bool (a, "-ccc", def));
      g_assert_false (umk_args_get_bool (a, "-d", def));
      g_assert_false (umk_args_get_bool (a, "-fff", def));
      g_assert_true (umk_args_get_bool (a, "-ggg", def));
      g_assert_false (umk_args_get_bool (a, "-h", def));
      g_assert_true (umk_args_get_bool (a, "-i", def));
      g_assert_cmpint (umk_args_get_bool (a, "-zzz", def), ==, def);
    }
  assert_list (a, "-b", "1");
  assert_list (a, "-ccc", "argument|multiple");
  assert_list (a, "-fff", "");
  assert_list (a, "-nofff", "");
  assert_list (a, "-ggg", "1");
  assert_list (a, "-h", "");
  assert_list (a, "-i", "1");
  g_assert_true (umk_args_is_negated (a, "-fff"));
  g_assert_false (umk_args_is_negated (a, "-ggg"));
  g_assert_true (umk_args_is_negated (a, "-h"));
  g_assert_false (umk_args_is_negated (a, "-i"));

  umk_args_select_config_network (a, "sec1");
  assert_get (a, "-a", "");
  assert_get (a, "-d", "eee");
  assert_get (a, "-h", "1");
  assert_get (a, "-ccc", "extend1");
  assert_list (a, "-ccc", "extend1|extend2|argument|multiple");

  umk_args_select_config_network (a, "sec2");
  assert_get (a, "-d", "e");
  assert_get (a, "-h", "0");
  assert_get (a, "-iii", "2");
  assert_get (a, "-ccc", "extend3");
  assert_list (a, "-ccc", "extend3|argument|multiple");

  /* Same file, with -d, -ccc and -h network-only. */
  g_autoptr (UmkArgs) n
      = args_with (UMK_ARG_ALLOW_ANY, "-a", "-b", "-e", "-fff", "-ggg", "-i", "-iii", NULL);
  umk_args_add (n, "-d", UMK_ARG_NETWORK_ONLY, "", UMK_OPTIONS_OPTIONS);
  umk_args_add (n, "-ccc", UMK_ARG_NETWORK_ONLY, "", UMK_OPTIONS_OPTIONS);
  umk_args_add (n, "-h", UMK_ARG_NETWORK_ONLY, "", UMK_OPTIONS_OPTIONS);
  conf_ok (n, conf);
  umk_args_select_config_network (n, "main");
  assert_get (n, "-d", "e");
  assert_list (n, "-ccc", "argument|multiple");
  assert_get (n, "-h", "0");
  umk_args_select_config_network (n, "sec1");
  assert_get (n, "-d", "eee");
  assert_list (n, "-d", "eee");
  assert_list (n, "-ccc", "extend1|extend2");
  assert_get (n, "-h", "1");
  umk_args_select_config_network (n, "sec2");
  assert_get (n, "-d", "xxx");
  assert_list (n, "-d", "");
  assert_list (n, "-ccc", "extend3");
  /* Kept from Core: the top section's negation still applies. */
  assert_get (n, "-h", "0");
}

static void
test_config_whitespace_comments (void)
{
  g_autoptr (UmkArgs) a
      = args_with (UMK_ARG_ALLOW_ANY, "-a", "-b", "-c", "-d", "-rpcpassword", "-port", NULL);
  conf_ok (a, "  a = 1 \t\r\n"
              "b=\n"
              "c = two words  # and a comment\n"
              "\t# only a comment\n"
              "\r\n"
              "   [regtest]   # section comment\n"
              "d=x=y\n"
              "rpcpassword=plain\n"
              "port=1");
  assert_get (a, "-a", "1");
  assert_get (a, "-b", "");
  assert_get (a, "-c", "two words");
  assert_get (a, "-d", "xxx");
  umk_args_select_chain (a, UMK_CHAIN_REGTEST);
  assert_get (a, "-d", "x=y");
  assert_get (a, "-port", "1"); /* last line without a newline */
  assert_get (a, "-rpcpassword", "plain");

  /* Core's util_GetBoolArgEdgeCases, config file part. */
  g_autoptr (UmkArgs) e = args_with (UMK_ARG_ALLOW_ANY, "-foo", "-bar", NULL);
  conf_ok (e, "nofoo=1\nfoo=1\nnobar=0\n");
  g_assert_false (umk_args_is_negated (e, "-foo"));
  assert_get (e, "-foo", "1");
  g_assert_false (umk_args_is_negated (e, "-bar"));
  assert_get (e, "-bar", "1");

  /* Combined: the command line overrides without erasing. */
  g_autoptr (UmkArgs) c = args_with (UMK_ARG_ALLOW_ANY, "-foo", "-bar", NULL);
  parse_ok (c, "-nofoo -bar");
  conf_ok (c, "foo=1\nnobar=1\n");
  g_assert_true (umk_args_is_negated (c, "-foo"));
  assert_get (c, "-foo", "0");
  assert_list (c, "-foo", "");
  g_assert_false (umk_args_is_negated (c, "-bar"));
  assert_get (c, "-bar", "");
  g_auto (GStrv) bar = umk_args_get_list (c, "-bar");
  g_assert_true (g_strv_length (bar) == 1 && bar[0][0] == '\0');
}

static void
test_config_errors (void)
{
  static const struct
  {
    const char *conf;
    const char *message;
  } cases[] = {
    { "garbage", "parse error on line 1: garbage" },
    { "a=1\n\n\n  foo  \n", "parse error on line 4: foo" },
    { "#c\n[sec]#c\nx", "parse error on line 3: x" },
    { "nono", "parse error on line 1: nono, if you intended to specify a negated option, use "
              "nono=1 instead" },
    { "no", "parse error on line 1: no, if you intended to specify a negated option, use no=1 "
            "instead" },
    { "n", "parse error on line 1: n" },
    { "-dash=1", "parse error on line 1: -dash=1, options in configuration file must be "
                 "specified without leading -" },
    { "a=1\nrpcpassword=abc#def", "parse error on line 2, using # in rpcpassword can be "
                                  "ambiguous and should be avoided" },
    { "a=1\n[regtest]\nrpcpassword=x#y\n", "parse error on line 3, using # in rpcpassword can "
                                           "be ambiguous and should be avoided" },
    { "rpcpassword=#", "parse error on line 1, using # in rpcpassword can be ambiguous and "
                       "should be avoided" },
    { "conf=other.conf", "conf cannot be set in the configuration file; use includeconf= if you "
                         "want to include additional config files" },
    { "zzz=1", "Invalid configuration value zzz" },
    { "[test]\nnozzz=1", "Invalid configuration value test.nozzz" },
    { "nodatadir=1", "Negating of -datadir is meaningless and therefore forbidden" },
    { "a=1\nproxy", "parse error on line 2: proxy" },
  };
  UmkTally t;
  umk_tally_init (&t, "config errors");
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-a", "-rpcpassword", "-proxy", NULL);
      umk_args_add (a, "-datadir", UMK_ARG_DISALLOW_NEGATION, "", UMK_OPTIONS_OPTIONS);
      g_autoptr (GError) error = NULL;
      gboolean ok = umk_args_read_config_data (a, cases[i].conf, strlen (cases[i].conf), "f", FALSE,
                                               &error);
      umk_tally_case (&t, !ok && error && strcmp (error->message, cases[i].message) == 0,
                      "%s: got \"%s\"", cases[i].conf, error ? error->message : "(success)");
    }
  umk_tally_finish_expect (&t, G_N_ELEMENTS (cases));

  /* Unknown options are only warned about when asked. */
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-a", NULL);
  g_autoptr (GError) error = NULL;
  const char *conf = "zzz=1\na=2\n[regtest]\nyyy=3\n";
  g_assert_true (umk_args_read_config_data (a, conf, strlen (conf), "f", TRUE, &error));
  g_assert_no_error (error);
  assert_get (a, "-a", "2");
  g_assert_false (umk_args_is_set (a, "-zzz"));
}

static void
collect_line (const char *line, gpointer user_data)
{
  g_string_append (user_data, line);
}

static void
test_log_args (void)
{
  umk_log_shutdown ();
  g_autoptr (GString) log = g_string_new (NULL);
  guint id = umk_log_add_callback (collect_line, log);
  g_assert_true (umk_log_start (NULL));

  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-okaylog-bool", "-okaylog-negbool",
                                     "-okaylog", "-port", NULL);
  umk_args_add (a, "-dontlog", UMK_ARG_ALLOW_ANY | UMK_ARG_SENSITIVE, "", UMK_OPTIONS_OPTIONS);
  parse_ok (a, "-okaylog-bool -nookaylog-negbool -okaylog=public -dontlog=private42");
  conf_ok (a, "[regtest]\nport=5\n");
  g_assert_true (umk_args_set_rw_setting_json (a, "wallet", "[\"w1\"]", NULL));
  umk_args_log (a);
  umk_log_remove_callback (id);
  umk_log_shutdown ();

  g_assert_nonnull (strstr (log->str, "Command-line arg: okaylog-bool=\"\""));
  g_assert_nonnull (strstr (log->str, "Command-line arg: okaylog-negbool=false"));
  g_assert_nonnull (strstr (log->str, "Command-line arg: okaylog=\"public\""));
  g_assert_nonnull (strstr (log->str, "Command-line arg: dontlog=****"));
  g_assert_nonnull (strstr (log->str, "Config file arg: [regtest] port=\"5\""));
  g_assert_nonnull (strstr (log->str, "Setting file arg: wallet = [\"w1\"]"));
  g_assert_null (strstr (log->str, "private42"));
}

/* ---- Precedence and merging ---------------------------------------------- */

static void
test_precedence (void)
{
  g_autoptr (UmkArgs) a
      = args_with (UMK_ARG_ALLOW_ANY, "-pri1", "-pri2", "-pri3", "-pri4", "-pri5", "-multi", NULL);
  parse_ok (a, "-pri1=a -pri1=b -pri3=a -pri4=a -pri4=b -multi=c1 -multi=c2");
  conf_ok (a, "pri2=a\npri2=b\npri3=b\npri4=c\npri4=d\npri5=top\nmulti=t1\n"
              "[regtest]\npri5=sec\nmulti=s1\nmulti=s2\n");
  assert_get (a, "-pri1", "b"); /* command line: last */
  assert_get (a, "-pri2", "a"); /* config: first */
  assert_get (a, "-pri3", "a");
  assert_get (a, "-pri4", "b");
  assert_get (a, "-pri5", "top");
  assert_list (a, "-multi", "c1|c2|t1");
  umk_args_select_chain (a, UMK_CHAIN_REGTEST);
  assert_get (a, "-pri5", "sec"); /* section beats top */
  assert_list (a, "-multi", "c1|c2|s1|s2|t1");

  /* settings.json sits between the command line and the config file. */
  g_assert_true (umk_args_set_rw_setting_json (a, "pri5", "\"rw\"", NULL));
  assert_get (a, "-pri5", "rw");
  g_assert_true (umk_args_set_rw_setting_json (a, "pri1", "\"rw\"", NULL));
  assert_get (a, "-pri1", "b");
  g_assert_true (umk_args_set_rw_setting_json (a, "multi", "[\"r1\",\"r2\"]", NULL));
  assert_list (a, "-multi", "c1|c2|r1|r2|s1|s2|t1");
  g_autofree char *persistent = umk_args_get_persistent_setting_json (a, "pri1");
  g_assert_cmpstr (persistent, ==, "\"rw\"");
  umk_args_remove_rw_setting (a, "pri1");
  g_autofree char *gone = umk_args_get_rw_setting_json (a, "pri1");
  g_assert_null (gone);

  /* A command-line negation drops the config values, unless followed by a
   * value, which brings them back (Core's "zombie" values). */
  parse_ok (a, "-nomulti");
  assert_list (a, "-multi", "");
  parse_ok (a, "-nomulti -multi=x");
  assert_list (a, "-multi", "x|s1|s2|t1");
}

/* Core's getarg_tests/setting_args: values of the types settings.json holds. */
static void
test_setting_types (void)
{
  static const struct
  {
    const char *json;
    const char *str; /* NULL: default */
    gint64 i;
    int b; /* -1: not checked (Core throws) */
  } cases[] = {
    { "\"str\"", "str", 0, 0 }, { "\"99\"", "99", 99, 1 }, { "\"3.25\"", "3.25", 3, 1 },
    { "\"0\"", "0", 0, 0 },     { "\"\"", "", 0, 1 },      { "99", "99", 99, -1 },
    { "true", "1", 1, 1 },      { "false", "0", 0, 0 },    { "null", NULL, 100, -1 },
  };
  g_autoptr (UmkArgs) a = args_with (UMK_ARG_ALLOW_ANY, "-foo", NULL);
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (umk_args_set_rw_setting_json (a, "foo", cases[i].json, NULL));
      g_autofree char *json = umk_args_get_setting_json (a, "foo");
      g_assert_cmpstr (json, ==, cases[i].json);
      g_autofree char *s = umk_args_get (a, "foo", "default");
      g_assert_cmpstr (s, ==, cases[i].str ? cases[i].str : "default");
      g_assert_cmpint (umk_args_get_int (a, "foo", 100), ==, cases[i].i);
      if (cases[i].b >= 0)
        {
          g_assert_cmpint (umk_args_get_bool (a, "foo", TRUE), ==, cases[i].b);
          g_assert_cmpint (umk_args_get_bool (a, "foo", FALSE), ==, cases[i].b);
        }
    }
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_set_rw_setting_json (a, "foo", "{bad", &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
}

/* Core's ForEachNoDup: every string of length n over [min, max] (0 = end)
 * without two equal neighbours, calling fn for each. */
typedef void (*NoDupFn) (const int *actions, gpointer data);

static gboolean
next_string (int *s, int n, int min, int max)
{
  for (int i = 0; i < n; i++)
    {
      gboolean has_next = s[i] != max;
      s[i] = s[i] < min || s[i] >= max ? min : s[i] + 1;
      if (has_next)
        return TRUE;
    }
  return FALSE;
}

static void
for_each_no_dup (int *s, int n, int min, int max, NoDupFn fn, gpointer data)
{
  for (gboolean has_next = TRUE; has_next; has_next = next_string (s, n, min, max))
    {
      int prev = -1;
      gboolean skip = FALSE;
      for (int i = 0; i < n; i++)
        {
          if (s[i] == prev)
            skip = TRUE;
          if (skip || s[i] < min || s[i] > max)
            break;
          prev = s[i];
        }
      if (!skip)
        fn (s, data);
    }
}

enum
{
  ACT_NONE,
  ACT_SET,
  ACT_NEGATE,
  ACT_SECTION_SET,
  ACT_SECTION_NEGATE
};

#define MERGE_MAX_ACTIONS 3

static GPtrArray *
merge_values (const int *actions, const char *section, const char *name, const char *vprefix)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  int suffix = 0;
  for (int i = 0; i < MERGE_MAX_ACTIONS && actions[i] != ACT_NONE; i++)
    {
      g_autofree char *prefix = actions[i] == ACT_SECTION_SET || actions[i] == ACT_SECTION_NEGATE
                                    ? g_strconcat (section, ".", NULL)
                                    : g_strdup ("");
      if (actions[i] == ACT_SET || actions[i] == ACT_SECTION_SET)
        for (int k = 0; k < 2; k++)
          g_ptr_array_add (values, g_strdup_printf ("%s%s=%s%d", prefix, name, vprefix, ++suffix));
      if (actions[i] == ACT_NEGATE || actions[i] == ACT_SECTION_NEGATE)
        g_ptr_array_add (values, g_strdup_printf ("%sno%s=1", prefix, name));
    }
  return values;
}

typedef struct
{
  GString *out;
  int arg_actions[MERGE_MAX_ACTIONS];
  int conf_actions[MERGE_MAX_ACTIONS];
  unsigned cases;
} MergeState;

static const char *const merge_networks[] = { "main", "test", "testnet4", "signet" };

static void
merge_one (MergeState *st, gboolean soft_set, gboolean force_set, const char *section,
           const char *network, gboolean net_specific)
{
  g_autoptr (UmkArgs) parser = umk_args_new ();
  GString *desc = st->out;
  g_string_append_printf (desc, "net=%s", network);
  umk_args_select_config_network (parser, network);
  const char *name = net_specific ? "wallet" : "server";
  g_autofree char *key = g_strconcat ("-", name, NULL);
  umk_args_add (parser, key, UMK_ARG_ALLOW_ANY | (net_specific ? UMK_ARG_NETWORK_ONLY : 0), name,
                UMK_OPTIONS_OPTIONS);

  g_autoptr (GPtrArray) args = merge_values (st->arg_actions, section, name, "a");
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup ("ignored"));
  for (guint i = 0; i < args->len; i++)
    {
      char *arg = g_strconcat ("-", (char *) g_ptr_array_index (args, i), NULL);
      g_string_append_printf (desc, " %s", arg);
      g_ptr_array_add (argv, arg);
    }
  g_autoptr (GError) error = NULL;
  g_assert_true (
      umk_args_parse (parser, (int) argv->len, (const char *const *) argv->pdata, &error));

  g_autoptr (GString) conf = g_string_new (NULL);
  g_autoptr (GPtrArray) confs = merge_values (st->conf_actions, section, name, "c");
  for (guint i = 0; i < confs->len; i++)
    {
      g_string_append_printf (desc, " %s", (char *) g_ptr_array_index (confs, i));
      g_string_append_printf (conf, "%s\n", (char *) g_ptr_array_index (confs, i));
    }
  g_assert_true (
      umk_args_read_config_data (parser, conf->str, conf->len, "filepath", FALSE, &error));

  if (soft_set)
    {
      g_string_append (desc, " soft");
      umk_args_soft_set (parser, key, "soft1");
      umk_args_soft_set (parser, key, "soft2");
    }
  if (force_set)
    {
      g_string_append (desc, " force");
      umk_args_force_set (parser, key, "force1");
      umk_args_force_set (parser, key, "force2");
    }
  g_string_append (desc, " || ");

  g_auto (GStrv) list = umk_args_get_list (parser, key);
  g_autofree char *value = umk_args_get (parser, key, "default");
  if (!umk_args_is_set (parser, key))
    {
      g_string_append (desc, "unset");
      g_assert_false (umk_args_is_negated (parser, key));
      g_assert_cmpstr (value, ==, "default");
      g_assert_null (list[0]);
    }
  else if (umk_args_is_negated (parser, key))
    {
      g_string_append (desc, "negated");
      g_assert_cmpstr (value, ==, "0");
      g_assert_null (list[0]);
    }
  else
    {
      g_string_append_printf (desc, "%s |", value);
      for (char **v = list; *v; v++)
        g_string_append_printf (desc, " %s", *v);
    }
  g_auto (GStrv) ignored = umk_args_get_unsuitable_section_only_args (parser);
  if (ignored[0])
    {
      g_string_append (desc, " | ignored");
      for (char **v = ignored; *v; v++)
        g_string_append_printf (desc, " %s", *v);
    }
  g_string_append_c (desc, '\n');
  st->cases++;
}

static void
merge_conf_cb (const int *conf_actions, gpointer data)
{
  MergeState *st = data;
  memcpy (st->conf_actions, conf_actions, sizeof st->conf_actions);
  for (int soft = 0; soft < 2; soft++)
    for (int force = 0; force < 2; force++)
      for (unsigned s = 0; s < G_N_ELEMENTS (merge_networks); s++)
        for (unsigned n = 0; n < G_N_ELEMENTS (merge_networks); n++)
          for (int net_specific = 0; net_specific < 2; net_specific++)
            merge_one (st, soft, force, merge_networks[s], merge_networks[n], net_specific);
}

static void
merge_arg_cb (const int *arg_actions, gpointer data)
{
  MergeState *st = data;
  memcpy (st->arg_actions, arg_actions, sizeof st->arg_actions);
  int conf_actions[MERGE_MAX_ACTIONS] = { 0 };
  /* The command line has no sections: only SET and NEGATE there. */
  for_each_no_dup (conf_actions, MERGE_MAX_ACTIONS, ACT_SET, ACT_SECTION_NEGATE, merge_conf_cb, st);
}

static char *
sha256d_hex (GString *s)
{
  uint8_t out[UMK_SHA256_SIZE];
  umk_sha256d (s->str, s->len, out);
  return umk_hex_encode (out, sizeof out);
}

/* Core's util_ArgsMerge: every combination of command-line, config-file,
 * soft and forced settings, network-specific or not, described as text and
 * hashed; the hash is Core's, so our merging matches Core's in all 47488 cases. */
static void
test_args_merge (void)
{
  umk_log_shutdown ();
  MergeState st = { g_string_new (NULL), { 0 }, { 0 }, 0 };
  int arg_actions[MERGE_MAX_ACTIONS] = { 0 };
  for_each_no_dup (arg_actions, MERGE_MAX_ACTIONS, ACT_SET, ACT_NEGATE, merge_arg_cb, &st);
  g_autofree char *hex = sha256d_hex (st.out);
  g_test_message ("args merge: %u cases", st.cases);
  if (g_getenv ("ARGS_MERGE_TEST_OUT"))
    g_file_set_contents (g_getenv ("ARGS_MERGE_TEST_OUT"), st.out->str, st.out->len, NULL);
  g_string_free (st.out, TRUE);
  g_assert_cmpuint (st.cases, ==, 47488);
  g_assert_cmpstr (hex, ==, "f1ee5ab094cc43d16a6086fa7f2c10389e0f99902616b31bbf29189972ad1473");
  umk_log_shutdown ();
}

enum
{
  CH_NONE,
  CH_ENABLE_TEST,
  CH_DISABLE_TEST,
  CH_NEGATE_TEST,
  CH_ENABLE_REG,
  CH_DISABLE_REG,
  CH_NEGATE_REG
};

static const char *
chain_action_arg (int action)
{
  static const char *const args[] = { NULL,         "-testnet4=1", "-testnet4=0", "-notestnet4=1",
                                      "-regtest=1", "-regtest=0",  "-noregtest=1" };
  return args[action];
}

typedef struct
{
  GString *out;
  int arg_actions[2];
  unsigned cases;
} ChainMergeState;

static void
chain_conf_cb (const int *conf_actions, gpointer data)
{
  ChainMergeState *st = data;
  g_autoptr (UmkArgs) parser = umk_args_new ();
  umk_args_add (parser, "-regtest", UMK_ARG_ALLOW_ANY, "regtest", UMK_OPTIONS_OPTIONS);
  umk_args_add (parser, "-testnet4", UMK_ARG_ALLOW_ANY, "testnet4", UMK_OPTIONS_OPTIONS);

  const char *argv[3] = { "ignored" };
  int argc = 1;
  for (int i = 0; i < 2 && chain_action_arg (st->arg_actions[i]); i++)
    {
      argv[argc++] = chain_action_arg (st->arg_actions[i]);
      g_string_append_printf (st->out, " %s", argv[argc - 1]);
    }
  g_assert_true (umk_args_parse (parser, argc, argv, NULL));

  g_autoptr (GString) conf = g_string_new (NULL);
  for (int i = 0; i < 2 && chain_action_arg (conf_actions[i]); i++)
    {
      g_string_append_printf (st->out, " %s", chain_action_arg (conf_actions[i]) + 1);
      g_string_append_printf (conf, "%s\n", chain_action_arg (conf_actions[i]) + 1);
    }
  g_assert_true (umk_args_read_config_data (parser, conf->str, conf->len, "filepath", FALSE, NULL));

  g_string_append (st->out, " || ");
  g_autoptr (GError) error = NULL;
  g_autofree char *chain = umk_args_get_chain_name (parser, &error);
  if (chain)
    g_string_append (st->out, chain);
  else
    g_string_append_printf (st->out, "error: %s", error->message);
  g_string_append_c (st->out, '\n');
  st->cases++;
}

static void
chain_arg_cb (const int *arg_actions, gpointer data)
{
  ChainMergeState *st = data;
  memcpy (st->arg_actions, arg_actions, sizeof st->arg_actions);
  int conf_actions[2] = { 0 };
  for_each_no_dup (conf_actions, 2, CH_ENABLE_TEST, CH_NEGATE_REG, chain_conf_cb, st);
}

/* Core's util_ChainMerge, hashed the same way. */
static void
test_chain_merge (void)
{
  umk_log_shutdown ();
  ChainMergeState st = { g_string_new (NULL), { 0 }, 0 };
  int arg_actions[2] = { 0 };
  for_each_no_dup (arg_actions, 2, CH_ENABLE_TEST, CH_NEGATE_REG, chain_arg_cb, &st);
  g_autofree char *hex = sha256d_hex (st.out);
  g_string_free (st.out, TRUE);
  g_test_message ("chain merge: %u cases", st.cases);
  g_assert_cmpstr (hex, ==, "c0e33aab0c74e040ddcee9edad59e8148d8e1cacb3cccd9ea1a1f485cb6bad21");
  umk_log_shutdown ();
}

/* ---- Chain selection ----------------------------------------------------- */

static void
expect_chain (UmkArgs *a, const char *line, const char *expected)
{
  g_autoptr (GError) error = NULL;
  parse_ok (a, line);
  g_autofree char *name = umk_args_get_chain_name (a, &error);
  if (expected)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (name, ==, expected);
    }
  else
    {
      g_assert_null (name);
      g_assert_cmpstr (error->message, ==,
                       "Invalid combination of -regtest, -signet, -testnet, "
                       "-testnet4 and -chain. Can use at most one.");
    }
}

static UmkArgs *
chain_args (void)
{
  UmkArgs *a = umk_args_new ();
  umk_args_add_chain_options (a);
  return a;
}

static void
test_chain_selection (void)
{
  static const struct
  {
    const char *line;
    const char *chain; /* NULL: combination error */
    UmkChain id;
  } cases[] = {
    { "", "main", UMK_CHAIN_MAIN },
    { "-regtest", "regtest", UMK_CHAIN_REGTEST },
    { "-testnet", "test", UMK_CHAIN_TEST },
    { "-testnet4", "testnet4", UMK_CHAIN_TESTNET4 },
    { "-signet", "signet", UMK_CHAIN_SIGNET },
    { "-chain=main", "main", UMK_CHAIN_MAIN },
    { "-chain=test", "test", UMK_CHAIN_TEST },
    { "-chain=testnet4", "testnet4", UMK_CHAIN_TESTNET4 },
    { "-chain=signet", "signet", UMK_CHAIN_SIGNET },
    { "-chain=regtest", "regtest", UMK_CHAIN_REGTEST },
    { "-regtest=0", "main", UMK_CHAIN_MAIN },
    { "-testnet4 -noregtest", "testnet4", UMK_CHAIN_TESTNET4 },
    { "-regtest -regtest=0", "main", UMK_CHAIN_MAIN },
    { "-testnet4 -regtest", NULL, 0 },
    { "-chain=regtest -regtest", NULL, 0 },
    { "-signet -testnet", NULL, 0 },
    { "-chain=main -chain=regtest", "regtest", UMK_CHAIN_REGTEST },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (UmkArgs) a = chain_args ();
      expect_chain (a, cases[i].line, cases[i].chain);
      UmkChain c;
      g_autoptr (GError) error = NULL;
      g_assert_cmpint (umk_args_get_chain (a, &c, &error), ==, cases[i].chain != NULL);
      if (cases[i].chain)
        g_assert_cmpint (c, ==, cases[i].id);
    }

  g_autoptr (UmkArgs) a = chain_args ();
  parse_ok (a, "-chain=foo");
  g_autofree char *name = umk_args_get_chain_name (a, NULL);
  g_assert_cmpstr (name, ==, "foo");
  UmkChain c;
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_get_chain (a, &c, &error));
  g_assert_cmpstr (error->message, ==, "Unknown chain foo.");

  /* Core's util_GetChainTypeString with a config file: regtest in the
   * [testnet4] section does not count. */
  static const struct
  {
    const char *line;
    const char *chain;
  } with_conf[] = {
    { "", "testnet4" },
    { "-testnet4", "testnet4" },
    { "-regtest", NULL },
    { "-testnet4 -noregtest", "testnet4" },
    { "-testnet4 -regtest", NULL },
  };
  for (int selected = 0; selected < 2; selected++)
    for (unsigned i = 0; i < G_N_ELEMENTS (with_conf); i++)
      {
        g_autoptr (UmkArgs) b = chain_args ();
        if (selected)
          umk_args_select_chain (b, UMK_CHAIN_TESTNET4);
        parse_ok (b, with_conf[i].line);
        conf_ok (b, "testnet4=1\nregtest=0\n[testnet4]\nregtest=1");
        expect_chain (b, with_conf[i].line, with_conf[i].chain);
      }
}

/* ---- Network-only options ------------------------------------------------ */

static void
test_network_only (void)
{
  g_autoptr (UmkArgs) a = chain_args ();
  umk_args_add (a, "-port=<port>", UMK_ARG_ALLOW_ANY | UMK_ARG_NETWORK_ONLY, "",
                UMK_OPTIONS_CONNECTION);
  umk_args_add (a, "-wallet=<path>", UMK_ARG_ALLOW_ANY | UMK_ARG_NETWORK_ONLY, "",
                UMK_OPTIONS_WALLET);
  umk_args_add (a, "-server", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_RPC);
  conf_ok (a, "port=1\nwallet=w\nserver=1\n[regtest]\nwallet=rw\n");

  umk_args_select_chain (a, UMK_CHAIN_MAIN);
  assert_get (a, "-port", "1");
  g_auto (GStrv) none = umk_args_get_unsuitable_section_only_args (a);
  g_assert_null (none[0]);

  umk_args_select_chain (a, UMK_CHAIN_REGTEST);
  assert_get (a, "-port", "xxx"); /* top-section value ignored off main */
  assert_get (a, "-wallet", "rw");
  assert_get (a, "-server", "1"); /* not network-only */
  g_auto (GStrv) unsuitable = umk_args_get_unsuitable_section_only_args (a);
  g_assert_cmpuint (g_strv_length (unsuitable), ==, 1);
  g_assert_cmpstr (unsuitable[0], ==, "-port");
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_check_section_only_args (a, &error));
  g_assert_cmpstr (error->message, ==,
                   "Config setting for -port only applied on regtest network when in [regtest] "
                   "section.");

  /* Given on the command line, nothing is ignored. */
  parse_ok (a, "-port=7");
  assert_get (a, "-port", "7");
  g_assert_true (umk_args_check_section_only_args (a, NULL));

  /* Sections nobody knows are reported. */
  g_autoptr (UmkArgs) b = chain_args ();
  const char *conf = "[testnot]\nregtest=1\n[main]\nfoo.regtest=1\n";
  g_assert_true (umk_args_read_config_data (b, conf, strlen (conf), "x.conf", TRUE, NULL));
  g_auto (GStrv) warnings = umk_args_get_unrecognized_section_warnings (b);
  g_assert_cmpuint (g_strv_length (warnings), ==, 2);
  g_assert_cmpstr (warnings[0], ==, "x.conf:1 Section [testnot] is not recognized.");
  g_assert_cmpstr (warnings[1], ==, "x.conf:4 Section [main.foo] is not recognized.");
}

/* ---- Files and directories ----------------------------------------------- */

static UmkArgs *
node_args (void)
{
  UmkArgs *a = umk_args_new ();
  umk_args_add_help_options (a);
  umk_args_add_chain_options (a);
  umk_args_add_common_options (a, UMK_COMMON_VERSION | UMK_COMMON_HELP_DEBUG | UMK_COMMON_DATADIR
                                      | UMK_COMMON_CONF | UMK_COMMON_SETTINGS);
  umk_args_add (a, "-a", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_OPTIONS);
  umk_args_add (a, "-b", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_OPTIONS);
  umk_args_add (a, "-port", UMK_ARG_ALLOW_ANY | UMK_ARG_NETWORK_ONLY, "", UMK_OPTIONS_OPTIONS);
  return a;
}

static void
parse_with_datadir (UmkArgs *a, const char *datadir, const char *extra)
{
  g_autofree char *line = g_strdup_printf ("-datadir=%s%s%s", datadir, extra[0] ? " " : "", extra);
  parse_ok (a, line);
}

static void
expect_read_error (UmkArgs *a, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_read_config_files (a, TRUE, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_config_files (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  write_file (dir, "umkoin.conf",
              "a=top\nincludeconf=inc1.conf\nregtest=1\n"
              "[regtest]\nincludeconf=increg.conf\nport=1\n");
  write_file (dir, "inc1.conf", "b=from-inc1\na=ignored-later\nincludeconf=nested.conf\n");
  write_file (dir, "increg.conf", "[regtest]\nb=from-increg\n");
  write_file (dir, "nested.conf", "a=nested\n");

  g_autoptr (UmkArgs) a = node_args ();
  parse_with_datadir (a, dir, "");
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_read_config_files (a, FALSE, &error));
  g_assert_no_error (error);
  g_autofree char *conf_path = umk_args_get_config_path (a);
  g_autofree char *want_conf = g_build_filename (dir, "umkoin.conf", NULL);
  g_assert_cmpstr (conf_path, ==, want_conf);

  UmkChain chain;
  g_assert_true (umk_args_get_chain (a, &chain, NULL));
  g_assert_cmpint (chain, ==, UMK_CHAIN_REGTEST);
  umk_args_select_chain (a, chain);
  assert_get (a, "-a", "top");
  /* The chain's includes are read first, so [regtest] b comes from there. */
  assert_get (a, "-b", "from-increg");
  assert_list (a, "-b", "from-increg|from-inc1");
  assert_get (a, "-port", "1");
  const char *const *warnings = umk_args_get_console_warnings (a);
  g_assert_nonnull (warnings[0]);
  g_assert_cmpstr (warnings[0], ==,
                   "warning: -includeconf cannot be used from included files; "
                   "ignoring -includeconf=nested.conf");
  g_assert_null (warnings[1]);

  /* -noincludeconf skips the includes. */
  g_autoptr (UmkArgs) b = node_args ();
  parse_with_datadir (b, dir, "-noincludeconf");
  g_assert_true (umk_args_read_config_files (b, FALSE, NULL));
  umk_args_select_chain (b, UMK_CHAIN_REGTEST);
  assert_get (b, "-b", "xxx");

  /* Absolute include paths work as they are. */
  g_autofree char *abs_inc = g_build_filename (dir, "inc1.conf", NULL);
  g_autofree char *abs_conf = g_strdup_printf ("includeconf=%s\n", abs_inc);
  write_file (dir, "abs.conf", abs_conf);
  g_autoptr (UmkArgs) c = node_args ();
  parse_with_datadir (c, dir, "-conf=abs.conf");
  g_assert_true (umk_args_read_config_files (c, FALSE, NULL));
  assert_get (c, "-b", "from-inc1");

  /* Errors. */
  write_file (dir, "missing-inc.conf", "includeconf=missing.conf\n");
  g_autoptr (UmkArgs) d = node_args ();
  parse_with_datadir (d, dir, "-conf=missing-inc.conf");
  expect_read_error (d, "Failed to include configuration file missing.conf");

  g_autofree char *subdir = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (subdir, 0700), ==, 0);
  write_file (dir, "dir-inc.conf", "includeconf=sub\n");
  g_autoptr (UmkArgs) e = node_args ();
  parse_with_datadir (e, dir, "-conf=dir-inc.conf");
  g_autofree char *msg = g_strdup_printf ("Included config file \"%s\" is a directory.", subdir);
  expect_read_error (e, msg);

  g_autoptr (UmkArgs) f = node_args ();
  parse_with_datadir (f, dir, "-conf=sub");
  g_free (msg);
  msg = g_strdup_printf ("Config file \"%s\" is a directory.", subdir);
  expect_read_error (f, msg);

  g_autoptr (UmkArgs) g = node_args ();
  parse_with_datadir (g, dir, "-conf=nothere.conf");
  g_free (msg);
  msg = g_strdup_printf ("specified config file \"%s/nothere.conf\" could not be opened.", dir);
  expect_read_error (g, msg);

  /* -noconf reads nothing. */
  g_autoptr (UmkArgs) h = node_args ();
  parse_with_datadir (h, dir, "-noconf");
  g_assert_true (umk_args_read_config_files (h, FALSE, NULL));
  g_autofree char *empty = umk_args_get_config_path (h);
  g_assert_cmpstr (empty, ==, "");
  assert_get (h, "-a", "xxx");

  /* Two chains between the file and the command line. */
  g_autoptr (UmkArgs) i = node_args ();
  parse_with_datadir (i, dir, "-testnet");
  expect_read_error (i, "Invalid combination of -regtest, -signet, -testnet, -testnet4 and "
                        "-chain. Can use at most one.");
  umk_test_rm_rf (dir);
}

static void
test_datadir (void)
{
  g_autofree char *home = umk_test_make_tmpdir ();
  g_autofree char *old_home = g_strdup (g_getenv ("HOME"));
  g_setenv ("HOME", home, TRUE);

  g_autofree char *def = umk_default_datadir ();
  g_autofree char *want_def = g_build_filename (home, ".umkoin", NULL);
  g_assert_cmpstr (def, ==, want_def);

  /* No datadir yet, no umkoin.conf: fine. */
  g_autoptr (UmkArgs) a = node_args ();
  parse_ok (a, "-testnet");
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_args_init_config (a, &error));
  g_assert_no_error (error);
  g_autofree char *net = umk_args_get_datadir_net (a);
  g_autofree char *want_net = g_build_filename (want_def, "testnet3", NULL);
  g_assert_cmpstr (net, ==, want_net);
  g_autofree char *wallets = g_build_filename (want_def, "wallets", NULL);
  g_autofree char *net_wallets = g_build_filename (want_net, "wallets", NULL);
  g_assert_true (g_file_test (wallets, G_FILE_TEST_IS_DIR));
  g_assert_true (g_file_test (net_wallets, G_FILE_TEST_IS_DIR));
  g_autofree char *settings = g_build_filename (want_net, "settings.json", NULL);
  g_autofree char *json = NULL;
  g_assert_true (g_file_get_contents (settings, &json, NULL, NULL));
  g_assert_true (g_str_has_prefix (json, "{\n    \"_warning_\": \""));
  g_assert_true (g_str_has_suffix (json, "\"\n}\n"));
  UmkChain chain;
  g_assert_true (umk_args_get_selected_chain (a, &chain));
  g_assert_cmpint (chain, ==, UMK_CHAIN_TEST);

  /* Relative paths for config values. */
  g_autofree char *rel = umk_args_abs_path_for_config_val (a, "x.log", TRUE);
  g_autofree char *want_rel = g_build_filename (want_net, "x.log", NULL);
  g_assert_cmpstr (rel, ==, want_rel);
  g_autofree char *abs = umk_args_abs_path_for_config_val (a, "/tmp/y", TRUE);
  g_assert_cmpstr (abs, ==, "/tmp/y");
  g_autofree char *base_rel = umk_args_abs_path_for_config_val (a, "z", FALSE);
  g_autofree char *want_base_rel = g_build_filename (want_def, "z", NULL);
  g_assert_cmpstr (base_rel, ==, want_base_rel);

  /* -datadir must exist. */
  g_autofree char *missing = g_build_filename (home, "nope", NULL);
  g_autoptr (UmkArgs) b = node_args ();
  parse_with_datadir (b, missing, "");
  g_assert_false (umk_args_check_datadir_option (b));
  g_autofree char *none = umk_args_get_datadir_base (b);
  g_assert_null (none);
  g_clear_error (&error);
  g_assert_false (umk_args_init_config (b, &error));
  g_autofree char *msg
      = g_strdup_printf ("Specified data directory \"%s\" does not exist.", missing);
  g_assert_cmpstr (error->message, ==, msg);

  /* datadir= in the config file moves the datadir, and must exist too. */
  g_autofree char *other = g_build_filename (home, "other", NULL);
  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);
  g_autofree char *conf = g_strdup_printf ("datadir=%s\n", other);
  write_file (want_def, "umkoin.conf", conf);
  g_autoptr (UmkArgs) c = node_args ();
  parse_ok (c, "-regtest");
  g_clear_error (&error);
  g_assert_true (umk_args_read_config_files (c, TRUE, &error));
  g_assert_no_error (error);
  umk_args_select_chain (c, UMK_CHAIN_REGTEST);
  g_autofree char *moved = umk_args_get_datadir_net (c);
  g_autofree char *want_moved = g_build_filename (other, "regtest", NULL);
  g_assert_cmpstr (moved, ==, want_moved);

  g_free (conf);
  conf = g_strdup_printf ("datadir=%s\n", missing);
  write_file (want_def, "umkoin.conf", conf);
  g_autoptr (UmkArgs) d = node_args ();
  parse_ok (d, "");
  g_clear_error (&error);
  g_assert_false (umk_args_init_config (d, &error));
  g_free (msg);
  msg = g_strdup_printf ("Error reading configuration file: specified data directory \"%s\" does "
                         "not exist.",
                         missing);
  g_assert_cmpstr (error->message, ==, msg);

  /* Unknown chain, from the command line or the file. */
  write_file (want_def, "umkoin.conf", "chain=foo\n");
  g_autoptr (UmkArgs) e = node_args ();
  parse_ok (e, "");
  g_clear_error (&error);
  g_assert_false (umk_args_init_config (e, &error));
  g_assert_cmpstr (error->message, ==, "Unknown chain foo.");

  if (old_home)
    g_setenv ("HOME", old_home, TRUE);
  else
    g_unsetenv ("HOME");
  umk_test_rm_rf (home);
}

static void
test_init_config (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *other = umk_test_make_tmpdir ();
  write_file (dir, "umkoin.conf", "a=1\n");
  write_file (other, "other.conf", "a=2\n");
  g_autofree char *other_conf = g_build_filename (other, "other.conf", NULL);
  g_autofree char *conf_arg = g_strdup_printf ("-conf=%s", other_conf);

  /* umkoin.conf in the datadir would be ignored: refuse. */
  g_autoptr (UmkArgs) a = node_args ();
  parse_with_datadir (a, dir, conf_arg);
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_args_init_config (a, &error));
  g_autofree char *want = g_strdup_printf (
      "Data directory \"%s\" contains a \"umkoin.conf\" file which is ignored, because a "
      "different configuration file \"%s\" from command line argument \"%s\" is being used "
      "instead. Possible ways to address this would be to:\n"
      "- Delete or rename the \"umkoin.conf\" file in data directory \"%s\".\n"
      "- Change datadir= or conf= options to specify one configuration file, not two, and use "
      "includeconf= to include any other configuration files.\n"
      "- Set allowignoredconf=1 option to treat this condition as a warning, not an error.",
      dir, other_conf, conf_arg, dir);
  g_assert_cmpstr (error->message, ==, want);

  g_autoptr (UmkArgs) b = node_args ();
  g_autofree char *extra = g_strdup_printf ("%s -allowignoredconf", conf_arg);
  parse_with_datadir (b, dir, extra);
  g_clear_error (&error);
  g_assert_true (umk_args_init_config (b, &error));
  g_assert_no_error (error);
  assert_get (b, "-a", "2");

  /* The same file named explicitly is fine; -noconf too. */
  g_autoptr (UmkArgs) c = node_args ();
  parse_with_datadir (c, dir, "-conf=umkoin.conf");
  g_assert_true (umk_args_init_config (c, NULL));
  assert_get (c, "-a", "1");
  g_autoptr (UmkArgs) d = node_args ();
  parse_with_datadir (d, dir, "-noconf");
  g_assert_true (umk_args_init_config (d, NULL));
  assert_get (d, "-a", "xxx");

  /* settings.json: written, read back, ignored with -nosettings, and a
   * broken one is an error. */
  g_assert_true (umk_args_set_rw_setting_json (c, "b", "\"from-settings\"", NULL));
  g_assert_true (umk_args_set_rw_setting_json (c, "zzz", "[1,{\"k\":null}]", NULL));
  g_assert_true (umk_args_write_settings_file (c, FALSE, NULL));
  g_autofree char *settings_path = NULL;
  g_assert_true (umk_args_get_settings_path (c, FALSE, FALSE, &settings_path));
  g_autofree char *want_path = g_build_filename (dir, "settings.json", NULL);
  g_assert_cmpstr (settings_path, ==, want_path);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (settings_path, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, ",\n    \"b\": \"from-settings\",\n    \"zzz\": [\n        1,\n"
                                  "        {\n            \"k\": null\n        }\n    ]\n}\n"));

  g_autoptr (UmkArgs) e = node_args ();
  parse_with_datadir (e, dir, "");
  g_assert_true (umk_args_init_config (e, NULL));
  assert_get (e, "-b", "from-settings");
  g_autofree char *zzz = umk_args_get_rw_setting_json (e, "zzz");
  g_assert_cmpstr (zzz, ==, "[1,{\"k\":null}]");

  g_autoptr (UmkArgs) f = node_args ();
  parse_with_datadir (f, dir, "-nosettings");
  g_assert_true (umk_args_init_config (f, NULL));
  assert_get (f, "-b", "xxx");
  g_assert_false (umk_args_get_settings_path (f, FALSE, FALSE, NULL));

  static const struct
  {
    const char *text;
    const char *detail; /* after "<path>" */
  } broken[] = {
    { "{", " does not contain valid JSON. This is probably caused by disk corruption or a crash, "
           "and can be fixed by removing the file, which will reset settings to default values." },
    { "[1]", "" },
    { "{\"a\":1,\"a\":2}", "" },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      write_file (dir, "settings.json", broken[i].text);
      g_autoptr (UmkArgs) g = node_args ();
      parse_with_datadir (g, dir, "");
      g_clear_error (&error);
      g_assert_false (umk_args_init_config (g, &error));
      g_autofree char *want_msg = NULL;
      if (i == 0)
        want_msg = g_strdup_printf ("Settings file could not be read:\n- Settings file %s%s",
                                    want_path, broken[i].detail);
      else if (i == 1)
        want_msg = g_strdup_printf (
            "Settings file could not be read:\n- Found non-object value [1] in settings file %s",
            want_path);
      else
        want_msg = g_strdup_printf (
            "Settings file could not be read:\n- Found duplicate key a in settings file %s",
            want_path);
      g_assert_cmpstr (error->message, ==, want_msg);
    }
  umk_test_rm_rf (dir);
  umk_test_rm_rf (other);
}

/* ---- Help ---------------------------------------------------------------- */

static void
test_format_paragraph (void)
{
  static const struct
  {
    const char *in;
    size_t width, indent;
    const char *out;
  } cases[] = {
    { "", 79, 0, "" },
    { "test", 79, 0, "test" },
    { " test", 79, 0, " test" },
    { "test test", 79, 0, "test test" },
    { "test test", 4, 0, "test\ntest" },
    { "testerde test", 4, 0, "testerde\ntest" },
    { "test test", 4, 4, "test\n    test" },
    { "test test\nabc", 4, 4, "test\n    test\nabc" },
    { "This_is_a_very_long_test_string_without_any_spaces_so_it_should_just_get_returned_as_is_"
      "despite_the_length until it gets here",
      79, 0,
      "This_is_a_very_long_test_string_without_any_spaces_so_it_should_just_get_returned_as_is_"
      "despite_the_length\nuntil it gets here" },
    { "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9 a b c de f g h i j "
      "k l m n o p",
      79, 0,
      "a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9 a b c de\nf g h i j "
      "k l m n o p" },
    { "x\na b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9 a b c de f g h i "
      "j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e fg h i j k",
      79, 4,
      "x\na b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7 8 9 a b c de\n    f g "
      "h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 a b c d e fg\n    h i j k" },
    { "This is a very long test string.\n\nThis is a second sentence in the very long test "
      "string. This is a third sentence in the very long test string.",
      79, 0,
      "This is a very long test string.\n\nThis is a second sentence in the very long test "
      "string. This is a third\nsentence in the very long test string." },
    { "Testing that normal newlines do not get indented.\nLike here.", 79, 0,
      "Testing that normal newlines do not get indented.\nLike here." },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = umk_format_paragraph (cases[i].in, cases[i].width, cases[i].indent);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_help (void)
{
  g_autoptr (UmkArgs) a = umk_args_new ();
  umk_args_add_help_options (a);
  umk_args_add_common_options (a, UMK_COMMON_HELP_DEBUG);
  umk_args_add (a, "-zeta=<n>", UMK_ARG_ALLOW_ANY, "Zeta.", UMK_OPTIONS_OPTIONS);
  umk_args_add (a, "-rpcport=<port>", UMK_ARG_ALLOW_ANY, "Port.", UMK_OPTIONS_RPC);
  umk_args_add (a, "-alpha", UMK_ARG_ALLOW_ANY,
                "One two three four five six seven eight nine ten eleven twelve thirteen "
                "fourteen.\nNew line.",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (a, "-dbg", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY, "Hidden.",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (a, "-wdbg", UMK_ARG_ALLOW_ANY, "Wallet debug.", UMK_OPTIONS_WALLET_DEBUG_TEST);
  static const char *const hidden[] = { "-secret", NULL };
  umk_args_add_hidden (a, hidden);
  umk_args_add_command (a, "create", "Create it.");

  parse_ok (a, "");
  g_autofree char *help = umk_args_help_message (a);
  const char *want
      = "Options:\n\n"
        "  -alpha\n"
        "       One two three four five six seven eight nine ten eleven twelve thirteen\n"
        "       fourteen.\n"
        "New line.\n\n"
        "  -help\n"
        "       Print this help message and exit (also -h or -?)\n\n"
        "  -zeta=<n>\n"
        "       Zeta.\n\n"
        "  -wdbg\n"
        "       Wallet debug.\n\n"
        "Debugging/Testing options:\n\n"
        "  -help-debug\n"
        "       Print the help message including debugging options and exit\n\n"
        "RPC server options:\n\n"
        "  -rpcport=<port>\n"
        "       Port.\n\n"
        "Commands:\n\n"
        "  create\n"
        "       Create it.\n\n";
  g_assert_cmpstr (help, ==, want);
  g_assert_false (umk_args_help_requested (a));

  parse_ok (a, "-help-debug");
  g_assert_true (umk_args_help_requested (a));
  g_autofree char *debug_help = umk_args_help_message (a);
  g_assert_nonnull (strstr (debug_help, "Wallet debugging/testing options:\n\n  -wdbg\n"));
  g_assert_nonnull (strstr (debug_help, "  -dbg\n       Hidden.\n\n"));
  g_assert_null (strstr (debug_help, "secret"));

  parse_ok (a, "-?");
  g_assert_true (umk_args_help_requested (a));
  parse_ok (a, "-h");
  g_assert_true (umk_args_help_requested (a));

  unsigned flags = 0;
  g_assert_true (umk_args_get_flags (a, "-secret", &flags));
  g_assert_cmpuint (flags, ==, UMK_ARG_ALLOW_ANY);
  g_assert_false (umk_args_get_flags (a, "-nothing", NULL));
}

/* ---- Robustness ---------------------------------------------------------- */

static void
test_garbage_config (void)
{
  static const char *const tokens[] = {
    "a",        "b",           "=",       "=",      "#",       "[",     "]",   "\n",
    "\n",       " ",           "\t",      "\r",     "no",      "-",     ".",   "regtest",
    "test",     "rpcpassword", "datadir", "conf",   "reindex", "main.", "nob", "\xff",
    "\xc3\x28", "\xe2\x82",    "chain",   "wallet", "0",       "1",     "",
  };
  g_autofree char *dir = umk_test_make_tmpdir ();
  unsigned ok = 0, failed = 0;
  umk_log_shutdown ();
  for (unsigned round = 0; round < 2000; round++)
    {
      GString *data = g_string_new (NULL);
      unsigned n = g_test_rand_int_range (0, 64);
      for (unsigned i = 0; i < n; i++)
        {
          switch (g_test_rand_int_range (0, 8))
            {
            case 0:
              g_string_append_c (data, (char) g_test_rand_int_range (0, 256));
              break;
            case 1:
              g_string_append_c (data, '\0');
              break;
            case 2:
              if (g_test_rand_int_range (0, 20) == 0)
                for (int k = 0; k < 100000; k++)
                  g_string_append_c (data, "ab=#"[g_test_rand_int_range (0, 4)]);
              break;
            default:
              g_string_append (data, tokens[g_test_rand_int_range (0, G_N_ELEMENTS (tokens))]);
            }
        }
      g_autoptr (UmkArgs) a = umk_args_new ();
      umk_args_add_chain_options (a);
      umk_args_add (a, "-a", UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_OPTIONS);
      umk_args_add (a, "-b", UMK_ARG_DISALLOW_NEGATION, "", UMK_OPTIONS_OPTIONS);
      umk_args_add (a, "-wallet", UMK_ARG_NETWORK_ONLY, "", UMK_OPTIONS_OPTIONS);
      umk_args_add_common_options (a, UMK_COMMON_DATADIR | UMK_COMMON_SETTINGS);
      g_autoptr (GError) error = NULL;
      gboolean r = umk_args_read_config_data (a, data->str, data->len, "fuzz", round & 1, &error);
      g_assert_true (r == (error == NULL));
      /* Whatever was stored must be readable. */
      g_autofree char *v = umk_args_get (a, "-a", NULL);
      g_auto (GStrv) l = umk_args_get_list (a, "-wallet");
      g_auto (GStrv) s = umk_args_get_unrecognized_section_warnings (a);
      g_autofree char *chain = umk_args_get_chain_name (a, NULL);
      if (r)
        ok++;
      else
        failed++;

      /* The same bytes as a real file, and as settings.json. */
      if (round % 10 == 0)
        {
          g_autofree char *path = g_build_filename (dir, "umkoin.conf", NULL);
          g_assert_true (g_file_set_contents (path, data->str, (gssize) data->len, NULL));
          g_autofree char *settings = g_build_filename (dir, "settings.json", NULL);
          g_assert_true (g_file_set_contents (settings, data->str, (gssize) data->len, NULL));
          g_autoptr (UmkArgs) b = umk_args_new ();
          umk_args_add_chain_options (b);
          umk_args_add_common_options (b, UMK_COMMON_DATADIR | UMK_COMMON_SETTINGS);
          g_autofree char *arg = g_strdup_printf ("-datadir=%s", dir);
          const char *argv[] = { "prog", arg };
          g_assert_true (umk_args_parse (b, 2, argv, NULL));
          g_autoptr (GError) ferr = NULL;
          gboolean fr = umk_args_read_config_files (b, TRUE, &ferr);
          g_assert_true (fr == (ferr == NULL));
          g_clear_error (&ferr);
          umk_args_select_chain (b, UMK_CHAIN_MAIN);
          gboolean sr = umk_args_read_settings_file (b, &ferr);
          g_assert_true (sr == (ferr == NULL));
        }
      g_string_free (data, TRUE);
      umk_log_shutdown (); /* drop the warnings buffered meanwhile */
    }
  g_test_message ("garbage config: %u parsed, %u rejected cleanly", ok, failed);
  g_assert_cmpuint (ok + failed, ==, 2000);

  /* JSON edge cases for settings values. */
  static const char *const bad_json[]
      = { "",   "{", "[1,]", "{\"a\"}",  "\"\\u0000\"", "\"\\ud800\"", "01",
          "1.", "-", "tru",  "\"\xff\"", "[] []",       "\"a\nb\"" };
  g_autoptr (UmkArgs) a = umk_args_new ();
  for (unsigned i = 0; i < G_N_ELEMENTS (bad_json); i++)
    g_assert_false (umk_args_set_rw_setting_json (a, "x", bad_json[i], NULL));
  static const char *const good_json[]
      = { "0", "-1.5e+3", "\"\\ud83d\\ude00\"", " [ ] ", "{\"a\":[true,false,null]}" };
  for (unsigned i = 0; i < G_N_ELEMENTS (good_json); i++)
    g_assert_true (umk_args_set_rw_setting_json (a, "x", good_json[i], NULL));
  g_autofree char *smiley = NULL;
  g_assert_true (umk_args_set_rw_setting_json (a, "x", "\"\\ud83d\\ude00\\n\\u0007\"", NULL));
  smiley = umk_args_get_rw_setting_json (a, "x");
  g_assert_cmpstr (smiley, ==, "\"\xf0\x9f\x98\x80\\n\\u0007\"");
  umk_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/args/chain-facts", test_chain_facts);
  g_test_add_func ("/args/parse-parameters", test_parse_parameters);
  g_test_add_func ("/args/check-value", test_check_value);
  g_test_add_func ("/args/negation", test_negation);
  g_test_add_func ("/args/parse-errors", test_parse_errors);
  g_test_add_func ("/args/commands", test_commands);
  g_test_add_func ("/args/arg-parsing", test_arg_parsing);
  g_test_add_func ("/args/path-arg", test_path_arg);
  g_test_add_func ("/args/soft-force-set", test_soft_force_set);
  g_test_add_func ("/args/config/stream", test_read_config_stream);
  g_test_add_func ("/args/config/whitespace-comments", test_config_whitespace_comments);
  g_test_add_func ("/args/config/errors", test_config_errors);
  g_test_add_func ("/args/config/files", test_config_files);
  g_test_add_func ("/args/config/garbage", test_garbage_config);
  g_test_add_func ("/args/log-args", test_log_args);
  g_test_add_func ("/args/precedence", test_precedence);
  g_test_add_func ("/args/setting-types", test_setting_types);
  g_test_add_func ("/args/merge", test_args_merge);
  g_test_add_func ("/args/chain-merge", test_chain_merge);
  g_test_add_func ("/args/chain-selection", test_chain_selection);
  g_test_add_func ("/args/network-only", test_network_only);
  g_test_add_func ("/args/datadir", test_datadir);
  g_test_add_func ("/args/init-config", test_init_config);
  g_test_add_func ("/args/format-paragraph", test_format_paragraph);
  g_test_add_func ("/args/help", test_help);
  return g_test_run ();
}
