/*
 * The goldfish RTC (`google,goldfish-rtc`) as on QEMU's virt: wall-clock time in
 * nanoseconds since the Unix epoch, and an alarm.
 *
 *   0x00 TIME_LOW     read: low 32 bits of now; latches the high half for TIME_HIGH
 *   0x04 TIME_HIGH    read: the latched high half. Writes to LOW then HIGH set the time.
 *   0x08 ALARM_LOW    write: arms the alarm at (ALARM_HIGH << 32 | value)
 *   0x0c ALARM_HIGH
 *   0x10 IRQ_ENABLED  bit 0
 *   0x14 CLEAR_ALARM  write: disarm
 *   0x18 ALARM_STATUS read: 1 while armed
 *   0x1c CLEAR_INTERRUPT  write: lower the line
 *
 * Time = the wall-clock time the host gave at creation + the machine clock's progress, so
 * the guest's wall clock runs with the machine's one clock.
 */
#ifndef RVBOX_RTC_H
#define RVBOX_RTC_H

#include <stdint.h>

#include "bus/bus.h"
#include "devices/clock.h"
#include "devices/irq.h"

struct rtc;

struct rtc *rtc_create(const struct clock *clock, uint64_t wall_ns_at_tick0, struct irq_line irq);
void rtc_destroy(struct rtc *r);
enum bus_error rtc_attach(struct rtc *r, struct bus *bus, uint32_t base);

/* Fire the alarm if its time has come: called between runs of the harts. */
void rtc_update(struct rtc *r);

/* Call `rearm` after every write that can move the alarm's deadline (the time, the
 * alarm): the run in progress ends there, so the next is sized for the new deadline. */
void rtc_set_rearm(struct rtc *r, void (*rearm)(void *opaque), void *opaque);

/* The alarm's time in clock ticks, UINT64_MAX if none armed. */
uint64_t rtc_next_deadline(const struct rtc *r);

#endif
