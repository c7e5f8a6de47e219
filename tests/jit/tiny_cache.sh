#!/usr/bin/env bash
# tiny_cache.sh kite RVBOX DISK | linux RVBOX IMAGES_DIR
#
# The JIT with the smallest code cache there is (--jit-cache 64K), far smaller than the
# code a guest runs, so that it fills up and is flushed over and over while the guest
# works: Kite's shell scenario (tests/kite/kite.exp shell: every command and its
# output, on a fresh copy of DISK) or Linux's basic one (tests/linux/linux.exp basic:
# boot, commands, the disk, poweroff) must pass as they do with the default cache. That
# the cache was flushed is read from -d out_asm, limited to a range holding no code
# (--trace-range 0:1), which leaves only its flush lines and, at the end, its counts.
set -u
kind=$1 rvbox=$2 data=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tests=$(dirname "$here")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
jit=(-accel jit --jit-cache 64K -d out_asm --trace-range 0:1 -D "$dir/out_asm.txt")
case $kind in
  kite)
    cp "$data" "$dir/disk.img"
    expect -f "$tests/kite/kite.exp" shell "$dir/serial.log" "$rvbox" -nographic \
      -drive "file=$dir/disk.img,format=raw" "${jit[@]}" || exit 1 ;;
  linux)
    for f in Image initramfs.cpio.gz disk.img; do
      [ -f "$data/$f" ] || { echo "FAIL: $data/$f is missing (cmake --build build --target linux)"; exit 1; }
    done
    cp "$data/disk.img" "$dir/disk.img"
    expect -f "$tests/linux/linux.exp" basic "$dir/serial.log" "$rvbox" -nographic \
      -kernel "$data/Image" -initrd "$data/initramfs.cpio.gz" -append "console=ttyS0" \
      -drive "file=$dir/disk.img,format=raw" "${jit[@]}" || exit 1 ;;
  *) echo "tiny_cache.sh: unknown kind '$kind'"; exit 2 ;;
esac
counts=$(grep -E '^out_asm: [0-9]+ translations?, [0-9]+ flush(es)? of the code cache$' "$dir/out_asm.txt")
if [ -z "$counts" ]; then
  echo "FAIL: no counts at the end of -d out_asm:"; tail -5 "$dir/out_asm.txt"; exit 1
fi
flushes=$(sed -E 's/.* ([0-9]+) flush.*/\1/' <<<"$counts")
marks=$(grep -c '^---- the code cache was flushed' "$dir/out_asm.txt")
if [ "$flushes" -lt 1 ] || [ "$marks" -lt 1 ]; then
  echo "FAIL: the 64K cache was never flushed ($counts; $marks flush lines): the test tests nothing"
  exit 1
fi
if grep -q '^IN:' "$dir/out_asm.txt"; then
  echo "FAIL: a translation of code in [0, 1) was shown:"; grep -m3 -A3 '^IN:' "$dir/out_asm.txt"; exit 1
fi
echo "ok: the $kind scenario passed; $counts"
