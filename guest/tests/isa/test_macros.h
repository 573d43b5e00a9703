/*
 * test_macros.h - Cloak's own macro set for the ISA conformance programs.
 *
 * ======================================================================
 *  CONVENTION
 * ======================================================================
 *
 *  Entry    `_start` at 0x8000_0000 (section .text.init), in M-mode.
 *           TEST_BEGIN points mtvec at `trap_entry` (direct mode), opens
 *           PMP entry 0 as "all of memory, RWX" so that U-mode may run
 *           (tolerated if PMP CSRs trap: the write is skipped), clears
 *           mie, sets sp to a 4 KiB stack and s11 = 0.
 *
 *  Cases    Every check has a case number 1..254 held in s11 while the
 *           case runs. TEST_CASE(n, reg, expected, code...) runs `code`
 *           and compares `reg` with `expected`; a mismatch jumps to fail.
 *
 *  Result   Reported through the HTIF mailbox `tohost`:
 *             pass: a0 = 0
 *             fail: a0 = failing case number (1..254); 255 if the
 *                   failure happened before the first case started
 *           then `(a0 << 1) | 1` is stored (64-bit sd) to `tohost` and
 *           the hart spins forever. QEMU (-M spike) exits with status a0.
 *           Case numbers stop at 254 because a process exit status is
 *           8 bits: a case 256 would otherwise read as "pass".
 *
 *  Traps    Any trap that the test did not announce fails the test with
 *           the current case number. A test announces one trap with
 *           EXPECT_TRAP(cause, resume_label): the next trap must have
 *           exactly that mcause; the handler then records mcause, mepc,
 *           mtval and mstatus (symbols trap_cause, trap_epc, trap_tval,
 *           trap_status), increments trap_count, disarms the
 *           expectation, and returns with mret to `resume_label` in
 *           M-mode (it sets mstatus.MPP = M and clears mstatus.MPIE, so
 *           the mret leaves MIE = 0 and MPP = U).
 *           The expectation is one-shot. EXPECT_TRAP2(c1, c2, label)
 *           accepts either cause (used only where the spec and QEMU 7.2
 *           disagree, each use says why). The test checks the recorded
 *           values afterwards (TEST_TRAP does cause, mepc and mtval).
 *           A trap expected but not taken falls through to `j fail`
 *           (M-mode) or to an `ebreak` sentinel (U-mode helpers), which
 *           then fails as an unexpected trap.
 *
 *  U-mode   ENTER_U(label) mrets to label with MPP = U; U_BEGIN ...
 *           U_END runs a block in U-mode that ends with an ecall (the
 *           expected trap that brings the hart back to M-mode);
 *           TEST_TRAP_U(n, cause, tval, insn...) expects insn to trap
 *           from U-mode. (sv39_common.h has the same for code running
 *           at a virtual address.)
 *
 *  Registers reserved by the framework (tests must not keep values there
 *  across a macro or a possible trap):
 *     s11 (x27)  current case number
 *     tp  (x4)   scratch of the trap handler and the EXPECT/CLEAR macros
 *     t6  (x31)  scratch of every check macro
 *     sp  (x2)   stack (tests may use it freely, it starts at stack_top)
 *  The trap handler preserves every register except tp.
 *
 *  Usage:
 *     #include "test_macros.h"
 *     TEST_BEGIN
 *       TEST_RR(1, add, 3, 1, 2)
 *       ...
 *     TEST_END
 *     .data            (optional test data afterwards)
 *
 * All code here was written for Cloak; it does not come from riscv-tests.
 */
#ifndef CLOAK_ISA_TEST_MACROS_H
#define CLOAK_ISA_TEST_MACROS_H

/* ---------------------------------------------------------------------
 * CSR bits and trap causes
 * ------------------------------------------------------------------- */
#define MSTATUS_MIE     0x8
#define MSTATUS_MPIE    0x80
#define MSTATUS_MPP     0x1800
#define MSTATUS_MPP_M   0x1800
#define MSTATUS_MPRV    0x20000
#define MSTATUS_SUM     0x40000
#define MSTATUS_MXR     0x80000
#define MSTATUS_TW      0x200000

#define MIP_MSIP        0x8
#define MIP_MTIP        0x80

#define CAUSE_MISALIGNED_FETCH   0
#define CAUSE_FETCH_ACCESS       1
#define CAUSE_ILLEGAL            2
#define CAUSE_BREAKPOINT         3
#define CAUSE_MISALIGNED_LOAD    4
#define CAUSE_LOAD_ACCESS        5
#define CAUSE_MISALIGNED_STORE   6
#define CAUSE_STORE_ACCESS       7
#define CAUSE_USER_ECALL         8
#define CAUSE_MACHINE_ECALL      11
#define CAUSE_FETCH_PAGE_FAULT   12
#define CAUSE_LOAD_PAGE_FAULT    13
#define CAUSE_STORE_PAGE_FAULT   15

#define IRQ_M_SOFT      0x8000000000000003
#define IRQ_M_TIMER     0x8000000000000007

/* CLINT (same on QEMU spike and virt) */
#define CLINT_BASE      0x02000000
#define CLINT_MSIP      0x02000000
#define CLINT_MTIMECMP  0x02004000
#define CLINT_MTIME     0x0200BFF8

#define SATP_MODE_SV39  0x8000000000000000

/* trap_state layout (byte offsets) */
#define TS_EXPECT   0
#define TS_EXPECT2  8
#define TS_RESUME   16
#define TS_CAUSE    24
#define TS_EPC      32
#define TS_TVAL     40
#define TS_STATUS   48
#define TS_COUNT    56
#define TS_SAVE_T0  64
#define TS_SAVE_T1  72

#define NO_TRAP_EXPECTED  (-1)

/* ---------------------------------------------------------------------
 * Case numbering and checks (C preprocessor: statements joined by ';')
 * ------------------------------------------------------------------- */

/* Start case n: range-checked at assembly time. */
#define CASE(n) \
    .if ((n) < 1) || ((n) > 254); .error "case number must be 1..254"; .endif; \
    li s11, (n)

/* Compare reg with an immediate value (any 64-bit constant); fail if not
 * equal. Clobbers t6. */
#define CHECK(reg, expect) \
    li t6, (expect); beq reg, t6, 10099f; j fail; 10099:

/* Compare two registers. */
#define CHECK_REG(reg1, reg2) \
    beq reg1, reg2, 10099f; j fail; 10099:

/* Compare reg with the address of a label. Clobbers t6. */
#define CHECK_ADDR(reg, label) \
    la t6, label; beq reg, t6, 10099f; j fail; 10099:

/* Run code, then check reg == expect, all under case number n. */
#define TEST_CASE(n, reg, expect, ...) \
    CASE(n); __VA_ARGS__; CHECK(reg, expect)

/* Register-register op:  a0 = insn(a1 = v1, a2 = v2) */
#define TEST_RR(n, insn, expect, v1, v2) \
    TEST_CASE(n, a0, expect, li a1, (v1); li a2, (v2); insn a0, a1, a2)

/* Register-immediate op:  a0 = insn(a1 = v1, imm) */
#define TEST_RI(n, insn, expect, v1, imm) \
    TEST_CASE(n, a0, expect, li a1, (v1); insn a0, a1, imm)

/* Same with the destination equal to a source register. */
#define TEST_RR_RD_RS1(n, insn, expect, v1, v2) \
    TEST_CASE(n, a1, expect, li a1, (v1); li a2, (v2); insn a1, a1, a2)
#define TEST_RR_RD_RS2(n, insn, expect, v1, v2) \
    TEST_CASE(n, a2, expect, li a1, (v1); li a2, (v2); insn a2, a1, a2)
#define TEST_RR_RS1_RS2(n, insn, expect, v1) \
    TEST_CASE(n, a0, expect, li a1, (v1); insn a0, a1, a1)
#define TEST_RI_RD_RS1(n, insn, expect, v1, imm) \
    TEST_CASE(n, a1, expect, li a1, (v1); insn a1, a1, imm)

/* Register-register op with x0 as destination: x0 must stay zero. */
#define TEST_RR_X0(n, insn, v1, v2) \
    TEST_CASE(n, x0, 0, li a1, (v1); li a2, (v2); insn x0, a1, a2)

/* ---------------------------------------------------------------------
 * Trap expectations
 * ------------------------------------------------------------------- */

/* Announce that the next trap has mcause == cause and must resume at
 * `resume` (in M-mode). Clobbers tp, t6. */
#define EXPECT_TRAP(cause, resume) \
    EXPECT_TRAP2(cause, cause, resume)

/* Same, but either of two causes is accepted (used only where the spec
 * and the reference model disagree; see the comment at each use). */
#define EXPECT_TRAP2(cause1, cause2, resume) \
    la tp, trap_state; li t6, (cause1); sd t6, TS_EXPECT(tp); \
    li t6, (cause2); sd t6, TS_EXPECT2(tp); \
    la t6, resume; sd t6, TS_RESUME(tp)

/* Withdraw an expectation that did not fire. Clobbers tp, t6. */
#define CLEAR_TRAP \
    la tp, trap_state; li t6, NO_TRAP_EXPECTED; sd t6, TS_EXPECT(tp); \
    sd t6, TS_EXPECT2(tp)

/* Checks on the values the handler recorded for the last expected trap.
 * Clobber t6 (and tp). */
#define CHECK_TRAP_CAUSE(cause) \
    ld tp, trap_cause; CHECK(tp, cause)
#define CHECK_TRAP_TVAL(tval) \
    ld tp, trap_tval; CHECK(tp, tval)
#define CHECK_TRAP_EPC(label) \
    ld tp, trap_epc; CHECK_ADDR(tp, label)

/* Case n: the instruction sequence `insn...` (run in M-mode) must trap
 * with `cause`, the FIRST instruction of the sequence being the one that
 * traps (mepc is checked against it) and mtval must equal `tval`. Set up
 * operands before the macro (not in tp / t6). */
#define TEST_TRAP(n, cause, tval, ...) \
    CASE(n); EXPECT_TRAP(cause, 10098f); \
    10097: __VA_ARGS__; j fail; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC(10097b); CHECK_TRAP_TVAL(tval)

/* Same, but mtval is not checked. */
#define TEST_TRAP_ANY_TVAL(n, cause, ...) \
    CASE(n); EXPECT_TRAP(cause, 10098f); \
    10097: __VA_ARGS__; j fail; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC(10097b)

/* ---------------------------------------------------------------------
 * U-mode helpers
 * ------------------------------------------------------------------- */

/* mret to `label` in U-mode (MPP = 0, MPRV cleared). Clobbers t6. */
#define ENTER_U(label) \
    li t6, MSTATUS_MPP | MSTATUS_MPRV; csrc mstatus, t6; \
    la t6, label; csrw mepc, t6; mret

/* Case n: `insn...` executed in U-mode must trap with `cause` at its
 * first instruction and mtval == tval. If the sequence does not trap,
 * an ebreak follows (cause 3 != cause) and the test fails. Resumes in
 * M-mode. */
#define TEST_TRAP_U(n, cause, tval, ...) \
    CASE(n); EXPECT_TRAP(cause, 10098f); ENTER_U(10097f); \
    10097: __VA_ARGS__; ebreak; \
    10098: CHECK_TRAP_CAUSE(cause); CHECK_TRAP_EPC(10097b); \
    CHECK_TRAP_TVAL(tval); CHECK_TRAP_FROM_U

/* The recorded mstatus.MPP of the last trap was U (0). */
#define CHECK_TRAP_FROM_U \
    ld tp, trap_status; li t6, MSTATUS_MPP; and tp, tp, t6; CHECK(tp, 0)

/* Run a block of code in U-mode; the block ends with an ecall that
 * brings the hart back to M-mode right after U_END. No trap other than
 * that ecall may happen inside. */
#define U_BEGIN \
    EXPECT_TRAP(CAUSE_USER_ECALL, 10096f); ENTER_U(10095f); 10095:
#define U_END \
    ecall; 10096:

/* Try a CSR write that may not exist: an illegal-instruction trap is
 * tolerated and skipped (used for S-mode-only CSRs that QEMU has and
 * an M/U-only machine may not). Clobbers tp, t6. */
#define TRY_CSRW(csr, reg) \
    EXPECT_TRAP(CAUSE_ILLEGAL, 10094f); csrw csr, reg; CLEAR_TRAP; 10094:

/* ---------------------------------------------------------------------
 * Program skeleton (GNU as macros)
 * ------------------------------------------------------------------- */

.macro TEST_BEGIN
    .section .text.init, "ax", @progbits
    .globl _start
_start:
    /* A PMP entry covering all memory with RWX, so that U-mode is not
     * denied by PMP (QEMU and Cloak implement PMP: with no entry
     * matching, every U-mode access fails). If the PMP CSRs do not exist
     * the trap lands on the label after them, through a temporary mtvec. */
    la t0, 1f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f                 /* A = NAPOT, X W R */
    csrw pmpcfg0, t0
    j 1f
    /* alignment padding is never executed; ", 0" makes GNU as pad even
     * where only 2 bytes are missing in a .option norvc file */
    .balign 4, 0
1:
    la t0, trap_entry
    csrw mtvec, t0
    csrw mie, zero
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPRV
    csrc mstatus, t0
    la sp, stack_top
    li s11, 0
    /* test body follows */
.endm

.macro TEST_END
    j pass

    /* fail: a0 = case number (255 when no case had started) */
    .globl fail
fail:
    mv a0, s11
    bnez a0, 1f
    li a0, 255
1:
    j test_exit

    .globl pass
pass:
    li a0, 0

    /* Report a0 through HTIF: tohost = (a0 << 1) | 1, then spin. */
test_exit:
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    slli t0, a0, 1
    ori t0, t0, 1
    la t1, tohost
    sd t0, 0(t1)
2:
    j 2b

    /* The common trap handler (mtvec direct mode). */
    .balign 64, 0
    .globl trap_entry
trap_entry:
    la tp, trap_state
    sd t0, TS_SAVE_T0(tp)
    sd t1, TS_SAVE_T1(tp)
    csrr t0, mcause
    sd t0, TS_CAUSE(tp)
    csrr t1, mepc
    sd t1, TS_EPC(tp)
    csrr t1, mtval
    sd t1, TS_TVAL(tp)
    csrr t1, mstatus
    sd t1, TS_STATUS(tp)
    ld t1, TS_EXPECT(tp)
    beq t0, t1, trap_expected
    ld t1, TS_EXPECT2(tp)
    bne t0, t1, trap_unexpected
trap_expected:
    /* disarm, count, resume in M-mode with MIE = 0 after the mret */
    li t0, NO_TRAP_EXPECTED
    sd t0, TS_EXPECT(tp)
    sd t0, TS_EXPECT2(tp)
    ld t0, TS_COUNT(tp)
    addi t0, t0, 1
    sd t0, TS_COUNT(tp)
    ld t0, TS_RESUME(tp)
    csrw mepc, t0
    li t0, MSTATUS_MPP_M
    csrs mstatus, t0
    li t0, MSTATUS_MPIE
    csrc mstatus, t0
    ld t0, TS_SAVE_T0(tp)
    ld t1, TS_SAVE_T1(tp)
    mret
trap_unexpected:
    li t0, NO_TRAP_EXPECTED
    sd t0, TS_EXPECT(tp)
    sd t0, TS_EXPECT2(tp)
    j fail

    /* HTIF mailbox */
    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
    .type tohost, @object
    .size tohost, 8             /* QEMU insists on 8-byte symbols */
tohost:
    .dword 0
    .balign 64
    .globl fromhost
    .type fromhost, @object
    .size fromhost, 8
fromhost:
    .dword 0

    .data
    .balign 64
    .globl trap_state, trap_cause, trap_epc, trap_tval, trap_status, trap_count
trap_state:
    .dword NO_TRAP_EXPECTED     /* TS_EXPECT  */
    .dword NO_TRAP_EXPECTED     /* TS_EXPECT2 */
    .dword 0                    /* TS_RESUME  */
trap_cause:
    .dword 0                    /* TS_CAUSE   */
trap_epc:
    .dword 0                    /* TS_EPC     */
trap_tval:
    .dword 0                    /* TS_TVAL    */
trap_status:
    .dword 0                    /* TS_STATUS  */
trap_count:
    .dword 0                    /* TS_COUNT   */
    .dword 0                    /* TS_SAVE_T0 */
    .dword 0                    /* TS_SAVE_T1 */

    .bss
    .balign 16
    .globl stack_top
stack_bottom:
    .skip 4096
stack_top:

    /* back to the code section so that anything after TEST_END that does
     * not choose a section still lands in code */
    .section .text.init, "ax", @progbits
.endm

#endif /* CLOAK_ISA_TEST_MACROS_H */
