/*
 * rv64i_word.S - RV64I 32-bit "W" operations: addw subw addiw sllw srlw
 * sraw slliw srliw sraiw. They use only the low 32 bits of the sources
 * (and only 5 bits of the shift amount) and sign-extend the 32-bit
 * result to 64 bits, including srlw/srliw whose result bit 31 may be 1
 * (only with shift amount 0). slliw/srliw/sraiw with shamt[5] = 1 are
 * reserved encodings: illegal instruction (QEMU 7.2 traps, mtval = the
 * instruction bits).
 * Assembled without RVC (32-bit encodings only).
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* addw */
    TEST_RR(1,  addw, 3, 1, 2)
    TEST_RR(2,  addw, 0xffffffff80000000, 0x7fffffff, 1)          /* overflow wraps, sign-extends */
    TEST_RR(3,  addw, 0, 0xffffffff, 1)
    TEST_RR(4,  addw, 0, 0x80000000, 0x80000000)
    TEST_RR(5,  addw, -2, 0x7fffffff, 0x7fffffff)
    TEST_RR(6,  addw, 3, 0xffffffff00000001, 0x0000000100000002)  /* upper halves ignored */
    TEST_RR(7,  addw, 0x7fffffff, 0x123456787fffffff, 0)          /* addw x, 0 = sext.w */
    TEST_RR(8,  addw, 0xffffffff80000000, 0x0000000080000000, 0)
    TEST_RR(9,  addw, -1, -1, 0)
    TEST_RR_RD_RS1(10, addw, 0xffffffff80000001, 0x80000000, 1)
    TEST_RR_RS1_RS2(11, addw, 0xfffffffffffffffe, 0xffffffff)

    /* subw */
    TEST_RR(12, subw, -1, 0, 1)
    TEST_RR(13, subw, 0x7fffffff, 0x80000000, 1)
    TEST_RR(14, subw, 0xffffffff80000000, 0, 0x80000000)
    TEST_RR(15, subw, 0xffffffff80000000, 0x7fffffff, -1)
    TEST_RR(16, subw, 0, 0x1234567800000000, 0x8765432100000000)
    TEST_RR(17, subw, 1, 0x0000000100000000, 0xffffffff)          /* low halves: 0 - 0xffffffff */
    TEST_RR_RD_RS2(18, subw, 0xfffffffffffffffe, 1, 3)

    /* addiw */
    TEST_RI(19, addiw, 0xffffffff80000000, 0x7fffffff, 1)
    TEST_RI(20, addiw, -1, 0x00000000ffffffff, 0)                 /* sext.w */
    TEST_RI(21, addiw, 0x7fffffff, 0xffffffff7fffffff, 0)
    TEST_RI(22, addiw, 0xffffffff8000087e, 0x123456780000007f + 0x80000000, 2047)
    TEST_RI(23, addiw, 0x7fffffff, 0x80000000, -1)
    TEST_RI(24, addiw, -2048, 0, -2048)
    TEST_RI(25, addiw, 2047, 0, 2047)
    TEST_RI(26, addiw, 0x7ffff800, 0x80000000, -2048)
    TEST_RI_RD_RS1(27, addiw, 0, -1, 1)

    /* sllw: 5-bit shift amount */
    TEST_RR(28, sllw, 1, 1, 0)
    TEST_RR(29, sllw, 0xffffffff80000000, 1, 31)
    TEST_RR(30, sllw, 1, 1, 32)                                   /* 32 & 31 = 0 */
    TEST_RR(31, sllw, 0xffffffff80000000, 1, 63)                  /* 63 & 31 = 31 */
    TEST_RR(32, sllw, 1, 0xffffffff00000001, 0)                   /* shift 0 still sign-extends */
    TEST_RR(33, sllw, 0xffffffff80000000, 3, 31)
    TEST_RR(34, sllw, 0x23456780, 0x12345678, 4)
    TEST_RR(35, sllw, 0xfffffffff0000000, 0x0f, 28)
    TEST_RR(36, sllw, 0, 0xffffffff00000000, 1)
    TEST_RR_RS1_RS2(37, sllw, 8, 2)                               /* 2 << 2 */

    /* srlw */
    TEST_RR(38, srlw, 0xffffffff80000000, 0x80000000, 0)          /* result bit 31 set: sign-extends */
    TEST_RR(39, srlw, 0x40000000, 0x80000000, 1)
    TEST_RR(40, srlw, 1, 0xffffffffffffffff, 31)
    TEST_RR(41, srlw, 0xffffffffffffffff, 0xffffffffffffffff, 32) /* 32 & 31 = 0 */
    TEST_RR(42, srlw, 1, 0x0000000080000000, 63)
    TEST_RR(43, srlw, 0, 0xffffffff00000000, 4)                   /* upper half ignored */
    TEST_RR(44, srlw, 0x09abcdef, 0x123456789abcdef0, 4)
    TEST_RR(45, srlw, 0x7fffffff, 0xffffffff, 1)

    /* sraw */
    TEST_RR(46, sraw, 0xffffffffc0000000, 0x80000000, 1)
    TEST_RR(47, sraw, -1, 0x80000000, 31)
    TEST_RR(48, sraw, 0xffffffff80000000, 0x80000000, 32)         /* 32 & 31 = 0 */
    TEST_RR(49, sraw, 0, 0x7fffffff, 31)
    TEST_RR(50, sraw, 0x07ffffff, 0xffffffff7fffffff, 4)          /* sign is bit 31 */
    TEST_RR(51, sraw, 0xfffffffff8000000, 0x0000000080000000, 4)
    TEST_RR(52, sraw, 0x12345678, 0xffffffff12345678, 0)
    TEST_RR(53, sraw, -1, 0x00000000ffffffff, 63)

    /* slliw / srliw / sraiw */
    TEST_RI(54, slliw, 1, 1, 0)
    TEST_RI(55, slliw, 0xffffffff80000000, 1, 31)
    TEST_RI(56, slliw, 0xfffffffffffffffe, 0xffffffff, 1)
    TEST_RI(57, slliw, 0x7ffffffe, 0x3fffffff, 1)
    TEST_RI(58, slliw, 0xffffffff87654321, 0xffffffff87654321, 0) /* sext.w */
    TEST_RI(59, slliw, 0xffffffff89abc000, 0x0123456789abc, 12)
    TEST_RI(60, srliw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RI(61, srliw, 1, 0x80000000, 31)
    TEST_RI(62, srliw, 0x7fffffff, 0xffffffffffffffff, 1)
    TEST_RI(63, srliw, 0x00ffffff, 0x12345678ffffffff, 8)
    TEST_RI(64, sraiw, 0xffffffff80000000, 0x80000000, 0)
    TEST_RI(65, sraiw, -1, 0x80000000, 31)
    TEST_RI(66, sraiw, 0xffffffffff000000, 0x80000000, 7)
    TEST_RI(67, sraiw, 0x00ffffff, 0xffffffff7fffffff, 7)
    TEST_RI(68, sraiw, 0, 0x7fffffff, 31)
    TEST_RI_RD_RS1(69, sraiw, 0xfffffffffffff800, 0xfff80000, 8)

    /* x0 destination */
    TEST_RR_X0(70, addw, 1, 2)
    TEST_CASE(71, x0, 0, li a1, 0x80000000; sraiw x0, a1, 3)

    /* reserved encodings: shamt[5] = 1 in slliw / srliw / sraiw */
    TEST_TRAP(72, CAUSE_ILLEGAL, 0x0205951b, .4byte 0x0205951b)   /* slliw a0, a1, 32 */
    TEST_TRAP(73, CAUSE_ILLEGAL, 0x0205d51b, .4byte 0x0205d51b)   /* srliw a0, a1, 32 */
    TEST_TRAP(74, CAUSE_ILLEGAL, 0x43f5d51b, .4byte 0x43f5d51b)   /* sraiw a0, a1, 63 */
TEST_END
