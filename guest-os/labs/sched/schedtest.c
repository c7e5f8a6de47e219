/* schedtest: checks for the priority scheduler (labs/sched). Prints what the children
 * do, in the order they do it; labs/sched/checks.py reads the order. */
#include "user.h"

#define ROUND 3000000           /* iterations: some tens of milliseconds */

static int setprio(int pid, int prio)
{
    register int a0 __asm__("a0") = pid;
    register int a1 __asm__("a1") = prio;
    register int a7 __asm__("a7") = 26;         /* SYS_setprio */
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
    return a0;
}

static void burn(int rounds)
{
    for (int r = 0; r < rounds; r++)
        for (volatile int i = 0; i < ROUND; i++)
            ;
}

/* A child that burns CPU and says so after each of its rounds. */
static int spinner(const char *name, int rounds)
{
    int pid = fork();
    if (pid == 0) {
        for (int r = 1; r <= rounds; r++) {
            burn(1);
            printf("%s %d\n", name, r);
        }
        exit(0);
    }
    return pid;
}

int main(void)
{
    /* The parent goes first, so the children it makes wait until it sleeps in wait(). */
    if (setprio(getpid(), 0) < 0) {
        printf("schedtest: setprio failed\n");
        return 1;
    }
    if (setprio(99999, 3) != -1 || setprio(getpid(), 10) != -1 || setprio(getpid(), -1) != -1) {
        printf("schedtest: setprio accepted a bad pid or priority\n");
        return 1;
    }
    printf("schedtest: order\n");
    int low = spinner("low", 3);
    setprio(low, 8);
    int high = spinner("high", 3);
    setprio(high, 2);
    while (wait(0) >= 0)
        ;

    printf("schedtest: sleeper\n");
    low = spinner("busy", 20);
    setprio(low, 8);
    int sleeper = fork();
    if (sleeper == 0) {
        for (int r = 1; r <= 3; r++) {
            sleep(150);
            printf("sleeper %d\n", r);
        }
        exit(0);
    }
    setprio(sleeper, 2);
    while (wait(0) >= 0)
        ;
    printf("schedtest: done\n");
    return 0;
}
