#!/usr/bin/env python3
"""Mempool acceptance as Umkoin Core v31.0 decides it, seen through
testmempoolaccept and sendrawtransaction: the reject reasons (and their
details) for transactions already known, missing inputs, fees below the
minimum relay fee, non-final lock times and BIP 68 sequence locks,
non-standard transactions (version, output scripts, bare multisig, dust,
data carriers, push-only and oversized scriptSigs, sizes), consensus failures
(bad-txns-*), scripts that fail, fee rates above maxfeerate, replacements
(RBF) with and without enough fee, the cluster size limit; and the mempool
RPCs (getmempoolentry, getrawmempool, getmempoolancestors,
getmempooldescendants, getmempoolcluster, getmempoolinfo) on a small
cluster of unconfirmed transactions, with prioritisetransaction's effect on
the modified fees.

Usage: mempool_accept.py --node PATH/TO/umkoin-node
"""
import decimal
import math
import time

import blocktools as bt
import test_framework
from blocktools import OutPoint, Tx, TxIn, TxOut

D = decimal.Decimal
COIN = bt.COIN
MAX_BIP125_RBF_SEQUENCE = 0xfffffffd
MAX_STANDARD_TX_WEIGHT = 400_000
DEFAULT_MIN_RELAY_TX_FEE = 100          # satoshis per 1000 vbytes
DEFAULT_INCREMENTAL_RELAY_FEE = 100
DEFAULT_BYTES_PER_SIGOP = 20
DEFAULT_MAX_RAW_TX_FEE_RATE = D('0.10')  # sendrawtransaction / testmempoolaccept default
# A valid compressed public key (the secp256k1 generator): multisig and P2PK
# templates need well-formed keys; nothing here is ever signed with it.
PUBKEY_G = bytes.fromhex('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798')
PAY_TO_ANCHOR = bytes([bt.OP_1, 2, 0x4e, 0x73])
SEQUENCE_LOCKTIME_DISABLE_FLAG = 1 << 31
SEQUENCE_LOCKTIME_TYPE_FLAG = 1 << 22
FEE_EXCEEDS_MAX = 'Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)'
MAX_BURN_EXCEEDED = 'Unspendable output exceeds maximum configured by user (maxburnamount)'
MEMPOOL_ENTRY_KEYS = ['vsize', 'weight', 'time', 'height', 'descendantcount', 'descendantsize',
                      'ancestorcount', 'ancestorsize', 'wtxid', 'chunkweight', 'fees', 'depends', 'spentby',
                      'bip125-replaceable', 'unbroadcast']
MEMPOOL_INFO_KEYS = ['loaded', 'size', 'bytes', 'usage', 'total_fee', 'maxmempool', 'mempoolminfee',
                     'minrelaytxfee', 'incrementalrelayfee', 'unbroadcastcount', 'fullrbf', 'permitbaremultisig',
                     'maxdatacarriersize', 'limitclustercount', 'limitclustersize', 'optimal']


def multisig_script(k, pubkeys):
    return bt.script(k, *pubkeys, len(pubkeys), bt.OP_CHECKMULTISIG)


def feerate_per_kvb(fee, vsize):
    """CFeeRate(fee, vsize).GetFeePerK() as a coin amount (rounded down)."""
    return bt.amount(fee * 1000 // vsize)


class AcceptTestCase(test_framework.TestCase):
    extra_args = [['-txindex', '-permitbaremultisig=0']]

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.wallet = bt.AnyoneCanSpend(self.node)

    # ---- helpers

    def accept(self, txs, **kwargs):
        """testmempoolaccept of txs (Tx objects or hex); checks each result's
        txid/wtxid and that the mempool did not change; returns the results."""
        hexes = [t if isinstance(t, str) else t.hex() for t in txs]
        before = self.node.getrawmempool()
        res = self.node.testmempoolaccept(hexes, **kwargs)
        self.assertEqual(len(res), len(hexes))
        for r, h in zip(res, hexes):
            tx = Tx.from_hex(h)
            self.assertEqual(r['txid'], tx.txid)
            self.assertEqual(r['wtxid'], tx.wtxid)
        self.assertEqual(sorted(self.node.getrawmempool()), sorted(before))
        return res

    def assert_allowed(self, tx, fee, sigop_cost=0, **kwargs):
        """testmempoolaccept accepts tx alone, paying `fee` satoshis; its
        vsize counts sigop_cost at 20 bytes per sigop when that is more."""
        [r] = self.accept([tx], **kwargs)
        vsize = (max(tx.weight(), sigop_cost * DEFAULT_BYTES_PER_SIGOP) + 3) // 4
        self.assertEqual(r, {'txid': tx.txid, 'wtxid': tx.wtxid, 'allowed': True, 'vsize': vsize,
                             'fees': {'base': bt.amount(fee), 'effective-feerate': feerate_per_kvb(fee, vsize),
                                      'effective-includes': [tx.wtxid]}})

    def assert_rejected(self, tx, reason, details=None, **kwargs):
        """testmempoolaccept rejects tx alone with `reason`; reject-details
        is "<reason>, <details>" (or just the reason) when details is given,
        absent when details is False."""
        [r] = self.accept([tx], **kwargs)
        self.assertFalse(r['allowed'], r)
        self.assertEqual(r['reject-reason'], reason, r)
        self.assertNotIn('vsize', r)
        self.assertNotIn('fees', r)
        if details is False:
            self.assertNotIn('reject-details', r)
        elif details is not None:
            self.assertEqual(r['reject-details'], f'{reason}, {details}' if details else reason)
        return r

    def assert_script_failure(self, tx, error, n=0, **kwargs):
        """testmempoolaccept and sendrawtransaction reject tx because the
        script of input n fails with `error` (ScriptErrorString)."""
        reason = f'mempool-script-verify-flag-failed ({error})'
        prev = tx.vin[n].prevout
        details = f'input {n} of {tx.txid} (wtxid {tx.wtxid}), spending {prev.txid}:{prev.n}'
        self.assert_rejected(tx, reason, details, **kwargs)
        err = self.assert_rpc_error(-26, None, self.node.sendrawtransaction, tx.hex(), 0)
        self.assertEqual(err.message, f'{reason}, {details}')


class Acceptance(AcceptTestCase):
    def test_parameters(self):
        node = self.node
        self.wallet.generate(120)
        info = node.getmempoolinfo()
        self.assertEqual(list(info), MEMPOOL_INFO_KEYS)
        self.assertEqual(info['loaded'], True)
        self.assertEqual(info['size'], 0)
        self.assertEqual(info['bytes'], 0)
        self.assertEqual(info['total_fee'], D('0E-8'))
        self.assertEqual(info['maxmempool'], 300_000_000)
        self.assertEqual(info['mempoolminfee'], bt.amount(DEFAULT_MIN_RELAY_TX_FEE))
        self.assertEqual(info['minrelaytxfee'], bt.amount(DEFAULT_MIN_RELAY_TX_FEE))
        self.assertEqual(info['incrementalrelayfee'], bt.amount(DEFAULT_INCREMENTAL_RELAY_FEE))
        self.assertEqual(info['unbroadcastcount'], 0)
        self.assertIs(info['fullrbf'], True)
        self.assertIs(info['permitbaremultisig'], False)
        self.assertEqual(info['maxdatacarriersize'], 100_000)
        self.assertEqual(info['limitclustercount'], 64)
        self.assertEqual(info['limitclustersize'], 101_000)
        self.assertIs(info['optimal'], True)

        tmpa = node.testmempoolaccept
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type array', tmpa, 'ff00baar')
        self.assert_rpc_error(-8, 'Array must contain between 1 and 25 transactions.', tmpa, ['ff22'] * 26)
        self.assert_rpc_error(-8, 'Array must contain between 1 and 25 transactions.', tmpa, [])
        self.assert_rpc_error(-22, 'TX decode failed', tmpa, ['ff00baar'])
        self.assert_rpc_error(-22, 'TX decode failed', node.sendrawtransaction, 'ff00baar')
        tx = self.wallet.create_self_transfer()
        self.assert_rpc_error(-22, 'TX decode failed', tmpa, [tx.hex() + '00'])
        self.assert_rpc_error(-22, 'TX decode failed', tmpa, [tx.hex()[:-2]])
        self.assert_rpc_error(-8, 'Fee rates larger than or equal to 1UMK/kvB are not accepted', tmpa,
                              [tx.hex()], 1)
        self.assert_rpc_error(-8, 'Fee rates larger than or equal to 1UMK/kvB are not accepted',
                              node.sendrawtransaction, tx.hex(), 1)
        self.assert_rpc_error(-3, 'Amount out of range', tmpa, [tx.hex()], -0.01)
        self.assert_rpc_error(-3, 'Amount out of range', node.sendrawtransaction, tx.hex(), 0, -1)
        self.assert_allowed(tx, self.wallet.fee, maxfeerate=D('0.99'))
        self.assert_allowed(tx, self.wallet.fee, maxfeerate='0.5')

    def test_known_and_missing(self):
        node, w = self.node, self.wallet
        w.generate(120)
        # A transaction confirmed in a block: its outputs are in the UTXO set.
        in_block = w.send_self_transfer(n_outputs=2)
        w.generate(1)
        self.assert_rejected(in_block['tx'], 'txn-already-known', '')
        self.assert_rpc_error(-27, 'Transaction outputs already in utxo set', node.sendrawtransaction,
                              in_block['hex'])

        # Valid, then in the mempool.
        tx0 = w.create_self_transfer(fee=700)
        self.assert_allowed(tx0, 700)
        self.assertEqual(node.sendrawtransaction(tx0.hex()), tx0.txid)
        w.add_outputs(tx0)
        self.assert_rejected(tx0, 'txn-already-in-mempool', '')
        # Sending it again is no error: the txid comes back.
        self.assertEqual(node.sendrawtransaction(tx0.hex()), tx0.txid)
        # Same txid, another witness (an extra stack item): known by txid.
        other_wit = tx0.copy()
        other_wit.vin[0].witness = [b'\x01', bt.OP_TRUE_SCRIPT]
        self.assertEqual(other_wit.txid, tx0.txid)
        self.assertNotEqual(other_wit.wtxid, tx0.wtxid)
        self.assert_rejected(other_wit, 'txn-same-nonwitness-data-in-mempool', '')
        # sendrawtransaction finds the txid in the mempool: no error, the
        # mempool keeps its own witness.
        self.assertEqual(node.sendrawtransaction(other_wit.hex()), tx0.txid)
        self.assertEqual(node.getmempoolentry(tx0.txid)['wtxid'], tx0.wtxid)

        # Missing inputs: an outpoint that never existed ...
        tx = tx0.copy()
        tx.vin[0].prevout = OutPoint('ff' * 32, 14)
        r = self.assert_rejected(tx, 'missing-inputs', False)
        self.assertEqual(list(r), ['txid', 'wtxid', 'allowed', 'reject-reason'])
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', node.sendrawtransaction, tx.hex())
        # ... and outputs that existed once: spend both outputs of in_block
        # in a block, then offer a transaction spending one of them again.
        outs = [bt.Utxo(in_block['txid'], n, in_block['tx'].vout[n].value) for n in (0, 1)]
        spend_both = w.create_spend(outs, [TxOut(in_block['tx'].value_out() - 1000, bt.P2WSH_OP_TRUE)])
        w.utxos = [u for u in w.utxos if u.txid != in_block['txid']]
        again = w.create_self_transfer(utxo=outs[0])
        self.assert_allowed(again, w.fee)
        w.send(spend_both)
        # In the mempool: the outpoint is spent by spend_both; a conflict the
        # replacement rules judge (same fee, smaller: not enough).
        extra = (DEFAULT_INCREMENTAL_RELAY_FEE * again.vsize() + 999) // 1000
        self.assert_rejected(again, 'insufficient fee', f'rejecting replacement {again.txid}, not enough '
                                                        f'additional fees to relay; 0.00 < {_format_money(extra)}')
        w.generate(1)
        self.assert_rejected(again, 'missing-inputs', False)
        self.assert_rejected(in_block['tx'], 'missing-inputs', False)
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', node.sendrawtransaction, in_block['hex'])

    def test_consensus_failures(self):
        node, w = self.node, self.wallet
        w.generate(110)
        utxo = w.get_utxo()
        ref = w.create_self_transfer(utxo=utxo, fee=5_000_000, n_outputs=1)
        ref.vin[0].sequence = bt.SEQUENCE_FINAL
        self.assert_allowed(ref, 5_000_000, maxfeerate=0)

        tx = ref.copy()
        tx.vout = []
        self.assert_rejected(tx, 'bad-txns-vout-empty', '')
        tx = ref.copy()
        tx.vin = [tx.vin[0]] * math.ceil(bt.MAX_BLOCK_WEIGHT // 4 / len(tx.vin[0].serialize()))
        self.assert_rejected(tx, 'bad-txns-oversize', '')
        tx = ref.copy()
        tx.vout[0].value *= -1
        self.assert_rejected(tx, 'bad-txns-vout-negative', '')
        tx = ref.copy()
        tx.vout[0].value = bt.MAX_MONEY + 1
        self.assert_rejected(tx, 'bad-txns-vout-toolarge', '')
        tx = ref.copy()
        tx.vout = [TxOut(bt.MAX_MONEY, bt.P2WSH_OP_TRUE), TxOut(1000, bt.P2WSH_OP_TRUE)]
        self.assert_rejected(tx, 'bad-txns-txouttotal-toolarge', '')
        tx = ref.copy()
        tx.vin = [tx.vin[0], tx.vin[0]]
        self.assert_rejected(tx, 'bad-txns-inputs-duplicate', '')
        self.assert_rpc_error(-26, 'bad-txns-inputs-duplicate', node.sendrawtransaction, tx.hex())
        tx = ref.copy()
        tx.vin.append(TxIn(OutPoint.null()))
        self.assert_rejected(tx, 'bad-txns-prevout-null', '')
        # Outputs worth more than the input.
        tx = ref.copy()
        tx.vout[0].value = utxo.value + 1
        below = f'value in ({_format_money(utxo.value)}) < value out ({_format_money(utxo.value + 1)})'
        self.assert_rejected(tx, 'bad-txns-in-belowout', below)
        err = self.assert_rpc_error(-26, None, node.sendrawtransaction, tx.hex())
        self.assertEqual(err.message, f'bad-txns-in-belowout, {below}')
        # A coinbase is not accepted on its own.
        cb_txid = node.getblock(node.getblockhash(5))['tx'][0]
        cb = Tx.from_hex(node.getrawtransaction(cb_txid))
        self.assert_rejected(cb, 'coinbase', '')
        # (sendrawtransaction looks at the UTXO set first: its outputs are there.)
        self.assert_rpc_error(-27, 'Transaction outputs already in utxo set', node.sendrawtransaction, cb.hex())
        # An immature coinbase (10 confirmations).
        young = w.immature_utxo()
        tx = w.create_self_transfer(utxo=young)
        depth = w.height + 1 - young.height
        self.assert_rejected(tx, 'bad-txns-premature-spend-of-coinbase',
                             f'tried to spend coinbase at depth {depth}')
        err = self.assert_rpc_error(-26, None, node.sendrawtransaction, tx.hex())
        self.assertEqual(err.message, f'bad-txns-premature-spend-of-coinbase, tried to spend coinbase at depth {depth}')

    def test_nonstandard(self):
        node, w = self.node, self.wallet
        w.generate(120)
        utxo = w.get_utxo()
        ref = w.create_self_transfer(utxo=utxo, fee=5_000_000)
        ref.vin[0].sequence = bt.SEQUENCE_FINAL
        self.assert_allowed(ref, 5_000_000, maxfeerate=0)

        def variant(**changes):
            tx = ref.copy()
            for k, v in changes.items():
                setattr(tx, k, v)
            return tx

        self.assert_rejected(variant(version=4), 'version', '')
        self.assert_rejected(variant(version=0), 'version', '')
        self.assert_allowed(variant(version=1), 5_000_000, maxfeerate=0)
        tx = ref.copy()
        tx.vout[0].script_pubkey = bt.script(bt.OP_0)
        self.assert_rejected(tx, 'scriptpubkey', '')
        tx = ref.copy()
        tx.vout[0].script_pubkey = multisig_script(2, [PUBKEY_G] * 3)
        self.assert_rejected(tx, 'bare-multisig', '')
        tx = ref.copy()
        tx.vin[0].script_sig = bytes([bt.OP_HASH160])
        self.assert_rejected(tx, 'scriptsig-not-pushonly', '')
        tx = ref.copy()
        tx.vin[0].script_sig = bt.push_data(b'a' * 1648)     # 1651 bytes > 1650
        self.assert_rejected(tx, 'scriptsig-size', '')
        # Too heavy for policy (100 kB of P2SH outputs).
        burn = TxOut(540, bt.p2sh_script(b'burn'))
        tx = ref.copy()
        tx.vout = [burn] * (100_000 // len(burn.serialize()))
        self.assert_rejected(tx, 'tx-size', '')
        # Dust: a P2SH output below 540 satoshis (dust relay fee 3000/kvB),
        # in a transaction that pays a fee.
        tx = ref.copy()
        tx.vout = [TxOut(539, bt.p2sh_script(b'burn')), TxOut(ref.vout[0].value - 539, bt.P2WSH_OP_TRUE)]
        self.assert_rejected(tx, 'dust', 'tx with dust output must be 0-fee')
        tx.vout = [TxOut(540, bt.p2sh_script(b'burn')), TxOut(ref.vout[0].value - 540, bt.P2WSH_OP_TRUE)]
        self.assert_allowed(tx, 5_000_000, maxfeerate=0)
        # Two dust outputs are non-standard whatever the fee.
        tx = ref.copy()
        tx.vout = [TxOut(1, bt.p2sh_script(b'burn')), TxOut(0, bt.P2WSH_OP_TRUE),
                   TxOut(ref.vout[0].value - 1, bt.P2WSH_OP_TRUE)]
        self.assert_rejected(tx, 'dust', '')
        # OP_RETURN followed by a non-push.
        tx = ref.copy()
        tx.vout[0].script_pubkey = bytes([bt.OP_RETURN, bt.OP_HASH160])
        self.assert_rejected(tx, 'scriptpubkey', '')
        # Several OP_RETURN outputs, one over 520 bytes: standard since v30.
        tx = ref.copy()
        tx.vout += [TxOut(0, bt.script(bt.OP_RETURN, b'\xff')), TxOut(0, bt.script(bt.OP_RETURN, b'\xff' * 50000))]
        self.assert_allowed(tx, 5_000_000, maxfeerate=0)
        # An OP_RETURN output that makes the transaction exactly as heavy as
        # policy allows; one byte more is too much.
        tx = ref.copy()
        tx.vout[0].script_pubkey = bytes([bt.OP_RETURN])
        data_len = MAX_STANDARD_TX_WEIGHT // 4 - tx.vsize() - 5 - 4
        tx.vout[0].script_pubkey = bt.script(bt.OP_RETURN, b'\xff' * data_len)
        self.assertEqual(tx.vsize(), MAX_STANDARD_TX_WEIGHT // 4)
        self.assert_allowed(tx, 5_000_000, maxfeerate=0)
        tx.vout[0].script_pubkey = bt.script(bt.OP_RETURN, b'\xff' * (data_len + 1))
        self.assert_rejected(tx, 'tx-size', '')
        # sendrawtransaction refuses to burn coins unless maxburnamount allows.
        burn_tx = ref.copy()
        burn_tx.vout = [TxOut(100_000, bt.script(bt.OP_RETURN, *[bt.OP_0] * 30)),
                        TxOut(ref.vout[0].value - 100_000, bt.P2WSH_OP_TRUE)]
        self.assert_rpc_error(-25, MAX_BURN_EXCEEDED, node.sendrawtransaction, burn_tx.hex(), 0)
        self.assert_rpc_error(-25, MAX_BURN_EXCEEDED, node.sendrawtransaction, burn_tx.hex(), 0, D('0.00099999'))
        unspendable = ref.copy()
        unspendable.vout = [TxOut(1000, bytes([0xff])), TxOut(ref.vout[0].value - 1000, bt.P2WSH_OP_TRUE)]
        self.assert_rpc_error(-25, MAX_BURN_EXCEEDED, node.sendrawtransaction, unspendable.hex(), 0)
        self.assertEqual(node.sendrawtransaction(burn_tx.hex(), 0, D('0.001')), burn_tx.txid)

    def test_data_carrier_limit(self):
        """-datacarriersize bounds the sum of the OP_RETURN script sizes."""
        node = self.node
        self.stop_nodes()
        node.start(['-datacarriersize=42'])
        node.wait_for_rpc()
        self.assertEqual(node.getmempoolinfo()['maxdatacarriersize'], 42)
        w = self.wallet
        w.generate(120)
        ref = w.create_self_transfer(fee=10_000)
        ok = ref.copy()
        ok.vout.append(TxOut(0, bt.script(bt.OP_RETURN, b'\x00' * 40)))        # 42 bytes
        self.assert_allowed(ok, 10_000)
        over = ref.copy()
        over.vout.append(TxOut(0, bt.script(bt.OP_RETURN, b'\x00' * 41)))      # 43 bytes
        self.assert_rejected(over, 'datacarrier', '')
        two = ref.copy()
        two.vout += [TxOut(0, bt.script(bt.OP_RETURN, b'\x00' * 20))] * 2       # 2 x 22 bytes
        self.assert_rejected(two, 'datacarrier', '')
        self.assert_rpc_error(-26, 'datacarrier', node.sendrawtransaction, two.hex())
        self.stop_nodes()
        node.start(['-datacarrier=0'])
        node.wait_for_rpc()
        self.assertEqual(node.getmempoolinfo()['maxdatacarriersize'], 0)
        tiny = ref.copy()
        tiny.vout.append(TxOut(0, bytes([bt.OP_RETURN])))
        self.assert_rejected(tiny, 'datacarrier', '')

    def test_locks_and_sizes(self):
        node, w = self.node, self.wallet
        w.generate(120)
        fresh = w.send_self_transfer()       # confirmed in the next block
        w.generate(1)
        height = node.getblockcount()
        mtp = node.getblockheader(node.getbestblockhash())['mediantime']
        ref = w.create_self_transfer(utxo=w.get_utxo(), fee=1000)

        # Absolute lock time: by height, then by median time past.
        tx = ref.copy()
        tx.locktime = height + 1
        self.assert_rejected(tx, 'non-final', '')
        self.assert_rpc_error(-26, 'non-final', node.sendrawtransaction, tx.hex())
        tx.locktime = height
        self.assert_allowed(tx, 1000)
        tx.locktime = height + 1
        tx.vin[0].sequence = bt.SEQUENCE_FINAL       # lock time ignored
        self.assert_allowed(tx, 1000)
        tx = ref.copy()
        tx.locktime = mtp
        self.assert_rejected(tx, 'non-final', '')
        tx.locktime = mtp - 1
        self.assert_allowed(tx, 1000)

        # BIP 68: fresh's output has one confirmation.
        spend = w.create_self_transfer(utxo=bt.Utxo(fresh['txid'], 0, fresh['tx'].vout[0].value), fee=1000)
        for seq, ok in ((1, True), (2, False), (SEQUENCE_LOCKTIME_DISABLE_FLAG | 2, True),
                        (SEQUENCE_LOCKTIME_TYPE_FLAG | 1, False), (SEQUENCE_LOCKTIME_TYPE_FLAG, True)):
            tx = spend.copy()
            tx.vin[0].sequence = seq
            if ok:
                self.assert_allowed(tx, 1000)
            else:
                self.assert_rejected(tx, 'non-BIP68-final', '')
                self.assert_rpc_error(-26, 'non-BIP68-final', node.sendrawtransaction, tx.hex())
        tx = spend.copy()
        tx.vin[0].sequence = 2
        tx.version = 1               # no BIP 68 for version 1
        self.assert_allowed(tx, 1000)

        # Sizes: 64 bytes without witness is too small, 65 is enough.
        seed = w.send_to(bt.P2WSH_OP_TRUE, COIN)
        w.generate(1)
        tiny = Tx([TxIn(OutPoint(seed['txid'], 0), b'', bt.SEQUENCE_FINAL, [bt.OP_TRUE_SCRIPT])],
                  [TxOut(0, bytes([bt.OP_RETURN, bt.OP_0, bt.OP_0, bt.OP_0]))])
        self.assertEqual(tiny.stripped_size(), 64)
        self.assert_rejected(tiny, 'tx-size-small', '', maxfeerate=0)
        tiny.vout[0] = TxOut(COIN - 1000, bytes([bt.OP_RETURN, 3]) + b'abc')
        self.assertEqual(tiny.stripped_size(), bt.MIN_STANDARD_TX_NONWITNESS_SIZE)
        self.assert_allowed(tiny, 1000, maxfeerate=0)

    def test_fees(self):
        node, w = self.node, self.wallet
        w.generate(120)
        # Below the minimum relay fee (100 sat/kvB): 0 fee, and 1 satoshi less
        # than vsize/10.
        tx = w.create_self_transfer(fee=0)
        need = (DEFAULT_MIN_RELAY_TX_FEE * tx.vsize() + 999) // 1000
        self.assert_rejected(tx, 'min relay fee not met', f'0 < {need}')
        err = self.assert_rpc_error(-26, None, node.sendrawtransaction, tx.hex())
        self.assertEqual(err.message, f'min relay fee not met, 0 < {need}')
        utxo = w.get_utxo()
        tx = w.create_self_transfer(utxo=utxo, fee=need - 1)
        self.assert_rejected(tx, 'min relay fee not met', f'{need - 1} < {need}')
        tx = w.create_self_transfer(utxo=utxo, fee=need)
        self.assert_allowed(tx, need)

        # maxfeerate caps fee / vsize: 200 satoshis on about 100 vbytes
        # (0.00002 UMK/kvB) passes the default 0.10 but not 0.00001.
        small = w.create_self_transfer(fee=200)
        self.assert_rejected(small, 'max-fee-exceeded', False, maxfeerate=D('0.00001'))
        self.assert_rpc_error(-25, FEE_EXCEEDS_MAX, node.sendrawtransaction, small.hex(), D('0.00001'))
        self.assertEqual(self.accept([small])[0]['allowed'], True)
        self.assertEqual(node.sendrawtransaction(small.hex()), small.txid)
        # At the limit: maxfeerate's fee for the vsize, rounded up, is allowed;
        # one satoshi more is not.
        rate = D('0.00123456')
        utxo = w.get_utxo()
        probe = w.create_self_transfer(utxo=utxo, fee=0)
        limit = -(-bt.to_sats(rate) * probe.vsize() // 1000)
        at = w.create_self_transfer(utxo=utxo, fee=limit)
        self.assertEqual(at.vsize(), probe.vsize())
        self.assert_allowed(at, limit, maxfeerate=rate)
        over = w.create_self_transfer(utxo=utxo, fee=limit + 1)
        self.assert_rejected(over, 'max-fee-exceeded', False, maxfeerate=rate)
        self.assert_rpc_error(-25, FEE_EXCEEDS_MAX, node.sendrawtransaction, over.hex(), rate)
        # Over 0.2 UMK/kvB: above the default 0.10.
        big_fee = int(D('0.2') * COIN) * 115 // 1000
        big = w.create_self_transfer(fee=big_fee)
        self.assertGreater(D(big_fee * 1000) / big.vsize(), DEFAULT_MAX_RAW_TX_FEE_RATE * COIN)
        r = self.assert_rejected(big, 'max-fee-exceeded', False)
        self.assertEqual(list(r), ['txid', 'wtxid', 'allowed', 'reject-reason'])
        self.assert_rpc_error(-25, FEE_EXCEEDS_MAX, node.sendrawtransaction, big.hex())
        self.assert_allowed(big, big_fee, maxfeerate='0.25')
        self.assert_allowed(big, big_fee, maxfeerate=0)
        self.assertEqual(node.sendrawtransaction(big.hex(), '0.25'), big.txid)

    def test_scripts(self):
        node, w = self.node, self.wallet
        w.generate(120)
        # A wrong witness script for P2WSH(OP_TRUE).
        tx = w.create_self_transfer(fee=1000)
        tx.vin[0].witness = [bytes([bt.OP_2])]
        self.assert_script_failure(tx, 'Witness program hash mismatch')
        # A witness script that leaves false on the stack.
        false_spk = bt.p2wsh_script(bytes([bt.OP_0]))
        fund = w.send_to(false_spk, 100_000)
        w.generate(1)
        tx = Tx([TxIn(OutPoint(fund['txid'], 0), b'', 0xfffffffd, [bytes([bt.OP_0])])],
                [TxOut(99_000, bt.P2WSH_OP_TRUE)])
        self.assert_script_failure(tx, 'Script evaluated without error but finished with a false/empty top '
                                       'stack element')
        # A witness with an extra item (stack not clean after the script).
        tx = w.create_self_transfer(fee=1000)
        tx.vin[0].witness = [b'\x01', bt.OP_TRUE_SCRIPT]
        self.assert_script_failure(tx, 'Stack size must be exactly one after execution')
        # A scriptSig on a native witness spend.
        tx = w.create_self_transfer(fee=1000)
        tx.vin[0].script_sig = bt.script(bt.OP_1)
        self.assert_script_failure(tx, 'Witness requires empty scriptSig')

        # Pay-to-anchor: spendable with an empty witness only; not nested in P2SH.
        anchor_value = 10_000
        fund = w.send_to(PAY_TO_ANCHOR, anchor_value)
        w.generate(1)
        spend = Tx([TxIn(OutPoint(fund['txid'], 0), b'', 0xfffffffd, [b'f'])],
                   [TxOut(anchor_value - 700, bt.P2WSH_OP_TRUE)])
        self.assert_rejected(spend, 'bad-witness-nonstandard', '', maxfeerate=0)
        spend.vin[0].witness = []
        self.assertEqual(spend.txid, spend.wtxid)
        self.assert_allowed(spend, 700, maxfeerate=0)
        nested = w.create_self_transfer(fee=1000)
        nested.vout[0].script_pubkey = bt.p2sh_script(PAY_TO_ANCHOR)
        self.assertEqual(len(node.generateblock(bt.P2WSH_OP_TRUE_ADDRESS, [nested.hex()])['hash']), 64)
        w.forget_unconfirmed()
        nested_spend = Tx([TxIn(OutPoint(nested.txid, 0), bt.script(PAY_TO_ANCHOR))],
                          [TxOut(nested.vout[0].value - 700, bt.P2WSH_OP_TRUE)])
        self.assert_script_failure(nested_spend, 'Witness version reserved for soft-fork upgrades', maxfeerate=0)
        # ... but it is valid in a block.
        self.assertIn('hash', node.generateblock(bt.P2WSH_OP_TRUE_ADDRESS, [nested_spend.hex()]))


    def test_input_standardness(self):
        node, w = self.node, self.wallet
        w.generate(120)

        def sigops_script(k):
            """k sigops in a branch never taken, then true."""
            return bytes([bt.OP_0, bt.OP_IF]) + bytes([bt.OP_CHECKSIG]) * k + bytes([bt.OP_ENDIF, bt.OP_1])

        r15, r16, wbig = sigops_script(15), sigops_script(16), sigops_script(3590)
        drop = bytes([bt.OP_DROP, bt.OP_TRUE])
        outs = [TxOut(100_000, bt.BARE_OP_TRUE), TxOut(100_000, bt.p2sh_script(r15)),
                TxOut(100_000, bt.p2sh_script(r16)), TxOut(100_000, bt.segwit_script(2, bytes(32))),
                TxOut(100_000, bt.p2wsh_script(drop))]
        outs += [TxOut(100_000, bt.p2wsh_script(wbig)) for _ in range(5)]
        outs += [TxOut(10_000, bt.p2sh_script(r15)) for _ in range(167)]
        u = w.get_utxo()
        fund = Tx([w.input_for(u)], outs + [TxOut(u.value - sum(o.value for o in outs) - 100_000, bt.P2WSH_OP_TRUE)])
        # Bare OP_TRUE outputs are not standard: mine it ourselves.
        self.assertIn('hash', node.generateblock(bt.P2WSH_OP_TRUE_ADDRESS, [fund.hex()]))
        w.forget_unconfirmed()

        def spend(indexes, script_sig=b'', witness=(), fee=10_000):
            vin = [TxIn(OutPoint(fund.txid, i), script_sig, 0xfffffffd, list(witness)) for i in indexes]
            return Tx(vin, [TxOut(sum(fund.vout[i].value for i in indexes) - fee, bt.P2WSH_OP_TRUE)])

        # Spending a non-standard output, a P2SH script of 16 sigops, an
        # unknown witness version: non-standard inputs.
        self.assert_rejected(spend([0]), 'bad-txns-nonstandard-inputs', '')
        # (15 sigops cost 60, as 1200 weight units: the vsize is 300.)
        self.assert_allowed(spend([1], bt.push_data(r15)), 10_000, sigop_cost=15 * 4)
        self.assert_rejected(spend([2], bt.push_data(r16)), 'bad-txns-nonstandard-inputs', '')
        self.assert_rejected(spend([3], witness=[b'\x01']), 'bad-txns-nonstandard-inputs', '')
        # P2WSH stack items: 80 bytes at most.
        self.assert_allowed(spend([4], witness=[b'\x01' * 80, drop]), 10_000)
        self.assert_rejected(spend([4], witness=[b'\x01' * 81, drop]), 'bad-witness-nonstandard', '')
        # ... and 100 of them at most (the script aside).
        self.assert_rejected(spend([4], witness=[b'\x01'] * 101 + [drop]), 'bad-witness-nonstandard', '')
        # Witness sigops count once each: 5 x 3590 is over 16000.
        self.assert_rejected(spend(range(5, 10), witness=[wbig]), 'bad-txns-too-many-sigops', '17950')
        # BIP 54: at most 2500 legacy sigops in the inputs of a transaction.
        self.assert_rejected(spend(range(10, 177), bt.push_data(r15), fee=100_000),
                             'bad-txns-nonstandard-inputs', '', maxfeerate=0)
        self.assert_allowed(spend(range(10, 176), bt.push_data(r15), fee=100_000), 100_000,
                            sigop_cost=166 * 15 * 4, maxfeerate=0)

    def test_packages_and_truc(self):
        node, w = self.node, self.wallet
        w.generate(120)
        # testmempoolaccept of a parent and its child.
        parent = w.create_self_transfer(fee=1000)
        child = w.create_self_transfer(utxo=bt.Utxo(parent.txid, 0, parent.vout[0].value), fee=5000)
        res = self.accept([parent, child])
        self.assertEqual([r['allowed'] for r in res], [True, True])
        self.assertEqual(res[1]['fees']['base'], bt.amount(5000))
        self.assertEqual(res[1]['fees']['effective-includes'], [child.wtxid])
        for txs, error in (([child, parent], 'package-not-sorted'), ([parent, parent], 'package-contains-duplicates')):
            res = self.accept(txs)
            self.assertEqual([list(r) for r in res], [['txid', 'wtxid', 'package-error']] * 2)
            self.assertEqual({r['package-error'] for r in res}, {error})
        prev = parent.vin[0].prevout
        rival = w.create_self_transfer(utxo=bt.Utxo(prev.txid, prev.n, parent.value_out() + 1000), fee=2000)
        self.assertEqual(rival.vin[0].prevout, parent.vin[0].prevout)
        self.assertEqual({r['package-error'] for r in self.accept([parent, rival])}, {'conflict-in-package'})

        # TRUC (version 3).
        v3 = w.create_self_transfer(fee=1000, version=3, n_outputs=2)
        node.sendrawtransaction(v3.hex())
        v3_child = w.create_self_transfer(utxo=bt.Utxo(v3.txid, 0, v3.vout[0].value), fee=1000, version=3)
        self.assert_allowed(v3_child, 1000)
        v2 = w.create_self_transfer(fee=1000)
        node.sendrawtransaction(v2.hex())
        tx = w.create_self_transfer(utxo=bt.Utxo(v2.txid, 0, v2.vout[0].value), fee=1000, version=3)
        self.assert_rejected(tx, 'TRUC-violation', f'version=3 tx {tx.txid} (wtxid={tx.wtxid}) cannot spend from '
                                                   f'non-version=3 tx {v2.txid} (wtxid={v2.wtxid})')
        tx = w.create_self_transfer(utxo=bt.Utxo(v3.txid, 0, v3.vout[0].value), fee=1000, version=2)
        self.assert_rejected(tx, 'TRUC-violation', f'non-version=3 tx {tx.txid} (wtxid={tx.wtxid}) cannot spend '
                                                   f'from version=3 tx {v3.txid} (wtxid={v3.wtxid})')
        pad = TxOut(0, bt.script(bt.OP_RETURN, b'\x00' * 10_000))
        tx = w.create_self_transfer(fee=20_000, version=3, extra_outputs=[pad])
        self.assert_rejected(tx, 'TRUC-violation', f'version=3 tx {tx.txid} (wtxid={tx.wtxid}) is too big: '
                                                   f'{tx.vsize()} > 10000 virtual bytes')
        pad = TxOut(0, bt.script(bt.OP_RETURN, b'\x00' * 1000))
        tx = w.create_self_transfer(utxo=bt.Utxo(v3.txid, 0, v3.vout[0].value), fee=20_000, version=3,
                                    extra_outputs=[pad])
        self.assert_rejected(tx, 'TRUC-violation', f'version=3 child tx {tx.txid} (wtxid={tx.wtxid}) is too big: '
                                                   f'{tx.vsize()} > 1000 virtual bytes')
        node.sendrawtransaction(v3_child.hex())
        grandchild = w.create_self_transfer(utxo=bt.Utxo(v3_child.txid, 0, v3_child.vout[0].value), fee=1000,
                                            version=3)
        self.assert_rejected(grandchild, 'TRUC-violation', f'tx {grandchild.txid} (wtxid={grandchild.wtxid}) '
                                                           f'would have too many ancestors')
        # A second child replaces the first (sibling eviction) if it pays for it.
        sibling = w.create_self_transfer(utxo=bt.Utxo(v3.txid, 1, v3.vout[1].value), fee=1000, version=3)
        self.assert_rejected(sibling, 'insufficient fee (including sibling eviction)',
                             f'rejecting replacement {sibling.txid}, not enough additional fees to relay; '
                             f'0.00 < {_format_money((DEFAULT_INCREMENTAL_RELAY_FEE * sibling.vsize() + 999) // 1000)}')
        sibling = w.create_self_transfer(utxo=bt.Utxo(v3.txid, 1, v3.vout[1].value), fee=5000, version=3)
        self.assert_allowed(sibling, 5000)
        self.assertEqual(node.sendrawtransaction(sibling.hex()), sibling.txid)
        self.assertNotIn(v3_child.txid, node.getrawmempool())
        self.assertEqual(node.getmempoolentry(v3.txid)['spentby'], [sibling.txid])

class Replacement(AcceptTestCase):
    def test_rbf(self):
        node, w = self.node, self.wallet
        w.generate(120)
        utxo = w.get_utxo()
        orig = w.create_self_transfer(utxo=utxo, fee=1000)
        self.assertEqual(node.sendrawtransaction(orig.hex()), orig.txid)
        # Same fee: not enough (rule 3 needs >=, rule 4 the relay fee on top).
        same = w.create_self_transfer(utxo=utxo, fee=1000, n_outputs=1)
        same.vout[0].script_pubkey = bt.p2wsh_script(bytes([bt.OP_TRUE, bt.OP_TRUE, bt.OP_DROP]))
        self.assertEqual(same.vsize(), orig.vsize())
        extra = (DEFAULT_INCREMENTAL_RELAY_FEE * same.vsize() + 999) // 1000
        self.assert_rejected(same, 'insufficient fee',
                             f'rejecting replacement {same.txid}, not enough additional fees to relay; '
                             f'0.00 < {_format_money(extra)}')
        # Less fee.
        less = w.create_self_transfer(utxo=utxo, fee=999)
        self.assert_rejected(less, 'insufficient fee',
                             f'rejecting replacement {less.txid}, less fees than conflicting txs; '
                             f'{_format_money(999)} < {_format_money(1000)}')
        err = self.assert_rpc_error(-26, None, node.sendrawtransaction, less.hex())
        self.assertEqual(err.message, f'insufficient fee, rejecting replacement {less.txid}, less fees than '
                                      f'conflicting txs; {_format_money(999)} < {_format_money(1000)}')
        # One satoshi short of the incremental relay fee on top.
        short = w.create_self_transfer(utxo=utxo, fee=1000 + extra - 1)
        self.assert_rejected(short, 'insufficient fee',
                             f'rejecting replacement {short.txid}, not enough additional fees to relay; '
                             f'{_format_money(extra - 1)} < {_format_money(extra)}')
        # Enough: accepted, and sent it replaces orig.
        enough = w.create_self_transfer(utxo=utxo, fee=1000 + extra)
        self.assert_allowed(enough, 1000 + extra)
        double = w.create_self_transfer(utxo=utxo, fee=2000)
        self.assert_allowed(double, 2000)
        self.assertEqual(node.sendrawtransaction(double.hex()), double.txid)
        self.assertEqual(node.getrawmempool(), [double.txid])
        self.assert_rpc_error(-5, 'Transaction not in mempool', node.getmempoolentry, orig.txid)
        # The replaced transaction now conflicts with a better one.
        self.assert_rejected(orig, 'insufficient fee', f'rejecting replacement {orig.txid}, less fees than '
                                                       f'conflicting txs; 0.00001 < 0.00002')
        # A non-signalling original (sequence final) is replaceable too (full RBF).
        utxo2 = w.get_utxo()
        final = w.create_self_transfer(utxo=utxo2, fee=1000)
        final.vin[0].sequence = bt.SEQUENCE_FINAL
        node.sendrawtransaction(final.hex())
        self.assertIs(node.getmempoolentry(final.txid)['bip125-replaceable'], False)
        repl = w.create_self_transfer(utxo=utxo2, fee=3000)
        self.assertEqual(node.sendrawtransaction(repl.hex()), repl.txid)
        self.assertEqual(sorted(node.getrawmempool()), sorted([double.txid, repl.txid]))

        # Replacing a parent also evicts its children, whose fees count.
        utxo3 = w.get_utxo()
        parent = w.create_self_transfer(utxo=utxo3, fee=1000)
        node.sendrawtransaction(parent.hex())
        child = w.create_self_transfer(utxo=bt.Utxo(parent.txid, 0, parent.vout[0].value), fee=5000)
        node.sendrawtransaction(child.hex())
        r = self.assert_rejected(w.create_self_transfer(utxo=utxo3, fee=5999), 'insufficient fee')
        self.assertIn('less fees than conflicting txs; 0.00005999 < 0.00006', r['reject-details'])
        big = w.create_self_transfer(utxo=utxo3, fee=10_000)
        node.sendrawtransaction(big.hex())
        mempool = node.getrawmempool()
        self.assertIn(big.txid, mempool)
        self.assertNotIn(parent.txid, mempool)
        self.assertNotIn(child.txid, mempool)

    def test_cluster_limit(self):
        node, w = self.node, self.wallet
        w.generate(120)
        utxo = w.get_utxo()
        chain = []
        for _ in range(64):
            sent = w.send_self_transfer(utxo=utxo, fee=200)
            chain.append(sent['txid'])
            utxo = bt.Utxo(sent['txid'], 0, sent['tx'].vout[0].value)
        self.assertEqual(node.getmempoolinfo()['size'], 64)
        self.assertEqual(node.getmempoolentry(chain[-1])['ancestorcount'], 64)
        self.assertEqual(node.getmempoolentry(chain[0])['descendantcount'], 64)
        tx = w.create_self_transfer(utxo=utxo, fee=200)
        self.assert_rejected(tx, 'too-large-cluster', '')
        self.assert_rpc_error(-26, 'too-large-cluster', node.sendrawtransaction, tx.hex())
        cluster = node.getmempoolcluster(chain[10])
        self.assertEqual(cluster['txcount'], 64)


def _format_money(sats):
    """FormatMoney: at least two decimals, trailing zeros trimmed."""
    s = f'{sats // COIN}.{sats % COIN:08d}'
    whole, frac = s.split('.')
    frac = frac.rstrip('0')
    if len(frac) < 2:
        frac = frac.ljust(2, '0')
    return f'{whole}.{frac}'


class MempoolRpcs(AcceptTestCase):
    def entry_checks(self, node, txid, tx, fee, height, t0, t1):
        e = node.getmempoolentry(txid)
        self.assertEqual(list(e), MEMPOOL_ENTRY_KEYS)
        self.assertEqual(e['vsize'], tx.vsize())
        self.assertEqual(e['weight'], tx.weight())
        self.assertEqual(e['wtxid'], tx.wtxid)
        self.assertEqual(e['height'], height)
        self.assertTrue(t0 <= e['time'] <= t1, (t0, e['time'], t1))
        self.assertEqual(e['fees']['base'], bt.amount(fee))
        return e

    def test_small_cluster(self):
        node, w = self.node, self.wallet
        w.generate(120)
        height = node.getblockcount()
        t0 = int(time.time())
        # A -> B -> C, and D on its own. B pays more than A (so A and B form
        # one chunk), C less.
        a = w.send_self_transfer(fee=1000, n_outputs=2)
        b = w.send_self_transfer(utxo=bt.Utxo(a['txid'], 0, a['tx'].vout[0].value), fee=3000)
        c = w.send_self_transfer(utxo=bt.Utxo(b['txid'], 0, b['tx'].vout[0].value), fee=500)
        d = w.send_self_transfer(fee=1500)
        t1 = int(time.time()) + 1
        txs = {x['txid']: x for x in (a, b, c, d)}
        va, vb, vc, vd = (x['tx'].vsize() for x in (a, b, c, d))
        wa, wb, wc, wd = (x['tx'].weight() for x in (a, b, c, d))

        ea = self.entry_checks(node, a['txid'], a['tx'], 1000, height, t0, t1)
        eb = self.entry_checks(node, b['txid'], b['tx'], 3000, height, t0, t1)
        ec = self.entry_checks(node, c['txid'], c['tx'], 500, height, t0, t1)
        ed = self.entry_checks(node, d['txid'], d['tx'], 1500, height, t0, t1)
        amt = bt.amount
        self.assertEqual((ea['ancestorcount'], ea['ancestorsize'], ea['descendantcount'], ea['descendantsize']),
                         (1, va, 3, va + vb + vc))
        self.assertEqual((eb['ancestorcount'], eb['ancestorsize'], eb['descendantcount'], eb['descendantsize']),
                         (2, va + vb, 2, vb + vc))
        self.assertEqual((ec['ancestorcount'], ec['ancestorsize'], ec['descendantcount'], ec['descendantsize']),
                         (3, va + vb + vc, 1, vc))
        self.assertEqual((ed['ancestorcount'], ed['descendantcount']), (1, 1))
        self.assertEqual(ea['fees'], {'base': amt(1000), 'modified': amt(1000), 'ancestor': amt(1000),
                                      'descendant': amt(4500), 'chunk': amt(4000)})
        self.assertEqual(eb['fees'], {'base': amt(3000), 'modified': amt(3000), 'ancestor': amt(4000),
                                      'descendant': amt(3500), 'chunk': amt(4000)})
        self.assertEqual(ec['fees'], {'base': amt(500), 'modified': amt(500), 'ancestor': amt(4500),
                                      'descendant': amt(500), 'chunk': amt(500)})
        self.assertEqual(ed['fees']['chunk'], amt(1500))
        self.assertEqual((ea['chunkweight'], eb['chunkweight'], ec['chunkweight'], ed['chunkweight']),
                         (wa + wb, wa + wb, wc, wd))
        self.assertEqual((ea['depends'], ea['spentby']), ([], [b['txid']]))
        self.assertEqual((eb['depends'], eb['spentby']), ([a['txid']], [c['txid']]))
        self.assertEqual((ec['depends'], ec['spentby']), ([b['txid']], []))
        for e in (ea, eb, ec):
            self.assertIs(e['bip125-replaceable'], True)
        # Sent by RPC and never announced to a peer.
        self.assertIs(ea['unbroadcast'], True)

        # getrawmempool: the txids; verbose: the entries; with the sequence.
        self.assertEqual(sorted(node.getrawmempool()), sorted(txs))
        verbose = node.getrawmempool(True)
        self.assertEqual(sorted(verbose), sorted(txs))
        for txid, e in verbose.items():
            self.assertEqual(e, node.getmempoolentry(txid))
        seq = node.getrawmempool(False, True)
        self.assertEqual(list(seq), ['txids', 'mempool_sequence'])
        self.assertEqual(sorted(seq['txids']), sorted(txs))
        self.assertIsInstance(seq['mempool_sequence'], int)
        self.assert_rpc_error(-8, 'Verbose results cannot contain mempool sequence values.',
                              node.getrawmempool, True, True)

        # Ancestors and descendants.
        self.assertEqual(node.getmempoolancestors(a['txid']), [])
        self.assertEqual(sorted(node.getmempoolancestors(c['txid'])), sorted([a['txid'], b['txid']]))
        self.assertEqual(node.getmempoolancestors(c['txid'], True),
                         {a['txid']: node.getmempoolentry(a['txid']), b['txid']: node.getmempoolentry(b['txid'])})
        self.assertEqual(sorted(node.getmempooldescendants(a['txid'])), sorted([b['txid'], c['txid']]))
        self.assertEqual(node.getmempooldescendants(b['txid'], True), {c['txid']: node.getmempoolentry(c['txid'])})
        self.assertEqual(node.getmempooldescendants(d['txid']), [])
        cluster = node.getmempoolcluster(b['txid'])
        self.assertEqual(cluster, {'clusterweight': wa + wb + wc, 'txcount': 3,
                                   'chunks': [{'chunkfee': amt(4000), 'chunkweight': wa + wb,
                                               'txs': [a['txid'], b['txid']]},
                                              {'chunkfee': amt(500), 'chunkweight': wc, 'txs': [c['txid']]}]})
        missing = 'ab' * 32
        for rpc in (node.getmempoolentry, node.getmempoolancestors, node.getmempooldescendants,
                    node.getmempoolcluster):
            self.assert_rpc_error(-5, 'Transaction not in mempool', rpc, missing)
        self.assert_rpc_error(-8, "txid must be of length 64 (not 3, for 'abc')", node.getmempoolentry, 'abc')

        info = node.getmempoolinfo()
        self.assertEqual(info['size'], 4)
        self.assertEqual(info['bytes'], va + vb + vc + vd)
        self.assertEqual(info['total_fee'], amt(6000))
        self.assertGreater(info['usage'], 0)
        self.assertEqual(info['unbroadcastcount'], 4)

        # prioritisetransaction: modified, ancestor, descendant and chunk fees
        # move; base fees and total_fee do not.
        self.assert_rpc_error(-8, 'Priority is no longer supported, dummy argument to prioritisetransaction '
                                  'must be 0.', node.prioritisetransaction, c['txid'], 1, 1000)
        self.assertIs(node.prioritisetransaction(c['txid'], 0, 10_000), True)
        self.assertIs(node.prioritisetransaction(txid=c['txid'], fee_delta=-500), True)
        ec = node.getmempoolentry(c['txid'])
        self.assertEqual(ec['fees'], {'base': amt(500), 'modified': amt(10_000), 'ancestor': amt(14_000),
                                      'descendant': amt(10_000), 'chunk': amt(14_000)})
        ea = node.getmempoolentry(a['txid'])
        self.assertEqual(ea['fees']['descendant'], amt(14_000))
        self.assertEqual(ea['chunkweight'], wa + wb + wc)
        self.assertEqual(node.getmempoolinfo()['total_fee'], amt(6000))
        self.assertEqual(node.getprioritisedtransactions(),
                         {c['txid']: {'fee_delta': 9500, 'in_mempool': True, 'modified_fee': 10_000}})

        # A delta for a transaction not in the mempool yet is kept, and applies
        # when it arrives; a negative one can push it under the relay fee.
        e = w.create_self_transfer(fee=2000)
        self.assertIs(node.prioritisetransaction(e.txid, None, 3000), True)
        self.assertEqual(node.getprioritisedtransactions()[e.txid], {'fee_delta': 3000, 'in_mempool': False})
        node.sendrawtransaction(e.hex())
        self.assertEqual(node.getmempoolentry(e.txid)['fees']['modified'], amt(5000))
        f = w.create_self_transfer(fee=2000)
        node.prioritisetransaction(f.txid, 0, -2000)
        self.assert_rejected(f, 'min relay fee not met', f'0 < {(100 * f.vsize() + 999) // 1000}')

        # Mining a block takes the transactions out (deltas of mined ones go).
        w.generate(1)
        self.assertEqual(node.getrawmempool(), [])
        self.assertEqual(node.getmempoolinfo()['size'], 0)
        self.assertEqual(node.getprioritisedtransactions(), {f.txid: {'fee_delta': -2000, 'in_mempool': False}})


if __name__ == '__main__':
    test_framework.main()
