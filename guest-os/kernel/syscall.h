/* System call dispatch (kernel/syscall.c) and argument fetching for the sys_* functions.
 * Each sys_* returns the value for a0. */
#ifndef KITE_KSYSCALL_H
#define KITE_KSYSCALL_H

#include <stdint.h>

void syscall(void);

/* The n-th argument (a0..a5) of the current system call. */
int32_t argint(int n);
uint32_t argaddr(int n);
/* The n-th argument as a user string copied into buf: its length, or -1. */
int argstr(int n, char *buf, int max);

/* sysproc.c */
int32_t sys_fork(void), sys_exit(void), sys_wait(void), sys_exec(void), sys_getpid(void);
int32_t sys_sleep(void), sys_kill(void), sys_uptime(void), sys_fbmap(void), sys_procs(void);
int32_t sys_meminfo(void), sys_shutdown(void), sys_sbrk(void), sys_fg(void);
/* sysfile.c */
int32_t sys_read(void), sys_write(void), sys_open(void), sys_close(void);
int32_t sys_unlink(void), sys_stat(void), sys_dup(void), sys_pipe(void), sys_mkdir(void);
int32_t sys_chdir(void);

#endif
