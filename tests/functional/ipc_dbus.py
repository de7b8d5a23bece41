"""A small peer-to-peer D-Bus speaker for the IPC tests (standard library
only): the SASL handshake of either side, and method calls, replies, errors
and signals in the little-endian wire format (D-Bus specification,
"Message Protocol"). Enough to talk to umkoin-node's sockets without a bus
daemon or PyGObject, and to act as the umkoin-gui that started a node with
-ipcfd.

    peer = DBusPeer.connect_unix('/path/node.sock')       # client side
    height, hash_, *_ = peer.call('/org/umkoin/Node', 'org.umkoin.Node1', 'GetTip')
    sig = peer.wait_signal(lambda s: s.member == 'TipChanged', timeout=10)

Types handled: y b n q i u x t d s o g h v, arrays (a..., a{..}) and structs.
"""

import os
import select
import socket
import struct
import time

LITTLE = ord('l')
METHOD_CALL, METHOD_RETURN, ERROR, SIGNAL = 1, 2, 3, 4
FLAG_NO_REPLY = 1
# Header field codes.
PATH, INTERFACE, MEMBER, ERROR_NAME, REPLY_SERIAL, DESTINATION, SENDER, SIGNATURE, UNIX_FDS = range(1, 10)

_FIXED = {'y': ('B', 1), 'b': ('I', 4), 'n': ('h', 2), 'q': ('H', 2), 'i': ('i', 4),
          'u': ('I', 4), 'x': ('q', 8), 't': ('Q', 8), 'd': ('d', 8), 'h': ('I', 4)}


class DBusError(Exception):
    """An error reply: name (org.umkoin.Error.NotFound, …) and message."""

    def __init__(self, name, message):
        super().__init__(f'{name}: {message}')
        self.name = name
        self.message = message


class HandshakeError(Exception):
    """The SASL handshake failed (REJECTED, or the peer closed)."""


class Message:
    def __init__(self, mtype, serial, fields, body, flags=0):
        self.type = mtype
        self.serial = serial
        self.fields = fields
        self.body = body
        self.flags = flags
        self.fds = []     # the file descriptors the message carried ("h" indexes them)

    path = property(lambda self: self.fields.get(PATH))
    interface = property(lambda self: self.fields.get(INTERFACE))
    member = property(lambda self: self.fields.get(MEMBER))
    error_name = property(lambda self: self.fields.get(ERROR_NAME))
    reply_serial = property(lambda self: self.fields.get(REPLY_SERIAL))
    signature = property(lambda self: self.fields.get(SIGNATURE, ''))

    def __repr__(self):
        return (f'<Message type={self.type} {self.interface}.{self.member} '
                f'path={self.path} sig={self.signature!r} body={self.body!r:.200}>')


# ---------------------------------------------------------------- signatures

def split_signature(sig):
    """'sia{sv}' -> ['s', 'i', 'a{sv}']."""
    out, i = [], 0
    while i < len(sig):
        j = _complete_type_end(sig, i)
        out.append(sig[i:j])
        i = j
    return out


def _complete_type_end(sig, i):
    c = sig[i]
    if c == 'a':
        return _complete_type_end(sig, i + 1)
    if c in '({':
        close = ')' if c == '(' else '}'
        j = i + 1
        while sig[j] != close:
            j = _complete_type_end(sig, j)
        return j + 1
    return i + 1


def _alignment(t):
    c = t[0]
    if c in _FIXED:
        return _FIXED[c][1]
    if c in 'sao':
        return 4
    if c in 'g':
        return 1
    if c == 'v':
        return 1
    return 8  # struct, dict entry


# ---------------------------------------------------------------- marshalling

class _Writer:
    def __init__(self, start=0):
        self.buf = bytearray()
        self.start = start       # offset of buf[0] in the message, for alignment

    def pad(self, n):
        while (self.start + len(self.buf)) % n:
            self.buf.append(0)

    def write(self, t, value):
        c = t[0]
        self.pad(_alignment(t))
        if c in _FIXED:
            fmt, _ = _FIXED[c]
            self.buf += struct.pack('<' + fmt, int(value) if c != 'd' else float(value))
        elif c in 'so':
            data = value.encode() if isinstance(value, str) else bytes(value)
            self.buf += struct.pack('<I', len(data)) + data + b'\0'
        elif c == 'g':
            data = value.encode()
            self.buf += bytes([len(data)]) + data + b'\0'
        elif c == 'v':
            sig, inner = value
            self.write('g', sig)
            self.write(sig, inner)
        elif c == 'a':
            elem = t[1:]
            self.buf += b'\0\0\0\0'
            len_pos = len(self.buf) - 4
            self.pad(_alignment(elem))
            begin = len(self.buf)
            if elem == 'y':
                self.buf += bytes(value)
            elif elem.startswith('{'):
                kt, vt = split_signature(elem[1:-1])
                for k, v in (value.items() if isinstance(value, dict) else value):
                    self.pad(8)
                    self.write(kt, k)
                    self.write(vt, v)
            else:
                for v in value:
                    self.write(elem, v)
            struct.pack_into('<I', self.buf, len_pos, len(self.buf) - begin)
        elif c == '(':
            for st, v in zip(split_signature(t[1:-1]), value):
                self.write(st, v)
        else:
            raise ValueError(f'cannot write type {t}')


class _Reader:
    def __init__(self, data, pos=0):
        self.data = data
        self.pos = pos

    def align(self, n):
        self.pos += (-self.pos) % n

    def read(self, t):
        c = t[0]
        self.align(_alignment(t))
        if c in _FIXED:
            fmt, size = _FIXED[c]
            (v,) = struct.unpack_from('<' + fmt, self.data, self.pos)
            self.pos += size
            return bool(v) if c == 'b' else v
        if c in 'so':
            (n,) = struct.unpack_from('<I', self.data, self.pos)
            s = self.data[self.pos + 4:self.pos + 4 + n]
            self.pos += 4 + n + 1
            return s.decode(errors='replace')
        if c == 'g':
            n = self.data[self.pos]
            s = self.data[self.pos + 1:self.pos + 1 + n]
            self.pos += 1 + n + 1
            return s.decode()
        if c == 'v':
            sig = self.read('g')
            return self.read(sig)
        if c == 'a':
            elem = t[1:]
            (n,) = struct.unpack_from('<I', self.data, self.pos)
            self.pos += 4
            self.align(_alignment(elem))
            end = self.pos + n
            if elem == 'y':
                v = bytes(self.data[self.pos:end])
                self.pos = end
                return v
            if elem.startswith('{'):
                kt, vt = split_signature(elem[1:-1])
                out = {}
                while self.pos < end:
                    self.align(8)
                    k = self.read(kt)
                    out[k] = self.read(vt)
                return out
            out = []
            while self.pos < end:
                out.append(self.read(elem))
            return out
        if c == '(':
            return tuple(self.read(st) for st in split_signature(t[1:-1]))
        raise ValueError(f'cannot read type {t}')


def encode_message(mtype, serial, fields, signature='', args=(), flags=0):
    body = _Writer()
    for t, v in zip(split_signature(signature), args):
        body.write(t, v)
    if signature:
        fields = dict(fields)
        fields[SIGNATURE] = ('g', signature)
    head = _Writer()
    head.buf += struct.pack('<BBBBII', LITTLE, mtype, flags, 1, len(body.buf), serial)
    head.write('a(yv)', [(code, value) for code, value in sorted(fields.items())])
    head.pad(8)
    return bytes(head.buf) + bytes(body.buf)


def decode_message(data):
    """Returns (Message, bytes used) or (None, 0) when data holds less than
    one message."""
    if len(data) < 16:
        return None, 0
    if data[0] != LITTLE:
        raise ValueError('only little-endian messages are handled')
    _, mtype, flags, _, body_len, serial, fields_len = struct.unpack_from('<BBBBIII', data, 0)
    header_end = 16 + fields_len
    body_start = header_end + (-header_end) % 8
    total = body_start + body_len
    if len(data) < total:
        return None, 0
    r = _Reader(data, 12)
    fields = {code: value for code, value in r.read('a(yv)')}
    sig = fields.get(SIGNATURE, '')
    br = _Reader(data[body_start:total])
    body = tuple(br.read(t) for t in split_signature(sig))
    return Message(mtype, serial, fields, body, flags), total


# ---------------------------------------------------------------- the connection

class DBusPeer:
    """One end of a peer-to-peer D-Bus connection on a unix stream socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b''
        self.serial = 0
        self.pending = []     # messages read while waiting for something else
        self.fds = []         # file descriptors received and not yet taken by a message

    # ---- handshakes

    @classmethod
    def connect_unix(cls, path, uid=None, mechanism='EXTERNAL'):
        """Connects to path and authenticates as a client (EXTERNAL with our
        uid, or the uid given: the server must refuse a lie)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(30)
        try:
            s.connect(path)
            peer = cls(s)
            peer.client_handshake(uid, mechanism)
        except BaseException:
            s.close()
            raise
        return peer

    def _line(self, timeout=30):
        deadline = time.monotonic() + timeout
        while b'\r\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise HandshakeError('no answer in the handshake')
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            chunk = self.sock.recv(4096)
            if not chunk:
                raise HandshakeError(f'the peer closed the connection (after {self.buf!r})')
            self.buf += chunk
        line, _, self.buf = self.buf.partition(b'\r\n')
        return line.decode()

    def client_handshake(self, uid=None, mechanism='EXTERNAL', unix_fds=True):
        uid = os.getuid() if uid is None else uid
        if mechanism == 'EXTERNAL':
            auth = f'AUTH EXTERNAL {str(uid).encode().hex()}'
        else:
            auth = f'AUTH {mechanism} {b"umkoin-test".hex()}'
        self.sock.sendall(b'\0' + auth.encode() + b'\r\n')
        answer = self._line()
        if not answer.startswith('OK '):
            raise HandshakeError(answer)
        if unix_fds:
            self.sock.sendall(b'NEGOTIATE_UNIX_FD\r\n')
            answer = self._line()
            if answer != 'AGREE_UNIX_FD':
                raise HandshakeError(answer)
        self.sock.sendall(b'BEGIN\r\n')

    def server_handshake(self, guid='0123456789abcdef0123456789abcdef'):
        """The authenticating side (what umkoin-gui is for a node it
        started): takes EXTERNAL, agrees to fd passing."""
        first = self.sock.recv(1)
        if not first:
            raise HandshakeError('the peer closed the connection before the handshake')
        if first != b'\0':
            self.buf = first
        while True:
            line = self._line()
            if line == 'AUTH' or (line.startswith('AUTH ') and not line.startswith('AUTH EXTERNAL')):
                self.sock.sendall(b'REJECTED EXTERNAL\r\n')
            elif line.startswith('AUTH EXTERNAL'):
                self.sock.sendall(f'OK {guid}\r\n'.encode())
            elif line == 'NEGOTIATE_UNIX_FD':
                self.sock.sendall(b'AGREE_UNIX_FD\r\n')
            elif line == 'BEGIN':
                return
            else:
                self.sock.sendall(b'ERROR\r\n')

    # ---- messages

    def send(self, data):
        self.sock.sendall(data)

    def _read_message(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            msg, used = decode_message(self.buf)
            if msg is not None:
                self.buf = self.buf[used:]
                n_fds = msg.fields.get(UNIX_FDS, 0)
                msg.fds, self.fds = self.fds[:n_fds], self.fds[n_fds:]
                return msg
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.sock], [], [], left)
            if not r:
                continue
            chunk, fds, _, _ = socket.recv_fds(self.sock, 1 << 16, 16)
            self.fds += fds
            if not chunk:
                raise EOFError('the peer closed the connection')
            self.buf += chunk

    def next_message(self, timeout=30):
        if self.pending:
            return self.pending.pop(0)
        return self._read_message(timeout)

    def ping(self, timeout=60):
        """org.freedesktop.DBus.Peer.Ping, which GDBus answers itself. Our
        side of the handshake ends before the node has taken the connection
        (a GDBusServer's new-connection handler, which exports the objects
        the signals come from); the reply says it has."""
        self.call('/', 'org.freedesktop.DBus.Peer', 'Ping', timeout=timeout)

    def call(self, path, interface, member, signature='', args=(), timeout=60):
        """A method call; returns the reply's body (a tuple) or raises
        DBusError. Calls the peer makes to us meanwhile are answered with
        UnknownMethod; signals are kept for wait_signal(). The whole reply
        (with any file descriptors) is left in self.last_reply."""
        self.serial += 1
        serial = self.serial
        fields = {PATH: ('o', path), MEMBER: ('s', member)}
        if interface:
            fields[INTERFACE] = ('s', interface)
        self.send(encode_message(METHOD_CALL, serial, fields, signature, args))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            msg = self._read_message(max(left, 0))
            if msg is None:
                raise TimeoutError(f'no reply to {interface}.{member} within {timeout}s')
            if msg.type in (METHOD_RETURN, ERROR) and msg.reply_serial == serial:
                self.last_reply = msg
                if msg.type == ERROR:
                    raise DBusError(msg.error_name, msg.body[0] if msg.body else '')
                return msg.body
            if msg.type == METHOD_CALL:
                self.answer_unknown(msg)
            else:
                self.pending.append(msg)

    def reply(self, msg, signature='', args=(), fds=()):
        """Answers a method call we received."""
        if msg.flags & FLAG_NO_REPLY:
            return
        self.serial += 1
        fields = {REPLY_SERIAL: ('u', msg.serial)}
        if fds:
            fields[UNIX_FDS] = ('u', len(fds))
        data = encode_message(METHOD_RETURN, self.serial, fields, signature, args)
        if fds:
            socket.send_fds(self.sock, [data], list(fds))
        else:
            self.send(data)

    def reply_error(self, msg, name, text):
        if msg.flags & FLAG_NO_REPLY:
            return
        self.serial += 1
        self.send(encode_message(ERROR, self.serial,
                                 {ERROR_NAME: ('s', name), REPLY_SERIAL: ('u', msg.serial)},
                                 's', [text]))

    def emit(self, path, interface, member, signature='', args=()):
        self.serial += 1
        self.send(encode_message(SIGNAL, self.serial,
                                 {PATH: ('o', path), INTERFACE: ('s', interface),
                                  MEMBER: ('s', member)}, signature, args))

    def answer_unknown(self, msg):
        if msg.flags & FLAG_NO_REPLY:
            return
        self.serial += 1
        self.send(encode_message(ERROR, self.serial,
                                 {ERROR_NAME: ('s', 'org.freedesktop.DBus.Error.UnknownMethod'),
                                  REPLY_SERIAL: ('u', msg.serial)},
                                 's', ['no objects here']))

    def wait_signal(self, predicate=lambda m: True, timeout=30):
        """The first signal (kept or new) for which predicate(msg) is true;
        TimeoutError otherwise. Signals passed over are dropped."""
        deadline = time.monotonic() + timeout
        while True:
            while self.pending:
                msg = self.pending.pop(0)
                if msg.type == SIGNAL and predicate(msg):
                    return msg
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError('signal not seen')
            msg = self._read_message(left)
            if msg is None:
                raise TimeoutError('signal not seen')
            if msg.type == METHOD_CALL:
                self.answer_unknown(msg)
            elif msg.type == SIGNAL and predicate(msg):
                return msg

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass
