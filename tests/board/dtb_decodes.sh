#!/usr/bin/env bash
# dtb_decodes.sh RVBOX ARGS...: rvbox --dump-dtb writes the generated device tree, and
# dtc decodes it without a single warning. With --drive, a blank raw disk is given too
# (-drive), and the tree must list its virtio slot.
set -eu
drive=0
[ "$1" = --drive ] && { drive=1; shift; }
rvbox=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
if [ $drive = 1 ]; then
  truncate -s 64K "$dir/disk.img"
  set -- "$@" -drive "file=$dir/disk.img,format=raw"
fi
"$rvbox" "$@" --dump-dtb "$dir/virt.dtb" </dev/null
dtc -I dtb -O dts -o "$dir/virt.dts" "$dir/virt.dtb" 2>"$dir/warnings"
if [ -s "$dir/warnings" ]; then
  echo "FAIL: dtc warned:"; cat "$dir/warnings"; exit 1
fi
grep -q 'bootargs = "console=ttyS0 quiet"' "$dir/virt.dts" || { echo "FAIL: no bootargs"; exit 1; }
grep -q 'compatible = "ns16550a"' "$dir/virt.dts" || { echo "FAIL: no UART"; exit 1; }
if [ $drive = 1 ] && ! grep -q 'virtio_mmio@10008000' "$dir/virt.dts"; then
  echo "FAIL: the disk's virtio slot is not in the tree"; exit 1
fi
echo "ok: $(wc -l <"$dir/virt.dts") lines of dts, no warnings"
