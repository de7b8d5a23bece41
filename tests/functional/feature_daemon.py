#!/usr/bin/env python3
"""-daemon and -daemonwait: the node detaches and keeps running; with
-daemonwait the command returns only when start-up has finished, with its
result (umkoind's fork_daemon and token pipe).

Usage: feature_daemon.py --node PATH/TO/umkoin-node
"""
import os
import signal

import test_framework
from test_framework import DONE_LOADING, TestCase, lock_is_free, read_from, wait_until

STARTING = "Umkoin Core starting\n"   # umkoind's line before it forks


def alive(pid):
    """True while pid is a process that has not exited (a zombie counts as
    exited: nobody may reap the daemon in a container)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class Daemon(TestCase):
    defer_start = True

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.log = os.path.join(self.node.chaindir, "debug.log")
        self.pid_file = os.path.join(self.node.chaindir, "umkoind.pid")
        self.daemon_pid = None
        # The daemon is no child of ours: the harness cannot stop it.
        self.addCleanup(self.kill_daemon)

    def kill_daemon(self):
        if self.daemon_pid and alive(self.daemon_pid):
            os.kill(self.daemon_pid, signal.SIGKILL)

    def read_daemon_pid(self):
        with open(self.pid_file) as f:
            self.daemon_pid = int(f.read())
        return self.daemon_pid

    def stop_daemon(self):
        """SIGTERM to the daemon; waits until it has shut down and let go of
        the datadir."""
        os.kill(self.daemon_pid, signal.SIGTERM)
        wait_until(lambda: not alive(self.daemon_pid))
        self.assertTrue(read_from(self.log).rstrip().endswith("Shutdown done"))
        self.assertFalse(os.path.exists(self.pid_file))
        self.assertTrue(lock_is_free(self.node.chaindir))

    def test_daemon(self):
        node = self.node
        node.start(["-daemon"])
        self.assertEqual(node.wait_for_exit(), 0)
        self.assertEqual(node.stdout_text(), STARTING)
        self.assertEqual(node.stderr_text(), "")
        # The launcher is gone; the node goes on in the background.
        wait_until(lambda: DONE_LOADING in read_from(self.log))
        wait_until(lambda: os.path.exists(self.pid_file))
        pid = self.read_daemon_pid()
        self.assertTrue(alive(pid))
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        self.assertEqual(int(fields[3]), pid, "the daemon leads its own session")
        self.assertFalse(lock_is_free(node.chaindir))
        self.stop_daemon()

    def test_daemonwait(self):
        node = self.node
        node.start(["-daemonwait"])
        self.assertEqual(node.wait_for_exit(), 0)
        self.assertEqual(node.stdout_text(), STARTING)
        # Returned only after start-up finished: everything is in place now.
        self.assertIn(DONE_LOADING, read_from(self.log))
        self.assertTrue(alive(self.read_daemon_pid()))
        self.stop_daemon()

    def test_daemonwait_reports_failure(self):
        # The pid file cannot be written: an error after the fork, which only
        # the waiting parent can report.
        node = self.node
        node.start(["-daemonwait", f"-pid={node.datadir}/missing/umkoind.pid"])
        self.assertEqual(node.wait_for_exit(), 1)
        self.assertEqual(node.stdout_text(), STARTING)
        self.assertEqual(node.stderr_text().splitlines(),
                         ["Error during initialization - check debug.log for details"])
        # The child gave up too and let go of the datadir.
        wait_until(lambda: lock_is_free(node.chaindir))

    def test_errors_before_forking_reach_the_console(self):
        # Checks done before the fork print umkoind's error even with -daemon.
        node = self.node
        node.start(["-daemon", "-testactivationheight=segwit"])
        self.assertEqual(node.wait_for_exit(), 1)
        self.assertEqual(node.stdout_text(), "")
        self.assertIn("Error: Invalid format (segwit) for -testactivationheight=name@height.",
                      node.stderr_text().splitlines())

    def test_daemon_runs_notify_commands(self):
        node = self.node
        marker = os.path.join(node.datadir, "notified.txt")
        node.start(["-daemon", f"-startupnotify=echo started >> {marker}",
                    f"-shutdownnotify=echo stopping >> {marker}"])
        self.assertEqual(node.wait_for_exit(), 0)
        wait_until(lambda: read_from(marker) == "started\n")
        wait_until(lambda: os.path.exists(self.pid_file))
        self.read_daemon_pid()
        self.stop_daemon()
        self.assertEqual(read_from(marker), "started\nstopping\n")


if __name__ == "__main__":
    test_framework.main()
