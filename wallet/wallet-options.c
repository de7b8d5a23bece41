/* wallet-options.c — umkoin-wallet's options, in Core's -help categories. */
#define G_LOG_DOMAIN "umk-wallet"
#include "config.h"

#include "wallet/wallet-options.h"

#include "common/ipc.h"
#include "common/logging.h"

/* What an option accepted for compatibility waits for. */
#define NO_KEYS                                                                           \
  " Accepted for compatibility with Umkoin Core; no effect until umkoin-wallet has keys " \
  "and transactions."

#define ANY   UMK_ARG_ALLOW_ANY
#define DEBUG (UMK_ARG_ALLOW_ANY | UMK_ARG_DEBUG_ONLY)
#define WAL   UMK_OPTIONS_WALLET
#define WALDT UMK_OPTIONS_WALLET_DEBUG_TEST

typedef struct
{
  const char *name;
  unsigned flags;
  UmkOptionsCategory category;
  const char *help;
} WalletOption;

/* Core's flags: they decide where umkoin.conf may set an option. */
static const WalletOption wallet_options[] = {
  { "-walletdir=<dir>", ANY | UMK_ARG_NETWORK_ONLY, WAL,
    "Folder of the wallets: an existing, absolute path (default: <datadir>/wallets, made if "
    "missing)." },
  { "-wallet=<path>", ANY | UMK_ARG_NETWORK_ONLY, WAL,
    "Load this existing wallet at start-up: a folder below -walletdir, or an absolute path. May "
    "be given several times; settings.json's \"wallet\" list (see the load_on_startup "
    "arguments) is loaded too. -nowallet loads none." },
  { "-addresstype", ANY, WAL,
    "Type of new addresses: legacy, p2sh-segwit, bech32 or bech32m." NO_KEYS },
  { "-avoidpartialspends", ANY, WAL,
    "Spend all outputs of an address together or none of them, for privacy." NO_KEYS },
  { "-changetype", ANY, WAL,
    "Type of change outputs: legacy, p2sh-segwit, bech32 or bech32m." NO_KEYS },
  { "-consolidatefeerate=<amt>", ANY, WAL,
    "Up to this fee rate (UMK/kvB) transactions may spend extra inputs to merge small "
    "outputs." NO_KEYS },
  { "-disablewallet", ANY, WAL,
    "Read by umkoin-node, which then starts no wallet process; ignored here." },
  { "-discardfee=<amt>", ANY, WAL,
    "Fee rate (UMK/kvB) up to which small change may be added to the fee instead." NO_KEYS },
  { "-fallbackfee=<amt>", ANY, WAL,
    "Fee rate (UMK/kvB) to use when there is not enough data to estimate one; 0 to "
    "refuse." NO_KEYS },
  { "-keypool=<n>", ANY, WAL, "How many keys to derive ahead of use." NO_KEYS },
  { "-maxapsfee=<n>", ANY, WAL,
    "Extra fee (UMK) the wallet may pay to avoid partial spends." NO_KEYS },
  { "-mintxfee=<amt>", ANY, WAL,
    "Fee rates (UMK/kvB) below this count as zero when creating transactions." NO_KEYS },
  { "-signer=<cmd>", ANY, WAL,
    "Command of an external signing device (this build has no external signer support)." },
  { "-spendzeroconfchange", ANY, WAL, "Spend unconfirmed change in new transactions." NO_KEYS },
  { "-txconfirmtarget=<n>", ANY, WAL,
    "Pay a fee that should get transactions confirmed within <n> blocks." NO_KEYS },
  { "-walletbroadcast", ANY, WAL, "Broadcast the wallet's transactions." NO_KEYS },
  { "-walletnotify=<cmd>", ANY, WAL,
    "Run <cmd> when a wallet transaction changes; %s becomes the txid, %w the wallet name, %b "
    "the block hash and %h the block height." NO_KEYS },
  { "-walletrbf", ANY, WAL, "Mark transactions sent through RPC as replaceable." NO_KEYS },
  { "-maxtxfee=<amt>", ANY, UMK_OPTIONS_DEBUG_TEST,
    "Largest total fee (UMK) of one wallet transaction." NO_KEYS },
  { "-unsafesqlitesync", DEBUG, WALDT,
    "Accepted for compatibility with Umkoin Core's SQLite wallets; umkoin-wallet's LMDB "
    "databases always sync." },
  { "-walletcrosschain", DEBUG, WALDT,
    "Accepted for compatibility with Umkoin Core; umkoin-wallet does not yet check that a "
    "wallet was made on the chain it is loaded on." },
  { "-walletrejectlongchains", DEBUG, WALDT,
    "Refuse to create transactions that break the mempool's chain limits." NO_KEYS },
};

void
umk_wallet_add_options (UmkArgs *args)
{
  g_return_if_fail (args != NULL);
  umk_args_add_help_options (args);
  umk_args_add_common_options (args, UMK_COMMON_VERSION | UMK_COMMON_HELP_DEBUG | UMK_COMMON_DATADIR
                                         | UMK_COMMON_CONF | UMK_COMMON_SETTINGS);
  umk_args_add_chain_options (args);
  umk_log_add_options (args);
  umk_ipc_add_options (args, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (wallet_options); i++)
    {
      const WalletOption *o = &wallet_options[i];
      umk_args_add (args, o->name, o->flags, o->help, o->category);
    }
}
