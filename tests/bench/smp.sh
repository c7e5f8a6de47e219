#!/usr/bin/env bash
# smp.sh [--runs R] [--harts N] [--engine E] [PROGRAM...]: several harts by turns in one
# thread (thread=single) and each in a thread of its own (thread=multi), and QEMU's
# MTTCG beside them when qemu-system-riscv32 is there. For each program (default:
# tests/smp's compute, then spinlock; build/guests/smp/smp_NAME.elf), the best wall time
# of R runs (default 3) with N harts (default 2), and what the program printed last
# before "ok" (the compute total must agree everywhere). A script that prints numbers,
# not a test: the speed-up of thread=multi depends on the host's free cores.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=3 harts=2 engine=jit programs=()
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --harts) harts=$2; shift 2 ;;
    --engine) engine=$2; shift 2 ;;
    *) programs+=("$1"); shift ;;
  esac
done
[ ${#programs[@]} -gt 0 ] || programs=(compute spinlock)
rvbox=$top/build/rvbox
qemu=$(command -v qemu-system-riscv32 || true)

best() {        # best CMD...: the fastest of $runs runs (seconds), and its last line
  local t b=
  for _ in $(seq "$runs"); do
    local start end out
    start=$(date +%s.%N)
    out=$(timeout 300 "$@" </dev/null 2>&1 | tr -d '\r' | grep -E "^smp-" | grep -v ": ok$" | tail -1)
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
  done
  printf '%8.3f  %s\n' "$b" "$out"
}

echo "host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $harts harts, best of $runs"
for p in "${programs[@]}"; do
  elf=$p
  [ -f "$elf" ] || elf=$top/build/guests/smp/smp_$p.elf
  echo "== $(basename "$elf")"
  printf '%-28s' "rvbox $engine,thread=single"
  best "$rvbox" -nographic -accel "$engine,thread=single" -smp "$harts" -bios none -kernel "$elf"
  printf '%-28s' "rvbox $engine,thread=multi"
  best "$rvbox" -nographic -accel "$engine,thread=multi" -smp "$harts" -bios none -kernel "$elf"
  if [ -n "$qemu" ]; then
    for mode in single multi; do
      printf '%-28s' "qemu tcg,thread=$mode"
      best "$qemu" -M virt -nographic -accel "tcg,thread=$mode" -smp "$harts" -bios none \
           -kernel "$elf"
    done
  fi
done
