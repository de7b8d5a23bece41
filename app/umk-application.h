/* umk-application.h — umkoin-gui's application: one window, one node client
 * (spawned or attached node), and the quit sequence: stop a spawned node
 * and wait for it, then close the window.
 *
 * G_APPLICATION_NON_UNIQUE: several instances may run, each with its own
 * node and datadir. */
#pragma once

#include "app/umk-gui-options.h"
#include "app/umk-node-client.h"
#include "app/umk-window.h"

#include <adwaita.h>

G_BEGIN_DECLS

/* The app's icon, bundled in its resources (icons/scalable/apps/), so the
 * window and About show it also when nothing is installed. */
#define UMK_ICON_NAME "org.umkoin.Umkoin"

#define UMK_TYPE_APPLICATION (umk_application_get_type ())
G_DECLARE_FINAL_TYPE (UmkApplication, umk_application, UMK, APPLICATION, AdwApplication)

/* Takes opts. start_time_us: g_get_monotonic_time() at the start of main(). */
UmkApplication *umk_application_new (UmkGuiOptions *opts,
                                     gint64 start_time_us) G_GNUC_WARN_UNUSED_RESULT;

/* Quits as app.quit, Ctrl+Q, closing the window, SIGINT and SIGTERM do:
 * stops the node client, then destroys the window and quits. */
void umk_application_request_quit (UmkApplication *self);
/* Returns: TRUE once the quit sequence has finished. */
gboolean umk_application_get_quit_done (UmkApplication *self);

/* Returns: NULL before activation. Transfer: none. */
UmkNodeClient *umk_application_get_node_client (UmkApplication *self);
UmkWindow *umk_application_get_window (UmkApplication *self);

G_END_DECLS
