/*
 * slow_lines: prints "slow_lines: line K of 4, checksum 0x..." four times, each after about 150 million
 * instructions of arithmetic (about a second of host time at the simulator's usual speed), then exits
 * 0. The tests of live output and interruption (tests/Cloak.Tests/Cli/LiveOutputTests.cs) watch
 * each line arrive while the run goes on. Plain C: guest/Makefile builds it both as a user process
 * (build/tests/user/slow_lines.elf) and as a bare-metal program with semihosting
 * (build/tests/bare/slow_lines.elf).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LINES 4
#define ROUNDS_PER_LINE 25000000L

int main(void)
{
    uint64_t x = 1, sum = 0;
    for (int line = 1; line <= LINES; line++) {
        for (long i = 0; i < ROUNDS_PER_LINE; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            sum ^= x >> 29;
        }
        printf("slow_lines: line %d of %d, checksum 0x%016llx\n", line, LINES, (unsigned long long)sum);
    }
    exit(0);
}
