/* chaintype.h — the five Umkoin chains and their names. */
#pragma once

#include <stdbool.h>

typedef enum
{
  UMK_CHAIN_MAIN,
  UMK_CHAIN_TEST, /* testnet3 */
  UMK_CHAIN_TESTNET4,
  UMK_CHAIN_SIGNET,
  UMK_CHAIN_REGTEST,
  UMK_N_CHAINS,
} UmkChain;

/* "main", "test", "testnet4", "signet", "regtest": the names -chain= takes and
 * the config file's section names. */
const char *umk_chain_name (UmkChain chain);
/* Parses a chain name. Returns: false if name is not one of the five. */
bool umk_chain_from_name (const char *name, UmkChain *out);
