#!/usr/bin/env python3
"""umkoin-node as a process: it starts, runs until SIGTERM or SIGINT and
shuts down cleanly; SIGHUP reopens debug.log; start-up errors print umkoind's
message and exit with 1.

Usage: node_startup.py --node PATH/TO/umkoin-node
"""
import os
import re
import signal
import subprocess
import tempfile

import test_framework
from test_framework import DONE_LOADING, TestCase, free_port, node_path, read_from, size_of, wait_until

REGTEST_GENESIS = "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")


def signal_pending(pid, signum):
    """True while signum waits to be handled by the process (Linux /proc)."""
    bit = 1 << (signum - 1)
    paths = [f"/proc/{pid}/status"]
    try:
        paths += [f"/proc/{pid}/task/{t}/status" for t in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return False
    for path in paths:
        for line in read_from(path).splitlines():
            if line.startswith(("SigPnd:", "ShdPnd:")) and int(line.split()[1], 16) & bit:
                return True
    return False


def wait_for_log(path, offset, text, alive, timeout=30):
    """Polls the log written after `offset` for `text`; fails at once when
    alive() turns false (the node exited instead)."""
    def seen():
        if text in read_from(path, offset):
            return True
        if not alive():
            raise AssertionError(f"node exited before logging {text!r}:\n{read_from(path, offset)}")
        return False
    wait_until(seen, timeout=timeout, message=f"{text!r} not in {path}")


class NodeStartup(TestCase):
    defer_start = True

    def log_path(self, node=None):
        return os.path.join((node or self.nodes[0]).chaindir, "debug.log")

    def start_and_wait(self, extra_args=None, node=None):
        """Starts the node and waits until start-up finished; returns the
        debug.log offset this run started at."""
        node = node or self.nodes[0]
        offset = size_of(self.log_path(node))
        node.start(extra_args)
        wait_for_log(self.log_path(node), offset, DONE_LOADING, node.running)
        return offset

    def stop_with(self, sig, node=None):
        node = node or self.nodes[0]
        node.process.send_signal(sig)
        return node.wait_for_exit()

    def test_runs_until_sigterm(self):
        node = self.nodes[0]
        offset = self.start_and_wait()
        self.assertTrue(node.running(), "the node must keep running after start-up")
        self.assertEqual(self.stop_with(signal.SIGTERM), 0, node.stderr_text())
        self.assertEqual(node.stdout_text(), "")
        self.assertEqual(node.stderr_text(), "")
        # Like Core, each start begins with a few blank lines to separate sessions.
        lines = [line for line in read_from(self.log_path(), offset).splitlines() if line]
        self.assertTrue(all(TIMESTAMP.match(line) for line in lines), lines)
        self.assertTrue(any(f"genesis block {REGTEST_GENESIS} verified" in line for line in lines))
        self.assertTrue(any(f"Using data directory {node.chaindir}" in line for line in lines))
        self.assertTrue(os.path.isdir(os.path.join(node.chaindir, "wallets")))
        # Core's order and words at the end of a run.
        messages = [TIMESTAMP.sub("", line) for line in lines]
        done = messages.index(DONE_LOADING)
        # Shutdown is announced after start-up ended and is the last word; the
        # parts stopping in between (the mempool saving itself) log in between.
        stopping = messages.index("Shutdown in progress...")
        self.assertEqual(messages[-1], "Shutdown done")
        self.assertLess(done, stopping)

    def test_sigint(self):
        offset = self.start_and_wait()
        self.assertEqual(self.stop_with(signal.SIGINT), 0)
        self.assertTrue(read_from(self.log_path(), offset).rstrip().endswith("Shutdown done"))

    def test_restart(self):
        # The second run finds the datadir, the .lock file and its own log
        # from before, and starts and stops the same way.
        for _ in range(2):
            self.start_and_wait()
            self.assertEqual(self.stop_with(signal.SIGTERM), 0)

    def test_sighup_reopens_debug_log(self):
        log = self.log_path()
        self.start_and_wait()
        rotated = log + ".1"
        os.rename(log, rotated)
        node = self.nodes[0]
        node.process.send_signal(signal.SIGHUP)
        # Sent at once, the SIGTERM could be handled by another thread first.
        wait_until(lambda: not signal_pending(node.process.pid, signal.SIGHUP))
        # The next message reopens the file: the shutdown's go to a new debug.log.
        self.assertEqual(self.stop_with(signal.SIGTERM), 0)
        self.assertIn(DONE_LOADING, read_from(rotated))
        self.assertNotIn("Shutdown done", read_from(rotated))
        self.assertIn("Shutdown done", read_from(log))

    def test_every_chain(self):
        # Other chains than regtest, each in its own datadir with its own ports.
        for flag, subdir, genesis in [
            ("-chain=main", "", "00000000470b9e0dd4f6fb72c93e0c655f68069899a5b2a0b4e413ef8006469a"),
            ("-testnet", "testnet3", "00000000243306f10d1ba825689fb5b892c80a1ea1b41d79cad46b8b0ab09429"),
            ("-testnet4", "testnet4", "000000006d2b2de2bcee5c82b6d17aac68f0646292849b3ef1f309165eec7933"),
            ("-signet", "signet", "00000202cadc702ef9673c0fa222dc9fce1c5ef52f96d4ba3d952286d37398f1"),
        ]:
            with self.subTest(flag=flag), tempfile.TemporaryDirectory(prefix="umk-chain-") as datadir:
                log = os.path.join(datadir, subdir, "debug.log")
                args = [node_path(), flag, f"-datadir={datadir}", "-printtoconsole=0",
                        f"-rpcport={free_port()}", f"-port={free_port()}", "-bind=127.0.0.1",
                        "-dnsseed=0", "-fixedseeds=0"]
                p = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
                try:
                    wait_for_log(log, 0, DONE_LOADING, lambda: p.poll() is None)
                    p.send_signal(signal.SIGTERM)
                    _, err = p.communicate(timeout=60)
                finally:
                    if p.poll() is None:
                        p.kill()
                        p.wait()
                self.assertEqual(p.returncode, 0, err)
                self.assertIn(genesis, read_from(log))
                self.assertIn("Shutdown done", read_from(log))

    def test_config_sections(self):
        # The [regtest] section applies on regtest; -printtoconsole=1 on the command line wins.
        node = self.nodes[0]
        node.append_config("debuglogfile=custom.log", "printtoconsole=0")
        custom = os.path.join(node.chaindir, "custom.log")
        node.start(["-printtoconsole=1"])
        wait_for_log(custom, 0, DONE_LOADING, node.running)
        self.assertEqual(self.stop_with(signal.SIGTERM), 0)
        self.assertIn(REGTEST_GENESIS, node.stdout_text())
        self.assertIn("Shutdown done", node.stdout_text())
        self.assertFalse(os.path.exists(self.log_path()))

    def test_errors(self):
        node = self.nodes[0]
        missing = os.path.join(node.datadir, "missing")
        cases = [
            (["-nosuchoption"],
             "Error: Error parsing command line arguments: Invalid parameter -nosuchoption"),
            (["-testnet"],
             "Error: Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. "
             "Can use at most one."),
            ([f"-datadir={missing}"], f'Error: Specified data directory "{missing}" does not exist.'),
            (["oops"],
             "Error: Command line contains unexpected token 'oops', see umkoin-node -h for a list of options."),
            (["-testactivationheight=segwit"],
             "Error: Invalid format (segwit) for -testactivationheight=name@height."),
            (["-debug=nosuchcategory"], "Error: Unsupported logging category -debug=nosuchcategory."),
            ([f"-pid={missing}/umkoind.pid"],
             f"Error: Unable to create the PID file '{missing}/umkoind.pid': No such file or directory (2)"),
            ([f"-blocksdir={missing}"], f'Error: Specified blocks directory "{missing}" does not exist.'),
            (["-proxy"],
             "Error: Error parsing command line arguments: Can not set -proxy with no value. "
             "Please specify value with -proxy=value."),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                node.start(args)
                self.assertEqual(node.wait_for_exit(), 1)
                self.assertIn(message, node.stderr_text().splitlines())
        # A failed start leaves no pid file behind.
        self.assertFalse(os.path.exists(os.path.join(node.chaindir, "umkoind.pid")))

    def test_removed_options_warn(self):
        # Options Core removed are still recognised, with Core's warning, and the node runs.
        node = self.nodes[0]
        self.start_and_wait(["-checkpoints=1", "-limitancestorsize=101"])
        self.assertEqual(self.stop_with(signal.SIGTERM), 0)
        err = node.stderr_text().splitlines()
        self.assertIn("Warning: Option '-checkpoints' is set but checkpoints were removed. "
                      "This option has no effect.", err)
        self.assertTrue(any(line.startswith("Warning: Option '-limitancestorsize' is given") for line in err))

    def test_bad_config_line(self):
        node = self.nodes[0]
        node.append_config("this line has no equals sign")
        node.start()
        self.assertEqual(node.wait_for_exit(), 1)
        self.assertIn("parse error on line 5", node.stderr_text())

    def test_help_and_version(self):
        r = subprocess.run([node_path(), "-version"], capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout.splitlines()[0], r"^Umkoin node version v\d+\.\d+\.\d+$")
        help_text = subprocess.run([node_path(), "-help"], capture_output=True, text=True,
                                   timeout=60).stdout
        debug_text = subprocess.run([node_path(), "-help-debug"], capture_output=True, text=True,
                                    timeout=60).stdout
        self.assertIn("Usage: umkoin-node [options]", help_text)
        for option in ("-datadir=<dir>", "-conf=<file>", "-testnet4", "-debug=<category>",
                       "-daemon", "-daemonwait", "-pid=<file>", "-rpcport=<port>"):
            self.assertIn(f"  {option}\n", help_text)
        for debug_only in ("-fastprune", "-regtest", "-rpcworkqueue=<n>"):  # -help-debug only, as in Core
            self.assertNotIn(f"  {debug_only}\n", help_text)
            self.assertIn(f"  {debug_only}\n", debug_text)
        for hidden in ("-checkpoints", "-dbcrashratio", "-zmqpubrawtx"):   # accepted, never listed
            self.assertNotIn(hidden, debug_text)


if __name__ == "__main__":
    test_framework.main()
