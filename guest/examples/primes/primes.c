/*
 * primes: sieve of Eratosthenes over the odd numbers below LIMIT.
 *
 * Runs the sieve ITERATIONS times (each run must find the same primes),
 * then prints the count, the sum and the largest prime below LIMIT.
 * For LIMIT = 1,000,000 the known answers are 78498 primes, sum
 * 37550402023, largest 999983; the exit code is 0 only if they match.
 *
 * Stresses byte stores with a large stride, tight loops and branches.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef ITERATIONS
#define ITERATIONS 1
#endif

#define LIMIT 1000000u

/* composite[i] describes the odd number 2*i + 1. */
static uint8_t composite[LIMIT / 2];

typedef struct {
    uint32_t count;
    uint64_t sum;
    uint32_t largest;
} SieveResult;

static SieveResult sieve(void)
{
    memset(composite, 0, sizeof composite);
    composite[0] = 1; /* 1 is not prime */
    for (uint32_t p = 3; p * p < LIMIT; p += 2) {
        if (composite[p / 2])
            continue;
        for (uint32_t multiple = p * p; multiple < LIMIT; multiple += 2 * p)
            composite[multiple / 2] = 1;
    }

    SieveResult result = { 1, 2, 2 }; /* the even prime */
    for (uint32_t i = 1; i < LIMIT / 2; i++) {
        if (!composite[i]) {
            uint32_t prime = 2 * i + 1;
            result.count++;
            result.sum += prime;
            result.largest = prime;
        }
    }
    return result;
}

int main(void)
{
    SieveResult first = sieve();
    int ok = 1;
    for (unsigned run = 1; run < ITERATIONS; run++) {
        SieveResult again = sieve();
        if (again.count != first.count || again.sum != first.sum || again.largest != first.largest)
            ok = 0;
    }

    printf("primes below %u: %u\n", (unsigned)LIMIT, (unsigned)first.count);
    printf("sum %llu, largest %u, runs %u\n", (unsigned long long)first.sum,
           (unsigned)first.largest, (unsigned)ITERATIONS);
    ok = ok && first.count == 78498 && first.sum == 37550402023ull && first.largest == 999983;
    printf("primes: %s\n", ok ? "matches the known values" : "FAILED");
    exit(ok ? 0 : 1);
}
