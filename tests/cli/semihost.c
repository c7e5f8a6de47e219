/*
 * A semihosting program built with picolibc's semihost library (--oslib=semihost
 * --crt0=semihost): its stdio, command line and exit are semihosting calls. It runs the
 * same on rvbox and on qemu-system-riscv32 (tests/cli/semihost.sh): it prints, reads a
 * line from the console, reads and writes host files, makes each call the library
 * offers, and exits with status 7 when every check passed (100 + the number of failed
 * checks otherwise). With "confined" among its arguments it also checks that rvbox
 * keeps it inside its directory (QEMU does not); with "stdin", it reads a line from the
 * console (QEMU 7.2 hangs in that call).
 */
#include <semihost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

#define CHECK(c)                                                        \
    do {                                                                \
        if (!(c)) {                                                     \
            printf("semihost: FAIL line %d: %s\n", __LINE__, #c);       \
            failures++;                                                 \
        }                                                               \
    } while (0)

#define ENOENT_ 2
#define EACCES_ 13

/* The library's own call (a0 = op, a1 = parameter), which semihost.h does not declare. */
uintptr_t sys_semihost(uintptr_t op, uintptr_t param);

extern char __end[];           /* picolibc.ld: the end of .bss */

int main(int argc, char **argv)
{
    int confined = 0, input = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "confined"))
            confined = 1;
        if (!strcmp(argv[i], "stdin"))
            input = 1;
    }
    printf("semihost: hello from the guest, %d arguments\n", argc);
    fprintf(stderr, "semihost: this goes to stderr\n");

    /* The console's input, a line. */
    if (input) {
        char line[64] = "";
        CHECK(fgets(line, sizeof line, stdin) != NULL);
        printf("semihost: stdin says: %s", line);
    }

    /* A host file, through stdio. */
    FILE *f = fopen("input.txt", "r");
    CHECK(f != NULL);
    char text[128] = "";
    if (f) {
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
    }
    printf("semihost: input.txt says: %s", text);

    /* Writing, length, seeking, reading back, renaming, removing. */
    int fd = sys_semihost_open("output.txt", SH_OPEN_W_PLUS);
    CHECK(fd > 0);
    CHECK(sys_semihost_write(fd, "0123456789", 10) == 0);     /* 0: all written */
    CHECK(sys_semihost_flen(fd) == 10);
    CHECK(sys_semihost_istty(fd) == 0);
    CHECK(sys_semihost_seek(fd, 4) == 0);
    char back[8] = "";
    CHECK(sys_semihost_read(fd, back, 8) == 2);               /* 6 read, 2 not */
    CHECK(!memcmp(back, "456789", 6));
    CHECK(sys_semihost_close(fd) == 0);
    CHECK(sys_semihost_close(fd) == -1);                      /* not open any more */
    CHECK(sys_semihost_rename("output.txt", "renamed.txt") == 0);
    fd = sys_semihost_open("renamed.txt", SH_OPEN_A);
    CHECK(fd > 0);
    CHECK(sys_semihost_write(fd, "+", 1) == 0);
    CHECK(sys_semihost_close(fd) == 0);
    fd = sys_semihost_open("kept.txt", SH_OPEN_W);
    CHECK(fd > 0 && sys_semihost_write(fd, "kept\n", 5) == 0 && sys_semihost_close(fd) == 0);
    fd = sys_semihost_open("gone.txt", SH_OPEN_W);
    CHECK(fd > 0 && sys_semihost_close(fd) == 0);
    CHECK(sys_semihost_remove("gone.txt") == 0);

    /* Errors and errno. */
    CHECK(sys_semihost_open("does-not-exist.txt", SH_OPEN_R) == -1);
    CHECK(sys_semihost_errno() == ENOENT_);
    CHECK(sys_semihost_iserror(-1) != 0);
    CHECK(sys_semihost_iserror(0) == 0);

    /* The console, and the features file QEMU and rvbox both serve. */
    int tt = sys_semihost_open(":tt", SH_OPEN_W);
    CHECK(tt > 0 && sys_semihost_istty(tt) >= 0);     /* whatever stdout is */
    CHECK(sys_semihost_write(tt, "semihost: on :tt\n", 17) == 0);
    CHECK(sys_semihost_close(tt) == 0);
    CHECK(sys_semihost_feature(SH_EXT_EXIT_EXTENDED) == 1);
    CHECK(sys_semihost_feature(SH_EXT_STDOUT_STDERR) == 1);

    /* Time. */
    CHECK(sys_semihost_time() > 1600000000u);
    uint64_t t0 = sys_semihost_elapsed();
    for (volatile int i = 0; i < 100000; i++)
        ;
    CHECK(sys_semihost_elapsed() > t0);
    CHECK(sys_semihost_tickfreq() > 0);
    CHECK(sys_semihost_clock() >= 0);

    /* The command line and the heap. */
    char cmd[256];
    CHECK(sys_semihost_get_cmdline(cmd, sizeof cmd) == 0);
    printf("semihost: command line: %s\n", cmd);
    /* SYS_HEAPINFO as the specification (and QEMU) has it: a1 points to a pointer to the
     * block. (picolibc's sys_semihost_heapinfo passes the block itself.) */
    struct sys_semihost_block b = { 0 };
    void *bp = &b;
    CHECK(sys_semihost(0x16, (uintptr_t)&bp) == 0);
    uintptr_t hb = (uintptr_t)b.heap_base, hl = (uintptr_t)b.heap_limit;
    CHECK(hb >= 0x80000000u && hb < hl && hl <= 0x80000000u + (128u << 20));
    CHECK(hb >= (uintptr_t)__end || hl <= 0x80000000u);     /* not over the program */

    if (confined) {
        /* rvbox: nothing outside the directory it was given. */
        CHECK(sys_semihost_open("../outside.txt", SH_OPEN_R) == -1);
        CHECK(sys_semihost_errno() == EACCES_);
        CHECK(sys_semihost_open("/etc/passwd", SH_OPEN_R) == -1);
        CHECK(sys_semihost_open("link-out", SH_OPEN_R) == -1);    /* a symlink to / */
        CHECK(sys_semihost_remove("../outside.txt") == -1);
        CHECK(sys_semihost_rename("kept.txt", "../stolen.txt") == -1);
        CHECK(sys_semihost_system("true") == -1);
    }
    printf("semihost: %d failed checks\n", failures);
    return failures ? 100 + failures : 7;
}
