#!/usr/bin/env bash
# run.sh SCRIPT.py RVBOX ARGS...: start RVBOX ARGS... with a GDB stub held at reset
# (tests/debug/lib.sh), run SCRIPT.py in gdb-multiarch against it (the ELF after -kernel
# is GDB's file), and pass when the script says ALL PASSED and rvbox then ends cleanly
# (or was killed by GDB, with --killed). RVBOX_OUT names rvbox's stdout for the script.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../debug/lib.sh"
killed=0
[ "$1" = --killed ] && { killed=1; shift; }
script=$1
shift
elf=""
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = -kernel ] && { j=$((i + 1)); elf=${!j}; }
done
dir=$(mktemp -d)
trap 'kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
start_rvbox "$dir" "$@" || exit 1
export RVBOX_OUT=$dir/rvbox.out
timeout 120 gdb-multiarch -nx -batch -ex "set confirm off" -ex "file $elf" \
  -ex "target remote :$GDB_PORT" -x "$script" >"$dir/gdb.out" 2>&1
gdb_status=$?
wait_rvbox 20
cat "$dir/gdb.out"
if [ $gdb_status -ne 0 ] || ! grep -q '^ALL PASSED' "$dir/gdb.out"; then
  echo "FAIL: the GDB script failed (status $gdb_status); rvbox said:"
  cat "$dir/rvbox.err"
  exit 1
fi
if [ $killed = 0 ] && [ "$RVBOX_STATUS" -ne 0 ]; then
  echo "FAIL: rvbox exit status $RVBOX_STATUS"
  cat "$dir/rvbox.err"
  exit 1
fi
echo "ok"
