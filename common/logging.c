#define G_LOG_DOMAIN "umk-log"
#include "config.h"

#include "common/logging.h"

#include "common/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Nothing in this file may call g_warning() and friends: with the GLib
 * writer installed they would come back here, possibly under our lock. */

/* ---- Categories ---------------------------------------------------------- */

static const struct
{
  const char *name;
  UmkLogCategory flag;
} categories_by_name[] = {
  /* Sorted by name, as Core lists them. */
  { "addrman", UMK_LOG_ADDRMAN },
  { "bench", UMK_LOG_BENCH },
  { "blockstorage", UMK_LOG_BLOCKSTORAGE },
  { "cmpctblock", UMK_LOG_CMPCTBLOCK },
  { "coindb", UMK_LOG_COINDB },
  { "estimatefee", UMK_LOG_ESTIMATEFEE },
  { "http", UMK_LOG_HTTP },
  { "i2p", UMK_LOG_I2P },
  { "ipc", UMK_LOG_IPC },
  { "kernel", UMK_LOG_KERNEL },
  { "leveldb", UMK_LOG_LEVELDB },
  { "libevent", UMK_LOG_LIBEVENT },
  { "mempool", UMK_LOG_MEMPOOL },
  { "mempoolrej", UMK_LOG_MEMPOOLREJ },
  { "net", UMK_LOG_NET },
  { "privatebroadcast", UMK_LOG_PRIVATEBROADCAST },
  { "proxy", UMK_LOG_PROXY },
  { "prune", UMK_LOG_PRUNE },
  { "qt", UMK_LOG_QT },
  { "rand", UMK_LOG_RAND },
  { "reindex", UMK_LOG_REINDEX },
  { "rpc", UMK_LOG_RPC },
  { "scan", UMK_LOG_SCAN },
  { "selectcoins", UMK_LOG_SELECTCOINS },
  { "tor", UMK_LOG_TOR },
  { "txpackages", UMK_LOG_TXPACKAGES },
  { "txreconciliation", UMK_LOG_TXRECONCILIATION },
  { "validation", UMK_LOG_VALIDATION },
  { "walletdb", UMK_LOG_WALLETDB },
  { "zmq", UMK_LOG_ZMQ },
};

#define N_CATEGORIES G_N_ELEMENTS (categories_by_name)

/* GLib debug messages from domains that are not a category use a bit no
 * category has, so that only "-debug" / "-debug=all" (all bits) shows them. */
#define UMK_LOG_OTHER (UINT64_C (1) << 63)

static const char *const category_names[N_CATEGORIES + 1] = {
  "addrman",
  "bench",
  "blockstorage",
  "cmpctblock",
  "coindb",
  "estimatefee",
  "http",
  "i2p",
  "ipc",
  "kernel",
  "leveldb",
  "libevent",
  "mempool",
  "mempoolrej",
  "net",
  "privatebroadcast",
  "proxy",
  "prune",
  "qt",
  "rand",
  "reindex",
  "rpc",
  "scan",
  "selectcoins",
  "tor",
  "txpackages",
  "txreconciliation",
  "validation",
  "walletdb",
  "zmq",
  NULL,
};

const char *const *
umk_log_category_names (void)
{
  return category_names;
}

char *
umk_log_categories_string (void)
{
  return g_strjoinv (", ", (char **) category_names);
}

gboolean
umk_log_category_from_name (const char *name, UmkLogCategory *out)
{
  if (name == NULL)
    return FALSE;
  UmkLogCategory flag = UMK_LOG_NONE;
  if (name[0] == '\0' || strcmp (name, "1") == 0 || strcmp (name, "all") == 0)
    flag = UMK_LOG_ALL;
  else
    for (unsigned i = 0; i < N_CATEGORIES; i++)
      if (strcmp (name, categories_by_name[i].name) == 0)
        flag = categories_by_name[i].flag;
  if (flag == UMK_LOG_NONE)
    return FALSE;
  if (out)
    *out = flag;
  return TRUE;
}

const char *
umk_log_category_to_name (UmkLogCategory c)
{
  if (c == UMK_LOG_ALL)
    return "all";
  for (unsigned i = 0; i < N_CATEGORIES; i++)
    if (categories_by_name[i].flag == c)
      return categories_by_name[i].name;
  return NULL;
}

/* ---- Levels -------------------------------------------------------------- */

static const char *const level_names[] = { "trace", "debug", "info", "warning", "error" };

const char *
umk_log_level_name (UmkLogLevel level)
{
  g_return_val_if_fail ((unsigned) level < G_N_ELEMENTS (level_names), NULL);
  return level_names[level];
}

static int
level_from_name (const char *name)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (level_names); i++)
    if (strcmp (name, level_names[i]) == 0)
      return (int) i;
  return -1;
}

/* Users may only lower the threshold to info at most (Core:
 * MAX_USER_SETABLE_SEVERITY_LEVEL). */
static int
user_level_from_name (const char *name)
{
  int level = level_from_name (name);
  return level > UMK_LOG_LEVEL_INFO ? -1 : level;
}

#define LEVELS_STRING "info, debug, trace"

/* ---- State --------------------------------------------------------------- */

/* Read without the lock on every UMK_LOG_DEBUG, so atomics. */
static _Atomic uint64_t category_mask;
static atomic_int global_level = UMK_LOG_LEVEL_DEBUG;
/* Per-category level plus one, 0 when none (so that zero-initialised means
 * none); index 64 is Core's "all" entry, which only applies to messages
 * logged with UMK_LOG_ALL. */
static atomic_int category_levels[65];
static atomic_bool category_levels_set;
static atomic_bool log_ips;
static _Atomic gint64 mocktime;
static atomic_bool reopen_file;

typedef struct
{
  gint64 when_us;
  gint64 mocktime;
  char *str;
  char *thread_name;
  char *file;
  char *func;
  int line;
  UmkLogCategory category;
  UmkLogLevel level;
} BufferedLog;

typedef struct
{
  guint id;
  UmkLogCallback fn;
  gpointer data;
} Callback;

typedef struct
{
  char *file;
  char *func;
  int line;
  guint64 available;
  guint64 dropped;
} LimitStats;

/* Memory kept for messages logged before the file opens (Core: 1 MB). */
#define MAX_BUFFER_BYTES 1000000
/* -shrinkdebugfile keeps this much of a debug.log over 110% of it. */
#define RECENT_DEBUG_HISTORY_SIZE 10000000
#define DEFAULT_RATELIMIT_BYTES   (1024 * 1024)
#define DEFAULT_RATELIMIT_WINDOW  3600

static GMutex log_lock;

/* Everything below is guarded by log_lock. */
static struct
{
  gboolean buffering;
  GQueue buffer; /* BufferedLog * */
  size_t buffer_bytes;
  size_t discarded;

  FILE *file;
  char *file_path;
  gboolean print_to_file;
  gboolean print_to_console;
  gboolean timestamps;
  gboolean time_micros;
  gboolean thread_names;
  gboolean source_locations;
  gboolean always_print_category_level;
  gboolean shrink;

  GArray *callbacks; /* Callback */
  guint next_callback_id;

  guint64 limit_bytes; /* 0: no rate limiting */
  guint limit_window;
  gint64 limit_window_start_us;
  GHashTable *limit_stats; /* "file:line" -> LimitStats * */
  gboolean suppression_active;
} L = {
  .buffering = TRUE,
  .buffer = G_QUEUE_INIT,
  .timestamps = TRUE,
};

static GPrivate thread_name_key = G_PRIVATE_INIT (g_free);

void
umk_log_set_thread_name (const char *name)
{
  g_private_replace (&thread_name_key, g_strdup (name));
}

static char *
current_thread_name (void)
{
  const char *name = g_private_get (&thread_name_key);
  if (name)
    return g_strdup (name);
  char buf[64] = "";
  if (pthread_getname_np (pthread_self (), buf, sizeof buf) != 0)
    buf[0] = '\0';
  return g_strdup (buf);
}

static void
buffered_log_free (gpointer p)
{
  BufferedLog *b = p;
  g_free (b->str);
  g_free (b->thread_name);
  g_free (b->file);
  g_free (b->func);
  g_free (b);
}

static size_t
buffered_log_usage (const BufferedLog *b)
{
  /* Roughly what the entry costs, as Core's MemUsage estimates it. */
  return sizeof *b + strlen (b->str) + strlen (b->thread_name) + 64;
}

static void
limit_stats_free (gpointer p)
{
  LimitStats *s = p;
  g_free (s->file);
  g_free (s->func);
  g_free (s);
}

/* ---- Checks -------------------------------------------------------------- */

gboolean
umk_log_category_enabled (UmkLogCategory c)
{
  return (atomic_load_explicit (&category_mask, memory_order_relaxed) & c) != 0;
}

UmkLogCategory
umk_log_get_category_mask (void)
{
  return atomic_load (&category_mask);
}

static int
category_level_index (UmkLogCategory c)
{
  if (c == UMK_LOG_ALL)
    return 64;
  if (c != 0 && (c & (c - 1)) == 0)
    return __builtin_ctzll (c);
  return -1;
}

gboolean
umk_log_will_log (UmkLogCategory category, UmkLogLevel level)
{
  /* Info, warnings and errors are always logged, so that what matters for
   * troubleshooting is never lost. */
  if (level >= UMK_LOG_LEVEL_INFO)
    return TRUE;
  if (!umk_log_category_enabled (category))
    return FALSE;
  int threshold = -1;
  if (atomic_load_explicit (&category_levels_set, memory_order_relaxed))
    {
      int idx = category_level_index (category);
      if (idx >= 0)
        threshold = atomic_load_explicit (&category_levels[idx], memory_order_relaxed) - 1;
    }
  if (threshold < 0)
    threshold = atomic_load_explicit (&global_level, memory_order_relaxed);
  return (int) level >= threshold;
}

gboolean
umk_log_set_category (const char *name, gboolean enabled)
{
  UmkLogCategory flag;
  if (!umk_log_category_from_name (name, &flag))
    return FALSE;
  if (enabled)
    atomic_fetch_or (&category_mask, flag);
  else
    atomic_fetch_and (&category_mask, ~flag);
  return TRUE;
}

gboolean
umk_log_set_level (const char *level)
{
  int l = level ? user_level_from_name (level) : -1;
  if (l < 0)
    return FALSE;
  atomic_store (&global_level, l);
  return TRUE;
}

UmkLogLevel
umk_log_get_level (void)
{
  return (UmkLogLevel) atomic_load (&global_level);
}

gboolean
umk_log_set_category_level (const char *category, const char *level)
{
  UmkLogCategory flag;
  if (category == NULL || level == NULL || !umk_log_category_from_name (category, &flag))
    return FALSE;
  int l = user_level_from_name (level);
  if (l < 0)
    return FALSE;
  atomic_store (&category_levels[category_level_index (flag)], l + 1);
  atomic_store (&category_levels_set, TRUE);
  return TRUE;
}

static void
reset_levels (void)
{
  atomic_store (&global_level, UMK_LOG_LEVEL_DEBUG);
  for (unsigned i = 0; i < G_N_ELEMENTS (category_levels); i++)
    atomic_store (&category_levels[i], 0);
  atomic_store (&category_levels_set, FALSE);
}

gboolean
umk_log_ips (void)
{
  return atomic_load (&log_ips);
}

void
umk_log_set_mocktime (gint64 seconds)
{
  atomic_store (&mocktime, seconds);
}

void
umk_log_reopen (void)
{
  atomic_store (&reopen_file, TRUE);
}

/* ---- Formatting ---------------------------------------------------------- */

/* Control characters other than '\n' are written as \xNN, so a message
 * cannot play tricks on a terminal. */
static char *
escape_message (const char *s)
{
  GString *out = g_string_sized_new (strlen (s) + 1);
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if ((*p >= 32 || *p == '\n') && *p != 0x7f)
        g_string_append_c (out, (char) *p);
      else
        g_string_append_printf (out, "\\x%02x", *p);
    }
  return g_string_free (out, FALSE);
}

static void
append_iso8601 (GString *out, gint64 seconds)
{
  time_t t = (time_t) seconds;
  struct tm tm;
  char buf[64];
  if (gmtime_r (&t, &tm) == NULL || strftime (buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
    return;
  g_string_append (out, buf);
}

static void
append_prefix (GString *out, UmkLogCategory category, UmkLogLevel level)
{
  if (category == UMK_LOG_NONE || category == UMK_LOG_OTHER)
    category = UMK_LOG_ALL;
  gboolean has_category = L.always_print_category_level || category != UMK_LOG_ALL;
  /* With no category, info is implied. */
  if (!has_category && level == UMK_LOG_LEVEL_INFO)
    return;
  g_string_append_c (out, '[');
  if (has_category)
    {
      const char *name = umk_log_category_to_name (category);
      g_string_append (out, name ? name : "all");
    }
  /* With a category, debug is implied. */
  if (L.always_print_category_level || !has_category || level != UMK_LOG_LEVEL_DEBUG)
    {
      if (has_category)
        g_string_append_c (out, ':');
      g_string_append (out, level_names[level]);
    }
  g_string_append (out, "] ");
}

/* The full line: [timestamp ][thread ][location ]prefix message\n */
static char *
format_line (const char *escaped, UmkLogCategory category, UmkLogLevel level, const char *file,
             int line, const char *func, const char *thread_name, gint64 when_us, gint64 mock)
{
  GString *out = g_string_new (NULL);
  if (L.timestamps)
    {
      gint64 secs = when_us / G_USEC_PER_SEC;
      append_iso8601 (out, secs);
      if (L.time_micros && out->len > 0)
        {
          g_string_truncate (out, out->len - 1);
          g_string_append_printf (out, ".%06dZ", (int) (when_us - secs * G_USEC_PER_SEC));
        }
      if (mock > 0)
        {
          g_string_append (out, " (mocktime: ");
          append_iso8601 (out, mock);
          g_string_append_c (out, ')');
        }
      g_string_append_c (out, ' ');
    }
  if (L.thread_names)
    g_string_append_printf (out, "[%s] ", thread_name[0] ? thread_name : "unknown");
  if (L.source_locations)
    /* __FILE__ is relative to the source root (-fmacro-prefix-map in meson.build). */
    g_string_append_printf (out, "[%s:%d] [%s] ", file, line, func);
  append_prefix (out, category, level);
  g_string_append (out, escaped);
  if (out->len == 0 || out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  return g_string_free (out, FALSE);
}

/* ---- Output -------------------------------------------------------------- */

static void
write_to_outputs (const char *line, gboolean to_file)
{
  size_t len = strlen (line);
  if (L.print_to_console)
    {
      fwrite (line, 1, len, stdout);
      fflush (stdout);
    }
  for (guint i = 0; L.callbacks && i < L.callbacks->len; i++)
    {
      const Callback *cb = &g_array_index (L.callbacks, Callback, i);
      cb->fn (line, cb->data);
    }
  if (to_file && L.print_to_file && L.file)
    {
      if (atomic_exchange (&reopen_file, FALSE))
        {
          FILE *f = fopen (L.file_path, "a");
          if (f)
            {
              setvbuf (f, NULL, _IONBF, 0);
              fclose (L.file);
              L.file = f;
            }
        }
      fwrite (line, 1, len, L.file);
    }
}

typedef enum
{
  LIMIT_UNSUPPRESSED,
  LIMIT_NEWLY_SUPPRESSED,
  LIMIT_STILL_SUPPRESSED,
} LimitStatus;

static void print_locked (UmkLogCategory category, UmkLogLevel level, gboolean ratelimit,
                          const char *file, int line, const char *func, const char *msg);

/* Core resets its limiter from the scheduler; we reset when the first
 * message after the window arrives, which writes the same notices. */
static void
limiter_maybe_reset (gint64 now_us)
{
  if (L.limit_bytes == 0
      || now_us - L.limit_window_start_us < (gint64) L.limit_window * G_USEC_PER_SEC)
    return;
  g_autoptr (GHashTable) old = g_steal_pointer (&L.limit_stats);
  L.limit_stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, limit_stats_free);
  L.limit_window_start_us = now_us;
  L.suppression_active = FALSE;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, old);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      const LimitStats *s = value;
      if (s->dropped == 0)
        continue;
      g_autofree char *msg
          = g_strdup_printf ("Restarting logging from %s:%d (%s): %" G_GUINT64_FORMAT
                             " bytes were dropped during the last %us.",
                             s->file, s->line, s->func, s->dropped, L.limit_window);
      print_locked (UMK_LOG_ALL, UMK_LOG_LEVEL_WARNING, FALSE, __FILE__, __LINE__, G_STRFUNC, msg);
    }
}

static LimitStatus
limiter_consume (const char *file, int line, const char *func, size_t bytes)
{
  g_autofree char *key = g_strdup_printf ("%s:%d", file, line);
  LimitStats *s = g_hash_table_lookup (L.limit_stats, key);
  if (s == NULL)
    {
      s = g_new0 (LimitStats, 1);
      s->file = g_strdup (file);
      s->func = g_strdup (func);
      s->line = line;
      s->available = L.limit_bytes;
      g_hash_table_insert (L.limit_stats, g_steal_pointer (&key), s);
    }
  LimitStatus status = s->dropped > 0 ? LIMIT_STILL_SUPPRESSED : LIMIT_UNSUPPRESSED;
  if (bytes > s->available)
    {
      s->dropped += bytes;
      s->available = 0;
      if (status == LIMIT_UNSUPPRESSED)
        {
          status = LIMIT_NEWLY_SUPPRESSED;
          L.suppression_active = TRUE;
        }
    }
  else
    s->available -= bytes;
  return status;
}

/* Core's LogPrintStr_: buffer, or format and write. */
static void
print_locked (UmkLogCategory category, UmkLogLevel level, gboolean ratelimit, const char *file,
              int line, const char *func, const char *msg)
{
  g_autofree char *escaped = escape_message (msg);
  gint64 now = g_get_real_time ();
  gint64 mock = atomic_load (&mocktime);
  g_autofree char *thread_name = current_thread_name ();

  if (L.buffering)
    {
      BufferedLog *b = g_new0 (BufferedLog, 1);
      b->when_us = now;
      b->mocktime = mock;
      b->str = g_steal_pointer (&escaped);
      b->thread_name = g_steal_pointer (&thread_name);
      b->file = g_strdup (file);
      b->func = g_strdup (func);
      b->line = line;
      b->category = category;
      b->level = level;
      L.buffer_bytes += buffered_log_usage (b);
      g_queue_push_tail (&L.buffer, b);
      /* Keep the newest lines when early logging runs over. */
      while (L.buffer_bytes > MAX_BUFFER_BYTES && !g_queue_is_empty (&L.buffer))
        {
          BufferedLog *old = g_queue_pop_head (&L.buffer);
          L.buffer_bytes -= buffered_log_usage (old);
          buffered_log_free (old);
          L.discarded++;
        }
      return;
    }

  g_autofree char *out
      = format_line (escaped, category, level, file, line, func, thread_name, now, mock);

  gboolean suppressed = FALSE;
  if (L.limit_bytes > 0)
    {
      limiter_maybe_reset (now);
      if (ratelimit)
        {
          LimitStatus status = limiter_consume (file, line, func, strlen (out));
          if (status == LIMIT_NEWLY_SUPPRESSED)
            {
              g_autofree char *warn = g_strdup_printf (
                  "Excessive logging detected from %s:%d (%s): >%" G_GUINT64_FORMAT
                  " bytes logged during the last time window of %us. Suppressing logging to disk "
                  "from this source location until time window resets. Console logging "
                  "unaffected. Last log entry.",
                  file, line, func, L.limit_bytes, L.limit_window);
              print_locked (UMK_LOG_ALL, UMK_LOG_LEVEL_WARNING, FALSE, __FILE__, __LINE__,
                            G_STRFUNC, warn);
            }
          else if (status == LIMIT_STILL_SUPPRESSED)
            suppressed = TRUE;
        }
      /* While anything is suppressed every line says so, so that a reader
       * knows the log has gaps. */
      if (L.suppression_active)
        {
          char *marked = g_strconcat ("[*] ", out, NULL);
          g_free (out);
          out = marked;
        }
    }
  write_to_outputs (out, !suppressed);
}

void
umk_log_print (UmkLogCategory category, UmkLogLevel level, gboolean ratelimit, const char *file,
               int line, const char *func, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_mutex_lock (&log_lock);
  gboolean enabled = L.buffering || L.print_to_console || L.print_to_file
                     || (L.callbacks && L.callbacks->len > 0);
  if (enabled)
    print_locked (category, level, ratelimit, file ? file : "?", line, func ? func : "?", msg);
  g_mutex_unlock (&log_lock);
}

guint
umk_log_add_callback (UmkLogCallback callback, gpointer user_data)
{
  g_return_val_if_fail (callback != NULL, 0);
  g_mutex_lock (&log_lock);
  if (L.callbacks == NULL)
    L.callbacks = g_array_new (FALSE, FALSE, sizeof (Callback));
  Callback cb = { ++L.next_callback_id, callback, user_data };
  g_array_append_val (L.callbacks, cb);
  g_mutex_unlock (&log_lock);
  return cb.id;
}

void
umk_log_remove_callback (guint id)
{
  g_mutex_lock (&log_lock);
  for (guint i = 0; L.callbacks && i < L.callbacks->len; i++)
    if (g_array_index (L.callbacks, Callback, i).id == id)
      {
        g_array_remove_index (L.callbacks, i);
        break;
      }
  g_mutex_unlock (&log_lock);
}

void
umk_log_set_rate_limit (guint64 max_bytes, guint window_seconds)
{
  g_mutex_lock (&log_lock);
  g_clear_pointer (&L.limit_stats, g_hash_table_unref);
  L.suppression_active = FALSE;
  L.limit_bytes = window_seconds > 0 ? max_bytes : 0;
  L.limit_window = window_seconds;
  L.limit_window_start_us = g_get_real_time ();
  if (L.limit_bytes > 0)
    L.limit_stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, limit_stats_free);
  g_mutex_unlock (&log_lock);
}

/* ---- Set-up -------------------------------------------------------------- */

void
umk_log_add_options (UmkArgs *args)
{
  g_autofree char *cats = umk_log_categories_string ();
  g_autofree char *debug_help = g_strdup_printf (
      "Write debug and trace messages (default: -nodebug; <category> is optional). Without "
      "<category>, or with 1 or \"all\", for every category; 0 or \"none\" cancels the categories "
      "given before it. Categories: %s. May be given several times.",
      cats);
  g_autofree char *level_help = g_strdup_printf (
      "Set the lowest severity written for the categories enabled by -debug or the logging RPC, "
      "globally or for one category. Levels: " LEVELS_STRING " (default=debug); error, warning "
      "and info are always written. <category>:<level> overrides the global level for that "
      "category and may be given several times. Categories: %s.",
      cats);

  umk_args_add (args, "-debuglogfile=<file>", UMK_ARG_ALLOW_ANY,
                "Write the debug log to <file> (default: " UMK_DEFAULT_DEBUGLOGFILE
                "), relative to the network's data directory unless absolute. "
                "-nodebuglogfile writes no log file.",
                UMK_OPTIONS_OPTIONS);
  umk_args_add (args, "-debug=<category>", UMK_ARG_ALLOW_ANY, debug_help, UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-debugexclude=<category>", UMK_ARG_ALLOW_ANY,
                "Leave out the debug and trace messages of <category>, e.g. with -debug=1 for "
                "all but some. Beats -debug. May be given several times.",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logips", UMK_ARG_ALLOW_ANY, "Write IP addresses in the log (default: 0)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-loglevel=<level>|<category>:<level>",
                UMK_ARG_DISALLOW_NEGATION | UMK_ARG_DISALLOW_ELISION | UMK_ARG_DEBUG_ONLY,
                level_help, UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logtimestamps", UMK_ARG_ALLOW_ANY,
                "Start each log line with the time (default: 1)", UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logthreadnames", UMK_ARG_ALLOW_ANY,
                "Start each log line with the name of the thread that wrote it (default: 0)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logsourcelocations", UMK_ARG_ALLOW_ANY,
                "Start each log line with the source file, line and function that wrote it "
                "(default: 0)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logtimemicros", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Give log times to the microsecond (default: 0)", UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-loglevelalways", UMK_ARG_ALLOW_ANY,
                "Always write the category and level of a log line (default: 0)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-logratelimit", UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY,
                "Limit how much one source line may write to the log file per hour, so that a "
                "flood cannot fill the disk (default: 1)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-printtoconsole", UMK_ARG_ALLOW_ANY,
                "Write the log to the console too (default: 1 unless running in the "
                "background; -nodebuglogfile turns the log file off)",
                UMK_OPTIONS_DEBUG_TEST);
  umk_args_add (args, "-shrinkdebugfile", UMK_ARG_ALLOW_ANY,
                "Cut the debug log file down to its last 10 MB at start-up when it is over "
                "11 MB (default: 1 unless -debug)",
                UMK_OPTIONS_DEBUG_TEST);
}

/* Core's SetLoggingCategories. */
static gboolean
configure_categories (const UmkArgs *args, GError **error)
{
  g_auto (GStrv) cats = umk_args_get_list (args, "-debug");
  /* Categories before the last -debug=0 / -debug=none do not count. */
  guint start = 0;
  for (guint i = 0; cats[i]; i++)
    if (strcmp (cats[i], "0") == 0 || strcmp (cats[i], "none") == 0)
      start = i + 1;
  for (guint i = start; cats[i]; i++)
    if (!umk_log_set_category (cats[i], TRUE))
      {
        g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Unsupported logging category %s=%s.",
                     "-debug", cats[i]);
        return FALSE;
      }
  g_auto (GStrv) excluded = umk_args_get_list (args, "-debugexclude");
  for (guint i = 0; excluded[i]; i++)
    if (!umk_log_set_category (excluded[i], FALSE))
      {
        g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Unsupported logging category %s=%s.",
                     "-debugexclude", excluded[i]);
        return FALSE;
      }
  umk_log_info ("Log output may contain privacy-sensitive information. Be cautious when sharing "
                "logs.");
  return TRUE;
}

/* Core's SetLoggingLevel. */
static gboolean
configure_levels (const UmkArgs *args, GError **error)
{
  g_auto (GStrv) levels = umk_args_get_list (args, "-loglevel");
  for (guint i = 0; levels[i]; i++)
    {
      const char *s = levels[i];
      /* Core looks for the ':' from the fourth character on. */
      gboolean global = strlen (s) <= 3 || strchr (s + 3, ':') == NULL;
      if (global)
        {
          if (!umk_log_set_level (s))
            {
              g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Unsupported global logging level %s=%s. Valid values: %s.", "-loglevel",
                           s, LEVELS_STRING);
              return FALSE;
            }
          continue;
        }
      g_auto (GStrv) toks = g_strsplit (s, ":", -1);
      if (g_strv_length (toks) != 2 || !umk_log_set_category_level (toks[0], toks[1]))
        {
          g_autofree char *cats = umk_log_categories_string ();
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Unsupported category-specific logging level %s=%s. Expected "
                       "%s=<category>:<loglevel>. Valid categories: %s. Valid loglevels: %s.",
                       "-loglevel", s, "-loglevel", cats, LEVELS_STRING);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
umk_log_configure (const UmkArgs *args, const char *net_datadir, gboolean default_print_to_console,
                   GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);

  gboolean print_to_file = !umk_args_is_negated (args, "-debuglogfile");
  g_autofree char *file = umk_args_get_path (args, "-debuglogfile", UMK_DEFAULT_DEBUGLOGFILE);
  g_autofree char *path = NULL;
  if (print_to_file)
    {
      if (g_path_is_absolute (file))
        path = g_strdup (file);
      else if (net_datadir)
        path = g_build_filename (net_datadir, file, NULL);
      else
        path = umk_args_abs_path_for_config_val (args, file, TRUE);
    }

  g_mutex_lock (&log_lock);
  L.print_to_file = print_to_file;
  g_free (L.file_path);
  L.file_path = g_steal_pointer (&path);
  L.print_to_console = umk_args_get_bool (args, "-printtoconsole", default_print_to_console);
  L.timestamps = umk_args_get_bool (args, "-logtimestamps", TRUE);
  L.time_micros = umk_args_get_bool (args, "-logtimemicros", FALSE);
  L.thread_names = umk_args_get_bool (args, "-logthreadnames", FALSE);
  L.source_locations = umk_args_get_bool (args, "-logsourcelocations", FALSE);
  L.always_print_category_level = umk_args_get_bool (args, "-loglevelalways", FALSE);
  g_mutex_unlock (&log_lock);
  atomic_store (&log_ips, umk_args_get_bool (args, "-logips", FALSE));

  atomic_store (&category_mask, UMK_LOG_NONE);
  reset_levels ();
  if (!configure_categories (args, error) || !configure_levels (args, error))
    return FALSE;

  gboolean shrink
      = umk_args_get_bool (args, "-shrinkdebugfile", umk_log_get_category_mask () == UMK_LOG_NONE);
  g_mutex_lock (&log_lock);
  L.shrink = shrink;
  g_mutex_unlock (&log_lock);

  if (umk_args_get_bool (args, "-logratelimit", TRUE))
    umk_log_set_rate_limit (DEFAULT_RATELIMIT_BYTES, DEFAULT_RATELIMIT_WINDOW);
  else
    umk_log_set_rate_limit (0, 0);
  return TRUE;
}

/* Core's ShrinkDebugFile: a file over 110% of the history size keeps its
 * last RECENT_DEBUG_HISTORY_SIZE bytes. */
static void
shrink_debug_file_locked (void)
{
  FILE *f = fopen (L.file_path, "r");
  if (f == NULL)
    return;
  struct stat st;
  if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode)
      || st.st_size <= 11 * (RECENT_DEBUG_HISTORY_SIZE / 10))
    {
      fclose (f);
      return;
    }
  if (fseeko (f, -(off_t) RECENT_DEBUG_HISTORY_SIZE, SEEK_END) != 0)
    {
      fclose (f);
      print_locked (UMK_LOG_ALL, UMK_LOG_LEVEL_WARNING, TRUE, __FILE__, __LINE__, G_STRFUNC,
                    "Failed to shrink debug log file: fseek(...) failed");
      return;
    }
  char *tail = g_malloc (RECENT_DEBUG_HISTORY_SIZE);
  size_t n = fread (tail, 1, RECENT_DEBUG_HISTORY_SIZE, f);
  fclose (f);
  f = fopen (L.file_path, "w");
  if (f)
    {
      if (fwrite (tail, 1, n, f) != n)
        { /* nothing better to do: the file is at worst shorter */
        }
      fclose (f);
    }
  g_free (tail);
}

gboolean
umk_log_start (GError **error)
{
  g_mutex_lock (&log_lock);
  if (!L.buffering)
    {
      g_mutex_unlock (&log_lock);
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_FAILED, "Logging already started");
      return FALSE;
    }
  if (L.print_to_file)
    {
      if (L.file_path == NULL)
        {
          g_mutex_unlock (&log_lock);
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_FAILED,
                               "Could not open debug log file (no path)");
          return FALSE;
        }
      if (L.shrink)
        shrink_debug_file_locked ();
      L.file = fopen (L.file_path, "a");
      if (L.file == NULL)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Could not open debug log file %s",
                       L.file_path);
          g_mutex_unlock (&log_lock);
          return FALSE;
        }
      setvbuf (L.file, NULL, _IONBF, 0);
      /* Blank lines set this run apart from the previous one. */
      fwrite ("\n\n\n\n\n", 1, 5, L.file);
    }

  L.buffering = FALSE;
  if (L.discarded > 0)
    {
      g_autofree char *msg = g_strdup_printf (
          "Early logging buffer overflowed, %zu log lines discarded.", L.discarded);
      print_locked (UMK_LOG_ALL, UMK_LOG_LEVEL_INFO, FALSE, __FILE__, __LINE__, G_STRFUNC, msg);
    }
  BufferedLog *b;
  while ((b = g_queue_pop_head (&L.buffer)))
    {
      g_autofree char *line = format_line (b->str, b->category, b->level, b->file, b->line, b->func,
                                           b->thread_name, b->when_us, b->mocktime);
      write_to_outputs (line, TRUE);
      buffered_log_free (b);
    }
  L.buffer_bytes = 0;
  L.discarded = 0;
  g_mutex_unlock (&log_lock);
  return TRUE;
}

gboolean
umk_log_setup (const UmkArgs *args, const char *net_datadir, gboolean default_print_to_console,
               GError **error)
{
  return umk_log_configure (args, net_datadir, default_print_to_console, error)
         && umk_log_start (error);
}

void
umk_log_shutdown (void)
{
  g_mutex_lock (&log_lock);
  if (L.file)
    fclose (L.file);
  L.file = NULL;
  g_clear_pointer (&L.file_path, g_free);
  g_queue_clear_full (&L.buffer, buffered_log_free);
  L.buffering = TRUE;
  L.buffer_bytes = 0;
  L.discarded = 0;
  L.print_to_file = FALSE;
  L.print_to_console = FALSE;
  L.timestamps = TRUE;
  L.time_micros = FALSE;
  L.thread_names = FALSE;
  L.source_locations = FALSE;
  L.always_print_category_level = FALSE;
  L.shrink = FALSE;
  g_clear_pointer (&L.callbacks, g_array_unref);
  L.limit_bytes = 0;
  g_clear_pointer (&L.limit_stats, g_hash_table_unref);
  L.suppression_active = FALSE;
  g_mutex_unlock (&log_lock);
  atomic_store (&category_mask, UMK_LOG_NONE);
  reset_levels ();
  atomic_store (&log_ips, FALSE);
  atomic_store (&mocktime, 0);
  atomic_store (&reopen_file, FALSE);
}

/* ---- GLib messages ------------------------------------------------------- */

static GLogWriterOutput
glib_writer (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  (void) user_data;
  const char *domain = NULL, *message = NULL, *file = NULL, *line = NULL, *func = NULL;
  for (gsize i = 0; i < n_fields; i++)
    {
      /* Only NUL-terminated string fields are of use here. */
      if (fields[i].length != -1)
        continue;
      if (strcmp (fields[i].key, "GLIB_DOMAIN") == 0)
        domain = fields[i].value;
      else if (strcmp (fields[i].key, "MESSAGE") == 0)
        message = fields[i].value;
      else if (strcmp (fields[i].key, "CODE_FILE") == 0)
        file = fields[i].value;
      else if (strcmp (fields[i].key, "CODE_LINE") == 0)
        line = fields[i].value;
      else if (strcmp (fields[i].key, "CODE_FUNC") == 0)
        func = fields[i].value;
    }

  UmkLogLevel level;
  switch (log_level & G_LOG_LEVEL_MASK)
    {
    case G_LOG_LEVEL_ERROR:
    case G_LOG_LEVEL_CRITICAL:
      level = UMK_LOG_LEVEL_ERROR;
      break;
    case G_LOG_LEVEL_WARNING:
      level = UMK_LOG_LEVEL_WARNING;
      break;
    case G_LOG_LEVEL_MESSAGE:
    case G_LOG_LEVEL_INFO:
      level = UMK_LOG_LEVEL_INFO;
      break;
    default:
      level = UMK_LOG_LEVEL_DEBUG;
      break;
    }

  /* "umk-net" -> net; other domains are named in the message. */
  UmkLogCategory category = UMK_LOG_NONE;
  if (domain && g_str_has_prefix (domain, "umk-")
      && umk_log_category_from_name (domain + 4, &category) && category == UMK_LOG_ALL)
    category = UMK_LOG_NONE;
  gboolean named = category != UMK_LOG_NONE;
  if (!named)
    category = level == UMK_LOG_LEVEL_DEBUG ? UMK_LOG_OTHER : UMK_LOG_ALL;

  if (umk_log_will_log (category, level))
    {
      if (!named && domain)
        umk_log_print (category, level, level >= UMK_LOG_LEVEL_INFO, file, line ? atoi (line) : 0,
                       func, "%s: %s", domain, message ? message : "");
      else
        umk_log_print (category, level, level >= UMK_LOG_LEVEL_INFO, file, line ? atoi (line) : 0,
                       func, "%s", message ? message : "");
    }

  /* Warnings and errors must not vanish when nobody reads the console log. */
  if (level >= UMK_LOG_LEVEL_WARNING)
    {
      g_mutex_lock (&log_lock);
      gboolean console = L.print_to_console && !L.buffering;
      g_mutex_unlock (&log_lock);
      if (!console)
        g_log_writer_standard_streams (log_level, fields, n_fields, NULL);
    }
  return G_LOG_WRITER_HANDLED;
}

void
umk_log_install_glib_writer (void)
{
  static gsize installed = 0;
  if (g_once_init_enter (&installed))
    {
      g_log_set_writer_func (glib_writer, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
