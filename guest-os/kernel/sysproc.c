/* The system calls about processes, time, memory, the screen and power. */
#include "exec.h"
#include "fdt.h"
#include "fb.h"
#include "console.h"
#include "kalloc.h"
#include "kite/abi.h"
#include "lib.h"
#include "printf.h"
#include "proc.h"
#include "sbi.h"
#include "syscall.h"
#include "trap.h"
#include "vm.h"

extern char end[];

int32_t sys_fork(void) { return proc_fork(); }
int32_t sys_exit(void) { proc_exit(argint(0)); }
int32_t sys_wait(void) { return proc_wait(argaddr(0)); }
int32_t sys_getpid(void) { return myproc()->pid; }
int32_t sys_kill(void) { return proc_kill(argint(0)); }
int32_t sys_uptime(void) { return (int32_t)uptime_ms(); }

/* exec(path, argv): the strings are copied into kernel pages first, because exec
 * replaces the address space they live in. */
int32_t sys_exec(void)
{
    char path[MAXPATH];
    char *argv[MAXARG + 1] = { 0 };
    uint32_t uargv = argaddr(1);
    int ret = -1, i;
    if (argstr(0, path, sizeof path) < 0)
        return -1;
    for (i = 0;; i++) {
        uint32_t uarg;
        if (i == MAXARG ||
            copyin(myproc()->pagetable, &uarg, uargv + 4 * (uint32_t)i, sizeof uarg) < 0)
            goto out;
        if (!uarg)
            break;
        if (!(argv[i] = kalloc()) ||
            copyinstr(myproc()->pagetable, argv[i], uarg, PGSIZE) < 0)
            goto out;
    }
    ret = exec(path, argv);
out:
    for (i = 0; i < MAXARG && argv[i]; i++)
        kfree(argv[i]);
    return ret;
}

/* Every timer tick wakes the sleepers on the clock to look at the time. */
int32_t sys_sleep(void)
{
    int32_t ms = argint(0);
    if (ms < 0)
        return -1;
    uint32_t start = uptime_ms();
    acquire(&tickslock);
    while (uptime_ms() - start < (uint32_t)ms) {
        if (killed(myproc())) {
            release(&tickslock);
            return -1;
        }
        sleep(&tickslock, &tickslock);
    }
    release(&tickslock);
    return 0;
}

/* Map the framebuffer at USER_FB for this process alone; the console stops drawing
 * until the process exits or execs. */
int32_t sys_fbmap(void)
{
    struct proc *p = myproc();
    if (!fb_present())
        return -1;
    if (!p->fb_mapped) {
        if (fb_claim(p->pid) < 0)
            return -1;
        if (mappages(p->pagetable, USER_FB, PGROUNDUP(fb_size()), fb_base(),
                     PTE_R | PTE_W | PTE_U | PTE_DEVICE) < 0) {
            uvmdealloc(p->pagetable, USER_FB, USER_FB + PGROUNDUP(fb_size()));
            fb_release();
            return -1;
        }
        p->fb_mapped = 1;
    }
    struct kite_fbinfo info = { USER_FB, fb_width(), fb_height(), fb_stride() };
    return copyout(p->pagetable, argaddr(0), &info, sizeof info);
}

int32_t sys_procs(void)
{
    static struct kite_procinfo snap[NPROC];
    int max = argint(1);
    if (max < 0)
        return -1;
    int n = procs_snapshot(snap, max < NPROC ? max : NPROC);
    if (copyout(myproc()->pagetable, argaddr(0), snap, (uint32_t)n * sizeof snap[0]) < 0)
        return -1;
    return n;
}

int32_t sys_meminfo(void)
{
    extern char _entry[];
    struct kite_meminfo m = {
        .page_size = PGSIZE,
        .total_pages = kalloc_total_pages(),
        .free_pages = kalloc_free_pages(),
        .kernel_bytes = (uint32_t)(end - _entry),
        .ram_bytes = boot_info()->ram_size,
    };
    return copyout(myproc()->pagetable, argaddr(0), &m, sizeof m);
}

int32_t sys_shutdown(void)
{
    if (argint(0) == KITE_REBOOT) {
        kprintf("kite: rebooting\n");
        fb_flush();
        sbi_reboot();
    }
    kprintf("kite: powering off\n");
    fb_flush();                 /* the screen shows the last words */
    sbi_poweroff();
}

int32_t sys_sbrk(void)
{
    struct proc *p = myproc();
    int32_t n = argint(0);
    uint32_t old = p->brk, new = old + (uint32_t)n;
    if (n > 0) {
        if (new < old || new > USER_STACK_TOP - USER_STACK_SIZE - PGSIZE ||
            (PGROUNDUP(new) > PGROUNDUP(old) &&
             uvmalloc(p->pagetable, PGROUNDUP(old), new, PTE_R | PTE_W | PTE_U) < 0))
            return -1;
    } else if (n < 0) {
        if (new > old || new < USER_TEXT)
            return -1;
        uvmdealloc(p->pagetable, PGROUNDUP(new), PGROUNDUP(old));
        sfence_vma();           /* the TLB may still map the pages just freed */
    }
    p->brk = new;
    return (int32_t)old;
}

int32_t sys_fg(void)
{
    console_set_fg(argint(0));
    return 0;
}
