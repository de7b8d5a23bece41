#!/usr/bin/env python3
"""A stand-in for umkoin-wallet in ipc_wallet.py (not a test itself): it
speaks the wallet's side of the IPC contract with canned answers, so that
the node's half (spawning, watching, RPC forwarding, ConnectWallet) can be
tested on its own.

    ipc_fake_wallet.py [options as the node passes them] -ipcfd=3
    ipc_fake_wallet.py -ipcconnect=unix:<path>

It writes its arguments (one per line) to $UMK_FAKE_WALLET_ARGS when that is
set, logs a few lines on stderr (with the start-up steps "init message: …"
as the real wallet logs them), asks the node's Chain1 for the tip, and
serves /org/umkoin/WalletLoader (WalletLoader1: ListWallets, ExecuteRpc,
AddConnection) and /org/umkoin/Wallet/w1 (Wallet1.ExecuteRpc) until its
connection closes or it gets SIGTERM.
"""
import json
import os
import signal
import socket
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ipc_dbus import METHOD_CALL, DBusPeer  # noqa: E402

LOADER = ('/org/umkoin/WalletLoader', 'org.umkoin.WalletLoader1')
WALLET1 = ('/org/umkoin/Wallet/w1', 'org.umkoin.Wallet1')
UNKNOWN = 'org.freedesktop.DBus.Error.UnknownMethod'


def log(text):
    print(f'fake wallet: {text}', file=sys.stderr, flush=True)


def loader_rpc(method, params):
    if method == 'listwallets':
        return '{"result":["w1"],"error":null}'
    if method == 'getbalance':
        # the digits must reach the RPC client as written
        return '{"result":0.00000000,"error":null}'
    if method == 'fakeecho':
        return json.dumps({'result': {'params': params}, 'error': None})
    return '{"result":null,"error":{"code":-32601,"message":"Method not found"}}'


def serve(peer, name):
    """Answers calls until the connection closes."""
    while True:
        try:
            msg = peer.next_message(timeout=3600)
        except (EOFError, OSError):
            log(f'{name}: connection closed')
            return
        if msg is None or msg.type != METHOD_CALL:
            continue
        where = (msg.path, msg.interface)
        if where == LOADER and msg.member == 'ListWallets':
            peer.reply(msg, 'as', [['w1']])
        elif where == LOADER and msg.member == 'ExecuteRpc':
            peer.reply(msg, 's', [loader_rpc(*msg.body)])
        elif where == WALLET1 and msg.member == 'ExecuteRpc':
            method, params = msg.body
            peer.reply(msg, 's', [json.dumps({'result': {'wallet': 'w1', 'method': method,
                                                         'params': params}, 'error': None})])
        elif where == LOADER and msg.member == 'AddConnection':
            (index,) = msg.body
            fd = msg.fds[index]
            peer.reply(msg)
            threading.Thread(target=serve_added, args=(fd,), daemon=True).start()
        else:
            peer.reply_error(msg, UNKNOWN, f'no {msg.interface}.{msg.member} at {msg.path}')


def serve_added(fd):
    """A socket from AddConnection: we are the authenticating side on it."""
    peer = DBusPeer(socket.socket(fileno=fd))
    peer.server_handshake()
    log('serving a connection handed over by the node')
    serve(peer, 'added connection')


def main():
    args = sys.argv[1:]
    out = os.environ.get('UMK_FAKE_WALLET_ARGS')
    if out:
        with open(out, 'w') as f:
            f.write('\n'.join(args) + '\n')
    signal.signal(signal.SIGTERM, lambda *_: (log('SIGTERM'), os._exit(0)))
    fd = next((int(a.split('=', 1)[1]) for a in args if a.startswith('-ipcfd=')), None)
    connect = next((a.split('=', 1)[1] for a in args if a.startswith('-ipcconnect=')), None)
    if fd is not None:
        peer = DBusPeer(socket.socket(fileno=fd))
        peer.client_handshake()
    else:
        path = connect[len('unix:'):]
        peer = DBusPeer.connect_unix(path)
    log(f'started with {len(args)} arguments')
    # start-up steps as Core (and umkoin-wallet) log them: the node passes
    # them on, and waits for the last one
    print('init message: Loading wallet…', file=sys.stderr, flush=True)
    height, best, ibd = peer.call('/org/umkoin/Chain', 'org.umkoin.Chain1', 'GetTip')
    log(f'chain tip {height} {best}')
    print('init message: Done loading', file=sys.stderr, flush=True)
    if fd is None:
        # attached by hand: say we are a wallet process (the node knows the
        # one it spawned), last, as the node may forward calls at once and
        # call() would turn them away; refused while another one serves
        try:
            peer.call('/org/umkoin/Chain', 'org.umkoin.Chain1', 'AttachWallet')
        except Exception as e:  # the D-Bus error from the node
            log(f'AttachWallet refused: {e}')
            sys.exit(1)
    serve(peer, 'node')


if __name__ == '__main__':
    main()
