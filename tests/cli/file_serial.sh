#!/usr/bin/env bash
# file_serial.sh FILE PATTERN CMD...: CMD (rvbox, its console going to FILE) must exit 0,
# and FILE must then hold a line matching PATTERN.
set -u
file=$1 pattern=$2; shift 2
rm -f "$file"
"$@" </dev/null >/dev/null 2>&1
status=$?
[ "$status" -eq 0 ] || { echo "FAIL: exit status $status: $*"; exit 1; }
grep -Eq -- "$pattern" "$file" || { echo "FAIL: $file does not match '$pattern'"; cat "$file"; exit 1; }
echo "ok: $(grep -E -- "$pattern" "$file" | head -1)"
