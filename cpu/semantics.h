/*
 * What each plain instruction does, written once for every engine that executes them
 * (the one-instruction step in cpu/exec.c, the block engine in cpu/exec_block.c): each
 * engine defines the macros it needs and includes this file, so the engines cannot
 * drift apart on semantics, only on how they dispatch.
 *
 *   ALU(op, value)           rd = value
 *   BRANCH(op, condition)    taken when the condition holds; target pc + imm
 *   LOAD(op, size, signed)   rd = the `size`-byte value at x[rs1] + imm
 *   STORE(op, size)          the low `size` bytes of x[rs2] to x[rs1] + imm
 *
 * in terms of A = x[rs1], B = x[rs2], IMM (the sign-extended immediate, as uint32_t)
 * and PC (the instruction's own address). Everything else (jumps, CSRs, atomics,
 * SYSTEM) has side effects on control flow or machine state and is written out by each
 * engine around shared helpers (cpu/exec.h).
 */

#ifdef ALU
ALU(LUI,    IMM)
ALU(AUIPC,  PC + IMM)
ALU(ADDI,   A + IMM)
ALU(SLTI,   (uint32_t)((int32_t)A < (int32_t)IMM))
ALU(SLTIU,  (uint32_t)(A < IMM))
ALU(XORI,   A ^ IMM)
ALU(ORI,    A | IMM)
ALU(ANDI,   A & IMM)
ALU(SLLI,   A << IMM)
ALU(SRLI,   A >> IMM)
ALU(SRAI,   (uint32_t)((int32_t)A >> IMM))
ALU(ADD,    A + B)
ALU(SUB,    A - B)
ALU(SLL,    A << (B & 31))
ALU(SLT,    (uint32_t)((int32_t)A < (int32_t)B))
ALU(SLTU,   (uint32_t)(A < B))
ALU(XOR,    A ^ B)
ALU(SRL,    A >> (B & 31))
ALU(SRA,    (uint32_t)((int32_t)A >> (B & 31)))
ALU(OR,     A | B)
ALU(AND,    A & B)
ALU(MUL,    A * B)
ALU(MULH,   alu_mulh(A, B))
ALU(MULHSU, alu_mulhsu(A, B))
ALU(MULHU,  alu_mulhu(A, B))
ALU(DIV,    alu_div(A, B))
ALU(DIVU,   alu_divu(A, B))
ALU(REM,    alu_rem(A, B))
ALU(REMU,   alu_remu(A, B))
#endif

#ifdef BRANCH
BRANCH(BEQ,  A == B)
BRANCH(BNE,  A != B)
BRANCH(BLT,  (int32_t)A < (int32_t)B)
BRANCH(BGE,  (int32_t)A >= (int32_t)B)
BRANCH(BLTU, A < B)
BRANCH(BGEU, A >= B)
#endif

#ifdef LOAD
LOAD(LB,  1, true)
LOAD(LH,  2, true)
LOAD(LW,  4, false)
LOAD(LBU, 1, false)
LOAD(LHU, 2, false)
#endif

#ifdef STORE
STORE(SB, 1)
STORE(SH, 2)
STORE(SW, 4)
#endif
