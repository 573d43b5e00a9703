/*
 * debuggee: the program the gdb tests (tests/Cloak.Tests/Debugging) and docs/debugging.md drive with
 * gdb-multiarch. Plain C (stdio only): guest/Makefile builds it as a user process
 * (build/tests/user/debuggee.elf, which the tests also seal) and bare metal with semihosting
 * (build/tests/bare/debuggee.elf). It keeps a canary string in initialised data, which a debugger
 * reads with "print secret" when it may see the plaintext and must never find in a sealed, not
 * debuggable process; "counter" is a global gdb reads after stepping over the line that sets it.
 * Exits with status 7 so that the tests see gdb report the exit code.
 */
#include <stdio.h>
#include <stdlib.h>

char secret[32] = "<debug-canary-07>";
volatile long counter;

__attribute__((noinline)) static long add_up(long n)
{
    long sum = 0;
    for (long i = 1; i <= n; i++) sum += i * (long)secret[i % 8];
    return sum;
}

int main(void)
{
    counter = 41;
    counter = counter + 1;
    long sum = add_up(10);
    printf("debuggee: counter %ld, sum %ld\n", counter, sum);
    exit(7);
}
