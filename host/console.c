#include "host/console.h"

#include <errno.h>
#include <unistd.h>

/* Unbuffered: a guest's output appears as it is written, even through a pipe. */
static void stdout_write(void *opaque, uint8_t byte)
{
    (void)opaque;
    while (write(STDOUT_FILENO, &byte, 1) < 0 && errno == EINTR)
        ;
}

static int no_input(void *opaque)
{
    (void)opaque;
    return -1;
}

struct chardev console_stdio(void)
{
    return (struct chardev){ .opaque = NULL, .write = stdout_write, .read = no_input };
}
