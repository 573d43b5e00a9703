/*
 * stream: sweeps a 4 MiB array of uint64 ITERATIONS times, reading and
 * writing every element (a[i] = a[i] * 3 + i), so every pass misses the
 * caches on every 64-byte line and writes every line back. Prints a
 * checksum; exit code 0 if it matches the closed form computed alongside.
 *
 * A memory-streaming workload for the cost model (docs/cost-model.md):
 * bandwidth-bound, sequential, far larger than the L1 and L2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef ITERATIONS
#define ITERATIONS 1
#endif

#define ELEMENTS (4u << 20) / sizeof(uint64_t)

static uint64_t a[ELEMENTS];

int main(void)
{
    for (uint64_t i = 0; i < ELEMENTS; i++)
        a[i] = i;
    uint64_t sum = 0;
    for (int pass = 0; pass < ITERATIONS; pass++) {
        sum = 0;
        for (uint64_t i = 0; i < ELEMENTS; i++) {
            a[i] = a[i] * 3 + i;
            sum += a[i];
        }
    }
    /* Element i after p passes: i * (3^p + (3^p - 1) / 2), checked for a few elements. */
    uint64_t p3 = 1;
    for (int pass = 0; pass < ITERATIONS; pass++)
        p3 *= 3;
    uint64_t factor = p3 + (p3 - 1) / 2;
    int ok = a[1] == factor && a[ELEMENTS - 1] == (ELEMENTS - 1) * factor && a[12345] == 12345 * factor;
    printf("stream: %d passes over %u KiB, checksum %016llx %s\n", ITERATIONS, (unsigned)(sizeof a >> 10),
           (unsigned long long)sum, ok ? "ok" : "WRONG");
    exit(ok ? 0 : 1);
}
