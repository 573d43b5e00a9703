/*
 * rvc_mem.S - RV64C loads and stores, explicit "c." mnemonics:
 * c.lw c.ld c.sw c.sd (base x8..x15, offsets 0..124 step 4 / 0..248
 * step 8) and c.lwsp c.ldsp c.swsp c.sdsp (base sp, offsets 0..252 /
 * 0..504, any destination/source register). c.lw and c.lwsp
 * sign-extend; stores write exactly 4 or 8 bytes.
 */
#include "test_macros.h"

TEST_BEGIN
    /* fill rvc_buf[i] (dwords) with pattern i * 0x0101010101010101,
     * the dword at 0 with 0x80000000_7fffffff */
    la a1, rvc_buf
    li a2, 0x0101010101010101
    li a3, 0
    li a4, 64
1:  mul a5, a3, a2
    sd a5, 0(a1)
    addi a1, a1, 8
    addi a3, a3, 1
    blt a3, a4, 1b
    la a1, rvc_buf
    li a2, 0x800000007fffffff
    sd a2, 0(a1)

    /* c.lw: sign-extended */
    TEST_CASE(1,  a0, 0x7fffffff, la s0, rvc_buf; c.lw a0, 0(s0))
    TEST_CASE(2,  a0, 0xffffffff80000000, c.lw a0, 4(s0))
    TEST_CASE(3,  a0, 0x0f0f0f0f, c.lw a0, 120(s0))               /* dword 15 */
    TEST_CASE(4,  a0, 0x0f0f0f0f, c.lw a0, 124(s0))               /* max offset */
    TEST_CASE(5,  a5, 0x0a0a0a0a, la a4, rvc_buf; c.lw a5, 80(a4))
    TEST_CASE(6,  s1, 0x7fffffff, la s1, rvc_buf; c.lw s1, 0(s1))  /* rd == rs1 */
    /* c.ld */
    TEST_CASE(7,  a0, 0x800000007fffffff, la s1, rvc_buf; c.ld a0, 0(s1))
    TEST_CASE(8,  a0, 0x1f1f1f1f1f1f1f1f, c.ld a0, 248(s1))       /* max offset: dword 31 */
    TEST_CASE(9,  a0, 0x0101010101010101, c.ld a0, 8(s1))
    TEST_CASE(10, a3, 0x1010101010101010, la a2, rvc_buf; c.ld a3, 128(a2))
    /* c.sw: writes 4 bytes */
    TEST_CASE(11, a0, 0x0202020212345678, la s0, rvc_buf; li a1, 0xffffffff12345678; c.sw a1, 16(s0); ld a0, 16(s0))
    TEST_CASE(12, a0, 0xdeadbeef0f0f0f0f, li a1, 0xdeadbeef; c.sw a1, 124(s0); ld a0, 120(s0))
    TEST_CASE(13, a0, 0xffffffffdeadbeef, c.lw a0, 124(s0))
    /* c.sd */
    TEST_CASE(14, a0, 0x0123456789abcdef, li a1, 0x0123456789abcdef; c.sd a1, 248(s0); ld a0, 248(s0))
    TEST_CASE(15, a0, 0x0303030303030303, ld a0, 24(s0))         /* neighbour untouched */
    TEST_CASE(16, a0, -1, li a5, -1; c.sd a5, 0(s0); ld a0, 0(s0))
    TEST_CASE(17, a0, 0x0101010101010101, ld a0, 8(s0))

    /* sp-relative: sp = rvc_buf */
    la sp, rvc_buf
    li a2, 0x800000007fffffff
    sd a2, 0(sp)
    /* c.lwsp: any rd, sign-extended, offset 0..252 */
    TEST_CASE(18, a0, 0x7fffffff, c.lwsp a0, 0(sp))
    TEST_CASE(19, t5, 0xffffffff80000000, c.lwsp t5, 4(sp))
    TEST_CASE(20, ra, 0x01234567, c.lwsp ra, 252(sp))             /* dword 31 (written by case 14), high word */
    TEST_CASE(21, a0, 0x1e1e1e1e, c.lwsp a0, 240(sp))
    /* c.ldsp: any rd, offset 0..504 */
    TEST_CASE(22, a0, 0x800000007fffffff, c.ldsp a0, 0(sp))
    TEST_CASE(23, t4, 0x3f3f3f3f3f3f3f3f, c.ldsp t4, 504(sp))
    TEST_CASE(24, gp, 0x2020202020202020, c.ldsp gp, 256(sp))
    /* c.swsp: any rs2, offset 0..252 */
    TEST_CASE(25, a0, 0x01234567cafef00d, li t5, 0xcafef00d; c.swsp t5, 248(sp); ld a0, 248(sp))
    TEST_CASE(26, a0, 0x12345678cafef00d, li ra, 0x12345678; c.swsp ra, 252(sp); ld a0, 248(sp))
    TEST_CASE(27, a0, 0x8000000000000000, li a3, 0; c.swsp a3, 0(sp); ld a0, 0(sp))
    /* c.sdsp: any rs2, offset 0..504 */
    TEST_CASE(28, a0, 0x5555aaaa5555aaaa, li t5, 0x5555aaaa5555aaaa; c.sdsp t5, 504(sp); ld a0, 504(sp))
    TEST_CASE(29, a0, 0x3e3e3e3e3e3e3e3e, ld a0, 496(sp))         /* neighbour untouched */
    TEST_CASE(30, a0, 0x0102030405060708, li gp, 0x0102030405060708; c.sdsp gp, 8(sp); c.ldsp a0, 8(sp))
    /* c.sdsp of sp itself */
    TEST_CASE(31, a0, 0, c.sdsp sp, 16(sp); ld a0, 16(sp); sub a0, a0, sp)
    la sp, stack_top
TEST_END

    .data
    .balign 64
rvc_buf:
    .skip 512
