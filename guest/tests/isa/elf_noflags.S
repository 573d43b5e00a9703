/*
 * elf_noflags.S - a program whose only loadable segment has p_flags = 0
 * (linked with elf_noflags.ld, see there): it must be loaded and run as
 * any other (code executes, data is read and written, traps work), as
 * QEMU does. The cases themselves are deliberately plain.
 */
#include "test_macros.h"

TEST_BEGIN
    TEST_RR(1, add, 5, 2, 3)
    TEST_CASE(2, a0, 0x1234, la a1, noflags_word; ld a0, 0(a1))
    TEST_CASE(3, a0, 99, la a1, noflags_word; li a2, 99; sd a2, 0(a1); ld a0, 0(a1))
    TEST_TRAP(4, CAUSE_BREAKPOINT, 0, ebreak)
    TEST_CASE(5, a0, 0, la a1, noflags_bss; ld a0, 0(a1))
TEST_END

    .data
    .balign 8
noflags_word:
    .dword 0x1234

    .bss
    .balign 8
noflags_bss:
    .skip 8
