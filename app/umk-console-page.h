/* umk-console-page.h — the RPC console: a command line whose words are
 * converted as umkoin-cli converts them (common/rpc-convert.h), run through
 * Node1.ExecuteRpc, one after the other, with the results shown formatted.
 * Up and Down walk the history; "clear" or Ctrl+L clear the output. */
#pragma once

#include "app/umk-node-client.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define UMK_TYPE_CONSOLE_PAGE (umk_console_page_get_type ())
G_DECLARE_FINAL_TYPE (UmkConsolePage, umk_console_page, UMK, CONSOLE_PAGE, AdwBin)

/* Uses client from now on (once). */
void umk_console_page_set_client (UmkConsolePage *self, UmkNodeClient *client);

/* Returns: the command entry (tests type into it). Transfer: none. */
GtkEntry *umk_console_page_get_entry (UmkConsolePage *self);
/* Returns: everything the output shows (tests). */
char *umk_console_page_dup_output (UmkConsolePage *self) G_GNUC_WARN_UNUSED_RESULT;
/* Returns: the number of commands waiting or running. */
guint umk_console_page_get_pending (UmkConsolePage *self);

G_END_DECLS
