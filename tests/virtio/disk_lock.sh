#!/usr/bin/env bash
# disk_lock.sh RVBOX IDLE_ELF: disk images are locked as QEMU locks them, across
# processes. With an idling guest holding the image: a second writer is refused (one
# line naming the holder's pid, status 1) while the first keeps running; file.locking=off
# lets it start; a reader is refused beside a writer; two readers share; a writer is
# refused beside readers; the lock goes with the holder (a later run starts). If
# qemu-system-riscv32 is installed, rvbox and QEMU refuse each other too.
# Processes are started and stopped by pid only: other tests run beside this one.
set -u
rvbox=$1 idle=$2
dir=$(mktemp -d)
img=$dir/disk.img
truncate -s 64K "$img"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$dir"/*.err; do [ -e "$f" ] && { echo "--- $f"; cat "$f"; }; done; exit 1; }

# start NAME ARGS...: run rvbox on the idle guest in the background; wait until the guest
# runs (the disks are open by then). Sets $pid.
start() {
  local name=$1; shift
  "$rvbox" -nographic -bios none -kernel "$idle" "$@" </dev/null >"$dir/$name.out" 2>"$dir/$name.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    grep -q idle "$dir/$name.out" && return 0
    kill -0 "$pid" 2>/dev/null || fail "$name did not start: $*"
    sleep 0.05
  done
  fail "$name: no output from the guest"
}

# forget PID: it has been waited for, so its number may be reused: never kill it again.
forget() {
  local keep=() p
  for p in "${pids[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
  pids=("${keep[@]}")
}

# stop PID: end it (SIGTERM, as a user would) and wait for it.
stop() {
  kill "$1" 2>/dev/null
  wait "$1" 2>/dev/null
  forget "$1"
}

# refused NAME REGEX ARGS...: rvbox must exit 1 at once with one stderr line matching REGEX.
refused() {
  local name=$1 regex=$2; shift 2
  timeout 10 "$rvbox" -nographic -bios none -kernel "$idle" "$@" </dev/null \
    >"$dir/$name.out" 2>"$dir/$name.err"
  local status=$?
  [ "$status" -eq 1 ] || fail "$name: status $status, wanted 1 (refused): $*"
  [ "$(wc -l <"$dir/$name.err")" -eq 1 ] || fail "$name: not one line on stderr"
  grep -Eq "^rvbox: .*($regex)" "$dir/$name.err" || fail "$name: stderr does not match '$regex'"
  echo "ok: $name: $(cat "$dir/$name.err")"
}

rw="file=$img,format=raw"
ro="file=$img,format=raw,readonly=on"

start first -drive "$rw"
first=$pid
refused second-writer "$img: in use by another process \\(pid $first, [^)]*\\).*file\\.locking=off" -drive "$rw"
kill -0 "$first" 2>/dev/null || fail "the first rvbox died"
refused reader-beside-writer "$img: in use by another process \\(pid $first" -drive "$ro"
start unlocked -drive "$rw,file.locking=off"
stop "$pid"
echo "ok: file.locking=off starts beside a writer"
stop "$first"

# Released with the holder, even one killed outright.
start third -drive "$rw"
kill -9 "$pid"; wait "$pid" 2>/dev/null; forget "$pid"
start fourth -drive "$rw"
stop "$pid"
echo "ok: the lock goes with its holder"

start reader1 -drive "$ro"
r1=$pid
start reader2 -drive "$ro"
r2=$pid
echo "ok: two readers share"
refused writer-beside-readers "in use by another process \\(pid ($r1|$r2)" -drive "$rw"
stop "$r1"; stop "$r2"

qemu=$(command -v qemu-system-riscv32) || { echo "skip: qemu-system-riscv32 not installed, QEMU part not run"; exit 0; }
qemu_args=(-M virt -bios none -nographic -kernel "$idle"
           -drive "file=$img,format=raw,if=none,id=d" -device virtio-blk-device,drive=d)
"$qemu" "${qemu_args[@]}" </dev/null >"$dir/qemu.out" 2>"$dir/qemu.err" &
q=$!
pids+=("$q")
for _ in $(seq 100); do grep -q idle "$dir/qemu.out" && break; sleep 0.05; done
grep -q idle "$dir/qemu.out" || fail "QEMU did not start"
refused beside-qemu "in use by another process \\(pid $q, qemu-system-riscv32\\)" -drive "$rw"
stop "$q"

start before-qemu -drive "$rw"
timeout 10 "$qemu" "${qemu_args[@]}" </dev/null >"$dir/qemu2.out" 2>"$dir/qemu2.err"
status=$?
[ "$status" -ne 0 ] && [ "$status" -ne 124 ] || fail "QEMU started beside rvbox (status $status)"
grep -q 'Failed to get "write" lock' "$dir/qemu2.err" || fail "QEMU did not refuse the lock"
echo "ok: QEMU refused: $(head -1 "$dir/qemu2.err")"
stop "$pid"
