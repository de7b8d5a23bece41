#!/usr/bin/env python3
"""What a node does with broken or misplaced P2P messages, as Umkoin Core
v31.0 does it, seen from the wire and over RPC:

- framing: a message split across writes is put together; a bad checksum or
  a message type that is not NUL-padded ASCII drops the message only (its
  bytes count as "*other*" in getpeerinfo); an unknown type is ignored; a
  wrong message start or a length over 4,000,000 disconnects; exactly
  4,000,000 is fine; a frame cut short waits for the rest, and the peer goes
  away cleanly when it closes;
- payloads too short for their type (a 3-byte ping, ...) are ignored;
- the handshake: a second version is ignored (subver keeps the first), other
  messages before version or before verack are ignored, wtxidrelay or
  sendaddrv2 after verack disconnect;
- misbehaviour (oversized inv/getdata/headers, headers with bad proof of work
  or not continuous, a block that fails validation) disconnects the peer;
  a loopback peer is not discouraged (listbanned stays empty); headers that
  do not connect only make the node ask with getheaders;
- after each of these the node still serves an honest peer.

Usage: p2p_invalid_messages.py --node PATH/TO/umkoin-node
"""
import struct

import blocktools as bt
import peer as p2p
import test_framework
from peer import frame, nonce_payload


class InvalidMessagesBase(p2p.PeerTestCase):
    extra_args = [['-debug=net']]

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]

    def assert_ignored(self, conn):
        """The node answers a ping after what was sent: it handled and
        dropped it, and the connection is up."""
        conn.sync_with_ping()
        self.assertTrue(conn.is_connected())

    def assert_dropped(self, conn):
        """The node hung up on conn, forgot it, did not discourage
        127.0.0.1, and still serves a new peer."""
        conn.wait_for_disconnect()
        self.wait_until(lambda: self.peer_info(self.node, conn) is None)
        self.assertEqual(self.node.listbanned(), [])
        self.assert_serving(self.node)

    def pongs(self, conn):
        return [m.data for m in conn.messages('pong')]

    def leave_ibd(self, blocks=1):
        """Mines so that the node leaves initial block download (it answers
        getheaders only then)."""
        hashes = self.node.generatetoaddress(blocks, bt.P2WSH_OP_TRUE_ADDRESS)
        self.assertFalse(self.node.getblockchaininfo()['initialblockdownload'])
        return hashes


class Framing(InvalidMessagesBase):
    def test_split_message(self):
        conn = self.add_peer(self.node)
        conn.settle()
        before = self.node.getnettotals()['totalbytesrecv']
        msg = frame('ping', nonce_payload(12345))
        conn.send_raw(msg[:12])                   # inside the header
        self.wait_until(lambda: self.node.getnettotals()['totalbytesrecv'] == before + 12)
        conn.send_raw(msg[12:])
        conn.wait_for('pong', lambda m: m.data == 12345)
        self.assert_ignored(conn)

    def test_bad_checksum_dropped(self):
        conn = self.add_peer(self.node)
        msg = bytearray(frame('ping', nonce_payload(777)))
        msg[20:24] = b'\xff' * 4
        conn.send_raw(bytes(msg))
        self.assert_ignored(conn)
        self.assertNotIn(777, self.pongs(conn))
        info = self.peer_info(self.node, conn)
        self.assertEqual(info['bytesrecv_per_msg']['*other*'], 24 + 8)

    def test_invalid_message_type_dropped(self):
        conn = self.add_peer(self.node)
        msg = bytearray(frame('badmsg', b'\x01d'))
        msg[7] = 0                                # a NUL inside the type
        conn.send_raw(bytes(msg))
        self.assert_ignored(conn)
        self.assertEqual(self.peer_info(self.node, conn)['bytesrecv_per_msg']['*other*'], 26)

    def test_unknown_message_type_ignored(self):
        conn = self.add_peer(self.node)
        conn.send('badmsg', b'\x01d')
        conn.send('pingpong', nonce_payload(1))
        self.assert_ignored(conn)
        self.assertEqual(self.peer_info(self.node, conn)['bytesrecv_per_msg']['*other*'], 26 + 32)

    def test_wrong_magic_disconnects(self):
        conn = self.add_peer(self.node)
        conn.sync_with_ping()
        conn.send_raw(b'\xff' * 4 + frame('ping', nonce_payload(5))[4:])
        self.assert_dropped(conn)

    def test_oversized_message_disconnects(self):
        conn = self.add_peer(self.node)
        # The header alone is enough: the node judges the length before
        # reading the payload.
        header = frame('badmsg', b'')[:16] + struct.pack('<I', p2p.MAX_PROTOCOL_MESSAGE_LENGTH + 1) + bytes(4)
        conn.send_raw(header + b'd' * 1000)
        self.assert_dropped(conn)

    def test_largest_message_accepted(self):
        conn = self.add_peer(self.node)
        conn.send('badmsg', b'b' * p2p.MAX_PROTOCOL_MESSAGE_LENGTH)
        self.assert_ignored(conn)
        info = self.peer_info(self.node, conn)
        self.assertEqual(info['bytesrecv_per_msg']['*other*'], 24 + p2p.MAX_PROTOCOL_MESSAGE_LENGTH)

    def test_truncated_frame_then_close(self):
        conn = self.add_peer(self.node)
        conn.settle()
        before = self.node.getnettotals()['totalbytesrecv']
        msg = frame('badmsg', b'x' * 100)
        conn.send_raw(msg[:24 + 10])              # promises 100 bytes, sends 10
        self.wait_until(lambda: self.node.getnettotals()['totalbytesrecv'] == before + 34)
        # The node waits for the rest: the peer is still there.
        self.assertIsNotNone(self.peer_info(self.node, conn))
        self.assertTrue(conn.is_connected())
        conn.close()
        self.wait_until(lambda: self.node.getpeerinfo() == [])
        self.assert_serving(self.node)

    def test_short_payloads_ignored(self):
        conn = self.add_peer(self.node)
        conn.sync_with_ping()
        pongs_before = len(self.pongs(conn))
        short = {
            'ping': b'\x01\x02\x03',
            'pong': b'\x01',
            'getheaders': b'\x01',
            'headers': b'\x01' + bytes(40),
            'inv': b'\x02' + struct.pack('<I', p2p.MSG_TX) + bytes(32),
            'getdata': b'\x01' + bytes(20),
            'notfound': b'\x03',
            'feefilter': b'\x01\x02\x03',
            'sendcmpct': b'\x01',
            'block': bytes(79),
            'tx': b'\x02\x00\x00\x00\x01',
            'addr': b'\x01' + bytes(10),
            'addrv2': b'',
        }
        for msgtype, payload in short.items():
            conn.send(msgtype, payload)
        self.assert_ignored(conn)
        # The short ping got no pong: only the one of sync_with_ping came.
        self.assertEqual(len(self.pongs(conn)), pongs_before + 1)
        self.assertEqual(self.node.getblockcount(), 0)
        self.assert_serving(self.node)

    def test_oversized_inv_and_getdata_disconnect(self):
        for msgtype in ('inv', 'getdata'):
            with self.subTest(msgtype=msgtype):
                conn = self.add_peer(self.node)
                items = [(p2p.MSG_TX, bytes(31) + b'\x01')] * (p2p.MAX_INV_SIZE + 1)
                conn.send(msgtype, p2p.inv_payload(items))
                self.assert_dropped(conn)
        # The largest allowed inv is fine.
        conn = self.add_peer(self.node)
        conn.send('inv', p2p.inv_payload([(p2p.MSG_TX, bytes(31) + b'\x01')] * p2p.MAX_INV_SIZE))
        self.assert_ignored(conn)


class Handshake(InvalidMessagesBase):
    def test_duplicate_version_ignored(self):
        conn = self.add_peer(self.node)
        conn.send('version', p2p.version_payload(user_agent='/second-version:9/', start_height=77))
        self.assert_ignored(conn)
        info = self.peer_info(self.node, conn)
        self.assertEqual(info['subver'], p2p.USER_AGENT)
        self.assertEqual(info['version'], p2p.PROTOCOL_VERSION)
        self.assertEqual(conn.count('version'), 1)

    def test_messages_before_verack_ignored(self):
        conn = self.add_peer(self.node, handshake=False)
        conn.send('version', p2p.version_payload())
        conn.wait_for('verack')
        conn.send('ping', nonce_payload(42))      # before our verack
        conn.send('getaddr')
        conn.send('verack')
        conn.sync_with_ping()
        self.assertNotIn(42, self.pongs(conn))
        info = self.peer_info(self.node, conn)
        self.assertFalse(info['addr_relay_enabled'])   # the early getaddr did nothing
        self.assert_ignored(conn)

    def test_feature_negotiation_after_verack_disconnects(self):
        for msgtype in ('wtxidrelay', 'sendaddrv2'):
            with self.subTest(msgtype=msgtype):
                conn = self.add_peer(self.node)
                conn.sync_with_ping()
                conn.send(msgtype)
                self.assert_dropped(conn)

    def test_mempool_without_bloom_disconnects(self):
        conn = self.add_peer(self.node)
        conn.send('mempool')
        self.assert_dropped(conn)

    def test_old_version_disconnects(self):
        conn = self.add_peer(self.node, handshake=False)
        conn.send('version', p2p.version_payload(version=p2p.MIN_PEER_PROTO_VERSION - 1))
        conn.wait_for_disconnect()
        self.assertEqual(conn.count('verack'), 0)
        self.assert_serving(self.node)


class BeforeVersion(InvalidMessagesBase):
    # An inbound connection whose first bytes are not a v1 version message
    # is taken for BIP 324 (v2) when v2 transport is on: only a v1-only node
    # sees these as v1 messages.
    extra_args = [['-debug=net', '-v2transport=0']]

    def test_messages_before_version_ignored(self):
        conn = self.add_peer(self.node, handshake=False)
        conn.send('ping', nonce_payload(43))
        conn.send('verack')
        conn.send('getheaders', p2p.getheaders_payload([bytes(32)]))
        conn.send('badmsg', b'xx')
        conn.handshake()
        conn.sync_with_ping()
        self.assertNotIn(43, self.pongs(conn))
        self.assertEqual(conn.count('version'), 1)
        self.assert_ignored(conn)

    def test_wrong_magic_first_disconnects(self):
        conn = self.add_peer(self.node, handshake=False)
        conn.send_raw(b'\x0b\x11\x09\x07' + frame('version', p2p.version_payload())[4:])
        conn.wait_for_disconnect()
        self.assertEqual(conn.count('version'), 0)
        self.assert_serving(self.node)


class HeadersAndBlocks(InvalidMessagesBase):
    def tip_header(self):
        return bt.BlockHeader.deserialize_header(bt.Reader(bytes.fromhex(
            self.node.getblockheader(self.node.getbestblockhash(), False))))

    def child_header(self, parent, solve=True):
        h = bt.BlockHeader(prev=parent.hash_bytes, merkle_root=bytes(range(32)),
                           time=parent.time + 1, bits=parent.bits)
        return h.solve() if solve else h.unsolve()

    def test_valid_header_accepted(self):
        self.leave_ibd()
        conn = self.add_peer(self.node)
        header = self.child_header(self.tip_header())
        conn.send('headers', p2p.headers_payload([header]))
        self.assert_ignored(conn)
        self.assertEqual(self.node.getblockchaininfo()['headers'], 2)
        tips = {t['hash']: t['status'] for t in self.node.getchaintips()}
        self.assertEqual(tips[header.hash], 'headers-only')

    def test_invalid_pow_disconnects(self):
        self.leave_ibd()
        conn = self.add_peer(self.node)
        header = self.child_header(self.tip_header(), solve=False)
        conn.send('headers', p2p.headers_payload([header]))
        self.assert_dropped(conn)
        self.assertEqual(self.node.getblockchaininfo()['headers'], 1)

    def test_noncontinuous_headers_disconnect(self):
        hashes = self.leave_ibd(6)
        headers = [bt.BlockHeader.deserialize_header(bt.Reader(bytes.fromhex(self.node.getblockheader(h, False))))
                   for h in hashes]
        conn = self.add_peer(self.node)
        conn.send('headers', p2p.headers_payload(headers))    # known and continuous: fine
        self.assert_ignored(conn)
        del headers[3]
        conn.send('headers', p2p.headers_payload(headers))
        self.assert_dropped(conn)

    def test_too_many_headers_disconnect(self):
        self.leave_ibd()
        conn = self.add_peer(self.node)
        headers = [bytes(80)] * (p2p.MAX_HEADERS_RESULTS + 1)
        conn.send('headers', p2p.headers_payload(headers))
        self.assert_dropped(conn)

    def test_unconnecting_headers_ask_for_more(self):
        self.leave_ibd()
        conn = self.add_peer(self.node)
        # An empty headers message answers the node's own getheaders of the
        # handshake, so that it may ask again at once.
        conn.send('headers', p2p.headers_payload([]))
        conn.sync_with_ping()
        asked = conn.count('getheaders')
        orphan = self.child_header(bt.BlockHeader(prev=bytes(range(32)), time=self.tip_header().time))
        conn.send('headers', p2p.headers_payload([orphan]))
        msg = conn.wait_for('getheaders', start=asked)
        self.assertEqual(msg.data['locator'][0], bt.hex_to_hash(self.node.getbestblockhash()))
        self.assert_ignored(conn)
        self.assertNotIn(orphan.hash, [t['hash'] for t in self.node.getchaintips()])

    def test_valid_block_accepted(self):
        self.leave_ibd()
        conn = self.add_peer(self.node)
        block = bt.build_on_tip(self.node)
        conn.send('block', p2p.block_payload(block))
        self.assert_ignored(conn)
        self.assertEqual(self.node.getbestblockhash(), block.hash)

    def test_invalid_block_disconnects(self):
        self.leave_ibd()
        tip = self.node.getbestblockhash()
        conn = self.add_peer(self.node)
        block = bt.build_on_tip(self.node)
        block.txs[0].vout[0].value += 1          # more than subsidy + fees
        block.refresh()
        block.solve()
        conn.send('block', p2p.block_payload(block))
        self.assert_dropped(conn)
        self.assertEqual(self.node.getbestblockhash(), tip)
        tips = {t['hash']: t['status'] for t in self.node.getchaintips()}
        self.assertEqual(tips[block.hash], 'invalid')
        # A valid block from an honest peer still extends the chain.
        honest = self.add_peer(self.node)
        good = bt.build_on_tip(self.node)
        honest.send('block', p2p.block_payload(good))
        self.assert_ignored(honest)
        self.assertEqual(self.node.getbestblockhash(), good.hash)


if __name__ == '__main__':
    test_framework.main()
