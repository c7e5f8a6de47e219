#!/usr/bin/env bash
# gdb_snapshots.sh RVBOX ARGS...: the monitor's snapshot commands behind GDB's `monitor`
# (gdb_snapshots.gdb, checked against gdb_snapshots.expect in order), with the snapshot
# file in a scratch directory. Uses tests/debug/lib.sh to start rvbox under its stub.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../debug/lib.sh"
elf=""
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = -kernel ] && { j=$((i + 1)); elf=${!j}; }
done
dir=$(mktemp -d)
trap 'kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
cmds=()
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] || cmds+=(-ex "$line")
done <"$here/gdb_snapshots.gdb"
start_rvbox "$dir" "$@" --snapshot-dir "$dir" || exit 1
timeout 60 gdb-multiarch -nx -batch -ex "set confirm off" -ex "file $elf" \
  -ex "target remote :$GDB_PORT" "${cmds[@]}" >"$dir/gdb.out" 2>&1 </dev/null
wait_rvbox 20
cat "$dir/gdb.out" "$dir/rvbox.out" >"$dir/transcript"
if [ "$RVBOX_STATUS" -ne 0 ]; then
  echo "FAIL: rvbox exit status $RVBOX_STATUS"
  cat -n "$dir/transcript" "$dir/rvbox.err"
  exit 1
fi
match_in_order "$dir/transcript" "$here/gdb_snapshots.expect" || { cat "$dir/rvbox.err"; exit 1; }
echo "ok"
