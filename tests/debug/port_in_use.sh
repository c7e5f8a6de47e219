#!/usr/bin/env bash
# port_in_use.sh RVBOX ELF: a second rvbox asking for the port the first one listens on
# must stop at once with status 1 and one clear line.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
rvbox=$1 elf=$2
dir=$(mktemp -d)
trap 'kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
start_rvbox "$dir" "$rvbox" -bios none -kernel "$elf" || exit 1
timeout 10 "$rvbox" -bios none -kernel "$elf" -gdb "tcp::$GDB_PORT" </dev/null >/dev/null 2>"$dir/err2"
status=$?
want="rvbox: -gdb tcp::$GDB_PORT: Address already in use"
if [ "$status" -ne 1 ] || [ "$(cat "$dir/err2")" != "$want" ]; then
  echo "FAIL: status $status (wanted 1), stderr:"
  cat "$dir/err2"
  echo "wanted: $want"
  exit 1
fi
echo "ok: $want"
