/*
 * Region churn for the on-chip resource limits (issue 8): creates and clears chip-keyed (hidden)
 * regions over and over, writing a line of each, as a long-running service would.
 *
 *   region_churn churn N   N cycles of hidden region + one write + one read back + clear; prints
 *                          "churn: N cycles ok" (exit 0) or the first failing status (exit 1)
 *   region_churn hold N    creates up to N hidden regions one page apart and keeps them; prints
 *                          "hold: K regions" and, if one was refused, "hold: refused with status S"
 *
 * Run sealed (protected); a plain run prints "region_churn: not protected" and exits 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096ul

static int churn(long cycles)
{
    volatile unsigned char *area = cloak_mmap(PAGE);
    if (!area) return printf("churn: mmap failed\n"), 2;
    for (long i = 0; i < cycles; i++) {
        long s = cloak_trp_hidden((void *)area, PAGE);
        if (s != CLOAK_TRP_OK) return printf("churn: cycle %ld: hidden refused with status %ld\n", i, s), 1;
        area[64] = (unsigned char)i;
        if (area[64] != (unsigned char)i) return printf("churn: cycle %ld: read back wrong\n", i), 1;
        s = cloak_trp_earclear((void *)area);
        if (s != CLOAK_TRP_OK) return printf("churn: cycle %ld: earclear refused with status %ld\n", i, s), 1;
    }
    printf("churn: %ld cycles ok\n", cycles);
    return 0;
}

static int hold(long count)
{
    unsigned char *area = cloak_mmap((size_t)count * PAGE);
    if (!area) return printf("hold: mmap failed\n"), 2;
    long made = 0, status = CLOAK_TRP_OK;
    for (; made < count; made++) {
        status = cloak_trp_hidden(area + (size_t)made * PAGE, PAGE);
        if (status != CLOAK_TRP_OK) break;
        area[(size_t)made * PAGE] = 1;
    }
    printf("hold: %ld regions\n", made);
    if (status != CLOAK_TRP_OK) printf("hold: refused with status %ld\n", status);
    return 0;
}

int main(int argc, char **argv)
{
    if (cloak_trp_mode() == 0) {
        printf("region_churn: not protected\n");
        return 3;
    }
    if (argc != 3) {
        printf("usage: region_churn churn|hold N\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    if (strcmp(argv[1], "churn") == 0) return churn(n);
    if (strcmp(argv[1], "hold") == 0) return hold(n);
    printf("usage: region_churn churn|hold N\n");
    return 2;
}
