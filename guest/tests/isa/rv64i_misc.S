/*
 * rv64i_misc.S - the rest of RV64I (+ Zifencei, part of I in ISA 2.2):
 *  - x0 as destination of every instruction format stays zero
 *    (loads into x0 still read memory; jal/jalr with rd = x0 link nothing)
 *  - fence variants (fence, fence rw,rw, fence.tso, pause) execute as
 *    no-ops for a single hart
 *  - HINT encodings (addi x0, x0, imm; slli x0, x0, ...) are no-ops
 *  - fence.i: code written with stores (32-bit and 16-bit instructions),
 *    then fence.i, then executed, then patched again: the new code runs.
 * Assembled without RVC (except the compressed code written as data).
 */
#include "test_macros.h"
    .option norvc
TEST_BEGIN
    /* x0 destination, every format */
    TEST_CASE(1,  x0, 0, li a1, 5; add x0, a1, a1)
    TEST_CASE(2,  x0, 0, addi x0, x0, 1)
    TEST_CASE(3,  x0, 0, li a1, -1; addiw x0, a1, 1)
    TEST_CASE(4,  x0, 0, lui x0, 0xfffff)
    TEST_CASE(5,  x0, 0, auipc x0, 1)
    TEST_CASE(6,  x0, 0, la a1, misc_data; ld x0, 0(a1))
    TEST_CASE(7,  x0, 0, la a1, misc_data; lw x0, 4(a1))
    TEST_CASE(8,  x0, 0, la a1, misc_data; lh x0, 2(a1))
    TEST_CASE(9,  x0, 0, li a1, 3; sllw x0, a1, a1)
    TEST_CASE(10, x0, 0, li a1, 1; slt x0, x0, a1)
    TEST_CASE(11, x0, 0, li a1, -1; xori x0, a1, 0)
    CASE(12)
    jal x0, 1f
    j fail
1:  CHECK(x0, 0)
    CASE(13)
    la a1, 1f
    jalr x0, 0(a1)
    j fail
1:  CHECK(x0, 0)
    /* x0 as a source after all of the above is still 0 */
    TEST_CASE(14, a0, 42, li a0, 42; add a0, a0, x0)
    TEST_CASE(15, a0, 0, li a0, 42; and a0, a0, x0)

    /* fences */
    TEST_CASE(16, a0, 7, li a0, 7; fence; fence rw, rw; fence r, r; fence w, w; fence iorw, iorw)
    TEST_CASE(17, a0, 8, li a0, 8; .4byte 0x8330000f)            /* fence.tso */
    TEST_CASE(18, a0, 9, li a0, 9; .4byte 0x0100000f)            /* pause (fence w, 0) */
    TEST_CASE(19, a0, 10, li a0, 10; fence i, o; fence o, i)
    /* a store is visible to a load after a fence */
    TEST_CASE(20, a0, 0x55, la a1, misc_buf; li a2, 0x55; sd a2, 0(a1); fence w, r; ld a0, 0(a1))

    /* HINTs: no architectural effect */
    TEST_CASE(21, a0, 11, li a0, 11; addi x0, x0, 5; slli x0, x0, 0x1f; srai x0, x0, 7; lui x0, 1; add x0, x0, a0)
    TEST_CASE(22, a0, 12, li a0, 12; nop; nop)

    /* fence.i: write "li a0, 1; ret", run it */
    CASE(23)
    la a1, smc_code
    li a2, 0x00100513            /* addi a0, zero, 1 */
    sw a2, 0(a1)
    li a2, 0x00008067            /* jalr zero, 0(ra) */
    sw a2, 4(a1)
    fence.i
    li a0, 0
    jalr ra, 0(a1)
    CHECK(a0, 1)
    /* patch the first instruction, fence.i, run again */
    CASE(24)
    la a1, smc_code
    li a2, 0x7ff00513            /* addi a0, zero, 2047 */
    sw a2, 0(a1)
    fence.i
    li a0, 0
    jalr ra, 0(a1)
    CHECK(a0, 2047)
    /* patch with compressed code: c.li a0, -32 ; c.jr ra */
    CASE(25)
    la a1, smc_code
    li a2, 0x80825501            /* 0x5501 = c.li a0, -32 ; 0x8082 = c.jr ra */
    sw a2, 0(a1)
    fence.i
    li a0, 0
    jalr ra, 0(a1)
    CHECK(a0, -32)
    /* patch only the upper half of a 32-bit instruction */
    CASE(26)
    la a1, smc_code
    li a2, 0x00300513            /* addi a0, zero, 3 */
    sw a2, 0(a1)
    li a2, 0x00008067
    sw a2, 4(a1)
    fence.i
    jalr ra, 0(a1)
    CHECK(a0, 3)
    CASE(27)
    li a2, 0x0040                /* upper half: imm = 4 */
    sh a2, 2(a1)
    fence.i
    jalr ra, 0(a1)
    CHECK(a0, 4)
    /* patch code that was already executed in this very stream: the
     * instruction at label 2 becomes "addi a0, a0, 100" */
    CASE(28)
    li a0, 0
    li a3, 2
1:  la a1, 2f
    li a2, 0x06450513            /* addi a0, a0, 100 */
    bne a3, zero, 3f
    sw a2, 0(a1)
    fence.i
3:
2:  addi a0, a0, 1
    addi a3, a3, -1
    bge a3, zero, 1b
    /* iterations: a3=2 -> +1, a3=1 -> +1, a3=0 -> patched: +100 */
    CHECK(a0, 102)
TEST_END

    .data
    .balign 8
misc_data:
    .dword 0x1122334455667788
misc_buf:
    .dword 0
    .balign 64
smc_code:
    .fill 16, 4, 0
