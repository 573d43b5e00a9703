/*
 * rv64i_arith.S - RV64I integer register-register and register-immediate
 * arithmetic/logic: add sub addi and or xor andi ori xori slt sltu slti
 * sltiu. Immediates are 12-bit sign-extended; the boundaries 2047 and
 * -2048 (and -1 for the logic ops, which then act on all 64 bits) are
 * covered. Also rd == rs1 / rd == rs2 / rs1 == rs2 operand aliasing.
 * Assembled without RVC so that every instruction is the 32-bit form.
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* add */
    TEST_RR(1,  add, 0, 0, 0)
    TEST_RR(2,  add, 3, 1, 2)
    TEST_RR(3,  add, 0, 1, -1)
    TEST_RR(4,  add, -2, -1, -1)
    TEST_RR(5,  add, 0x8000000000000000, 0x7fffffffffffffff, 1)     /* wraps */
    TEST_RR(6,  add, 0x7fffffffffffffff, 0x8000000000000000, -1)    /* wraps */
    TEST_RR(7,  add, 0, 0x8000000000000000, 0x8000000000000000)
    TEST_RR(8,  add, 0x0000000100000000, 0x00000000ffffffff, 1)     /* carry into bit 32 */
    TEST_RR(9,  add, 0x0000000080000000, 0x000000007fffffff, 1)     /* no 32-bit sign extension */
    TEST_RR_RD_RS1(10, add, 0x1234, 0x1000, 0x234)
    TEST_RR_RD_RS2(11, add, 0x1234, 0x1000, 0x234)
    TEST_RR_RS1_RS2(12, add, 0x2468, 0x1234)

    /* sub */
    TEST_RR(13, sub, 0, 0, 0)
    TEST_RR(14, sub, -1, 1, 2)
    TEST_RR(15, sub, 1, 2, 1)
    TEST_RR(16, sub, 0x7fffffffffffffff, 0x8000000000000000, 1)     /* wraps */
    TEST_RR(17, sub, 0x8000000000000000, 0, 0x8000000000000000)
    TEST_RR(18, sub, 0x8000000000000001, 0, 0x7fffffffffffffff)
    TEST_RR(19, sub, 0x00000000ffffffff, 0x0000000100000000, 1)     /* borrow from bit 32 */
    TEST_RR(20, sub, 0xffffffff80000000, 0, 0x80000000)
    TEST_RR_RD_RS1(21, sub, 0xf00, 0x1000, 0x100)
    TEST_RR_RD_RS2(22, sub, 0xf00, 0x1000, 0x100)
    TEST_RR_RS1_RS2(23, sub, 0, 0x123456789)

    /* addi: 12-bit sign-extended immediate */
    TEST_RI(24, addi, 0, 0, 0)
    TEST_RI(25, addi, 2047, 0, 2047)
    TEST_RI(26, addi, -2048, 0, -2048)
    TEST_RI(27, addi, -1, 0, -1)
    TEST_RI(28, addi, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RI(29, addi, 0x7fffffffffffffff, 0x8000000000000000, -1)
    TEST_RI(30, addi, 0x00000000800007fe, 0x000000007fffffff, 2047)
    TEST_RI(31, addi, 0x000000007ffff800, 0x0000000080000000, -2048)
    TEST_RI(32, addi, 0, 1, -1)
    TEST_RI(33, addi, 0x0000000100000000, 0x00000000ffffffff, 1)
    TEST_RI_RD_RS1(34, addi, 0x7ff, 0, 0x7ff)
    TEST_RI_RD_RS1(35, addi, -0x800, 0, -0x800)

    /* and / andi */
    TEST_RR(36, and, 0x0f000f00, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(37, and, 0x00f000f0, 0x0ff00ff0, 0xf0f0f0f0)
    TEST_RR(38, and, 0xf00ff00ff00ff00f, 0xf00ff00ff00ff00f, -1)
    TEST_RR(39, and, 0, 0xaaaaaaaaaaaaaaaa, 0x5555555555555555)
    TEST_RR(40, and, 0x8000000000000001, 0x8000000000000001, 0xc000000000000003)
    TEST_RR_RS1_RS2(41, and, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00)
    TEST_RI(42, andi, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00, -1)      /* imm sign-extends to all ones */
    TEST_RI(43, andi, 0xff00ff00ff00f800, 0xff00ff00ff00ff00, -2048)   /* 0xfffff...f800 */
    TEST_RI(44, andi, 0x700, 0xff00ff00ff00ff00, 2047)
    TEST_RI(45, andi, 0, 0xffffffffffffffff, 0)
    TEST_RI(46, andi, 0x00ffff0f, 0x00ffffff, 0xf0f - 0x1000)        /* imm = -0xf1 = ~0xf0 */

    /* or / ori */
    TEST_RR(47, or, 0xff0fff0f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(48, or, 0xfff0fff0, 0x0ff00ff0, 0xf0f0f0f0)
    TEST_RR(49, or, -1, 0xaaaaaaaaaaaaaaaa, 0x5555555555555555)
    TEST_RR(50, or, 0x8000000000000001, 0x8000000000000000, 1)
    TEST_RR_RS1_RS2(51, or, 0x1234567890abcdef, 0x1234567890abcdef)
    TEST_RI(52, ori, 0xffffffffffffff0f, 0x00ff00ff00ff000f, -241)    /* imm 0xf0f: high bits set */
    TEST_RI(53, ori, 0x00ff00ff00ff07ff, 0x00ff00ff00ff0000, 2047)
    TEST_RI(54, ori, 0xfffffffffffff800, 0, -2048)
    TEST_RI(55, ori, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_RI(56, ori, -1, 0x0000000000000000, -1)

    /* xor / xori */
    TEST_RR(57, xor, 0xf00ff00f, 0xff00ff00, 0x0f0f0f0f)
    TEST_RR(58, xor, -1, 0xaaaaaaaaaaaaaaaa, 0x5555555555555555)
    TEST_RR(59, xor, 0, 0x123456789abcdef0, 0x123456789abcdef0)
    TEST_RR(60, xor, 0x7fffffffffffffff, 0x8000000000000000, -1)
    TEST_RR_RS1_RS2(61, xor, 0, 0xdeadbeefcafef00d)
    TEST_RI(62, xori, 0xedcba9876543210f, 0x123456789abcdef0, -1)     /* xori -1 == not */
    TEST_RI(63, xori, 0x00ff00ff00ff08ff, 0x00ff00ff00ff0f00, 2047)
    TEST_RI(64, xori, 0xff00ff00ff00f700, 0x00ff00ff00ff0f00, -2048)
    TEST_RI(65, xori, 0x1234, 0x1234, 0)

    /* slt / sltu */
    TEST_RR(66, slt, 0, 0, 0)
    TEST_RR(67, slt, 1, 0, 1)
    TEST_RR(68, slt, 0, 1, 0)
    TEST_RR(69, slt, 1, -1, 0)
    TEST_RR(70, slt, 0, 0, -1)
    TEST_RR(71, slt, 1, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(72, slt, 0, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_RR(73, slt, 1, 0x8000000000000000, 0x8000000000000001)
    TEST_RR(74, slt, 0, 0x0000000080000000, 0x000000007fffffff)      /* 64-bit compare, not 32 */
    TEST_RR(75, slt, 1, -2, -1)
    TEST_RR_RS1_RS2(76, slt, 0, -5)
    TEST_RR(77, sltu, 0, 0, 0)
    TEST_RR(78, sltu, 1, 0, 1)
    TEST_RR(79, sltu, 0, -1, 0)
    TEST_RR(80, sltu, 1, 0, -1)
    TEST_RR(81, sltu, 0, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_RR(82, sltu, 1, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_RR(83, sltu, 1, 0xfffffffffffffffe, 0xffffffffffffffff)
    TEST_RR(84, sltu, 0, 0x0000000100000000, 0x00000000ffffffff)
    TEST_RR_RS1_RS2(85, sltu, 0, -1)

    /* slti / sltiu (sltiu compares with the sign-extended immediate as
     * an unsigned number: sltiu rd, rs, -1 is 1 unless rs == ~0) */
    TEST_RI(86, slti, 0, 0, 0)
    TEST_RI(87, slti, 1, 0, 1)
    TEST_RI(88, slti, 0, 0, -1)
    TEST_RI(89, slti, 1, -2049, -2048)
    TEST_RI(90, slti, 0, -2048, -2048)
    TEST_RI(91, slti, 1, 2046, 2047)
    TEST_RI(92, slti, 0, 2047, 2047)
    TEST_RI(93, slti, 1, 0x8000000000000000, -2048)
    TEST_RI(94, slti, 0, 0x7fffffffffffffff, 2047)
    TEST_RI(95, slti, 1, -1, 0)
    TEST_RI(96, sltiu, 0, 0, 0)
    TEST_RI(97, sltiu, 1, 0, 1)
    TEST_RI(98, sltiu, 1, 0, -1)
    TEST_RI(99, sltiu, 1, 0xfffffffffffffffe, -1)
    TEST_RI(100, sltiu, 0, 0xffffffffffffffff, -1)
    TEST_RI(101, sltiu, 1, 0x7fffffffffffffff, -2048)              /* imm = 0xffff...f800 */
    TEST_RI(102, sltiu, 0, 0xfffffffffffff800, -2048)
    TEST_RI(103, sltiu, 1, 0xfffffffffffff7ff, -2048)
    TEST_RI(104, sltiu, 1, 2046, 2047)
    TEST_RI(105, sltiu, 0, 0x8000000000000000, 2047)
    TEST_RI(106, sltiu, 1, 0, 1)                                    /* seqz idiom */
    TEST_RI(107, sltiu, 0, 5, 1)

    /* snez / neg / not idioms (sltu rd, x0, rs / sub rd, x0, rs) */
    TEST_CASE(108, a0, 1, li a1, 0x8000000000000000; sltu a0, x0, a1)
    TEST_CASE(109, a0, 0, sltu a0, x0, x0)
    TEST_CASE(110, a0, 0x8000000000000000, li a1, 0x8000000000000000; sub a0, x0, a1)
    TEST_CASE(111, a0, -7, li a1, 7; sub a0, x0, a1)

    /* x0 as a source reads as zero even after an attempted write */
    TEST_CASE(112, a0, 5, li a1, 5; addi x0, x0, 100; add a0, x0, a1)
    TEST_CASE(113, a0, 0, li x0, -1; or a0, x0, x0)
TEST_END
