/* address-params.c — base58 prefixes and bech32 HRPs of the five chains
 * (Umkoin Core v31.0, kernel/chainparams.cpp). */
#include "config.h"

#include "common/chainparams.h"

static const UmkAddressParams mainnet = {
  .pubkey_prefix = 0,
  .script_prefix = 5,
  .secret_prefix = 128,
  .ext_public_prefix = { 0x04, 0x88, 0xB2, 0x1E },
  .ext_secret_prefix = { 0x04, 0x88, 0xAD, 0xE4 },
  .bech32_hrp = "bc",
};

/* testnet3, testnet4 and signet share everything. */
static const UmkAddressParams testnet = {
  .pubkey_prefix = 111,
  .script_prefix = 196,
  .secret_prefix = 239,
  .ext_public_prefix = { 0x04, 0x35, 0x87, 0xCF },
  .ext_secret_prefix = { 0x04, 0x35, 0x83, 0x94 },
  .bech32_hrp = "tb",
};

static const UmkAddressParams regtest = {
  .pubkey_prefix = 111,
  .script_prefix = 196,
  .secret_prefix = 239,
  .ext_public_prefix = { 0x04, 0x35, 0x87, 0xCF },
  .ext_secret_prefix = { 0x04, 0x35, 0x83, 0x94 },
  .bech32_hrp = "bcrt",
};

const UmkAddressParams *
umk_chain_address_params (UmkChain chain)
{
  switch (chain)
    {
    case UMK_CHAIN_MAIN:
      return &mainnet;
    case UMK_CHAIN_TEST:
    case UMK_CHAIN_TESTNET4:
    case UMK_CHAIN_SIGNET:
      return &testnet;
    case UMK_CHAIN_REGTEST:
      return &regtest;
    case UMK_N_CHAINS:
      break;
    }
  return NULL;
}
