/* node.c — the running node's shared state and its shutdown request. */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "node/node.h"

#include <stdio.h>

void
umk_node_request_shutdown (UmkNode *node)
{
  g_return_if_fail (node != NULL);

  g_atomic_int_set (&node->shutdown_requested, 1);
  if (node->loop == NULL)
    return;
  /* g_main_loop_quit() alone is lost when it comes before g_main_loop_run()
   * starts; main() therefore also checks the flag between iterations, and
   * the wake-up makes a context that is blocked in poll() look at it now. */
  g_main_loop_quit (node->loop);
  g_main_context_wakeup (g_main_loop_get_context (node->loop));
}

gboolean
umk_node_shutdown_requested (UmkNode *node)
{
  g_return_val_if_fail (node != NULL, FALSE);
  return g_atomic_int_get (&node->shutdown_requested) != 0;
}

gint64
umk_node_uptime (const UmkNode *node)
{
  g_return_val_if_fail (node != NULL, 0);
  /* Monotonic, so a clock change (or -mocktime later) cannot make it jump. */
  return (g_get_monotonic_time () - node->start_time) / G_USEC_PER_SEC;
}

int
umk_node_client_version (void)
{
  unsigned major = 0, minor = 0, patch = 0;
  if (sscanf (PACKAGE_VERSION, "%u.%u.%u", &major, &minor, &patch) < 1)
    return 0;
  return (int) (major * 10000 + minor * 100 + patch);
}

char *
umk_node_subversion (const UmkArgs *args)
{
  GString *s = g_string_new ("/" PACKAGE_NAME ":" PACKAGE_VERSION);
  g_auto (GStrv) comments = umk_args_get_list (args, "-uacomment");
  if (comments != NULL && comments[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv ("; ", comments);
      g_string_append_printf (s, "(%s)", joined);
    }
  g_string_append_c (s, '/');
  return g_string_free (s, FALSE);
}
