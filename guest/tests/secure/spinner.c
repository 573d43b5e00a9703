/*
 * A harmless companion process: it keeps the scheduler switching between processes (every context
 * switch is a moment the adversary acts) and touches nothing secret.
 *
 * Usage: spinner [iterations]   (default 400000, about 2.8 million instructions; it yields every 65536)
 * Output: "spinner: done".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cloak/cloak.h"

static volatile uint64_t sink;

int main(int argc, char **argv)
{
    long iterations = argc > 1 ? atol(argv[1]) : 400000;
    uint64_t x = 0;
    for (long i = 0; i < iterations; i++) {
        x = x * 3 + (uint64_t)i;
        if ((i & 0xFFFF) == 0) {
            sink = x;
            cloak_yield();
        }
    }
    sink = x;
    printf("spinner: done\n");
    return 0;
}
