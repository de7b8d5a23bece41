#!/usr/bin/env python3
"""-reindex, -reindex-chainstate and -loadblock rebuild the same chain: the
same tip, chain tips (a stale block stays "valid-headers") and UTXO set
(gettxoutsetinfo, also as Python rebuilds it from the blocks), with undo data
good enough to disconnect blocks afterwards.

Usage: feature_reindex.py --node PATH/TO/umkoin-node
"""
import os
import shutil
import time

import blocktools as bt
import test_framework

UTXO_FIELDS = ('height', 'bestblock', 'txouts', 'bogosize', 'hash_serialized_3', 'total_amount', 'transactions')
REINDEX_TIMEOUT = 300
STALL_TIMEOUT = 60      # fail sooner when the height stops moving


class Reindex(test_framework.TestCase):
    num_nodes = 2
    # node0's block files are written without obfuscation so a copy of one can
    # be given to -loadblock (which, as in Core, reads plain files).
    extra_args = [['-persistmempool=0', '-blocksxor=0'], ['-persistmempool=0']]
    defer_start = True             # node1 starts empty, with -loadblock, later

    def setUp(self):
        super().setUp()
        self.nodes[0].start()
        self.nodes[0].wait_for_rpc()

    def state(self, node):
        info = node.gettxoutsetinfo()
        return {'tip': node.getbestblockhash(), 'count': node.getblockcount(),
                'tips': sorted(node.getchaintips(), key=lambda t: (-t['height'], t['hash'])),
                'utxo': {k: info[k] for k in UTXO_FIELDS}}

    def start_and_wait(self, node, args, tip):
        node.start(args)
        node.wait_for_rpc(timeout=REINDEX_TIMEOUT)
        progress = {'count': -1, 'since': time.monotonic()}

        def reached():
            if node.getbestblockhash() == tip:
                return True
            count, now = node.getblockcount(), time.monotonic()
            if count != progress['count']:
                progress.update(count=count, since=now)
            elif now - progress['since'] > STALL_TIMEOUT:
                raise AssertionError(f'{node.name} stuck at height {count} for {STALL_TIMEOUT}s with {args}')
            return False
        self.wait_until(reached, timeout=REINDEX_TIMEOUT, interval=0.1,
                        message=f'{node.name} did not reach {tip} with {args}')

    def test_reindex(self):
        node, fresh = self.nodes
        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(105)
        # 50 blocks with transactions, some chained in the mempool.
        for i in range(50):
            for _ in range(3):
                wallet.send_self_transfer()
            if i % 5 == 0:
                wallet.send_self_transfer(utxo=wallet.utxos[-1])
            wallet.generate(1)
        # A stale block, never connected (a block once connected and then
        # left by a reorg would be "valid-fork" before and "valid-headers"
        # after a reindex, so there is none).
        tip = node.getbestblockhash()
        parent = node.getblockheader(tip)['previousblockhash']
        stale = bt.create_block(parent, node.getblockcount(), time=bt.next_block_time(node, parent),
                                script_pubkey=bt.BARE_OP_TRUE)
        self.assertEqual(node.submitblock(stale.hex()), 'inconclusive')
        wallet.generate(1)
        want = self.state(node)
        self.assertIn({'height': want['count'] - 1, 'hash': stale.hash, 'branchlen': 1, 'status': 'valid-headers'},
                      want['tips'])
        ref = bt.node_utxo_reference(node).stats()
        self.assertEqual(want['utxo'], {k: ref[k] for k in UTXO_FIELDS})

        for args in (['-reindex'], ['-reindex-chainstate'], []):
            with self.subTest(args=args):
                node.stop()
                self.start_and_wait(node, args + ['-persistmempool=0'], want['tip'])
                self.assertEqual(self.state(node), want)

        # A reindexed node can still disconnect blocks (its undo data is
        # right) and connect them again. (Invalidating the parent of the
        # stale block invalidates that too; reconsidering restores both.)
        node.stop()
        self.start_and_wait(node, ['-reindex', '-persistmempool=0'], want['tip'])
        deep = node.getblockhash(want['count'] - 2)
        self.assertIsNone(node.invalidateblock(deep))
        self.assertEqual(node.getblockcount(), want['count'] - 3)
        ref3 = bt.node_utxo_reference(node).stats()
        info = node.gettxoutsetinfo()
        self.assertEqual({k: info[k] for k in UTXO_FIELDS}, {k: ref3[k] for k in UTXO_FIELDS})
        self.assertIsNone(node.reconsiderblock(deep))
        self.assertEqual(self.state(node), want)
        # ... and mine on.
        wallet.rescan()
        wallet.send_self_transfer()
        wallet.generate(1)
        want = self.state(node)

        # -loadblock: a copy of the block file into an empty datadir. The
        # stale block is in the file too.
        node.stop()
        copy = os.path.join(self.tmpdir, 'copy-blk00000.dat')
        shutil.copyfile(os.path.join(node.chaindir, 'blocks', 'blk00000.dat'), copy)
        self.start_and_wait(fresh, ['-loadblock=' + copy, '-persistmempool=0'], want['tip'])
        self.assertEqual(self.state(fresh), want)
        # It stored the blocks itself: a restart, and a reindex of its own files.
        fresh.stop()
        self.start_and_wait(fresh, ['-persistmempool=0'], want['tip'])
        self.assertEqual(self.state(fresh), want)
        fresh.stop()
        self.start_and_wait(fresh, ['-reindex', '-persistmempool=0'], want['tip'])
        self.assertEqual(self.state(fresh), want)


if __name__ == '__main__':
    test_framework.main()
