/*
 * Pipes (pipe.h): a ring of PIPESIZE bytes in a page of its own. Writers wait while
 * it is full, readers while it is empty, each sleeping on the other's counter; a
 * spinlock guards the ring, the counters and which ends are open.
 *
 *   nread, nwrite   bytes read and written since the start; they only grow (modulo
 *                   2^32), so nwrite - nread is what the ring holds, and the ring is
 *                   full when that is PIPESIZE
 */
#include "pipe.h"

#include "file.h"
#include "kalloc.h"
#include "proc.h"
#include "spinlock.h"
#include "vm.h"

#define PIPESIZE 512

struct pipe {
    struct spinlock lock;
    char data[PIPESIZE];
    uint32_t nread, nwrite;
    int readopen, writeopen;    /* the ends not closed yet */
};

int pipealloc(struct file **rf, struct file **wf)
{
    struct pipe *pi = 0;
    *rf = *wf = 0;
    if (!(*rf = filealloc()) || !(*wf = filealloc()) || !(pi = kalloc())) {
        if (*rf)
            fileclose(*rf);
        if (*wf)
            fileclose(*wf);
        return -1;
    }
    initlock(&pi->lock, "pipe");
    pi->nread = pi->nwrite = 0;
    pi->readopen = pi->writeopen = 1;
    (*rf)->type = FD_PIPE;
    (*rf)->readable = 1;
    (*rf)->pipe = pi;
    (*wf)->type = FD_PIPE;
    (*wf)->writable = 1;
    (*wf)->pipe = pi;
    return 0;
}

/* The other end learns it: a reader gets 0 (end of file), a writer -1. The pipe goes
 * when both ends are closed. */
void pipeclose(struct pipe *pi, int writable)
{
    acquire(&pi->lock);
    if (writable) {
        pi->writeopen = 0;
        wakeup(&pi->nread);
    } else {
        pi->readopen = 0;
        wakeup(&pi->nwrite);
    }
    int gone = !pi->readopen && !pi->writeopen;
    release(&pi->lock);
    if (gone)
        kfree(pi);
}

int pipewrite(struct pipe *pi, uint32_t addr, int n)
{
    struct proc *p = myproc();
    int i = 0;
    acquire(&pi->lock);
    while (i < n) {
        if (!pi->readopen || killed(p)) {
            release(&pi->lock);
            return -1;
        }
        if (pi->nwrite - pi->nread == PIPESIZE) {
            wakeup(&pi->nread);             /* what is there can be read meanwhile */
            sleep(&pi->nwrite, &pi->lock);
            continue;
        }
        char c;
        if (copyin(p->pagetable, &c, addr + (uint32_t)i, 1) < 0)
            break;
        pi->data[pi->nwrite++ % PIPESIZE] = c;
        i++;
    }
    wakeup(&pi->nread);
    release(&pi->lock);
    return i;
}

int piperead(struct pipe *pi, uint32_t addr, int n)
{
    struct proc *p = myproc();
    acquire(&pi->lock);
    while (pi->nread == pi->nwrite && pi->writeopen) {
        if (killed(p)) {
            release(&pi->lock);
            return -1;
        }
        sleep(&pi->nread, &pi->lock);
    }
    int i = 0;
    for (; i < n && pi->nread != pi->nwrite; i++) {
        char c = pi->data[pi->nread % PIPESIZE];
        if (copyout(p->pagetable, addr + (uint32_t)i, &c, 1) < 0)
            break;
        pi->nread++;
    }
    wakeup(&pi->nwrite);
    release(&pi->lock);
    return i;
}
