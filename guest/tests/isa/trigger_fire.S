/*
 * trigger_fire.S - armed debug triggers fire (RISC-V debug spec, Sdtrig;
 * the expectations of the upstream rv64mi "breakpoint" test, in our own
 * words): a type 2 trigger with action 0 raises a breakpoint exception
 * (mcause 3) before the instruction it matches, mepc = that instruction,
 * mtval = 0 (as QEMU 7.2 reports it):
 *  - execute: the instruction at tdata2 does not run (32- or 16-bit);
 *  - load: the load does not happen (its destination keeps its value);
 *    store: memory keeps its value;
 *  - a load trigger ignores stores and a store trigger ignores loads;
 *    an AMO is both; two triggers work at once;
 *  - an access fires when tdata2 is one of its bytes' addresses (not
 *    for bytes beside it: QEMU 7.2 watches [tdata2, tdata2 + 8), so the
 *    cases avoid accesses that only that window would catch);
 *  - a trigger fires only in the modes whose bits it has (U, M);
 *  - writing tdata1 with no mode or access bits disarms it.
 * tcontrol does not exist here (as on QEMU 7.2): M-mode triggers fire
 * whatever mstatus.MIE says.
 */
#include "test_macros.h"

#define MC2 0x2000000000000000
#define T_LOAD  0x01
#define T_STORE 0x02
#define T_EXEC  0x04
#define T_U     0x08
#define T_M     0x40

/* arm the selected trigger: tdata2 = address in reg, tdata1 = MC2 | bits. Clobbers t0. */
#define ARM(reg, bits) \
    csrw tdata1, zero; li t0, MC2; csrw tdata1, t0; csrw tdata2, reg; li t0, MC2 | (bits); csrw tdata1, t0
#define DISARM \
    li t0, MC2; csrw tdata1, t0

/* the last trap was a trigger's breakpoint at `label` with mtval 0 */
#define CHECK_BREAKPOINT_AT(label) \
    CHECK_TRAP_CAUSE(CAUSE_BREAKPOINT); CHECK_TRAP_EPC(label); CHECK_TRAP_TVAL(0)

TEST_BEGIN
    csrw tselect, zero
    la s0, data1
    la s1, data2
    la s2, data3

    /* execute, 32-bit instruction */
    CASE(1)
    la a1, 1f
    ARM(a1, T_M | T_EXEC)
    li a0, 5
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
    .option push
    .option norvc
1:  li a0, 6
    .option pop
    j fail
2:  DISARM
    CHECK_BREAKPOINT_AT(1b)
    CHECK(a0, 5)

    /* execute, 16-bit instruction */
    CASE(2)
    la a1, 1f
    ARM(a1, T_M | T_EXEC)
    li a0, 5
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  c.li a0, 7
    j fail
2:  DISARM
    CHECK_BREAKPOINT_AT(1b)
    CHECK(a0, 5)

    /* load: the destination keeps its value */
    CASE(3)
    li a1, 0x3333
    sw a1, 0(s0)
    ARM(s0, T_M | T_LOAD)
    li a0, 9
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  lw a0, 0(s0)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    CHECK(a0, 9)
    /* ...stores are let through */
    TEST_CASE(4, a0, 0x44, li a1, 0x44; sw a1, 0(s0); DISARM; lw a0, 0(s0))

    /* store: memory keeps its value; loads are let through */
    CASE(5)
    ARM(s0, T_M | T_STORE)
    li a1, 0x55
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  sw a1, 0(s0)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    TEST_CASE(6, a0, 0x44, lw a0, 0(s0))

    /* a second trigger: trigger 1 loads of data2, trigger 0 still stores to data1 */
    CASE(7)
    li a1, 1
    csrw tselect, a1
    csrr a0, tselect
    CHECK(a0, 1)
    ARM(s1, T_M | T_LOAD)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  lw a0, 0(s1)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    CASE(8)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  sw a1, 0(s0)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    DISARM
    csrw tselect, zero
    DISARM

    /* every byte of the access counts: tdata2 = data3 + 2 */
    addi a1, s2, 2
    ARM(a1, T_M | T_LOAD)
    CASE(9)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  lw a0, 0(s2)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    CASE(10)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  lh a0, 2(s2)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    TEST_CASE(11, a0, 0, lb a0, 1(s2))        /* the byte before */
    TEST_CASE(12, a0, 0, lw a0, 12(s2))       /* well after */
    DISARM

    /* an AMO is a load and a store */
    CASE(13)
    ARM(s2, T_M | T_LOAD)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  amoadd.w a0, a1, (s2)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    CASE(14)
    ARM(s2, T_M | T_STORE)
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
1:  amoswap.w a0, a1, (s2)
    j fail
2:  CHECK_BREAKPOINT_AT(1b)
    TEST_CASE(15, a0, 0, lw a0, 0(s2))
    DISARM

    /* a U-only trigger: silent in M, fires in U */
    ARM(s2, T_U | T_LOAD)
    TEST_CASE(16, a0, 0, li a0, 1; lw a0, 0(s2))
    TEST_TRAP_U(17, CAUSE_BREAKPOINT, 0, lw a0, 0(s2))
    /* an M-only trigger: silent in U */
    ARM(s2, T_M | T_LOAD)
    CASE(18)
    li a0, 1
    U_BEGIN
    lw a0, 0(s2)
    U_END
    CHECK(a0, 0)
    /* execute in U */
    CASE(19)
    la a1, 1f
    ARM(a1, T_U | T_EXEC)
    li a0, 5
    EXPECT_TRAP(CAUSE_BREAKPOINT, 2f)
    ENTER_U(3f)
3:  nop
1:  li a0, 6
    ebreak
2:  DISARM
    CHECK_BREAKPOINT_AT(1b)
    CHECK_TRAP_FROM_U
    CHECK(a0, 5)

    /* disarmed: nothing fires */
    TEST_CASE(20, a0, 0, lw a0, 0(s2))
TEST_END

    .data
    .balign 16
data1: .dword 0
data2: .dword 0
data3: .dword 0, 0
