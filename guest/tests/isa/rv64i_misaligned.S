/*
 * misaligned.S - loads and stores that are not naturally aligned
 * (lh lhu lw lwu ld sh sw sd, compressed c.lw c.ld c.sw c.sd c.lwsp
 * c.ldsp c.swsp c.sdsp, accesses crossing a 4 KiB page boundary, and
 * the same from U-mode).
 *
 * The spec lets an implementation either perform a misaligned access or
 * raise address-misaligned (mcause 4 load / 6 store). Observed on QEMU
 * 7.2 (-M spike): every misaligned ordinary load/store is PERFORMED
 * (no trap), in M-mode and in U-mode, also across a page boundary, in
 * little-endian byte order. This test follows QEMU: it expects the data
 * and fails on any trap. (AMOs and LR/SC always trap instead: see
 * rv64a_misaligned.S.)
 * Expected values were computed with a Python byte-array model.
 */
#include "test_macros.h"

#define RESET_DST   la a1, mis_dst; sd zero, 0(a1); sd zero, 8(a1); sd zero, 16(a1)

TEST_BEGIN
    /* loads at misaligned offsets of mis_src */
    TEST_CASE(1, a0, 0xffffffffffffbb9e, la a1, mis_src; lh a0, 1(a1))
    TEST_CASE(2, a0, 0xfffffffffffff5d8, la a1, mis_src; lh a0, 3(a1))
    TEST_CASE(3, a0, 0x0000000000002f12, la a1, mis_src; lh a0, 5(a1))
    TEST_CASE(4, a0, 0x000000000000694c, la a1, mis_src; lh a0, 7(a1))
    TEST_CASE(5, a0, 0x000000000000bb9e, la a1, mis_src; lhu a0, 1(a1))
    TEST_CASE(6, a0, 0x000000000000f5d8, la a1, mis_src; lhu a0, 3(a1))
    TEST_CASE(7, a0, 0x0000000000002f12, la a1, mis_src; lhu a0, 5(a1))
    TEST_CASE(8, a0, 0x000000000000694c, la a1, mis_src; lhu a0, 7(a1))
    TEST_CASE(9, a0, 0xfffffffff5d8bb9e, la a1, mis_src; lw a0, 1(a1))
    TEST_CASE(10, a0, 0x0000000012f5d8bb, la a1, mis_src; lw a0, 2(a1))
    TEST_CASE(11, a0, 0x000000002f12f5d8, la a1, mis_src; lw a0, 3(a1))
    TEST_CASE(12, a0, 0x00000000694c2f12, la a1, mis_src; lw a0, 5(a1))
    TEST_CASE(13, a0, 0x00000000f5d8bb9e, la a1, mis_src; lwu a0, 1(a1))
    TEST_CASE(14, a0, 0x0000000012f5d8bb, la a1, mis_src; lwu a0, 2(a1))
    TEST_CASE(15, a0, 0x000000002f12f5d8, la a1, mis_src; lwu a0, 3(a1))
    TEST_CASE(16, a0, 0x00000000694c2f12, la a1, mis_src; lwu a0, 5(a1))
    TEST_CASE(17, a0, 0x694c2f12f5d8bb9e, la a1, mis_src; ld a0, 1(a1))
    TEST_CASE(18, a0, 0x86694c2f12f5d8bb, la a1, mis_src; ld a0, 2(a1))
    TEST_CASE(19, a0, 0xa386694c2f12f5d8, la a1, mis_src; ld a0, 3(a1))
    TEST_CASE(20, a0, 0xc0a386694c2f12f5, la a1, mis_src; ld a0, 4(a1))
    TEST_CASE(21, a0, 0xddc0a386694c2f12, la a1, mis_src; ld a0, 5(a1))
    TEST_CASE(22, a0, 0xfaddc0a386694c2f, la a1, mis_src; ld a0, 6(a1))
    TEST_CASE(23, a0, 0x17faddc0a386694c, la a1, mis_src; ld a0, 7(a1))
    TEST_CASE(24, a0, 0x513417faddc0a386, la a1, mis_src; ld a0, 9(a1))
    /* stores at misaligned offsets: mis_dst zeroed, then read back aligned */
    TEST_CASE(25, a0, 0x0000000000bbaa00, RESET_DST; li a2, 0xbbaa; sh a2, 1(a1); ld a0, 0(a1))
    TEST_CASE(26, a0, 0x0000000000000000, ld a0, 8(a1))
    TEST_CASE(27, a0, 0xaa00000000000000, RESET_DST; li a2, 0xbbaa; sh a2, 7(a1); ld a0, 0(a1))
    TEST_CASE(28, a0, 0x00000000000000bb, ld a0, 8(a1))
    TEST_CASE(29, a0, 0x0000004433221100, RESET_DST; li a2, 0x44332211; sw a2, 1(a1); ld a0, 0(a1))
    TEST_CASE(30, a0, 0x0000000000000000, ld a0, 8(a1))
    TEST_CASE(31, a0, 0x0000443322110000, RESET_DST; li a2, 0x44332211; sw a2, 2(a1); ld a0, 0(a1))
    TEST_CASE(32, a0, 0x0000000000000000, ld a0, 8(a1))
    TEST_CASE(33, a0, 0x0044332211000000, RESET_DST; li a2, 0x44332211; sw a2, 3(a1); ld a0, 0(a1))
    TEST_CASE(34, a0, 0x0000000000000000, ld a0, 8(a1))
    TEST_CASE(35, a0, 0x3322110000000000, RESET_DST; li a2, 0x44332211; sw a2, 5(a1); ld a0, 0(a1))
    TEST_CASE(36, a0, 0x0000000000000044, ld a0, 8(a1))
    TEST_CASE(37, a0, 0x2211000000000000, RESET_DST; li a2, 0x44332211; sw a2, 6(a1); ld a0, 0(a1))
    TEST_CASE(38, a0, 0x0000000000004433, ld a0, 8(a1))
    TEST_CASE(39, a0, 0x7766554433221100, RESET_DST; li a2, 0x8877665544332211; sd a2, 1(a1); ld a0, 0(a1))
    TEST_CASE(40, a0, 0x0000000000000088, ld a0, 8(a1))
    TEST_CASE(41, a0, 0x5544332211000000, RESET_DST; li a2, 0x8877665544332211; sd a2, 3(a1); ld a0, 0(a1))
    TEST_CASE(42, a0, 0x0000000000887766, ld a0, 8(a1))
    TEST_CASE(43, a0, 0x4433221100000000, RESET_DST; li a2, 0x8877665544332211; sd a2, 4(a1); ld a0, 0(a1))
    TEST_CASE(44, a0, 0x0000000088776655, ld a0, 8(a1))
    TEST_CASE(45, a0, 0x2211000000000000, RESET_DST; li a2, 0x8877665544332211; sd a2, 6(a1); ld a0, 0(a1))
    TEST_CASE(46, a0, 0x0000887766554433, ld a0, 8(a1))
    TEST_CASE(47, a0, 0x1100000000000000, RESET_DST; li a2, 0x8877665544332211; sd a2, 7(a1); ld a0, 0(a1))
    TEST_CASE(48, a0, 0x0088776655443322, ld a0, 8(a1))
    /* compressed loads / stores through a misaligned base register */
    TEST_CASE(49, a0, 0xfffffffff5d8bb9e, la s0, mis_src + 1; c.lw a0, 0(s0))
    TEST_CASE(50, a0, 0xffffffff86694c2f, la s0, mis_src + 2; c.lw a0, 4(s0))
    TEST_CASE(51, a0, 0xa386694c2f12f5d8, la s0, mis_src + 3; c.ld a0, 0(s0))
    TEST_CASE(52, a0, 0xc5a88b6e513417fa, la s0, mis_src + 5; c.ld a0, 8(s0))
    TEST_CASE(53, a0, 0x0000deadbeef0000, RESET_DST; addi s0, a1, 2; li a2, 0xdeadbeef; c.sw a2, 0(s0); ld a0, 0(a1))
    TEST_CASE(54, a0, 0xabcdef0000000000, RESET_DST; addi s0, a1, 5; li a2, 0x0123456789abcdef; c.sd a2, 0(s0); ld a0, 0(a1))
    TEST_CASE(55, a0, 0x0000000123456789, ld a0, 8(a1))
    /* sp-based compressed forms with a misaligned sp */
    TEST_CASE(56, a0, 0x0000000012f5d8bb, la sp, mis_src + 2; c.lwsp a0, 0(sp))
    TEST_CASE(57, a0, 0x6e513417faddc0a3, c.ldsp a0, 8(sp))
    TEST_CASE(58, a0, 0x00cafef00d000000, la a1, mis_dst; sd zero, 0(a1); sd zero, 8(a1); la sp, mis_dst + 3; li a2, 0xcafef00d; c.swsp a2, 0(sp); ld a0, 0(a1))
    TEST_CASE(59, a0, 0x0011223344556677, la a1, mis_dst; sd zero, 0(a1); sd zero, 8(a1); la sp, mis_dst + 7; li a2, 0x1122334455667788; c.sdsp a2, 0(sp); ld a0, 8(a1))
    la sp, stack_top
    /* across a 4 KiB page boundary: mis_page_end is the last byte of a
     * page, both pages are RAM */
    TEST_CASE(60, a0, 0x0807060504030201, la a1, mis_cross - 3; li a2, 0x0807060504030201; sd a2, 0(a1); ld a0, 0(a1))
    TEST_CASE(61, a0, 0x0000000004030201, lwu a0, 0(a1))
    TEST_CASE(62, a0, 0x0000000000000504, la a1, mis_cross - 1; lhu a0, 1(a1))   /* bytes 4, 5 (both in the second page) */
    TEST_CASE(63, a0, 0x0000000000000403, lhu a0, 0(a1))   /* bytes 3 | 4: straddles the boundary */

    /* U-mode (bare, no translation): also performed */
    CASE(64)
    la a1, mis_src
    U_BEGIN
    ld a0, 3(a1)
    lw a2, 1(a1)
    li a3, 0x1234
    sh a3, 33(a1)
    U_END
    CHECK(a0, 0xa386694c2f12f5d8)
    CASE(65)
    CHECK(a2, 0xfffffffff5d8bb9e)
    CASE(66)
    lhu a0, 33(a1)
    CHECK(a0, 0x1234)
TEST_END

    .data
    .balign 64
mis_src:
    .byte 0x81, 0x9e, 0xbb, 0xd8, 0xf5, 0x12, 0x2f, 0x4c, 0x69, 0x86, 0xa3, 0xc0, 0xdd, 0xfa, 0x17, 0x34, 0x51, 0x6e, 0x8b, 0xa8, 0xc5, 0xe2, 0xff, 0x1c, 0x39, 0x56, 0x73, 0x90, 0xad, 0xca, 0xe7, 0x04
    .dword 0, 0                      /* target of the U-mode store */
    .balign 64
mis_dst:
    .dword 0, 0, 0
    .balign 4096
    .skip 4096 - 8
    .dword 0
mis_cross:                           /* first byte of a new page */
    .dword 0
