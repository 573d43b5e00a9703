/*
 * TRP instructions used where they must trap (SPEC 2.4: "Any of these in plain mode, or with
 * operands outside the caller's protected memory, faults"). One variant per run:
 *
 *   plain-<op>     run unsealed: executes trp.<op> in plain mode (expect a TRP fault, tval 0);
 *                  op is hidden, private, earset, earclear, random, keypair, agree, sign or verify
 *   plain-mode     run unsealed: prints trp.mode's result (0) and exits 0
 *   plain-enter    run unsealed: trp.enter on a zeroed plain "image": prints the status, exits 0
 *   outside-<case> run sealed: an operand in plain memory (expect a TRP fault, tval = that address);
 *                  case is random, earset, keypair, keypair-public, agree, agree-key, sign,
 *                  sign-message, verify, verify-signature or straddle
 *
 * Before the instruction it prints "operand at 0x<address>" (the address the fault must name) and
 * flushes; if the instruction returns, it prints "returned <status>" and exits 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096ul

static unsigned char *plain_page(void)
{
    unsigned char *p = cloak_mmap(PAGE);
    if (!p) {
        printf("trp_outside: mmap failed\n");
        cloak_exit(2);
    }
    memset(p, 0, PAGE);
    return p;
}

static void announce(const void *operand)
{
    printf("operand at 0x%lx\n", (unsigned long)(uintptr_t)operand);
    fflush(stdout);
}

static long trp_enter(const void *header)
{
    register long a0 __asm__("a0") = (long)header;
    __asm__ volatile(".insn r 0x0B, 0, 0x00, x0, %0, x0" : "+r"(a0) : : "memory");
    return a0;
}

/* Protected scratch (the sealed image's .bss) for operands that must be valid. */
static unsigned char private_key[CLOAK_P256_PRIVATE_SIZE], public_key[CLOAK_P256_PUBLIC_SIZE];
static unsigned char message[32], signature[CLOAK_P256_SIGNATURE_SIZE], agreed[32];

static long plain_variant(const char *op)
{
    unsigned char *plain = plain_page();
    if (strcmp(op, "mode") == 0) return cloak_trp_mode();
    if (strcmp(op, "enter") == 0) return trp_enter(plain);
    announce((void *)0);
    if (strcmp(op, "hidden") == 0) return cloak_trp_hidden(plain, PAGE);
    if (strcmp(op, "private") == 0) return cloak_trp_private(plain, PAGE);
    if (strcmp(op, "earset") == 0) return cloak_trp_earset((struct cloak_ear_descriptor *)plain);
    if (strcmp(op, "earclear") == 0) return cloak_trp_earclear(plain);
    if (strcmp(op, "random") == 0) return cloak_trp_random(plain, 16);
    if (strcmp(op, "keypair") == 0) return cloak_trp_keypair((struct cloak_keypair_descriptor *)plain);
    if (strcmp(op, "agree") == 0) return cloak_trp_agree((struct cloak_agree_descriptor *)plain);
    if (strcmp(op, "sign") == 0) return cloak_trp_sign((struct cloak_sign_descriptor *)plain);
    if (strcmp(op, "verify") == 0) return cloak_trp_verify((struct cloak_verify_descriptor *)plain);
    printf("trp_outside: unknown variant plain-%s\n", op);
    cloak_exit(2);
}

static long outside_variant(const char *what)
{
    unsigned char *plain = plain_page();
    struct cloak_keypair_descriptor pair = { 1, 0, private_key, public_key };
    if (cloak_trp_keypair(&pair) != CLOAK_TRP_OK) {
        printf("trp_outside: no key pair\n");
        cloak_exit(2);
    }
    if (strcmp(what, "random") == 0) {
        announce(plain);
        return cloak_trp_random(plain, 16);
    }
    if (strcmp(what, "null") == 0) {
        /* An operand at address 0: a TRP operand fault with tval 0, not a mode fault. */
        announce(NULL);
        return cloak_trp_random(NULL, 16);
    }
    if (strcmp(what, "straddle") == 0) {
        /* 64 bytes starting 16 bytes before the end of a hidden region, followed by plain memory. */
        unsigned char *two = cloak_mmap(2 * PAGE);
        if (!two || cloak_trp_hidden(two, PAGE) != CLOAK_TRP_OK) cloak_exit(2);
        announce(two + PAGE);
        return cloak_trp_random(two + PAGE - 16, 64);
    }
    if (strcmp(what, "earset") == 0) {
        announce(plain);
        return cloak_trp_earset((struct cloak_ear_descriptor *)plain);
    }
    if (strcmp(what, "keypair") == 0) {
        memcpy(plain, &pair, sizeof pair);
        announce(plain);
        return cloak_trp_keypair((struct cloak_keypair_descriptor *)plain);
    }
    if (strcmp(what, "keypair-public") == 0) {
        struct cloak_keypair_descriptor out = { 1, 0, private_key, plain + 128 };
        announce(plain + 128);
        return cloak_trp_keypair(&out);
    }
    struct cloak_agree_descriptor agree = { private_key, public_key, message, sizeof message, agreed, sizeof agreed };
    if (strcmp(what, "agree") == 0) {
        memcpy(plain, &agree, sizeof agree);
        announce(plain);
        return cloak_trp_agree((struct cloak_agree_descriptor *)plain);
    }
    if (strcmp(what, "agree-key") == 0) {
        agree.key = plain + 256;
        announce(plain + 256);
        return cloak_trp_agree(&agree);
    }
    struct cloak_sign_descriptor sign = { private_key, message, sizeof message, signature };
    if (strcmp(what, "sign") == 0) {
        memcpy(plain, &sign, sizeof sign);
        announce(plain);
        return cloak_trp_sign((struct cloak_sign_descriptor *)plain);
    }
    if (strcmp(what, "sign-message") == 0) {
        sign.message = plain + 512;
        announce(plain + 512);
        return cloak_trp_sign(&sign);
    }
    struct cloak_verify_descriptor verify = { public_key, message, sizeof message, signature };
    if (strcmp(what, "verify") == 0) {
        memcpy(plain, &verify, sizeof verify);
        announce(plain);
        return cloak_trp_verify((struct cloak_verify_descriptor *)plain);
    }
    if (strcmp(what, "verify-signature") == 0) {
        verify.signature = plain + 1024;
        announce(plain + 1024);
        return cloak_trp_verify(&verify);
    }
    printf("trp_outside: unknown variant outside-%s\n", what);
    cloak_exit(2);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: trp_outside plain-<op>|outside-<case>\n");
        return 2;
    }
    long status;
    if (strncmp(argv[1], "plain-", 6) == 0) {
        if (cloak_encrypted()) {
            printf("trp_outside: plain variants must run unsealed\n");
            return 2;
        }
        status = plain_variant(argv[1] + 6);
    } else if (strncmp(argv[1], "outside-", 8) == 0) {
        if (!cloak_encrypted()) {
            printf("trp_outside: outside variants must run sealed\n");
            return 2;
        }
        status = outside_variant(argv[1] + 8);
    } else {
        printf("trp_outside: unknown variant %s\n", argv[1]);
        return 2;
    }
    printf("returned %ld\n", status);
    return 0;
}
