/*
 * The serial console in a web page (host/serial.h for the WebAssembly build): the guest's
 * output goes to the page's terminal widget (xterm.js) at the end of every slice, and
 * what is typed there comes in through web_console_input(), with QEMU's Ctrl-A escapes
 * as on `-serial stdio`: Ctrl-A x stops the machine (disks are flushed), Ctrl-A h lists
 * the escapes, Ctrl-A Ctrl-A sends one Ctrl-A. There is no monitor in the page, so no
 * Ctrl-A c. Nothing here blocks or waits: the page calls in when it has something.
 */
#include "host/serial.h"

#include <emscripten.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ESCAPE_CHAR 0x01            /* Ctrl-A, as QEMU */
#define INPUT_BUFFER 4096
#define OUTPUT_BUFFER 4096

struct serial {
    bool escape_pending;
    bool quit;
    unsigned head, tail;            /* input ring: bytes [tail, head) */
    unsigned char ring[INPUT_BUFFER];
    unsigned out_len;               /* guest output not yet shown (serial_flush) */
    unsigned char out[OUTPUT_BUFFER];
};

/* The one console of the page, for web_console_input. */
static struct serial *console;

/* The page writes the bytes to its terminal (web/rvbox-page.js). */
EM_JS(void, js_console_write, (const unsigned char *bytes, unsigned len), {
    Module.rvboxConsoleWrite(HEAPU8.slice(bytes, bytes + len));
});

static void show(const char *text)
{
    js_console_write((const unsigned char *)text, (unsigned)strlen(text));
}

void serial_flush(struct serial *s)
{
    if (s && s->out_len)
        js_console_write(s->out, s->out_len);
    if (s)
        s->out_len = 0;
}

static void serial_write(void *opaque, uint8_t byte)
{
    struct serial *s = opaque;
    if (s->out_len == sizeof s->out)
        serial_flush(s);
    s->out[s->out_len++] = byte;
}

static int serial_read(void *opaque)
{
    struct serial *s = opaque;
    if (s->tail == s->head)
        return -1;
    return s->ring[s->tail++ % INPUT_BUFFER];
}

static void push_input(struct serial *s, unsigned char c)
{
    if (s->head - s->tail < INPUT_BUFFER)
        s->ring[s->head++ % INPUT_BUFFER] = c;
}

/* QEMU's escapes: Ctrl-A then a command letter. Unknown commands are dropped. */
static void take_input(struct serial *s, unsigned char c)
{
    if (s->escape_pending) {
        s->escape_pending = false;
        if (c == 'x' || c == 'X') {
            s->quit = true;
        } else if (c == 'h' || c == 'H' || c == '?') {
            serial_flush(s);
            show("\r\nC-a h    print this help\r\n"
                 "C-a x    stop the machine (the disk is flushed)\r\n"
                 "C-a C-a  send C-a to the guest\r\n");
        } else if (c == ESCAPE_CHAR) {
            push_input(s, c);
        }
        return;
    }
    if (c == ESCAPE_CHAR)
        s->escape_pending = true;
    else
        push_input(s, c);
}

/* What the page's terminal was typed (UTF-8 bytes); the page then wakes the loop. */
EMSCRIPTEN_KEEPALIVE void web_console_input(const unsigned char *bytes, unsigned len)
{
    if (!console)
        return;
    for (unsigned i = 0; i < len; i++)
        take_input(console, bytes[i]);
}

struct serial *serial_open(const char *spec, char *err, size_t errlen)
{
    (void)spec;
    struct serial *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    console = s;
    return s;
}

void serial_close(struct serial *s)
{
    if (!s)
        return;
    serial_flush(s);
    if (console == s)
        console = NULL;
    free(s);
}

struct chardev serial_chardev(struct serial *s)
{
    return (struct chardev){ .opaque = s, .write = serial_write, .read = serial_read };
}

void serial_pollfd(const struct serial *s, struct pollfd *p)
{
    (void)s;
    p->fd = -1;                 /* input comes from the page, not from a descriptor */
    p->events = 0;
    p->revents = 0;
}

void serial_pump(struct serial *s)
{
    (void)s;                    /* web_console_input has put it in the ring already */
}

bool serial_has_input(const struct serial *s)
{
    return s && s->head != s->tail;
}

bool serial_quit_requested(const struct serial *s)
{
    return s && s->quit;
}

/* Start again after Ctrl-A x stopped the machine and the page booted it anew. */
void web_console_rearm(struct serial *s)
{
    s->quit = false;
    s->escape_pending = false;
}

void serial_attach_monitor(struct serial *s, struct monitor *mon)
{
    (void)s;
    (void)mon;                  /* the page has no monitor */
}

int serial_pty_open(char *path, size_t pathlen)
{
    (void)path;
    (void)pathlen;
    errno = ENOSYS;
    return -1;
}
