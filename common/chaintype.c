#include "config.h"

#include "common/chaintype.h"

#include <string.h>

/* Umkoin Core v31.0's util/chaintype.cpp and chainparamsbase.cpp. */
static const struct
{
  const char *name;
  const char *datadir_suffix;
  uint16_t rpc_port;
} chains[UMK_N_CHAINS] = {
  [UMK_CHAIN_MAIN] = { "main", "", 6332 },
  [UMK_CHAIN_TEST] = { "test", "testnet3", 16332 },
  [UMK_CHAIN_TESTNET4] = { "testnet4", "testnet4", 46332 },
  [UMK_CHAIN_SIGNET] = { "signet", "signet", 36332 },
  [UMK_CHAIN_REGTEST] = { "regtest", "regtest", 16443 },
};

const char *
umk_chain_name (UmkChain chain)
{
  return (unsigned) chain < UMK_N_CHAINS ? chains[chain].name : "unknown";
}

bool
umk_chain_from_name (const char *name, UmkChain *out)
{
  for (unsigned i = 0; i < UMK_N_CHAINS; i++)
    if (strcmp (name, chains[i].name) == 0)
      {
        *out = (UmkChain) i;
        return true;
      }
  return false;
}

const char *
umk_chain_datadir_suffix (UmkChain chain)
{
  return (unsigned) chain < UMK_N_CHAINS ? chains[chain].datadir_suffix : NULL;
}

uint16_t
umk_chain_default_rpc_port (UmkChain chain)
{
  return (unsigned) chain < UMK_N_CHAINS ? chains[chain].rpc_port : 0;
}
