#!/usr/bin/env python3
"""Pings and connection timeouts as Umkoin Core v31.0 has them, under mock
time (setmocktime):

- the node pings a new peer right after the handshake and again every two
  minutes once the last ping is answered; getpeerinfo shows the outstanding
  ping's age as pingwait, and after a matching pong the round trip as
  pingtime and the smallest one as minping;
- a pong without a nonce or with nonce zero cancels the outstanding ping, one
  with another nonce does not, one without a ping changes nothing;
- the ping RPC makes the node ping every peer at once;
- a ping unanswered for 20 minutes disconnects the peer (after -peertimeout),
  even if the peer keeps sending its own pings;
- -peertimeout: a connection that sent nothing, or did not finish the
  version handshake, is dropped once it is older than -peertimeout seconds;
  one that did the handshake is not.

Not covered: -timeout, the time limit of the node's own outgoing connection
attempts: from loopback there is no way to make a connect() hang, nor to see
the attempt over RPC.

Usage: p2p_ping.py --node PATH/TO/umkoin-node
"""
import decimal
import time

import peer as p2p
import test_framework
from peer import nonce_payload

PING_INTERVAL = 2 * 60
TIMEOUT_INTERVAL = 20 * 60


class PingBase(p2p.PeerTestCase):
    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.mock_time = int(time.time())
        self.node.setmocktime(self.mock_time)

    def mock_forward(self, seconds):
        self.mock_time += seconds
        self.node.setmocktime(self.mock_time)

    def ping_fields(self, conn):
        info = self.peer_info(self.node, conn)
        return {k: info[k] for k in ('pingtime', 'minping', 'pingwait') if k in info}

    def next_ping(self, conn, start):
        """The node's next ping (from index start), its nonce."""
        return conn.wait_for('ping', start=start).data


class Pings(PingBase):
    # Inactivity checks (the ping timeout too) start once a connection is
    # older than -peertimeout: 1 second of mock time.
    extra_args = [['-peertimeout=1', '-debug=net']]

    def test_ping_pong_accounting(self):
        conn = self.add_peer(self.node, answer_pings=False)
        first = self.next_ping(conn, 0)
        self.assertNotEqual(first, 0)
        self.mock_forward(3)
        self.assertEqual(self.ping_fields(conn), {'pingwait': 3})

        # A pong without a nonce cancels the ping.
        conn.send('pong', b'')
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {})

        # A pong when no ping is outstanding changes nothing.
        conn.send('pong', nonce_payload(first))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {})
        self.assertEqual(conn.count('ping'), 1)

        # Two minutes on the node pings again; a wrong nonce leaves it open.
        self.mock_forward(PING_INTERVAL + 1)
        nonce = self.next_ping(conn, 1)
        self.assertNotEqual(nonce, first)
        self.mock_forward(9)
        conn.send('pong', nonce_payload(nonce ^ 1))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {'pingwait': 9})

        # Nonce zero cancels it.
        conn.send('pong', nonce_payload(0))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {})

        # A matching pong 29 s later: pingtime and minping 29.
        self.mock_forward(PING_INTERVAL + 1)
        nonce = self.next_ping(conn, 2)
        self.mock_forward(29)
        conn.send('pong', nonce_payload(nonce))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {'pingtime': 29, 'minping': 29})

        # A faster one lowers minping; a slower one does not raise it.
        self.mock_forward(PING_INTERVAL + 1)
        nonce = self.next_ping(conn, 3)
        self.mock_forward(9)
        conn.send('pong', nonce_payload(nonce))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {'pingtime': 9, 'minping': 9})
        self.mock_forward(PING_INTERVAL + 1)
        nonce = self.next_ping(conn, 4)
        self.mock_forward(15)
        conn.send('pong', nonce_payload(nonce))
        conn.sync_with_ping()
        self.assertEqual(self.ping_fields(conn), {'pingtime': 15, 'minping': 9})

    def test_no_ping_before_interval(self):
        conn = self.add_peer(self.node, answer_pings=False)
        nonce = self.next_ping(conn, 0)
        conn.send('pong', nonce_payload(nonce))
        conn.sync_with_ping()
        self.mock_forward(PING_INTERVAL - 10)
        conn.sync_with_ping()
        conn.sync_with_ping()
        self.assertEqual(conn.count('ping'), 1)
        self.mock_forward(11)
        self.next_ping(conn, 1)

    def test_ping_rpc(self):
        quiet = self.add_peer(self.node, answer_pings=False)
        other = self.add_peer(self.node)
        self.next_ping(quiet, 0)
        other.settle()
        # Under mock time the round trip took 0 s: minping 0, and no
        # pingtime (getpeerinfo leaves out a zero pingtime).
        self.assertEqual(self.ping_fields(other), {'minping': 0})
        self.assertIsNone(self.node.ping())
        # Both get a new ping at once, without the two minutes passing.
        self.next_ping(other, 1)
        nonce = self.next_ping(quiet, 1)
        self.mock_forward(4)
        quiet.send('pong', nonce_payload(nonce))
        quiet.sync_with_ping()
        self.assertEqual(self.ping_fields(quiet), {'pingtime': 4, 'minping': 4})

    def test_ping_timeout_disconnects(self):
        conn = self.add_peer(self.node, answer_pings=False)
        keeper = self.add_peer(self.node)
        self.next_ping(conn, 0)
        self.mock_forward(TIMEOUT_INTERVAL // 2)
        conn.sync_with_ping()                 # our own pings do not help
        keeper.sync_with_ping()
        self.mock_forward(TIMEOUT_INTERVAL // 2)
        conn.sync_with_ping()
        keeper.sync_with_ping()
        keeper.sync_with_ping()
        self.assertTrue(conn.is_connected())  # 20 minutes exactly: not yet
        self.mock_forward(1)
        conn.wait_for_disconnect()
        # The peer that answered (and so got new pings) is still there.
        keeper.sync_with_ping()
        self.assertEqual(len(self.node.getpeerinfo()), 1)

    def test_real_time_fields(self):
        self.node.setmocktime(0)
        conn = self.add_peer(self.node)
        self.wait_until(lambda: 'minping' in self.ping_fields(conn))
        fields = self.ping_fields(conn)
        self.assertEqual(set(fields), {'pingtime', 'minping'})
        self.assertIsInstance(fields['pingtime'], decimal.Decimal)
        self.assertGreaterEqual(fields['pingtime'], 0)
        self.assertLess(fields['pingtime'], 10)
        self.assertLessEqual(fields['minping'], fields['pingtime'])


class PeerTimeout(PingBase):
    extra_args = [['-peertimeout=100', '-debug=net']]

    def test_unfinished_handshake_dropped(self):
        silent = self.add_peer(self.node, handshake=False)
        version_only = self.add_peer(self.node, handshake=False)
        version_only.send('version', p2p.version_payload())
        version_only.wait_for('verack')
        talker = self.add_peer(self.node)
        self.wait_for_peer_count(self.node, 3)
        self.mock_forward(90)
        # Two round trips: the node's network loop has looked at every
        # connection with the new time.
        talker.sync_with_ping()
        talker.sync_with_ping()
        self.assertTrue(silent.is_connected())
        self.assertTrue(version_only.is_connected())
        self.mock_forward(11)
        # Once older than -peertimeout, a connection must have sent and
        # received something and finished the handshake.
        silent.wait_for_disconnect()
        version_only.wait_for_disconnect()
        talker.sync_with_ping()
        self.assertEqual(len(self.node.getpeerinfo()), 1)

if __name__ == '__main__':
    test_framework.main()
