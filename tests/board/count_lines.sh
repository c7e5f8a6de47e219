#!/usr/bin/env bash
# count_lines.sh SECONDS MIN LINE -- CMD...: runs CMD for SECONDS with its serial output
# in a file, then checks that LINE appears at least MIN times (a guest that reboots in a
# loop prints its banner once per boot).
set -u
secs=$1 min=$2 line=$3; shift 4
out=$(mktemp)
trap 'rm -f "$out"' EXIT
timeout "$secs" "$@" -serial "file:$out" </dev/null >/dev/null 2>&1
n=$(grep -cx -- "$line" "$out")
if [ "$n" -lt "$min" ]; then
  echo "FAIL: '$line' printed $n times, wanted at least $min"; head -c 400 "$out"; exit 1
fi
echo "ok: '$line' printed $n times"
