/*
 * Entry point of a user process. The kernel starts it with sp pointing at argc, then argv[],
 * NULL, envp[], NULL and the auxiliary vector (RISC-V psABI, "Process initialization"), and a0 = 0.
 * A sealed program arrives here from trp.enter instead, in encrypted execution mode, with a0 = 1:
 * before any C code can spill registers onto the OS's (plain) stack, it maps a stack of its own and
 * makes it a private encrypted region (trp.private), then continues there.
 */
#define STACK_SIZE (1024 * 1024)
#define SYS_MMAP 222
#define SYS_EXIT_GROUP 94

    .section .text.init, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    mv s0, sp                    /* the OS's stack: argc, argv, envp, auxv */
    li s1, 0
    li t0, 1
    bne a0, t0, 1f
    li a0, 0                     /* mmap(NULL, STACK_SIZE, RW, PRIVATE | ANONYMOUS, -1, 0) */
    li a1, STACK_SIZE
    li a2, 3
    li a3, 0x22
    li a4, -1
    li a5, 0
    li a7, SYS_MMAP
    ecall
    bltz a0, 2f
    mv t0, a0
    li t1, STACK_SIZE
    .insn r 0x0B, 0, 0x02, t2, t0, t1   /* trp.private t2, t0, t1 */
    bnez t2, 2f
    add sp, t0, t1
    li s1, 1
1:  mv a0, s0
    mv a1, s1
    call __cloak_start
3:  j 3b
2:  li a0, 127                   /* no private stack: give up before running anything */
    li a7, SYS_EXIT_GROUP
    ecall
    j 3b
