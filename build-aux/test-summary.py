#!/usr/bin/env python3
"""Print the last line CI looks for: "N passed, N failed".

Counts individual test cases: every TAP "ok"/"not ok" line of a TAP test
(skips count as passed, "# TODO" failures as neither), and a whole test for
tests that only have an exit status (the data validators). A test that crashed
or timed out before its plan was complete counts as one more failure.
"""
import json
import re
import sys

TAP_LINE = re.compile(r'^(not ok|ok)\b(.*)$', re.MULTILINE)


def count_tap(stdout):
    passed = failed = 0
    for m in TAP_LINE.finditer(stdout):
        if m.group(1) == 'ok':
            passed += 1
        elif '# TODO' not in m.group(2):
            failed += 1
    return passed, failed


def main(path):
    passed = failed = 0
    with open(path, encoding='utf-8') as log:
        for line in log:
            test = json.loads(line)
            result = test.get('result', '')
            stdout = test.get('stdout') or ''
            if test.get('protocol') == 'tap' or TAP_LINE.search(stdout):
                p, f = count_tap(stdout)
                if result not in ('OK', 'EXPECTEDFAIL', 'SKIP') and f == 0:
                    f = 1          # crashed, timed out or bailed out
                passed += p
                failed += f
            elif result in ('OK', 'SKIP', 'EXPECTEDFAIL'):
                passed += 1
            else:
                failed += 1
    print(f'{passed} passed, {failed} failed')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1]))
