/*
 * The client of owner.c (docs/sdk.md, "A complete example: two programs sharing").
 *
 *   client            agrees the key with the owner over an OS channel (method M2)
 *   client preshared  uses the key the vendor put into its sealed image (method M1)
 *
 * It maps the owner's region with the common key, reads the note and answers with its length
 * through the same region. It prints the length, never the note.
 */
#include <stdio.h>
#include <string.h>
#include <cloak/cloak.h>
#include <cloak/share.h>

uint8_t cloak_common_key[CLOAK_KEY_SIZE] CLOAK_PROVISIONED;

struct page {
    char note[64];
    uint32_t answer;
};

static int failed(const char *step, int code)
{
    printf("client: %s: %s\n", step, cloak_share_error(code));
    return 1;
}

int main(int argc, char **argv)
{
    int preshared = argc > 1 && strcmp(argv[1], "preshared") == 0;
    struct cloak_member *me;
    struct cloak_region region;
    long segment;
    uint32_t region_id;
    int r;

    if ((r = cloak_member_init(&me))) return failed("hidden region", r);
    long channel = cloak_chan_open_wait("notes");   /* the owner creates it */
    if (channel < 0) return failed("channel", CLOAK_SHARE_E_SYSTEM);

    r = preshared ? cloak_key_given(me, 0, cloak_common_key) : cloak_key_exchange(me, 0, channel, 0, NULL);
    if (r) return failed(preshared ? "provisioned key" : "key exchange", r);

    /* Where the owner's region is (not secret), then map it under our copy of the key. */
    if ((r = cloak_region_await(channel, &segment, &region_id, NULL))) return failed("region announcement", r);
    if ((r = cloak_region_map(me, 0, segment, region_id, CLOAK_REGION_SHARED, &region))) return failed("map the region", r);

    char token;
    if (cloak_chan_recv(channel, &token, 1, 0) != 1) return failed("waiting for the owner", CLOAK_SHARE_E_SYSTEM);
    struct page *page = (struct page *)region.base;
    page->answer = (uint32_t)strnlen(page->note, sizeof page->note);
    printf("client: read a note of %u characters from the shared region\n", page->answer);
    cloak_chan_send(channel, &token, 1);          /* "answered" */
    return 0;
}
