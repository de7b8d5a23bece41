/* daemon.c — forking into the background with a pipe back to the parent. */
#define G_LOG_DOMAIN "umk-node"
#include "config.h"

#include "node/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

gboolean
umk_daemon_token_write (int fd, guint8 token)
{
  for (;;)
    {
      ssize_t n = write (fd, &token, 1);
      if (n == 1)
        return TRUE;
      if (n < 0 && errno == EINTR)
        continue;
      return FALSE;
    }
}

int
umk_daemon_token_read (int fd)
{
  for (;;)
    {
      guint8 token;
      ssize_t n = read (fd, &token, 1);
      if (n == 1)
        return token;
      if (n == 0)
        return UMK_DAEMON_TOKEN_EOF;
      if (errno != EINTR)
        return UMK_DAEMON_TOKEN_ERROR;
    }
}

/* The child's half of detaching; any failure ends the child, which the
 * parent sees as the pipe closing without the "detached" byte. */
static void
detach_child (int write_fd)
{
  if (setsid () < 0)
    _exit (EXIT_FAILURE);
  int null_fd = open ("/dev/null", O_RDWR);
  if (null_fd < 0)
    _exit (EXIT_FAILURE);
  gboolean failed = dup2 (null_fd, STDIN_FILENO) < 0 || dup2 (null_fd, STDOUT_FILENO) < 0
                    || dup2 (null_fd, STDERR_FILENO) < 0;
  /* A descriptor 0..2 means the program was started with a standard stream
   * closed; it is one of the three now and must stay open. */
  if (null_fd > STDERR_FILENO)
    close (null_fd);
  if (failed)
    _exit (EXIT_FAILURE);
  if (!umk_daemon_token_write (write_fd, 0))
    _exit (EXIT_FAILURE);
}

int
umk_daemon_fork (int *pipe_fd)
{
  g_return_val_if_fail (pipe_fd != NULL, -1);

  int fds[2];
  if (pipe2 (fds, O_CLOEXEC) != 0)
    return -1;

  pid_t pid = fork ();
  if (pid < 0)
    {
      int saved = errno;
      close (fds[0]);
      close (fds[1]);
      errno = saved;
      return -1;
    }
  if (pid == 0)
    {
      close (fds[0]);
      detach_child (fds[1]);
      *pipe_fd = fds[1];
      return 0;
    }

  close (fds[1]);
  int status = umk_daemon_token_read (fds[0]);
  if (status != 0)
    {
      /* A child that could not detach exits without a byte: no errno of
       * ours describes that, ECHILD comes closest. */
      int saved = status == UMK_DAEMON_TOKEN_ERROR ? errno : ECHILD;
      close (fds[0]);
      errno = saved;
      return -1;
    }
  *pipe_fd = fds[0];
  return (int) pid;
}
