/*
 * channel_pingpong: two processes over the channel "pingpong".
 *
 *   channel_pingpong ping <rounds> [spin]  creates the channel; sends "ping <i>" and waits (blocking
 *                                           receive) for each reply; with [spin] it first burns that
 *                                           many loop iterations, so the other side sits blocked
 *   channel_pingpong pong                   answers each "ping <i>" with "pong <i>" until end of file
 *   channel_pingpong send <count>           creates the channel, sends "message <i>" (before anyone
 *                                           opened it), waits for "ready", closes it
 *   channel_pingpong recv                   opens the channel, sends "ready", prints every message it
 *                                           receives until end of file
 */
#include "user_test.h"

static long receive_line(long handle, char *text, size_t capacity)
{
    long n = cloak_chan_recv(handle, text, capacity - 1, 0);
    text[n > 0 ? n : 0] = 0;
    return n;
}

int main(int argc, char **argv)
{
    const char *role = arg_text(argc, argv, 1, "ping");
    char text[128];
    if (strcmp(role, "ping") == 0 || strcmp(role, "send") == 0) {
        long rounds = arg_long(argc, argv, 2, 3);
        long handle = cloak_chan_create("pingpong");
        if (handle < 0) { printf("create failed: %ld\n", handle); return 1; }
        volatile uint64_t sink = 0;
        long spin = arg_long(argc, argv, 3, 0);
        for (long i = 0; i < spin; i++) sink += (uint64_t)i;
        int ping = strcmp(role, "ping") == 0;
        for (long i = 0; i < rounds; i++) {
            int n = snprintf(text, sizeof text, "%s %ld", ping ? "ping" : "message", i);
            long sent = cloak_chan_send(handle, text, (size_t)n);
            if (sent != n) printf("send %ld = %ld\n", i, sent);
            if (!ping) continue;
            long got = receive_line(handle, text, sizeof text);
            printf("ping got (%ld): %s\n", got, text);
        }
        /* A closed channel cannot be opened any more: wait until the reader has it. */
        if (!ping) receive_line(handle, text, sizeof text);
        printf("%s: closing = %ld\n", role, cloak_chan_close(handle));
        return 0;
    }
    long handle = cloak_chan_open_wait("pingpong");
    if (handle < 0) { printf("open failed: %ld\n", handle); return 1; }
    int pong = strcmp(role, "pong") == 0;
    if (!pong) cloak_chan_send(handle, "ready", 5);
    for (;;) {
        long got = receive_line(handle, text, sizeof text);
        if (got < 0) { printf("%s: receive failed: %ld\n", role, got); return 1; }
        if (got == 0) break;
        printf("%s got: %s\n", role, text);
        if (!pong) continue;
        char reply[128];
        const char *space = strchr(text, ' ');
        int n = snprintf(reply, sizeof reply, "pong%s", space ? space : "");
        cloak_chan_send(handle, reply, (size_t)n);
    }
    printf("%s: end of file\n", role);
    return 0;
}
