#!/usr/bin/env bash
# interactive.sh RVBOX SPIN_ELF IDLE_ELF
#
# GDB at a terminal (gdb_interactive.exp) against rvbox:
#  1. spin.elf: continue, Ctrl-C stops it (SIGINT), detach: the guest runs on;
#  2. a second connection: `count` grew after the detach; kill: rvbox exits 0;
#  3. idle.elf (sleeping in WFI): Ctrl-C still stops it at once; kill.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
rvbox=$1 spin=$2 idle=$3
dir=$(mktemp -d)
trap 'kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
exp="expect -f $here/gdb_interactive.exp"

start_rvbox "$dir" "$rvbox" -bios none -kernel "$spin" || exit 1
out1=$($exp "$GDB_PORT" "$spin" interrupt) || { echo "$out1"; exit 1; }
sleep 0.3
out2=$($exp "$GDB_PORT" "$spin" reconnect) || { echo "$out2"; exit 1; }
n1=${out1##*count=} n2=${out2##*count=}
if ! [ "$n2" -gt "$n1" ] 2>/dev/null; then
  echo "FAIL: count was $n1 at the detach and $n2 at the second connection: the guest did not run on"
  exit 1
fi
wait_rvbox 5
if [ "$RVBOX_STATUS" -ne 0 ]; then
  echo "FAIL: after kill rvbox exited with status $RVBOX_STATUS, wanted 0"
  cat "$dir/rvbox.err"
  exit 1
fi
echo "ok: interrupted at count=$n1, count=$n2 on the second connection, killed"

start_rvbox "$dir" "$rvbox" -bios none -kernel "$idle" -serial none || exit 1
out3=$($exp "$GDB_PORT" "$idle" idle) || { echo "$out3"; exit 1; }
wait_rvbox 5
if [ "$RVBOX_STATUS" -ne 0 ]; then
  echo "FAIL: idle guest: rvbox exited with status $RVBOX_STATUS after kill"
  exit 1
fi
echo "ok: Ctrl-C stops a guest waiting in WFI"
