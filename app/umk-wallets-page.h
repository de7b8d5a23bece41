/* umk-wallets-page.h — the Wallet area: the wallets the wallet process has
 * loaded (WalletLoader1), or why there are none. A wallet picked here is
 * the one the console's wallet commands go to. The wallet pages themselves
 * come with the wallet. */
#pragma once

#include "app/umk-node-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define UMK_TYPE_WALLETS_PAGE (umk_wallets_page_get_type ())
G_DECLARE_FINAL_TYPE (UmkWalletsPage, umk_wallets_page, UMK, WALLETS_PAGE, AdwBin)

/* Follows client from now on (once). */
void umk_wallets_page_set_client (UmkWalletsPage *self, UmkNodeClient *client);

/* Returns: the title the page shows when it lists no wallets, or NULL while
 * it lists some (tests). */
const char *umk_wallets_page_get_empty_title (UmkWalletsPage *self);

G_END_DECLS
