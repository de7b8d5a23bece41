#!/usr/bin/env python3
"""Pruning block files: -prune=1 (manual) with -fastprune's 64 KiB files, so
a few hundred regtest blocks fill several files. pruneblockchain removes the
files whose blocks are all below the height (keeping the last 288 blocks),
pruned blocks answer Core's error while their headers stay known, and all of
it survives a restart. -prune with -txindex is refused.

Usage: feature_pruning.py --node PATH/TO/umkoin-node
"""
import os

import test_framework

ADDRESS = 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9'   # a key_io vector: nobody's coins
MIN_BLOCKS_TO_KEEP = 288


class Pruning(test_framework.TestCase):
    extra_args = [['-prune=1', '-fastprune']]

    def blk_files(self, node):
        blocks = os.path.join(node.chaindir, 'blocks')
        return sorted(f for f in os.listdir(blocks) if f.startswith('blk'))

    def test_manual_prune(self):
        node = self.nodes[0]
        info = node.getblockchaininfo()
        self.assertTrue(info['pruned'])
        self.assertFalse(info['automatic_pruning'])
        self.assertEqual(info['pruneheight'], 0)

        # Too short a chain is refused, as in Core.
        self.assert_rpc_error(-1, 'Blockchain is too short for pruning.', node.pruneblockchain, 10)

        node.generatetoaddress(800, ADDRESS)
        files_before = self.blk_files(node)
        self.assertGreater(len(files_before), 3, files_before)
        self.assert_rpc_error(-8, 'Negative block height.', node.pruneblockchain, -1)
        self.assert_rpc_error(-8, 'Blockchain is shorter than the attempted prune height.',
                              node.pruneblockchain, 801)

        # Asked for 700: only up to 800 - 288 may go, and only whole files.
        pruned = node.pruneblockchain(700)
        self.assertGreater(pruned, 0)
        self.assertLessEqual(pruned, 800 - MIN_BLOCKS_TO_KEEP)
        files_after = self.blk_files(node)
        self.assertNotIn('blk00000.dat', files_after)
        self.assertLess(len(files_after), len(files_before))
        self.assertEqual(node.getblockchaininfo()['pruneheight'], pruned + 1)

        # A pruned block: its header is known, its data is gone.
        old = node.getblockhash(1)
        self.assertEqual(node.getblockheader(old)['height'], 1)
        self.assert_rpc_error(-1, 'Block not available (pruned data)', node.getblock, old)
        recent = node.getblockhash(790)
        self.assertEqual(node.getblock(recent)['height'], 790)
        utxo = node.gettxoutsetinfo()
        tip = node.getbestblockhash()

        # A restart keeps it all, and the node goes on mining.
        node.stop()
        node.start()
        node.wait_for_rpc()
        self.assertEqual(node.getbestblockhash(), tip)
        self.assertEqual(node.getblockchaininfo()['pruneheight'], pruned + 1)
        self.assert_rpc_error(-1, 'Block not available (pruned data)', node.getblock, old)
        self.assertEqual(node.gettxoutsetinfo()['hash_serialized_3'], utxo['hash_serialized_3'])
        node.generatetoaddress(5, ADDRESS)
        self.assertEqual(node.getblockcount(), 805)

    def test_prune_and_txindex_refused(self):
        node = self.nodes[0]
        node.stop()
        node.start(['-prune=1', '-fastprune', '-txindex'])
        self.assertEqual(node.wait_for_exit(timeout=60), 1)
        self.assertIn('Prune mode is incompatible with -txindex.', node.stderr_text())


if __name__ == '__main__':
    test_framework.main()
