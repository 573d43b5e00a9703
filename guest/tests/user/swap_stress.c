/*
 * swap_stress <pages> [stride]: allocates <pages> pages, half from the heap (malloc, so brk) and
 * half with mmap, writes a pattern into every word of every page, then reads everything back
 * forwards and backwards and prints how many words were wrong and a checksum (the wrapping sum of
 * every word value, which the test computes too). Run with a DRAM several times smaller than
 * <pages> pages, every page goes to swap and comes back, usually into another frame.
 *
 * With a stride above 1 the mmap half uses only every stride-th page of a larger region (stride
 * 512 = one page per 2 MiB), so nearly every first touch needs a new page-table page as well as a
 * data page while memory is full.
 */
#include "user_test.h"

#define WORDS (PAGE_SIZE / 8)

static uint64_t word_value(uint64_t page, uint64_t word)
{
    uint64_t x = (page << 32 | word) * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 31);
}

static uint64_t *heap_part, *mmap_part;
static long heap_pages, stride;

static uint64_t *page_at(long i)
{
    return i < heap_pages ? heap_part + i * WORDS : mmap_part + (i - heap_pages) * stride * WORDS;
}

static long check_page(long i, uint64_t *sum)
{
    long errors = 0;
    uint64_t *p = page_at(i);
    for (uint64_t w = 0; w < WORDS; w++) {
        uint64_t expected = word_value((uint64_t)i, w);
        if (p[w] != expected) {
            if (errors == 0) printf("mismatch page %ld word %llu: 0x%llx, expected 0x%llx\n", i, (unsigned long long)w,
                                    (unsigned long long)p[w], (unsigned long long)expected);
            errors++;
        }
        *sum += p[w];
    }
    return errors;
}

int main(int argc, char **argv)
{
    long pages = arg_long(argc, argv, 1, 64);
    stride = arg_long(argc, argv, 2, 1);
    if (pages < 2 || stride < 1) { printf("usage: swap_stress <pages >= 2> [stride >= 1]\n"); return 2; }
    heap_pages = pages / 2;
    long mmap_pages = pages - heap_pages;
    printf("swap_stress: %ld pages, stride %ld\n", pages, stride);

    heap_part = malloc((size_t)heap_pages * PAGE_SIZE);
    mmap_part = cloak_mmap((size_t)((mmap_pages - 1) * stride + 1) * PAGE_SIZE);
    if (!heap_part || !mmap_part) { printf("allocation failed\n"); return 1; }

    for (long i = 0; i < pages; i++) {
        uint64_t *p = page_at(i);
        for (uint64_t w = 0; w < WORDS; w++) p[w] = word_value((uint64_t)i, w);
    }

    long errors = 0;
    uint64_t forwards = 0, backwards = 0;
    for (long i = 0; i < pages; i++) errors += check_page(i, &forwards);
    for (long i = pages - 1; i >= 0; i--) errors += check_page(i, &backwards);
    printf("errors %ld\n", errors);
    printf("checksum 0x%016llx\n", (unsigned long long)forwards);
    if (forwards != backwards) printf("checksums differ between passes: 0x%016llx\n", (unsigned long long)backwards);
    return errors == 0 && forwards == backwards ? 0 : 1;
}
