#!/usr/bin/env bash
# trace_check.sh EXPECTED SELECT RVBOX ARGS...
#
# Runs RVBOX ARGS... (which exits 0) with its trace going to a file (-D FILE is added;
# SELECT "stderr" leaves it on stderr instead) and compares the trace with the lines of
# EXPECTED that SELECT keeps, exactly:
#   all | stderr     every line
#   exec | int      the instruction lines | the trap lines
#   head:N | tail:N  the first | last N lines
#   grep:REGEX       the lines matching REGEX
set -u
expected=$1 select=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
case $select in
  all | stderr) cp "$expected" "$dir/want" ;;
  exec) grep -v '^trap:' "$expected" >"$dir/want" ;;
  int) grep '^trap:' "$expected" >"$dir/want" ;;
  head:*) head -n "${select#head:}" "$expected" >"$dir/want" ;;
  tail:*) tail -n "${select#tail:}" "$expected" >"$dir/want" ;;
  grep:*) grep -E -- "${select#grep:}" "$expected" >"$dir/want" ;;
  *) echo "trace_check.sh: unknown SELECT '$select'"; exit 2 ;;
esac
if [ "$select" = stderr ]; then
  "$@" </dev/null >"$dir/out" 2>"$dir/trace"
else
  "$@" -D "$dir/trace" </dev/null >"$dir/out" 2>"$dir/err"
fi
status=$?
if [ "$status" -ne 0 ]; then
  echo "FAIL: exit status $status: $*"
  cat "$dir/out" "$dir/err" 2>/dev/null
  exit 1
fi
if ! diff -u "$dir/want" "$dir/trace"; then
  echo "FAIL: the trace differs from $expected ($select): $*"
  exit 1
fi
echo "ok: $(wc -l <"$dir/trace") lines as expected"
