#!/usr/bin/env bash
# gdb_batch.sh STATUS SCRIPT EXPECT RVBOX ARGS...
#
# Runs RVBOX ARGS... with a GDB stub (-gdb tcp::0 -S) and attaches gdb-multiarch in
# batch mode, giving it SCRIPT's lines as -ex commands after `target remote` (so that a
# command that fails, as some must, does not end the session). Checks that rvbox exits
# with STATUS and that the transcript (GDB's output, then rvbox's stdout) matches
# EXPECT's patterns in order (lib.sh, match_in_order). The ELF after -kernel is GDB's
# file too.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
want=$1 script=$2 expect=$3
shift 3
elf=""
for ((i = 1; i <= $#; i++)); do
  [ "${!i}" = -kernel ] && { j=$((i + 1)); elf=${!j}; }
done
dir=$(mktemp -d)
trap 'kill -9 "$RVBOX_PID" 2>/dev/null; rm -rf "$dir"' EXIT
cmds=()
while IFS= read -r line; do
  [[ -z $line || $line == \#* ]] || cmds+=(-ex "$line")
done <"$script"
start_rvbox "$dir" "$@" || exit 1
timeout 60 gdb-multiarch -nx -batch -ex "set confirm off" -ex "file $elf" \
  -ex "target remote :$GDB_PORT" "${cmds[@]}" >"$dir/gdb.out" 2>&1
wait_rvbox 20
cat "$dir/gdb.out" "$dir/rvbox.out" >"$dir/transcript"
if [ "$RVBOX_STATUS" -ne "$want" ]; then
  echo "FAIL: rvbox exit status $RVBOX_STATUS, wanted $want"
  cat -n "$dir/transcript" "$dir/rvbox.err"
  exit 1
fi
match_in_order "$dir/transcript" "$expect" || { cat "$dir/rvbox.err"; exit 1; }
echo "ok"
