/* args-settings.c — settings.json and the read-write settings. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include "common/error.h"
#include "common/json.h"
#include "common/logging.h"

#include <glib/gstdio.h>

#include <stdio.h>
#include <string.h>

/* ---- settings.json ------------------------------------------------------ */

#define SETTINGS_WARN_MSG_KEY "_warning_"

gboolean
umk_args_get_settings_path_locked (UmkArgs *a, gboolean temp, gboolean backup, char **path)
{
  g_autofree char *settings = umk_args_get_path_locked (a, "-settings", UMK_SETTINGS_FILENAME);
  if (settings[0] == '\0')
    return FALSE;
  if (path)
    {
      g_autofree char *file
          = g_strconcat (settings, backup ? ".bak" : "", temp ? ".tmp" : "", NULL);
      g_autofree char *net = umk_args_get_datadir_locked (a, TRUE);
      *path = umk_args_join_path (net, file);
    }
  return TRUE;
}

gboolean
umk_args_get_settings_path (const UmkArgs *args, gboolean temp, gboolean backup, char **path)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_get_settings_path_locked (a, temp, backup, path);
}

/* Core's common::ReadSettings; errors are collected into `errors`. */
static gboolean
read_settings (const char *path, GHashTable *values, GPtrArray *errors)
{
  g_hash_table_remove_all (values);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, NULL))
    {
      g_ptr_array_add (errors, g_strdup_printf ("%s. Please check permissions.", path));
      return FALSE;
    }
  g_autofree char *duplicate = NULL;
  g_autoptr (JsonNode) in = umk_json_parse (contents, len, &duplicate);
  if (in == NULL)
    {
      g_ptr_array_add (errors,
                       g_strdup_printf ("Settings file %s does not contain valid JSON. This is "
                                        "probably caused by disk corruption or a crash, and can "
                                        "be fixed by removing the file, which will reset settings "
                                        "to default values.",
                                        path));
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (in))
    {
      g_autofree char *json = umk_setting_to_json (in);
      g_ptr_array_add (
          errors, g_strdup_printf ("Found non-object value %s in settings file %s", json, path));
      return FALSE;
    }
  if (duplicate)
    {
      g_ptr_array_add (
          errors, g_strdup_printf ("Found duplicate key %s in settings file %s", duplicate, path));
      return FALSE;
    }
  JsonObject *object = json_node_get_object (in);
  g_autoptr (GList) keys = json_object_get_members (object);
  for (GList *l = keys; l; l = l->next)
    {
      GPtrArray *list = umk_setting_list_new ();
      g_ptr_array_add (list, json_node_ref (json_object_get_member (object, l->data)));
      g_hash_table_insert (values, g_strdup (l->data), list);
    }
  g_hash_table_remove (values, SETTINGS_WARN_MSG_KEY);
  return TRUE;
}

/* Returns: the read-write settings as Core writes settings.json: an object
 * with the warning first, then the settings sorted, indented by 4. */
static char *
settings_to_json (GHashTable *rw)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, SETTINGS_WARN_MSG_KEY);
  json_builder_add_string_value (builder, "This file is written and updated by " PACKAGE_NAME
                                          " at run time. Do not edit it while the node is "
                                          "running: your changes could be ignored or lost.");
  g_autoptr (GPtrArray) keys = umk_args_sorted_keys (rw);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      GPtrArray *list = g_hash_table_lookup (rw, key);
      json_builder_set_member_name (builder, key);
      json_builder_add_value (builder, json_node_copy (g_ptr_array_index (list, 0)));
    }
  json_builder_end_object (builder);

  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = umk_json_to_pretty (root, 4);
  return g_strconcat (text, "\n", NULL);
}

gboolean
umk_args_read_settings_file_locked (UmkArgs *a, GError **error)
{
  g_autofree char *path = NULL;
  if (!umk_args_get_settings_path_locked (a, FALSE, FALSE, &path))
    return TRUE; /* -nosettings */
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  if (!read_settings (path, a->rw, errors))
    {
      GString *msg = g_string_new (NULL);
      for (guint i = 0; i < errors->len; i++)
        g_string_append_printf (msg, "%s%s", i ? "\n" : "", (char *) g_ptr_array_index (errors, i));
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, msg->str);
      g_string_free (msg, TRUE);
      return FALSE;
    }
  g_autoptr (GPtrArray) keys = umk_args_sorted_keys (a->rw);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      KeyInfo k = umk_interpret_key (key);
      g_autofree char *dashed = g_strconcat ("-", k.name, NULL);
      if (lookup_arg_locked (a, dashed) == NULL)
        umk_log_warning ("Ignoring unknown rw_settings value %s", key);
      umk_key_info_clear (&k);
    }
  return TRUE;
}

gboolean
umk_args_read_settings_file (UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_read_settings_file_locked (a, error);
}

gboolean
umk_args_write_settings_file_locked (UmkArgs *a, gboolean backup, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *tmp = NULL;
  if (!umk_args_get_settings_path_locked (a, FALSE, backup, &path)
      || !umk_args_get_settings_path_locked (a, TRUE, backup, &tmp))
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Attempt to write settings file when dynamic settings are disabled.");
      return FALSE;
    }

  g_autofree char *text = settings_to_json (a->rw);
  size_t text_len = strlen (text);
  FILE *f = fopen (tmp, "w");
  gboolean ok = f != NULL && fwrite (text, 1, text_len, f) == text_len;
  if (f != NULL && fclose (f) != 0)
    ok = FALSE;
  if (!ok)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Error: Unable to open settings file %s for writing", tmp);
      return FALSE;
    }
  if (g_rename (tmp, path) != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Failed renaming settings file %s to %s",
                   tmp, path);
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_args_write_settings_file (UmkArgs *args, gboolean backup, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_write_settings_file_locked (a, backup, error);
}

char *
umk_args_get_rw_setting_json (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, NULL);
  LOCK_ARGS (args);
  GPtrArray *list = g_hash_table_lookup (a->rw, setting_name (name));
  return list ? umk_setting_to_json (g_ptr_array_index (list, 0)) : NULL;
}

gboolean
umk_args_set_rw_setting_json (UmkArgs *args, const char *name, const char *json, GError **error)
{
  g_return_val_if_fail (args != NULL && name != NULL && json != NULL, FALSE);
  JsonNode *v = umk_json_parse (json, strlen (json), NULL);
  if (v == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid JSON value for setting %s", name);
      return FALSE;
    }
  LOCK_ARGS (args);
  GPtrArray *list = umk_setting_list_new ();
  g_ptr_array_add (list, v);
  g_hash_table_replace (a->rw, g_strdup (setting_name (name)), list);
  return TRUE;
}

void
umk_args_remove_rw_setting (UmkArgs *args, const char *name)
{
  g_return_if_fail (args != NULL && name != NULL);
  LOCK_ARGS (args);
  g_hash_table_remove (a->rw, setting_name (name));
}

char *
umk_args_get_persistent_setting_json (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, NULL);
  LOCK_ARGS (args);
  const char *n = setting_name (name);
  return umk_setting_to_json (umk_args_settings_get_locked (
      a, a->network, n, !umk_args_use_default_section_locked (a, n), TRUE, FALSE));
}
