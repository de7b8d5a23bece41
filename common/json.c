#define G_LOG_DOMAIN "umk-json"
#include "config.h"

#include "common/json.h"

#include <math.h>
#include <string.h>

/*  * json-glib 1.6 (Debian 12) reads more than RFC 8259 and has no strict mode
 * (json_parser_set_strict() came with 1.10): it takes comments, 'single
 * quotes', hex and octal numbers ("01"), "1.", raw control characters in
 * strings and a second value after an array or object; it cuts a string at
 * \u0000, wraps integers past 64 bits and recurses without limit. UniValue
 * refuses all of that, so JsonParser only gets text made of RFC 8259 tokens,
 * with one top-level value nested at most UMK_JSON_MAX_DEPTH deep; the grammar
 * between the tokens is JsonParser's. */

/* One token at the start of the rest of the text. Groups: 1 whitespace,
 * 2 '[' or '{', 3 ']' or '}', 4 ':' or ',', 5 a number, 6 a string or a
 * literal. A string has no raw control character but U+001F, which json-glib
 * 1.6 writes unescaped, and no \u0000. */
#define JSON_TOKEN_RE                                                        \
  "([ \\t\\n\\r]++)|([[{])|([]}])|([:,])"                                    \
  "|(-?+(?:0|[1-9][0-9]*+)(?:\\.[0-9]++)?+(?:[eE][+-]?+[0-9]++)?+)(?![0-9])" \
  "|(\"(?:[^\"\\\\\\x00-\\x1e]++|\\\\[\"\\\\/bfnrt]"                         \
  "|\\\\u(?!0000)[[:xdigit:]]{4})*+\"|true|false|null)"

enum
{
  TOKEN_SPACE = 1,
  TOKEN_OPEN,
  TOKEN_CLOSE,
  TOKEN_SEPARATOR,
  TOKEN_NUMBER,
  TOKEN_SCALAR,
};

/* Returns: FALSE when a number is out of what JsonParser holds exactly:
 * integers beyond 64 bits, and doubles that overflow. */
static gboolean
json_number_fits (const char *number)
{
  if (strpbrk (number, ".eE") == NULL)
    return g_ascii_string_to_signed (number, 10, G_MININT64, G_MAXINT64, NULL, NULL);
  return isfinite (g_ascii_strtod (number, NULL));
}

static GRegex *token_re;  /* JSON_TOKEN_RE */
static GRegex *member_re; /* a pretty-printed member's key and " : " */

/* Compiles a pattern the first time it is needed; GRegex is thread-safe to
 * match with once compiled. */
static GRegex *
compiled (GRegex **slot, const char *pattern, GRegexCompileFlags flags)
{
  if (g_once_init_enter (slot))
    {
      GRegex *re = g_regex_new (pattern, flags | G_REGEX_OPTIMIZE, 0, NULL);
      g_assert (re != NULL);
      g_once_init_leave (slot, re);
    }
  return *slot;
}

/* Returns: TRUE when text[0..len) is valid UTF-8 made of JSON tokens only,
 * with a single top-level value, nested at most UMK_JSON_MAX_DEPTH deep. */
static gboolean
json_check_tokens (const char *text, gsize len)
{
  if (len > G_MAXINT || !g_utf8_validate_len (text, len, NULL))
    return FALSE;
  GRegex *token = compiled (&token_re, JSON_TOKEN_RE, G_REGEX_RAW | G_REGEX_ANCHORED);
  int depth = 0;
  gboolean done = FALSE; /* the top-level value is complete */
  gsize pos = 0;
  while (pos < len)
    {
      g_autoptr (GMatchInfo) match = NULL;
      if (!g_regex_match_full (token, text, (gssize) len, (gint) pos, 0, &match, NULL))
        return FALSE;
      int kind = 0, start, end;
      for (int group = TOKEN_SPACE; group <= TOKEN_SCALAR && kind == 0; group++)
        if (g_match_info_fetch_pos (match, group, &start, &end) && start >= 0)
          kind = group;
      pos = (gsize) end;
      if (kind == TOKEN_SPACE)
        continue;
      if (done)
        return FALSE;
      switch (kind)
        {
        case TOKEN_OPEN:
          if (++depth > UMK_JSON_MAX_DEPTH)
            return FALSE;
          break;
        case TOKEN_CLOSE:
          if (depth == 0)
            return FALSE;
          done = --depth == 0;
          break;
        case TOKEN_SEPARATOR:
          break;
        case TOKEN_NUMBER:
          {
            g_autofree char *number = g_match_info_fetch (match, TOKEN_NUMBER);
            if (!json_number_fits (number))
              return FALSE;
          }
          done = depth == 0;
          break;
        default:
          done = depth == 0;
        }
    }
  return TRUE;
}

/* ---- Repeated keys ------------------------------------------------------- */

/* Every member of one object that repeats a key. */
typedef struct
{
  GArray *members;      /* of UmkJsonMember: names owned, values referenced */
  const char *repeated; /* the name of the first repeat, within members */
} ObjectMembers;

struct _UmkJsonDuplicates
{
  GHashTable *objects; /* JsonObject (referenced) → ObjectMembers */
};

static void
member_clear (gpointer data)
{
  UmkJsonMember *m = data;
  g_free ((char *) m->name);
  json_node_unref (m->value);
}

static void
object_members_free (gpointer data)
{
  ObjectMembers *om = data;
  if (om == NULL)
    return;
  g_array_unref (om->members);
  g_free (om);
}

static void
object_members_add (ObjectMembers *om, const char *name, JsonNode *value)
{
  UmkJsonMember m = { g_strdup (name), json_node_ref (value) };
  g_array_append_val (om->members, m);
}

/* An object being parsed. JsonParser replaces the value of a repeated key
 * (dropping the first one) before it signals the member, so the values of an
 * object's members are held until it ends or repeats a key: when it does,
 * its distinct keys so far, in json-glib's order (which is the text's), pair
 * with the values held, and from then on every member is recorded. */
typedef struct
{
  guint base;        /* its first held value in DupWatch.values */
  ObjectMembers *om; /* NULL until it repeats a key */
} MemberFrame;

typedef struct
{
  GArray *frames;    /* MemberFrame per open object, innermost last */
  GPtrArray *values; /* held values of the open objects (referenced) */
  UmkJsonDuplicates *dups;
} DupWatch;

static void
on_object_start (JsonParser *parser, gpointer data)
{
  (void) parser;
  DupWatch *w = data;
  MemberFrame f = { w->values->len, NULL };
  g_array_append_val (w->frames, f);
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, gpointer data)
{
  (void) parser;
  DupWatch *w = data;
  MemberFrame *f = &g_array_index (w->frames, MemberFrame, w->frames->len - 1);
  JsonNode *value = json_object_get_member (object, name);
  if (f->om == NULL)
    {
      guint held = w->values->len - f->base;
      if (json_object_get_size (object) > held)
        {
          /* a new key */
          g_ptr_array_add (w->values, json_node_ref (value));
          return;
        }
      f->om = g_new0 (ObjectMembers, 1);
      f->om->members = g_array_sized_new (FALSE, FALSE, sizeof (UmkJsonMember), held + 1);
      g_array_set_clear_func (f->om->members, member_clear);
      g_autoptr (GList) keys = json_object_get_members (object);
      GList *k = keys;
      for (guint i = 0; i < held; i++, k = k->next)
        object_members_add (f->om, k->data, w->values->pdata[f->base + i]);
      object_members_add (f->om, name, value);
      f->om->repeated = g_array_index (f->om->members, UmkJsonMember, held).name;
      return;
    }
  object_members_add (f->om, name, value);
}

static void
on_object_end (JsonParser *parser, JsonObject *object, gpointer data)
{
  (void) parser;
  DupWatch *w = data;
  MemberFrame f = g_array_index (w->frames, MemberFrame, w->frames->len - 1);
  g_array_set_size (w->frames, w->frames->len - 1);
  g_ptr_array_set_size (w->values, (gint) f.base);
  if (f.om == NULL)
    return;
  if (w->dups == NULL)
    {
      w->dups = g_new0 (UmkJsonDuplicates, 1);
      w->dups->objects = g_hash_table_new_full (
          g_direct_hash, g_direct_equal, (GDestroyNotify) json_object_unref, object_members_free);
    }
  g_hash_table_insert (w->dups->objects, json_object_ref (object), f.om);
}

void
umk_json_duplicates_free (UmkJsonDuplicates *dups)
{
  if (dups == NULL)
    return;
  g_hash_table_unref (dups->objects);
  g_free (dups);
}

static const ObjectMembers *
object_members (const UmkJsonDuplicates *dups, JsonObject *object)
{
  return dups ? g_hash_table_lookup (dups->objects, object) : NULL;
}

const UmkJsonMember *
umk_json_duplicates_members (const UmkJsonDuplicates *dups, JsonObject *object, guint *n_members)
{
  const ObjectMembers *om = object_members (dups, object);
  if (om == NULL)
    return NULL;
  *n_members = om->members->len;
  return (const UmkJsonMember *) (gconstpointer) om->members->data;
}

const char *
umk_json_duplicates_repeated (const UmkJsonDuplicates *dups, JsonObject *object)
{
  const ObjectMembers *om = object_members (dups, object);
  return om ? om->repeated : NULL;
}

JsonNode *
umk_json_duplicates_first (const UmkJsonDuplicates *dups, JsonObject *object, const char *name)
{
  const ObjectMembers *om = object_members (dups, object);
  if (om == NULL)
    return json_object_get_member (object, name);
  for (guint i = 0; i < om->members->len; i++)
    {
      const UmkJsonMember *m = &g_array_index (om->members, UmkJsonMember, i);
      if (strcmp (m->name, name) == 0)
        return m->value;
    }
  return NULL;
}

/* Parses text; with dups, records the objects that repeat a key there. */
static JsonNode *
json_parse (const char *text, gsize len, UmkJsonDuplicates **dups)
{
  if (!json_check_tokens (text, len))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  DupWatch watch = { NULL, NULL, NULL };
  if (dups)
    {
      watch.frames = g_array_new (FALSE, FALSE, sizeof (MemberFrame));
      watch.values = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
      g_signal_connect (parser, "object-start", G_CALLBACK (on_object_start), &watch);
      g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
      g_signal_connect (parser, "object-end", G_CALLBACK (on_object_end), &watch);
    }
  gboolean ok = json_parser_load_from_data (parser, text, (gssize) len, NULL);
  g_autoptr (UmkJsonDuplicates) found = watch.dups;
  if (dups)
    {
      /* objects a parse error left open */
      for (guint i = 0; i < watch.frames->len; i++)
        object_members_free (g_array_index (watch.frames, MemberFrame, i).om);
      g_array_unref (watch.frames);
      g_ptr_array_unref (watch.values);
    }
  JsonNode *root = ok ? json_parser_get_root (parser) : NULL;
  if (root == NULL) /* also for empty text */
    return NULL;
  if (dups)
    *dups = g_steal_pointer (&found);
  return json_node_ref (root);
}

JsonNode *
umk_json_parse_full (const char *text, gsize len, UmkJsonDuplicates **dups)
{
  g_return_val_if_fail (dups != NULL, NULL);
  *dups = NULL;
  return json_parse (text, len, dups);
}

JsonNode *
umk_json_parse (const char *text, gsize len, char **duplicate)
{
  if (duplicate == NULL)
    return json_parse (text, len, NULL);
  g_autoptr (UmkJsonDuplicates) dups = NULL;
  JsonNode *root = json_parse (text, len, &dups);
  if (root != NULL)
    *duplicate = JSON_NODE_HOLDS_OBJECT (root)
                     ? g_strdup (umk_json_duplicates_repeated (dups, json_node_get_object (root)))
                     : NULL;
  return root;
}

char *
umk_json_to_pretty (JsonNode *node, guint indent)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, indent);
  g_autofree char *text = json_generator_to_data (generator, NULL);

  /* json-glib puts a space before the colon of a member ("key" : value);
   * UniValue does not. Pretty output starts each member on its own line with
   * its key, so only a quoted string at the start of a line can be a key. */
  GRegex *member
      = compiled (&member_re, "^( *\"(?:[^\"\\\\]|\\\\.)*+\") : ", G_REGEX_RAW | G_REGEX_MULTILINE);
  return g_regex_replace (member, text, -1, 0, "\\1: ", 0, NULL);
}

/* ---- UniValue-compatible output ------------------------------------------ */

/* UniValue's escapes table: control characters as \b \t \n \f \r or \u00XX,
 * the quote and backslash, and DEL; every other byte as it is. */
static const char *
univalue_escape (unsigned char c)
{
  static const char *const named[0x20] = {
    [0x08] = "\\b", [0x09] = "\\t", [0x0a] = "\\n", [0x0c] = "\\f", [0x0d] = "\\r",
  };
  if (c < 0x20)
    return named[c];
  if (c == '"')
    return "\\\"";
  if (c == '\\')
    return "\\\\";
  return NULL;
}

typedef struct
{
  gboolean object;
  guint count; /* members or elements written so far */
} WriterFrame;

struct _UmkJsonWriter
{
  GString *out;
  guint indent;
  GArray *stack;      /* of WriterFrame: the open containers */
  gboolean after_key; /* a key was written; its value comes next */
};

UmkJsonWriter *
umk_json_writer_new (guint indent)
{
  UmkJsonWriter *w = g_new0 (UmkJsonWriter, 1);
  w->out = g_string_sized_new (256);
  w->indent = indent;
  w->stack = g_array_new (FALSE, FALSE, sizeof (WriterFrame));
  return w;
}

void
umk_json_writer_free (UmkJsonWriter *w)
{
  if (w == NULL)
    return;
  g_string_free (w->out, TRUE);
  g_array_unref (w->stack);
  g_free (w);
}

const char *
umk_json_writer_peek (const UmkJsonWriter *w, gsize *len)
{
  if (len)
    *len = w->out->len;
  return w->out->str;
}

char *
umk_json_writer_free_to_string (UmkJsonWriter *w, gsize *len)
{
  if (len)
    *len = w->out->len;
  char *text = g_string_free (w->out, FALSE);
  g_array_unref (w->stack);
  g_free (w);
  return text;
}

void
umk_json_writer_reset (UmkJsonWriter *w)
{
  g_string_truncate (w->out, 0);
  g_array_set_size (w->stack, 0);
  w->after_key = FALSE;
}

static void
write_indent (UmkJsonWriter *w, guint level)
{
  for (guint i = 0; i < w->indent * level; i++)
    g_string_append_c (w->out, ' ');
}

/* What comes before any value or key: inside an array, the separator and
 * the line's indentation (UniValue indents members by indent * depth, the
 * top-level container's own members being at depth 1). */
static void
before_item (UmkJsonWriter *w)
{
  if (w->stack->len == 0)
    return;
  WriterFrame *f = &g_array_index (w->stack, WriterFrame, w->stack->len - 1);
  if (f->count++ > 0)
    g_string_append_c (w->out, ',');
  if (w->indent)
    {
      if (f->count > 1)
        g_string_append_c (w->out, '\n');
      write_indent (w, w->stack->len);
    }
}

static void
before_value (UmkJsonWriter *w)
{
  if (w->after_key)
    {
      w->after_key = FALSE;
      return;
    }
  before_item (w);
}

static void
append_escaped (GString *out, const char *s, gsize len)
{
  g_string_append_c (out, '"');
  gsize run = 0; /* bytes before i that need no escape, appended in one go */
  for (gsize i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) s[i];
      const char *esc = univalue_escape (c);
      if (esc == NULL && c >= 0x20 && c != 0x7f)
        {
          run++;
          continue;
        }
      g_string_append_len (out, s + i - run, (gssize) run);
      run = 0;
      if (esc)
        g_string_append (out, esc);
      else
        g_string_append_printf (out, "\\u%04x", c);
    }
  g_string_append_len (out, s + len - run, (gssize) run);
  g_string_append_c (out, '"');
}

static void
begin_container (UmkJsonWriter *w, gboolean object)
{
  before_value (w);
  g_string_append_c (w->out, object ? '{' : '[');
  if (w->indent)
    g_string_append_c (w->out, '\n');
  WriterFrame f = { object, 0 };
  g_array_append_val (w->stack, f);
}

static void
end_container (UmkJsonWriter *w, gboolean object)
{
  g_return_if_fail (w->stack->len > 0);
  WriterFrame *f = &g_array_index (w->stack, WriterFrame, w->stack->len - 1);
  g_return_if_fail (f->object == object);
  if (w->indent)
    {
      if (f->count > 0)
        g_string_append_c (w->out, '\n');
      write_indent (w, w->stack->len - 1);
    }
  g_array_set_size (w->stack, w->stack->len - 1);
  g_string_append_c (w->out, object ? '}' : ']');
}

void
umk_json_writer_begin_object (UmkJsonWriter *w)
{
  begin_container (w, TRUE);
}

void
umk_json_writer_end_object (UmkJsonWriter *w)
{
  end_container (w, TRUE);
}

void
umk_json_writer_begin_array (UmkJsonWriter *w)
{
  begin_container (w, FALSE);
}

void
umk_json_writer_end_array (UmkJsonWriter *w)
{
  end_container (w, FALSE);
}

void
umk_json_writer_key (UmkJsonWriter *w, const char *key)
{
  g_return_if_fail (w->stack->len > 0 && !w->after_key);
  before_item (w);
  append_escaped (w->out, key, strlen (key));
  g_string_append (w->out, w->indent ? ": " : ":");
  w->after_key = TRUE;
}

void
umk_json_writer_null (UmkJsonWriter *w)
{
  before_value (w);
  g_string_append (w->out, "null");
}

void
umk_json_writer_bool (UmkJsonWriter *w, gboolean value)
{
  before_value (w);
  g_string_append (w->out, value ? "true" : "false");
}

void
umk_json_writer_int (UmkJsonWriter *w, gint64 value)
{
  before_value (w);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, value);
}

void
umk_json_writer_uint (UmkJsonWriter *w, guint64 value)
{
  before_value (w);
  g_string_append_printf (w->out, "%" G_GUINT64_FORMAT, value);
}

char *
umk_json_format_double (double value, char buf[G_ASCII_DTOSTR_BUF_SIZE])
{
  /* std::ostream << std::setprecision(16) is printf's %.16g, in the C locale. */
  return g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, "%.16g", value);
}

void
umk_json_writer_double (UmkJsonWriter *w, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  before_value (w);
  g_string_append (w->out, umk_json_format_double (value, buf));
}

void
umk_json_writer_string_len (UmkJsonWriter *w, const char *value, gsize len)
{
  before_value (w);
  append_escaped (w->out, value, len);
}

void
umk_json_writer_string (UmkJsonWriter *w, const char *value)
{
  if (value == NULL)
    umk_json_writer_null (w);
  else
    umk_json_writer_string_len (w, value, strlen (value));
}

void
umk_json_writer_number_text (UmkJsonWriter *w, const char *number)
{
  before_value (w);
  g_string_append (w->out, number);
}

void
umk_json_writer_raw (UmkJsonWriter *w, const char *json, gsize len)
{
  before_value (w);
  g_string_append_len (w->out, json, (gssize) len);
}

void
umk_json_writer_node (UmkJsonWriter *w, JsonNode *node)
{
  if (node == NULL)
    {
      umk_json_writer_null (w);
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *o = json_node_get_object (node);
        umk_json_writer_begin_object (w);
        GList *members = json_object_get_members (o);
        for (GList *m = members; m; m = m->next)
          {
            umk_json_writer_key (w, m->data);
            umk_json_writer_node (w, json_object_get_member (o, m->data));
          }
        g_list_free (members);
        umk_json_writer_end_object (w);
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *a = json_node_get_array (node);
        umk_json_writer_begin_array (w);
        for (guint i = 0, n = json_array_get_length (a); i < n; i++)
          umk_json_writer_node (w, json_array_get_element (a, i));
        umk_json_writer_end_array (w);
        break;
      }
    case JSON_NODE_NULL:
      umk_json_writer_null (w);
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          umk_json_writer_int (w, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          umk_json_writer_double (w, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          umk_json_writer_bool (w, json_node_get_boolean (node));
          break;
        case G_TYPE_STRING:
          umk_json_writer_string (w, json_node_get_string (node));
          break;
        default:
          umk_json_writer_null (w);
        }
      break;
    }
}

void
umk_json_writer_kv_string (UmkJsonWriter *w, const char *key, const char *value)
{
  umk_json_writer_key (w, key);
  umk_json_writer_string (w, value);
}

void
umk_json_writer_kv_int (UmkJsonWriter *w, const char *key, gint64 value)
{
  umk_json_writer_key (w, key);
  umk_json_writer_int (w, value);
}

void
umk_json_writer_kv_bool (UmkJsonWriter *w, const char *key, gboolean value)
{
  umk_json_writer_key (w, key);
  umk_json_writer_bool (w, value);
}

void
umk_json_writer_kv_double (UmkJsonWriter *w, const char *key, double value)
{
  umk_json_writer_key (w, key);
  umk_json_writer_double (w, value);
}

char *
umk_json_write_node (JsonNode *node, guint indent)
{
  UmkJsonWriter *w = umk_json_writer_new (indent);
  umk_json_writer_node (w, node);
  return umk_json_writer_free_to_string (w, NULL);
}
