/*
 * exec: load an ELF program from the file system into a new address space, build its
 * stack (argument strings, then argv[]), and switch the process over to it. Until the
 * switch, a failure leaves the old program running.
 */
#include "exec.h"

#include <stdint.h>

#include "fb.h"
#include "fs.h"
#include "kite/abi.h"
#include "lib.h"
#include "log.h"
#include "param.h"
#include "proc.h"
#include "riscv.h"
#include "vm.h"

/* The parts of the ELF32 format exec reads (System V ABI, ELF specification). */
struct elf_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
#define ELF_MAGIC "\177ELF"
#define ELFCLASS32 1
#define EM_RISCV 243
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

/* Read [off, off+n) of the file into user memory at va (mapped in pt, page by page:
 * RAM is identity-mapped, so the physical address is a kernel address). */
static int load(pagetable_t pt, struct inode *ip, uint32_t va, uint32_t off, uint32_t n)
{
    while (n) {
        uint32_t pa = walkaddr(pt, va, 0);
        if (!pa)
            return -1;
        uint32_t chunk = PGSIZE - (va & (PGSIZE - 1));
        if (chunk > n)
            chunk = n;
        if (readi(ip, 0, pa, off, chunk) != (int)chunk)
            return -1;
        va += chunk, off += chunk, n -= chunk;
    }
    return 0;
}

/* Map and fill every PT_LOAD segment; returns the end of the highest one, or 0. */
static uint32_t load_segments(pagetable_t pt, struct inode *ip, const struct elf_header *eh)
{
    uint32_t top = USER_TEXT;
    for (uint32_t i = 0; i < eh->phnum; i++) {
        struct elf_phdr ph;
        uint32_t off = eh->phoff + i * sizeof ph;
        if (readi(ip, 0, (uint32_t)(uintptr_t)&ph, off, sizeof ph) != sizeof ph)
            return 0;
        if (ph.type != PT_LOAD || ph.memsz == 0)
            continue;
        uint32_t end = ph.vaddr + ph.memsz;
        if (ph.filesz > ph.memsz || end < ph.vaddr || ph.vaddr < USER_TEXT ||
            end > USER_STACK_TOP - USER_STACK_SIZE - PGSIZE)
            return 0;
        uint32_t perm = PTE_U | (ph.flags & PF_R ? PTE_R : 0) | (ph.flags & PF_W ? PTE_W : 0) |
                        (ph.flags & PF_X ? PTE_X : 0);
        /* Segments may share a page (text and data in one): that page gets both
         * permissions; only the pages not mapped yet are allocated. */
        uint32_t start = PGROUNDDOWN(ph.vaddr);
        while (start < end && walkaddr(pt, start, 0))
            start += PGSIZE;
        uvmaddperm(pt, PGROUNDDOWN(ph.vaddr), start, perm);
        if (start < end && uvmalloc(pt, start, end, perm) < 0)
            return 0;
        if (load(pt, ip, ph.vaddr, ph.offset, ph.filesz) < 0)
            return 0;
        if (end > top)
            top = end;
    }
    return PGROUNDUP(top);
}

/* Push the argument strings and argv[] on the new stack; returns the new sp, or 0. */
static uint32_t push_args(pagetable_t pt, char **argv, int argc, uint32_t *uargv)
{
    uint32_t sp = USER_STACK_TOP, ptrs[MAXARG + 1];
    for (int i = 0; i < argc; i++) {
        uint32_t len = (uint32_t)strlen(argv[i]) + 1;
        sp = (sp - len) & ~15u;
        if (sp < USER_STACK_TOP - USER_STACK_SIZE || copyout(pt, sp, argv[i], len) < 0)
            return 0;
        ptrs[i] = sp;
    }
    ptrs[argc] = 0;
    sp = (sp - (uint32_t)(argc + 1) * 4) & ~15u;
    if (copyout(pt, sp, ptrs, (uint32_t)(argc + 1) * 4) < 0)
        return 0;
    *uargv = sp;
    return sp;
}

int exec(const char *path, char **argv)
{
    struct proc *p = myproc();
    struct elf_header eh;
    pagetable_t pt = 0;
    int argc = 0;
    while (argv[argc])
        if (++argc > MAXARG)
            return -1;

    begin_op();
    struct inode *ip = namei(path);
    if (!ip) {
        end_op();
        return -1;
    }
    ilock(ip);
    uint32_t brk = 0, sp = 0, uargv = 0;
    if (readi(ip, 0, (uint32_t)(uintptr_t)&eh, 0, sizeof eh) != sizeof eh ||
        memcmp(eh.ident, ELF_MAGIC, 4) || eh.ident[4] != ELFCLASS32 ||
        eh.machine != EM_RISCV || eh.phentsize != sizeof(struct elf_phdr))
        goto bad;
    if (!(pt = uvmcreate()) || !(brk = load_segments(pt, ip, &eh)))
        goto bad;
    iunlockput(ip);
    end_op();
    ip = 0;
    if (uvmalloc(pt, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_TOP,
                 PTE_R | PTE_W | PTE_U) < 0 ||
        !(sp = push_args(pt, argv, argc, &uargv)))
        goto bad;

    /* Commit: the registers, then the name and the address space (under p->lock, for
     * `ps`, which reads them from another process). */
    const char *last = path;
    for (const char *s = path; *s; s++)
        if (*s == '/')
            last = s + 1;
    memset(p->tf.regs, 0, sizeof p->tf.regs);
    p->tf.regs[2] = sp;
    p->tf.regs[11] = uargv;
    p->tf.epc = eh.entry;
    p->brk = brk;
    acquire(&p->lock);
    safestrcpy(p->name, last, sizeof p->name);
    pagetable_t old = p->pagetable;
    p->pagetable = pt;
    csr_write(satp, MAKE_SATP(pt));
    sfence_vma();
    release(&p->lock);
    uvmfree(old);
    if (p->fb_mapped) {
        p->fb_mapped = 0;
        fb_release();
    }
    return argc;       /* lands in a0 */

bad:
    if (pt)
        uvmfree(pt);
    if (ip) {
        iunlockput(ip);
        end_op();
    }
    return -1;
}
