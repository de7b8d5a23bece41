#!/usr/bin/env python3
"""Address relay and the address manager as Umkoin Core v31.0 has them:

- getaddr from an inbound peer is answered once per connection, with at most
  23% of the known addresses (and never more than 1000), the same cached
  answer for every connection for a while; addrv2 to a peer that sent
  sendaddrv2, addr otherwise;
- an addr/addrv2 message of at most 10 fresh routable addresses is relayed,
  each address to two other peers that take part in address relay; larger
  messages and old addresses are kept but not relayed; addresses a v1 peer
  cannot take (TorV3) go only to addrv2 peers;
- each peer has a token bucket: one address to start with, 0.1 more a
  second up to 1000; addresses beyond it are dropped and counted as
  addr_rate_limited in getpeerinfo (addr_processed for the others); a peer
  with the "addr" permission is not limited;
- more than 1000 addresses in one addr or addrv2 message disconnect the peer;
  an addrv2 entry of an unknown network is skipped, an overlong one makes
  the node drop the message;
- getnodeaddresses (count, network, errors), addpeeraddress (new and tried
  tables, as getaddrmaninfo shows, duplicates, bad input), and peers.dat:
  the same addresses after a restart.

The nodes run with -connect=0 so that they never try the addresses they
learn (which would change the address manager under the test), and with a
huge -peertimeout because mock time jumps hours ahead.

Usage: p2p_addr.py --node PATH/TO/umkoin-node
"""
import time

import peer as p2p
import test_framework
from peer import Address

TEN_MINUTES = 600
MAX_PCT_ADDR_TO_SEND = 23
# -test=addrman: a fixed bucket key. Two of a test's addresses could
# otherwise land on the same slot of the new table, where the second is not
# stored: a failure one run in about fifty.
ADDR_ARGS = ['-connect=0', '-peertimeout=999999999', '-debug=net', '-test=addrman']


class AddrBase(p2p.PeerTestCase):
    extra_args = [ADDR_ARGS]

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.mocktime = int(time.time())
        self.node.setmocktime(self.mocktime)
        self.counter = 0

    def mock_forward(self, seconds):
        self.mocktime += seconds
        self.node.setmocktime(self.mocktime)

    def new_addrs(self, n, age=0):
        """n distinct routable IPv4 addresses (each in its own /16), seen
        `age` seconds before the node's (mock) time. The same on every run,
        as the address manager's key is (-test=addrman)."""
        addrs = []
        for _ in range(n):
            self.counter += 1
            ip = f'{11 + self.counter // 250}.{self.counter % 250}.{self.counter % 7 + 1}.7'
            addrs.append(Address(ip, 6333 + self.counter % 10, time=self.mocktime - age))
        return addrs

    def relay_peer(self, **kwargs):
        """A peer that has asked for address relay (by sending an empty addr)."""
        conn = self.add_peer(self.node, **kwargs)
        conn.send('addr', p2p.addr_payload([]))
        conn.sync_with_ping()
        return conn

    def flush(self, *conns):
        """Lets the node's address-sending timers (an average of 30 s) run
        out, then makes sure each peer got what the node sent: two round
        trips, since a pong may overtake what the node queues right after."""
        self.mock_forward(TEN_MINUTES)
        for conn in conns:
            conn.sync_with_ping()
            conn.sync_with_ping()

    def received(self, conn):
        """Every address conn got in addr and addrv2 messages."""
        return [a for m in conn.messages() if m.msgtype in ('addr', 'addrv2') for a in m.data]


class GetAddr(AddrBase):
    def test_getaddr_once_per_connection(self):
        # Two addresses may want the same slot of the address manager's
        # tables: only those that got in count.
        known = {(f'{i + 1}.{i}.1.1', 6333) for i in range(200)
                 if self.node.addpeeraddress(f'{i + 1}.{i}.1.1', 6333)['success']}
        self.assertGreater(len(known), 180)
        listed = {(a['address'], a['port']) for a in self.node.getnodeaddresses(0)}
        self.assertEqual(listed, known)

        conn = self.add_peer(self.node)
        self.assertFalse(self.peer_info(self.node, conn)['addr_relay_enabled'])
        conn.send('getaddr')
        conn.sync_with_ping()
        self.assertTrue(self.peer_info(self.node, conn)['addr_relay_enabled'])
        self.mock_forward(TEN_MINUTES)
        reply = conn.wait_for('addr')
        answer = {(a.ip, a.port) for a in reply.data}
        self.assertEqual(len(reply.data), len(known) * MAX_PCT_ADDR_TO_SEND // 100)
        self.assertLessEqual(answer, known)
        for a in reply.data:
            self.assertEqual(a.services, p2p.NODE_NETWORK | p2p.NODE_WITNESS)

        # A second getaddr on the same connection gets nothing.
        conn.send('getaddr')
        self.flush(conn)
        self.assertEqual(conn.count('addr'), 1)

        # Another connection, in addrv2 this time, gets the same (cached) answer.
        v2 = self.add_peer(self.node, addrv2=True)
        v2.send('getaddr')
        self.flush(v2)
        reply2 = v2.wait_for('addrv2')
        self.assertEqual({(a.ip, a.port) for a in reply2.data}, answer)
        self.assertEqual(v2.count('addr'), 0)

    def test_getaddr_with_empty_addrman(self):
        conn = self.add_peer(self.node)
        conn.send('getaddr')
        self.flush(conn)
        self.assertEqual(self.received(conn), [])
        self.assertTrue(conn.is_connected())


class Relay(AddrBase):
    def test_relay_and_rate_limit(self):
        source = self.add_peer(self.node)
        receivers = [self.relay_peer() for _ in range(3)]
        silent = self.add_peer(self.node)          # never asked for addresses
        self.assertFalse(self.peer_info(self.node, silent)['addr_relay_enabled'])

        # The source's bucket holds one token: one of ten addresses is taken
        # (and relayed to two peers), nine are dropped.
        first = self.new_addrs(10)
        source.send('addr', p2p.addr_payload(first))
        source.sync_with_ping()
        info = self.peer_info(self.node, source)
        self.assertEqual((info['addr_processed'], info['addr_rate_limited']), (1, 9))
        self.flush(*receivers, silent)
        got = [a for r in receivers for a in self.received(r)]
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0].key(), got[1].key())
        self.assertIn(got[0].key(), [a.key() for a in first])
        self.assertEqual(got[0].services, p2p.PEER_SERVICES)
        self.assertEqual(self.received(silent), [])

        # Ten minutes later the bucket has 60 more: all ten are relayed,
        # each to two peers, never back to the source.
        second = self.new_addrs(10)
        source.send('addr', p2p.addr_payload(second))
        source.sync_with_ping()
        info = self.peer_info(self.node, source)
        self.assertEqual((info['addr_processed'], info['addr_rate_limited']), (11, 9))
        self.flush(*receivers, source)
        counts = {}
        for r in receivers:
            for a in self.received(r):
                counts[a.key()] = counts.get(a.key(), 0) + 1
        for a in second:
            self.assertEqual(counts.get(a.key()), 2, a)
        self.assertEqual(self.received(source), [])

    def test_not_relayed(self):
        source = self.add_peer(self.node)
        receivers = [self.relay_peer() for _ in range(2)]
        self.mock_forward(100_000)                # fill the source's bucket
        # More than ten addresses at once, or addresses older than ten
        # minutes, are stored but not relayed.
        many = self.new_addrs(11)
        old = self.new_addrs(3, age=TEN_MINUTES + 60)
        source.send('addr', p2p.addr_payload(many))
        source.send('addr', p2p.addr_payload(old))
        source.sync_with_ping()
        self.assertEqual(self.peer_info(self.node, source)['addr_processed'], 14)
        self.flush(*receivers)
        for r in receivers:
            self.assertEqual(self.received(r), [])
        known = {(a['address'], a['port']) for a in self.node.getnodeaddresses(0)}
        self.assertEqual(known, {(a.ip, a.port) for a in many + old})

    def test_addrv2_only_to_peers_that_asked(self):
        source = self.add_peer(self.node)
        v2 = self.relay_peer(addrv2=True)
        v1 = self.relay_peer()
        self.mock_forward(100_000)
        ipv4 = self.new_addrs(1)[0]
        tor = Address(net=p2p.NET_TORV3, addr=bytes(range(1, 33)), port=6333, time=self.mocktime)
        source.send('addrv2', p2p.addrv2_payload([ipv4, tor]))
        source.sync_with_ping()
        self.flush(v2, v1)
        self.assertEqual(v1.count('addrv2'), 0)
        self.assertEqual(v2.count('addr'), 0)
        self.assertEqual([a.key() for a in self.received(v1)], [ipv4.key()])
        self.assertEqual(sorted(a.key() for a in self.received(v2)), sorted([ipv4.key(), tor.key()]))


class RateLimit(AddrBase):
    def send_and_check(self, conn, n, processed, limited):
        conn.send('addr', p2p.addr_payload(self.new_addrs(n)))
        conn.sync_with_ping()
        info = self.peer_info(self.node, conn)
        self.assertEqual((info['addr_processed'], info['addr_rate_limited']), (processed, limited))

    def test_token_bucket(self):
        conn = self.add_peer(self.node)
        self.send_and_check(conn, 600, 1, 599)
        self.send_and_check(conn, 600, 1, 1199)
        self.mock_forward(100)                    # 10 tokens
        self.send_and_check(conn, 200, 11, 1389)
        self.mock_forward(1000)                   # 100 tokens
        self.send_and_check(conn, 200, 111, 1489)
        self.mock_forward(100_000)                # capped at 1000
        self.send_and_check(conn, 1000, 1111, 1489)
        self.send_and_check(conn, 5, 1111, 1494)
        self.assertTrue(conn.is_connected())


class AddrPermission(AddrBase):
    extra_args = [ADDR_ARGS + ['-whitelist=addr@127.0.0.1']]

    def test_not_rate_limited(self):
        conn = self.add_peer(self.node)
        self.assertIn('addr', self.peer_info(self.node, conn)['permissions'])
        conn.send('addr', p2p.addr_payload(self.new_addrs(600)))
        conn.sync_with_ping()
        info = self.peer_info(self.node, conn)
        self.assertEqual((info['addr_processed'], info['addr_rate_limited']), (600, 0))


class TooMany(AddrBase):
    def test_more_than_1000_disconnects(self):
        for msgtype, build in (('addr', p2p.addr_payload), ('addrv2', p2p.addrv2_payload)):
            with self.subTest(msgtype=msgtype):
                conn = self.add_peer(self.node)
                conn.send(msgtype, build(self.new_addrs(p2p.MAX_ADDR_TO_SEND)))
                conn.sync_with_ping()                 # 1000 is fine
                conn.send(msgtype, build(self.new_addrs(p2p.MAX_ADDR_TO_SEND + 1)))
                conn.wait_for_disconnect()
                self.wait_until(lambda: self.peer_info(self.node, conn) is None)
        # Loopback peers are disconnected, not discouraged.
        self.assertEqual(self.node.listbanned(), [])
        self.add_peer(self.node).sync_with_ping()

    def test_bad_addrv2_entries(self):
        conn = self.add_peer(self.node)
        self.mock_forward(100_000)
        good = Address('9.9.9.9', 6333, time=self.mocktime)
        unknown = Address(net=0x99, addr=b'\xab\xab', port=6333, time=self.mocktime)
        conn.send('addrv2', p2p.addrv2_payload([unknown, good]))
        conn.sync_with_ping()
        self.assertEqual([(a['address'], a['port']) for a in self.node.getnodeaddresses(0)], [('9.9.9.9', 6333)])
        # An address longer than 512 bytes: the message is dropped.
        too_long = Address(net=p2p.NET_IPV4, addr=b'\xab' * 513, port=6333, time=self.mocktime)
        conn.send('addrv2', p2p.addrv2_payload([too_long, Address('8.8.8.8', 6333, time=self.mocktime)]))
        conn.sync_with_ping()
        self.assertEqual(len(self.node.getnodeaddresses(0)), 1)
        self.assertTrue(conn.is_connected())


class AddrMan(AddrBase):
    def test_rpcs(self):
        node = self.node
        self.assertEqual(node.getnodeaddresses(), [])
        self.assertEqual(node.addpeeraddress('1.2.3.4', 6333), {'success': True})
        self.assertEqual(node.addpeeraddress('1.2.3.4', 6333),
                         {'error': 'failed-adding-to-new', 'success': False})
        self.assertEqual(node.addpeeraddress('2.3.4.5', 6444, True), {'success': True})
        self.assertEqual(node.addpeeraddress('1234:5678::9', 6333), {'success': True})
        self.assert_rpc_error(-30, 'Invalid IP address', node.addpeeraddress, 'not-an-address', 6333)

        info = node.getaddrmaninfo()
        self.assertEqual(info['ipv4'], {'new': 1, 'tried': 1, 'total': 2})
        self.assertEqual(info['ipv6'], {'new': 1, 'tried': 0, 'total': 1})
        self.assertEqual(info['all_networks'], {'new': 2, 'tried': 1, 'total': 3})

        everything = node.getnodeaddresses(0)
        self.assertEqual(sorted((a['address'], a['port'], a['network']) for a in everything),
                         [('1.2.3.4', 6333, 'ipv4'), ('1234:5678::9', 6333, 'ipv6'), ('2.3.4.5', 6444, 'ipv4')])
        for a in everything:
            self.assertEqual(sorted(a), ['address', 'network', 'port', 'services', 'time'])
            self.assertEqual(a['services'], p2p.NODE_NETWORK | p2p.NODE_WITNESS)
            self.assertEqual(a['time'], self.mocktime)
        self.assertEqual(len(node.getnodeaddresses(2)), 2)
        self.assertEqual(len(node.getnodeaddresses()), 1)
        self.assertEqual([a['address'] for a in node.getnodeaddresses(0, 'ipv6')], ['1234:5678::9'])
        self.assertEqual(len(node.getnodeaddresses(0, 'ipv4')), 2)
        self.assertEqual(node.getnodeaddresses(0, 'onion'), [])
        self.assert_rpc_error(-8, 'Address count out of range', node.getnodeaddresses, -1)
        self.assert_rpc_error(-8, 'Network not recognized: foo', node.getnodeaddresses, 1, 'foo')

    def test_peers_dat_kept(self):
        node = self.node
        added = []
        for i in range(40):
            ip = f'{20 + i}.{i}.2.3'
            if node.addpeeraddress(ip, 6333 + i, i % 4 == 0)['success']:
                added.append((ip, 6333 + i))
        self.assertGreaterEqual(len(added), 35)
        before = sorted(node.getnodeaddresses(0), key=lambda a: (a['address'], a['port']))
        self.assertEqual([(a['address'], a['port']) for a in before], sorted(added))
        info_before = node.getaddrmaninfo()
        node.stop()
        node.start()
        node.wait_for_rpc()
        node.setmocktime(self.mocktime)
        after = sorted(node.getnodeaddresses(0), key=lambda a: (a['address'], a['port']))
        self.assertEqual(after, before)
        self.assertEqual(node.getaddrmaninfo(), info_before)


if __name__ == '__main__':
    test_framework.main()
