/*
 * rvc_alu.S - RV64C integer computational instructions, written with
 * explicit "c." mnemonics (the assembler cannot choose the encoding):
 * c.li c.lui c.addi c.addiw c.addi16sp c.addi4spn c.slli c.srli c.srai
 * c.andi c.mv c.add c.sub c.xor c.or c.and c.subw c.addw c.nop,
 * with the boundary immediates of each format (6-bit signed -32..31,
 * c.lui 1..31 / 0xfffe0..0xfffff, c.addi16sp -512..496, c.addi4spn
 * 4..1020, shift amounts 1..63 incl. 32), results in 64 bits (c.addiw /
 * c.addw / c.subw sign-extend from bit 31), full register range where
 * the format allows it (x1..x31) and the x8..x15 register set otherwise.
 */
#include "test_macros.h"

TEST_BEGIN
    /* c.li: rd = sext(imm6) */
    TEST_CASE(1,  a0, 31, li a0, 0x55; c.li a0, 31)
    TEST_CASE(2,  a0, -32, c.li a0, -32)
    TEST_CASE(3,  a0, 0, li a0, -1; c.li a0, 0)
    TEST_CASE(4,  t5, -1, c.li t5, -1)                        /* x30 */
    TEST_CASE(5,  ra, 1, c.li ra, 1)                          /* x1 */

    /* c.lui: rd = sext(nzimm6 << 12) */
    TEST_CASE(6,  a0, 0x1000, li a0, -1; c.lui a0, 1)
    TEST_CASE(7,  a0, 0x1f000, c.lui a0, 31)
    TEST_CASE(8,  a0, 0xfffffffffffe0000, c.lui a0, 0xfffe0)
    TEST_CASE(9,  a0, 0xfffffffffffff000, c.lui a0, 0xfffff)
    TEST_CASE(10, t5, 0xffffffffffff0000, c.lui t5, 0xffff0)
    TEST_CASE(11, s1, 0x0000000000010000, c.lui s1, 16)

    /* c.addi: rd += sext(nzimm6), 64-bit */
    TEST_CASE(12, a0, 41, li a0, 10; c.addi a0, 31)
    TEST_CASE(13, a0, -22, li a0, 10; c.addi a0, -32)
    TEST_CASE(14, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; c.addi a0, 1)
    TEST_CASE(15, a0, 0x0000000080000000, li a0, 0x7fffffff; c.addi a0, 1)   /* no 32-bit wrap */
    TEST_CASE(16, t5, 0, li t5, 1; c.addi t5, -1)
    TEST_CASE(17, a0, 16, mv s0, sp; c.addi sp, 16; sub a0, sp, s0)
    la sp, stack_top

    /* c.addiw: rd = sext32(rd + sext(imm6)); imm 0 is sext.w */
    TEST_CASE(18, a0, 0xffffffff80000000, li a0, 0x7fffffff; c.addiw a0, 1)
    TEST_CASE(19, a0, -1, li a0, 0x00000000ffffffff; c.addiw a0, 0)
    TEST_CASE(20, a0, 0x7fffffe0, li a0, 0xffffffff80000000; c.addiw a0, -32)
    TEST_CASE(21, a0, 0x1f, li a0, 0x1234567800000000; c.addiw a0, 31)
    TEST_CASE(22, t5, -32, li t5, 0; c.addiw t5, -32)

    /* c.addi16sp: sp += sext(nzimm * 16), -512..496 */
    CASE(23)
    la sp, stack_top
    c.addi16sp sp, -512
    la a0, stack_top - 512
    CHECK_REG(sp, a0)
    CASE(24)
    c.addi16sp sp, 496
    la a0, stack_top - 16
    CHECK_REG(sp, a0)
    CASE(25)
    c.addi16sp sp, 16
    la a0, stack_top
    CHECK_REG(sp, a0)
    CASE(26)
    c.addi16sp sp, -16
    c.addi16sp sp, -16
    la a0, stack_top - 32
    CHECK_REG(sp, a0)

    /* c.addi4spn: rd' = sp + nzuimm, 4..1020 */
    CASE(27)
    la sp, stack_top - 2048
    c.addi4spn a0, sp, 4
    la a1, stack_top - 2044
    CHECK_REG(a0, a1)
    CASE(28)
    c.addi4spn s0, sp, 1020
    la a1, stack_top - 1028
    CHECK_REG(s0, a1)
    CASE(29)
    c.addi4spn a5, sp, 512
    la a1, stack_top - 1536
    CHECK_REG(a5, a1)
    la sp, stack_top

    /* c.slli: rd <<= shamt (1..63), any rd */
    TEST_CASE(30, a0, 2, li a0, 1; c.slli a0, 1)
    TEST_CASE(31, a0, 0x8000000000000000, li a0, 1; c.slli a0, 63)
    TEST_CASE(32, a0, 0x0000000100000000, li a0, 1; c.slli a0, 32)
    TEST_CASE(33, t5, 0x0000000080000000, li t5, 1; c.slli t5, 31)
    TEST_CASE(34, ra, 0xfffffffffffffff0, li ra, -1; c.slli ra, 4)

    /* c.srli / c.srai: rd' shifted right (logical / arithmetic) */
    TEST_CASE(35, a0, 1, li a0, 0x8000000000000000; c.srli a0, 63)
    TEST_CASE(36, a0, 0x4000000000000000, li a0, 0x8000000000000000; c.srli a0, 1)
    TEST_CASE(37, a0, 0x0000000080000000, li a0, 0x8000000000000000; c.srli a0, 32)
    TEST_CASE(38, s1, 0x00000000ffffffff, li s1, -1; c.srli s1, 32)
    TEST_CASE(39, a0, -1, li a0, 0x8000000000000000; c.srai a0, 63)
    TEST_CASE(40, a0, 0xc000000000000000, li a0, 0x8000000000000000; c.srai a0, 1)
    TEST_CASE(41, a0, 0xffffffff80000000, li a0, 0x8000000000000000; c.srai a0, 32)
    TEST_CASE(42, s0, 0x000000003fffffff, li s0, 0x7fffffffffffffff; c.srai s0, 33)
    TEST_CASE(43, a5, 0, li a5, 0x0000000080000000; c.srai a5, 32)

    /* c.andi: rd' &= sext(imm6) */
    TEST_CASE(44, a0, 0x12345678abcdefe0, li a0, 0x12345678abcdefff; c.andi a0, -32)
    TEST_CASE(45, a0, 0x1f, li a0, -1; c.andi a0, 31)
    TEST_CASE(46, a0, 0, li a0, -1; c.andi a0, 0)
    TEST_CASE(47, a0, 0x8000000000000001, li a0, 0x8000000000000001; c.andi a0, -1)
    TEST_CASE(48, s1, 0x10, li s1, 0xff; c.andi s1, 16)

    /* c.mv: rd = rs2 (any registers) */
    TEST_CASE(49, a0, 0x123456789abcdef0, li t5, 0x123456789abcdef0; c.mv a0, t5)
    TEST_CASE(50, t4, -1, li a0, -1; c.mv t4, a0)
    TEST_CASE(51, ra, 0x8000000000000000, li gp, 0x8000000000000000; c.mv ra, gp)

    /* c.add: rd += rs2 (any registers) */
    TEST_CASE(52, a0, 3, li a0, 1; li t5, 2; c.add a0, t5)
    TEST_CASE(53, a0, 0x8000000000000000, li a0, 0x7fffffffffffffff; li a1, 1; c.add a0, a1)
    TEST_CASE(54, t5, 0x100000000, li t5, 0xffffffff; li ra, 1; c.add t5, ra)
    TEST_CASE(55, a0, 0x2468, li a0, 0x1234; c.add a0, a0)

    /* c.sub / c.xor / c.or / c.and: rd' op= rs2' (x8..x15) */
    TEST_CASE(56, a0, -1, li a0, 1; li a1, 2; c.sub a0, a1)
    TEST_CASE(57, s0, 0x7fffffffffffffff, li s0, 0x8000000000000000; li s1, 1; c.sub s0, s1)
    TEST_CASE(58, a5, 0, li a5, 0x1234; c.sub a5, a5)
    TEST_CASE(59, a0, 0xf00ff00ff00ff00f, li a0, 0xff00ff00ff00ff00; li a4, 0x0f0f0f0f0f0f0f0f; c.xor a0, a4)
    TEST_CASE(60, a0, 0, li a0, 0x5555; c.xor a0, a0)
    TEST_CASE(61, a0, 0xff0fff0fff0fff0f, li a0, 0xff00ff00ff00ff00; li a4, 0x0f0f0f0f0f0f0f0f; c.or a0, a4)
    TEST_CASE(62, s1, 0x8000000000000001, li s1, 1; li a2, 0x8000000000000000; c.or s1, a2)
    TEST_CASE(63, a0, 0x0f000f000f000f00, li a0, 0xff00ff00ff00ff00; li a4, 0x0f0f0f0f0f0f0f0f; c.and a0, a4)
    TEST_CASE(64, a3, 0, li a3, 0xaaaaaaaaaaaaaaaa; li s0, 0x5555555555555555; c.and a3, s0)

    /* c.subw / c.addw: 32-bit, sign-extended */
    TEST_CASE(65, a0, 0xffffffff80000000, li a0, 0x7fffffff; li a1, 1; c.addw a0, a1)
    TEST_CASE(66, a0, 3, li a0, 0xffffffff00000001; li a1, 0x0000000100000002; c.addw a0, a1)
    TEST_CASE(67, a0, 0, li a0, 0xffffffff; li a1, 1; c.addw a0, a1)
    TEST_CASE(68, a0, 0x7fffffff, li a0, 0x80000000; li a1, 1; c.subw a0, a1)
    TEST_CASE(69, a0, -1, li a0, 0; li a1, 1; c.subw a0, a1)
    TEST_CASE(70, s0, 0xffffffff80000000, li s0, 0; li s1, 0x80000000; c.subw s0, s1)
    TEST_CASE(71, a5, 0, li a5, 0x1234567800000000; c.subw a5, a5)

    /* c.nop and a HINT (c.addi x0, 1 = c.nop with a non-zero immediate):
     * no architectural effect */
    TEST_CASE(72, a0, 7, li a0, 7; c.nop; .2byte 0x0005; c.nop)
    /* other HINTs: c.li x0, c.mv x0, c.add x0, c.lui x0 */
    TEST_CASE(73, a0, 8, li a0, 8; .2byte 0x4015; .2byte 0x802a; .2byte 0x902a; .2byte 0x6005)

    /* the compressed forms chained, mixed with 32-bit instructions at
     * 2 (mod 4) addresses */
    CASE(74)
    c.li a0, 5
    c.slli a0, 3                     /* 40 */
    addi a0, a0, 2                   /* 42: a 32-bit instruction at 2 (mod 4) */
    c.addi a0, -1                    /* 41 */
    c.mv a1, a0
    c.add a0, a1                     /* 82 */
    CHECK(a0, 82)
TEST_END
