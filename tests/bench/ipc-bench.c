/* ipc-bench.c — the round trip of a trivial org.umkoin.Node1 call over the
 * -ipcfd socketpair, as umkoin-gui sees it.
 *
 *   build/tests/bench/ipc-bench [-calls=N] [-method=NAME] [-node=PATH] [-- node options]
 *
 * Spawns a real umkoin-node on regtest in a temporary datadir (no RPC
 * server, no wallet, no P2P listening), the way umkoin-gui does, and calls
 * Node1.GetTip (or -method: GetBlockchainInfo, GetNetworkInfo, GetPeers, the
 * other calls the app makes while it shows the sync):
 *   1. one call at a time (blocking): latency median / p90 / p99, calls/s;
 *   2. pipelined, up to 64 calls in flight: calls/s.
 * Then stops the node through Node1.Shutdown and waits for it.
 */
#include "config.h"

#include "common/ipc-child.h"
#include "common/ipc.h"
#include "umk-dbus.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
cmp_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

typedef struct
{
  UmkNode1 *proxy;
  const char *method;
  guint remaining; /* calls still to start */
  guint in_flight;
  guint failed;
} Pipeline;

static void start_pipelined (Pipeline *p);

/* One call of the method the run measures. */
static GVariant *
call_sync (UmkNode1 *proxy, const char *method, GError **error)
{
  return g_dbus_proxy_call_sync (G_DBUS_PROXY (proxy), method, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                                 NULL, error);
}

static void
on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pipeline *p = user_data;
  g_autoptr (GVariant) reply = g_dbus_proxy_call_finish (G_DBUS_PROXY (source), result, NULL);
  if (reply == NULL)
    p->failed++;
  p->in_flight--;
  start_pipelined (p);
}

static void
start_pipelined (Pipeline *p)
{
  while (p->remaining > 0 && p->in_flight < 64)
    {
      p->remaining--;
      p->in_flight++;
      g_dbus_proxy_call (G_DBUS_PROXY (p->proxy), p->method, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                         on_reply, p);
    }
}

static void
on_connected (UmkIpcChild *child, GDBusConnection *conn, gpointer user_data)
{
  (void) child;
  (void) user_data;
  /* We export nothing; let messages flow. */
  g_dbus_connection_start_message_processing (conn);
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          if (g_file_test (child, G_FILE_TEST_IS_DIR)
              && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  guint calls = 20000;
  const char *method = "GetTip";
  g_autofree char *node = umk_ipc_find_program ("umkoin-node", "node");
  int first_extra = argc;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        {
          first_extra = i + 1;
          break;
        }
      if (g_str_has_prefix (argv[i], "-calls="))
        calls = (guint) atoi (argv[i] + 7);
      else if (g_str_has_prefix (argv[i], "-method="))
        method = argv[i] + 8;
      else if (g_str_has_prefix (argv[i], "-node="))
        {
          g_free (node);
          node = g_strdup (argv[i] + 6);
        }
      else
        {
          fprintf (stderr, "usage: %s [-calls=N] [-method=NAME] [-node=PATH] [-- node options]\n",
                   argv[0]);
          return 2;
        }
    }
  /* From tests/bench/ the node is at ../../node/umkoin-node. */
  if (!g_path_is_absolute (node) && !g_file_test (node, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
      g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : g_strdup (".");
      g_autofree char *built = g_build_filename (dir, "..", "..", "node", "umkoin-node", NULL);
      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        {
          g_free (node);
          node = g_steal_pointer (&built);
        }
    }

  g_autofree char *datadir = g_dir_make_tmp ("umk-ipc-bench-XXXXXX", NULL);
  g_autofree char *dd_arg = g_strconcat ("-datadir=", datadir, NULL);
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_ptr_array_add (args, node);
  g_ptr_array_add (args, "-regtest");
  g_ptr_array_add (args, dd_arg);
  g_ptr_array_add (args, "-server=0");
  g_ptr_array_add (args, "-listen=0");
  g_ptr_array_add (args, "-disablewallet");
  g_ptr_array_add (args, "-printtoconsole=0");
  for (int i = first_extra; i < argc; i++)
    g_ptr_array_add (args, argv[i]);
  g_ptr_array_add (args, NULL);

  g_autoptr (GError) error = NULL;
  g_autoptr (UmkIpcChild) child
      = umk_ipc_child_spawn ((const char *const *) args->pdata, "umkoin-node", &error);
  if (child == NULL)
    {
      fprintf (stderr, "cannot start %s: %s\n", node, error->message);
      return 1;
    }
  g_signal_connect (child, "connected", G_CALLBACK (on_connected), NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (umk_ipc_child_get_connection (child) == NULL && umk_ipc_child_is_running (child)
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  GDBusConnection *conn = umk_ipc_child_get_connection (child);
  if (conn == NULL)
    {
      fprintf (stderr, "the node did not connect\n");
      return 1;
    }
  g_autoptr (UmkNode1) proxy = umk_node1_proxy_new_sync (
      conn, G_DBUS_PROXY_FLAGS_DO_NOT_AUTO_START | G_DBUS_PROXY_FLAGS_DO_NOT_LOAD_PROPERTIES, NULL,
      UMK_IPC_NODE_PATH, NULL, &error);
  g_assert_no_error (error);

  /* The first call waits for the node to finish loading. */
  if (!umk_node1_call_get_tip_sync (proxy, NULL, NULL, NULL, NULL, NULL, NULL, &error))
    {
      fprintf (stderr, "GetTip failed: %s\n", error->message);
      return 1;
    }
  /* Warm up; an unknown method fails here. */
  for (int i = 0; i < 500; i++)
    {
      g_autoptr (GVariant) reply = call_sync (proxy, method, &error);
      if (reply == NULL)
        {
          fprintf (stderr, "%s failed: %s\n", method, error->message);
          return 1;
        }
    }

  /* The tip before and after each phase shows whether the node was busy
   * (e.g. importing with -- -loadblock=FILE) while we measured. */
  gint height_before = 0, height_after = 0;
  umk_node1_call_get_tip_sync (proxy, &height_before, NULL, NULL, NULL, NULL, NULL, NULL);
  gint64 *lat = g_new (gint64, calls);
  gint64 t0 = g_get_monotonic_time ();
  for (guint i = 0; i < calls; i++)
    {
      gint64 s = g_get_monotonic_time ();
      g_autoptr (GVariant) reply = call_sync (proxy, method, &error);
      if (reply == NULL)
        {
          fprintf (stderr, "%s failed: %s\n", method, error->message);
          return 1;
        }
      lat[i] = g_get_monotonic_time () - s;
    }
  double seq_s = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  umk_node1_call_get_tip_sync (proxy, &height_after, NULL, NULL, NULL, NULL, NULL, NULL);
  qsort (lat, calls, sizeof *lat, cmp_gint64);
  printf ("%s\n", method);
  printf ("sequential: %u calls in %.2f s = %.0f calls/s; latency median %.1f us, p90 %.1f us, "
          "p99 %.1f us, max %.1f us; tip %d -> %d\n",
          calls, seq_s, calls / seq_s, (double) lat[calls / 2], (double) lat[calls * 9 / 10],
          (double) lat[calls * 99 / 100], (double) lat[calls - 1], height_before, height_after);
  g_free (lat);

  Pipeline p = { .proxy = proxy, .method = method, .remaining = calls * 2 };
  t0 = g_get_monotonic_time ();
  start_pipelined (&p);
  while (p.in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  double pipe_s = (double) (g_get_monotonic_time () - t0) / G_USEC_PER_SEC;
  printf ("pipelined (64 in flight): %u calls in %.2f s = %.0f calls/s, %u failed\n", calls * 2,
          pipe_s, calls * 2 / pipe_s, p.failed);

  umk_node1_call_shutdown_sync (proxy, NULL, NULL);
  umk_ipc_child_wait (child, 60000);
  remove_tree (datadir);
  return p.failed == 0 ? 0 : 1;
}
