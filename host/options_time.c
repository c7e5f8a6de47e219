#define _GNU_SOURCE             /* timegm */
#include "host/options_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char time_help[] =
    "  -icount [shift=]N|auto[,sleep=on|off][,rr=record|replay,rrfile=F]\n"
    "                 guest time from instructions (each 2^N ns; auto: 0): the same\n"
    "                 input gives the same run. sleep=off skips idle time at once;\n"
    "                 sleep=on (the default) sleeps it in real time first\n"
    "  --deterministic  -icount shift=0,sleep=off\n"
    "  --record FILE, --replay FILE\n"
    "                 record the run's input (console, keys, mouse) with the moment\n"
    "                 each came in, or replay it: the same run again, exactly\n"
    "  -rtc base=utc|localtime|DATE[,clock=vm]\n"
    "                 where the RTC starts (under -icount: 2024-01-01 unless given)\n";

/* Split "key=value" at the first '=' into key (NUL-terminated copy) and value. */
static const char *split_key(const char *item, char *key, size_t keylen)
{
    const char *eq = strchr(item, '=');
    size_t n = eq ? (size_t)(eq - item) : strlen(item);
    if (n >= keylen)
        n = keylen - 1;
    memcpy(key, item, n);
    key[n] = 0;
    return eq ? eq + 1 : NULL;
}

/* The comma-separated items of `v`, one at a time into `item`; NULL after the last. */
static const char *next_item(const char *v, char *item, size_t len)
{
    if (!*v)
        return NULL;
    const char *comma = strchr(v, ',');
    size_t n = comma ? (size_t)(comma - v) : strlen(v);
    if (n >= len)
        n = len - 1;
    memcpy(item, v, n);
    item[n] = 0;
    return comma ? comma + 1 : v + strlen(v);
}

static int on_off(const char *opt, const char *key, const char *v, bool *out, char *err,
                  size_t errlen)
{
    if (v && (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")))
        *out = true;
    else if (v && (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")))
        *out = false;
    else {
        snprintf(err, errlen, "%s: %s wants on or off", opt, key);
        return -1;
    }
    return 0;
}

static int parse_shift(const char *v, unsigned *shift, char *err, size_t errlen)
{
    /* auto: QEMU adapts the shift to the host's speed, which would make a run depend on
     * the host; rvbox keeps 0 (1 ns an instruction) so that runs stay reproducible. */
    if (!strcmp(v, "auto")) {
        *shift = 0;
        return 0;
    }
    char *end;
    unsigned long n = strtoul(v, &end, 10);
    if (!*v || *end || n > 10) {
        snprintf(err, errlen, "-icount shift=%s: want a number from 0 to 10, or auto", v);
        return -1;
    }
    *shift = (unsigned)n;
    return 0;
}

int options_parse_icount(struct time_options *t, const char *v, char *err, size_t errlen)
{
    char item[4096], key[32];
    t->icount = true;
    t->shift = 0;
    t->sleep = true;            /* QEMU's default */
    bool first = true;
    for (const char *p = v; (p = next_item(p, item, sizeof item)); first = false) {
        const char *val = split_key(item, key, sizeof key);
        if (!val && first) {    /* -icount 3: the shift alone */
            if (parse_shift(item, &t->shift, err, errlen))
                return -1;
        } else if (!val) {
            snprintf(err, errlen, "-icount: %s wants a value (%s=...)", item, item);
            return -1;
        } else if (!strcmp(key, "shift")) {
            if (parse_shift(val, &t->shift, err, errlen))
                return -1;
        } else if (!strcmp(key, "sleep")) {
            if (on_off("-icount", key, val, &t->sleep, err, errlen))
                return -1;
        } else if (!strcmp(key, "align")) {
            bool align;
            if (on_off("-icount", key, val, &align, err, errlen))
                return -1;
            if (align) {
                snprintf(err, errlen, "-icount align=on: not supported (rvbox does not "
                         "slow the guest down to real time; sleep=on paces idle time)");
                return -1;
            }
        } else if (!strcmp(key, "rr")) {
            if (!strcmp(val, "record"))
                t->rr = RR_RECORD;
            else if (!strcmp(val, "replay"))
                t->rr = RR_REPLAY;
            else if (!strcmp(val, "off"))
                t->rr = RR_NONE;
            else {
                snprintf(err, errlen, "-icount rr=%s: want record or replay", val);
                return -1;
            }
        } else if (!strcmp(key, "rrfile")) {
            free(t->rrfile);
            if (!(t->rrfile = strdup(val))) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
        } else if (!strcmp(key, "rrsnapshot")) {
            snprintf(err, errlen, "-icount rrsnapshot=: not supported (a recording starts "
                     "at boot)");
            return -1;
        } else {
            snprintf(err, errlen, "-icount: unknown key %s (shift, sleep, align, rr, rrfile)",
                     key);
            return -1;
        }
    }
    return 0;
}

void options_deterministic(struct time_options *t)
{
    t->icount = true;
    t->shift = 0;
    t->sleep = false;
}

int options_record(struct time_options *t, enum rr_option rr, const char *file, char *err,
                   size_t errlen)
{
    t->rr = rr;
    free(t->rrfile);
    if (!(t->rrfile = strdup(file))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* QEMU's date forms: 2006-06-17T16:01:21 or 2006-06-17, UTC. */
static int parse_date(const char *v, int64_t *out)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int n = 0, used = 0;
    if (sscanf(v, "%d-%d-%dT%d:%d:%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &used) == 6 && !v[used])
        n = 6;
    else if (sscanf(v, "%d-%d-%d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &used) == 3 &&
             !v[used])
        n = 3;
    if (!n || tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
        tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (int64_t)timegm(&tm);
    return 0;
}

int options_parse_rtc(struct time_options *t, const char *v, char *err, size_t errlen)
{
    char item[256], key[32];
    for (const char *p = v; (p = next_item(p, item, sizeof item));) {
        const char *val = split_key(item, key, sizeof key);
        if (!val) {
            snprintf(err, errlen, "-rtc: %s wants a value (%s=...)", item, item);
            return -1;
        }
        if (!strcmp(key, "base")) {
            if (!strcmp(val, "utc"))
                t->rtc_base = RTC_BASE_UTC;
            else if (!strcmp(val, "localtime"))
                t->rtc_base = RTC_BASE_LOCALTIME;
            else if (!parse_date(val, &t->rtc_date))
                t->rtc_base = RTC_BASE_DATE;
            else {
                snprintf(err, errlen, "-rtc base=%s: want utc, localtime or a date "
                         "(2006-06-17T16:01:21 or 2006-06-17)", val);
                return -1;
            }
        } else if (!strcmp(key, "clock")) {
            if (!strcmp(val, "vm"))
                t->rtc_host_clock = false;
            else if (!strcmp(val, "host") || !strcmp(val, "rt"))
                t->rtc_host_clock = true;
            else {
                snprintf(err, errlen, "-rtc clock=%s: want host, rt or vm", val);
                return -1;
            }
        } else if (!strcmp(key, "driftfix")) {
            if (strcmp(val, "none") && strcmp(val, "slew")) {
                snprintf(err, errlen, "-rtc driftfix=%s: want none or slew", val);
                return -1;
            }
        } else {
            snprintf(err, errlen, "-rtc: unknown key %s (base, clock, driftfix)", key);
            return -1;
        }
    }
    return 0;
}

int options_check_time(struct time_options *t, char *err, size_t errlen)
{
    if (t->rr != RR_NONE && !t->rrfile) {
        snprintf(err, errlen, "-icount rr=%s needs rrfile=FILE",
                 t->rr == RR_RECORD ? "record" : "replay");
        return -1;
    }
    /* A recording without -icount: guest time from instructions, idle time passing in
     * real time as a person at the console expects (QEMU's sleep=on). */
    if (t->rr != RR_NONE && !t->icount) {
        options_deterministic(t);
        t->sleep = true;
    }
    if (t->icount && t->rtc_host_clock) {
        snprintf(err, errlen, "-rtc clock=host with -icount: the RTC would follow the host "
                 "and the run would not be reproducible (use clock=vm)");
        return -1;
    }
    return 0;
}

uint64_t options_rtc_start(const struct time_options *t, uint64_t now)
{
    switch (t->rtc_base) {
    case RTC_BASE_DATE:
        return (uint64_t)t->rtc_date * 1000000000u;
    case RTC_BASE_LOCALTIME: {
        time_t s = (time_t)(now / 1000000000u);
        struct tm tm;
        localtime_r(&s, &tm);
        return now + (uint64_t)((int64_t)tm.tm_gmtoff * 1000000000);
    }
    case RTC_BASE_UTC:
        return now;
    case RTC_BASE_DEFAULT:
        break;
    }
    return t->icount ? (uint64_t)RTC_DETERMINISTIC_EPOCH * 1000000000u : now;
}

void options_free_time(struct time_options *t)
{
    free(t->rrfile);
    t->rrfile = NULL;
}

int time_option(struct time_options *t, const char *name, int *i, int argc, char **argv,
                char *err, size_t errlen)
{
    if (!strcmp(name, "-deterministic")) {
        options_deterministic(t);
        return 1;
    }
    bool icount = !strcmp(name, "-icount"), rtc = !strcmp(name, "-rtc");
    bool rec = !strcmp(name, "-record"), play = !strcmp(name, "-replay");
    if (!icount && !rtc && !rec && !play)
        return 0;
    if (*i + 1 >= argc) {
        snprintf(err, errlen, "%s needs a value (try --help)", argv[*i]);
        return -1;
    }
    const char *v = argv[++*i];
    int rc;
    if (icount)
        rc = options_parse_icount(t, v, err, errlen);
    else if (rtc)
        rc = options_parse_rtc(t, v, err, errlen);
    else
        rc = options_record(t, rec ? RR_RECORD : RR_REPLAY, v, err, errlen);
    return rc ? -1 : 1;
}
