#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args.h"

#include "common/error.h"
#include "common/logging.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* ---- Chains -------------------------------------------------------------- */

/* umk_chain_from_name() for a name that may be NULL, with an optional out. */
static gboolean
chain_lookup (const char *name, UmkChain *out)
{
  UmkChain chain;
  if (name == NULL || !umk_chain_from_name (name, &chain))
    return FALSE;
  if (out)
    *out = chain;
  return TRUE;
}

/* ---- Setting values -------------------------------------------------------
 *
 * A setting is what Core keeps in a UniValue: null, false, true, a string, or
 * (only from settings.json) a number, an array or an object. Command-line and
 * config values are always strings, false ("-nofoo") or true ("-nofoo=0"). */

typedef enum
{
  VAL_NULL,
  VAL_FALSE,
  VAL_TRUE,
  VAL_STRING,
  VAL_NUMBER, /* text holds the number as written */
  VAL_ARRAY,  /* items */
  VAL_OBJECT, /* keys + items */
} ValType;

typedef struct
{
  ValType type;
  char *text;
  GPtrArray *items; /* Value * */
  GPtrArray *keys;  /* char * */
} Value;

static const Value value_false = { VAL_FALSE, NULL, NULL, NULL };

static void value_free (gpointer p);

static Value *
value_new (ValType type, const char *text)
{
  Value *v = g_new0 (Value, 1);
  v->type = type;
  v->text = g_strdup (text);
  if (type == VAL_ARRAY || type == VAL_OBJECT)
    v->items = g_ptr_array_new_with_free_func (value_free);
  if (type == VAL_OBJECT)
    v->keys = g_ptr_array_new_with_free_func (g_free);
  return v;
}

static void
value_free (gpointer p)
{
  Value *v = p;
  if (v == NULL)
    return;
  g_free (v->text);
  if (v->items)
    g_ptr_array_unref (v->items);
  if (v->keys)
    g_ptr_array_unref (v->keys);
  g_free (v);
}

static Value *
value_copy (const Value *v)
{
  Value *c = value_new (v->type, v->text);
  for (guint i = 0; v->items && i < v->items->len; i++)
    g_ptr_array_add (c->items, value_copy (g_ptr_array_index (v->items, i)));
  for (guint i = 0; v->keys && i < v->keys->len; i++)
    g_ptr_array_add (c->keys, g_strdup (g_ptr_array_index (v->keys, i)));
  return c;
}

static gboolean
value_is_false (const Value *v)
{
  return v->type == VAL_FALSE;
}

/* JSON string escaping as UniValue writes it. */
static void
json_escape (GString *out, const char *s)
{
  g_string_append_c (out, '"');
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      switch (*p)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (*p < 0x20 || *p == 0x7f)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

/* Writes v as JSON; with pretty > 0, nested levels are indented by pretty
 * spaces per level, as UniValue::write (pretty, level) does. */
static void
value_write (GString *out, const Value *v, guint pretty, guint level)
{
  if (level == 0)
    level = 1;
  switch (v->type)
    {
    case VAL_NULL:
      g_string_append (out, "null");
      break;
    case VAL_FALSE:
      g_string_append (out, "false");
      break;
    case VAL_TRUE:
      g_string_append (out, "true");
      break;
    case VAL_STRING:
      json_escape (out, v->text);
      break;
    case VAL_NUMBER:
      g_string_append (out, v->text);
      break;
    case VAL_ARRAY:
    case VAL_OBJECT:
      {
        gboolean obj = v->type == VAL_OBJECT;
        g_string_append_c (out, obj ? '{' : '[');
        if (pretty)
          g_string_append_c (out, '\n');
        for (guint i = 0; i < v->items->len; i++)
          {
            if (pretty)
              g_string_append_printf (out, "%*s", (int) (pretty * level), "");
            if (obj)
              {
                json_escape (out, g_ptr_array_index (v->keys, i));
                g_string_append (out, pretty ? ": " : ":");
              }
            value_write (out, g_ptr_array_index (v->items, i), pretty, level + 1);
            if (i + 1 != v->items->len)
              g_string_append_c (out, ',');
            if (pretty)
              g_string_append_c (out, '\n');
          }
        if (pretty)
          g_string_append_printf (out, "%*s", (int) (pretty * (level - 1)), "");
        g_string_append_c (out, obj ? '}' : ']');
        break;
      }
    }
}

static char *
value_to_json (const Value *v)
{
  if (v == NULL)
    return g_strdup ("null");
  GString *s = g_string_new (NULL);
  value_write (s, v, 0, 0);
  return g_string_free (s, FALSE);
}

/* A small JSON reader for settings.json: RFC 8259 values, strings must be
 * valid UTF-8 without NUL, nesting limited like UniValue's. */
typedef struct
{
  const char *p;
  const char *end;
  int depth;
} JsonReader;

#define JSON_MAX_DEPTH 512

static void
json_skip_ws (JsonReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
    r->p++;
}

static int
json_hex4 (const char *p)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      int d = g_ascii_xdigit_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

static char *
json_read_string (JsonReader *r)
{
  /* r->p is at the opening quote. */
  r->p++;
  GString *s = g_string_new (NULL);
  while (r->p < r->end && *r->p != '"')
    {
      unsigned char c = (unsigned char) *r->p;
      if (c < 0x20)
        goto fail;
      if (c != '\\')
        {
          g_string_append_c (s, (char) c);
          r->p++;
          continue;
        }
      if (r->end - r->p < 2)
        goto fail;
      char e = r->p[1];
      r->p += 2;
      switch (e)
        {
        case '"':
        case '\\':
        case '/':
          g_string_append_c (s, e);
          break;
        case 'b':
          g_string_append_c (s, '\b');
          break;
        case 'f':
          g_string_append_c (s, '\f');
          break;
        case 'n':
          g_string_append_c (s, '\n');
          break;
        case 'r':
          g_string_append_c (s, '\r');
          break;
        case 't':
          g_string_append_c (s, '\t');
          break;
        case 'u':
          {
            if (r->end - r->p < 4)
              goto fail;
            int cp = json_hex4 (r->p);
            r->p += 4;
            if (cp < 0)
              goto fail;
            if (cp >= 0xd800 && cp < 0xdc00)
              {
                if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u')
                  goto fail;
                int lo = json_hex4 (r->p + 2);
                if (lo < 0xdc00 || lo >= 0xe000)
                  goto fail;
                r->p += 6;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
              }
            else if (cp >= 0xdc00 && cp < 0xe000)
              goto fail;
            /* A NUL cannot live in our C strings; refuse rather than cut. */
            if (cp == 0)
              goto fail;
            g_string_append_unichar (s, (gunichar) cp);
            break;
          }
        default:
          goto fail;
        }
    }
  if (r->p >= r->end)
    goto fail;
  r->p++;
  if (!g_utf8_validate_len (s->str, s->len, NULL))
    goto fail;
  return g_string_free (s, FALSE);
fail:
  g_string_free (s, TRUE);
  return NULL;
}

static Value *json_read_value (JsonReader *r);

static Value *
json_read_number (JsonReader *r)
{
  const char *start = r->p;
  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return NULL;
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  g_autofree char *text = g_strndup (start, r->p - start);
  return value_new (VAL_NUMBER, text);
}

static gboolean
json_literal (JsonReader *r, const char *word)
{
  size_t n = strlen (word);
  if ((size_t) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return FALSE;
  r->p += n;
  return TRUE;
}

static Value *
json_read_container (JsonReader *r, gboolean obj)
{
  if (++r->depth > JSON_MAX_DEPTH)
    return NULL;
  r->p++;
  Value *v = value_new (obj ? VAL_OBJECT : VAL_ARRAY, NULL);
  json_skip_ws (r);
  if (r->p < r->end && *r->p == (obj ? '}' : ']'))
    {
      r->p++;
      r->depth--;
      return v;
    }
  for (;;)
    {
      json_skip_ws (r);
      if (obj)
        {
          if (r->p >= r->end || *r->p != '"')
            goto fail;
          char *key = json_read_string (r);
          if (key == NULL)
            goto fail;
          g_ptr_array_add (v->keys, key);
          json_skip_ws (r);
          if (r->p >= r->end || *r->p != ':')
            goto fail;
          r->p++;
        }
      Value *item = json_read_value (r);
      if (item == NULL)
        goto fail;
      g_ptr_array_add (v->items, item);
      json_skip_ws (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == (obj ? '}' : ']'))
        {
          r->p++;
          r->depth--;
          return v;
        }
      goto fail;
    }
fail:
  value_free (v);
  return NULL;
}

static Value *
json_read_value (JsonReader *r)
{
  json_skip_ws (r);
  if (r->p >= r->end)
    return NULL;
  switch (*r->p)
    {
    case '{':
      return json_read_container (r, TRUE);
    case '[':
      return json_read_container (r, FALSE);
    case '"':
      {
        g_autofree char *s = json_read_string (r);
        return s ? value_new (VAL_STRING, s) : NULL;
      }
    case 't':
      return json_literal (r, "true") ? value_new (VAL_TRUE, NULL) : NULL;
    case 'f':
      return json_literal (r, "false") ? value_new (VAL_FALSE, NULL) : NULL;
    case 'n':
      return json_literal (r, "null") ? value_new (VAL_NULL, NULL) : NULL;
    default:
      return json_read_number (r);
    }
}

/* Returns: the one JSON value filling text[0..len), or NULL. */
static Value *
json_parse (const char *text, gsize len)
{
  JsonReader r = { text, text + len, 0 };
  Value *v = json_read_value (&r);
  if (v == NULL)
    return NULL;
  json_skip_ws (&r);
  if (r.p != r.end)
    {
      value_free (v);
      return NULL;
    }
  return v;
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

/* Core's InterpretBool: "" is true, otherwise atoi (int) != 0. */
static gboolean
interpret_bool (const char *s)
{
  if (*s == '\0')
    return TRUE;
  return atoi_saturating (s, G_MININT32, G_MAXINT32) != 0;
}

/* Text of a value for string getters; NULL for null and for arrays/objects
 * (where Core would throw). Newly allocated. */
static char *
value_to_string (const Value *v)
{
  if (v == NULL)
    return NULL;
  switch (v->type)
    {
    case VAL_FALSE:
      return g_strdup ("0");
    case VAL_TRUE:
      return g_strdup ("1");
    case VAL_STRING:
    case VAL_NUMBER:
      return g_strdup (v->text);
    default:
      return NULL;
    }
}

/* ---- The registry and the settings -------------------------------------- */

typedef struct
{
  char *name;       /* "-dbcache", or "create" for a command */
  char *help_param; /* "=<n>" or "" */
  char *help;
  unsigned flags;
  UmkOptionsCategory category;
} ArgInfo;

typedef struct
{
  char *name;
  char *file;
  int line;
} SectionInfo;

struct _UmkArgs
{
  GRecMutex lock;

  /* Registry. */
  GPtrArray *available[UMK_OPTIONS_N_CATEGORIES]; /* ArgInfo *, owned */
  gboolean category_used[UMK_OPTIONS_N_CATEGORIES];
  GHashTable *by_name;      /* name -> ArgInfo * (borrowed) */
  GHashTable *network_only; /* setting name (no dash) -> itself */
  gboolean accept_any_command;

  /* Settings, as Core's common::Settings. Every value list is a GPtrArray of
   * Value *; forced and read-write settings are lists of exactly one. */
  GHashTable *forced;  /* name -> GPtrArray */
  GHashTable *cmdline; /* name -> GPtrArray */
  GHashTable *rw;      /* name -> GPtrArray */
  GHashTable *ro;      /* section -> (name -> GPtrArray) */

  GPtrArray *command;         /* char *: positional arguments */
  char *network;              /* selected config section, or NULL */
  GPtrArray *config_sections; /* SectionInfo * */
  char *config_path;          /* NULL until config files were read */
  GPtrArray *console_warnings;
};

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

static GPtrArray *
value_list_new (void)
{
  return g_ptr_array_new_with_free_func (value_free);
}

static GHashTable *
value_table_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                (GDestroyNotify) g_ptr_array_unref);
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
  a->forced = value_table_new ();
  a->cmdline = value_table_new ();
  a->rw = value_table_new ();
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

/* Read-only entry points take a const UmkArgs; the lock inside is still
 * taken, as Core's `mutable` mutex is. */
#define LOCK_ARGS(args)            \
  UmkArgs *a = (UmkArgs *) (args); \
  g_autoptr (GRecMutexLocker) locker_ = g_rec_mutex_locker_new (&a->lock)

/* "-foo" -> "foo" (Core's SettingName: one leading dash is dropped). */
static const char *
setting_name (const char *arg)
{
  return arg[0] == '-' ? arg + 1 : arg;
}

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

static const ArgInfo *
lookup_arg_locked (UmkArgs *a, const char *name)
{
  return g_hash_table_lookup (a->by_name, name);
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

/* ---- Merging the sources (Core's common/settings.cpp) -------------------- */

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
  Value **data;
  guint size;
} Span;

static gboolean
span_last_negated (const Span *s)
{
  return s->size > 0 && value_is_false (s->data[s->size - 1]);
}

/* Position just after the last negation: values before it do not count. */
static guint
span_negated (const Span *s)
{
  for (guint i = s->size; i > 0; i--)
    if (value_is_false (s->data[i - 1]))
      return i;
  return 0;
}

static gboolean
span_empty (const Span *s)
{
  return s->size == 0 || span_last_negated (s);
}

/* Fills spans[] with the sources that have `name`, highest precedence first.
 * Returns: how many. */
static guint
merge_sources (UmkArgs *a, const char *section, const char *name, Span spans[5])
{
  guint n = 0;
  GPtrArray *list;
  if ((list = g_hash_table_lookup (a->forced, name)))
    spans[n++] = (Span){ SRC_FORCED, (Value **) list->pdata, list->len };
  if ((list = g_hash_table_lookup (a->cmdline, name)))
    spans[n++] = (Span){ SRC_COMMAND_LINE, (Value **) list->pdata, list->len };
  if ((list = g_hash_table_lookup (a->rw, name)))
    spans[n++] = (Span){ SRC_RW_SETTINGS, (Value **) list->pdata, list->len };
  GHashTable *sec;
  if (section && section[0] && (sec = g_hash_table_lookup (a->ro, section))
      && (list = g_hash_table_lookup (sec, name)))
    spans[n++] = (Span){ SRC_CONFIG_NETWORK_SECTION, (Value **) list->pdata, list->len };
  if ((sec = g_hash_table_lookup (a->ro, "")) && (list = g_hash_table_lookup (sec, name)))
    spans[n++] = (Span){ SRC_CONFIG_DEFAULT_SECTION, (Value **) list->pdata, list->len };
  return n;
}

/* Core's common::GetSetting. Returns a borrowed value, NULL for "unset". */
static const Value *
settings_get (UmkArgs *a, const char *section, const char *name,
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
        return &value_false;
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
            Value *v = s->data[j];
            if (v->type == VAL_ARRAY)
              for (guint k = 0; k < v->items->len; k++)
                g_ptr_array_add (out, g_ptr_array_index (v->items, k));
            else
              g_ptr_array_add (out, v);
          }

      done |= span_negated (s) > 0 || s->source == SRC_FORCED;
      prev_negated_empty |= span_last_negated (s) && out->len == 0;
    }
}

/* Core's common::OnlyHasDefaultSectionSetting. */
static gboolean
settings_only_in_default_section (UmkArgs *a, const char *section, const char *name)
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

static gboolean
use_default_section_locked (UmkArgs *a, const char *name)
{
  return g_strcmp0 (a->network, "main") == 0 || !g_hash_table_contains (a->network_only, name);
}

static const Value *
get_setting_locked (UmkArgs *a, const char *arg)
{
  const char *name = setting_name (arg);
  return settings_get (a, a->network, name, !use_default_section_locked (a, name), FALSE, FALSE);
}

static char *
get_string_locked (UmkArgs *a, const char *arg)
{
  return value_to_string (get_setting_locked (a, arg));
}

static gboolean
get_bool_locked (UmkArgs *a, const char *arg, gboolean def)
{
  const Value *v = get_setting_locked (a, arg);
  if (v == NULL || v->type == VAL_NULL)
    return def;
  if (v->type == VAL_TRUE || v->type == VAL_FALSE)
    return v->type == VAL_TRUE;
  if (v->text == NULL)
    return def;
  return interpret_bool (v->text);
}

static gboolean
is_set_locked (UmkArgs *a, const char *arg)
{
  const Value *v = get_setting_locked (a, arg);
  return v != NULL && v->type != VAL_NULL;
}

static gboolean
is_negated_locked (UmkArgs *a, const char *arg)
{
  const Value *v = get_setting_locked (a, arg);
  return v != NULL && value_is_false (v);
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

static char *
get_path_locked (UmkArgs *a, const char *arg, const char *def)
{
  if (is_negated_locked (a, arg))
    return g_strdup ("");
  g_autofree char *s = get_string_locked (a, arg);
  if (s == NULL || s[0] == '\0')
    return g_strdup (def);
  return normalize_path (s);
}

char *
umk_args_get (const UmkArgs *args, const char *name, const char *def)
{
  g_return_val_if_fail (args != NULL && name != NULL, g_strdup (def));
  LOCK_ARGS (args);
  char *s = get_string_locked (a, name);
  return s ? s : g_strdup (def);
}

gint64
umk_args_get_int (const UmkArgs *args, const char *name, gint64 def)
{
  g_return_val_if_fail (args != NULL && name != NULL, def);
  LOCK_ARGS (args);
  const Value *v = get_setting_locked (a, name);
  if (v == NULL)
    return def;
  switch (v->type)
    {
    case VAL_FALSE:
      return 0;
    case VAL_TRUE:
      return 1;
    case VAL_STRING:
    case VAL_NUMBER:
      return atoi_saturating (v->text, G_MININT64, G_MAXINT64);
    default:
      return def;
    }
}

gboolean
umk_args_get_bool (const UmkArgs *args, const char *name, gboolean def)
{
  g_return_val_if_fail (args != NULL && name != NULL, def);
  LOCK_ARGS (args);
  return get_bool_locked (a, name, def);
}

static char **
get_list_locked (UmkArgs *a, const char *arg)
{
  const char *name = setting_name (arg);
  g_autoptr (GPtrArray) values = g_ptr_array_new ();
  settings_get_list (a, a->network, name, !use_default_section_locked (a, name), values);
  GPtrArray *out = g_ptr_array_new_null_terminated (values->len, g_free, TRUE);
  for (guint i = 0; i < values->len; i++)
    {
      char *s = value_to_string (g_ptr_array_index (values, i));
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
  return get_path_locked (a, name, def);
}

gboolean
umk_args_is_set (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, FALSE);
  LOCK_ARGS (args);
  return is_set_locked (a, name);
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
  return value_to_json (get_setting_locked (a, name));
}

static void
force_set_locked (UmkArgs *a, const char *arg, const char *value)
{
  GPtrArray *list = value_list_new ();
  g_ptr_array_add (list, value_new (VAL_STRING, value));
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
  if (is_set_locked (a, name))
    return FALSE;
  force_set_locked (a, name, value);
  return TRUE;
}

gboolean
umk_args_soft_set_bool (UmkArgs *args, const char *name, gboolean value)
{
  return umk_args_soft_set (args, name, value ? "1" : "0");
}

/* ---- Keys and values as written by the user ------------------------------ */

typedef struct
{
  char *section; /* NULL when there was no "section." prefix */
  char *name;
  gboolean negated;
} KeyInfo;

static void
key_info_clear (KeyInfo *k)
{
  g_clear_pointer (&k->section, g_free);
  g_clear_pointer (&k->name, g_free);
}

/* Core's InterpretKey: "section.noname" -> section, name, negated. */
static KeyInfo
interpret_key (const char *key)
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

/* Core's InterpretValue. value is NULL for a bare "-name".
 * Returns: the setting, or NULL with error. */
static Value *
interpret_value (const KeyInfo *k, const char *value, unsigned flags, GError **error)
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
      if (value && !interpret_bool (value))
        {
          umk_log_warning ("Parsed potentially confusing double-negative -%s=%s", k->name, value);
          return value_new (VAL_TRUE, NULL);
        }
      return value_new (VAL_FALSE, NULL);
    }
  if (value == NULL && (flags & UMK_ARG_DISALLOW_ELISION))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Can not set -%s with no value. Please specify value with -%s=value.", k->name,
                   k->name);
      return NULL;
    }
  return value_new (VAL_STRING, value ? value : "");
}

static void
value_table_append (GHashTable *table, const char *name, Value *v)
{
  GPtrArray *list = g_hash_table_lookup (table, name);
  if (list == NULL)
    {
      list = value_list_new ();
      g_hash_table_insert (table, g_strdup (name), list);
    }
  g_ptr_array_add (list, v);
}

/* ---- Command line -------------------------------------------------------- */

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

      KeyInfo ki = interpret_key (k);
      g_autofree char *dashed = g_strconcat ("-", ki.name, NULL);
      const ArgInfo *info = lookup_arg_locked (a, dashed);
      /* Unknown options, and options with a "section." prefix, are invalid on
       * the command line. */
      if (info == NULL || (ki.section && ki.section[0]))
        {
          key_info_clear (&ki);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid parameter %s", arg);
          return FALSE;
        }
      Value *v = interpret_value (&ki, val, info->flags, error);
      if (v == NULL)
        {
          key_info_clear (&ki);
          return FALSE;
        }
      value_table_append (a->cmdline, ki.name, v);
      key_info_clear (&ki);
    }

  /* -includeconf only makes sense in config files; -noincludeconf is fine. */
  GPtrArray *includes = g_hash_table_lookup (a->cmdline, "includeconf");
  if (includes)
    {
      Span s = { SRC_COMMAND_LINE, (Value **) includes->pdata, includes->len };
      if (!span_empty (&s))
        {
          g_autofree char *first = value_to_json (s.data[span_negated (&s)]);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "-includeconf cannot be used from commandline; -includeconf=%s", first);
          return FALSE;
        }
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

static gint
compare_arg_info (gconstpointer x, gconstpointer y)
{
  const ArgInfo *a = *(ArgInfo *const *) x;
  const ArgInfo *b = *(ArgInfo *const *) y;
  return strcmp (a->name, b->name);
}

/* The category's options sorted by name, as Core's std::map holds them. */
static GPtrArray *
sorted_category (UmkArgs *a, UmkOptionsCategory cat)
{
  GPtrArray *src = a->available[cat];
  GPtrArray *copy = g_ptr_array_sized_new (src->len); /* borrows: no free function */
  for (guint i = 0; i < src->len; i++)
    g_ptr_array_add (copy, g_ptr_array_index (src, i));
  g_ptr_array_sort (copy, compare_arg_info);
  return copy;
}

gboolean
umk_args_check_multiple_cli_commands (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  g_autoptr (GPtrArray) cmds = sorted_category (a, UMK_OPTIONS_CLI_COMMANDS);
  g_autoptr (GPtrArray) found = g_ptr_array_new_null_terminated (0, NULL, TRUE);
  for (guint i = 0; i < cmds->len; i++)
    {
      const ArgInfo *info = g_ptr_array_index (cmds, i);
      if (is_set_locked (a, info->name))
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

/* ---- Help ---------------------------------------------------------------- */

char *
umk_format_paragraph (const char *in, size_t width, size_t indent)
{
  g_return_val_if_fail (in != NULL && width >= indent, NULL);
  GString *out = g_string_new (NULL);
  size_t n = strlen (in);
  size_t ptr = 0;
  size_t indented = 0;
  while (ptr < n)
    {
      const char *nl = memchr (in + ptr, '\n', n - ptr);
      size_t lineend = nl ? (size_t) (nl - in) : n;
      size_t linelen = lineend - ptr;
      size_t rem_width = width - indented;
      if (linelen <= rem_width)
        {
          /* The line fits: copy it with its newline, if it has one. */
          g_string_append_len (out, in + ptr, MIN (linelen + 1, n - ptr));
          ptr = lineend + 1;
          indented = 0;
          continue;
        }
      /* Break at the last space or newline that still fits... */
      size_t finalspace = (size_t) -1;
      for (size_t j = MIN (ptr + rem_width, n - 1) + 1; j-- > ptr;)
        if (in[j] == ' ' || in[j] == '\n')
          {
            finalspace = j;
            break;
          }
      if (finalspace == (size_t) -1)
        {
          /* ...or, for a word longer than the line, after the word. */
          for (size_t j = ptr; j < n; j++)
            if (in[j] == ' ' || in[j] == '\n')
              {
                finalspace = j;
                break;
              }
          if (finalspace == (size_t) -1)
            {
              g_string_append (out, in + ptr);
              break;
            }
        }
      g_string_append_len (out, in + ptr, finalspace - ptr);
      g_string_append_c (out, '\n');
      if (in[finalspace] == '\n')
        indented = 0;
      else if (indent)
        {
          g_string_append_printf (out, "%*s", (int) indent, "");
          indented = indent;
        }
      ptr = finalspace + 1;
    }
  return g_string_free (out, FALSE);
}

static const char *
category_title (UmkOptionsCategory cat, gboolean show_debug)
{
  switch (cat)
    {
    case UMK_OPTIONS_OPTIONS:
      return "Options:";
    case UMK_OPTIONS_CONNECTION:
      return "Connection options:";
    case UMK_OPTIONS_ZMQ:
      return "ZeroMQ notification options:";
    case UMK_OPTIONS_DEBUG_TEST:
      return "Debugging/Testing options:";
    case UMK_OPTIONS_NODE_RELAY:
      return "Node relay options:";
    case UMK_OPTIONS_BLOCK_CREATION:
      return "Block creation options:";
    case UMK_OPTIONS_RPC:
      return "RPC server options:";
    case UMK_OPTIONS_IPC:
      return "IPC interprocess connection options:";
    case UMK_OPTIONS_WALLET:
      return "Wallet options:";
    case UMK_OPTIONS_WALLET_DEBUG_TEST:
      return show_debug ? "Wallet debugging/testing options:" : NULL;
    case UMK_OPTIONS_CHAINPARAMS:
      return "Chain selection options:";
    case UMK_OPTIONS_GUI:
      return "UI Options:";
    case UMK_OPTIONS_COMMANDS:
      return "Commands:";
    case UMK_OPTIONS_REGISTER_COMMANDS:
      return "Register Commands:";
    case UMK_OPTIONS_CLI_COMMANDS:
      return "CLI Commands:";
    default:
      return NULL;
    }
}

#define HELP_SCREEN_WIDTH 79
#define HELP_OPT_INDENT   2
#define HELP_MSG_INDENT   7

char *
umk_args_help_message (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  gboolean show_debug = get_bool_locked (a, "-help-debug", FALSE);
  GString *usage = g_string_new (NULL);
  for (int cat = 0; cat < UMK_OPTIONS_HIDDEN; cat++)
    {
      if (!a->category_used[cat])
        continue;
      const char *title = category_title ((UmkOptionsCategory) cat, show_debug);
      if (title)
        g_string_append_printf (usage, "%s\n\n", title);
      g_autoptr (GPtrArray) sorted = sorted_category (a, (UmkOptionsCategory) cat);
      for (guint i = 0; i < sorted->len; i++)
        {
          const ArgInfo *info = g_ptr_array_index (sorted, i);
          if (!show_debug && (info->flags & UMK_ARG_DEBUG_ONLY))
            continue;
          g_autofree char *para = umk_format_paragraph (
              info->help, HELP_SCREEN_WIDTH - HELP_MSG_INDENT, HELP_MSG_INDENT);
          g_string_append_printf (usage, "%*s%s%s\n%*s%s\n\n", HELP_OPT_INDENT, "", info->name,
                                  info->help_param, HELP_MSG_INDENT, "", para);
        }
    }
  return g_string_free (usage, FALSE);
}

gboolean
umk_args_help_requested (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return is_set_locked (a, "-?") || is_set_locked (a, "-h") || is_set_locked (a, "-help")
         || is_set_locked (a, "-help-debug");
}

/* ---- Chain selection ----------------------------------------------------- */

/* -regtest and friends are read with Core's get_chain_type rules: top section
 * only, last value wins, negations skipped. */
static gboolean
get_net_flag_locked (UmkArgs *a, const char *arg)
{
  const Value *v = settings_get (a, "", setting_name (arg), FALSE, FALSE, TRUE);
  if (v == NULL || v->type == VAL_NULL)
    return FALSE;
  if (v->type == VAL_TRUE || v->type == VAL_FALSE)
    return v->type == VAL_TRUE;
  return v->text ? interpret_bool (v->text) : FALSE;
}

/* Returns: the chain name (known or as given with -chain), or NULL with error. */
static char *
get_chain_name_locked (UmkArgs *a, GError **error)
{
  gboolean regtest = get_net_flag_locked (a, "-regtest");
  gboolean signet = get_net_flag_locked (a, "-signet");
  gboolean testnet = get_net_flag_locked (a, "-testnet");
  gboolean testnet4 = get_net_flag_locked (a, "-testnet4");
  g_autofree char *chain = get_string_locked (a, "-chain");

  if ((chain != NULL) + regtest + signet + testnet + testnet4 > 1)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Invalid combination of -regtest, -signet, -testnet, -testnet4 and "
                           "-chain. Can use at most one.");
      return NULL;
    }
  if (chain)
    return g_steal_pointer (&chain);
  if (regtest)
    return g_strdup ("regtest");
  if (signet)
    return g_strdup ("signet");
  if (testnet)
    return g_strdup ("test");
  if (testnet4)
    return g_strdup ("testnet4");
  return g_strdup ("main");
}

char *
umk_args_get_chain_name (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return get_chain_name_locked (a, error);
}

gboolean
umk_args_get_chain (const UmkArgs *args, UmkChain *chain, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  g_autofree char *name = umk_args_get_chain_name (args, error);
  if (name == NULL)
    return FALSE;
  if (!chain_lookup (name, chain))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Unknown chain %s.", name);
      return FALSE;
    }
  return TRUE;
}

void
umk_args_select_config_network (UmkArgs *args, const char *network)
{
  g_return_if_fail (args != NULL);
  LOCK_ARGS (args);
  g_free (a->network);
  a->network = g_strdup (network);
}

void
umk_args_select_chain (UmkArgs *args, UmkChain chain)
{
  g_return_if_fail ((unsigned) chain < UMK_N_CHAINS);
  umk_args_select_config_network (args, umk_chain_name (chain));
}

gboolean
umk_args_get_selected_chain (const UmkArgs *args, UmkChain *chain)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return chain_lookup (a->network, chain);
}

/* ---- Data directory ------------------------------------------------------ */

char *
umk_default_datadir (void)
{
  /* Core reads $HOME each time; GLib's g_get_home_dir() caches it, so it is
   * only the fallback. */
  const char *home = g_getenv ("HOME");
  if (home == NULL || home[0] == '\0')
    home = g_get_home_dir ();
  return g_build_filename (home, ".umkoin", NULL);
}

static char *
make_absolute (const char *path)
{
  if (g_path_is_absolute (path))
    return g_strdup (path);
  g_autofree char *cwd = g_get_current_dir ();
  return g_build_filename (cwd, path, NULL);
}

static const char *
network_suffix_locked (UmkArgs *a)
{
  UmkChain chain;
  return chain_lookup (a->network, &chain) ? umk_chain_datadir_suffix (chain) : "";
}

/* Core's GetDataDir: NULL when -datadir is given but is not a directory. */
static char *
get_datadir_locked (UmkArgs *a, gboolean net_specific)
{
  g_autofree char *datadir = get_path_locked (a, "-datadir", NULL);
  char *path;
  if (datadir && datadir[0])
    {
      path = make_absolute (datadir);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_free (path);
          return NULL;
        }
    }
  else
    path = umk_default_datadir ();

  const char *suffix = network_suffix_locked (a);
  if (net_specific && suffix[0])
    {
      char *net = g_build_filename (path, suffix, NULL);
      g_free (path);
      path = net;
    }
  return path;
}

static gboolean
check_datadir_option_locked (UmkArgs *a)
{
  g_autofree char *datadir = get_path_locked (a, "-datadir", NULL);
  if (datadir == NULL || datadir[0] == '\0')
    return TRUE;
  g_autofree char *abs = make_absolute (datadir);
  return g_file_test (abs, G_FILE_TEST_IS_DIR);
}

gboolean
umk_args_check_datadir_option (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return check_datadir_option_locked (a);
}

char *
umk_args_get_datadir_base (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return get_datadir_locked (a, FALSE);
}

char *
umk_args_get_datadir_net (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return get_datadir_locked (a, TRUE);
}

/* base / path, where an absolute path stands alone and a NULL base is "". */
static char *
join_path (const char *base, const char *path)
{
  if (g_path_is_absolute (path) || base == NULL || base[0] == '\0')
    return g_strdup (path);
  return g_build_filename (base, path, NULL);
}

static char *
abs_path_for_config_val_locked (UmkArgs *a, const char *path, gboolean net_specific)
{
  if (path[0] == '\0' || g_path_is_absolute (path))
    return g_strdup (path);
  g_autofree char *base = get_datadir_locked (a, net_specific);
  return join_path (base, path);
}

char *
umk_args_abs_path_for_config_val (const UmkArgs *args, const char *path, gboolean net_specific)
{
  g_return_val_if_fail (args != NULL && path != NULL, NULL);
  LOCK_ARGS (args);
  return abs_path_for_config_val_locked (a, path, net_specific);
}

static gboolean
make_dirs (const char *path, GError **error)
{
  /* Core creates directories with the default mode, leaving it to the umask. */
  if (g_mkdir_with_parents (path, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot create directory \"%s\": %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_args_ensure_datadirs (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  g_autofree char *base = umk_args_get_datadir_base (args);
  g_autofree char *net = umk_args_get_datadir_net (args);
  if (base == NULL || net == NULL)
    {
      g_autofree char *datadir = umk_args_get (args, "-datadir", "");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Specified data directory \"%s\" does not exist.", datadir);
      return FALSE;
    }
  /* A new datadir also gets a "wallets" folder, so wallets never mix with the
   * node's files even if the wallet is enabled only later (as Core does). */
  const char *dirs[] = { base, net };
  for (unsigned i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!g_file_test (dirs[i], G_FILE_TEST_EXISTS))
      {
        g_autofree char *wallets = g_build_filename (dirs[i], "wallets", NULL);
        if (!make_dirs (wallets, error))
          return FALSE;
      }
  return TRUE;
}

/* ---- Config files -------------------------------------------------------- */

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
      KeyInfo k = interpret_key (opt->name->str);
      g_autofree char *dashed = g_strconcat ("-", k.name, NULL);
      const ArgInfo *info = has_nul ? NULL : lookup_arg_locked (a, dashed);

      if (!has_nul && strcmp (k.name, "conf") == 0)
        {
          key_info_clear (&k);
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
          Value *v = interpret_value (&k, opt->value, info->flags, error);
          if (v == NULL)
            {
              key_info_clear (&k);
              return FALSE;
            }
          const char *section = k.section ? k.section : "";
          GHashTable *sec = g_hash_table_lookup (a->ro, section);
          if (sec == NULL)
            {
              sec = value_table_new ();
              g_hash_table_insert (a->ro, g_strdup (section), sec);
            }
          value_table_append (sec, k.name, v);
        }
      else if (ignore_invalid_keys)
        umk_log_warning ("Ignoring unknown configuration value %s", opt->name->str);
      else
        {
          key_info_clear (&k);
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid configuration value %s",
                       opt->name->str);
          return FALSE;
        }
      key_info_clear (&k);
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
  Span s = { SRC_CONFIG_DEFAULT_SECTION, (Value **) values->pdata, values->len };
  for (guint i = MAX (skip, span_negated (&s)); i < values->len; i++)
    {
      const Value *v = g_ptr_array_index (values, i);
      if (v->type != VAL_STRING)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "JSON value of type %s is not of expected type string",
                       v->type == VAL_NULL ? "null" : "bool");
          return -1;
        }
      g_ptr_array_add (names, g_strdup (v->text));
    }
  return (int) values->len;
}

/* Reads a whole file; distinguishes "is a directory" from "cannot open". */
static gboolean
read_whole_file (const char *path, char **contents, gsize *len)
{
  return g_file_get_contents (path, contents, len, NULL);
}

/* Core's ReadConfigFiles. *raw_error tells errors Core raises as exceptions
 * (chain combination), which its InitConfig shows without the "Error reading
 * configuration file: " prefix. */
static gboolean
read_config_files_locked (UmkArgs *a, gboolean ignore_invalid_keys, gboolean *raw_error,
                          GError **error)
{
  *raw_error = FALSE;
  g_hash_table_remove_all (a->ro);
  g_ptr_array_set_size (a->config_sections, 0);
  g_ptr_array_set_size (a->console_warnings, 0);

  /* Core caches the datadir here, so included files are found relative to
   * the datadir from before this file was read, even if it sets datadir=. */
  g_autofree char *base = get_datadir_locked (a, FALSE);
  g_autofree char *conf = get_path_locked (a, "-conf", UMK_CONF_FILENAME);
  g_free (a->config_path);
  a->config_path = conf[0] ? join_path (base, conf) : g_strdup ("");

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
      if (!have_file && is_set_locked (a, "-conf"))
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
          g_autofree char *chain_id = get_chain_name_locked (a, error);
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
                base = get_datadir_locked (a, FALSE);
              g_autofree char *path = name[0] ? join_path (base, name) : g_strdup ("");
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
          g_autofree char *chain_id_final = get_chain_name_locked (a, error);
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
  if (!check_datadir_option_locked (a))
    {
      g_autofree char *datadir = get_string_locked (a, "-datadir");
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
  return read_config_files_locked (a, ignore_invalid_keys, &raw_error, error);
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

static gint
compare_strings (gconstpointer x, gconstpointer y)
{
  return strcmp (*(char *const *) x, *(char *const *) y);
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
      GHashTableIter it;
      gpointer key;
      g_hash_table_iter_init (&it, a->network_only);
      while (g_hash_table_iter_next (&it, &key, NULL))
        if (settings_only_in_default_section (a, a->network, key))
          g_ptr_array_add (out, g_strconcat ("-", (char *) key, NULL));
      g_ptr_array_sort (out, compare_strings);
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
      if (chain_lookup (s->name, NULL))
        continue;
      g_ptr_array_add (out, g_strdup_printf ("%s:%i Section [%s] is not recognized.", s->file,
                                             s->line, s->name));
    }
  return (char **) g_ptr_array_free (out, FALSE);
}

/* Keys of a hash table, sorted (Core walks std::maps). */
static GPtrArray *
sorted_keys (GHashTable *table)
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

static void
log_args_prefix (UmkArgs *a, const char *prefix, const char *section, GHashTable *table)
{
  g_autofree char *section_str = section[0] ? g_strdup_printf ("[%s] ", section) : g_strdup ("");
  g_autoptr (GPtrArray) names = sorted_keys (table);
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
                                       : value_to_json (g_ptr_array_index (values, j));
          umk_log_info ("%s %s%s=%s", prefix, section_str, name, shown);
        }
    }
}

void
umk_args_log (const UmkArgs *args)
{
  g_return_if_fail (args != NULL);
  LOCK_ARGS (args);
  g_autoptr (GPtrArray) sections = sorted_keys (a->ro);
  for (guint i = 0; i < sections->len; i++)
    {
      const char *section = g_ptr_array_index (sections, i);
      log_args_prefix (a, "Config file arg:", section, g_hash_table_lookup (a->ro, section));
    }
  g_autoptr (GPtrArray) rw = sorted_keys (a->rw);
  for (guint i = 0; i < rw->len; i++)
    {
      const char *name = g_ptr_array_index (rw, i);
      GPtrArray *list = g_hash_table_lookup (a->rw, name);
      g_autofree char *json = value_to_json (g_ptr_array_index (list, 0));
      umk_log_info ("Setting file arg: %s = %s", name, json);
    }
  log_args_prefix (a, "Command-line arg:", "", a->cmdline);
}

/* ---- settings.json ------------------------------------------------------- */

static gboolean
get_settings_path_locked (UmkArgs *a, gboolean temp, gboolean backup, char **path)
{
  g_autofree char *settings = get_path_locked (a, "-settings", UMK_SETTINGS_FILENAME);
  if (settings[0] == '\0')
    return FALSE;
  if (path)
    {
      g_autofree char *file
          = g_strconcat (settings, backup ? ".bak" : "", temp ? ".tmp" : "", NULL);
      g_autofree char *net = get_datadir_locked (a, TRUE);
      *path = join_path (net, file);
    }
  return TRUE;
}

gboolean
umk_args_get_settings_path (const UmkArgs *args, gboolean temp, gboolean backup, char **path)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return get_settings_path_locked (a, temp, backup, path);
}

#define SETTINGS_WARN_MSG_KEY "_warning_"

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
  Value *in = json_parse (contents, len);
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
  if (in->type != VAL_OBJECT)
    {
      g_autofree char *json = value_to_json (in);
      g_ptr_array_add (
          errors, g_strdup_printf ("Found non-object value %s in settings file %s", json, path));
      value_free (in);
      return FALSE;
    }
  for (guint i = 0; i < in->items->len; i++)
    {
      const char *key = g_ptr_array_index (in->keys, i);
      if (g_hash_table_contains (values, key))
        {
          g_ptr_array_add (
              errors, g_strdup_printf ("Found duplicate key %s in settings file %s", key, path));
          g_hash_table_remove_all (values);
          break;
        }
      GPtrArray *list = value_list_new ();
      g_ptr_array_add (list, value_copy (g_ptr_array_index (in->items, i)));
      g_hash_table_insert (values, g_strdup (key), list);
    }
  value_free (in);
  g_hash_table_remove (values, SETTINGS_WARN_MSG_KEY);
  return errors->len == 0;
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

static gboolean
read_settings_file_locked (UmkArgs *a, GError **error)
{
  g_autofree char *path = NULL;
  if (!get_settings_path_locked (a, FALSE, FALSE, &path))
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
  g_autoptr (GPtrArray) keys = sorted_keys (a->rw);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      KeyInfo k = interpret_key (key);
      g_autofree char *dashed = g_strconcat ("-", k.name, NULL);
      if (lookup_arg_locked (a, dashed) == NULL)
        umk_log_warning ("Ignoring unknown rw_settings value %s", key);
      key_info_clear (&k);
    }
  return TRUE;
}

gboolean
umk_args_read_settings_file (UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return read_settings_file_locked (a, error);
}

static gboolean
write_settings_file_locked (UmkArgs *a, gboolean backup, GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *tmp = NULL;
  if (!get_settings_path_locked (a, FALSE, backup, &path)
      || !get_settings_path_locked (a, TRUE, backup, &tmp))
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Attempt to write settings file when dynamic settings are disabled.");
      return FALSE;
    }

  Value *out = value_new (VAL_OBJECT, NULL);
  g_ptr_array_add (out->keys, g_strdup (SETTINGS_WARN_MSG_KEY));
  g_ptr_array_add (out->items,
                   value_new (VAL_STRING, "This file is written and updated by " PACKAGE_NAME
                                          " at run time. Do not edit it while the node is "
                                          "running: your changes could be ignored or lost."));
  g_autoptr (GPtrArray) keys = sorted_keys (a->rw);
  for (guint i = 0; i < keys->len; i++)
    {
      const char *key = g_ptr_array_index (keys, i);
      GPtrArray *list = g_hash_table_lookup (a->rw, key);
      g_ptr_array_add (out->keys, g_strdup (key));
      g_ptr_array_add (out->items, value_copy (g_ptr_array_index (list, 0)));
    }
  GString *text = g_string_new (NULL);
  value_write (text, out, 4, 1);
  g_string_append_c (text, '\n');
  value_free (out);

  FILE *f = fopen (tmp, "w");
  gboolean ok = f != NULL && fwrite (text->str, 1, text->len, f) == text->len;
  if (f != NULL && fclose (f) != 0)
    ok = FALSE;
  g_string_free (text, TRUE);
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
  return write_settings_file_locked (a, backup, error);
}

char *
umk_args_get_rw_setting_json (const UmkArgs *args, const char *name)
{
  g_return_val_if_fail (args != NULL && name != NULL, NULL);
  LOCK_ARGS (args);
  GPtrArray *list = g_hash_table_lookup (a->rw, setting_name (name));
  return list ? value_to_json (g_ptr_array_index (list, 0)) : NULL;
}

gboolean
umk_args_set_rw_setting_json (UmkArgs *args, const char *name, const char *json, GError **error)
{
  g_return_val_if_fail (args != NULL && name != NULL && json != NULL, FALSE);
  Value *v = json_parse (json, strlen (json));
  if (v == NULL)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid JSON value for setting %s", name);
      return FALSE;
    }
  LOCK_ARGS (args);
  GPtrArray *list = value_list_new ();
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
  return value_to_json (
      settings_get (a, a->network, n, !use_default_section_locked (a, n), TRUE, FALSE));
}

/* ---- Start-up ------------------------------------------------------------ */

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

gboolean
umk_args_init_config (UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);

  if (!check_datadir_option_locked (a))
    {
      g_autofree char *datadir = get_string_locked (a, "-datadir");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Specified data directory \"%s\" does not exist.", datadir ? datadir : "");
      return FALSE;
    }

  /* Remember where the config came from before the file can move datadir=. */
  g_autofree char *orig_datadir = get_datadir_locked (a, FALSE);
  g_autofree char *orig_conf_arg = get_path_locked (a, "-conf", UMK_CONF_FILENAME);
  g_autofree char *orig_config_path
      = orig_conf_arg[0] ? join_path (orig_datadir, orig_conf_arg) : g_strdup ("");

  g_autoptr (GError) local = NULL;
  gboolean raw_error = FALSE;
  if (!read_config_files_locked (a, TRUE, &raw_error, &local))
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
    g_autofree char *name = get_chain_name_locked (a, error);
    if (name == NULL)
      return FALSE;
    if (!chain_lookup (name, &chain))
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
  g_autofree char *base = get_datadir_locked (a, FALSE);
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
          g_autofree char *cli_conf = get_string_locked (a, "-conf");
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
          if (get_bool_locked (a, "-allowignoredconf", FALSE))
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
  if (get_settings_path_locked (a, FALSE, FALSE, NULL))
    {
      g_autoptr (GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
      g_clear_error (&local);
      if (!read_settings_file_locked (a, &local))
        {
          /* One detail per error, as Core lists them. */
          g_auto (GStrv) errors = g_strsplit (local->message, "\n", -1);
          for (char **e = errors; *e; e++)
            g_ptr_array_add (details, g_strdup (*e));
          return set_error_from_list (error, UMK_ERROR_INVALID, "Settings file could not be read",
                                      details);
        }
      g_clear_error (&local);
      if (!write_settings_file_locked (a, FALSE, &local))
        {
          g_ptr_array_add (details, g_strdup (local->message));
          return set_error_from_list (error, UMK_ERROR_FAILED, "Settings file could not be written",
                                      details);
        }
    }
  return TRUE;
}
