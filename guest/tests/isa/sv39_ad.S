/*
 * sv39_ad.S - Sv39 accessed (A) and dirty (D) bits.
 * The spec allows two behaviours when an access finds A = 0 (or a store
 * finds D = 0): raise a page fault (Svade), or update the PTE in
 * hardware (Svadu). Observed on QEMU 7.2 (-M spike): the PTE is updated
 * in hardware and the access completes: A is set by any access (load,
 * store, fetch, also through a 2 MiB leaf and under MPRV), D is set by
 * stores only, no other PTE bit changes. This test follows QEMU and
 * REQUIRES the hardware update (a faulting implementation fails it).
 * Each case rewrites the PTE from M-mode and executes sfence.vma first.
 */
#include "test_macros.h"
#include "sv39_common.h"

/* a0 = the current PTE at pt_l0[idx] / pt_l1[idx] */
#define PTE_L0(idx)   la t5, pt_l0; ld a0, ((idx) * 8)(t5)
#define PTE_L1(idx)   la t5, pt_l1; ld a0, ((idx) * 8)(t5)
/* the PTE must equal its original value (a4) with `bits` added */
#define CHECK_PTE_PLUS(bits) li t5, (bits); or t5, a4, t5; CHECK_REG(a0, t5)

TEST_BEGIN
    SV39_SETUP
    la a1, page_b
    li a2, 0x2222bbbb2222bbbb
    sd a2, 0(a1)
    SV39_ON

    /* load through A = 0 (D = 1): A gets set */
    CASE(1)
    PTE_L0(9)
    mv a4, a0
    andi a0, a0, PTE_A
    CHECK(a0, 0)
    CASE(2)
    li a1, VA_PAGE(9)
    UV_BEGIN
    ld a3, 0(a1)
    UV_END
    CHECK(a3, 0x2222bbbb2222bbbb)
    CASE(3)
    PTE_L0(9)
    CHECK_PTE_PLUS(PTE_A)

    /* store through A = 1, D = 0: D gets set */
    CASE(4)
    PTE_L0(10)
    mv a4, a0
    li a1, VA_PAGE(10)
    li a3, 0x1010
    UV_BEGIN
    sd a3, 8(a1)
    UV_END
    PTE_L0(10)
    CHECK_PTE_PLUS(PTE_D)
    CASE(5)
    la a1, page_b
    ld a0, 8(a1)
    CHECK(a0, 0x1010)

    /* load through A = 0, D = 0 (writable page): only A gets set */
    CASE(6)
    PTE_TO pt_l0, 18, page_b, PTE_U | PTE_R | PTE_W | PTE_V
    sfence.vma
    PTE_L0(18)
    mv a4, a0
    li a1, VA_PAGE(18)
    UV_BEGIN
    ld a3, 0(a1)
    UV_END
    PTE_L0(18)
    CHECK_PTE_PLUS(PTE_A)
    /* then a store: D gets set as well */
    CASE(7)
    UV_BEGIN
    sd a3, 16(a1)
    UV_END
    PTE_L0(18)
    CHECK_PTE_PLUS(PTE_A | PTE_D)

    /* store through A = 0, D = 0: both set at once */
    CASE(8)
    PTE_TO pt_l0, 18, page_b, PTE_U | PTE_R | PTE_W | PTE_V
    sfence.vma
    PTE_L0(18)
    mv a4, a0
    li a1, VA_PAGE(18)
    UV_BEGIN
    sw zero, 24(a1)
    UV_END
    PTE_L0(18)
    CHECK_PTE_PLUS(PTE_A | PTE_D)

    /* an AMO is a store: sets A and D */
    CASE(9)
    PTE_TO pt_l0, 18, page_b, PTE_U | PTE_R | PTE_W | PTE_V
    sfence.vma
    PTE_L0(18)
    mv a4, a0
    li a3, 1
    addi a2, a1, 24
    UV_BEGIN
    amoadd.d zero, a3, (a2)
    UV_END
    PTE_L0(18)
    CHECK_PTE_PLUS(PTE_A | PTE_D)

    /* instruction fetch through A = 0: A gets set (never D) */
    CASE(10)
    PTE_L0(17)
    mv a4, a0
    li a5, VA_PAGE(17)
    li a0, 7
    UV_BEGIN
    jalr ra, 0(a5)
    UV_END
    CHECK(a0, 8)
    CASE(11)
    PTE_L0(17)
    CHECK_PTE_PLUS(PTE_A)

    /* 2 MiB leaves: D on the l1[3] alias, A on the l1[4] alias */
    CASE(12)
    PTE_L1(3)
    mv a4, a0
    la a1, page_c
    li a2, 0x80000000
    sub a1, a1, a2
    li a2, VA_MEGA_NO_D
    add a1, a1, a2                   /* page_c through l1[3] */
    li a3, 0xd00d
    UV_BEGIN
    sd a3, 0(a1)
    UV_END
    PTE_L1(3)
    CHECK_PTE_PLUS(PTE_D)
    CASE(13)
    la a1, page_c
    ld a0, 0(a1)
    CHECK(a0, 0xd00d)
    CASE(14)
    PTE_L1(4)
    mv a4, a0
    la a1, page_c
    li a2, 0x80000000
    sub a1, a1, a2
    li a2, VA_MEGA_NO_A
    add a1, a1, a2
    UV_BEGIN
    ld a3, 0(a1)
    UV_END
    CHECK(a3, 0xd00d)
    CASE(15)
    PTE_L1(4)
    CHECK_PTE_PLUS(PTE_A)

    /* M-mode with MPRV = 1, MPP = U: the load sets A too */
    CASE(16)
    PTE_TO pt_l0, 9, page_b, PTE_U | PTE_R | PTE_W | PTE_D | PTE_V
    sfence.vma
    PTE_L0(9)
    mv a4, a0
    li a1, VA_PAGE(9)
    li a0, MSTATUS_MPP
    csrc mstatus, a0
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    ld a3, 0(a1)
    li a0, MSTATUS_MPRV
    csrc mstatus, a0
    CHECK(a3, 0x2222bbbb2222bbbb)
    CASE(17)
    PTE_L0(9)
    CHECK_PTE_PLUS(PTE_A)

    /* a faulting store (read-only page, D = 0) does not set D */
    CASE(18)
    PTE_TO pt_l0, 1, page_a, PTE_U | PTE_R | PTE_A | PTE_V
    sfence.vma
    li a1, VA_PAGE(1)
    TEST_TRAP_UV(19, CAUSE_STORE_PAGE_FAULT, VA_PAGE(1), sd zero, 0(a1))
    CASE(20)
    PTE_L0(1)
    andi a0, a0, PTE_D
    CHECK(a0, 0)
TEST_END
    SV39_DATA
    SV39_CODE_PAGES
