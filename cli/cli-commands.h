/* cli-commands.h — umkoin-cli's -addrinfo and -generate, as Umkoin Core's
 * client has them (-getinfo is in cli-getinfo.h).
 */
#pragma once

#include "cli/cli-rpc.h"

#include <glib.h>

/* -addrinfo: getnodeaddresses 0, counted per network:
 * {"addresses_known": {"ipv4": n, "ipv6": n, "onion": n, "i2p": n, "cjdns": n, "total": n}}. */
CliHandler *cli_addrinfo_handler (void);

/* -generate: generatetoaddress with params (nblocks, address, [maxtries]);
 * the reply is {"address": <address>, "blocks": <the node's result>}. Free
 * with cli_generate_handler_free(). */
CliHandler *cli_generate_handler_new (void) G_GNUC_WARN_UNUSED_RESULT;
void cli_generate_handler_free (CliHandler *handler);

/* Puts -generate's words in generatetoaddress's order: [nblocks, address,
 * maxtries?], nblocks "1" when not given. words is a GPtrArray of strings.
 * Returns: FALSE with Core's message for more than two words or nblocks "0". */
gboolean cli_generate_set_args (const char *address, GPtrArray *words, GError **error);
