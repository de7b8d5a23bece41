#!/usr/bin/env python3
"""Offline checks of blocktools.py (no node is started): serialization, hashes,
merkle roots, witness commitments and the UTXO statistics, against a chain
Umkoin Core v31.0 made (tests/data/chains/regtest-core-1: blk00000.dat and what
Core reported about it in expected.json), and against published vectors
(descriptor checksums from Core's tests, BIP 173/350 and key_io addresses,
RFC 8439 ChaCha20).

Usage: blocktools_selftest.py [--node PATH] [unittest arguments]
(--node is accepted, and ignored, so meson can run it like the other tests).
"""
import decimal
import json
import os
import struct
import unittest

import blocktools as bt
import test_framework

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data')
CHAIN_DIR = os.path.join(DATA, 'chains', 'regtest-core-1')


def load_chain():
    """(all blocks of the file in file order, the raw records, expected.json)."""
    raws = list(bt.read_block_file(os.path.join(CHAIN_DIR, 'blk00000.dat')))
    with open(os.path.join(CHAIN_DIR, 'expected.json')) as f:
        expected = json.load(f, parse_float=decimal.Decimal)
    return [bt.Block.from_bytes(r) for r in raws], raws, expected


class CoreChain(unittest.TestCase):
    """The blocks of regtest-core-1 parse, re-serialize byte for byte, and
    give the hashes, tips and UTXO set Umkoin Core reported."""

    @classmethod
    def setUpClass(cls):
        cls.blocks, cls.raws, cls.expected = load_chain()
        cls.by_hash = {b.hash: b for b in cls.blocks}
        cls.height = {}
        for b in cls.blocks:     # the file has parents before children
            cls.height[b.hash] = 0 if b.hash == bt.REGTEST_GENESIS_HASH else cls.height[b.prev_hash] + 1
        parents = {b.prev_hash for b in cls.blocks}
        cls.tips = [h for h in cls.by_hash if h not in parents]
        best = max(cls.tips, key=lambda h: cls.height[h])
        chain, h = [], best
        while True:
            chain.append(cls.by_hash[h])
            if h == bt.REGTEST_GENESIS_HASH:
                break
            h = cls.by_hash[h].prev_hash
        cls.chain = chain[::-1]

    def test_record_count(self):
        # The genesis block, 456 blocks of the best chain, 8 stale ones.
        self.assertEqual(len(self.blocks), 465)
        self.assertEqual(len(self.by_hash), 465)

    def test_genesis(self):
        g = self.blocks[0]
        self.assertEqual(g.hash, bt.REGTEST_GENESIS_HASH)
        self.assertEqual(bt.hash_to_hex(g.merkle_root), bt.REGTEST_GENESIS_MERKLE_ROOT)
        self.assertEqual((g.version, g.time, g.bits, g.nonce), (1, bt.REGTEST_GENESIS_TIME, 0x207fffff, 4))
        self.assertEqual(g.prev, bytes(32))
        self.assertEqual(len(g.txs), 1)
        self.assertTrue(g.txs[0].is_coinbase())
        self.assertEqual(g.txs[0].vout[0].value, 50 * bt.COIN)
        self.assertEqual(g.txs[0].txid, bt.REGTEST_GENESIS_MERKLE_ROOT)

    def test_round_trip(self):
        for raw, b in zip(self.raws, self.blocks):
            self.assertEqual(b.serialize(), raw)
            self.assertEqual(bt.Block.from_hex(b.hex()).serialize(), raw)
            self.assertEqual(bt.BlockHeader.deserialize_header(bt.Reader(raw)).hash, b.hash)
            stripped = b.serialize(with_witness=False)
            self.assertEqual(len(stripped), b.stripped_size())
            self.assertEqual(bt.Block.from_bytes(stripped).serialize(), stripped)
            for tx in b.txs:
                self.assertEqual(bt.Tx.from_bytes(tx.serialize()).serialize(), tx.serialize())
                self.assertEqual(bt.Tx.from_bytes(tx.serialize_without_witness()).txid, tx.txid)
                if not tx.has_witness():
                    self.assertEqual(tx.txid, tx.wtxid)

    def test_hashes_merkle_pow_commitment(self):
        for b in self.blocks:
            with self.subTest(block=b.hash):
                self.assertEqual(b.compute_merkle_root(), b.merkle_root)
                self.assertFalse(b.merkle_mutated())
                self.assertTrue(b.check_pow())
                self.assertIsNone(b.check_witness_commitment())
                self.assertLessEqual(b.weight(), bt.MAX_BLOCK_WEIGHT)
                self.assertLessEqual(b.legacy_sigops() * 4, bt.MAX_BLOCK_SIGOPS_COST)
                if b.hash != bt.REGTEST_GENESIS_HASH:
                    self.assertIsNotNone(b.witness_commitment_index())

    def test_tips(self):
        expected = self.expected['getchaintips']
        best = self.chain[-1].hash
        on_chain = {b.hash for b in self.chain}
        got = []
        for tip in sorted(self.tips, key=lambda h: -self.height[h]):
            h, branchlen = tip, 0
            while h not in on_chain:
                h = self.by_hash[h].prev_hash
                branchlen += 1
            got.append({'height': self.height[tip], 'hash': tip, 'branchlen': branchlen,
                        'status': 'active' if tip == best else 'valid-headers'})
        self.assertEqual(got, expected)
        self.assertEqual(best, self.expected['tip'])
        self.assertEqual(len(self.chain) - 1, self.expected['height'])

    def test_chain_facts(self):
        info = self.expected['getblockchaininfo']
        stats = self.expected['getchaintxstats']
        tip = self.chain[-1]
        self.assertEqual(sum(len(b.txs) for b in self.chain), stats['txcount'])
        self.assertEqual(bt.block_proof(bt.REGTEST_BITS), 2)
        self.assertEqual(int(info['chainwork'], 16), len(self.chain) * bt.block_proof(bt.REGTEST_BITS))
        self.assertEqual(tip.time, info['time'])
        self.assertEqual(info['bits'], f'{tip.bits:08x}')
        self.assertEqual(int(info['target'], 16), bt.bits_to_target(tip.bits))
        # getchaintxstats over the default window (the whole chain but
        # genesis); its interval is between median times past.
        def mtp(height):
            times = sorted(b.time for b in self.chain[max(0, height - 10):height + 1])
            return times[len(times) // 2]
        tip_height = len(self.chain) - 1
        self.assertEqual(mtp(tip_height), info['mediantime'])
        self.assertEqual(mtp(tip_height) - mtp(tip_height - stats['window_block_count']), stats['window_interval'])
        self.assertEqual(sum(len(b.txs) for b in self.chain[-stats['window_block_count']:]),
                         stats['window_tx_count'])

    def test_coinbases_as_v31_mines_them(self):
        # What generatetoaddress & co. produce: the BIP 34 height and OP_0,
        # sequence 0xfffffffe, lock time height-1, the reward then the
        # commitment, the 32-zero-byte reserved value as witness.
        for height, b in enumerate(self.chain[1:], 1):
            cb = b.txs[0]
            with self.subTest(height=height):
                self.assertEqual(cb.vin[0].script_sig, bt.push_int(height) + b'\x00')
                self.assertEqual(cb.vin[0].sequence, bt.MAX_SEQUENCE_NONFINAL)
                self.assertEqual(cb.locktime, height - 1)
                self.assertEqual(cb.version, 2)
                self.assertEqual(cb.vin[0].witness, [bytes(32)])
                self.assertEqual(len(cb.vout), 2)
                self.assertEqual(b.witness_commitment_index(), 1)
                # Blocks signal testdummy (bit 28) while it is started or
                # locked in: periods of 72 blocks, 54 needed.
                self.assertEqual(b.version, 0x30000000 if 72 <= height < 216 else 0x20000000)
        cb = self.chain[1].txs[0]
        made = bt.create_coinbase(1, value=cb.vout[0].value, script_pubkey=cb.vout[0].script_pubkey)
        made.vin[0].witness = [bytes(32)]
        made.vout.append(cb.vout[1])
        self.assertEqual(made.serialize(), cb.serialize())

    def test_utxo_set_and_rewards(self):
        utxos = bt.UtxoSet()
        for height, b in enumerate(self.chain):
            if height:
                # Outputs spent in the block: from the set or from an earlier
                # transaction of the same block.
                outs = {}
                fees = 0
                cost = bt.tx_sigop_cost(b.txs[0], [])
                for tx in b.txs[1:]:
                    prev = [outs[i.prevout.key()] if i.prevout.key() in outs
                            else utxos.coins[i.prevout.key()][2] for i in tx.vin]
                    fees += sum(o.value for o in prev) - tx.value_out()
                    cost += bt.tx_sigop_cost(tx, [o.script_pubkey for o in prev])
                    outs.update(((tx.txid_bytes, n), o) for n, o in enumerate(tx.vout))
                # Core's miner claims subsidy + fees exactly.
                self.assertEqual(b.txs[0].value_out(), bt.block_subsidy(height) + fees)
                self.assertLessEqual(cost, bt.MAX_BLOCK_SIGOPS_COST)
            utxos.connect(b, height)
        stats = utxos.stats(with_muhash=True)
        exp = self.expected['gettxoutsetinfo']
        for key in ('height', 'bestblock', 'txouts', 'bogosize', 'hash_serialized_3', 'total_amount', 'transactions'):
            self.assertEqual(stats[key], exp[key], key)
        self.assertEqual(stats['muhash'], self.expected['gettxoutsetinfo_muhash']['muhash'])
        # Disconnecting and reconnecting the tip gives the same set.
        before = utxos.hash_serialized_3()
        utxos.disconnect(self.chain[-2].hash)
        self.assertNotEqual(utxos.hash_serialized_3(), before)
        utxos.connect(self.chain[-1], len(self.chain) - 1)
        self.assertEqual(utxos.hash_serialized_3(), before)


class Serialization(unittest.TestCase):
    def test_compact_size(self):
        for n, enc in ((0, '00'), (252, 'fc'), (253, 'fdfd00'), (0xffff, 'fdffff'),
                       (0x10000, 'fe00000100'), (0xffffffff, 'feffffffff'),
                       (0x100000000, 'ff0000000001000000')):
            self.assertEqual(bt.ser_compact_size(n).hex(), enc)
            self.assertEqual(bt.compact_size_len(n), len(enc) // 2)
        self.assertEqual(bt.Reader(bytes.fromhex('fe00000001')).compact_size(), 0x01000000)
        for bad in ('fdfc00', 'feffff0000', 'ffffffffff00000000'):
            with self.assertRaisesRegex(bt.DeserializationError, 'non-canonical'):
                bt.Reader(bytes.fromhex(bad)).compact_size()
        with self.assertRaisesRegex(bt.DeserializationError, 'too large'):
            bt.Reader(bytes.fromhex('fe01000002')).compact_size()
        for short in ('', 'fd00', 'fe000000', 'ff00000000000000'):
            with self.assertRaises(bt.DeserializationError):
                bt.Reader(bytes.fromhex(short)).compact_size()

    def sample_tx(self):
        return bt.Tx([bt.TxIn(bt.OutPoint('11' * 32, 3), b'\x51', 0xfffffffd, [b'\x01\x02', b''])],
                     [bt.TxOut(12345, bt.P2WSH_OP_TRUE)], version=2, locktime=99)

    def test_tx_formats(self):
        tx = self.sample_tx()
        legacy = tx.serialize_without_witness()
        full = tx.serialize()
        self.assertEqual(legacy[:4], struct.pack('<I', 2))
        self.assertEqual(full[4:6], b'\x00\x01')
        self.assertEqual(len(full) - len(legacy), 2 + 1 + 3 + 1)
        self.assertEqual(tx.weight(), 3 * len(legacy) + len(full))
        self.assertEqual(tx.vsize(), (tx.weight() + 3) // 4)
        self.assertEqual(tx.txid, bt.hash_to_hex(bt.hash256(legacy)))
        self.assertEqual(tx.wtxid, bt.hash_to_hex(bt.hash256(full)))
        back = bt.Tx.from_bytes(full)
        self.assertEqual(back.vin[0].witness, [b'\x01\x02', b''])
        self.assertEqual(back.vin[0].prevout, bt.OutPoint('11' * 32, 3))
        self.assertEqual((back.locktime, back.vout[0].value), (99, 12345))

    def test_tx_errors(self):
        full = self.sample_tx().serialize()
        for cut in range(len(full)):
            with self.assertRaises(bt.DeserializationError):
                bt.Tx.from_bytes(full[:cut])
        with self.assertRaisesRegex(bt.DeserializationError, 'left over'):
            bt.Tx.from_bytes(full + b'\x00')
        # The witness flag with only empty witnesses.
        tx = self.sample_tx()
        tx.vin[0].witness = []
        body = tx.serialize_without_witness()
        superfluous = body[:4] + b'\x00\x01' + body[4:-4] + b'\x00' + body[-4:]
        with self.assertRaisesRegex(bt.DeserializationError, 'Superfluous witness record'):
            bt.Tx.from_bytes(superfluous)
        unknown = body[:4] + b'\x00\x02' + body[4:]
        with self.assertRaisesRegex(bt.DeserializationError, 'Unknown transaction optional data'):
            bt.Tx.from_bytes(unknown)

    def test_block_errors(self):
        raw = bt.create_block(bt.REGTEST_GENESIS_HASH, 1, time=bt.REGTEST_GENESIS_TIME + 1).serialize()
        for cut in (0, 40, 79, 80, 81, len(raw) - 1):
            with self.assertRaises(bt.DeserializationError):
                bt.Block.from_bytes(raw[:cut])
        with self.assertRaises(bt.DeserializationError):
            bt.Block.from_bytes(raw + b'\x00')

    def test_block_file_reader(self):
        import tempfile
        blocks = [bt.create_block(bt.REGTEST_GENESIS_HASH, 1, time=bt.REGTEST_GENESIS_TIME + i) for i in (1, 2)]
        data = b''.join(bt.REGTEST_MAGIC + struct.pack('<I', len(b.serialize())) + b.serialize() for b in blocks)
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, 'blk00000.dat')
            with open(path, 'wb') as f:
                f.write(data + bytes(1000))       # pre-allocated zeros end the file
            self.assertEqual(list(bt.read_block_file(path)), [b.serialize() for b in blocks])
            with open(path, 'wb') as f:
                f.write(data[:-5])
            with self.assertRaises(bt.DeserializationError):
                list(bt.read_block_file(path))


class Scripts(unittest.TestCase):
    def test_script_num(self):
        for n, enc in ((0, ''), (1, '01'), (-1, '81'), (127, '7f'), (128, '8000'), (-128, '8080'),
                       (255, 'ff00'), (256, '0001'), (-255, 'ff80'), (32767, 'ff7f'), (32768, '008000'),
                       (500, 'f401'), (2 ** 31 - 1, 'ffffff7f'), (-(2 ** 31 - 1), 'ffffffff')):
            self.assertEqual(bt.script_num(n).hex(), enc, n)
            self.assertEqual(bt.decode_script_num(bytes.fromhex(enc)), n)

    def test_pushes(self):
        self.assertEqual(bt.push_int(0), b'\x00')
        self.assertEqual(bt.push_int(-1), b'\x4f')
        self.assertEqual(bt.push_int(1), b'\x51')
        self.assertEqual(bt.push_int(16), b'\x60')
        self.assertEqual(bt.push_int(17), b'\x01\x11')
        self.assertEqual(bt.push_int(200), b'\x02\xc8\x00')
        self.assertEqual(bt.push_data(b''), b'\x00')
        self.assertEqual(bt.push_data(b'\x05'), b'\x01\x05')
        for n, prefix in ((75, '4b'), (76, '4c4c'), (255, '4cff'), (256, '4d0001'),
                          (65535, '4dffff'), (65536, '4e00000100')):
            self.assertEqual(bt.push_data(bytes(n))[:len(prefix) // 2].hex(), prefix)
            self.assertEqual(len(bt.push_data(bytes(n))), n + len(prefix) // 2)
        self.assertEqual(bt.script(bt.OP_DUP, bt.OP_HASH160, bytes(20), bt.OP_EQUALVERIFY, bt.OP_CHECKSIG).hex(),
                         '76a914' + '00' * 20 + '88ac')
        self.assertEqual(bt.script(2, 20, -1), b'\x52\x01\x14\x4f')

    def test_sigops(self):
        self.assertEqual(bt.script_sigops(bt.script(bt.OP_CHECKSIG, bt.OP_CHECKSIGVERIFY)), 2)
        multi = bt.script(bt.OP_2, bytes(33), bytes(33), bytes(33), bt.OP_3, bt.OP_CHECKMULTISIG)
        self.assertEqual(bt.script_sigops(multi), 20)
        self.assertEqual(bt.script_sigops(multi, accurate=True), 3)
        self.assertEqual(bt.script_sigops(bytes([bt.OP_CHECKMULTISIG]), accurate=True), 20)
        # Pushed bytes are not opcodes; a truncated push ends the count.
        self.assertEqual(bt.script_sigops(bt.push_data(bytes([bt.OP_CHECKSIG]) * 10)), 0)
        self.assertEqual(bt.script_sigops(bytes([bt.OP_CHECKSIG, 0x4c, 0x10, bt.OP_CHECKSIG])), 1)
        self.assertEqual(bt.script_sigops(bt.sigops_witness_script(7), accurate=True), 7)
        tx = bt.Tx([bt.TxIn(bt.OutPoint('22' * 32, 0), bt.push_data(multi)),
                    bt.TxIn(bt.OutPoint('22' * 32, 1), b'', witness=[bt.sigops_witness_script(5)]),
                    bt.TxIn(bt.OutPoint('22' * 32, 2), b'', witness=[bytes(71), bytes(33)])],
                   [bt.TxOut(1, bt.script(bytes(33), bt.OP_CHECKSIG))])
        p2sh = bytes([bt.OP_HASH160, 20]) + bytes(20) + bytes([bt.OP_EQUAL])
        p2wpkh = bytes([0, 20]) + bytes(20)
        self.assertEqual(bt.tx_legacy_sigops(tx), 1)
        # 1 legacy *4 + 3 (P2SH multisig) *4 + 5 witness + 1 (P2WPKH).
        self.assertEqual(bt.tx_sigop_cost(tx, [p2sh, bt.p2wsh_script(bt.sigops_witness_script(5)), p2wpkh]),
                         4 + 12 + 5 + 1)

    def test_anyone_can_spend_outputs(self):
        self.assertEqual(bt.P2WSH_OP_TRUE.hex(), '0020' + bt.sha256(b'\x51').hex())
        self.assertEqual(bt.P2WSH_OP_TRUE_ADDRESS,
                         'bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85')
        self.assertEqual(bt.address_to_script(bt.P2WSH_OP_TRUE_ADDRESS), bt.P2WSH_OP_TRUE)


class Addresses(unittest.TestCase):
    def test_key_io_regtest(self):
        with open(os.path.join(DATA, 'key_io_valid.json')) as f:
            vectors = json.load(f)
        n = 0
        for addr, spk, meta in vectors:
            if meta.get('chain') != 'regtest' or meta.get('isPrivkey'):
                continue
            n += 1
            self.assertEqual(bt.address_to_script(addr).hex(), spk, addr)
            seg = bt.decode_segwit_address(addr)
            if seg:
                self.assertEqual(bt.segwit_address(*seg), addr.lower())
            else:
                self.assertEqual(bt.base58check_encode(bt.base58check_decode(addr)), addr)
        self.assertGreater(n, 10)

    def test_bip173_bip350(self):
        for name in ('bip173_vectors.json', 'bip350_vectors.json'):
            with open(os.path.join(DATA, name)) as f:
                v = json.load(f)
            for item in v['valid_segwit']:
                addr = item['address']
                hrp = addr.lower().rsplit('1', 1)[0]
                seg = bt.decode_segwit_address(addr, hrp)
                self.assertIsNotNone(seg, addr)
                self.assertEqual(bt.segwit_script(*seg).hex(), item['script'])
                self.assertEqual(bt.segwit_address(*seg, hrp=hrp), addr.lower())
            for item in v['invalid_segwit'] + v.get('superseded_segwit', []):
                for hrp in ('bc', 'tb', 'bcrt'):
                    self.assertIsNone(bt.decode_segwit_address(item['address'], hrp), item['address'])
            for s in v.get('valid_bech32', []) + v.get('valid_bech32m', []):
                self.assertIsNotNone(bt.bech32_decode(s), s)

    def test_descriptor_checksums(self):
        # Descriptors and checksums as Umkoin Core's functional tests use them.
        for desc in ('raw(50)#a7tu03xf', 'raw()#58lrscpx', 'raw(6a00)#ncfmkl43', 'raw(75)#ppey0zqj',
                     'raw(76a91411b366edfc0a8b66feebae5c2e25a7b6a5d1cf3188ac)#fm24fxxy',
                     'addr(bcrt1q73qyfypp47hvgnkjqnav0j3k2lq3v76wg22dk8tmwuz5sfgv66xsvxg6uu)#9p3q328s',
                     'addr(bc1q5fgkuac9s2ry56jka5s6zqsyfcugcchry5cwu0)#gm7zhxq2'):
            body, _ = desc.split('#')
            self.assertEqual(bt.with_checksum(body), desc)


class Building(unittest.TestCase):
    def test_bits(self):
        self.assertEqual(bt.bits_to_target(0x207fffff), bt.REGTEST_TARGET)
        self.assertEqual(bt.target_to_bits(bt.REGTEST_TARGET), 0x207fffff)
        self.assertEqual(bt.bits_to_target(0x1d00ffff), 0xffff << 208)
        self.assertEqual(bt.target_to_bits(0xffff << 208), 0x1d00ffff)
        with self.assertRaises(ValueError):
            bt.bits_to_target(0x04923456)    # negative

    def test_subsidy(self):
        self.assertEqual(bt.block_subsidy(1), 50 * bt.COIN)
        self.assertEqual(bt.block_subsidy(149), 50 * bt.COIN)
        self.assertEqual(bt.block_subsidy(150), 25 * bt.COIN)
        self.assertEqual(bt.block_subsidy(300), 1250000000)
        self.assertEqual(bt.block_subsidy(150 * 64), 0)
        self.assertEqual(bt.amount(1), decimal.Decimal('0.00000001'))
        self.assertEqual(bt.to_sats('13118.75'), 1311875000000)

    def test_merkle_mutation(self):
        a, b, c = (bt.hash256(bytes([i])) for i in range(3))
        root3, mutated3 = bt.merkle_root_and_mutation([a, b, c])
        root4, mutated4 = bt.merkle_root_and_mutation([a, b, c, c])
        self.assertEqual(root3, root4)
        self.assertEqual((mutated3, mutated4), (False, True))
        self.assertEqual(bt.merkle_root([a]), a)
        self.assertEqual(bt.merkle_root([a, b]), bt.hash256(a + b))
        self.assertTrue(bt.merkle_root_and_mutation([a, a])[1])
        # Six leaves whose last two pairs repeat: the same root as four.
        six = [a, b, c, a, c, a]
        self.assertEqual(bt.merkle_root(six), bt.merkle_root([a, b, c, a, c, a, c, a]))
        self.assertTrue(bt.merkle_root_and_mutation([a, b, c, a, c, a, c, a])[1])

    def test_create_block(self):
        t = bt.REGTEST_GENESIS_TIME + 100
        blk = bt.create_block(bt.REGTEST_GENESIS_HASH, 1, time=t)
        self.assertTrue(blk.check_pow())
        self.assertEqual(blk.prev_hash, bt.REGTEST_GENESIS_HASH)
        self.assertEqual(blk.merkle_root, blk.compute_merkle_root())
        self.assertIsNone(blk.check_witness_commitment())
        cb = blk.txs[0]
        self.assertEqual(cb.vin[0].script_sig, b'\x51\x00')
        self.assertEqual(cb.vout[0].value, 50 * bt.COIN)
        self.assertEqual(cb.vout[1].script_pubkey[:6].hex(), '6a24aa21a9ed')
        self.assertEqual(len(cb.vout[1].script_pubkey), 38)
        self.assertEqual(blk.header().serialize_header(), blk.serialize()[:80])
        # A spend with a witness, committed.
        spend = bt.Tx([bt.TxIn(cb.outpoint(0), b'', witness=[bt.OP_TRUE_SCRIPT])],
                      [bt.TxOut(49 * bt.COIN, bt.P2WSH_OP_TRUE)])
        blk2 = bt.create_block(blk.hash, 2, time=t + 1, txs=[spend])
        self.assertIsNone(blk2.check_witness_commitment())
        self.assertEqual(blk2.txs[0].vout[0].value, 50 * bt.COIN)
        bad = blk2.copy()
        bad.txs[1].vin[0].witness = [b'\x52']
        self.assertEqual(bad.check_witness_commitment(), 'bad-witness-merkle-match')
        bad.refresh()
        self.assertIsNone(bad.check_witness_commitment())
        bad.txs[0].vin[0].witness = [bytes(32), b'']
        self.assertEqual(bad.check_witness_commitment(), 'bad-witness-nonce-size')
        bad.txs[0].vin[0].witness = [bytes(33)]
        self.assertEqual(bad.check_witness_commitment(), 'bad-witness-nonce-size')
        nocommit = bt.create_block(blk.hash, 2, time=t + 1, txs=[spend], witness_commitment=False)
        self.assertEqual(nocommit.check_witness_commitment(), 'unexpected-witness')
        self.assertEqual(nocommit.txs[0].vin[0].witness, [])
        # The default commitment matches a hand computation.
        wroot = bt.merkle_root([bytes(32), spend.wtxid_bytes])
        self.assertEqual(blk2.txs[0].vout[1].script_pubkey[6:], bt.hash256(wroot + bytes(32)))
        # unsolve() breaks the PoW, solve() mends it.
        blk2.unsolve()
        self.assertFalse(blk2.check_pow())
        blk2.solve()
        self.assertTrue(blk2.check_pow())

    def test_block_sizes(self):
        t = bt.REGTEST_GENESIS_TIME + 100
        filler = bt.Tx([bt.TxIn(bt.OutPoint('33' * 32, 0))], [bt.TxOut(0, bt.pad_script(100))])
        blk = bt.create_block(bt.REGTEST_GENESIS_HASH, 1, time=t, txs=[filler], witness_commitment=False)
        for size in (1000, 70000, 1_000_000, 1_000_001):
            bt.set_block_stripped_size(blk, size)
            self.assertEqual(blk.stripped_size(), size)
            self.assertEqual(blk.weight(), 4 * size)
            self.assertTrue(blk.check_pow())

    def test_coinbase_heights(self):
        for height, sig in ((1, '5100'), (16, '6000'), (17, '011100'), (127, '017f00'),
                            (128, '02800000'), (200, '02c80000'), (65536, '0300000100')):
            self.assertEqual(bt.create_coinbase(height).vin[0].script_sig.hex(), sig)
        cb = bt.create_coinbase(300, fees=5)
        self.assertEqual(cb.vout[0].value, bt.block_subsidy(300) + 5)
        self.assertEqual(cb.locktime, 299)
        self.assertEqual(cb.vin[0].sequence, 0xfffffffe)
        self.assertTrue(cb.is_coinbase())

    def test_template_block(self):
        spend = bt.Tx([bt.TxIn(bt.OutPoint('44' * 32, 0), b'', witness=[b'\x51'])],
                      [bt.TxOut(1000, bt.P2WSH_OP_TRUE)])
        wroot = bt.merkle_root([bytes(32), spend.wtxid_bytes])
        tmpl = {'height': 5, 'coinbasevalue': 50 * bt.COIN + 700, 'version': 0x20000000,
                'previousblockhash': bt.REGTEST_GENESIS_HASH, 'curtime': bt.REGTEST_GENESIS_TIME + 9,
                'bits': '207fffff', 'transactions': [{'data': spend.hex()}],
                'default_witness_commitment': (bt.WITNESS_COMMITMENT_PREFIX + bt.hash256(wroot + bytes(32))).hex()}
        blk = bt.block_from_template(tmpl)
        self.assertIsNone(blk.check_witness_commitment())
        self.assertEqual(blk.txs[0].vout[0].value, 50 * bt.COIN + 700)
        self.assertEqual(blk.txs[1].txid, spend.txid)
        self.assertTrue(blk.check_pow())


class Crypto(unittest.TestCase):
    def test_chacha20_rfc8439(self):
        # RFC 8439 section 2.3.2.
        key = bytes(range(32))
        nonce = bytes.fromhex('000000090000004a00000000')
        self.assertEqual(bt.chacha20_block(key, 1, nonce).hex(),
                         '10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e'
                         'd2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e')

    def test_muhash_set_semantics(self):
        a, b = bt.MuHash3072(), bt.MuHash3072()
        a.insert(b'x')
        a.insert(b'y')
        b.insert(b'y')
        b.insert(b'z')
        b.insert(b'x')
        b.remove(b'z')
        self.assertEqual(a.digest(), b.digest())
        self.assertEqual(bt.MuHash3072().digest(), bt.sha256((1).to_bytes(384, 'little')))


def main():
    # --node/--cli/--nocleanup (given by meson) are accepted and ignored.
    opts = test_framework.options()
    unittest.main(module='__main__', argv=[__file__, *opts.rest], verbosity=2)


if __name__ == '__main__':
    main()
