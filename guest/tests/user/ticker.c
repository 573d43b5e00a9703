/*
 * ticker <rounds> [churn-pages] [yield]: a victim for replay and bit-flip attacks. Each round it
 * writes the round number into ticker_value[0] (alone on its page), optionally yields, optionally
 * touches <churn-pages> other pages (so a small DRAM pushes ticker_value's page to swap), then reads
 * the value back. It prints "round <r>: wrote <r>, read <v>" for every round where they differ and
 * "rounds <n>, mismatches <m>" at the end.
 */
#include "user_test.h"

volatile uint64_t ticker_value[PAGE_SIZE / 8] __attribute__((aligned(4096)));

int main(int argc, char **argv)
{
    long rounds = arg_long(argc, argv, 1, 8);
    long churn = arg_long(argc, argv, 2, 0);
    int yield = arg_is(argc, argv, 3, "yield");
    volatile uint64_t *pages = churn > 0 ? cloak_mmap((size_t)churn * PAGE_SIZE) : NULL;
    if (churn > 0 && !pages) { printf("mmap failed\n"); return 1; }
    long mismatches = 0;
    for (long r = 1; r <= rounds; r++) {
        ticker_value[0] = (uint64_t)r;
        if (yield) cloak_yield();
        for (long p = 0; p < churn; p++) pages[p * (PAGE_SIZE / 8)] = (uint64_t)(r + p);
        uint64_t v = ticker_value[0];
        if (v != (uint64_t)r) {
            printf("round %ld: wrote %ld, read %llu\n", r, r, (unsigned long long)v);
            mismatches++;
        }
    }
    printf("rounds %ld, mismatches %ld\n", rounds, mismatches);
    return 0;
}
