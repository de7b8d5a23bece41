/* test-util.h — helpers shared by the unit tests: vector files and tallies. */
#pragma once

#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>
#include <stdint.h>

/* Path of a file in tests/data (found through G_TEST_SRCDIR). */
char *umk_test_data_path (const char *name);
/* Whole contents of a tests/data file; aborts the test if it cannot be read. */
GBytes *umk_test_load_bytes (const char *name);
/* Parses a tests/data JSON file; aborts the test on a read or parse error. */
JsonNode *umk_test_load_json (const char *name);

/* Counts the cases of one vector file. Every case calls umk_tally_case(); a
 * failed case is reported with its index and reason but does not stop the run,
 * so the final line tells how many of how many passed. */
typedef struct
{
  const char *file;
  unsigned passed;
  unsigned total;
} UmkTally;

void umk_tally_init (UmkTally *t, const char *file);
/* Records one case. fmt (printf-style) explains a failure; ignored on success. */
bool umk_tally_case (UmkTally *t, bool ok, const char *fmt, ...) G_GNUC_PRINTF (3, 4);
/* Prints "<file>: N of M cases passed" and fails the test unless N == M and M > 0. */
void umk_tally_finish (UmkTally *t);
/* As umk_tally_finish(), and also fails unless M == expected_total. */
void umk_tally_finish_expect (UmkTally *t, unsigned expected_total);

/* True for a vector-file entry that is a comment: an array holding one string. */
bool umk_test_json_is_comment (JsonNode *entry);

/* A new empty directory under the system's temporary folder (umk-test-XXXXXX). */
char *umk_test_make_tmpdir (void);
/* Removes path and everything below it, without following symbolic links. */
void umk_test_rm_rf (const char *path);

/* A new buffer of len random bytes from rand (one spare byte allocated, so a
 * zero length is still a valid pointer). Free with g_free(). */
uint8_t *umk_test_random_bytes (GRand *rand, size_t len);

/* Decodes hex for a test; aborts the test on bad hex. */
GByteArray *umk_test_hex (const char *hex);

/* Iterates the default main context until cond holds; fails the test after
 * 20 s. For tests that wait for a real process or connection. */
#define UMK_TEST_WAIT_UNTIL(cond)                                     \
  G_STMT_START                                                        \
  {                                                                   \
    gint64 deadline_ = g_get_monotonic_time () + 20 * G_USEC_PER_SEC; \
    while (!(cond))                                                   \
      {                                                               \
        if (g_get_monotonic_time () > deadline_)                      \
          g_error ("timed out waiting for %s", #cond);                \
        if (!g_main_context_iteration (NULL, FALSE))                  \
          g_usleep (500);                                             \
      }                                                               \
  }                                                                   \
  G_STMT_END

/* A GAsyncReadyCallback that keeps a reference to the result in
 * *(GAsyncResult **) user_data, for UMK_TEST_WAIT_UNTIL (result != NULL). */
void umk_test_store_result (GObject *source, GAsyncResult *result, gpointer user_data);
