#!/usr/bin/env bash
# kernel_entry.sh RVBOX FIRMWARE KERNEL ADDRESS: rvbox tells its firmware where the
# kernel's ELF entry is (/chosen/rvbox,kernel-entry in the device tree), and the firmware
# enters it there. KERNEL (linked at ADDRESS, not 0x80400000) prints "sbi-power: boot"
# and powers off with the legacy call.
set -u
rvbox=$1 fw=$2 kernel=$3 addr=$4
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$rvbox" -bios "$fw" -kernel "$kernel" --dump-dtb "$tmp/gen.dtb" || exit 1
dtc -q -I dtb -O dts -o "$tmp/gen.dts" "$tmp/gen.dtb" || exit 1
grep -q "rvbox,kernel-entry = <$addr>" "$tmp/gen.dts" ||
  { echo "FAIL: /chosen/rvbox,kernel-entry is not <$addr>"; grep -A8 "chosen {" "$tmp/gen.dts"; exit 1; }
"$(dirname "$0")/sbi_run.sh" -s 0 \
    -p "^rvbox SBI firmware 0\.1: entering kernel at $addr$" -p "^sbi-power: boot$" \
    -- "$rvbox" -bios "$fw" -kernel "$kernel"
