/*
 * rv64i_shift.S - RV64I 64-bit shifts: sll srl sra slli srli srai.
 * Register forms use the low 6 bits of rs2 only (shift by 64 == by 0,
 * by 65 == by 1, by -1 == by 63). Shift amounts 0, 1, 31, 32, 63.
 * Assembled without RVC (32-bit encodings only).
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* sll */
    TEST_RR(1,  sll, 0x0000000000000001, 1, 0)
    TEST_RR(2,  sll, 0x0000000000000002, 1, 1)
    TEST_RR(3,  sll, 0x0000000080000000, 1, 31)        /* no sign extension */
    TEST_RR(4,  sll, 0x0000000100000000, 1, 32)
    TEST_RR(5,  sll, 0x8000000000000000, 1, 63)
    TEST_RR(6,  sll, 0x0000000000000001, 1, 64)        /* only 6 bits used */
    TEST_RR(7,  sll, 0x0000000000000002, 1, 65)
    TEST_RR(8,  sll, 0x8000000000000000, 1, -1)
    TEST_RR(9,  sll, 0xfffffffffffffffe, -1, 1)
    TEST_RR(10, sll, 0x2345678900000000, 0x0123456789, 32)
    TEST_RR(11, sll, 0x91a2b3c480000000, 0x123456789, 31)
    TEST_RR(12, sll, 0x8000000000000000, 0xffffffffffffffff, 63)
    TEST_RR(13, sll, 0x123456789abcdef0, 0x123456789abcdef0, 0xffffffffffffffc0) /* low 6 bits 0 */
    TEST_RR_RD_RS1(14, sll, 0x100, 1, 8)
    TEST_RR_RD_RS2(15, sll, 0x100, 1, 8)
    TEST_RR_RS1_RS2(16, sll, 24, 3)                    /* 3 << 3 = 24 */

    /* srl: logical */
    TEST_RR(17, srl, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_RR(18, srl, 0x4000000000000000, 0x8000000000000000, 1)
    TEST_RR(19, srl, 0x0000000100000000, 0x8000000000000000, 31)
    TEST_RR(20, srl, 0x0000000080000000, 0x8000000000000000, 32)
    TEST_RR(21, srl, 0x0000000000000001, 0x8000000000000000, 63)
    TEST_RR(22, srl, 0x8000000000000000, 0x8000000000000000, 64)
    TEST_RR(23, srl, 0x0000000000000001, 0xffffffffffffffff, -1)
    TEST_RR(24, srl, 0x00000000ffffffff, 0xffffffffffffffff, 32)
    TEST_RR(25, srl, 0x00000001ffffffff, 0xffffffffffffffff, 31)
    TEST_RR(26, srl, 0x0000000000000000, 0x0000000080000000, 32)
    TEST_RR_RD_RS1(27, srl, 0x1, 0x100, 8)
    TEST_RR_RD_RS2(28, srl, 0x1, 0x100, 8)
    TEST_RR_RS1_RS2(29, srl, 0x0, 7)                   /* 7 >> 7 = 0 */

    /* sra: arithmetic */
    TEST_RR(30, sra, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_RR(31, sra, 0xc000000000000000, 0x8000000000000000, 1)
    TEST_RR(32, sra, 0xffffffff00000000, 0x8000000000000000, 31)
    TEST_RR(33, sra, 0xffffffff80000000, 0x8000000000000000, 32)
    TEST_RR(34, sra, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_RR(35, sra, 0x8000000000000000, 0x8000000000000000, 64)
    TEST_RR(36, sra, 0x0000000000000000, 0x7fffffffffffffff, 63)
    TEST_RR(37, sra, 0x000000003fffffff, 0x7fffffffffffffff, 33)
    TEST_RR(38, sra, 0x0000000000000000, 0x0000000080000000, 32) /* bit 31 is not the sign */
    TEST_RR(39, sra, 0xffffffffffffffff, 0xffffffffffffffff, -1)
    TEST_RR(40, sra, 0xfffffffffedcba98, 0xfedcba9876543210, 32)
    TEST_RR_RD_RS1(41, sra, -1, -256, 8)
    TEST_RR_RD_RS2(42, sra, -1, -256, 8)

    /* slli / srli / srai: 6-bit shamt */
    TEST_RI(43, slli, 0x0000000000000001, 1, 0)
    TEST_RI(44, slli, 0x0000000080000000, 1, 31)
    TEST_RI(45, slli, 0x0000000100000000, 1, 32)
    TEST_RI(46, slli, 0x8000000000000000, 1, 63)
    TEST_RI(47, slli, 0xffffffff00000000, 0xffffffffffffffff, 32)
    TEST_RI(48, slli, 0x8000000000000000, 0x0000000000000003, 63)
    TEST_RI(49, slli, 0x468acf1200000000, 0x123456789, 33)
    TEST_RI(50, srli, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_RI(51, srli, 0x0000000100000000, 0x8000000000000000, 31)
    TEST_RI(52, srli, 0x0000000080000000, 0x8000000000000000, 32)
    TEST_RI(53, srli, 0x0000000000000001, 0x8000000000000000, 63)
    TEST_RI(54, srli, 0x00000000ffffffff, 0xffffffffffffffff, 32)
    TEST_RI(55, srli, 0x0000000000000001, 0xffffffffffffffff, 63)
    TEST_RI(56, srai, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_RI(57, srai, 0xffffffff00000000, 0x8000000000000000, 31)
    TEST_RI(58, srai, 0xffffffff80000000, 0x8000000000000000, 32)
    TEST_RI(59, srai, 0xffffffffffffffff, 0x8000000000000000, 63)
    TEST_RI(60, srai, 0x0000000000000000, 0x7fffffffffffffff, 63)
    TEST_RI(61, srai, 0x000000003fffffff, 0x7fffffffffffffff, 33)
    TEST_RI(62, srai, 0x0000000000000001, 0x0000000080000000, 31)
    TEST_RI(63, srai, 0xfffffffffedcba98, 0xfedcba9876543210, 32)
    TEST_RI_RD_RS1(64, slli, 0x1000, 1, 12)
    TEST_RI_RD_RS1(65, srli, 0x1, 0x1000, 12)
    TEST_RI_RD_RS1(66, srai, -1, -4096, 12)

    /* x0 destination */
    TEST_RR_X0(67, sll, 1, 5)
    TEST_CASE(68, x0, 0, li a1, -1; srai x0, a1, 1)
TEST_END
