/* args-parse.c — keys and values as written by the user, and the command line. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include "common/error.h"
#include "common/logging.h"

#include <string.h>

/* ---- Keys and values as written by the user ----------------------------- */

void
umk_key_info_clear (KeyInfo *k)
{
  g_clear_pointer (&k->section, g_free);
  g_clear_pointer (&k->name, g_free);
}

KeyInfo
umk_interpret_key (const char *key)
{
  KeyInfo k = { NULL, NULL, FALSE };
  const char *dot = strchr (key, '.');
  if (dot)
    {
      k.section = g_strndup (key, dot - key);
      key = dot + 1;
    }
  if (g_str_has_prefix (key, "no"))
    {
      key += 2;
      k.negated = TRUE;
    }
  k.name = g_strdup (key);
  return k;
}

JsonNode *
umk_interpret_value (const KeyInfo *k, const char *value, unsigned flags, GError **error)
{
  if (k->negated)
    {
      if (flags & UMK_ARG_DISALLOW_NEGATION)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Negating of -%s is meaningless and therefore forbidden", k->name);
          return NULL;
        }
      /* Double negatives like -nofoo=0 are supported (but discouraged). */
      if (value && !umk_interpret_bool (value))
        {
          umk_log_warning ("Parsed potentially confusing double-negative -%s=%s", k->name, value);
          return umk_setting_new_bool (TRUE);
        }
      return umk_setting_new_bool (FALSE);
    }
  if (value == NULL && (flags & UMK_ARG_DISALLOW_ELISION))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Can not set -%s with no value. Please specify value with -%s=value.", k->name,
                   k->name);
      return NULL;
    }
  return umk_setting_new_string (value ? value : "");
}

/* ---- Command line ------------------------------------------------------- */

gboolean
umk_args_parse (UmkArgs *args, int argc, const char *const *argv, GError **error)
{
  g_return_val_if_fail (args != NULL && (argc == 0 || argv != NULL), FALSE);
  LOCK_ARGS (args);
  g_hash_table_remove_all (a->cmdline);
  g_ptr_array_set_size (a->command, 0);

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      if (strcmp (arg, "-") == 0)
        break; /* umkoin-tx reads stdin */

      const char *eq = strchr (arg, '=');
      g_autofree char *key = eq ? g_strndup (arg, eq - arg) : g_strdup (arg);
      const char *val = eq ? eq + 1 : NULL;

      if (key[0] != '-')
        {
          if (!a->accept_any_command && a->command->len == 0)
            {
              /* The first non-dash argument must be a registered command. */
              const ArgInfo *info = lookup_arg_locked (a, key);
              if (info == NULL || !(info->flags & UMK_ARG_COMMAND))
                {
                  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid command '%s'", arg);
                  return FALSE;
                }
            }
          g_ptr_array_add (a->command, g_steal_pointer (&key));
          while (++i < argc)
            g_ptr_array_add (a->command, g_strdup (argv[i]));
          break;
        }

      /* "--foo" is "-foo"; then drop the dash. */
      const char *k = key;
      if (k[1] == '-')
        k++;
      k++;

      KeyInfo ki = umk_interpret_key (k);
      g_autofree char *dashed = g_strconcat ("-", ki.name, NULL);
      const ArgInfo *info = lookup_arg_locked (a, dashed);
      /* Unknown options, and options with a "section." prefix, are invalid on
       * the command line. */
      if (info == NULL || (ki.section && ki.section[0]))
        {
          umk_key_info_clear (&ki);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid parameter %s", arg);
          return FALSE;
        }
      JsonNode *v = umk_interpret_value (&ki, val, info->flags, error);
      if (v == NULL)
        {
          umk_key_info_clear (&ki);
          return FALSE;
        }
      umk_setting_table_append (a->cmdline, ki.name, v);
      umk_key_info_clear (&ki);
    }

  /* -includeconf only makes sense in config files; -noincludeconf is fine. */
  GPtrArray *includes = g_hash_table_lookup (a->cmdline, "includeconf");
  if (includes && !umk_setting_list_empty (includes))
    {
      g_autofree char *first
          = umk_setting_to_json (g_ptr_array_index (includes, umk_setting_list_negated (includes)));
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "-includeconf cannot be used from commandline; -includeconf=%s", first);
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_args_get_command (const UmkArgs *args, char **command, char ***command_args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  if (command)
    *command = NULL;
  if (command_args)
    *command_args = NULL;
  if (a->command->len == 0)
    return FALSE;
  guint first = a->accept_any_command ? 0 : 1;
  if (command)
    *command = g_strdup (first ? g_ptr_array_index (a->command, 0) : "");
  if (command_args)
    {
      GPtrArray *rest = g_ptr_array_new_null_terminated (a->command->len, g_free, TRUE);
      for (guint i = first; i < a->command->len; i++)
        g_ptr_array_add (rest, g_strdup (g_ptr_array_index (a->command, i)));
      *command_args = (char **) g_ptr_array_free (rest, FALSE);
    }
  return TRUE;
}

gboolean
umk_args_check_multiple_cli_commands (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  g_autoptr (GPtrArray) cmds = umk_args_sorted_category_locked (a, UMK_OPTIONS_CLI_COMMANDS);
  g_autoptr (GPtrArray) found = g_ptr_array_new_null_terminated (0, NULL, TRUE);
  for (guint i = 0; i < cmds->len; i++)
    {
      const ArgInfo *info = g_ptr_array_index (cmds, i);
      if (umk_args_is_set_locked (a, info->name))
        g_ptr_array_add (found, info->name);
    }
  if (found->len > 1)
    {
      g_autofree char *joined = g_strjoinv (", ", (char **) found->pdata);
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Only one of %s may be specified.", joined);
      return FALSE;
    }
  return TRUE;
}
