/*
 * priv_umode.S - U-mode (entered with mret, MPP = 0; no translation).
 *  - ordinary code, loads and stores run in U-mode
 *  - ecall from U: mcause 8, mepc = the ecall, mtval = 0, MPP = U
 *  - ebreak from U: mcause 3 (mtval 0, QEMU 7.2)
 *  - M-mode CSRs (mstatus, mscratch, mepc, mtvec, mie, mhartid, misa,
 *    mcycle), mret and sfence.vma are illegal in U-mode
 *    (mcause 2, mtval = the instruction bits, as QEMU 7.2 reports)
 *  - wfi in U-mode with mstatus.TW = 1 is illegal (QEMU: time limit 0)
 *  - mcounteren: cycle / instret readable from U only if their bit
 *    (CY = 0, IR = 2) is set. QEMU has S-mode, where U-mode also needs
 *    the scounteren bit; scounteren is therefore written with TRY_CSRW
 *    (skipped if the CSR does not exist, as on an M/U-only machine).
 *  - mret into U and mstatus.MPRV: see case 28 (QEMU 7.2 keeps MPRV)
 *  - machine interrupts are taken in U-mode even with mstatus.MIE = 0:
 *    see irq_timer.S
 * Not tested because implementations legitimately differ: wfi in U-mode
 * with TW = 0 (QEMU, having S-mode, makes it illegal; an M/U-only hart
 * may execute it), and the time CSR (QEMU -M spike has no rdtime: illegal).
 */
#include "test_macros.h"

#define CSR_INSN(f3, rd, rs1, csr) \
    ((((csr) << 20) | ((rs1) << 15) | ((f3) << 12) | ((rd) << 7) | 0x73))
#define CSRR(csr) CSR_INSN(2, 10, 0, csr)             /* csrr a0, csr */

TEST_BEGIN
    /* plain computation and memory access in U-mode */
    CASE(1)
    la a1, u_word
    li a0, 0
    U_BEGIN
    li a0, 40
    addi a0, a0, 2
    sd a0, 0(a1)
    ld a2, 0(a1)
    U_END
    CHECK(a0, 42)
    CASE(2)
    CHECK(a2, 42)
    CASE(3)                              /* the ecall came from U */
    CHECK_TRAP_FROM_U
    CHECK_TRAP_TVAL(0)

    /* ecall from U, its mepc */
    TEST_TRAP_U(4, CAUSE_USER_ECALL, 0, ecall)
    /* ebreak / c.ebreak from U */
    TEST_TRAP_U(5, CAUSE_BREAKPOINT, 0, .4byte 0x00100073)
    TEST_TRAP_U(6, CAUSE_BREAKPOINT, 0, c.ebreak)

    /* M-mode CSRs from U: illegal */
    TEST_TRAP_U(7,  CAUSE_ILLEGAL, CSRR(0x300), csrr a0, mstatus)
    TEST_TRAP_U(8,  CAUSE_ILLEGAL, CSRR(0x340), csrr a0, mscratch)
    TEST_TRAP_U(9,  CAUSE_ILLEGAL, CSRR(0x341), csrr a0, mepc)
    TEST_TRAP_U(10, CAUSE_ILLEGAL, CSRR(0x305), csrr a0, mtvec)
    TEST_TRAP_U(11, CAUSE_ILLEGAL, CSRR(0x304), csrr a0, mie)
    TEST_TRAP_U(12, CAUSE_ILLEGAL, CSRR(0xf14), csrr a0, mhartid)
    TEST_TRAP_U(13, CAUSE_ILLEGAL, CSRR(0x301), csrr a0, misa)
    TEST_TRAP_U(14, CAUSE_ILLEGAL, CSRR(0xb00), csrr a0, mcycle)
    TEST_TRAP_U(15, CAUSE_ILLEGAL, CSR_INSN(1, 0, 11, 0x340), csrw mscratch, a1)
    TEST_TRAP_U(16, CAUSE_ILLEGAL, CSR_INSN(6, 0, 8, 0x300), csrsi mstatus, MSTATUS_MIE)
    /* the U-mode write did not happen */
    TEST_CASE(17, a0, 0, csrr a0, mstatus; andi a0, a0, MSTATUS_MIE)
    /* privileged instructions */
    TEST_TRAP_U(18, CAUSE_ILLEGAL, 0x30200073, mret)
    TEST_TRAP_U(19, CAUSE_ILLEGAL, 0x12000073, sfence.vma)
    /* wfi with TW = 1: the spec allows a wfi that "completes within a
     * bounded time" not to trap; QEMU always traps (time limit 0), and
     * this test follows it */
    li a0, MSTATUS_TW
    csrs mstatus, a0
    TEST_TRAP_U(20, CAUSE_ILLEGAL, 0x10500073, wfi)
    li a0, MSTATUS_TW
    csrc mstatus, a0

    /* counters: mcounteren = 0 -> illegal */
    csrw mcounteren, zero
    TRY_CSRW(scounteren, zero)
    TEST_TRAP_U(21, CAUSE_ILLEGAL, CSRR(0xc00), rdcycle a0)
    TEST_TRAP_U(22, CAUSE_ILLEGAL, CSRR(0xc02), rdinstret a0)
    /* CY | IR set (and scounteren where it exists): readable */
    li a0, 0x5
    csrw mcounteren, a0
    TRY_CSRW(scounteren, a0)
    CASE(23)
    li a0, 0
    li a2, 0
    U_BEGIN
    rdcycle a0
    rdinstret a2
    U_END
    beqz a0, fail
    CASE(24)
    beqz a2, fail
    /* only IR set: cycle illegal again, instret fine */
    li a0, 0x4
    csrw mcounteren, a0
    TEST_TRAP_U(25, CAUSE_ILLEGAL, CSRR(0xc00), rdcycle a0)
    CASE(26)
    U_BEGIN
    rdinstret a2
    U_END
    /* U-mode can never write the counters */
    li a0, 0x5
    csrw mcounteren, a0
    TEST_TRAP_U(27, CAUSE_ILLEGAL, CSR_INSN(1, 0, 10, 0xc00), csrw cycle, a0)
    csrw mcounteren, zero

    /* mret to U: priv spec 1.12 says it clears MPRV; QEMU 7.2 leaves
     * MPRV = 1 (the 1.11 behaviour). Both are accepted: the check only
     * makes sure the round trip works and MPRV is then cleared by hand.
     * (Never rely on either: ENTER_U clears MPRV explicitly.) */
    CASE(28)
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    li a0, MSTATUS_MPP
    csrc mstatus, a0                 /* MPP = U: data accesses in M now
                                        use U privilege (bare: no change) */
    EXPECT_TRAP(CAUSE_USER_ECALL, 2f)
    la a0, 1f
    csrw mepc, a0
    mret
1:  ecall
2:  CHECK_TRAP_FROM_U
    li a1, MSTATUS_MPRV
    csrc mstatus, a1
    csrr a0, mstatus
    and a0, a0, a1
    CHECK(a0, 0)

    /* U-mode jumping around its own code (jal / jalr / branches) */
    CASE(29)
    li a0, 0
    U_BEGIN
    li a3, 5
1:  addi a0, a0, 3
    addi a3, a3, -1
    bnez a3, 1b
    jal ra, u_func
    U_END
    CHECK(a0, 30)

    /* traps from U: the handler sees mstatus.MPP = U, MPIE = old MIE */
    CASE(30)
    csrsi mstatus, MSTATUS_MIE       /* mie = 0: no interrupt can fire */
    li a0, MSTATUS_MPIE
    csrs mstatus, a0                 /* U-mode runs with MIE = MPIE = 1 */
    EXPECT_TRAP(CAUSE_USER_ECALL, 2f)
    la a0, 1f
    csrw mepc, a0
    li a0, MSTATUS_MPP
    csrc mstatus, a0
    mret
1:  ecall
2:  ld a0, trap_status
    andi a0, a0, MSTATUS_MPIE | MSTATUS_MIE
    CHECK(a0, MSTATUS_MPIE)
TEST_END

u_func:
    add a0, a0, a0
    ret

    .data
    .balign 8
u_word:
    .dword 0
