#!/usr/bin/env python3
"""Hostile and broken input to the RPC port: malformed HTTP, oversized
headers and bodies, invalid JSON, deep nesting, bytes that are not UTF-8,
stalled and idle connections. Each must get a clear error or a closed
connection, never a crash or a hang, and the node must keep serving.

Usage: interface_http_bad_input.py --node PATH/TO/umkoin-node
"""
import atexit
import base64
import json
import os
import socket
import tempfile
import time
import unittest

import test_framework

MAX_SIZE = 0x02000000   # Core's limit on a request body
MAX_HEADERS_SIZE = 8192  # Core's limit on the request line and headers


# libsoup 3.2 leaks the request path when it refuses a request it cannot read
# (unknown Transfer-Encoding, bad Content-Length: soup_headers_parse_request); a node built with
# AddressSanitizer would report that at exit. Not ours to fix: suppress it.
if 'LSAN_OPTIONS' not in os.environ:
    _supp = tempfile.NamedTemporaryFile('w', prefix='umk-lsan-', suffix='.supp', delete=False)
    _supp.write('leak:soup_headers_parse_request\n')
    _supp.close()
    # Slow unwinding: GLib has no frame pointers, and the match needs libsoup's frame.
    os.environ['LSAN_OPTIONS'] = f'suppressions={_supp.name}:fast_unwind_on_malloc=0'
    atexit.register(os.unlink, _supp.name)


class BadInput(test_framework.TestCase):
    extra_args = [['-rpcservertimeout=2']]

    def setUp(self):
        super().setUp()
        user, password = self.nodes[0].cookie()
        self.auth = 'Basic ' + base64.b64encode(f'{user}:{password}'.encode()).decode()

    def tearDown(self):
        # After every test: the node is alive and answers.
        node = self.nodes[0]
        self.assertTrue(node.running(), 'node died')
        self.assertEqual(node.getblockcount(), 0)

    def connect(self):
        s = socket.create_connection(('127.0.0.1', self.nodes[0].rpc_port), timeout=30)
        self.addCleanup(s.close)
        return s

    def exchange(self, raw, shutdown_write=False):
        """Sends raw bytes and reads until the server closes or answers one
        response; returns (status or None, body bytes)."""
        s = self.connect()
        try:
            s.sendall(raw)
            if shutdown_write:
                s.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return read_response(s)

    def request(self, body, headers=None, method='POST', path='/'):
        if isinstance(body, str):
            body = body.encode()
        head = [f'{method} {path} HTTP/1.1', 'Host: 127.0.0.1', f'Authorization: {self.auth}',
                f'Content-Length: {len(body)}', 'Connection: close']
        head += headers or []
        return ('\r\n'.join(head) + '\r\n\r\n').encode() + body

    # ---- HTTP

    def test_malformed_request_lines(self):
        for raw in [b'GARBAGE\r\n\r\n', b'POST\r\n\r\n', b'POST / HTTP/9.9\r\n\r\n',
                    b'POST / HTTP/1.1\r\nContent-Length: -5\r\nHost: x\r\n\r\n',
                    b'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: bogus\r\n\r\n',
                    b'POST / HTTP/1.1\r\nno colon here\r\n\r\n',
                    b'\x00\xff\xfe\r\n\r\n', b'\r\n\r\n\r\n']:
            with self.subTest(raw=raw):
                status, _ = self.exchange(raw)
                self.assertIn(status, (None, 400, 401, 405, 501, 505), raw)

    def test_bad_content_length(self):
        for value in ['-5', 'abc', '1 2', '']:
            with self.subTest(value=value):
                raw = (f'POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {self.auth}\r\n'
                       f'Content-Length: {value}\r\n\r\n{{}}').encode()
                self.assertIn(self.exchange(raw)[0], (None, 400))

    def test_truncated_requests(self):
        # Requests that stop early: the server must neither crash nor wait for ever.
        for raw in [b'POST / HTTP/1.1\r\nHost: x\r\n', b'POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{}']:
            with self.subTest(raw=raw):
                status, _ = self.exchange(raw, shutdown_write=True)
                self.assertIn(status, (None, 400, 401), raw)

    def test_big_headers(self):
        # Over Core's 8192 bytes: 413 and the connection closed.
        raw = self.request('{"method":"getblockcount"}', [f'X-Pad: {"a" * (MAX_HEADERS_SIZE + 10)}'])
        self.assertEqual(self.exchange(raw)[0], 413)
        # Many small headers count together.
        raw = self.request('{"method":"getblockcount"}', [f'X-H{i}: {"b" * 50}' for i in range(200)])
        self.assertEqual(self.exchange(raw)[0], 413)
        # Far over libsoup's own limit: the connection is closed (or 4xx).
        raw = self.request('{"method":"getblockcount"}', [f'X-Pad: {"c" * 200_000}'])
        self.assertIn(self.exchange(raw)[0], (None, 400, 413))
        # Just under the limit is fine.
        raw = self.request('{"method":"getblockcount","id":1}', [f'X-Pad: {"d" * 7000}'])
        self.assertEqual(self.exchange(raw), (200, b'{"result":0,"error":null,"id":1}\n'))

    def test_big_body(self):
        # One byte over Core's 32 MiB: 413 (the body is read and dropped, or the
        # connection closed early).
        head = (f'POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {self.auth}\r\n'
                f'Content-Length: {MAX_SIZE + 1}\r\n\r\n').encode()
        s = self.connect()
        status = None
        try:
            s.sendall(head)
            chunk = b' ' * (1 << 20)
            left = MAX_SIZE + 1
            while left > 0:
                n = min(left, len(chunk))
                s.sendall(chunk[:n])
                left -= n
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _ = read_response(s)
        self.assertIn(status, (None, 413))
        # A declared size far beyond the limit, body never sent: refused too.
        raw = (f'POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {self.auth}\r\n'
               f'Content-Length: {1 << 40}\r\nExpect: 100-continue\r\n\r\n').encode()
        self.assertIn(self.exchange(raw)[0], (None, 413))

    def test_big_chunked_body(self):
        s = self.connect()
        s.sendall((f'POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {self.auth}\r\n'
                   'Transfer-Encoding: chunked\r\n\r\n').encode())
        chunk = b' ' * (1 << 20)
        try:
            for _ in range(MAX_SIZE // len(chunk) + 2):
                s.sendall(b'%x\r\n' % len(chunk) + chunk + b'\r\n')
            s.sendall(b'0\r\n\r\n')
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _ = read_response(s)
        self.assertIn(status, (None, 413))

    def test_body_at_limit(self):
        # Exactly 32 MiB is read: here it is not JSON, so a parse error.
        body = b'x' * MAX_SIZE
        status, reply = self.exchange(self.request(body))
        self.assertEqual(status, 500)
        self.assertEqual(json.loads(reply)['error']['code'], -32700)

    def test_chunked_body_ok(self):
        body = b'{"method":"getblockcount","id":1}'
        raw = (f'POST / HTTP/1.1\r\nHost: x\r\nAuthorization: {self.auth}\r\nConnection: close\r\n'
               'Transfer-Encoding: chunked\r\n\r\n').encode()
        raw += b'%x\r\n' % 10 + body[:10] + b'\r\n' + b'%x\r\n' % (len(body) - 10) + body[10:] + b'\r\n0\r\n\r\n'
        self.assertEqual(self.exchange(raw), (200, b'{"result":0,"error":null,"id":1}\n'))

    def test_pipelined_requests(self):
        one = self.request('{"method":"getblockcount","id":1}').replace(b'Connection: close\r\n', b'')
        two = self.request('{"method":"getblockcount","id":2}')
        s = self.connect()
        s.sendall(one + two)
        data = b''
        while True:
            part = s.recv(65536)
            if not part:
                break
            data += part
        self.assertEqual(data.count(b'HTTP/1.1 200'), 2)
        self.assertIn(b'"id":1}\n', data)
        self.assertIn(b'"id":2}\n', data)

    def test_idle_connection_closed(self):
        # -rpcservertimeout=2: an idle keep-alive connection is closed.
        s = self.connect()
        s.sendall(self.request('{"method":"getblockcount","id":1}').replace(b'Connection: close\r\n', b''))
        self.assertEqual(read_response(s, close_expected=False)[0], 200)
        start = time.monotonic()
        s.settimeout(20)
        self.assertEqual(s.recv(1), b'')
        self.assertLess(time.monotonic() - start, 15)
        # A connection that stalls in the middle of its headers too.
        s2 = self.connect()
        s2.sendall(b'POST / HTTP/1.1\r\nHost: x\r\n')
        s2.settimeout(20)
        try:
            self.assertIn(s2.recv(1024)[:12], (b'', b'HTTP/1.1 400', b'HTTP/1.1 500'))
        except ConnectionResetError:
            pass

    def test_stalled_client_blocks_nobody(self):
        s = self.connect()
        s.sendall(b'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{')
        for _ in range(3):
            self.assertEqual(self.nodes[0].getblockcount(), 0)

    # ---- JSON

    def rpc_raw(self, body):
        status, reply = self.exchange(self.request(body))
        return status, reply

    def test_invalid_json(self):
        for body in [b'', b'{', b'{"method":"getblockcount",}', b'{"method":"getblockcount"} x',
                     b"{'method':'getblockcount'}", b'{"method":"getblockcount","id":01}',
                     b'{"method":"getblockcount","id":1e999}', b'[1,]', b'nul', b'\xef\xbb\xbf{}',
                     b'{"method":"getblockcount","id":123456789012345678901234567890}']:
            with self.subTest(body=body):
                status, reply = self.rpc_raw(body)
                self.assertEqual(status, 500)
                self.assertEqual(reply, b'{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}\n')

    def test_not_utf8(self):
        for body in [b'{"method":"echo","params":["\xff"],"id":1}',
                     b'{"method":"echo","params":["\xc0\xaf"],"id":1}',      # overlong
                     b'{"method":"echo","params":["\xed\xa0\x80"],"id":1}',  # surrogate
                     b'{"method":"echo","params":["a\x00b"],"id":1}',       # raw NUL
                     b'{"method":"echo","params":["a\x01b"],"id":1}',       # raw control character
                     b'{"method":"ec\xffho","id":1}']:
            with self.subTest(body=body):
                status, reply = self.rpc_raw(body)
                self.assertEqual(status, 500)
                self.assertEqual(json.loads(reply)['error']['code'], -32700)
        # Escaped, the same characters are fine (but not \u0000).
        status, reply = self.rpc_raw(b'{"method":"echo","params":["\\u00ff\\u0001"],"id":1}')
        self.assertEqual(reply, '{"result":["ÿ\\u0001"],"error":null,"id":1}\n'.encode())
        status, reply = self.rpc_raw(b'{"method":"echo","params":["\\u0000"],"id":1}')
        self.assertEqual(status, 500)

    def test_deep_nesting(self):
        for depth in [513, 10000, 100000]:
            for body in ['[' * depth + ']' * depth,
                         '{"method":"echo","params":' + '[' * depth + ']' * depth + ',"id":1}',
                         '{"a":' * depth + '1' + '}' * depth,
                         '[' * depth]:
                with self.subTest(depth=depth, start=body[:20]):
                    status, reply = self.rpc_raw(body)
                    self.assertEqual(status, 500)
                    self.assertEqual(json.loads(reply)['error'], {'code': -32700, 'message': 'Parse error'})
        # 512 levels are allowed (UniValue's limit), and echoed back.
        params = '[' * 511 + ']' * 511
        status, reply = self.rpc_raw('{"method":"echo","params":' + params + ',"id":1}')
        self.assertEqual(status, 200)
        self.assertEqual(reply, ('{"result":' + params + ',"error":null,"id":1}\n').encode())

    def test_wrong_types(self):
        cases = [
            ('{"method":"getblockhash","params":["0"],"id":1}', -3),
            ('{"method":"getblockhash","params":[true],"id":1}', -3),
            ('{"method":"getblockhash","params":[{}],"id":1}', -3),
            ('{"method":"getblockhash","params":[[0]],"id":1}', -3),
            ('{"method":"getblockheader","params":[null],"id":1}', -3),
            ('{"method":"getblock","params":["%s", {}],"id":1}' % ('00' * 32), -3),
            ('{"method":"logging","params":["all"],"id":1}', -3),
            ('{"method":"getblockhash","params":[1e3],"id":1}', -1),
            ('{"method":"getblockhash","params":[-9223372036854775808],"id":1}', -1),
            ('{"method":"help","params":{"command":{}},"id":1}', -3),
            ('{"method":{"a":1},"id":1}', -32600),
            ('{"method":"getblockcount","params":"x","id":1}', -32600),
            ('{"method":"getblockcount","params":{"x":1},"id":1}', -8),
        ]
        for body, code in cases:
            with self.subTest(body=body):
                status, reply = self.rpc_raw(body)
                self.assertEqual(json.loads(reply)['error']['code'], code, reply)
                self.assertEqual(status, 400 if code == -32600 else 500)

    def test_many_requests_in_a_batch(self):
        batch = json.dumps([{'method': 'getblockcount', 'id': i} for i in range(5000)])
        status, reply = self.rpc_raw(batch)
        self.assertEqual(status, 200)
        self.assertEqual(len(json.loads(reply)), 5000)

    def test_long_strings(self):
        # A long method name and a long id are handled (and echoed) without trouble.
        status, reply = self.rpc_raw(json.dumps({'method': 'x' * 1_000_000, 'id': 'y' * 1_000_000}))
        self.assertEqual(status, 404)
        self.assertEqual(json.loads(reply)['id'], 'y' * 1_000_000)


def read_response(s, close_expected=True):
    """Reads one HTTP response; returns (status or None if closed without one, body)."""
    data = b''
    try:
        while b'\r\n\r\n' not in data:
            part = s.recv(65536)
            if not part:
                return (None, data) if not data else parse_partial(data)
            data += part
        head, _, body = data.partition(b'\r\n\r\n')
        lines = head.split(b'\r\n')
        status = int(lines[0].split()[1])
        length = None
        for line in lines[1:]:
            name, _, value = line.partition(b':')
            if name.strip().lower() == b'content-length':
                length = int(value.strip())
        while length is not None and len(body) < length:
            part = s.recv(65536)
            if not part:
                break
            body += part
        if length is None and close_expected:
            while True:
                part = s.recv(65536)
                if not part:
                    break
                body += part
        return status, body[:length] if length is not None else body
    except (ConnectionResetError, BrokenPipeError):
        return (None, b'') if b'\r\n\r\n' not in data else parse_partial(data)


def parse_partial(data):
    try:
        return int(data.split(b'\r\n')[0].split()[1]), data.partition(b'\r\n\r\n')[2]
    except (IndexError, ValueError):
        return None, data


if __name__ == '__main__':
    test_framework.main()
