/*
 * rv64i_jump.S - RV64I jal and jalr: link value (pc + 4), jal forward and
 * backward and beyond the 4 KiB branch range, jal/jalr with rd = x0,
 * jalr target = (rs1 + imm) & ~1 (bit 0 cleared, so an odd target is not
 * an exception), negative immediates, rd == rs1 (the target uses the old
 * rs1), and targets at 2 (mod 4), legal because the machine has C (with
 * C, no jump can raise instruction-address-misaligned).
 * Assembled without RVC.
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* jal: link = address of the next instruction */
    CASE(1)
    li ra, 0
1:  jal ra, 2f
3:  j fail
2:  CHECK_ADDR(ra, 3b)

    /* jal with another link register */
    CASE(2)
1:  jal t0, 2f
3:  j fail
2:  CHECK_ADDR(t0, 3b)

    /* jal x0 (plain jump): no link written anywhere */
    CASE(3)
    li ra, 0x1234
    jal x0, 1f
    j fail
1:  CHECK(ra, 0x1234)

    /* jal backward */
    CASE(4)
    li a0, 0
    j 2f
1:  addi a0, a0, 1
    j 3f
2:  jal t1, 1b
    j fail
3:  CHECK(a0, 1)

    /* jal over more than 4 KiB (exercises immediate bits 12..19) */
    CASE(5)
    jal t1, far_forward
far_back:
    j 1f
    j fail
1:  CHECK(a0, 0xfa)

    /* jalr: target = rs1 + imm, link = pc + 4 */
    CASE(6)
    la t0, 2f
    li ra, 0
1:  jalr ra, 0(t0)
3:  j fail
2:  CHECK_ADDR(ra, 3b)

    /* jalr with a positive immediate */
    CASE(7)
    la t0, 2f - 8
    jalr ra, 8(t0)
    j fail
2:
    /* jalr with a negative immediate */
    CASE(8)
    la t0, 2f + 2047
    jalr ra, -2047(t0)
    j fail
2:
    CASE(9)
    la t0, 2f + 2048
    jalr ra, -2048(t0)
    j fail
2:
    /* bit 0 of the sum is cleared: odd base */
    CASE(10)
    la t0, 2f
    addi t0, t0, 1
    jalr ra, 0(t0)
    j fail
2:
    /* bit 0 of the sum is cleared: odd immediate */
    CASE(11)
    la t0, 2f - 1
    jalr ra, 1(t0)
    j fail
2:
    /* odd base and odd immediate: sum is even, nothing to clear */
    CASE(12)
    la t0, 2f + 3
    jalr ra, -3(t0)
    j fail
2:
    /* rd == rs1: the target uses the old value, then rd gets the link */
    CASE(13)
    la t0, 2f
1:  jalr t0, 0(t0)
3:  j fail
2:  CHECK_ADDR(t0, 3b)

    /* jalr x0 (indirect jump): no link */
    CASE(14)
    la t0, 2f
    li ra, 0x77
    jalr x0, 0(t0)
    j fail
2:  CHECK(ra, 0x77)

    /* call / ret through a function that returns with jalr x0, 0(ra) */
    CASE(15)
    li a0, 1
    call jump_double
    call jump_double
    CHECK(a0, 4)

    /* jalr to a target at 2 (mod 4) */
    CASE(16)
    la t0, 2f
    li a0, 0
    jalr ra, 0(t0)
    j fail
    .balign 4, 0
    .2byte 0x0001
2:  addi a0, a0, 16             /* 32-bit instruction at 2 (mod 4) */
    CHECK(a0, 16)
    la t0, 2b
    andi t0, t0, 3
    CHECK(t0, 2)

    /* jal to a target at 2 (mod 4) */
    CASE(17)
    li a0, 0
    jal ra, 2f
    j fail
    .balign 4, 0
    .2byte 0x0001
2:  addi a0, a0, 17
    CHECK(a0, 17)

    /* link written by a jump at 2 (mod 4) is pc + 4, still 2 (mod 4) */
    CASE(18)
    j 1f
    .balign 4, 0
    .2byte 0x0001
1:  jal ra, 2f
3:  j fail
2:  CHECK_ADDR(ra, 3b)
    andi t0, ra, 3
    CHECK(t0, 2)

    /* jalr x0 with rs1 = ra (ret) to an odd address: bit 0 cleared */
    CASE(19)
    la ra, 2f + 1
    jalr x0, 0(ra)
    j fail
2:
    /* jal x0 in a loop: backward unconditional jumps */
    CASE(20)
    li a0, 3
1:  addi a0, a0, -1
    beq a0, zero, 2f
    jal x0, 1b
2:  CHECK(a0, 0)
TEST_END

jump_double:
    add a0, a0, a0
    jalr x0, 0(ra)

    /* far away target for case 5 (> 4 KiB, < 1 MiB) */
    .fill 3000, 4, 0
far_forward:
    li a0, 0xfa
    la t2, far_back
    bne t1, t2, fail            /* the link of the far jal */
    jal x0, far_back
