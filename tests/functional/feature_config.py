#!/usr/bin/env python3
"""Options and umkoin.conf as umkoind reads them: sections, includeconf,
precedence (command line over config file, a chain's section over the top),
clear errors for bad options, and every umkoind option accepted.

Usage: feature_config.py --node PATH/TO/umkoin-node
"""
import os
import re
import signal
import subprocess

import test_framework
from test_framework import TestCase, node_path, read_from, size_of, wait_for_start_up, wait_until

OPTIONS_TSV = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data",
                           "umkoind-options.tsv")
INERT = "no effect until"   # how the help of an accepted-but-unused option ends


def help_entries(text):
    """[(category, option as listed, help text)] from -help output."""
    entries, category, started = [], None, False
    for line in text.splitlines():
        if line.startswith("Usage:"):
            started = True
        elif not started:
            continue
        elif line and not line.startswith(" ") and line.endswith(":"):
            category = line[:-1]
        elif line.startswith("  -") and category:
            entries.append([category, line.strip(), ""])
        elif line.startswith("       ") and entries:
            entries[-1][2] = (entries[-1][2] + " " + line.strip()).strip()
    return [tuple(e) for e in entries]


def option_name(listed):
    return re.split(r"[=<\[]", listed, maxsplit=1)[0]


class Config(TestCase):
    defer_start = True

    def setUp(self):
        super().setUp()
        self.node = self.nodes[0]
        self.log = os.path.join(self.node.chaindir, "debug.log")

    def write_config(self, top=(), regtest=(), **sections):
        """Replaces umkoin.conf, keeping the harness's ports in [regtest]."""
        node = self.node
        lines = ["regtest=1", *top, "[regtest]", f"rpcport={node.rpc_port}", f"port={node.p2p_port}",
                 *regtest]
        for name, body in sections.items():
            lines += [f"[{name}]", *body]
        with open(node.config_path, "w") as f:
            f.write("\n".join(lines) + "\n")

    def run_node(self, extra_args=None, log=None):
        """Starts the node, waits for the end of start-up, stops it with
        SIGTERM; returns what it logged in this run."""
        node = self.node
        log = log or self.log
        offset = size_of(log)
        node.start(extra_args)
        wait_for_start_up(node, log, offset)
        node.process.send_signal(signal.SIGTERM)
        self.assertEqual(node.wait_for_exit(), 0, node.stderr_text())
        return read_from(log, offset)

    def pid_files(self):
        return sorted(n for n in os.listdir(self.node.chaindir) if n.endswith(".pid"))

    def pid_file_during_run(self, extra_args=None):
        """Which -pid file the node writes: seen through the shutdown, which
        removes it, via -shutdownnotify."""
        seen = os.path.join(self.node.datadir, "seen.txt")
        if os.path.exists(seen):
            os.remove(seen)
        args = list(extra_args or [])
        args.append(f"-shutdownnotify=ls {self.node.chaindir} > {seen}")
        self.run_node(args)
        return sorted(n for n in read_from(seen).split() if n.endswith(".pid"))

    # ---- the whole option list

    def test_every_umkoind_option_is_listed(self):
        """-help -help-debug lists every option of umkoind's -help -help-debug,
        in the same category, and nothing else."""
        out = subprocess.run([node_path(), "-help", "-help-debug"], capture_output=True, text=True,
                             timeout=60)
        self.assertEqual(out.returncode, 0)
        listed = {}
        for category, option, _ in help_entries(out.stdout):
            listed.setdefault(category, []).append(option)
        with open(OPTIONS_TSV) as f:
            rows = [line.rstrip("\n").split("\t") for line in f][1:]
        self.assertEqual(len(rows), 170)
        # The list cuts names at an inner dash ("-help" for -help-debug):
        # exact matches first, then prefixes.
        for exact in (True, False):
            left = []
            for category, option in rows:
                pool = listed.get(category, [])
                match = next((o for o in pool if (o == option if exact else o.startswith(option))), None)
                if match is None:
                    left.append((category, option))
                else:
                    pool.remove(match)
            rows = left
        self.assertEqual(rows, [], "umkoind options not listed (in their category)")
        extra = [(c, o) for c, pool in listed.items() for o in pool]
        # Our only additions: the multiprocess options, which Core lists under
        # this heading in its multiprocess build (umkoind-options.tsv comes
        # from the plain build); -ipcfd only with -help-debug.
        ipc = "IPC interprocess connection options"
        self.assertEqual(sorted(extra), [(ipc, "-ipcbind=<address>"), (ipc, "-ipcfd=<fd>")],
                         "options umkoind does not have")

    def test_every_inert_option_is_accepted(self):
        """Options for parts not built yet say so in -help, and the node runs
        with each of them negated on the command line and set in umkoin.conf."""
        out = subprocess.run([node_path(), "-help", "-help-debug"], capture_output=True, text=True,
                             timeout=60).stdout
        inert = sorted({option_name(o) for _, o, text in help_entries(out) if INERT in text})
        self.assertGreater(len(inert), 50)
        for name in ("-natpmp", "-asmap", "-blockfilterindex"):
            self.assertIn(name, inert)
        for name in ("-daemon", "-pid", "-rpcport", "-server", "-debug", "-datadir", "-dbcache",
                     "-txindex", "-maxmempool", "-blockmaxweight", "-prune", "-loadblock",
                     "-wallet", "-disablewallet", "-connect", "-blocksonly", "-listen", "-bind",
                     "-maxconnections", "-proxy", "-whitelist", "-onlynet"):
            self.assertNotIn(name, inert)

        logged = self.run_node([f"-no{name[1:]}" for name in inert])
        self.assertIn("Command-line arg: natpmp=false", logged)

        # Any value will do, except that -blocksdir must name a directory (as in Core).
        values = {"-blocksdir": self.node.datadir}
        self.write_config(regtest=[f"{name[1:]}={values.get(name, 1)}" for name in inert])
        logged = self.run_node()
        self.assertIn("Config file arg: [regtest] natpmp=\"1\"", logged)

    # ---- config file

    def test_sections_and_precedence(self):
        # A chain's section beats the top section; other chains' sections are ignored.
        self.write_config(top=["pid=top.pid"], regtest=["pid=section.pid"], main=["pid=main.pid"],
                          test=["pid=test.pid"])
        self.assertEqual(self.pid_file_during_run(), ["section.pid"])
        # The command line beats the config file, and within it the last value wins ...
        self.assertEqual(self.pid_file_during_run(["-pid=one.pid", "-pid=cli.pid"]), ["cli.pid"])
        # ... while in a config file the first one does (Core keeps that for compatibility).
        self.write_config(regtest=["pid=first.pid", "pid=second.pid"])
        self.assertEqual(self.pid_file_during_run(), ["first.pid"])
        # -noX on the command line beats a value in the file.
        self.assertEqual(self.pid_file_during_run(["-nopid"]), [])
        # The top section applies when the chain's section does not set the option.
        self.write_config(top=["pid=top.pid"])
        self.assertEqual(self.pid_file_during_run(), ["top.pid"])
        self.assertEqual(self.pid_files(), [], "the pid file is removed at shutdown")

    def test_includeconf(self):
        node = self.node
        with open(os.path.join(node.datadir, "top.conf"), "w") as f:
            f.write("pid=included.pid\n")
        with open(os.path.join(node.datadir, "regtest.conf"), "w") as f:
            f.write("debuglogfile=included.log\n")
        self.write_config(top=["includeconf=top.conf"], regtest=["includeconf=regtest.conf"])
        included_log = os.path.join(node.chaindir, "included.log")
        seen = os.path.join(node.datadir, "seen.txt")
        logged = self.run_node([f"-shutdownnotify=ls {node.chaindir} > {seen}"], log=included_log)
        self.assertIn("Included configuration file top.conf", logged)
        self.assertIn("Included configuration file regtest.conf", logged)
        self.assertIn("included.pid", read_from(seen).split())
        self.assertFalse(os.path.exists(self.log))

    def test_unrecognized_section_warns(self):
        self.write_config(nosuchchain=["pid=x.pid"])
        self.run_node()
        lines = self.node.stderr_text().splitlines()
        self.assertIn(f"Warning: {self.node.config_path}:5 Section [nosuchchain] is not recognized.",
                      lines)

    def test_unknown_config_value_is_ignored(self):
        self.write_config(regtest=["nosuchoption=1"])
        logged = self.run_node()
        self.assertIn("[warning] Ignoring unknown configuration value regtest.nosuchoption", logged)

    def test_test_options(self):
        # An unknown -test option is a warning; the known ones start.
        self.write_config()
        self.run_node(["-test=addrman", "-test=bip94", "-test=nosuch"])
        self.assertEqual([l for l in self.node.stderr_text().splitlines() if "-test" in l],
                         ['Warning: Unrecognised option "nosuch" provided in -test=<option>.'])

    # ---- errors

    def test_test_option_needs_regtest(self):
        # The harness always passes -regtest, so this node is started by hand.
        datadir = os.path.join(self.node.datadir, "signet-only")
        os.mkdir(datadir)
        r = subprocess.run([self.node.binary, f"-datadir={datadir}", "-signet", "-test=addrman",
                            "-listen=0", "-connect=0", "-printtoconsole=0"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(r.stderr.splitlines(),
                         ["Error: -test=<option> can only be used with regtest"])

    def test_bad_options(self):
        node = self.node
        inc = os.path.join(node.datadir, "x.conf")
        cases = [
            ([], ["-nosuchoption"],
             "Error: Error parsing command line arguments: Invalid parameter -nosuchoption"),
            ([], ["-nodatadir"],
             "Error: Error parsing command line arguments: Negating of -datadir is meaningless and "
             "therefore forbidden"),
            ([], [f"-includeconf={inc}"],
             f'Error: Error parsing command line arguments: -includeconf cannot be used from '
             f'commandline; -includeconf="{inc}"'),
            ([], ["-proxy"],
             "Error: Error parsing command line arguments: Can not set -proxy with no value. Please "
             "specify value with -proxy=value."),
            (["wallet=w"], [],
             "Error: Config setting for -wallet only applied on regtest network when in [regtest] "
             "section."),
            (["conf=other.conf"], [],
             "Error: Error reading configuration file: conf cannot be set in the configuration file; "
             "use includeconf= if you want to include additional config files"),
            (["includeconf=missing.conf"], [],
             "Error: Error reading configuration file: Failed to include configuration file "
             "missing.conf"),
            (["-dbcache=4"], [],
             "Error: Error reading configuration file: parse error on line 2: -dbcache=4, options in "
             "configuration file must be specified without leading -"),
        ]
        for top, args, message in cases:
            with self.subTest(top=top, args=args):
                self.write_config(top=top)
                node.start(args)
                self.assertEqual(node.wait_for_exit(), 1)
                self.assertIn(message, node.stderr_text().splitlines())
                self.assertFalse(os.path.exists(os.path.join(node.chaindir, "umkoind.pid")))


if __name__ == "__main__":
    test_framework.main()
