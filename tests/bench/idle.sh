#!/usr/bin/env bash
# idle.sh [SECONDS] [RVBOX ARGS...]: how much host CPU an idle guest costs. Runs a guest
# that waits in WFI (by default tests/board's idle.elf), lets it settle for 5 s (a kernel
# boots), then measures the CPU time rvbox uses over SECONDS (default 10) and prints it as
# a percentage of one core. A script that prints a number, not a test.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
secs=${1:-10}
shift || true
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-bios none -kernel "$top/build/guests/board/idle.elf")
"$top/build/rvbox" "${args[@]}" -serial none </dev/null >/dev/null 2>&1 &
pid=$!
sleep 5
read -r -a before </proc/$pid/stat
sleep "$secs"
read -r -a stat </proc/$pid/stat
kill "$pid"
wait "$pid" 2>/dev/null || true
ticks=$(( stat[13] + stat[14] - before[13] - before[14] ))
hz=$(getconf CLK_TCK)
awk -v t="$ticks" -v hz="$hz" -v s="$secs" \
  'BEGIN { printf "idle guest: %.2f s of CPU in %d s = %.2f%% of a core\n", t/hz, s, 100*t/hz/s }'
