/*
 * load_from_unmapped_address: a 64-bit load from physical address 0x10,
 * where nothing is mapped, with no trap handler installed.
 *
 * Expected: mcause 5 (load access fault), mtval 0x10. Not compared
 * against QEMU: QEMU jumps to mtvec = 0, faults fetching there and loops.
 */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
    printf("loading from address 0x10\n");
    uint64_t value;
    __asm__ volatile("ld %0, 0x10(zero)" : "=r"(value) : : "memory");
    printf("not reached: %llu\n", (unsigned long long)value);
    return 0;
}
