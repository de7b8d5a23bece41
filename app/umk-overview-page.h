/* umk-overview-page.h — the sync status: blocks and headers, verification
 * progress, how far behind the tip is, and an estimate of the time left,
 * live from the node's TipChanged, HeaderTipChanged and HeaderPresyncChanged
 * (a peer's low-work headers checked before they are stored). */
#pragma once

#include "app/umk-node-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define UMK_TYPE_OVERVIEW_PAGE (umk_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (UmkOverviewPage, umk_overview_page, UMK, OVERVIEW_PAGE, AdwBin)

/* Follows client from now on (once). */
void umk_overview_page_set_client (UmkOverviewPage *self, UmkNodeClient *client);

/* Returns: the text the "Blocks" and "Headers" rows and the status line
 * show (tests). */
const char *umk_overview_page_get_blocks_text (UmkOverviewPage *self);
const char *umk_overview_page_get_headers_text (UmkOverviewPage *self);
const char *umk_overview_page_get_status_text (UmkOverviewPage *self);

G_END_DECLS
