#!/usr/bin/env python3
"""A chain made by Umkoin Core v31.0 (tests/data/chains/regtest-core-1: 456
blocks, 7,026 transactions of every standard output type, 4 reorganisations)
loaded with -loadblock into an empty datadir must give what Core reported
after doing the same (expected.json): tip, height, getchaintips (the exact
list), gettxoutsetinfo with hash_serialized_3 and with muhash, the chain facts
of getblockchaininfo and getchaintxstats. Then again after -reindex.

Usage: feature_loadblock_core.py --node PATH/TO/umkoin-node
"""
import decimal
import json
import os
import shutil
import time

import test_framework

CHAIN_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'chains', 'regtest-core-1')
LOAD_TIMEOUT = 600
STALL_TIMEOUT = 120     # fail sooner when the height stops moving
UTXO_FIELDS = ('height', 'bestblock', 'txouts', 'bogosize', 'total_amount', 'transactions')
# getblockchaininfo fields that depend on the chain only (not on the clock,
# the disk or the node's own history).
CHAININFO_FIELDS = ('chain', 'blocks', 'headers', 'bestblockhash', 'bits', 'target', 'difficulty', 'time',
                    'mediantime', 'chainwork', 'pruned')
CHAINTXSTATS_FIELDS = ('time', 'txcount', 'window_final_block_hash', 'window_final_block_height',
                       'window_block_count', 'window_interval', 'window_tx_count')


class LoadCoreChain(test_framework.TestCase):
    defer_start = True

    def setUp(self):
        super().setUp()
        with open(os.path.join(CHAIN_DIR, 'expected.json')) as f:
            self.expected = json.load(f, parse_float=decimal.Decimal)

    def wait_for_tip(self, node):
        want = self.expected['tip']
        progress = {'count': -1, 'since': time.monotonic()}

        def reached():
            if not node.running():
                raise AssertionError(f'{node.name} exited while loading blocks:{node.diagnostics()}')
            if node.getbestblockhash() == want:
                return True
            count = node.getblockcount()
            now = time.monotonic()
            if count != progress['count']:
                progress.update(count=count, since=now)
            elif now - progress['since'] > STALL_TIMEOUT:
                raise AssertionError(f'{node.name} stuck at height {count} for {STALL_TIMEOUT}s '
                                     f'(want {self.expected["height"]})')
            return False
        self.wait_until(reached, timeout=LOAD_TIMEOUT, interval=0.2,
                        message=f'{node.name} did not reach {want} (height {self.expected["height"]})')

    def compare(self, node, when):
        exp = self.expected
        with self.subTest(when=when, what='tip'):
            self.assertEqual(node.getbestblockhash(), exp['tip'])
            self.assertEqual(node.getblockcount(), exp['height'])
        with self.subTest(when=when, what='getchaintips'):
            self.assertEqual(node.getchaintips(), exp['getchaintips'])
        with self.subTest(when=when, what='gettxoutsetinfo'):
            got = node.gettxoutsetinfo()
            want = exp['gettxoutsetinfo']
            self.assertEqual({k: got.get(k) for k in UTXO_FIELDS + ('hash_serialized_3',)},
                             {k: want[k] for k in UTXO_FIELDS + ('hash_serialized_3',)})
            self.assertNotIn('muhash', got)
        with self.subTest(when=when, what='gettxoutsetinfo muhash'):
            got = node.gettxoutsetinfo('muhash')
            want = exp['gettxoutsetinfo_muhash']
            self.assertEqual({k: got.get(k) for k in UTXO_FIELDS + ('muhash',)},
                             {k: want[k] for k in UTXO_FIELDS + ('muhash',)})
            self.assertNotIn('hash_serialized_3', got)
        with self.subTest(when=when, what='getblockchaininfo'):
            got = node.getblockchaininfo()
            want = exp['getblockchaininfo']
            self.assertEqual({k: got.get(k) for k in CHAININFO_FIELDS}, {k: want[k] for k in CHAININFO_FIELDS})
        with self.subTest(when=when, what='getchaintxstats'):
            got = node.getchaintxstats()
            want = exp['getchaintxstats']
            self.assertEqual({k: got.get(k) for k in CHAINTXSTATS_FIELDS}, {k: want[k] for k in CHAINTXSTATS_FIELDS})
            self.assertAlmostEqual(float(got['txrate']), float(want['txrate']), places=9)

    def test_loadblock_then_reindex(self):
        node = self.nodes[0]
        # The node reads a copy: the test data stays as it is, whatever the node does.
        copy = os.path.join(self.tmpdir, 'regtest-core-1-blk00000.dat')
        shutil.copyfile(os.path.join(CHAIN_DIR, 'blk00000.dat'), copy)
        node.start(['-loadblock=' + copy])
        node.wait_for_rpc(timeout=LOAD_TIMEOUT)
        self.wait_for_tip(node)
        self.compare(node, '-loadblock')

        node.stop()
        node.start(['-reindex'])
        node.wait_for_rpc(timeout=LOAD_TIMEOUT)
        self.wait_for_tip(node)
        self.compare(node, '-reindex')

        # A plain restart keeps it all.
        node.stop()
        node.start([])
        node.wait_for_rpc(timeout=LOAD_TIMEOUT)
        self.compare(node, 'restart')


if __name__ == '__main__':
    test_framework.main()
