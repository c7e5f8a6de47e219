#include "fakes.h"

#include <check.h>
#include <string.h>

static void fake_irq_set(void *opaque, unsigned num, bool level)
{
    struct fake_irq *sink = opaque;
    ck_assert_uint_lt(num, FAKE_IRQ_LINES);
    sink->level[num] = level;
    sink->sets++;
}

struct irq_line fake_irq_line(struct fake_irq *sink, unsigned num)
{
    return (struct irq_line){ .set = fake_irq_set, .opaque = sink, .num = num };
}

static void fake_char_write(void *opaque, uint8_t byte)
{
    struct fake_char *f = opaque;
    ck_assert_uint_lt(f->nout, FAKE_CHAR_BUF);
    f->out[f->nout++] = byte;
}

static int fake_char_read(void *opaque)
{
    struct fake_char *f = opaque;
    f->reads++;
    return f->in_pos < f->nin ? f->in[f->in_pos++] : -1;
}

struct chardev fake_char_dev(struct fake_char *f)
{
    return (struct chardev){ .opaque = f, .write = fake_char_write, .read = fake_char_read };
}

void fake_char_feed(struct fake_char *f, const void *bytes, size_t n)
{
    ck_assert_uint_le(f->nin + n, FAKE_CHAR_BUF);
    memcpy(f->in + f->nin, bytes, n);
    f->nin += n;
}

uint32_t rd_at(struct bus *bus, uint32_t addr, unsigned size, const char *file, int line)
{
    uint32_t v = 0xdeadbeef;
    ck_assert_msg(bus_read(bus, addr, size, &v), "%s:%d: bus_read(0x%08x, %u) refused", file,
                  line, addr, size);
    return v;
}

void wr_at(struct bus *bus, uint32_t addr, unsigned size, uint32_t value, const char *file,
           int line)
{
    ck_assert_msg(bus_write(bus, addr, size, value), "%s:%d: bus_write(0x%08x, %u) refused",
                  file, line, addr, size);
}
