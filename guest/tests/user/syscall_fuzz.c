/*
 * syscall_fuzz: reads records of eight 64-bit words (a0..a7, a7 being the call number) from stdin
 * until end of file, then issues each as a system call and prints "<index> <result>". The values
 * come from the test; whatever they do to this process, the simulator must not fail.
 */
#include "user_test.h"

static long raw_syscall(const uint64_t *r)
{
    register long a0 __asm__("a0") = (long)r[0];
    register long a1 __asm__("a1") = (long)r[1];
    register long a2 __asm__("a2") = (long)r[2];
    register long a3 __asm__("a3") = (long)r[3];
    register long a4 __asm__("a4") = (long)r[4];
    register long a5 __asm__("a5") = (long)r[5];
    register long a6 __asm__("a6") = (long)r[6];
    register long a7 __asm__("a7") = (long)r[7];
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7) : "memory");
    return a0;
}

#define MAX_CALLS 256

static uint64_t table[MAX_CALLS][8];

int main(void)
{
    size_t filled = 0, total = sizeof table;
    long n;
    while (filled < total && (n = cloak_read(0, (char *)table + filled, total - filled)) > 0) filled += (size_t)n;
    size_t calls = filled / sizeof table[0];
    printf("fuzz: %lu calls\n", (unsigned long)calls);
    for (size_t i = 0; i < calls; i++) {
        long result = raw_syscall(table[i]);
        printf("%lu %ld\n", (unsigned long)i, result);
    }
    printf("fuzz: done\n");
    return 0;
}
