#!/usr/bin/env bash
# linux_boot.sh [--runs N] [--build DIR] [--accel LIST] [IMAGES_DIR]: how long Linux takes from start to its shell
# prompt on rvbox and on qemu-system-riscv32 -M virt, with the same kernel, initramfs and
# disk and rvbox's own firmware on both, in one run. Prints seconds (best of N). A script
# that prints numbers, not a test. IMAGES_DIR defaults to build/roms/linux (the `linux`
# target); build/roms/linux/defconfig is the plain rv32_defconfig kernel.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
runs=1 build=$top/build accels=jit
while [ $# -gt 0 ]; do
  case $1 in
  --runs) runs=$2; shift 2 ;;
  --accel) accels=$2; shift 2 ;;     # rvbox's engines, comma-separated: jit,interp,step
  --build) build=$2; shift 2 ;;
  *) break ;;
  esac
done
images=${1:-$build/roms/linux}
rvbox=$build/rvbox
fw=$build/guests/firmware/rvbox-fw.elf
for f in "$images/Image" "$images/initramfs.cpio.gz" "$images/disk.img" "$rvbox" "$fw"; do
  [ -f "$f" ] || { echo "missing $f (cmake --build build && cmake --build build --target linux)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# time_to_prompt CMD...: seconds from spawn until the shell's "# " prompt.
cat >"$tmp/prompt.exp" <<'EXP'
set timeout 300
log_user 0
set start [clock milliseconds]
spawn -noecho {*}$argv
expect {
  -re "\n# $" { puts [format "%.3f" [expr {([clock milliseconds] - $start) / 1000.0}]] }
  timeout { puts "timeout"; exit 1 }
  eof { puts "eof"; exit 1 }
}
close
EXP
time_to_prompt() {
  expect -f "$tmp/prompt.exp" -- "$@"
}

best() {   # best ENGINE CMD...: the fastest of $runs runs
  local engine=$1 t b=""; shift
  for _ in $(seq "$runs"); do
    cp "$images/disk.img" "$tmp/disk.img"
    t=$(time_to_prompt "$@") || { echo "$engine: failed ($t)" >&2; return 1; }
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
  done
  printf "%-13s %8s s\n" "$engine" "$b"
}

echo "boot to the shell prompt: $(basename "$images") kernel, best of $runs"
for accel in ${accels//,/ }; do
  best "rvbox-$accel" "$rvbox" -accel "$accel" -bios "$fw" -kernel "$images/Image" \
    -initrd "$images/initramfs.cpio.gz" -append console=ttyS0 -drive "file=$tmp/disk.img,format=raw"
done
if command -v qemu-system-riscv32 >/dev/null; then
  best qemu qemu-system-riscv32 -M virt -m 128M -nographic -bios "$fw" -kernel "$images/Image" \
    -initrd "$images/initramfs.cpio.gz" -append console=ttyS0 \
    -drive "file=$tmp/disk.img,format=raw,if=none,id=d0" -device virtio-blk-device,drive=d0
else
  echo "qemu     (qemu-system-riscv32 not installed: skipped)"
fi
