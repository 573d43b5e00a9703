/*
 * picolibc stdio streams on Cloak system calls: stdout is line-buffered (flushed at newline, when
 * full, at exit and before reading stdin), stderr unbuffered, stdin reads fd 0.
 */
#include <stdio.h>
#include "cloak/cloak.h"

static char out_buffer[1024];
static size_t out_length;

static int flush_stdout(FILE *file)
{
    (void)file;
    size_t done = 0;
    while (done < out_length) {
        long n = cloak_write(1, out_buffer + done, out_length - done);
        if (n <= 0) break;
        done += (size_t)n;
    }
    out_length = 0;
    return 0;
}

static int put_stdout(char c, FILE *file)
{
    out_buffer[out_length++] = c;
    if (c == '\n' || out_length == sizeof out_buffer) flush_stdout(file);
    return (unsigned char)c;
}

static int put_stderr(char c, FILE *file)
{
    (void)file;
    flush_stdout(NULL);
    return cloak_write(2, &c, 1) == 1 ? (unsigned char)c : EOF;
}

static int get_stdin(FILE *file)
{
    (void)file;
    unsigned char c;
    flush_stdout(NULL);
    return cloak_read(0, &c, 1) == 1 ? c : EOF;
}

static FILE cloak_stdin = FDEV_SETUP_STREAM(NULL, get_stdin, NULL, _FDEV_SETUP_READ);
static FILE cloak_stdout = FDEV_SETUP_STREAM(put_stdout, NULL, flush_stdout, _FDEV_SETUP_WRITE);
static FILE cloak_stderr = FDEV_SETUP_STREAM(put_stderr, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &cloak_stdin;
FILE *const stdout = &cloak_stdout;
FILE *const stderr = &cloak_stderr;

void __cloak_flush_stdout(void);
void __cloak_flush_stdout(void) { flush_stdout(NULL); }
