/*
 * trigger_csr.S - the debug trigger CSRs (RISC-V debug spec, Sdtrig) as
 * software probing them sees them on QEMU 7.2's CPU, the reference:
 *  - two triggers: tselect takes 0 and 1 and ignores other values;
 *  - tinfo = 0x44 (types 2, mcontrol, and 6, mcontrol6) for both;
 *  - tdata1 resets to type 2 with nothing armed, tdata2 and tdata3 to 0;
 *  - a tdata1 write of type 2 or 6 keeps the mode bits (U S M, and VU VS
 *    for type 6), load / store / execute and a size of any, 1, 2, 4 or
 *    8 bytes, and clears dmode, maskmax, hit, select, timing, action,
 *    chain and match; a write naming another type is ignored (not type
 *    1: QEMU 7.2 aborts on it);
 *  - tdata2 is kept per trigger; tdata3 reads 0 and ignores writes;
 *    tinfo ignores writes;
 *  - tcontrol and mcontext do not exist; U-mode reaches none of them.
 * (trigger_fire.S checks that armed triggers fire.)
 */
#include "test_macros.h"

#define MC2 0x2000000000000000
#define MC6 0x6000000000000000

/* Case n: tdata1 <- written reads back as read. */
#define TEST_TDATA1(n, written, read) \
    TEST_CASE(n, a0, read, li a1, written; csrw tdata1, a1; csrr a0, tdata1)

TEST_BEGIN
    TEST_CASE(1, a0, 0, li a0, -1; csrr a0, tselect)
    TEST_CASE(2, a0, 0x44, csrr a0, tinfo)
    TEST_CASE(3, a0, MC2, csrr a0, tdata1)
    TEST_CASE(4, a0, 0, li a0, -1; csrr a0, tdata2)
    TEST_CASE(5, a0, 0, li a0, -1; csrr a0, tdata3)
    TEST_CASE(6, a0, 1, li a1, 1; csrw tselect, a1; csrr a0, tselect)
    TEST_CASE(7, a0, 0x44, csrr a0, tinfo)
    TEST_CASE(8, a0, MC2, csrr a0, tdata1)
    TEST_CASE(9, a0, 1, li a1, 2; csrw tselect, a1; csrr a0, tselect)
    TEST_CASE(10, a0, 1, li a1, -1; csrw tselect, a1; csrr a0, tselect)
    TEST_CASE(11, a0, 0, csrw tselect, zero; csrr a0, tselect)

    TEST_TDATA1(12, MC2 | 0x44, MC2 | 0x44)                  /* M, execute */
    TEST_TDATA1(13, 0x2800000000000044, MC2 | 0x44)          /* dmode */
    TEST_TDATA1(14, MC2 | 0x7ffffff, MC2 | 0x5f)
    TEST_TDATA1(15, 0x27e0000000000044, MC2 | 0x44)          /* maskmax */
    TEST_TDATA1(16, MC2 | 0x1044, MC2 | 0x44)                /* action 1 */
    TEST_TDATA1(17, MC2 | 0xc4, MC2 | 0x44)                  /* match 1 */
    TEST_TDATA1(18, MC2 | 0x10044, MC2 | 0x10044)            /* sizelo 1 */
    TEST_TDATA1(19, MC2 | 0x30044, MC2 | 0x30044)            /* sizelo 3 */
    TEST_TDATA1(20, MC2 | 0x200044, MC2 | 0x44)              /* size 4 (6 bytes) */
    TEST_TDATA1(21, MC2 | 0x210044, MC2 | 0x210044)          /* size 5 (8 bytes) */
    TEST_TDATA1(22, MC2 | 0x430044, MC2 | 0x44)              /* size 11 */
    TEST_TDATA1(23, MC2 | 0x100044, MC2 | 0x44)              /* hit */
    TEST_TDATA1(24, MC2 | 0x80044, MC2 | 0x44)               /* select */
    TEST_TDATA1(25, MC2 | 0x40044, MC2 | 0x44)               /* timing */
    TEST_TDATA1(26, MC2 | 0x844, MC2 | 0x44)                 /* chain */
    TEST_TDATA1(27, MC6 | 0x44, MC6 | 0x44)
    TEST_TDATA1(28, MC6 | 0xffffffff, MC6 | 0x180005f)
    TEST_TDATA1(29, MC6 | 0x50041, MC6 | 0x50041)            /* size 5 */
    /* other types: ignored, tdata1 keeps MC6 | 0x50041 */
    TEST_TDATA1(30, 0x0000000000000044, MC6 | 0x50041)
    TEST_TDATA1(31, 0x3000000000000044, MC6 | 0x50041)
    TEST_TDATA1(32, 0xf000000000000044, MC6 | 0x50041)
    TEST_TDATA1(33, MC2, MC2)

    /* tdata2 per trigger, tdata3 and tinfo ignore writes */
    CASE(34)
    li a1, 0x123456789abcdef0
    csrw tdata2, a1
    li a2, 1
    csrw tselect, a2
    li a2, 0x42
    csrw tdata2, a2
    csrw tdata3, a1
    csrw tinfo, a1
    csrr a0, tdata3
    CHECK(a0, 0)
    csrr a0, tinfo
    CHECK(a0, 0x44)
    csrr a0, tdata2
    CHECK(a0, 0x42)
    csrw tselect, zero
    csrr a0, tdata2
    CHECK(a0, 0x123456789abcdef0)
    csrw tdata2, zero

    /* tcontrol (0x7a5) and mcontext (0x7a8) do not exist */
    TEST_TRAP(35, CAUSE_ILLEGAL, 0x7a502573, csrr a0, tcontrol)
    TEST_TRAP(36, CAUSE_ILLEGAL, 0x7a802573, csrr a0, mcontext)

    /* U-mode reaches none of the trigger CSRs */
    TEST_TRAP_U(37, CAUSE_ILLEGAL, 0x7a002573, csrr a0, tselect)
    TEST_TRAP_U(38, CAUSE_ILLEGAL, 0x7a102573, csrr a0, tdata1)
    TEST_TRAP_U(39, CAUSE_ILLEGAL, 0x7a402573, csrr a0, tinfo)
TEST_END
