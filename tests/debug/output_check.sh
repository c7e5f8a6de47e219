#!/usr/bin/env bash
# output_check.sh STATUS PATTERNS RVBOX ARGS...: RVBOX ARGS... must exit with STATUS,
# and its output (stdout, then stderr) must match PATTERNS in order (lib.sh,
# match_in_order; a pattern "!REGEX" means no line may match REGEX).
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
want=$1 patterns=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$@" </dev/null >"$dir/out" 2>"$dir/err"
status=$?
cat "$dir/out" "$dir/err" >"$dir/transcript"
if [ "$status" -ne "$want" ]; then
  echo "FAIL: exit status $status, wanted $want: $*"
  cat "$dir/transcript"
  exit 1
fi
match_in_order "$dir/transcript" "$patterns" || exit 1
echo "ok"
