/*
 * heap_malloc_free_realloc: typical allocation patterns on picolibc's
 * malloc (sbrk between __heap_start and __heap_end, see cloak.ld). Every
 * block is filled with a pattern and verified later, so overlapping or
 * corrupted blocks are detected. Addresses are never printed; only their
 * alignment and the verification results are.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define SLOTS 200

static void fill(uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed * 31 + i);
}

static int verify(const uint8_t *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (uint8_t)(seed * 31 + i))
            return 0;
    return 1;
}

int main(void)
{
    static uint8_t *blocks[SLOTS];
    static size_t sizes[SLOTS];
    unsigned rng = 12345;
    int all_aligned = 1, all_intact = 1;

    /* Allocate, free every third, reallocate, verify the survivors. */
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < SLOTS; i++) {
            if (blocks[i] && (i + round) % 3 != 0)
                continue;
            free(blocks[i]);
            rng = rng * 1103515245u + 12345u;
            sizes[i] = 1 + (rng >> 16) % 700;
            blocks[i] = malloc(sizes[i]);
            CHECK(blocks[i] != NULL);
            if (((uintptr_t)blocks[i] & 7) != 0)
                all_aligned = 0;
            fill(blocks[i], sizes[i], (unsigned)i);
        }
        for (int i = 0; i < SLOTS; i++)
            if (!verify(blocks[i], sizes[i], (unsigned)i))
                all_intact = 0;
    }
    printf("churn: 4 rounds x %d slots, aligned %s, contents %s\n", SLOTS,
           all_aligned ? "yes" : "NO", all_intact ? "intact" : "CORRUPTED");
    CHECK(all_aligned);
    CHECK(all_intact);

    /* realloc keeps the old contents while growing and shrinking. */
    uint8_t *grown = malloc(16);
    fill(grown, 16, 7);
    int realloc_ok = 1;
    size_t size = 16;
    for (int step = 0; step < 10; step++) {
        size_t new_size = step % 3 == 2 ? size / 2 : size * 3;
        uint8_t *moved = realloc(grown, new_size);
        CHECK(moved != NULL);
        size_t kept = new_size < size ? new_size : size;
        if (!verify(moved, kept, 7))
            realloc_ok = 0;
        grown = moved;
        size = new_size;
        fill(grown, size, 7);
    }
    printf("realloc chain ends at %zu bytes, contents %s\n", size, realloc_ok ? "kept" : "LOST");
    CHECK(realloc_ok);
    free(grown);

    /* calloc returns zeroed memory, even when reusing freed dirty blocks. */
    uint8_t *dirty = malloc(4096);
    memset(dirty, 0xA5, 4096);
    free(dirty);
    uint32_t *zeroed = calloc(1024, sizeof(uint32_t));
    int all_zero = 1;
    for (int i = 0; i < 1024; i++)
        if (zeroed[i] != 0)
            all_zero = 0;
    printf("calloc zeroed: %s\n", all_zero ? "yes" : "NO");
    CHECK(all_zero);
    free(zeroed);

    /* Observed, not required by C: picolibc 1.8's malloc clears every block
     * it hands out (a byte-wise memset), so even a reused dirty block is 0. */
    uint8_t *reused_dirty = malloc(4096);
    memset(reused_dirty, 0x5A, 4096);
    free(reused_dirty);
    reused_dirty = malloc(4096);
    int malloc_zeroes = 1;
    for (int i = 0; i < 4096; i++)
        if (reused_dirty[i] != 0)
            malloc_zeroes = 0;
    printf("malloc returned zeroed memory: %s\n", malloc_zeroes ? "yes" : "no");
    free(reused_dirty);

    /* A large block (1 MiB) fits; one larger than RAM does not. */
    const size_t large_size = (size_t)1 << 20;
    uint8_t *large = malloc(large_size);
    printf("malloc(1 MiB): %s\n", large ? "ok" : "NULL");
    CHECK(large != NULL);
    if (large) {
        large[0] = 1;
        large[large_size - 1] = 2;
        CHECK_EQ(large[0] + large[large_size - 1], 3);
    }
    free(large);
    void *too_large = malloc((size_t)1 << 30);
    printf("malloc(1 GiB): %s\n", too_large ? "ok" : "NULL");
    CHECK(too_large == NULL);

    /* malloc(0) and free(NULL) are harmless. */
    free(NULL);
    void *empty = malloc(0);
    free(empty);
    printf("free(NULL) and malloc(0) survived\n");

    for (int i = 0; i < SLOTS; i++)
        free(blocks[i]);
    check_exit(0);
}
