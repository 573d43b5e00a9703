/*
 * Two sealed processes that use one shared-memory segment under the same region id but different
 * keys (SPEC R3: "or garbage (with a wrong key), never the plaintext"). Both keys are in the sealed
 * image; the role picks one.
 *
 *   shared_key writer  creates a segment and the channel "wrongkey", sets an EAR entry for the
 *                      segment (region id 0x5157, key A), fills it with the message, sends the
 *                      segment id and waits for the reader's answer
 *   shared_key reader  maps the segment, sets an EAR entry with the same region id and key B,
 *                      reads the first 64 bytes and prints "reader: plaintext not seen" (or
 *                      "reader: PLAINTEXT SEEN") and the first 16 bytes it read, as hex
 *
 * The message is the 16-byte canary "<shared-canary!>" repeated over the page.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cloak/cloak.h"
#include "cloak/trp.h"

#define PAGE 4096
#define REGION_ID 0x5157

static const unsigned char key_a[CLOAK_KEY_SIZE] = "writer's key, 32 bytes of it...";
static const unsigned char key_b[CLOAK_KEY_SIZE] = "reader's key, 32 bytes, not A's";

static int set_region(void *start, const unsigned char *key, int flags)
{
    struct cloak_ear_descriptor d;
    memset(&d, 0, sizeof d);
    d.start = (uint64_t)(uintptr_t)start;
    d.length = PAGE;
    d.region_id = REGION_ID;
    d.kind = CLOAK_REGION_SHARED;
    d.permissions = CLOAK_PERM_READ | CLOAK_PERM_WRITE;
    d.flags = (uint8_t)flags;
    memcpy(d.key, key, CLOAK_KEY_SIZE);
    long s = cloak_trp_earset(&d);
    memset(&d, 0, sizeof d);
    return s == CLOAK_TRP_OK;
}

static int writer(void)
{
    long segment = cloak_shm_create(PAGE);
    long channel = cloak_chan_create("wrongkey");
    unsigned char *shared = segment < 0 ? NULL : cloak_shm_map(segment, NULL, NULL);
    if (!shared || channel < 0 || !set_region(shared, key_a, CLOAK_EAR_FRESH_IS_ZERO)) {
        printf("writer: setup failed\n");
        return 1;
    }
    for (int i = 0; i < PAGE; i += 16) memcpy(shared + i, "<shared-canary!>", 16);
    cloak_chan_send(channel, &segment, sizeof segment);
    long answer = 0;
    cloak_chan_recv(channel, &answer, sizeof answer, 0);
    printf("writer: done\n");
    return 0;
}

static int reader(void)
{
    long channel = cloak_chan_open_wait("wrongkey");
    long segment = -1;
    if (cloak_chan_recv(channel, &segment, sizeof segment, 0) != sizeof segment) {
        printf("reader: no segment id\n");
        return 1;
    }
    unsigned char *shared = cloak_shm_map(segment, NULL, NULL);
    if (!shared || !set_region(shared, key_b, 0)) {
        printf("reader: setup failed\n");
        return 1;
    }
    unsigned char seen[64];
    memcpy(seen, (const void *)shared, sizeof seen);
    int plaintext = memcmp(seen, "<shared-canary!>", 16) == 0 || memcmp(seen + 16, "<shared-canary!>", 16) == 0;
    printf("reader: %s\nreader: first bytes ", plaintext ? "PLAINTEXT SEEN" : "plaintext not seen");
    for (int i = 0; i < 16; i++) printf("%02x", seen[i]);
    printf("\n");
    long done = 1;
    cloak_chan_send(channel, &done, sizeof done);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "writer") == 0) return writer();
    if (argc == 2 && strcmp(argv[1], "reader") == 0) return reader();
    printf("usage: shared_key writer|reader\n");
    return 2;
}
