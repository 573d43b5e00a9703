/*
 * segfault [load|store|fetch|null]: prints a line, then touches an address no area covers
 * (0xdead0000; address 0 for "null"). The kernel must kill only this process, with a report
 * naming the cause, the pc (inside segfault_load/segfault_store, or the bad address for a fetch)
 * and the address.
 */
#include "user_test.h"

long segfault_load(volatile long *p);
void segfault_store(volatile long *p);

__attribute__((noinline)) long segfault_load(volatile long *p) { return *p; }
__attribute__((noinline)) void segfault_store(volatile long *p) { *p = 1; }

int main(int argc, char **argv)
{
    const char *mode = arg_text(argc, argv, 1, "load");
    uintptr_t address = strcmp(mode, "null") == 0 ? 0 : UNMAPPED_ADDRESS;
    printf("segfault: about to %s 0x%lx\n", mode, (unsigned long)address);
    fflush(stdout);
    if (strcmp(mode, "store") == 0 || strcmp(mode, "null") == 0) segfault_store((volatile long *)address);
    else if (strcmp(mode, "fetch") == 0) ((void (*)(void))address)();
    else printf("loaded %ld\n", segfault_load((volatile long *)address));
    printf("segfault: still alive\n");
    return 0;
}
