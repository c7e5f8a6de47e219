#!/usr/bin/env bash
# deterministic.sh RVBOX ELF NHARTS: runs ELF on NHARTS harts under the instruction clock
# (-icount), twice on each engine (jit, interp, step), and wants every run to print the
# same bytes: the guest's output (which says how the harts were interleaved) and rvbox's
# final count of instructions and position. Exit 0 if all agree and the runs pass.
set -u
rvbox=$1 elf=$2 n=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for engine in jit interp step; do
  for run in 1 2; do
    f=$out/$engine-$run
    timeout 120 "$rvbox" -nographic -accel "$engine" -icount shift=0 -smp "$n" -bios none \
        -kernel "$elf" </dev/null >"$f" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
      echo "FAIL: $engine run $run exited with $rc"; cat "$f"; status=1
    fi
  done
done
for f in "$out"/*; do
  if ! cmp -s "$out/jit-1" "$f"; then
    echo "FAIL: $(basename "$f") differs from jit-1:"
    diff "$out/jit-1" "$f" | head -20
    status=1
  fi
done
grep -q "icount: .* instructions retired, position" "$out/jit-1" ||
  { echo "FAIL: no final count"; status=1; }
[ $status -eq 0 ] && { echo "ok: 6 runs agree:"; cat "$out/jit-1"; }
exit $status
