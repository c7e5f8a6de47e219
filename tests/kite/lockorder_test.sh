#!/usr/bin/env bash
# lockorder_test.sh SRC RVBOX: Kite's debug kernel (make DEBUG=1) and its lock-order
# checker (guest-os/kernel/lockorder.c), built from a clean copy of the tree:
#   - booted with `-append lockorder-selftest`, it takes two locks in one order, then
#     in the other, and the checker must stop it naming both locks and both orders;
#   - the pipes, directories and stress scenarios of kite.exp (stress: 8 processes at
#     once through every table) must run on it with no complaint (a lock-order report
#     is a panic, which kite.exp fails on), and leave a disk kite-fsck finds clean. The
#     debug kernel makes some race windows long on purpose (fs.c, iput), so a race that
#     a Release kernel loses once in many runs shows here every time;
#   - stress again on 4 harts (-smp 4): the checker sees every hart's locks.
set -u
src=$1 rvbox=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$dir/bus"
cp -r "$src/guest-os" "$src/firmware" "$dir/"
cp "$src/bus/memmap.h" "$dir/bus/"
rm -rf "$dir/guest-os/out" "$dir/guest-os/out-debug"
k="$dir/guest-os"
nice make -C "$k" -j2 DEBUG=1 > "$dir/make.log" 2>&1 || { cat "$dir/make.log"; fail "make DEBUG=1"; }
kernel="$k/out-debug/kite.elf" disk="$k/out-debug/disk.img"

echo "== the self-test"
timeout 60 "$rvbox" -nographic -kernel "$kernel" -append lockorder-selftest \
    -drive "file=$disk,format=raw" < /dev/null > "$dir/selftest.log" 2>&1
tr -d '\r' < "$dir/selftest.log" > "$dir/selftest.txt"
grep -q "^lock order: 'selftest A' taken while holding 'selftest B' (at pc 0x[0-9a-f]*)," \
    "$dir/selftest.txt" &&
  grep -q "^  but 'selftest B' was taken while holding 'selftest A' before (at pc 0x" \
    "$dir/selftest.txt" &&
  grep -q "^panic: lock order: 'selftest B' and 'selftest A' can deadlock" "$dir/selftest.txt" ||
  { cat "$dir/selftest.txt"; fail "the checker did not report the two locks"; }

for scenario in pipes dirs stress; do
    echo "== $scenario on the debug kernel"
    cp "$disk" "$dir/disk.img"
    expect -f "$here/kite.exp" $scenario "$dir/$scenario.log" "$rvbox" -nographic \
        -kernel "$kernel" -drive "file=$dir/disk.img,format=raw" || fail "$scenario"
    "$k/out-debug/tools/kite-fsck" "$dir/disk.img" || fail "$scenario: the disk is not clean"
done
echo "== stress on 4 harts on the debug kernel"
cp "$disk" "$dir/disk.img"
expect -f "$here/kite.exp" stress "$dir/smp.log" "$rvbox" -nographic -smp 4 \
    -kernel "$kernel" -drive "file=$dir/disk.img,format=raw" || fail "stress on 4 harts"
grep -q "kite: 4 harts" "$dir/smp.log" || fail "the debug kernel did not start 4 harts"
"$k/out-debug/tools/kite-fsck" "$dir/disk.img" || fail "stress on 4 harts: the disk is not clean"
echo "PASS"
