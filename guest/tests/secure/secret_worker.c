/*
 * Computes over secret data held in protected memory (a .bss table, a heap buffer and a stack
 * array) for long enough to be preempted many times and, with little DRAM, swapped; then
 * recomputes every value on its own and exits 0 only if all of them agree.
 *
 * The security tests tamper with its memory, swap and saved contexts. Under an attack it must be
 * killed (authenticated mode) or report a wrong result (confidentiality mode); it must never print
 * "ok" after a successful tampering.
 *
 * Usage: secret_worker [rounds]   (default 6)
 * Output: "secret_worker: ok" or "secret_worker: WRONG RESULT (<n> bad values)".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cloak/cloak.h"

#define TABLE_WORDS 4096 /* 32 KiB of .bss: 8 pages */
#define HEAP_WORDS 8192  /* 64 KiB of heap: 16 pages */
#define STACK_WORDS 512  /* 4 KiB of stack */

/* Page aligned, so the tests can find it page by page (symbol "secret_table"). */
uint64_t secret_table[TABLE_WORDS] __attribute__((aligned(4096)));

static uint64_t mix(uint64_t v, uint64_t round, uint64_t index)
{
    v ^= v >> 29;
    v *= 0xBF58476D1CE4E5B9ull;
    v += round * 0x9E3779B97F4A7C15ull + index;
    v ^= v >> 32;
    return v;
}

static uint64_t initial(uint64_t index) { return mix(index * 0x100000001B3ull + 1, 0x5EC2E7, index); }

static void step(uint64_t *words, int count, uint64_t base, uint64_t round)
{
    for (int i = 0; i < count; i++) words[i] = mix(words[i], round, base + (uint64_t)i);
}

static int check(const uint64_t *words, int count, uint64_t base, int rounds)
{
    int bad = 0;
    for (int i = 0; i < count; i++) {
        uint64_t v = initial(base + (uint64_t)i);
        for (int r = 0; r < rounds; r++) v = mix(v, (uint64_t)r, base + (uint64_t)i);
        if (v != words[i]) bad++;
    }
    return bad;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 6;
    uint64_t *heap = malloc(HEAP_WORDS * sizeof *heap);
    uint64_t stack[STACK_WORDS];
    if (!heap || rounds < 1) {
        printf("secret_worker: cannot start\n");
        return 2;
    }
    const uint64_t heap_base = TABLE_WORDS, stack_base = TABLE_WORDS + HEAP_WORDS;
    for (int i = 0; i < TABLE_WORDS; i++) secret_table[i] = initial((uint64_t)i);
    for (int i = 0; i < HEAP_WORDS; i++) heap[i] = initial(heap_base + (uint64_t)i);
    for (int i = 0; i < STACK_WORDS; i++) stack[i] = initial(stack_base + (uint64_t)i);

    for (int r = 0; r < rounds; r++) {
        step(secret_table, TABLE_WORDS, 0, (uint64_t)r);
        step(heap, HEAP_WORDS, heap_base, (uint64_t)r);
        step(stack, STACK_WORDS, stack_base, (uint64_t)r);
        cloak_yield();
    }

    int bad = check(secret_table, TABLE_WORDS, 0, rounds) + check(heap, HEAP_WORDS, heap_base, rounds) +
              check(stack, STACK_WORDS, stack_base, rounds);
    if (bad != 0) {
        printf("secret_worker: WRONG RESULT (%d bad values)\n", bad);
        return 1;
    }
    printf("secret_worker: ok\n");
    return 0;
}
