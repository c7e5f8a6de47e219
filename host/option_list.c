/* QEMU's comma-separated option values (host/option_list.h). */
#include "host/option_list.h"

#include <stdio.h>
#include <string.h>

int option_list_split(const char *opt, const char *text, struct option_list *l, char *err,
                      size_t errlen)
{
    if (strlen(text) >= sizeof l->buf) {
        snprintf(err, errlen, "%s: too long", opt);
        return -1;
    }
    l->n = 0;
    char *out = l->buf;
    const char *p = text;
    for (;;) {
        if (l->n == OPTION_LIST_ITEMS) {
            snprintf(err, errlen, "%s %s: too many settings", opt, text);
            return -1;
        }
        l->it[l->n].key = out;
        l->it[l->n].value = NULL;
        while (*p && !(*p == ',' && p[1] != ',')) {
            if (*p == ',')
                p++;                    /* ",," */
            if (*p == '=' && !l->it[l->n].value) {
                *out++ = '\0';
                l->it[l->n].value = out;
                p++;
                continue;
            }
            *out++ = *p++;
        }
        *out++ = '\0';
        l->n++;
        if (!*p)
            return 0;
        p++;
    }
}
