/*
 * A client of a shared encrypted region: share_client m1|m2|m3|m4|m5 INDEX [signed|attested]
 * (see owner.c). It checks every round the owner writes, answers through the region, and, when
 * removed from an m5 group, shows it can no longer read the data.
 */
#include <stdlib.h>
#include "common.h"

static struct cloak_member *member;

int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: share_client m1|m2|m3|m4|m5 INDEX [signed|attested]\n");
        return 2;
    }
    const char *method = argv[1];
    int index = atoi(argv[2]);
    enum exchange_mode mode = exchange_mode(argc, argv);
    int notified = strcmp(method, "m4") == 0 || strcmp(method, "m5") == 0;
    char who[24];
    snprintf(who, sizeof who, "client %d", index);
    if (index < 1 || index > MAX_CLIENTS) return 2;

    cloak_share_narrate = index == 1;
    int r;
    if ((r = cloak_member_init(&member))) return fail(who, "hidden region", r);
    char name[32];
    snprintf(name, sizeof name, "share.%d", index);
    long channel = cloak_chan_open_wait(name);
    if (channel < 0) return fail(who, "channel", CLOAK_SHARE_E_SYSTEM);

    struct cloak_region shared, notification;
    long segment;
    uint32_t region_id;
    if (!strcmp(method, "m1")) {
        if ((r = cloak_key_given(member, 0, cloak_common_key))) return fail(who, "common key", r);
        if ((r = cloak_region_await(channel, &segment, &region_id, NULL))) return fail(who, "region", r);
    } else if (!notified) {
        if ((r = share_exchange(member, 0, channel, 0, mode))) return fail(who, "key exchange", r);
        if ((r = cloak_region_await(channel, &segment, &region_id, NULL))) return fail(who, "region", r);
    } else {
        if ((r = share_exchange(member, 1, channel, 0, mode))) return fail(who, "pairwise key exchange", r);
        if ((r = cloak_region_await(channel, &segment, &region_id, NULL))) return fail(who, "notification region", r);
        if ((r = cloak_region_map(member, 1, segment, region_id, CLOAK_REGION_NOTIFICATION, &notification))) return fail(who, "map notification region", r);
        if ((r = cloak_receive_key(member, 0, &notification, &segment, &region_id, NULL))) return fail(who, "receive the common key", r);
    }
    if ((r = cloak_region_map(member, 0, segment, region_id, CLOAK_REGION_SHARED, &shared))) return fail(who, "map shared region", r);

    int bad = 0;
    for (;;) {
        struct signal s;
        if (await_signal(channel, &s) != 0) {
            printf("%s: the owner went away\n", who);
            return 2;
        }
        struct layout *data = (struct layout *)shared.base;
        if (s.kind == SIGNAL_FILLED) {
            int b = check_round(data, s.round);
            bad += b;
            if (s.round == 1 && index == 1) show_view(who, data);
            data->replies[index] = (struct reply){ (uint32_t)index, s.round, record_value(s.round, (uint32_t)index) };
            send_signal(channel, SIGNAL_CHECKED, s.round, b, (uint32_t)index);
        } else if (s.kind == SIGNAL_REKEY && s.client == 1) {
            /* Removed from the group: try the new region with the old key. */
            long renewed = (long)s.bad;
            struct cloak_region attempt;
            if ((r = cloak_region_map(member, 0, renewed, region_id, CLOAK_REGION_SHARED, &attempt))) return fail(who, "map the new region", r);
            struct signal next;
            if (await_signal(channel, &next) != 0) return 2;   /* wait until the owner has written round 3 */
            int unreadable = check_round((struct layout *)attempt.base, ROUNDS);
            show_view(who, attempt.base);
            printf("%s: removed from the group; %d of %d records of the new data unreadable with the old key\n", who, unreadable, RECORDS);
            return unreadable == RECORDS ? 0 : 1;
        } else if (s.kind == SIGNAL_REKEY) {
            if ((r = cloak_region_leave(&shared))) return fail(who, "leave the old region", r);
            if ((r = cloak_receive_key(member, 0, &notification, &segment, &region_id, NULL))) return fail(who, "receive the new key", r);
            if ((r = cloak_region_map(member, 0, segment, region_id, CLOAK_REGION_SHARED, &shared))) return fail(who, "map the new region", r);
            printf("%s: re-keyed: the owner's new key arrived through the notification region\n", who);
        } else if (s.kind == SIGNAL_DONE) {
            printf("%s: checked %d rounds, %d bad records\n", who, ROUNDS, bad);
            return bad == 0 ? 0 : 1;
        }
    }
}
