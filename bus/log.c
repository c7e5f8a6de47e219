#include "bus/log.h"

#include <stdarg.h>
#include <stdio.h>

void guest_log_print(const struct guest_log *log, enum guest_log_kind kind, const char *fmt,
                     ...)
{
    if (!guest_log_on(log, kind))
        return;
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log->sink(log->opaque, kind, fmt, msg);
}
