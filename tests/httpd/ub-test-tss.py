#!/usr/bin/env python3
"""ub-test-tss.py — a loopback stand-in for Apple's TSS server, with faults.

Python 3 standard library only. It takes the command line of
ub-test-httpd.py, so tests start it with the same helper
(tests/ub-test-httpd.c, $UB_TEST_HTTPD naming this script):

    ub-test-tss.py [--root DIR] [--port N] [--port-file FILE] [--log FILE]
                   [--tls CERT KEY] [--exit-with-parent]

--root is accepted and ignored (nothing is served from disk).

Requests
--------

POST /MODE/…/TSS/controller?action=2 with an XML plist body, as Unbrick
(src/core/ub-tss.c) and libtatsu send it. MODE chooses the answer; anything
after the modes is ignored:

  ticket        STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=<plist> with an
                ApImg4Ticket for the request (below); also any path
                without a known mode
  status=N      STATUS=N&MESSAGE=… (94: "This device isn't eligible for
                the requested build.", Apple's words)
  garbage       HTTP 200 with an HTML page and no STATUS
  http=N        HTTP N with a short text body and no STATUS
  fail=N        HTTP 503 (no STATUS) for the first N requests to this exact
                path, then a ticket
  bad-plist     STATUS=0 with a REQUEST_STRING that is not a plist
  no-ticket     STATUS=0 with a plist that has no ApImg4Ticket
  not-im4m      STATUS=0 with an ApImg4Ticket that is not DER
  other-ecid    a ticket for ApECID + 1 (the caller must notice, not us)
  stall         read the request, then send nothing until the client leaves

A baseband request (@BBTicket and BasebandFirmware, no @ApImg4Ticket) gets
a BBTicket and "<Element>-Blob"s instead of an ApImg4Ticket (below).
A co-processor request (an "@<Name>,Ticket" key, no @ApImg4Ticket) gets
"<Name>,Ticket" values made from its nonce (updater_answer below).

The ticket
----------

An IM4M-shaped DER blob, laid out like Apple's (compare
`openssl asn1parse -inform DER` on an ApImg4Ticket from a real SHSH file):

  SEQUENCE {
    IA5String "IM4M", INTEGER 0,
    SET { [PRIVATE 'MANB'] SEQUENCE { IA5String "MANB",
      SET { [PRIVATE 'MANP'] SEQUENCE { IA5String "MANP", SET {
        BNCH OCTET STRING   the request's ApNonce
        BORD INTEGER        ApBoardID
        CHIP INTEGER        ApChipID
        CPRO BOOLEAN        ApProductionMode
        CSEC BOOLEAN        ApSecurityMode
        ECID INTEGER        ApECID (+1 with other-ecid)
        SDOM INTEGER        ApSecurityDomain
        snon OCTET STRING   SepNonce, if the request had one
      } } },
      [PRIVATE tag] SEQUENCE { IA5String tag, SET { DGST OCTET STRING } }
                      one per requested image with a Digest, the tag being
                      the type the phone loads (iBSS → ibss,
                      RestoreKernelCache → rkrn: IMAGE_TAGS below)
    } } },
    OCTET STRING        256 zero bytes: NOT a signature
    SEQUENCE { }        no certificate chain
  }

Each property is [PRIVATE fourcc] (constructed, high tag number = the four
characters as a big-endian 32-bit number) around SEQUENCE { IA5String fourcc,
value }; members of a SET are in DER order. Nothing is signed: it is for
checking that the right ECID and nonce travel through the restore.

Log
---

One JSON object per request, written when the answer has gone out:

  {"method": "POST", "path": "/ticket/TSS/controller?action=2",
   "mode": "ticket", "status": 200, "user_agent": "InetURL/1.0",
   "content_type": "text/xml; charset=\\"utf-8\\"", "cache_control": "no-cache",
   "plist": true, "ecid": 6303405673529390, "ap_nonce": "6520…", "keys": 57}
"""

import argparse
import hashlib
import json
import os
import plistlib
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 8 * 1024 * 1024
STALL_LIMIT = 600.0
NOT_ELIGIBLE = "This device isn't eligible for the requested build."


def der_length(n):
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag, content):
    return tag + der_length(len(content)) + content


def der_int(n):
    return tlv(b'\x02', n.to_bytes(n.bit_length() // 8 + 1, 'big'))


def der_set(items):
    return tlv(b'\x31', b''.join(sorted(items)))


def ia5(text):
    return tlv(b'\x16', text.encode('ascii'))


def private_tag(fourcc):
    number = int.from_bytes(fourcc.encode('ascii'), 'big')
    groups = []
    while True:
        groups.insert(0, number & 0x7F)
        number >>= 7
        if number == 0:
            break
    return bytes([0xFF] + [g | 0x80 for g in groups[:-1]] + [groups[-1]])


def prop(fourcc, value):
    return tlv(private_tag(fourcc), tlv(b'\x30', ia5(fourcc) + value))


# The image tag a ticket names each component by: the type of the IM4P the
# phone loads (restore components under their restore names), as Apple's
# tickets do (see the image list of an ApImg4Ticket in an SHSH file).
IMAGE_TAGS = {
    'iBSS': 'ibss', 'iBEC': 'ibec', 'LLB': 'illb', 'iBoot': 'ibot',
    'RestoreLogo': 'rlgo', 'AppleLogo': 'logo', 'RestoreRamDisk': 'rdsk',
    'RestoreDeviceTree': 'rdtr', 'DeviceTree': 'dtre', 'RestoreSEP': 'rsep',
    'SEP': 'sepi', 'RestoreKernelCache': 'rkrn', 'KernelCache': 'krnl',
    'RestoreTrustCache': 'rtsc', 'StaticTrustCache': 'trst',
    # the other images of a complete restore, with the IM4P types the test
    # firmware (tests/ub-test-restore.c) gives them
    'iBootData': 'ibdt', 'RecoveryMode': 'recm', 'BatteryCharging0': 'chg0',
    'BatteryCharging1': 'chg1', 'BatteryFull': 'batF', 'BatteryLow0': 'bat0',
    'BatteryLow1': 'bat1', 'BatteryPlugin': 'glyP', 'Liquid': 'liqd',
    'LowPowerWallet0': 'lpw0', 'LowPowerWallet1': 'lpw1',
    'Cryptex1,SystemTrustCache': 'ctsc', 'Cryptex1,AppTrustCache': 'catc',
    'SystemVolume': 'isys', 'Cryptex1,SystemVolume': 'csys',
    'Cryptex1,AppVolume': 'casy', 'Ap,SystemVolumeCanonicalMetadata': 'msys',
    'AOP': 'aopf', 'AVE': 'avef', 'Homer': 'homr', 'ANE': 'anef', 'ANS': 'ansf',
    'RestoreANS': 'rans', 'DCP': 'dcpf', 'RestoreDCP': 'rdcp', 'GFX': 'gfxf',
    'ISP': 'ispf', 'PMP': 'pmpf', 'SIO': 'siof', 'Multitouch': 'mtfw',
    'AudioCodecFirmware': 'acfw', 'Ap,HapticAssets': 'hpas',
    'LeapHaptics': 'lphp', 'WCHFirmwareUpdater': 'wchf',
}


def image_entries(request):
    """One [PRIVATE tag] entry per requested image with its DGST: the digest
    the request carried (the manifest's), as Apple signs it."""
    entries = []
    for name, tag in IMAGE_TAGS.items():
        entry = request.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get('Digest'), bytes):
            continue
        digest = prop('DGST', tlv(b'\x04', entry['Digest']))
        entries.append(prop(tag, der_set([digest])))
    return entries


def make_ticket(request, ecid_delta=0):
    def flag(key):
        return tlv(b'\x01', b'\xff' if request.get(key) else b'\x00')

    props = [
        prop('BNCH', tlv(b'\x04', bytes(request.get('ApNonce', b'')))),
        prop('BORD', der_int(int(request.get('ApBoardID', 0)))),
        prop('CHIP', der_int(int(request.get('ApChipID', 0)))),
        prop('CPRO', flag('ApProductionMode')),
        prop('CSEC', flag('ApSecurityMode')),
        prop('ECID', der_int(int(request.get('ApECID', 0)) + ecid_delta)),
        prop('SDOM', der_int(int(request.get('ApSecurityDomain', 0)))),
    ]
    if isinstance(request.get('SepNonce'), bytes):
        props.append(prop('snon', tlv(b'\x04', request['SepNonce'])))
    manp = prop('MANP', der_set(props))
    manb = prop('MANB', der_set([manp] + image_entries(request)))
    return tlv(b'\x30', ia5('IM4M') + der_int(0) + der_set([manb]) +
               tlv(b'\x04', bytes(256)) + tlv(b'\x30', b''))


def success(plist):
    xml = plistlib.dumps(plist, fmt=plistlib.FMT_XML)
    return b'STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=' + xml


# --- Baseband (BasebandData) -------------------------------------------------
# A request with @BBTicket and a BasebandFirmware dictionary is answered with
# a BBTicket and one "<Element>-Blob" per element with a -PartialDigest. The
# bytes are deterministic (tests/ub-test-bbfw.h has the formula) so that the
# virtual phone can check what the host stitched into each file.

BBFW_BLOB_SIZE = 1024
BBFW_TICKET_SIZE = 260


def bbfw_stream(element, chip_id, snum, nonce, length):
    key = (b'ub-test-bbfw\0' + element.encode('ascii') + b'\0' + chip_id.to_bytes(8, 'big') +
           bytes([len(snum)]) + snum + nonce)
    out = b''
    block = 0
    while len(out) < length:
        out += hashlib.sha256(key + block.to_bytes(4, 'big')).digest()
        block += 1
    return out[:length]


def is_baseband_request(request):
    return (request.get('@BBTicket') is True and isinstance(request.get('BasebandFirmware'), dict)
            and '@ApImg4Ticket' not in request)


def baseband_answer(request):
    chip_id = int(request.get('BbChipID', 0))
    snum = bytes(request.get('BbSNUM', b''))
    nonce = bytes(request.get('BbNonce', b''))
    firmware = {}
    for key in request['BasebandFirmware']:
        if key.endswith('-PartialDigest'):
            element = key[:-len('-PartialDigest')]
            firmware[element + '-Blob'] = bbfw_stream(element, chip_id, snum, nonce, BBFW_BLOB_SIZE)
    ticket = b'\x30\x82\x01\x00' + bbfw_stream('@BBTicket', chip_id, snum, nonce, BBFW_TICKET_SIZE - 4)
    return success({'@ServerVersion': '2.1.0', 'BBTicket': ticket, 'BasebandFirmware': firmware})


# --- Co-processor updaters (FirmwareUpdaterData) ----------------------------
# A request asking for "@<Name>,Ticket" (SE, Savage, Yonkers, Rap, BMU,
# Cryptex1, eUICC …) and not for an ApImg4Ticket or a baseband is answered
# with "<Name>,Ticket" for each: a DER SEQUENCE header (30 81 80) and 128
# bytes of SHA-256 blocks over b"ub-test-updater\0" + name + b"\0" + nonce +
# one counter byte, the nonce being the request's first (sorted) top-level
# "*,Nonce" data value, or nothing. tests/vphone/ub-vphone-restore-updater.c
# recomputes it.

UPDATER_TICKET_SIZE = 128


def updater_tickets(request):
    return sorted(key[1:] for key, value in request.items()
                  if key.startswith('@') and key.endswith(',Ticket') and value is True)


def is_updater_request(request):
    return ('@ApImg4Ticket' not in request and not is_baseband_request(request)
            and len(updater_tickets(request)) > 0)


def updater_ticket(name, nonce):
    out = b''
    block = 0
    while len(out) < UPDATER_TICKET_SIZE:
        out += hashlib.sha256(b'ub-test-updater\0' + name.encode('utf-8') + b'\0' + nonce +
                              bytes([block])).digest()
        block += 1
    return b'\x30\x81' + bytes([UPDATER_TICKET_SIZE]) + out[:UPDATER_TICKET_SIZE]


def updater_answer(request):
    nonces = [request[key] for key in sorted(request)
              if key.endswith(',Nonce') and isinstance(request[key], bytes)]
    nonce = nonces[0] if nonces else b''
    answer = {'@ServerVersion': '2.1.0'}
    for name in updater_tickets(request):
        answer[name] = updater_ticket(name, nonce)
    return success(answer)


class Handler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ub-test-tss'
    fail_counts = {}
    lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def read_request(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(min(length, MAX_BODY))
        try:
            request = plistlib.loads(body)
            return request if isinstance(request, dict) else None
        except Exception:
            return None

    def answer(self, code, body, content_type='text/html'):
        self.send_response(code)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def stall(self):
        deadline = time.monotonic() + STALL_LIMIT
        self.connection.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                data = self.connection.recv(1)
            except TimeoutError:
                continue
            except OSError:
                return
            if data == b'':
                return

    def choose(self, modes, request):
        """Returns (HTTP code, body) for the modes in the path."""
        first = modes[0] if modes else 'ticket'
        key, _, value = first.partition('=')
        if key == 'status':
            message = NOT_ELIGIBLE if value == '94' else 'Test refusal'
            return 200, ('STATUS=%s&MESSAGE=%s' % (value, message)).encode()
        if key == 'garbage':
            return 200, b'<html><body>Service Temporarily Unavailable</body></html>'
        if key == 'http':
            return int(value), b'Test error'
        if key == 'fail':
            with Handler.lock:
                seen = Handler.fail_counts.get(self.path, 0)
                Handler.fail_counts[self.path] = seen + 1
            if seen < int(value):
                return 503, b'Service Unavailable'
        if key == 'bad-plist':
            return 200, b'STATUS=0&MESSAGE=SUCCESS&REQUEST_STRING=<?xml version="1.0"?><plist><dict><key>'
        if request is None:
            return 200, b'STATUS=100&MESSAGE=Malformed request'
        if key == 'no-ticket':
            return 200, success({'@ServerVersion': '2.1.0'})
        if key == 'not-im4m':
            return 200, success({'@ServerVersion': '2.1.0', 'ApImg4Ticket': b'not a ticket'})
        if is_baseband_request(request):
            return 200, baseband_answer(request)
        if is_updater_request(request):
            return 200, updater_answer(request)
        delta = 1 if key == 'other-ecid' else 0
        return 200, success({'@ServerVersion': '2.1.0', 'ApImg4Ticket': make_ticket(request, delta)})

    def do_POST(self):
        request = self.read_request()
        path = urllib.parse.urlsplit(self.path).path
        modes = [m for m in path.split('/') if m and m != 'TSS' and m != 'controller']
        entry = {'method': 'POST', 'path': self.path, 'mode': modes[0] if modes else 'ticket',
                 'user_agent': self.headers.get('User-Agent'),
                 'content_type': self.headers.get('Content-Type'),
                 'cache_control': self.headers.get('Cache-Control'),
                 'expect': self.headers.get('Expect'),
                 'plist': request is not None}
        if request is not None:
            entry['ecid'] = request.get('ApECID')
            nonce = request.get('ApNonce')
            entry['ap_nonce'] = nonce.hex() if isinstance(nonce, bytes) else None
            entry['keys'] = len(request)
        if modes and modes[0] == 'stall':
            self.stall()
            entry['status'] = 0
        else:
            code, body = self.choose(modes, request)
            entry['status'] = code
            try:
                self.answer(code, body)
            except OSError:
                pass
        self.server.write_log(entry)

    def do_GET(self):
        self.answer(405, b'POST only')


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, log_path):
        super().__init__(address, Handler)
        self.log_file = open(log_path, 'a', encoding='utf-8') if log_path else None
        self.log_lock = threading.Lock()

    def write_log(self, entry):
        if self.log_file is None:
            return
        with self.log_lock:
            self.log_file.write(json.dumps(entry) + '\n')
            self.log_file.flush()


def watch_parent(parent):
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--root', default='.')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--port-file')
    parser.add_argument('--log')
    parser.add_argument('--tls', nargs=2, metavar=('CERT', 'KEY'))
    parser.add_argument('--exit-with-parent', action='store_true')
    args = parser.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    signal.signal(signal.SIGINT, lambda *a: os._exit(0))
    if args.exit_with_parent:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()

    server = Server(('127.0.0.1', args.port), args.log)
    if args.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls[0], args.tls[1])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + '.tmp'
        with open(tmp, 'w', encoding='ascii') as f:
            f.write('%d\n' % port)
        os.replace(tmp, args.port_file)
    else:
        print(port, flush=True)
    server.serve_forever()


if __name__ == '__main__':
    sys.exit(main())
