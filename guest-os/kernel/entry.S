/* The firmware enters here in S-mode: a0 = hart id, a1 = device tree, paging off.
 * Give C a stack, clear .bss, and call main(hartid, dtb). */
    .section .text.entry
    .globl _entry
_entry:
    la sp, boot_stack_top
    la t0, bss_start
    la t1, bss_end
1:  bgeu t0, t1, 2f
    sw zero, 0(t0)
    addi t0, t0, 4
    j 1b
2:  call main
3:  wfi
    j 3b

    .section .bss
    .balign 16
boot_stack:
    .space 16384
    .globl boot_stack_top
boot_stack_top:
