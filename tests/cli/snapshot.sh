#!/usr/bin/env bash
# snapshot.sh RVBOX KITE_DISK KITE_EXP: -snapshot keeps the guest's writes in memory.
# Kite writes a file, reboots and finds it (tests/kite/kite.exp persist), on a copy of
# its disk given with -drive: after rvbox ends, the copy must be unchanged, byte for byte.
set -u
rvbox=$1 disk=$2 exp=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$disk" "$dir/disk.img"
expect -f "$exp" persist "$dir/serial.log" "$rvbox" -nographic -snapshot \
  -drive "file=$dir/disk.img,format=raw" || exit 1
cmp -s "$disk" "$dir/disk.img" || { echo "FAIL: -snapshot wrote to the image"; exit 1; }
echo "ok: the guest saw its writes, the image did not change"
