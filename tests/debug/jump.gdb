# Driven by gdb_batch.sh against guest/debugee.c (see jump.expect): after a breakpoint
# stop, `jump` to another breakpoint must stop there before running anything.
break ready
continue
set $n = $minstret
break square
jump square
p $minstret - $n
delete
continue
