/* banman.c — bans and discouragement; see banman.h. */
#define G_LOG_DOMAIN "umk-banman"
#include "config.h"

#include "node/banman.h"

#include "common/json.h"
#include "common/logging.h"

#include <string.h>

#define JSON_KEY          "banned_nets"
#define JSON_WARNING_KEY  "_warning_"
#define BAN_ENTRY_VERSION 1

struct _UmkBanMan
{
  GMutex lock;
  GMutex dump_lock; /* one writer of the file at a time, outside the main lock */
  char *path;       /* NULL: memory only */
  int64_t default_ban_time;
  int64_t mocktime;
  GArray *banned; /* UmkBanEntry, sorted by umk_subnet_compare (Core's std::map) */
  bool dirty;
  /* Core keeps discouraged addresses in a rolling bloom filter of 50,000
   * entries (false positives one in a million). A set bounded to the 50,000
   * most recent addresses, oldest forgotten first, behaves the same to the
   * callers, without false positives. */
  GHashTable *discouraged; /* GBytes of the address bytes */
  GQueue discouraged_order;
};

static int64_t
now_locked (const UmkBanMan *bm)
{
  return bm->mocktime != 0 ? bm->mocktime : g_get_real_time () / G_USEC_PER_SEC;
}

/* Index of subnet in the sorted list, or where it would go (*found false). */
static guint
lookup (const GArray *banned, const UmkSubNet *subnet, bool *found)
{
  guint lo = 0, hi = banned->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      int c = umk_subnet_compare (&g_array_index (banned, UmkBanEntry, mid).subnet, subnet);
      if (c == 0)
        {
          *found = true;
          return mid;
        }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  *found = false;
  return lo;
}

/* Drops expired bans (and any invalid subnet). */
static void
sweep_locked (UmkBanMan *bm)
{
  int64_t now = now_locked (bm);
  for (guint i = 0; i < bm->banned->len;)
    {
      UmkBanEntry *e = &g_array_index (bm->banned, UmkBanEntry, i);
      if (!e->subnet.valid || now > e->until)
        {
          if (umk_log_will_log (UMK_LOG_NET, UMK_LOG_LEVEL_DEBUG))
            {
              g_autofree char *s = umk_subnet_to_string (&e->subnet);
              UMK_LOG_DEBUG (UMK_LOG_NET, "Removed banned node address/subnet: %s", s);
            }
          g_array_remove_index (bm->banned, i);
          bm->dirty = true;
        }
      else
        i++;
    }
}

/* ---- banlist.json ---------------------------------------------------------------- */

static char *
to_json (const GArray *banned)
{
  g_autoptr (UmkJsonWriter) w = umk_json_writer_new (4);
  umk_json_writer_begin_object (w);
  umk_json_writer_kv_string (w, JSON_WARNING_KEY,
                             "This file is written and updated by " PACKAGE_NAME
                             " at run time. Do not edit it while the node is running: your "
                             "changes could be ignored or lost.");
  umk_json_writer_key (w, JSON_KEY);
  umk_json_writer_begin_array (w);
  for (guint i = 0; i < banned->len; i++)
    {
      const UmkBanEntry *e = &g_array_index (banned, UmkBanEntry, i);
      g_autofree char *address = umk_subnet_to_string (&e->subnet);
      umk_json_writer_begin_object (w);
      umk_json_writer_kv_int (w, "version", BAN_ENTRY_VERSION);
      umk_json_writer_kv_int (w, "ban_created", e->created);
      umk_json_writer_kv_int (w, "banned_until", e->until);
      umk_json_writer_kv_string (w, "address", address);
      umk_json_writer_end_object (w);
    }
  umk_json_writer_end_array (w);
  umk_json_writer_end_object (w);
  gsize len;
  g_autofree char *text = umk_json_writer_free_to_string (g_steal_pointer (&w), &len);
  return g_strconcat (text, "\n", NULL);
}

/* UniValue's name of a value's type. */
static const char *
type_name (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "array";
  GType t = json_node_get_value_type (node);
  if (t == G_TYPE_BOOLEAN)
    return "bool";
  if (t == G_TYPE_STRING)
    return "string";
  return "number";
}

/* UniValue's getInt: a JSON integer that fits, else Core's exception text. */
static bool
get_int (JsonNode *node, int64_t min, int64_t max, int64_t *out, char **why)
{
  const char *type = type_name (node);
  if (strcmp (type, "number") != 0)
    {
      *why = g_strdup_printf ("JSON value of type %s is not of expected type number", type);
      return false;
    }
  /* UniValue keeps numbers as text and reads integers with from_chars, so
   * 1.0 or 1e3 are out of range as much as a number that does not fit */
  if (json_node_get_value_type (node) != G_TYPE_INT64 || json_node_get_int (node) < min
      || json_node_get_int (node) > max)
    {
      *why = g_strdup ("JSON integer out of range");
      return false;
    }
  *out = json_node_get_int (node);
  return true;
}

static JsonNode *
member (JsonNode *object, const char *name)
{
  if (!JSON_NODE_HOLDS_OBJECT (object))
    return NULL;
  return json_object_get_member (json_node_get_object (object), name);
}

static void
insert_or_assign (GArray *banned, const UmkBanEntry *e)
{
  bool found;
  guint i = lookup (banned, &e->subnet, &found);
  if (found)
    g_array_index (banned, UmkBanEntry, i) = *e;
  else
    g_array_insert_val (banned, i, *e);
}

/* Core's BanMapFromJson: entries of another version or with an address that
 * is no subnet are dropped one by one; anything malformed drops the list. */
static bool
from_json (JsonNode *list, GArray *banned, char **why)
{
  if (list == NULL || (!JSON_NODE_HOLDS_ARRAY (list) && !JSON_NODE_HOLDS_OBJECT (list)))
    {
      *why = g_strdup ("JSON value is not an object or array as expected");
      return false;
    }
  g_autoptr (GList) values = JSON_NODE_HOLDS_ARRAY (list)
                                 ? json_array_get_elements (json_node_get_array (list))
                                 : json_object_get_values (json_node_get_object (list));
  for (GList *l = values; l != NULL; l = l->next)
    {
      JsonNode *entry = l->data;
      int64_t version;
      if (!get_int (member (entry, "version"), G_MININT32, G_MAXINT32, &version, why))
        return false;
      if (version != BAN_ENTRY_VERSION)
        {
          umk_log_info ("Dropping entry with unknown version (%" G_GINT64_FORMAT ") from ban list",
                        version);
          continue;
        }
      JsonNode *address = member (entry, "address");
      if (strcmp (type_name (address), "string") != 0)
        {
          *why = g_strdup_printf ("JSON value of type %s is not of expected type string",
                                  type_name (address));
          return false;
        }
      const char *text = json_node_get_string (address);
      UmkBanEntry e;
      if (!umk_subnet_parse (text, &e.subnet))
        {
          umk_log_info ("Dropping entry with unparseable address or subnet (%s) from ban list",
                        text);
          continue;
        }
      if (!get_int (member (entry, "ban_created"), G_MININT64, G_MAXINT64, &e.created, why)
          || !get_int (member (entry, "banned_until"), G_MININT64, G_MAXINT64, &e.until, why))
        return false;
      insert_or_assign (banned, &e);
    }
  return true;
}

/* Core's CBanDB::Read. Returns: false (having logged why) when the file is
 * missing or unusable. */
static bool
read_file (const char *path, GArray *banned)
{
  /* Core 22 kept bans in banlist.dat, which newer versions ignore */
  if (g_str_has_suffix (path, ".json"))
    {
      g_autofree char *base = g_strndup (path, strlen (path) - 5);
      g_autofree char *dat = g_strconcat (base, ".dat", NULL);
      if (g_file_test (dat, G_FILE_TEST_EXISTS))
        umk_log_warning ("banlist.dat ignored because it can only be read by %s version 22.x. "
                         "Remove \"%s\" to silence this warning.",
                         PACKAGE_NAME, dat);
    }
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return false;
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      umk_log_warning ("Cannot load banlist %s: %s. Please check permissions.", path, path);
      return false;
    }
  g_autofree char *duplicate = NULL;
  g_autoptr (JsonNode) root = umk_json_parse (contents, len, &duplicate);
  if (root == NULL)
    {
      umk_log_warning ("Cannot load banlist %s: Settings file %s does not contain valid JSON. "
                       "This is probably caused by disk corruption or a crash, and can be fixed "
                       "by removing the file, which will reset settings to default values.",
                       path, path);
      return false;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_autofree char *text = umk_json_write_node (root, 0);
      umk_log_warning ("Cannot load banlist %s: Found non-object value %s in settings file %s",
                       path, text, path);
      return false;
    }
  if (duplicate != NULL)
    {
      umk_log_warning ("Cannot load banlist %s: Found duplicate key %s in settings file %s", path,
                       duplicate, path);
      return false;
    }
  g_autofree char *why = NULL;
  if (!from_json (member (root, JSON_KEY), banned, &why))
    {
      umk_log_warning ("Cannot parse banlist %s: %s", path, why);
      g_array_set_size (banned, 0);
      return false;
    }
  return true;
}

/* Core's DumpBanlist: sweep, and write if anything changed. */
static gboolean
dump (UmkBanMan *bm, GError **error)
{
  g_autoptr (GMutexLocker) dump_locker = g_mutex_locker_new (&bm->dump_lock);
  g_autoptr (GArray) copy = NULL;
  {
    g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
    sweep_locked (bm);
    if (!bm->dirty || bm->path == NULL)
      return TRUE;
    copy = g_array_copy (bm->banned);
    bm->dirty = false;
  }
  g_autofree char *text = to_json (copy);
  gint64 start = g_get_monotonic_time ();
  if (!g_file_set_contents_full (bm->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0666,
                                 error))
    {
      g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
      bm->dirty = true;
      return FALSE;
    }
  UMK_LOG_DEBUG (UMK_LOG_NET,
                 "Flushed %u banned node addresses/subnets to disk  %" G_GINT64_FORMAT "ms",
                 copy->len, (g_get_monotonic_time () - start) / 1000);
  return TRUE;
}

static void
dump_logged (UmkBanMan *bm)
{
  g_autoptr (GError) error = NULL;
  if (!dump (bm, &error))
    umk_log_error ("Failed to write %s: %s", bm->path, error->message);
}

/* ---- Public ---------------------------------------------------------------------- */

UmkBanMan *
umk_banman_new (const char *banlist_path, int64_t default_ban_time_s)
{
  return umk_banman_new_full (banlist_path, default_ban_time_s, 0);
}

UmkBanMan *
umk_banman_new_full (const char *banlist_path, int64_t default_ban_time_s, int64_t mocktime)
{
  UmkBanMan *bm = g_new0 (UmkBanMan, 1);
  bm->mocktime = mocktime;
  g_mutex_init (&bm->lock);
  g_mutex_init (&bm->dump_lock);
  bm->path = g_strdup (banlist_path);
  bm->default_ban_time = default_ban_time_s;
  bm->banned = g_array_new (FALSE, FALSE, sizeof (UmkBanEntry));
  bm->discouraged
      = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);
  g_queue_init (&bm->discouraged_order);
  if (bm->path != NULL)
    {
      gint64 start = g_get_monotonic_time ();
      if (read_file (bm->path, bm->banned))
        {
          sweep_locked (bm);
          UMK_LOG_DEBUG (UMK_LOG_NET,
                         "Loaded %u banned node addresses/subnets  %" G_GINT64_FORMAT "ms",
                         bm->banned->len, (g_get_monotonic_time () - start) / 1000);
        }
      else
        {
          umk_log_info ("Recreating the banlist database");
          g_array_set_size (bm->banned, 0);
          bm->dirty = true;
        }
      dump_logged (bm);
    }
  return bm;
}

void
umk_banman_free (UmkBanMan *bm)
{
  if (bm == NULL)
    return;
  dump_logged (bm);
  g_array_unref (bm->banned);
  g_hash_table_unref (bm->discouraged);
  g_queue_clear (&bm->discouraged_order);
  g_free (bm->path);
  g_mutex_clear (&bm->lock);
  g_mutex_clear (&bm->dump_lock);
  g_free (bm);
}

void
umk_banman_ban (UmkBanMan *bm, const UmkSubNet *subnet, int64_t ban_time_offset,
                bool since_unix_epoch)
{
  {
    g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
    int64_t now = now_locked (bm);
    if (ban_time_offset <= 0)
      {
        ban_time_offset = bm->default_ban_time;
        since_unix_epoch = false;
      }
    int64_t until;
    /* a huge -bantime or setban time saturates instead of overflowing */
    if (__builtin_add_overflow (since_unix_epoch ? 0 : now, ban_time_offset, &until))
      until = G_MAXINT64;
    UmkBanEntry e = { *subnet, now, until };
    bool found;
    guint i = lookup (bm->banned, subnet, &found);
    /* only a later end replaces an existing ban */
    if (found && g_array_index (bm->banned, UmkBanEntry, i).until >= e.until)
      return;
    if (found)
      g_array_index (bm->banned, UmkBanEntry, i) = e;
    else
      g_array_insert_val (bm->banned, i, e);
    bm->dirty = true;
  }
  dump_logged (bm);
}

void
umk_banman_ban_addr (UmkBanMan *bm, const UmkNetAddr *addr, int64_t ban_time_offset,
                     bool since_unix_epoch)
{
  UmkSubNet s;
  umk_subnet_from_addr (addr, &s);
  umk_banman_ban (bm, &s, ban_time_offset, since_unix_epoch);
}

bool
umk_banman_unban (UmkBanMan *bm, const UmkSubNet *subnet)
{
  {
    g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
    bool found;
    guint i = lookup (bm->banned, subnet, &found);
    if (!found)
      return false;
    g_array_remove_index (bm->banned, i);
    bm->dirty = true;
  }
  dump_logged (bm);
  return true;
}

bool
umk_banman_unban_addr (UmkBanMan *bm, const UmkNetAddr *addr)
{
  UmkSubNet s;
  umk_subnet_from_addr (addr, &s);
  return umk_banman_unban (bm, &s);
}

void
umk_banman_clear (UmkBanMan *bm)
{
  {
    g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
    g_array_set_size (bm->banned, 0);
    bm->dirty = true;
  }
  dump_logged (bm);
}

bool
umk_banman_is_banned (UmkBanMan *bm, const UmkNetAddr *addr)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  int64_t now = now_locked (bm);
  for (guint i = 0; i < bm->banned->len; i++)
    {
      const UmkBanEntry *e = &g_array_index (bm->banned, UmkBanEntry, i);
      if (now < e->until && umk_subnet_match (&e->subnet, addr))
        return true;
    }
  return false;
}

bool
umk_banman_is_subnet_banned (UmkBanMan *bm, const UmkSubNet *subnet)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  bool found;
  guint i = lookup (bm->banned, subnet, &found);
  return found && now_locked (bm) < g_array_index (bm->banned, UmkBanEntry, i).until;
}

static GBytes *
discourage_key (const UmkNetAddr *addr)
{
  g_autoptr (GByteArray) b = g_byte_array_new ();
  umk_netaddr_get_addr_bytes (addr, b);
  return g_byte_array_free_to_bytes (g_steal_pointer (&b));
}

void
umk_banman_discourage (UmkBanMan *bm, const UmkNetAddr *addr)
{
  GBytes *key = discourage_key (addr);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  if (g_hash_table_contains (bm->discouraged, key))
    {
      g_bytes_unref (key);
      return;
    }
  g_hash_table_add (bm->discouraged, key);
  g_queue_push_tail (&bm->discouraged_order, key);
  if (bm->discouraged_order.length > UMK_BANMAN_DISCOURAGED_MAX)
    g_hash_table_remove (bm->discouraged, g_queue_pop_head (&bm->discouraged_order));
}

bool
umk_banman_is_discouraged (UmkBanMan *bm, const UmkNetAddr *addr)
{
  g_autoptr (GBytes) key = discourage_key (addr);
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  return g_hash_table_contains (bm->discouraged, key);
}

GArray *
umk_banman_list (UmkBanMan *bm)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  sweep_locked (bm);
  return g_array_copy (bm->banned);
}

gboolean
umk_banman_save (UmkBanMan *bm, GError **error)
{
  return dump (bm, error);
}

void
umk_banman_set_mocktime (UmkBanMan *bm, int64_t t)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&bm->lock);
  bm->mocktime = t;
}
