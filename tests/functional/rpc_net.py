#!/usr/bin/env python3
"""The network RPC methods as Umkoin Core v31.0's rpc/net.cpp has them (and
setmocktime of rpc/node.cpp): result members and their order and types,
errors for bad input, on two nodes connected to each other:

- getconnectioncount, getpeerinfo (both ends of a connection, a peer that
  sent nothing yet, unknown service bits), ping, getnettotals;
- getnetworkinfo (also with -proxy, -onlynet, -proxyrandomize);
- addnode add/remove/onetry and getaddednodeinfo, disconnectnode by
  address and by id;
- setban, listbanned, clearbanned (subnets, absolute and relative times,
  persistence across a restart, peers dropped when banned);
- setnetworkactive;
- addpeeraddress, getnodeaddresses, getaddrmaninfo, getrawaddrman (and where
  -test=addrman places addresses, as umkoind does);
- the hidden test methods addconnection, sendmsgtopeer, setmocktime.

Written to pass against umkoind as well (the nodes run with -v2transport=0,
so both speak the v1 transport):

    rpc_net.py --node PATH/TO/umkoin-node
    rpc_net.py --node PATH/TO/umkoind --cli PATH/TO/umkoin-cli
"""
import decimal
import re
import time

import peer as p2p
import test_framework
from test_framework import connect_nodes, p2p_address

# getpeerinfo's members in Core's order; startingheight only with
# -deprecatedrpc=startingheight; pingtime, minping, pingwait, addrbind,
# addrlocal and mapped_as only when there is something to show.
PEER_KEYS = [
    'id', 'addr', 'addrbind', 'network', 'services', 'servicesnames', 'relaytxes',
    'last_inv_sequence', 'inv_to_send', 'lastsend', 'lastrecv', 'last_transaction',
    'last_block', 'bytessent', 'bytesrecv', 'conntime', 'timeoffset', 'pingtime', 'minping',
    'pingwait', 'version', 'subver', 'inbound', 'bip152_hb_to', 'bip152_hb_from',
    'startingheight', 'presynced_headers', 'synced_headers', 'synced_blocks', 'inflight',
    'addr_relay_enabled', 'addr_processed', 'addr_rate_limited', 'permissions', 'minfeefilter',
    'bytessent_per_msg', 'bytesrecv_per_msg', 'connection_type', 'transport_protocol_type',
    'session_id',
]
OPTIONAL_PEER_KEYS = {'addrbind', 'pingtime', 'minping', 'pingwait', 'startingheight'}

NETWORK_INFO_KEYS = [
    'version', 'subversion', 'protocolversion', 'localservices', 'localservicesnames',
    'localrelay', 'timeoffset', 'networkactive', 'connections', 'connections_in',
    'connections_out', 'networks', 'relayfee', 'incrementalfee', 'localaddresses', 'warnings',
]
NETWORKS = ['ipv4', 'ipv6', 'onion', 'i2p', 'cjdns']

SERVICE_BITS = {'NETWORK': 1, 'BLOOM': 1 << 2, 'WITNESS': 1 << 3, 'COMPACT_FILTERS': 1 << 6,
                'NETWORK_LIMITED': 1 << 10, 'P2P_V2': 1 << 11}
# What getnodeaddresses reports for addpeeraddress entries: NETWORK | WITNESS.
P2P_SERVICES = 1 | 1 << 3
ONION = 'nrfj6inpyf73gpkyool35hcmne5zwfmse3jl3aw23vk7chdemalyaqad.onion'
ADDRESS = 'bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85'
MAX_MOCKTIME = 9223372036


def services_from_names(names):
    value = 0
    for name in names:
        m = re.fullmatch(r'UNKNOWN\[2\^(\d+)\]', name)
        value |= 1 << int(m.group(1)) if m else SERVICE_BITS[name]
    return value


class NetBase(p2p.PeerTestCase):
    num_nodes = 2
    extra_args = [['-v2transport=0', '-minrelaytxfee=0.00001000',
                   '-deprecatedrpc=startingheight'],
                  ['-v2transport=0', '-minrelaytxfee=0.00000500', '-uacomment=rpcnet']]

    def link(self):
        """node0 dials node1; returns (node0's entry, node1's entry)."""
        return connect_nodes(self.nodes[0], self.nodes[1])

    def assert_help_error(self, method, *args, code=-1, **named):
        """A call that fails with the method's help text as its message."""
        e = self.assert_rpc_error(code, None, getattr(self.nodes[0], method), *args, **named)
        self.assertEqual(e.message, self.nodes[0].help(method))


class Peers(NetBase):
    def check_peer_shape(self, info, startingheight):
        keys = [k for k in PEER_KEYS if k in info]
        self.assertEqual(list(info), keys, 'members out of order or unknown')
        for k in PEER_KEYS:
            if k not in OPTIONAL_PEER_KEYS:
                self.assertIn(k, info)
        self.assertEqual('startingheight' in info, startingheight)
        for k in ('id', 'last_inv_sequence', 'inv_to_send', 'lastsend', 'lastrecv',
                  'last_transaction', 'last_block', 'bytessent', 'bytesrecv', 'conntime',
                  'timeoffset', 'version', 'presynced_headers', 'synced_headers', 'synced_blocks',
                  'addr_processed', 'addr_rate_limited'):
            self.assertIsInstance(info[k], int, k)
        for k in ('relaytxes', 'inbound', 'bip152_hb_to', 'bip152_hb_from', 'addr_relay_enabled'):
            self.assertIsInstance(info[k], bool, k)
        for k in ('pingtime', 'minping', 'pingwait'):
            if k in info:
                self.assertIsInstance(info[k], (int, decimal.Decimal), k)
                self.assertGreaterEqual(info[k], 0)
        self.assertRegex(info['services'], r'^[0-9a-f]{16}$')
        self.assertEqual(services_from_names(info['servicesnames']), int(info['services'], 16))
        self.assertIsInstance(info['minfeefilter'], (int, decimal.Decimal))
        self.assertEqual(info['network'], 'not_publicly_routable')
        self.assertEqual(info['permissions'], [])
        self.assertIsInstance(info['inflight'], list)
        for k in ('bytessent_per_msg', 'bytesrecv_per_msg'):
            per_msg = info[k]
            self.assertEqual(list(per_msg), sorted(per_msg), k)
            self.assertTrue(all(isinstance(v, int) and v > 0 for v in per_msg.values()), k)
        # Received messages are counted once read whole, so they never add up
        # to more than the bytes read. (Sent ones are counted when queued and
        # may run ahead of bytessent; see wait_link_quiet.)
        self.assertLessEqual(sum(info['bytesrecv_per_msg'].values()), info['bytesrecv'])
        self.assertEqual(info['transport_protocol_type'], 'v1')
        self.assertEqual(info['session_id'], '')

    def wait_link_quiet(self, node):
        """Once the handshake's messages are all written and read, every byte
        of a v1 link belongs to a message: each table adds up to its total."""
        def quiet():
            peers = node.getpeerinfo()
            return len(peers) == 1 and all(
                sum(peers[0][f'{k}_per_msg'].values()) == peers[0][k]
                for k in ('bytessent', 'bytesrecv'))
        self.wait_until(quiet, message='per-message bytes never matched the totals')

    def test_getpeerinfo_both_ends(self):
        node0, node1 = self.nodes
        self.assertEqual(node0.getconnectioncount(), 0)
        self.assertEqual(node0.getpeerinfo(), [])
        out, inb = self.link()
        self.assertEqual(node0.getconnectioncount(), 1)
        self.assertEqual(node1.getconnectioncount(), 1)
        self.check_peer_shape(out, startingheight=True)
        self.check_peer_shape(inb, startingheight=False)
        self.wait_link_quiet(node0)
        self.wait_link_quiet(node1)
        # Each side's bind address is the other side's peer address.
        self.assertEqual(out['addr'], p2p_address(node1))
        self.assertEqual(out['addrbind'], inb['addr'])
        self.assertEqual(inb['addrbind'], out['addr'])
        self.assertEqual((out['inbound'], inb['inbound']), (False, True))
        self.assertEqual((out['connection_type'], inb['connection_type']), ('manual', 'inbound'))
        self.assertEqual(out['version'], 70016)
        self.assertEqual(out['subver'], node1.getnetworkinfo()['subversion'])
        self.assertEqual(inb['subver'], node0.getnetworkinfo()['subversion'])
        self.assertTrue(out['subver'].endswith('(rpcnet)/'), out['subver'])
        self.assertEqual(out['startingheight'], 0)
        for info in (out, inb):
            self.assertGreater(info['bytessent_per_msg']['version'], 0)
            self.assertGreater(info['bytesrecv_per_msg']['verack'], 0)
            self.assertIn('minping', info)
            self.assertAlmostEqual(info['conntime'], time.time(), delta=60)
            self.assertEqual(info['inflight'], [])
        self.assertEqual(node0.ping(), None)
        self.assert_help_error('getpeerinfo', 1)
        # The networks the help names.
        self.assertIn('(ipv4, ipv6, onion, i2p, cjdns, not_publicly_routable)',
                      node0.help('getpeerinfo'))

    def test_peer_without_version(self):
        node = self.nodes[0]
        conntime = int(time.time())
        node.setmocktime(conntime)
        conn = self.add_peer(node, handshake=False)
        self.wait_until(lambda: self.peer_info(node, conn) is not None)
        node.setmocktime(0)
        info = self.peer_info(node, conn)
        self.check_peer_shape(info, startingheight=True)
        for k in ('id', 'addr', 'addrbind', 'bytessent', 'bytesrecv'):
            info.pop(k, None)
        self.assertEqual(info, {
            'addr_processed': 0, 'addr_rate_limited': 0, 'addr_relay_enabled': False,
            'bip152_hb_from': False, 'bip152_hb_to': False, 'bytesrecv_per_msg': {},
            'bytessent_per_msg': {}, 'connection_type': 'inbound', 'conntime': conntime,
            'inbound': True, 'inflight': [], 'last_block': 0, 'last_transaction': 0,
            'lastrecv': 0, 'lastsend': 0, 'minfeefilter': decimal.Decimal('0E-8'),
            'network': 'not_publicly_routable', 'permissions': [], 'presynced_headers': -1,
            'relaytxes': False, 'inv_to_send': 0, 'last_inv_sequence': 0,
            'services': '0000000000000000', 'servicesnames': [], 'session_id': '',
            'startingheight': -1, 'subver': '', 'synced_blocks': -1, 'synced_headers': -1,
            'timeoffset': 0, 'transport_protocol_type': 'v1', 'version': 0,
        })

    def test_unknown_service_bits(self):
        node = self.nodes[0]
        conn = self.add_peer(node, services=(1 << 4) | (1 << 63))
        info = self.peer_info(node, conn)
        self.assertEqual(info['services'], '8000000000000010')
        self.assertEqual(info['servicesnames'], ['UNKNOWN[2^4]', 'UNKNOWN[2^63]'])
        self.assertEqual(info['subver'], p2p.USER_AGENT)

    def test_ping_and_nettotals(self):
        node0 = self.nodes[0]
        totals = node0.getnettotals()
        self.assertEqual(list(totals), ['totalbytesrecv', 'totalbytessent', 'timemillis',
                                        'uploadtarget'])
        self.assertEqual(totals['uploadtarget'], {
            'timeframe': 86400, 'target': 0, 'target_reached': False,
            'serve_historical_blocks': True, 'bytes_left_in_cycle': 0, 'time_left_in_cycle': 0})
        self.assertAlmostEqual(totals['timemillis'], time.time() * 1000, delta=60_000)
        # The system clock, not the mock time.
        node0.setmocktime(1_500_000_000)
        self.assertAlmostEqual(node0.getnettotals()['timemillis'], time.time() * 1000,
                               delta=60_000)
        node0.setmocktime(0)

        self.link()
        before = node0.getnettotals()
        [peer] = node0.getpeerinfo()
        self.assertEqual(node0.ping(), None)
        # A ping and a pong are 32 bytes each on the v1 transport.
        self.wait_until(lambda: node0.getnettotals()['totalbytessent']
                        >= before['totalbytessent'] + 32)
        self.wait_until(lambda: node0.getnettotals()['totalbytesrecv']
                        >= before['totalbytesrecv'] + 32)

        def pong_bytes():
            return node0.getpeerinfo()[0]['bytesrecv_per_msg'].get('pong', 0)
        self.wait_until(lambda: pong_bytes() >= peer['bytesrecv_per_msg'].get('pong', 0) + 32)
        after = node0.getpeerinfo()[0]
        self.assertGreaterEqual(after['bytessent_per_msg']['ping'],
                                peer['bytessent_per_msg'].get('ping', 0) + 32)
        self.assert_help_error('ping', 1)
        self.assert_help_error('getnettotals', 'x')
        self.assert_help_error('getconnectioncount', 1)


class NetworkInfo(NetBase):
    def test_getnetworkinfo(self):
        node0, node1 = self.nodes
        info = node0.getnetworkinfo()
        self.assertEqual(list(info), NETWORK_INFO_KEYS)
        self.assertIsInstance(info['version'], int)
        self.assertRegex(info['subversion'], r'^/[^/:]+:[0-9.]+/$')
        self.assertRegex(node1.getnetworkinfo()['subversion'], r'^/[^/:]+:[0-9.]+\(rpcnet\)/$')
        self.assertEqual(info['protocolversion'], 70016)
        # NETWORK, WITNESS, NETWORK_LIMITED; no P2P_V2 with -v2transport=0.
        self.assertEqual(info['localservices'], '0000000000000409')
        self.assertEqual(info['localservicesnames'], ['NETWORK', 'WITNESS', 'NETWORK_LIMITED'])
        self.assertIs(info['localrelay'], True)
        self.assertEqual(info['timeoffset'], 0)
        self.assertIs(info['networkactive'], True)
        self.assertEqual((info['connections'], info['connections_in'], info['connections_out']),
                         (0, 0, 0))
        self.assertEqual([n['name'] for n in info['networks']], NETWORKS)
        for n in info['networks']:
            self.assertEqual(list(n), ['name', 'limited', 'reachable', 'proxy',
                                       'proxy_randomize_credentials'])
            reachable = n['name'] in ('ipv4', 'ipv6')
            self.assertEqual((n['limited'], n['reachable']), (not reachable, reachable), n)
            self.assertEqual((n['proxy'], n['proxy_randomize_credentials']), ('', False), n)
        self.assertEqual(info['relayfee'], decimal.Decimal('0.00001000'))
        self.assertEqual(info['incrementalfee'], decimal.Decimal('0.00000100'))
        self.assertEqual(node1.getnetworkinfo()['relayfee'], decimal.Decimal('0.00000500'))
        self.assertEqual(info['localaddresses'], [])
        self.assertEqual(info['warnings'], [])

        self.link()
        connect_nodes(node1, node0)
        info = node0.getnetworkinfo()
        self.assertEqual((info['connections'], info['connections_in'], info['connections_out']),
                         (2, 1, 1))
        self.assertIn('(ipv4, ipv6, onion, i2p, cjdns)', node0.help('getnetworkinfo'))
        self.assert_help_error('getnetworkinfo', 1)

    def test_proxy_and_onlynet(self):
        node = self.nodes[1]
        node.stop()
        node.start(['-v2transport=0', '-proxy=127.0.0.1:9999', '-listen=1', '-onlynet=ipv4',
                    '-onlynet=onion', '-proxyrandomize=0', '-deprecatedrpc=warnings'])
        node.wait_for_rpc()
        info = node.getnetworkinfo()
        nets = {n['name']: n for n in info['networks']}
        expect = {  # reachable, proxy
            'ipv4': (True, '127.0.0.1:9999'),
            'ipv6': (False, '127.0.0.1:9999'),
            'onion': (True, '127.0.0.1:9999'),
            'i2p': (False, ''),
            'cjdns': (False, '127.0.0.1:9999'),
        }
        for name, (reachable, proxy) in expect.items():
            self.assertEqual(nets[name], {'name': name, 'limited': not reachable,
                                          'reachable': reachable, 'proxy': proxy,
                                          'proxy_randomize_credentials': False})
        # The old form of warnings: one string.
        self.assertEqual(info['warnings'], '')

        node.stop()
        node.start(['-v2transport=0', '-proxy=127.0.0.1:9999', '-listen=1', '-onion=0'])
        node.wait_for_rpc()
        nets = {n['name']: n for n in node.getnetworkinfo()['networks']}
        self.assertEqual(nets['ipv4']['proxy_randomize_credentials'], True)
        self.assertEqual((nets['onion']['reachable'], nets['onion']['proxy']), (False, ''))
        self.assertEqual(nets['onion']['proxy_randomize_credentials'], False)


class AddedNodes(NetBase):
    def test_addnode_getaddednodeinfo(self):
        node0, node1 = self.nodes
        self.assertEqual(node0.getaddednodeinfo(), [])
        target = p2p_address(node1)
        # onetry connects but does not add.
        self.link()
        self.assertEqual(node0.getaddednodeinfo(), [])

        self.assertIsNone(node0.addnode(node=target, command='add'))
        # The same address spelt differently is the same node.
        port = node1.p2p_port
        self.assert_rpc_error(-23, 'Error: Node already added', node0.addnode, f'127.1:{port}',
                              'add')
        self.assert_rpc_error(-23, 'Error: Node already added', node0.addnode, target, 'add')
        self.assertEqual(node0.getaddednodeinfo(), [{
            'addednode': target, 'connected': True,
            'addresses': [{'address': target, 'connected': 'outbound'}]}])
        node0.addnode('11.22.33.44', 'add')
        self.assertEqual(node0.getaddednodeinfo(target), node0.getaddednodeinfo()[:1])
        self.assertEqual(node0.getaddednodeinfo('11.22.33.44'), [
            {'addednode': '11.22.33.44', 'connected': False, 'addresses': []}])
        self.assertEqual(len(node0.getaddednodeinfo()), 2)

        self.assertIsNone(node0.addnode(node=target, command='remove'))
        self.assertEqual([n['addednode'] for n in node0.getaddednodeinfo()], ['11.22.33.44'])
        self.assert_rpc_error(-24, 'Error: Node could not be removed. It has not been added '
                              'previously.', node0.addnode, target, 'remove')
        self.assert_rpc_error(-24, 'Error: Node has not been added.', node0.getaddednodeinfo,
                              '1.1.1.1')
        # A command word it does not know: the help text.
        e = self.assert_rpc_error(-1, None, node0.addnode, node=target, command='abc')
        self.assertTrue(e.message.startswith('addnode "node" "command" ( v2transport )\n'))
        self.assertEqual(e.message, node0.help('addnode'))
        # v2 is off (-v2transport=0): asking for it fails, refusing it is fine.
        self.assert_rpc_error(-8, 'Error: v2transport requested but not enabled (see '
                              '-v2transport)', node0.addnode, target, 'onetry', True)
        self.assertIsNone(node0.addnode(target, 'onetry', False))
        # Types.
        self.assert_rpc_error(-3, 'is not of expected type string', node0.addnode, 5, 'add')
        self.assert_rpc_error(-3, 'is not of expected type string', node0.addnode, target, 1)
        self.assert_rpc_error(-3, 'is not of expected type bool', node0.addnode, target,
                              'onetry', 'yes')
        self.assert_rpc_error(-3, 'is not of expected type string', node0.getaddednodeinfo, 1)
        self.assert_help_error('addnode', target)
        self.assert_help_error('getaddednodeinfo', 'a', 'b')

    def test_added_node_connects(self):
        node0, node1 = self.nodes
        target = p2p_address(node1)
        node0.addnode(target, 'add')
        # The node dials added nodes itself.
        self.wait_until(lambda: node0.getaddednodeinfo()[0]['connected'], timeout=60)
        [info] = node0.getaddednodeinfo()
        self.assertEqual(info['addresses'], [{'address': target, 'connected': 'outbound'}])
        [peer] = node0.getpeerinfo()
        self.assertEqual((peer['addr'], peer['connection_type']), (target, 'manual'))

    def test_disconnectnode(self):
        node0, node1 = self.nodes
        out, inb = self.link()
        # Errors first, while connected.
        msg = 'Only one of address and nodeid should be provided.'
        self.assert_rpc_error(-32602, msg, node0.disconnectnode)
        self.assert_rpc_error(-32602, msg, node0.disconnectnode, out['addr'], out['id'])
        self.assert_rpc_error(-32602, msg, node0.disconnectnode, address=out['addr'],
                              nodeid=out['id'])
        self.assert_rpc_error(-29, 'Node not found in connected nodes', node0.disconnectnode,
                              '221B:Baker:Street')
        self.assert_rpc_error(-29, 'Node not found in connected nodes', node0.disconnectnode,
                              '127.0.0.1:1')
        # The name as connected, exactly: not the address without its port.
        self.assert_rpc_error(-29, 'Node not found in connected nodes', node0.disconnectnode,
                              '127.0.0.1')
        self.assert_rpc_error(-29, 'Node not found in connected nodes', node0.disconnectnode,
                              nodeid=out['id'] + 1000)
        self.assert_rpc_error(-29, 'Node not found in connected nodes', node0.disconnectnode,
                              '', out['id'] + 1000)
        self.assert_rpc_error(-3, 'is not of expected type number', node0.disconnectnode,
                              nodeid='x')
        self.assert_rpc_error(-3, 'is not of expected type string', node0.disconnectnode, 7)
        self.assertEqual(node0.getconnectioncount(), 1)

        # By address, as getpeerinfo shows it.
        self.assertIsNone(node0.disconnectnode(out['addr']))
        self.wait_until(lambda: node0.getconnectioncount() == 0
                        and node1.getconnectioncount() == 0)
        # By id (named), and by id with an empty address.
        out, _ = self.link()
        self.assertIsNone(node0.disconnectnode(nodeid=out['id']))
        self.wait_until(lambda: node0.getpeerinfo() == [])
        out, inb = self.link()
        self.assertIsNone(node1.disconnectnode('', inb['id']))
        self.wait_until(lambda: node0.getpeerinfo() == [] and node1.getpeerinfo() == [])


class Bans(NetBase):
    def test_setban_listbanned(self):
        node0, node1 = self.nodes
        now = int(time.time())
        node0.setmocktime(now)
        self.assertEqual(node0.listbanned(), [])
        self.assertIsNone(node0.setban('1.2.3.0/24', 'add'))
        [ban] = node0.listbanned()
        self.assertEqual(ban, {'address': '1.2.3.0/24', 'ban_created': now,
                               'banned_until': now + 86400, 'ban_duration': 86400,
                               'time_remaining': 86400})
        # Already covered: the subnet itself, or an address inside it.
        self.assert_rpc_error(-23, 'Error: IP/Subnet already banned', node0.setban,
                              '1.2.3.0/24', 'add')
        self.assert_rpc_error(-23, 'Error: IP/Subnet already banned', node0.setban, '1.2.3.4',
                              'add')
        # A different subnet around it is another ban.
        node0.setban('1.2.0.0/255.255.0.0', 'add', 1000)
        node0.setban('2001:db8::/32', 'add', 1000)
        node0.setban('10.0.0.1', 'add', now + 5000, True)
        node0.setban('fe80::1', 'add')
        node0.setmocktime(now + 10)
        bans = node0.listbanned()
        # In Core's order of subnets: by network and address, then mask.
        self.assertEqual([b['address'] for b in bans],
                         ['1.2.0.0/16', '1.2.3.0/24', '10.0.0.1/32', '2001:db8::/32',
                          'fe80::1/128'])
        by = {b['address']: b for b in bans}
        self.assertEqual(by['1.2.0.0/16']['banned_until'], now + 1000)
        self.assertEqual(by['1.2.0.0/16']['time_remaining'], 990)
        self.assertEqual(by['10.0.0.1/32']['banned_until'], now + 5000)
        self.assertEqual(by['10.0.0.1/32']['ban_duration'], 5000)
        for b in bans:
            self.assertEqual(list(b), ['address', 'ban_created', 'banned_until',
                                       'ban_duration', 'time_remaining'])

        # Expired bans are gone.
        node0.setmocktime(now + 2000)
        self.assertNotIn('1.2.0.0/16', [b['address'] for b in node0.listbanned()])

        # Errors.
        for bad in ('1.2.3.4/33', 'not_an_ip', '', '1.2.3.4/255.0.255.0', '::1/129',
                    '1.2.3.4/x', 'example.com'):
            with self.subTest(subnet=bad):
                self.assert_rpc_error(-30, 'Error: Invalid IP/Subnet', node0.setban, bad, 'add')
        self.assert_rpc_error(-30, 'Error: Unban failed. Requested address/subnet was not '
                              'previously manually banned.', node0.setban, '5.5.5.5', 'remove')
        # Removing needs the exact subnet, not an address inside one.
        self.assert_rpc_error(-30, 'Error: Unban failed', node0.setban, '1.2.3.4', 'remove')
        self.assert_rpc_error(-8, 'Error: Absolute timestamp is in the past', node0.setban,
                              '7.7.7.7', 'add', now, True)
        e = self.assert_rpc_error(-1, None, node0.setban, '7.7.7.7', 'ban')
        self.assertTrue(e.message.startswith('setban "subnet" "command" ( bantime absolute )\n'))
        self.assert_rpc_error(-3, 'is not of expected type number', node0.setban, '7.7.7.7',
                              'add', 'x')
        self.assert_rpc_error(-3, 'is not of expected type bool', node0.setban, '7.7.7.7', 'add',
                              100, 'yes')
        self.assert_rpc_error(-3, 'is not of expected type string', node0.setban, 7, 'add')
        self.assert_help_error('setban', '7.7.7.7')
        self.assert_help_error('listbanned', 1)

        self.assertIsNone(node0.setban('1.2.3.0/24', 'remove'))
        self.assertNotIn('1.2.3.0/24', [b['address'] for b in node0.listbanned()])

        # Bans survive a restart (banlist.json).
        kept = node0.listbanned()
        node0.stop()
        node0.start()
        node0.wait_for_rpc()
        node0.setmocktime(now + 2000)
        self.assertEqual(node0.listbanned(), kept)
        self.assertIsNone(node0.clearbanned())
        self.assertEqual(node0.listbanned(), [])
        self.assert_help_error('clearbanned', 1)

    def test_ban_drops_peers(self):
        node0, node1 = self.nodes
        self.link()
        node1.setban('127.0.0.1', 'add')
        self.wait_until(lambda: node0.getconnectioncount() == 0
                        and node1.getconnectioncount() == 0)
        self.assertEqual([b['address'] for b in node1.listbanned()], ['127.0.0.1/32'])
        node1.clearbanned()
        self.link()


class Activity(NetBase):
    def test_setnetworkactive(self):
        node0, node1 = self.nodes
        self.link()
        self.assertIs(node0.setnetworkactive(state=False), False)
        self.assertIs(node0.getnetworkinfo()['networkactive'], False)
        self.wait_until(lambda: node0.getconnectioncount() == 0
                        and node1.getconnectioncount() == 0)
        self.assertIs(node0.setnetworkactive(False), False)
        self.assertIs(node0.setnetworkactive(True), True)
        self.assertIs(node0.getnetworkinfo()['networkactive'], True)
        self.link()
        self.assert_rpc_error(-3, 'is not of expected type bool', node0.setnetworkactive, 'no')
        self.assert_help_error('setnetworkactive')


class AddrMan(NetBase):
    def test_addpeeraddress_getnodeaddresses(self):
        node = self.nodes[0]
        self.assertEqual(node.getnodeaddresses(), [])
        self.assertEqual(node.getnodeaddresses(0), [])
        ok = {'success': True}
        self.assertEqual(node.addpeeraddress(address='1.2.3.4', port=6333, tried=True), ok)
        self.assertEqual(node.addpeeraddress('2.0.0.0', 6333), ok)
        self.assertEqual(node.addpeeraddress('1233:3432:2434:2343:3234:2345:6546:4534', 6333), ok)
        self.assertEqual(node.addpeeraddress(ONION, 45324), ok)
        # Again: already in the new table, whichever table is asked for.
        for tried in (False, True):
            self.assertEqual(node.addpeeraddress('2.0.0.0', 6333, tried),
                             {'success': False, 'error': 'failed-adding-to-new'})
        # Not routable: never added. (fc00::/8 is only CJDNS with -cjdnsreachable.)
        for addr in ('127.0.0.1', '10.0.0.1', 'fc00:1:2:3:4:5:6:7'):
            with self.subTest(address=addr):
                self.assertEqual(node.addpeeraddress(addr, 6333),
                                 {'success': False, 'error': 'failed-adding-to-new'})

        self.assert_rpc_error(-30, 'Invalid IP address', node.addpeeraddress, '', 6333)
        self.assert_rpc_error(-30, 'Invalid IP address', node.addpeeraddress, 'not_an_ip', 6333)
        self.assert_rpc_error(-30, 'Invalid IP address', node.addpeeraddress, 'example.com', 6333)
        self.assert_rpc_error(-1, 'JSON integer out of range', node.addpeeraddress, '1.2.3.5', -1)
        self.assert_rpc_error(-1, 'JSON integer out of range', node.addpeeraddress, '1.2.3.5',
                              65536)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type bool',
                              node.addpeeraddress, address='1.2.3.5', port=1234, tried='True')
        self.assert_rpc_error(-3, 'is not of expected type number', node.addpeeraddress,
                              '1.2.3.5', '6333')
        self.assert_help_error('addpeeraddress', '1.2.3.5')

        info = node.getaddrmaninfo()
        self.assertEqual(list(info), NETWORKS + ['all_networks'])
        counts = {k: (v['new'], v['tried'], v['total']) for k, v in info.items()}
        self.assertEqual(counts, {'ipv4': (1, 1, 2), 'ipv6': (1, 0, 1), 'onion': (1, 0, 1),
                                  'i2p': (0, 0, 0), 'cjdns': (0, 0, 0),
                                  'all_networks': (3, 1, 4)})
        self.assert_help_error('getaddrmaninfo', 1)

        self.assertEqual(len(node.getnodeaddresses()), 1)
        self.assertEqual(len(node.getnodeaddresses(count=2)), 2)
        every = node.getnodeaddresses(0)
        self.assertEqual(sorted(a['address'] for a in every),
                         sorted(['1.2.3.4', '2.0.0.0', '1233:3432:2434:2343:3234:2345:6546:4534',
                                 ONION]))
        for a in every:
            self.assertEqual(list(a), ['time', 'services', 'address', 'port', 'network'])
            self.assertEqual(a['services'], P2P_SERVICES)
            self.assertAlmostEqual(a['time'], time.time(), delta=3600)
        [v6] = node.getnodeaddresses(0, 'ipv6')
        self.assertEqual(v6, {'time': v6['time'], 'services': P2P_SERVICES,
                              'address': '1233:3432:2434:2343:3234:2345:6546:4534',
                              'port': 6333, 'network': 'ipv6'})
        [onion] = node.getnodeaddresses(network='onion', count=0)
        self.assertEqual((onion['address'], onion['port'], onion['network']),
                         (ONION, 45324, 'onion'))
        self.assertEqual(sorted(a['address'] for a in node.getnodeaddresses(0, 'IPv4')),
                         ['1.2.3.4', '2.0.0.0'])
        self.assertEqual(node.getnodeaddresses(0, 'i2p'), [])
        self.assertEqual(node.getnodeaddresses(0, 'cjdns'), [])
        # Banned addresses are left out.
        node.setban('2.0.0.0', 'add')
        self.assertEqual([a['address'] for a in node.getnodeaddresses(0, 'ipv4')], ['1.2.3.4'])
        node.clearbanned()

        self.assert_rpc_error(-8, 'Address count out of range', node.getnodeaddresses, -1)
        self.assert_rpc_error(-8, 'Network not recognized: Foo', node.getnodeaddresses, 1, 'Foo')
        for name in ('tor', 'internal', 'not_publicly_routable', ''):
            with self.subTest(network=name):
                self.assert_rpc_error(-8, f'Network not recognized: {name}',
                                      node.getnodeaddresses, 1, name)
        self.assert_rpc_error(-1, 'JSON integer out of range', node.getnodeaddresses, 2**31)
        self.assert_rpc_error(-3, 'is not of expected type number', node.getnodeaddresses, '1')
        self.assert_help_error('getnodeaddresses', 1, 'ipv4', 3)

        raw = node.getrawaddrman()
        self.assertEqual(list(raw), ['new', 'tried'])
        self.assertEqual(len(raw['new']), 3)
        [entry] = raw['tried'].values()
        [key] = raw['tried']
        self.assertRegex(key, r'^\d+/\d+$')
        self.assertEqual(list(entry), ['address', 'port', 'services', 'time', 'network', 'source',
                                       'source_network'])
        self.assertEqual((entry['address'], entry['port'], entry['network'], entry['source'],
                          entry['source_network'], entry['services']),
                         ('1.2.3.4', 6333, 'ipv4', '1.2.3.4', 'ipv4', P2P_SERVICES))


class DeterministicAddrMan(p2p.PeerTestCase):
    extra_args = [['-test=addrman']]

    def test_places_as_umkoind(self):
        """With -test=addrman the bucket key is fixed (Core's uint256{1}), so
        where an address lands follows from the address alone. These slots
        are what umkoind v31.0 -test=addrman showed for the same calls."""
        node = self.nodes[0]
        for ip in ('1.2.3.4', '11.1.5.7', '11.2.9.7', '99.100.1.2', '8.8.8.8'):
            self.assertEqual(node.addpeeraddress(ip, 8333), {'success': True})
        self.assertEqual(node.addpeeraddress('5.6.7.8', 8333, True), {'success': True})
        raw = node.getrawaddrman()
        slots = {table: {k: (v['address'], v['port']) for k, v in entries.items()}
                 for table, entries in raw.items()}
        self.assertEqual(slots, {
            'new': {'125/41': ('8.8.8.8', 8333), '267/45': ('11.1.5.7', 8333),
                    '617/44': ('99.100.1.2', 8333), '774/4': ('1.2.3.4', 8333),
                    '853/25': ('11.2.9.7', 8333)},
            'tried': {'3/35': ('5.6.7.8', 8333)}})


class Hidden(NetBase):
    def test_hidden_from_help(self):
        node = self.nodes[0]
        listing = node.help()
        for name in ('addconnection', 'addpeeraddress', 'sendmsgtopeer', 'getrawaddrman',
                     'setmocktime'):
            with self.subTest(method=name):
                self.assertNotIn(name, listing.split())
                self.assertTrue(node.help(name).startswith(name))
        self.assertIn('== Network ==\naddnode "node" "command" ( v2transport )\n', listing)

    def test_setmocktime(self):
        node = self.nodes[0]
        self.assert_rpc_error(-8, f'Mocktime must be in the range [0, {MAX_MOCKTIME}], not -1.',
                              node.setmocktime, -1)
        self.assert_rpc_error(-8, f'Mocktime must be in the range [0, {MAX_MOCKTIME}], not '
                              f'{MAX_MOCKTIME + 1}.', node.setmocktime, MAX_MOCKTIME + 1)
        self.assert_rpc_error(-3, 'is not of expected type number', node.setmocktime, '1')
        self.assert_rpc_error(-1, 'JSON integer out of range', node.setmocktime, 1.5)
        self.assert_help_error('setmocktime')
        self.assertIsNone(node.setmocktime(MAX_MOCKTIME))
        self.assertIsNone(node.setmocktime(1_600_000_000))
        node.setban('1.1.1.1', 'add', 2_000_000_000, True)
        self.assertEqual(node.listbanned()[0]['ban_created'], 1_600_000_000)
        self.assertEqual(node.listbanned()[0]['time_remaining'], 400_000_000)
        self.assertIsNone(node.setmocktime(0))
        self.assertAlmostEqual(node.listbanned()[0]['time_remaining'],
                               2_000_000_000 - time.time(), delta=60)

    def test_addconnection(self):
        node0, node1 = self.nodes
        target = p2p_address(node1)
        e = self.assert_rpc_error(-8, None, node0.addconnection, target, 'inbound', False)
        self.assertTrue(e.message.startswith(
            'addconnection "address" "connection_type" v2transport\n'), e.message)
        self.assert_rpc_error(-8, None, node0.addconnection, target, 'manual', False)
        self.assert_rpc_error(-8, 'Error: Adding v2transport connections requires -v2transport '
                              'init flag to be set.', node0.addconnection, target, 'feeler', True)
        self.assert_help_error('addconnection', target, 'feeler')
        self.assert_rpc_error(-3, 'is not of expected type bool', node0.addconnection, target,
                              'feeler', 'no')
        self.assertEqual(node0.addconnection(target, ' block-relay-only ', False),
                         {'address': target, 'connection_type': 'block-relay-only'})

        def blocks_only():
            return [p for p in node0.getpeerinfo() if p['connection_type'] == 'block-relay-only'
                    and p['addr'] == target]
        [peer] = self.wait_until(blocks_only)
        self.assertIs(peer['inbound'], False)
        self.wait_until(lambda: len(node1.getpeerinfo()) == 1)

    def test_sendmsgtopeer(self):
        node0, node1 = self.nodes
        out, inb = self.link()
        self.assert_rpc_error(-1, 'Error: Could not send message to peer', node0.sendmsgtopeer,
                              out['id'] + 1000, 'ping', '00' * 8)
        self.assert_rpc_error(-8, 'Error: msg_type too long, max length is 12',
                              node0.sendmsgtopeer, out['id'], 'a' * 13, '')
        for bad in ('zz', 'abc', '0x00'):
            with self.subTest(msg=bad):
                self.assert_rpc_error(-8, 'Error parsing input for msg', node0.sendmsgtopeer,
                                      out['id'], 'ping', bad)
        self.assert_help_error('sendmsgtopeer', out['id'], 'ping')
        before = inb['bytesrecv_per_msg'].get('ping', 0)
        self.assertEqual(node0.sendmsgtopeer(out['id'], 'ping', '01 02 03 04 05 06 07 08'), {})

        def pings():
            return node1.getpeerinfo()[0]['bytesrecv_per_msg'].get('ping', 0)
        self.wait_until(lambda: pings() >= before + 32)


if __name__ == '__main__':
    test_framework.main()
