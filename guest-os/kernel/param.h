/* Sizes of the kernel's fixed tables (plain #defines: entry.S includes this too). */
#ifndef KITE_PARAM_H
#define KITE_PARAM_H

#define NCPU         8      /* harts the kernel can run on (hart ids 0..NCPU-1) */
#define NPROC        32     /* processes */
#define NOFILE       16     /* open files per process */
#define NFILE        64     /* open files in the system */
#define NINODE       32     /* inodes in memory */
#define NBUF         48     /* block buffers: the log pins up to LOGSIZE (30) of them */
#define KSTACK_SIZE  8192   /* each process's kernel stack */
#define BOOT_STACK   8192   /* each hart's stack for boot and its scheduler */
#define MAXARG       16     /* exec() arguments */
#define MAXPATH      128    /* longest path a system call accepts */
#define TICK_HZ      100    /* timer interrupts per second: the scheduler's time slice */

#endif
