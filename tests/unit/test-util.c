#include "config.h"

#include "test-util.h"

#include "common/hex.h"

#include <glib/gstdio.h>
#include <stdarg.h>

char *
umk_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

GBytes *
umk_test_load_bytes (const char *name)
{
  g_autofree char *path = umk_test_data_path (name);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, &error))
    g_error ("cannot read test data %s: %s", path, error->message);
  return g_bytes_new_take (contents, len);
}

JsonNode *
umk_test_load_json (const char *name)
{
  g_autofree char *path = umk_test_data_path (name);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  if (!json_parser_load_from_file (parser, path, &error))
    g_error ("cannot parse test data %s: %s", path, error->message);
  return json_node_copy (json_parser_get_root (parser));
}

void
umk_tally_init (UmkTally *t, const char *file)
{
  t->file = file;
  t->passed = 0;
  t->total = 0;
}

bool
umk_tally_case (UmkTally *t, bool ok, const char *fmt, ...)
{
  t->total++;
  if (ok)
    {
      t->passed++;
      return true;
    }
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *why = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_test_message ("%s case %u FAILED: %s", t->file, t->total - 1, why);
  return false;
}

void
umk_tally_finish (UmkTally *t)
{
  g_test_message ("%s: %u of %u cases passed", t->file, t->passed, t->total);
  g_assert_cmpuint (t->total, >, 0);
  g_assert_cmpuint (t->passed, ==, t->total);
}

void
umk_tally_finish_expect (UmkTally *t, unsigned expected_total)
{
  umk_tally_finish (t);
  g_assert_cmpuint (t->total, ==, expected_total);
}

bool
umk_test_json_is_comment (JsonNode *entry)
{
  if (!JSON_NODE_HOLDS_ARRAY (entry))
    return false;
  JsonArray *a = json_node_get_array (entry);
  return json_array_get_length (a) == 1
         && json_node_get_value_type (json_array_get_element (a, 0)) == G_TYPE_STRING;
}

GByteArray *
umk_test_hex (const char *hex)
{
  g_autoptr (GError) error = NULL;
  GByteArray *b = umk_hex_decode (hex, &error);
  if (b == NULL)
    g_error ("bad hex in test: %s", error->message);
  return b;
}

char *
umk_test_make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("umk-test-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

void
umk_test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          umk_test_rm_rf (child);
        }
    }
  g_remove (path);
}

uint8_t *
umk_test_random_bytes (GRand *rand, size_t len)
{
  uint8_t *buf = g_malloc (len + 1);
  for (size_t k = 0; k < len; k++)
    buf[k] = (uint8_t) g_rand_int (rand);
  return buf;
}

void
umk_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  (void) source;
  *(GAsyncResult **) user_data = g_object_ref (result);
}
