/*
 * The console (console.h): every byte out goes to the UART and the framebuffer; bytes in
 * come from the UART and the keyboard and are edited a line at a time here, the way a
 * terminal's "cooked" mode does, so programs read whole lines.
 *
 * `lock` guards the input ring and the foreground pid. Interrupt handlers (the UART's,
 * the keyboard's) put characters in, readers take them out and sleep on the ring while
 * it is empty. `out_lock` keeps a write() whole: its bytes are not mixed with the echo
 * of keys typed meanwhile (the UART and the framebuffer's grid have locks of their
 * own, for each character). It is taken after `lock` when both are.
 */
#include "console.h"

#include "fb.h"
#include "proc.h"
#include "spinlock.h"
#include "uart.h"
#include "vm.h"

#define CTRL(c) ((c) - '@')
/* Room for a terminal's paste, as Linux's N_TTY. A line longer than this is handed to
 * the reader in pieces, each as the ring fills. */
#define INPUT_SIZE 4096

/* The input ring: [r, w) is ready for read(), [w, e) is the line being edited. */
static struct {
    char buf[INPUT_SIZE];
    uint32_t r, w, e;
} in;
static int fg_pid;
static struct spinlock lock, out_lock;

void console_init(void)
{
    initlock(&lock, "console");
    initlock(&out_lock, "console out");
    in.r = in.w = in.e = 0;
}

void console_putc(int c)
{
    uart_putc(c);
    fbcon_putc(c);
}

void console_set_fg(int pid)
{
    acquire(&lock);
    fg_pid = pid;
    release(&lock);
}

static void erase_one(void)
{
    in.e--;
    console_putc('\b');
    console_putc(' ');
    console_putc('\b');
}

static int full(void)
{
    return in.e - in.r >= INPUT_SIZE;
}

/* No room for one more character: the UART then leaves its input where it is, until
 * console_read() takes some (uart_rx_resume). */
int console_full(void)
{
    acquire(&lock);
    int r = full();
    release(&lock);
    return r;
}

/* One typed character (console_input), with the lock held. */
static void input(int c)
{
    switch (c) {
    case CTRL('C'):
        console_putc('^');
        console_putc('C');
        console_putc('\n');
        in.e = in.w;
        if (fg_pid)
            proc_kill_tree(fg_pid);
        return;
    case CTRL('U'):
        while (in.e != in.w)
            erase_one();
        return;
    case 0x7f:
    case '\b':
        if (in.e != in.w)
            erase_one();
        return;
    }
    if (c == '\r')
        c = '\n';
    if (c != '\n' && c != CTRL('D') && c != '\t' && (c < ' ' || c > '~'))
        return;                 /* other control characters and non-ASCII: dropped */
    if (full())
        return;                 /* keys typed 4 KiB ahead of the reader: dropped */
    in.buf[in.e++ % INPUT_SIZE] = (char)c;
    if (c != CTRL('D'))
        console_putc(c);
    if (c == '\n' || c == CTRL('D') || in.e - in.r == INPUT_SIZE) {
        in.w = in.e;
        wakeup(&in.r);
    }
}

/* One typed character, from an interrupt handler. */
void console_input(int c)
{
    acquire(&lock);
    acquire(&out_lock);         /* for the echo */
    input(c);
    release(&out_lock);
    release(&lock);
}

/* Take one committed character off the input ring. */
static char take(void)
{
    return in.buf[in.r++ % INPUT_SIZE];
}

/*
 * Waits until a line (or an end-of-file mark) is committed, then hands out at most n
 * bytes of it, stopping after '\n'. Ctrl-D works as on a Unix terminal: it sends what was
 * typed before it without a newline and is itself discarded, so read() returns 0 only
 * for a Ctrl-D at the start of a line. Bytes go to the reader in chunks, each one copy.
 */
int console_read(int user, uint32_t addr, int n)
{
    if (n <= 0)
        return 0;
    acquire(&lock);
    while (in.r == in.w) {
        if (killed(myproc())) {
            release(&lock);
            return -1;
        }
        sleep(&in.r, &lock);
    }
    char chunk[64];
    int got = 0, k = 0, line_end = 0;
    while (got + k < n && in.r != in.w && !line_end) {
        char c = take();
        if (c == CTRL('D'))
            break;
        chunk[k++] = c;
        line_end = c == '\n';
        if (k == (int)sizeof chunk) {
            if (either_copyout(user, addr + (uint32_t)got, chunk, (uint32_t)k) < 0) {
                release(&lock);
                return -1;
            }
            got += k;
            k = 0;
        }
    }
    /* The reader took exactly what came before a Ctrl-D: the mark has done its job. */
    if (!line_end && got + k == n && in.r != in.w &&
        in.buf[in.r % INPUT_SIZE] == CTRL('D'))
        in.r++;
    release(&lock);
    uart_rx_resume();           /* there is room now for what the UART held back */
    if (k > 0 && either_copyout(user, addr + (uint32_t)got, chunk, (uint32_t)k) < 0)
        return -1;
    return got + k;
}

/* The whole write under out_lock (so with interrupts off): a paste's echo comes
 * before or after it, never inside. */
int console_write(int user, uint32_t addr, int n)
{
    char buf[64];
    acquire(&out_lock);
    for (int done = 0; done < n;) {
        int chunk = n - done < (int)sizeof buf ? n - done : (int)sizeof buf;
        if (either_copyin(user, buf, addr + (uint32_t)done, (uint32_t)chunk) < 0) {
            release(&out_lock);
            return done ? done : -1;
        }
        for (int i = 0; i < chunk; i++)
            console_putc(buf[i]);
        done += chunk;
    }
    release(&out_lock);
    return n;
}
