"""The real umkoin-gui binary as a process (suite 'gui', run by meson under
xvfb-run and dbus-run-session): it spawns umkoin-node with -ipcfd and the
user's options, SIGTERM to the GUI stops the node too (and SIGKILL still takes
the node down, through its parent-death signal), a node that rejects its
options is reported without the GUI crashing, and without a display the GUI
says to use umkoin-node.

    python3 tests/gui/gui_process.py --gui build/app/umkoin-gui --node build/node/umkoin-node

Uses tests/functional/test_framework.py for the datadir, umkoin.conf (regtest,
free ports) and RPC.
"""

import argparse
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'functional'))
import test_framework  # noqa: E402

_parser = argparse.ArgumentParser(add_help=False)
_parser.add_argument('--gui', default=os.environ.get('UMKOIN_GUI'))
_gui_opts, _rest = _parser.parse_known_args(sys.argv[1:])
sys.argv = [sys.argv[0], *_rest]   # the rest is test_framework's and unittest's
GUI = os.path.abspath(_gui_opts.gui) if _gui_opts.gui else None


def children(pid, name):
    """pids of the processes named `name` whose parent is pid."""
    found = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        if comm == name[:15] and int(fields[1]) == pid:
            found.append(int(entry))
    return found


def cmdline(pid):
    with open(f'/proc/{pid}/cmdline', 'rb') as f:
        return [a.decode() for a in f.read().split(b'\0') if a]


def gone(pid):
    """The process no longer runs (reaped, or a zombie waiting for init)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            stat = f.read()
    except OSError:
        return True
    return stat[stat.rindex(')') + 2] == 'Z'


class GuiProcess(test_framework.TestCase):
    defer_start = True      # the GUI starts the node

    def setUp(self):
        super().setUp()
        if not GUI:
            self.fail('no umkoin-gui given: pass --gui PATH')
        self.node = self.nodes[0]
        self.gui = None
        self.err_path = os.path.join(self.tmpdir, 'gui-stderr.txt')
        self.addCleanup(self.kill_gui)

    def kill_gui(self):
        if self.gui is not None and self.gui.poll() is None:
            self.gui.kill()
            self.gui.wait()
        if self.gui is not None:
            self._err.close()

    def start_gui(self, *args):
        self._err = open(self.err_path, 'wb')
        self.gui = subprocess.Popen([GUI, f'-datadir={self.node.datadir}', '-listen=0', *args],
                                    stdin=subprocess.DEVNULL, stdout=self._err,
                                    stderr=subprocess.STDOUT)

    def stderr(self):
        with open(self.err_path, 'rb') as f:
            return f.read().decode(errors='replace')

    def wait_for_node(self):
        def one():
            if self.gui.poll() is not None:
                raise AssertionError(f'umkoin-gui exited ({self.gui.returncode}):\n{self.stderr()}')
            pids = children(self.gui.pid, 'umkoin-node')
            return pids[0] if pids else None
        return self.wait_until(one, timeout=30)

    def terminate_gui(self, timeout=60):
        self.gui.send_signal(signal.SIGTERM)
        try:
            return self.gui.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f'umkoin-gui did not exit on SIGTERM:\n{self.stderr()}')

    def test_spawns_node_and_stops_it_on_sigterm(self):
        self.start_gui('-debug=qt')
        pid = self.wait_for_node()
        args = cmdline(pid)
        self.assertIn('-ipcfd=3', args)
        self.assertIn(f'-datadir={self.node.datadir}', args)
        self.assertIn('-listen=0', args)
        self.assertIn('-debug=qt', args)    # the node's options go to the node
        # It is the node in that datadir, and it answers.
        self.wait_until(lambda: os.path.exists(os.path.join(self.node.chaindir, '.cookie')))
        self.wait_until(lambda: self.node.rpc_if_warm('getblockcount') == 0)
        self.wait_until(lambda: 'first frame drawn after' in self.stderr(), timeout=30)
        self.assertEqual(self.terminate_gui(), 0)
        self.assertTrue(gone(pid), 'umkoin-node still runs after umkoin-gui exited')
        err = self.stderr()
        self.assertIn('Stopping umkoin-node', err)
        self.assertIn('umkoin-node exited with status 0', err)

    def test_node_dies_with_killed_gui(self):
        self.start_gui()
        pid = self.wait_for_node()
        self.wait_until(lambda: os.path.exists(os.path.join(self.node.chaindir, '.cookie')))
        self.gui.kill()
        self.gui.wait()
        # PR_SET_PDEATHSIG: SIGTERM, a clean shutdown.
        self.wait_until(lambda: gone(pid), timeout=60,
                        message='umkoin-node outlived its umkoin-gui')

    def test_bad_node_option(self):
        # Not an option of either program: the GUI passes it on and the node
        # refuses to start.
        self.start_gui('-nosuchoption=1')
        self.wait_until(lambda: 'The node failed to start' in self.stderr(), timeout=30)
        err = self.stderr()
        self.assertIn('Invalid parameter -nosuchoption', err)
        self.assertIn('umkoin-node exited with status 1', err)
        # The window shows it and waits for the user; nothing crashed.
        time.sleep(0.5)
        self.assertIsNone(self.gui.poll(), err)
        self.assertEqual(self.terminate_gui(), 0)

    def test_no_display(self):
        env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
        r = subprocess.run([GUI, f'-datadir={self.node.datadir}'], env=env, capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn('cannot open a display', r.stderr)
        self.assertIn('umkoin-node', r.stderr)
        # Nothing was started: no node wrote to the datadir.
        self.assertFalse(os.path.exists(os.path.join(self.node.chaindir, '.cookie')))

    def test_version_and_help(self):
        r = subprocess.run([GUI, '-version'], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('version v', r.stdout)
        r = subprocess.run([GUI, '-help'], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('-ipcconnect=<address>', r.stdout)
        r = subprocess.run([GUI, 'getblockcount'], capture_output=True, text=True, timeout=30)
        self.assertEqual(r.returncode, 1)
        self.assertIn('Unexpected argument', r.stderr)


if __name__ == '__main__':
    test_framework.main()
