/* main.c — umkoin-gui: the desktop app. Parses its own options (and keeps
 * the rest for the node, app/umk-gui-options.h), sets up the log on stderr,
 * checks that there is a display, and runs UmkApplication. */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-application.h"
#include "app/umk-gui-options.h"
#include "common/logging.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

int
main (int argc, char **argv)
{
  /* Time to first frame counts from here. */
  gint64 start_time_us = g_get_monotonic_time ();

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr (GError) error = NULL;
  UmkGuiOptions *opts = umk_gui_options_parse (argc, (const char *const *) argv, &error);
  if (opts == NULL)
    {
      fprintf (stderr, "umkoin-gui: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opts->help || opts->version)
    {
      if (opts->help)
        {
          g_autofree char *help = umk_gui_options_help (opts);
          fputs (help, stdout);
        }
      else
        printf ("%s GUI version v%s\n", PACKAGE_NAME, PACKAGE_VERSION);
      umk_gui_options_free (opts);
      umk_log_shutdown ();
      return EXIT_SUCCESS;
    }

  if (!umk_gui_options_start_log (opts, &error))
    {
      fprintf (stderr, "umkoin-gui: %s\n", error->message);
      umk_gui_options_free (opts);
      return EXIT_FAILURE;
    }
  /* GLib's and GTK's own messages keep GLib's writer: they reach stderr
   * as they are, once. */
  for (char **o = opts->ignored_options; o != NULL && *o != NULL; o++)
    umk_log_warning ("%s has no effect with -ipcconnect: the node runs already", *o);

  if (!gtk_init_check ())
    {
      fprintf (stderr, "umkoin-gui: %s\n",
               _ ("cannot open a display (neither DISPLAY nor WAYLAND_DISPLAY works). "
                  "To run a node without a window, use umkoin-node."));
      umk_gui_options_free (opts);
      umk_log_shutdown ();
      return EXIT_FAILURE;
    }

  UmkApplication *app = umk_application_new (opts, start_time_us);
  /* Our options are parsed; GApplication gets the program name only. */
  char *app_argv[] = { argv[0], NULL };
  int status = g_application_run (G_APPLICATION (app), 1, app_argv);
  g_object_unref (app);
  umk_log_shutdown ();
  return status;
}
