#!/usr/bin/env bash
# bench.sh [BUILD]: tests/bench's compute programs in rvbox's web page (bench.js, headless
# Chromium, the block engine compiled to WebAssembly) next to the native rvbox on the
# same engine (-accel interp) and on its default (the JIT), run one after the other on
# the same -virt ELFs. Builds the page into BUILD/web first (scripts/web.sh). Prints
#   program  engine  wall_s  instret  MIPS  checksum
# The page's time runs from building the machine to the guest's power-off; the native
# rows time the whole process. Numbers are in tests/bench/README.md ("In a web page").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(realpath "${1:-$top/build}")
"$top/scripts/web.sh" --no-install --native "$build" --out "$build/web" >/dev/null
elfs=("$build"/guests/bench/bench-virt.elf "$build"/guests/bench/bench2-virt.elf)

printf '%-8s %-12s %8s %12s %8s  %s\n' program engine wall_s instret MIPS checksum
row() {         # row PROGRAM ENGINE SECONDS "instret=N checksum=C"
  local instret checksum
  instret=$(sed -n 's/.*instret=\([0-9]*\).*/\1/p' <<<"$4")
  checksum=$(sed -n 's/.*checksum=\(0x[0-9a-f]*\).*/\1/p' <<<"$4")
  printf '%-8s %-12s %8.3f %12s %8.1f  %s\n' "$1" "$2" "$3" "$instret" \
    "$(echo "$instret / $3 / 1000000" | bc -l)" "$checksum"
}
for elf in "${elfs[@]}"; do
  name=$(basename "$elf" -virt.elf)
  for accel in interp jit; do
    start=$(date +%s.%N)
    line=$("$build/rvbox" -accel $accel -bios none -kernel "$elf" -nographic </dev/null |
           tr -d '\r' | grep -m1 '^BENCH ')
    end=$(date +%s.%N)
    row "$name" "native-$accel" "$(echo "$end - $start" | bc -l)" "$line"
  done
  out=$(node "$here/bench.js" "$build/web" "$elf")
  ms=$(sed -n 's/.* ms=\([0-9]*\).*/\1/p' <<<"$out")
  row "$name" "web-interp" "$(echo "$ms / 1000" | bc -l)" "$out"
done
