/*
 * rv64i_upper.S - RV64I lui and auipc. The 20-bit immediate fills bits
 * 31:12 and is sign-extended from bit 31 to 64 bits, for lui and for the
 * offset that auipc adds to pc (so auipc with 0x80000 subtracts 2 GiB).
 * Also the lui+addi(w) constant idioms and auipc+jalr / auipc+ld pairs.
 * Assembled without RVC.
 */
#include "test_macros.h"
    .option norvc

/* auipc rd, imm20 at label 1 must give (address of 1) + sext(imm20 << 12) */
#define TEST_AUIPC(n, imm20, offset) \
    CASE(n); 1: auipc a0, imm20; la a1, 1b; li a2, offset; add a1, a1, a2; CHECK_REG(a0, a1)

TEST_BEGIN
    TEST_CASE(1,  a0, 0,                  lui a0, 0)
    TEST_CASE(2,  a0, 0x1000,             lui a0, 1)
    TEST_CASE(3,  a0, 0x7ffff000,         lui a0, 0x7ffff)
    TEST_CASE(4,  a0, 0xffffffff80000000, lui a0, 0x80000)       /* sign-extended */
    TEST_CASE(5,  a0, 0xfffffffffffff000, lui a0, 0xfffff)
    TEST_CASE(6,  a0, 0xffffffff80001000, lui a0, 0x80001)
    TEST_CASE(7,  a0, 0x12345000,         lui a0, 0x12345)
    TEST_CASE(8,  a0, 0xffffffffabcde000, lui a0, 0xabcde)
    /* lui overwrites the low 12 bits with zeros */
    TEST_CASE(9,  a0, 0x00001000,         li a0, -1; lui a0, 1)
    /* constant idioms */
    TEST_CASE(10, a0, 0x7fffffff,         lui a0, 0x80000; addiw a0, a0, -1)
    TEST_CASE(11, a0, 0xffffffff7fffffff, lui a0, 0x80000; addi a0, a0, -1)
    TEST_CASE(12, a0, 0x12345678,         lui a0, 0x12345; addi a0, a0, 0x678)
    TEST_CASE(13, a0, 0x12344fff,         lui a0, 0x12345; addi a0, a0, -1)
    TEST_CASE(14, a0, 0xfffffffffffff800, lui a0, 0; addi a0, a0, -2048)
    TEST_CASE(15, a0, 0x000000007ffff800, lui a0, 0x80000; addiw a0, a0, -2048)
    TEST_CASE(16, a0, 0x00000000deadbeef, lui a0, 0xdeadc; addiw a0, a0, -0x111; slli a0, a0, 32; srli a0, a0, 32)
    /* x0 */
    TEST_CASE(17, x0, 0,                  lui x0, 0x12345)

    /* auipc */
    TEST_AUIPC(18, 0, 0)
    TEST_AUIPC(19, 1, 0x1000)
    TEST_AUIPC(20, 0x7ffff, 0x7ffff000)
    TEST_AUIPC(21, 0xfffff, -0x1000)
    TEST_AUIPC(22, 0x80000, 0xffffffff80000000)                  /* pc - 2 GiB */
    TEST_AUIPC(23, 0xc0000, 0xffffffffc0000000)
    TEST_AUIPC(24, 0x12345, 0x12345000)
    /* pc - 2 GiB from 0x8000_xxxx is a small positive number: checks that
     * no bits above 31 are lost or smeared */
    CASE(25)
1:  auipc a0, 0x80000
    la a1, 1b
    li a2, 0x80000000
    sub a1, a1, a2
    CHECK_REG(a0, a1)
    CASE(26)
    srli a0, a0, 32
    CHECK(a0, 0)
    /* auipc x0 */
    TEST_CASE(27, x0, 0, auipc x0, 0x12345)

    /* auipc + ld (pc-relative data), auipc + jalr (pc-relative call) */
    TEST_CASE(28, a0, 0x0123456789abcdef, 1: auipc a1, %pcrel_hi(upper_data); ld a0, %pcrel_lo(1b)(a1))
    CASE(29)
1:  auipc a1, %pcrel_hi(upper_target)
    jalr ra, %pcrel_lo(1b)(a1)
    CHECK(a0, 0x55)
TEST_END

upper_target:
    li a0, 0x55
    ret

    .data
    .balign 8
upper_data:
    .dword 0x0123456789abcdef
