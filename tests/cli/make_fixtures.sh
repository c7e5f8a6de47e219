#!/usr/bin/env bash
# make_fixtures.sh GOOD_ELF OUTDIR: derives the bad inputs the CLI tests feed rvbox from a
# good RV32 ELF: empty, truncated, wrong machine, a directory, a FIFO, 8 KiB of zeros, and
# the start of a qcow2 image (its magic and version 3: what rvbox recognises it by).
set -euo pipefail
good=$1 out=$2
mkdir -p "$out/a-directory"
: >"$out/empty.bin"
head -c 40 "$good" >"$out/cut-header.elf"
# The ELF header and program headers, but not the segments they describe.
head -c 200 "$good" >"$out/cut-segments.elf"
# The same ELF claiming to be for x86 (e_machine = 3, at offset 18).
cp "$good" "$out/x86.elf"
printf '\x03\x00' | dd of="$out/x86.elf" bs=1 seek=18 conv=notrunc status=none
# Not a regular file: opening it for reading would block until a writer came.
rm -f "$out/fifo"
mkfifo "$out/fifo"
# Exactly -m 8K: fits in RAM alone, not with the device tree.
head -c 8192 /dev/zero >"$out/zeros-8k.bin"
# A qcow2 header's first bytes, then zeros: 64 KiB + 8, not a multiple of 512, as qcow2
# files mostly are (the error must name the format, not the size).
{ printf 'QFI\xfb\x00\x00\x00\x03'; head -c 65536 /dev/zero; } >"$out/disk.qcow2"
