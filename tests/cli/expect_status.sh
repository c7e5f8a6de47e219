#!/usr/bin/env bash
# expect_status.sh STATUS REGEX CMD...: CMD must exit with STATUS and print a line on
# stdout matching REGEX (use '' for any output).
set -u
want=$1 regex=$2; shift 2
out=$("$@" </dev/null 2>&1)
status=$?
if [ "$status" -ne "$want" ]; then
  echo "FAIL: exit status $status, wanted $want: $*"; echo "$out"; exit 1
fi
if [ -n "$regex" ] && ! grep -Eq "$regex" <<<"$out"; then
  echo "FAIL: output does not match '$regex': $*"; echo "$out"; exit 1
fi
echo "ok: status $status"
