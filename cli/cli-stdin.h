/* cli-stdin.h — what umkoin-cli reads from standard input: the RPC password
 * (-stdinrpcpass), a wallet passphrase (-stdinwalletpassphrase) and extra
 * arguments (-stdin), one per line, with the terminal's echo off for secrets.
 */
#pragma once

#include <glib.h>

/* Turns the terminal's echo of standard input on or off (nothing happens
 * when standard input is not a terminal). */
void cli_stdin_set_echo (gboolean on);
/* Returns: TRUE when standard input is a terminal. */
gboolean cli_stdin_terminal (void);
/* Returns: TRUE when reading would not wait for the user: standard input is
 * not a terminal, or input is already there. Prompts are shown otherwise. */
gboolean cli_stdin_ready (void);
/* Reads one line without its '\n' (a last line without one counts).
 * Returns: FALSE at the end of input with nothing read. Out: line (g_free). */
gboolean cli_stdin_read_line (char **line);
