/*
 * shm_share: one shared-memory segment seen by two processes, over the channel "shm" (the owner
 * sends the segment id). Semantics under test (src/Cloak.Kernel/Ipc/SharedSegment.cs): any process
 * may map a segment by id; only its creator may destroy it; a destroyed segment takes no new
 * mappings but stays usable by its mappers; the creator's exit destroys it implicitly; it is freed
 * when it has been destroyed and its last mapping is gone.
 *
 *   shm_share owner          maps, writes pages 0 and 3, tells the client, reads what the client
 *                            wrote, destroys (and checks destroy/map fail afterwards), writes page 2
 *   shm_share client [touch] maps the same segment (elsewhere), reads, writes page 1, checks that
 *                            destroy is refused and map fails after the owner destroyed it, unmaps;
 *                            with "touch", then reads the unmapped address (and is killed)
 *   shm_share owner-exits    maps, writes, tells the client, exits without unmapping or destroying
 *   shm_share survivor       maps, waits for the owner's exit, reads and writes, tries to map again
 *   shm_share owner-keeps    writes every page, destroys once the client has mapped, waits for the
 *                            client's exit, reads back
 *   shm_share client-fixed   maps, puts a MAP_FIXED page over the middle of its mapping, exits
 */
#include "user_test.h"

#define PAGES 3

static long channel;

static void send_text(const char *text) { cloak_chan_send(channel, text, strlen(text)); }

static long receive_text(char *text, size_t capacity)
{
    long n = cloak_chan_recv(channel, text, capacity - 1, 0);
    text[n > 0 ? n : 0] = 0;
    return n;
}

static char *create_and_share(long *id, size_t bytes)
{
    *id = cloak_shm_create(bytes);
    channel = cloak_chan_create("shm");
    size_t size = 0;
    char *a = cloak_shm_map(*id, &size, NULL);
    printf("owner: segment size %lu at %p\n", (unsigned long)size, (void *)a);
    return a;
}

static char *receive_and_map(long *id)
{
    channel = cloak_chan_open_wait("shm");
    cloak_chan_recv(channel, id, sizeof *id, 0);
    size_t size = 0;
    char *b = cloak_shm_map(*id, &size, NULL);
    printf("client: segment size %lu at %p\n", (unsigned long)size, (void *)b);
    return b;
}

static int owner(void)
{
    long id;
    char text[64];
    char *a = create_and_share(&id, PAGES * PAGE_SIZE + 100);
    strcpy(a, "owner page 0");
    strcpy(a + PAGES * PAGE_SIZE, "owner page 3");
    cloak_chan_send(channel, &id, sizeof id);
    receive_text(text, sizeof text);
    printf("owner: client says \"%s\", wrote \"%s\"\n", text, a + PAGE_SIZE);
    printf("owner: destroy = %ld\n", cloak_shm_destroy(id));
    printf("owner: destroy again = %ld\n", cloak_shm_destroy(id));
    long error = 0;
    printf("owner: map after destroy = %s (%ld)\n", cloak_shm_map(id, NULL, &error) ? "mapped" : "refused", error);
    strcpy(a + 2 * PAGE_SIZE, "written after destroy");
    send_text("destroyed");
    receive_text(text, sizeof text);
    printf("owner: unmap = %ld\n", cloak_shm_unmap(a));
    return 0;
}

static int client(int touch)
{
    long id;
    char text[64];
    char *b = receive_and_map(&id);
    printf("client: reads \"%s\" and \"%s\"\n", b, b + PAGES * PAGE_SIZE);
    printf("client: destroy = %ld\n", cloak_shm_destroy(id));
    strcpy(b + PAGE_SIZE, "client page 1");
    send_text("mapped");
    receive_text(text, sizeof text);
    long error = 0;
    printf("client: map after destroy = %s (%ld)\n", cloak_shm_map(id, NULL, &error) ? "mapped" : "refused", error);
    printf("client: reads after destroy \"%s\"\n", b + 2 * PAGE_SIZE);
    printf("client: unmap inside = %ld\n", cloak_shm_unmap(b + PAGE_SIZE));
    printf("client: unmap = %ld\n", cloak_shm_unmap(b));
    printf("client: unmap again = %ld\n", cloak_shm_unmap(b));
    send_text("bye");
    if (touch) {
        printf("client: touching %p after unmap\n", (void *)b);
        fflush(stdout);
        printf("client: read %d\n", *(volatile char *)b);
    }
    return 0;
}

static int owner_exits(void)
{
    long id;
    char text[64];
    char *a = create_and_share(&id, PAGE_SIZE);
    strcpy(a, "left by the owner");
    cloak_chan_send(channel, &id, sizeof id);
    receive_text(text, sizeof text);
    printf("owner: exiting without unmap or destroy\n");
    return 0;
}

static int survivor(void)
{
    long id;
    char text[64];
    char *b = receive_and_map(&id);
    send_text("mapped");
    printf("client: owner gone = %ld\n", receive_text(text, sizeof text));
    printf("client: reads \"%s\"\n", b);
    strcpy(b + 100, "still writable");
    printf("client: reads back \"%s\"\n", b + 100);
    long error = 0;
    printf("client: map after owner exit = %s (%ld)\n", cloak_shm_map(id, NULL, &error) ? "mapped" : "refused", error);
    printf("client: unmap = %ld\n", cloak_shm_unmap(b));
    return 0;
}

static int owner_keeps(void)
{
    long id;
    char text[64];
    char *a = create_and_share(&id, PAGES * PAGE_SIZE);
    for (int p = 0; p < PAGES; p++) snprintf(a + p * PAGE_SIZE, 32, "kept page %d", p);
    cloak_chan_send(channel, &id, sizeof id);
    receive_text(text, sizeof text);
    printf("owner: destroy = %ld\n", cloak_shm_destroy(id));
    printf("owner: client gone = %ld\n", receive_text(text, sizeof text));
    for (int p = 0; p < PAGES; p++) printf("owner: page %d reads \"%s\"\n", p, a + p * PAGE_SIZE);
    return 0;
}

static int client_fixed(void)
{
    long id;
    char *b = receive_and_map(&id);
    send_text("mapped");
    long fixed = raw_mmap((uintptr_t)b + PAGE_SIZE, PAGE_SIZE, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_ | MAP_FIXED_, -1);
    printf("client: MAP_FIXED over the middle page = %s\n", fixed == (long)b + (long)PAGE_SIZE ? "mapped" : "refused");
    printf("client: first page reads \"%s\"\n", b);
    return 0;
}

int main(int argc, char **argv)
{
    const char *role = arg_text(argc, argv, 1, "owner");
    if (strcmp(role, "owner") == 0) return owner();
    if (strcmp(role, "client") == 0) return client(arg_is(argc, argv, 2, "touch"));
    if (strcmp(role, "owner-exits") == 0) return owner_exits();
    if (strcmp(role, "survivor") == 0) return survivor();
    if (strcmp(role, "owner-keeps") == 0) return owner_keeps();
    if (strcmp(role, "client-fixed") == 0) return client_fixed();
    printf("unknown role %s\n", role);
    return 2;
}
