/*
 * string_functions: <string.h> and <stdlib.h> string routines, including
 * overlapping memmove in both directions and copies at every small
 * alignment offset (picolibc switches to word-sized loops when it can).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static uint32_t fletcher(const uint8_t *p, size_t n)
{
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) {
        a = (a + p[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

int main(void)
{
    /* memcpy / memset / memcmp at every source and destination offset. */
    static uint8_t source[96], target[96];
    for (int i = 0; i < 96; i++)
        source[i] = (uint8_t)(i * 37 + 11);
    int copies_ok = 1;
    for (int src_off = 0; src_off < 8; src_off++)
        for (int dst_off = 0; dst_off < 8; dst_off++)
            for (int len = 0; len < 40; len += 3) {
                memset(target, 0xEE, sizeof target);
                memcpy(target + dst_off, source + src_off, (size_t)len);
                if (memcmp(target + dst_off, source + src_off, (size_t)len) != 0)
                    copies_ok = 0;
                if (target[dst_off + len] != 0xEE || (dst_off > 0 && target[dst_off - 1] != 0xEE))
                    copies_ok = 0;
            }
    printf("memcpy at all offsets: %s\n", copies_ok ? "ok" : "BROKEN");
    CHECK(copies_ok);

    memset(target, 'z', 10);
    memset(target + 2, 0, 3);
    printf("memset bytes: %02x %02x %02x %02x %02x %02x\n", target[0], target[1], target[2],
           target[4], target[5], target[9]);

    /* memmove in both directions. */
    char text[32] = "0123456789abcdef";
    memmove(text + 4, text, 8);
    printf("memmove forward overlap:  %s\n", text);
    CHECK(strcmp(text, "012301234567cdef") == 0);
    strcpy(text, "0123456789abcdef");
    memmove(text, text + 5, 8);
    printf("memmove backward overlap: %s\n", text);
    CHECK(strcmp(text, "56789abc89abcdef") == 0);

    /* memcmp sign follows unsigned bytes. */
    static const uint8_t low[] = { 1, 2, 0x7f }, high[] = { 1, 2, 0x80 };
    printf("memcmp: %d %d %d\n", memcmp(low, high, 3) < 0, memcmp(high, low, 3) > 0,
           memcmp(low, low, 3) == 0);

    /* strlen / strcmp / strncmp / strchr / strrchr / strstr */
    const char *sentence = "the quick brown fox jumps over the lazy dog";
    printf("strlen %zu\n", strlen(sentence));
    CHECK_EQ(strlen(sentence), 43);
    printf("strcmp: %d %d %d\n", strcmp("abc", "abd") < 0, strcmp("abd", "abc") > 0,
           strcmp("abc", "abc"));
    printf("strcmp prefix: %d %d\n", strcmp("ab", "abc") < 0, strcmp("\xff", "a") > 0);
    printf("strncmp: %d %d\n", strncmp("abcdef", "abcxyz", 3), strncmp("abcdef", "abcxyz", 4) < 0);
    printf("strchr 'q' at %d, strrchr 'o' at %d, strchr 'Q' %s\n",
           (int)(strchr(sentence, 'q') - sentence), (int)(strrchr(sentence, 'o') - sentence),
           strchr(sentence, 'Q') ? "found" : "NULL");
    printf("strstr \"the lazy\" at %d, \"cat\" %s\n",
           (int)(strstr(sentence, "the lazy") - sentence),
           strstr(sentence, "cat") ? "found" : "NULL");

    /* strcpy / strncpy / strcat / strncat */
    char built[48];
    strcpy(built, "cloak");
    strcat(built, "-");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
    strncat(built, "guest-program", 5); /* appends "guest" */
#pragma GCC diagnostic pop
    printf("strcat: %s (%zu)\n", built, strlen(built));
    CHECK(strcmp(built, "cloak-guest") == 0);
    char padded[8];
    memset(padded, 'X', sizeof padded);
    strncpy(padded, "abc", sizeof padded);
    printf("strncpy pads: %d %d %d\n", padded[3], padded[7], padded[2]);

    /* Conversions. */
    char *end;
    long decimal = strtol("  -12345xyz", &end, 10);
    printf("strtol %ld rest \"%s\"\n", decimal, end);
    printf("strtoul hex %lu, base 0 %lu %lu, atoi %d\n", strtoul("ff", NULL, 16),
           strtoul("0x1F", NULL, 0), strtoul("017", NULL, 0), atoi("-42"));
    printf("strtoull %llu\n", strtoull("18446744073709551615", NULL, 10));

    /* Checksum of a longer memmove-shuffled buffer. */
    static uint8_t big[4096];
    for (int i = 0; i < 4096; i++)
        big[i] = (uint8_t)(i ^ (i >> 3));
    for (int step = 1; step < 200; step += 7)
        memmove(big + step, big + (step * 3) % 512, 1000);
    printf("fletcher32 after shuffles: 0x%08x\n", (unsigned)fletcher(big, sizeof big));

    check_exit(0);
}
