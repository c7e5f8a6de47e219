#!/usr/bin/env bash
# expect_output.sh STATUS INPUT PATTERN... -- CMD...: runs CMD with INPUT on its stdin (a
# pipe, as scripts drive rvbox); CMD must exit with STATUS and its output must contain
# every PATTERN (extended regular expressions, each on some line).
set -u
want=$1 input=$2; shift 2
patterns=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do patterns+=("$1"); shift; done
shift
out=$(printf '%b' "$input" | "$@" 2>&1)
status=$?
fail=0
[ "$status" -eq "$want" ] || { echo "FAIL: exit status $status, wanted $want"; fail=1; }
for p in "${patterns[@]}"; do
  grep -Eq -- "$p" <<<"$out" || { echo "FAIL: no line matches '$p'"; fail=1; }
done
if [ $fail -ne 0 ]; then
  echo "--- output of: $*"; echo "$out"; exit 1
fi
echo "ok"
