/*
 * Cloak's system call ABI, C side (the C# side is src/Cloak.Kernel/Abi/Syscall.cs and Errno.cs;
 * a test checks that both agree). Standard calls keep Linux's RISC-V numbers; Cloak's own calls
 * live in 0x1000-0x10FF. Arguments in a0-a5, number in a7, result in a0: a negative result is
 * -errno with Linux's errno values (CLOAK_E* below). See docs/abi.md.
 */
#ifndef CLOAK_SYSCALL_H
#define CLOAK_SYSCALL_H

#define CLOAK_SYS_READ          63
#define CLOAK_SYS_WRITE         64
#define CLOAK_SYS_NANO_SLEEP    101
#define CLOAK_SYS_CLOCK_GET_TIME 113
#define CLOAK_SYS_SCHED_YIELD   124
#define CLOAK_SYS_GET_PID       172
#define CLOAK_SYS_GET_PPID      173
#define CLOAK_SYS_BRK           214
#define CLOAK_SYS_MUNMAP        215
#define CLOAK_SYS_MMAP          222
#define CLOAK_SYS_WAIT4         260
#define CLOAK_SYS_EXIT          93
#define CLOAK_SYS_EXIT_GROUP    94

#define CLOAK_SYS_SPAWN         0x1000
#define CLOAK_SYS_SHM_CREATE    0x1010
#define CLOAK_SYS_SHM_MAP       0x1011
#define CLOAK_SYS_SHM_UNMAP     0x1012
#define CLOAK_SYS_SHM_DESTROY   0x1013
#define CLOAK_SYS_CHAN_CREATE   0x1020
#define CLOAK_SYS_CHAN_OPEN     0x1021
#define CLOAK_SYS_CHAN_SEND     0x1022
#define CLOAK_SYS_CHAN_RECV     0x1023
#define CLOAK_SYS_CHAN_CLOSE    0x1024
#define CLOAK_SYS_NOTE          0x1030

/* note: at most this many bytes of "TOPIC\tTEXT" */
#define CLOAK_NOTE_MAX          512

/* chan_recv flags */
#define CLOAK_CHAN_NONBLOCK     1

/* errno values (Linux's), returned negated */
#define CLOAK_EPERM             1
#define CLOAK_ENOENT            2
#define CLOAK_ESRCH             3
#define CLOAK_EINTR             4
#define CLOAK_EBADF             9
#define CLOAK_ECHILD            10
#define CLOAK_EAGAIN            11
#define CLOAK_ENOMEM            12
#define CLOAK_EACCES            13
#define CLOAK_EFAULT            14
#define CLOAK_EBUSY             16
#define CLOAK_EEXIST            17
#define CLOAK_EINVAL            22
#define CLOAK_EMFILE            24
#define CLOAK_ENOSPC            28
#define CLOAK_EPIPE             32
#define CLOAK_ENAMETOOLONG      36
#define CLOAK_ENOSYS            38
#define CLOAK_EMSGSIZE          90

#ifndef __ASSEMBLER__
static inline long cloak_syscall6(long number, long a0, long a1, long a2, long a3, long a4, long a5)
{
    register long r_a0 __asm__("a0") = a0;
    register long r_a1 __asm__("a1") = a1;
    register long r_a2 __asm__("a2") = a2;
    register long r_a3 __asm__("a3") = a3;
    register long r_a4 __asm__("a4") = a4;
    register long r_a5 __asm__("a5") = a5;
    register long r_a7 __asm__("a7") = number;
    __asm__ volatile("ecall"
                     : "+r"(r_a0)
                     : "r"(r_a1), "r"(r_a2), "r"(r_a3), "r"(r_a4), "r"(r_a5), "r"(r_a7)
                     : "memory");
    return r_a0;
}
#define cloak_syscall0(n) cloak_syscall6((n), 0, 0, 0, 0, 0, 0)
#define cloak_syscall1(n, a) cloak_syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define cloak_syscall2(n, a, b) cloak_syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define cloak_syscall3(n, a, b, c) cloak_syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define cloak_syscall4(n, a, b, c, d) cloak_syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#endif

#endif
