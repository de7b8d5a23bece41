#define G_LOG_DOMAIN "umk-json"
#include "config.h"

#include "common/value.h"

#include "common/hex.h"

#include <math.h> /* isinf, a macro: no libm */
#include <string.h>

/* Deepest nesting UniValue reads (it follows PHP's limit). */
#define MAX_DEPTH 512

struct _UmkValue
{
  UmkValueType type;
  GString *val;      /* number text, string bytes, "1"/"" for a bool */
  GPtrArray *keys;   /* objects: GString * */
  GPtrArray *values; /* objects and arrays: UmkValue * */
};

G_DEFINE_QUARK (umk_umk_value_error_quark, umk_value_error)

/* UniValue's NullUniValue: what lookups of missing things return. Never
 * written to or freed. */
static UmkValue null_value = { UMK_VALUE_NULL, NULL, NULL, NULL };

static void
gstring_free (gpointer s)
{
  g_string_free (s, TRUE);
}

static UmkValue *
json_new (UmkValueType type)
{
  UmkValue *v = g_new0 (UmkValue, 1);
  v->type = type;
  v->val = g_string_new (NULL);
  if (type == UMK_VALUE_OBJECT)
    v->keys = g_ptr_array_new_with_free_func (gstring_free);
  if (type == UMK_VALUE_OBJECT || type == UMK_VALUE_ARRAY)
    v->values = g_ptr_array_new_with_free_func ((GDestroyNotify) umk_value_free);
  return v;
}

UmkValue *
umk_value_new_null (void)
{
  return json_new (UMK_VALUE_NULL);
}

UmkValue *
umk_value_new_object (void)
{
  return json_new (UMK_VALUE_OBJECT);
}

UmkValue *
umk_value_new_array (void)
{
  return json_new (UMK_VALUE_ARRAY);
}

UmkValue *
umk_value_new_string_len (const char *s, gsize len)
{
  UmkValue *v = json_new (UMK_VALUE_STRING);
  g_string_append_len (v->val, s, (gssize) len);
  return v;
}

UmkValue *
umk_value_new_string (const char *s)
{
  return umk_value_new_string_len (s, strlen (s));
}

UmkValue *
umk_value_new_number (const char *text)
{
  UmkValue *v = json_new (UMK_VALUE_NUMBER);
  g_string_assign (v->val, text);
  return v;
}

UmkValue *
umk_value_new_int (gint64 n)
{
  UmkValue *v = json_new (UMK_VALUE_NUMBER);
  g_string_printf (v->val, "%" G_GINT64_FORMAT, n);
  return v;
}

UmkValue *
umk_value_new_bool (gboolean b)
{
  UmkValue *v = json_new (UMK_VALUE_BOOL);
  if (b)
    g_string_assign (v->val, "1");
  return v;
}

UmkValue *
umk_value_copy (const UmkValue *v)
{
  UmkValue *c = json_new (v->type);
  if (v->val)
    g_string_append_len (c->val, v->val->str, (gssize) v->val->len);
  for (guint i = 0; v->keys && i < v->keys->len; i++)
    {
      const GString *k = g_ptr_array_index (v->keys, i);
      g_ptr_array_add (c->keys, g_string_new_len (k->str, (gssize) k->len));
    }
  for (guint i = 0; v->values && i < v->values->len; i++)
    g_ptr_array_add (c->values, umk_value_copy (g_ptr_array_index (v->values, i)));
  return c;
}

void
umk_value_free (UmkValue *v)
{
  if (v == NULL || v == &null_value)
    return;
  if (v->val)
    g_string_free (v->val, TRUE);
  if (v->keys)
    g_ptr_array_unref (v->keys);
  if (v->values)
    g_ptr_array_unref (v->values);
  g_free (v);
}

/* ---- Reading ----------------------------------------------------------- */

typedef enum
{
  TOK_ERR,
  TOK_NONE,
  TOK_OBJ_OPEN,
  TOK_OBJ_CLOSE,
  TOK_ARR_OPEN,
  TOK_ARR_CLOSE,
  TOK_COLON,
  TOK_COMMA,
  TOK_NULL,
  TOK_TRUE,
  TOK_FALSE,
  TOK_NUMBER,
  TOK_STRING,
} Token;

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Collects a string's bytes while checking UTF-8 and joining UTF-16
 * surrogate pairs from \u escapes, the way UniValue's filter does. */
typedef struct
{
  GString *out;
  gboolean valid;
  guint32 codepoint; /* of the UTF-8 sequence being read */
  int state;         /* bits still to fill in it; 0 between characters */
  guint32 surrogate; /* first half of an open pair, or 0 */
} Utf8Filter;

static void
filter_append_codepoint (Utf8Filter *f, guint32 cp)
{
  char buf[4];
  gsize n;
  if (cp <= 0x7f)
    {
      buf[0] = (char) cp;
      n = 1;
    }
  else if (cp <= 0x7ff)
    {
      buf[0] = (char) (0xc0 | (cp >> 6));
      buf[1] = (char) (0x80 | (cp & 0x3f));
      n = 2;
    }
  else if (cp <= 0xffff)
    {
      buf[0] = (char) (0xe0 | (cp >> 12));
      buf[1] = (char) (0x80 | ((cp >> 6) & 0x3f));
      buf[2] = (char) (0x80 | (cp & 0x3f));
      n = 3;
    }
  else if (cp <= 0x1fffff)
    {
      buf[0] = (char) (0xf0 | (cp >> 18));
      buf[1] = (char) (0x80 | ((cp >> 12) & 0x3f));
      buf[2] = (char) (0x80 | ((cp >> 6) & 0x3f));
      buf[3] = (char) (0x80 | (cp & 0x3f));
      n = 4;
    }
  else
    return;
  g_string_append_len (f->out, buf, (gssize) n);
}

static void
filter_push_codepoint (Utf8Filter *f, guint32 cp)
{
  if (f->state)
    f->valid = FALSE;
  if (cp >= 0xd800 && cp < 0xdc00)
    {
      if (f->surrogate)
        f->valid = FALSE;
      else
        f->surrogate = cp;
    }
  else if (cp >= 0xdc00 && cp < 0xe000)
    {
      if (f->surrogate)
        {
          filter_append_codepoint (f, 0x10000 | ((f->surrogate - 0xd800) << 10) | (cp - 0xdc00));
          f->surrogate = 0;
        }
      else
        f->valid = FALSE;
    }
  else if (f->surrogate)
    f->valid = FALSE;
  else
    filter_append_codepoint (f, cp);
}

static void
filter_push_byte (Utf8Filter *f, guchar ch)
{
  if (f->state == 0)
    {
      if (ch < 0x80)
        g_string_append_c (f->out, (char) ch);
      else if (ch < 0xc0)
        f->valid = FALSE;
      else if (ch < 0xe0)
        {
          f->codepoint = (guint32) (ch & 0x1f) << 6;
          f->state = 6;
        }
      else if (ch < 0xf0)
        {
          f->codepoint = (guint32) (ch & 0x0f) << 12;
          f->state = 12;
        }
      else if (ch < 0xf8)
        {
          f->codepoint = (guint32) (ch & 0x07) << 18;
          f->state = 18;
        }
      else
        f->valid = FALSE;
    }
  else
    {
      if ((ch & 0xc0) != 0x80)
        f->valid = FALSE;
      f->state -= 6;
      /* A bad sequence may drive the state below zero; it is already invalid. */
      if (f->state >= 0)
        f->codepoint |= (guint32) (ch & 0x3f) << f->state;
      if (f->state <= 0)
        {
          f->state = 0;
          filter_push_codepoint (f, f->codepoint);
        }
    }
}

static gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

/* Reads the next token of p[0..end) after whitespace; *consumed is how far
 * it reaches, and number and string tokens leave their value in val. */
static Token
next_token (const char *p, const char *end, gsize *consumed, GString *val)
{
  const char *start = p;
  g_string_truncate (val, 0);
  *consumed = 0;
  while (p < end && is_space (*p))
    p++;
  if (p >= end)
    return TOK_NONE;

  Token simple = TOK_ERR;
  switch (*p)
    {
    case '{':
      simple = TOK_OBJ_OPEN;
      break;
    case '}':
      simple = TOK_OBJ_CLOSE;
      break;
    case '[':
      simple = TOK_ARR_OPEN;
      break;
    case ']':
      simple = TOK_ARR_CLOSE;
      break;
    case ':':
      simple = TOK_COLON;
      break;
    case ',':
      simple = TOK_COMMA;
      break;
    default:
      break;
    }
  if (simple != TOK_ERR)
    {
      *consumed = (gsize) (p + 1 - start);
      return simple;
    }

  if (*p == 'n' || *p == 't' || *p == 'f')
    {
      static const struct
      {
        const char *word;
        Token tok;
      } words[] = { { "null", TOK_NULL }, { "true", TOK_TRUE }, { "false", TOK_FALSE } };
      for (gsize i = 0; i < G_N_ELEMENTS (words); i++)
        {
          gsize n = strlen (words[i].word);
          if ((gsize) (end - p) >= n && memcmp (p, words[i].word, n) == 0)
            {
              *consumed = (gsize) (p + n - start);
              return words[i].tok;
            }
        }
      return TOK_ERR;
    }

  if (*p == '-' || is_digit (*p))
    {
      const char *first = p;
      const char *first_digit = *first == '-' ? first + 1 : first;
      /* No leading zeros ("01"); "-0" and "0.5" are fine. */
      if (first_digit < end && *first_digit == '0' && first_digit + 1 < end
          && is_digit (first_digit[1]))
        return TOK_ERR;
      p++;
      /* UniValue lets a lone "-" at the very end through as a number. */
      if (*first == '-' && p < end && !is_digit (*p))
        return TOK_ERR;
      while (p < end && is_digit (*p))
        p++;
      if (p < end && *p == '.')
        {
          p++;
          if (p >= end || !is_digit (*p))
            return TOK_ERR;
          while (p < end && is_digit (*p))
            p++;
        }
      if (p < end && (*p == 'e' || *p == 'E'))
        {
          p++;
          if (p < end && (*p == '-' || *p == '+'))
            p++;
          if (p >= end || !is_digit (*p))
            return TOK_ERR;
          while (p < end && is_digit (*p))
            p++;
        }
      g_string_append_len (val, first, p - first);
      *consumed = (gsize) (p - start);
      return TOK_NUMBER;
    }

  if (*p == '"')
    {
      p++;
      Utf8Filter f = { val, TRUE, 0, 0, 0 };
      for (;;)
        {
          if (p >= end || (guchar) *p < 0x20)
            return TOK_ERR;
          if (*p == '"')
            {
              p++;
              break;
            }
          if (*p != '\\')
            {
              filter_push_byte (&f, (guchar) *p++);
              continue;
            }
          p++;
          if (p >= end)
            return TOK_ERR;
          switch (*p)
            {
            case '"':
            case '\\':
            case '/':
              filter_push_byte (&f, (guchar) *p);
              break;
            case 'b':
              filter_push_byte (&f, '\b');
              break;
            case 'f':
              filter_push_byte (&f, '\f');
              break;
            case 'n':
              filter_push_byte (&f, '\n');
              break;
            case 'r':
              filter_push_byte (&f, '\r');
              break;
            case 't':
              filter_push_byte (&f, '\t');
              break;
            case 'u':
              {
                /* UniValue wants one byte after the four digits (the closing
                 * quote at least), hence ">=". */
                if (p + 1 + 4 >= end)
                  return TOK_ERR;
                guint32 cp = 0;
                for (int i = 1; i <= 4; i++)
                  {
                    int h = umk_hex_digit (p[i]);
                    if (h < 0)
                      return TOK_ERR;
                    cp = cp * 16 + (guint32) h;
                  }
                filter_push_codepoint (&f, cp);
                p += 4;
                break;
              }
            default:
              return TOK_ERR;
            }
          p++;
        }
      if (f.state || f.surrogate || !f.valid)
        return TOK_ERR;
      *consumed = (gsize) (p - start);
      return TOK_STRING;
    }
  return TOK_ERR;
}

/* What the reader expects next (UniValue's expect bits). */
enum
{
  EXP_OBJ_NAME = 1 << 0,
  EXP_COLON = 1 << 1,
  EXP_ARR_VALUE = 1 << 2,
  EXP_VALUE = 1 << 3,
  EXP_NOT_VALUE = 1 << 4,
};

static gboolean
token_is_value (Token t)
{
  return t == TOK_NULL || t == TOK_TRUE || t == TOK_FALSE || t == TOK_NUMBER || t == TOK_STRING;
}

/* Adds a finished scalar or container to the open container on top of the
 * stack, or makes it the result. */
static void
attach (GPtrArray *stack, UmkValue **root, UmkValue *v)
{
  if (stack->len == 0)
    {
      umk_value_free (*root);
      *root = v;
      return;
    }
  UmkValue *top = g_ptr_array_index (stack, stack->len - 1);
  g_ptr_array_add (top->values, v);
}

UmkValue *
umk_value_read (const char *text, gsize len)
{
  const char *p = text, *end = text + len;
  g_autoptr (GString) val = g_string_new (NULL);
  g_autoptr (GPtrArray) stack = g_ptr_array_new (); /* open containers, borrowed */
  UmkValue *root = NULL;
  unsigned expect = 0;
  Token tok = TOK_NONE, last;
  gsize consumed;

  do
    {
      last = tok;
      tok = next_token (p, end, &consumed, val);
      if (tok == TOK_NONE || tok == TOK_ERR)
        goto fail;
      p += consumed;

      gboolean opens_value = token_is_value (tok) || tok == TOK_OBJ_OPEN || tok == TOK_ARR_OPEN;
      if (expect & EXP_VALUE)
        {
          if (!opens_value)
            goto fail;
          expect &= ~EXP_VALUE;
        }
      else if (expect & EXP_ARR_VALUE)
        {
          if (!opens_value && tok != TOK_ARR_CLOSE)
            goto fail;
          expect &= ~EXP_ARR_VALUE;
        }
      else if (expect & EXP_OBJ_NAME)
        {
          if (tok != TOK_OBJ_CLOSE && tok != TOK_STRING)
            goto fail;
        }
      else if (expect & EXP_COLON)
        {
          if (tok != TOK_COLON)
            goto fail;
          expect &= ~EXP_COLON;
        }
      else if (tok == TOK_COLON)
        goto fail;

      if (expect & EXP_NOT_VALUE)
        {
          if (opens_value)
            goto fail;
          expect &= ~EXP_NOT_VALUE;
        }

      switch (tok)
        {
        case TOK_OBJ_OPEN:
        case TOK_ARR_OPEN:
          {
            UmkValue *c = json_new (tok == TOK_OBJ_OPEN ? UMK_VALUE_OBJECT : UMK_VALUE_ARRAY);
            attach (stack, &root, c);
            g_ptr_array_add (stack, c);
            if (stack->len > MAX_DEPTH)
              goto fail;
            expect |= tok == TOK_OBJ_OPEN ? EXP_OBJ_NAME : EXP_ARR_VALUE;
            break;
          }
        case TOK_OBJ_CLOSE:
        case TOK_ARR_CLOSE:
          {
            if (stack->len == 0 || last == TOK_COMMA)
              goto fail;
            UmkValue *top = g_ptr_array_index (stack, stack->len - 1);
            if (top->type != (tok == TOK_OBJ_CLOSE ? UMK_VALUE_OBJECT : UMK_VALUE_ARRAY))
              goto fail;
            g_ptr_array_set_size (stack, stack->len - 1);
            expect &= ~EXP_OBJ_NAME;
            expect |= EXP_NOT_VALUE;
            break;
          }
        case TOK_COLON:
          {
            if (stack->len == 0)
              goto fail;
            UmkValue *top = g_ptr_array_index (stack, stack->len - 1);
            if (top->type != UMK_VALUE_OBJECT)
              goto fail;
            expect |= EXP_VALUE;
            break;
          }
        case TOK_COMMA:
          {
            if (stack->len == 0 || last == TOK_COMMA || last == TOK_ARR_OPEN)
              goto fail;
            UmkValue *top = g_ptr_array_index (stack, stack->len - 1);
            expect |= top->type == UMK_VALUE_OBJECT ? EXP_OBJ_NAME : EXP_ARR_VALUE;
            break;
          }
        case TOK_NULL:
        case TOK_TRUE:
        case TOK_FALSE:
          attach (stack, &root,
                  tok == TOK_NULL ? umk_value_new_null () : umk_value_new_bool (tok == TOK_TRUE));
          if (stack->len)
            expect |= EXP_NOT_VALUE;
          break;
        case TOK_NUMBER:
          attach (stack, &root, umk_value_new_number (val->str));
          if (stack->len)
            expect |= EXP_NOT_VALUE;
          break;
        case TOK_STRING:
          if (expect & EXP_OBJ_NAME)
            {
              UmkValue *top = g_ptr_array_index (stack, stack->len - 1);
              g_ptr_array_add (top->keys, g_string_new_len (val->str, (gssize) val->len));
              expect &= ~EXP_OBJ_NAME;
              expect |= EXP_COLON;
            }
          else
            attach (stack, &root, umk_value_new_string_len (val->str, val->len));
          expect |= EXP_NOT_VALUE;
          break;
        default:
          goto fail;
        }
    }
  while (stack->len > 0);

  /* Nothing may follow the value but whitespace. */
  if (next_token (p, end, &consumed, val) != TOK_NONE)
    goto fail;
  return root;

fail:
  umk_value_free (root);
  return NULL;
}

/* ---- Writing ----------------------------------------------------------- */

/* UniValue escapes control characters, '"', '\\' and DEL; everything else,
 * UTF-8 included, is written as it is. */
static void
write_escaped (GString *out, const GString *s)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < s->len; i++)
    {
      guchar c = (guchar) s->str[i];
      switch (c)
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
        case '\t':
          g_string_append (out, "\\t");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

static void
write_value (const UmkValue *v, guint pretty, guint level, GString *out)
{
  /* UniValue writes a top-level container with level 1, like its children's
   * children one level deeper. */
  guint mod = level == 0 ? 1 : level;
  switch (v->type)
    {
    case UMK_VALUE_NULL:
      g_string_append (out, "null");
      break;
    case UMK_VALUE_STRING:
      write_escaped (out, v->val);
      break;
    case UMK_VALUE_NUMBER:
      g_string_append_len (out, v->val->str, (gssize) v->val->len);
      break;
    case UMK_VALUE_BOOL:
      g_string_append (out, v->val->len ? "true" : "false");
      break;
    case UMK_VALUE_ARRAY:
    case UMK_VALUE_OBJECT:
      {
        gboolean obj = v->type == UMK_VALUE_OBJECT;
        g_string_append_c (out, obj ? '{' : '[');
        if (pretty)
          g_string_append_c (out, '\n');
        for (guint i = 0; i < v->values->len; i++)
          {
            if (pretty)
              g_string_append_printf (out, "%*s", (int) (pretty * mod), "");
            if (obj)
              {
                write_escaped (out, g_ptr_array_index (v->keys, i));
                g_string_append (out, pretty ? ": " : ":");
              }
            write_value (g_ptr_array_index (v->values, i), pretty, mod + 1, out);
            if (i + 1 != v->values->len)
              g_string_append_c (out, ',');
            if (pretty)
              g_string_append_c (out, '\n');
          }
        if (pretty)
          g_string_append_printf (out, "%*s", (int) (pretty * (mod - 1)), "");
        g_string_append_c (out, obj ? '}' : ']');
        break;
      }
    }
}

void
umk_value_write (const UmkValue *v, guint pretty_indent, GString *out)
{
  write_value (v, pretty_indent, 0, out);
}

char *
umk_value_to_string (const UmkValue *v, guint pretty_indent)
{
  GString *out = g_string_new (NULL);
  umk_value_write (v, pretty_indent, out);
  return g_string_free (out, FALSE);
}

/* ---- Access ------------------------------------------------------------ */

UmkValueType
umk_value_type (const UmkValue *v)
{
  return v->type;
}

gboolean
umk_value_is_null (const UmkValue *v)
{
  return v->type == UMK_VALUE_NULL;
}

const char *
umk_value_type_name (UmkValueType type)
{
  static const char *const names[] = { "null", "object", "array", "string", "number", "bool" };
  return names[type];
}

gsize
umk_value_size (const UmkValue *v)
{
  return v->values ? v->values->len : 0;
}

const UmkValue *
umk_value_get (const UmkValue *v, const char *key)
{
  if (v->type != UMK_VALUE_OBJECT)
    return &null_value;
  gsize klen = strlen (key);
  for (guint i = 0; i < v->keys->len; i++)
    {
      const GString *k = g_ptr_array_index (v->keys, i);
      if (k->len == klen && memcmp (k->str, key, klen) == 0)
        return g_ptr_array_index (v->values, i);
    }
  return &null_value;
}

const UmkValue *
umk_value_at (const UmkValue *v, gsize index)
{
  if (v->values == NULL || index >= v->values->len)
    return &null_value;
  return g_ptr_array_index (v->values, index);
}

const UmkValue *
umk_value_null (void)
{
  return &null_value;
}

const GString *
umk_value_key_at (const UmkValue *v, gsize index)
{
  g_return_val_if_fail (v->keys != NULL && index < v->keys->len, NULL);
  return g_ptr_array_index (v->keys, index);
}

void
umk_value_append (UmkValue *array, UmkValue *element)
{
  g_return_if_fail (array->type == UMK_VALUE_ARRAY);
  g_ptr_array_add (array->values, element);
}

void
umk_value_push_end (UmkValue *object, const char *key, UmkValue *value)
{
  g_return_if_fail (object->type == UMK_VALUE_OBJECT);
  g_ptr_array_add (object->keys, g_string_new (key));
  g_ptr_array_add (object->values, value);
}

void
umk_value_push (UmkValue *object, const char *key, UmkValue *value)
{
  g_return_if_fail (object->type == UMK_VALUE_OBJECT);
  gsize klen = strlen (key);
  for (guint i = 0; i < object->keys->len; i++)
    {
      const GString *k = g_ptr_array_index (object->keys, i);
      if (k->len == klen && memcmp (k->str, key, klen) == 0)
        {
          umk_value_free (object->values->pdata[i]);
          object->values->pdata[i] = value;
          return;
        }
    }
  umk_value_push_end (object, key, value);
}

const char *
umk_value_val_str (const UmkValue *v)
{
  if (v->type == UMK_VALUE_NUMBER || v->type == UMK_VALUE_STRING || v->type == UMK_VALUE_BOOL)
    return v->val->str;
  return "";
}

const GString *
umk_value_val_gstring (const UmkValue *v)
{
  static const GString empty = { (char *) "", 0, 1 };
  if (v->type == UMK_VALUE_NUMBER || v->type == UMK_VALUE_STRING || v->type == UMK_VALUE_BOOL)
    return v->val;
  return &empty;
}

static gboolean
check_type (const UmkValue *v, UmkValueType expected, GError **error)
{
  if (v->type == expected)
    return TRUE;
  g_set_error (error, UMK_VALUE_ERROR, 0, "JSON value of type %s is not of expected type %s",
               umk_value_type_name (v->type), umk_value_type_name (expected));
  return FALSE;
}

gboolean
umk_value_get_int (const UmkValue *v, int *out, GError **error)
{
  if (!check_type (v, UMK_VALUE_NUMBER, error))
    return FALSE;
  /* std::from_chars: an optional '-', decimal digits only, the whole text,
   * within int. */
  const char *s = v->val->str;
  gint64 n;
  if ((s[0] == '-' ? !is_digit (s[1]) : !is_digit (s[0])) || s[strspn (s + 1, "0123456789") + 1]
      || !g_ascii_string_to_signed (s, 10, G_MININT, G_MAXINT, &n, NULL))
    {
      g_set_error_literal (error, UMK_VALUE_ERROR, 0, "JSON integer out of range");
      return FALSE;
    }
  *out = (int) n;
  return TRUE;
}

gboolean
umk_value_get_real (const UmkValue *v, double *out, GError **error)
{
  if (!check_type (v, UMK_VALUE_NUMBER, error))
    return FALSE;
  /* Core reads it with a stream, which fails only on overflow for JSON's
   * number syntax. */
  double d = g_ascii_strtod (v->val->str, NULL);
  if (isinf (d))
    {
      g_set_error_literal (error, UMK_VALUE_ERROR, 0, "JSON double out of range");
      return FALSE;
    }
  *out = d;
  return TRUE;
}

const char *
umk_value_get_str (const UmkValue *v, GError **error)
{
  if (!check_type (v, UMK_VALUE_STRING, error))
    return NULL;
  return v->val->str;
}
