/* node-net.h — the node's peer-to-peer network brought up and down: the
 * ban list (banlist.json), the address manager (peers.dat), the connection
 * manager and the message processing, in Core's order. */
#pragma once

#include "node/node.h"

#include <glib.h>

/* Loads banlist.json and peers.dat, reads the network options and starts
 * listening and connecting. Run after the chainstate and mempool exist.
 * Returns: FALSE with Core's message for a bad option or an unusable port. */
gboolean umk_node_net_start (UmkNode *node, GError **error);
/* Disconnects everyone, then writes peers.dat and banlist.json. */
void umk_node_net_stop (UmkNode *node);
