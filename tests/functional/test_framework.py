"""The functional-test harness: real umkoin-node processes on regtest, each in its
own temporary datadir with its own ports, driven over JSON-RPC and umkoin-cli.
Python 3 standard library only.

Writing a test -- tests/functional/<area>_<thing>.py, added to the list in
tests/functional/meson.build:

    import test_framework

    class Blocks(test_framework.TestCase):
        num_nodes = 2                      # started in setUp, stopped after tearDown
        extra_args = [[], ['-debug=rpc']]  # one list per node (optional)

        def test_count(self):
            node = self.nodes[0]
            self.assertEqual(node.getblockcount(), 0)        # any RPC, as a method
            self.assertEqual(node.rpc('getblockhash', 0), ...)
            self.assert_rpc_error(-8, 'Block height out of range', node.getblockhash, 1)
            status, headers, body = node.http(body='{}', auth=None)   # raw HTTP
            r = node.cli('getblockcount')                    # subprocess.CompletedProcess
            self.wait_until(lambda: node.getblockcount() == 0, timeout=10)
            self.nodes[1].stop()                             # RPC stop, waits for exit 0

    if __name__ == '__main__':
        test_framework.main()

A class with `defer_start = True` gets its nodes created (datadir, umkoin.conf,
ports) but not started, for tests that start them themselves, e.g. with bad
options: `node.start(['-nosuchoption'])`, `node.wait_for_exit()` -> exit code,
`node.stderr_text()`. Override setUp only with a call to super().setUp().

Running one test by hand (extra arguments go to unittest, e.g. a test name or -k):

    python3 tests/functional/x.py --node build/node/umkoin-node --cli build/cli/umkoin-cli
    python3 tests/functional/x.py --node build/node/umkoin-node Blocks.test_count

`--nocleanup` keeps every temp dir. A failed test always keeps its temp dir and
prints its path and the end of each node's debug.log to stderr. Node processes
are killed when the test run ends in any way (cleanups, atexit, SIGTERM, and on
Linux the parent-death signal). Tests may run concurrently (meson runs them in
parallel): temp dirs come from mkdtemp and ports are reserved across processes
with lock files (see free_port).

"""

import argparse
import atexit
import base64
import decimal
import fcntl
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest

CHAIN = 'regtest'
# Options for a node with RPC/P2P; ports are added per node. Core refuses
# -bind together with -listen=0, so the node listens, on loopback and its own port.
NETWORK_ARGS = ['-bind=127.0.0.1', '-dnsseed=0', '-fixedseeds=0']
DEBUG_LOG_TAIL = 30


# ---------------------------------------------------------------- options

_options = None


def options():
    """--node, --cli and --nocleanup from the command line (or UMKOIN_NODE and
    UMKOIN_CLI), parsed once; also usable at import time, in skip decorators."""
    global _options
    if _options is None:
        p = argparse.ArgumentParser(add_help=False)
        p.add_argument('--node', default=os.environ.get('UMKOIN_NODE'))
        p.add_argument('--cli', default=os.environ.get('UMKOIN_CLI'))
        p.add_argument('--nocleanup', action='store_true')
        _options, rest = p.parse_known_args(sys.argv[1:])
        _options.rest = rest
        for name in ('node', 'cli'):
            path = getattr(_options, name)
            setattr(_options, name, os.path.abspath(path) if path else None)
    return _options


def node_path():
    path = options().node
    if not path:
        raise RuntimeError('no umkoin-node given: pass --node PATH (or set UMKOIN_NODE)')
    return path


def cli_path():
    """The umkoin-cli path, or None when it was not given."""
    return options().cli


# ---------------------------------------------------------------- helpers

def wait_until(predicate, timeout=30, interval=0.05, message=None):
    """Calls predicate() until it returns something true (which is returned),
    polling every `interval` seconds; AssertionError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(message or f'condition not met within {timeout}s: {predicate!r}')
        time.sleep(interval)


# Ports: below Linux's ephemeral range (32768-60999), so neither outgoing
# connections nor bind(0) take them, handed out in blocks; a block belongs to
# the process holding an flock on its file, so concurrent test processes never
# get the same port. The locks are released when the process exits.
PORT_MIN, PORT_MAX, PORT_BLOCK = 12000, 32000, 32
_port_lock_dir = os.path.join(tempfile.gettempdir(), 'umkoin-test-ports')
_port_locks = []     # open lock-file descriptors, held until exit
_ports_free = []     # the rest of this process's current block


def read_from(path, offset=0):
    """The text of a file from offset on ("" if it does not exist yet): for
    following a node's debug.log while it writes."""
    try:
        with open(path, errors="replace") as f:
            f.seek(offset)
            return f.read()
    except OSError:
        return ""


def size_of(path):
    """A file's size, 0 if it does not exist yet."""
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


DONE_LOADING = "init message: Done loading"


def lock_is_free(chaindir):
    """True when this process can take the datadir's lock the way the node
    does (fcntl F_SETLK on .lock); the lock is let go again at once."""
    fd = os.open(os.path.join(chaindir, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def wait_for_start_up(node, log, offset=0, timeout=30):
    """Waits until the node logs the end of its start-up in log (from
    offset on); fails at once if it exits before."""
    def done():
        if DONE_LOADING in read_from(log, offset):
            return True
        if not node.running():
            raise AssertionError(f"{node.name} exited during start-up:{node.diagnostics()}")
        return False
    wait_until(done, timeout=timeout)


def _port_bindable(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(('127.0.0.1', port))
            return True
        except OSError:
            return False


def _claim_block():
    os.makedirs(_port_lock_dir, exist_ok=True)
    blocks = list(range(PORT_MIN // PORT_BLOCK, PORT_MAX // PORT_BLOCK))
    random.shuffle(blocks)
    for b in blocks:
        try:
            fd = os.open(os.path.join(_port_lock_dir, f'block-{b}'), os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _port_locks.append(fd)
        return list(range(b * PORT_BLOCK, (b + 1) * PORT_BLOCK))
    raise RuntimeError(f'no free port block under {_port_lock_dir}')


def free_port():
    """A TCP port free on 127.0.0.1 and reserved for this process."""
    while True:
        if not _ports_free:
            _ports_free.extend(_claim_block())
        port = _ports_free.pop(0)
        if _port_bindable(port):
            return port


# ---------------------------------------------------------------- errors

class RPCError(Exception):
    """A JSON-RPC error: `code` and `message` from the reply's error object
    (Core's codes, e.g. -32601 method not found), or the harness's own codes
    for broken replies as Core's test framework uses them (-342 bad HTTP reply,
    -343 no result)."""

    def __init__(self, code, message, http_status=None, method=None):
        super().__init__(f'{message} ({code})' + (f' in {method}' if method else ''))
        self.code = code
        self.message = message
        self.http_status = http_status
        self.method = method


class NodeError(Exception):
    """A node did not start, did not answer, crashed or did not stop."""


# ---------------------------------------------------------------- processes

_live_nodes = set()   # TestNodes with a process not yet reaped


def _kill_everything():
    for node in list(_live_nodes):
        node.kill()


atexit.register(_kill_everything)

if sys.platform.startswith('linux'):
    import ctypes
    _libc = ctypes.CDLL(None, use_errno=True)
    _PR_SET_PDEATHSIG = 1

    def _child_setup(parent):
        # Runs in the child before exec: the node gets SIGKILL if this process
        # dies without cleaning up (or has died already).
        def setup():
            _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != parent:
                os._exit(1)
        return setup
else:
    def _child_setup(parent):
        return None


class TestNode:
    """One umkoin-node on regtest in `<tmpdir>/node<index>`. Unknown attributes
    are RPCs (`node.getblockcount()`); the harness's own methods (start, stop,
    kill, cli, http, ...) win over RPCs of the same name: use node.rpc('stop')."""

    def __init__(self, index, tmpdir, extra_args=None, binary=None, cli_binary=None):
        self.index = index
        self.name = f'node{index}'
        self.datadir = os.path.join(tmpdir, self.name)
        self.chaindir = os.path.join(self.datadir, CHAIN)
        self.binary = binary or node_path()
        self.cli_binary = cli_binary or cli_path()
        self.extra_args = list(extra_args or [])
        self.rpc_port = free_port()
        self.p2p_port = free_port()
        self.rpc_timeout = 60
        self.auth = 'cookie'          # or (user, password) for rpc()
        self.process = None
        self._out = self._err = None
        self._out_start = self._err_start = 0
        self._rpc_id = 0
        os.makedirs(self.datadir, exist_ok=True)
        self.config_path = os.path.join(self.datadir, 'umkoin.conf')
        with open(self.config_path, 'w') as f:
            f.write(f'regtest=1\n[regtest]\nrpcport={self.rpc_port}\nport={self.p2p_port}\n')

    def __repr__(self):
        return f'<TestNode {self.name} rpc={self.rpc_port} {self.datadir}>'

    def append_config(self, *lines):
        with open(self.config_path, 'a') as f:
            f.writelines(f'{line}\n' for line in lines)

    # ---- process

    def args(self, extra_args=None):
        args = [self.binary, f'-{CHAIN}', f'-datadir={self.datadir}',
                f'-rpcport={self.rpc_port}', f'-port={self.p2p_port}', *NETWORK_ARGS,
                '-printtoconsole=0']
        return args + list(self.extra_args if extra_args is None else extra_args)

    def start(self, extra_args=None):
        """Launches the node (extra_args replace the node's own extra_args);
        does not wait for anything: see wait_for_rpc and wait_for_exit."""
        if self.process is not None:
            raise NodeError(f'{self.name} is already running')
        try:
            os.remove(os.path.join(self.chaindir, '.cookie'))   # left by a killed node
        except FileNotFoundError:
            pass
        self._out = open(os.path.join(self.datadir, 'stdout.txt'), 'ab')
        self._err = open(os.path.join(self.datadir, 'stderr.txt'), 'ab')
        self._out_start, self._err_start = self._out.tell(), self._err.tell()
        try:
            self.process = subprocess.Popen(self.args(extra_args), stdin=subprocess.DEVNULL,
                                            stdout=self._out, stderr=self._err, cwd=self.datadir,
                                            preexec_fn=_child_setup(os.getpid()))
        except BaseException:
            self._out.close()
            self._err.close()
            raise
        _live_nodes.add(self)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def _reaped(self):
        rc = self.process.returncode
        self.process = None
        _live_nodes.discard(self)
        for f in (self._out, self._err):
            f.close()
        return rc

    def kill(self):
        """SIGKILL and reap; returns the exit status (None if not started)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        return self._reaped()

    def wait_for_exit(self, timeout=60):
        """Waits for the node to exit by itself and returns its exit code; on
        timeout kills it and raises NodeError."""
        if self.process is None:
            raise NodeError(f'{self.name} is not running')
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise NodeError(f'{self.name} did not exit within {timeout}s; killed' + self.diagnostics())
        return self._reaped()

    def stop(self, timeout=60, expected_returncode=0):
        """RPC stop (SIGTERM if the RPC gets no answer), then waits for the exit;
        on timeout SIGKILL and NodeError. NodeError too for an exit code other
        than expected_returncode, also when the node had already exited by itself."""
        if self.process is None:
            return None
        refused = None
        if self.process.poll() is None:
            try:
                self.rpc('stop')
            except RPCError as e:
                refused = e
                self.process.terminate()
            except (OSError, http.client.HTTPException):
                if self.process.poll() is None:
                    self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise NodeError(f'{self.name} did not stop within {timeout}s; killed' + self.diagnostics())
        elif expected_returncode is not None and self.process.returncode != expected_returncode:
            rc = self.process.returncode
            self._reaped()
            raise NodeError(f'{self.name} had exited by itself with code {rc}' + self.diagnostics())
        rc = self._reaped()
        if refused is not None:
            raise NodeError(f'{self.name}: RPC stop failed ({refused}); stopped with SIGTERM')
        if expected_returncode is not None and rc != expected_returncode:
            raise NodeError(f'{self.name} exited with code {rc}' + self.diagnostics())
        return rc

    # ---- output

    def _read(self, name, start):
        try:
            with open(os.path.join(self.datadir, name), 'rb') as f:
                f.seek(start)
                return f.read().decode(errors='replace')
        except OSError:
            return ''

    def stdout_text(self):
        """What the node wrote to stdout since its last start."""
        return self._read('stdout.txt', self._out_start)

    def stderr_text(self):
        """What the node wrote to stderr since its last start."""
        return self._read('stderr.txt', self._err_start)

    def debug_log_lines(self, n=None):
        """debug.log's lines (the last n)."""
        path = os.path.join(self.chaindir, 'debug.log')
        try:
            with open(path, errors='replace') as f:
                lines = f.read().splitlines()
        except OSError:
            return []
        return lines[-n:] if n else lines

    def diagnostics(self, n=DEBUG_LOG_TAIL):
        text = ''
        err = self.stderr_text().strip()
        if err:
            text += f'\n--- {self.name} stderr:\n{err}'
        log = self.debug_log_lines(n)
        if log:
            text += f'\n--- {self.name} debug.log (last {len(log)} lines):\n' + '\n'.join(log)
        return text

    # ---- RPC

    def cookie(self):
        """(user, password) from <datadir>/regtest/.cookie."""
        with open(os.path.join(self.chaindir, '.cookie')) as f:
            user, _, password = f.read().strip().partition(':')
        return user, password

    def http(self, method='POST', path='/', body=None, headers=None, auth='cookie',
             timeout=None, conn=None):
        """One raw HTTP request to the RPC port; returns (status, headers, body
        bytes). auth: 'cookie', (user, password) or None (no Authorization
        header). headers override the harness's. With conn (an
        http.client.HTTPConnection from http_connection()) the connection is
        reused and left open."""
        hdrs = {}
        if auth == 'cookie':
            auth = self.cookie()
        if auth is not None:
            token = base64.b64encode(f'{auth[0]}:{auth[1]}'.encode()).decode()
            hdrs['Authorization'] = f'Basic {token}'
        hdrs.update(headers or {})
        if isinstance(body, str):
            body = body.encode()
        own = conn is None
        if own:
            conn = self.http_connection(timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            if own:
                conn.close()

    def http_connection(self, timeout=None):
        return http.client.HTTPConnection('127.0.0.1', self.rpc_port, timeout=timeout or self.rpc_timeout)

    def rpc(self, method, *params, **named):
        """A JSON-RPC 2.0 call; returns the result (numbers with a fraction as
        decimal.Decimal) or raises RPCError. Positional and named parameters
        together are sent as Core's framework does: named, with the positional
        ones under "args"."""
        self._rpc_id += 1
        if params and named:
            p = dict(named, args=list(params))
        else:
            p = named or list(params)
        req = {'jsonrpc': '2.0', 'method': method, 'params': p, 'id': self._rpc_id}
        status, _, body = self.http(body=json.dumps(req, default=str), auth=self.auth,
                                    headers={'Content-Type': 'application/json'})
        try:
            reply = json.loads(body, parse_float=decimal.Decimal)
        except ValueError:
            reply = None
        if not isinstance(reply, dict):
            raise RPCError(-342, f'non-JSON HTTP reply {status}: {body[:200]!r}', status, method)
        err = reply.get('error')
        if err is not None:
            if isinstance(err, dict):
                raise RPCError(err.get('code'), err.get('message'), status, method)
            raise RPCError(-342, f'malformed error object: {err!r}', status, method)
        if status != 200:
            raise RPCError(-342, f'HTTP status {status} without a JSON-RPC error', status, method)
        if 'result' not in reply:
            raise RPCError(-343, 'reply without result or error', status, method)
        return reply['result']

    def __getattr__(self, name):
        if name.startswith('_'):
            raise AttributeError(name)
        return lambda *params, **named: self.rpc(name, *params, **named)

    def rpc_if_warm(self, method, *params, **named):
        """Calls method, or returns None while the node answers -28 (in
        warm-up: loading the chainstate or waiting for its wallet process).
        For nodes this harness did not start, where wait_for_rpc cannot
        watch the process."""
        try:
            return self.rpc(method, *params, **named)
        except RPCError as e:
            if e.code == -28:
                return None
            raise

    def wait_for_rpc(self, timeout=30):
        """Polls until the cookie file exists and getblockcount answers. Raises
        NodeError (with stderr and the end of debug.log) as soon as the process
        exits, or, after killing the node, on timeout."""
        deadline = time.monotonic() + timeout
        delay = 0.01
        last = 'no cookie file'
        while True:
            if self.process is None:
                raise NodeError(f'{self.name} is not running')
            if self.process.poll() is not None:
                rc = self.process.returncode
                diag = self.diagnostics()
                self._reaped()
                raise NodeError(f'{self.name} exited with code {rc} while waiting for RPC' + diag)
            if os.path.exists(os.path.join(self.chaindir, '.cookie')) or self.auth != 'cookie':
                try:
                    self.rpc('getblockcount')
                    return
                except (OSError, http.client.HTTPException, RPCError) as e:
                    last = f'{type(e).__name__}: {e}'
            if time.monotonic() >= deadline:
                diag = self.diagnostics()
                self.kill()
                raise NodeError(f'{self.name}: no RPC within {timeout}s ({last}); killed' + diag)
            time.sleep(delay)
            delay = min(delay * 2, 0.25)

    # ---- umkoin-cli

    def cli(self, *args, input=None, timeout=None):
        """Runs umkoin-cli -regtest -datadir=<datadir> ARGS...; returns the
        CompletedProcess (text). A test that needs the cli fails without --cli."""
        if not self.cli_binary:
            raise AssertionError('this test needs umkoin-cli: pass --cli PATH')
        return subprocess.run([self.cli_binary, f'-{CHAIN}', f'-datadir={self.datadir}', *map(str, args)],
                              input=input, capture_output=True, text=True,
                              timeout=timeout or self.rpc_timeout)


# ---------------------------------------------------------------- test case

class TestCase(unittest.TestCase):
    """Gives each test a temp dir and `self.nodes`: num_nodes TestNodes, started
    (and waited for, over RPC) in setUp unless defer_start, stopped after tearDown
    (as a cleanup, so also when setUp fails). A failed test keeps its temp dir."""

    num_nodes = 1
    extra_args = None     # one list of options per node
    defer_start = False

    def setUp(self):
        name = self.id().rsplit('.', 2)
        self.tmpdir = tempfile.mkdtemp(prefix=f'umk-{name[-2]}.{name[-1]}'[:48] + '-')
        self.nodes = []
        self.addCleanup(self.stop_nodes)
        extra = self.extra_args or [[]] * self.num_nodes
        self.nodes = [TestNode(i, self.tmpdir, extra[i]) for i in range(self.num_nodes)]
        if not self.defer_start:
            self.start_nodes()

    def start_nodes(self, extra_args=None):
        for i, node in enumerate(self.nodes):
            node.start(extra_args[i] if extra_args else None)
        for node in self.nodes:
            node.wait_for_rpc()

    def stop_nodes(self):
        """Stops every running node (killing those that fail); raises the errors."""
        errors = []
        for node in self.nodes:
            try:
                node.stop()
            except Exception as e:
                node.kill()
                errors.append(e)
        if errors:
            raise errors[0] if len(errors) == 1 else NodeError('\n'.join(map(str, errors)))

    def wait_until(self, predicate, timeout=30, interval=0.05, message=None):
        return wait_until(predicate, timeout, interval, message)

    def assert_rpc_error(self, code, message, fn, *args, **kwargs):
        """fn(*args, **kwargs) must raise RPCError with this code (None: any) and
        a message containing `message` (None: any)."""
        with self.assertRaises(RPCError) as cm:
            fn(*args, **kwargs)
        if code is not None:
            self.assertEqual(cm.exception.code, code, cm.exception.message)
        if message is not None:
            self.assertIn(message, cm.exception.message)
        return cm.exception

    def run(self, result=None):
        if result is None:
            result = self.defaultTestResult()
        before = len(result.failures) + len(result.errors)
        try:
            outcome = super().run(result)
        except BaseException:          # interrupted (Ctrl-C, SIGTERM)
            self._finish('interrupted')
            raise
        failed = len(result.failures) + len(result.errors) > before
        self._finish('failed' if failed else None)
        return outcome

    def _finish(self, problem):
        """Kills what is left; keeps the temp dir (and reports on it) after a
        problem or with --nocleanup, deletes it otherwise."""
        nodes = getattr(self, 'nodes', [])
        for node in nodes:
            node.kill()
        tmpdir = getattr(self, 'tmpdir', None)
        if not tmpdir:
            return
        if problem:
            report = [f'\n{self.id()} {problem}; temp dir kept: {tmpdir}']
            report += [node.diagnostics() for node in nodes]
            print('\n'.join(report), file=sys.stderr)
        elif options().nocleanup:
            print(f'\n{self.id()}: temp dir kept: {tmpdir}', file=sys.stderr)
        else:
            shutil.rmtree(tmpdir, ignore_errors=True)

    # ---- P2P between the test's nodes (see the module functions below)

    def _node(self, n):
        return self.nodes[n] if isinstance(n, int) else n

    def connect_nodes(self, a, b, timeout=60):
        """Node a (an index into self.nodes or a TestNode) dials node b and
        waits for the handshake on both ends; see connect_nodes()."""
        return connect_nodes(self._node(a), self._node(b), timeout)

    def disconnect_nodes(self, a, b, timeout=60):
        """Closes every connection between a and b; see disconnect_nodes()."""
        return disconnect_nodes(self._node(a), self._node(b), timeout)

    def sync_blocks(self, nodes=None, timeout=60):
        """Waits until nodes (default: all) have the same tip; see sync_blocks()."""
        return sync_blocks([self._node(n) for n in (nodes or self.nodes)], timeout)

    def sync_mempools(self, nodes=None, timeout=60):
        """Waits until nodes (default: all) have the same mempool; see sync_mempools()."""
        return sync_mempools([self._node(n) for n in (nodes or self.nodes)], timeout)

    def sync_all(self, nodes=None, timeout=60):
        self.sync_blocks(nodes, timeout)
        self.sync_mempools(nodes, timeout)


# ---------------------------------------------------------------- P2P between test nodes
#
# Nodes find each other only through these helpers: -dnsseed=0 -fixedseeds=0
# and no -connect, so a node has no peers until a test connects it. All
# nodes listen on 127.0.0.1, so a connection is told apart by its ports: the
# dialling node lists it with addr = the other's listening address and
# addrbind = its own ephemeral end; the listening node the other way round.
# Nodes are not given -uacomment (Core's framework matches peers by user
# agent), so this needs no option the node under test might not know.

# Bytes a completed pong adds to getpeerinfo's bytesrecv_per_msg (29 under
# the v2 transport, 32 under v1): Core's framework waits for this much.
MIN_PONG_BYTES = 29


def p2p_address(node):
    """'127.0.0.1:<port>', where node accepts P2P connections."""
    return f'127.0.0.1:{node.p2p_port}'


def node_links(a, b):
    """The connections between a and b that both list in getpeerinfo, as
    pairs (a's peer entry, b's peer entry), whichever side dialled."""
    by_ends = {(p.get('addrbind'), p['addr']): p for p in b.getpeerinfo()}
    links = []
    for p in a.getpeerinfo():
        other = by_ends.get((p['addr'], p.get('addrbind')))
        if other is not None and p.get('addrbind'):
            links.append((p, other))
    return links


def _pong_seen(peer):
    return peer['bytesrecv_per_msg'].get('pong', 0) >= MIN_PONG_BYTES


def connect_nodes(a, b, timeout=60):
    """`addnode <b's address> onetry` on a, then waits until both nodes list
    the connection and each has had a pong from the other. A node pings a
    peer only once the version/verack handshake is complete, so a pong
    received means both ends finished it (getpeerinfo's version is set
    already when the version message arrives, before verack). If a already
    has an outbound connection to b, the node ignores the onetry and that
    connection is waited for. Returns (a's peer entry, b's peer entry)."""
    target = p2p_address(b)
    a.addnode(target, 'onetry')

    def handshaken():
        for pa, pb in node_links(a, b):
            if not pa['inbound'] and pb['inbound'] and pa['addr'] == target \
                    and _pong_seen(pa) and _pong_seen(pb):
                return pa, pb
        return None
    return _wait(handshaken, timeout, lambda: f'{a.name} -> {b.name} ({target}) not connected; '
                 f'{a.name} peers: {_peer_summary(a)}; {b.name} peers: {_peer_summary(b)}')


def disconnect_nodes(a, b, timeout=60):
    """Closes every connection between a and b (disconnectnode by nodeid on
    a, or on b for one only b lists yet) and waits until neither node lists
    any of them. Returns how many there were."""
    ends = set()             # (a's end, b's end) of each connection
    for pa, _ in node_links(a, b):
        ends.add((pa.get('addrbind'), pa['addr']))
        _disconnect_id(a, pa['id'])
    # Outbound connections only one side lists so far (handshake under way).
    for node, other, flip in ((a, b, False), (b, a, True)):
        for p in node.getpeerinfo():
            if not p['inbound'] and p['addr'] == p2p_address(other):
                ends.add((p['addr'], p.get('addrbind')) if flip else (p.get('addrbind'), p['addr']))
                _disconnect_id(node, p['id'])

    def gone():
        on_a = {(p.get('addrbind'), p['addr']) for p in a.getpeerinfo()}
        on_b = {(p['addr'], p.get('addrbind')) for p in b.getpeerinfo()}
        return not (ends & on_a) and not (ends & on_b)
    _wait(gone, timeout, lambda: f'{a.name} and {b.name} still connected; '
          f'{a.name} peers: {_peer_summary(a)}; {b.name} peers: {_peer_summary(b)}')
    return len(ends)


def _disconnect_id(node, peer_id):
    try:
        node.disconnectnode(nodeid=peer_id)
    except RPCError as e:
        if e.code != -29:      # already gone: RPC_CLIENT_NODE_NOT_CONNECTED
            raise


def _peer_summary(node):
    try:
        return [(p['id'], p['addr'], 'in' if p['inbound'] else 'out') for p in node.getpeerinfo()]
    except (OSError, RPCError) as e:
        return f'<{e}>'


def _wait(predicate, timeout, describe, interval=0.05):
    """wait_until whose failure message, describe(), is built when it fails."""
    try:
        return wait_until(predicate, timeout, interval)
    except AssertionError:
        raise AssertionError(f'after {timeout}s: {describe()}') from None


def sync_blocks(nodes, timeout=60):
    """Waits until all nodes have the same best block; returns its hash. As
    in Core's framework, call it with a node in the list that already has
    the tip to wait for (e.g. the one that mined it), or it may return at an
    older common tip. (blocktools.sync_blocks is another thing: it copies
    blocks between nodes that are not connected, with submitblock.)"""
    def same_tip():
        tips = {n.getbestblockhash() for n in nodes}
        return tips.pop() if len(tips) == 1 else None
    return _wait(same_tip, timeout, lambda: 'tips differ: ' + ', '.join(
        f'{n.name}={n.getblockcount()}:{n.getbestblockhash()}' for n in nodes), interval=0.1)


def sync_mempools(nodes, timeout=60):
    """Waits until all nodes have the same set of txids in their mempools;
    returns that set. (Core's framework then also drains each node's
    validation queue with syncwithvalidationinterfacequeue; tests here wait
    for what they need to see instead.)"""
    def same_pool():
        pools = [set(n.getrawmempool()) for n in nodes]
        # A one-element list: true even when the common mempool is empty.
        return [pools[0]] if all(p == pools[0] for p in pools) else None
    [pool] = _wait(same_pool, timeout, lambda: 'mempools differ: ' + ', '.join(
        f'{n.name}={sorted(n.getrawmempool())}' for n in nodes), interval=0.1)
    return pool


def _on_sigterm(signum, frame):
    # Stops unittest at once; TestCase.run and atexit then kill the nodes.
    raise KeyboardInterrupt(f'signal {signum}')


def main():
    """Runs the calling file's tests: `python3 x.py --node PATH [--cli PATH]
    [--nocleanup] [unittest arguments]`."""
    opts = options()
    node_path()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        unittest.main(module='__main__', argv=[sys.argv[0], *opts.rest], verbosity=2)
    except KeyboardInterrupt as e:
        print(f'\ninterrupted ({e or "Ctrl-C"})', file=sys.stderr)
        sys.exit(130)
