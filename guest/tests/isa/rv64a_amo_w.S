/*
 * rv64a_amo_w.S - RV64A 32-bit AMOs: amoswap amoadd amoxor amoand amoor
 * amomin amomax amominu amomaxu (.w). The value returned in rd is the
 * old 32-bit memory word SIGN-EXTENDED to 64 bits (also for amominu /
 * amomaxu); only bits 31:0 of rs2 take part; min/max compare 32-bit
 * values (signed or unsigned); only the addressed word is written.
 * Case n checks rd, case n+1 the memory: the target word is the upper
 * half (offset 4) of a dword whose lower half is a guard 0xa5a5a5a5.
 * Expected values were computed with exact (Python) integer arithmetic.
 */
#include "test_macros.h"

#define TEST_AMO_W(n, insn, init, operand, old, new) \
    CASE(n); la a1, amo_buf; li a2, ((init) << 32) | 0xa5a5a5a5; sd a2, 0(a1); \
    addi a1, a1, 4; li a3, (operand); insn a0, a3, (a1); CHECK(a0, old); \
    CASE((n) + 1); ld a4, -4(a1); CHECK(a4, ((new) << 32) | 0xa5a5a5a5)

TEST_BEGIN
    /* amoswap.w */
    TEST_AMO_W(1, amoswap.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x11111111)
    TEST_AMO_W(3, amoswap.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x00000001)
    TEST_AMO_W(5, amoswap.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff)
    TEST_AMO_W(7, amoswap.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001)
    TEST_AMO_W(9, amoswap.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0xfffffffb)
    /* amoadd.w */
    TEST_AMO_W(11, amoadd.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x23456789)
    TEST_AMO_W(13, amoadd.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x80000000)
    TEST_AMO_W(15, amoadd.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff)
    TEST_AMO_W(17, amoadd.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000000)
    TEST_AMO_W(19, amoadd.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0x00000000)
    /* amoxor.w */
    TEST_AMO_W(21, amoxor.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x03254769)
    TEST_AMO_W(23, amoxor.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x7ffffffe)
    TEST_AMO_W(25, amoxor.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff)
    TEST_AMO_W(27, amoxor.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xfffffffe)
    TEST_AMO_W(29, amoxor.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0xfffffffe)
    /* amoand.w */
    TEST_AMO_W(31, amoand.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x10101010)
    TEST_AMO_W(33, amoand.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x00000001)
    TEST_AMO_W(35, amoand.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x00000000)
    TEST_AMO_W(37, amoand.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001)
    TEST_AMO_W(39, amoand.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0x00000001)
    /* amoor.w */
    TEST_AMO_W(41, amoor.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x13355779)
    TEST_AMO_W(43, amoor.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x7fffffff)
    TEST_AMO_W(45, amoor.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0xffffffff)
    TEST_AMO_W(47, amoor.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff)
    TEST_AMO_W(49, amoor.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0xffffffff)
    /* amomin.w */
    TEST_AMO_W(51, amomin.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x11111111)
    TEST_AMO_W(53, amomin.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x00000001)
    TEST_AMO_W(55, amomin.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(57, amomin.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff)
    TEST_AMO_W(59, amomin.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0xfffffffb)
    /* amomax.w */
    TEST_AMO_W(61, amomax.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x12345678)
    TEST_AMO_W(63, amomax.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x7fffffff)
    TEST_AMO_W(65, amomax.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff)
    TEST_AMO_W(67, amomax.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001)
    TEST_AMO_W(69, amomax.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0x00000005)
    /* amominu.w */
    TEST_AMO_W(71, amominu.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x11111111)
    TEST_AMO_W(73, amominu.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x00000001)
    TEST_AMO_W(75, amominu.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x7fffffff)
    TEST_AMO_W(77, amominu.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x00000001)
    TEST_AMO_W(79, amominu.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0x00000005)
    /* amomaxu.w */
    TEST_AMO_W(81, amomaxu.w, 0x12345678, 0x0000000011111111, 0x0000000012345678, 0x12345678)
    TEST_AMO_W(83, amomaxu.w, 0x7fffffff, 0x0000000000000001, 0x000000007fffffff, 0x7fffffff)
    TEST_AMO_W(85, amomaxu.w, 0x80000000, 0x000000007fffffff, 0xffffffff80000000, 0x80000000)
    TEST_AMO_W(87, amomaxu.w, 0xffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffff)
    TEST_AMO_W(89, amomaxu.w, 0x00000005, 0x00000000fffffffb, 0x0000000000000005, 0xfffffffb)
    /* upper 32 bits of rs2 are ignored */
    TEST_AMO_W(91, amoadd.w, 0x00000001, 0xffffffff00000001, 0x0000000000000001, 0x00000002)
    TEST_AMO_W(93, amominu.w, 0x00000005, 0x0000000100000003, 0x0000000000000005, 0x00000003)
    TEST_AMO_W(95, amomin.w, 0x00000005, 0x00000000fffffffe, 0x0000000000000005, 0xfffffffe)
    TEST_AMO_W(97, amomaxu.w, 0x80000000, 0xffffffff00000001, 0xffffffff80000000, 0x80000000)
    /* aq / rl variants */
    TEST_AMO_W(99, amoswap.w.aq, 0xdeadbeef, 0x1, 0xffffffffdeadbeef, 0x00000001)
    TEST_AMO_W(101, amoxor.w.rl, 0xffff0000, 0xffffffff, 0xffffffffffff0000, 0x0000ffff)
    TEST_AMO_W(103, amoand.w.aqrl, 0x7fffffff, 0x80000001, 0x000000007fffffff, 0x00000001)
    /* the lower word of a dword (offset 0): upper half untouched */
    CASE(105)
    la a1, amo_buf
    li a2, 0x11223344ffffffff
    sd a2, 0(a1)
    li a3, 1
    amoadd.w a0, a3, (a1)
    CHECK(a0, -1)
    CASE(106)
    ld a0, 0(a1)
    CHECK(a0, 0x1122334400000000)
    /* rd == x0 */
    CASE(107)
    li a3, 0x7f
    amoor.w x0, a3, (a1)
    ld a0, 0(a1)
    CHECK(a0, 0x112233440000007f)
TEST_END

    .data
    .balign 64
amo_buf:
    .dword 0, 0
