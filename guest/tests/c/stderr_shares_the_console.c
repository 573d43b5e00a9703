/*
 * stderr_shares_the_console: with picolibc's semihost library, stdin,
 * stdout and stderr are the same FILE object, and every character goes
 * out through SYS_WRITEC (one semihosting call per byte, unbuffered). The
 * host therefore sees one console stream in program order: this test's
 * expected output contains the stderr lines too.
 */
#include <stdio.h>

#include "check.h"

int main(void)
{
    printf("1: stdout\n");
    fprintf(stderr, "2: stderr\n");
    printf("3: stdout again\n");
    fputs("4: stderr without a newline, ", stderr);
    printf("then stdout\n");
    fputc('5', stderr);
    putchar(':');
    fprintf(stderr, " interleaved %s\n", "characters");
    printf("stdout and stderr are the same FILE: %s\n", stdout == stderr ? "yes" : "no");
    CHECK(stdout == stderr);
    check_exit(0);
}
