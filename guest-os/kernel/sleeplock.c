/* Sleep locks (sleeplock.h): a flag guarded by a spinlock, and sleep() while it is set. */
#include "sleeplock.h"

#include "lockorder.h"
#include "printf.h"
#include "proc.h"

void initsleeplock(struct sleeplock *lk, const char *name)
{
    initlock(&lk->lk, "sleep lock");
    lk->lk.order_class = -1;    /* held for a moment inside these functions only */
    lk->name = name;
    lk->locked = 0;
    lk->pid = 0;
    lk->order_class = (int16_t)lockorder_class(name);
}

void acquiresleep(struct sleeplock *lk)
{
    struct proc *p = myproc();
    acquire(&lk->lk);
    if (lk->locked && lk->pid == p->pid)
        panic("acquiresleep: '%s' is already held by pid %d", lk->name, p->pid);
    lockorder_acquire_sleep(lk->order_class, (uint32_t)(uintptr_t)__builtin_return_address(0));
    while (lk->locked)
        sleep(lk, &lk->lk);     /* releases lk->lk while asleep, takes it back after */
    lk->locked = 1;
    lk->pid = p->pid;
    release(&lk->lk);
}

void releasesleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    if (!lk->locked || lk->pid != myproc()->pid)
        panic("releasesleep: '%s' is not held by this process", lk->name);
    lockorder_release_sleep(lk->order_class);
    lk->locked = 0;
    lk->pid = 0;
    wakeup(lk);
    release(&lk->lk);
}

int holdingsleep(struct sleeplock *lk)
{
    acquire(&lk->lk);
    int r = lk->locked && lk->pid == myproc()->pid;
    release(&lk->lk);
    return r;
}
