/* args.c — UmkArgs itself and the option registry. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include <string.h>

/* ---- UmkArgs ------------------------------------------------------------- */

static void
arg_info_free (gpointer p)
{
  ArgInfo *a = p;
  g_free (a->name);
  g_free (a->help_param);
  g_free (a->help);
  g_free (a);
}

static void
section_info_free (gpointer p)
{
  SectionInfo *s = p;
  g_free (s->name);
  g_free (s->file);
  g_free (s);
}

UmkArgs *
umk_args_new (void)
{
  UmkArgs *a = g_new0 (UmkArgs, 1);
  g_rec_mutex_init (&a->lock);
  for (int i = 0; i < UMK_OPTIONS_N_CATEGORIES; i++)
    a->available[i] = g_ptr_array_new_with_free_func (arg_info_free);
  a->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  a->network_only = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  a->accept_any_command = TRUE;
  a->forced = umk_setting_table_new ();
  a->cmdline = umk_setting_table_new ();
  a->rw = umk_setting_table_new ();
  a->ro = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) g_hash_table_unref);
  a->command = g_ptr_array_new_with_free_func (g_free);
  a->config_sections = g_ptr_array_new_with_free_func (section_info_free);
  a->console_warnings = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  return a;
}

void
umk_args_free (UmkArgs *a)
{
  if (a == NULL)
    return;
  for (int i = 0; i < UMK_OPTIONS_N_CATEGORIES; i++)
    g_ptr_array_unref (a->available[i]);
  g_hash_table_unref (a->by_name);
  g_hash_table_unref (a->network_only);
  g_hash_table_unref (a->forced);
  g_hash_table_unref (a->cmdline);
  g_hash_table_unref (a->rw);
  g_hash_table_unref (a->ro);
  g_ptr_array_unref (a->command);
  g_free (a->network);
  g_ptr_array_unref (a->config_sections);
  g_free (a->config_path);
  g_ptr_array_unref (a->console_warnings);
  g_rec_mutex_clear (&a->lock);
  g_free (a);
}

/* ---- The registry ------------------------------------------------------- */

static void
add_arg_locked (UmkArgs *a, const char *name_with_syntax, const char *help, unsigned flags,
                UmkOptionsCategory category)
{
  const char *eq = strchr (name_with_syntax, '=');
  size_t name_len = eq ? (size_t) (eq - name_with_syntax) : strlen (name_with_syntax);

  ArgInfo *info = g_new0 (ArgInfo, 1);
  info->name = g_strndup (name_with_syntax, name_len);
  info->help_param = g_strdup (name_with_syntax + name_len);
  info->help = g_strdup (help ? help : "");
  info->flags = flags;
  info->category = category;

  GPtrArray *list = a->available[category];
  for (guint i = 0; i < list->len; i++)
    if (strcmp (((ArgInfo *) g_ptr_array_index (list, i))->name, info->name) == 0)
      {
        g_critical ("option %s registered twice", info->name);
        arg_info_free (info);
        return;
      }
  g_ptr_array_add (list, info);
  a->category_used[category] = TRUE;

  /* Core looks flags up category by category, so the lowest category wins. */
  ArgInfo *old = g_hash_table_lookup (a->by_name, info->name);
  if (old == NULL || old->category > category)
    g_hash_table_insert (a->by_name, info->name, info);

  if (flags & UMK_ARG_NETWORK_ONLY)
    g_hash_table_add (a->network_only, g_strdup (setting_name (info->name)));
}

void
umk_args_add (UmkArgs *args, const char *name_with_syntax, unsigned flags, const char *help,
              UmkOptionsCategory category)
{
  g_return_if_fail (args != NULL && name_with_syntax != NULL);
  g_return_if_fail ((unsigned) category < UMK_OPTIONS_N_CATEGORIES);
  g_return_if_fail ((flags & UMK_ARG_COMMAND) == 0);
  LOCK_ARGS (args);
  add_arg_locked (a, name_with_syntax, help, flags, category);
}

void
umk_args_add_command (UmkArgs *args, const char *command, const char *help)
{
  g_return_if_fail (args != NULL && command != NULL);
  g_return_if_fail (strchr (command, '=') == NULL && command[0] != '-' && command[0] != '\0');
  LOCK_ARGS (args);
  a->accept_any_command = FALSE;
  add_arg_locked (a, command, help, UMK_ARG_COMMAND, UMK_OPTIONS_COMMANDS);
}

void
umk_args_add_hidden (UmkArgs *args, const char *const *names)
{
  g_return_if_fail (args != NULL && names != NULL);
  for (; *names; names++)
    umk_args_add (args, *names, UMK_ARG_ALLOW_ANY, "", UMK_OPTIONS_HIDDEN);
}

void
umk_args_add_help_options (UmkArgs *args)
{
  static const char *const hidden[] = { "-h", "-?", NULL };
  umk_args_add (args, "-help", UMK_ARG_ALLOW_ANY,
                "Print this help message and exit (also -h or -?)", UMK_OPTIONS_OPTIONS);
  umk_args_add_hidden (args, hidden);
}

void
umk_args_add_chain_options (UmkArgs *args)
{
  umk_args_add (args, "-chain=<chain>", UMK_ARG_ALLOW_ANY,
                "Run on the chain <chain> (default: main). One of: main, test, testnet4, "
                "signet, regtest",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-regtest", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Run on the regression test chain, a private chain where blocks can be made "
                "at once. Meant for testing and application development. Same as "
                "-chain=regtest.",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-testactivationheight=name@height.", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Activate the soft fork 'name' (segwit, bip34, dersig, cltv, csv) at the given "
                "height. Regtest only.",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-testnet", UMK_ARG_ALLOW_ANY,
                "Run on the testnet3 chain. Same as -chain=test. Testnet3 is deprecated and "
                "will go away; use -testnet4 instead.",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-testnet4", UMK_ARG_ALLOW_ANY,
                "Run on the testnet4 chain. Same as -chain=testnet4.", UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-vbparams=deployment:start:end[:min_activation_height]",
                UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Override the start time, end time and minimum activation height of a "
                "version bits deployment. Regtest only.",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-signet", UMK_ARG_ALLOW_ANY,
                "Run on a signet chain. Same as -chain=signet. Which signet is set by "
                "-signetchallenge.",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-signetchallenge", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION,
                "The script every signet block must satisfy (signet only; default: the "
                "challenge of the public signet)",
                UMK_OPTIONS_CHAINPARAMS);
  umk_args_add (args, "-signetseednode", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION,
                "A seed node for the signet, as host[:port], e.g. sig.net:1234. May be given "
                "several times (signet only; default: the public signet's seed nodes)",
                UMK_OPTIONS_CHAINPARAMS);
}

void
umk_args_add_common_options (UmkArgs *args, unsigned which)
{
  if (which & UMK_COMMON_HELP_DEBUG)
    umk_args_add (args, "-help-debug", UMK_ARG_ALLOW_ANY,
                  "Print the help message including debugging options and exit",
                  UMK_OPTIONS_DEBUG_TEST);
  if (which & UMK_COMMON_VERSION)
    umk_args_add (args, "-version", UMK_ARG_ALLOW_ANY, "Print the version and exit",
                  UMK_OPTIONS_OPTIONS);
  if (which & UMK_COMMON_DATADIR)
    umk_args_add (args, "-datadir=<dir>", UMK_ARG_ALLOW_ANY | UMK_ARG_DISALLOW_NEGATION,
                  "Use <dir> as the data directory", UMK_OPTIONS_OPTIONS);
  if (which & UMK_COMMON_CONF)
    {
      umk_args_add (
          args, "-conf=<file>", UMK_ARG_ALLOW_ANY,
          "Read options from the read-only configuration file <file>, relative to "
          "the data directory unless absolute. Command line only. (default: " UMK_CONF_FILENAME ")",
          UMK_OPTIONS_OPTIONS);
      umk_args_add (args, "-includeconf=<file>", UMK_ARG_ALLOW_ANY,
                    "Read options from another configuration file too, relative to the data "
                    "directory unless absolute. Configuration file only.",
                    UMK_OPTIONS_OPTIONS);
      umk_args_add (args, "-allowignoredconf", UMK_ARG_ALLOW_ANY,
                    "Only warn, instead of failing, when a " UMK_CONF_FILENAME
                    " file in the data directory is not the one in use.",
                    UMK_OPTIONS_OPTIONS);
    }
  if (which & UMK_COMMON_SETTINGS)
    umk_args_add (args, "-settings=<file>", UMK_ARG_ALLOW_ANY,
                  "Keep settings changed at run time in <file>, relative to the data "
                  "directory unless absolute; -nosettings disables it. Written by the "
                  "program, not meant for editing (put your options in " UMK_CONF_FILENAME
                  "). (default: " UMK_SETTINGS_FILENAME ")",
                  UMK_OPTIONS_OPTIONS);
}

gboolean
umk_args_get_flags (const UmkArgs *args, const char *name, unsigned *flags)
{
  g_return_val_if_fail (args != NULL && name != NULL, FALSE);
  LOCK_ARGS (args);
  const ArgInfo *info = lookup_arg_locked (a, name);
  if (info && flags)
    *flags = info->flags;
  return info != NULL;
}

static gint
compare_arg_info (gconstpointer x, gconstpointer y)
{
  const ArgInfo *a = *(ArgInfo *const *) x;
  const ArgInfo *b = *(ArgInfo *const *) y;
  return strcmp (a->name, b->name);
}

GPtrArray *
umk_args_sorted_category_locked (UmkArgs *a, UmkOptionsCategory cat)
{
  GPtrArray *src = a->available[cat];
  GPtrArray *copy = g_ptr_array_sized_new (src->len); /* borrows: no free function */
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (src, i));
  g_ptr_array_sort (copy, compare_arg_info);
  return copy;
}
