/* spin NAME [ROUNDS]: burn CPU in rounds of a fixed loop, printing after each. Two at
 * once both make progress only if the kernel preempts: no round makes a system call. */
#include "user.h"

#define ROUND 20000000         /* iterations: about a tenth of a second on rvbox (JIT) */

int main(int argc, char **argv)
{
    const char *name = argc > 1 ? argv[1] : "spin";
    int rounds = argc > 2 ? atoi(argv[2]) : 20;
    for (int r = 1; r <= rounds; r++) {
        for (volatile int i = 0; i < ROUND; i++)
            ;
        printf("%s %d\n", name, r);
    }
    return 0;
}
