# Driven by gdb_batch.sh against guest/debugee.c (see debugee.expect).
break ready
continue
p/x $mscratch
info registers mstatus
info registers priv
# The program reads `input` after ready(): write 5 over its 3.
set var input = 5
x/wx &input
# A read watchpoint (Z3) on it, then a breakpoint in square (Z0).
rwatch input
continue
delete
break square
continue
p $a0
# A write watchpoint (Z2): stops after the store, the old and new values shown.
watch watched
continue
x/i $pc - 4
delete
# A hardware breakpoint (Z1), then two single steps: 2 bytes, then 4.
hbreak stepper
continue
stepi
p/x $pc - (unsigned)stepper
p $a0
stepi
p/x $pc - (unsigned)stepper
p $a0
# Writing a register: stepper's result (checked in the output) becomes 7.
set var $a0 = 7
delete
# An access watchpoint (Z4): main's input = input + 1 reads, then writes.
awatch input
continue
continue
delete
monitor help
monitor devices
monitor plic
monitor history 3
# A count past 2^64 is refused, not wrapped.
monitor history 18446744073709551617
monitor phys
# The same table as Ctrl-A c and -monitor (host/monitor.c): QEMU's commands too.
monitor info status
monitor info registers
monitor x/2i $pc
monitor print/x $a0 + 1
monitor info mtree
monitor info foo
monitor bogus
continue
