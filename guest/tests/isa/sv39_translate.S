/*
 * sv39_translate.S - Sv39 address translation for U-mode and for M-mode
 * with mstatus.MPRV (see sv39_common.h for the address map).
 *  - satp reads back (MODE = 8, PPN = root)
 *  - U-mode code runs at a VA different from its PA (2 MiB megapage)
 *  - U-mode loads / stores through 4 KiB pages land on the right PA
 *    (checked from M-mode through the PA); two VAs aliasing one PA
 *  - fetch through a 4 KiB executable page (call + return)
 *  - a 32-bit instruction straddling two pages whose PAs are not
 *    contiguous executes correctly
 *  - 1 GiB gigapage translation
 *  - changing a PTE + sfence.vma (global and by address) takes effect
 *  - satp = 0 (Bare): U-mode uses physical addresses again
 *  - M-mode with MPRV = 1 and MPP = U: loads and stores are translated
 *    (instruction fetch is not); MPP = M: no translation
 */
#include "test_macros.h"
#include "sv39_common.h"

TEST_BEGIN
    SV39_SETUP
    /* data in the pages, written through their PAs */
    la a1, page_a
    li a2, 0x1111aaaa1111aaaa
    sd a2, 0(a1)
    li a2, 0xa0a0a0a0a0a0a0a0
    sd a2, 0x7f8(a1)
    la a1, page_b
    li a2, 0x2222bbbb2222bbbb
    sd a2, 0(a1)
    la a1, page_c
    li a2, 0x3333cccc3333cccc
    sd a2, 0(a1)

    SV39_ON
    CASE(1)
    csrr a0, satp
    la a1, pt_root
    srli a1, a1, 12
    li a2, SATP_MODE_SV39
    or a1, a1, a2
    CHECK_REG(a0, a1)

    /* U-mode code at a VA: auipc sees the VA */
    CASE(2)
    UV_BEGIN
1:  auipc a0, 0
    UV_END
    la a1, 1b
    li a2, VA_OFFSET
    sub a1, a1, a2
    CHECK_REG(a0, a1)

    /* U-mode loads through 4 KiB pages */
    CASE(3)
    li a1, VA_PAGE(0)
    li a2, VA_PAGE(2)
    UV_BEGIN
    ld a0, 0(a1)
    ld a3, 0(a2)
    ld a4, 0x7f8(a1)
    UV_END
    CHECK(a0, 0x1111aaaa1111aaaa)
    CASE(4)
    CHECK(a3, 0x2222bbbb2222bbbb)
    CASE(5)
    CHECK(a4, 0xa0a0a0a0a0a0a0a0)

    /* U-mode store through a VA, seen at the PA and through an alias */
    CASE(6)
    li a1, VA_PAGE(0)
    li a2, VA_PAGE(1)                /* read-only alias of page_a */
    li a3, 0x0123456789abcdef
    UV_BEGIN
    sd a3, 8(a1)
    ld a0, 8(a2)
    sw a3, 16(a1)
    lwu a4, 16(a2)
    UV_END
    CHECK(a0, 0x0123456789abcdef)
    CASE(7)
    CHECK(a4, 0x89abcdef)
    CASE(8)
    la a1, page_a
    ld a0, 8(a1)
    CHECK(a0, 0x0123456789abcdef)

    /* fetch through a 4 KiB executable page: call code_page at its VA */
    CASE(9)
    li a5, VA_PAGE(3)
    li a0, 41
    UV_BEGIN
    jalr ra, 0(a5)                   /* a0 += 1 */
    jalr ra, 0(a5)
    UV_END
    CHECK(a0, 43)

    /* a 32-bit instruction straddling VA pages 12 / 13 (non-contiguous
     * PAs): addi a0, a0, 0x123 then ret */
    CASE(10)
    li a5, VA_PAGE(13) - 2
    li a0, 0x1000
    UV_BEGIN
    jalr ra, 0(a5)
    UV_END
    CHECK(a0, 0x1123)

    /* 1 GiB page: VA_GIGA_U + (PA - 0x8000_0000) */
    CASE(11)
    la a1, page_b
    li a2, 0x80000000
    sub a1, a1, a2
    li a2, VA_GIGA_U
    add a1, a1, a2
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x2222bbbb2222bbbb)
    /* store through the gigapage */
    CASE(12)
    li a3, 0x4444
    UV_BEGIN
    sd a3, 0x100(a1)
    UV_END
    la a1, page_b
    ld a0, 0x100(a1)
    CHECK(a0, 0x4444)

    /* megapage data access (the program's own data via VA_OF) */
    CASE(13)
    la a1, page_c
    li a2, VA_OFFSET
    sub a1, a1, a2
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x3333cccc3333cccc)

    /* remap VA page 2 from page_b to page_c, sfence.vma, load again */
    CASE(14)
    PTE_TO pt_l0, 2, page_c, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    sfence.vma
    li a1, VA_PAGE(2)
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x3333cccc3333cccc)
    /* and back, with an address-specific sfence.vma */
    CASE(15)
    PTE_TO pt_l0, 2, page_b, PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    li a1, VA_PAGE(2)
    sfence.vma a1, zero
    UV_BEGIN
    ld a0, 0(a1)
    UV_END
    CHECK(a0, 0x2222bbbb2222bbbb)

    /* M-mode, MPRV = 1, MPP = U: loads/stores translated */
    CASE(16)
    li a1, VA_PAGE(0)
    li a0, MSTATUS_MPP
    csrc mstatus, a0                 /* MPP = U */
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    ld a0, 0(a1)
    li a3, 0x5555
    sd a3, 24(a1)
    li a4, MSTATUS_MPRV
    csrc mstatus, a4
    CHECK(a0, 0x1111aaaa1111aaaa)
    CASE(17)
    la a1, page_a
    ld a0, 24(a1)
    CHECK(a0, 0x5555)
    /* MPRV = 1, MPP = M: no translation (PA access works) */
    CASE(18)
    li a0, MSTATUS_MPP_M
    csrs mstatus, a0
    li a0, MSTATUS_MPRV
    csrs mstatus, a0
    la a1, page_b
    ld a0, 0(a1)
    li a4, MSTATUS_MPRV
    csrc mstatus, a4
    CHECK(a0, 0x2222bbbb2222bbbb)

    /* satp = 0: Bare again, U-mode uses PAs */
    CASE(19)
    csrw satp, zero
    sfence.vma
    la a1, page_c

    EXPECT_TRAP(CAUSE_USER_ECALL, 2f)
    ENTER_U(1f)
1:  ld a0, 0(a1)
    ecall
2:  CHECK(a0, 0x3333cccc3333cccc)
    CASE(20)
    csrr a0, satp
    CHECK(a0, 0)
TEST_END
    SV39_DATA
    SV39_CODE_PAGES
