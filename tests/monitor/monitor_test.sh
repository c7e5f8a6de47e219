#!/usr/bin/env bash
# monitor_test.sh WAY GUEST RVBOX [IMAGES_DIR]: runs tests/monitor/monitor.exp on Kite
# (built in, its disk in memory) or on Linux (IMAGES_DIR: the `linux` target's images,
# booted on a copy of its disk); skipped (77) when the Linux images are not built.
set -u
way=$1 guest=$2 rvbox=$3 images=${4:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
case $guest in
  kite) args=(-nographic) ;;
  linux)
    for f in Image initramfs.cpio.gz disk.img; do
      [ -f "$images/$f" ] || {
        echo "skipped: $images/$f is missing (cmake --build build --target linux)"; exit 77; }
    done
    cp "$images/disk.img" "$dir/disk.img"
    args=(-nographic -kernel "$images/Image" -initrd "$images/initramfs.cpio.gz"
          -append console=ttyS0 -drive "file=$dir/disk.img,format=raw") ;;
  *) echo "unknown guest $guest"; exit 2 ;;
esac
expect -f "$here/monitor.exp" "$way" "$guest" "$dir" "$rvbox" "${args[@]}"
