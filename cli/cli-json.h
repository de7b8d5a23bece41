/* cli-json.h — JSON values that read and write the way Umkoin Core's UniValue
 * does, for umkoin-cli.
 *
 * umkoin-cli passes numbers through as text (an amount typed as 0.1 must reach
 * the node as 0.1, not as the nearest double), keeps object members in order
 * and keeps repeated keys (-named can send "args" twice, as Core's does), and
 * prints replies byte for byte as Core's cli: UniValue's escapes, "key": value,
 * empty containers on two lines. json-glib keeps none of that, so the client
 * has this small tree; common/json.h stays the strict parser for files.
 *
 * Strings may hold NUL bytes (from \u0000), so they live in GStrings.
 */
#pragma once

#include <glib.h>

typedef enum
{
  CLI_JSON_NULL,
  CLI_JSON_OBJECT,
  CLI_JSON_ARRAY,
  CLI_JSON_STRING,
  CLI_JSON_NUMBER,
  CLI_JSON_BOOL,
} CliJsonType;

typedef struct _CliJson CliJson;

/* Constructors: each returns a new value to free with cli_json_free(). */
CliJson *cli_json_new_null (void) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_object (void) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_array (void) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_string (const char *s) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_string_len (const char *s, gsize len) G_GNUC_WARN_UNUSED_RESULT;
/* In: text  the number exactly as it should be written (not checked). */
CliJson *cli_json_new_number (const char *text) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_int (gint64 n) G_GNUC_WARN_UNUSED_RESULT;
CliJson *cli_json_new_bool (gboolean b) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: a deep copy of v. */
CliJson *cli_json_copy (const CliJson *v) G_GNUC_WARN_UNUSED_RESULT;
void cli_json_free (CliJson *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliJson, cli_json_free)

/* Parses text[0..len) as UniValue::read does: one value of any type, with
 * spaces, tabs, CR and LF around it, at most 512 levels deep, strings of
 * valid UTF-8 (surrogate pairs joined), numbers kept as written.
 * Returns: the value, or NULL when the text is not such JSON. */
CliJson *cli_json_read (const char *text, gsize len) G_GNUC_WARN_UNUSED_RESULT;

/* Appends v written as UniValue::write(pretty_indent) does: compact with 0,
 * else one member or element per line, indented pretty_indent per level. */
void cli_json_write (const CliJson *v, guint pretty_indent, GString *out);
/* Returns: cli_json_write() as a new string. */
char *cli_json_to_string (const CliJson *v, guint pretty_indent) G_GNUC_WARN_UNUSED_RESULT;

CliJsonType cli_json_type (const CliJson *v);
gboolean cli_json_is_null (const CliJson *v);
/* "null", "object", "array", "string", "number", "bool": UniValue's uvTypeName. */
const char *cli_json_type_name (CliJsonType type);

/* Members and elements. Lookups never fail: a missing member, a member of a
 * non-object and an element out of range are a shared null value (UniValue's
 * NullUniValue), never to be freed. */
gsize cli_json_size (const CliJson *v); /* elements or members; 0 for scalars */
const CliJson *cli_json_get (const CliJson *v, const char *key); /* first member named key */
const CliJson *cli_json_at (const CliJson *v, gsize index);
/* Returns: the key of member index of an object (a GString: keys may hold NULs). */
const GString *cli_json_key_at (const CliJson *v, gsize index);

/* Returns: the shared null value (UniValue's NullUniValue). */
const CliJson *cli_json_null (void);

/* Array: takes element. */
void cli_json_append (CliJson *array, CliJson *element);
/* Object: adds a member at the end even when key exists (UniValue::pushKVEnd). Takes value. */
void cli_json_push_end (CliJson *object, const char *key, CliJson *value);
/* Object: replaces the first member named key, else adds it at the end (pushKV). Takes value. */
void cli_json_push (CliJson *object, const char *key, CliJson *value);

/* UniValue::getValStr(): the text of a number, the bytes of a string ("1" or
 * "" for a bool), "" for null, arrays and objects. The GString form keeps NULs. */
const char *cli_json_val_str (const CliJson *v);
const GString *cli_json_val_gstring (const CliJson *v);

/* Typed getters with UniValue's errors (domain CLI_JSON_ERROR), which the cli
 * prints as "error: <message>":
 *   "JSON value of type <t> is not of expected type <u>" for a wrong type,
 *   "JSON integer out of range", "JSON double out of range". */
gboolean cli_json_get_int (const CliJson *v, int *out, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean cli_json_get_real (const CliJson *v, double *out,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the string, or NULL with the type error. */
const char *cli_json_get_str (const CliJson *v, GError **error) G_GNUC_WARN_UNUSED_RESULT;

#define CLI_JSON_ERROR (cli_json_error_quark ())
GQuark cli_json_error_quark (void);
