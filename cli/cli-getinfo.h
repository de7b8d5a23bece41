/* cli-getinfo.h — umkoin-cli -getinfo: one batch of getnetworkinfo,
 * getblockchaininfo, getwalletinfo and getbalances, shown as Umkoin Core's
 * client shows it ("Chain: regtest", "Blocks: 0", ...).
 *
 * Where the node does not have one of the two node-wide methods yet (it
 * answers "Method not found"), its fields are left empty instead of failing,
 * so the report shows what the node can tell; any other error of those two
 * calls is the command's error, as in Core.
 */
#pragma once

#include "common/value.h"
#include "cli/cli-rpc.h"
#include "common/args.h"

#include <glib.h>

CliHandler *cli_getinfo_handler (void);

/* With several wallets loaded, adds "balances": {wallet: trusted balance}
 * to result (listwallets, then getbalances per wallet). Nothing is added
 * when listwallets fails or lists at most one wallet.
 * Returns: FALSE with error when a call fails to connect or a reply is malformed. */
gboolean cli_getinfo_add_wallet_balances (UmkArgs *args, UmkValue *result, GError **error);

/* Returns: the report for result (the handler's "result"), with colours
 * per -color (always, never, or auto: when stdout is a terminal); NULL with
 * error for another -color value or a malformed field; NULL without error
 * when result has an "error" member (Core then prints result as JSON). */
char *cli_getinfo_format (UmkArgs *args, const UmkValue *result,
                          GError **error) G_GNUC_WARN_UNUSED_RESULT;
