#!/usr/bin/env python3
"""Reading one small component out of a ~4 GB firmware file, against a small one.

Not a test: it prints numbers. Two IPSWs are written in a temporary folder,
both with the iPhone X manifest from tests/data/manifests/ and two 64 KiB
components, one before and one after the place where the large file gets a
stored entry of 4 GiB + 1 MiB of zeros (a sparse hole, so it takes seconds
and almost no disk). The small one has no large entry. Then, with a warm page
cache, `unbrick-cli ipsw FILE --cat COMPONENT` runs alternately on both,
RUNS times each: the medians and their ratio say whether the archive's size
matters (it must not: the component is read through the central directory,
never by scanning). Also the summary (`unbrick-cli ipsw FILE`) and its peak
memory on the large file, and the peak memory while streaming the whole
4 GiB entry to /dev/null.

usage: build-aux/bench-ipsw.py [BUILDDIR] [--keep] [--no-stream]
"""
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import zlib

RUNS = 15
HUGE = (4 << 30) + (1 << 20)
SMALL = 64 << 10
ZIP64_LIMIT = 0xFFFFFFFF
SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFESTS = os.path.join(SOURCE, 'tests', 'data', 'manifests')


class Entry:
    def __init__(self, name, data=None, size=None, deflate=False):
        self.name = name.encode()
        self.data = data                     # None: `size` zero bytes, left as a hole
        self.size = len(data) if data is not None else size
        if data is None:
            self.crc = zeros_crc(size)
            self.stored = None
        elif deflate:
            c = zlib.compressobj(6, zlib.DEFLATED, -15)
            self.stored = c.compress(data) + c.flush()
            self.crc = zlib.crc32(data)
        else:
            self.stored = data
            self.crc = zlib.crc32(data)
        self.method = 8 if deflate else 0
        self.comp = len(self.stored) if self.stored is not None else size
        self.offset = 0


def zeros_crc(size):
    chunk = bytes(16 << 20)
    crc = 0
    while size > 0:
        n = min(size, len(chunk))
        crc = zlib.crc32(chunk[:n] if n < len(chunk) else chunk, crc)
        size -= n
    return crc


def zip64_extra(values):
    return struct.pack('<HH', 1, 8 * len(values)) + b''.join(struct.pack('<Q', v) for v in values)


def write_zip(path, entries):
    with open(path, 'wb') as f:
        for e in entries:
            e.offset = f.tell()
            big = e.size >= ZIP64_LIMIT
            extra = zip64_extra([e.size, e.comp]) if big else b''
            f.write(struct.pack('<4sHHHHHIIIHH', b'PK\3\4', 45 if big else 20, 0x0800, e.method, 0, 0x21,
                                e.crc, ZIP64_LIMIT if big else e.comp, ZIP64_LIMIT if big else e.size,
                                len(e.name), len(extra)) + e.name + extra)
            if e.stored is None:
                f.seek(e.size, os.SEEK_CUR)  # a hole: zeros without writing them
            else:
                f.write(e.stored)
        directory = f.tell()
        for e in entries:
            fields = [v for v in (e.size, e.comp) if v >= ZIP64_LIMIT] + ([e.offset] if e.offset >= ZIP64_LIMIT else [])
            extra = zip64_extra(fields) if fields else b''
            f.write(struct.pack('<4sHHHHHHIIIHHHHHII', b'PK\1\2', 0x031E, 45 if fields else 20, 0x0800, e.method,
                                0, 0x21, e.crc, min(e.comp, ZIP64_LIMIT), min(e.size, ZIP64_LIMIT), len(e.name),
                                len(extra), 0, 0, 0, 0, min(e.offset, ZIP64_LIMIT)) + e.name + extra)
        end = f.tell()
        size = end - directory
        if directory >= ZIP64_LIMIT:
            f.write(struct.pack('<4sQHHIIQQQQ', b'PK\6\6', 44, 45, 45, 0, 0, len(entries), len(entries), size,
                                directory))
            f.write(struct.pack('<4sIQI', b'PK\6\7', 0, end, 1))
        f.write(struct.pack('<4sHHHHIIH', b'PK\5\6', 0, 0, len(entries), len(entries), size,
                            min(directory, ZIP64_LIMIT), 0))


def make_entries(huge):
    def read(name):
        with open(os.path.join(MANIFESTS, name), 'rb') as f:
            return f.read()
    entries = [Entry('BuildManifest.plist', read('iPhone10,3-iPhone10,6_15C114.plist'), deflate=True),
               Entry('Restore.plist', read('iPhone10,3-iPhone10,6_15C114.Restore.plist'), deflate=True),
               Entry('Firmware/dfu/before.im4p', os.urandom(SMALL))]
    if huge:
        entries.append(Entry('058-86176-124.dmg', size=HUGE))
    entries.append(Entry('Firmware/dfu/after.im4p', os.urandom(SMALL)))
    return entries


GNU_TIME = '/usr/bin/time'


def run(cmd):
    """Wall time in seconds and peak RSS in KiB of one child. The peak comes
    from GNU time when there is one: a child forked from Python starts with
    Python's pages, and ru_maxrss keeps them after exec."""
    use_time = os.access(GNU_TIME, os.X_OK)
    with tempfile.NamedTemporaryFile('r') as report:
        full = [GNU_TIME, '-f', '%M', '-o', report.name] + cmd if use_time else cmd
        start = time.monotonic()
        proc = subprocess.Popen(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        err = proc.stderr.read().decode()
        proc.stderr.close()
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f'{" ".join(cmd)} failed: {err}')
        return elapsed, int(report.read().split()[-1]) if use_time else usage.ru_maxrss


def median_run(cmd):
    runs = [run(cmd) for _ in range(RUNS)]
    return statistics.median(t for t, _ in runs), max(r for _, r in runs)


def main(args):
    build = next((a for a in args if not a.startswith('--')), '_build')
    cli = os.path.join(build, 'src', 'cli', 'unbrick-cli')
    tmp = tempfile.mkdtemp(prefix='bench-ipsw-')
    big, small = os.path.join(tmp, 'big.ipsw'), os.path.join(tmp, 'small.ipsw')
    start = time.monotonic()
    write_zip(big, make_entries(True))
    write_zip(small, make_entries(False))
    print(f'wrote {os.path.getsize(big) / 1e9:.2f} GB (sparse, {os.stat(big).st_blocks * 512 / 1e6:.1f} MB '
          f'on disk) and {os.path.getsize(small) / 1e3:.0f} kB in {time.monotonic() - start:.1f} s')
    try:
        component = ['--cat', 'Firmware/dfu/after.im4p']
        for path in (big, small):                       # warm the page cache
            run([cli, 'ipsw', path] + component)
        t_big, _ = median_run([cli, 'ipsw', big] + component)
        t_small, _ = median_run([cli, 'ipsw', small] + component)
        print(f'one 64 KiB component: {t_big * 1000:.1f} ms from the 4 GB file, {t_small * 1000:.1f} ms from the '
              f'small one (medians of {RUNS}), ratio {t_big / t_small:.2f}')
        s_big, rss_big = median_run([cli, 'ipsw', big])
        s_small, rss_small = median_run([cli, 'ipsw', small])
        print(f'summary (unbrick-cli ipsw FILE): {s_big * 1000:.1f} ms / {s_small * 1000:.1f} ms, '
              f'peak RSS {rss_big / 1024:.1f} MiB / {rss_small / 1024:.1f} MiB')
        if '--no-stream' not in args:
            t, rss = run([cli, 'ipsw', big, '--cat', '058-86176-124.dmg'])
            print(f'the whole 4 GiB entry streamed to /dev/null: {t:.1f} s ({HUGE / t / 1e9:.2f} GB/s, CRC '
                  f'checked), peak RSS {rss / 1024:.1f} MiB')
    finally:
        if '--keep' in args:
            print(f'kept {tmp}')
        else:
            os.unlink(big)
            os.unlink(small)
            os.rmdir(tmp)


if __name__ == '__main__':
    main(sys.argv[1:])
