/* chaintype.h — the five Umkoin chains and their names. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

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
/* The chain's subdirectory of the datadir: "" for main, "testnet3",
 * "testnet4", "signet", "regtest". */
const char *umk_chain_datadir_suffix (UmkChain chain);
/* The default JSON-RPC port: 6332, 16332, 46332, 36332, 16443. */
uint16_t umk_chain_default_rpc_port (UmkChain chain);
