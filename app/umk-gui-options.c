/* umk-gui-options.c — splitting umkoin-gui's command line (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-gui-options.h"

#include "common/error.h"
#include "common/ipc.h"
#include "common/logging.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

/* Options that mean something to the GUI only. -ipcfd is registered by
 * umk_ipc_add_options() for programs that are spawned; umkoin-gui never is. */
static const char *const gui_only[]
    = { "ipcconnect", "ipcfd", "help", "h", "?", "help-debug", "version" };

/* Logging options that shape where a log goes: they are the node's, while
 * the GUI always writes to stderr and never a file. */
static const char *const node_only[] = { "debuglogfile", "printtoconsole", "shrinkdebugfile" };

static gboolean
in_list (const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (name, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* The option's name as args.c reads it: no leading dashes, nothing from
 * '=' on, without a "no" that negates an option the GUI knows. */
static char *
option_name (const UmkArgs *args, const char *arg)
{
  const char *start = arg + 1;
  if (*start == '-')
    start++;
  const char *eq = strchr (start, '=');
  g_autofree char *name = eq ? g_strndup (start, (gsize) (eq - start)) : g_strdup (start);
  if (g_str_has_prefix (name, "no"))
    {
      g_autofree char *dashed = g_strconcat ("-", name + 2, NULL);
      if (umk_args_get_flags (args, dashed, NULL))
        return g_strdup (name + 2);
    }
  return g_steal_pointer (&name);
}

static void
register_options (UmkArgs *args)
{
  umk_args_add_help_options (args);
  umk_args_add_common_options (args, UMK_COMMON_VERSION | UMK_COMMON_HELP_DEBUG | UMK_COMMON_DATADIR
                                         | UMK_COMMON_CONF);
  umk_args_add_chain_options (args);
  umk_log_add_options (args);
  umk_ipc_add_options (args, TRUE);
}

/* The socket -ipcconnect names; the default one needs the net datadir, for
 * which the config file may select the chain. */
static char *
connect_path (UmkGuiOptions *opts, const char *value, GError **error)
{
  if (g_str_has_prefix (value, "unix:") && value[5] != '\0')
    return umk_ipc_parse_address ("-ipcconnect", value, "", error);

  if (!umk_args_check_datadir_option (opts->args))
    {
      g_autofree char *datadir = umk_args_get (opts->args, "-datadir", "");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   _ ("Specified data directory \"%s\" does not exist."), datadir);
      return NULL;
    }
  g_autoptr (GError) local = NULL;
  if (!umk_args_read_config_files (opts->args, TRUE, &local))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, _ ("Error reading configuration file: %s"),
                   local->message);
      return NULL;
    }
  UmkChain chain;
  if (!umk_args_get_chain (opts->args, &chain, error))
    return NULL;
  umk_args_select_chain (opts->args, chain);
  g_autofree char *net = umk_args_get_datadir_net (opts->args);
  if (net == NULL)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           _ ("The data directory does not exist."));
      return NULL;
    }
  g_autofree char *def = g_build_filename (net, "node.sock", NULL);
  return umk_ipc_parse_address ("-ipcconnect", value, def, error);
}

/* Spawning: the config file only adds settings such as debug=; any problem
 * with it is the node's to report, in the window. */
static void
read_config_quietly (UmkGuiOptions *opts)
{
  g_autoptr (GError) error = NULL;
  if (!umk_args_check_datadir_option (opts->args)
      || !umk_args_read_config_files (opts->args, TRUE, &error))
    return;
  UmkChain chain;
  if (umk_args_get_chain (opts->args, &chain, &error))
    umk_args_select_chain (opts->args, chain);
}

UmkGuiOptions *
umk_gui_options_parse (int argc, const char *const *argv, GError **error)
{
  g_return_val_if_fail (argc >= 1 && argv != NULL, NULL);

  g_autoptr (UmkGuiOptions) opts = g_new0 (UmkGuiOptions, 1);
  opts->args = umk_args_new ();
  register_options (opts->args);

  g_autoptr (GPtrArray) gui_argv = g_ptr_array_new ();
  g_autoptr (GPtrArray) node_argv = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (gui_argv, (gpointer) argv[0]);
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      if (arg[0] != '-' || arg[1] == '\0')
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       _ ("Unexpected argument \"%s\": umkoin-gui takes options only"), arg);
          return NULL;
        }
      g_autofree char *name = option_name (opts->args, arg);
      if (strcmp (name, "ipcfd") == 0)
        {
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                               _ ("-ipcfd is not an option of umkoin-gui"));
          return NULL;
        }
      g_autofree char *dashed = g_strconcat ("-", name, NULL);
      gboolean known = umk_args_get_flags (opts->args, dashed, NULL);
      gboolean gui = in_list (name, gui_only, G_N_ELEMENTS (gui_only));
      gboolean node = in_list (name, node_only, G_N_ELEMENTS (node_only));
      if (known && !node)
        g_ptr_array_add (gui_argv, (gpointer) arg);
      if (!gui)
        g_ptr_array_add (node_argv, g_strdup (arg));
    }
  /* Last on the command line, so they win over anything before them: no
   * file, and not stdout (umk_gui_options_start_log() writes to stderr). */
  g_ptr_array_add (gui_argv, (gpointer) "-nodebuglogfile");
  g_ptr_array_add (gui_argv, (gpointer) "-printtoconsole=0");

  if (!umk_args_parse (opts->args, (int) gui_argv->len, (const char *const *) gui_argv->pdata,
                       error))
    return NULL;
  g_ptr_array_add (node_argv, NULL);
  opts->node_args = (char **) g_ptr_array_steal (node_argv, NULL);

  opts->help = umk_args_help_requested (opts->args);
  opts->version = umk_args_get_bool (opts->args, "-version", FALSE);
  if (opts->help || opts->version)
    return g_steal_pointer (&opts);

  if (umk_args_is_set (opts->args, "-ipcconnect")
      && !umk_args_is_negated (opts->args, "-ipcconnect"))
    {
      g_autofree char *value = umk_args_get (opts->args, "-ipcconnect", "");
      opts->connect_path = connect_path (opts, value, error);
      if (opts->connect_path == NULL)
        return NULL;
      /* What only a spawned node would have used. */
      g_autoptr (GStrvBuilder) ignored = g_strv_builder_new ();
      for (char **a = opts->node_args; *a; a++)
        {
          g_autofree char *name = option_name (opts->args, *a);
          g_autofree char *dashed = g_strconcat ("-", name, NULL);
          if (!umk_args_get_flags (opts->args, dashed, NULL))
            g_strv_builder_add (ignored, *a);
        }
      opts->ignored_options = g_strv_builder_end (ignored);
    }
  else
    read_config_quietly (opts);

  return g_steal_pointer (&opts);
}

void
umk_gui_options_free (UmkGuiOptions *opts)
{
  if (opts == NULL)
    return;
  g_clear_pointer (&opts->args, umk_args_free);
  g_strfreev (opts->node_args);
  g_free (opts->connect_path);
  g_strfreev (opts->ignored_options);
  g_free (opts);
}

static void
log_to_stderr (const char *line, G_GNUC_UNUSED gpointer user_data)
{
  fputs (line, stderr);
}

gboolean
umk_gui_options_start_log (const UmkGuiOptions *opts, GError **error)
{
  umk_log_shutdown ();
  if (!umk_log_configure (opts->args, NULL, FALSE, error))
    return FALSE;
  umk_log_add_callback (log_to_stderr, NULL);
  return umk_log_start (error);
}

char *
umk_gui_options_help (const UmkGuiOptions *opts)
{
  g_autofree char *options = umk_args_help_message (opts->args);
  return g_strdup_printf (
      _ ("%s version v%s\n"
         "\n"
         "umkoin-gui is the Umkoin desktop app. It starts umkoin-node and shows\n"
         "it in a window, or attaches to a running one with -ipcconnect.\n"
         "Every option it does not list here is passed on to umkoin-node (see\n"
         "umkoin-node -help).\n"
         "\n"
         "Usage: umkoin-gui [options]\n"
         "\n"
         "%s"),
      PACKAGE_NAME " GUI", PACKAGE_VERSION, options);
}
