/*
 * Consumer half of the shared-memory example: learns the segment id from the producer's channel,
 * maps the segment (at an address of its own), checks every record of every round, and reports the
 * sum of the values it saw.
 */
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "../producer/records.h"

int main(void)
{
    long channel = cloak_chan_open_wait("prodcons");
    struct message m;
    if (cloak_chan_recv(channel, &m, sizeof m, 0) != sizeof m || m.kind != MSG_SEGMENT) { printf("no segment id\n"); return 1; }
    struct ring *ring = cloak_shm_map((long)m.value, NULL, NULL);
    if (!ring) { printf("map failed\n"); return 1; }
    printf("segment %llu mapped at %p\n", (unsigned long long)m.value, (void *)ring);

    uint64_t sum = 0;
    int bad = 0;
    for (;;) {
        if (cloak_chan_recv(channel, &m, sizeof m, 0) != sizeof m) { printf("channel closed early\n"); return 1; }
        if (m.kind == MSG_DONE) break;
        uint32_t round = (uint32_t)m.value;
        for (uint32_t i = 0; i < RECORDS; i++) {
            const struct record *r = &ring->records[i];
            char text[48];
            snprintf(text, sizeof text, "round %u record %u", round, i);
            if (r->round != round || r->index != i || r->value != record_value(round, i) || strcmp(r->text, text) != 0) bad++;
            sum += r->value;
        }
        struct message ack = { .kind = MSG_CHECKED, .value = round };
        cloak_chan_send(channel, &ack, sizeof ack);
    }
    struct message verdict = { .kind = MSG_VERDICT, .value = sum };
    cloak_chan_send(channel, &verdict, sizeof verdict);
    printf("checked %d rounds, %d bad records\n", ROUNDS, bad);
    cloak_shm_unmap(ring);
    return bad == 0 ? 0 : 1;
}
