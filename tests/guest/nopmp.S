/*
 * -cpu rv32,pmp=false (ctest runs this test with it): PMP is not checked. The registers
 * are still there and hold their values (rvbox's firmware writes them unconditionally;
 * QEMU removes them instead), but S-mode reaches memory with no entry set, and an entry
 * that would deny it changes nothing.
 */
#include "test_macros.h"
#include "priv_macros.h"

        .data
        .balign 8
n_word: .word   0x12345678

        TEST_START
        TEST_CASE 1                     /* no entry: S-mode runs and loads */
        M_TO_S
        la      a1, n_word
        lw      a0, 0(a1)
        CHECK   a0, 0x12345678
        ECALL_UP
        TEST_CASE 2                     /* an entry that would deny the word: nothing */
        la      t1, n_word
        srli    t1, t1, 2
        csrw    CSR_PMPADDR0, t1
        li      t0, PMP_A_NA4 | PMP_L
        csrw    CSR_PMPCFG0, t0
        csrr    a0, CSR_PMPCFG0
        CHECK   a0, PMP_A_NA4 | PMP_L
        la      a1, n_word
        lw      a0, 0(a1)
        CHECK   a0, 0x12345678
        M_TO_S
        sw      a0, 0(a1)
        ECALL_UP
        TEST_END
