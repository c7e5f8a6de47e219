#!/usr/bin/env bash
# halted_idle.sh RVBOX ELF: a machine held for the debugger must not spin. rvbox -S waits
# for a connection, then a client connects and says nothing (the machine stays halted):
# over a second each, rvbox may use at most 0.1 s of CPU.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
rvbox=$1 elf=$2
dir=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
hz=$(getconf CLK_TCK)
start_rvbox "$dir" "$rvbox" -bios none -kernel "$elf" || exit 1

check() {   # check WHAT: CPU used over the next second
  local before after
  before=$(cpu_ticks "$RVBOX_PID") || { echo "FAIL: rvbox is gone ($1)"; exit 1; }
  sleep 1
  after=$(cpu_ticks "$RVBOX_PID") || { echo "FAIL: rvbox is gone ($1)"; exit 1; }
  if [ $(((after - before) * 10)) -gt "$hz" ]; then
    echo "FAIL: $1: rvbox used $((after - before)) of $hz ticks in one second"
    exit 1
  fi
  echo "ok: $1: $((after - before)) ticks in one second"
}
check "waiting for a connection (-S)"
exec 3<>"/dev/tcp/127.0.0.1/$GDB_PORT" || { echo "FAIL: cannot connect"; exit 1; }
check "connected and halted"
