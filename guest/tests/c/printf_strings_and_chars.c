/*
 * printf_strings_and_chars: %s and %c conversions with width and
 * precision, plus the other ways to write characters: putchar, puts,
 * fputs, fputc, fwrite, and snprintf into a buffer.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"

int main(void)
{
    const char *word = "cloak";
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s] [%-6.1s]\n", word, word, word, word, word, word);
    printf("[%s] [%5s] [%.0s]\n", "", "", word);
    printf("[%c] [%3c] [%-3c] [%c%c%c]\n", 'x', 'y', 'z', 'a', 'b', 'c');
    printf("[%c] (a NUL char was printed between the brackets)\n", 0);
    printf("escapes: tab[\t] quote[\"] backslash[\\] bell-free\n");
    printf("high bytes: [%c%c] [\xc3\xa9]\n", 0xc3, 0xa9);

    putchar('p');
    putchar('u');
    putchar('t');
    putchar('\n');
    puts("puts appends a newline");
    fputs("fputs does not", stdout);
    fputs(" append one\n", stdout);
    fputc('!', stdout);
    fputc('\n', stdout);
    static const char raw[] = "fwrite writes exactly n bytes\nXXXX";
    size_t items = fwrite(raw, 1, sizeof raw - 1 - 4, stdout);
    printf("fwrite returned %zu\n", items);
    CHECK_EQ(items, 30);

    char buffer[32];
    int n = snprintf(buffer, sizeof buffer, "%s|%-4s|%4s|%c", "ab", "cd", "ef", 'g');
    printf("snprintf: [%s] %d\n", buffer, n);
    CHECK(strcmp(buffer, "ab|cd  |  ef|g") == 0);
    CHECK_EQ(n, 14);

    n = snprintf(NULL, 0, "%s and %s", "measure", "only");
    printf("snprintf(NULL, 0) measured %d\n", n);
    CHECK_EQ(n, 16);

    check_exit(0);
}
