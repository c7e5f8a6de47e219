/*
 * -cpu rv32,debug=off (ctest runs this test with it): no debug triggers, so the trigger
 * CSRs are illegal instructions, which is how firmware and kernels probe for them.
 */
#include "test_macros.h"
#include "priv_macros.h"

        TEST_START
        TEST_ILLEGAL 1, csrr a0, CSR_TSELECT
        TEST_ILLEGAL 2, csrw CSR_TSELECT, zero
        TEST_ILLEGAL 3, csrr a0, CSR_TDATA1
        TEST_ILLEGAL 4, csrr a0, CSR_TINFO
        TEST_ILLEGAL 5, csrr a0, CSR_TCONTROL
        TEST_END
