#!/usr/bin/env bash
# fbcon_test.sh RVBOX PNG_INK IMAGES_DIR: boots Linux with no window and its kernel log on
# the framebuffer console too (console=tty0; the shell stays on ttyS0), powers off, and
# checks the screenshot taken at exit: the top rows, where the kernel printed, must be lit.
# A blank screen fails.
set -u
rvbox=$1 ink=$2 images=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$images/disk.img" "$dir/disk.img"
expect -f "$here/linux.exp" poweroff "$dir/serial.log" "$rvbox" -nographic \
  --screenshot "$dir/screen.png" -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" \
  -append "console=tty0 console=ttyS0" -drive "file=$dir/disk.img,format=raw" || exit 1
[ -s "$dir/screen.png" ] || { echo "FAIL: no screenshot written"; exit 1; }
# 16-pixel rows of text: the first 20 lines hold kernel messages; a line of text lights
# a few hundred pixels.
"$ink" "$dir/screen.png" 320 5000
