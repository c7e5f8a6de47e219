/* Guest code built into rvbox so that `rvbox` alone works: the default guest (Kite,
 * guest-os/, booted when no -kernel is given) with its disk image, and rvbox's SBI
 * firmware (the default -bios). CMake passes their paths. */
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
    .globl default_disk
default_disk:
    .incbin STR(RVBOX_DEFAULT_DISK)
    .globl default_disk_end
default_disk_end:

    .balign 16
    .globl firmware_elf
firmware_elf:
    .incbin STR(RVBOX_FIRMWARE)
    .globl firmware_elf_end
firmware_elf_end:

    .section .note.GNU-stack, "", @progbits
