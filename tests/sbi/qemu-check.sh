#!/usr/bin/env bash
# Runs the SBI test kernels on `qemu-system-riscv32 -M virt -bios <our firmware>`, to show
# that the firmware works on QEMU's virt board too (same memory map), with 1 and 2 harts:
#   tests/sbi/qemu-check.sh [GUEST_BUILD_DIR]     (default build/guests)
# Exits 77 (skipped) when QEMU is not installed.
set -u
dir=${1:-build/guests}
here=$(dirname "$0")
qemu=$(command -v qemu-system-riscv32) || { echo "skipped: no qemu-system-riscv32"; exit 77; }
fw=$dir/firmware/rvbox-fw.elf k=$dir/sbi
banner='^rvbox SBI firmware 0\.1: entering kernel at 0x80400000$'
run() { "$here/sbi_run.sh" "$@"; }
q() { echo "timeout 30 $qemu -M virt -nographic -bios $fw $*"; }
status=0
check() {
    local name=$1; shift
    if out=$(run "$@" 2>&1); then
        echo "ok    $name"
    else
        echo "FAIL  $name"; echo "$out"; status=1
    fi
}
for smp in 1 2 4; do
    check "sbi_test.elf, $smp hart(s)" -s 0 -i xyz -p "$banner" \
        -p "^sbi-test: [0-9]+ passed, 0 failed$" -p "^dbcn console_write: ok$" \
        -p "^dbcn console_write_byte: ok$" -p "^legacy console_putchar: ok$" \
        -- $(q -smp $smp -kernel $k/sbi_test.elf)
done
check "SRST shutdown, system failure" -s 1 -p "^sbi-power: boot$" \
    -- $(q -kernel $k/sbi_power_shutdown_failure.elf)
check "legacy shutdown" -s 0 -p "^sbi-power: boot$" \
    -- $(q -kernel $k/sbi_power_legacy_shutdown.elf)
for kind in cold warm; do
    check "SRST $kind reboot" -t 3 -c "2:$banner" -c "2:^sbi-power: boot$" \
        -- $(q -kernel $k/sbi_power_reboot_$kind.elf)
done
check "no kernel: the firmware fails the run" -s 255 \
    -p "^rvbox SBI firmware: no kernel at 0x80400000$" -- $(q)
exit $status
