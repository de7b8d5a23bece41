/* args-datadir.c — chain selection and the data directory. */
#define G_LOG_DOMAIN "umk-args"
#include "config.h"

#include "common/args-private.h"

#include "common/error.h"

#include <errno.h>

/* ---- Chain selection ---------------------------------------------------- */

gboolean
umk_args_chain_lookup (const char *name, UmkChain *out)
{
  UmkChain chain;
  if (name == NULL || !umk_chain_from_name (name, &chain))
    return FALSE;
  if (out)
    *out = chain;
  return TRUE;
}

/* -regtest and friends are read with Core's get_chain_type rules: top section
 * only, last value wins, negations skipped. */
static gboolean
get_net_flag_locked (UmkArgs *a, const char *arg)
{
  return umk_setting_to_bool (
      umk_args_settings_get_locked (a, "", setting_name (arg), FALSE, FALSE, TRUE), FALSE);
}

char *
umk_args_get_chain_name_locked (UmkArgs *a, GError **error)
{
  gboolean regtest = get_net_flag_locked (a, "-regtest");
  gboolean signet = get_net_flag_locked (a, "-signet");
  gboolean testnet = get_net_flag_locked (a, "-testnet");
  gboolean testnet4 = get_net_flag_locked (a, "-testnet4");
  g_autofree char *chain = umk_args_get_string_locked (a, "-chain");

  if ((chain != NULL) + regtest + signet + testnet + testnet4 > 1)
    {
      g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                           "Invalid combination of -regtest, -signet, -testnet, -testnet4 and "
                           "-chain. Can use at most one.");
      return NULL;
    }
  if (chain)
    return g_steal_pointer (&chain);
  if (regtest)
    return g_strdup ("regtest");
  if (signet)
    return g_strdup ("signet");
  if (testnet)
    return g_strdup ("test");
  if (testnet4)
    return g_strdup ("testnet4");
  return g_strdup ("main");
}

char *
umk_args_get_chain_name (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return umk_args_get_chain_name_locked (a, error);
}

gboolean
umk_args_get_chain (const UmkArgs *args, UmkChain *chain, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  g_autofree char *name = umk_args_get_chain_name (args, error);
  if (name == NULL)
    return FALSE;
  if (!umk_args_chain_lookup (name, chain))
    {
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID, "Unknown chain %s.", name);
      return FALSE;
    }
  return TRUE;
}

void
umk_args_select_config_network (UmkArgs *args, const char *network)
{
  g_return_if_fail (args != NULL);
  LOCK_ARGS (args);
  g_free (a->network);
  a->network = g_strdup (network);
}

void
umk_args_select_chain (UmkArgs *args, UmkChain chain)
{
  g_return_if_fail ((unsigned) chain < UMK_N_CHAINS);
  umk_args_select_config_network (args, umk_chain_name (chain));
}

gboolean
umk_args_get_selected_chain (const UmkArgs *args, UmkChain *chain)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_chain_lookup (a->network, chain);
}

/* ---- Data directory ----------------------------------------------------- */

char *
umk_default_datadir (void)
{
  /* Core reads $HOME each time; GLib's g_get_home_dir() caches it, so it is
   * only the fallback. */
  const char *home = g_getenv ("HOME");
  if (home == NULL || home[0] == '\0')
    home = g_get_home_dir ();
  return g_build_filename (home, ".umkoin", NULL);
}

static char *
make_absolute (const char *path)
{
  if (g_path_is_absolute (path))
    return g_strdup (path);
  g_autofree char *cwd = g_get_current_dir ();
  return g_build_filename (cwd, path, NULL);
}

static const char *
network_suffix_locked (UmkArgs *a)
{
  UmkChain chain;
  return umk_args_chain_lookup (a->network, &chain) ? umk_chain_datadir_suffix (chain) : "";
}

char *
umk_args_get_datadir_locked (UmkArgs *a, gboolean net_specific)
{
  g_autofree char *datadir = umk_args_get_path_locked (a, "-datadir", NULL);
  char *path;
  if (datadir && datadir[0])
    {
      path = make_absolute (datadir);
      if (!g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_free (path);
          return NULL;
        }
    }
  else
    path = umk_default_datadir ();

  const char *suffix = network_suffix_locked (a);
  if (net_specific && suffix[0])
    {
      char *net = g_build_filename (path, suffix, NULL);
      g_free (path);
      path = net;
    }
  return path;
}

gboolean
umk_args_check_datadir_option_locked (UmkArgs *a)
{
  g_autofree char *datadir = umk_args_get_path_locked (a, "-datadir", NULL);
  if (datadir == NULL || datadir[0] == '\0')
    return TRUE;
  g_autofree char *abs = make_absolute (datadir);
  return g_file_test (abs, G_FILE_TEST_IS_DIR);
}

gboolean
umk_args_check_datadir_option (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, FALSE);
  LOCK_ARGS (args);
  return umk_args_check_datadir_option_locked (a);
}

char *
umk_args_get_datadir_base (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return umk_args_get_datadir_locked (a, FALSE);
}

char *
umk_args_get_datadir_net (const UmkArgs *args)
{
  g_return_val_if_fail (args != NULL, NULL);
  LOCK_ARGS (args);
  return umk_args_get_datadir_locked (a, TRUE);
}

char *
umk_args_join_path (const char *base, const char *path)
{
  if (g_path_is_absolute (path) || base == NULL || base[0] == '\0')
    return g_strdup (path);
  return g_build_filename (base, path, NULL);
}

static char *
abs_path_for_config_val_locked (UmkArgs *a, const char *path, gboolean net_specific)
{
  if (path[0] == '\0' || g_path_is_absolute (path))
    return g_strdup (path);
  g_autofree char *base = umk_args_get_datadir_locked (a, net_specific);
  return umk_args_join_path (base, path);
}

char *
umk_args_abs_path_for_config_val (const UmkArgs *args, const char *path, gboolean net_specific)
{
  g_return_val_if_fail (args != NULL && path != NULL, NULL);
  LOCK_ARGS (args);
  return abs_path_for_config_val_locked (a, path, net_specific);
}

static gboolean
make_dirs (const char *path, GError **error)
{
  /* Core creates directories with the default mode, leaving it to the umask. */
  if (g_mkdir_with_parents (path, 0777) != 0)
    {
      int saved = errno;
      g_set_error (error, UMK_ERROR, UMK_ERROR_FAILED, "Cannot create directory \"%s\": %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
umk_args_ensure_datadirs (const UmkArgs *args, GError **error)
{
  g_return_val_if_fail (args != NULL, FALSE);
  g_autofree char *base = umk_args_get_datadir_base (args);
  g_autofree char *net = umk_args_get_datadir_net (args);
  if (base == NULL || net == NULL)
    {
      g_autofree char *datadir = umk_args_get (args, "-datadir", "");
      g_set_error (error, UMK_ERROR, UMK_ERROR_INVALID,
                   "Specified data directory \"%s\" does not exist.", datadir);
      return FALSE;
    }
  /* A new datadir also gets a "wallets" folder, so wallets never mix with the
   * node's files even if the wallet is enabled only later (as Core does). */
  const char *dirs[] = { base, net };
  for (unsigned i = 0; i < G_N_ELEMENTS (dirs); i++)
    if (!g_file_test (dirs[i], G_FILE_TEST_EXISTS))
      {
        g_autofree char *wallets = g_build_filename (dirs[i], "wallets", NULL);
        if (!make_dirs (wallets, error))
          return FALSE;
      }
  return TRUE;
}
