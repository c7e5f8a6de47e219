#!/usr/bin/env bash
# dma_storm.sh [--qemu] RVBOX GUEST_DIR quit|term LIMIT_MS: runs dma_storm.elf (124 MiB
# virtio-blk reads, forever) over a sparse 2 GiB disk, waits until the storm is on, then
# asks rvbox to end, with Ctrl-A x on its piped stdin (quit: exit status 0) or with
# SIGTERM (term: 143), and measures how long it takes to go. Fails past LIMIT_MS; prints
# the latency. Long device work must never hold the host loop, whatever the guest does.
# --qemu: RVBOX is qemu-system-riscv32 instead (for tests/bench/responsiveness.sh; QEMU
# ends with status 0 on SIGTERM).
set -u
qemu=0
[ "${1:-}" = --qemu ] && { qemu=1; shift; }
rvbox=$1 g=$2 how=$3 limit_ms=$4
case $how in
  quit) want=0 ;;
  term) want=$(( qemu ? 0 : 143 )) ;;
  *) echo "usage: $0 [--qemu] RVBOX GUEST_DIR quit|term LIMIT_MS"; exit 2 ;;
esac

dir=$(mktemp -d "$PWD/dma_storm.XXXXXX") || exit 1
pid= sleeper=
cleanup() {
  [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
  [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- rvbox's output:"; cat "$dir/out"; exit 1; }

# Sparse: 2 GiB declared, nothing stored (the guest only reads it).
truncate -s 2G "$dir/big.img" || exit 1
mkfifo "$dir/in" || exit 1
if [ $qemu = 1 ]; then
  "$rvbox" -M virt -bios none -kernel "$g/dma_storm.elf" -nographic \
    -drive "file=$dir/big.img,format=raw,if=none,id=d" -device virtio-blk-device,drive=d,bus=virtio-mmio-bus.0 \
    <"$dir/in" >"$dir/out" 2>&1 &
else
  "$rvbox" -bios none -kernel "$g/dma_storm.elf" -drive "file=$dir/big.img,format=raw" \
    -nographic <"$dir/in" >"$dir/out" 2>&1 &
fi
pid=$!
exec 3>"$dir/in"                    # stdin stays open (no EOF) until rvbox is gone

# The storm is on once the guest says so; give it half a second more to get going.
for _ in $(seq 200); do
  grep -q '^storm' "$dir/out" && break
  kill -0 "$pid" 2>/dev/null || fail "rvbox ended before the storm"
  sleep 0.05
done
grep -q '^storm' "$dir/out" || fail "no 'storm' line within 10 s"
sleep 0.5
kill -0 "$pid" 2>/dev/null || fail "rvbox ended during the storm"

# A rvbox that does not answer is killed after STORM_KILL_S seconds (20), failing the test.
sleep "${STORM_KILL_S:-20}" &
sleeper=$!
t0=$(date +%s%N)
if [ "$how" = quit ]; then
  printf '\001x' >&3
else
  kill -TERM "$pid"
fi
wait -n -p ended "$pid" "$sleeper"
status=$?
t1=$(date +%s%N)
if [ "$ended" = "$sleeper" ]; then
  sleeper=
  fail "rvbox did not end within ${STORM_KILL_S:-20} s (it is killed)"
fi
pid=
exec 3>&-
ms=$(( (t1 - t0) / 1000000 ))
echo "dma storm: $how answered in $ms ms (limit $limit_ms ms), exit status $status"
[ "$status" -eq "$want" ] || fail "exit status $status, wanted $want"
[ "$ms" -le "$limit_ms" ] || fail "took $ms ms, more than $limit_ms ms"
echo "ok"
