/*
 * pmp_lock.S - the PMP lock bit (privileged spec 3.7.1.2):
 *  - a locked entry's rights bind M-mode too (load allowed, store and
 *    fetch refused: mcause 7 / 1, mtval = the address), and U-mode;
 *  - writes to a locked entry's pmpcfg byte and pmpaddr are ignored,
 *    while the other bytes of the same pmpcfg stay writable;
 *  - a locked TOR entry also locks pmpaddr[i-1], its bottom;
 *  - the lock holds until reset: this program ends with its entries
 *    still locked (they cover only lock_page, tor_page and lock_code).
 */
#include "test_macros.h"
#include "pmp_common.h"

TEST_BEGIN
    PMP_CATCH_ALL_AT_15
    la s0, lock_page
    li a1, 0x0123456789abcdef
    sd a1, 0(s0)

    /* entry 0: locked, read only, over lock_page */
    NAPOT_ADDR(a5, lock_page, 4096)
    csrw pmpaddr0, a5
    li t0, PMP_L | PMP_NAPOT | PMP_R
    csrw pmpcfg0, t0
    TEST_CASE(1, a0, 0x0123456789abcdef, ld a0, 0(s0))
    TEST_TRAP_M_AT(2, CAUSE_STORE_ACCESS, 8, sd a1, 8(s0))
    TEST_CASE(3, a0, 0, ld a0, 8(s0))

    /* its pmpcfg byte and pmpaddr ignore writes; the neighbours do not */
    TEST_CASE(4, a0, 0x99, csrw pmpcfg0, zero; csrr a0, pmpcfg0)
    TEST_CASE(5, a0, 0x99, li t0, PMP_W | PMP_X; csrs pmpcfg0, t0; csrr a0, pmpcfg0)
    CASE(6)
    csrw pmpaddr0, zero
    csrr a0, pmpaddr0
    CHECK_REG(a0, a5)
    TEST_CASE(7, a0, 0x0199, li t0, 0x0100; csrs pmpcfg0, t0; csrr a0, pmpcfg0)

    /* entry 2: locked TOR [tor_page, tor_page + 0x100), read only; pmpaddr1 (its bottom) locked with it */
    la s1, tor_page
    PMP_ADDR(a3, tor_page, 0)
    csrw pmpaddr1, a3
    PMP_ADDR(a4, tor_page, 0x100)
    csrw pmpaddr2, a4
    li t0, ((PMP_L | PMP_TOR | PMP_R) << 16) | 0x0199
    csrw pmpcfg0, t0
    TEST_CASE(8, a0, 0x890199, csrr a0, pmpcfg0)
    CASE(9)
    csrw pmpaddr1, zero
    csrr a0, pmpaddr1
    CHECK_REG(a0, a3)
    CASE(10)
    csrw pmpaddr2, zero
    csrr a0, pmpaddr2
    CHECK_REG(a0, a4)
    TEST_CASE(11, a0, 0x1234, li a1, 0x1234; csrw pmpaddr3, a1; csrr a0, pmpaddr3)
    mv a1, s0
    mv s0, s1
    TEST_TRAP_M_AT(12, CAUSE_STORE_ACCESS, 0x10, sd a1, 0x10(s0))
    TEST_CASE(13, a0, 0, ld a0, 0x10(s0))
    TEST_CASE(14, a0, 0x77, li a1, 0x77; sd a1, 0x100(s0); ld a0, 0x100(s0))   /* past the entry */
    la s0, lock_page

    /* entry 3: locked, no X, over lock_code: M-mode cannot run it */
    CASE(15)
    NAPOT_ADDR(a5, lock_code, 4096)
    csrw pmpaddr3, a5
    li t0, ((PMP_L | PMP_NAPOT | PMP_R) << 24)
    csrs pmpcfg0, t0
    EXPECT_TRAP(CAUSE_FETCH_ACCESS, 2f)
    la a1, lock_code
    jalr ra, 0(a1)
    j fail
2:  ld a0, trap_tval
    CHECK_ADDR(a0, lock_code)
    ld a0, trap_epc
    CHECK_ADDR(a0, lock_code)

    /* U-mode gets the locked rights as well */
    CASE(16)
    U_BEGIN
    ld a0, 0(s0)
    U_END
    CHECK(a0, 0x0123456789abcdef)
    TEST_TRAP_U_AT(17, CAUSE_STORE_ACCESS, 16, sd a0, 16(s0))
TEST_END

    .section .text.pmpcode, "ax", @progbits
    .balign 4096, 0
lock_code:
    li a0, 1
    ret
    .balign 4096, 0

    .data
    .balign 4096
lock_page:
    .fill 512, 8, 0
tor_page:
    .fill 512, 8, 0
