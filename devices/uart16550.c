/*
 * The 16550A UART (devices/uart16550.h). Register and bit names follow the datasheet.
 *
 * Transmit is immediate: a THR write goes to the backend (or, in loopback, to the
 * receive FIFO) at once, so LSR.THRE and LSR.TEMT always read 1. The THRE interrupt is
 * the datasheet's: pending after a THR write or when IER.ETBEI goes from 0 to 1, cleared
 * by the IIR read that reports it (and by the next THR write re-armed, and so on).
 *
 * The receive FIFO is 16 bytes deep whether or not FCR enabled it (FCR only changes what
 * IIR's top bits say). Input is pulled from the backend by uart_update() only while the
 * FIFO has room, so the backend keeps what the guest has not made room for; a loopback
 * byte sent into a full FIFO is lost and sets LSR.OE, as an overrun does.
 */
#include "devices/uart16550.h"

#include <stdlib.h>

#include "bus/memmap.h"
#include "devices/snapshot.h"

/* Register offsets (reg-shift 0). */
#define UART_RBR 0      /* read, DLAB=0 */
#define UART_THR 0      /* write, DLAB=0 */
#define UART_DLL 0      /* DLAB=1 */
#define UART_IER 1      /* DLAB=0 */
#define UART_DLM 1      /* DLAB=1 */
#define UART_IIR 2      /* read */
#define UART_FCR 2      /* write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define IER_ERBFI 0x01  /* received data available */
#define IER_ETBEI 0x02  /* transmitter holding register empty */
#define IER_ELSI  0x04  /* receiver line status */
#define IER_EDSSI 0x08  /* modem status */
#define IER_MASK  0x0f

#define IIR_NO_INT 0x01
#define IIR_THRE   0x02
#define IIR_RDA    0x04
#define IIR_RLS    0x06
#define IIR_FIFOS  0xc0 /* both set when FCR enabled the FIFOs */

#define FCR_ENABLE    0x01
#define FCR_CLEAR_RX  0x02
#define FCR_CLEAR_TX  0x04
#define FCR_KEEP      0xc9  /* enable, DMA mode, trigger level: what a read-back would hold */

#define LCR_DLAB 0x80

#define MCR_DTR  0x01
#define MCR_RTS  0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR   0x01   /* data ready */
#define LSR_OE   0x02   /* overrun error */
#define LSR_THRE 0x20   /* THR empty */
#define LSR_TEMT 0x40   /* transmitter empty */

#define MSR_CTS  0x10
#define MSR_DSR  0x20
#define MSR_RI   0x40
#define MSR_DCD  0x80

struct uart {
    struct chardev backend;
    struct irq_line irq;
    uint8_t rx[UART_FIFO_SIZE];     /* ring: rx_count bytes from rx_head */
    unsigned rx_head, rx_count;
    uint8_t ier, lcr, mcr, fcr, scr, dll, dlm;
    bool overrun;                   /* LSR.OE, cleared by reading LSR */
    bool thre_pending;              /* the THRE interrupt, until IIR reports it */
    bool irq_level;                 /* the level the line was last driven to */
};

struct uart *uart_create(const struct chardev *backend, struct irq_line irq)
{
    struct uart *u = calloc(1, sizeof *u);
    if (!u)
        return NULL;
    if (backend)
        u->backend = *backend;
    u->irq = irq;
    uart_reset(u);
    return u;
}

void uart_destroy(struct uart *u)
{
    free(u);
}

static bool loopback(const struct uart *u)
{
    return u->mcr & MCR_LOOP;
}

/* The highest-priority interrupt pending, as IIR's low bits encode it. */
static uint8_t uart_iir_code(const struct uart *u)
{
    if ((u->ier & IER_ELSI) && u->overrun)
        return IIR_RLS;
    if ((u->ier & IER_ERBFI) && u->rx_count)
        return IIR_RDA;
    if ((u->ier & IER_ETBEI) && u->thre_pending)
        return IIR_THRE;
    return IIR_NO_INT;
}

/* Drives the line only when its level changes: a guest polling LSR must not make the
 * hart re-check its interrupts at every access. */
static void uart_update_irq(struct uart *u)
{
    bool level = uart_iir_code(u) != IIR_NO_INT;
    if (level != u->irq_level) {
        u->irq_level = level;
        irq_set(&u->irq, level);
    }
}

void uart_reset(struct uart *u)
{
    u->rx_head = u->rx_count = 0;
    u->ier = u->lcr = u->mcr = u->fcr = u->scr = u->dll = u->dlm = 0;
    u->overrun = false;
    u->thre_pending = false;
    u->irq_level = false;
    irq_set(&u->irq, false);
}

static void rx_push(struct uart *u, uint8_t byte)
{
    if (u->rx_count == UART_FIFO_SIZE) {
        u->overrun = true;
        return;
    }
    u->rx[(u->rx_head + u->rx_count) % UART_FIFO_SIZE] = byte;
    u->rx_count++;
}

static uint8_t rx_pop(struct uart *u)
{
    if (!u->rx_count)
        return 0;
    uint8_t byte = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_FIFO_SIZE;
    u->rx_count--;
    return byte;
}

bool uart_can_receive(const struct uart *u)
{
    return !loopback(u) && u->rx_count < UART_FIFO_SIZE;
}

/* One backend read per call when no input waits. In loopback the receiver listens to
 * the transmitter only, so the backend is not read. */
void uart_update(struct uart *u)
{
    while (u->backend.read && uart_can_receive(u)) {
        int c = u->backend.read(u->backend.opaque);
        if (c < 0)
            break;
        rx_push(u, (uint8_t)c);
    }
    uart_update_irq(u);
}

/* In loopback the modem inputs are the modem outputs: CTS=RTS, DSR=DTR, RI=OUT1,
 * DCD=OUT2 (what Linux's 8250 probe checks). Otherwise a peer is always there. */
static uint8_t uart_msr(const struct uart *u)
{
    if (!loopback(u))
        return MSR_DCD | MSR_DSR | MSR_CTS;
    uint8_t m = 0;
    if (u->mcr & MCR_RTS)
        m |= MSR_CTS;
    if (u->mcr & MCR_DTR)
        m |= MSR_DSR;
    if (u->mcr & MCR_OUT1)
        m |= MSR_RI;
    if (u->mcr & MCR_OUT2)
        m |= MSR_DCD;
    return m;
}

static bool uart_read(void *opaque, uint32_t off, unsigned size, uint32_t *value)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = 0;
    (void)size;
    switch (off) {
    case UART_RBR:
        v = dlab ? u->dll : rx_pop(u);
        break;
    case UART_IER:
        v = dlab ? u->dlm : u->ier;
        break;
    case UART_IIR:
        v = uart_iir_code(u);
        if (v == IIR_THRE)
            u->thre_pending = false;
        if (u->fcr & FCR_ENABLE)
            v |= IIR_FIFOS;
        break;
    case UART_LCR:
        v = u->lcr;
        break;
    case UART_MCR:
        v = u->mcr;
        break;
    case UART_LSR:
        v = LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0) | (u->overrun ? LSR_OE : 0);
        u->overrun = false;
        break;
    case UART_MSR:
        v = uart_msr(u);
        break;
    case UART_SCR:
        v = u->scr;
        break;
    default:
        break;                      /* past the registers: reads 0 */
    }
    uart_update_irq(u);
    *value = v;
    return true;
}

static void uart_write_ier(struct uart *u, uint8_t v)
{
    uint8_t old = u->ier;
    u->ier = v & IER_MASK;
    if ((u->ier & IER_ETBEI) && !(old & IER_ETBEI))
        u->thre_pending = true;     /* THR is always empty: enabling reports it */
}

static void uart_write_fcr(struct uart *u, uint8_t v)
{
    if ((v ^ u->fcr) & FCR_ENABLE)
        v |= FCR_CLEAR_RX | FCR_CLEAR_TX;   /* switching FIFO mode empties the FIFOs */
    if (v & FCR_CLEAR_RX)
        u->rx_head = u->rx_count = 0;
    u->fcr = v & FCR_KEEP;
}

static bool uart_write(void *opaque, uint32_t off, unsigned size, uint32_t value)
{
    struct uart *u = opaque;
    bool dlab = u->lcr & LCR_DLAB;
    uint8_t v = (uint8_t)value;
    (void)size;
    switch (off) {
    case UART_THR:
        if (dlab) {
            u->dll = v;
        } else {
            if (loopback(u))
                rx_push(u, v);
            else if (u->backend.write)
                u->backend.write(u->backend.opaque, v);
            u->thre_pending = true;
        }
        break;
    case UART_IER:
        if (dlab)
            u->dlm = v;
        else
            uart_write_ier(u, v);
        break;
    case UART_FCR:
        uart_write_fcr(u, v);
        break;
    case UART_LCR:
        u->lcr = v;
        break;
    case UART_MCR:
        u->mcr = v & MCR_MASK;
        break;
    case UART_SCR:
        u->scr = v;
        break;
    default:
        break;                      /* LSR, MSR are read-only; past the registers: nothing */
    }
    uart_update_irq(u);
    return true;
}

/* ---- snapshots: every register, the receive FIFO with the bytes in it, and the
 * interrupt's state (THRE pending, the line's level) ---- */

SNAP_LAYOUT(struct uart, 88);

static void uart_save(const void *opaque, struct snap_writer *w)
{
    const struct uart *u = opaque;
    snap_put_u8(w, UART_FIFO_SIZE);
    snap_put_bytes(w, u->rx, UART_FIFO_SIZE);
    snap_put_u8(w, (uint8_t)u->rx_head);
    snap_put_u8(w, (uint8_t)u->rx_count);
    uint8_t regs[7] = { u->ier, u->lcr, u->mcr, u->fcr, u->scr, u->dll, u->dlm };
    snap_put_bytes(w, regs, sizeof regs);
    snap_put_bool(w, u->overrun);
    snap_put_bool(w, u->thre_pending);
    snap_put_bool(w, u->irq_level);
}

static int uart_load(void *opaque, struct snap_reader *r)
{
    struct uart *u = opaque;
    struct uart s = *u;
    uint8_t fifo = snap_get_u8(r);
    if (snap_ok(r) && fifo != UART_FIFO_SIZE)
        return snap_fail(r, "a %u-byte FIFO saved, this UART has %u", fifo, UART_FIFO_SIZE);
    snap_get_bytes(r, s.rx, UART_FIFO_SIZE);
    s.rx_head = snap_get_u8(r);
    s.rx_count = snap_get_u8(r);
    uint8_t regs[7];
    snap_get_bytes(r, regs, sizeof regs);
    s.ier = regs[0];
    s.lcr = regs[1];
    s.mcr = regs[2];
    s.fcr = regs[3];
    s.scr = regs[4];
    s.dll = regs[5];
    s.dlm = regs[6];
    s.overrun = snap_get_bool(r);
    s.thre_pending = snap_get_bool(r);
    s.irq_level = snap_get_bool(r);
    if (snap_ok(r) && (s.rx_head >= UART_FIFO_SIZE || s.rx_count > UART_FIFO_SIZE))
        return snap_fail(r, "FIFO head %u, count %u", s.rx_head, s.rx_count);
    if (snap_ok(r) && ((s.ier & ~IER_MASK) || (s.mcr & ~MCR_MASK) || (s.fcr & ~FCR_KEEP)))
        return snap_fail(r, "IER 0x%02x, MCR 0x%02x, FCR 0x%02x hold bits no write sets",
                         s.ier, s.mcr, s.fcr);
    if (!snap_applying(r))
        return snap_status(r);
    *u = s;
    return 0;
}

static void uart_post_load(void *opaque)
{
    struct uart *u = opaque;
    irq_set(&u->irq, u->irq_level);
}

static const struct snap_ops uart_snap = {
    .name = "uart16550", .version = 1,
    .save = uart_save, .load = uart_load, .post_load = uart_post_load,
};

enum bus_error uart_attach(struct uart *u, struct bus *bus, uint32_t base)
{
    enum bus_error e = bus_add_mmio(bus, "uart16550", base, MEMMAP_UART0_SIZE, BUS_SIZE_1, u,
                                    uart_read, uart_write);
    if (!e)
        bus_set_snapshot(bus, base, &uart_snap, u);
    return e;
}
