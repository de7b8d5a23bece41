/* options.h — every option umkoin-node accepts: the whole of umkoind's list.
 *
 * umkoind's configurations and Umkoin Core's test framework pass options for
 * parts this node does not have yet (P2P, mempool, wallet, indexes, LevelDB
 * tuning). They must never be "unknown" here, so each one is registered in
 * Core's -help category with Core's flags (which decide how it is parsed:
 * NETWORK_ONLY, SENSITIVE, DISALLOW_ELISION ...); the help of those that do
 * nothing yet says so.
 */
#pragma once

#include "common/args.h"

/* The default -pid file name, relative to the net datadir (Core's). */
#define UMK_NODE_PID_FILENAME "umkoind.pid"

/* Registers all of umkoin-node's options: the shared help, common, chain and
 * logging options of common/ and the node's own. Call once per UmkArgs. */
void umk_node_add_options (UmkArgs *args);
