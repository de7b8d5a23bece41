#!/usr/bin/env python3
"""The "blockchain" RPC methods over a real chain, with Umkoin Core v31.0's
result fields, their order, values and errors: getblockchaininfo,
getblockcount, getbestblockhash, getblockhash, getblockheader, getblock
(verbosity 0-3), getchaintips, getdifficulty, getchaintxstats, getblockstats,
gettxout, gettxoutsetinfo, getdeploymentinfo, invalidateblock,
reconsiderblock, preciousblock, verifychain, pruneblockchain, the waitfor*
methods and getrawtransaction.

Blocks come from generatetoaddress, or are built here (blocktools) and sent
with submitblock / submitheader. UTXO set hashes are checked against a set
rebuilt in Python from the node's blocks.

Usage: rpc_blockchain.py --node PATH/TO/umkoin-node
"""
import decimal
import os
import threading
import time

import blocktools as bt
import test_framework

D = decimal.Decimal
GENESIS = bt.REGTEST_GENESIS_HASH
ZERO = '00' * 32
REGTEST_TARGET_HEX = f'{bt.REGTEST_TARGET:064x}'
REGTEST_DIFFICULTY = D('4.656542373906925e-10')
ADDR = bt.P2WSH_OP_TRUE_ADDRESS
# Another output script, so blocks mined on the same parent at the same time differ.
ADDR2 = bt.segwit_address(0, bt.sha256(b'another script'))

HEADER_KEYS = ['hash', 'confirmations', 'height', 'version', 'versionHex', 'merkleroot', 'time',
               'mediantime', 'nonce', 'bits', 'target', 'difficulty', 'chainwork', 'nTx']
BLOCK_EXTRA_KEYS = ['strippedsize', 'size', 'weight', 'coinbase_tx', 'tx']
TX_KEYS = ['txid', 'hash', 'version', 'size', 'vsize', 'weight', 'locktime', 'vin', 'vout']
CHAININFO_KEYS = ['chain', 'blocks', 'headers', 'bestblockhash', 'bits', 'target', 'difficulty',
                  'time', 'mediantime', 'verificationprogress', 'initialblockdownload', 'chainwork',
                  'size_on_disk', 'pruned']
BLOCKSTATS_KEYS = ['avgfee', 'avgfeerate', 'avgtxsize', 'blockhash', 'feerate_percentiles',
                   'height', 'ins', 'maxfee', 'maxfeerate', 'maxtxsize', 'medianfee', 'mediantime',
                   'mediantxsize', 'minfee', 'minfeerate', 'mintxsize', 'outs', 'subsidy',
                   'swtotal_size', 'swtotal_weight', 'swtxs', 'time', 'total_out', 'total_size',
                   'total_weight', 'totalfee', 'txs', 'utxo_increase', 'utxo_size_inc',
                   'utxo_increase_actual', 'utxo_size_inc_actual']
SCRIPT_FLAGS = ['CHECKLOCKTIMEVERIFY', 'CHECKSEQUENCEVERIFY', 'DERSIG', 'NULLDUMMY', 'P2SH',
                'TAPROOT', 'WITNESS']
NOT_FOUND_NO_INDEX = ('No such mempool transaction. Use -txindex or provide a block hash to '
                      'enable blockchain transaction queries. Use gettransaction for wallet '
                      'transactions.')
PER_UTXO_OVERHEAD = 41


def chainwork(height):
    """Regtest: every block is worth 2."""
    return f'{(height + 1) * bt.block_proof(bt.REGTEST_BITS):064x}'


def utxo_size(out):
    return len(out.serialize()) + PER_UTXO_OVERHEAD


def spend_in_block(node, wallet, fee=10_000, n_outputs=1):
    """A self-transfer of the wallet's oldest mature coin, mined in a block
    built here (not through the mempool). Returns (tx, block, spent utxo)."""
    utxo = wallet.get_utxo()
    tx = wallet.create_self_transfer(utxo=utxo, fee=fee, n_outputs=n_outputs)
    block = bt.build_on_tip(node, txs=[tx], fees=fee)
    res = node.submitblock(block.hex())
    if res is not None:
        raise AssertionError(f'submitblock: {res}')
    wallet.scan_block(block, node.getblockcount())
    return tx, block, utxo


class Genesis(test_framework.TestCase):
    """A chain of the genesis block alone."""

    def test_genesis(self):
        node = self.nodes[0]
        self.assertEqual(node.getblockcount(), 0)
        self.assertEqual(node.getbestblockhash(), GENESIS)
        self.assertEqual(node.getblockhash(0), GENESIS)
        self.assertEqual(node.getdifficulty(), REGTEST_DIFFICULTY)

        info = node.getblockchaininfo()
        self.assertEqual(list(info), CHAININFO_KEYS + ['warnings'])
        self.assertEqual(info['chain'], 'regtest')
        self.assertEqual((info['blocks'], info['headers']), (0, 0))
        self.assertEqual(info['bestblockhash'], GENESIS)
        self.assertEqual(info['bits'], '207fffff')
        self.assertEqual(info['target'], REGTEST_TARGET_HEX)
        self.assertEqual(info['time'], bt.REGTEST_GENESIS_TIME)
        self.assertEqual(info['mediantime'], bt.REGTEST_GENESIS_TIME)
        self.assertEqual(info['chainwork'], chainwork(0))
        self.assertTrue(info['initialblockdownload'])
        self.assertFalse(info['pruned'])
        self.assertGreater(info['size_on_disk'], 0)
        self.assertEqual(info['warnings'], [])

        header = node.getblockheader(GENESIS)
        self.assertEqual(list(header), HEADER_KEYS)       # no previous, no next block
        self.assertEqual(header['confirmations'], 1)
        self.assertEqual(header['merkleroot'], bt.REGTEST_GENESIS_MERKLE_ROOT)
        self.assertEqual(header['nTx'], 1)
        self.assertEqual(header['versionHex'], f"{header['version']:08x}")
        raw = node.getblockheader(GENESIS, False)
        self.assertEqual(len(raw), 160)
        self.assertEqual(bt.Block.from_hex(node.getblock(GENESIS, 0)).header_hex(), raw)

        # The genesis block has no undo data: verbosity 3 shows no prevout or fee.
        b3 = node.getblock(GENESIS, 3)
        self.assertNotIn('fee', b3['tx'][0])
        self.assertEqual(b3['tx'][0]['txid'], bt.REGTEST_GENESIS_MERKLE_ROOT)

        self.assertEqual(node.getchaintips(),
                         [{'height': 0, 'hash': GENESIS, 'branchlen': 0, 'status': 'active'}])

        stats = node.gettxoutsetinfo()
        self.assertEqual(stats['height'], 0)
        self.assertEqual(stats['bestblock'], GENESIS)
        self.assertEqual((stats['txouts'], stats['transactions'], stats['bogosize']), (0, 0, 0))
        self.assertEqual(stats['total_amount'], D('0E-8'))
        self.assertEqual(stats['hash_serialized_3'], bt.UtxoSet().hash_serialized_3())
        self.assertEqual(node.gettxoutsetinfo('muhash')['muhash'], bt.UtxoSet().muhash())

        self.assertEqual(node.getchaintxstats(),
                         {'time': bt.REGTEST_GENESIS_TIME, 'txcount': 1,
                          'window_final_block_hash': GENESIS, 'window_final_block_height': 0,
                          'window_block_count': 0})

        dep = node.getdeploymentinfo()
        self.assertEqual(dep['hash'], GENESIS)
        self.assertEqual(dep['height'], 0)
        # Segwit (with NULLDUMMY) applies from genesis; the others from height 1.
        self.assertEqual(dep['script_flags'], ['NULLDUMMY', 'P2SH', 'TAPROOT', 'WITNESS'])
        self.assertEqual(dep['deployments']['bip34'], {'type': 'buried', 'active': True, 'height': 1})
        self.assertEqual(dep['deployments']['testdummy']['bip9']['status'], 'defined')

        stats = node.getblockstats(0)
        self.assertEqual(list(stats), BLOCKSTATS_KEYS)
        self.assertEqual((stats['txs'], stats['ins'], stats['outs']), (1, 0, 1))
        # The genesis output never enters the UTXO set.
        self.assertEqual((stats['utxo_increase'], stats['utxo_increase_actual']), (1, 0))
        self.assertEqual(stats['utxo_size_inc_actual'], 0)
        self.assertEqual(stats['subsidy'], 50 * bt.COIN)
        self.assertEqual(stats['feerate_percentiles'], [0, 0, 0, 0, 0])

        self.assertTrue(node.verifychain())

    def test_errors(self):
        node = self.nodes[0]
        self.assert_rpc_error(-8, 'Block height out of range', node.getblockhash, 1)
        self.assert_rpc_error(-8, 'Block height out of range', node.getblockhash, -1)
        self.assert_rpc_error(-5, 'Block not found', node.getblockheader, ZERO)
        self.assert_rpc_error(-8, "hash must be of length 64 (not 2, for 'zz')",
                              node.getblockheader, 'zz')
        self.assert_rpc_error(-5, 'Block not found', node.getblock, ZERO)
        self.assert_rpc_error(-8, "blockhash must be hexadecimal string (not '" + 'z' * 64 + "')",
                              node.getblock, 'z' * 64)
        self.assert_rpc_error(-5, 'Block not found', node.getdeploymentinfo, ZERO)
        self.assert_rpc_error(-5, 'Block not found', node.getchaintxstats, None, ZERO)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type number',
                              node.getchaintxstats, '')
        self.assert_rpc_error(-8, "Invalid block count: should be between 0 and the block's "
                              "height - 1", node.getchaintxstats, -1)
        self.assert_rpc_error(-8, 'Target block height -1 is negative', node.getblockstats, -1)
        self.assert_rpc_error(-8, 'Target block height 1 after current tip 0',
                              node.getblockstats, 1)
        self.assert_rpc_error(-5, 'Block not found', node.getblockstats, ZERO)
        self.assert_rpc_error(-8, "Invalid selected statistic 'nosuch'", node.getblockstats, 0,
                              ['height', 'nosuch'])
        self.assert_rpc_error(-3, 'JSON value of type number is not of expected type string',
                              node.getblockstats, 0, [1])
        self.assert_rpc_error(-8, "'foo hash' is not a valid hash_type", node.gettxoutsetinfo,
                              'foo hash')
        self.assert_rpc_error(-8, 'Querying specific block heights requires coinstatsindex',
                              node.gettxoutsetinfo, 'muhash', 0)
        self.assert_rpc_error(-1, 'JSON integer out of range', node.gettxout, GENESIS, -1)
        self.assert_rpc_error(-5, 'Block not found', node.invalidateblock, ZERO)
        self.assert_rpc_error(-5, 'Block not found', node.reconsiderblock, ZERO)
        self.assert_rpc_error(-5, 'Block not found', node.preciousblock, ZERO)
        self.assert_rpc_error(-1, 'Cannot prune blocks because node is not in prune mode.',
                              node.pruneblockchain, 1)
        self.assert_rpc_error(-1, 'Negative timeout', node.waitforblockheight, 1, -1)
        self.assert_rpc_error(-5, 'The genesis block coinbase is not considered an ordinary '
                              'transaction and cannot be retrieved', node.getrawtransaction,
                              bt.REGTEST_GENESIS_MERKLE_ROOT)
        self.assert_rpc_error(-5, NOT_FOUND_NO_INDEX, node.getrawtransaction, '11' * 32)
        self.assert_rpc_error(-5, 'Block hash not found', node.getrawtransaction, '11' * 32, 1, ZERO)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type number',
                              node.getrawtransaction, '11' * 32, '1')
        # The selected statistics come sorted, once each.
        self.assertEqual(list(node.getblockstats(0, ['txs', 'height', 'txs'])), ['height', 'txs'])
        self.assertIsNone(node.gettxout(bt.REGTEST_GENESIS_MERKLE_ROOT, 0))


class Chain(test_framework.TestCase):
    """A chain of mined blocks, one of them with a transaction built here."""

    def test_chain(self):
        node = self.nodes[0]
        wallet = bt.AnyoneCanSpend(node)
        hashes = wallet.generate(105)
        self.assertEqual(node.getblockcount(), 105)
        self.assertEqual(node.getbestblockhash(), hashes[-1])
        for h, bh in enumerate(hashes, start=1):
            self.assertEqual(node.getblockhash(h), bh)
        info = node.getblockchaininfo()
        self.assertEqual((info['blocks'], info['headers']), (105, 105))
        self.assertFalse(info['initialblockdownload'])
        self.assertEqual(info['verificationprogress'], 1)
        self.assertEqual(info['chainwork'], chainwork(105))

        # Headers and blocks of the chain agree with each other.
        for height in (0, 1, 50, 104, 105):
            h = node.getblockhash(height)
            header = node.getblockheader(h)
            expect = HEADER_KEYS + (['previousblockhash'] if height > 0 else []) \
                + (['nextblockhash'] if height < 105 else [])
            self.assertEqual(list(header), expect)
            self.assertEqual(header['height'], height)
            self.assertEqual(header['confirmations'], 105 - height + 1)
            self.assertEqual(header['chainwork'], chainwork(height))
            self.assertEqual(header['difficulty'], REGTEST_DIFFICULTY)
            self.assertEqual(header['target'], REGTEST_TARGET_HEX)
            if height > 0:
                self.assertEqual(header['previousblockhash'], node.getblockhash(height - 1))
            if height < 105:
                self.assertEqual(header['nextblockhash'], node.getblockhash(height + 1))
            self.check_block_verbosities(h, header)

        # Median time past: the median of the last eleven timestamps.
        times = [node.getblockheader(node.getblockhash(x))['time'] for x in range(95, 106)]
        self.assertEqual(node.getblockheader(hashes[-1])['mediantime'], sorted(times)[5])

        # A block with a transaction spending the first coinbase.
        tx, block, spent = spend_in_block(node, wallet, fee=10_000)
        height = 106
        self.assertEqual(node.getbestblockhash(), block.hash)
        self.check_block_verbosities(block.hash, node.getblockheader(block.hash))

        b2 = node.getblock(block.hash, 2)
        self.assertNotIn('fee', b2['tx'][0])
        self.assertEqual(b2['tx'][1]['fee'], D('0.00010000'))
        self.assertEqual(list(b2['tx'][1]), TX_KEYS + ['fee', 'hex'])
        self.assertNotIn('prevout', b2['tx'][1]['vin'][0])
        b3 = node.getblock(block.hash, 3)
        vin = b3['tx'][1]['vin'][0]
        self.assertEqual(list(vin), ['txid', 'vout', 'scriptSig', 'txinwitness', 'prevout',
                                     'sequence'])
        spent_out = node.getblock(node.getblockhash(1), 2)['tx'][0]['vout'][0]
        self.assertEqual(vin['prevout'], {'generated': True, 'height': 1,
                                          'value': spent_out['value'],
                                          'scriptPubKey': spent_out['scriptPubKey']})
        self.assertEqual(node.getblock(block.hash, True), node.getblock(block.hash, 1))
        self.assertEqual(node.getblock(block.hash, False), block.hex())

        self.check_blockstats(block, tx, spent, height)
        self.check_gettxout(block, tx, spent, height)
        self.check_getrawtransaction(block, tx, spent)
        self.check_txoutset(height)

        stats = node.getchaintxstats()
        self.assertEqual(stats['txcount'], height + 2)     # genesis and the spend
        self.assertEqual(stats['window_block_count'], height - 1)
        self.assertEqual(stats['window_tx_count'], height)
        first = node.getblockheader(node.getblockhash(1))
        last = node.getblockheader(block.hash)
        self.assertEqual(stats['window_interval'], last['mediantime'] - first['mediantime'])
        stats = node.getchaintxstats(1, node.getblockhash(2))
        self.assertEqual(list(stats), ['time', 'txcount', 'window_final_block_hash',
                                       'window_final_block_height', 'window_block_count',
                                       'window_interval', 'window_tx_count'] +
                         (['txrate'] if stats['window_interval'] > 0 else []))
        self.assertEqual((stats['txcount'], stats['window_tx_count']), (3, 1))
        self.assert_rpc_error(-8, "Invalid block count: should be between 0 and the block's "
                              'height - 1', node.getchaintxstats, height)

        self.check_deploymentinfo(height)
        self.assertTrue(node.verifychain())
        self.assertTrue(node.verifychain(4, 0))
        self.assertTrue(node.verifychain(0, 1))

    def check_block_verbosities(self, h, header):
        node = self.nodes[0]
        raw = node.getblock(h, 0)
        block = bt.Block.from_hex(raw)
        self.assertEqual(block.hash, h)
        b1 = node.getblock(h)
        b2 = node.getblock(h, 2)
        b3 = node.getblock(h, 3)
        self.assertEqual(list(b1), list(header) + BLOCK_EXTRA_KEYS)
        self.assertEqual({k: b1[k] for k in header}, header)
        self.assertEqual(b1['tx'], [t.txid for t in block.txs])
        self.assertEqual(b1['nTx'], len(block.txs))
        self.assertEqual(b1['size'], block.total_size())
        self.assertEqual(b1['strippedsize'], block.stripped_size())
        self.assertEqual(b1['weight'], block.weight())
        for other in (b2, b3):
            self.assertEqual({k: v for k, v in other.items() if k != 'tx'},
                             {k: v for k, v in b1.items() if k != 'tx'})
            self.assertEqual([t['txid'] for t in other['tx']], b1['tx'])
            self.assertEqual([t['hex'] for t in other['tx']], [t.hex() for t in block.txs])
        cb = block.txs[0]
        cbj = b1['coinbase_tx']
        expect = {'version': cb.version, 'locktime': cb.locktime, 'sequence': cb.vin[0].sequence,
                  'coinbase': cb.vin[0].script_sig.hex()}
        if cb.vin[0].witness:
            expect['witness'] = cb.vin[0].witness[0].hex()
        self.assertEqual(cbj, expect)
        self.assertEqual(cbj['coinbase'], b2['tx'][0]['vin'][0]['coinbase'])

    def check_blockstats(self, block, tx, spent, height):
        node = self.nodes[0]
        stats = node.getblockstats(height)
        self.assertEqual(list(stats), BLOCKSTATS_KEYS)
        self.assertEqual(node.getblockstats(block.hash), stats)
        header = node.getblockheader(block.hash)
        weight = tx.weight()
        feerate = 10_000 * 4 // weight
        spent_out = bt.TxOut(spent.value, spent.script_pubkey)
        all_outs = [o for t in block.txs for o in t.vout]
        spendable = [o for o in all_outs if not bt.is_unspendable(o.script_pubkey)]
        expect = {
            'avgfee': 10_000, 'avgfeerate': feerate, 'avgtxsize': tx.total_size(),
            'blockhash': block.hash, 'feerate_percentiles': [feerate] * 5, 'height': height,
            'ins': 1, 'maxfee': 10_000, 'maxfeerate': feerate, 'maxtxsize': tx.total_size(),
            'medianfee': 10_000, 'mediantime': header['mediantime'],
            'mediantxsize': tx.total_size(), 'minfee': 10_000, 'minfeerate': feerate,
            'mintxsize': tx.total_size(), 'outs': len(all_outs),
            'subsidy': bt.block_subsidy(height), 'swtotal_size': tx.total_size(),
            'swtotal_weight': weight, 'swtxs': 1, 'time': header['time'],
            'total_out': tx.value_out(), 'total_size': tx.total_size(), 'total_weight': weight,
            'totalfee': 10_000, 'txs': 2, 'utxo_increase': len(all_outs) - 1,
            'utxo_size_inc': sum(utxo_size(o) for o in all_outs) - utxo_size(spent_out),
            'utxo_increase_actual': len(spendable) - 1,
            'utxo_size_inc_actual': sum(utxo_size(o) for o in spendable) - utxo_size(spent_out),
        }
        self.assertEqual(stats, expect)
        self.assertEqual(node.getblockstats(height, ['minfeerate', 'avgfeerate']),
                         {'avgfeerate': feerate, 'minfeerate': feerate})
        # A block of only a coinbase.
        stats = node.getblockstats(height - 1)
        self.assertEqual((stats['txs'], stats['ins'], stats['totalfee'], stats['minfee'],
                          stats['mintxsize'], stats['avgfee']), (1, 0, 0, 0, 0, 0))

    def check_gettxout(self, block, tx, spent, height):
        node = self.nodes[0]
        # The spent coinbase is gone; the commitment output never was there.
        self.assertIsNone(node.gettxout(spent.txid, 0))
        self.assertIsNone(node.gettxout(spent.txid, 1))
        self.assertIsNone(node.gettxout(spent.txid, 1000))
        cb2 = node.getblock(node.getblockhash(2))['tx'][0]
        out = node.gettxout(cb2, 0)
        self.assertEqual(list(out), ['bestblock', 'confirmations', 'value', 'scriptPubKey',
                                     'coinbase'])
        self.assertEqual(out['bestblock'], block.hash)
        self.assertEqual(out['confirmations'], height - 2 + 1)
        self.assertEqual(out['value'], D('50.00000000'))
        self.assertTrue(out['coinbase'])
        self.assertEqual(out['scriptPubKey']['address'], ADDR)
        self.assertEqual(out['scriptPubKey']['type'], 'witness_v0_scripthash')
        self.assertEqual(out['scriptPubKey']['hex'], bt.P2WSH_OP_TRUE.hex())
        out = node.gettxout(tx.txid, 0, False)
        self.assertEqual(out['confirmations'], 1)
        self.assertFalse(out['coinbase'])
        self.assertEqual(out['value'], bt.amount(tx.vout[0].value))

    def check_getrawtransaction(self, block, tx, spent):
        node = self.nodes[0]
        self.assert_rpc_error(-5, NOT_FOUND_NO_INDEX, node.getrawtransaction, tx.txid)
        self.assertEqual(node.getrawtransaction(tx.txid, 0, block.hash), tx.hex())
        r1 = node.getrawtransaction(tx.txid, 1, block.hash)
        self.assertEqual(list(r1), ['in_active_chain'] + TX_KEYS + ['hex', 'blockhash',
                                                                    'confirmations', 'time',
                                                                    'blocktime'])
        self.assertTrue(r1['in_active_chain'])
        self.assertEqual(r1['blockhash'], block.hash)
        self.assertEqual(r1['confirmations'], 1)
        self.assertEqual(r1['time'], block.time)
        self.assertEqual(r1['blocktime'], block.time)
        self.assertEqual(r1['hex'], tx.hex())
        self.assertEqual(node.getrawtransaction(tx.txid, True, block.hash), r1)
        r2 = node.getrawtransaction(tx.txid, 2, block.hash)
        self.assertEqual(list(r2), ['in_active_chain'] + TX_KEYS + ['fee', 'hex', 'blockhash',
                                                                    'confirmations', 'time',
                                                                    'blocktime'])
        self.assertEqual(r2['fee'], D('0.00010000'))
        self.assertEqual(r2['vin'][0]['prevout']['height'], spent.height)
        self.assertEqual(r2['vin'][0]['prevout']['value'], bt.amount(spent.value))
        self.assertEqual(r2, node.getblock(block.hash, 3)['tx'][1] | {
            'in_active_chain': True, 'blockhash': block.hash, 'confirmations': 1,
            'time': block.time, 'blocktime': block.time})
        # The coinbase: no fee, no prevout.
        cb = node.getrawtransaction(block.txs[0].txid, 2, block.hash)
        self.assertNotIn('fee', cb)
        self.assertEqual(node.getrawtransaction(block.txs[0].txid, 0, block.hash),
                         block.txs[0].hex())
        self.assert_rpc_error(-5, 'No such transaction found in the provided block. Use '
                              'gettransaction for wallet transactions.', node.getrawtransaction,
                              tx.txid, 1, node.getblockhash(1))

    def check_txoutset(self, height):
        node = self.nodes[0]
        ref = bt.node_utxo_reference(node).stats(with_muhash=True)
        res = node.gettxoutsetinfo()
        self.assertEqual(list(res), ['height', 'bestblock', 'txouts', 'bogosize',
                                     'hash_serialized_3', 'total_amount', 'transactions',
                                     'disk_size'])
        for key in ('height', 'bestblock', 'txouts', 'bogosize', 'hash_serialized_3',
                    'total_amount', 'transactions'):
            self.assertEqual(res[key], ref[key], key)
        self.assertEqual(res['height'], height)
        # Every coinbase's payout (the first is spent) and the spend's output.
        self.assertEqual(res['txouts'], height - 1 + 1)
        self.assertGreater(res['disk_size'], 0)
        mu = node.gettxoutsetinfo('muhash')
        self.assertEqual(list(mu), ['height', 'bestblock', 'txouts', 'bogosize', 'muhash',
                                    'total_amount', 'transactions', 'disk_size'])
        self.assertEqual(mu['muhash'], ref['muhash'])
        none = node.gettxoutsetinfo(hash_type='none', use_index=False)
        self.assertNotIn('hash_serialized_3', none)
        self.assertNotIn('muhash', none)
        self.assertEqual(none['txouts'], res['txouts'])

    def check_deploymentinfo(self, height):
        node = self.nodes[0]
        tip = node.getbestblockhash()
        dep = node.getdeploymentinfo()
        self.assertEqual(list(dep), ['hash', 'height', 'script_flags', 'deployments'])
        self.assertEqual((dep['hash'], dep['height']), (tip, height))
        self.assertEqual(dep['script_flags'], SCRIPT_FLAGS)
        deps = dep['deployments']
        self.assertEqual(list(deps), ['bip34', 'bip66', 'bip65', 'csv', 'segwit', 'testdummy',
                                      'taproot'])
        for name, h in (('bip34', 1), ('bip66', 1), ('bip65', 1), ('csv', 1), ('segwit', 0)):
            self.assertEqual(deps[name], {'type': 'buried', 'active': True, 'height': h})
        self.assertEqual(deps['taproot'], {
            'type': 'bip9', 'height': 0, 'active': True,
            'bip9': {'start_time': -1, 'timeout': 0x7fffffffffffffff, 'min_activation_height': 0,
                     'status': 'active', 'since': 0, 'status_next': 'active'}})
        # testdummy (bit 28, periods of 72 blocks, 54 to lock in) started with
        # the second period; blocks signal it unless built here.
        period_start = height - height % 72
        signals = ''
        for h in range(period_start, height + 1):
            version = node.getblockheader(node.getblockhash(h))['version']
            signals += '#' if (version >> 29) == 1 and version & (1 << 28) else '-'
        count = signals.count('#')
        elapsed = height - period_start + 1
        self.assertEqual(deps['testdummy'], {
            'type': 'bip9', 'active': False,
            'bip9': {'bit': 28, 'start_time': 0, 'timeout': 0x7fffffffffffffff,
                     'min_activation_height': 0, 'status': 'started', 'since': 72,
                     'status_next': 'started',
                     'statistics': {'period': 72, 'elapsed': elapsed, 'count': count,
                                    'threshold': 54, 'possible': count + 72 - elapsed >= 54},
                     'signalling': signals}})
        self.assertEqual(list(deps['testdummy']), ['type', 'active', 'bip9'])
        self.assertEqual(list(deps['testdummy']['bip9']),
                         ['bit', 'start_time', 'timeout', 'min_activation_height', 'status',
                          'since', 'status_next', 'statistics', 'signalling'])
        at1 = node.getdeploymentinfo(node.getblockhash(1))
        self.assertEqual(at1['height'], 1)
        self.assertEqual(at1['deployments']['testdummy']['bip9']['status'], 'defined')


class Storage(test_framework.TestCase):
    """getblock and friends when undo data or block data is missing."""

    def move(self, old, new):
        blocks = os.path.join(self.nodes[0].chaindir, 'blocks')
        os.rename(os.path.join(blocks, old), os.path.join(blocks, new))

    def test_missing_data(self):
        node = self.nodes[0]
        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(101)
        tx, block, spent = spend_in_block(node, wallet)
        self.assert_rpc_error(-3, 'JSON value of type string is not of expected type number',
                              node.getblock, block.hash, '2')

        undo_error = ("Undo data expected but can't be read. This could be due to disk "
                      "corruption or a conflict with a pruning event.")
        self.move('rev00000.dat', 'rev_wrong')
        self.assert_rpc_error(-32603, undo_error, node.getblock, block.hash, 2)
        self.assert_rpc_error(-32603, undo_error, node.getblock, block.hash, 3)
        self.assert_rpc_error(-32603, undo_error, node.getrawtransaction, tx.txid, 2, block.hash)
        self.assert_rpc_error(-1, "Can't read undo data from disk", node.getblockstats,
                              block.hash)
        self.assertEqual(node.getblock(block.hash)['tx'][1], tx.txid)
        self.move('rev_wrong', 'rev00000.dat')
        self.assertIn('fee', node.getblock(block.hash, 2)['tx'][1])

        # A block on a header alone: stored, never connected, so without undo data.
        height = node.getblockcount()
        header_only = bt.create_block(block.hash, height + 1, time=block.time + 1)
        self.assertIsNone(node.submitheader(header_only.header_hex()))
        self.assert_rpc_error(-1, 'Block not available (not fully downloaded)', node.getblock,
                              header_only.hash)
        child_tx = wallet.create_self_transfer()
        child = bt.create_block(header_only.hash, height + 2, time=block.time + 2,
                                txs=[child_tx])
        node.submitblock(child.hex())
        self.assertEqual(node.getbestblockhash(), block.hash)
        for verbosity in (2, 3):
            t = node.getblock(child.hash, verbosity)['tx'][1]
            self.assertNotIn('fee', t)
            self.assertNotIn('prevout', t['vin'][0])
        self.assertEqual(node.getblock(child.hash)['confirmations'], -1)
        self.assert_rpc_error(-1, 'Undo data not available', node.getblockstats, child.hash)
        r = node.getrawtransaction(child_tx.txid, 1, child.hash)
        self.assertEqual((r['in_active_chain'], r['confirmations']), (False, 0))
        self.assert_rpc_error(-32603, undo_error, node.getrawtransaction, child_tx.txid, 2,
                              child.hash)
        self.assertEqual(node.getrawtransaction(child.txs[0].txid, 2, child.hash)['hex'],
                         child.txs[0].hex())

        self.move('blk00000.dat', 'blk00000.dat.bak')
        self.assert_rpc_error(-1, 'Block not found on disk', node.getblock, block.hash)
        self.assert_rpc_error(-1, 'Block not found on disk', node.getblockstats, block.hash)
        self.assert_rpc_error(-5, 'No such transaction found in the provided block',
                              node.getrawtransaction, tx.txid, 0, block.hash)
        self.move('blk00000.dat.bak', 'blk00000.dat')
        self.assertEqual(node.getblock(block.hash, 0), block.hex())


class Tips(test_framework.TestCase):
    """getchaintips through invalidateblock, reconsiderblock, preciousblock,
    forks submitted here and a header without its block."""

    def tips(self):
        """Tips by height, highest first; equal heights as a set of tuples."""
        result = self.nodes[0].getchaintips()
        for t in result:
            self.assertEqual(list(t), ['height', 'hash', 'branchlen', 'status'])
        heights = [t['height'] for t in result]
        self.assertEqual(heights, sorted(heights, reverse=True))
        return {(t['height'], t['hash'], t['branchlen'], t['status']) for t in result}

    def test_tips(self):
        node = self.nodes[0]
        hashes = node.generatetoaddress(10, ADDR)
        t9, t10 = hashes[-2], hashes[-1]

        node.invalidateblock(t10)
        self.assertEqual(node.getbestblockhash(), t9)
        self.assertEqual(self.tips(), {(10, t10, 1, 'invalid'), (9, t9, 0, 'active')})
        self.assertEqual(node.getblockheader(t10)['confirmations'], -1)
        self.assertNotIn('nextblockhash', node.getblockheader(t9))
        self.assertEqual(node.getblock(t10)['confirmations'], -1)
        self.assertEqual(node.getblockchaininfo()['headers'], 9)

        a10, a11 = node.generatetoaddress(2, ADDR2)
        self.assertEqual(self.tips(), {(11, a11, 0, 'active'), (10, t10, 1, 'invalid')})
        node.reconsiderblock(t10)
        self.assertEqual(node.getbestblockhash(), a11)
        self.assertEqual(self.tips(), {(11, a11, 0, 'active'), (10, t10, 1, 'valid-fork')})

        # A block on t10 with the same work as the tip: stored, not connected.
        b11 = bt.create_block(t10, 11, time=bt.next_block_time(node, t10))
        node.submitblock(b11.hex())
        self.assertEqual(node.getbestblockhash(), a11)
        self.assertEqual(self.tips(), {(11, a11, 0, 'active'), (11, b11.hash, 2, 'valid-headers')})

        # A header alone, on the tip.
        h12 = bt.create_block(a11, 12, time=bt.next_block_time(node, a11))
        self.assertIsNone(node.submitheader(h12.header_hex()))
        self.assertEqual(self.tips(), {(12, h12.hash, 1, 'headers-only'), (11, a11, 0, 'active'),
                                       (11, b11.hash, 2, 'valid-headers')})
        info = node.getblockchaininfo()
        self.assertEqual((info['blocks'], info['headers']), (11, 12))
        self.assert_rpc_error(-1, 'Block not available (not fully downloaded)', node.getblock,
                              h12.hash)
        header = node.getblockheader(h12.hash)
        self.assertEqual((header['confirmations'], header['nTx']), (-1, 0))
        self.assertEqual(node.getchaintxstats(0)['window_final_block_hash'], a11)

        # preciousblock: b11 as if it had come first, then a11 again.
        node.preciousblock(b11.hash)
        self.assertEqual(node.getbestblockhash(), b11.hash)
        # a11 is no tip: the header h12 builds on it.
        self.assertEqual(self.tips(), {(12, h12.hash, 3, 'headers-only'),
                                       (11, b11.hash, 0, 'active')})
        node.preciousblock(a11)
        self.assertEqual(node.getbestblockhash(), a11)
        self.assert_rpc_error(-8, 'Block is not in main chain', node.getchaintxstats, None,
                              b11.hash)
        # getrawtransaction with the block of a stale branch.
        r = node.getrawtransaction(b11.txs[0].txid, 1, b11.hash)
        self.assertFalse(r['in_active_chain'])
        self.assertEqual(r['confirmations'], 0)
        self.assertNotIn('time', r)

        # The UTXO set follows the active chain.
        ref = bt.node_utxo_reference(node).stats()
        res = node.gettxoutsetinfo()
        self.assertEqual(res['hash_serialized_3'], ref['hash_serialized_3'])
        self.assertEqual(res['bestblock'], a11)
        self.assertTrue(node.verifychain(4, 0))


class Wait(test_framework.TestCase):
    def call_in_thread(self, method, *args):
        node = self.nodes[0]
        out = {}

        def run():
            try:
                out['result'] = node.rpc(method, *args)
            except Exception as e:   # reported by the caller
                out['error'] = e
        thread = threading.Thread(target=run)
        thread.start()
        return thread, out

    def test_wait(self):
        node = self.nodes[0]
        tip = {'hash': GENESIS, 'height': 0}
        self.assertEqual(node.waitforblockheight(0), tip)
        self.assertEqual(node.waitforblockheight(1, 100), tip)
        self.assertEqual(node.waitforblock(GENESIS), tip)
        self.assertEqual(node.waitforblock(ZERO, 100), tip)
        self.assertEqual(node.waitfornewblock(100), tip)
        self.assertEqual(node.waitfornewblock(0, ZERO), tip)
        self.assert_rpc_error(-1, 'Negative timeout', node.waitfornewblock, -1)
        self.assert_rpc_error(-1, 'Negative timeout', node.waitforblock, GENESIS, -1)

        thread, out = self.call_in_thread('waitforblockheight', 2, 60000)
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())
        first = node.generatetoaddress(1, ADDR)[0]
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())      # height 1 is not enough
        second = node.generatetoaddress(1, ADDR)[0]
        thread.join(30)
        self.assertFalse(thread.is_alive())
        self.assertEqual(out.get('result'), {'hash': second, 'height': 2}, out)
        self.assertNotEqual(first, second)

        thread, out = self.call_in_thread('waitfornewblock')
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())
        third = node.generatetoaddress(1, ADDR)[0]
        thread.join(30)
        self.assertEqual(out.get('result'), {'hash': third, 'height': 3}, out)

        # waitforblock for a block that is not the tip yet.
        blk = bt.build_on_tip(node)
        thread, out = self.call_in_thread('waitforblock', blk.hash, 60000)
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())
        self.assertIsNone(node.submitblock(blk.hex()))
        thread.join(30)
        self.assertEqual(out.get('result'), {'hash': blk.hash, 'height': 4}, out)


class Mempool(test_framework.TestCase):
    """gettxout and getrawtransaction with mempool transactions."""

    def test_mempool(self):
        node = self.nodes[0]
        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(101)
        tip = node.getbestblockhash()
        try:
            sent = wallet.send_self_transfer()
        except test_framework.RPCError as e:
            if e.code != -33:
                raise
            self.skipTest('the node has no mempool yet')
        spent = sent['spent']
        # Spent by a mempool transaction: gone, unless the mempool is left out.
        self.assertIsNone(node.gettxout(spent.txid, spent.vout))
        self.assertEqual(node.gettxout(spent.txid, spent.vout, False)['confirmations'], 101)
        out = node.gettxout(sent['txid'], 0)
        self.assertEqual(list(out), ['bestblock', 'confirmations', 'value', 'scriptPubKey',
                                     'coinbase'])
        self.assertEqual((out['bestblock'], out['confirmations'], out['coinbase']),
                         (tip, 0, False))
        self.assertEqual(out['value'], bt.amount(spent.value - sent['fee']))
        self.assertIsNone(node.gettxout(sent['txid'], 1))
        self.assertIsNone(node.gettxout(sent['txid'], 0, False))

        self.assertEqual(node.getrawtransaction(sent['txid']), sent['hex'])
        r1 = node.getrawtransaction(sent['txid'], 1)
        self.assertEqual(list(r1), TX_KEYS + ['hex'])
        self.assertEqual(node.getrawtransaction(sent['txid'], 2), r1)
        self.assert_rpc_error(-5, 'No such transaction found in the provided block',
                              node.getrawtransaction, sent['txid'], 1, tip)
        # The UTXO set statistics do not see the mempool.
        self.assertEqual(node.gettxoutsetinfo()['txouts'], 101)

        block = node.generatetoaddress(1, ADDR)[0]
        self.assertEqual(node.gettxout(sent['txid'], 0)['confirmations'], 1)
        self.assert_rpc_error(-5, NOT_FOUND_NO_INDEX, node.getrawtransaction, sent['txid'])
        r2 = node.getrawtransaction(sent['txid'], 2, block)
        self.assertEqual(r2['fee'], bt.amount(sent['fee']))


class TxIndex(test_framework.TestCase):
    extra_args = [['-txindex=1']]

    def test_txindex(self):
        node = self.nodes[0]
        wallet = bt.AnyoneCanSpend(node)
        wallet.generate(101)
        tx, block, spent = spend_in_block(node, wallet)
        node.generatetoaddress(2, ADDR)
        self.assertEqual(node.getrawtransaction(tx.txid), tx.hex())
        r1 = node.getrawtransaction(tx.txid, 1)
        self.assertEqual(list(r1), TX_KEYS + ['hex', 'blockhash', 'confirmations', 'time',
                                              'blocktime'])
        self.assertEqual((r1['blockhash'], r1['confirmations']), (block.hash, 3))
        r2 = node.getrawtransaction(tx.txid, 2)
        self.assertEqual(r2['fee'], D('0.00010000'))
        self.assertEqual(r2['vin'][0]['prevout']['generated'], True)
        self.assertEqual(node.getrawtransaction(tx.txid, 1, block.hash),
                         {'in_active_chain': True} | r1)
        cb = node.getblock(node.getblockhash(5))['tx'][0]
        self.assertEqual(node.getrawtransaction(cb, 1)['confirmations'], 104 - 5 + 1)
        self.assert_rpc_error(-5, 'No such mempool or blockchain transaction. Use gettransaction '
                              'for wallet transactions.', node.getrawtransaction, '11' * 32)
        self.assert_rpc_error(-5, 'No such transaction found in the provided block. Use '
                              'gettransaction for wallet transactions.', node.getrawtransaction,
                              tx.txid, 0, node.getblockhash(3))


class Prune(test_framework.TestCase):
    extra_args = [['-prune=1', '-fastprune']]

    def test_manual(self):
        node = self.nodes[0]
        info = node.getblockchaininfo()
        self.assertEqual(list(info), CHAININFO_KEYS + ['pruneheight', 'automatic_pruning',
                                                       'warnings'])
        self.assertTrue(info['pruned'])
        self.assertEqual(info['pruneheight'], 0)
        self.assertFalse(info['automatic_pruning'])
        self.assert_rpc_error(-8, 'Negative block height.', node.pruneblockchain, -1)
        self.assert_rpc_error(-1, 'Blockchain is too short for pruning.', node.pruneblockchain, 0)
        node.generatetoaddress(300, ADDR)
        self.assert_rpc_error(-8, 'Blockchain is shorter than the attempted prune height.',
                              node.pruneblockchain, 301)
        self.assert_rpc_error(-8, 'Could not find block with at least the specified timestamp.',
                              node.pruneblockchain, 2000000000)
        # Everything is in one block file, which holds the tip: nothing goes.
        self.assertEqual(node.pruneblockchain(10), -1)
        self.assertEqual(node.getblockchaininfo()['pruneheight'], 0)
        self.assertEqual(len(node.getblock(node.getblockhash(1), 0)) > 0, True)

    def test_automatic(self):
        node = self.nodes[0]
        node.stop()
        node.start(['-prune=550'])
        node.wait_for_rpc()
        info = node.getblockchaininfo()
        self.assertEqual(list(info), CHAININFO_KEYS + ['pruneheight', 'automatic_pruning',
                                                       'prune_target_size', 'warnings'])
        self.assertTrue(info['automatic_pruning'])
        self.assertEqual(info['prune_target_size'], 550 * 1024 * 1024)


if __name__ == '__main__':
    test_framework.main()
