#!/usr/bin/env python3
"""ub-test-wkms.py — a loopback stand-in for Apple's image key servers (tests).

Python 3 standard library only. The restore relays URLAsset (GET) and
StreamedImageDecryptionKey (POST) requests from the phone to these servers;
this one lets the tests check what the relay passes through.

Command line (the same as ub-test-httpd.py, so tests/ub-test-httpd.c starts it):

    ub-test-wkms.py [--root DIR] [--port N] [--port-file FILE] [--log FILE]
                    [--tls CERT KEY] [--exit-with-parent]

URLs
----

  GET  /fcs-keys/NAME        200, a PEM-looking key naming NAME, with the
                             headers Content-Type: application/x-pem-file and
                             X-Wkms-Test: fcs
  GET  /status=CODE/NAME     CODE with the body "status CODE"
  GET  /big=N/NAME           200 with N bytes of "k"
  GET  /stall/NAME           headers, then nothing until the client leaves
  POST /keys/fetch           403 unless the request has X-Device-Token: t0k3n;
                             else 200 with a JSON body {"body": the request
                             body (latin-1), "headers": {every X-* header,
                             name lowercased: value}}
  anything else              404 (other methods: 405)

Log: one JSON object per response: {"method", "path", "status", "headers"
(X-* request headers, lowercased), "length" (request body bytes)}.
"""

import argparse
import json
import os
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1024 * 1024
STALL_LIMIT = 600.0


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ub-test-wkms/1'

    def log_message(self, fmt, *args):
        pass

    def x_headers(self):
        return {k.lower(): v for k, v in self.headers.items() if k.lower().startswith('x-')}

    def record(self, status, length):
        if self.server.log_path is None:
            return
        entry = {'method': self.command, 'path': self.path, 'status': status,
                 'headers': self.x_headers(), 'length': length}
        with self.server.log_lock, open(self.server.log_path, 'a') as log:
            log.write(json.dumps(entry) + '\n')

    def answer(self, status, body, headers=None, length=0):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        self.record(status, length)

    def stall(self):
        self.send_response(200)
        self.send_header('Content-Length', '1000')
        self.end_headers()
        self.wfile.flush()
        self.record(200, 0)
        end = time.monotonic() + STALL_LIMIT
        self.connection.settimeout(0.2)
        while time.monotonic() < end:
            try:
                if self.connection.recv(1) == b'':
                    return
            except (TimeoutError, OSError) as e:
                if not isinstance(e, TimeoutError) and 'timed out' not in str(e):
                    return

    def do_GET(self):
        parts = self.path.split('/')
        first = parts[1] if len(parts) > 2 else ''
        if first == 'fcs-keys':
            key = ('-----BEGIN EC PRIVATE KEY-----\ntest key %s\n-----END EC PRIVATE KEY-----\n'
                   % parts[-1]).encode()
            self.answer(200, key, {'Content-Type': 'application/x-pem-file', 'X-Wkms-Test': 'fcs'})
        elif first.startswith('status='):
            code = int(first[7:])
            self.answer(code, ('status %d' % code).encode(), {'Content-Type': 'text/plain'})
        elif first.startswith('big='):
            self.answer(200, b'k' * int(first[4:]), {'Content-Type': 'application/octet-stream'})
        elif first == 'stall':
            self.stall()
        else:
            self.answer(404, b'not found')

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        if length > MAX_BODY:
            self.answer(413, b'too large')
            return
        body = self.rfile.read(length)
        if self.path != '/keys/fetch':
            self.answer(404, b'not found', length=length)
        elif self.headers.get('X-Device-Token') != 't0k3n':
            self.answer(403, b'missing X-Device-Token', length=length)
        else:
            reply = json.dumps({'body': body.decode('latin-1'), 'headers': self.x_headers()}).encode()
            self.answer(200, reply, {'Content-Type': 'application/json'}, length=length)

    def refuse(self):
        self.answer(405, b'method not allowed')

    do_PUT = do_DELETE = do_HEAD = do_PATCH = refuse


def watch_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--root', default='.')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--port-file')
    parser.add_argument('--log')
    parser.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    parser.add_argument('--exit-with-parent', action='store_true')
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(('127.0.0.1', args.port), Handler)
    server.daemon_threads = True
    server.log_path = args.log
    server.log_lock = threading.Lock()
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + '.tmp', 'w') as f:
            f.write('%d\n' % port)
        os.replace(args.port_file + '.tmp', args.port_file)
    else:
        print(port, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
