/* coins.c — the layered coins cache. */
#define G_LOG_DOMAIN "umk-coins"
#include "config.h"

#include "node/coins.h"

#include <string.h>

enum
{
  ENTRY_DIRTY = 1,
  ENTRY_FRESH = 2,
};

typedef struct
{
  UmkOutPoint out; /* the key lives in the entry */
  UmkCoin coin;
  uint8_t flags;
} Entry;

struct _UmkCoinsCache
{
  UmkDb *db;             /* base: the database, or */
  UmkCoinsCache *parent; /* base: another cache */
  GHashTable *map;       /* UmkOutPoint* (in the entry) -> Entry* */
  UmkUint256 best_block;
  size_t memory;
  gboolean failed;
  MDB_txn *read_txn; /* a read transaction reused across lookups, renewed after writes */
};

/* Rough heap cost of an entry: the entry, the hash table slot, malloc overhead
 * and the script. Only used to decide when to flush. */
#define ENTRY_OVERHEAD (sizeof (Entry) + 48)

static void
entry_free (gpointer p)
{
  Entry *e = p;
  umk_coin_clear (&e->coin);
  g_free (e);
}

static UmkCoinsCache *
cache_new (void)
{
  UmkCoinsCache *c = g_new0 (UmkCoinsCache, 1);
  c->map = g_hash_table_new_full (umk_outpoint_hash, umk_outpoint_equal, NULL, entry_free);
  return c;
}

UmkCoinsCache *
umk_coins_cache_new_db (UmkDb *db)
{
  UmkCoinsCache *c = cache_new ();
  c->db = db;
  return c;
}

UmkCoinsCache *
umk_coins_cache_new_child (UmkCoinsCache *parent)
{
  UmkCoinsCache *c = cache_new ();
  c->parent = parent;
  c->best_block = parent->best_block;
  return c;
}

void
umk_coins_cache_free (UmkCoinsCache *cache)
{
  if (cache == NULL)
    return;
  if (cache->read_txn != NULL)
    mdb_txn_abort (cache->read_txn);
  g_hash_table_destroy (cache->map);
  g_free (cache);
}

void
umk_coins_key (const UmkOutPoint *out, uint8_t key[UMK_COINS_KEY_SIZE])
{
  memcpy (key, out->hash.b, 32);
  key[32] = (uint8_t) (out->n >> 24);
  key[33] = (uint8_t) (out->n >> 16);
  key[34] = (uint8_t) (out->n >> 8);
  key[35] = (uint8_t) out->n;
}

void
umk_coins_key_parse (const uint8_t key[UMK_COINS_KEY_SIZE], UmkOutPoint *out)
{
  memcpy (out->hash.b, key, 32);
  out->n = (uint32_t) key[32] << 24 | (uint32_t) key[33] << 16 | (uint32_t) key[34] << 8 | key[35];
}

static Entry *
insert_entry (UmkCoinsCache *cache, const UmkOutPoint *out)
{
  Entry *e = g_new0 (Entry, 1);
  e->out = *out;
  umk_coin_init (&e->coin);
  g_hash_table_insert (cache->map, &e->out, e);
  cache->memory += ENTRY_OVERHEAD;
  return e;
}

static void
remove_entry (UmkCoinsCache *cache, Entry *e)
{
  cache->memory -= ENTRY_OVERHEAD + e->coin.script_len;
  g_hash_table_remove (cache->map, &e->out);
}

/* Reads a coin from the database into coin. Returns: TRUE if found. */
static gboolean
db_read (UmkCoinsCache *cache, const UmkOutPoint *out, UmkCoin *coin)
{
  if (cache->read_txn == NULL)
    {
      g_autoptr (GError) error = NULL;
      cache->read_txn = umk_db_begin (cache->db, TRUE, &error);
      if (cache->read_txn == NULL)
        {
          g_critical ("%s", error->message);
          cache->failed = TRUE;
          return FALSE;
        }
    }
  uint8_t key[UMK_COINS_KEY_SIZE];
  umk_coins_key (out, key);
  MDB_val v;
  g_autoptr (GError) error = NULL;
  int found = umk_db_get (cache->read_txn, cache->db->coins, key, sizeof key, &v, &error);
  if (found < 0)
    {
      g_critical ("%s", error->message);
      cache->failed = TRUE;
      return FALSE;
    }
  if (found == 0)
    return FALSE;
  UmkReader r;
  umk_reader_init (&r, v.mv_data, v.mv_size);
  if (!umk_coin_deserialize (&r, coin) || umk_reader_remaining (&r) != 0)
    {
      g_critical ("The UTXO database holds a corrupted coin; restart with -reindex-chainstate");
      cache->failed = TRUE;
      umk_coin_clear (coin);
      return FALSE;
    }
  return TRUE;
}

/* Finds the entry for out, bringing it in from the layer below. Returns: the
 * entry (possibly of a spent coin in a child), or NULL. */
static Entry *
fetch (UmkCoinsCache *cache, const UmkOutPoint *out)
{
  Entry *e = g_hash_table_lookup (cache->map, out);
  if (e != NULL)
    return e;
  g_auto (UmkCoin) coin = UMK_COIN_INIT;
  if (cache->parent != NULL)
    {
      Entry *pe = fetch (cache->parent, out);
      if (pe == NULL)
        return NULL;
      umk_coin_copy (&coin, &pe->coin);
    }
  else if (!db_read (cache, out, &coin))
    return NULL;
  e = insert_entry (cache, out);
  umk_coin_move (&e->coin, &coin);
  cache->memory += e->coin.script_len;
  /* A spent coin coming up from a parent cache means nothing is unspent
   * below it either, so it is fresh here. */
  if (umk_coin_is_spent (&e->coin))
    e->flags = ENTRY_FRESH;
  return e;
}

const UmkCoin *
umk_coins_get (UmkCoinsCache *cache, const UmkOutPoint *out)
{
  Entry *e = fetch (cache, out);
  if (e == NULL || umk_coin_is_spent (&e->coin))
    return NULL;
  return &e->coin;
}

void
umk_coins_add (UmkCoinsCache *cache, const UmkOutPoint *out, UmkCoin *coin,
               gboolean possible_overwrite)
{
  Entry *e = g_hash_table_lookup (cache->map, out);
  gboolean inserted = e == NULL;
  if (inserted)
    e = insert_entry (cache, out);
  gboolean fresh = FALSE;
  if (!possible_overwrite)
    {
      if (!umk_coin_is_spent (&e->coin))
        g_error ("Attempted to overwrite an unspent coin at %u", out->n);
      /* Nothing unspent below unless this layer knows a dirty spend of it. */
      fresh = !(e->flags & ENTRY_DIRTY);
    }
  cache->memory -= e->coin.script_len;
  umk_coin_move (&e->coin, coin);
  cache->memory += e->coin.script_len;
  e->flags |= ENTRY_DIRTY | (fresh ? ENTRY_FRESH : 0);
}

gboolean
umk_coins_spend (UmkCoinsCache *cache, const UmkOutPoint *out, UmkCoin *moved)
{
  Entry *e = fetch (cache, out);
  if (e == NULL || umk_coin_is_spent (&e->coin))
    return FALSE;
  /* Account for the script before it moves out. */
  cache->memory -= e->coin.script_len;
  if (moved != NULL)
    umk_coin_move (moved, &e->coin);
  else
    umk_coin_clear (&e->coin);
  if (e->flags & ENTRY_FRESH)
    remove_entry (cache, e);
  else
    e->flags |= ENTRY_DIRTY;
  return TRUE;
}

void
umk_coins_cache_merge_into_parent (UmkCoinsCache *child)
{
  UmkCoinsCache *parent = child->parent;
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, child->map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Entry *ce = value;
      if (!(ce->flags & ENTRY_DIRTY))
        continue;
      Entry *pe = g_hash_table_lookup (parent->map, &ce->out);
      if (pe == NULL)
        {
          /* A fresh coin spent before reaching the parent never existed. */
          if ((ce->flags & ENTRY_FRESH) && umk_coin_is_spent (&ce->coin))
            continue;
          pe = insert_entry (parent, &ce->out);
          umk_coin_move (&pe->coin, &ce->coin);
          parent->memory += pe->coin.script_len;
          pe->flags = ENTRY_DIRTY | (ce->flags & ENTRY_FRESH);
          continue;
        }
      if ((ce->flags & ENTRY_FRESH) && !umk_coin_is_spent (&pe->coin))
        g_error ("A fresh coin overwrote an unspent one while merging caches");
      if ((pe->flags & ENTRY_FRESH) && umk_coin_is_spent (&ce->coin))
        {
          /* The parent's layer below never saw it: forget it entirely. */
          remove_entry (parent, pe);
          continue;
        }
      parent->memory -= pe->coin.script_len;
      umk_coin_move (&pe->coin, &ce->coin);
      parent->memory += pe->coin.script_len;
      pe->flags |= ENTRY_DIRTY;
    }
  parent->best_block = child->best_block;
  g_hash_table_remove_all (child->map);
  child->memory = 0;
}

gboolean
umk_coins_cache_write (UmkCoinsCache *cache, MDB_txn *txn, GError **error)
{
  g_return_val_if_fail (cache->db != NULL, FALSE);
  GHashTableIter it;
  gpointer value;
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  g_hash_table_iter_init (&it, cache->map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Entry *e = value;
      if (!(e->flags & ENTRY_DIRTY))
        continue;
      uint8_t key[UMK_COINS_KEY_SIZE];
      umk_coins_key (&e->out, key);
      if (umk_coin_is_spent (&e->coin))
        {
          if (!umk_db_del (txn, cache->db->coins, key, sizeof key, error))
            return FALSE;
          continue;
        }
      g_byte_array_set_size (buf, 0);
      umk_coin_serialize (&e->coin, buf);
      if (!umk_db_put (txn, cache->db->coins, key, sizeof key, buf->data, buf->len, error))
        return FALSE;
    }
  return umk_db_put (txn, cache->db->meta, UMK_DB_META_BEST_BLOCK, strlen (UMK_DB_META_BEST_BLOCK),
                     cache->best_block.b, 32, error);
}

void
umk_coins_cache_committed (UmkCoinsCache *cache, gboolean erase)
{
  /* The snapshot the read transaction sees is out of date now. */
  if (cache->read_txn != NULL)
    {
      mdb_txn_abort (cache->read_txn);
      cache->read_txn = NULL;
    }
  if (erase)
    {
      g_hash_table_remove_all (cache->map);
      cache->memory = 0;
      return;
    }
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, cache->map);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Entry *e = value;
      if (umk_coin_is_spent (&e->coin) && (e->flags & ENTRY_DIRTY))
        {
          cache->memory -= ENTRY_OVERHEAD;
          g_hash_table_iter_remove (&it);
          continue;
        }
      e->flags = 0;
    }
}

void
umk_coins_cache_get_best_block (UmkCoinsCache *cache, UmkUint256 *out)
{
  *out = cache->best_block;
}

void
umk_coins_cache_set_best_block (UmkCoinsCache *cache, const UmkUint256 *hash)
{
  cache->best_block = *hash;
}

size_t
umk_coins_cache_memory (const UmkCoinsCache *cache)
{
  return cache->memory;
}

guint
umk_coins_cache_size (const UmkCoinsCache *cache)
{
  return g_hash_table_size (cache->map);
}

gboolean
umk_coins_cache_failed (const UmkCoinsCache *cache)
{
  return cache->failed || (cache->parent != NULL && umk_coins_cache_failed (cache->parent));
}
