#!/usr/bin/env python3
"""The mining RPCs as Umkoin Core v31.0 answers them: getmininginfo,
getnetworkhashps, getblocktemplate (BIP 22/23: fields, mempool transactions
with fee/sigops/weight/depends, coinbasevalue, default_witness_commitment,
proposals), prioritisetransaction / getprioritisedtransactions,
generatetoaddress, generatetodescriptor, generateblock and a submitblock round
trip.

The chains of test_mininginfo and test_getblocktemplate are 200 blocks built
here at fixed times from the genesis time (so the hash rate is known) with
versions that do not signal testdummy (so its BIP 9 state is "started").

Usage: mining_basic.py --node PATH/TO/umkoin-node
"""
import decimal
import time

import blocktools as bt
import test_framework
from blocktools import TxOut

D = decimal.Decimal
REGTEST_DIFFICULTY = D('4.656542373906925e-10')
REGTEST_TARGET_HEX = f'{bt.REGTEST_TARGET:064x}'
P2PK_SCRIPT = bt.script(b'\x02' + bytes(range(1, 33)), bt.OP_CHECKSIG)

MININGINFO_KEYS = ['blocks', 'bits', 'difficulty', 'target', 'networkhashps', 'pooledtx', 'blockmintxfee',
                   'chain', 'next', 'warnings']
TEMPLATE_KEYS = ['capabilities', 'version', 'rules', 'vbavailable', 'vbrequired', 'previousblockhash',
                 'transactions', 'coinbaseaux', 'coinbasevalue', 'longpollid', 'target', 'mintime', 'mutable',
                 'noncerange', 'sigoplimit', 'sizelimit', 'weightlimit', 'curtime', 'bits', 'height',
                 'default_witness_commitment']
TEMPLATE_TX_KEYS = ['data', 'txid', 'hash', 'depends', 'fee', 'sigops', 'weight']


class MiningTestCase(test_framework.TestCase):
    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.wallet = bt.AnyoneCanSpend(self.node)

    def build_chain(self, spacing=lambda h: 600 if h <= 100 else 300, blocks=200):
        """Blocks 1..blocks at genesis time + the sum of spacing(h), paying
        the wallet, through submitblock."""
        node = self.node
        prev, t = bt.REGTEST_GENESIS_HASH, bt.REGTEST_GENESIS_TIME
        for h in range(1, blocks + 1):
            t += spacing(h)
            b = bt.create_block(prev, h, time=t)
            self.assertIsNone(node.submitblock(b.hex()))
            self.wallet.scan_block(b, h)
            prev = b.hash
        self.assertEqual(node.getbestblockhash(), prev)

    def template(self):
        return self.node.getblocktemplate(bt.NORMAL_GBT_REQUEST)


class MiningInfo(MiningTestCase):
    def test_mininginfo(self):
        node = self.node
        self.build_chain()
        info = node.getmininginfo()
        # No block was assembled yet in this node: no currentblock* fields.
        self.assertEqual(list(info), MININGINFO_KEYS)
        self.assertEqual(info['blocks'], 200)
        self.assertEqual(info['bits'], '207fffff')
        self.assertEqual(info['difficulty'], REGTEST_DIFFICULTY)
        self.assertEqual(info['target'], REGTEST_TARGET_HEX)
        self.assertAlmostEqual(float(info['networkhashps']), 240 / 42000, places=15)
        self.assertEqual(info['pooledtx'], 0)
        self.assertEqual(info['blockmintxfee'], D('0.00000001'))
        self.assertEqual(info['chain'], 'regtest')
        self.assertEqual(info['next'], {'height': 201, 'bits': '207fffff', 'difficulty': REGTEST_DIFFICULTY,
                                        'target': REGTEST_TARGET_HEX})
        self.assertEqual(info['warnings'], [])

        # Assembling a block (empty mempool) reports the reserved weight.
        self.wallet.generate(1)
        info = node.getmininginfo()
        self.assertEqual(list(info)[:3], ['blocks', 'currentblockweight', 'currentblocktx'])
        self.assertEqual((info['blocks'], info['currentblockweight'], info['currentblocktx']),
                         (201, bt.DEFAULT_BLOCK_RESERVED_WEIGHT, 0))
        # With transactions: their weight on top of it.
        sent = [self.wallet.send_self_transfer() for _ in range(3)]
        self.assertEqual(node.getmininginfo()['pooledtx'], 3)
        self.wallet.generate(1)
        info = node.getmininginfo()
        self.assertEqual(info['currentblocktx'], 3)
        self.assertEqual(info['currentblockweight'],
                         bt.DEFAULT_BLOCK_RESERVED_WEIGHT + sum(s['weight'] for s in sent))
        self.assertEqual(info['pooledtx'], 0)

    def test_networkhashps(self):
        node = self.node
        self.build_chain()
        # Work per block is 2; 20 blocks 600 s apart then 100 blocks 300 s apart.
        self.assertAlmostEqual(float(node.getnetworkhashps()), 240 / 42000, places=15)
        self.assertAlmostEqual(float(node.getnetworkhashps(120)), 240 / 42000, places=15)
        # -1: since the last retarget (every 72 blocks): 200 % 72 + 1 = 57 blocks.
        self.assertAlmostEqual(float(node.getnetworkhashps(-1)), 114 / (57 * 300), places=15)
        self.assertAlmostEqual(float(node.getnetworkhashps(1000)), 400 / 90000, places=15)
        self.assertAlmostEqual(float(node.getnetworkhashps(120, 100)), 200 / 60000, places=15)
        self.assertAlmostEqual(float(node.getnetworkhashps(1, 150)), 2 / 300, places=15)
        self.assertAlmostEqual(float(node.getnetworkhashps(nblocks=10, height=50)), 20 / 6000, places=15)
        self.assertEqual(node.getnetworkhashps(10, 0), 0)
        for bad in (0, -2):
            self.assert_rpc_error(-8, 'Invalid nblocks. Must be a positive number or -1.', node.getnetworkhashps, bad)
        for bad in (201, -2):
            self.assert_rpc_error(-8, 'Block does not exist at specified height', node.getnetworkhashps, 120, bad)


class BlockTemplate(MiningTestCase):
    def test_template_fields(self):
        node = self.node
        self.build_chain()
        tip = node.getbestblockhash()
        msg = 'getblocktemplate must be called with the segwit rule set (call with {"rules": ["segwit"]})'
        self.assert_rpc_error(-8, msg, node.getblocktemplate, {})
        self.assert_rpc_error(-8, msg, node.getblocktemplate, {'rules': ['csv']})
        self.assert_rpc_error(-8, 'Invalid mode', node.getblocktemplate, {'rules': ['segwit'], 'mode': 'bogus'})
        self.assert_rpc_error(-8, 'Invalid mode', node.getblocktemplate, {'rules': ['segwit'], 'mode': 5})

        t0 = int(time.time())
        tmpl = self.template()
        self.assertEqual(list(tmpl), TEMPLATE_KEYS)
        self.assertEqual(tmpl['capabilities'], ['proposal'])
        # testdummy (bit 28) is "started" and not signalled by these blocks.
        self.assertEqual(tmpl['version'], 0x30000000)
        self.assertEqual(tmpl['rules'], ['csv', '!segwit', 'taproot'])
        self.assertEqual(tmpl['vbavailable'], {'testdummy': 28})
        self.assertEqual(tmpl['vbrequired'], 0)
        self.assertEqual(tmpl['previousblockhash'], tip)
        self.assertEqual(tmpl['transactions'], [])
        self.assertEqual(tmpl['coinbaseaux'], {})
        self.assertEqual(tmpl['coinbasevalue'], 25 * bt.COIN)         # height 201: halved once
        self.assertTrue(tmpl['longpollid'].startswith(tip))
        self.assertTrue(tmpl['longpollid'][64:].isdigit())
        self.assertEqual(tmpl['target'], REGTEST_TARGET_HEX)
        self.assertEqual(tmpl['mintime'], node.getblockheader(tip)['mediantime'] + 1)
        self.assertEqual(tmpl['mutable'], ['time', 'transactions', 'prevblock'])
        self.assertEqual(tmpl['noncerange'], '00000000ffffffff')
        self.assertEqual((tmpl['sigoplimit'], tmpl['sizelimit'], tmpl['weightlimit']), (80000, 4000000, 4000000))
        self.assertLessEqual(abs(tmpl['curtime'] - t0), 60)
        self.assertEqual(tmpl['bits'], '207fffff')
        self.assertEqual(tmpl['height'], 201)
        self.assertEqual(tmpl['default_witness_commitment'],
                         (bt.WITNESS_COMMITMENT_PREFIX + bt.hash256(bytes(64))).hex())
        self.assertEqual(tmpl['default_witness_commitment'],
                         '6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9')
        # A block made from it is accepted.
        b = bt.block_from_template(tmpl)
        self.assertIsNone(node.submitblock(b.hex()))
        self.assertEqual(node.getbestblockhash(), b.hash)

    def test_template_transactions(self):
        node = self.node
        self.build_chain()
        self.wallet.generate(1)       # a new tip: the next template is fresh
        w = self.wallet
        low = w.send_self_transfer(fee=200)
        high = w.send_self_transfer(fee=10_000)
        parent = w.send_self_transfer(fee=300)
        child = w.send_self_transfer(utxo=w.utxos[-1], fee=30_000)
        self.assertEqual(child['tx'].vin[0].prevout.txid, parent['txid'])
        sigops = w.send_to(P2PK_SCRIPT, 10_000, fee=5_000)
        self.assertEqual(node.getmininginfo()['pooledtx'], 5)

        tmpl = self.template()
        order = [parent, child, high, sigops, low]         # by (package) fee rate
        self.assertEqual([t['txid'] for t in tmpl['transactions']], [s['txid'] for s in order])
        for t, s in zip(tmpl['transactions'], order):
            with self.subTest(txid=s['txid']):
                self.assertEqual(list(t), TEMPLATE_TX_KEYS)
                self.assertEqual(t['data'], s['hex'])
                self.assertEqual(t['hash'], s['wtxid'])
                self.assertEqual(t['fee'], s['fee'])
                self.assertEqual(t['weight'], s['weight'])
        self.assertEqual([t['depends'] for t in tmpl['transactions']], [[], [1], [], [], []])
        self.assertEqual([t['sigops'] for t in tmpl['transactions']], [0, 0, 0, 4, 0])
        fees = sum(s['fee'] for s in order)
        self.assertEqual(tmpl['coinbasevalue'], bt.block_subsidy(tmpl['height']) + fees)
        wroot = bt.merkle_root([bytes(32)] + [bt.hex_to_hash(s['wtxid']) for s in order])
        self.assertEqual(tmpl['default_witness_commitment'],
                         (bt.WITNESS_COMMITMENT_PREFIX + bt.hash256(wroot + bytes(32))).hex())

        # prioritisetransaction moves the cheapest first; the template still
        # shows (and the coinbase still gets) the fees actually paid. A
        # template is rebuilt when the mempool changed and 5 s passed.
        self.assertIs(node.prioritisetransaction(low['txid'], 0, 100_000), True)
        self.assertEqual(node.getprioritisedtransactions(),
                         {low['txid']: {'fee_delta': 100_000, 'in_mempool': True, 'modified_fee': 100_200}})
        tmpl = self.wait_until(lambda: (lambda t: t['transactions'][0]['txid'] == low['txid'] and t)(self.template()),
                               timeout=30, interval=0.5)
        self.assertEqual(tmpl['transactions'][0]['fee'], 200)
        self.assertEqual(tmpl['coinbasevalue'], bt.block_subsidy(tmpl['height']) + fees)
        # Down to no fee at all: below -blockmintxfee, left out.
        self.assertIs(node.prioritisetransaction(txid=sigops['txid'], fee_delta=-5_000), True)
        tmpl = self.wait_until(lambda: (lambda t: sigops['txid'] not in [x['txid'] for x in t['transactions']] and t)(
            self.template()), timeout=30, interval=0.5)
        self.assertEqual(len(tmpl['transactions']), 4)
        self.assertEqual(tmpl['coinbasevalue'], bt.block_subsidy(tmpl['height']) + fees - 5_000)
        info = node.getmininginfo()
        self.assertEqual(info['currentblocktx'], 4)
        self.assertEqual(info['currentblockweight'],
                         bt.DEFAULT_BLOCK_RESERVED_WEIGHT + sum(t['weight'] for t in tmpl['transactions']))
        self.assert_rpc_error(-8, 'Priority is no longer supported, dummy argument to prioritisetransaction must be 0.',
                              node.prioritisetransaction, low['txid'], 1, 100)
        # A transaction the mempool does not have can be prioritised ahead.
        absent = bt.hash_to_hex(bt.hash256(b'absent'))
        self.assertIs(node.prioritisetransaction(absent, 0, 1234), True)
        self.assertEqual(node.getprioritisedtransactions()[absent], {'fee_delta': 1234, 'in_mempool': False})

        b = bt.block_from_template(tmpl)
        self.assertIsNone(node.submitblock(b.hex()))
        self.assertEqual(node.getrawmempool(), [sigops['txid']])
        self.assertEqual(b.txs[0].vout[0].value, bt.block_subsidy(tmpl['height']) + fees - 5_000)

    def test_proposals(self):
        node = self.node
        self.build_chain(blocks=20)
        tmpl = self.template()

        def propose(block_or_hex):
            data = block_or_hex if isinstance(block_or_hex, str) else block_or_hex.hex()
            return node.getblocktemplate({'mode': 'proposal', 'data': data, 'rules': ['segwit']})

        b = bt.block_from_template(tmpl)
        self.assertIsNone(propose(b))
        # Proposals are checked without their proof of work.
        unsolved = b.copy().unsolve()
        self.assertIsNone(propose(unsolved))
        greedy = b.copy()
        greedy.txs[0].vout[0].value += 1
        greedy.refresh().solve()
        self.assertEqual(propose(greedy), 'bad-cb-amount')
        badroot = b.copy()
        badroot.merkle_root = bytes(32)
        self.assertEqual(propose(badroot), 'bad-txnmrklroot')
        # Not filled in as submitblock does: the coinbase witness must be there.
        nowitness = b.copy()
        nowitness.txs[0].vin[0].witness = []
        self.assertEqual(propose(nowitness), 'bad-witness-nonce-size')
        old = b.copy()
        old.time = node.getblockheader(node.getbestblockhash())['mediantime']
        self.assertEqual(propose(old), 'time-too-old')
        side = bt.create_block(node.getblockhash(19), 20, time=tmpl['curtime'])
        self.assertEqual(propose(side), 'inconclusive-not-best-prevblk')
        self.assert_rpc_error(-3, 'Missing data String key for proposal', node.getblocktemplate,
                              {'mode': 'proposal', 'rules': ['segwit']})
        self.assert_rpc_error(-22, 'Block decode failed', propose, 'ff')
        # Known blocks.
        self.assertIsNone(node.submitblock(b.hex()))
        self.assertEqual(propose(b), 'duplicate')
        h = node.getblockcount() + 1
        bad = bt.create_block(node.getbestblockhash(), h, coinbase=bt.create_coinbase(h, value=bt.block_subsidy(h) + 1),
                              time=bt.next_block_time(node))
        self.assertEqual(node.submitblock(bad.hex()), 'bad-cb-amount')
        self.assertEqual(propose(bad), 'duplicate-invalid')
        header_only = bt.create_block(node.getbestblockhash(), h, time=bt.next_block_time(node))
        self.assertIsNone(node.submitheader(header_only.header_hex()))
        self.assertEqual(propose(header_only), 'duplicate-inconclusive')


class Generate(MiningTestCase):
    def check_coinbase(self, block_hash, script_pubkey, value=None):
        node = self.node
        b = bt.get_block(node, block_hash)
        h = node.getblockheader(block_hash)['height']
        cb = b.txs[0]
        self.assertEqual(cb.vin[0].script_sig, bt.push_int(h) + b'\x00')
        self.assertEqual(cb.vin[0].sequence, bt.MAX_SEQUENCE_NONFINAL)
        self.assertEqual(cb.locktime, h - 1)
        self.assertEqual(cb.vin[0].witness, [bytes(32)])
        self.assertEqual(cb.vout[0].script_pubkey, script_pubkey)
        self.assertEqual(cb.vout[0].value, bt.block_subsidy(h) if value is None else value)
        self.assertEqual(len(cb.vout), 2)
        self.assertIsNone(b.check_witness_commitment())
        self.assertEqual(b.compute_merkle_root(), b.merkle_root)
        self.assertTrue(b.check_pow())
        self.assertEqual(b.bits, bt.REGTEST_BITS)
        self.assertEqual(b.version, 0x20000000 if h < 72 else b.version)
        return b

    def test_generatetoaddress(self):
        node = self.node
        t0 = int(time.time())
        hashes = node.generatetoaddress(1, bt.P2WSH_OP_TRUE_ADDRESS)
        self.assertEqual(hashes, [node.getbestblockhash()])
        b = self.check_coinbase(hashes[0], bt.P2WSH_OP_TRUE)
        self.assertLessEqual(abs(b.time - t0), 60)
        # Every kind of regtest address (key_io vectors).
        for addr, spk in (('mfhE6jAUwjUDNZhaX1PAsDTKfneQF2Nshc', '76a91401f15a4cc063dae4f4d56b89bfbc8bcc9ae5387c88ac'),
                          ('2MxNm1VHyVU4RuP3u1c1v5aQLk2dQjwy1Qk', 'a91438456f7c076356abadcc67b92ad777eb20fb9f8887'),
                          ('bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9', '00146f58bac9506f9bfb821d62e69330410bb56f0085'),
                          ('bcrt1p39a4s4vdcw9kqa8w2t0rp7aj8kfxyw7mce5sk5d70x6wnnmpvt7skf2kxy',
                           '5120897b58558dc38b6074ee52de30fbb23d92623bdbc6690b51be79b4e9cf6162fd')):
            with self.subTest(address=addr):
                hashes = node.generatetoaddress(2, addr)
                self.assertEqual(len(hashes), 2)
                self.assertEqual(node.getblockheader(hashes[1])['previousblockhash'], hashes[0])
                for h in hashes:
                    self.check_coinbase(h, bytes.fromhex(spk))
        self.assertEqual(node.getblockcount(), 9)
        self.assertEqual(node.generatetoaddress(0, bt.P2WSH_OP_TRUE_ADDRESS), [])
        # maxtries 0: no try, no block.
        self.assertEqual(node.generatetoaddress(1, bt.P2WSH_OP_TRUE_ADDRESS, 0), [])
        self.assertEqual(node.getblockcount(), 9)
        for bad in ('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'notanaddress', ''):
            self.assert_rpc_error(-5, 'Error: Invalid address', node.generatetoaddress, 1, bad)
        # The coinbase can be spent 100 blocks later.
        self.wallet.rescan()
        self.wallet.generate(100)
        sent = self.wallet.send_self_transfer()
        hashes = self.wallet.generate(1)
        self.assertIn(sent['txid'], node.getblock(hashes[0])['tx'])
        # Core's check (mining_basic test_height_in_locktime), through getblock.
        v2 = node.getblock(hashes[0], 2)
        self.assertEqual(v2['tx'][0]['locktime'], v2['height'] - 1)
        self.assertEqual(v2['tx'][0]['vin'][0]['sequence'], bt.MAX_SEQUENCE_NONFINAL)
        self.assert_rpc_error(-32601, 'has been replaced by the -generate cli option', node.generate)

    def test_generatetodescriptor(self):
        node = self.node
        for desc, spk in (('raw(51)', bt.BARE_OP_TRUE), (bt.with_checksum('raw(51)'), bt.BARE_OP_TRUE),
                          (f'addr({bt.P2WSH_OP_TRUE_ADDRESS})', bt.P2WSH_OP_TRUE),
                          (bt.with_checksum(f'addr({bt.P2WSH_OP_TRUE_ADDRESS})'), bt.P2WSH_OP_TRUE),
                          ('raw(6a04deadbeef)', bytes.fromhex('6a04deadbeef'))):
            with self.subTest(descriptor=desc):
                hashes = node.generatetodescriptor(1, desc)
                self.assertEqual(hashes, [node.getbestblockhash()])
                self.check_coinbase(hashes[0], spk)
        wrong = 'raw(51)#aaaaaaaa'
        e = self.assert_rpc_error(-5, "Provided checksum 'aaaaaaaa' does not match computed checksum",
                                  node.generatetodescriptor, 1, wrong)
        self.assertIn(bt.descriptor_checksum('raw(51)'), e.message)
        self.assert_rpc_error(-5, None, node.generatetodescriptor, 1, 'nonsense(51)')
        self.assertEqual(node.getblockcount(), 5)

    def test_generateblock(self):
        node = self.node
        w = self.wallet
        w.generate(101)
        # Only the coinbase.
        r = node.generateblock(bt.P2WSH_OP_TRUE_ADDRESS, [])
        self.assertEqual(list(r), ['hash'])
        self.assertEqual(node.getbestblockhash(), r['hash'])
        self.assertEqual(len(bt.get_block(node, r['hash']).txs), 1)
        w.scan_block(bt.get_block(node, r['hash']), node.getblockcount())
        # A mempool transaction by txid, then a raw one the mempool never saw,
        # in that order. Fees are not claimed (the coinbase was made first).
        in_pool = w.send_self_transfer(fee=4000)
        raw = w.create_self_transfer(fee=7000)
        r = node.generateblock('raw(51)', [in_pool['txid'], raw.hex()])
        b = self.check_coinbase(r['hash'], bt.BARE_OP_TRUE)
        self.assertEqual([tx.txid for tx in b.txs[1:]], [in_pool['txid'], raw.txid])
        self.assertEqual(node.getrawmempool(), [])
        w.scan_block(b, node.getblockcount())
        # submit=false: the block comes back as hex, the tip stays.
        tip = node.getbestblockhash()
        u = w.get_utxo()
        tx = w.create_self_transfer(utxo=u)
        r = node.generateblock(bt.with_checksum(f'addr({bt.P2WSH_OP_TRUE_ADDRESS})'), [tx.hex()], False)
        self.assertEqual(list(r), ['hash', 'hex'])
        self.assertEqual(node.getbestblockhash(), tip)
        b = bt.Block.from_hex(r['hex'])
        self.assertEqual(b.hash, r['hash'])
        self.assertEqual(b.hex(), r['hex'])
        self.assertEqual(b.prev_hash, tip)
        self.assertEqual([t.txid for t in b.txs[1:]], [tx.txid])
        self.assertIsNone(b.check_witness_commitment())
        # ... and submitblock takes it.
        self.assertIsNone(node.submitblock(r['hex']))
        self.assertEqual(node.getbestblockhash(), r['hash'])
        self.assertEqual(node.getblock(r['hash'], 0), r['hex'])
        self.assertEqual(node.submitblock(r['hex']), 'duplicate')
        w.scan_block(b, node.getblockcount())

        missing = bt.hash_to_hex(bt.hash256(b'missing'))
        self.assert_rpc_error(-5, f'Transaction {missing} not in mempool.', node.generateblock,
                              bt.P2WSH_OP_TRUE_ADDRESS, [missing])
        self.assert_rpc_error(-22, 'Transaction decode failed for ff. Make sure the tx has at least one input.',
                              node.generateblock, bt.P2WSH_OP_TRUE_ADDRESS, ['ff'])
        self.assert_rpc_error(-5, 'Error: Invalid address or descriptor', node.generateblock, 'notanaddress', [])
        # A transaction whose input is already spent; one already confirmed
        # (its outputs unspent: BIP 30).
        double = w.create_self_transfer(utxo=u, fee=2000)
        self.assert_rpc_error(-25, 'TestBlockValidity failed: bad-txns-inputs-missingorspent', node.generateblock,
                              bt.P2WSH_OP_TRUE_ADDRESS, [double.hex()])
        self.assert_rpc_error(-25, 'TestBlockValidity failed: bad-txns-BIP30', node.generateblock,
                              bt.P2WSH_OP_TRUE_ADDRESS, [tx.hex()])
        self.assertEqual(node.getbestblockhash(), r['hash'])


if __name__ == '__main__':
    test_framework.main()
