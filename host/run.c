#include "host/run.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "devices/machine.h"

/* How many instructions between looks at the host: small enough that a signal or a
 * device is served within a millisecond or so, large enough to cost nothing. */
#define RUN_SLICE 100000

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The guest's exit code as a process status: 0 stays 0, anything else stays non-zero
 * (codes past 255 would wrap, so they become 255). */
static int exit_status(uint32_t code)
{
    if (code == 0)
        return 0;
    fprintf(stderr, "rvbox: guest exited with code %u\n", code);
    return code > 255 ? 255 : (int)code;
}

/* Idle: the hart waits for an interrupt. Nothing in the machine can raise one yet
 * without time passing, so sleep a little instead of spinning. */
static void idle_wait(void)
{
    struct timespec ts = { 0, 1000000 };        /* 1 ms */
    nanosleep(&ts, NULL);
}

int run_machine(struct machine *m)
{
    stop_signal = 0;
    catch_signals();
    for (;;) {
        if (stop_signal) {
            fprintf(stderr, "rvbox: stopped by signal %d\n", (int)stop_signal);
            return 128 + stop_signal;
        }
        switch (machine_run(m, RUN_SLICE)) {
        case MACHINE_EXITED:
            return exit_status(machine_exit_code(m));
        case MACHINE_IDLE:
            idle_wait();
            break;
        case MACHINE_RUNNING:
            break;
        }
    }
}
