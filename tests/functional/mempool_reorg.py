#!/usr/bin/env python3
"""The mempool across reorganisations, as Umkoin Core v31.0 keeps it (two
nodes that are not connected; blocks move with getblock + submitblock):
transactions of disconnected blocks come back to the mempool, with their
descendants still in it; spends of coinbases that are no longer mature, and
transactions whose lock time (by height or by median time past) is no longer
final, leave it with their descendants; transactions that conflict with the
new chain leave it; after reconsiderblock the confirmed ones leave the
mempool again and the dropped ones do not come back.

Usage: mempool_reorg.py --node PATH/TO/umkoin-node
"""
import time

import blocktools as bt
import test_framework

OTHER_ADDRESS = 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9'   # nobody's coins


class MempoolReorg(test_framework.TestCase):
    num_nodes = 2

    def setUp(self):
        super().setUp()
        self.a, self.b = self.nodes
        self.wallet = bt.AnyoneCanSpend(self.a)

    def coinbase(self, height):
        """The wallet's coinbase UTXO of block `height` (taken from the wallet)."""
        for u in self.wallet.utxos:
            if u.coinbase and u.height == height:
                self.wallet.utxos.remove(u)
                return u
        raise AssertionError(f'no coinbase of height {height} in the wallet')

    def child(self, sent, fee=1000):
        """A self-transfer spending output 0 of sent (a dict from send or a Tx)."""
        tx = sent['tx'] if isinstance(sent, dict) else sent
        return self.wallet.create_self_transfer(utxo=bt.Utxo(tx.txid, 0, tx.vout[0].value), fee=fee)

    def send(self, tx, *nodes):
        for node in nodes or self.nodes:
            self.assertEqual(node.sendrawtransaction(tx.hex()), tx.txid)
        return tx.txid

    def mempool(self, node):
        return set(node.getrawmempool())

    def expect_mempool(self, expected, *nodes):
        for node in nodes or self.nodes:
            self.assertEqual(self.mempool(node), set(expected), node.name)

    def test_invalidate_and_reconsider(self):
        a, b, w = self.a, self.b, self.wallet
        w.generate(110)
        self.assertEqual(bt.sync_blocks(a, b), [None] * 110)

        # Block 111: tx1 and its child tx1c.
        tx1 = w.create_self_transfer(utxo=self.coinbase(1))
        tx1c = self.child(tx1)
        self.send(tx1)
        self.send(tx1c)
        blk111 = w.generate(1)[0]
        self.assertEqual(bt.sync_blocks(a, b), [None])
        # Block 112: s2, a spend of the coinbase of block 12 (mature from
        # block 112 on).
        s2 = w.create_self_transfer(utxo=self.coinbase(12))
        self.send(s2)
        blk112 = w.generate(1)[0]
        self.assertEqual(bt.sync_blocks(a, b), [None])
        self.assertEqual(a.getblock(blk111)['tx'][1:], [tx1.txid, tx1c.txid])
        self.assertEqual(a.getblock(blk112)['tx'][1:], [s2.txid])
        self.expect_mempool([])

        # In the mempool at height 112:
        s1 = w.create_self_transfer(utxo=self.coinbase(13))     # mature from block 113
        s2c = self.child(s2)
        s2cc = self.child(s2c)
        locked = w.create_self_transfer(utxo=self.coinbase(2), locktime=112)   # final from block 113
        self.assertEqual(locked.vin[0].sequence, 0xfffffffd)
        other = w.create_self_transfer(utxo=self.coinbase(3))
        for tx in (s1, s2c, s2cc, locked, other):
            self.send(tx)
        self.expect_mempool([s1.txid, s2c.txid, s2cc.txid, locked.txid, other.txid])
        # Back to 111 on both nodes.
        for node in self.nodes:
            self.assertIsNone(node.invalidateblock(blk112))
            self.assertEqual(node.getblockcount(), 111)
        # s2 is back (still mature for block 112), with its descendants; s1
        # (coinbase 13 is immature for block 112) and locked (lock time 112
        # is not final in block 112) are gone.
        self.expect_mempool([s2.txid, s2c.txid, s2cc.txid, other.txid])
        for node in self.nodes:
            e = node.getmempoolentry(s2.txid)
            self.assertEqual((e['ancestorcount'], e['descendantcount'], e['height']), (1, 3, 111))
            self.assertEqual(node.getmempoolentry(s2cc.txid)['ancestorcount'], 3)
        for tx, reason in ((s1, 'bad-txns-premature-spend-of-coinbase'), (locked, 'non-final')):
            self.assert_rpc_error(-26, reason, a.sendrawtransaction, tx.hex())

        # Down to 110: tx1 and tx1c are back; s2 spends a coinbase that is
        # immature for block 111, so it goes, and its descendants with it.
        for node in self.nodes:
            self.assertIsNone(node.invalidateblock(blk111))
            self.assertEqual(node.getblockcount(), 110)
        self.expect_mempool([tx1.txid, tx1c.txid, other.txid])
        for node in self.nodes:
            self.assertEqual(node.getmempoolentry(tx1c.txid)['depends'], [tx1.txid])
            self.assertEqual(node.getmempoolentry(tx1.txid)['spentby'], [tx1c.txid])
            self.assertEqual(node.getrawtransaction(tx1.txid), tx1.hex())
        self.assertEqual(a.getmempoolinfo()['size'], 3)

        # reconsiderblock: both blocks again; what they confirm leaves the
        # mempool, and what was dropped does not come back.
        for node in self.nodes:
            self.assertIsNone(node.reconsiderblock(blk111))
            self.assertEqual(node.getbestblockhash(), blk112)
        self.expect_mempool([other.txid])
        # The dropped transactions are valid again at height 112.
        for tx in (s1, locked):
            self.assertEqual(a.sendrawtransaction(tx.hex()), tx.txid)
        self.assertEqual(a.sendrawtransaction(s2c.hex()), s2c.txid)
        self.assertEqual(self.mempool(a), {other.txid, s1.txid, locked.txid, s2c.txid})

    def test_reorg_to_fork(self):
        a, b, w = self.a, self.b, self.wallet
        w.generate(110)
        self.assertEqual(bt.sync_blocks(a, b), [None] * 110)
        now = int(time.time())

        # On a: 11 blocks an hour ahead (so the median time past is too), the
        # first confirming tx_a, the second ca.
        tx_a = w.create_self_transfer(utxo=self.coinbase(4))
        five = self.coinbase(5)
        ca = w.create_self_transfer(utxo=five, fee=1000)
        cb = w.create_self_transfer(utxo=five, fee=2000)     # b's spend of the same coin
        prev, fork_a = a.getbestblockhash(), []
        for i in range(11):
            txs = [tx_a] if i == 0 else [ca] if i == 1 else []
            block = bt.create_block(prev, 111 + i, time=now + 3600 + i, txs=txs)
            self.assertIsNone(a.submitblock(block.hex()))
            w.scan_block(block, 111 + i)
            fork_a.append(block.hash)
            prev = block.hash
        mtp = a.getblockheader(prev)['mediantime']
        self.assertEqual(mtp, now + 3605)

        tx_ac = self.child(tx_a)
        ca_c = self.child(ca)
        by_time = w.create_self_transfer(utxo=self.coinbase(6), locktime=now + 1800)
        by_height = w.create_self_transfer(utxo=self.coinbase(7), locktime=121)
        other = w.create_self_transfer(utxo=self.coinbase(8))
        for tx in (tx_ac, ca_c, by_time, by_height, other):
            self.send(tx, a)
        self.expect_mempool([tx_ac.txid, ca_c.txid, by_time.txid, by_height.txid, other.txid], a)
        # b mines cb and 12 more blocks, at the current time: more work.
        self.send(cb, b)
        fork_b = b.generatetoaddress(13, OTHER_ADDRESS)
        self.assertEqual(b.getblock(fork_b[0])['tx'][1:], [cb.txid])
        self.assertLess(b.getblockheader(fork_b[-1])['mediantime'], now + 1800)

        # Up to b's 121' a keeps its branch (first seen wins at equal work).
        self.assertEqual(bt.sync_blocks(b, a), ['inconclusive'] * 11 + [None] * 2)
        self.assertEqual(a.getbestblockhash(), fork_b[-1])
        # tx_a is back under its child; ca conflicts with cb (confirmed now)
        # and goes with its child; by_time is not final under b's median time
        # past; by_height still is at height 124.
        self.expect_mempool([tx_a.txid, tx_ac.txid, by_height.txid, other.txid], a)
        self.assertEqual(a.getmempoolentry(tx_ac.txid)['depends'], [tx_a.txid])
        self.assert_rpc_error(-26, 'non-final', a.sendrawtransaction, by_time.hex())
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', a.sendrawtransaction, ca.hex())

        # Back to a's branch (invalidating b's first block): invalidateblock
        # disconnects b's blocks one by one down to height 110, updating the
        # mempool after each, and at 110 by_height's lock time (121) is not
        # final: it goes. Then a's blocks confirm tx_a and ca again; cb
        # conflicts with ca; by_time is not re-added.
        self.assertIsNone(a.invalidateblock(fork_b[0]))
        self.assertEqual(a.getbestblockhash(), fork_a[-1])
        self.expect_mempool([tx_ac.txid, other.txid], a)
        self.assertEqual(a.getmempoolentry(tx_ac.txid)['depends'], [])
        self.assertEqual(a.sendrawtransaction(by_time.hex()), by_time.txid)
        self.assertEqual(a.sendrawtransaction(ca_c.hex()), ca_c.txid)
        self.assertEqual(a.sendrawtransaction(by_height.hex()), by_height.txid)
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', a.sendrawtransaction, cb.hex())
        # And b's branch once more.
        self.assertIsNone(a.reconsiderblock(fork_b[0]))
        self.assertEqual(a.getbestblockhash(), fork_b[-1])
        # reconsiderblock activates b's branch in one step: the mempool is
        # checked against its tip only.
        self.expect_mempool([tx_a.txid, tx_ac.txid, by_height.txid, other.txid], a)

    def test_deep_invalidate(self):
        """invalidateblock puts back the transactions of the last 10 blocks it
        disconnects only; those of deeper blocks are dropped."""
        a, w = self.a, self.wallet
        w.generate(125)              # coinbases 1..12 stay mature at 126
        txs, blocks = [], []
        for _ in range(12):
            sent = w.send_self_transfer(node=a)
            txs.append(sent['txid'])
            blocks += w.generate(1)
            self.assertEqual(a.getblock(blocks[-1])['tx'][1:], [sent['txid']])
        self.assertIsNone(a.invalidateblock(blocks[0]))
        self.assertEqual(a.getblockcount(), 125)
        # Disconnected first: the block of txs[11]; 11th and 12th: those of
        # txs[1] and txs[0].
        self.expect_mempool(txs[2:], a)
        self.assertIsNone(a.reconsiderblock(blocks[0]))
        self.assertEqual(a.getbestblockhash(), blocks[-1])
        self.expect_mempool([], a)

    def test_deltas_and_entries_after_reorg(self):
        """A mined transaction loses its prioritisetransaction delta and its
        unbroadcast mark; back from a disconnected block it has neither,
        enters at the new height, and its child counts it again."""
        a, w = self.a, self.wallet
        w.generate(105)
        tx = w.send_self_transfer(node=a)
        other = w.send_self_transfer(node=a)
        child = w.send_self_transfer(node=a, utxo=bt.Utxo(tx['txid'], 0, tx['tx'].vout[0].value))
        a.prioritisetransaction(tx['txid'], 0, 777)
        ghost = '11' * 32
        a.prioritisetransaction(ghost, 0, 5)
        self.assertEqual(a.getprioritisedtransactions(),
                         {ghost: {'fee_delta': 5, 'in_mempool': False},
                          tx['txid']: {'fee_delta': 777, 'in_mempool': True, 'modified_fee': 1777}})
        self.assertEqual(a.getmempoolinfo()['unbroadcastcount'], 3)
        block = w.generate(1, node=a)[0]
        self.expect_mempool([], a)
        self.assertEqual(a.getprioritisedtransactions(), {ghost: {'fee_delta': 5, 'in_mempool': False}})
        self.assertEqual(a.getmempoolinfo()['unbroadcastcount'], 0)

        self.assertIsNone(a.invalidateblock(block))
        self.expect_mempool([tx['txid'], other['txid'], child['txid']], a)
        e = a.getmempoolentry(tx['txid'])
        self.assertEqual(e['fees'], {'base': bt.amount(1000), 'modified': bt.amount(1000),
                                     'ancestor': bt.amount(1000), 'descendant': bt.amount(2000),
                                     'chunk': bt.amount(1000)})
        self.assertEqual(e['height'], 105)
        self.assertIs(e['unbroadcast'], False)
        self.assertEqual(a.getmempoolentry(child['txid'])['ancestorcount'], 2)
        self.assertEqual(a.getmempoolinfo()['unbroadcastcount'], 0)
        self.assertEqual(a.getprioritisedtransactions(), {ghost: {'fee_delta': 5, 'in_mempool': False}})
        self.assertIsNone(a.reconsiderblock(block))
        self.expect_mempool([], a)

    def test_switch_to_shorter_fork(self):
        """invalidateblock moves a to a fork with fewer blocks: a coinbase
        spend that needed the lost height is premature there."""
        a, b, w = self.a, self.b, self.wallet
        w.generate(105)
        self.assertEqual(bt.sync_blocks(a, b), [None] * 105)
        base = a.getbestblockhash()
        mine = w.generate(3)                                      # a: 106..108
        spend = w.create_self_transfer(utxo=self.coinbase(9))     # mature from block 109
        self.send(spend, a)
        fork = b.generatetoaddress(2, OTHER_ADDRESS)              # b: 106', 107'
        self.assertEqual(bt.sync_blocks(b, a), ['inconclusive', 'inconclusive'])
        self.assertEqual(a.getbestblockhash(), mine[-1])
        self.expect_mempool([spend.txid], a)

        self.assertIsNone(a.invalidateblock(mine[0]))
        self.assertEqual(a.getbestblockhash(), fork[-1])
        self.assertEqual(a.getblockheader(fork[0])['previousblockhash'], base)
        self.expect_mempool([], a)
        err = self.assert_rpc_error(-26, None, a.sendrawtransaction, spend.hex())
        self.assertEqual(err.message, 'bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth 99')

        # Back to a's longer branch: the spend is valid again but was dropped.
        self.assertIsNone(a.reconsiderblock(mine[0]))
        self.assertEqual(a.getbestblockhash(), mine[-1])
        self.expect_mempool([], a)
        self.assertEqual(a.sendrawtransaction(spend.hex()), spend.txid)


if __name__ == '__main__':
    test_framework.main()
