/* The small C library of Kite's user programs: strings, memory, numbers, lines. */
#include "user.h"

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++))
        ;
    return dst;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s) {
        while (n--)
            *d++ = *s++;
    } else {
        while (n--)
            d[n] = s[n];
    }
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

int atoi(const char *s)
{
    int sign = 1, v = 0;
    if (*s == '-')
        sign = -1, s++;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return sign * v;
}

/* Byte by byte: the console hands out a line per read, files may not. */
char *getline(int fd, char *buf, int max)
{
    int n = 0;
    while (n < max - 1) {
        char c;
        if (read(fd, &c, 1) != 1)
            break;
        buf[n++] = c;
        if (c == '\n')
            break;
    }
    buf[n] = 0;
    return n ? buf : NULL;
}

/* A bump allocator on sbrk with a first-fit free list: enough for small programs. */
struct block {
    size_t size;                /* bytes after the header */
    struct block *next;         /* in the free list */
};
static struct block *free_list;

void *malloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    for (struct block **pp = &free_list; *pp; pp = &(*pp)->next) {
        if ((*pp)->size >= n) {
            struct block *b = *pp;
            *pp = b->next;
            return b + 1;
        }
    }
    struct block *b = sbrk((int)(n + sizeof *b));
    if (b == (void *)-1)
        return NULL;
    b->size = n;
    return b + 1;
}

void free(void *p)
{
    if (!p)
        return;
    struct block *b = (struct block *)p - 1;
    b->next = free_list;
    free_list = b;
}
