/* umk-format.h — the window's words and numbers: time spans, the console's
 * command line and its replies, and the estimate of the sync time left.
 * Plain functions, no widgets, so that tests can check them directly. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns: a span of seconds in words, rounded down to its largest unit:
 * "45 seconds", "12 minutes", "5 hours", "3 days", "7 weeks",
 * "2 years and 10 weeks" (Core's formatNiceTimeOffset). */
char *umk_format_duration (gint64 seconds) G_GNUC_WARN_UNUSED_RESULT;

/* Splits a console line into words: blanks separate words; '…' keeps
 * everything literally; "…" keeps everything but \" and \\, which stand for
 * " and \; outside quotes a backslash takes the next character literally.
 * "" and '' make an empty word.
 * Returns: the words (none for a blank line), or NULL with error for an
 * unterminated quote or a backslash at the end. */
char **umk_console_split (const char *line, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Turns the JSON-RPC reply of an ExecuteRpc call into the console's text:
 * a string result as it is, null as "", anything else as JSON indented by
 * 2, and an error as "error code N: message".
 * Returns: the text; *is_error set when it is an error (or the reply is not
 * a reply at all, which is reported as such). */
char *umk_console_format_reply (const char *reply, gboolean *is_error) G_GNUC_WARN_UNUSED_RESULT;

/* The sync-time estimate: the verification progress sampled over time, the
 * remaining time extrapolated from the rate over the last minute. */
typedef struct _UmkSyncEstimate UmkSyncEstimate;

UmkSyncEstimate *umk_sync_estimate_new (void) G_GNUC_WARN_UNUSED_RESULT;
void umk_sync_estimate_free (UmkSyncEstimate *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkSyncEstimate, umk_sync_estimate_free)

/* Adds a sample: progress (0..1) seen at now_us (monotonic microseconds). */
void umk_sync_estimate_add (UmkSyncEstimate *e, gint64 now_us, double progress);
/* Forgets every sample (after a reconnect). */
void umk_sync_estimate_reset (UmkSyncEstimate *e);
/* Returns: the seconds left at the recent rate, or -1 while there is not
 * enough to go by (less than 10 seconds of samples, or no progress in the
 * last minute). */
gint64 umk_sync_estimate_remaining (const UmkSyncEstimate *e);

G_END_DECLS
