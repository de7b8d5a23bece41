#!/usr/bin/env python3
"""The raw-transaction RPCs as Umkoin Core v31.0 answers them:
createrawtransaction (inputs, outputs as object or array, data outputs,
locktime, replaceable, version, and its errors), signrawtransactionwithkey
(P2WPKH, P2PKH, P2SH-P2WPKH, bare, P2SH and P2WSH multisig; sighash types;
prevtxs; partial signatures and their errors), combinerawtransaction,
sendrawtransaction, getrawtransaction (verbosity 0/1/2, with and without
-txindex, with a block hash, in_active_chain, the genesis coinbase),
decoderawtransaction and decodescript.

Keys are made here (a small secp256k1 in blocktools derives the public keys);
the node signs. Signatures are deterministic (RFC 6979 with low-R grinding):
for transactions that spend made-up outpoints (described in prevtxs) the
signed hex must be exactly what Umkoin Core v31.0 produces (tests/functional
keeps those hexes below).

Usage: rpc_rawtransaction.py --node PATH/TO/umkoin-node
"""
import collections
import decimal
import json

import blocktools as bt
import test_framework
from blocktools import OutPoint, Tx, TxIn, TxOut

D = decimal.Decimal
TXID = '1d1d4e24ed99057e84c3f80fd8fbec79ed9e1acee37da269356ecea000000000'
NO_TX_NO_INDEX = ('No such mempool transaction. Use -txindex or provide a block hash to enable blockchain '
                  'transaction queries. Use gettransaction for wallet transactions.')
NO_TX_INDEX = 'No such mempool or blockchain transaction. Use gettransaction for wallet transactions.'
NOT_IN_BLOCK = 'No such transaction found in the provided block. Use gettransaction for wallet transactions.'
TX_FIELDS = ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime', 'vin', 'vout']
SIGHASH_TYPES = ['ALL', 'NONE', 'SINGLE', 'ALL|ANYONECANPAY', 'NONE|ANYONECANPAY', 'SINGLE|ANYONECANPAY']
SIGHASH_BYTE = {'ALL': 1, 'NONE': 2, 'SINGLE': 3, 'ALL|ANYONECANPAY': 0x81, 'NONE|ANYONECANPAY': 0x82,
                'SINGLE|ANYONECANPAY': 0x83}


class Key:
    def __init__(self, label, compressed=True):
        self.secret = int.from_bytes(bt.sha256(label.encode()), 'big') % bt.SECP256K1_N
        self.pubkey = bt.ec_pubkey(self.secret, compressed)
        self.wif = bt.wif_encode(self.secret, compressed)


KEYS = [Key(f'h9 key {i}') for i in range(6)]
UNCOMPRESSED = Key('h9 uncompressed key', compressed=False)


class multidict(dict):
    """A dict that json.dumps writes with repeated keys (json.dumps iterates
    items()); for outputs objects with a key twice."""

    def __init__(self, pairs):
        super().__init__(pairs)
        self._pairs = pairs

    def items(self):
        return self._pairs

    def __len__(self):
        return len(self._pairs)


def to_json(obj):
    if isinstance(obj, multidict):
        return '{' + ', '.join(f'{json.dumps(k)}: {to_json(v)}' for k, v in obj.items()) + '}'
    return json.dumps(obj, default=str)


def asm_push(data):
    """How asm shows a push: hex, or a number for up to 4 bytes."""
    if len(data) <= 4:
        return str(bt.decode_script_num(data))
    return data.hex()


def sig_asm(sig):
    """A signature in a scriptSig's asm: DER hex then the sighash name."""
    names = {1: 'ALL', 2: 'NONE', 3: 'SINGLE', 0x81: 'ALL|ANYONECANPAY', 0x82: 'NONE|ANYONECANPAY',
             0x83: 'SINGLE|ANYONECANPAY'}
    return f'{sig[:-1].hex()}[{names[sig[-1]]}]'


def is_low_r_der(sig):
    """DER, R at most 32 bytes without padding (low R), S low."""
    if sig[0] != 0x30 or sig[1] != len(sig) - 2 or sig[2] != 2:
        return False
    rlen = sig[3]
    r = sig[4:4 + rlen]
    if sig[4 + rlen] != 2:
        return False
    s = sig[6 + rlen:6 + rlen + sig[5 + rlen]]
    return rlen <= 32 and r[0] < 0x80 and int.from_bytes(s, 'big') <= bt.SECP256K1_N // 2


class RawTransactionTest(test_framework.TestCase):
    num_nodes = 2
    extra_args = [['-txindex'], []]

    def setUp(self):
        super().setUp()
        self.n0, self.n1 = self.nodes
        self.wallet = bt.AnyoneCanSpend(self.n0)

    def sync(self):
        bt.sync_blocks(self.n0, self.n1)
        self.assertEqual(self.n1.getbestblockhash(), self.n0.getbestblockhash())

    def create(self, node, *args, **kwargs):
        """createrawtransaction with the params sent as JSON we write
        ourselves (so multidict outputs keep their repeated keys)."""
        if kwargs or not any(isinstance(a, multidict) for a in args):
            return node.createrawtransaction(*args, **kwargs)
        body = '{"jsonrpc": "2.0", "id": 1, "method": "createrawtransaction", "params": [%s]}' % (
            ', '.join(to_json(a) for a in args))
        status, _, reply = node.http(body=body, headers={'Content-Type': 'application/json'})
        reply = json.loads(reply, parse_float=D)
        if reply.get('error'):
            raise test_framework.RPCError(reply['error']['code'], reply['error']['message'], status)
        return reply['result']

    # ---------------------------------------------------------------- getrawtransaction

    def test_getrawtransaction(self):
        n0, n1, w = self.n0, self.n1, self.wallet
        w.generate(101)
        sent = w.send_self_transfer()
        # In the mempool: found without an index; no block fields.
        for node_verbose in (0, False):
            self.assertEqual(n0.getrawtransaction(sent['txid'], node_verbose), sent['hex'])
        v1 = n0.getrawtransaction(sent['txid'], 1)
        self.assertEqual(list(v1), TX_FIELDS + ['hex'])
        self.assertNotIn('fee', n0.getrawtransaction(sent['txid'], 2))
        w.generate(1)
        self.sync()
        txid = sent['txid']
        # With -txindex.
        self.assertEqual(n0.getrawtransaction(txid), sent['hex'])
        self.assertEqual(n0.getrawtransaction(txid, 0), sent['hex'])
        self.assertEqual(n0.getrawtransaction(txid, False), sent['hex'])
        for v in (1, 2, True):
            self.assertEqual(n0.getrawtransaction(txid, v)['hex'], sent['hex'])
        self.assertEqual(n0.getrawtransaction(txid=txid, verbosity=1)['hex'], sent['hex'])
        self.assertEqual(n0.getrawtransaction(txid=txid, verbose=True)['hex'], sent['hex'])
        # Without it.
        for v in (None, 0, False, 1, True):
            self.assert_rpc_error(-5, NO_TX_NO_INDEX, n1.getrawtransaction, txid, v)
        self.assert_rpc_error(-5, NO_TX_INDEX, n0.getrawtransaction, 'ab' * 32)
        for node in self.nodes:
            for value in ('True', 'False'):
                self.assert_rpc_error(-3, 'not of expected type number', node.getrawtransaction, txid=txid,
                                      verbose=value)
                self.assert_rpc_error(-3, 'not of expected type number', node.getrawtransaction, txid=txid,
                                      verbosity=value)
            self.assert_rpc_error(-3, 'not of expected type number', node.getrawtransaction, txid, [])
            self.assert_rpc_error(-3, 'not of expected type number', node.getrawtransaction, txid, {})
            self.assert_rpc_error(-8, "parameter 1 must be of length 64 (not 3, for 'abc')",
                                  node.getrawtransaction, 'abc')

        # With a block hash, on both nodes.
        sent = w.send_self_transfer()
        block1, block2 = w.generate(2)
        self.sync()
        tx = sent['txid']
        bad = 'ZZZ' + '0' * 61
        for node in self.nodes:
            got = node.getrawtransaction(txid=tx, verbose=True, blockhash=block1)
            self.assertEqual(got['txid'], tx)
            self.assertIs(got['in_active_chain'], True)
            self.assertEqual(list(got)[0], 'in_active_chain')
            self.assertEqual(node.getrawtransaction(tx, 0, block1), sent['hex'])
            self.assert_rpc_error(-5, NOT_IN_BLOCK, node.getrawtransaction, txid=tx, blockhash=block2)
            self.assert_rpc_error(-3, 'JSON value of type bool is not of expected type string',
                                  node.getrawtransaction, txid=tx, blockhash=True)
            self.assert_rpc_error(-8, "parameter 3 must be of length 64 (not 6, for 'foobar')",
                                  node.getrawtransaction, txid=tx, blockhash='foobar')
            self.assert_rpc_error(-8, "parameter 3 must be of length 64 (not 8, for 'abcd1234')",
                                  node.getrawtransaction, txid=tx, blockhash='abcd1234')
            self.assert_rpc_error(-8, f"parameter 3 must be hexadecimal string (not '{bad}')",
                                  node.getrawtransaction, txid=tx, blockhash=bad)
            self.assert_rpc_error(-5, 'Block hash not found', node.getrawtransaction, txid=tx, blockhash='00' * 32)
            # Off the active chain: still found, in_active_chain false.
            node.invalidateblock(block1)
            got = node.getrawtransaction(txid=tx, verbose=True, blockhash=block1)
            self.assertIs(got['in_active_chain'], False)
            self.assertEqual(got['confirmations'], 0)
            node.reconsiderblock(block1)
            self.assertEqual(node.getbestblockhash(), block2)
        for v in (1, 2):
            got = n0.getrawtransaction(txid=tx, verbosity=v)
            self.assertEqual(got['txid'], tx)
            self.assertNotIn('in_active_chain', got)
            self.assertEqual(got['blockhash'], block1)
            self.assertEqual(got['confirmations'], 2)
        self.assert_rpc_error(-5, NO_TX_NO_INDEX, n1.getrawtransaction, txid=tx, verbose=True)

        genesis = n0.getblock(n0.getblockhash(0))
        for node in self.nodes:
            self.assert_rpc_error(-5, 'The genesis block coinbase is not considered an ordinary transaction and '
                                      'cannot be retrieved', node.getrawtransaction, genesis['merkleroot'])

    def test_verbosity(self):
        n0, n1, w = self.n0, self.n1, self.wallet
        w.generate(101)
        sent = w.send_self_transfer(n_outputs=2)
        block = w.generate(1)[0]
        self.sync()
        header = n0.getblockheader(block)
        decoded = n0.decoderawtransaction(sent['hex'])
        self.assertEqual(list(decoded), TX_FIELDS)
        block_fields = {'blockhash': block, 'confirmations': 1, 'time': header['time'],
                        'blocktime': header['time']}
        v1 = n0.getrawtransaction(sent['txid'], 1)
        self.assertEqual(list(v1), TX_FIELDS + ['hex', 'blockhash', 'confirmations', 'time', 'blocktime'])
        self.assertEqual(v1, {**decoded, 'hex': sent['hex'], **block_fields})
        for node in self.nodes:
            v1b = node.getrawtransaction(sent['txid'], 1, block)
            self.assertEqual(v1b, {'in_active_chain': True, **v1})
            self.assertEqual(list(v1b)[1:], list(v1))
        # Verbosity 2: the fee and each input's prevout.
        v2 = n0.getrawtransaction(sent['txid'], 2)
        self.assertEqual(list(v2), TX_FIELDS + ['fee', 'hex', 'blockhash', 'confirmations', 'time', 'blocktime'])
        self.assertEqual(v2['fee'], bt.amount(w.fee))
        spent = sent['spent']
        prevout = v2['vin'][0]['prevout']
        self.assertEqual(list(v2['vin'][0]), ['txid', 'vout', 'scriptSig', 'txinwitness', 'prevout', 'sequence'])
        self.assertEqual(prevout, {'generated': True, 'height': spent.height, 'value': bt.amount(spent.value),
                                   'scriptPubKey': {
                                       'asm': '0 ' + bt.P2WSH_OP_TRUE[2:].hex(),
                                       'desc': bt.with_checksum(f'addr({bt.P2WSH_OP_TRUE_ADDRESS})'),
                                       'hex': bt.P2WSH_OP_TRUE.hex(),
                                       'address': bt.P2WSH_OP_TRUE_ADDRESS,
                                       'type': 'witness_v0_scripthash'}})
        v2_no_prevout = {**v2, 'vin': [{k: v for k, v in i.items() if k != 'prevout'} for i in v2['vin']]}
        del v2_no_prevout['fee']
        self.assertEqual(v2_no_prevout, v1)
        for node in self.nodes:
            self.assertEqual(node.getrawtransaction(sent['txid'], 2, block), {'in_active_chain': True, **v2})
        # A spend of sent, mined: its prevout is not generated, at sent's height.
        child = w.send_self_transfer(utxo=bt.Utxo(sent['txid'], 1, sent['tx'].vout[1].value))
        block2 = w.generate(1)[0]
        self.sync()
        p = n1.getrawtransaction(child['txid'], 2, block2)['vin'][0]['prevout']
        self.assertEqual((p['generated'], p['height'], p['value']),
                         (False, header['height'], bt.amount(sent['tx'].vout[1].value)))
        # The coinbase: no fee, no prevout.
        cb = n0.getblock(block)['tx'][0]
        got = n1.getrawtransaction(cb, 2, block)
        self.assertNotIn('fee', got)
        self.assertEqual(list(got['vin'][0]), ['coinbase', 'txinwitness', 'sequence'])
        # A mempool transaction at verbosity 2: as verbosity 1.
        pooled = w.send_self_transfer()
        self.assertEqual(n0.getrawtransaction(pooled['txid'], 2), n0.getrawtransaction(pooled['txid'], 1))
        # Verbosity out of range is clamped, as Core does: <= 0 hex, >= 2 details.
        self.assertEqual(n0.getrawtransaction(sent['txid'], -1), sent['hex'])
        self.assertEqual(n0.getrawtransaction(sent['txid'], 3), n0.getrawtransaction(sent['txid'], 2))

    # ---------------------------------------------------------------- createrawtransaction

    def test_createrawtransaction(self):
        node = self.n0
        cr = node.createrawtransaction
        addr = bt.p2wpkh_address(KEYS[0].pubkey)
        addr2 = bt.p2pkh_address(KEYS[1].pubkey)
        self.assert_rpc_error(-1, 'createrawtransaction', cr)
        self.assert_rpc_error(-1, 'createrawtransaction', cr, [])
        self.assert_rpc_error(-1, 'createrawtransaction', cr, [], {}, 0, False, 2, 3, 'foo')
        for v in (0, 4):
            self.assert_rpc_error(-8, 'Invalid parameter, version out of range(1~3)', cr, [], {}, 0, False, v)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type array', cr, 'foo', {})
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type object', cr, ['foo'], {})
        self.assert_rpc_error(-3, 'JSON value of type null is not of expected type string', cr, [{}], {})
        self.assert_rpc_error(-8, "txid must be of length 64 (not 3, for 'foo')", cr, [{'txid': 'foo'}], {})
        bad = 'ZZZ7bb8b1697ea987f3b223ba7819250cae33efacb068d23dc24859824a77844'
        self.assert_rpc_error(-8, f"txid must be hexadecimal string (not '{bad}')", cr, [{'txid': bad}], {})
        self.assert_rpc_error(-8, 'Invalid parameter, missing vout key', cr, [{'txid': TXID}], {})
        self.assert_rpc_error(-8, 'Invalid parameter, missing vout key', cr, [{'txid': TXID, 'vout': 'foo'}], {})
        self.assert_rpc_error(-8, 'Invalid parameter, vout cannot be negative', cr, [{'txid': TXID, 'vout': -1}], {})
        for seq in (-1, 4294967296):
            self.assert_rpc_error(-8, 'Invalid parameter, sequence number is out of range', cr,
                                  [{'txid': TXID, 'vout': 1, 'sequence': seq}], {addr: 1})
        for seq in (0, 1000, 4294967294, 4294967295):
            raw = cr([{'txid': TXID, 'vout': 1, 'sequence': seq}], {addr: 1})
            self.assertEqual(node.decoderawtransaction(raw)['vin'][0]['sequence'], seq)

        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type array', cr, [], 'foo')
        self.assertEqual(cr([], {}), '02000000000000000000')
        self.assertEqual(cr(inputs=[], outputs=[]), '02000000000000000000')
        self.assert_rpc_error(-8, 'Data must be hexadecimal string', cr, [], {'data': 'foo'})
        self.assert_rpc_error(-5, 'Invalid Umkoin address', cr, [], {'foo': 0})
        self.assert_rpc_error(-3, 'Invalid amount', cr, [], {addr: 'foo'})
        self.assert_rpc_error(-3, 'Amount out of range', cr, [], {addr: -1})
        self.assert_rpc_error(-8, f'Invalid parameter, duplicated address: {addr}', cr, [], [{addr: 1}, {addr: 1}])
        self.assert_rpc_error(-8, 'Invalid parameter, duplicate key: data', cr, [], [{'data': 'aa'}, {'data': 'bb'}])
        self.assert_rpc_error(-8, 'Invalid parameter, key-value pair must contain exactly one key', cr, [],
                              [{'a': 1, 'b': 2}])
        self.assert_rpc_error(-8, 'Invalid parameter, key-value pair not an object as expected', cr, [],
                              [['key-value pair1'], ['2']])
        self.assert_rpc_error(-8, 'Invalid parameter combination: Sequence number(s) contradict replaceable '
                                  'option', cr, [{'txid': TXID, 'vout': 0, 'sequence': 0xfffffffe}], {}, 0, True)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type number', cr, [], {}, 'foo')
        self.assert_rpc_error(-8, 'Invalid parameter, locktime out of range', cr, [], {}, -1)
        self.assert_rpc_error(-8, 'Invalid parameter, locktime out of range', cr, [], {}, 4294967296)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type bool', cr, [], {}, 0, 'foo')

        # The transaction built, checked against our own serialization.
        spk, spk2 = bt.address_to_script(addr), bt.address_to_script(addr2)
        inp = [{'txid': TXID, 'vout': 9}]

        def expect(outs, locktime=0, seq=0xfffffffd, version=2):
            return Tx([TxIn(OutPoint(TXID, 9), b'', seq)], outs, version=version, locktime=locktime).hex()

        one = expect([TxOut(99 * bt.COIN, spk)])
        self.assertEqual(cr(inputs=inp, outputs={addr: 99}), one)
        self.assertEqual(cr(inputs=inp, outputs=[{addr: 99}]), one)
        two = expect([TxOut(99 * bt.COIN, spk), TxOut(bt.to_sats('0.5'), spk2)])
        self.assertEqual(cr(inp, collections.OrderedDict([(addr, 99), (addr2, D('0.5'))])), two)
        self.assertEqual(cr(inp, [{addr: 99}, {addr2: '0.5'}]), two)
        mixed = expect([TxOut(99 * bt.COIN, spk), TxOut(99 * bt.COIN, spk2), TxOut(0, bytes.fromhex('6a0199'))])
        self.assertEqual(cr(inp, [{addr: 99}, {addr2: 99}, {'data': '99'}]), mixed)
        self.assert_rpc_error(-8, "Data must be hexadecimal string (not '')", cr, inp, {'data': ''})
        self.assertEqual(cr(inp, {'data': '00'}), expect([TxOut(0, bytes([bt.OP_RETURN, 1, 0]))]))
        self.assertEqual(cr(inp, {'data': 'ab' * 80}), expect([TxOut(0, bt.script(bt.OP_RETURN, b'\xab' * 80))]))
        # Sequence defaults: replaceable unless told otherwise; with
        # replaceable false, final, or non-final under a lock time.
        self.assertEqual(cr(inp, {addr: 1}, 5), expect([TxOut(bt.COIN, spk)], 5))
        self.assertEqual(cr(inp, {addr: 1}, 5, True), expect([TxOut(bt.COIN, spk)], 5))
        self.assertEqual(cr(inp, {addr: 1}, 5, False), expect([TxOut(bt.COIN, spk)], 5, 0xfffffffe))
        self.assertEqual(cr(inp, {addr: 1}, 0, False), expect([TxOut(bt.COIN, spk)], 0, 0xffffffff))
        self.assertEqual(cr(inp, {addr: 1}, 4294967295), expect([TxOut(bt.COIN, spk)], 4294967295))
        for version in (1, 2, 3):
            raw = cr(inp, {addr: 99}, version=version)
            self.assertEqual(Tx.from_hex(raw).version, version)
            self.assertEqual(raw, expect([TxOut(99 * bt.COIN, spk)], version=version))
        # Every address type the node knows.
        p2sh = bt.p2sh_address(bt.p2wpkh_script(KEYS[2].pubkey))
        p2wsh = bt.P2WSH_OP_TRUE_ADDRESS
        p2tr = bt.segwit_address(1, bytes(range(32)))
        raw = cr(inp, [{p2sh: 1}, {p2wsh: 2}, {p2tr: 3}, {'bcrt1pfeesnyr2tx': D('0.00000240')}])
        self.assertEqual([o.script_pubkey for o in Tx.from_hex(raw).vout],
                         [bt.p2sh_script(bt.p2wpkh_script(KEYS[2].pubkey)), bt.P2WSH_OP_TRUE,
                          bt.segwit_script(1, bytes(range(32))), bytes.fromhex('51024e73')])
        # A mainnet address is not valid on regtest.
        self.assert_rpc_error(-5, 'Invalid Umkoin address', cr, [], {'1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2': 1})

    def test_duplicate_keys(self):
        """An outputs object with a key twice, as JSON allows: Core's parser
        keeps both members, so createrawtransaction sees the duplicate."""
        node = self.n0
        addr = bt.p2wpkh_address(KEYS[0].pubkey)
        addr2 = bt.p2pkh_address(KEYS[1].pubkey)
        self.assert_rpc_error(-8, f'Invalid parameter, duplicated address: {addr}', self.create, node, [],
                              multidict([(addr, 1), (addr, 1)]))
        self.assert_rpc_error(-8, f'Invalid parameter, duplicated address: {addr}', self.create, node, [],
                              multidict([(addr, 1), (addr, 2)]))
        self.assert_rpc_error(-8, 'Invalid parameter, duplicate key: data', self.create, node, [],
                              multidict([('data', 'aa'), ('data', 'bb')]))
        # Members keep their order, the repeated 'data' among them.
        inp = [{'txid': TXID, 'vout': 9}]
        mixed = Tx([TxIn(OutPoint(TXID, 9), b'', 0xfffffffd)],
                   [TxOut(99 * bt.COIN, bt.address_to_script(addr)), TxOut(99 * bt.COIN, bt.address_to_script(addr2)),
                    TxOut(0, bytes.fromhex('6a0199'))]).hex()
        self.assertEqual(self.create(node, inp, multidict([(addr, 99), (addr2, 99), ('data', '99')])), mixed)

    # ---------------------------------------------------------------- signing

    def prevtx(self, vout, spk, amount, **scripts):
        d = {'txid': TXID, 'vout': vout, 'scriptPubKey': spk.hex(), 'amount': amount}
        d.update({k: v.hex() for k, v in scripts.items()})
        return d

    def test_sign_errors(self):
        node = self.n0
        k = KEYS[0]
        raw = node.createrawtransaction([{'txid': TXID, 'vout': 0}], {bt.P2WSH_OP_TRUE_ADDRESS: 1})
        prev = [self.prevtx(0, bt.p2wpkh_script(k.pubkey), 1)]
        sign = node.signrawtransactionwithkey
        self.assert_rpc_error(-22, 'TX decode failed. Make sure the tx has at least one input.', sign, 'zz',
                              [k.wif], prev)
        # No inputs: nothing to sign, so complete.
        self.assertEqual(sign('02000000000000000000', [k.wif]), {'hex': '02000000000000000000', 'complete': True})
        self.assert_rpc_error(-5, 'Invalid private key', sign, raw, ['notakey'], prev)
        self.assert_rpc_error(-5, 'Invalid private key', sign, raw, [k.wif[:-1] + 'x'], prev)
        self.assert_rpc_error(-8, "'FOO' is not a valid sighash parameter.", sign, raw, [k.wif], prev, 'FOO')
        no_amount = [{'txid': TXID, 'vout': 0, 'scriptPubKey': bt.p2wpkh_script(k.pubkey).hex()}]
        self.assert_rpc_error(-3, 'Missing amount for CTxOut(nValue=21000000.00000000, '
                                  'scriptPubKey=0014', sign, raw, [k.wif], no_amount)
        self.assert_rpc_error(-8, 'Missing redeemScript/witnessScript', sign, raw, [k.wif],
                              [self.prevtx(0, bt.p2sh_script(bt.p2wpkh_script(k.pubkey)), 1)])
        self.assert_rpc_error(-8, 'redeemScript/witnessScript does not match scriptPubKey', sign, raw, [k.wif],
                              [self.prevtx(0, bt.p2sh_script(bt.p2wpkh_script(k.pubkey)), 1,
                                           redeemScript=bt.p2wpkh_script(KEYS[1].pubkey))])
        self.assert_rpc_error(-22, 'expected object with {"txid\'","vout","scriptPubKey"}', sign, raw, [k.wif],
                              ['foo'])
        self.assert_rpc_error(-22, 'vout cannot be negative', sign, raw, [k.wif],
                              [{'txid': TXID, 'vout': -1, 'scriptPubKey': '00'}])
        # Unknown coins and no prevtxs: nothing signed, one error per input.
        r = sign(raw, [k.wif])
        self.assertEqual(r, {'hex': raw, 'complete': False, 'errors': [
            {'txid': TXID, 'vout': 0, 'witness': [], 'scriptSig': '', 'sequence': 0xfffffffd,
             'error': 'Input not found or already spent'}]})
        # The wrong key: not signed.
        r = sign(raw, [KEYS[1].wif], prev)
        self.assertEqual(r['hex'], raw)
        self.assertIs(r['complete'], False)
        self.assertEqual(len(r['errors']), 1)
        # (For P2WPKH the signer tries the key's own program: it does not match.)
        self.assertEqual(r['errors'][0]['error'], 'Witness program hash mismatch')

    def test_sign_vectors(self):
        """Spends of made-up outpoints (described in prevtxs) signed with
        every sighash type: the hex must be Umkoin Core v31.0's."""
        node = self.n0
        k0, k1, k2 = KEYS[:3]
        inputs = [{'txid': TXID, 'vout': n} for n in range(3)]
        outputs = [{bt.P2WSH_OP_TRUE_ADDRESS: 1}, {bt.p2pkh_address(k0.pubkey): D('0.5')},
                   {'data': 'ff'}]
        raw = node.createrawtransaction(inputs, outputs)
        prev = [self.prevtx(0, bt.p2wpkh_script(k0.pubkey), 1),
                self.prevtx(1, bt.p2pkh_script(k1.pubkey), D('0.7')),
                self.prevtx(2, bt.p2sh_script(bt.p2wpkh_script(k2.pubkey)), D('0.3'),
                            redeemScript=bt.p2wpkh_script(k2.pubkey))]
        results = {}
        for sighash in SIGHASH_TYPES:
            r = node.signrawtransactionwithkey(raw, [k.wif for k in (k0, k1, k2)], prev, sighash)
            self.assertEqual(list(r), ['hex', 'complete'])
            self.assertIs(r['complete'], True)
            results[sighash] = r['hex']
            tx = Tx.from_hex(r['hex'])
            # Where each piece goes, and the sighash byte on each signature.
            self.assertEqual(tx.vin[0].script_sig, b'')
            self.assertEqual(tx.vin[0].witness[1], k0.pubkey)
            p2pkh_ops = list(bt.script_ops(tx.vin[1].script_sig))
            self.assertEqual(p2pkh_ops[1][1], k1.pubkey)
            self.assertEqual(tx.vin[1].witness, [])
            self.assertEqual(tx.vin[2].script_sig, bt.push_data(bt.p2wpkh_script(k2.pubkey)))
            self.assertEqual(tx.vin[2].witness[1], k2.pubkey)
            for sig in (tx.vin[0].witness[0], p2pkh_ops[0][1], tx.vin[2].witness[0]):
                self.assertEqual(sig[-1], SIGHASH_BYTE[sighash])
                self.assertTrue(is_low_r_der(sig[:-1]), sig.hex())
            # Signing again gives the same bytes (deterministic nonces).
            self.assertEqual(node.signrawtransactionwithkey(raw, [k0.wif, k1.wif, k2.wif], prev, sighash)['hex'],
                             r['hex'])
            # A signed transaction passed in again is left as it is.
            self.assertEqual(node.signrawtransactionwithkey(r['hex'], [k0.wif, k1.wif, k2.wif], prev, sighash),
                             {'hex': r['hex'], 'complete': True})
        for sighash in SIGHASH_TYPES:
            self.assertEqual(results[sighash], CORE_SIGNED[sighash], sighash)
        # "DEFAULT" is for taproot only: for these scripts it signs as ALL.
        r = node.signrawtransactionwithkey(raw, [k0.wif, k1.wif, k2.wif], prev, 'DEFAULT')
        self.assertEqual(r['hex'], results['ALL'])

        # SIGHASH_SINGLE needs an output for the input: the third is not signed.
        two_outs = node.createrawtransaction(inputs, outputs[:2])
        r = node.signrawtransactionwithkey(two_outs, [k0.wif, k1.wif, k2.wif], prev, 'SINGLE')
        self.assertIs(r['complete'], False)
        self.assertEqual(r['errors'], [{'txid': TXID, 'vout': 2, 'witness': [], 'scriptSig': '',
                                        'sequence': 0xfffffffd,
                                        'error': 'Unable to sign input, invalid stack size (possibly missing key)'}])
        # Some keys only: the rest are reported.
        r = node.signrawtransactionwithkey(raw, [k0.wif], prev)
        self.assertIs(r['complete'], False)
        self.assertEqual([(e['vout'], e['error']) for e in r['errors']],
                         [(1, 'Unable to sign input, invalid stack size (possibly missing key)'),
                          (2, 'Witness program hash mismatch')])
        part = Tx.from_hex(r['hex'])
        self.assertEqual(part.vin[0].witness, Tx.from_hex(results['ALL']).vin[0].witness)
        self.assertEqual(r['errors'][1]['scriptSig'], bt.push_data(bt.p2wpkh_script(k2.pubkey)).hex())
        self.assertEqual(r['errors'][1]['witness'], [])
        # ... and the partly signed one completed with the other keys.
        r2 = node.signrawtransactionwithkey(r['hex'], [k1.wif, k2.wif], prev)
        self.assertEqual(r2, {'hex': results['ALL'], 'complete': True})
        # An uncompressed key, P2PKH.
        u = UNCOMPRESSED
        raw_u = node.createrawtransaction([{'txid': TXID, 'vout': 7}], {bt.P2WSH_OP_TRUE_ADDRESS: 1})
        r = node.signrawtransactionwithkey(raw_u, [u.wif], [self.prevtx(7, bt.p2pkh_script(u.pubkey), 2)])
        self.assertIs(r['complete'], True)
        self.assertEqual(list(bt.script_ops(Tx.from_hex(r['hex']).vin[0].script_sig))[1][1], u.pubkey)
        self.assertEqual(r['hex'], CORE_SIGNED['uncompressed'])

    def test_sign_and_send(self):
        n0, n1, w = self.n0, self.n1, self.wallet
        w.generate(101)
        k0, k1, k2 = KEYS[:3]
        spks = [bt.p2wpkh_script(k0.pubkey), bt.p2pkh_script(k1.pubkey),
                bt.p2sh_script(bt.p2wpkh_script(k2.pubkey))]
        addrs = [bt.p2wpkh_address(k0.pubkey), bt.p2pkh_address(k1.pubkey),
                 bt.p2sh_address(bt.p2wpkh_script(k2.pubkey))]
        self.assertEqual([bt.address_to_script(a) for a in addrs], spks)
        # Fund the three addresses in one transaction made by the node.
        utxo = w.get_utxo()
        fund_raw = n0.createrawtransaction(
            [{'txid': utxo.txid, 'vout': utxo.vout}],
            [{addrs[0]: 1}, {addrs[1]: 2}, {addrs[2]: 3},
             {bt.P2WSH_OP_TRUE_ADDRESS: bt.amount(utxo.value - 6 * bt.COIN - 10_000)}])
        fund = Tx.from_hex(fund_raw)
        fund.vin[0].witness = [bt.OP_TRUE_SCRIPT]       # anyone can spend: no key
        fund_txid = n0.sendrawtransaction(fund.hex())
        self.assertEqual(fund_txid, fund.txid)
        self.assertEqual(n0.getmempoolentry(fund_txid)['fees']['base'], bt.amount(10_000))
        w.generate(1)
        self.sync()

        spend_raw = n0.createrawtransaction(
            [{'txid': fund_txid, 'vout': n} for n in range(3)],
            {bt.P2WSH_OP_TRUE_ADDRESS: D('5.9999')})
        # The coins are in the UTXO set: no prevtxs needed for the first two;
        # the P2SH one needs its redeem script.
        r = n0.signrawtransactionwithkey(spend_raw, [k0.wif, k1.wif, k2.wif])
        self.assertIs(r['complete'], False)
        self.assertEqual([(e['vout'], e['error']) for e in r['errors']],
                         [(2, 'Unable to sign input, invalid stack size (possibly missing key)')])
        prev = [{'txid': fund_txid, 'vout': 2, 'scriptPubKey': spks[2].hex(),
                 'redeemScript': bt.p2wpkh_script(k2.pubkey).hex(), 'amount': 3}]
        r = n0.signrawtransactionwithkey(spend_raw, [k0.wif, k1.wif, k2.wif], prev)
        self.assertEqual(r['complete'], True)
        # Node 1 signs the same bytes.
        self.assertEqual(n1.signrawtransactionwithkey(spend_raw, [k0.wif, k1.wif, k2.wif], prev), r)
        signed = Tx.from_hex(r['hex'])
        res = n0.testmempoolaccept([r['hex']])[0]
        self.assertIs(res['allowed'], True, res)
        self.assertEqual(res['vsize'], signed.vsize())
        self.assertEqual(res['fees']['base'], D('0.0001'))
        self.assertEqual(n0.sendrawtransaction(r['hex']), signed.txid)
        self.assertEqual(n0.getrawtransaction(signed.txid), r['hex'])
        # A wrong amount in prevtxs makes a signature that does not verify.
        bad_prev = [dict(prev[0], amount=D('3.1'))]
        bad = n1.signrawtransactionwithkey(spend_raw, [k0.wif, k1.wif, k2.wif], bad_prev)
        self.assertIs(bad['complete'], True)
        res = n1.testmempoolaccept([bad['hex']])[0]
        self.assertEqual(res['reject-reason'], 'mempool-script-verify-flag-failed (Signature must be zero for failed '
                                               'CHECK(MULTI)SIG operation)')
        # Mined, and then the UTXOs are gone: signing reports them spent.
        block = w.generate(1)[0]
        self.assertIn(signed.txid, n0.getblock(block)['tx'])
        r = n0.signrawtransactionwithkey(spend_raw, [k0.wif, k1.wif])
        self.assertEqual([e['error'] for e in r['errors']], ['Input not found or already spent'] * 3)
        self.assert_rpc_error(-27, 'Transaction outputs already in utxo set', n0.sendrawtransaction,
                              signed.hex())
        self.assert_rpc_error(-25, 'bad-txns-inputs-missingorspent', n0.sendrawtransaction,
                              n0.createrawtransaction([{'txid': fund_txid, 'vout': 0}],
                                                      {bt.P2WSH_OP_TRUE_ADDRESS: D('0.9')}))

    def test_multisig(self):
        n0, w = self.n0, self.wallet
        w.generate(101)
        k = KEYS[3:6]
        pubs = [x.pubkey for x in k]
        ms = bt.script(2, *pubs, 3, bt.OP_CHECKMULTISIG)
        bare = bt.script(1, pubs[0], pubs[1], 2, bt.OP_CHECKMULTISIG)
        spks = [bt.p2sh_script(ms), bt.p2wsh_script(ms), bare]
        self.assertEqual(n0.decodescript(ms.hex())['type'], 'multisig')
        utxo = w.get_utxo()
        fund = Tx([w.input_for(utxo)], [TxOut(bt.COIN, s) for s in spks]
                  + [TxOut(utxo.value - 3 * bt.COIN - 10_000, bt.P2WSH_OP_TRUE)])
        n0.sendrawtransaction(fund.hex())           # bare multisig is standard by default
        w.generate(1)
        raw = n0.createrawtransaction([{'txid': fund.txid, 'vout': n} for n in range(3)],
                                      {bt.P2WSH_OP_TRUE_ADDRESS: D('2.999')})
        prev = [{'txid': fund.txid, 'vout': 0, 'scriptPubKey': spks[0].hex(), 'redeemScript': ms.hex(),
                 'amount': 1},
                {'txid': fund.txid, 'vout': 1, 'scriptPubKey': spks[1].hex(), 'witnessScript': ms.hex(),
                 'amount': 1},
                {'txid': fund.txid, 'vout': 2, 'scriptPubKey': spks[2].hex(), 'amount': 1}]
        # k0 alone completes the bare 1-of-2 but not the two 2-of-3; k1 and
        # k2 complete everything.
        a = n0.signrawtransactionwithkey(raw, [k[0].wif], prev)
        b = n0.signrawtransactionwithkey(raw, [k[1].wif, k[2].wif], prev)
        self.assertIs(a['complete'], False)
        self.assertEqual([e['vout'] for e in a['errors']], [0, 1])
        self.assertEqual(a['errors'][0]['error'],
                         'CHECK(MULTI)SIG failing with non-zero signature (possibly need more signatures)')
        self.assertIs(b['complete'], True)
        # Combined: complete, and valid.
        combined = n0.combinerawtransaction([a['hex'], b['hex']])
        ctx = Tx.from_hex(combined)
        self.assertEqual(ctx.vin[1].witness[0], b'')                   # the CHECKMULTISIG dummy
        self.assertEqual(ctx.vin[1].witness[-1], ms)
        self.assertEqual(list(bt.script_ops(ctx.vin[0].script_sig))[-1][1], ms)
        r = n0.signrawtransactionwithkey(combined, [], prev)
        self.assertIs(r['complete'], True)
        res = n0.testmempoolaccept([combined])[0]
        self.assertIs(res['allowed'], True, res)
        self.assertIs(n0.testmempoolaccept([b['hex']])[0]['allowed'], True)
        self.assertEqual(n0.sendrawtransaction(combined), ctx.txid)
        self.assert_rpc_error(-22, 'TX decode failed for tx 1. Make sure the tx has at least one input.',
                              n0.combinerawtransaction, [combined, 'zz'])
        self.assert_rpc_error(-22, 'Missing transactions', n0.combinerawtransaction, [])

    # ---------------------------------------------------------------- decoding

    def test_decoderawtransaction(self):
        node = self.n0
        witness_hex = ('010000000001010000000000000072c1a6a246ae63f74f931e8365e15a089c68d61900000000000000000000'
                       'ffffffff0100e1f50500000000000102616100000000')
        d = node.decoderawtransaction(witness_hex, True)
        self.assertEqual(d['vout'][0]['value'], D('1.00000000'))
        self.assertEqual(d['vin'][0]['txinwitness'], ['6161'])
        self.assert_rpc_error(-22, 'TX decode failed', node.decoderawtransaction, witness_hex, False)
        plain_hex = ('01000000010000000000000072c1a6a246ae63f74f931e8365e15a089c68d61900000000000000000000ffffffff'
                     '0100e1f505000000000000000000')
        d = node.decoderawtransaction(plain_hex, False)
        self.assertEqual(d['vout'][0]['value'], D('1.00000000'))
        # A coinbase that parses both ways: the witness reading wins.
        coinbase = ('03c68708046ff8415c622f4254432e434f4d2ffabe6d6de1965d02c68f928e5b244ab1965115a36f56eb997633c7f6'
                    '90124bbf43644e23080000000ca3d3af6d005a65ff0200fd00000000')
        amb = ('020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff4b'
               + coinbase
               + 'ffffffff03f4c1fb4b0000000016001497cfc76442fe717f2a3f0cc9c175f7561b6619970000000000000000266a24aa'
                 '21a9ed957d1036a80343e0d1b659497e1b48a38ebe876a056d45965fac4a85cda84e1900000000000000002952534b42'
                 '4c4f434b3a8e092581ab01986cbadc84f4b43f4fa4bb9e7a2e2a0caf9b7cf64d939028e22c0120000000000000000000'
                 '000000000000000000000000000000000000000000000000000000')
        d = node.decoderawtransaction(amb)
        self.assertEqual(d, node.decoderawtransaction(amb, True))
        self.assert_rpc_error(-22, 'TX decode failed', node.decoderawtransaction, amb, False)
        self.assertEqual(d['vin'][0]['coinbase'], coinbase)
        for bad in ('', 'zz', '00', plain_hex + '00', plain_hex[:-2], '0' * 7):
            self.assert_rpc_error(-22, 'TX decode failed', node.decoderawtransaction, bad)
        # Versions are shown unsigned.
        for version in (0x80000000, 0x7fffffff, 0, 0xffffffff):
            self.assertEqual(node.decoderawtransaction(Tx(version=version).hex())['version'], version)

        # A whole decode, field by field.
        k0, k1 = KEYS[:2]
        prev = [self.prevtx(0, bt.p2wpkh_script(k0.pubkey), 1), self.prevtx(1, bt.p2pkh_script(k1.pubkey), 1)]
        raw = node.createrawtransaction([{'txid': TXID, 'vout': 0}, {'txid': TXID, 'vout': 1, 'sequence': 7}],
                                        [{bt.P2WSH_OP_TRUE_ADDRESS: D('1.5')}, {'data': 'cafe'}], 99)
        signed = node.signrawtransactionwithkey(raw, [k0.wif, k1.wif], prev)['hex']
        tx = Tx.from_hex(signed)
        d = node.decoderawtransaction(signed)
        sig0, pub0 = tx.vin[0].witness
        (_, sig1), (_, pub1) = list(bt.script_ops(tx.vin[1].script_sig))
        self.assertEqual(d, {
            'txid': tx.txid, 'hash': tx.wtxid, 'version': 2, 'size': tx.total_size(), 'vsize': tx.vsize(),
            'weight': tx.weight(), 'locktime': 99,
            'vin': [{'txid': TXID, 'vout': 0, 'scriptSig': {'asm': '', 'hex': ''},
                     'txinwitness': [sig0.hex(), pub0.hex()], 'sequence': 0xfffffffd},
                    {'txid': TXID, 'vout': 1,
                     'scriptSig': {'asm': f'{sig_asm(sig1)} {pub1.hex()}', 'hex': tx.vin[1].script_sig.hex()},
                     'sequence': 7}],
            'vout': [{'value': D('1.50000000'), 'n': 0, 'scriptPubKey': {
                        'asm': '0 ' + bt.P2WSH_OP_TRUE[2:].hex(),
                        'desc': bt.with_checksum(f'addr({bt.P2WSH_OP_TRUE_ADDRESS})'),
                        'hex': bt.P2WSH_OP_TRUE.hex(), 'address': bt.P2WSH_OP_TRUE_ADDRESS,
                        'type': 'witness_v0_scripthash'}},
                     {'value': D('0E-8'), 'n': 1, 'scriptPubKey': {
                        'asm': f"OP_RETURN {bt.decode_script_num(bytes.fromhex('cafe'))}",
                        'desc': bt.with_checksum('raw(6a02cafe)'), 'hex': '6a02cafe', 'type': 'nulldata'}}]})
        self.assertEqual(pub0, k0.pubkey)
        self.assertEqual(pub1, k1.pubkey)

    def test_decodescript(self):
        node = self.n0
        k0, k1 = KEYS[:2]
        pkh = bt.hash160(k0.pubkey)
        p2wpkh = bt.p2wpkh_script(k0.pubkey)
        p2wpkh_addr = bt.p2wpkh_address(k0.pubkey)
        segwit_of_pkh = {'asm': f'0 {pkh.hex()}', 'desc': bt.with_checksum(f'addr({p2wpkh_addr})'),
                         'hex': p2wpkh.hex(), 'address': p2wpkh_addr, 'type': 'witness_v0_keyhash',
                         'p2sh-segwit': bt.p2sh_address(p2wpkh)}

        def wsh_of(script, desc=None):
            spk = bt.p2wsh_script(script)
            addr = bt.segwit_address(0, spk[2:])
            return {'asm': f'0 {spk[2:].hex()}', 'desc': bt.with_checksum(desc or f'addr({addr})'),
                    'hex': spk.hex(), 'address': addr, 'type': 'witness_v0_scripthash',
                    'p2sh-segwit': bt.p2sh_address(spk)}

        p2pkh = bt.p2pkh_script(k0.pubkey)
        p2pkh_addr = bt.p2pkh_address(k0.pubkey)
        self.assertEqual(node.decodescript(p2pkh.hex()), {
            'asm': f'OP_DUP OP_HASH160 {pkh.hex()} OP_EQUALVERIFY OP_CHECKSIG',
            'desc': bt.with_checksum(f'addr({p2pkh_addr})'), 'address': p2pkh_addr, 'type': 'pubkeyhash',
            'p2sh': bt.p2sh_address(p2pkh), 'segwit': segwit_of_pkh})
        self.assertEqual(node.decodescript(p2wpkh.hex()), {
            'asm': f'0 {pkh.hex()}', 'desc': bt.with_checksum(f'addr({p2wpkh_addr})'), 'address': p2wpkh_addr,
            'type': 'witness_v0_keyhash', 'p2sh': bt.p2sh_address(p2wpkh)})
        p2sh = bt.p2sh_script(p2wpkh)
        self.assertEqual(node.decodescript(p2sh.hex()), {
            'asm': f'OP_HASH160 {bt.hash160(p2wpkh).hex()} OP_EQUAL',
            'desc': bt.with_checksum(f'addr({bt.p2sh_address(p2wpkh)})'), 'address': bt.p2sh_address(p2wpkh),
            'type': 'scripthash'})
        pk = bt.script(k0.pubkey, bt.OP_CHECKSIG)
        self.assertEqual(node.decodescript(pk.hex()), {
            'asm': f'{k0.pubkey.hex()} OP_CHECKSIG', 'desc': bt.with_checksum(f'pk({k0.pubkey.hex()})'),
            'type': 'pubkey', 'p2sh': bt.p2sh_address(pk), 'segwit': segwit_of_pkh})
        ms = bt.script(1, k0.pubkey, k1.pubkey, 2, bt.OP_CHECKMULTISIG)
        multi = f'multi(1,{k0.pubkey.hex()},{k1.pubkey.hex()})'
        self.assertEqual(node.decodescript(ms.hex()), {
            'asm': f'1 {k0.pubkey.hex()} {k1.pubkey.hex()} 2 OP_CHECKMULTISIG', 'desc': bt.with_checksum(multi),
            'type': 'multisig', 'p2sh': bt.p2sh_address(ms), 'segwit': wsh_of(ms, f'wsh({multi})')})
        self.assertEqual(node.decodescript('6a03616263'), {
            'asm': 'OP_RETURN 6513249', 'desc': bt.with_checksum('raw(6a03616263)'), 'type': 'nulldata'})
        self.assertEqual(node.decodescript('51024e73'), {
            'asm': '1 29518', 'desc': bt.with_checksum('addr(bcrt1pfeesnyr2tx)'), 'address': 'bcrt1pfeesnyr2tx',
            'type': 'anchor'})
        tr = bt.segwit_script(1, bytes(32))
        tr_addr = bt.segwit_address(1, bytes(32))
        self.assertEqual(node.decodescript(tr.hex()), {
            'asm': '1 ' + '00' * 32, 'desc': bt.with_checksum(f'addr({tr_addr})'), 'address': tr_addr,
            'type': 'witness_v1_taproot'})
        self.assertEqual(node.decodescript('5152'), {
            'asm': '1 2', 'desc': bt.with_checksum('raw(5152)'), 'type': 'nonstandard',
            'p2sh': bt.p2sh_address(bytes.fromhex('5152')), 'segwit': wsh_of(bytes.fromhex('5152'))})
        self.assertEqual(node.decodescript(''), {
            'asm': '', 'desc': bt.with_checksum('raw()'), 'type': 'nonstandard',
            'p2sh': bt.p2sh_address(b''), 'segwit': wsh_of(b'')})
        # A push that runs past the end.
        self.assertEqual(node.decodescript('4c05ab')['asm'], '[error]')
        self.assert_rpc_error(-8, 'argument must be hexadecimal string (not \'zz\')', node.decodescript, 'zz')
        # Uncompressed key in P2PK: no segwit version.
        upk = bt.script(UNCOMPRESSED.pubkey, bt.OP_CHECKSIG)
        self.assertNotIn('segwit', node.decodescript(upk.hex()))
        # A P2SH or witness script is not wrapped again.
        self.assertNotIn('segwit', node.decodescript(p2sh.hex()))
        self.assertNotIn('p2sh', node.decodescript(p2sh.hex()))


# Signed by Umkoin Core v31.0's signrawtransactionwithkey (see test_sign_vectors).
CORE_SIGNED = {
    'ALL': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a4730440220387dd17ca154'
        '2630c4687d31d3dc75daa6365f04c83c816277c60a362f2fa90902204349dc0f9e494e91645e6a64bb8a8253d505cc9b'
        '1b7eb8a86bdc6df9ef16fb3101210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff0247304402202b953bb2a9f46fcd4c465bc6ab8aeeec35eecbcce317240b9d16e23707'
        '2153b702203682dedebc7017d4209f9a129fdfd71f09cb2f7ed98cc22f770e99f8be72b43201210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f000247304402207a7156845b45eb43f18047b540b628ad00'
        'd3db6d403d1b3990ccf2924129c7e70220582cffcc851fbc7b7055e0a6ad43f2bc0a3b98c675646f2d072150600dd2b8'
        'e60121027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'NONE': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a473044022037e9dbf8cac5'
        'cee246e3d08e545180e61078fe55e3eaec9ad0ca1b10425b827c022016fab54205f819b9b2c915f9837058b83981c8cd'
        '5339dea2aea9bc5b9d75443902210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff0247304402205412d9cd25fa1c4bb8a256f22170277abc3bf0efd2ec8e87151647884a'
        '374bba022016870442458c86fb7da9e3badbfa6da21647c13b95d7616712c2dd8a9816c40f02210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f000247304402202e608c5bf996a6a1ab69093ab0656f6642'
        '5e6e2587ae400d28c36060f05d6b9802200a3ddfe181596dfa727fe115734e752bf6315490d886653fc5dd1a7702e21a'
        '470221027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'SINGLE': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a47304402201bc48f9aabac'
        '193ce2c8296c4a7da0e0792d5294c74a0561a135c6d674a038e3022073c35cff4cd55f015a78a3e9c9ecb876406a8ef2'
        '85fd1508dbe627bd289f9a9403210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff024730440220682cf505353672cd4456a1c71c70cd24b2467917f41580c4f1287f13e4'
        '34a22102202c0eee760592af9451cfdfd624f586068845c1a707d7e4f971ea1ff01e847c5c03210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f0002473044022003136f6824a7a1750947b983cc1c7a1777'
        'a5d7c12c8a3eda62990a519af9087402203980096762fad67664c9810ed8af9f77210688137ba60c6dcf95fd0eadedbb'
        '4d0321027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'ALL|ANYONECANPAY': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a4730440220045818d71012'
        '095a637a376d50be32551c3216d832bf2bb90247fe651351813602203536efb1e2749263b58699479c6f1680839aa358'
        'bb187b393002bab5b14e13c581210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff0247304402205c0fbefaf408650145f9ed7fb59491a6cecd5c20600109d6933bd3a239'
        '256a9102206ae09feb76ee664e7cae45019c9785f7d95e0e0d4e0925fef36884b65bd2856781210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f0002473044022044bbbc565b1b13192ac17fb70c21c04685'
        '943a89cf3ce003b431bd017a2d454c02206ac8dbd33de2c9b9e0202948ba077c6f000831c30f7694255e891fe915d479'
        '5c8121027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'NONE|ANYONECANPAY': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a473044022044c8a2a30d9d'
        'a47c280d90fcaae4b8cdf8f1c4e0e58221e7b22adde6d9fe47e70220329a1397d4d9ed81962298ac6991f4c0175223e1'
        'd57fb884d967573ecf1cdefa82210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff0247304402207a9ae8c0552eb19317bef9ba98058b1ca7259292388577d25acb83dfb4'
        '57972b0220502de4f23c2b8e3d8190fa5f2d4c0df4460e84df43581f703d002a0973a88b4482210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f000247304402207ab45624d9e6439607a216d7290a0eca06'
        'b55e8b57d40d4701e2df396b30769f022077cb8eaee08562319f7261b058a11829a3eac157210df8434fdc7ab2ba7bab'
        'c68221027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'SINGLE|ANYONECANPAY': (
        '0200000000010300000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0000000000fdffffff'
        '00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d010000006a47304402202b8e62d542fc'
        '8a7e9ffc4c5688b62ce2ff2e80c9eb7a37092b77e68700cc3b1702203083a66d5adbc5abce398f1de680f300cab7620d'
        'c57de6ebe92a5c1b2d0ec4ff83210238440693c677fb7c5ebdd449696edd9df6e2a8e87fbf4e6a2e7a002329b1808efd'
        'ffffff00000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d0200000017160014af23ff3318'
        '53da7273c07e2742920dc7f4e89f36fdffffff0300e1f505000000002200204ae81572f06e1b88fd5ced7a1a00094543'
        '2e83e1551e6f721ee9c00b8cc3326080f0fa02000000001976a914620a9f9fed18aef5484fc3bb1f6270c1bb658e9a88'
        'ac0000000000000000036a01ff0247304402200d39e8d872d84a8b9e3ccba0f8909a05db598de321463ea049b41b126e'
        'efa02902207a6406e544506dd7250940a84000ff9b9983f8ffc803e866274d67c4fc5d815f83210308526caeaf77555d'
        '048fcd7dceb2b144e07a9acb800e862c5341918ce65dbc9f0002473044022058dd8d1914a87d323c3f49a11aed034e5d'
        '7c9aaeaadc3b8f52d6539ef2251d07022040b3d35cec6d9da315a845b1f6f1ff8091d6953d8aa5a3cb0f27e8442dbb43'
        '948321027286ba1a44afb913ba5fb356c8c5f5f51e70c6c2536b7b19eb8a9affd629b94e00000000'
    ),
    'uncompressed': (
        '020000000100000000a0ce6e3569a27de3ce1a9eed79ecfbd80ff8c3847e0599ed244e1d1d070000008a473044022067'
        '931427ba306b508d274a4001b5f76355a11cec1ccaa390a5a8ff9850b442a70220541875217b7de99f33af1ecf50c547'
        'ce7d53e6c1ea50b6d6b2ecf186be317ec1014104befeb0ef0b35c1a0706ed62080e7e5a17cdd165c9c2a486d3ad06768'
        'e355a9ed602570fd50b09520f337c291dabeb4f50bb9c7201e63e8fa957d66709f98a777fdffffff0100e1f505000000'
        '002200204ae81572f06e1b88fd5ced7a1a000945432e83e1551e6f721ee9c00b8cc3326000000000'
    ),
}


if __name__ == '__main__':
    test_framework.main()
