/*
 * divide_by_zero_is_defined: RISC-V division never traps. Division by zero
 * gives an all-ones quotient and returns the dividend as the remainder;
 * the one signed overflow (most negative / -1) gives the dividend as the
 * quotient and 0 as the remainder (Unprivileged spec, M extension,
 * "Division Operations", table of special cases). The *W forms work on the
 * low 32 bits and sign-extend their 32-bit result, even divuw and remuw.
 *
 * In C these cases are undefined behaviour, so each instruction is
 * written out with inline assembly.
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
RTYPE(div)
RTYPE(divu)
RTYPE(rem)
RTYPE(remu)
RTYPE(divw)
RTYPE(divuw)
RTYPE(remw)
RTYPE(remuw)

#define SHOW(op, a, b, expected)                                                             \
    do {                                                                                     \
        uint64_t result_ = insn_##op((uint64_t)(a), (uint64_t)(b));                          \
        printf("%-5s %016llx, %016llx -> %016llx\n", #op, (unsigned long long)(uint64_t)(a), \
               (unsigned long long)(uint64_t)(b), (unsigned long long)result_);              \
        CHECK_EQ(result_, expected);                                                         \
    } while (0)

int main(void)
{
    const uint64_t all_ones = UINT64_MAX;

    printf("-- division by zero (64-bit)\n");
    SHOW(div, 7, 0, all_ones);
    SHOW(div, -7, 0, all_ones);
    SHOW(div, INT64_MIN, 0, all_ones);
    SHOW(divu, 7, 0, all_ones);
    SHOW(divu, 0, 0, all_ones);
    SHOW(rem, 7, 0, 7);
    SHOW(rem, -7, 0, (uint64_t)-7);
    SHOW(remu, 0xDEADBEEFCAFEF00D, 0, 0xDEADBEEFCAFEF00D);

    printf("-- signed overflow (64-bit)\n");
    SHOW(div, INT64_MIN, -1, (uint64_t)INT64_MIN);
    SHOW(rem, INT64_MIN, -1, 0);
    SHOW(divu, INT64_MIN, -1, 0); /* unsigned: 2^63 / (2^64-1) = 0 */
    SHOW(remu, INT64_MIN, -1, (uint64_t)INT64_MIN);

    printf("-- division by zero (32-bit, results sign-extended)\n");
    SHOW(divw, 7, 0, all_ones);
    SHOW(divuw, 7, 0, all_ones); /* 0xffffffff sign-extended */
    SHOW(remw, 0x123456789, 0, 0x23456789);
    SHOW(remw, 0x80000000, 0, 0xFFFFFFFF80000000);
    SHOW(remuw, 0x80000000, 0, 0xFFFFFFFF80000000);
    SHOW(remuw, 0xFFFFFFFF00000005, 0, 5);

    printf("-- signed overflow (32-bit)\n");
    SHOW(divw, 0x80000000, 0xFFFFFFFF, 0xFFFFFFFF80000000);
    SHOW(remw, 0x80000000, 0xFFFFFFFF, 0);

    printf("-- ordinary cases: rounding toward zero, upper bits ignored by *W\n");
    SHOW(div, -7, 2, (uint64_t)-3);
    SHOW(rem, -7, 2, (uint64_t)-1);
    SHOW(div, 7, -2, (uint64_t)-3);
    SHOW(rem, 7, -2, 1);
    SHOW(divu, -7, 2, 0x7FFFFFFFFFFFFFFC);
    SHOW(divw, 0x100000007, 0x200000002, 3);
    SHOW(divuw, 0xFFFFFFFF, 2, 0x7FFFFFFF);
    SHOW(divuw, 0x80000000, 1, 0xFFFFFFFF80000000);
    SHOW(remuw, 0xFFFFFFFF, 10, 5);

    check_exit(0);
}
