/*
 * instret_counter: linked into the build/bench/count/<name>.elf variants
 * only (make -C guest bench-instructions). Reads minstret before main and
 * at exit and prints the difference. Under QEMU this is an exact retired
 * instruction count only with "-icount shift=0"; without -icount QEMU
 * derives the counter from the host clock. Never link this into a program
 * whose output is compared: the number is host dependent.
 */
#include <stdio.h>

static unsigned long start_count;

static inline unsigned long read_minstret(void)
{
    unsigned long value;
    __asm__ volatile("csrr %0, minstret" : "=r"(value));
    return value;
}

static void __attribute__((constructor)) start_counting(void)
{
    start_count = read_minstret();
}

static void __attribute__((destructor)) report_count(void)
{
    printf("instructions retired: %lu\n", read_minstret() - start_count);
}
