#!/usr/bin/env python3
"""kill -9 while mining: a long run of blocks with transactions (300 after the
funding blocks) is cut by SIGKILL at random moments (after a random number of
acknowledged transactions and blocks, so the kill lands anywhere: between
RPCs, in a sendrawtransaction, in a generatetoaddress). Each time the node
must come back by itself with every block an RPC acknowledged still in its
active chain (tip >= the last acknowledged one), with the UTXO set of a node
that received the same blocks and was restarted cleanly (gettxoutsetinfo:
hash_serialized_3, txouts, total_amount, ...), and keep working. At the end
the UTXO set must also equal the one Python rebuilds from the blocks.

The moments come from a random seed printed on stderr; set UMK_TEST_SEED to
replay one.

Usage: feature_crash.py --node PATH/TO/umkoin-node
"""
import os
import random
import sys
import threading
import time

import blocktools as bt
import test_framework

UTXO_FIELDS = ('height', 'bestblock', 'txouts', 'bogosize', 'hash_serialized_3', 'total_amount', 'transactions')
RUN_BLOCKS = 300
KILLS = 3
TXS_PER_BLOCK = 3
RESTART_TIMEOUT = 300


class Miner(threading.Thread):
    """Sends TXS_PER_BLOCK transactions, mines a block, repeats; records what
    each RPC acknowledged. Ends at `blocks` blocks, on stop(), or at the
    first failed RPC (the node was killed)."""

    def __init__(self, node, wallet, blocks):
        super().__init__(daemon=True)
        self.node, self.wallet, self.blocks = node, wallet, blocks
        self.events = []          # ('tx', txid) or ('block', hash), in acknowledgement order
        self.acked_blocks = []
        self.error = None
        self._stop_event = threading.Event()

    def stop(self):
        self._stop_event.set()

    def run(self):
        try:
            while not self._stop_event.is_set() and len(self.acked_blocks) < self.blocks:
                for _ in range(TXS_PER_BLOCK):
                    sent = self.wallet.send_self_transfer()
                    self.events.append(('tx', sent['txid']))
                block_hash = self.node.generatetoaddress(1, self.wallet.address)[0]
                self.acked_blocks.append(block_hash)
                self.events.append(('block', block_hash))
                height = self.node.getblockheader(block_hash)['height']
                self.wallet.scan_block(bt.get_block(self.node, block_hash), height)
        except Exception as e:     # expected once the node is killed
            self.error = e


class Crash(test_framework.TestCase):
    num_nodes = 2
    # Mempools are not kept across restarts: after a kill the wallet is
    # rebuilt from the chain alone.
    extra_args = [['-persistmempool=0'], ['-persistmempool=0']]

    def utxo_info(self, node):
        info = node.gettxoutsetinfo()
        return {k: info[k] for k in UTXO_FIELDS}

    def restart(self, node, extra_args=None):
        node.start(extra_args)
        node.wait_for_rpc(timeout=RESTART_TIMEOUT)

    def check_acknowledged(self, node, start_height, acked):
        """Every block generatetoaddress returned (mined one after the other
        from start_height) is in the active chain, so the tip is at least
        the last of them."""
        count = node.getblockcount()
        lost = [(height, h) for height, h in enumerate(acked, start_height + 1)
                if height > count or node.getblockhash(height) != h]
        self.assertEqual(lost, [], f'acknowledged blocks lost by kill -9 (tip now at height {node.getblockcount()})')
        self.assertGreaterEqual(node.getblockcount(), start_height + len(acked))

    def check_against_clean_restart(self, node, ref):
        """ref takes node's blocks by RPC and restarts cleanly; the UTXO sets
        must agree."""
        results = bt.sync_blocks(node, ref)
        self.assertTrue(all(r is None for r in results), results)
        ref.stop()
        self.restart(ref)
        self.assertEqual(ref.getbestblockhash(), node.getbestblockhash())
        self.assertEqual(self.utxo_info(node), self.utxo_info(ref))

    def test_kill_while_mining(self):
        node, ref = self.nodes
        seed = int(os.environ.get('UMK_TEST_SEED', time.time_ns() % 2 ** 32))
        print(f'\n{self.id()}: UMK_TEST_SEED={seed}', file=sys.stderr)
        rng = random.Random(seed)

        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(105)
        per_block = TXS_PER_BLOCK + 1         # events per block: its transactions, then the block
        # Each round ends with a kill after a random number of events: some
        # whole blocks, then 0..3 more events (0: right after a block was
        # acknowledged; one round always does that).
        right_after_block = rng.randrange(KILLS)
        mined = 0
        for round_no in range(KILLS):
            blocks = rng.randrange(10, 2 * RUN_BLOCKS // (KILLS + 1) - 10)
            target = blocks * per_block + (0 if round_no == right_after_block else rng.randrange(per_block))
            start_height = node.getblockcount()
            miner = Miner(node, wallet, RUN_BLOCKS)
            miner.start()
            self.wait_until(lambda: len(miner.events) >= target or not miner.is_alive(), timeout=600,
                            interval=0.002, message=f'the miner did not reach {target} events')
            node.kill()
            miner.stop()
            miner.join(timeout=120)
            self.assertFalse(miner.is_alive(), 'the miner did not stop after the kill')
            if len(miner.events) < target:
                raise AssertionError(f'the miner failed before the kill: {miner.error!r}')
            mined += len(miner.acked_blocks)
            print(f'round {round_no}: killed after {len(miner.events)} events ({len(miner.acked_blocks)} blocks)',
                  file=sys.stderr)

            self.restart(node)
            self.check_acknowledged(node, start_height, miner.acked_blocks)
            self.check_against_clean_restart(node, ref)
            # It keeps working (the next round mines on): the wallet is
            # rebuilt from the chain.
            wallet.rescan()

        # The rest of the run, without a kill.
        miner = Miner(node, wallet, max(0, RUN_BLOCKS - mined))
        miner.run()
        self.assertIsNone(miner.error)
        self.assertGreaterEqual(len(miner.acked_blocks) + mined, RUN_BLOCKS)
        self.check_against_clean_restart(node, ref)
        ref_stats = bt.node_utxo_reference(node).stats()
        self.assertEqual(self.utxo_info(node), {k: ref_stats[k] for k in UTXO_FIELDS})
        # A clean stop and start of the crashed node changes nothing.
        before = self.utxo_info(node)
        node.stop()
        self.restart(node)
        self.assertEqual(self.utxo_info(node), before)


if __name__ == '__main__':
    test_framework.main()
