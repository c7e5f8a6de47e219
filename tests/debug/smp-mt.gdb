# Driven by gdb_batch.sh against tests/smp/guest/spinlock.c on 4 harts, each in a host
# thread of its own (-accel tcg,thread=multi; smp-mt.expect). While a breakpoint, a step
# or a watchpoint is set the harts take turns; after `delete` they go back to threads.
info threads
break hart_main
continue
p $pc == hart_main
delete
stepi
# A write watchpoint: each hart counts itself into `finished` when it is done.
watch finished
continue
delete
monitor info cpus
continue
