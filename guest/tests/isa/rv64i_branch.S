/*
 * rv64i_branch.S - RV64I conditional branches beq bne blt bge bltu bgeu:
 * taken and not taken, signed vs unsigned comparison on the 64-bit
 * values (bit 31 is not a sign), equal operands, x0 operands, backward
 * branches (a loop), and the largest offsets +4094 / -4096.
 * Assembled without RVC. An untaken "taken" branch falls into `j fail`;
 * a taken "not taken" branch lands on `j fail`.
 */
#include "test_macros.h"
    .option norvc

#define TEST_TAKEN(n, insn, v1, v2) \
    CASE(n); li a1, (v1); li a2, (v2); insn a1, a2, 1f; j fail; 1:
#define TEST_NOT_TAKEN(n, insn, v1, v2) \
    CASE(n); li a1, (v1); li a2, (v2); insn a1, a2, 2f; j 1f; 2: j fail; 1:

TEST_BEGIN
    /* beq */
    TEST_TAKEN(1, beq, 0, 0)
    TEST_TAKEN(2, beq, -1, -1)
    TEST_TAKEN(3, beq, 0x8000000000000000, 0x8000000000000000)
    TEST_NOT_TAKEN(4, beq, 0, 1)
    TEST_NOT_TAKEN(5, beq, 0x0000000100000000, 0)                 /* differs only above bit 31 */
    TEST_NOT_TAKEN(6, beq, 0xffffffff80000000, 0x0000000080000000)
    /* bne */
    TEST_TAKEN(7, bne, 0, 1)
    TEST_TAKEN(8, bne, 0x0000000100000000, 0)
    TEST_TAKEN(9, bne, 0x8000000000000000, 0)
    TEST_NOT_TAKEN(10, bne, 5, 5)
    TEST_NOT_TAKEN(11, bne, -1, -1)
    /* blt (signed) */
    TEST_TAKEN(12, blt, 0, 1)
    TEST_TAKEN(13, blt, -1, 0)
    TEST_TAKEN(14, blt, -2, -1)
    TEST_TAKEN(15, blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_TAKEN(16, blt, 0x000000007fffffff, 0x0000000080000000)   /* 64-bit, not 32-bit, compare */
    TEST_NOT_TAKEN(17, blt, 1, 0)
    TEST_NOT_TAKEN(18, blt, 0, -1)
    TEST_NOT_TAKEN(19, blt, 7, 7)
    TEST_NOT_TAKEN(20, blt, 0x7fffffffffffffff, 0x8000000000000000)
    /* bge (signed) */
    TEST_TAKEN(21, bge, 1, 0)
    TEST_TAKEN(22, bge, 0, -1)
    TEST_TAKEN(23, bge, 7, 7)
    TEST_TAKEN(24, bge, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_TAKEN(25, bge, -1, -1)
    TEST_NOT_TAKEN(26, bge, -1, 0)
    TEST_NOT_TAKEN(27, bge, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_NOT_TAKEN(28, bge, 0x000000007fffffff, 0x0000000080000000)
    /* bltu (unsigned) */
    TEST_TAKEN(29, bltu, 0, 1)
    TEST_TAKEN(30, bltu, 0, -1)
    TEST_TAKEN(31, bltu, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_TAKEN(32, bltu, 0xfffffffffffffffe, 0xffffffffffffffff)
    TEST_NOT_TAKEN(33, bltu, -1, 0)
    TEST_NOT_TAKEN(34, bltu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_NOT_TAKEN(35, bltu, 3, 3)
    TEST_NOT_TAKEN(36, bltu, 0x0000000100000000, 0x00000000ffffffff)
    /* bgeu (unsigned) */
    TEST_TAKEN(37, bgeu, -1, 0)
    TEST_TAKEN(38, bgeu, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_TAKEN(39, bgeu, 3, 3)
    TEST_TAKEN(40, bgeu, 0, 0)
    TEST_TAKEN(41, bgeu, 0x0000000100000000, 0x00000000ffffffff)
    TEST_NOT_TAKEN(42, bgeu, 0, 1)
    TEST_NOT_TAKEN(43, bgeu, 0, -1)
    TEST_NOT_TAKEN(44, bgeu, 0x7fffffffffffffff, 0x8000000000000000)

    /* x0 operands */
    CASE(45); li a1, 0; beq a1, x0, 1f; j fail; 1:
    CASE(46); li a1, -1; blt a1, x0, 1f; j fail; 1:
    CASE(47); li a1, -1; bltu x0, a1, 1f; j fail; 1:
    CASE(48); bne x0, x0, fail
    CASE(49); bltu x0, x0, fail
    CASE(50); bge x0, x0, 1f; j fail; 1:

    /* same register on both sides */
    CASE(51); li a1, 0x8000000000000000; beq a1, a1, 1f; j fail; 1:
    CASE(52); li a1, 0x8000000000000000; blt a1, a1, fail

    /* backward branch: a loop counting to 10 */
    CASE(53)
    li a1, 0
    li a2, 10
1:  addi a1, a1, 1
    bltu a1, a2, 1b
    CHECK(a1, 10)
    /* backward bne loop with a decrementing counter and a sum */
    CASE(54)
    li a1, 100
    li a0, 0
1:  add a0, a0, a1
    addi a1, a1, -1
    bne a1, zero, 1b
    CHECK(a0, 5050)

    /* largest forward offset: +4094 (the filler is all-zero = illegal,
     * so a wrong target traps and fails the case). The boundary
     * branches are hand-encoded so that the assembler cannot replace
     * them by an inverted branch + jal if it misjudges the range. */
    CASE(55)
    li a1, 1
    .4byte 0x7e059fe3       /* bne a1, zero, .+4094 */
    .fill 2045, 2, 0
1:  CHECK(a1, 1)

    /* largest backward offset: -4096 */
    CASE(56)
    j 2f
1:  j 3f                    /* the -4096 target (4 bytes) */
    .fill 2046, 2, 0
2:  .4byte 0x80000063       /* beq zero, zero, .-4096 (to label 1) */
    j fail
3:
    /* the branch lands on an instruction at an address = 2 (mod 4):
     * legal because the machine has C */
    CASE(57)
    li a1, 0
    beq a1, zero, 1f
    j fail
    .balign 4, 0            /* (never executed) */
    .2byte 0x0001           /* c.nop: puts label 1 at 2 (mod 4) */
1:  addi a1, a1, 7
    CHECK(a1, 7)
TEST_END
