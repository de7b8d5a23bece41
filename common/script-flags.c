/* script-flags.c — names of the script verification flags. */
#define G_LOG_DOMAIN "umk-script"
#include "config.h"

#include "common/script-flags.h"

#include <glib.h>
#include <string.h>

static const char *const names[UMK_SCRIPT_VERIFY_FLAG_COUNT] = {
  "P2SH",
  "STRICTENC",
  "DERSIG",
  "LOW_S",
  "NULLDUMMY",
  "SIGPUSHONLY",
  "MINIMALDATA",
  "DISCOURAGE_UPGRADABLE_NOPS",
  "CLEANSTACK",
  "CHECKLOCKTIMEVERIFY",
  "CHECKSEQUENCEVERIFY",
  "WITNESS",
  "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM",
  "MINIMALIF",
  "NULLFAIL",
  "WITNESS_PUBKEYTYPE",
  "CONST_SCRIPTCODE",
  "TAPROOT",
  "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION",
  "DISCOURAGE_OP_SUCCESS",
  "DISCOURAGE_UPGRADABLE_PUBKEYTYPE",
};
G_STATIC_ASSERT (UMK_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE
                 == 1ull << (UMK_SCRIPT_VERIFY_FLAG_COUNT - 1));

const char *
umk_script_flag_name (unsigned bit)
{
  return bit < UMK_SCRIPT_VERIFY_FLAG_COUNT ? names[bit] : NULL;
}

bool
umk_script_flags_parse (const char *text, UmkScriptFlags *out, char **bad)
{
  *out = 0;
  if (bad)
    *bad = NULL;
  if (text[0] == '\0' || strcmp (text, "NONE") == 0)
    return true;
  g_auto (GStrv) words = g_strsplit (text, ",", -1);
  for (char **w = words; *w; w++)
    {
      unsigned bit = 0;
      while (bit < UMK_SCRIPT_VERIFY_FLAG_COUNT && strcmp (names[bit], *w) != 0)
        bit++;
      if (bit == UMK_SCRIPT_VERIFY_FLAG_COUNT)
        {
          if (bad)
            *bad = g_strdup (*w);
          return false;
        }
      *out |= 1ull << bit;
    }
  return true;
}
