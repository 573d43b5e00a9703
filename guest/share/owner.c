/*
 * The owner of a shared encrypted region, for every sharing method:
 *   share_owner m1|m2|m3|m4|m5 CLIENTS [signed|attested]
 * m1: common key given in advance (claims 1-2); m2: key exchange (claims 3-5, 7); m3: signed key
 * exchange (claim 6); m4: common key notified to each client through a pairwise-keyed notification
 * region (claims 8-9), signed exchanges with "signed"; any exchange attested by the chip instead with
 * "attested" (m3 attested: claim 6's variant without signing keys, docs/attestation.md); m5: m4, then the last client is removed:
 * fresh key, region re-encrypted, new key to the others only.
 * The owner sets up, uses and leaves one client's notification region before the next client's
 * (claim 8(d) asks for a region per client, not for all of them at once), so it holds at most one
 * notification EAR entry whatever the group size; the segments stay, and m5 maps each again with
 * its pairwise key to notify the new key.
 * It fills records round by round; clients check them and answer through the region.
 */
#include <stdlib.h>
#include "common.h"

static struct cloak_member *member;
static long channels[MAX_CLIENTS + 1];
static struct cloak_region shared;
/* Where each client's notification region is (segment and region id, not secret); not mapped between uses. */
static struct { long segment; uint32_t region_id; } notification[MAX_CLIENTS + 1];

/* Client i's notification region: made (first time) or mapped again under pairwise key slot i,
   written with the common key in `slot` and where the shared region is, then left: the owner's EAR
   entry and mapping go, the segment stays for the client. */
static int notify(int i, int slot, int first)
{
    struct cloak_region region;
    int r = first ? cloak_region_create(member, i, 4096, CLOAK_REGION_NOTIFICATION, &region)
                  : cloak_region_map(member, i, notification[i].segment, notification[i].region_id, CLOAK_REGION_NOTIFICATION, &region);
    if (r) return fail("owner", "notification region", r);
    if ((r = cloak_notify_key(member, slot, &shared, &region))) return fail("owner", "notify", r);
    if (first) {
        notification[i].segment = region.segment;
        notification[i].region_id = region.region_id;
        if (cloak_region_announce(channels[i], &region)) return fail("owner", "announce the notification region", CLOAK_SHARE_E_SYSTEM);
    }
    if ((r = cloak_region_leave(&region))) return fail("owner", "leave the notification region", r);
    return 0;
}

static int signal_all(int clients, uint32_t kind, uint32_t round, int skip)
{
    for (int i = 1; i <= clients; i++)
        if (i != skip && send_signal(channels[i], kind, round, 0, 0) != 0) return -1;
    return 0;
}

static int collect(int clients, uint32_t round, int skip)
{
    int bad = 0;
    for (int i = 1; i <= clients; i++) {
        if (i == skip) continue;
        struct signal s;
        if (await_signal(channels[i], &s) != 0 || s.kind != SIGNAL_CHECKED || s.round != round) {
            printf("owner: client %d did not answer round %u\n", i, round);
            return -1;
        }
        bad += s.bad;
    }
    return bad;
}

/* m5: a fresh key (slot CLOAK_KEY_SLOTS - 1), a new region with the data re-encrypted under it, and
   the new key to every client but `removed`, through its notification region. */
static int revoke(int clients, int removed)
{
    const int fresh = CLOAK_KEY_SLOTS - 1;
    struct cloak_region renewed;
    int r;
    printf("owner: removing client %d from the group\n", removed);
    if ((r = cloak_key_generate(member, fresh))) return fail("owner", "new common key", r);
    if ((r = cloak_region_create(member, fresh, shared.size, CLOAK_REGION_SHARED, &renewed))) return fail("owner", "new region", r);
    memcpy(renewed.base, shared.base, shared.size);
    printf("owner: region re-encrypted under the new key (segment %ld)\n", renewed.segment);
    if ((r = cloak_region_leave(&shared))) return fail("owner", "leave the old region", r);
    cloak_shm_destroy(shared.segment);
    shared = renewed;
    for (int i = 1; i <= clients; i++) {
        if (i == removed) continue;
        announce_peer(i);
        if ((r = notify(i, fresh, 0))) return r;
        if (send_signal(channels[i], SIGNAL_REKEY, 0, 0, 0) != 0) return 2;
    }
    /* The removed client learns where the new region is (the OS knows it anyway), not its key. */
    struct signal s = { SIGNAL_REKEY, 0, (int32_t)shared.segment, 1 };
    cloak_chan_send(channels[removed], &s, sizeof s);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: share_owner m1|m2|m3|m4|m5 CLIENTS [signed|attested]\n");
        return 2;
    }
    const char *method = argv[1];
    int clients = atoi(argv[2]);
    enum exchange_mode mode = exchange_mode(argc, argv);
    int notified = strcmp(method, "m4") == 0 || strcmp(method, "m5") == 0;
    if (clients < 1 || clients > MAX_CLIENTS || ((!strcmp(method, "m2") || !strcmp(method, "m3")) && clients != 1)) {
        if (notified || !strcmp(method, "m1")) printf("owner: %s needs 1-%d clients\n", method, MAX_CLIENTS);
        else printf("owner: %s needs one client\n", method);
        return 2;
    }
    cloak_share_narrate = 1;
    int r;
    if ((r = cloak_member_init(&member))) return fail("owner", "hidden region", r);
    for (int i = 1; i <= clients; i++) {
        char name[32];
        snprintf(name, sizeof name, "share.%d", i);
        if ((channels[i] = cloak_chan_create(name)) < 0) return fail("owner", "channel", CLOAK_SHARE_E_SYSTEM);
    }

    if (!strcmp(method, "m1")) {
        if ((r = cloak_key_given(member, 0, cloak_common_key))) return fail("owner", "common key", r);
        if ((r = cloak_region_create(member, 0, sizeof(struct layout), CLOAK_REGION_SHARED, &shared))) return fail("owner", "shared region", r);
        for (int i = 1; i <= clients; i++) cloak_region_announce(channels[i], &shared);
    } else if (!notified) {
        announce_peer(1);
        if ((r = share_exchange(member, 0, channels[1], 1, mode))) return fail("owner", "key exchange", r);
        if ((r = cloak_region_create(member, 0, sizeof(struct layout), CLOAK_REGION_SHARED, &shared))) return fail("owner", "shared region", r);
        cloak_region_announce(channels[1], &shared);
    } else {
        if ((r = cloak_key_generate(member, 0))) return fail("owner", "common key", r);
        if ((r = cloak_region_create(member, 0, sizeof(struct layout), CLOAK_REGION_SHARED, &shared))) return fail("owner", "shared region", r);
        for (int i = 1; i <= clients; i++) {
            announce_peer(i);
            if ((r = share_exchange(member, i, channels[i], 1, mode))) return fail("owner", "pairwise key exchange", r);
            if ((r = notify(i, 0, 1))) return r;
        }
    }
    printf("owner: %s group of %d client(s) set up; shared region at %p\n", method, clients, (void *)shared.base);

    struct layout *data = (struct layout *)shared.base;
    int removed = !strcmp(method, "m5") ? clients : 0;
    int bad = 0;
    for (uint32_t round = 1; round <= ROUNDS; round++) {
        if (removed && round == 2 && (r = revoke(clients, removed))) return r;
        data = (struct layout *)shared.base;
        fill_round(data, round);
        if (round == 1) show_view("owner", data);
        if (signal_all(clients, SIGNAL_FILLED, round, removed && round >= 2 ? removed : 0) != 0) return 2;
        int b = collect(clients, round, removed && round >= 2 ? removed : 0);
        if (b < 0) return 2;
        bad += b;
    }
    int replies = 0;
    for (int i = 1; i <= clients; i++)
        if (data->replies[i].client == (uint32_t)i && data->replies[i].value == record_value(ROUNDS, (uint32_t)i)) replies++;
    signal_all(clients, SIGNAL_DONE, ROUNDS, 0);
    int expected = removed ? clients - 1 : clients;
    printf("owner: %d rounds, %d bad records seen by clients, %d of %d client replies read back\n", ROUNDS, bad, replies, expected);
    if (bad == 0 && replies == expected) {
        printf("RESULT shared correctly\n");
        return 0;
    }
    printf("RESULT sharing failed\n");
    return 1;
}
