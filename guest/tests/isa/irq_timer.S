/*
 * irq_timer.S - machine timer interrupt through the CLINT
 * (mtime at 0x0200_bff8, mtimecmp at 0x0200_4000; same on QEMU spike and
 * virt). mip.MTIP = (mtime >= mtimecmp), read-only in mip.
 *  - mtime advances; MTIP follows mtimecmp (past -> 1, all ones -> 0),
 *    also with 32-bit halves written separately
 *  - taken only when mie.MTIE and mstatus.MIE are both set (in M-mode):
 *    mcause = 0x8000_0000_0000_0007, mtval = 0, MPIE = old MIE, MPP = M
 *  - a pending interrupt is taken right after the instruction that
 *    enables it (csrs mstatus / csrs mie): mepc = the next instruction
 *  - in U-mode, M interrupts are enabled whatever mstatus.MIE says
 * The handler resumes with MIE = 0; each case then disarms the timer
 * (mtimecmp = all ones, MTIE = 0).
 */
#include "test_macros.h"

#define READ_MTIME(r)      li t5, CLINT_MTIME; ld r, 0(t5)
#define SET_MTIMECMP(r)    li t5, CLINT_MTIMECMP; sd r, 0(t5)
#define TIMER_OFF          li t5, -1; SET_MTIMECMP(t5); li t5, MIP_MTIP; csrc mie, t5
#define MIP_MTIP_BIT(r)    csrr r, mip; andi r, r, MIP_MTIP

TEST_BEGIN
    TIMER_OFF
    /* mtime advances */
    CASE(1)
    READ_MTIME(a1)
    li a3, 2000
1:  addi a3, a3, -1
    bnez a3, 1b
    READ_MTIME(a2)
    bleu a2, a1, fail

    /* MTIP follows mtimecmp */
    TEST_CASE(2, a0, 0, li a1, -1; SET_MTIMECMP(a1); MIP_MTIP_BIT(a0))
    TEST_CASE(3, a0, MIP_MTIP, SET_MTIMECMP(zero); MIP_MTIP_BIT(a0))
    /* MTIP is read-only in mip */
    TEST_CASE(4, a0, MIP_MTIP, li a1, MIP_MTIP; csrc mip, a1; MIP_MTIP_BIT(a0))
    TEST_CASE(5, a0, 0, li a1, -1; SET_MTIMECMP(a1); MIP_MTIP_BIT(a0))
    /* mtimecmp written as two 32-bit halves */
    CASE(6)
    li t5, CLINT_MTIMECMP
    li a1, -1
    sw a1, 4(t5)                     /* high word first: never pending */
    sw zero, 0(t5)
    MIP_MTIP_BIT(a0)
    CHECK(a0, 0)
    CASE(7)
    li t5, CLINT_MTIMECMP
    sw zero, 4(t5)                   /* mtimecmp = 0 */
    MIP_MTIP_BIT(a0)
    CHECK(a0, MIP_MTIP)
    CASE(8)
    li t5, CLINT_MTIMECMP
    ld a0, 0(t5)
    CHECK(a0, 0)

    /* pending with MTIE = 0 and MIE = 0: nothing happens */
    CASE(9)
    SET_MTIMECMP(zero)
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    /* MIE = 1 but MTIE = 0: still nothing */
    CASE(10)
    csrsi mstatus, MSTATUS_MIE
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    csrci mstatus, MSTATUS_MIE
    /* MTIE = 1 but MIE = 0: still nothing */
    CASE(11)
    li a0, MIP_MTIP
    csrs mie, a0
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    /* now set MIE: taken right after the csrs */
    CASE(12)
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    csrsi mstatus, MSTATUS_MIE
3:  j fail
2:  CHECK_TRAP_EPC(3b)
    CHECK_TRAP_TVAL(0)
    CASE(13)
    ld a0, trap_status
    andi a1, a0, MSTATUS_MPIE
    CHECK(a1, MSTATUS_MPIE)
    li a1, MSTATUS_MPP
    and a1, a0, a1
    CHECK(a1, MSTATUS_MPP_M)
    CASE(14)
    csrr a0, mcause
    CHECK(a0, IRQ_M_TIMER)
    TIMER_OFF

    /* enabling through mie with MIE already 1: taken after csrs mie */
    CASE(15)
    SET_MTIMECMP(zero)
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    li a0, MIP_MTIP
    csrs mie, a0
3:  j fail
2:  CHECK_TRAP_EPC(3b)
    TIMER_OFF

    /* a timer set in the near future fires while the hart spins */
    CASE(16)
    READ_MTIME(a1)
    addi a1, a1, 200
    SET_MTIMECMP(a1)
    li a0, MIP_MTIP
    csrs mie, a0
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    li a3, 50000000
    csrsi mstatus, MSTATUS_MIE
4:  addi a3, a3, -1
    bnez a3, 4b
5:  j fail                           /* never fired */
2:  ld a0, trap_epc                  /* mepc inside the loop */
    la a1, 4b
    bltu a0, a1, fail
    la a1, 5b
    bgtu a0, a1, fail
    CASE(17)
    READ_MTIME(a2)                   /* it fired no earlier than mtimecmp */
    li t5, CLINT_MTIMECMP
    ld a1, 0(t5)
    bltu a2, a1, fail
    TIMER_OFF

    /* U-mode: mstatus.MIE = 0 does not mask M interrupts */
    CASE(18)
    csrci mstatus, MSTATUS_MIE
    li a0, MSTATUS_MPIE
    csrc mstatus, a0
    SET_MTIMECMP(zero)
    li a0, MIP_MTIP
    csrs mie, a0
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    ENTER_U(1f)
1:  nop
    nop
    ebreak                           /* must not get here */
2:  CHECK_TRAP_FROM_U
    ld a0, trap_epc
    la a1, 1b
    bltu a0, a1, fail
    addi a1, a1, 8
    bgtu a0, a1, fail
    TIMER_OFF
    CASE(19)
    MIP_MTIP_BIT(a0)
    CHECK(a0, 0)
TEST_END
