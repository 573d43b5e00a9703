/*
 * exit_code_seven: a non-zero exit status must reach the host. picolibc's
 * exit() runs the fini array, then _exit(), which uses semihosting
 * SYS_EXIT_EXTENDED when the host advertises it in ":semihosting-features"
 * (QEMU 7.2 does), else SYS_EXIT with reason ADP_Stopped_RunTimeErrorUnknown.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    printf("about to exit with status 7\n");
    exit(7);
}
