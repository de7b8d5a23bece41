/* umk-node-page.h — the Node page: the network (connections in and out, the
 * peers list, each peer with a menu: Disconnect, Ban for 1 hour … 1 year)
 * and the chain (height, best block hash, difficulty, size on disk).
 * Refreshed on the node's signals, and every few seconds while the page is
 * shown.
 *
 * Actions (on the page): "peer.disconnect" (x: peer id) and "peer.ban"
 * ((xx): peer id, seconds), run through Node1.ExecuteRpc as Core's
 * disconnectnode and setban; a failure shows as a toast. */
#pragma once

#include "app/umk-node-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define UMK_TYPE_NODE_PAGE (umk_node_page_get_type ())
G_DECLARE_FINAL_TYPE (UmkNodePage, umk_node_page, UMK, NODE_PAGE, AdwBin)

/* Follows client from now on (once). */
void umk_node_page_set_client (UmkNodePage *self, UmkNodeClient *client);

/* Returns: the peers shown (UmkPeer items; tests). Transfer: none. */
GListModel *umk_node_page_get_peers (UmkNodePage *self);
/* Returns: the text the "Height" row shows (tests). */
const char *umk_node_page_get_height_text (UmkNodePage *self);

G_END_DECLS
