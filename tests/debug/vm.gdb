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
continue
