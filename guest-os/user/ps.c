/* ps: the process table. */
#include "user.h"

int main(void)
{
    static struct kite_procinfo p[32];
    int n = procs(p, 32);
    printf("  PID  PPID STATE      MEM NAME\n");
    for (int i = 0; i < n; i++)
        printf("%5d %5d %-9s %5uK %s\n", p[i].pid, p[i].ppid, p[i].state, p[i].mem / 1024,
               p[i].name);
    return 0;
}
