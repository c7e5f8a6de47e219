/*
 * The run loop (host/run.h).
 *
 * Each turn looks at the host (signals, serial input, the window, the debugger), then
 * runs the guest for one slice. A slice ends at the earliest of the next timer deadline
 * and SLICE_NS of host time. The hart counts instructions, not time, so the loop turns
 * time into a budget of instructions with the speed it measured over the last slices
 * (the pacer), and comes to a deadline in shrinking steps so that a wrong guess of the
 * speed makes the interrupt late by microseconds, not by a whole slice. A write that
 * moves a deadline ends the slice at once (clint_set_rearm), so the next one is sized
 * for the new deadline.
 *
 * When the hart waits in WFI the loop sleeps in ppoll() until the next deadline (to the
 * microsecond: the thread's timer slack is cut to 1 ns), serial input, the debugger or
 * the window's next frame, so an idle guest costs no host CPU.
 */
#define _GNU_SOURCE             /* ppoll */

#include "host/run.h"

#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "devices/machine.h"
#include "host/gdbstub.h"
#include "host/net.h"
#include "host/replay.h"
#include "host/monitor.h"
#include "host/serial.h"
#include "host/timeline.h"
#include "host/window.h"

/* The longest slice, in host time: how late input, signals and the window can be seen. */
#define SLICE_NS 1000000ull

/* The longest slice while serial input waits and the guest has room for it: the UART
 * takes a FIFO's worth (16 bytes) at the start of each slice, so this sets how fast a
 * paste flows in (160 KB/s), while leaving the guest time to consume each burst. */
#define INPUT_SLICE_NS 100000ull

/* The most network descriptors the sleep watches (the rest are looked at each turn). */
#define NET_POLL_MAX 64

/* The longest an idle machine sleeps without looking at signals again. */
#define IDLE_MAX_NS 100000000ull

/* Within this much of a deadline the slice aims at the deadline itself; further away it
 * aims at APPROACH_PERCENT of the way and measures again. */
#define APPROACH_NS 20000ull
#define APPROACH_PERCENT 75

/* The speed is measured over runs of slices adding up to at least this much host time,
 * so that short slices (near a deadline) count without their fixed costs dominating. */
#define PACE_SAMPLE_NS 2000000ull

/* The fewest instructions a slice runs. */
#define SLICE_MIN_INSNS 16

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void run_catch_signals(void)
{
    /* A serial peer that goes away (a closed pipe, a tcp client) is not a reason to die:
     * writes to it fail with EPIPE and the bytes are dropped. */
    signal(SIGPIPE, SIG_IGN);
    static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(sigs[i], &sa, NULL);
    }
#ifdef __linux__
    /* Sleeps end when asked, not up to 50 us later (the default slack): an idle guest's
     * timer interrupt is then late by the wake-up latency alone. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
#endif
}

int run_signal(void)
{
    return stop_signal;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How fast the hart has been running lately, to turn host time into instructions. It
 * starts low (a guess too low only makes the first slices short) and follows the speed
 * with a moving average, since guests change pace (boot, idle loops, heavy I/O). */
struct pacer {
    double ns_per_insn;
    uint64_t insns, ns;         /* the sample being gathered */
};

static void pacer_init(struct pacer *p)
{
    p->ns_per_insn = 20.0;      /* 50 MIPS */
    p->insns = p->ns = 0;
}

/* A slice ran `insns` instructions in `ns` of host time. Slices that ended in WFI count
 * too: the instructions before the wait ran at the hart's speed. */
static void pacer_measure(struct pacer *p, uint64_t insns, uint64_t ns)
{
    p->insns += insns;
    p->ns += ns;
    if (p->ns < PACE_SAMPLE_NS || p->insns == 0)
        return;
    double sample = (double)p->ns / (double)p->insns;
    p->ns_per_insn = p->ns_per_insn * 0.5 + sample * 0.5;
    p->insns = p->ns = 0;
}

/* Instructions to run before looking at the host again, given the host time until the
 * next timer event and the longest slice wanted now. */
static uint64_t pacer_budget(const struct pacer *p, uint64_t event_ns, uint64_t slice_ns)
{
    uint64_t aim = slice_ns;
    /* 0: the event is due already (the machine raises it before the hart runs) or a
     * device has work to do; either way a whole slice follows. */
    if (event_ns > 0 && event_ns < slice_ns * 100 / APPROACH_PERCENT)
        aim = event_ns <= APPROACH_NS ? event_ns : event_ns * APPROACH_PERCENT / 100;
    uint64_t n = (uint64_t)((double)aim / p->ns_per_insn);
    return n < SLICE_MIN_INSNS ? SLICE_MIN_INSNS : n;
}

/* Sleep until the machine's next event, serial input, the monitor, the debugger, the
 * window's next frame, a network socket or timer, or IDLE_MAX_NS, whichever comes
 * first. */
static void host_wait(const struct run_io *io, uint64_t ns)
{
    if (ns > IDLE_MAX_NS)
        ns = IDLE_MAX_NS;
    uint64_t k = monitor_next_event_ns(io->monitor);
    if (k < ns)
        ns = k;
    if (io->window) {
        uint64_t w = (uint64_t)window_timeout_ms(io->window) * 1000000u;
        if (w < ns)
            ns = w;
    }
    struct pollfd pfd[3 + NET_POLL_MAX] = {    /* ppoll() skips a negative fd */
        { .fd = -1 },
        { .fd = gdbstub_fd(monitor_gdbstub(io->monitor)), .events = POLLIN },
        { .fd = -1 },
    };
    serial_pollfd(io->serial, &pfd[0]);
    monitor_pollfd(io->monitor, &pfd[2]);
    unsigned nnet = host_net_fill(io->net, pfd + 3, NET_POLL_MAX, &ns);
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
                           .tv_nsec = (long)(ns % 1000000000u) };
    int r = ppoll(pfd, 3 + nnet, &ts, NULL);
    host_net_poll(io->net, pfd + 3, nnet, r < 0);
}

/* Why the run must end now, if the user or a command asked: RUN_EXITED (0) if not. */
static enum run_end requested_end(const struct run_io *io)
{
    if (stop_signal)
        return RUN_SIGNAL;
    if (serial_quit_requested(io->serial))
        return RUN_QUIT;
    switch (monitor_take_request(io->monitor)) {
    case MONITOR_QUIT:
        return RUN_QUIT;
    case MONITOR_RESET:
        return RUN_REBOOT;
    case MONITOR_NONE:
        break;
    }
    return RUN_EXITED;
}

/* An idle machine under the instruction clock (-icount), whose time moves only when
 * the loop says so. The clock skips to the next event (machine_skip_idle) at once with
 * sleep=off; with sleep=on the host first sleeps as long as the guest time skipped,
 * so a guest's sleeps and timeouts take their real time. Serial input the guest has
 * room for ends the wait: the clock skips to the next service point, where the UART
 * takes it. Only when nothing at all is due does the host wait for input. `since` is
 * the host time the machine became idle at its position, 0 if it was not. */
static enum run_turn icount_idle(struct machine *m, const struct run_io *io, uint64_t *since,
                                 uint64_t *wait_ns, enum run_end *end)
{
    if (io->replay && replay_playing(io->replay)) {
        /* A replay does not sleep: the recording says how far the clock skipped. */
        char msg[512];
        switch (replay_idle(io->replay, msg, sizeof msg)) {
        case REPLAY_GO:
            return RUN_TURN_AGAIN;
        case REPLAY_END:
            fprintf(stderr, "rvbox: replay: the recording ends here (it was cut short)\n");
            *end = RUN_QUIT;
            return RUN_TURN_END;
        case REPLAY_DIVERGED:
            fprintf(stderr, "rvbox: %s\n", msg);
            *end = RUN_DIVERGED;
            return RUN_TURN_END;
        }
    }
    bool input = serial_has_input(io->serial) && machine_can_take_input(m);
    uint64_t ns = machine_next_event_ns(m);
    if (io->icount_sleep && !input && ns != UINT64_MAX) {
        uint64_t now = now_ns();
        if (!*since)
            *since = now;
        if (now - *since < ns) {
            *wait_ns = ns - (now - *since);
            return RUN_TURN_WAIT;       /* look at the host again, then come back */
        }
    }
    *since = 0;
    uint64_t from = machine_guest_ns(m);
    if (machine_skip_idle(m, input)) {
        if (io->replay)
            replay_warped(io->replay, from);
        return RUN_TURN_AGAIN;
    }
    *wait_ns = UINT64_MAX;              /* only input can wake the guest */
    return RUN_TURN_WAIT;
}

/* The loop's state from one turn to the next. */
struct run_loop {
    struct machine *m;
    const struct run_io *io;
    bool icount;
    uint64_t idle_since, idle_pos;
    bool ran;                           /* the guest ran since the last frame */
    bool held;                          /* by the monitor or the debugger */
    struct pacer pacer;
};

static void run_loop_init(struct run_loop *l, struct machine *m, const struct run_io *io)
{
    *l = (struct run_loop){ .m = m, .io = io, .icount = machine_icount(m),
                            .idle_since = 0, .idle_pos = UINT64_MAX, .ran = true };
    pacer_init(&l->pacer);
}

struct run_loop *run_loop_create(struct machine *m, const struct run_io *io)
{
    struct run_loop *l = malloc(sizeof *l);
    if (l)
        run_loop_init(l, m, io);
    return l;
}

void run_loop_destroy(struct run_loop *l)
{
    free(l);
}

enum run_turn run_turn(struct run_loop *l, uint64_t *wait_ns, enum run_end *end)
{
    struct machine *m = l->m;
    const struct run_io *io = l->io;
    char msg[512];
    serial_pump(io->serial);            /* Ctrl-A c: may run monitor commands */
    monitor_pump(io->monitor);
    host_net_pump(io->net);             /* its frames wait for the cards' next update */
    if ((*end = requested_end(io)) != RUN_EXITED)
        return RUN_TURN_END;
    if (io->window) {
        if (window_pump(io->window)) {
            *end = RUN_QUIT;            /* closing the window powers the machine off */
            return RUN_TURN_END;
        }
        window_redraw(io->window, l->ran);
        l->ran = false;
    }
    bool input = serial_has_input(io->serial) && machine_can_take_input(m);
    /* Under the instruction clock the machine itself ends a run at its events. */
    uint64_t budget = pacer_budget(&l->pacer, l->icount ? UINT64_MAX : machine_next_event_ns(m),
                                   input ? INPUT_SLICE_NS : SLICE_NS);
    struct gdbstub *gdb = monitor_gdbstub(io->monitor);
    long g = (long)budget;
    if (gdb) {
        g = gdbstub_poll(gdb, (long)budget);    /* may run `monitor` commands */
        if (g == GDBSTUB_KILL) {
            *end = RUN_QUIT;
            return RUN_TURN_END;
        }
        monitor_debugger_holds(io->monitor, g == 0);
        if ((*end = requested_end(io)) != RUN_EXITED)
            return RUN_TURN_END;
    }
    bool hold = g == 0 || monitor_stopped(io->monitor);
    if (hold != l->held) {
        l->held = hold;
        machine_hold_clock(m, hold);
        if (io->window)
            window_set_state(io->window, hold ? "paused" : "running");
    }
    if (hold) {                         /* sleep until someone speaks */
        *wait_ns = IDLE_MAX_NS;
        return RUN_TURN_WAIT;
    }
    budget = (uint64_t)g;
    timeline_tick(io->timeline);        /* before the boundary gives the input due now */
    if (io->replay) {
        enum replay_step step = replay_boundary(io->replay, msg, sizeof msg);
        if (step == REPLAY_END) {
            fprintf(stderr, "rvbox: replay: the recording ends here\n");
            *end = RUN_QUIT;
            return RUN_TURN_END;
        }
        if (step == REPLAY_DIVERGED) {
            fprintf(stderr, "rvbox: %s\n", msg);
            *end = RUN_DIVERGED;
            return RUN_TURN_END;
        }
        uint64_t limit = replay_limit(io->replay);
        if (limit < budget)
            budget = limit;
    }
    uint64_t start = now_ns();
    enum machine_state state = machine_run(m, budget);
    serial_flush(io->serial);           /* what the guest printed in this slice */
    uint64_t retired = machine_last_retired(m);
    pacer_measure(&l->pacer, retired, now_ns() - start);
    l->ran |= retired > 0;
    if (gdb)
        gdbstub_ran(gdb, machine_last_stop(m));
    switch (state) {
    case MACHINE_EXITED:
        *end = RUN_EXITED;
        return RUN_TURN_END;
    case MACHINE_REBOOT:
        *end = RUN_REBOOT;
        return RUN_TURN_END;
    case MACHINE_IDLE:
        if (!l->icount) {
            *wait_ns = machine_next_event_ns(m);
            return RUN_TURN_WAIT;
        }
        if (machine_position(m) != l->idle_pos)
            l->idle_since = 0;          /* idle somewhere new */
        l->idle_pos = machine_position(m);
        return icount_idle(m, io, &l->idle_since, wait_ns, end);
    case MACHINE_RUNNING:
        break;
    }
    return RUN_TURN_AGAIN;
}

enum run_end run_machine(struct machine *m, const struct run_io *io)
{
    struct run_loop l;
    run_loop_init(&l, m, io);
    for (;;) {
        uint64_t wait_ns;
        enum run_end end;
        switch (run_turn(&l, &wait_ns, &end)) {
        case RUN_TURN_END:
            return end;
        case RUN_TURN_WAIT:
            host_wait(io, wait_ns);
            break;
        case RUN_TURN_AGAIN:
            break;
        }
    }
}
