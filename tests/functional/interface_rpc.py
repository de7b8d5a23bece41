#!/usr/bin/env python3
"""The JSON-RPC server as clients see it: authentication (cookie file,
-rpcuser/-rpcpassword, -rpcauth, -rpcwhitelist), JSON-RPC 1.0 and 2.0 replies
byte for byte as Umkoin Core writes them, batches, named arguments, errors,
HTTP paths and methods, the work queue, parallel and slow requests, and the
cookie's removal at shutdown.

Usage: interface_rpc.py --node PATH/TO/umkoin-node
"""
import base64
import hashlib
import hmac
import http.client
import json
import os
import stat
import threading
import time
import unittest

import test_framework
from test_framework import RPCError

# The genesis block as stored in blk00000.dat: 8 bytes of record header and
# the 248-byte block.
GENESIS_RECORD_SIZE = 8 + 248
REGTEST_GENESIS = '60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d'


def basic(user, password):
    token = base64.b64encode(f'{user}:{password}'.encode()).decode()
    return {'Authorization': f'Basic {token}'}


def local_address():
    """A non-loopback IPv4 address of this machine, or None (no packet is sent)."""
    import socket
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(('192.0.2.1', 9))
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith('127.') else ip


def post(node, body, auth='cookie', path='/', conn=None, headers=None):
    """Raw POST; returns (status, headers, body bytes)."""
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    return node.http(body=body, auth=auth, path=path, conn=conn, headers=headers)


class Replies(test_framework.TestCase):
    """One node with cookie authentication."""

    def reply(self, body, status=200):
        got_status, _, got = post(self.nodes[0], body)
        self.assertEqual(got_status, status, got)
        return got

    def test_reply_bytes(self):
        # Byte for byte what Core's UniValue writes, newline included.
        self.assertEqual(self.reply('{"method":"getblockcount","id":1}'),
                         b'{"result":0,"error":null,"id":1}\n')
        self.assertEqual(self.reply('{"jsonrpc":"2.0","method":"getblockcount","id":"a"}'),
                         b'{"jsonrpc":"2.0","result":0,"id":"a"}\n')
        # "jsonrpc":"1.0" (old documentation) is plain 1.0.
        self.assertEqual(self.reply('{"jsonrpc":"1.0","method":"getblockcount","id":[1,{"x":null}]}'),
                         b'{"result":0,"error":null,"id":[1,{"x":null}]}\n')
        # 1.0 without an id: no id in the reply.
        self.assertEqual(self.reply('{"method":"getblockcount"}'), b'{"result":0,"error":null}\n')
        # 1.0 with a null id is answered with it.
        self.assertEqual(self.reply('{"method":"getblockcount","id":null}'),
                         b'{"result":0,"error":null,"id":null}\n')
        # Doubles as UniValue prints them (16 significant digits).
        self.assertEqual(self.reply('{"method":"getdifficulty","id":1}'),
                         b'{"result":4.656542373906925e-10,"error":null,"id":1}\n')
        self.assertEqual(self.reply('{"method":"getbestblockhash","id":1}'),
                         b'{"result":"%s","error":null,"id":1}\n' % REGTEST_GENESIS.encode())
        # Strings are escaped as UniValue escapes them; other bytes pass as they are.
        body = json.dumps({'method': 'echo', 'params': ['a"\\\n\t\x01\x7f/é€'], 'id': 1},
                          ensure_ascii=False).encode()
        status, headers, got = post(self.nodes[0], body)
        self.assertEqual(status, 200)
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertEqual(got, '{"result":["a\\"\\\\\\n\\t\\u0001\\u007f/é€"],"error":null,"id":1}\n'
                         .encode())

    def test_notifications(self):
        node = self.nodes[0]
        status, _, body = post(node, '{"jsonrpc":"2.0","method":"getblockcount"}')
        self.assertEqual((status, body), (204, b''))
        # A failing 2.0 notification is not answered either.
        status, _, body = post(node, '{"jsonrpc":"2.0","method":"getblockhash","params":[5]}')
        self.assertEqual((status, body), (204, b''))
        # A batch of notifications only: no body; an empty batch: [] (Core keeps that).
        status, _, body = post(node, '[{"jsonrpc":"2.0","method":"getblockcount"}]')
        self.assertEqual((status, body), (204, b''))
        self.assertEqual(self.reply('[]'), b'[]\n')

    def test_errors_1_0(self):
        # 1.0 errors come as HTTP errors: 404 for an unknown method, 400 for a
        # bad request object, 500 for everything else.
        self.assertEqual(self.reply('{"method":"nosuch","id":1}', 404),
                         b'{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":1}\n')
        self.assertEqual(self.reply('{"id":7}', 400),
                         b'{"result":null,"error":{"code":-32600,"message":"Missing method"},"id":7}\n')
        self.assertEqual(self.reply('{"method":5,"id":7}', 400),
                         b'{"result":null,"error":{"code":-32600,"message":"Method must be a string"},"id":7}\n')
        self.assertEqual(self.reply('{"method":"getblockcount","params":5,"id":7}', 400),
                         b'{"result":null,"error":{"code":-32600,"message":"Params must be an array or object"},"id":7}\n')
        self.assertEqual(self.reply('{"jsonrpc":"3.0","method":"getblockcount","id":7}', 400),
                         b'{"result":null,"error":{"code":-32600,"message":"JSON-RPC version not supported"},"id":7}\n')
        self.assertEqual(self.reply('{"jsonrpc":2,"method":"getblockcount","id":7}', 400),
                         b'{"result":null,"error":{"code":-32600,"message":"jsonrpc field must be a string"},"id":7}\n')
        self.assertEqual(self.reply('{"method":', 500),
                         b'{"result":null,"error":{"code":-32700,"message":"Parse error"},"id":null}\n')
        self.assertEqual(self.reply('"getblockcount"', 500),
                         b'{"result":null,"error":{"code":-32700,"message":"Top-level object parse error"},"id":null}\n')
        self.assertEqual(self.reply('{"method":"getblockhash","params":[1],"id":2}', 500),
                         b'{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":2}\n')

    def test_errors_2_0(self):
        # 2.0: HTTP 200 with the error, no "result".
        self.assertEqual(self.reply('{"jsonrpc":"2.0","method":"nosuch","id":1}'),
                         b'{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}\n')
        self.assertEqual(self.reply('{"jsonrpc":"2.0","method":"getblockhash","params":[-1],"id":1}'),
                         b'{"jsonrpc":"2.0","error":{"code":-8,"message":"Block height out of range"},"id":1}\n')
        # A request object that cannot be read is still an HTTP error in 2.0.
        self.assertEqual(self.reply('{"jsonrpc":"2.0","id":1}', 400),
                         b'{"jsonrpc":"2.0","error":{"code":-32600,"message":"Missing method"},"id":1}\n')

    def test_argument_checks(self):
        node = self.nodes[0]
        e = self.assert_rpc_error(-3, None, node.getblockhash, 'a')
        self.assertEqual(e.message, 'Wrong type passed:\n{\n    "Position 1 (height)": '
                                    '"JSON value of type string is not of expected type number"\n}')
        e = self.assert_rpc_error(-3, None, node.getblockheader, 5, 'x')
        self.assertEqual(e.message, 'Wrong type passed:\n{\n'
                         '    "Position 1 (blockhash)": "JSON value of type number is not of expected type string",\n'
                         '    "Position 2 (verbose)": "JSON value of type string is not of expected type bool"\n}')
        # A required argument given as null fails the type check too.
        self.assert_rpc_error(-3, 'JSON value of type null is not of expected type number',
                              node.getblockhash, None)
        # Integers: a fraction or more than 32 bits is "out of range" (-1).
        self.assert_rpc_error(-1, 'JSON integer out of range', node.getblockhash, 1.5)
        self.assert_rpc_error(-1, 'JSON integer out of range', node.getblockhash, 2 ** 31)
        self.assert_rpc_error(-8, 'Block height out of range', node.getblockhash, 1)
        # The wrong number of arguments answers with the method's help.
        e = self.assert_rpc_error(-1, None, node.getblockhash)
        self.assertTrue(e.message.startswith('getblockhash height\n\n'), e.message)
        self.assert_rpc_error(-1, 'getblockcount\n', node.getblockcount, 1)
        # Hashes (Core's ParseHashV messages, named as Core names them).
        self.assert_rpc_error(-8, "hash must be of length 64 (not 3, for 'abc')", node.getblockheader, 'abc')
        self.assert_rpc_error(-8, f"blockhash must be hexadecimal string (not '{'z' * 64}')",
                              node.getblock, 'z' * 64)
        self.assert_rpc_error(-5, 'Block not found', node.getblock, '00' * 32)
        self.assertEqual(node.getblockheader(REGTEST_GENESIS.upper())['height'], 0)
        # getblock takes a boolean verbosity, but no string.
        self.assertIsInstance(node.getblock(REGTEST_GENESIS, False), str)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type number',
                              node.getblock, REGTEST_GENESIS, '1')

    def test_named_arguments(self):
        node = self.nodes[0]
        self.assertEqual(node.getblockhash(height=0), REGTEST_GENESIS)
        self.assertEqual(node.getblock(blockhash=REGTEST_GENESIS, verbose=0),
                         node.getblock(REGTEST_GENESIS, 0))
        self.assert_rpc_error(-8, 'Unknown named parameter foo', node.getblockhash, height=0, foo=1)
        # Holes between named arguments are nulls; "args" holds leading positions.
        self.assertEqual(node.echo(arg2='c'), [None, None, 'c'])
        self.assertEqual(node.echo('a', 'b', arg3='d'), ['a', 'b', None, 'd'])
        self.assert_rpc_error(-8, 'Parameter arg1 specified twice both as positional and named argument',
                              node.echo, 'a', 'b', arg1='x')
        # "args" that is not an array is dropped.
        status, _, body = post(node, '{"method":"echo","params":{"args":5,"arg1":2},"id":1}')
        self.assertEqual(body, b'{"result":[null,2],"error":null,"id":1}\n')
        self.assertEqual(node.echojson(1, [2, {'x': True}]), [1, [2, {'x': True}]])
        self.assert_rpc_error(-1, 'Internal bug detected', node.echo, *range(9), 'trigger_internal_bug')

    def test_batch(self):
        body = json.dumps([
            {'method': 'getblockcount', 'id': 1},
            {'jsonrpc': '2.0', 'method': 'getblockhash', 'params': [0], 'id': 2},
            {'jsonrpc': '2.0', 'method': 'getblockcount'},        # notification: no entry
            {'method': 'getblockhash', 'params': [9], 'id': 3},   # 1.0 error: in the batch, HTTP 200
            {'method': 'nosuch', 'id': 4},
            7,                                                   # not an object
        ])
        status, _, got = post(self.nodes[0], body)
        self.assertEqual(status, 200)
        self.assertEqual(got, (
            '[{"result":0,"error":null,"id":1},'
            '{"jsonrpc":"2.0","result":"%s","id":2},'
            '{"result":null,"error":{"code":-8,"message":"Block height out of range"},"id":3},'
            '{"result":null,"error":{"code":-32601,"message":"Method not found"},"id":4},'
            # Core reuses the request object across a batch: the id stays the last one read.
            '{"result":null,"error":{"code":-32600,"message":"Invalid Request object"},"id":4}]\n'
            % REGTEST_GENESIS).encode())

    def test_auth(self):
        node = self.nodes[0]
        user, password = node.cookie()
        self.assertEqual(user, '__cookie__')
        self.assertRegex(password, '^[0-9a-f]{64}$')
        for auth in [None, (user, password + 'x'), ('other', password), (user, '')]:
            start = time.monotonic()
            status, headers, body = post(node, '{"method":"getblockcount"}', auth=auth)
            self.assertEqual((status, body), (401, b''), auth)
            self.assertEqual(headers['WWW-Authenticate'], 'Basic realm="jsonrpc"')
            if auth is not None:
                # Core's deliberate delay after a wrong password.
                self.assertGreaterEqual(time.monotonic() - start, 0.24)
        for header in ['Bearer abc', 'Basic !!!!', 'Basic ' + base64.b64encode(b'nocolon').decode(),
                       'basic ' + base64.b64encode(f'{user}:{password}'.encode()).decode()]:
            status, _, _ = post(node, '{"method":"getblockcount"}', auth=None,
                                headers={'Authorization': header})
            self.assertEqual(status, 401, header)
        # Surrounding whitespace in the token is allowed, as in Core.
        token = base64.b64encode(f'{user}:{password}'.encode()).decode()
        status, _, _ = post(node, '{"method":"getblockcount"}', auth=None,
                            headers={'Authorization': f'Basic  {token} '})
        self.assertEqual(status, 200)

    def test_cookie_file(self):
        node = self.nodes[0]
        path = os.path.join(node.chaindir, '.cookie')
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            self.assertRegex(f.read(), r'^__cookie__:[0-9a-f]{64}$')
        self.assertFalse(os.path.exists(path + '.tmp'))

    def test_http_paths_and_methods(self):
        node = self.nodes[0]
        self.assertEqual(post(node, '{}', path='/nosuch')[0], 404)
        self.assertEqual(post(node, '{}', path='/?x=1')[0], 404)
        self.assertEqual(post(node, '{}', path='/wallet')[0], 404)
        status, _, body = node.http(method='GET')
        self.assertEqual((status, body), (405, b'JSONRPC server handles only POST requests'))
        self.assertEqual(node.http(method='PUT', body='{}')[0], 405)
        self.assertEqual(node.http(method='DELETE')[0], 405)
        self.assertEqual(node.http(method='GET', path='/nosuch')[0], 404)
        # Wallet endpoints reach the same methods (no wallet methods exist yet).
        status, _, body = post(node, '{"method":"getblockcount","id":1}', path='/wallet/w1')
        self.assertEqual((status, body), (200, b'{"result":0,"error":null,"id":1}\n'))

    def test_keep_alive(self):
        node = self.nodes[0]
        conn = node.http_connection()
        try:
            for i in range(20):
                status, headers, body = post(node, {'method': 'getblockcount', 'id': i}, conn=conn)
                self.assertEqual(status, 200)
            # HTTP/1.1 keeps the connection: still the same socket.
            self.assertIsNotNone(conn.sock)
        finally:
            conn.close()

    def test_parallel(self):
        node = self.nodes[0]
        errors = []

        def client(n):
            conn = node.http_connection()
            try:
                for i in range(50):
                    status, _, body = post(node, {'method': 'getblockhash', 'params': [0], 'id': [n, i]},
                                           conn=conn)
                    expect = b'{"result":"%s","error":null,"id":[%d,%d]}\n' % (REGTEST_GENESIS.encode(), n, i)
                    if (status, body) != (200, expect):
                        errors.append((status, body))
            except Exception as e:  # noqa: BLE001 -- reported below
                errors.append(e)
            finally:
                conn.close()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_slow_call_does_not_block(self):
        node = self.nodes[0]
        slow = node.http_connection()
        try:
            start = time.monotonic()
            slow.request('POST', '/', body='{"method":"waitfornewblock","params":[1500],"id":1}',
                         headers=basic(*node.cookie()))
            # Meanwhile others are answered at once.
            for _ in range(5):
                self.assertEqual(node.getblockcount(), 0)
            self.assertLess(time.monotonic() - start, 1.2)
            active = [c['method'] for c in node.getrpcinfo()['active_commands']]
            self.assertEqual(sorted(active), ['getrpcinfo', 'waitfornewblock'])
            resp = slow.getresponse()
            self.assertEqual(json.loads(resp.read())['result'], {'hash': REGTEST_GENESIS, 'height': 0})
            self.assertGreaterEqual(time.monotonic() - start, 1.45)
        finally:
            slow.close()
        # A current_tip that is not the tip answers at once.
        start = time.monotonic()
        self.assertEqual(node.waitfornewblock(60000, '00' * 32)['height'], 0)
        self.assertLess(time.monotonic() - start, 5)
        self.assert_rpc_error(-1, 'Negative timeout', node.waitforblockheight, 1, -1)
        self.assertEqual(node.waitforblockheight(0), {'hash': REGTEST_GENESIS, 'height': 0})
        self.assertEqual(node.waitforblock(REGTEST_GENESIS, 100), {'hash': REGTEST_GENESIS, 'height': 0})

    def test_control(self):
        node = self.nodes[0]
        self.assertIsInstance(node.uptime(), int)
        info = node.getrpcinfo()
        self.assertEqual(info['active_commands'][0]['method'], 'getrpcinfo')
        self.assertIsInstance(info['active_commands'][0]['duration'], int)
        self.assertEqual(info['logpath'], os.path.join(node.chaindir, 'debug.log'))
        cats = node.logging()
        self.assertIn('rpc', cats)
        self.assertEqual(list(cats), sorted(cats))
        self.assertTrue(node.logging(['rpc'])['rpc'])
        self.assertFalse(node.logging([], ['rpc'])['rpc'])
        self.assertFalse(node.logging(['rpc', 'http'], ['rpc'])['rpc'])
        self.assertTrue(all(node.logging(['all']).values()))
        self.assertFalse(any(node.logging(None, ['all']).values()))
        self.assert_rpc_error(-8, 'unknown logging category nosuch', node.logging, ['nosuch'])
        self.assert_rpc_error(-3, 'JSON value of type number is not of expected type string',
                              node.logging, [5])

    def test_blockchain(self):
        node = self.nodes[0]
        info = node.getblockchaininfo()
        self.assertEqual(list(info), ['chain', 'blocks', 'headers', 'bestblockhash', 'bits', 'target',
                                      'difficulty', 'time', 'mediantime', 'verificationprogress',
                                      'initialblockdownload', 'chainwork', 'size_on_disk', 'pruned',
                                      'warnings'])
        self.assertEqual((info['chain'], info['blocks'], info['headers'], info['bestblockhash']),
                         ('regtest', 0, 0, REGTEST_GENESIS))
        self.assertEqual((info['bits'], info['initialblockdownload'], info['size_on_disk'],
                          info['pruned'], info['warnings']), ('207fffff', True, GENESIS_RECORD_SIZE, False, []))
        self.assertEqual(info['target'], '7fffff' + '0' * 58)
        self.assertEqual(info['chainwork'], '0' * 63 + '2')
        self.assertEqual(node.getblockcount(), 0)
        self.assertEqual(node.getblockhash(0), REGTEST_GENESIS)
        header = node.getblockheader(REGTEST_GENESIS)
        self.assertEqual(list(header), ['hash', 'confirmations', 'height', 'version', 'versionHex',
                                        'merkleroot', 'time', 'mediantime', 'nonce', 'bits', 'target',
                                        'difficulty', 'chainwork', 'nTx'])
        self.assertEqual((header['confirmations'], header['nTx'], header['versionHex']), (1, 1, '00000001'))
        raw_header = node.getblockheader(REGTEST_GENESIS, False)
        self.assertEqual(len(raw_header), 160)
        raw = node.getblock(REGTEST_GENESIS, 0)
        self.assertTrue(raw.startswith(raw_header))
        block = node.getblock(REGTEST_GENESIS)
        self.assertEqual(block['tx'], [header['merkleroot']])
        self.assertEqual((block['size'], block['strippedsize'], block['weight']),
                         (len(raw) // 2, len(raw) // 2, 2 * len(raw)))
        self.assertEqual(list(block['coinbase_tx']), ['version', 'locktime', 'sequence', 'coinbase'])
        full = node.getblock(REGTEST_GENESIS, 2)
        tx = full['tx'][0]
        self.assertEqual(list(tx), ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime',
                                    'vin', 'vout', 'hex'])
        out = tx['vout'][0]
        self.assertEqual(str(out['value']), '50.00000000')
        self.assertEqual(out['scriptPubKey']['type'], 'pubkey')
        self.assertRegex(out['scriptPubKey']['desc'], r'^pk\(04[0-9a-f]{128}\)#[a-z0-9]{8}$')
        self.assertEqual(node.getblock(REGTEST_GENESIS, 3), full)
        self.assertEqual(node.getblock(REGTEST_GENESIS, True), block)
        # The amount is written as Core writes it: eight decimals.
        status, _, body = post(node, {'method': 'getblock', 'params': [REGTEST_GENESIS, 2], 'id': 1})
        self.assertIn(b'"value":50.00000000,"n":0,', body)


class Shutdown(test_framework.TestCase):
    def test_stop_removes_cookie(self):
        node = self.nodes[0]
        path = os.path.join(node.chaindir, '.cookie')
        self.assertTrue(os.path.exists(path))
        status, _, body = post(node, '{"method":"stop","id":1}')
        self.assertEqual((status, body), (200, b'{"result":"Umkoin Core stopping","error":null,"id":1}\n'))
        self.assertEqual(node.wait_for_exit(), 0)
        self.assertFalse(os.path.exists(path))

    def test_stop_answers_calls_in_flight(self):
        # A slow call in progress is answered (early, as on shutdown) before the node exits.
        node = self.nodes[0]
        slow = node.http_connection()
        try:
            slow.request('POST', '/', body='{"method":"waitfornewblock","id":1}', headers=basic(*node.cookie()))
            time.sleep(0.3)
            self.assertEqual(node.stop(), 0)
            reply = json.loads(slow.getresponse().read())
            self.assertEqual(reply['result'], {'hash': REGTEST_GENESIS, 'height': 0})
        finally:
            slow.close()


class UserPassword(test_framework.TestCase):
    defer_start = True

    def test_rpcuser_rpcpassword(self):
        node = self.nodes[0]
        node.auth = ('alice', 'pass:word')
        self.start_nodes([['-rpcuser=alice', '-rpcpassword=pass:word']])
        self.assertEqual(node.getblockcount(), 0)
        # No cookie file with -rpcpassword.
        self.assertFalse(os.path.exists(os.path.join(node.chaindir, '.cookie')))
        self.assertEqual(post(node, '{"method":"getblockcount"}', auth=('alice', 'pass'))[0], 401)
        self.assertEqual(post(node, '{"method":"getblockcount"}', auth=('bob', 'pass:word'))[0], 401)
        self.assertTrue(any('The use of rpcuser/rpcpassword is less secure' in line
                            for line in node.debug_log_lines()))

    def test_rpcauth(self):
        node = self.nodes[0]
        salt = 'cb77f0957de88ff388cf817ddbc7273'
        digest = hmac.new(salt.encode(), b'secret', hashlib.sha256).hexdigest()
        self.start_nodes([[f'-rpcauth=bob:{salt}${digest}', '-rpcauth=carol:00$00']])
        self.assertEqual(post(node, '{"method":"getblockcount","id":1}', auth=('bob', 'secret'))[0], 200)
        self.assertEqual(post(node, '{"method":"getblockcount","id":1}', auth=('bob', 'Secret'))[0], 401)
        self.assertEqual(post(node, '{"method":"getblockcount","id":1}', auth=('carol', ''))[0], 401)
        # The cookie works alongside -rpcauth.
        self.assertEqual(node.getblockcount(), 0)

    def test_bad_rpcauth(self):
        node = self.nodes[0]
        node.start(['-rpcauth=nosalt'])
        self.assertNotEqual(node.wait_for_exit(), 0)
        self.assertIn('Unable to start HTTP server', node.stderr_text())
        self.assertTrue(any('Invalid -rpcauth argument.' in line for line in node.debug_log_lines()))

    def test_cookie_perms(self):
        node = self.nodes[0]
        for value, mode in [('group', 0o640), ('all', 0o644), ('owner', 0o600)]:
            self.start_nodes([[f'-rpccookieperms={value}']])
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(node.chaindir, '.cookie')).st_mode), mode)
            self.stop_nodes()
        node.start(['-rpccookieperms=world'])
        self.assertNotEqual(node.wait_for_exit(), 0)
        self.assertTrue(any("Invalid -rpccookieperms=world; must be one of 'owner', 'group', or 'all'."
                            in line for line in node.debug_log_lines()))

    def test_cookie_file_option(self):
        node = self.nodes[0]
        path = os.path.join(self.tmpdir, 'my.cookie')
        node.start([f'-rpccookiefile={path}'])
        self.wait_until(lambda: os.path.exists(path))
        with open(path) as f:
            node.auth = tuple(f.read().split(':'))
        node.wait_for_rpc()
        self.assertEqual(node.getblockcount(), 0)
        self.assertFalse(os.path.exists(os.path.join(node.chaindir, '.cookie')))
        self.stop_nodes()
        self.assertFalse(os.path.exists(path))

    def test_whitelist(self):
        node = self.nodes[0]
        self.start_nodes([['-rpcwhitelist=__cookie__:getblockcount, help,echo,stop',
                           '-rpcwhitelist=__cookie__:getblockcount,echo,stop']])
        self.assertEqual(node.getblockcount(), 0)
        self.assertEqual(node.echo(1), [1])
        # help was not in both lists: intersected away.
        self.assertEqual(post(node, '{"method":"help"}')[0], 403)
        self.assertEqual(post(node, '[{"method":"getblockcount"},{"method":"uptime"}]')[0], 403)
        self.assertEqual(post(node, '[{"method":"getblockcount","id":1}]')[0], 200)


class WorkQueue(test_framework.TestCase):
    # One worker and one waiting place: a third request while the worker is
    # busy and one waits is refused with Core's 503.
    extra_args = [['-rpcthreads=1', '-rpcworkqueue=1']]

    def test_queue_full(self):
        node = self.nodes[0]
        auth = basic(*node.cookie())
        busy, waiting = node.http_connection(), node.http_connection()
        try:
            busy.request('POST', '/', body='{"method":"waitfornewblock","params":[2000],"id":1}', headers=auth)
            time.sleep(0.5)     # the worker has taken it
            waiting.request('POST', '/', body='{"method":"getblockcount","id":2}', headers=auth)
            time.sleep(0.3)     # it is queued
            status, _, body = post(node, '{"method":"getblockcount","id":3}')
            self.assertEqual((status, body), (503, b'Work queue depth exceeded'))
            self.assertEqual(json.loads(busy.getresponse().read())['id'], 1)
            self.assertEqual(json.loads(waiting.getresponse().read()), {'result': 0, 'error': None, 'id': 2})
        finally:
            busy.close()
            waiting.close()
        self.assertEqual(node.getblockcount(), 0)
        self.assertTrue(any('Request rejected because http work queue depth exceeded' in line
                            for line in node.debug_log_lines()))


class Binding(test_framework.TestCase):
    defer_start = True

    def test_rpcbind_without_allowip(self):
        node = self.nodes[0]
        self.start_nodes([['-rpcbind=127.0.0.1']])
        self.assertEqual(node.getblockcount(), 0)
        log = '\n'.join(node.debug_log_lines())
        self.assertIn('Option -rpcbind was ignored because -rpcallowip was not specified, refusing '
                      'to allow everyone to connect', log)
        self.assertIn(f'Binding RPC on address ::1 port {node.rpc_port}', log)
        self.assertIn(f'Binding RPC on address 127.0.0.1 port {node.rpc_port}', log)

    def test_rpcallowip_without_bind(self):
        node = self.nodes[0]
        self.start_nodes([['-rpcallowip=10.0.0.0/8']])
        self.assertTrue(any('Option -rpcallowip was specified without -rpcbind; this doesn\'t usually '
                            'make sense' in line for line in node.debug_log_lines()))

    def test_rpcbind_with_allowip(self):
        node = self.nodes[0]
        port = test_framework.free_port()
        node.rpc_port = port      # -rpcbind's port beats -rpcport
        self.start_nodes([[f'-rpcbind=127.0.0.1:{port}', '-rpcallowip=127.0.0.1']])
        self.assertEqual(node.getblockcount(), 0)

    def test_bad_rpcallowip(self):
        node = self.nodes[0]
        node.start(['-rpcallowip=1.2.3.4/33'])
        self.assertNotEqual(node.wait_for_exit(), 0)
        self.assertIn('Invalid -rpcallowip subnet specification: 1.2.3.4/33', node.stderr_text())

    def test_disallowed_client(self):
        # Loopback clients are always allowed: a client needs another local
        # address to be refused (403), e.g. the one routing to the outside.
        ip = local_address()
        if ip is None:
            self.skipTest('no non-loopback IPv4 address')
        node = self.nodes[0]
        port = test_framework.free_port()
        other = '203.0.113.7' if ip != '203.0.113.7' else '203.0.113.8'
        self.start_nodes([[f'-rpcbind={ip}:{port}', '-rpcbind=127.0.0.1', f'-rpcallowip={other}/32']])
        conn = http.client.HTTPConnection(ip, port, timeout=30)
        try:
            status, _, body = node.http(body='{"method":"getblockcount"}', conn=conn)
        finally:
            conn.close()
        self.assertEqual((status, body), (403, b''))
        self.assertEqual(node.getblockcount(), 0)

    def test_bad_rpcbind_port(self):
        node = self.nodes[0]
        node.start(['-rpcbind=127.0.0.1:99999', '-rpcallowip=127.0.0.1'])
        self.assertNotEqual(node.wait_for_exit(), 0)


if __name__ == '__main__':
    test_framework.main()
