#!/usr/bin/env python3
"""Cold start to first window, and idle memory: Unbrick against a bare libadwaita window.

Run under a display (xvfb-run -a build-aux/bench-startup.py _build). Both
programs are started alternately N times with UB_BENCH set (see src/ub-bench.c);
start-up is the wall time from spawn to the first frame being drawn, memory the
VmRSS after 3 s idle. Prints the medians and the ratios.
"""
import os
import statistics
import subprocess
import sys
import time

RUNS = 10


def first_frame(cmd, env):
    start = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:
        if line.strip() == 'first-frame':
            elapsed = time.monotonic() - start
            break
    else:
        raise SystemExit(f'{cmd[0]} never drew a frame')
    proc.wait(timeout=30)
    return elapsed


def idle_rss(cmd, env):
    out = subprocess.run(cmd, env=dict(env, UB_BENCH='idle-rss'), capture_output=True, text=True, timeout=60)
    for line in out.stdout.splitlines():
        if line.startswith('VmRSS:'):
            return int(line.split()[1])
    raise SystemExit(f'{cmd[0]} printed no VmRSS')


def main(build):
    env = dict(os.environ, UB_BENCH='first-frame', GSETTINGS_BACKEND='memory', NO_AT_BRIDGE='1',
               GSETTINGS_SCHEMA_DIR=os.path.join(build, 'data'))
    unbrick = [os.path.join(build, 'src', 'unbrick')]
    bare = [os.path.join(build, 'tests', 'bench', 'bench-bare-window')]
    for cmd in (unbrick, bare):            # warm the page cache: cold start, not cold disk
        first_frame(cmd, env)
    times = {'unbrick': [], 'bare': []}
    for _ in range(RUNS):
        times['unbrick'].append(first_frame(unbrick, env))
        times['bare'].append(first_frame(bare, env))
    rss = {'unbrick': [idle_rss(unbrick, env) for _ in range(3)],
           'bare': [idle_rss(bare, env) for _ in range(3)]}
    u, b = statistics.median(times['unbrick']), statistics.median(times['bare'])
    ru, rb = statistics.median(rss['unbrick']), statistics.median(rss['bare'])
    print(f'start to first frame: unbrick {u * 1000:.0f} ms, bare window {b * 1000:.0f} ms, ratio {u / b:.2f}')
    print(f'idle RSS: unbrick {ru / 1024:.1f} MiB, bare window {rb / 1024:.1f} MiB, ratio {ru / rb:.2f}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '_build')
