/* json.h — strict JSON through json-glib, for files on disk and, later, RPC.
 *
 * json-glib 1.6 (Debian 12) is lenient (see json.c); these wrappers accept
 * exactly RFC 8259 with a nesting limit, and write members the way Umkoin
 * Core's UniValue does ("key": value).
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* Deepest nesting of arrays and objects umk_json_parse() accepts. */
#define UMK_JSON_MAX_DEPTH 512

/* Parses text[0..len) as exactly one RFC 8259 JSON value (valid UTF-8, no
 * \u0000 in strings, integers within 64 bits, finite numbers, at most
 * UMK_JSON_MAX_DEPTH levels).
 * Returns: the value (sealed; unref with json_node_unref()), or NULL.
 * Out: duplicate (may be NULL): when the value is an object that names a key
 *      twice, the first such key (newly allocated); json-glib keeps only the
 *      last value of a repeated key, so callers that must refuse them check it. */
JsonNode *umk_json_parse (const char *text, gsize len, char **duplicate) G_GNUC_WARN_UNUSED_RESULT;

/* ---- Repeated keys --------------------------------------------------------
 *
 * UniValue keeps every member of an object, in order, repeated keys
 * included, and its find_value() and operator[] give the first value of a
 * key; a JsonObject keeps one value per key, the last. The parser below
 * keeps, beside the tree, what json-glib dropped: for each object that names
 * a key more than once, all its members as the text gave them. */

/* One member of an object as the text gave it. */
typedef struct
{
  const char *name;
  JsonNode *value;
} UmkJsonMember;

typedef struct _UmkJsonDuplicates UmkJsonDuplicates;

/* As umk_json_parse(), at any depth.
 * Out: dups (not NULL): NULL when no object of the value repeats a key, else
 *      a table (free with umk_json_duplicates_free()) that the functions
 *      below read, valid with or without the tree. */
JsonNode *umk_json_parse_full (const char *text, gsize len,
                               UmkJsonDuplicates **dups) G_GNUC_WARN_UNUSED_RESULT;
void umk_json_duplicates_free (UmkJsonDuplicates *dups);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkJsonDuplicates, umk_json_duplicates_free)

/* The functions below take dups NULL as "no repeated key anywhere".
 * Returns: when object (of the tree dups came with) repeats a key, all its
 *          members in text order with n_members set; else NULL. */
const UmkJsonMember *umk_json_duplicates_members (const UmkJsonDuplicates *dups, JsonObject *object,
                                                  guint *n_members);
/* Returns: the key of object whose second occurrence comes first in the
 *          text (the one a walk over the members finds repeated first), or
 *          NULL when object repeats none. */
const char *umk_json_duplicates_repeated (const UmkJsonDuplicates *dups, JsonObject *object);
/* Returns: the first value of name in object (UniValue's find_value), or
 *          NULL when object has no such member. */
JsonNode *umk_json_duplicates_first (const UmkJsonDuplicates *dups, JsonObject *object,
                                     const char *name);

/* Returns: node as indented JSON text (indent spaces per level, no trailing
 * newline), with "key": value members as UniValue writes them. */
char *umk_json_to_pretty (JsonNode *node, guint indent) G_GNUC_WARN_UNUSED_RESULT;

/* ---- UniValue-compatible output ------------------------------------------
 *
 * A streaming writer whose text is byte for byte what Umkoin Core's UniValue
 * write() gives: compact ({"a":1,"b":[true,null]}) or, with an indent, one
 * member per line with "key": value and UniValue's layout of empty containers
 * ("[\n]" at the top level). Strings are escaped as UniValue escapes them
 * (control characters, '"', '\\' and DEL; other bytes, UTF-8 included, as
 * they are), doubles are written with 16 significant digits as UniValue's
 * setFloat does (4.656542373906925e-10), integers in full. The RPC server
 * writes every reply with it, because clients and Core's tests compare
 * replies as text. Not thread-safe; one writer per thread. */
typedef struct _UmkJsonWriter UmkJsonWriter;

/* Returns: a new writer; indent 0 writes compact text, n > 0 indents nested
 * lines by n spaces per level (UniValue's write(n)). */
UmkJsonWriter *umk_json_writer_new (guint indent) G_GNUC_WARN_UNUSED_RESULT;
void umk_json_writer_free (UmkJsonWriter *w);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkJsonWriter, umk_json_writer_free)
/* Returns: the text written so far (owned by w, valid until the next call). */
const char *umk_json_writer_peek (const UmkJsonWriter *w, gsize *len);
/* Frees w and returns its text (free with g_free()). */
char *umk_json_writer_free_to_string (UmkJsonWriter *w, gsize *len) G_GNUC_WARN_UNUSED_RESULT;
/* Discards everything written, keeping the indent. */
void umk_json_writer_reset (UmkJsonWriter *w);

void umk_json_writer_begin_object (UmkJsonWriter *w);
void umk_json_writer_end_object (UmkJsonWriter *w);
void umk_json_writer_begin_array (UmkJsonWriter *w);
void umk_json_writer_end_array (UmkJsonWriter *w);
/* Names the next value of the current object. */
void umk_json_writer_key (UmkJsonWriter *w, const char *key);

void umk_json_writer_null (UmkJsonWriter *w);
void umk_json_writer_bool (UmkJsonWriter *w, gboolean value);
void umk_json_writer_int (UmkJsonWriter *w, gint64 value);
void umk_json_writer_uint (UmkJsonWriter *w, guint64 value);
void umk_json_writer_double (UmkJsonWriter *w, double value);
/* A NUL-terminated string (NULL writes null). */
void umk_json_writer_string (UmkJsonWriter *w, const char *value);
void umk_json_writer_string_len (UmkJsonWriter *w, const char *value, gsize len);
/* A number given as its JSON text, written as it is (Core's amounts, which
 * UniValue keeps as text: 50.00000000). */
void umk_json_writer_number_text (UmkJsonWriter *w, const char *number);
/* A whole value already written as JSON text by another writer with the same
 * indent (at the top level, or compact). */
void umk_json_writer_raw (UmkJsonWriter *w, const char *json, gsize len);
/* Any json-glib node: objects keep json-glib's member order (the order of
 * the text they were parsed from). */
void umk_json_writer_node (UmkJsonWriter *w, JsonNode *node);

/* Key and value in one call, for objects. */
void umk_json_writer_kv_string (UmkJsonWriter *w, const char *key, const char *value);
void umk_json_writer_kv_int (UmkJsonWriter *w, const char *key, gint64 value);
void umk_json_writer_kv_bool (UmkJsonWriter *w, const char *key, gboolean value);
void umk_json_writer_kv_double (UmkJsonWriter *w, const char *key, double value);

/* Returns: node as UniValue's write(indent) gives it. Free with g_free(). */
char *umk_json_write_node (JsonNode *node, guint indent) G_GNUC_WARN_UNUSED_RESULT;
/* Writes value as UniValue's setFloat does (16 significant digits, %g style)
 * into buf. Returns: buf. */
char *umk_json_format_double (double value, char buf[G_ASCII_DTOSTR_BUF_SIZE]);
