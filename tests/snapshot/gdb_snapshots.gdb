# Driven by gdb_snapshots.sh against tests/debug/guest/debugee.c: savevm, loadvm, delvm
# and info snapshots through GDB's `monitor`, the hart and RAM put back under GDB.
break ready
continue
monitor savevm at-ready
monitor info snapshots
set var input = 5
break square
continue
p $a0
monitor loadvm at-ready
# GDB keeps the registers it read: forget them after a loadvm.
maintenance flush register-cache
p input
p $pc == (unsigned)ready
monitor loadvm nothing-of-that-name
monitor delvm at-ready
monitor info snapshots
delete
break square
continue
p $a0
delete
continue
