/*
 * The owner of a shared encrypted region (docs/sdk.md, "A complete example: two programs sharing").
 *
 *   owner            the key is agreed with the client over an OS channel (method M2)
 *   owner preshared  the key was put into both sealed images by the vendor (method M1):
 *                    cloak seal owner.elf --provision cloak_common_key=common.key
 *
 * It writes a note into a page that only it and its client can read, waits for the client's
 * answer in the same page, and exits 0 if the answer is right. The note never leaves the chip in
 * the clear: not in DRAM, not on the bus, not in a channel message, and not on the console either
 * (what a program prints goes to the OS as it is, so the note is never printed).
 */
#include <stdio.h>
#include <string.h>
#include <cloak/cloak.h>
#include <cloak/share.h>

/* Zero here; the vendor's key in the sealed copy (used by "preshared" only). */
uint8_t cloak_common_key[CLOAK_KEY_SIZE] CLOAK_PROVISIONED;

/* What the shared page holds: the owner's note, then the client's answer. */
struct page {
    char note[64];
    uint32_t answer;
};

static const char note[] = "meet at the old mill at noon";

static int failed(const char *step, int code)
{
    printf("owner: %s: %s\n", step, cloak_share_error(code));
    return 1;
}

int main(int argc, char **argv)
{
    int preshared = argc > 1 && strcmp(argv[1], "preshared") == 0;
    struct cloak_member *me;
    struct cloak_region region;
    int r;

    /* A hidden region for keys and key-exchange data (fails unless the program runs sealed). */
    if ((r = cloak_member_init(&me))) return failed("hidden region", r);
    long channel = cloak_chan_create("notes");
    if (channel < 0) return failed("channel", CLOAK_SHARE_E_SYSTEM);

    /* Key slot 0 gets the common key: from the image, or agreed with the client (owner initiates). */
    r = preshared ? cloak_key_given(me, 0, cloak_common_key) : cloak_key_exchange(me, 0, channel, 1, NULL);
    if (r) return failed(preshared ? "provisioned key" : "key exchange", r);

    /* One page of shared memory, encrypted under slot 0's key; tell the client where it is. */
    if ((r = cloak_region_create(me, 0, sizeof(struct page), CLOAK_REGION_SHARED, &region))) return failed("shared region", r);
    if ((r = cloak_region_announce(channel, &region))) return failed("announce", r);
    printf("owner: shared region of %lu bytes set up (%s key)\n", (unsigned long)region.size, preshared ? "provisioned" : "agreed");

    struct page *page = (struct page *)region.base;
    strcpy(page->note, note);
    char token = 1;
    cloak_chan_send(channel, &token, 1);          /* "the note is written" */
    if (cloak_chan_recv(channel, &token, 1, 0) != 1) return failed("waiting for the client", CLOAK_SHARE_E_SYSTEM);

    int ok = page->answer == strlen(note);
    printf("owner: the client read %u characters: %s\n", page->answer, ok ? "right" : "wrong");
    return ok ? 0 : 1;
}
