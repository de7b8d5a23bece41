/* chainparams-args.c — chain options from the command line and config, kept
 * apart so that chainparams.c does not depend on the options module. */
#define G_LOG_DOMAIN "umk-chainparams"
#include "config.h"

#include "common/chainparams.h"

#include "common/args.h"
#include "common/error.h"

/* The chain options that shape signet and regtest (Core's ReadSigNetArgs and
 * ReadRegTestArgs). */
gboolean
umk_chain_options_from_args (UmkChainOptions *opts, const UmkArgs *args, GError **error)
{
  g_auto (GStrv) challenge = umk_args_get_list (args, "-signetchallenge");
  if (challenge[0] != NULL)
    {
      if (challenge[1] != NULL)
        {
          g_set_error_literal (error, UMK_ERROR, UMK_ERROR_INVALID,
                               "-signetchallenge cannot be multiple values.");
          return FALSE;
        }
      if (!umk_chain_options_set_signet_challenge (opts, challenge[0], error))
        return FALSE;
    }
  g_auto (GStrv) seeds = umk_args_get_list (args, "-signetseednode");
  if (seeds[0] != NULL)
    opts->signet_seeds = g_steal_pointer (&seeds);

  opts->fastprune = umk_args_get_bool (args, "-fastprune", FALSE);
  opts->enforce_bip94 = umk_args_has_test_option (args, "bip94");
  g_auto (GStrv) heights = umk_args_get_list (args, "-testactivationheight");
  for (char **h = heights; *h != NULL; h++)
    if (!umk_chain_options_add_activation_height (opts, *h, error))
      return FALSE;
  g_auto (GStrv) vbparams = umk_args_get_list (args, "-vbparams");
  for (char **v = vbparams; *v != NULL; v++)
    if (!umk_chain_options_add_vbparams (opts, *v, error))
      return FALSE;
  return TRUE;
}
