#!/usr/bin/env bash
# fpu_test.sh RVBOX IMAGES_DIR [RVBOX ARGS...]: boots Linux (the defconfig kernel: FPU
# support) and runs /bin/fpu, floating point in two processes, which must say "fpu: ok"
# (tests/linux/linux.exp's fpu scenario), on each engine.
set -u
rvbox=$1 images=$2; shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$images/disk.img" "$dir/disk.img"
for engine in jit interp step; do
  expect -f "$here/linux.exp" fpu "$dir/$engine.log" "$rvbox" --engine $engine \
    -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" -append "console=ttyS0" \
    -drive "file=$dir/disk.img,format=raw" "$@" || exit 1
done
