#include "config.h"

#include "common/args.h"
#include "common/error.h"
#include "common/logging.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

#define PRIVACY_NOTE \
  "Log output may contain privacy-sensitive information. Be cautious when sharing logs."

/* ---- Helpers ------------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *log_path;
  UmkArgs *args;
} LogFixture;

static UmkArgs *
log_args (const char *line, GError **error)
{
  UmkArgs *a = umk_args_new ();
  umk_log_add_options (a);
  g_auto (GStrv) words = line[0] ? g_strsplit (line, " ", -1) : g_new0 (char *, 1);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "prog");
  for (char **w = words; *w; w++)
    g_ptr_array_add (argv, *w);
  if (!umk_args_parse (a, (int) argv->len, (const char *const *) argv->pdata, error))
    {
      umk_args_free (a);
      return NULL;
    }
  return a;
}

static void
fixture_setup (LogFixture *f, gconstpointer data)
{
  (void) data;
  umk_log_shutdown ();
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("umk-log-XXXXXX", &error);
  g_assert_no_error (error);
  f->log_path = g_build_filename (f->dir, "debug.log", NULL);
  f->args = NULL;
}

static void
fixture_teardown (LogFixture *f, gconstpointer data)
{
  (void) data;
  umk_log_shutdown ();
  g_clear_pointer (&f->args, umk_args_free);
  umk_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->log_path);
}

/* Sets the logger up from a command line, writing to f->dir/debug.log. */
static void
start_log (LogFixture *f, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_clear_pointer (&f->args, umk_args_free);
  f->args = log_args (line, &error);
  g_assert_no_error (error);
  g_assert_true (umk_log_setup (f->args, f->dir, FALSE, &error));
  g_assert_no_error (error);
}

/* The lines of debug.log after the five blank lines Core writes on opening,
 * without the privacy note umk_log_configure() logs. */
static GPtrArray *
read_log (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "\n\n\n\n\n"));
  g_auto (GStrv) lines = g_strsplit (text + 5, "\n", -1);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  for (char **l = lines; *l; l++)
    {
      if (l[1] == NULL && **l == '\0')
        break; /* after the last '\n' */
      if (g_str_has_suffix (*l, PRIVACY_NOTE))
        continue;
      g_ptr_array_add (out, g_strdup (*l));
    }
  return out;
}

static void
assert_lines (GPtrArray *got, const char *const *want, unsigned n)
{
  for (unsigned i = 0; i < MIN (got->len, n); i++)
    g_assert_cmpstr (g_ptr_array_index (got, i), ==, want[i]);
  g_assert_cmpuint (got->len, ==, n);
}

/* ---- Categories ---------------------------------------------------------- */

static void
test_categories (void)
{
  const char *const *names = umk_log_category_names ();
  unsigned n = g_strv_length ((char **) names);
  g_assert_cmpuint (n, ==, 30);
  for (unsigned i = 1; i < n; i++)
    g_assert_cmpint (strcmp (names[i - 1], names[i]), <, 0);
  UmkLogCategory seen = 0;
  for (unsigned i = 0; i < n; i++)
    {
      UmkLogCategory c;
      g_assert_true (umk_log_category_from_name (names[i], &c));
      g_assert_cmpuint (c & (c - 1), ==, 0); /* one bit */
      g_assert_cmpuint (seen & c, ==, 0);
      seen |= c;
      g_assert_cmpstr (umk_log_category_to_name (c), ==, names[i]);
    }
  g_autofree char *joined = umk_log_categories_string ();
  g_assert_true (g_str_has_prefix (joined, "addrman, bench, blockstorage, cmpctblock, coindb, "));
  g_assert_true (g_str_has_suffix (joined, "txreconciliation, validation, walletdb, zmq"));
  g_assert_nonnull (strstr (joined, "net, privatebroadcast, proxy, prune, qt,"));

  UmkLogCategory c;
  static const char *const all[] = { "", "1", "all" };
  for (unsigned i = 0; i < G_N_ELEMENTS (all); i++)
    {
      g_assert_true (umk_log_category_from_name (all[i], &c));
      g_assert_cmpuint (c, ==, UMK_LOG_ALL);
    }
  static const char *const unknown[] = { "0", "none", "lock", "NET", "foo" };
  for (unsigned i = 0; i < G_N_ELEMENTS (unknown); i++)
    g_assert_false (umk_log_category_from_name (unknown[i], NULL));
  g_assert_cmpstr (umk_log_category_to_name (UMK_LOG_ALL), ==, "all");
  g_assert_cmpuint (UMK_LOG_NET, ==, 1);
  g_assert_cmpuint (UMK_LOG_PRIVATEBROADCAST, ==, UINT64_C (1) << 30);
}

static void
test_debug_options (LogFixture *f, gconstpointer data)
{
  (void) data;
  static const struct
  {
    const char *line;
    UmkLogCategory mask;
    const char *error;
  } cases[] = {
    { "", UMK_LOG_NONE, NULL },
    { "-debug=net", UMK_LOG_NET, NULL },
    { "-debug=net -debug=http", UMK_LOG_NET | UMK_LOG_HTTP, NULL },
    { "-debug", UMK_LOG_ALL, NULL },
    { "-debug=1", UMK_LOG_ALL, NULL },
    { "-debug=all", UMK_LOG_ALL, NULL },
    { "-debug=net -debug=0 -debug=http", UMK_LOG_HTTP, NULL },
    { "-debug=net -debug=none", UMK_LOG_NONE, NULL },
    { "-debug=0", UMK_LOG_NONE, NULL },
    { "-nodebug", UMK_LOG_NONE, NULL },
    { "-debug=net -nodebug -debug=http", UMK_LOG_HTTP, NULL },
    { "-debug -debugexclude=net", UMK_LOG_ALL & ~UMK_LOG_NET, NULL },
    { "-debug=net -debugexclude=net", UMK_LOG_NONE, NULL },
    { "-debug=net -debug=foo", 0, "Unsupported logging category -debug=foo." },
    { "-debug=0 -debug=lock", 0, "Unsupported logging category -debug=lock." },
    { "-debugexclude=bar", 0, "Unsupported logging category -debugexclude=bar." },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (UmkArgs) a = log_args (cases[i].line, &error);
      g_assert_no_error (error);
      gboolean ok = umk_log_configure (a, f->dir, FALSE, &error);
      if (cases[i].error)
        {
          g_assert_false (ok);
          g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
          g_assert_cmpstr (error->message, ==, cases[i].error);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmphex (umk_log_get_category_mask (), ==, cases[i].mask);
        }
      umk_log_shutdown ();
    }
}

static void
test_loglevel_options (LogFixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkArgs) a
      = log_args ("-debug -loglevel=debug -loglevel=net:trace -loglevel=http:info", &error);
  g_assert_true (umk_log_configure (a, f->dir, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (umk_log_get_level (), ==, UMK_LOG_LEVEL_DEBUG);
  g_assert_true (umk_log_will_log (UMK_LOG_NET, UMK_LOG_LEVEL_TRACE));
  g_assert_false (umk_log_will_log (UMK_LOG_HTTP, UMK_LOG_LEVEL_DEBUG));
  g_assert_true (umk_log_will_log (UMK_LOG_HTTP, UMK_LOG_LEVEL_INFO));
  g_assert_false (umk_log_will_log (UMK_LOG_RPC, UMK_LOG_LEVEL_TRACE));
  g_assert_true (umk_log_will_log (UMK_LOG_RPC, UMK_LOG_LEVEL_DEBUG));
  umk_log_shutdown ();

  g_autoptr (UmkArgs) t = log_args ("-loglevel=trace -debug=rpc", &error);
  g_assert_true (umk_log_configure (t, f->dir, FALSE, &error));
  g_assert_cmpint (umk_log_get_level (), ==, UMK_LOG_LEVEL_TRACE);
  g_assert_true (umk_log_will_log (UMK_LOG_RPC, UMK_LOG_LEVEL_TRACE));
  g_assert_false (umk_log_will_log (UMK_LOG_NET, UMK_LOG_LEVEL_TRACE));
  g_assert_true (umk_log_will_log (UMK_LOG_NET, UMK_LOG_LEVEL_WARNING));
  umk_log_shutdown ();

  g_autofree char *cats = umk_log_categories_string ();
  g_autofree char *cat_error_foo = g_strdup_printf (
      "Unsupported category-specific logging level -loglevel=net:foo. Expected "
      "-loglevel=<category>:<loglevel>. Valid categories: %s. Valid loglevels: info, debug, trace.",
      cats);
  g_autofree char *cat_error_3 = g_strdup_printf (
      "Unsupported category-specific logging level -loglevel=net:info:x. Expected "
      "-loglevel=<category>:<loglevel>. Valid categories: %s. Valid loglevels: info, debug, trace.",
      cats);
  g_autofree char *cat_error_bad = g_strdup_printf (
      "Unsupported category-specific logging level -loglevel=bogus:info. Expected "
      "-loglevel=<category>:<loglevel>. Valid categories: %s. Valid loglevels: info, debug, trace.",
      cats);
  const struct
  {
    const char *line;
    const char *error;
  } bad[] = {
    { "-loglevel=foo",
      "Unsupported global logging level -loglevel=foo. Valid values: info, debug, trace." },
    { "-loglevel=warning",
      "Unsupported global logging level -loglevel=warning. Valid values: info, debug, trace." },
    /* The ':' only counts from the fourth character on, as in Core. */
    { "-loglevel=ab:x",
      "Unsupported global logging level -loglevel=ab:x. Valid values: info, debug, trace." },
    { "-loglevel=net:foo", cat_error_foo },
    { "-loglevel=net:info:x", cat_error_3 },
    { "-loglevel=bogus:info", cat_error_bad },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) err = NULL;
      g_autoptr (UmkArgs) b = log_args (bad[i].line, &err);
      g_assert_no_error (err);
      g_assert_false (umk_log_configure (b, f->dir, FALSE, &err));
      g_assert_cmpstr (err->message, ==, bad[i].error);
      umk_log_shutdown ();
    }

  /* -loglevel needs a value and cannot be negated. */
  g_autoptr (GError) perr = NULL;
  g_assert_null (log_args ("-loglevel", &perr));
  g_assert_cmpstr (
      perr->message, ==,
      "Can not set -loglevel with no value. Please specify value with -loglevel=value.");
  g_clear_error (&perr);
  g_assert_null (log_args ("-nologlevel", &perr));
  g_assert_cmpstr (perr->message, ==,
                   "Negating of -loglevel is meaningless and therefore forbidden");

  /* The logging RPC's setters. */
  g_assert_true (umk_log_set_category ("tor", TRUE));
  g_assert_true (umk_log_category_enabled (UMK_LOG_TOR));
  g_assert_true (umk_log_set_category ("tor", FALSE));
  g_assert_false (umk_log_category_enabled (UMK_LOG_TOR));
  g_assert_false (umk_log_set_category ("nope", TRUE));
  g_assert_false (umk_log_set_level ("error"));
  g_assert_true (umk_log_set_level ("info"));
  g_assert_cmpint (umk_log_get_level (), ==, UMK_LOG_LEVEL_INFO);
  g_assert_false (umk_log_set_category_level ("net", "warning"));
  g_assert_cmpstr (umk_log_level_name (UMK_LOG_LEVEL_WARNING), ==, "warning");
}

/* ---- Lines --------------------------------------------------------------- */

static gboolean
matches (const char *pattern, const char *s)
{
  return g_regex_match_simple (pattern, s, 0, 0);
}

static void
test_timestamps (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-debug=net");
  UMK_LOG_DEBUG (UMK_LOG_NET, "hello %d", 5);
  umk_log_set_mocktime (1700000000);
  umk_log_info ("mocked");
  umk_log_set_mocktime (0);
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  g_assert_cmpuint (lines->len, ==, 2);
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\[net\\] hello 5$",
                          g_ptr_array_index (lines, 0)));
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\(mocktime: "
                          "2023-11-14T22:13:20Z\\) mocked$",
                          g_ptr_array_index (lines, 1)));

  g_remove (f->log_path);
  start_log (f, "-debug=net -logtimemicros");
  UMK_LOG_DEBUG (UMK_LOG_NET, "micro");
  umk_log_shutdown ();
  g_autoptr (GPtrArray) micro = read_log (f->log_path);
  g_assert_cmpuint (micro->len, ==, 1);
  g_assert_true (matches ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z \\[net\\] micro$",
                          g_ptr_array_index (micro, 0)));
}

/* Core's logging_LogPrintStr: the prefix for each category and level. */
static void
test_prefixes (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-nologtimestamps -logsourcelocations");
  static const struct
  {
    UmkLogCategory category;
    UmkLogLevel level;
    const char *prefix;
  } cases[] = {
    { UMK_LOG_NET, UMK_LOG_LEVEL_DEBUG, "[net] " },
    { UMK_LOG_NET, UMK_LOG_LEVEL_INFO, "[net:info] " },
    { UMK_LOG_ALL, UMK_LOG_LEVEL_DEBUG, "[debug] " },
    { UMK_LOG_ALL, UMK_LOG_LEVEL_INFO, "" },
    { UMK_LOG_NONE, UMK_LOG_LEVEL_DEBUG, "[debug] " },
    { UMK_LOG_NONE, UMK_LOG_LEVEL_INFO, "" },
    { UMK_LOG_NET, UMK_LOG_LEVEL_TRACE, "[net:trace] " },
    { UMK_LOG_ALL, UMK_LOG_LEVEL_WARNING, "[warning] " },
    { UMK_LOG_ALL, UMK_LOG_LEVEL_ERROR, "[error] " },
  };
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      int line = __LINE__ + 1;
      umk_log_print (cases[i].category, cases[i].level, FALSE, __FILE__, line, G_STRFUNC,
                     "foo%u: bar%u", i, i);
      g_ptr_array_add (want, g_strdup_printf ("[tests/unit/test-logging.c:%d] [test_prefixes] "
                                              "%sfoo%u: bar%u",
                                              line, cases[i].prefix, i, i));
    }
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  assert_lines (lines, (const char *const *) want->pdata, want->len);

  /* -loglevelalways names both, always. */
  g_remove (f->log_path);
  start_log (f, "-nologtimestamps -loglevelalways -debug=net");
  umk_log_info ("plain");
  UMK_LOG_DEBUG (UMK_LOG_NET, "net");
  umk_log_warning ("warn");
  umk_log_shutdown ();
  g_autoptr (GPtrArray) always = read_log (f->log_path);
  const char *want_always[] = { "[all:info] plain", "[net:debug] net", "[all:warning] warn" };
  assert_lines (always, want_always, G_N_ELEMENTS (want_always));
}

static int evaluated;

static int
side_effect (void)
{
  return ++evaluated;
}

/* Core's logging_LogPrintMacros, and arguments of disabled debug messages
 * are not evaluated. */
static void
test_macros (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-nologtimestamps -debug=net");
  UMK_LOG_TRACE (UMK_LOG_NET, "foo6: %s", "bar6"); /* below the level */
  UMK_LOG_DEBUG (UMK_LOG_NET, "foo7: %s", "bar7");
  umk_log_info ("foo8: %s", "bar8");
  umk_log_warning ("foo9: %s", "bar9");
  umk_log_error ("foo10: %s", "bar10");
  evaluated = 0;
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "never %d", side_effect ());
  g_assert_cmpint (evaluated, ==, 0);
  UMK_LOG_DEBUG (UMK_LOG_NET, "once %d", side_effect ());
  g_assert_cmpint (evaluated, ==, 1);
  umk_log_info ("ends with newline\n");
  umk_log_info ("escape \t\x01\x7f done\nsecond line");
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  const char *want[] = {
    "[net] foo7: bar7", "foo8: bar8",        "[warning] foo9: bar9",        "[error] foo10: bar10",
    "[net] once 1",     "ends with newline", "escape \\x09\\x01\\x7f done", "second line",
  };
  assert_lines (lines, want, G_N_ELEMENTS (want));
}

/* Core's logging_LogPrintMacros_CategoryName. */
static void
test_category_prefixes (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-nologtimestamps -debug");
  const char *const *names = umk_log_category_names ();
  g_autoptr (GPtrArray) want = g_ptr_array_new_with_free_func (g_free);
  for (const char *const *n = names; *n; n++)
    {
      UmkLogCategory c;
      g_assert_true (umk_log_category_from_name (*n, &c));
      UMK_LOG_DEBUG (c, "foo: %s\n", "bar");
      g_ptr_array_add (want, g_strdup_printf ("[%s] foo: bar", *n));
    }
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  assert_lines (lines, (const char *const *) want->pdata, want->len);
}

/* Core's logging_SeverityLevels, and excluded categories. */
static void
test_severity (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-nologtimestamps -debug -debugexclude=rpc -loglevel=debug -loglevel=net:info");
  umk_log_info ("info_%d", 1);
  UMK_LOG_TRACE (UMK_LOG_HTTP, "trace_%d. Below the global level.", 2);
  UMK_LOG_DEBUG (UMK_LOG_HTTP, "debug_%d", 3);
  umk_log_warning ("warn_%d", 4);
  umk_log_error ("err_%d", 5);
  UMK_LOG_DEBUG (UMK_LOG_NET, "debug_%d. Below net's own level.", 6);
  UMK_LOG_DEBUG (UMK_LOG_RPC, "debug_%d. rpc is excluded.", 7);
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  const char *want[] = { "info_1", "[http] debug_3", "[warning] warn_4", "[error] err_5" };
  assert_lines (lines, want, G_N_ELEMENTS (want));
}

static void
collect_line (const char *line, gpointer user_data)
{
  g_string_append (user_data, line);
}

/* Messages logged before the file opens are written when it does, with the
 * time they were logged. */
static void
test_buffered (LogFixture *f, gconstpointer data)
{
  (void) data;
  umk_log_info ("early %d", 1);
  umk_log_warning ("early %d", 2);
  g_usleep (1100 * 1000);
  start_log (f, "-logthreadnames");
  umk_log_info ("late");
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  g_assert_cmpuint (lines->len, ==, 3);
  const char *l0 = g_ptr_array_index (lines, 0);
  const char *l2 = g_ptr_array_index (lines, 2);
  g_assert_true (matches ("^\\S+Z \\[\\S+\\] early 1$", l0));
  g_assert_true (
      matches ("^\\S+Z \\[\\S+\\] \\[warning\\] early 2$", g_ptr_array_index (lines, 1)));
  g_assert_true (matches ("^\\S+Z \\[\\S+\\] late$", l2));
  /* The early line keeps its own, earlier, time. */
  g_assert_cmpint (strncmp (l0, l2, 20), <, 0);

  /* Opening a second time appends after five blank lines. */
  start_log (f, "-nologtimestamps");
  umk_log_info ("second run");
  umk_log_shutdown ();
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (f->log_path, &text, NULL, NULL));
  g_assert_true (g_str_has_suffix (text, " late\n\n\n\n\n\n" PRIVACY_NOTE "\nsecond run\n"));

  /* Too much early logging: the oldest lines go, and that is said. */
  g_remove (f->log_path);
  for (int i = 0; i < 20000; i++)
    umk_log_info ("%d %0100d", i, 0);
  start_log (f, "-nologtimestamps");
  umk_log_shutdown ();
  g_autoptr (GPtrArray) many = read_log (f->log_path);
  const char *first = g_ptr_array_index (many, 0);
  g_assert_true (matches ("^Early logging buffer overflowed, \\d+ log lines discarded\\.$", first));
  unsigned discarded = (unsigned) g_ascii_strtoull (
      first + strlen ("Early logging buffer overflowed, "), NULL, 10);
  g_assert_cmpuint (discarded, >, 0);
  g_assert_cmpuint (many->len, ==, 20000 - discarded + 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (many, many->len - 1), "19999 "));
}

static void
test_outputs (LogFixture *f, gconstpointer data)
{
  (void) data;
  /* -nodebuglogfile: no file, but callbacks still see the lines. */
  g_autoptr (GString) seen = g_string_new (NULL);
  start_log (f, "-nodebuglogfile -nologtimestamps");
  guint id = umk_log_add_callback (collect_line, seen);
  umk_log_info ("to the callback");
  umk_log_remove_callback (id);
  umk_log_info ("not any more");
  umk_log_shutdown ();
  g_assert_false (g_file_test (f->log_path, G_FILE_TEST_EXISTS));
  g_assert_cmpstr (seen->str, ==, "to the callback\n");

  /* Relative -debuglogfile is under the net datadir; absolute as is. */
  start_log (f, "-debuglogfile=other.log -nologtimestamps");
  umk_log_info ("other");
  umk_log_shutdown ();
  g_autofree char *other = g_build_filename (f->dir, "other.log", NULL);
  g_autoptr (GPtrArray) lines = read_log (other);
  g_assert_cmpuint (lines->len, ==, 1);

  g_autofree char *abs = g_build_filename (f->dir, "abs.log", NULL);
  g_autofree char *abs_arg = g_strdup_printf ("-debuglogfile=%s -nologtimestamps", abs);
  start_log (f, abs_arg);
  umk_log_info ("abs");
  umk_log_shutdown ();
  g_assert_true (g_file_test (abs, G_FILE_TEST_EXISTS));

  /* A file that cannot be opened. */
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkArgs) a = log_args ("-debuglogfile=nodir/x.log", &error);
  g_assert_true (umk_log_configure (a, f->dir, FALSE, &error));
  g_assert_false (umk_log_start (&error));
  g_autofree char *want = g_strdup_printf ("Could not open debug log file %s/nodir/x.log", f->dir);
  g_assert_cmpstr (error->message, ==, want);
  umk_log_shutdown ();

  /* Starting twice is refused. */
  start_log (f, "");
  g_clear_error (&error);
  g_assert_false (umk_log_start (&error));
  g_assert_nonnull (error);
  umk_log_shutdown ();

  /* Reopening after rotation. */
  start_log (f, "-nologtimestamps");
  umk_log_info ("before");
  g_autofree char *rotated = g_build_filename (f->dir, "debug.log.1", NULL);
  g_assert_cmpint (g_rename (f->log_path, rotated), ==, 0);
  umk_log_reopen ();
  umk_log_info ("after");
  umk_log_shutdown ();
  g_autofree char *fresh = NULL;
  g_assert_true (g_file_get_contents (f->log_path, &fresh, NULL, NULL));
  g_assert_cmpstr (fresh, ==, "after\n");

  /* -logips. */
  start_log (f, "-logips");
  g_assert_true (umk_log_ips ());
  umk_log_shutdown ();
  g_assert_false (umk_log_ips ());
}

static void
test_console (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *dir = g_dir_make_tmp ("umk-log-XXXXXX", NULL);
      g_autoptr (UmkArgs) a = log_args ("-nodebuglogfile -nologtimestamps", NULL);
      g_assert_true (umk_log_setup (a, dir, TRUE, NULL));
      umk_log_info ("on the console");
      umk_log_shutdown ();
      g_autoptr (UmkArgs) b = log_args ("-nodebuglogfile -printtoconsole=0", NULL);
      g_assert_true (umk_log_setup (b, dir, TRUE, NULL));
      umk_log_info ("silent");
      umk_log_shutdown ();
      umk_test_rm_rf (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*on the console\n*");
  g_test_trap_assert_stdout_unmatched ("*silent*");
}

/* -shrinkdebugfile: a debug.log over 11 MB keeps its last 10 MB. */
static void
test_shrink (LogFixture *f, gconstpointer data)
{
  (void) data;
  const gsize big = 11000001;
  char *content = g_malloc (big);
  for (gsize i = 0; i < big; i++)
    content[i] = i % 100 == 99 ? '\n' : (char) ('a' + i % 26);

  static const struct
  {
    const char *line;
    gsize size;
    gboolean shrinks;
  } cases[] = {
    { "", 11000001, TRUE },
    { "", 11000000, FALSE },
    { "-debug=net", 11000001, FALSE },
    { "-debug=net -shrinkdebugfile", 11000001, TRUE },
    { "-noshrinkdebugfile", 11000001, FALSE },
  };
  for (unsigned i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (g_file_set_contents (f->log_path, content, (gssize) cases[i].size, NULL));
      start_log (f, cases[i].line);
      umk_log_shutdown ();
      g_autofree char *after = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (f->log_path, &after, &len, NULL));
      if (cases[i].shrinks)
        {
          g_assert_cmpuint (len, >, 10000000);
          g_assert_cmpuint (len, <, 10001000);
          g_assert_true (memcmp (after, content + cases[i].size - 10000000, 10000000) == 0);
          g_assert_true (g_str_has_prefix (after + 10000000, "\n\n\n\n\n"));
        }
      else
        {
          g_assert_cmpuint (len, >, cases[i].size);
          g_assert_true (memcmp (after, content, cases[i].size) == 0);
        }
    }
  g_free (content);
}

static void
log_from_info_1 (const char *msg)
{
  umk_log_info ("%s", msg);
}

static void
log_from_info_2 (const char *msg)
{
  umk_log_info ("%s", msg);
}

/* -logratelimit: after max_bytes from one source line within the window, the
 * file stops getting that line's messages (the console still does). */
static void
test_rate_limit (LogFixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (GString) seen = g_string_new (NULL);
  start_log (f, "-nologtimestamps -debug=http");
  guint id = umk_log_add_callback (collect_line, seen);
  umk_log_set_rate_limit (1024 * 10, 1);
  char msg[1024];
  memset (msg, 'a', sizeof msg - 1);
  msg[sizeof msg - 1] = '\0';
  for (int i = 0; i < 10; i++)
    log_from_info_1 (msg); /* exactly the quota, with the newlines */
  log_from_info_1 ("a");   /* over: suppressed from now on, said once */
  log_from_info_1 ("b");   /* not in the file */
  log_from_info_2 ("c");   /* another line is fine, marked */
  for (int i = 0; i < 12; i++)
    UMK_LOG_DEBUG (UMK_LOG_HTTP, "%s", msg); /* debug messages are not limited */
  g_usleep (1100 * 1000);
  log_from_info_1 ("d"); /* a new window */
  umk_log_remove_callback (id);
  umk_log_shutdown ();

  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  g_assert_cmpuint (lines->len, ==, 10 + 3 + 12 + 2);
  for (int i = 0; i < 10; i++)
    g_assert_cmpstr (g_ptr_array_index (lines, i), ==, msg);
  g_assert_true (matches ("^\\[\\*\\] \\[warning\\] Excessive logging detected from "
                          "\\S*test-logging\\.c:\\d+ \\(log_from_info_1\\): >10240 bytes logged "
                          "during the last time window of 1s\\. Suppressing logging to disk from "
                          "this source location until time window resets\\. Console logging "
                          "unaffected\\. Last log entry\\.$",
                          g_ptr_array_index (lines, 10)));
  g_assert_cmpstr (g_ptr_array_index (lines, 11), ==, "[*] a");
  g_assert_cmpstr (g_ptr_array_index (lines, 12), ==, "[*] c");
  g_autofree char *marked = g_strdup_printf ("[*] [http] %s", msg);
  for (int i = 13; i < 25; i++)
    g_assert_cmpstr (g_ptr_array_index (lines, i), ==, marked);
  g_assert_true (matches ("^\\[warning\\] Restarting logging from \\S*test-logging\\.c:\\d+ "
                          "\\(log_from_info_1\\): 4 bytes were dropped during the last 1s\\.$",
                          g_ptr_array_index (lines, 25)));
  g_assert_cmpstr (g_ptr_array_index (lines, 26), ==, "d");
  /* The callback (like the console) got "b" all the same. */
  g_assert_nonnull (strstr (seen->str, "\n[*] b\n"));
}

static gpointer
named_thread (gpointer data)
{
  (void) data;
  umk_log_info ("from the worker");
  return NULL;
}

static void
test_thread_names (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-nologtimestamps -logthreadnames");
  umk_log_set_thread_name ("init");
  umk_log_info ("from init");
  GThread *t = g_thread_new ("worker", named_thread, NULL);
  g_thread_join (t);
  umk_log_set_thread_name (NULL);
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  const char *want[] = { "[init] from init", "[worker] from the worker" };
  assert_lines (lines, want, G_N_ELEMENTS (want));
}

#define N_THREADS 8
#define N_LINES   500

static gpointer
busy_thread (gpointer data)
{
  int id = GPOINTER_TO_INT (data);
  for (int i = 0; i < N_LINES; i++)
    UMK_LOG_DEBUG (UMK_LOG_NET, "t%d %d", id, i);
  return NULL;
}

static void
test_threads (LogFixture *f, gconstpointer data)
{
  (void) data;
  start_log (f, "-debug=net");
  GThread *threads[N_THREADS];
  for (int i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new (NULL, busy_thread, GINT_TO_POINTER (i));
  /* Changing categories meanwhile must be safe. */
  for (int i = 0; i < 1000; i++)
    umk_log_set_category ("tor", i % 2);
  for (int i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);
  umk_log_shutdown ();
  g_autoptr (GPtrArray) lines = read_log (f->log_path);
  g_assert_cmpuint (lines->len, ==, N_THREADS * N_LINES);
  int next[N_THREADS] = { 0 };
  for (guint i = 0; i < lines->len; i++)
    {
      const char *l = g_ptr_array_index (lines, i);
      int id = -1, n = -1;
      const char *p = strstr (l, "Z [net] t");
      g_assert_nonnull (p);
      g_assert_cmpint (sscanf (p, "Z [net] t%d %d", &id, &n), ==, 2);
      g_assert_cmpint (n, ==, next[id]); /* each thread's lines whole and in order */
      next[id]++;
    }
}

/* GLib's messages go to our log when the writer is installed. It can only be
 * installed once per process, hence the subprocess. */
static void
test_glib_writer (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_autofree char *dir = g_dir_make_tmp ("umk-log-XXXXXX", NULL);
      umk_log_install_glib_writer ();
      umk_log_install_glib_writer (); /* idempotent */
      g_autoptr (UmkArgs) a = log_args ("-nologtimestamps -debug=net", NULL);
      g_assert_true (umk_log_setup (a, dir, FALSE, NULL));
      g_log ("umk-net", G_LOG_LEVEL_DEBUG, "net debug %d", 1);
      g_log ("umk-http", G_LOG_LEVEL_DEBUG, "http debug");
      g_log ("Foo", G_LOG_LEVEL_MESSAGE, "hello");
      g_log ("Foo", G_LOG_LEVEL_DEBUG, "foo debug");
      g_log ("umk-net", G_LOG_LEVEL_INFO, "net info");
      g_log (NULL, G_LOG_LEVEL_WARNING, "careful");
      g_log ("umk-wallet-x", G_LOG_LEVEL_CRITICAL, "bad");
      umk_log_shutdown ();
      g_autofree char *path = g_build_filename (dir, "debug.log", NULL);
      g_autoptr (GPtrArray) lines = read_log (path);
      const char *want[] = { "[net] net debug 1", "Foo: hello", "[net:info] net info",
                             "[warning] careful", "[error] umk-wallet-x: bad" };
      assert_lines (lines, want, G_N_ELEMENTS (want));

      /* -debug=all shows other domains' debug messages too. */
      g_remove (path);
      g_autoptr (UmkArgs) b = log_args ("-nologtimestamps -debug", NULL);
      g_assert_true (umk_log_setup (b, dir, FALSE, NULL));
      g_log ("Foo", G_LOG_LEVEL_DEBUG, "foo debug");
      umk_log_shutdown ();
      g_autoptr (GPtrArray) all = read_log (path);
      const char *want_all[] = { "[debug] Foo: foo debug" };
      assert_lines (all, want_all, G_N_ELEMENTS (want_all));
      umk_test_rm_rf (dir);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* With the console log off, warnings still reach stderr. */
  g_test_trap_assert_stderr ("*careful*");
  g_test_trap_assert_stderr_unmatched ("*hello*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/logging/" path, LogFixture, NULL, fixture_setup, fn, fixture_teardown)
  g_test_add_func ("/logging/categories", test_categories);
  ADD ("debug-options", test_debug_options);
  ADD ("loglevel-options", test_loglevel_options);
  ADD ("timestamps", test_timestamps);
  ADD ("prefixes", test_prefixes);
  ADD ("macros", test_macros);
  ADD ("category-prefixes", test_category_prefixes);
  ADD ("severity", test_severity);
  ADD ("buffered", test_buffered);
  ADD ("outputs", test_outputs);
  ADD ("shrink", test_shrink);
  ADD ("rate-limit", test_rate_limit);
  ADD ("thread-names", test_thread_names);
  ADD ("threads", test_threads);
  g_test_add_func ("/logging/console", test_console);
  g_test_add_func ("/logging/glib-writer", test_glib_writer);
#undef ADD
  return g_test_run ();
}
