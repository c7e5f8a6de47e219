#!/usr/bin/env bash
# make_test.sh SRC RVBOX: Kite's own Makefile (guest-os/Makefile) from a clean tree.
# Copies what it reads (guest-os/ without its out/, bus/memmap.h, firmware/) into a fresh
# folder, builds with make alone, then:
#   run   `make run` boots the result on rvbox; kite.exp's shell scenario drives it
#   qemu  `make run EMU=qemu` the same on qemu-system-riscv32 (left out without QEMU)
#   gdb   `make gdb` holds rvbox at reset; GDB started with the made .gdbinit stops in
#         the kernel's scheduler, then (after `user init`) in init's main
set -u
src=$1 rvbox=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=$(mktemp -d)
emu=
trap '[ -n "$emu" ] && kill $emu 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

mkdir -p "$dir/bus"
cp -r "$src/guest-os" "$src/firmware" "$dir/"
cp "$src/bus/memmap.h" "$dir/bus/"
rm -rf "$dir/guest-os/out" "$dir/guest-os/.gdbinit"
k="$dir/guest-os"

nice make -C "$k" -j2 > "$dir/make.log" 2>&1 || { cat "$dir/make.log"; fail "make"; }
for f in kite.elf disk.img user/sh tools/kite-mkfs; do
    [ -s "$k/out/$f" ] || fail "make left no out/$f"
done
[ -s "$k/.gdbinit" ] || fail "make left no .gdbinit"

echo "== make run (rvbox)"
expect -f "$here/kite.exp" shell "$dir/run.log" make -s -C "$k" run RVBOX="$rvbox" ||
    fail "make run"

if command -v qemu-system-riscv32 > /dev/null; then
    echo "== make run EMU=qemu"
    expect -f "$here/kite.exp" qemu "$dir/qemu.log" make -s -C "$k" run EMU=qemu ||
        fail "make run EMU=qemu"
else
    echo "== no qemu-system-riscv32: make run EMU=qemu left out"
fi

echo "== make gdb"
gdb=$(command -v gdb-multiarch || command -v riscv64-unknown-elf-gdb) ||
    { echo "no gdb-multiarch: make gdb left out"; exit 0; }
port=$((20000 + RANDOM % 20000))
make -s -C "$k" gdb RVBOX="$rvbox" GDBPORT=$port < /dev/null > "$dir/emu.log" 2>&1 &
emu=$!
for i in $(seq 50); do
    grep -q "listening\|Waiting" "$dir/emu.log" 2>/dev/null && break
    sleep 0.1
done
(cd "$k" && timeout 60 "$gdb" -nx -batch -x .gdbinit \
    -ex 'break scheduler' -ex 'continue' -ex 'info symbol $pc' \
    -ex 'delete' -ex 'user init' -ex 'break init.c:main' -ex 'continue' -ex 'info symbol $pc' \
    -ex 'kill') > "$dir/gdb.log" 2>&1
grep -q "^scheduler in section .text" "$dir/gdb.log" &&
    grep -q "in main () at user/init.c" "$dir/gdb.log" ||
    { cat "$dir/gdb.log"; echo "---- emulator:"; cat "$dir/emu.log"; fail "gdb session"; }
echo "PASS"
