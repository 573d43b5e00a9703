/*
 * printf_integers: integer conversions of picolibc's printf in every
 * length modifier, sign, base, flag, width and precision combination that
 * a C program commonly uses. Each line is bracketed so padding is visible.
 */
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "check.h"

int main(void)
{
    printf("plain: [%d] [%i] [%u] [%d]\n", 0, -1, 4000000000u, 123456789);
    printf("char/short: [%hhd] [%hhu] [%hd] [%hu]\n", (signed char)-128, (unsigned char)255,
           (short)-32768, (unsigned short)65535);
    printf("int limits: [%d] [%d] [%u]\n", INT_MIN, INT_MAX, UINT_MAX);
    printf("long limits: [%ld] [%ld] [%lu]\n", LONG_MIN, LONG_MAX, ULONG_MAX);
    printf("long long limits: [%lld] [%llu]\n", LLONG_MIN, ULLONG_MAX);
    printf("intmax: [%jd] [%ju]\n", INTMAX_MIN, UINTMAX_MAX);
    printf("size/ptrdiff: [%zu] [%zd] [%td]\n", sizeof(uint64_t), (ssize_t)-5, (ptrdiff_t)-7);
    printf("inttypes: [%" PRId8 "] [%" PRIu16 "] [%" PRIx32 "] [%" PRId64 "]\n", (int8_t)-8,
           (uint16_t)65000, (uint32_t)0xCAFEF00Du, (int64_t)-9000000000000000000);

    printf("hex/octal: [%x] [%X] [%#x] [%#X] [%o] [%#o] [%#x] [%#o]\n", 0xdeadbeefu, 0xdeadbeefu,
           255u, 255u, 0777u, 8u, 0u, 0u);
    printf("64-bit hex: [%llx] [%016llx] [%#018llx] [%lX]\n", 0x123456789abcdefULL,
           0x123456789abcdefULL, 0x123456789abcdefULL, 0xFEDCBA9876543210UL);

    printf("width: [%5d] [%-5d] [%05d] [%5d] [%-5d] [%05d]\n", 42, 42, 42, -42, -42, -42);
    printf("sign: [%+d] [%+d] [% d] [% d] [%+lld]\n", 42, -42, 42, -42, 0LL);
    printf("combined: [%+05d] [%-+6d] [% 05d] [%-8x] [%08X]\n", 42, 42, -42, 0xabcu, 0xabcu);
    printf("precision: [%.3d] [%8.3d] [%-8.3d] [%.0d] [%.0x] [%.5x] [%.2lld]\n", 7, -7, 7, 0, 0u, 0xabu,
           -3LL);
    printf("star: [%*d] [%-*d] [%.*d] [%*d]\n", 6, 123, 6, 123, 5, 42, -6, 9);
    printf("too narrow: [%2d] [%1x] [%3lld]\n", 123456, 0xabcdefu, -1234567890123LL);
    printf("pointer: [%p] [%p]\n", (void *)0x1234, (void *)0);
    printf("percent: [%%] [%5s%%]\n", "100");

    int written = printf("%d %lld\n", -12345, 9876543210LL);
    printf("printf returned %d\n", written);
    CHECK_EQ(written, 18);

    char small[8];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
    int wanted = snprintf(small, sizeof small, "%d-%d-%d", 1234, 5678, 9012);
#pragma GCC diagnostic pop
    printf("snprintf: [%s] wanted %d\n", small, wanted);
    CHECK_EQ(wanted, 14);
    CHECK(strcmp(small, "1234-56") == 0);

    char buffer[64];
    sprintf(buffer, "%8.3x|%-4hhd|%llu", 0x1fu, (signed char)-3, 18446744073709551615ULL);
    CHECK(strcmp(buffer, "     01f|-3  |18446744073709551615") == 0);
    printf("sprintf: [%s]\n", buffer);

    check_exit(0);
}
