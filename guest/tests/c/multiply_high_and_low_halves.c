/*
 * multiply_high_and_low_halves: mul returns the low 64 bits of the
 * product, mulh/mulhu/mulhsu the high 64 bits of the 128-bit product with
 * signed x signed, unsigned x unsigned and signed rs1 x unsigned rs2
 * operands; mulw multiplies the low 32 bits and sign-extends the low 32
 * bits of the result. Each instruction is written out with inline asm.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"

#define RTYPE(name)                                                       \
    static uint64_t insn_##name(uint64_t a, uint64_t b)                   \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                         \
    }
RTYPE(mul)
RTYPE(mulh)
RTYPE(mulhu)
RTYPE(mulhsu)
RTYPE(mulw)

#define SHOW(op, a, b, expected)                                                             \
    do {                                                                                     \
        uint64_t result_ = insn_##op((uint64_t)(a), (uint64_t)(b));                          \
        printf("%-6s %016llx, %016llx -> %016llx\n", #op, (unsigned long long)(uint64_t)(a), \
               (unsigned long long)(uint64_t)(b), (unsigned long long)result_);              \
        CHECK_EQ(result_, expected);                                                         \
    } while (0)

int main(void)
{
    const uint64_t max = UINT64_MAX;

    /* (2^64-1)^2 = 0xfffffffffffffffe_0000000000000001 */
    SHOW(mul, max, max, 1);
    SHOW(mulhu, max, max, 0xFFFFFFFFFFFFFFFE);
    /* signed: (-1) * (-1) = 1 */
    SHOW(mulh, max, max, 0);
    /* signed x unsigned: (-1) * (2^64-1) = -(2^64-1) */
    SHOW(mulhsu, max, max, max);
    /* (-2^63)^2 = 2^126 */
    SHOW(mul, INT64_MIN, INT64_MIN, 0);
    SHOW(mulh, INT64_MIN, INT64_MIN, 0x4000000000000000);
    SHOW(mulhu, INT64_MIN, INT64_MIN, 0x4000000000000000);
    /* -2^63 * (2^64-1) = -2^127 + 2^63 */
    SHOW(mulhsu, INT64_MIN, max, 0x8000000000000000);
    SHOW(mul, INT64_MIN, max, 0x8000000000000000);
    /* the sign of rs2 is ignored by mulhsu, not the sign of rs1 */
    SHOW(mulhsu, 2, max, 1);
    SHOW(mulhsu, -2, 1, max);
    SHOW(mulh, 3, -2, max);
    SHOW(mulhu, 3, -2, 2);
    SHOW(mul, 0x123456789ABCDEF, 0xFEDCBA987654321, 0x22236D88FE5618CF);
    SHOW(mulhu, 0x123456789ABCDEF, 0xFEDCBA987654321, 0x00121FA00AD77D74);

    SHOW(mulw, 0x7FFFFFFF, 2, 0xFFFFFFFFFFFFFFFE);
    SHOW(mulw, 0x100000003, 5, 15);
    SHOW(mulw, 0x10000, 0x10000, 0);
    SHOW(mulw, 0xFFFFFFFF, 0xFFFFFFFF, 1);
    SHOW(mulw, 0x40000000, 2, 0xFFFFFFFF80000000);

    check_exit(0);
}
