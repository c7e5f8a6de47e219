/* The few C library functions the kernel needs (GCC may also call mem* on its own). */
#ifndef KITE_LIB_H
#define KITE_LIB_H

#include <stddef.h>
#include <stdint.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
/* Copy at most n-1 characters and always NUL-terminate (n > 0). */
void safestrcpy(char *dst, const char *src, size_t n);

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
