/*
 * A character backend: how a device that speaks bytes (the UART, HTIF's console) reaches
 * the outside world. host/ fills it in (a terminal, a pipe, a socket, a file); tests fill
 * it with a buffer.
 */
#ifndef RVBOX_CHARDEV_H
#define RVBOX_CHARDEV_H

#include <stdint.h>

struct chardev {
    void *opaque;
    /* Send one byte out of the machine. */
    void (*write)(void *opaque, uint8_t byte);
    /* The next byte into the machine, or -1 when none is waiting. Never blocks. */
    int (*read)(void *opaque);
};

#endif
