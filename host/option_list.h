/*
 * QEMU's comma-separated option values, "head,key=value,flag", with ",," a comma inside
 * an item: split into keys and values, for host/options.c and host/options_net.c.
 */
#ifndef RVBOX_OPTION_LIST_H
#define RVBOX_OPTION_LIST_H

#include <stddef.h>

#define OPTION_LIST_ITEMS 48

struct option_list {
    unsigned n;
    struct { char *key, *value; } it[OPTION_LIST_ITEMS];    /* value NULL: "key" alone */
    char buf[8192];
};

/* Split `text` (the value of option `opt`, for messages) into l; -1 with a one-line
 * reason when it is too long or has too many items. */
int option_list_split(const char *opt, const char *text, struct option_list *l, char *err,
                      size_t errlen);

#endif
