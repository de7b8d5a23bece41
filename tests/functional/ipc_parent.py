#!/usr/bin/env python3
"""umkoin-node started the way umkoin-gui starts it: with -ipcfd=N, its end
of a socketpair, on which this test is the authenticating (server) side.

- the node follows its start-up with InitMessage signals ("Loading block
  index…" … "Done loading") and serves Node1 and Chain1 on the connection;
- when the connection closes (the GUI is gone), the node says why in its
  log and shuts down cleanly (exit 0), also when it happens mid start-up;
- a peer that closes before the D-Bus handshake ends the start-up with an
  error (exit 1), and so does an -ipcfd that is no socket;
- Node1.Shutdown stops the node, and the connection closes when it is done.

Usage: ipc_parent.py --node PATH/TO/umkoin-node
"""
import os
import socket
import subprocess
import sys

import test_framework
from ipc_dbus import DBusError, DBusPeer, HandshakeError

NODE_PATH, NODE1 = '/org/umkoin/Node', 'org.umkoin.Node1'
CHAIN_PATH, CHAIN1 = '/org/umkoin/Chain', 'org.umkoin.Chain1'
EXIT_TIMEOUT = 60
FAKE_WALLET = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ipc_fake_wallet.py')


class IpcParent(test_framework.TestCase):
    defer_start = True

    def spawn(self, *extra, wallet=False):
        """Starts the node with -ipcfd on a socketpair (and -disablewallet
        unless wallet); returns (process, our end)."""
        node = self.nodes[0]
        ours, theirs = socket.socketpair()
        self.addCleanup(ours.close)
        out = open(os.path.join(node.datadir, 'stdout.txt'), 'ab')
        err = open(os.path.join(node.datadir, 'stderr.txt'), 'ab')
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        self.err_path = err.name
        self.err_start = err.tell()
        no_wallet = [] if wallet else ['-disablewallet']
        proc = subprocess.Popen(node.args([f'-ipcfd={theirs.fileno()}', *no_wallet, *extra]),
                                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, cwd=node.datadir,
                                preexec_fn=test_framework._child_setup(os.getpid()))
        theirs.close()

        def kill():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.addCleanup(kill)
        return proc, ours

    def stderr_text(self):
        with open(self.err_path, 'rb') as f:
            f.seek(self.err_start)
            return f.read().decode(errors='replace')

    def log(self):
        return '\n'.join(self.nodes[0].debug_log_lines())

    def test_gui_goes_away(self):
        proc, sock = self.spawn()
        gui = DBusPeer(sock)
        gui.server_handshake()
        messages = []
        while not messages or messages[-1] != 'Done loading':
            sig = gui.wait_signal(lambda m: m.member == 'InitMessage', timeout=60)
            self.assertEqual((sig.path, sig.interface), (NODE_PATH, NODE1))
            messages.append(sig.body[0])
        self.assertEqual(messages[0], 'Loading block index…')
        self.assertIn('Verifying blocks…', messages)
        self.assertEqual(gui.call(NODE_PATH, NODE1, 'GetTip')[0], 0)
        self.assertEqual(gui.call(CHAIN_PATH, CHAIN1, 'GetTip')[0], 0)
        # the GUI side of a ConnectWallet: no wallet here
        with self.assertRaises(DBusError) as cm:
            gui.call(NODE_PATH, NODE1, 'ConnectWallet')
        self.assertEqual(cm.exception.name, 'org.umkoin.Error.Unavailable')
        gui.close()
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 0, self.stderr_text())
        log = self.log()
        self.assertIn('the connection to the program that started this node (-ipcfd) closed', log)
        self.assertIn('Shutdown done', log)

    def test_wallet_start_up_steps(self):
        # the node starts its wallet (a stand-in here) before "Done loading",
        # and passes on the wallet's steps
        wrapper = os.path.join(self.tmpdir, 'fake-umkoin-wallet')
        with open(wrapper, 'w') as f:
            f.write(f'#!/bin/sh\nexec {sys.executable} {FAKE_WALLET} "$@"\n')
        os.chmod(wrapper, 0o755)
        saved = os.environ.get('UMKOIN_WALLET')
        os.environ['UMKOIN_WALLET'] = wrapper
        try:
            proc, sock = self.spawn(wallet=True)
        finally:
            if saved is None:
                del os.environ['UMKOIN_WALLET']
            else:
                os.environ['UMKOIN_WALLET'] = saved
        gui = DBusPeer(sock)
        gui.server_handshake()
        seen = []
        while not seen or seen[-1] != ('InitMessage', 'Done loading'):
            sig = gui.wait_signal(lambda m: m.member in ('InitMessage', 'WalletProcessChanged'),
                                  timeout=60)
            seen.append((sig.member, sig.body[0]))
        self.assertIn(('InitMessage', 'Loading wallet…'), seen)
        self.assertIn(('WalletProcessChanged', True), seen)
        self.assertLess(seen.index(('InitMessage', 'Loading wallet…')),
                        seen.index(('InitMessage', 'Done loading')))
        lines = [line.split(' ', 1)[-1] for line in self.nodes[0].debug_log_lines()]
        self.assertLess(lines.index('[wallet] init message: Done loading'),
                        lines.index('init message: Done loading'))
        gui.close()
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 0, self.stderr_text())

    def test_gui_goes_away_during_start_up(self):
        # closed right after the handshake, while the node is still starting:
        # it notices once start-up is done and stops cleanly
        proc, sock = self.spawn()
        gui = DBusPeer(sock)
        gui.server_handshake()
        gui.close()
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 0, self.stderr_text())
        self.assertIn('(-ipcfd) closed', self.log())

    def test_closed_before_handshake(self):
        proc, sock = self.spawn()
        sock.close()
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 1)
        self.assertIn('Cannot speak IPC on -ipcfd=', self.stderr_text())

    def test_not_a_socket(self):
        node = self.nodes[0]
        r, w = os.pipe()
        self.addCleanup(os.close, w)
        self.addCleanup(os.close, r)
        proc = subprocess.run(node.args([f'-ipcfd={r}']), pass_fds=[r], capture_output=True,
                              text=True, timeout=EXIT_TIMEOUT, cwd=node.datadir)
        self.assertEqual(proc.returncode, 1)
        self.assertIn('-ipcfd', proc.stderr)

    def test_shutdown_method(self):
        proc, sock = self.spawn()
        gui = DBusPeer(sock)
        gui.server_handshake()
        gui.wait_signal(lambda m: m.member == 'InitMessage' and m.body[0] == 'Done loading',
                        timeout=60)
        self.assertEqual(gui.call(NODE_PATH, NODE1, 'Shutdown'), ())
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 0, self.stderr_text())
        # the node's end closed with the node
        with self.assertRaises((EOFError, TimeoutError)):
            while True:
                if gui.next_message(timeout=10) is None:
                    raise TimeoutError('the connection stayed open')
        self.assertIn('IPC: shutdown requested', self.log())

    def test_handshake_refused(self):
        # a parent that refuses the node's authentication
        proc, sock = self.spawn()
        first = sock.recv(1)
        self.assertEqual(first, b'\0')
        buf = b''
        while b'\r\n' not in buf:
            buf += sock.recv(100)
        sock.sendall(b'REJECTED\r\n')
        buf = b''
        while True:
            chunk = sock.recv(100)
            if not chunk:
                break
            buf += chunk
            if b'\r\n' in buf:
                sock.sendall(b'REJECTED\r\n')
                buf = b''
        self.assertEqual(proc.wait(EXIT_TIMEOUT), 1)
        self.assertIn('-ipcfd', self.stderr_text())


if __name__ == '__main__':
    test_framework.main()
