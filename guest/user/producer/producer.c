/*
 * Producer half of the shared-memory example: creates a segment and a channel, tells the consumer
 * the segment id over the channel, fills the segment with records in rounds, signalling each round,
 * and waits for the consumer's checksum.
 */
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "records.h"

int main(void)
{
    long segment = cloak_shm_create(sizeof(struct ring));
    long channel = cloak_chan_create("prodcons");
    if (segment < 0 || channel < 0) { printf("setup failed: %ld %ld\n", segment, channel); return 1; }
    struct ring *ring = cloak_shm_map(segment, NULL, NULL);
    if (!ring) { printf("map failed\n"); return 1; }
    printf("segment %ld mapped at %p\n", segment, (void *)ring);

    struct message hello = { .kind = MSG_SEGMENT, .value = (uint64_t)segment };
    cloak_chan_send(channel, &hello, sizeof hello);

    uint64_t expected = 0;
    for (uint32_t round = 0; round < ROUNDS; round++) {
        for (uint32_t i = 0; i < RECORDS; i++) {
            struct record *r = &ring->records[i];
            r->round = round;
            r->index = i;
            r->value = record_value(round, i);
            snprintf(r->text, sizeof r->text, "round %u record %u", round, i);
            expected += r->value;
        }
        struct message filled = { .kind = MSG_FILLED, .value = round };
        cloak_chan_send(channel, &filled, sizeof filled);
        struct message ack;
        if (cloak_chan_recv(channel, &ack, sizeof ack, 0) != sizeof ack || ack.kind != MSG_CHECKED || ack.value != round) {
            printf("round %u: bad acknowledgement\n", round);
            return 1;
        }
    }
    struct message done = { .kind = MSG_DONE, .value = expected };
    cloak_chan_send(channel, &done, sizeof done);
    struct message verdict;
    cloak_chan_recv(channel, &verdict, sizeof verdict, 0);
    printf("consumer checksum %s (0x%llx)\n", verdict.value == expected ? "matches" : "DIFFERS", (unsigned long long)expected);
    cloak_shm_unmap(ring);
    cloak_shm_destroy(segment);
    return verdict.value == expected ? 0 : 1;
}
