#!/usr/bin/env python3
"""p2p-ibd-bench.py — initial sync of a chain over loopback P2P.

    tests/bench/p2p-ibd-bench.py [--build DIR] [--blocks N] [--server-node PATH] [--runs K]

A "server" node imports the benchmark chain (chainstate-bench.py's: 2,000
regtest blocks of about 55 transactions each, written once by
umk-make-chain) with -loadblock. Then, for each run, a fresh "client" node
starts with -connect=<server> and an empty datadir and downloads the whole
chain from it: headers first, then the blocks. Timed from the client's start
until getblockcount reaches the tip; MB/s is the bytes the client received
(getnettotals) over that time; peak RSS is the client's VmHWM, and "anon"
its largest RssAnon (heap and stacks, without the LMDB map's file pages).
--server-node lets another implementation (say, Umkoin Core's umkoind) serve
the chain. A benchmark, not a test: meson test does not run it.
"""

import argparse
import importlib.util
import os
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_ROOT = os.path.dirname(os.path.dirname(HERE))

# The node driver and the chain maker are chainstate-bench.py's.
_spec = importlib.util.spec_from_file_location("chainstate_bench", os.path.join(HERE, "chainstate-bench.py"))
cb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cb)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.environ.get("MESON_BUILD_ROOT", os.path.join(SOURCE_ROOT, "build")))
    ap.add_argument("--blocks", type=int, default=2000)
    ap.add_argument("--txs-per-block", type=int, default=55)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dbcache", type=int, default=450)
    ap.add_argument("--node", help="the client node (default: the build's umkoin-node)")
    ap.add_argument("--server-node", help="the serving node (default: the same as --node)")
    ap.add_argument("--timeout", type=float, default=1800)
    args = ap.parse_args()

    node_bin = args.node or os.path.join(args.build, "node", "umkoin-node")
    server_bin = args.server_node or node_bin
    chain, n_tx = cb.make_chain(args.build, args.blocks, args.txs_per_block, args.seed)
    chain_mb = os.path.getsize(chain) / 1e6
    tmp = tempfile.mkdtemp(prefix="umk-p2p-bench-")
    server = None
    try:
        sdir = os.path.join(tmp, "server")
        os.makedirs(sdir)
        p2p_port = cb.free_port()
        server = cb.Node(server_bin, sdir, args.dbcache,
                         [f"-loadblock={chain}", f"-port={p2p_port}", "-bind=127.0.0.1",
                          "-fixedseeds=0", "-peertimeout=999999"])
        # chainstate-bench's nodes do not listen; the server must.
        server.args = [a for a in server.args if a not in ("-listen=0", "-connect=0")] + ["-listen=1"]
        server.start()
        took = server.wait_height(args.blocks, args.timeout)
        print(f"server imported {args.blocks} blocks in {took:.1f} s ({server_bin})", flush=True)

        rows = []
        for run in range(args.runs):
            cdir = os.path.join(tmp, f"client{run}")
            os.makedirs(cdir)
            client = cb.Node(node_bin, cdir, args.dbcache, [f"-connect=127.0.0.1:{p2p_port}"])
            client.start()
            try:
                t = client.wait_height(args.blocks, args.timeout)
                recv = client.call("getnettotals")["totalbytesrecv"]
                rss = client.peak_rss_mib()
                cpu = client.cpu_s()
                rows.append((t, recv, rss, client.anon_kib / 1024, cpu))
                print(f"run {run + 1}: {t:.2f} s, {args.blocks / t:.0f} blocks/s, "
                      f"{recv / 1e6 / t:.1f} MB/s ({recv / 1e6:.1f} MB received), "
                      f"peak RSS {rss:.0f} MiB (anon {client.anon_kib / 1024:.0f} MiB), "
                      f"CPU {cpu:.1f} s", flush=True)
                client.stop()
            finally:
                client.kill()
        med = statistics.median(r[0] for r in rows)
        print(f"\n{args.blocks} blocks, {n_tx} transactions, {chain_mb:.1f} MB of blocks; "
              f"median of {len(rows)}: {med:.2f} s = {args.blocks / med:.0f} blocks/s, "
              f"{statistics.median(r[1] for r in rows) / 1e6 / med:.1f} MB/s, "
              f"peak RSS {max(r[2] for r in rows):.0f} MiB (anon {max(r[3] for r in rows):.0f} MiB)")
    finally:
        if server is not None:
            try:
                server.stop()
            except Exception:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
