/*
 * Sv32 page tables (vm.h). The kernel maps itself, the devices and RAM with megapages in
 * the root table; every process's root table starts as a copy of those entries, and its
 * own pages hang below USER_TOP through second-level tables.
 */
#include "vm.h"

#include "kalloc.h"
#include "kite/abi.h"
#include "lib.h"
#include "memlayout.h"
#include "printf.h"
#include "proc.h"

static pagetable_t kpt;

/* Identity-map [start, end) with megapages (start is 4 MiB aligned). */
static void kmap(uint32_t start, uint32_t end, uint32_t perm)
{
    for (uint32_t a = start; a < end && a >= start; a += MEGAPAGE)
        kpt[VPN1(a)] = PA2PTE(a) | perm | PTE_V | PTE_A | PTE_D | PTE_G;
}

void kvminit(const struct boot_info *bi)
{
    kpt = kalloc();
    if (!kpt)
        panic("kvminit: no memory");
    kmap(PLIC, PLIC + MEMMAP_PLIC_SIZE, PTE_R | PTE_W);
    kmap(UART0 & ~(MEGAPAGE - 1), VIRTIO(NVIRTIO), PTE_R | PTE_W);
    if (bi->fb_size)
        kmap(bi->fb_base & ~(MEGAPAGE - 1), bi->fb_base + bi->fb_size, PTE_R | PTE_W);
    kmap(KERNBASE, bi->ram_base + bi->ram_size, PTE_R | PTE_W | PTE_X);
}

void kvminithart(void)
{
    csr_write(satp, MAKE_SATP(kpt));
    sfence_vma();
}

pagetable_t kernel_pagetable(void) { return kpt; }

pagetable_t uvmcreate(void)
{
    pagetable_t pt = kalloc();
    if (pt)
        memcpy(pt, kpt, PGSIZE);     /* user entries in kpt are all zero */
    return pt;
}

/* The leaf entry for a user va, creating the second-level table when `alloc`. */
static pte_t *walk(pagetable_t pt, uint32_t va, int alloc)
{
    if (va >= USER_TOP)
        return 0;
    pte_t *root = &pt[VPN1(va)];
    if (!(*root & PTE_V)) {
        if (!alloc)
            return 0;
        pagetable_t l0 = kalloc();
        if (!l0)
            return 0;
        *root = PA2PTE(l0) | PTE_V;
    }
    pagetable_t l0 = (pagetable_t)(uintptr_t)PTE2PA(*root);
    return &l0[VPN0(va)];
}

int mappages(pagetable_t pt, uint32_t va, uint32_t size, uint32_t pa, uint32_t perm)
{
    for (uint32_t off = 0; off < size; off += PGSIZE) {
        pte_t *pte = walk(pt, va + off, 1);
        if (!pte)
            return -1;
        if (*pte & PTE_V)
            panic("mappages: %p mapped twice", (void *)(uintptr_t)(va + off));
        /* A and D set up front: rvbox and QEMU would set them, other harts may fault. */
        *pte = PA2PTE(pa + off) | perm | PTE_V | PTE_A | PTE_D;
    }
    return 0;
}

int uvmalloc(pagetable_t pt, uint32_t start, uint32_t end, uint32_t perm)
{
    for (uint32_t va = PGROUNDDOWN(start); va < end; va += PGSIZE) {
        void *page = kalloc();
        if (!page || mappages(pt, va, PGSIZE, (uint32_t)(uintptr_t)page, perm)) {
            if (page)
                kfree(page);
            uvmdealloc(pt, PGROUNDDOWN(start), va);
            return -1;
        }
    }
    return 0;
}

void uvmdealloc(pagetable_t pt, uint32_t start, uint32_t end)
{
    for (uint32_t va = PGROUNDDOWN(start); va < end; va += PGSIZE) {
        pte_t *pte = walk(pt, va, 0);
        if (!pte || !(*pte & PTE_V))
            continue;
        if (!(*pte & PTE_DEVICE))
            kfree((void *)(uintptr_t)PTE2PA(*pte));
        *pte = 0;
    }
}

void uvmfree(pagetable_t pt)
{
    for (uint32_t i = 0; i < VPN1(USER_TOP); i++) {
        if (!(pt[i] & PTE_V))
            continue;
        pagetable_t l0 = (pagetable_t)(uintptr_t)PTE2PA(pt[i]);
        for (int j = 0; j < 1024; j++)
            if ((l0[j] & PTE_V) && !(l0[j] & PTE_DEVICE))
                kfree((void *)(uintptr_t)PTE2PA(l0[j]));
        kfree(l0);
    }
    kfree(pt);
}

/* Device mappings (the framebuffer) are not copied: the screen has one owner. */
int uvmcopy(pagetable_t from, pagetable_t to)
{
    for (uint32_t i = 0; i < VPN1(USER_TOP); i++) {
        if (!(from[i] & PTE_V))
            continue;
        pagetable_t l0 = (pagetable_t)(uintptr_t)PTE2PA(from[i]);
        for (uint32_t j = 0; j < 1024; j++) {
            pte_t pte = l0[j];
            if (!(pte & PTE_V) || (pte & PTE_DEVICE))
                continue;
            void *page = kalloc();
            if (!page)
                return -1;          /* the caller frees `to` whole */
            memcpy(page, (void *)(uintptr_t)PTE2PA(pte), PGSIZE);
            if (mappages(to, i << 22 | j << 12, PGSIZE, (uint32_t)(uintptr_t)page,
                         pte & (PTE_R | PTE_W | PTE_X | PTE_U))) {
                kfree(page);
                return -1;
            }
        }
    }
    return 0;
}

void uvmaddperm(pagetable_t pt, uint32_t start, uint32_t end, uint32_t perm)
{
    for (uint32_t va = PGROUNDDOWN(start); va < end; va += PGSIZE) {
        pte_t *pte = walk(pt, va, 0);
        if (pte && (*pte & PTE_V))
            *pte |= perm & (PTE_R | PTE_W | PTE_X);
    }
}

uint32_t uvmsize(pagetable_t pt)
{
    uint32_t bytes = 0;
    for (uint32_t i = 0; i < VPN1(USER_TOP); i++) {
        if (!(pt[i] & PTE_V))
            continue;
        pagetable_t l0 = (pagetable_t)(uintptr_t)PTE2PA(pt[i]);
        for (int j = 0; j < 1024; j++)
            if ((l0[j] & PTE_V) && !(l0[j] & PTE_DEVICE))
                bytes += PGSIZE;
    }
    return bytes;
}

uint32_t walkaddr(pagetable_t pt, uint32_t va, int write)
{
    pte_t *pte = walk(pt, va, 0);
    if (!pte || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U) || (write && !(*pte & PTE_W)))
        return 0;
    return PTE2PA(*pte) | (va & (PGSIZE - 1));
}

/* Copy between kernel memory and user memory at va, a page at a time (each page may lie
 * anywhere in RAM). to_user: kernel buf -> user va (which must be writable). */
static int copy_user(pagetable_t pt, uint32_t va, uint8_t *buf, uint32_t len, int to_user)
{
    while (len) {
        uint32_t pa = walkaddr(pt, va, to_user);
        if (!pa)
            return -1;
        uint32_t n = PGSIZE - (va & (PGSIZE - 1));
        if (n > len)
            n = len;
        if (to_user)
            memmove((void *)(uintptr_t)pa, buf, n);
        else
            memmove(buf, (void *)(uintptr_t)pa, n);
        len -= n, buf += n, va += n;
    }
    return 0;
}

int copyout(pagetable_t pt, uint32_t dstva, const void *src, uint32_t len)
{
    return copy_user(pt, dstva, (uint8_t *)(uintptr_t)src, len, 1);   /* only read */
}

int copyin(pagetable_t pt, void *dst, uint32_t srcva, uint32_t len)
{
    return copy_user(pt, srcva, dst, len, 0);
}

int copyinstr(pagetable_t pt, char *dst, uint32_t srcva, uint32_t max)
{
    for (uint32_t i = 0; i < max; i++, srcva++) {
        uint32_t pa = walkaddr(pt, srcva, 0);
        if (!pa)
            return -1;
        dst[i] = *(const char *)(uintptr_t)pa;
        if (!dst[i])
            return (int)i;
    }
    return -1;
}

int either_copyout(int user, uint32_t dst, const void *src, uint32_t len)
{
    if (user)
        return copyout(myproc()->pagetable, dst, src, len);
    memmove((void *)(uintptr_t)dst, src, len);
    return 0;
}

int either_copyin(int user, void *dst, uint32_t src, uint32_t len)
{
    if (user)
        return copyin(myproc()->pagetable, dst, src, len);
    memmove(dst, (const void *)(uintptr_t)src, len);
    return 0;
}
