/*
 * RV64A on protected memory: AMOs and LR/SC (through the compiler's __atomic builtins) on a global,
 * a heap word and a stack word, checked against the same arithmetic done with plain loads and
 * stores. Sealed, every one of these words lives in a protected region, so each atomic must act on
 * the plaintext in the data cache, never on the ciphertext in DRAM.
 *
 * Output: "atomics: ok <checksum>" (the checksum is the same sealed and plain) or
 * "atomics: WRONG <what>"; exit 0 only if all checks pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

uint64_t counter64 = 0x1111111111111111ull;
uint32_t counter32 = 7;

static int check(const char *what, uint64_t got, uint64_t want)
{
    if (got == want) return 0;
    printf("atomics: WRONG %s: got %llx, want %llx\n", what, (unsigned long long)got, (unsigned long long)want);
    return 1;
}

static int exercise(volatile uint64_t *w64, volatile uint32_t *w32, uint64_t seed, uint64_t *checksum)
{
    int bad = 0;
    uint64_t model64 = *w64;
    uint32_t model32 = *w32;
    for (uint64_t i = 0; i < 2000; i++) {
        uint64_t v = seed * 0x9E3779B97F4A7C15ull + i;
        bad += check("amoadd.d", __atomic_fetch_add(w64, v, __ATOMIC_SEQ_CST), model64); model64 += v;
        bad += check("amoxor.d", __atomic_fetch_xor(w64, v >> 3, __ATOMIC_SEQ_CST), model64); model64 ^= v >> 3;
        bad += check("amoand.w", __atomic_fetch_and(w32, (uint32_t)(v | 0x0F0F0F0F), __ATOMIC_SEQ_CST), model32); model32 &= (uint32_t)(v | 0x0F0F0F0F);
        bad += check("amoor.w", __atomic_fetch_or(w32, (uint32_t)(v >> 7), __ATOMIC_SEQ_CST), model32); model32 |= (uint32_t)(v >> 7);
        uint64_t expected = model64;
        int swapped = __atomic_compare_exchange_n(w64, &expected, model64 + 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); /* lr.d/sc.d */
        bad += check("lr/sc", (uint64_t)swapped, 1); model64 += 1;
        bad += check("amoswap.w", __atomic_exchange_n(w32, (uint32_t)i, __ATOMIC_SEQ_CST), model32); model32 = (uint32_t)i;
        bad += check("plain load after atomics", *w64, model64);
        if (bad) return bad;
    }
    *checksum ^= model64 ^ model32;
    return bad;
}

int main(void)
{
    uint64_t checksum = 0;
    volatile uint64_t stack64 = 42;
    volatile uint32_t stack32 = 9;
    uint64_t *heap = malloc(64);
    if (!heap) return 2;
    heap[0] = 5;
    heap[1] = 6;
    int bad = exercise(&counter64, &counter32, 1, &checksum);
    bad += exercise(&stack64, &stack32, 2, &checksum);
    bad += exercise(&heap[0], (volatile uint32_t *)&heap[1], 3, &checksum);
    if (bad) return 1;
    printf("atomics: ok %016llx\n", (unsigned long long)checksum);
    return 0;
}
