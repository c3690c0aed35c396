#!/usr/bin/env python3
"""Download and checksum speed, and memory: unbrick-cli against curl and openssl.

Not a test: run by hand, e.g.

    build-aux/bench-download.py _build --size 1024

A file of SIZE MiB is served on loopback by tests/httpd/ub-test-httpd.py
(sendfile(), so the server is not the bottleneck; curl and Unbrick fetch from
the same server in the same run). Measured, as medians of RUNS alternating
runs:

  download  `unbrick-cli download URL --sha256 HEX` (hashing as it goes,
            fsync, rename) against `curl -s -o FILE URL`; goal: ratio of
            throughput >= 0.95. Also against curl followed by `sync FILE`,
            which puts the file on disk as unbrick-cli does.
  verify    `unbrick-cli verify FILE --sha256 HEX` against
            `openssl dgst -sha256 FILE`; goal: ratio >= 0.9
  memory    the peak RSS (VmHWM) of `unbrick-cli download` during the
            transfer, minus its RSS when idle (the same command waiting on a
            server that sends nothing); goal: under 64 MB

Files go to --dir (default: a temporary directory under /tmp); the source
file is in the page cache for both sides alike, and dirty pages are flushed
(sync) before every timed run. Note that curl leaves its file in the page
cache while unbrick-cli has fsync'ed its own before it exits.
"""
import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVER = os.path.join(HERE, '..', 'tests', 'httpd', 'ub-test-httpd.py')


def make_file(path, mib):
    block = os.urandom(1 << 20)
    h = hashlib.sha256()
    with open(path, 'wb') as f:
        for i in range(mib):
            chunk = bytes([i & 0xFF]) + block[1:]      # every MiB different
            f.write(chunk)
            h.update(chunk)
    return h.hexdigest()


def start_server(root, workdir):
    port_file = os.path.join(workdir, 'port')
    proc = subprocess.Popen([sys.executable, SERVER, '--root', root, '--port-file', port_file,
                             '--exit-with-parent'], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 15
    while not os.path.exists(port_file):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit('the test server did not start')
        time.sleep(0.05)
    with open(port_file) as f:
        return proc, int(f.read())


def timed(cmd, env=None):
    os.sync()           # the previous run's dirty pages must not slow this one down
    start = time.monotonic()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.monotonic() - start


def status_kib(pid, field):
    try:
        with open('/proc/%d/status' % pid) as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def watch_memory(cmd, env, settle=None):
    """Peak VmHWM while cmd runs; with settle, VmRSS after that many seconds (then killed)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    peak = 0
    start = time.monotonic()
    while proc.poll() is None:
        if settle is not None and time.monotonic() - start > settle:
            rss = status_kib(proc.pid, 'VmRSS')
            proc.kill()
            proc.wait()
            return rss
        hwm = status_kib(proc.pid, 'VmHWM')
        peak = max(peak, hwm or 0)
        time.sleep(0.02)
    if proc.returncode != 0:
        raise SystemExit('%s failed (%d)' % (' '.join(cmd), proc.returncode))
    return peak


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('build', nargs='?', default='_build')
    p.add_argument('--size', type=int, default=1024, help='MiB (default 1024)')
    p.add_argument('--runs', type=int, default=3)
    p.add_argument('--dir')
    args = p.parse_args()

    cli = os.path.join(args.build, 'src', 'cli', 'unbrick-cli')
    curl, openssl = shutil.which('curl'), shutil.which('openssl')
    if not os.path.exists(cli) or not curl or not openssl:
        raise SystemExit('needs %s, curl and openssl' % cli)
    work = tempfile.mkdtemp(prefix='bench-download-', dir=args.dir)
    env = dict(os.environ, no_proxy='127.0.0.1')
    try:
        run(args, cli, curl, openssl, work, env)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, cli, curl, openssl, work, env):
    www, out = os.path.join(work, 'www'), os.path.join(work, 'out')
    os.makedirs(www)
    os.makedirs(out)
    src = os.path.join(www, 'big.bin')
    print('making a %d MiB file…' % args.size, flush=True)
    sha256 = make_file(src, args.size)
    server, port = start_server(www, work)
    url = 'http://127.0.0.1:%d/big.bin' % port
    dest = os.path.join(out, 'big.bin')
    mib = args.size
    t = {'unbrick': [], 'curl': [], 'curl+sync': [], 'verify': [], 'openssl': []}
    try:
        for i in range(args.runs):
            order = [('curl', [curl, '-s', '-o', dest, url]),
                     ('curl+sync', ['sh', '-c', '"$0" -s -o "$1" "$2" && sync "$1"', curl, dest, url]),
                     ('unbrick', [cli, 'download', url, '--to', out, '--sha256', sha256])]
            for name, cmd in (order if i % 2 == 0 else order[::-1]):
                t[name].append(timed(cmd, env))
                if name == 'unbrick':
                    t['verify'].append(timed([cli, 'verify', dest, '--sha256', sha256], env))
                    t['openssl'].append(timed([openssl, 'dgst', '-sha256', dest]))
                os.unlink(dest)
        idle = watch_memory([cli, 'download', 'http://127.0.0.1:%d/fault/stall-after=0/big.bin' % port,
                             '--to', out], env, settle=2.0)
        peak = watch_memory([cli, 'download', url, '--to', out, '--sha256', sha256], env)
    finally:
        server.terminate()
        server.wait()

    med = {k: statistics.median(v) for k, v in t.items()}
    print('download %d MiB: unbrick %.0f MiB/s, curl %.0f MiB/s, ratio %.2f (goal >= 0.95)'
          % (mib, mib / med['unbrick'], mib / med['curl'], med['curl'] / med['unbrick']))
    print('  the same with the file on disk before exit (curl -o, then sync FILE): curl %.0f MiB/s, ratio %.2f'
          % (mib / med['curl+sync'], med['curl+sync'] / med['unbrick']))
    print('sha256 of %d MiB: unbrick verify %.0f MiB/s, openssl dgst %.0f MiB/s, ratio %.2f (goal >= 0.9)'
          % (mib, mib / med['verify'], mib / med['openssl'], med['openssl'] / med['verify']))
    print('memory: unbrick-cli download peak %.1f MiB, idle %.1f MiB, difference %.1f MiB (goal < 64)'
          % (peak / 1024, idle / 1024, (peak - idle) / 1024))


if __name__ == '__main__':
    main()
