/*
 * rv64i_loadstore.S - RV64I loads and stores of every width:
 * lb lh lw ld lbu lhu lwu / sb sh sw sd. Sign extension (lb lh lw) and
 * zero extension (lbu lhu lwu) from the top bit of each width, positive
 * and negative offsets up to the 12-bit limits 2047 / -2048, stores that
 * write exactly their width (neighbours untouched), little-endian byte
 * order, store then load back, rs1 == rd for loads, loads into x0.
 * All accesses here are naturally aligned (see misaligned.S).
 * Assembled without RVC.
 */
#include "test_macros.h"
    .option norvc

/* a0 = load insn at offset off from the label base */
#define TEST_LD(n, insn, expect, base, off) \
    TEST_CASE(n, a0, expect, la a1, base; insn a0, off(a1))

TEST_BEGIN
    /* data: ls_src = 80 01 ff 7f 00 80 ff ff | 11 22 33 44 55 66 77 88 ... */
    /* lb */
    TEST_LD(1,  lb, 0xffffffffffffff80, ls_src, 0)
    TEST_LD(2,  lb, 0x01, ls_src, 1)
    TEST_LD(3,  lb, 0xffffffffffffffff, ls_src, 2)
    TEST_LD(4,  lb, 0x7f, ls_src, 3)
    TEST_LD(5,  lb, 0x00, ls_src, 4)
    /* lbu */
    TEST_LD(6,  lbu, 0x80, ls_src, 0)
    TEST_LD(7,  lbu, 0xff, ls_src, 2)
    TEST_LD(8,  lbu, 0x7f, ls_src, 3)
    /* lh */
    TEST_LD(9,  lh, 0x0000000000000180, ls_src, 0)
    TEST_LD(10, lh, 0x0000000000007fff, ls_src, 2)
    TEST_LD(11, lh, 0xffffffffffff8000, ls_src, 4)
    TEST_LD(12, lh, 0xffffffffffffffff, ls_src, 6)
    /* lhu */
    TEST_LD(13, lhu, 0x8000, ls_src, 4)
    TEST_LD(14, lhu, 0xffff, ls_src, 6)
    TEST_LD(15, lhu, 0x7fff, ls_src, 2)
    /* lw */
    TEST_LD(16, lw, 0x000000007fff0180, ls_src, 0)
    TEST_LD(17, lw, 0xffffffffffff8000, ls_src, 4)
    TEST_LD(18, lw, 0x0000000044332211, ls_src, 8)
    TEST_LD(19, lw, 0xffffffff88776655, ls_src, 12)
    /* lwu */
    TEST_LD(20, lwu, 0x00000000ffff8000, ls_src, 4)
    TEST_LD(21, lwu, 0x0000000088776655, ls_src, 12)
    TEST_LD(22, lwu, 0x000000007fff0180, ls_src, 0)
    /* ld */
    TEST_LD(23, ld, 0xffff80007fff0180, ls_src, 0)
    TEST_LD(24, ld, 0x8877665544332211, ls_src, 8)

    /* negative offsets: from the end of the block */
    TEST_LD(25, ld, 0x8877665544332211, ls_src_end, -8)
    TEST_LD(26, lw, 0xffffffff88776655, ls_src_end, -4)
    TEST_LD(27, lbu, 0x88, ls_src_end, -1)
    TEST_LD(28, lb, 0xffffffffffffff88, ls_src_end, -1)
    TEST_LD(29, lhu, 0x8877, ls_src_end, -2)

    /* the 12-bit offset limits */
    TEST_LD(30, ld, 0x0123456789abcdef, ls_far - 2047, 2047)    /* base odd, address aligned */
    TEST_LD(31, ld, 0x0123456789abcdef, ls_far + 2048, -2048)
    TEST_LD(32, lbu, 0xef, ls_far - 2047, 2047)
    TEST_LD(33, lb, 0xffffffffffffffef, ls_far + 2048, -2048)

    /* rd == rs1 */
    TEST_CASE(34, a1, 0x8877665544332211, la a1, ls_src; ld a1, 8(a1))
    TEST_CASE(35, a1, 0xffffffffffffff80, la a1, ls_src; lb a1, 0(a1))

    /* load into x0 does not change x0 */
    TEST_CASE(36, x0, 0, la a1, ls_src; ld x0, 8(a1))
    TEST_CASE(37, x0, 0, la a1, ls_src; lbu x0, 0(a1))

    /* stores: write exactly their width, little-endian */
#define RESET_DST   la a1, ls_dst; li a2, -1; sd a2, 0(a1); sd a2, 8(a1); sd a2, 16(a1)
    TEST_CASE(38, a0, 0xffffffffffff00ff, RESET_DST; sb zero, 1(a1); ld a0, 0(a1))
    TEST_CASE(39, a0, 0xffffffffffffff12, RESET_DST; li a2, 0x3412; sb a2, 0(a1); ld a0, 0(a1))  /* only the low byte */
    TEST_CASE(40, a0, 0x12ffffffffffffff, RESET_DST; li a2, 0x12; sb a2, 7(a1); ld a0, 0(a1))
    TEST_CASE(41, a0, 0xffffffff5678ffff, RESET_DST; li a2, 0x12345678; sh a2, 2(a1); ld a0, 0(a1))
    TEST_CASE(42, a0, 0xbeefffffffffffff, RESET_DST; li a2, 0xdeadbeef; sh a2, 6(a1); ld a0, 0(a1))
    TEST_CASE(43, a0, 0x9abcdef0ffffffff, RESET_DST; li a2, 0x123456789abcdef0; sw a2, 4(a1); ld a0, 0(a1))
    TEST_CASE(44, a0, 0xffffffff00000000, RESET_DST; sw zero, 0(a1); ld a0, 0(a1))
    TEST_CASE(45, a0, 0x123456789abcdef0, RESET_DST; li a2, 0x123456789abcdef0; sd a2, 8(a1); ld a0, 8(a1))
    /* neighbours of the sd stay untouched */
    TEST_CASE(46, a0, -1, RESET_DST; sd zero, 8(a1); ld a0, 0(a1))
    TEST_CASE(47, a0, -1, RESET_DST; sd zero, 8(a1); ld a0, 16(a1))
    /* byte order: sd then lbu of each byte */
    TEST_CASE(48, a0, 0xf0, RESET_DST; li a2, 0x123456789abcdef0; sd a2, 0(a1); lbu a0, 0(a1))
    TEST_CASE(49, a0, 0x12, lbu a0, 7(a1))
    TEST_CASE(50, a0, 0x5678, lhu a0, 4(a1))
    TEST_CASE(51, a0, 0x12345678, lw a0, 4(a1))
    /* negative store offsets */
    TEST_CASE(52, a0, 0x5a, RESET_DST; addi a3, a1, 16; li a2, 0x5a; sb a2, -16(a3); lbu a0, 0(a1))
    TEST_CASE(53, a0, 0xa55a, RESET_DST; addi a3, a1, 16; li a2, 0xa55a; sh a2, -14(a3); lhu a0, 2(a1))
    TEST_CASE(54, a0, 0xffffffffdeadbeef, RESET_DST; addi a3, a1, 16; li a2, 0xdeadbeef; sw a2, -4(a3); lw a0, 12(a1))
    TEST_CASE(55, a0, 0x1122334455667788, RESET_DST; addi a3, a1, 24; li a2, 0x1122334455667788; sd a2, -24(a3); ld a0, 0(a1))
    /* store offset limits */
    TEST_CASE(56, a0, 0x0fedcba987654321, la a3, ls_far2 - 2047; li a2, 0x0fedcba987654321; sd a2, 2047(a3); la a1, ls_far2; ld a0, 0(a1))
    TEST_CASE(57, a0, 0x1111222233334444, la a3, ls_far2 + 2048; li a2, 0x1111222233334444; sd a2, -2048(a3); la a1, ls_far2; ld a0, 0(a1))
    /* store where rs2 == rs1 (stores the address itself) */
    TEST_CASE(58, a0, 0, la a1, ls_dst; sd a1, 0(a1); ld a0, 0(a1); sub a0, a0, a1)
    /* store of x0 */
    TEST_CASE(59, a0, 0, RESET_DST; sd x0, 16(a1); ld a0, 16(a1))
    /* load after store of different width (store forwarding) */
    TEST_CASE(60, a0, 0xffffffffffff9a80, RESET_DST; li a2, 0x9a; sb a2, 1(a1); li a2, 0x80; sb a2, 0(a1); lh a0, 0(a1))
    TEST_CASE(61, a0, 0x000000009a80ffff, sh a2, 2(a1); li a2, 0x9a; sb a2, 3(a1); li a2, 0xffff; sh a2, 0(a1); lwu a0, 0(a1))
TEST_END

    .data
    .balign 16
ls_src:
    .byte 0x80, 0x01, 0xff, 0x7f, 0x00, 0x80, 0xff, 0xff
    .byte 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
ls_src_end:
    .balign 16
ls_dst:
    .dword 0, 0, 0
    .balign 8
    .skip 2040
ls_far:
    .dword 0x0123456789abcdef
    .skip 2040
ls_far2:
    .dword 0
