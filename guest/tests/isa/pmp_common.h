/*
 * pmp_common.h - PMP helpers for the pmp_*.S programs (include after
 * test_macros.h). Written for Cloak.
 *
 * pmpcfg byte: L (bit 7), A (bits 4:3: OFF, TOR, NA4, NAPOT), X W R.
 * TEST_BEGIN opens PMP entry 0 as NAPOT RWX over all memory; the PMP
 * programs move that catch-all to entry 15 (the lowest priority), so the
 * entries they program below it decide first.
 */
#ifndef CLOAK_PMP_COMMON_H
#define CLOAK_PMP_COMMON_H

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* Entry 15 = NAPOT RWX over everything, then entries 0-14 off.
 * Clobbers t0. */
#define PMP_CATCH_ALL_AT_15 \
    li t0, -1; csrw pmpaddr15, t0; \
    li t0, 0x1f00000000000000; csrw pmpcfg2, t0; \
    csrw pmpcfg0, zero

/* pmpaddr value of the NAPOT region [label, label + size) (size a power
 * of two >= 8, label aligned to it) into reg. Clobbers t0. */
#define NAPOT_ADDR(reg, label, size) \
    la reg, label; srli reg, reg, 2; li t0, ((size) >> 3) - 1; or reg, reg, t0

/* pmpaddr value of the byte address label + offset (TOR / NA4 bounds). */
#define PMP_ADDR(reg, label, offset) \
    la reg, label; addi reg, reg, offset; srli reg, reg, 2

/* Case n: `insn...` run in U-mode must trap with `cause` at its first
 * instruction, with mtval = s0 + off (s0: the base register of the
 * case's data). Clobbers a2, tp, t6. */
#define TEST_TRAP_U_AT(n, cause, off, ...) \
    CASE(n); addi a2, s0, off; EXPECT_TRAP(cause, 10098f); ENTER_U(10097f); \
    10097: __VA_ARGS__; ebreak; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC(10097b); \
    ld tp, trap_tval; CHECK_REG(tp, a2); CHECK_TRAP_FROM_U

/* The same for M-mode code. */
#define TEST_TRAP_M_AT(n, cause, off, ...) \
    CASE(n); addi a2, s0, off; EXPECT_TRAP(cause, 10098f); \
    10097: __VA_ARGS__; j fail; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC(10097b); \
    ld tp, trap_tval; CHECK_REG(tp, a2)

#endif /* CLOAK_PMP_COMMON_H */
