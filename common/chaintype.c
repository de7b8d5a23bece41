#include "config.h"

#include "common/chaintype.h"

#include <string.h>

static const char *const names[UMK_N_CHAINS] = {
  [UMK_CHAIN_MAIN] = "main",     [UMK_CHAIN_TEST] = "test",       [UMK_CHAIN_TESTNET4] = "testnet4",
  [UMK_CHAIN_SIGNET] = "signet", [UMK_CHAIN_REGTEST] = "regtest",
};

const char *
umk_chain_name (UmkChain chain)
{
  return (unsigned) chain < UMK_N_CHAINS ? names[chain] : "unknown";
}

bool
umk_chain_from_name (const char *name, UmkChain *out)
{
  for (unsigned i = 0; i < UMK_N_CHAINS; i++)
    if (strcmp (name, names[i]) == 0)
      {
        *out = (UmkChain) i;
        return true;
      }
  return false;
}
