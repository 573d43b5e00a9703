/*
 * What the sharing examples do through a shared region: the owner fills records round by round,
 * every client checks them and writes a record of its own back, and the owner checks those.
 * Also the keys the vendor provisions into the sealed images (zeros in the plain ELF).
 */
#ifndef SHARE_COMMON_H
#define SHARE_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/share.h"

#define ROUNDS 3
#define RECORDS 96
/* The largest group the examples run: ShareScenario.MaxClients on the host side must agree. The
   owner holds one notification region at a time (owner.c), so the chip's EAR table does not limit it. */
#define MAX_CLIENTS 256

struct record { uint32_t round, index; uint64_t value; char text[48]; };
struct reply { uint32_t client, round; uint64_t value; };
struct layout {
    struct record records[RECORDS];
    struct reply replies[MAX_CLIENTS + 1];   /* indexed by client number, 1 to MAX_CLIENTS */
};

/* Keys the vendor puts into the sealed images (cloak seal --provision SYMBOL=FILE, or the demo's
   ShareScenario.Provision); zeros in the plain ELF. provision.c defines them. */
#define PROVISIONED CLOAK_PROVISIONED
extern uint8_t cloak_common_key[CLOAK_KEY_SIZE];
extern uint8_t cloak_signing_key[CLOAK_P256_PRIVATE_SIZE];
extern uint8_t cloak_peer_verification_key[CLOAK_P256_PUBLIC_SIZE];
/* The attested exchange's expected peer measurement; all zeros (the default): the peer must be this
   same sealed program (share_member plays both roles), so nothing needs provisioning. */
extern uint8_t cloak_peer_measurement[32];

/* How the pairwise exchanges are authenticated: not (M2, M4), by provisioned signing keys (M3, "signed"),
   or by attestation reports ("attested"), from the command line's method and last argument. */
enum exchange_mode { EXCHANGE_PLAIN, EXCHANGE_SIGNED, EXCHANGE_ATTESTED };

static inline enum exchange_mode exchange_mode(int argc, char **argv)
{
    if (argc > 3 && strcmp(argv[3], "attested") == 0) return EXCHANGE_ATTESTED;
    if (strcmp(argv[1], "m3") == 0 || (argc > 3 && strcmp(argv[3], "signed") == 0)) return EXCHANGE_SIGNED;
    return EXCHANGE_PLAIN;
}

static inline int share_exchange(struct cloak_member *m, int slot, long channel, int initiator, enum exchange_mode mode)
{
    if (mode == EXCHANGE_ATTESTED) {
        int provisioned = 0;
        for (int i = 0; i < 32; i++) provisioned |= cloak_peer_measurement[i];
        const struct cloak_attestation policy = { provisioned ? cloak_peer_measurement : NULL };
        return cloak_key_exchange_attested(m, slot, channel, initiator, &policy);
    }
    const struct cloak_signing signing = { cloak_signing_key, cloak_peer_verification_key };
    return cloak_key_exchange(m, slot, channel, initiator, mode == EXCHANGE_SIGNED ? &signing : NULL);
}

static inline uint64_t record_value(uint32_t round, uint32_t index)
{
    uint64_t x = ((uint64_t)round << 32 | index) * 0x9E3779B97F4A7C15ull;
    return x ^ (x >> 31);
}

static inline void fill_round(struct layout *l, uint32_t round)
{
    for (uint32_t i = 0; i < RECORDS; i++) {
        l->records[i].round = round;
        l->records[i].index = i;
        l->records[i].value = record_value(round, i);
        snprintf(l->records[i].text, sizeof l->records[i].text, "SECRET record %u of round %u", i, round);
    }
}

/* Number of wrong records for the round. */
static inline int check_round(const struct layout *l, uint32_t round)
{
    int bad = 0;
    for (uint32_t i = 0; i < RECORDS; i++) {
        char text[48];
        snprintf(text, sizeof text, "SECRET record %u of round %u", i, round);
        const struct record *r = &l->records[i];
        if (r->round != round || r->index != i || r->value != record_value(round, i) || strcmp(r->text, text) != 0) bad++;
    }
    return bad;
}

/* The first bytes a process reads from the region, for the demo's side-by-side view. */
static inline void show_view(const char *who, const void *address)
{
    const uint8_t *p = address;
    printf("VIEW %s %lx ", who, (unsigned long)(uintptr_t)address);
    for (int i = 0; i < 32; i++) printf("%02x", p[i]);
    printf("\n");
}

enum { SIGNAL_FILLED = 1, SIGNAL_CHECKED = 2, SIGNAL_REKEY = 3, SIGNAL_DONE = 4 };
struct signal { uint32_t kind, round; int32_t bad; uint32_t client; };

static inline int send_signal(long channel, uint32_t kind, uint32_t round, int32_t bad, uint32_t client)
{
    struct signal s = { kind, round, bad, client };
    return cloak_chan_send(channel, &s, sizeof s) == (long)sizeof s ? 0 : -1;
}

static inline int await_signal(long channel, struct signal *s)
{
    return cloak_chan_recv(channel, s, sizeof *s, 0) == (long)sizeof *s ? 0 : -1;
}

/* Tells the OS's observers which client the owner's next steps concern (the demo names it in its narration). */
static inline void announce_peer(int client)
{
    char text[24];
    snprintf(text, sizeof text, "client %d", client);
    cloak_note("peer", text);
}

/*
 * Exit codes of the examples, which the demo judges by (never by their printed text):
 * 0 shared correctly, 1 the shared data was wrong, 2 a step failed, 3 a signature did not verify
 * or the peer's attestation report was refused (the key exchange was tampered with, and refused).
 */
enum { EXIT_SHARED = 0, EXIT_WRONG_DATA = 1, EXIT_FAILED = 2, EXIT_REFUSED = 3 };

static inline int fail(const char *who, const char *what, int code)
{
    char text[96];
    snprintf(text, sizeof text, "%s: %s", what, cloak_share_error(code));
    cloak_note("share-error", text);
    printf("%s: %s\n", who, text);
    return code == CLOAK_SHARE_E_AUTH || code == CLOAK_SHARE_E_ATTEST ? EXIT_REFUSED : EXIT_FAILED;
}
#endif
