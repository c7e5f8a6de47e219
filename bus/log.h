/*
 * The machine's log of guest errors and unimplemented features (QEMU's LOG_GUEST_ERROR
 * and LOG_UNIMP, `-d guest_errors` and `-d unimp`): how the hart and the devices tell
 * the host what a guest did wrong, or used that rvbox lacks, without knowing the host.
 *
 * Each bus holds one log (bus_log()); the hart and every device reach it through the bus
 * they were given. The host fills in the sink and says which kinds it wants (host/trace.c
 * does, for -d); until then, and for kinds it did not ask for, a report costs one test
 * and formats nothing. Reports are never fatal, and the core never limits them: the
 * sink does (host/trace.c prints a few of each kind of message, then counts them).
 */
#ifndef RVBOX_LOG_H
#define RVBOX_LOG_H

#include <stdbool.h>

enum guest_log_kind {
    GUEST_LOG_ERROR = 1u << 0,  /* the guest did something wrong: -d guest_errors */
    GUEST_LOG_UNIMP = 1u << 1,  /* it used something rvbox does not implement: -d unimp */
};

struct guest_log {
    unsigned mask;              /* the kinds the host wants (GUEST_LOG_*); 0: none */
    /* One report, formatted, without a newline. `site` is the format it came from: the
     * same for every report of one kind of event, so a sink can limit each kind. */
    void (*sink)(void *opaque, enum guest_log_kind kind, const char *site, const char *msg);
    void *opaque;
};

static inline bool guest_log_on(const struct guest_log *log, enum guest_log_kind kind)
{
    return log && (log->mask & kind) && log->sink;
}

/* Format and hand one report to the sink (call through GUEST_LOG). */
void guest_log_print(const struct guest_log *log, enum guest_log_kind kind, const char *fmt,
                     ...) __attribute__((format(printf, 3, 4)));

/* Report, if the host wants this kind: the arguments are evaluated only then. */
#define GUEST_LOG(log, kind, ...)                                                          \
    do {                                                                                   \
        if (guest_log_on((log), (kind)))                                                   \
            guest_log_print((log), (kind), __VA_ARGS__);                                   \
    } while (0)

#endif
