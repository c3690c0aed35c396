#!/usr/bin/env python3
"""make-expected.py — writes the expected TSS AP requests in this folder.

    make-expected.py MANIFEST_DIR

A second, independent reading of the request rules (shared/research/
restore-protocol.md §2, checked against the request excerpts in
shared/research/fixtures/tss/), in Python with plistlib, so that
tests/test-tss.c compares Unbrick's C code against something that was not
derived from it. Run it again only if the rules change; the .plist files it
writes are kept in git and reviewed by hand (see README.md).
"""

import base64
import os
import plistlib
import sys

# Components that are never in the AP request (research §2)
SKIPPED = {'BasebandFirmware', 'SE,UpdatePayload', 'BaseSystem', 'Diags', 'Ap,ExclaveOS'}
AP_STRINGS = ['Ap,OSLongVersion', 'Ap,OSReleaseType', 'Ap,ProductMarketingVersion', 'Ap,ProductType',
              'Ap,SDKPlatform', 'Ap,Target', 'Ap,TargetType', 'Ap,Timestamp']


def hexbytes(text):
    return bytes.fromhex(text.replace(' ', ''))


# One entry per expected file: the manifest, the identity, the phone. The
# ECIDs and nonces are real values from the logs named in README.md.
CASES = [
    ('d22ap-15C114', 'iPhone10,3-iPhone10,6_15C114.plist', 'd22ap', 0x8015, 0x06, 6303405673529390,
     hexbytes('65 20 11 ae 46 70 10 2b 69 ee c0 93 09 66 bf 67 94 2c 5b b8 e4 52 35 e7 b6 dd cd e5 d2 5c 05 3e'),
     hexbytes('79 ce 61 1a 6d a2 68 6e c5 20 c3 8f 56 53 65 e9 2f 97 31 82')),
    ('d53gap-23C71', 'iPhone13,2-iPhone13,3_23C71.plist', 'd53gap', 0x8101, 0x0C, 7406439198367774,
     base64.b64decode('/h8EeKZRqhgMJHUCLj4koOhV0LYBl2yJ1xO1SpPO/30='),
     base64.b64decode('+VHI1z6efSK5PB327VN4qf8+0/c=')),
    ('n71ap-19H12', 'iPhone8,1_19H12.plist', 'n71ap', 0x8000, 0x04, 5723206868272,
     hexbytes('a1 91 2d 0f ca c0 43 ff 57 a0 13 13 54 37 fd f4 5c e6 d9 0b'),
     hexbytes('bd cf 7d b4 d3 af 67 1f 1e 34 80 eb ee 37 ac 0a 7e 64 e3 ce')),
    ('d101ap-17F80', 'iPhone9,1-iPhone9,3-iPhone10,1-iPhone10,4_17F80.plist', 'd101ap', 0x8010, 0x0C,
     3685821359199014,
     hexbytes('27325c8258be46e69d9ee57fa9a8fbc28b873df434e5e702a8b27999551138ae'),
     None),
]


def condition_met(key, wanted, production, security):
    """A rule's condition, for a production, secure phone restored from DFU
    without demotion."""
    if not isinstance(wanted, bool):
        return False
    if key in ('ApRawProductionMode', 'ApCurrentProductionMode'):
        return wanted == production
    if key == 'ApRawSecurityMode':
        return wanted == security
    if key == 'ApRequiresImage4':
        return wanted is True
    return False        # ApDemotionPolicyOverride, ApInRomDFU: never


def component(entry, production, security):
    out = {k: v for k, v in entry.items() if k != 'Info'}
    rules = entry['Info'].get('RestoreRequestRules')
    if isinstance(rules, list):
        for rule in rules:
            conditions = rule.get('Conditions', {})
            if all(condition_met(k, v, production, security) for k, v in conditions.items()):
                for k, v in rule.get('Actions', {}).items():
                    if isinstance(v, bool):
                        out[k] = v
    else:
        out['EPRO'] = production
        out['ESEC'] = security
    if entry.get('Trusted') is True and 'Digest' not in entry:
        out['Digest'] = b''
    return out


def expected_request(identity, ecid, ap_nonce, sep_nonce, production=True, security=True):
    req = {
        '@HostPlatformInfo': 'mac',
        '@VersionInfo': 'libauthinstall-1104.0.9',
        '@UUID': 'IGNORED',
        'ApECID': ecid,
        'UniqueBuildID': identity['UniqueBuildID'],
        'ApChipID': int(identity['ApChipID'], 16),
        'ApBoardID': int(identity['ApBoardID'], 16),
        'ApSecurityDomain': int(identity['ApSecurityDomain'], 16),
    }
    for name, entry in identity['Manifest'].items():
        info = entry.get('Info')
        if name in SKIPPED or not isinstance(info, dict) or info.get('IsFTAB') is True:
            continue
        if entry.get('Trusted') is not True and not isinstance(info.get('RestoreRequestRules'), list):
            continue
        req[name] = component(entry, production, security)
    for key in AP_STRINGS:
        if isinstance(identity.get(key), str):
            req[key] = identity[key]
    req['ApNonce'] = ap_nonce
    req['@ApImg4Ticket'] = True
    req['ApSecurityMode'] = security
    req['ApProductionMode'] = production
    if sep_nonce is not None:
        req['SepNonce'] = sep_nonce
    if isinstance(identity.get('NeRDEpoch'), int):
        req['NeRDEpoch'] = identity['NeRDEpoch']
        req['PermitNeRDPivot'] = b''
    if isinstance(identity.get('PearlCertificationRootPub'), bytes):
        req['PearlCertificationRootPub'] = identity['PearlCertificationRootPub']
    if isinstance(identity.get('AllowNeRDBoot'), bool):
        req['AllowNeRDBoot'] = identity['AllowNeRDBoot']
    if identity['Info'].get('RequiresUIDMode') is True:
        req['UID_MODE'] = False
        req['Ap,SikaFuse'] = 0
    return req


def main():
    manifest_dir = sys.argv[1]
    out_dir = os.path.dirname(os.path.abspath(__file__))
    for name, manifest, board, chip, bdid, ecid, ap_nonce, sep_nonce in CASES:
        with open(os.path.join(manifest_dir, manifest), 'rb') as f:
            identities = plistlib.load(f)['BuildIdentities']
        identity = next(i for i in identities
                        if i['Info']['DeviceClass'] == board
                        and i['Info']['Variant'] == 'Customer Erase Install (IPSW)')
        assert int(identity['ApChipID'], 16) == chip and int(identity['ApBoardID'], 16) == bdid
        req = expected_request(identity, ecid, ap_nonce, sep_nonce)
        path = os.path.join(out_dir, name + '.plist')
        with open(path + '.tmp', 'wb') as f:
            plistlib.dump(req, f, sort_keys=False)
        os.replace(path + '.tmp', path)
        print('%s: %d keys, %d components' % (name, len(req),
              sum(1 for v in req.values() if isinstance(v, dict))))


if __name__ == '__main__':
    main()
