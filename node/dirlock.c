/* dirlock.c — the data directory's .lock file (Core's LockDirectory). */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "node/dirlock.h"

#include "common/error.h"
#include "common/logging.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The name umkoind puts in its messages (CLIENT_NAME): scripts and Core's
 * tests match these texts, so they stay Core's word for word. */
#define CORE_CLIENT_NAME "Umkoin Core"

struct _UmkDirLock
{
  int fd;
};

/* Core's SysErrorString: the C library's text and the number. */
static char *
sys_error_string (int err)
{
  return g_strdup_printf ("%s (%d)", g_strerror (err), err);
}

static int
lock_file (const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename (dir, UMK_DIR_LOCK_FILENAME, NULL);

  /* Created empty if missing (mode 0666 & ~umask, i.e. 0600 under the
   * node's umask); opening it read-write is what fcntl's write lock needs. */
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot write to directory '%s'; check permissions.", dir);
      return -1;
    }

  struct flock fl;
  memset (&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET; /* l_start = l_len = 0: the whole file */
  if (fcntl (fd, F_SETLK, &fl) == -1)
    {
      g_autofree char *reason = sys_error_string (errno);
      close (fd);
      umk_log_error ("Error while attempting to lock directory %s: %s", dir, reason);
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED,
                   "Cannot obtain a lock on directory %s. %s is probably already running.", dir,
                   CORE_CLIENT_NAME);
      return -1;
    }
  return fd;
}

UmkDirLock *
umk_dir_lock_acquire (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  int fd = lock_file (dir, error);
  if (fd < 0)
    return NULL;
  UmkDirLock *lock = g_new0 (UmkDirLock, 1);
  lock->fd = fd;
  return lock;
}

gboolean
umk_dir_lock_probe (const char *dir, GError **error)
{
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  int fd = lock_file (dir, error);
  if (fd < 0)
    return FALSE;
  close (fd); /* drops the lock again */
  return TRUE;
}

void
umk_dir_lock_release (UmkDirLock *lock)
{
  if (lock == NULL)
    return;
  close (lock->fd);
  g_free (lock);
}
