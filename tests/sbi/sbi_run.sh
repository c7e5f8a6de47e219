#!/usr/bin/env bash
# sbi_run.sh [options] -- CMD...: runs CMD (rvbox, or QEMU, with the SBI firmware and a
# test kernel) and checks its console output, carriage returns removed:
#   -s STATUS   CMD must exit with STATUS (default 0)
#   -i INPUT    bytes fed to CMD's stdin (printf %b), as a user would type them
#   -t SECONDS  stop CMD after SECONDS, and do not check how it ended (reboot loops)
#   -p REGEX    some line must match REGEX (extended regular expression; repeatable)
#   -c N:REGEX  at least N lines must match REGEX (repeatable)
set -u
want=0 input="" secs="" patterns=() counts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    case $1 in
    -s) want=$2 ;;
    -i) input=$2 ;;
    -t) secs=$2 ;;
    -p) patterns+=("$2") ;;
    -c) counts+=("$2") ;;
    *) echo "sbi_run.sh: unknown option $1"; exit 2 ;;
    esac
    shift 2
done
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
if [ -n "$secs" ]; then
    printf '%b' "$input" | timeout "$secs" "$@" >"$out" 2>&1
else
    printf '%b' "$input" | "$@" >"$out" 2>&1
    status=$?
fi
sed -i 's/\r//g' "$out"
fail=0
if [ -z "$secs" ] && [ "$status" -ne "$want" ]; then
    echo "FAIL: exit status $status, wanted $want"; fail=1
fi
for p in "${patterns[@]}"; do
    grep -Eq -- "$p" "$out" || { echo "FAIL: no line matches '$p'"; fail=1; }
done
for c in "${counts[@]}"; do
    n=$(grep -Ec -- "${c#*:}" "$out")
    [ "$n" -ge "${c%%:*}" ] || { echo "FAIL: $n lines match '${c#*:}', wanted ${c%%:*}"; fail=1; }
done
if [ $fail -ne 0 ]; then
    echo "--- output of: $*"; head -c 20000 "$out"; exit 1
fi
grep -E '^(FAIL|info)' "$out"
echo "ok"
