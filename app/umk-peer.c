/* umk-peer.c — one connected peer (see the header). */
#define G_LOG_DOMAIN "umk-qt"
#include "config.h"

#include "app/umk-peer.h"

struct _UmkPeer
{
  GObject parent_instance;
  gint64 id;
  char *address;
  int version;
  char *subversion;
  gboolean inbound;
  double ping;
  int height;
};

G_DEFINE_FINAL_TYPE (UmkPeer, umk_peer, G_TYPE_OBJECT)

static void
umk_peer_finalize (GObject *object)
{
  UmkPeer *self = UMK_PEER (object);
  g_free (self->address);
  g_free (self->subversion);
  G_OBJECT_CLASS (umk_peer_parent_class)->finalize (object);
}

static void
umk_peer_class_init (UmkPeerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = umk_peer_finalize;
}

static void
umk_peer_init (UmkPeer *self)
{
  self->ping = -1;
}

UmkPeer *
umk_peer_new_from_variant (GVariant *dict)
{
  g_return_val_if_fail (dict != NULL && g_variant_is_of_type (dict, G_VARIANT_TYPE_VARDICT), NULL);
  UmkPeer *self = g_object_new (UMK_TYPE_PEER, NULL);
  GVariantDict d;
  g_variant_dict_init (&d, dict);
  const char *s = NULL;
  int synced = -1;
  int starting = 0;
  g_variant_dict_lookup (&d, "id", "x", &self->id);
  self->address = g_variant_dict_lookup (&d, "addr", "&s", &s) ? g_strdup (s) : g_strdup ("");
  g_variant_dict_lookup (&d, "version", "i", &self->version);
  self->subversion = g_variant_dict_lookup (&d, "subver", "&s", &s) ? g_strdup (s) : g_strdup ("");
  g_variant_dict_lookup (&d, "inbound", "b", &self->inbound);
  g_variant_dict_lookup (&d, "pingtime", "d", &self->ping);
  g_variant_dict_lookup (&d, "startingheight", "i", &starting);
  g_variant_dict_lookup (&d, "synced_blocks", "i", &synced);
  self->height = synced >= 0 ? synced : starting;
  g_variant_dict_clear (&d);
  return self;
}

gint64
umk_peer_get_id (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), 0);
  return self->id;
}

const char *
umk_peer_get_address (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), NULL);
  return self->address;
}

int
umk_peer_get_version (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), 0);
  return self->version;
}

const char *
umk_peer_get_subversion (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), NULL);
  return self->subversion;
}

gboolean
umk_peer_get_inbound (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), FALSE);
  return self->inbound;
}

double
umk_peer_get_ping (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), -1);
  return self->ping;
}

int
umk_peer_get_height (UmkPeer *self)
{
  g_return_val_if_fail (UMK_IS_PEER (self), 0);
  return self->height;
}
