/* umk-format.c — the window's words and numbers (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-format.h"

#include "common/error.h"
#include "common/value.h"

#include <glib/gi18n.h>
#include <string.h>

/* ---- Durations ---------------------------------------------------------- */

#define MINUTE 60
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)
#define WEEK   (7 * DAY)
/* A Julian year, so that "1 year" stays right across leap years. */
#define YEAR ((gint64) (365.25 * DAY))

char *
umk_format_duration (gint64 seconds)
{
  if (seconds < 0)
    seconds = 0;
  if (seconds < MINUTE)
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d second", "%d seconds", (gulong) seconds), (int) seconds);
  if (seconds < HOUR)
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", (gulong) (seconds / MINUTE)),
        (int) (seconds / MINUTE));
  if (seconds < DAY)
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d hour", "%d hours", (gulong) (seconds / HOUR)),
        (int) (seconds / HOUR));
  if (seconds < WEEK)
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d day", "%d days", (gulong) (seconds / DAY)),
        (int) (seconds / DAY));
  if (seconds < YEAR)
    return g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE, "%d week", "%d weeks", (gulong) (seconds / WEEK)),
        (int) (seconds / WEEK));
  gint64 years = seconds / YEAR;
  gint64 weeks = (seconds % YEAR) / WEEK;
  g_autofree char *y = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d year", "%d years", (gulong) years), (int) years);
  g_autofree char *w = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d week", "%d weeks", (gulong) weeks), (int) weeks);
  /* TRANSLATORS: "2 years" and "10 weeks" */
  return g_strdup_printf (_ ("%s and %s"), y, w);
}

/* ---- The console's command line ---------------------------------------- */

char **
umk_console_split (const char *line, GError **error)
{
  g_return_val_if_fail (line != NULL, NULL);

  g_autoptr (GStrvBuilder) words = g_strv_builder_new ();
  g_autoptr (GString) word = g_string_new (NULL);
  gboolean in_word = FALSE; /* a word has begun, even if empty so far ("") */
  const char *p = line;

  while (*p != '\0')
    {
      char c = *p;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          if (in_word)
            {
              g_strv_builder_add (words, word->str);
              g_string_truncate (word, 0);
              in_word = FALSE;
            }
          p++;
          continue;
        }
      in_word = TRUE;
      if (c == '\'')
        {
          const char *end = strchr (p + 1, '\'');
          if (end == NULL)
            {
              g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                                   _ ("Unterminated quote (')"));
              return NULL;
            }
          g_string_append_len (word, p + 1, end - (p + 1));
          p = end + 1;
        }
      else if (c == '"')
        {
          p++;
          while (*p != '"')
            {
              if (*p == '\0')
                {
                  g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                                       _ ("Unterminated quote (\")"));
                  return NULL;
                }
              /* Only \" and \\ are escapes: a JSON text such as "{\"a\":1}"
               * needs them, and other backslashes stay for JSON itself. */
              if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
                p++;
              g_string_append_c (word, *p);
              p++;
            }
          p++;
        }
      else if (c == '\\')
        {
          if (p[1] == '\0')
            {
              g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                                   _ ("A backslash at the end of the line"));
              return NULL;
            }
          g_string_append_c (word, p[1]);
          p += 2;
        }
      else
        {
          g_string_append_c (word, c);
          p++;
        }
    }
  if (in_word)
    g_strv_builder_add (words, word->str);
  return g_strv_builder_end (words);
}

char *
umk_console_format_reply (const char *reply, gboolean *is_error)
{
  g_return_val_if_fail (reply != NULL && is_error != NULL, NULL);

  g_autoptr (UmkValue) v = umk_value_read (reply, strlen (reply));
  if (v == NULL || umk_value_type (v) != UMK_VALUE_OBJECT)
    {
      *is_error = TRUE;
      return g_strdup_printf (_ ("The node sent a reply that is not JSON-RPC: %s"), reply);
    }

  const UmkValue *err = umk_value_get (v, "error");
  if (!umk_value_is_null (err))
    {
      *is_error = TRUE;
      const UmkValue *code = umk_value_get (err, "code");
      const UmkValue *message = umk_value_get (err, "message");
      if (umk_value_type (code) == UMK_VALUE_NUMBER && umk_value_type (message) == UMK_VALUE_STRING)
        return g_strdup_printf (_ ("error code %s: %s"), umk_value_val_str (code),
                                umk_value_val_str (message));
      /* Not Core's shape: show it whole rather than guess. */
      return umk_value_to_string (err, 2);
    }

  *is_error = FALSE;
  const UmkValue *result = umk_value_get (v, "result");
  switch (umk_value_type (result))
    {
    case UMK_VALUE_NULL:
      return g_strdup ("");
    case UMK_VALUE_STRING:
      return g_strdup (umk_value_val_str (result));
    default:
      /* UmkValue keeps numbers as the node wrote them (50.00000000 stays
       * so), which a double-based writer would not. */
      return umk_value_to_string (result, 2);
    }
}

/* ---- Sync estimate ----------------------------------------------------- */

/* Samples older than this are dropped: the rate is the recent one. */
#define WINDOW_US (60 * G_USEC_PER_SEC)
/* Less than this between the oldest and newest sample is too little. */
#define MIN_SPAN_US (10 * G_USEC_PER_SEC)

typedef struct
{
  gint64 time_us;
  double progress;
} Sample;

struct _UmkSyncEstimate
{
  GArray *samples; /* Sample, oldest first */
};

UmkSyncEstimate *
umk_sync_estimate_new (void)
{
  UmkSyncEstimate *e = g_new0 (UmkSyncEstimate, 1);
  e->samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  return e;
}

void
umk_sync_estimate_free (UmkSyncEstimate *e)
{
  if (e == NULL)
    return;
  g_array_unref (e->samples);
  g_free (e);
}

void
umk_sync_estimate_reset (UmkSyncEstimate *e)
{
  g_array_set_size (e->samples, 0);
}

void
umk_sync_estimate_add (UmkSyncEstimate *e, gint64 now_us, double progress)
{
  Sample s = { now_us, progress };
  g_array_append_val (e->samples, s);
  /* Keep one sample at or before the window's start, so the span covers the
   * whole window even when tips arrive seconds apart. */
  guint drop = 0;
  while (drop + 1 < e->samples->len
         && g_array_index (e->samples, Sample, drop + 1).time_us <= now_us - WINDOW_US)
    drop++;
  if (drop > 0)
    g_array_remove_range (e->samples, 0, drop);
}

gint64
umk_sync_estimate_remaining (const UmkSyncEstimate *e)
{
  if (e->samples->len < 2)
    return -1;
  const Sample *first = &g_array_index (e->samples, Sample, 0);
  const Sample *last = &g_array_index (e->samples, Sample, e->samples->len - 1);
  gint64 span = last->time_us - first->time_us;
  double done = last->progress - first->progress;
  if (span < MIN_SPAN_US || done <= 0)
    return -1;
  double rate = done / ((double) span / G_USEC_PER_SEC); /* progress per second */
  double left = (1.0 - last->progress) / rate;
  if (left < 0)
    left = 0;
  if (left > (double) G_MAXINT64 / 2)
    return -1;
  return (gint64) left;
}
