/*
 * rv64a_lrsc.S - RV64A load-reserved / store-conditional (aligned).
 *  - lr.d / lr.w load (lr.w sign-extends)
 *  - sc after lr to the same address succeeds: rd = 0, memory written
 *  - sc without a reservation fails: rd != 0, memory unchanged
 *  - a second sc after a successful one fails (reservation consumed)
 *  - sc to a different address than the lr fails, and also consumes the
 *    reservation (a following sc to the lr address fails too)
 *  - sc.w writes only 32 bits; lr.w/sc.w inside a dword
 *  - a retry loop (atomic increment) terminates with the right value
 * Every "no reservation" case first executes an sc to a scratch word so
 * that no reservation can be left over from earlier code.
 */
#include "test_macros.h"

#define KILL_RESERVATION  la t5, lrsc_scratch; sc.d t5, zero, (t5)

TEST_BEGIN
    /* lr.d / sc.d success */
    CASE(1)
    la a1, lrsc_a
    li a2, 0x1122334455667788
    sd a2, 0(a1)
    lr.d a0, (a1)
    CHECK(a0, 0x1122334455667788)
    CASE(2)
    li a3, 0x0102030405060708
    sc.d a4, a3, (a1)
    CHECK(a4, 0)
    CASE(3)
    ld a0, 0(a1)
    CHECK(a0, 0x0102030405060708)

    /* sc.d again: the reservation was consumed by the successful sc */
    CASE(4)
    li a3, 0x5555
    sc.d a4, a3, (a1)
    beqz a4, fail
    CASE(5)
    ld a0, 0(a1)
    CHECK(a0, 0x0102030405060708)

    /* sc.d without any reservation */
    CASE(6)
    KILL_RESERVATION
    la a1, lrsc_a
    li a3, 0x6666
    sc.d a4, a3, (a1)
    beqz a4, fail
    CASE(7)
    ld a0, 0(a1)
    CHECK(a0, 0x0102030405060708)

    /* lr to A, sc to B (another reservation granule): fails, B unchanged */
    CASE(8)
    la a1, lrsc_a
    la a2, lrsc_b
    li a3, 0xbbbb
    sd a3, 0(a2)
    lr.d a0, (a1)
    li a3, 0x7777
    sc.d a4, a3, (a2)
    beqz a4, fail
    CASE(9)
    ld a0, 0(a2)
    CHECK(a0, 0xbbbb)
    /* ...and the failed sc invalidated the reservation on A */
    CASE(10)
    sc.d a4, a3, (a1)
    beqz a4, fail
    CASE(11)
    ld a0, 0(a1)
    CHECK(a0, 0x0102030405060708)

    /* lr.w sign-extends; sc.w writes only its word */
    CASE(12)
    la a1, lrsc_a
    li a2, 0x11223344f0000001
    sd a2, 0(a1)
    lr.w a0, (a1)
    CHECK(a0, 0xfffffffff0000001)
    CASE(13)
    li a3, 0xffffffff0000007f      /* only bits 31:0 are stored */
    sc.w a4, a3, (a1)
    CHECK(a4, 0)
    CASE(14)
    ld a0, 0(a1)
    CHECK(a0, 0x112233440000007f)
    /* the upper word of the dword */
    CASE(15)
    addi a5, a1, 4
    lr.w a0, (a5)
    CHECK(a0, 0x11223344)
    CASE(16)
    li a3, 0x80000000
    sc.w a4, a3, (a5)
    CHECK(a4, 0)
    CASE(17)
    ld a0, 0(a1)
    CHECK(a0, 0x800000000000007f)
    /* sc.w without reservation */
    CASE(18)
    KILL_RESERVATION
    li a3, 0x1234
    sc.w a4, a3, (a5)
    beqz a4, fail
    CASE(19)
    ld a0, 0(a1)
    CHECK(a0, 0x800000000000007f)
    /* sc.w after a successful sc.w */
    CASE(20)
    lr.w a0, (a1)
    sc.w a4, zero, (a1)
    CHECK(a4, 0)
    CASE(21)
    li a3, 0x99
    sc.w a4, a3, (a1)
    beqz a4, fail
    CASE(22)
    ld a0, 0(a1)
    CHECK(a0, 0x8000000000000000)

    /* a second lr replaces the reservation: lr A, lr B, sc B succeeds */
    CASE(23)
    la a1, lrsc_a
    la a2, lrsc_b
    lr.d a0, (a1)
    lr.d a0, (a2)
    CHECK(a0, 0xbbbb)
    CASE(24)
    li a3, 0xcccc
    sc.d a4, a3, (a2)
    CHECK(a4, 0)
    CASE(25)
    ld a0, 0(a2)
    CHECK(a0, 0xcccc)

    /* aq / rl encodings */
    CASE(26)
    lr.d.aq a0, (a2)
    li a3, 0xdddd
    sc.d.rl a4, a3, (a2)
    CHECK(a4, 0)
    CASE(27)
    lr.d.aqrl a0, (a2)
    CHECK(a0, 0xdddd)
    CASE(28)
    sc.d.aqrl a4, zero, (a2)
    CHECK(a4, 0)

    /* rd == rs2 for sc: rd receives the result code, memory the old rs2 */
    CASE(29)
    lr.d a0, (a2)
    li a3, 0x4242
    sc.d a3, a3, (a2)
    CHECK(a3, 0)
    CASE(30)
    ld a0, 0(a2)
    CHECK(a0, 0x4242)

    /* sc with rd = x0 still stores on success */
    CASE(31)
    lr.d a0, (a2)
    li a3, 0x4343
    sc.d x0, a3, (a2)
    ld a0, 0(a2)
    CHECK(a0, 0x4343)

    /* atomic increment loop */
    CASE(32)
    la a1, lrsc_a
    sd zero, 0(a1)
    li a5, 50
1:  lr.d a0, (a1)
    addi a0, a0, 3
    sc.d a4, a0, (a1)
    bnez a4, 1b
    addi a5, a5, -1
    bnez a5, 1b
    ld a0, 0(a1)
    CHECK(a0, 150)
TEST_END

    .data
    .balign 64
lrsc_a:
    .dword 0
    .balign 64
lrsc_scratch:
    .dword 0
    .balign 4096            /* far away from lrsc_a: another granule */
lrsc_b:
    .dword 0
