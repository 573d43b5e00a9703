/*
 * Plants distinct 16-byte canaries in every kind of memory a protected program has, and keeps one
 * in registers, then touches them for a while (yielding, and spinning long enough to be preempted
 * many times) so that they pass through caches, the bus, DRAM, swap and saved contexts. The
 * security tests search every byte that leaves the chip for them (SPEC R2). It never prints a
 * canary: its only output is a plain "done" line.
 *
 * Canaries (the tests know them):
 *   code     "<code-canary-01>"  a const array in .rodata, in the executable region
 *   data     "<data-canary-02>"  initialised data (.data)
 *   bss      generator(1)        .bss
 *   heap     generator(2)        heap memory (aligned_alloc), once in every page of a 96 KiB buffer
 *   stack    generator(3)        main's stack frame
 *   register generator(4)        two 64-bit halves held in s10 and s11
 * generator(k): x = seed + k * 0x9E3779B97F4A7C15, then 16 times x = x * 6364136223846793005 +
 * 1442695040888963407 and byte = x >> 56, with seed = 0x243F6A8885A308D3 read from a volatile
 * variable (so the compiler cannot fold the canaries into the image as constants).
 *
 * Usage: canary [rounds]   (default 12)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cloak/cloak.h"

#define CHURN_BYTES (96 * 1024)
#define SPIN 20000

static const unsigned char code_canary[16] __attribute__((aligned(16))) = "<code-canary-01";
static unsigned char data_canary[16] __attribute__((aligned(16))) = "<data-canary-02";
static unsigned char bss_canary[16] __attribute__((aligned(16)));
static volatile uint64_t canary_seed = 0x243F6A8885A308D3ull;

static void make_canary(uint64_t which, unsigned char out[16])
{
    uint64_t x = canary_seed + which * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 16; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        out[i] = (unsigned char)(x >> 56);
    }
}

/* Reads a canary and writes it back flipped twice, so its line is dirty and goes back to DRAM. */
static uint64_t touch(volatile unsigned char *canary)
{
    uint64_t sum = 0;
    for (int i = 0; i < 16; i++) {
        unsigned char b = canary[i];
        sum = sum * 31 + b;
        canary[i] = (unsigned char)(b ^ 0x5A);
        canary[i] = b;
    }
    return sum;
}

static uint64_t read_only(const volatile unsigned char *canary)
{
    uint64_t sum = 0;
    for (int i = 0; i < 16; i++) sum = sum * 31 + canary[i];
    return sum;
}

/* Half of a generator canary as a little-endian word, computed in registers only. */
static uint64_t canary_word(uint64_t which, int half)
{
    uint64_t x = canary_seed + which * 0x9E3779B97F4A7C15ull, word = 0;
    for (int i = 0; i < 16; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        if (i / 8 == half) word |= (x >> 56) << (8 * (i % 8));
    }
    return word;
}

static volatile uint64_t sink;

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 12;
    unsigned char stack_canary[16] __attribute__((aligned(16)));
    unsigned char expected[16];
    unsigned char *churn = aligned_alloc(4096, CHURN_BYTES);
    if (!churn || rounds < 1) {
        printf("canary: cannot start\n");
        return 2;
    }
    memset(churn, 0x11, CHURN_BYTES);
    make_canary(1, bss_canary);
    make_canary(3, stack_canary);
    for (int page = 0; page < CHURN_BYTES / 4096; page++) make_canary(2, churn + page * 4096 + 256);
    register uint64_t lo __asm__("s10") = canary_word(4, 0);
    register uint64_t hi __asm__("s11") = canary_word(4, 1);
    const uint64_t data_sum = read_only(data_canary);

    uint64_t first = 0;
    int ok = 1;
    for (int round = 0; round < rounds; round++) {
        uint64_t sum = read_only(code_canary) + touch(data_canary) + touch(bss_canary) + touch(stack_canary);
        for (int page = 0; page < CHURN_BYTES / 4096; page++) {
            sum += touch(churn + page * 4096 + 256);
            for (int i = 32; i < 4096; i += 64) churn[page * 4096 + i] += (unsigned char)round;
        }
        if (round == 0) first = sum;
        else ok &= sum == first;
        uint64_t spin = 0;
        for (int k = 0; k < SPIN; k++) {
            __asm__ volatile("" : "+r"(lo), "+r"(hi));
            spin += (lo ^ (uint64_t)k) + (hi >> 3);
        }
        sink = spin;
        cloak_yield();
    }

    /* Every canary must still hold its value. */
    make_canary(1, expected);
    ok &= memcmp(expected, bss_canary, 16) == 0;
    make_canary(3, expected);
    ok &= memcmp(expected, stack_canary, 16) == 0;
    make_canary(2, expected);
    for (int page = 0; page < CHURN_BYTES / 4096; page++) ok &= memcmp(expected, churn + page * 4096 + 256, 16) == 0;
    memset(expected, 0, sizeof expected);
    __asm__ volatile("" : "+r"(lo), "+r"(hi));
    ok &= lo == canary_word(4, 0) && hi == canary_word(4, 1);
    ok &= read_only(data_canary) == data_sum && read_only(code_canary) != 0;

    printf("canary: done, %d rounds, canaries %s\n", rounds, ok ? "intact" : "DAMAGED");
    return ok ? 0 : 1;
}
