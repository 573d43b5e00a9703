/*
 * sv39_common.h - the Sv39 address space shared by the sv39_*.S tests.
 * Include after test_macros.h. Page tables are built at run time (M-mode
 * stores), because PTEs need PA >> 12 of link-time symbols.
 *
 * Physical: the whole program (< 2 MiB) at 0x8000_0000; tables and data
 * pages are 4 KiB-aligned, in .data (so they are zero without relying on
 * .bss clearing).
 *
 * Virtual (PTE flags: V R W X U G A D = bits 0..7):
 *   root[1]  -> pt_l1                     VA 0x4000_0000 .. 0x7fff_ffff
 *     l1[0]  2 MiB leaf -> PA 0x8000_0000, U RWX A D: the program again,
 *            at VA = PA - 0x4000_0000 (VA_OF(label)); U-mode code runs here
 *     l1[1]  -> pt_l0 (4 KiB pages at VA 0x4020_0000 + i * 0x1000):
 *        0  page_a      U R W   A D
 *        1  page_a      U R     A      (read-only alias)
 *        2  page_b      U R W   A D
 *        3  code_page   U R   X A      (executable)
 *        4  code_page   U R W   A D    (not executable)
 *        5  page_a        R W   A D    (no U)
 *        6  invalid (PTE = 0)
 *        7  page_a      U   W   A D    (W without R: reserved)
 *        8  code_page   U     X A      (execute-only)
 *        9  page_b      U R W     D    (A = 0)
 *       10  page_b      U R W   A      (D = 0)
 *       11  V only at level 0 (a pointer where a leaf must be)
 *       12  code_page2  U R   X A      | a 32-bit instruction at
 *       13  code_page3  U R   X A      | VA 0x4020_cffe straddles 12/13;
 *                                       the PAs are not contiguous
 *       14  code_page4  U R   X A      | instruction at 0x4020_effe whose
 *       15  invalid                    | second half is unmapped
 *       16  code_page     R   X A      (no U)
 *       17  code_page   U R   X        (A = 0)
 *       18  page_b      U R W          (A = 0, D = 0)
 *     l1[2]  2 MiB leaf with PPN[0] != 0 (misaligned superpage)
 *     l1[3]  2 MiB leaf -> PA 0x8000_0000, U R W A   (D = 0)
 *     l1[4]  2 MiB leaf -> PA 0x8000_0000, U R W   D (A = 0)
 *   root[2]  1 GiB leaf -> PA 0x8000_0000, R W X A D (no U)
 *   root[3]  1 GiB leaf -> PA 0x8000_0000, U R W A D (no X)
 *   everything else invalid.
 */
#ifndef CLOAK_SV39_COMMON_H
#define CLOAK_SV39_COMMON_H

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_G 0x20
#define PTE_A 0x40
#define PTE_D 0x80

#define VA_OFFSET   0x40000000          /* megapage alias: VA = PA - VA_OFFSET */
#define VA_PAGES    0x40200000
#define VA_PAGE(i)  (VA_PAGES + (i) * 0x1000)
#define VA_MISALIGNED_MEGA  0x40400000
#define VA_MEGA_NO_D        0x40600000    /* alias of PA 0x8000_0000, D = 0 */
#define VA_MEGA_NO_A        0x40800000    /* alias of PA 0x8000_0000, A = 0 */
#define VA_GIGA_NO_U        0x80000000
#define VA_GIGA_U           0xc0000000    /* alias of PA 0x8000_0000 */

/* enter U-mode at the megapage alias of `label`. Clobbers t6, tp. */
#define ENTER_UV(label) \
    li t6, MSTATUS_MPP | MSTATUS_MPRV; csrc mstatus, t6; \
    la t6, label; li tp, VA_OFFSET; sub t6, t6, tp; csrw mepc, t6; mret

/* the recorded mepc equals the megapage alias of `label` */
#define CHECK_TRAP_EPC_V(label) \
    ld tp, trap_epc; li t6, VA_OFFSET; add tp, tp, t6; la t6, label; \
    beq tp, t6, 10093f; j fail; 10093:

/* Case n: insn... run in U-mode (at its VA) must trap with cause at its
 * first instruction, mtval == tval; resumes in M-mode. */
#define TEST_TRAP_UV(n, cause, tval, ...) \
    CASE(n); EXPECT_TRAP(cause, 10098f); ENTER_UV(10097f); \
    10097: __VA_ARGS__; ebreak; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC_V(10097b); \
    CHECK_TRAP_TVAL(tval); CHECK_TRAP_FROM_U

/* A block of U-mode code at its VA, ended by an ecall. */
#define UV_BEGIN \
    EXPECT_TRAP(CAUSE_USER_ECALL, 10096f); ENTER_UV(10095f); 10095:
#define UV_END \
    ecall; 10096:

/* PTE for label's physical page */
.macro PTE_TO table, idx, target, flags
    la t0, \target
    srli t0, t0, 12
    slli t0, t0, 10
    ori t0, t0, \flags
    la t1, \table
    sd t0, (\idx * 8)(t1)
.endm

/* PTE with a literal value */
.macro PTE_RAW table, idx, value
    li t0, \value
    la t1, \table
    sd t0, (\idx * 8)(t1)
.endm

/* Build every table (see the map above). Clobbers t0, t1. */
.macro SV39_SETUP
    PTE_TO  pt_root, 1, pt_l1, PTE_V
    PTE_RAW pt_root, 2, (0x80000 << 10) | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_V
    PTE_RAW pt_root, 3, (0x80000 << 10) | PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V

    PTE_RAW pt_l1, 0, (0x80000 << 10) | PTE_U | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_V
    PTE_TO  pt_l1, 1, pt_l0, PTE_V
    PTE_RAW pt_l1, 2, (0x80001 << 10) | PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_RAW pt_l1, 3, (0x80000 << 10) | PTE_U | PTE_R | PTE_W | PTE_A | PTE_V
    PTE_RAW pt_l1, 4, (0x80000 << 10) | PTE_U | PTE_R | PTE_W | PTE_D | PTE_V

    PTE_TO pt_l0, 0,  page_a,     PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_TO pt_l0, 1,  page_a,     PTE_U | PTE_R | PTE_A | PTE_V
    PTE_TO pt_l0, 2,  page_b,     PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_TO pt_l0, 3,  code_page,  PTE_U | PTE_R | PTE_X | PTE_A | PTE_V
    PTE_TO pt_l0, 4,  code_page,  PTE_U | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_TO pt_l0, 5,  page_a,     PTE_R | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_RAW pt_l0, 6, 0
    PTE_TO pt_l0, 7,  page_a,     PTE_U | PTE_W | PTE_A | PTE_D | PTE_V
    PTE_TO pt_l0, 8,  code_page,  PTE_U | PTE_X | PTE_A | PTE_V
    PTE_TO pt_l0, 9,  page_b,     PTE_U | PTE_R | PTE_W | PTE_D | PTE_V
    PTE_TO pt_l0, 10, page_b,     PTE_U | PTE_R | PTE_W | PTE_A | PTE_V
    PTE_TO pt_l0, 11, pt_l0b,     PTE_V
    PTE_TO pt_l0, 12, code_page2, PTE_U | PTE_R | PTE_X | PTE_A | PTE_V
    PTE_TO pt_l0, 13, code_page3, PTE_U | PTE_R | PTE_X | PTE_A | PTE_V
    PTE_TO pt_l0, 14, code_page4, PTE_U | PTE_R | PTE_X | PTE_A | PTE_V
    PTE_RAW pt_l0, 15, 0
    PTE_TO pt_l0, 16, code_page,  PTE_R | PTE_X | PTE_A | PTE_V
    PTE_TO pt_l0, 17, code_page,  PTE_U | PTE_R | PTE_X | PTE_V
    PTE_TO pt_l0, 18, page_b,     PTE_U | PTE_R | PTE_W | PTE_V
.endm

/* satp = Sv39 | root PPN, then sfence.vma. Clobbers t0, t1. */
.macro SV39_ON
    la t0, pt_root
    srli t0, t0, 12
    li t1, SATP_MODE_SV39
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
.endm

/* Tables and data pages (zero-filled, in .data). */
.macro SV39_DATA
    .data
    .balign 4096
    .globl pt_root, pt_l1, pt_l0, pt_l0b, page_a, page_b, page_c
pt_root:  .fill 512, 8, 0
pt_l1:    .fill 512, 8, 0
pt_l0:    .fill 512, 8, 0
pt_l0b:   .fill 512, 8, 0
page_a:   .fill 512, 8, 0
page_b:   .fill 512, 8, 0
page_c:   .fill 512, 8, 0
.endm

/* Code pages mapped at VA_PAGE(3 / 12 / 13 / 14 / 16 / 17). */
.macro SV39_CODE_PAGES
    .section .text.sv39pages, "ax", @progbits
    .balign 4096, 0
    .globl code_page, code_page2, code_page3, code_page4
code_page:                       /* a0 += 1; return */
    addi a0, a0, 1
    ret
    .balign 4096, 0
code_page3:                      /* upper half of addi a0, a0, 0x123 */
    .2byte 0x1235
    ret
    .balign 4096, 0
code_page2:
    .fill 2047, 2, 0
    .2byte 0x0513                /* lower half of addi a0, a0, 0x123 */
code_page4:
    .fill 2047, 2, 0
    .2byte 0x0513                /* its upper half would be in page 15 */
    .balign 4096, 0
.endm

#endif /* CLOAK_SV39_COMMON_H */
