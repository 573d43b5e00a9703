/*
 * rvc_control.S - RV64C control transfer and special encodings, with
 * explicit "c." mnemonics: c.j (+2046 / -2048), c.beqz / c.bnez (taken,
 * not taken, full 64-bit register compared, +254 / -256), c.jr (bit 0 of
 * the target cleared), c.jalr (link = pc + 2, rs1 == ra), c.ebreak
 * (breakpoint, mcause 3, mepc = its address).
 * (Every compressed branch/jump was checked in the .dump to be 16 bits:
 * GNU as silently widens a compressed branch whose target is far away.)
 * Illegal 16-bit encodings (mcause 2): the all-zero instruction and the
 * reserved c.addi4spn/c.addi16sp/c.lui with a zero immediate, c.lwsp /
 * c.ldsp with rd = x0, c.jr with rs1 = x0.
 *
 * mtval observed on QEMU 7.2 (-M spike), followed here:
 *  - c.ebreak (and ebreak): mtval = 0 (the spec also allows the pc)
 *  - illegal compressed instruction: mtval = the 16-bit encoding,
 *    zero-extended; for the all-zero instruction that is mtval = 0
 */
#include "test_macros.h"

TEST_BEGIN
    /* c.j forward / backward */
    CASE(1)
    c.j 1f
    j fail
1:
    CASE(2)
    li a0, 0
    c.j 2f
1:  c.addi a0, 1
    c.j 3f
2:  c.j 1b
    j fail
3:  CHECK(a0, 1)

    /* Boundary offsets are hand-encoded: GNU as silently turns a
     * compressed branch whose target it believes out of range into a
     * 32-bit one, and its estimate is not exact at the limit. The
     * filler between is all-zero (illegal): a wrong target traps. */

    /* c.j largest forward offset: +2046 */
    CASE(3)
    .2byte 0xaffd                /* c.j .+2046 */
    .fill 1022, 2, 0
1:
    /* c.j largest backward offset: -2048 */
    CASE(4)
    j 2f
    .option push
    .option norvc
1:  j 3f                         /* 4 bytes */
    .option pop
    .fill 1022, 2, 0
2:  .2byte 0xb001                /* c.j .-2048 (to label 1) */
    j fail
3:
    /* c.beqz / c.bnez */
    CASE(5)
    li a0, 0
    c.beqz a0, 1f
    j fail
1:
    CASE(6)
    li a0, 1
    c.beqz a0, 2f
    j 1f
2:  j fail
1:
    CASE(7)
    li a0, 0x100000000           /* only bit 32 set: still non-zero */
    c.beqz a0, 2f
    j 1f
2:  j fail
1:
    c.bnez a0, 1f
    j fail
1:
    CASE(8)
    li s1, 0x8000000000000000
    c.bnez s1, 1f
    j fail
1:
    CASE(9)
    li s1, 0
    c.bnez s1, 2f
    j 1f
2:  j fail
1:
    /* backward c.bnez loop */
    CASE(10)
    li a5, 10
    li a4, 0
1:  c.addi a4, 2
    c.addi a5, -1
    c.bnez a5, 1b
    CHECK(a4, 20)
    /* largest offsets: +254 and -256 (hand-encoded, see case 3) */
    CASE(11)
    li a0, 0
    .2byte 0xcd7d                /* c.beqz a0, .+254 */
    .fill 126, 2, 0
1:
    CASE(12)
    li a0, 0
    j 2f
    .option push
    .option norvc
1:  j 3f                         /* 4 bytes */
    .option pop
    .fill 126, 2, 0
2:  .2byte 0xd101                /* c.beqz a0, .-256 (to label 1) */
    j fail
3:
    CASE(13)
    li a0, 1
    .2byte 0xed7d                /* c.bnez a0, .+254 */
    .fill 126, 2, 0
1:
    /* c.jr */
    CASE(14)
    la a0, 1f
    c.jr a0
    j fail
1:
    CASE(15)
    la t5, 1f + 1                 /* odd: bit 0 is cleared */
    c.jr t5
    j fail
1:
    /* c.jalr: ra = pc + 2 */
    CASE(16)
    la a0, 2f
1:  c.jalr a0
3:  j fail
2:  CHECK_ADDR(ra, 3b)
    /* c.jalr ra: target is the old ra, then ra = link */
    CASE(17)
    la ra, 2f
1:  c.jalr ra
3:  j fail
2:  CHECK_ADDR(ra, 3b)
    /* call and return through compressed jumps */
    CASE(18)
    li a0, 3
    la t5, rvc_triple
    c.jalr t5
    c.jalr t5
    CHECK(a0, 27)

    /* c.ebreak: breakpoint exception, mepc = its address, mtval = 0 */
    TEST_TRAP(19, CAUSE_BREAKPOINT, 0, c.ebreak)
    /* the all-zero 16-bit instruction is illegal, mtval = 0 */
    TEST_TRAP(20, CAUSE_ILLEGAL, 0, .2byte 0x0000)
    /* reserved encodings: mtval = the 16 instruction bits */
    TEST_TRAP(21, CAUSE_ILLEGAL, 0x0004, .2byte 0x0004)     /* c.addi4spn s1, sp, 0 */
    TEST_TRAP(22, CAUSE_ILLEGAL, 0x6101, .2byte 0x6101)     /* c.addi16sp sp, 0 */
    TEST_TRAP(23, CAUSE_ILLEGAL, 0x6501, .2byte 0x6501)     /* c.lui a0, 0 */
    TEST_TRAP(24, CAUSE_ILLEGAL, 0x4002, .2byte 0x4002)     /* c.lwsp x0, 0(sp) */
    TEST_TRAP(25, CAUSE_ILLEGAL, 0x6002, .2byte 0x6002)     /* c.ldsp x0, 0(sp) */
    TEST_TRAP(26, CAUSE_ILLEGAL, 0x8002, .2byte 0x8002)     /* c.jr x0 */
    /* quadrant 0, funct3 100 is reserved */
    TEST_TRAP(27, CAUSE_ILLEGAL, 0x8000, .2byte 0x8000)
    /* after the traps, compressed code still runs */
    TEST_CASE(28, a0, 3, c.li a0, 1; c.addi a0, 2)
TEST_END

rvc_triple:
    c.mv a1, a0
    c.add a0, a1
    c.add a0, a1
    c.jr ra
