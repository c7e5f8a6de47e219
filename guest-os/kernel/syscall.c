/* System call dispatch: a7 picks the sys_* function, a0..a5 are its arguments, and its
 * result goes back in a0. */
#include "syscall.h"

#include "kite/syscall.h"
#include "lib.h"
#include "printf.h"
#include "proc.h"
#include "vm.h"

static int32_t (*const table[])(void) = {
    [SYS_fork] = sys_fork,       [SYS_exit] = sys_exit,       [SYS_wait] = sys_wait,
    [SYS_exec] = sys_exec,       [SYS_getpid] = sys_getpid,   [SYS_sleep] = sys_sleep,
    [SYS_read] = sys_read,       [SYS_write] = sys_write,     [SYS_open] = sys_open,
    [SYS_close] = sys_close,     [SYS_kill] = sys_kill,       [SYS_uptime] = sys_uptime,
    [SYS_fbmap] = sys_fbmap,     [SYS_procs] = sys_procs,     [SYS_meminfo] = sys_meminfo,
    [SYS_shutdown] = sys_shutdown, [SYS_unlink] = sys_unlink, [SYS_stat] = sys_stat,
    [SYS_dup] = sys_dup,         [SYS_sbrk] = sys_sbrk,       [SYS_fg] = sys_fg,
    [SYS_pipe] = sys_pipe,       [SYS_mkdir] = sys_mkdir,     [SYS_chdir] = sys_chdir,
};

int32_t argint(int n)
{
    return (int32_t)myproc()->tf.regs[10 + n];
}

uint32_t argaddr(int n)
{
    return myproc()->tf.regs[10 + n];
}

int argstr(int n, char *buf, int max)
{
    return copyinstr(myproc()->pagetable, buf, argaddr(n), (uint32_t)max);
}

void syscall(void)
{
    struct proc *p = myproc();
    uint32_t num = p->tf.regs[17];
    int32_t ret = -1;
    if (num < NELEM(table) && table[num])
        ret = table[num]();
    else
        kprintf("kite: pid %d (%s): unknown system call %u\n", p->pid, p->name, num);
    p->tf.regs[10] = (uint32_t)ret;
}
