/*
 * illegal [zero|csr]: prints a line, then executes an illegal instruction: the all-zero word
 * (defined illegal) at the global label illegal_zero, or a read of mstatus, a machine-mode CSR,
 * from user mode at illegal_csr. The kernel must kill only this process and name the cause and pc.
 */
#include "user_test.h"

int main(int argc, char **argv)
{
    int csr = arg_is(argc, argv, 1, "csr");
    printf("illegal: about to execute %s\n", csr ? "csrr mstatus" : "an all-zero word");
    fflush(stdout);
    if (csr) __asm__ volatile(".globl illegal_csr\nillegal_csr:\n csrr t0, mstatus" ::: "t0");
    else __asm__ volatile(".globl illegal_zero\nillegal_zero:\n .4byte 0");
    printf("illegal: still alive\n");
    return 0;
}
