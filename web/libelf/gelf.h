/* libelf's class-independent view (web/libelf/libelf.h): 32-bit entries widened. */
#ifndef RVBOX_WEB_GELF_H
#define RVBOX_WEB_GELF_H

#include "libelf.h"

typedef Elf64_Shdr GElf_Shdr;
typedef Elf64_Sym GElf_Sym;

GElf_Shdr *gelf_getshdr(Elf_Scn *scn, GElf_Shdr *dst);
GElf_Sym *gelf_getsym(Elf_Data *data, int index, GElf_Sym *dst);

#endif
