# Driven by gdb_batch.sh against tests/smp/guest/reservation.c on 4 harts (smp.expect).
info threads
# Only hart 1 runs helper(): the breakpoint (in every hart) stops the machine in thread 2.
break helper
continue
info threads
p/x $mhartid
# Registers and memory through another thread.
thread 4
p/x $mhartid
thread 2
delete
# Steps of thread 2 (GDB steps in software: the others run their turns meanwhile).
stepi
p/x $mhartid
p $pc == helper
# A write watchpoint: hart 1 clears `command` once it has done it, in thread 2.
watch command
continue
p/x $mhartid
delete
monitor info cpus
monitor cpu 2
monitor print/x $mhartid
continue
