/*
 * rv64m_div.S - RV64M division: div divu rem remu divw divuw remw remuw.
 *  - quotients round toward zero; the remainder has the dividend's sign
 *  - division by zero: quotient = all ones (-1; divuw too, after sign
 *    extension of 0xffffffff), remainder = the dividend (W forms: the
 *    sign-extended low 32 bits of the dividend)
 *  - overflow: INT64_MIN / -1 = INT64_MIN with remainder 0; divw/remw
 *    INT32_MIN / -1 = INT32_MIN (sign-extended) with remainder 0
 *  - W forms use only the low 32 bits of both operands and sign-extend
 *    the 32-bit result (also divuw/remuw)
 * No case traps: division never raises an exception in RISC-V.
 * Expected values were computed with exact (Python) integer arithmetic.
 * Assembled without RVC.
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* div */
    TEST_RR(1, div, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006)   /* positive */
    TEST_RR(2, div, 0xfffffffffffffffd, 0xffffffffffffffec, 0x0000000000000006)   /* negative dividend: quotient rounds toward zero, remainder negative */
    TEST_RR(3, div, 0xfffffffffffffffd, 0x0000000000000014, 0xfffffffffffffffa)   /* negative divisor */
    TEST_RR(4, div, 0x0000000000000003, 0xffffffffffffffec, 0xfffffffffffffffa)   /* both negative */
    TEST_RR(5, div, 0x0000000000000000, 0x0000000000000000, 0x0000000000000005)   /* zero dividend */
    TEST_RR(6, div, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)   /* division by zero */
    TEST_RR(7, div, 0xffffffffffffffff, 0xfffffffffffffffb, 0x0000000000000000)   /* division by zero, negative dividend */
    TEST_RR(8, div, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000)   /* zero by zero */
    TEST_RR(9, div, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)   /* overflow INT64_MIN / -1 */
    TEST_RR(10, div, 0x8000000000000000, 0x8000000000000000, 0x0000000000000001)   /* INT64_MIN / 1 */
    TEST_RR(11, div, 0xc000000000000000, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(12, div, 0x8000000000000001, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR(13, div, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(14, div, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(15, div, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000002)   /* -1 / 2: zero quotient */
    TEST_RR(16, div, 0x000123456789abcd, 0x123456789abcdef0, 0x0000000000001000)
    TEST_RR(17, div, 0xfffffffffedcba99, 0xfedcba9876543210, 0x0000000100000000)
    TEST_RR(18, div, 0x0000000000000000, 0x0000000000000003, 0x0000000000000005)   /* |dividend| < |divisor| */
    /* divu */
    TEST_RR(19, divu, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006)   /* positive */
    TEST_RR(20, divu, 0x2aaaaaaaaaaaaaa7, 0xffffffffffffffec, 0x0000000000000006)   /* negative dividend: quotient rounds toward zero, remainder negative */
    TEST_RR(21, divu, 0x0000000000000000, 0x0000000000000014, 0xfffffffffffffffa)   /* negative divisor */
    TEST_RR(22, divu, 0x0000000000000000, 0xffffffffffffffec, 0xfffffffffffffffa)   /* both negative */
    TEST_RR(23, divu, 0x0000000000000000, 0x0000000000000000, 0x0000000000000005)   /* zero dividend */
    TEST_RR(24, divu, 0xffffffffffffffff, 0x0000000000000005, 0x0000000000000000)   /* division by zero */
    TEST_RR(25, divu, 0xffffffffffffffff, 0xfffffffffffffffb, 0x0000000000000000)   /* division by zero, negative dividend */
    TEST_RR(26, divu, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000)   /* zero by zero */
    TEST_RR(27, divu, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff)   /* overflow INT64_MIN / -1 */
    TEST_RR(28, divu, 0x8000000000000000, 0x8000000000000000, 0x0000000000000001)   /* INT64_MIN / 1 */
    TEST_RR(29, divu, 0x4000000000000000, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(30, divu, 0x0000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR(31, divu, 0x0000000000000001, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(32, divu, 0x0000000000000001, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(33, divu, 0x7fffffffffffffff, 0xffffffffffffffff, 0x0000000000000002)   /* -1 / 2: zero quotient */
    TEST_RR(34, divu, 0x000123456789abcd, 0x123456789abcdef0, 0x0000000000001000)
    TEST_RR(35, divu, 0x00000000fedcba98, 0xfedcba9876543210, 0x0000000100000000)
    TEST_RR(36, divu, 0x0000000000000000, 0x0000000000000003, 0x0000000000000005)   /* |dividend| < |divisor| */
    /* rem */
    TEST_RR(37, rem, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006)   /* positive */
    TEST_RR(38, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0x0000000000000006)   /* negative dividend: quotient rounds toward zero, remainder negative */
    TEST_RR(39, rem, 0x0000000000000002, 0x0000000000000014, 0xfffffffffffffffa)   /* negative divisor */
    TEST_RR(40, rem, 0xfffffffffffffffe, 0xffffffffffffffec, 0xfffffffffffffffa)   /* both negative */
    TEST_RR(41, rem, 0x0000000000000000, 0x0000000000000000, 0x0000000000000005)   /* zero dividend */
    TEST_RR(42, rem, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)   /* division by zero */
    TEST_RR(43, rem, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0000000000000000)   /* division by zero, negative dividend */
    TEST_RR(44, rem, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)   /* zero by zero */
    TEST_RR(45, rem, 0x0000000000000000, 0x8000000000000000, 0xffffffffffffffff)   /* overflow INT64_MIN / -1 */
    TEST_RR(46, rem, 0x0000000000000000, 0x8000000000000000, 0x0000000000000001)   /* INT64_MIN / 1 */
    TEST_RR(47, rem, 0x0000000000000000, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(48, rem, 0x0000000000000000, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR(49, rem, 0x0000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(50, rem, 0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(51, rem, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000002)   /* -1 / 2: zero quotient */
    TEST_RR(52, rem, 0x0000000000000ef0, 0x123456789abcdef0, 0x0000000000001000)
    TEST_RR(53, rem, 0xffffffff76543210, 0xfedcba9876543210, 0x0000000100000000)
    TEST_RR(54, rem, 0x0000000000000003, 0x0000000000000003, 0x0000000000000005)   /* |dividend| < |divisor| */
    /* remu */
    TEST_RR(55, remu, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006)   /* positive */
    TEST_RR(56, remu, 0x0000000000000002, 0xffffffffffffffec, 0x0000000000000006)   /* negative dividend: quotient rounds toward zero, remainder negative */
    TEST_RR(57, remu, 0x0000000000000014, 0x0000000000000014, 0xfffffffffffffffa)   /* negative divisor */
    TEST_RR(58, remu, 0xffffffffffffffec, 0xffffffffffffffec, 0xfffffffffffffffa)   /* both negative */
    TEST_RR(59, remu, 0x0000000000000000, 0x0000000000000000, 0x0000000000000005)   /* zero dividend */
    TEST_RR(60, remu, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000)   /* division by zero */
    TEST_RR(61, remu, 0xfffffffffffffffb, 0xfffffffffffffffb, 0x0000000000000000)   /* division by zero, negative dividend */
    TEST_RR(62, remu, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)   /* zero by zero */
    TEST_RR(63, remu, 0x8000000000000000, 0x8000000000000000, 0xffffffffffffffff)   /* overflow INT64_MIN / -1 */
    TEST_RR(64, remu, 0x0000000000000000, 0x8000000000000000, 0x0000000000000001)   /* INT64_MIN / 1 */
    TEST_RR(65, remu, 0x0000000000000000, 0x8000000000000000, 0x0000000000000002)
    TEST_RR(66, remu, 0x7fffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff)
    TEST_RR(67, remu, 0x0000000000000000, 0x7fffffffffffffff, 0x7fffffffffffffff)
    TEST_RR(68, remu, 0x0000000000000000, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(69, remu, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000002)   /* -1 / 2: zero quotient */
    TEST_RR(70, remu, 0x0000000000000ef0, 0x123456789abcdef0, 0x0000000000001000)
    TEST_RR(71, remu, 0x0000000076543210, 0xfedcba9876543210, 0x0000000100000000)
    TEST_RR(72, remu, 0x0000000000000003, 0x0000000000000003, 0x0000000000000005)   /* |dividend| < |divisor| */
    /* divw: 32-bit operands, result sign-extended from bit 31 */
    TEST_RR(73, divw, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006)
    TEST_RR(74, divw, 0xfffffffffffffffd, 0xffffffffffffffec, 0x0000000000000006)
    TEST_RR(75, divw, 0xfffffffffffffffd, 0x0000000000000014, 0xfffffffffffffffa)
    TEST_RR(76, divw, 0xffffffff80000000, 0x0000000080000000, 0xffffffffffffffff)   /* overflow INT32_MIN / -1 */
    TEST_RR(77, divw, 0xffffffffffffffff, 0x0000000080000000, 0x0000000000000000)   /* division by zero */
    TEST_RR(78, divw, 0xffffffffffffffff, 0x000000007fffffff, 0x0000000000000000)
    TEST_RR(79, divw, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
    TEST_RR(80, divw, 0x0000000000000001, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(81, divw, 0x0000000000000003, 0x1234567800000007, 0x0000000000000002)   /* upper halves ignored */
    TEST_RR(82, divw, 0xffffffffffffffff, 0x000000007fffffff, 0xffffffff80000001)
    TEST_RR(83, divw, 0xffffffffffffffff, 0x00000000fffffffe, 0x0000000000000002)
    TEST_RR(84, divw, 0x0000000000000000, 0x8000000000000000, 0x0000000000000003)   /* low half is 0 */
    TEST_RR(85, divw, 0xffffffffc0000001, 0x0000000180000001, 0x0000000100000002)
    TEST_RR(86, divw, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000)
    /* divuw: 32-bit operands, result sign-extended from bit 31 */
    TEST_RR(87, divuw, 0x0000000000000003, 0x0000000000000014, 0x0000000000000006)
    TEST_RR(88, divuw, 0x000000002aaaaaa7, 0xffffffffffffffec, 0x0000000000000006)
    TEST_RR(89, divuw, 0x0000000000000000, 0x0000000000000014, 0xfffffffffffffffa)
    TEST_RR(90, divuw, 0x0000000000000000, 0x0000000080000000, 0xffffffffffffffff)   /* overflow INT32_MIN / -1 */
    TEST_RR(91, divuw, 0xffffffffffffffff, 0x0000000080000000, 0x0000000000000000)   /* division by zero */
    TEST_RR(92, divuw, 0xffffffffffffffff, 0x000000007fffffff, 0x0000000000000000)
    TEST_RR(93, divuw, 0xffffffffffffffff, 0x00000000ffffffff, 0x0000000000000001)
    TEST_RR(94, divuw, 0x0000000000000001, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(95, divuw, 0x0000000000000003, 0x1234567800000007, 0x0000000000000002)   /* upper halves ignored */
    TEST_RR(96, divuw, 0x0000000000000000, 0x000000007fffffff, 0xffffffff80000001)
    TEST_RR(97, divuw, 0x000000007fffffff, 0x00000000fffffffe, 0x0000000000000002)
    TEST_RR(98, divuw, 0x0000000000000000, 0x8000000000000000, 0x0000000000000003)   /* low half is 0 */
    TEST_RR(99, divuw, 0x0000000040000000, 0x0000000180000001, 0x0000000100000002)
    TEST_RR(100, divuw, 0xffffffffffffffff, 0x0000000000000000, 0x0000000000000000)
    /* remw: 32-bit operands, result sign-extended from bit 31 */
    TEST_RR(101, remw, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006)
    TEST_RR(102, remw, 0xfffffffffffffffe, 0xffffffffffffffec, 0x0000000000000006)
    TEST_RR(103, remw, 0x0000000000000002, 0x0000000000000014, 0xfffffffffffffffa)
    TEST_RR(104, remw, 0x0000000000000000, 0x0000000080000000, 0xffffffffffffffff)   /* overflow INT32_MIN / -1 */
    TEST_RR(105, remw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000000)   /* division by zero */
    TEST_RR(106, remw, 0x000000007fffffff, 0x000000007fffffff, 0x0000000000000000)
    TEST_RR(107, remw, 0x0000000000000000, 0x00000000ffffffff, 0x0000000000000001)
    TEST_RR(108, remw, 0x0000000000000000, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(109, remw, 0x0000000000000001, 0x1234567800000007, 0x0000000000000002)   /* upper halves ignored */
    TEST_RR(110, remw, 0x0000000000000000, 0x000000007fffffff, 0xffffffff80000001)
    TEST_RR(111, remw, 0x0000000000000000, 0x00000000fffffffe, 0x0000000000000002)
    TEST_RR(112, remw, 0x0000000000000000, 0x8000000000000000, 0x0000000000000003)   /* low half is 0 */
    TEST_RR(113, remw, 0xffffffffffffffff, 0x0000000180000001, 0x0000000100000002)
    TEST_RR(114, remw, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    /* remuw: 32-bit operands, result sign-extended from bit 31 */
    TEST_RR(115, remuw, 0x0000000000000002, 0x0000000000000014, 0x0000000000000006)
    TEST_RR(116, remuw, 0x0000000000000002, 0xffffffffffffffec, 0x0000000000000006)
    TEST_RR(117, remuw, 0x0000000000000014, 0x0000000000000014, 0xfffffffffffffffa)
    TEST_RR(118, remuw, 0xffffffff80000000, 0x0000000080000000, 0xffffffffffffffff)   /* overflow INT32_MIN / -1 */
    TEST_RR(119, remuw, 0xffffffff80000000, 0x0000000080000000, 0x0000000000000000)   /* division by zero */
    TEST_RR(120, remuw, 0x000000007fffffff, 0x000000007fffffff, 0x0000000000000000)
    TEST_RR(121, remuw, 0x0000000000000000, 0x00000000ffffffff, 0x0000000000000001)
    TEST_RR(122, remuw, 0x0000000000000000, 0x00000000ffffffff, 0x00000000ffffffff)
    TEST_RR(123, remuw, 0x0000000000000001, 0x1234567800000007, 0x0000000000000002)   /* upper halves ignored */
    TEST_RR(124, remuw, 0x000000007fffffff, 0x000000007fffffff, 0xffffffff80000001)
    TEST_RR(125, remuw, 0x0000000000000000, 0x00000000fffffffe, 0x0000000000000002)
    TEST_RR(126, remuw, 0x0000000000000000, 0x8000000000000000, 0x0000000000000003)   /* low half is 0 */
    TEST_RR(127, remuw, 0x0000000000000001, 0x0000000180000001, 0x0000000100000002)
    TEST_RR(128, remuw, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000)
    /* operand aliasing and x0 */
    TEST_RR_RD_RS1(129, div, 0xfffffffffffffffd, -7, 2)
    TEST_RR_RD_RS2(130, rem, 0xffffffffffffffff, -7, 2)
    TEST_RR_RS1_RS2(131, divu, 1, 0x8000000000000000)
    TEST_RR_RS1_RS2(132, remu, 0, 0x8000000000000000)
    TEST_RR_X0(133, div, 7, 0)
    TEST_RR_X0(134, remw, 7, 3)
    /* the div/rem pair on the same operands */
    TEST_CASE(135, a3, 0xfffffffffffffff2, li a1, -100; li a2, 7; div a3, a1, a2; rem a4, a1, a2)
    TEST_CASE(136, a4, 0xfffffffffffffffe, mv a4, a4)
TEST_END
