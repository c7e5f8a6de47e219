# Driven by gdb_batch.sh against guest/vm.S (see vm.expect): memory as the hart sees it
# through Sv32, and physical.
break vm_stop
continue
info registers priv
# secret through its alias at 0xc0000000 (virtual) and at its own address.
p/x *(unsigned *)((char *)&secret + 0x40000000)
p/x (unsigned)secret
monitor vtop c0000000
monitor vtop 40000000
monitor pt
monitor tlb
# Physical: the alias is not RAM, secret's own address is.
monitor phys on
p/x *(unsigned *)((char *)&secret + 0x40000000)
p/x (unsigned)secret
monitor phys off
# Write through the alias; the program exits with secret's low byte (0x2a = 42).
set var *(unsigned *)((char *)&secret + 0x40000000) = 0x2a
monitor phys on
p/x (unsigned)secret
monitor phys off
# Device registers, through the mapping and physical (as QEMU): the UART's LSR (THR
# empty, nothing received), its scratch register written and read back both ways, a
# 32-bit read of four 8-bit registers, the PLIC (32-bit registers) read a byte at a time.
x/xb 0x50000005
set var *(unsigned char *)0x50000007 = 0x5a
monitor phys on
x/xb 0x10000007
set var *(unsigned char *)0x10000007 = 0xa5
x/xb 0x10000005
x/xw 0x10000004
set var *(unsigned *)0x0c000004 = 5
x/xb 0x0c000004
x/xw 0x0c000004
x/xw 0x20000000
monitor phys off
x/xb 0x50000007
continue
