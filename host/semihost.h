/*
 * Semihosting: the host's side of the RISC-V semihosting calls (the
 * `slli x0,x0,0x1f; ebreak; srai x0,x0,7` sequence, a0 = operation, a1 = parameter,
 * result in a0), as QEMU's `-semihosting` serves them and picolibc's and newlib's
 * semihost libraries make them: SYS_OPEN, CLOSE, WRITEC, WRITE0, WRITE, READ, READC,
 * ISERROR, ISTTY, SEEK, FLEN, REMOVE, RENAME, CLOCK, TIME, ERRNO, GET_CMDLINE, HEAPINFO,
 * EXIT, EXIT_EXTENDED, ELAPSED, TICKFREQ, and the ":semihosting-features" file.
 * SYS_SYSTEM and SYS_TMPNAM are refused (-1).
 *
 * The hart calls semihost_call through hart_set_semihosting (cpu/hart.h); the guest's
 * parameter blocks and buffers are read and written through the hart's own view of
 * memory (its translation as it stands, without setting A/D bits), in RAM only: an
 * address that is not mapped, not writable for a write, or not RAM fails the call with
 * EFAULT, as QEMU does, and raises nothing in the guest.
 *
 * Host files: a guest's path is looked up beneath one directory, the current one unless
 * `-semihosting-config root=DIR` names another: `..`, absolute paths outside it and
 * symbolic links leading out are refused (EACCES), so a guest cannot reach the rest of
 * the host. `root=/` gives QEMU's unrestricted access.
 *
 * The console (":tt", WRITEC, WRITE0, READC): the chardev that
 * `-semihosting-config chardev=ID` names, else rvbox's own standard input and output
 * (as QEMU). Input is read when the guest asks for it, the run waiting meanwhile; on
 * stdin it races with a serial console on stdio, so give -serial none (or another
 * -serial) to a guest that reads its console through semihosting, as with QEMU.
 */
#ifndef RVBOX_SEMIHOST_H
#define RVBOX_SEMIHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;
struct serial;

/* -semihosting, -semihosting-config enable=on|off,target=native|auto,chardev=ID,
 * userspace=on|off,arg=ARG...,root=DIR (root is rvbox's). */
struct semihost_options {
    bool enabled;
    bool userspace;             /* calls from U-mode too (QEMU's userspace=on) */
    const char *chardev;        /* the console's chardev id, or NULL */
    const char *root;           /* host files beneath this directory; NULL: "." */
    char *args;                 /* arg=... joined by spaces (owned), or NULL */
};

/* An option of the list above: 1 if it was one (and was taken), 0 if not ours, -1 on a
 * bad value (message in err). `name` has one leading dash. */
int semihost_option(struct semihost_options *o, const char *name, int *i, int argc,
                    char **argv, char *err, size_t errlen);
void semihost_options_free(struct semihost_options *o);

extern const char semihost_help[];

struct semihost;

/* `cmdline`: what SYS_GET_CMDLINE answers (copied). `console`: the serial device the
 * console goes to, or NULL for rvbox's stdin/stdout/stderr; `serial`: the serial
 * console, whose output is flushed before the semihosting console writes (so the two
 * stay in order); either may be NULL. NULL with a reason in err (the root directory
 * cannot be opened). */
struct semihost *semihost_create(const struct semihost_options *o, const char *cmdline,
                                 struct serial *console, struct serial *serial, char *err,
                                 size_t errlen);
void semihost_destroy(struct semihost *s);

/* Serve the calls of this machine's hart (after every boot): SYS_HEAPINFO answers
 * [heap_base, heap_limit), the largest stretch of RAM no image occupies. Open files
 * stay open across reboots. */
void semihost_attach(struct semihost *s, struct machine *m, uint32_t heap_base,
                     uint32_t heap_limit);

#endif
