#!/usr/bin/env python3
"""umkoin-node and its wallet process.

With a stand-in wallet (ipc_fake_wallet.py, chosen with $UMKOIN_WALLET, as
umk_ipc_find_program allows), the node's half on its own:
- the node starts the wallet with its datadir, chain, wallet and logging
  options and -ipcfd=3, writes the wallet's output into debug.log as
  "[wallet] …", and serves it Chain1;
- RPC methods the node does not have go to the wallet: "/" to
  WalletLoader1.ExecuteRpc, "/wallet/<name>" to that wallet's
  Wallet1.ExecuteRpc (-18 for a wallet not loaded), results as the wallet
  wrote them; Node1.ExecuteRpc takes the same path;
- Node1.ConnectWallet hands over a socket on which the wallet serves;
- the wallet killed with SIGKILL: the node says so (log, WalletProcessChanged)
  and keeps running; wallet methods are then -32601;
- -disablewallet starts none; a program that cannot start is a warning;
  at shutdown the node stops the wallet;
- a wallet that attaches through -ipcbind (-ipcconnect) is used, and its
  going away is noticed.

With the real umkoin-wallet (wallet/umkoin-wallet of the build tree; the
tests are skipped until it exists): spawned and killed, and attached with
-ipcconnect to a node started with -disablewallet, wallet RPC through the
node's HTTP server (listwallets, createwallet, getwalletinfo on
/wallet/<name>).

Usage: ipc_wallet.py --node PATH/TO/umkoin-node
"""
import decimal
import json
import os
import re
import signal
import socket
import subprocess
import sys

import test_framework
from ipc_dbus import DBusError, DBusPeer

NODE_PATH, NODE1 = '/org/umkoin/Node', 'org.umkoin.Node1'
HERE = os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, 'ipc_fake_wallet.py')


def real_wallet():
    node = test_framework.node_path()
    path = os.path.join(os.path.dirname(os.path.dirname(node)), 'wallet', 'umkoin-wallet')
    return path if os.access(path, os.X_OK) else None


def children(pid):
    """(pid, argv) of the processes whose parent is pid."""
    out = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/stat') as f:
                stat = f.read()
            ppid = int(stat.rsplit(')', 1)[1].split()[1])
            if ppid != pid:
                continue
            with open(f'/proc/{entry}/cmdline', 'rb') as f:
                argv = [a.decode(errors='replace') for a in f.read().split(b'\0') if a]
        except (OSError, ValueError, IndexError):
            continue
        out.append((int(entry), argv))
    return out


def wallet_child(node):
    """The node's wallet process (pid, argv), or None."""
    for pid, argv in children(node.process.pid):
        if any(a == '-ipcfd=3' for a in argv):
            return pid, argv
    return None


def rpc_at(node, path, method, *params):
    """A JSON-RPC 2.0 call to path ("/wallet/<name>"); the result, or
    RPCError. Also returns the raw body for checks on number text."""
    req = {'jsonrpc': '2.0', 'method': method, 'params': list(params), 'id': 1}
    status, _, body = node.http(path=path, body=json.dumps(req),
                                headers={'Content-Type': 'application/json'})
    reply = json.loads(body, parse_float=decimal.Decimal)
    if reply.get('error') is not None:
        err = reply['error']
        raise test_framework.RPCError(err['code'], err['message'], status, method)
    return reply['result'], body


class WalletCase(test_framework.TestCase):
    defer_start = True

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.saved_env = os.environ.get('UMKOIN_WALLET')
        self.addCleanup(self.restore_env)

    def restore_env(self):
        if self.saved_env is None:
            os.environ.pop('UMKOIN_WALLET', None)
        else:
            os.environ['UMKOIN_WALLET'] = self.saved_env
        os.environ.pop('UMK_FAKE_WALLET_ARGS', None)

    def use_fake_wallet(self):
        """The node will start ipc_fake_wallet.py; returns the file its
        arguments go to."""
        wrapper = os.path.join(self.tmpdir, 'fake-umkoin-wallet')
        with open(wrapper, 'w') as f:
            f.write(f'#!/bin/sh\nexec {sys.executable} {FAKE} "$@"\n')
        os.chmod(wrapper, 0o755)
        os.environ['UMKOIN_WALLET'] = wrapper
        args_file = os.path.join(self.tmpdir, 'fake-wallet-args')
        os.environ['UMK_FAKE_WALLET_ARGS'] = args_file
        return args_file

    def log_has(self, pattern, timeout=30):
        rx = re.compile(pattern)
        return self.wait_until(lambda: next((line for line in self.node.debug_log_lines()
                                             if rx.search(line)), None), timeout=timeout)

    def peer(self, path):
        p = DBusPeer.connect_unix(path)
        p.ping()   # no signal is missed after this
        self.addCleanup(p.close)
        return p


class FakeWallet(WalletCase):

    def test_spawn_forward_connect_kill(self):
        node = self.node
        args_file = self.use_fake_wallet()
        walletdir = os.path.join(self.tmpdir, 'wallets here')
        os.mkdir(walletdir)
        node.append_config('wallet=from-config')
        node.start(['-ipcbind=unix', '-debug=ipc', '-wallet=w1', f'-walletdir={walletdir}',
                    '-loglevel=ipc:trace'])
        node.wait_for_rpc()
        line = self.log_has(r'umkoin-wallet \(pid \d+\) started')
        pid = int(re.search(r'pid (\d+)', line).group(1))
        self.assertEqual(wallet_child(node)[0], pid)
        with open(args_file) as f:
            args = f.read().split('\n')
        # the node's command line (the wallet reads umkoin.conf itself: a
        # value from there passed on too would count twice)
        self.assertEqual(args[:2], [f'-datadir={node.datadir}', '-regtest'])
        for expected in (f'-walletdir={walletdir}', '-wallet=w1', '-debug=ipc',
                         '-loglevel=ipc:trace', '-printtoconsole=1', '-nodebuglogfile',
                         '-logtimestamps=0', '-ipcfd=3'):
            self.assertIn(expected, args)
        self.assertNotIn('-wallet=from-config', args)
        self.assertFalse(any(a.startswith(('-rpcport', '-ipcbind', '-port')) for a in args))
        self.assertEqual(args[-2], '-ipcfd=3')
        # its output, and its use of Chain1 on the connection
        self.log_has(r'\[wallet\] fake wallet: chain tip 0 [0-9a-f]{64}')

        # RPC forwarding: "/" to the loader, "/wallet/<name>" to the wallet
        self.assertEqual(node.listwallets(), ['w1'])
        result, body = rpc_at(node, '/', 'getbalance')
        self.assertIn(b'"result":0.00000000', body)
        self.assertEqual(rpc_at(node, '/', 'fakeecho', 1, 'two')[0], {'params': '[1,"two"]'})
        self.assertEqual(node.rpc('fakeecho', a=1), {'params': '{"a":1}'})
        self.assertEqual(rpc_at(node, '/wallet/w1', 'getwalletinfo')[0],
                         {'wallet': 'w1', 'method': 'getwalletinfo', 'params': '[]'})
        # the name is URL-decoded as Core does: w%31 is w1
        self.assertEqual(rpc_at(node, '/wallet/w%31', 'getwalletinfo')[0]['wallet'], 'w1')
        with self.assertRaises(test_framework.RPCError) as cm:
            rpc_at(node, '/wallet/nosuch', 'getwalletinfo')
        self.assertEqual((cm.exception.code, cm.exception.message),
                         (-18, 'Requested wallet does not exist or is not loaded'))
        self.assert_rpc_error(-32601, 'Method not found', node.rpc, 'nosuchmethod')
        # node methods stay the node's, also on a wallet endpoint
        self.assertEqual(rpc_at(node, '/wallet/w1', 'getblockcount')[0], 0)

        # the same through Node1.ExecuteRpc, and ConnectWallet
        sock = os.path.join(node.chaindir, 'node.sock')
        gui = self.peer(sock)
        (reply,) = gui.call(NODE_PATH, NODE1, 'ExecuteRpc', 'sss', ['listwallets', '', ''])
        self.assertEqual(json.loads(reply), {'result': ['w1'], 'error': None})
        (reply,) = gui.call(NODE_PATH, NODE1, 'ExecuteRpc', 'sss', ['getwalletinfo', '[]', 'w1'])
        self.assertEqual(json.loads(reply)['result']['method'], 'getwalletinfo')
        (handle,) = gui.call(NODE_PATH, NODE1, 'ConnectWallet')
        fds = gui.last_reply.fds
        self.assertEqual(len(fds), 1)
        direct = DBusPeer(socket.socket(fileno=fds[handle]))
        self.addCleanup(direct.close)
        direct.client_handshake()
        self.assertEqual(direct.call('/org/umkoin/WalletLoader', 'org.umkoin.WalletLoader1',
                                     'ListWallets'), (['w1'],))

        # SIGKILL: the node notices, says so, and goes on
        os.kill(pid, signal.SIGKILL)
        sig = gui.wait_signal(lambda m: m.member == 'WalletProcessChanged', timeout=30)
        self.assertFalse(sig.body[0])
        self.assertIn(f'umkoin-wallet (pid {pid}) was killed by signal 9', sig.body[1])
        self.log_has(rf'umkoin-wallet \(pid {pid}\) was killed by signal 9.*; wallet RPC methods '
                     r'are unavailable until the node restarts')
        self.assertEqual(node.getblockcount(), 0)
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        with self.assertRaises(test_framework.RPCError) as cm:
            rpc_at(node, '/wallet/w1', 'getwalletinfo')
        self.assertEqual(cm.exception.code, -32601)
        with self.assertRaises(DBusError) as cm:
            gui.call(NODE_PATH, NODE1, 'ConnectWallet')
        self.assertEqual(cm.exception.name, 'org.umkoin.Error.Unavailable')
        self.assertIsNone(wallet_child(node))
        node.stop()

    def test_shutdown_stops_the_wallet(self):
        node = self.node
        self.use_fake_wallet()
        node.start()
        node.wait_for_rpc()
        line = self.log_has(r'umkoin-wallet \(pid \d+\) started')
        pid = int(re.search(r'pid (\d+)', line).group(1))
        node.stop()
        self.assertFalse(os.path.exists(f'/proc/{pid}') and
                         open(f'/proc/{pid}/stat').read().split()[2] != 'Z',
                         'the wallet outlived the node')
        log = '\n'.join(node.debug_log_lines())
        self.assertIn(f'Stopping umkoin-wallet (pid {pid})', log)
        self.assertIn('[wallet] fake wallet: SIGTERM', log)

    def test_disablewallet(self):
        node = self.node
        args_file = self.use_fake_wallet()
        node.start(['-disablewallet'])
        node.wait_for_rpc()
        self.log_has('init message: Done loading')
        self.assertIsNone(wallet_child(node))
        self.assertFalse(os.path.exists(args_file), 'a wallet was started')
        self.log_has('Wallet disabled!')
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        node.stop()

    def test_program_missing(self):
        node = self.node
        os.environ['UMKOIN_WALLET'] = os.path.join(self.tmpdir, 'no-such-wallet')
        node.start()
        node.wait_for_rpc()
        self.log_has(r'Could not start umkoin-wallet .*; the node runs without a wallet')
        self.assertEqual(node.getblockcount(), 0)
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        node.stop()

    def test_attached_wallet(self):
        node = self.node
        node.start(['-disablewallet', '-ipcbind=unix'])
        node.wait_for_rpc()
        sock = os.path.join(node.chaindir, 'node.sock')
        gui = self.peer(sock)
        wallet = subprocess.Popen([sys.executable, FAKE, f'-ipcconnect=unix:{sock}'],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)

        def stop_wallet():
            if wallet.poll() is None:
                wallet.kill()
                wallet.wait()
        self.addCleanup(stop_wallet)
        sig = gui.wait_signal(lambda m: m.member == 'WalletProcessChanged', timeout=30)
        self.assertTrue(sig.body[0])
        self.assertIn('attached', sig.body[1])
        self.assertEqual(node.listwallets(), ['w1'])
        self.assertEqual(rpc_at(node, '/wallet/w1', 'getwalletinfo')[0]['wallet'], 'w1')
        # a second wallet process is refused while the first one serves
        second = subprocess.run([sys.executable, FAKE, f'-ipcconnect=unix:{sock}'],
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(second.returncode, 1)
        self.assertIn('A wallet process already serves this node', second.stderr)
        # a GUI attached the same way is not taken for a wallet
        self.assertEqual(node.listwallets(), ['w1'])
        wallet.terminate()
        wallet.wait()
        sig = gui.wait_signal(lambda m: m.member == 'WalletProcessChanged', timeout=30)
        self.assertFalse(sig.body[0])
        self.assertIn('disconnected', sig.body[1])
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        node.stop()


@__import__('unittest').skipUnless(real_wallet(), 'wallet/umkoin-wallet is not built yet')
class RealWallet(WalletCase):

    def test_spawned_and_killed(self):
        node = self.node
        os.environ['UMKOIN_WALLET'] = real_wallet()
        node.start(['-ipcbind=unix'])
        node.wait_for_rpc()
        child = self.wait_until(lambda: wallet_child(node), timeout=30)
        pid, argv = child
        self.assertIn('-ipcfd=3', argv)
        self.wait_until(lambda: self.try_listwallets() is not None, timeout=30)
        self.assertEqual(node.listwallets(), [])
        # a GUI's direct line to it
        gui = self.peer(os.path.join(node.chaindir, 'node.sock'))
        (handle,) = gui.call(NODE_PATH, NODE1, 'ConnectWallet')
        direct = DBusPeer(socket.socket(fileno=gui.last_reply.fds[handle]))
        self.addCleanup(direct.close)
        direct.client_handshake()
        self.assertEqual(direct.call('/org/umkoin/WalletLoader', 'org.umkoin.WalletLoader1',
                                     'ListWallets'), ([],))
        self.assertTrue(any(line.split(' ', 1)[-1].startswith('[wallet]')
                            for line in node.debug_log_lines()))
        os.kill(pid, signal.SIGKILL)
        self.log_has(rf'umkoin-wallet \(pid {pid}\) was killed by signal 9')
        self.assertEqual(node.getblockcount(), 0)
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        node.stop()

    def try_listwallets(self):
        try:
            return self.node.listwallets()
        except test_framework.RPCError:
            return None

    def test_attach_with_ipcconnect(self):
        node = self.node
        node.start(['-disablewallet', '-ipcbind=unix'])
        node.wait_for_rpc()
        sock = os.path.join(node.chaindir, 'node.sock')
        out = open(os.path.join(self.tmpdir, 'wallet-output.txt'), 'wb')
        self.addCleanup(out.close)
        wallet = subprocess.Popen([real_wallet(), '-regtest', f'-datadir={node.datadir}',
                                   f'-ipcconnect=unix:{sock}'], stdin=subprocess.DEVNULL,
                                  stdout=out, stderr=subprocess.STDOUT)

        def stop_wallet():
            if wallet.poll() is None:
                wallet.terminate()
                try:
                    wallet.wait(30)
                except subprocess.TimeoutExpired:
                    wallet.kill()
                    wallet.wait()
        self.addCleanup(stop_wallet)
        self.log_has(r'umkoin-wallet \(unix client \d+\) attached', timeout=30)
        self.assertEqual(node.listwallets(), [])
        created = node.createwallet('w1')
        self.assertEqual(created['name'], 'w1')
        self.assertEqual(node.listwallets(), ['w1'])
        info, _ = rpc_at(node, '/wallet/w1', 'getwalletinfo')
        self.assertEqual(info['walletname'], 'w1')
        with self.assertRaises(test_framework.RPCError) as cm:
            rpc_at(node, '/wallet/nosuch', 'getwalletinfo')
        self.assertEqual(cm.exception.code, -18)
        stop_wallet()
        self.log_has('disconnected; wallet RPC methods are unavailable')
        self.assert_rpc_error(-32601, 'Method not found', node.listwallets)
        node.stop()


if __name__ == '__main__':
    test_framework.main()
