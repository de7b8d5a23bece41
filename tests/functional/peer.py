"""A P2P test peer for the functional tests: Python 3 standard library only.

Messages of protocol version 70016 as the tests need them, framed for regtest
(message start fabfb5da, double-SHA256 checksum), and `P2PPeer`, one v1
connection from 127.0.0.1 to a node's P2P port with a reader thread:

    import peer as p2p

    conn = p2p.P2PPeer(node)                 # connects and does the handshake
    conn.send('getheaders', p2p.getheaders_payload([tip]))
    msg = conn.wait_for('headers')           # a Message; msg.data is parsed
    conn.sync_with_ping()                    # the node has handled all we sent
    conn.send_raw(b'junk'); conn.wait_for_disconnect()
    conn.close()

In a test, `PeerTestCase.add_peer(node, ...)` makes a peer that the test's
cleanup closes (before the nodes stop). Received messages are recorded by
type, in order (`messages`, `count`, `last`, `clear`); pings are answered
with pongs unless the peer is made with answer_pings=False. Inbound
connections (the node connecting to us) are not supported.
"""

import random
import socket
import struct
import threading
import time

import blocktools as bt
import test_framework
from blocktools import Reader, hash256, ser_compact_size, ser_var_bytes

# ---------------------------------------------------------------- constants

MAGIC = bt.REGTEST_MAGIC                  # regtest's pchMessageStart
PROTOCOL_VERSION = 70016
MIN_PEER_PROTO_VERSION = 31800
HEADER_SIZE = 24                          # magic, type (12), length, checksum
MAX_PROTOCOL_MESSAGE_LENGTH = 4_000_000
MAX_INV_SIZE = 50_000
MAX_HEADERS_RESULTS = 2000
MAX_ADDR_TO_SEND = 1000

NODE_NETWORK = 1
NODE_BLOOM = 1 << 2
NODE_WITNESS = 1 << 3
NODE_COMPACT_FILTERS = 1 << 6
NODE_NETWORK_LIMITED = 1 << 10
NODE_P2P_V2 = 1 << 11
PEER_SERVICES = NODE_NETWORK | NODE_WITNESS

MSG_TX = 1
MSG_BLOCK = 2
MSG_FILTERED_BLOCK = 3
MSG_CMPCT_BLOCK = 4
MSG_WTX = 5
MSG_WITNESS_FLAG = 1 << 30
MSG_WITNESS_BLOCK = MSG_BLOCK | MSG_WITNESS_FLAG
MSG_WITNESS_TX = MSG_TX | MSG_WITNESS_FLAG

# BIP 155 network ids and their address lengths.
NET_IPV4, NET_IPV6, NET_TORV2, NET_TORV3, NET_I2P, NET_CJDNS = 1, 2, 3, 4, 5, 6
ADDRV2_LENGTHS = {NET_IPV4: 4, NET_IPV6: 16, NET_TORV2: 10, NET_TORV3: 32, NET_I2P: 32, NET_CJDNS: 16}
IPV4_IN_IPV6 = bytes(10) + b'\xff\xff'

USER_AGENT = '/umkoin-test-peer:0.1/'


# ---------------------------------------------------------------- framing

def checksum(payload):
    return hash256(payload)[:4]


def frame(msgtype, payload=b'', magic=MAGIC):
    """A whole v1 message: header (type NUL-padded to 12 bytes) + payload."""
    name = msgtype.encode() if isinstance(msgtype, str) else bytes(msgtype)
    if len(name) > 12:
        raise ValueError(f'message type longer than 12 bytes: {name!r}')
    payload = bytes(payload)
    return (magic + name.ljust(12, b'\0') + struct.pack('<I', len(payload))
            + checksum(payload) + payload)


def parse_header(header):
    """(magic, msgtype str or None if not NUL-padded ASCII, length, checksum)."""
    magic, raw, length, check = header[:4], header[4:16], *struct.unpack('<I', header[16:20]), header[20:24]
    name = raw.rstrip(b'\0')
    valid = b'\0' not in name and all(0x20 <= c < 0x7f for c in name)
    return magic, name.decode('ascii') if valid else None, length, check


# ---------------------------------------------------------------- addresses

class Address:
    """A network address as addr (v1) and addrv2 (BIP 155) carry it: time,
    services, network id, raw address bytes and port. `ip` is the text form
    of an IPv4 or IPv6 address."""

    def __init__(self, ip='127.0.0.1', port=18444, services=PEER_SERVICES, time=None,
                 net=None, addr=None):
        self.time = int(_now() if time is None else time)
        self.services = services
        self.port = port
        if addr is not None:
            self.net, self.addr = net, bytes(addr)
        elif ':' in ip:
            self.net, self.addr = NET_IPV6, socket.inet_pton(socket.AF_INET6, ip)
        else:
            self.net, self.addr = NET_IPV4, socket.inet_aton(ip)

    @property
    def ip(self):
        if self.net == NET_IPV4:
            return socket.inet_ntoa(self.addr)
        if self.net == NET_IPV6:
            return socket.inet_ntop(socket.AF_INET6, self.addr)
        return None

    def ipv6_form(self):
        """The 16 bytes of the v1 encoding (IPv4 mapped into IPv6)."""
        if self.net == NET_IPV4:
            return IPV4_IN_IPV6 + self.addr
        if self.net == NET_IPV6:
            return self.addr
        raise ValueError(f'network {self.net} has no v1 encoding')

    def serialize_v1(self, with_time=True):
        t = struct.pack('<I', self.time) if with_time else b''
        return t + struct.pack('<Q', self.services) + self.ipv6_form() + struct.pack('>H', self.port)

    def serialize_v2(self):
        return (struct.pack('<I', self.time) + ser_compact_size(self.services)
                + bytes([self.net]) + ser_var_bytes(self.addr) + struct.pack('>H', self.port))

    @classmethod
    def deserialize_v1(cls, r, with_time=True):
        t = r.unpack('<I') if with_time else 0
        services = r.unpack('<Q')
        raw = r.read(16)
        port = r.unpack('>H')
        if raw[:12] == IPV4_IN_IPV6:
            return cls(time=t, services=services, port=port, net=NET_IPV4, addr=raw[12:])
        return cls(time=t, services=services, port=port, net=NET_IPV6, addr=raw)

    @classmethod
    def deserialize_v2(cls, r):
        t = r.unpack('<I')
        services = r.compact_size(limit=1 << 64)
        net = r.u8()
        addr = r.read(r.compact_size(limit=512))
        port = r.unpack('>H')
        return cls(time=t, services=services, port=port, net=net, addr=addr)

    def key(self):
        return (self.net, self.addr, self.port)

    def __repr__(self):
        host = f'[{self.ip}]' if self.net == NET_IPV6 else self.ip or self.addr.hex()
        return f'Address({host}:{self.port}, net={self.net}, services={self.services:#x})'


# ---------------------------------------------------------------- payloads

def version_payload(version=PROTOCOL_VERSION, services=PEER_SERVICES, timestamp=None,
                    addr_recv=None, addr_from=None, nonce=None, user_agent=USER_AGENT,
                    start_height=0, relay=True):
    addr_recv = addr_recv or Address('127.0.0.1', 0, services=0)
    addr_from = addr_from or Address('0.0.0.0', 0, services=services)
    nonce = random.getrandbits(64) if nonce is None else nonce
    ua = user_agent.encode() if isinstance(user_agent, str) else user_agent
    return (struct.pack('<iQq', version, services, int(_now() if timestamp is None else timestamp))
            + addr_recv.serialize_v1(with_time=False) + addr_from.serialize_v1(with_time=False)
            + struct.pack('<Q', nonce) + ser_var_bytes(ua) + struct.pack('<i', start_height)
            + (b'\x01' if relay else b'\x00'))


def nonce_payload(nonce):
    """ping and pong."""
    return struct.pack('<Q', nonce)


def inv_payload(items):
    """inv, getdata and notfound: items are (type, hash) with hash in any
    form blocktools.as_hash takes (internal bytes, RPC hex, int)."""
    return ser_compact_size(len(items)) + b''.join(struct.pack('<I', t) + bt.as_hash(h) for t, h in items)


def getheaders_payload(locator, stop=bytes(32), version=PROTOCOL_VERSION):
    """getheaders (and getblocks): the locator's hashes, newest first."""
    return (struct.pack('<I', version) + ser_compact_size(len(locator))
            + b''.join(bt.as_hash(h) for h in locator) + bt.as_hash(stop))


def headers_payload(headers):
    """headers: each an 80-byte header (BlockHeader or bytes) + a zero tx count."""
    parts = [ser_compact_size(len(headers))]
    for h in headers:
        parts.append(h if isinstance(h, (bytes, bytearray)) else h.serialize_header())
        parts.append(b'\x00')
    return b''.join(parts)


def addr_payload(addrs):
    return ser_compact_size(len(addrs)) + b''.join(a.serialize_v1() for a in addrs)


def addrv2_payload(addrs):
    return ser_compact_size(len(addrs)) + b''.join(a.serialize_v2() for a in addrs)


def feefilter_payload(feerate):
    """feefilter: satoshis per 1000 vbytes."""
    return struct.pack('<q', feerate)


def sendcmpct_payload(high_bandwidth=False, version=2):
    return (b'\x01' if high_bandwidth else b'\x00') + struct.pack('<Q', version)


def block_payload(block, with_witness=True):
    return block.serialize(with_witness)


def tx_payload(tx, with_witness=True):
    return tx.serialize(with_witness)


# ---------------------------------------------------------------- parsers

def parse_version(r):
    v = {}
    v['version'], v['services'], v['timestamp'] = struct.unpack('<iQq', r.read(20))
    v['addr_recv'] = Address.deserialize_v1(r, with_time=False)
    v['addr_from'] = Address.deserialize_v1(r, with_time=False)
    v['nonce'] = r.unpack('<Q')
    v['user_agent'] = r.var_bytes().decode(errors='replace')
    v['start_height'] = r.unpack('<i')
    v['relay'] = bool(r.u8()) if r.remaining() else True
    return v


def parse_inv(r):
    return [(r.unpack('<I'), r.read(32)) for _ in range(r.compact_size())]


def parse_getheaders(r):
    version = r.unpack('<I')
    locator = [r.read(32) for _ in range(r.compact_size())]
    return {'version': version, 'locator': locator, 'stop': r.read(32)}


def parse_headers(r):
    headers = []
    for _ in range(r.compact_size()):
        headers.append(bt.BlockHeader.deserialize_header(r))
        if r.compact_size() != 0:
            raise bt.DeserializationError('headers entry with transactions')
    return headers


def parse_sendcmpct(r):
    return {'high_bandwidth': bool(r.u8()), 'version': r.unpack('<Q')}


PARSERS = {
    'version': parse_version,
    'verack': lambda r: None,
    'ping': lambda r: r.unpack('<Q'),
    'pong': lambda r: r.unpack('<Q'),
    'inv': parse_inv,
    'getdata': parse_inv,
    'notfound': parse_inv,
    'getheaders': parse_getheaders,
    'getblocks': parse_getheaders,
    'headers': parse_headers,
    'block': bt.Block.deserialize,
    'tx': bt.Tx.deserialize,
    'addr': lambda r: [Address.deserialize_v1(r) for _ in range(r.compact_size())],
    'addrv2': lambda r: [Address.deserialize_v2(r) for _ in range(r.compact_size())],
    'feefilter': lambda r: r.unpack('<q'),
    'sendcmpct': parse_sendcmpct,
    'sendaddrv2': lambda r: None,
    'wtxidrelay': lambda r: None,
    'sendheaders': lambda r: None,
    'getaddr': lambda r: None,
    'mempool': lambda r: None,
}


class Message:
    """One received message: msgtype, payload bytes, arrival time and `data`,
    the payload parsed (see PARSERS; the payload itself for other types).
    A payload that does not parse raises DeserializationError from `data`."""

    __slots__ = ('msgtype', 'payload', 'time', '_data')

    def __init__(self, msgtype, payload):
        self.msgtype = msgtype
        self.payload = payload
        self.time = time.monotonic()
        self._data = self

    @property
    def data(self):
        if self._data is self:
            parser = PARSERS.get(self.msgtype)
            if parser is None:
                self._data = self.payload
            else:
                r = Reader(self.payload)
                value = parser(r)
                r.expect_end()
                self._data = value
        return self._data

    def __repr__(self):
        return f'Message({self.msgtype}, {len(self.payload)} bytes)'


# ---------------------------------------------------------------- the peer

class PeerDisconnected(AssertionError):
    pass


class P2PPeer:
    """One v1 connection to `node` (a TestNode: its p2p_port; or give port).

    handshake=True sends version (and wtxidrelay, and sendaddrv2 when
    addrv2=True), waits for the node's version, sends verack and waits for
    the node's verack. handshake=False only connects: nothing is sent.
    version_kwargs go to version_payload (services, relay, version, ...).
    answer_pings=False leaves the node's pings unanswered.
    """

    def __init__(self, node=None, port=None, handshake=True, addrv2=False, wtxidrelay=True,
                 answer_pings=True, timeout=30, **version_kwargs):
        self.port = port if port is not None else node.p2p_port
        self.answer_pings = answer_pings
        self.timeout = timeout
        self._cond = threading.Condition()
        self._messages = {}             # msgtype -> [Message], in arrival order
        self._order = []                # every Message, in arrival order
        self.bad_frames = []            # framing errors seen from the node
        self.disconnected = False
        self._closing = False
        self.sock = socket.create_connection(('127.0.0.1', self.port), timeout=timeout)
        self.sock.settimeout(None)
        self.local_port = self.sock.getsockname()[1]
        self._send_lock = threading.Lock()
        self._thread = threading.Thread(target=self._reader, name=f'p2p-peer-{self.local_port}', daemon=True)
        self._thread.start()
        if handshake:
            try:
                self.handshake(addrv2=addrv2, wtxidrelay=wtxidrelay, **version_kwargs)
            except BaseException:
                self.close()
                raise

    def __repr__(self):
        return f'<P2PPeer 127.0.0.1:{self.local_port} -> {self.port}>'

    # ---- sending

    def send_raw(self, data):
        with self._send_lock:
            self.sock.sendall(data)

    def send(self, msgtype, payload=b''):
        self.send_raw(frame(msgtype, payload))

    def handshake(self, addrv2=False, wtxidrelay=True, timeout=None, **version_kwargs):
        self.send('version', version_payload(**version_kwargs))
        if wtxidrelay:
            self.send('wtxidrelay')
        if addrv2:
            self.send('sendaddrv2')
        self.wait_for('version', timeout=timeout)
        self.send('verack')
        self.wait_for('verack', timeout=timeout)
        # The node has our verack too once it answers a ping sent after it
        # (messages are handled in order): a test that moves the mock time
        # next cannot catch the node with the handshake half done.
        self.sync_with_ping(timeout)

    def sync_with_ping(self, timeout=None):
        """Sends a ping and waits for its pong: the node has handled every
        message sent before. Raises PeerDisconnected if the node hangs up."""
        nonce = random.getrandbits(64) | 1
        self.send('ping', nonce_payload(nonce))
        self.wait_for('pong', lambda m: m.data == nonce, timeout)

    def settle(self, timeout=None):
        """After the handshake: waits for the node's first ping (which this
        peer answers before recording it) and then syncs, so that the node
        has also had that pong and byte counts and ping fields stay put."""
        self.wait_for('ping', timeout=timeout)
        self.sync_with_ping(timeout)

    # ---- receiving

    def _reader(self):
        buf = b''
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    break
                buf += chunk
                while len(buf) >= HEADER_SIZE:
                    magic, msgtype, length, check = parse_header(buf[:HEADER_SIZE])
                    if magic != MAGIC or msgtype is None or length > MAX_PROTOCOL_MESSAGE_LENGTH:
                        # Nothing after a broken header can be trusted:
                        # stop reading; the peer counts as disconnected.
                        with self._cond:
                            self.bad_frames.append(buf[:HEADER_SIZE])
                        return
                    if len(buf) < HEADER_SIZE + length:
                        break
                    payload = buf[HEADER_SIZE:HEADER_SIZE + length]
                    buf = buf[HEADER_SIZE + length:]
                    if checksum(payload) != check:
                        with self._cond:
                            self.bad_frames.append(frame(msgtype, payload)[:HEADER_SIZE])
                        continue
                    self._received(Message(msgtype, payload))
        except OSError:
            pass
        finally:
            with self._cond:
                self.disconnected = True
                self._cond.notify_all()

    def _received(self, msg):
        if msg.msgtype == 'ping' and self.answer_pings and len(msg.payload) == 8:
            try:
                self.send('pong', msg.payload)
            except OSError:
                pass
        with self._cond:
            self._messages.setdefault(msg.msgtype, []).append(msg)
            self._order.append(msg)
            self._cond.notify_all()

    def messages(self, msgtype=None):
        """The messages received (of one type), oldest first."""
        with self._cond:
            return list(self._order if msgtype is None else self._messages.get(msgtype, []))

    def count(self, msgtype):
        with self._cond:
            return len(self._messages.get(msgtype, []))

    def last(self, msgtype):
        """The newest message of this type, or None."""
        with self._cond:
            msgs = self._messages.get(msgtype)
            return msgs[-1] if msgs else None

    def clear(self, msgtype=None):
        """Forgets received messages (of one type)."""
        with self._cond:
            if msgtype is None:
                self._messages.clear()
                self._order.clear()
            else:
                self._messages.pop(msgtype, None)
                self._order = [m for m in self._order if m.msgtype != msgtype]

    def wait_for(self, msgtype, predicate=None, timeout=None, start=0):
        """The first message of msgtype, from index `start` of those
        received (see count), for which predicate(message) is true; waits for
        it up to `timeout` seconds (the peer's default). AssertionError on
        timeout, PeerDisconnected when the connection closes first."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = start
            while True:
                msgs = self._messages.get(msgtype, [])
                for msg in msgs[seen:]:
                    if predicate is None or predicate(msg):
                        return msg
                seen = max(seen, len(msgs))
                if self.disconnected:
                    raise PeerDisconnected(f'{self}: disconnected while waiting for {msgtype}')
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f'{self}: no {msgtype} within {timeout}s')
                self._cond.wait(left)

    def wait_for_disconnect(self, timeout=None):
        """Waits until the node closes the connection; AssertionError if it
        does not within timeout."""
        timeout = self.timeout if timeout is None else timeout
        with self._cond:
            if not self._cond.wait_for(lambda: self.disconnected, timeout):
                raise AssertionError(f'{self}: still connected after {timeout}s')

    def is_connected(self):
        with self._cond:
            return not self.disconnected

    def close(self):
        """Closes the connection (idempotent) and waits for the reader."""
        if not self._closing:
            self._closing = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()
        self._thread.join(10)


def _now():
    return time.time()


# ---------------------------------------------------------------- test helpers

class PeerTestCase(test_framework.TestCase):
    """A TestCase whose peers are closed by the test's cleanup, before its
    nodes stop."""

    def add_peer(self, node, **kwargs):
        peer = P2PPeer(node, **kwargs)
        self.addCleanup(peer.close)
        return peer

    def peer_info(self, node, peer):
        """getpeerinfo's entry for this peer (matched by its local port), or None."""
        for info in node.getpeerinfo():
            if info['addr'] == f'127.0.0.1:{peer.local_port}':
                return info
        return None

    def wait_for_peer_count(self, node, n, timeout=30):
        self.wait_until(lambda: len(node.getpeerinfo()) == n, timeout=timeout,
                        message=f'{node.name}: peer count never became {n}')

    def assert_serving(self, node):
        """A new peer can still do the handshake and get a pong, and gets
        headers for getheaders when the node is out of initial block
        download; the peer is closed again."""
        honest = P2PPeer(node)
        try:
            honest.sync_with_ping()
            if not node.getblockchaininfo()['initialblockdownload']:
                tip = bt.hex_to_hash(node.getbestblockhash())
                genesis = bt.hex_to_hash(node.getblockhash(0))
                honest.send('getheaders', getheaders_payload([genesis]))
                msg = honest.wait_for('headers')
                hashes = [h.hash_bytes for h in msg.data]
                self.assertEqual(len(hashes), min(node.getblockcount(), MAX_HEADERS_RESULTS))
                if node.getblockcount() <= MAX_HEADERS_RESULTS:
                    self.assertEqual(hashes[-1] if hashes else genesis, tip)
        finally:
            honest.close()
