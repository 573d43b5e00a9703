/*
 * trp.attest and trp.verifyreport (docs/attestation.md), checked from inside a process:
 *
 *   attest (plain)   prints "attest status N": a plain process is refused with a status, no trap
 *   attest (sealed)  makes a report over nonce 0x11... and user data 0x22..., prints it as
 *                    "report <hex>", then has the chip check it and altered copies of it, one line each:
 *                    "verify <case> <status>" for intact, flipped-signature, flipped-measurement,
 *                    other-chip, bad-magic, bad-version
 * The host test (tests/Cloak.Security.Tests/AttestationTests.cs) verifies the printed report itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096ul

struct work {
    uint8_t nonce[32];
    uint8_t user_data[64];
    struct cloak_attest_descriptor d;
    struct cloak_report report;
    struct cloak_report altered;
};

static void check(const char *name, struct work *w)
{
    printf("verify %s %ld\n", name, cloak_trp_verifyreport(&w->altered));
}

int main(void)
{
    static uint8_t plain_nonce[32], plain_data[64], plain_report[CLOAK_REPORT_SIZE];
    if (!cloak_encrypted()) {
        struct cloak_attest_descriptor d = { plain_nonce, plain_data, plain_report };
        printf("attest status %ld\n", cloak_trp_attest(&d));
        return 0;
    }
    struct work *w = cloak_mmap(PAGE);
    if (!w || cloak_trp_hidden(w, PAGE) != CLOAK_TRP_OK) {
        printf("attest: no hidden page\n");
        return 2;
    }
    memset(w->nonce, 0x11, sizeof w->nonce);
    memset(w->user_data, 0x22, sizeof w->user_data);
    w->d = (struct cloak_attest_descriptor){ w->nonce, w->user_data, &w->report };
    long status = cloak_trp_attest(&w->d);
    printf("attest status %ld\n", status);
    if (status != CLOAK_TRP_OK) return 1;
    printf("report ");
    for (size_t i = 0; i < sizeof w->report; i++) printf("%02x", ((const uint8_t *)&w->report)[i]);
    printf("\n");

    w->altered = w->report;
    check("intact", w);
    w->altered = w->report;
    w->altered.signature[5] ^= 1;
    check("flipped-signature", w);
    w->altered = w->report;
    w->altered.measurement[0] ^= 0x80;
    check("flipped-measurement", w);
    w->altered = w->report;
    w->altered.chip_fingerprint[31] ^= 1;
    check("other-chip", w);
    w->altered = w->report;
    w->altered.magic ^= 1;
    check("bad-magic", w);
    w->altered = w->report;
    w->altered.version = 2;
    check("bad-version", w);
    return 0;
}
