/*
 * hello: the smallest useful guest program. Prints a greeting and a few
 * formatted numbers over the semihosting console, then exits with 0.
 *
 * Note: under picolibc's default crt0, returning from main() does not end
 * the program (crt0 spins in a loop), so every guest program calls exit().
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("Hello from a Cloak guest (RV64IMAC)!\n");

    unsigned long long factorial = 1;
    for (unsigned i = 1; i <= 20; i++)
        factorial *= i;
    printf("20! = %llu\n", factorial);

    int answer = 6 * 7;
    printf("answer = %d (0x%02x), negated = %d\n", answer, answer, -answer);
    printf("2^40 = %ld, sizeof(long) = %zu\n", 1L << 40, sizeof(long));

    exit(0);
}
