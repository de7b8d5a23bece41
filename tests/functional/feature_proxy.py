#!/usr/bin/env python3
"""-proxy: outbound connections go through a SOCKS5 proxy (RFC 1928).

    python3 tests/functional/feature_proxy.py --node build/node/umkoin-node

A small SOCKS5 proxy runs in this process on loopback: it records each
CONNECT request (the address asked for) and relays the bytes; it knows one
made-up name, umk-node0.invalid, as 127.0.0.1. node1 reaches node0 by that
name, which only the proxy can resolve, and syncs node0's blocks. As in
Core, routable addresses go through the proxy and unroutable ones (loopback)
are connected directly; getnetworkinfo reports the proxy for IPv4 and IPv6.
Passes against umkoind as well.
"""

import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_framework  # noqa: E402

ADDR = 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9'


def read_exact(sock, n):
    data = b''
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError('closed during the SOCKS5 handshake')
        data += chunk
    return data


class Socks5Proxy:
    """Accepts SOCKS5 clients offering no authentication or username/password
    (any credentials; Core sends random ones with -proxyrandomize), serves
    CONNECT to IPv4, IPv6 or a name, and relays in both directions."""

    def __init__(self, names=None):
        self.names = names or {}    # made-up name -> address to connect to
        self.listener = socket.create_server(('127.0.0.1', 0))
        self.port = self.listener.getsockname()[1]
        self.requests = []          # (host, port) asked for
        self.lock = threading.Lock()
        self.sockets = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        try:
            ver, n = read_exact(client, 2)
            methods = read_exact(client, n)
            if ver != 5:
                raise ConnectionError('not SOCKS5')
            if 0 in methods:
                client.sendall(b'\x05\x00')
            elif 2 in methods:
                client.sendall(b'\x05\x02')
                _, ulen = read_exact(client, 2)
                read_exact(client, ulen)
                (plen,) = read_exact(client, 1)
                read_exact(client, plen)
                client.sendall(b'\x01\x00')
            else:
                client.sendall(b'\x05\xff')
                raise ConnectionError('no acceptable method')
            ver, cmd, _, atyp = read_exact(client, 4)
            if atyp == 1:
                host = socket.inet_ntoa(read_exact(client, 4))
            elif atyp == 4:
                host = socket.inet_ntop(socket.AF_INET6, read_exact(client, 16))
            else:
                (length,) = read_exact(client, 1)
                host = read_exact(client, length).decode()
            (port,) = struct.unpack('>H', read_exact(client, 2))
            with self.lock:
                self.requests.append((host, port))
            if cmd != 1:
                client.sendall(b'\x05\x07\x00\x01' + bytes(6))
                raise ConnectionError('not CONNECT')
            upstream = socket.create_connection((self.names.get(host, host), port), timeout=10)
            upstream.settimeout(None)
            self.sockets.append(upstream)
            client.sendall(b'\x05\x00\x00\x01' + socket.inet_aton('127.0.0.1') + struct.pack('>H', 0))
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
            self._pipe(client, upstream)
        except (OSError, ConnectionError):
            client.close()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self):
        self.listener.close()
        for s in self.sockets:
            s.close()


class Proxy(test_framework.TestCase):
    num_nodes = 2
    defer_start = True

    def start_proxy(self, **kwargs):
        proxy = Socks5Proxy(**kwargs)
        self.addCleanup(proxy.close)
        return proxy

    def test_outbound_through_socks5(self):
        n0, n1 = self.nodes
        proxy = self.start_proxy(names={'umk-node0.invalid': '127.0.0.1'})
        n0.start()
        n0.wait_for_rpc()
        name = f'umk-node0.invalid:{n0.p2p_port}'
        n1.start([f'-proxy=127.0.0.1:{proxy.port}', f'-connect={name}'])
        n1.wait_for_rpc()
        n0.generatetoaddress(10, ADDR)
        self.wait_until(lambda: n1.getblockcount() == 10, timeout=60)
        self.assertEqual(n1.getbestblockhash(), n0.getbestblockhash())
        with proxy.lock:
            self.assertIn(('umk-node0.invalid', n0.p2p_port), proxy.requests)
        [peer] = n1.getpeerinfo()
        self.assertEqual(peer['connection_type'], 'manual')
        self.assertEqual(peer['addr'], name)
        nets = {n['name']: n for n in n1.getnetworkinfo()['networks']}
        for net in ('ipv4', 'ipv6'):
            self.assertEqual(nets[net]['proxy'], f'127.0.0.1:{proxy.port}')
        self.assertEqual(n0.getnetworkinfo()['networks'][0]['proxy'], '')

    def test_routable_through_proxy_loopback_direct(self):
        n0, n1 = self.nodes
        proxy = self.start_proxy()
        n0.start()
        n0.wait_for_rpc()
        n1.start([f'-proxy=127.0.0.1:{proxy.port}', '-connect=15.61.23.23:1234',
                  f'-connect=127.0.0.1:{n0.p2p_port}'])
        n1.wait_for_rpc()
        self.wait_until(lambda: ('15.61.23.23', 1234) in proxy.requests)
        self.wait_until(lambda: len(n0.getpeerinfo()) == 1)
        self.assertNotIn(('127.0.0.1', n0.p2p_port), proxy.requests)

    def test_broken_proxy_fails_gracefully(self):
        # A "proxy" that hangs up at once: every attempt fails, the node runs
        # on (and keeps trying).
        broken = socket.create_server(('127.0.0.1', 0))
        self.addCleanup(broken.close)
        accepted = []

        def hang_up():
            while True:
                try:
                    conn, _ = broken.accept()
                except OSError:
                    return
                accepted.append(conn)
                conn.close()
        threading.Thread(target=hang_up, daemon=True).start()
        n1 = self.nodes[1]
        n1.start([f'-proxy=127.0.0.1:{broken.getsockname()[1]}', '-connect=15.61.23.23:1234'])
        n1.wait_for_rpc()
        self.wait_until(lambda: len(accepted) >= 2)
        self.assertEqual(n1.getconnectioncount(), 0)
        self.assertEqual(n1.getblockcount(), 0)


if __name__ == '__main__':
    test_framework.main()
