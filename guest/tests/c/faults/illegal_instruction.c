/*
 * illegal_instruction: executes the all-zero 32-bit word, which is
 * defined to be illegal, with no trap handler installed (picolibc's crt0
 * leaves mtvec alone, and it is 0 after reset).
 *
 * Expected: mcause 2 (illegal instruction), mtval 0 (or the faulting
 * instruction bits, also 0). Not compared against QEMU: QEMU jumps to
 * mtvec = 0, faults fetching there and loops forever.
 */
#include <stdio.h>

int main(void)
{
    printf("executing an illegal instruction\n");
    __asm__ volatile(".4byte 0x00000000");
    printf("not reached\n");
    return 0;
}
