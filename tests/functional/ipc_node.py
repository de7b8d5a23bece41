#!/usr/bin/env python3
"""umkoin-node's -ipcbind sockets and what it serves there (org.umkoin.Node1
at /org/umkoin/Node, org.umkoin.Chain1 at /org/umkoin/Chain):

- the socket (0600, in a 0700 folder), found by `gdbus introspect` and
  `gdbus call`, and removed at shutdown;
- Node1: GetBlockchainInfo, GetTip, TipChanged after blocks mined by RPC,
  HeaderTipChanged once per headers message from a P2P peer and for
  submitheader, HeaderPresyncChanged for low-work headers pre-synced,
  ExecuteRpc (results and Core's errors), GetNetworkInfo, GetPeers;
- Chain1: the chain lookups, blocks as raw bytes, BroadcastTransaction (the
  path and messages of sendrawtransaction), the mempool, fee rates, and the
  block and mempool signals in order through a reorganisation;
- wrong arguments and unknown methods answer a D-Bus error, never a crash;
- -debug=ipc logs calls and replies with their member and latency;
- who may connect: a process of our uid, as the kernel reports it (a false
  EXTERNAL claim and a real other uid, with either mechanism, are refused;
  a client of another uid behind a forwarder of ours, as with ssh -L, gets
  in through ANONYMOUS); where: -ipcbind=unix:<path> (repeatable; a missing
  folder is made 0700), no folder others may write to, a stale socket is
  replaced, a live one is an error.

The D-Bus side of the tests is ipc_dbus.py (standard library only), and
GLib's `gdbus` tool where the issue names it.

Usage: ipc_node.py --node PATH/TO/umkoin-node
"""
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time

import blocktools as bt
import test_framework
from ipc_dbus import DBusError, DBusPeer, HandshakeError
from peer import P2PPeer, headers_payload

NODE_PATH, NODE1 = '/org/umkoin/Node', 'org.umkoin.Node1'
CHAIN_PATH, CHAIN1 = '/org/umkoin/Chain', 'org.umkoin.Chain1'
ADDR = bt.P2WSH_OP_TRUE_ADDRESS


def gdbus(address, command, *args):
    """GLib 2.74's gdbus takes every address for a bus: it wants --dest (any
    name; nothing routes on a node socket) and says Hello, which the node
    answers for it."""
    return subprocess.run(['gdbus', command, '--address', address, '--dest', 'org.umkoin.Node',
                           *args], capture_output=True, text=True, timeout=60)


class IpcBindCase(test_framework.TestCase):
    extra_args = [['-ipcbind=unix', '-debug=ipc', '-disablewallet']]

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.sock_path = os.path.join(self.node.chaindir, 'node.sock')
        self.address = f'unix:path={self.sock_path}'

    def peer(self, path=None):
        p = DBusPeer.connect_unix(path or self.sock_path)
        p.ping()   # no signal is missed after this
        self.addCleanup(p.close)
        return p

    def execute_rpc(self, peer, method, params='', wallet=''):
        (reply,) = peer.call(NODE_PATH, NODE1, 'ExecuteRpc', 'sss', [method, params, wallet])
        return json.loads(reply)


class IpcBind(IpcBindCase):

    def test_socket_modes_and_removal(self):
        st = os.lstat(self.sock_path)
        self.assertTrue(stat.S_ISSOCK(st.st_mode))
        self.assertEqual(stat.S_IMODE(st.st_mode), 0o600)
        self.assertEqual(stat.S_IMODE(os.stat(self.node.chaindir).st_mode), 0o700)
        self.node.stop()
        self.assertFalse(os.path.exists(self.sock_path), 'the socket outlived the node')

    def test_gdbus(self):
        r = gdbus(self.address, 'introspect', '--object-path', NODE_PATH)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('interface org.umkoin.Node1 {', r.stdout)
        self.assertIn('ExecuteRpc(', r.stdout)
        r = gdbus(self.address, 'introspect', '--object-path', CHAIN_PATH)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('interface org.umkoin.Chain1 {', r.stdout)

        def info():
            r = gdbus(self.address, 'call', '--object-path', NODE_PATH, '--method',
                      'org.umkoin.Node1.GetBlockchainInfo')
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout

        out = info()
        self.assertIn("'chain': <'regtest'>", out)
        self.assertIn(f"'blocks': <{self.node.getblockcount()}>", out)
        hashes = self.node.generatetoaddress(3, ADDR)
        out = info()
        self.assertIn("'blocks': <3>", out)
        self.assertIn(f"'bestblockhash': <'{hashes[-1]}'>", out)

        r = gdbus(self.address, 'call', '--object-path', NODE_PATH, '--method',
                  'org.umkoin.Node1.ExecuteRpc', 'getblockcount', '', '')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), """('{"result":3,"error":null}',)""")

    def test_header_tip(self):
        """Headers ahead of the blocks, as in a sync from peers: one
        HeaderTipChanged per headers message (not one per header), no
        TipChanged, and the status calls report the headers."""
        peer = self.peer()
        (tip_hash,) = self.node.generatetoaddress(1, ADDR)
        peer.wait_signal(lambda m: m.member == 'TipChanged' and m.body[0] == 1)
        tip = self.node.getblockheader(tip_hash)
        blocks, prev = [], tip_hash
        for i in range(1, 52):
            block = bt.create_block(prev, tip['height'] + i, time=tip['time'] + i)
            blocks.append(block)
            prev = block.hash
        p2p = P2PPeer(self.node)
        self.addCleanup(p2p.close)
        p2p.send('headers', headers_payload(blocks[:50]))
        sig = peer.wait_signal(lambda m: m.interface == NODE1)
        self.assertEqual((sig.member, sig.body[0], sig.body[1]),
                         ('HeaderTipChanged', 51, blocks[49].hash))
        (info,) = peer.call(NODE_PATH, NODE1, 'GetBlockchainInfo')
        self.assertEqual((info['blocks'], info['headers']), (1, 51))

        # submitheader moves it by one
        self.assertIsNone(self.node.submitheader(blocks[50].serialize_header().hex()))
        sig = peer.wait_signal(lambda m: m.interface == NODE1)
        self.assertEqual((sig.member, sig.body[0], sig.body[1], sig.body[2]),
                         ('HeaderTipChanged', 52, blocks[50].hash, blocks[50].time))
        # the tip never moved
        (height, best, _, _, _) = peer.call(NODE_PATH, NODE1, 'GetTip')
        self.assertEqual((height, best), (1, tip_hash))

    def test_tip(self):
        peer = self.peer()
        height, best, time_, progress, ibd = peer.call(NODE_PATH, NODE1, 'GetTip')
        self.assertEqual((height, best), (0, self.node.getbestblockhash()))
        self.assertTrue(0 < progress <= 1)
        hashes = self.node.generatetoaddress(2, ADDR)
        # the header moves first, then the tip; out of initial block
        # download (the blocks are new) every tip is signalled
        seen = {}
        while ('TipChanged', 2) not in seen or ('HeaderTipChanged', 2) not in seen:
            sig = peer.wait_signal(lambda m: m.interface == NODE1, timeout=30)
            self.assertEqual(sig.path, NODE_PATH)
            seen[(sig.member, sig.body[0])] = sig
        tip = seen[('TipChanged', 2)]
        self.assertEqual(tip.body[1], hashes[-1])
        self.assertEqual(tip.body[2], self.node.getblockheader(hashes[-1])['time'])
        self.assertFalse(tip.body[4])
        self.assertIn(('TipChanged', 1), seen)
        self.assertEqual(seen[('HeaderTipChanged', 2)].body[1], hashes[-1])
        height, best, time_, progress, ibd = peer.call(NODE_PATH, NODE1, 'GetTip')
        self.assertEqual((height, best), (2, hashes[-1]))
        chaininfo = self.node.getblockchaininfo()
        (info,) = peer.call(NODE_PATH, NODE1, 'GetBlockchainInfo')
        for key in ('chain', 'blocks', 'headers', 'bestblockhash', 'time', 'mediantime',
                    'initialblockdownload', 'pruned'):
            self.assertEqual(info[key], chaininfo[key], key)
        self.assertEqual(info['warnings'], [])
        self.assertAlmostEqual(info['difficulty'], float(chaininfo['difficulty']))
        self.assertGreater(info['size_on_disk'], 0)

    def test_network_and_peers(self):
        peer = self.peer()
        (info,) = peer.call(NODE_PATH, NODE1, 'GetNetworkInfo')
        self.assertEqual(info['connections_in'], 0)
        self.assertEqual(info['connections_out'], 0)
        self.assertEqual(info['protocolversion'], 70016)
        self.assertTrue(info['networkactive'])
        self.assertRegex(info['subversion'], r'^/Umkoin:[0-9.]+/$')
        self.assertEqual(peer.call(NODE_PATH, NODE1, 'GetPeers'), ([],))

    def test_execute_rpc(self):
        peer = self.peer()
        self.node.generatetoaddress(1, ADDR)
        self.assertEqual(self.execute_rpc(peer, 'getblockcount'), {'result': 1, 'error': None})
        genesis = self.node.getblockhash(0)
        self.assertEqual(self.execute_rpc(peer, 'getblockhash', '[0]')['result'], genesis)
        self.assertEqual(self.execute_rpc(peer, 'getblockhash', '{"height": 0}')['result'], genesis)
        # a node method runs in the node whatever the wallet endpoint
        self.assertEqual(self.execute_rpc(peer, 'getblockcount', '', 'w1')['result'], 1)
        # Core's errors, inside the reply
        self.assertEqual(self.execute_rpc(peer, 'nosuchmethod'),
                         {'result': None, 'error': {'code': -32601, 'message': 'Method not found'}})
        # no wallet process (-disablewallet): wallet methods are unknown too
        self.assertEqual(self.execute_rpc(peer, 'listwallets')['error']['code'], -32601)
        self.assertEqual(self.execute_rpc(peer, 'getblockhash', '[')['error']['code'], -32700)
        self.assertEqual(self.execute_rpc(peer, 'getblockhash', '5')['error'],
                         {'code': -32600, 'message': 'Params must be an array or object'})
        err = self.execute_rpc(peer, 'getblockhash', '[99]')['error']
        self.assert_rpc_error(err['code'], err['message'], self.node.getblockhash, 99)
        err = self.execute_rpc(peer, 'getblockhash', '["x"]')['error']
        self.assertEqual(err['code'], -3)
        # a long call does not hold up the others: they run off the main loop
        slow = self.peer()
        serial_wait = slow.serial + 1
        from ipc_dbus import encode_message, METHOD_CALL, PATH, INTERFACE, MEMBER
        slow.send(encode_message(METHOD_CALL, serial_wait,
                                 {PATH: ('o', NODE_PATH), INTERFACE: ('s', NODE1),
                                  MEMBER: ('s', 'ExecuteRpc')},
                                 'sss', ['waitfornewblock', '[20000]', '']))
        slow.serial = serial_wait
        self.assertEqual(self.execute_rpc(peer, 'getblockcount')['result'], 1)
        self.assertEqual(peer.call(NODE_PATH, NODE1, 'GetTip')[0], 1)
        h = self.node.generatetoaddress(1, ADDR)[0]
        reply = None
        while reply is None:
            msg = slow.next_message(timeout=30)
            self.assertIsNotNone(msg, 'waitfornewblock did not return')
            if msg.reply_serial == serial_wait:
                reply = json.loads(msg.body[0])
        self.assertEqual(reply['result']['hash'], h)

    def test_wrong_arguments(self):
        peer = self.peer()
        cases = [
            (CHAIN_PATH, CHAIN1, 'GetBlockHash', 's', ['zero'], 'org.freedesktop.DBus.Error.InvalidArgs'),
            (NODE_PATH, NODE1, 'ExecuteRpc', 's', ['getblockcount'], 'org.freedesktop.DBus.Error.InvalidArgs'),
            (NODE_PATH, NODE1, 'GetTip', 'i', [1], 'org.freedesktop.DBus.Error.InvalidArgs'),
            (NODE_PATH, NODE1, 'NoSuchMethod', '', [], 'org.freedesktop.DBus.Error.UnknownMethod'),
            (NODE_PATH, 'org.umkoin.Node9', 'GetTip', '', [], 'org.freedesktop.DBus.Error.UnknownMethod'),
            ('/org/umkoin/Nothing', NODE1, 'GetTip', '', [], 'org.freedesktop.DBus.Error.UnknownMethod'),
            (CHAIN_PATH, CHAIN1, 'GetBlock', 's', ['not a hash'], 'org.umkoin.Error.InvalidArgs'),
            (CHAIN_PATH, CHAIN1, 'GetBlock', 's', ['00' * 32], 'org.umkoin.Error.NotFound'),
            (CHAIN_PATH, CHAIN1, 'GetBlockHash', 'i', [-1], 'org.umkoin.Error.NotFound'),
            (CHAIN_PATH, CHAIN1, 'GetBlockHash', 'i', [1], 'org.umkoin.Error.NotFound'),
            (CHAIN_PATH, CHAIN1, 'GetMempoolTransaction', 's', ['11' * 32], 'org.umkoin.Error.NotFound'),
            (CHAIN_PATH, CHAIN1, 'BroadcastTransaction', 'ayx', [b'', -1], 'org.umkoin.Error.InvalidArgs'),
            (NODE_PATH, NODE1, 'ConnectWallet', '', [], 'org.umkoin.Error.Unavailable'),
        ]
        for path, iface, member, sig, args, error in cases:
            with self.subTest(member=member, sig=sig, args=args):
                with self.assertRaises(DBusError) as cm:
                    peer.call(path, iface, member, sig, args)
                self.assertEqual(cm.exception.name, error, cm.exception.message)
        # still there, on the same connection and over RPC
        self.assertEqual(peer.call(NODE_PATH, NODE1, 'GetTip')[0], 0)
        self.assertEqual(self.node.getblockcount(), 0)
        r = subprocess.run(['dbus-send', f'--peer={self.address}', '--print-reply',
                            CHAIN_PATH, 'org.umkoin.Chain1.GetBlockHash', 'string:x'],
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn('InvalidArgs', r.stderr)
        self.assertTrue(self.node.running())

    def test_debug_ipc(self):
        peer = self.peer()
        peer.call(NODE_PATH, NODE1, 'GetTip')
        with self.assertRaises(DBusError):
            peer.call(CHAIN_PATH, CHAIN1, 'GetBlockHash', 'i', [7])

        def logged():
            text = '\n'.join(self.node.debug_log_lines())
            return (re.search(r'ipc: unix client \d+ <- call org\.umkoin\.Node1\.GetTip\(\) #\d+', text)
                    and re.search(r'ipc: unix client \d+ -> reply org\.umkoin\.Node1\.GetTip #\d+ '
                                  r'\(\d+, \'[0-9a-f]{64}\', .*\) \(handled in [0-9.]+ ms\)', text)
                    and re.search(r'-> error org\.umkoin\.Chain1\.GetBlockHash #\d+ '
                                  r'org\.umkoin\.Error\.NotFound: No block at height 7 .*'
                                  r'\(handled in [0-9.]+ ms\)', text))
        self.wait_until(logged, timeout=10)
        self.node.generatetoaddress(1, ADDR)
        self.wait_until(lambda: any(re.search(r'ipc: unix client \d+ -> signal '
                                              r'org\.umkoin\.Chain1\.BlockConnected\(', line)
                                    for line in self.node.debug_log_lines()), timeout=10)

    def test_refused_peers(self):
        # The kernel's word on the connecting process decides, whatever the
        # mechanism: ANONYMOUS from our own uid is welcome (it is what a
        # client forwarded by ssh -L uses; see test_forwarded_client)...
        anonymous = DBusPeer.connect_unix(self.sock_path, mechanism='ANONYMOUS')
        self.assertEqual(anonymous.call(NODE_PATH, NODE1, 'GetTip')[0], 0)
        anonymous.close()
        # ...but EXTERNAL with a uid that is not the one the kernel reports is not
        with self.assertRaises(HandshakeError):
            DBusPeer.connect_unix(self.sock_path, uid=os.getuid() + 12345)
        if os.getuid() != 0:
            self.skipTest('a process of another uid needs root')
        # A real process of another uid. Permissions alone would stop it at
        # the folder and the socket mode; open them up so that the node's
        # own check is what refuses it.
        opened = [self.tmpdir, self.node.datadir, self.node.chaindir]
        modes = [os.stat(p).st_mode for p in opened]
        for p in opened:
            os.chmod(p, 0o711)
        os.chmod(self.sock_path, 0o666)
        try:
            script = ('import os, socket, sys\n'
                      's = socket.socket(socket.AF_UNIX)\n'
                      's.settimeout(20)\n'
                      's.connect(sys.argv[1])\n'
                      'claim = str(os.getuid()).encode().hex() if sys.argv[2] == "EXTERNAL" else "78"\n'
                      's.sendall(b"\\0AUTH " + sys.argv[2].encode() + b" " + claim.encode() + b"\\r\\n")\n'
                      'data = b""\n'
                      'while True:\n'
                      '    chunk = s.recv(100)\n'
                      '    if not chunk: break\n'
                      '    data += chunk\n'
                      '    if b"\\r\\n" in data and data.startswith(b"OK"):\n'
                      '        s.sendall(b"BEGIN\\r\\n")\n'
                      '        break\n'
                      'print(repr(data))\n')
            # the system's python: a pyenv one under /root is out of its reach
            python = shutil.which('python3', path='/usr/bin:/bin') or sys.executable
            runs = [subprocess.run([python, '-c', script, self.sock_path, mechanism], user=12345,
                                   group=12345, capture_output=True, text=True, timeout=60,
                                   cwd='/')
                    for mechanism in ('EXTERNAL', 'ANONYMOUS')]
        finally:
            for p, m in zip(opened, modes):
                os.chmod(p, stat.S_IMODE(m))
            os.chmod(self.sock_path, 0o600)
        for r in runs:
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("b'OK", r.stdout)
        self.wait_until(lambda: any('refused a peer running as uid 12345' in line
                                    for line in self.node.debug_log_lines()), timeout=10)
        # and we are still welcome
        self.assertEqual(self.peer().call(NODE_PATH, NODE1, 'GetTip')[0], 0)

    def test_forwarded_client(self):
        """What ssh -L does: a forwarder running as the node's user connects
        to node.sock for a client of another uid, who is let in (it falls
        back from EXTERNAL, whose claim cannot match, to ANONYMOUS)."""
        if os.getuid() != 0:
            self.skipTest('a client of another uid needs root')
        gdbus = shutil.which('gdbus', path='/usr/bin:/bin')
        if gdbus is None:
            self.skipTest('gdbus is not installed')
        relay_dir = tempfile.mkdtemp(prefix='umk-relay-')
        self.addCleanup(shutil.rmtree, relay_dir, True)
        os.chmod(relay_dir, 0o777)
        relay_path = os.path.join(relay_dir, 'forwarded.sock')
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(relay_path)
        os.chmod(relay_path, 0o777)
        listener.listen(1)
        self.addCleanup(listener.close)

        def pump(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data:
                        break
                    b.sendall(data)
            except OSError:
                pass
            finally:
                try:
                    b.shutdown(socket.SHUT_WR)
                except OSError:
                    pass

        opened = []
        self.addCleanup(lambda: [sock.close() for sock in opened])

        def forward():
            client, _ = listener.accept()
            upstream = socket.socket(socket.AF_UNIX)
            opened.extend([client, upstream])
            upstream.connect(self.sock_path)
            threading.Thread(target=pump, args=(upstream, client), daemon=True).start()
            pump(client, upstream)
        threading.Thread(target=forward, daemon=True).start()

        r = subprocess.run([gdbus, 'call', '--address', f'unix:path={relay_path}',
                            '--dest', 'org.umkoin.Node', '--object-path', NODE_PATH,
                            '--method', f'{NODE1}.GetTip'],
                           user=12345, group=12345, capture_output=True, text=True,
                           timeout=60, cwd='/')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith('(0, '), r.stdout)


class IpcChain(IpcBindCase):

    def test_chain_and_mempool(self):
        node = self.node
        peer = self.peer()
        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(101)
        tip_hash = node.getbestblockhash()
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'GetTip'), (101, tip_hash, False))
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'GetBlockHash', 'i', [50]),
                         (node.getblockhash(50),))
        block, height = peer.call(CHAIN_PATH, CHAIN1, 'GetBlock', 's', [tip_hash])
        self.assertEqual((block.hex(), height), (node.getblock(tip_hash, 0), 101))
        (info,) = peer.call(CHAIN_PATH, CHAIN1, 'GetBlockInfo', 's', [tip_hash])
        self.assertEqual(info, {'height': 101, 'time': node.getblockheader(tip_hash)['time'],
                                'previousblockhash': node.getblockhash(100),
                                'in_active_chain': True, 'have_data': True})
        (genesis_info,) = peer.call(CHAIN_PATH, CHAIN1, 'GetBlockInfo', 's', [node.getblockhash(0)])
        self.assertNotIn('previousblockhash', genesis_info)
        pool = node.getmempoolinfo()
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'GetFeeRates'),
                         (int(pool['minrelaytxfee'] * 10**8), int(pool['mempoolminfee'] * 10**8),
                          int(pool['incrementalrelayfee'] * 10**8)))

        # BroadcastTransaction: the transaction's bytes exactly (it has zero
        # bytes, which the generated C wrappers would cut), into the mempool
        tx = wallet.create_self_transfer()
        raw = tx.serialize()
        self.assertIn(b'\0', raw)
        (txid,) = peer.call(CHAIN_PATH, CHAIN1, 'BroadcastTransaction', 'ayx', [raw, 0])
        self.assertEqual(txid, tx.txid)
        added = peer.wait_signal(lambda m: m.member == 'TransactionAddedToMempool')
        self.assertEqual(added.body, (tx.txid, raw))
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'GetMempoolTransaction', 's', [tx.txid]),
                         (raw,))
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'GetMempoolTxids'), ([tx.txid],))
        self.assertEqual(node.getrawmempool(), [tx.txid])
        # already there: its txid again, as sendrawtransaction answers
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'BroadcastTransaction', 'ayx', [raw, 0]),
                         (tx.txid,))
        # refused: sendrawtransaction's words
        spent = wallet.create_spend([wallet.get_utxo(mark_spent=False)],
                                    [bt.TxOut(10**8, bt.P2WSH_OP_TRUE)])
        spent.vin[0].prevout = bt.OutPoint('ab' * 32, 0)   # no such coin
        err = self.assert_rpc_error(None, None, node.sendrawtransaction, spent.hex())
        with self.assertRaises(DBusError) as cm:
            peer.call(CHAIN_PATH, CHAIN1, 'BroadcastTransaction', 'ayx', [spent.serialize(), 0])
        self.assertEqual(cm.exception.name, 'org.umkoin.Error.Failed')
        self.assertEqual(cm.exception.message, err.message)
        # a fee rate limit below the transaction's: refused, as maxfeerate is
        tx2 = wallet.create_self_transfer(fee=50_000)
        err = self.assert_rpc_error(-25, None, node.sendrawtransaction, tx2.hex(), '0.00001')
        with self.assertRaises(DBusError) as cm:
            peer.call(CHAIN_PATH, CHAIN1, 'BroadcastTransaction', 'ayx', [tx2.serialize(), 1000])
        self.assertEqual(cm.exception.message, err.message)

        # a block takes the transaction: removal (block), then the block
        peer.pending.clear()
        block_hash = node.generatetoaddress(1, ADDR)[0]
        seen = []
        while not seen or seen[-1].member != 'BlockConnected':
            seen.append(peer.wait_signal(lambda m: m.interface == CHAIN1))
        self.assertEqual([(m.member, m.body[:2]) for m in seen],
                         [('TransactionRemovedFromMempool', (tx.txid, 'block')),
                          ('BlockConnected', (block_hash, 102))])
        self.assertEqual(seen[-1].body[2].hex(), node.getblock(block_hash, 0))
        self.assertEqual(seen[-1].path, CHAIN_PATH)

        # a reorganisation: disconnected (the tip first), the transaction back,
        # then the new branch, lowest first
        node.invalidateblock(node.getblockhash(101))
        seen = []
        while len([m for m in seen if m.member == 'BlockDisconnected']) < 2 \
                or not any(m.member == 'TransactionAddedToMempool' for m in seen):
            seen.append(peer.wait_signal(lambda m: m.interface == CHAIN1))
        # (invalidateblock updates the mempool after each block, as Core's
        # does, so the transaction returns between the two)
        blocks = [(m.member, m.body[:2]) for m in seen if m.member.startswith('Block')]
        self.assertEqual(blocks, [('BlockDisconnected', (block_hash, 102)),
                                  ('BlockDisconnected', (tip_hash, 101))])
        self.assertEqual(seen[0].body[2].hex(), node.getblock(block_hash, 0))
        readded = [i for i, m in enumerate(seen) if m.member == 'TransactionAddedToMempool']
        self.assertEqual(seen[readded[0]].body, (tx.txid, raw))
        self.assertGreater(readded[0], 0)
        self.assertEqual(peer.call(CHAIN_PATH, CHAIN1, 'FindFork', 's', [block_hash]),
                         (100, node.getblockhash(100)))
        (info,) = peer.call(CHAIN_PATH, CHAIN1, 'GetBlockInfo', 's', [block_hash])
        self.assertFalse(info['in_active_chain'])
        peer.pending.clear()
        node.reconsiderblock(tip_hash)
        connected = [peer.wait_signal(lambda m: m.member == 'BlockConnected') for _ in range(2)]
        self.assertEqual([m.body[:2] for m in connected], [(tip_hash, 101), (block_hash, 102)])


class IpcInitialDownload(IpcBindCase):

    def test_tip_signals_coalesced_block_signals_not(self):
        # Old blocks keep the node in initial block download (the tip is
        # more than a day old): TipChanged at most every 250 ms carrying the
        # latest tip, while Chain1 sends every block.
        node = self.node
        peer = self.peer()
        n = 300
        prev = node.getblockhash(0)
        t = node.getblockheader(prev)['time']
        blocks = []
        for height in range(1, n + 1):
            t += 60
            b = bt.create_block(prev, height, time=t)
            blocks.append(b)
            prev = b.hash
        start = time.monotonic()
        for b in blocks:
            self.assertIsNone(node.submitblock(b.hex()))
        elapsed = time.monotonic() - start
        self.assertTrue(node.getblockchaininfo()['initialblockdownload'])
        tips, connected = [], []
        while not tips or tips[-1].body[0] != n:
            m = peer.wait_signal(lambda m: m.member in ('TipChanged', 'BlockConnected'), timeout=30)
            (tips if m.member == 'TipChanged' else connected).append(m)
        self.assertEqual(tips[-1].body[1], blocks[-1].hash)
        self.assertTrue(all(m.body[4] for m in tips), 'a TipChanged said "not in IBD"')
        self.assertLessEqual(len(tips), elapsed / 0.25 + 3, f'{len(tips)} TipChanged in {elapsed:.2f}s')
        self.assertLess(len(tips), n / 4)
        heights = [m.body[0] for m in tips]
        self.assertEqual(heights, sorted(heights))
        while len(connected) < n:
            connected.append(peer.wait_signal(lambda m: m.member == 'BlockConnected', timeout=30))
        self.assertEqual([m.body[:2] for m in connected],
                         [(b.hash, h) for h, b in enumerate(blocks, 1)])
        self.assertEqual(connected[-1].body[2], blocks[-1].serialize())


class IpcHeadersPresync(IpcBindCase):
    # 2,500 regtest blocks of work: 2,000 headers have too little, so the
    # node pre-syncs them (checks them without storing any).
    extra_args = [['-ipcbind=unix', '-disablewallet', '-minimumchainwork=0x1392']]

    def test_presync_signalled_not_stored(self):
        node = self.node
        peer = self.peer()
        blocks, prev = [], node.getblockhash(0)
        start = int(time.time()) - 3000 * 600
        for height in range(1, 2001):
            block = bt.create_block(prev, height, time=start + height * 600)
            blocks.append(block)
            prev = block.hash
        p2p = P2PPeer(node)
        self.addCleanup(p2p.close)
        p2p.send('headers', headers_payload(blocks))
        sig = peer.wait_signal(lambda m: m.interface == NODE1)
        self.assertEqual((sig.member, sig.body), ('HeaderPresyncChanged', (2000, blocks[-1].time)))
        # The node asks the peer for more, and has stored no header.
        p2p.wait_for('getheaders', lambda m: m.data['locator'][0] == blocks[-1].hash_bytes)
        (info,) = peer.call(NODE_PATH, NODE1, 'GetBlockchainInfo')
        self.assertEqual((info['blocks'], info['headers']), (0, 0))
        # Core's progress line: 2,000 of about 3,000 (the last header is
        # ~1,000 spacings old). Core itself would not log it here: it stops
        # reporting above the chain's built-in minimum work (0 on regtest),
        # not the -minimumchainwork in effect.
        self.wait_until(lambda: any('Pre-synchronizing blockheaders, height: 2000 (~66.' in line
                                    for line in node.debug_log_lines()))


class IpcPaths(test_framework.TestCase):
    defer_start = True

    def start_fails(self, *args):
        node = self.nodes[0]
        node.start(list(args))
        self.assertEqual(node.wait_for_exit(), 1)
        return node.stderr_text()

    def test_custom_paths(self):
        node = self.nodes[0]
        a = os.path.join(self.tmpdir, 'a', 'deeper', 'one.sock')
        b = os.path.join(self.tmpdir, 'b', 'two.sock')
        node.start([f'-ipcbind=unix:{a}', f'-ipcbind=unix:{b}', f'-ipcbind=unix:{b}',
                    '-ipcbind=unix:rel.sock', '-disablewallet'])
        node.wait_for_rpc()
        rel = os.path.join(node.datadir, 'rel.sock')   # the node's working directory
        for path in (a, b, rel):
            with self.subTest(path=path):
                self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o600)
                peer = DBusPeer.connect_unix(path)
                self.assertEqual(peer.call(NODE_PATH, NODE1, 'GetTip')[0], 0)
                peer.close()
        for d in (os.path.dirname(a), os.path.dirname(os.path.dirname(a)), os.path.dirname(b)):
            self.assertEqual(stat.S_IMODE(os.stat(d).st_mode), 0o700, d)
        # the default path is not listened on unless asked for
        self.assertFalse(os.path.exists(os.path.join(node.chaindir, 'node.sock')))
        node.stop()
        for path in (a, b, rel):
            self.assertFalse(os.path.exists(path), path)

    def test_folder_others_may_write(self):
        for mode in (0o777, 0o1777, 0o770):
            with self.subTest(mode=oct(mode)):
                d = os.path.join(self.tmpdir, f'open{mode:o}')
                os.mkdir(d)
                os.chmod(d, mode)
                err = self.start_fails(f'-ipcbind=unix:{d}/node.sock')
                self.assertIn('may be written by other users', err)
                self.assertFalse(os.path.exists(os.path.join(d, 'node.sock')))

    def test_stale_socket_replaced(self):
        node = self.nodes[0]
        d = os.path.join(self.tmpdir, 'sockets')
        os.mkdir(d, 0o700)
        path = os.path.join(d, 'node.sock')
        # a socket file left behind (nobody listening), wide open
        s = socket.socket(socket.AF_UNIX)
        s.bind(path)
        s.close()
        os.chmod(path, 0o666)
        node.start([f'-ipcbind=unix:{path}', '-disablewallet'])
        node.wait_for_rpc()
        self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o600)
        self.assertTrue(any('removed the stale socket' in line for line in node.debug_log_lines()))
        peer = DBusPeer.connect_unix(path)
        self.assertEqual(peer.call(NODE_PATH, NODE1, 'GetTip')[0], 0)
        peer.close()

    def test_live_socket_refused(self):
        d = os.path.join(self.tmpdir, 'sockets')
        os.mkdir(d, 0o700)
        path = os.path.join(d, 'node.sock')
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(path)
        listener.listen(5)
        self.addCleanup(listener.close)
        err = self.start_fails(f'-ipcbind=unix:{path}')
        self.assertIn(f'another node is listening on {path}', err)
        self.assertTrue(os.path.exists(path), 'the live socket was removed')

    def test_bad_values(self):
        d = os.path.join(self.tmpdir, 'x')
        os.mkdir(d, 0o700)
        cases = [
            ('-ipcbind=tcp:127.0.0.1:1234', "Invalid -ipcbind address 'tcp:127.0.0.1:1234'"),
            (f'-ipcbind=unix:{d}', 'not a socket'),
            (f'-ipcbind=unix:{d}/' + 'n' * 120 + '.sock', 'longer than'),
            ('-ipcfd=999', '-ipcfd'),
        ]
        file_path = os.path.join(d, 'file')
        with open(file_path, 'w') as f:
            f.write('x')
        cases.append((f'-ipcbind=unix:{file_path}', 'not a socket'))
        cases.append((f'-ipcbind=unix:{file_path}/node.sock', 'is not a folder'))
        for arg, message in cases:
            with self.subTest(arg=arg):
                err = self.start_fails(arg)
                self.assertIn(message, err)


if __name__ == '__main__':
    test_framework.main()
