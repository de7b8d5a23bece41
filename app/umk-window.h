/* umk-window.h — the main window: a header bar with the page switcher, and
 * the pages (Overview, Node, Console, Wallets) while the node is connected;
 * a "Starting the node…" page before, "Stopping the node…" while it stops,
 * and the error page (what happened, the node's last log lines, Quit) when
 * it failed to start, died, or the connection was lost.
 *
 * Closing the window quits the application (app.quit), which stops a node
 * it spawned first. */
#pragma once

#include "app/umk-console-page.h"
#include "app/umk-node-client.h"
#include "app/umk-node-page.h"
#include "app/umk-wallets-page.h"

#include <adwaita.h>

G_BEGIN_DECLS

#define UMK_TYPE_WINDOW (umk_window_get_type ())
G_DECLARE_FINAL_TYPE (UmkWindow, umk_window, UMK, WINDOW, AdwApplicationWindow)

/* start_time_us: g_get_monotonic_time() when the process started, for the
 * "first frame drawn after N ms" line (-debug=qt). */
UmkWindow *umk_window_new (GtkApplication *app, UmkNodeClient *client,
                           gint64 start_time_us) G_GNUC_WARN_UNUSED_RESULT;

/* Lets the window close (after the application stopped the node). */
void umk_window_allow_close (UmkWindow *self);

/* For tests: which state page shows ("starting", "main", "stopping",
 * "error"), the Overview's block and header counts and status line, the
 * error page's text (title, message and log lines), and the pages. */
const char *umk_window_get_state_page (UmkWindow *self);
const char *umk_window_get_blocks_text (UmkWindow *self);
const char *umk_window_get_headers_text (UmkWindow *self);
const char *umk_window_get_status_text (UmkWindow *self);
char *umk_window_dup_error_text (UmkWindow *self) G_GNUC_WARN_UNUSED_RESULT;
UmkConsolePage *umk_window_get_console_page (UmkWindow *self);
UmkNodePage *umk_window_get_node_page (UmkWindow *self);
UmkWalletsPage *umk_window_get_wallets_page (UmkWindow *self);
/* Shows one of the main pages: "overview", "node", "console", "wallets". */
void umk_window_show_page (UmkWindow *self, const char *name);

G_END_DECLS
