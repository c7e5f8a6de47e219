/* lazytest: checks for lazy heap allocation (labs/lazy). Each test prints
 * "lazytest: NAME: OK" or "lazytest: NAME: FAILED (why)". */
#include "user.h"

#define MiB (1024 * 1024)
#define PAGE 4096

static int failed;

static void result(const char *name, const char *why)
{
    if (why) {
        printf("lazytest: %s: FAILED (%s)\n", name, why);
        failed = 1;
    } else {
        printf("lazytest: %s: OK\n", name);
    }
}

/* Bytes of user memory this process has mapped (as ps shows them). */
static unsigned my_memory(void)
{
    static struct kite_procinfo p[32];
    int n = procs(p, 32), me = getpid();
    for (int i = 0; i < n; i++)
        if (p[i].pid == me)
            return p[i].mem;
    return 0;
}

static void big_heap(void)
{
    unsigned before = my_memory();
    char *a = sbrk(126 * MiB);
    if (a == (char *)-1) {
        result("a heap of 126 MiB", "sbrk failed");
        return;
    }
    a[0] = 1;
    a[63 * MiB] = 2;
    a[126 * MiB - 1] = 3;
    if (a[0] != 1 || a[63 * MiB] != 2 || a[126 * MiB - 1] != 3 || a[PAGE] != 0) {
        result("a heap of 126 MiB", "the bytes written did not read back");
        return;
    }
    unsigned used = my_memory() - before;
    if (used > 64 * 1024) {
        result("a heap of 126 MiB", "more than the pages touched are mapped");
        return;
    }
    if (sbrk(-126 * MiB) == (char *)-1) {
        result("a heap of 126 MiB", "sbrk(-126 MiB) failed");
        return;
    }
    result("a heap of 126 MiB", 0);
}

static void read_into_heap(void)
{
    char *buf = sbrk(3 * PAGE);
    char check[600];
    int fd = open("README", O_RDONLY);
    if (buf == (char *)-1 || fd < 0) {
        result("read() into untouched heap pages", "sbrk or open failed");
        return;
    }
    /* 600 bytes from 100 bytes before a page boundary: two pages never touched */
    int n = read(fd, buf + PAGE - 100, 600);
    close(fd);
    fd = open("README", O_RDONLY);
    int m = read(fd, check, 600);
    close(fd);
    if (n != 600 || m != 600) {
        result("read() into untouched heap pages", "read did not read 600 bytes");
        return;
    }
    for (int i = 0; i < 600; i++) {
        if (buf[PAGE - 100 + i] != check[i]) {
            result("read() into untouched heap pages", "the bytes differ");
            return;
        }
    }
    result("read() into untouched heap pages", 0);
}

static void above_break(void)
{
    int pid = fork();
    if (pid == 0) {
        char *top = sbrk(0);
        top[16 * PAGE] = 1;     /* not heap: the process must die here */
        exit(0);
    }
    int status = 0;
    wait(&status);
    result("a store above the break kills the process", status == -1 ? 0 : "it lived on");
}

static void fork_heap(void)
{
    char *c = sbrk(MiB);
    c[0] = 'x';
    int pid = fork();
    if (pid == 0) {
        if (c[0] != 'x')
            exit(1);
        c[100 * PAGE] = 'y';    /* never touched by the parent */
        exit(c[100 * PAGE] == 'y' && c[99 * PAGE] == 0 ? 0 : 2);
    }
    int status = 1;
    wait(&status);
    result("fork of a half-touched heap", status == 0 ? 0 : "the child saw the wrong bytes");
    sbrk(-MiB);
}

static void shrink(void)
{
    struct kite_meminfo before, after;
    meminfo(&before);
    char *d = sbrk(8 * MiB);
    for (int i = 0; i < 8 * MiB; i += PAGE)
        d[i] = 1;
    sbrk(-8 * MiB);
    meminfo(&after);
    int lost = (int)before.free_pages - (int)after.free_pages;
    result("sbrk down gives the pages back", lost < 8 ? 0 : "free memory did not come back");
}

int main(void)
{
    big_heap();
    read_into_heap();
    above_break();
    fork_heap();
    shrink();
    printf(failed ? "lazytest: some tests FAILED\n" : "lazytest: all tests passed\n");
    return failed;
}
