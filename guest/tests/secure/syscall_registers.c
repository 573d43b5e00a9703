/*
 * What the OS sees of a protected process's registers at a system call (SPEC 2.3: "the OS sees
 * cleared registers"; docs/abi.md: arguments in a0-a5, the number in a7). Puts a secret word in
 * a6 (no system call reads it) and in t0, s2 and s3, then calls sched_yield with ecall directly.
 * The secret is made at run time from a volatile seed (the tests know it): 0x5EC2E7A6C0FFEE11.
 * Prints "syscall_registers: done".
 */
#include <stdint.h>
#include <stdio.h>
#include "cloak/cloak.h"

static volatile uint64_t seed = 0x5EC2E7A6C0FFEE10ull;

int main(void)
{
    for (int i = 0; i < 3; i++) {
        register long a0 __asm__("a0") = 0;
        register long a6 __asm__("a6") = (long)(seed + 1);
        register long a7 __asm__("a7") = CLOAK_SYS_SCHED_YIELD;
        register long t0 __asm__("t0") = (long)(seed + 1);
        register long s2 __asm__("s2") = (long)(seed + 1);
        register long s3 __asm__("s3") = (long)(seed + 1);
        __asm__ volatile("ecall" : "+r"(a0), "+r"(t0), "+r"(s2), "+r"(s3) : "r"(a6), "r"(a7) : "memory");
    }
    printf("syscall_registers: done\n");
    return 0;
}
