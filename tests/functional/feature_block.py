#!/usr/bin/env python3
"""Consensus rules of blocks, one broken at a time: blocks built here are sent
with submitblock, which must answer Umkoin Core v31.0's reject reason (BIP 22:
null when accepted, "duplicate", "duplicate-invalid", "inconclusive", or the
reason), leave the tip alone, and then still accept the next good block.
Also submitheader, and blocks built from getblocktemplate.

Each test starts a fresh node; the coins come from 101 blocks built here and
paid to P2WSH(OP_TRUE) (see blocktools.AnyoneCanSpend), split into small
outputs, so only submitblock is needed to set up (getblocktemplate and the
mempool are used in test_block_from_template only).

Usage: feature_block.py --node PATH/TO/umkoin-node
"""
import time

import blocktools as bt
import test_framework
from blocktools import TxIn, TxOut, Tx, OutPoint

SCRIPT_FAILED = 'block-script-verify-flag-failed ({})'


class BlockTestCase(test_framework.TestCase):
    """Helpers: blocks on the tip, accept/reject with the tip checked, and a
    wallet of anyone-can-spend coins."""

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.wallet = bt.AnyoneCanSpend(self.node)

    # ---- chain

    def tip(self):
        return self.node.getbestblockhash()

    def height(self):
        return self.node.getblockcount()

    def block(self, txs=(), prev=None, **kwargs):
        """A solved block on prev (default: the tip) with txs; the block's
        height is kept in block.height."""
        prev = prev or self.tip()
        height = self.node.getblockheader(prev)['height'] + 1
        kwargs.setdefault('time', bt.next_block_time(self.node, prev))
        b = bt.create_block(prev, height, txs=txs, **kwargs)
        b.height = height
        return b

    def orphan(self):
        """A block whose parent nobody knows."""
        b = bt.create_block(bt.hash256(b'nowhere'), self.height() + 1, time=bt.next_block_time(self.node))
        b.height = self.height() + 1
        return b

    def submit(self, block):
        return self.node.submitblock(block.hex())

    def accept(self, block):
        """submitblock answers null and the block is the new tip."""
        self.assertIsNone(self.submit(block), f'block {block.hash} at height {block.height}')
        self.assertEqual(self.tip(), block.hash)
        self.wallet.scan_block(block, block.height)
        return block

    def reject(self, block, reason, good_after=True):
        """submitblock answers `reason`, the tip stays; then (unless
        good_after is false) a good block on the same tip is accepted."""
        tip = self.tip()
        self.assertEqual(self.submit(block), reason, f'block {block.hash}')
        self.assertEqual(self.tip(), tip, f'the tip moved after a block rejected with {reason}')
        if good_after:
            self.accept(self.block())

    def tips(self):
        return {t['hash']: t for t in self.node.getchaintips()}

    # ---- coins

    def fund(self, blocks=101, split=60):
        """Builds `blocks` blocks paying the wallet, then splits a mature
        coinbase into `split` outputs of ~0.8 coin."""
        t = int(time.time()) - 2000
        for _ in range(blocks):
            self.accept(self.block(time=t))
            t += 1
        if not split:
            return
        cb = self.wallet.get_utxo(mark_spent=False)
        self.assertTrue(cb.coinbase)
        each = (cb.value - 10_000) // split
        tx = self.wallet.create_spend([cb], [TxOut(each, bt.P2WSH_OP_TRUE) for _ in range(split)])
        self.accept(self.block([tx]))

    def coins(self, n=1, next_height=None):
        """n distinct spendable wallet UTXOs (not coinbases), left in the wallet
        (a block that is rejected spends nothing)."""
        utxos = [u for u in self.wallet.spendable(next_height) if not u.coinbase][:n]
        self.assertEqual(len(utxos), n, 'the wallet ran out of coins')
        return utxos

    def spend(self, utxo, outputs=None, fee=1000):
        """A transaction of a wallet UTXO to outputs (default: all but the fee
        back to the wallet)."""
        if outputs is None:
            outputs = [TxOut(utxo.value - fee, bt.P2WSH_OP_TRUE)]
        return self.wallet.create_spend([utxo], outputs)

    def make_outputs(self, scripts, value=10_000_000):
        """Mines a block with a transaction paying `value` to each script;
        returns their outpoints as (OutPoint, value, script)."""
        u = self.coins(1)[0]
        outs = [TxOut(value, s) for s in scripts]
        change = u.value - value * len(scripts) - 2000
        tx = self.wallet.create_spend([u], outs + [TxOut(change, bt.P2WSH_OP_TRUE)])
        self.accept(self.block([tx]))
        return [(tx.outpoint(i), value, s) for i, s in enumerate(scripts)]


class HeaderRules(BlockTestCase):
    def test_header_rules(self):
        node = self.node
        self.fund(blocks=5, split=0)

        b = self.block()
        b.unsolve()
        self.reject(b, 'high-hash')
        self.assertNotIn(b.hash, self.tips())

        # A target easier than the regtest limit is a failed PoW too.
        b = self.block(bits=0x2100ffff, solve=False)
        b.nonce = 0
        self.reject(b, 'high-hash')

        # A valid but wrong (harder) target.
        b = self.block(bits=0x1f7fffff)
        self.assertTrue(b.check_pow())
        self.reject(b, 'bad-diffbits')

        b = self.block()
        b.merkle_root = bt.hash256(b.merkle_root)
        b.solve()
        self.reject(b, 'bad-txnmrklroot')

        # BIP 34/66/65 are active: versions below 4 are rejected, 4 is fine.
        for version in (1, 2, 3):
            self.reject(self.block(version=version), f'bad-version(0x{version:08x})')
        self.accept(self.block(version=4))

        b = self.orphan()
        self.reject(b, 'prev-blk-not-found')

        # The timestamp must be above the median of the last 11 blocks.
        mtp = node.getblockheader(self.tip())['mediantime']
        self.reject(self.block(time=mtp), 'time-too-old')
        self.reject(self.block(time=mtp - 1000), 'time-too-old')
        mtp = node.getblockheader(self.tip())['mediantime']
        self.accept(self.block(time=mtp + 1))

        # The block must be a coinbase first, and only one.
        b = self.block()
        b.txs.append(bt.create_coinbase(b.height, extra=b'\x01\x02'))
        b.refresh().solve()
        self.reject(b, 'bad-cb-multiple')
        notcb = Tx([TxIn(OutPoint(bt.hash256(b'x'), 0))], [TxOut(1, bt.P2WSH_OP_TRUE)])
        b = self.block()
        b.txs = [notcb]
        b.merkle_root = b.compute_merkle_root()
        b.solve()
        self.reject(b, 'bad-cb-missing')
        # No transactions at all.
        b = self.block()
        b.txs = []
        b.merkle_root = bytes(32)
        b.solve()
        self.reject(b, 'bad-blk-length')

        # BIP 34: the coinbase starts with the height.
        h = self.height() + 1
        for wrong in (h + 1, h - 1):
            cb = bt.create_coinbase(h)
            cb.vin[0].script_sig = bt.coinbase_script_sig(wrong)
            self.reject(self.block(coinbase=cb), 'bad-cb-height')
        cb = bt.create_coinbase(h)
        cb.vin[0].script_sig = bt.push_data(bt.script_num(h) + b'\x00')    # not the same push
        self.reject(self.block(coinbase=cb), 'bad-cb-height')

        # The coinbase scriptSig is 2 to 100 bytes.
        h = self.height() + 1
        prefix = bt.push_int(h)
        cb = bt.create_coinbase(h, extra=bytes(101 - len(prefix)))
        self.assertEqual(len(cb.vin[0].script_sig), 101)
        self.reject(self.block(coinbase=cb), 'bad-cb-length')
        h = self.height() + 1
        prefix = bt.push_int(h)
        cb = bt.create_coinbase(h, extra=bytes(100 - len(prefix)))
        self.assertEqual(len(cb.vin[0].script_sig), 100)
        self.accept(self.block(coinbase=cb))

        # A coinbase that is not final (time lock far ahead, sequence not final).
        cb = bt.create_coinbase(self.height() + 1)
        cb.locktime = 0xffffffff
        self.reject(self.block(coinbase=cb), 'bad-txns-nonfinal')
        cb = bt.create_coinbase(self.height() + 1)
        cb.locktime = self.height() + 1      # height lock: must be below the block's height
        self.reject(self.block(coinbase=cb), 'bad-txns-nonfinal')

        # More than two hours ahead of the node's clock.
        self.reject(self.block(time=int(time.time()) + bt.MAX_FUTURE_BLOCK_TIME + 600), 'time-too-new')
        # (A block just inside the limit is fine; last, as it drags the
        # times of the blocks built after it into the future.)
        self.accept(self.block(time=int(time.time()) + bt.MAX_FUTURE_BLOCK_TIME - 300))

    def test_decode_failures(self):
        node = self.node
        b = self.block()
        for bad in (b.hex()[:-2], b.hex()[:160], 'zz' + b.hex()[2:], b.hex() + '0', ''):
            self.assert_rpc_error(-22, 'Block decode failed', node.submitblock, bad)
        # A block of nothing but a zero header: fails its proof of work first.
        self.assertEqual(node.submitblock('00' * 80 + '00'), 'high-hash')
        self.assertEqual(self.tip(), bt.REGTEST_GENESIS_HASH)


class TransactionRules(BlockTestCase):
    def test_amounts(self):
        self.fund()
        u = self.coins(1)[0]
        fee = 12_345
        tx = self.spend(u, fee=fee)
        h = self.height() + 1
        # The coinbase may claim subsidy + fees, not a satoshi more.
        self.reject(self.block(coinbase=bt.create_coinbase(h, value=bt.block_subsidy(h) + 1)), 'bad-cb-amount')
        h = self.height() + 1
        cb = bt.create_coinbase(h, fees=fee + 1)
        bad = self.block([tx], coinbase=cb)
        self.reject(bad, 'bad-cb-amount', good_after=False)
        # It failed when connected: it is stored, marked invalid, known as such.
        self.assertEqual(self.tips()[bad.hash]['status'], 'invalid')
        self.assertEqual(self.submit(bad), 'duplicate-invalid')
        child = self.block(prev=bad.hash)
        self.reject(child, 'bad-prevblk', good_after=False)
        # Less than allowed is fine (the rest is lost), exactly is fine.
        h = self.height() + 1
        self.accept(self.block([tx], coinbase=bt.create_coinbase(h, fees=fee - 1)))
        u = self.coins(1)[0]
        tx = self.spend(u, fee=fee)
        self.accept(self.block([tx], fees=fee))

        # Outputs more than the inputs; negative; above MAX_MONEY.
        u = self.coins(1)[0]
        self.reject(self.block([self.spend(u, [TxOut(u.value + 1, bt.P2WSH_OP_TRUE)])]), 'bad-txns-in-belowout')
        self.reject(self.block([self.spend(u, [TxOut(-1, bt.P2WSH_OP_TRUE)])]), 'bad-txns-vout-negative')
        self.reject(self.block([self.spend(u, [TxOut(bt.MAX_MONEY + 1, bt.P2WSH_OP_TRUE)])]),
                    'bad-txns-vout-toolarge')
        self.reject(self.block([self.spend(u, [TxOut(bt.MAX_MONEY, bt.P2WSH_OP_TRUE)] * 2)]),
                    'bad-txns-txouttotal-toolarge')
        self.reject(self.block([self.spend(u, [])]), 'bad-txns-vout-empty')

    def test_halving(self):
        # Height 150 is the first with half the subsidy.
        t = int(time.time()) - 2000
        while self.height() < 149:
            self.accept(self.block(time=t))
            t += 1
        self.assertEqual(bt.block_subsidy(150), 25 * bt.COIN)
        self.reject(self.block(coinbase=bt.create_coinbase(150, value=25 * bt.COIN + 1)), 'bad-cb-amount',
                    good_after=False)
        self.accept(self.block(coinbase=bt.create_coinbase(150, value=25 * bt.COIN)))

    def test_inputs(self):
        self.fund()
        u1, u2 = self.coins(2)
        # Missing, double spent in one block, spent twice in one transaction.
        missing = self.spend(bt.Utxo(bt.hash_to_hex(bt.hash256(b'missing')), 0, 10 ** 8))
        self.reject(self.block([missing]), 'bad-txns-inputs-missingorspent')
        a = self.spend(u1, fee=1000)
        b = self.spend(u1, fee=2000)
        self.reject(self.block([a, b]), 'bad-txns-inputs-missingorspent')
        dup = self.wallet.create_spend([u1, u1], [TxOut(u1.value, bt.P2WSH_OP_TRUE)])
        self.reject(self.block([dup]), 'bad-txns-inputs-duplicate')
        # A null prevout in a transaction that is not a coinbase.
        nullin = self.spend(u1)
        nullin.vin.append(TxIn(OutPoint.null()))
        self.reject(self.block([nullin]), 'bad-txns-prevout-null')
        # Spent in an earlier block.
        self.accept(self.block([a]))
        self.reject(self.block([b]), 'bad-txns-inputs-missingorspent')
        # The same transaction again while its outputs are unspent (BIP 30,
        # checked before its inputs).
        self.reject(self.block([a]), 'bad-txns-BIP30')
        # A transaction may spend an output of an earlier one in the block, not a later one.
        c = self.spend(u2)
        d = self.wallet.create_spend([bt.Utxo(c.txid, 0, c.vout[0].value)],
                                     [TxOut(c.vout[0].value - 1000, bt.P2WSH_OP_TRUE)])
        self.reject(self.block([d, c]), 'bad-txns-inputs-missingorspent')
        self.accept(self.block([c, d]))

    def test_coinbase_maturity(self):
        self.fund()
        tip_height = self.height()
        # A coinbase can be spent 100 blocks after its own, not 99.
        h = tip_height + 1 - 99
        cb = [u for u in self.wallet.utxos if u.coinbase and u.height == h][0]
        tx = self.spend(cb)
        self.reject(self.block([tx]), 'bad-txns-premature-spend-of-coinbase')   # + a good block
        self.assertEqual(self.height(), tip_height + 1)
        self.accept(self.block([tx]))

    def test_locks(self):
        self.fund()
        u = self.coins(1)[0]
        # nLockTime by height: final only below the block's height.
        h = self.height() + 1
        tx = self.spend(u)
        tx.vin[0].sequence = 0xfffffffe
        tx.locktime = h
        self.reject(self.block([tx]), 'bad-txns-nonfinal')
        h = self.height() + 1
        tx.locktime = h - 1
        self.accept(self.block([tx]))
        # BIP 68: a relative lock of 5 blocks on an output confirmed at height c.
        (out, value, _), (out1, value1, _) = self.make_outputs([bt.P2WSH_OP_TRUE, bt.P2WSH_OP_TRUE])
        c = self.height()
        tx = Tx([TxIn(out, sequence=5, witness=[bt.OP_TRUE_SCRIPT])], [TxOut(value - 1000, bt.P2WSH_OP_TRUE)],
                version=2)
        while self.height() + 1 < c + 5:
            self.reject(self.block([tx]), 'bad-txns-nonfinal')
        self.accept(self.block([tx]))
        self.assertEqual(self.height(), c + 5)
        # Version 1 transactions have no relative locks.
        tx = Tx([TxIn(out1, sequence=100, witness=[bt.OP_TRUE_SCRIPT])], [TxOut(value1 - 1000, bt.P2WSH_OP_TRUE)],
                version=1)
        self.accept(self.block([tx]))

    def test_duplicate_transactions(self):
        # CVE-2012-2459: [cb, a, b, b] has the merkle root of [cb, a, b]. The
        # mutated block is rejected without marking its hash invalid, so the
        # real one is still accepted.
        self.fund()
        u1, u2 = self.coins(2)
        a, b = self.spend(u1), self.spend(u2)
        good = self.block([a, b])
        bad = good.copy()
        bad.txs.append(b)
        self.assertEqual(bad.compute_merkle_root(), good.merkle_root)
        self.assertEqual(bad.hash, good.hash)
        self.reject(bad, 'bad-txns-duplicate', good_after=False)
        self.accept(good)
        # A transaction twice, not at a mutation point: a double spend.
        u = self.coins(1)[0]
        c = self.spend(u)
        self.reject(self.block([c, c]), 'bad-txns-inputs-missingorspent')

    def test_scripts(self):
        self.fund()
        drop_true = bytes([bt.OP_DROP, bt.OP_TRUE])
        outs = self.make_outputs([b'\x00', bt.BARE_OP_TRUE, bt.p2wsh_script(drop_true)])
        (false_out, v0, _), (bare_out, v1, _), (drop_out, v2, _) = outs

        def spend_out(outpoint, value, script_sig=b'', witness=()):
            return Tx([TxIn(outpoint, script_sig, witness=list(witness))],
                      [TxOut(value - 1000, bt.P2WSH_OP_TRUE)])

        u = self.coins(1)[0]
        cases = [
            (spend_out(false_out, v0),
             'Script evaluated without error but finished with a false/empty top stack element'),
            (spend_out(u.outpoint, u.value, witness=[b'\x52']), 'Witness program hash mismatch'),
            (spend_out(u.outpoint, u.value), 'Witness program was passed an empty witness'),
            (spend_out(u.outpoint, u.value, script_sig=b'\x51', witness=[bt.OP_TRUE_SCRIPT]),
             'Witness requires empty scriptSig'),
            (spend_out(bare_out, v1, witness=[b'\x01']), 'Witness provided for non-witness script'),
            (spend_out(drop_out, v2, witness=[bytes(521), drop_true]), 'Push value size limit exceeded'),
            (spend_out(drop_out, v2, witness=[drop_true]), 'Operation not valid with the current stack size'),
            (spend_out(drop_out, v2, witness=[b'', b'', drop_true]), 'Stack size must be exactly one after execution'),
        ]
        for tx, message in cases:
            with self.subTest(message=message):
                bad = self.block([tx])
                self.reject(bad, SCRIPT_FAILED.format(message))
                self.assertEqual(self.tips()[bad.hash]['status'], 'invalid')
        # The outputs spent properly (the OP_0 one cannot be).
        self.accept(self.block([spend_out(bare_out, v1),
                                spend_out(drop_out, v2, witness=[bytes(520), drop_true])]))


class SigopsAndSize(BlockTestCase):
    def test_legacy_sigops(self):
        # Counted in CheckBlock over scriptSigs and scriptPubKeys: at most 20000.
        self.fund()
        for count, op, ok in ((20_001, bt.OP_CHECKSIG, False), (20_001, bt.OP_CHECKSIGVERIFY, False),
                              (1_001, bt.OP_CHECKMULTISIG, False), (1_001, bt.OP_CHECKMULTISIGVERIFY, False),
                              (20_000, bt.OP_CHECKSIG, True)):
            with self.subTest(op=repr(op), count=count):
                u = self.coins(1)[0]
                filler = bytes([op]) * count
                tx = self.spend(u, [TxOut(u.value - 1000, bt.P2WSH_OP_TRUE), TxOut(0, filler)])
                b = self.block([tx])
                if ok:
                    self.assertEqual(b.legacy_sigops(), bt.MAX_BLOCK_LEGACY_SIGOPS)
                    self.accept(b)
                else:
                    self.assertGreater(b.legacy_sigops(), bt.MAX_BLOCK_LEGACY_SIGOPS)
                    self.reject(b, 'bad-blk-sigops')

    def test_sigop_cost(self):
        # Counted in ConnectBlock with witness sigops: at most 80000.
        self.fund()
        s5, s4 = bt.sigops_witness_script(5), bt.sigops_witness_script(4)
        (o5, v5, _), (o4, v4, _) = self.make_outputs([bt.p2wsh_script(s5), bt.p2wsh_script(s4)])
        filler = TxOut(0, bytes([bt.OP_CHECKSIG]) * 19_999)   # 79996
        over = Tx([TxIn(o5, witness=[s5])], [TxOut(v5 - 1000, bt.P2WSH_OP_TRUE), filler])
        self.assertEqual(bt.tx_sigop_cost(over, [bt.p2wsh_script(s5)]), bt.MAX_BLOCK_SIGOPS_COST + 1)
        bad = self.block([over])
        self.reject(bad, 'bad-blk-sigops')
        self.assertEqual(self.tips()[bad.hash]['status'], 'invalid')
        exact = Tx([TxIn(o4, witness=[s4])], [TxOut(v4 - 1000, bt.P2WSH_OP_TRUE), filler])
        self.assertEqual(bt.tx_sigop_cost(exact, [bt.p2wsh_script(s4)]), bt.MAX_BLOCK_SIGOPS_COST)
        self.accept(self.block([exact]))

    def test_size(self):
        # Without witness data a block may be 1,000,000 bytes (weight 4M).
        self.fund(blocks=3, split=0)
        for size, reason in ((1_000_001, 'bad-blk-length'), (1_000_000, None)):
            with self.subTest(size=size):
                h = self.height() + 1
                cb = bt.create_coinbase(h)
                cb.vout.append(TxOut(0, bt.pad_script(1000)))
                b = self.block(coinbase=cb, witness_commitment=False)
                bt.set_block_stripped_size(b, size, tx_index=0, out_index=1)
                b.height = h
                self.assertEqual(b.weight(), 4 * size)
                if reason:
                    self.reject(b, reason)
                else:
                    self.accept(b)

    def test_weight(self):
        # With witness data: stripped size * 3 + total size at most 4,000,000.
        self.fund()
        drop_true = bytes([bt.OP_DROP, bt.OP_TRUE])
        (out, value, _), = self.make_outputs([bt.p2wsh_script(drop_true)])

        def heavy(junk_len):
            spend = Tx([TxIn(out, witness=[bytes(junk_len), drop_true])], [TxOut(value - 1000, bt.P2WSH_OP_TRUE)])
            cb = bt.create_coinbase(self.height() + 1)
            cb.vout.append(TxOut(0, bt.pad_script(1000)))
            return self.block([spend], coinbase=cb)

        b = heavy(300)
        witness_bytes = b.total_size() - b.stripped_size()
        junk = 300 + (bt.MAX_BLOCK_WEIGHT - witness_bytes) % 4
        b = heavy(junk)
        witness_bytes = b.total_size() - b.stripped_size()
        self.assertEqual((bt.MAX_BLOCK_WEIGHT - witness_bytes) % 4, 0)
        bt.set_block_stripped_size(b, (bt.MAX_BLOCK_WEIGHT - witness_bytes) // 4, tx_index=0, out_index=1)
        self.assertEqual(b.weight(), bt.MAX_BLOCK_WEIGHT)
        over = b.copy()
        over.txs[1].vin[0].witness[0] = bytes(junk + 1)
        over.refresh().solve()
        over.height = b.height = self.height() + 1
        self.assertEqual(over.weight(), bt.MAX_BLOCK_WEIGHT + 1)
        self.assertLessEqual(over.stripped_size() * 4, bt.MAX_BLOCK_WEIGHT)
        self.reject(over, 'bad-blk-weight', good_after=False)
        self.accept(b)


class WitnessCommitment(BlockTestCase):
    def test_commitment(self):
        self.fund()
        u = self.coins(1)[0]
        tx = self.spend(u)
        good = self.block([tx])
        self.assertIsNone(good.check_witness_commitment())

        # A witness that does not match the commitment; the header is the
        # good block's, and the good block is accepted after it.
        bad = good.copy()
        bad.txs[1].vin[0].witness = [bt.OP_TRUE_SCRIPT, b'']
        self.assertEqual(bad.hash, good.hash)
        self.assertEqual(bad.check_witness_commitment(), 'bad-witness-merkle-match')
        self.reject(bad, 'bad-witness-merkle-match', good_after=False)
        # The reserved value must be one 32-byte item.
        for wit in ([bytes(32), bytes(32)], [bytes(31)], [bytes(33)]):
            bad = good.copy()
            bad.txs[0].vin[0].witness = wit
            self.assertEqual(bad.hash, good.hash)
            self.reject(bad, 'bad-witness-nonce-size', good_after=False)
        self.accept(good)

        # A commitment to another reserved value is fine when the coinbase
        # carries that value.
        u = self.coins(1)[0]
        b = self.block([self.spend(u)], witness_commitment=False)
        bt.add_witness_commitment(b, reserved_value=b'\x07' * 32)
        b.solve()
        self.accept(b)

        # No commitment: no witness allowed anywhere.
        u = self.coins(1)[0]
        b = self.block([self.spend(u)], witness_commitment=False)
        self.reject(b, 'unexpected-witness')
        (bare, value, _), = self.make_outputs([bt.BARE_OP_TRUE])
        plain = Tx([TxIn(bare)], [TxOut(value - 1000, bt.P2WSH_OP_TRUE)])
        good = self.block([plain], witness_commitment=False)
        bad = good.copy()
        bad.txs[1].vin[0].witness = [b'\x01']
        self.assertEqual(bad.hash, good.hash)
        self.reject(bad, 'unexpected-witness', good_after=False)
        self.accept(good)

        # A commitment, but a coinbase without the reserved value:
        # submitblock adds the 32 zero bytes before checking (as Core's
        # UpdateUncommittedBlockStructures), so the block is accepted and
        # stored with them.
        u = self.coins(1)[0]
        b = self.block([self.spend(u)])
        b.txs[0].vin[0].witness = []
        self.accept(b)
        stored = bt.get_block(self.node, b.hash)
        self.assertEqual(stored.txs[0].vin[0].witness, [bytes(32)])
        self.assertIsNone(stored.check_witness_commitment())

        # The commitment is the last matching output.
        u = self.coins(1)[0]
        b = self.block([self.spend(u)])
        cb = b.txs[0]
        real = cb.vout[1]
        cb.vout[1] = TxOut(0, bt.witness_commitment_script(bytes(32)))
        cb.vout.append(real)
        b.merkle_root = b.compute_merkle_root()
        b.solve()
        self.accept(b)
        b = self.block([self.spend(self.coins(1)[0])])
        b.txs[0].vout.append(TxOut(0, bt.witness_commitment_script(bytes(32))))
        b.merkle_root = b.compute_merkle_root()
        b.solve()
        self.reject(b, 'bad-witness-merkle-match')


class SubmitResults(BlockTestCase):
    def test_results(self):
        node = self.node
        self.fund(blocks=3, split=0)
        # The genesis block and an accepted block are duplicates.
        genesis = node.getblock(bt.REGTEST_GENESIS_HASH, 0)
        self.assertEqual(node.submitblock(genesis), 'duplicate')
        tip = self.tip()
        self.assertEqual(node.submitblock(node.getblock(tip, 0)), 'duplicate')
        # The second argument is ignored (BIP 22's workid).
        b = self.block()
        self.assertIsNone(node.submitblock(b.hex(), 'ignored'))
        self.assertEqual(self.tip(), b.hash)
        # Bytes after the block are ignored, as Core's decoder does.
        b = self.block()
        self.assertIsNone(node.submitblock(b.hex() + 'beef'))
        self.assertEqual(self.tip(), b.hash)

        # A valid block on a branch with no more work than the tip is stored,
        # not connected: "inconclusive".
        parent = node.getblockheader(self.tip())['previousblockhash']
        side = self.block(prev=parent, script_pubkey=bt.BARE_OP_TRUE)     # not the tip's twin
        tip = self.tip()
        self.assertEqual(self.submit(side), 'inconclusive')
        self.assertEqual(self.tip(), tip)
        self.assertEqual(self.tips()[side.hash]['status'], 'valid-headers')
        self.assertEqual(self.submit(side), 'duplicate')
        # One more block on it, and it is the best chain.
        side2 = self.block(prev=side.hash)
        self.assertIsNone(self.submit(side2))
        self.assertEqual(self.tip(), side2.hash)
        self.assertEqual(self.tips()[tip]['status'], 'valid-fork')

        # An invalid block (connect-time rule) is remembered.
        h = self.height() + 1
        bad = self.block(coinbase=bt.create_coinbase(h, value=bt.block_subsidy(h) + 1))
        self.assertEqual(self.submit(bad), 'bad-cb-amount')
        self.assertEqual(self.submit(bad), 'duplicate-invalid')
        self.assertEqual(self.tips()[bad.hash], {'height': h, 'hash': bad.hash, 'branchlen': 1, 'status': 'invalid'})
        self.assertEqual(self.submit(self.block(prev=bad.hash)), 'bad-prevblk')
        # A block rejected by the context-free checks is not remembered.
        b = self.block()
        b.unsolve()
        self.assertEqual(self.submit(b), 'high-hash')
        self.assertEqual(self.submit(b), 'high-hash')
        self.assertNotIn(b.hash, self.tips())
        self.assert_rpc_error(-5, 'Block not found', node.getblockheader, b.hash)
        self.accept(self.block())


class SubmitHeader(BlockTestCase):
    def test_submitheader(self):
        node = self.node
        self.fund(blocks=3, split=0)
        self.assert_rpc_error(-22, 'Block header decode failed', node.submitheader, 'xx' * 80)
        self.assert_rpc_error(-22, 'Block header decode failed', node.submitheader, 'ff' * 78)
        self.assert_rpc_error(-22, 'Block header decode failed', node.submitheader, '')

        orphan = self.orphan()
        prev = bt.hash_to_hex(orphan.prev)
        self.assert_rpc_error(-25, f'Must submit previous header ({prev}) first', node.submitheader,
                              orphan.header_hex())

        b = self.block()
        h = b.height
        self.assertNotIn(b.hash, self.tips())
        self.assertIsNone(node.submitheader(b.header_hex()))
        self.assertEqual(self.tips()[b.hash], {'height': h, 'hash': b.hash, 'branchlen': 1, 'status': 'headers-only'})
        self.assertIsNone(node.submitheader(b.header_hex()))          # again: nothing new
        self.assertIsNone(node.submitheader(b.hex()))                 # a whole block's hex: its header
        self.assertEqual(self.height(), h - 1)
        self.assertEqual(node.getblockchaininfo()['headers'], h)
        header = node.getblockheader(b.hash)
        self.assertEqual((header['height'], header['confirmations']), (h, -1))
        self.assert_rpc_error(-1, 'Block not available (not fully downloaded)', node.getblock, b.hash)

        # Header checks answer as errors.
        bad = self.block()
        bad.unsolve()
        self.assert_rpc_error(-25, 'high-hash', node.submitheader, bad.header_hex())
        mtp = node.getblockheader(self.tip())['mediantime']
        self.assert_rpc_error(-25, 'time-too-old', node.submitheader, self.block(time=mtp).header_hex())
        self.assert_rpc_error(-25, 'time-too-new', node.submitheader,
                              self.block(time=int(time.time()) + 3 * 3600).header_hex())
        self.assert_rpc_error(-25, 'bad-diffbits', node.submitheader, self.block(bits=0x1f7fffff).header_hex())
        self.assert_rpc_error(-25, 'bad-version(0x00000002)', node.submitheader, self.block(version=2).header_hex())

        # The block of a known header is accepted as new.
        self.accept(b)
        self.assertEqual(self.tips()[b.hash]['status'], 'active')

        # A header whose block is known invalid; one on top of it.
        hb = self.height() + 1
        invalid = self.block(coinbase=bt.create_coinbase(hb, value=bt.block_subsidy(hb) + 1))
        self.assertEqual(self.submit(invalid), 'bad-cb-amount')
        self.assert_rpc_error(-25, 'duplicate-invalid', node.submitheader, invalid.header_hex())
        self.assert_rpc_error(-25, 'bad-prevblk', node.submitheader, self.block(prev=invalid.hash).header_hex())

        # A header with a bad merkle root is a fine header; its block is not.
        b = self.block()
        b.merkle_root = bytes(32)
        b.solve()
        self.assertIsNone(node.submitheader(b.header_hex()))
        self.assertEqual(self.tips()[b.hash]['status'], 'headers-only')
        self.assertEqual(self.submit(b), 'bad-txnmrklroot')
        self.assertEqual(self.submit(b), 'bad-txnmrklroot')
        self.assertEqual(self.tips()[b.hash]['status'], 'headers-only')
        self.accept(self.block())

        # A chain of headers, then its blocks in order.
        blocks = []
        prev, t = self.tip(), bt.next_block_time(node)
        for i in range(3):
            nb = bt.create_block(prev, self.height() + 1 + i, time=t + i)
            blocks.append(nb)
            prev = nb.hash
            self.assertIsNone(node.submitheader(nb.header_hex()))
        self.assertEqual(self.tips()[blocks[-1].hash]['status'], 'headers-only')
        self.assertEqual(self.tips()[blocks[-1].hash]['branchlen'], 3)
        for i, nb in enumerate(blocks):
            nb.height = self.height() + 1
            self.accept(nb)


class TemplateBlocks(BlockTestCase):
    def test_block_from_template(self):
        node = self.node
        self.fund()
        self.assert_rpc_error(-8, 'getblocktemplate must be called with the segwit rule set '
                                  '(call with {"rules": ["segwit"]})', node.getblocktemplate, {})
        # An empty template: the coinbase takes the subsidy.
        tmpl = node.getblocktemplate(bt.NORMAL_GBT_REQUEST)
        b = bt.block_from_template(tmpl)
        b.height = tmpl['height']
        self.assertEqual(b.txs[0].vout[0].value, bt.block_subsidy(b.height))
        self.accept(b)
        # With transactions from the mempool (one spending another).
        sent = [self.wallet.send_self_transfer(fee=fee) for fee in (1000, 5000)]
        child = self.wallet.send_self_transfer(utxo=self.wallet.utxos[-1], fee=3000)
        self.assertEqual(child['tx'].vin[0].prevout.txid, sent[1]['txid'])
        tmpl = node.getblocktemplate(bt.NORMAL_GBT_REQUEST)
        self.assertEqual(sorted(t['txid'] for t in tmpl['transactions']),
                         sorted(s['txid'] for s in sent + [child]))
        self.assertEqual(tmpl['coinbasevalue'], bt.block_subsidy(tmpl['height']) + 9000)
        b = bt.block_from_template(tmpl)
        b.height = tmpl['height']
        self.assertIsNone(b.check_witness_commitment())
        # Claiming one satoshi more than the template offers is invalid.
        greedy = b.copy()
        greedy.txs[0].vout[0].value += 1
        greedy.refresh().solve()
        self.reject(greedy, 'bad-cb-amount', good_after=False)
        self.accept(b)
        self.assertEqual(node.getrawmempool(), [])
        stored = bt.get_block(node, b.hash)
        self.assertEqual(stored.serialize(), b.serialize())


if __name__ == '__main__':
    test_framework.main()
