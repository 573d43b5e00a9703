/*
 * priv_traps.S - synchronous exceptions taken and returned in M-mode.
 *  - ecall (mcause 11), ebreak / c.ebreak (3): mepc = the instruction,
 *    mtval = 0 (for ebreak QEMU 7.2 writes 0; the spec also allows pc)
 *  - illegal instructions (2): reserved/custom opcodes, an OP with an
 *    unused funct7, F-extension instructions (not in RV64IMAC; QEMU has
 *    F but mstatus.FS = Off, which makes them illegal too), mtval = the
 *    32 instruction bits (QEMU 7.2 behaviour, followed). No encoding
 *    used here belongs to Zba/Zbb/Zbc/Zbs, which QEMU's default CPU
 *    implements but RV64IMAC does not.
 *  - trap entry: MPIE <- MIE, MIE <- 0, MPP <- M; mret: MIE <- MPIE,
 *    MPIE <- 1, MPP <- U (least privileged mode), pc <- mepc
 *  - mret returning to M (MPP = M) keeps M privilege (CSRs accessible)
 *  - the handler can skip the faulting instruction by mepc + 4 / + 2
 * See priv_access.S for access faults, priv_umode.S for U-mode.
 */
#include "test_macros.h"

TEST_BEGIN
    /* ecall from M */
    TEST_TRAP(1, CAUSE_MACHINE_ECALL, 0, ecall)
    /* ebreak (32-bit) and c.ebreak */
    TEST_TRAP(2, CAUSE_BREAKPOINT, 0, ebreak)
    TEST_TRAP(3, CAUSE_BREAKPOINT, 0, c.ebreak)
    /* illegal 32-bit encodings: mtval = instruction bits */
    TEST_TRAP(4, CAUSE_ILLEGAL, 0x1234500b, .4byte 0x1234500b)     /* custom-0 opcode */
    TEST_TRAP(5, CAUSE_ILLEGAL, 0xfe000033, .4byte 0xfe000033)     /* OP, funct7 = 0x7f */
    TEST_TRAP(6, CAUSE_ILLEGAL, 0x0000707b, .4byte 0x0000707b)     /* custom-3 opcode */
    TEST_TRAP(7, CAUSE_ILLEGAL, 0x00052007, .4byte 0x00052007)     /* flw ft0, 0(a0) */
    TEST_TRAP(8, CAUSE_ILLEGAL, 0x00000053, .4byte 0x00000053)     /* fadd.s ft0, ft0, ft0 */
    TEST_TRAP(9, CAUSE_ILLEGAL, 0x7e001033, .4byte 0x7e001033)     /* OP, funct7 = 0x3f, funct3 = 1 */
    TEST_TRAP(10, CAUSE_ILLEGAL, 0x0000200f, .4byte 0x0000200f)    /* MISC-MEM, funct3 2 */
    TEST_TRAP(11, CAUSE_ILLEGAL, 0x00007003, .4byte 0x00007003)    /* LOAD, funct3 7 */
    TEST_TRAP(12, CAUSE_ILLEGAL, 0x00004023, .4byte 0x00004023)    /* STORE, funct3 4 */
    TEST_TRAP(13, CAUSE_ILLEGAL, 0x00002063, .4byte 0x00002063)    /* BRANCH, funct3 2 */
    TEST_TRAP(14, CAUSE_ILLEGAL, 0x00001067, .4byte 0x00001067)    /* JALR, funct3 1 */
    TEST_TRAP(15, CAUSE_ILLEGAL, 0x4000403b, .4byte 0x4000403b)    /* OP-32, funct7 = 0x20, funct3 = 4 */
    /* registers are untouched by a trapping instruction (here: the
     * destination of an illegal load-like encoding) */
    TEST_CASE(16, a0, 0x5a5a, li a0, 0x5a5a; EXPECT_TRAP(CAUSE_ILLEGAL, 1f); .4byte 0x00007503; j fail; 1:)

    /* trap entry saves MIE into MPIE, clears MIE, sets MPP = M */
    CASE(17)
    csrw mie, zero                   /* no interrupt source enabled */
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP(CAUSE_MACHINE_ECALL, 1f)
    ecall
    j fail
1:  ld a0, trap_status
    andi a1, a0, MSTATUS_MIE
    CHECK(a1, 0)
    CASE(18)
    andi a1, a0, MSTATUS_MPIE
    CHECK(a1, MSTATUS_MPIE)
    CASE(19)
    li a1, MSTATUS_MPP
    and a1, a0, a1
    CHECK(a1, MSTATUS_MPP_M)
    CASE(20)
    csrr a0, mstatus                 /* the framework resumes with MIE = 0 */
    andi a0, a0, MSTATUS_MIE
    CHECK(a0, 0)
    /* MIE = 0 at the trap: MPIE = 0 */
    CASE(21)
    csrci mstatus, MSTATUS_MIE
    EXPECT_TRAP(CAUSE_MACHINE_ECALL, 1f)
    ecall
    j fail
1:  ld a0, trap_status
    andi a1, a0, MSTATUS_MPIE | MSTATUS_MIE
    CHECK(a1, 0)

    /* mret: MIE <- MPIE (1), MPIE <- 1, MPP <- U, stays in M (MPP was M) */
    CASE(22)
    li a0, MSTATUS_MPP_M | MSTATUS_MPIE
    csrs mstatus, a0
    csrci mstatus, MSTATUS_MIE
    la a0, 1f
    csrw mepc, a0
    mret
    j fail
1:  csrr a0, mstatus                 /* still M: CSR access works */
    andi a1, a0, MSTATUS_MIE
    CHECK(a1, MSTATUS_MIE)
    CASE(23)
    andi a1, a0, MSTATUS_MPIE
    CHECK(a1, MSTATUS_MPIE)
    CASE(24)
    li a1, MSTATUS_MPP
    and a1, a0, a1
    CHECK(a1, 0)                     /* MPP = U after mret */
    csrci mstatus, MSTATUS_MIE
    /* mret: MIE <- MPIE (0) */
    CASE(25)
    li a0, MSTATUS_MPP_M
    csrs mstatus, a0
    li a0, MSTATUS_MPIE
    csrc mstatus, a0
    csrsi mstatus, MSTATUS_MIE
    la a0, 1f
    csrw mepc, a0
    mret
    j fail
1:  csrr a0, mstatus
    andi a1, a0, MSTATUS_MIE | MSTATUS_MPIE
    CHECK(a1, MSTATUS_MPIE)
    /* mret to an address at 2 (mod 4) */
    CASE(26)
    li a0, MSTATUS_MPP_M
    csrs mstatus, a0
    la a0, 2f
    csrw mepc, a0
    mret
    j fail
    .balign 4, 0
    .2byte 0x0001
2:  la a0, 2b
    andi a0, a0, 3
    CHECK(a0, 2)

    /* mcause / mepc / mtval as seen by the handler for two traps in a
     * row: each trap overwrites them */
    CASE(27)
    EXPECT_TRAP(CAUSE_ILLEGAL, 1f)
    .4byte 0x1234500b
    j fail
1:  EXPECT_TRAP(CAUSE_MACHINE_ECALL, 2f)
3:  ecall
    j fail
2:  CHECK_TRAP_EPC(3b)
    CHECK_TRAP_TVAL(0)
    ld a0, trap_cause
    CHECK(a0, CAUSE_MACHINE_ECALL)
    /* the CSRs themselves hold the same values after the handler */
    CASE(28)
    csrr a0, mcause
    CHECK(a0, CAUSE_MACHINE_ECALL)
    csrr a0, mtval
    CHECK(a0, 0)

    /* a handler that resumes after the faulting instruction: run our
     * own mtvec that does mepc += 4 and mret */
    CASE(29)
    la a0, skip_handler
    csrw mtvec, a0
    li a0, 0
    li a1, MSTATUS_MPP_M
    ecall                            /* the handler adds 1 to a0 */
    addi a0, a0, 10
    .4byte 0x1234500b                /* illegal: skipped, +1 */
    addi a0, a0, 100
    c.ebreak                         /* 16-bit: skipped with +2, +1 */
    addi a0, a0, 1000
    la a1, trap_entry
    csrw mtvec, a1
    CHECK(a0, 1113)
TEST_END

    /* mepc += length of the trapping instruction, a0 += 1 */
    .balign 4, 0
skip_handler:
    csrr t0, mepc
    lhu t1, 0(t0)
    andi t1, t1, 3
    addi t0, t0, 2
    li t2, 3
    bne t1, t2, 1f
    addi t0, t0, 2
1:  csrw mepc, t0
    li t0, MSTATUS_MPP_M
    csrs mstatus, t0
    addi a0, a0, 1
    mret
