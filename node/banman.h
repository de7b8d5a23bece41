/* banman.h — banned subnets and discouraged addresses, as Umkoin Core's BanMan.
 *
 * Bans are made by the user (setban): a banned address or subnet gets no
 * connection in either direction and is not gossiped. They expire, and are
 * kept in <datadir>/banlist.json in Core's format, so the file moves between
 * our node and umkoind:
 *
 *   { "_warning_": "…", "banned_nets": [ { "version": 1, "ban_created": T,
 *     "banned_until": T, "address": "1.2.3.0/24" }, … ] }
 *
 * Discouragement is automatic (a misbehaving peer): such addresses may still
 * connect in but are first to be evicted, and we neither connect out to nor
 * gossip them. It is not persisted and cannot be listed or lifted.
 *
 * Thread-safe.
 */
#pragma once

#include "common/netaddress.h"

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

/* -bantime's default: 24 hours. */
#define UMK_DEFAULT_MISBEHAVING_BANTIME (60 * 60 * 24)
/* How often Core writes the ban list while running (seconds). */
#define UMK_DUMP_BANS_INTERVAL (15 * 60)
/* Discouraged addresses remembered at least (Core's rolling filter size). */
#define UMK_BANMAN_DISCOURAGED_MAX 50000

typedef struct _UmkBanMan UmkBanMan;

typedef struct
{
  UmkSubNet subnet;
  int64_t created; /* seconds since the epoch */
  int64_t until;
} UmkBanEntry;

/* Loads banlist_path (NULL: keep bans in memory only). Like Core, a missing or
 * damaged file is logged and replaced by an empty list, and the file is
 * written at once. default_ban_time_s is -bantime. */
UmkBanMan *umk_banman_new (const char *banlist_path,
                           int64_t default_ban_time_s) G_GNUC_WARN_UNUSED_RESULT;
/* The same with the clock standing at mocktime from the start (0: real
 * time), so that loading sweeps by it too (-mocktime). */
UmkBanMan *umk_banman_new_full (const char *banlist_path, int64_t default_ban_time_s,
                                int64_t mocktime) G_GNUC_WARN_UNUSED_RESULT;
/* Writes the list if it changed, then frees. */
void umk_banman_free (UmkBanMan *bm);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkBanMan, umk_banman_free)

/* Bans subnet until now + ban_time_offset, or until ban_time_offset itself
 * when since_unix_epoch; an offset <= 0 means the default ban time from now.
 * An existing ban of the same subnet is only ever extended. The list is
 * written at once. */
void umk_banman_ban (UmkBanMan *bm, const UmkSubNet *subnet, int64_t ban_time_offset,
                     bool since_unix_epoch);
/* The same for a single address (its /32, /128 or exact subnet). */
void umk_banman_ban_addr (UmkBanMan *bm, const UmkNetAddr *addr, int64_t ban_time_offset,
                          bool since_unix_epoch);
/* Lifts the ban of exactly this subnet. Returns: FALSE when it was not banned. */
bool umk_banman_unban (UmkBanMan *bm, const UmkSubNet *subnet);
bool umk_banman_unban_addr (UmkBanMan *bm, const UmkNetAddr *addr);
void umk_banman_clear (UmkBanMan *bm);
/* Whether a current ban covers addr. */
bool umk_banman_is_banned (UmkBanMan *bm, const UmkNetAddr *addr);
/* Whether exactly this subnet has a current ban. */
bool umk_banman_is_subnet_banned (UmkBanMan *bm, const UmkSubNet *subnet);

void umk_banman_discourage (UmkBanMan *bm, const UmkNetAddr *addr);
bool umk_banman_is_discouraged (UmkBanMan *bm, const UmkNetAddr *addr);

/* The current bans, expired ones swept first, in Core's order (by subnet).
 * Returns: a GArray of UmkBanEntry. */
GArray *umk_banman_list (UmkBanMan *bm) G_GNUC_WARN_UNUSED_RESULT;
/* Writes banlist.json (atomically) if the list changed since the last write;
 * TRUE without a file. */
gboolean umk_banman_save (UmkBanMan *bm, GError **error);
/* Makes the clock stand at t seconds (0: real time). */
void umk_banman_set_mocktime (UmkBanMan *bm, int64_t t);
