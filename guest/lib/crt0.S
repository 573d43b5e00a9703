/*
 * Entry point of a user process. The kernel starts it with sp pointing at argc, then argv[],
 * NULL, envp[], NULL and the auxiliary vector (RISC-V psABI, "Process initialization").
 */
    .section .text.init, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv a0, sp
    call __cloak_start
1:  j 1b
