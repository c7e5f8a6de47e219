#!/usr/bin/env bash
# stays.sh RVBOX ARGS...: with -no-shutdown among ARGS, a guest that powers off must leave
# rvbox running (stopped, saying so on stderr) until it is told to go: here SIGTERM after
# 2 seconds, which it answers with status 143.
set -u
err=$(mktemp)
trap 'rm -f "$err"' EXIT
timeout 2 "$@" </dev/null >/dev/null 2>"$err"
status=$?
if [ "$status" -ne 124 ]; then
  echo "FAIL: status $status: rvbox did not stay after the guest powered off"; cat "$err"; exit 1
fi
grep -q "stopped (-no-shutdown)" "$err" || { echo "FAIL: no word of it:"; cat "$err"; exit 1; }
grep -q "terminating on signal 15" "$err" || { echo "FAIL: SIGTERM not answered:"; cat "$err"; exit 1; }
echo "ok: stayed, then ended on SIGTERM"
