/*
 * irq_wfi.S - wfi in M-mode with the machine timer.
 *  - wfi with mstatus.MIE = 0 and mie.MTIE = 1: the hart resumes when
 *    the timer becomes pending, without trapping (the spec also allows
 *    wfi to return early, so it is polled in a loop)
 *  - wfi with an enabled interrupt already pending returns at once
 *  - wfi with MIE = 1: the interrupt is taken; mepc = the instruction
 *    after wfi (QEMU) or the wfi itself (allowed if wfi is treated as a
 *    no-op and the interrupt arrives just before it)
 *  - mstatus.TW = 1 does not affect wfi in M-mode
 */
#include "test_macros.h"

#define READ_MTIME(r)      li t5, CLINT_MTIME; ld r, 0(t5)
#define SET_MTIMECMP(r)    li t5, CLINT_MTIMECMP; sd r, 0(t5)
#define TIMER_OFF          li t5, -1; SET_MTIMECMP(t5); li t5, MIP_MTIP; csrc mie, t5

TEST_BEGIN
    TIMER_OFF
    /* wake-up without a trap (MIE = 0) */
    CASE(1)
    csrci mstatus, MSTATUS_MIE
    READ_MTIME(a1)
    li a0, 2000                      /* 200 us on QEMU (10 MHz) */
    add a1, a1, a0
    SET_MTIMECMP(a1)
    li a0, MIP_MTIP
    csrs mie, a0
    li a3, 10000000                  /* bound on early returns */
1:  wfi
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    bnez a0, 2f
    addi a3, a3, -1
    bnez a3, 1b
    j fail
2:  READ_MTIME(a2)                   /* the timer really expired */
    bltu a2, a1, fail
    CASE(2)
    ld a0, trap_count                /* and nothing trapped */
    CHECK(a0, 0)

    /* pending already: wfi returns immediately (still MIE = 0) */
    CASE(3)
    wfi
    wfi
    csrr a0, mip
    andi a0, a0, MIP_MTIP
    CHECK(a0, MIP_MTIP)
    TIMER_OFF

    /* TW = 1 does not matter in M-mode */
    CASE(4)
    li a0, MSTATUS_TW
    csrs mstatus, a0
    SET_MTIMECMP(zero)
    li a0, MIP_MTIP
    csrs mie, a0
    wfi
    li a0, MSTATUS_TW
    csrc mstatus, a0
    TIMER_OFF

    /* wfi with MIE = 1: the interrupt is taken */
    CASE(5)
    READ_MTIME(a1)
    li a0, 2000
    add a1, a1, a0
    SET_MTIMECMP(a1)
    li a0, MIP_MTIP
    csrs mie, a0
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    li a3, 10000000
    csrsi mstatus, MSTATUS_MIE
3:  wfi
4:  addi a3, a3, -1
    bnez a3, 3b
    j fail
2:  ld a0, trap_epc
    la a1, 4b                        /* usual: right after the wfi */
    beq a0, a1, 5f
    la a1, 3b                        /* or at the wfi */
    beq a0, a1, 5f
    la a1, 3b                        /* or elsewhere in the loop */
    bltu a0, a1, fail
    la a1, 4b + 8
    bgtu a0, a1, fail
5:  TIMER_OFF
    CASE(6)
    ld a0, trap_count
    CHECK(a0, 1)
TEST_END
