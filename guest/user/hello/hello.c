/* The smallest user process: prints its arguments and pid through the kernel. */
#include <stdio.h>
#include "cloak/cloak.h"

int main(int argc, char **argv)
{
    printf("hello from process %ld (parent %ld)\n", cloak_getpid(), cloak_getppid());
    for (int i = 0; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
