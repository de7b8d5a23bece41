/* logging.h — debug.log and the console log, with Umkoin Core's format and
 * options.
 *
 * Lines look like Core's:
 *
 *   2026-11-29T07:44:25Z [thread] [file:line] [func] [net] message
 *
 * where the timestamp (-logtimestamps, on by default; -logtimemicros adds
 * ".123456"), thread name (-logthreadnames) and source location
 * (-logsourcelocations) are optional, and the prefix in brackets tells the
 * category and level: "[net]" for debug messages of a category, "[net:trace]",
 * "[warning]", "[error]", nothing for plain info messages ("[all:info]" and so
 * on with -loglevelalways).
 *
 * Info, warning and error messages are always written; debug and trace
 * messages only for the categories enabled with -debug=<category> (minus
 * -debugexclude) and at or above the -loglevel. Messages logged before
 * umk_log_start() are kept in memory (up to about 1 MB) and written when the
 * file opens. All functions are thread-safe.
 *
 * GLib's own messages (g_warning, g_message, g_debug ...) can be routed here
 * with umk_log_install_glib_writer(): a log domain "umk-<category>" (e.g.
 * G_LOG_DOMAIN "umk-net") maps to that category, any other domain is written
 * as "<domain>: <message>" and its debug messages only appear with -debug=all.
 */
#pragma once

#include "common/args.h"

#include <glib.h>
#include <stdint.h>

#define UMK_DEFAULT_DEBUGLOGFILE "debug.log"

/* A set of categories (bit mask), Core's BCLog::LogFlags. */
typedef uint64_t UmkLogCategory;

#define UMK_LOG_NONE        ((UmkLogCategory) 0)
#define UMK_LOG_NET         (UINT64_C (1) << 0)
#define UMK_LOG_TOR         (UINT64_C (1) << 1)
#define UMK_LOG_MEMPOOL     (UINT64_C (1) << 2)
#define UMK_LOG_HTTP        (UINT64_C (1) << 3)
#define UMK_LOG_BENCH       (UINT64_C (1) << 4)
#define UMK_LOG_ZMQ         (UINT64_C (1) << 5)
#define UMK_LOG_WALLETDB    (UINT64_C (1) << 6)
#define UMK_LOG_RPC         (UINT64_C (1) << 7)
#define UMK_LOG_ESTIMATEFEE (UINT64_C (1) << 8)
#define UMK_LOG_ADDRMAN     (UINT64_C (1) << 9)
#define UMK_LOG_SELECTCOINS (UINT64_C (1) << 10)
#define UMK_LOG_REINDEX     (UINT64_C (1) << 11)
#define UMK_LOG_CMPCTBLOCK  (UINT64_C (1) << 12)
#define UMK_LOG_RAND        (UINT64_C (1) << 13)
#define UMK_LOG_PRUNE       (UINT64_C (1) << 14)
#define UMK_LOG_PROXY       (UINT64_C (1) << 15)
#define UMK_LOG_MEMPOOLREJ  (UINT64_C (1) << 16)
#define UMK_LOG_LIBEVENT    (UINT64_C (1) << 17)
#define UMK_LOG_COINDB      (UINT64_C (1) << 18)
#define UMK_LOG_QT          (UINT64_C (1) << 19)
#define UMK_LOG_LEVELDB     (UINT64_C (1) << 20)
#define UMK_LOG_VALIDATION  (UINT64_C (1) << 21)
#define UMK_LOG_I2P         (UINT64_C (1) << 22)
#define UMK_LOG_IPC         (UINT64_C (1) << 23)
/* bit 24 is Core's "lock", only in its lock-contention debug builds */
#define UMK_LOG_BLOCKSTORAGE     (UINT64_C (1) << 25)
#define UMK_LOG_TXRECONCILIATION (UINT64_C (1) << 26)
#define UMK_LOG_SCAN             (UINT64_C (1) << 27)
#define UMK_LOG_TXPACKAGES       (UINT64_C (1) << 28)
#define UMK_LOG_KERNEL           (UINT64_C (1) << 29)
#define UMK_LOG_PRIVATEBROADCAST (UINT64_C (1) << 30)
#define UMK_LOG_ALL              (~UMK_LOG_NONE)

/* Severity, lowest first (Core's BCLog::Level). */
typedef enum
{
  UMK_LOG_LEVEL_TRACE,
  UMK_LOG_LEVEL_DEBUG,
  UMK_LOG_LEVEL_INFO,
  UMK_LOG_LEVEL_WARNING,
  UMK_LOG_LEVEL_ERROR,
} UmkLogLevel;

/* ---- Writing ------------------------------------------------------------ */

/* Logs one message (a '\n' is added unless it ends with one; control
 * characters other than '\n' are written as \xNN). Use the macros below.
 * In: category (UMK_LOG_ALL for none), level, ratelimit (TRUE for the
 *     unconditional info/warning/error messages, which -logratelimit may
 *     suppress when one source line floods the disk), file, line, func, fmt. */
void umk_log_print (UmkLogCategory category, UmkLogLevel level, gboolean ratelimit,
                    const char *file, int line, const char *func, const char *fmt, ...)
    G_GNUC_PRINTF (7, 8);

/* Returns: TRUE when a message of this category and level would be written:
 * always for info and above, else when the category is enabled and the level
 * reaches the category's (or the global) -loglevel. Lock-free for the common
 * case. */
gboolean umk_log_will_log (UmkLogCategory category, UmkLogLevel level);

/* Debug/trace messages of a category; the arguments are not evaluated when
 * the category is off. */
#define UMK_LOG_DEBUG(category, ...)                                                        \
  G_STMT_START                                                                              \
  {                                                                                         \
    if (umk_log_will_log ((category), UMK_LOG_LEVEL_DEBUG))                                 \
      umk_log_print ((category), UMK_LOG_LEVEL_DEBUG, FALSE, __FILE__, __LINE__, G_STRFUNC, \
                     __VA_ARGS__);                                                          \
  }                                                                                         \
  G_STMT_END
#define UMK_LOG_TRACE(category, ...)                                                        \
  G_STMT_START                                                                              \
  {                                                                                         \
    if (umk_log_will_log ((category), UMK_LOG_LEVEL_TRACE))                                 \
      umk_log_print ((category), UMK_LOG_LEVEL_TRACE, FALSE, __FILE__, __LINE__, G_STRFUNC, \
                     __VA_ARGS__);                                                          \
  }                                                                                         \
  G_STMT_END

/* Unconditional messages (Core's LogInfo, LogWarning, LogError). */
#define umk_log_info(...) \
  umk_log_print (UMK_LOG_ALL, UMK_LOG_LEVEL_INFO, TRUE, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)
#define umk_log_warning(...)                                                              \
  umk_log_print (UMK_LOG_ALL, UMK_LOG_LEVEL_WARNING, TRUE, __FILE__, __LINE__, G_STRFUNC, \
                 __VA_ARGS__)
#define umk_log_error(...) \
  umk_log_print (UMK_LOG_ALL, UMK_LOG_LEVEL_ERROR, TRUE, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)

/* ---- Set-up ------------------------------------------------------------- */

/* Registers -debug, -debugexclude, -debuglogfile, -logips, -loglevel,
 * -logtimestamps, -logthreadnames, -logsourcelocations, -logtimemicros,
 * -loglevelalways, -logratelimit, -printtoconsole and -shrinkdebugfile. */
void umk_log_add_options (UmkArgs *args);

/* Applies the logging options (Core's SetLoggingOptions, SetLoggingCategories
 * and SetLoggingLevel). The log file is -debuglogfile (default debug.log),
 * relative to net_datadir; -nodebuglogfile disables it. Nothing is opened yet.
 * Returns: FALSE with Core's message for an unknown -debug/-debugexclude
 * category ("Unsupported logging category -debug=foo.") or a bad -loglevel.
 * In: args, net_datadir (may be NULL with -nodebuglogfile or an absolute
 *     -debuglogfile), default_print_to_console (-printtoconsole's default:
 *     TRUE for a program running in the foreground). */
gboolean umk_log_configure (const UmkArgs *args, const char *net_datadir,
                            gboolean default_print_to_console,
                            GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Shrinks debug.log if asked (-shrinkdebugfile, default on unless -debug:
 * a file over 11 MB keeps its last 10 MB), opens it for appending, and writes
 * out the messages logged so far.
 * Returns: FALSE with "Could not open debug log file <path>". */
gboolean umk_log_start (GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* umk_log_configure() then umk_log_start(). */
gboolean umk_log_setup (const UmkArgs *args, const char *net_datadir,
                        gboolean default_print_to_console,
                        GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Closes the file and returns to the initial state (buffering, no categories,
 * default options), e.g. between tests. */
void umk_log_shutdown (void);

/* Makes the next message reopen the file (after log rotation, on SIGHUP). */
void umk_log_reopen (void);

/* Sends GLib's messages (g_warning, g_debug, ...) of this process to this log.
 * Warnings and errors still reach stderr when the console log is off.
 * Idempotent. */
void umk_log_install_glib_writer (void);

/* Called with every formatted line (with its '\n') once logging started.
 * Runs under the logger's lock: it must not log. */
typedef void (*UmkLogCallback) (const char *line, gpointer user_data);
/* Returns: an id for umk_log_remove_callback(). */
guint umk_log_add_callback (UmkLogCallback callback, gpointer user_data);
void umk_log_remove_callback (guint id);

/* ---- Categories and levels (also for the `logging` RPC) ------------------ */

/* Returns: TRUE when any category in c is enabled. */
gboolean umk_log_category_enabled (UmkLogCategory c);
UmkLogCategory umk_log_get_category_mask (void);
/* Returns: the category names, sorted, NULL-terminated (static). */
const char *const *umk_log_category_names (void);
/* Returns: the names joined by ", " (for help and error texts). Newly allocated. */
char *umk_log_categories_string (void) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: TRUE with the category of a name; "", "1" and "all" mean all.
 * Out: out (may be NULL). */
gboolean umk_log_category_from_name (const char *name, UmkLogCategory *out);
/* Returns: the name of one category bit, "all" for UMK_LOG_ALL, else NULL. */
const char *umk_log_category_to_name (UmkLogCategory c);
/* Enables or disables a category by name (Core's Enable/DisableCategory).
 * Returns: FALSE for an unknown name. */
gboolean umk_log_set_category (const char *name, gboolean enabled);

/* Returns: "trace", "debug", "info", "warning" or "error". */
const char *umk_log_level_name (UmkLogLevel level);
/* Sets the global level from "info", "debug" or "trace".
 * Returns: FALSE for another name. */
gboolean umk_log_set_level (const char *level);
UmkLogLevel umk_log_get_level (void);
/* Sets a category's own level ("net", "trace").
 * Returns: FALSE for an unknown category or level. */
gboolean umk_log_set_category_level (const char *category, const char *level);

/* ---- Small things ------------------------------------------------------- */

/* Returns: -logips: whether peer addresses may appear in the log. */
gboolean umk_log_ips (void);
/* Names the calling thread in -logthreadnames output (default: the OS thread
 * name, which GLib sets from g_thread_new's name). The name is copied. */
void umk_log_set_thread_name (const char *name);
/* Shows " (mocktime: ...)" after timestamps while a mock time (seconds since
 * the epoch, 0 for none) is set, as Core does under -mocktime. */
void umk_log_set_mocktime (gint64 seconds);
/* Sets the rate limit (-logratelimit): at most max_bytes per source line per
 * window_seconds; 0 turns it off. umk_log_configure() sets Core's default
 * (1 MiB per hour) unless -nologratelimit. */
void umk_log_set_rate_limit (guint64 max_bytes, guint window_seconds);
