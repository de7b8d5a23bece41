#define G_LOG_DOMAIN "umk-cli"
#include "config.h"

#include "cli/cli-stdin.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

void
cli_stdin_set_echo (gboolean on)
{
  struct termios tty;
  if (tcgetattr (STDIN_FILENO, &tty) != 0)
    return;
  if (on)
    tty.c_lflag |= ECHO;
  else
    tty.c_lflag &= ~(tcflag_t) ECHO;
  tcsetattr (STDIN_FILENO, TCSANOW, &tty);
}

gboolean
cli_stdin_terminal (void)
{
  return isatty (STDIN_FILENO);
}

gboolean
cli_stdin_ready (void)
{
  if (!cli_stdin_terminal ())
    return TRUE;
  struct pollfd fds = { .fd = STDIN_FILENO, .events = POLLIN };
  return poll (&fds, 1, 0) == 1;
}

gboolean
cli_stdin_read_line (char **line)
{
  char *buf = NULL;
  size_t cap = 0;
  ssize_t n = getline (&buf, &cap, stdin);
  if (n < 0)
    {
      free (buf);
      return FALSE;
    }
  if (n > 0 && buf[n - 1] == '\n')
    buf[n - 1] = '\0';
  /* getline's buffer comes from malloc; hand out GLib memory. */
  *line = g_strdup (buf);
  free (buf);
  return TRUE;
}
