#!/usr/bin/env python3
"""Self-test of the functional-test harness (test_framework.py): launching a
node that fails, and (once umkoin-node has its RPC server) two nodes answering
RPC, umkoin-cli and raw HTTP.

Usage: example_harness.py --node PATH/TO/umkoin-node [--cli PATH/TO/umkoin-cli]
"""
import unittest

import test_framework
from test_framework import RPCError


class Helpers(unittest.TestCase):
    def test_free_ports_differ(self):
        ports = {test_framework.free_port() for _ in range(40)}
        self.assertEqual(len(ports), 40)

    def test_wait_until(self):
        calls = []

        def third_call():
            calls.append(1)
            return len(calls) == 3 and 'ok'
        self.assertEqual(test_framework.wait_until(third_call, timeout=10, interval=0.01), 'ok')
        with self.assertRaises(AssertionError):
            test_framework.wait_until(lambda: False, timeout=0.2)


class BadOption(test_framework.TestCase):
    defer_start = True

    def test_unknown_option(self):
        node = self.nodes[0]
        node.start(['-nosuchoption'])
        self.assertEqual(node.wait_for_exit(timeout=30), 1)
        self.assertIn("Error: Error parsing command line arguments: Invalid parameter -nosuchoption",
                      node.stderr_text().splitlines())

    def test_wait_for_rpc_fails_early(self):
        # A node that exits is reported at once, with its stderr, not after the timeout.
        node = self.nodes[0]
        node.start(['-nosuchoption'])
        with self.assertRaises(test_framework.NodeError) as cm:
            node.wait_for_rpc(timeout=600)
        self.assertIn('exited with code 1', str(cm.exception))
        self.assertIn('Invalid parameter -nosuchoption', str(cm.exception))
        self.assertFalse(node.running())


class TwoNodes(test_framework.TestCase):
    num_nodes = 2

    def test_getblockcount_and_stop(self):
        for node in self.nodes:
            self.assertEqual(node.getblockcount(), 0)
            self.assertEqual(node.rpc('getblockcount'), 0)
        self.assertNotEqual(self.nodes[0].rpc_port, self.nodes[1].rpc_port)
        for node in self.nodes:
            self.assertEqual(node.stop(), 0)
            self.assertFalse(node.running())

    def test_rpc_error(self):
        e = self.assert_rpc_error(-32601, 'Method not found', self.nodes[0].nosuchmethod)
        self.assertIsInstance(e, RPCError)

    def test_http_needs_auth(self):
        status, headers, _ = self.nodes[0].http(body='{"method": "getblockcount"}', auth=None)
        self.assertEqual(status, 401)
        self.assertIsNotNone(headers.get('WWW-Authenticate'))

    def test_cli(self):
        r = self.nodes[1].cli('getblockcount')
        self.assertEqual((r.returncode, r.stdout.strip()), (0, '0'), r.stderr)


if __name__ == '__main__':
    test_framework.main()
