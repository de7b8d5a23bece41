/* test-gui.c — umkoin-gui's classes against real umkoin-node processes
 * (suite 'gui', under xvfb-run and dbus-run-session, GSK_RENDERER=cairo).
 *
 *   /gui/format/..., /gui/options/...  the plain functions: durations, the
 *                                   console's words and replies, the sync
 *                                   estimate, the command-line split
 *   /gui/failed-start               a "node" that prints an error and exits:
 *                                   the error page shows it
 *   /gui/spawned                    the app spawns a regtest node: height 0,
 *                                   5 blocks mined by umkoin-cli appear, the
 *                                   console runs getblockcount (and more),
 *                                   screenshots, quit stops the node
 *   /gui/node-died                  a node without wallet (the Wallet area
 *                                   says why) is killed: the window says so,
 *                                   with the exit status
 *   /gui/attached                   a node started here with -ipcbind=unix:
 *                                   the app attaches, sees its height, quits,
 *                                   the node runs on; a second app sees the
 *                                   connection lost when the node stops
 *   /gui/sync-from-peer             a headers pre-sync in the status line; the
 *                                   app's node gets a header ahead of its
 *                                   block (headers 1, blocks 0), then syncs 20
 *                                   blocks from a node started here; the
 *                                   Node page lists that peer, disconnects
 *                                   and bans it
 *
 * The programs come from the build tree: UMKOIN_NODE (also what the app's
 * umk_ipc_find_program() honours) and UMKOIN_CLI, set by tests/gui/meson.build.
 * Nothing sleeps a fixed time: every wait iterates the main context until a
 * condition holds, with a timeout.
 */
#define G_LOG_DOMAIN "umk-test"
#include "config.h"

#include "app/umk-application.h"
#include "app/umk-console-page.h"
#include "app/umk-format.h"
#include "app/umk-gui-options.h"
#include "app/umk-node-client.h"
#include "app/umk-node-page.h"
#include "app/umk-peer.h"
#include "app/umk-wallets-page.h"
#include "app/umk-window.h"
#include "common/error.h"
#include "common/logging.h"
#include "tests/unit/test-util.h"

#include <adwaita.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* A P2WSH output anyone can spend (OP_TRUE): coinbases go nowhere that
 * matters (tests/functional/blocktools.py's P2WSH_OP_TRUE_ADDRESS). */
#define MINE_ADDRESS "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85"

/* ---- Waiting ----------------------------------------------------------------------- */

typedef gboolean (*Predicate) (gpointer data);

static gboolean
on_tick (gpointer user_data)
{
  (void) user_data;
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until pred holds or timeout_s passes.
 * Returns: whether it holds. */
static gboolean
wait_for (Predicate pred, gpointer data, guint timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_USEC_PER_SEC;
  /* Wakes the loop now and then, for conditions no source signals (a
   * process that exited, a file that appeared). */
  guint tick = g_timeout_add (20, on_tick, NULL);
  gboolean ok;
  while (!(ok = pred (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return ok;
}

/* ---- Processes and ports ----------------------------------------------------------- */

/* A port free on 127.0.0.1 right now (the kernel's pick). */
static guint16
free_port (void)
{
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (fd, >=, 0);
  struct sockaddr_in sa = { 0 };
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &sa, sizeof sa), ==, 0);
  socklen_t len = sizeof sa;
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &sa, &len), ==, 0);
  close (fd);
  return ntohs (sa.sin_port);
}

static gboolean
process_gone (GPid pid)
{
  return kill (pid, 0) != 0 && errno == ESRCH;
}

/* One regtest datadir with its ports. */
typedef struct
{
  char *dir;
  guint16 rpc_port;
  guint16 p2p_port;
} NodeDir;

static void
node_dir_init (NodeDir *nd)
{
  nd->dir = umk_test_make_tmpdir ();
  nd->rpc_port = free_port ();
  do
    nd->p2p_port = free_port ();
  while (nd->p2p_port == nd->rpc_port);
}

static void
node_dir_clear (NodeDir *nd)
{
  if (g_test_failed ())
    g_test_message ("keeping %s", nd->dir);
  else
    umk_test_rm_rf (nd->dir);
  g_clear_pointer (&nd->dir, g_free);
}

/* The node options every test node gets (no argv[0]), then the extra ones
 * given (NULL-terminated; a later option overrides an earlier one). */
static GStrv node_args (const NodeDir *nd, ...) G_GNUC_NULL_TERMINATED;

static GStrv
node_args (const NodeDir *nd, ...)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  g_strv_builder_add (b, "-regtest");
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", nd->dir);
  g_autofree char *rpcport = g_strdup_printf ("-rpcport=%u", nd->rpc_port);
  g_autofree char *port = g_strdup_printf ("-port=%u", nd->p2p_port);
  g_strv_builder_add (b, datadir);
  g_strv_builder_add (b, rpcport);
  g_strv_builder_add (b, port);
  g_strv_builder_add (b, "-listen=0");
  g_strv_builder_add (b, "-printtoconsole=1");
  va_list ap;
  va_start (ap, nd);
  for (const char *extra = va_arg (ap, const char *); extra != NULL;
       extra = va_arg (ap, const char *))
    g_strv_builder_add (b, extra);
  va_end (ap);
  return g_strv_builder_end (b);
}

static const char *
program (const char *env)
{
  const char *p = g_getenv (env);
  if (p == NULL)
    g_error ("%s is not set (tests/gui/meson.build sets it)", env);
  return p;
}

/* Runs umkoin-cli against nd's node. Returns: its stdout, stripped; NULL
 * when it failed. */
static char *
cli (const NodeDir *nd, const char *const *words)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (argv, g_strdup (program ("UMKOIN_CLI")));
  g_ptr_array_add (argv, g_strdup ("-regtest"));
  g_ptr_array_add (argv, g_strdup_printf ("-datadir=%s", nd->dir));
  g_ptr_array_add (argv, g_strdup_printf ("-rpcport=%u", nd->rpc_port));
  g_ptr_array_add (argv, g_strdup ("-rpcwait"));
  g_ptr_array_add (argv, g_strdup ("-rpcwaittimeout=60"));
  for (const char *const *w = words; *w != NULL; w++)
    g_ptr_array_add (argv, g_strdup (*w));
  g_ptr_array_add (argv, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error))
    {
      g_test_message ("umkoin-cli: %s", error->message);
      return NULL;
    }
  if (!g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("umkoin-cli %s: %s: %s", words[0], error->message, err);
      return NULL;
    }
  return g_strstrip (g_steal_pointer (&out));
}

/* ---- The application ------------------------------------------------------------------ */

static UmkApplication *
start_app (const char *const *gui_argv)
{
  g_autoptr (GError) error = NULL;
  int argc = (int) g_strv_length ((char **) gui_argv);
  UmkGuiOptions *opts = umk_gui_options_parse (argc, gui_argv, &error);
  g_assert_no_error (error);
  UmkApplication *app = umk_application_new (opts, g_get_monotonic_time ());
  /* Each instance exports itself on the session bus under its id; the
   * ones before it in this process never ran g_application_run() to the
   * end, which would have taken theirs down. */
  static guint instance;
  g_autofree char *id = g_strdup_printf ("%s.Test%u", APPLICATION_ID, ++instance);
  g_application_set_application_id (G_APPLICATION (app), id);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  g_assert_nonnull (umk_application_get_window (app));
  return app;
}

/* The app with a node it spawns, given the node's options (no argv[0]):
 * as `umkoin-gui <options>`. */
static UmkApplication *
start_app_spawning (char **node_options)
{
  g_autoptr (GPtrArray) gui_argv = g_ptr_array_new ();
  g_ptr_array_add (gui_argv, "umkoin-gui");
  for (char **a = node_options; *a; a++)
    g_ptr_array_add (gui_argv, *a);
  g_ptr_array_add (gui_argv, NULL);
  return start_app ((const char *const *) gui_argv->pdata);
}

static gboolean
is_connected (gpointer data)
{
  UmkNodeClient *client = umk_application_get_node_client (data);
  UmkNodeClientState state = umk_node_client_get_state (client);
  if (state == UMK_NODE_CLIENT_FAILED)
    return TRUE; /* no point waiting; the assertion after says why */
  return state == UMK_NODE_CLIENT_CONNECTED;
}

static void
assert_connected (UmkApplication *app)
{
  g_assert_true (wait_for (is_connected, app, 90));
  UmkNodeClient *client = umk_application_get_node_client (app);
  if (umk_node_client_get_state (client) != UMK_NODE_CLIENT_CONNECTED)
    {
      g_autofree char *text = umk_window_dup_error_text (umk_application_get_window (app));
      g_error ("the node is not connected: %s", text);
    }
  g_assert_cmpstr (umk_window_get_state_page (umk_application_get_window (app)), ==, "main");
}

typedef struct
{
  UmkApplication *app;
  const char *blocks;
  const char *headers; /* NULL: any */
} SyncWait;

static gboolean
sync_shown (gpointer data)
{
  SyncWait *w = data;
  UmkWindow *window = umk_application_get_window (w->app);
  return window != NULL && g_strcmp0 (umk_window_get_blocks_text (window), w->blocks) == 0
         && (w->headers == NULL
             || g_strcmp0 (umk_window_get_headers_text (window), w->headers) == 0);
}

/* Waits until the Overview shows these blocks (and headers, unless NULL). */
static void
assert_sync (UmkApplication *app, const char *blocks, const char *headers)
{
  SyncWait w = { app, blocks, headers };
  if (!wait_for (sync_shown, &w, 60))
    {
      UmkWindow *window = umk_application_get_window (app);
      g_error ("the window shows blocks \"%s\" and headers \"%s\", not \"%s\" and \"%s\"",
               umk_window_get_blocks_text (window), umk_window_get_headers_text (window), blocks,
               headers ? headers : "any");
    }
}

static void
assert_blocks (UmkApplication *app, const char *text)
{
  assert_sync (app, text, NULL);
}

static gboolean
quit_done (gpointer data)
{
  return umk_application_get_quit_done (data);
}

static void
quit_app (UmkApplication *app)
{
  umk_application_request_quit (app);
  g_assert_true (wait_for (quit_done, app, 90));
  g_assert_null (umk_application_get_window (app));
}

/* Lets the window lay out and draw once or twice. */
static gboolean
frames_drawn (gpointer data)
{
  int *countdown = data;
  return --(*countdown) <= 0;
}

static void
settle (void)
{
  int countdown = 20;
  wait_for (frames_drawn, &countdown, 5);
}

typedef struct
{
  GdkPaintable *paintable;
  int width;
  int height;
  GskRenderNode *node;
} RenderWait;

static gboolean
render_node_ready (gpointer data)
{
  RenderWait *rw = data;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (rw->paintable, GDK_SNAPSHOT (snapshot), rw->width, rw->height);
  rw->node = gtk_snapshot_free_to_node (snapshot);
  return rw->node != NULL;
}

/* Renders the window as GTK draws it and writes a PNG to the build dir;
 * checks the file is a real image with more than one colour. */
static void
screenshot (GtkWidget *window, const char *name)
{
  settle ();
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (window);
  int width = gdk_paintable_get_intrinsic_width (paintable);
  int height = gdk_paintable_get_intrinsic_height (paintable);
  g_assert_cmpint (width, >, 100);
  g_assert_cmpint (height, >, 100);
  /* The paintable shows what the window drew last; right after a change
   * (queue_draw) there is nothing until the next frame. */
  RenderWait rw = { paintable, width, height, NULL };
  if (!wait_for (render_node_ready, &rw, 10))
    g_error ("nothing to render: mapped %d, drawable %d", gtk_widget_get_mapped (window),
             gtk_widget_is_drawable (window));
  g_autoptr (GskRenderNode) node = rw.node;
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_assert_nonnull (renderer);
  g_autoptr (GdkTexture) texture = gsk_renderer_render_texture (renderer, node, NULL);
  g_assert_nonnull (texture);

  const char *dir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, width, height);

  /* Read it back: a PNG of that size, and not one colour all over. */
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GdkTexture) back = gdk_texture_new_from_file (file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (back), ==, gdk_texture_get_width (texture));
  g_assert_cmpint (gdk_texture_get_height (back), ==, gdk_texture_get_height (texture));
  int w = gdk_texture_get_width (back), h = gdk_texture_get_height (back);
  gsize stride = (gsize) w * 4;
  g_autofree guchar *pixels = g_malloc (stride * (gsize) h);
  gdk_texture_download (back, pixels, stride);
  guint32 first;
  memcpy (&first, pixels, 4);
  gsize different = 0;
  for (gsize i = 0; i < (gsize) w * (gsize) h; i++)
    {
      guint32 px;
      memcpy (&px, pixels + i * 4, 4);
      different += px != first;
    }
  g_assert_cmpuint (different, >, (gsize) w * (gsize) h / 100);
}

/* ---- The console ---------------------------------------------------------------------- */

typedef struct
{
  UmkConsolePage *console;
  const char *needle;
} ConsoleWait;

static gboolean
console_idle_with (gpointer data)
{
  ConsoleWait *w = data;
  if (umk_console_page_get_pending (w->console) > 0)
    return FALSE;
  g_autofree char *out = umk_console_page_dup_output (w->console);
  return strstr (out, w->needle) != NULL;
}

/* Types line into the console, presses Enter, and waits until the output
 * has expect. */
static void
console_run (UmkConsolePage *console, const char *line, const char *expect)
{
  GtkEntry *entry = umk_console_page_get_entry (console);
  gtk_editable_set_text (GTK_EDITABLE (entry), line);
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  ConsoleWait w = { console, expect };
  if (!wait_for (console_idle_with, &w, 30))
    {
      g_autofree char *out = umk_console_page_dup_output (console);
      g_error ("console output lacks \"%s\" after \"%s\":\n%s", expect, line, out);
    }
}

/* ---- /gui/format ---------------------------------------------------------------------- */

static void
test_format_duration (void)
{
  static const struct
  {
    gint64 s;
    const char *text;
  } cases[] = {
    { -5, "0 seconds" },
    { 0, "0 seconds" },
    { 1, "1 second" },
    { 59, "59 seconds" },
    { 60, "1 minute" },
    { 3599, "59 minutes" },
    { 3600, "1 hour" },
    { 86399, "23 hours" },
    { 86400, "1 day" },
    { 7 * 86400 - 1, "6 days" },
    { 7 * 86400, "1 week" },
    { 31557600 - 1, "52 weeks" },
    { 31557600, "1 year and 0 weeks" },
    { 2 * 31557600 + 3 * 7 * 86400 + 5, "2 years and 3 weeks" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = umk_format_duration (cases[i].s);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_format_split (void)
{
  static const struct
  {
    const char *line;
    const char *words; /* joined by '|', NULL: an error */
  } cases[] = {
    { "", "" },
    { "   \t ", "" },
    { "getblockcount", "getblockcount" },
    { "  getblockhash   0 ", "getblockhash|0" },
    { "echo 'a b' \"c d\"", "echo|a b|c d" },
    { "echo '' \"\"", "echo||" },
    { "echo a'b c'd", "echo|ab cd" },
    { "echo \"say \\\"hi\\\"\"", "echo|say \"hi\"" },
    { "echo \"a\\\\b\" \"a\\nb\"", "echo|a\\b|a\\nb" },
    { "echo 'it\\'", "echo|it\\" },
    { "echo a\\ b", "echo|a b" },
    { "createrawtransaction '[]' '{\"data\":\"00\"}'",
      "createrawtransaction|[]|{\"data\":\"00\"}" },
    { "echo 'open", NULL },
    { "echo \"open", NULL },
    { "echo \"open\\\"", NULL },
    { "echo trailing\\", NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) words = umk_console_split (cases[i].line, &error);
      if (cases[i].words == NULL)
        {
          g_assert_null (words);
          g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
          continue;
        }
      g_assert_no_error (error);
      g_autofree char *joined = g_strjoinv ("|", words);
      g_assert_cmpstr (joined, ==, cases[i].words);
    }
}

static void
test_format_reply (void)
{
  static const struct
  {
    const char *reply;
    const char *text;
    gboolean is_error;
  } cases[] = {
    { "{\"result\":5,\"error\":null}", "5", FALSE },
    { "{\"result\":\"00ab\",\"error\":null}", "00ab", FALSE },
    { "{\"result\":null,\"error\":null}", "", FALSE },
    { "{\"result\":true,\"error\":null}", "true", FALSE },
    /* Numbers stay as the node wrote them. */
    { "{\"result\":{\"a\":50.00000000,\"b\":[1,\"x\"]},\"error\":null}",
      "{\n  \"a\": 50.00000000,\n  \"b\": [\n    1,\n    \"x\"\n  ]\n}", FALSE },
    { "{\"result\":[],\"error\":null}", "[\n]", FALSE },
    { "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}",
      "error code -32601: Method not found", TRUE },
    { "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"Block height out of range\"}}",
      "error code -8: Block height out of range", TRUE },
    { "{\"result\":null,\"error\":\"odd\"}", "\"odd\"", TRUE },
    { "not json", "The node sent a reply that is not JSON-RPC: not json", TRUE },
    { "[1]", "The node sent a reply that is not JSON-RPC: [1]", TRUE },
    { "", "The node sent a reply that is not JSON-RPC: ", TRUE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean is_error = !cases[i].is_error;
      g_autofree char *text = umk_console_format_reply (cases[i].reply, &is_error);
      g_assert_cmpstr (text, ==, cases[i].text);
      g_assert_cmpint (is_error, ==, cases[i].is_error);
    }
}

static void
test_format_estimate (void)
{
  g_autoptr (UmkSyncEstimate) e = umk_sync_estimate_new ();
  gint64 t = 1000 * G_USEC_PER_SEC;
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, -1);
  umk_sync_estimate_add (e, t, 0.10);
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, -1);
  /* 5 s is too short to go by. */
  umk_sync_estimate_add (e, t + 5 * G_USEC_PER_SEC, 0.11);
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, -1);
  /* 0.01 per 10 s: 0.88 left takes 880 s. */
  umk_sync_estimate_add (e, t + 20 * G_USEC_PER_SEC, 0.12);
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, 880);
  /* Two minutes later at a faster rate: the old samples no longer count. */
  umk_sync_estimate_add (e, t + 140 * G_USEC_PER_SEC, 0.20);
  umk_sync_estimate_add (e, t + 160 * G_USEC_PER_SEC, 0.30);
  umk_sync_estimate_add (e, t + 200 * G_USEC_PER_SEC, 0.50);
  /* Window: from the sample at 140 s (the last one at or before 200-60):
   * 0.30 in 60 s, 0.5 left: 100 s. */
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, 100);
  /* No progress at all: no estimate. */
  umk_sync_estimate_reset (e);
  umk_sync_estimate_add (e, t, 0.5);
  umk_sync_estimate_add (e, t + 30 * G_USEC_PER_SEC, 0.5);
  g_assert_cmpint (umk_sync_estimate_remaining (e), ==, -1);
}

/* ---- /gui/options ------------------------------------------------------------------------ */

static void
test_options_split (void)
{
  static const char *const argv[] = { "umkoin-gui",
                                      "-regtest",
                                      "-datadir=/nonexistent-umk",
                                      "-dbcache=50",
                                      "-debug=qt",
                                      "--nosuchoption=1",
                                      "-printtoconsole=0",
                                      "-nodebuglogfile",
                                      "-prune=-5",
                                      "-noconnect",
                                      NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkGuiOptions) opts
      = umk_gui_options_parse (G_N_ELEMENTS (argv) - 1, (const char *const *) argv, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opts);
  g_assert_null (opts->connect_path);
  g_assert_false (opts->help);
  g_assert_false (opts->version);
  /* Everything but the GUI-only options, unchanged and in order. */
  g_autofree char *node = g_strjoinv (" ", opts->node_args);
  g_assert_cmpstr (node, ==,
                   "-regtest -datadir=/nonexistent-umk -dbcache=50 -debug=qt --nosuchoption=1 "
                   "-printtoconsole=0 -nodebuglogfile -prune=-5 -noconnect");
  /* The GUI has its share: the chain, the datadir, -debug; never a file. */
  UmkChain chain;
  g_assert_true (umk_args_get_chain (opts->args, &chain, NULL));
  g_assert_cmpint (chain, ==, UMK_CHAIN_REGTEST);
  g_autofree char *debug = umk_args_get (opts->args, "-debug", NULL);
  g_assert_cmpstr (debug, ==, "qt");
  g_assert_true (umk_args_is_negated (opts->args, "-debuglogfile"));
  g_assert_false (umk_args_get_bool (opts->args, "-printtoconsole", TRUE));
}

static void
test_options_connect (void)
{
  g_autofree char *dir = umk_test_make_tmpdir ();
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", dir);
  g_autofree char *conf = g_build_filename (dir, "umkoin.conf", NULL);
  /* The chain may come from the config file, with node keys the GUI does
   * not know (ignored). */
  g_assert_true (g_file_set_contents (conf, "regtest=1\ndbcache=10\n", -1, NULL));

  const char *argv1[] = { "umkoin-gui", datadir, "-ipcconnect=unix", "-dbcache=5", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (UmkGuiOptions) opts = umk_gui_options_parse (4, argv1, &error);
  g_assert_no_error (error);
  g_autofree char *expect = g_build_filename (dir, "regtest", "node.sock", NULL);
  g_assert_cmpstr (opts->connect_path, ==, expect);
  /* -dbcache only matters to a node we would start. */
  g_assert_cmpuint (g_strv_length (opts->ignored_options), ==, 1);
  g_assert_cmpstr (opts->ignored_options[0], ==, "-dbcache=5");
  /* -ipcconnect is the GUI's alone. */
  for (char **a = opts->node_args; *a; a++)
    g_assert_false (g_str_has_prefix (*a, "-ipcconnect"));

  const char *argv2[] = { "umkoin-gui", "-ipcconnect=unix:/tmp/x/node.sock", NULL };
  g_autoptr (UmkGuiOptions) opts2 = umk_gui_options_parse (2, argv2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (opts2->connect_path, ==, "/tmp/x/node.sock");

  const char *argv3[] = { "umkoin-gui", "-ipcconnect=tcp:1.2.3.4", NULL };
  g_assert_null (umk_gui_options_parse (2, argv3, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  const char *argv4[] = { "umkoin-gui", "-datadir=/nonexistent-umk", "-ipcconnect=unix", NULL };
  g_assert_null (umk_gui_options_parse (3, argv4, &error));
  g_assert_nonnull (strstr (error->message, "does not exist"));
  g_clear_error (&error);

  umk_test_rm_rf (dir);
}

static void
test_options_errors (void)
{
  g_autoptr (GError) error = NULL;
  const char *positional[] = { "umkoin-gui", "getblockcount", NULL };
  g_assert_null (umk_gui_options_parse (2, positional, &error));
  g_assert_error (error, UMK_ERROR, UMK_ERROR_INVALID);
  g_clear_error (&error);

  const char *ipcfd[] = { "umkoin-gui", "-ipcfd=3", NULL };
  g_assert_null (umk_gui_options_parse (2, ipcfd, &error));
  g_assert_nonnull (strstr (error->message, "-ipcfd"));
  g_clear_error (&error);

  const char *help[] = { "umkoin-gui", "-?", "-nosuchoption", NULL };
  g_autoptr (UmkGuiOptions) opts = umk_gui_options_parse (3, help, &error);
  g_assert_no_error (error);
  g_assert_true (opts->help);
  g_autofree char *text = umk_gui_options_help (opts);
  g_assert_nonnull (strstr (text, "-ipcconnect=<address>"));
  g_assert_nonnull (strstr (text, "umkoin-node -help"));

  const char *version[] = { "umkoin-gui", "-version", NULL };
  g_autoptr (UmkGuiOptions) opts2 = umk_gui_options_parse (2, version, &error);
  g_assert_no_error (error);
  g_assert_true (opts2->version);
}

/* ---- /gui/failed-start ------------------------------------------------------------------ */

static gboolean
client_failed (gpointer data)
{
  return umk_node_client_get_state (data) == UMK_NODE_CLIENT_FAILED;
}

static void
on_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (umk_node_client_stop_finish (UMK_NODE_CLIENT (source), result, &error));
  g_assert_no_error (error);
  g_main_loop_quit (user_data);
}

static void
test_failed_start (void)
{
  /* Stands in for a node that rejects its options: the spawner appends
   * -ipcfd=3, which becomes the script's $0. */
  static const char *const args[]
      = { "-c", "echo 'Loading…'; echo 'Error: Invalid parameter -nosuchoption' >&2; exit 1",
          NULL };
  g_autoptr (UmkNodeClient) client = umk_node_client_new_spawn ("/bin/sh", args);
  UmkWindow *window = umk_window_new (NULL, client, 0);
  g_object_ref_sink (window);
  gtk_window_present (GTK_WINDOW (window));
  umk_node_client_start (client);
  g_assert_true (wait_for (client_failed, client, 30));
  g_assert_cmpstr (umk_window_get_state_page (window), ==, "error");
  g_autofree char *text = umk_window_dup_error_text (window);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "The node failed to start"));
  g_assert_nonnull (
      strstr (text, "Invalid parameter -nosuchoption\numkoin-node exited with status 1."));
  g_assert_nonnull (strstr (text, "Loading…\nError: Invalid parameter -nosuchoption"));
  screenshot (GTK_WIDGET (window), "gui-error.png");

  /* Quitting with nothing running completes at once, and the failure
   * stays for the window. */
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  umk_node_client_stop_async (client, NULL, on_stopped, loop);
  g_main_loop_run (loop);
  g_assert_cmpint (umk_node_client_get_state (client), ==, UMK_NODE_CLIENT_FAILED);
  gtk_window_destroy (GTK_WINDOW (window));
  g_object_unref (window);

  /* A program that does not exist at all. */
  g_autoptr (UmkNodeClient) missing
      = umk_node_client_new_spawn ("/nonexistent/umkoin-node", (const char *const[]){ NULL });
  umk_node_client_start (missing);
  g_assert_cmpint (umk_node_client_get_state (missing), ==, UMK_NODE_CLIENT_FAILED);
  g_assert_nonnull (
      strstr (umk_node_client_get_error_message (missing), "/nonexistent/umkoin-node"));
}

/* ---- /gui/spawned ---------------------------------------------------------------------- */

static gboolean
cmdline_has (GPid pid, const char *arg)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/cmdline", (int) pid);
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i += strlen (contents + i) + 1)
    if (strcmp (contents + i, arg) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
node_height_5 (gpointer data)
{
  return g_strcmp0 (umk_node_page_get_height_text (data), "5") == 0;
}

static gboolean
wallet_status_known (gpointer data)
{
  return umk_node_client_get_wallet_status (data) != NULL;
}

static gboolean
wallet_process_connected (gpointer data)
{
  return umk_node_client_get_wallet_connected (data);
}

static gboolean
wallet_listed (gpointer data)
{
  GListModel *wallets = umk_node_client_get_wallets (data);
  return g_list_model_get_n_items (wallets) == 1
         && g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (wallets), 0), "gui-test") == 0;
}

static gboolean
pid_gone (gpointer data)
{
  return process_gone (GPOINTER_TO_INT (data));
}

static void
test_spawned (void)
{
  NodeDir nd;
  node_dir_init (&nd);
  g_auto (GStrv) args = node_args (&nd, NULL);
  /* (1) The app spawns the node, with our options and its -ipcfd. */
  UmkApplication *app = start_app_spawning (args);
  UmkNodeClient *client = umk_application_get_node_client (app);
  g_assert_true (umk_node_client_get_spawned (client));
  GPid pid = umk_node_client_get_pid (client);
  g_assert_cmpint (pid, >, 0);
  assert_connected (app);
  g_assert_true (cmdline_has (pid, "-ipcfd=3"));
  g_assert_true (cmdline_has (pid, "-listen=0"));
  assert_blocks (app, "0");

  /* Blocks mined over HTTP RPC reach the window through TipChanged. */
  static const char *const mine[] = { "generatetoaddress", "5", MINE_ADDRESS, NULL };
  g_autofree char *hashes = cli (&nd, mine);
  g_assert_nonnull (hashes);
  assert_blocks (app, "5");
  UmkWindow *window = umk_application_get_window (app);
  screenshot (GTK_WIDGET (window), "gui-main-window.png");

  /* The app's icon comes from its own resources, installed or not. */
  GtkIconTheme *theme
      = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));
  g_assert_true (gtk_icon_theme_has_icon (theme, UMK_ICON_NAME));
  g_autoptr (GtkIconPaintable) icon
      = gtk_icon_theme_lookup_icon (theme, UMK_ICON_NAME, NULL, 128, 1, GTK_TEXT_DIR_LTR, 0);
  g_autoptr (GFile) icon_file = gtk_icon_paintable_get_file (icon);
  g_autofree char *icon_uri = icon_file ? g_file_get_uri (icon_file) : NULL;
  g_assert_cmpstr (icon_uri, ==,
                   "resource:///org/umkoin/Umkoin/icons/scalable/apps/org.umkoin.Umkoin.svg");
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (GDK_PAINTABLE (icon)), ==, 128);

  /* The Node page: the chain as GetBlockchainInfo has it, and no peers
   * (the node has none to connect to). */
  umk_window_show_page (window, "node");
  UmkNodePage *node_page = umk_window_get_node_page (window);
  if (!wait_for (node_height_5, node_page, 30))
    g_error ("the Node page shows height \"%s\"", umk_node_page_get_height_text (node_page));
  g_assert_cmpuint (g_list_model_get_n_items (umk_node_page_get_peers (node_page)), ==, 0);
  screenshot (GTK_WIDGET (window), "gui-node.png");

  /* (2) The console. */
  umk_window_show_page (window, "console");
  UmkConsolePage *console = umk_window_get_console_page (window);
  console_run (console, "getblockcount", "> getblockcount\n5\n");
  console_run (console, "getblockhash 99", "error code -8: Block height out of range");
  console_run (console, "nosuchmethod", "error code -32601: Method not found");
  console_run (console, "getblockhash x", "Error parsing JSON: x");
  /* Converted as umkoin-cli converts: the height is a number. */
  static const char *const hash5[] = { "getblockhash", "5", NULL };
  g_autofree char *h5 = cli (&nd, hash5);
  g_assert_nonnull (h5);
  g_autofree char *expect_hash = g_strdup_printf ("> getblockhash 5\n%s\n", h5);
  console_run (console, "getblockhash 5", expect_hash);
  console_run (console, "getblockchaininfo", "  \"blocks\": 5,\n");
  /* Several at once: run in order, the entry free meanwhile. */
  GtkEntry *entry = umk_console_page_get_entry (console);
  gtk_editable_set_text (GTK_EDITABLE (entry), "getblockhash 0");
  g_signal_emit_by_name (entry, "activate");
  gtk_editable_set_text (GTK_EDITABLE (entry), "getblockcount");
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpuint (umk_console_page_get_pending (console), ==, 2);
  console_run (console, "echo 'a b' \"c\"", "> echo 'a b' \"c\"\n[\n  \"a b\",\n  \"c\"\n]\n");
  static const char *const hash0[] = { "getblockhash", "0", NULL };
  g_autofree char *h0 = cli (&nd, hash0);
  g_autofree char *out = umk_console_page_dup_output (console);
  g_autofree char *in_order
      = g_strdup_printf ("> getblockhash 0\n%s\n> getblockcount\n5\n> echo", h0);
  g_assert_nonnull (strstr (out, in_order));
  screenshot (GTK_WIDGET (window), "gui-console.png");

  /* The Wallet area: a wallet created in the console appears (WalletLoaded
   * over the direct connection to the wallet process), and once picked,
   * wallet commands go to it. */
  UmkWalletsPage *wallets_page = umk_window_get_wallets_page (window);
  g_assert_true (wait_for (wallet_process_connected, client, 60));
  g_assert_cmpstr (umk_wallets_page_get_empty_title (wallets_page), ==, "No wallet loaded");
  console_run (console, "createwallet gui-test", "\"name\": \"gui-test\"");
  if (!wait_for (wallet_listed, client, 30))
    g_error ("the wallet list does not show gui-test");
  g_assert_null (umk_wallets_page_get_empty_title (wallets_page));
  umk_node_client_set_selected_wallet (client, "gui-test");
  console_run (console, "getwalletinfo", "\"walletname\": \"gui-test\"");
  umk_window_show_page (window, "wallets");
  screenshot (GTK_WIDGET (window), "gui-wallets.png");
  umk_window_show_page (window, "console");

  /* "clear" empties the output but for the greeting. */
  console_run (console, "clear", "Welcome");
  g_autofree char *cleared = umk_console_page_dup_output (console);
  g_assert_null (strstr (cleared, "getblockcount"));
  umk_window_show_page (window, "overview");

  /* (4) Quitting stops the node it spawned. */
  quit_app (app);
  g_assert_true (wait_for (pid_gone, GINT_TO_POINTER (pid), 30));
  g_assert_cmpint (umk_node_client_get_state (client), ==, UMK_NODE_CLIENT_STOPPED);
  g_object_unref (app);
  node_dir_clear (&nd);
}

/* ---- /gui/node-died ------------------------------------------------------------------ */

static void
test_node_died (void)
{
  NodeDir nd;
  node_dir_init (&nd);
  g_auto (GStrv) args = node_args (&nd, "-disablewallet", NULL);
  UmkApplication *app = start_app_spawning (args);
  UmkNodeClient *client = umk_application_get_node_client (app);
  assert_connected (app);
  /* No wallet process: the Wallet area says why. */
  g_assert_true (wait_for (wallet_status_known, client, 30));
  g_assert_nonnull (strstr (umk_node_client_get_wallet_status (client), "-disablewallet"));
  UmkWalletsPage *wallets_page = umk_window_get_wallets_page (umk_application_get_window (app));
  g_assert_cmpstr (umk_wallets_page_get_empty_title (wallets_page), ==,
                   "The wallet is not available");

  GPid pid = umk_node_client_get_pid (client);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_true (wait_for (client_failed, client, 30));
  UmkWindow *window = umk_application_get_window (app);
  g_assert_cmpstr (umk_window_get_state_page (window), ==, "error");
  g_autofree char *text = umk_window_dup_error_text (window);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "The node stopped unexpectedly"));
  g_assert_nonnull (strstr (text, "killed by signal 9"));

  quit_app (app);
  g_assert_cmpint (umk_node_client_get_state (client), ==, UMK_NODE_CLIENT_FAILED);
  g_object_unref (app);
  node_dir_clear (&nd);
}

/* ---- /gui/attached ---------------------------------------------------------------------- */

typedef struct
{
  GPid pid;
  gboolean exited;
  int status;
} Child;

static void
on_child_exit (GPid pid, int status, gpointer user_data)
{
  Child *c = user_data;
  c->exited = TRUE;
  c->status = status;
  g_spawn_close_pid (pid);
}

static gboolean
child_exited (gpointer data)
{
  return ((Child *) data)->exited;
}

/* Starts umkoin-node with args (no argv[0]); c learns when it exits. */
static void
start_node (char **args, Child *c)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) program ("UMKOIN_NODE"));
  for (char **a = args; *a; a++)
    g_ptr_array_add (argv, *a);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  /* The node's log goes to our stderr: stdout is the TAP stream. */
  g_assert_true (g_spawn_async_with_pipes_and_fds (
      NULL, (const char *const *) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, -1,
      STDERR_FILENO, -1, NULL, NULL, 0, &c->pid, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_child_watch_add (c->pid, on_child_exit, c);
}

static gboolean
file_exists (gpointer data)
{
  return g_file_test (data, G_FILE_TEST_EXISTS);
}

static void
test_attached (void)
{
  NodeDir nd;
  node_dir_init (&nd);
  g_auto (GStrv) args = node_args (&nd, "-ipcbind=unix", NULL);
  Child node = { 0 };
  start_node (args, &node);
  g_autofree char *socket = g_build_filename (nd.dir, "regtest", "node.sock", NULL);
  if (!wait_for (file_exists, socket, 60))
    {
      kill (node.pid, SIGKILL);
      g_error ("%s did not appear", socket);
    }

  /* (5) -ipcconnect=unix: <datadir>/regtest/node.sock, the chain from
   * -regtest. */
  g_autofree char *datadir = g_strdup_printf ("-datadir=%s", nd.dir);
  const char *gui_argv[] = { "umkoin-gui", "-regtest", datadir, "-ipcconnect=unix", NULL };
  UmkApplication *app = start_app (gui_argv);
  UmkNodeClient *client = umk_application_get_node_client (app);
  g_assert_false (umk_node_client_get_spawned (client));
  g_assert_cmpint (umk_node_client_get_pid (client), ==, 0);
  assert_connected (app);
  assert_blocks (app, "0");
  static const char *const mine[] = { "generatetoaddress", "2", MINE_ADDRESS, NULL };
  g_autofree char *hashes = cli (&nd, mine);
  g_assert_nonnull (hashes);
  assert_blocks (app, "2");
  screenshot (GTK_WIDGET (umk_application_get_window (app)), "gui-attached.png");

  /* Quitting leaves the node running. */
  quit_app (app);
  g_assert_cmpint (umk_node_client_get_state (client), ==, UMK_NODE_CLIENT_STOPPED);
  g_object_unref (app);
  settle ();
  g_assert_false (node.exited);
  g_assert_cmpint (kill (node.pid, 0), ==, 0);
  static const char *const count[] = { "getblockcount", NULL };
  g_autofree char *blocks = cli (&nd, count);
  g_assert_cmpstr (blocks, ==, "2");

  /* A second app, given the socket's path, sees the node go away. */
  g_autofree char *connect = g_strdup_printf ("-ipcconnect=unix:%s", socket);
  const char *gui_argv2[] = { "umkoin-gui", connect, NULL };
  app = start_app (gui_argv2);
  client = umk_application_get_node_client (app);
  assert_connected (app);
  assert_blocks (app, "2");
  static const char *const stop[] = { "stop", NULL };
  g_autofree char *stopped = cli (&nd, stop);
  g_assert_nonnull (stopped);
  g_assert_true (wait_for (child_exited, &node, 60));
  g_assert_true (WIFEXITED (node.status) && WEXITSTATUS (node.status) == 0);
  g_assert_true (wait_for (client_failed, client, 30));
  UmkWindow *window = umk_application_get_window (app);
  g_assert_cmpstr (umk_window_get_state_page (window), ==, "error");
  g_autofree char *text = umk_window_dup_error_text (window);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "The connection to the node was lost"));
  quit_app (app);
  g_object_unref (app);
  node_dir_clear (&nd);
}

/* ---- /gui/sync-from-peer ---------------------------------------------------------------- */

typedef struct
{
  UmkNodePage *page;
  char *address;
  gint64 id; /* the peer found */
} PeerWait;

static gboolean
peer_listed (gpointer data)
{
  PeerWait *w = data;
  GListModel *peers = umk_node_page_get_peers (w->page);
  for (guint i = 0; i < g_list_model_get_n_items (peers); i++)
    {
      g_autoptr (UmkPeer) peer = g_list_model_get_item (peers, i);
      if (g_strcmp0 (umk_peer_get_address (peer), w->address) == 0 && !umk_peer_get_inbound (peer)
          && umk_peer_get_height (peer) == 20)
        {
          w->id = umk_peer_get_id (peer);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
no_peers (gpointer data)
{
  return g_list_model_get_n_items (umk_node_page_get_peers (data)) == 0;
}

/* The app's node syncs from a peer: a header that arrives ahead of its
 * block shows as headers > blocks, then the blocks come over P2P and the
 * Node page lists the peer. */
static void
test_sync_from_peer (void)
{
  /* The peer: 20 blocks, listening on loopback. */
  NodeDir pd;
  node_dir_init (&pd);
  g_auto (GStrv) peer_args
      = node_args (&pd, "-disablewallet", "-listen=1", "-bind=127.0.0.1", NULL);
  Child peer = { 0 };
  start_node (peer_args, &peer);
  static const char *const mine[] = { "generatetoaddress", "20", MINE_ADDRESS, NULL };
  g_autofree char *hashes = cli (&pd, mine);
  g_assert_nonnull (hashes);
  static const char *const hash1[] = { "getblockhash", "1", NULL };
  g_autofree char *h1 = cli (&pd, hash1);
  g_assert_nonnull (h1);
  const char *header1_words[] = { "getblockheader", h1, "false", NULL };
  g_autofree char *header1 = cli (&pd, header1_words);
  g_assert_nonnull (header1);

  NodeDir nd;
  node_dir_init (&nd);
  g_auto (GStrv) args = node_args (&nd, "-disablewallet", NULL);
  UmkApplication *app = start_app_spawning (args);
  assert_connected (app);
  assert_sync (app, "0", "0");
  UmkWindow *window = umk_application_get_window (app);

  /* A peer's headers being pre-synced (the node's HeaderPresyncChanged, as
   * ipc_node.py sees it from a real pre-sync): the status says so. */
  UmkNodeClient *client = umk_application_get_node_client (app);
  gint64 three_days_ago = g_get_real_time () / G_USEC_PER_SEC - 3 * 86400 - 60;
  g_signal_emit_by_name (client, "header-presync-changed", 5000, three_days_ago);
  g_assert_cmpstr (umk_window_get_status_text (window), ==,
                   "Pre-syncing headers: 5000, 3 days behind…");

  /* A header without its block: HeaderTipChanged alone, which also ends
   * what the pre-sync showed. */
  const char *submit[] = { "submitheader", header1, NULL };
  g_autofree char *submitted = cli (&nd, submit);
  g_assert_nonnull (submitted);
  assert_sync (app, "0", "1");
  g_assert_cmpstr (umk_window_get_status_text (window), ==, "Synchronizing with the network…");

  /* The blocks over P2P, from the peer the node is told about. */
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", pd.p2p_port);
  const char *addnode[] = { "addnode", address, "onetry", NULL };
  g_autofree char *added = cli (&nd, addnode);
  g_assert_nonnull (added);
  assert_sync (app, "20", "20");

  umk_window_show_page (window, "node");
  PeerWait pw = { umk_window_get_node_page (window), address };
  if (!wait_for (peer_listed, &pw, 30))
    g_error ("the Node page does not list the outbound peer %s at height 20", address);
  screenshot (GTK_WIDGET (window), "gui-synced-node.png");

  /* The row's menu: Disconnect, then (connected again) Ban for 1 day,
   * through the node's disconnectnode and setban. */
  gtk_widget_activate_action (GTK_WIDGET (pw.page), "peer.disconnect", "x", pw.id);
  if (!wait_for (no_peers, pw.page, 30))
    g_error ("the peer is still listed after Disconnect");
  static const char *const count[] = { "getconnectioncount", NULL };
  g_autofree char *connections = cli (&nd, count);
  g_assert_cmpstr (connections, ==, "0");
  g_autofree char *again = cli (&nd, addnode);
  g_assert_nonnull (again);
  if (!wait_for (peer_listed, &pw, 30))
    g_error ("the peer did not come back");
  gtk_widget_activate_action (GTK_WIDGET (pw.page), "peer.ban", "(xx)", pw.id, (gint64) 86400);
  if (!wait_for (no_peers, pw.page, 30))
    g_error ("the peer is still listed after Ban");
  static const char *const listbanned[] = { "listbanned", NULL };
  g_autofree char *banned = cli (&nd, listbanned);
  g_assert_nonnull (banned);
  g_assert_nonnull (strstr (banned, "\"address\": \"127.0.0.1/32\""));
  g_assert_nonnull (strstr (banned, "\"ban_duration\": 86400"));

  umk_window_show_page (window, "overview");
  screenshot (GTK_WIDGET (window), "gui-synced.png");

  quit_app (app);
  g_object_unref (app);
  static const char *const stop[] = { "stop", NULL };
  g_autofree char *stopped = cli (&pd, stop);
  g_assert_nonnull (stopped);
  g_assert_true (wait_for (child_exited, &peer, 60));
  node_dir_clear (&nd);
  node_dir_clear (&pd);
}

/* ---- main ------------------------------------------------------------------------------ */

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Warnings from GTK about the test environment must not fail a run;
   * ours are assertions. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  /* The app's log on stderr, as umkoin-gui writes it, in the test log
   * (stdout is TAP's). */
  {
    static const char *const log_argv[] = { "test-gui", "-debug=qt", "-debug=ipc", NULL };
    g_autoptr (GError) error = NULL;
    g_autoptr (UmkGuiOptions) opts = umk_gui_options_parse (3, log_argv, &error);
    if (opts == NULL || !umk_gui_options_start_log (opts, &error))
      g_error ("logging: %s", error->message);
  }

  g_test_add_func ("/gui/format/duration", test_format_duration);
  g_test_add_func ("/gui/format/split", test_format_split);
  g_test_add_func ("/gui/format/reply", test_format_reply);
  g_test_add_func ("/gui/format/estimate", test_format_estimate);
  g_test_add_func ("/gui/options/split", test_options_split);
  g_test_add_func ("/gui/options/connect", test_options_connect);
  g_test_add_func ("/gui/options/errors", test_options_errors);

  if (!gtk_init_check ())
    {
      g_printerr ("no display: run under xvfb-run (meson test --suite gui does)\n");
      return 77;
    }
  adw_init ();
  /* Screenshots show the end of a transition, not its middle. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, "gtk-cursor-blink",
                FALSE, NULL);
  g_test_add_func ("/gui/failed-start", test_failed_start);
  g_test_add_func ("/gui/spawned", test_spawned);
  g_test_add_func ("/gui/node-died", test_node_died);
  g_test_add_func ("/gui/attached", test_attached);
  g_test_add_func ("/gui/sync-from-peer", test_sync_from_peer);
  return g_test_run ();
}
