/* args-config.c — umkoin.conf, includeconf and what is said about them. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include "common/error.h"
#include "common/logging.h"

#include <string.h>

/* ---- Config files ------------------------------------------------------- */

#define CONF_TRIM " \t\r\n"

static void
trim_span (const char **s, gsize *len)
{
  while (*len > 0 && strchr (CONF_TRIM, (*s)[0]) && (*s)[0] != '\0')
    {
      (*s)++;
      (*len)--;
    }
  while (*len > 0 && strchr (CONF_TRIM, (*s)[*len - 1]) && (*s)[*len - 1] != '\0')
    (*len)--;
}

static void
add_section_info (UmkArgs *a, const char *name, gsize len, const char *file, int line)
{
  SectionInfo *s = g_new0 (SectionInfo, 1);
  s->name = g_strndup (name, len); /* cut at a NUL: only shown in warnings */
  s->file = g_strdup (file);
  s->line = line;
  g_ptr_array_add (a->config_sections, s);
}

typedef struct
{
  GString *name; /* may hold NULs, which no registered option has */
  char *value;   /* cut at the first NUL */
} ConfigOption;

static void
config_option_free (gpointer p)
{
  ConfigOption *o = p;
  g_string_free (o->name, TRUE);
  g_free (o->value);
  g_free (o);
}

/* Core's GetConfigOptions: splits the file into name=value options, with
 * "[section]" lines turning into "section." name prefixes. */
static gboolean
parse_config_lines (UmkArgs *a, const char *data, gsize len, const char *filepath,
                    GPtrArray *options, GError **error)
{
  g_autoptr (GString) prefix = g_string_new (NULL);
  int linenr = 1;
  gsize pos = 0;
  while (pos < len)
    {
      const char *line = data + pos;
      const char *nl = memchr (line, '\n', len - pos);
      gsize line_len = nl ? (gsize) (nl - line) : len - pos;
      pos += line_len + (nl ? 1 : 0);

      gboolean used_hash = FALSE;
      const char *hash = memchr (line, '#', line_len);
      if (hash)
        {
          line_len = hash - line;
          used_hash = TRUE;
        }
      trim_span (&line, &line_len);
      if (line_len > 0)
        {
          const char *eq;
          if (line[0] == '[' && line[line_len - 1] == ']')
            {
              add_section_info (a, line + 1, line_len - 2, filepath, linenr);
              g_string_assign (prefix, "");
              g_string_append_len (prefix, line + 1, line_len - 2);
              g_string_append_c (prefix, '.');
            }
          else if (line[0] == '-')
            {
              g_autofree char *shown = g_strndup (line, line_len);
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "parse error on line %i: %s, options in configuration file must be "
                           "specified without leading -",
                           linenr, shown);
              return FALSE;
            }
          else if ((eq = memchr (line, '=', line_len)))
            {
              const char *n = line;
              gsize n_len = eq - line;
              const char *v = eq + 1;
              gsize v_len = line + line_len - v;
              trim_span (&n, &n_len);
              trim_span (&v, &v_len);

              ConfigOption *opt = g_new0 (ConfigOption, 1);
              opt->name = g_string_new_len (prefix->str, prefix->len);
              g_string_append_len (opt->name, n, n_len);
              opt->value = g_strndup (v, v_len);
              if (used_hash && memmem (opt->name->str, opt->name->len, "rpcpassword", 11))
                {
                  config_option_free (opt);
                  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                               "parse error on line %i, using # in rpcpassword can be ambiguous "
                               "and should be avoided",
                               linenr);
                  return FALSE;
                }
              g_ptr_array_add (options, opt);
              /* "regtest.port=1" names a section too. */
              const char *dot = memrchr (opt->name->str, '.', opt->name->len);
              if (dot && prefix->len <= (gsize) (dot - opt->name->str))
                add_section_info (a, opt->name->str, dot - opt->name->str, filepath, linenr);
            }
          else
            {
              g_autofree char *shown = g_strndup (line, line_len);
              GString *msg = g_string_new (NULL);
              g_string_printf (msg, "parse error on line %i: %s", linenr, shown);
              if (line_len >= 2 && line[0] == 'n' && line[1] == 'o')
                g_string_append_printf (
                    msg, ", if you intended to specify a negated option, use %s=1 instead", shown);
              g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, msg->str);
              g_string_free (msg, TRUE);
              return FALSE;
            }
        }
      ++linenr;
    }
  return TRUE;
}

static gboolean
read_config_data_locked (UmkArgs *a, const char *data, gsize len, const char *filepath,
                         gboolean ignore_invalid_keys, GError **error)
{
  g_autoptr (GPtrArray) options = g_ptr_array_new_with_free_func (config_option_free);
  if (!parse_config_lines (a, data, len, filepath, options, error))
    return FALSE;

  for (guint i = 0; i < options->len; i++)
    {
      const ConfigOption *opt = g_ptr_array_index (options, i);
      gboolean has_nul = memchr (opt->name->str, '\0', opt->name->len) != NULL;
      KeyInfo k = umk_interpret_key (opt->name->str);
      g_autofree char *dashed = g_strconcat ("-", k.name, NULL);
      const ArgInfo *info = has_nul ? NULL : lookup_arg_locked (a, dashed);

      if (!has_nul && strcmp (k.name, "conf") == 0)
        {
          umk_key_info_clear (&k);
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                               "conf cannot be set in the configuration file; use includeconf= "
                               "if you want to include additional config files");
          return FALSE;
        }
      if (!has_nul && strcmp (k.name, "reindex") == 0)
        /* Allowed, but it makes every start rebuild the indexes. Core's text,
         * which its functional tests look for. */
        umk_log_warning ("reindex=1 is set in the configuration file, which will significantly "
                         "slow down startup. Consider removing or commenting out this option for "
                         "better performance, unless there is currently a condition which makes "
                         "rebuilding the indexes necessary");

      if (info)
        {
          JsonNode *v = umk_interpret_value (&k, opt->value, info->flags, error);
          if (v == NULL)
            {
              umk_key_info_clear (&k);
              return FALSE;
            }
          const char *section = k.section ? k.section : "";
          GHashTable *sec = g_hash_table_lookup (a->ro, section);
          if (sec == NULL)
            {
              sec = umk_setting_table_new ();
              g_hash_table_insert (a->ro, g_strdup (section), sec);
            }
          umk_setting_table_append (sec, k.name, v);
        }
      else if (ignore_invalid_keys)
        umk_log_warning ("Ignoring unknown configuration value %s", opt->name->str);
      else
        {
          umk_key_info_clear (&k);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid configuration value %s",
                       opt->name->str);
          return FALSE;
        }
      umk_key_info_clear (&k);
    }
  return TRUE;
}

gboolean
umk_args_read_config_data (UmkArgs *args, const char *data, gsize len, const char *filepath,
                           gboolean ignore_invalid_keys, GError **error)
{
  g_return_val_if_fail (args != NULL && (data != NULL || len == 0), FALSE);
  LOCK_ARGS (args);
  return read_config_data_locked (a, data ? data : "", len, filepath ? filepath : "",
                                  ignore_invalid_keys, error);
}

/* Appends the includeconf= values of one config section from index `skip`
 * (and after its last negation) to names.
 * Returns: how many values the section has, or -1 with error for a value that
 * is not a string (Core throws there). */
static int
add_includes (UmkArgs *a, const char *network, guint skip, GPtrArray *names, GError **error)
{
  GHashTable *sec = g_hash_table_lookup (a->ro, network);
  GPtrArray *values = sec ? g_hash_table_lookup (sec, "includeconf") : NULL;
  if (values == NULL)
    return 0;
  for (guint i = MAX (skip, umk_setting_list_negated (values)); i < values->len; i++)
    {
      JsonNode *v = g_ptr_array_index (values, i);
      const char *name = umk_setting_get_string (v);
      if (name == NULL)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "JSON value of type %s is not of expected type string",
                       JSON_NODE_HOLDS_NULL (v) ? "null" : "bool");
          return -1;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  return (int) values->len;
}

/* Reads a whole file; distinguishes "is a directory" from "cannot open". */
static gboolean
read_whole_file (const char *path, char **contents, gsize *len)
{
  return g_file_get_contents (path, contents, len, NULL);
}

gboolean
umk_args_read_config_files_locked (UmkArgs *a, gboolean ignore_invalid_keys, gboolean *raw_error,
                                   GError **error)
{
  *raw_error = FALSE;
  g_hash_table_remove_all (a->ro);
  g_ptr_array_set_size (a->config_sections, 0);
  g_ptr_array_set_size (a->console_warnings, 0);

  /* Core caches the datadir here, so included files are found relative to
   * the datadir from before this file was read, even if it sets datadir=. */
  g_autofree char *base = umk_args_get_datadir_locked (a, FALSE);
  g_autofree char *conf = umk_args_get_path_locked (a, "-conf", UMK_CONF_FILENAME);
  g_free (a->config_path);
  a->config_path = conf[0] ? umk_args_join_path (base, conf) : g_strdup ("");

  g_autofree char *contents = NULL;
  gsize len = 0;
  gboolean have_file = FALSE;
  if (a->config_path[0])
    {
      if (g_file_test (a->config_path, G_FILE_TEST_IS_DIR))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Config file \"%s\" is a directory.",
                       a->config_path);
          return FALSE;
        }
      have_file = read_whole_file (a->config_path, &contents, &len);
      /* A config file named explicitly must be readable. */
      if (!have_file && umk_args_is_set_locked (a, "-conf"))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                       "specified config file \"%s\" could not be opened.", a->config_path);
          return FALSE;
        }
    }

  if (have_file)
    {
      if (!read_config_data_locked (a, contents, len, a->config_path, ignore_invalid_keys, error))
        return FALSE;

      /* -noincludeconf on the command line turns includes off (ParseParameters
       * has refused anything else). */
      if (!g_hash_table_contains (a->cmdline, "includeconf"))
        {
          g_autofree char *chain_id = umk_args_get_chain_name_locked (a, error);
          if (chain_id == NULL)
            {
              *raw_error = TRUE;
              return FALSE;
            }
          g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
          /* The chain's section first; the chain is not selected yet. */
          int chain_includes = add_includes (a, chain_id, 0, names, error);
          int default_includes = chain_includes < 0 ? -1 : add_includes (a, "", 0, names, error);
          if (default_includes < 0)
            {
              *raw_error = TRUE;
              return FALSE;
            }

          for (guint i = 0; i < names->len; i++)
            {
              const char *name = g_ptr_array_index (names, i);
              if (base == NULL)
                base = umk_args_get_datadir_locked (a, FALSE);
              g_autofree char *path = name[0] ? umk_args_join_path (base, name) : g_strdup ("");
              if (g_file_test (path, G_FILE_TEST_IS_DIR))
                {
                  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                               "Included config file \"%s\" is a directory.", path);
                  return FALSE;
                }
              g_autofree char *inc = NULL;
              gsize inc_len = 0;
              if (!path[0] || !read_whole_file (path, &inc, &inc_len))
                {
                  g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                               "Failed to include configuration file %s", name);
                  return FALSE;
                }
              if (!read_config_data_locked (a, inc, inc_len, name, ignore_invalid_keys, error))
                return FALSE;
              umk_log_info ("Included configuration file %s", name);
            }

          /* includeconf= inside an included file is not followed. */
          g_ptr_array_set_size (names, 0);
          if (add_includes (a, chain_id, chain_includes, names, error) < 0
              || add_includes (a, "", default_includes, names, error) < 0)
            {
              *raw_error = TRUE;
              return FALSE;
            }
          g_autofree char *chain_id_final = umk_args_get_chain_name_locked (a, error);
          if (chain_id_final == NULL)
            {
              *raw_error = TRUE;
              return FALSE;
            }
          /* An included file may also have switched chains. */
          if (strcmp (chain_id_final, chain_id) != 0
              && add_includes (a, chain_id_final, 0, names, error) < 0)
            {
              *raw_error = TRUE;
              return FALSE;
            }
          for (guint i = 0; i < names->len; i++)
            g_ptr_array_add (a->console_warnings,
                             g_strdup_printf ("warning: -includeconf cannot be used from included "
                                              "files; ignoring -includeconf=%s",
                                              (char *) g_ptr_array_index (names, i)));
        }
    }

  /* The file may have changed datadir=. */
  if (!umk_args_check_datadir_option_locked (a))
    {
      g_autofree char *datadir = umk_args_get_string_locked (a, "-datadir");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "specified data directory \"%s\" does not exist.", datadir ? datadir : "");
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_args_read_config_files (UmkArgs *args, gboolean ignore_invalid_keys, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  gboolean raw_error;
  return umk_args_read_config_files_locked (a, ignore_invalid_keys, &raw_error, error);
}

char *
umk_args_get_config_path (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return g_strdup (a->config_path);
}

const char *const *
umk_args_get_console_warnings (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return (const char *const *) a->console_warnings->pdata;
}

char **
umk_args_get_unsuitable_section_only_args (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  GPtrArray *out = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  /* Nothing to say with no network selected, or on main (which uses the top
   * section). */
  if (a->network != NULL && a->network[0] != '\0' && strcmp (a->network, "main") != 0)
    {
      g_autoptr (GPtrArray) names = umk_args_sorted_keys (a->network_only);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = g_ptr_array_index (names, i);
          if (umk_args_only_in_default_section_locked (a, a->network, name))
            g_ptr_array_add (out, g_strconcat ("-", name, NULL));
        }
    }
  return (char **) g_ptr_array_free (out, FALSE);
}

gboolean
umk_args_check_section_only_args (const UmkArgs *args, GError **error)
{
  g_auto (GStrv) unsuitable = umk_args_get_unsuitable_section_only_args (args);
  if (unsuitable[0] == NULL)
    return TRUE;
  g_autofree char *net = NULL;
  {
    LOCK_ARGS (args);
    net = g_strdup (a->network);
  }
  GString *msg = g_string_new (NULL);
  for (char **p = unsuitable; *p; p++)
    {
      if (msg->len)
        g_string_append_c (msg, '\n');
      g_string_append_printf (
          msg, "Config setting for %s only applied on %s network when in [%s] section.", *p, net,
          net);
    }
  g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, msg->str);
  g_string_free (msg, TRUE);
  return FALSE;
}

char **
umk_args_get_unrecognized_section_warnings (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  GPtrArray *out = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  for (guint i = 0; i < a->config_sections->len; i++)
    {
      const SectionInfo *s = g_ptr_array_index (a->config_sections, i);
      if (umk_args_chain_lookup (s->name, NULL))
        continue;
      g_ptr_array_add (out, g_strdup_printf ("%s:%i Section [%s] is not recognized.", s->file,
                                             s->line, s->name));
    }
  return (char **) g_ptr_array_free (out, FALSE);
}

static void
log_args_prefix (UmkArgs *a, const char *prefix, const char *section, GHashTable *table)
{
  g_autofree char *section_str = section[0] ? g_strdup_printf ("[%s] ", section) : g_strdup ("");
  g_autoptr (GPtrArray) names = umk_args_sorted_keys (table);
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *dashed = g_strconcat ("-", name, NULL);
      const ArgInfo *info = lookup_arg_locked (a, dashed);
      if (info == NULL)
        continue;
      GPtrArray *values = g_hash_table_lookup (table, name);
      for (guint j = 0; j < values->len; j++)
        {
          g_autofree char *shown = (info->flags & UMK_ARG_SENSITIVE)
                                       ? g_strdup ("****")
                                       : umk_setting_to_json (g_ptr_array_index (values, j));
          umk_log_info ("%s %s%s=%s", prefix, section_str, name, shown);
        }
    }
}

void
umk_args_log (const UmkArgs *args)
{
  g_return_if_fail (args != NULL);
  LOCK_ARGS (args);
  g_autoptr (GPtrArray) sections = umk_args_sorted_keys (a->ro);
  for (guint i = 0; i < sections->len; i++)
    {
      const char *section = g_ptr_array_index (sections, i);
      log_args_prefix (a, "Config file arg:", section, g_hash_table_lookup (a->ro, section));
    }
  g_autoptr (GPtrArray) rw = umk_args_sorted_keys (a->rw);
  for (guint i = 0; i < rw->len; i++)
    {
      const char *name = g_ptr_array_index (rw, i);
      GPtrArray *list = g_hash_table_lookup (a->rw, name);
      g_autofree char *json = umk_setting_to_json (g_ptr_array_index (list, 0));
      umk_log_info ("Setting file arg: %s = %s", name, json);
    }
  log_args_prefix (a, "Command-line arg:", "", a->cmdline);
}
