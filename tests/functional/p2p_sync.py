#!/usr/bin/env python3
"""Block sync between nodes over P2P, as Umkoin Core v31.0 does it: four nodes
in a line (0-1-2-3) catch up with 500 blocks mined on node 0 and leave
initial block download; closed into a ring they sync a block mined anywhere;
split in two halves that mine competing branches of different lengths, they
all move to the branch with more work once joined again, and getchaintips on
the losing side shows its old branch as a valid fork; a node that was
stopped catches up after a restart; a -blocksonly node still syncs blocks
(with their transactions) both ways.

Usage: p2p_sync.py --node PATH/TO/umkoin-node
"""
import blocktools as bt
import test_framework

OTHER_ADDRESS = 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9'   # nobody's coins


class SyncTestCase(test_framework.TestCase):
    def links(self, i, j):
        return len(test_framework.node_links(self.nodes[i], self.nodes[j]))

    def peer_counts(self):
        return [n.getconnectioncount() for n in self.nodes]

    def heights(self, nodes=None):
        return [n.getblockcount() for n in (nodes or self.nodes)]

    def mine(self, node, n, address=OTHER_ADDRESS):
        hashes = node.generatetoaddress(n, address)
        self.assertEqual(len(hashes), n)
        return hashes

    def tip_of(self, node, block_hash):
        """node's getchaintips entry for block_hash (None if not a tip)."""
        return next((t for t in node.getchaintips() if t['hash'] == block_hash), None)


class Topologies(SyncTestCase):
    num_nodes = 4

    def test_line_ring_and_reorg(self):
        n0, n1, n2, n3 = self.nodes
        hashes = self.mine(n0, 500)
        self.assertEqual(self.heights(), [500, 0, 0, 0])
        for n in self.nodes[1:]:
            # Only the genesis block, dated 2011: still in initial block download.
            self.assertIs(n.getblockchaininfo()['initialblockdownload'], True)

        # The line 0-1-2-3: each node dials the next one.
        for i in range(3):
            self.connect_nodes(i, i + 1)
        self.assertEqual(self.peer_counts(), [1, 2, 2, 1])
        self.assertEqual([self.links(0, 1), self.links(1, 2), self.links(2, 3), self.links(0, 3)],
                         [1, 1, 1, 0])
        self.assertEqual(self.sync_blocks(timeout=90), hashes[-1])
        for n in self.nodes:
            info = n.getblockchaininfo()
            self.assertEqual((info['blocks'], info['headers'], info['bestblockhash']), (500, 500, hashes[-1]))
            self.assertIs(info['initialblockdownload'], False)
            self.assertEqual(n.getblockhash(250), hashes[249])
            self.assertEqual(n.getchaintips(), [{'height': 500, 'hash': hashes[-1], 'branchlen': 0,
                                                 'status': 'active'}])
        # Each node knows its upstream peer (the one it synced from) to have
        # the whole chain: getpeerinfo's synced_headers / synced_blocks. They
        # are the peer's state, published after the message that moved the
        # tip (synced_blocks in Core when it next looks for blocks to fetch),
        # so wait for them.
        def upstream_synced(i):
            [(up, _)] = test_framework.node_links(self.nodes[i], self.nodes[i - 1])
            return (up['synced_headers'], up['synced_blocks']) == (500, 500)
        for i in range(1, 4):
            self.wait_until(lambda: upstream_synced(i),
                            message=f'node {i} never saw its upstream peer at 500/500')
        # Blocks came by P2P: node 3 got them from node 2, its only peer.
        [p32] = n3.getpeerinfo()
        self.assertGreater(p32['bytesrecv_per_msg'].get('block', 0) +
                           p32['bytesrecv_per_msg'].get('cmpctblock', 0), 500 * 80)
        self.assertGreater(p32['last_block'], 0)

        # The ring: node 3 dials node 0 too; a block mined by node 2 reaches all.
        self.connect_nodes(3, 0)
        self.assertEqual(self.peer_counts(), [2, 2, 2, 2])
        ring = self.mine(n2, 5)
        self.sync_blocks([n2, n0, n1, n3])
        self.assertEqual(self.heights(), [505] * 4)
        self.assertEqual(n0.getbestblockhash(), ring[-1])

        # A partition: {0, 1} and {2, 3}, cut between 1-2 and 3-0.
        self.assertEqual(self.disconnect_nodes(1, 2), 1)
        self.assertEqual(self.disconnect_nodes(3, 0), 1)
        self.assertEqual(self.peer_counts(), [1, 1, 1, 1])
        # Each side mines its own branch: 3 blocks against 5 (more work).
        short = self.mine(n0, 3)
        long = self.mine(n3, 5, bt.P2WSH_OP_TRUE_ADDRESS)
        self.sync_blocks([n0, n1])
        self.sync_blocks([n3, n2])
        self.assertEqual(self.heights(), [508, 508, 510, 510])
        self.assertEqual(n1.getbestblockhash(), short[-1])
        self.assertEqual(n2.getbestblockhash(), long[-1])
        for n in (n0, n1):
            self.assertIsNone(self.tip_of(n, long[-1]))     # nothing crossed the cut

        # Joined again (the line 0-1-2-3): all reorganise to the longer branch.
        self.connect_nodes(1, 2)
        self.assertEqual(self.sync_blocks([n3, n0, n1, n2]), long[-1])
        for n in (n0, n1):
            tips = n.getchaintips()
            self.assertEqual(len(tips), 2, tips)
            self.assertIn({'height': 510, 'hash': long[-1], 'branchlen': 0, 'status': 'active'}, tips)
            # The stale branch had been active here: its blocks are valid,
            # just no longer in the best chain.
            self.assertIn({'height': 508, 'hash': short[-1], 'branchlen': 3, 'status': 'valid-fork'}, tips)
            self.assertEqual(n.getblockheader(short[0])['confirmations'], -1)
            self.assertEqual(n.getblockheader(long[0])['confirmations'], 5)
            self.assertEqual(n.getblockheader(long[0])['previousblockhash'], ring[-1])
        for n in (n2, n3):
            # They never had the short branch's blocks; they may have seen
            # its headers or not, but only as a fork, never active.
            stale = self.tip_of(n, short[-1])
            if stale is not None:
                self.assertEqual(stale['branchlen'], 3)
                self.assertNotEqual(stale['status'], 'active')
            self.assertEqual(n.getblockheader(long[-1])['confirmations'], 1)

        # The losing side mines on the winning branch now; everyone follows.
        more = self.mine(n0, 4)
        self.assertEqual(self.sync_blocks([n0, n1, n2, n3]), more[-1])
        self.assertEqual(self.heights(), [514] * 4)
        for n in self.nodes:
            self.assertEqual(n.getblockhash(506), long[0])
            self.assertEqual(n.getblockheader(more[0])['previousblockhash'], long[-1])

    def test_restart_catches_up(self):
        n0, n1, n2, n3 = self.nodes
        self.connect_nodes(1, 0)
        self.connect_nodes(2, 1)
        first = self.mine(n0, 10)
        self.sync_blocks([n0, n1, n2])
        self.assertEqual(self.heights(), [10, 10, 10, 0])

        # Node 1 (the middle of the line) goes away; node 2 is left alone.
        n1.stop()
        self.wait_until(lambda: n0.getconnectioncount() == 0 and n2.getconnectioncount() == 0)
        more = self.mine(n0, 20)
        self.assertEqual(n2.getblockcount(), 10)

        # Back with its blocks and no peers (onetry connections are not
        # remembered); connected to node 0 it catches up, and relays to 2.
        n1.start()
        n1.wait_for_rpc()
        self.assertEqual(n1.getblockcount(), 10)
        self.assertEqual(n1.getbestblockhash(), first[-1])
        self.assertEqual(n1.getconnectioncount(), 0)
        self.connect_nodes(n1, n0)
        self.sync_blocks([n0, n1])
        self.connect_nodes(n2, n1)
        self.assertEqual(self.sync_blocks([n0, n1, n2]), more[-1])

        # Node 3 restarted with no blocks at all joins late and syncs 30.
        n3.stop()
        n3.start()
        n3.wait_for_rpc()
        self.connect_nodes(n3, n2)
        self.assertEqual(self.sync_blocks([n0, n3]), more[-1])
        self.assertEqual(self.heights(), [30] * 4)


class BlocksOnly(SyncTestCase):
    num_nodes = 3
    extra_args = [[], ['-blocksonly'], []]

    def test_blocksonly_syncs_blocks(self):
        n0, bo, n2 = self.nodes
        wallet = bt.AnyoneCanSpend(n0)
        wallet.generate(110)
        self.assertIs(bo.getnetworkinfo()['localrelay'], False)
        self.assertIs(n0.getnetworkinfo()['localrelay'], True)

        # The blocks-only node dials node 0; node 2 dials it.
        p0, pbo = self.connect_nodes(bo, n0)
        self.connect_nodes(n2, bo)
        # It asked node 0 for no transactions (version's relay flag) ...
        self.assertIs(p0['relaytxes'], True)
        self.assertIs(pbo['relaytxes'], False)
        self.assertEqual(self.sync_blocks([n0, bo, n2]), n0.getbestblockhash())

        # ... but takes blocks whole, transactions included.
        sent = [wallet.send_self_transfer() for _ in range(3)]
        [block] = wallet.generate(1)
        self.assertEqual(self.sync_blocks([n0, bo, n2]), block)
        self.assertEqual(bo.getblock(block)['tx'][1:], [s['txid'] for s in sent])
        self.assertEqual(n2.getblock(block)['tx'][1:], [s['txid'] for s in sent])
        self.assertEqual(bo.getrawmempool(), [])
        # The coins those transactions created are in its UTXO set.
        for s in sent:
            self.assertEqual(bo.gettxout(s['txid'], 0)['confirmations'], 1)

        # Blocks it mines itself go out to both peers.
        mined = self.mine(bo, 2)
        self.assertEqual(self.sync_blocks([bo, n0, n2]), mined[-1])
        self.assertEqual(self.heights(), [113] * 3)


if __name__ == '__main__':
    test_framework.main()
