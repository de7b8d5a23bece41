/* descriptor.c — descriptor checksums and the key-less descriptors, following
 * Umkoin Core v31.0's script/descriptor.cpp (DescriptorChecksum,
 * CheckChecksum, Parse) and script/parsing.cpp (Expr, Func).
 */
#define G_LOG_DOMAIN "umk-descriptor"
#include "config.h"

#include "common/descriptor.h"

#include "common/address.h"
#include "common/error.h"
#include "common/hex.h"

#include <string.h>

/* ---- Checksum ------------------------------------------------------------ */

/* The generator of the BCH code over GF(32) that BIP 380 chose: one step
 * multiplies the running remainder by x and adds val. */
static guint64
polymod (guint64 c, int val)
{
  guint8 c0 = c >> 35;
  c = ((c & G_GUINT64_CONSTANT (0x7ffffffff)) << 5) ^ (guint64) val;
  if (c0 & 1)
    c ^= G_GUINT64_CONSTANT (0xf5dee51989);
  if (c0 & 2)
    c ^= G_GUINT64_CONSTANT (0xa9fdca3312);
  if (c0 & 4)
    c ^= G_GUINT64_CONSTANT (0x1bab10e32d);
  if (c0 & 8)
    c ^= G_GUINT64_CONSTANT (0x3706b1677a);
  if (c0 & 16)
    c ^= G_GUINT64_CONSTANT (0x644d626ffd);
  return c;
}

/* The 95 characters a descriptor may hold, in groups of 32 chosen so that the
 * common typing mistakes change one symbol only. */
static const char input_charset[] = "0123456789()[],'/*abcdefgh@:$%{}"
                                    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
                                    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
static const char checksum_charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

bool
umk_descriptor_checksum (const char *desc, size_t len, char out[UMK_DESCRIPTOR_CHECKSUM_LEN + 1])
{
  guint64 c = 1;
  int cls = 0, clscount = 0;
  out[0] = '\0';
  for (size_t i = 0; i < len; i++)
    {
      /* memchr rather than strchr: a NUL byte must not match the terminator. */
      const char *p = memchr (input_charset, desc[i], sizeof input_charset - 1);
      if (p == NULL)
        return false;
      int pos = (int) (p - input_charset);
      /* Each character gives its place in its group; every three characters
       * also give one symbol made of their three group numbers. */
      c = polymod (c, pos & 31);
      cls = cls * 3 + (pos >> 5);
      if (++clscount == 3)
        {
          c = polymod (c, cls);
          cls = 0;
          clscount = 0;
        }
    }
  if (clscount > 0)
    c = polymod (c, cls);
  for (int j = 0; j < UMK_DESCRIPTOR_CHECKSUM_LEN; j++)
    c = polymod (c, 0);
  c ^= 1;
  for (int j = 0; j < UMK_DESCRIPTOR_CHECKSUM_LEN; j++)
    out[j] = checksum_charset[(c >> (5 * (7 - j))) & 31];
  out[UMK_DESCRIPTOR_CHECKSUM_LEN] = '\0';
  return true;
}

char *
umk_descriptor_add_checksum (const char *desc)
{
  char sum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1];
  if (!umk_descriptor_checksum (desc, strlen (desc), sum))
    return NULL;
  return g_strconcat (desc, "#", sum, NULL);
}

bool
umk_descriptor_check_checksum (const char *text, bool require_checksum, size_t *payload_len,
                               char checksum[UMK_DESCRIPTOR_CHECKSUM_LEN + 1], GError **error)
{
  const char *hash = strchr (text, '#');
  if (hash != NULL && strchr (hash + 1, '#') != NULL)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Multiple '#' symbols");
      return false;
    }
  if (hash == NULL && require_checksum)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Missing checksum");
      return false;
    }
  size_t len = hash ? (size_t) (hash - text) : strlen (text);
  if (hash != NULL && strlen (hash + 1) != UMK_DESCRIPTOR_CHECKSUM_LEN)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Expected 8 character checksum, not %zu characters", strlen (hash + 1));
      return false;
    }
  char computed[UMK_DESCRIPTOR_CHECKSUM_LEN + 1];
  if (!umk_descriptor_checksum (text, len, computed))
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid characters in payload");
      return false;
    }
  if (hash != NULL && strcmp (hash + 1, computed) != 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Provided checksum '%s' does not match computed checksum '%s'", hash + 1,
                   computed);
      return false;
    }
  if (checksum != NULL)
    memcpy (checksum, computed, sizeof computed);
  *payload_len = len;
  return true;
}

/* ---- Parsing ------------------------------------------------------------- */

typedef struct
{
  const char *p;
  size_t len;
} Span;

/* Core's Func: whether s is name(...); if so s becomes the inside. */
static bool
func (const char *name, Span *s)
{
  size_t n = strlen (name);
  if (s->len >= n + 2 && s->p[n] == '(' && s->p[s->len - 1] == ')' && memcmp (s->p, name, n) == 0)
    {
      s->p += n + 1;
      s->len -= n + 2;
      return true;
    }
  return false;
}

/* Core's Expr: the leading expression of s, up to a ',' or closing bracket
 * at nesting level 0; s keeps what follows. */
static Span
expr (Span *s)
{
  int level = 0;
  size_t i = 0;
  for (; i < s->len; i++)
    {
      char c = s->p[i];
      if (c == '(' || c == '{')
        level++;
      else if (level && (c == ')' || c == '}'))
        level--;
      else if (level == 0 && (c == ')' || c == '}' || c == ','))
        break;
    }
  Span ret = { s->p, i };
  s->p += i;
  s->len -= i;
  return ret;
}

void
umk_descriptor_free (UmkDescriptor *desc)
{
  if (desc == NULL)
    return;
  if (desc->script)
    g_byte_array_unref (desc->script);
  g_free (desc->canonical);
  g_free (desc);
}

/* The functions Core knows that need keys or nested scripts. */
static const char *const keyed_functions[] = {
  "pk",   "pkh", "combo", "multi", "sortedmulti", "multi_a", "sortedmulti_a",
  "wpkh", "sh",  "wsh",   "tr",    "rawtr",
};

/* Core's ParseScript at the top level, for addr() and raw(). */
static UmkDescriptor *
parse_top (const UmkAddressParams *params, Span *s, GError **error)
{
  Span e = expr (s);
  Span inner = e;
  if (func ("addr", &inner))
    {
      g_autofree char *text = g_strndup (inner.p, inner.len);
      /* A NUL inside the text (impossible from a C string, but a length is
       * given) would cut the address short: refuse it. */
      GByteArray *script
          = strlen (text) == inner.len ? umk_address_to_script (params, text, NULL) : NULL;
      if (script == NULL)
        {
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Address is not valid");
          return NULL;
        }
      UmkDescriptor *d = g_new0 (UmkDescriptor, 1);
      d->type = UMK_DESCRIPTOR_ADDR;
      d->script = script;
      g_autofree char *address = umk_address_from_script (params, script->data, script->len);
      d->canonical = g_strdup_printf ("addr(%s)", address ? address : text);
      return d;
    }
  inner = e;
  if (func ("raw", &inner))
    {
      g_autofree char *text = g_strndup (inner.p, inner.len);
      if (strlen (text) != inner.len || !umk_hex_is_valid (text))
        {
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "Raw script is not hex");
          return NULL;
        }
      UmkDescriptor *d = g_new0 (UmkDescriptor, 1);
      d->type = UMK_DESCRIPTOR_RAW;
      d->script = umk_hex_decode (text, NULL);
      g_autofree char *hex = umk_hex_encode (d->script->data, d->script->len);
      d->canonical = g_strdup_printf ("raw(%s)", hex);
      return d;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (keyed_functions); i++)
    {
      inner = e;
      if (func (keyed_functions[i], &inner))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "%s() descriptors are not supported yet", keyed_functions[i]);
          return NULL;
        }
    }
  g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "'%.*s' is not a valid descriptor function",
               (int) e.len, e.p);
  return NULL;
}

UmkDescriptor *
umk_descriptor_parse (const UmkAddressParams *params, const char *text, bool require_checksum,
                      GError **error)
{
  size_t len;
  if (!umk_descriptor_check_checksum (text, require_checksum, &len, NULL, error))
    return NULL;
  Span s = { text, len };
  UmkDescriptor *d = parse_top (params, &s, error);
  if (d != NULL && s.len != 0)
    {
      /* Core leaves the message empty when text follows a whole expression. */
      umk_descriptor_free (d);
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID, "");
      return NULL;
    }
  return d;
}

char *
umk_descriptor_to_string (const UmkDescriptor *desc)
{
  return umk_descriptor_add_checksum (desc->canonical);
}
