/*
 * output_without_trailing_newline: the console is unbuffered, so output
 * that never reaches a newline is still delivered, and exit() needs no
 * flush. The expected output ends without a newline.
 */
#include <stdio.h>

#include "check.h"

int main(void)
{
    for (const char *p = "character by character\n"; *p; p++)
        putchar(*p);
    puts("a line from puts");
    CHECK_EQ(fflush(stdout), 0);
    printf("the last line has no newline");
    check_exit(0);
}
