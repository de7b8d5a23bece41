#!/usr/bin/env python3
"""The help RPC: the list of methods by category with Umkoin Core's summary
lines, help for every method (hidden ones included), and its errors.

Usage: rpc_help.py --node PATH/TO/umkoin-node
"""
import re
import unittest

import test_framework

# The methods implemented so far and their summary lines, which must be Umkoin
# Core v31's exactly (umkoin-cli and other clients parse them).
LISTED = {
    'Blockchain': [
        'getbestblockhash',
        'getblock "blockhash" ( verbosity )',
        'getblockchaininfo',
        'getblockcount',
        'getblockhash height',
        'getblockheader "blockhash" ( verbose )',
        'getblockstats hash_or_height ( stats )',
        'getchaintips',
        'getchaintxstats ( nblocks "blockhash" )',
        'getdeploymentinfo ( "blockhash" )',
        'getdifficulty',
        'getmempoolancestors "txid" ( verbose )',
        'getmempoolcluster "txid"',
        'getmempooldescendants "txid" ( verbose )',
        'getmempoolentry "txid"',
        'getmempoolinfo',
        'getrawmempool ( verbose mempool_sequence )',
        'gettxout "txid" n ( include_mempool )',
        'gettxoutsetinfo ( "hash_type" hash_or_height use_index )',
        'preciousblock "blockhash"',
        'pruneblockchain height',
        'savemempool',
        'verifychain ( checklevel nblocks )',
        'waitforblock "blockhash" ( timeout )',
        'waitforblockheight height ( timeout )',
        'waitfornewblock ( timeout "current_tip" )',
    ],
    'Control': [
        'getrpcinfo',
        'help ( "command" )',
        'logging ( ["include_category",...] ["exclude_category",...] )',
        'stop',
        'uptime',
    ],
    'Mining': [
        'getblocktemplate {"mode":"str","capabilities":["str",...],"rules":["segwit","str",...],"longpollid":"str","data":"hex"}',
        'getmininginfo',
        'getnetworkhashps ( nblocks height )',
        'getprioritisedtransactions',
        'prioritisetransaction "txid" ( dummy ) fee_delta',
        'submitblock "hexdata" ( "dummy" )',
        'submitheader "hexdata"',
    ],
    'Network': [
        'addnode "node" "command" ( v2transport )',
        'clearbanned',
        'disconnectnode ( "address" nodeid )',
        'getaddednodeinfo ( "node" )',
        'getaddrmaninfo',
        'getconnectioncount',
        'getnettotals',
        'getnetworkinfo',
        'getnodeaddresses ( count "network" )',
        'getpeerinfo',
        'listbanned',
        'ping',
        'setban "subnet" "command" ( bantime absolute )',
        'setnetworkactive state',
    ],
    'Rawtransactions': [
        'combinerawtransaction ["hexstring",...]',
        'createrawtransaction [{"txid":"hex","vout":n,"sequence":n},...] [{"address":amount,...},{"data":"hex"},...] ( locktime replaceable version )',
        'decoderawtransaction "hexstring" ( iswitness )',
        'decodescript "hexstring"',
        'getrawtransaction "txid" ( verbosity "blockhash" )',
        'sendrawtransaction "hexstring" ( maxfeerate maxburnamount )',
        'signrawtransactionwithkey "hexstring" ["privatekey",...] ( [{"txid":"hex","vout":n,"scriptPubKey":"hex","redeemScript":"hex","witnessScript":"hex","amount":amount},...] "sighashtype" )',
        'testmempoolaccept ["rawtx",...] ( maxfeerate )',
    ],
    # Served by the umkoin-wallet process the node starts; the node lists
    # them after its own, as Core lists its wallet's.
    'Wallet': [
        'createwallet "wallet_name" ( disable_private_keys blank "passphrase" avoid_reuse descriptors load_on_startup external_signer )',
        'getwalletinfo',
        'listwalletdir',
        'listwallets',
        'loadwallet "filename" ( load_on_startup )',
        'unloadwallet ( "wallet_name" load_on_startup )',
    ],
}
HIDDEN = ['echo', 'echojson', 'generate', 'generateblock', 'generatetoaddress',
          'generatetodescriptor', 'invalidateblock', 'reconsiderblock',
          'addconnection', 'addpeeraddress', 'getrawaddrman', 'sendmsgtopeer', 'setmocktime']


class Help(test_framework.TestCase):
    def test_list(self):
        text = self.nodes[0].help()
        expected = '\n\n'.join(f'== {cat} ==\n' + '\n'.join(lines) for cat, lines in LISTED.items())
        self.assertEqual(text, expected)
        for name in HIDDEN:
            self.assertNotIn(name, text.split())

    def methods(self):
        return [line.split()[0] for lines in LISTED.values() for line in lines] + HIDDEN

    def test_every_method(self):
        node = self.nodes[0]
        summaries = {line.split()[0]: line for lines in LISTED.values() for line in lines}
        for name in self.methods():
            with self.subTest(method=name):
                text = node.help(name)
                first, _, rest = text.partition('\n\n')
                if name in summaries:
                    self.assertEqual(first, summaries[name])
                else:
                    self.assertTrue(first.startswith(name), first)
                self.assertTrue(rest.strip(), 'no description')
                self.assertFalse(text.endswith('\n\n'))
                if name in ('getblockhash', 'getblock', 'getblockheader', 'logging', 'help'):
                    self.assertIn('\nArguments:\n1. ', text)
                self.assertIn('\nResult', text)
                # Argument lines: "N. name" then the type in parentheses.
                for line in re.findall(r'^\d+\. .*$', text, re.M):
                    self.assertRegex(line, r'^\d+\. \w+ +\((string|numeric|boolean|json array|json object|numeric or string|string or numeric)'
                                           r'(, (required|optional(, default=[^)]*)?))?\)')

    def test_hidden_arguments(self):
        # stop's "wait" is hidden: neither in the summary nor in the arguments.
        text = self.nodes[0].help('stop')
        self.assertTrue(text.startswith('stop\n\n'))
        self.assertNotIn('Arguments:', text)

    def test_defaults_shown(self):
        node = self.nodes[0]
        self.assertIn('2. verbosity', node.help('getblock'))
        self.assertIn('(numeric, optional, default=1)', node.help('getblock'))
        self.assertIn('(boolean, optional, default=true)', node.help('getblockheader'))
        self.assertIn('(string, optional, default=all commands)', node.help('help'))
        self.assertIn('(string, required)', node.help('getblock'))
        logging = node.help('logging')
        self.assertIn('1. include', logging)
        self.assertIn('     [\n', logging)
        self.assertIn('"include_category",', logging)

    def test_errors(self):
        node = self.nodes[0]
        self.assertEqual(node.help('nosuchmethod'), 'help: unknown command: nosuchmethod')
        self.assert_rpc_error(-3, 'JSON value of type number is not of expected type string', node.help, 5)
        e = self.assert_rpc_error(-1, None, node.help, 'a', 'b')
        self.assertTrue(e.message.startswith('help ( "command" )\n'), e.message)

    def test_wrong_argument_count_gives_help(self):
        node = self.nodes[0]
        for name, args in [('getblockhash', []), ('getblock', []), ('getblockcount', [1]),
                           ('uptime', [1]), ('waitforblockheight', [])]:
            with self.subTest(method=name):
                e = self.assert_rpc_error(-1, None, node.rpc, name, *args)
                self.assertEqual(e.message, node.help(name))

    def test_conversion_table(self):
        table = self.nodes[0].help('dump_all_command_conversions')
        self.assertIn(['getblock', 1, 'verbosity', False], table)
        self.assertIn(['getblock', 1, 'verbose', False], table)
        self.assertIn(['getblock', 0, 'blockhash', True], table)
        self.assertIn(['getblockhash', 0, 'height', False], table)
        self.assertIn(['echo', 9, 'arg9', True], table)
        self.assertEqual([r[0] for r in table], sorted(r[0] for r in table))


if __name__ == '__main__':
    test_framework.main()
