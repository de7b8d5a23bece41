/* args-init.c — the start-up sequence (Core's InitConfig). */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include "common/error.h"
#include "common/logging.h"

#include <glib/gstdio.h>

#include <sys/stat.h>

/* ---- Start-up ----------------------------------------------------------- */

/* std::quoted as fs::quoted prints a path: in double quotes, with '"' and '\'
 * escaped by a backslash. */
static char *
quoted (const char *s)
{
  GString *out = g_string_new ("\"");
  for (; *s; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

static gboolean
same_file (const char *x, const char *y)
{
  struct stat sx, sy;
  if (g_stat (x, &sx) != 0 || g_stat (y, &sy) != 0)
    return FALSE;
  return sx.st_dev == sy.st_dev && sx.st_ino == sy.st_ino;
}

static gboolean
set_error_from_list (GError **error, int code, const char *message, GPtrArray *details)
{
  GString *msg = g_string_new (message);
  if (details->len)
    g_string_append_c (msg, ':');
  for (guint i = 0; i < details->len; i++)
    g_string_append_printf (msg, "\n- %s", (char *) g_ptr_array_index (details, i));
  g_set_error_literal (error, UMK_ERROR, code, msg->str);
  g_string_free (msg, TRUE);
  return FALSE;
}

gboolean
umk_args_init_config (UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);

  if (!umk_args_check_datadir_option_locked (a))
    {
      g_autofree char *datadir = umk_args_get_string_locked (a, "-datadir");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Specified data directory \"%s\" does not exist.", datadir ? datadir : "");
      return FALSE;
    }

  /* Remember where the config came from before the file can move datadir=. */
  g_autofree char *orig_datadir = umk_args_get_datadir_locked (a, FALSE);
  g_autofree char *orig_conf_arg = umk_args_get_path_locked (a, "-conf", UMK_CONF_FILENAME);
  g_autofree char *orig_config_path
      = orig_conf_arg[0] ? umk_args_join_path (orig_datadir, orig_conf_arg) : g_strdup ("");

  g_autoptr (GError) local = NULL;
  gboolean raw_error = FALSE;
  if (!umk_args_read_config_files_locked (a, TRUE, &raw_error, &local))
    {
      if (raw_error)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, UMK_ERROR, local->code, "Error reading configuration file: %s",
                     local->message);
      return FALSE;
    }

  UmkChain chain;
  {
    g_autofree char *name = umk_args_get_chain_name_locked (a, error);
    if (name == NULL)
      return FALSE;
    if (!umk_args_chain_lookup (name, &chain))
      {
        g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Unknown chain %s.", name);
        return FALSE;
      }
  }
  g_free (a->network);
  a->network = g_strdup (umk_chain_name (chain));

  if (!umk_args_ensure_datadirs (a, error))
    return FALSE;

  /* A umkoin.conf in the datadir that is not the file in use is most likely a
   * mistake; refuse it unless -allowignoredconf. */
  g_autofree char *base = umk_args_get_datadir_locked (a, FALSE);
  g_autofree char *base_config = g_build_filename (base, UMK_CONF_FILENAME, NULL);
  if (g_file_test (base_config, G_FILE_TEST_EXISTS))
    {
      g_autofree char *q_base = quoted (base);
      g_autofree char *q_name = quoted (UMK_CONF_FILENAME);
      if (orig_config_path[0] == '\0')
        umk_log_info ("Data directory %s contains a %s file which is explicitly ignored using "
                      "-noconf.",
                      q_base, q_name);
      else if (!same_file (orig_config_path, base_config))
        {
          g_autofree char *cli_conf = umk_args_get_string_locked (a, "-conf");
          g_autofree char *q_orig_config = quoted (orig_config_path);
          g_autofree char *source = NULL;
          if (cli_conf == NULL || cli_conf[0] == '\0')
            {
              g_autofree char *q = quoted (orig_datadir ? orig_datadir : "");
              source = g_strdup_printf ("data directory %s", q);
            }
          else
            {
              g_autofree char *arg = g_strconcat ("-conf=", cli_conf, NULL);
              g_autofree char *q = quoted (arg);
              source = g_strdup_printf ("command line argument %s", q);
            }
          g_autofree char *msg = g_strdup_printf (
              "Data directory %s contains a %s file which is ignored, because a different "
              "configuration file %s from %s is being used instead. Possible ways to address this "
              "would be to:\n"
              "- Delete or rename the %s file in data directory %s.\n"
              "- Change datadir= or conf= options to specify one configuration file, not two, and "
              "use includeconf= to include any other configuration files.",
              q_base, q_name, q_orig_config, source, q_name, q_base);
          if (umk_args_get_bool_locked (a, "-allowignoredconf", FALSE))
            umk_log_warning ("%s", msg);
          else
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "%s\n- Set allowignoredconf=1 option to treat this condition as a "
                           "warning, not an error.",
                           msg);
              return FALSE;
            }
        }
    }

  /* settings.json: read it, then write it back (creating it), unless -nosettings. */
  if (umk_args_get_settings_path_locked (a, FALSE, FALSE, NULL))
    {
      g_autoptr (GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
      g_clear_error (&local);
      if (!umk_args_read_settings_file_locked (a, &local))
        {
          /* One detail per error, as Core lists them. */
          g_auto (GStrv) errors = g_strsplit (local->message, "\n", -1);
          for (char **e = errors; *e; e++)
            g_ptr_array_add (details, g_strdup (*e));
          return set_error_from_list (error, UMK_ERROR_INVALID, "Settings file could not be read",
                                      details);
        }
      g_clear_error (&local);
      if (!umk_args_write_settings_file_locked (a, FALSE, &local))
        {
          g_ptr_array_add (details, g_strdup (local->message));
          return set_error_from_list (error, UMK_ERROR_FAILED, "Settings file could not be written",
                                      details);
        }
    }
  return TRUE;
}
