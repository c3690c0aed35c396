#!/bin/sh
# check-po.sh FILE.po — fail if msgfmt rejects a catalogue or if any of its
# messages is fuzzy or untranslated; print msgfmt's statistics line.
# MSGFMT may name the msgfmt to use.
set -u

po=${1:?usage: check-po.sh FILE.po}
msgfmt=${MSGFMT:-msgfmt}

if ! stats=$(LC_ALL=C "$msgfmt" --check --statistics -o /dev/null "$po" 2>&1); then
  printf '%s\n' "$stats" >&2
  printf '%s: msgfmt --check failed\n' "$po" >&2
  exit 1
fi
printf '%s: %s\n' "${po##*/}" "$stats"
case $stats in
  *fuzzy*|*untranslated*)
    printf '%s: every message must be translated, and none fuzzy\n' "$po" >&2
    exit 1
    ;;
esac
exit 0
