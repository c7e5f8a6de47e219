#!/usr/bin/env bash
# linux_test.sh RVBOX IMAGES_DIR [RVBOX ARGS...]: boots the Linux guest four times on one
# copy of its disk (tests/linux/linux.exp's scenarios in order), so that what one boot
# writes must still be there at the next: after poweroff, Ctrl-A x and SIGTERM.
set -u
rvbox=$1 images=$2; shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for f in Image initramfs.cpio.gz disk.img; do
  [ -f "$images/$f" ] || { echo "FAIL: $images/$f is missing (cmake --build build --target linux)"; exit 1; }
done
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$images/disk.img" "$dir/disk.img"
for scenario in basic quit sigterm reboot; do
  start=$(date +%s.%N)
  expect -f "$here/linux.exp" "$scenario" "$dir/$scenario.log" "$rvbox" \
    -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" -append "console=ttyS0" \
    -drive "file=$dir/disk.img,format=raw" "$@" || exit 1
  echo "  ($scenario took $(echo "$(date +%s.%N) - $start" | bc) s)"
done
