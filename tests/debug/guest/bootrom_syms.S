/*
 * Not a program: a symbol file for the boot ROM at 0x1000 (devices/machine.c's reset
 * code), for `rvbox --symbols bootrom_syms.elf` (tests/debug, debug.trace-symbols).
 */
    .text
    .globl  bootrom_reset
    .type   bootrom_reset, @function
bootrom_reset:
    .space  0x18
    .size   bootrom_reset, 0x18
    .globl  bootrom_start_addr
    .type   bootrom_start_addr, @object
bootrom_start_addr:
    .space  8
    .size   bootrom_start_addr, 8
    .globl  bootrom_dtb_addr
    .type   bootrom_dtb_addr, @object
bootrom_dtb_addr:
    .space  8
    .size   bootrom_dtb_addr, 8
    .globl  bootrom_fw_dynamic_info
    .type   bootrom_fw_dynamic_info, @object
bootrom_fw_dynamic_info:
    .space  24
    .size   bootrom_fw_dynamic_info, 24
