/* dirlock.h — one process per data directory, as umkoind ensures it.
 *
 * A directory is claimed through an fcntl() write lock on the empty file
 * ".lock" inside it, held until the lock is released or the process ends
 * (the kernel drops it then, so a crash never leaves a stale lock). fcntl
 * locks belong to the process and are not inherited by fork(), so a daemon
 * takes its lock after forking.
 */
#pragma once

#include <glib.h>

#define UMK_DIR_LOCK_FILENAME ".lock"

typedef struct _UmkDirLock UmkDirLock;

/* Takes the lock of dir (creating dir/.lock if needed) and keeps it.
 * Returns: the lock, or NULL with Core's InitError text in error:
 * "Cannot write to directory '<dir>'; check permissions." when .lock cannot
 * be created, "Cannot obtain a lock on directory <dir>. Umkoin Core is
 * probably already running." when another process holds it (the reason is
 * logged as Core does). */
UmkDirLock *umk_dir_lock_acquire (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* As umk_dir_lock_acquire() but lets go at once: tells early, before a
 * daemon forks, whether the lock could be had. Must not be called while this
 * process holds the lock (closing any descriptor of the file would drop it). */
gboolean umk_dir_lock_probe (const char *dir, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Releases the lock (NULL is fine). The .lock file stays, as in Core. */
void umk_dir_lock_release (UmkDirLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkDirLock, umk_dir_lock_release)
