/* umk-peer.h — one connected peer, as Node1.GetPeers describes it: an item
 * of the Node page's peers list. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define UMK_TYPE_PEER (umk_peer_get_type ())
G_DECLARE_FINAL_TYPE (UmkPeer, umk_peer, UMK, PEER, GObject)

/* Returns: the peer described by one a{sv} of GetPeers' reply; missing
 * fields read as 0, "" or -1 (ping). */
UmkPeer *umk_peer_new_from_variant (GVariant *dict) G_GNUC_WARN_UNUSED_RESULT;

gint64 umk_peer_get_id (UmkPeer *self);
const char *umk_peer_get_address (UmkPeer *self);
int umk_peer_get_version (UmkPeer *self);
const char *umk_peer_get_subversion (UmkPeer *self);
gboolean umk_peer_get_inbound (UmkPeer *self);
/* Returns: the ping time in seconds, or -1 when not measured yet. */
double umk_peer_get_ping (UmkPeer *self);
/* Returns: the height the peer has (synced_blocks, else startingheight). */
int umk_peer_get_height (UmkPeer *self);

G_END_DECLS
