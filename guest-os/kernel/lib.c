/* Byte and string helpers (lib.h). Plain loops: the kernel copies little. */
#include "lib.h"

void *memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    return memmove(dst, src, n);
}

/* Word-sized when both pointers allow it: the console scrolls megabytes with this. */
void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s) {
        if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
            for (; n >= 4; n -= 4, d += 4, s += 4)
                *(uint32_t *)d = *(const uint32_t *)s;
        }
        while (n--)
            *d++ = *s++;
    } else {
        d += n;
        s += n;
        if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
            for (; n >= 4; n -= 4)
                *(uint32_t *)(d -= 4) = *(const uint32_t *)(s -= 4);
        }
        while (n--)
            *--d = *--s;
    }
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (uint8_t)*a - (uint8_t)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

void safestrcpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n && src[i]; i++)
        dst[i] = src[i];
    dst[i] = 0;
}
