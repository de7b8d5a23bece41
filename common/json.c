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

/* What the JsonParser signals tell json_parse(): json-glib keeps the last of
 * duplicate keys silently, Core's settings.json refuses them. */
typedef struct
{
  int depth;
  guint top_members; /* members the top-level object was given */
  char *duplicate;   /* its first key given twice */
} ParseWatch;

static void
on_container_start (JsonParser *parser, gpointer data)
{
  (void) parser;
  ((ParseWatch *) data)->depth++;
}

static void
on_container_end (JsonParser *parser, gpointer container, gpointer data)
{
  (void) parser;
  (void) container;
  ((ParseWatch *) data)->depth--;
}

static void
on_object_member (JsonParser *parser, JsonObject *object, const char *name, gpointer data)
{
  (void) parser;
  ParseWatch *w = data;
  /* A repeated key replaces its value, so the object stays smaller than the
   * number of members it was given. */
  if (w->depth == 1 && ++w->top_members > json_object_get_size (object) && w->duplicate == NULL)
    w->duplicate = g_strdup (name);
}

JsonNode *
umk_json_parse (const char *text, gsize len, char **duplicate)
{
  if (!json_check_tokens (text, len))
    return NULL;
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  ParseWatch watch = { 0, 0, NULL };
  g_signal_connect (parser, "object-start", G_CALLBACK (on_container_start), &watch);
  g_signal_connect (parser, "array-start", G_CALLBACK (on_container_start), &watch);
  g_signal_connect (parser, "object-end", G_CALLBACK (on_container_end), &watch);
  g_signal_connect (parser, "array-end", G_CALLBACK (on_container_end), &watch);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &watch);
  gboolean ok = json_parser_load_from_data (parser, text, (gssize) len, NULL);
  g_autofree char *dup = watch.duplicate;
  JsonNode *root = ok ? json_parser_get_root (parser) : NULL;
  if (root == NULL) /* also for empty text */
    return NULL;
  if (duplicate)
    *duplicate = g_steal_pointer (&dup);
  return json_node_ref (root);
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
