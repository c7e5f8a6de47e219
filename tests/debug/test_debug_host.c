/*
 * The host side of debugging, without a guest running:
 *   symbols  (host/symbols.h) lookups in fatal.elf, a real toolchain ELF built by the guest
 *            sub-build (its layout is read back with nm in the comments below);
 *   trace    (host/trace.h) the -d/-D/--trace-* options and cause names;
 *   gdbstub  (host/gdbstub.h) the -s/-S/-gdb options, and a port in use.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus/bus.h"
#include "devices/machine.h"
#include "host/gdbstub.h"
#include "host/symbols.h"
#include "host/trace.h"

#ifndef FATAL_ELF
#error "FATAL_ELF: the path of the guest sub-build's debug/fatal.elf"
#endif

/* ---- symbols ---- */

/* fatal.elf (nm -n -S):
 *   80000000          T _start       (a label: no size)
 *   8000001e 00000012 T work
 *   80000030 0000000a T broken
 *   8000003c          T fatal_trap
 *   80003000          D tohost      (then fromhost at 80003008) */
static struct symbols *syms;
static uint32_t addr_of(const char *name)
{
    uint32_t a = 0;
    ck_assert_msg(symbols_find(syms, name, &a), "no symbol %s", name);
    return a;
}

static void load_fatal(void)
{
    char err[256];
    syms = symbols_create();
    ck_assert_ptr_nonnull(syms);
    ck_assert_int_eq(symbols_add_file(syms, FATAL_ELF, err, sizeof err), 0);
}

static void unload(void)
{
    symbols_destroy(syms);
    syms = NULL;
}

static void check_lookup(uint32_t addr, const char *want, uint32_t want_off)
{
    uint32_t off = 0xdead;
    const char *name = symbols_lookup(syms, addr, &off);
    if (!want) {
        ck_assert_msg(name == NULL, "%08x: got %s, wanted no symbol", addr, name);
        return;
    }
    ck_assert_msg(name && !strcmp(name, want), "%08x: got %s, wanted %s", addr,
                  name ? name : "(none)", want);
    ck_assert_uint_eq(off, want_off);
}

START_TEST(test_sized_function)
{
    uint32_t work = addr_of("work");
    check_lookup(work, "work", 0);
    check_lookup(work + 4, "work", 4);
    check_lookup(work + 0x11, "work", 0x11);     /* its last byte */
}
END_TEST

START_TEST(test_label_ends_at_next_symbol)
{
    uint32_t start = addr_of("_start"), work = addr_of("work");
    ck_assert_uint_eq(start, 0x80000000u);
    check_lookup(start + 2, "_start", 2);
    check_lookup(work - 1, "_start", work - 1 - start);
}
END_TEST

START_TEST(test_padding_belongs_to_no_one)
{
    /* broken is 10 bytes; fatal_trap starts at the next 4-byte boundary */
    uint32_t broken = addr_of("broken"), trap = addr_of("fatal_trap");
    ck_assert_uint_gt(trap, broken + 10);
    check_lookup(broken + 10, NULL, 0);
    check_lookup(trap, "fatal_trap", 0);
}
END_TEST

START_TEST(test_outside_everything)
{
    check_lookup(0x7ffffffc, NULL, 0);
    check_lookup(0x1000, NULL, 0);
    check_lookup(0xfffffff0, NULL, 0);
}
END_TEST

START_TEST(test_data_symbols)
{
    uint32_t tohost = addr_of("tohost");
    check_lookup(tohost + 4, "tohost", 4);
    check_lookup(tohost + 8, "fromhost", 0);
}
END_TEST

START_TEST(test_format)
{
    char buf[64];
    uint32_t work = addr_of("work");
    ck_assert_str_eq(symbols_format(syms, work, buf, sizeof buf), "<work>");
    ck_assert_str_eq(symbols_format(syms, work + 0x10, buf, sizeof buf), "<work+0x10>");
    ck_assert_str_eq(symbols_format(syms, 0x10, buf, sizeof buf), "");
    ck_assert_str_eq(symbols_format(NULL, work, buf, sizeof buf), "");
}
END_TEST

START_TEST(test_same_file_twice)
{
    char err[256];
    size_t n = symbols_count(syms);
    ck_assert_uint_gt(n, 4);
    ck_assert_int_eq(symbols_add_file(syms, FATAL_ELF, err, sizeof err), 0);
    ck_assert_uint_eq(symbols_count(syms), n);
    check_lookup(addr_of("work") + 2, "work", 2);
}
END_TEST

START_TEST(test_bad_files)
{
    char err[256];
    ck_assert_int_eq(symbols_add_file(syms, "/nonexistent.elf", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "--symbols /nonexistent.elf: No such file"));
    static const char text[] = "not an ELF file at all";
    ck_assert_int_eq(symbols_add_memory(syms, text, sizeof text, "junk", err, sizeof err), -1);
    ck_assert_str_eq(err, "junk: not an ELF32 file");
}
END_TEST

/* ---- trace options ---- */

static int parse(struct trace_options *o, char *err, int argc, char **argv)
{
    trace_options_init(o);
    for (int i = 1; i < argc; i++) {
        const char *name = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 1 : argv[i];
        int r = trace_option(o, name, &i, argc, argv, err, 256);
        if (r <= 0)
            return r < 0 ? -1 : -2;     /* -2: not a trace option */
    }
    return 0;
}

#define ARGV(...) ((char *[]){ "rvbox", __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ "rvbox", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, err, ...) parse(o, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

START_TEST(test_trace_defaults)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "-d", "exec"), 0);
    ck_assert_uint_eq(o.flags, TRACE_EXEC);
    ck_assert_ptr_null(o.file);
    ck_assert(!o.has_range);
    ck_assert_uint_eq(o.first, 0);
    ck_assert_uint_eq(o.last, 0);
    ck_assert_uint_eq(o.history, TRACE_HISTORY_DEFAULT);
}
END_TEST

START_TEST(test_trace_all_options)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "--trace", "int,exec", "-D", "t.txt", "--trace-range",
                           "0x80000000:80001000", "--trace-first", "10", "--trace-last",
                           "5", "--history", "0", "--symbols", "a.elf", "--symbols",
                           "b.elf"), 0);
    ck_assert_uint_eq(o.flags, TRACE_EXEC | TRACE_INT);
    ck_assert_str_eq(o.file, "t.txt");
    ck_assert(o.has_range);
    ck_assert_uint_eq(o.lo, 0x80000000u);
    ck_assert_uint_eq(o.hi, 0x80001000u);
    ck_assert_uint_eq(o.first, 10);
    ck_assert_uint_eq(o.last, 5);
    ck_assert_uint_eq(o.history, 0);
    ck_assert_uint_eq(o.nsymbol_files, 2);
    ck_assert_str_eq(o.symbol_files[1], "b.elf");
}
END_TEST

START_TEST(test_trace_out_asm)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "-d", "out_asm"), 0);
    ck_assert_uint_eq(o.flags, TRACE_OUT_ASM);
    ck_assert_int_eq(PARSE(&o, err, "-d", "int,out_asm,exec"), 0);
    ck_assert_uint_eq(o.flags, TRACE_EXEC | TRACE_INT | TRACE_OUT_ASM);
    ck_assert_int_eq(PARSE(&o, err, "-d", "out_asmx"), -1);
    ck_assert_int_eq(PARSE(&o, err, "-d", "out"), -1);
}
END_TEST

/* Every item by its name, and QEMU's nochain with them. */
START_TEST(test_trace_items)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "-d", "cpu,in_asm,mmu,guest_errors,unimp,nochain"), 0);
    ck_assert_uint_eq(o.flags, TRACE_CPU | TRACE_IN_ASM | TRACE_MMU | TRACE_GUEST_ERRORS |
                               TRACE_UNIMP);
}
END_TEST

/* The list a monitor's `log ITEMS` parses, and help asked for. */
START_TEST(test_trace_parse_items)
{
    unsigned flags;
    char err[256];
    ck_assert_int_eq(trace_parse_items("int,mmu", &flags, err, sizeof err), 0);
    ck_assert_uint_eq(flags, TRACE_INT | TRACE_MMU);
    ck_assert_int_eq(trace_parse_items("int,help", &flags, err, sizeof err), 1);
    ck_assert_int_eq(trace_parse_items("int,cpus", &flags, err, sizeof err), -1);
    ck_assert_str_eq(err, "-d int,cpus: unknown item 'cpus' (-d help lists them)");
}
END_TEST

/* Items switched while a machine runs: the log's kinds follow, and -D's file is opened
 * when something is first traced. */
START_TEST(test_trace_set_items)
{
    char err[256], path[] = "/tmp/rvbox-trace-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    unlink(path);
    struct machine_config cfg = { .ram_size = 1 << 20, .start_pc = 0x80000000u,
                                  .virtio_version = 1 };
    struct machine *m = machine_create(&cfg, err, sizeof err);
    ck_assert_msg(m != NULL, "%s", err);
    struct trace_options o;
    trace_options_init(&o);
    o.file = path;
    struct trace *t = trace_open(&o, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(t);
    trace_attach(t, m);
    struct guest_log *log = bus_log(machine_bus(m));
    ck_assert_uint_eq(log->mask, 0);
    ck_assert_int_eq(access(path, F_OK), -1);       /* nothing traced yet: no file */
    ck_assert_int_eq(trace_set_items(t, TRACE_GUEST_ERRORS | TRACE_INT, err, sizeof err), 0);
    ck_assert_uint_eq(trace_items(t), TRACE_GUEST_ERRORS | TRACE_INT);
    ck_assert_uint_eq(log->mask, GUEST_LOG_ERROR);
    ck_assert_int_eq(access(path, F_OK), 0);
    ck_assert_int_eq(trace_set_items(t, TRACE_UNIMP, err, sizeof err), 0);
    ck_assert_uint_eq(log->mask, GUEST_LOG_UNIMP);
    ck_assert_int_eq(trace_set_items(t, 0, err, sizeof err), 0);
    ck_assert_uint_eq(log->mask, 0);
    trace_detach(t);
    machine_destroy(m);
    trace_close(t);
    unlink(path);
}
END_TEST

START_TEST(test_trace_range_to_the_top)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "--trace-range", "ffff0000:100000000"), 0);
    ck_assert_uint_eq(o.lo, 0xffff0000u);
    ck_assert_uint_eq(o.hi, 0);         /* 2^32, wrapped */
}
END_TEST

START_TEST(test_trace_bad_values)
{
    struct trace_options o;
    char err[256];
    ck_assert_int_eq(PARSE(&o, err, "-d", "exec,cpus"), -1);
    ck_assert_str_eq(err, "-d exec,cpus: unknown item 'cpus' (-d help lists them)");
    ck_assert_int_eq(PARSE(&o, err, "-d", "nochain"), 0);     /* QEMU's: accepted, no-op */
    ck_assert_uint_eq(o.flags, 0);
    ck_assert_int_eq(PARSE(&o, err, "-d", ""), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-range", "1000"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-range", "1000:1000"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-range", "1000:100000001"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-range", "x:1000"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-first", "-1"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--trace-last", "ten"), -1);
    ck_assert_int_eq(PARSE(&o, err, "--history", "65"), -1);
    ck_assert_int_eq(PARSE(&o, err, "-D"), -1);
    ck_assert_str_eq(err, "-D needs a value (try --help)");
    ck_assert_int_eq(PARSE(&o, err, "-kernel", "x"), -2);
}
END_TEST

START_TEST(test_cause_names)
{
    ck_assert_str_eq(trace_cause_name(2), "illegal instruction");
    ck_assert_str_eq(trace_cause_name(15), "store/AMO page fault");
    ck_assert_str_eq(trace_cause_name(0x80000005u), "supervisor timer interrupt");
    ck_assert_str_eq(trace_cause_name(10), "unknown exception");
    ck_assert_str_eq(trace_cause_name(0x80000010u), "unknown interrupt");
}
END_TEST

/* ---- gdbstub options ---- */

static int parse_gdb(struct gdb_options *o, char *err, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    for (int i = 1; i < argc; i++) {
        int r = gdbstub_option(o, argv[i], &i, argc, argv, err, 256);
        if (r <= 0)
            return r < 0 ? -1 : -2;
    }
    return 0;
}

#define PARSE_GDB(o, err, ...) parse_gdb(o, err, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__))

START_TEST(test_gdb_options)
{
    struct gdb_options o;
    char err[256];
    ck_assert_int_eq(PARSE_GDB(&o, err, "-s", "-S"), 0);
    ck_assert_str_eq(o.spec, "tcp::1234");
    ck_assert_uint_eq(o.port, 1234);
    ck_assert(o.wait);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp:localhost:0"), 0);
    ck_assert_uint_eq(o.port, 0);
    ck_assert(!o.wait);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp:127.0.0.1:65535"), 0);
    ck_assert_uint_eq(o.port, 65535);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp::65536"), -1);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp:0.0.0.0:1234"), -1);
    ck_assert_str_eq(err, "-gdb tcp:0.0.0.0:1234: want tcp::PORT (rvbox listens on 127.0.0.1 only)");
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp::"), -1);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-gdb", "tcp::12x"), -1);
    ck_assert_int_eq(PARSE_GDB(&o, err, "-d", "exec"), -2);
}
END_TEST

START_TEST(test_gdb_open)
{
    struct gdb_options o = { 0 };
    struct gdbstub *a, *b;
    char err[256];
    /* Nothing asked for: no stub, no error. -S alone: an error. */
    ck_assert_int_eq(gdbstub_open(&o, NULL, &a, err, sizeof err), 0);
    ck_assert_ptr_null(a);
    o.wait = true;
    ck_assert_int_eq(gdbstub_open(&o, NULL, &a, err, sizeof err), -1);
    /* A free port, then the same port again. */
    o = (struct gdb_options){ .spec = "tcp::0", .port = 0 };
    ck_assert_int_eq(gdbstub_open(&o, NULL, &a, err, sizeof err), 0);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_ge(gdbstub_fd(a), 0);
    /* Which port did it get? Ask the socket, then ask for that port again. */
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    ck_assert_int_eq(getsockname(gdbstub_fd(a), (struct sockaddr *)&sa, &len), 0);
    char spec[32], want[96];
    snprintf(spec, sizeof spec, "tcp::%u", ntohs(sa.sin_port));
    o = (struct gdb_options){ .spec = spec, .port = ntohs(sa.sin_port) };
    ck_assert_int_eq(gdbstub_open(&o, NULL, &b, err, sizeof err), -1);
    ck_assert_ptr_null(b);
    snprintf(want, sizeof want, "-gdb %s: Address already in use", spec);
    ck_assert_str_eq(err, want);
    gdbstub_close(a);
    /* Closed: the port is free again (SO_REUSEADDR). */
    ck_assert_int_eq(gdbstub_open(&o, NULL, &b, err, sizeof err), 0);
    gdbstub_close(b);
}
END_TEST

static Suite *debug_host_suite(void)
{
    Suite *s = suite_create("debug_host");
    TCase *tc = tcase_create("symbols");
    tcase_add_checked_fixture(tc, load_fatal, unload);
    tcase_add_test(tc, test_sized_function);
    tcase_add_test(tc, test_label_ends_at_next_symbol);
    tcase_add_test(tc, test_padding_belongs_to_no_one);
    tcase_add_test(tc, test_outside_everything);
    tcase_add_test(tc, test_data_symbols);
    tcase_add_test(tc, test_format);
    tcase_add_test(tc, test_same_file_twice);
    tcase_add_test(tc, test_bad_files);
    suite_add_tcase(s, tc);

    tc = tcase_create("trace_options");
    tcase_add_test(tc, test_trace_defaults);
    tcase_add_test(tc, test_trace_all_options);
    tcase_add_test(tc, test_trace_out_asm);
    tcase_add_test(tc, test_trace_items);
    tcase_add_test(tc, test_trace_parse_items);
    tcase_add_test(tc, test_trace_set_items);
    tcase_add_test(tc, test_trace_range_to_the_top);
    tcase_add_test(tc, test_trace_bad_values);
    tcase_add_test(tc, test_cause_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("gdbstub");
    tcase_add_test(tc, test_gdb_options);
    tcase_add_test(tc, test_gdb_open);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(debug_host_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
