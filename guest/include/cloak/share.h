/*
 * libcloak's sharing methods: how protected processes share an encrypted region on Cloak's
 * tamper-resistant chip (docs/claims.md maps every claim step to these functions).
 *
 * Building blocks, each one a step of the patent's claims (the step is printed when
 * cloak_share_narrate is set, as "[claim N(x)] ..." lines):
 *   cloak_member_init        hidden data region of this process (claims 3(b), 9(d1))
 *   cloak_key_given          a common key given in advance, from the sealed image (claim 1)
 *   cloak_key_generate       the owner specifies a common key (claim 8(c))
 *   cloak_key_exchange       key pairs, exchange over a channel, common key derivation, all kept in
 *                            the hidden region (claims 3(c)(d)(f), 9(d2)(d3)(d5)); with signing keys
 *                            the exchange is authenticated (claim 6)
 *   cloak_key_exchange_attested  the same exchange authenticated by the chip instead of provisioned
 *                            signing keys: each side binds its exchange key into an attestation report
 *                            (trp.attest) and checks the peer's (a variant of claim 6, docs/attestation.md)
 *   cloak_region_create      the owner makes a region valid only under a key in its own space and
 *                            sets its EAR entry (claims 1, 3(e), 4, 5, 8(b), 9(d4))
 *   cloak_region_map         a client maps the owner's region and sets its own EAR entry
 *                            (claims 1, 4, 5, 8(f)(g))
 *   cloak_notify_key         the owner writes a common key into a notification region (claim 8(e))
 *   cloak_receive_key        a client takes the common key from its notification region
 * Keys live only in the hidden region (encrypted memory whose key the chip made) and are handed to
 * the chip through descriptors there: they never pass through memory the OS can read.
 */
#ifndef CLOAK_SHARE_H
#define CLOAK_SHARE_H

#include <stddef.h>
#include <stdint.h>
#include "cloak/trp.h"

/* Results (0 = success). */
#define CLOAK_SHARE_OK              0
#define CLOAK_SHARE_E_SYSTEM       -1   /* a system call failed */
#define CLOAK_SHARE_E_CHIP         -2   /* the chip refused a TRP instruction */
#define CLOAK_SHARE_E_PROTOCOL     -3   /* an unexpected or malformed message */
#define CLOAK_SHARE_E_AUTH         -4   /* a signature did not verify: the exchange was tampered with */
#define CLOAK_SHARE_E_NOT_PROTECTED -5  /* not running in encrypted execution mode */
#define CLOAK_SHARE_E_RANGE        -6   /* a key slot or size out of range */
#define CLOAK_SHARE_E_ATTEST       -7   /* the peer's attestation report was refused */
#define CLOAK_SHARE_E_EAR_FULL     -8   /* every encrypted attribute register of this process is in use */
#define CLOAK_SHARE_E_KEY_TABLE_FULL -9 /* the chip's key table has no free slot */

/* Key slots in a member's hidden region: an M4/M5 owner keeps one pairwise key per client (up to
   256, guest/share/common.h) besides the common key and a fresh one for re-keying. */
#define CLOAK_KEY_SLOTS 260

/* One member's view of a shared (or notification) region. */
struct cloak_region {
    uint8_t *base;
    uint64_t size;
    long segment;
    uint32_t region_id;
    uint32_t kind;
};

/* Signing material for an authenticated exchange (M3): this process's private signing key and
   the peer's public verification key, both provisioned inside the sealed images. */
struct cloak_signing {
    const uint8_t *own_private;   /* 32 bytes, in protected memory */
    const uint8_t *peer_public;   /* 64 bytes, in protected memory */
};

/* Policy for an attested exchange: the measurement the peer's report must carry. NULL: this process's
   own measurement (both sides run one sealed program). A debuggable peer is always refused. */
struct cloak_attestation {
    const uint8_t *peer_measurement;  /* 32 bytes, in protected memory, or NULL */
};

struct cloak_member;

/* Print each claim step as it happens ("[claim 8(b)] ..."). */
extern int cloak_share_narrate;

const char *cloak_share_error(int code);

int cloak_member_init(struct cloak_member **member);
int cloak_key_given(struct cloak_member *m, int slot, const uint8_t key[CLOAK_KEY_SIZE]);
int cloak_key_generate(struct cloak_member *m, int slot);
/* initiator = 1 on the owner's side. signing = NULL for the unauthenticated exchange (M2). */
int cloak_key_exchange(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_signing *signing);
/* The exchange authenticated by attestation reports (no signing keys): refused with
   CLOAK_SHARE_E_ATTEST when the peer's report is not this chip's, names another program or a
   debuggable one, is not fresh (carries another nonce than ours) or binds another key than the peer sent.
   cloak_attest_refusal() then says which. */
int cloak_key_exchange_attested(struct cloak_member *m, int slot, long channel, int initiator, const struct cloak_attestation *policy);
const char *cloak_attest_refusal(void);
int cloak_region_create(struct cloak_member *m, int slot, uint64_t size, uint32_t kind, struct cloak_region *out);
int cloak_region_map(struct cloak_member *m, int slot, long segment, uint32_t region_id, uint32_t kind, struct cloak_region *out);
/* Leaves a region: clears the EAR entry (cached lines go back encrypted) and unmaps it. The segment
   stays until its creator destroys it, so an owner may leave a notification region its client has
   yet to map, and map it again later (cloak_region_map with the pairwise key) to notify a new key. */
int cloak_region_leave(struct cloak_region *region);
/* Tells a peer where a region is (segment id and region id are not secret), or learns it. */
int cloak_region_announce(long channel, const struct cloak_region *region);
int cloak_region_await(long channel, long *segment, uint32_t *region_id, uint64_t *size);
/* The owner writes key slot `slot` and the shared region's location into a notification region;
   a client reads them back into its own slot. */
int cloak_notify_key(struct cloak_member *m, int slot, const struct cloak_region *shared, struct cloak_region *notification);
int cloak_receive_key(struct cloak_member *m, int slot, const struct cloak_region *notification, long *segment, uint32_t *region_id, uint64_t *size);

#endif
