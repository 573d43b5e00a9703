/*
 * pmp_sv39.S - PMP and Sv39 together (privileged spec 3.7.1: the page
 * table walk's accesses are checked with S-mode's rights, so every entry
 * applies to them; see sv39_common.h for the map):
 *  - page tables that PMP refuses: a U-mode fetch through them raises an
 *    instruction access fault (1), not a page fault, mtval = the VA;
 *  - readable tables: translation works, and the translated access is
 *    then checked by PMP on its physical address: a store to a page
 *    whose PTE allows it but whose PMP entry is read-only raises a
 *    store access fault (7), mtval = the VA.
 * (A walk that must set A or D in a PTE PMP lets it read but not write:
 * Cloak and Spike refuse it with an access fault, QEMU 7.2 writes the
 * PTE anyway; not checked here.)
 */
#include "test_macros.h"
#include "sv39_common.h"
#include "pmp_common.h"

TEST_BEGIN
    SV39_SETUP
    SV39_ON
    PMP_CATCH_ALL_AT_15

    /* entry 1: TOR [pt_root, page_a) = the four tables, no rights */
    PMP_ADDR(a5, pt_root, 0)
    csrw pmpaddr0, a5
    PMP_ADDR(a5, page_a, 0)
    csrw pmpaddr1, a5
    li t0, PMP_TOR << 8
    csrw pmpcfg0, t0
    sfence.vma
    CASE(1)
    EXPECT_TRAP(CAUSE_FETCH_ACCESS, 2f)
    ENTER_UV(1f)
1:  ecall
2:  CHECK_TRAP_FROM_U
    CHECK_TRAP_EPC_V(1b)
    ld a0, trap_tval
    la a1, 1b
    li a2, VA_OFFSET
    sub a1, a1, a2
    CHECK_REG(a0, a1)

    /* tables readable: U-mode runs and loads through them */
    li t0, (PMP_TOR | PMP_R) << 8
    csrw pmpcfg0, t0
    la a1, page_a
    li a2, 0x5a5a
    sd a2, 0(a1)
    li a1, VA_PAGE(0)
    CASE(2)
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x5a5a)

    /* entry 2: page_a read only; its PTE (VA_PAGE(0)) says R W */
    NAPOT_ADDR(a5, page_a, 4096)
    csrw pmpaddr2, a5
    li t0, ((PMP_NAPOT | PMP_R) << 16) | ((PMP_TOR | PMP_R) << 8)
    csrw pmpcfg0, t0
    li a1, VA_PAGE(0)
    TEST_TRAP_UV(3, CAUSE_STORE_ACCESS, VA_PAGE(0) + 8, sd a0, 8(a1))
    CASE(4)
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x5a5a)
TEST_END

    SV39_CODE_PAGES
    SV39_DATA
