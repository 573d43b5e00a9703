/*
 * Cloak's tamper-resistant-processor instructions (docs/isa.md, "TRP instructions"): custom-0 major
 * opcode, R-type, funct3 = 0, funct7 = operation. The C# side is src/Cloak.Isa/OpcodeTable.cs and
 * src/Cloak.Isa/TrpAbi.cs (TrpStatus, RegionKind, RegionPermissions); a test
 * (tests/Cloak.Tests/Sdk/TrpHeaderTests.cs) checks that both agree.
 *
 * Every key operand and result must lie in the caller's protected memory (an EAR region), so keys
 * never pass through registers or memory the OS can read. Results: CLOAK_TRP_OK or a status below.
 * In plain mode, or with an operand outside protected memory, the instructions trap.
 */
#ifndef CLOAK_TRP_H
#define CLOAK_TRP_H

#include <stddef.h>
#include <stdint.h>

/* Status codes (rd). */
#define CLOAK_TRP_OK                 0
#define CLOAK_TRP_WRONG_CHIP         1
#define CLOAK_TRP_BAD_IMAGE          2
#define CLOAK_TRP_EAR_FULL           3
#define CLOAK_TRP_BAD_REGION         4
#define CLOAK_TRP_NO_SUCH_REGION     5
#define CLOAK_TRP_KEY_TABLE_FULL     6
#define CLOAK_TRP_BAD_DESCRIPTOR     7
#define CLOAK_TRP_BAD_KEY            8
#define CLOAK_TRP_BAD_SIGNATURE      9
#define CLOAK_TRP_CONTEXT_TABLE_FULL 10
#define CLOAK_TRP_ALREADY_PROTECTED  11
#define CLOAK_TRP_REGION_TABLE_FULL  12
#define CLOAK_TRP_NOT_PROTECTED      13

/* Region kinds and permissions of an EAR entry. */
#define CLOAK_REGION_PRIVATE      0
#define CLOAK_REGION_HIDDEN       1
#define CLOAK_REGION_SHARED       2
#define CLOAK_REGION_NOTIFICATION 3
#define CLOAK_PERM_READ    1
#define CLOAK_PERM_WRITE   2
#define CLOAK_PERM_EXECUTE 4
#define CLOAK_EAR_FRESH_IS_ZERO 1

#define CLOAK_KEY_SIZE 32
#define CLOAK_P256_PRIVATE_SIZE 32
#define CLOAK_P256_PUBLIC_SIZE 64
#define CLOAK_P256_SIGNATURE_SIZE 64

/* trp.earset descriptor (56 bytes). */
struct cloak_ear_descriptor {
    uint64_t start;
    uint64_t length;
    uint32_t region_id;
    uint8_t kind;
    uint8_t permissions;
    uint8_t flags;
    uint8_t reserved;
    uint8_t key[CLOAK_KEY_SIZE];
};

/* trp.keypair descriptor: algorithm 1 = P-256. */
struct cloak_keypair_descriptor { uint32_t algorithm; uint32_t reserved; void *private_key; void *public_key; };
/* trp.agree descriptor: ECDH then HKDF-SHA256 with info as the context. */
struct cloak_agree_descriptor { const void *private_key; const void *peer_public; const void *info; uint64_t info_length; void *key; uint64_t key_length; };
/* trp.sign / trp.verify descriptors. */
struct cloak_sign_descriptor { const void *private_key; const void *message; uint64_t message_length; void *signature; };
struct cloak_verify_descriptor { const void *public_key; const void *message; uint64_t message_length; const void *signature; };

/* trp.attest descriptor: the chip signs a report over this process's measurement, its debuggable
   flag, the 32-byte nonce and 64 bytes of user data (all operands in protected memory). */
struct cloak_attest_descriptor { const void *nonce; const void *user_data; void *report; };

/* Attestation report (docs/attestation.md; C# src/Cloak.Isa/AttestationReport.cs, checked by a test).
   The signature (ECDSA P-256 with SHA-256, r || s, by the chip's identity key) covers every byte before it. */
#define CLOAK_REPORT_MAGIC          0x524B4C43u /* "CLKR" */
#define CLOAK_REPORT_VERSION        1
#define CLOAK_REPORT_FLAG_DEBUGGABLE 1
#define CLOAK_REPORT_SIZE           232
struct cloak_report {
    uint32_t magic;
    uint16_t version;
    uint16_t flags;
    uint8_t chip_fingerprint[32];
    uint8_t measurement[32];
    uint8_t nonce[32];
    uint8_t user_data[64];
    uint8_t signature[64];
};

#define CLOAK_TRP_R(op, rd, rs1, rs2) ".insn r 0x0B, 0, " #op ", " rd ", " rs1 ", " rs2

static inline long cloak_trp_mode(void)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x0A, "%0", "x0", "x0") : "=r"(r));
    return r;
}

static inline long cloak_trp_hidden(void *start, size_t length)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x01, "%0", "%1", "%2") : "=r"(r) : "r"(start), "r"(length) : "memory");
    return r;
}

static inline long cloak_trp_private(void *start, size_t length)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x02, "%0", "%1", "%2") : "=r"(r) : "r"(start), "r"(length) : "memory");
    return r;
}

static inline long cloak_trp_earset(const struct cloak_ear_descriptor *descriptor)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x03, "%0", "%1", "x0") : "=r"(r) : "r"(descriptor) : "memory");
    return r;
}

static inline long cloak_trp_earclear(void *start)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x04, "%0", "%1", "x0") : "=r"(r) : "r"(start) : "memory");
    return r;
}

static inline long cloak_trp_random(void *buffer, size_t length)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x05, "%0", "%1", "%2") : "=r"(r) : "r"(buffer), "r"(length) : "memory");
    return r;
}

static inline long cloak_trp_keypair(const struct cloak_keypair_descriptor *d)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x06, "%0", "%1", "x0") : "=r"(r) : "r"(d) : "memory");
    return r;
}

static inline long cloak_trp_agree(const struct cloak_agree_descriptor *d)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x07, "%0", "%1", "x0") : "=r"(r) : "r"(d) : "memory");
    return r;
}

static inline long cloak_trp_sign(const struct cloak_sign_descriptor *d)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x08, "%0", "%1", "x0") : "=r"(r) : "r"(d) : "memory");
    return r;
}

static inline long cloak_trp_verify(const struct cloak_verify_descriptor *d)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x09, "%0", "%1", "x0") : "=r"(r) : "r"(d) : "memory");
    return r;
}

/* Refused with CLOAK_TRP_NOT_PROTECTED in a plain process (no trap: there is nothing to attest). */
static inline long cloak_trp_attest(const struct cloak_attest_descriptor *d)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x0B, "%0", "%1", "x0") : "=r"(r) : "r"(d) : "memory");
    return r;
}

/* Checks a report held in protected memory against this chip's key: OK, or CLOAK_TRP_WRONG_CHIP,
   CLOAK_TRP_BAD_SIGNATURE, CLOAK_TRP_BAD_DESCRIPTOR (not a report). On OK its fields are the chip's word. */
static inline long cloak_trp_verifyreport(const struct cloak_report *report)
{
    long r;
    __asm__ volatile(CLOAK_TRP_R(0x0C, "%0", "%1", "x0") : "=r"(r) : "r"(report) : "memory");
    return r;
}

#endif
