/*
 * qsort: sorts a large pseudo-random array twice, once with picolibc's
 * qsort() and once with a merge sort written here, checks that both
 * results are sorted and identical, and prints a checksum.
 *
 * Each of the ITERATIONS rounds refills the array from the same xorshift64
 * generator (which keeps running), so every round sorts different data.
 * Exit code 0 if every round agreed, 1 otherwise.
 *
 * Stresses indirect calls (the comparator), unpredictable branches,
 * 64-bit loads/stores and malloc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ITERATIONS
#define ITERATIONS 1
#endif

#ifndef ELEMENTS
#define ELEMENTS 20000
#endif

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t xorshift64(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Top-down merge sort; insertion sort for short runs. */
static void merge_sort(uint64_t *items, uint64_t *scratch, size_t count)
{
    if (count <= 16) {
        for (size_t i = 1; i < count; i++) {
            uint64_t v = items[i];
            size_t j = i;
            while (j > 0 && items[j - 1] > v) {
                items[j] = items[j - 1];
                j--;
            }
            items[j] = v;
        }
        return;
    }
    size_t half = count / 2;
    merge_sort(items, scratch, half);
    merge_sort(items + half, scratch, count - half);
    if (items[half - 1] <= items[half])
        return;
    memcpy(scratch, items, half * sizeof *items);
    size_t left = 0, right = half, out = 0;
    while (left < half && right < count)
        items[out++] = scratch[left] <= items[right] ? scratch[left++] : items[right++];
    while (left < half)
        items[out++] = scratch[left++];
}

static int is_sorted(const uint64_t *items, size_t count)
{
    for (size_t i = 1; i < count; i++)
        if (items[i - 1] > items[i])
            return 0;
    return 1;
}

int main(void)
{
    uint64_t *by_libc = malloc(ELEMENTS * sizeof(uint64_t));
    uint64_t *by_merge = malloc(ELEMENTS * sizeof(uint64_t));
    uint64_t *scratch = malloc((ELEMENTS / 2 + 1) * sizeof(uint64_t));
    if (!by_libc || !by_merge || !scratch) {
        printf("qsort: out of memory\n");
        exit(2);
    }

    int ok = 1;
    uint64_t checksum = 0;
    for (unsigned round = 0; round < ITERATIONS; round++) {
        for (size_t i = 0; i < ELEMENTS; i++) {
            /* Keep values small enough for duplicates to occur. */
            by_libc[i] = xorshift64() % (ELEMENTS * 4);
        }
        memcpy(by_merge, by_libc, ELEMENTS * sizeof(uint64_t));

        qsort(by_libc, ELEMENTS, sizeof(uint64_t), compare_u64);
        merge_sort(by_merge, scratch, ELEMENTS);

        if (!is_sorted(by_libc, ELEMENTS) || !is_sorted(by_merge, ELEMENTS) ||
            memcmp(by_libc, by_merge, ELEMENTS * sizeof(uint64_t)) != 0) {
            printf("round %u: sorts disagree\n", round);
            ok = 0;
        }
        for (size_t i = 0; i < ELEMENTS; i++)
            checksum = checksum * 31 + by_libc[i];
    }

    printf("sorted %u x %u elements: min %llu, median %llu, max %llu\n", (unsigned)ITERATIONS,
           (unsigned)ELEMENTS, (unsigned long long)by_libc[0],
           (unsigned long long)by_libc[ELEMENTS / 2], (unsigned long long)by_libc[ELEMENTS - 1]);
    printf("checksum 0x%016llx\n", (unsigned long long)checksum);
    printf("qsort: %s\n", ok ? "qsort and merge sort agree" : "FAILED");

    free(scratch);
    free(by_merge);
    free(by_libc);
    exit(ok ? 0 : 1);
}
