/* node-mempool.h — the node's mempool wired to its chainstate: created from
 * the options, loaded from and saved to mempool.dat, kept in step with
 * connected and disconnected blocks, and the chain view acceptance uses. */
#pragma once

#include "node/node.h"

#include <glib.h>

/* Creates node->mempool from the options and connects it to the chainstate's
 * block notifications. Returns: FALSE with Core's message for a bad option. */
gboolean umk_node_mempool_start (UmkNode *node, GError **error);
/* Loads mempool.dat (-persistmempool); run after the chain is activated. */
void umk_node_mempool_load (UmkNode *node);
/* Saves mempool.dat (-persistmempool) and frees the pool. */
void umk_node_mempool_stop (UmkNode *node);
