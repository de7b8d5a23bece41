#!/usr/bin/env python3
"""Time from umkoin-gui's start to its first window frame, with a spawned
regtest umkoin-node in a fresh temp datadir: the median (and the spread) of
N runs. Not a meson test; run it by hand:

    python3 tests/bench/gui-first-frame.py --gui build/app/umkoin-gui [--runs 10]

The figure is what umkoin-gui logs with -debug=qt, "first frame drawn after
N ms": from the start of main() to the end of the first frame the window's
frame clock paints. Without a display the script runs itself again under
`xvfb-run -a dbus-run-session` (one X server for all runs, so its start-up is
not counted); GSK_RENDERER=cairo as in the GUI tests.
"""

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

FIRST_FRAME = re.compile(rb'first frame drawn after (\d+) ms')


def one_run(gui, timeout):
    datadir = tempfile.mkdtemp(prefix='umk-gui-bench-')
    try:
        proc = subprocess.Popen([gui, '-regtest', f'-datadir={datadir}', '-listen=0',
                                 '-debug=qt', '-printtoconsole=0'],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        ms = None
        output = b''
        os.set_blocking(proc.stdout.fileno(), False)
        while ms is None and time.monotonic() < deadline and proc.poll() is None:
            chunk = proc.stdout.read() or b''
            output += chunk
            m = FIRST_FRAME.search(output)
            if m:
                ms = int(m.group(1))
            elif not chunk:
                time.sleep(0.005)
        proc.send_signal(signal.SIGTERM)   # stops the node it spawned, too
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if ms is None:
            sys.stderr.write(output.decode(errors='replace')[-2000:])
            raise SystemExit('no "first frame drawn" line from umkoin-gui')
        return ms
    finally:
        shutil.rmtree(datadir, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--gui', required=True, help='path of umkoin-gui')
    p.add_argument('--runs', type=int, default=10)
    p.add_argument('--timeout', type=float, default=60, help='seconds per run')
    args = p.parse_args()
    gui = os.path.abspath(args.gui)

    if not os.environ.get('DISPLAY') and not os.environ.get('WAYLAND_DISPLAY'):
        if os.environ.get('UMK_BENCH_REEXEC'):
            raise SystemExit('still no display under xvfb-run')
        env = dict(os.environ, UMK_BENCH_REEXEC='1', GSK_RENDERER='cairo')
        cmd = ['xvfb-run', '-a', '-s', '-screen 0 1280x1024x24', 'dbus-run-session', '--',
               sys.executable, os.path.abspath(__file__), *sys.argv[1:]]
        raise SystemExit(subprocess.call(cmd, env=env))
    os.environ.setdefault('GSK_RENDERER', 'cairo')

    times = []
    for i in range(args.runs):
        ms = one_run(gui, args.timeout)
        times.append(ms)
        print(f'run {i + 1}: {ms} ms', flush=True)
    print(f'first frame: median {statistics.median(times):.0f} ms, '
          f'min {min(times)} ms, max {max(times)} ms over {len(times)} runs '
          f'(GSK_RENDERER={os.environ.get("GSK_RENDERER")})')


if __name__ == '__main__':
    main()
