/* Two instructions of known sizes for GDB to step through: 2 bytes, then 4. */
    .text
    .globl  stepper
    .type   stepper, @function
stepper:
    c.li    a0, 1
    addi    a0, a0, 41          /* too big for c.addi: a 4-byte instruction */
    ret
    .size   stepper, . - stepper
