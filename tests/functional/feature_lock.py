#!/usr/bin/env python3
"""One node per datadir: the .lock file (an fcntl lock, as umkoind's), the
error a second node gets, and the pid file.

Usage: feature_lock.py --node PATH/TO/umkoin-node
"""
import fcntl
import os
import signal

import test_framework
from test_framework import TestCase, lock_is_free, read_from, size_of, wait_for_start_up, wait_until

CLIENT_NAME = "Umkoin Core"   # the name umkoind puts in this message


class Lock(TestCase):
    num_nodes = 2
    defer_start = True

    def start_and_wait(self, node, extra_args=None, chaindir=None):
        log = os.path.join(chaindir or node.chaindir, "debug.log")
        offset = size_of(log)
        node.start(extra_args)
        wait_for_start_up(node, log, offset)

    def sigterm(self, node):
        node.process.send_signal(signal.SIGTERM)
        return node.wait_for_exit()

    def test_second_node_on_the_same_datadir(self):
        first, second = self.nodes
        self.start_and_wait(first)
        pid_file = os.path.join(first.chaindir, "umkoind.pid")
        log = os.path.join(first.chaindir, "debug.log")
        log_size = size_of(log)
        self.assertFalse(lock_is_free(first.chaindir))

        # The second node has its own ports; only the datadir is shared.
        for extra in ([], ["-daemon"], ["-daemonwait"]):
            with self.subTest(extra=extra):
                second.start([f"-datadir={first.datadir}", *extra])
                self.assertEqual(second.wait_for_exit(), 1)
                expected = (f"Error: Cannot obtain a lock on directory {first.chaindir}. "
                            f"{CLIENT_NAME} is probably already running.")
                self.assertEqual(second.stderr_text().splitlines(), [expected])
                # Told before forking: no "starting" line, nothing left running.
                self.assertEqual(second.stdout_text(), "")

        # The running node's files are untouched: its pid file, its log.
        self.assertTrue(first.running())
        with open(pid_file) as f:
            self.assertEqual(f.read(), f"{first.process.pid}\n")
        self.assertEqual(size_of(log), log_size)

        # Once the first node stops, the lock is free and the pid file gone.
        self.assertEqual(self.sigterm(first), 0)
        self.assertTrue(lock_is_free(first.chaindir))
        self.assertFalse(os.path.exists(pid_file))
        self.start_and_wait(second, [f"-datadir={first.datadir}"], first.chaindir)
        self.assertEqual(self.sigterm(second), 0)

    def test_lock_dies_with_the_process(self):
        # A killed node cannot clean up, but the kernel drops its lock; the
        # stale pid file is simply overwritten by the next node.
        node = self.nodes[0]
        self.start_and_wait(node)
        pid_file = os.path.join(node.chaindir, "umkoind.pid")
        node.kill()
        self.assertTrue(lock_is_free(node.chaindir))
        self.assertTrue(os.path.exists(pid_file))
        self.start_and_wait(node)
        with open(pid_file) as f:
            self.assertEqual(f.read(), f"{node.process.pid}\n")
        self.assertEqual(self.sigterm(node), 0)
        self.assertFalse(os.path.exists(pid_file))

    def test_pid_file_options(self):
        node = self.nodes[0]
        absolute = os.path.join(node.datadir, "elsewhere.pid")
        for extra, path in [
            ([], os.path.join(node.chaindir, "umkoind.pid")),
            (["-pid=custom.pid"], os.path.join(node.chaindir, "custom.pid")),  # net datadir
            ([f"-pid={absolute}"], absolute),
        ]:
            with self.subTest(extra=extra):
                self.start_and_wait(node, extra)
                with open(path) as f:
                    self.assertEqual(f.read(), f"{node.process.pid}\n")
                self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
                self.assertEqual(self.sigterm(node), 0)
                self.assertFalse(os.path.exists(path))

        self.start_and_wait(node, ["-nopid"])
        self.assertEqual(sorted(n for n in os.listdir(node.chaindir) if n.endswith(".pid")), [])
        self.assertEqual(self.sigterm(node), 0)

    def test_new_datadir_is_private(self):
        # The net datadir is created 0700 and its files 0600 (umask 077, as Core).
        node = self.nodes[0]
        self.assertFalse(os.path.exists(node.chaindir))
        self.start_and_wait(node)
        self.assertEqual(os.stat(node.chaindir).st_mode & 0o777, 0o700)
        for name in (".lock", "debug.log", "umkoind.pid"):
            self.assertEqual(os.stat(os.path.join(node.chaindir, name)).st_mode & 0o777, 0o600, name)
        self.assertEqual(self.sigterm(node), 0)


if __name__ == "__main__":
    test_framework.main()
