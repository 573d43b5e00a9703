/*
 * spy: an ordinary process that looks for other processes' secrets in memory the OS mapped for it.
 *
 *   spy scan <yields> <prefix-hex>...    after yielding <yields> times, reads the pages an adversary
 *                                        mapped from 0x30_0000_0000 on (as many as are readable)
 *   spy window <yields> <prefix-hex>...  after yielding, reads its own page-aligned array spy_window
 *                                        (an adversary may have put another frame behind it)
 *
 * For each prefix (the first bytes of a secret, in hex) it prints "found <prefix>: <16 bytes in hex>"
 * for the first place the prefix occurs, or "missing <prefix>".
 */
#include "user_test.h"

#define SPY_BASE 0x3000000000UL
#define MAX_PAGES 64
#define SECRET_SIZE 16

uint8_t spy_window[PAGE_SIZE] __attribute__((aligned(4096)));

/* The kernel reads a spawn name from our memory: -ENOENT means it could, -EFAULT that it could not. */
static int readable(uintptr_t address)
{
    return cloak_syscall3(CLOAK_SYS_SPAWN, address, 1, 0) == -CLOAK_ENOENT;
}

static size_t parse_hex(const char *text, uint8_t *out, size_t capacity)
{
    size_t n = 0;
    while (n < capacity && text[2 * n] && text[2 * n + 1]) {
        char pair[3] = { text[2 * n], text[2 * n + 1], 0 };
        out[n++] = (uint8_t)strtoul(pair, NULL, 16);
    }
    return n;
}

static const volatile uint8_t *search(const volatile uint8_t *start, size_t length, const uint8_t *prefix, size_t n)
{
    for (size_t at = 0; at + SECRET_SIZE <= length; at++) {
        if (start[at] != prefix[0]) continue;
        size_t i = 1;
        while (i < n && start[at + i] == prefix[i]) i++;
        if (i == n) return start + at;
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int window = arg_is(argc, argv, 1, "window");
    long yields = arg_long(argc, argv, 2, 5);
    for (long i = 0; i < yields; i++) cloak_yield();

    const volatile uint8_t *start = window ? spy_window : (const volatile uint8_t *)SPY_BASE;
    size_t pages = 1;
    if (!window) {
        pages = 0;
        while (pages < MAX_PAGES && readable(SPY_BASE + pages * PAGE_SIZE)) pages++;
    }
    printf("spy: %lu pages readable\n", (unsigned long)pages);
    for (int a = 3; a < argc; a++) {
        uint8_t prefix[SECRET_SIZE];
        size_t n = parse_hex(argv[a], prefix, sizeof prefix);
        const volatile uint8_t *hit = n ? search(start, pages * PAGE_SIZE, prefix, n) : NULL;
        if (!hit) { printf("missing %s\n", argv[a]); continue; }
        uint8_t secret[SECRET_SIZE];
        for (int i = 0; i < SECRET_SIZE; i++) secret[i] = hit[i];
        printf("found %s: ", argv[a]);
        print_hex(secret, sizeof secret);
        printf("\n");
    }
    return 0;
}
