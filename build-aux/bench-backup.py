#!/usr/bin/env python3
"""Backup speed: unbrick-cli backup of the virtual iPhone against cp of the same bytes.

Not a test: run by hand, e.g.

    build-aux/bench-backup.py _build --size 200

The virtual iPhone (tests/vphone) is given a backup of SIZE MiB in FILES
data files; the script then runs, inside it, as medians of RUNS alternating
runs, each into a fresh folder on the same disk:

  unbrick   `unbrick-cli backup --udid UDID --to DIR` (the phone generates
            its bytes as it sends them; the backup ends with syncfs())
  ib2       `idevicebackup2 backup --full DIR`, Debian's tool, for comparison
  cp        `cp -r` of the finished backup folder to another folder
  cp+sync   the same, then `sync`, which puts the copy on disk as the
            backup does

Dirty pages are flushed (sync) before every timed run. The phone's side runs
in the same machine and uses a core of its own while it sends.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def control(command):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(os.environ['UNBRICK_VPHONE_CONTROL'])
    sock.sendall((command + '\n').encode())
    reply = b''
    while not reply.endswith(b'\n'):
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    sock.close()
    reply = reply.decode().strip()
    if not reply.startswith('ok'):
        raise SystemExit(f'vphone: {command}: {reply}')
    return reply[3:]


def timed(argv, **kwargs):
    subprocess.run(['sync'], check=True)
    start = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.monotonic() - start


def child(args):
    state = dict(item.split('=', 1) for item in control('state').split())
    udid = state['udid']
    control(f'set backup-size {args.size << 20}')
    control(f'set backup-files {args.files}')
    work = tempfile.mkdtemp(prefix='bench-backup-', dir=args.dir)
    times = {'unbrick': [], 'ib2': [], 'cp': [], 'cp+sync': []}
    try:
        for run in range(args.runs):
            ours = os.path.join(work, f'unbrick-{run}')
            times['unbrick'].append(timed([args.cli, 'backup', '--udid', udid, '--to', ours]))
            if shutil.which('idevicebackup2'):
                theirs = os.path.join(work, f'ib2-{run}')
                os.makedirs(theirs)
                times['ib2'].append(timed(['idevicebackup2', 'backup', '--full', theirs]))
            copy = os.path.join(work, f'cp-{run}')
            times['cp'].append(timed(['cp', '-r', os.path.join(ours, udid), copy]))
            shutil.rmtree(copy)
            times['cp+sync'].append(timed(['sh', '-c', 'cp -r "$0" "$1" && sync', os.path.join(ours, udid), copy]))
            shutil.rmtree(copy)
            shutil.rmtree(ours)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(args, times)


def report(args, times):
    mib = args.size
    medians = {k: statistics.median(v) for k, v in times.items() if v}
    print(f'{mib} MiB in {args.files} files, median of {args.runs} runs each')
    for name, t in medians.items():
        print(f'  {name:8} {t:6.2f} s  {mib / t:7.1f} MiB/s  (runs: {", ".join(f"{x:.2f}" for x in times[name])})')
    for base in ('cp', 'cp+sync'):
        print(f'  unbrick / {base}: time ratio {medians["unbrick"] / medians[base]:.2f}, '
              f'throughput ratio {medians[base] / medians["unbrick"]:.2f}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('builddir')
    parser.add_argument('--size', type=int, default=200, help='MiB of data files (default 200)')
    parser.add_argument('--files', type=int, default=50, help='how many data files (default 50)')
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--dir', default=None, help='where the backups go (default: under /tmp)')
    parser.add_argument('--child', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--cli', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    build = os.path.abspath(args.builddir)
    vphone = os.path.join(build, 'tests', 'vphone', 'vphone')
    cli = os.path.join(build, 'src', 'cli', 'unbrick-cli')
    argv = [vphone, '--model', 'iPhone10,3', '--', sys.executable, os.path.abspath(__file__), build,
            '--child', '--cli', cli, '--size', str(args.size), '--files', str(args.files),
            '--runs', str(args.runs)]
    if args.dir:
        argv += ['--dir', args.dir]
    sys.exit(subprocess.run(argv).returncode)


if __name__ == '__main__':
    main()
