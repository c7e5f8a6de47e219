/*
 * Guest images (host/loader.h): ELF32 RISC-V executables and raw binaries opened from
 * memory, their entry, segments and `tohost`, their zero-filled copy into a machine's RAM,
 * and every way an image can be refused, each with a message that names the image and
 * says what is wrong.
 *
 * The ELF files are built here byte by byte (<elf.h> structures, little-endian host), so
 * each test states exactly what its file holds.
 */
#include <check.h>
#include <elf.h>
#include <regex.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "devices/machine.h"
#include "host/loader.h"

#ifndef EM_RISCV
#define EM_RISCV 243
#endif

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x10000u           /* the RAM that image_check_ram is asked about */
#define MACHINE_RAM_SIZE 0x400000u  /* the copy tests' machine (room for its device tree) */
#define NAME     "guest.elf"

/* ---- building ELF files ---- */

struct seg_spec {
    uint32_t type, paddr, vaddr, filesz, memsz;
    uint8_t fill;                   /* the segment's file bytes: fill, fill + 1, ... */
};

struct elf_spec {
    uint8_t class, data;            /* EI_CLASS, EI_DATA */
    uint16_t machine;
    uint32_t entry;
    size_t nsegs;
    struct seg_spec segs[4];
    bool with_tohost;               /* a .symtab with `tohost` (and another symbol) */
    uint32_t tohost;
};

/* A good RV32 executable: text at RAM_BASE, data + bss at RAM_BASE + 0x1000, tohost. */
static struct elf_spec good_spec(void)
{
    return (struct elf_spec){
        .class = ELFCLASS32, .data = ELFDATA2LSB, .machine = EM_RISCV,
        .entry = RAM_BASE + 4, .nsegs = 3,
        .segs = {
            { PT_LOAD, RAM_BASE, RAM_BASE, 40, 40, 0x10 },
            { PT_NOTE, 0, 0, 8, 8, 0x70 },                  /* not loaded */
            { PT_LOAD, RAM_BASE + 0x1000, 0xc0001000u, 24, 0x200, 0x40 },
        },
        .with_tohost = true, .tohost = RAM_BASE + 0x2000,
    };
}

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static size_t put(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    size_t at = b->len;
    memcpy(b->p + at, data, n);
    b->len += n;
    return at;
}

static void align4(struct buf *b)
{
    static const uint8_t zero[4];
    put(b, zero, (4 - b->len % 4) % 4);
}

/* The file: header, program headers, segment bytes, then (with tohost) .symtab, .strtab,
 * .shstrtab and the section headers. */
static struct buf build_elf(const struct elf_spec *s)
{
    struct buf b = { 0 };
    Elf32_Ehdr eh = { 0 };
    memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = s->class;
    eh.e_ident[EI_DATA] = s->data;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_type = ET_EXEC;
    eh.e_machine = s->machine;
    eh.e_version = EV_CURRENT;
    eh.e_entry = s->entry;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf32_Phdr);
    eh.e_phnum = (uint16_t)s->nsegs;
    eh.e_shentsize = sizeof(Elf32_Shdr);
    put(&b, &eh, sizeof eh);

    size_t ph_at = b.len;
    Elf32_Phdr ph[4] = { 0 };
    put(&b, ph, s->nsegs * sizeof ph[0]);
    for (size_t i = 0; i < s->nsegs; i++) {
        align4(&b);
        ph[i].p_type = s->segs[i].type;
        ph[i].p_offset = (Elf32_Off)b.len;
        ph[i].p_paddr = s->segs[i].paddr;
        ph[i].p_vaddr = s->segs[i].vaddr;
        ph[i].p_filesz = s->segs[i].filesz;
        ph[i].p_memsz = s->segs[i].memsz;
        ph[i].p_flags = PF_R | PF_W | PF_X;
        ph[i].p_align = 4;
        for (uint32_t k = 0; k < s->segs[i].filesz; k++) {
            uint8_t byte = (uint8_t)(s->segs[i].fill + k);
            put(&b, &byte, 1);
        }
    }
    memcpy(b.p + ph_at, ph, s->nsegs * sizeof ph[0]);

    if (s->with_tohost) {
        static const char strtab[] = "\0start\0tohost";         /* 1: start, 7: tohost */
        static const char shstrtab[] = "\0.symtab\0.strtab\0.shstrtab";
        Elf32_Sym syms[3] = { { 0 } };
        syms[1].st_name = 1;
        syms[1].st_value = s->entry;
        syms[1].st_info = ELF32_ST_INFO(STB_GLOBAL, STT_FUNC);
        syms[1].st_shndx = SHN_ABS;
        syms[2].st_name = 7;
        syms[2].st_value = s->tohost;
        syms[2].st_size = 8;
        syms[2].st_info = ELF32_ST_INFO(STB_GLOBAL, STT_OBJECT);
        syms[2].st_shndx = SHN_ABS;
        align4(&b);
        size_t sym_at = put(&b, syms, sizeof syms);
        size_t str_at = put(&b, strtab, sizeof strtab);
        size_t shstr_at = put(&b, shstrtab, sizeof shstrtab);
        align4(&b);
        Elf32_Shdr sh[4] = { { 0 } };
        sh[1] = (Elf32_Shdr){ .sh_name = 1, .sh_type = SHT_SYMTAB, .sh_offset = (Elf32_Off)sym_at,
                              .sh_size = sizeof syms, .sh_link = 2, .sh_info = 1,
                              .sh_addralign = 4, .sh_entsize = sizeof(Elf32_Sym) };
        sh[2] = (Elf32_Shdr){ .sh_name = 9, .sh_type = SHT_STRTAB, .sh_offset = (Elf32_Off)str_at,
                              .sh_size = sizeof strtab, .sh_addralign = 1 };
        sh[3] = (Elf32_Shdr){ .sh_name = 17, .sh_type = SHT_STRTAB,
                              .sh_offset = (Elf32_Off)shstr_at, .sh_size = sizeof shstrtab,
                              .sh_addralign = 1 };
        size_t sh_at = put(&b, sh, sizeof sh);
        Elf32_Ehdr *e = (Elf32_Ehdr *)b.p;
        e->e_shoff = (Elf32_Off)sh_at;
        e->e_shnum = 4;
        e->e_shstrndx = 3;
    }
    return b;
}

/* ---- helpers ---- */

static char err[256];

/* Open `len` bytes of `data`; on success the image is returned open. */
static int open_bytes(struct image *img, const void *data, size_t len, uint32_t raw_base)
{
    err[0] = '\0';
    return image_open_memory(img, data, len, NAME, raw_base, err, sizeof err);
}

/* The open failed with a message naming the image and matching `what` (an extended
 * regular expression, case-insensitive). */
static void assert_refused(int rc, const char *what)
{
    ck_assert_int_eq(rc, -1);
    ck_assert_msg(strstr(err, NAME) != NULL, "message does not name the image: \"%s\"", err);
    regex_t re;
    ck_assert_int_eq(regcomp(&re, what, REG_EXTENDED | REG_ICASE | REG_NOSUB), 0);
    int miss = regexec(&re, err, 0, NULL, 0);
    regfree(&re);
    ck_assert_msg(!miss, "message \"%s\" does not say /%s/", err, what);
}

/* ---- good images ---- */

START_TEST(test_elf_good)
{
    struct elf_spec spec = good_spec();
    struct buf f = build_elf(&spec);
    struct image img;
    ck_assert_msg(open_bytes(&img, f.p, f.len, 0) == 0, "refused: %s", err);
    ck_assert(img.is_elf);
    ck_assert_uint_eq(img.entry, RAM_BASE + 4);
    ck_assert_uint_eq(img.nsegs, 2);                    /* the PT_NOTE is not loaded */
    ck_assert_uint_eq(img.segs[0].paddr, RAM_BASE);
    ck_assert_uint_eq(img.segs[0].filesz, 40);
    ck_assert_uint_eq(img.segs[0].memsz, 40);
    ck_assert_uint_eq(img.segs[1].paddr, RAM_BASE + 0x1000);   /* paddr, not vaddr */
    ck_assert_uint_eq(img.segs[1].filesz, 24);
    ck_assert_uint_eq(img.segs[1].memsz, 0x200);
    for (unsigned k = 0; k < 40; k++)
        ck_assert_uint_eq(img.segs[0].data[k], 0x10 + k);
    for (unsigned k = 0; k < 24; k++)
        ck_assert_uint_eq(img.segs[1].data[k], 0x40 + k);
    ck_assert(img.has_tohost);
    ck_assert_uint_eq(img.tohost, RAM_BASE + 0x2000);
    ck_assert_str_eq(img.name, NAME);
    image_close(&img);
    free(f.p);
}
END_TEST

/* The image keeps its own copy: the caller's buffer may go. */
START_TEST(test_elf_copied)
{
    struct elf_spec spec = good_spec();
    struct buf f = build_elf(&spec);
    struct image img;
    ck_assert_int_eq(open_bytes(&img, f.p, f.len, 0), 0);
    memset(f.p, 0xee, f.len);
    free(f.p);
    ck_assert_uint_eq(img.segs[0].data[0], 0x10);
    image_close(&img);
}
END_TEST

START_TEST(test_elf_without_tohost)
{
    struct elf_spec spec = good_spec();
    spec.with_tohost = false;
    struct buf f = build_elf(&spec);
    struct image img;
    ck_assert_int_eq(open_bytes(&img, f.p, f.len, 0), 0);
    ck_assert(!img.has_tohost);
    image_close(&img);
    free(f.p);
}
END_TEST

/* A machine to copy into, its first RAM_SIZE bytes filled with 0xee so that zero-filling
 * shows. */
static struct machine *make_machine(void)
{
    struct machine_config cfg = { .ram_size = MACHINE_RAM_SIZE, .start_pc = RAM_BASE,
                                  .virtio_version = 1 };
    char merr[256];
    struct machine *m = machine_create(&cfg, merr, sizeof merr);
    ck_assert_msg(m != NULL, "machine_create: %s", merr);
    memset(machine_ram(m, RAM_BASE, RAM_SIZE), 0xee, RAM_SIZE);
    return m;
}

/* image_copy puts the file bytes at paddr and zeros up to memsz, and nothing more. */
START_TEST(test_elf_copy_zero_fills)
{
    struct elf_spec spec = good_spec();
    struct buf f = build_elf(&spec);
    struct image img;
    ck_assert_int_eq(open_bytes(&img, f.p, f.len, 0), 0);
    ck_assert_int_eq(image_check_ram(&img, RAM_BASE, RAM_SIZE, err, sizeof err), 0);
    struct machine *m = make_machine();
    image_copy(&img, m);
    const uint8_t *ram = machine_ram(m, RAM_BASE, RAM_SIZE);
    for (unsigned k = 0; k < 40; k++)
        ck_assert_uint_eq(ram[k], 0x10 + k);
    ck_assert_uint_eq(ram[40], 0xee);
    const uint8_t *data = ram + 0x1000;
    for (unsigned k = 0; k < 24; k++)
        ck_assert_uint_eq(data[k], 0x40 + k);
    for (unsigned k = 24; k < 0x200; k++)
        ck_assert_msg(data[k] == 0, "bss byte %u is 0x%02x", k, data[k]);
    ck_assert_uint_eq(data[0x200], 0xee);
    ck_assert_uint_eq(data[-1], 0xee);
    machine_destroy(m);
    image_close(&img);
    free(f.p);
}
END_TEST

/* A real toolchain ELF from a file (riscv64-unknown-elf-gcc, built by CMake): its one
 * PT_LOAD (the RISC-V attributes segment is not loaded), its entry and its page-aligned
 * `tohost` inside the loaded bytes. */
START_TEST(test_real_elf_file)
{
    struct image img;
    err[0] = '\0';
    ck_assert_msg(image_open_file(&img, RVBOX_LOADER_FIXTURE, 0, RAM_BASE + (uint64_t)MACHINE_RAM_SIZE,
                                  err, sizeof err) == 0,
                  "refused: %s", err);
    ck_assert(img.is_elf);
    ck_assert_uint_eq(img.entry, RAM_BASE);
    ck_assert_uint_eq(img.nsegs, 1);
    ck_assert_uint_eq(img.segs[0].paddr, RAM_BASE);
    ck_assert(img.has_tohost);
    ck_assert_uint_eq(img.tohost & 0xfff, 0);
    ck_assert_uint_ge(img.tohost, img.segs[0].paddr);
    ck_assert_uint_le(img.tohost + 8, img.segs[0].paddr + img.segs[0].memsz);
    ck_assert_int_eq(image_check_ram(&img, RAM_BASE, MACHINE_RAM_SIZE, err, sizeof err), 0);
    image_close(&img);
}
END_TEST

/* Anything without the ELF magic is a raw binary: one segment at the base, entry there. */
START_TEST(test_raw_binary)
{
    static const uint8_t raw[] = { 0x13, 0x05, 0x10, 0x00, 0x6f, 0x00, 0x00, 0x00, 0x7f };
    struct image img;
    ck_assert_int_eq(open_bytes(&img, raw, sizeof raw, RAM_BASE + 0x400), 0);
    ck_assert(!img.is_elf);
    ck_assert(!img.has_tohost);
    ck_assert_uint_eq(img.entry, RAM_BASE + 0x400);
    ck_assert_uint_eq(img.nsegs, 1);
    ck_assert_uint_eq(img.segs[0].paddr, RAM_BASE + 0x400);
    ck_assert_uint_eq(img.segs[0].filesz, sizeof raw);
    ck_assert_uint_eq(img.segs[0].memsz, sizeof raw);
    ck_assert_mem_eq(img.segs[0].data, raw, sizeof raw);
    struct machine *m = make_machine();
    image_copy(&img, m);
    const uint8_t *ram = machine_ram(m, RAM_BASE, RAM_SIZE);
    ck_assert_mem_eq(ram + 0x400, raw, sizeof raw);
    ck_assert_uint_eq(ram[0x400 + sizeof raw], 0xee);
    machine_destroy(m);
    image_close(&img);
}
END_TEST

/* A raw binary that would run past 4 GiB from its base. */
START_TEST(test_raw_too_large)
{
    static const uint8_t raw[32] = { 1 };
    struct image img;
    assert_refused(open_bytes(&img, raw, sizeof raw, 0xfffffff0u), "too large|address space");
}
END_TEST

/* ---- refused images ---- */

START_TEST(test_empty)
{
    struct image img;
    assert_refused(open_bytes(&img, "", 0, RAM_BASE), "empty");
}
END_TEST

/* Cut inside the ELF header: a shorter file than the identification, and one that has
 * the identification but not the rest of the 52-byte header. */
START_TEST(test_truncated_header)
{
    static const size_t cuts[] = { 6, 16, 40, 51 };
    struct elf_spec spec = good_spec();
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, cuts[_i], RAM_BASE), "truncated");
    free(f.p);
}
END_TEST

/* The header, and only part of the program headers. */
START_TEST(test_truncated_program_headers)
{
    struct elf_spec spec = good_spec();
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, sizeof(Elf32_Ehdr) + 40, RAM_BASE), "truncated");
    free(f.p);
}
END_TEST

/* All headers, but a segment's bytes run past the end of the file. */
START_TEST(test_truncated_segments)
{
    struct elf_spec spec = good_spec();
    spec.with_tohost = false;
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len - 4, RAM_BASE), "truncated");
    free(f.p);
}
END_TEST

START_TEST(test_elf64)
{
    struct elf_spec spec = good_spec();
    spec.class = ELFCLASS64;
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "64-bit");
    free(f.p);
}
END_TEST

START_TEST(test_not_riscv)
{
    struct elf_spec spec = good_spec();
    spec.machine = EM_386;
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "not RISC-V");
    free(f.p);
}
END_TEST

START_TEST(test_big_endian)
{
    struct elf_spec spec = good_spec();
    spec.data = ELFDATA2MSB;
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "big-endian|little-endian");
    free(f.p);
}
END_TEST

/* An invalid class byte (0, or 3) is neither 32- nor 64-bit: the message must say the
 * class is wrong, not that the (complete) header is truncated. */
START_TEST(test_bad_class)
{
    static const uint8_t classes[] = { ELFCLASSNONE, 3 };
    struct elf_spec spec = good_spec();
    spec.class = classes[_i];
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "class|ELF32|32-bit");
    ck_assert_msg(strstr(err, "truncated") == NULL, "a whole header called truncated: %s",
                  err);
    free(f.p);
}
END_TEST

START_TEST(test_no_pt_load)
{
    struct elf_spec spec = good_spec();
    spec.nsegs = 1;
    spec.segs[0] = (struct seg_spec){ PT_NOTE, 0, 0, 8, 8, 0 };
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "no loadable segment");
    free(f.p);
}
END_TEST

/* A PT_LOAD whose file part is larger than its memory part, or one that runs past 4 GiB. */
START_TEST(test_malformed_segment)
{
    struct elf_spec spec = good_spec();
    spec.segs[2].memsz = 8;                             /* < filesz 24 */
    struct buf f = build_elf(&spec);
    struct image img;
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "segment");
    free(f.p);

    spec = good_spec();
    spec.segs[2].paddr = 0xfffff000u;
    spec.segs[2].memsz = 0x2000;
    f = build_elf(&spec);
    assert_refused(open_bytes(&img, f.p, f.len, RAM_BASE), "segment");
    free(f.p);
}
END_TEST

/* ---- where images go ---- */

/* Below RAM, straddling its end, beyond it: refused, the message giving both ranges. */
START_TEST(test_outside_ram)
{
    static const struct { uint32_t paddr, memsz; } out[] = {
        { RAM_BASE - 0x1000, 0x100 },
        { RAM_BASE - 4, 8 },
        { RAM_BASE + RAM_SIZE - 0x10, 0x20 },
        { RAM_BASE + RAM_SIZE, 4 },
    };
    for (size_t i = 0; i < sizeof out / sizeof out[0]; i++) {
        struct elf_spec spec = good_spec();
        spec.segs[2].paddr = out[i].paddr;
        spec.segs[2].memsz = out[i].memsz;
        spec.segs[2].filesz = 4;
        struct buf f = build_elf(&spec);
        struct image img;
        ck_assert_int_eq(open_bytes(&img, f.p, f.len, 0), 0);
        err[0] = '\0';
        assert_refused(image_check_ram(&img, RAM_BASE, RAM_SIZE, err, sizeof err),
                       "outside RAM");
        ck_assert_msg(strstr(err, "0x80000000") != NULL, "RAM range missing: %s", err);
        image_close(&img);
        free(f.p);
    }
    /* exactly the whole of RAM is fine */
    struct elf_spec spec = good_spec();
    spec.segs[2].paddr = RAM_BASE + 0x100;
    spec.segs[2].memsz = RAM_SIZE - 0x100;
    struct buf f = build_elf(&spec);
    struct image img;
    ck_assert_int_eq(open_bytes(&img, f.p, f.len, 0), 0);
    ck_assert_int_eq(image_check_ram(&img, RAM_BASE, RAM_SIZE, err, sizeof err), 0);
    image_close(&img);
    free(f.p);
}
END_TEST

/* Two images whose segments share a byte overlap, named both in the message; touching
 * ones do not. bss counts: memsz, not filesz. */
START_TEST(test_overlap)
{
    static const uint8_t raw[16] = { 0 };
    struct elf_spec spec = good_spec();        /* RAM_BASE..+40, +0x1000..+0x1200 */
    struct buf f = build_elf(&spec);
    struct image a, b;
    ck_assert_int_eq(open_bytes(&a, f.p, f.len, 0), 0);
    static const struct { uint32_t base; bool overlaps; } at[] = {
        { RAM_BASE + 40, false },               /* right after the text */
        { RAM_BASE + 40 - 16, true },           /* its last 16 bytes */
        { RAM_BASE + 0x1000 + 24, true },       /* in the bss */
        { RAM_BASE + 0x1200 - 1, true },        /* the last bss byte */
        { RAM_BASE + 0x1200, false },
        { RAM_BASE + 0x1000 - 16, false },
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        ck_assert_int_eq(image_open_memory(&b, raw, sizeof raw, "initrd", at[i].base, err,
                                           sizeof err), 0);
        err[0] = '\0';
        int rc = image_check_overlap(&a, &b, err, sizeof err);
        ck_assert_msg((rc != 0) == at[i].overlaps, "raw at 0x%08x: rc %d (%s)", at[i].base,
                      rc, err);
        if (rc) {
            assert_refused(rc, "overlaps");
            ck_assert_msg(strstr(err, "initrd") != NULL, "second image unnamed: %s", err);
        }
        ck_assert_int_eq(image_check_overlap(&b, &a, err, sizeof err) != 0, at[i].overlaps);
        image_close(&b);
    }
    image_close(&a);
    free(f.p);
}
END_TEST

static Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("good");
    tcase_add_test(tc, test_elf_good);
    tcase_add_test(tc, test_elf_copied);
    tcase_add_test(tc, test_elf_without_tohost);
    tcase_add_test(tc, test_elf_copy_zero_fills);
    tcase_add_test(tc, test_raw_binary);
    tcase_add_test(tc, test_real_elf_file);
    suite_add_tcase(s, tc);

    tc = tcase_create("refused");
    tcase_add_test(tc, test_raw_too_large);
    tcase_add_test(tc, test_empty);
    tcase_add_loop_test(tc, test_truncated_header, 0, 4);
    tcase_add_test(tc, test_truncated_program_headers);
    tcase_add_test(tc, test_truncated_segments);
    tcase_add_test(tc, test_elf64);
    tcase_add_test(tc, test_not_riscv);
    tcase_add_test(tc, test_big_endian);
    tcase_add_loop_test(tc, test_bad_class, 0, 2);
    tcase_add_test(tc, test_no_pt_load);
    tcase_add_test(tc, test_malformed_segment);
    suite_add_tcase(s, tc);

    tc = tcase_create("placement");
    tcase_add_test(tc, test_outside_ram);
    tcase_add_test(tc, test_overlap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(loader_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
