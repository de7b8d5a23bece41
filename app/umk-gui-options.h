/* umk-gui-options.h — umkoin-gui's command line: the few options the window
 * itself needs, and everything else passed on to the umkoin-node it spawns.
 *
 * umkoin-gui takes umkoin-node's options (as Core's GUI takes umkoind's), but
 * it only knows its own. So the command line is split before it is parsed:
 *
 *   gui only   -ipcconnect, -help and its aliases, -version
 *   both       options the GUI registers that the node needs as well:
 *              -datadir, -conf, the chain selection, -debug and the
 *              logging options (the GUI logs to stderr)
 *   node only  everything else, unchanged and in order, unknown ones too:
 *              the node is the one to accept or reject them
 *
 * The GUI reads umkoin.conf as well (unknown keys ignored), for the chain
 * and the datadir: with -ipcconnect=unix the socket is <net datadir>/node.sock.
 */
#pragma once

#include "common/args.h"

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  UmkArgs *args;          /* the GUI's own settings (command line and config) */
  char **node_args;       /* passed to a spawned umkoin-node, argv[0] not included */
  char *connect_path;     /* -ipcconnect: the node's socket; NULL: spawn a node */
  gboolean help;          /* -help, -h, -?, -help-debug */
  gboolean version;       /* -version */
  char **ignored_options; /* node options given with -ipcconnect (they have no effect) */
} UmkGuiOptions;

/* Splits and parses argv (argv[0] is the program). With -help or -version
 * nothing else is looked at.
 * Returns: the options, or NULL with error for a malformed GUI option, a
 * positional argument, -ipcfd, or (with -ipcconnect=unix) a datadir, config
 * file or chain selection that does not work. */
UmkGuiOptions *umk_gui_options_parse (int argc, const char *const *argv,
                                      GError **error) G_GNUC_WARN_UNUSED_RESULT;
void umk_gui_options_free (UmkGuiOptions *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (UmkGuiOptions, umk_gui_options_free)

/* Starts the GUI's log: on stderr (the node's output, which the GUI echoes,
 * goes there too), never a file, with the -debug and -log* options given.
 * Messages logged while parsing (warnings about the node's keys in
 * umkoin.conf) are dropped: the node logs its own. */
gboolean umk_gui_options_start_log (const UmkGuiOptions *opts, GError **error);

/* Returns: the -help text (usage and the GUI's options). */
char *umk_gui_options_help (const UmkGuiOptions *opts) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
