/*
 * syscall_fuzz: reads records of eight 64-bit words (a0..a5, unused, number) from stdin until end of
 * file, then issues each as a system call and prints "<index> <result>". The values come from the
 * test; whatever they do to this process, the simulator must not fail.
 */
#include "user_test.h"

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
        const uint64_t *c = table[i];
        long result = cloak_syscall6((long)c[7], (long)c[0], (long)c[1], (long)c[2], (long)c[3], (long)c[4], (long)c[5]);
        printf("%lu %ld\n", (unsigned long)i, result);
    }
    printf("fuzz: done\n");
    return 0;
}
