/*
 * trp_fuzz: the TRP operand checks under fuzzing (fuzz/Cloak.Fuzz/Targets/TrpTarget.cs). Run sealed,
 * it reads 96-byte records from stdin until end of file and executes each as one TRP instruction
 * with the operands and descriptor the record describes, then prints "<index> <status>". Operands
 * are raw values or offsets into places of every kind: protected scratch (.bss), plain pages from
 * the OS, a hidden region, a page-aligned area for new regions, and the program's own code. Key
 * material made at start-up (a key pair, a signature) sits in the scratch so that descriptors can
 * point at valid keys. Whatever a record does, the simulator must not fail.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096ul
#define SCRATCH (16 * 1024ul)
#define PLAIN_PAGES 4ul
#define AREA_PAGES 64ul
#define HIDDEN_PAGES 2ul
#define MAX_RECORDS 128

struct record {
    uint8_t op;          /* % 10: hidden private earset earclear random keypair agree sign verify mode */
    uint8_t a_base;      /* % 6: raw, scratch, plain, area, hidden, code */
    uint8_t b_base;
    uint8_t fix;         /* bit i: descriptor word i (0..5) is an offset from a base */
    uint16_t fix_bases;  /* 3 bits per word, % 6, as a_base */
    uint16_t reserved;
    uint64_t a, b;
    uint8_t descriptor[64];
    uint64_t reserved2;
};

static struct record records[MAX_RECORDS];
static unsigned char scratch[SCRATCH] __attribute__((aligned(4096)));
static unsigned char *plain, *area, *hidden;

static uint64_t based(uint8_t base, uint64_t value)
{
    switch (base % 6) {
    case 1: return (uint64_t)(uintptr_t)scratch + value % SCRATCH;
    case 2: return (uint64_t)(uintptr_t)plain + value % (PLAIN_PAGES * PAGE);
    case 3: return (uint64_t)(uintptr_t)area + value % AREA_PAGES * PAGE;
    case 4: return (uint64_t)(uintptr_t)hidden + value % (HIDDEN_PAGES * PAGE);
    case 5: return (uint64_t)(uintptr_t)&based + value % PAGE;
    default: return value;
    }
}

/* Puts the descriptor where operand a points when that is writable memory of ours, with its words rebased. */
static void place(const struct record *r, uint64_t at)
{
    uint64_t words[8];
    memcpy(words, r->descriptor, sizeof words);
    for (int i = 0; i < 6; i++)
        if (r->fix & (1u << i)) words[i] = based((uint8_t)(r->fix_bases >> (3 * i) & 7), words[i]);
    uint64_t s = (uint64_t)(uintptr_t)scratch, p = (uint64_t)(uintptr_t)plain, h = (uint64_t)(uintptr_t)hidden;
    int fits = (at >= s + 512 && at + sizeof words <= s + SCRATCH) || (at >= p && at + sizeof words <= p + PLAIN_PAGES * PAGE) ||
               (at >= h && at + sizeof words <= h + HIDDEN_PAGES * PAGE);
    if (fits) memcpy((void *)(uintptr_t)at, words, sizeof words);
}

static long run(uint8_t op, uint64_t a, uint64_t b)
{
    register long r __asm__("a0");
    register uint64_t ra __asm__("a1") = a, rb __asm__("a2") = b;
    switch (op % 10) {
    case 0: __asm__ volatile(CLOAK_TRP_R(0x01, "%0", "%1", "%2") : "=r"(r) : "r"(ra), "r"(rb) : "memory"); break;
    case 1: __asm__ volatile(CLOAK_TRP_R(0x02, "%0", "%1", "%2") : "=r"(r) : "r"(ra), "r"(rb) : "memory"); break;
    case 2: __asm__ volatile(CLOAK_TRP_R(0x03, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    case 3: __asm__ volatile(CLOAK_TRP_R(0x04, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    case 4: __asm__ volatile(CLOAK_TRP_R(0x05, "%0", "%1", "%2") : "=r"(r) : "r"(ra), "r"(rb) : "memory"); break;
    case 5: __asm__ volatile(CLOAK_TRP_R(0x06, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    case 6: __asm__ volatile(CLOAK_TRP_R(0x07, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    case 7: __asm__ volatile(CLOAK_TRP_R(0x08, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    case 8: __asm__ volatile(CLOAK_TRP_R(0x09, "%0", "%1", "x0") : "=r"(r) : "r"(ra) : "memory"); break;
    default: __asm__ volatile(CLOAK_TRP_R(0x0A, "%0", "x0", "x0") : "=r"(r)); break;
    }
    return r;
}

int main(void)
{
    if (cloak_trp_mode() != 1) {
        printf("trp_fuzz: not protected\n");
        return 3;
    }
    plain = cloak_mmap(PLAIN_PAGES * PAGE);
    area = cloak_mmap(AREA_PAGES * PAGE);
    hidden = cloak_mmap(HIDDEN_PAGES * PAGE);
    if (!plain || !area || !hidden || cloak_trp_hidden(hidden, HIDDEN_PAGES * PAGE) != CLOAK_TRP_OK) {
        printf("trp_fuzz: setup failed\n");
        return 2;
    }
    /* Valid key material in the scratch: private key at 0, public key at 32, message at 96, signature at 160. */
    struct cloak_keypair_descriptor kp = { 1, 0, scratch, scratch + 32 };
    struct cloak_sign_descriptor sd = { scratch, scratch + 96, 64, scratch + 160 };
    memset(scratch + 96, 0x5A, 64);
    if (cloak_trp_keypair(&kp) != CLOAK_TRP_OK || cloak_trp_sign(&sd) != CLOAK_TRP_OK) {
        printf("trp_fuzz: key setup failed\n");
        return 2;
    }

    size_t filled = 0, total = sizeof records;
    long n;
    while (filled < total && (n = cloak_read(0, (char *)records + filled, total - filled)) > 0) filled += (size_t)n;
    size_t count = filled / sizeof records[0];
    printf("trp_fuzz: %lu records\n", (unsigned long)count);
    fflush(stdout);
    for (size_t i = 0; i < count; i++) {
        const struct record *r = &records[i];
        uint64_t a = based(r->a_base, r->a), b = based(r->b_base, r->b);
        place(r, a);
        long status = run(r->op, a, b);
        printf("%lu %ld\n", (unsigned long)i, status);
        fflush(stdout);
    }
    printf("trp_fuzz: done\n");
    return 0;
}
