/* The SMP tests' runtime (smp.h). */
#include "tests/smp/guest/smp.h"

#include <stdarg.h>

#include "bus/memmap.h"
#include "firmware/fdt.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

static volatile uint32_t print_lock;
static volatile uint32_t nharts_found;

void putc_uart(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)MEMMAP_UART0_BASE;
    while (!(uart[UART_LSR] & LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

static void put_str(const char *s)
{
    while (*s)
        putc_uart(*s++);
}

static void put_num(uint32_t v, unsigned base)
{
    char buf[12];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (n)
        putc_uart(buf[--n]);
}

void print(const char *fmt, ...)
{
    while (__atomic_exchange_n(&print_lock, 1, __ATOMIC_ACQUIRE))
        ;
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            putc_uart(*p);
            continue;
        }
        switch (*++p) {
        case 'u': put_num(va_arg(ap, uint32_t), 10); break;
        case 'x': put_num(va_arg(ap, uint32_t), 16); break;
        case 'd': {
            int32_t v = va_arg(ap, int32_t);
            if (v < 0) {
                putc_uart('-');
                v = -v;
            }
            put_num((uint32_t)v, 10);
            break;
        }
        case 's': put_str(va_arg(ap, const char *)); break;
        case 'c': putc_uart((char)va_arg(ap, int)); break;
        default: putc_uart('%'); putc_uart(*p); break;
        }
    }
    va_end(ap);
    __atomic_store_n(&print_lock, 0, __ATOMIC_RELEASE);
}

void smp_exit(uint32_t code)
{
    volatile uint32_t *syscon = (volatile uint32_t *)MEMMAP_SYSCON_BASE;
    *syscon = code ? (code << 16) | 0x3333 : 0x5555;
    for (;;)
        wfi();
}

void smp_trap(void) __attribute__((noreturn));
void smp_trap(void)
{
    print("FAIL: trap on hart %u: mcause %x mepc %x mtval %x\n", csr_read(mhartid),
          csr_read(mcause), csr_read(mepc), csr_read(mtval));
    smp_exit(99);
}

void smp_start(uint32_t hartid, const void *dtb) __attribute__((noreturn));
void smp_start(uint32_t hartid, const void *dtb)
{
    if (hartid == 0) {
        struct fdt_facts facts;
        uint32_t n = fdt_read_facts(dtb, &facts) == 0 && facts.nharts ? facts.nharts : 1;
        __atomic_store_n(&nharts_found, n > MAX_HARTS ? MAX_HARTS : n, __ATOMIC_RELEASE);
    }
    while (!__atomic_load_n(&nharts_found, __ATOMIC_ACQUIRE))
        ;
    hart_main(hartid, nharts_found);
    if (hartid == 0)
        smp_exit(0);
    for (;;)
        wfi();
}
