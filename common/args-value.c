/* args-value.c — setting values (JsonNode), and numbers and booleans the way
 * Core reads them. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include <string.h>

/* ---- Setting values ----------------------------------------------------- */

JsonNode *
umk_setting_new_string (const char *s)
{
  JsonNode *v = json_node_init_string (json_node_alloc (), s);
  json_node_seal (v);
  return v;
}

JsonNode *
umk_setting_new_bool (gboolean b)
{
  JsonNode *v = json_node_init_boolean (json_node_alloc (), b);
  json_node_seal (v);
  return v;
}

/* The GType of a JSON_NODE_VALUE: G_TYPE_BOOLEAN, G_TYPE_STRING, or
 * G_TYPE_INT64/G_TYPE_DOUBLE for numbers; G_TYPE_INVALID for unset, null,
 * arrays and objects. */
static GType
value_type (JsonNode *v)
{
  if (v == NULL || !JSON_NODE_HOLDS_VALUE (v))
    return G_TYPE_INVALID;
  return json_node_get_value_type (v);
}

gboolean
umk_setting_is_false (JsonNode *v)
{
  return value_type (v) == G_TYPE_BOOLEAN && !json_node_get_boolean (v);
}

char *
umk_setting_to_string (JsonNode *v)
{
  switch (value_type (v))
    {
    case G_TYPE_INVALID:
      return NULL;
    case G_TYPE_BOOLEAN:
      return g_strdup (json_node_get_boolean (v) ? "1" : "0");
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (v));
    default: /* a number: its JSON text (json-glib's: 1e3 reads 1000.0) */
      return json_to_string (v, FALSE);
    }
}

const char *
umk_setting_get_string (JsonNode *v)
{
  return value_type (v) == G_TYPE_STRING ? json_node_get_string (v) : NULL;
}

char *
umk_setting_to_json (JsonNode *v)
{
  if (v == NULL)
    return g_strdup ("null");
  return json_to_string (v, FALSE);
}

/* ---- Numbers and booleans, the way Core reads them ---------------------- */

/* Core's LocaleIndependentAtoi: trims whitespace, allows one leading '+' (not
 * "+-"), reads an optional '-' and digits, ignores what follows, gives 0 when
 * there are no digits and saturates at [min, max] on overflow. */
static gint64
atoi_saturating (const char *s, gint64 min, gint64 max)
{
  const char *ws = " \f\n\r\t\v";
  while (*s && strchr (ws, *s))
    s++;
  if (*s == '+')
    {
      if (s[1] == '-')
        return 0;
      s++;
    }
  gboolean neg = FALSE;
  if (*s == '-')
    {
      neg = TRUE;
      s++;
    }
  if (!g_ascii_isdigit (*s))
    return 0;
  guint64 limit = neg ? (guint64) (-(min + 1)) + 1 : (guint64) max;
  guint64 acc = 0;
  gboolean overflow = FALSE;
  for (; g_ascii_isdigit (*s); s++)
    {
      unsigned d = (unsigned) (*s - '0');
      if (overflow || acc > (limit - d) / 10)
        overflow = TRUE;
      else
        acc = acc * 10 + d;
    }
  if (overflow)
    return neg ? min : max;
  if (neg)
    return acc == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) acc;
  return (gint64) acc;
}

gboolean
umk_interpret_bool (const char *s)
{
  if (*s == '\0')
    return TRUE;
  return atoi_saturating (s, G_MININT32, G_MAXINT32) != 0;
}

gint64
umk_setting_to_int (JsonNode *v, gint64 def)
{
  g_autofree char *s = umk_setting_to_string (v);
  return s ? atoi_saturating (s, G_MININT64, G_MAXINT64) : def;
}

gboolean
umk_setting_to_bool (JsonNode *v, gboolean def)
{
  g_autofree char *s = umk_setting_to_string (v);
  return s ? umk_interpret_bool (s) : def;
}

/* ---- Lists and tables of values ----------------------------------------- */

GPtrArray *
umk_setting_list_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
}

GHashTable *
umk_setting_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
}

void
umk_setting_table_append (GHashTable *table, const char *name, JsonNode *v)
{
  GPtrArray *list = g_hash_table_lookup (table, name);
  if (list == NULL)
    {
      list = umk_setting_list_new ();
      g_hash_table_insert (table, g_strdup (name), list);
    }
  g_ptr_array_add (list, v);
}

static gint
compare_strings (gconstpointer x, gconstpointer y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
}

GPtrArray *
umk_args_sorted_keys (GHashTable *table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, table);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_strings);
  return keys;
}
