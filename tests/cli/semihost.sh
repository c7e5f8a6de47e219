#!/usr/bin/env bash
# semihost.sh rvbox|qemu EMULATOR SEMIHOST_ELF: runs tests/cli/semihost.c (built with
# picolibc's semihosting library) in a fresh directory holding input.txt, and checks what
# it printed, the files it left and its exit status (7: every check inside passed).
#   rvbox: the command line of the brief (-bios none -kernel semi.elf -semihosting), then
#          -semihosting-config with arguments, console input and the confinement checks,
#          then root=DIR from another directory.
#   qemu:  the same program on qemu-system-riscv32 (skipped, 77, where it is absent).
# An EMULATOR or ELF of "" means it could not be had: skipped (77) with the reason.
set -u
mode=$1 emu=$2 elf=$3
if [ -z "$elf" ] || [ ! -f "$elf" ]; then
  echo "skipped: no semihosting program (needs picolibc-riscv64-unknown-elf, scripts/deps.sh)"
  exit 77
fi
if [ "$mode" = qemu ] && ! command -v "$emu" >/dev/null; then
  echo "skipped: $emu is not installed"
  exit 77
fi
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
dir=$top/work
mkdir "$dir"
echo "outside, never read" >"$top/outside.txt"

fail() { echo "FAIL: $*"; for f in "$dir"/*.log; do echo "--- $f"; cat "$f"; done; exit 1; }

# run NAME STATUS CMD...: in $dir, with input.txt fresh and "typed line" on stdin.
run() {
  local name=$1 want=$2; shift 2
  rm -f "$dir"/*.txt
  echo "hello host" >"$dir/input.txt"
  ln -sfn / "$dir/link-out"
  (cd "$dir" && echo "typed line" | timeout 30 "$@" >"$name.out.log" 2>"$name.err.log")
  local status=$?
  [ "$status" -eq "$want" ] || fail "$name: exit status $status, wanted $want"
  # picolibc's stdout and stderr are SYS_WRITEC (rvbox: stdout; QEMU 7.2: stderr);
  # the :tt handle opened for writing is stdout on both.
  cat "$dir/$name.out.log" "$dir/$name.err.log" >"$dir/$name.all.log"
  grep -q "semihost: input.txt says: hello host" "$dir/$name.all.log" || fail "$name: input.txt not read"
  grep -q "semihost: this goes to stderr" "$dir/$name.all.log" || fail "$name: no stderr line"
  grep -q "semihost: on :tt" "$dir/$name.out.log" || fail "$name: nothing written on :tt"
  # Opened for append ("a"): QEMU 7.2 writes at the start instead ("+123456789").
  case "$name:$(cat "$dir/renamed.txt")" in
    *:0123456789+|qemu:+123456789) ;;
    *) fail "$name: renamed.txt is wrong" ;;
  esac
  [ "$(cat "$dir/kept.txt")" = "kept" ] || fail "$name: kept.txt is wrong"
  [ ! -e "$dir/gone.txt" ] || fail "$name: gone.txt was not removed"
  [ ! -e "$top/stolen.txt" ] || fail "$name: a file was renamed out of the directory"
  echo "ok: $name"
}

if [ "$mode" = qemu ]; then
  run qemu 7 "$emu" -M virt -bios none -kernel "$elf" -semihosting -nographic -monitor none
  grep -q "semihost: command line: $elf" "$dir/qemu.all.log" || fail "qemu: command line"
  exit 0
fi

run plain 7 "$emu" -bios none -kernel "$elf" -semihosting -nographic
grep -q "semihost: command line: $elf\$" "$dir/plain.all.log" || fail "plain: command line"
# Console input on stdin wants the serial console elsewhere (-serial none), as on QEMU.
run config 7 "$emu" -serial none -display none -bios none -kernel "$elf" \
  -semihosting-config enable=on,target=native,arg=semi,arg=confined,arg=stdin
grep -q "semihost: stdin says: typed line" "$dir/config.all.log" || fail "config: stdin"
grep -q "semihost: command line: semi confined stdin\$" "$dir/config.all.log" ||
  fail "config: command line"
# root=DIR: the files are found beneath it, whatever the current directory.
run root 7 env -C / "$emu" -serial none -display none -bios none -kernel "$elf" \
  -semihosting-config "enable=on,root=$dir,arg=semi,arg=confined"
# Without semihosting the sequence is a breakpoint like any other: the program traps.
(cd "$dir" && timeout 3 "$emu" -nographic -bios none -kernel "$elf" </dev/null >/dev/null 2>&1)
[ $? -eq 124 ] || fail "without -semihosting the program did not stop at its ebreak"
echo "ok: without -semihosting, the ebreak traps"
