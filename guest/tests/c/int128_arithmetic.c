/*
 * int128_arithmetic: __int128 arithmetic. A 64 x 64 -> 128-bit product
 * compiles to mul + mulhu (GCC 12 forms the signed and mixed-sign high
 * halves from mulhu plus corrections rather than mulh/mulhsu, which
 * multiply_high_and_low_halves covers); wider products, division, modulo
 * and shifts go through libgcc (__multi3, __udivti3, __umodti3, ...).
 * Results are printed in decimal and hexadecimal by helpers below (printf
 * has no 128-bit conversion).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

static void print_u128_decimal(u128 value, char *out)
{
    char digits[48];
    int n = 0;
    do {
        digits[n++] = (char)('0' + (int)(value % 10));
        value /= 10;
    } while (value != 0);
    for (int i = 0; i < n; i++)
        out[i] = digits[n - 1 - i];
    out[n] = '\0';
}

static void print_s128_decimal(s128 value, char *out)
{
    if (value < 0) {
        *out++ = '-';
        print_u128_decimal((u128)0 - (u128)value, out);
    } else {
        print_u128_decimal((u128)value, out);
    }
}

static void show(const char *label, s128 value, int is_signed)
{
    char text[64];
    if (is_signed)
        print_s128_decimal(value, text);
    else
        print_u128_decimal((u128)value, text);
    u128 bits = (u128)value;
    printf("%-18s %s = 0x%016llx%016llx\n", label, text, (unsigned long long)(uint64_t)(bits >> 64),
           (unsigned long long)(uint64_t)bits);
}

static u128 __attribute__((noinline)) widening_mul_u(uint64_t a, uint64_t b)
{
    return (u128)a * b;
}

static s128 __attribute__((noinline)) widening_mul_s(int64_t a, int64_t b)
{
    return (s128)a * b;
}

static s128 __attribute__((noinline)) widening_mul_su(int64_t a, uint64_t b)
{
    return (s128)a * (s128)(u128)b;
}

int main(void)
{
    u128 square = widening_mul_u(UINT64_MAX, UINT64_MAX);
    show("(2^64-1)^2", (s128)square, 0);
    CHECK_EQ((uint64_t)(square >> 64), 0xFFFFFFFFFFFFFFFEull);
    CHECK_EQ((uint64_t)square, 1);

    s128 negative = widening_mul_s(INT64_MIN, 3);
    show("-2^63 * 3", negative, 1);
    s128 mixed = widening_mul_su(-5, UINT64_MAX);
    show("-5 * (2^64-1)", mixed, 1);

    u128 factorial = 1;
    for (unsigned k = 2; k <= 30; k++)
        factorial *= k; /* __multi3 */
    show("30!", (s128)factorial, 0);
    char text[64];
    print_u128_decimal(factorial, text);
    CHECK(strcmp(text, "265252859812191058636308480000000") == 0);

    u128 max = ~(u128)0;
    show("2^128-1", (s128)max, 0);
    s128 smax = (s128)(max >> 1);
    show("2^127-1", smax, 1);
    show("-2^127", -smax - 1, 1);

    show("30! / 29!", (s128)(factorial / (factorial / 30)), 0);
    show("30! % (1e9+7)", (s128)(factorial % 1000000007u), 0);
    show("2^128-1 / 3", (s128)(max / 3), 0);
    show("-(30!) / 7", -(s128)factorial / 7, 1);
    show("-(30!) % 7", -(s128)factorial % 7, 1);

    volatile unsigned shift = 100;
    show("1 << 100", (s128)((u128)1 << shift), 0);
    show("2^128-1 >> 100", (s128)(max >> shift), 0);
    show("-2^127 >> 100", (-smax - 1) >> shift, 1);

    check_exit(0);
}
