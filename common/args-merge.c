/* args-merge.c — Core's merging of the setting sources, and the getters and setters. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include <string.h>

/* ---- Merging the sources (Core's common/settings.cpp) ------------------- */

typedef enum
{
  SRC_FORCED,
  SRC_COMMAND_LINE,
  SRC_RW_SETTINGS,
  SRC_CONFIG_NETWORK_SECTION,
  SRC_CONFIG_DEFAULT_SECTION,
} Source;

typedef struct
{
  Source source;
  JsonNode **data;
  guint size;
} Span;

static gboolean
span_last_negated (const Span *s)
{
  return s->size > 0 && umk_setting_is_false (s->data[s->size - 1]);
}

/* Position just after the last negation: values before it do not count. */
static guint
span_negated (const Span *s)
{
  for (guint i = s->size; i > 0; i--)
    if (umk_setting_is_false (s->data[i - 1]))
      return i;
  return 0;
}

static gboolean
span_empty (const Span *s)
{
  return s->size == 0 || span_last_negated (s);
}

guint
umk_setting_list_negated (GPtrArray *list)
{
  Span s = { SRC_FORCED, (JsonNode **) list->pdata, list->len };
  return span_negated (&s);
}

gboolean
umk_setting_list_empty (GPtrArray *list)
{
  Span s = { SRC_FORCED, (JsonNode **) list->pdata, list->len };
  return span_empty (&s);
}

/* Fills spans[] with the sources that have `name`, highest precedence first.
 * Returns: how many. */
static guint
merge_sources (UmkArgs *a, const char *section, const char *name, Span spans[5])
{
  guint n = 0;
  GPtrArray *list;
  if ((list = g_hash_table_lookup (a->forced, name)))
    spans[n++] = (Span){ SRC_FORCED, (JsonNode **) list->pdata, list->len };
  if ((list = g_hash_table_lookup (a->cmdline, name)))
    spans[n++] = (Span){ SRC_COMMAND_LINE, (JsonNode **) list->pdata, list->len };
  if ((list = g_hash_table_lookup (a->rw, name)))
    spans[n++] = (Span){ SRC_RW_SETTINGS, (JsonNode **) list->pdata, list->len };
  GHashTable *sec;
  if (section && section[0] && (sec = g_hash_table_lookup (a->ro, section))
      && (list = g_hash_table_lookup (sec, name)))
    spans[n++] = (Span){ SRC_CONFIG_NETWORK_SECTION, (JsonNode **) list->pdata, list->len };
  if ((sec = g_hash_table_lookup (a->ro, "")) && (list = g_hash_table_lookup (sec, name)))
    spans[n++] = (Span){ SRC_CONFIG_DEFAULT_SECTION, (JsonNode **) list->pdata, list->len };
  return n;
}

JsonNode *
umk_args_settings_get_locked (UmkArgs *a, const char *section, const char *name,
                              gboolean ignore_default_section_config, gboolean ignore_nonpersistent,
                              gboolean get_chain_type)
{
  Span spans[5];
  guint n = merge_sources (a, section, name, spans);
  for (guint i = 0; i < n; i++)
    {
      const Span *s = &spans[i];
      /* Kept from Core for compatibility: a negation in the top section
       * applies even to NETWORK_ONLY options whose values there are ignored. */
      gboolean never_ignore_negated = span_last_negated (s);
      /* Kept from Core: the config file takes its first value, not its last,
       * except for the chain flags. */
      gboolean is_config
          = s->source == SRC_CONFIG_NETWORK_SECTION || s->source == SRC_CONFIG_DEFAULT_SECTION;
      gboolean reverse_precedence = is_config && !get_chain_type;

      if (ignore_default_section_config && s->source == SRC_CONFIG_DEFAULT_SECTION
          && !never_ignore_negated)
        continue;
      if (ignore_nonpersistent && (s->source == SRC_COMMAND_LINE || s->source == SRC_FORCED))
        continue;
      /* Kept from Core: a negated -regtest/-testnet is silently skipped rather
       * than overriding the config file. */
      if (get_chain_type && span_last_negated (s))
        continue;

      if (!span_empty (s))
        return reverse_precedence ? s->data[span_negated (s)] : s->data[s->size - 1];
      if (span_last_negated (s))
        return s->data[s->size - 1]; /* false */
    }
  return NULL;
}

/* Core's common::GetSettingsList; appends borrowed values to out. */
static void
settings_get_list (UmkArgs *a, const char *section, const char *name,
                   gboolean ignore_default_section_config, GPtrArray *out)
{
  Span spans[5];
  guint n = merge_sources (a, section, name, spans);
  gboolean done = FALSE;
  gboolean prev_negated_empty = FALSE;
  for (guint i = 0; i < n; i++)
    {
      const Span *s = &spans[i];
      /* Kept from Core: config-file values come back "from the dead" after a
       * command-line negation that is followed by a non-negated value. */
      gboolean add_zombie_config_values
          = (s->source == SRC_CONFIG_NETWORK_SECTION || s->source == SRC_CONFIG_DEFAULT_SECTION)
            && !prev_negated_empty;

      if (ignore_default_section_config && s->source == SRC_CONFIG_DEFAULT_SECTION)
        continue;

      if (!done || add_zombie_config_values)
        for (guint j = span_negated (s); j < s->size; j++)
          {
            JsonNode *v = s->data[j];
            if (JSON_NODE_HOLDS_ARRAY (v))
              {
                JsonArray *items = json_node_get_array (v);
                for (guint k = 0; k < json_array_get_length (items); k++)
                  g_ptr_array_add (out, json_array_get_element (items, k));
              }
            else
              g_ptr_array_add (out, v);
          }

      done |= span_negated (s) > 0 || s->source == SRC_FORCED;
      prev_negated_empty |= span_last_negated (s) && out->len == 0;
    }
}

gboolean
umk_args_only_in_default_section_locked (UmkArgs *a, const char *section, const char *name)
{
  Span spans[5];
  guint n = merge_sources (a, section, name, spans);
  gboolean has_default = FALSE, has_other = FALSE;
  for (guint i = 0; i < n; i++)
    {
      if (span_empty (&spans[i]))
        continue;
      if (spans[i].source == SRC_CONFIG_DEFAULT_SECTION)
        has_default = TRUE;
      else
        has_other = TRUE;
    }
  return has_default && !has_other;
}

gboolean
umk_args_use_default_section_locked (UmkArgs *a, const char *name)
{
  return g_strcmp0 (a->network, "main") == 0 || !g_hash_table_contains (a->network_only, name);
}

/* ---- Getters and setters ------------------------------------------------ */

static JsonNode *
get_setting_locked (UmkArgs *a, const char *arg)
{
  const char *name = setting_name (arg);
  return umk_args_settings_get_locked (
      a, a->network, name, !umk_args_use_default_section_locked (a, name), FALSE, FALSE);
}

char *
umk_args_get_string_locked (UmkArgs *a, const char *arg)
{
  return umk_setting_to_string (get_setting_locked (a, arg));
}

gboolean
umk_args_get_bool_locked (UmkArgs *a, const char *arg, gboolean def)
{
  return umk_setting_to_bool (get_setting_locked (a, arg), def);
}

gboolean
umk_args_is_set_locked (UmkArgs *a, const char *arg)
{
  JsonNode *v = get_setting_locked (a, arg);
  return v != NULL && !JSON_NODE_HOLDS_NULL (v);
}

static gboolean
is_negated_locked (UmkArgs *a, const char *arg)
{
  return umk_setting_is_false (get_setting_locked (a, arg));
}

/* POSIX lexical normalisation as std::filesystem::lexically_normal, without the
 * trailing separator (Core's GetPathArg drops it): "." and empty components
 * go, "x/.." cancels, ".." above the root stays at the root. */
static char *
normalize_path (const char *path)
{
  gboolean absolute = path[0] == '/';
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  for (char **p = parts; *p; p++)
    {
      if (**p == '\0' || strcmp (*p, ".") == 0)
        continue;
      if (strcmp (*p, "..") == 0)
        {
          if (stack->len > 0 && strcmp (g_ptr_array_index (stack, stack->len - 1), "..") != 0)
            g_ptr_array_remove_index (stack, stack->len - 1);
          else if (!absolute)
            g_ptr_array_add (stack, *p);
          continue;
        }
      g_ptr_array_add (stack, *p);
    }
  GString *out = g_string_new (absolute ? "/" : "");
  for (guint i = 0; i < stack->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (stack, i));
    }
  if (out->len == 0)
    g_string_append_c (out, '.');
  return g_string_free (out, FALSE);
}

char *
umk_args_get_path_locked (UmkArgs *a, const char *arg, const char *def)
{
  if (is_negated_locked (a, arg))
    return g_strdup ("");
  g_autofree char *s = umk_args_get_string_locked (a, arg);
  if (s == NULL || s[0] == '\0')
    return g_strdup (def);
  return normalize_path (s);
}

char *
umk_args_get (const UmkArgs *args, const char *name, const char *def)
{
  g_return_val_if_fail (args != NULL && name != NULL, g_strdup (def));
  LOCK_ARGS (args);
  char *s = umk_args_get_string_locked (a, name);
  return s ? s : g_strdup (def);
}

gint64
umk_args_get_int (const UmkArgs *args, const char *name, gint64 def)
{
  g_return_val_if_fail (args != NULL && name != NULL, def);
  LOCK_ARGS (args);
  return umk_setting_to_int (get_setting_locked (a, name), def);
}

gboolean
umk_args_get_bool (const UmkArgs *args, const char *name, gboolean def)
{
  g_return_val_if_fail (args != NULL && name != NULL, def);
  LOCK_ARGS (args);
  return umk_args_get_bool_locked (a, name, def);
}

static char **
get_list_locked (UmkArgs *a, const char *arg)
{
  const char *name = setting_name (arg);
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  settings_get_list (a, a->network, name, !umk_args_use_default_section_locked (a, name), values);
  GPtrArray *out = g_ptr_array_new_null_terminated (values->len, g_free, TRUE);
  for (guint i = 0; i < values->len; i++)
    {
      char *s = umk_setting_to_string (g_ptr_array_index (values, i));
      if (s)
        g_ptr_array_add (out, s);
    }
  return (char **) g_ptr_array_free (out, FALSE);
}

char **
umk_args_get_list (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, NULL);
  LOCK_ARGS (args);
  return get_list_locked (a, name);
}

char *
umk_args_get_path (const UmkArgs *args, const char *name, const char *def)
{
  g_return_val_if_fail (args != NULL && name != NULL, g_strdup (def));
  LOCK_ARGS (args);
  return umk_args_get_path_locked (a, name, def);
}

gboolean
umk_args_has_test_option (const UmkArgs *args, const char *option)
{
  g_return_val_if_fail (args != NULL && option != NULL, FALSE);
  g_auto (GStrv) options = umk_args_get_list (args, "-test");
  return g_strv_contains ((const char *const *) options, option);
}

gboolean
umk_args_is_set (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_is_set_locked (a, name);
}

gboolean
umk_args_is_negated (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, FALSE);
  LOCK_ARGS (args);
  return is_negated_locked (a, name);
}

char *
umk_args_get_setting_json (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, NULL);
  LOCK_ARGS (args);
  return umk_setting_to_json (get_setting_locked (a, name));
}

static void
force_set_locked (UmkArgs *a, const char *arg, const char *value)
{
  GPtrArray *list = umk_setting_list_new ();
  g_ptr_array_add (list, umk_setting_new_string (value));
  g_hash_table_replace (a->forced, g_strdup (setting_name (arg)), list);
}

void
umk_args_force_set (UmkArgs *args, const char *name, const char *value)
{
  g_return_if_fail (args != NULL && name != NULL && value != NULL);
  LOCK_ARGS (args);
  force_set_locked (a, name, value);
}

gboolean
umk_args_soft_set (UmkArgs *args, const char *name, const char *value)
{
  g_return_val_if_fail (args != NULL && name != NULL && value != NULL, FALSE);
  LOCK_ARGS (args);
  if (umk_args_is_set_locked (a, name))
    return FALSE;
  force_set_locked (a, name, value);
  return TRUE;
}

gboolean
umk_args_soft_set_bool (UmkArgs *args, const char *name, gboolean value)
{
  return umk_args_soft_set (args, name, value ? "1" : "0");
}
