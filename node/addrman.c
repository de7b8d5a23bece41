/* addrman.c — the address manager; see addrman.h.
 *
 * The tables follow Core's AddrManImpl field for field, because peers.dat
 * only stores entries and new-bucket membership and the rest is rebuilt by
 * the same rules on load: entries by id (ids only grow, so a peer cannot make
 * us reuse one), a map from service to id, a vector of all ids for random
 * picks, and the two bucket arrays of ids (-1 for an empty slot).
 */
#define G_LOG_DOMAIN "umk-addrman"
#include "config.h"

#include "node/addrman.h"

#include "common/hash.h"
#include "common/logging.h"
#include "common/serialize.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/random.h>

#define NEW_COUNT   UMK_ADDRMAN_NEW_BUCKET_COUNT
#define TRIED_COUNT UMK_ADDRMAN_TRIED_BUCKET_COUNT
#define BUCKET_SIZE UMK_ADDRMAN_BUCKET_SIZE

/* Over how many tried buckets one group spreads. */
#define TRIED_BUCKETS_PER_GROUP 8
/* Over how many new buckets the addresses from one source group spread. */
#define NEW_BUCKETS_PER_SOURCE_GROUP 64
/* How many new buckets one address may be in. */
#define NEW_BUCKETS_PER_ADDRESS 8
/* Addresses not heard of for this long are terrible. */
#define HORIZON (30 * 24 * 3600)
/* Failed attempts after which a never-reached address is terrible. */
#define RETRIES 3
/* Failures in a row, over at least MIN_FAIL, that make any address terrible. */
#define MAX_FAILURES 10
#define MIN_FAIL     (7 * 24 * 3600)
/* A tried incumbent reached this recently keeps its slot. */
#define REPLACEMENT (4 * 3600)
/* Most tried collisions waiting for a feeler. */
#define SET_TRIED_COLLISION_SIZE 10
/* After this long without a test the incumbent is evicted anyway. */
#define TEST_WINDOW (40 * 60)

/* peers.dat format versions: 0 historical, 1 deterministic buckets, 2 asmap
 * version, 3 BIP 155 addresses, 4 several ports per IP. We write 4. */
#define FORMAT_V1_DETERMINISTIC 1
#define FORMAT_V2_ASMAP         2
#define FORMAT_V3_BIP155        3
#define FILE_FORMAT             4
/* The second byte is the lowest format a reader must know, plus 32 (it was
 * once the key size, always 32). */
#define INCOMPATIBILITY_BASE 32
#define LOWEST_COMPATIBLE    4

G_DEFINE_QUARK (umk - addrman - error - quark, umk_addrman_error)

typedef struct
{
  int64_t id; /* the key of the info table points here */
  UmkService service;
  int64_t time;
  uint64_t services;
  UmkNetAddr source;
  int64_t last_try;           /* memory only */
  int64_t last_count_attempt; /* memory only */
  int64_t last_success;
  int attempts;
  int ref_count;  /* new buckets holding it (memory only) */
  bool in_tried;  /* (memory only) */
  int random_pos; /* index in the random vector */
} Info;

/* A key of the service map, holding its own copy of the service: Core's map
 * may point a service at a later entry (a damaged file can list one twice),
 * and erasing must then still find the key. */
typedef struct
{
  UmkService service;
  int64_t id;
} AddrKey;

/* One bucket: the ids in its slots, -1 for empty. */
typedef int64_t Bucket[BUCKET_SIZE];

/* A (bucket, index of a new entry) pair read from peers.dat. */
typedef struct
{
  int32_t bucket;
  int32_t index;
} BucketEntry;

typedef struct
{
  uint8_t key[32];
  GHashTable *info;     /* int64 id → Info */
  GHashTable *addr_map; /* AddrKey (as UmkService) → the same AddrKey */
  GArray *random;       /* int64 ids */
  int64_t id_count;
  int n_new;
  int n_tried;
  Bucket *new_tbl;
  Bucket *tried_tbl;
  int64_t last_good;
  GArray *tried_collisions; /* int64 ids, ascending, at most 10 */
  size_t count_new[UMK_NET_MAX];
  size_t count_tried[UMK_NET_MAX];
} State;

struct _UmkAddrMan
{
  GMutex lock;
  GRand *rand;
  int64_t mocktime;
  uint32_t check_ratio;
  bool deterministic;
  State s;
};

/* ---- State ------------------------------------------------------------------- */

static guint
service_hash (gconstpointer p)
{
  return umk_service_hash (p);
}

static void
state_init (State *s)
{
  memset (s, 0, sizeof *s);
  s->info = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
  s->addr_map = g_hash_table_new_full (service_hash, umk_service_equal_func, g_free, NULL);
  s->random = g_array_new (FALSE, FALSE, sizeof (int64_t));
  s->new_tbl = g_new (Bucket, NEW_COUNT);
  s->tried_tbl = g_new (Bucket, TRIED_COUNT);
  for (int b = 0; b < NEW_COUNT; b++)
    for (int i = 0; i < BUCKET_SIZE; i++)
      s->new_tbl[b][i] = -1;
  for (int b = 0; b < TRIED_COUNT; b++)
    for (int i = 0; i < BUCKET_SIZE; i++)
      s->tried_tbl[b][i] = -1;
  s->last_good = 1; /* so that "never" is strictly earlier */
  s->tried_collisions = g_array_new (FALSE, FALSE, sizeof (int64_t));
}

static void
state_clear (State *s)
{
  g_clear_pointer (&s->info, g_hash_table_unref);
  g_clear_pointer (&s->addr_map, g_hash_table_unref);
  g_clear_pointer (&s->random, g_array_unref);
  g_clear_pointer (&s->new_tbl, g_free);
  g_clear_pointer (&s->tried_tbl, g_free);
  g_clear_pointer (&s->tried_collisions, g_array_unref);
  memset (s->key, 0, sizeof s->key);
}

static Info *
info_get (const State *s, int64_t id)
{
  return g_hash_table_lookup (s->info, &id);
}

/* Core's mapAddr[service] = id: inserts or repoints. */
static void
addr_map_set (State *s, const UmkService *service, int64_t id)
{
  AddrKey *k = g_hash_table_lookup (s->addr_map, service);
  if (k == NULL)
    {
      k = g_new (AddrKey, 1);
      k->service = *service;
      g_hash_table_add (s->addr_map, k);
    }
  k->id = id;
}

static Info *
find (const State *s, const UmkService *service, int64_t *id)
{
  AddrKey *k = g_hash_table_lookup (s->addr_map, service);
  if (k == NULL)
    return NULL;
  if (id != NULL)
    *id = k->id;
  return info_get (s, k->id);
}

static size_t *
count_slot (State *s, const Info *info, bool tried)
{
  UmkNetwork n = umk_netaddr_get_network (&info->service.addr);
  return tried ? &s->count_tried[n] : &s->count_new[n];
}

/* ---- Time and randomness -------------------------------------------------------- */

static int64_t
now_locked (const UmkAddrMan *am)
{
  return am->mocktime != 0 ? am->mocktime : g_get_real_time () / G_USEC_PER_SEC;
}

/* A uniform integer in [0, n). */
static uint64_t
rand_range (UmkAddrMan *am, uint64_t n)
{
  if (n <= 1)
    return 0;
  if (n <= G_MAXINT32)
    return (uint64_t) g_rand_int_range (am->rand, 0, (gint32) n);
  uint64_t v = (uint64_t) g_rand_int (am->rand) << 32 | g_rand_int (am->rand);
  return v % n;
}

/* ---- Buckets (Core's keyed hashes) --------------------------------------------- */

/* The first 8 bytes, little-endian, of SHA256d of the concatenated parts, as
 * Core's HashWriter::GetCheapHash. */
static uint64_t
cheap_hash (GByteArray *data)
{
  uint8_t h[UMK_SHA256_SIZE];
  umk_sha256d (data->data, data->len, h);
  return umk_load_u64le (h);
}

static void
append_group (GByteArray *w, const UmkNetAddr *a)
{
  g_autoptr (GByteArray) g = g_byte_array_new ();
  umk_netaddr_get_group (a, g);
  umk_write_var_bytes (w, g->data, g->len); /* a vector: length, then bytes */
}

static void
append_key (GByteArray *w, const UmkService *s)
{
  g_autoptr (GByteArray) k = g_byte_array_new ();
  umk_service_get_key (s, k);
  umk_write_var_bytes (w, k->data, k->len);
}

int
umk_addrman_tried_bucket (const uint8_t key[32], const UmkService *addr)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_bytes (w, key, 32);
  append_key (w, addr);
  uint64_t h1 = cheap_hash (w);
  g_byte_array_set_size (w, 0);
  umk_write_bytes (w, key, 32);
  append_group (w, &addr->addr);
  umk_write_u64le (w, h1 % TRIED_BUCKETS_PER_GROUP);
  return (int) (cheap_hash (w) % TRIED_COUNT);
}

int
umk_addrman_new_bucket (const uint8_t key[32], const UmkNetAddr *addr, const UmkNetAddr *source)
{
  g_autoptr (GByteArray) src_group = g_byte_array_new ();
  umk_netaddr_get_group (source, src_group);
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_bytes (w, key, 32);
  append_group (w, addr);
  umk_write_var_bytes (w, src_group->data, src_group->len);
  uint64_t h1 = cheap_hash (w);
  g_byte_array_set_size (w, 0);
  umk_write_bytes (w, key, 32);
  umk_write_var_bytes (w, src_group->data, src_group->len);
  umk_write_u64le (w, h1 % NEW_BUCKETS_PER_SOURCE_GROUP);
  return (int) (cheap_hash (w) % NEW_COUNT);
}

int
umk_addrman_bucket_position (const uint8_t key[32], bool is_new, int bucket, const UmkService *addr)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  umk_write_bytes (w, key, 32);
  umk_write_u8 (w, is_new ? 'N' : 'K');
  umk_write_i32le (w, bucket);
  append_key (w, addr);
  return (int) (cheap_hash (w) % BUCKET_SIZE);
}

static int
tried_bucket (const State *s, const Info *info)
{
  return umk_addrman_tried_bucket (s->key, &info->service);
}

static int
new_bucket (const State *s, const Info *info, const UmkNetAddr *source)
{
  return umk_addrman_new_bucket (s->key, &info->service.addr, source);
}

static int
position (const State *s, const Info *info, bool is_new, int bucket)
{
  return umk_addrman_bucket_position (s->key, is_new, bucket, &info->service);
}

/* ---- Quality -------------------------------------------------------------------- */

static bool
is_terrible (const Info *info, int64_t now)
{
  if (now - info->last_try <= 60)
    return false; /* never drop what was tried in the last minute */
  if (info->time > now + 10 * 60)
    return true; /* time in the future */
  if (now - info->time > HORIZON)
    return true; /* not heard of in a month */
  if (info->last_success == 0 && info->attempts >= RETRIES)
    return true; /* never reached in several tries */
  if (now - info->last_success > MIN_FAIL && info->attempts >= MAX_FAILURES)
    return true; /* failing for a week */
  return false;
}

static double
get_chance (const Info *info, int64_t now)
{
  double chance = 1.0;
  if (now - info->last_try < 10 * 60)
    chance *= 0.01; /* just tried: try others first */
  /* each failure makes it a third less likely, down to 1/28 */
  chance *= pow (0.66, info->attempts < 8 ? info->attempts : 8);
  return chance;
}

static void
to_address (const Info *info, UmkAddress *out)
{
  memset (out, 0, sizeof *out);
  out->service = info->service;
  out->time = (uint32_t) info->time;
  out->services = info->services;
}

/* ---- Table operations (Core's AddrManImpl, lock held) ------------------------------ */

static Info *
create (State *s, const UmkAddress *addr, const UmkNetAddr *source, int64_t *id_out)
{
  Info *info = g_new0 (Info, 1);
  info->id = s->id_count++;
  info->service = addr->service;
  info->time = addr->time;
  info->services = addr->services;
  info->source = *source;
  info->random_pos = (int) s->random->len;
  g_hash_table_insert (s->info, &info->id, info);
  addr_map_set (s, &info->service, info->id);
  g_array_append_val (s->random, info->id);
  s->n_new++;
  (*count_slot (s, info, false))++;
  *id_out = info->id;
  return info;
}

static void
swap_random (State *s, guint p1, guint p2)
{
  if (p1 == p2)
    return;
  g_assert (p1 < s->random->len && p2 < s->random->len);
  int64_t *ids = (int64_t *) (void *) s->random->data;
  Info *i1 = info_get (s, ids[p1]), *i2 = info_get (s, ids[p2]);
  g_assert (i1 != NULL && i2 != NULL);
  i1->random_pos = (int) p2;
  i2->random_pos = (int) p1;
  int64_t t = ids[p1];
  ids[p1] = ids[p2];
  ids[p2] = t;
}

/* Drops an entry that is in no table. */
static void
delete_entry (State *s, int64_t id)
{
  Info *info = info_get (s, id);
  g_assert (info != NULL && !info->in_tried && info->ref_count == 0);
  swap_random (s, (guint) info->random_pos, s->random->len - 1);
  (*count_slot (s, info, false))--;
  g_array_set_size (s->random, s->random->len - 1);
  g_hash_table_remove (s->addr_map, &info->service);
  g_hash_table_remove (s->info, &id);
  s->n_new--;
}

/* Empties a new slot; the entry goes when no bucket holds it any more. */
static void
clear_new (State *s, int bucket, int pos)
{
  int64_t id = s->new_tbl[bucket][pos];
  if (id == -1)
    return;
  Info *info = info_get (s, id);
  g_assert (info != NULL && info->ref_count > 0);
  info->ref_count--;
  s->new_tbl[bucket][pos] = -1;
  if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
    {
      g_autofree char *str = umk_service_to_string (&info->service);
      UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Removed %s from new[%i][%i]", str, bucket, pos);
    }
  if (info->ref_count == 0)
    delete_entry (s, id);
}

static void
make_tried (State *s, Info *info, int64_t id)
{
  /* out of every new bucket (searching from its own, where it most likely is) */
  int start = new_bucket (s, info, &info->source);
  for (int n = 0; n < NEW_COUNT && info->ref_count > 0; n++)
    {
      int b = (start + n) % NEW_COUNT;
      int pos = position (s, info, true, b);
      if (s->new_tbl[b][pos] == id)
        {
          s->new_tbl[b][pos] = -1;
          info->ref_count--;
        }
    }
  s->n_new--;
  (*count_slot (s, info, false))--;
  g_assert (info->ref_count == 0);

  int kb = tried_bucket (s, info);
  int kpos = position (s, info, false, kb);
  if (s->tried_tbl[kb][kpos] != -1)
    {
      /* the incumbent goes back to new, replacing what is in its new slot */
      int64_t evict_id = s->tried_tbl[kb][kpos];
      Info *old = info_get (s, evict_id);
      g_assert (old != NULL);
      old->in_tried = false;
      s->tried_tbl[kb][kpos] = -1;
      s->n_tried--;
      (*count_slot (s, old, true))--;
      int ub = new_bucket (s, old, &old->source);
      int upos = position (s, old, true, ub);
      clear_new (s, ub, upos);
      g_assert (s->new_tbl[ub][upos] == -1);
      old->ref_count = 1;
      s->new_tbl[ub][upos] = evict_id;
      s->n_new++;
      (*count_slot (s, old, false))++;
      if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
        {
          g_autofree char *str = umk_service_to_string (&old->service);
          UMK_LOG_DEBUG (UMK_LOG_ADDRMAN,
                         "Moved %s from tried[%i][%i] to new[%i][%i] to make space", str, kb, kpos,
                         ub, upos);
        }
    }
  s->tried_tbl[kb][kpos] = id;
  s->n_tried++;
  info->in_tried = true;
  (*count_slot (s, info, true))++;
}

static bool
add_single (UmkAddrMan *am, const UmkAddress *addr, const UmkNetAddr *source, int64_t penalty)
{
  State *s = &am->s;
  if (!umk_netaddr_is_routable (&addr->service.addr))
    return false;
  int64_t now = now_locked (am);
  int64_t id;
  Info *info = find (s, &addr->service, &id);
  /* no penalty for a peer announcing itself */
  if (umk_netaddr_equal (&addr->service.addr, source))
    penalty = 0;
  int64_t addr_time = addr->time;

  if (info != NULL)
    {
      /* refresh the time now and then: hourly for peers seen in the last day */
      bool online = now - addr_time < 24 * 3600;
      int64_t interval = online ? 3600 : 24 * 3600;
      if (info->time < addr_time - interval - penalty)
        info->time = MAX (0, addr_time - penalty);
      info->services |= addr->services;
      if (addr_time <= info->time)
        return false; /* nothing new */
      if (info->in_tried)
        return false;
      if (info->ref_count == NEW_BUCKETS_PER_ADDRESS)
        return false;
      /* with n buckets already, another one only with chance 1/2^n */
      if (info->ref_count > 0 && rand_range (am, (uint64_t) 1 << info->ref_count) != 0)
        return false;
    }
  else
    {
      info = create (s, addr, source, &id);
      info->time = MAX (0, info->time - penalty);
    }

  int ub = new_bucket (s, info, source);
  int upos = position (s, info, true, ub);
  bool insert = s->new_tbl[ub][upos] == -1;
  if (s->new_tbl[ub][upos] != id)
    {
      if (!insert)
        {
          Info *existing = info_get (s, s->new_tbl[ub][upos]);
          /* a terrible incumbent, or one that has other buckets while the
           * newcomer has none, gives way */
          if (is_terrible (existing, now) || (existing->ref_count > 1 && info->ref_count == 0))
            insert = true;
        }
      if (insert)
        {
          clear_new (s, ub, upos);
          info->ref_count++;
          s->new_tbl[ub][upos] = id;
          if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
            {
              g_autofree char *str = umk_service_to_string (&addr->service);
              UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Added %s to new[%i][%i]", str, ub, upos);
            }
        }
      else if (info->ref_count == 0)
        delete_entry (s, id);
    }
  return insert;
}

static bool
good_locked (UmkAddrMan *am, const UmkService *service, bool test_before_evict, int64_t time)
{
  State *s = &am->s;
  s->last_good = time;
  int64_t id;
  Info *info = find (s, service, &id);
  if (info == NULL)
    return false;
  info->last_success = time;
  info->last_try = time;
  info->attempts = 0;
  /* the time is not refreshed: that would tell others whom we are connected to */
  if (info->in_tried)
    return false;
  if (info->ref_count <= 0)
    return false; /* in neither table: cannot happen */

  int kb = tried_bucket (s, info);
  int kpos = position (s, info, false, kb);
  if (test_before_evict && s->tried_tbl[kb][kpos] != -1)
    {
      if (s->tried_collisions->len < SET_TRIED_COLLISION_SIZE)
        {
          guint i = 0;
          int64_t *ids = (int64_t *) (void *) s->tried_collisions->data;
          while (i < s->tried_collisions->len && ids[i] < id)
            i++;
          if (i == s->tried_collisions->len || ids[i] != id)
            g_array_insert_val (s->tried_collisions, i, id);
        }
      if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
        {
          Info *other = info_get (s, s->tried_tbl[kb][kpos]);
          g_autofree char *a = other ? umk_service_to_string (&other->service) : g_strdup ("");
          g_autofree char *b = umk_service_to_string (service);
          UMK_LOG_DEBUG (UMK_LOG_ADDRMAN,
                         "Collision with %s while attempting to move %s to tried table. "
                         "Collisions=%u",
                         a, b, s->tried_collisions->len);
        }
      return false;
    }
  make_tried (s, info, id);
  if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
    {
      g_autofree char *str = umk_service_to_string (service);
      UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Moved %s to tried[%i][%i]", str, kb, kpos);
    }
  return true;
}

/* Core's CheckAddrman. */
static int
check_locked (const State *s)
{
  if (s->random->len != (guint) (s->n_tried + s->n_new))
    return -7;
  g_autoptr (GHashTable) tried_set = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) new_refs = g_hash_table_new (g_int64_hash, g_int64_equal);
  size_t local_new[UMK_NET_MAX] = { 0 }, local_tried[UMK_NET_MAX] = { 0 };
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, s->info);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Info *info = value;
      UmkNetwork net = umk_netaddr_get_network (&info->service.addr);
      if (info->in_tried)
        {
          if (info->last_success == 0)
            return -1;
          if (info->ref_count != 0)
            return -2;
          g_hash_table_add (tried_set, &info->id);
          local_tried[net]++;
        }
      else
        {
          if (info->ref_count < 0 || info->ref_count > NEW_BUCKETS_PER_ADDRESS)
            return -3;
          if (info->ref_count == 0)
            return -4;
          g_hash_table_insert (new_refs, &info->id, GINT_TO_POINTER (info->ref_count));
          local_new[net]++;
        }
      AddrKey *k = g_hash_table_lookup (s->addr_map, &info->service);
      if (k == NULL || k->id != info->id)
        return -5;
      if (info->random_pos < 0 || (guint) info->random_pos >= s->random->len
          || g_array_index (s->random, int64_t, info->random_pos) != info->id)
        return -14;
      if (info->last_try < 0)
        return -6;
      if (info->last_success < 0)
        return -8;
    }
  if (g_hash_table_size (tried_set) != (guint) s->n_tried)
    return -9;
  if (g_hash_table_size (new_refs) != (guint) s->n_new)
    return -10;
  for (int b = 0; b < TRIED_COUNT; b++)
    for (int i = 0; i < BUCKET_SIZE; i++)
      {
        int64_t id = s->tried_tbl[b][i];
        if (id == -1)
          continue;
        if (!g_hash_table_contains (tried_set, &id))
          return -11;
        Info *info = info_get (s, id);
        if (info == NULL || tried_bucket (s, info) != b)
          return -17;
        if (position (s, info, false, b) != i)
          return -18;
        g_hash_table_remove (tried_set, &id);
      }
  for (int b = 0; b < NEW_COUNT; b++)
    for (int i = 0; i < BUCKET_SIZE; i++)
      {
        int64_t id = s->new_tbl[b][i];
        if (id == -1)
          continue;
        gpointer orig_key, refs;
        if (!g_hash_table_lookup_extended (new_refs, &id, &orig_key, &refs))
          return -12;
        Info *info = info_get (s, id);
        if (info == NULL || position (s, info, true, b) != i)
          return -19;
        int left = GPOINTER_TO_INT (refs) - 1;
        if (left == 0)
          g_hash_table_remove (new_refs, &id);
        else
          g_hash_table_insert (new_refs, orig_key, GINT_TO_POINTER (left));
      }
  if (g_hash_table_size (tried_set) != 0)
    return -13;
  if (g_hash_table_size (new_refs) != 0)
    return -15;
  static const uint8_t zero[32] = { 0 };
  if (memcmp (s->key, zero, 32) == 0)
    return -16;
  for (int n = 0; n < UMK_NET_MAX; n++)
    if (local_new[n] != s->count_new[n] || local_tried[n] != s->count_tried[n])
      return -21;
  return 0;
}

/* Core's Check(): with -checkaddrman, 1 in ratio operations. */
static void
maybe_check (UmkAddrMan *am)
{
  if (am->check_ratio == 0 || rand_range (am, am->check_ratio) >= 1)
    return;
  int err = check_locked (&am->s);
  if (err != 0)
    {
      umk_log_error ("ADDRMAN CONSISTENCY CHECK FAILED!!! err=%i", err);
      g_error ("addrman consistency check failed with code %d", err);
    }
}

#define LOCK(am)                                                       \
  g_autoptr (GMutexLocker) locker_ = g_mutex_locker_new (&(am)->lock); \
  maybe_check (am)

/* ---- Public operations ---------------------------------------------------------- */

UmkAddrMan *
umk_addrman_new (bool deterministic)
{
  UmkAddrMan *am = g_new0 (UmkAddrMan, 1);
  g_mutex_init (&am->lock);
  am->deterministic = deterministic;
  state_init (&am->s);
  if (deterministic)
    {
      am->rand = g_rand_new_with_seed (0);
      am->s.key[0] = 1; /* Core's uint256{1} */
    }
  else
    {
      am->rand = g_rand_new ();
      /* the bucket key must be unpredictable to peers */
      size_t got = 0;
      while (got < sizeof am->s.key)
        {
          ssize_t n = getrandom (am->s.key + got, sizeof am->s.key - got, 0);
          if (n < 0 && errno != EINTR)
            g_error ("getrandom: %s", g_strerror (errno));
          if (n > 0)
            got += (size_t) n;
        }
    }
  return am;
}

void
umk_addrman_free (UmkAddrMan *am)
{
  if (am == NULL)
    return;
  state_clear (&am->s);
  g_rand_free (am->rand);
  g_mutex_clear (&am->lock);
  g_free (am);
}

size_t
umk_addrman_add (UmkAddrMan *am, const UmkAddress *addrs, size_t n, const UmkNetAddr *source,
                 int64_t time_penalty_s)
{
  g_return_val_if_fail (source != NULL, 0);
  LOCK (am);
  size_t added = 0;
  for (size_t i = 0; i < n; i++)
    added += add_single (am, &addrs[i], source, time_penalty_s) ? 1 : 0;
  if (added > 0 && umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
    {
      g_autofree char *src = umk_netaddr_to_string (source);
      UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Added %zu addresses (of %zu) from %s: %i tried, %i new",
                     added, n, src, am->s.n_tried, am->s.n_new);
    }
  maybe_check (am);
  return added;
}

bool
umk_addrman_good (UmkAddrMan *am, const UmkService *s, int64_t now)
{
  LOCK (am);
  bool moved = good_locked (am, s, true, now);
  maybe_check (am);
  return moved;
}

void
umk_addrman_attempt (UmkAddrMan *am, const UmkService *s, bool count_failure, int64_t now)
{
  LOCK (am);
  Info *info = find (&am->s, s, NULL);
  if (info == NULL)
    return;
  info->last_try = now;
  /* one failure per success anywhere: when our own connectivity is down,
   * every address would otherwise collect failures */
  if (count_failure && info->last_count_attempt < am->s.last_good)
    {
      info->last_count_attempt = now;
      info->attempts++;
    }
  maybe_check (am);
}

void
umk_addrman_connected (UmkAddrMan *am, const UmkService *s, int64_t now)
{
  LOCK (am);
  Info *info = find (&am->s, s, NULL);
  if (info != NULL && now - info->time > 20 * 60)
    info->time = now;
  maybe_check (am);
}

void
umk_addrman_set_services (UmkAddrMan *am, const UmkService *s, uint64_t services)
{
  LOCK (am);
  Info *info = find (&am->s, s, NULL);
  if (info != NULL)
    info->services = services;
  maybe_check (am);
}

static bool
in_networks (const UmkNetwork *networks, size_t n, UmkNetwork net)
{
  for (size_t i = 0; i < n; i++)
    if (networks[i] == net)
      return true;
  return false;
}

bool
umk_addrman_select (UmkAddrMan *am, bool new_only, const UmkNetwork *networks, size_t n_networks,
                    UmkAddress *out, int64_t *last_try)
{
  LOCK (am);
  State *s = &am->s;
  memset (out, 0, sizeof *out);
  umk_service_init (&out->service);
  if (last_try)
    *last_try = 0;
  if (s->random->len == 0)
    return false;
  size_t new_count = (size_t) s->n_new, tried_count = (size_t) s->n_tried;
  if (n_networks > 0)
    {
      new_count = tried_count = 0;
      for (int n = 0; n < UMK_NET_MAX; n++)
        if (in_networks (networks, n_networks, (UmkNetwork) n))
          {
            new_count += s->count_new[n];
            tried_count += s->count_tried[n];
          }
    }
  if (new_only && new_count == 0)
    return false;
  if (new_count + tried_count == 0)
    return false;
  bool search_tried;
  if (new_only || tried_count == 0)
    search_tried = false;
  else if (new_count == 0)
    search_tried = true;
  else
    search_tried = g_rand_boolean (am->rand);

  const int bucket_count = search_tried ? TRIED_COUNT : NEW_COUNT;
  int64_t now = now_locked (am);
  double chance_factor = 1.0;
  for (;;)
    {
      /* a random bucket, and the first usable entry from a random slot on */
      int bucket = (int) rand_range (am, (uint64_t) bucket_count);
      int start = (int) rand_range (am, BUCKET_SIZE);
      int64_t id = -1;
      int i;
      for (i = 0; i < BUCKET_SIZE; i++)
        {
          int pos = (start + i) % BUCKET_SIZE;
          id = search_tried ? s->tried_tbl[bucket][pos] : s->new_tbl[bucket][pos];
          if (id == -1)
            continue;
          if (n_networks == 0)
            break;
          Info *candidate = info_get (s, id);
          if (candidate != NULL
              && in_networks (networks, n_networks,
                              umk_netaddr_get_network (&candidate->service.addr)))
            break;
        }
      if (i == BUCKET_SIZE)
        continue;
      Info *info = info_get (s, id);
      g_assert (info != NULL);
      /* take it with its chance; each refusal makes the next one likelier */
      uint32_t r30 = g_rand_int (am->rand) >> 2;
      if ((double) r30 < chance_factor * get_chance (info, now) * (double) (1 << 30))
        {
          to_address (info, out);
          if (last_try)
            *last_try = info->last_try;
          if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
            {
              g_autofree char *str = umk_service_to_string (&info->service);
              UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Selected %s from %s", str,
                             search_tried ? "tried" : "new");
            }
          return true;
        }
      chance_factor *= 1.2;
    }
}

GArray *
umk_addrman_get_addr (UmkAddrMan *am, size_t max_addresses, size_t max_pct, int network,
                      bool filtered)
{
  LOCK (am);
  State *s = &am->s;
  size_t nodes = s->random->len;
  if (max_pct != 0)
    nodes = MIN (max_pct, 100) * nodes / 100;
  if (max_addresses != 0)
    nodes = MIN (nodes, max_addresses);
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (UmkAddress), (guint) nodes);
  int64_t now = now_locked (am);
  /* a partial Fisher–Yates shuffle of the id vector, skipping what does not fit */
  for (guint n = 0; n < s->random->len && result->len < nodes; n++)
    {
      guint r = (guint) rand_range (am, s->random->len - n) + n;
      swap_random (s, n, r);
      Info *info = info_get (s, g_array_index (s->random, int64_t, n));
      g_assert (info != NULL);
      if (network >= 0 && (int) umk_netaddr_get_net_class (&info->service.addr) != network)
        continue;
      if (filtered && is_terrible (info, now))
        continue;
      UmkAddress a;
      to_address (info, &a);
      g_array_append_val (result, a);
    }
  UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "GetAddr returned %u random addresses", result->len);
  return result;
}

size_t
umk_addrman_size (UmkAddrMan *am, int network, int in_new)
{
  LOCK (am);
  State *s = &am->s;
  if (network < 0)
    {
      if (in_new < 0)
        return s->random->len;
      return (size_t) (in_new ? s->n_new : s->n_tried);
    }
  if (network >= UMK_NET_MAX)
    return 0;
  if (in_new < 0)
    return s->count_new[network] + s->count_tried[network];
  return in_new ? s->count_new[network] : s->count_tried[network];
}

bool
umk_addrman_select_tried_collision (UmkAddrMan *am, UmkAddress *out, int64_t *last_try)
{
  LOCK (am);
  State *s = &am->s;
  memset (out, 0, sizeof *out);
  umk_service_init (&out->service);
  if (last_try)
    *last_try = 0;
  if (s->tried_collisions->len == 0)
    return false;
  guint i = (guint) rand_range (am, s->tried_collisions->len);
  int64_t id = g_array_index (s->tried_collisions, int64_t, i);
  Info *info = info_get (s, id);
  if (info == NULL)
    {
      g_array_remove_index (s->tried_collisions, i);
      return false;
    }
  int kb = tried_bucket (s, info);
  int kpos = position (s, info, false, kb);
  Info *old = info_get (s, s->tried_tbl[kb][kpos]);
  if (old == NULL)
    return false; /* the slot emptied since: resolving will move it in */
  to_address (old, out);
  if (last_try)
    *last_try = old->last_try;
  return true;
}

void
umk_addrman_resolve_collisions (UmkAddrMan *am)
{
  LOCK (am);
  State *s = &am->s;
  int64_t now = now_locked (am);
  for (guint i = 0; i < s->tried_collisions->len;)
    {
      int64_t id = g_array_index (s->tried_collisions, int64_t, i);
      bool erase = false;
      Info *info = info_get (s, id);
      if (info == NULL || !umk_netaddr_is_valid (&info->service.addr))
        erase = true;
      else
        {
          int kb = tried_bucket (s, info);
          int kpos = position (s, info, false, kb);
          int64_t old_id = s->tried_tbl[kb][kpos];
          if (old_id != -1)
            {
              Info *old = info_get (s, old_id);
              if (now - old->last_success < REPLACEMENT)
                erase = true; /* the incumbent answered recently: keep it */
              else if (now - old->last_try < REPLACEMENT)
                {
                  /* tried lately without success: replace it, once it had
                   * a minute to answer */
                  if (now - old->last_try > 60)
                    {
                      if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
                        {
                          g_autofree char *a = umk_service_to_string (&old->service);
                          g_autofree char *b = umk_service_to_string (&info->service);
                          UMK_LOG_DEBUG (UMK_LOG_ADDRMAN, "Replacing %s with %s in tried table", a,
                                         b);
                        }
                      UmkService service = info->service;
                      good_locked (am, &service, false, now);
                      erase = true;
                    }
                }
              else if (now - info->last_success > TEST_WINDOW)
                {
                  /* no test happened in time: the incumbent is unreachable */
                  if (umk_log_will_log (UMK_LOG_ADDRMAN, UMK_LOG_LEVEL_DEBUG))
                    {
                      g_autofree char *a = umk_service_to_string (&old->service);
                      g_autofree char *b = umk_service_to_string (&info->service);
                      UMK_LOG_DEBUG (UMK_LOG_ADDRMAN,
                                     "Unable to test; replacing %s with %s in tried table anyway",
                                     a, b);
                    }
                  UmkService service = info->service;
                  good_locked (am, &service, false, now);
                  erase = true;
                }
            }
          else
            {
              /* the slot emptied in the meantime */
              UmkService service = info->service;
              good_locked (am, &service, false, now);
              erase = true;
            }
        }
      if (erase)
        g_array_remove_index (s->tried_collisions, i);
      else
        i++;
    }
  maybe_check (am);
}

static void
fill_entry (const State *s, const Info *info, UmkAddrManEntry *e)
{
  memset (e, 0, sizeof *e);
  to_address (info, &e->address);
  e->source = info->source;
  e->last_try = info->last_try;
  e->last_success = info->last_success;
  e->attempts = info->attempts;
  e->tried = info->in_tried;
  e->multiplicity = info->in_tried ? 1 : info->ref_count;
  (void) s;
}

bool
umk_addrman_find (UmkAddrMan *am, const UmkService *s, UmkAddrManEntry *out)
{
  LOCK (am);
  Info *info = find (&am->s, s, NULL);
  if (info == NULL)
    return false;
  fill_entry (&am->s, info, out);
  if (info->in_tried)
    out->bucket = tried_bucket (&am->s, info);
  else
    out->bucket = new_bucket (&am->s, info, &info->source);
  out->position = position (&am->s, info, !info->in_tried, out->bucket);
  return true;
}

GArray *
umk_addrman_get_entries (UmkAddrMan *am, bool from_tried)
{
  LOCK (am);
  State *s = &am->s;
  GArray *result = g_array_new (FALSE, FALSE, sizeof (UmkAddrManEntry));
  int count = from_tried ? TRIED_COUNT : NEW_COUNT;
  for (int b = 0; b < count; b++)
    for (int i = 0; i < BUCKET_SIZE; i++)
      {
        int64_t id = from_tried ? s->tried_tbl[b][i] : s->new_tbl[b][i];
        if (id < 0)
          continue;
        UmkAddrManEntry e;
        fill_entry (s, info_get (s, id), &e);
        e.bucket = b;
        e.position = i;
        g_array_append_val (result, e);
      }
  return result;
}

int64_t
umk_addrman_now (UmkAddrMan *am)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
  return now_locked (am);
}

void
umk_addrman_set_mocktime (UmkAddrMan *am, int64_t t)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
  am->mocktime = t;
}

void
umk_addrman_set_consistency_checks (UmkAddrMan *am, uint32_t ratio)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
  am->check_ratio = ratio;
}

int
umk_addrman_check (UmkAddrMan *am)
{
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
  return check_locked (&am->s);
}

/* ---- peers.dat --------------------------------------------------------------------- */

static void
write_info (GByteArray *w, const Info *info)
{
  UmkAddress a;
  to_address (info, &a);
  umk_address_write_disk (w, &a, true);
  umk_netaddr_write_v2 (w, &info->source);
  umk_write_i64le (w, info->last_success);
  umk_write_i32le (w, info->attempts);
}

static bool
read_info (UmkReader *r, bool v2, Info *info)
{
  UmkAddress a;
  memset (info, 0, sizeof *info);
  if (!umk_address_read_disk (r, v2, &a))
    return false;
  info->service = a.service;
  info->time = a.time;
  info->services = a.services;
  bool ok = v2 ? umk_netaddr_read_v2 (r, &info->source) : umk_netaddr_read_v1 (r, &info->source);
  int32_t attempts = 0;
  ok = ok && umk_read_i64le (r, &info->last_success) && umk_read_i32le (r, &attempts);
  info->attempts = attempts;
  info->random_pos = -1;
  return ok;
}

/* Newest id first: Core writes entries in its hash map's order, which with
 * libstdc++ is newest first, so a file passed between the two programs keeps
 * the same layout. */
static gint
cmp_id_desc (gconstpointer a, gconstpointer b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return x > y ? -1 : x < y;
}

static void
serialize_locked (const State *s, GByteArray *w)
{
  umk_write_u8 (w, FILE_FORMAT);
  umk_write_u8 (w, INCOMPATIBILITY_BASE + LOWEST_COMPATIBLE);
  umk_write_bytes (w, s->key, 32);
  umk_write_i32le (w, s->n_new);
  umk_write_i32le (w, s->n_tried);
  umk_write_i32le (w, NEW_COUNT ^ (1 << 30));
  /* a new entry's index is its rank among the new entries written */
  g_autoptr (GArray) ids
      = g_array_sized_new (FALSE, FALSE, sizeof (int64_t), g_hash_table_size (s->info));
  GHashTableIter it;
  gpointer key;
  g_hash_table_iter_init (&it, s->info);
  while (g_hash_table_iter_next (&it, &key, NULL))
    g_array_append_val (ids, *(int64_t *) key);
  g_array_sort (ids, cmp_id_desc);
  g_autoptr (GHashTable) index = g_hash_table_new (g_int64_hash, g_int64_equal);
  int n = 0;
  for (guint i = 0; i < ids->len; i++)
    {
      Info *info = info_get (s, g_array_index (ids, int64_t, i));
      if (info->ref_count > 0)
        {
          g_hash_table_insert (index, &info->id, GINT_TO_POINTER (n++));
          write_info (w, info);
        }
    }
  g_assert (n == s->n_new);
  n = 0;
  for (guint i = 0; i < ids->len; i++)
    {
      Info *info = info_get (s, g_array_index (ids, int64_t, i));
      if (info->in_tried)
        {
          write_info (w, info);
          n++;
        }
    }
  g_assert (n == s->n_tried);
  for (int b = 0; b < NEW_COUNT; b++)
    {
      int32_t size = 0;
      for (int i = 0; i < BUCKET_SIZE; i++)
        size += s->new_tbl[b][i] != -1;
      umk_write_i32le (w, size);
      for (int i = 0; i < BUCKET_SIZE; i++)
        if (s->new_tbl[b][i] != -1)
          umk_write_i32le (w, GPOINTER_TO_INT (g_hash_table_lookup (index, &s->new_tbl[b][i])));
    }
  /* the asmap version: none, all zero */
  static const uint8_t no_asmap[32] = { 0 };
  umk_write_bytes (w, no_asmap, 32);
}

static gboolean corrupt (GError **error, const char *fmt, ...) G_GNUC_PRINTF (2, 3);

static gboolean
corrupt (GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error_literal (error, UMK_ADDRMAN_ERROR, UMK_ADDRMAN_ERROR_CORRUPT, msg);
  return FALSE;
}

static gboolean
reader_error (const UmkReader *r, GError **error)
{
  /* Core reads the file through AutoFile, whose words for a short file these are */
  if (r->error == UMK_SER_TRUNCATED)
    return corrupt (error, "AutoFile::read: end of file");
  return corrupt (error, "%s", umk_reader_error_message (r));
}

/* Core's AddrManImpl::Unserialize into a fresh state s. */
static gboolean
unserialize (State *s, UmkReader *r, GError **error)
{
  uint8_t format, compat;
  if (!umk_read_u8 (r, &format) || !umk_read_u8 (r, &compat))
    return reader_error (r, error);
  bool v2 = format >= FORMAT_V3_BIP155;
  if (compat < INCOMPATIBILITY_BASE)
    return corrupt (error,
                    "Corrupted addrman database: The compat value (%u) is lower than the "
                    "expected minimum value %u.",
                    compat, INCOMPATIBILITY_BASE);
  unsigned lowest = compat - INCOMPATIBILITY_BASE;
  if (lowest > FILE_FORMAT)
    {
      g_set_error (error, UMK_ADDRMAN_ERROR, UMK_ADDRMAN_ERROR_INCOMPATIBLE,
                   "Unsupported format of addrman database: %u. It is compatible with formats "
                   ">=%u, but the maximum supported by this version of %s is %u.",
                   format, lowest, PACKAGE_NAME, FILE_FORMAT);
      return FALSE;
    }
  int32_t n_new, n_tried, n_buckets;
  if (!umk_read_bytes (r, s->key, 32) || !umk_read_i32le (r, &n_new)
      || !umk_read_i32le (r, &n_tried) || !umk_read_i32le (r, &n_buckets))
    return reader_error (r, error);
  if (format >= FORMAT_V1_DETERMINISTIC)
    n_buckets ^= 1 << 30;
  if (n_new > NEW_COUNT * BUCKET_SIZE || n_new < 0)
    return corrupt (error, "Corrupt AddrMan serialization: nNew=%d, should be in [0, %d]", n_new,
                    NEW_COUNT * BUCKET_SIZE);
  if (n_tried > TRIED_COUNT * BUCKET_SIZE || n_tried < 0)
    return corrupt (error, "Corrupt AddrMan serialization: nTried=%d, should be in [0, %d]",
                    n_tried, TRIED_COUNT * BUCKET_SIZE);

  for (int n = 0; n < n_new; n++)
    {
      Info *info = g_new (Info, 1);
      if (!read_info (r, v2, info))
        {
          g_free (info);
          return reader_error (r, error);
        }
      info->id = n;
      info->random_pos = (int) s->random->len;
      g_hash_table_insert (s->info, &info->id, info);
      addr_map_set (s, &info->service, n);
      g_array_append_val (s->random, info->id);
      (*count_slot (s, info, false))++;
    }
  s->n_new = n_new;
  s->id_count = n_new;

  int lost = 0;
  for (int n = 0; n < n_tried; n++)
    {
      Info tmp;
      if (!read_info (r, v2, &tmp))
        return reader_error (r, error);
      int kb = tried_bucket (s, &tmp);
      int kpos = position (s, &tmp, false, kb);
      if (umk_netaddr_is_valid (&tmp.service.addr) && s->tried_tbl[kb][kpos] == -1)
        {
          Info *info = g_memdup2 (&tmp, sizeof tmp);
          info->id = s->id_count++;
          info->random_pos = (int) s->random->len;
          info->in_tried = true;
          g_hash_table_insert (s->info, &info->id, info);
          addr_map_set (s, &info->service, info->id);
          g_array_append_val (s->random, info->id);
          s->tried_tbl[kb][kpos] = info->id;
          (*count_slot (s, info, true))++;
        }
      else
        lost++;
    }
  s->n_tried = n_tried - lost;

  /* new-bucket membership, applied below once the asmap version is known */
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (BucketEntry));
  for (int32_t b = 0; b < n_buckets; b++)
    {
      int32_t count;
      if (!umk_read_i32le (r, &count))
        return reader_error (r, error);
      for (int32_t i = 0; i < count; i++)
        {
          int32_t index;
          if (!umk_read_i32le (r, &index))
            return reader_error (r, error);
          if (index >= 0 && index < n_new)
            {
              BucketEntry be = { b, index };
              g_array_append_val (entries, be);
            }
        }
    }
  uint8_t asmap_version[32] = { 0 };
  if (format >= FORMAT_V2_ASMAP && !umk_read_bytes (r, asmap_version, 32))
    return reader_error (r, error);
  static const uint8_t no_asmap[32] = { 0 };
  /* the slots can be restored only when bucketing is unchanged: same bucket
   * count and no asmap (we have none) */
  bool restore = n_buckets == NEW_COUNT && memcmp (asmap_version, no_asmap, 32) == 0;
  if (!restore)
    UMK_LOG_DEBUG (UMK_LOG_ADDRMAN,
                   "Bucketing method was updated, re-bucketing addrman entries from disk");

  for (guint e = 0; e < entries->len; e++)
    {
      const BucketEntry *be = &g_array_index (entries, BucketEntry, e);
      int bucket = be->bucket;
      int64_t id = be->index;
      Info *info = info_get (s, id);
      if (!umk_netaddr_is_valid (&info->service.addr))
        continue;
      if (info->ref_count >= NEW_BUCKETS_PER_ADDRESS)
        continue;
      int pos = position (s, info, true, bucket);
      if (restore && s->new_tbl[bucket][pos] == -1)
        {
          s->new_tbl[bucket][pos] = id;
          info->ref_count++;
        }
      else
        {
          /* fall back to the bucket of the entry's own source */
          bucket = new_bucket (s, info, &info->source);
          pos = position (s, info, true, bucket);
          if (s->new_tbl[bucket][pos] == -1)
            {
              s->new_tbl[bucket][pos] = id;
              info->ref_count++;
            }
        }
    }

  /* new entries no bucket took (collisions, invalid addresses) are dropped */
  int lost_new = 0;
  g_autoptr (GArray) orphans = g_array_new (FALSE, FALSE, sizeof (int64_t));
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, s->info);
  while (g_hash_table_iter_next (&it, NULL, &value))
    {
      Info *info = value;
      if (!info->in_tried && info->ref_count == 0)
        g_array_append_val (orphans, info->id);
    }
  for (guint i = 0; i < orphans->len; i++)
    {
      delete_entry (s, g_array_index (orphans, int64_t, i));
      lost_new++;
    }
  if (lost + lost_new > 0)
    UMK_LOG_DEBUG (UMK_LOG_ADDRMAN,
                   "addrman lost %i new and %i tried addresses due to collisions or invalid "
                   "addresses",
                   lost_new, lost);

  int code = check_locked (s);
  if (code != 0)
    return corrupt (error, "Corrupt data. Consistency check failed with code %d", code);
  return TRUE;
}

/* Core's DeserializeDB: message start, data, checksum of both. */
static gboolean
deserialize_db (const uint8_t *data, size_t len, const uint8_t message_start[4], State *s,
                GError **error)
{
  UmkReader r;
  umk_reader_init (&r, data, len);
  uint8_t magic[4];
  if (!umk_read_bytes (&r, magic, 4))
    return reader_error (&r, error);
  if (memcmp (magic, message_start, 4) != 0)
    return corrupt (error, "Invalid network magic number");
  if (!unserialize (s, &r, error))
    return FALSE;
  size_t body = r.pos;
  uint8_t stored[32], computed[32];
  if (!umk_read_bytes (&r, stored, 32))
    return reader_error (&r, error);
  umk_sha256d (data, body, computed);
  if (memcmp (stored, computed, 32) != 0)
    return corrupt (error, "Checksum mismatch, data corrupted");
  return TRUE;
}

gboolean
umk_addrman_deserialize (UmkAddrMan *am, const uint8_t *data, size_t len,
                         const uint8_t message_start[4], GError **error)
{
  State fresh;
  state_init (&fresh);
  if (!deserialize_db (data, len, message_start, &fresh, error))
    {
      state_clear (&fresh);
      return FALSE;
    }
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
  state_clear (&am->s);
  am->s = fresh;
  return TRUE;
}

static void
append_checksum (GByteArray *w)
{
  uint8_t h[32];
  umk_sha256d (w->data, w->len, h);
  g_byte_array_append (w, h, 32);
}

GByteArray *
umk_addrman_serialize (UmkAddrMan *am, const uint8_t message_start[4])
{
  GByteArray *w = g_byte_array_new ();
  g_byte_array_append (w, message_start, 4);
  {
    g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&am->lock);
    serialize_locked (&am->s, w);
  }
  append_checksum (w);
  return w;
}

gboolean
umk_addrman_load (UmkAddrMan *am, const char *path, const uint8_t message_start[4], GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, error))
    return FALSE;
  return umk_addrman_deserialize (am, (const uint8_t *) contents, len, message_start, error);
}

static gboolean
write_atomically (const char *path, const GByteArray *data, GError **error)
{
  /* a temporary file in the same folder, synced, then renamed over path */
  return g_file_set_contents_full (path, (const char *) data->data, (gssize) data->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0666, error);
}

gboolean
umk_addrman_save (UmkAddrMan *am, const char *path, const uint8_t message_start[4], GError **error)
{
  g_autoptr (GByteArray) data = umk_addrman_serialize (am, message_start);
  return write_atomically (path, data, error);
}

/* ---- anchors.dat -------------------------------------------------------------------- */

gboolean
umk_anchors_save (const char *path, const uint8_t message_start[4], const UmkAddress *addrs,
                  size_t n, GError **error)
{
  g_autoptr (GByteArray) w = g_byte_array_new ();
  g_byte_array_append (w, message_start, 4);
  umk_write_compact_size (w, n);
  for (size_t i = 0; i < n; i++)
    umk_address_write_disk (w, &addrs[i], true);
  append_checksum (w);
  return write_atomically (path, w, error);
}

GArray *
umk_anchors_load (const char *path, const uint8_t message_start[4], GError **error)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;
  UmkReader r;
  umk_reader_init (&r, contents, len);
  uint8_t magic[4];
  if (!umk_read_bytes (&r, magic, 4))
    return reader_error (&r, error), NULL;
  if (memcmp (magic, message_start, 4) != 0)
    return corrupt (error, "Invalid network magic number"), NULL;
  uint64_t n;
  if (!umk_read_compact_size (&r, &n, true))
    return reader_error (&r, error), NULL;
  /* an entry takes at least 4 + 4 + 1 + 2 + 2 bytes */
  if (n > umk_reader_remaining (&r) / 13)
    return corrupt (error, "AutoFile::read: end of file"), NULL;
  g_autoptr (GArray) result = g_array_sized_new (FALSE, FALSE, sizeof (UmkAddress), (guint) n);
  for (uint64_t i = 0; i < n; i++)
    {
      UmkAddress a;
      if (!umk_address_read_disk (&r, true, &a))
        return reader_error (&r, error), NULL;
      g_array_append_val (result, a);
    }
  size_t body = r.pos;
  uint8_t stored[32], computed[32];
  if (!umk_read_bytes (&r, stored, 32))
    return reader_error (&r, error), NULL;
  umk_sha256d (contents, body, computed);
  if (memcmp (stored, computed, 32) != 0)
    return corrupt (error, "Checksum mismatch, data corrupted"), NULL;
  return g_steal_pointer (&result);
}
