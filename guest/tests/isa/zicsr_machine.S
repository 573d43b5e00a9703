/*
 * zicsr_machine.S - machine-level CSRs and CSR access rules (M-mode).
 *  - misa: MXL (bits 63:62) = 2 (RV64), extensions I M A C U present,
 *    E absent, bits 61:26 zero. Other letters are not checked: QEMU's
 *    default CPU also reports S, F, D (Cloak implements M and U only).
 *    misa is never written (QEMU lets a write disable extensions).
 *  - mhartid = 0; mvendorid / marchid / mimpid are readable.
 *  - Read-only CSRs (address bits 11:10 = 0b11: mhartid, mvendorid,
 *    cycle, instret): any instruction that WRITES them is illegal
 *    (csrrw / csrrwi always, csrrs / csrrc with rs1 != x0, csrrsi /
 *    csrrci with uimm != 0), while csrrs/csrrc with rs1 = x0 and
 *    csrrsi/csrrci with uimm = 0 are plain reads and must not trap.
 *    (rs1 != x0 holding 0: see cases 37/38, QEMU 7.2 deviates.)
 *  - Unimplemented CSRs (custom 0x7c0, 0xfc0, 0x8c0): illegal on read.
 *  - mcycle / minstret count up, are writable, and cycle / instret are
 *    their read-only shadows; mhpmcounter3 / mhpmevent3 exist (they may
 *    be read-only zero).
 * mtval on an illegal instruction (QEMU 7.2): the instruction bits.
 */
#include "test_macros.h"

#define CSR_INSN(f3, rd, rs1, csr) \
    ((((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73))
#define F_RW 1
#define F_RS 2
#define F_RC 3
#define F_RWI 5
#define F_RSI 6
#define F_RCI 7
#define X_A0 10
#define X_A1 11

#define MISA_MUST  ((1 << 0) | (1 << 2) | (1 << 8) | (1 << 12) | (1 << 20))  /* A C I M U */

TEST_BEGIN
    /* misa */
    TEST_CASE(1, a0, 2, csrr a0, misa; srli a0, a0, 62)
    TEST_CASE(2, a0, MISA_MUST, csrr a0, misa; li a1, MISA_MUST; and a0, a0, a1)
    TEST_CASE(3, a0, 0, csrr a0, misa; andi a0, a0, (1 << 4))          /* not RV64E */
    TEST_CASE(4, a0, 0, csrr a0, misa; slli a0, a0, 2; srli a0, a0, 28) /* bits 61:26 */

    /* mhartid and the ID registers */
    TEST_CASE(5, a0, 0, li a0, -1; csrr a0, mhartid)
    CASE(6)
    csrr a0, mvendorid
    csrr a0, marchid
    csrr a0, mimpid

    /* writes to read-only CSRs are illegal; mtval = the instruction */
    li a1, 0
    TEST_TRAP(7,  CAUSE_ILLEGAL, CSR_INSN(F_RW, 0, X_A1, 0xf14), csrw mhartid, a1)
    TEST_TRAP(8,  CAUSE_ILLEGAL, CSR_INSN(F_RW, X_A0, X_A1, 0xf14), csrrw a0, mhartid, a1)
    li a1, 1
    TEST_TRAP(9,  CAUSE_ILLEGAL, CSR_INSN(F_RS, X_A0, X_A1, 0xf14), csrrs a0, mhartid, a1)
    TEST_TRAP(10, CAUSE_ILLEGAL, CSR_INSN(F_RC, X_A0, X_A1, 0xf11), csrrc a0, mvendorid, a1)
    li a1, 0
    TEST_TRAP(11, CAUSE_ILLEGAL, CSR_INSN(F_RWI, X_A0, 0, 0xf14), csrrwi a0, mhartid, 0)    /* csrrwi always writes */
    TEST_TRAP(12, CAUSE_ILLEGAL, CSR_INSN(F_RSI, X_A0, 1, 0xf14), csrrsi a0, mhartid, 1)
    TEST_TRAP(13, CAUSE_ILLEGAL, CSR_INSN(F_RCI, X_A0, 1, 0xf14), csrrci a0, mhartid, 1)
    TEST_TRAP(14, CAUSE_ILLEGAL, CSR_INSN(F_RW, 0, X_A1, 0xc00), csrw cycle, a1)
    TEST_TRAP(15, CAUSE_ILLEGAL, CSR_INSN(F_RW, 0, X_A1, 0xc02), csrw instret, a1)
    li a1, 4
    TEST_TRAP(16, CAUSE_ILLEGAL, CSR_INSN(F_RS, 0, X_A1, 0xc00), csrs cycle, a1)
    /* ...while pure reads of them are fine */
    TEST_CASE(17, a0, 0, li a0, -1; csrrs a0, mhartid, x0)
    TEST_CASE(18, a0, 0, li a0, -1; csrrc a0, mhartid, x0)
    TEST_CASE(19, a0, 0, li a0, -1; csrrsi a0, mhartid, 0)
    TEST_CASE(20, a0, 0, li a0, -1; csrrci a0, mhartid, 0)
    CASE(21)
    csrrs a0, cycle, x0
    csrrsi a0, instret, 0

    /* csrrs / csrrc with rs1 != x0 holding ZERO: the spec says this is
     * still a write (illegal on a read-only CSR). QEMU 7.2 decides on
     * the value (mask 0 = no write) and does not trap, returning the
     * value. Both are accepted here; an implementation should trap. */
    CASE(37)
    li a1, 0
    li a0, -1
    EXPECT_TRAP(CAUSE_ILLEGAL, 2f)
    csrrs a0, mhartid, a1
    CLEAR_TRAP
    CHECK(a0, 0)                     /* no trap: a plain read */
    j 3f
2:  CHECK(a0, -1)                    /* trapped: rd untouched */
    CHECK_TRAP_TVAL(CSR_INSN(F_RS, X_A0, X_A1, 0xf14))
3:
    CASE(38)
    li a0, -1
    EXPECT_TRAP(CAUSE_ILLEGAL, 2f)
    csrrc a0, mhartid, a1
    CLEAR_TRAP
    CHECK(a0, 0)
    j 3f
2:  CHECK(a0, -1)
    CHECK_TRAP_TVAL(CSR_INSN(F_RC, X_A0, X_A1, 0xf14))
3:
    /* unimplemented CSRs: illegal even to read */
    TEST_TRAP(22, CAUSE_ILLEGAL, CSR_INSN(F_RS, X_A0, 0, 0x7c0), csrr a0, 0x7c0)
    TEST_TRAP(23, CAUSE_ILLEGAL, CSR_INSN(F_RS, X_A0, 0, 0xfc0), csrr a0, 0xfc0)
    TEST_TRAP(24, CAUSE_ILLEGAL, CSR_INSN(F_RW, 0, X_A1, 0x7c0), csrw 0x7c0, a1)
    TEST_TRAP(25, CAUSE_ILLEGAL, CSR_INSN(F_RS, X_A0, 0, 0x8c0), csrr a0, 0x8c0)
    /* the destination of a trapping CSR read is not written */
    TEST_CASE(26, a0, 0x1234, li a0, 0x1234; EXPECT_TRAP(CAUSE_ILLEGAL, 1f); csrr a0, 0x7c0; j fail; 1:)

    /* mcycle / minstret increase */
    CASE(27)
    csrr a1, mcycle
    nop
    nop
    csrr a2, mcycle
    bleu a2, a1, fail
    CASE(28)
    csrr a1, minstret
    nop
    nop
    csrr a2, minstret
    bleu a2, a1, fail
    /* a loop of 3 x 100 instructions retires at least 300 instructions:
     * minstret grows by at least 1 (QEMU derives it from host time, so
     * only strict growth is checked) */
    CASE(29)
    csrr a1, minstret
    li a3, 100
1:  addi a3, a3, -1
    nop
    bnez a3, 1b
    csrr a2, minstret
    bleu a2, a1, fail
    /* cycle / instret shadow mcycle / minstret: never behind them */
    CASE(30)
    csrr a1, mcycle
    csrr a2, cycle
    bltu a2, a1, fail
    CASE(31)
    csrr a1, minstret
    csrr a2, instret
    bltu a2, a1, fail
    /* mcycle / minstret are writable: after writing X, reads are >= X
     * and not far above */
    CASE(32)
    li a1, 0x0000010000000000
    csrw minstret, a1
    csrr a2, minstret
    bltu a2, a1, fail
    li a3, 0x0000010100000000
    bgeu a2, a3, fail
    CASE(33)
    csrr a2, instret
    bltu a2, a1, fail
    CASE(34)
    li a1, 0x0000020000000000
    csrw mcycle, a1
    csrr a2, mcycle
    bltu a2, a1, fail
    li a3, 0x0000020100000000
    bgeu a2, a3, fail
    CASE(35)
    csrr a2, cycle
    bltu a2, a1, fail

    /* hardware performance monitor registers exist (may read 0). The
     * spec wants all of 3..31; QEMU 7.2 (pmu-num = 16) makes
     * mhpmcounter19..31 illegal, so only number 3 is checked. */
    CASE(36)
    csrr a0, mhpmcounter3
    csrr a0, mhpmevent3
TEST_END
