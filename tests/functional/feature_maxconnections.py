#!/usr/bin/env python3
"""-maxconnections, inbound eviction and peer permissions as Umkoin Core
v31.0 has them, with P2P peers from 127.0.0.1:

- -maxconnections=N leaves N - 11 inbound slots (8 full-relay, 2
  block-relay-only and 1 feeler connection are kept for outbound ones);
  getconnectioncount and getnetworkinfo (connections, connections_in,
  connections_out) count the peers;
- a new inbound connection when the slots are full evicts an existing inbound
  peer if one is left after the protections (4 by network group, 8 by lowest
  ping, 4 by latest transaction, 4 by latest block, half of the rest by
  uptime; noban peers are never evicted); otherwise the new connection is
  closed before any message. All peers here share one network group, so
  only "one evicted, never a protected one" is checked, not which;
- -whitelist and -whitebind grant permissions, shown in getpeerinfo's
  "permissions" (a whitelist without permissions means noban, relay,
  mempool and download; noban implies download), combined when both match;
  a noban peer is neither disconnected for misbehaving nor for "mempool";
  an unknown permission stops start-up.

Usage: feature_maxconnections.py --node PATH/TO/umkoin-node
"""
import blocktools as bt
import peer as p2p
import test_framework

OUTBOUND_SLOTS = 8 + 2 + 1


class MaxConnBase(p2p.PeerTestCase):
    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]

    def assert_refused(self, port=None):
        """A new connection is closed by the node before it answers our version."""
        conn = self.add_peer(self.node, port=port, handshake=False)
        try:
            conn.send('version', p2p.version_payload())
        except OSError:
            pass                                  # closed already
        conn.wait_for_disconnect()
        self.assertEqual(conn.messages(), [])

    def assert_counts(self, inbound, outbound=0):
        self.assertEqual(self.node.getconnectioncount(), inbound + outbound)
        info = self.node.getnetworkinfo()
        self.assertEqual((info['connections'], info['connections_in'], info['connections_out']),
                         (inbound + outbound, inbound, outbound))


class InboundLimit(MaxConnBase):
    extra_args = [['-maxconnections=13']]        # 2 inbound slots

    def test_limit(self):
        self.assert_counts(0)
        first = self.add_peer(self.node)
        second = self.add_peer(self.node)
        self.assert_counts(2)
        # Both are protected (network group): the third is turned away.
        self.assert_refused()
        self.assert_refused()
        first.sync_with_ping()
        second.sync_with_ping()
        self.assert_counts(2)
        # A freed slot can be taken again.
        first.close()
        self.wait_until(lambda: self.node.getconnectioncount() == 1)
        third = self.add_peer(self.node)
        third.sync_with_ping()
        self.assert_counts(2)
        self.assertEqual(self.node.listbanned(), [])


class NoInboundSlots(MaxConnBase):
    defer_start = True

    def test_no_slots(self):
        for n in (0, OUTBOUND_SLOTS):
            with self.subTest(maxconnections=n):
                self.node.start([f'-maxconnections={n}'])
                self.node.wait_for_rpc()
                self.assert_refused()
                self.assert_counts(0)
                self.node.stop()


class Eviction(MaxConnBase):
    defer_start = True
    MAX_CONNECTIONS = 36                          # 25 inbound slots

    def setUp(self):
        super().setUp()
        self.noban_port = test_framework.free_port()
        self.node.start([f'-maxconnections={self.MAX_CONNECTIONS}',
                         f'-whitebind=noban@127.0.0.1:{self.noban_port}'])
        self.node.wait_for_rpc()

    def test_evicts_one_unprotected_peer(self):
        slots = self.MAX_CONNECTIONS - OUTBOUND_SLOTS
        noban = [self.add_peer(self.node, port=self.noban_port) for _ in range(4)]
        for conn in noban:
            self.assertIn('noban', self.peer_info(self.node, conn)['permissions'])
        # Peers that brought a new block are protected.
        block_peers = []
        for _ in range(4):
            conn = self.add_peer(self.node)
            block = bt.build_on_tip(self.node)
            conn.send('block', p2p.block_payload(block))
            conn.sync_with_ping()
            self.assertEqual(self.node.getbestblockhash(), block.hash)
            block_peers.append(conn)
        plain = [self.add_peer(self.node) for _ in range(slots - 8)]
        everyone = noban + block_peers + plain
        self.assert_counts(slots)
        for conn in everyone:
            conn.sync_with_ping()

        for round_ in range(2):
            newcomer = self.add_peer(self.node)          # the handshake succeeds
            self.wait_until(lambda: sum(not c.is_connected() for c in everyone) == round_ + 1)
            self.wait_until(lambda: self.node.getconnectioncount() == slots)
            evicted = [c for c in everyone if not c.is_connected()]
            for conn in evicted:
                self.assertIn(conn, plain)
            newcomer.sync_with_ping()
            self.assertIsNotNone(self.peer_info(self.node, newcomer))
            everyone.append(newcomer)
            plain.append(newcomer)
        self.assert_counts(slots)
        self.assertEqual(self.node.listbanned(), [])


class Permissions(MaxConnBase):
    defer_start = True

    def start_with(self, *args):
        self.node.start(list(args))
        self.node.wait_for_rpc()

    def test_whitelist_permissions(self):
        cases = [
            ('-whitelist=127.0.0.1', ['noban', 'relay', 'mempool', 'download']),
            ('-whitelist=noban@127.0.0.1', ['noban', 'download']),
            ('-whitelist=relay,mempool@127.0.0.1', ['relay', 'mempool']),
            ('-whitelist=all@127.0.0.1',
             ['bloomfilter', 'noban', 'forcerelay', 'relay', 'mempool', 'download', 'addr']),
            ('-whitelist=noban@10.0.0.0/8', []),
        ]
        for arg, expected in cases:
            with self.subTest(arg=arg):
                self.start_with(arg)
                conn = self.add_peer(self.node)
                self.assertEqual(self.peer_info(self.node, conn)['permissions'], expected)
                conn.close()
                self.node.stop()

    def test_whitebind_and_whitelist_combine(self):
        port = test_framework.free_port()
        self.start_with(f'-whitebind=relay,mempool@127.0.0.1:{port}', '-whitelist=addr@127.0.0.1')
        bound = self.add_peer(self.node, port=port)
        plain = self.add_peer(self.node)
        info = self.peer_info(self.node, bound)
        self.assertEqual(info['addrbind'], f'127.0.0.1:{port}')
        self.assertEqual(info['permissions'], ['relay', 'mempool', 'addr'])
        info = self.peer_info(self.node, plain)
        self.assertEqual(info['addrbind'], f'127.0.0.1:{self.node.p2p_port}')
        self.assertEqual(info['permissions'], ['addr'])
        self.assert_counts(2)

    def test_noban_peer_not_punished(self):
        self.start_with('-whitelist=noban@127.0.0.1')
        conn = self.add_peer(self.node)
        items = [(p2p.MSG_TX, bytes(31) + b'\x01')] * (p2p.MAX_INV_SIZE + 1)
        conn.send('inv', p2p.inv_payload(items))       # misbehaving
        conn.send('mempool')                           # no bloom filters offered
        conn.sync_with_ping()
        self.assertTrue(conn.is_connected())
        self.assertEqual(self.node.listbanned(), [])

    def test_unknown_permission_refused(self):
        self.node.start(['-whitelist=foo@127.0.0.1'])
        self.assertEqual(self.node.wait_for_exit(), 1)
        self.assertIn("Invalid P2P permission: 'foo'", self.node.stderr_text())


if __name__ == '__main__':
    test_framework.main()
