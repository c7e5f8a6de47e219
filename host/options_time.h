/*
 * The options about time: -icount (QEMU's spelling: shift, sleep, rr, rrfile), the
 * short forms --deterministic, --record FILE and --replay FILE, and -rtc (base, clock).
 */
#ifndef RVBOX_OPTIONS_TIME_H
#define RVBOX_OPTIONS_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rr_option { RR_NONE, RR_RECORD, RR_REPLAY };
enum rtc_base { RTC_BASE_DEFAULT, RTC_BASE_UTC, RTC_BASE_LOCALTIME, RTC_BASE_DATE };

struct time_options {
    bool icount;                /* time from instructions: -icount and the short forms */
    unsigned shift;             /* each instruction 2^shift ns */
    bool sleep;                 /* sleep=on: idle time passes in real time, else skipped */
    enum rr_option rr;
    char *rrfile;               /* owned */
    enum rtc_base rtc_base;
    int64_t rtc_date;           /* RTC_BASE_DATE: seconds since 1970, UTC */
    bool rtc_host_clock;        /* clock=host or rt: not with -icount */
};

/* The fixed epoch a deterministic run's RTC starts from unless -rtc base= says:
 * 2024-01-01T00:00:00Z. */
#define RTC_DETERMINISTIC_EPOCH 1704067200

/* -icount [shift=]N|auto[,sleep=on|off][,align=off][,rr=record|replay,rrfile=F]. */
int options_parse_icount(struct time_options *t, const char *v, char *err, size_t errlen);

/* --deterministic: -icount shift=0,sleep=off. --record/--replay F: rr=record|replay,
 * rrfile=F, under -icount shift=0,sleep=on unless -icount or --deterministic says. */
void options_deterministic(struct time_options *t);
int options_record(struct time_options *t, enum rr_option rr, const char *file, char *err,
                   size_t errlen);

/* -rtc [base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew]. */
int options_parse_rtc(struct time_options *t, const char *v, char *err, size_t errlen);

/* After the whole command line: the combinations that cannot work. */
int options_check_time(struct time_options *t, char *err, size_t errlen);

/* The wall-clock time, ns since 1970, the RTC starts from: `now` is the host's. */
uint64_t options_rtc_start(const struct time_options *t, uint64_t now);

void options_free_time(struct time_options *t);

/* The --help lines of these options. */
extern const char time_help[];

/* One of the options above at argv[*i] (its value taken from argv[*i + 1]): 1 if it
 * was one, 0 if not, -1 on an error. `name` has one leading dash. */
int time_option(struct time_options *t, const char *name, int *i, int argc, char **argv,
                char *err, size_t errlen);

#endif
