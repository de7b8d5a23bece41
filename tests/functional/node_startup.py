#!/usr/bin/env python3
"""umkoin-node start-up, run as a real process: options, config file, datadir,
debug.log, and umkoind's errors and exit codes.

Usage: node_startup.py PATH/TO/umkoin-node
"""
import os
import re
import subprocess
import sys
import tempfile
import unittest

NODE = None
REGTEST_GENESIS = "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def run(*args, timeout=30):
    return subprocess.run([NODE, *args], capture_output=True, text=True, timeout=timeout)


class NodeStartup(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="umk-startup-")
        self.datadir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def debug_log(self, chain_dir):
        with open(os.path.join(self.datadir, chain_dir, "debug.log")) as f:
            return f.read().splitlines()

    def test_regtest_start(self):
        r = run("-regtest", f"-datadir={self.datadir}", "-printtoconsole=0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        # Like Core, each start begins with a few blank lines to separate sessions.
        lines = [line for line in self.debug_log("regtest") if line]
        self.assertTrue(all(TIMESTAMP.match(line) for line in lines), lines)
        self.assertTrue(any(f"genesis block {REGTEST_GENESIS} verified" in line for line in lines))
        self.assertTrue(any(f"Using data directory {self.datadir}/regtest" in line for line in lines))
        self.assertTrue(os.path.isdir(os.path.join(self.datadir, "regtest", "wallets")))

    def test_every_chain(self):
        for flag, subdir, genesis in [
            ("-chain=main", "", "00000000470b9e0dd4f6fb72c93e0c655f68069899a5b2a0b4e413ef8006469a"),
            ("-testnet", "testnet3", "00000000243306f10d1ba825689fb5b892c80a1ea1b41d79cad46b8b0ab09429"),
            ("-testnet4", "testnet4", "000000006d2b2de2bcee5c82b6d17aac68f0646292849b3ef1f309165eec7933"),
            ("-signet", "signet", "00000202cadc702ef9673c0fa222dc9fce1c5ef52f96d4ba3d952286d37398f1"),
        ]:
            with self.subTest(flag=flag):
                r = run(flag, f"-datadir={self.datadir}", "-printtoconsole=0")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertTrue(any(genesis in line for line in self.debug_log(subdir)))

    def test_config_sections(self):
        # The [regtest] section applies on regtest; -printtoconsole=1 on the command line wins.
        with open(os.path.join(self.datadir, "umkoin.conf"), "w") as f:
            f.write("regtest=1\n[regtest]\ndebuglogfile=custom.log\nprinttoconsole=0\n")
        r = run(f"-datadir={self.datadir}", "-printtoconsole=1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(REGTEST_GENESIS, r.stdout)
        self.assertTrue(os.path.exists(os.path.join(self.datadir, "regtest", "custom.log")))
        self.assertFalse(os.path.exists(os.path.join(self.datadir, "regtest", "debug.log")))

    def test_errors(self):
        missing = os.path.join(self.datadir, "missing")
        cases = [
            (["-regtest", "-nosuchoption"],
             "Error: Error parsing command line arguments: Invalid parameter -nosuchoption"),
            (["-regtest", "-testnet"],
             "Error: Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. "
             "Can use at most one."),
            ([f"-datadir={missing}"], f'Error: Specified data directory "{missing}" does not exist.'),
            (["-regtest", "oops"],
             "Error: Command line contains unexpected token 'oops', see umkoin-node -h for a list of options."),
            (["-regtest", "-testactivationheight=segwit"],
             "Error: Invalid format (segwit) for -testactivationheight=name@height."),
            (["-regtest", "-debug=nosuchcategory"],
             "Error: Unsupported logging category -debug=nosuchcategory."),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                extra = [] if any(a.startswith("-datadir") for a in args) else [f"-datadir={self.datadir}"]
                r = run(*args, *extra, "-printtoconsole=0")
                self.assertEqual(r.returncode, 1)
                self.assertIn(message, r.stderr.splitlines())

    def test_bad_config_line(self):
        with open(os.path.join(self.datadir, "umkoin.conf"), "w") as f:
            f.write("regtest=1\nthis line has no equals sign\n")
        r = run(f"-datadir={self.datadir}")
        self.assertEqual(r.returncode, 1)
        self.assertIn("parse error on line 2", r.stderr)

    def test_help_and_version(self):
        r = run("-version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.splitlines()[0], r"^Umkoin node version v\d+\.\d+\.\d+$")
        r = run("-help")
        self.assertEqual(r.returncode, 0)
        self.assertIn("Usage: umkoin-node [options]", r.stdout)
        for option in ("-datadir=<dir>", "-conf=<file>", "-testnet4", "-debug=<category>"):
            self.assertIn(f"  {option}", r.stdout)
        for debug_only in ("-fastprune", "-regtest"):  # listed with -help-debug only, as in Core
            self.assertNotIn(f"  {debug_only}\n", r.stdout)
            self.assertIn(f"  {debug_only}\n", run("-help-debug").stdout)


if __name__ == "__main__":
    NODE = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
