#!/usr/bin/env python3
"""umkoin-cli: requests, output, errors and exit codes as Umkoin Core's umkoin-cli.

Two halves. `Offline` runs the real umkoin-cli against a small JSON-RPC
server written here (threads on loopback): it checks the exact request bytes,
parameter conversion, output formatting, Core's error texts and exit codes,
authentication, -stdin/-stdinrpcpass, -rpcwait, the config file and -getinfo,
without needing a node. `WithNode` and `RpcWait` run the same client against
a real umkoin-node through test_framework once the node has its RPC server.

Usage: interface_cli.py --node PATH/TO/umkoin-node --cli PATH/TO/umkoin-cli
"""
import base64
import http.server
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

import test_framework

GENESIS = '60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d'
MAKE_SURE = ('\n\nMake sure the umkoind server is running and that you are connecting to the '
             'correct RPC port.\nUse "umkoin-cli -help" for more info.')
WALLET_NOT_SPECIFIED_HINT = (
    ' Or for the CLI, specify the "-rpcwallet=<walletname>" option before the command (run '
    '"umkoin-cli -h" for help or "umkoin-cli listwallets" to see which wallets are currently '
    'loaded).')


def cli_binary():
    path = test_framework.cli_path()
    if not path:
        raise AssertionError('interface_cli needs umkoin-cli: pass --cli PATH')
    return path


def refused_message(port, host='127.0.0.1'):
    return f'error: timeout on transient error: Could not connect to the server {host}:{port}{MAKE_SURE}\n'


def closed_port():
    """A reserved port nothing listens on."""
    return test_framework.free_port()


# ---------------------------------------------------------------- stub node

class StubNode:
    """A JSON-RPC 2.0 server on 127.0.0.1 with Basic auth, answering from
    `methods` (name -> result, or callable(params, path) -> reply member
    fields). Unknown methods get -32601, like umkoind. Every request is kept
    in `requests` as (path, headers, body bytes). `raw` (status, body bytes)
    replaces the answer to everything."""

    def __init__(self, port=None, user='u', password='p'):
        self.port = port or test_framework.free_port()
        self.user, self.password = user, password
        self.methods = {}
        self.requests = []
        self.raw = None
        self.server = None
        self.thread = None

    def auth_header(self):
        token = base64.b64encode(f'{self.user}:{self.password}'.encode()).decode()
        return f'Basic {token}'

    def answer(self, request, path):
        method = request.get('method')
        if method not in self.methods:
            reply = {'error': {'code': -32601, 'message': 'Method not found'}}
        elif callable(self.methods[method]):
            reply = self.methods[method](request.get('params'), path)
        else:
            reply = {'result': self.methods[method]}
        return {'jsonrpc': '2.0', **reply, 'id': request.get('id')}

    def start(self):
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get('Content-Length', 0))
                body = self.rfile.read(length)
                stub.requests.append((self.path, dict(self.headers), body))
                if stub.raw is not None:
                    status, data = stub.raw
                elif self.headers.get('Authorization') != stub.auth_header():
                    status, data = 401, b''
                else:
                    request = json.loads(body)
                    if isinstance(request, list):
                        reply = [stub.answer(r, self.path) for r in request]
                    else:
                        reply = stub.answer(request, self.path)
                    status, data = 200, to_json(reply).encode()
                self.send_response(status)
                if status == 401:
                    self.send_header('WWW-Authenticate', 'Basic realm="jsonrpc"')
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def last_body(self):
        return self.requests[-1][2]

    def last_request(self):
        return json.loads(self.last_body())


def num(text):
    """A number the stub writes exactly as text (Python's json would print
    1e-05 for 0.00001000)."""
    return f'#num:{text}'


def to_json(value):
    return re.sub(r'"#num:([^"]*)"', r'\1', json.dumps(value))


NETWORK_INFO = {
    'version': 310000, 'subversion': '/Satoshi:31.0.0/', 'protocolversion': 70016,
    'localservices': '0000000000000c09', 'localrelay': True, 'timeoffset': 0,
    'networkactive': True, 'connections': 3, 'connections_in': 1, 'connections_out': 2,
    'networks': [
        {'name': 'ipv4', 'limited': False, 'reachable': True, 'proxy': '127.0.0.1:9050'},
        {'name': 'ipv6', 'limited': False, 'reachable': True, 'proxy': '127.0.0.1:9050'},
        {'name': 'onion', 'limited': False, 'reachable': True, 'proxy': '127.0.0.1:9050'},
        {'name': 'i2p', 'limited': False, 'reachable': True, 'proxy': '127.0.0.1:7656'},
        {'name': 'cjdns', 'limited': True, 'reachable': False, 'proxy': ''},
    ],
    'relayfee': num('0.00001000'), 'incrementalfee': num('0.00001000'), 'localaddresses': [],
    'warnings': [],
}
BLOCKCHAIN_INFO = {
    'chain': 'regtest', 'blocks': 0, 'headers': 0, 'bestblockhash': GENESIS,
    'difficulty': num('4.656542373906925e-10'), 'verificationprogress': 1,
    'initialblockdownload': True,
}


def progress_bar(progress):
    """Core's GetProgressBar, in the same double arithmetic."""
    bar, i = '', 0
    while i < progress / 0.05:
        bar += '\u2592'
        i += 1
    i = 0
    while i < (1 - progress) / 0.05:
        bar += '\u2591'
        i += 1
    return bar


class Offline(unittest.TestCase):
    def setUp(self):
        self.cli_path = cli_binary()
        self.tmp = tempfile.mkdtemp(prefix='umk-cli-offline-')
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        os.makedirs(os.path.join(self.tmp, 'regtest'))
        self.stub = StubNode()
        self.stub.start()
        self.addCleanup(self.stub.stop)

    def cli(self, *args, input=None, auth=True, port=None, timeout=60):
        base = [self.cli_path, '-regtest', f'-datadir={self.tmp}',
                f'-rpcport={port or self.stub.port}']
        if auth:
            base += ['-rpcuser=u', '-rpcpassword=p']
        return subprocess.run(base + [str(a) for a in args], input=input, capture_output=True,
                              text=True, timeout=timeout)

    def assert_ok(self, r, stdout):
        self.assertEqual((r.returncode, r.stderr, r.stdout), (0, '', stdout))

    def assert_fails(self, r, code, stderr):
        self.assertEqual((r.returncode, r.stdout, r.stderr), (code, '', stderr))

    # ---- requests

    def test_request_shape(self):
        self.stub.methods['getblockhash'] = GENESIS
        self.assert_ok(self.cli('getblockhash', 0), GENESIS + '\n')
        path, headers, body = self.stub.requests[-1]
        self.assertEqual(path, '/')
        self.assertEqual(body, b'{"method":"getblockhash","params":[0],"id":1,"jsonrpc":"2.0"}\n')
        self.assertEqual(headers['Authorization'], self.stub.auth_header())
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertEqual(headers['Connection'], 'close')

    def test_positional_conversion(self):
        self.stub.methods['sendtoaddress'] = 'txid'
        self.stub.methods['getblockstats'] = {}
        self.stub.methods['getblockhash'] = GENESIS
        # The amount reaches the node as typed; strings stay strings.
        self.cli('sendtoaddress', 'bcrt1qaddr', '0.10000000', 'a=b', '', 'true')
        self.assertIn(b'"params":["bcrt1qaddr",0.10000000,"a=b","",true]', self.stub.last_body())
        # hash_or_height: JSON when it parses, else the string as it is.
        self.cli('getblockstats', GENESIS)
        self.assertEqual(self.stub.last_request()['params'], [GENESIS])
        self.cli('getblockstats', '7', '["height"]')
        self.assertEqual(self.stub.last_request()['params'], [7, ['height']])
        # Unknown methods: every word a string.
        self.cli('nosuchmethod', '1', 'null')
        self.assertEqual(self.stub.last_request()['params'], ['1', 'null'])
        # A JSON parameter that does not parse fails before anything is sent.
        n = len(self.stub.requests)
        self.assert_fails(self.cli('getblockhash', 'foo'), 1, 'error: Error parsing JSON: foo\n')
        self.assertEqual(len(self.stub.requests), n)

    def test_named(self):
        self.stub.methods['getblockhash'] = GENESIS
        self.assert_ok(self.cli('-named', 'getblockhash', 'height=0'), GENESIS + '\n')
        self.assertIn(b'"params":{"height":0}', self.stub.last_body())
        # A later value wins; words without '=' go to "args", added last.
        self.cli('-named', 'echojson', 'arg0=1', '[2]', 'arg0=[3]')
        self.assertIn(b'"params":{"arg0":[3],"args":[[2]]}', self.stub.last_body())
        # '=' inside a positional value: a JSON array, and a wallet name.
        self.cli('-named', 'echojson', '["key=value"]')
        self.assertIn(b'"params":{"args":[["key=value"]]}', self.stub.last_body())
        self.cli('-named', 'createwallet', 'my=wallet', 'load_on_startup=true')
        self.assertIn(b'"params":{"load_on_startup":true,"args":["my=wallet"]}',
                      self.stub.last_body())
        # "args" given by name and by position: both are sent, the node decides.
        self.cli('-named', 'echo', 'args=[0]', '4')
        self.assertIn(b'"params":{"args":"[0]","args":["4"]}', self.stub.last_body())

    def test_wallet_endpoint(self):
        self.stub.methods['getwalletinfo'] = {}
        self.cli('-rpcwallet=my wallet/\u00e4', 'getwalletinfo')
        self.assertEqual(self.stub.requests[-1][0], '/wallet/my%20wallet%2F%C3%A4')
        self.cli('-rpcwallet=', 'getwalletinfo')
        self.assertEqual(self.stub.requests[-1][0], '/wallet/')
        self.cli('-rpcwallet=w', '-norpcwallet', 'getwalletinfo')
        self.assertEqual(self.stub.requests[-1][0], '/')

    # ---- output

    def test_output_format(self):
        self.stub.methods['getblockcount'] = 0
        self.stub.methods['nothing'] = None
        self.stub.methods['empty'] = ''
        self.stub.methods['text'] = 'two\nlines "quoted"'
        self.assert_ok(self.cli('getblockcount'), '0\n')
        self.assert_ok(self.cli('nothing'), '')
        self.assert_ok(self.cli('empty'), '')
        self.assert_ok(self.cli('text'), 'two\nlines "quoted"\n')
        # UniValue's layout: "key": value, two spaces a level, empty containers
        # on two lines, numbers as the node wrote them, its escapes.
        self.stub.raw = (200, (b'{"result":{"s":"\\u00e9\\u0001\\/\\u007f","n":1.50e+3,"big":'
                               b'123456789012345678901234567890,"e":{},"a":[[],true,null]},'
                               b'"error":null,"id":1}'))
        self.assert_ok(self.cli('any'), '{\n'
                                        '  "s": "\u00e9\\u0001/\\u007f",\n'
                                        '  "n": 1.50e+3,\n'
                                        '  "big": 123456789012345678901234567890,\n'
                                        '  "e": {\n'
                                        '  },\n'
                                        '  "a": [\n'
                                        '    [\n'
                                        '    ],\n'
                                        '    true,\n'
                                        '    null\n'
                                        '  ]\n'
                                        '}\n')
        self.stub.raw = (200, b'{"result":[],"error":null,"id":1}')
        self.assert_ok(self.cli('any'), '[\n]\n')

    # ---- errors

    def test_rpc_errors(self):
        # Exit code: |code| (the shell sees its low byte: 32601 & 255 = 89).
        self.assert_fails(self.cli('nosuchmethod'), 32601 & 0xff,
                          'error code: -32601\nerror message:\nMethod not found\n')
        self.stub.methods['getbalance'] = lambda params, path: {
            'error': {'code': -19, 'message': 'Wallet file not specified (must request wallet RPC '
                      'through /wallet/<filename> uri-path).'}}
        self.assert_fails(self.cli('getbalance'), 19,
                          'error code: -19\nerror message:\nWallet file not specified (must '
                          'request wallet RPC through /wallet/<filename> uri-path).'
                          + WALLET_NOT_SPECIFIED_HINT + '\n')
        self.stub.methods['fails'] = lambda params, path: {
            'error': {'code': -1, 'message': 'boom'}}
        self.assert_fails(self.cli('fails'), 1, 'error code: -1\nerror message:\nboom\n')
        # Errors that are not objects, and replies that are not JSON-RPC.
        for body, stderr in [
                (b'{"result":null,"error":"bad","id":1}',
                 'error: JSON value of type null is not of expected type number\n'),
                (b'[]', 'error: JSON value of type array is not of expected type object\n'),
                (b'{}', 'error: expected reply to have result, error and id properties\n'),
                (b'not json', "error: couldn't parse reply from server\n"),
                (b'', 'error: no response from server\n')]:
            with self.subTest(body=body):
                self.stub.raw = (200, body)
                self.assert_fails(self.cli('any'), 1, stderr)

    def test_http_errors(self):
        for status, body, stderr in [
                (503, b'Work queue depth exceeded', 'error: Server response: Work queue depth exceeded\n'),
                (403, b'', 'error: server returned HTTP error 403\n'),
                (500, b'{"result":null,"error":{"code":-32603,"message":"x"},"id":1}',
                 'error code: -32603\nerror message:\nx\n')]:
            with self.subTest(status=status):
                self.stub.raw = (status, body)
                r = self.cli('any')
                self.assertEqual((r.stdout, r.stderr), ('', stderr))

    def test_connection_refused(self):
        port = closed_port()
        self.assert_fails(self.cli('getblockcount', port=port), 1, refused_message(port))
        # -rpcconnect's port, when -rpcport is not given.
        r = subprocess.run([self.cli_path, '-regtest', f'-datadir={self.tmp}',
                            f'-rpcconnect=127.0.0.1:{port}', 'getblockcount'],
                           capture_output=True, text=True, timeout=60)
        self.assert_fails(r, 1, refused_message(port))

    def test_bad_ports(self):
        for option, value in [('-rpcconnect', '127.0.0.1:notaport'), ('-rpcconnect', '127.0.0.1:-1'),
                              ('-rpcconnect', '127.0.0.1:0'), ('-rpcconnect', '127.0.0.1:65536'),
                              ('-rpcconnect', '[::1]:0'), ('-rpcport', 'notaport'),
                              ('-rpcport', '0'), ('-rpcport', '65536'), ('-rpcport', '-1')]:
            with self.subTest(option=option, value=value):
                self.assert_fails(self.cli(f'{option}={value}', 'echo'), 1,
                                  f'error: Invalid port provided in {option}: {value}\n')
        # -rpcport wins over a port in -rpcconnect, with a warning.
        self.stub.methods['getblockcount'] = 0
        r = self.cli(f'-rpcconnect=127.0.0.1:{closed_port()}', 'getblockcount')
        self.assertEqual((r.returncode, r.stdout), (0, '0\n'))
        self.assertEqual(r.stderr, 'Warning: Port specified in both -rpcconnect and -rpcport. '
                                   f'Using -rpcport {self.stub.port}\n')

    def test_usage_errors(self):
        self.assert_fails(self.cli(), 1, 'error: too few parameters (need at least command)\n')
        r = subprocess.run([self.cli_path], capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stderr), (1, 'Error: too few parameters\n'))
        self.assertIn('RPC client version', r.stdout)
        r = subprocess.run([self.cli_path, '-version'], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r'^Umkoin RPC client version v')
        self.assert_fails(self.cli('-nosuchoption', 'x'), 1,
                          'Error parsing command line arguments: Invalid parameter -nosuchoption\n')
        self.assert_fails(self.cli('-getinfo', '-netinfo'), 1,
                          'error: Only one of -getinfo, -netinfo may be specified.\n')
        missing = os.path.join(self.tmp, 'missing')
        r = subprocess.run([self.cli_path, f'-datadir={missing}', 'getblockcount'],
                           capture_output=True, text=True, timeout=60)
        self.assert_fails(r, 1, f'Error: Specified data directory "{missing}" does not exist.\n')
        self.assert_fails(self.cli('-testnet', 'x'), 1, 'Error: Invalid combination of -regtest, '
                          '-signet, -testnet, -testnet4 and -chain. Can use at most one.\n')

    # ---- authentication

    def test_auth(self):
        self.stub.methods['getblockcount'] = 0
        self.assert_fails(self.cli('-rpcpassword=wrong', 'getblockcount'), 1,
                          'error: Authorization failed: Incorrect rpcuser or rpcpassword\n')
        # Without a password: the cookie in the network's datadir.
        self.stub.user, self.stub.password = '__cookie__', 'c0ffee'
        with open(os.path.join(self.tmp, 'regtest', '.cookie'), 'w') as f:
            f.write('__cookie__:c0ffee')
        self.assert_ok(self.cli('getblockcount', auth=False), '0\n')
        cookie = os.path.join(self.tmp, 'other-cookie')
        with open(cookie, 'w') as f:
            f.write('__cookie__:c0ffee\nignored second line\n')
        os.remove(os.path.join(self.tmp, 'regtest', '.cookie'))
        self.assert_ok(self.cli(f'-rpccookiefile={cookie}', 'getblockcount', auth=False), '0\n')
        # No cookie and no password: Core's hint, with the config file's path.
        conf = os.path.join(self.tmp, 'umkoin.conf')
        self.assert_fails(self.cli('-rpccookiefile=does-not-exist', 'getblockcount', auth=False), 1,
                          'error: Could not locate RPC credentials. No authentication cookie could '
                          'be found, and RPC password is not set.  See -rpcpassword and '
                          f'-stdinrpcpass.  Configuration file: ({conf})\n')
        # -norpccookiefile: an empty user:password.
        self.cli('-norpccookiefile', 'getblockcount', auth=False)
        self.assertEqual(self.stub.requests[-1][1]['Authorization'], 'Basic ' + base64.b64encode(b'').decode())

    def test_stdin(self):
        self.stub.methods['getblockcount'] = 0
        self.stub.methods['echo'] = lambda params, path: {'result': params}
        base = [self.cli_path, '-regtest', f'-datadir={self.tmp}', f'-rpcport={self.stub.port}',
                '-rpcuser=u']

        def run(*args, input=None):
            return subprocess.run(base + list(args), input=input, capture_output=True, text=True,
                                  timeout=60)
        self.assert_ok(run('-stdinrpcpass', 'getblockcount', input='p\n'), '0\n')
        self.assert_ok(run('-stdinrpcpass', 'getblockcount', input='p'), '0\n')
        self.assert_fails(run('-stdinrpcpass', 'getblockcount', input='bad\n'), 1,
                          'error: Authorization failed: Incorrect rpcuser or rpcpassword\n')
        self.assert_fails(run('-stdinrpcpass', 'getblockcount', input=''), 1,
                          'error: -stdinrpcpass specified but failed to read from standard input\n')
        # -stdin: one parameter per line, after those on the command line;
        # with -stdinrpcpass the password comes first.
        self.assert_ok(run('-rpcpassword=p', '-stdin', 'echo', 'x', input='a b\n\nc'),
                       '[\n  "x",\n  "a b",\n  "",\n  "c"\n]\n')
        self.assert_ok(run('-stdin', '-stdinrpcpass', input='p\necho\nfoo\n'), '[\n  "foo"\n]\n')
        self.assert_fails(run('-stdin', '-stdinrpcpass', 'echo', input='bad\nfoo\n'), 1,
                          'error: Authorization failed: Incorrect rpcuser or rpcpassword\n')
        # -stdinwalletpassphrase: only for walletpassphrase(change), inserted first.
        self.stub.methods['walletpassphrase'] = lambda params, path: {'result': params}
        self.assert_ok(run('-rpcpassword=p', '-stdinwalletpassphrase', 'walletpassphrase', '60',
                           input='secret=1\n'), '[\n  "secret=1",\n  60\n]\n')
        self.assert_fails(run('-rpcpassword=p', '-stdinwalletpassphrase', 'getblockcount', input='x\n'),
                          1, 'error: -stdinwalletpassphrase is only applicable for '
                          'walletpassphrase(change)\n')

    # ---- -rpcwait

    def test_rpcwait(self):
        # A server that comes up two seconds after the client starts.
        late = StubNode()
        late.methods['getblockcount'] = 7
        timer = threading.Timer(2, late.start)
        timer.start()
        self.addCleanup(late.stop)
        self.addCleanup(timer.cancel)
        start = time.monotonic()
        r = self.cli('-rpcwait', 'getblockcount', port=late.port)
        self.assert_ok(r, '7\n')
        self.assertGreaterEqual(time.monotonic() - start, 1.5)
        # A node still warming up (-28) is waited for too.
        answers = iter([{'error': {'code': -28, 'message': 'Loading block index...'}}] * 2)
        self.stub.methods['getblockcount'] = lambda params, path: next(answers, {'result': 3})
        self.assert_ok(self.cli('-rpcwait', 'getblockcount'), '3\n')
        self.assertEqual(len(self.stub.requests), 3)
        # Without -rpcwait, warm-up is an ordinary error.
        self.stub.methods['getblockcount'] = lambda params, path: {
            'error': {'code': -28, 'message': 'Loading block index...'}}
        self.assert_fails(self.cli('getblockcount'), 28,
                          'error code: -28\nerror message:\nLoading block index...\n')

    def test_rpcwaittimeout(self):
        port = closed_port()
        start = time.monotonic()
        r = self.cli('-rpcwait', '-rpcwaittimeout=2', 'getblockcount', port=port)
        self.assertGreaterEqual(time.monotonic() - start, 2)
        self.assert_fails(r, 1, refused_message(port))

    # ---- configuration file

    def test_config_file(self):
        self.stub.methods['getblockcount'] = 0
        with open(os.path.join(self.tmp, 'umkoin.conf'), 'w') as f:
            # rpcport is network-only: the top-level one does not apply on regtest.
            f.write(f'rpcport=1\nrpcuser=nobody\n[regtest]\nrpcport={self.stub.port}\n'
                    'rpcuser=u\nrpcpassword=p\n[main]\nrpcpassword=wrong\n')
        run = [self.cli_path, '-regtest', f'-datadir={self.tmp}']
        r = subprocess.run(run + ['getblockcount'], capture_output=True, text=True, timeout=60)
        self.assert_ok(r, '0\n')
        # The command line wins over the file.
        r = subprocess.run(run + ['-rpcpassword=x', 'getblockcount'], capture_output=True,
                           text=True, timeout=60)
        self.assert_fails(r, 1, 'error: Authorization failed: Incorrect rpcuser or rpcpassword\n')
        # -conf elsewhere; regtest=1 in the file selects the chain.
        other = os.path.join(self.tmp, 'other.conf')
        with open(other, 'w') as f:
            f.write(f'regtest=1\n[regtest]\nrpcport={self.stub.port}\nrpcuser=u\nrpcpassword=p\n')
        r = subprocess.run([self.cli_path, f'-datadir={self.tmp}', f'-conf={other}', 'getblockcount'],
                           capture_output=True, text=True, timeout=60)
        self.assert_ok(r, '0\n')
        with open(other, 'w') as f:
            f.write('nosuchoption=1\nrpcuser=u\n[regtest]\n-bad line\n')
        r = subprocess.run([self.cli_path, f'-datadir={self.tmp}', f'-conf={other}', 'getblockcount'],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith('Error reading configuration file: '), r.stderr)

    # ---- -addrinfo, -generate

    def test_addrinfo(self):
        self.stub.methods['getnodeaddresses'] = [
            {'network': 'ipv4'}, {'network': 'onion'}, {'network': 'ipv4'},
            {'network': 'not_publicly_routable'}, {'network': 'cjdns'}]
        self.assert_ok(self.cli('-addrinfo'),
                       '{\n  "addresses_known": {\n    "ipv4": 2,\n    "ipv6": 0,\n    "onion": 1,\n'
                       '    "i2p": 0,\n    "cjdns": 1,\n    "total": 4\n  }\n}\n')
        self.assertIn(b'"method":"getnodeaddresses","params":[0]', self.stub.last_body())
        self.assert_fails(self.cli('-addrinfo', 'x'), 1, 'error: -addrinfo takes no arguments\n')

    def test_generate(self):
        self.stub.methods['getnewaddress'] = 'bcrt1qnew'
        self.stub.methods['generatetoaddress'] = lambda params, path: {'result': ['h'] * params[0]}
        self.assert_ok(self.cli('-generate'),
                       '{\n  "address": "bcrt1qnew",\n  "blocks": [\n    "h"\n  ]\n}\n')
        self.assertIn(b'"params":[1,"bcrt1qnew"]', self.stub.last_body())
        self.cli('-generate', '2', '1000')
        self.assertIn(b'"params":[2,"bcrt1qnew",1000]', self.stub.last_body())
        for args, stderr in [
                (['foo'], 'error: Error parsing JSON: foo\n'),
                (['0'], 'error: the first argument (number of blocks to generate, default: 1) must '
                        'be an integer value greater than zero\n'),
                (['1', '2', '3'], 'error: too many arguments (maximum 2 for nblocks and maxtries)\n')]:
            with self.subTest(args=args):
                self.assert_fails(self.cli('-generate', *args), 1, stderr)
        self.stub.methods['getnewaddress'] = lambda params, path: {
            'error': {'code': -18, 'message': 'Requested wallet does not exist or is not loaded'}}
        self.assert_fails(self.cli('-generate', '0'), 18, 'error code: -18\nerror message:\n'
                          'Requested wallet does not exist or is not loaded\n')

    # ---- -getinfo

    def getinfo_stub(self, wallets=(), progress=1):
        """Answers -getinfo's calls; the wallet calls as a node with `wallets`
        loaded does: on "/" only with exactly one wallet (-19 with several,
        -18 with none)."""
        self.stub.methods['getnetworkinfo'] = NETWORK_INFO
        self.stub.methods['getblockchaininfo'] = dict(BLOCKCHAIN_INFO, verificationprogress=progress)
        self.stub.methods['listwallets'] = list(wallets)
        balances = {name: num(f'{50 - i}.00000000') for i, name in enumerate(wallets)}

        def wallet_call(result):
            def call(params, path):
                name = path[len('/wallet/'):] if path.startswith('/wallet/') else None
                if name is None and len(wallets) != 1:
                    return {'error': {'code': -19 if wallets else -18, 'message': 'no wallet'}}
                return {'result': result(wallets[0] if name is None else name)}
            return call
        self.stub.methods['getwalletinfo'] = wallet_call(
            lambda name: {'walletname': name, 'keypoolsize': 1000})
        self.stub.methods['getbalances'] = wallet_call(
            lambda name: {'mine': {'trusted': balances[name]}})

    GETINFO_NODE = ('Chain: regtest\n'
                    'Blocks: 0\n'
                    'Headers: 0\n'
                    'Verification progress: 100.0000%\n'
                    'Difficulty: 4.656542373906925e-10\n'
                    '\n'
                    'Network: in 1, out 2, total 3\n'
                    'Version: 310000\n'
                    'Time offset (s): 0\n'
                    'Proxies: 127.0.0.1:9050 (ipv4, ipv6, onion), 127.0.0.1:7656 (i2p)\n'
                    'Min tx relay fee rate (UMK/kvB): 0.00001000\n'
                    '\n')

    def test_getinfo(self):
        self.getinfo_stub()
        self.assert_ok(self.cli('-getinfo', '-color=never'), self.GETINFO_NODE + 'Warnings: (none)\n')
        batch = self.stub.requests[0][2]
        self.assertEqual(batch, b'[{"method":"getnetworkinfo","params":null,"id":0,"jsonrpc":"2.0"},'
                                b'{"method":"getblockchaininfo","params":null,"id":1,"jsonrpc":"2.0"},'
                                b'{"method":"getwalletinfo","params":null,"id":2,"jsonrpc":"2.0"},'
                                b'{"method":"getbalances","params":null,"id":3,"jsonrpc":"2.0"}]\n')
        # Then listwallets, for the balances of several wallets.
        self.assertEqual(json.loads(self.stub.requests[1][2])['method'], 'listwallets')
        colored = self.cli('-getinfo', '-color=always').stdout
        self.assertTrue(colored.startswith('\x1b[34mChain: regtest\x1b[0m\n'), colored)
        self.assertIn('\x1b[33mWarnings:\x1b[0m (none)', colored)
        self.assert_fails(self.cli('-getinfo', '-color=foo'), 1,
                          'error: Invalid value for -color option. Valid values: always, auto, never.\n')
        self.assert_fails(self.cli('-getinfo', 'help'), 1, 'error: -getinfo takes no arguments\n')

    def test_getinfo_progress_and_wallets(self):
        self.getinfo_stub(wallets=[''], progress=0.5)
        r = self.cli('-getinfo', '-color=never')
        progress = f'Verification progress: {progress_bar(0.5)} 50.0000%\n'
        expected = (self.GETINFO_NODE.replace('Verification progress: 100.0000%\n', progress)
                    + 'Wallet: ""\nKeypool size: 1000\nBalance: 50.00000000\n\nWarnings: (none)\n')
        self.assert_ok(r, expected)
        # Several wallets: a balance each, right-aligned, from /wallet/<name>.
        self.stub.requests.clear()
        self.getinfo_stub(wallets=['', 'w2'])
        r = self.cli('-getinfo', '-color=never')
        expected = (self.GETINFO_NODE + 'Balances\n50.00000000 ""\n49.00000000 w2\n\n'
                    'Warnings: (none)\n')
        self.assert_ok(r, expected)
        self.assertEqual([req[0] for req in self.stub.requests[-2:]], ['/wallet/', '/wallet/w2'])
        # With -rpcwallet, the whole batch goes to that wallet; no listwallets.
        self.stub.requests.clear()
        r = self.cli('-getinfo', '-color=never', '-rpcwallet=w2')
        self.assertIn('Wallet: w2\nKeypool size: 1000\nBalance: 49.00000000\n', r.stdout)
        self.assertEqual([req[0] for req in self.stub.requests], ['/wallet/w2'])

    def test_getinfo_partial_node(self):
        # A node without getnetworkinfo yet: its fields stay empty.
        self.getinfo_stub()
        del self.stub.methods['getnetworkinfo']
        r = self.cli('-getinfo', '-color=never')
        self.assert_ok(r, 'Chain: regtest\nBlocks: 0\nHeaders: 0\nVerification progress: 100.0000%\n'
                          'Difficulty: 4.656542373906925e-10\n\nNetwork: in , out , total \n'
                          'Version: \nTime offset (s): \nProxies: n/a\n'
                          'Min tx relay fee rate (UMK/kvB): \n\nWarnings: (none)\n')
        # Any other error of the node-wide calls is the command's error.
        self.stub.methods['getnetworkinfo'] = lambda params, path: {
            'error': {'code': -28, 'message': 'Loading block index...'}}
        self.assert_fails(self.cli('-getinfo'), 28,
                          'error code: -28\nerror message:\nLoading block index...\n')


# ---------------------------------------------------------------- real node

class WithNode(test_framework.TestCase):
    def setUp(self):
        cli_binary()
        super().setUp()

    def test_block_count_and_hash(self):
        node = self.nodes[0]
        r = node.cli('getblockcount')
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, '0\n', ''))
        r = node.cli('getblockhash', '0')
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, GENESIS + '\n', ''))
        r = node.cli('-named', 'getblockhash', 'height=0')
        self.assertEqual((r.returncode, r.stdout), (0, GENESIS + '\n'))
        # JSON results: indented by two, the same values as over RPC.
        r = node.cli('getblockchaininfo')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith('{\n  "chain": "regtest",\n'), r.stdout)
        import decimal
        self.assertEqual(json.loads(r.stdout, parse_float=decimal.Decimal)['bestblockhash'], GENESIS)

    def test_errors(self):
        node = self.nodes[0]
        r = node.cli('nosuchmethod')
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (32601 & 0xff, '', 'error code: -32601\nerror message:\nMethod not found\n'))
        r = node.cli('-rpcuser=nobody', '-rpcpassword=wrong', 'getblockcount')
        self.assertEqual((r.returncode, r.stdout, r.stderr),
                         (1, '', 'error: Authorization failed: Incorrect rpcuser or rpcpassword\n'))
        r = node.cli('getblockhash', 'foo')
        self.assertEqual((r.returncode, r.stderr), (1, 'error: Error parsing JSON: foo\n'))
        port = closed_port()
        r = node.cli(f'-rpcconnect=127.0.0.1:{port}', '-rpcport=' + str(port), 'getblockcount')
        self.assertEqual((r.returncode, r.stdout), (1, ''))
        self.assertTrue(r.stderr.endswith(refused_message(port)), r.stderr)

    def test_stdin(self):
        node = self.nodes[0]
        user, password = node.cookie()
        r = node.cli(f'-rpcuser={user}', '-stdinrpcpass', 'getblockcount', input=password)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, '0\n', ''))
        r = node.cli(f'-rpcuser={user}', '-stdinrpcpass', 'getblockcount', input='wrong')
        self.assertEqual((r.returncode, r.stderr),
                         (1, 'error: Authorization failed: Incorrect rpcuser or rpcpassword\n'))
        r = node.cli('-stdin', input='getblockhash\n0\n')
        self.assertEqual((r.returncode, r.stdout), (0, GENESIS + '\n'))
        r = node.cli(f'-rpcuser={user}', '-stdin', '-stdinrpcpass', input=f'{password}\ngetblockcount\n')
        self.assertEqual((r.returncode, r.stdout), (0, '0\n'))

    def test_getinfo(self):
        r = self.nodes[0].cli('-getinfo', '-color=never')
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith('Chain: regtest\nBlocks: 0\nHeaders: 0\n'), r.stdout)
        self.assertTrue(r.stdout.endswith('\n'), r.stdout)
        self.assertIn('\nWarnings: ', r.stdout)


class RpcWait(test_framework.TestCase):
    defer_start = True

    def setUp(self):
        cli_binary()
        super().setUp()

    def test_node_started_later(self):
        # A password in the config, so the client need not race the cookie file.
        node = self.nodes[0]
        node.append_config('rpcuser=cliuser', 'rpcpassword=clipass')
        node.auth = ('cliuser', 'clipass')
        cli = subprocess.Popen([node.cli_binary, '-regtest', f'-datadir={node.datadir}', '-rpcwait',
                                '-rpcwaittimeout=60', 'getblockhash', '0'],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: cli.poll() is None and cli.kill())
        time.sleep(1.5)
        self.assertIsNone(cli.poll(), 'the client did not wait')
        node.start()
        out, err = cli.communicate(timeout=90)
        self.assertEqual((cli.returncode, out, err), (0, GENESIS + '\n', ''))
        node.wait_for_rpc()

    def test_rpcwaittimeout(self):
        node = self.nodes[0]
        start = time.monotonic()
        r = node.cli('-rpcwait', '-rpcwaittimeout=2', 'getblockcount')
        self.assertGreaterEqual(time.monotonic() - start, 2)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (1, '', refused_message(node.rpc_port)))


if __name__ == '__main__':
    test_framework.main()
