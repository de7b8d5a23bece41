#!/usr/bin/env python3
"""Transaction relay between nodes over P2P, as Umkoin Core v31.0 does it:
transactions sent to one end of a line of three nodes reach every mempool
(and lose their unbroadcast mark once a peer fetched them); a parent with its
child and grandchild arrives whole, with the same dependencies; transactions
a node accepted while it had no peers reach the others after reconnecting
when a descendant announced later makes the receivers fetch its missing
ancestors (orphan resolution); a node whose -minrelaytxfee is above a
transaction's fee rate announces that in feefilter and is not sent the
transaction, while cheaper peers are; a -blocksonly node asks for no
transactions and gets none (but relays its own); and once a block confirms
them all the mempools converge, empty. Waits for relay move the nodes' mock
clocks along (see wait_relay).

Usage: p2p_tx_relay.py --node PATH/TO/umkoin-node
"""
import decimal
import time

import blocktools as bt
import test_framework

D = decimal.Decimal
HIGH_MIN_RELAY = D('0.0005')         # UMK/kvB: 50,000 sat/kvB


class RelayTestCase(test_framework.TestCase):
    num_nodes = 3

    def setUp(self):
        super().setUp()
        self.wallet = bt.AnyoneCanSpend(self.nodes[0])
        self.clock = None            # the nodes' mock time, once wait_relay set it

    def wait_relay(self, predicate, timeout=60):
        """wait_until that moves the nodes' clocks (setmocktime) one second
        on per poll. Core announces transactions on a random timer (2 s to
        outbound, 5 s to inbound peers on average) and requests them from
        inbound peers 2 s late, all on the mockable clock: this makes relay
        take a fraction of a second. A node that ignores mock time for this
        just relays at its own pace, and one without setmocktime is waited
        for on the real clock. Once set, the mock time is kept (and only
        ever moved forward) for the rest of the test, so no timer a node set
        from it lies in the future of the real clock afterwards."""
        def step():
            if self.clock is not False:
                clock = max(self.clock or 0, int(time.time())) + 1
                try:
                    for n in self.nodes:
                        n.setmocktime(clock)
                except test_framework.RPCError as e:
                    # Method not found, on the first call: real time only.
                    if e.code != -32601 or self.clock is not None:
                        raise
                    clock = False
                self.clock = clock
            return predicate()
        return self.wait_until(step, timeout)

    def relay_sync(self, nodes=None, timeout=60):
        """sync_mempools under wait_relay; returns the common mempool."""
        nodes = nodes or self.nodes

        def same():
            pools = [self.mempool(n) for n in nodes]
            return [pools[0]] if all(p == pools[0] for p in pools) else None
        return self.wait_relay(same, timeout)[0]

    def mempool(self, node):
        return set(node.getrawmempool())

    def spend_of(self, sent, fee=1000):
        """A self-transfer spending output 0 of sent (from wallet.send*)."""
        tx = sent['tx']
        return self.wallet.create_self_transfer(utxo=bt.Utxo(tx.txid, 0, tx.vout[0].value), fee=fee)

    def start_chain(self, blocks=110):
        """Mines blocks on node 0 and syncs them to all nodes (connected by
        the caller); nodes then are out of initial block download."""
        self.wallet.generate(blocks)
        self.sync_blocks()
        for n in self.nodes:
            self.assertIs(n.getblockchaininfo()['initialblockdownload'], False)


class LineRelay(RelayTestCase):
    def connect_line(self):
        self.connect_nodes(0, 1)
        self.connect_nodes(1, 2)

    def test_relay_along_line(self):
        n0, n1, n2 = self.nodes
        self.connect_line()
        self.start_chain()
        w = self.wallet

        # One transaction sent to node 0 reaches both others.
        first = w.send_self_transfer(node=n0)
        self.assertEqual(self.relay_sync(), {first['txid']})
        for n in self.nodes:
            self.assertEqual(n.getmempoolentry(first['txid'])['wtxid'], first['wtxid'])
            self.assertEqual(n.getrawtransaction(first['txid']), first['hex'])
        # Node 2 got it from node 1, its only peer, which counts it as a
        # valid transaction received.
        [p21] = n2.getpeerinfo()
        self.assertGreater(p21['last_transaction'], 0)
        self.assertGreater(p21['bytesrecv_per_msg'].get('tx', 0), first['tx'].total_size())
        # Node 0 submitted it itself: unbroadcast until a peer fetched it.
        self.wait_relay(lambda: n0.getmempoolinfo()['unbroadcastcount'] == 0)
        self.assertIs(n0.getmempoolentry(first['txid'])['unbroadcast'], False)

        # The other way: sent to node 2, it reaches node 0.
        back = w.send_self_transfer(node=n2)
        self.assertEqual(self.relay_sync([n2, n1, n0]), {first['txid'], back['txid']})

        # A parent, its child and grandchild, sent one after the other.
        parent = w.send_self_transfer(node=n0)
        child = w.send(self.spend_of(parent), n0)
        grandchild = w.send(self.spend_of(child), n0)
        family = [parent['txid'], child['txid'], grandchild['txid']]
        self.assertEqual(self.relay_sync(), {first['txid'], back['txid'], *family})
        for n in self.nodes:
            self.assertEqual(n.getmempoolentry(child['txid'])['depends'], [parent['txid']])
            self.assertEqual(n.getmempoolentry(grandchild['txid'])['depends'], [child['txid']])
            e = n.getmempoolentry(grandchild['txid'])
            self.assertEqual((e['ancestorcount'], e['descendantcount']), (3, 1))
            self.assertEqual(n.getmempoolentry(parent['txid'])['descendantcount'], 3)

        # A block with all of them: every mempool is empty again.
        [block] = w.generate(1)
        self.assertEqual(self.sync_blocks(), block)
        self.assertEqual(self.sync_mempools(), set())
        self.assertEqual(sorted(n2.getblock(block)['tx'][1:]),
                         sorted([first['txid'], back['txid'], *family]))
        for n in self.nodes:
            self.assertEqual(n.getmempoolinfo()['size'], 0)

    def test_missing_parents_fetched_after_reconnect(self):
        n0, n1, n2 = self.nodes
        self.connect_line()
        self.start_chain()
        w = self.wallet

        # Node 0 cut off: it accepts a parent and its child on its own.
        self.assertEqual(self.disconnect_nodes(0, 1), 1)
        self.assertEqual(n0.getconnectioncount(), 0)
        parent = w.send_self_transfer(node=n0)
        child = w.send(self.spend_of(parent), n0)
        self.assertEqual(self.mempool(n0), {parent['txid'], child['txid']})
        self.assertEqual(self.mempool(n1), set())
        # The child alone is refused by a node that lacks the parent.
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', n1.sendrawtransaction, child['hex'])
        self.assertEqual(self.mempool(n1), set())

        # Reconnected, node 0 announces what it gets from now on: a
        # grandchild. Its receivers lack its inputs, keep it as an orphan,
        # and fetch the missing ancestors from the peer that announced it,
        # one generation after the other.
        self.connect_nodes(0, 1)
        grandchild = w.send(self.spend_of(child), n0)
        family = {parent['txid'], child['txid'], grandchild['txid']}
        self.assertEqual(self.relay_sync(), family)
        for n in (n1, n2):
            self.assertEqual(n.getmempoolentry(grandchild['txid'])['ancestorcount'], 3)
            self.assertEqual(n.getmempoolentry(child['txid'])['depends'], [parent['txid']])

        [block] = w.generate(1)
        self.sync_blocks()
        self.assertEqual(self.sync_mempools(), set())
        self.assertEqual(set(n2.getblock(block)['tx'][1:]), family)


class FeeFilter(RelayTestCase):
    # Node 2 wants nothing below 0.0005 UMK/kvB.
    extra_args = [[], [], [f'-minrelaytxfee={HIGH_MIN_RELAY}']]

    def test_feefilter(self):
        n0, n1, n2 = self.nodes
        # Node 0 in the middle: both others dial it.
        self.connect_nodes(1, 0)
        self.connect_nodes(2, 0)
        self.start_chain()
        w = self.wallet
        self.assertEqual(n2.getnetworkinfo()['relayfee'], HIGH_MIN_RELAY)
        self.assertEqual(n2.getmempoolinfo()['minrelaytxfee'], HIGH_MIN_RELAY)

        # Out of initial block download, each node tells its peers its
        # minimum fee rate (rounded down a little, to blur it); node 0 keeps
        # what each peer sent.
        def filters():
            peers = {p['addr']: p for p in n0.getpeerinfo()}
            return {i: peers[pa['addrbind']]['minfeefilter']
                    for i, n in ((1, n1), (2, n2))
                    for pa in n.getpeerinfo() if pa['addrbind'] in peers}

        self.wait_until(lambda: D('0.0004') <= filters().get(2, 0) <= HIGH_MIN_RELAY)
        self.assertLess(filters()[1], D('0.0001'))
        self.assertGreater(filters()[1], 0)

        # A cheap transaction (about 0.0001 UMK/kvB), then a dear one.
        cheap = w.send_self_transfer(node=n0, fee=1000)
        dear = w.send_self_transfer(node=n0, fee=10_000)
        self.assertLess(D(1000 * 1000) / cheap['tx'].vsize(), HIGH_MIN_RELAY * bt.COIN)
        self.assertGreater(D(10_000 * 1000) / dear['tx'].vsize(), HIGH_MIN_RELAY * bt.COIN)
        # Node 1 gets both; node 2 the dear one only, and not because it
        # refused the cheap one: it was never sent it (one tx message).
        self.wait_relay(lambda: self.mempool(n1) == {cheap['txid'], dear['txid']})
        self.wait_relay(lambda: dear['txid'] in self.mempool(n2))
        self.assertEqual(self.mempool(n2), {dear['txid']})
        [p20] = n2.getpeerinfo()
        got = p20['bytesrecv_per_msg'].get('tx', 0)
        self.assertGreaterEqual(got, dear['tx'].total_size())
        self.assertLess(got, dear['tx'].total_size() + cheap['tx'].total_size())
        # Node 2 itself would refuse it, too.
        self.assert_rpc_error(-26, 'min relay fee not met', n2.sendrawtransaction, cheap['hex'])

        # Mined, both leave every mempool.
        w.generate(1)
        self.sync_blocks()
        self.assertEqual(self.sync_mempools(), set())


class BlocksOnlyRelay(RelayTestCase):
    extra_args = [[], [], ['-blocksonly']]

    def test_blocksonly_gets_no_transactions(self):
        n0, n1, bo = self.nodes
        self.connect_nodes(0, 1)
        _, pbo = self.connect_nodes(bo, 0)
        self.assertIs(pbo['relaytxes'], False)       # node 0 sends it no transactions
        self.assertIs(bo.getnetworkinfo()['localrelay'], False)
        self.start_chain()
        w = self.wallet

        sent = w.send_self_transfer(node=n0)
        self.wait_relay(lambda: sent['txid'] in self.mempool(n1))
        self.assertEqual(self.mempool(bo), set())
        # Nothing about it reached the blocks-only node (no tx, no tx inv),
        # and it is still connected.
        [p] = bo.getpeerinfo()
        self.assertNotIn('tx', p['bytesrecv_per_msg'])
        self.assertEqual(p['last_transaction'], 0)

        # Its own transactions (RPC) it still accepts and relays.
        own = w.send_self_transfer(node=bo)
        self.assertEqual(self.mempool(bo), {own['txid']})
        self.wait_relay(lambda: own['txid'] in self.mempool(n1))
        self.assertEqual(self.relay_sync([n0, n1]), {sent['txid'], own['txid']})
        self.assertEqual(self.mempool(bo), {own['txid']})

        # A block confirms both: the blocks-only node takes it whole.
        [block] = w.generate(1)
        self.assertEqual(self.sync_blocks(), block)
        self.assertEqual(self.sync_mempools(), set())
        self.assertEqual(set(bo.getblock(block)['tx'][1:]), {sent['txid'], own['txid']})
        self.assertEqual(bo.getpeerinfo()[0]['addr'], test_framework.p2p_address(n0))


if __name__ == '__main__':
    test_framework.main()
