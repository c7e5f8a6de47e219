/* printf for user programs: formats into a buffer, one write() per call. */
#include <stdarg.h>

#include "user.h"

struct out {
    int fd, len, total;
    char buf[128];
};

static void put(struct out *o, char c)
{
    if (o->len == (int)sizeof o->buf) {
        write(o->fd, o->buf, o->len);
        o->len = 0;
    }
    o->buf[o->len++] = c;
    o->total++;
}

static void put_padded(struct out *o, const char *s, int len, int width, int left, char pad)
{
    if (!left)
        for (; width > len; width--)
            put(o, pad);
    for (int i = 0; i < len; i++)
        put(o, s[i]);
    if (left)
        for (; width > len; width--)
            put(o, ' ');
}

static int vfmt(int fd, const char *fmt, va_list ap)
{
    struct out o = { fd, 0, 0, { 0 } };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        int left = 0, width = 0;
        char pad = ' ';
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++)
            *fmt == '-' ? (left = 1) : (pad = '0');
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        char num[16];
        int n = 0;
        unsigned v;
        switch (*fmt) {
        case 'd': {
            int d = va_arg(ap, int);
            v = d < 0 ? -(unsigned)d : (unsigned)d;
            do
                num[15 - n++] = (char)('0' + v % 10);
            while (v /= 10);
            if (d < 0)
                num[15 - n++] = '-';
            put_padded(&o, num + 16 - n, n, width, left, pad);
            break;
        }
        case 'u':
        case 'x':
        case 'p': {
            unsigned base = *fmt == 'u' ? 10 : 16;
            v = *fmt == 'p' ? (unsigned)(uintptr_t)va_arg(ap, void *) : va_arg(ap, unsigned);
            do
                num[15 - n++] = "0123456789abcdef"[v % base];
            while (v /= base);
            if (*fmt == 'p')
                num[15 - n++] = 'x', num[15 - n++] = '0';
            put_padded(&o, num + 16 - n, n, width, left, pad);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            put_padded(&o, s, (int)strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, width, left, ' ');
            break;
        }
        case 0:
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
            break;
        }
    }
    if (o.len)
        write(fd, o.buf, o.len);
    return o.total;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfmt(1, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfmt(fd, fmt, ap);
    va_end(ap);
    return n;
}
