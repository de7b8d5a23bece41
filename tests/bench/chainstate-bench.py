#!/usr/bin/env python3
"""chainstate-bench.py — how fast umkoin-node builds its chainstate.

    tests/bench/chainstate-bench.py [--build DIR] [--blocks N] [--dbcache 450,50]

Writes a regtest chain once with umk-make-chain (2,000 blocks and about
106,000 transactions spending P2WPKH, P2PKH and P2TR outputs by default) and
keeps it in DIR/tests/bench/. Then, for each -dbcache value:

  loadblock   a node with an empty datadir imports the file with -loadblock;
  reindex-cs  the node is stopped and started again on the same datadir with
              -reindex-chainstate, which rebuilds the UTXO set from the
              blocks it stored.

Each run is timed from the node's start until getblockcount reaches the tip
(polled over JSON-RPC every 0.1 s); peak RSS is VmHWM from /proc just before
the node is asked to stop (it counts the resident pages of memory-mapped
files too, e.g. an LMDB map), "anon" the largest RssAnon seen while polling
(heap and stacks only), CPU is the node's user+system time up to the tip, and
"stop s" is how long the shutdown (the final flush of the caches) took.
A benchmark, not a test: meson test does not run it. With --perf FILE the
first loadblock run is recorded with `perf record -g` and a summary printed.
"""

import argparse
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
POLL_S = 0.1


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """One umkoin-node process on a datadir, reached over JSON-RPC with its cookie."""

    def __init__(self, binary, datadir, dbcache, extra, wrapper=()):
        self.datadir = datadir
        self.wrapper = list(wrapper)  # e.g. perf record ... --: the node is its child
        self.port = free_port()
        self.args = [binary, "-regtest", f"-datadir={datadir}", f"-rpcport={self.port}",
                     "-listen=0", "-connect=0", "-dnsseed=0", "-printtoconsole=0",
                     f"-dbcache={dbcache}"] + extra
        self.proc = None
        self.pid = None  # the node's, also when it runs under a wrapper
        self.stderr = None
        self.started = 0.0
        self.anon_kib = 0  # the largest RssAnon seen while polling

    def start(self):
        self.started = time.monotonic()
        # stderr to a file: a pipe nobody reads could fill and stall the node
        self.stderr = open(os.path.join(self.datadir, "stderr.txt"), "ab")
        self.proc = subprocess.Popen(self.wrapper + self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=self.stderr)
        self.pid = self.proc.pid
        while self.wrapper and self.proc.poll() is None:
            with open(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children") as f:
                children = f.read().split()
            if children:
                self.pid = int(children[0])
                break
            time.sleep(0.01)

    def call(self, method, params=None, timeout=30):
        with open(os.path.join(self.datadir, "regtest", ".cookie")) as f:
            cookie = f.read().strip()
        body = json.dumps({"jsonrpc": "1.0", "id": 1, "method": method,
                           "params": params or []}).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}/", data=body, headers={
            "Authorization": "Basic " + base64.b64encode(cookie.encode()).decode(),
            "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                reply = json.load(r)
        except urllib.error.HTTPError as e:  # Core answers errors with 500 and a body
            reply = json.load(e)
        if reply.get("error"):
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def block_count(self):
        """The height, or None while the node is not answering yet (or warming up)."""
        try:
            return self.call("getblockcount", timeout=5)
        except (OSError, RuntimeError, ValueError):
            return None

    def wait_height(self, height, limit_s):
        while True:
            if self.proc.poll() is not None:
                with open(os.path.join(self.datadir, "stderr.txt"), errors="replace") as f:
                    err = f.read()
                raise RuntimeError(f"node exited with {self.proc.returncode}: {err.strip()}"
                                   f"\n{tail_log(self.datadir)}")
            self.sample_anon()
            if self.block_count() == height:
                return time.monotonic() - self.started
            if time.monotonic() - self.started > limit_s:
                raise RuntimeError(f"tip not reached after {limit_s} s (at "
                                   f"{self.block_count()})\n{tail_log(self.datadir)}")
            time.sleep(POLL_S)

    def sample_anon(self):
        """Heap and stacks, without file pages: VmHWM also counts the pages of
        memory-mapped files, such as a database the node maps."""
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("RssAnon:"):
                        self.anon_kib = max(self.anon_kib, int(line.split()[1]))
        except OSError:
            pass

    def peak_rss_mib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        """Asks the node to stop; returns how long the shutdown took."""
        t0 = time.monotonic()
        try:
            self.call("stop")
        except (OSError, RuntimeError, ValueError):
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError("node did not stop within 300 s")
        took = time.monotonic() - t0
        self.proc = None
        self.stderr.close()
        return took

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            if self.pid != self.proc.pid:
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.proc.kill()
            self.proc.wait()
        self.proc = None
        if self.stderr is not None:
            self.stderr.close()


def tail_log(datadir, n=15):
    try:
        with open(os.path.join(datadir, "regtest", "debug.log"), errors="replace") as f:
            return "debug.log ends:\n" + "".join(f.readlines()[-n:])
    except OSError:
        return "(no debug.log)"


def make_chain(build, blocks, txs, seed):
    """The chain file and its transaction count, made once per parameters (and
    again when umk-make-chain is rebuilt)."""
    tool = os.path.join(build, "tests", "bench", "umk-make-chain")
    base = os.path.join(build, "tests", "bench", f"chainstate-{blocks}b-{txs}t-s{seed}")
    chain, summary = base + ".dat", base + ".txt"
    if not os.access(tool, os.X_OK):
        raise RuntimeError(f"{tool} not found: build it (ninja -C {build})")
    # The summary is written last, so one at least as new as the chain says
    # the chain was written to its end: a run killed meanwhile leaves only
    # temporary files, and the next run starts over.
    fresh = (os.path.exists(chain) and os.path.exists(summary)
             and os.path.getmtime(chain) >= os.path.getmtime(tool)
             and os.path.getmtime(summary) >= os.path.getmtime(chain))
    if not fresh:
        print(f"writing {chain} ...", flush=True)
        out = subprocess.run([tool, "--blocks", str(blocks), "--txs-per-block", str(txs),
                              "--seed", str(seed), "--out", chain + ".tmp"],
                             check=True, capture_output=True, text=True).stdout
        with open(summary + ".tmp", "w") as f:
            f.write(out.replace(chain + ".tmp", chain))
        os.replace(chain + ".tmp", chain)
        os.replace(summary + ".tmp", summary)
    with open(summary) as f:
        text = f.read()
    print(text.rstrip())
    n_tx = int(text.split(" transactions,")[0].rsplit(" ", 1)[1])
    return chain, n_tx


def perf_summary(data):
    """CPU by thread, by library, and the busiest named functions."""
    def report(sort, limit, *extra):
        out = subprocess.run(["perf", "report", "-i", data, "--no-children", "--sort", sort,
                              "--stdio", "-g", "none", *extra],
                             capture_output=True, text=True).stdout
        rows = [l.rstrip() for l in out.splitlines()
                if "%" in l and not l.startswith("#") and "] 0x0000" not in l]
        return "\n".join(rows[:limit])
    return "\n".join(["by thread:", report("comm", 6), "by library:", report("dso", 6),
                      "functions (libraries without symbols left out):",
                      report("dso,sym", 25)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("MESON_BUILD_ROOT",
                                                      os.path.join(SOURCE_ROOT, "build")),
                    help="meson build directory (default: <source>/build)")
    ap.add_argument("--blocks", type=int, default=2000)
    ap.add_argument("--txs-per-block", type=int, default=55)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dbcache", default="450,50", help="comma-separated MiB values")
    ap.add_argument("--node-arg", action="append", default=[],
                    help="extra umkoin-node option (repeatable)")
    ap.add_argument("--node", help="the node to time (default: the build's umkoin-node; "
                    "Umkoin Core's umkoind works too)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    ap.add_argument("--perf", metavar="FILE", help="perf record -g the first loadblock run")
    ap.add_argument("--keep", action="store_true", help="keep the datadirs")
    opts = ap.parse_args()

    build = os.path.abspath(opts.build)
    node_bin = opts.node or os.path.join(build, "node", "umkoin-node")
    if not os.access(node_bin, os.X_OK):
        sys.exit(f"{node_bin} not found: build it, or pass --build or --node")
    if opts.perf and shutil.which("perf") is None:
        sys.exit("--perf needs perf (Debian: linux-perf)")
    try:
        chain, n_tx = make_chain(build, opts.blocks, opts.txs_per_block, opts.seed)
    except (RuntimeError, subprocess.CalledProcessError) as e:
        sys.exit(f"cannot write the chain: {e}")

    tmp = tempfile.mkdtemp(prefix="umk-chainstate-bench-")
    nodes = []

    def cleanup(*_):
        for n in nodes:
            n.kill()
        if not opts.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    def on_signal(signum, _frame):
        cleanup()
        sys.exit(128 + signum)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    # Regtest turns Core's consistency checks on by default; they are a
    # debugging aid whose cost grows with the chain, not part of validation.
    extra = ["-checkblockindex=0"] + opts.node_arg
    rows = []
    perf_data = opts.perf
    try:
        for dbcache in [int(x) for x in opts.dbcache.split(",")]:
            datadir = os.path.join(tmp, f"dbcache{dbcache}")
            os.makedirs(datadir)
            for what, args in (("loadblock", [f"-loadblock={chain}"]),
                               ("reindex-cs", ["-reindex-chainstate"])):
                wrapper = ["perf", "record", "-g", "-q", "-o", perf_data, "--"] if perf_data else []
                node = Node(node_bin, datadir, dbcache, extra + args, wrapper)
                nodes.append(node)
                node.start()
                secs = node.wait_height(opts.blocks, opts.timeout)
                rss, cpu = node.peak_rss_mib(), node.cpu_s()
                node.sample_anon()
                anon = node.anon_kib / 1024
                stop_s = node.stop()
                nodes.remove(node)
                rows.append((what, dbcache, secs, opts.blocks / secs, n_tx / secs, cpu, rss, anon,
                             stop_s))
                print(f"{what} dbcache={dbcache}: {secs:.1f} s", flush=True)
                if perf_data:
                    print(f"perf profile of that run, start-up and shutdown included ({perf_data}):\n"
                          + perf_summary(perf_data))
                    perf_data = None
    except RuntimeError as e:
        sys.exit(f"benchmark failed: {e}")
    finally:
        cleanup()

    print(f"\n{opts.blocks} blocks, {n_tx} transactions (coinbases included)")
    print(f"{'run':<11} {'dbcache':>7} {'seconds':>8} {'blocks/s':>9} {'tx/s':>8} "
          f"{'CPU s':>7} {'peak RSS MiB':>12} {'anon MiB':>8} {'stop s':>7}")
    for what, dbcache, secs, bps, tps, cpu, rss, anon, stop_s in rows:
        print(f"{what:<11} {dbcache:>7} {secs:>8.1f} {bps:>9.1f} {tps:>8.0f} {cpu:>7.1f} "
              f"{rss:>12.1f} {anon:>8.1f} {stop_s:>7.1f}")


if __name__ == "__main__":
    main()
