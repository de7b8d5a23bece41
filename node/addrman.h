/* addrman.h — the address manager: the peers we know of, in Umkoin Core's
 * AddrMan layout, and peers.dat in Core's file format.
 *
 * Addresses we only heard about live in the "new" table (1024 buckets of 64
 * slots), addresses we connected to in the "tried" table (256 × 64). Where an
 * address goes is decided by keyed hashes of its /16-style group and the
 * group of the peer that told us (Core's GetNewBucket, GetTriedBucket and
 * GetBucketPosition with the secret nKey), so that one source, or one
 * network, can fill only a few buckets. An address may sit in up to 8 new
 * buckets; a tried address in exactly one slot.
 *
 * Moving an address to tried (umk_addrman_good) when its slot is taken does
 * what Core does: the newcomer waits in a set of at most 10 "tried
 * collisions"; the connection manager makes a feeler connection to the
 * incumbent (umk_addrman_select_tried_collision) and then calls
 * umk_addrman_resolve_collisions, which keeps an incumbent that answered in
 * the last 4 hours and otherwise replaces it (the incumbent goes back to new).
 *
 * peers.dat: the chain's 4-byte message start, the serialized tables
 * (format 4, addresses in BIP 155 form) and SHA256d of everything before it,
 * so umkoind reads our file and we read its own, older formats included.
 *
 * Thread-safe: every function takes an internal lock.
 */
#pragma once

#include "common/netaddress.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define UMK_ADDRMAN_NEW_BUCKET_COUNT   1024
#define UMK_ADDRMAN_TRIED_BUCKET_COUNT 256
#define UMK_ADDRMAN_BUCKET_SIZE        64

/* Errors of umk_addrman_load() besides G_FILE_ERROR (file missing or
 * unreadable). */
#define UMK_ADDRMAN_ERROR (umk_addrman_error_quark ())
typedef enum
{
  /* damaged data: bad magic, checksum, truncation, absurd counts */
  UMK_ADDRMAN_ERROR_CORRUPT,
  /* a newer format this version cannot read (Core then moves the file to
   * peers.dat.bak and starts afresh) */
  UMK_ADDRMAN_ERROR_INCOMPATIBLE,
} UmkAddrManError;
GQuark umk_addrman_error_quark (void);

typedef struct _UmkAddrMan UmkAddrMan;

/* A new, empty address manager. deterministic: the key is Core's test key
 * (1) and the random choices come from a fixed seed, for tests (Core's
 * -test=addrman). */
UmkAddrMan *umk_addrman_new (bool deterministic) G_GNUC_WARN_UNUSED_RESULT;
void umk_addrman_free (UmkAddrMan *am);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkAddrMan, umk_addrman_free)

/* Replaces the contents with peers.dat at path. Returns: FALSE with
 * G_FILE_ERROR_NOENT when the file does not exist, another G_FILE_ERROR when
 * it cannot be read, or UMK_ADDRMAN_ERROR with Core's words ("Invalid network
 * magic number", "Checksum mismatch, data corrupted", "Corrupt AddrMan
 * serialization: nNew=…"); the contents are then unchanged. */
gboolean umk_addrman_load (UmkAddrMan *am, const char *path, const uint8_t message_start[4],
                           GError **error);
/* Writes peers.dat at path atomically (a temporary file, synced, renamed). */
gboolean umk_addrman_save (UmkAddrMan *am, const char *path, const uint8_t message_start[4],
                           GError **error);
/* The same two on a buffer: message start, tables, checksum. */
gboolean umk_addrman_deserialize (UmkAddrMan *am, const uint8_t *data, size_t len,
                                  const uint8_t message_start[4], GError **error);
GByteArray *umk_addrman_serialize (UmkAddrMan *am, const uint8_t message_start[4]);

/* Adds addresses heard from source (Core's Add). Unroutable addresses are
 * ignored; a known one may get its time and services updated and, rarely,
 * another new bucket. The time of entries is lowered by time_penalty_s unless
 * the source announces itself. Returns: how many were put into a bucket. */
size_t umk_addrman_add (UmkAddrMan *am, const UmkAddress *addrs, size_t n, const UmkNetAddr *source,
                        int64_t time_penalty_s);
/* We connected to s and it answered (Core's Good): moves it to tried unless
 * its tried slot is taken (then it becomes a tried collision). Returns: TRUE
 * when it moved. */
bool umk_addrman_good (UmkAddrMan *am, const UmkService *s, int64_t now);
/* We tried to connect to s; count_failure counts it against the address (at
 * most once per umk_addrman_good of any address, as Core). */
void umk_addrman_attempt (UmkAddrMan *am, const UmkService *s, bool count_failure, int64_t now);
/* A connection to s ended: refreshes its time if older than 20 minutes. */
void umk_addrman_connected (UmkAddrMan *am, const UmkService *s, int64_t now);
/* Replaces the service bits of s (as learned from its version message). */
void umk_addrman_set_services (UmkAddrMan *am, const UmkService *s, uint64_t services);

/* Picks an address to connect to: new or tried with equal chance (new only
 * with new_only), favouring addresses not tried recently and with fewer
 * failures (Core's Select). networks (n_networks 0: any) limits the choice to
 * addresses whose umk_netaddr_get_network() is among them.
 * Returns: FALSE when there is none; else *out and, if last_try is not NULL,
 * the time we last tried it. */
bool umk_addrman_select (UmkAddrMan *am, bool new_only, const UmkNetwork *networks,
                         size_t n_networks, UmkAddress *out, int64_t *last_try);
/* Core's GetAddr: up to max_addresses (0: no limit) and max_pct percent (0:
 * no limit) of all addresses, in random order; network (-1: any) compares
 * with umk_netaddr_get_net_class(); filtered leaves out terrible ones.
 * Returns: a GArray of UmkAddress. */
GArray *umk_addrman_get_addr (UmkAddrMan *am, size_t max_addresses, size_t max_pct, int network,
                              bool filtered) G_GNUC_WARN_UNUSED_RESULT;
/* Number of addresses of one network (-1: all; by umk_netaddr_get_network()),
 * in new (in_new 1), tried (0) or both (-1). */
size_t umk_addrman_size (UmkAddrMan *am, int network, int in_new);

/* Test-before-evict (see the top of this file). Returns: FALSE when there is
 * no collision waiting; else the incumbent a feeler should test. */
bool umk_addrman_select_tried_collision (UmkAddrMan *am, UmkAddress *out, int64_t *last_try);
void umk_addrman_resolve_collisions (UmkAddrMan *am);

/* What the manager knows about one address (getrawaddrman). */
typedef struct
{
  UmkAddress address;
  UmkNetAddr source;
  int64_t last_try;
  int64_t last_success;
  int attempts;
  bool tried;
  int multiplicity; /* new buckets it is in; 1 in tried */
  int bucket;       /* an entry's primary bucket and position */
  int position;
} UmkAddrManEntry;

/* Finds s (Core's FindAddressEntry: bucket and position are those of its
 * source's new bucket, or its tried slot). */
bool umk_addrman_find (UmkAddrMan *am, const UmkService *s, UmkAddrManEntry *out);
/* Every slot of one table (Core's GetEntries: an address in several new
 * buckets appears once per bucket, with that bucket and position).
 * Returns: a GArray of UmkAddrManEntry. */
GArray *umk_addrman_get_entries (UmkAddrMan *am, bool from_tried) G_GNUC_WARN_UNUSED_RESULT;

/* Current time as the manager sees it (the mock time when set). */
int64_t umk_addrman_now (UmkAddrMan *am);
/* Makes the manager's clock stand at t seconds (0: real time again). */
void umk_addrman_set_mocktime (UmkAddrMan *am, int64_t t);
/* -checkaddrman: check the tables' consistency on 1 in ratio operations
 * (0: never) and abort on a failure, as Core does. */
void umk_addrman_set_consistency_checks (UmkAddrMan *am, uint32_t ratio);
/* Core's CheckAddrman. Returns: 0, or Core's negative code of the first
 * inconsistency found. */
int umk_addrman_check (UmkAddrMan *am);

/* The bucket functions with an explicit key, as Core's tests call them. */
int umk_addrman_tried_bucket (const uint8_t key[32], const UmkService *addr);
int umk_addrman_new_bucket (const uint8_t key[32], const UmkNetAddr *addr,
                            const UmkNetAddr *source);
int umk_addrman_bucket_position (const uint8_t key[32], bool is_new, int bucket,
                                 const UmkService *addr);

/* anchors.dat (Core's DumpAnchors/ReadAnchors): the message start, a vector
 * of addresses in the disk form and the checksum. Reading returns NULL (with
 * error) for a missing or damaged file; like Core, the caller deletes the
 * file after reading it. */
gboolean umk_anchors_save (const char *path, const uint8_t message_start[4],
                           const UmkAddress *addrs, size_t n, GError **error);
GArray *umk_anchors_load (const char *path, const uint8_t message_start[4],
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
