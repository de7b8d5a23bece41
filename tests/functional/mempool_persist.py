#!/usr/bin/env python3
"""mempool.dat as Umkoin Core v31.0 keeps it: the mempool (with entry times
and prioritisetransaction deltas, also deltas of transactions not in the
mempool) survives a restart; -persistmempool=0 neither loads nor writes the
file; savemempool writes it on demand and answers {"filename": path}, or
fails with "Unable to dump mempool to disk"; the file format (version 2 with
an 8-byte XOR key, or version 1 with -persistmempoolv1) read and written
here in Python; damaged files (truncated, unknown version, garbage, empty)
leave the node running with what it could load; expired and invalid entries
are skipped.

Usage: mempool_persist.py --node PATH/TO/umkoin-node
"""
import decimal
import os
import struct
import time

import blocktools as bt
import test_framework
from blocktools import Reader, Tx

D = decimal.Decimal
DEFAULT_MEMPOOL_EXPIRY_HOURS = 336


# ---------------------------------------------------------------- mempool.dat

class MempoolFile:
    """The content of mempool.dat: version, key (8 bytes for version 2, None
    for version 1), entries [(Tx, time, fee_delta)], deltas {txid hex: delta}
    (for transactions not in the mempool), unbroadcast {txid hex}."""

    def __init__(self, version=2, key=None, entries=(), deltas=None, unbroadcast=()):
        self.version = version
        self.key = key
        self.entries = list(entries)
        self.deltas = dict(deltas or {})
        self.unbroadcast = set(unbroadcast)

    @staticmethod
    def xor(data, key, start):
        """Version 2 XORs every byte at file offset p with key[p % 8]."""
        if not key or key == bytes(8):
            return bytes(data)
        return bytes(b ^ key[(start + i) % 8] for i, b in enumerate(data))

    @classmethod
    def parse(cls, raw):
        version = struct.unpack_from('<Q', raw)[0]
        if version == 1:
            key, start = None, 8
        elif version == 2:
            r = Reader(raw, 8)
            if r.compact_size() != 8:
                raise ValueError('key size')
            key, start = r.read(8), r.pos
        else:
            raise ValueError(f'unknown mempool.dat version {version}')
        body = cls.xor(raw[start:], key, start)
        r = Reader(body)
        count = r.unpack('<Q')
        entries = []
        offsets = []                 # file offset just after each entry
        for _ in range(count):
            tx = Tx.deserialize(r)
            t = r.unpack('<q')
            delta = r.unpack('<q')
            entries.append((tx, t, delta))
            offsets.append(start + r.pos)
        deltas = {}
        for _ in range(r.compact_size()):
            txid = bt.hash_to_hex(r.read(32))
            deltas[txid] = r.unpack('<q')
        unbroadcast = {bt.hash_to_hex(r.read(32)) for _ in range(r.compact_size())}
        r.expect_end()
        f = cls(version, key, entries, deltas, unbroadcast)
        f.entry_ends = offsets
        return f

    def serialize(self):
        head = struct.pack('<Q', self.version)
        if self.version == 2:
            head += bt.ser_var_bytes(self.key)
        body = struct.pack('<Q', len(self.entries))
        for tx, t, delta in self.entries:
            body += tx.serialize() + struct.pack('<qq', t, delta)
        body += bt.ser_compact_size(len(self.deltas))
        for txid in sorted(self.deltas, key=bt.hex_to_hash):
            body += bt.hex_to_hash(txid) + struct.pack('<q', self.deltas[txid])
        body += bt.ser_compact_size(len(self.unbroadcast))
        body += b''.join(bt.hex_to_hash(t) for t in sorted(self.unbroadcast, key=bt.hex_to_hash))
        return head + self.xor(body, self.key, len(head))


def read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def mempool_dat(node):
    return os.path.join(node.chaindir, 'mempool.dat')


class PersistTestCase(test_framework.TestCase):
    def restart(self, node, args=None):
        node.stop()
        node.start(args)
        node.wait_for_rpc()
        self.wait_until(lambda: node.getmempoolinfo()['loaded'], timeout=30)

    def send_both(self, tx_hex, *nodes):
        for node in nodes:
            node.sendrawtransaction(tx_hex)


class Persist(PersistTestCase):
    num_nodes = 2
    extra_args = [[], ['-persistmempool=0']]

    def test_restart(self):
        n0, n1 = self.nodes
        w = bt.AnyoneCanSpend(n0)
        w.generate(110)
        bt.sync_blocks(n0, n1)
        t_low = int(time.time())
        sent = [w.send_self_transfer() for _ in range(4)]
        # A child too: it must be loaded after its parent.
        sent.append(w.send_self_transfer(utxo=bt.Utxo(sent[-1]['txid'], 0, sent[-1]['tx'].vout[0].value)))
        t_high = int(time.time()) + 1
        for s in sent:
            n1.sendrawtransaction(s['hex'])
        txids = sorted(s['txid'] for s in sent)
        last = sent[-1]['txid']
        self.assertEqual(sorted(n0.getrawmempool()), txids)
        self.assertEqual(sorted(n1.getrawmempool()), txids)
        total_fee = n0.getmempoolinfo()['total_fee']

        fees = n0.getmempoolentry(last)['fees']
        self.assertEqual(fees['base'], fees['modified'])
        n0.prioritisetransaction(txid=last, fee_delta=1000)
        fees = n0.getmempoolentry(last)['fees']
        self.assertEqual(fees['base'] + D('0.00001000'), fees['modified'])
        self.assertEqual(n0.getmempoolinfo()['total_fee'], total_fee)
        self.assertEqual(sum(e['fees']['base'] for e in n0.getrawmempool(True).values()), total_fee)
        last_entry = n0.getmempoolentry(last)
        self.assertTrue(t_low <= last_entry['time'] <= t_high)
        # A delta for a transaction the mempool has not seen yet.
        later = w.create_self_transfer()
        n0.prioritisetransaction(later.txid, 0, 9999)
        self.assertEqual(n0.getprioritisedtransactions()[later.txid], {'fee_delta': 9999, 'in_mempool': False})
        entries0 = n0.getrawmempool(True)

        # Restart both: node0 reloads everything, node1 (-persistmempool=0) nothing.
        self.stop_nodes()
        self.assertTrue(os.path.isfile(mempool_dat(n0)))
        self.assertFalse(os.path.exists(mempool_dat(n1)))
        n1.start()
        n0.start()
        for n in (n0, n1):
            n.wait_for_rpc()
            self.wait_until(lambda n=n: n.getmempoolinfo()['loaded'])
        self.assertEqual(sorted(n0.getrawmempool()), txids)
        self.assertEqual(n1.getrawmempool(), [])
        # Every field comes back, the entry times too.
        self.assertEqual(n0.getrawmempool(True), entries0)
        self.assertEqual(n0.getmempoolentry(last), last_entry)
        self.assertEqual(n0.getprioritisedtransactions(),
                         {last: {'fee_delta': 1000, 'in_mempool': True,
                                 'modified_fee': bt.to_sats(last_entry['fees']['modified'])},
                          later.txid: {'fee_delta': 9999, 'in_mempool': False}})
        n0.sendrawtransaction(later.hex())
        e = n0.getmempoolentry(later.txid)
        self.assertEqual(e['fees']['base'] + D('0.00009999'), e['fees']['modified'])

        # savemempool on the node that does not persist: the file appears.
        path1 = mempool_dat(n1)
        self.assertEqual(n1.savemempool(), {'filename': path1})
        self.assertTrue(os.path.isfile(path1))
        self.assertEqual(MempoolFile.parse(read_bytes(path1)).entries, [])
        os.remove(path1)

        # node0 with -persistmempool=0 starts empty, and its shutdown leaves
        # mempool.dat alone ...
        path0 = mempool_dat(n0)
        n1.stop()
        self.restart(n0, ['-persistmempool=0'])
        self.assertEqual(n0.getrawmempool(), [])
        self.assertEqual(n0.getprioritisedtransactions(), {})
        self.restart(n0, [])
        self.assertEqual(len(n0.getrawmempool()), 6)

        # ... which savemempool writes again after it was removed.
        os.remove(path0)
        self.assertEqual(n0.savemempool(), {'filename': path0})
        self.assertTrue(os.path.isfile(path0))
        saved = MempoolFile.parse(read_bytes(path0))
        self.assertEqual(saved.version, 2)
        self.assertEqual(sorted(tx.txid for tx, _, _ in saved.entries), sorted(txids + [later.txid]))

        # node1 loads node0's file when told to persist.
        os.rename(path0, path1)
        n1.start(['-persistmempool=1'])
        n1.wait_for_rpc()
        self.wait_until(lambda: n1.getmempoolinfo()['loaded'])
        self.assertEqual(sorted(n1.getrawmempool()), sorted(txids + [later.txid]))
        e = n1.getmempoolentry(later.txid)
        self.assertEqual(e['fees']['base'] + D('0.00009999'), e['fees']['modified'])

        # savemempool fails when it cannot write its temporary file.
        os.mkdir(path1 + '.new')
        self.assert_rpc_error(-1, 'Unable to dump mempool to disk', n1.savemempool)
        os.rmdir(path1 + '.new')
        self.assertEqual(n1.savemempool(), {'filename': path1})


class FileFormat(PersistTestCase):
    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.wallet = bt.AnyoneCanSpend(self.node)
        self.wallet.generate(110)

    def fill(self, n=4):
        """n transactions: a chain of two, the rest independent."""
        w = self.wallet
        sent = [w.send_self_transfer()]
        sent.append(w.send_self_transfer(utxo=bt.Utxo(sent[0]['txid'], 0, sent[0]['tx'].vout[0].value)))
        sent += [w.send_self_transfer() for _ in range(n - 2)]
        return sent

    def saved(self):
        path = self.node.savemempool()['filename']
        return path, read_bytes(path)

    def load(self, data):
        """Stops the node, writes data as mempool.dat, starts it again."""
        node = self.node
        node.stop()
        with open(mempool_dat(node), 'wb') as f:
            f.write(data)
        node.start()
        node.wait_for_rpc()
        self.wait_until(lambda: node.getmempoolinfo()['loaded'])
        return set(node.getrawmempool())

    def test_format(self):
        node = self.node
        sent = self.fill()
        node.prioritisetransaction(sent[2]['txid'], 0, -300)
        ghost = self.wallet.create_self_transfer()
        node.prioritisetransaction(ghost.txid, 0, 12345)
        entries = node.getrawmempool(True)
        path, raw = self.saved()
        f = MempoolFile.parse(raw)
        self.assertEqual(f.version, 2)
        self.assertEqual(len(f.key), 8)
        self.assertEqual(raw[8:17], b'\x08' + f.key)
        by_txid = {tx.txid: (tx, t, delta) for tx, t, delta in f.entries}
        self.assertEqual(sorted(by_txid), sorted(s['txid'] for s in sent))
        for s in sent:
            tx, t, delta = by_txid[s['txid']]
            self.assertEqual(tx.hex(), s['hex'])                 # with its witness
            self.assertEqual(t, entries[s['txid']]['time'])
            self.assertEqual(delta, -300 if s is sent[2] else 0)
        # The parent comes before its child.
        order = [tx.txid for tx, _, _ in f.entries]
        self.assertLess(order.index(sent[0]['txid']), order.index(sent[1]['txid']))
        self.assertEqual(f.deltas, {ghost.txid: 12345})
        self.assertEqual(f.unbroadcast, {s['txid'] for s in sent})
        # Written back byte for byte from what was parsed.
        self.assertEqual(f.serialize(), raw)

        # Version 1 (-persistmempoolv1): no key, nothing XORed.
        self.restart(node, ['-persistmempoolv1'])
        self.assertEqual(set(node.getrawmempool()), set(by_txid))
        self.assertEqual(node.getmempoolentry(sent[2]['txid'])['fees']['modified'],
                         entries[sent[2]['txid']]['fees']['modified'])
        path, raw1 = self.saved()
        f1 = MempoolFile.parse(raw1)
        self.assertEqual(f1.version, 1)
        self.assertIsNone(f1.key)
        self.assertEqual(struct.unpack_from('<QQ', raw1), (1, len(sent)))
        self.assertEqual(sorted((tx.hex(), t, d) for tx, t, d in f1.entries),
                         sorted((tx.hex(), t, d) for tx, t, d in f.entries))
        self.assertEqual(f1.deltas, f.deltas)
        # A file made here in Python (version 2, a key of our choosing) loads.
        mine = MempoolFile(2, bytes(range(1, 9)), f1.entries, f1.deltas, f1.unbroadcast)
        self.assertEqual(self.load(mine.serialize()), set(by_txid))
        self.assertEqual(node.getprioritisedtransactions()[ghost.txid], {'fee_delta': 12345, 'in_mempool': False})
        self.assertEqual(node.getmempoolentry(sent[2]['txid'])['time'], entries[sent[2]['txid']]['time'])
        # Entry times in the file are kept; deltas applied.
        self.assertEqual(node.getrawmempool(True), entries)

    def damaged(self, cases):
        """Loads each (name, file data, expected txids) case in turn."""
        node = self.node
        for name, data, expected in cases:
            with self.subTest(name):
                self.assertEqual(self.load(data), expected)
                self.assertTrue(node.getmempoolinfo()['loaded'])
                self.assertEqual(node.getblockcount(), 110)

    def v1_file(self):
        """Four transactions saved in a version 1 file: (raw, parsed, txids in file order)."""
        node = self.node
        self.fill(4)
        self.restart(node, ['-persistmempoolv1'])
        _, raw = self.saved()
        f = MempoolFile.parse(raw)
        return raw, f, [tx.txid for tx, _, _ in f.entries]

    def test_damaged_files(self):
        """Files that cannot be read at all: the node starts with an empty mempool."""
        raw, f, order = self.v1_file()
        self.damaged([
            ('truncated in the first entry', raw[:f.entry_ends[0] - 5], set()),
            ('truncated in the count', raw[:12], set()),
            ('unknown version', struct.pack('<Q', 3) + raw[8:], set()),
            ('garbage', b'\x5a' * 300, set()),
            ('empty file', b'', set()),
            ('version 2 with a 7-byte key', struct.pack('<Q', 2) + bt.ser_var_bytes(bytes(7)) + raw[8:], set()),
            ('version 2 cut in the key', struct.pack('<Q', 2) + b'\x08\x01\x02', set()),
        ])

    def test_partial_load(self):
        """Entries are read and accepted one by one: those before the damage stay."""
        raw, f, order = self.v1_file()
        self.damaged([
            ('truncated after two entries', raw[:f.entry_ends[1]], set(order[:2])),
            # Cut in the deltas/unbroadcast part: every transaction is in.
            ('truncated in the trailer', raw[:-1], set(order)),
            # A count larger than the entries that follow: what is there loads.
            ('count too large', raw[:8] + struct.pack('<Q', 1000) + raw[16:f.entry_ends[-1]], set(order)),
        ])

    def test_expired_and_invalid(self):
        node = self.node
        sent = self.fill(4)
        _, raw = self.saved()
        f = MempoolFile.parse(raw)
        now = int(time.time())
        old = now - DEFAULT_MEMPOOL_EXPIRY_HOURS * 3600 - 60
        entries = []
        for tx, t, delta in f.entries:
            if tx.txid == sent[3]['txid']:
                t = old                           # expired: skipped
            entries.append((tx, t, delta))
        # An entry spending a coin that does not exist: fails, the others load.
        bogus = self.wallet.create_spend([bt.Utxo('11' * 32, 0, 100_000)], [bt.TxOut(90_000, bt.P2WSH_OP_TRUE)])
        entries.insert(0, (bogus, now, 0))
        # A child listed before its parent fails too (its input is missing then).
        child = next(e for e in entries if e[0].txid == sent[1]['txid'])
        entries.remove(child)
        entries.insert(1, child)
        # The unbroadcast set names them all (and one more): only those loaded count.
        unbroadcast = {tx.txid for tx, _, _ in entries} | {'22' * 32}
        data = MempoolFile(1, None, entries, unbroadcast=unbroadcast).serialize()
        self.assertEqual(self.load(data), {sent[0]['txid'], sent[2]['txid']})
        self.assertEqual(node.getmempoolinfo()['unbroadcastcount'], 2)
        self.assertIs(node.getmempoolentry(sent[0]['txid'])['unbroadcast'], True)
        # With a longer expiry the old entry is kept.
        node.stop()
        with open(mempool_dat(node), 'wb') as fh:
            fh.write(data)
        node.start([f'-mempoolexpiry={DEFAULT_MEMPOOL_EXPIRY_HOURS + 1}'])
        node.wait_for_rpc()
        self.wait_until(lambda: node.getmempoolinfo()['loaded'])
        self.assertEqual(set(node.getrawmempool()), {sent[0]['txid'], sent[2]['txid'], sent[3]['txid']})
        self.assertEqual(node.getmempoolentry(sent[3]['txid'])['time'], old)
        self.assertEqual(node.getmempoolinfo()['unbroadcastcount'], 3)


if __name__ == '__main__':
    test_framework.main()
