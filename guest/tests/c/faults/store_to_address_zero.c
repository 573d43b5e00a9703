/*
 * store_to_address_zero: a 32-bit store to physical address 0, where
 * nothing is mapped, with no trap handler installed. (Written in asm: a
 * C store through a null pointer is undefined behaviour that GCC may turn
 * into a trap instruction of its own.)
 *
 * Expected: mcause 7 (store/AMO access fault), mtval 0. Not compared
 * against QEMU: QEMU jumps to mtvec = 0, faults fetching there and loops.
 */
#include <stdio.h>

int main(void)
{
    printf("storing to address 0\n");
    __asm__ volatile("sw %0, 0(zero)" : : "r"(0x5A5A5A5A) : "memory");
    printf("not reached\n");
    return 0;
}
