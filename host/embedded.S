/* Guest code built into rvbox so that `rvbox` alone works: the default guest (booted when
 * no -kernel is given) and rvbox's SBI firmware (the default -bios). Both are built by the
 * guest sub-build; CMake passes their paths. */
#define STR2(x) #x
#define STR(x) STR2(x)

    .section .rodata
    .balign 16
    .globl default_guest_elf
default_guest_elf:
    .incbin STR(RVBOX_DEFAULT_GUEST)
    .globl default_guest_elf_end
default_guest_elf_end:

    .balign 16
    .globl firmware_elf
firmware_elf:
    .incbin STR(RVBOX_FIRMWARE)
    .globl firmware_elf_end
firmware_elf_end:

    .section .note.GNU-stack, "", @progbits
