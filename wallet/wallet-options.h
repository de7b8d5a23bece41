/* wallet-options.h — umkoin-wallet's options. */
#pragma once

#include "common/args.h"

/* Registers everything umkoin-wallet accepts: help, version, data directory,
 * configuration, chain selection, logging, IPC (-ipcfd, -ipcconnect), and
 * Umkoin Core's wallet options. -walletdir, -wallet and -nowallet work; the
 * others are accepted so that umkoin.conf and the node's command line can
 * hold them, and their help says what they wait for. */
void umk_wallet_add_options (UmkArgs *args);
