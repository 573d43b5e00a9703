/*
 * irq_soft.S - machine software interrupt through the CLINT msip
 * register (0x0200_0000): msip bit 0 drives mip.MSIP (read-only in mip).
 *  - msip = 1 -> mip.MSIP = 1; msip = 0 -> 0
 *  - taken with mie.MSIE and mstatus.MIE: mcause 0x8000_0000_0000_0003
 *  - priority: with MSI and MTI both pending and enabled, MSI (3) is
 *    taken first (order MEI > MSI > MTI), then MTI (7)
 *  - a store to msip with the interrupt enabled is followed by the trap
 *    soon after (QEMU takes it at the end of the current translation
 *    block, so the test accepts any mepc inside a short loop after the
 *    store; an implementation may take it right after the store)
 */
#include "test_macros.h"

#define MSIP_SET     li t5, CLINT_MSIP; li t4, 1; sw t4, 0(t5)
#define MSIP_CLEAR   li t5, CLINT_MSIP; sw zero, 0(t5)
#define MIP_BITS(r)  csrr r, mip; andi r, r, MIP_MSIP | MIP_MTIP

TEST_BEGIN
    MSIP_CLEAR
    li a0, -1
    li t5, CLINT_MTIMECMP
    sd a0, 0(t5)

    TEST_CASE(1, a0, 0, MIP_BITS(a0))
    TEST_CASE(2, a0, MIP_MSIP, MSIP_SET; MIP_BITS(a0))
    TEST_CASE(3, a0, 1, li t5, CLINT_MSIP; lw a0, 0(t5))
    /* MSIP is read-only in mip: clearing it there does nothing */
    TEST_CASE(4, a0, MIP_MSIP, li a1, MIP_MSIP; csrc mip, a1; MIP_BITS(a0))
    TEST_CASE(5, a0, 0, MSIP_CLEAR; MIP_BITS(a0))

    /* pending but MIE = 0: not taken; setting MIE takes it at once */
    CASE(6)
    MSIP_SET
    li a0, MIP_MSIP
    csrs mie, a0
    li a3, 100
1:  addi a3, a3, -1
    bnez a3, 1b
    EXPECT_TRAP(IRQ_M_SOFT, 2f)
    csrsi mstatus, MSTATUS_MIE
3:  j fail
2:  CHECK_TRAP_EPC(3b)
    CHECK_TRAP_TVAL(0)
    CASE(7)
    csrr a0, mcause
    CHECK(a0, IRQ_M_SOFT)
    MSIP_CLEAR
    TEST_CASE(8, a0, 0, MIP_BITS(a0))

    /* raise it with MIE already set: taken shortly after the store */
    CASE(9)
    li a0, MIP_MSIP
    csrs mie, a0
    csrsi mstatus, MSTATUS_MIE
    EXPECT_TRAP(IRQ_M_SOFT, 2f)
    li t5, CLINT_MSIP
    li t4, 1
    li a3, 1000
    sw t4, 0(t5)
4:  addi a3, a3, -1
    bnez a3, 4b
5:  j fail
2:  ld a0, trap_epc
    la a1, 4b
    bltu a0, a1, fail
    la a1, 5b
    bgtu a0, a1, fail
    MSIP_CLEAR

    /* priority: MSI before MTI */
    CASE(10)
    MSIP_SET
    li t5, CLINT_MTIMECMP
    sd zero, 0(t5)                   /* MTIP pending too */
    li a0, MIP_MSIP | MIP_MTIP
    csrs mie, a0
    MIP_BITS(a0)
    CHECK(a0, MIP_MSIP | MIP_MTIP)
    CASE(11)
    EXPECT_TRAP(IRQ_M_SOFT, 2f)
    csrsi mstatus, MSTATUS_MIE
    j fail
2:  MSIP_CLEAR
    CASE(12)
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    csrsi mstatus, MSTATUS_MIE
    j fail
2:  li a0, -1
    li t5, CLINT_MTIMECMP
    sd a0, 0(t5)
    TEST_CASE(13, a0, 0, MIP_BITS(a0))
    csrw mie, zero
TEST_END
