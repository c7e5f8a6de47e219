#include "host/term.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved;
static volatile sig_atomic_t is_raw;

void term_restore(void)
{
    if (is_raw) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        is_raw = 0;
    }
}

/* A crash must not leave the user's terminal raw: restore, then die as we would have. */
static void on_fatal(int sig)
{
    term_restore();
    signal(sig, SIG_DFL);
    raise(sig);
}

bool term_raw(void)
{
    if (is_raw)
        return true;
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) != 0)
        return false;
    struct termios raw = saved;
    raw.c_iflag &= ~(unsigned)(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    raw.c_lflag &= ~(unsigned)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cflag &= ~(unsigned)(CSIZE | PARENB);
    raw.c_cflag |= CS8;
    raw.c_oflag |= OPOST | ONLCR;           /* as QEMU: guests that print bare \n stay readable */
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0)
        return false;
    is_raw = 1;
    static bool hooked;
    if (!hooked) {
        hooked = true;
        atexit(term_restore);
        static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
        for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_fatal;
            sigaction(fatal[i], &sa, NULL);
        }
    }
    return true;
}
