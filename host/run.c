#include "host/run.h"

#include <poll.h>
#include <signal.h>
#include <string.h>

#include "devices/machine.h"
#include "host/gdbstub.h"
#include "host/serial.h"
#include "host/window.h"

/* Instructions between looks at the host: small enough that input, signals and timers
 * are served within about a millisecond, large enough to cost nothing. */
#define RUN_SLICE 100000

/* The longest an idle machine sleeps without looking at signals again. */
#define IDLE_MAX_MS 100

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
}

int run_signal(void)
{
    return stop_signal;
}

/* The guest waits for an interrupt: sleep until its next timer event, serial input,
 * the debugger (Ctrl-C, a connection) or the window's next frame, so that an idle guest
 * costs no host CPU. */
static void idle_wait(struct machine *m, const struct run_io *io)
{
    uint64_t ns = machine_next_event_ns(m);
    int ms = ns >= (uint64_t)IDLE_MAX_MS * 1000000 ? IDLE_MAX_MS : (int)((ns + 999999) / 1000000);
    if (io->window) {
        int w = window_timeout_ms(io->window);
        if (w < ms)
            ms = w;
    }
    struct pollfd pfd[2] = {    /* poll() skips a negative fd */
        { .fd = serial_input_fd(io->serial), .events = POLLIN },
        { .fd = gdbstub_fd(io->gdb), .events = POLLIN },
    };
    poll(pfd, 2, ms);
}

enum run_end run_machine(struct machine *m, const struct run_io *io)
{
    bool ran = true;                    /* the guest ran since the last frame */
    for (;;) {
        if (stop_signal)
            return RUN_SIGNAL;
        serial_pump(io->serial);
        if (serial_quit_requested(io->serial))
            return RUN_QUIT;
        if (io->window) {
            if (window_pump(io->window))
                return RUN_QUIT;        /* closing the window powers the machine off */
            window_redraw(io->window, ran);
            ran = false;
        }
        long budget = io->gdb ? gdbstub_poll(io->gdb, RUN_SLICE) : RUN_SLICE;
        if (budget == GDBSTUB_KILL)
            return RUN_QUIT;
        if (budget == 0) {              /* held by the debugger: sleep until it speaks */
            gdbstub_wait(io->gdb, io->window ? window_timeout_ms(io->window) : IDLE_MAX_MS);
            continue;
        }
        enum machine_state state = machine_run(m, (uint64_t)budget);
        ran |= machine_last_retired(m) > 0;
        if (io->gdb)
            gdbstub_ran(io->gdb, machine_last_stop(m));
        switch (state) {
        case MACHINE_EXITED:
            return RUN_EXITED;
        case MACHINE_REBOOT:
            return RUN_REBOOT;
        case MACHINE_IDLE:
            idle_wait(m, io);
            break;
        case MACHINE_RUNNING:
            break;
        }
    }
}
