#!/usr/bin/env bash
# bootinfo.sh RVBOX BOOTINFO_ELF [qemu]: what the boot ROM hands a -bios (a0, a1, a2 and
# the struct fw_dynamic_info behind a2; guest/bootinfo.S prints them), with and without
# a -kernel and at several RAM sizes. Without "qemu": checked against the values QEMU 7.2
# gives (measured). With "qemu": the same runs on qemu-system-riscv32 -M virt must print
# exactly what rvbox prints (status 77, skipped, where QEMU is not installed).
set -u
rvbox=$1 elf=$2 mode=${3:-}
qemu=qemu-system-riscv32
if [ "$mode" = qemu ] && ! command -v "$qemu" >/dev/null; then
  echo "SKIP: $qemu is not installed"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
head -c 4096 /dev/zero >"$dir/kernel.bin"       # a raw -kernel: loaded at 0x80400000
fail=0
# check ARGS -- EXPECTED-LINES...
check() {
  local args=() want
  while [ "$1" != -- ]; do args+=("$1"); shift; done
  shift
  want=$(printf '%s\n' "$@")
  local got
  got=$(timeout 20 "$rvbox" -nographic -bios "$elf" "${args[@]}" </dev/null 2>&1)
  if [ "$mode" = qemu ]; then
    local q
    q=$(timeout 20 "$qemu" -M virt -nographic -bios "$elf" "${args[@]}" </dev/null 2>&1)
    if [ "$q" != "$got" ]; then
      echo "FAIL: ${args[*]}: rvbox and QEMU differ"
      diff <(echo "$q") <(echo "$got") | sed 's/^</qemu: /; s/^>/rvbox:/'
      fail=1
      return
    fi
  elif [ "$want" != "$got" ]; then
    echo "FAIL: ${args[*]}:"
    diff <(echo "$want") <(echo "$got") | sed 's/^</want: /; s/^>/got:  /'
    fail=1
    return
  fi
  echo "ok: ${args[*]}"
}
fixed=(a2=00001028 magic=4942534f version=00000002)
tail=(next_mode=00000001 options=00000000 boot_hart=00000000)
check -m 128M -- a0=00000000 a1=87e00000 a1[0]=edfe0dd0 "${fixed[@]}" next_addr=00000000 \
  "${tail[@]}"
check -m 128M -kernel "$dir/kernel.bin" -- a0=00000000 a1=87e00000 a1[0]=edfe0dd0 \
  "${fixed[@]}" next_addr=80400000 "${tail[@]}"
check -m 64M -kernel "$dir/kernel.bin" -- a0=00000000 a1=83e00000 a1[0]=edfe0dd0 \
  "${fixed[@]}" next_addr=80400000 "${tail[@]}"
check -m 1G -- a0=00000000 a1=bfe00000 a1[0]=edfe0dd0 "${fixed[@]}" next_addr=00000000 \
  "${tail[@]}"
exit $fail
