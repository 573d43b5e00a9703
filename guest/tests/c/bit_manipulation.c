/*
 * bit_manipulation: shifts, rotates, masks and bit counts on RV64IMAC,
 * which has no Zbb: popcount/clz/ctz/bswap become libgcc calls or shift
 * sequences. Also checks that shift amounts are taken from the low 6
 * (64-bit) or 5 (*W forms) bits of rs2, written out with inline asm.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"

#define SHIFT(name)                                                       \
    static uint64_t insn_##name(uint64_t a, uint64_t b)                   \
    {                                                                     \
        uint64_t r;                                                       \
        __asm__ volatile(#name " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b)); \
        return r;                                                         \
    }
SHIFT(sll)
SHIFT(srl)
SHIFT(sra)
SHIFT(sllw)
SHIFT(srlw)
SHIFT(sraw)

static uint32_t rotl32(uint32_t x, unsigned n) { return (x << (n & 31)) | (x >> ((32 - n) & 31)); }
static uint64_t rotr64(uint64_t x, unsigned n) { return (x >> (n & 63)) | (x << ((64 - n) & 63)); }

static uint32_t reverse_bits32(uint32_t x)
{
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0F0F0F0Fu) | ((x & 0x0F0F0F0Fu) << 4);
    x = ((x >> 8) & 0x00FF00FFu) | ((x & 0x00FF00FFu) << 8);
    return (x >> 16) | (x << 16);
}

static uint64_t next_power_of_two(uint64_t x)
{
    x--;
    for (unsigned s = 1; s < 64; s <<= 1)
        x |= x >> s;
    return x + 1;
}

int main(void)
{
    volatile uint64_t pattern = 0xF00000000000000Full;
    volatile uint32_t word = 0x00F0F000u;
    printf("popcount: %d %d %d\n", __builtin_popcountll(pattern), __builtin_popcount(word),
           __builtin_popcountll(0));
    printf("clz/ctz 64: %d %d  32: %d %d\n", __builtin_clzll(pattern >> 4),
           __builtin_ctzll(pattern << 4), __builtin_clz(word), __builtin_ctz(word));
    printf("parity: %d %d\n", __builtin_parityll(pattern), __builtin_parity(word | 1));
    printf("bswap: %08x %016llx\n", __builtin_bswap32(0x11223344u),
           (unsigned long long)__builtin_bswap64(0x0102030405060708ull));
    printf("rotl32(0x80000001, 4) = %08x, rotr64(1, 1) = %016llx\n", rotl32(0x80000001u, 4),
           (unsigned long long)rotr64(1, 1));
    printf("reverse_bits32(0x00000001) = %08x, (0x12345678) = %08x\n", reverse_bits32(1),
           reverse_bits32(0x12345678u));
    printf("next_power_of_two: %llu %llu %llu\n", (unsigned long long)next_power_of_two(1000),
           (unsigned long long)next_power_of_two(1024),
           (unsigned long long)next_power_of_two(0x8000000000000001ull >> 1));

    volatile int64_t negative = -16;
    volatile int32_t negative32 = INT32_MIN;
    printf("arithmetic >>: %lld %d, logical >>: %016llx %08x\n", (long long)(negative >> 2),
           negative32 >> 31, (unsigned long long)((uint64_t)negative >> 2),
           (uint32_t)negative32 >> 31);
    volatile uint8_t byte = 0x80;
    volatile uint16_t half = 0x8001;
    printf("sign extension: %d %d %u %u\n", (int8_t)byte, (int16_t)half, byte, half);

    /* Shift amounts come from the low bits of rs2 only. */
    CHECK_EQ(insn_sll(1, 65), 2);
    CHECK_EQ(insn_srl(0x8000000000000000ull, 64 + 63), 1);
    CHECK_EQ(insn_sra(0x8000000000000000ull, 63), UINT64_MAX);
    CHECK_EQ(insn_sllw(1, 33), 2);
    CHECK_EQ(insn_sllw(1, 31), 0xFFFFFFFF80000000ull); /* result sign-extended */
    CHECK_EQ(insn_srlw(0xFFFFFFFF80000000ull, 31), 1);
    CHECK_EQ(insn_srlw(0x80000000ull, 0), 0xFFFFFFFF80000000ull);
    CHECK_EQ(insn_sraw(0x80000000ull, 31 + 32), UINT64_MAX);
    CHECK_EQ(insn_sraw(0x1234567880000000ull, 4), 0xFFFFFFFFF8000000ull);
    printf("sll(1,65)=%llu srlw(0x80000000,0)=%016llx sraw(0x1234567880000000,4)=%016llx\n",
           (unsigned long long)insn_sll(1, 65), (unsigned long long)insn_srlw(0x80000000ull, 0),
           (unsigned long long)insn_sraw(0x1234567880000000ull, 4));

    /* Masks and field extraction. */
    uint64_t packed = 0;
    for (unsigned field = 0; field < 8; field++)
        packed |= (uint64_t)(field * 3 + 1) << (field * 8);
    uint64_t sum = 0;
    for (unsigned field = 0; field < 8; field++)
        sum += (packed >> (field * 8)) & 0xFF;
    printf("packed %016llx, field sum %llu\n", (unsigned long long)packed,
           (unsigned long long)sum);
    CHECK_EQ(sum, 92);

    check_exit(0);
}
