#!/usr/bin/env python3
"""Bans, disconnections and manual connections, as Umkoin Core v31.0 handles
them over RPC: setban add/remove of addresses and subnets, relative and
absolute ban times, the default -bantime, listbanned's fields and order,
expiry, clearbanned and the errors for bad input; a ban drops the banned
peers' connections and refuses new ones; banlist.json written at once,
kept across a restart, and recreated when missing or unreadable (bad
entries dropped); disconnectnode by address and by node id and its errors;
addnode add/remove/onetry with getaddednodeinfo and their errors;
setnetworkactive dropping every connection and refusing new ones;
getnettotals, getconnectioncount and getnetworkinfo's connection counts.

Usage: p2p_disconnect_ban.py --node PATH/TO/umkoin-node
"""
import json
import os
import socket
import time

import test_framework
from test_framework import p2p_address

DEFAULT_BANTIME = 86400                 # -bantime: 24 hours
BAN_FIELDS = ['address', 'ban_created', 'banned_until', 'ban_duration', 'time_remaining']
ALREADY_BANNED = 'Error: IP/Subnet already banned'
INVALID_SUBNET = 'Error: Invalid IP/Subnet'
UNBAN_FAILED = 'Error: Unban failed. Requested address/subnet was not previously manually banned.'
PAST_TIMESTAMP = 'Error: Absolute timestamp is in the past'
ONLY_ONE = 'Only one of address and nodeid should be provided.'
NOT_CONNECTED = 'Node not found in connected nodes'
ALREADY_ADDED = 'Error: Node already added'
NOT_ADDED_REMOVE = 'Error: Node could not be removed. It has not been added previously.'
NOT_ADDED_INFO = 'Error: Node has not been added.'


def closed_on_us(node, timeout=10):
    """Opens a TCP connection to node's P2P port, sends nothing, and reports
    whether node closes it at once (True): what it does to an inbound
    connection it refuses. A node that takes the connection waits for the
    handshake instead, and this returns False after `timeout` seconds."""
    with socket.create_connection(('127.0.0.1', node.p2p_port), timeout=timeout) as s:
        try:
            return s.recv(1) == b''
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False


class BanTestCase(test_framework.TestCase):
    num_nodes = 2

    def banlist_path(self, node):
        return os.path.join(node.chaindir, 'banlist.json')

    def banlist_file(self, node):
        """banned_nets of node's banlist.json."""
        with open(self.banlist_path(node)) as f:
            return json.load(f)['banned_nets']

    def addresses(self, node):
        return [b['address'] for b in node.listbanned()]

    def restart(self, node, extra_args=None):
        node.stop()
        node.start(extra_args)
        node.wait_for_rpc()


class SetBan(BanTestCase):
    num_nodes = 1

    def test_setban_and_listbanned(self):
        node = self.nodes[0]
        self.assertEqual(node.listbanned(), [])
        now = int(time.time())
        node.setmocktime(now)

        # A single address: /32, banned for the default 24 hours.
        self.assertIsNone(node.setban('127.0.0.2', 'add'))
        [ban] = node.listbanned()
        self.assertEqual(list(ban), BAN_FIELDS)
        self.assertEqual(ban, {'address': '127.0.0.2/32', 'ban_created': now,
                               'banned_until': now + DEFAULT_BANTIME, 'ban_duration': DEFAULT_BANTIME,
                               'time_remaining': DEFAULT_BANTIME})
        # A relative ban time, named parameters too; 0 or less means the default.
        self.assertIsNone(node.setban('127.0.1.0/24', 'add', 1000))
        self.assertIsNone(node.setban(subnet='127.0.0.3', command='add', bantime=-5))
        self.assertIsNone(node.setban('127.0.0.4', 'add', 0, False))
        # An absolute end (seconds since the epoch), and a netmask written out.
        self.assertIsNone(node.setban('127.0.2.0/255.255.255.0', 'add', now + 500, True))
        self.assertIsNone(node.setban('::1', 'add', 20))
        # A narrower subnet is a ban of its own, though the /24 covers it.
        self.assertIsNone(node.setban('127.0.1.0/25', 'add'))

        node.setmocktime(now + 7)
        bans = node.listbanned()
        # Sorted by network, then address, then netmask.
        self.assertEqual([b['address'] for b in bans],
                         ['127.0.0.2/32', '127.0.0.3/32', '127.0.0.4/32', '127.0.1.0/24', '127.0.1.0/25',
                          '127.0.2.0/24', '::1/128'])
        durations = {'127.0.0.2/32': DEFAULT_BANTIME, '127.0.0.3/32': DEFAULT_BANTIME,
                     '127.0.0.4/32': DEFAULT_BANTIME, '127.0.1.0/24': 1000, '127.0.1.0/25': DEFAULT_BANTIME,
                     '127.0.2.0/24': 500, '::1/128': 20}
        for b in bans:
            d = durations[b['address']]
            self.assertEqual((b['ban_created'], b['banned_until'], b['ban_duration'], b['time_remaining']),
                             (now, now + d, d, d - 7), b['address'])

        # Already banned: the same subnet, or an address inside a banned one.
        for subnet in ('127.0.0.2', '127.0.0.2/32', '127.0.1.0/24', '127.0.1.77', '::1', '127.0.2.9'):
            self.assert_rpc_error(-23, ALREADY_BANNED, node.setban, subnet, 'add')
        # Not an address or subnet (no name lookups either).
        for subnet in ('', 'foo', 'localhost', '127.0.0.1/33', '127.0.0.1/42', '256.0.0.1', '127.0.0.1:80',
                       '127.0.0.0/255.0.255.0', '::1/129'):
            self.assert_rpc_error(-30, INVALID_SUBNET, node.setban, subnet, 'add')
            self.assert_rpc_error(-30, INVALID_SUBNET, node.setban, subnet, 'remove')
        self.assert_rpc_error(-8, PAST_TIMESTAMP, node.setban, '127.0.3.1', 'add', now + 6, True)
        self.assert_rpc_error(-8, PAST_TIMESTAMP, node.setban, '127.0.3.1', 'add', 123, True)
        # Removing needs that very entry: an address inside a banned subnet
        # is not one.
        for subnet in ('127.0.3.1', '127.0.1.5', '127.0.1.0/23'):
            self.assert_rpc_error(-30, UNBAN_FAILED, node.setban, subnet, 'remove')
        # Neither add nor remove: the help text, as a plain error.
        err = self.assert_rpc_error(-1, None, node.setban, '127.0.3.1', 'ban')
        self.assertTrue(err.message.startswith('setban "subnet" "command" ( bantime absolute )'), err.message)
        self.assertEqual(len(node.listbanned()), 7)

        # Expired bans leave the list; the address can be banned again.
        node.setmocktime(now + 21)
        self.assertNotIn('::1/128', self.addresses(node))
        self.assertIsNone(node.setban('::1', 'add', 1000))
        self.assertEqual(node.listbanned()[-1]['ban_created'], now + 21)
        node.setmocktime(now + 501)
        self.assertNotIn('127.0.2.0/24', self.addresses(node))

        # Removing one ban.
        self.assertIsNone(node.setban('127.0.1.0/24', 'remove'))
        self.assertIsNone(node.setban('127.0.0.3', 'remove'))
        self.assertEqual(self.addresses(node), ['127.0.0.2/32', '127.0.0.4/32', '127.0.1.0/25', '::1/128'])
        self.assert_rpc_error(-30, UNBAN_FAILED, node.setban, '127.0.1.0/24', 'remove')
        # Each change is on disk at once.
        self.assertEqual([b['address'] for b in self.banlist_file(node)], self.addresses(node))

        self.assertIsNone(node.clearbanned())
        self.assertEqual(node.listbanned(), [])
        self.assertEqual(self.banlist_file(node), [])
        self.assertIsNone(node.clearbanned())


class Banning(BanTestCase):
    def test_ban_drops_and_refuses(self):
        a, b = self.nodes
        self.connect_nodes(a, b)
        self.connect_nodes(b, a)
        self.assertEqual([a.getconnectioncount(), b.getconnectioncount()], [2, 2])

        # b bans a's address (all nodes are 127.0.0.1): both connections go.
        b.setban('127.0.0.1', 'add')
        self.wait_until(lambda: a.getconnectioncount() == 0 and b.getconnectioncount() == 0)
        self.assertEqual(b.getpeerinfo(), [])
        # New connections from there are closed at once ...
        self.assertTrue(closed_on_us(b))
        # ... also a's: dialling b gets it no peer.
        a.addnode(p2p_address(b), 'onetry')
        self.wait_until(lambda: a.getconnectioncount() == 0)
        self.assertEqual(b.getconnectioncount(), 0)
        # a itself did not ban anyone and still takes connections.
        self.assertEqual(a.listbanned(), [])
        self.assertFalse(closed_on_us(a, timeout=1))

        # Unbanned, they connect again.
        b.setban('127.0.0.1', 'remove')
        self.connect_nodes(a, b)
        self.assertEqual(b.getconnectioncount(), 1)

        # A subnet ban covering the address does the same.
        b.setban('127.0.0.0/8', 'add', 600)
        self.wait_until(lambda: a.getconnectioncount() == 0 and b.getconnectioncount() == 0)
        self.assertTrue(closed_on_us(b))
        b.clearbanned()
        self.connect_nodes(b, a)
        self.assertEqual(a.getconnectioncount(), 1)


class BanList(BanTestCase):
    num_nodes = 1

    def test_banlist_persists(self):
        node = self.nodes[0]
        now = int(time.time())
        node.setmocktime(now)
        node.setban('127.0.0.2', 'add')
        node.setban('127.0.1.0/24', 'add', 100_000)
        node.setban('::1', 'add', now + 50_000, True)
        node.setban('127.0.0.9', 'add', 10)
        # The file holds what listbanned shows, without the derived fields.
        on_disk = self.banlist_file(node)
        self.assertEqual(on_disk, [{'version': 1, 'ban_created': b['ban_created'],
                                    'banned_until': b['banned_until'], 'address': b['address']}
                                   for b in node.listbanned()])
        node.setmocktime(now + 11)                 # the 10-second ban is over
        before = node.listbanned()
        self.assertEqual([b['address'] for b in before], ['127.0.0.2/32', '127.0.1.0/24', '::1/128'])

        # Across a restart (on the real clock, a moment later): the same bans.
        self.restart(node)
        after = node.listbanned()
        keep = ('address', 'ban_created', 'banned_until', 'ban_duration')
        self.assertEqual([{k: b[k] for k in keep} for b in after], [{k: b[k] for k in keep} for b in before])
        for b in after:
            self.assertLessEqual(b['time_remaining'], b['banned_until'] - now)
            self.assertGreater(b['time_remaining'], b['banned_until'] - now - 600)
        self.assert_rpc_error(-23, ALREADY_BANNED, node.setban, '127.0.1.1', 'add')

        # A missing file is recreated, empty, at start-up.
        node.stop()
        os.remove(self.banlist_path(node))
        node.start()
        node.wait_for_rpc()
        self.assertEqual(node.listbanned(), [])
        self.assertEqual(self.banlist_file(node), [])

        # An unreadable one too (the node still starts).
        node.stop()
        with open(self.banlist_path(node), 'w') as f:
            f.write('{"banned_nets": [{"version": 1, "address"')
        node.start()
        node.wait_for_rpc()
        self.assertEqual(node.listbanned(), [])
        self.assertEqual(self.banlist_file(node), [])

        # Entries of an unknown version, with an address that does not parse,
        # or already expired are dropped; the others are kept.
        node.stop()
        now = int(time.time())
        entries = [
            {'version': 1, 'ban_created': now, 'banned_until': now + 3600, 'address': '127.0.5.0/24'},
            {'version': 2, 'ban_created': now, 'banned_until': now + 3600, 'address': '127.0.6.1/32'},
            {'version': 1, 'ban_created': now, 'banned_until': now + 3600, 'address': 'not an address'},
            {'version': 1, 'ban_created': now - 7200, 'banned_until': now - 3600, 'address': '127.0.7.1/32'},
            {'version': 1, 'ban_created': now, 'banned_until': now + 7200, 'address': '::2'},
        ]
        with open(self.banlist_path(node), 'w') as f:
            json.dump({'banned_nets': entries}, f)
        # -bantime sets the default ban time.
        node.start(['-bantime=600'])
        node.wait_for_rpc()
        bans = node.listbanned()
        self.assertEqual([(b['address'], b['ban_created'], b['banned_until']) for b in bans],
                         [('127.0.5.0/24', now, now + 3600), ('::2/128', now, now + 7200)])
        node.setban('127.0.0.2', 'add')
        [ban] = [b for b in node.listbanned() if b['address'] == '127.0.0.2/32']
        self.assertEqual(ban['ban_duration'], 600)
        node.stop()
        self.assertEqual([b['address'] for b in self.banlist_file(node)],
                         ['127.0.0.2/32', '127.0.5.0/24', '::2/128'])


class Disconnect(BanTestCase):
    def test_disconnectnode(self):
        a, b = self.nodes
        out_a, _ = self.connect_nodes(a, b)
        out_b, in_a = self.connect_nodes(b, a)
        self.assertEqual(out_a['addr'], p2p_address(b))
        self.assertEqual(a.getconnectioncount(), 2)

        self.assert_rpc_error(-32602, ONLY_ONE, a.disconnectnode, address=out_a['addr'], nodeid=out_a['id'])
        self.assert_rpc_error(-32602, ONLY_ONE, a.disconnectnode, out_a['addr'], out_a['id'])
        self.assert_rpc_error(-32602, ONLY_ONE, a.disconnectnode)
        for address in ('221B Baker Street', '127.0.0.1', f'127.0.0.2:{b.p2p_port}', '127.0.0.1:1'):
            self.assert_rpc_error(-29, NOT_CONNECTED, a.disconnectnode, address)
        self.assert_rpc_error(-29, NOT_CONNECTED, a.disconnectnode, nodeid=999)
        self.assert_rpc_error(-29, NOT_CONNECTED, a.disconnectnode, '', 999)
        self.assertEqual(a.getconnectioncount(), 2)

        # By address: the outbound one, as dialled.
        self.assertIsNone(a.disconnectnode(out_a['addr']))
        self.wait_until(lambda: b.getconnectioncount() == 1 and a.getconnectioncount() == 1)
        self.assertEqual([p['id'] for p in a.getpeerinfo()], [in_a['id']])
        self.assertEqual([p['id'] for p in b.getpeerinfo()], [out_b['id']])
        self.assert_rpc_error(-29, NOT_CONNECTED, a.disconnectnode, out_a['addr'])
        # An inbound one by its address (b's outgoing port).
        self.assertIsNone(a.disconnectnode(address=in_a['addr']))
        self.wait_until(lambda: b.getconnectioncount() == 0 and a.getconnectioncount() == 0)

        # By node id: named, and positional after an empty address.
        first, _ = self.connect_nodes(a, b)
        second, _ = self.connect_nodes(b, a)
        self.assertNotIn(first['id'], (out_a['id'], in_a['id']))     # ids are not reused
        self.assertIsNone(a.disconnectnode(nodeid=first['id']))
        self.wait_until(lambda: b.getconnectioncount() == 1)
        self.assertIsNone(b.disconnectnode('', second['id']))
        self.wait_until(lambda: a.getconnectioncount() == 0 and b.getconnectioncount() == 0)
        self.assert_rpc_error(-29, NOT_CONNECTED, a.disconnectnode, nodeid=first['id'])


class AddNode(BanTestCase):
    def test_addnode(self):
        a, b = self.nodes
        target = p2p_address(b)
        self.assertEqual(a.getaddednodeinfo(), [])

        # add: the node keeps dialling it by itself.
        self.assertIsNone(a.addnode(target, 'add'))
        self.assert_rpc_error(-23, ALREADY_ADDED, a.addnode, target, 'add')
        connected = {'addednode': target, 'connected': True,
                     'addresses': [{'address': target, 'connected': 'outbound'}]}
        self.wait_until(lambda: a.getaddednodeinfo() == [connected])
        self.assertEqual(a.getaddednodeinfo(target), [connected])
        [peer] = a.getpeerinfo()
        self.assertEqual((peer['addr'], peer['inbound'], peer['connection_type']), (target, False, 'manual'))
        self.wait_until(lambda: b.getconnectioncount() == 1)
        self.assertIs(b.getpeerinfo()[0]['inbound'], True)

        self.assert_rpc_error(-24, NOT_ADDED_INFO, a.getaddednodeinfo, '127.0.0.1:1')
        self.assert_rpc_error(-24, NOT_ADDED_INFO, a.getaddednodeinfo, f'127.0.0.1:{b.p2p_port + 1}')
        self.assert_rpc_error(-24, NOT_ADDED_REMOVE, a.addnode, '127.0.0.1:1', 'remove')
        err = self.assert_rpc_error(-1, None, a.addnode, target, 'connect')
        self.assertTrue(err.message.startswith('addnode "node" "command"'), err.message)

        # remove: gone from the list (getaddednodeinfo), twice is an error.
        self.assertIsNone(a.addnode(target, 'remove'))
        self.assertEqual(a.getaddednodeinfo(), [])
        self.assert_rpc_error(-24, NOT_ADDED_INFO, a.getaddednodeinfo, target)
        self.assert_rpc_error(-24, NOT_ADDED_REMOVE, a.addnode, target, 'remove')

        # An added node that is not connected (nobody listens on its port).
        dead = f'127.0.0.1:{test_framework.free_port()}'
        self.assertIsNone(b.addnode(dead, 'add'))
        self.assertEqual(b.getaddednodeinfo(dead), [{'addednode': dead, 'connected': False, 'addresses': []}])
        self.assertIsNone(b.addnode(dead, 'remove'))

        # onetry: a manual connection that is not in the list.
        self.disconnect_nodes(a, b)
        out_b, _ = self.connect_nodes(b, a)
        self.assertEqual(out_b['connection_type'], 'manual')
        self.assertEqual(b.getaddednodeinfo(), [])
        self.assertEqual(a.getaddednodeinfo(), [])


class Network(BanTestCase):
    def test_network_active_and_counters(self):
        a, b = self.nodes
        info = a.getnettotals()
        self.assertEqual(list(info), ['totalbytesrecv', 'totalbytessent', 'timemillis', 'uploadtarget'])
        self.assertEqual((info['totalbytesrecv'], info['totalbytessent']), (0, 0))
        self.assertLess(abs(info['timemillis'] - time.time() * 1000), 60_000)
        self.assertEqual(info['uploadtarget'], {'timeframe': 86400, 'target': 0, 'target_reached': False,
                                                'serve_historical_blocks': True, 'bytes_left_in_cycle': 0,
                                                'time_left_in_cycle': 0})
        self.assertEqual(a.getconnectioncount(), 0)
        net = a.getnetworkinfo()
        self.assertEqual((net['networkactive'], net['connections'], net['connections_in'],
                          net['connections_out']), (True, 0, 0, 0))

        self.connect_nodes(a, b)
        self.assertEqual([a.getconnectioncount(), b.getconnectioncount()], [1, 1])
        na, nb = a.getnetworkinfo(), b.getnetworkinfo()
        self.assertEqual((na['connections'], na['connections_in'], na['connections_out']), (1, 0, 1))
        self.assertEqual((nb['connections'], nb['connections_in'], nb['connections_out']), (1, 1, 0))
        # The totals cover at least what the peer has exchanged so far.
        [peer] = a.getpeerinfo()
        totals = a.getnettotals()
        self.assertGreaterEqual(totals['totalbytesrecv'], peer['bytesrecv'])
        self.assertGreaterEqual(totals['totalbytessent'], peer['bytessent'])
        self.assertGreater(peer['bytesrecv'], 0)
        self.assertGreater(peer['bytessent'], 0)
        # Ten blocks from b: a receives at least their headers' worth more.
        b.generatetoaddress(10, 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9')
        self.sync_blocks()
        later = a.getnettotals()
        self.assertGreater(later['totalbytesrecv'], totals['totalbytesrecv'] + 10 * 80)
        self.assertGreater(later['totalbytessent'], totals['totalbytessent'])
        self.assertGreater(b.getnettotals()['totalbytessent'], 10 * 80)

        # Network off: every connection goes, none are made or taken.
        self.assertIs(a.setnetworkactive(False), False)
        self.assertIs(a.getnetworkinfo()['networkactive'], False)
        self.wait_until(lambda: a.getconnectioncount() == 0 and b.getconnectioncount() == 0)
        self.assertTrue(closed_on_us(a))
        a.addnode(p2p_address(b), 'onetry')
        b.addnode(p2p_address(a), 'onetry')
        self.wait_until(lambda: b.getconnectioncount() == 0 and a.getconnectioncount() == 0)
        self.assertIs(a.setnetworkactive(False), False)          # no change, no error
        # The totals stay (they count over the node's lifetime).
        self.assertGreaterEqual(a.getnettotals()['totalbytesrecv'], later['totalbytesrecv'])

        # Back on: connections work again.
        self.assertIs(a.setnetworkactive(True), True)
        self.assertIs(a.getnetworkinfo()['networkactive'], True)
        self.connect_nodes(b, a)
        self.connect_nodes(a, b)
        self.assertEqual([a.getconnectioncount(), b.getconnectioncount()], [2, 2])


if __name__ == '__main__':
    test_framework.main()
