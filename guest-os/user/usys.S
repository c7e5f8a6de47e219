/* One stub per system call (include/kite/syscall.h): number in a7, then ecall. */
#include "kite/syscall.h"

#define STUB(name) \
    .globl name; \
name: \
    li a7, SYS_ ## name; \
    ecall; \
    ret

    .section .text
STUB(fork)
STUB(exit)
STUB(wait)
STUB(exec)
STUB(getpid)
STUB(sleep)
STUB(read)
STUB(write)
STUB(open)
STUB(close)
STUB(kill)
STUB(uptime)
STUB(fbmap)
STUB(procs)
STUB(meminfo)
STUB(shutdown)
STUB(unlink)
STUB(stat)
STUB(dup)
STUB(sbrk)
STUB(fg)
STUB(pipe)
STUB(mkdir)
STUB(chdir)
