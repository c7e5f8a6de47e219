/*
 * The part of libelf's API that host/loader.c uses, for the WebAssembly build, which has
 * no libelf: ELF32 little-endian files held in memory, read only. Each call checks its
 * bounds and fails (NULL, -1) where libelf would; elf_errmsg says so in a few words.
 */
#ifndef RVBOX_WEB_LIBELF_H
#define RVBOX_WEB_LIBELF_H

#include <elf.h>
#include <stddef.h>

typedef struct Elf Elf;
typedef struct Elf_Scn Elf_Scn;

typedef struct {
    void *d_buf;
    size_t d_size;
} Elf_Data;

unsigned elf_version(unsigned version);
Elf *elf_memory(char *image, size_t size);
int elf_end(Elf *elf);
const char *elf_errmsg(int error);
Elf32_Ehdr *elf32_getehdr(Elf *elf);
Elf32_Phdr *elf32_getphdr(Elf *elf);
int elf_getphdrnum(Elf *elf, size_t *phnum);
Elf_Scn *elf_nextscn(Elf *elf, Elf_Scn *scn);
Elf_Data *elf_getdata(Elf_Scn *scn, Elf_Data *data);
char *elf_strptr(Elf *elf, size_t section, size_t offset);

#endif
