#!/usr/bin/env bash
# window_test.sh RVBOX WITH_XVFB IMAGES_DIR: Linux in rvbox's real SDL window under a
# private Xvfb; xdotool types into the window and the keys arrive on the guest's tty1
# (through virtio-input and the VT keyboard), read back over the serial console.
set -u
rvbox=$1 xvfb=$2 images=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$images/disk.img" "$dir/disk.img"
# Software rendering: no GPU here, and the sanitizer build cannot follow Mesa's loading.
export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
"$xvfb" expect -f "$here/linux.exp" window "$dir/serial.log" "$rvbox" \
  -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz" -append "console=ttyS0" \
  -drive "file=$dir/disk.img,format=raw"
