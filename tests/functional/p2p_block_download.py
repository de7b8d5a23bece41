#!/usr/bin/env python3
"""Initial block download from test peers: blocks come from several peers at
once, a peer that holds back the download window is dropped and its blocks
fetched elsewhere, blocks are served in order to a peer that reads slowly, a peer that never delivers is dropped after the block
download timeout, and headers on a chain with less than -minimumchainwork go
through Core's pre-sync (nothing stored until the peer has shown enough
work, then downloaded again and stored).

    python3 tests/functional/p2p_block_download.py --node build/node/umkoin-node

Chains are built here with blocktools (regtest proof of work is instant) and
served by P2PPeer connections that answer getheaders and getdata from them.
"""

import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import blocktools as bt  # noqa: E402
import test_framework  # noqa: E402
from peer import (PeerTestCase, block_payload, headers_payload, inv_payload,  # noqa: E402
                  PeerDisconnected)

MSG_BLOCK = 2
MSG_WITNESS_FLAG = 1 << 30
SPACING = 600
MAX_HEADERS = 2000
REGTEST_GENESIS = '60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d'


def build_chain(n, start_time=None):
    """n blocks on regtest's genesis, 10 minutes apart, ending about now."""
    start = int(time.time()) - n * SPACING if start_time is None else start_time
    blocks, prev = [], REGTEST_GENESIS
    for height in range(1, n + 1):
        block = bt.create_block(prev, height, time=start + height * SPACING)
        blocks.append(block)
        prev = block.hash
    return blocks


class ChainServer:
    """Answers a peer's getheaders (by locator) and getdata (blocks) from a
    chain, on a thread, until stopped. With serve_blocks False it records
    the requests but sends nothing (a staller)."""

    def __init__(self, peer, blocks, serve_blocks=True, hold_after=None):
        self.peer = peer
        # after answering this many getheaders, wait for release()
        self.hold_after = hold_after
        self.released = threading.Event()
        self.blocks = blocks
        self.by_hash = {b.hash_bytes: b for b in blocks}
        self.height_of = {b.hash_bytes: i + 1 for i, b in enumerate(blocks)}
        self.height_of[bt.as_hash(REGTEST_GENESIS)] = 0
        self.serve_blocks = serve_blocks
        self.requested = []          # hashes asked for by getdata, in order
        self.getheaders = []         # locators received
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        seen = {'getdata': 0, 'getheaders': 0}
        while not self._stop.is_set():
            try:
                for msgtype in ('getheaders', 'getdata'):
                    msgs = self.peer.messages(msgtype)
                    for msg in msgs[seen[msgtype]:]:
                        getattr(self, '_on_' + msgtype)(msg.data)
                    seen[msgtype] = len(msgs)
            except (PeerDisconnected, OSError):
                return
            time.sleep(0.01)

    def _on_getheaders(self, data):
        if self.hold_after is not None and len(self.getheaders) >= self.hold_after:
            while not self.released.wait(0.05):
                if self._stop.is_set():
                    return
        locator = data['locator']
        self.getheaders.append(locator)
        start = 0
        for h in locator:
            if h in self.height_of:
                start = self.height_of[h]
                break
        self.peer.send('headers', headers_payload(self.blocks[start:start + MAX_HEADERS]))

    def _on_getdata(self, items):
        for inv_type, h in items:
            if inv_type & ~MSG_WITNESS_FLAG != MSG_BLOCK:
                continue
            self.requested.append(h)
            if self.serve_blocks and h in self.by_hash:
                self.peer.send('block', block_payload(self.by_hash[h]))

    def release(self):
        self.released.set()

    def stop(self):
        self._stop.set()
        self._thread.join(5)


class BlockDownload(PeerTestCase):
    extra_args = [['-debug=net']]

    def serve(self, peer, blocks, serve_blocks=True):
        server = ChainServer(peer, blocks, serve_blocks)
        self.addCleanup(server.stop)
        return server

    def test_parallel_download_and_staller_replaced(self):
        node = self.nodes[0]
        blocks = build_chain(1100)
        staller = self.add_peer(node)
        helper = self.add_peer(node)
        stalling = self.serve(staller, blocks, serve_blocks=False)
        serving = self.serve(helper, blocks)
        # Both announce the chain; the node asks both for blocks.
        staller.send('headers', headers_payload(blocks[:MAX_HEADERS]))
        helper.send('headers', headers_payload(blocks[:MAX_HEADERS]))
        self.wait_until(lambda: len(stalling.requested) > 0 and len(serving.requested) > 0,
                        message='the node did not fetch from both peers')
        self.assertLessEqual(len(stalling.requested), 16)     # at most 16 in flight per peer
        # The staller's first block holds the 1024-block window; after the
        # stalling timeout (2 s) it is dropped and its blocks come from the
        # other peer.
        staller.wait_for_disconnect(timeout=60)
        self.wait_until(lambda: node.getblockcount() == 1100, timeout=120)
        self.assertEqual(node.getbestblockhash(), blocks[-1].hash)
        self.assertTrue(set(stalling.requested) <= set(serving.requested),
                        'the stalled blocks were not asked of the other peer')
        self.assertIn(helper.local_port, [int(p['addr'].rsplit(':', 1)[1]) for p in node.getpeerinfo()])
        log = '\n'.join(node.debug_log_lines())
        self.assertIn('Peer is stalling block download', log)

    def test_block_download_timeout(self):
        node = self.nodes[0]
        blocks = build_chain(20)
        silent = self.add_peer(node)
        server = self.serve(silent, blocks, serve_blocks=False)
        silent.send('headers', headers_payload(blocks))
        self.wait_until(lambda: len(server.requested) == 16)
        # Nothing arrives: after one block interval (10 minutes of mock time)
        # the peer is dropped.
        now = int(time.time())
        node.setmocktime(now + 5 * 60)
        silent.sync_with_ping()
        self.assertTrue(silent.is_connected())
        node.setmocktime(now + SPACING + 5)
        silent.wait_for_disconnect(timeout=30)
        node.setmocktime(0)
        # A peer that has the blocks finishes the download.
        good = self.add_peer(node)
        self.serve(good, blocks)
        good.send('headers', headers_payload(blocks))
        self.wait_until(lambda: node.getblockcount() == 20, timeout=60)


class ServeBlocks(PeerTestCase):
    # A 1 kB send buffer: serving waits for the peer to read after almost
    # every block.
    extra_args = [['-maxsendbuffer=1']]

    def test_getdata_served_in_order_through_a_small_send_buffer(self):
        node = self.nodes[0]
        hashes = node.generatetoaddress(200, bt.segwit_address(0, bytes(20)))
        peer = self.add_peer(node)
        peer.send('getdata', inv_payload([(MSG_BLOCK | MSG_WITNESS_FLAG, h) for h in hashes]))
        self.wait_until(lambda: peer.count('block') == 200, timeout=60)
        self.assertEqual([m.data.hash for m in peer.messages('block')], hashes)
        # A request the node cannot answer: notfound for a transaction, nothing for a block.
        peer.send('getdata', inv_payload([(1, bytes(32)), (MSG_BLOCK, bytes(32))]))
        notfound = peer.wait_for('notfound')
        self.assertEqual(notfound.data, [(1, bytes(32))])
        peer.sync_with_ping()
        self.assertEqual(peer.count('block'), 200)


class HeadersPresync(PeerTestCase):
    # 2,500 regtest blocks of work 2 each, plus genesis: a chain of 2,000
    # headers has too little, one of 3,000 enough.
    extra_args = [['-debug=net', '-minimumchainwork=0x1392']]

    def test_low_work_headers_are_presynced_then_stored(self):
        node = self.nodes[0]
        blocks = build_chain(3000)
        peer = self.add_peer(node)
        server = ChainServer(peer, blocks, hold_after=1)
        self.addCleanup(server.stop)
        # The node's initial getheaders gets the first 2,000 headers: too
        # little work, so it pre-syncs: it asks on from the last one and
        # stores none of them yet.
        self.wait_until(lambda: len(peer.messages('getheaders')) >= 2)
        self.assertEqual(peer.messages('getheaders')[1].data['locator'][0], blocks[MAX_HEADERS - 1].hash_bytes)
        self.assertEqual(node.getblockchaininfo()['headers'], 0)
        info = self.peer_info(node, peer)
        self.assertEqual(info['presynced_headers'], MAX_HEADERS)
        server.release()
        # After the whole chain was seen, it asks again from the start (the
        # redownload) and stores the headers once they carry enough work.
        self.wait_until(lambda: node.getblockchaininfo()['headers'] == 3000, timeout=60,
                        message='the pre-synced headers were never stored')
        first_locators = [loc[0] for loc in server.getheaders]
        self.assertIn(blocks[MAX_HEADERS - 1].hash_bytes, first_locators)   # presync went on
        self.assertGreaterEqual(len(server.getheaders), 3)                 # then a redownload
        self.assertEqual(self.peer_info(node, peer)['presynced_headers'], -1)
        log = '\n'.join(node.debug_log_lines())
        self.assertNotIn('Misbehaving', log)

    def test_low_work_chain_that_ends_is_dropped(self):
        node = self.nodes[0]
        blocks = build_chain(1500)
        peer = self.add_peer(node)
        # Fewer than 2,000 headers and too little work: ignored, nothing stored.
        peer.send('headers', headers_payload(blocks))
        peer.sync_with_ping()
        self.assertEqual(node.getblockchaininfo()['headers'], 0)
        self.assertTrue(peer.is_connected())
        log = '\n'.join(node.debug_log_lines())
        self.assertIn('Ignoring low-work chain', log)


if __name__ == '__main__':
    test_framework.main()
