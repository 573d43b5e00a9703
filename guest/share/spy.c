/*
 * An outsider: a plain process the OS uses to look at other processes' memory. The remap
 * adversary maps a victim's frames at SPY_BASE; the spy waits a while, then prints what it finds
 * there, as hex and as text (plaintext would be readable; ciphertext is not).
 */
#include <stdio.h>
#include <stdint.h>
#include "cloak/cloak.h"

#define SPY_BASE 0x3000000000ull

int main(void)
{
    for (int i = 0; i < 400; i++) cloak_yield();
    const uint8_t *p = (const uint8_t *)SPY_BASE;
    printf("SPY %lx ", (unsigned long)SPY_BASE);
    for (int i = 0; i < 32; i++) printf("%02x", p[i]);
    printf(" \"");
    for (int i = 0; i < 32; i++) putchar(p[i] >= 32 && p[i] < 127 ? p[i] : '.');
    printf("\"\n");
    /* The same bytes as data for the demo's judge: a note is not parsed as prose. */
    char hex[65];
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", p[i]);
    cloak_note("spy-read", hex);
    return 0;
}
