/* The physical page allocator: free pages are linked through their first word. One
 * spinlock guards the list and the counts. */
#include "kalloc.h"
#include "lib.h"
#include "printf.h"
#include "riscv.h"
#include "spinlock.h"

struct run {
    struct run *next;
};

static struct spinlock lock;
static struct run *freelist;
static uint32_t nfree, ntotal;
static uint32_t mem_start, mem_end;

void kinit(uint32_t start, uint32_t end)
{
    initlock(&lock, "kalloc");
    mem_start = PGROUNDUP(start);
    mem_end = PGROUNDDOWN(end);
    for (uint32_t pa = mem_end; pa > mem_start;) {     /* low pages come out first */
        pa -= PGSIZE;
        kfree((void *)(uintptr_t)pa);
        ntotal++;
    }
}

void *kalloc(void)
{
    acquire(&lock);
    struct run *r = freelist;
    if (r) {
        freelist = r->next;
        nfree--;
    }
    release(&lock);
    if (r)
        memset(r, 0, PGSIZE);   /* outside the lock: the page is ours alone now */
    return r;
}

void kfree(void *page)
{
    uint32_t pa = (uint32_t)(uintptr_t)page;
    if (pa % PGSIZE || pa < mem_start || pa >= mem_end)
        panic("kfree: bad page %p", page);
    struct run *r = page;
    acquire(&lock);
    r->next = freelist;
    freelist = r;
    nfree++;
    release(&lock);
}

uint32_t kalloc_free_pages(void) { return nfree; }     /* a snapshot: no lock needed */
uint32_t kalloc_total_pages(void) { return ntotal; }
