#!/usr/bin/env bash
# expect_error.sh REGEX CMD...: CMD must exit with status 1 and print exactly one line on
# stderr, "rvbox: ..." matching REGEX (bad input gets one clear line, never a crash).
set -u
regex=$1; shift
err=$(mktemp)
trap 'rm -f "$err"' EXIT
"$@" </dev/null >/dev/null 2>"$err"
status=$?
lines=$(wc -l <"$err")
if [ "$status" -ne 1 ]; then
  echo "FAIL: exit status $status, wanted 1: $*"; cat "$err"; exit 1
fi
if [ "$lines" -ne 1 ]; then
  echo "FAIL: $lines lines on stderr, wanted 1: $*"; cat "$err"; exit 1
fi
if ! grep -Eq "^rvbox: .*($regex)" "$err"; then
  echo "FAIL: stderr does not match '$regex': $*"; cat "$err"; exit 1
fi
echo "ok: $(cat "$err")"
