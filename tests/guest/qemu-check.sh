#!/bin/sh
# Cross-checks the guest test programs on QEMU, independently of rvbox:
#   tests/guest/qemu-check.sh [build/guests/tests-guest]
# Each ELF runs on `qemu-system-riscv32 -M spike -bios none -nographic`; a test passes
# when it exits 0, or with the exit code listed below, where QEMU 7.2 (Debian 12) departs
# from the spec (the first failing case stops a test, so later cases are not reached):
#   rv32mi_counters 2   instret counts host ticks, not instructions (exact with -icount;
#                       even then a write to minstret adds the writing instruction's
#                       increment (case 6), a carry out of minstret does not reach
#                       minstreth (case 10), and spike's time CSR traps in M-mode (13))
#   rv32mi_csr      13  csrrs/csrrc with rs1 != x0 holding 0 do not trap on a read-only CSR
#   rv32mi_trap     29  mepc bit 0 reads back as written
#   rv32ua          45  a misaligned AMO is a load-misaligned exception (cause 4, not 6);
#                       also: a misaligned sc.w with no matching reservation fails without
#                       trapping (46), an AMO access fault is a load access fault (48, 49)
#   rv32ui_misaligned 27  a misaligned load that faults reports the address rounded down
#                       to the access size in mtval, not an address inside the access
dir=${1:-build/guests/tests-guest}
known() {
    case $1 in
    rv32mi_counters) echo 2 ;;
    rv32mi_csr) echo 13 ;;
    rv32mi_trap) echo 29 ;;
    rv32ua) echo 45 ;;
    rv32ui_misaligned) echo 27 ;;
    *) echo 0 ;;
    esac
}
status=0
for elf in "$dir"/*.elf; do
    name=$(basename "$elf" .elf)
    out=$(timeout 10 qemu-system-riscv32 -M spike -bios none -nographic -kernel "$elf" 2>&1)
    rc=$?
    want=$(known "$name")
    if [ "$rc" -eq "$want" ]; then
        echo "ok    $name (exit $rc)"
    else
        echo "DIFF  $name: exit $rc, expected $want: $out"
        status=1
    fi
done
exit $status
