#!/usr/bin/env python3
"""-assumevalid and -minimumchainwork: a block with a bad script is accepted without its scripts
checked only when the -assumevalid block descends from it and at least two
weeks of proof of work lie on top of it up to the best header, whose work
reaches the minimum chain work; otherwise its
scripts are checked and it is rejected, as in Umkoin Core v31.0.

The chain is built here: 101 blocks, block 102 spending block 1's coinbase
with a witness that does not match its P2WSH program, then 2,100 more blocks.
Headers go first (submitheader), so the node knows the -assumevalid block
when block 102 arrives.

Usage: feature_assumevalid.py --node PATH/TO/umkoin-node
"""
import time

import blocktools as bt
import test_framework

SPACING = 600                       # regtest's target spacing, seconds
TWO_WEEKS_OF_BLOCKS = 14 * 24 * 3600 // SPACING
BAD_HEIGHT = 102
BAD_REASON = 'block-script-verify-flag-failed (Witness program hash mismatch)'


def build_chain(genesis_hash, n_after):
    """Blocks 1..BAD_HEIGHT+n_after; block BAD_HEIGHT holds the bad spend."""
    start = int(time.time()) - (BAD_HEIGHT + n_after + 10) * SPACING
    blocks = []
    prev = genesis_hash
    for height in range(1, BAD_HEIGHT + n_after + 1):
        txs = []
        if height == BAD_HEIGHT:
            coinbase = blocks[0].txs[0]
            # P2WSH(OP_TRUE) spent with OP_2 as the witness script: the
            # program's hash does not match.
            txin = bt.TxIn(bt.OutPoint(coinbase.txid_bytes, 0), b'', 0xfffffffd,
                           witness=[bytes([0x52])])
            txs = [bt.Tx([txin], [bt.TxOut(coinbase.vout[0].value - 1000, bt.P2WSH_OP_TRUE)])]
        block = bt.create_block(prev, height, time=start + height * SPACING, txs=txs,
                                fees=1000 if txs else 0)
        blocks.append(block)
        prev = block.hash
    return blocks


class AssumeValid(test_framework.TestCase):
    num_nodes = 1
    defer_start = True

    def feed(self, node, blocks):
        for b in blocks:
            node.submitheader(b.header_hex())
        return [node.submitblock(b.hex()) for b in blocks]

    def genesis(self):
        node = self.nodes[0]
        node.start()
        node.wait_for_rpc()
        h = node.getblockhash(0)
        node.stop()
        return h

    def test_deep_block_skips_scripts(self):
        blocks = build_chain(self.genesis(), TWO_WEEKS_OF_BLOCKS + 84)
        node = self.nodes[0]
        node.start(['-assumevalid=' + blocks[-1].hash])
        node.wait_for_rpc()
        results = self.feed(node, blocks)
        self.assertEqual(results, [None] * len(blocks))
        self.assertEqual(node.getbestblockhash(), blocks[-1].hash)

    def test_min_chain_work_not_reached(self):
        # Deep enough, but the best header has less work than
        # -minimumchainwork: the assumption is not trusted yet.
        blocks = build_chain(self.genesis(), TWO_WEEKS_OF_BLOCKS + 84)
        node = self.nodes[0]
        node.start(['-assumevalid=' + blocks[-1].hash, '-minimumchainwork=0x1000000'])
        node.wait_for_rpc()
        results = self.feed(node, blocks[:BAD_HEIGHT])
        self.assertEqual(results[BAD_HEIGHT - 1], BAD_REASON)
        self.assertTrue(node.getblockchaininfo()['initialblockdownload'])

    def test_bad_min_chain_work(self):
        node = self.nodes[0]
        node.start(['-minimumchainwork=0xnothex'])
        self.assertEqual(node.wait_for_exit(timeout=60), 1)
        self.assertIn('Invalid minimum work specified (0xnothex), must be up to 64 hex digits',
                      node.stderr_text())

    def test_recent_block_is_checked(self):
        # Only 100 blocks on top: within two weeks, so the scripts are checked
        # even though the -assumevalid block descends from it.
        blocks = build_chain(self.genesis(), 100)
        node = self.nodes[0]
        node.start(['-assumevalid=' + blocks[-1].hash])
        node.wait_for_rpc()
        results = self.feed(node, blocks)
        self.assertEqual(results[:BAD_HEIGHT - 1], [None] * (BAD_HEIGHT - 1))
        self.assertEqual(results[BAD_HEIGHT - 1], BAD_REASON)
        self.assertEqual(node.getblockcount(), BAD_HEIGHT - 1)

    def test_without_assumevalid(self):
        blocks = build_chain(self.genesis(), 10)
        node = self.nodes[0]
        node.start(['-assumevalid=0'])
        node.wait_for_rpc()
        results = self.feed(node, blocks[:BAD_HEIGHT])
        self.assertEqual(results[BAD_HEIGHT - 1], BAD_REASON)
        self.assertEqual(node.getblockcount(), BAD_HEIGHT - 1)


if __name__ == '__main__':
    test_framework.main()
