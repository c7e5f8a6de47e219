/*
 * The program tests/debug/gdb_session.sh debugs: GDB stops it at ready(), changes
 * `input`, checks square()'s argument, catches the load of `input` and the store to
 * `watched`, steps through stepper(), and sees "result=" change with the input it wrote.
 */
#include <stdint.h>

#include "htif.h"

volatile uint32_t input = 3;        /* GDB writes 5 here */
volatile uint32_t watched;          /* GDB watches the store of the result */

uint32_t stepper(void);             /* stepper.S: c.li a0, 1; addi a0, a0, 41; ret */

__attribute__((noinline)) void ready(void)
{
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) uint32_t square(uint32_t x)
{
    return x * x;
}

int main(void)
{
    __asm__ volatile("csrw mscratch, %0" : : "r"(0x1234abcdu));
    ready();
    uint32_t r = square(input);
    watched = r;
    uint32_t s = stepper();
    input = input + 1;              /* GDB's access watchpoint sees the read, then the write */
    htif_puts("result=");
    htif_putu(r);
    htif_puts(" stepper=");
    htif_putu(s);
    htif_putc('\n');
    return 0;
}
