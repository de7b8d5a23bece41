/* chainstate-init.h — starting and stopping the chainstate from the node's
 * options (Core's init.cpp steps 7 and 8: load the block index and chainstate,
 * then import blocks in the background: -reindex, -loadblock). */
#pragma once

#include "node/node.h"

#include <glib.h>

/* Opens the chainstate named by the node's options into node->chainstate and
 * starts the import thread. Returns: FALSE with error (a start-up error). */
gboolean umk_node_chainstate_start (UmkNode *node, GError **error);
/* Interrupts long work, waits for the import thread, flushes and closes. */
void umk_node_chainstate_stop (UmkNode *node);
