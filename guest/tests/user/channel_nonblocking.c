/*
 * channel_nonblocking: non-blocking receives, size limits and a full queue on the channel "nb".
 *
 *   channel_nonblocking poller   creates "nb"; polls it without blocking (-EAGAIN, yielding) until
 *                                a message comes; takes a 100-byte message with too small a buffer
 *                                (-EMSGSIZE; the message stays queued), then with a large one;
 *                                receives a 64 KiB message; fills the peer's queue until -EAGAIN
 *                                (sends never block) and exits
 *   channel_nonblocking sender   opens "nb", yields a while, then sends; checks the size limit;
 *                                drains its queue until end of file
 */
#include "user_test.h"

#define MAX_MESSAGE 65536

static char big[MAX_MESSAGE + 1];

static int poller(void)
{
    char text[128];
    long handle = cloak_chan_create("nb");
    long again = 0, got;
    while ((got = cloak_chan_recv(handle, text, sizeof text - 1, CLOAK_CHAN_NONBLOCK)) == -CLOAK_EAGAIN) {
        again++;
        cloak_yield();
    }
    text[got > 0 ? got : 0] = 0;
    printf("poller: got (%ld) \"%s\" after %s\n", got, text, again > 0 ? "EAGAIN" : "no EAGAIN");

    while ((got = cloak_chan_recv(handle, text, 10, CLOAK_CHAN_NONBLOCK)) == -CLOAK_EAGAIN) cloak_yield();
    printf("poller: receive into 10 bytes = %ld\n", got);
    got = cloak_chan_recv(handle, big, sizeof big, CLOAK_CHAN_NONBLOCK);
    int same = got == 100;
    for (int i = 0; i < 100 && same; i++) same = big[i] == (char)('a' + i % 26);
    printf("poller: receive into 64 KiB = %ld (%s)\n", got, same ? "intact" : "damaged");

    got = cloak_chan_recv(handle, big, sizeof big, 0);
    int pattern = got == MAX_MESSAGE;
    for (long i = 0; i < got && pattern; i++) pattern = big[i] == (char)(i * 7);
    printf("poller: largest message = %ld (%s)\n", got, pattern ? "intact" : "damaged");

    long sent = 0, last;
    while ((last = cloak_chan_send(handle, "z", 1)) == 1) sent++;
    printf("poller: queued %ld, then %ld\n", sent, last);
    return 0;
}

static int sender(void)
{
    long handle = cloak_chan_open_wait("nb");
    for (int i = 0; i < 10; i++) cloak_yield();
    printf("sender: send = %ld\n", cloak_chan_send(handle, "hello", 5));
    for (int i = 0; i < 100; i++) big[i] = (char)('a' + i % 26);
    printf("sender: send 100 = %ld\n", cloak_chan_send(handle, big, 100));
    for (long i = 0; i < MAX_MESSAGE + 1; i++) big[i] = (char)(i * 7);
    printf("sender: send 64 KiB + 1 = %ld\n", cloak_chan_send(handle, big, MAX_MESSAGE + 1));
    printf("sender: send 64 KiB = %ld\n", cloak_chan_send(handle, big, MAX_MESSAGE));
    /* The poller now fills our queue; read everything once it says so. */
    char text[8];
    long got, count = 0;
    while ((got = cloak_chan_recv(handle, text, sizeof text, 0)) == 1) count++;
    printf("sender: drained %ld, then %ld\n", count, got);
    return 0;
}

int main(int argc, char **argv)
{
    return arg_is(argc, argv, 1, "sender") ? sender() : poller();
}
