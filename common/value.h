/* value.h — JSON values that read and write the way Umkoin Core's UniValue
 * does: the model for RPC requests and replies.
 *
 * umkoin-cli uses it today; the node's RPC server should move to it from
 * json-glib (which loses numbers' text and repeated keys). It passes numbers
 * through as text (an amount typed as 0.1 must reach
 * the node as 0.1, not as the nearest double), keeps object members in order
 * and keeps repeated keys (-named can send "args" twice, as Core's does), and
 * prints replies byte for byte as Core's cli: UniValue's escapes, "key": value,
 * empty containers on two lines. json-glib keeps none of that, so this is a
 * small tree of its own; common/json.h stays the strict parser for files.
 *
 * Strings may hold NUL bytes (from \u0000), so they live in GStrings.
 */
#pragma once

#include <glib.h>

typedef enum
{
  UMK_VALUE_NULL,
  UMK_VALUE_OBJECT,
  UMK_VALUE_ARRAY,
  UMK_VALUE_STRING,
  UMK_VALUE_NUMBER,
  UMK_VALUE_BOOL,
} UmkValueType;

typedef struct _UmkValue UmkValue;

/* Constructors: each returns a new value to free with umk_value_free(). */
UmkValue *umk_value_new_null (void) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_object (void) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_array (void) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_string (const char *s) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_string_len (const char *s, gsize len) G_GNUC_WARN_UNUSED_RESULT;
/* In: text  the number exactly as it should be written (not checked). */
UmkValue *umk_value_new_number (const char *text) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_int (gint64 n) G_GNUC_WARN_UNUSED_RESULT;
UmkValue *umk_value_new_bool (gboolean b) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: a deep copy of v. */
UmkValue *umk_value_copy (const UmkValue *v) G_GNUC_WARN_UNUSED_RESULT;
void umk_value_free (UmkValue *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkValue, umk_value_free)

/* Parses text[0..len) as UniValue::read does: one value of any type, with
 * spaces, tabs, CR and LF around it, at most 512 levels deep, strings of
 * valid UTF-8 (surrogate pairs joined), numbers kept as written.
 * Returns: the value, or NULL when the text is not such JSON. */
UmkValue *umk_value_read (const char *text, gsize len) G_GNUC_WARN_UNUSED_RESULT;

/* Appends v written as UniValue::write(pretty_indent) does: compact with 0,
 * else one member or element per line, indented pretty_indent per level. */
void umk_value_write (const UmkValue *v, guint pretty_indent, GString *out);
/* Returns: umk_value_write() as a new string. */
char *umk_value_to_string (const UmkValue *v, guint pretty_indent) G_GNUC_WARN_UNUSED_RESULT;

UmkValueType umk_value_type (const UmkValue *v);
gboolean umk_value_is_null (const UmkValue *v);
/* "null", "object", "array", "string", "number", "bool": UniValue's uvTypeName. */
const char *umk_value_type_name (UmkValueType type);

/* Members and elements. Lookups never fail: a missing member, a member of a
 * non-object and an element out of range are a shared null value (UniValue's
 * NullUniValue), never to be freed. */
gsize umk_value_size (const UmkValue *v); /* elements or members; 0 for scalars */
const UmkValue *umk_value_get (const UmkValue *v, const char *key); /* first member named key */
const UmkValue *umk_value_at (const UmkValue *v, gsize index);
/* Returns: the key of member index of an object (a GString: keys may hold NULs). */
const GString *umk_value_key_at (const UmkValue *v, gsize index);

/* Returns: the shared null value (UniValue's NullUniValue). */
const UmkValue *umk_value_null (void);

/* Array: takes element. */
void umk_value_append (UmkValue *array, UmkValue *element);
/* Object: adds a member at the end even when key exists (UniValue::pushKVEnd). Takes value. */
void umk_value_push_end (UmkValue *object, const char *key, UmkValue *value);
/* Object: replaces the first member named key, else adds it at the end (pushKV). Takes value. */
void umk_value_push (UmkValue *object, const char *key, UmkValue *value);

/* UniValue::getValStr(): the text of a number, the bytes of a string ("1" or
 * "" for a bool), "" for null, arrays and objects. The GString form keeps NULs. */
const char *umk_value_val_str (const UmkValue *v);
const GString *umk_value_val_gstring (const UmkValue *v);

/* Typed getters with UniValue's errors (domain UMK_VALUE_ERROR), which the cli
 * prints as "error: <message>":
 *   "JSON value of type <t> is not of expected type <u>" for a wrong type,
 *   "JSON integer out of range", "JSON double out of range". */
gboolean umk_value_get_int (const UmkValue *v, int *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean umk_value_get_real (const UmkValue *v, double *out,
                             GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the string, or NULL with the type error. */
const char *umk_value_get_str (const UmkValue *v, GError **error) G_GNUC_WARN_UNUSED_RESULT;

#define UMK_VALUE_ERROR (umk_value_error_quark ())
GQuark umk_value_error_quark (void);
