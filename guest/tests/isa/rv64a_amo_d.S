/*
 * rv64a_amo_d.S - RV64A 64-bit AMOs: amoswap amoadd amoxor amoand amoor
 * amomin amomax amominu amomaxu (.d). Each case n checks the value
 * returned in rd (the old memory value), case n+1 the memory afterwards.
 * Signed vs unsigned min/max at the INT64 boundaries, wrap-around add,
 * aq/rl variants, rd == x0 (memory still updated), rd == rs2, rd == rs1.
 * Expected values were computed with exact (Python) integer arithmetic.
 */
#include "test_macros.h"

/* memory = init; a0 = insn(a3 = operand, (a1)); check a0 and memory */
#define TEST_AMO_D(n, insn, init, operand, old, new) \
    CASE(n); la a1, amo_buf; li a2, (init); sd a2, 0(a1); li a3, (operand); \
    insn a0, a3, (a1); CHECK(a0, old); \
    CASE((n) + 1); ld a4, 0(a1); CHECK(a4, new); \
    ld a4, 8(a1); CHECK(a4, 0x5a5a5a5a5a5a5a5a)

TEST_BEGIN
    la a1, amo_buf
    li a2, 0x5a5a5a5a5a5a5a5a       /* guard after the target dword */
    sd a2, 8(a1)
    /* amoswap.d */
    TEST_AMO_D(1, amoswap.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
    TEST_AMO_D(3, amoswap.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(5, amoswap.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO_D(7, amoswap.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(9, amoswap.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
    /* amoadd.d */
    TEST_AMO_D(11, amoadd.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x123456789abcdf00)
    TEST_AMO_D(13, amoadd.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_AMO_D(15, amoadd.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
    TEST_AMO_D(17, amoadd.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000)
    TEST_AMO_D(19, amoadd.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0x0000000000000000)
    /* amoxor.d */
    TEST_AMO_D(21, amoxor.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1032547698badcfe)
    TEST_AMO_D(23, amoxor.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x7ffffffffffffffe)
    TEST_AMO_D(25, amoxor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
    TEST_AMO_D(27, amoxor.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xfffffffffffffffe)
    TEST_AMO_D(29, amoxor.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffe)
    /* amoand.d */
    TEST_AMO_D(31, amoand.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0101010101010101)
    TEST_AMO_D(33, amoand.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(35, amoand.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x0000000000000000)
    TEST_AMO_D(37, amoand.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(39, amoand.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0x0000000000000001)
    /* amoor.d */
    TEST_AMO_D(41, amoor.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1133557799bbddff)
    TEST_AMO_D(43, amoor.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_AMO_D(45, amoor.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
    TEST_AMO_D(47, amoor.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO_D(49, amoor.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xffffffffffffffff)
    /* amomin.d */
    TEST_AMO_D(51, amomin.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0123456789abcdef)
    TEST_AMO_D(53, amomin.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(55, amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO_D(57, amomin.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO_D(59, amomin.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
    /* amomax.d */
    TEST_AMO_D(61, amomax.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
    TEST_AMO_D(63, amomax.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_AMO_D(65, amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO_D(67, amomax.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(69, amomax.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0x0000000000000005)
    /* amominu.d */
    TEST_AMO_D(71, amominu.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x0123456789abcdef)
    TEST_AMO_D(73, amominu.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(75, amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO_D(77, amominu.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001)
    TEST_AMO_D(79, amominu.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0x0000000000000005)
    /* amomaxu.d */
    TEST_AMO_D(81, amomaxu.d, 0x0123456789abcdef, 0x1111111111111111, 0x0123456789abcdef, 0x1111111111111111)
    TEST_AMO_D(83, amomaxu.d, 0x7fffffffffffffff, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_AMO_D(85, amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO_D(87, amomaxu.d, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO_D(89, amomaxu.d, 0x0000000000000005, 0xfffffffffffffffb, 0x0000000000000005, 0xfffffffffffffffb)
    /* aq / rl / aqrl encodings behave the same on one hart */
    TEST_AMO_D(91, amoadd.d.aq, 10, 5, 10, 15)
    TEST_AMO_D(93, amoor.d.rl, 0x0f, 0xf0, 0x0f, 0xff)
    TEST_AMO_D(95, amomaxu.d.aqrl, 3, 0xffffffffffffffff, 3, 0xffffffffffffffff)
    /* rd == x0: memory is still updated */
    TEST_CASE(97, a4, 12, la a1, amo_buf; li a2, 5; sd a2, 0(a1); li a3, 7; amoadd.d x0, a3, (a1); ld a4, 0(a1))
    /* rd == rs2: rd gets the old value, memory the old rs2 */
    TEST_CASE(98, a3, 5, la a1, amo_buf; li a2, 5; sd a2, 0(a1); li a3, 9; amoswap.d a3, a3, (a1))
    TEST_CASE(99, a4, 9, ld a4, 0(a1))
    /* rd == rs1: the address is used before rd is written */
    TEST_CASE(100, a5, 0x77, la a1, amo_buf; li a2, 0x77; sd a2, 0(a1); mv a5, a1; li a3, 1; amoadd.d a5, a3, (a5))
    TEST_CASE(101, a4, 0x78, ld a4, 0(a1))
    /* a sequence of AMOs on one location */
    CASE(102)
    la a1, amo_buf
    sd zero, 0(a1)
    li a3, 1
    li a4, 100
1:  amoadd.d zero, a3, (a1)
    addi a4, a4, -1
    bnez a4, 1b
    ld a0, 0(a1)
    CHECK(a0, 100)
TEST_END

    .data
    .balign 64
amo_buf:
    .dword 0, 0
