/*
 * Kite's system call numbers: the contract between the kernel and user programs.
 * A user program puts the number in a7, the arguments in a0..a5, and executes `ecall`;
 * the result comes back in a0 (negative means failure).
 */
#ifndef KITE_SYSCALL_H
#define KITE_SYSCALL_H

#define SYS_fork      1   /* int fork(void) */
#define SYS_exit      2   /* void exit(int status) */
#define SYS_wait      3   /* int wait(int *status): pid of a child that exited */
#define SYS_exec      4   /* int exec(const char *path, char **argv) */
#define SYS_getpid    5   /* int getpid(void) */
#define SYS_sleep     6   /* int sleep(int ms) */
#define SYS_read      7   /* int read(int fd, void *buf, int n) */
#define SYS_write     8   /* int write(int fd, const void *buf, int n) */
#define SYS_open      9   /* int open(const char *path, int flags) */
#define SYS_close    10   /* int close(int fd) */
#define SYS_kill     11   /* int kill(int pid) */
#define SYS_uptime   12   /* unsigned uptime(void): milliseconds since boot */
#define SYS_fbmap    13   /* int fbmap(struct kite_fbinfo *fb): map the framebuffer */
#define SYS_procs    14   /* int procs(struct kite_procinfo *p, int max): the process table */
#define SYS_meminfo  15   /* int meminfo(struct kite_meminfo *m) */
#define SYS_shutdown 16   /* int shutdown(int how): KITE_POWEROFF or KITE_REBOOT */
#define SYS_unlink   17   /* int unlink(const char *path) */
#define SYS_stat     18   /* int stat(const char *path, struct kite_stat *st) */
#define SYS_dup      19   /* int dup(int fd) */
#define SYS_sbrk     20   /* void *sbrk(int n): grow the heap by n bytes; old break */
#define SYS_fg       21   /* int fg(int pid): Ctrl-C on the console kills pid and its
                             children (0: none) */
#define SYS_pipe     22   /* int pipe(int fds[2]): fds[0] reads what fds[1] writes */
#define SYS_mkdir    23   /* int mkdir(const char *path) */
#define SYS_chdir    24   /* int chdir(const char *path) */

#endif
