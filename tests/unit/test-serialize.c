/* Tests for the wire encoding: every read bounds-checked, CompactSize canonical. */
#include "config.h"

#include "common/error.h"
#include "common/serialize.h"
#include "test-util.h"

#include <string.h>

static void
test_integers (void)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_u8 (w, 0xab);
  umk_write_u16le (w, 0x1234);
  umk_write_u16be (w, 0x1234);
  umk_write_u32le (w, 0xdeadbeef);
  umk_write_i32le (w, -2);
  umk_write_u64le (w, 0x0102030405060708ull);
  umk_write_i64le (w, -1);
  const uint8_t want[]
      = { 0xab, 0x34, 0x12, 0x12, 0x34, 0xef, 0xbe, 0xad, 0xde, 0xfe, 0xff, 0xff, 0xff, 0x08, 0x07,
          0x06, 0x05, 0x04, 0x03, 0x02, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  g_assert_cmpmem (w->data, w->len, want, sizeof want);

  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  uint8_t u8;
  uint16_t u16a, u16b;
  uint32_t u32;
  int32_t i32;
  uint64_t u64;
  int64_t i64;
  g_assert_true (umk_read_u8 (&r, &u8) && umk_read_u16le (&r, &u16a) && umk_read_u16be (&r, &u16b)
                 && umk_read_u32le (&r, &u32) && umk_read_i32le (&r, &i32)
                 && umk_read_u64le (&r, &u64) && umk_read_i64le (&r, &i64));
  g_assert_cmphex (u8, ==, 0xab);
  g_assert_cmphex (u16a, ==, 0x1234);
  g_assert_cmphex (u16b, ==, 0x1234);
  g_assert_cmphex (u32, ==, 0xdeadbeef);
  g_assert_cmpint (i32, ==, -2);
  g_assert_cmphex (u64, ==, 0x0102030405060708ull);
  g_assert_cmpint (i64, ==, -1);
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  g_assert_true (umk_reader_ok (&r));
}

typedef struct
{
  const char *hex;
  UmkSerError error;
  uint64_t value;
} CompactCase;

static const CompactCase compact_cases[] = {
  { "00", UMK_SER_OK, 0 },
  { "fc", UMK_SER_OK, 252 },
  { "fdfd00", UMK_SER_OK, 253 },
  { "fdffff", UMK_SER_OK, 0xffff },
  { "fe00000100", UMK_SER_OK, 0x10000 },
  { "fe00000002", UMK_SER_OK, UMK_MAX_SIZE },
  { "fe01000002", UMK_SER_SIZE_TOO_LARGE, 0 },
  { "fdfc00", UMK_SER_NONCANONICAL, 0 },
  { "fd0000", UMK_SER_NONCANONICAL, 0 },
  { "feffff0000", UMK_SER_NONCANONICAL, 0 },
  { "ffffffffff00000000", UMK_SER_NONCANONICAL, 0 },
  { "ff0000000001000000", UMK_SER_SIZE_TOO_LARGE, 0 },
  { "", UMK_SER_TRUNCATED, 0 },
  { "fd", UMK_SER_TRUNCATED, 0 },
  { "fdff", UMK_SER_TRUNCATED, 0 },
  { "fe000001", UMK_SER_TRUNCATED, 0 },
  { "ff00000000010000", UMK_SER_TRUNCATED, 0 },
};

static void
test_compact_size (void)
{
  UmkTally t;
  umk_tally_init (&t, "CompactSize cases");
  for (size_t i = 0; i < G_N_ELEMENTS (compact_cases); i++)
    {
      const CompactCase *c = &compact_cases[i];
      g_autoptr (GByteArray) b = umk_test_hex (c->hex);
      UmkReader r;
      umk_reader_init (&r, b->data, b->len);
      uint64_t v = 12345;
      bool ok = umk_read_compact_size (&r, &v, true);
      bool pass
          = ok == (c->error == UMK_SER_OK) && r.error == c->error && (ok ? v == c->value : v == 0);
      umk_tally_case (&t, pass, "%s: error %d value %" G_GUINT64_FORMAT, c->hex, r.error, v);
    }
  umk_tally_finish (&t);

  /* Without the range check, large canonical values are fine. */
  g_autoptr (GByteArray) b = umk_test_hex ("ffffffffffffffffff");
  UmkReader r;
  umk_reader_init (&r, b->data, b->len);
  uint64_t v;
  g_assert_true (umk_read_compact_size (&r, &v, false));
  g_assert_cmphex (v, ==, UINT64_MAX);

  /* Writing then reading round-trips at every boundary. */
  const uint64_t values[]
      = { 0, 1, 252, 253, 254, 0xffff, 0x10000, 0xffffffffull, 0x100000000ull, UINT64_MAX };
  for (size_t i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GByteArray) w = g_byte_array_new ();
      umk_write_compact_size (w, values[i]);
      g_assert_cmpuint (w->len, ==, umk_compact_size_len (values[i]));
      umk_reader_init (&r, w->data, w->len);
      g_assert_true (umk_read_compact_size (&r, &v, false));
      g_assert_cmphex (v, ==, values[i]);
      g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
    }
}

static void
test_truncation_sticks (void)
{
  const uint8_t data[] = { 1, 2, 3 };
  UmkReader r;
  umk_reader_init (&r, data, sizeof data);
  uint32_t u32 = 99;
  g_assert_false (umk_read_u32le (&r, &u32));
  g_assert_cmpuint (u32, ==, 0);
  g_assert_cmpint (r.error, ==, UMK_SER_TRUNCATED);
  /* After a failure nothing more is read, even what would fit. */
  uint8_t u8 = 99;
  g_assert_false (umk_read_u8 (&r, &u8));
  g_assert_cmpuint (u8, ==, 0);
  g_assert_cmpuint (r.pos, ==, 0);
  g_assert_cmpstr (umk_reader_error_message (&r), ==, "end of data");

  g_autoptr (GError) error = NULL;
  umk_reader_set_error (&r, &error, "test value");
  g_assert_error (error, UMK_ERROR, UMK_ERROR_TRUNCATED);
  g_assert_cmpstr (error->message, ==, "test value: end of data at byte 0");

  /* A var-bytes length larger than what follows fails without reading. */
  const uint8_t vb[] = { 0x05, 'a', 'b' };
  umk_reader_init (&r, vb, sizeof vb);
  const uint8_t *view;
  size_t len;
  g_assert_false (umk_read_var_view (&r, &view, &len));
  g_assert_null (view);
  g_assert_cmpuint (len, ==, 0);
  /* A huge length claims no memory and is refused. */
  const uint8_t huge[] = { 0xfe, 0xff, 0xff, 0xff, 0xff };
  umk_reader_init (&r, huge, sizeof huge);
  g_assert_false (umk_read_var_view (&r, &view, &len));
  g_assert_cmpint (r.error, ==, UMK_SER_SIZE_TOO_LARGE);

  umk_reader_init (&r, NULL, 10);
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
  g_assert_false (umk_read_skip (&r, 1));

  umk_reader_init (&r, vb, sizeof vb);
  g_assert_false (umk_reader_fail (&r, UMK_SER_INVALID, "custom reason"));
  g_assert_false (umk_reader_fail (&r, UMK_SER_TRUNCATED, NULL)); /* first error wins */
  g_assert_cmpstr (umk_reader_error_message (&r), ==, "custom reason");
}

static void
test_var_bytes (void)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  uint8_t big[300];
  memset (big, 0x5a, sizeof big);
  umk_write_var_bytes (w, "xyz", 3);
  umk_write_var_bytes (w, big, sizeof big);
  umk_write_var_bytes (w, NULL, 0);
  g_assert_cmpuint (w->len, ==, 1 + 3 + 3 + 300 + 1);
  UmkReader r;
  umk_reader_init (&r, w->data, w->len);
  const uint8_t *v;
  size_t len;
  g_assert_true (umk_read_var_view (&r, &v, &len));
  g_assert_cmpmem (v, len, "xyz", 3);
  g_assert_true (umk_read_var_view (&r, &v, &len));
  g_assert_cmpmem (v, len, big, sizeof big);
  g_assert_true (umk_read_var_view (&r, &v, &len));
  g_assert_cmpuint (len, ==, 0);
  g_assert_cmpuint (umk_reader_remaining (&r), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/serialize/integers", test_integers);
  g_test_add_func ("/serialize/compact-size", test_compact_size);
  g_test_add_func ("/serialize/truncation-sticks", test_truncation_sticks);
  g_test_add_func ("/serialize/var-bytes", test_var_bytes);
  return g_test_run ();
}
