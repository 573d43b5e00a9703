/*
 * The sharing methods of the patent (guest side). See include/cloak/share.h for the map from
 * functions to claim steps and docs/claims.md for the whole table. Threat: the OS relays every
 * message and maps every page; what it must never get is a key. Keys are made by the chip
 * (trp.random, trp.agree) straight into the hidden region, copied only between protected regions,
 * and handed to the chip through the EAR descriptor that lives in the hidden region too.
 */
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/share.h"

int cloak_share_narrate;

#define MESSAGE_MAGIC 0x314B4C43u /* "CLK1" */
enum { MSG_HELLO = 1, MSG_SIGNATURE = 2, MSG_REGION = 3, MSG_REPORT = 4 };

struct msg_header { uint32_t magic, kind, role, reserved; };
struct msg_hello { struct msg_header h; uint8_t public_key[CLOAK_P256_PUBLIC_SIZE]; uint8_t nonce[32]; };
struct msg_signature { struct msg_header h; uint8_t signature[CLOAK_P256_SIGNATURE_SIZE]; };
struct msg_report { struct msg_header h; struct cloak_report report; };
struct msg_region { struct msg_header h; int64_t segment; uint64_t size; uint32_t region_id; uint32_t reserved; };

#define TRANSCRIPT_LABEL "cloak key exchange v1"
#define LABEL_LENGTH (sizeof TRANSCRIPT_LABEL - 1)
#define TRANSCRIPT_LENGTH (LABEL_LENGTH + 2 * (CLOAK_P256_PUBLIC_SIZE + 32))

/* What a notification region carries. */
struct notification {
    uint32_t magic;
    uint32_t region_id;
    int64_t segment;
    uint64_t size;
    uint8_t key[CLOAK_KEY_SIZE];
};

/* The hidden region's contents: every key and all key-exchange data (claims 3(f), 9(d5)). */
struct cloak_member {
    struct cloak_ear_descriptor ear;
    struct cloak_keypair_descriptor keypair;
    struct cloak_agree_descriptor agree;
    struct cloak_sign_descriptor sign;
    struct cloak_verify_descriptor verify;
    uint8_t private_key[CLOAK_P256_PRIVATE_SIZE];
    uint8_t public_key[CLOAK_P256_PUBLIC_SIZE];
    uint8_t peer_public[CLOAK_P256_PUBLIC_SIZE];
    uint8_t nonce[32];
    uint8_t peer_nonce[32];
    uint8_t transcript[TRANSCRIPT_LENGTH + 1];
    uint8_t signature[CLOAK_P256_SIGNATURE_SIZE];
    uint8_t peer_signature[CLOAK_P256_SIGNATURE_SIZE];
    uint8_t verification_key[CLOAK_P256_PUBLIC_SIZE];
    uint8_t signing_key[CLOAK_P256_PRIVATE_SIZE];
    uint32_t random_id;
    struct cloak_attest_descriptor attest;
    struct cloak_report report;
    struct cloak_report peer_report;
    uint8_t expected_measurement[32];
    uint8_t keys[CLOAK_KEY_SLOTS][CLOAK_KEY_SIZE];
    uint8_t key_set[CLOAK_KEY_SLOTS];
};

#define HIDDEN_SIZE ((sizeof(struct cloak_member) + 4095) & ~(size_t)4095)

static void step(const char *claim, const char *text)
{
    /* Every step is announced to the OS's observers (traces, reports); printed only when narrating. */
    char topic[32] = "claim ";
    strncat(topic, claim, sizeof topic - 7);
    cloak_note(topic, text);
    if (cloak_share_narrate) printf("[claim %s] %s\n", claim, text);
}

const char *cloak_share_error(int code)
{
    switch (code) {
    case CLOAK_SHARE_OK: return "ok";
    case CLOAK_SHARE_E_SYSTEM: return "a system call failed";
    case CLOAK_SHARE_E_CHIP: return "the chip refused a TRP instruction";
    case CLOAK_SHARE_E_PROTOCOL: return "an unexpected or malformed message";
    case CLOAK_SHARE_E_AUTH: return "a signature did not verify: the key exchange was tampered with";
    case CLOAK_SHARE_E_NOT_PROTECTED: return "not running in encrypted execution mode";
    case CLOAK_SHARE_E_RANGE: return "a key slot or size out of range";
    case CLOAK_SHARE_E_ATTEST: return "the peer's attestation report was refused";
    case CLOAK_SHARE_E_EAR_FULL: return "the chip's encrypted attribute register table is full";
    case CLOAK_SHARE_E_KEY_TABLE_FULL: return "the chip's key table is full";
    default: return "unknown error";
    }
}

static void wipe(volatile uint8_t *p, size_t n) { while (n--) *p++ = 0; }

/* A refused EAR setting in words: a full table is a limit of the chip (docs/cli.md --ear-entries), not a bug. */
static int chip_refusal(long status)
{
    return status == CLOAK_TRP_EAR_FULL ? CLOAK_SHARE_E_EAR_FULL
         : status == CLOAK_TRP_KEY_TABLE_FULL ? CLOAK_SHARE_E_KEY_TABLE_FULL : CLOAK_SHARE_E_CHIP;
}

int cloak_member_init(struct cloak_member **member)
{
    if (!cloak_encrypted()) return CLOAK_SHARE_E_NOT_PROTECTED;
    struct cloak_member *m = cloak_mmap(HIDDEN_SIZE);
    if (!m) return CLOAK_SHARE_E_SYSTEM;
    long status = cloak_trp_hidden(m, HIDDEN_SIZE);
    if (status != CLOAK_TRP_OK) return chip_refusal(status);
    step("3(b)/9(d1)", "this process made its hidden data region: encrypted under a key the chip generated and never exposes");
    *member = m;
    return CLOAK_SHARE_OK;
}

static int valid_slot(int slot) { return slot >= 0 && slot < CLOAK_KEY_SLOTS; }

int cloak_key_given(struct cloak_member *m, int slot, const uint8_t key[CLOAK_KEY_SIZE])
{
    if (!valid_slot(slot)) return CLOAK_SHARE_E_RANGE;
    memcpy(m->keys[slot], key, CLOAK_KEY_SIZE);
    m->key_set[slot] = 1;
    step("1(a)", "the common key was given in advance, inside this sealed image; kept in the hidden region");
    return CLOAK_SHARE_OK;
}

int cloak_key_generate(struct cloak_member *m, int slot)
{
    if (!valid_slot(slot)) return CLOAK_SHARE_E_RANGE;
    if (cloak_trp_random(m->keys[slot], CLOAK_KEY_SIZE) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    m->key_set[slot] = 1;
    step("8(c)", "the owner specified the common key: random bytes from the chip, straight into its hidden region");
    return CLOAK_SHARE_OK;
}

static int send_hello(struct cloak_member *m, long channel, int role)
{
    struct msg_hello hello = { { MESSAGE_MAGIC, MSG_HELLO, (uint32_t)role, 0 }, {0}, {0} };
    memcpy(hello.public_key, m->public_key, sizeof hello.public_key);
    memcpy(hello.nonce, m->nonce, sizeof hello.nonce);
    return cloak_chan_send(channel, &hello, sizeof hello) == (long)sizeof hello ? CLOAK_SHARE_OK : CLOAK_SHARE_E_SYSTEM;
}

static int receive(long channel, void *message, size_t size, uint32_t kind)
{
    long n = cloak_chan_recv(channel, message, size, 0);
    if (n < 0) return CLOAK_SHARE_E_SYSTEM;
    const struct msg_header *h = message;
    if ((size_t)n != size || h->magic != MESSAGE_MAGIC || h->kind != kind) return CLOAK_SHARE_E_PROTOCOL;
    return CLOAK_SHARE_OK;
}

/* transcript = label || initiator public || initiator nonce || responder public || responder nonce */
static void build_transcript(struct cloak_member *m, int initiator)
{
    uint8_t *t = m->transcript;
    memcpy(t, TRANSCRIPT_LABEL, LABEL_LENGTH);
    t += LABEL_LENGTH;
    const uint8_t *first_key = initiator ? m->public_key : m->peer_public, *first_nonce = initiator ? m->nonce : m->peer_nonce;
    const uint8_t *second_key = initiator ? m->peer_public : m->public_key, *second_nonce = initiator ? m->peer_nonce : m->nonce;
    memcpy(t, first_key, CLOAK_P256_PUBLIC_SIZE); t += CLOAK_P256_PUBLIC_SIZE;
    memcpy(t, first_nonce, 32); t += 32;
    memcpy(t, second_key, CLOAK_P256_PUBLIC_SIZE); t += CLOAK_P256_PUBLIC_SIZE;
    memcpy(t, second_nonce, 32);
}

static int sign_transcript(struct cloak_member *m, char role)
{
    m->transcript[TRANSCRIPT_LENGTH] = (uint8_t)role;
    m->sign = (struct cloak_sign_descriptor){ m->signing_key, m->transcript, TRANSCRIPT_LENGTH + 1, m->signature };
    return cloak_trp_sign(&m->sign) == CLOAK_TRP_OK ? CLOAK_SHARE_OK : CLOAK_SHARE_E_CHIP;
}

static int verify_transcript(struct cloak_member *m, char role)
{
    m->transcript[TRANSCRIPT_LENGTH] = (uint8_t)role;
    m->verify = (struct cloak_verify_descriptor){ m->verification_key, m->transcript, TRANSCRIPT_LENGTH + 1, m->peer_signature };
    long status = cloak_trp_verify(&m->verify);
    if (status == CLOAK_TRP_BAD_SIGNATURE) return CLOAK_SHARE_E_AUTH;
    return status == CLOAK_TRP_OK ? CLOAK_SHARE_OK : CLOAK_SHARE_E_CHIP;
}

static int exchange_signatures(struct cloak_member *m, long channel, int initiator)
{
    struct msg_signature out = { { MESSAGE_MAGIC, MSG_SIGNATURE, (uint32_t)initiator, 0 }, {0} }, in;
    int r;
    /* The responder signs first; the initiator verifies, then signs. */
    if (!initiator) {
        if ((r = sign_transcript(m, 'R'))) return r;
        memcpy(out.signature, m->signature, sizeof out.signature);
        if (cloak_chan_send(channel, &out, sizeof out) != (long)sizeof out) return CLOAK_SHARE_E_SYSTEM;
        if ((r = receive(channel, &in, sizeof in, MSG_SIGNATURE))) return r;
        memcpy(m->peer_signature, in.signature, sizeof in.signature);
        return verify_transcript(m, 'I');
    }
    if ((r = receive(channel, &in, sizeof in, MSG_SIGNATURE))) return r;
    memcpy(m->peer_signature, in.signature, sizeof in.signature);
    if ((r = verify_transcript(m, 'R'))) return r;
    if ((r = sign_transcript(m, 'I'))) return r;
    memcpy(out.signature, m->signature, sizeof out.signature);
    return cloak_chan_send(channel, &out, sizeof out) == (long)sizeof out ? CLOAK_SHARE_OK : CLOAK_SHARE_E_SYSTEM;
}

static const char *refusal = "";

const char *cloak_attest_refusal(void) { return refusal; }

/* Refuses the peer's report: says why to the OS's observers and in the narration. */
static int refuse(const char *why)
{
    refusal = why;
    cloak_note("attest-refused", why);
    char text[160] = "the peer's attestation report was REFUSED: ";
    strncat(text, why, sizeof text - strlen(text) - 1);
    step("6 (attested)", text);
    return CLOAK_SHARE_E_ATTEST;
}

/*
 * Each side has the chip sign a report binding its exchange public key (user data) to its measurement
 * and to the peer's nonce, sends it, and checks the peer's: signed by this chip (trp.verifyreport),
 * not debuggable, the expected program, our own fresh nonce, and the very key the peer's HELLO carried.
 * Both send before they receive, so neither waits on the other.
 */
static int exchange_reports(struct cloak_member *m, long channel, int initiator, const struct cloak_attestation *policy)
{
    m->attest = (struct cloak_attest_descriptor){ m->peer_nonce, m->public_key, &m->report };
    if (cloak_trp_attest(&m->attest) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    step("6 (attested)", "the chip signed a report binding this process's exchange key to its measurement and the peer's nonce");
    struct msg_report out = { { MESSAGE_MAGIC, MSG_REPORT, (uint32_t)initiator, 0 }, m->report }, in;
    if (cloak_chan_send(channel, &out, sizeof out) != (long)sizeof out) return CLOAK_SHARE_E_SYSTEM;
    int r = receive(channel, &in, sizeof in, MSG_REPORT);
    if (r) return r;
    memcpy(&m->peer_report, &in.report, sizeof m->peer_report);
    /* Checked in the hidden region, where the OS cannot change it after the chip's check. */
    long status = cloak_trp_verifyreport(&m->peer_report);
    if (status == CLOAK_TRP_WRONG_CHIP) return refuse("made by another chip");
    if (status == CLOAK_TRP_BAD_SIGNATURE) return refuse("its signature does not verify under this chip's key");
    if (status == CLOAK_TRP_BAD_DESCRIPTOR) return refuse("not a report of a format this chip knows");
    if (status != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    memcpy(m->expected_measurement, policy && policy->peer_measurement ? policy->peer_measurement : m->report.measurement, 32);
    if (m->peer_report.flags & CLOAK_REPORT_FLAG_DEBUGGABLE) return refuse("the peer runs a debuggable image");
    if (memcmp(m->peer_report.measurement, m->expected_measurement, 32) != 0) return refuse("the peer is a different program (measurement)");
    if (memcmp(m->peer_report.nonce, m->nonce, sizeof m->nonce) != 0) return refuse("not fresh: it answers another nonce than this process's (a replayed report)");
    if (memcmp(m->peer_report.user_data, m->peer_public, CLOAK_P256_PUBLIC_SIZE) != 0)
        return refuse("it binds another exchange key than the one received (a key replaced in transit)");
    step("6 (attested)", "verified the peer's report: this chip's signature, the expected program, not debuggable, this process's nonce, the key it sent");
    return CLOAK_SHARE_OK;
}

static int exchange(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_signing *signing,
                    const struct cloak_attestation *attestation, int attested);

int cloak_key_exchange(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_signing *signing)
{
    return exchange(m, slot, channel, initiator, signing, NULL, 0);
}

int cloak_key_exchange_attested(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_attestation *policy)
{
    return exchange(m, slot, channel, initiator, NULL, policy, 1);
}

static int exchange(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_signing *signing,
                    const struct cloak_attestation *attestation, int attested)
{
    int r;
    if (!valid_slot(slot)) return CLOAK_SHARE_E_RANGE;
    m->keypair = (struct cloak_keypair_descriptor){ 1, 0, m->private_key, m->public_key };
    if (cloak_trp_keypair(&m->keypair) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    if (cloak_trp_random(m->nonce, sizeof m->nonce) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    step("3(c)/9(d2)", "generated this process's key pair in the chip's public-key unit; the private key stays in the hidden region");

    /* The initiator speaks first; each side sends its public key and a fresh nonce over the channel. */
    struct msg_hello hello;
    if (initiator && (r = send_hello(m, channel, 1))) return r;
    if ((r = receive(channel, &hello, sizeof hello, MSG_HELLO))) return r;
    if (!initiator && (r = send_hello(m, channel, 0))) return r;
    memcpy(m->peer_public, hello.public_key, sizeof m->peer_public);
    memcpy(m->peer_nonce, hello.nonce, sizeof m->peer_nonce);
    step("3(c)/9(d2)", "exchanged public keys and nonces with the peer over an OS channel");
    build_transcript(m, initiator);

    if (signing) {
        memcpy(m->signing_key, signing->own_private, sizeof m->signing_key);
        memcpy(m->verification_key, signing->peer_public, sizeof m->verification_key);
        r = exchange_signatures(m, channel, initiator);
        wipe(m->signing_key, sizeof m->signing_key);
        if (r) {
            /* No key may come of a refused exchange: the private half goes now, not at the next agree. */
            wipe(m->private_key, sizeof m->private_key);
            step("6", "the peer's signature over the exchange did NOT verify: the exchange was tampered with; no key, no region");
            return r;
        }
        step("6", "verified the peer's signature over both public keys and nonces with the key from this sealed image");
    }
    if (attested && (r = exchange_reports(m, channel, initiator, attestation))) {
        wipe(m->private_key, sizeof m->private_key);
        return r;
    }

    m->agree = (struct cloak_agree_descriptor){ m->private_key, m->peer_public, m->transcript, TRANSCRIPT_LENGTH, m->keys[slot], CLOAK_KEY_SIZE };
    long status = cloak_trp_agree(&m->agree);
    wipe(m->private_key, sizeof m->private_key);
    if (status != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    m->key_set[slot] = 1;
    step(signing ? "3(d)/6" : attested ? "3(d)/6 (attested)" : "3(d)/9(d3)",
         signing || attested ? "derived the common key, authenticated by the verification, into the hidden region"
                             : "derived the common key (ECDH + HKDF over the transcript) into the hidden region");
    step("3(f)/9(d5)", "the key-exchange data and the common key are stored in the hidden region only");
    return CLOAK_SHARE_OK;
}

static int install(struct cloak_member *m, int slot, uint8_t *base, uint64_t size, uint32_t region_id, uint32_t kind)
{
    m->ear = (struct cloak_ear_descriptor){ (uint64_t)(uintptr_t)base, size, region_id, (uint8_t)kind,
                                            CLOAK_PERM_READ | CLOAK_PERM_WRITE, CLOAK_EAR_FRESH_IS_ZERO, 0, {0} };
    memcpy(m->ear.key, m->keys[slot], CLOAK_KEY_SIZE);
    long status = cloak_trp_earset(&m->ear);
    wipe(m->ear.key, sizeof m->ear.key);
    return status == CLOAK_TRP_OK ? CLOAK_SHARE_OK : chip_refusal(status);
}

int cloak_region_create(struct cloak_member *m, int slot, uint64_t size, uint32_t kind, struct cloak_region *out)
{
    if (!valid_slot(slot) || !m->key_set[slot] || size == 0 || size > (1ull << 30)) return CLOAK_SHARE_E_RANGE;
    size = (size + 4095) & ~(uint64_t)4095;
    long segment = cloak_shm_create(size);
    if (segment < 0) return CLOAK_SHARE_E_SYSTEM;
    uint8_t *base = cloak_shm_map(segment, NULL, NULL);
    if (!base) return CLOAK_SHARE_E_SYSTEM;
    do {
        if (cloak_trp_random(&m->random_id, sizeof m->random_id) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    } while (m->random_id == 0);
    int r = install(m, slot, base, size, m->random_id, kind);
    if (r) return r;
    *out = (struct cloak_region){ base, size, segment, m->random_id, kind };
    if (kind == CLOAK_REGION_NOTIFICATION)
        step("9(d4)", "made a key notification region valid only under the pairwise key, shared with one client");
    else
        step("1(c)/3(e)/4/8(b)", "the owner made the shared region in its own process space, valid only under the common key");
    step("1(e)/5/8(g)", "set this process's encrypted attribute register: region address -> common key (the OS sees only ciphertext)");
    return CLOAK_SHARE_OK;
}

int cloak_region_map(struct cloak_member *m, int slot, long segment, uint32_t region_id, uint32_t kind, struct cloak_region *out)
{
    if (!valid_slot(slot) || !m->key_set[slot]) return CLOAK_SHARE_E_RANGE;
    size_t size = 0;
    uint8_t *base = cloak_shm_map(segment, &size, NULL);
    if (!base) return CLOAK_SHARE_E_SYSTEM;
    size = (size + 4095) & ~(size_t)4095;
    int r = install(m, slot, base, size, region_id, kind);
    if (r) return r;
    *out = (struct cloak_region){ base, size, segment, region_id, kind };
    step(kind == CLOAK_REGION_NOTIFICATION ? "9(d4)" : "1(d)/4/8(f)",
         kind == CLOAK_REGION_NOTIFICATION ? "mapped the owner's key notification region into this process space"
                                           : "mapped the owner's shared region into this process space (at an address of its own)");
    step("1(e)/5/8(g)", "set this process's encrypted attribute register for it");
    return CLOAK_SHARE_OK;
}

int cloak_region_leave(struct cloak_region *region)
{
    if (cloak_trp_earclear(region->base) != CLOAK_TRP_OK) return CLOAK_SHARE_E_CHIP;
    if (cloak_shm_unmap(region->base) != 0) return CLOAK_SHARE_E_SYSTEM;
    region->base = NULL;
    return CLOAK_SHARE_OK;
}

int cloak_region_announce(long channel, const struct cloak_region *region)
{
    struct msg_region message = { { MESSAGE_MAGIC, MSG_REGION, 0, 0 }, region->segment, region->size, region->region_id, 0 };
    return cloak_chan_send(channel, &message, sizeof message) == (long)sizeof message ? CLOAK_SHARE_OK : CLOAK_SHARE_E_SYSTEM;
}

int cloak_region_await(long channel, long *segment, uint32_t *region_id, uint64_t *size)
{
    struct msg_region message;
    int r = receive(channel, &message, sizeof message, MSG_REGION);
    if (r) return r;
    *segment = (long)message.segment;
    *region_id = message.region_id;
    if (size) *size = message.size;
    return CLOAK_SHARE_OK;
}

int cloak_notify_key(struct cloak_member *m, int slot, const struct cloak_region *shared, struct cloak_region *notification)
{
    if (!valid_slot(slot) || !m->key_set[slot]) return CLOAK_SHARE_E_RANGE;
    struct notification *n = (struct notification *)notification->base;
    n->region_id = shared->region_id;
    n->segment = shared->segment;
    n->size = shared->size;
    memcpy(n->key, m->keys[slot], CLOAK_KEY_SIZE);
    n->magic = MESSAGE_MAGIC;
    step("8(e)", "the owner wrote the common key into this client's key notification region (encrypted under their pairwise key)");
    return CLOAK_SHARE_OK;
}

int cloak_receive_key(struct cloak_member *m, int slot, const struct cloak_region *notification, long *segment, uint32_t *region_id, uint64_t *size)
{
    if (!valid_slot(slot)) return CLOAK_SHARE_E_RANGE;
    const struct notification *n = (const struct notification *)notification->base;
    if (n->magic != MESSAGE_MAGIC) return CLOAK_SHARE_E_PROTOCOL;
    memcpy(m->keys[slot], n->key, CLOAK_KEY_SIZE);
    m->key_set[slot] = 1;
    *segment = (long)n->segment;
    *region_id = n->region_id;
    if (size) *size = n->size;
    step("8(e)", "read the common key from the key notification region into the hidden region");
    return CLOAK_SHARE_OK;
}
