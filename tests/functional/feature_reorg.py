#!/usr/bin/env python3
"""Forks and reorganisations on two nodes that are not connected (blocks are
copied with getblock(hash, 0) + submitblock): getchaintips statuses
("active", "valid-fork", "valid-headers", "headers-only", "invalid"),
invalidateblock / reconsiderblock / preciousblock, a longer fork taking over,
the transactions of the losing branch back in the mempool (those that do not
conflict), and the UTXO set after it all equal to one rebuilt from the blocks.

Usage: feature_reorg.py --node PATH/TO/umkoin-node
"""
import blocktools as bt
import test_framework

OTHER_ADDRESS = 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9'   # a key_io vector: nobody's coins
UTXO_FIELDS = ('height', 'bestblock', 'txouts', 'bogosize', 'hash_serialized_3', 'total_amount', 'transactions')


def tip_entry(height, block_hash, branchlen, status):
    return {'height': height, 'hash': block_hash, 'branchlen': branchlen, 'status': status}


class Reorg(test_framework.TestCase):
    num_nodes = 2

    def setUp(self):
        super().setUp()
        self.a, self.b = self.nodes
        self.wallet = bt.AnyoneCanSpend(self.a)

    def tips(self, node):
        """getchaintips, checked to be sorted by height (the order of equal
        heights is unspecified), as a list sorted by (-height, hash)."""
        tips = node.getchaintips()
        heights = [t['height'] for t in tips]
        self.assertEqual(heights, sorted(heights, reverse=True))
        return sorted(tips, key=lambda t: (-t['height'], t['hash']))

    def expect_tips(self, node, *entries):
        self.assertEqual(self.tips(node), sorted(entries, key=lambda t: (-t['height'], t['hash'])))

    def mempool(self, node):
        return set(node.getrawmempool())

    def same_utxos(self, x, y):
        sx, sy = x.gettxoutsetinfo(), y.gettxoutsetinfo()
        self.assertEqual({k: sx[k] for k in UTXO_FIELDS}, {k: sy[k] for k in UTXO_FIELDS})

    def test_reorgs(self):
        a, b, w = self.a, self.b, self.wallet
        w.generate(110)
        self.assertEqual(bt.sync_blocks(a, b), [None] * 110)
        self.assertEqual(b.getbestblockhash(), a.getbestblockhash())
        base = a.getbestblockhash()
        self.expect_tips(b, tip_entry(110, base, 0, 'active'))

        # A mines a1 with tx1 (spends coin X), its child tx2, and tx4; tx3
        # waits in A's mempool.
        tx1 = w.send_self_transfer()
        tx2 = w.send_self_transfer(utxo=w.utxos[-1])
        self.assertEqual(tx2['tx'].vin[0].prevout.txid, tx1['txid'])
        tx4 = w.send_self_transfer()
        a1 = w.generate(1)[0]
        self.assertEqual(set(a.getblock(a1)['tx'][1:]), {tx1['txid'], tx2['txid'], tx4['txid']})
        tx3 = w.send_self_transfer()
        self.assertEqual(self.mempool(a), {tx3['txid']})

        # B mines b1 with txc, which spends X too, then b2.
        txc = w.create_self_transfer(utxo=tx1['spent'], fee=2000)
        self.assertEqual(b.sendrawtransaction(txc.hex()), txc.txid)
        b1 = b.generatetoaddress(1, OTHER_ADDRESS)[0]
        self.assertEqual(b.getblock(b1)['tx'][1:], [txc.txid])
        b2 = b.generatetoaddress(1, OTHER_ADDRESS)[0]

        # Equal work: A keeps its tip; b1 is stored, never connected.
        self.assertEqual(a.submitblock(b.getblock(b1, 0)), 'inconclusive')
        self.assertEqual(a.getbestblockhash(), a1)
        self.expect_tips(a, tip_entry(111, a1, 0, 'active'), tip_entry(111, b1, 1, 'valid-headers'))
        self.assertEqual(a.getblockheader(b1)['confirmations'], -1)
        self.assertEqual(a.getblock(b1, 0), b.getblock(b1, 0))

        # More work: A switches to B's branch. tx1 conflicts with txc and
        # tx2 spends tx1: both are gone; tx4 is back in the mempool.
        self.assertIsNone(a.submitblock(b.getblock(b2, 0)))
        self.assertEqual(a.getbestblockhash(), b2)
        self.expect_tips(a, tip_entry(112, b2, 0, 'active'), tip_entry(111, a1, 1, 'valid-fork'))
        self.assertEqual(self.mempool(a), {tx3['txid'], tx4['txid']})
        self.assertEqual(a.getblockheader(a1)['confirmations'], -1)
        self.same_utxos(a, b)

        # invalidateblock b1: back to a1 (b2 falls with it).
        self.assertIsNone(a.invalidateblock(b1))
        self.assertEqual(a.getbestblockhash(), a1)
        self.expect_tips(a, tip_entry(111, a1, 0, 'active'), tip_entry(112, b2, 2, 'invalid'))
        self.assertEqual(self.mempool(a), {tx3['txid']})
        # reconsiderblock b1: B's branch again.
        self.assertIsNone(a.reconsiderblock(b1))
        self.assertEqual(a.getbestblockhash(), b2)
        self.expect_tips(a, tip_entry(112, b2, 0, 'active'), tip_entry(111, a1, 1, 'valid-fork'))
        self.assertEqual(self.mempool(a), {tx3['txid'], tx4['txid']})
        for rpc in (a.invalidateblock, a.reconsiderblock, a.preciousblock):
            self.assert_rpc_error(-5, 'Block not found', rpc, bt.hash_to_hex(bt.hash256(b'unknown')))

        # preciousblock between two tips of equal work.
        c2 = bt.create_block(b1, 112, time=bt.next_block_time(a, b1), script_pubkey=bt.BARE_OP_TRUE)
        self.assertEqual(a.submitblock(c2.hex()), 'inconclusive')
        self.assertEqual(a.getbestblockhash(), b2)
        self.expect_tips(a, tip_entry(112, b2, 0, 'active'), tip_entry(112, c2.hash, 1, 'valid-headers'),
                         tip_entry(111, a1, 1, 'valid-fork'))
        self.assertIsNone(a.preciousblock(c2.hash))
        self.assertEqual(a.getbestblockhash(), c2.hash)
        self.expect_tips(a, tip_entry(112, c2.hash, 0, 'active'), tip_entry(112, b2, 1, 'valid-fork'),
                         tip_entry(111, a1, 1, 'valid-fork'))
        self.assertIsNone(a.preciousblock(b2))
        self.assertEqual(a.getbestblockhash(), b2)
        self.assertIsNone(a.preciousblock(b2))                        # already the tip
        self.assertEqual(a.getbestblockhash(), b2)
        self.expect_tips(a, tip_entry(112, b2, 0, 'active'), tip_entry(112, c2.hash, 1, 'valid-fork'),
                         tip_entry(111, a1, 1, 'valid-fork'))
        # preciousblock does not make less work win.
        self.assertIsNone(a.preciousblock(a1))
        self.assertEqual(a.getbestblockhash(), b2)

        # A header without its block.
        d3 = bt.create_block(b2, 113, time=bt.next_block_time(a, b2))
        self.assertIsNone(a.submitheader(d3.header_hex()))
        self.assertEqual(a.getbestblockhash(), b2)
        self.assertIn(tip_entry(113, d3.hash, 1, 'headers-only'), self.tips(a))
        self.assertIsNone(a.submitblock(d3.hex()))
        self.assertEqual(a.getbestblockhash(), d3.hash)

        # B's longer branch takes over (its first new block ties with d3).
        b.generatetoaddress(4, OTHER_ADDRESS)
        b6 = b.getbestblockhash()
        self.assertEqual(bt.sync_blocks(b, a), ['inconclusive', None, None, None])
        self.assertEqual(a.getbestblockhash(), b6)
        self.expect_tips(a, tip_entry(116, b6, 0, 'active'), tip_entry(113, d3.hash, 1, 'valid-fork'),
                         tip_entry(112, c2.hash, 1, 'valid-fork'), tip_entry(111, a1, 1, 'valid-fork'))
        self.expect_tips(b, tip_entry(116, b6, 0, 'active'))
        self.same_utxos(a, b)
        self.assertEqual(self.mempool(a), {tx3['txid'], tx4['txid']})

        # Mining on A from here includes the mempool; B takes A's blocks.
        w.rescan()
        mined = w.generate(1)[0]
        self.assertEqual(set(a.getblock(mined)['tx'][1:]), {tx3['txid'], tx4['txid']})
        self.assertEqual(bt.sync_blocks(a, b), [None])
        self.assertEqual(b.getbestblockhash(), mined)

        # The UTXO set after all that is the one the blocks make.
        ref = bt.node_utxo_reference(a).stats()
        info = a.gettxoutsetinfo()
        self.assertEqual({k: info[k] for k in UTXO_FIELDS}, {k: ref[k] for k in UTXO_FIELDS})
        self.same_utxos(a, b)

    def test_deep_invalidation(self):
        a, w = self.a, self.wallet
        hashes = w.generate(30)
        before = a.gettxoutsetinfo()
        # Invalidating a block deep down leaves the chain below it.
        self.assertIsNone(a.invalidateblock(hashes[9]))
        self.assertEqual(a.getblockcount(), 9)
        self.assertEqual(a.getbestblockhash(), hashes[8])
        self.assertEqual(self.tips(a), [tip_entry(30, hashes[-1], 21, 'invalid'), tip_entry(9, hashes[8], 0, 'active')])
        ref = bt.node_utxo_reference(a).stats()
        info = a.gettxoutsetinfo()
        self.assertEqual({k: info[k] for k in UTXO_FIELDS}, {k: ref[k] for k in UTXO_FIELDS})
        # A new block on it, then the old branch is reconsidered and wins.
        new = a.generatetoaddress(1, OTHER_ADDRESS)[0]
        self.assertEqual(a.getblockcount(), 10)
        self.assertIsNone(a.reconsiderblock(hashes[9]))
        self.assertEqual(a.getbestblockhash(), hashes[-1])
        self.expect_tips(a, tip_entry(30, hashes[-1], 0, 'active'), tip_entry(10, new, 1, 'valid-fork'))
        after = a.gettxoutsetinfo()
        self.assertEqual({k: after[k] for k in UTXO_FIELDS}, {k: before[k] for k in UTXO_FIELDS})
        # Invalidating the tip itself, and a block that is not in the chain.
        self.assertIsNone(a.invalidateblock(hashes[-1]))
        self.assertEqual(a.getbestblockhash(), hashes[-2])
        self.assertIsNone(a.invalidateblock(new))
        self.expect_tips(a, tip_entry(30, hashes[-1], 1, 'invalid'), tip_entry(29, hashes[-2], 0, 'active'),
                         tip_entry(10, new, 1, 'invalid'))
        self.assertIsNone(a.reconsiderblock(hashes[-1]))
        self.assertEqual(a.getbestblockhash(), hashes[-1])
        # The state survives a restart.
        a.stop()
        a.start()
        a.wait_for_rpc()
        self.assertEqual(a.getbestblockhash(), hashes[-1])
        self.expect_tips(a, tip_entry(30, hashes[-1], 0, 'active'), tip_entry(10, new, 1, 'invalid'))

    def test_invalidate_genesis(self):
        # The genesis block cannot be invalidated: Core answers null and changes
        # nothing (it must not try to disconnect it).
        a, w = self.a, self.wallet
        w.generate(3)
        tip = a.getbestblockhash()
        self.assertIsNone(a.invalidateblock(a.getblockhash(0)))
        self.assertEqual(a.getbestblockhash(), tip)
        self.expect_tips(a, tip_entry(3, tip, 0, 'active'))
        w.generate(1)
        self.assertEqual(a.getblockcount(), 4)


if __name__ == '__main__':
    test_framework.main()
