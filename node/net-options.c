/* net-options.c — the network options (Core's InitParameterInteraction for
 * the network, and AppInitMain's connection options), and -whitebind /
 * -whitelist permissions (Core's net_permissions.cpp). */
#define G_LOG_DOMAIN "umk-net"
#include "config.h"

#include "common/error.h"
#include "common/protocol.h"
#include "node/net-private.h"

#include <string.h>

#define DEFAULT_MAX_PEER_CONNECTIONS   125
#define DEFAULT_MAXRECEIVEBUFFER_KB    5000
#define DEFAULT_MAXSENDBUFFER_KB       1000
#define DEFAULT_PEER_CONNECT_TIMEOUT_S 60
#define DEFAULT_CONNECT_TIMEOUT_MS     5000

static const struct
{
  const char *name;
  guint32 flags;
} permission_names[] = {
  { "bloomfilter", UMK_PERM_BLOOMFILTER },
  { "bloom", UMK_PERM_BLOOMFILTER },
  { "noban", UMK_PERM_NOBAN },
  { "forcerelay", UMK_PERM_FORCERELAY },
  { "mempool", UMK_PERM_MEMPOOL },
  { "download", UMK_PERM_DOWNLOAD },
  { "all", UMK_PERM_ALL },
  { "relay", UMK_PERM_RELAY },
  { "addr", UMK_PERM_ADDR },
};

gboolean
umk_net_permissions_parse (const char *text, guint32 *flags, const char **rest, GError **error)
{
  *flags = 0;
  const char *at = strchr (text, '@');
  if (at == NULL)
    {
      /* No list: the caller applies Core's implicit permissions. */
      *flags = UMK_PERM_IMPLICIT;
      *rest = text;
      return TRUE;
    }
  g_autofree char *list = g_strndup (text, (gsize) (at - text));
  g_auto (GStrv) words = g_strsplit (list, ",", -1);
  gboolean direction = FALSE;
  for (char **w = words; *w != NULL; w++)
    {
      if (**w == '\0')
        continue; /* Core allows empty entries */
      if (strcmp (*w, "in") == 0 || strcmp (*w, "out") == 0)
        {
          /* Connection directions (-whitelist only); we apply the list
           * to inbound connections, Core's default. */
          direction = TRUE;
          continue;
        }
      gboolean known = FALSE;
      for (size_t i = 0; i < G_N_ELEMENTS (permission_names) && !known; i++)
        if (strcmp (*w, permission_names[i].name) == 0)
          {
            *flags |= permission_names[i].flags;
            known = TRUE;
          }
      if (!known)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Invalid P2P permission: '%s'", *w);
          return FALSE;
        }
    }
  if (direction && *flags == 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Only direction was set, no permissions: '%s'", text);
      return FALSE;
    }
  *rest = at + 1;
  return TRUE;
}

GPtrArray *
umk_net_permissions_names (guint32 flags)
{
  static const struct
  {
    const char *name;
    guint32 flag;
  } order[] = {
    { "bloomfilter", UMK_PERM_BLOOMFILTER },
    { "noban", UMK_PERM_NOBAN },
    { "forcerelay", UMK_PERM_FORCERELAY },
    { "relay", UMK_PERM_RELAY },
    { "mempool", UMK_PERM_MEMPOOL },
    { "download", UMK_PERM_DOWNLOAD },
    { "addr", UMK_PERM_ADDR },
  };
  GPtrArray *out = g_ptr_array_new ();
  for (size_t i = 0; i < G_N_ELEMENTS (order); i++)
    if (umk_perm_has (flags, order[i].flag))
      g_ptr_array_add (out, (gpointer) order[i].name);
  return out;
}

/* Core turns "implicit" (a -whitelist or -whitebind entry without a list)
 * into noban, mempool and, by -whitelistrelay/-whitelistforcerelay, relay. */
static guint32
resolve_implicit (UmkArgs *args, guint32 flags)
{
  if (!(flags & UMK_PERM_IMPLICIT))
    return flags;
  flags &= ~(guint32) UMK_PERM_IMPLICIT;
  if (umk_args_get_bool (args, "-whitelistforcerelay", FALSE))
    flags |= UMK_PERM_FORCERELAY;
  if (umk_args_get_bool (args, "-whitelistrelay", TRUE))
    flags |= UMK_PERM_RELAY;
  return flags | UMK_PERM_MEMPOOL | UMK_PERM_NOBAN;
}

guint32
umk_connman_whitelist_perms (UmkConnman *cm, const UmkNetAddr *addr)
{
  guint32 flags = 0;
  for (guint i = 0; cm->opts.whitelist != NULL && i < cm->opts.whitelist->len; i++)
    if (umk_subnet_match (cm->opts.whitelist->pdata[i], addr))
      flags |= g_array_index (cm->opts.whitelist_perms, guint32, i);
  return flags;
}

void
umk_connman_options_clear (UmkConnmanOptions *opts)
{
  g_clear_pointer (&opts->binds, g_ptr_array_unref);
  g_clear_pointer (&opts->whitebinds, g_ptr_array_unref);
  g_clear_pointer (&opts->whitebind_perms, g_array_unref);
  g_clear_pointer (&opts->whitelist, g_ptr_array_unref);
  g_clear_pointer (&opts->whitelist_perms, g_array_unref);
  g_clear_pointer (&opts->connect, g_ptr_array_unref);
  g_clear_pointer (&opts->addnode, g_ptr_array_unref);
  g_clear_pointer (&opts->seednode, g_ptr_array_unref);
  g_clear_pointer (&opts->dns_seeds, g_ptr_array_unref);
  g_clear_pointer (&opts->fixed_seeds, g_ptr_array_unref);
  g_clear_pointer (&opts->proxy, g_free);
}

static GPtrArray *
string_list (UmkArgs *args, const char *name)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) values = umk_args_get_list (args, name);
  for (char **v = values; v != NULL && *v != NULL; v++)
    g_ptr_array_add (out, g_strdup (*v));
  return out;
}

/* Core's InitParameterInteraction, the network part. */
static void
parameter_interaction (UmkArgs *args)
{
  g_auto (GStrv) binds = umk_args_get_list (args, "-bind");
  g_auto (GStrv) whitebinds = umk_args_get_list (args, "-whitebind");
  g_auto (GStrv) connect = umk_args_get_list (args, "-connect");
  if (binds != NULL && binds[0] != NULL && umk_args_soft_set_bool (args, "-listen", TRUE))
    umk_log_info ("parameter interaction: -bind set -> setting -listen=1");
  if (whitebinds != NULL && whitebinds[0] != NULL && umk_args_soft_set_bool (args, "-listen", TRUE))
    umk_log_info ("parameter interaction: -whitebind set -> setting -listen=1");
  if ((connect != NULL && connect[0] != NULL) || umk_args_is_negated (args, "-connect")
      || umk_args_get_int (args, "-maxconnections", DEFAULT_MAX_PEER_CONNECTIONS) <= 0)
    {
      if (umk_args_soft_set_bool (args, "-dnsseed", FALSE))
        umk_log_info (
            "parameter interaction: -connect or -maxconnections=0 set -> setting -dnsseed=0");
      if (umk_args_soft_set_bool (args, "-listen", FALSE))
        umk_log_info (
            "parameter interaction: -connect or -maxconnections=0 set -> setting -listen=0");
    }
  g_autofree char *proxy = umk_args_get (args, "-proxy", "");
  if (proxy[0] != '\0' && strcmp (proxy, "0") != 0)
    {
      if (umk_args_soft_set_bool (args, "-listen", FALSE))
        umk_log_info ("parameter interaction: -proxy set -> setting -listen=0");
    }
  if (umk_args_get_bool (args, "-blocksonly", FALSE)
      && umk_args_soft_set_bool (args, "-whitelistrelay", FALSE))
    umk_log_info ("parameter interaction: -blocksonly=1 -> setting -whitelistrelay=0");
  if (umk_args_get_bool (args, "-whitelistforcerelay", FALSE)
      && umk_args_soft_set_bool (args, "-whitelistrelay", TRUE))
    umk_log_info ("parameter interaction: -whitelistforcerelay=1 -> setting -whitelistrelay=1");
}

gboolean
umk_connman_options_from_args (UmkConnmanOptions *opts, UmkNode *node, GError **error)
{
  UmkArgs *args = node->args;
  memset (opts, 0, sizeof *opts);
  parameter_interaction (args);

  opts->listen = umk_args_get_bool (args, "-listen", TRUE);
  opts->default_port = (guint16) umk_args_get_int (args, "-port", node->params->default_port);
  opts->binds = g_ptr_array_new_with_free_func (g_free);
  opts->whitebinds = g_ptr_array_new_with_free_func (g_free);
  opts->whitebind_perms = g_array_new (FALSE, FALSE, sizeof (guint32));
  opts->whitelist = g_ptr_array_new_with_free_func (g_free);
  opts->whitelist_perms = g_array_new (FALSE, FALSE, sizeof (guint32));

  g_auto (GStrv) binds = umk_args_get_list (args, "-bind");
  g_auto (GStrv) whitebinds = umk_args_get_list (args, "-whitebind");
  size_t n_user_bind
      = (binds ? g_strv_length (binds) : 0) + (whitebinds ? g_strv_length (whitebinds) : 0);
  if (n_user_bind != 0 && !opts->listen)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Cannot set -bind or -whitebind together with -listen=0");
      return FALSE;
    }
  for (char **b = binds; b != NULL && *b != NULL; b++)
    {
      UmkService *svc = g_new0 (UmkService, 1);
      g_ptr_array_add (opts->binds, svc);
      /* "addr=onion" binds are for Tor, which we do not run: ignored. */
      const char *eq = strrchr (*b, '=');
      if (eq != NULL && strcmp (eq + 1, "onion") == 0)
        {
          g_ptr_array_remove_index (opts->binds, opts->binds->len - 1);
          continue;
        }
      if (!umk_service_parse (*b, opts->default_port, svc))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Cannot resolve -bind address: '%s'",
                       *b);
          return FALSE;
        }
    }
  for (char **b = whitebinds; b != NULL && *b != NULL; b++)
    {
      guint32 flags;
      const char *rest;
      if (!umk_net_permissions_parse (*b, &flags, &rest, error))
        return FALSE;
      UmkService *svc = g_new0 (UmkService, 1);
      g_ptr_array_add (opts->whitebinds, svc);
      if (!umk_service_parse (rest, 0, svc))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Cannot resolve -whitebind address: '%s'", rest);
          return FALSE;
        }
      if (svc->port == 0)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Need to specify a port with -whitebind: '%s'", rest);
          return FALSE;
        }
      flags = resolve_implicit (args, flags);
      g_array_append_val (opts->whitebind_perms, flags);
    }
  g_auto (GStrv) whitelist = umk_args_get_list (args, "-whitelist");
  for (char **w = whitelist; w != NULL && *w != NULL; w++)
    {
      guint32 flags;
      const char *rest;
      if (!umk_net_permissions_parse (*w, &flags, &rest, error))
        return FALSE;
      UmkSubNet *subnet = g_new0 (UmkSubNet, 1);
      g_ptr_array_add (opts->whitelist, subnet);
      if (!umk_subnet_parse (rest, subnet))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Invalid netmask specified in -whitelist: '%s'", rest);
          return FALSE;
        }
      flags = resolve_implicit (args, flags);
      g_array_append_val (opts->whitelist_perms, flags);
    }

  opts->connect = string_list (args, "-connect");
  if (opts->connect->len == 1 && strcmp (opts->connect->pdata[0], "0") == 0)
    g_ptr_array_set_size (opts->connect, 0);
  opts->connect_none = umk_args_is_negated (args, "-connect") && opts->connect->len == 0;
  opts->addnode = string_list (args, "-addnode");
  opts->seednode = string_list (args, "-seednode");
  if (opts->connect->len > 0 && opts->seednode->len > 0)
    umk_log_info ("-seednode is ignored when -connect is used");
  opts->dns = umk_args_get_bool (args, "-dns", TRUE);
  opts->dns_seeds = g_ptr_array_new_with_free_func (g_free);
  if (umk_args_get_bool (args, "-dnsseed", TRUE))
    for (char **s = node->params->dns_seeds; s != NULL && *s != NULL; s++)
      g_ptr_array_add (opts->dns_seeds, g_strdup (*s));
  opts->fixed_seeds = g_ptr_array_new_with_free_func (g_free);
  if (umk_args_get_bool (args, "-fixedseeds", TRUE))
    for (char **s = node->params->fixed_seeds; s != NULL && *s != NULL; s++)
      g_ptr_array_add (opts->fixed_seeds, g_strdup (*s));
  opts->networkactive = umk_args_get_bool (args, "-networkactive", TRUE);

  gint64 maxconn = umk_args_get_int (args, "-maxconnections", DEFAULT_MAX_PEER_CONNECTIONS);
  if (maxconn < 0)
    maxconn = 0;
  opts->max_connections = (int) MIN (maxconn, 100000);
  opts->max_outbound_full_relay = 8;
  opts->max_outbound_block_relay = 2;
  opts->max_receive_buffer = 1000
                             * (size_t) MAX (0, umk_args_get_int (args, "-maxreceivebuffer",
                                                                  DEFAULT_MAXRECEIVEBUFFER_KB));
  opts->max_send_buffer
      = 1000
        * (size_t) MAX (0, umk_args_get_int (args, "-maxsendbuffer", DEFAULT_MAXSENDBUFFER_KB));
  opts->peer_connect_timeout
      = umk_args_get_int (args, "-peertimeout", DEFAULT_PEER_CONNECT_TIMEOUT_S);
  if (opts->peer_connect_timeout <= 0)
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "peertimeout must be a positive integer.");
      return FALSE;
    }
  opts->connect_timeout_ms = umk_args_get_int (args, "-timeout", DEFAULT_CONNECT_TIMEOUT_MS);
  if (opts->connect_timeout_ms <= 0)
    opts->connect_timeout_ms = DEFAULT_CONNECT_TIMEOUT_MS;

  g_autofree char *proxy = umk_args_get (args, "-proxy", "");
  if (proxy[0] != '\0' && strcmp (proxy, "0") != 0)
    {
      /* Core: "-proxy=<ip:port>" (a unix socket path is not supported here). */
      UmkService svc;
      const char *spec = g_str_has_prefix (proxy, "unix:") ? NULL : proxy;
      if (spec == NULL || !umk_service_parse (spec, 9050, &svc))
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Invalid -proxy address or hostname: '%s'", proxy);
          return FALSE;
        }
      opts->proxy = umk_service_to_string (&svc);
    }

  g_auto (GStrv) onlynet = umk_args_get_list (args, "-onlynet");
  gboolean any_onlynet = onlynet != NULL && onlynet[0] != NULL;
  for (int n = 0; n < UMK_NET_MAX; n++)
    opts->onlynet[n] = !any_onlynet;
  for (char **o = onlynet; o != NULL && *o != NULL; o++)
    {
      UmkNetwork net;
      if (!umk_network_parse (*o, &net) || net == UMK_NET_UNROUTABLE)
        {
          g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                       "Unknown network specified in -onlynet: '%s'", *o);
          return FALSE;
        }
      opts->onlynet[net] = TRUE;
    }
  return TRUE;
}
