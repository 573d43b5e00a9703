/*
 * irq_vectored.S - mtvec in vectored mode (mtvec[1:0] = 1): synchronous
 * exceptions go to BASE, interrupt cause c goes to BASE + 4 * c
 * (software interrupt: +12, timer: +28). mtvec reads back as written.
 * Each vector entry is one 32-bit jump to a stub that records which
 * entry ran, then continues in the framework's common handler.
 * BASE is 256-byte aligned.
 */
#include "test_macros.h"

#define MARK(k)   la tp, vec_marks; sd tp, (8 * (k))(tp); j trap_entry

TEST_BEGIN
    li t5, CLINT_MSIP
    sw zero, 0(t5)
    li a0, -1
    li t5, CLINT_MTIMECMP
    sd a0, 0(t5)

    /* install the vector table */
    CASE(1)
    la a1, vec_table
    ori a1, a1, 1
    csrw mtvec, a1
    csrr a0, mtvec
    CHECK_REG(a0, a1)

    /* an exception uses BASE (entry 0) */
    CASE(2)
    EXPECT_TRAP(CAUSE_MACHINE_ECALL, 2f)
    ecall
    j fail
2:  ld a0, vec_marks + 0
    beqz a0, fail
    CASE(3)
    ld a0, vec_marks + 8 * 3
    bnez a0, fail
    ld a0, vec_marks + 8 * 7
    bnez a0, fail
    /* an illegal instruction too */
    CASE(4)
    la a0, vec_marks
    sd zero, 0(a0)
    EXPECT_TRAP(CAUSE_ILLEGAL, 2f)
    .4byte 0x1234500b
    j fail
2:  ld a0, vec_marks + 0
    beqz a0, fail

    /* machine software interrupt: BASE + 12 */
    CASE(5)
    li t5, CLINT_MSIP
    li t4, 1
    sw t4, 0(t5)
    li a0, MIP_MSIP
    csrs mie, a0
    EXPECT_TRAP(IRQ_M_SOFT, 2f)
    csrsi mstatus, MSTATUS_MIE
    j fail
2:  li t5, CLINT_MSIP
    sw zero, 0(t5)
    ld a0, vec_marks + 8 * 3
    beqz a0, fail
    CASE(6)
    ld a0, vec_marks + 8 * 7
    bnez a0, fail

    /* machine timer interrupt: BASE + 28 */
    CASE(7)
    li t5, CLINT_MTIMECMP
    sd zero, 0(t5)
    li a0, MIP_MTIP
    csrs mie, a0
    EXPECT_TRAP(IRQ_M_TIMER, 2f)
    csrsi mstatus, MSTATUS_MIE
    j fail
2:  li a0, -1
    li t5, CLINT_MTIMECMP
    sd a0, 0(t5)
    ld a0, vec_marks + 8 * 7
    beqz a0, fail
    csrw mie, zero

    /* an exception from U-mode also goes to BASE */
    CASE(8)
    la a0, vec_marks
    sd zero, 0(a0)
    TEST_TRAP_U(9, CAUSE_USER_ECALL, 0, ecall)
    ld a0, vec_marks + 0
    beqz a0, fail

    /* back to direct mode */
    CASE(10)
    la a1, trap_entry
    csrw mtvec, a1
    csrr a0, mtvec
    CHECK_REG(a0, a1)
TEST_END

    /* the vector table: 16 entries of exactly 4 bytes each */
    .balign 256, 0
vec_table:
    .option push
    .option norvc
    j vec_exc                        /* 0: exceptions */
    j fail                           /* 1: supervisor software */
    j fail                           /* 2 */
    j vec_msi                        /* 3: machine software */
    j fail                           /* 4 */
    j fail                           /* 5: supervisor timer */
    j fail                           /* 6 */
    j vec_mti                        /* 7: machine timer */
    j fail                           /* 8 */
    j fail                           /* 9: supervisor external */
    j fail                           /* 10 */
    j fail                           /* 11: machine external */
    j fail
    j fail
    j fail
    j fail
    .option pop

vec_exc:
    MARK(0)
vec_msi:
    MARK(3)
vec_mti:
    MARK(7)

    .data
    .balign 64
vec_marks:
    .fill 16, 8, 0
