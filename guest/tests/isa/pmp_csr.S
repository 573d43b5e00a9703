/*
 * pmp_csr.S - the PMP CSRs (privileged spec 3.7.1) as software probing
 * them sees them (M-mode only; the matching itself is in pmp_access.S,
 * pmp_lock.S and pmp_sv39.S):
 *  - 16 entries: pmpaddr0-15 hold what is written; pmpcfg0 and pmpcfg2
 *    hold legal configurations byte for byte;
 *  - granularity G = 0 (4 bytes): with entry 0 off, all ones written to
 *    pmpaddr0 read back with bit 0 set, and pmpaddr reads back as
 *    written whatever the entry's A field (OFF, TOR, NA4, NAPOT);
 *  - the odd pmpcfg registers do not exist on RV64 (illegal);
 *  - csrs / csrc on pmpcfg and pmpaddr are read-modify-write.
 * Where QEMU 7.2 departs from the spec, both are accepted (the program
 * passes on QEMU and on Cloak, which follows the spec and Spike):
 *  - pmpcfg4..14 and pmpaddr16..63 (entries QEMU does not have): QEMU
 *    makes them illegal; the spec makes them read-only zero (case 12);
 *  - pmpaddr bits 63:54: QEMU keeps them; the spec has RV64 pmpaddr
 *    hold physical address bits 55:2 only (case 13);
 *  - a pmpcfg byte with the reserved bits 6:5 or the reserved R = 0,
 *    W = 1: QEMU stores it as written; Cloak clears bits 6:5 and W (as
 *    Spike does) (cases 14, 15).
 * TEST_BEGIN left entry 0 as NAPOT RWX over everything; this program
 * moves that to entry 15 first. No entry is ever locked.
 */
#include "test_macros.h"
#include "pmp_common.h"

/* Case n: `insn` either raises an illegal-instruction trap or reads a0 = 0. */
#define TEST_ZERO_OR_ILLEGAL(n, ...) \
    CASE(n); li a0, -1; EXPECT_TRAP(CAUSE_ILLEGAL, 10098f); __VA_ARGS__; CLEAR_TRAP; \
    CHECK(a0, 0); j 10099f; 10098: 10099:

TEST_BEGIN
    TEST_CASE(1, a0, 0x1f, csrr a0, pmpcfg0)
    PMP_CATCH_ALL_AT_15
    TEST_CASE(2, a0, 0, csrr a0, pmpcfg0)
    TEST_CASE(3, a0, 0x1f00000000000000, csrr a0, pmpcfg2)

    /* G: lowest set bit of pmpaddr0 after writing all ones, entry off */
    TEST_CASE(4, a0, 1, li a1, -1; csrw pmpaddr0, a1; csrr a1, pmpaddr0; neg a0, a1; and a0, a0, a1)

    /* every pmpaddr of the 16 entries holds its own value */
    CASE(5)
    li a1, 0x1000
    csrw pmpaddr0, a1;  addi a1, a1, 1; csrw pmpaddr1, a1;  addi a1, a1, 1
    csrw pmpaddr2, a1;  addi a1, a1, 1; csrw pmpaddr3, a1;  addi a1, a1, 1
    csrw pmpaddr4, a1;  addi a1, a1, 1; csrw pmpaddr5, a1;  addi a1, a1, 1
    csrw pmpaddr6, a1;  addi a1, a1, 1; csrw pmpaddr7, a1;  addi a1, a1, 1
    csrw pmpaddr8, a1;  addi a1, a1, 1; csrw pmpaddr9, a1;  addi a1, a1, 1
    csrw pmpaddr10, a1; addi a1, a1, 1; csrw pmpaddr11, a1; addi a1, a1, 1
    csrw pmpaddr12, a1; addi a1, a1, 1; csrw pmpaddr13, a1; addi a1, a1, 1
    csrw pmpaddr14, a1
    csrr a0, pmpaddr0;  CHECK(a0, 0x1000)
    csrr a0, pmpaddr7;  CHECK(a0, 0x1007)
    csrr a0, pmpaddr13; CHECK(a0, 0x100d)
    csrr a0, pmpaddr14; CHECK(a0, 0x100e)
    li a1, -1
    csrw pmpaddr15, a1  /* back to the catch-all (its value is checked in case 13) */

    /* pmpaddr reads back as written in every A mode (G = 0) */
    li a1, 0xfff
    csrw pmpaddr2, a1
    TEST_CASE(6, a0, 0xfff, li a1, PMP_NAPOT << 16; csrw pmpcfg0, a1; csrr a0, pmpaddr2)
    TEST_CASE(7, a0, 0xfff, li a1, PMP_TOR << 16; csrw pmpcfg0, a1; csrr a0, pmpaddr2)
    TEST_CASE(8, a0, 0xfff, li a1, PMP_NA4 << 16; csrw pmpcfg0, a1; csrr a0, pmpaddr2)
    TEST_CASE(9, a0, 0xfff, csrw pmpcfg0, zero; csrr a0, pmpaddr2)

    /* legal configurations are kept byte for byte (all far from this program: pmpaddr0-14 are small) */
    TEST_CASE(10, a0, 0x0f0d0b0907050301, li a1, 0x0f0d0b0907050301; csrw pmpcfg0, a1; csrr a0, pmpcfg0)
    TEST_CASE(11, a0, 0x1f1d1b1917151311, li a1, 0x001d1b1917151311; csrw pmpcfg2, a1; li a1, 0x1f00000000000000; csrs pmpcfg2, a1; csrr a0, pmpcfg2)
    CASE(16)
    li a1, 0x0000000000000300
    csrc pmpcfg0, a1
    csrr a0, pmpcfg0
    CHECK(a0, 0x0f0d0b0907050001)
    li a1, 0x1f00000000000000
    csrw pmpcfg2, a1
    csrw pmpcfg0, zero
    TEST_CASE(17, a0, 0x1f00000000000000, csrr a0, pmpcfg2)

    /* entries 16-63 do not exist: illegal (QEMU 7.2) or read-only zero (spec) */
    TEST_ZERO_OR_ILLEGAL(12, li a1, 0x0f0f; csrw pmpcfg4, a1; csrr a0, pmpcfg4)
    TEST_ZERO_OR_ILLEGAL(18, li a1, 0x1234; csrw pmpaddr16, a1; csrr a0, pmpaddr16)
    TEST_ZERO_OR_ILLEGAL(19, li a1, 0x1234; csrw pmpaddr63, a1; csrr a0, pmpaddr63)
    TEST_ZERO_OR_ILLEGAL(20, csrr a0, pmpcfg14)

    /* all ones in pmpaddr15: 54 ones (spec) or 64 (QEMU 7.2) */
    CASE(13)
    csrr a0, pmpaddr15
    li a1, -1
    beq a0, a1, 1f
    li a1, 0x003fffffffffffff
    bne a0, a1, fail
1:
    /* reserved bits 6:5 of a pmpcfg byte: 0x60 (QEMU 7.2) or 0 */
    CASE(14)
    li a1, 0x6100
    csrw pmpcfg0, a1
    csrr a0, pmpcfg0
    li a1, 0x6100
    beq a0, a1, 1f
    li a1, 0x0100
    bne a0, a1, fail
1:
    /* R = 0, W = 1: kept (QEMU 7.2) or W dropped */
    CASE(15)
    li a1, 0x0600
    csrw pmpcfg0, a1
    csrr a0, pmpcfg0
    li a1, 0x0600
    beq a0, a1, 1f
    li a1, 0x0400
    bne a0, a1, fail
1:
    csrw pmpcfg0, zero

    /* the odd pmpcfg registers do not exist on RV64 */
    TEST_TRAP(21, CAUSE_ILLEGAL, 0x3a102573, csrr a0, pmpcfg1)
    TEST_TRAP(22, CAUSE_ILLEGAL, 0x3a359073, csrw pmpcfg3, a1)
TEST_END
