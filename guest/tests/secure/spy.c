/*
 * A plain (unsealed) outsider for the remapping attack (SPEC R3): the adversary maps a protected
 * process's frames into it at <base>, and it prints what ordinary loads read there, as hex.
 *
 * Usage: spy <base, hex> <pages> <rounds>
 * Each round it yields first (so the victim runs and the adversary maps afresh), then prints
 * "round <r> page <p>" and 64 lines of 128 hex digits per page. Ends with "spy: done".
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "cloak/cloak.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: spy <base> <pages> <rounds>\n");
        return 2;
    }
    uintptr_t base = (uintptr_t)strtoul(argv[1], NULL, 16);
    int pages = atoi(argv[2]), rounds = atoi(argv[3]);
    static const char digits[] = "0123456789abcdef";
    char line[130];
    for (int r = 0; r < rounds; r++) {
        cloak_yield();
        for (int p = 0; p < pages; p++) {
            const volatile unsigned char *page = (const volatile unsigned char *)(base + (uintptr_t)p * 4096);
            printf("round %d page %d\n", r, p);
            for (int l = 0; l < 64; l++) {
                for (int i = 0; i < 64; i++) {
                    unsigned char b = page[l * 64 + i];
                    line[2 * i] = digits[b >> 4];
                    line[2 * i + 1] = digits[b & 15];
                }
                line[128] = '\n';
                line[129] = 0;
                fputs(line, stdout);
            }
        }
    }
    printf("spy: done\n");
    return 0;
}
