/*
 * The master list of instructions the hart implements: one line each, in the order of the
 * unprivileged and privileged specs' instruction listings.
 *
 *   INSN(id, mnemonic, format, match, mask)
 *
 * An instruction word w is this instruction when (w & mask) == match. The list generates the
 * `enum insn_op` (cpu/decode.h), the disassembler's names and operand layout (cpu/disasm.c),
 * and the decoder's self-test (tests/unit). The decoder itself (cpu/decode.c) follows the
 * spec's opcode map, and the tests check that both agree for every line.
 *
 * Formats (operand layout for the disassembler):
 *   R rd,rs1,rs2   I rd,rs1,imm   SH rd,rs1,shamt   L rd,imm(rs1)   S rs2,imm(rs1)
 *   B rs1,rs2,target   U rd,imm   J rd,target   JR rd,imm(rs1)   CSR rd,csr,rs1
 *   CSRI rd,csr,uimm   AMO rd,rs2,(rs1)   LR rd,(rs1)   FENCE pred,succ   NONE   SFENCE rs1,rs2
 * and for F and D (f registers fN, integer ones xN; [,rm] printed unless it is dyn):
 *   FL fd,imm(rs1)   FS fs2,imm(rs1)   FR fd,fs1,fs2[,rm]   FR2 fd,fs1,fs2
 *   FR4 fd,fs1,fs2,fs3[,rm]   FR1 fd,fs1[,rm]   FR1N fd,fs1   FXF rd,fs1[,rm]
 *   FXFN rd,fs1   FFX fd,rs1[,rm]   FFXN fd,rs1   FCMP rd,fs1,fs2
 * The rounding mode is not part of any match: a reserved one (5, 6, or 7 with frm
 * holding one) is an illegal instruction when it executes (cpu/fpu.c).
 */

/* RV32I */
INSN(LUI,        "lui",        U,      0x00000037, 0x0000007f)
INSN(AUIPC,      "auipc",      U,      0x00000017, 0x0000007f)
INSN(JAL,        "jal",        J,      0x0000006f, 0x0000007f)
INSN(JALR,       "jalr",       JR,     0x00000067, 0x0000707f)
INSN(BEQ,        "beq",        B,      0x00000063, 0x0000707f)
INSN(BNE,        "bne",        B,      0x00001063, 0x0000707f)
INSN(BLT,        "blt",        B,      0x00004063, 0x0000707f)
INSN(BGE,        "bge",        B,      0x00005063, 0x0000707f)
INSN(BLTU,       "bltu",       B,      0x00006063, 0x0000707f)
INSN(BGEU,       "bgeu",       B,      0x00007063, 0x0000707f)
INSN(LB,         "lb",         L,      0x00000003, 0x0000707f)
INSN(LH,         "lh",         L,      0x00001003, 0x0000707f)
INSN(LW,         "lw",         L,      0x00002003, 0x0000707f)
INSN(LBU,        "lbu",        L,      0x00004003, 0x0000707f)
INSN(LHU,        "lhu",        L,      0x00005003, 0x0000707f)
INSN(SB,         "sb",         S,      0x00000023, 0x0000707f)
INSN(SH,         "sh",         S,      0x00001023, 0x0000707f)
INSN(SW,         "sw",         S,      0x00002023, 0x0000707f)
INSN(ADDI,       "addi",       I,      0x00000013, 0x0000707f)
INSN(SLTI,       "slti",       I,      0x00002013, 0x0000707f)
INSN(SLTIU,      "sltiu",      I,      0x00003013, 0x0000707f)
INSN(XORI,       "xori",       I,      0x00004013, 0x0000707f)
INSN(ORI,        "ori",        I,      0x00006013, 0x0000707f)
INSN(ANDI,       "andi",       I,      0x00007013, 0x0000707f)
INSN(SLLI,       "slli",       SH,     0x00001013, 0xfe00707f)
INSN(SRLI,       "srli",       SH,     0x00005013, 0xfe00707f)
INSN(SRAI,       "srai",       SH,     0x40005013, 0xfe00707f)
INSN(ADD,        "add",        R,      0x00000033, 0xfe00707f)
INSN(SUB,        "sub",        R,      0x40000033, 0xfe00707f)
INSN(SLL,        "sll",        R,      0x00001033, 0xfe00707f)
INSN(SLT,        "slt",        R,      0x00002033, 0xfe00707f)
INSN(SLTU,       "sltu",       R,      0x00003033, 0xfe00707f)
INSN(XOR,        "xor",        R,      0x00004033, 0xfe00707f)
INSN(SRL,        "srl",        R,      0x00005033, 0xfe00707f)
INSN(SRA,        "sra",        R,      0x40005033, 0xfe00707f)
INSN(OR,         "or",         R,      0x00006033, 0xfe00707f)
INSN(AND,        "and",        R,      0x00007033, 0xfe00707f)
INSN(FENCE,      "fence",      FENCE,  0x0000000f, 0x0000707f)
INSN(ECALL,      "ecall",      NONE,   0x00000073, 0xffffffff)
INSN(EBREAK,     "ebreak",     NONE,   0x00100073, 0xffffffff)

/* Zifencei */
INSN(FENCE_I,    "fence.i",    NONE,   0x0000100f, 0x0000707f)

/* Zicsr */
INSN(CSRRW,      "csrrw",      CSR,    0x00001073, 0x0000707f)
INSN(CSRRS,      "csrrs",      CSR,    0x00002073, 0x0000707f)
INSN(CSRRC,      "csrrc",      CSR,    0x00003073, 0x0000707f)
INSN(CSRRWI,     "csrrwi",     CSRI,   0x00005073, 0x0000707f)
INSN(CSRRSI,     "csrrsi",     CSRI,   0x00006073, 0x0000707f)
INSN(CSRRCI,     "csrrci",     CSRI,   0x00007073, 0x0000707f)

/* M */
INSN(MUL,        "mul",        R,      0x02000033, 0xfe00707f)
INSN(MULH,       "mulh",       R,      0x02001033, 0xfe00707f)
INSN(MULHSU,     "mulhsu",     R,      0x02002033, 0xfe00707f)
INSN(MULHU,      "mulhu",      R,      0x02003033, 0xfe00707f)
INSN(DIV,        "div",        R,      0x02004033, 0xfe00707f)
INSN(DIVU,       "divu",       R,      0x02005033, 0xfe00707f)
INSN(REM,        "rem",        R,      0x02006033, 0xfe00707f)
INSN(REMU,       "remu",       R,      0x02007033, 0xfe00707f)

/* A */
INSN(LR_W,       "lr.w",       LR,     0x1000202f, 0xf9f0707f)
INSN(SC_W,       "sc.w",       AMO,    0x1800202f, 0xf800707f)
INSN(AMOSWAP_W,  "amoswap.w",  AMO,    0x0800202f, 0xf800707f)
INSN(AMOADD_W,   "amoadd.w",   AMO,    0x0000202f, 0xf800707f)
INSN(AMOXOR_W,   "amoxor.w",   AMO,    0x2000202f, 0xf800707f)
INSN(AMOAND_W,   "amoand.w",   AMO,    0x6000202f, 0xf800707f)
INSN(AMOOR_W,    "amoor.w",    AMO,    0x4000202f, 0xf800707f)
INSN(AMOMIN_W,   "amomin.w",   AMO,    0x8000202f, 0xf800707f)
INSN(AMOMAX_W,   "amomax.w",   AMO,    0xa000202f, 0xf800707f)
INSN(AMOMINU_W,  "amominu.w",  AMO,    0xc000202f, 0xf800707f)
INSN(AMOMAXU_W,  "amomaxu.w",  AMO,    0xe000202f, 0xf800707f)

/* F */
INSN(FLW,        "flw",        FL,     0x00002007, 0x0000707f)
INSN(FSW,        "fsw",        FS,     0x00002027, 0x0000707f)
INSN(FMADD_S,    "fmadd.s",    FR4,    0x00000043, 0x0600007f)
INSN(FMSUB_S,    "fmsub.s",    FR4,    0x00000047, 0x0600007f)
INSN(FNMSUB_S,   "fnmsub.s",   FR4,    0x0000004b, 0x0600007f)
INSN(FNMADD_S,   "fnmadd.s",   FR4,    0x0000004f, 0x0600007f)
INSN(FADD_S,     "fadd.s",     FR,     0x00000053, 0xfe00007f)
INSN(FSUB_S,     "fsub.s",     FR,     0x08000053, 0xfe00007f)
INSN(FMUL_S,     "fmul.s",     FR,     0x10000053, 0xfe00007f)
INSN(FDIV_S,     "fdiv.s",     FR,     0x18000053, 0xfe00007f)
INSN(FSQRT_S,    "fsqrt.s",    FR1,    0x58000053, 0xfff0007f)
INSN(FSGNJ_S,    "fsgnj.s",    FR2,    0x20000053, 0xfe00707f)
INSN(FSGNJN_S,   "fsgnjn.s",   FR2,    0x20001053, 0xfe00707f)
INSN(FSGNJX_S,   "fsgnjx.s",   FR2,    0x20002053, 0xfe00707f)
INSN(FMIN_S,     "fmin.s",     FR2,    0x28000053, 0xfe00707f)
INSN(FMAX_S,     "fmax.s",     FR2,    0x28001053, 0xfe00707f)
INSN(FCVT_W_S,   "fcvt.w.s",   FXF,    0xc0000053, 0xfff0007f)
INSN(FCVT_WU_S,  "fcvt.wu.s",  FXF,    0xc0100053, 0xfff0007f)
INSN(FMV_X_W,    "fmv.x.w",    FXFN,   0xe0000053, 0xfff0707f)
INSN(FEQ_S,      "feq.s",      FCMP,   0xa0002053, 0xfe00707f)
INSN(FLT_S,      "flt.s",      FCMP,   0xa0001053, 0xfe00707f)
INSN(FLE_S,      "fle.s",      FCMP,   0xa0000053, 0xfe00707f)
INSN(FCLASS_S,   "fclass.s",   FXFN,   0xe0001053, 0xfff0707f)
INSN(FCVT_S_W,   "fcvt.s.w",   FFX,    0xd0000053, 0xfff0007f)
INSN(FCVT_S_WU,  "fcvt.s.wu",  FFX,    0xd0100053, 0xfff0007f)
INSN(FMV_W_X,    "fmv.w.x",    FFXN,   0xf0000053, 0xfff0707f)

/* D */
INSN(FLD,        "fld",        FL,     0x00003007, 0x0000707f)
INSN(FSD,        "fsd",        FS,     0x00003027, 0x0000707f)
INSN(FMADD_D,    "fmadd.d",    FR4,    0x02000043, 0x0600007f)
INSN(FMSUB_D,    "fmsub.d",    FR4,    0x02000047, 0x0600007f)
INSN(FNMSUB_D,   "fnmsub.d",   FR4,    0x0200004b, 0x0600007f)
INSN(FNMADD_D,   "fnmadd.d",   FR4,    0x0200004f, 0x0600007f)
INSN(FADD_D,     "fadd.d",     FR,     0x02000053, 0xfe00007f)
INSN(FSUB_D,     "fsub.d",     FR,     0x0a000053, 0xfe00007f)
INSN(FMUL_D,     "fmul.d",     FR,     0x12000053, 0xfe00007f)
INSN(FDIV_D,     "fdiv.d",     FR,     0x1a000053, 0xfe00007f)
INSN(FSQRT_D,    "fsqrt.d",    FR1,    0x5a000053, 0xfff0007f)
INSN(FSGNJ_D,    "fsgnj.d",    FR2,    0x22000053, 0xfe00707f)
INSN(FSGNJN_D,   "fsgnjn.d",   FR2,    0x22001053, 0xfe00707f)
INSN(FSGNJX_D,   "fsgnjx.d",   FR2,    0x22002053, 0xfe00707f)
INSN(FMIN_D,     "fmin.d",     FR2,    0x2a000053, 0xfe00707f)
INSN(FMAX_D,     "fmax.d",     FR2,    0x2a001053, 0xfe00707f)
INSN(FCVT_S_D,   "fcvt.s.d",   FR1,    0x40100053, 0xfff0007f)
INSN(FCVT_D_S,   "fcvt.d.s",   FR1N,   0x42000053, 0xfff0007f)
INSN(FEQ_D,      "feq.d",      FCMP,   0xa2002053, 0xfe00707f)
INSN(FLT_D,      "flt.d",      FCMP,   0xa2001053, 0xfe00707f)
INSN(FLE_D,      "fle.d",      FCMP,   0xa2000053, 0xfe00707f)
INSN(FCLASS_D,   "fclass.d",   FXFN,   0xe2001053, 0xfff0707f)
INSN(FCVT_W_D,   "fcvt.w.d",   FXF,    0xc2000053, 0xfff0007f)
INSN(FCVT_WU_D,  "fcvt.wu.d",  FXF,    0xc2100053, 0xfff0007f)
INSN(FCVT_D_W,   "fcvt.d.w",   FFXN,   0xd2000053, 0xfff0007f)
INSN(FCVT_D_WU,  "fcvt.d.wu",  FFXN,   0xd2100053, 0xfff0007f)

/* Privileged */
INSN(SRET,       "sret",       NONE,   0x10200073, 0xffffffff)
INSN(MRET,       "mret",       NONE,   0x30200073, 0xffffffff)
INSN(WFI,        "wfi",        NONE,   0x10500073, 0xffffffff)
INSN(SFENCE_VMA, "sfence.vma", SFENCE, 0x12000073, 0xfe007fff)
