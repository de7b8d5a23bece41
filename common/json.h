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

/* Returns: node as indented JSON text (indent spaces per level, no trailing
 * newline), with "key": value members as UniValue writes them. */
char *umk_json_to_pretty (JsonNode *node, guint indent) G_GNUC_WARN_UNUSED_RESULT;
