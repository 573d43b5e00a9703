/*
 * recursion: deep and branching recursion (Ackermann, naive Fibonacci,
 * Towers of Hanoi, mutual recursion, a 10,000-frame descent). The stack is
 * 1 MiB (cloak.ld), enough for every case here.
 */
#include <stdint.h>
#include <stdio.h>

#include "check.h"

static uint64_t __attribute__((noinline)) ackermann(uint64_t m, uint64_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static uint32_t __attribute__((noinline)) fibonacci(uint32_t n)
{
    return n < 2 ? n : fibonacci(n - 1) + fibonacci(n - 2);
}

static uint32_t moves;
static uint32_t pegs_checksum;

static void __attribute__((noinline)) hanoi(int disks, int from, int to, int via)
{
    if (disks == 0)
        return;
    hanoi(disks - 1, from, via, to);
    moves++;
    pegs_checksum = pegs_checksum * 3 + (uint32_t)(from * 4 + to);
    hanoi(disks - 1, via, to, from);
}

static int is_odd(unsigned n);

static int __attribute__((noinline)) is_even(unsigned n)
{
    return n == 0 ? 1 : is_odd(n - 1);
}

static int __attribute__((noinline)) is_odd(unsigned n)
{
    return n == 0 ? 0 : is_even(n - 1);
}

/* Not a tail call: the frame holds a buffer that is read after the call. */
static uint64_t __attribute__((noinline)) descend(uint32_t depth)
{
    volatile uint8_t frame[16];
    frame[depth % 16] = (uint8_t)depth;
    if (depth == 0)
        return 0;
    uint64_t below = descend(depth - 1);
    return below + depth + frame[depth % 16] - (uint8_t)depth;
}

int main(void)
{
    uint64_t a23 = ackermann(2, 3), a34 = ackermann(3, 4);
    printf("ackermann(2,3) = %llu, ackermann(3,4) = %llu\n", (unsigned long long)a23,
           (unsigned long long)a34);
    CHECK_EQ(a23, 9);
    CHECK_EQ(a34, 125);

    uint32_t fib = fibonacci(24);
    printf("fibonacci(24) = %u\n", (unsigned)fib);
    CHECK_EQ(fib, 46368);

    hanoi(16, 1, 3, 2);
    printf("hanoi(16): %u moves, checksum %08x\n", (unsigned)moves, (unsigned)pegs_checksum);
    CHECK_EQ(moves, 65535);

    printf("is_even(1001) = %d, is_odd(1001) = %d\n", is_even(1001), is_odd(1001));
    CHECK(!is_even(1001) && is_odd(1001));

    uint64_t total = descend(10000);
    printf("descend(10000) = %llu\n", (unsigned long long)total);
    CHECK_EQ(total, 50005000);

    check_exit(0);
}
