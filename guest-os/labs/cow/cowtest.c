/* cowtest: checks for copy-on-write fork (labs/cow). Each test prints
 * "cowtest: NAME: OK" or "cowtest: NAME: FAILED (why)". */
#include "user.h"

#define PAGE 4096

static int failed;
#define NSHARED (3 * 1024)     /* three pages */
static int shared[NSHARED];
static char buf[2 * PAGE];

static void result(const char *name, const char *why)
{
    if (why) {
        printf("cowtest: %s: FAILED (%s)\n", name, why);
        failed = 1;
    } else {
        printf("cowtest: %s: OK\n", name);
    }
}

static unsigned free_pages(void)
{
    struct kite_meminfo m;
    meminfo(&m);
    return m.free_pages;
}

/* 60% of the free memory, every page written; then fork. Without copy on write the
 * child needs as much again, which is not there. */
static void big_fork(void)
{
    const char *name = "fork of a process with 60% of the memory";
    unsigned pages = free_pages() * 6 / 10;
    char *a = sbrk((int)(pages * PAGE));
    if (a == (char *)-1) {
        result(name, "sbrk failed");
        return;
    }
    for (unsigned i = 0; i < pages; i++)
        *(unsigned *)(a + i * PAGE) = i;
    int pid = fork();
    if (pid < 0) {
        result(name, "fork failed");
        sbrk(-(int)(pages * PAGE));
        return;
    }
    if (pid == 0) {
        for (unsigned i = 0; i < pages; i += 7)
            if (*(unsigned *)(a + i * PAGE) != i)
                exit(1);
        for (unsigned i = 0; i < pages; i += 97)
            *(unsigned *)(a + i * PAGE) = ~i;      /* copies of these pages */
        for (unsigned i = 0; i < pages; i += 97)
            if (*(unsigned *)(a + i * PAGE) != ~i)
                exit(2);
        exit(0);
    }
    int status = -1;
    wait(&status);
    const char *why = status ? "the child saw the wrong bytes" : 0;
    for (unsigned i = 0; i < pages && !why; i++)
        if (*(unsigned *)(a + i * PAGE) != i)
            why = "the child's writes showed in the parent";
    sbrk(-(int)(pages * PAGE));
    result(name, why);
}

static void both_write(void)
{
    for (int i = 0; i < NSHARED; i++)
        shared[i] = i;
    int pid = fork();
    if (pid == 0) {
        for (int i = 0; i < NSHARED; i++)
            shared[i] = 2 * i + 1;
        for (int i = 0; i < NSHARED; i++)
            if (shared[i] != 2 * i + 1)
                exit(1);
        exit(0);
    }
    for (int i = 0; i < NSHARED; i += 2)
        shared[i] = -i;
    int status = -1;
    wait(&status);
    const char *why = status ? "the child lost its writes" : 0;
    for (int i = 0; i < NSHARED && !why; i++)
        if (shared[i] != (i % 2 ? i : -i))
            why = "the parent's bytes changed";
    result("parent and child write the same pages", why);
}

static void generations(void)
{
    shared[0] = 100;
    int pid = fork();
    if (pid == 0) {
        shared[0] = 200;
        int pid2 = fork();
        if (pid2 == 0) {
            shared[0] += 1;
            exit(shared[0] == 201 ? 0 : 1);
        }
        int st = -1;
        wait(&st);
        exit(st == 0 && shared[0] == 200 ? 0 : 1);
    }
    int status = -1;
    wait(&status);
    result("three generations of forks",
           status == 0 && shared[0] == 100 ? 0 : "a process saw another's write");
}

/* The kernel writes into a page the parent and child share: copyout must copy it. */
static void read_into_shared(void)
{
    memset(buf, 'p', sizeof buf);
    int pid = fork();
    if (pid == 0) {
        int fd = open("README", O_RDONLY);
        if (fd < 0 || read(fd, buf + 100, 500) != 500)
            exit(1);
        exit(buf[100] == 'W' ? 0 : 2);      /* "Welcome to Kite..." */
    }
    int status = -1;
    wait(&status);
    const char *why = status == 1 ? "read() into the shared page failed"
                      : status ? "read() put the wrong bytes" : 0;
    for (int i = 0; i < (int)sizeof buf && !why; i++)
        if (buf[i] != 'p')
            why = "the child's read() changed the parent's page";
    result("read() into a page shared with the parent", why);
}



int main(void)
{
    unsigned before = free_pages();
    big_fork();
    both_write();
    generations();
    read_into_shared();
    /* The heap's page-table pages stay until exit (sbrk down frees only the pages):
     * a few dozen. A page a count forgot would be thousands. */
    unsigned after = free_pages();
    result("the memory comes back", (int)(before - after) < 64 ? 0 : "pages were lost");
    printf(failed ? "cowtest: some tests FAILED\n" : "cowtest: all tests passed\n");
    return failed;
}
