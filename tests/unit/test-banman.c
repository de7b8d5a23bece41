/* Tests for bans and discouragement: Core's banman_tests, banlist.json as
 * umkoind v31.0 wrote it, expiry, and damaged files. */
#include "config.h"

#include "node/banman.h"
#include "test-util.h"

#include <glib/gstdio.h>
#include <string.h>

/* When umkoind made tests/data/addrman/core-regtest-banlist.json. */
#define CORE_NOW ((int64_t) 1795962194)

static UmkSubNet
subnet (const char *text)
{
  UmkSubNet s;
  if (!umk_subnet_parse (text, &s))
    g_error ("bad subnet %s", text);
  return s;
}

static UmkNetAddr
ip (const char *text)
{
  UmkNetAddr a;
  if (!umk_netaddr_parse (text, &a))
    g_error ("bad address %s", text);
  return a;
}

static bool
banned (UmkBanMan *bm, const char *addr)
{
  UmkNetAddr a = ip (addr);
  return umk_banman_is_banned (bm, &a);
}

static char *
read_text (const char *path)
{
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return g_steal_pointer (&contents);
}

/* Core's banman_tests/file: at 777, of three entries ending at 778 one with
 * an unparseable address and one of another version are dropped. */
static void
test_core_file_case (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "banlist.json", NULL);
  const char *text = "{ \"banned_nets\": ["
                     "  { \"version\": 1, \"ban_created\": 0, \"banned_until\": 778, \"address\": "
                     "\"aaaaaaaaa\" },"
                     "  { \"version\": 2, \"ban_created\": 0, \"banned_until\": 778, \"address\": "
                     "\"bbbbbbbbb\" },"
                     "  { \"version\": 1, \"ban_created\": 0, \"banned_until\": 778, \"address\": "
                     "\"1.0.0.0/8\" }"
                     "] }";
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  g_autoptr (UmkBanMan) bm = umk_banman_new_full (path, 0, 777);
  g_autoptr (GArray) list = umk_banman_list (bm);
  g_assert_cmpuint (list->len, ==, 1);
  g_autofree char *s = umk_subnet_to_string (&g_array_index (list, UmkBanEntry, 0).subnet);
  g_assert_cmpstr (s, ==, "1.0.0.0/8");
  g_assert_cmpint (g_array_index (list, UmkBanEntry, 0).until, ==, 778);
  g_assert_true (banned (bm, "1.2.3.4"));
  g_assert_false (banned (bm, "2.2.3.4"));
  /* the same file read at 779: the ban has expired and is swept */
  g_autoptr (UmkBanMan) later = umk_banman_new_full (path, 0, 779);
  g_autoptr (GArray) list2 = umk_banman_list (later);
  g_assert_cmpuint (list2->len, ==, 0);
  umk_test_rm_rf (dir);
}

/* Replaces the "_warning_" line, whose words are ours. */
static char *
without_warning (const char *text)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  GString *out = g_string_new (NULL);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"_warning_\"") == NULL)
      g_string_append_printf (out, "%s%s", lines[i], lines[i + 1] ? "\n" : "");
  return g_string_free (out, FALSE);
}

/* banlist.json written by umkoind v31.0 after setban calls. */
static void
test_core_banlist (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "banlist.json", NULL);
  g_autoptr (GBytes) fixture = umk_test_load_bytes ("addrman/core-regtest-banlist.json");
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (fixture, NULL),
                                      (gssize) g_bytes_get_size (fixture), NULL));
  /* read at the time umkoind made the bans */
  g_autoptr (UmkBanMan) bm = umk_banman_new_full (path, UMK_DEFAULT_MISBEHAVING_BANTIME, CORE_NOW);
  g_autoptr (GArray) list = umk_banman_list (bm);
  g_assert_cmpuint (list->len, ==, 5);
  static const struct
  {
    const char *address;
    int64_t until;
  } expected[] = {
    { "1.2.3.4/32", 1796048594 },
    { "10.0.0.0/8", 1795965794 },
    { "192.168.0.0/16", 1796048594 },
    { "2001:db8::/32", 2000000000 },
    { "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion", 1796048594 },
  };
  for (guint i = 0; i < list->len; i++)
    {
      UmkBanEntry *e = &g_array_index (list, UmkBanEntry, i);
      g_autofree char *s = umk_subnet_to_string (&e->subnet);
      g_assert_cmpstr (s, ==, expected[i].address);
      g_assert_cmpint (e->created, ==, CORE_NOW);
      g_assert_cmpint (e->until, ==, expected[i].until);
    }
  g_assert_true (banned (bm, "1.2.3.4"));
  g_assert_false (banned (bm, "1.2.3.5"));
  g_assert_true (banned (bm, "10.200.3.4"));
  g_assert_true (banned (bm, "192.168.77.1"));
  g_assert_true (banned (bm, "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"));
  /* documentation addresses are not valid, so no ban matches them, though
   * the subnet itself is listed */
  g_assert_false (banned (bm, "2001:db8::1"));
  UmkSubNet doc = subnet ("2001:db8::/32");
  g_assert_true (umk_banman_is_subnet_banned (bm, &doc));

  /* written back: umkoind's bytes but for the warning's words */
  UmkNetAddr none = { 0 };
  g_assert_false (umk_banman_unban_addr (bm, &none));
  UmkSubNet tmp = subnet ("9.9.9.9");
  umk_banman_ban (bm, &tmp, 0, false);
  g_assert_true (umk_banman_unban (bm, &tmp));
  g_autofree char *ours = read_text (path);
  g_autofree char *ours_cut = without_warning (ours);
  g_autofree char *core_text
      = g_strndup (g_bytes_get_data (fixture, NULL), g_bytes_get_size (fixture));
  g_autofree char *core_cut = without_warning (core_text);
  g_assert_cmpstr (ours_cut, ==, core_cut);
  g_assert_true (strstr (ours, "\"_warning_\": \"") != NULL);

  /* an hour later the 10/8 ban is gone */
  umk_banman_set_mocktime (bm, CORE_NOW + 3601);
  g_assert_false (banned (bm, "10.200.3.4"));
  g_autoptr (GArray) later = umk_banman_list (bm);
  g_assert_cmpuint (later->len, ==, 4);
  umk_test_rm_rf (dir);
}

static void
test_ban_rules (void)
{
  g_autoptr (UmkBanMan) bm = umk_banman_new (NULL, 1000);
  const int64_t t0 = 1700000000;
  umk_banman_set_mocktime (bm, t0);
  UmkSubNet s = subnet ("5.6.0.0/16");
  g_assert_false (umk_banman_is_subnet_banned (bm, &s));
  /* offset 0: the default ban time, from now */
  umk_banman_ban (bm, &s, 0, true);
  g_autoptr (GArray) l1 = umk_banman_list (bm);
  g_assert_cmpuint (l1->len, ==, 1);
  g_assert_cmpint (g_array_index (l1, UmkBanEntry, 0).created, ==, t0);
  g_assert_cmpint (g_array_index (l1, UmkBanEntry, 0).until, ==, t0 + 1000);
  g_assert_true (umk_banman_is_subnet_banned (bm, &s));
  g_assert_true (banned (bm, "5.6.7.8"));
  g_assert_false (banned (bm, "5.7.7.8"));
  /* a shorter ban does not shorten it; a longer one extends it */
  umk_banman_ban (bm, &s, 10, false);
  g_autoptr (GArray) l2 = umk_banman_list (bm);
  g_assert_cmpint (g_array_index (l2, UmkBanEntry, 0).until, ==, t0 + 1000);
  umk_banman_ban (bm, &s, t0 + 5000, true);
  g_autoptr (GArray) l3 = umk_banman_list (bm);
  g_assert_cmpint (g_array_index (l3, UmkBanEntry, 0).until, ==, t0 + 5000);
  /* expiry: banned until the end second, swept after it */
  umk_banman_set_mocktime (bm, t0 + 4999);
  g_assert_true (banned (bm, "5.6.7.8"));
  umk_banman_set_mocktime (bm, t0 + 5000);
  g_assert_false (banned (bm, "5.6.7.8"));
  g_autoptr (GArray) l4 = umk_banman_list (bm);
  g_assert_cmpuint (l4->len, ==, 1); /* Core sweeps only once now > until */
  umk_banman_set_mocktime (bm, t0 + 5001);
  g_autoptr (GArray) l5 = umk_banman_list (bm);
  g_assert_cmpuint (l5->len, ==, 0);

  /* single addresses of every network, kept in Core's order */
  umk_banman_set_mocktime (bm, t0);
  const char *addrs[]
      = { "2a00::5", "1.2.3.4", "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion",
          "0.0.0.1" };
  for (size_t i = 0; i < G_N_ELEMENTS (addrs); i++)
    {
      UmkNetAddr a = ip (addrs[i]);
      umk_banman_ban_addr (bm, &a, 60, false);
    }
  g_autoptr (GArray) l6 = umk_banman_list (bm);
  g_assert_cmpuint (l6->len, ==, 4);
  const char *order[] = { "0.0.0.1/32", "1.2.3.4/32", "2a00::5/128",
                          "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion" };
  for (guint i = 0; i < l6->len; i++)
    {
      g_autofree char *str = umk_subnet_to_string (&g_array_index (l6, UmkBanEntry, i).subnet);
      g_assert_cmpstr (str, ==, order[i]);
    }
  g_assert_true (banned (bm, "2a00::5"));
  g_assert_false (banned (bm, "2a00::6"));
  /* unban exactly, not by overlap */
  UmkSubNet wide = subnet ("1.2.0.0/16");
  g_assert_false (umk_banman_unban (bm, &wide));
  UmkNetAddr a = ip ("1.2.3.4");
  g_assert_true (umk_banman_unban_addr (bm, &a));
  g_assert_false (umk_banman_unban_addr (bm, &a));
  g_assert_false (banned (bm, "1.2.3.4"));
  umk_banman_clear (bm);
  g_autoptr (GArray) l7 = umk_banman_list (bm);
  g_assert_cmpuint (l7->len, ==, 0);

  /* a huge offset saturates rather than overflowing */
  umk_banman_ban (bm, &s, G_MAXINT64, false);
  g_autoptr (GArray) l8 = umk_banman_list (bm);
  g_assert_cmpint (g_array_index (l8, UmkBanEntry, 0).until, ==, G_MAXINT64);
  g_assert_true (banned (bm, "5.6.1.1"));
  /* saving without a file succeeds */
  g_assert_true (umk_banman_save (bm, NULL));
}

static void
test_discourage (void)
{
  g_autoptr (UmkBanMan) bm = umk_banman_new (NULL, 0);
  UmkNetAddr a = ip ("1.2.3.4"), mapped = ip ("::ffff:1.2.3.4"), b = ip ("1.2.3.5");
  g_assert_false (umk_banman_is_discouraged (bm, &a));
  umk_banman_discourage (bm, &a);
  g_assert_true (umk_banman_is_discouraged (bm, &a));
  g_assert_true (umk_banman_is_discouraged (bm, &mapped)); /* the same address */
  g_assert_false (umk_banman_is_discouraged (bm, &b));
  /* discouraged is not banned */
  g_assert_false (umk_banman_is_banned (bm, &a));
  /* bounded: the oldest are forgotten first */
  for (uint32_t i = 0; i < UMK_BANMAN_DISCOURAGED_MAX; i++)
    {
      uint8_t bytes[4] = { 20, (uint8_t) (i >> 16), (uint8_t) (i >> 8), (uint8_t) i };
      UmkNetAddr x;
      umk_netaddr_set_ipv4 (&x, bytes);
      umk_banman_discourage (bm, &x);
    }
  g_assert_false (umk_banman_is_discouraged (bm, &a));
  uint8_t first[4] = { 20, 0, 0, 0 }, last[4] = { 20, 0, 0xC3, 0x4F }; /* 49999 */
  UmkNetAddr f, l;
  umk_netaddr_set_ipv4 (&f, first);
  umk_netaddr_set_ipv4 (&l, last);
  g_assert_true (umk_banman_is_discouraged (bm, &f));
  g_assert_true (umk_banman_is_discouraged (bm, &l));
  UmkNetAddr tor = ip ("pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion");
  umk_banman_discourage (bm, &tor);
  g_assert_true (umk_banman_is_discouraged (bm, &tor));
  g_assert_false (umk_banman_is_discouraged (bm, &f));
}

static void
test_persistence (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "banlist.json", NULL);
  /* a fresh datadir gets an empty list at once, as umkoind's does */
  {
    g_autoptr (UmkBanMan) bm = umk_banman_new (path, 100);
    g_autofree char *text = read_text (path);
    g_autofree char *cut = without_warning (text);
    g_assert_cmpstr (cut, ==, "{\n    \"banned_nets\": [\n    ]\n}\n");
    /* bans are written as they are made */
    UmkSubNet s = subnet ("7.7.0.0/255.255.0.0");
    umk_banman_ban (bm, &s, 3600, false);
    g_autofree char *after = read_text (path);
    g_assert_nonnull (strstr (after, "\"address\": \"7.7.0.0/16\""));
    /* nothing changed: no write (a removed file stays removed) */
    g_assert_cmpint (g_unlink (path), ==, 0);
    g_assert_true (umk_banman_save (bm, NULL));
    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    UmkSubNet t = subnet ("8.8.8.8");
    umk_banman_ban (bm, &t, 3600, false);
    g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  }
  /* no temporary file is left */
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "banlist.json");
  g_assert_null (g_dir_read_name (d));
  /* and a new manager reads them back */
  g_autoptr (UmkBanMan) bm2 = umk_banman_new (path, 100);
  g_assert_true (banned (bm2, "7.7.1.1"));
  g_assert_true (banned (bm2, "8.8.8.8"));
  g_autoptr (GArray) l = umk_banman_list (bm2);
  g_assert_cmpuint (l->len, ==, 2);

  /* a file that cannot be written: an error, the list stays to be written */
  g_autofree char *bad_path = g_build_filename (dir, "missing", "banlist.json", NULL);
  g_autoptr (UmkBanMan) bm3 = umk_banman_new (bad_path, 100);
  UmkSubNet s = subnet ("9.9.9.9");
  umk_banman_ban (bm3, &s, 100, false);
  g_autoptr (GError) error = NULL;
  g_assert_false (umk_banman_save (bm3, &error));
  g_assert_nonnull (error);
  umk_test_rm_rf (dir);
}

static void
test_damaged (void)
{
  static const char *const cases[] = {
    "",
    "{",
    "[]",
    "42",
    "{\"banned_nets\": [], \"banned_nets\": []}",
    "{}",
    "{\"banned_nets\": 5}",
    "{\"banned_nets\": [5]}",
    "{\"banned_nets\": [{\"version\": \"1\"}]}",
    "{\"banned_nets\": [{\"version\": 1.0, \"ban_created\": 0, \"banned_until\": 4000000000, "
    "\"address\": \"1.2.3.4\"}]}",
    "{\"banned_nets\": [{\"version\": 1, \"ban_created\": 0, \"banned_until\": 4000000000, "
    "\"address\": 1234}]}",
    "{\"banned_nets\": [{\"version\": 1, \"banned_until\": 4000000000, \"address\": "
    "\"1.2.3.4\"}]}",
    "{\"banned_nets\": [{\"version\": 1, \"ban_created\": 0, \"banned_until\": "
    "99999999999999999999, \"address\": \"1.2.3.4\"}]}",
    "{\"banned_nets\": [{\"version\": 99999999999, \"ban_created\": 0, \"banned_until\": 1, "
    "\"address\": \"1.2.3.4\"}]}",
    "{\"banned_nets\": [{\"version\": 1, \"ban_created\": 0, \"banned_until\": 4000000000, "
    "\"address\": \"1.2.3.4\"}] trailing",
    "\xff\xfe",
  };
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "banlist.json", NULL);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (g_file_set_contents (path, cases[i], -1, NULL));
      g_autoptr (UmkBanMan) bm = umk_banman_new (path, 100);
      g_autoptr (GArray) l = umk_banman_list (bm);
      g_assert_cmpuint (l->len, ==, 0);
      /* replaced by an empty list */
      g_autofree char *text = read_text (path);
      g_autofree char *cut = without_warning (text);
      g_assert_cmpstr (cut, ==, "{\n    \"banned_nets\": [\n    ]\n}\n");
    }
  /* the object form of the list is read as Core's getValues() reads it */
  const char *object_form = "{\"banned_nets\": {\"x\": {\"version\": 1, \"ban_created\": 0, "
                            "\"banned_until\": 4000000000, \"address\": \"1.2.3.4\"}}}";
  g_assert_true (g_file_set_contents (path, object_form, -1, NULL));
  g_autoptr (UmkBanMan) bm = umk_banman_new (path, 100);
  g_assert_true (banned (bm, "1.2.3.4"));

  /* random bytes: never a crash */
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  for (int i = 0; i < 80; i++)
    {
      size_t len = (size_t) g_rand_int_range (rand, 0, 120);
      g_autofree uint8_t *bytes = umk_test_random_bytes (rand, len);
      static const char alphabet[] = "{}[]\":,0123456789 .abnv_/eltru";
      for (size_t j = 0; j < len; j++)
        bytes[j] = (uint8_t) alphabet[bytes[j] % (sizeof alphabet - 1)];
      g_assert_true (g_file_set_contents (path, (const char *) bytes, (gssize) len, NULL));
      g_autoptr (UmkBanMan) x = umk_banman_new (path, 100);
      g_autoptr (GArray) l = umk_banman_list (x);
      (void) l;
    }
  umk_test_rm_rf (dir);
}

static gpointer
ban_worker (gpointer data)
{
  UmkBanMan *bm = data;
  for (int i = 0; i < 500; i++)
    {
      uint8_t b[4] = { 30, (uint8_t) (i >> 8), (uint8_t) i, (uint8_t) g_random_int () };
      UmkNetAddr a;
      umk_netaddr_set_ipv4 (&a, b);
      umk_banman_ban_addr (bm, &a, 1000, false);
      (void) umk_banman_is_banned (bm, &a);
      umk_banman_discourage (bm, &a);
      (void) umk_banman_is_discouraged (bm, &a);
      if (i % 7 == 0)
        (void) umk_banman_unban_addr (bm, &a);
      if (i % 50 == 0)
        {
          g_autoptr (GArray) l = umk_banman_list (bm);
        }
    }
  return NULL;
}

/* Concurrent bans, lookups and discouragement on an in-memory manager (every
 * ban of a manager with a file is written and synced, too slow to hammer). */
static void
test_threads (void)
{
  g_autoptr (UmkBanMan) bm = umk_banman_new (NULL, 100);
  GThread *t[4];
  for (int i = 0; i < 4; i++)
    t[i] = g_thread_new ("banman-test", ban_worker, bm);
  for (int i = 0; i < 4; i++)
    g_thread_join (t[i]);
  g_autoptr (GArray) l = umk_banman_list (bm);
  g_assert_cmpuint (l->len, >, 0);
  g_assert_cmpuint (l->len, <=, 4 * 500);
  for (guint i = 1; i < l->len; i++)
    g_assert_cmpint (umk_subnet_compare (&g_array_index (l, UmkBanEntry, i - 1).subnet,
                                         &g_array_index (l, UmkBanEntry, i).subnet),
                     <, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/banman/core-file-case", test_core_file_case);
  g_test_add_func ("/banman/core-banlist", test_core_banlist);
  g_test_add_func ("/banman/ban-rules", test_ban_rules);
  g_test_add_func ("/banman/discourage", test_discourage);
  g_test_add_func ("/banman/persistence", test_persistence);
  g_test_add_func ("/banman/damaged", test_damaged);
  g_test_add_func ("/banman/threads", test_threads);
  return g_test_run ();
}
