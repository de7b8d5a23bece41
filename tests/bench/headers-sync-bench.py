#!/usr/bin/env python3
"""headers-sync-bench.py — how fast a node stores headers from a peer.

    tests/bench/headers-sync-bench.py [--build DIR] [--headers N] [--runs K] [--node PATH]

A test peer (tests/functional/peer.py) connects to a fresh regtest node and
sends N headers (a chain built here with blocktools) in headers messages of
2,000, as a peer answering getheaders does. Timed from the first message
until getblockchaininfo reports all N headers. Each run starts a new node on
an empty datadir. A benchmark, not a test: meson test does not run it.
"""

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(SOURCE_ROOT, "tests", "functional"))
import blocktools as bt  # noqa: E402
from peer import P2PPeer, headers_payload  # noqa: E402

# The node driver is chainstate-bench.py's.
_spec = importlib.util.spec_from_file_location("chainstate_bench", os.path.join(HERE, "chainstate-bench.py"))
cb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cb)

MAX_HEADERS = 2000
REGTEST_GENESIS = "60b48405c3efa2bd7aa6a8bc206e3369e58d15f60cba7a915769e9669758cb6d"


def build_headers(n):
    """n blocks on regtest's genesis, 10 minutes apart, ending about now."""
    start = int(time.time()) - n * 600
    blocks, prev = [], REGTEST_GENESIS
    for height in range(1, n + 1):
        block = bt.create_block(prev, height, time=start + height * 600)
        blocks.append(block)
        prev = block.hash
    return blocks


def one_run(node_bin, blocks, timeout):
    tmp = tempfile.mkdtemp(prefix="umk-headers-bench.")
    port = cb.free_port()
    node = cb.Node(node_bin, tmp, 450, [f"-port={port}", "-bind=127.0.0.1", "-disablewallet"])
    node.args.remove("-listen=0")
    try:
        node.start()
        deadline = time.monotonic() + 60
        while node.block_count() is None:
            if time.monotonic() > deadline:
                raise RuntimeError("the node did not answer RPC\n" + cb.tail_log(tmp))
            time.sleep(0.05)
        peer = P2PPeer(port=port)
        try:
            t0 = time.monotonic()
            for k in range(0, len(blocks), MAX_HEADERS):
                peer.send("headers", headers_payload(blocks[k:k + MAX_HEADERS]))
            while node.call("getblockchaininfo")["headers"] < len(blocks):
                if time.monotonic() - t0 > timeout:
                    raise RuntimeError("headers not stored in time\n" + cb.tail_log(tmp))
                time.sleep(0.002)
            took = time.monotonic() - t0
        finally:
            peer.close()
        node.stop()
        return took
    finally:
        node.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("MESON_BUILD_ROOT", os.path.join(SOURCE_ROOT, "build")))
    ap.add_argument("--headers", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--node", help="the node (default: the build's umkoin-node)")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    node_bin = args.node or os.path.join(args.build, "node", "umkoin-node")
    print(f"building {args.headers} headers ...", file=sys.stderr)
    blocks = build_headers(args.headers)
    times = []
    for i in range(args.runs):
        took = one_run(node_bin, blocks, args.timeout)
        times.append(took)
        print(f"run {i + 1}: {took:.3f} s, {args.headers / took:,.0f} headers/s")
    med = statistics.median(times)
    print(f"median of {len(times)}: {med:.3f} s = {args.headers / med:,.0f} headers/s "
          f"(range {min(times):.3f}-{max(times):.3f} s)")


if __name__ == "__main__":
    main()
