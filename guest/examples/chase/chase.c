/*
 * chase: follows a random cyclic permutation of 1M uint32 indices (4 MiB)
 * for STEPS steps: each load's address depends on the previous load, so
 * every step is a dependent cache miss (no spatial locality). The cycle is
 * built with Sattolo's algorithm from a linear congruential generator, so
 * it visits every element once per lap. Prints where the chase ended;
 * exit code 0 if a full lap returned to the start.
 *
 * A latency-bound workload for the cost model (docs/cost-model.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef STEPS
#define STEPS 200000
#endif

#define ELEMENTS (1u << 20)

static uint32_t next[ELEMENTS];
static uint32_t lcg_state = 20261207u;

static uint32_t random_below(uint32_t n)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (uint32_t)(((uint64_t)lcg_state * n) >> 32);
}

int main(void)
{
    for (uint32_t i = 0; i < ELEMENTS; i++)
        next[i] = i;
    /* Sattolo: a single cycle through all elements. */
    for (uint32_t i = ELEMENTS - 1; i > 0; i--) {
        uint32_t j = random_below(i);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    uint32_t at = 0;
    for (uint32_t step = 0; step < ELEMENTS; step++)
        at = next[at];
    int ok = at == 0;
    for (long step = 0; step < STEPS; step++)
        at = next[at];
    printf("chase: %ld steps over %u KiB, ended at %u, lap %s\n", (long)STEPS, (unsigned)(sizeof next >> 10), at, ok ? "ok" : "WRONG");
    exit(ok ? 0 : 1);
}
