/* trace MASK COMMAND [ARGS...]: run COMMAND with system-call tracing on for the calls
 * in MASK (labs/syscall). Makes system call 25 itself, so it builds before the kernel
 * has the call. */
#include "user.h"

static int call_trace(int mask)
{
    register int a0 __asm__("a0") = mask;
    register int a7 __asm__("a7") = 25;         /* SYS_trace */
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    return a0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(2, "usage: trace MASK COMMAND [ARGS...]\n");
        return 1;
    }
    if (call_trace(atoi(argv[1])) < 0) {
        fprintf(2, "trace: the kernel has no trace system call\n");
        return 1;
    }
    exec(argv[2], argv + 2);
    if (!strchr(argv[2], '/')) {
        char path[64] = "/";
        strcpy(path + 1, argv[2]);
        exec(path, argv + 2);
    }
    fprintf(2, "trace: %s: not found\n", argv[2]);
    return 1;
}
