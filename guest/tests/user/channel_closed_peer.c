/*
 * channel_closed_peer: what an end sees when the other end closes or its process exits.
 *
 *   channel_closed_peer writer   creates "closing", sends two messages before anyone opened it,
 *                                waits for "ready", sends "last", closes; then opens "closing-2"
 *                                and blocks receiving until the reader exits without closing it
 *   channel_closed_peer reader   opens "closing", reads the early messages, "last", then end of
 *                                file (sticky, also non-blocking), and a send gets -EPIPE; creates
 *                                "closing-2" and exits as soon as the writer has opened it
 *   channel_closed_peer rename   creates "rename", closes it unopened, creates "rename" again
 *   channel_closed_peer reopen-creator|reopen-first|reopen-second
 *                                a second process opens "reopen" after the first opener closed it
 */
#include "user_test.h"

static long receive_text(long handle, char *text, size_t capacity, int flags)
{
    long n = cloak_chan_recv(handle, text, capacity - 1, flags);
    text[n > 0 ? n : 0] = 0;
    return n;
}

static int writer(void)
{
    char text[64];
    long handle = cloak_chan_create("closing");
    printf("writer: early sends %ld %ld\n", cloak_chan_send(handle, "early 1", 7), cloak_chan_send(handle, "early 2", 7));
    long got = receive_text(handle, text, sizeof text, 0);
    printf("writer got (%ld): %s\n", got, text);
    printf("writer: send last = %ld\n", cloak_chan_send(handle, "last", 4));
    printf("writer: close = %ld\n", cloak_chan_close(handle));

    long second = cloak_chan_open_wait("closing-2");
    printf("writer: opened closing-2\n");
    got = receive_text(second, text, sizeof text, 0);
    printf("writer: receive after peer exit = %ld\n", got);
    printf("writer: send after peer exit = %ld\n", cloak_chan_send(second, "anyone?", 7));
    return 0;
}

static int reader(void)
{
    char text[64];
    long handle = cloak_chan_open_wait("closing");
    for (int i = 0; i < 2; i++) {
        long got = receive_text(handle, text, sizeof text, 0);
        printf("reader got (%ld): %s\n", got, text);
    }
    /* Let the writer send "last" and close before we look again. */
    cloak_chan_send(handle, "ready", 5);
    for (int i = 0; i < 5; i++) cloak_yield();
    long got = receive_text(handle, text, sizeof text, 0);
    printf("reader got (%ld): %s\n", got, text);
    printf("reader: receive at end = %ld\n", receive_text(handle, text, sizeof text, 0));
    printf("reader: receive again = %ld\n", receive_text(handle, text, sizeof text, 0));
    printf("reader: non-blocking receive = %ld\n", receive_text(handle, text, sizeof text, CLOAK_CHAN_NONBLOCK));
    printf("reader: send to closed peer = %ld\n", cloak_chan_send(handle, "hello?", 6));
    printf("reader: close = %ld\n", cloak_chan_close(handle));

    long second = cloak_chan_create("closing-2");
    /* Exit (without closing) once the writer has opened the channel and blocked on it. */
    (void)second;
    for (int i = 0; i < 20; i++) cloak_yield();
    printf("reader: exiting with closing-2 open\n");
    return 0;
}

static int rename_channel(void)
{
    long first = cloak_chan_create("rename");
    printf("rename: first = %ld\n", first);
    printf("rename: close = %ld\n", cloak_chan_close(first));
    printf("rename: open after close = %ld\n", cloak_chan_open("rename"));
    long again = cloak_chan_create("rename");
    printf("rename: create again = %s (%ld)\n", again >= 3 ? "ok" : "failed", again);
    return 0;
}

static int reopen(const char *role)
{
    char text[64];
    if (strcmp(role, "reopen-creator") == 0) {
        long handle = cloak_chan_create("reopen");
        long got = receive_text(handle, text, sizeof text, 0);
        printf("creator got (%ld): %s\n", got, text);
        for (int i = 0; i < 200; i++) {
            got = receive_text(handle, text, sizeof text, CLOAK_CHAN_NONBLOCK);
            if (got > 0) break;
            cloak_yield();
        }
        printf("creator got (%ld): %s\n", got, text);
        if (got > 0) printf("creator: reply = %ld\n", cloak_chan_send(handle, "reply", 5));
        return 0;
    }
    if (strcmp(role, "reopen-first") == 0) {
        long handle = cloak_chan_open_wait("reopen");
        printf("first opener: send = %ld\n", cloak_chan_send(handle, "first", 5));
        printf("first opener: close = %ld\n", cloak_chan_close(handle));
        return 0;
    }
    long handle = -CLOAK_EBUSY;
    for (int i = 0; i < 200 && (handle == -CLOAK_EBUSY || handle == -CLOAK_ENOENT); i++) {
        handle = cloak_chan_open("reopen");
        if (handle < 0) cloak_yield();
    }
    printf("second opener: open = %s (%ld)\n", handle >= 3 ? "ok" : "refused", handle);
    if (handle < 0) return 0;
    printf("second opener: send = %ld\n", cloak_chan_send(handle, "second", 6));
    long got = 0;
    for (int i = 0; i < 200; i++) {
        got = receive_text(handle, text, sizeof text, CLOAK_CHAN_NONBLOCK);
        if (got != -CLOAK_EAGAIN) break;
        cloak_yield();
    }
    printf("second opener got (%ld): %s\n", got, text);
    return 0;
}

int main(int argc, char **argv)
{
    const char *role = arg_text(argc, argv, 1, "writer");
    if (strcmp(role, "writer") == 0) return writer();
    if (strcmp(role, "reader") == 0) return reader();
    if (strcmp(role, "rename") == 0) return rename_channel();
    return reopen(role);
}
