/*
 * Exercises the status results of every TRP instruction from a sealed (protected) program:
 * trp.mode, trp.enter while protected, trp.random, trp.private / trp.hidden (bad bounds, overlap,
 * EAR full), trp.earset (bad descriptors, a region set, cleared and set again), trp.earclear (no
 * such region), and the public-key unit: key pairs, agreement, signing and verification, with
 * every key, descriptor and result in protected memory (a hidden region or the private stack).
 *
 * Prints one line per check, "<check>: ok" or "<check>: FAIL (...)", then
 * "trp_paths: <n> failures" and exits with 0 if there were none. Unprotected, it prints
 * "trp_paths: not protected" and exits 3.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096ul

static int failures;

static void report(const char *check, int ok, long status)
{
    if (ok) {
        printf("%s: ok\n", check);
    } else {
        printf("%s: FAIL (status %ld)\n", check, status);
        failures++;
    }
}

/* trp.enter (rd must be x0): the status comes back in a0. */
static long trp_enter(const void *header)
{
    register long a0 __asm__("a0") = (long)header;
    __asm__ volatile(".insn r 0x0B, 0, 0x00, x0, %0, x0" : "+r"(a0) : : "memory");
    return a0;
}

static int all_zero(const unsigned char *bytes, size_t length)
{
    for (size_t i = 0; i < length; i++)
        if (bytes[i] != 0) return 0;
    return 1;
}

/* Page-aligned plain memory from the OS (a range for regions; it is never touched unprotected). */
static unsigned char *pages(size_t count)
{
    unsigned char *p = cloak_mmap(count * PAGE);
    if (!p) {
        printf("trp_paths: mmap failed\n");
        cloak_exit(2);
    }
    return p;
}

static unsigned char random_bytes[64] __attribute__((aligned(64)));
static unsigned char random_again[64] __attribute__((aligned(64)));

/* Key material, kept in a hidden region (a key the chip made and never shows). */
struct keys {
    unsigned char private_a[CLOAK_P256_PRIVATE_SIZE], public_a[CLOAK_P256_PUBLIC_SIZE];
    unsigned char private_b[CLOAK_P256_PRIVATE_SIZE], public_b[CLOAK_P256_PUBLIC_SIZE];
    unsigned char key_ab[32], key_ba[32], signature[CLOAK_P256_SIGNATURE_SIZE], bad_point[CLOAK_P256_PUBLIC_SIZE];
    unsigned char message[48], info[16], region_key[CLOAK_KEY_SIZE];
};

static void region_checks(void)
{
    long s;
    unsigned char *area = pages(4);
    s = cloak_trp_private(area + 8, PAGE);
    report("bad-region-unaligned", s == CLOAK_TRP_BAD_REGION, s);
    s = cloak_trp_private(area, 0);
    report("bad-region-empty", s == CLOAK_TRP_BAD_REGION, s);
    s = cloak_trp_private(area, 2 * PAGE);
    report("private", s == CLOAK_TRP_OK, s);
    s = cloak_trp_private(area + PAGE, 2 * PAGE);
    report("overlap", s == CLOAK_TRP_BAD_REGION, s);
    s = cloak_trp_hidden(area, PAGE);
    report("overlap-hidden", s == CLOAK_TRP_BAD_REGION, s);
    s = cloak_trp_earclear(area + PAGE);
    report("no-such-region-inside", s == CLOAK_TRP_NO_SUCH_REGION, s);
    s = cloak_trp_earclear(area);
    report("earclear", s == CLOAK_TRP_OK, s);
    s = cloak_trp_earclear(area);
    report("no-such-region-cleared", s == CLOAK_TRP_NO_SUCH_REGION, s);

    /* Fill the EAR table with one-page regions, then clear them all again. */
    enum { SPAN = 96 };
    unsigned char *many = pages(SPAN);
    int made = 0;
    for (s = CLOAK_TRP_OK; made < SPAN; made++) {
        s = cloak_trp_private(many + (size_t)made * PAGE, PAGE);
        if (s != CLOAK_TRP_OK) break;
    }
    report("ear-full", s == CLOAK_TRP_EAR_FULL && made > 0, s);
    int cleared = 0;
    for (int i = 0; i < made; i++) cleared += cloak_trp_earclear(many + (size_t)i * PAGE) == CLOAK_TRP_OK;
    report("ear-full-cleared", cleared == made, cleared);
    s = cloak_trp_private(many, PAGE);
    report("ear-room-again", s == CLOAK_TRP_OK, s);
    cloak_trp_earclear(many);
}

static void earset_checks(struct keys *k)
{
    long s;
    unsigned char *page = pages(1);
    struct cloak_ear_descriptor d;
    memset(&d, 0, sizeof d);
    d.start = (uint64_t)(uintptr_t)page;
    d.length = PAGE;
    d.region_id = 0x7A11;
    d.kind = CLOAK_REGION_SHARED;
    d.permissions = CLOAK_PERM_READ | CLOAK_PERM_WRITE;
    d.flags = CLOAK_EAR_FRESH_IS_ZERO;
    memcpy(d.key, k->region_key, sizeof d.key);

    d.kind = 9;
    s = cloak_trp_earset(&d);
    report("bad-descriptor-kind", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    d.kind = CLOAK_REGION_SHARED;
    d.permissions = 0;
    s = cloak_trp_earset(&d);
    report("bad-descriptor-permissions", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    d.permissions = 0x10 | CLOAK_PERM_READ;
    s = cloak_trp_earset(&d);
    report("bad-descriptor-permission-bits", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    d.permissions = CLOAK_PERM_READ | CLOAK_PERM_WRITE;
    d.length = 100;
    s = cloak_trp_earset(&d);
    report("bad-region-earset", s == CLOAK_TRP_BAD_REGION, s);
    d.length = PAGE;

    s = cloak_trp_earset(&d);
    report("earset", s == CLOAK_TRP_OK, s);
    for (int i = 0; i < 256; i++) page[i] = (unsigned char)(i * 7 + 3);
    int same = 1;
    for (int i = 0; i < 256; i++) same &= page[i] == (unsigned char)(i * 7 + 3);
    report("earset-readback", same, 0);
    s = cloak_trp_earset(&d);
    report("earset-overlap", s == CLOAK_TRP_BAD_REGION, s);
    s = cloak_trp_earclear(page);
    report("earset-clear", s == CLOAK_TRP_OK, s);
    /* Now plain: the page holds what left the chip, ciphertext. */
    same = 1;
    for (int i = 0; i < 256; i++) same &= page[i] == (unsigned char)(i * 7 + 3);
    report("cleared-region-is-ciphertext", !same, 0);
    s = cloak_trp_earset(&d);
    same = 1;
    for (int i = 0; i < 256; i++) same &= page[i] == (unsigned char)(i * 7 + 3);
    report("earset-again-decrypts", s == CLOAK_TRP_OK && same, s);
    cloak_trp_earclear(page);
    memset(&d, 0, sizeof d);
}

static void public_key_checks(struct keys *k)
{
    long s;
    struct cloak_keypair_descriptor pair = { 1, 0, k->private_a, k->public_a };
    s = cloak_trp_keypair(&pair);
    report("keypair", s == CLOAK_TRP_OK && !all_zero(k->public_a, sizeof k->public_a), s);
    struct cloak_keypair_descriptor pair_b = { 1, 0, k->private_b, k->public_b };
    s = cloak_trp_keypair(&pair_b);
    report("keypair-second", s == CLOAK_TRP_OK && memcmp(k->public_a, k->public_b, sizeof k->public_a) != 0, s);
    struct cloak_keypair_descriptor bad_pair = { 2, 0, k->private_b, k->public_b };
    s = cloak_trp_keypair(&bad_pair);
    report("bad-descriptor-algorithm", s == CLOAK_TRP_BAD_DESCRIPTOR, s);

    memcpy(k->info, "cloak trp_paths", 16);
    struct cloak_agree_descriptor ab = { k->private_a, k->public_b, k->info, sizeof k->info, k->key_ab, sizeof k->key_ab };
    struct cloak_agree_descriptor ba = { k->private_b, k->public_a, k->info, sizeof k->info, k->key_ba, sizeof k->key_ba };
    long s1 = cloak_trp_agree(&ab), s2 = cloak_trp_agree(&ba);
    report("agree", s1 == CLOAK_TRP_OK && s2 == CLOAK_TRP_OK && memcmp(k->key_ab, k->key_ba, 32) == 0 && !all_zero(k->key_ab, 32),
           s1 ? s1 : s2);
    ab.key_length = 0;
    s = cloak_trp_agree(&ab);
    report("bad-descriptor-key-length", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    ab.key_length = 65;
    s = cloak_trp_agree(&ab);
    report("bad-descriptor-key-length-long", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    ab.key_length = 32;
    ab.info_length = 5000;
    s = cloak_trp_agree(&ab);
    report("bad-descriptor-info-length", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    ab.info_length = sizeof k->info;
    memset(k->bad_point, 0xFF, sizeof k->bad_point);
    struct cloak_agree_descriptor bad_peer = { k->private_a, k->bad_point, k->info, sizeof k->info, k->key_ab, 32 };
    s = cloak_trp_agree(&bad_peer);
    report("bad-key", s == CLOAK_TRP_BAD_KEY, s);

    memcpy(k->message, "a message signed inside the chip, for trp_paths", 48);
    struct cloak_sign_descriptor sign = { k->private_a, k->message, sizeof k->message, k->signature };
    s = cloak_trp_sign(&sign);
    report("sign", s == CLOAK_TRP_OK && !all_zero(k->signature, sizeof k->signature), s);
    struct cloak_verify_descriptor verify = { k->public_a, k->message, sizeof k->message, k->signature };
    s = cloak_trp_verify(&verify);
    report("verify", s == CLOAK_TRP_OK, s);
    k->message[0] ^= 1;
    s = cloak_trp_verify(&verify);
    report("bad-signature-message", s == CLOAK_TRP_BAD_SIGNATURE, s);
    k->message[0] ^= 1;
    struct cloak_verify_descriptor wrong_key = { k->public_b, k->message, sizeof k->message, k->signature };
    s = cloak_trp_verify(&wrong_key);
    report("bad-signature-key", s == CLOAK_TRP_BAD_SIGNATURE, s);
    k->signature[5] ^= 0x40;
    s = cloak_trp_verify(&verify);
    report("bad-signature-bits", s == CLOAK_TRP_BAD_SIGNATURE, s);
    sign.message_length = 70000;
    s = cloak_trp_sign(&sign);
    report("bad-descriptor-sign-length", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
    verify.message_length = 70000;
    s = cloak_trp_verify(&verify);
    report("bad-descriptor-verify-length", s == CLOAK_TRP_BAD_DESCRIPTOR, s);
}

int main(void)
{
    if (!cloak_encrypted()) {
        printf("trp_paths: not protected (mode %ld)\n", cloak_trp_mode());
        return 3;
    }
    long s = cloak_trp_mode();
    report("mode", s == 1, s);
    s = trp_enter(random_bytes);
    report("enter-again", s == CLOAK_TRP_ALREADY_PROTECTED, s);

    s = cloak_trp_random(random_bytes, sizeof random_bytes);
    long s2 = cloak_trp_random(random_again, sizeof random_again);
    report("random", s == CLOAK_TRP_OK && s2 == CLOAK_TRP_OK && !all_zero(random_bytes, 64) &&
                         memcmp(random_bytes, random_again, 64) != 0, s ? s : s2);
    s = cloak_trp_random(random_bytes, 4097);
    report("bad-descriptor-random-length", s == CLOAK_TRP_BAD_DESCRIPTOR, s);

    unsigned char *hidden = pages(1);
    s = cloak_trp_hidden(hidden, PAGE);
    report("hidden", s == CLOAK_TRP_OK, s);
    struct keys *k = (struct keys *)hidden;
    memset(k, 0, sizeof *k);
    s = cloak_trp_random(k->region_key, sizeof k->region_key);
    report("random-into-hidden", s == CLOAK_TRP_OK && !all_zero(k->region_key, sizeof k->region_key), s);

    region_checks();
    earset_checks(k);
    public_key_checks(k);
    memset(k, 0, sizeof *k);

    printf("trp_paths: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
