/* What Kite user programs can call: the system calls (usys.S) and a small C library
 * (ulib.c, uprintf.c). */
#ifndef KITE_USER_H
#define KITE_USER_H

#include <stddef.h>
#include <stdint.h>

#include "kite/abi.h"

/* system calls */
int fork(void);
void exit(int status) __attribute__((noreturn));
int wait(int *status);
int exec(const char *path, char **argv);
int getpid(void);
int sleep(int ms);
int read(int fd, void *buf, int n);
int write(int fd, const void *buf, int n);
int open(const char *path, int flags);
int close(int fd);
int kill(int pid);
unsigned uptime(void);
int fbmap(struct kite_fbinfo *fb);
int procs(struct kite_procinfo *p, int max);
int meminfo(struct kite_meminfo *m);
int shutdown(int how);
int unlink(const char *path);
int stat(const char *path, struct kite_stat *st);
int dup(int fd);
void *sbrk(int n);
int fg(int pid);
int pipe(int fds[2]);
int mkdir(const char *path);
int chdir(const char *path);

/* ulib.c */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strchr(const char *s, int c);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int atoi(const char *s);
/* Read a line (up to max-1 bytes, newline kept) from fd; NULL at end of input. */
char *getline(int fd, char *buf, int max);
void *malloc(size_t n);
void free(void *p);

/* uprintf.c: %d %u %x %s %c %p, width, '-' and '0' flags */
int printf(const char *fmt, ...);
int fprintf(int fd, const char *fmt, ...);

#endif
