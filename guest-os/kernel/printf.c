/* kprintf and panic: formatted kernel messages on the console. A lock keeps each
 * message whole when several harts print at once. */
#include <stdarg.h>
#include <stdint.h>

#include "console.h"
#include "fb.h"
#include "printf.h"
#include "sbi.h"
#include "spinlock.h"

static struct spinlock lock;
volatile int panicking;         /* from now on, print without the lock: it may be held */

void printf_init(void)
{
    initlock(&lock, "printf");
}

static void put_uint(uint32_t v, unsigned base, int width, char pad)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width-- > n)
        console_putc(pad);
    while (n)
        console_putc(buf[--n]);
}

static void vkprintf(const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            console_putc(*fmt);
            continue;
        }
        char pad = ' ';
        int width = 0;
        if (*++fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        switch (*fmt) {
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0) {
                console_putc('-');
                put_uint(-(uint32_t)v, 10, width - 1, pad);
            } else {
                put_uint((uint32_t)v, 10, width, pad);
            }
            break;
        }
        case 'u': put_uint(va_arg(ap, uint32_t), 10, width, pad); break;
        case 'x': put_uint(va_arg(ap, uint32_t), 16, width, pad); break;
        case 'p':
            console_putc('0');
            console_putc('x');
            put_uint((uint32_t)(uintptr_t)va_arg(ap, void *), 16, 8, '0');
            break;
        case 'c': console_putc(va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            int len = 0;
            if (!s)
                s = "(null)";
            while (s[len])
                len++;
            while (width-- > len)
                console_putc(' ');
            while (*s)
                console_putc(*s++);
            break;
        }
        case '%': console_putc('%'); break;
        case 0: return;
        default: console_putc('%'); console_putc(*fmt); break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    int locking = !panicking;
    if (locking)
        acquire(&lock);
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    if (locking)
        release(&lock);
}

/* The panicking hart may hold any lock, the printf one included: from here on nothing
 * waits for a lock on the way out. */
void panic(const char *fmt, ...)
{
    va_list ap;
    panicking = 1;
    kprintf("panic: ");
    va_start(ap, fmt);
    vkprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
    fb_flush();
    sbi_fail();
}
