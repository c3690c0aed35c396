#!/usr/bin/env python3
"""ub-test-httpd.py — Unbrick's loopback HTTP(S) server for tests, with faults.

Python 3 standard library only. Serves the files under ROOT on 127.0.0.1 and
injects faults chosen by a URL prefix, so that one server covers every case.
Other tests (the firmware catalog's JSON and plist files) use it too: keep
this command line and these prefixes stable.

Command line
------------

    ub-test-httpd.py --root DIR [--port N] [--port-file FILE] [--log FILE]
                     [--tls CERT KEY] [--exit-with-parent]

  --root DIR          the directory to serve (default: the current one)
  --port N            the port to listen on (default 0: a free one)
  --port-file FILE    write the port number there (atomically: FILE.tmp, then
                      renamed), once the server accepts connections; without
                      it the port is printed as the first line on stdout
  --log FILE          append one JSON object per finished response (below)
  --tls CERT KEY      HTTPS with this certificate chain and key (PEM files)
  --exit-with-parent  exit when the process that started this one goes away
                      (a test that crashed leaves no server behind)

SIGTERM and SIGINT stop it at once.

URLs
----

  /PATH                          the file ROOT/PATH: GET and HEAD, with Range
                                 ("bytes=A-B", "bytes=A-", "bytes=-N"; 416
                                 with "Content-Range: bytes */SIZE" past the
                                 end; several ranges are answered with 200)
  /fault/F1/F2/…/PATH            the same file with the faults F1, F2, …:

  drop-at=N       close the connection when the body reaches byte N of the
                  file (only responses that start before N, so a resumed
                  request from N on succeeds)
  drop-after=N    close the connection after N body bytes of every response
  stall-at=N      stop sending at byte N of the file and keep the connection
                  open until the client gives up (only responses that start
                  before N)
  stall-after=N   stop after N body bytes of every response (0: headers only)
  status=CODE     answer CODE (404, 500, 503, …) with a short text body
  wrong-length    announce a Content-Length 1000 bytes larger than the body,
                  then close the connection
  ignore-range    ignore Range: always 200 with the whole file
  bad-range       answer a Range request with a 206 that starts at byte 0
  corrupt-byte=N  send byte N of the file inverted (a wrong checksum)
  rate=BPS        send at most BPS bytes per second
  delay=MS        wait MS milliseconds before answering
  redirect        answer 302 to the same URL without this fault

Log
---

One line per response, written when it ends:

  {"method": "GET", "path": "/fault/drop-at=100/a.bin", "file": "a.bin",
   "range": "bytes=100-" or null, "status": 206, "start": 100,
   "length": 900, "sent": 900, "complete": true}

"start" and "length" describe the body promised, "sent" the body bytes that
went out, "complete" whether all of them did.
"""

import argparse
import json
import mimetypes
import os
import re
import select
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = 256 * 1024
STALL_LIMIT = 600.0          # seconds a stalled response waits for the client to leave
FAULT = re.compile(r'^(drop-at|drop-after|stall-at|stall-after|status|corrupt-byte|rate|delay)=(\d+)$'
                   r'|^(wrong-length|ignore-range|bad-range|redirect)$')
TYPES = {'.json': 'application/json', '.plist': 'application/xml', '.xml': 'application/xml',
         '.ipsw': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8'}


class Stop(Exception):
    """The response ends here (a fault, or the client went away)."""


def parse_faults(path):
    """'/fault/a/b=1/x/y' -> ({'a': True, 'b': 1}, '/x/y'); other paths unchanged."""
    faults = {}
    parts = path.split('/')
    if len(parts) < 3 or parts[1] != 'fault':
        return faults, path
    i = 2
    while i < len(parts) - 1:
        m = FAULT.match(parts[i])
        if not m:
            break
        if m.group(1):
            faults[m.group(1)] = int(m.group(2))
        else:
            faults[m.group(3)] = True
        i += 1
    return faults, '/' + '/'.join(parts[i:])


def parse_range(header, size):
    """Returns (start, end) inclusive, 'unsatisfiable', or None (whole file)."""
    m = re.fullmatch(r'bytes=(\d*)-(\d*)', (header or '').strip())
    if not m or (m.group(1) == '' and m.group(2) == ''):
        return None
    if m.group(1) == '':
        n = int(m.group(2))
        return (max(0, size - n), size - 1) if n > 0 and size > 0 else 'unsatisfiable'
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start >= size or end < start:
        return 'unsatisfiable'
    return start, min(end, size - 1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ub-test-httpd/1'

    def log_message(self, fmt, *args):     # quiet: the JSON log is the record
        pass

    def do_HEAD(self):
        self.serve(head=True)

    def do_GET(self):
        self.serve(head=False)

    # -- the request ---------------------------------------------------------

    def serve(self, head):
        self.record = {'method': self.command, 'path': self.path, 'file': None,
                       'range': self.headers.get('Range'), 'status': None,
                       'start': 0, 'length': 0, 'sent': 0, 'complete': False}
        self.close_connection = True
        try:
            self.respond(head)
        except (Stop, ConnectionError, ssl.SSLError, socket.timeout, OSError):
            pass
        finally:
            self.server.write_log(self.record)

    def respond(self, head):
        url = urllib.parse.urlsplit(self.path)
        faults, rel = parse_faults(urllib.parse.unquote(url.path))
        if 'delay' in faults:
            time.sleep(faults['delay'] / 1000.0)
        if 'redirect' in faults:
            target = self.path.replace('/redirect/', '/', 1)
            return self.short(302, 'Found\n', head, {'Location': target})
        if 'status' in faults:
            return self.short(faults['status'], 'Status %d (a fault)\n' % faults['status'], head)
        path = self.server.resolve(rel)
        if path is None:
            return self.short(404, 'Not found\n', head)
        self.record['file'] = os.path.relpath(path, self.server.root)
        with open(path, 'rb') as f:
            size = os.fstat(f.fileno()).st_size
            self.send_file(f, size, faults, head)

    def short(self, code, text, head, extra=None):
        body = text.encode()
        self.record.update(status=code, length=len(body))
        self.send_response(code)
        self.send_header('Content-Type', 'text/plain; charset=utf-8')
        self.send_header('Content-Length', str(len(body)))
        self.send_header('Connection', 'close')
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)
            self.record['sent'] = len(body)
        self.record['complete'] = True

    def choose_range(self, size, faults):
        wanted = None if 'ignore-range' in faults else parse_range(self.headers.get('Range'), size)
        if wanted == 'unsatisfiable':
            return 416, 0, 0
        if wanted is None:
            return 200, 0, size
        start, end = wanted
        if 'bad-range' in faults and start > 0:
            return 206, 0, size
        return 206, start, end - start + 1

    def send_file(self, f, size, faults, head):
        status, start, length = self.choose_range(size, faults)
        self.record.update(status=status, start=start, length=length)
        self.send_response(status)
        self.send_header('Accept-Ranges', 'bytes')
        self.send_header('Connection', 'close')
        if status == 416:
            self.send_header('Content-Range', 'bytes */%d' % size)
            self.send_header('Content-Length', '0')
            self.end_headers()
            self.record['complete'] = True
            return
        ext = os.path.splitext(f.name)[1].lower()
        self.send_header('Content-Type', TYPES.get(ext) or mimetypes.guess_type(f.name)[0]
                         or 'application/octet-stream')
        if status == 206:
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, start + length - 1, size))
        announced = length + (1000 if 'wrong-length' in faults else 0)
        self.send_header('Content-Length', str(announced))
        self.end_headers()
        if head:
            self.record['complete'] = True
            return
        self.wfile.flush()
        self.send_body(f, start, length, faults)
        self.record['complete'] = self.record['sent'] == length

    # -- the body ------------------------------------------------------------

    def body_limit(self, start, length, faults):
        """The file offset where the body stops early, and how (drop/stall)."""
        stops = []
        for kind in ('drop', 'stall'):
            at = faults.get(kind + '-at')
            if at is not None and start < at < start + length:
                stops.append((at, kind))
            after = faults.get(kind + '-after')
            if after is not None and after < length:
                stops.append((start + after, kind))
        return min(stops) if stops else (start + length, None)

    def send_body(self, f, start, length, faults):
        stop_at, how = self.body_limit(start, length, faults)
        plain = not ({'corrupt-byte', 'rate'} & faults.keys()) and not self.server.tls
        if plain:
            self.sendfile(f, start, stop_at - start)
        else:
            self.copy(f, start, stop_at - start, faults)
        if how == 'stall':
            self.stall()
        elif how == 'drop':
            self.drop()

    def sendfile(self, f, start, count):
        sock = self.connection
        offset, end = start, start + count
        while offset < end:
            n = os.sendfile(sock.fileno(), f.fileno(), offset, min(end - offset, 1 << 30))
            if n == 0:
                raise Stop()
            offset += n
            self.record['sent'] += n

    def copy(self, f, start, count, faults):
        rate = faults.get('rate')
        corrupt = faults.get('corrupt-byte')
        began = time.monotonic()
        f.seek(start)
        offset, end = start, start + count
        while offset < end:
            chunk = f.read(min(CHUNK, end - offset, max(1, rate // 10) if rate else CHUNK))
            if not chunk:
                raise Stop()
            if corrupt is not None and offset <= corrupt < offset + len(chunk):
                b = bytearray(chunk)
                b[corrupt - offset] ^= 0xFF
                chunk = bytes(b)
            self.wfile.write(chunk)
            offset += len(chunk)
            self.record['sent'] += len(chunk)
            if rate:
                ahead = (offset - start) / rate - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)

    def stall(self):
        """Send nothing more; return when the client closes or the server stops."""
        deadline = time.monotonic() + STALL_LIMIT
        sock = self.connection
        while time.monotonic() < deadline and not self.server.stopping.is_set():
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                try:
                    if not sock.recv(4096):
                        break
                except (OSError, ssl.SSLError):
                    break
        raise Stop()

    def drop(self):
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise Stop()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, root, log, tls):
        self.root = os.path.realpath(root)
        self.log_file = open(log, 'a', encoding='utf-8') if log else None
        self.log_lock = threading.Lock()
        self.stopping = threading.Event()
        self.tls = None
        if tls:
            self.tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.tls.load_cert_chain(tls[0], tls[1])
        super().__init__(('127.0.0.1', port), Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the connection's own thread: a
        # client that refuses the certificate never blocks the others.
        if self.tls:
            try:
                request.settimeout(30)
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def resolve(self, rel):
        path = os.path.realpath(os.path.join(self.root, rel.lstrip('/')))
        if os.path.commonpath([path, self.root]) != self.root or not os.path.isfile(path):
            return None
        return path

    def write_log(self, record):
        if self.log_file:
            with self.log_lock:
                self.log_file.write(json.dumps(record) + '\n')
                self.log_file.flush()


def announce(port, port_file):
    if port_file:
        tmp = port_file + '.tmp'
        with open(tmp, 'w') as f:
            f.write('%d\n' % port)
        os.rename(tmp, port_file)
    else:
        print(port, flush=True)


def watch_parent(parent):
    while os.getppid() == parent and parent != 1:
        time.sleep(0.5)
    os._exit(0)


def main():
    parent = os.getppid()       # first thing: the parent may be gone by the time the watch starts
    p = argparse.ArgumentParser(description='Loopback HTTP(S) server with faults, for Unbrick\'s tests.')
    p.add_argument('--root', default='.')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--port-file')
    p.add_argument('--log')
    p.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    p.add_argument('--exit-with-parent', action='store_true')
    args = p.parse_args()

    server = Server(args.port, args.root, args.log, args.tls)

    def stop(signum, frame):
        server.stopping.set()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(parent,), daemon=True).start()
    announce(server.server_address[1], args.port_file)
    server.serve_forever(poll_interval=0.5)


if __name__ == '__main__':
    main()
