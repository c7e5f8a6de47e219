#!/usr/bin/env bash
# virtio_noack.sh RVBOX ELF DISK [qemu]: guest/virtio_noack.S, a virtio-blk driver that
# never writes InterruptACK, must make progress: one interrupt per request, as on QEMU.
#   rvbox, default PLIC:  "requests 16 interrupts 16", status 0; under -d guest_errors
#                         "interrupt never acknowledged" exactly once
#   rvbox --strict-plic:  the level-triggered gateway storms: "storm", status 3, and the
#                         report once
#   qemu:                 the same program on qemu-system-riscv32 -M virt prints what
#                         rvbox prints by default (status 77, skipped, without QEMU)
set -u
rvbox=$1 elf=$2 disk=$3 mode=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
# expect NAME STATUS OUTPUT-LINE REPORTS CMD...: CMD exits with STATUS, prints OUTPUT-LINE
# on stdout and the report REPORTS times on its trace (stderr).
expect() {
  local name=$1 want=$2 line=$3 reports=$4
  shift 4
  timeout 30 "$@" </dev/null >"$dir/out" 2>"$dir/err"
  local status=$? n
  n=$(grep -c "interrupt never acknowledged" "$dir/err")
  if [ "$status" -ne "$want" ] || ! grep -qx -- "$line" "$dir/out" || [ "$n" -ne "$reports" ]; then
    echo "FAIL: $name: status $status (wanted $want), $n reports (wanted $reports): $*"
    cat "$dir/out" "$dir/err" | head -20
    fail=1
    return
  fi
  echo "ok: $name: $line"
}
if [ "$mode" = qemu ]; then
  command -v qemu-system-riscv32 >/dev/null || { echo "SKIP: no qemu-system-riscv32"; exit 77; }
  expect qemu 0 "requests 16 interrupts 16" 0 qemu-system-riscv32 -M virt -m 128M \
    -nographic -bios none -kernel "$elf" \
    -drive "file=$disk,format=raw,if=none,id=d,readonly=on" \
    -device virtio-blk-device,drive=d,bus=virtio-mmio-bus.0
  exit $fail
fi
run=("$rvbox" -nographic -bios none -kernel "$elf" -drive "file=$disk,format=raw,readonly=on")
expect default 0 "requests 16 interrupts 16" 0 "${run[@]}"
expect guest-errors 0 "requests 16 interrupts 16" 1 "${run[@]}" -d guest_errors
expect strict 3 "storm" 1 "${run[@]}" --strict-plic -d guest_errors
exit $fail
