/* The guest rvbox boots when given no -kernel: built by the guest sub-build and embedded
 * here so that `rvbox` alone works. RVBOX_DEFAULT_GUEST is its path (set by CMake). */
#define STR2(x) #x
#define STR(x) STR2(x)

    .section .rodata
    .balign 16
    .globl default_guest_elf
default_guest_elf:
    .incbin STR(RVBOX_DEFAULT_GUEST)
    .globl default_guest_elf_end
default_guest_elf_end:

    .section .note.GNU-stack, "", @progbits
