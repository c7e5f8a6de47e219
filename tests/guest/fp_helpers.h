/*
 * The helpers of the floating-point guest tests (rv32uf.S, rv32ud.S): each generated
 * vector (fp_cases_s.h, fp_cases_d.h) points a1 at its entry
 *
 *   singles: .word  a, b, c, expected;  .word flags, 0
 *   doubles: .dword a, b, c, expected;  .word flags, 0
 *
 * (an integer operand is `a`; an integer result is `expected`'s low word), calls
 * fp_load_<fmt> (f1, f2, f4 = a, b, c; a2 = a's low word; fflags cleared), runs the
 * instruction into f3 or a0, and calls fp_check_<fmt>_<f|x>, which compares the result
 * and fflags. s7 holds the vector's number, printed when one fails:
 *
 *   FAIL vector 17 (result)
 *   FAIL case 1: got 0x3f800000, expected 0x3f800001
 *
 * (result, result's high word, or fflags). Clobbers t5, t6 and a3 besides.
 */
#ifndef RVBOX_FP_HELPERS_H
#define RVBOX_FP_HELPERS_H

.macro FP_HELPERS_S
        .text
        .balign 4
fp_load_s:
        flw     f1, 0(a1)
        flw     f2, 4(a1)
        flw     f4, 8(a1)
        lw      a2, 0(a1)
        csrwi   fflags, 0
        ret
fp_check_s_f:
        fmv.x.w t5, f3
        lw      t6, 12(a1)
        li      a3, 0
        bne     t5, t6, fp_fail
        li      a3, 2
        csrr    t5, fflags
        lw      t6, 16(a1)
        bne     t5, t6, fp_fail
        ret
fp_check_s_x:
        mv      t5, a0
        lw      t6, 12(a1)
        li      a3, 0
        bne     t5, t6, fp_fail
        li      a3, 2
        csrr    t5, fflags
        lw      t6, 16(a1)
        bne     t5, t6, fp_fail
        ret
        FP_FAIL
.endm

.macro FP_HELPERS_D
        .text
        .balign 4
fp_load_d:
        fld     f1, 0(a1)
        fld     f2, 8(a1)
        fld     f4, 16(a1)
        lw      a2, 0(a1)
        csrwi   fflags, 0
        ret
fp_check_d_f:
        la      t5, fp_scratch
        fsd     f3, 0(t5)
        lw      t5, 0(t5)
        lw      t6, 24(a1)
        li      a3, 0
        bne     t5, t6, fp_fail
        la      t5, fp_scratch
        lw      t5, 4(t5)
        lw      t6, 28(a1)
        li      a3, 1
        bne     t5, t6, fp_fail
        li      a3, 2
        csrr    t5, fflags
        lw      t6, 32(a1)
        bne     t5, t6, fp_fail
        ret
fp_check_d_x:
        mv      t5, a0
        lw      t6, 24(a1)
        li      a3, 0
        bne     t5, t6, fp_fail
        li      a3, 2
        csrr    t5, fflags
        lw      t6, 32(a1)
        bne     t5, t6, fp_fail
        ret
        .pushsection .bss
        .balign 8
fp_scratch:
        .skip   8
        .popsection
        FP_FAIL
.endm

/* A vector failed (a3: 0 the result, 1 its high word, 2 fflags): say which, then report
 * got (t5) and expected (t6) as every check does. */
.macro FP_FAIL
fp_fail:
        mv      s6, a3
        mv      s5, t5
        mv      s4, t6
        jal     ra, print_begin
        la      a0, fp_msg_vector
        jal     ra, print_str
        mv      a0, s7
        jal     ra, fp_print_num
        la      a0, fp_msg_result
        beqz    s6, 1f
        la      a0, fp_msg_high
        li      t0, 1
        beq     s6, t0, 1f
        la      a0, fp_msg_flags
1:      jal     ra, print_str
        mv      t5, s5
        mv      t6, s4
        j       test_fail_value
/* fp_print_num(a0): up to 9999 in decimal (print_dec stops at 999). */
fp_print_num:
        mv      s3, ra
        mv      s2, a0
        li      t0, 1000
        bltu    s2, t0, 3f
        li      a0, 0
2:      bltu    s2, t0, 4f
        sub     s2, s2, t0
        addi    a0, a0, 1
        j       2b
4:      addi    a0, a0, '0'
        jal     ra, print_char
        li      t0, 100
        bgeu    s2, t0, 3f
        li      a0, '0'
        jal     ra, print_char
        li      t0, 10
        bgeu    s2, t0, 3f
        li      a0, '0'
        jal     ra, print_char
3:      mv      a0, s2
        jal     ra, print_dec
        mv      ra, s3
        ret
        .pushsection .rodata
fp_msg_vector: .asciz "FAIL vector "
fp_msg_result: .asciz " (result)\n"
fp_msg_high:   .asciz " (result's high word)\n"
fp_msg_flags:  .asciz " (fflags)\n"
        .popsection
.endm

#endif
