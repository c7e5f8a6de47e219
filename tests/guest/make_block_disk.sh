#!/bin/sh
# make_block_disk.sh OUT: the 2 MiB raw disk that tests/guest/block_virtio.S reads code
# from. Sectors 0, 1 and 3072 each hold a 512-byte routine
#     addi a0, zero, 0;  126 x addi a0, a0, 3k;  ret
# for k = 1, 2, 3 (a0 = 378, 756, 1134); every other byte is zero.
set -e
out=$1
tmp=$out.tmp
# routine <escaped bytes of the addi a0, a0, imm word>
routine() {
    printf '\023\005\000\000'                   # 0x00000513 addi a0, zero, 0
    i=0
    while [ $i -lt 126 ]; do
        printf "$1"
        i=$((i + 1))
    done
    printf '\147\200\000\000'                   # 0x00008067 ret
}
rm -f "$tmp"
truncate -s 2M "$tmp"
routine '\023\005\065\000' | dd of="$tmp" bs=512 seek=0 conv=notrunc status=none    # imm 3
routine '\023\005\145\000' | dd of="$tmp" bs=512 seek=1 conv=notrunc status=none    # imm 6
routine '\023\005\225\000' | dd of="$tmp" bs=512 seek=3072 conv=notrunc status=none # imm 9
mv "$tmp" "$out"
