#!/usr/bin/env bash
# trap_loop.sh RVBOX ELF: guest/trap_loop.S jumps to 0 in S-mode with stvec 0, and a timer
# interrupt ends the run (exit code 5) some 20 ms later. rvbox must report the loop once
# on stderr with the transfers that led into it; the failure report's history must still
# hold the jump to 0 (not hundreds of thousands of identical faults); under -d int the
# trap is traced once, the loop once, and its count at the end; -d exec and -d cpu must
# not stream the loop either. Every engine (RVBOX_ACCEL) alike.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
rvbox=$1 elf=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0

run() {     # run NAME ARGS...: rvbox must exit with 5; output in $dir/NAME
  local name=$1
  shift
  timeout 30 "$rvbox" -nographic -bios none -kernel "$elf" "$@" </dev/null \
    >"$dir/$name" 2>&1
  local status=$?
  if [ "$status" -ne 5 ]; then
    echo "FAIL: $name: exit status $status, wanted 5"
    cat "$dir/$name" | head -30
    fail=1
    return 1
  fi
}
once() {    # once FILE REGEX: exactly one line of FILE matches
  local n
  n=$(grep -cE -- "$2" "$1")
  if [ "$n" -ne 1 ]; then
    echo "FAIL: $n lines match '$2' in $(basename "$1"), wanted 1"
    cat "$1" | head -30
    fail=1
  fi
}

cat >"$dir/want-report" <<'PATTERNS'
^rvbox: trap loop: instruction access fault \(1\) at 00000000, tval=00000000, taken from S to S again and again: the trap vector \(stvec\) raises it itself; it came from:$
^  [0-9a-f]{8} <s_main\+0x[0-9a-f]+> +jalr x1, [0-9]+\(x1\) +-> [0-9a-f]{8} <go_wrong>$
^  [0-9a-f]{8} <go_wrong\+0x2> +c\.jalr x0, 0\(x5\) +-> 00000000$
^  00000000 +\(not readable\) +-> 00000000$
^rvbox: the guest failed; its last control transfers, oldest first:$
^  [0-9a-f]{8} <go_wrong\+0x2> +c\.jalr x0, 0\(x5\) +-> 00000000$
^  00000000 +\(not readable\) +-> 00000000$
^  00000000 +\(not readable\) +-> [0-9a-f]{8} <m_timer>$
^rvbox: stopped in M-mode at [0-9a-f]{8} <m_timer\+0x[0-9a-f]+>
^rvbox: guest exited with code 5$
PATTERNS
if run plain; then
  match_in_order "$dir/plain" "$dir/want-report" || fail=1
  once "$dir/plain" "trap loop"
fi

cat >"$dir/want-int" <<'PATTERNS'
^trap: instruction access fault \(1\) from S to S epc=00000000 tval=00000000$
^trap: the same instruction access fault again and again at 00000000: a trap loop \(rvbox shows it once\)$
^trap: machine timer interrupt \(irq 7\) from S to M epc=00000000 tval=00000000$
^trap: the trap loop at 00000000 repeated [1-9][0-9]* times?$
PATTERNS
if run int -d int -D "$dir/int.trace"; then
  match_in_order "$dir/int.trace" "$dir/want-int" || fail=1
  once "$dir/int.trace" "^trap: instruction access fault"
  once "$dir/int" "trap loop:"
fi

# The plain step's traces: the loop's instruction is a fetch that faults, so exec has
# nothing to show; cpu shows the handler's block (at 0, faulting) once.
if run step -d exec,cpu,in_asm -D "$dir/step.trace"; then
  n=$(wc -l <"$dir/step.trace")
  if [ "$n" -gt 1000 ]; then
    echo "FAIL: -d exec,cpu,in_asm wrote $n lines: the loop streams"
    fail=1
  fi
  once "$dir/step.trace" "^\[M\] [0-9a-f]{8} <m_timer>"
fi
[ $fail -eq 0 ] && echo ok
exit $fail
