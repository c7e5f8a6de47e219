/*
 * What the kernel and user programs agree on besides the call numbers: open flags, the
 * structures system calls fill in, and the user address space layout.
 * Plain C types only: this header is included by the kernel, user programs and host tools.
 */
#ifndef KITE_ABI_H
#define KITE_ABI_H

#include <stdint.h>

/* open() flags */
#define O_RDONLY  0x000
#define O_WRONLY  0x001
#define O_RDWR    0x002
#define O_CREATE  0x100
#define O_TRUNC   0x200
#define O_APPEND  0x400

/* shutdown() */
#define KITE_POWEROFF 0
#define KITE_REBOOT   1

/* File types (also the on-disk inode types, include/kite/fs.h). */
#define T_DIR     1
#define T_FILE    2
#define T_CONSOLE 3     /* the console: only ever an open file, never on disk */

struct kite_stat {
    uint32_t type;      /* T_DIR, T_FILE, T_CONSOLE */
    uint32_t inum;
    uint32_t size;      /* bytes */
};

#define KITE_NAME_LEN 16
struct kite_procinfo {
    int32_t pid;
    int32_t ppid;       /* 0 for the first process */
    uint32_t mem;       /* bytes of user memory mapped (framebuffer not counted) */
    uint32_t cpu_ms;    /* time spent running */
    char state[12];     /* "running", "runnable", "sleeping", "zombie" */
    char name[KITE_NAME_LEN];
};

struct kite_meminfo {
    uint32_t page_size;
    uint32_t total_pages;   /* pages the kernel allocator manages */
    uint32_t free_pages;
    uint32_t kernel_bytes;  /* the kernel image: text, data, bss */
    uint32_t ram_bytes;     /* all RAM, from the device tree */
};

struct kite_fbinfo {
    uint32_t addr;      /* user virtual address of pixel (0,0); 32-bit pixels 0x00RRGGBB */
    uint32_t width, height;
    uint32_t stride;    /* bytes per row */
};

/* The user address space (Sv32). Everything at or above USER_TOP belongs to the kernel
 * (device registers, RAM), mapped in every address space without the U bit. */
#define USER_TEXT       0x00010000u   /* programs are linked here */
#define USER_STACK_TOP  0x08000000u   /* the stack grows down from here */
#define USER_STACK_SIZE 0x00010000u   /* 64 KiB, with an unmapped guard page below */
#define USER_FB         0x0a000000u   /* fbmap() puts the framebuffer here */
#define USER_TOP        0x0c000000u   /* = the PLIC, the first kernel mapping */

#endif
