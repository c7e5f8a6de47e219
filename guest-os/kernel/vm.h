/*
 * Sv32 page tables: the kernel's, and one per process with the kernel's root entries
 * copied in (memlayout.h). User pages are 4 KiB with PTE_U; the framebuffer, when a
 * process maps it, carries PTE_DEVICE so that it is never freed as RAM.
 */
#ifndef KITE_VM_H
#define KITE_VM_H

#include <stdint.h>

#include "fdt.h"
#include "riscv.h"

void kvminit(const struct boot_info *bi);     /* build the kernel page table */
void kvminithart(void);                       /* satp = kernel page table */
pagetable_t kernel_pagetable(void);

/* A new user page table: the kernel's entries, no user pages. 0 if out of memory. */
pagetable_t uvmcreate(void);
/* Map [va, va+size) to [pa, ...), 4 KiB pages, perm | PTE_V. 0, or -1 out of memory. */
int mappages(pagetable_t pt, uint32_t va, uint32_t size, uint32_t pa, uint32_t perm);
/* Allocate zeroed pages for [PGROUNDDOWN(start), end) with perm. 0, or -1 (then nothing
 * of the range stays mapped). */
int uvmalloc(pagetable_t pt, uint32_t start, uint32_t end, uint32_t perm);
/* Unmap [start, end) of user memory, freeing RAM pages. */
void uvmdealloc(pagetable_t pt, uint32_t start, uint32_t end);
/* Free every user page and the page-table pages. */
void uvmfree(pagetable_t pt);
/* Copy the user half of `from` into `to` (fork): RAM is copied, device mappings (the
 * framebuffer) are left out. */
int uvmcopy(pagetable_t from, pagetable_t to);
/* Add R/W/X permissions in `perm` to the pages mapped in [start, end) (exec: two
 * segments sharing a page). */
void uvmaddperm(pagetable_t pt, uint32_t start, uint32_t end, uint32_t perm);
/* Bytes of user RAM mapped. */
uint32_t uvmsize(pagetable_t pt);
/* The physical address behind a user virtual address, or 0 when it is not mapped with
 * PTE_U (and PTE_W when `write`). */
uint32_t walkaddr(pagetable_t pt, uint32_t va, int write);

/* Copy between the kernel and user memory of `pt`, checking every page: 0, or -1 when
 * any byte is not mapped for the user (with write permission for copyout). */
int copyout(pagetable_t pt, uint32_t dstva, const void *src, uint32_t len);
int copyin(pagetable_t pt, void *dst, uint32_t srcva, uint32_t len);
/* A NUL-terminated string of at most max bytes (NUL included): its length, or -1. */
int copyinstr(pagetable_t pt, char *dst, uint32_t srcva, uint32_t max);

/* Either kind of address: user (`user` != 0: in the current process) or kernel. */
int either_copyout(int user, uint32_t dst, const void *src, uint32_t len);
int either_copyin(int user, void *dst, uint32_t src, uint32_t len);

#endif
